"""The document list's maintained row per document (``document_stats``, schema 8): length, lead and
suggestions left stay equal to what the text and annotations say under every edit and its undo,
an import, a bulk load and a migration; ``claimdesk check`` says when they do not."""

from __future__ import annotations

import json
import sqlite3

from desktop.app.info import document_entries, document_lines
from desktop.core import edits as E
from desktop.core.invariants import check
from desktop.core.jobs import import_into
from desktop.core.store import APPLICATION_ID, SCHEMA_VERSION, Store, migrate
from tests.conftest import SEEDS, _make_sample


def _truth(store) -> dict[int, tuple]:
    """(chars, lead, suggested) of every document, counted from the rows themselves."""
    return {d: (chars, lead, left) for d, chars, lead, left in store.conn.execute(
        "SELECT d.id, length(d.text), substr(d.text, 1, 160), "
        "(SELECT count(*) FROM mentions WHERE doc_id = d.id AND status = 'suggested') "
        "+ (SELECT count(*) FROM quotes WHERE doc_id = d.id AND status = 'suggested') "
        "+ (SELECT count(*) FROM claims WHERE doc_id = d.id AND status = 'suggested') FROM documents d")}


def _listed(store) -> dict[int, tuple]:
    return {r["id"]: (r["chars"], r["lead"], r["suggested"]) for r in store.document_summaries()}


def _same(store) -> None:
    assert _listed(store) == _truth(store)
    assert [v for v in check(store) if v.rule == "document-stats"] == []


def test_every_edit_and_its_undo_keeps_the_list_rows_right(store):
    doc = _make_sample(store)
    _same(store)
    assert _listed(store)[doc.id][2] == 2  # one suggested mention, one suggested quote
    steps = []
    mention = next(m for m in store.mentions(doc.id) if m.prov.status == "suggested")
    quote = store.quotes(doc.id)[0]
    for edit in (E.SetStatus("mentions", (mention.id,), "accepted"),
                 E.SetStatus("quotes", (quote.id,), "rejected"),
                 E.SetStatus("mentions", (mention.id,), "suggested"),
                 E.ReplaceSuggestions(doc.id, "m 1", entities=({"start": 0, "end": 4, "label": "GPE"},
                                                                 {"start": 53, "end": 60, "label": "NORP"})),
                 E.AddMention(doc.id, 63, 78, "PERSON")):
        steps.append(E.apply(store, edit))
        _same(store)
    assert _listed(store)[doc.id][2] >= 2
    steps.append(E.apply(store, E.DeleteDocument(doc.id)))
    _same(store)
    assert doc.id not in _listed(store)
    for inverse in reversed(steps):  # undo everything, the deletion first
        redo = E.apply(store, inverse)
        _same(store)
    assert _listed(store)[doc.id][2] == 2
    E.apply(store, redo)  # and a redo of the first step (the mention accepted)
    _same(store)
    assert _listed(store)[doc.id][2] == 1


def test_imports_and_bulk_loads_keep_the_list_rows_right(store):
    import_into(store, [SEEDS])
    _same(store)
    doc_id = store.document_ids()[0]
    with store.transaction("bulk"):
        store.bulk_insert("mentions", ("doc_id", "start", "end", "label", "origin", "status", "created_at",
                                       "updated_at"),
                          [(doc_id, i * 3, i * 3 + 2, "ORG", "model", "suggested", "t", "t") for i in range(5)])
    _same(store)
    assert _listed(store)[doc_id][2] == 5


def test_a_schema_7_file_gets_its_list_rows_when_migrated(tmp_path):
    path = tmp_path / "v7.claimdesk"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrate(conn, target=7)
    conn.execute("INSERT INTO documents (id, ext_id, text, content_hash, created_at, updated_at) "
                 "VALUES (1, 'old', 'Lavrov met Blinken in Geneva.', 'h', 't', 't')")
    for start, status in ((0, "suggested"), (11, "suggested"), (22, "accepted")):
        conn.execute("INSERT INTO mentions (doc_id, start, \"end\", label, origin, status, created_at, updated_at) "
                     "VALUES (1, ?, ?, 'PERSON', 'model', ?, 't', 't')", (start, start + 6, status))
    conn.close()
    with Store.open(path, readonly=True) as old:  # read as it is: no list rows yet, the same answers
        assert old.schema_version == 7
        assert _listed(old) == {1: (29, "Lavrov met Blinken in Geneva.", 2)}
        assert check(old) == [] or all(v.rule != "document-stats" for v in check(old))
        entries = list(document_entries(old))
        assert [json.loads(line) for line in document_lines(old)] == entries  # info --json: encoded in Python
        assert entries[0]["lead"] == "Lavrov met Blinken in Geneva." and entries[0]["chars"] == 29
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        _same(store)
        assert _listed(store) == {1: (29, "Lavrov met Blinken in Geneva.", 2)}
        assert [json.loads(line) for line in document_lines(store)] == entries  # made by SQLite, the same
    assert (tmp_path / "v7.claimdesk.schema7.bak").exists()


def test_check_reports_a_wrong_list_row(store):
    doc = _make_sample(store)
    store.conn.execute("UPDATE document_stats SET suggested = 7 WHERE doc_id = ?", (doc.id,))
    found = [v for v in check(store) if v.rule == "document-stats"]
    assert [(v.table, v.id) for v in found] == [("documents", doc.id)]
    assert "7 suggestions left" in found[0].message and f"it has {len(doc.text)} and 2" in found[0].message
    store.conn.execute("DELETE FROM document_stats")
    assert [v.message for v in check(store) if v.rule == "document-stats"] == [f"document {doc.id} has no list row"]


def test_document_summaries_pages_by_id(store):
    import_into(store, [SEEDS])
    ids = store.document_ids()
    assert len(ids) >= 3
    first = store.document_summaries(limit=2)
    assert [r["id"] for r in first] == ids[:2]
    rest = store.document_summaries(after=first[-1]["id"])
    assert [r["id"] for r in first + rest] == ids
    assert store.document_summaries(ids[1:2]) == [store.document_summaries()[1]]


LEADS = [
    "Plain words on one line.",
    "Title line\n\nGENEVA (Reuters) - Officials met on Friday to talk about the border and more besides that.",
    "  \t Leading blanks,\r\ntabs\tand   runs     of spaces" + " " * 300 + "after a long run",
    "Ends with blanks   \n\n",
    "A no-break\xa0space and a line\u2028separator, an ideographic\u3000space and a \x1cfile separator.",
    "“Curly quotes”, accents (café, Zürich) and an emoji 🙂 on the first line " + "word " * 30,
    "x" * 200,
]


def test_the_list_lines_are_the_entries_whatever_the_whitespace(store):
    from desktop.core import edits as E

    for i, text in enumerate(LEADS):
        E.apply(store, E.AddDocument(f"d{i}", text))
    entries = list(document_entries(store))
    assert [json.loads(line) for line in document_lines(store)] == entries
    assert [e["lead"] for e in entries][:2] == ["Plain words on one line.", "Title line GENEVA (Reuters) - Officials "
                                                "met on Friday to talk about th"]
    assert entries[3]["lead"] == "Ends with blanks" and entries[6]["lead"] == "x" * 70
    assert [e["lead"] for e in entries] == [" ".join(text[:160].split())[:70] for text in LEADS]

