"""File ▸ Project Settings: the publisher and fact-check page address a ClaimReview export needs,
the check-worthiness score a sentence needs to be suggested as a claim, and (read only) the models
the project's suggestions come from: the trained claim classifier and entity recognizer with
their provenance (``claimdesk train``), or the cold start and the pipeline's own recognizer.

The same settings as ``claimdesk settings`` (:mod:`desktop.core.settings`), checked by the
same rules (:func:`desktop.app.settings.setting_edits`): an invalid value shows its one-line error
here and changes nothing; OK applies what changed as ONE step through the window's session, so
Ctrl+Z undoes it and History lists it.  A blank field removes the setting.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.app.info import claims_model_info, model_line, ner_model_info, ner_model_line
from desktop.app.settings import setting_edits
from desktop.core import edits
from desktop.core.settings import CLAIM_THRESHOLD, DEFAULT_CLAIM_THRESHOLD
from desktop.ui.dialogs import fit_height
from desktop.ui.undo import ProjectSession

#: The ClaimReview fields, in order: (key, label, help under the field, placeholder).
FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("publisher.name", "Publisher name",
     "The organisation that publishes the fact checks: each ClaimReview's author.", "Full Fact"),
    ("publisher.url", "Publisher home page",
     "Its home page, an http:// or https:// address: the author's url.", "https://fullfact.org/"),
    ("claimreview.url", "Fact-check page address",
     "The address of the page that publishes a claim's fact check. {document} is replaced by the "
     "article's id and {claim} by the claim's number, e.g. https://fullfact.org/check/{document}#claim-{claim}. "
     "Google requires it on every ClaimReview.", "https://fullfact.org/check/{document}#claim-{claim}"),
)

#: The claim suggestion fields, after a heading of their own.
SUGGESTION_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    (CLAIM_THRESHOLD, "Claim threshold",
     "The check-worthiness score, from 0 to 1, a sentence needs to be suggested as a claim when articles are "
     f"pre-annotated from now on (Annotate); lower suggests more sentences. Blank: {DEFAULT_CLAIM_THRESHOLD}.",
     f"{DEFAULT_CLAIM_THRESHOLD} (the default)"),
)

#: The label of the undo step (Edit ▸ Undo, History).
STEP_LABEL = "project settings"


class SettingsDialog(QDialog):
    def __init__(self, session: ProjectSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Project settings")
        self.session = session
        current = session.store.settings()
        self.fields: dict[str, QLineEdit] = {}
        intro = QLabel("What a ClaimReview export (File ▸ Export Dataset…) publishes about this project "
                       "(without all three every ClaimReview record is skipped), and which sentences pre-annotation "
                       "suggests as claims. Leave a field blank to remove it.")
        intro.setWordWrap(True)
        form = QFormLayout()
        for key, label, help_text, placeholder in (*FIELDS, ("", "Claim suggestions", "", ""), *SUGGESTION_FIELDS):
            if not key:  # a heading
                heading = QLabel(f"<b>{label}</b>")
                heading.setObjectName("settings.heading")
                form.addRow(heading)
                continue
            field = QLineEdit(current.get(key, ""))
            field.setObjectName(f"settings.{key}")
            field.setPlaceholderText(placeholder)
            field.setToolTip(f"{key}: {help_text}")
            field.textEdited.connect(lambda _text: self.error.setText(""))
            note = QLabel(help_text)
            note.setWordWrap(True)
            note.setStyleSheet("color: palette(placeholder-text);")
            form.addRow(label, field)
            form.addRow("", note)
            self.fields[key] = field
        heading = QLabel("<b>Trained models</b>")
        heading.setObjectName("settings.heading")
        form.addRow(heading)
        store = session.store
        for name, label, line in (("claims", "Claim suggestions", model_line(claims_model_info(store))),
                                  ("ner", "Entity suggestions", ner_model_line(ner_model_info(store)))):
            shown = QLabel(line)
            shown.setObjectName(f"settings.model.{name}")
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label, shown)
        note = QLabel("Annotate ▸ Train Suggestions… trains them on the reviewed documents; Edit ▸ Undo takes a "
                      "stored model back.")
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(placeholder-text);")
        form.addRow("", note)
        self.error = QLabel()
        self.error.setObjectName("settings.error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(640, 0)
        fit_height(self)

    def values(self) -> dict[str, str]:
        return {key: field.text() for key, field in self.fields.items()}

    def apply(self) -> bool:
        """Apply what changed as one step and close; on an invalid value show why and stay open."""
        try:
            changes = setting_edits(self.session.store, self.values())
        except edits.EditError as exc:
            self.error.setText(str(exc))
            fit_height(self)
            return False
        if changes:
            refused: list[str] = []
            self.session.sig_edit_failed.connect(refused.append)
            try:
                applied = self.session.do_many(changes, STEP_LABEL)
            finally:
                self.session.sig_edit_failed.disconnect(refused.append)
            if applied is None:
                self.error.setText(refused[0] if refused else "the settings could not be saved")
                return False
        self.accept()
        return True


def show_project_settings(win) -> SettingsDialog | None:
    """Open the dialog for the window's project (nothing without one)."""
    if win.session is None:
        return None
    win.project_settings_dialog = SettingsDialog(win.session, win)
    win.project_settings_dialog.open()
    return win.project_settings_dialog
