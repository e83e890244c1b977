"""Entity linking is incremental and chunked (issue 13, item 15).

Pre-annotation links only the mentions of the documents annotated since the last link (with the
editor's mentions and decided entities as context), reads nothing when nothing was annotated, and
writes its links in bounded ``LinkEntities`` edits that give the same project as one edit would.
"""

from __future__ import annotations

import json

import pytest

from desktop.core import edits as E
from desktop.core.store import Store
from desktop.nlp import annotate
from desktop.nlp.annotate import annotate_project

pytestmark = pytest.mark.slow

FIRST = (
    ("a", "The U.S. Treasury Department imposed new sanctions on Monday. "
          "Janet Yellen said the sanctions would hurt Moscow, a spokesman for the US Treasury said."),
    ("b", "A spokesman for the US Treasury said more sanctions would follow. Smith met Yellen in Washington."),
)
LATER = (
    ("c", "In Washington, the US Treasury said Janet Yellen would speak on Friday."),
    ("d", "\u201cWe will act,\u201d Janet Yellen said in Washington on Tuesday."),
)
VOLATILE = {"created_at", "updated_at", "annotated_at"}


def _add(store: Store, docs) -> None:
    for ext_id, text in docs:
        E.apply(store, E.AddDocument(ext_id, text))


def _rows(store: Store) -> dict:
    """Every row an edit changes, timestamps aside (two projects built alike compare equal)."""
    out = {}
    for table in ("documents", "entities", "mentions", "quotes", "labels"):
        out[table] = [{k: v for k, v in dict(r).items() if k not in VOLATILE}
                      for r in store.conn.execute(f"SELECT * FROM {table} ORDER BY id")]
    return out


def _link_rows(store: Store, after: int = 0) -> list[dict]:
    return [json.loads(h["edit"]) for h in store.history() if h["kind"] == "link_entities" and h["id"] > after]


def _last_history_id(store: Store) -> int:
    return max((h["id"] for h in store.history()), default=0)


def _mention_docs(store: Store) -> dict[int, str]:
    return {r[0]: r[1] for r in store.conn.execute("SELECT m.id, d.ext_id FROM mentions m JOIN documents d ON d.id = m.doc_id")}


def _project(path, docs) -> Store:
    store = Store.create(path)
    _add(store, docs)
    return store


def test_nothing_annotated_since_the_last_link_reads_nothing(store, monkeypatch):
    _add(store, FIRST)
    annotate_project(store)
    before = _rows(store), _last_history_id(store)
    reads = []
    real = Store.document_text
    monkeypatch.setattr(Store, "document_text", lambda self, doc_id: reads.append(doc_id) or real(self, doc_id))
    report = annotate_project(store)
    assert report.annotated == 0 and report.linked == 0
    assert reads == []  # not one document read again to re-cluster an unchanged project
    assert (_rows(store), _last_history_id(store)) == before


def test_an_article_annotated_in_the_millisecond_linking_starts_is_not_linked_again(store, monkeypatch):
    """On a fast machine the last article's commit and the start of the linking can share a
    millisecond: the next run must still link only what is new since."""
    import desktop.core.edits as edits_module
    import desktop.nlp.annotate as annotate_module

    frozen = "2026-01-01T00:00:00.000Z"
    for module in (edits_module, annotate_module):
        monkeypatch.setattr(module, "now_iso", lambda: frozen)
    _add(store, FIRST)
    annotate_project(store)  # every timestamp the same millisecond
    monkeypatch.undo()
    mark = _last_history_id(store)
    _add(store, LATER)
    annotate_project(store)
    docs = _mention_docs(store)
    sent = [m for row in _link_rows(store, mark) for c in row["clusters"] for m in c["mention_ids"]]
    assert sent and {docs[m] for m in sent} <= {"c", "d"}


def test_new_articles_link_only_their_own_mentions(store):
    _add(store, FIRST)
    annotate_project(store)
    old = {r["id"]: r for r in _rows(store)["mentions"]}
    entities = {e.name: e.id for e in store.entities()}
    mark = _last_history_id(store)
    _add(store, LATER)
    report = annotate_project(store)
    assert report.annotated == 2 and report.linked > 0
    docs = _mention_docs(store)
    sent = [m for row in _link_rows(store, mark) for c in row["clusters"] for m in c["mention_ids"]]
    assert sent and {docs[m] for m in sent} <= {"c", "d"}  # the new articles' mentions, no others
    assert {r["id"]: r for r in _rows(store)["mentions"] if r["id"] in old} == old  # earlier links kept
    # the new mentions join the entities the project has
    yellen = [r for r in _rows(store)["mentions"] if docs[r["id"]] in ("c", "d")
              and store.document(r["doc_id"]).text[r["start"]:r["end"]] == "Janet Yellen"]
    assert len(yellen) == 2 and {r["entity_id"] for r in yellen} == {entities["Janet Yellen"]}
    treasury = [r for r in _rows(store)["mentions"] if docs[r["id"]] == "c"
                and store.document(r["doc_id"]).text[r["start"]:r["end"]] == "US Treasury"]
    assert [r["entity_id"] for r in treasury] == [entities["US Treasury"]]


def test_links_written_in_bounded_chunks_make_the_same_project(tmp_path, monkeypatch):
    with _project(tmp_path / "one.claimdesk", FIRST + LATER) as one:
        annotate_project(one)
        expected = _rows(one)
        assert len(_link_rows(one)) == 1
    monkeypatch.setattr(annotate, "LINK_CHUNK", 3)
    with _project(tmp_path / "chunked.claimdesk", FIRST + LATER) as chunked:
        annotate_project(chunked)
        assert _rows(chunked) == expected
        rows = _link_rows(chunked)
        assert len(rows) > 2
        biggest = max(len(c["mention_ids"]) for r in rows for c in r["clusters"])
        per_doc = max(n for (n,) in chunked.conn.execute("SELECT count(*) FROM mentions GROUP BY doc_id"))
        for r in rows:  # at most LINK_CHUNK mentions, unless one cluster or one document has more
            assert sum(len(c["mention_ids"]) for c in r["clusters"]) <= max(3, biggest, per_doc)


def test_a_link_interrupted_between_chunks_is_finished_by_the_next_run(tmp_path, monkeypatch):
    with _project(tmp_path / "whole.claimdesk", FIRST + LATER) as whole:
        annotate_project(whole)
        expected = _rows(whole)
    monkeypatch.setattr(annotate, "LINK_CHUNK", 3)
    real = E.apply_counted
    calls = []

    def crash_on_the_third(store, edit):
        calls.append(edit)
        if len(calls) == 3:
            raise KeyboardInterrupt  # as a kill would stop it: the two edits before are committed
        return real(store, edit)

    with _project(tmp_path / "cut.claimdesk", FIRST + LATER) as cut:
        monkeypatch.setattr(E, "apply_counted", crash_on_the_third)
        with pytest.raises(KeyboardInterrupt):
            annotate_project(cut)
        monkeypatch.setattr(E, "apply_counted", real)
        assert _rows(cut) != expected  # linked in part
        report = annotate_project(cut)
        assert report.annotated == 0 and report.linked > 0
        assert _rows(cut) == expected
