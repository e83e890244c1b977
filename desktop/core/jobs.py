"""Long work as plain functions with a progress/cancel handle.

The CLI drives them with a terminal progress bar; the GUI runs them in a worker thread (each
worker opens its own :class:`~desktop.core.store.Store` connection) and forwards progress to a
Qt signal.  Nothing here imports Qt or spaCy.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core import edits, importers
from desktop.core.model import ImportedDocument, ImportProblem
from desktop.core.store import Store


class Cancelled(Exception):
    """The user cancelled a job; whatever it had committed stays committed."""


@dataclass
class Job:
    """Progress and cancel hooks handed to a long-running function."""

    on_progress: Callable[[int, int, str], None] | None = None
    is_cancelled: Callable[[], bool] | None = None

    def progress(self, done: int, total: int, message: str = "") -> None:
        if self.on_progress is not None:
            self.on_progress(done, total, message)

    def cancelled(self) -> bool:
        return bool(self.is_cancelled and self.is_cancelled())

    def check(self) -> None:
        if self.cancelled():
            raise Cancelled()


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    duplicates: list[ImportProblem] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    cancelled: bool = False

    def summary(self) -> str:
        parts = [f"{len(self.added)} document{'s' if len(self.added) != 1 else ''} imported"]
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} duplicate{'s' if len(self.duplicates) != 1 else ''} skipped")
        if self.problems:
            parts.append(f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}")
        if self.cancelled:
            parts.append("cancelled")
        return ", ".join(parts)


def import_into(store: Store, paths: Iterable[str | os.PathLike], *, story: str | None = None,
                job: Job | None = None) -> ImportReport:
    """Import files and folders into ``store``, one transaction per document.

    A document keeps the story its file names (JSONL ``meta.story``); otherwise ``story``, or the
    name of the folder it was found by.  Same text as a document already in the project: skipped
    with a message.  A bad file or line is reported and the rest go on.
    """
    job = job or Job()
    report = ImportReport()
    paths = [Path(p) for p in paths]
    total = importers.count_inputs(paths)
    done = 0
    for arg in paths:
        folder_story = arg.name if arg.is_dir() else None
        for item in importers.read_paths([arg], cancel=job.cancelled):
            if job.cancelled():
                report.cancelled = True
                return report
            if isinstance(item, ImportProblem):
                (report.duplicates if item.severity == "warning" else report.problems).append(item)
                continue
            _add(store, item, story or item.story or folder_story, report)
            done += 1
            job.progress(min(done, total), total, item.ext_id)
        if job.cancelled():
            report.cancelled = True
            return report
    return report


def _add(store: Store, doc: ImportedDocument, story: str | None, report: ImportReport) -> None:
    where = doc.path or doc.ext_id
    try:
        edits.apply(store, edits.AddDocument.from_imported(doc, story=story))
    except edits.DuplicateDocumentError as exc:
        report.duplicates.append(ImportProblem(where, str(exc).split(": ", 1)[-1], severity="warning"))
    except edits.EditError as exc:
        report.problems.append(ImportProblem(where, str(exc)))
    else:
        report.added.append(doc.ext_id)
