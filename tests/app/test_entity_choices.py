"""Issue 13 item 4: what the entity picker offers, and "new entity from the selection"."""

from __future__ import annotations

from desktop.app import gestures as G
from desktop.app import queries as Q
from desktop.core import edits as E
from tests.app.conftest import dump, span


def _entity(session, doc, name: str, type_: str, needle: str, nth: int = 0, aliases: tuple[str, ...] = ()) -> int:
    """An entity with one accepted mention of ``needle``."""
    entity = E.created_ids(session.do(E.AddEntity(name, type_, aliases)), "entities")[0]
    session.do(E.AddMention(doc.id, *span(doc.text, needle, nth), type_, entity_id=entity))
    return entity


def test_people_and_organisations_first_then_by_name_and_only_live_entities(session, hill):
    russia = _entity(session, hill, "Russia", "GPE", "Russia")
    nato = _entity(session, hill, "NATO", "ORG", "NATO")
    ap = _entity(session, hill, "associated press", "ORG", "The Associated Press")
    lavrov = _entity(session, hill, "Sergey Lavrov", "PERSON", "Lavrov", 1, aliases=("Lavrov", "Лавров"))
    biden = _entity(session, hill, "Joe Biden", "PERSON", "President Biden")
    empty = E.created_ids(session.do(E.AddEntity("Nobody Mentioned", "PERSON")), "entities")[0]
    gone = _entity(session, hill, "Minister Lavrov", "PERSON", "Lavrov", 2)
    session.do(E.MergeEntities(lavrov, (gone,)))
    rejected = _entity(session, hill, "Ukraine", "GPE", "Ukraine")
    mention = next(m.id for m in session.store.mentions(hill.id) if m.entity_id == rejected)
    session.do(E.SetStatus("mentions", (mention,), "rejected"))

    choices = Q.entity_choices(session.store)
    ids = [c.id for c in choices]
    assert ids == [biden, lavrov, ap, nato, russia]  # PERSON, ORG (by name, any case), the rest
    assert empty not in ids and gone not in ids and rejected not in ids
    assert Q.listed_entities(session.store) == [(c.id, c.text) for c in choices]
    found = choices[1]
    assert found.text == "Sergey Lavrov (PERSON)"
    assert found.matches("lav") and found.matches("LAVROV") and found.matches("лав") and found.matches("minister")
    assert not found.matches("biden")
    assert [c.id for c in choices if c.matches("lav")][0] == lavrov
    assert Q.choice_order("PERSON", "b", 9) < Q.choice_order("ORG", "a", 1) < Q.choice_order("GPE", "a", 1)


def test_new_entity_from_the_selection_asks_its_type_then_is_the_speaker_in_one_step(session, hill):
    quote = G.new_quote(hill.text, hill.id, span(hill.text, "We dont expect")).apply(session).first("quotes")
    selection = span(hill.text, "Blinken", 1)  # "Blinken told Lavrov": no mention there yet
    before = dump(session.store)
    asked = G.new_speaker_entity(session.store, hill.id, quote, selection)
    assert not asked and asked.ask == "Blinken" and asked.choices[:2] == ("PERSON", "ORG")
    assert set(asked.choices) == {lab.name for lab in session.store.labels("entity")}
    applied = G.new_speaker_entity(session.store, hill.id, quote, selection, "PERSON").apply(session)
    entity = applied.first("entities")
    assert session.store.entity(entity).name == "Blinken" and session.store.entity(entity).type == "PERSON"
    q = session.store.quote(quote)
    assert q.speaker_entity_id == entity and (q.speaker.start, q.speaker.end) == selection
    mention = next(m for m in session.store.mentions(hill.id) if (m.start, m.end) == selection)
    assert mention.entity_id == entity and mention.label == "PERSON"
    assert entity in [c.id for c in Q.entity_choices(session.store)]  # the picker lists it
    session.undo()
    assert dump(session.store) == before


def test_new_entity_over_an_existing_mention_links_it_instead_of_doubling_it(session, hill):
    quote = G.new_quote(hill.text, hill.id, span(hill.text, "We dont expect")).apply(session).first("quotes")
    selection = span(hill.text, "Sergey Lavrov")  # the model's (wrong) ORG suggestion
    count = len(session.store.mentions(hill.id))
    applied = G.new_speaker_entity(session.store, hill.id, quote, selection, "PERSON").apply(session)
    entity = applied.first("entities")
    assert len(session.store.mentions(hill.id)) == count
    at = [m for m in session.store.mentions(hill.id) if (m.start, m.end) == selection]
    assert [(m.entity_id, m.label) for m in at] == [(entity, "PERSON")]
    assert session.store.quote(quote).speaker_entity_id == entity


def test_new_entity_needs_a_quote_and_a_selection(session, hill):
    assert "quote" in G.new_speaker_entity(session.store, hill.id, None, (0, 5)).message
    quote = G.new_quote(hill.text, hill.id, span(hill.text, "We dont expect")).apply(session).first("quotes")
    assert "Select" in G.new_speaker_entity(session.store, hill.id, quote, None).message
    assert "Select" in G.new_speaker_entity(session.store, hill.id, quote, (5, 5)).message
    assert Q.speaker_types(session.store)[:2] == ("PERSON", "ORG")


def test_link_a_mention_to_the_chosen_entity(session, hill):
    lavrov = _entity(session, hill, "Sergey Lavrov", "PERSON", "Lavrov", 1)
    wrong = next(m for m in session.store.mentions(hill.id) if m.label == "ORG")  # the model's Sergey Lavrov
    before = dump(session.store)
    gesture = G.link_to_entity(session.store, ("mention", wrong.id), lavrov)
    assert gesture.select == ("mention", wrong.id)
    gesture.apply(session)
    m = session.store.mention(wrong.id)
    assert (m.entity_id, m.label) == (lavrov, "PERSON")
    assert not G.link_to_entity(session.store, ("mention", wrong.id), lavrov)  # already linked
    assert not G.link_to_entity(session.store, ("mention", wrong.id), None)  # cancelled
    assert "mention" in G.link_to_entity(session.store, ("quote", 1), lavrov).message
    session.undo()
    assert dump(session.store) == before


def test_the_picker_ranks_whole_names_and_words_before_parts():
    from desktop.app.queries import match_rank

    def rank(name, *aliases):
        return match_rank(" | ".join((name, *aliases)), "russ")

    assert rank("Russ") == 0 and rank("Jane Russ") == 1 and rank("Russia") == 2
    assert rank("Disrupt Russia") == 2 and rank("Liz Truss") == 3 and rank("Lavrov") == 4
    assert match_rank("Russia | Russian Federation", "russia") == 0 and match_rank("Sergey Lavrov", "") == 0
    assert match_rank("Sergey Lavrov | Foreign Minister", "minister") == 1
