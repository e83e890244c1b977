"""Scores on suggestions, end to end through the command line: quote confidence and check-worthy
claim suggestions from `claimdesk preannotate` and `claimdesk annotate`."""

from __future__ import annotations

import json

import pytest

from desktop.cli import main
from desktop.core.store import Store

pytestmark = pytest.mark.slow

TEXT = ("“We will never give up this fight for our country,” Sergey Lavrov said on Friday.\n"
        "Unemployment rose to 7.5 percent in March, more than twice the rate of 2019, the Labor Department said.\n"
        "I think maybe things could be better.\n"
        "“This is a long and winding statement that nobody in particular seems to have made at all today.”\n")


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "talk.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def _preannotate(source, out, *extra):
    assert main(["preannotate", str(source), "-o", str(out), *extra]) == 0
    (rec,) = map(json.loads, out.read_text(encoding="utf-8").splitlines())
    return rec


def _sentence(rec, needle):
    return next(c for c in rec["claims"] if needle in rec["text"][c["start"]:c["end"]])


def test_preannotate_scores_quotes_and_writes_check_worthy_sentences_as_claims(source, tmp_path, capsys):
    rec = _preannotate(source, tmp_path / "out.jsonl", "--claim-threshold", "0")
    assert "claim" in capsys.readouterr().out
    text = rec["text"]
    by_start = {text[q["content"][0]["start"]:q["content"][0]["end"]][:12]: q for q in rec["quotes"]}
    named = next(q for k, q in by_start.items() if "We will" in k)
    assert named["score"] >= 0.9  # direct, a named speaker: right nine times in ten
    unsourced = [q for q in rec["quotes"] if q["speaker"] is None]
    assert unsourced and all(q["score"] < 0.2 for q in unsourced)
    assert all(0 <= q["score"] <= 1 for q in rec["quotes"])
    figures = _sentence(rec, "Unemployment rose")
    opinion = _sentence(rec, "I think maybe")
    assert figures["score"] > 0.5 > opinion["score"]
    assert _sentence(rec, "We will never")["claimant"] == "Sergey Lavrov"  # the quote's speaker
    assert all(c["origin"] == "model" and c["status"] == "suggested" for c in rec["claims"])


def test_the_claim_threshold_keeps_only_sentences_scored_at_least_it(source, tmp_path):
    every = _preannotate(source, tmp_path / "a.jsonl", "--claim-threshold", "0")["claims"]
    some = _preannotate(source, tmp_path / "b.jsonl", "--claim-threshold", "0.5")["claims"]
    assert len(some) < len(every) and all(c["score"] >= 0.5 for c in some)
    assert _preannotate(source, tmp_path / "c.jsonl", "--claim-threshold", "1")["claims"] == []
    assert "claims" not in _preannotate(source, tmp_path / "d.jsonl", "--no-claims")


def test_annotate_stores_scores_and_claim_suggestions_above_the_project_threshold(source, tmp_path):
    project = tmp_path / "p.claimdesk"
    assert main(["new", str(project)]) == 0
    assert main(["import", str(project), str(source)]) == 0
    assert main(["settings", str(project), "claims.threshold", "0.5"]) == 0
    assert main(["annotate", str(project)]) == 0
    with Store.open(project, readonly=True) as store:
        (doc,) = store.documents()
        quotes, claims = store.quotes(doc.id), store.claims(doc.id)
        assert quotes and all(q.score is not None and 0 <= q.score <= 1 for q in quotes)
        assert claims and all(c.prov.origin == "model" and c.prov.status == "suggested" and c.score >= 0.5
                              for c in claims)
        assert not any(doc.text[c.start:c.end].startswith("I think") for c in claims)
    assert main(["settings", str(project), "claims.threshold", "1"]) == 0
    assert main(["annotate", str(project), "--force"]) == 0
    with Store.open(project, readonly=True) as store:
        assert store.claims(doc.id) == []  # the untouched suggestions replaced by none


def test_a_threshold_outside_zero_to_one_is_refused(tmp_path):
    project = tmp_path / "p.claimdesk"
    assert main(["new", str(project)]) == 0
    assert main(["settings", str(project), "claims.threshold", "2"]) != 0
