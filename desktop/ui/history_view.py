"""Edit ▸ History (Qt's ``QUndoView``) with the undone steps told apart: a step after the
current one reads "Undone: …", greyed and in italics, so the list says what Ctrl+Y would redo
("Redo: …" in ``claimdesk history`` once it is redone)."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QUndoView

__all__ = ["UNDONE", "HistoryDelegate", "install", "shown_texts"]

UNDONE = "Undone: "


class HistoryDelegate(QStyledItemDelegate):
    def __init__(self, view: QUndoView):
        super().__init__(view)
        self._view = view

    def initStyleOption(self, option, index) -> None:  # noqa: N802 (Qt API)
        super().initStyleOption(option, index)
        stack = self._view.stack()
        if stack is not None and index.row() > stack.index():  # row 0 is "project opened"
            option.text = UNDONE + option.text
            option.font.setItalic(True)
            option.palette.setColor(QPalette.ColorRole.Text,
                                    option.palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))


def install(view: QUndoView) -> None:
    view.setItemDelegate(HistoryDelegate(view))


def shown_texts(view: QUndoView) -> list[str]:
    """The rows as the view shows them (tests, the walkthrough)."""
    from PySide6.QtWidgets import QStyleOptionViewItem

    model, delegate, out = view.model(), view.itemDelegate(), []
    for row in range(model.rowCount()):
        option = QStyleOptionViewItem()
        delegate.initStyleOption(option, model.index(row, 0))
        out.append(option.text)
    return out
