"""After a find the article has the keyboard: Enter in the find bar or in the project search
field selects the match (the first hit's word) and hands the keys to the article, so S, C,
Shift+C or a digit act on it at once, with no Esc first.

``finding.py`` owns what a find does; this module only says where the keyboard goes after it
(``finding.connect`` calls :func:`connect` with its functions, so neither imports the other).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QListWidgetItem


class _FindKeys(QObject):
    """Enter (next) and Shift+Enter (previous) in the find bar.  The bar stays open with the
    count; Ctrl+F, Enter finds the one after, and Esc in the bar closes it."""

    def __init__(self, win, find_next: Callable[[object, int], object]) -> None:
        super().__init__(win.find_edit)
        self.win = win
        self.find_next = find_next

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            back = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.win.view.select_span(None)  # the keys act on the match, not on a span selected before
            self.find_next(self.win, -1 if back else 1)
            if self._on_match():
                self.win.view.setFocus()
            return True  # Enter is handled here (returnPressed does not follow)
        return super().eventFilter(obj, event)

    def _on_match(self) -> bool:
        sel, needle = self.win.view.selection(), self.win.find_edit.text()
        return bool(sel and needle) and self.win.text[sel[0]:sel[1]].lower() == needle.lower()


def open_first_hit(win, open_hit: Callable[[object, QListWidgetItem], None]) -> None:
    """After the search ran (Enter in the field): show the first hit, so the article has the
    keyboard; the other hits stay listed (click one, or Tab to the list)."""
    first = win.search_results.item(0)
    if first is not None and first.data(Qt.ItemDataRole.UserRole):
        win.search_results.setCurrentItem(first)
        open_hit(win, first)
        win.view.setFocus()


def connect(win, find_next: Callable[[object, int], object],
            open_hit: Callable[[object, QListWidgetItem], None]) -> None:
    """Enter in the find bar (filtered before the field sees it) and, after the project search
    (connected after it, so it runs second), in the search field."""
    win.find_edit.installEventFilter(_FindKeys(win, find_next))
    win.search_edit.returnPressed.connect(lambda: open_first_hit(win, open_hit))
