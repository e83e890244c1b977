"""Help: the F1 sheet (every row of the key map, desktop/app/keymap.py, then the project's label
hotkeys) and About."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QMessageBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from desktop.app import keymap
from desktop.core.store import Store


def _native(keys: tuple[str, ...]) -> str:
    return " / ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) or k for k in keys)


def sheet_rows(store: Store | None) -> list[tuple[str, str, str]]:
    """(keys, what, where) for the sheet: the key map's rows, then this project's hotkeys."""
    rows = [(b.shown or _native(b.keys), b.what[:1].upper() + b.what[1:], b.where) for b in keymap.KEYMAP]
    if store is not None:
        rows += [(lab.hotkey, f"Label as {lab.name}", keymap.ARTICLE) for lab in store.labels("entity")
                 if lab.hotkey and lab.hotkey.isdigit()]
        rows += [(lab.hotkey, f"Selected claim: {lab.label_set} = {lab.name}", keymap.CLAIM)
                 for lab in store.labels("claim") if lab.hotkey]
    return rows


def shortcuts_dialog(parent: QWidget, store: Store | None) -> QDialog:
    dialog = QDialog(parent)
    dialog.setWindowTitle("Keyboard shortcuts")
    rows = sheet_rows(store)
    table = QTableWidget(len(rows), 3)
    table.setHorizontalHeaderLabels(["Keys", "What it does", "Where"])
    table.verticalHeader().hide()
    table.verticalHeader().setMinimumSectionSize(18)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, header.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, header.ResizeMode.Stretch)
    header.setSectionResizeMode(2, header.ResizeMode.ResizeToContents)
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setWordWrap(True)
    table.verticalHeader().setSectionResizeMode(table.verticalHeader().ResizeMode.ResizeToContents)
    layout = QVBoxLayout(dialog)
    layout.addWidget(table)
    dialog.resize(860, 680)
    return dialog


def show_shortcuts(win) -> None:
    win.shortcuts_dialog = shortcuts_dialog(win, win.store)
    win.shortcuts_dialog.show()


def show_about(win) -> None:
    from desktop import __version__

    QMessageBox.about(win, "About Claimdesk", f"<b>Claimdesk {__version__}</b><p>An annotation workbench for "
                      "news: entities, quotes and claims, one SQLite project file.</p>")
