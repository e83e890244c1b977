"""The project file: creation, checks on open, migrations, locking, queries."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest

from desktop.core import edits as E
from desktop.core.store import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    DamagedProjectError,
    NewerSchemaError,
    NotAProjectError,
    ProjectError,
    ProjectLockedError,
    Store,
    migrate,
)
from tests.conftest import REPO


def test_create_sets_wal_foreign_keys_version_and_default_labels(tmp_path):
    path = tmp_path / "p.claimdesk"
    with Store.create(path) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert store.meta("schema_version") == str(SCHEMA_VERSION)
        assert store.entity_labels()[:3] == ["PERSON", "ORG", "GPE"]
        assert store.claim_label_sets() == {
            "checkworthiness": ["check-worthy", "not check-worthy", "opinion"],
            "verdict": ["true", "false", "misleading", "unverifiable"],
        }
    with Store.open(path) as store:  # reopens
        assert store.document_count() == 0


def test_create_refuses_existing_file(tmp_path):
    path = tmp_path / "p.claimdesk"
    path.write_text("keep me")
    with pytest.raises(ProjectError, match="already exists"):
        Store.create(path)
    assert path.read_text() == "keep me"


def test_open_missing_file(tmp_path):
    with pytest.raises(ProjectError, match="no such project"):
        Store.open(tmp_path / "missing.claimdesk")


def _foreign_sqlite(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()


def _newer(path):
    with Store.create(path):
        pass
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


def _truncated(path):
    with Store.create(path) as store:
        for i in range(200):
            E.apply(store, E.AddDocument(f"d{i}", f"Document number {i}. " * 50))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


BAD_FILES = {
    "text file": (lambda p: p.write_text("just some notes\n"), NotAProjectError, "not an SQLite database"),
    "empty file": (lambda p: p.write_bytes(b""), NotAProjectError, "empty file"),
    "zero-filled": (lambda p: p.write_bytes(b"\0" * 8192), NotAProjectError, "not an SQLite database"),
    "foreign sqlite": (_foreign_sqlite, NotAProjectError, "not a Claimdesk project"),
    "newer schema": (_newer, NewerSchemaError, "newer Claimdesk"),
    "truncated": (_truncated, DamagedProjectError, "damaged"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_files_get_one_line_error_and_stay_unchanged(tmp_path, case):
    make, error, message = BAD_FILES[case]
    path = tmp_path / "bad.claimdesk"
    make(path)
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"bad.claimdesk{suffix}").unlink(missing_ok=True)
    before = path.read_bytes()
    for readonly in (False, True):
        with pytest.raises(error, match=message) as info:
            Store.open(path, readonly=readonly)
        assert "\n" not in str(info.value) and "bad.claimdesk" in str(info.value)
    assert path.read_bytes() == before
    assert not (tmp_path / "bad.claimdesk.lock").exists()


def test_migration_from_schema_1_keeps_data_and_backs_up(tmp_path):
    path = tmp_path / "old.claimdesk"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrate(conn, target=1)
    conn.execute(
        "INSERT INTO documents (ext_id, title, text, content_hash, created_at, updated_at) "
        "VALUES ('old', 'Old title', 'Lavrov met Blinken in Geneva.', 'h', 't', 't')"
    )
    conn.close()
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.document_by_ext_id("old").title == "Old title"
        assert [doc_id for doc_id, _ in store.search("Geneva")] == [store.document_by_ext_id("old").id]
        E.apply(store, E.SetDocumentStatus(store.document_by_ext_id("old").id, "done"))
    backup = tmp_path / "old.claimdesk.schema1.bak"
    assert backup.exists()
    old = sqlite3.connect(backup)
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    old.close()


def test_migration_from_schema_4_marks_existing_entities_undecided(tmp_path):
    path = tmp_path / "v4.claimdesk"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrate(conn, target=4)
    conn.execute("INSERT INTO entities (name, type, aliases, created_at, updated_at) "
                 "VALUES ('US Treasury', 'ORG', '[]', 't', 't')")
    conn.close()
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        entity = store.entity(1)
        assert entity.name == "US Treasury" and entity.decided is False
        E.apply(store, E.RenameEntity(entity.id, "U.S. Treasury"))
        assert store.entity(entity.id).decided is True


def test_migration_from_schema_5_opens_with_nothing_marked_reviewed(tmp_path):
    path = tmp_path / "v5.claimdesk"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrate(conn, target=5)
    for ext_id, status in (("open", "in_progress"), ("finished", "done")):
        conn.execute("INSERT INTO documents (ext_id, text, content_hash, status, created_at, updated_at) "
                     "VALUES (?, 'Lavrov met Blinken.', ?, ?, 't', 't')", (ext_id, ext_id, status))
    conn.close()
    with Store.open(path, readonly=True) as ro:  # an old file read as it is (export, info)
        assert ro.document_by_ext_id("open").reviewed == frozenset()
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.document_by_ext_id("open").reviewed == frozenset()
        assert store.document_by_ext_id("finished").reviewed == {"entities", "quotes", "claims"}
        doc = store.document_by_ext_id("open")
        undo = E.apply(store, E.SetLayerReviewed(doc.id, "entities"))
        assert store.document(doc.id).reviewed == {"entities"}
        E.apply(store, undo)
        assert store.document(doc.id).reviewed == frozenset()
    assert (tmp_path / "v5.claimdesk.schema5.bak").exists()


def test_search_finds_documents_and_follows_edits(store):
    E.apply(store, E.AddDocument("a", "Blinken met Lavrov in Genève.", title="Talks"))
    E.apply(store, E.AddDocument("b", "Troops massed near the border."))
    hits = store.search("geneve")
    assert [store.document(d).ext_id for d, _ in hits] == ["a"]
    assert "[" in hits[0][1]
    E.apply(store, E.DeleteDocument(store.document_by_ext_id("a").id))
    assert store.search("Lavrov") == []
    assert store.search('"') == []


def test_counts(store, sample_doc):
    counts = store.counts()
    assert counts["documents"] == 1
    assert counts["documents_by_status"] == {"new": 1, "in_progress": 0, "done": 0}
    assert counts["entities_by_label"] == {"GPE": 1, "PERSON": 1}
    assert counts["quotes"] == 1 and counts["claims"] == 1


def test_mentions_overlapping_is_exactly_the_mentions_sharing_a_character(store):
    """The gestures' range query: touching boundaries do not overlap, nested and covering
    mentions do, rejected ones only when asked, other articles' never."""
    text = "Antony Blinken met Sergey Lavrov in Geneva on Friday, and Lavrov left."
    spans = [(0, 6), (0, 14), (7, 14), (19, 32), (26, 32), (36, 42), (58, 64)]
    ents = tuple({"start": s, "end": e, "label": "PERSON", "origin": "model", "status": "suggested"}
                 for s, e in spans)
    E.apply(store, E.AddDocument("a", text, entities=ents))
    E.apply(store, E.AddDocument("b", text + " (copy)", entities=ents))
    doc = store.document_by_ext_id("a").id
    rejected = next(m for m in store.mentions(doc) if (m.start, m.end) == (26, 32))
    E.apply(store, E.SetStatus("mentions", (rejected.id,), "rejected"))
    for a in range(len(text) + 1):
        for b in range(a + 1, len(text) + 1, 3):
            for live_only in (True, False):
                want = [m for m in store.mentions(doc, include_rejected=not live_only) if m.start < b and a < m.end]
                got = store.mentions_overlapping(doc, a, b, include_rejected=not live_only)
                assert got == want, (a, b)
    assert [(m.start, m.end) for m in store.mentions_overlapping(doc, 14, 19)] == []  # touches 7-14 and 19-32
    assert [(m.start, m.end) for m in store.mentions_overlapping(doc, 13, 20)] == [(0, 14), (7, 14), (19, 32)]
    assert [(m.start, m.end) for m in store.mentions_overlapping(doc, 27, 28)] == [(19, 32)]
    assert [m.id for m in store.mentions_overlapping(doc, 27, 28, include_rejected=True)] == sorted(
        [rejected.id, *(m.id for m in store.mentions_overlapping(doc, 27, 28))],
        key=lambda i: (store.mention(i).start, store.mention(i).end, i))


