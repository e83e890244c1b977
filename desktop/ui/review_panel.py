"""The Review dock: the review queue (:mod:`desktop.app.review`) with counts per kind, a row per
item (article, span text, why); Enter or a double-click opens the article and selects the span,
F8 / Shift+F8 walk the queue across articles from the article and span shown.

The queue is read when it is first needed: in a background thread with its own read-only
connection when the dock is shown (the label conflicts compare every mention's text: seconds on
a 10,000-article project), at once when F8 needs it.  A change of the project marks
only the kinds it can affect (:func:`desktop.app.review.kinds_affected`, and for the label
conflicts the articles it names) and the queue is re-read once the edits pause (``DEBOUNCE_MS``),
or at once when F8 needs it, never on every keystroke.
"""

from __future__ import annotations

import bisect
import threading

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.app import review
from desktop.core.settings import CLAIM_THRESHOLD, claim_threshold
from desktop.core.store import ChangeEvent, Store
from desktop.ui.layout import dock

DEBOUNCE_MS = 600
_ALL = None  # the kinds list's first row: every kind


class ReviewModel(QAbstractTableModel):
    """The items of one kind (or all), in reading order; titles read per refresh, span texts when
    a row is first shown."""

    columns = ("Article", "Text", "Why")

    def __init__(self) -> None:
        super().__init__()
        self.items: list[review.ReviewItem] = []
        self.order = "reading"  # how the items are ordered (review.ORDERS)
        self.titles: dict[int, str] = {}
        self.store = None
        self._texts: dict[int, str] = {}

    def set_items(self, store, items: list[review.ReviewItem], titles: dict[int, str]) -> None:
        self.beginResetModel()
        self.store, self.items, self.titles, self._texts = store, items, titles, {}
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        item = self.items[index.row()]
        if index.column() == 0:
            return self.titles.get(item.doc_id, str(item.doc_id))
        if index.column() == 1:
            return self.text_of(item)
        return item.why if role == Qt.ItemDataRole.DisplayRole else f"{review.kind_title(item.kind)}: {item.why}"

    def text_of(self, item: review.ReviewItem) -> str:
        if item.text or self.store is None:
            return item.text
        if item.doc_id not in self._texts:
            if len(self._texts) > 200:
                self._texts.clear()
            self._texts[item.doc_id] = self.store.document_text(item.doc_id) or ""
        shown = " ".join(self._texts[item.doc_id][item.start:item.end].split())
        return shown if len(shown) <= 120 else shown[:119] + "…"

    def row_of(self, item: review.ReviewItem) -> int:
        if self.order != "reading":  # ordered by score: not sorted by position
            return next((i for i, it in enumerate(self.items) if it.position == item.position), -1)
        i = bisect.bisect_left(self.items, item.position, key=lambda it: it.position)
        return i if i < len(self.items) and self.items[i].position == item.position else -1


class _Reader:
    """The whole queue of the project at ``path``, read in a thread of its own through its own
    read-only connection; ``done`` is emitted when it ends (``result`` or ``error`` set)."""

    def __init__(self, path, done) -> None:
        self.result: tuple[review.ReviewQueue, dict[int, str]] | None = None
        self.error = ""
        self.thread = threading.Thread(target=self._run, args=(path, done), name="review-queue", daemon=True)

    def _run(self, path, done) -> None:
        try:
            with Store.open(path, readonly=True) as store:
                queue = review.review_queue(store)
                self.result = queue, review.titles(store, {it.doc_id for it in queue.items()})
        except Exception as exc:  # noqa: BLE001 - said in the status bar; the next read is in the window
            self.error = str(exc) or type(exc).__name__
        finally:
            done.emit(self)


