"""Issue 13 items 6 and 7 through the real window: the layout protects the article (a readable
line at 1024×700, the inspectors back when the window grows, no reflow when the header changes,
a visible Title column after an import), and the keyboard and mouse land where the editor expects
(the article after a find, a new selection when a drag starts inside one, the claim note field)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.gui


def offsets(win, needle: str) -> tuple[int, int]:
    start = win.text.index(needle)
    return start, start + len(needle)


def point_of(win, offset: int) -> QPoint:
    """The viewport point in the middle of the character at ``offset`` (scrolled into view)."""
    view = win.view
    cur = QTextCursor(view.document())
    cur.setPosition(view._qt(offset))
    view.setTextCursor(cur)
    view.ensureCursorVisible()
    rect = view.cursorRect(cur)
    return QPoint(rect.center().x() + 3, rect.center().y())


def test_a_drag_that_starts_inside_the_selection_selects_anew(qtbot, window):
    view = window.view
    start, end = offsets(window, "critical moment amid Ukraine invasion fears")
    inside = point_of(window, start + 3)  # in "critical"
    target = point_of(window, start + len("critical moment amid Ukr"))
    view.set_selection(start, end)
    # a Qt text drag would block in its own loop until a release: end it, and the test fails
    guard = QTimer(view, singleShot=True, interval=3000)
    guard.timeout.connect(lambda: qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=target))
    guard.start()
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=inside)
    for step in range(1, 6):
        qtbot.mouseMove(view.viewport(), inside + (target - inside) * step / 5)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=target)
    guard.stop()
    s, e = view.selection()
    assert window.text[s:e] == "critical moment amid Ukraine"  # from the pressed word, snapped


def test_after_find_enter_the_article_has_the_keyboard(qtbot, window):
    blinken = next(m for m in window.store.mentions(window.doc_id) if window.text[m.start:m.end] == "Antony Blinken")
    window.select_key(("mention", blinken.id))  # a span selected before the find is not what the keys act on
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.find_edit, "Sergey Lavrov")
    qtbot.keyClick(window.find_edit, Qt.Key.Key_Return)
    assert window.view.hasFocus()
    assert window.find_bar.isVisible() and "match" in window.find_status.text()
    start, end = window.view.selection()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # a second Enter accepts nothing far away
    assert window.store.mention(blinken.id).prov.status == "suggested"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1)  # PERSON, no Esc first
    labels = {(m.start, m.end): m.label for m in window.store.mentions(window.doc_id)}
    assert labels[(start, end)] == "PERSON"
    assert window.find_edit.text() == "Sergey Lavrov"  # the digit went to the article, not the field
    assert window.store.mention(blinken.id).label == "PERSON" and window.store.mention(blinken.id).prov.status == "suggested"
    # Ctrl+F, Enter: the next match; Shift+C acts on the article at once
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    window.find_edit.setText("Russia has been amassing")
    qtbot.keyClick(window.find_edit, Qt.Key.Key_Return)
    assert window.view.hasFocus()
    claims = len(window.store.claims(window.doc_id))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_C, Qt.KeyboardModifier.ShiftModifier)
    assert len(window.store.claims(window.doc_id)) == claims + 1


def test_after_project_search_enter_the_article_has_the_keyboard(qtbot, window):
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(window.search_edit, "Nastoyashee")
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Return)
    assert window.store.document(window.doc_id).ext_id == "004_7f7ac94bf29114df"
    assert window.view.hasFocus()
    s, e = window.view.selection()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_2)  # ORG
    assert any((m.start, m.end, m.label) == (s, e, "ORG") for m in window.store.mentions(window.doc_id))


def _a_claim_in_the_panel(qtbot, window):
    start, _ = offsets(window, "Russia has been amassing")
    window.view.set_selection(start, start)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_C)
    claim = max(window.store.claims(window.doc_id), key=lambda c: c.id)
    assert window.claims_panel.claim_id() == claim.id
    return claim


def test_claim_note_tab_moves_on_and_saves_enter_saves_and_says_so(qtbot, window):
    claim = _a_claim_in_the_panel(qtbot, window)
    panel = window.claims_panel
    window.claims_dock.raise_()
    panel.note.setFocus()
    qtbot.waitUntil(panel.note.hasFocus)
    qtbot.keyClicks(panel.note, "ask AP")
    assert panel.note_state.text() != "✓ saved"
    qtbot.keyClick(panel.note, Qt.Key.Key_Tab)  # next field: leaving it saves
    assert not panel.note.hasFocus()
    assert window.store.claim(claim.id).note == "ask AP"
    assert panel.note.toPlainText() == "ask AP" and panel.note_state.text() == "✓ saved"

    panel.note.setFocus()
    qtbot.waitUntil(panel.note.hasFocus)
    panel.note.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(panel.note, " first")
    assert panel.note_state.text() != "✓ saved"
    qtbot.keyClick(panel.note, Qt.Key.Key_Return)  # Enter saves, no new line
    assert panel.note.hasFocus()
    assert window.store.claim(claim.id).note == "ask AP first"
    assert panel.note.toPlainText() == "ask AP first" and panel.note_state.text() == "✓ saved"
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.store.claim(claim.id).note == "ask AP"


def chars_per_line(view) -> tuple[float, int]:
    """What a line of the article holds: its text width in average characters, and the median
    length of the lines that wrapped (every line of a paragraph but its last)."""
    room = (view.viewport().width() - 2 * view.document().documentMargin()) / view.fontMetrics().averageCharWidth()
    lengths = []
    block = view.document().firstBlock()
    while block.isValid():
        layout = block.layout()
        lengths += [layout.lineAt(i).textLength() for i in range(layout.lineCount() - 1)]
        block = block.next()
    return room, sorted(lengths)[len(lengths) // 2]


def first_line(view, paragraph: str) -> str:
    """The first line of the paragraph that starts with ``paragraph``, as the article shows it."""
    block = view.document().findBlock(view.toPlainText().index(paragraph))
    line = block.layout().lineAt(0)
    return block.text()[line.textStart():line.textStart() + line.textLength()]


def inspectors(win):
    return (win.quotes_dock, win.claims_dock, win.entities_dock, win.history_dock)


def test_at_1024_by_700_the_article_keeps_a_readable_line_and_the_inspectors_come_back(qtbot, window, tmp_path):
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.article_room.collapsed)
    qtbot.waitUntil(lambda: chars_per_line(window.view)[0] >= 45)
    room, median = chars_per_line(window.view)
    assert median >= 45, (room, median)
    # the inspectors are tabs beside the article list, one click away
    for dock in inspectors(window):
        assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.LeftDockWidgetArea and not dock.isHidden()
        assert window.docs_dock in window.tabifiedDockWidgets(dock)
    window.grab().save(str(tmp_path / "1024x700.png"))

    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: not window.article_room.collapsed)
    qtbot.waitUntil(lambda: window.quotes_dock.isVisible())
    for dock in inspectors(window):
        assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert window.docs_dock not in window.tabifiedDockWidgets(window.quotes_dock)
    assert window.docs_dock.isVisible() and chars_per_line(window.view)[1] >= 45
    window.grab().save(str(tmp_path / "1600x1000.png"))


def test_the_collapsed_layout_is_not_what_the_window_remembers(qtbot, window, tmp_path):
    from desktop.ui.main_window import MainWindow

    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.article_room.collapsed)
    window.close()
    again = MainWindow(window.settings)
    qtbot.addWidget(again)
    again.resize(1600, 1000)
    again.show()
    qtbot.waitExposed(again)
    assert again.dockWidgetArea(again.quotes_dock) == Qt.DockWidgetArea.RightDockWidgetArea


def test_the_article_does_not_reflow_when_its_header_changes(qtbot, window, tmp_path):
    """A long outlet and story make the header line wider than the article; it wraps, and a status
    that gets longer ("new" → "in progress") leaves the article's lines where they were."""
    wire = tmp_path / "wire.txt"
    wire.write_text("Source: The Extraordinarily Long Name of a Regional Newspaper Group and Its Partners\n"
                    "Story: Geneva talks on Ukraine, January\nTitle: Talks end\n\n"
                    + "Blinken and Lavrov agreed to keep talking after the meeting in Geneva. " * 12 + "\n",
                    encoding="utf-8")
    with qtbot.waitSignal(window.jobs.sig_finished, timeout=60_000):
        assert window.import_paths([str(wire)])
    window.show_document(window.store.document_by_ext_id("wire").id)
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.article_room.collapsed)
    qtbot.wait(50)  # let the layout settle
    assert window.meta_label.text().endswith("· new")
    width, line = window.view.viewport().width(), first_line(window.view, "Blinken and Lavrov")
    window.grab().save(str(tmp_path / "before.png"))
    window.view.set_selection(*offsets(window, "Lavrov"))
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_1)  # PERSON: the article becomes "in progress"
    assert window.store.document(window.doc_id).status == "in_progress"
    assert window.meta_label.text().endswith("in progress")
    qtbot.wait(50)
    window.grab().save(str(tmp_path / "after.png"))
    assert window.view.viewport().width() == width
    assert first_line(window.view, "Blinken and Lavrov") == line