def test_readonly_store_refuses_writes(tmp_path, sample_doc):
    path = sample_doc and tmp_path / "test.claimdesk"
    with Store.open(path, readonly=True) as ro:
        assert ro.document_count() == 1
        with pytest.raises(ProjectError, match="read-only"):
            E.apply(ro, E.SetDocumentStatus(1, "done"))


def _child(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          cwd=REPO, timeout=120)


def test_second_writer_process_is_told_who_holds_the_project(tmp_path):
    path = tmp_path / "p.claimdesk"
    store = Store.create(path)
    try:
        result = _child(f"""
            from desktop.core.store import Store, ProjectLockedError
            try:
                Store.open({str(path)!r})
            except ProjectLockedError as exc:
                print("LOCKED", exc)
            with Store.open({str(path)!r}, readonly=True) as ro:
                print("READ", ro.document_count())
        """)
        assert "LOCKED p.claimdesk is already open by tester@" in result.stdout, result.stderr
        assert "pid" in result.stdout and "READ 0" in result.stdout
        # The same process may open it again (the GUI's workers do).
        Store.open(path).close()
    finally:
        store.close()
    result = _child(f"from desktop.core.store import Store; Store.open({str(path)!r}).close(); print('OK')")
    assert result.stdout.strip() == "OK", result.stderr


