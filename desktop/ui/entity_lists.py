"""What the speaker picker and the claimant completer list: the entities with a live mention,
in :meth:`Store.entities`' order (name, then id), kept from the entity model.

Given the entities a change event touched, only their entries move (found by bisection on
``(name, id)``); when it is not known which changed (or many did), the lists are read anew.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from desktop.ui.models import EntityTableModel

#: above this many changed entities, reading the lists anew is cheaper than moving entries
_MOVE_AT_MOST = 50


class ListedEntities:
    """The picker's entries ``(id, "name (TYPE)")`` and the completer's names, in step."""

    def __init__(self) -> None:
        self.entries: list[tuple[int, str]] | None = None  # None: never listed
        self._keys: list[tuple[str, int]] = []  # (name, id) of each entry, in the listed order
        self._names: dict[int, str] = {}

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self._keys]

    def update(self, model: EntityTableModel | None, ids: Iterable[int] | None = None) -> bool:
        """Bring the lists up to date with ``model`` (None: no project); True if they changed."""
        ids = None if ids is None else list(ids)
        if model is None or ids is None or self.entries is None or len(ids) > _MOVE_AT_MOST:
            entities = model.listed() if model is not None else []
            entries = [(e["id"], f"{e['name']} ({e['type']})") for e in entities]
            keys = [(e["name"], e["id"]) for e in entities]
            names = {eid: name for name, eid in keys}
        else:
            entries, keys, names = list(self.entries), list(self._keys), self._names
            for eid in ids:
                name = names.pop(eid, None)
                if name is not None:
                    at = bisect.bisect_left(keys, (name, eid))
                    del keys[at], entries[at]
                row = model.row_dict(model.row_of(eid))
                if row is not None:
                    at = bisect.bisect_left(keys, (row["name"], eid))
                    keys.insert(at, (row["name"], eid))
                    entries.insert(at, (eid, f"{row['name']} ({row['type']})"))
                    names[eid] = row["name"]
        self._names = names
        if entries == self.entries:
            return False
        self.entries, self._keys = entries, keys
        return True
