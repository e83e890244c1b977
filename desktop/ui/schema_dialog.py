"""Edit ▸ Label Schema: the project's entity labels and claim label sets.

Every change is an edit through the session (committed at once, undoable): rename a label (its
annotations follow), change its colour or hotkey, add one, remove one nothing uses.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from desktop.core import edits
from desktop.ui.undo import ProjectSession

COLUMNS = ("Layer", "Set", "Name", "Colour", "Hotkey", "Description")
EDITABLE = {2: "name", 4: "hotkey", 5: "description"}


class SchemaDialog(QDialog):
    def __init__(self, session: ProjectSession, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Label schema")
        self.session = session
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemChanged.connect(self._item_changed)
        self.table.cellDoubleClicked.connect(self._double_clicked)
        self.layer = QComboBox()
        self.layer.addItems(["entity", "claim"])
        self.label_set = QLineEdit(placeholderText="label set (claims), e.g. verdict")
        self.name = QLineEdit(placeholderText="new label name")
        add = QPushButton("Add")
        add.clicked.connect(self.add_label)
        remove = QPushButton("Remove selected")
        remove.clicked.connect(self.remove_selected)
        self.message = QLabel()
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        for w in (self.layer, self.label_set, self.name, add, remove):
            row.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Double-click a name, hotkey or description to change it, a colour to pick another."))
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addWidget(self.message)
        session.sig_edit_failed.connect(self.message.setText)
        session.sig_project_changed.connect(lambda event: self.reload() if "labels" in event.tables else None)
        self.reload()
        self.resize(720, 520)

    def reload(self) -> None:
        self.table.blockSignals(True)
        self.rows = self.session.store.label_rows()
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            values = (row["layer"], row["label_set"], row["name"], row["color"], row["hotkey"] or "", row["description"])
            for c, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                if c not in EDITABLE:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if c == 3:
                    item.setBackground(QColor(row["color"]))
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.blockSignals(False)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        field = EDITABLE.get(item.column())
        if field is None:
            return
        value = item.text().strip() or None
        if field == "description":
            value = value or ""
        if self.session.do(edits.EditLabel(self.rows[item.row()]["id"], {field: value})):
            self.message.clear()
        else:
            self.reload()

    def _double_clicked(self, row: int, column: int) -> None:
        if column != 3:
            return
        color = QColorDialog.getColor(QColor(self.rows[row]["color"]), self, "Label colour")
        if color.isValid():
            self.session.do(edits.EditLabel(self.rows[row]["id"], {"color": color.name()}))

    def add_label(self) -> None:
        if self.session.do(edits.AddLabel(self.layer.currentText(), self.name.text().strip(),
                                          label_set=self.label_set.text().strip())):
            self.name.clear()
            self.message.clear()

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        for r in rows:
            self.session.do(edits.DeleteLabel(self.rows[r]["id"]))