def test_lock_is_released_when_the_holder_dies(tmp_path):
    path = tmp_path / "p.claimdesk"
    Store.create(path).close()
    result = _child(f"""
        import os
        from desktop.core.store import Store
        s = Store.open({str(path)!r})
        os._exit(0)  # dies without closing
    """)
    assert result.returncode == 0, result.stderr
    Store.open(path).close()


def test_locked_error_is_a_project_error():
    assert issubclass(ProjectLockedError, ProjectError)



def test_a_documents_claims_are_decoded_once_per_labels_text_and_kept_until_a_write(store, sample_doc, monkeypatch):
    """A long article's 750 claims share a handful of ``labels`` texts: each distinct one is
    decoded once, every claim still gets a dict of its own, and the document's claims are kept
    until the project changes (a document switch reads them every time)."""
    import json

    from desktop.core.store import row_to_claim

    doc = sample_doc.id
    for i in range(30):
        E.apply(store, E.AddClaim(doc, i, i + 2, labels={"checkworthiness": ("opinion", "check-worthy")[i % 2]}))
    rows = [row_to_claim(r) for r in store.conn.execute("SELECT * FROM claims WHERE doc_id = ? ORDER BY start, id",
                                                        (doc,))]
    loads, decoded = json.loads, []

    def counting(text, *args, **kwargs):
        decoded.append(text)
        return loads(text, *args, **kwargs)

    monkeypatch.setattr(json, "loads", counting)
    claims = store.claims(doc)
    assert claims == rows and len(claims) == 31
    assert len(decoded) == 2  # "opinion" (the sample's claim too) and "check-worthy"
    assert len({id(c.labels) for c in claims}) == 31  # each claim its own dict
    claims[0].labels["verdict"] = "false"  # (changing one changes no other, nor what is kept)
    again = store.claims(doc)
    assert len(decoded) == 2 and again == rows  # kept: nothing read or decoded again
    E.apply(store, E.SetClaimLabel(rows[1].id, "verdict", "true"))
    assert store.claims(doc)[1].labels == {**rows[1].labels, "verdict": "true"}  # a write is seen


def test_a_documents_row_and_mention_columns_are_kept_until_a_write(store, sample_doc):
    """What a switch reads of an article: its row (a long one's text is a megabyte) and its mentions'
    starts, ends and ids as lists the window's span table takes over (new lists on every ask)."""
    doc = sample_doc.id
    assert store.document(doc) is store.document(doc)  # kept: not read again
    starts, ends, ids, rows = store.mention_columns(doc)
    live = store.mentions(doc, include_rejected=False)
    assert (starts, ends, ids, rows) == ([m.start for m in live], [m.end for m in live], [m.id for m in live], live)
    starts.append(999)  # (the caller's own lists: changing them changes nothing kept)
    assert store.mention_columns(doc)[0] == [m.start for m in live]
    E.apply(store, E.AddMention(doc, 0, 3, "ORG"))
    assert len(store.mention_columns(doc)[2]) == len(live) + 1  # a write is seen
    E.apply(store, E.SetDocumentStatus(doc, "done"))
    assert store.document(doc).status == "done"
    with pytest.raises(KeyError):
        store.document(10_000)
