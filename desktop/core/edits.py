"""Every change to a project as data: ``apply(store, edit) -> inverse``.

An edit is a small frozen dataclass that *plans* its change as a list of :class:`RowChange`
(table, id, row before, row after) after validating it against the project.  :func:`apply`
writes the plan in one transaction, checking that every row still is as the plan saw it, records
it in the ``history`` table (who, when, what, from what to what) and returns the inverse: a
:class:`ChangeSet` that restores every row, ids included.  Applying that inverse returns a
ChangeSet that redoes the edit, so undo and redo never renumber anything.

Invalid edits raise :class:`EditError` (a one-line message) and change nothing; an edit that
would change nothing raises its subclass :class:`NothingToChange`, which callers catch by class.

Rules that shape the plans:

* An editor's change to a suggestion (relabel, resize, link, edit) also accepts it and records
  the annotator: it is the editor's now, and re-running the model leaves it alone.
* Deleting a model suggestion rejects it instead of removing the row, so re-running the model
  does not resurrect it; deleting anything else removes the row.
* The first editor change in a document moves it from ``new`` to ``in_progress``.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from desktop.core.interchange import (
    EntityRecord,
    InterchangeError,
    QuoteRecord,
    as_pair,
    content_to_pairs,
    quote_from_json,
    score_problem,
)
from desktop.core.model import (
    DOC_STATUSES,
    LAYERS,
    QUOTE_TYPES,
    REVIEW_LAYERS,
    STATUSES,
    ImportedDocument,
    format_layers,
    parse_layers,
)
from desktop.core.store import EDITABLE_TABLES, Store, content_hash, now_iso
from desktop.core.wording import plural


class EditError(ValueError):
    """An edit that cannot be applied; nothing was changed."""


class NothingToChange(EditError):
    """The edit would change nothing (no fields given, or every value already as asked).

    Callers for whom that is fine (a rerun of the model that finds every link in place) catch this
    class, never the message text."""


class EditConflictError(EditError):
    """A row is no longer as the edit expects (e.g. undoing after another process changed it)."""


@dataclass(frozen=True)
class RowChange:
    table: str
    id: int
    before: dict[str, Any] | None  # None: the change inserts the row
    after: dict[str, Any] | None  # None: the change deletes the row

    def inverse(self) -> RowChange:
        return RowChange(self.table, self.id, self.after, self.before)

    @functools.cached_property
    def changed(self) -> tuple[str, ...]:
        """An update's changed columns, in the row's order (what is written and audited); computed
        once (the writer and the history both need them; :meth:`Plan.update` knows them)."""
        before, after = self.before, self.after
        if before is None or after is None:
            return ()
        return tuple(c for c in after if after[c] != before.get(c))

    @property
    def doc_id(self) -> int | None:
        row = self.after or self.before or {}
        return self.id if self.table == "documents" else row.get("doc_id")

    @property
    def links(self) -> set[tuple[str, int]]:
        """The entities the row points to before or after (their mention counts may change)."""
        column = _ENTITY_LINKS.get(self.table, "")
        rows = (self.before, self.after) if column else ()
        return {("entities", r[column]) for r in rows if r is not None and r.get(column) is not None}


_ENTITY_LINKS = {"mentions": "entity_id", "quotes": "speaker_entity_id", "claims": "claimant_entity_id"}


# Planning context ------------------------------------------------------------------------------


class Plan:
    """What an edit sees while planning: the store, the clock, the annotator, fresh ids."""

    def __init__(self, store: Store, now: str | None = None):
        self.store = store
        self.now = now or now_iso()
        self.annotator = store.annotator
        self.changes: list[RowChange] = []
        self._next_ids: dict[str, int] = {}
        self._rows: dict[tuple[str, int], dict[str, Any] | None] = {}
        # Changes whose ``before`` did not come from this plan's own reads inside apply()'s
        # transaction (a replayed ChangeSet, an insert with a given id): only these can find a row
        # changed since, so only these are checked against the store when written.
        self.unverified: set[int] = set()  # indexes into ``changes``
        self.replayed = False
        self._by_table: dict[str, set[int]] = {}  # planned row ids by table, up to changes[:_indexed]
        self._by_span: dict[tuple[Any, ...], set[int]] = {}  # ... and by (table, doc_id, start, end)
        self._indexed = 0
        self._stored_any: dict[str, bool] = {}

    # reading (sees the plan's own earlier changes)
    def stored_any(self, table: str) -> bool:
        """Whether the store holds a ``table`` row (before this plan's changes; asked once)."""
        if table not in self._stored_any:
            found = self.store.conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone()
            self._stored_any[table] = found is not None
        return self._stored_any[table]

    def row(self, table: str, row_id: int) -> dict[str, Any] | None:
        key = (table, row_id)
        if key not in self._rows:
            self._rows[key] = self.store.row(table, row_id)
        row = self._rows[key]
        return None if row is None else dict(row)

    def need(self, table: str, row_id: Any) -> dict[str, Any]:
        return dict(self.need_ref(table, row_id))

    def need_ref(self, table: str, row_id: Any) -> dict[str, Any]:
        """:meth:`need` without the copy: for reading only."""
        if not isinstance(row_id, int) or isinstance(row_id, bool):
            raise EditError(f"{table[:-1]} id must be an integer, not {row_id!r}")
        row = self.peek(table, row_id)
        if row is None:
            raise EditError(f"no {table[:-1]} with id {row_id}")
        return row

    def new_id(self, table: str) -> int:
        if table not in self._next_ids:
            top = self.store.conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0] or 0
            self._next_ids[table] = top + 1
        value = self._next_ids[table]
        self._next_ids[table] += 1
        return value

    # writing (only recorded here; apply() writes)
    def insert(self, table: str, row: dict[str, Any]) -> int:
        row_id = row.get("id")
        if row_id:
            self.unverified.add(len(self.changes))
        else:
            row_id = self.new_id(table)
        row = {**_column_defaults(self.store, table), **row, "id": row_id}
        self.changes.append(RowChange(table, row_id, None, row))
        self._rows[(table, row_id)] = row
        return row_id

    def update(self, table: str, row_id: int, **values: Any) -> None:
        # read without a copy: the plan never changes a row in place (an update files a new dict)
        before = self.need_ref(table, row_id)
        if before.keys() >= values.keys():  # the usual case: the changed columns are among ``values``
            changed = [k for k, v in values.items() if v != before[k]]
            if not changed:
                return
            if len(changed) > 1:
                order = list(before)
                changed.sort(key=order.index)
            after = {**before, **values}
            change = RowChange(table, row_id, before, after)
            change.__dict__["changed"] = tuple(changed)
        else:
            after = {**before, **values}
            if after == before:
                return
            change = RowChange(table, row_id, before, after)
        self.changes.append(change)
        self._rows[(table, row_id)] = after

    def delete(self, table: str, row_id: int) -> None:
        before = self.need(table, row_id)
        self.changes.append(RowChange(table, row_id, before, None))
        self._rows[(table, row_id)] = None

    def planned_ids(self, table: str) -> set[int]:
        """Ids of the ``table`` rows this plan has changed so far (``changes`` only grows)."""
        for c in self.changes[self._indexed:]:
            self._by_table.setdefault(c.table, set()).add(c.id)
            a = c.after
            if a is not None and "start" in a:
                self._by_span.setdefault((c.table, a.get("doc_id"), a["start"], a.get("end")), set()).add(c.id)
        self._indexed = len(self.changes)
        return self._by_table.get(table, set())

    def planned_at(self, table: str, doc_id: int, start: int, end: int) -> set[int]:
        """Ids of the planned ``table`` rows that were at ``start..end`` of ``doc_id`` after one of
        this plan's changes (a superset of those there now: callers test the rows)."""
        self.planned_ids(table)
        return self._by_span.get((table, doc_id, start, end), set())

    def seen(self, table: str, row: dict[str, Any]) -> None:
        """The stored ``row`` as the plan just read it (``SELECT *`` inside apply()'s transaction),
        so that :meth:`row` does not read it again."""
        self._rows.setdefault((table, row["id"]), row)

    def peek(self, table: str, row_id: int) -> dict[str, Any] | None:
        """:meth:`row` without the copy: for reading only."""
        key = (table, row_id)
        if key not in self._rows:
            self._rows[key] = self.store.row(table, row_id)
        return self._rows[key]

    # shared rules
    def touch(self, table: str, row_id: int, **values: Any) -> None:
        """An editor's change to an annotation: it becomes accepted and the editor's."""
        values = {"status": "accepted", "annotator": self.annotator, "updated_at": self.now, **values}
        self.update(table, row_id, **values)
        self.start_document(self.need(table, row_id)["doc_id"])

    def start_document(self, doc_id: int) -> None:
        doc = self.need("documents", doc_id)
        if doc["status"] == "new":
            self.update("documents", doc_id, status="in_progress", updated_at=self.now)

    def provenance(self, origin: str = "editor", status: str | None = None, model: str | None = None,
                   annotator: str | None = None) -> dict[str, Any]:
        if origin not in ("model", "editor", "import"):
            raise EditError(f"unknown origin {origin!r}")
        status = status or ("suggested" if origin == "model" else "accepted")
        if status not in STATUSES:
            raise EditError(f"unknown status {status!r}")
        if annotator is None and origin == "editor":
            annotator = self.annotator
        return {"origin": origin, "status": status, "annotator": annotator, "model": model,
                "created_at": self.now, "updated_at": self.now}


_DEFAULTS: dict[str, dict[str, Any]] = {}


def _column_defaults(store: Store, table: str) -> dict[str, Any]:
    """Every column of ``table`` with the value SQLite would give it when left out, so a planned
    insert describes the whole stored row (what later edits and undos compare against)."""
    key = table  # every writable store is at the current schema version
    if key not in _DEFAULTS:
        defaults = {}
        for col in store.conn.execute(f"PRAGMA table_info({table})").fetchall():
            name, default = col[1], col[4]
            defaults[name] = None if default is None else store.conn.execute(f"SELECT {default}").fetchone()[0]
        _DEFAULTS[key] = defaults
    return _DEFAULTS[key]


# Validation helpers ---------------------------------------------------------------------------------


def _text_len(plan: Plan, doc_id: int) -> int:
    return len(plan.need_ref("documents", doc_id)["text"])


def _check_span(plan: Plan, doc_id: int, start: Any, end: Any, what: str = "span") -> None:
    text = plan.need_ref("documents", doc_id)["text"]
    n = len(text)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        raise EditError(f"{what} offsets must be integers, got {start!r}..{end!r}")
    if not 0 <= start < end <= n:
        raise EditError(f"{what} {start}..{end} is not inside document {doc_id} (0..{n}) or is empty")
    if text[start:end].isspace():  # no tool reads a span of blanks; spaCy's exports would refuse it
        raise EditError(f"{what} {start}..{end} holds only white space")


def _check_entity_label(plan: Plan, label: str, *, allow_new: bool = False) -> None:
    known = plan.store.entity_labels()
    if label in known:
        return
    if allow_new and isinstance(label, str) and label.strip():
        _add_label_if_missing(plan, "entity", "", label)
        return
    raise EditError(f"unknown entity label {label!r}; the project's labels are {', '.join(known)}")


def _add_label_if_missing(plan: Plan, layer: str, label_set: str, name: str) -> None:
    exists = plan.store.conn.execute(
        "SELECT 1 FROM labels WHERE layer = ? AND label_set = ? AND name = ?", (layer, label_set, name)
    ).fetchone()
    pending = any(
        c.table == "labels" and c.after and (c.after["layer"], c.after["label_set"], c.after["name"]) == (layer, label_set, name)
        for c in plan.changes
    )
    if not exists and not pending:
        pos = plan.store.conn.execute("SELECT coalesce(max(position), -1) + 1 FROM labels").fetchone()[0]
        pos += sum(1 for c in plan.changes if c.table == "labels")
        plan.insert("labels", {"layer": layer, "label_set": label_set, "name": name, "color": "#cccccc",
                               "hotkey": None, "description": "", "position": pos})


def _check_claim_labels(plan: Plan, labels: Any, *, allow_new: bool = False) -> dict[str, str]:
    if not isinstance(labels, dict):
        raise EditError(f"claim labels must be a mapping of label set to label, got {labels!r}")
    sets = plan.store.claim_label_sets()
    for label_set, value in labels.items():
        if label_set in sets and value in sets[label_set]:
            continue
        if allow_new and isinstance(value, str) and value:
            _add_label_if_missing(plan, "claim", str(label_set), value)
            continue
        if label_set not in sets:
            raise EditError(f"unknown claim label set {label_set!r}; the project has {', '.join(sets)}")
        raise EditError(f"unknown label {value!r} in {label_set}; choose one of {', '.join(sets[label_set])}")
    return dict(labels)


def _check_entity_ref(plan: Plan, entity_id: Any) -> None:
    if entity_id is not None:
        plan.need("entities", entity_id)


def _optional_span(value: Any) -> tuple[int, int] | None:
    """A span given as ``{"start", "end"}`` or a pair, or None where the field may be left out."""
    return None if value is None else _span_pair(value)


def _span_pair(value: Any) -> tuple[int, int]:
    """A span given as ``{"start", "end"}`` or a pair; anything else (None too) is an EditError."""
    try:
        return as_pair(value)
    except InterchangeError as exc:
        raise EditError(str(exc)) from None


def _quote_record(item: Any, where: str) -> QuoteRecord:
    """An interchange quote dict (an import's, the model's) decoded by the one codec."""
    try:
        return quote_from_json(item, where)
    except InterchangeError as exc:
        raise EditError(str(exc)) from None


# Edits ---------------------------------------------------------------------------------------------


