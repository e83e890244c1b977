"""``claimdesk train``: check-worthiness learned from the editors' claim labels, stored in the project
(issue 16, item 2), through the command line and the app API."""

from __future__ import annotations

import json
import random
import shutil

import pytest

from desktop.cli import main
from desktop.core import edits as E
from desktop.core.store import Store
from tests.nlp.ner_data import project_from_records

pytestmark = pytest.mark.slow

# The editors of this project find tariffs check-worthy and small talk with figures not: the cold start
# (figures count for a sentence) ranks them the wrong way round, a model of the words learns it.
TARIFFS = ["The tariffs on steel hurt farmers in Ohio.", "Those tariffs were paid by American families.",
           "The new tariffs hit soybean exports hard.", "Tariffs on Chinese goods raised prices for consumers.",
           "Our tariffs brought factories back to the Midwest.", "The tariffs cost the average household dearly."]
TALK = ["I have 3 dogs and I love them all.", "We spent 2 hours at the park on Sunday.",
        "Thank you so much for having me tonight.", "My 4 children are watching this at home.",
        "It is great to be here in 2019 with 5 friends.", "Let me answer that question in a moment.",
        "I think we should all be kind to each other.", "There were 12 people in the room with us."]
# ... and in this one, the cold start already ranks their claims first: nothing to beat
FIGURES = ["Unemployment rose to 7.5 percent in March, the Labor Department said.",
           "The deficit grew by $300 billion in 2019, more than twice the rate of 2018.",
           "Exports fell 12 percent last year to $1.6 trillion, the lowest since 2009."]
HEDGES = ["I think maybe things could be better.", "Thank you, thank you so much.", "Hello again?",
          "Perhaps we should hope for the best."]


def _record(ident: str, rng: random.Random, positive: list[str], negative: list[str], *, labelled: bool,
            n: int = 16) -> dict:
    text, claims = "", []
    for k in range(n):
        s = rng.choice(positive) if k % 4 == 1 else rng.choice(negative)
        start = len(text)
        text += s + "\n"
        if labelled and s in positive:
            claims.append({"start": start, "end": start + len(s), "labels": {}, "origin": "editor",
                           "status": "accepted"})
    rec = {"id": ident, "text": text, "meta": {"title": ident}}
    if labelled:
        rec["meta"]["status"] = "done"
        rec["claims"] = claims
    return rec


def _project(tmp_path, name: str, positive: list[str], negative: list[str], labelled: int = 4,
             unlabelled: int = 2):
    rng = random.Random(7)
    records = [_record(f"{name}-{i}", rng, positive, negative, labelled=True) for i in range(labelled)]
    records += [_record(f"{name}-new-{i}", rng, positive, negative, labelled=False) for i in range(unlabelled)]
    return project_from_records(tmp_path, name, records)


def _claims_of(path, ext_id):
    with Store.open(path, readonly=True) as store:
        doc = store.document_by_ext_id(ext_id)
        return doc.text, [c for c in store.claims(doc.id) if c.prov.status == "suggested"]


