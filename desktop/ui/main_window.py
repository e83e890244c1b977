"""The main window: actions, menus, docks and status bar; wiring, no domain logic.

Gestures in the article view and the inspector panels arrive as requests; each becomes one
``core.edits`` edit through :class:`~desktop.ui.undo.ProjectSession` (committed at once, undoable),
and the session's change signal refreshes the views.  Long work (import, pre-annotate, export)
runs in :class:`~desktop.ui.workers.JobRunner` with a progress bar and Cancel.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QGuiApplication, QIcon, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QUndoView,
    QVBoxLayout,
    QWidget,
)

from desktop.core import edits
from desktop.core.jobs import import_into
from desktop.core.store import ChangeEvent, ProjectError, Store
from desktop.nlp.quotes import CONTENT_CONVENTIONS, DEFAULT_CONTENT
from desktop.paths import PROJECT_FILTER, is_project_file, project_file, resources_dir
from desktop.ui import actions as A
from desktop.ui.article_view import KEYMAP, ArticleView, SpanItem
from desktop.ui.models import (
    ID_ROLE,
    ClaimTableModel,
    DocumentFilterModel,
    DocumentTableModel,
    EntityTableModel,
    QuoteTableModel,
)
from desktop.ui.panels import ClaimsPanel, EntitiesPanel, QuotesPanel, _table, select_id
from desktop.ui.undo import ProjectSession
from desktop.ui.workers import JobRunner

ORG_NAME, APP_NAME = "Claimdesk", "Claimdesk"
MAX_RECENT = 8
CLAIM_COLOR = "#e63946"
SPEAKER_PALETTE = ["#4361ee", "#2a9d8f", "#9d4edd", "#e76f51", "#0081a7", "#6a994e", "#bc4749", "#7209b7"]
LAYER_TABLE = {"mention": "mentions", "quote": "quotes", "claim": "claims"}


def speaker_color(name: str | None) -> str:
    if not name:
        return "#8d99ae"
    digest = hashlib.md5(name.encode("utf-8")).digest()
    return SPEAKER_PALETTE[digest[0] % len(SPEAKER_PALETTE)]


def app_icon() -> QIcon:
    path = resources_dir() / "icons" / "claimdesk.svg"
    return QIcon(str(path)) if path.exists() else QIcon()


class MainWindow(QMainWindow):
    sig_document_shown = Signal(int)

    def __init__(self, settings: QSettings | None = None):
        super().__init__()
        self.settings = settings or QSettings(ORG_NAME, APP_NAME)
        self.session: ProjectSession | None = None
        self.doc_id: int | None = None
        self.document_error: ProjectError | None = None  # why the chosen article could not be shown
        self.text = ""
        self._lowered: str | None = None  # self.text.lower(), for find; made on first use
        self._reselect_row = 0  # the row shown when the current article goes (a delete)
        self._spans: list[SpanItem] = []
        self._pick_speaker_for: int | None = None
        self._last_refresh = 0.0
        self._syncing_doc_row = False  # the list follows the shown article; that is no request to show one
        self._story_stale = False  # the entity story changed while its dock was hidden
        self._listed_entities: list[tuple[int, str]] | None = None  # what the speaker picker lists
        self._story_docs: dict[int, tuple[list, tuple | None]] = {}  # the entity story's rows, per article
        self.setWindowTitle("Claimdesk")
        self.setWindowIcon(app_icon())
        self.resize(1400, 860)
        self.setDockOptions(QMainWindow.DockOption.AllowTabbedDocks)

        self.jobs = JobRunner(self)
        self.doc_model = DocumentTableModel()
        self.doc_proxy = DocumentFilterModel(self)
        self.doc_proxy.setSourceModel(self.doc_model)
        self.entity_model = EntityTableModel()
        self.quote_model = QuoteTableModel()
        self.claim_model = ClaimTableModel()

        self._build_central()
        self._build_docks()
        self._build_actions()
        self._build_status_bar()
        self._arrange_docks()
        self._wire()
        self._restore_layout()
        self._update_enabled()

    # Construction ---------------------------------------------------------------------------------

    def _build_central(self) -> None:
        self.view = ArticleView()
        self.title_label = QLabel()
        self.title_label.setObjectName("articleTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setStyleSheet("font-size: 15pt; font-weight: 600; padding: 6px 4px 0 4px;")
        self.meta_label = QLabel()
        self.meta_label.setStyleSheet("color: palette(placeholder-text); padding: 0 4px 4px 4px;")
        self.find_bar = QWidget()
        self.find_edit = QLineEdit(placeholderText="Find in article (Enter: next, Shift+Enter: previous, Esc: close)")
        self.find_edit.setClearButtonEnabled(True)
        self.find_status = QLabel()
        fb = QHBoxLayout(self.find_bar)
        fb.setContentsMargins(4, 2, 4, 2)
        fb.addWidget(self.find_edit, 1)
        fb.addWidget(self.find_status)
        self.find_bar.hide()
        self.empty_label = QLabel("Open or create a project (File ▸ Open, File ▸ New), then import articles.")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title_label)
        layout.addWidget(self.meta_label)
        layout.addWidget(self.view.legend)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.empty_label)
        self.central = central
        self.setCentralWidget(central)

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        # Documents
        docs = QWidget()
        self.doc_filter = QLineEdit(placeholderText="Filter by title, outlet, date…")
        self.doc_filter.setClearButtonEnabled(True)
        self.doc_status = QComboBox()
        self.doc_status.addItem("All", None)
        for value, text in (("new", "New"), ("in_progress", "In progress"), ("done", "Done")):
            self.doc_status.addItem(text, value)
        self.doc_table = _table(self.doc_model)
        self.doc_table.setModel(self.doc_proxy)
        self.doc_table.setSortingEnabled(True)
        self.doc_table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        header = self.doc_table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setResizeContentsPrecision(100)  # size columns from the visible rows, not all 10,000
        for column, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch,
                                       QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(column, mode)
        self.doc_table.setMinimumWidth(300)
        row = QHBoxLayout()
        row.addWidget(self.doc_filter, 1)
        row.addWidget(self.doc_status)
        layout = QVBoxLayout(docs)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.doc_table)
        self.docs_dock = self._dock("Articles", "dock.documents", docs, Qt.DockWidgetArea.LeftDockWidgetArea)

        # Inspectors
        self.entities_panel = EntitiesPanel(self.entity_model)
        self.quotes_panel = QuotesPanel(self.quote_model)
        self.claims_panel = ClaimsPanel(self.claim_model)
        self.quotes_dock = self._dock("Quotes", "dock.quotes", self.quotes_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self.claims_dock = self._dock("Claims", "dock.claims", self.claims_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self.entities_dock = self._dock("Entities", "dock.entities", self.entities_panel,
                                        Qt.DockWidgetArea.RightDockWidgetArea)

        # Project search and history
        search = QWidget()
        self.search_edit = QLineEdit(placeholderText="Search all articles (Enter)")
        self.search_edit.setClearButtonEnabled(True)
        self.search_results = QListWidget()
        sl = QVBoxLayout(search)
        sl.setContentsMargins(4, 4, 4, 4)
        sl.addWidget(self.search_edit)
        sl.addWidget(self.search_results)
        self.search_dock = self._dock("Search", "dock.search", search, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.history_view = QUndoView()
        self.history_view.setEmptyLabel("project opened")
        self.history_dock = self._dock("History", "dock.history", self.history_view, Qt.DockWidgetArea.RightDockWidgetArea)

    def _arrange_docks(self) -> None:
        """Tab the inspectors together; search stays a separate, hidden dock (tabbing it with the
        article list left a stale second tab bar drawn under the list)."""
        self.tabifyDockWidget(self.quotes_dock, self.claims_dock)
        self.tabifyDockWidget(self.claims_dock, self.entities_dock)
        self.tabifyDockWidget(self.entities_dock, self.history_dock)
        self.search_dock.hide()  # shown below the articles by Ctrl+Shift+F
        self.quotes_dock.raise_()
        self.resizeDocks([self.docs_dock, self.quotes_dock], [440, 430], Qt.Orientation.Horizontal)

    def _build_actions(self) -> None:
        self.actions_by_id: dict[str, QAction] = {}
        handlers = {
            A.NEW: self.new_project, A.OPEN: self.open_project_dialog, A.IMPORT_FILES: self.import_files_dialog,
            A.IMPORT_FOLDER: self.import_folder_dialog, A.EXPORT: self.export_dialog, A.CLOSE: self.close_project,
            A.QUIT: self.close, A.UNDO: self.undo, A.REDO: self.redo, A.HISTORY: self.show_history,
            A.FIND: self.show_find, A.FIND_PROJECT: self.show_project_search, A.SCHEMA: self.show_schema,
            A.DELETE_DOC: self.confirm_delete_document,
            A.ACCEPT: lambda: self.set_status_selected("accepted"), A.REJECT: lambda: self.set_status_selected("rejected"),
            A.ACCEPT_ALL: self.accept_all, A.DELETE: self.delete_selected, A.NEW_CLAIM: self.new_claim,
            A.CLAIM_SENTENCE: lambda: self.new_claim(sentence=True),
            A.NEW_QUOTE: self.new_quote, A.SET_SPEAKER: self.set_speaker, A.SET_CUE: self.set_cue,
            A.PREANNOTATE: self.preannotate, A.NEXT_SUGGESTION: lambda: self.step_suggestion(1),
            A.PREV_SUGGESTION: lambda: self.step_suggestion(-1), A.NEXT_DOC: lambda: self.step_document(1),
            A.PREV_DOC: lambda: self.step_document(-1), A.MARK_DONE: self.mark_done,
            A.ZOOM_IN: self.view.zoom_in, A.ZOOM_OUT: self.view.zoom_out, A.ZOOM_RESET: self.view.zoom_reset,
            A.SHORTCUTS: self.show_shortcuts, A.ABOUT: self.show_about,
        }
        # Single keys act only while the article has focus, so typing in a field is safe.
        article_keys = {A.ACCEPT, A.REJECT, A.DELETE, A.NEW_CLAIM, A.CLAIM_SENTENCE, A.NEW_QUOTE, A.SET_SPEAKER, A.SET_CUE,
                        A.NEXT_SUGGESTION, A.PREV_SUGGESTION}
        menubar = self.menuBar()
        for title, specs in A.MENUS:
            menu = menubar.addMenu(title)
            for spec in specs:
                if spec is None:
                    menu.addSeparator()
                    continue
                action = QAction(spec.text, self)
                action.setObjectName(spec.id)
                if spec.shortcut:
                    action.setShortcut(QKeySequence(spec.shortcut))
                if spec.tip:
                    action.setStatusTip(spec.tip)
                if spec.icon:
                    action.setIcon(icon(spec.icon))
                action.triggered.connect(lambda _=False, f=handlers[spec]: f())
                if spec in article_keys:
                    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
                    self.view.addAction(action)
                else:
                    self.addAction(action)
                menu.addAction(action)
                self.actions_by_id[spec.id] = action
            if title == "&File":
                self.recent_menu = menu.addMenu("Open &Recent")
                menu.insertMenu(self.actions_by_id[A.IMPORT_FILES.id], self.recent_menu)
                menu.insertSeparator(self.actions_by_id[A.IMPORT_FILES.id])
            if title == "&Annotate":
                self.label_menu = menu.addMenu("Entity &Label")
                self.label_group = QActionGroup(self)
                self._build_content_menu(menu)
            if title == "&View":
                menu.addSeparator()
                theme_menu = menu.addMenu("&Theme")
                group = QActionGroup(self)
                current = self.settings.value("theme", "system")
                for value, text in (("system", "Follow the &System"), ("light", "&Light"), ("dark", "&Dark")):
                    act = theme_menu.addAction(text)
                    act.setCheckable(True)
                    act.setChecked(value == current)
                    act.setObjectName(f"view.theme.{value}")
                    group.addAction(act)
                    act.triggered.connect(lambda _=False, v=value: self.set_theme(v))
                menu.addSeparator()
                for dock in (self.docs_dock, self.quotes_dock, self.claims_dock, self.entities_dock, self.search_dock,
                             self.history_dock):
                    menu.addAction(dock.toggleViewAction())
        self._update_recent_menu()
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("toolbar.main")
        toolbar.setMovable(False)
        toolbar.setIconSize(QSize(20, 20))
        for spec in A.TOOLBAR:
            if spec is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(self.actions_by_id[spec.id])
        self.toolbar = toolbar

    def _build_content_menu(self, menu) -> None:
        """Annotate > Quote Content: how far the next pre-annotation's quote content reaches."""
        self.content_menu = menu.addMenu("Quote &Content for Pre-annotation")
        group = QActionGroup(self)
        self.content_actions: dict[str, QAction] = {}
        for value, text in (("clause", "The Reported &Clause (without “that”)"),
                            ("parc", "&PARC / PolNeAR Spans (with “that”)")):
            act = self.content_menu.addAction(text)
            act.setCheckable(True)
            act.setObjectName(f"annotate.content.{value}")
            act.setStatusTip(CONTENT_CONVENTIONS[value])
            group.addAction(act)
            self.content_actions[value] = act
        self._check_content(None)

    def _check_content(self, value: str | None) -> None:
        self.content_actions.get(value or DEFAULT_CONTENT, self.content_actions[DEFAULT_CONTENT]).setChecked(True)

    def quote_content(self) -> str:
        """The quote content convention the next pre-annotation uses (the project's, until changed)."""
        return next((v for v, act in self.content_actions.items() if act.isChecked()), DEFAULT_CONTENT)

    def set_theme(self, value: str) -> None:
        """Light, dark, or the system's scheme (the default); remembered."""
        self.settings.setValue("theme", value)
        apply_color_scheme(value)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.progress_label = QLabel()
        self.job_label = QLabel()
        self.job_progress = QProgressBar()
        self.job_progress.setMaximumWidth(220)
        self.job_progress.setTextVisible(True)
        self.job_cancel = QPushButton("Cancel")
        self.job_cancel.clicked.connect(self.jobs.cancel)
        for w in (self.job_label, self.job_progress, self.job_cancel):
            w.hide()
            bar.addPermanentWidget(w)
        bar.addPermanentWidget(self.progress_label)

    def _wire(self) -> None:
        v = self.view
        v.sig_span_clicked.connect(self.on_span_clicked)
        v.sig_label_requested.connect(self.on_label_key)
        v.sig_key_requested.connect(self.on_view_key)
        v.sig_resize_requested.connect(self.on_resize)
        self.doc_table.selectionModel().currentRowChanged.connect(self._on_doc_row)
        for signal in (self.doc_proxy.rowsInserted, self.doc_proxy.layoutChanged, self.doc_proxy.modelReset):
            signal.connect(lambda *_: self._select_doc_row(self.doc_id))  # filter cleared, re-sorted, reloaded
        self.entities_dock.visibilityChanged.connect(lambda visible: visible and self._refresh_story())
        self.doc_filter.textChanged.connect(self.doc_proxy.set_text_filter)
        self.doc_status.currentIndexChanged.connect(lambda _i: self.doc_proxy.set_status_filter(self.doc_status.currentData()))
        self.find_edit.returnPressed.connect(lambda: self.find_next(1))
        self.search_edit.returnPressed.connect(self.run_project_search)
        self.search_results.itemActivated.connect(self._open_search_hit)
        self.search_results.itemClicked.connect(self._open_search_hit)
        self.quotes_panel.sig_quote_selected.connect(lambda q: self.select_key(("quote", q)))
        self.quotes_panel.sig_type_requested.connect(lambda q, t: self.do(edits.EditQuote(q, {"type": t})))
        self.quotes_panel.sig_speaker_entity_requested.connect(
            lambda q, e: self.do(edits.EditQuote(q, {"speaker_entity_id": e})))
        self.quotes_panel.sig_pick_speaker_requested.connect(self.start_pick_speaker)
        self.quotes_panel.sig_speaker_from_selection_requested.connect(lambda q: self._quote_part_from_selection(q, "speaker"))
        self.quotes_panel.sig_cue_from_selection_requested.connect(lambda q: self._quote_part_from_selection(q, "cue"))
        self.quotes_panel.sig_add_fragment_requested.connect(self.add_fragment)
        self.quotes_panel.sig_status_requested.connect(lambda q, s: self.do(edits.SetStatus("quotes", (q,), s)))
        self.claims_panel.sig_claim_selected.connect(lambda c: self.select_key(("claim", c)))
        self.claims_panel.sig_label_requested.connect(lambda c, s, v: self.do(edits.SetClaimLabel(c, s, v)))
        self.claims_panel.sig_claimant_requested.connect(self._set_claimant)
        self.claims_panel.sig_note_requested.connect(lambda c, n: self.do(edits.EditClaim(c, {"note": n})))
        self.claims_panel.sig_status_requested.connect(lambda c, s: self.do(edits.SetStatus("claims", (c,), s)))
        self.entities_panel.sig_rename_requested.connect(self.rename_entity)
        self.entities_panel.sig_merge_requested.connect(self.merge_entities)
        self.entity_model.sig_merge_dropped.connect(self._merge_into)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self.show_context_menu)
        self.doc_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.doc_table.customContextMenuRequested.connect(self.show_doc_context_menu)
        self.entities_panel.sig_split_requested.connect(self.split_mention)
        self.entities_panel.sig_label_all_requested.connect(self.label_all_occurrences)
        self.entities_panel.sig_apply_all_requested.connect(self.apply_to_identical)
        self.entities_panel.sig_entity_activated.connect(self.show_entity)
        self.entities_panel.sig_entity_selected.connect(self.show_entity_story)
        self.entities_panel.sig_story_item_activated.connect(self._open_story_item)
        self.jobs.sig_started.connect(self._job_started)
        self.jobs.sig_progress.connect(self._job_progress)
        self.jobs.sig_finished.connect(self._job_finished)
        self.jobs.sig_failed.connect(self._job_failed)
        self.setAcceptDrops(True)

    # Project ------------------------------------------------------------------------------------------

    @property
    def store(self) -> Store | None:
        return self.session.store if self.session else None

    def open_project(self, path: str | Path) -> bool:
        try:
            store = Store.open(path)
        except ProjectError as exc:
            self.notify(QMessageBox.Icon.Warning, "Cannot open project", str(exc))
            return False
        self._set_session(ProjectSession(store, self))
        self._remember_recent(str(Path(path).resolve()))
        return True

    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New project", str(project_file(Path.home() / "story")),
                                              PROJECT_FILTER)
        if not path:
            return
        path = str(project_file(path))
        try:
            store = Store.create(path)
        except ProjectError as exc:
            self.notify(QMessageBox.Icon.Warning, "Cannot create project", str(exc))
            return
        self._set_session(ProjectSession(store, self))
        self._remember_recent(str(Path(path).resolve()))

    def open_project_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open project", str(Path.home()), PROJECT_FILTER)
        if path:
            self.open_project(path)

    def close_project(self) -> None:
        self._set_session(None)

    def _set_session(self, session: ProjectSession | None) -> None:
        if self.session is not None:
            self.jobs.cancel()
            self.jobs.wait()
            self.session.close()
            self.session.deleteLater()
        self.session = session
        self.doc_id = None
        store = session.store if session else None
        for model in (self.doc_model, self.entity_model, self.quote_model, self.claim_model):
            model.store = store
        self.doc_model.reload()
        self.entity_model.reload()
        self.quote_model.set_document(None)
        self.claim_model.set_document(None)
        if session is not None:
            session.sig_project_changed.connect(self.on_project_changed)
            session.sig_edit_failed.connect(lambda m: self.statusBar().showMessage(m, 6000))
            session.undo_stack.cleanChanged.connect(lambda _c: self._update_enabled())
            session.undo_stack.indexChanged.connect(lambda _i: self._update_enabled())
            self.history_view.setStack(session.undo_stack)
            self.setWindowTitle(f"{session.path.name} — Claimdesk")
            self._load_schema()
            self._refresh_entities_lists()
            self._check_content(session.store.meta("quote_content"))
            if self.doc_proxy.rowCount():
                self.doc_table.selectRow(0)
        else:
            self.history_view.setStack(None)
            self.setWindowTitle("Claimdesk")
            self.view.set_document("", [])
            self.title_label.clear()
            self.meta_label.clear()
        self._update_progress()
        self._update_enabled()

    def _load_schema(self) -> None:
        labels = self.store.labels("entity")
        self.label_colors = {lab.name: lab.color for lab in labels}
        self.hotkey_labels = [lab for lab in labels if lab.hotkey and lab.hotkey.isdigit()]
        self.hotkey_labels.sort(key=lambda lab: int(lab.hotkey))
        self.view.set_hotkey_labels([(lab.hotkey, lab.name, lab.color) for lab in self.hotkey_labels])
        self.label_menu.clear()
        for lab in labels:
            act = self.label_menu.addAction(f"{lab.name}" + (f"\t{lab.hotkey}" if lab.hotkey else ""))
            act.triggered.connect(lambda _=False, name=lab.name: self.apply_label(name))
        self.claim_hotkeys = [lab for lab in self.store.labels("claim") if lab.hotkey]
        self.claims_panel.set_label_sets(self.store.claim_label_sets(),
                                         {(lab.label_set, lab.name): lab.hotkey for lab in self.claim_hotkeys})

    def _refresh_entities_lists(self) -> None:
        """The speaker picker and the claimant completer: rebuilt only when the entities differ."""
        entities = self.store.entities() if self.store else []
        listed = [(e.id, f"{e.name} ({e.type})") for e in entities]
        if listed == self._listed_entities:
            return
        self._listed_entities = listed
        self.quotes_panel.set_entities(listed)
        self.claims_panel.set_claimant_names([e.name for e in entities])

    # Documents ----------------------------------------------------------------------------------------

    def _on_doc_row(self, current, _previous) -> None:
        if not current.isValid() or self._syncing_doc_row:
            return
        source = self.doc_proxy.mapToSource(current)
        doc_id = self.doc_model.row_id(source.row())
        if doc_id is not None and doc_id != self.doc_id:
            self.show_document(doc_id)

    def show_document(self, doc_id: int) -> None:
        """Show an article; one the project file cannot give back intact (a damaged row) is named
        in its place and in the status bar (``document_error``), and the rest of the window works."""
        if self.store is None:
            return
        self.document_error = None
        try:
            self._show_document(doc_id)
        except ProjectError as exc:
            self.document_error = exc
            self.doc_id, self.text, self._spans = None, "", []
            self.quote_model.set_document(None)
            self.claim_model.set_document(None)
            self.quotes_panel.show_quote(None)
            self.claims_panel.show_claim(None)
            self.view.set_document("", [])
            self.statusBar().showMessage(str(exc))
            self._update_enabled()

    def _show_document(self, doc_id: int) -> None:
        doc = self.store.document(doc_id)
        self.doc_id = doc_id
        self.text = doc.text
        self._lowered = None
        self.title_label.setText(doc.title or doc.ext_id)
        bits = [b for b in (doc.source, doc.published, doc.story, doc.status.replace("_", " ")) if b]
        self.meta_label.setText(" · ".join(bits))
        self.quote_model.set_document(doc_id, doc.text)
        self.claim_model.set_document(doc_id, doc.text)
        self.quotes_panel.show_quote(None)
        self.claims_panel.show_claim(None)
        self._spans = self._build_spans()
        self.view.set_document(doc.text, self._spans)
        self.view.setFocus()
        self._select_doc_row(doc_id)
        self._update_enabled()
        self.sig_document_shown.emit(doc_id)

    def _select_doc_row(self, doc_id: int | None) -> None:
        """Highlight the shown article in the list (through its sorting and filter), or, when the
        filter hides it, no article at all; the view repaints (its signals are not blocked)."""
        if self._syncing_doc_row or self.session is None:
            return
        row = self.doc_model.row_of(doc_id) if doc_id is not None else -1
        index = self.doc_proxy.mapFromSource(self.doc_model.index(row, 0)) if row >= 0 else None
        selection = self.doc_table.selectionModel()
        if index is not None and index.isValid():
            if self.doc_table.currentIndex().row() == index.row() and selection.isRowSelected(index.row()):
                return
        elif not selection.hasSelection() and not self.doc_table.currentIndex().isValid():
            return
        self._syncing_doc_row = True
        try:
            if index is not None and index.isValid():
                self.doc_table.setCurrentIndex(index)
                self.doc_table.selectRow(index.row())
                self.doc_table.scrollTo(index)
            else:
                selection.clear()  # also the current index: Ctrl+PgDown then starts at the top
        finally:
            self._syncing_doc_row = False

    def step_document(self, step: int) -> None:
        rows = self.doc_proxy.rowCount()
        if not rows:
            return
        current = self.doc_table.currentIndex().row()
        target = min(max(current + step, 0), rows - 1) if current >= 0 else 0
        self.doc_table.selectRow(target)

    def build_doc_context_menu(self, point) -> QMenu:
        """What a right-click in the articles list offers (the row under it becomes current)."""
        menu = QMenu(self)
        index = self.doc_table.indexAt(point)
        if index.isValid():
            self.doc_table.selectRow(index.row())
        if self.doc_id is not None:
            menu.addAction(self.actions_by_id[A.DELETE_DOC.id])
        return menu

    def show_doc_context_menu(self, point) -> None:
        menu = self.build_doc_context_menu(point)
        if not menu.isEmpty():
            menu.exec(self.doc_table.viewport().mapToGlobal(point))

    def confirm_delete_document(self) -> QMessageBox | None:
        """Ask before deleting the current article (named, with what goes with it); Delete deletes."""
        if self.doc_id is None or self.store is None:
            return None
        doc_id, doc = self.doc_id, self.store.document(self.doc_id)
        counts = [(len(self.store.mentions(doc_id)), "entity mention"), (len(self.store.quotes(doc_id)), "quote"),
                  (len(self.store.claims(doc_id)), "claim")]
        held = ", ".join(f"{n} {what}{'s' if n != 1 else ''}" for n, what in counts if n)
        row = self.doc_model.row_dict(self.doc_model.row_of(doc_id))
        shown = self.doc_model.display(row, 1, Qt.ItemDataRole.DisplayRole) if row else ""  # as the list names it
        name = f"“{shown}” ({doc.ext_id})" if shown and shown != doc.ext_id else f"“{doc.ext_id}”"
        box = QMessageBox(QMessageBox.Icon.Question, "Delete article", f"Delete the article {name} from the project?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setInformativeText((f"Its annotations go with it ({held}). " if held else "")
                               + "Edit ▸ Undo brings it all back.")
        box.button(QMessageBox.StandardButton.Yes).setText("Delete")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done(_result: int) -> None:
            if box.clickedButton() is box.button(QMessageBox.StandardButton.Yes):
                self.delete_document(doc_id)

        box.finished.connect(done)
        box.open()
        self.confirm_box = box
        return box

    def delete_document(self, doc_id: int) -> bool:
        """Delete an article (one undoable edit); the window then shows the one that took its row,
        or the one before it when it was the last."""
        index = self.doc_proxy.mapFromSource(self.doc_model.index(self.doc_model.row_of(doc_id), 0))
        self._reselect_row = max(index.row(), 0) if index.isValid() else 0
        try:
            done = self.do(edits.DeleteDocument(doc_id))
        finally:
            self._reselect_row = 0
        if done:
            self.statusBar().showMessage("Article deleted (Undo brings it back)", 5000)
        return done

    def mark_done(self) -> None:
        if self.doc_id is not None:
            self.do(edits.SetDocumentStatus(self.doc_id, "done"))
            self.statusBar().showMessage("Article marked done", 3000)

    def _build_spans(self) -> list[SpanItem]:
        store, doc_id = self.store, self.doc_id
        quotes = store.quotes(doc_id, include_rejected=False)
        mentions = store.mentions(doc_id, include_rejected=False)
        names = store.entity_names([q.speaker_entity_id for q in quotes] + [m.entity_id for m in mentions])
        spans: list[SpanItem] = []
        for q in quotes:
            speaker_name = names.get(q.speaker_entity_id) or (q.speaker.text(self.text) if q.speaker else None)
            color = speaker_color(speaker_name)
            suggested = q.prov.status == "suggested"
            links = []
            if q.speaker:
                links.append(("speaker", q.id))
                spans.append(SpanItem(("speaker", q.id), q.speaker.start, q.speaker.end, color, suggested,
                                      f"speaker · {speaker_name or '?'}", links=(("quote", q.id),)))
            if q.cue:
                links.append(("cue", q.id))
                spans.append(SpanItem(("cue", q.id), q.cue.start, q.cue.end, color, suggested, "cue",
                                      links=(("quote", q.id),)))
            spans.append(SpanItem(("quote", q.id), q.content[0].start, q.content[-1].end, color, suggested,
                                  f"{q.type} quote · {speaker_name or 'no speaker'} · {q.prov.status}",
                                  fragments=tuple((f.start, f.end) for f in q.content), links=tuple(links)))
        for c in store.claims(doc_id, include_rejected=False):
            labels = ", ".join(c.labels.values()) or "unlabelled"
            spans.append(SpanItem(("claim", c.id), c.start, c.end, CLAIM_COLOR, c.prov.status == "suggested",
                                  f"claim · {labels} · {c.claimant or 'no claimant'} · {c.prov.status}"))
        for m in mentions:
            entity = names.get(m.entity_id, "")
            spans.append(SpanItem(("mention", m.id), m.start, m.end, self.label_colors.get(m.label, "#cccccc"),
                                  m.prov.status == "suggested",
                                  " · ".join(b for b in (m.label, entity, m.prov.status) if b)))
        return spans

    # Change events ---------------------------------------------------------------------------------------

    def on_project_changed(self, event: ChangeEvent) -> None:
        self.doc_model.on_change(event)
        self.entity_model.on_change(event)
        self.quote_model.on_change(event)
        self.claim_model.on_change(event)
        if "labels" in event.tables:
            self._load_schema()
        if event.tables & {"entities", "mentions"}:  # an entity is listed while a live mention links to it
            self._refresh_entities_lists()
        self._on_story_change(event)
        if self.doc_id is not None and (not event.doc_ids or self.doc_id in event.doc_ids or "entities" in event.tables):
            try:
                doc = self.store.document(self.doc_id)
            except KeyError:  # the document was removed
                self.doc_id = None
                self.text, self._lowered, self._spans = "", None, []
                self.view.set_document("", [])
                self.quote_model.set_document(None)
                self.claim_model.set_document(None)
                self.quotes_panel.show_quote(None)
                self.claims_panel.show_claim(None)
                self.title_label.clear()
                self.meta_label.clear()
                self._update_enabled()
            else:
                self.meta_label.setText(" · ".join(b for b in (doc.source, doc.published, doc.story,
                                                               doc.status.replace("_", " ")) if b))
                self._spans = self._build_spans()
                self.view.set_spans(self._spans)
                self.quotes_panel.show_quote(self.quotes_panel.quote_id())
                self.claims_panel.show_claim(self.claims_panel.claim_id())
        if self.doc_id is None and self.doc_proxy.rowCount():
            self.doc_table.selectRow(min(self._reselect_row, self.doc_proxy.rowCount() - 1))
        if "documents" in event.tables:
            self._update_progress()

    def _update_progress(self) -> None:
        if self.store is None:
            self.progress_label.setText("No project")
            return
        counts = self.store.documents_by_status()
        total = sum(counts.values())
        self.progress_label.setText(f"{counts['done']} of {total} articles done")

    def _update_enabled(self) -> None:
        has_project, has_doc = self.session is not None, self.doc_id is not None
        for spec in (A.IMPORT_FILES, A.IMPORT_FOLDER, A.EXPORT, A.CLOSE, A.FIND_PROJECT, A.PREANNOTATE, A.SCHEMA):
            self.actions_by_id[spec.id].setEnabled(has_project)
        for spec in (A.ACCEPT, A.REJECT, A.ACCEPT_ALL, A.DELETE, A.DELETE_DOC, A.NEW_CLAIM, A.CLAIM_SENTENCE, A.NEW_QUOTE,
                     A.SET_SPEAKER, A.SET_CUE,
                     A.NEXT_SUGGESTION, A.PREV_SUGGESTION, A.MARK_DONE, A.FIND):
            self.actions_by_id[spec.id].setEnabled(has_doc)
        stack = self.session.undo_stack if self.session else None
        undo, redo = self.actions_by_id[A.UNDO.id], self.actions_by_id[A.REDO.id]
        undo.setEnabled(bool(stack and stack.canUndo()))
        redo.setEnabled(bool(stack and stack.canRedo()))
        undo.setText(f"&Undo {stack.undoText()}" if stack and stack.canUndo() else "&Undo")
        redo.setText(f"&Redo {stack.redoText()}" if stack and stack.canRedo() else "&Redo")
        self.view.setVisible(has_doc)
        self.view.legend.setVisible(has_doc)
        self.title_label.setVisible(has_doc)
        self.meta_label.setVisible(has_doc)
        self.empty_label.setVisible(not has_doc)
        if has_project and not has_doc and self.document_error is not None:
            self.empty_label.setText(f"This article cannot be shown: {self.document_error}\n\n"
                                     "The other articles can: choose one on the left.")
        elif has_project and not has_doc:
            self.empty_label.setText("Import articles (File ▸ Import, or drop files here) to start.")

    # Edits ---------------------------------------------------------------------------------------------------

    def do(self, edit: edits.Edit) -> edits.ChangeSet | None:
        """Apply one edit as one undo step; its inverse (see ``edits.created_ids``), or None if refused."""
        return self.session.do(edit) if self.session else None

    def undo(self) -> None:
        if self.session:
            self.session.undo_stack.undo()

    def redo(self) -> None:
        if self.session:
            self.session.undo_stack.redo()

    def selected_key(self):
        return self.view.selected_key()

    def select_key(self, key) -> None:
        self.view.select_span(key)
        self._sync_panels(key)

    def _sync_panels(self, key) -> None:
        if key is None:
            return
        layer, row_id = key
        if layer in ("quote", "speaker", "cue"):
            self.quotes_panel.show_quote(row_id)
            self.quotes_dock.raise_()
        elif layer == "claim":
            self.claims_panel.show_claim(row_id)
            self.claims_dock.raise_()
        elif layer == "mention" and self.store is not None:
            entity_id = self.store.mention(row_id).entity_id
            if entity_id is not None:
                select_id(self.entities_panel.table, entity_id)

    def on_span_clicked(self, key) -> None:
        if self._pick_speaker_for is not None and key and key[0] == "mention":
            quote_id, self._pick_speaker_for = self._pick_speaker_for, None
            m = self.store.mention(key[1])
            self.do(edits.EditQuote(quote_id, {"speaker": (m.start, m.end), "speaker_entity_id": m.entity_id}))
            self.statusBar().showMessage("Speaker set", 3000)
            self.select_key(("quote", quote_id))
            return
        self._sync_panels(key)

    def on_label_key(self, number: int) -> None:
        key = self.selected_key()
        if key and key[0] == "claim" and not self.view.selection():
            label = next((lab for lab in self.claim_hotkeys if lab.hotkey == str(number)), None)
            if label is not None:
                self.do(edits.SetClaimLabel(key[1], label.label_set, label.name))
            return
        if 1 <= number <= len(self.hotkey_labels):
            self.apply_label(self.hotkey_labels[number - 1].name)

    def apply_label(self, label: str) -> None:
        if self.doc_id is None:
            return
        selection = self.view.selection()
        key = self.selected_key()
        if selection:
            overlapping = [m for m in self.store.mentions(self.doc_id, include_rejected=False)
                           if m.start < selection[1] and selection[0] < m.end]
            if len(overlapping) == 1:  # selecting an existing entity and pressing a label fixes it
                m = overlapping[0]
                batch = []
                if (m.start, m.end) != selection:
                    batch.append(edits.ResizeMention(m.id, *selection))
                if m.label != label:
                    batch.append(edits.RelabelMention(m.id, label))
                if batch and self.session.do_many(batch, f"correct entity to {label}"):
                    self.view.set_selection(selection[1], selection[1])
                    self.view.select_span(("mention", m.id))
                elif not batch:
                    self.do(edits.SetStatus("mentions", (m.id,), "accepted"))
                return
            inverse = self.do(edits.AddMention(self.doc_id, selection[0], selection[1], label))
            if inverse is not None:
                self.view.set_selection(selection[1], selection[1])
                self.view.select_span(("mention", edits.created_ids(inverse, "mentions")[0]))
        elif key and key[0] == "mention":
            self.do(edits.RelabelMention(key[1], label))

    def on_view_key(self, name: str) -> None:
        handler = {
            "delete": self.delete_selected, "accept": lambda: self.set_status_selected("accepted"),
            "reject": lambda: self.set_status_selected("rejected"), "accept_all": self.accept_all,
            "next": lambda: self.step_suggestion(1), "prev": lambda: self.step_suggestion(-1),
            "claim": self.new_claim, "quote": self.new_quote, "speaker": self.set_speaker, "cue": self.set_cue,
            "escape": self.cancel_pick,
        }.get(name)
        if handler:
            handler()

    def on_resize(self, key, start: int, end: int) -> None:
        if key is None:
            return
        layer, row_id = key
        if layer == "mention":
            self.do(edits.ResizeMention(row_id, start, end))
        elif layer == "claim":
            self.do(edits.EditClaim(row_id, {"start": start, "end": end}))
        elif layer in ("speaker", "cue"):
            self.do(edits.EditQuote(row_id, {layer: (start, end)}))
        elif layer == "quote":
            q = self.store.quote(row_id)
            frags = [(f.start, f.end) for f in q.content]
            frags[0] = (start, frags[0][1]) if len(frags) > 1 else (start, end)
            if len(frags) > 1:
                frags[-1] = (frags[-1][0], end)
            self.do(edits.EditQuote(row_id, {"content": frags}))
        self.view.select_span(key)

    def delete_selected(self) -> None:
        key = self.selected_key()
        if key is None:
            return
        layer, row_id = key
        if layer == "mention":
            self.do(edits.DeleteMention(row_id))
        elif layer == "quote":
            self.do(edits.DeleteQuote(row_id))
        elif layer == "claim":
            self.do(edits.DeleteClaim(row_id))
        elif layer in ("speaker", "cue"):
            fields = {"speaker": None, "speaker_entity_id": None} if layer == "speaker" else {"cue": None}
            self.do(edits.EditQuote(row_id, fields))

    def set_status_selected(self, status: str) -> None:
        key = self.selected_key()
        if key is None:
            return
        layer, row_id = key
        if layer in ("speaker", "cue"):
            layer = "quote"
        if self.do(edits.SetStatus(LAYER_TABLE[layer], (row_id,), status)) and status == "accepted":
            self.step_suggestion(1, quiet=True)

    def accept_all(self) -> None:
        if self.doc_id is None:
            return
        batch = []
        for table, rows in (("mentions", self.store.mentions(self.doc_id)), ("quotes", self.store.quotes(self.doc_id)),
                            ("claims", self.store.claims(self.doc_id))):
            ids = tuple(r.id for r in rows if r.prov.status == "suggested")
            if ids:
                batch.append(edits.SetStatus(table, ids, "accepted"))
        if not batch:
            self.statusBar().showMessage("No suggestions left in this article", 3000)
            return
        self.session.do_many(batch, "accept all suggestions in article")

    def step_suggestion(self, step: int, quiet: bool = False) -> None:
        suggestions = sorted((s for s in self._spans if s.suggested and s.key[0] in LAYER_TABLE),
                             key=lambda s: (s.start, s.end))
        if not suggestions:
            if not quiet:
                self.statusBar().showMessage("No suggestions left in this article", 3000)
            return
        current = self.selected_key()
        keys = [s.key for s in suggestions]
        if current in keys:
            index = (keys.index(current) + step) % len(keys)
        else:
            pos = next((s.start for s in self._spans if s.key == current), -1)
            after = [i for i, s in enumerate(suggestions) if (s.start > pos if step > 0 else s.start < pos)]
            index = (after[0] if step > 0 else after[-1]) if after else (0 if step > 0 else len(keys) - 1)
        self.select_key(keys[index])

    def new_claim(self, sentence: bool = False) -> None:
        if self.doc_id is None:
            return
        selection = None if sentence else self.view.selection()
        selection = selection or self.view.sentence_at_cursor()
        if not selection or selection[0] >= selection[1]:
            return
        inverse = self.do(edits.AddClaim(self.doc_id, selection[0], selection[1]))
        if inverse is not None:
            self.view.set_selection(selection[1], selection[1])
            self.select_key(("claim", edits.created_ids(inverse, "claims")[0]))
            self.claims_dock.raise_()

    def new_quote(self) -> None:
        selection = self.view.selection()
        if self.doc_id is None or not selection:
            self.statusBar().showMessage("Select the quoted words first, then press Q", 4000)
            return
        snippet_text = self.text[max(0, selection[0] - 1):selection[1] + 1]
        quote_type = "direct" if any(ch in snippet_text for ch in "\"“”«»„‘’") else "indirect"
        inverse = self.do(edits.AddQuote(self.doc_id, (selection,), type=quote_type))
        if inverse is not None:
            self.view.set_selection(selection[1], selection[1])
            self.select_key(("quote", edits.created_ids(inverse, "quotes")[0]))
            self.statusBar().showMessage("Quote added: press S to set its speaker (select it, or click a mention)", 5000)

    def _quote_at_cursor(self) -> int | None:
        selection = self.view.selection()
        pos = selection[0] if selection else self.view.cursor_offset()
        for q in self.store.quotes(self.doc_id, include_rejected=False):
            if any(f.start <= pos < f.end for f in q.content):
                return q.id
        return None

    def _selected_quote(self) -> int | None:
        key = self.selected_key()
        if key and key[0] in ("quote", "speaker", "cue"):
            return key[1]
        return self._quote_at_cursor() or self.quotes_panel.quote_id()

    def set_speaker(self) -> None:
        """S: with a quote chosen (selected, or the cursor in it) start choosing its speaker; the next
        click on a mention, or a selection outside the quote and S again, sets it."""
        if self.doc_id is None:
            return
        selection = self.view.selection()
        quote_id = self._pick_speaker_for or self._selected_quote()
        if quote_id is None:
            self.statusBar().showMessage("Put the cursor in a quote (or select one) first", 3000)
            return
        inside = selection and any(f.start <= selection[0] and selection[1] <= f.end
                                   for f in self.store.quote(quote_id).content)
        if selection and not inside:
            self._pick_speaker_for = None
            self._quote_part_from_selection(quote_id, "speaker")
        else:
            self.start_pick_speaker(quote_id)

    def start_pick_speaker(self, quote_id: int) -> None:
        self._pick_speaker_for = quote_id
        self.view.select_span(("quote", quote_id))
        self.quotes_panel.show_quote(quote_id)
        self.statusBar().showMessage("Choose the speaker: click a mention, or select the name and press S "
                                     "(Esc cancels)", 8000)
        self.view.setFocus()

    def cancel_pick(self) -> None:
        if self._pick_speaker_for is not None:
            self._pick_speaker_for = None
            self.statusBar().showMessage("Speaker choice cancelled", 2000)

    def set_cue(self) -> None:
        quote_id = self._selected_quote()
        if quote_id is not None:
            self._quote_part_from_selection(quote_id, "cue")

    def _quote_part_from_selection(self, quote_id: int, part: str) -> None:
        selection = self.view.selection()
        if not selection:
            self.statusBar().showMessage(f"Select the {part} in the text first", 3000)
            return
        fields = {part: selection}
        if part == "speaker":
            mention = next((m for m in self.store.mentions(self.doc_id, include_rejected=False)
                            if m.start < selection[1] and selection[0] < m.end and m.entity_id is not None), None)
            if mention is not None:
                fields["speaker_entity_id"] = mention.entity_id
        self.do(edits.EditQuote(quote_id, fields))
        self.view.set_selection(selection[1], selection[1])
        self.select_key(("quote", quote_id))

    def add_fragment(self, quote_id: int) -> None:
        selection = self.view.selection()
        if not selection:
            self.statusBar().showMessage("Select the second fragment in the text first", 3000)
            return
        q = self.store.quote(quote_id)
        self.do(edits.EditQuote(quote_id, {"content": [(f.start, f.end) for f in q.content] + [selection]}))
        self.select_key(("quote", quote_id))

    def _set_claimant(self, claim_id: int, name: str) -> None:
        entity = self.store.entity_by_name(name) if name else None
        self.do(edits.EditClaim(claim_id, {"claimant": name or None,
                                           "claimant_entity_id": entity.id if entity else None}))

    # Entities ----------------------------------------------------------------------------------------------------

    def rename_entity(self, entity_id: int) -> None:
        entity = self.store.entity(entity_id)
        name, ok = QInputDialog.getText(self, "Rename entity", "Name:", text=entity.name)
        if ok and name.strip() and name.strip() != entity.name:
            self.do(edits.RenameEntity(entity_id, name.strip()))

    def merge_entities(self, ids: list[int]) -> None:
        if len(ids) < 2:
            self.statusBar().showMessage("Select two or more entities to merge", 3000)
            return
        counts = self.store.mention_counts()
        target = max(ids, key=lambda e: (counts.get(e, 0), -e))
        self._merge_into(target, [e for e in ids if e != target])

    def _merge_into(self, target: int, others: list[int]) -> None:
        """Merge, then show the entity that remains (selected in the dock, with its story)."""
        if self.do(edits.MergeEntities(target, tuple(others))) is not None:
            select_id(self.entities_panel.table, target)

    def split_mention(self) -> None:
        key = self.selected_key()
        if not key or key[0] != "mention":
            self.statusBar().showMessage("Select a mention in the article first", 3000)
            return
        mention = self.store.mention(key[1])
        surface = self.text[mention.start:mention.end]
        if mention.entity_id is None:  # a new entity and the link to it: one undo step
            self.session.do_then(edits.AddEntity(surface, mention.label),
                                 lambda added: [edits.LinkMention(mention.id, edits.created_ids(added, "entities")[0])],
                                 f"split off entity {surface}")
            return
        name, ok = QInputDialog.getText(self, "Split off mention", "New entity's name:", text=surface)
        if ok and name.strip():
            self.do(edits.SplitEntity(mention.entity_id, (mention.id,), name.strip()))

    def label_all_occurrences(self) -> None:
        selection = self.view.selection()
        key = self.selected_key()
        if selection:
            surface, label, entity_id = self.text[selection[0]:selection[1]], None, None
        elif key and key[0] == "mention":
            m = self.store.mention(key[1])
            surface, label, entity_id = self.text[m.start:m.end], m.label, m.entity_id
        else:
            self.statusBar().showMessage("Select text or a mention first", 3000)
            return
        if label is None:
            names = [lab.name for lab in self.store.labels("entity")]
            label, ok = QInputDialog.getItem(self, "Label all occurrences", f"Label for “{surface}”:", names, 0, False)
            if not ok:
                return
        batch = edits.label_all_occurrences(self.store, surface, label, entity_id)
        if not batch:
            self.statusBar().showMessage(f"No unlabelled occurrences of “{surface}”", 3000)
            return
        self.session.do_many(batch, f"label {len(batch)} occurrences of {surface}")
        self.statusBar().showMessage(f"Labelled {len(batch)} occurrences of “{surface}” as {label}", 5000)

    def apply_to_identical(self) -> None:
        key = self.selected_key()
        if not key or key[0] != "mention":
            self.statusBar().showMessage("Select a mention in the article first", 3000)
            return
        batch = edits.apply_to_identical_mentions(self.store, key[1])
        if not batch:
            self.statusBar().showMessage("Every identical mention already agrees", 3000)
            return
        self.session.do_many(batch, "apply correction to identical mentions")
        self.statusBar().showMessage(f"Applied to {len(batch)} mentions", 4000)

    def _on_story_change(self, event: ChangeEvent) -> None:
        """Keep the entity story current: patched from the changed articles only (each an indexed
        read), re-read whole after entity changes (merge, rename, split) or a bulk refresh."""
        if self.entities_panel.story_entity is None or not event.tables & {"entities", "mentions", "quotes",
                                                                             "documents"}:
            return
        if "entities" in event.tables or not event.doc_ids or self._story_stale or not self.entities_panel.isVisible():
            self._story_stale = True
            self._refresh_story()
        else:
            self.show_entity_story(self.entities_panel.story_entity, event.doc_ids)

    def _refresh_story(self) -> None:
        """Re-read the entity story after a change (now if its dock shows, else when it is shown);
        an entity merged away or deleted gives way to the one selected in the table, or to none."""
        if not self._story_stale or not self.entities_panel.isVisible():
            return
        self._story_stale = False
        shown = self.entities_panel.story_entity
        if self.store is not None and shown is not None and self.store.entity_names([shown]):
            self.show_entity_story(shown)
            return
        current = self.entities_panel.table.currentIndex()
        self.show_entity_story(current.data(ID_ROLE) if current.isValid() else None)

    def show_entity_story(self, entity_id: int | None, changed_docs: Iterable[int] | None = None) -> None:
        """The entity across the story: its quotes in every article, then where it is mentioned.

        With ``changed_docs`` (the same entity shown), only those articles are read again."""
        entity = None
        if self.store is not None and entity_id is not None:
            try:
                entity = self.store.entity(entity_id)
            except KeyError:
                pass
        if entity is None:
            self._story_docs = {}
            self.entities_panel.clear_story()
            return
        store = self.store
        if changed_docs is None or self.entities_panel.story_entity != entity_id:
            per_doc: dict[int, tuple[list, list]] = {}
            for q in store.quotes(include_rejected=False):
                if q.speaker_entity_id == entity_id:
                    per_doc.setdefault(q.doc_id, ([], []))[0].append(q)
            for m in store.mentions(include_rejected=False):
                if m.entity_id == entity_id:
                    per_doc.setdefault(m.doc_id, ([], []))[1].append(m)
            self._story_docs = {doc_id: self._story_rows(doc_id, *found) for doc_id, found in per_doc.items()}
        else:
            for doc_id in changed_docs:
                if store.document_summaries([doc_id]):
                    quotes = [q for q in store.quotes(doc_id, include_rejected=False) if q.speaker_entity_id == entity_id]
                    mentions = [m for m in store.mentions(doc_id, include_rejected=False) if m.entity_id == entity_id]
                else:  # the article was deleted
                    quotes, mentions = [], []
                self._story_docs.pop(doc_id, None)
                if quotes or mentions:
                    self._story_docs[doc_id] = self._story_rows(doc_id, quotes, mentions)
        quote_rows = sorted((row for rows in self._story_docs.values() for row in rows[0]), key=lambda r: r[1][1][1])
        mention_rows = [rows[1] for _, rows in sorted(self._story_docs.items()) if rows[1] is not None]
        self.entities_panel.show_story(f"{entity.name} — {len(quote_rows)} quotes in {len(self._story_docs)} articles",
                                       quote_rows + mention_rows, entity_id)

    def _story_rows(self, doc_id: int, quotes: list, mentions: list) -> tuple[list, tuple | None]:
        """One article's part of the entity story: a row per quote, one row for its mentions."""
        summary = (self.store.document_summaries([doc_id]) or [{}])[0]
        outlet = summary.get("source") or " ".join((summary.get("title") or summary.get("lead")
                                                    or summary.get("ext_id") or "").split())[:40]
        text = self.store.document(doc_id).text if quotes else ""
        quote_rows = []
        for q in quotes:
            content = " … ".join(" ".join(f.text(text).split()) for f in q.content)
            quote_rows.append((f"“{content[:160]}” — {outlet} ({q.type})", (doc_id, ("quote", q.id))))
        mention_row = None
        if mentions:
            mention_row = (f"{outlet}: {len(mentions)} mention{'s' if len(mentions) != 1 else ''}",
                           (doc_id, ("mention", mentions[0].id)))
        return quote_rows, mention_row

    def _open_story_item(self, target) -> None:
        doc_id, key = target
        if doc_id != self.doc_id:
            self.show_document(doc_id)
        self.select_key(key)

    def show_entity(self, entity_id: int) -> None:
        mentions = [m for m in self.store.mentions() if m.entity_id == entity_id]
        if mentions:
            self.show_document(mentions[0].doc_id)
            self.select_key(("mention", mentions[0].id))

    # Context menu ------------------------------------------------------------------------------------------

    def build_context_menu(self, point) -> QMenu:
        """What a right-click offers: labels for the selection, actions for the span under it."""
        menu = QMenu(self)
        if self.doc_id is None:
            return menu
        key = self.view.span_key_at_point(point)
        selection = self.view.selection()
        if key is not None and not (selection and selection[0] <= self.view_span_start(key) < selection[1]):
            self.select_key(key)
        else:
            key = self.selected_key() if not selection else None
        if selection:
            labels = menu.addMenu("Label as")
            for lab in self.store.labels("entity"):
                act = labels.addAction(f"{lab.name}" + (f"\t{lab.hotkey}" if lab.hotkey else ""))
                act.triggered.connect(lambda _=False, n=lab.name: self.apply_label(n))
            menu.addAction("Mark as claim\tC", self.new_claim)
            menu.addAction("Mark as quote\tQ", self.new_quote)
            quote = self._pick_speaker_for or self._selected_quote()
            if quote is not None:
                menu.addAction("Set as the quote's speaker", lambda: self._quote_part_from_selection(quote, "speaker"))
                menu.addAction("Set as the quote's cue\tU", lambda: self._quote_part_from_selection(quote, "cue"))
                menu.addAction("Add as a quote fragment", lambda: self.add_fragment(quote))
            menu.addAction("Label all occurrences in the project…", self.label_all_occurrences)
        elif key is not None:
            layer, row_id = key
            menu.addAction(icon("accept"), "Accept\tEnter", lambda: self.set_status_selected("accepted"))
            menu.addAction(icon("reject"), "Reject\tX", lambda: self.set_status_selected("rejected"))
            menu.addAction("Delete\tDel", self.delete_selected)
            if layer == "mention":
                relabel = menu.addMenu("Relabel as")
                for lab in self.store.labels("entity"):
                    act = relabel.addAction(f"{lab.name}" + (f"\t{lab.hotkey}" if lab.hotkey else ""))
                    act.triggered.connect(lambda _=False, n=lab.name, m=row_id: self.do(edits.RelabelMention(m, n)))
                menu.addSeparator()
                menu.addAction("Split off into a new entity…", self.split_mention)
                menu.addAction("Apply to identical mentions", self.apply_to_identical)
                menu.addAction("Label all occurrences in the project", self.label_all_occurrences)
            elif layer in ("quote", "speaker", "cue"):
                menu.addAction("Choose the speaker…\tS", lambda: self.start_pick_speaker(row_id))
                types = menu.addMenu("Type")
                for t in ("direct", "indirect", "mixed"):
                    types.addAction(t, lambda t=t: self.do(edits.EditQuote(row_id, {"type": t})))
            elif layer == "claim":
                for label_set, names in self.store.claim_label_sets().items():
                    sub = menu.addMenu(label_set.capitalize())
                    for name in names:
                        sub.addAction(name, lambda s=label_set, n=name: self.do(edits.SetClaimLabel(row_id, s, n)))
        if selection:
            menu.addSeparator()
            menu.addAction("Copy", self.view.copy)
        return menu

    def view_span_start(self, key) -> int:
        return next((s.start for s in self._spans if s.key == key), -1)

    def show_context_menu(self, point) -> None:
        menu = self.build_context_menu(point)
        if not menu.isEmpty():
            menu.exec(self.view.viewport().mapToGlobal(point))

    # Find ---------------------------------------------------------------------------------------------------

    def show_find(self) -> None:
        self.find_bar.show()
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def find_next(self, step: int = 1) -> None:
        needle = self.find_edit.text()
        if not needle or not self.text:
            return
        if self._lowered is None:
            self._lowered = self.text.lower()
        hay, low = self._lowered, needle.lower()
        selection = self.view.selection()
        pos = selection[1] if selection and step > 0 else (selection[0] if selection else 0)
        index = hay.find(low, pos) if step > 0 else hay.rfind(low, 0, max(pos, 0))
        if index < 0:
            index = hay.find(low) if step > 0 else hay.rfind(low)
        if index < 0:
            self.find_status.setText("not found")
            return
        count = hay.count(low)
        self.find_status.setText(f"{count} match{'es' if count != 1 else ''}")
        self.view.set_selection(index, index + len(needle))

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            if self.find_bar.isVisible():
                self.find_bar.hide()
                self.view.setFocus()
                return
            if self._pick_speaker_for is not None:
                self._pick_speaker_for = None
                self.statusBar().showMessage("Speaker pick cancelled", 2000)
                return
        if self.find_edit.hasFocus() and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.find_next(-1)
            return
        super().keyPressEvent(event)

    def show_project_search(self) -> None:
        self.search_dock.show()
        self.search_dock.raise_()
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def run_project_search(self) -> None:
        self.search_results.clear()
        query = self.search_edit.text().strip()
        if not query or self.store is None:
            return
        titles = {r["id"]: r["title"] or r["ext_id"] for r in self.store.document_summaries()}
        hits = self.store.search(query)
        for doc_id, snip in hits:
            item = QListWidgetItem(f"{titles.get(doc_id, doc_id)}\n{' '.join(snip.split())}")
            item.setData(Qt.ItemDataRole.UserRole, (doc_id, query))
            self.search_results.addItem(item)
        if not hits:
            self.search_results.addItem("No matches")

    def _open_search_hit(self, item: QListWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if not data:
            return
        doc_id, query = data
        self.show_document(doc_id)
        words = query.split()
        lowered = self.text.lower()
        for word in words:
            index = lowered.find(word.lower())
            if index >= 0:
                self.view.set_selection(index, index + len(word))
                break

    # Jobs ------------------------------------------------------------------------------------------------------

    def import_files_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Import articles", str(Path.home()),
                                                "Articles (*.txt *.html *.htm *.jsonl *.ann);;All files (*)")
        if paths:
            self.import_paths(paths)

    def import_folder_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Import a folder of articles", str(Path.home()))
        if path:
            self.import_paths([path])

    def import_paths(self, paths: list[str]) -> bool:
        if self.session is None:
            return False
        project = self.session.path
        return self.jobs.start("Importing", lambda job: _import_job(project, paths, job))

    def preannotate(self) -> None:
        if self.session is None:
            return
        project = self.session.path
        try:
            from desktop.nlp.annotate import annotate_project
        except ImportError as exc:  # pragma: no cover - the nlp layer is part of the package
            self.notify(QMessageBox.Icon.Warning, "Pre-annotate", f"The spaCy pipeline is not available: {exc}")
            return

        content = self.quote_content()

        def job_fn(job):
            with Store.open(project) as store:
                return annotate_project(store, job=job, content=content)

        self.jobs.start("Pre-annotating", job_fn)

    def export_dialog(self) -> None:
        if self.session is None:
            return
        from desktop.ui.export_dialog import ExportDialog

        self.export_dialog_widget = ExportDialog(self.session.path, self.jobs, self)
        self.export_dialog_widget.open()

    def _job_started(self, title: str) -> None:
        self.job_label.setText(title)
        self.job_progress.setRange(0, 0)
        for w in (self.job_label, self.job_progress, self.job_cancel):
            w.show()

    def _job_progress(self, done: int, total: int, message: str) -> None:
        self.job_progress.setRange(0, max(total, 1))
        self.job_progress.setValue(done)
        self.job_progress.setFormat(f"{done}/{total}")
        now = time.monotonic()
        if self.session is not None and now - self._last_refresh > 1.0:
            self._last_refresh = now
            self.session.refresh()  # results appear as they land (at most once a second)

    def _job_finished(self, title: str, result) -> None:
        for w in (self.job_label, self.job_progress, self.job_cancel):
            w.hide()
        if self.session is not None:
            self.session.refresh()
        if result is None:
            summary = "cancelled"
        elif hasattr(result, "summary"):
            summary = result.summary()
        elif hasattr(result, "line"):  # an export summary
            summary = result.line()
        else:
            summary = str(result)
        self.statusBar().showMessage(f"{title}: {summary}", 8000)
        problems = getattr(result, "problems", None) or []
        if problems:
            self.notify(QMessageBox.Icon.Warning, f"{title}: {len(problems)} problem(s)",
                        "\n".join(str(p) for p in problems[:30]) +
                        (f"\n… and {len(problems) - 30} more" if len(problems) > 30 else ""))

    def _job_failed(self, title: str, message: str) -> None:
        for w in (self.job_label, self.job_progress, self.job_cancel):
            w.hide()
        self.notify(QMessageBox.Icon.Critical, f"{title} failed", message)

    def notify(self, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        """A message that does not block the event loop (results keep landing behind it)."""
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_message = box
        return box

    # Drag and drop ------------------------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and self.session is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if len(paths) == 1 and is_project_file(paths[0]):
            self.open_project(paths[0])
        elif paths:
            self.import_paths(paths)
        event.acceptProposedAction()

    # Help ---------------------------------------------------------------------------------------------------

    def show_shortcuts(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle("Keyboard shortcuts")
        table = QTableWidget(0, 2)
        table.setHorizontalHeaderLabels(["Keys", "What it does"])
        table.verticalHeader().hide()
        table.verticalHeader().setMinimumSectionSize(18)
        rows = [(spec.shortcut, spec.text.replace("&", "")) for _, specs in A.MENUS for spec in specs
                if spec and spec.shortcut]
        rows += [(lab.hotkey, f"label as {lab.name}") for lab in getattr(self, "hotkey_labels", [])]
        rows += [(lab.hotkey, f"selected claim: {lab.label_set} = {lab.name}") for lab in getattr(self, "claim_hotkeys", [])]
        rows += list(KEYMAP)
        for keys, what in rows:
            r = table.rowCount()
            table.insertRow(r)
            table.setItem(r, 0, QTableWidgetItem(QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText) or keys))
            table.setItem(r, 1, QTableWidgetItem(what))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        table.verticalHeader().setDefaultSectionSize(22)
        table.setShowGrid(False)
        table.setAlternatingRowColors(True)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        layout = QVBoxLayout(dialog)
        layout.addWidget(table)
        dialog.resize(560, 640)
        self.shortcuts_dialog = dialog
        dialog.show()

    def show_about(self) -> None:
        from desktop import __version__

        QMessageBox.about(self, "About Claimdesk", f"<b>Claimdesk {__version__}</b><p>An annotation workbench for "
                          "news: entities, quotes and claims, one SQLite project file.</p>")

    def show_schema(self) -> None:
        from desktop.ui.schema_dialog import SchemaDialog

        if self.session is not None:
            self.schema_dialog = SchemaDialog(self.session, self)
            self.schema_dialog.open()

    def show_history(self) -> None:
        self.history_dock.show()
        self.history_dock.raise_()

    # Settings -------------------------------------------------------------------------------------------------

    def _recent(self) -> list[str]:
        value = self.settings.value("recent_projects", [])
        if isinstance(value, str):
            value = [value]
        return [v for v in (value or []) if isinstance(v, str)]

    def _remember_recent(self, path: str) -> None:
        recent = [path] + [p for p in self._recent() if p != path]
        self.settings.setValue("recent_projects", recent[:MAX_RECENT])
        self._update_recent_menu()

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self._recent()
        for path in recent:
            act = self.recent_menu.addAction(Path(path).name)
            act.setToolTip(path)
            act.triggered.connect(lambda _=False, p=path: self.open_project(p))
        self.recent_menu.setEnabled(bool(recent))

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def closeEvent(self, event) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self._set_session(None)
        super().closeEvent(event)


def _import_job(project: Path, paths: list[str], job):
    with Store.open(project) as store:
        return import_into(store, paths, job=job)


def icon(name: str) -> QIcon:
    path = resources_dir() / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()


def dark_palette() -> QPalette:
    """Fusion's colours for a dark scheme, for platforms whose theme cannot switch on request."""
    pal = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#2b2d30", QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1f22", QPalette.ColorRole.AlternateBase: "#27292c",
        QPalette.ColorRole.ToolTipBase: "#3c3f41", QPalette.ColorRole.ToolTipText: "#e6e6e6",
        QPalette.ColorRole.PlaceholderText: "#8c8f94", QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#36383b", QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.BrightText: "#ff6b6b", QPalette.ColorRole.Highlight: "#3d6bc4",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.Link: "#6ea8fe",
        QPalette.ColorRole.Light: "#4a4d51", QPalette.ColorRole.Midlight: "#3c3f42",
        QPalette.ColorRole.Mid: "#2f3134", QPalette.ColorRole.Dark: "#1a1b1d", QPalette.ColorRole.Shadow: "#000000",
    }
    for role, value in colors.items():
        pal.setColor(role, QColor(value))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7d82"))
    return pal


