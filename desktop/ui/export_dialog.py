"""File ▸ Export: choose a dataset format and options; the export runs in the background."""

from __future__ import annotations

from pathlib import Path

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
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.core.store import Store
from desktop.ui.workers import JobRunner

#: format id -> (menu text, suffix of a single-file output, one-line description)
FORMAT_INFO = {
    "jsonl": ("Interchange JSONL", ".jsonl", "Every layer with provenance; Claimdesk imports it back exactly."),
    "spacy": ("spaCy DocBin", ".spacy", "doc.ents plus span groups quotes/speakers/cues/claims; for spacy train."),
    "conll": ("CoNLL-2003 BIO", ".conll", "Token and BIO entity tag, a blank line between sentences."),
    "brat": ("brat standoff", "", "A folder of .txt + .ann: entities, quotes with Speaker/Cue relations, claims."),
    "prodigy": ("Prodigy JSONL", ".jsonl", "tokens and token-indexed spans, as Prodigy's ner/spans recipes read."),
    "label-studio": ("Label Studio tasks", ".json", "Task JSON with labels and relations, plus its labeling config."),
    "csv": ("CSV (claims, quotes)", ".csv", "One row per claim, and a second file with one row per quote."),
    "claimreview": ("ClaimReview JSON-LD", ".json", "schema.org ClaimReview for claims that have a verdict."),
}


class ExportDialog(QDialog):
    def __init__(self, project: Path, jobs: JobRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export dataset")
        self.project = Path(project)
        self.jobs = jobs
        self.format = QComboBox()
        for fmt, (text, _suffix, _desc) in FORMAT_INFO.items():
            self.format.addItem(text, fmt)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setStyleSheet("color: palette(placeholder-text);")
        self.out = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out, 1)
        out_row.addWidget(browse)
        self.status = QComboBox()
        self.status.addItem("Accepted and editor-made only", "accepted")
        self.status.addItem("Everything, suggestions marked", "all")
        self.documents = QComboBox()
        self.documents.addItem("All articles", "all")
        self.documents.addItem("Articles marked done", "done")
        self.split = QCheckBox("Split into train / dev / test")
        self.split_ratio = QLineEdit("80/10/10")
        self.seed = QSpinBox()
        self.seed.setRange(0, 1_000_000)
        split_row = QHBoxLayout()
        split_row.addWidget(self.split)
        split_row.addWidget(self.split_ratio)
        split_row.addWidget(QLabel("seed"))
        split_row.addWidget(self.seed)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("", self.description)
        form.addRow("Save to", out_row)
        form.addRow("Annotations", self.status)
        form.addRow("Articles", self.documents)
        form.addRow("", split_row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.format.currentIndexChanged.connect(self._format_changed)
        self.split.toggled.connect(self._format_changed)
        self._format_changed()
        self.resize(560, 0)

    def _suggested_path(self) -> str:
        fmt = self.format.currentData()
        suffix = FORMAT_INFO[fmt][1]
        base = self.project.with_name(f"{self.project.stem}-{fmt}")
        folder = not suffix or self.split.isChecked()
        return str(base if folder else base.with_suffix(suffix))

    def _format_changed(self) -> None:
        fmt = self.format.currentData()
        self.description.setText(FORMAT_INFO[fmt][2])
        self.out.setText(self._suggested_path())

    def _browse(self) -> None:
        fmt = self.format.currentData()
        if not FORMAT_INFO[fmt][1] or self.split.isChecked():
            path = QFileDialog.getExistingDirectory(self, "Export into folder", str(self.project.parent))
        else:
            path, _ = QFileDialog.getSaveFileName(self, "Export to", self.out.text())
        if path:
            self.out.setText(path)

    def options(self) -> dict:
        return {
            "fmt": self.format.currentData(),
            "out": self.out.text().strip(),
            "status": self.status.currentData(),
            "documents": self.documents.currentData(),
            "split": self.split_ratio.text().strip() if self.split.isChecked() else None,
            "seed": self.seed.value(),
        }

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
                              job=job, overwrite=True)

        if self.jobs.start(f"Exporting {FORMAT_INFO[options['fmt']][0]}", job_fn):
            self.accept()
