"""Tab and Shift+Tab in the article, and View ▸ Tab Through (which layer they step through).

The rule (which span comes next, from the selected span or the cursor, in which layer, wrapping
at the end of the article) is :func:`desktop.app.tab_order.step`; this module passes it the
window's spans, selection, cursor and chosen layer, selects what it says and keeps the choice in
the window's settings (``tab_through``).
"""

from __future__ import annotations

from PySide6.QtGui import QActionGroup

from desktop.app import tab_order

#: View ▸ Tab Through's entries
MENU_TEXT = {
    tab_order.FOLLOW: "The Selected Span's &Layer",
    "entities": "&Entities",
    "quotes": "&Quotes",
    "claims": "&Claims",
    "all": "&All Layers",
}
_NAMES = {"entities": "entities", "quotes": "quotes", "claims": "claims", "all": "annotations"}


def mode(win) -> str:
    """The layer Tab steps through (View ▸ Tab Through; the selected span's by default)."""
    value = str(win.settings.value("tab_through", tab_order.FOLLOW))
    return value if value in tab_order.MODES else tab_order.FOLLOW


def set_mode(win, value: str) -> None:
    win.settings.setValue("tab_through", value)
    for other, act in win.tab_through_actions.items():
        act.setChecked(other == value)


def build_menu(win, menu) -> None:
    """View ▸ Tab Through: which layer Tab and Shift+Tab step through."""
    sub = menu.addMenu("Tab &Through")
    sub.setToolTipsVisible(True)
    group = QActionGroup(win)
    win.tab_through_actions = {}
    current = mode(win)
    for value in tab_order.MODES:
        act = sub.addAction(MENU_TEXT[value])
        act.setCheckable(True)
        act.setChecked(value == current)
        act.setObjectName(f"view.tab_through.{value}")
        group.addAction(act)
        act.triggered.connect(lambda _=False, v=value: set_mode(win, v))
        win.tab_through_actions[value] = act


def step(win, direction: int, suggestions_only: bool = False, quiet: bool = False) -> None:
    """Select the next (1) or previous (-1) span of the layer being reviewed; say when it went round
    the end of the article, or when the layer has nothing here."""
    if win.doc_id is None:
        return
    selection = win.view.selection()
    cursor = selection[0] if selection else win.view.cursor_offset()
    found = tab_order.step(win._spans, win.selected_key(), cursor, direction, mode(win), suggestions_only)
    what = f"suggested {_NAMES[found.layer]}" if suggestions_only else _NAMES[found.layer]
    if found.key is None:
        if not quiet:
            win.statusBar().showMessage(f"No {what} in this article", 3000)
        return
    win.select_key(found.key)
    if found.wrapped and not quiet:
        where = "first" if direction > 0 else "last"
        win.statusBar().showMessage(f"Back to the {where} of the article's {what} (Ctrl+PgDown: next article)", 4000)
