"""Edits patch the views instead of rebuilding them (issue 11: "edits say what changed").

After every gesture, undo, redo, an edit through the store and a worker's refresh, the article
view's spans and the models' rows must equal what a view and models built from scratch show,
and an edit in the article must redo only its own spans (counted, not timed).
"""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from desktop.app import queries as Q
from desktop.core import edits as E
from desktop.core.store import Store
from desktop.ui.article_spans import ArticleSpans
from desktop.ui.article_view import ArticleView
from desktop.ui.entity_picker import NEW_ENTITY, NEW_ENTITY_TEXT, NO_SPEAKER
from desktop.ui.models import ClaimTableModel, DocumentTableModel, EntityTableModel, QuoteTableModel
from tests.ui.test_main_window import click_span, key, mention_at, offsets, redo, undo

pytestmark = pytest.mark.gui


def view_state(view: ArticleView) -> dict:
    """Everything the view draws and hit-tests from, in a comparable form (the tables of the
    window around what is on screen: what a paint or a click there builds first)."""
    painted = view.highlights()
    return {
        "window": view._window,
        "spans": {sp.key: sp for sp in view._spans},
        "by_key": dict(view._by_key),
        "pick": [(s, e, sp.key) for s, e, sp in view._pick],
        "pick_starts": list(view._pick_starts),
        "claims": [sp.key for sp in view._claims],
        "claim_starts": list(view._claim_starts),
        "entries": [(qa, qb, order, k, style_name(style)) for qa, qb, order, k, style in view._entries],
        "entry_starts": list(view._entry_starts),
        "linked_from": {k: sorted(v) for k, v in view._linked_from.items()},
        # what a paint draws now: ranges, keys, colours and underline styles, in paint order
        "painted": painted,
        # and where: the line rectangles of every span (those painted before come from the cache)
        "rects": {k: view.span_rects(k) for k in view._by_key},
    }


def style_name(style) -> tuple:
    name = QColor.NameFormat.HexArgb
    return (style.background.name(name) if style.background is not None else "", style.line,
            style.line_ink.name(name) if style.line_ink is not None else "")


def rows(model) -> list:
    return [model.row_dict(i) for i in range(model.rowCount())]


def assert_fresh(window) -> None:
    """The window's views equal views built from scratch from the project as it is now."""
    store = window.store
    # the article view and the window's own span bookkeeping
    rebuilt = ArticleSpans()
    fresh_spans = rebuilt.rebuild(store, window.doc_id, window.text, window.label_colors)
    assert window.article_spans.shown_entities == rebuilt.shown_entities
    assert {sp.key: sp for sp in window._spans} == {sp.key: sp for sp in fresh_spans}
    fresh = ArticleView()
    fresh.resize(window.view.size())
    fresh.show()  # laid out at the window view's width and font size, so their rectangles compare
    if fresh.font_point_size() != window.view.font_point_size():
        fresh._set_point_size(window.view.font_point_size())
    fresh.set_document(window.text, fresh_spans)
    fresh.verticalScrollBar().setValue(window.view.verticalScrollBar().value())
    fresh.select_span(window.view.selected_key())
    mine, theirs = view_state(window.view), view_state(fresh)
    for part in mine:
        assert mine[part] == theirs[part], part
    fresh.deleteLater()
    # the models, row for row
    docs = DocumentTableModel(store)
    docs.reload()
    assert rows(window.doc_model) == rows(docs)
    entities = EntityTableModel(store)
    entities.reload()
    assert sorted(rows(window.entity_model), key=lambda r: r["id"]) == sorted(rows(entities), key=lambda r: r["id"])
    for layer in (QuoteTableModel, ClaimTableModel):
        model = layer(store)
        model.set_document(window.doc_id, window.text)
        mine_model = window.quote_model if layer is QuoteTableModel else window.claim_model
        assert rows(mine_model) == rows(model)
    # the speaker picker lists the live entities
    assert window.listed_entities.choices == Q.entity_choices(store)  # in the pickers' order
    combo = window.quotes_panel.entity  # and shows them (its model announces rows, never rebuilds)
    assert [(combo.itemData(i), combo.itemText(i)) for i in range(combo.count())] == \
        [(None, NO_SPEAKER), (NEW_ENTITY, NEW_ENTITY_TEXT)] + window.listed_entities.entries
    # and the claimant field completes their names (filled when the field gets focus)
    assert window.claims_panel.claimant_names() == [c.name for c in Q.entity_choices(store)]


