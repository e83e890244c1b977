"""What the speaker picker and the claimant completer list: the entities with a live mention,
in the pickers' order (:func:`desktop.app.queries.choice_order`: people, organisations, the rest,
each by name), kept from the entity model; the same list :func:`desktop.app.queries.entity_choices`
reads from the store.

Given the entities a change event touched, only their entries move (found by bisection on their
place in that order); when it is not known which changed (or many did), the lists are read anew.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any

from desktop.app.queries import EntityChoice, choice_order
from desktop.ui.models import EntityTableModel

#: above this many changed entities, reading the lists anew is cheaper than moving entries
_MOVE_AT_MOST = 50


def _choice(row: dict[str, Any]) -> EntityChoice:
    return EntityChoice(row["id"], row["name"], row["type"], tuple(row.get("alias_names", ())))


def _place(c: EntityChoice) -> tuple[int, str, str, int]:
    return choice_order(c.type, c.name, c.id)


class ListedEntities:
    """The picker's entries (:class:`EntityChoice`) and the completer's names, in step."""

    def __init__(self) -> None:
        self.choices: list[EntityChoice] | None = None  # None: never listed
        self._keys: list[tuple[int, str, str, int]] = []  # the place of each entry, in the listed order
        self._listed: dict[int, EntityChoice] = {}

    @property
    def entries(self) -> list[tuple[int, str]] | None:
        """``(id, "name (TYPE)")`` of each entry."""
        return None if self.choices is None else [(c.id, c.text) for c in self.choices]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.choices or ()]

    def update(self, model: EntityTableModel | None, ids: Iterable[int] | None = None) -> bool:
        """Bring the lists up to date with ``model`` (None: no project); True if they changed."""
        ids = None if ids is None else list(ids)
        if model is None or ids is None or self.choices is None or len(ids) > _MOVE_AT_MOST:
            rows = model.listed() if model is not None else []
            places = [choice_order(r["type"], r["name"], r["id"]) for r in rows]
            order = sorted(range(len(rows)), key=places.__getitem__)
            keys = [places[i] for i in order]
            choices = [_choice(rows[i]) for i in order]
            listed = {c.id: c for c in choices}
        else:
            choices, keys, listed = list(self.choices), list(self._keys), dict(self._listed)
            for eid in ids:
                old = listed.pop(eid, None)
                if old is not None:
                    at = bisect.bisect_left(keys, _place(old))
                    del keys[at], choices[at]
                row = model.row_dict(model.row_of(eid))
                if row is not None:
                    new = _choice(row)
                    at = bisect.bisect_left(keys, _place(new))
                    keys.insert(at, _place(new))
                    choices.insert(at, new)
                    listed[eid] = new
        self._listed = listed
        if choices == self.choices:
            return False
        self.choices, self._keys = choices, keys
        return True
