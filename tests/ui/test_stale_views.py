"""Views that must never show stale state, and gestures that must be one step on their own rows
(issue 11, wrongs 5 and 6).

Every view here is checked after the change that used to leave it behind: a document switch, a
merge, a rejection, a project-search hit in a sorted and filtered list.  The window's own rows are
checked against a second connection writing in between (a pre-annotation worker), and split-mention
against one Ctrl+Z.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.app import queries as Q
from desktop.core import edits as E
from desktop.core.store import Store
from desktop.ui.entity_picker import NEW_ENTITY, NEW_ENTITY_TEXT, NO_SPEAKER
from tests.ui.conftest import HILL
from tests.ui.test_main_window import click_span, key, mention_at, offsets, redo, undo

pytestmark = pytest.mark.gui

GENEVA = "001_b662277d12457799"
NASTOYASHEE = "004_7f7ac94bf29114df"


def _entity(window, name: str, needle: str, nth: int = 0, type_: str = "PERSON") -> int:
    """A canonical entity with one accepted mention (of ``needle`` in the shown article)."""
    store = window.store
    entity = E.created_ids(E.apply(store, E.AddEntity(name, type_)), "entities")[0]
    s, e = offsets(window, needle, nth)
    m = mention_at(window, s, e)
    if m is None:
        E.apply(store, E.AddMention(window.doc_id, s, e, type_, entity_id=entity))
    else:
        E.apply(store, E.LinkMention(m.id, entity))
    return entity


def _select_entity_row(window, entity_id: int) -> None:
    window.entities_dock.raise_()
    table = window.entities_panel.table
    model = table.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data(Qt.ItemDataRole.UserRole + 2) == entity_id)
    table.setCurrentIndex(model.index(row, 0))


def _picker_entities(window) -> set:
    combo = window.quotes_panel.entity
    return {combo.itemData(i) for i in range(combo.count())} - {None}


def _highlighted_docs(window) -> set[int]:
    """The article ids the articles list shows selected (through its sorting/filter proxy)."""
    rows = window.doc_table.selectionModel().selectedRows()
    return {window.doc_model.row_id(window.doc_proxy.mapToSource(ix).row()) for ix in rows}


# Wrong 5: stale views -------------------------------------------------------------------------------------------


def test_switching_articles_resets_the_quote_form(qtbot, window):
    store = window.store
    lavrov = _entity(window, "Sergey Lavrov", "Sergey Lavrov")
    s, e = offsets(window, "What we expect is concrete answers to our concrete proposals")
    quote = E.created_ids(E.apply(store, E.AddQuote(window.doc_id, ((s, e),), type="direct",
                                                    speaker_entity_id=lavrov)), "quotes")[0]
    window.select_key(("quote", quote))
    panel = window.quotes_panel
    assert panel.entity.currentData() == lavrov and panel.type.currentText() == "direct"

    window.show_document(store.document_by_ext_id(GENEVA).id)  # an article without that quote
    assert panel.quote_id() is None and not panel.entity.isEnabled()
    assert panel.entity.currentData() is None  # not the previous article's speaker
    assert panel.entity.currentIndex() == 0 and panel.type.currentText() == ""


def test_selecting_a_mention_after_a_quote_leaves_no_quote_form_behind(qtbot, window):
    # under a real window, F8 from a quote to a mention kept the quote selected in the Quotes dock
    # with its form enabled: a speaker chosen there changed the quote the editor had left
    store = window.store
    s, e = offsets(window, "What we expect is concrete answers to our concrete proposals")
    quote = E.created_ids(E.apply(store, E.AddQuote(window.doc_id, ((s, e),), type="direct")), "quotes")[0]
    click_span(qtbot, window, ("quote", quote))
    panel = window.quotes_panel
    assert panel.quote_id() == quote and panel.entity.isEnabled()
    mention = next(m for m in store.mentions(window.doc_id) if m.prov.status != "rejected" and (m.end <= s or m.start >= e))
    click_span(qtbot, window, ("mention", mention.id))
    assert window.view.selected_key() == ("mention", mention.id)
    assert panel.quote_id() is None and not panel.entity.isEnabled()
    assert not panel.table.selectionModel().hasSelection()
    click_span(qtbot, window, ("quote", quote))  # and back
    assert panel.quote_id() == quote and panel.entity.isEnabled()


def test_a_merge_updates_the_story_and_the_speaker_picker(qtbot, window):
    store = window.store
    kept = _entity(window, "Sergey Lavrov", "Sergey Lavrov")
    gone = _entity(window, "Lavrov the minister", "Lavrov", 0)  # "Blinken told Lavrov"
    s, e = offsets(window, "What we expect is concrete answers to our concrete proposals")
    E.apply(store, E.AddQuote(window.doc_id, ((s, e),), type="direct", speaker_entity_id=gone))
    title = window.entities_panel.story_title
    story = window.entities_panel.story

    def names_gone() -> bool:
        return title.text().startswith("Across the story: Lavrov the minister ") or gone in _picker_entities(window)

    _select_entity_row(window, gone)
    assert names_gone()  # its story is shown, the picker lists it

    window.merge_entities([gone, kept])  # the Merge button: one mention each, the older is kept
    assert gone not in {e.id for e in store.entities()}
    assert not names_gone()
    assert title.text().startswith("Across the story: Sergey Lavrov ")  # the one that remains
    assert any(story.item(i).text().startswith("“What we expect") for i in range(story.count()))  # its quote now

    undo(qtbot, window)
    assert {kept, gone} <= _picker_entities(window)
    _select_entity_row(window, gone)
    assert names_gone()
    window.entity_model.sig_merge_dropped.emit(kept, [gone])  # the same merge by a drag in the dock
    assert not names_gone()


def test_the_speaker_picker_follows_new_merged_and_renamed_entities(qtbot, window):
    """The picker's rows are patched (a new entity inserts one, a merge removes one, a rename
    moves one): after each, it lists exactly the live entities and keeps the quote's speaker."""
    store = window.store
    combo = window.quotes_panel.entity

    def shown() -> list:
        return [(combo.itemData(i), combo.itemText(i)) for i in range(combo.count())]

    def listed() -> list:
        return [(None, NO_SPEAKER), (NEW_ENTITY, NEW_ENTITY_TEXT)] + Q.listed_entities(store)

    lavrov = _entity(window, "Sergey Lavrov", "Sergey Lavrov")
    s, e = offsets(window, "What we expect is concrete answers to our concrete proposals")
    quote = E.created_ids(E.apply(store, E.AddQuote(window.doc_id, ((s, e),), type="direct",
                                                    speaker_entity_id=lavrov)), "quotes")[0]
    window.select_key(("quote", quote))
    assert shown() == listed() and combo.currentData() == lavrov
    announced: list[str] = []
    model = combo.model()
    model.rowsInserted.connect(lambda _p, a, b: announced.append(f"+{b - a + 1}"))
    model.rowsRemoved.connect(lambda _p, a, b: announced.append(f"-{b - a + 1}"))
    model.modelReset.connect(lambda: announced.append("reset"))
    window.view.set_selection(*offsets(window, "Blinken", 0))
    key(qtbot, window, Qt.Key.Key_1)  # a new entity, listed before "Sergey Lavrov"
    assert shown() == listed() and combo.currentData() == lavrov
    assert announced == ["+1"]  # one row, not the whole list again
    blinken = mention_at(window, *offsets(window, "Blinken", 0)).entity_id
    assert blinken in _picker_entities(window)
    window.select_key(("quote", quote))
    window.merge_entities([blinken, lavrov])  # one goes
    assert shown() == listed() and len({combo.itemData(i) for i in range(combo.count())}) == combo.count()
    kept = store.quote(quote).speaker_entity_id
    assert combo.currentData() == kept
    window.do(E.RenameEntity(kept, "Aaron Example"))  # moves to the top
    assert shown() == listed() and combo.currentData() == kept
    for _ in range(3):
        undo(qtbot, window)
        assert shown() == listed()
    assert combo.currentData() == lavrov
    window.claims_dock.raise_()  # clicking the claimant field: its completer offers the same entities
    field = window.claims_panel.claimant
    field.setEnabled(True)
    field.setFocus()
    qtbot.waitUntil(lambda: field.completer() is not None)
    assert window.claims_panel.claimant_names() == [c.name for c in Q.entity_choices(store)]


