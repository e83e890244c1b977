"""The pre-annotated seeds project in all eight formats, each read back by its consumer."""

from __future__ import annotations

import csv
import json

import pytest

from desktop.core import edits as E
from desktop.core.store import Store
from tests.e2e.test_cli import claimdesk

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seeds_project(tmp_path_factory, annotated_seeds):
    path = annotated_seeds(tmp_path_factory.mktemp("seeds") / "seeds.claimdesk")
    with Store.open(path) as store:  # an editor's claims, two with verdicts
        doc = store.document_by_ext_id("000_4e8e7165941dcf45")
        s = doc.text.index("Russia has been amassing")
        E.apply(store, E.AddClaim(doc.id, s, doc.text.index("invade.", s) + 7, claimant="The Hill",
                                  labels={"checkworthiness": "check-worthy", "verdict": "true"}))
        s = doc.text.index("In a press conference")
        E.apply(store, E.AddClaim(doc.id, s, doc.text.index("tensions.", s) + 9,
                                  labels={"checkworthiness": "check-worthy", "verdict": "unverifiable"}))
        for d in store.documents():  # reviewed: what is not annotated is a negative in every format
            E.apply(store, E.SetDocumentStatus(d.id, "done"))
        counts = store.counts()
    return path, counts


def export(project, fmt, out, *extra):
    res = claimdesk("export", str(project), "-f", fmt, "-o", str(out), "--status", "all", *extra)
    assert res.returncode == 0, res.stderr
    assert "exported 5 documents" in res.stdout
    return res


def test_jsonl_reads_back_into_a_project(seeds_project, tmp_path):
    project, counts = seeds_project
    export(project, "jsonl", tmp_path / "out.jsonl")
    again = tmp_path / "again.claimdesk"
    claimdesk("new", str(again))
    assert claimdesk("import", str(again), str(tmp_path / "out.jsonl")).returncode == 0
    with Store.open(again, readonly=True) as store:
        back = store.counts()
    for key in ("documents", "entities", "quotes", "claims", "entities_by_label"):
        assert back[key] == counts[key], key
    export(again, "jsonl", tmp_path / "again.jsonl")
    assert (tmp_path / "again.jsonl").read_bytes() == (tmp_path / "out.jsonl").read_bytes()


def test_brat_reads_back_into_a_project(seeds_project, tmp_path):
    project, counts = seeds_project
    export(project, "brat", tmp_path / "brat")
    again = tmp_path / "again.claimdesk"
    claimdesk("new", str(again))
    assert claimdesk("import", str(again), str(tmp_path / "brat")).returncode == 0
    with Store.open(again, readonly=True) as store:
        back = store.counts()
    assert (back["documents"], back["entities"], back["quotes"], back["claims"]) == (
        counts["documents"], counts["entities"], counts["quotes"], counts["claims"])


def test_spacy_docbin_loads_in_spacy(seeds_project, tmp_path):
    import spacy
    from spacy.tokens import DocBin

    project, counts = seeds_project
    res = export(project, "spacy", tmp_path / "seeds.spacy")
    docs = list(DocBin().from_disk(tmp_path / "seeds.spacy").get_docs(spacy.blank("en").vocab))
    assert len(docs) == 5
    assert sum(len(d.spans["entities"]) for d in docs) == counts["entities"]
    # one span per content fragment, grouped into quotes by span id
    assert sum(len({s.id_ for s in d.spans["quotes"]}) for d in docs) == counts["quotes"]
    assert sum(len(d.spans["claims"]) for d in docs) == 2
    assert "spans adjusted" in res.stdout


def test_conll_reads_back_as_bio(seeds_project, tmp_path):
    project, _ = seeds_project
    export(project, "conll", tmp_path / "seeds.conll")
    lines = (tmp_path / "seeds.conll").read_text(encoding="utf-8").splitlines()
    assert lines.count("-DOCSTART- -X- O O") == 5
    assert all(len(line.split(" ")) == 4 for line in lines if line)
    tags = [line.rsplit(" ", 1)[1] for line in lines if line and not line.startswith("-DOCSTART-")]
    assert any(t == "B-PERSON" for t in tags) and set(t[:2] for t in tags) <= {"B-", "I-", "O"}


def test_prodigy_label_studio_csv_and_claimreview_parse(seeds_project, tmp_path):
    project, counts = seeds_project
    export(project, "prodigy", tmp_path / "p.jsonl")
    tasks = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()]
    tasks = [t for t in tasks if "layer" not in t["meta"]]  # the entity tasks (quote and claim tasks follow them)
    assert sum(len(t["spans"]) for t in tasks) >= counts["entities"]
    for task in tasks:
        tokens = task["tokens"]
        for tok in tokens:
            assert task["text"][tok["start"]:tok["end"]] == tok["text"]
        for span in task["spans"]:
            assert (tokens[span["token_start"]]["start"], tokens[span["token_end"]]["end"]) == (span["start"], span["end"])
    export(project, "label-studio", tmp_path / "ls.json")
    ls = json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))
    assert len(ls) == 5 and (tmp_path / "ls.xml").exists()
    export(project, "csv", tmp_path / "c.csv")
    with open(tmp_path / "c.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 2 and {r["verdict"] for r in rows} == {"true", "unverifiable"}
    with open(tmp_path / "c_quotes.csv", encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == counts["quotes"]
    assert claimdesk("settings", str(project), "claimreview.url", "https://checks.example/{document}").returncode == 0
    export(project, "claimreview", tmp_path / "cr.jsonld")
    reviews = json.loads((tmp_path / "cr.jsonld").read_text(encoding="utf-8"))
    assert {r["reviewRating"]["alternateName"] for r in reviews} == {"true", "unverifiable"}
    for r in reviews:
        assert r["@context"] == "https://schema.org" and r["@type"] == "ClaimReview"
        assert r["itemReviewed"]["@type"] == "Claim" and r["claimReviewed"]


@pytest.mark.parametrize(("fmt", "name"), [("label-studio", "ls.json"), ("prodigy", "p.jsonl"),
                                           ("doccano-relations", "r.jsonl")])
def test_the_seeds_come_back_from_the_annotation_tools(seeds_project, tmp_path, fmt, name):
    from tests.core.test_tool_formats import layers

    project, _ = seeds_project
    export(project, fmt, tmp_path / name, "--documents", "all")
    claimdesk("new", str(tmp_path / "back.claimdesk"))
    res = claimdesk("import", str(tmp_path / "back.claimdesk"), str(tmp_path / name))
    assert res.returncode == 0 and "error:" not in res.stderr, res.stderr
    with Store.open(project, readonly=True) as before, Store.open(tmp_path / "back.claimdesk", readonly=True) as after:
        if fmt == "doccano-relations":  # no suggestions, canonical entities, quote types or claims in doccano
            def plain(found):
                return {ext: (rec["text"], sorted(m[:3] for m in rec["mentions"]),
                              sorted(q[:4] for q in rec["quotes"])) for ext, rec in found.items()}
            assert plain(layers(after, claims=False)) == plain(layers(before, claims=False))
        else:
            assert layers(after) == layers(before)
