"""JSONL is a faithful copy of a project (issue 12 item 8): project -> jsonl -> new project ->
jsonl is byte-identical, and pre-annotating the copy resurrects no rejected suggestion, reverses
no decided merge, and the spaCy export of the copy tokenizes with the project's model."""

from __future__ import annotations

import json

from desktop.cli import main
from desktop.core import edits as E
from desktop.core.store import Store


def _cli(*args) -> None:
    assert main([str(a) for a in args]) == 0


def _editor_work(store: Store) -> dict:
    """Reject model suggestions, merge two entities, add a label and a setting, finish a document."""
    mentions = [m for m in store.mentions() if m.prov.origin == "model" and m.prov.status == "suggested"]
    rejected = mentions[:3]
    for m in rejected:
        E.apply(store, E.DeleteMention(m.id))  # a model suggestion deleted is a tombstone
    quote = next(q for q in store.quotes() if q.prov.status == "suggested")
    E.apply(store, E.DeleteQuote(quote.id))
    people = [e for e in store.entities() if e.type == "PERSON"]
    target, other = people[0], people[1]
    E.apply(store, E.MergeEntities(target.id, (other.id,)))
    E.apply(store, E.AddLabel("entity", "EVENT_X", color="#123456", description="a label of our own"))
    E.apply(store, E.SetSetting("publisher.name", "Fact Desk"))
    doc, other_doc = store.documents()[:2]
    E.apply(store, E.SetDocumentStatus(doc.id, "done"))
    E.apply(store, E.SetLayerReviewed(other_doc.id, "entities"))  # one layer finished
    text = {d.id: d.text for d in store.documents()}
    return {
        "rejected": [(store.document(m.doc_id).ext_id, m.start, m.end, m.label) for m in rejected],
        "rejected_quote": (store.document(quote.doc_id).ext_id, quote.content),
        "target": store.entity(target.id).name,
        "merged": other.name,
        "surfaces": [text[m.doc_id][m.start:m.end] for m in rejected],
    }


def test_project_to_jsonl_to_project_is_identical_and_annotate_resurrects_nothing(tmp_path, annotated_seeds):
    first, second = annotated_seeds(tmp_path / "first.claimdesk"), tmp_path / "second.claimdesk"
    with Store.open(first) as store:
        work = _editor_work(store)
        model = store.meta("model")
    assert model

    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    _cli("export", first, "-f", "jsonl", "-o", a, "--status", "all")
    records = [json.loads(line) for line in a.read_text(encoding="utf-8").splitlines()]
    project = records[0]["claimdesk"]
    assert project["model"] == model and project["quote_content"]
    assert any(label["name"] == "EVENT_X" and label["color"] == "#123456" for label in project["labels"])
    merged = next(e for e in project["entities"] if e["name"] == work["target"])
    assert merged["decided"] is True and work["merged"] in merged["aliases"]
    assert project["settings"] == {"claims.threshold": "1", "publisher.name": "Fact Desk"}
    assert all("claimdesk" not in r for r in records[1:])
    assert sum(len(r.get("rejected", {}).get("entities", [])) for r in records) >= 3
    scores = sorted(q["score"] for r in records for q in r.get("quotes", []) if "score" in q)
    assert scores and all(0 <= s <= 1 for s in scores)  # each model quote's confidence travels

    _cli("new", second)
    _cli("import", second, a)
    _cli("export", second, "-f", "jsonl", "-o", b, "--status", "all")
    # nothing has to differ: ids are not exported, provenance keeps its timestamps, the project's
    # fields are sorted; only the files' own names and the export markers' times differ
    assert b.read_bytes() == a.read_bytes()

    with Store.open(second) as store:
        assert store.meta("model") == model
        assert [sorted(d.marked_reviewed) for d in store.documents()][:2] == [[], ["entities"]]
        # (the seeds fixture sets the claims' threshold)
        assert store.settings() == {"claims.threshold": "1", "publisher.name": "Fact Desk"}
        assert sorted(q.score for q in store.quotes() if q.score is not None and q.prov.status == "suggested") \
            == sorted(q["score"] for r in records for q in r.get("quotes", [])
                      if "score" in q and q["status"] == "suggested")
        copied = store.entity_by_name(work["target"])
        assert copied.decided and work["merged"] in copied.aliases

    _cli("annotate", second)
    with Store.open(second) as store:
        for ext_id, start, end, label in work["rejected"]:
            doc = store.document_by_ext_id(ext_id)
            same = [m for m in store.mentions(doc.id) if (m.start, m.end, m.label) == (start, end, label)]
            assert [m.prov.status for m in same] == ["rejected"], (ext_id, start, end, label)
        ext_id, content = work["rejected_quote"]
        doc = store.document_by_ext_id(ext_id)
        assert [q.prov.status for q in store.quotes(doc.id) if q.content == content] == ["rejected"]
        names = {e.name for e in store.entities()}
        assert work["merged"] not in names  # the merge is not reversed
        assert store.entity_by_name(work["target"]).decided

        from desktop.nlp.spacy_export import tokenizer_for

        _, used = tokenizer_for(store)
        assert used == model.split()[0]  # the project's pipeline, not spacy.blank("en")
