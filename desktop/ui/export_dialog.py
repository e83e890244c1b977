"""File ▸ Export: choose a dataset format and options; the export runs in the background.

The articles start at ``reviewed`` for the formats a model trains on and ``all`` for the others
(:func:`desktop.app.export.default_documents`), and a note says, before the export runs, how many
articles it will leave out as not reviewed; the summary after it (status bar) says it again.
After the export, :func:`show_notes` shows every note the CLI prints under the summary (per-claim
missing ClaimReview properties, spaCy's tokens split and config path, ...); when a ClaimReview
export skipped records because project settings are missing it says which, and offers File ▸
Project Settings.

The output path follows the format and the split while the editor has not typed or browsed one; a
typed path is kept whatever option changes.  The dialog remembers the last format and folder in the
window's settings (``export/format``, ``export/folder``), and after the export
:func:`show_notes` says where the files went, with an Open Folder button
(``QDesktopServices.openUrl``).

The formats, their menu text, descriptions and suggested output names come from the one registry,
:data:`desktop.core.formats.FORMATS`, as the CLI's do."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.app.export import TAGGED_FORMATS, default_documents, left_out
from desktop.core.exporters import ExportSummary
from desktop.core.formats import FORMATS, default_output
from desktop.core.settings import SETTINGS
from desktop.core.store import ProjectError, Store
from desktop.core.wording import plural
from desktop.ui.dialogs import fit_height
from desktop.ui.workers import JobRunner

#: The window settings' keys for the last export's format and folder.
FORMAT_KEY, FOLDER_KEY = "export/format", "export/folder"


class ExportDialog(QDialog):
    def __init__(self, project: Path, jobs: JobRunner, parent: QWidget | None = None,
                 settings: QSettings | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export dataset")
        self.project = Path(project)
        self.jobs = jobs
        self.settings = settings
        self.typed = False  # the editor typed or browsed the output: options no longer change it
        self.format = QComboBox()
        for spec in FORMATS.values():
            self.format.addItem(spec.title, spec.name)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setStyleSheet("color: palette(placeholder-text);")
        self.out = QLineEdit()
        self.out.textEdited.connect(self._typed)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out, 1)
        out_row.addWidget(browse)
        self.status = QComboBox()
        self.status.addItem("Accepted and editor-made only", "accepted")
        self.status.addItem("Everything, suggestions marked", "all")
        self.documents = QComboBox()
        self.documents.addItem("Reviewed articles (done, or a layer marked reviewed)", "reviewed")
        self.documents.addItem("Articles marked done", "done")
        self.documents.addItem("All articles", "all")
        self.review_note = QLabel()  # how many articles the export leaves out, before it runs
        self.review_note.setWordWrap(True)
        self.split = QCheckBox("Split into train / dev / test")
        self.split_ratio = QLineEdit("80/10/10")
        self.seed = QSpinBox()
        self.seed.setRange(0, 1_000_000)
        split_row = QHBoxLayout()
        split_row.addWidget(self.split)
        split_row.addWidget(self.split_ratio)
        split_row.addWidget(QLabel("seed"))
        split_row.addWidget(self.seed)
        self.csv_formulas = QCheckBox("Write cells starting with = + - @ as they are (a spreadsheet may run them)")
        self.csv_formulas.setToolTip("Off (safe): such cells get a ' in front, so Excel and LibreOffice show them "
                                     "as text instead of running them as formulas")
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("", self.description)
        form.addRow("Save to", out_row)
        form.addRow("Annotations", self.status)
        form.addRow("Articles", self.documents)
        form.addRow("", self.review_note)
        form.addRow("", split_row)
        form.addRow("", self.csv_formulas)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.format.currentIndexChanged.connect(self._format_changed)
        self.documents.currentIndexChanged.connect(self._update_review_note)
        self.split.toggled.connect(self._format_changed)
        remembered = self.format.findData(self._remembered(FORMAT_KEY))
        if remembered > 0:
            self.format.setCurrentIndex(remembered)  # calls _format_changed
        else:
            self._format_changed()
        self.resize(600, 0)
        fit_height(self)

    def _splits(self) -> bool:
        return self.split.isChecked() and FORMATS[self.format.currentData()].splits

    def _remembered(self, key: str) -> str:
        value = self.settings.value(key, "") if self.settings is not None else ""
        return value if isinstance(value, str) else ""

    def _typed(self, text: str) -> None:
        self.typed = bool(text.strip())  # cleared: the suggestion comes back with the next change

    def _suggested_path(self) -> str:
        suggested = default_output(self.project, self.format.currentData(), self._splits())
        folder = self._remembered(FOLDER_KEY)
        if folder and Path(folder).is_dir():
            suggested = Path(folder) / suggested.name
        return str(suggested)

    def _format_changed(self) -> None:
        spec = FORMATS[self.format.currentData()]
        self.description.setText(spec.description)
        for widget in (self.split, self.split_ratio, self.seed):
            widget.setEnabled(spec.splits)  # claimreview is a publication: no train/dev/test
        self.csv_formulas.setVisible(spec.name == "csv")
        if not self.typed:
            self.out.setText(self._suggested_path())
        # the safe start: only reviewed articles for what a model trains on, all for the others
        self.documents.setCurrentIndex(self.documents.findData(default_documents(spec.name)))
        self._update_review_note()

    def _update_review_note(self) -> None:
        """Say how many articles the export will leave out because nobody reviewed them."""
        fmt, documents = self.format.currentData(), self.documents.currentData()
        try:
            with Store.open(self.project, readonly=True) as store:
                kept, skipped = left_out(store, fmt, documents)
        except (ProjectError, OSError, sqlite3.Error):
            self.review_note.setText("")
            return
        text = f"{plural(kept, 'article')} will be exported"
        if skipped:
            why = ("their entities are not reviewed" if fmt in TAGGED_FORMATS else "they are not reviewed"
                   if documents == "reviewed" else "they are not done" if documents == "done" else "")
            text += (f"; {skipped} left out: {why} (mark an article done, or Navigate ▸ Mark Entities "
                     "Reviewed, to include it)")
        self.review_note.setText(text + ".")
        fit_height(self)

    def _browse(self) -> None:
        if FORMATS[self.format.currentData()].folder or self._splits():
            path = QFileDialog.getExistingDirectory(self, "Export into folder", str(self.project.parent))
        else:
            path, _ = QFileDialog.getSaveFileName(self, "Export to", self.out.text())
        if path:
            self.out.setText(path)
            self.typed = True

    def options(self) -> dict:
        return {
            "fmt": self.format.currentData(),
            "out": self.out.text().strip(),
            "status": self.status.currentData(),
            "documents": self.documents.currentData(),
            "split": self.split_ratio.text().strip() if self._splits() else None,
            "seed": self.seed.value(),
            "csv_formulas": self.csv_formulas.isChecked() and self.format.currentData() == "csv",
        }

    def remember(self, options: dict) -> None:
        """Keep the format and the folder for the next export."""
        if self.settings is None:
            return
        # the folder the export goes into (a folder format's output is a new folder in it)
        self.settings.setValue(FORMAT_KEY, options["fmt"])
        self.settings.setValue(FOLDER_KEY, str(Path(options["out"]).expanduser().resolve().parent))

    def start(self) -> None:
        options = self.options()
        if not options["out"]:
            return
        project = self.project

        def job_fn(job):
            from desktop.app.export import export

            with Store.open(project, readonly=True) as store:
                return export(store, options["fmt"], options["out"], status=options["status"],
                              documents=options["documents"], split=options["split"], seed=options["seed"],
                              job=job, overwrite=True, csv_formulas=options["csv_formulas"])

        if self.jobs.start(f"Exporting {FORMATS[options['fmt']].title}", job_fn):
            self.remember(options)
            self.accept()


#: How many note lines the message shows itself; all of them are under Show Details.
SHOWN_NOTES = 30


def missing_settings(win, summary: ExportSummary) -> list[str]:
    """The project settings a ClaimReview export that skipped records still lacks (else [])."""
    if summary.format != "claimreview" or not summary.skipped or win.store is None:
        return []
    settings = win.store.settings()
    return [key for key in SETTINGS if not settings.get(key)]


def output_folder(summary: ExportSummary) -> Path:
    """The folder that holds what the export wrote (a folder export's own folder)."""
    out = Path(summary.out)
    return out if out.is_dir() else out.parent


def where(summary: ExportSummary) -> str:
    """One line that says where the export's files went."""
    out, files = Path(summary.out), [Path(f) for f in summary.files]
    if out.is_dir():
        return f"Saved in the folder {out} ({plural(len(files), 'file')})." if files else f"Saved in the folder {out}."
    if len(files) > 1:
        return f"Saved as {', '.join(f.name for f in files)} in {out.parent}."
    return f"Saved as {out}."


def show_notes(win, title: str, summary: ExportSummary) -> QMessageBox:
    """The export's summary, every note line and where the files went, in a message that does not
    block the window, with an Open Folder button; with an Open Project Settings button when missing
    settings made a ClaimReview skip records."""
    unset = missing_settings(win, summary)
    icon = QMessageBox.Icon.Warning if summary.skipped else QMessageBox.Icon.Information
    box = QMessageBox(icon, f"{title}: {'notes' if summary.notes else 'done'}", summary.line(),
                      QMessageBox.StandardButton.Ok, win)
    box.setObjectName("export.notes")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    lines = list(summary.notes)
    if unset:
        lines[:0] = [f"{plural(summary.skipped, 'record')} skipped because the "
                     f"project settings {', '.join(unset)} {'are' if len(unset) != 1 else 'is'} not set: set "
                     "them in File ▸ Project Settings… and export again.", ""]
    text = "\n".join(lines[:SHOWN_NOTES])
    if len(lines) > SHOWN_NOTES:
        text += f"\n… and {len(lines) - SHOWN_NOTES} more (Show Details…)"
        box.setDetailedText("\n".join(lines))
    box.setInformativeText((text + "\n\n" if text else "") + where(summary))
    box.setStyleSheet("QLabel#qt_msgbox_informativelabel { min-width: 560px; }")  # a note reads as one line
    folder = output_folder(summary)
    open_folder = box.addButton("Open Folder", QMessageBox.ButtonRole.ActionRole)
    open_folder.setObjectName("export.open_folder")
    open_folder.setToolTip(str(folder))
    open_folder.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))
    if unset:
        from desktop.ui.settings_dialog import show_project_settings

        button = box.addButton("Open Project Settings…", QMessageBox.ButtonRole.AcceptRole)
        button.setObjectName("export.notes.settings")
        button.clicked.connect(lambda: show_project_settings(win))
    box.open()
    win.last_message = box
    return box
