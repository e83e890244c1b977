"""Scores in the interchange codec and the exports that can hold them (JSONL, Label Studio,
Prodigy), through the codec, Store and the edit API, and the command line's export."""

from __future__ import annotations

import json

import pytest

from desktop.cli import main
from desktop.core import edits as E
from desktop.core.interchange import InterchangeError, claim_from_json, quote_from_json, quote_problems
from desktop.core.store import Store


def test_the_codec_reads_writes_and_checks_score():
    quote = {"content": [{"start": 0, "end": 4}], "type": "direct", "score": 0.93}
    assert quote_from_json(quote).score == 0.93
    assert quote_from_json({"content": [{"start": 0, "end": 4}]}).score is None
    assert quote_problems({**quote, "score": "high"}) == ["quote.score must be a number between 0 and 1 or null"]
    with pytest.raises(InterchangeError, match=r"claim\.score must be a number between 0 and 1"):
        claim_from_json({"start": 0, "end": 4, "score": -0.1})
    assert claim_from_json({"start": 0, "end": 4, "score": 1}).score == 1.0


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "p.claimdesk"
    text = "Prices rose 5 percent last year, the minister said. “We will win,” she said."
    with Store.create(path) as store:
        E.apply(store, E.AddDocument(ext_id="d", text=text))
        doc = store.document_by_ext_id("d")
        win = text.index("We will win")
        E.apply(store, E.ReplaceSuggestions(doc.id, "m 1", quotes=(
            {"content": [{"start": win, "end": win + 11}], "speaker": None, "cue": None, "type": "direct",
             "score": 0.07},), claims=({"start": 0, "end": text.index(",") + 1, "score": 0.81},)))
        E.apply(store, E.AddClaim(doc.id, win, win + 11))  # an editor's claim has no score
    return path


def test_jsonl_export_and_import_keep_the_scores_and_editor_work_has_none(project, tmp_path):
    out = tmp_path / "p.jsonl"
    assert main(["export", str(project), "-f", "jsonl", "-o", str(out), "--status", "all"]) == 0
    (rec,) = [r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines()) if "id" in r]
    assert [q["score"] for q in rec["quotes"]] == [0.07]
    assert sorted((c["origin"], c.get("score")) for c in rec["claims"]) == [("editor", None), ("model", 0.81)]
    copy = tmp_path / "copy.claimdesk"
    assert main(["new", str(copy)]) == 0
    assert main(["import", str(copy), str(out)]) == 0
    with Store.open(copy, readonly=True) as store:
        assert [q.score for q in store.quotes()] == [0.07]
        assert sorted((c.prov.origin, c.score) for c in store.claims()) == [("editor", None), ("model", 0.81)]


def test_label_studio_predictions_and_prodigy_meta_carry_the_scores(project, tmp_path):
    ls, pg = tmp_path / "ls.json", tmp_path / "pg.jsonl"
    assert main(["export", str(project), "-f", "label-studio", "-o", str(ls), "--status", "all"]) == 0
    (task,) = json.loads(ls.read_text(encoding="utf-8"))
    (prediction,) = [p for p in task["predictions"] if p["model_version"] == "m 1"]
    scored = sorted(r["score"] for r in prediction["result"] if "score" in r)
    assert scored == [0.07, 0.81] and prediction["score"] == pytest.approx(0.44)
    assert main(["export", str(project), "-f", "prodigy", "-o", str(pg), "--status", "all"]) == 0
    tasks = [json.loads(line) for line in pg.read_text(encoding="utf-8").splitlines()]
    claims = [t["meta"].get("score") for t in tasks if t["meta"].get("layer") == "claims"]
    assert sorted(claims, key=lambda s: s or 0) == [None, 0.81]
    quote_spans = [s for t in tasks if t["meta"].get("layer") == "quotes" for s in t["spans"] if "quote_type" in s]
    assert [s["score"] for s in quote_spans] == [0.07]


def test_the_csv_tables_end_with_the_score(project, tmp_path):
    import csv

    out = tmp_path / "p.csv"
    assert main(["export", str(project), "-f", "csv", "-o", str(out), "--status", "all"]) == 0
    claims = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    quotes = list(csv.DictReader((tmp_path / "p_quotes.csv").open(encoding="utf-8-sig")))
    assert sorted((c["origin"], c["score"]) for c in claims) == [("editor", ""), ("model", "0.81")]
    assert [q["score"] for q in quotes] == ["0.07"]


@pytest.mark.parametrize("fmt,name", [("label-studio", "ls.json"), ("prodigy", "pg.jsonl")])
def test_label_studio_and_prodigy_exports_import_back_with_their_scores(project, tmp_path, fmt, name):
    out, copy = tmp_path / name, tmp_path / "copy.claimdesk"
    assert main(["export", str(project), "-f", fmt, "-o", str(out), "--status", "all"]) == 0
    assert main(["new", str(copy)]) == 0
    assert main(["import", str(copy), str(out)]) == 0
    with Store.open(copy, readonly=True) as store:
        assert [q.score for q in store.quotes()] == [0.07]
        # the editor's claim comes back as imported work (Label Studio's annotations), still with no score
        assert sorted((c.prov.status, c.score) for c in store.claims()) == [("accepted", None), ("suggested", 0.81)]


def test_a_label_studio_region_with_a_bad_score_is_named_and_the_rest_imports(project, tmp_path, capsys):
    ls, copy = tmp_path / "ls.json", tmp_path / "copy.claimdesk"
    assert main(["export", str(project), "-f", "label-studio", "-o", str(ls), "--status", "all"]) == 0
    (task,) = json.loads(ls.read_text(encoding="utf-8"))
    second = json.loads(json.dumps(task))
    second["data"]["doc_id"] = "other"
    for r in next(p for p in task["predictions"] if p["model_version"] == "m 1")["result"]:
        if "score" in r:
            r["score"] = 7
    ls.write_text(json.dumps([task, second]), encoding="utf-8")
    assert main(["new", str(copy)]) == 0
    assert main(["import", str(copy), str(ls)]) == 0  # the other task went in
    err = capsys.readouterr().err
    assert "ls.json: Label Studio task 1: predictions[1].result[0].score must be a number between 0 and 1" in err
    with Store.open(copy, readonly=True) as store:
        assert [d.ext_id for d in store.documents()] == ["other"]