def test_the_article_list_keeps_its_title_column_after_an_import(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from desktop.core.store import Store
    from desktop.ui.main_window import MainWindow
    from tests.conftest import SEEDS

    Store.create(tmp_path / "empty.claimdesk").close()
    folder = tmp_path / "articles"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        (folder / seed.name).write_bytes(seed.read_bytes())
    (folder / "wire.txt").write_text("Source: The Extraordinarily Long Name of a Regional Newspaper Group\n"
                                     "Title: Talks end\n\nBlinken and Lavrov agreed to keep talking.\n",
                                     encoding="utf-8")
    win = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.resize(1024, 700)
    assert win.open_project(tmp_path / "empty.claimdesk")
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignal(win.jobs.sig_finished, timeout=60_000):
        assert win.import_paths([str(folder)])
    qtbot.waitUntil(lambda: win.doc_model.rowCount() == 6)
    qtbot.wait(50)
    table, header = win.doc_table, win.doc_table.horizontalHeader()

    def title_shows() -> bool:  # wide enough, and all of it inside the list (no sideways scrolling)
        title = header.sectionSize(1)
        return (title >= 16 * table.fontMetrics().averageCharWidth() and title >= 0.35 * table.viewport().width()
                and header.sectionPosition(1) + title <= table.viewport().width())

    assert title_shows(), [header.sectionSize(c) for c in range(header.count())]
    win.grab().save(str(tmp_path / "imported.png"))
    win.resize(1600, 1000)
    qtbot.waitUntil(lambda: not win.article_room.collapsed)
    qtbot.wait(50)
    assert title_shows(), [header.sectionSize(c) for c in range(header.count())]


def test_zooming_in_until_the_line_is_short_collapses_the_inspectors_and_zooming_back_restores(qtbot, window):
    window.resize(1400, 900)
    qtbot.wait(50)
    assert not window.article_room.collapsed
    window.view.setFocus()
    for _ in range(6):
        qtbot.keyClick(window.view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.article_room.collapsed)
    qtbot.waitUntil(lambda: chars_per_line(window.view)[0] >= 45)
    qtbot.keyClick(window.view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.article_room.collapsed)
    assert window.dockWidgetArea(window.quotes_dock) == Qt.DockWidgetArea.RightDockWidgetArea


def test_ctrl_f_enter_walks_the_matches_and_shift_enter_walks_back(qtbot, window):
    found = [i for i in range(len(window.text)) if window.text.lower().startswith("lavrov", i)]

    def find(modifier=Qt.KeyboardModifier.NoModifier) -> int:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        assert window.find_edit.hasFocus()
        if not window.find_edit.text():
            qtbot.keyClicks(window.find_edit, "lavrov")
        qtbot.keyClick(window.find_edit, Qt.Key.Key_Return, modifier)
        assert window.view.hasFocus()
        return window.view.selection()[0]

    window.view.setFocus()
    assert [find(), find(), find()] == found[:3]
    assert find(Qt.KeyboardModifier.ShiftModifier) == found[1]
