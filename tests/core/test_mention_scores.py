"""Scores on entity mentions (issue 14, item 3): the codec reads, checks and writes a mention's
``score``; the Store keeps it (schema migration) through ReplaceSuggestions and AddDocument; the
exports that can hold it carry it (JSONL and back, Label Studio regions, Prodigy spans); the
review queue's ``least-sure`` kind lists the unsure entity suggestions."""

from __future__ import annotations

import json
import sqlite3

import pytest

from desktop.app import review
from desktop.cli import main
from desktop.core import edits as E
from desktop.core.interchange import (
    MentionRecord,
    mention_from_json,
    mention_problems,
    mention_to_json,
    mention_to_pairs,
)
from desktop.core.store import APPLICATION_ID, SCHEMA_VERSION, Store, migrate

TEXT = "Prices rose 5 percent, Olena Kovalenko said in Kyiv on Monday."


def _ent(needle: str, label: str, score: float | None = None) -> dict:
    start = TEXT.index(needle)
    return {"start": start, "end": start + len(needle), "label": label,
            **({} if score is None else {"score": score})}


def test_the_codec_reads_writes_and_checks_a_mention_score():
    item = _ent("Kyiv", "GPE", 0.42)
    assert mention_from_json(item).score == 0.42
    assert mention_from_json(_ent("Kyiv", "GPE")).score is None
    assert mention_to_json(mention_from_json(item))["score"] == 0.42
    assert "score" not in mention_to_json(MentionRecord(0, 4, "GPE"))  # an editor's mention has none
    assert mention_to_pairs(mention_from_json(item), "e1")["score"] == 0.42
    assert mention_problems({**item, "score": 2}) == ["mention.score must be a number between 0 and 1 or null"]


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "p.claimdesk"
    with Store.create(path) as store:
        E.apply(store, E.AddDocument(ext_id="d", text=TEXT))
        doc = store.document_by_ext_id("d")
        E.apply(store, E.ReplaceSuggestions(doc.id, "m 1", entities=(
            _ent("Olena Kovalenko", "PERSON", 0.98), _ent("Kyiv", "GPE", 0.42), _ent("Monday", "DATE"))))
        E.apply(store, E.AddMention(doc.id, TEXT.index("Prices"), TEXT.index("Prices") + 6, "ORG"))
    return path


def _scores(store: Store) -> list[tuple[str, str, float | None]]:
    return sorted((TEXT[m.start:m.end], m.prov.origin, m.score) for m in store.mentions())


def test_the_store_keeps_the_scores_and_an_editor_mention_has_none(project):
    with Store.open(project, readonly=True) as store:
        assert _scores(store) == [("Kyiv", "model", 0.42), ("Monday", "model", None),
                                  ("Olena Kovalenko", "model", 0.98), ("Prices", "editor", None)]


def test_an_older_project_gains_the_column_empty(tmp_path):
    path = tmp_path / "old.claimdesk"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrate(conn, target=SCHEMA_VERSION - 1)  # the schema before mentions had a score
    assert "score" not in [row[1] for row in conn.execute("PRAGMA table_info(mentions)")]
    conn.execute("INSERT INTO documents (ext_id, title, text, content_hash, created_at, updated_at) "
                 "VALUES ('old', '', 'Kyiv.', 'h', 't', 't')")
    conn.execute("INSERT INTO mentions (doc_id, start, \"end\", label, origin, status, created_at, updated_at) "
                 "VALUES (1, 0, 4, 'GPE', 'model', 'suggested', 't', 't')")
    conn.close()
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [m.score for m in store.mentions()] == [None]
        E.apply(store, E.AddDocument(ext_id="d", text=TEXT, entities=(_ent("Kyiv", "GPE", 0.3),)))
        assert sorted(m.score or 0 for m in store.mentions()) == [0, 0.3]


def test_jsonl_label_studio_and_prodigy_exports_carry_the_mention_scores(project, tmp_path):
    out, ls, pg = tmp_path / "p.jsonl", tmp_path / "ls.json", tmp_path / "pg.jsonl"
    assert main(["export", str(project), "-f", "jsonl", "-o", str(out), "--status", "all"]) == 0
    (rec,) = [r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines()) if "id" in r]
    assert sorted((TEXT[e["start"]:e["end"]], e.get("score")) for e in rec["entities"]) == [
        ("Kyiv", 0.42), ("Monday", None), ("Olena Kovalenko", 0.98), ("Prices", None)]
    copy = tmp_path / "copy.claimdesk"
    assert main(["new", str(copy)]) == 0 and main(["import", str(copy), str(out)]) == 0
    with Store.open(copy, readonly=True) as store:
        assert sorted((TEXT[m.start:m.end], m.score) for m in store.mentions()) == [
            ("Kyiv", 0.42), ("Monday", None), ("Olena Kovalenko", 0.98), ("Prices", None)]
    assert main(["export", str(project), "-f", "label-studio", "-o", str(ls), "--status", "all"]) == 0
    (task,) = json.loads(ls.read_text(encoding="utf-8"))
    (prediction,) = [p for p in task["predictions"] if p["model_version"] == "m 1"]
    assert sorted((r["value"]["text"], r.get("score")) for r in prediction["result"] if r["from_name"] == "ner") == [
        ("Kyiv", 0.42), ("Monday", None), ("Olena Kovalenko", 0.98)]
    assert main(["export", str(project), "-f", "prodigy", "-o", str(pg), "--status", "all"]) == 0
    tasks = [json.loads(line) for line in pg.read_text(encoding="utf-8").splitlines()]
    spans = [s for t in tasks if t["meta"].get("layer") in (None, "entities") and "quote_type" not in str(t)
             for s in t["spans"]]
    assert sorted((TEXT[s["start"]:s["end"]], s.get("score")) for s in spans) == [
        ("Kyiv", 0.42), ("Monday", None), ("Olena Kovalenko", 0.98), ("Prices", None)]
    for export in (ls, pg):  # and importing either reads them back
        again = tmp_path / f"again-{export.stem}.claimdesk"
        assert main(["new", str(again)]) == 0 and main(["import", str(again), str(export)]) == 0
        with Store.open(again, readonly=True) as store:
            assert sorted((TEXT[m.start:m.end], m.score) for m in store.mentions()) == [
                ("Kyiv", 0.42), ("Monday", None), ("Olena Kovalenko", 0.98), ("Prices", None)], export


def test_the_least_sure_kind_lists_unsure_entity_suggestions_and_follows_decisions(project):
    with Store.open(project) as store:
        queue = review.review_queue(store)
        (item,) = queue.items("least-sure")  # 0.98 is sure (>= review.SURE_MENTION), Monday has no score
        assert item.key[0] == "mention" and item.score == 0.42 and "GPE entity, model confidence 42%" in item.why
        seen = []
        store.subscribe(seen.append)
        E.apply(store, E.SetStatus("mentions", (item.key[1],), "accepted"))
        event = seen[-1]
        queue.refresh(store, review.kinds_affected(event), event.doc_ids, review.changed_rows(event))
        assert queue.items("least-sure") == []
