"""Find in the article (the find bar) and in the whole project (the Search dock)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidgetItem

from desktop.app import queries
from desktop.core.wording import plural
from desktop.ui.search_results import HIT_ROLE, HitDelegate, hit_text


def show_find(win) -> None:
    win.find_bar.show()
    win.find_edit.setFocus()
    win.find_edit.selectAll()


def find_next(win, step: int = 1) -> None:
    needle = win.find_edit.text()
    if not needle or not win.text:
        return
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
        return
    count = hay.count(low)
    win.find_status.setText(f"{plural(count, 'match')}")
    win.view.set_selection(index, index + len(needle))


def show_project_search(win) -> None:
    win.search_dock.show()
    win.search_dock.raise_()
    win.search_edit.setFocus()
    win.search_edit.selectAll()


def run_project_search(win) -> None:
    win.search_results.clear()
    hits = queries.search_hits(win.store, win.search_edit.text()) if win.store is not None else []
    for hit in hits:
        item = QListWidgetItem(hit_text(hit))
        item.setData(Qt.ItemDataRole.UserRole, (hit.doc_id, hit.query))
        item.setData(HIT_ROLE, hit)  # painted with the title bold and the matches highlighted
        win.search_results.addItem(item)
    if not hits and win.search_edit.text().strip() and win.store is not None:
        win.search_results.addItem("No matches")


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
    win.find_edit.returnPressed.connect(lambda: find_next(win, 1))
    win.search_edit.returnPressed.connect(lambda: run_project_search(win))
    win.search_results.setItemDelegate(HitDelegate(win.search_results))
    win.search_results.setWordWrap(True)
    win.search_results.itemActivated.connect(lambda item: open_search_hit(win, item))
    win.search_results.itemClicked.connect(lambda item: open_search_hit(win, item))
    from desktop.ui import find_focus  # where the keyboard goes after a find (Enter: the article)

    find_focus.connect(win, find_next, open_search_hit)
