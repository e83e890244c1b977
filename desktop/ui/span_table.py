"""All the spans of one article, by position, built into span objects only when asked for.

An article of 100,000 words has 10,000 spans, and building every span object (and its tooltip
text) took most of a document switch.  A :class:`SpanTable` keeps each span as a *lane entry*
``(start, end, key, payload)``, in lanes sorted by start: a lane of rows (a mention, a quote...)
whose span objects a ``build`` function makes on demand, or a lane of span objects already built
(what :meth:`SpanTable.of` and :meth:`SpanTable.patch` put in).  What the view shows near the
viewport asks :meth:`SpanTable.overlapping` for a range, and only those spans are built; a key
is built when it is asked for (:meth:`SpanTable.get`), and the whole list when it is iterated
(``values()``), once.

Iterating the table gives its spans; ``table.by_key`` is a read-only ``Mapping`` from key to span
(``key in table.by_key`` builds that span, so a span that ``clean`` drops is not in it).  Spans only need ``key``, ``start``, ``end`` and
``layer``; the module does not import the view (which imports it).
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

Key = tuple[str, int]
#: (start, end, key, payload): a row to build the span from, or the span itself
Entry = tuple[int, int, Key, Any]
#: ``build(lane, payloads)``: the spans of those rows (it may return more keys, e.g. a quote's
#: speaker and cue with it: they are kept too)
Builder = Callable[[str, list[Any]], list[Any]]

BUILT = "built:"  # lanes of spans already built are named BUILT + layer

__all__ = ["BUILT", "SpanTable"]


class _Lane:
    """One lane: parallel lists by start (``starts`` sorted), ``maxlen`` an upper bound of end - start.

    A lane of one layer's rows may be given their ids instead of their keys (``layer``, ``ids``):
    the ``(layer, id)`` keys are then made when first needed (a long article's 8,500 mention keys
    cost a switch more than its spans near the screen do)."""

    __slots__ = ("_ids", "_keys", "ends", "layer", "maxlen", "payloads", "starts")

    def __init__(self, starts: list[int], ends: list[int], keys: list[Key] | None, payloads: list[Any],
                 layer: str = "", ids: list[int] | None = None) -> None:
        if starts != sorted(starts):  # (rows come by position: the common case costs one pass)
            order = sorted(range(len(starts)), key=lambda i: (starts[i], ends[i]))
            starts, ends = [starts[i] for i in order], [ends[i] for i in order]
            payloads = [payloads[i] for i in order]
            if keys is not None:
                keys = [keys[i] for i in order]
            if ids is not None:
                ids = [ids[i] for i in order]
        self.starts, self.ends, self.payloads = starts, ends, payloads
        self._keys, self.layer, self._ids = keys, layer, ids
        self.maxlen = max(map(operator.sub, ends, starts), default=0)

    @property
    def keys(self) -> list[Key]:
        if self._keys is None:
            layer = self.layer
            self._keys = [(layer, i) for i in self._ids or ()]
            self._ids = None
        return self._keys

    def key(self, i: int) -> Key:
        """The key of entry ``i`` (without making the others)."""
        return self._keys[i] if self._keys is not None else (self.layer, self._ids[i])  # type: ignore[index]

    def __len__(self) -> int:
        return len(self.starts)

    @classmethod
    def of(cls, entries: Sequence[Entry]) -> _Lane:
        return cls([en[0] for en in entries], [en[1] for en in entries], [en[2] for en in entries],
                   [en[3] for en in entries])

    def entries(self) -> list[Entry]:
        return list(zip(self.starts, self.ends, self.keys, self.payloads, strict=True))

    def copy(self) -> _Lane:
        lane = _Lane.__new__(_Lane)
        lane.starts, lane.ends, lane.payloads = list(self.starts), list(self.ends), list(self.payloads)
        lane._keys = list(self._keys) if self._keys is not None else None
        lane._ids = list(self._ids) if self._ids is not None else None
        lane.layer, lane.maxlen = self.layer, self.maxlen
        return lane

    def insert(self, en: Entry) -> None:
        i = bisect.bisect_right(self.starts, en[0])
        self.starts.insert(i, en[0])
        self.ends.insert(i, en[1])
        self.keys.insert(i, en[2])
        self.payloads.insert(i, en[3])
        self.maxlen = max(self.maxlen, en[1] - en[0])

    def remove(self, key: Key) -> bool:
        keys = self.keys
        try:
            i = keys.index(key)
        except ValueError:
            return False
        del self.starts[i], self.ends[i], keys[i], self.payloads[i]  # maxlen stays an upper bound
        return True

    def overlapping(self, lo: int, hi: int) -> list[int]:
        """Indexes of the entries whose start..end reaches [lo, hi)."""
        a = bisect.bisect_left(self.starts, lo - self.maxlen)
        b = bisect.bisect_left(self.starts, hi)
        ends = self.ends
        return [i for i in range(a, b) if ends[i] > lo]


class SpanTable:
    """The spans of one article: lanes of entries by start, span objects built on demand.

    Iterating it gives every span (as the list it stands for would); :attr:`by_key` is the same
    spans as a mapping."""

    def __init__(self, build: Builder | None = None, clean: Callable[[Any], Any] | None = None) -> None:
        self._lanes: dict[str, _Lane] = {}
        self._build = build
        self._clean = clean
        self._built: dict[Key, Any] = {}  # key -> span (None: dropped by clean)
        self._where: dict[Key, tuple[str, Any]] | None = None  # key -> (lane, payload), made on first need
        self._all: list[Any] | None = None  # every span, in lane order, once iterated
        #: how many spans were built (tests: a switch builds only what is near the viewport)
        self.built_count = 0

    @classmethod
    def of(cls, spans: Iterable[Any], clean: Callable[[Any], Any] | None = None) -> SpanTable:
        """A table of spans already built (a lane per layer, in the order first seen)."""
        table = cls(clean=clean)
        lanes: dict[str, list[Entry]] = {}
        for sp in spans:
            lanes.setdefault(BUILT + sp.key[0], []).append((sp.start, sp.end, sp.key, sp))
        for name, entries in lanes.items():
            table._lanes[name] = _Lane.of(entries)
        return table

    def add_lane(self, name: str, starts: list[int], ends: list[int], keys: list[Key], payloads: list[Any]) -> None:
        """Add a lane (a new name) from parallel lists (taken over; sorted by start unless they are)."""
        self._lanes[name] = _Lane(starts, ends, keys, payloads)
        self._where, self._all = None, None

    def add_layer_lane(self, name: str, starts: list[int], ends: list[int], ids: list[int], payloads: list[Any]) -> None:
        """:meth:`add_lane` for rows of one layer, given their ids: the keys are ``(name, id)``,
        made only when something needs them all (a lookup by key, a patch, the whole list)."""
        self._lanes[name] = _Lane(starts, ends, None, payloads, name, ids)
        self._where, self._all = None, None

    def copy(self, clean: Callable[[Any], Any] | None = None) -> SpanTable:
        """The same lanes (copied, so patching one leaves the other), with its own built spans."""
        table = SpanTable(self._build, clean if clean is not None else self._clean)
        table._lanes = {name: lane.copy() for name, lane in self._lanes.items()}
        if table._clean is self._clean:
            table._built = dict(self._built)
        return table

    def has(self, key: Key) -> bool:
        """Whether the table holds ``key`` (without building it)."""
        return key in self._built or self._locate(key) is not None

    def entry_count(self) -> int:
        """How many keys the lanes hold (without building them)."""
        return sum(map(len, self._lanes.values()))

    def lane_entries(self, name: str) -> list[Entry]:
        """The entries of one lane, by start (empty when there is none)."""
        lane = self._lanes.get(name)
        return lane.entries() if lane is not None else []

    # Building -----------------------------------------------------------------------------------

    def _make(self, lane: str, payloads: list[Any], keys: list[Key]) -> None:
        """Build the spans of ``keys`` (their lane's ``payloads``) into ``_built``."""
        if lane.startswith(BUILT):
            made = payloads
        else:
            assert self._build is not None, "a lane of rows needs a build function"
            made = self._build(lane, payloads)
        clean = self._clean
        for sp in made:
            if sp.key not in self._built:
                self._built[sp.key] = clean(sp) if clean is not None else sp
                self.built_count += 1
        for k in keys:
            self._built.setdefault(k, None)  # (a build that gave nothing for it: no span)

    def _locate(self, key: Key) -> tuple[str, Any] | None:
        if self._where is None:
            self._where = {k: (name, p) for name, lane in self._lanes.items()
                           for k, p in zip(lane.keys, lane.payloads, strict=True)}
        return self._where.get(key)

    def built(self, key: Key) -> Any:
        """The span of ``key`` if it was built already (None otherwise: nothing is built)."""
        return self._built.get(key)

    def remember(self, spans: Iterable[Any]) -> None:
        """Spans already built for keys the lanes hold (so they are not built again)."""
        for sp in spans:
            self._built[sp.key] = self._clean(sp) if self._clean is not None else sp
        self._all = None

    def get(self, key: Any, default: Any = None) -> Any:
        if key is None:
            return default
        try:
            sp = self._built[key]
        except (KeyError, TypeError):
            try:
                found = self._locate(key)
            except TypeError:  # an unhashable key
                return default
            if found is None:
                return default
            self._make(found[0], [found[1]], [key])
            sp = self._built.get(key)
        return default if sp is None else sp

    @property
    def by_key(self) -> _ByKey:
        """The spans as a read-only mapping from key (``key in`` builds that span only)."""
        return _ByKey(self)

    def __len__(self) -> int:
        return len(self.spans())

    def __bool__(self) -> bool:
        return any(map(len, self._lanes.values()))

    def __iter__(self) -> Iterator[Any]:
        return iter(self.spans())

    def spans(self) -> list[Any]:
        """Every span (all of them built, once), lane by lane, each by start."""
        if self._all is None:
            out: list[Any] = []
            for name, lane in self._lanes.items():
                self._make_missing(name, lane, range(len(lane.keys)))
                out += [sp for sp in map(self._built.get, lane.keys) if sp is not None]
            self._all = out
        return self._all

    def overlapping(self, lo: int, hi: int) -> list[Any]:
        """The spans whose start..end reaches [lo, hi) (built now if they were not)."""
        out: list[Any] = []
        for name, lane in self._lanes.items():
            found = lane.overlapping(lo, hi)
            self._make_missing(name, lane, found)
            key = lane.key
            out += [sp for sp in (self._built.get(key(i)) for i in found) if sp is not None]
        return out

    def _make_missing(self, name: str, lane: _Lane, indexes: Iterable[int]) -> None:
        built, key = self._built, lane.key
        todo = [i for i in indexes if key(i) not in built]
        if todo:
            self._make(name, [lane.payloads[i] for i in todo], [key(i) for i in todo])

    # Changing -----------------------------------------------------------------------------------

    def remove(self, keys: Iterable[Key]) -> None:
        """Take these keys out (those not in the table are ignored)."""
        for key in keys:
            where = self._locate(key)
            if where is not None:
                self._lanes[where[0]].remove(key)
                del self._where[key]  # type: ignore[union-attr]
            self._built.pop(key, None)
        self._all = None

    def insert(self, lane: str, entries: Sequence[Entry]) -> None:
        """Add entries to a lane (made when new); their keys must not be in the table."""
        target = self._lanes.get(lane)
        if target is None:
            target = self._lanes[lane] = _Lane([], [], [], [])
        for en in entries:
            target.insert(en)
            if self._where is not None:
                self._where[en[2]] = (lane, en[3])
        self._all = None

    def patch(self, changed: Sequence[Any], removed: Iterable[Key] = ()) -> None:
        """Spans already built replace (or join) the spans of their keys; ``removed`` keys go."""
        self.remove({sp.key for sp in changed} | set(removed))
        by_lane: dict[str, list[Entry]] = {}
        for sp in changed:
            by_lane.setdefault(BUILT + sp.key[0], []).append((sp.start, sp.end, sp.key, sp))
        for name, entries in by_lane.items():
            self.insert(name, entries)


class _ByKey(Mapping[Key, Any]):
    """A table's spans by key."""

    __slots__ = ("_table",)

    def __init__(self, table: SpanTable) -> None:
        self._table = table

    def get(self, key: Any, default: Any = None) -> Any:
        return self._table.get(key, default)

    def __getitem__(self, key: Key) -> Any:
        sp = self._table.get(key)
        if sp is None:
            raise KeyError(key)
        return sp

    def __contains__(self, key: object) -> bool:
        return self._table.get(key) is not None

    def __len__(self) -> int:
        return len(self._table)

    def __iter__(self) -> Iterator[Key]:
        return iter([sp.key for sp in self._table.spans()])