class Edit:
    """Base of every edit.  Subclasses are frozen dataclasses with a ``kind`` and ``plan()``."""

    kind: ClassVar[str] = "edit"
    if TYPE_CHECKING:  # set by @dataclass on every subclass; lets the type checker see an Edit is one
        __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    def plan(self, p: Plan) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:
        return self.kind.replace("_", " ")

    def to_json(self) -> dict[str, Any]:
        # Shallow: the fields are plain values, tuples and dicts (json.dumps walks them), so the
        # deep copy dataclasses.asdict makes is only needed for ChangeSet's RowChanges.  A
        # pre-annotation's ReplaceSuggestions holds thousands of dicts, and the copy cost more
        # than writing its rows.
        return {"kind": self.kind, **{f.name: getattr(self, f.name) for f in dataclasses.fields(self)}}

    def history_json(self) -> dict[str, Any]:
        """What the ``history`` row's ``edit`` column keeps of the edit (its audit rows are in
        ``changes``): :meth:`to_json`, unless an edit's rows already say all of it."""
        return self.to_json()


_KINDS: dict[str, type[Edit]] = {}


def _register(cls: type[Edit]) -> type[Edit]:
    _KINDS[cls.kind] = cls
    return cls


def edit_from_json(data: dict[str, Any]) -> Edit:
    data = dict(data)
    cls = _KINDS.get(data.pop("kind", None))
    if cls is None:
        raise EditError(f"unknown edit kind in {data!r}")
    if cls is ChangeSet:
        return ChangeSet(tuple(RowChange(**c) for c in data["changes"]), data.get("label", ""))
    if cls is DeleteDocument and "id" in data:  # recorded before the field was named doc_id
        data["doc_id"] = data.pop("id")
    return cls(**data)


@_register
@dataclass(frozen=True)
class ChangeSet(Edit):
    """Row changes replayed exactly; what :func:`apply` returns as the inverse of any edit."""

    changes: tuple[RowChange, ...]
    label: str = ""
    kind: ClassVar[str] = "changes"

    def plan(self, p: Plan) -> None:
        p.replayed = True
        p.changes.extend(self.changes)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, **dataclasses.asdict(self)}

    def describe(self) -> str:
        return self.label or "changes"

    def inverse(self, label: str | None = None) -> ChangeSet:
        return ChangeSet(tuple(c.inverse() for c in reversed(self.changes)), label if label is not None else self.label)


# Canonical-entity bookkeeping ---------------------------------------------------------------------------
#
# The rules every edit keeps (``desktop.core.invariants`` checks them):
#
# * a *confirmed* mention (accepted, or made by the editor) that is not rejected is linked to a
#   canonical entity of its own label.  When an edit changes its label or span, it is re-linked:
#   kept on its entity if that entity still fits (same label; for a resize, the new text is the
#   entity's name or an alias); else to the entity of that label whose name or alias the text is
#   (the old entity's name counts too after a relabel); else, after a relabel, the old entity
#   simply changes type when no other live mention uses it; else to a new entity named by the text;
# * a quote whose speaker span is exactly a confirmed mention has that mention's entity as speaker
#   entity; setting a speaker span sets the speaker entity from the span (see
#   :func:`_speaker_entity`);
# * a canonical entity no live (non-rejected) mention links to is kept (undo, aliases) but is not
#   listed by ``Store.entities()``, counted or exported.


def _confirmed(row: dict[str, Any]) -> bool:
    return row["status"] != "rejected" and (row["status"] == "accepted" or row["origin"] == "editor")


def _planned_ids(p: Plan, table: str, sql: str, args: Sequence[Any]) -> list[int]:
    """Ids the store's ``sql`` finds plus every ``table`` row the plan has touched (callers test
    the planned rows themselves, so rows the plan changed are judged as they will be)."""
    ids = {r[0] for r in p.store.conn.execute(sql, args)}
    ids.update(p.planned_ids(table))
    return sorted(ids)


def _find_entity(p: Plan, names: Sequence[str], label: str | None) -> int | None:
    """The entity (of ``label``, or any type preferring PERSON) whose name or alias is one of
    ``names``: an exact name before an alias, then the lowest id."""
    from desktop.core.entity_links import name_key

    if not (p.planned_ids("entities") or p.stored_any("entities")):
        return None  # no entity at all (a fresh project's pre-annotation asks once per quote speaker)
    keys = [k for k in (name_key(n) for n in names) if k]
    if not keys:
        return None
    where, args = [], []
    if label is not None:
        where.append("type = ?")
        args.append(label)
    # Only rows whose name or aliases contain each key's longest word can match: SQLite narrows a
    # large project's entities to a few (its LIKE folds ASCII case only, so a key with other
    # letters is looked for among all of them).  A LIKE on the stored text is a cheap test per
    # row; a name or alias with a period or a curly apostrophe (which name_key drops or
    # straightens, so the word need not be in the stored text as such) is always a candidate.
    words = [max(k.split(" "), key=len) for k in keys]
    if all(w.isascii() for w in words):
        odd = " OR ".join(f"instr({col}, '{ch}') > 0" for col in ("name", "aliases") for ch in (".", "\u2019"))
        like = " OR ".join("name LIKE ? ESCAPE '!' OR aliases LIKE ? ESCAPE '!'" for _ in words)
        where.append(f"({like} OR {odd})")
        for w in words:
            pattern = "%" + w.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"
            args += [pattern, pattern]
    sql = "SELECT id FROM entities" + (" WHERE " + " AND ".join(where) if where else "")
    best: tuple[Any, ...] | None = None
    for eid in _planned_ids(p, "entities", sql, args):
        row = p.row("entities", eid)
        if row is None or (label is not None and row["type"] != label):
            continue
        rank = None
        if name_key(row["name"]) in keys:
            rank = 0
        elif any(name_key(a) in keys for a in p.store.stored_json(row, "entities", "aliases", list)):
            rank = 1
        if rank is not None:
            key = (rank, row["type"] != "PERSON", eid)
            best = key if best is None or key < best else best
    return None if best is None else best[-1]


def _entity_in_use(p: Plan, entity_id: int, but: int) -> bool:
    """Whether a live mention other than ``but`` links to ``entity_id``."""
    for mid in _planned_ids(p, "mentions", "SELECT id FROM mentions WHERE entity_id = ? AND status != 'rejected'",
                            (entity_id,)):
        row = p.row("mentions", mid)
        if mid != but and row is not None and row["entity_id"] == entity_id and row["status"] != "rejected":
            return True
    return False


def _new_entity(p: Plan, name: str, label: str) -> int:
    from desktop.core.entity_links import display_name

    return p.insert("entities", {"name": display_name(name) or name, "type": label, "aliases": "[]",
                                 "created_at": p.now, "updated_at": p.now})


def _link_mention(p: Plan, mention_id: int, *, resized: bool = False) -> None:
    """Keep the canonical-entity rule for one mention after the plan changed it (see above)."""
    from desktop.core.entity_links import names_match

    m = p.row("mentions", mention_id)
    if m is None or not _confirmed(m):
        return
    surface = p.need("documents", m["doc_id"])["text"][m["start"]:m["end"]]
    current = p.row("entities", m["entity_id"]) if m["entity_id"] is not None else None
    target: int | None = None
    if current is not None and current["type"] == m["label"] and (not resized or names_match(
            surface, current["name"], p.store.stored_json(current, "entities", "aliases", list))):
        target = current["id"]
    if target is None:
        names = [surface] if resized or current is None else [surface, current["name"]]
        target = _find_entity(p, names, m["label"])
    if target is None and current is not None and not resized and not _entity_in_use(p, current["id"], mention_id):
        p.update("entities", current["id"], type=m["label"], updated_at=p.now)
        target = current["id"]
    if target is None:
        target = _new_entity(p, surface, m["label"])
    if target != m["entity_id"]:
        p.update("mentions", mention_id, entity_id=target)
    _sync_speakers(p, p.need("mentions", mention_id))


def _sync_speakers(p: Plan, m: dict[str, Any]) -> None:
    """Quotes whose speaker span is exactly the confirmed mention ``m`` get its entity."""
    if not _confirmed(m):
        return
    for (qid,) in p.store.conn.execute(
            "SELECT id FROM quotes WHERE doc_id = ? AND speaker_start = ? AND speaker_end = ? AND status != 'rejected'",
            (m["doc_id"], m["start"], m["end"])).fetchall():
        q = p.row("quotes", qid)
        if q is not None and (q["speaker_start"], q["speaker_end"]) == (m["start"], m["end"]) \
                and q["speaker_entity_id"] != m["entity_id"]:
            p.update("quotes", qid, speaker_entity_id=m["entity_id"], updated_at=p.now)


def _supersede_suggestions(p: Plan, doc_id: int, start: int, end: int, own_id: int) -> None:
    """An editor's entity span over the model's untouched suggestions replaces them: they are
    rejected in the same edit (the editor's "Hotel President Wilson" over the model's "Hotel" and
    "Wilson" leaves no leftovers, and a later pre-annotation does not bring them back).  Mentions
    an editor made or accepted stay."""
    sql = 'SELECT id FROM mentions WHERE doc_id = ? AND start < ? AND ? < "end"'
    for mid in _planned_ids(p, "mentions", sql, (doc_id, end, start)):
        row = p.row("mentions", mid)
        if mid != own_id and row is not None and row["doc_id"] == doc_id and row["start"] < end \
                and start < row["end"] and _untouched(row):
            p.touch("mentions", mid, status="rejected")


def _speaker_entity(p: Plan, doc_id: int, span: tuple[int, int] | None,
                    stored_at: dict[tuple[int, int], list[int]] | None = None) -> int | None:
    """The speaker entity a speaker span gives: the entity of a live mention at exactly that span
    (a confirmed one first), else the entity whose name or alias the span's text is (PERSON first),
    else none ("The Russian Foreign Minister" is not the NORP "Russian" inside it)."""
    if span is None:
        return None
    at = []
    if stored_at is not None:  # the caller read all the document's stored mentions in this plan
        ids = set(stored_at.get((span[0], span[1]), ()))
    else:
        ids = {r[0] for r in p.store.conn.execute(
            "SELECT id FROM mentions WHERE doc_id = ? AND start = ? AND \"end\" = ?", (doc_id, span[0], span[1]))}
    ids.update(p.planned_at("mentions", doc_id, span[0], span[1]))  # rows elsewhere now fail the test below
    for mid in sorted(ids):
        row = p.peek("mentions", mid)
        if row is not None and row["doc_id"] == doc_id and (row["start"], row["end"]) == tuple(span) \
                and row["status"] != "rejected" and row["entity_id"] is not None:
            at.append((not _confirmed(row), mid, row["entity_id"]))
    if at:
        return min(at)[-1]
    return _find_entity(p, [p.need_ref("documents", doc_id)["text"][span[0]:span[1]]], None)



# Entity mentions ----------------------------------------------------------------------------------


@_register
@dataclass(frozen=True)
class AddMention(Edit):
    doc_id: int
    start: int
    end: int
    label: str
    entity_id: int | None = None
    origin: str = "editor"
    status: str | None = None
    model: str | None = None
    kind: ClassVar[str] = "add_mention"

    def plan(self, p: Plan) -> None:
        p.need("documents", self.doc_id)
        _check_span(p, self.doc_id, self.start, self.end, "entity span")
        _check_entity_label(p, self.label, allow_new=self.origin != "editor")
        _check_entity_ref(p, self.entity_id)
        if self.entity_id is not None and p.need("entities", self.entity_id)["type"] != self.label:
            raise EditError(f"entity {self.entity_id} is not a {self.label}; a mention's entity has its label")
        mid = p.insert("mentions", {"doc_id": self.doc_id, "start": self.start, "end": self.end, "label": self.label,
                                    "entity_id": self.entity_id, **p.provenance(self.origin, self.status, self.model)})
        _link_mention(p, mid)  # an editor's (or accepted) span gets its canonical entity
        if self.origin == "editor":
            _supersede_suggestions(p, self.doc_id, self.start, self.end, mid)
            p.start_document(self.doc_id)

    def describe(self) -> str:
        return f"add {self.label} entity"


def _delete_annotation(p: Plan, table: str, row_id: int) -> None:
    row = p.need(table, row_id)
    if table in ("quotes", "claims"):
        _leave_clusters(p, table, [row_id])
    if row["origin"] == "model":
        p.touch(table, row_id, status="rejected")
    else:
        p.delete(table, row_id)
        p.start_document(row["doc_id"])


@_register
@dataclass(frozen=True)
class DeleteMention(Edit):
    id: int
    kind: ClassVar[str] = "delete_mention"

    def plan(self, p: Plan) -> None:
        _delete_annotation(p, "mentions", self.id)

    def describe(self) -> str:
        return "delete entity"


@_register
@dataclass(frozen=True)
class RelabelMention(Edit):
    """Give a mention another label; it is re-linked to a canonical entity of that label (see
    :func:`_link_mention`: an entity of that label with its name, else its entity changes type if
    nothing else uses it, else a new one)."""

    id: int
    label: str
    kind: ClassVar[str] = "relabel_mention"

    def plan(self, p: Plan) -> None:
        p.need("mentions", self.id)
        _check_entity_label(p, self.label)
        p.touch("mentions", self.id, label=self.label)
        _link_mention(p, self.id)

    def describe(self) -> str:
        return f"relabel entity as {self.label}"


@_register
@dataclass(frozen=True)
class ResizeMention(Edit):
    """Move a mention's span; it is re-linked to the entity its new text names (its own if the text
    is that entity's name or alias, else one of its label by name or alias, else a new one)."""

    id: int
    start: int
    end: int
    kind: ClassVar[str] = "resize_mention"

    def plan(self, p: Plan) -> None:
        row = p.need("mentions", self.id)
        _check_span(p, row["doc_id"], self.start, self.end, "entity span")
        p.touch("mentions", self.id, start=self.start, end=self.end)
        _link_mention(p, self.id, resized=(row["start"], row["end"]) != (self.start, self.end))
        _supersede_suggestions(p, row["doc_id"], self.start, self.end, self.id)

    def describe(self) -> str:
        return "resize entity"


