"""How apply() writes a plan's changes: grouped updates keep the plan's order where it matters."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import ClassVar

from desktop.core import edits as E
from tests.conftest import dump


@dataclass(frozen=True)
class _Updates(E.Edit):
    """Plain updates in a given order (what LinkEntities does: two column sets, interleaved)."""

    steps: tuple[tuple[str, int, tuple[tuple[str, object], ...]], ...]
    kind: ClassVar[str] = "test_updates"

    def plan(self, p: E.Plan) -> None:
        for table, row_id, values in self.steps:
            p.update(table, row_id, **dict(values))


def _mention_ids(store, doc):
    return sorted(m.id for m in store.mentions(doc.id))


def test_interleaved_updates_land_as_planned_and_undo(store, sample_doc):
    a, b = _mention_ids(store, sample_doc)[:2]
    other = E.created_ids(E.apply(store, E.AddEntity("Blinken", "PERSON")), "entities")[0]
    before = dump(store)
    steps = (
        ("mentions", a, (("label", "ORG"),)),
        ("mentions", b, (("label", "LOC"), ("entity_id", other))),
        ("mentions", b, (("label", "NORP"),)),  # a second update of b: written after the first
        ("mentions", a, (("entity_id", other), ("label", "ORG"))),  # only entity_id changes
        ("documents", sample_doc.id, (("status", "in_progress"),)),
        ("mentions", a, (("label", "LOC"),)),
    )
    undo = E.apply(store, _Updates(steps))
    rows = {r["id"]: dict(r) for r in store.conn.execute("SELECT * FROM mentions")}
    assert (rows[a]["label"], rows[a]["entity_id"]) == ("LOC", other)
    assert (rows[b]["label"], rows[b]["entity_id"]) == ("NORP", other)
    audit = json.loads(store.history(1)[0]["changes"])
    # the history keeps each update's changed columns only, in the row's column order
    assert [sorted(c["after"]) for c in audit if c["table"] == "mentions"] == [
        ["label"], ["entity_id", "label"], ["label"], ["entity_id"], ["label"]]
    assert list(audit[1]["after"]) == [c for c in rows[b] if c in ("entity_id", "label")]
    E.apply(store, undo)
    assert dump(store) == before


def test_apply_counted_applies_and_counts_the_rows(store, sample_doc):
    a, b = _mention_ids(store, sample_doc)[:2]
    twin = _Updates((("mentions", a, (("label", "ORG"),)), ("mentions", b, (("label", "ORG"),))))
    assert E.apply_counted(store, twin) == 2
    assert {m.label for m in store.mentions(sample_doc.id) if m.id in (a, b)} == {"ORG"}
    assert store.history(1)[0]["kind"] == "test_updates"
