"""The review queue (desktop/app/review.py): each kind, the counts, what it leaves out."""

from __future__ import annotations

import pytest

from desktop.app import review
from desktop.core import edits as E
from desktop.core.store import Store
from tests.conftest import seeded_project

from .conftest import span


@pytest.fixture
def store(tmp_path):
    with Store.open(seeded_project(tmp_path / "story.claimdesk")) as s:
        yield s


def docs(store):
    return store.documents()  # the seeds, in id order: the first is the one with three suggestions


def mention(store, doc, needle, label, nth=0):
    start, end = span(doc.text, needle, nth)
    return E.apply(store, E.AddMention(doc.id, start, end, label)) and next(
        m for m in store.mentions(doc.id) if (m.start, m.end) == (start, end) and m.prov.status != "rejected")


def kinds(store, kind=None):
    queue = review.review_queue(store)
    return queue, [(it.doc_id, it.key, it.why) for it in review.with_texts(store, queue.items(kind))]


def test_quote_speakers_that_are_not_people_or_organisations_and_quotes_without_one(store):
    doc = docs(store)[1]
    blinken = mention(store, doc, "Antony Blinken", "PERSON")
    geneva = mention(store, doc, "Geneva", "GPE")
    content = span(doc.text, "a weekslong standoff over Ukraine")
    E.apply(store, E.AddQuote(doc.id, (content,), speaker=(blinken.start, blinken.end), origin="import"))
    E.apply(store, E.AddQuote(doc.id, (span(doc.text, "lowered expectations"),), speaker=(geneva.start, geneva.end),
                              origin="import"))
    E.apply(store, E.AddQuote(doc.id, (span(doc.text, "the talks were only one step"),), origin="import"))
    quotes = {q.content[0].start: q for q in store.quotes(doc.id)}
    by_geneva, without = quotes[span(doc.text, "lowered expectations")[0]], quotes[span(doc.text, "the talks")[0]]

    queue, items = kinds(store, "speaker-not-person-org")
    assert items == [(doc.id, ("speaker", by_geneva.id), "speaker is the GPE entity “Geneva”")]
    assert review.with_texts(store, queue.items("speaker-not-person-org"))[0].text == "Geneva"
    _, items = kinds(store, "quote-no-speaker")
    assert items == [(doc.id, ("quote", without.id), "the quote has no speaker")]

    # a speaker that is no entity at all is listed too; a rejected quote is not
    E.apply(store, E.EditQuote(by_geneva.id, {"speaker": span(doc.text, "Russian Foreign Minister")}))
    _, items = kinds(store, "speaker-not-person-org")
    assert items == [(doc.id, ("speaker", by_geneva.id), "speaker is linked to no entity")]
    for q in (by_geneva, without):
        E.apply(store, E.SetStatus("quotes", (q.id,), "rejected"))
    queue, _ = kinds(store)
    assert queue.counts()["speaker-not-person-org"] == queue.counts()["quote-no-speaker"] == 0


def test_unlinked_mentions_leave_the_queue_when_linked_or_rejected(store):
    hill = docs(store)[0]
    suggestions = sorted(store.mentions(hill.id), key=lambda m: m.start)  # Blinken, Lavrov (ORG), Geneva
    queue, items = kinds(store, "mention-unlinked")
    assert [key for _, key, _ in items] == [("mention", m.id) for m in suggestions]
    assert items[0][2] == "PERSON suggestion linked to no entity"
    E.apply(store, E.SetStatus("mentions", (suggestions[0].id,), "accepted"))  # accepting links it
    E.apply(store, E.SetStatus("mentions", (suggestions[1].id,), "rejected"))
    queue, items = kinds(store, "mention-unlinked")
    assert [key for _, key, _ in items] == [("mention", suggestions[2].id)]
    assert queue.counts()["mention-unlinked"] == 1


