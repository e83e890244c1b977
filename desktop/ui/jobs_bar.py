"""Long work in the background: import, pre-annotate, train, export, with the status bar's progress
and Cancel, and what each job reports when it ends."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktop.app.train import TrainReport
from desktop.core.jobs import import_into
from desktop.core.store import Store
from desktop.core.wording import plural


def import_files_dialog(win) -> None:
    paths, _ = QFileDialog.getOpenFileNames(win, "Import articles", str(Path.home()),
                                            "Articles (*.txt *.html *.htm *.jsonl *.json *.ann);;All files (*)")
    if paths:
        import_paths(win, paths)


def import_folder_dialog(win) -> None:
    path = QFileDialog.getExistingDirectory(win, "Import a folder of articles", str(Path.home()))
    if path:
        import_paths(win, [path])


def import_paths(win, paths: list[str]) -> bool:
    if win.session is None:
        return False
    project = win.session.path
    return win.jobs.start("Importing", lambda job: _import_job(project, paths, job))


def preannotate(win) -> None:
    if win.session is None:
        return
    project = win.session.path
    try:
        from desktop.nlp.annotate import annotate_project
    except ImportError as exc:  # pragma: no cover - the nlp layer is part of the package
        notify(win, QMessageBox.Icon.Warning, "Pre-annotate", f"The spaCy pipeline is not available: {exc}")
        return

    content = win.quote_content()

    def job_fn(job):
        with Store.open(project) as store:
            return annotate_project(store, job=job, content=content)

    win.jobs.start("Pre-annotating", job_fn)


def train(win) -> None:
    """Annotate ▸ Train Suggestions…: train the claims model and the entity recognizer in the
    background (progress, Cancel); when done, the new models are stored as one undo step (those
    that scored better) and a message shows the figures and the current models' provenance
    (:func:`train_finished`)."""
    if win.session is None:
        return
    from desktop.app.train import train_models

    project = win.session.path

    def job_fn(job):
        with Store.open(project) as store:
            return train_models(store, job=job)

    win.jobs.start("Training", job_fn)


def train_finished(win, report) -> None:
    """Store a finished training's models through the window's session (one undo step) and say what happened."""
    from desktop.app.info import claims_model_info, model_line, ner_model_info, ner_model_line

    if report.edits and win.session is not None:
        win.session.do_many(report.edits, "store trained models")
    claims = model_line(claims_model_info(win.store)) if win.session is not None else ""
    entities = ner_model_line(ner_model_info(win.store)) if win.session is not None else ""
    notify(win, QMessageBox.Icon.Information, "Train Suggestions",
           f"{report.summary(between=chr(10) * 2)}\n\nClaim suggestions now: {claims}\n\nEntity suggestions now: {entities}")


def export_dialog(win) -> None:
    if win.session is None:
        return
    from desktop.ui.export_dialog import ExportDialog

    win.export_dialog_widget = ExportDialog(win.session.path, win.jobs, win, win.settings)
    win.export_dialog_widget.open()


def job_started(win, title: str) -> None:
    win.job_title = title
    win.job_label.setText(title)
    win.job_progress.setRange(0, 0)
    for w in (win.job_label, win.job_progress, win.job_cancel):
        w.show()


def job_progress(win, done: int, total: int, message: str) -> None:
    win.job_progress.setRange(0, max(total, 1))
    win.job_progress.setValue(done)
    win.job_progress.setFormat("%p%")  # a share, not a count: a training's stages are not documents
    if message:  # what the job is at: the document's id, or a training's stage
        title = getattr(win, "job_title", "")
        win.job_label.setText(f"{title}: {message[:60]}" if title else message[:60])
    now = time.monotonic()
    if win.session is not None and now - win._last_refresh > 1.0:
        win._last_refresh = now
        win.session.refresh()  # results appear as they land (at most once a second)


def job_finished(win, title: str, result) -> None:
    for w in (win.job_label, win.job_progress, win.job_cancel):
        w.hide()
    if win.session is not None:
        win.session.refresh()
    if result is None:
        summary = "cancelled"
    elif hasattr(result, "summary"):
        summary = result.summary()
    elif hasattr(result, "line"):  # an export summary
        summary = result.line()
    else:
        summary = str(result)
    if isinstance(result, TrainReport):
        train_finished(win, result)  # a training: its model is stored here, as an undo step
    exported = result is not None and hasattr(result, "line")
    summary = "; ".join(summary.splitlines())  # the status bar shows one line
    win.statusBar().showMessage(f"{title}: {summary}", 0 if exported else 8000)  # kept while its box is read
    if exported:  # an export: where it went, and its notes (what the CLI prints under its summary)
        from desktop.ui.export_dialog import show_notes

        show_notes(win, title, result)
    problems = getattr(result, "problems", None) or []
    if problems:
        notify(win, QMessageBox.Icon.Warning, f"{title}: {plural(len(problems), 'problem')}",
                    "\n".join(str(p) for p in problems[:30]) +
                    (f"\n… and {len(problems) - 30} more" if len(problems) > 30 else ""))


def job_failed(win, title: str, message: str) -> None:
    for w in (win.job_label, win.job_progress, win.job_cancel):
        w.hide()
    notify(win, QMessageBox.Icon.Critical, f"{title} failed", message)


def notify(win, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    """A message that does not block the event loop (results keep landing behind it)."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, win)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    win.last_message = box
    return box


def _import_job(project: Path, paths: list[str], job):
    with Store.open(project) as store:
        return import_into(store, paths, job=job)


def connect(win) -> None:
    """The job runner's signals to the status bar."""
    win.jobs.sig_started.connect(lambda title: job_started(win, title))
    win.jobs.sig_progress.connect(lambda done, total, msg: job_progress(win, done, total, msg))
    win.jobs.sig_finished.connect(lambda title, result: job_finished(win, title, result))
    win.jobs.sig_failed.connect(lambda title, msg: job_failed(win, title, msg))