@_register
@dataclass(frozen=True)
class LinkMention(Edit):
    """Link a mention to a canonical entity; the mention takes the entity's type as its label.

    ``entity_id=None`` unlinks it from its entity: it gets an entity of its own, named by its text
    (a confirmed mention always has one).
    """

    id: int
    entity_id: int | None
    kind: ClassVar[str] = "link_mention"

    def plan(self, p: Plan) -> None:
        row = p.need("mentions", self.id)
        _check_entity_ref(p, self.entity_id)
        if self.entity_id is None:
            surface = p.need("documents", row["doc_id"])["text"][row["start"]:row["end"]]
            p.touch("mentions", self.id, entity_id=_new_entity(p, surface, row["label"]))
        else:
            p.touch("mentions", self.id, entity_id=self.entity_id, label=p.need("entities", self.entity_id)["type"])
        _sync_speakers(p, p.need("mentions", self.id))

    def describe(self) -> str:
        return "link entity" if self.entity_id is not None else "unlink entity"


# Canonical entities --------------------------------------------------------------------------------


def _aliases(values: Iterable[str], exclude: str) -> str:
    seen: list[str] = []
    for v in values:
        if v and v != exclude and v not in seen:
            seen.append(v)
    return json.dumps(sorted(seen), ensure_ascii=False)


@_register
@dataclass(frozen=True)
class AddEntity(Edit):
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    kind: ClassVar[str] = "add_entity"

    def plan(self, p: Plan) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise EditError("an entity needs a name")
        _check_entity_label(p, self.type, allow_new=False)
        p.insert("entities", {"name": self.name.strip(), "type": self.type,
                              "aliases": _aliases(self.aliases, self.name.strip()),
                              "created_at": p.now, "updated_at": p.now})

    def describe(self) -> str:
        return f"add entity {self.name}"


@_register
@dataclass(frozen=True)
class RenameEntity(Edit):
    """Rename a canonical entity; the old name is kept as an alias.

    The entity becomes *decided* (``entities.decided``): pre-annotation never renames it again and
    links mentions of the old name to it (see :class:`LinkEntities`)."""

    id: int
    name: str
    type: str | None = None
    kind: ClassVar[str] = "rename_entity"

    def plan(self, p: Plan) -> None:
        row = p.need("entities", self.id)
        name = (self.name or "").strip()
        if not name:
            raise EditError("an entity needs a name")
        if self.type is not None:
            _check_entity_label(p, self.type)
        aliases = _aliases([*p.store.stored_json(row, "entities", "aliases", list), row["name"]], name)
        p.update("entities", self.id, name=name, aliases=aliases, type=self.type or row["type"], decided=1,
                 updated_at=p.now)
        if self.type is not None and self.type != row["type"]:  # its mentions keep its label
            for (mid,) in p.store.conn.execute("SELECT id FROM mentions WHERE entity_id = ?", (self.id,)).fetchall():
                p.update("mentions", mid, label=self.type, updated_at=p.now)

    def describe(self) -> str:
        return f"rename entity to {self.name}"


def _repoint_entity(p: Plan, source: int, target: int | None, mention_ids: set[int] | None = None) -> None:
    """Move references to entity ``source`` onto ``target`` (all, or only those mentions); a moved
    mention takes ``target``'s type as its label (a mention's entity has its label)."""
    conn = p.store.conn
    label = {} if target is None else {"label": p.need("entities", target)["type"]}
    for (mid,) in conn.execute("SELECT id FROM mentions WHERE entity_id = ?", (source,)).fetchall():
        if mention_ids is None or mid in mention_ids:
            p.update("mentions", mid, entity_id=target, updated_at=p.now, **label)
    if mention_ids is None:
        for (qid,) in conn.execute("SELECT id FROM quotes WHERE speaker_entity_id = ?", (source,)).fetchall():
            p.update("quotes", qid, speaker_entity_id=target, updated_at=p.now)
        for (cid,) in conn.execute("SELECT id FROM claims WHERE claimant_entity_id = ?", (source,)).fetchall():
            p.update("claims", cid, claimant_entity_id=target, updated_at=p.now)


@_register
@dataclass(frozen=True)
class MergeEntities(Edit):
    """Merge ``others`` into ``target``: their mentions, quotes and claims point to it, their
    names become its aliases, and they are removed.

    The target becomes *decided*: pre-annotation links every mention of a merged-away name to it
    and never creates an entity of that name again (see :class:`LinkEntities`).  Undo restores the
    target's row as it was, decision included."""

    target: int
    others: tuple[int, ...]
    kind: ClassVar[str] = "merge_entities"

    def plan(self, p: Plan) -> None:
        row = p.need("entities", self.target)
        others = [o for o in dict.fromkeys(self.others) if o != self.target]
        if not others:
            raise EditError("choose at least one other entity to merge")
        names = list(p.store.stored_json(row, "entities", "aliases", list))
        for other in others:
            o = p.need("entities", other)
            names += [o["name"], *p.store.stored_json(o, "entities", "aliases", list)]
            _repoint_entity(p, other, self.target)
            p.delete("entities", other)
        p.update("entities", self.target, aliases=_aliases(names, row["name"]), decided=1, updated_at=p.now)

    def describe(self) -> str:
        return f"merge {plural(len(self.others), 'entity')}"


@_register
@dataclass(frozen=True)
class SplitEntity(Edit):
    """Move some mentions of an entity to a new entity ``name`` (e.g. two people one surname).

    Both entities become *decided*: pre-annotation keeps the moved mentions on the new entity and
    never puts the two into one cluster again (see :class:`LinkEntities`)."""

    id: int
    mention_ids: tuple[int, ...]
    name: str
    type: str | None = None
    kind: ClassVar[str] = "split_entity"

    def plan(self, p: Plan) -> None:
        row = p.need("entities", self.id)
        if not self.mention_ids:
            raise EditError("choose the mentions that belong to the new entity")
        for mid in self.mention_ids:
            if p.need("mentions", mid)["entity_id"] != self.id:
                raise EditError(f"mention {mid} does not belong to entity {self.id}")
        if not (self.name or "").strip():
            raise EditError("the new entity needs a name")
        new_type = self.type or row["type"]
        _check_entity_label(p, new_type)
        new_id = p.insert("entities", {"name": self.name.strip(), "type": new_type, "aliases": "[]", "decided": 1,
                                       "created_at": p.now, "updated_at": p.now})
        p.update("entities", self.id, decided=1, updated_at=p.now)
        moved = set(self.mention_ids)
        _repoint_entity(p, self.id, new_id, moved)
        # Quotes whose speaker is one of the moved mentions follow them.
        for mid in moved:
            m = p.need("mentions", mid)  # each was checked above
            for (qid,) in p.store.conn.execute(
                "SELECT id FROM quotes WHERE doc_id = ? AND speaker_entity_id = ? AND speaker_start = ? AND speaker_end = ?",
                (m["doc_id"], self.id, m["start"], m["end"]),
            ).fetchall():
                p.update("quotes", qid, speaker_entity_id=new_id, updated_at=p.now)

    def describe(self) -> str:
        return f"split off entity {self.name}"


@_register
@dataclass(frozen=True)
class DeleteEntity(Edit):
    """Remove a canonical entity; its suggested mentions stay, unlinked.  An entity that confirmed
    (accepted or editor-made) mentions link to is refused: each of them must have an entity of its
    label, so merge it into another or delete those mentions first."""

    id: int
    kind: ClassVar[str] = "delete_entity"

    def plan(self, p: Plan) -> None:
        row = p.need("entities", self.id)
        confirmed = [m for m in p.store.conn.execute("SELECT * FROM mentions WHERE entity_id = ?", (self.id,))
                     if _confirmed(dict(m))]
        if confirmed:
            raise EditError(f"entity {row['name']!r} has {len(confirmed)} accepted mention"
                            f"{'s' if len(confirmed) != 1 else ''}: merge it into another entity or delete "
                            "those mentions first")
        _repoint_entity(p, self.id, None)
        p.delete("entities", self.id)


# Quotes -----------------------------------------------------------------------------------------------


_QUOTE_FIELDS = ("content", "speaker", "speaker_entity_id", "cue", "type", "speaker_resolved")
#: How History names a quote's fields.
_QUOTE_WORDS = {"content": "content", "speaker": "speaker", "speaker_entity_id": "speaker", "cue": "cue",
                "type": "type", "speaker_resolved": "speaker"}


