"""The main window: docks, menus and wiring; no domain logic.

Gestures in the article view and the inspector panels arrive as requests; each becomes edits that
:mod:`desktop.app.gestures` chooses (the slots are :class:`~desktop.ui.gesture_slots.GestureSlots`),
applied through :class:`~desktop.ui.undo.ProjectSession` (the application's session with Qt
signals: committed at once, undoable), and the session's change signal refreshes the views.  The
pieces live beside it: ``layout.py`` (the widgets and docks), ``menus.py`` (menus and toolbar from
``actions.py`` and the key map), ``context_menu.py``, ``finding.py`` (find bar, project search),
``story.py`` (across the story), ``jobs_bar.py`` (import, pre-annotate, export in the background),
``delete_document.py``, ``recent.py``, ``shortcuts.py`` (F1) and ``theme.py``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox

from desktop.app import gestures
from desktop.app.session import Applied, Session
from desktop.core import edits
from desktop.core.store import ChangeEvent, ProjectError, Store
from desktop.core.wording import plural
from desktop.paths import is_project_file
from desktop.ui import actions as A
from desktop.ui import context_menu, finding, jobs_bar, layout, menus, models, recent, theme
from desktop.ui.article_spans import ArticleSpans
from desktop.ui.article_view import SpanItem
from desktop.ui.entity_lists import ListedEntities
from desktop.ui.gesture_slots import GestureSlots
from desktop.ui.panels import select_id
from desktop.ui.review_panel import install as install_review_panel
from desktop.ui.span_filter import install as install_span_filter
from desktop.ui.story import StoryView
from desktop.ui.story_window import install as install_story_window
from desktop.ui.theme import ORG_NAME
from desktop.ui.undo import ProjectSession
from desktop.ui.workers import JobRunner

APP_NAME, app_icon, apply_theme = theme.APP_NAME, theme.app_icon, theme.apply_theme  # for ui/app.py
__all__ = ["APP_NAME", "ORG_NAME", "MainWindow", "app_icon", "apply_theme"]


def settle_garbage_collector() -> None:
    """What a project's opening made stays (the articles list, the entities, the window's own
    objects): moved out of the garbage collector's sight (``gc.freeze``), so that its full
    collections, which come every few document switches, scan only what was made since (a full
    collection of an open 10,000-document project took ~40 ms, a switch's whole budget).  The
    previous opening's objects are given back first (``gc.unfreeze``) and collected, so a closed
    project's cycles are not kept."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class MainWindow(GestureSlots, QMainWindow):
    sig_document_shown = Signal(int)

    def __init__(self, settings: QSettings | None = None):
        super().__init__()
        self.settings = settings or QSettings(ORG_NAME, APP_NAME)
        self.session: ProjectSession | None = None
        self.doc_id: int | None = None
        self.document_error: ProjectError | None = None  # why the chosen article could not be shown
        self.open_error: ProjectError | None = None  # why the last project could not be opened (who holds it)
        self.text = ""
        self._lowered: str | None = None  # self.text.lower(), for find; made on first use
        self._reselect_row = 0  # the row shown when the current article goes (a delete)
        self.article_spans = ArticleSpans()  # the spans the view shows, patched by change events
        self._pick_speaker_for: int | None = None
        self._last_refresh = 0.0
        self._syncing_doc_row = False  # the list follows the shown article; that is no request to show one
        self.listed_entities = ListedEntities()  # what the speaker picker and claimant completer list
        self.setWindowTitle("Claimdesk")
        self.setWindowIcon(app_icon())
        self.resize(1400, 860)
        self.setDockOptions(QMainWindow.DockOption.AllowTabbedDocks)

        self.jobs = JobRunner(self)
        self.doc_model = models.DocumentTableModel()
        self.doc_proxy = models.DocumentFilterModel(self)
        self.doc_proxy.setSourceModel(self.doc_model)
        self.entity_model = models.EntityTableModel()
        self.quote_model = models.QuoteTableModel()
        self.claim_model = models.ClaimTableModel()

        layout.build_central(self)
        layout.build_docks(self)
        self.story = StoryView(self.entities_panel, lambda: self.store)
        menus.build_actions(self)
        layout.build_status_bar(self)
        layout.arrange_docks(self)
        install_span_filter(self)  # View ▸ Show
        install_review_panel(self)  # the Review dock, F8
        install_story_window(self)  # View ▸ Story View
        self._wire()
        self._restore_layout()
        self._update_enabled()

    def _wire(self) -> None:
        v = self.view
        v.sig_span_clicked.connect(self.on_span_clicked)
        v.sig_label_requested.connect(self.on_label_key)
        v.sig_key_requested.connect(self.on_view_key)
        v.sig_resize_requested.connect(self.on_resize)
        self.doc_table.selectionModel().currentRowChanged.connect(self._on_doc_row)
        for signal in (self.doc_proxy.rowsInserted, self.doc_proxy.layoutChanged, self.doc_proxy.modelReset):
            signal.connect(lambda *_: self._select_doc_row(self.doc_id))  # filter cleared, re-sorted, reloaded
        self.entities_dock.visibilityChanged.connect(lambda visible: visible and self.story.refresh())
        self.doc_filter.textChanged.connect(self.doc_proxy.set_text_filter)
        self.doc_status.currentIndexChanged.connect(lambda _i: self.doc_proxy.set_status_filter(self.doc_status.currentData()))
        self._wire_panels()
        jobs_bar.connect(self)
        finding.connect(self)
        context_menu.connect(self)
        self.setAcceptDrops(True)


    # Project ------------------------------------------------------------------------------------------

    @property
    def store(self) -> Store | None:
        return self.session.store if self.session else None

    def open_project(self, path: str | Path) -> bool:
        return self._start_session(path, Session.open, "Cannot open project")

    def new_project(self) -> None:
        path = layout.ask_new_project_path(self)
        if path:
            self._start_session(path, Session.create, "Cannot create project")

    def _start_session(self, path: str | Path, start, problem: str) -> bool:
        try:
            session = start(path)
        except ProjectError as exc:
            self.open_error = exc  # a locked project: "already open by … since …", as the CLI says
            self.notify(QMessageBox.Icon.Warning, problem, str(exc))
            return False
        self.open_error = None
        self._set_session(ProjectSession(session, self))
        recent.remember_recent(self, str(Path(path).resolve()))
        return True

    def close_project(self) -> None:
        self._set_session(None)

    def _set_session(self, session: ProjectSession | None) -> None:
        if self.session is not None:
            recent.remember_position(self)  # the article and position, for the next time it opens
            self.jobs.cancel()
            self.jobs.wait()
            self.session.close()
            self.session.deleteLater()
        self.session = session
        self.doc_id = None
        store = session.store if session else None
        for model in (self.doc_model, self.entity_model, self.quote_model, self.claim_model):
            model.store = store
        self.review_panel.reset()
        self.story_window.reset()
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
            menus.check_content(self, session.store.meta("quote_content"))
            if not recent.restore_position(self) and self.doc_proxy.rowCount():
                self.doc_table.selectRow(0)
        else:
            self.history_view.setStack(None)
            self.setWindowTitle("Claimdesk")
            self.view.set_document("", [])
            self.title_label.clear()
            self.meta_label.clear()
        self._update_progress()
        self._update_enabled()
        settle_garbage_collector()
        from desktop.ui.guidelines import follow_session

        follow_session(self)  # an open Help ▸ Annotation Guidelines shows this project's

    def _load_schema(self) -> None:
        labels = self.store.labels("entity")
        self.label_colors = {lab.name: lab.color for lab in labels}
        self.hotkey_labels = gestures.hotkey_labels(self.store)
        self.view.set_hotkey_labels([(lab.hotkey, lab.name, lab.color) for lab in self.hotkey_labels])
        self.label_menu.clear()
        for lab in labels:
            act = self.label_menu.addAction(f"{lab.name}" + (f"\t{lab.hotkey}" if lab.hotkey else ""))
            act.triggered.connect(lambda _=False, name=lab.name: self.apply_label(name))
        self.claim_hotkeys = gestures.claim_hotkeys(self.store)
        self.view.set_claim_hotkey_labels([(lab.hotkey, lab.name, lab.color) for lab in self.claim_hotkeys])
        self.claims_panel.set_label_sets(self.store.claim_label_sets(),
                                         {(lab.label_set, lab.name): lab.hotkey for lab in self.claim_hotkeys})

    def _refresh_entities_lists(self, ids: frozenset[int] | None = None) -> None:
        """The speaker picker and the claimant completer, from the entity model (kept current by
        the change events); given the entities an event changed, only their entries move."""
        if self.listed_entities.update(self.entity_model if self.store else None, ids):
            self.quotes_panel.set_entities(self.listed_entities.choices or [])
            self.claims_panel.set_claimant_names(self.listed_entities.choices or [])

    # Documents ----------------------------------------------------------------------------------------

    @property
    def _spans(self) -> list[SpanItem]:
        """The spans the view shows (read by the gesture slots and the context menu)."""
        return self.span_filter.shown(self.article_spans.items)

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
            self.doc_id, self.text = None, ""
            self.article_spans.clear()
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
        self.meta_label.setText(models.document_meta(doc))
        quotes, claims = self.store.quotes(doc_id), self.store.claims(doc_id)  # read once: the tables and the view
        self.quote_model.set_document(doc_id, doc.text, quotes)
        self.claim_model.set_document(doc_id, doc.text, claims)
        self.quotes_panel.show_quote(None)
        self.claims_panel.show_claim(None)
        spans = self.article_spans.rebuild(self.store, doc_id, doc.text, self.label_colors,
                                           [q for q in quotes if q.prov.status != "rejected"],
                                           [c for c in claims if c.prov.status != "rejected"])
        self.view.set_document(doc.text, self.span_filter.shown(spans, reread=True))
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

    # Change events ---------------------------------------------------------------------------------------

    def on_project_changed(self, event: ChangeEvent) -> None:
        """Bring the models and the article up to date.  When the event names the rows it wrote
        (``ChangeEvent.keys``: the window's own edits, undo and redo), only those rows and spans
        are redone; a ``refresh`` (a worker wrote through its own connection) rebuilds them."""
        self.doc_model.on_change(event)
        self.entity_model.on_change(event)
        self.quote_model.on_change(event)
        self.claim_model.on_change(event)
        self.review_panel.on_change(event)
        if "labels" in event.tables:
            self._load_schema()
        # an entity is listed while a live mention links to it: the entity model knows which are,
        # and the event names every entity written or linked from a written mention (or None)
        if event.tables & {"entities", "mentions"}:
            linked = event.linked_rows("entities")
            if linked is None or linked:
                self._refresh_entities_lists(linked)
        self._on_story_change(event)
        documents = event.rows("documents")
        if self.doc_id is not None and (not event.doc_ids or self.doc_id in event.doc_ids or "entities" in event.tables):
            try:
                if documents is None or self.doc_id in documents:  # else the document's row is as it was
                    doc = self.store.document(self.doc_id)
                    self.meta_label.setText(models.document_meta(doc))
            except KeyError:  # the document was removed
                self.doc_id = None
                self.text, self._lowered = "", None
                self.article_spans.clear()
                self.view.set_document("", [])
                self.quote_model.set_document(None)
                self.claim_model.set_document(None)
                self.quotes_panel.show_quote(None)
                self.claims_panel.show_claim(None)
                self.title_label.clear()
                self.meta_label.clear()
                self._update_enabled()
            else:
                patch = self.article_spans.patch(self.store, self.doc_id, self.text, self.label_colors, event)
                if patch is None:
                    self.view.set_spans(self.span_filter.shown(self.article_spans.rebuild(
                        self.store, self.doc_id, self.text, self.label_colors), reread=True))
                elif patch[0] or patch[1]:
                    self.view.patch_spans(*self.span_filter.patch(*patch))
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
        self.progress_label.setText(f"{counts['done']} of {plural(total, 'article')} done")

    def _update_enabled(self) -> None:
        has_project, has_doc = self.session is not None, self.doc_id is not None
        for spec in (A.IMPORT_FILES, A.IMPORT_FOLDER, A.EXPORT, A.CLOSE, A.FIND_PROJECT, A.PREANNOTATE, A.SCHEMA,
                     A.PROJECT_SETTINGS):
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

    def _on_story_change(self, event: ChangeEvent) -> None:
        self.story.on_change(event)
        self.story_window.on_change(event)

    def show_entity_story(self, entity_id: int | None, changed_docs: Iterable[int] | None = None) -> None:
        self.story.show(entity_id, changed_docs)

    # Edits ---------------------------------------------------------------------------------------------------

    def do(self, edit: edits.Edit) -> Applied | None:
        """Apply one edit as one undo step: what it applied (``applied.first("mentions")`` is the row it
        created), or None if refused."""
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
        # the forms show the selected span's quote or claim, or none: never the one selected before
        # (editing a form left over from another span changed that other quote)
        if layer not in ("quote", "speaker", "cue") and self.quotes_panel.current_id() is not None:
            self.quotes_panel.show_quote(None)
        if layer != "claim" and self.claims_panel.current_id() is not None:
            self.claims_panel.show_claim(None)
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

    # Delegates to the window's parts (menus, tests and the bench call these names) ----------------------

    def build_context_menu(self, point) -> QMenu:
        return context_menu.build_context_menu(self, point)

    def build_doc_context_menu(self, point) -> QMenu:
        return context_menu.build_doc_context_menu(self, point)

    def import_paths(self, paths: list[str]) -> bool:
        return jobs_bar.import_paths(self, paths)

    def preannotate(self) -> None:
        jobs_bar.preannotate(self)

    def export_dialog(self) -> None:
        jobs_bar.export_dialog(self)

    def notify(self, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        """A message that does not block the event loop (results keep landing behind it)."""
        return jobs_bar.notify(self, icon, title, text)

    def quote_content(self) -> str:
        """The quote content convention the next pre-annotation uses (the project's, until changed)."""
        return menus.quote_content(self)

    def set_theme(self, value: str) -> None:
        """Light, dark, or the system's scheme (the default); remembered."""
        self.settings.setValue("theme", value)
        theme.apply_color_scheme(value)

    def _recent(self) -> list[str]:
        return recent.recent(self)

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
            finding.find_next(self, -1)
            return
        super().keyPressEvent(event)

    # Drag and drop, help, settings --------------------------------------------------------------------

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

    def show_schema(self) -> None:
        from desktop.ui.schema_dialog import SchemaDialog

        if self.session is not None:
            self.schema_dialog = SchemaDialog(self.session, self)
            self.schema_dialog.open()

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def closeEvent(self, event) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.article_room.state_to_save())  # not the collapsed docks
        self._set_session(None)
        super().closeEvent(event)
