"""An import commits its documents in batches (one transaction each, not one per document), and
keeps every guarantee of the import one document at a time: a refused document leaves nothing,
the rest go on, and the report names only what is saved."""

from __future__ import annotations

import json

import pytest

from desktop.core import edits as E
from desktop.core import jobs
from desktop.core.invariants import check
from desktop.core.model import ImportedDocument


def _files(folder, n, *, same_as=None):
    folder.mkdir()
    for i in range(n):
        (folder / f"a{i:02d}.txt").write_text(f"Officials in Geneva met on day {i} to talk about the border.",
                                              encoding="utf-8")
    if same_as is not None:  # the same text as a{same_as}: skipped, in the middle of a batch
        (folder / "a99.txt").write_text((folder / f"a{same_as:02d}.txt").read_text(encoding="utf-8"),
                                        encoding="utf-8")
    (folder / "bad.txt").write_bytes(b"\x00\x01\x02" * 100)


def test_documents_are_committed_in_batches(store, tmp_path, monkeypatch):
    monkeypatch.setattr(jobs, "IMPORT_BATCH_DOCUMENTS", 4)
    monkeypatch.setattr(jobs, "IMPORT_BATCH_SECONDS", 3600)
    _files(tmp_path / "in", 10, same_as=3)
    events = []
    store.subscribe(lambda event: events.append(event) if "documents" in event.tables else None)
    report = jobs.import_into(store, [tmp_path / "in"])
    assert sorted(report.added) == [f"a{i:02d}" for i in range(10)]
    assert len(report.skipped) == 1 and len(report.problems) == 1 and report.failure is None
    assert store.document_count() == 10
    assert len(events) == 3  # 4 + 4 + the last 3 inputs that reached the store, not one commit per document
    assert check(store) == []


def test_a_refused_document_inside_a_batch_leaves_nothing(store, tmp_path, monkeypatch):
    """A document refused after its first rows were written (a value the importer let through
    that the project cannot hold: here its entity's name) leaves none of them; the batch goes on."""
    monkeypatch.setattr(jobs, "IMPORT_BATCH_SECONDS", 3600)
    text = "Officials in Geneva met on day {} to talk about the border."
    docs = [ImportedDocument(f"a0{i}", text.format(i), path=f"a0{i}.txt") for i in range(3)]
    docs[1] = ImportedDocument("a01", text.format(1), path="a01.txt",
                               entities=[{"start": 13, "end": 19, "label": "GPE", "entity": "Gen\ud800eva"}])
    monkeypatch.setattr(jobs.importers, "read_inputs", lambda plan, **kw: iter(docs))
    report = jobs.import_into(store, [tmp_path])
    assert sorted(report.added) == ["a00", "a02"]
    assert [str(p) for p in report.problems] == ["a01.txt: cannot be stored: surrogates not allowed"]
    assert store.document_by_ext_id("a01") is None
    assert store.conn.execute("SELECT count(*) FROM entities").fetchone()[0] == 0
    assert store.document_count() == 2 and check(store) == []


def test_one_history_row_per_batch(store, tmp_path, monkeypatch):
    monkeypatch.setattr(jobs, "IMPORT_BATCH_DOCUMENTS", 4)
    monkeypatch.setattr(jobs, "IMPORT_BATCH_SECONDS", 3600)
    _files(tmp_path / "in", 10, same_as=3)
    jobs.import_into(store, [tmp_path / "in"])
    rows = list(reversed(store.history()))
    assert [r["summary"] for r in rows] == ["add 4 documents: a00, a01, a02 and 1 more",
                                            "add 4 documents: a04, a05, a06 and 1 more",
                                            "add 2 documents: a08, a09"]  # a99: same text as a03
    assert [len(json.loads(r["changes"])) for r in rows] == [4, 4, 2]  # the audit rows: every row written
    assert json.loads(rows[2]["edit"]) == {"kind": "add_documents", "edits": ["add document a08", "add document a09"]}


def test_a_batch_of_one_writes_the_row_one_document_always_did(store, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "only.txt").write_text("Officials in Geneva met to talk about the border.", encoding="utf-8")
    jobs.import_into(store, [folder])
    (row,) = store.history()
    assert row["kind"] == "add_document" and row["summary"] == "add document only"
    assert row["doc_id"] == store.document_by_ext_id("only").id


def test_each_batch_is_found_by_search_and_listed(store, tmp_path, monkeypatch):
    """The search index is filled once per batch, not by the insert trigger: every document is
    found, the trigger is back afterwards, and the index is sound."""
    monkeypatch.setattr(jobs, "IMPORT_BATCH_DOCUMENTS", 4)
    _files(tmp_path / "in", 10)
    jobs.import_into(store, [tmp_path / "in"])
    assert store.search_count("border") == 10
    assert {store.document(doc_id).ext_id for doc_id, _ in store.search("day 7")} == {"a07"}
    store.conn.execute("INSERT INTO documents_fts (documents_fts, rank) VALUES ('integrity-check', 1)")
    triggers = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert "documents_fts_ai" in triggers
    E.apply(store, E.AddDocument("later", "A later article about the harbour."))  # indexed by the trigger again
    assert store.search_count("harbour") == 1
    assert check(store) == []


def test_undoing_a_batch_takes_all_its_documents_out_in_one_step(store):
    E.apply(store, E.AddDocument("before", "An article that was there before the import."))
    snapshot = _rows(store)
    with store.transaction("import"):
        batch = E.Batch(store)
        store.defer_search_index()
        for i in range(3):
            batch.apply(E.AddDocument(f"d{i}", f"Article {i} about the talks in Geneva.", entities=(
                {"start": 25, "end": 31, "label": "GPE", "entity": "Geneva", "status": "accepted"},)))
        with pytest.raises(E.DuplicateDocumentError):
            batch.apply(E.AddDocument("again", "Article 1 about the talks in Geneva."))  # the batch's own
        batch.record()
    assert store.document_count() == 4 and store.search_count("talks") == 3
    assert [r["summary"] for r in store.history(limit=1)] == ["add 3 documents: d0, d1, d2"]
    redo = E.apply(store, batch.inverse())
    assert _rows(store) == snapshot and store.search_count("talks") == 0
    assert store.history(limit=1)[0]["summary"] == "Undo: add 3 documents: d0, d1, d2"
    E.apply(store, redo)
    assert store.document_count() == 4 and store.search_count("talks") == 3
    assert check(store) == []


def test_an_import_stopped_midway_keeps_the_batches_it_committed(store, tmp_path, monkeypatch):
    """An import that dies in the middle of a batch (here an exception after 6 documents, as a
    kill would) leaves the batches committed before it, whole, and nothing of the open one."""
    monkeypatch.setattr(jobs, "IMPORT_BATCH_DOCUMENTS", 4)
    monkeypatch.setattr(jobs, "IMPORT_BATCH_SECONDS", 3600)
    _files(tmp_path / "in", 10)
    seen = []

    def progress(done, total, name):
        seen.append(name)
        if len(seen) == 6:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        jobs.import_into(store, [tmp_path / "in"], job=jobs.Job(on_progress=progress))
    assert sorted(d.ext_id for d in store.documents()) == ["a00", "a01", "a02", "a03"]
    assert store.search_count("border") == 4 and len(store.history()) == 1
    assert "documents_fts_ai" in {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
    assert check(store) == []


def _rows(store):
    tables = ("documents", "document_stats", "mentions", "entities")
    return {t: store.conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}
