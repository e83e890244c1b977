"""The queries the views show: project search, the entity across the story, what an article holds."""

from __future__ import annotations

from desktop.app import gestures as G
from desktop.app import queries as Q
from desktop.core import edits as E
from tests.app.conftest import span


def test_search_hits_name_the_article_and_find_the_word(session, hill):
    hits = Q.search_hits(session.store, "Lavrov")
    assert hill.id in [h.doc_id for h in hits]
    hit = next(h for h in hits if h.doc_id == hill.id)
    assert hit.title == hill.title and "\n" not in hit.snippet and hit.query == "Lavrov"
    start, end = Q.word_offsets(hill.text, "lavrov geneva")
    assert hill.text[start:end] == "Lavrov"
    assert Q.word_offsets(hill.text, "zzzz") is None and Q.search_hits(session.store, "  ") == []


def test_entity_story_reads_then_patches_the_changed_article(session, hill):
    lavrov = G.label_selection(session.store, hill.id, span(hill.text, "Lavrov", 1), None, "PERSON").apply(session)
    entity = session.store.mention(lavrov.first("mentions")).entity_id
    story = Q.EntityStory()
    assert story.read(session.store, entity)
    assert story.title() == "Lavrov — 0 quotes in 1 article"
    assert [r.target for r in story.rows()] == [(hill.id, ("mention", lavrov.first("mentions")))]
    quote = G.new_quote(hill.text, hill.id, span(hill.text, "We dont expect")).apply(session).first("quotes")
    session.do(E.EditQuote(quote, {"speaker_entity_id": entity}))
    assert story.update(session.store, [hill.id])
    rows = story.rows()
    assert rows[0].target == (hill.id, ("quote", quote)) and rows[0].text.startswith("“We dont expect”")
    text, target = rows[1]  # rows unpack as (text, (doc_id, key)), as the dock lists them
    assert text.endswith("1 mention") and story.title() == "Lavrov — 1 quote in 1 article"
    assert not story.read(session.store, 10_000) and story.rows() == []


def test_what_an_article_holds_and_where_an_entity_is_first_mentioned(session, hill):
    assert Q.document_holdings(session.store, hill.id) == "3 entity mentions"
    m = G.label_selection(session.store, hill.id, span(hill.text, "Lavrov", 1), None, "PERSON").apply(session)
    entity = session.store.mention(m.first("mentions")).entity_id
    assert Q.first_mention(session.store, entity) == (hill.id, ("mention", m.first("mentions")))
    assert (entity, "Lavrov (PERSON)") in Q.listed_entities(session.store)
