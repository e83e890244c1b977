"""View ▸ Story View (issue 15, item 4): a story's statements and claim clusters across its
outlets, in a window of its own beside the editor (the table wants the width of five outlets,
which no dock beside the article has: :mod:`desktop.ui.layout_guard` keeps that for the article).

* The table: outlets as columns, clusters as rows (:mod:`desktop.app.story_table`), each cell the
  outlet's version with a badge per flag kind (the flag's note is the tooltip). "Only flagged"
  and "Only in several outlets" filter the rows. Clicking a cell opens its span in its article
  in the main window and selects it.
* Side by side: two outlets' articles, every version of the rows shown highlighted (a version the
  other article also carries in a stronger colour), the selected row's two versions strongest;
  selecting a row scrolls both texts to its versions, and clicking a highlighted version selects
  its row (and scrolls the other text to it).
* The alignment is computed in a thread of its own with its own read-only connection, so the
  window stays responsive; a change of the quotes, claims, entities or articles re-reads it once
  the edits pause (:data:`DEBOUNCE_MS`), and only while the view is open (else when it opens).
* Cluster actions: "Label the Cluster's Claims" labels every claim of a claim cluster as one undo
  step; merge, split and dismiss a flag are in place, disabled until the stored clusters land.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QPainter, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QTableView,
    QTextEdit,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.app import story_table as st
from desktop.core.store import ChangeEvent, Store

DEBOUNCE_MS = 600
BADGES_ROLE = Qt.ItemDataRole.UserRole + 1  # a cell's flag kinds
KEY_ROLE = Qt.ItemDataRole.UserRole + 2  # a cell's span key
#: a badge's colour per flag kind
BADGE_COLORS = {"negation": "#c62828", "number": "#ef6c00", "speaker": "#6a1b9a", "wording": "#1565c0",
                "omission": "#2e7d32", "type": "#00838f"}
TEXT_LINES = 4  # the lines of a version a cell shows
LINKED, SINGLE, CURRENT = "#ffe08a", "#e8e8e8", "#ffb74d"  # side by side: in both texts, in one, the selected row


def qt_offset(text: str, pos: int) -> int:
    """A code-point offset as Qt's UTF-16 position."""
    return len(text[:pos].encode("utf-16-le")) // 2


class StoryModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.table: st.StoryTable | None = None
        self.rows: list[st.Row] = []

    def set_rows(self, table: st.StoryTable | None, rows: list[st.Row]) -> None:
        self.beginResetModel()
        self.table, self.rows = table, rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.table is None else len(self.table.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if self.table is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            column = self.table.columns[section]
            return column.outlet if role == Qt.ItemDataRole.DisplayRole else \
                column.title if role == Qt.ItemDataRole.ToolTipRole else None
        row = self.rows[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.label.replace(" · ", "\n", 1)
        return row.label if role == Qt.ItemDataRole.ToolTipRole else None

    def cell(self, index: QModelIndex) -> st.Cell | None:
        return self.rows[index.row()].cells[index.column()] if index.isValid() else None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        cell = self.cell(index)
        if cell is None:
            return "not in this outlet" if role == Qt.ItemDataRole.ToolTipRole and index.isValid() else None
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.version.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell.tooltip()
        if role == BADGES_ROLE:
            return cell.badges
        if role == KEY_ROLE:
            return cell.key
        return None


class BadgeDelegate(QStyledItemDelegate):
    """A cell: its badges (and the version's type) on the first line, the text wrapped below."""

    def paint(self, painter: QPainter, option, index) -> None:
        self.initStyleOption(option, index)
        text, option.text = option.text, ""
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        if not text:
            return
        painter.save()
        fm = option.fontMetrics
        rect = option.rect.adjusted(4, 3, -4, -3)
        x, h = rect.left(), fm.height() + 2
        small = painter.font()
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.85))
        painter.setFont(small)
        for kind in index.data(BADGES_ROLE) or ():
            w = painter.fontMetrics().horizontalAdvance(kind) + 10
            badge = QRect(x, rect.top(), w, h)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(BADGE_COLORS.get(kind, "#555")))
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.drawRoundedRect(badge, 6, 6)
            painter.setPen(QColor("white"))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, kind)
            x += w + 4
        painter.setFont(option.font)
        painter.setPen(option.palette.color(option.palette.ColorRole.HighlightedText
                                             if option.state & QStyle.StateFlag.State_Selected
                                             else option.palette.ColorRole.Text))
        body = rect.adjusted(0, h + 3 if index.data(BADGES_ROLE) else 0, 0, 0)
        body.setHeight(max(fm.lineSpacing(), body.height() // fm.lineSpacing() * fm.lineSpacing()))  # whole lines
        painter.setClipRect(body)
        painter.drawText(body, Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft, text)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        fm = option.fontMetrics
        return QSize(fm.averageCharWidth() * 30, fm.lineSpacing() * TEXT_LINES + fm.height() + 12)


class _Reader:
    """The project's story tables, read in a thread of its own through a read-only connection."""

    def __init__(self, path, done) -> None:
        self.result: list[st.StoryTable] | None = None
        self.error = ""
        self.thread = threading.Thread(target=self._run, args=(path, done), name="story-view", daemon=True)

    def _run(self, path, done) -> None:
        try:
            with Store.open(path, readonly=True) as store:
                self.result = st.story_tables(store)
        except Exception as exc:  # noqa: BLE001 - said in the window; the next change reads again
            self.error = str(exc) or type(exc).__name__
        finally:
            done.emit(self)


class SideBySide(QWidget):
    """Two articles of the story, their versions highlighted and linked by row: a click on a
    highlighted version asks for its row (``sig_row_clicked(row, side)``)."""

    sig_row_clicked = Signal(int, int)

    def __init__(self) -> None:
        super().__init__()
        self.pick = (QComboBox(), QComboBox())
        self.texts = (QPlainTextEdit(), QPlainTextEdit())
        self.shown_docs: list[int | None] = [None, None]
        self.marked: tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]] = ([], [])  # (qt start, end, row)
        self.hold: int | None = None  # the side just clicked: not scrolled under the pointer
        grid = QHBoxLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for side, (pick, text) in enumerate(zip(self.pick, self.texts, strict=True)):
            pick.setObjectName(f"storySidePick{side}")
            text.setObjectName(f"storySideText{side}")
            text.setReadOnly(True)
            text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
            text.viewport().installEventFilter(self)
            pane = QVBoxLayout()
            pane.addWidget(pick)
            pane.addWidget(text, 1)
            grid.addLayout(pane, 1)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.MouseButtonRelease:
            side = next((i for i, t in enumerate(self.texts) if t.viewport() is obj), None)
            if side is not None:
                pos = self.texts[side].cursorForPosition(event.position().toPoint()).position()
                row = next((r for start, end, r in self.marked[side] if start <= pos < end), None)
                if row is not None:
                    self.sig_row_clicked.emit(row, side)
        return False

    def set_columns(self, columns: tuple[st.Column, ...]) -> None:
        """Fill the two pickers (keeping the outlets picked when they are still in the story)."""
        for side, pick in enumerate(self.pick):
            keep = pick.currentData()
            pick.blockSignals(True)
            pick.clear()
            for i, c in enumerate(columns):
                pick.addItem(c.outlet, c.doc_id)
                pick.setItemData(i, c.title, Qt.ItemDataRole.ToolTipRole)
            found = pick.findData(keep) if keep is not None else -1
            pick.setCurrentIndex(found if found >= 0 else min(side, len(columns) - 1))
            pick.blockSignals(False)

    def columns(self, table: st.StoryTable) -> tuple[int, int]:
        return tuple(table.column_of(p.currentData()) for p in self.pick)  # type: ignore[return-value]

    def show(self, store: Store | None, table: st.StoryTable | None, rows: list[st.Row],
             current: int) -> None:
        """Both texts with the rows' versions highlighted; scrolled to row ``current``'s versions."""
        if store is None or table is None or not table.columns:
            for text in self.texts:
                text.clear()
            self.shown_docs, self.marked = [None, None], ([], [])
            return
        left, right = self.columns(table)
        links = st.side_by_side(rows, left, right)
        for side, column in enumerate((left, right)):
            view = self.texts[side]
            doc_id = table.columns[column].doc_id if column >= 0 else None
            if doc_id != self.shown_docs[side]:
                self.shown_docs[side] = doc_id
                view.setPlainText(store.document_text(doc_id) or "" if doc_id is not None else "")
            body = view.toPlainText()
            marks = []
            self.marked[side].clear()
            target = None
            for link in links:
                cell = link.left if side == 0 else link.right
                if cell is None:
                    continue
                colour = CURRENT if link.row == current else LINKED if link.both else SINGLE
                marks.append(self._mark(view, body, cell.version.start, cell.version.end, colour))
                self.marked[side].append((marks[-1].cursor.selectionStart(), marks[-1].cursor.selectionEnd(), link.row))
                if link.row == current:
                    target = cell.version.start
            view.setExtraSelections(marks)
            if target is not None and side != self.hold:
                cursor = QTextCursor(view.document())
                cursor.setPosition(qt_offset(body, target))
                view.setTextCursor(cursor)
                view.centerCursor()

    @staticmethod
    def _mark(view: QPlainTextEdit, body: str, start: int, end: int, colour: str) -> QTextEdit.ExtraSelection:
        sel = QTextEdit.ExtraSelection()
        cursor = QTextCursor(view.document())
        cursor.setPosition(qt_offset(body, start))
        cursor.setPosition(qt_offset(body, end), QTextCursor.MoveMode.KeepAnchor)
        sel.cursor = cursor
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(colour))
        fmt.setForeground(QColor("black"))
        fmt.setProperty(QTextFormat.Property.FullWidthSelection, False)
        sel.format = fmt
        return sel


