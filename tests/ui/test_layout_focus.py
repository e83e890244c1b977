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
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.find_edit, "Sergey Lavrov")
    qtbot.keyClick(window.find_edit, Qt.Key.Key_Return)
    assert window.view.hasFocus()
    assert window.find_bar.isVisible() and "match" in window.find_status.text()
    start, end = window.view.selection()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1)  # PERSON, no Esc first
    labels = {(m.start, m.end): m.label for m in window.store.mentions(window.doc_id)}
    assert labels[(start, end)] == "PERSON"
    assert window.find_edit.text() == "Sergey Lavrov"  # the digit went to the article, not the field
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
