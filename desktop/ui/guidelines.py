"""Help ▸ Annotation Guidelines: the guidelines beside the work, in a window that does not block.

It shows the project's guidelines (its own copy, else the shipped ones; :mod:`desktop.app.guidelines`)
rendered from Markdown. **Edit…** turns the page into the Markdown source, and **Save** stores it in
the project as one undo step. **Reset to Shipped Guidelines** drops the project's copy, also as one
step. Both go through the window's session, so Ctrl+Z (here too) and History undo them. The window
follows the project: another project, a closed one, or an undo in the main window shows at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
)

from desktop.app import guidelines as G
from desktop.core.store import ChangeEvent
from desktop.ui import actions as A
from desktop.ui.undo import ProjectSession


class GuidelinesWindow(QDialog):
    """The guidelines of the main window's project (``win``), read and edited in place."""

    def __init__(self, win) -> None:
        super().__init__(win)
        self.win = win
        self.setObjectName("guidelines")
        self.setModal(False)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.session: ProjectSession | None = None
        self.error = ""
        self.source = QLabel()
        self.source.setObjectName("guidelines.source")
        self.source.setWordWrap(True)
        self.browser = QTextBrowser()
        self.browser.setObjectName("guidelines.browser")
        self.browser.setOpenExternalLinks(True)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("guidelines.editor")
        self.editor.setTabChangesFocus(True)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.browser)
        self.pages.addWidget(self.editor)
        self.edit_button = self._button("Edit…", "guidelines.edit", self.start_edit,
                                        "Edit this project's copy of the guidelines (Markdown); saved in the project")
        self.reset_button = self._button("Reset to Shipped Guidelines", "guidelines.reset", self.reset,
                                         "Drop this project's copy and follow the guidelines Claimdesk ships")
        self.save_button = self._button("Save", "guidelines.save", self.save, "Save the guidelines in the project")
        self.cancel_button = self._button("Cancel", "guidelines.cancel", self.cancel, "Leave them as they were")
        self.close_button = self._button("Close", "guidelines.close", self.close, "")
        buttons = QHBoxLayout()
        for button in (self.edit_button, self.reset_button, self.save_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.source)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        for spec in (A.UNDO, A.REDO):  # Ctrl+Z / Ctrl+Shift+Z act here as in the main window
            self.addAction(win.actions_by_id[spec.id])
        room = win.screen().availableGeometry()  # a reading width, and never taller than the screen
        self.edit_width = min(760, room.width() - 40)  # the source's 100-column lines fit
        self.resize(self.edit_width, min(820, room.height() - 60))
        self.bind(win.session)

    def _button(self, text: str, name: str, slot, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.setToolTip(tip)
        button.clicked.connect(lambda _=False: slot())
        return button

    # Following the project -------------------------------------------------------------------------

    def bind(self, session: ProjectSession | None) -> None:
        """Show the guidelines of ``session``'s project (the shipped ones without a project)."""
        if self.session is not None and self.session is not session:
            try:
                self.session.sig_project_changed.disconnect(self._on_change)
            except (RuntimeError, TypeError):  # the old session is already gone
                pass
        if session is not self.session:  # an edit in progress belonged to the other project
            self.pages.setCurrentWidget(self.browser)
            self.error = ""
            if session is not None:
                session.sig_project_changed.connect(self._on_change)
        self.session = session
        self.refresh()

    def _on_change(self, event: ChangeEvent) -> None:
        if "settings" in event.tables:
            self.refresh()

    def current(self) -> G.Guidelines:
        return G.project_guidelines(self.session.store if self.session else None)

    def refresh(self) -> None:
        """Render the guidelines the project follows now (an edit in progress is left alone)."""
        now = self.current()
        name = self.session.path.name if self.session else None
        self.setWindowTitle(f"Annotation guidelines — {name}" if name else "Annotation guidelines")
        if self.session is None:
            said = "The guidelines Claimdesk ships. Open a project to keep its own copy."
        elif now.own:
            said = f"This project's own guidelines, saved in {name}."
        else:
            said = "The guidelines Claimdesk ships; Edit… keeps a copy of them in this project."
        self.source.setText(f"{said}\n{self.error}" if self.error else said)
        scroll = self.browser.verticalScrollBar().value()
        self.browser.setMarkdown(now.text)
        self.browser.verticalScrollBar().setValue(scroll)
        editing = self.editing()
        self.edit_button.setVisible(not editing)
        self.reset_button.setVisible(not editing)
        self.save_button.setVisible(editing)
        self.cancel_button.setVisible(editing)
        self.edit_button.setEnabled(self.session is not None)
        self.reset_button.setEnabled(self.session is not None and now.own)

    # Editing ----------------------------------------------------------------------------------------

    def editing(self) -> bool:
        return self.pages.currentWidget() is self.editor

    def start_edit(self) -> None:
        if self.session is None:
            return
        self.error = ""
        self.editor.setPlainText(self.current().text)
        self.pages.setCurrentWidget(self.editor)
        if self.width() < self.edit_width:  # wide enough for the source's lines, right edge kept
            right = self.frameGeometry().right()
            self.resize(self.edit_width, self.height())
            self.move(right - self.frameGeometry().width() + 1, self.y())
        self.editor.setFocus()
        self.refresh()

    def save(self) -> bool:
        """Store the edited text as the project's guidelines (one undo step) and show it; a text
        the project refuses stays in the editor with the reason."""
        if self.session is None:
            return False
        edit = G.edit_guidelines(self.session.store, self.editor.toPlainText())
        if edit is not None and not self._do(edit, G.RESET_LABEL if edit.value is None else G.EDIT_LABEL):
            return False
        self.pages.setCurrentWidget(self.browser)
        self.refresh()
        return True

    def cancel(self) -> None:
        self.error = ""
        self.pages.setCurrentWidget(self.browser)
        self.refresh()

    def reset(self) -> None:
        if self.session is None:
            return
        edit = G.reset_guidelines(self.session.store)
        if edit is not None:
            self._do(edit, G.RESET_LABEL)
        self.refresh()

    def _do(self, edit, label: str) -> bool:
        refused: list[str] = []
        self.session.sig_edit_failed.connect(refused.append)
        try:
            applied = self.session.do_many([edit], label)
        finally:
            self.session.sig_edit_failed.disconnect(refused.append)
        self.error = "" if applied is not None else f"Not saved: {refused[0] if refused else 'refused'}"
        self.refresh()
        return applied is not None


def show_guidelines(win) -> GuidelinesWindow:
    """Help ▸ Annotation Guidelines: show (or raise) the window."""
    window = getattr(win, "guidelines_window", None)
    first = window is None
    if first:
        window = win.guidelines_window = GuidelinesWindow(win)
    if window.isVisible():  # open behind the main window: bring it forward
        window.raise_()
        window.activateWindow()
    else:
        window.show()
    if first:  # beside the work: over the inspectors, most of the article left free (after show:
        # window managers centre a new dialog over its parent)
        frame = win.frameGeometry()
        window.resize(min(window.width(), max(520, int(frame.width() * 0.4))), window.height())
        window.move(max(frame.right() - window.frameGeometry().width(), frame.left()), win.geometry().top())
    return window


def follow_session(win) -> None:
    """The main window's project changed (opened, closed): an open guidelines window follows it."""
    window = getattr(win, "guidelines_window", None)
    if window is not None:
        window.bind(win.session)
