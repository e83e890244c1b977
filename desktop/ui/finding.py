"""Find in the article (the find bar) and in the whole project (the Search dock)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QListWidgetItem

from desktop.app import queries


def show_find(win) -> None:
    win.find_bar.show()
    win.find_edit.setFocus()
    win.find_edit.selectAll()


def find_next(win, step: int = 1) -> bool:
    """Select the next (``step`` -1: previous) match of the find bar's text; False if none."""
    needle = win.find_edit.text()
    if not needle or not win.text:
        return False
    if win._lowered is None:
        win._lowered = win.text.lower()
    hay, low = win._lowered, needle.lower()
    selection = win.view.selection()
    pos = selection[1] if selection and step > 0 else (selection[0] if selection else 0)
    index = hay.find(low, pos) if step > 0 else hay.rfind(low, 0, max(pos, 0))
    if index < 0:
        index = hay.find(low) if step > 0 else hay.rfind(low)
    if index < 0:
        win.find_status.setText("not found")
        return False
    count = hay.count(low)
    win.find_status.setText(f"{count} match{'es' if count != 1 else ''} · Ctrl+F, Enter: next")
    win.view.select_span(None)  # the keys act on the match now, not on a span selected before the find
    win.view.set_selection(index, index + len(needle))
    return True


class _FindKeys(QObject):
    """Enter (next) and Shift+Enter (previous) in the find bar: the match is selected and the
    article takes the keyboard, so S, C, Shift+C or a digit act on it at once (no Esc first).
    Ctrl+F, Enter finds the next one; the bar stays open with the count until Esc there."""

    def __init__(self, win) -> None:
        super().__init__(win.find_edit)
        self.win = win

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            back = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            if find_next(self.win, -1 if back else 1):
                self.win.view.setFocus()
            return True
        return super().eventFilter(obj, event)


def show_project_search(win) -> None:
    win.search_dock.show()
    win.search_dock.raise_()
    win.search_edit.setFocus()
    win.search_edit.selectAll()


def run_project_search(win) -> None:
    win.search_results.clear()
    hits = queries.search_hits(win.store, win.search_edit.text()) if win.store is not None else []
    for hit in hits:
        item = QListWidgetItem(f"{hit.title}\n{hit.snippet}")
        item.setData(Qt.ItemDataRole.UserRole, (hit.doc_id, hit.query))
        win.search_results.addItem(item)
    if not hits and win.search_edit.text().strip() and win.store is not None:
        win.search_results.addItem("No matches")


def search_and_open(win) -> None:
    """Enter in the search field: list the hits and show the first, so the article has the
    keyboard (the other hits stay listed: click one, or Tab to the list from the field)."""
    run_project_search(win)
    first = win.search_results.item(0)
    if first is not None and first.data(Qt.ItemDataRole.UserRole):
        win.search_results.setCurrentItem(first)
        open_search_hit(win, first)
        win.view.setFocus()


def open_search_hit(win, item: QListWidgetItem) -> None:
    """Show the hit's article with the first word of the query found in it selected."""
    data = item.data(Qt.ItemDataRole.UserRole)
    if not data:
        return
    doc_id, query = data
    win.show_document(doc_id)
    found = queries.word_offsets(win.text, query)
    if found:
        win.view.set_selection(*found)


def connect(win) -> None:
    """Enter in the find bar and the search field; a click on a hit."""
    win.find_edit.installEventFilter(_FindKeys(win))
    win.search_edit.returnPressed.connect(lambda: search_and_open(win))
    win.search_results.itemActivated.connect(lambda item: open_search_hit(win, item))
    win.search_results.itemClicked.connect(lambda item: open_search_hit(win, item))