def test_train_stores_a_better_model_that_annotate_and_preannotate_use(tmp_path, capsys):
    path = _project(tmp_path, "tariffs", TARIFFS, TALK)
    assert main(["settings", str(path), "claims.threshold", "0"]) == 0
    assert main(["annotate", str(path)]) == 0
    text, cold = _claims_of(path, "tariffs-new-0")
    assert cold and {c.prov.model for c in cold} == {"cold-start"}  # each suggestion names its scorer
    capsys.readouterr()

    assert main(["train", str(path)]) == 0
    out = capsys.readouterr().out
    assert "before" in out and "after" in out and "(cold-start)" in out and "stored model textcat-" in out
    with Store.open(path, readonly=True) as store:
        model = store.current_model("claims")
        assert model is not None and model.name.startswith("textcat-") and model.data
        prov = model.provenance
        assert prov["map_after"] > prov["map_before"] and prov["sentences"] == 4 * 16 and prov["check_worthy"] == 16
        assert sorted(prov["documents"]) == [f"tariffs-{i}" for i in range(4)]
    assert main(["info", str(path)]) == 0
    assert f"claim suggestions: {model.name}, trained " in capsys.readouterr().out

    assert main(["annotate", str(path)]) == 0  # a new model: every document is done again
    text, learned = _claims_of(path, "tariffs-new-0")
    assert {c.prov.model for c in learned} == {model.name}
    ranked = sorted(learned, key=lambda c: -c.score)
    top = {text[c.start:c.end] for c in ranked[:4]}
    assert top <= set(TARIFFS)  # the tariffs first now, the small talk with figures after
    cold_top = {text[c.start:c.end] for c in sorted(cold, key=lambda c: -c.score)[:4]}
    assert not cold_top <= set(TARIFFS)

    # the interchange export carries each claim's model
    assert main(["export", str(path), "-f", "jsonl", "-o", str(tmp_path / "out.jsonl"), "--status", "all",
                 "--documents", "all"]) == 0
    exported = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    models = {c.get("model") for r in exported if r.get("id") == "tariffs-new-0" for c in r["claims"]}
    assert models == {model.name}

    # the file alone, copied elsewhere, gives the same suggestions
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    copy = shutil.copyfile(path, elsewhere / "copy.claimdesk")
    src = tmp_path / "new.jsonl"
    src.write_text(json.dumps({"id": "x", "text": text}) + "\n", encoding="utf-8")
    for project, out_name in ((path, "a.jsonl"), (copy, "b.jsonl")):
        assert main(["preannotate", str(src), "-o", str(tmp_path / out_name), "--claim-threshold", "0",
                     "--claims-model", str(project)]) == 0
    a, b = ((tmp_path / n).read_text(encoding="utf-8") for n in ("a.jsonl", "b.jsonl"))
    assert a == b
    claims = json.loads(a)["claims"]
    assert {c["model"] for c in claims} == {model.name}
    assert [c["score"] for c in claims] == [c.score for c in learned if c.start < len(text)][:len(claims)]

    # nothing new reviewed since: one line, exit 1, the model stays
    capsys.readouterr()
    assert main(["train", str(path)]) == 1
    assert f"every reviewed document trained {model.name} already" in capsys.readouterr().err


def test_a_model_that_is_not_better_is_not_stored(tmp_path, capsys):
    path = _project(tmp_path, "figures", FIGURES, HEDGES)
    assert main(["train", str(path)]) == 0
    out = capsys.readouterr().out
    assert "before 1.000 (cold-start), after 1.000" in out and "not better: kept cold-start" in out
    with Store.open(path, readonly=True) as store:
        assert store.current_model("claims") is None
        assert not store.model_rows()


def test_train_needs_reviewed_documents(tmp_path, capsys):
    path = _project(tmp_path, "few", TARIFFS, TALK, labelled=1)
    assert main(["train", str(path)]) == 1
    assert "needs the claims of at least 2 documents reviewed" in capsys.readouterr().err


def test_store_model_is_an_edit_undo_makes_the_earlier_model_current_again(tmp_path):
    with Store.create(tmp_path / "m.claimdesk") as store:
        E.apply(store, E.StoreModel("claims", "textcat-first", b"first", {"sentences": 3}))
        undo = E.apply(store, E.StoreModel("claims", "textcat-second", b"\x00second", {"sentences": 5}))
        assert store.current_model("claims").name == "textcat-second"
        assert store.current_model("claims").data == b"\x00second"
        history = store.history(limit=1)[0]
        assert "second" not in history["changes"].replace("textcat-second", "")  # the bytes as their hash
        redo = E.apply(store, undo)
        assert store.current_model("claims").name == "textcat-first"
        assert [r["name"] for r in store.model_rows("claims")] == ["textcat-first"]
        E.apply(store, redo)
        assert store.current_model("claims").data == b"\x00second"
        with pytest.raises(E.EditError):
            E.apply(store, E.StoreModel("nonsense", "x", b"x"))


def test_a_project_keeps_the_current_model_and_the_one_before_it_and_undo_brings_older_ones_back(tmp_path):
    """A project trained again and again does not grow by a model each time (a recognizer is
    megabytes); undoing a training restores exactly what was there."""
    with Store.create(tmp_path / "m.claimdesk") as store:
        E.apply(store, E.StoreModel("ner", "ner-other-kind", b"ner", {}))
        for name in ("first", "second", "third"):
            undo = E.apply(store, E.StoreModel("claims", f"textcat-{name}", name.encode() * 1000, {}))
        rows = store.model_rows("claims")
        assert [(r["name"], r["current"]) for r in rows] == [("textcat-second", 0), ("textcat-third", 1)]
        assert [r["name"] for r in store.model_rows("ner")] == ["ner-other-kind"]  # other kinds untouched
        E.apply(store, undo)
        assert [(r["name"], r["current"]) for r in store.model_rows("claims")] == [
            ("textcat-first", 0), ("textcat-second", 1)]
        assert store.current_model("claims").data == b"second" * 1000