def test_gestures_undo_and_redo_leave_every_view_as_a_fresh_one(qtbot, window):
    view = window.view
    rebuilt = view.spans_rebuilt
    start, end = offsets(window, "Lavrov", 0)
    view.set_selection(start, end)
    key(qtbot, window, Qt.Key.Key_1)  # a new PERSON mention (and its new entity)
    m = mention_at(window, start, end)
    assert m is not None
    assert_fresh(window)
    click_span(qtbot, window, ("mention", m.id))
    key(qtbot, window, Qt.Key.Key_2)  # relabel
    assert_fresh(window)
    key(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # resize
    assert window.store.mention(m.id).end > end
    assert_fresh(window)
    suggested = sorted((x for x in window.store.mentions(window.doc_id) if x.prov.status == "suggested"),
                       key=lambda x: x.start)
    window.select_key(("mention", suggested[0].id))
    key(qtbot, window, Qt.Key.Key_Return)  # accept
    assert_fresh(window)
    key(qtbot, window, Qt.Key.Key_X)  # reject the next one: it leaves the view
    assert_fresh(window)
    window.select_key(("mention", m.id))
    key(qtbot, window, Qt.Key.Key_Delete)
    assert_fresh(window)
    for _ in range(6):
        undo(qtbot, window)
        assert_fresh(window)
    for _ in range(6):
        redo(qtbot, window)
        assert_fresh(window)
    assert view.spans_rebuilt == rebuilt  # all of it patched, nothing rebuilt


def test_quotes_claims_and_entities_patch_right(qtbot, window):
    store, view = window.store, window.view
    rebuilt = view.spans_rebuilt
    s, e = offsets(window, "What we expect is concrete answers to our concrete proposals")
    view.set_selection(s, e)
    key(qtbot, window, Qt.Key.Key_Q)  # a quote
    assert window.quote_model.rowCount() == 1
    assert_fresh(window)
    quote = window.quote_model.row_id(0)
    lavrov = offsets(window, "Sergey Lavrov")
    lavrov_mention = mention_at(window, *lavrov)
    window.do(E.EditQuote(quote, {"speaker": lavrov}))
    assert_fresh(window)
    # an entity the quote's speaker and a mention show: renaming it redoes their spans
    entity = E.created_ids(window.do(E.AddEntity("Sergey V. Lavrov", "PERSON")), "entities")[0]
    window.do(E.LinkMention(lavrov_mention.id, entity))
    window.do(E.EditQuote(quote, {"speaker_entity_id": entity}))
    assert_fresh(window)
    window.do(E.RenameEntity(entity, "Foreign Minister Lavrov"))
    assert "Foreign Minister Lavrov" in view._by_key[("quote", quote)].label
    assert "Foreign Minister Lavrov" in view._by_key[("mention", lavrov_mention.id)].label
    assert_fresh(window)
    cs, ce = offsets(window, "Blinken told Lavrov")
    view.set_selection(cs, ce)
    key(qtbot, window, Qt.Key.Key_C)  # a claim
    assert window.claim_model.rowCount() == 1
    assert_fresh(window)
    window.do(E.DeleteQuote(quote))
    assert ("speaker", quote) not in view._by_key and ("quote", quote) not in view._by_key
    assert_fresh(window)
    for _ in range(4):
        undo(qtbot, window)
        assert_fresh(window)
    assert view.spans_rebuilt == rebuilt
    # an edit straight through the store (the same connection) is patched as well
    E.apply(store, E.AddMention(window.doc_id, cs, cs + len("Blinken"), "PERSON"))
    assert_fresh(window)
    assert view.spans_rebuilt == rebuilt


def test_an_edit_redoes_only_its_own_spans(qtbot, window):
    view = window.view
    before = (view.spans_rebuilt, view.spans_patched)
    start, end = offsets(window, "told")
    view.set_selection(start, end)
    key(qtbot, window, Qt.Key.Key_1)
    assert mention_at(window, start, end) is not None
    assert view.spans_rebuilt == before[0]  # no rebuild of every span
    assert view.spans_patched - before[1] == 1  # the new mention's span, and only it
    assert len(view._spans) == len(ArticleSpans().rebuild(window.store, window.doc_id, window.text,
                                                          window.label_colors))


def test_a_worker_refresh_and_a_label_colour_rebuild_everything(qtbot, window, project):
    view = window.view
    rebuilt = view.spans_rebuilt
    # another connection (as a pre-annotation worker's) writes; the window hears only "refresh"
    with Store.open(project) as other:
        s, e = offsets(window, "Blinken told")
        E.apply(other, E.AddMention(window.doc_id, s, s + len("Blinken"), "PERSON"))
        E.apply(other, E.SetStatus("mentions", tuple(m.id for m in other.mentions(window.doc_id)
                                                     if m.prov.status == "suggested"), "accepted"))
    window.session.refresh()
    assert view.spans_rebuilt == rebuilt + 1
    assert_fresh(window)
    # a label's colour changes every span of it: the event names no rows of the spans
    person = next(r["id"] for r in window.store.label_rows() if r["layer"] == "entity" and r["name"] == "PERSON")
    window.do(E.EditLabel(person, {"color": "#123456"}))
    assert view.spans_rebuilt == rebuilt + 2
    assert_fresh(window)


def test_a_label_key_repaints_once_and_measures_only_the_new_span(qtbot, window):
    """The patched spans and the new mention's selection ask for one repaint; the view paints its
    highlights itself (no ExtraSelections, which Qt re-lays out on every paint), and that paint
    measures the line rectangles of the new mention only (the others come from the cache)."""
    view = window.view
    view.viewport().repaint()  # every highlight on screen measured once
    view.set_selection(*offsets(window, "Lavrov", 0))
    passes, measured = view.highlight_passes, view.rects_measured
    key(qtbot, window, Qt.Key.Key_1)
    m = mention_at(window, *offsets(window, "Lavrov", 0))
    assert m is not None
    assert view.highlight_passes - passes == 1
    view.viewport().repaint()
    assert view.rects_measured - measured == 1  # the new mention's range
    assert ("mention", m.id) in [h.key for h in view.highlights()]
    assert view.extraSelections() == []
    assert_fresh(window)


def test_a_resized_view_measures_its_highlights_again(qtbot, window):
    """The cached line rectangles follow the layout: after a narrower view rewraps the text, the
    painted rectangles are those a fresh view measures (assert_fresh compares them)."""
    view = window.view
    view.viewport().repaint()
    keys = [h.key for h in view.highlights()]
    assert keys
    before = {k: view.span_rects(k) for k in view._by_key}  # all of them measured and cached
    width = view.viewport().width()
    window.resize(window.width() - 300, window.height())
    qtbot.waitUntil(lambda: view.viewport().width() < width)
    assert {k: view.span_rects(k) for k in view._by_key} != before  # the text wraps anew
    assert_fresh(window)
    view.zoom_in()
    assert_fresh(window)


def test_an_edit_in_a_long_list_reads_only_the_rows_the_list_shows(qtbot, project, tmp_path):
    """The first edit in a new article changes its row (status "in progress"): the list repaints
    that row, and it does not measure a hundred rows to size its columns again (ResizeToContents
    did, 15 ms in the bench's 10,000-row list); the status column still fits every status."""
    from PySide6.QtCore import QSettings

    from desktop.ui.main_window import MainWindow
    from desktop.ui.models import STATUS_TEXT

    with Store.open(project) as store:
        for i in range(150):
            E.apply(store, E.AddDocument(ext_id=f"extra-{i}", text=f"Officials in Geneva met on day {i}.",
                                         title=f"Extra {i}"))
    win = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.resize(1400, 900)
    assert win.open_project(project)
    win.show()
    qtbot.waitExposed(win)
    doc = win.store.document_by_ext_id("extra-0")
    win.show_document(doc.id)
    assert win.store.document(doc.id).status == "new"
    qtbot.wait(50)
    table, model = win.doc_table, win.doc_model
    asked: set[int] = set()
    display = model.display
    model.display = lambda row, column, role: (asked.add(row["id"]), display(row, column, role))[1]
    s, e = offsets(win, "Geneva")
    win.view.set_selection(s, e)
    key(qtbot, win, Qt.Key.Key_1)
    table.viewport().repaint()
    del model.display
    assert win.store.document(doc.id).status == "in_progress"
    shown = {model.row_id(win.doc_proxy.mapToSource(win.doc_proxy.index(r, 0)).row())
             for r in range(win.doc_proxy.rowCount())
             if table.visualRect(win.doc_proxy.index(r, 0)).intersects(table.viewport().rect())}
    assert doc.id in asked
    assert asked <= shown  # no rows beyond the ones on screen were read
    fm = table.fontMetrics()
    assert table.columnWidth(3) >= max(fm.horizontalAdvance(t) for t in STATUS_TEXT.values())


def test_painting_the_document_list_asks_the_model_only_for_what_it_shows(qtbot, window):
    """A cell's paint asks for a dozen roles; the sorting proxy answers those the rows never have
    itself, and a cell's index costs one call into Python, not a rowCount() and a columnCount()."""
    from PySide6.QtCore import QModelIndex
    from PySide6.QtWidgets import QTableView

    from desktop.ui.models import ID_ROLE, SORT_ROLE, DocumentFilterModel

    roles = {Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, SORT_ROLE, ID_ROLE}  # what rows have
    calls: list[str] = []

    class Counting(DocumentTableModel):
        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            calls.append("data" if role in roles else "other role")
            return super().data(index, role)

        def rowCount(self, parent=QModelIndex()):  # noqa: N802, B008 (Qt API)
            calls.append("rowCount")
            return super().rowCount(parent)

    model = Counting(window.store)
    model.reload()
    proxy = DocumentFilterModel()
    proxy.setSourceModel(model)
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(proxy)
    table.resize(600, 400)
    table.show()
    qtbot.waitExposed(table)
    qtbot.wait(20)  # the view lays out its rows and columns
    calls.clear()
    table.viewport().repaint()
    assert "data" in calls  # the rows were painted
    assert "other role" not in calls
    assert calls.count("rowCount") <= 2


def test_switching_to_an_article_whose_quotes_need_a_scroll_bar_paints_the_table_at_its_width(qtbot, window):
    """Qt sizes a reset table later (a delayed layout, then a queued scroll bar update): the quote
    table painted its rows at the old width, then showed its scroll bar and painted them all again."""
    from PySide6.QtCore import QEvent, QObject

    store = window.store
    first, other = store.document_ids()[:2]
    text = store.document(other).text
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", text)][:60]
    for s, e in words:  # one-word quotes: far more rows than the table shows
        E.apply(store, E.AddQuote(other, ((s, e),)))
    table = window.quotes_panel.table
    window.quotes_dock.raise_()
    window.show_document(first)
    qtbot.wait(50)
    assert window.quote_model.rowCount() == 0 and not table.verticalScrollBar().isVisible()
    paints: list[int] = []

    class Count(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 (Qt API)
            if event.type() == QEvent.Type.Paint:
                paints.append(table.viewport().width())
            return False

    counter = Count()
    table.viewport().installEventFilter(counter)
    window.show_document(other)
    window.repaint()
    qtbot.wait(50)
    table.viewport().removeEventFilter(counter)
    assert window.quote_model.rowCount() == len(words)
    assert table.verticalScrollBar().isVisible()
    assert paints and set(paints) == {table.viewport().width()}, paints  # never at the width without it
