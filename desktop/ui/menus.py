"""The window's menus and toolbar, built from ``actions.MENUS`` (texts, icons) and the key map
(``desktop/app/keymap.py``: shortcuts, and which keys act only in the article)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from desktop.nlp.quotes import CONTENT_CONVENTIONS, DEFAULT_CONTENT
from desktop.ui import actions as A
from desktop.ui import (
    delete_document,
    finding,
    guidelines,
    jobs_bar,
    layout,
    settings_dialog,
    shortcuts,
    tab_through,
)
from desktop.ui.recent import update_recent_menu
from desktop.ui.theme import icon


def build_actions(win) -> None:
    win.actions_by_id: dict[str, QAction] = {}
    handlers = {
        A.NEW: win.new_project, A.OPEN: lambda: open_dialog(win), A.IMPORT_FILES: lambda: jobs_bar.import_files_dialog(win),
        A.IMPORT_FOLDER: lambda: jobs_bar.import_folder_dialog(win), A.EXPORT: win.export_dialog, A.CLOSE: win.close_project,
        A.PROJECT_SETTINGS: lambda: settings_dialog.show_project_settings(win),
        A.QUIT: win.close, A.UNDO: win.undo, A.REDO: win.redo, A.HISTORY: lambda: (win.history_dock.show(), win.history_dock.raise_()),
        A.FIND: lambda: finding.show_find(win),
        A.FIND_PROJECT: lambda: finding.show_project_search(win), A.SCHEMA: win.show_schema,
        A.DELETE_DOC: lambda: delete_document.confirm_delete_document(win),
        A.ACCEPT: lambda: win.set_status_selected("accepted"), A.REJECT: lambda: win.set_status_selected("rejected"),
        A.ACCEPT_ALL: win.accept_all, A.DELETE: win.delete_selected, A.NEW_CLAIM: win.new_claim,
        A.CLAIM_SENTENCE: lambda: win.new_claim(sentence=True),
        A.NEW_QUOTE: win.new_quote, A.SET_SPEAKER: win.set_speaker, A.SET_CUE: win.set_cue,
        A.PREANNOTATE: win.preannotate, A.TRAIN: lambda: jobs_bar.train(win), A.NEXT_SUGGESTION: lambda: win.step_span(1),
        A.PREV_SUGGESTION: lambda: win.step_span(-1), A.NEXT_DOC: lambda: win.step_document(1),
        A.PREV_DOC: lambda: win.step_document(-1), A.MARK_DONE: win.mark_done,
        A.NEXT_REVIEW: lambda: win.review_panel.step(1), A.PREV_REVIEW: lambda: win.review_panel.step(-1),
        **{spec: (lambda layer=layer: win.toggle_reviewed(layer)) for spec, layer in A.REVIEW_ACTIONS.items()},
        A.ZOOM_IN: win.view.zoom_in, A.ZOOM_OUT: win.view.zoom_out, A.ZOOM_RESET: win.view.zoom_reset,
        A.SHORTCUTS: lambda: shortcuts.show_shortcuts(win), A.ABOUT: lambda: shortcuts.show_about(win),
        A.GUIDELINES: lambda: guidelines.show_guidelines(win),
    }
    menubar = win.menuBar()
    for title, specs in A.MENUS:
        menu = menubar.addMenu(title)
        for spec in specs:
            if spec is None:
                menu.addSeparator()
                continue
            action = QAction(spec.text, win)
            action.setObjectName(spec.id)
            if spec.shortcut:
                action.setShortcuts([QKeySequence(key) for key in spec.shortcuts])
            if spec.tip:
                action.setStatusTip(spec.tip)
            if spec.icon:
                action.setIcon(icon(spec.icon))
            action.triggered.connect(lambda _=False, f=handlers[spec]: f())
            if spec.in_article:  # single keys act only while the article has focus
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
                win.view.addAction(action)
            else:
                win.addAction(action)
            menu.addAction(action)
            win.actions_by_id[spec.id] = action
        if title == "&File":
            win.recent_menu = menu.addMenu("Open &Recent")
            menu.insertMenu(win.actions_by_id[A.IMPORT_FILES.id], win.recent_menu)
            menu.insertSeparator(win.actions_by_id[A.IMPORT_FILES.id])
        if title == "&Annotate":
            win.label_menu = menu.addMenu("Entity &Label")
            win.label_group = QActionGroup(win)
            build_content_menu(win, menu)
        if title == "&View":
            menu.addSeparator()
            tab_through.build_menu(win, menu)
            theme_menu = menu.addMenu("&Theme")
            group = QActionGroup(win)
            current = win.settings.value("theme", "system")
            for value, text in (("system", "Follow the &System"), ("light", "&Light"), ("dark", "&Dark")):
                act = theme_menu.addAction(text)
                act.setCheckable(True)
                act.setChecked(value == current)
                act.setObjectName(f"view.theme.{value}")
                group.addAction(act)
                act.triggered.connect(lambda _=False, v=value: win.set_theme(v))
            menu.addSeparator()
            for dock in (win.docs_dock, win.quotes_dock, win.claims_dock, win.entities_dock, win.search_dock,
                         win.history_dock):
                menu.addAction(dock.toggleViewAction())
    update_recent_menu(win)
    toolbar = win.addToolBar("Main")
    toolbar.setObjectName("toolbar.main")
    toolbar.setMovable(False)
    toolbar.setIconSize(QSize(20, 20))
    for spec in A.TOOLBAR:
        if spec is None:
            toolbar.addSeparator()
        else:
            toolbar.addAction(win.actions_by_id[spec.id])
    win.toolbar = toolbar


def build_content_menu(win, menu) -> None:
    """Annotate > Quote Content: how far the next pre-annotation's quote content reaches."""
    win.content_menu = menu.addMenu("Quote &Content for Pre-annotation")
    group = QActionGroup(win)
    win.content_actions: dict[str, QAction] = {}
    for value, text in (("clause", "The Reported &Clause (without “that”)"),
                        ("parc", "&PARC / PolNeAR Spans (with “that”)")):
        act = win.content_menu.addAction(text)
        act.setCheckable(True)
        act.setObjectName(f"annotate.content.{value}")
        act.setStatusTip(CONTENT_CONVENTIONS[value])
        group.addAction(act)
        win.content_actions[value] = act
    check_content(win, None)


def check_content(win, value: str | None) -> None:
    win.content_actions.get(value or DEFAULT_CONTENT, win.content_actions[DEFAULT_CONTENT]).setChecked(True)


def quote_content(win) -> str:
    """The quote content convention the next pre-annotation uses (the project's, until changed)."""
    return next((v for v, act in win.content_actions.items() if act.isChecked()), DEFAULT_CONTENT)


def open_dialog(win) -> None:
    path = layout.ask_project_path(win)
    if path:
        win.open_project(path)
