"""Issue 15, item 4: View ▸ Story View through the real window, on the pre-annotated seeds with the
troop figures marked as claims in four outlets — the table, its badges and filters, a click that
opens the span, side-by-side reading, the re-read after an edit, labelling a claim cluster once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox

from desktop.core import edits as E
from desktop.ui.story_window import BADGES_ROLE, KEY_ROLE, qt_offset
from tests.conftest import mark_troop_claims
from tests.ui.conftest import open_window

STATEMENT = "We don’t expect to resolve our differences"


@pytest.fixture(scope="module")
def seeds_with_claims(tmp_path_factory, annotated_seeds):
    return mark_troop_claims(annotated_seeds(tmp_path_factory.mktemp("story-view") / "seeds.claimdesk"))


@pytest.fixture
def win(qtbot, tmp_path, seeds_with_claims):
    import shutil

    path = tmp_path / "seeds.claimdesk"
    shutil.copyfile(seeds_with_claims, path)
    w = open_window(qtbot, tmp_path, path)
    return w


def open_story_view(qtbot, win):
    view_menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&View")
    action = next(a for a in view_menu.actions() if a.objectName() == "view.story")
    action.trigger()
    sw = win.story_window
    qtbot.waitUntil(lambda: sw.model.rowCount() > 0, timeout=30_000)
    return sw


def row_with(sw, text: str) -> int:
    return next(i for i, r in enumerate(sw.model.rows)
                if any(c is not None and c.version.text.startswith(text) for c in r.cells))


def carriers(sw, row: int) -> list[str]:
    return [sw.model.headerData(c, Qt.Orientation.Horizontal) for c in range(sw.model.columnCount())
            if sw.model.rows[row].cells[c] is not None]


def click_cell(qtbot, sw, row: int, column: int) -> None:
    index = sw.model.index(row, column)
    sw.table.scrollTo(index)
    qtbot.mouseClick(sw.table.viewport(), Qt.MouseButton.LeftButton, pos=sw.table.visualRect(index).center())


def test_the_statement_row_the_badges_and_only_flagged(qtbot, win, tmp_path):
    sw = open_story_view(qtbot, win)
    assert sw.isVisible() and sw.story.currentText() == "seeds"
    assert carriers(sw, row_with(sw, STATEMENT)) == ["thehill.com", "AP"]  # the two outlets that carry it
    troops = next(i for i, r in enumerate(sw.model.rows) if r.cluster.kind == "claim" and r.outlets == 4)
    column = next(c for c in range(sw.model.columnCount()) if sw.model.rows[troops].cells[c] is not None)
    index = sw.model.index(troops, column)
    assert "number" in index.data(BADGES_ROLE) and "number: " in index.data(Qt.ItemDataRole.ToolTipRole)
    assert sw.model.headerData(troops, Qt.Orientation.Vertical).startswith("Claim ")
    shown = sw.model.rowCount()
    qtbot.mouseClick(sw.findChild(QCheckBox, "storyOnlyFlagged"), Qt.MouseButton.LeftButton)
    assert 0 < sw.model.rowCount() < shown and all(r.flagged for r in sw.model.rows)
    assert sw.grab().save(str(tmp_path / "story.png"))  # the badges paint


def test_clicking_a_cell_selects_its_span_in_the_article(qtbot, win):
    sw = open_story_view(qtbot, win)
    row = row_with(sw, STATEMENT)
    column = next(c for c in range(sw.model.columnCount())
                  if sw.model.headerData(c, Qt.Orientation.Horizontal) == "AP")
    cell = sw.model.rows[row].cells[column]
    click_cell(qtbot, sw, row, column)
    assert win.doc_id == cell.version.doc_id == win.store.document_by_ext_id("001_b662277d12457799").id
    assert win.view.selected_key() == sw.model.index(row, column).data(KEY_ROLE) == cell.key


def test_side_by_side_scrolls_both_articles_to_the_row(qtbot, win):
    sw = open_story_view(qtbot, win)
    left, right = sw.side.pick
    left.setCurrentIndex(left.findText("AP"))
    right.setCurrentIndex(right.findText("003_f5573d1949718a5b"))
    row = next(i for i, r in enumerate(sw.model.rows) if r.cluster.kind == "claim" and r.outlets == 4)
    texts = sw.side.texts
    before = [t.verticalScrollBar().value() for t in texts]
    click_cell(qtbot, sw, row, 0)
    cells = sw.model.rows[row].cells
    for text, column in zip(texts, (1, 3), strict=True):
        version = cells[column].version
        assert text.textCursor().position() == qt_offset(text.toPlainText(), version.start)
        assert text.viewport().rect().contains(text.cursorRect().center())  # scrolled to it
        marked = {(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in text.extraSelections()}
        body = text.toPlainText()
        assert (qt_offset(body, version.start), qt_offset(body, version.end)) in marked
    assert [t.verticalScrollBar().value() for t in texts] != before
    # linked the other way: a click on another row's version in the left text selects that row
    start, end, other = next(m for m in sw.side.marked[0] if m[2] != row and sw.model.rows[m[2]].cells[3])
    cursor = texts[0].textCursor()
    cursor.setPosition(start + 1)
    texts[0].setTextCursor(cursor)
    texts[0].ensureCursorVisible()
    qtbot.mouseClick(texts[0].viewport(), Qt.MouseButton.LeftButton, pos=texts[0].cursorRect().center())
    assert sw.table.currentIndex().row() == other and sw.table.currentIndex().column() == 1
    body = texts[1].toPlainText()
    assert texts[1].textCursor().position() == qt_offset(body, sw.model.rows[other].cells[3].version.start)


def test_an_edit_re_reads_the_story_and_labelling_a_cluster_is_one_undo_step(qtbot, win):
    sw = open_story_view(qtbot, win)
    row = row_with(sw, STATEMENT)
    ap = next(c for c in sw.model.rows[row].cells if c is not None and c.version.doc.startswith("001"))
    assert win.do(E.DeleteQuote(ap.version.item_id)) is not None
    qtbot.waitUntil(lambda: not any(r.cells[1] is not None and r.cells[1].version.item_id == ap.version.item_id
                                    for r in sw.model.rows), timeout=30_000)
    troops = next(i for i, r in enumerate(sw.model.rows) if r.cluster.kind == "claim" and r.outlets == 4)
    click_cell(qtbot, sw, troops, 0)
    label_set, values = next(iter(win.store.claim_label_sets().items()))
    menu = sw.build_context_menu(sw.table.visualRect(sw.model.index(troops, 0)).center())
    label_menu = next(a.menu() for a in menu.actions() if a.menu() is not None)
    sub = next(a.menu() for a in label_menu.actions() if a.text() == label_set)
    next(a for a in sub.actions() if a.text() == values[0]).trigger()
    ids = [c.version.item_id for c in sw.model.rows[troops].cells if c is not None]
    assert all(win.store.claim(i).labels.get(label_set) == values[0] for i in ids)
    win.undo()
    assert not any(label_set in win.store.claim(i).labels for i in ids)
    sw._enable()
    pending = [a for a in menu.actions() if a.objectName() in ("story.merge", "story.split", "story.dismiss")]
    assert len(pending) == 3 and not any(a.isEnabled() for a in pending)  # computed clusters: store them first
    assert all("Store the story's clusters first" in a.toolTip() for a in pending)


def action(sw, name):
    return next(a for a in sw.edit_actions if a.objectName() == name)


def test_stored_clusters_merge_split_and_dismiss_each_as_one_undo_step(qtbot, win):
    sw = open_story_view(qtbot, win)
    qtbot.mouseClick(sw.findChild(QCheckBox, "storyAcross"), Qt.MouseButton.LeftButton)  # a split-off row shows too
    qtbot.waitUntil(lambda: any(r.outlets == 1 for r in sw.model.rows), timeout=30_000)
    troops = next(i for i, r in enumerate(sw.model.rows) if r.cluster.kind == "claim" and r.outlets == 4)
    click_cell(qtbot, sw, troops, 0)
    action(sw, "story.store").trigger()  # the computed alignment becomes the project's
    qtbot.waitUntil(lambda: all(r.cluster.stored for r in sw.model.rows), timeout=30_000)
    rows_before = len(sw.model.rows)

    def troop_row():
        return next(i for i, r in enumerate(sw.model.rows) if r.cluster.kind == "claim" and r.outlets >= 3)

    # dismiss: the first outlet's troop figure is flagged `number`; the flag goes, and comes back on undo
    t = troop_row()
    click_cell(qtbot, sw, t, 0)
    sw._enable()
    assert "number" in sw.model.rows[t].cells[0].badges and action(sw, "story.dismiss").isEnabled()
    action(sw, "story.dismiss").trigger()
    qtbot.waitUntil(lambda: "number" not in (sw.model.rows[troop_row()].cells[0].badges), timeout=30_000)
    win.undo()
    qtbot.waitUntil(lambda: "number" in sw.model.rows[troop_row()].cells[0].badges, timeout=30_000)
    # split: the first outlet's version leaves the cluster for one of its own
    t = troop_row()
    click_cell(qtbot, sw, t, 0)
    sw._enable()
    action(sw, "story.split").trigger()
    qtbot.waitUntil(lambda: len(sw.model.rows) == rows_before + 1, timeout=30_000)
    assert sw.model.rows[troop_row()].outlets == 3
    # merge: select the split-off row and the cluster, merge them back (one step), undo
    alone = next(i for i, r in enumerate(sw.model.rows) if r.cluster.kind == "claim" and r.outlets == 1
                 and r.cells[0] is not None and r.cells[0].version.text.startswith("Russia has been amassing"))
    sw.table.clearSelection()
    sel = sw.table.selectionModel()
    from PySide6.QtCore import QItemSelectionModel
    for r in (troop_row(), alone):
        sel.select(sw.model.index(r, 0), QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    sel.setCurrentIndex(sw.model.index(troop_row(), 1), QItemSelectionModel.SelectionFlag.NoUpdate)
    sw._enable()
    assert action(sw, "story.merge").isEnabled()
    action(sw, "story.merge").trigger()
    qtbot.waitUntil(lambda: len(sw.model.rows) == rows_before, timeout=30_000)
    assert sw.model.rows[troop_row()].outlets == 4
    win.undo()
    qtbot.waitUntil(lambda: len(sw.model.rows) == rows_before + 1, timeout=30_000)


def test_the_alignment_is_read_off_the_window_thread_once_the_edits_pause(qtbot, win, monkeypatch):
    import threading

    from desktop.app import story_table

    reads = []
    real = story_table.story_tables

    def counted(store, story=None):
        reads.append(threading.current_thread())
        return real(store, story)
    monkeypatch.setattr(story_table, "story_tables", counted)
    sw = open_story_view(qtbot, win)
    assert len(reads) == 1 and reads[0] is not threading.main_thread()
    row = row_with(sw, STATEMENT)
    quotes = [c.version.item_id for c in sw.model.rows[row].cells if c is not None]
    for quote_id in quotes:  # two edits in a row: one read after them
        assert win.do(E.DeleteQuote(quote_id)) is not None
    qtbot.waitUntil(lambda: len(reads) == 2 and sw._reader is None, timeout=30_000)
    qtbot.waitUntil(lambda: not any(c is not None and c.version.text.startswith(STATEMENT)
                                    for r in sw.model.rows for c in r.cells), timeout=30_000)
    sw.close()  # closed: a change waits for the view to open again
    win.undo()
    qtbot.wait(sw.timer.interval() + 200)
    assert len(reads) == 2 and sw.stale
    open_story_view(qtbot, win)
    qtbot.waitUntil(lambda: len(reads) == 3 and sw._reader is None, timeout=30_000)
    qtbot.mouseClick(sw.findChild(QCheckBox, "storyAcross"), Qt.MouseButton.LeftButton)  # one outlet's rows too
    assert carriers(sw, row_with(sw, STATEMENT)) == ["AP"]  # the undo brought one of the two back


def test_every_cluster_edit_shows_on_the_bar_at_the_windows_size(qtbot, win):
    sw = open_story_view(qtbot, win)
    sw.resize(1024, 700)  # the smallest window the editor supports
    qtbot.wait(50)
    hidden = [a.text() for a in sw.edit_actions if not sw.actions_bar.widgetForAction(a).isVisible()]
    assert hidden == []  # none behind the toolbar's » extension
