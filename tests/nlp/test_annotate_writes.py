"""What writing a pre-annotation costs the project file: each suggestion written once, not read
back first, and kept once in the history (its audit rows), with undo and the history intact."""

from __future__ import annotations

import json
import re

import pytest

from desktop.core import edits as E
from tests.conftest import dump

WORDS = [(m.start(), m.end()) for m in re.finditer(r"[A-Z]\w+", "Alice Bob Carol Dave Erin Frank Grace Heidi " * 40)]


@pytest.fixture
def doc(store):
    text = "Alice Bob Carol Dave Erin Frank Grace Heidi " * 40 + "“We will win,” Alice said."
    E.apply(store, E.AddDocument(ext_id="d", text=text))
    return store.document_by_ext_id("d")


def _suggestions(doc):
    said = doc.text.index("Alice said")
    entities = tuple({"start": s, "end": e, "label": "PERSON"} for s, e in WORDS)
    quotes = ({"content": [{"start": said - 14, "end": said - 3}], "speaker": {"start": said, "end": said + 5},
               "cue": {"start": said + 6, "end": said + 10}, "type": "direct"},)
    return entities, quotes


def _statements(store, edit):
    sql: list[str] = []
    store.conn.set_trace_callback(sql.append)
    try:
        inverse = E.apply_many(store, [edit], "pre-annotate 1 documents")
    finally:
        store.conn.set_trace_callback(None)
    return sql, inverse


def test_pre_annotation_writes_each_suggestion_without_reading_it_back(store, doc):
    entities, quotes = _suggestions(doc)
    sql, _ = _statements(store, E.ReplaceSuggestions(doc.id, "m 1", entities, quotes))
    assert store.conn.execute("SELECT count(*) FROM mentions").fetchone()[0] == len(WORDS) == 320
    reads = [s for s in sql if s.lstrip().upper().startswith("SELECT") and "WHERE id = " in s]
    assert len(reads) < 10, reads[:20]  # was one per suggestion: each planned row read again before its write


def test_pre_annotation_history_keeps_the_suggestions_once_and_undo_restores(store, doc):
    before = dump(store)
    entities, quotes = _suggestions(doc)
    _, inverse = _statements(store, E.ReplaceSuggestions(doc.id, "m 1", entities, quotes))
    (row,) = [h for h in store.history(10) if h["kind"] == "replace_suggestions"]
    assert json.loads(row["edit"]) == {"kind": "replace_suggestions", "doc_id": doc.id, "model": "m 1",
                                       "entities": 320, "quotes": 1}
    audit = json.loads(row["changes"])  # the audit trail: every inserted row, whole
    inserted = [c for c in audit if c["before"] is None]
    assert {c["table"] for c in inserted} == {"mentions", "quotes"} and len(inserted) == 321
    assert all(c["after"]["model"] == "m 1" for c in inserted)
    E.apply(store, inverse)
    assert dump(store) == before


def test_a_replayed_change_still_finds_a_row_changed_since(store, doc):
    entities, quotes = _suggestions(doc)
    inverse = E.apply(store, E.ReplaceSuggestions(doc.id, "m 1", entities[:3], quotes))
    mention = min(m.id for m in store.mentions(doc.id))
    E.apply(store, E.RelabelMention(mention, "ORG"))  # another change to a row the undo deletes
    with pytest.raises(E.EditConflictError):
        E.apply(store, inverse)


def test_a_rerun_replaces_its_own_suggestions(store, doc):
    entities, quotes = _suggestions(doc)
    E.apply(store, E.ReplaceSuggestions(doc.id, "m 1", entities, quotes))
    first = dump(store)
    sql, inverse = _statements(store, E.ReplaceSuggestions(doc.id, "m 2", entities[:5], quotes))
    assert len(store.mentions(doc.id)) == 5 and store.row("documents", doc.id)["annotated_model"] == "m 2"
    assert len([s for s in sql if "WHERE id = " in s and s.lstrip().upper().startswith("SELECT")]) < 10
    E.apply(store, inverse)
    assert dump(store) == first
