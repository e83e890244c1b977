"""The window's widgets: the article in the centre, the docks around it, the status bar.

Functions that build them on the window (``win``) under the names the rest of the window and
the tests use (``win.view``, ``win.doc_table``, ``win.search_edit`` …).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QUndoView,
    QVBoxLayout,
    QWidget,
)

from desktop.paths import PROJECT_FILTER, project_file
from desktop.ui import history_view
from desktop.ui.article_view import ArticleView
from desktop.ui.layout_guard import ArticleRoom, keep_title_column
from desktop.ui.models import STATUS_TEXT
from desktop.ui.panels import ClaimsPanel, EntitiesPanel, QuotesPanel, _table, fit_columns_when_reloaded


def build_central(win) -> None:
    win.view = ArticleView()
    win.title_label = QLabel()
    win.title_label.setObjectName("articleTitle")
    win.title_label.setWordWrap(True)
    win.title_label.setStyleSheet("font-size: 15pt; font-weight: 600; padding: 6px 4px 0 4px;")
    win.meta_label = QLabel()
    win.meta_label.setStyleSheet("color: palette(placeholder-text); padding: 0 4px 4px 4px;")
    win.meta_label.setWordWrap(True)
    for label in (win.title_label, win.meta_label):  # the header wraps; it never widens the article's column
        policy = label.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
        label.setSizePolicy(policy)
    win.find_bar = QWidget()
    win.find_edit = QLineEdit(placeholderText="Find in article (Enter: go to the match; Ctrl+F, Enter: the next; Shift+Enter: previous)")
    win.find_edit.setClearButtonEnabled(True)
    win.find_status = QLabel()
    fb = QHBoxLayout(win.find_bar)
    fb.setContentsMargins(4, 2, 4, 2)
    fb.addWidget(win.find_edit, 1)
    fb.addWidget(win.find_status)
    win.find_bar.hide()
    win.empty_label = QLabel("Open or create a project (File ▸ Open, File ▸ New), then import articles.")
    win.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    win.empty_label.setWordWrap(True)
    central = QWidget()
    layout = QVBoxLayout(central)
    layout.setContentsMargins(6, 0, 6, 0)
    layout.setSpacing(2)
    layout.addWidget(win.title_label)
    layout.addWidget(win.meta_label)
    layout.addWidget(win.view.legend)
    layout.addWidget(win.view, 1)
    layout.addWidget(win.find_bar)
    layout.addWidget(win.empty_label)
    win.central = central
    win.setCentralWidget(central)


def dock(win, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
    dock = QDockWidget(title, win)
    dock.setObjectName(name)
    dock.setWidget(widget)
    win.addDockWidget(area, dock)
    return dock


def build_docks(win) -> None:
    # Documents
    docs = QWidget()
    win.doc_filter = QLineEdit(placeholderText="Filter by title, outlet, date…")
    win.doc_filter.setClearButtonEnabled(True)
    win.doc_status = QComboBox()
    win.doc_status.addItem("All", None)
    for value, text in (("new", "New"), ("in_progress", "In progress"), ("done", "Done")):
        win.doc_status.addItem(text, value)
    win.doc_table = _table(win.doc_model)
    win.doc_table.setModel(win.doc_proxy)
    win.doc_table.setSortingEnabled(True)
    win.doc_table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    header = win.doc_table.horizontalHeader()
    header.setStretchLastSection(False)
    header.setResizeContentsPrecision(100)  # size columns from the visible rows, not all 10,000
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    fit_columns_when_reloaded(win.doc_table, (0, 2, 3, 4), {3: list(STATUS_TEXT.values())})
    keep_title_column(win.doc_table, 1, (0, 2))  # a long outlet or date never squeezes the Title away
    win.doc_table.setMinimumWidth(300)
    row = QHBoxLayout()
    row.addWidget(win.doc_filter, 1)
    row.addWidget(win.doc_status)
    layout = QVBoxLayout(docs)
    layout.setContentsMargins(4, 4, 4, 4)
    layout.addLayout(row)
    layout.addWidget(win.doc_table)
    win.docs_dock = dock(win, "Articles", "dock.documents", docs, Qt.DockWidgetArea.LeftDockWidgetArea)

    # Inspectors
    win.entities_panel = EntitiesPanel(win.entity_model)
    win.quotes_panel = QuotesPanel(win.quote_model)
    win.claims_panel = ClaimsPanel(win.claim_model)
    win.quotes_dock = dock(win, "Quotes", "dock.quotes", win.quotes_panel, Qt.DockWidgetArea.RightDockWidgetArea)
    win.claims_dock = dock(win, "Claims", "dock.claims", win.claims_panel, Qt.DockWidgetArea.RightDockWidgetArea)
    win.entities_dock = dock(win, "Entities", "dock.entities", win.entities_panel,
                                    Qt.DockWidgetArea.RightDockWidgetArea)

    # Project search and history
    search = QWidget()
    win.search_edit = QLineEdit(placeholderText="Search all articles (Enter)")
    win.search_edit.setClearButtonEnabled(True)
    win.search_results = QListWidget()
    sl = QVBoxLayout(search)
    sl.setContentsMargins(4, 4, 4, 4)
    sl.addWidget(win.search_edit)
    sl.addWidget(win.search_results)
    win.search_dock = dock(win, "Search", "dock.search", search, Qt.DockWidgetArea.LeftDockWidgetArea)
    win.history_view = QUndoView()
    win.history_view.setEmptyLabel("project opened")
    history_view.install(win.history_view)  # undone steps read "Undone: …"
    win.history_dock = dock(win, "History", "dock.history", win.history_view, Qt.DockWidgetArea.RightDockWidgetArea)


def arrange_docks(win) -> None:
    """Tab the inspectors together; search stays a separate, hidden dock (tabbing it with the
    article list left a stale second tab bar drawn under the list)."""
    win.tabifyDockWidget(win.quotes_dock, win.claims_dock)
    win.tabifyDockWidget(win.claims_dock, win.entities_dock)
    win.tabifyDockWidget(win.entities_dock, win.history_dock)
    win.search_dock.hide()  # shown below the articles by Ctrl+Shift+F
    win.quotes_dock.raise_()
    win.resizeDocks([win.docs_dock, win.quotes_dock], [440, 430], Qt.Orientation.Horizontal)
    # too narrow for a readable article: the inspectors become tabs beside the article list
    win.article_room = ArticleRoom(win, win.docs_dock,
                                   (win.quotes_dock, win.claims_dock, win.entities_dock, win.history_dock))


def build_status_bar(win) -> None:
    bar = win.statusBar()
    win.progress_label = QLabel()
    win.job_label = QLabel()
    win.job_progress = QProgressBar()
    win.job_progress.setMaximumWidth(220)
    win.job_progress.setTextVisible(True)
    win.job_cancel = QPushButton("Cancel")
    win.job_cancel.clicked.connect(win.jobs.cancel)
    for w in (win.job_label, win.job_progress, win.job_cancel):
        w.hide()
        bar.addPermanentWidget(w)
    bar.addPermanentWidget(win.progress_label)


def ask_new_project_path(win) -> str:
    """File ▸ New: where the project goes (named by the one suffix rule, desktop.paths.project_file);
    "" if cancelled."""
    path, _ = QFileDialog.getSaveFileName(win, "New project", str(project_file(Path.home() / "story")),
                                          PROJECT_FILTER)
    return str(project_file(path)) if path else ""


def ask_project_path(win) -> str:
    path, _ = QFileDialog.getOpenFileName(win, "Open project", str(Path.home()), PROJECT_FILTER)
    return path