def test_the_same_surface_labelled_differently_in_other_articles(store):
    a, b, c = docs(store)[1:4]
    person_a = mention(store, a, "Lavrov", "PERSON")
    in_b = mention(store, b, "Lavrov", "PERSON")
    odd = mention(store, c, "Lavrov", "ORG")
    queue, items = kinds(store, "label-conflict")
    assert items == [(c.id, ("mention", odd.id), "ORG here, mostly PERSON elsewhere")]
    assert review.with_texts(store, queue.items("label-conflict"))[0].text == "Lavrov"

    # within one article only, it is no conflict; rejected mentions do not count
    for m in (odd, in_b):
        E.apply(store, E.DeleteMention(m.id))
    mention(store, a, "Lavrov", "ORG", nth=1)
    assert kinds(store, "label-conflict")[1] == []
    hill = docs(store)[0]
    lavrov = next(m for m in store.mentions(hill.id) if m.label == "ORG")  # the model's "Sergey Lavrov" ORG
    E.apply(store, E.ResizeMention(lavrov.id, *span(hill.text, "Lavrov")))  # ORG twice now, PERSON once
    assert kinds(store, "label-conflict")[1] == [(a.id, ("mention", person_a.id), "PERSON here, mostly ORG elsewhere")]
    E.apply(store, E.SetStatus("mentions", (lavrov.id,), "rejected"))
    assert kinds(store, "label-conflict")[1] == []


def test_entities_with_one_mention_and_merged_entities(store):
    a, b = docs(store)[1:3]
    one = mention(store, a, "Kremlin", "ORG")
    two = mention(store, b, "Washington", "GPE")
    mention(store, a, "Moscow", "GPE")
    mention(store, b, "Moscow", "GPE")
    queue, items = kinds(store, "single-mention")
    assert items == [(a.id, ("mention", one.id), "the ORG entity “Kremlin” is mentioned once in the project"),
                     (b.id, ("mention", two.id), "the GPE entity “Washington” is mentioned once in the project")]
    # merged into an entity with more mentions, neither is listed any more (the merged-away one is gone)
    moscow = store.mention(next(m.id for m in store.mentions(a.id) if a.text[m.start:m.end] == "Moscow")).entity_id
    E.apply(store, E.MergeEntities(moscow, (store.mention(two.id).entity_id,)))
    assert [key for _, key, _ in kinds(store, "single-mention")[1]] == [("mention", one.id)]
    E.apply(store, E.SetStatus("mentions", (one.id,), "rejected"))
    assert kinds(store, "single-mention")[1] == []


def test_counts_per_kind_and_a_refresh_of_a_few_articles_equals_a_fresh_read(store):
    a, b, c = docs(store)[1:4]
    queue = review.review_queue(store)
    assert queue.counts() == {"speaker-not-person-org": 0, "quote-no-speaker": 0, "mention-unlinked": 3,
                              "label-conflict": 0, "single-mention": 0, "least-sure": 0, "check-worthy": 0}
    mention(store, a, "Lavrov", "PERSON")
    mention(store, b, "Lavrov", "PERSON")
    mention(store, c, "Lavrov", "ORG")
    queue.refresh(store, ["label-conflict", "single-mention"], doc_ids=[a.id, b.id, c.id])
    fresh = review.review_queue(store)
    assert queue.by_kind == fresh.by_kind
    assert queue.counts() == {"speaker-not-person-org": 0, "quote-no-speaker": 0, "mention-unlinked": 3,
                              "label-conflict": 1, "single-mention": 1, "least-sure": 0, "check-worthy": 0}
    mention(store, c, "Lavrov", "PERSON", nth=1)  # c: one of each now, the ORG still the odd one
    mention(store, c, "Lavrov", "ORG", nth=2)
    mention(store, c, "Lavrov", "ORG", nth=3)  # ORG is the most common label now: the PERSONs are odd
    queue.refresh(store, ["label-conflict"], doc_ids=[c.id])
    assert queue.by_kind["label-conflict"] == review.review_queue(store).by_kind["label-conflict"]
    assert {it.doc_id for it in queue.items("label-conflict")} == {a.id, b.id, c.id}


