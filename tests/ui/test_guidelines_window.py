"""Help ▸ Annotation Guidelines (issue 13, item 5): the shipped guidelines beside the work, in a
window that does not block; Edit… keeps the project's own copy in the project as one undo step,
Reset to Shipped Guidelines drops it, and both undo from either window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.app import guidelines as G
from desktop.core.settings import GUIDELINES

pytestmark = pytest.mark.gui

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def open_from_help(window):
    (help_menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&Help"]
    (action,) = [a for a in help_menu.actions() if a.text() == "Annotation &Guidelines"]
    action.trigger()
    guide = window.guidelines_window
    assert guide.isVisible() and not guide.isModal()
    return guide


def click(qtbot, button) -> None:
    assert button.isVisible() and button.isEnabled(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def own(window) -> str | None:
    return window.store.settings().get(GUIDELINES)


def test_guidelines_open_from_help_edit_undo_redo_and_reset(qtbot, window, project, tmp_path):
    guide = open_from_help(window)
    shown = guide.browser.toPlainText()
    assert shown.startswith("Claimdesk annotation guidelines") and "The two quote content conventions" in shown
    assert "ships" in guide.source.text() and not guide.reset_button.isEnabled()
    assert guide.grab().save(str(tmp_path / "shipped.png"))
    steps = window.session.undo_stack.count()

    # Edit…: the Markdown source, typed over, saved as one step
    click(qtbot, guide.edit_button)
    assert guide.editor.isVisible() and guide.editor.toPlainText() == G.shipped_guidelines()
    guide.editor.selectAll()
    qtbot.keyClicks(guide.editor, "# Our desk")
    qtbot.keyClick(guide.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(guide.editor, "Credit the **original** source.")
    assert guide.grab().save(str(tmp_path / "editing.png"))
    click(qtbot, guide.save_button)
    assert own(window) == "# Our desk\nCredit the **original** source."
    assert guide.browser.isVisible() and guide.browser.toPlainText().startswith("Our desk")
    assert "own guidelines" in guide.source.text() and guide.reset_button.isEnabled()
    stack = window.session.undo_stack
    assert stack.count() == steps + 1 and stack.text(stack.count() - 1) == G.EDIT_LABEL
    assert window.actions_by_id["edit.undo"].text() == f"&Undo {G.EDIT_LABEL}"

    # Ctrl+Z and Ctrl+Shift+Z work in the guidelines window too, and it follows the project
    guide.activateWindow()
    qtbot.waitUntil(guide.isActiveWindow)
    qtbot.keyClick(guide.browser, Qt.Key.Key_Z, CTRL)
    assert own(window) is None and guide.browser.toPlainText() == shown
    qtbot.keyClick(guide.browser, Qt.Key.Key_Z, CTRL | SHIFT)
    assert own(window) == "# Our desk\nCredit the **original** source."
    assert guide.browser.toPlainText().startswith("Our desk")

    # Reset to Shipped Guidelines: one step; undone from the main window, the copy is back
    click(qtbot, guide.reset_button)
    assert own(window) is None and guide.browser.toPlainText() == shown and not guide.reset_button.isEnabled()
    assert stack.text(stack.count() - 1) == G.RESET_LABEL
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert own(window) == "# Our desk\nCredit the **original** source."
    assert guide.browser.toPlainText().startswith("Our desk")
    assert guide.grab().save(str(tmp_path / "own.png"))

    # Cancel leaves them as they were, with no step
    count = stack.count()
    click(qtbot, guide.edit_button)
    qtbot.keyClicks(guide.editor, "more")
    click(qtbot, guide.cancel_button)
    assert own(window) == "# Our desk\nCredit the **original** source." and stack.count() == count

    # the copy is in the project file: closed, the window shows the shipped ones (an edit in
    # progress is the closed project's, so it goes); reopened, the copy
    click(qtbot, guide.edit_button)
    window.close_project()
    assert not guide.editing()
    assert guide.browser.toPlainText() == shown and not guide.edit_button.isEnabled()
    assert window.open_project(project)
    assert guide.browser.toPlainText().startswith("Our desk") and guide.edit_button.isEnabled()


def test_a_text_the_project_refuses_stays_in_the_editor_with_the_reason(qtbot, window):
    guide = open_from_help(window)
    click(qtbot, guide.edit_button)
    guide.editor.setPlainText("bad \x00 byte")
    click(qtbot, guide.save_button)
    assert guide.editing() and "NUL" in guide.source.text()
    assert own(window) is None
    click(qtbot, guide.cancel_button)
    assert not guide.editing() and "NUL" not in guide.source.text()
