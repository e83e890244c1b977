"""What the window's dialogs share."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog


def fit_height(dialog: QDialog) -> None:
    """Grow ``dialog`` to show its wrapped labels whole (a label's height follows its text only
    after layout)."""
    layout = dialog.layout()
    if layout is not None:
        layout.activate()
        dialog.resize(dialog.width(), max(dialog.height(), layout.totalHeightForWidth(dialog.width())))