def test_step_walks_the_items_across_articles_and_wraps(store):
    a, b = docs(store)[1:3]
    first = mention(store, a, "Kremlin", "ORG")
    second = mention(store, b, "Washington", "GPE")
    queue = review.review_queue(store, ["single-mention", "mention-unlinked"])
    hill = docs(store)[0]
    lists = list(queue.by_kind.values())
    last_hill = max(queue.items("mention-unlinked"), key=lambda it: it.start)
    assert review.step(lists, (hill.id, last_hill.start, last_hill.key), 1).key == ("mention", first.id)
    assert review.step(lists, (a.id, first.start, ("mention", first.id)), 1).key == ("mention", second.id)
    assert review.step(lists, (b.id, second.start, ("mention", second.id)), 1).doc_id == hill.id  # wraps
    assert review.step(lists, (b.id, 0, None), -1).key == ("mention", first.id)
    assert review.step([[], []], (a.id, 0, None), 1) is None


def test_refreshing_only_what_each_change_wrote_gives_the_queue_a_fresh_read_gives(store):
    """The window's path: each change event names its rows; the queue re-reads only those (and the
    kinds its tables can change) and must end equal to a fresh read after every step."""
    a, b, c = docs(store)[1:4]
    queue = review.review_queue(store)
    events = []
    store.subscribe(events.append)

    def check():
        for event in events:
            queue.refresh(store, review.kinds_affected(event), event.doc_ids or None, review.changed_rows(event))
        events.clear()
        assert queue.by_kind == review.review_queue(store).by_kind

    lav_a = mention(store, a, "Lavrov", "PERSON")
    check()
    mention(store, b, "Lavrov", "PERSON")
    lav_c = mention(store, c, "Lavrov", "ORG")
    geneva = mention(store, a, "Geneva", "GPE")
    check()
    E.apply(store, E.AddQuote(a.id, (span(a.text, "lowered expectations"),), speaker=(geneva.start, geneva.end),
                              origin="import"))
    E.apply(store, E.AddQuote(a.id, (span(a.text, "the talks were only one step"),), origin="import"))
    check()
    E.apply(store, E.RelabelMention(geneva.id, "PERSON"))  # the speaker becomes a PERSON entity
    check()
    E.apply(store, E.RelabelMention(lav_c.id, "PERSON"))
    check()
    E.apply(store, E.MergeEntities(store.mention(lav_a.id).entity_id, (store.mention(geneva.id).entity_id,)))
    check()
    E.apply(store, E.SetStatus("mentions", (lav_a.id,), "rejected"))
    quote = next(q for q in store.quotes(a.id) if q.speaker is None)
    E.apply(store, E.EditQuote(quote.id, {"speaker": span(a.text, "Russian Foreign Minister")}))
    check()
    hill = docs(store)[0]
    E.apply(store, E.SetStatus("mentions", tuple(m.id for m in store.mentions(hill.id)), "accepted"))
    check()
    kremlin = mention(store, b, "Kremlin", "ORG")  # mentioned once: its name is in the reason
    E.apply(store, E.RenameEntity(store.mention(kremlin.id).entity_id, "The Kremlin"))
    check()
    assert "“The Kremlin”" in next(it.why for it in queue.items("single-mention") if it.key == ("mention", kremlin.id))


def test_a_quote_an_editor_decided_leaves_the_queue(tmp_path):
    # under a real window, setting a quote's speaker to the GPE "Russia" left it in the queue for ever
    store = Store.create(tmp_path / "p.claimdesk")
    doc = store.document(E.created_ids(E.apply(store, E.AddDocument("d", "Russia denied it. It said the talks were useless.")),
                                       "documents")[0])
    russia = E.created_ids(E.apply(store, E.AddEntity("Russia", "GPE")), "entities")[0]
    s = doc.text.index("It said")
    E.apply(store, E.ReplaceSuggestions(doc.id, "m", (), ({"content": [{"start": s + 8, "end": len(doc.text) - 1}],
                                                          "speaker": {"start": s, "end": s + 2}, "cue": None,
                                                          "type": "indirect"},)))
    (quote,) = store.quotes(doc.id)
    assert [i.key for i in review.review_queue(store).items()] == [("speaker", quote.id)]
    E.apply(store, E.EditQuote(quote.id, {"speaker_entity_id": russia}))  # the editor's choice
    assert store.quote(quote.id).prov.status == "accepted"
    assert [i.key for i in review.review_queue(store).items() if i.kind.startswith(("speaker", "quote"))] == []
    store.close()