class StoryWindow(QWidget):
    """The story view; ``win`` is the main window (its store, and where a cell opens)."""

    sig_read = Signal(object)  # a background read (_Reader) ended; emitted from its thread

    def __init__(self, win) -> None:
        super().__init__(win, Qt.WindowType.Window)
        self.win = win
        self.setObjectName("storyWindow")
        self.setWindowTitle("Story View — Claimdesk")
        self.tables: list[st.StoryTable] = []
        self._reader: _Reader | None = None
        self._store: Store | None = None
        self.stale = True  # the tables are older than the project
        self.story = QComboBox()
        self.story.setObjectName("storyPick")
        self.only_flagged = QCheckBox("Only &flagged")
        self.only_flagged.setObjectName("storyOnlyFlagged")
        self.across = QCheckBox("Only in &several outlets")
        self.across.setObjectName("storyAcross")
        self.across.setChecked(True)
        self.summary = QLabel()
        self.summary.setObjectName("storySummary")
        self.model = StoryModel()
        self.table = self._build_table()
        self.side = SideBySide()
        self.actions_bar = QToolBar()
        self._build_actions()
        top = QHBoxLayout()
        top.addWidget(QLabel("Story:"))
        top.addWidget(self.story)
        top.addWidget(self.only_flagged)
        top.addWidget(self.across)
        top.addWidget(self.summary, 1)
        # the cluster edits on a row of their own: beside the filters they overflowed behind a »
        # at 1,300 pixels and under
        edits_row = QHBoxLayout()
        edits_row.addWidget(self.actions_bar)
        edits_row.addStretch(1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addLayout(edits_row)
        layout.addWidget(split, 1)
        self.resize(1280, 820)
        self.timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.timer.timeout.connect(self.refresh)
        self.sig_read.connect(self._on_read)
        self.story.currentIndexChanged.connect(lambda _i: self._show_rows())
        self.only_flagged.toggled.connect(lambda _on: self._show_rows())
        self.across.toggled.connect(lambda _on: self._show_rows())
        for pick in self.side.pick:
            pick.currentIndexChanged.connect(lambda _i: self._show_side())
        self.side.sig_row_clicked.connect(self._on_side_clicked)
        self.table.clicked.connect(self.open_cell)
        self.table.activated.connect(self.open_cell)  # Enter on a cell
        self.table.selectionModel().currentChanged.connect(lambda *_: (self._show_side(), self._enable()))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())  # Ctrl+click: merge

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("storyTable")
        table.setModel(self.model)
        table.setItemDelegate(BadgeDelegate(table))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setMinimumSectionSize(140)
        fm = table.fontMetrics()
        vertical = table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(fm.lineSpacing() * TEXT_LINES + fm.height() + 12)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._popup_context_menu)
        return table

    def _popup_context_menu(self, point) -> None:
        menu = self.build_context_menu(point)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # (its actions are the window's)
        menu.popup(self.table.viewport().mapToGlobal(point))

    def _build_actions(self) -> None:
        self.act_open = QAction("&Open in Article", self)
        self.act_open.setObjectName("story.open")
        self.act_open.triggered.connect(lambda: self.open_cell(self.table.currentIndex()))
        self.label_menu = QMenu("&Label the Cluster's Claims", self)
        self.label_menu.setObjectName("story.label_cluster")
        self.label_menu.setToolTipsVisible(True)
        self.edit_actions = []
        for name, text, slot in (("story.store", "S&tore the Clusters", self.store_clusters),
                                 ("story.merge", "&Merge the Selected Clusters", self.merge_selected),
                                 ("story.split", "S&plit the Version Off", self.split_current),
                                 ("story.dismiss", "&Dismiss the Flag", self.dismiss_current)):
            act = QAction(text, self)
            act.setObjectName(name)
            act.triggered.connect(slot)
            self.edit_actions.append(act)
            self.actions_bar.addAction(act)
        self.act_store = self.edit_actions[0]
        self.act_store.setStatusTip("Store this story's alignment so its clusters can be merged, split and their flags "
                                    "dismissed (a later rebuild keeps what an editor changed)")

    def build_context_menu(self, point) -> QMenu:
        index = self.table.indexAt(point)
        if index.isValid():
            self.table.setCurrentIndex(index)
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        menu.addAction(self.act_open)
        self._fill_label_menu()
        menu.addMenu(self.label_menu)
        menu.addSeparator()
        for act in self.edit_actions:
            menu.addAction(act)
        return menu

    def _fill_label_menu(self) -> None:
        self.label_menu.clear()
        row = self.current_row()
        store = self.win.store
        ok = row is not None and row.cluster.kind == "claim" and store is not None
        self.label_menu.setEnabled(ok)
        if not ok:
            self.label_menu.setToolTip("A claim cluster's row")
            return
        for label_set, values in store.claim_label_sets().items():
            sub = self.label_menu.addMenu(label_set)
            for value in values:
                act = sub.addAction(value)
                act.triggered.connect(lambda _=False, s=label_set, v=value: self.label_cluster(s, v))

    def _enable(self) -> None:
        cell = self.model.cell(self.table.currentIndex())
        self.act_open.setEnabled(cell is not None)
        row = self.current_row()
        stored = row is not None and row.cluster.stored
        self.act_store.setEnabled(self.current_table() is not None and not stored)
        for act, ok in zip(self.edit_actions[1:], (stored and len(self.selected_rows()) > 1,
                                                   stored and cell is not None and len(row.cluster.members) > 1,
                                                   stored and cell is not None and bool(cell.flags)), strict=True):
            act.setEnabled(ok)
            act.setToolTip("" if stored else st.STORE_FIRST)

    # Reading ---------------------------------------------------------------------------------

    def reset(self) -> None:
        """A project was opened or closed: forget the tables (read again when shown)."""
        self.timer.stop()
        self._drop_reader()
        self.tables, self._store, self.stale = [], None, True
        self.model.set_rows(None, [])
        self.story.clear()
        self.side.show(None, None, [], -1)
        self.summary.setText("")
        if self.isVisible():
            self.timer.start()

    def on_change(self, event: ChangeEvent) -> None:
        if st.affects(event):
            self.stale = True
            if self.isVisible():
                self.timer.start()  # debounced: re-read once the edits pause

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if self.stale:
            self.timer.start(0)

    def refresh(self) -> None:
        """Read the alignment again in the background (once a read in flight lands, if one is)."""
        store = self.win.store
        if store is None or not self.isVisible():
            return
        if self._reader is not None:
            return  # _on_read reads again: the project changed meanwhile
        self.stale = False
        self._store = store
        self.summary.setText("Aligning the story…" if not self.tables else self.summary.text())
        self._reader = _Reader(store.path, self.sig_read)
        self._reader.thread.start()

    def wait(self) -> None:
        """Let a read in flight end (tests, closing)."""
        if self._reader is not None:
            self._reader.thread.join()

    def _on_read(self, reader: _Reader) -> None:
        if reader is not self._reader:
            return
        self._reader = None
        reader.thread.join()
        if reader.result is None:
            self.summary.setText(f"The story could not be aligned: {reader.error}")
        else:
            self.tables = reader.result
            keep = self.story.currentText()
            self.story.blockSignals(True)
            self.story.clear()
            self.story.addItems([t.story for t in self.tables])
            self.story.setCurrentIndex(max(0, self.story.findText(keep)))
            self.story.blockSignals(False)
            self._show_rows()
        if self.stale and self.win.store is not None:
            self.timer.start()

    def _drop_reader(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.thread.join()

    def current_table(self) -> st.StoryTable | None:
        i = self.story.currentIndex()
        return self.tables[i] if 0 <= i < len(self.tables) else None

    def _show_rows(self) -> None:
        table = self.current_table()
        if table is None:
            self.model.set_rows(None, [])
            self.summary.setText("No story: articles share one when imported from a folder or with --story"
                                 if self._store is not None else "")
            self.side.show(None, None, [], -1)
            return
        before = self.current_row()
        column = max(self.table.currentIndex().column(), 0)
        rows = table.visible(self.only_flagged.isChecked(), self.across.isChecked())
        self.model.set_rows(table, rows)
        self.side.set_columns(table.columns)
        self.summary.setText(f"{table.summary()}; {len(rows)} shown")
        same = next((i for i, r in enumerate(rows) if before is not None and
                     r.cluster.kind == before.cluster.kind and r.cluster.id == before.cluster.id), -1)
        if same >= 0:
            self.table.setCurrentIndex(self.model.index(same, column))
        self._show_side()
        self._enable()

    def _show_side(self) -> None:
        table = self.current_table()
        self.side.show(self.win.store, table, self.model.rows, self.table.currentIndex().row())

    def _on_side_clicked(self, row: int, side: int) -> None:
        """A version clicked in a side text: its row selected, the other text scrolled to it."""
        table = self.current_table()
        if table is None:
            return
        column = self.side.columns(table)[side]
        self.side.hold = side
        try:
            self.table.setCurrentIndex(self.model.index(row, column))
            self.table.scrollTo(self.model.index(row, column))
        finally:
            self.side.hold = None

    # Acting ----------------------------------------------------------------------------------

    def current_row(self) -> st.Row | None:
        index = self.table.currentIndex()
        return self.model.rows[index.row()] if index.isValid() and index.row() < len(self.model.rows) else None

    def open_cell(self, index: QModelIndex) -> None:
        """Show the cell's article in the main window and select its span there."""
        cell = self.model.cell(index)
        win = self.win
        if cell is None or win.store is None:
            return
        doc_id = cell.version.doc_id
        if win.doc_id != doc_id:
            win.show_document(doc_id)
        if win.doc_id != doc_id:
            return  # the article cannot be shown (the window says why)
        win.span_filter.reveal(cell.key)
        win.select_key(cell.key)
        if win.view.selected_key() != cell.key:
            win.statusBar().showMessage("That version has changed since the story was aligned", 5000)

    def selected_rows(self) -> list[st.Row]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedIndexes()})
        return [self.model.rows[r] for r in rows if r < len(self.model.rows)]

    def store_clusters(self) -> None:
        table, store = self.current_table(), self.win.store
        if table is not None and store is not None:
            self.win.perform(st.store_clusters(store, table))

    def merge_selected(self) -> None:
        self.win.perform(st.merge_rows(self.selected_rows()))

    def split_current(self) -> None:
        row = self.current_row()
        if row is not None:
            self.win.perform(st.split_cell(row, self.model.cell(self.table.currentIndex())))

    def dismiss_current(self) -> None:
        row = self.current_row()
        if row is not None:
            self.win.perform(st.dismiss_cell(row, self.model.cell(self.table.currentIndex())))

    def label_cluster(self, label_set: str, value: str | None) -> None:
        row, store = self.current_row(), self.win.store
        if row is not None and store is not None:
            self.win.perform(st.label_cluster(store, row, label_set, value))

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self.timer.stop()
        super().closeEvent(event)


def install(win) -> StoryWindow:
    """The story view (``win.story_window``), closed until View ▸ Story View opens it."""
    window = StoryWindow(win)
    win.story_window = window
    action = QAction("&Story View", win)
    action.setObjectName("view.story")
    action.setStatusTip("The story's statements and claims across its outlets, and where they disagree")
    action.triggered.connect(lambda: show(win))
    win.actions_by_id["view.story"] = action
    view_menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&View")
    view_menu.addAction(action)
    return window


def show(win) -> None:
    """View ▸ Story View: show the window, or bring it forward when it is open behind the editor."""
    window = win.story_window
    if window.isVisible():
        window.raise_()
        window.activateWindow()
    else:
        window.show()
