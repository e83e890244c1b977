"""The parc convention's quotes with no source on purpose ("X is expected to ...") are scored by
their rule, not as the failures other quotes without a speaker are."""

from __future__ import annotations

import pytest

from desktop.nlp.quotes import extract_quotes
from desktop.nlp.quotes.confidence import quote_score


@pytest.fixture(scope="module")
def nlp():
    from desktop.nlp.pipeline import load_pipeline

    return load_pipeline()


def test_a_sourceless_passive_is_scored_by_its_rule_and_a_speakerless_quote_is_not(nlp):
    doc = nlp("The new bridge is expected to open in the spring.\n“The coming winter will test every family in "
              "the region and every public service that supports them.”")
    rules: list[str] = []
    quotes = extract_quotes(doc, "parc", rules=rules)
    # under parc a quote with neither cue nor source is no attribution; the clause convention keeps it
    assert rules == ["verb/content_raised_passive"]
    assert [q["speaker"] for q in quotes] == [None]
    clause_rules: list[str] = []
    clause_quotes = extract_quotes(doc, "clause", rules=clause_rules)
    assert clause_rules == ["quote_without_source"]
    assert [q["speaker"] for q in clause_quotes] == [None]
    passive = quote_score(doc, quotes[0], rules[0])
    unattributed = quote_score(doc, clause_quotes[0], clause_rules[0])
    assert passive == pytest.approx(0.70)
    assert unattributed < 0.5