def test_the_story_follows_mention_edits_in_any_article(qtbot, window):
    store = window.store
    lavrov = _entity(window, "Sergey Lavrov", "Sergey Lavrov")
    _select_entity_row(window, lavrov)
    story = window.entities_panel.story

    def rows() -> list[str]:
        return [story.item(i).text() for i in range(story.count())]

    assert rows() == ["thehill.com: 1 mention"]
    second = E.created_ids(E.apply(store, E.AddMention(window.doc_id, *offsets(window, "Lavrov", 0), "PERSON",
                                                       entity_id=lavrov)), "mentions")[0]
    assert rows() == ["thehill.com: 2 mentions"]
    geneva = store.document_by_ext_id(GENEVA)
    s = geneva.text.index("Lavrov")
    E.apply(store, E.AddMention(geneva.id, s, s + 6, "PERSON", entity_id=lavrov))  # in another article
    assert sorted(rows()) == ["AP: 1 mention", "thehill.com: 2 mentions"]
    assert window.entities_panel.story_title.text().endswith("in 2 articles")
    window.do(E.DeleteMention(second))
    assert sorted(rows()) == ["AP: 1 mention", "thehill.com: 1 mention"]


def test_the_entities_dock_leaves_rejected_mentions_out_of_its_counts(qtbot, window):
    store = window.store
    m = mention_at(window, *offsets(window, "Antony Blinken"))
    assert m.prov.status == "suggested"
    blinken = _entity(window, "Antony Blinken", "Blinken", 1)  # "Blinken told Lavrov": an accepted mention
    E.apply(store, E.ChangeSet((E.RowChange("mentions", m.id, store.row("mentions", m.id),
                                            {**store.row("mentions", m.id), "entity_id": blinken}),)))
    assert store.mention(m.id).prov.status == "suggested"  # linked, still a suggestion

    def shown_count() -> int:
        model = window.entity_model
        return model.row_dict(model.row_of(blinken))["mentions"]

    assert shown_count() == 2
    click_span(qtbot, window, ("mention", m.id))
    key(qtbot, window, Qt.Key.Key_X)  # reject the suggestion
    assert store.mention(m.id).prov.status == "rejected"
    assert shown_count() == 1
    assert store.mention_counts()[blinken] == 1
    assert store.mention_counts(include_rejected=True)[blinken] == 2  # other callers can still ask


