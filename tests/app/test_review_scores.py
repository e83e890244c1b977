"""The review queue's scored kinds (least-sure quotes, check-worthy sentences) and its orderings,
through Store and the edit API."""

from __future__ import annotations

import pytest

from desktop.app import review
from desktop.core import edits as E
from desktop.core.store import Store
from tests.conftest import HILL, seeded_project

from .conftest import span


@pytest.fixture
def store(tmp_path):
    with Store.open(seeded_project(tmp_path / "story.claimdesk")) as s:
        yield s


def _suggest(store, doc, quotes=(), claims=()):
    """Model suggestions with scores for ``doc``: quotes and claims as (needle, score)."""
    def quote(needle, score):
        start, end = span(doc.text, needle)
        return {"content": [{"start": start, "end": end}], "speaker": None, "cue": None, "type": "direct",
                "score": score}

    def claim(needle, score):
        start, end = span(doc.text, needle)
        return {"start": start, "end": end, "score": score}

    E.apply(store, E.ReplaceSuggestions(doc.id, "m 1", quotes=tuple(quote(n, s) for n, s in quotes),
                                        claims=tuple(claim(n, s) for n, s in claims)))


def test_scores_are_stored_and_the_least_sure_and_check_worthy_kinds_order_by_them(store):
    doc = store.document_by_ext_id(HILL)
    _suggest(store, doc, quotes=[("critical moment", 0.55), ("Ukraine invasion", 0.95)],
             claims=[("Blinken Lavrov meet", 0.62), ("amid Ukraine invasion fears", 0.91)])
    assert sorted(q.score for q in store.quotes(doc.id)) == [0.55, 0.95]
    assert sorted(c.score for c in store.claims(doc.id)) == [0.62, 0.91]
    queue = review.review_queue(store)
    assert queue.counts()["least-sure"] == 1  # 0.95 is sure (>= review.SURE)
    (item,) = queue.items("least-sure")
    assert item.score == 0.55 and item.key[0] == "quote" and "55% likely right" in item.why
    claims = queue.items("check-worthy")
    assert [it.score for it in review.ordered(claims, "score")] == [0.91, 0.62]  # most check-worthy first
    assert [it.score for it in review.ordered(claims, "uncertainty", threshold=0.6)] == [0.62, 0.91]
    assert [it.score for it in review.ordered(claims, "uncertainty", threshold=0.95)] == [0.91, 0.62]
    everything = review.ordered(queue.items(), "score")
    assert everything[0].score is not None and everything[-1].score is None  # unscored items last


def test_an_editor_decision_takes_the_suggestion_out_of_the_queue_and_a_rerun_keeps_it(store):
    doc = store.document_by_ext_id(HILL)
    _suggest(store, doc, claims=[("Blinken Lavrov meet", 0.62), ("amid Ukraine invasion fears", 0.91)])
    queue = review.review_queue(store)
    low = next(it for it in queue.items("check-worthy") if it.score == 0.62)
    seen = []
    store.subscribe(seen.append)
    E.apply(store, E.SetStatus("claims", (low.key[1],), "rejected"))
    event = seen[-1]
    queue.refresh(store, review.kinds_affected(event), event.doc_ids, review.changed_rows(event))
    assert [it.score for it in queue.items("check-worthy")] == [0.91]
    _suggest(store, doc, claims=[("Blinken Lavrov meet", 0.7), ("amid Ukraine invasion fears", 0.8)])
    claims = store.claims(doc.id)
    assert sorted((c.prov.status, c.score) for c in claims) == [("rejected", 0.62), ("suggested", 0.8)]


def test_a_bad_score_is_one_line_naming_the_field(store):
    doc = store.document_by_ext_id(HILL)
    with pytest.raises(E.EditError, match=r"claims\[0\]\.score must be a number between 0 and 1"):
        _suggest(store, doc, claims=[("Blinken Lavrov meet", 1.5)])
    with pytest.raises(ValueError, match="unknown order"):
        review.ordered([], "loudest")
