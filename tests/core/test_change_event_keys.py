"""Change events name the rows a transaction wrote (``ChangeEvent.keys``) and the entities whose
mentions it changed (``linked``), so views can patch those rows; rows not named are unknown."""

from __future__ import annotations

from desktop.core import edits as E
from desktop.core.store import ChangeEvent, Store


def _events(store: Store) -> list[ChangeEvent]:
    seen: list[ChangeEvent] = []
    store.subscribe(seen.append)
    return seen


def test_an_edit_names_its_rows_and_the_entities_it_links(tmp_path):
    with Store.create(tmp_path / "p.claimdesk") as store:
        doc = E.created_ids(E.apply(store, E.AddDocument("d1", "Blinken met Lavrov in Geneva.")), "documents")[0]
        events = _events(store)
        inverse = E.apply(store, E.AddMention(doc, 0, 7, "PERSON"))
        mention = E.created_ids(inverse, "mentions")[0]
        entity = store.mention(mention).entity_id
        event = events[-1]
        assert event.rows("mentions") == {mention}
        assert ("mentions", mention) in event.keys and ("documents", doc) in event.keys  # new -> in progress
        assert event.rows("quotes") == frozenset()
        assert event.linked_rows("entities") == {entity}
        assert event.rows("history") is None  # written without naming its rows

        other = E.created_ids(E.apply(store, E.AddEntity("Antony Blinken", "PERSON")), "entities")[0]
        E.apply(store, E.LinkMention(mention, other))
        assert events[-1].linked_rows("entities") >= {entity, other}  # the old entity's count changed too

        deleted = E.apply(store, E.DeleteMention(mention))
        assert events[-1].rows("mentions") == {mention}
        assert other in events[-1].linked_rows("entities")

        E.apply(store, deleted)  # undoing names the same rows
        assert events[-1].rows("mentions") == {mention}
        assert other in events[-1].linked_rows("entities")


def test_rows_are_unknown_without_keys():
    event = ChangeEvent(frozenset({"mentions"}), frozenset(), "refresh")
    assert event.rows("mentions") is None and event.linked_rows("entities") is None