def test_a_search_hit_is_the_article_the_list_highlights(qtbot, window):
    window.doc_table.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # by title, Z first: rows are not ids
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(window.search_edit, "Nastoyashee")
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Return)
    window.search_results.itemActivated.emit(window.search_results.item(0))
    shown = window.doc_id
    assert window.store.document(shown).ext_id == NASTOYASHEE
    assert _highlighted_docs(window) == {shown}
    current = window.doc_proxy.mapToSource(window.doc_table.currentIndex())
    assert window.doc_model.row_id(current.row()) == shown

    # A hit in an article the filter hides: the list highlights no other article.
    window.show_document(window.store.document_by_ext_id(HILL).id)
    window.doc_filter.setText("thehill")
    assert window.doc_proxy.rowCount() == 1
    window.search_results.itemActivated.emit(window.search_results.item(0))
    assert window.store.document(window.doc_id).ext_id == NASTOYASHEE
    assert _highlighted_docs(window) <= {window.doc_id}
    # ... and once the filter is cleared, the list highlights it
    window.doc_filter.clear()
    assert _highlighted_docs(window) == {window.doc_id}


# Wrong 6: one undo step, and the window's own rows ---------------------------------------------------------


def _foreign_writer(window, make_edit):
    """Once, right after the window's next commit, another connection (a pre-annotation worker)
    commits ``make_edit(store)``: a row with a higher id than the one the window just created."""
    fired = []

    def after_commit(_event) -> None:
        if fired:
            return
        fired.append(True)
        with Store.open(window.session.path) as other:
            E.apply(other, make_edit(other))

    window.store.subscribe(after_commit)
    return fired


def test_a_new_claim_is_selected_even_if_a_worker_writes_one_at_once(qtbot, window):
    doc = window.doc_id
    far = offsets(window, "Geneva")
    fired = _foreign_writer(window, lambda _s: E.AddClaim(doc, far[0], far[1], origin="model"))
    start, _ = offsets(window, "Russia has been amassing")
    window.view.set_selection(start, start)
    key(qtbot, window, Qt.Key.Key_C)
    assert fired
    mine = next(c for c in window.store.claims(doc) if c.prov.origin == "editor")
    assert window.view.selected_key() == ("claim", mine.id)
    assert window.claims_panel.claim_id() == mine.id


def test_a_new_quote_is_selected_even_if_a_worker_writes_one_at_once(qtbot, window):
    doc = window.doc_id
    far = offsets(window, "Geneva")
    fired = _foreign_writer(window, lambda _s: E.AddQuote(doc, (far,), origin="model"))
    s, e = offsets(window, "What we expect is concrete answers to our concrete proposals")
    window.view.set_selection(s, e)
    key(qtbot, window, Qt.Key.Key_Q)
    assert fired
    mine = next(q for q in window.store.quotes(doc) if q.prov.origin == "editor")
    assert (mine.content[0].start, mine.content[0].end) == (s, e)
    assert window.view.selected_key() == ("quote", mine.id)
    assert window.quotes_panel.quote_id() == mine.id


def test_split_mention_is_one_undo_step_and_links_its_own_entity(qtbot, window):
    store = window.store
    m = mention_at(window, *offsets(window, "Antony Blinken"))
    assert m.entity_id is None
    fired = _foreign_writer(window, lambda _s: E.AddEntity("A worker's entity", "PERSON"))
    click_span(qtbot, window, ("mention", m.id))
    depth = window.session.undo_stack.count()
    window.split_mention()
    assert fired
    entity = store.entity(store.mention(m.id).entity_id)
    assert entity.name == "Antony Blinken" and entity.type == "PERSON"
    assert window.session.undo_stack.count() == depth + 1
    undo(qtbot, window)  # one Ctrl+Z takes back both the entity and the link
    assert store.mention(m.id).entity_id is None
    assert "Antony Blinken" not in {e.name for e in store.entities()}
    redo(qtbot, window)
    assert store.entity(store.mention(m.id).entity_id).name == "Antony Blinken"
