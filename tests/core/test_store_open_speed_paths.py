"""The fast paths of opening and reading a project keep every guarantee of the slow ones.

* ``PRAGMA quick_check`` is left out only for a file that is byte for byte one that passed it
  (a record in the data folder, see ``store._CheckedFile``); any other file is checked in full,
  whatever its timestamps say.
* Reads that decode text in C (document summaries, a document's annotations) still report a
  damaged row as one line.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from desktop.core import edits
from desktop.core.store import DamagedProjectError, Store
from tests.conftest import _make_sample


@pytest.fixture
def quick_checks(monkeypatch):
    """How many ``PRAGMA quick_check`` statements this process ran (every connection traced)."""
    seen: list[str] = []
    real = sqlite3.connect

    def connect(*args, **kwargs):
        conn = real(*args, **kwargs)
        conn.set_trace_callback(lambda sql: seen.append(sql) if "quick_check" in sql.lower() else None)
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)
    return seen


def _project(path):
    with Store.create(path) as store:
        _make_sample(store)


def test_an_unchanged_project_is_not_checked_again(tmp_path, quick_checks):
    path = tmp_path / "p.claimdesk"
    _project(path)  # the writer's close checks what it leaves
    quick_checks.clear()
    for _ in range(2):
        with Store.open(path, readonly=True) as store:
            assert store.document_count() == 1
        with Store.open(path) as store:  # a writer that writes nothing leaves the file as it was
            assert store.document_count() == 1
    assert quick_checks == []


def test_edits_by_claimdesk_cost_no_full_check(tmp_path, quick_checks):
    """A writer that opened a checked file changed it only under its lock: its close records the
    file without reading it all again, and the next open skips the check too."""
    path = tmp_path / "p.claimdesk"
    _project(path)
    quick_checks.clear()
    with Store.open(path) as store:
        edits.apply(store, edits.AddDocument(ext_id="more", text="Lavrov met Blinken again."))
    with Store.open(path, readonly=True) as store:
        assert store.document_count() == 2
    with Store.open(path) as store:
        assert store.document_count() == 2
    assert quick_checks == []


def test_a_project_changed_by_another_program_is_checked_again(tmp_path, quick_checks):
    path = tmp_path / "p.claimdesk"
    _project(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE documents SET title = 'changed elsewhere'")
    conn.commit()
    conn.close()
    quick_checks.clear()
    with Store.open(path, readonly=True) as store:
        assert store.document_by_ext_id("sample").title == "changed elsewhere"
    assert len(quick_checks) == 1
    with Store.open(path, readonly=True):  # now that content passed: not again
        pass
    assert len(quick_checks) == 1


def test_damage_with_the_old_timestamps_is_still_refused(tmp_path):
    """A page garbled in place, its size, mtime and even inode kept, is found: the record holds
    the content's CRC, not only the file's times."""
    path = tmp_path / "p.claimdesk"
    _project(path)
    with Store.open(path, readonly=True):
        pass
    st = os.stat(path)
    conn = sqlite3.connect(path)
    roots = [r[0] for r in conn.execute("SELECT rootpage FROM sqlite_master WHERE type = 'index' AND rootpage > 1")]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(path, "r+b") as fh:  # same file, same size
        fh.seek((roots[0] - 1) * page_size)
        fh.write(b"\x0d" + b"\xff" * 63)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(path).st_mtime_ns == st.st_mtime_ns and os.stat(path).st_size == st.st_size
    with pytest.raises(DamagedProjectError) as info:
        Store.open(path, readonly=True)
    assert "damaged project file" in str(info.value) and "\n" not in str(info.value)


def test_a_project_with_changes_in_its_wal_is_checked_in_full(tmp_path, quick_checks):
    path = tmp_path / "p.claimdesk"
    _project(path)
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("UPDATE documents SET status = 'done'")  # in the -wal only
        quick_checks.clear()
        with Store.open(path, readonly=True) as store:
            assert store.document_by_ext_id("sample").status == "done"
        assert len(quick_checks) == 1
    finally:
        writer.close()


def test_an_unreadable_record_costs_only_a_full_check(tmp_path, quick_checks):
    path = tmp_path / "p.claimdesk"
    _project(path)
    records = list((Path(os.environ["CLAIMDESK_DATA_DIR"]) / "checked").glob("*.json"))
    assert len(records) == 1
    records[0].write_text("{not json", encoding="utf-8")
    quick_checks.clear()
    with Store.open(path, readonly=True):
        pass
    assert len(quick_checks) == 1


# Reads that decode in C -----------------------------------------------------------------------------


def _garble(path, find: bytes, replace: bytes, count: int = 1) -> None:
    data = path.read_bytes()
    assert data.count(find) >= 1, find
    path.write_bytes(data.replace(find, replace, count))


def test_summaries_of_a_damaged_title_give_one_line(tmp_path):
    path = tmp_path / "p.claimdesk"
    with Store.create(path) as store:
        edits.apply(store, edits.AddDocument(ext_id="d1", text="Some text here.", title="Geneva talks"))
    # every copy: the row's, and the list index's (documents_list, schema 8), which summaries read
    _garble(path, b"Geneva talks", b"G\xffneva talks", -1)
    with Store.open(path, readonly=True) as store:
        with pytest.raises(DamagedProjectError) as info:
            store.document_summaries()
    assert "p.claimdesk" in str(info.value) and "UTF-8" in str(info.value) and "\n" not in str(info.value)


def test_mentions_of_a_damaged_row_give_one_line(tmp_path):
    path = tmp_path / "p.claimdesk"
    with Store.create(path) as store:
        doc = _make_sample(store)
        store.conn.execute("UPDATE mentions SET annotator = 'zqzqzq'")
    _garble(path, b"zqzqzq", b"zq\xffzqz")
    with Store.open(path, readonly=True) as store:
        with pytest.raises(DamagedProjectError) as info:
            store.mentions(doc.id)
    assert "p.claimdesk" in str(info.value) and "UTF-8" in str(info.value) and "\n" not in str(info.value)


def test_fast_reads_return_what_the_checked_reads_return(tmp_path):
    path = tmp_path / "p.claimdesk"
    with Store.create(path) as store:
        doc = _make_sample(store)
        summaries, mentions = store.document_summaries(), store.mentions(doc.id)
        assert summaries[0]["lead"] == doc.text[:160] and summaries[0]["chars"] == len(doc.text)
        assert summaries[0]["suggested"] == 2
        assert [(m.start, m.end, m.label, m.prov.origin) for m in mentions] == [
            (24, 38, "PERSON", "model"), (85, 91, "GPE", "import")]
        assert store.mentions(doc.id, include_rejected=False) == mentions
        assert store.mentions() == mentions


# Bulk loading (the benchmark's large project) --------------------------------------------------------


def test_bulk_insert_only_inside_a_transaction_and_only_project_tables(tmp_path):
    from desktop.core.store import ProjectError

    with Store.create(tmp_path / "p.claimdesk") as store:
        with pytest.raises(ProjectError, match="outside a transaction"):
            store.bulk_insert("meta", ("key", "value"), [("a", "b")])
        with store.transaction(), pytest.raises(ValueError):
            store.bulk_insert("sqlite_master", ("name",), [("x",)])
        events = []
        store.subscribe(events.append)
        with store.transaction("load"):
            assert store.bulk_insert("meta", ("key", "value"), [("a", "1"), ("b", "2")]) == 2
            assert store.bulk_insert("meta", ("key", "value"), [("a", "3")], replace=True) == 1
        assert store.meta("a") == "3" and store.meta("b") == "2"
        assert events[-1].tables == frozenset({"meta"})


def test_the_bench_project_is_checked_when_built_and_opens_without_quick_check(tmp_path, quick_checks):
    from desktop.bench.harness import BenchConfig, build_large_project

    cfg = BenchConfig(large_docs=30, large_annotations=600, big_words=800, big_spans=60)
    big = build_large_project(tmp_path / "large.claimdesk", cfg)
    assert len(quick_checks) >= 1  # the build's close checked what it left
    quick_checks.clear()
    with Store.open(big.path) as store:
        assert store.document_count() == 30 and store.mention_count(big.big_doc_id) > 0
        assert store.annotated_count() == 30
        assert store.documents_not_annotated_with("en_core_web_sm 3.8.0") == []
    assert quick_checks == []
    with Store.open(big.path, readonly=True) as store:
        assert store.search("Synthetic")  # the full-text index followed the bulk insert


# A document's annotations, kept until the database changes ------------------------------------------


def test_a_documents_mentions_and_quotes_follow_every_change(tmp_path):
    path = tmp_path / "p.claimdesk"
    with Store.create(path) as store:
        doc = _make_sample(store)
        first = store.mentions(doc.id)
        assert store.mentions(doc.id) == first and store.quotes(doc.id) == store.quotes(doc.id)
        edits.apply(store, edits.AddMention(doc.id, 0, 4, "GPE"))  # this connection writes
        assert len(store.mentions(doc.id)) == len(first) + 1
        other = Store.open(path)  # another connection of the process (the window's jobs)
        try:
            edits.apply(other, edits.DeleteQuote(other.quotes(doc.id)[0].id))
            edits.apply(other, edits.AddMention(doc.id, 5, 9, "ORG"))
        finally:
            other.close()
        assert [q.prov.status for q in store.quotes(doc.id)] == ["rejected"]  # a model suggestion deleted
        assert len(store.mentions(doc.id)) == len(first) + 2
        outside = sqlite3.connect(path)  # another program
        outside.execute("UPDATE mentions SET label = 'NORP' WHERE start = 5")
        outside.commit()
        outside.close()
        assert [m.label for m in store.mentions(doc.id) if m.start == 5] == ["NORP"]
        with store.transaction():  # inside a transaction: what it wrote so far
            store.conn.execute("DELETE FROM mentions WHERE start = 5")
            assert not [m for m in store.mentions(doc.id) if m.start == 5]
            store.conn.execute("ROLLBACK")
            store.conn.execute("BEGIN IMMEDIATE")
        assert [m.label for m in store.mentions(doc.id) if m.start == 5] == ["NORP"]
