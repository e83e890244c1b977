"""Edit ▸ Delete Article: ask first (naming the article and what goes with it), then delete as
one undoable edit and show the article that took its row."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.app import queries
from desktop.core import edits


def confirm_delete_document(win) -> QMessageBox | None:
    """Ask before deleting the current article (named, with what goes with it); Delete deletes."""
    if win.doc_id is None or win.store is None:
        return None
    doc_id, doc = win.doc_id, win.store.document(win.doc_id)
    held = queries.document_holdings(win.store, doc_id)
    row = win.doc_model.row_dict(win.doc_model.row_of(doc_id))
    shown = win.doc_model.display(row, 1, Qt.ItemDataRole.DisplayRole) if row else ""  # as the list names it
    name = f"“{shown}” ({doc.ext_id})" if shown and shown != doc.ext_id else f"“{doc.ext_id}”"
    box = QMessageBox(QMessageBox.Icon.Question, "Delete article", f"Delete the article {name} from the project?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, win)
    box.setInformativeText((f"Its annotations go with it ({held}). " if held else "")
                           + "Edit ▸ Undo brings it all back.")
    box.button(QMessageBox.StandardButton.Yes).setText("Delete")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def done(_result: int) -> None:
        if box.clickedButton() is box.button(QMessageBox.StandardButton.Yes):
            delete_document(win, doc_id)

    box.finished.connect(done)
    box.open()
    win.confirm_box = box
    return box


def delete_document(win, doc_id: int) -> bool:
    """Delete an article (one undoable edit); the window then shows the one that took its row,
    or the one before it when it was the last."""
    index = win.doc_proxy.mapFromSource(win.doc_model.index(win.doc_model.row_of(doc_id), 0))
    win._reselect_row = max(index.row(), 0) if index.isValid() else 0
    try:
        done = win.do(edits.DeleteDocument(doc_id))
    finally:
        win._reselect_row = 0
    if done:
        win.statusBar().showMessage("Article deleted (Undo brings it back)", 5000)
    return done