def apply_color_scheme(value: str) -> None:
    """``system`` follows the desktop's light or dark setting; ``light``/``dark`` force one.

    Qt >= 6.8 asks the platform theme to switch; where it cannot (no desktop theme, offscreen),
    a dark or the standard palette is set instead.
    """
    app = QApplication.instance()
    hints = QGuiApplication.styleHints()
    wanted = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(value, Qt.ColorScheme.Unknown)
    if hasattr(hints, "setColorScheme"):
        if wanted == Qt.ColorScheme.Unknown and hasattr(hints, "unsetColorScheme"):
            hints.unsetColorScheme()
        else:
            hints.setColorScheme(wanted)
    if app is None:
        return
    if wanted == Qt.ColorScheme.Dark and hints.colorScheme() != Qt.ColorScheme.Dark:
        app.setPalette(dark_palette())
    elif wanted != Qt.ColorScheme.Dark:
        app.setPalette(app.style().standardPalette())


def apply_theme(app: QApplication, settings: QSettings | None = None) -> None:
    """Fusion style with the system's light or dark palette (or the one chosen in View ▸ Theme)."""
    app.setStyle("Fusion")
    qss = resources_dir() / "style.qss"
    if qss.exists():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    settings = settings or QSettings(ORG_NAME, APP_NAME)
    apply_color_scheme(str(settings.value("theme", "system")))

