"""Long work as plain functions with a progress/cancel handle.

The CLI drives them with a terminal progress bar; the GUI runs them in a worker thread (each
worker opens its own :class:`~desktop.core.store.Store` connection) and forwards progress to a
Qt signal.  Nothing here imports Qt or spaCy.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core import edits, importers
from desktop.core.importers import printable
from desktop.core.model import ImportedDocument, ImportedProject, ImportProblem
from desktop.core.store import ProjectError, Store
from desktop.core.wording import plural


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

    def part(self, index: int, count: int) -> Job:
        """The job for the ``index``-th of ``count`` consecutive stages of this one: its progress lands
        in that stage's share of one bar (in hundredths of a stage), so the bar does not start
        again from empty at each stage; cancelling this job cancels it."""

        def on_progress(done: int, total: int, message: str) -> None:
            share = min(done, total) * 100 // total if total > 0 else 0
            self.progress(index * 100 + share, count * 100, message)

        return Job(on_progress, self.cancelled)


@dataclass(frozen=True)
class Renamed:
    """A document imported under a new id because its id was already used."""

    path: str
    asked: str
    stored: str
    #: "already used in the project" or "already used on line N of this file"
    why: str = "already used in the project"
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: id {printable(self.asked)!r} {self.why}; imported as {printable(self.stored)!r}"


#: ImportReport.skipped reason for a document whose text the project already holds.
SAME_TEXT = "same text already in the project"


@dataclass
class ImportReport:
    """What an import did; every count is of something that happened.

    ``added``: the ids of the documents now in the project, as stored (``renamed`` says which
    got a new id, ``x~2``, because theirs was taken).  ``skipped``: inputs left out on purpose,
    not errors (same text already in the project, a link to outside the folder, a named pipe);
    each ``ImportProblem.reason`` says why.  ``problems``: files or lines that could not be
    imported (errors).  ``warnings``: notes on what was imported (characters replaced, a date
    left out).  ``failure``: why the import stopped early (the disk is full); everything in
    ``added`` is saved all the same.
    """

    added: list[str] = field(default_factory=list)
    renamed: list[Renamed] = field(default_factory=list)
    skipped: list[ImportProblem] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)
    cancelled: bool = False
    failure: str | None = None

    def summary(self) -> str:
        """``5 documents imported (1 renamed: id x already used → x~2); 2 skipped (same text
        already in the project); 1 error; 3 warnings``."""
        n = len(self.added)
        text = f"{plural(n, 'document')} imported"
        if self.renamed:
            pairs = ", ".join(f"{printable(r.asked)} → {printable(r.stored)}" for r in self.renamed[:3])
            more = f" and {len(self.renamed) - 3} more" if len(self.renamed) > 3 else ""
            if len(self.renamed) == 1:
                first = self.renamed[0]
                text += f" (1 renamed: id {printable(first.asked)} already used → {printable(first.stored)})"
            else:
                text += f" ({len(self.renamed)} renamed, their ids already used: {pairs}{more})"
        parts = [text]
        if self.skipped:
            reasons = Counter(p.reason or "left out" for p in self.skipped)
            why = ", ".join(reason if len(reasons) == 1 else f"{count} {reason}" for reason, count in reasons.items())
            parts.append(f"{len(self.skipped)} skipped ({why})")
        if self.problems:
            parts.append(plural(len(self.problems), "error"))
        if self.warnings:
            parts.append(plural(len(self.warnings), "warning"))
        if self.cancelled:
            parts.append("cancelled")
        if self.failure:
            parts.append(f"stopped: {self.failure}")
        return "; ".join(parts)


#: An import commits its documents in batches: every this many documents, or sooner when a batch
#: has been open :data:`IMPORT_BATCH_SECONDS` (one ``synchronous=FULL`` commit per document made
#: an import of 10,000 articles wait on 10,000 disk flushes).  Short, since an open batch holds the
#: project's write lock: an edit in the window meanwhile waits for it.
IMPORT_BATCH_DOCUMENTS = 500
IMPORT_BATCH_SECONDS = 0.25
#: Processes that read, decode and parse the files of a large import (one-document files, at least
#: :data:`~desktop.core.importers.POOL_MIN_INPUTS` of them), while this process only writes.
IMPORT_WORKERS = min(2, os.cpu_count() or 1)


class _Batch:
    """The open transaction of an import's current batch of documents.

    The batch's documents are written one after another (:class:`~desktop.core.edits.Batch`: a
    refused one leaves nothing and the rest of the batch goes on), indexed for search together
    just before the commit (:meth:`~desktop.core.store.Store.defer_search_index`), and recorded as
    one history row.  When the batch cannot be written (a full disk), it is rolled back and its
    documents are added again one transaction each, as an import without batches would, until one
    fails: every document that fits is saved, and ``report.added`` only ever names documents that
    are saved.  ``failed`` is then the document the failure is about."""

    def __init__(self, store: Store, report: ImportReport):
        self.store, self.report = store, report
        self.failed: ImportedDocument | None = None
        self._tx: Any = None
        self._edits = edits.Batch(store)
        self._items: list[tuple[ImportedDocument, str | None, ImportProblem | None]] = []
        self._started = 0.0
        self._marks = (0, 0, 0)

    def add(self, doc: ImportedDocument, story: str | None, duplicate_id: ImportProblem | None) -> bool:
        try:
            if self._tx is None:
                self._open()
            self._items.append((doc, story, duplicate_id))
            added = _add(self._edits.apply, doc, story, self.report, duplicate_id)
        except BaseException as exc:
            if self._abort(exc) is None:
                raise
            return self._replay()
        if len(self._items) >= IMPORT_BATCH_DOCUMENTS or time.monotonic() - self._started >= IMPORT_BATCH_SECONDS:
            self.commit()
        return added

    def _open(self) -> None:
        self._tx = self.store.transaction("import")
        self._tx.__enter__()
        self._items, self._started = [], time.monotonic()
        self._marks = (len(self.report.added), len(self.report.renamed), len(self.report.skipped))
        self._edits = edits.Batch(self.store)
        self.store.defer_search_index()

    def commit(self) -> None:
        tx, self._tx = self._tx, None
        if tx is None:
            return
        try:
            try:
                    self._edits.record()
            except BaseException as exc:
                tx.__exit__(type(exc), exc, exc.__traceback__)  # rolled back; raises (a ProjectError, mostly)
                raise
            tx.__exit__(None, None, None)
        except ProjectError:
            self._forget()
            self._replay()

    def abort(self, exc: BaseException) -> None:
        """Roll the batch back: ``exc`` stops the import."""
        self._abort(exc)

    def _abort(self, exc: BaseException) -> ProjectError | None:
        """Roll the batch back; its documents leave the report.  Returns the store's one-line
        error when ``exc`` is a failure to write (a full disk), else None."""
        tx, self._tx = self._tx, None
        if tx is None:
            return exc if isinstance(exc, ProjectError) else None
        self._forget()
        try:
            tx.__exit__(type(exc), exc, exc.__traceback__)
        except ProjectError as converted:
            return converted
        except BaseException:  # the same exception, raised again by the transaction
            pass
        return exc if isinstance(exc, ProjectError) else None

    def _replay(self) -> bool:
        """Add the rolled-back batch's documents again, one transaction each; raises the first
        failure (``failed`` names its document).  Returns whether the last one was added."""
        items, self._items = self._items, []
        added = False

        def apply(edit: edits.Edit) -> edits.ChangeSet:
            return edits.apply(self.store, edit)

        for doc, story, duplicate_id in items:
            self.failed = doc
            added = _add(apply, doc, story, self.report, duplicate_id)  # a ProjectError stops here
        self.failed = None
        return added

    def _forget(self) -> None:
        added, renamed, skipped = self._marks
        del self.report.added[added:], self.report.renamed[renamed:], self.report.skipped[skipped:]


def import_into(store: Store, paths: Iterable[str | os.PathLike], *, story: str | None = None,
                job: Job | None = None) -> ImportReport:
    """Import files and folders into ``store``, in batches of documents (one transaction and one
    history row each, :data:`IMPORT_BATCH_DOCUMENTS`; a refused document leaves nothing).

    A document keeps the story its file names (JSONL ``meta.story``); otherwise ``story``, or the
    name of the folder it was found by.  Same text as a document already in the project: skipped.
    An id already used: imported under ``id~2`` (``report.renamed``).  A bad file or line is
    reported and the rest go on.  When the project cannot be written (a full disk: the store's
    :class:`~desktop.core.store.ProjectError`) the import stops there: ``report.failure`` says
    why, and every document in ``report.added`` (the batches committed before it) stays.
    """
    job = job or Job()
    report = ImportReport()
    batch = _Batch(store, report)
    try:
        _import_paths(store, paths, story, job, report, batch)
        batch.commit()
    except ProjectError as exc:
        failed = batch.failed
        report.failure = f"at {(failed.path or failed.ext_id) if failed else 'the end'}: {exc}"
    except BaseException as exc:
        batch.abort(exc)
        raise
    return report


def _import_paths(store: Store, paths: Iterable[str | os.PathLike], story: str | None, job: Job,
                  report: ImportReport, batch: _Batch) -> None:
    inputs = [Path(os.fsdecode(p)) for p in paths]
    plans = [importers.plan_inputs([arg]) for arg in inputs]  # each folder walked once
    total = sum(len(plan) for plan in plans)
    story = importers.printable(story) if story is not None else None
    done = 0
    stories: list[ImportedProject] = []  # headers' story clusters, stored once the documents are in
    stored_ids: dict[str, str] = {}  # a file's document id -> the id it has in the project
    for arg, plan in zip(inputs, plans, strict=True):
        folder_story = importers.printable(arg.name) if arg.is_dir() else None
        # Notes the importer gives before a document are about it: they count when it is imported
        # and are dropped when it is not (its skip or error line says what happened instead).
        pending: list[ImportProblem] = []
        duplicate_id: ImportProblem | None = None  # JSONL: this file used the next document's id before
        for item in importers.read_inputs(plan, cancel=job.cancelled, workers=IMPORT_WORKERS):
            if job.cancelled():
                report.cancelled = True
                report.warnings.extend(pending)
                return
            if isinstance(item, ImportProblem):
                if item.severity != "warning":
                    report.problems.append(item)
                    report.warnings.extend(p for p in pending if (p.path, p.line) != (item.path, item.line))
                    pending = []
                elif item.kind == "skipped":
                    report.skipped.append(item)
                elif item.kind == "duplicate-id":
                    duplicate_id = item
                else:
                    pending.append(item)
                continue
            if isinstance(item, ImportedProject):  # a Claimdesk export's header: before its documents
                batch.commit()  # the header's edit is a transaction of its own
                _take_project(store, item, report)
                stories += [item] if item.stories else []
                continue
            added = batch.add(item, story or item.story or folder_story, duplicate_id)  # ProjectError: stop
            if added:
                report.warnings.extend(pending)
                stored_ids[item.ext_id] = report.added[-1]
            pending, duplicate_id = [], None
            done += 1
            job.progress(min(done, total), total, item.ext_id)
        report.warnings.extend(pending)
        if job.cancelled():
            report.cancelled = True
            return
    if stories:
        batch.commit()  # the documents first: the clusters name their quotes and claims
        for project in stories:
            _take_stories(store, project, stored_ids, report)


def _take_stories(store: Store, project: ImportedProject, stored_ids: dict[str, str], report: ImportReport) -> None:
    """Store a JSONL header's story clusters over the documents this import added (members
    elsewhere are left out); a story the project has stored clusters of keeps its own."""
    items: dict[tuple[str, str], list[int]] = {}

    def item_id(kind: str, ext_id: str, index: int) -> int | None:
        key = (kind, ext_id)
        if key not in items:
            doc = store.document_by_ext_id(stored_ids[ext_id]) if ext_id in stored_ids else None
            items[key] = [] if doc is None else [r[0] for r in store.conn.execute(
                f"SELECT id FROM {kind}s WHERE doc_id = ? ORDER BY id", (doc.id,))]
        return items[key][index] if index < len(items[key]) else None

    by_story: dict[str, list[dict]] = {}
    for c in project.stories:
        ids = [item_id(c["kind"], ext_id, index) for ext_id, index in c["members"]]
        members = [i for i in ids if i is not None]
        flags = [[f["kind"], min(ids[a], ids[b]), max(ids[a], ids[b]), f.get("note", ""), bool(f.get("dismissed"))]
                 for f in c.get("flags", []) for a, b in [f["members"]] if ids[a] is not None and ids[b] is not None]
        if members:
            by_story.setdefault(c["story"], []).append({"id": None, "kind": c["kind"], "decided": c.get("decided"),
                                                        "members": members, "flags": flags})
    for name, clusters in by_story.items():
        if store.conn.execute("SELECT 1 FROM story_clusters WHERE story = ? LIMIT 1", (name,)).fetchone():
            continue
        try:
            edits.apply(store, edits.StoreStoryClusters(name, tuple(clusters)))
        except edits.EditError as exc:
            report.problems.append(ImportProblem(project.path, f"project header: story {name!r}: {exc}", 1))


def _take_project(store: Store, project: ImportedProject, report: ImportReport) -> None:
    """Apply a JSONL header (:mod:`desktop.core.project_copy`): schema, entities and settings as
    one edit; the model and quote convention only where the project has none yet (so its
    pre-annotation and spaCy export use the same pipeline as the project the file came from)."""
    try:
        edits.apply(store, edits.ImportProject(tuple(project.labels), tuple(project.entities), project.settings))
    except edits.NothingToChange:
        pass
    except edits.EditError as exc:
        report.problems.append(ImportProblem(project.path, f"project header: {exc}", 1))
        return
    for key, value in project.meta.items():
        if store.meta(key) is None:
            store.set_meta(key, value)


def _add(apply: Callable[[edits.Edit], edits.ChangeSet], doc: ImportedDocument, story: str | None,
         report: ImportReport, duplicate_id: ImportProblem | None = None) -> bool:
    """Add one document with ``apply`` (the batch's, or :func:`~desktop.core.edits.apply`); False
    when it was not added (same text already there, or refused)."""
    where = doc.path or doc.ext_id
    line = duplicate_id.line if duplicate_id is not None else doc.line
    try:
        inverse = apply(edits.AddDocument.from_imported(doc, story=story))
    except edits.DuplicateDocumentError as exc:
        report.skipped.append(ImportProblem(where, str(exc).split(": ", 1)[-1], line, severity="warning",
                                            kind="skipped", reason=SAME_TEXT))
        return False
    except edits.EditError as exc:
        report.problems.append(ImportProblem(where, str(exc), line))
        return False
    except UnicodeError as exc:  # a value the importer let through that the project cannot hold
        reason = getattr(exc, "reason", str(exc))  # a bare UnicodeError (the idna codec's) has none
        report.problems.append(ImportProblem(where, f"cannot be stored: {reason}", line))
        return False
    stored = next((c.before["ext_id"] for c in inverse.changes
                   if c.table == "documents" and c.before is not None and c.after is None), doc.ext_id)
    report.added.append(stored)
    if stored != doc.ext_id:
        if duplicate_id is not None:
            why = duplicate_id.message.replace(f"id {doc.ext_id!r} ", "", 1) + " of this file"
        else:
            why = "already used in the project"
        report.renamed.append(Renamed(where, doc.ext_id, stored, why, line))
    return True