class ReviewPanel(QWidget):
    """The dock's widget; ``win`` is the main window (its store, article, selection)."""

    sig_read = Signal(object)  # a background read (_Reader) ended; emitted from its thread

    def __init__(self, win) -> None:
        super().__init__()
        self.win = win
        self._reader: _Reader | None = None
        self.queue = review.ReviewQueue()
        self._store = None
        self._titles: dict[int, str] = {}
        self._dirty: set[str] | None = None  # kinds to re-read (None: all)
        self._dirty_docs: set[int] | None = set()  # articles whose surfaces changed (None: all)
        self._dirty_rows: review.Rows | None = None  # the rows changes wrote (None: not known)
        self.kinds = QListWidget()
        self.kinds.setObjectName("reviewKinds")
        self.kinds.addItem("All kinds")
        for kind in review.KINDS:
            self.kinds.addItem(kind.title)
        self.kinds.setMaximumHeight(self.kinds.sizeHintForRow(0) * (len(review.KINDS) + 1) + 6)
        self.kinds.setCurrentRow(0)
        self.order = QComboBox()  # review.ORDERS: reading order, by score, by uncertainty
        self.order.setObjectName("reviewOrder")
        self.order.addItems(["Reading order", "By score (least sure, most check-worthy first)",
                             "By uncertainty (closest to the threshold first)"])
        self.order.setToolTip("How the items are listed and F8 walks them")
        self.model = ReviewModel()
        self.table = QTableView()
        self.table.setObjectName("reviewTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.resizeSection(0, 130)
        header.resizeSection(1, 130)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.hint = QLabel("F8: next item, Shift+F8: previous; Enter opens the selected one")
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.kinds)
        layout.addWidget(self.order)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self._on_timer)
        self.kinds.currentRowChanged.connect(lambda _row: self._show_rows())
        self.order.currentIndexChanged.connect(lambda _i: self._show_rows())
        self.table.activated.connect(self._on_activated)
        self.sig_read.connect(self._on_read)

    # The queue ---------------------------------------------------------------------------------

    def kind(self) -> str | None:
        row = self.kinds.currentRow()
        return review.KINDS[row - 1].id if row > 0 else _ALL

    def reset(self) -> None:
        """A project was opened or closed: forget the queue (read again when needed)."""
        self.timer.stop()
        self._drop_reader()
        self.queue, self._store, self._dirty, self._dirty_docs = review.ReviewQueue(), None, None, None
        self.model.set_items(None, [], {})
        self._show_counts()
        if self.win.store is not None:
            self.timer.start()  # read after the window has shown the project, if the dock is open

    def on_change(self, event: ChangeEvent) -> None:
        """Mark what ``event`` can change; re-read it once the edits pause."""
        affected = review.kinds_affected(event)
        if not affected:
            return
        if self._dirty is not None:
            self._dirty |= affected
        if event.keys is None or not event.doc_ids:  # a worker's refresh: every article may have changed
            self._dirty_docs = None
        elif self._dirty_docs is not None:
            self._dirty_docs |= event.doc_ids
        rows = review.changed_rows(event)
        if rows is None:
            self._dirty_rows = None
        elif self._dirty_rows is not None:
            for table, ids in rows.items():
                self._dirty_rows.setdefault(table, set()).update(ids)
        self.timer.start()

    def _on_timer(self) -> None:
        if self.isVisible():
            self.ensure_fresh(wait=False)

    def ensure_fresh(self, wait: bool = True) -> None:
        """Re-read what changed since the last read (everything the first time).  The whole queue
        is read in a background thread unless ``wait`` (F8 needs it now); what changes meanwhile is
        re-read when it lands."""
        store = self.win.store
        if store is None:
            return
        if store is not self._store:
            self._drop_reader()
            self._store, self._dirty, self._dirty_docs = store, None, None
            self.queue, self._titles = review.ReviewQueue(), {}
        if self._reader is not None:
            if not wait:
                return
            self._take_read()
        if self._dirty is not None and not self._dirty:
            return
        self.timer.stop()
        whole = self._dirty is None or ("label-conflict" in self._dirty and self._dirty_docs is None)
        if whole and not wait:
            self._start_reader(store)
            return
        if whole:  # every mention's text is compared: a moment on a big project
            self.win.statusBar().showMessage("Reading the review queue…")
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.queue.refresh(store, self._dirty, self._dirty_docs, self._complete_rows())
        finally:
            if whole:
                QApplication.restoreOverrideCursor()
                self.win.statusBar().clearMessage()
        self._dirty, self._dirty_docs, self._dirty_rows = set(), set(), {}
        self._show_counts()
        self._show_rows()

    def _complete_rows(self) -> review.Rows | None:
        if self._dirty_rows is None:
            return None
        return {t: set(self._dirty_rows.get(t, ())) for t in ("mentions", "quotes", "claims", "entities")}

    def _start_reader(self, store) -> None:
        self._reader = _Reader(store.path, self.sig_read)
        self._dirty, self._dirty_docs, self._dirty_rows = set(), set(), {}  # changes from now on: after it
        self.kinds.item(0).setText("All kinds (reading…)")
        self._reader.thread.start()

    def _on_read(self, reader: _Reader) -> None:
        if reader is self._reader:  # (not one dropped since, nor one F8 already took)
            self._take_read()
            if self._dirty:
                self.ensure_fresh(wait=True)  # the few kinds and articles changed while it read

    def _take_read(self) -> None:
        reader, self._reader = self._reader, None
        if reader is None:
            return
        reader.thread.join()
        if reader.result is None:  # it could not read (the message says why); read here next time
            self._dirty, self._dirty_docs, self._dirty_rows = None, None, None
            self.win.statusBar().showMessage(f"The review queue could not be read: {reader.error}", 8000)
            return
        self.queue, titles = reader.result
        self._titles.update(titles)
        self._show_counts()
        self._show_rows()

    def _drop_reader(self) -> None:
        """Wait for a background read to end and forget it (the project it read is gone)."""
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.thread.join()

    def _show_counts(self) -> None:
        counts = self.queue.counts() if self._store is not None else {}
        self.kinds.item(0).setText(f"All kinds ({sum(counts.values())})" if counts else "All kinds")
        for i, kind in enumerate(review.KINDS, start=1):
            n = counts.get(kind.id)
            self.kinds.item(i).setText(f"{kind.title} ({n})" if n is not None else kind.title)

    def _show_rows(self) -> None:
        if self._store is None:
            return
        current = self.current_item()
        order = review.ORDERS[max(0, self.order.currentIndex())]
        threshold = claim_threshold(self._store.settings().get(CLAIM_THRESHOLD)) if order == "uncertainty" else 0.5
        items = review.ordered(self.queue.items(self.kind()), order, threshold)
        self.model.order = order
        missing = {it.doc_id for it in items} - self._titles.keys()
        if missing:  # (titles never change; an article imported since is read now)
            self._titles.update(review.titles(self._store, missing))
        self.model.set_items(self._store, items, self._titles)
        if current is not None:
            self._select_row(current)

    # Walking and opening -----------------------------------------------------------------------

    def current_item(self) -> review.ReviewItem | None:
        index = self.table.currentIndex()
        return self.model.items[index.row()] if index.isValid() and index.row() < len(self.model.items) else None

    def step(self, direction: int) -> None:
        """F8 / Shift+F8: open the next (previous) item after the article and span shown."""
        win = self.win
        if win.store is None:
            return
        self.ensure_fresh()
        key = win.view.selected_key() if win.doc_id is not None else None
        start = next((sp.start for sp in win.article_spans.items if sp.key == key), -1) if key is not None else -1
        position = (win.doc_id if win.doc_id is not None else -1, start, key if start >= 0 else None)
        item = review.step([self.model.items], position, direction) if self.model.order == "reading" \
            else self._next_row(direction)
        if item is None:
            win.statusBar().showMessage("The review queue is empty", 4000)
            return
        self.open(item)

    def _next_row(self, direction: int) -> review.ReviewItem | None:
        """The item after (before) the selected row, in the order shown, wrapping around."""
        items = self.model.items
        if not items:
            return None
        current = self.current_item()
        row = self.model.row_of(current) if current is not None else -1
        return items[(row + direction) % len(items)] if row >= 0 else items[0 if direction > 0 else -1]

    def open(self, item: review.ReviewItem) -> None:
        """Show the item's article and select its span (shown even when View ▸ Show hides it)."""
        win = self.win
        if win.doc_id != item.doc_id:
            win.show_document(item.doc_id)
        if win.doc_id != item.doc_id:
            return  # the article cannot be shown (it says why)
        win.span_filter.reveal(item.key)
        win.select_key(item.key)
        win.view.setFocus()
        row = self._select_row(item)
        where = f"{row + 1} of {len(self.model.items)}: " if row >= 0 else ""
        win.statusBar().showMessage(f"Review {where}{review.kind_title(item.kind)} — {item.why}", 8000)

    def _select_row(self, item: review.ReviewItem) -> int:
        row = self.model.row_of(item)
        if row >= 0:
            index = self.model.index(row, 0)
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)
        return row

    def _on_activated(self, index) -> None:
        if index.isValid():
            self.open(self.model.items[index.row()])


def install(win) -> ReviewPanel:
    """The Review dock (``win.review_panel``, ``win.review_dock``) below the article list, closed
    until View ▸ Review opens it (reading the queue of a big project takes a moment), and its
    entry in the View menu.  (Not tabbed with the list: that left a stale tab bar drawn under it.)"""
    panel = ReviewPanel(win)
    win.review_panel = panel
    win.review_dock = dock(win, "Review", "dock.review", panel, Qt.DockWidgetArea.LeftDockWidgetArea)
    win.splitDockWidget(win.docs_dock, win.review_dock, Qt.Orientation.Vertical)
    win.review_dock.hide()
    sized = []

    def on_visible(visible: bool) -> None:
        if visible and not sized:  # opened for the first time: half of the column, not a sliver
            sized.append(True)
            win.resizeDocks([win.docs_dock, win.review_dock], [1, 1], Qt.Orientation.Vertical)
        if visible:
            panel.ensure_fresh(wait=False)
    win.review_dock.visibilityChanged.connect(on_visible)
    view_menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&View")
    view_menu.addAction(win.review_dock.toggleViewAction())
    return panel