def _field_words(fields: Iterable[str], words: dict[str, str]) -> str:
    """The changed fields as words of a sentence: "speaker and cue", "extent, claimant and note"."""
    order = list(words)
    ranked = sorted(fields, key=lambda f: (order.index(f) if f in order else len(order), f))
    named = list(dict.fromkeys(words.get(f, f.replace("_", " ")) for f in ranked))
    if not named:
        return "nothing"
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def _quote_values(p: Plan, doc_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    """Validate quote fields and turn them into column values."""
    unknown = set(fields) - set(_QUOTE_FIELDS)
    if unknown:
        raise EditError(f"unknown quote field(s): {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    if "content" in fields:
        content = fields["content"]
        if not isinstance(content, (list, tuple)) or not content:
            raise EditError("a quote needs at least one content fragment")
        spans = sorted(_span_pair(c) for c in content)
        for s, e in spans:
            _check_span(p, doc_id, s, e, "quote content")
        out["content"] = json.dumps(content_to_pairs(spans))
    for name, column in (("speaker", "speaker"), ("cue", "cue"), ("speaker_resolved", "resolved")):
        if name in fields:
            pair = _optional_span(fields[name])
            if pair is not None:
                _check_span(p, doc_id, *pair, what=f"quote {name.replace('_', ' ')}")
            out[f"{column}_start"], out[f"{column}_end"] = pair if pair else (None, None)
    if "speaker" in fields and fields["speaker"] is None and "speaker_resolved" not in fields:
        out["resolved_start"] = out["resolved_end"] = None
    if "speaker_entity_id" in fields:
        _check_entity_ref(p, fields["speaker_entity_id"])
        out["speaker_entity_id"] = fields["speaker_entity_id"]
    if "type" in fields:
        if fields["type"] not in QUOTE_TYPES:
            raise EditError(f"quote type must be one of {', '.join(QUOTE_TYPES)}, not {fields['type']!r}")
        out["type"] = fields["type"]
    return out


@_register
@dataclass(frozen=True)
class AddQuote(Edit):
    doc_id: int
    content: tuple[tuple[int, int], ...]
    speaker: tuple[int, int] | None = None
    speaker_entity_id: int | None = None
    cue: tuple[int, int] | None = None
    type: str = "direct"
    origin: str = "editor"
    status: str | None = None
    model: str | None = None
    kind: ClassVar[str] = "add_quote"

    def plan(self, p: Plan) -> None:
        p.need("documents", self.doc_id)
        values = _quote_values(p, self.doc_id, {
            "content": self.content, "speaker": self.speaker, "speaker_entity_id": self.speaker_entity_id,
            "cue": self.cue, "type": self.type})
        if self.speaker is not None:  # the speaker span names the speaker entity
            values["speaker_entity_id"] = _speaker_entity(p, self.doc_id, _span_pair(self.speaker))
        p.insert("quotes", {"doc_id": self.doc_id, **values, **p.provenance(self.origin, self.status, self.model)})
        if self.origin == "editor":
            p.start_document(self.doc_id)

    def describe(self) -> str:
        return f"add {self.type} quote"


@_register
@dataclass(frozen=True)
class EditQuote(Edit):
    """Change some of a quote's fields: content, speaker, speaker_entity_id, cue, type.

    A new speaker span sets the speaker entity from the span (:func:`_speaker_entity`; a
    ``speaker_entity_id`` given with it is ignored, as is the entity of a mention merely inside
    it); ``speaker_entity_id`` alone names the speaker of a span that is not a mention (a "he").
    """

    id: int
    fields: dict[str, Any] = field(default_factory=dict)
    kind: ClassVar[str] = "edit_quote"

    def plan(self, p: Plan) -> None:
        row = p.need("quotes", self.id)
        if not self.fields:
            raise NothingToChange("nothing to change in the quote")
        values = _quote_values(p, row["doc_id"], self.fields)
        if "speaker" in self.fields:
            values["speaker_entity_id"] = _speaker_entity(p, row["doc_id"], _optional_span(self.fields["speaker"]))
        p.touch("quotes", self.id, **values)

    def describe(self) -> str:
        return "change quote " + _field_words(self.fields, _QUOTE_WORDS)


@_register
@dataclass(frozen=True)
class DeleteQuote(Edit):
    id: int
    kind: ClassVar[str] = "delete_quote"

    def plan(self, p: Plan) -> None:
        _delete_annotation(p, "quotes", self.id)

    def describe(self) -> str:
        return "delete quote"


# Claims ----------------------------------------------------------------------------------------------

_CLAIM_FIELDS = ("start", "end", "claimant", "claimant_entity_id", "labels", "note")
#: How History names a claim's fields (a sentence, not column names).
_CLAIM_WORDS = {"start": "extent", "end": "extent", "claimant": "claimant", "claimant_entity_id": "claimant",
                "labels": "labels", "note": "note"}


def _claim_values(p: Plan, doc_id: int, row: dict[str, Any] | None, fields: dict[str, Any],
                  allow_new_labels: bool = False) -> dict[str, Any]:
    unknown = set(fields) - set(_CLAIM_FIELDS)
    if unknown:
        raise EditError(f"unknown claim field(s): {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    if "start" in fields or "end" in fields or row is None:
        start = fields.get("start", row["start"] if row else None)
        end = fields.get("end", row["end"] if row else None)
        _check_span(p, doc_id, start, end, "claim span")
        out["start"], out["end"] = start, end
    if "labels" in fields:
        labels = {k: v for k, v in (fields["labels"] or {}).items() if v is not None}
        out["labels"] = json.dumps(_check_claim_labels(p, labels, allow_new=allow_new_labels), ensure_ascii=False,
                                   sort_keys=True)
    if "claimant_entity_id" in fields:
        _check_entity_ref(p, fields["claimant_entity_id"])
        out["claimant_entity_id"] = fields["claimant_entity_id"]
    for name in ("claimant", "note"):
        if name in fields:
            value = fields[name]
            if value is not None and not isinstance(value, str):
                raise EditError(f"claim {name} must be text")
            out[name] = value or None
    return out


def _score_column(item: dict[str, Any], where: str) -> dict[str, Any]:
    """The ``score`` column of a mention, quote or claim dict that carries one (schema 10; 12 for
    mentions), checked by the interchange codec; nothing for one without (an editor's, an old file's)."""
    problem = score_problem(item, where)
    if problem is not None:
        raise EditError(problem)
    return {} if item.get("score") is None else {"score": float(item["score"])}


def _clear_suggestions(p: Plan, table: str, doc_id: int, spans: Callable[[dict[str, Any]], tuple[tuple[int, int], ...]]
                       ) -> tuple[_SpanIndex, set[tuple[tuple[int, int], ...]]]:
    """Before :class:`ReplaceSuggestions` writes a layer's new suggestions: the document's untouched
    ones are deleted (leaving their story clusters); returns the spans of the rows that stay (an
    index the new ones may not overlap) and the ``spans`` of the rejected ones (never resurrected)."""
    kept, rejected = _SpanIndex(), set()
    for row in p.store.conn.execute(f"SELECT * FROM {table} WHERE doc_id = ?", (doc_id,)).fetchall():
        row = dict(row)
        p.seen(table, row)
        if _untouched(row):
            _leave_clusters(p, table, [row["id"]])  # a suggestion replaced leaves its story cluster
            p.delete(table, row["id"])
        elif row["status"] == "rejected":
            rejected.add(spans(row))
        else:
            for s, e in spans(row):
                kept.add(s, e)
    return kept, rejected


def _replace_claim_suggestions(p: Plan, doc_id: int, model: str, claims: tuple[dict[str, Any], ...]) -> None:
    """:class:`ReplaceSuggestions`' claims: the document's untouched claim suggestions are
    deleted, and each new one (``{"start", "end", "claimant"?, "score"}``) inserted as a model
    suggestion unless it overlaps a kept (accepted or editor-made) claim or repeats a rejected one.
    A claim dict's ``model`` (the check-worthiness scorer that scored it: "cold-start" or a trained
    model's name) is its recorded model; without one, the edit's."""
    kept, rejected = _clear_suggestions(p, "claims", doc_id, lambda row: ((row["start"], row["end"]),))
    for i, c in enumerate(claims):
        start, end = _span_pair(c)
        if ((start, end),) in rejected or kept.overlaps(start, end):
            continue
        values = _claim_values(p, doc_id, None, {"start": start, "end": end, "claimant": c.get("claimant")})
        kept.add(start, end)
        scorer = c.get("model")
        p.insert("claims", {"doc_id": doc_id, **values,
                            **p.provenance("model", "suggested", scorer if isinstance(scorer, str) and scorer else model),
                            **_score_column(c, f"document {doc_id}: claims[{i}]")})


@_register
@dataclass(frozen=True)
class AddClaim(Edit):
    doc_id: int
    start: int
    end: int
    labels: dict[str, str] = field(default_factory=dict)
    claimant: str | None = None
    claimant_entity_id: int | None = None
    note: str | None = None
    origin: str = "editor"
    status: str | None = None
    model: str | None = None
    kind: ClassVar[str] = "add_claim"

    def plan(self, p: Plan) -> None:
        p.need("documents", self.doc_id)
        values = _claim_values(p, self.doc_id, None, {
            "start": self.start, "end": self.end, "labels": self.labels, "claimant": self.claimant,
            "claimant_entity_id": self.claimant_entity_id, "note": self.note},
            allow_new_labels=self.origin != "editor")
        p.insert("claims", {"doc_id": self.doc_id, **values, **p.provenance(self.origin, self.status, self.model)})
        if self.origin == "editor":
            p.start_document(self.doc_id)

    def describe(self) -> str:
        return "add claim"


@_register
@dataclass(frozen=True)
class EditClaim(Edit):
    """Change some of a claim's fields: start, end, labels, claimant, claimant_entity_id, note."""

    id: int
    fields: dict[str, Any] = field(default_factory=dict)
    kind: ClassVar[str] = "edit_claim"

    def plan(self, p: Plan) -> None:
        row = p.need("claims", self.id)
        if not self.fields:
            raise NothingToChange("nothing to change in the claim")
        p.touch("claims", self.id, **_claim_values(p, row["doc_id"], row, self.fields))

    def describe(self) -> str:
        return "change claim " + _field_words(self.fields, _CLAIM_WORDS)


@_register
@dataclass(frozen=True)
class SetClaimLabel(Edit):
    """Set (or with ``value=None`` clear) one label set of a claim, keeping the others."""

    id: int
    label_set: str
    value: str | None
    kind: ClassVar[str] = "set_claim_label"

    def plan(self, p: Plan) -> None:
        row = p.need("claims", self.id)
        labels = dict(p.store.stored_json(row, "claims", "labels", dict))
        if self.value is None:
            labels.pop(self.label_set, None)
        else:
            labels[self.label_set] = self.value
        p.touch("claims", self.id, **_claim_values(p, row["doc_id"], row, {"labels": labels}))

    def describe(self) -> str:
        return f"label claim {self.label_set} {self.value}" if self.value is not None else \
            f"clear claim {self.label_set}"


@_register
@dataclass(frozen=True)
class DeleteClaim(Edit):
    id: int
    kind: ClassVar[str] = "delete_claim"

    def plan(self, p: Plan) -> None:
        _delete_annotation(p, "claims", self.id)

    def describe(self) -> str:
        return "delete claim"


# Review ------------------------------------------------------------------------------------------------


@_register
@dataclass(frozen=True)
class SetStatus(Edit):
    """Accept or reject annotations of one layer (one or many); ``status='suggested'`` reopens."""

    layer: str
    ids: tuple[int, ...]
    status: str
    kind: ClassVar[str] = "set_status"

    def plan(self, p: Plan) -> None:
        if self.layer not in LAYERS:
            raise EditError(f"layer must be one of {', '.join(LAYERS)}, not {self.layer!r}")
        if self.status not in STATUSES:
            raise EditError(f"status must be one of {', '.join(STATUSES)}, not {self.status!r}")
        if not self.ids:
            raise EditError("nothing selected")
        if self.status == "rejected" and self.layer in ("quotes", "claims"):
            _leave_clusters(p, self.layer, dict.fromkeys(self.ids))
        for row_id in dict.fromkeys(self.ids):
            p.touch(self.layer, row_id, status=self.status)
            if self.layer == "mentions":
                _link_mention(p, row_id)  # an accepted mention has its canonical entity

    def describe(self) -> str:
        verb = {"accepted": "accept", "rejected": "reject", "suggested": "reopen"}.get(self.status, "set status of")
        return f"{verb} {len(self.ids)} {self.layer[:-1] if len(self.ids) == 1 else self.layer}"


@_register
@dataclass(frozen=True)
class SetDocumentStatus(Edit):
    doc_id: int
    status: str
    kind: ClassVar[str] = "set_document_status"

    def plan(self, p: Plan) -> None:
        p.need("documents", self.doc_id)
        if self.status not in DOC_STATUSES:
            raise EditError(f"document status must be one of {', '.join(DOC_STATUSES)}, not {self.status!r}")
        p.update("documents", self.doc_id, status=self.status, updated_at=p.now)

    def describe(self) -> str:
        return f"mark document {self.status.replace('_', ' ')}"


@_register
@dataclass(frozen=True)
class SetLayerReviewed(Edit):
    """Mark one layer of a document (``entities``, ``quotes``, ``claims``) finished, or not: its
    unannotated text then exports as negative examples (a document marked done has every layer
    reviewed, whatever is marked here)."""

    doc_id: int
    layer: str
    reviewed: bool = True
    kind: ClassVar[str] = "set_layer_reviewed"

    def plan(self, p: Plan) -> None:
        row = p.need("documents", self.doc_id)
        if self.layer not in REVIEW_LAYERS:
            raise EditError(f"layer must be one of {', '.join(REVIEW_LAYERS)}, not {self.layer!r}")
        marked = set(parse_layers(row["reviewed_layers"]))
        if self.reviewed:
            marked.add(self.layer)
        else:
            marked.discard(self.layer)
        p.update("documents", self.doc_id, reviewed_layers=format_layers(marked), updated_at=p.now)

    def describe(self) -> str:
        return f"mark {self.layer} {'reviewed' if self.reviewed else 'not reviewed'}"


# Documents ---------------------------------------------------------------------------------------------


@_register
@dataclass(frozen=True)
class AddDocument(Edit):
    """Add a document with the annotations it came with (an import).  Duplicates are refused."""

    ext_id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    story: str | None = None
    path: str | None = None
    entities: tuple[dict[str, Any], ...] = ()
    quotes: tuple[dict[str, Any], ...] = ()
    claims: tuple[dict[str, Any], ...] = ()
    default_origin: str = "import"
    status: str = "new"
    #: Layers an editor marked finished (a Claimdesk export's ``meta.reviewed``).
    reviewed: tuple[str, ...] = ()
    kind: ClassVar[str] = "add_document"

    @classmethod
    def from_imported(cls, doc: ImportedDocument, story: str | None = None) -> AddDocument:
        return cls(ext_id=doc.ext_id, text=doc.text, title=doc.title, source=doc.source, url=doc.url,
                   published=doc.published, story=story if story is not None else doc.story, path=doc.path,
                   entities=tuple(doc.entities), quotes=tuple(doc.quotes), claims=tuple(doc.claims),
                   default_origin=doc.default_origin, status=doc.status, reviewed=tuple(doc.reviewed))

    def plan(self, p: Plan) -> None:
        if not isinstance(self.text, str) or not self.text.strip():
            raise EditError(f"{self.ext_id}: empty document")
        if self.status not in DOC_STATUSES:
            raise EditError(f"document status must be one of {', '.join(DOC_STATUSES)}, not {self.status!r}")
        digest = self.digest
        dup = p.store.document_by_hash(digest)
        if dup is not None:
            raise DuplicateDocumentError(f"{self.ext_id}: same text as document {dup.ext_id!r} already in the project")
        ext_id = self.ext_id
        n = 1
        while p.store.document_by_ext_id(ext_id) is not None:
            n += 1
            ext_id = f"{self.ext_id}~{n}"
        doc_id = p.insert("documents", {
            "ext_id": ext_id, "title": self.title, "source": self.source, "url": self.url,
            "published": self.published, "story": self.story, "path": self.path, "text": self.text,
            "content_hash": digest, "status": self.status, "created_at": p.now, "updated_at": p.now,
            "annotated_model": None, "annotated_at": None,
            **({"reviewed_layers": format_layers(set(self.reviewed) & set(REVIEW_LAYERS))} if self.reviewed else {})})
        entity_ids: dict[tuple[str, str], int] = {}

        def entity_for(name: Any, label: str) -> int | None:
            if not name or not isinstance(name, str):
                return None
            key = (name, label)
            if key not in entity_ids:
                existing = p.store.entity_by_name(name, label)
                if existing is not None:
                    entity_ids[key] = existing.id
                else:
                    _check_entity_label(p, label, allow_new=True)
                    entity_ids[key] = p.insert("entities", {"name": name, "type": label, "aliases": "[]",
                                                            "created_at": p.now, "updated_at": p.now})
            return entity_ids[key]

        label_of = {}
        for ent in self.entities:
            start, end = _span_pair(ent)
            _check_span(p, doc_id, start, end, "entity span")
            label = ent.get("label")
            if not isinstance(label, str) or not label:
                raise EditError(f"{self.ext_id}: entity {start}..{end} has no label")
            _check_entity_label(p, label, allow_new=True)
            label_of[ent.get("entity")] = label
            mid = p.insert("mentions", {"doc_id": doc_id, "start": start, "end": end, "label": label,
                                        "entity_id": entity_for(ent.get("entity"), label),
                                        **_imported_prov(p, ent, self.default_origin),
                                        **_score_column(ent, f"{self.ext_id}: entity {start}..{end}")})
            _link_mention(p, mid)  # an accepted mention without an entity name gets one by its text
        for i, q in enumerate(self.quotes):
            quote = _quote_record(q, f"{self.ext_id}: quotes[{i}]")
            speaker_entity = quote.speaker_entity
            values = _quote_values(p, doc_id, {
                **quote.edit_fields(),
                "speaker_entity_id": entity_for(speaker_entity, label_of.get(speaker_entity, "PERSON"))})
            p.insert("quotes", {"doc_id": doc_id, **values, **_imported_prov(p, q, self.default_origin),
                                **_score_column(q, f"{self.ext_id}: quotes[{i}]")})
        for i, c in enumerate(self.claims):
            start, end = _span_pair(c)
            claimant = c.get("claimant")
            claimant_entity = p.store.entity_by_name(claimant) if isinstance(claimant, str) and claimant else None
            values = _claim_values(p, doc_id, None, {
                "start": start, "end": end, "labels": c.get("labels") or {}, "claimant": claimant,
                "note": c.get("note"), "claimant_entity_id": claimant_entity.id if claimant_entity else None,
            }, allow_new_labels=True)
            p.insert("claims", {"doc_id": doc_id, **values, **_imported_prov(p, c, self.default_origin),
                                **_score_column(c, f"{self.ext_id}: claims[{i}]")})

    @functools.cached_property
    def digest(self) -> str:
        """The text's :func:`~desktop.core.store.content_hash` (once: the plan and the history both need it)."""
        return content_hash(self.text)

    def describe(self) -> str:
        return f"add document {self.ext_id}"

    def to_json(self) -> dict[str, Any]:
        # The audit trail keeps the text's hash, not the text (which the document row holds).
        data = super().to_json()
        data["text"] = {"sha256": self.digest, "chars": len(self.text)}
        return data


class DuplicateDocumentError(EditError):
    """The document's text is already in the project."""


def _imported_prov(p: Plan, ann: dict[str, Any], default_origin: str) -> dict[str, Any]:
    """Provenance an import carries (origin, status, annotator, model, timestamps) is kept, so an
    exported project imports back exactly."""
    origin = ann.get("origin") or default_origin
    prov = p.provenance(origin, ann.get("status"), ann.get("model"), ann.get("annotator"))
    for key in ("created_at", "updated_at"):
        if isinstance(ann.get(key), str) and ann[key]:
            prov[key] = ann[key]
    return prov


@_register
@dataclass(frozen=True)
class DeleteDocument(Edit):
    """Remove a document and every row that belongs to it: its mentions, quotes and claims (its
    full-text index entry follows, by the store's triggers).  The inverse brings all of it back,
    ids included.

    Canonical entities are project-wide and stay, as when a mention is deleted (remove one with
    :class:`DeleteEntity`).  The history row keeps the document's metadata and the text's hash.
    """

    doc_id: int
    kind: ClassVar[str] = "delete_document"

    def plan(self, p: Plan) -> None:
        p.need("documents", self.doc_id)
        for table in ("quotes", "claims"):  # they leave their story clusters first
            _leave_clusters(p, table, [r[0] for r in p.store.conn.execute(
                f"SELECT id FROM {table} WHERE doc_id = ? ORDER BY id", (self.doc_id,))])
        for table in ("mentions", "quotes", "claims"):
            rows = p.store.conn.execute(f"SELECT id FROM {table} WHERE doc_id = ? ORDER BY id", (self.doc_id,))
            for (row_id,) in rows.fetchall():
                p.delete(table, row_id)
        p.delete("documents", self.doc_id)

    def describe(self) -> str:
        return "delete document"


# Applying ---------------------------------------------------------------------------------------------


def _write(store: Store, change: RowChange, check: bool = True) -> None:
    """Write one planned change; ``check``: first make sure the row is still as the plan saw it
    (not needed for a change whose ``before`` the plan read inside this very transaction)."""
    if change.table not in EDITABLE_TABLES:
        raise EditError(f"not an editable table: {change.table}")
    if check:
        current = store.row(change.table, change.id)
        if current != change.before:
            what = f"{change.table[:-1]} {change.id}"
            raise EditConflictError(f"{what} has changed since; refresh and try again")
    conn = store.conn
    if change.after is None:
        conn.execute(f"DELETE FROM {change.table} WHERE id = ?", (change.id,))
    elif change.before is None:
        columns = tuple(change.after)
        conn.execute(_insert_sql(change.table, columns), [change.after[c] for c in columns])
    else:
        changed = change.changed
        if changed:
            cols = list(changed)
            conn.execute(
                f"UPDATE {change.table} SET {', '.join(f'{_q(c)} = ?' for c in cols)} WHERE id = ?",
                [*(change.after[c] for c in cols), change.id],
            )
    store.touched(change.table, change.doc_id, change.id, change.links)


# Tables whose rows have no unique column but the id: updates of distinct rows commute there.
_COMMUTING = frozenset({"mentions", "quotes", "claims", "entities"})


def _write_run(store: Store, key: tuple[Any, ...], run: list[RowChange]) -> None:
    """Write a run of inserts into one table, or of updates of the same columns of one table, as
    one ``executemany`` (one change: :func:`_write`)."""
    if len(run) == 1:
        _write(store, run[0], check=False)
        return
    kind, table, cols = key
    if kind == "insert":
        sql = _insert_sql(table, cols)
        values = [[c.after[col] for col in cols] for c in run if c.after is not None]
    else:
        sql = f"UPDATE {table} SET {', '.join(f'{_q(c)} = ?' for c in cols)} WHERE id = ?"
        values = [[*(c.after[col] for col in cols), c.id] for c in run if c.after is not None]
    store.conn.executemany(sql, values)
    column = _ENTITY_LINKS.get(table)
    linked = {("entities", r[column]) for c in run for r in (c.before, c.after)
              if r is not None and r.get(column) is not None} if column else set()
    ids = [c.id for c in run]
    if table == "documents":
        doc_ids: set[Any] = set(ids)
    else:
        doc_ids = {(c.after or c.before or {}).get("doc_id") for c in run}
        doc_ids.discard(None)
    store.touched_many(table, doc_ids, ids, linked)


def _write_all(store: Store, p: Plan) -> None:
    """Write a plan's changes in order; a run of inserts into one table (a pre-annotation's
    mentions) is one ``executemany``, and so are the updates of the same columns of one table
    (its entity links) between two inserts or deletes: updates of distinct rows of a table
    without unique columns commute, so they are grouped by (table, columns) even when other
    updates come between (a second update of a row, or an update of another table, writes the
    groups first)."""
    inserts: list[RowChange] = []
    insert_key: tuple[Any, ...] = ()
    groups: dict[tuple[Any, ...], list[RowChange]] = {}  # in the order of their first change
    grouped: set[tuple[str, int]] = set()  # the rows in ``groups``
    last_key: tuple[Any, ...] = ()

    def flush() -> None:
        nonlocal insert_key
        if inserts:
            _write_run(store, insert_key, inserts)
            inserts.clear()
        for key, run in groups.items():
            _write_run(store, key, run)
        groups.clear()
        grouped.clear()

    for i, change in enumerate(p.changes):
        check = p.replayed or i in p.unverified
        after, before = change.after, change.before
        if check or after is None or change.table not in EDITABLE_TABLES:
            flush()
            _write(store, change, check=check)
            continue
        if before is None:
            key: tuple[Any, ...] = ("insert", change.table, tuple(after))
            if groups or (inserts and key != insert_key):
                flush()
            insert_key = key
            inserts.append(change)
            continue
        cols = change.changed
        if not cols:
            flush()
            _write(store, change, check=False)  # nothing to write; noted all the same
            continue
        key = ("update", change.table, cols)
        row = (change.table, change.id)
        if inserts or row in grouped or (key != last_key and key[1] not in _COMMUTING and groups):
            flush()
        last_key = key
        groups.setdefault(key, []).append(change)
        grouped.add(row)
    flush()


def _q(col: str) -> str:
    return f'"{col}"'


@functools.lru_cache(maxsize=256)
def _insert_sql(table: str, cols: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(_q(c) for c in cols)}) VALUES ({', '.join('?' * len(cols))})"


def undo_label(label: str) -> str:
    """What the inverse of a step called ``label`` is called, as History and ``claimdesk history``
    show it: "Undo: label claim verdict misleading", and the inverse of that "Redo: …" (never
    "undo undo …")."""
    for this, other in (("Undo: ", "Redo: "), ("Redo: ", "Undo: ")):
        if label.startswith(this):
            return other + label[len(this):]
    return "Undo: " + label


def apply(store: Store, edit: Edit, *, record: bool = True) -> ChangeSet:
    """Apply ``edit`` in one transaction and return its inverse.

    Raises :class:`EditError` (and changes nothing) when the edit is invalid.
    """
    changes = _apply(store, edit, record)
    return ChangeSet(tuple(changes), edit.describe()).inverse(undo_label(edit.describe()))


def _apply(store: Store, edit: Edit, record: bool = True) -> list[RowChange]:
    """:func:`apply`, returning the changes made (not their inverse)."""
    import sqlite3

    try:
        with store.transaction(edit.describe()):
            p = Plan(store)
            edit.plan(p)
            if not p.changes:
                raise NothingToChange(f"{edit.describe()}: nothing to change")
            # The plan read every row it changes through Plan.row, inside this transaction
            # (BEGIN IMMEDIATE: no other writer), and chained its own changes: those rows are as
            # the plan saw them.  A replayed ChangeSet's rows (an undo, a redo) and an insert of a
            # given id come from elsewhere and are checked.
            _write_all(store, p)
            if record:
                _record(store, p, edit)
    except sqlite3.IntegrityError as exc:
        raise EditError(f"{edit.describe()}: {exc}") from None
    return p.changes


def apply_counted(store: Store, edit: Edit) -> int:
    """:func:`apply` for a caller that only wants how many rows changed (no inverse is built:
    a project-wide link step changes every suggestion)."""
    return len(_apply(store, edit))


def apply_many(store: Store, edits: Sequence[Edit], label: str) -> ChangeSet:
    """Apply several edits as one step (one transaction, one undo)."""
    changes: list[RowChange] = []
    with store.transaction(label):
        for edit in edits:
            changes.extend(_apply(store, edit))
    return ChangeSet(tuple(changes), label).inverse(undo_label(label))


def _audit_row(change: RowChange) -> dict[str, Any]:
    """What history keeps of a row change: whole rows for inserts and deletes, the changed
    columns for updates; a document's text is kept as its hash (the row holds the text)."""
    before, after = change.before, change.after
    if before is not None and after is not None:
        cols = change.changed
        before, after = {c: before.get(c) for c in cols}, {c: after[c] for c in cols}

    def slim(row):
        if row is not None and change.table == "models" and isinstance(row.get("data"), bytes):
            # a stored model's bytes (megabytes) are kept as their hash: the row holds them
            data = row["data"]
            return {**row, "data": {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}}
        if row is None or change.table != "documents" or not isinstance(row.get("text"), str):
            return row
        text = row["text"]
        digest = row.get("content_hash") if before is None or after is None else None  # a whole row: its own
        return {**row, "text": {"sha256": digest if isinstance(digest, str) else content_hash(text), "chars": len(text)}}

    return {"table": change.table, "id": change.id, "before": slim(before), "after": slim(after)}


def _record(store: Store, p: Plan, edit: Edit) -> None:
    if isinstance(edit, ChangeSet):  # undo/redo: the rows are in ``changes`` below
        edit_json = {"kind": "changes", "label": edit.label, "rows": len(edit.changes)}
    else:
        edit_json = edit.history_json()
    _write_history(store, p.now, p.annotator, edit.kind, edit.describe(), edit_json, p.changes)


def _write_history(store: Store, now: str, annotator: str, kind: str, summary: str, edit_json: dict[str, Any],
                 changes: Sequence[RowChange]) -> None:
    doc_ids = {c.doc_id for c in changes if c.doc_id is not None}
    store.ensure_annotator(annotator)
    store.conn.execute(
        "INSERT INTO history (at, annotator, kind, summary, doc_id, edit, changes) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (now, annotator, kind, summary, doc_ids.pop() if len(doc_ids) == 1 else None,
         json.dumps(edit_json, ensure_ascii=False, default=list),
         json.dumps([_audit_row(c) for c in changes], ensure_ascii=False)),
    )
    store.touched("history")


class Batch:
    """Edits applied one after another inside the caller's open transaction and recorded as one
    history row: an import's batch of :class:`AddDocument` edits (``kind`` ``add_documents``).

    Each edit is planned and written before the next one is planned, so it sees the rows of those
    before it (the same text, an id already taken, an entity one of them made).  An edit that is
    refused (:class:`EditError`, or a value SQLite cannot store) leaves nothing: its plan fails
    before anything is written, and an edit of more than one statement is written inside a
    savepoint.  The others go on.  :meth:`record` writes the history row (a batch of one edit
    writes exactly the row :func:`apply` would), and :meth:`inverse` undoes the whole batch, row
    for row, as one step."""

    kind: ClassVar[str] = "add_documents"

    def __init__(self, store: Store):
        self.store = store
        self.edits: list[Edit] = []
        self.changes: list[RowChange] = []
        self._now = now_iso()  # one time for the batch, as for one edit

    def apply(self, edit: Edit) -> ChangeSet:
        """Plan and write ``edit``; its inverse (as :func:`apply` returns it)."""
        import sqlite3

        store = self.store
        if not store.conn.in_transaction:
            raise EditError("a batch of edits is written inside the caller's transaction")
        p = Plan(store, self._now)
        edit.plan(p)
        if not p.changes:
            raise NothingToChange(f"{edit.describe()}: nothing to change")
        several = len(p.changes) > 1  # one row is one statement, which SQLite undoes by itself
        if several:
            store.conn.execute("SAVEPOINT batch_edit")
        try:
            _write_all(store, p)
        except BaseException as exc:
            if several:
                try:
                    store.conn.execute("ROLLBACK TO batch_edit")
                    store.conn.execute("RELEASE batch_edit")
                except sqlite3.Error:
                    pass  # SQLite already rolled the whole transaction back (a full disk)
            if isinstance(exc, sqlite3.IntegrityError):
                raise EditError(f"{edit.describe()}: {exc}") from None
            raise
        if several:
            store.conn.execute("RELEASE batch_edit")
        self.edits.append(edit)
        self.changes.extend(p.changes)
        return ChangeSet(tuple(p.changes), edit.describe()).inverse(undo_label(edit.describe()))

    def describe(self) -> str:
        if len(self.edits) == 1:
            return self.edits[0].describe()
        names = [c.after["ext_id"] for c in self.changes if c.table == "documents" and c.after is not None]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        return f"add {plural(len(names), 'document')}" + (f": {shown}" if names else "")

    def record(self) -> None:
        """Write the batch's history row (nothing for an empty batch); inside the transaction."""
        if not self.edits:
            return
        if len(self.edits) == 1:
            edit = self.edits[0]
            kind, edit_json = edit.kind, edit.history_json()
        else:
            # As for ReplaceSuggestions: the audit rows hold every row written, so the edit is
            # only what was asked (each edit's kind and description: "add document a01").
            kind, edit_json = self.kind, {"kind": self.kind, "edits": [e.describe() for e in self.edits]}
        _write_history(self.store, self._now, self.store.annotator, kind, self.describe(), edit_json, self.changes)

    def inverse(self) -> ChangeSet:
        """The whole batch's undo, one step."""
        label = self.describe()
        return ChangeSet(tuple(self.changes), label).inverse(undo_label(label))


# Project-wide corrections ------------------------------------------------------------------------------


def _word_occurrences(text: str, surface: str) -> list[tuple[int, int]]:
    """Non-overlapping occurrences of ``surface`` in ``text`` that start and end on word boundaries."""
    import re

    if not surface.strip():
        return []
    pattern = re.compile(r"(?<!\w)" + re.escape(surface) + r"(?!\w)")
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def label_all_occurrences(store: Store, surface: str, label: str, entity_id: int | None = None) -> list[Edit]:
    """Edits that label every occurrence of ``surface`` in the project not yet covered by a mention.

    An occurrence overlapping an existing mention (any status but rejected) is left alone: it has
    been decided already, or the editor should look at it.
    """
    out: list[Edit] = []
    for doc in store.documents():
        spans = _word_occurrences(doc.text, surface)
        if not spans:
            continue
        taken = [(m.start, m.end) for m in store.mentions(doc.id) if m.prov.status != "rejected"]
        for start, end in spans:
            if not any(s < end and start < e for s, e in taken):
                out.append(AddMention(doc.id, start, end, label, entity_id=entity_id))
    return out


def apply_to_identical_mentions(store: Store, mention_id: int) -> list[Edit]:
    """Edits that give every mention with the same text the label and entity of ``mention_id``."""
    source = store.mention(mention_id)
    surface = store.document(source.doc_id).text[source.start:source.end]
    out: list[Edit] = []
    texts: dict[int, str] = {}
    for m in store.mentions():
        if m.id == mention_id or m.prov.status == "rejected":
            continue
        if m.doc_id not in texts:
            texts[m.doc_id] = store.document(m.doc_id).text
        if texts[m.doc_id][m.start:m.end] != surface:
            continue
        if source.entity_id is not None and m.entity_id != source.entity_id:
            out.append(LinkMention(m.id, source.entity_id))  # the label follows the entity's type
        elif m.label != source.label:
            out.append(RelabelMention(m.id, source.label))
        elif m.prov.status == "suggested":
            out.append(SetStatus("mentions", (m.id,), "accepted"))
    return out


# Model suggestions ---------------------------------------------------------------------------------------


def _untouched(row: dict[str, Any]) -> bool:
    """A model suggestion nobody has looked at: the model may replace it."""
    return row["origin"] == "model" and row["status"] == "suggested" and row["annotator"] is None


def _quote_spans(store: Store, row: dict[str, Any]) -> list[tuple[int, int]]:
    return [tuple(s) for s in store.stored_json(row, "quotes", "content", list)]


class _SpanIndex:
    """Spans filed by the 256-character stretches they touch, so that testing a new span for
    overlap looks only at its neighbours (a 20 MiB article's 100,000 suggestions in linear time)."""

    STEP = 256

    def __init__(self) -> None:
        self._at: dict[int, list[tuple[int, int]]] = {}

    def _keys(self, start: int, end: int) -> range:
        return range(start // self.STEP, max(start, end - 1) // self.STEP + 1)

    def add(self, start: int, end: int) -> None:
        for key in self._keys(start, end):
            self._at.setdefault(key, []).append((start, end))

    def overlaps(self, start: int, end: int) -> bool:
        return any(s < end and start < e for key in self._keys(start, end) for s, e in self._at.get(key, ()))


@_register
@dataclass(frozen=True)
class ReplaceSuggestions(Edit):
    """Put a model's suggestions for one document in place of its earlier, untouched ones.

    Never touches what an editor created, changed, accepted or rejected: a suggestion overlapping
    a kept annotation of its layer is dropped, and one identical to a rejected annotation is not
    resurrected.  Records which model annotated the document (so annotate can resume).
    """

    doc_id: int
    model: str
    entities: tuple[dict[str, Any], ...] = ()
    quotes: tuple[dict[str, Any], ...] = ()
    claims: tuple[dict[str, Any], ...] = ()  # check-worthy sentences (_replace_claim_suggestions)
    kind: ClassVar[str] = "replace_suggestions"

    def plan(self, p: Plan) -> None:
        n = _text_len(p, self.doc_id)
        conn = p.store.conn
        kept = _SpanIndex()
        rejected: set[tuple[int, int]] = set()
        stored_at: dict[tuple[int, int], list[int]] = {}  # the document's stored mentions by span
        for row in conn.execute("SELECT * FROM mentions WHERE doc_id = ?", (self.doc_id,)).fetchall():
            row = dict(row)
            p.seen("mentions", row)
            stored_at.setdefault((row["start"], row["end"]), []).append(row["id"])
            if _untouched(row):
                p.delete("mentions", row["id"])
            elif row["status"] == "rejected":
                rejected.add((row["start"], row["end"]))
            else:
                kept.add(row["start"], row["end"])
        for ent in self.entities:
            start, end = _span_pair(ent)
            if (start, end) in rejected or kept.overlaps(start, end):
                continue
            # the usual span tested here; a bad one is _check_span's to describe
            if type(start) is not int or type(end) is not int or not 0 <= start < end <= n:
                _check_span(p, self.doc_id, start, end, "entity span")
            _check_entity_label(p, ent["label"], allow_new=True)
            kept.add(start, end)
            p.insert("mentions", {"doc_id": self.doc_id, "start": start, "end": end, "label": ent["label"],
                                  "entity_id": None, **p.provenance("model", "suggested", self.model),
                                  **_score_column(ent, f"document {self.doc_id}: entity {start}..{end}")})
        kept_q, rejected_q = _clear_suggestions(p, "quotes", self.doc_id, lambda row: tuple(_quote_spans(p.store, row)))
        for i, q in enumerate(self.quotes):
            if not q.get("content"):
                continue
            fields = _quote_record(q, f"document {self.doc_id}: quotes[{i}]").edit_fields()
            content = fields["content"]
            if content in rejected_q:
                continue
            if any(kept_q.overlaps(s, e) for s, e in content):
                continue
            values = _quote_values(p, self.doc_id, fields)
            if values.get("speaker_start") is not None:  # the speaker span names the speaker entity
                values["speaker_entity_id"] = _speaker_entity(p, self.doc_id, (values["speaker_start"],
                                                                               values["speaker_end"]), stored_at)
            for s, e in content:
                kept_q.add(s, e)
            p.insert("quotes", {"doc_id": self.doc_id, **values, **p.provenance("model", "suggested", self.model),
                                **_score_column(q, f"document {self.doc_id}: quotes[{i}]")})
        _replace_claim_suggestions(p, self.doc_id, self.model, self.claims)
        p.update("documents", self.doc_id, annotated_model=self.model, annotated_at=p.now)

    def history_json(self) -> dict[str, Any]:
        # The suggestions are the rows the history's ``changes`` holds (every inserted mention and
        # quote, whole): writing them a second time cost as much as the rows.  Rows recorded
        # before this hold the whole edit (history reads either).
        return {"kind": self.kind, "doc_id": self.doc_id, "model": self.model,
                "entities": len(self.entities), "quotes": len(self.quotes),
                **({"claims": len(self.claims)} if self.claims else {})}

    def describe(self) -> str:
        return "pre-annotate document"


@_register
@dataclass(frozen=True)
class StoreModel(Edit):
    """Store a trained model in the project and make it the current one of its kind (the one
    pre-annotation uses), in place of the earlier current one, which stays stored (undo makes it
    current again). Models of the kind older than that one are deleted: a recognizer is megabytes,
    and a project trained every day would otherwise grow by one each time (SQLite reuses the freed
    pages); undo puts them back. ``provenance`` is JSON-ready (training data, documents, scores
    before and after); ``name`` is what every suggestion the model makes records as its model."""

    kind_of_model: str
    name: str
    data: bytes
    provenance: dict[str, Any] = field(default_factory=dict)
    kind: ClassVar[str] = "store_model"

    def plan(self, p: Plan) -> None:
        if self.kind_of_model not in MODEL_KINDS:
            raise EditError(f"unknown model kind {self.kind_of_model!r}; one of {', '.join(MODEL_KINDS)}")
        if not isinstance(self.data, bytes) or not self.data:
            raise EditError("store model: no model bytes")
        if not isinstance(self.name, str) or not self.name.strip():
            raise EditError("store model: the model needs a name")
        for row_id, current in p.store.conn.execute("SELECT id, current FROM models WHERE kind = ?",
                                                    (self.kind_of_model,)).fetchall():
            if current:
                p.update("models", row_id, current=0)  # the one before: kept
            else:
                p.delete("models", row_id)  # older than that
        p.insert("models", {"kind": self.kind_of_model, "name": self.name, "current": 1, "data": self.data,
                            "provenance": json.dumps(self.provenance, ensure_ascii=False, sort_keys=True),
                            "created_at": p.now})

    def history_json(self) -> dict[str, Any]:
        # the bytes are in the models row (the audit row keeps their hash)
        return {"kind": self.kind, "kind_of_model": self.kind_of_model, "name": self.name,
                "bytes": len(self.data), "provenance": self.provenance}

    def describe(self) -> str:
        return f"store {self.kind_of_model} model {self.name}"


#: What the ``models`` table may hold (``claimdesk train``): "claims", the check-worthiness classifier;
#: "ner", the fine-tuned entity recognizer (desktop.nlp.ner_model).
MODEL_KINDS = ("claims", "ner")


def editor_entity(links: Sequence[int]) -> int:
    """The entity a cluster whose mentions an editor linked (to ``links``, one per mention) keeps:
    the most frequent, then the lowest id (:class:`LinkEntities`)."""
    return max(set(links), key=lambda e: (links.count(e), -e))


@_register
@dataclass(frozen=True)
class LinkEntities(Edit):
    """Link untouched suggestions to project-wide canonical entities.

    ``clusters`` are the interchange codec's entity dicts (:class:`~desktop.core.interchange.EntityRecord`,
    decoded and checked by it before anything is read): ``{"name", "type", "aliases", "mention_ids"}``
    and, for a cluster of a *decided* entity (one an editor merged into, renamed or split), ``"entity_id"``: that entity is
    used as it is -- never renamed, never recreated -- so the editor's decision holds
    (:func:`desktop.nlp.entities.cluster_entities` puts every mention of a decided entity's name or
    aliases into its cluster and never two decided entities into one).  Otherwise a cluster whose
    mentions an editor already linked keeps that entity (its name is the editor's); otherwise an
    entity of the same name and type is reused or created.  Untouched suggestions get the
    cluster's entity and type (the project-wide majority label); untouched quotes get the entity of
    the mention their speaker (or the name it stands for) overlaps.

    ``docs`` bounds the edit (incremental linking, in chunks): given, only the clusters' own
    mentions and the live mentions of those documents are read, and only the untouched quotes of
    those documents are linked (``()``: no quotes).  ``None`` (older history rows): the whole project.
    """

    clusters: tuple[dict[str, Any], ...]
    docs: tuple[int, ...] | None = None
    kind: ClassVar[str] = "link_entities"

    def records(self) -> list[EntityRecord]:
        """The clusters decoded by the interchange codec; a malformed one is an EditError naming it
        (``clusters[2].mention_ids must be a list of integers``)."""
        try:
            return [EntityRecord.from_json(c, f"clusters[{i}]") for i, c in enumerate(self.clusters)]
        except InterchangeError as exc:
            raise EditError(f"link entities: {exc}") from None

    def _rows(self, store: Store, clusters: list[EntityRecord]) -> tuple[dict[int, dict[str, Any]], Any]:
        """The live mentions the plan reads, by id, and a cursor over the untouched quotes it links."""
        conn = store.conn
        untouched_quotes = "SELECT * FROM quotes WHERE status = 'suggested' AND annotator IS NULL AND origin = 'model'"
        if self.docs is None:
            rows = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM mentions WHERE status != 'rejected'")}
            return rows, conn.execute(untouched_quotes)
        if any(type(d) is not int for d in self.docs):
            raise EditError("link entities: docs must be a list of document ids")
        ids = json.dumps([m for c in clusters for m in c.mention_ids])
        docs = json.dumps(list(self.docs))
        # SQLite's own UTF-8 decoder (Store._decoded, same errors): the checked one costs per value
        rows = {r["id"]: dict(r) for r in store._decoded(
            "SELECT * FROM mentions WHERE status != 'rejected' AND (id IN (SELECT value FROM json_each(?)) "
            "OR doc_id IN (SELECT value FROM json_each(?))) ORDER BY id", (ids, docs))}
        return rows, conn.execute(untouched_quotes + " AND doc_id IN (SELECT value FROM json_each(?)) ORDER BY id",
                                  (docs,))

    def plan(self, p: Plan) -> None:
        clusters = self.records()
        conn = p.store.conn
        rows, quotes = self._rows(p.store, clusters)
        for r in rows.values():
            # shared, not copied: the plan never changes a row in place (an update files a new
            # dict), so ``rows`` stays this plan's view before its changes
            p.seen("mentions", r)
        checked: set[str] = set()  # the labels _check_entity_label has seen (or added)
        by_name = {(r["name"], r["type"]): r["id"] for r in conn.execute("SELECT id, name, type FROM entities")}
        mention_entity: dict[int, int] = {}
        for cluster in clusters:
            members = [rows[m] for m in cluster.mention_ids if m in rows]
            if not members:
                continue
            editor_links = [m["entity_id"] for m in members if not _untouched(m) and m["entity_id"] is not None]
            if cluster.entity_id is not None:
                entity_id = cluster.entity_id
                p.need("entities", entity_id)  # a decided entity: the editor's name and type
            elif editor_links:
                entity_id = editor_entity(editor_links)
                entity = p.need("entities", entity_id)
                editor_labels = {m["label"] for m in members if not _untouched(m)}
                if editor_labels == {cluster.type} and entity["type"] != cluster.type:
                    # the editor relabelled this entity's mentions: the entity's type follows
                    p.update("entities", entity_id, type=cluster.type, updated_at=p.now)
            else:
                key = (cluster.name, cluster.type)
                if key not in by_name:
                    _check_entity_label(p, cluster.type, allow_new=True)
                    by_name[key] = p.insert("entities", {"name": cluster.name, "type": cluster.type,
                                                         "aliases": _aliases(cluster.aliases, cluster.name),
                                                         "created_at": p.now, "updated_at": p.now})
                entity_id = by_name[key]
            for m in members:
                mention_entity[m["id"]] = entity_id
                if _untouched(m) and (m["entity_id"] != entity_id or m["label"] != cluster.type):
                    if cluster.type not in checked:
                        _check_entity_label(p, cluster.type, allow_new=True)
                        checked.add(cluster.type)
                    p.update("mentions", m["id"], entity_id=entity_id, label=cluster.type)
        by_doc: dict[int, list[dict[str, Any]]] = {}
        for m in rows.values():
            by_doc.setdefault(m["doc_id"], []).append(m)
        for q in quotes:
            q = dict(q)
            p.seen("quotes", dict(q))
            start, end = (q["resolved_start"], q["resolved_end"]) if q["resolved_start"] is not None else (
                q["speaker_start"], q["speaker_end"])
            if start is None:
                continue
            hits = [m for m in by_doc.get(q["doc_id"], []) if m["start"] < end and start < m["end"]
                    and (mention_entity.get(m["id"]) or m["entity_id"]) is not None]
            if not hits:
                continue
            best = min(hits, key=lambda m: (m["label"] != "PERSON", abs(m["start"] - start)))
            entity_id = mention_entity.get(best["id"]) or best["entity_id"]
            if q["speaker_entity_id"] != entity_id:
                p.update("quotes", q["id"], speaker_entity_id=entity_id)

    def describe(self) -> str:
        return "link canonical entities"


# Label schema ----------------------------------------------------------------------------------------------


def _check_label_fields(p: Plan, layer: str, label_set: str, fields: dict[str, Any], own_id: int | None) -> None:
    import re

    if "name" in fields and (not isinstance(fields["name"], str) or not fields["name"].strip()):
        raise EditError("a label needs a name")
    if "color" in fields and not re.fullmatch(r"#[0-9a-fA-F]{6}", str(fields["color"])):
        raise EditError(f"colour must look like #rrggbb, not {fields['color']!r}")
    hotkey = fields.get("hotkey")
    if hotkey is not None:
        if not (isinstance(hotkey, str) and len(hotkey) == 1 and hotkey.isdigit() and hotkey != "0"):
            raise EditError(f"hotkey must be one of 1-9, not {hotkey!r}")
        clash = p.store.conn.execute(
            "SELECT name FROM labels WHERE layer = ? AND hotkey = ? AND id IS NOT ?", (layer, hotkey, own_id)
        ).fetchone()
        if clash:
            raise EditError(f"hotkey {hotkey} is already {clash[0]}'s")
    if "name" in fields:
        dup = p.store.conn.execute(
            "SELECT id FROM labels WHERE layer = ? AND label_set = ? AND name = ? AND id IS NOT ?",
            (layer, label_set, fields["name"].strip(), own_id)).fetchone()
        if dup:
            raise EditError(f"there is already a label {fields['name'].strip()!r}")


@_register
@dataclass(frozen=True)
class AddLabel(Edit):
    """Add an entity label (``layer="entity"``) or a claim label to a label set (new sets allowed)."""

    layer: str
    name: str
    label_set: str = ""
    color: str = "#cccccc"
    hotkey: str | None = None
    description: str = ""
    kind: ClassVar[str] = "add_label"

    def plan(self, p: Plan) -> None:
        if self.layer not in ("entity", "claim"):
            raise EditError(f"layer must be entity or claim, not {self.layer!r}")
        label_set = "" if self.layer == "entity" else (self.label_set or "").strip()
        if self.layer == "claim" and not label_set:
            raise EditError("a claim label belongs to a label set (e.g. verdict)")
        _check_label_fields(p, self.layer, label_set, {"name": self.name, "color": self.color,
                                                       "hotkey": self.hotkey}, None)
        pos = p.store.conn.execute("SELECT coalesce(max(position), -1) + 1 FROM labels").fetchone()[0]
        p.insert("labels", {"layer": self.layer, "label_set": label_set, "name": self.name.strip(),
                            "color": self.color, "hotkey": self.hotkey, "description": self.description or "",
                            "position": pos})

    def describe(self) -> str:
        return f"add label {self.name}"


@_register
@dataclass(frozen=True)
class EditLabel(Edit):
    """Change a label's colour, hotkey or description, or rename it (its annotations follow)."""

    id: int
    fields: dict[str, Any] = field(default_factory=dict)
    kind: ClassVar[str] = "edit_label"

    def plan(self, p: Plan) -> None:
        row = p.need("labels", self.id)
        unknown = set(self.fields) - {"name", "color", "hotkey", "description"}
        if unknown or not self.fields:
            raise EditError(f"a label's name, color, hotkey or description can change, not {sorted(unknown) or 'nothing'}")
        _check_label_fields(p, row["layer"], row["label_set"], self.fields, self.id)
        values = dict(self.fields)
        if "name" in values:
            values["name"] = values["name"].strip()
        p.update("labels", self.id, **values)
        new = values.get("name", row["name"])
        if new != row["name"]:
            conn = p.store.conn
            if row["layer"] == "entity":
                for (mid,) in conn.execute("SELECT id FROM mentions WHERE label = ?", (row["name"],)).fetchall():
                    p.update("mentions", mid, label=new)
                for (eid,) in conn.execute("SELECT id FROM entities WHERE type = ?", (row["name"],)).fetchall():
                    p.update("entities", eid, type=new)
            else:
                for cid, labels in conn.execute("SELECT id, labels FROM claims").fetchall():
                    parsed = dict(p.store.stored_json({"id": cid, "labels": labels}, "claims", "labels", dict))
                    if parsed.get(row["label_set"]) == row["name"]:
                        parsed[row["label_set"]] = new
                        p.update("claims", cid, labels=json.dumps(parsed, ensure_ascii=False, sort_keys=True))

    def describe(self) -> str:
        return "change label " + _field_words(self.fields, {"name": "name", "color": "colour", "hotkey": "key",
                                                            "description": "description"})


@_register
@dataclass(frozen=True)
class DeleteLabel(Edit):
    """Remove a label nothing uses (relabel or delete its annotations first)."""

    id: int
    kind: ClassVar[str] = "delete_label"

    def plan(self, p: Plan) -> None:
        row = p.need("labels", self.id)
        conn = p.store.conn
        if row["layer"] == "entity":
            used = conn.execute("SELECT count(*) FROM mentions WHERE label = ?", (row["name"],)).fetchone()[0]
            used += conn.execute("SELECT count(*) FROM entities WHERE type = ?", (row["name"],)).fetchone()[0]
        else:
            used = sum(p.store.stored_json({"id": cid, "labels": labels}, "claims", "labels", dict)
                       .get(row["label_set"]) == row["name"]
                       for cid, labels in conn.execute("SELECT id, labels FROM claims"))
        if used:
            raise EditError(f"label {row['name']!r} is used by {used} annotation(s); relabel them first")
        p.delete("labels", self.id)

    def describe(self) -> str:
        return "delete label"


@_register
@dataclass(frozen=True)
class SetSetting(Edit):
    """Set a project setting (:mod:`desktop.core.settings`), or remove it with ``value=None``."""

    key: str
    value: str | None = None
    kind: ClassVar[str] = "set_setting"

    def plan(self, p: Plan) -> None:
        from desktop.core.settings import SettingError, check_setting

        row = p.store.setting_row(self.key)
        if self.value is None:
            if row is None:
                raise NothingToChange(f"{self.key} is not set")
            p.delete("settings", row["id"])
            return
        try:
            value = check_setting(self.key, self.value)
        except SettingError as exc:
            raise EditError(str(exc)) from None
        if row is None:
            p.insert("settings", {"key": self.key, "value": value})
        else:
            p.update("settings", row["id"], value=value)

    def describe(self) -> str:
        return f"unset project setting {self.key}" if self.value is None else f"set project setting {self.key}"


@_register
@dataclass(frozen=True)
class ImportProject(Edit):
    """Take in what a Claimdesk JSONL export says about its project (its header line,
    :mod:`desktop.core.project_copy`): the label schema, the canonical entities with their aliases
    and decisions, and the settings.

    Labels: a project with no documents yet takes the schema exactly (its unused labels are
    replaced, in the file's order, colours and hotkeys); otherwise only missing labels are added
    (a hotkey another label holds is left off).  Entities: a missing one is added, an existing one
    (same name and type) gets the file's aliases joined to its own and stays or becomes decided.
    Settings: only keys the project has not set are set."""

    labels: tuple[dict[str, Any], ...] = ()
    entities: tuple[dict[str, Any], ...] = ()
    settings: dict[str, str] = field(default_factory=dict)
    kind: ClassVar[str] = "import_project"

    def plan(self, p: Plan) -> None:
        self._plan_labels(p)
        for e in self.entities:
            name, type_ = str(e["name"]).strip(), str(e["type"])
            _check_entity_label(p, type_, allow_new=True)
            decided = 1 if e.get("decided") else 0
            row = p.store.entity_by_name(name, type_)
            if row is None:
                p.insert("entities", {"name": name, "type": type_, "aliases": _aliases(e.get("aliases") or (), name),
                                      "decided": decided, "created_at": p.now, "updated_at": p.now})
                continue
            aliases = _aliases([*row.aliases, *(e.get("aliases") or ())], name)
            current = p.need("entities", row.id)
            if aliases != current["aliases"] or decided > current["decided"]:
                p.update("entities", row.id, aliases=aliases, decided=max(decided, current["decided"]),
                         updated_at=p.now)
        from desktop.core.settings import SettingError, check_setting

        for key, value in sorted(self.settings.items()):
            if p.store.setting_row(key) is None:
                try:
                    p.insert("settings", {"key": key, "value": check_setting(key, value)})
                except SettingError as exc:
                    raise EditError(f"settings: {exc}") from None

    def _plan_labels(self, p: Plan) -> None:
        import re

        fresh = p.store.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0 and bool(self.labels)
        existing = {(r["layer"], r["label_set"], r["name"]): r for r in p.store.label_rows()}
        taken = set() if fresh else {(r["layer"], r["hotkey"]) for r in existing.values() if r["hotkey"]}
        if fresh:
            for r in existing.values():
                p.delete("labels", r["id"])
        top = -1 if fresh else p.store.conn.execute("SELECT coalesce(max(position), -1) FROM labels").fetchone()[0]
        seen = set()
        for label in self.labels:
            layer = label["layer"]
            label_set = "" if layer == "entity" else str(label.get("label_set") or "")
            key = (layer, label_set, str(label["name"]).strip())
            if key in seen or (not fresh and key in existing) or (layer == "claim" and not label_set):
                continue
            seen.add(key)
            hotkey = label.get("hotkey")
            if not (isinstance(hotkey, str) and re.fullmatch(r"[1-9]", hotkey)) or (layer, hotkey) in taken:
                hotkey = None
            else:
                taken.add((layer, hotkey))
            color = label.get("color")
            top += 1
            p.insert("labels", {"layer": layer, "label_set": label_set, "name": key[2],
                                "color": color if isinstance(color, str) and re.fullmatch(r"#[0-9a-fA-F]{6}", color)
                                else "#cccccc",
                                "hotkey": hotkey, "description": label.get("description") or "", "position": top})

    def describe(self) -> str:
        return "import project schema and entities"


# Story clusters (issue 15) ------------------------------------------------------------------------------
#
# A story's stored alignment (``story_clusters``, ``story_members``, ``story_flags``; see
# ``desktop.core.story``).  The rules every edit keeps:
#
# * a quote or claim is a member of at most one cluster, of the story its document is in; one that
#   is deleted, rejected or whose document leaves the story leaves its cluster (with the flags
#   naming it); a cluster left with no member is removed, one left with one member is a single
#   version (no flags);
# * a cluster holds at most one version per document;
# * an editor's merge or split marks the clusters ``decided``: a rebuild (``StoreStoryClusters``)
#   keeps them as the editor left them, and a flag dismissed by an editor stays dismissed when a
#   rebuild or a merge finds it again (the same kind between the same two members).

_MEMBER_COLUMN = {"quote": "quote_id", "claim": "claim_id", "quotes": "quote_id", "claims": "claim_id"}


def _member_item(row: dict[str, Any]) -> int:
    return row["quote_id"] if row["quote_id"] is not None else row["claim_id"]


def _has_story_rows(p: Plan) -> bool:
    return bool(p.planned_ids("story_members") or p.stored_any("story_members"))


def _cluster_members(p: Plan, cluster_id: int) -> list[dict[str, Any]]:
    """The cluster's member rows as this plan leaves them so far, by id."""
    ids = _planned_ids(p, "story_members", "SELECT id FROM story_members WHERE cluster_id = ?", (cluster_id,))
    rows = [p.row("story_members", i) for i in ids]
    return [r for r in rows if r is not None and r["cluster_id"] == cluster_id]


def _cluster_flags(p: Plan, cluster_id: int) -> list[dict[str, Any]]:
    ids = _planned_ids(p, "story_flags", "SELECT id FROM story_flags WHERE cluster_id = ?", (cluster_id,))
    rows = [p.row("story_flags", i) for i in ids]
    return [r for r in rows if r is not None and r["cluster_id"] == cluster_id]


def _leave_clusters(p: Plan, table: str, item_ids: Iterable[int]) -> None:
    """Those quotes (``table="quotes"``) or claims leave their story clusters (see above)."""
    if not _has_story_rows(p):
        return
    column = _MEMBER_COLUMN[table]
    for item_id in item_ids:
        ids = _planned_ids(p, "story_members", f"SELECT id FROM story_members WHERE {column} = ?", (item_id,))
        for mid in ids:
            row = p.row("story_members", mid)
            if row is not None and row[column] == item_id:
                _drop_member(p, row)


def _drop_member(p: Plan, member: dict[str, Any]) -> None:
    cluster_id, item = member["cluster_id"], _member_item(member)
    for f in _cluster_flags(p, cluster_id):
        if item in (f["first_item"], f["second_item"]):
            p.delete("story_flags", f["id"])
    p.delete("story_members", member["id"])
    if not _cluster_members(p, cluster_id):
        p.delete("story_clusters", cluster_id)


def _reflag(p: Plan, cluster_id: int, carried: Sequence[dict[str, Any]]) -> None:
    """Give the cluster the flags its members have now: a ``carried`` flag row (of this cluster or
    of one merged into it) found again is kept, dismissed or not, the others are removed."""
    from desktop.core.story import flag_rows, versions_of

    cluster = p.need_ref("story_clusters", cluster_id)
    items = [_member_item(m) for m in _cluster_members(p, cluster_id)]
    wanted = flag_rows(versions_of(p.store, cluster["kind"], items))
    rows = [p.peek("story_flags", f["id"]) for f in carried]
    have = {(f["kind"], f["first_item"], f["second_item"]): f for f in rows if f is not None}
    for kind, a, b, note in wanted:
        row = have.pop((kind, a, b), None)
        if row is None:
            p.insert("story_flags", {"cluster_id": cluster_id, "kind": kind, "first_item": a, "second_item": b,
                                     "note": note, "dismissed": 0})
        else:
            p.update("story_flags", row["id"], cluster_id=cluster_id, note=note)
    for row in have.values():  # found no more (a flag of another cluster is that one's to keep)
        if row["cluster_id"] == cluster_id:
            p.delete("story_flags", row["id"])


def _need_cluster(p: Plan, cluster_id: Any) -> dict[str, Any]:
    try:
        return p.need("story_clusters", cluster_id)
    except EditError:
        raise EditError(f"no story cluster with id {cluster_id!r}") from None


def _check_one_per_document(p: Plan, cluster_id: int, incoming: Sequence[dict[str, Any]]) -> None:
    docs = {m["doc_id"] for m in _cluster_members(p, cluster_id)}
    clash = sorted(docs & {m["doc_id"] for m in incoming})
    if clash:
        ext = p.need_ref("documents", clash[0])["ext_id"]
        raise EditError(f"cluster {cluster_id} already has a version from {ext}; a cluster holds one per article")


@_register
@dataclass(frozen=True)
class MergeClusters(Edit):
    """Merge story clusters (of one story and kind) into the first: its members and flags join it,
    the others are removed, and it is the editor's decision (a rebuild keeps it)."""

    ids: tuple[int, ...]
    kind: ClassVar[str] = "merge_clusters"

    def plan(self, p: Plan) -> None:
        ids = list(dict.fromkeys(self.ids))
        if len(ids) < 2:
            raise EditError("choose two or more clusters to merge")
        target = _need_cluster(p, ids[0])
        carried = _cluster_flags(p, target["id"])
        for other_id in ids[1:]:
            other = _need_cluster(p, other_id)
            if (other["story"], other["kind"]) != (target["story"], target["kind"]):
                raise EditError(f"cluster {other_id} is not a {target['kind']} cluster of story {target['story']!r}")
            members = _cluster_members(p, other_id)
            _check_one_per_document(p, target["id"], members)
            for m in members:
                p.update("story_members", m["id"], cluster_id=target["id"])
            flags = _cluster_flags(p, other_id)
            for f in flags:
                p.update("story_flags", f["id"], cluster_id=target["id"])
            carried += flags
            p.delete("story_clusters", other_id)
        p.update("story_clusters", target["id"], decided=1, updated_at=p.now)
        _reflag(p, target["id"], carried)

    def describe(self) -> str:
        return f"merge {plural(len(set(self.ids)), 'cluster')}"


@_register
@dataclass(frozen=True)
class SplitCluster(Edit):
    """Move members (their quote or claim ids) out of a story cluster: into cluster ``into`` (of the
    same story and kind), or into a new cluster.  Both are the editor's decision then."""

    id: int
    items: tuple[int, ...]
    into: int | None = None
    kind: ClassVar[str] = "split_cluster"

    def plan(self, p: Plan) -> None:
        source = _need_cluster(p, self.id)
        members = _cluster_members(p, self.id)
        moved = [m for m in members if _member_item(m) in set(self.items)]
        missing = sorted(set(self.items) - {_member_item(m) for m in moved})
        if missing or not moved:
            raise EditError(f"{source['kind']} {missing[0] if missing else '(none)'} is not in cluster {self.id}")
        if self.into is None:
            if len(moved) == len(members):
                raise EditError(f"moving every member out of cluster {self.id} splits nothing")
            target = p.insert("story_clusters", {"story": source["story"], "kind": source["kind"], "decided": 1,
                                                 "created_at": p.now, "updated_at": p.now})
        else:
            into = _need_cluster(p, self.into)
            if (into["story"], into["kind"]) != (source["story"], source["kind"]) or into["id"] == self.id:
                raise EditError(f"cluster {self.into} is not another {source['kind']} cluster of story "
                                f"{source['story']!r}")
            _check_one_per_document(p, into["id"], moved)
            target = into["id"]
            p.update("story_clusters", target, decided=1, updated_at=p.now)
        carried = _cluster_flags(p, self.id) + (_cluster_flags(p, self.into) if self.into is not None else [])
        items = {_member_item(m) for m in moved}
        for m in moved:
            p.update("story_members", m["id"], cluster_id=target)
        for f in _cluster_flags(p, self.id):  # a flag between two moved members moves with them
            if {f["first_item"], f["second_item"]} <= items:
                p.update("story_flags", f["id"], cluster_id=target)
        if len(moved) == len(members):
            p.delete("story_clusters", self.id)
        else:
            p.update("story_clusters", self.id, decided=1, updated_at=p.now)
            _reflag(p, self.id, carried)
        _reflag(p, target, carried)

    def describe(self) -> str:
        return "split cluster" if self.into is None else f"move {plural(len(self.items), 'version')} to another cluster"


@_register
@dataclass(frozen=True)
class DismissFlag(Edit):
    """Dismiss a discrepancy flag of a story cluster (or, ``dismissed=False``, bring it back)."""

    id: int
    dismissed: bool = True
    kind: ClassVar[str] = "dismiss_flag"

    def plan(self, p: Plan) -> None:
        try:
            row = p.need("story_flags", self.id)
        except EditError:
            raise EditError(f"no story flag with id {self.id!r}") from None
        p.update("story_flags", row["id"], dismissed=int(bool(self.dismissed)))
        p.update("story_clusters", row["cluster_id"], updated_at=p.now)

    def describe(self) -> str:
        return "dismiss flag" if self.dismissed else "restore flag"


@_register
@dataclass(frozen=True)
class LabelClusterClaims(Edit):
    """Label a claim once for its whole cluster: :class:`SetClaimLabel` on every claim of the story
    cluster ``cluster_id`` (or of ``claim_ids``, a computed cluster's), as one step."""

    label_set: str
    value: str | None
    cluster_id: int | None = None
    claim_ids: tuple[int, ...] = ()
    kind: ClassVar[str] = "label_cluster_claims"

    def plan(self, p: Plan) -> None:
        ids = list(self.claim_ids)
        if self.cluster_id is not None:
            cluster = _need_cluster(p, self.cluster_id)
            if cluster["kind"] != "claim":
                raise EditError(f"cluster {self.cluster_id} holds quotes, not claims")
            ids += [_member_item(m) for m in _cluster_members(p, self.cluster_id)]
        if not ids:
            raise EditError("no claims to label")
        for claim_id in dict.fromkeys(ids):
            SetClaimLabel(claim_id, self.label_set, self.value).plan(p)

    def describe(self) -> str:
        what = f"label cluster's claims {self.label_set} {self.value}"
        return what if self.value is not None else f"clear cluster's claims {self.label_set}"


@_register
@dataclass(frozen=True)
class SetDocumentStory(Edit):
    """Put a document in a story (or, ``story=None``, in none); its quotes and claims leave the
    clusters of the story it was in."""

    doc_id: int
    story: str | None
    kind: ClassVar[str] = "set_document_story"

    def plan(self, p: Plan) -> None:
        row = p.need("documents", self.doc_id)
        story = self.story.strip() if isinstance(self.story, str) else None
        if self.story is not None and not story:
            raise EditError("a story needs a name")
        if story == row["story"]:
            return
        if _has_story_rows(p):
            for mid in _planned_ids(p, "story_members", "SELECT id FROM story_members WHERE doc_id = ?",
                                    (self.doc_id,)):
                member = p.row("story_members", mid)
                if member is not None and member["doc_id"] == self.doc_id:
                    _drop_member(p, member)
        p.update("documents", self.doc_id, story=story, updated_at=p.now)

    def describe(self) -> str:
        return f"put document in story {self.story}" if self.story else "take document out of its story"


@_register
@dataclass(frozen=True)
class SetDocumentStories(Edit):
    """:class:`SetDocumentStory` for several documents, as one step (suggested stories applied)."""

    stories: tuple[tuple[int, str | None], ...]
    kind: ClassVar[str] = "set_document_stories"

    def plan(self, p: Plan) -> None:
        for doc_id, story in self.stories:
            SetDocumentStory(doc_id, story).plan(p)

    def describe(self) -> str:
        return f"put {plural(len(self.stories), 'document')} in stories"


@_register
@dataclass(frozen=True)
class StoreStoryClusters(Edit):
    """Store a story's alignment (``claimdesk stories --rebuild``, computed by
    ``desktop.app.stories``): ``clusters`` are ``{"id": a stored cluster's id or None, "kind",
    "members": [quote or claim ids], "flags": [[kind, first item, second item, note], ...]}``
    (a JSONL copy's also say ``"decided"`` of a new cluster and ``dismissed`` after a flag's note).

    Stored clusters not named are removed, except the ones an editor decided, which stay as they
    are (a named decided cluster may only get its flags refreshed).  A flag an editor dismissed
    stays dismissed where it is found again."""

    story: str
    clusters: tuple[dict[str, Any], ...]
    kind: ClassVar[str] = "store_story_clusters"

    def plan(self, p: Plan) -> None:
        conn = p.store.conn
        stored = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM story_clusters WHERE story = ?", (self.story,))}
        named = {c["id"] for c in self.clusters if c.get("id") is not None}
        dismissed = set()
        for cid in stored:
            for f in _cluster_flags(p, cid):
                if f["dismissed"]:
                    dismissed.add((f["kind"], f["first_item"], f["second_item"]))
        for cid, row in stored.items():  # clusters no longer found: removed (an editor's stay)
            if cid not in named and not row["decided"]:
                for f in _cluster_flags(p, cid):
                    p.delete("story_flags", f["id"])
                for m in _cluster_members(p, cid):
                    p.delete("story_members", m["id"])
                p.delete("story_clusters", cid)
        plans = [self._members(p, c, stored) for c in self.clusters]
        cids = []
        for c, (cid, items) in zip(self.clusters, plans, strict=True):
            if cid is None:
                cid = p.insert("story_clusters", {"story": self.story, "kind": c["kind"],
                                                  "decided": int(bool(c.get("decided"))),
                                                  "created_at": p.now, "updated_at": p.now})
            self._place(p, cid, c["kind"], items)
            cids.append(cid)
        for c, cid in zip(self.clusters, cids, strict=True):
            self._flags(p, c, cid, dismissed)

    def _members(self, p: Plan, c: dict[str, Any], stored: dict[int, dict[str, Any]]) -> tuple[int | None, list[int]]:
        """The cluster's id (None: new) and items; members leaving a named cluster are removed here."""
        if c.get("kind") not in ("quote", "claim"):
            raise EditError(f"a story cluster is of quotes or claims, not {c.get('kind')!r}")
        items = [int(i) for i in c.get("members") or ()]
        cid = c.get("id")
        if cid is None:
            return None, items
        if cid not in stored:
            raise EditError(f"no cluster {cid} in story {self.story!r}")
        if not items:
            raise EditError(f"cluster {cid} would have no member")
        have = {_member_item(m): m for m in _cluster_members(p, cid)}
        if stored[cid]["decided"] and set(have) != set(items):
            raise EditError(f"cluster {cid} is an editor's decision; a rebuild does not change its members")
        for item, m in have.items():
            if item not in items:
                _drop_member(p, m)
        return cid, items

    def _place(self, p: Plan, cid: int, kind: str, items: list[int]) -> None:
        column = _MEMBER_COLUMN[kind]
        for item in items:
            ids = _planned_ids(p, "story_members", f"SELECT id FROM story_members WHERE {column} = ?", (item,))
            rows = [r for r in (p.row("story_members", i) for i in ids) if r is not None and r[column] == item]
            if rows and rows[0]["cluster_id"] == cid:
                continue
            for r in rows:
                _drop_member(p, r)
            doc_id = p.need_ref(f"{kind}s", item)["doc_id"]
            if p.need_ref("documents", doc_id)["story"] != self.story:
                raise EditError(f"{kind} {item} is not in an article of story {self.story!r}")
            p.insert("story_members", {"cluster_id": cid, "doc_id": doc_id, "quote_id": item if kind == "quote" else None,
                                       "claim_id": item if kind == "claim" else None})

    def _flags(self, p: Plan, c: dict[str, Any], cid: int, dismissed: set[tuple[Any, ...]]) -> None:
        have = {(f["kind"], f["first_item"], f["second_item"]): f for f in _cluster_flags(p, cid)}
        for kind, a, b, note, *was_dismissed in c.get("flags") or ():
            row = have.pop((kind, a, b), None)
            if row is None:
                p.insert("story_flags", {"cluster_id": cid, "kind": kind, "first_item": a, "second_item": b, "note": note,
                                         "dismissed": int((kind, a, b) in dismissed or any(was_dismissed))})
            else:
                p.update("story_flags", row["id"], note=note)
        for row in have.values():
            p.delete("story_flags", row["id"])

    def describe(self) -> str:
        return f"align story {self.story}"

    def history_json(self) -> dict[str, Any]:
        # the rows in the history's ``changes`` say all of it
        return {"kind": self.kind, "story": self.story, "clusters": len(self.clusters)}


# What an applied edit created ----------------------------------------------------------------------------


def created_ids(inverse: ChangeSet, table: str) -> list[int]:
    """The ids of the ``table`` rows created by the edit whose inverse :func:`apply` (or
    :func:`apply_many`) returned, in the order they were created.

    An insert's inverse is a delete of that row, so the answer comes from the edit's own changes,
    never from a scan for the newest row (which another connection, such as a pre-annotation
    worker, may have written in between)."""
    return [c.id for c in reversed(inverse.changes) if c.table == table and c.after is None and c.before is not None]
