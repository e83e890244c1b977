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


def _story_by_scanning(store, entity_id):
    """The story as scanning the project's every mention and quote gives it (what it was read by)."""
    per_doc: dict[int, list] = {}
    for m in store.mentions(include_rejected=False):
        if m.entity_id == entity_id:
            per_doc.setdefault(m.doc_id, []).append(m.id)
    quotes = [q.id for q in store.quotes(include_rejected=False) if q.speaker_entity_id == entity_id]
    return quotes, {d: (ids[0], len(ids)) for d, ids in per_doc.items()}


def test_entity_story_reads_only_the_entitys_rows_across_articles(session, hill, monkeypatch):
    """In a 10,000-article project F8 and a click on a mention read the story: it reads the
    entity's own rows (its quotes, its first mention and count per article) by SQL, not every
    mention and quote of the project, and says the same as scanning them did."""
    store = session.store
    other = next(d for d in store.documents() if d.id != hill.id and "Lavrov" in d.text)
    later = G.label_selection(store, hill.id, span(hill.text, "Lavrov", 1), None, "PERSON").apply(session)
    entity = store.mention(later.first("mentions")).entity_id
    earlier = session.do(E.AddMention(hill.id, *span(hill.text, "Lavrov"), "PERSON", entity))
    session.do(E.AddMention(other.id, *span(other.text, "Lavrov"), "PERSON", entity))
    quote = G.new_quote(hill.text, hill.id, span(hill.text, "We dont expect")).apply(session).first("quotes")
    session.do(E.EditQuote(quote, {"speaker_entity_id": entity}))
    quotes, mentions = _story_by_scanning(store, entity)
    assert mentions[hill.id] == (earlier.first("mentions"), 2) and quotes == [quote]

    def whole_project(read):
        def guarded(doc_id=None, **kw):
            assert doc_id is not None, "the story read every row of the project"
            return read(doc_id, **kw)
        return guarded

    monkeypatch.setattr(store, "mentions", whole_project(store.mentions))
    monkeypatch.setattr(store, "quotes", whole_project(store.quotes))
    story = Q.EntityStory()
    assert story.read(store, entity)
    rows = story.rows()
    assert [r.target for r in rows] == [(hill.id, ("quote", quote))] + [
        (d, ("mention", first)) for d, (first, _) in sorted(mentions.items())]
    assert rows[1].text.endswith(": 2 mentions") and rows[2].text.endswith(": 1 mention")
    assert story.title() == "Lavrov — 1 quote in 2 articles"
    assert Q.first_mention(store, entity) == (min(mentions), ("mention", mentions[min(mentions)][0]))
    # a rejected mention leaves the story; the changed article alone is read again
    session.do(E.SetStatus("mentions", (earlier.first("mentions"),), "rejected"))
    assert story.update(store, [hill.id])
    assert story.rows()[1].text.endswith(": 1 mention")
    assert story.rows()[1].target == (hill.id, ("mention", later.first("mentions")))
    monkeypatch.undo()
    assert _story_by_scanning(store, entity)[1][hill.id] == (later.first("mentions"), 1)


def test_what_an_article_holds_and_where_an_entity_is_first_mentioned(session, hill):
    assert Q.document_holdings(session.store, hill.id) == "3 entity mentions"
    m = G.label_selection(session.store, hill.id, span(hill.text, "Lavrov", 1), None, "PERSON").apply(session)
    entity = session.store.mention(m.first("mentions")).entity_id
    assert Q.first_mention(session.store, entity) == (hill.id, ("mention", m.first("mentions")))
    assert (entity, "Lavrov (PERSON)") in Q.listed_entities(session.store)
