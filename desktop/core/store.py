"""The project file: one SQLite database (suffix ``.claimdesk``).

* Opened through sqlite-utils on a plain :mod:`sqlite3` connection: WAL journal, foreign keys
  on, ``synchronous=FULL`` so a committed edit survives a crash or a power cut.
* After every commit the WAL is checkpointed into the project file (in the background, passively),
  and at once while the ``-wal`` was deleted or replaced behind the writer's back; never more than
  :data:`WAL_CHECKPOINT_PAGES` pages of committed changes are only in the ``-wal``.
* ``PRAGMA application_id`` marks the file as Claimdesk's; ``PRAGMA user_version`` is the schema
  version, advanced by the forward migrations in :data:`MIGRATIONS`.  Before migrating an older
  file a backup copy is written beside it; a file whose tables do not match its version is refused.
* Opening checks the file read-only first (is it SQLite, is it ours, is it too new, does
  ``PRAGMA quick_check`` pass, left out for a file that passed it before and was changed since
  only by Claimdesk: :class:`_CheckedFile`) and refuses with a one-line :class:`ProjectError` without touching the
  file when any check fails.  Every stored value is checked as it is read (text is
  UTF-8, JSON parses, types are right): damage ``quick_check`` cannot see is a one-line
  :class:`DamagedRowError` naming the table and row.
* Read-only opens work on a read-only file, folder or medium and leave nothing beside the file;
  writing there is refused as "read-only" (:class:`ReadOnlyProjectError`).  A full disk is a
  one-line :class:`DiskFullError`: the change was not saved, everything before is kept; a project
  that could not be created is removed with its lock file.
* One process at a time may open a project for writing, whatever name it is given (symbolic and
  hard links included): the holder is recorded in a lock file beside the project's real file
  (``NAME.claimdesk.lock``) and the project file itself is locked too (OS locks that a crash
  releases); a second writer is told who holds it.  :func:`writer_lock` takes that lock without
  opening the database.  Read-only opens need no lock.
* Every write goes through :meth:`Store.transaction`; when it commits, subscribers get one
  :class:`ChangeEvent` (the GUI turns it into a Qt signal).
* Changes to annotations go through :mod:`desktop.core.edits`, which records each in the
  ``history`` table.

Core code: imports neither Qt nor spaCy.
"""

from __future__ import annotations

import datetime as _dt
import getpass
import hashlib
import itertools
import json
import os
import shutil
import socket
import sqlite3
import sys
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import __version__
from desktop.core.interchange import InterchangeError, content_from_pairs
from desktop.core.model import (
    Claim,
    Document,
    Entity,
    Label,
    Mention,
    Provenance,
    Quote,
    Span,
    parse_layers,
)
from desktop.paths import PROJECT_SUFFIX as SUFFIX  # the one project-suffix rule is in desktop.paths
from desktop.paths import resources_dir

if TYPE_CHECKING:
    import sqlite_utils  # imported when first used (Store.db): with numpy it costs 0.3 s per command

#: ``PRAGMA application_id``: the bytes "Clmd".
APPLICATION_ID = 0x436C6D64

#: At most this many pages (4 KiB each) of committed changes are ever only in the ``-wal`` file:
#: a commit that finds the log longer copies it into the project file itself (SQLite's
#: ``wal_autocheckpoint``), besides the checkpoint after every commit (see :meth:`Store.transaction`).
WAL_CHECKPOINT_PAGES = 128

#: Tables whose rows edits change; each has an integer ``id`` primary key.
EDITABLE_TABLES = ("documents", "entities", "mentions", "quotes", "claims", "labels", "settings",
                   "story_clusters", "story_members", "story_flags", "models")


class ProjectError(Exception):
    """An expected problem with a project file; ``str()`` is a one-line message for the user."""


class NotAProjectError(ProjectError):
    pass


class NewerSchemaError(ProjectError):
    pass


class DamagedProjectError(ProjectError):
    """The file is a Claimdesk project but damaged; ``details`` lists every problem found (the
    message names the first), for ``--verbose``."""

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.details: list[str] = list(details) if details else [message]


class ProjectLockedError(ProjectError):
    pass


class DiskFullError(ProjectError):
    """A write failed for want of space: that change was not saved, everything before is kept."""


class ReadOnlyProjectError(ProjectError):
    """The project cannot be written here (read-only file, folder or media); it can still be read."""


#: SQL condition on ``entities e``: some live (non-rejected) mention links to it; only such an
#: entity is shown, counted and exported.
LIVE_ENTITY = "EXISTS (SELECT 1 FROM mentions lm WHERE lm.entity_id = e.id AND lm.status != 'rejected')"


def now_iso() -> str:
    """UTC timestamp with milliseconds, e.g. ``2026-11-23T10:53:01.123Z``."""
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def default_annotator() -> str:
    try:
        return os.environ.get("CLAIMDESK_ANNOTATOR") or getpass.getuser()
    except Exception:  # no user database entry (containers)
        return "editor"


# Schema ------------------------------------------------------------------------------------------

_PROV = """
    origin TEXT NOT NULL DEFAULT 'editor' CHECK (origin IN ('model', 'editor', 'import')),
    status TEXT NOT NULL DEFAULT 'accepted' CHECK (status IN ('suggested', 'accepted', 'rejected')),
    annotator TEXT,
    model TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
"""

_V1 = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE annotators (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    ext_id TEXT NOT NULL UNIQUE,
    title TEXT, source TEXT, url TEXT, published TEXT, story TEXT, path TEXT,
    text TEXT NOT NULL,
    content_hash TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_progress', 'done')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE entities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE labels (
    id INTEGER PRIMARY KEY,
    layer TEXT NOT NULL CHECK (layer IN ('entity', 'claim')),
    label_set TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    color TEXT NOT NULL DEFAULT '#cccccc',
    hotkey TEXT,
    description TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    UNIQUE (layer, label_set, name)
);
CREATE TABLE mentions (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    label TEXT NOT NULL,
    entity_id INTEGER REFERENCES entities(id),
    {_PROV},
    CHECK (start >= 0 AND start < "end")
);
CREATE INDEX mentions_doc ON mentions(doc_id, start);
CREATE INDEX mentions_entity ON mentions(entity_id);
CREATE TABLE quotes (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id),
    content TEXT NOT NULL,
    speaker_start INTEGER, speaker_end INTEGER,
    speaker_entity_id INTEGER REFERENCES entities(id),
    cue_start INTEGER, cue_end INTEGER,
    type TEXT NOT NULL DEFAULT 'direct' CHECK (type IN ('direct', 'indirect', 'mixed')),
    {_PROV}
);
CREATE INDEX quotes_doc ON quotes(doc_id);
CREATE INDEX quotes_entity ON quotes(speaker_entity_id);
CREATE TABLE claims (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    claimant TEXT,
    claimant_entity_id INTEGER REFERENCES entities(id),
    labels TEXT NOT NULL DEFAULT '{{}}',
    note TEXT,
    {_PROV},
    CHECK (start >= 0 AND start < "end")
);
CREATE INDEX claims_doc ON claims(doc_id);
CREATE TABLE history (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    annotator TEXT,
    kind TEXT NOT NULL,
    summary TEXT NOT NULL,
    doc_id INTEGER,
    edit TEXT NOT NULL,
    changes TEXT NOT NULL
);
CREATE INDEX history_doc ON history(doc_id);
"""

# v2: project-wide full-text search (FTS5 over title and text, kept in step by triggers) and
# the record of which model last annotated each document (so `claimdesk annotate` resumes).
_V2 = """
ALTER TABLE documents ADD COLUMN annotated_model TEXT;
ALTER TABLE documents ADD COLUMN annotated_at TEXT;
CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, text, content='documents', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO documents_fts(rowid, title, text) SELECT id, coalesce(title, ''), text FROM documents;
CREATE TRIGGER documents_fts_ai AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, coalesce(new.title, ''), new.text);
END;
CREATE TRIGGER documents_fts_ad AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text)
    VALUES ('delete', old.id, coalesce(old.title, ''), old.text);
END;
CREATE TRIGGER documents_fts_au AFTER UPDATE OF title, text ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text)
    VALUES ('delete', old.id, coalesce(old.title, ''), old.text);
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, coalesce(new.title, ''), new.text);
END;
"""

# v3: the name a quote's speaker stands for ("he" -> "Antony Blinken" earlier in the text), so the
# speaker can be linked to its canonical entity; and an index for per-document review counts.
_V3 = """
ALTER TABLE quotes ADD COLUMN resolved_start INTEGER;
ALTER TABLE quotes ADD COLUMN resolved_end INTEGER;
CREATE INDEX mentions_doc_status ON mentions(doc_id, status);
"""

# v4: covering indexes for what the window asks on every change of a large project (10,000
# documents, 300,000 annotations): mention counts per canonical entity, annotation counts by status
# and label, suggestions left per document, documents by status.  They replace the narrower
# indexes they cover.
_V4 = """
CREATE INDEX mentions_entity_status ON mentions(entity_id, status);
DROP INDEX IF EXISTS mentions_entity;
CREATE INDEX mentions_status_label ON mentions(status, label);
CREATE INDEX quotes_doc_status ON quotes(doc_id, status);
DROP INDEX IF EXISTS quotes_doc;
CREATE INDEX claims_doc_status ON claims(doc_id, status);
DROP INDEX IF EXISTS claims_doc;
CREATE INDEX documents_status ON documents(status);
"""

# v5: an editor's merge, rename or split of a canonical entity is a decision the model never
# reverses: ``decided`` marks the entities an editor merged into, renamed or split (both sides);
# pre-annotation links every mention of their name or aliases to them, never recreates a name merged
# into them, never renames them and never puts two of them into one cluster (desktop.nlp.entities).
_V5 = """
ALTER TABLE entities ADD COLUMN decided INTEGER NOT NULL DEFAULT 0 CHECK (decided IN (0, 1));
"""

# v6: the layers of a document an editor marked finished ("entities", "quotes", "claims";
# sorted, comma-separated), so an export knows which unannotated text is a negative example and
# which is simply not reviewed yet (a document marked done has every layer reviewed).
_V6 = """
ALTER TABLE documents ADD COLUMN reviewed_layers TEXT NOT NULL DEFAULT '';
"""

# v7: project settings (``claimdesk settings``: the publishing organisation and the fact-check page
# address a ClaimReview export needs, desktop.core.settings), one row per key, written by the
# ``SetSetting`` edit like any other project data (so undo and history cover them).
_V7 = """
CREATE TABLE settings (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, value TEXT NOT NULL);
"""

# v8: what the document list shows of each document, maintained by triggers instead of computed
# on every open (``length(text)`` and ``substr(text, ...)`` read every text; three correlated
# counts per document read every annotation): its length, its first 160 characters and how many
# of its annotations are suggestions left.  One row per document, kept in step with ``documents``,
# ``mentions``, ``quotes`` and ``claims`` by every write (edits, undo, imports, bulk loads alike);
# ``claimdesk check`` compares it with the counts themselves (``document-stats``).  Derived data,
# not project data: no edit writes it and it is not in EDITABLE_TABLES.  The index ``documents_list``
# covers the list's other columns, so listing 100,000 documents reads neither texts nor their pages.
_V8_LAYER = """
CREATE TRIGGER {t}_stats_ai AFTER INSERT ON {t} WHEN new.status = 'suggested' BEGIN
    UPDATE document_stats SET suggested = suggested + 1 WHERE doc_id = new.doc_id;
END;
CREATE TRIGGER {t}_stats_ad AFTER DELETE ON {t} WHEN old.status = 'suggested' BEGIN
    UPDATE document_stats SET suggested = suggested - 1 WHERE doc_id = old.doc_id;
END;
CREATE TRIGGER {t}_stats_au AFTER UPDATE OF status, doc_id ON {t}
WHEN (old.status = 'suggested' OR new.status = 'suggested')
     AND (old.status IS NOT new.status OR old.doc_id IS NOT new.doc_id) BEGIN
    UPDATE document_stats SET suggested = suggested - 1 WHERE doc_id = old.doc_id AND old.status = 'suggested';
    UPDATE document_stats SET suggested = suggested + 1 WHERE doc_id = new.doc_id AND new.status = 'suggested';
END;
"""
_V8_SUGGESTED = "(SELECT count(*) FROM {t} WHERE doc_id = {d} AND status = 'suggested')"
_V8 = """
CREATE INDEX documents_list ON documents(id, ext_id, title, source, url, published, story, status);
CREATE TABLE document_stats (
    doc_id INTEGER PRIMARY KEY,
    chars INTEGER NOT NULL,
    lead TEXT NOT NULL,
    suggested INTEGER NOT NULL DEFAULT 0
);
INSERT INTO document_stats (doc_id, chars, lead, suggested)
SELECT d.id, length(d.text), substr(d.text, 1, 160), 0 FROM documents d;
""" + "".join(f"""
UPDATE document_stats SET suggested = suggested + s.n
FROM (SELECT doc_id, count(*) AS n FROM {t} WHERE status = 'suggested' GROUP BY doc_id) AS s
WHERE document_stats.doc_id = s.doc_id;
""" for t in ("mentions", "quotes", "claims")) + """
CREATE TRIGGER documents_stats_ai AFTER INSERT ON documents BEGIN
    INSERT OR REPLACE INTO document_stats (doc_id, chars, lead, suggested)
    VALUES (new.id, length(new.text), substr(new.text, 1, 160), """ + " + ".join(
    _V8_SUGGESTED.format(t=t, d="new.id") for t in ("mentions", "quotes", "claims")) + """);
END;
CREATE TRIGGER documents_stats_au AFTER UPDATE OF text ON documents BEGIN
    UPDATE document_stats SET chars = length(new.text), lead = substr(new.text, 1, 160) WHERE doc_id = new.id;
END;
CREATE TRIGGER documents_stats_ad AFTER DELETE ON documents BEGIN
    DELETE FROM document_stats WHERE doc_id = old.id;
END;
""" + "".join(_V8_LAYER.format(t=t) for t in ("mentions", "quotes", "claims"))

# v9: a story's stored alignment (issue 15, desktop.core.story): its clusters (statements of
# quotes, claim clusters; ``decided`` when an editor merged or split them, so a rebuild leaves
# them as they are), their members (one quote or claim each, in at most one cluster) and the
# flags between two members (their quote or claim ids), ``dismissed`` by an editor.
_V9 = """
CREATE TABLE story_clusters (
    id INTEGER PRIMARY KEY,
    story TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('quote', 'claim')),
    decided INTEGER NOT NULL DEFAULT 0 CHECK (decided IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX story_clusters_story ON story_clusters(story);
CREATE TABLE story_members (
    id INTEGER PRIMARY KEY,
    cluster_id INTEGER NOT NULL REFERENCES story_clusters(id),
    doc_id INTEGER NOT NULL REFERENCES documents(id),
    quote_id INTEGER UNIQUE REFERENCES quotes(id),
    claim_id INTEGER UNIQUE REFERENCES claims(id),
    CHECK ((quote_id IS NULL) != (claim_id IS NULL))
);
CREATE INDEX story_members_cluster ON story_members(cluster_id);
CREATE INDEX story_members_doc ON story_members(doc_id);
CREATE TABLE story_flags (
    id INTEGER PRIMARY KEY,
    cluster_id INTEGER NOT NULL REFERENCES story_clusters(id),
    kind TEXT NOT NULL,
    first_item INTEGER NOT NULL,
    second_item INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    dismissed INTEGER NOT NULL DEFAULT 0 CHECK (dismissed IN (0, 1))
);
CREATE INDEX story_flags_cluster ON story_flags(cluster_id);
"""

# v10: a model's confidence in each of its quote and claim suggestions, in [0, 1] (``score``;
# NULL for what an editor made or an import gave none): the review queue's "least sure" and
# "check-worthy sentences" order by it (desktop.nlp.quotes.confidence, desktop.nlp.checkworthy).
_V10_SCORES = """
ALTER TABLE quotes ADD COLUMN score REAL;
ALTER TABLE claims ADD COLUMN score REAL;
"""

# v11: models the editors' labels trained (``claimdesk train``, desktop.nlp.claims_model), stored in
# the project so the file alone reproduces its suggestions: ``kind`` ("claims": the check-worthiness
# text classifier), ``name`` (the id each suggestion it makes records: "textcat-" and the start of the
# SHA-256 of ``data``), ``data`` (the model's bytes), ``provenance`` (JSON: training data size,
# documents, scores before and after), ``current`` (at most one current model per kind: the one
# pre-annotation uses). Written by the ``StoreModel`` edit like any other project data.
_V11_MODELS = """
CREATE TABLE models (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    current INTEGER NOT NULL DEFAULT 0 CHECK (current IN (0, 1)),
    provenance TEXT NOT NULL DEFAULT '{}',
    data BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX models_current ON models(kind) WHERE current = 1;
"""

# v12: the model's confidence in each of its entity suggestions, in [0, 1] (``score``, as for
# quotes and claims; NULL for an editor's mention, an import without one, or a model that gives
# none): the review queue's "least sure" kind takes the unsure ones (desktop.nlp.ner_scores).
_V12_MENTION_SCORES = """
ALTER TABLE mentions ADD COLUMN score REAL;
"""

#: Forward migrations: ``MIGRATIONS[i]`` takes a file from schema ``i`` to ``i + 1``.
MIGRATIONS: list[str] = [_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9, _V10_SCORES, _V11_MODELS, _V12_MENTION_SCORES]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION, *, name: str = "project") -> int:
    """Run the forward migrations from the file's ``user_version`` up to ``target``, atomically.

    A file whose tables do not match the version it claims (a forged or damaged ``user_version``)
    raises :class:`DamagedProjectError` and is left as it was.
    """
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current >= target:
        return current
    if current < 0:
        raise DamagedProjectError(f"{name}: damaged project file (schema version {current})")
    conn.execute("BEGIN IMMEDIATE")
    try:
        for version in range(current, target):
            for statement in _split_sql(MIGRATIONS[version]):
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {int(target)}")
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (str(target),)
        )
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # never hide the error that caused the rollback
        if isinstance(exc, sqlite3.Error) and not _is_disk_full(exc) and (
                getattr(exc, "sqlite_errorcode", 0) or 1) & 0xFF == 1:  # SQLITE_ERROR: schema mismatch
            raise DamagedProjectError(
                f"{name}: damaged project file (it says schema {current}, but its tables do not match: "
                f"{_reason(exc)})"
            ) from None
        raise
    return target


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (triggers keep their inner semicolons)."""
    statements, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                statements.append(buf.strip())
            buf = ""
    if buf.strip():
        statements.append(buf.strip())
    return statements


# Lock ---------------------------------------------------------------------------------------------


class _WriterLock:
    """The single-writer lock of one project file, held while a process has it open for writing.

    Two OS locks, both released by the OS when the process dies (a crash never leaves a project
    locked):

    * ``flock`` on ``NAME.claimdesk.lock`` beside the project's real file (symbolic links
      resolved), which also records who holds it for the message a second writer gets;
    * ``flock`` on the project file itself, which every name of the file shares, so a hard link
      (another name in any folder) cannot let a second writer in.  (SQLite's own locks are POSIX
      record locks, independent of ``flock``.)  The descriptor is never closed while the file
      exists: closing any descriptor of a file drops the process's POSIX locks on it, SQLite's
      included, so it is only unlocked and kept for the next time.

    Stores in the same process share one lock (the GUI and its workers each open their own
    connection), whatever name each was given: the lock is found by the real path and by the
    file's ``(st_dev, st_ino)``, and every store of the process connects to the database through
    the name the lock was first taken with (SQLite derives the ``-wal`` name from it).
    """

    _held: dict[Any, _WriterLock] = {}
    _fds: dict[tuple[int, int], int] = {}  # project file descriptors kept open, by identity
    _guard = threading.RLock()

    def __init__(self, real: Path, shown: str):
        self.db_path = real
        self.path = Path(str(real) + ".lock")
        self.shown = shown
        self.count = 0
        self._fh = None
        self._keys: set[Any] = set()
        self._files: list[tuple[tuple[int, int], int]] = []  # flocked project files (identity, fd)

    @classmethod
    def acquire(cls, project: str | os.PathLike) -> _WriterLock:
        real = Path(os.path.realpath(project))
        ident = _identity(real)
        with cls._guard:
            lock = cls._held.get(str(real)) or (cls._held.get(ident) if ident else None)
            if lock is None:
                lock = cls(real, Path(project).name)
                lock._lock()
                if ident is not None:
                    try:
                        lock.cover(real)
                    except BaseException:
                        lock._unlock()
                        raise
            lock.count += 1
            lock._register(str(real))
            if ident is not None:
                lock._register(ident)
            return lock

    def release(self, project: str | os.PathLike | None = None) -> None:
        with self._guard:
            self.count -= 1
            if self.count > 0:
                return
            for key in self._keys:
                if self._held.get(key) is self:
                    del self._held[key]
            self._keys.clear()
            self._unlock()

    def _register(self, key: Any) -> None:
        self._held[key] = self
        self._keys.add(key)

    def cover(self, project: Path) -> None:
        """Also lock ``project``'s file itself (once it exists), so that its hard links are refused."""
        try:
            import fcntl
        except ImportError:  # Windows: hard links to a project are not guarded
            return
        with self._guard:
            ident = _identity(project)
            if ident is None or any(i == ident for i, _ in self._files):
                return
            fd = self._fds.get(ident)
            if fd is None:
                try:
                    fd = os.open(project, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
                except OSError:
                    return  # unreadable: SQLite will say so
                self._fds[ident] = fd
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ProjectLockedError(
                    f"{self.shown} is already open by {_flock_holder(project, ident, self.path)}; close it there first"
                ) from None
            self._files.append((ident, fd))
            self._register(ident)

    def _lock(self) -> None:
        for _ in range(5):
            fh = _open_lock_file(self.path, self.shown)
            if not _try_lock(fh):
                fh.seek(0)
                holder = fh.read().strip() or "another process"
                fh.close()
                raise ProjectLockedError(f"{self.shown} is already open by {holder}; close it there first")
            # The holder we raced with may have unlinked the file after we opened it: retry.
            try:
                same = os.path.samestat(os.fstat(fh.fileno()), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                when = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
                holder = f"{default_annotator()}@{socket.gethostname()} (pid {os.getpid()}) since {when}"
                try:
                    os.ftruncate(fh.fileno(), 0)
                    os.write(fh.fileno(), holder.encode("utf-8"))
                except OSError:  # a full disk: the lock holds all the same, unsigned
                    pass
                self._fh = fh
                return
            fh.close()
        raise ProjectLockedError(f"could not lock {self.path}")

    def _unlock(self) -> None:
        for _ident, fd in self._files:
            import fcntl

            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            except OSError:
                pass
        self._files.clear()
        # Descriptors of files that are gone (a rebuilt project) can be closed: no SQLite connection
        # can still need their POSIX locks.
        for ident, fd in list(self._fds.items()):
            try:
                gone = os.fstat(fd).st_nlink == 0
            except OSError:
                gone = True
            if gone and not any(lock._files and i == ident for lock in set(self._held.values())
                                for i, _ in lock._files):
                del self._fds[ident]
                try:
                    os.close(fd)
                except OSError:
                    pass
        if self._fh is None:
            return
        try:
            os.unlink(self.path)
        except OSError:
            pass
        self._fh.close()  # closing releases the OS lock
        self._fh = None


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _open_lock_file(path: Path, shown: str):
    """The lock file, opened for reading and writing (created if missing); one line if impossible."""
    import errno
    import stat

    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        if exc.errno in (errno.EISDIR, errno.ELOOP) or (exc.errno == errno.EEXIST):
            raise ProjectError(
                f"{shown}: {path.name} is not a lock file ({_kind(path)}); move it away to open the project"
            ) from None
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise ReadOnlyProjectError(
                f"{shown}: read-only (cannot create its lock file in {path.parent}: {exc.strerror}); "
                "it can only be read (info, export), or copied somewhere writable"
            ) from None
        raise ProjectError(f"{shown}: cannot create its lock file {path.name} ({exc.strerror})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ProjectError(
            f"{shown}: {path.name} is not a lock file ({_kind(path)}); move it away to open the project"
        )
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return os.fdopen(fd, "r+", encoding="utf-8", errors="replace")


def _kind(path: Path) -> str:
    if path.is_symlink():
        return "a symbolic link"
    if path.is_dir():
        return "a folder"
    return "not a regular file"


def _flock_holder(project: Path, ident: tuple[int, int], own: Path) -> str:
    """Who holds ``project``'s file lock under another name: the lock file of a name in the same
    folder that is the same file, else the process Linux lists in ``/proc/locks``."""
    try:
        for lock_file in project.parent.glob(f"*{SUFFIX}.lock"):
            if lock_file == own:
                continue
            other = Path(str(lock_file)[: -len(".lock")])
            if _identity(other) == ident:
                text = lock_file.read_text(encoding="utf-8", errors="replace").strip()
                if text:
                    return f"{text} as {other.name}"
    except OSError:
        pass
    try:
        dev = f"{os.major(ident[0]):02x}:{os.minor(ident[0]):02x}:{ident[1]}"
        with open("/proc/locks", encoding="ascii", errors="replace") as fh:
            for line in fh:
                parts = line.split()
                if "FLOCK" in parts and dev in parts:
                    pid = parts[parts.index(dev) - 1]
                    if pid != str(os.getpid()):
                        return f"another process (pid {pid}) under another name"
    except (OSError, ValueError, AttributeError):
        pass
    return "another process under another name"


@contextmanager
def writer_lock(path: str | os.PathLike) -> Iterator[Path]:
    """Hold the project's single-writer lock without opening the database.

    Raises :class:`ProjectLockedError` (one line naming who holds it) when another process has the
    project open for writing, under this name or any other (a symbolic or hard link).  Within one
    process the lock is shared and re-entrant: a :meth:`Store.create` or :meth:`Store.open` inside
    the ``with`` joins it, so ``with writer_lock(p): <delete p and its -wal/-shm>; Store.create(p)``
    never lets another writer in between.  Yields the project path.
    """
    project = Path(path)
    lock = _WriterLock.acquire(project)
    try:
        yield project
    finally:
        lock.release(project)


def _try_lock(fh) -> bool:
    if sys.platform == "win32":  # no fcntl there
        import msvcrt

        try:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


# Change events --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeEvent:
    """What one committed transaction changed: which tables, which documents and which rows.

    ``keys`` are the ``(table, id)`` of every row written, so a view can patch those rows instead
    of re-reading everything; ``linked`` are the rows the written rows pointed to before or after
    the change (a mention's entity: its mention count changed although its row did not).  Both
    are ``None`` when the rows are not known (an event made outside a transaction, such as a
    session's ``refresh`` after another connection wrote), and a table written without naming
    its rows is in ``unkeyed``: for it :meth:`rows` is ``None`` too, and views rebuild as before.
    """

    tables: frozenset[str]
    doc_ids: frozenset[int]
    summary: str = ""
    keys: frozenset[tuple[str, int]] | None = None
    linked: frozenset[tuple[str, int]] | None = None
    unkeyed: frozenset[str] = frozenset()

    def rows(self, table: str) -> frozenset[int] | None:
        """Ids of the rows of ``table`` written, or None when they are not known."""
        if self.keys is None or table in self.unkeyed:
            return None
        return frozenset(i for t, i in self.keys if t == table)

    def linked_rows(self, table: str) -> frozenset[int] | None:
        """Ids of the rows of ``table`` written or linked from a written row; None when unknown."""
        written = self.rows(table)
        if written is None or self.linked is None:
            return None
        return written | {i for t, i in self.linked if t == table}


@dataclass
class _Pending:
    tables: set[str] = field(default_factory=set)
    doc_ids: set[int] = field(default_factory=set)
    summaries: list[str] = field(default_factory=list)
    keys: set[tuple[str, int]] = field(default_factory=set)
    linked: set[tuple[str, int]] = field(default_factory=set)
    unkeyed: set[str] = field(default_factory=set)
    #: Run just before the COMMIT, in order (:meth:`Store.defer_search_index`).
    before_commit: list[Callable[[], None]] = field(default_factory=list)
    search_deferred: bool = False

    def event(self) -> ChangeEvent:
        return ChangeEvent(frozenset(self.tables), frozenset(self.doc_ids), "; ".join(self.summaries),
                           frozenset(self.keys), frozenset(self.linked), frozenset(self.unkeyed))


# Row conversion ---------------------------------------------------------------------------------------
#
# A bit flip in a record payload passes ``PRAGMA quick_check`` (SQLite keeps no checksums of
# payloads), so every stored value is checked as it is read: undecodable text (the connection's
# text factory), JSON that does not parse or has the wrong shape, a value of the wrong type.  Each
# raises :class:`DamagedRowError` naming the table, row and column; the store's read methods add
# the project's name, so the user gets one line.


class DamagedRowError(DamagedProjectError):
    """A stored row that cannot be read (see above).  ``table``, ``row_id``, ``column`` say which."""

    def __init__(self, table: str, row_id: Any, column: str, problem: str, project: str | None = None):
        self.table, self.row_id, self.column, self.problem = table, row_id, column, problem
        where = f"{table} row {row_id}: {column} {problem}"
        super().__init__(f"{project + ': ' if project else ''}damaged project file ({where})")
        self.project = project

    def named(self, project: str) -> DamagedRowError:
        if self.project:
            return self
        return DamagedRowError(self.table, self.row_id, self.column, self.problem, project)


def _row_id(row: sqlite3.Row | dict[str, Any]) -> Any:
    try:
        return row["id"]
    except (IndexError, KeyError):
        return "?"


def _json(row: sqlite3.Row | dict[str, Any], table: str, column: str, kind: type) -> Any:
    raw = row[column]
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        raise DamagedRowError(table, _row_id(row), column, "is not valid JSON") from None
    if not isinstance(value, kind):
        raise DamagedRowError(table, _row_id(row), column, f"is not a JSON {kind.__name__}")
    return value


#: Row shapes (the Python type of every column, in order) already found right, per table: most rows
#: of a table share a handful of shapes, so checking a row costs one tuple and one set lookup.
_GOOD_SHAPES: dict[str, set[tuple[type, ...]]] = {}


#: The Python type (or types) each named column must hold.
_ColumnTypes = dict[str, "type | tuple[type, ...]"]


def _typed(row: sqlite3.Row, table: str, columns: _ColumnTypes) -> None:
    shape = tuple(map(type, row))
    good = _GOOD_SHAPES.setdefault(table, set())
    if shape in good:
        return
    for column, kind in columns.items():
        value = row[column]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise DamagedRowError(table, _row_id(row), column, f"holds {type(value).__name__}, not "
                                  f"{getattr(kind, '__name__', 'the right type')}")
    if len(good) < 256:
        good.add((*shape,))


_OPT_STR = (str, type(None))
_OPT_INT = (int, type(None))
_PROV_TYPES: _ColumnTypes = {"origin": str, "status": str, "annotator": _OPT_STR, "model": _OPT_STR,
                             "created_at": str, "updated_at": str}


def _prov(row: sqlite3.Row) -> Provenance:
    return Provenance(
        origin=row["origin"],
        status=row["status"],
        annotator=row["annotator"],
        model=row["model"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _span(start: int | None, end: int | None) -> Span | None:
    return None if start is None or end is None else Span(start, end)


def row_to_document(row: sqlite3.Row) -> Document:
    _typed(row, "documents", {"id": int, "ext_id": str, "text": str, "title": _OPT_STR, "source": _OPT_STR,
                              "url": _OPT_STR, "published": _OPT_STR, "story": _OPT_STR, "status": str,
                              "content_hash": str, "path": _OPT_STR})
    # a read-only open of a file from before schema 6 has no marks: nothing reviewed but "done"
    marked = row["reviewed_layers"] if "reviewed_layers" in row.keys() else None
    if not isinstance(marked, (str, type(None))):
        raise DamagedRowError("documents", _row_id(row), "reviewed_layers", f"holds {type(marked).__name__}, not str")
    return Document(
        id=row["id"],
        ext_id=row["ext_id"],
        text=row["text"],
        title=row["title"],
        source=row["source"],
        url=row["url"],
        published=row["published"],
        story=row["story"],
        status=row["status"],
        content_hash=row["content_hash"],
        path=row["path"],
        marked_reviewed=parse_layers(marked),
    )


def row_to_mention(row: sqlite3.Row) -> Mention:
    _typed(row, "mentions", {"id": int, "doc_id": int, "start": int, "end": int, "label": str,
                             "entity_id": _OPT_INT, **_PROV_TYPES})
    return Mention(
        id=row["id"], doc_id=row["doc_id"], start=row["start"], end=row["end"], label=row["label"],
        entity_id=row["entity_id"], prov=_prov(row), score=_score(row, "mentions"),
    )


_MENTION_COLUMNS = ('id, doc_id, start, "end", label, entity_id, origin, status, annotator, model, created_at, '
                    'updated_at, score')
_MENTION_TYPES: tuple[tuple[str, Any], ...] = (
    ("id", int), ("doc_id", int), ("start", int), ("end", int), ("label", str), ("entity_id", _OPT_INT),
    *_PROV_TYPES.items(), ("score", (float, int, type(None))))


def _mentions_from(rows: Iterable[tuple]) -> list[Mention]:
    """Mentions from ``_MENTION_COLUMNS`` tuples, type-checked as :func:`row_to_mention` does (by row
    shape), one :class:`Provenance` shared by the rows that have the same (most of a document's)."""
    good = _GOOD_SHAPES.setdefault("mentions#tuple", set())
    provs: dict[tuple, Provenance] = {}
    out = []
    for row in rows:
        shape = tuple(map(type, row))
        if shape not in good:
            for (column, kind), value in zip(_MENTION_TYPES, row, strict=True):
                if not isinstance(value, kind) or isinstance(value, bool):
                    raise DamagedRowError("mentions", row[0], column, f"holds {type(value).__name__}, not "
                                          f"{getattr(kind, '__name__', 'the right type')}")
            if len(good) < 256:
                good.add(shape)
        key = row[6:12]
        prov = provs.get(key)
        if prov is None:
            prov = provs[key] = Provenance(*key)
        score = row[12]
        if score is not None and not 0 <= score <= 1:
            raise DamagedRowError("mentions", row[0], "score", "is not a number between 0 and 1")
        out.append(Mention(row[0], row[1], row[2], row[3], row[4], row[5], prov,
                           None if score is None else float(score)))
    return out


def row_to_quote(row: sqlite3.Row) -> Quote:
    _typed(row, "quotes", {"id": int, "doc_id": int, "speaker_start": _OPT_INT, "speaker_end": _OPT_INT,
                           "speaker_entity_id": _OPT_INT, "cue_start": _OPT_INT, "cue_end": _OPT_INT,
                           "resolved_start": _OPT_INT, "resolved_end": _OPT_INT, "type": str, **_PROV_TYPES})
    try:  # the content pairs as the interchange codec reads them (and the edits write them)
        content = content_from_pairs(_json(row, "quotes", "content", list))
    except InterchangeError:
        raise DamagedRowError("quotes", row["id"], "content", "is not a list of [start, end] pairs") from None
    return Quote(
        id=row["id"],
        doc_id=row["doc_id"],
        content=content,
        speaker=_span(row["speaker_start"], row["speaker_end"]),
        speaker_entity_id=row["speaker_entity_id"],
        cue=_span(row["cue_start"], row["cue_end"]),
        speaker_resolved=_span(row["resolved_start"], row["resolved_end"]),
        type=row["type"],
        prov=_prov(row),
        score=_score(row, "quotes"),
    )


def _score(row: sqlite3.Row, table: str) -> float | None:
    """A row's ``score`` (schema 10): None, or a number in [0, 1]; anything else is damage."""
    value = row["score"] if "score" in row.keys() else None
    if value is None:
        return None
    if type(value) not in (float, int) or not 0 <= value <= 1:
        raise DamagedRowError(table, row["id"], "score", "is not a number between 0 and 1")
    return float(value)


def row_to_claim(row: sqlite3.Row) -> Claim:
    _typed(row, "claims", {"id": int, "doc_id": int, "start": int, "end": int, "claimant": _OPT_STR,
                           "claimant_entity_id": _OPT_INT, "note": _OPT_STR, **_PROV_TYPES})
    return Claim(
        id=row["id"], doc_id=row["doc_id"], start=row["start"], end=row["end"],
        claimant=row["claimant"], claimant_entity_id=row["claimant_entity_id"],
        labels=_json(row, "claims", "labels", dict), note=row["note"], prov=_prov(row),
        score=_score(row, "claims"),
    )


_CLAIM_COLUMNS = ('id, doc_id, start, "end", claimant, claimant_entity_id, labels, note, origin, status, annotator, '
                  'model, created_at, updated_at')
_CLAIM_TYPES: tuple[tuple[str, Any], ...] = (
    ("id", int), ("doc_id", int), ("start", int), ("end", int), ("claimant", _OPT_STR), ("claimant_entity_id", _OPT_INT),
    ("labels", object), ("note", _OPT_STR), *_PROV_TYPES.items())


def _claims_from(rows: Iterable[tuple], scored: bool) -> list[Claim]:
    """Claims from ``_CLAIM_COLUMNS`` tuples (and ``score`` last when ``scored``), checked as
    :func:`row_to_claim` checks them (types by row shape); each distinct ``labels`` text is decoded
    once (a long article's claims share a handful) and every claim gets its own copy of the dict;
    one :class:`Provenance` is shared by the rows that have the same."""
    good = _GOOD_SHAPES.setdefault("claims#tuple", set())
    decoded: dict[Any, dict[str, Any]] = {}
    provs: dict[tuple, Provenance] = {}
    out = []
    for row in rows:
        shape = tuple(map(type, row))
        if shape not in good:
            for (column, kind), value in zip(_CLAIM_TYPES, row, strict=False):
                if not isinstance(value, kind) or (isinstance(value, bool) and kind is not object):
                    raise DamagedRowError("claims", row[0], column, f"holds {type(value).__name__}, not "
                                          f"{getattr(kind, '__name__', 'the right type')}")
            if len(good) < 256:
                good.add(shape)
        raw = row[6]
        labels = decoded.get(raw) if isinstance(raw, str) else None
        if labels is None:
            labels = _json({"id": row[0], "labels": raw}, "claims", "labels", dict)
            if isinstance(raw, str):
                decoded[raw] = labels
        score = None
        if scored and row[14] is not None:
            score = row[14]
            if type(score) not in (float, int) or not 0 <= score <= 1:
                raise DamagedRowError("claims", row[0], "score", "is not a number between 0 and 1")
            score = float(score)
        key = row[8:14]
        prov = provs.get(key)
        if prov is None:
            prov = provs[key] = Provenance(*key)
        out.append(Claim(row[0], row[1], row[2], row[3], row[4], row[5], dict(labels), row[7], prov, score))
    return out


def _claim_copy(claim: Claim) -> Claim:
    """The same claim with a ``labels`` dict of its own (a kept claim is never handed out)."""
    copy = object.__new__(Claim)
    fields = copy.__dict__
    fields.update(claim.__dict__)
    fields["labels"] = dict(claim.labels)
    return copy


@dataclass(frozen=True)
class StoredModel:
    """A model stored in the project (schema 11, ``models``): see :meth:`Store.current_model`."""

    id: int
    kind: str
    name: str  #: what its suggestions record as their model ("textcat-1a2b3c4d5e")
    data: bytes
    provenance: dict[str, Any]
    created_at: str


def row_to_model(row: sqlite3.Row, store: Store) -> StoredModel:
    _typed(row, "models", {"id": int, "kind": str, "name": str, "data": bytes, "created_at": str})
    return StoredModel(id=row["id"], kind=row["kind"], name=row["name"], data=bytes(row["data"]),
                       provenance=store.stored_json(row, "models", "provenance", dict), created_at=row["created_at"])


def row_to_entity(row: sqlite3.Row) -> Entity:
    _typed(row, "entities", {"id": int, "name": str, "type": str, "decided": int})
    decided = bool(row["decided"])
    aliases = row["aliases"]
    if aliases == "[]":
        return Entity(id=row["id"], name=row["name"], type=row["type"], aliases=(), decided=decided)
    names = _json(row, "entities", "aliases", list)
    if not all(isinstance(n, str) for n in names):
        raise DamagedRowError("entities", row["id"], "aliases", "is not a list of names")
    return Entity(id=row["id"], name=row["name"], type=row["type"], aliases=tuple(names), decided=decided)


_LABEL_TYPES: _ColumnTypes = {"id": int, "layer": str, "label_set": str, "name": str, "color": str,
                              "hotkey": _OPT_STR, "description": str, "position": int}


def row_to_label(row: sqlite3.Row) -> Label:
    _typed(row, "labels", {k: v for k, v in _LABEL_TYPES.items() if k in row.keys()})
    return Label(
        layer=row["layer"], label_set=row["label_set"], name=row["name"], color=row["color"],
        hotkey=row["hotkey"], description=row["description"],
    )


def _history_row(row: sqlite3.Row) -> dict[str, Any]:
    _typed(row, "history", {"id": int, "at": str, "annotator": _OPT_STR, "kind": str, "summary": str,
                            "doc_id": _OPT_INT, "edit": str, "changes": str})
    _json(row, "history", "edit", dict)
    _json(row, "history", "changes", list)
    return dict(row)


def _named(method: Callable) -> Callable:
    """Store read method: a :class:`DamagedRowError` names the project."""
    import functools

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except DamagedRowError as exc:
            raise exc.named(self.path.name) from None

    return wrapper


def _text_factory(project: str) -> Callable[[bytes], str]:
    """Stored text as ``str``: bytes that are not UTF-8 (a damaged file) raise a one-line
    :class:`DamagedProjectError` where they are read, not a ``UnicodeDecodeError`` later."""

    def decode(data: bytes) -> str:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DamagedProjectError(
                f"{project}: damaged project file (stored text is not valid UTF-8 at byte {exc.start} "
                f"of a {len(data)}-byte value)"
            ) from None

    return decode


# The store ---------------------------------------------------------------------------------------------


def _check_file(path: Path) -> _CheckedFile:
    """Refuse, with a one-line message, anything that is not a healthy Claimdesk project; returns
    what the file looked like when the check began (:attr:`_CheckedFile.before`).

    Uses a read-only connection, so the file is never modified (it may be on read-only media).
    ``PRAGMA quick_check`` is left out only when the file is the one that passed it before
    (:class:`_CheckedFile`).
    """
    name = path.name
    if not path.exists():
        raise ProjectError(f"{path}: no such project file")
    if path.is_dir():
        raise NotAProjectError(f"{path}: is a folder, not a Claimdesk project file")
    if not path.is_file():
        raise NotAProjectError(f"{path}: not a regular file, not a Claimdesk project")
    if path.stat().st_size == 0:
        raise NotAProjectError(f"{name}: empty file, not a Claimdesk project")
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise ProjectError(f"{name}: cannot be read ({_reason(exc)})") from None
    if not header.startswith(b"SQLite format 3\x00"):
        raise NotAProjectError(f"{name}: not a Claimdesk project (not an SQLite database)")
    if len(header) < 100:
        raise DamagedProjectError(f"{name}: damaged project file (truncated header)")
    seen, passed = _CheckedFile(path), False  # before connecting: a -wal now is someone else's
    checked_before = seen.unchanged()
    try:
        conn = _connect_readonly(path)
    except sqlite3.Error as exc:
        if (getattr(exc, "sqlite_errorcode", None) or 11) & 0xFF in (11, 26):  # CORRUPT, NOTADB
            raise DamagedProjectError(f"{name}: damaged project file ({_reason(exc)})") from None
        raise ProjectError(f"{name}: cannot be opened ({_reason(exc)})") from None
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise NotAProjectError(f"{name}: an SQLite database, but not a Claimdesk project")
        if version > SCHEMA_VERSION:
            raise NewerSchemaError(
                f"{name}: made by a newer Claimdesk (project schema {version}, this app reads up to "
                f"{SCHEMA_VERSION}); update Claimdesk to open it"
            )
        if version < 0:
            raise DamagedProjectError(f"{name}: damaged project file (schema version {version})")
        if not checked_before:
            result = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
            if result != ["ok"]:
                raise _damaged(name, "integrity check", result)
            passed = True
    except sqlite3.DatabaseError as exc:
        raise DamagedProjectError(f"{name}: damaged project file ({_reason(exc)})") from None
    finally:
        conn.close()
    if passed:
        seen.record()
    return seen


#: Where the records of files that passed ``PRAGMA quick_check`` are kept (one small JSON file per
#: project path, in the user's data folder: never beside the project, which may be read-only).
CHECKED_DIR = "checked"


def _checked_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(os.environ.get("CLAIMDESK_DATA_DIR") or user_data_dir("claimdesk", appauthor=False)) / CHECKED_DIR


#: What :func:`_sample_crc32` reads: the first and last :data:`_SAMPLE_EDGE` bytes (SQLite's header,
#: the schema and the pages written last) and :data:`_SAMPLE_PAGES` pages spread evenly between.
_SAMPLE_EDGE = 1 << 16
_SAMPLE_PAGES = 64
_PAGE = 4096


def _sample_crc32(path: Path) -> int | None:
    """CRC-32 of a fixed sample of the file (about 0.4 MB whatever its size; all of a small file)."""
    import zlib

    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size <= 2 * _SAMPLE_EDGE + _SAMPLE_PAGES * _PAGE:
                return zlib.crc32(fh.read())
            spots = [0, *(_SAMPLE_EDGE + (size - 2 * _SAMPLE_EDGE) * i // _SAMPLE_PAGES // _PAGE * _PAGE
                          for i in range(_SAMPLE_PAGES)), size - _SAMPLE_EDGE]
            crc = zlib.crc32(size.to_bytes(8, "little"))
            for i, at in enumerate(spots):
                fh.seek(at)
                crc = zlib.crc32(fh.read(_SAMPLE_EDGE if i in (0, len(spots) - 1) else _PAGE), crc)
    except OSError:
        return None
    return crc


class _CheckedFile:
    """Whether a project file is, as far as a cheap look can tell, the very file that passed
    ``PRAGMA quick_check``, and the record that says so.

    ``quick_check`` reads every page (0.6 s for a 120 MB project, seconds for a gigabyte); the
    record lets an unchanged file skip it, so opening costs the same whatever the project's size.
    It holds the file's identity and times (``st_dev``, ``st_ino``, size, ``mtime_ns`` and
    ``ctime_ns``, which no program can set back: any write, and even restoring the mtime, moves
    it) and the CRC-32 of a fixed sample of the content (:func:`_sample_crc32`: SQLite's header and
    schema, the last pages and pages spread between, about 0.4 MB). No record is used or written
    while a ``-wal`` or ``-journal`` is beside the file (changes not in it, or another connection
    open).  Records are written after a full check that found the file healthy and unchanged
    throughout, and by a writer's :meth:`Store.close` (which checks the file it leaves, see
    there).  A record that cannot be read or written only costs a full check; so does a record of
    an older Claimdesk (which summed the whole file).
    """

    def __init__(self, path: Path):
        self.real = Path(os.path.realpath(path))
        self.wal = Path(f"{self.real}-wal")
        self.before = self._stat()
        self.key = hashlib.sha256(os.fsencode(self.real)).hexdigest()[:32]

    def _stat(self) -> tuple[int, ...] | None:
        """The file's identity and times, or None while a ``-wal`` or ``-journal`` is beside it."""
        if self.wal.exists() or Path(f"{self.real}-journal").exists():
            return None
        try:
            st = os.stat(self.real)
        except OSError:
            return None
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)

    def _record_path(self) -> Path:
        return _checked_dir() / f"{self.key}.json"

    def unchanged(self) -> bool:
        """Did this very content pass ``quick_check`` before?"""
        if self.before is None:
            return False
        try:
            record = json.loads(self._record_path().read_text(encoding="utf-8"))
            stat, crc, where = tuple(record["stat"]), record["sample_crc32"], record["path"]
        except (OSError, ValueError, KeyError, TypeError):
            return False
        if where != os.fsdecode(self.real) or stat != self.before:
            return False
        return _sample_crc32(self.real) == crc and self._stat() == self.before

    def record(self) -> None:
        """Note that the file passed ``quick_check`` (if nothing changed it meanwhile)."""
        if self.before is None:
            return
        crc = _sample_crc32(self.real)
        if crc is None or self._stat() != self.before:
            return
        target = self._record_path()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
            tmp.write_text(json.dumps({"path": os.fsdecode(self.real), "stat": list(self.before), "sample_crc32": crc,
                                       "checked_at": now_iso()}), encoding="utf-8")
            os.replace(tmp, target)
        except (OSError, ValueError):  # a read-only or full home folder: the next open checks in full
            try:
                tmp.unlink()
            except (OSError, UnboundLocalError):
                pass


def _damaged(name: str, what: str, problems: list[str]) -> DamagedProjectError:
    """One line for a list of problems (``PRAGMA quick_check`` output): the first and a count; all of
    them in ``details``."""
    lines = [line.strip() for text in problems for line in str(text).splitlines()
             if line.strip() and not line.startswith("***")]
    lines = lines or ["unknown problem"]
    more = f" and {len(lines) - 1} more problem{'s' if len(lines) > 2 else ''}" if len(lines) > 1 else ""
    return DamagedProjectError(f"{name}: damaged project file ({what}: {lines[0]}{more})", details=lines)


#: Held while this process checkpoints (SQLite lets one checkpoint run at a time and a passive one
#: that finds another running does nothing): a writer that must checkpoint waits for it instead.
_CHECKPOINTING = threading.Lock()


class _Checkpointer(threading.Thread):
    """Copies a writer's write-ahead log into the project file right after each commit, in the
    background (``PRAGMA wal_checkpoint(PASSIVE)`` on its own connection: it never blocks the
    writer nor waits for readers).

    Its connection is opened with the writer's, so it keeps the same ``-wal`` file open even if
    something deletes that file's name later; :meth:`wal_intact` tells the writer when that
    happened (the name is gone or is another file), and the writer then checkpoints each commit
    itself before returning.
    """

    def __init__(self, db_path: Path, conn: sqlite3.Connection):
        super().__init__(name=f"checkpoint {db_path.name}", daemon=True)
        self.wal = Path(f"{db_path}-wal")
        self._conn = conn
        self._wake = threading.Event()
        self._stopping = False
        self._wal_id = _identity(self.wal)

    @classmethod
    def start_for(cls, db_path: Path) -> _Checkpointer | None:
        try:
            conn = sqlite3.connect(str(db_path), isolation_level=None, check_same_thread=False)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the -wal now
        except sqlite3.Error:
            return None
        worker = cls(db_path, conn)
        worker.start()
        return worker

    def wal_intact(self) -> bool:
        """Is the ``-wal`` this writer writes still the file at ``NAME-wal``?"""
        if self._wal_id is None:
            self._wal_id = _identity(self.wal)
            return self._wal_id is not None
        return _identity(self.wal) == self._wal_id

    def poke(self) -> None:
        self._wake.set()

    def run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._stopping:
                return
            with _CHECKPOINTING:
                try:
                    self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except sqlite3.Error:
                    pass  # a later commit tries again; the edits stand in the WAL meanwhile

    def stop(self) -> None:
        """End the thread and close its connection; again is harmless."""
        self._stopping = True
        self._wake.set()
        if self is not threading.current_thread() and self.is_alive():
            self.join()
        self._conn.close()


class Store:
    """An open project.  Use :meth:`create` or :meth:`open`; close with :meth:`close` or ``with``."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, readonly: bool, lock: _WriterLock | None,
                 annotator: str | None = None):
        self.path = path
        self.conn = conn
        self._closed = False  # close() closes conn once; the closed connection stays (a typed attribute)
        self._db: sqlite_utils.Database | None = None  # made on first use: importing it and its plugin scan cost 0.5 s
        self.readonly = readonly
        self.annotator = annotator or default_annotator()
        self._lock = lock
        self._depth = 0
        self._pending = _Pending()
        self._subscribers: list[Callable[[ChangeEvent], None]] = []
        self._labels_cache: list[Label] | None = None
        self._entity_label_names: tuple[list[Label] | None, list[str]] | None = None
        self._entities_cache: tuple[tuple[int, int], list[Entity]] | None = None
        self._doc_cache: dict[tuple[str, int, bool], tuple[tuple[Any, ...], list[Any]]] = {}
        self._in_snapshot = False  # inside snapshot(): the per-document cache needs no checks
        self.schema_version: int = conn.execute("PRAGMA user_version").fetchone()[0]  # read-only opens keep older ones
        self._verified = False  # opened for writing a file that passed the check (see _check_on_close)
        self._checkpointer = None if readonly else _Checkpointer.start_for(self._db_path)
        if self._checkpointer is not None:
            # a store dropped without close() (or still open at exit) does not leave its thread
            # running C code while the interpreter shuts down
            weakref.finalize(self, self._checkpointer.stop)

    @property
    def db(self) -> sqlite_utils.Database:
        """The connection as a ``sqlite_utils.Database`` (bulk inserts)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    # Opening and closing -----------------------------------------------------------------------

    @classmethod
    def create(cls, path: str | os.PathLike, *, annotator: str | None = None) -> Store:
        """Create a new project file; nothing is left behind when that fails (a full disk)."""
        path = Path(path)
        if path.exists() or path.is_symlink():
            raise ProjectError(f"{path}: already exists; open it, or choose another name")
        if not path.parent.is_dir():
            raise ProjectError(f"{path}: folder {path.parent} does not exist")
        lock = _WriterLock.acquire(path)
        real = lock.db_path
        sidecars = [Path(f"{real}{s}") for s in ("-wal", "-journal")]
        for sidecar in sidecars:
            if sidecar.exists() and sidecar.stat().st_size > 0:
                lock.release(path)
                raise ProjectError(f"{path}: a {sidecar.name} file from an earlier project is beside it; "
                                   "move it away first")
        made = [p for p in (real, *sidecars, Path(f"{real}-shm")) if not p.exists()]
        conn = store = None
        try:
            conn = _connect(real)
            lock.cover(real)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            migrate(conn, name=path.name)
            store = cls(path, conn, readonly=False, lock=lock, annotator=annotator)
            with store.transaction("create project"):
                store.set_meta("app_version", __version__)
                store.set_meta("created_at", now_iso())
                store._install_default_labels()
        except BaseException as exc:
            if store is not None and store._checkpointer is not None:
                store._checkpointer.stop()
            if conn is not None:
                conn.close()
            for leftover in made:
                try:
                    leftover.unlink()
                except OSError:
                    pass
            lock.release(path)
            if isinstance(exc, (sqlite3.Error, OSError)):
                if _is_disk_full(exc, real):
                    raise DiskFullError(f"{path}: disk full: the project was not created "
                                        "(nothing was left behind)") from None
                raise ProjectError(f"{path}: cannot be created ({_reason(exc)})") from None
            raise
        return store

    @classmethod
    def open(cls, path: str | os.PathLike, *, readonly: bool = False, annotator: str | None = None) -> Store:
        """Open a project: for reading (``readonly``, no lock, works on read-only files, folders and
        media) or for writing (takes the single-writer lock; migrates an older schema)."""
        path = Path(path)
        checked = _check_file(path)
        if readonly:
            return cls(path, _connect_readonly(path), readonly=True, lock=None, annotator=annotator)
        lock = _WriterLock.acquire(path)
        conn = store = None
        try:
            # the file this writer now holds is the one just checked (nobody wrote in between)
            verified = checked.before is not None and _CheckedFile(lock.db_path).before == checked.before
            if not os.access(lock.db_path, os.W_OK):
                raise ReadOnlyProjectError(f"{path}: read-only file; it can be read (info, export) but not changed")
            conn = _connect(lock.db_path)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version < SCHEMA_VERSION:
                backup = _backup(conn, lock.db_path, version)
                try:
                    migrate(conn, name=path.name)
                except DamagedProjectError:
                    if backup.made:
                        backup.path.unlink(missing_ok=True)
                    raise
            store = cls(path, conn, readonly=False, lock=lock, annotator=annotator)
            store._verified = verified
            if store.meta("app_version") != __version__:
                try:
                    store.set_meta("app_version", __version__)
                except DiskFullError:
                    pass  # informational: a full disk must not stop the project from opening
        except BaseException as exc:
            if store is not None and store._checkpointer is not None:
                store._checkpointer.stop()
            if conn is not None:
                conn.close()
            lock.release(path)
            if isinstance(exc, (sqlite3.Error, OSError)):
                raise _project_error(exc, path, lock.db_path, "it was not opened") from exc
            raise
        return store

    def close(self) -> None:
        if self._closed:
            return
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        if not self.readonly:
            try:
                self.conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass
        self.conn.close()
        self._closed = True
        if self._lock is not None:
            if self._lock.count == 1:
                self._check_on_close()
            self._lock.release(self.path)
            self._lock = None

    def _check_on_close(self) -> None:
        """A writer's last close records the file it leaves as checked (still holding the writer
        lock), so that the next open, if the file is then still the same, can skip ``quick_check``
        (see :class:`_CheckedFile`).  A file that passed the check when this writer opened it was
        changed since only by Claimdesk, under the lock: it is recorded as it is, without reading
        it all again (a close after edits costs no more than one without).  Any other (a new
        project: ``_verified`` unset) is checked in full first.  Skipped while a
        ``-wal`` is still beside the file (another connection has it open); a problem found here is
        left for the next open to report."""
        if Path(f"{self._db_path}-wal").exists():
            return
        if self._verified:
            _CheckedFile(self._db_path).record()
            return
        try:
            _check_file(self._db_path)
        except (ProjectError, OSError, sqlite3.Error):
            pass

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # Transactions and change events ---------------------------------------------------------------

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see one state of the project: a read transaction (another connection's
        commits stay unseen until it ends; the write-ahead log is checkpointed only up to it
        meanwhile).  What an export reads, so a file written while an editor works in the window
        holds one state, not half of an edit; its reads also skip the per-document cache's checks
        (see :meth:`_per_document`).  Inside a transaction already, it changes nothing."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN DEFERRED")
        self._doc_cache.clear()
        self._in_snapshot = True
        try:
            yield
        finally:
            self._in_snapshot = False
            self._doc_cache.clear()
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")  # a read transaction: nothing to write

    @contextmanager
    def transaction(self, summary: str = "") -> Iterator[sqlite3.Connection]:
        """One atomic write.  Nested calls join the outer transaction.

        On commit, subscribers receive one :class:`ChangeEvent`; on error nothing is written.  When
        the disk is full (or the file cannot be written) the error is a one-line
        :class:`ProjectError` (:class:`DiskFullError`): this transaction is not saved, everything
        committed before is kept.

        After each commit the write-ahead log is checkpointed into the project file (passively:
        never waiting for readers), so the project file itself holds every committed transaction
        except, at most, the last one while its checkpoint runs and any frames a reader's open
        snapshot holds back; a ``-wal`` deleted behind the writer's back loses no more than that.
        """
        if self.readonly:
            raise ProjectError(f"{self.path.name}: opened read-only")
        outer = self._depth == 0
        if outer:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._write_error(exc) from None
            self._pending = _Pending()
        self._depth += 1
        if summary:
            self._pending.summaries.append(summary)
        try:
            yield self.conn
            if outer:
                for finish in self._pending.before_commit:
                    finish()
                self.conn.execute("COMMIT")
        except BaseException as exc:
            if outer:
                self._depth = 0
                self._rollback()
                if isinstance(exc, (sqlite3.Error, OSError)) and self._is_write_failure(exc):
                    raise self._write_error(exc) from None
            else:
                self._depth -= 1
            raise
        self._depth -= 1
        if outer:
            self._checkpoint()
            pending = self._pending
            if "labels" in pending.tables:
                self._labels_cache = None
            event = pending.event()
            for callback in list(self._subscribers):
                callback(event)

    def _rollback(self) -> None:
        """Undo an open transaction; never hides the error that caused it (SQLite may already
        have rolled back on a full disk)."""
        self._labels_cache = None
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def _checkpoint(self) -> None:
        """After a commit: copy the write-ahead log into the project file.

        Normally in the background (:class:`_Checkpointer`), so an edit does not wait for it; but
        if the ``-wal`` file was deleted or replaced behind this process's back (a cleanup or sync
        tool), at once, before the edit returns, since a crash would lose what only that file holds.
        """
        if self._checkpointer is None:
            return
        if self._checkpointer.wal_intact():
            self._checkpointer.poke()
            return
        with _CHECKPOINTING:  # after the background one, if it is running: both cannot at once
            try:
                self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            except sqlite3.Error:
                pass  # the commit stands in the WAL; the next checkpoint catches up

    def _is_write_failure(self, exc: BaseException) -> bool:
        code = getattr(exc, "sqlite_errorcode", None)
        return _is_disk_full(exc, self._db_path) or (code is not None and code & 0xFF in _WRITE_FAILURES)

    def _write_error(self, exc: BaseException) -> ProjectError:
        return _project_error(exc, self.path, self._db_path, "this change was not saved")

    @property
    def _db_path(self) -> Path:
        return self._lock.db_path if self._lock is not None else Path(os.path.realpath(self.path))

    def touched(self, table: str, doc_id: int | None = None, row_id: int | None = None,
                linked: Iterable[tuple[str, int]] = ()) -> None:
        """Note inside a transaction what it changed, for the change event: the table, the
        document, the row (without ``row_id`` the table's rows count as unknown) and the rows the
        written row links to before or after (``linked``, e.g. a mention's entities)."""
        pending = self._pending
        pending.tables.add(table)
        if doc_id is not None:
            pending.doc_ids.add(doc_id)
        if row_id is None:
            pending.unkeyed.add(table)
        else:
            pending.keys.add((table, row_id))
        pending.linked.update(linked)

    def touched_many(self, table: str, doc_ids: Iterable[int], row_ids: Iterable[int],
                     linked: Iterable[tuple[str, int]] = ()) -> None:
        """:meth:`touched` for many rows of ``table`` at once (a batch of writes)."""
        pending = self._pending
        pending.tables.add(table)
        pending.doc_ids.update(doc_ids)
        pending.keys.update(zip(itertools.repeat(table), row_ids))
        pending.linked.update(linked)

    def subscribe(self, callback: Callable[[ChangeEvent], None]) -> Callable[[], None]:
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    # What a view re-reads of the rows a change event names (cheap: only those rows).

    @_named
    def live_entities(self, ids: Iterable[int]) -> list[Entity]:
        """Those of the entities ``ids`` that :meth:`entities` lists (a live mention links to them)."""
        wanted, out = sorted(set(ids)), []
        for chunk in range(0, len(wanted), 500):
            part = wanted[chunk:chunk + 500]
            out += [row_to_entity(r) for r in self.conn.execute(
                f"SELECT * FROM entities e WHERE id IN ({', '.join('?' * len(part))}) AND {LIVE_ENTITY}", part)]
        return out

    def mention_counts_of(self, ids: Iterable[int]) -> dict[int, int]:
        """:meth:`mention_counts` of the entities ``ids`` only."""
        wanted, counts = sorted(set(ids)), dict[int, int]()
        for chunk in range(0, len(wanted), 500):
            part = wanted[chunk:chunk + 500]
            counts.update(self.conn.execute(
                f"SELECT entity_id, count(*) FROM mentions WHERE entity_id IN ({', '.join('?' * len(part))}) "
                "AND status != 'rejected' GROUP BY entity_id", part).fetchall())
        return counts

    # Meta, annotators -----------------------------------------------------------------------------

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
            self.touched("meta")

    def current_model(self, kind: str) -> StoredModel | None:
        """The project's current model of ``kind`` ("claims"), bytes included, or None (none
        trained yet, or an older file opened read-only)."""
        try:
            row = self._fetchone("SELECT * FROM models WHERE kind = ? AND current = 1", (kind,))
        except sqlite3.OperationalError:
            return None
        return None if row is None else row_to_model(row, self)

    def model_rows(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Every stored model (or those of ``kind``), oldest first, without their bytes."""
        try:
            rows = self.conn.execute(
                "SELECT id, kind, name, current, provenance, length(data) AS size, created_at FROM models"
                + (" WHERE kind = ?" if kind else "") + " ORDER BY id", (kind,) if kind else ()).fetchall()
        except sqlite3.OperationalError:
            return []
        return [{**dict(r), "provenance": self.stored_json(r, "models", "provenance", dict)} for r in rows]

    def settings(self) -> dict[str, str]:
        """The project's settings (``claimdesk settings``, :mod:`desktop.core.settings`), by key;
        an older file that has no settings table yet (opened read-only) has none."""
        try:
            rows = self.conn.execute("SELECT key, value FROM settings ORDER BY key").fetchall()
        except sqlite3.OperationalError:
            return {}
        return {str(k): str(v) for k, v in rows}

    def setting_row(self, key: str) -> dict[str, Any] | None:
        """The settings row of ``key`` (what the ``SetSetting`` edit compares), or None."""
        row = self.conn.execute("SELECT * FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else dict(row)

    def ensure_annotator(self, name: str) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO annotators (name, created_at) VALUES (?, ?)", (name, now_iso())
        )

    def annotators(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM annotators ORDER BY id")]

    # Labels -----------------------------------------------------------------------------------------

    def _install_default_labels(self) -> None:
        schema = json.loads((resources_dir() / "label_schema.json").read_text(encoding="utf-8"))
        rows = []
        for pos, item in enumerate(schema["entity"]):
            rows.append({"layer": "entity", "label_set": "", "position": pos, **_label_fields(item)})
        for label_set, items in schema["claim"].items():
            for pos, item in enumerate(items):
                rows.append({"layer": "claim", "label_set": label_set, "position": pos, **_label_fields(item)})
        self.db.table("labels").insert_all(rows)
        self.touched("labels")

    def label_rows(self) -> list[dict[str, Any]]:
        """The schema with row ids (for editing it)."""
        rows = self.conn.execute("SELECT * FROM labels ORDER BY layer DESC, label_set, position, id")
        return [dict(r) for r in rows if row_to_label(r)]

    def labels(self, layer: str | None = None, label_set: str | None = None) -> list[Label]:
        if self._labels_cache is None:
            rows = self.conn.execute("SELECT * FROM labels ORDER BY layer DESC, label_set, position, id")
            self._labels_cache = [row_to_label(r) for r in rows]
        return [
            lab for lab in self._labels_cache
            if (layer is None or lab.layer == layer) and (label_set is None or lab.label_set == label_set)
        ]

    def entity_labels(self) -> list[str]:
        """The entity labels' names (asked once per suggestion an edit writes: kept with the labels)."""
        cache = self._entity_label_names
        if cache is None or self._labels_cache is None or cache[0] is not self._labels_cache:
            names = [lab.name for lab in self.labels("entity")]
            cache = self._entity_label_names = (self._labels_cache, names)
        return list(cache[1])

    def claim_label_sets(self) -> dict[str, list[str]]:
        sets: dict[str, list[str]] = {}
        for lab in self.labels("claim"):
            sets.setdefault(lab.label_set, []).append(lab.name)
        return sets

    # Documents --------------------------------------------------------------------------------------

    def documents(self, status: str | None = None, story: str | None = None) -> list[Document]:
        sql, args = "SELECT * FROM documents", []
        where = []
        if status:
            where.append("status = ?")
            args.append(status)
        if story:
            where.append("story = ?")
            args.append(story)
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [row_to_document(r) for r in self.conn.execute(sql + " ORDER BY id", args)]

    def document_ids(self) -> list[int]:
        return [r[0] for r in self.conn.execute("SELECT id FROM documents ORDER BY id")]

    def document(self, doc_id: int) -> Document:
        """One document (kept, as a document's mentions are, until the database changes: the window
        reads the shown article's on every switch, and a long one's text is a megabyte)."""
        def read() -> list[Document]:
            row = self._fetchone("SELECT * FROM documents WHERE id = ?", (doc_id,))
            if row is None:
                raise KeyError(f"no document {doc_id}")
            return [row_to_document(row)]

        return self._per_document(("document", doc_id, True), read)[0]

    def document_by_ext_id(self, ext_id: str) -> Document | None:
        row = self.conn.execute("SELECT * FROM documents WHERE ext_id = ?", (ext_id,)).fetchone()
        return None if row is None else row_to_document(row)

    def document_by_hash(self, digest: str) -> Document | None:
        row = self.conn.execute("SELECT * FROM documents WHERE content_hash = ?", (digest,)).fetchone()
        return None if row is None else row_to_document(row)

    def document_summaries(self, doc_ids: Iterable[int] | None = None, *, after: int | None = None,
                           limit: int | None = None, tuples: bool = False) -> list[Any]:
        """Document list rows without the text: metadata, status and suggestions left.  ``doc_ids``:
        only those documents; ``after`` / ``limit``: a page of the list by id (the rows with an id
        above ``after``, at most ``limit`` of them), so a long list can be read as it is shown."""
        if self.schema_version >= 8:  # the maintained row of document_stats (schema 8): no text is read
            sql = ("SELECT d.id, d.ext_id, d.title, d.source, d.url, d.published, d.story, d.status, "
                   "coalesce(s.chars, 0) AS chars, coalesce(s.lead, '') AS lead, coalesce(s.suggested, 0) AS suggested "
                   "FROM documents d LEFT JOIN document_stats s ON s.doc_id = d.id")
        else:  # an older file opened read-only: correlated counts, each an index lookup on (doc_id, status)
            sql = (
                "SELECT d.id, d.ext_id, d.title, d.source, d.url, d.published, d.story, d.status, length(d.text) AS chars, "
                "substr(d.text, 1, 160) AS lead, "
                "(SELECT count(*) FROM mentions WHERE doc_id = d.id AND status = 'suggested') "
                "+ (SELECT count(*) FROM quotes WHERE doc_id = d.id AND status = 'suggested') "
                "+ (SELECT count(*) FROM claims WHERE doc_id = d.id AND status = 'suggested') AS suggested "
                "FROM documents d"
            )
        where: list[str] = []
        args: list[Any] = []
        if doc_ids is not None:
            ids = list(doc_ids)
            where.append(f"d.id IN ({', '.join('?' * len(ids))})")
            args += ids
        if after is not None:
            where.append("d.id > ?")
            args.append(after)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY d.id"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        names = self.SUMMARY_FIELDS
        if tuples:  # plain tuples in the order of SUMMARY_FIELDS (a long listing builds no dicts)
            return list(self._decoded(sql, args, tuples=True))
        return [dict(zip(names, r, strict=True)) for r in self._decoded(sql, args, tuples=True)]

    def document_list_json(self, *, after: int | None = None, limit: int = 5000) -> list[tuple[int, str, str]]:
        """A page of the project's document list as ``(id, json, lead)``: ``json`` is the object of
        ``id, ext_id, title, source, published, url, story, status, chars`` made by SQLite's own
        ``json_object`` (C: a listing of 100,000 documents builds no Python dicts), ``lead`` the
        first 160 characters of the text.  Schema 8 (an older file: ``document_summaries``)."""
        if self.schema_version < 8:
            raise ProjectError(f"{self.path.name}: schema {self.schema_version} has no document list rows")
        sql = ("SELECT d.id, json_object('id', d.id, 'ext_id', d.ext_id, 'title', d.title, 'source', d.source, "
               "'published', d.published, 'url', d.url, 'story', d.story, 'status', d.status, "
               "'chars', coalesce(s.chars, 0)), coalesce(s.lead, '') "
               "FROM documents d LEFT JOIN document_stats s ON s.doc_id = d.id"
               + (" WHERE d.id > ?" if after is not None else "") + " ORDER BY d.id LIMIT ?")
        return list(self._decoded(sql, ([after] if after is not None else []) + [limit], tuples=True))

    #: The fields of a :meth:`document_summaries` row.
    SUMMARY_FIELDS = ("id", "ext_id", "title", "source", "url", "published", "story", "status", "chars", "lead",
                      "suggested")

    def document_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    def marked_reviewed(self, doc_ids: Iterable[int] | None = None) -> dict[int, frozenset[str]]:
        """The layers an editor marked reviewed, per document that has any (the articles list
        shows them); all documents, or those of ``doc_ids``."""
        sql, args = "SELECT id, reviewed_layers FROM documents WHERE reviewed_layers != ''", []
        if doc_ids is not None:
            ids = list(doc_ids)
            sql += f" AND id IN ({', '.join('?' * len(ids))})"
            args = ids
        return {r[0]: parse_layers(r[1]) for r in self._decoded(sql, args, tuples=True)}

    def document_text(self, doc_id: int) -> str | None:
        """One document's text (None: no such document), without the rest of its row."""
        row = self._fetchone("SELECT text FROM documents WHERE id = ?", (doc_id,))
        return None if row is None else row[0]

    def document_ext_id(self, doc_id: int) -> str | None:
        row = self.conn.execute("SELECT ext_id FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return None if row is None else row[0]

    def documents_not_annotated_with(self, model: str) -> list[int]:
        """Ids of the documents whose ``annotated_model`` is not ``model`` (never annotated included)."""
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM documents WHERE annotated_model IS NOT ? ORDER BY id", (model,))]

    def documents_annotated_after(self, after: str) -> list[int]:
        """Ids of the documents a model annotated after ``after`` (an ISO timestamp as
        :func:`now_iso` writes them, e.g. :meth:`last_annotated_at` when entity linking last ran):
        what entity linking has not seen yet."""
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM documents WHERE annotated_at > ? ORDER BY id", (after,))]

    def last_annotated_at(self) -> str | None:
        """When a model last annotated a document of the project (None: never)."""
        return self.conn.execute("SELECT max(annotated_at) FROM documents").fetchone()[0]

    def annotated_count(self) -> int:
        """How many documents some model has annotated."""
        return self.conn.execute("SELECT count(*) FROM documents WHERE annotated_model IS NOT NULL").fetchone()[0]

    # Annotations ------------------------------------------------------------------------------------

    def mentions(self, doc_id: int | None = None, *, include_rejected: bool = True) -> list[Mention]:
        """A document's (or the project's) mentions by position.  A document's are kept for the
        next few asks until the database changes (as :meth:`entities` are): the window asks for the
        same article's on every switch back to it."""
        def read() -> list[Mention]:
            sql, args = self._layer_sql("mentions", doc_id, include_rejected, 'start, "end", id', _MENTION_COLUMNS)
            return _mentions_from(self._decoded(sql, args, tuples=True))

        return read() if doc_id is None else self._per_document(("mentions", doc_id, include_rejected), read)

    def mention_columns(self, doc_id: int, *, include_rejected: bool = False
                        ) -> tuple[list[int], list[int], list[int], list[Mention]]:
        """A document's mentions as :meth:`mentions` gives them, with their starts, ends and ids as
        lists of their own (new lists on every ask, made once while the database does not change):
        what the window's span table takes, without a pass over a long article's 8,500 mentions."""
        def read() -> list[Any]:
            rows = self.mentions(doc_id, include_rejected=include_rejected)
            return [[m.start for m in rows], [m.end for m in rows], [m.id for m in rows], rows]

        columns = self._per_document(("mention_columns", doc_id, include_rejected), read)
        return list(columns[0]), list(columns[1]), list(columns[2]), list(columns[3])

    def quotes(self, doc_id: int | None = None, *, include_rejected: bool = True) -> list[Quote]:
        def read() -> list[Quote]:
            return [row_to_quote(r) for r in self._decoded(*self._layer_sql("quotes", doc_id, include_rejected, "id"))]

        return read() if doc_id is None else self._per_document(("quotes", doc_id, include_rejected), read)

    #: How many (layer, document) reads :meth:`_per_document` keeps (a switch reads five of an article:
    #: its row, quotes, claims, mentions and their columns; so the last eight articles).
    PER_DOCUMENT_CACHED = 40

    def _per_document(self, what: tuple[str, int, bool], read: Callable[[], list[Any]]) -> list[Any]:
        """``read()``, or the list it gave last time if the database has not changed since: ``PRAGMA
        data_version`` moves when another connection commits, ``total_changes`` when this one writes;
        inside a write transaction nothing is kept, inside :meth:`snapshot` everything is.  Only for
        lists of immutable values (mentions, quotes; claims are copied on the way out, their
        ``labels`` being a dict)."""
        if self._in_snapshot:  # nothing changes until it ends (a write inside one cannot begin)
            key: tuple[Any, ...] = ("snapshot",)
        elif self.conn.in_transaction:
            return read()
        else:
            key = (self.conn.execute("PRAGMA data_version").fetchone()[0], self.conn.total_changes)
        cache = self._doc_cache
        if cache and next(iter(cache.values()))[0] != key:
            cache.clear()
        hit = cache.pop(what, None)
        rows = hit[1] if hit is not None else read()
        cache[what] = (key, rows)  # most recent last
        while len(cache) > self.PER_DOCUMENT_CACHED:
            del cache[next(iter(cache))]
        return list(rows)

    def claims(self, doc_id: int | None = None, *, include_rejected: bool = True) -> list[Claim]:
        """A document's (or the project's) claims by position.  A document's are kept as
        :meth:`mentions` are; each ask gets claims of its own (their ``labels`` dicts are copies)."""
        scored = self.schema_version >= 10  # (score: schema 10; a read-only open keeps older files)

        def read() -> list[Claim]:
            sql, args = self._layer_sql("claims", doc_id, include_rejected, "start, id",
                                        _CLAIM_COLUMNS + (", score" if scored else ""))
            return _claims_from(self._decoded(sql, args, tuples=True), scored)

        if doc_id is None:
            return read()
        return [_claim_copy(c) for c in self._per_document(("claims", doc_id, include_rejected), read)]

    @staticmethod
    def _layer_sql(table: str, doc_id: int | None, include_rejected: bool, order: str,
                   columns: str = "*") -> tuple[str, list[Any]]:
        where, args = [], []
        if doc_id is not None:
            where.append("doc_id = ?")
            args.append(doc_id)
        if not include_rejected:
            where.append("status != 'rejected'")
        sql = f"SELECT {columns} FROM {table}" + (" WHERE " + " AND ".join(where) if where else "")
        return f"{sql} ORDER BY doc_id, {order}", args

    def _fetchone(self, sql: str, args: tuple[Any, ...]) -> Any:
        """One row, its text decoded as :meth:`_decoded` does (a damaged value: the same one-line
        error as the checked decoder's)."""
        conn, checked = self.conn, self.conn.text_factory
        conn.text_factory = str
        try:
            return conn.execute(sql, args).fetchone()
        except sqlite3.OperationalError as exc:
            if "decode" not in str(exc).lower():
                raise
        finally:
            conn.text_factory = checked
        return conn.execute(sql, args).fetchone()  # through the checked decoder: raises, naming it

    def _decoded(self, sql: str, args: Iterable[Any] = (), *, tuples: bool = False) -> Iterator[Any]:
        """The rows of a query whose text SQLite's own (C) UTF-8 decoder decodes: the checked decoder
        (the connection's text factory) runs in Python, per value, and costs as much as the query
        on hot paths (the document list, a long article's annotations).  A value that is not UTF-8
        is read again through the checked decoder, which raises the one-line error it always did.
        Rows are ``sqlite3.Row`` (or plain tuples), read in chunks."""
        conn, checked = self.conn, self.conn.text_factory
        cursor = conn.cursor()
        if tuples:
            cursor.row_factory = None
        started = False
        while True:
            conn.text_factory = str
            try:
                if not started:
                    cursor.execute(sql, list(args))
                    started = True
                chunk = cursor.fetchmany(500)
            except sqlite3.OperationalError as exc:
                if "decode" not in str(exc).lower():
                    raise
                conn.text_factory = checked
                for _row in conn.execute(sql, list(args)):  # raises, naming the damage
                    pass
                raise DamagedProjectError(f"{self.path.name}: damaged project file (stored text is not valid "
                                          "UTF-8)") from None
            finally:
                conn.text_factory = checked
            if not chunk:
                return
            yield from chunk

    def mentions_overlapping(self, doc_id: int, start: int, end: int, *,
                             include_rejected: bool = False) -> list[Mention]:
        """The mentions of ``doc_id`` that share a character with ``[start, end)`` (one that only
        touches it, ending at ``start`` or starting at ``end``, does not), in :meth:`mentions`'
        order.  A range on the ``(doc_id, start)`` index: a gesture in a long article reads the
        few mentions under the selection, not all of them."""
        sql = "SELECT * FROM mentions WHERE doc_id = ? AND start < ? AND \"end\" > ?"
        if not include_rejected:
            sql += " AND status != 'rejected'"
        rows = self.conn.execute(sql + " ORDER BY start, \"end\", id", (doc_id, end, start))
        return [row_to_mention(r) for r in rows]

    def mention(self, mention_id: int) -> Mention:
        return row_to_mention(self._one("mentions", mention_id))

    def quote(self, quote_id: int) -> Quote:
        return row_to_quote(self._one("quotes", quote_id))

    def claim(self, claim_id: int) -> Claim:
        return row_to_claim(self._one("claims", claim_id))

    def entity(self, entity_id: int) -> Entity:
        return row_to_entity(self._one("entities", entity_id))

    def entities(self) -> list[Entity]:
        """Every canonical entity some live (non-rejected) mention links to, by name.

        An entity whose mentions were all rejected, deleted, re-linked or merged away is kept (its
        name and aliases for undo and for later runs) but is not shown, counted or exported.

        The window asks for them on every document switch and edit, so the list is kept until the
        database changes: ``PRAGMA data_version`` moves when another connection commits,
        ``total_changes`` when this one writes (inside a transaction the cache is not used).
        """
        if self.conn.in_transaction:
            return self._read_entities()
        key = (self.conn.execute("PRAGMA data_version").fetchone()[0], self.conn.total_changes)
        if self._entities_cache is None or self._entities_cache[0] != key:
            self._entities_cache = (key, self._read_entities())
        return list(self._entities_cache[1])

    def decided_entities(self) -> list[Entity]:
        """Every entity an editor merged, renamed or split (``decided``), live or not: the decisions
        pre-annotation must respect even when the editor has since rejected every mention."""
        return [row_to_entity(r) for r in self.conn.execute("SELECT * FROM entities WHERE decided = 1 "
                                                            "ORDER BY name, id")]

    def _read_entities(self) -> list[Entity]:
        return [row_to_entity(r) for r in self.conn.execute(f"SELECT * FROM entities e WHERE {LIVE_ENTITY} "
                                                            "ORDER BY name, id")]

    def entity_by_name(self, name: str, type_: str | None = None) -> Entity | None:
        sql, args = "SELECT * FROM entities WHERE name = ?", [name]
        if type_:
            sql += " AND type = ?"
            args.append(type_)
        row = self.conn.execute(sql + " ORDER BY id LIMIT 1", args).fetchone()
        return None if row is None else row_to_entity(row)

    def entity_names(self, ids: Iterable[int | None]) -> dict[int, str]:
        """Names of the given canonical entities (cheap: only those rows)."""
        wanted = sorted({i for i in ids if i is not None})
        names: dict[int, str] = {}
        for chunk in range(0, len(wanted), 500):
            part = wanted[chunk:chunk + 500]
            rows = self.conn.execute(f"SELECT id, name FROM entities WHERE id IN ({', '.join('?' * len(part))})", part)
            names.update(rows.fetchall())
        return names

    def documents_by_status(self) -> dict[str, int]:
        counts = {s: 0 for s in ("new", "in_progress", "done")}
        counts.update(dict(self.conn.execute("SELECT status, count(*) FROM documents GROUP BY status").fetchall()))
        return counts

    def accepted_labels_by_entity(self) -> dict[int, dict[str, int]]:
        """For each canonical entity that accepted mentions link to: how many carry each label."""
        votes: dict[int, dict[str, int]] = {}
        for entity_id, label, n in self.conn.execute(
                "SELECT entity_id, label, count(*) FROM mentions WHERE entity_id IS NOT NULL AND status = 'accepted' "
                "GROUP BY entity_id, label"):
            votes.setdefault(entity_id, {})[label] = n
        return votes

    def live_mention_rows(self) -> list[sqlite3.Row]:
        """Every mention that is not rejected, by id, as raw rows (``id, doc_id, start, end, label,
        entity_id, origin, status, annotator``): what entity clustering reads, for a whole project."""
        return self.conn.execute(
            'SELECT id, doc_id, start, "end", label, entity_id, origin, status, annotator '
            "FROM mentions WHERE status != 'rejected' ORDER BY id").fetchall()

    def link_mention_rows(self, doc_ids: Sequence[int]) -> Iterator[sqlite3.Row]:
        """The mentions incremental entity linking reads, by id, as :meth:`live_mention_rows`
        shapes them: every live mention of the documents ``doc_ids``, and every live mention an
        editor made, accepted or changed anywhere (the editor's entities the new ones may join).
        A cursor: rows are read as they are used."""
        return self.conn.execute(
            'SELECT id, doc_id, start, "end", label, entity_id, origin, status, annotator FROM mentions '
            "WHERE status != 'rejected' AND (origin != 'model' OR status != 'suggested' OR annotator IS NOT NULL "
            "OR doc_id IN (SELECT value FROM json_each(?))) ORDER BY id", (json.dumps(list(doc_ids)),))

    def mention_count(self, doc_id: int | None = None) -> int:
        """How many mention rows (any status) one document, or the project, has."""
        if doc_id is None:
            return self.conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
        return self.conn.execute("SELECT count(*) FROM mentions WHERE doc_id = ?", (doc_id,)).fetchone()[0]

    def mention_counts(self, include_rejected: bool = False) -> dict[int, int]:
        """Mentions per canonical entity; rejected suggestions are left out unless asked for."""
        where = "" if include_rejected else " AND status != 'rejected'"
        rows = self.conn.execute(
            f"SELECT entity_id, count(*) FROM mentions WHERE entity_id IS NOT NULL{where} GROUP BY entity_id"
        )
        return dict(rows.fetchall())

    # One entity's rows (the "across the story" list, "show the entity"): by its index, never the
    # project's every mention or quote.

    def entity_quotes(self, entity_id: int, doc_ids: Iterable[int] | None = None) -> list[Quote]:
        """The live quotes whose speaker is ``entity_id`` (those of ``doc_ids`` only, if given), by
        document and id."""
        sql = "SELECT * FROM quotes WHERE speaker_entity_id = ? AND status != 'rejected'{docs} ORDER BY doc_id, id"
        return [row_to_quote(r) for part_sql, args in self._doc_chunks(sql, [entity_id], doc_ids)
                for r in self._decoded(part_sql, args)]

    def entity_mention_docs(self, entity_id: int, doc_ids: Iterable[int] | None = None) -> list[tuple[int, int, int]]:
        """Per document with a live mention of ``entity_id`` (of ``doc_ids`` only, if given):
        ``(doc_id, id of its first such mention in reading order, how many it has)``, by document;
        counted by SQLite."""
        sql = ("SELECT doc_id, id, n FROM (SELECT doc_id, id, count(*) OVER (PARTITION BY doc_id) AS n, "
               'row_number() OVER (PARTITION BY doc_id ORDER BY start, "end", id) AS k FROM mentions '
               "WHERE entity_id = ? AND status != 'rejected'{docs}) WHERE k = 1 ORDER BY doc_id")
        return [tuple(r) for part_sql, args in self._doc_chunks(sql, [entity_id], doc_ids)
                for r in self.conn.execute(part_sql, args)]

    def first_entity_mention(self, entity_id: int) -> Mention | None:
        """The first live mention of ``entity_id`` (by document, then reading order), or None."""
        row = self._fetchone("SELECT * FROM mentions WHERE entity_id = ? AND status != 'rejected' "
                             'ORDER BY doc_id, start, "end", id LIMIT 1', (entity_id,))
        return None if row is None else row_to_mention(row)

    @staticmethod
    def _doc_chunks(sql: str, args: list[Any], doc_ids: Iterable[int] | None,
                    size: int = 500) -> list[tuple[str, list[Any]]]:
        """``sql`` (its ``{docs}`` the filter by document) once for every document, or once per
        ``size`` of ``doc_ids`` (SQLite bounds the parameters of a statement)."""
        if doc_ids is None:
            return [(sql.format(docs=""), args)]
        ids = sorted(set(doc_ids))
        return [(sql.format(docs=f" AND doc_id IN ({', '.join('?' * len(ids[i:i + size]))})"), [*args, *ids[i:i + size]])
                for i in range(0, len(ids), size)]

    def _one(self, table: str, row_id: int) -> sqlite3.Row:
        row = self._fetchone(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
        if row is None:
            raise KeyError(f"no {table[:-1]} {row_id}")
        return row

    def stored_json(self, row: sqlite3.Row | dict[str, Any], table: str, column: str,
                    kind: type = object) -> Any:
        """The JSON value stored in ``row[column]`` (of ``kind``: list, dict); a value that does not
        parse or has the wrong shape raises a one-line :class:`DamagedRowError` naming the project,
        table and row, instead of a ``JSONDecodeError``.  For code that reads raw rows (edits)."""
        try:
            return _json(row, table, column, kind)
        except DamagedRowError as exc:
            raise exc.named(self.path.name) from None

    def row(self, table: str, row_id: int) -> dict[str, Any] | None:
        """The raw stored row as a dict (what edits compare and history records)."""
        if table not in EDITABLE_TABLES:
            raise ValueError(f"not an editable table: {table}")
        row = self._fetchone(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
        return None if row is None else dict(row)

    # Summaries ---------------------------------------------------------------------------------------

    def counts(self) -> dict[str, Any]:
        """Project statistics, as ``claimdesk info --json`` prints them."""
        q = self.conn.execute
        by_status = self.documents_by_status()

        def layer(table: str) -> dict[str, int]:
            out = {s: 0 for s in ("suggested", "accepted", "rejected")}
            out.update(dict(q(f"SELECT status, count(*) FROM {table} GROUP BY status").fetchall()))
            return out

        # one pass over the (status, label) index gives both the status and the label counts
        mention_status = {s: 0 for s in ("suggested", "accepted", "rejected")}
        labels: dict[str, int] = {}
        for status, label, n in q("SELECT status, label, count(*) FROM mentions GROUP BY status, label"):
            mention_status[status] = mention_status.get(status, 0) + n
            if status != "rejected":
                labels[label] = labels.get(label, 0) + n
        by_label = dict(sorted(labels.items()))
        quote_status, claim_status = layer("quotes"), layer("claims")
        return {
            "documents": sum(by_status.values()),
            "documents_by_status": by_status,
            "stories": dict(q("SELECT coalesce(story, ''), count(*) FROM documents GROUP BY story").fetchall()),
            "entities": mention_status["suggested"] + mention_status["accepted"],
            "entities_by_label": by_label,
            "entities_by_status": mention_status,
            "canonical_entities": q(f"SELECT count(*) FROM entities e WHERE {LIVE_ENTITY}").fetchone()[0],
            "quotes": quote_status["suggested"] + quote_status["accepted"],
            "quotes_by_status": quote_status,
            "claims": claim_status["suggested"] + claim_status["accepted"],
            "claims_by_status": claim_status,
        }

    def history(self, limit: int = 100, doc_id: int | None = None) -> list[dict[str, Any]]:
        sql, args = "SELECT * FROM history", []
        if doc_id is not None:
            sql += " WHERE doc_id = ?"
            args.append(doc_id)
        rows = self.conn.execute(sql + " ORDER BY id DESC LIMIT ?", [*args, limit])
        return [_history_row(r) for r in rows]

    #: How many matching documents :meth:`search` ranks at most: the newest ones (highest ids).
    SEARCH_CANDIDATES = 2000

    def search(self, query: str, limit: int = 200) -> list[tuple[int, str]]:
        """Project-wide full-text search; returns ``(doc_id, snippet)`` best first.

        Ranking (bm25) costs per matching document, and a common word matches every one, so only a
        bounded set is ranked: all matches while there are at most :data:`SEARCH_CANDIDATES`,
        else the newest that many (the ``rowid`` of the last of them, found from the index without
        ranking, bounds the ranked query).  A search stays as fast at 100,000 documents as at
        2,000; snippets are made only for the ``limit`` rows returned."""
        words = [w for w in query.replace('"', " ").split() if w]
        if not words:
            return []
        match = " ".join(f'"{w}"' for w in words)
        floor = self.conn.execute(
            "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
            (match, self.SEARCH_CANDIDATES - 1)).fetchone()
        bound, args = ("", (match, limit)) if floor is None else (" AND rowid >= ?", (match, floor[0], limit))
        rows = self.conn.execute(
            "SELECT rowid, snippet(documents_fts, 1, '[', ']', '…', 12) FROM documents_fts "
            f"WHERE documents_fts MATCH ?{bound} ORDER BY rank LIMIT ?", args)
        return [(r[0], r[1]) for r in rows]

    def search_count(self, query: str) -> int:
        """How many documents match ``query`` (all of them, ranked or not; cheap: no ranking)."""
        words = [w for w in query.replace('"', " ").split() if w]
        if not words:
            return 0
        match = " ".join(f'"{w}"' for w in words)
        return self.conn.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?", (match,)).fetchone()[0]

    # Bulk loading --------------------------------------------------------------------------------------

    #: Tables :meth:`bulk_insert` fills.
    BULK_TABLES = (*EDITABLE_TABLES, "meta")

    def bulk_insert(self, table: str, columns: Iterable[str], rows: Iterable[Sequence[Any]], *,
                    replace: bool = False) -> int:
        """Insert many rows as they are, inside the caller's :meth:`transaction`: no edits, no history,
        no bookkeeping rules.  Only for building large projects (the benchmark, test fixtures); the
        caller writes rows shaped as the edits write them (provenance, ``annotated_model``; the
        full-text index follows by its triggers).  Returns the number of rows.  Run :meth:`analyze`
        after a large load."""
        if table not in self.BULK_TABLES:
            raise ValueError(f"not a table to bulk-load: {table}")
        if not self.conn.in_transaction or self._depth == 0:
            raise ProjectError(f"{self.path.name}: bulk_insert outside a transaction")
        cols = list(columns)
        if not all(c.replace("_", "").isalnum() for c in cols):
            raise ValueError(f"bad column names: {cols}")
        sql = (f"INSERT {'OR REPLACE ' if replace else ''}INTO {table} ({', '.join(f'[{c}]' for c in cols)}) "
               f"VALUES ({', '.join('?' * len(cols))})")
        count = self.conn.executemany(sql, rows).rowcount
        self.touched(table)
        return count

    def defer_search_index(self) -> None:
        """Inside a transaction: index the documents inserted from now on for search together,
        just before the commit (one ``INSERT ... SELECT`` into ``documents_fts``), instead of one
        by one by the insert trigger.  FTS5 flushes the terms it holds in memory at every
        statement savepoint, and the insert of a document with triggers opens one, so indexing
        each document as it is inserted wrote a segment per document and merged them again (an
        import of 10,000 articles spent 1.9 s more than indexing them together).  The trigger is
        dropped for the rest of the transaction and created again before its commit, in the
        same transaction: another connection never sees it missing, and a rollback (or a kill)
        leaves it as it was.  Only for inserts: the caller must not update or delete documents
        before the commit (an import's batch).  Does nothing when already deferred."""
        if not self.conn.in_transaction or self._depth == 0:
            raise ProjectError(f"{self.path.name}: defer_search_index outside a transaction")
        if self._pending.search_deferred:
            return
        found = self.conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'documents_fts_ai'").fetchone()
        if found is None:
            return
        trigger_sql = found[0]
        floor = self.max_id("documents")
        self.conn.execute("DROP TRIGGER documents_fts_ai")
        self._pending.search_deferred = True

        def index() -> None:
            self.conn.execute("INSERT INTO documents_fts (rowid, title, text) "
                              "SELECT id, coalesce(title, ''), text FROM documents WHERE id > ? ORDER BY id",
                              (floor,))
            self.conn.execute(trigger_sql)

        self._pending.before_commit.append(index)

    def max_id(self, table: str) -> int:
        """The largest row id of an editable table (0 when empty)."""
        if table not in EDITABLE_TABLES:
            raise ValueError(f"not an editable table: {table}")
        return self.conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0] or 0

    def analyze(self) -> None:
        """Give SQLite's query planner statistics of the rows as they are (after a bulk load)."""
        if self.readonly:
            raise ProjectError(f"{self.path.name}: opened read-only")
        try:
            self.conn.execute("ANALYZE")
        except sqlite3.Error as exc:
            raise self._write_error(exc) from None

    def integrity_check(self) -> list[str]:
        return [r[0] for r in self.conn.execute("PRAGMA integrity_check").fetchall()]


for _name in ("meta", "label_rows", "labels", "documents", "document", "document_by_ext_id",
              "document_by_hash", "document_summaries", "mentions", "quotes", "claims", "mention", "quote",
              "claim", "entity", "entities", "entity_by_name", "counts", "history", "search", "row",
              "document_text", "live_mention_rows", "entity_quotes", "first_entity_mention"):
    setattr(Store, _name, _named(getattr(Store, _name)))
del _name


def _label_fields(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": item["name"],
        "color": item.get("color") or "#cccccc",
        "hotkey": item.get("hotkey"),
        "description": item.get("description", ""),
    }


#: SQLite primary result codes that mean "the file could not be written" (not a bug in a query):
#: BUSY, LOCKED, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, NOTADB.
_WRITE_FAILURES = frozenset({5, 6, 8, 10, 11, 13, 14, 26})


def _is_disk_full(exc: BaseException, where: Path | None = None) -> bool:
    import errno

    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return False
    if code & 0xFF == 13:  # SQLITE_FULL
        return True
    if code & 0xFF == 10 and where is not None:  # an I/O error (growing -shm, fsync) on a full disk
        try:
            return shutil.disk_usage(where.parent).free < 256 * 1024
        except OSError:
            return False
    return False


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _project_error(exc: BaseException, path: Path, real: Path, what: str) -> ProjectError:
    """The one-line error for an SQLite or OS error while writing ``path`` (``what`` happened)."""
    name = path.name
    if isinstance(exc, ProjectError):
        return exc
    if _is_disk_full(exc, real):
        return DiskFullError(f"{name}: disk full: {what}; everything saved before is kept")
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code == 8 or (isinstance(exc, PermissionError)):
        return ReadOnlyProjectError(f"{name}: read-only: {what}; everything saved before is kept")
    if code in (11, 26):
        return DamagedProjectError(f"{name}: damaged project file ({_reason(exc)}): {what}")
    if code in (5, 6):
        return ProjectError(f"{name}: busy (another program holds it: {_reason(exc)}): {what}")
    return ProjectError(f"{name}: cannot be written ({_reason(exc)}): {what}; everything saved before is kept")


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=True, timeout=10)
    conn.row_factory = sqlite3.Row
    conn.text_factory = _text_factory(path.name)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    # The background checkpointer keeps the -wal near empty; this is the bound when it falls behind.
    conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
    return conn


def _connect_readonly(path: Path, *, check_same_thread: bool = True) -> sqlite3.Connection:
    """A read-only connection that also works on a read-only file, folder or medium.

    Where the file and its folder can be written and no ``-wal`` holds changes, an ordinary
    connection with ``PRAGMA query_only``, which leaves no ``-wal``/``-shm`` behind.  Otherwise
    ``mode=ro`` (it sees a writer's committed changes); when that cannot work because no
    ``-shm`` can be created beside the file, ``immutable=1``, which is safe there: nothing can
    write in that folder, and there is no ``-wal`` with changes the project file lacks.
    """
    real = Path(os.path.realpath(path))
    wal = Path(f"{real}-wal")
    if os.access(real, os.W_OK) and os.access(real.parent, os.W_OK) and (
            not wal.exists() or wal.stat().st_size == 0):
        # Nothing to recover, and the folder can be written: an ordinary connection that refuses
        # to write (query_only), so SQLite removes the -wal and -shm it made when the last
        # connection closes (a mode=ro one would leave them behind).
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(str(real), check_same_thread=check_same_thread)
            conn.execute("PRAGMA query_only = 1")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            if not isinstance(exc, sqlite3.OperationalError):
                raise
        else:
            conn.row_factory = sqlite3.Row
            conn.text_factory = _text_factory(path.name)
            return conn
    uri = real.as_uri()
    ro: sqlite3.Connection | None = None
    try:
        ro = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=check_same_thread)
        ro.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as exc:
        if ro is not None:
            ro.close()
        code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+; without it, never guess
        if code is None or (code & 0xFF) not in (8, 10, 14):  # READONLY, IOERR, CANTOPEN
            raise
        if wal.exists() and wal.stat().st_size > 0:
            raise ReadOnlyProjectError(
                f"{path.name}: read-only here, and its {wal.name} holds changes not yet in the project "
                "file, which cannot be read without writing beside it; open it once where it can be written"
            ) from None
        ro = sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=check_same_thread)
    ro.row_factory = sqlite3.Row
    ro.text_factory = _text_factory(path.name)
    return ro


@dataclass(frozen=True)
class _Backup:
    path: Path
    made: bool


def _backup(conn: sqlite3.Connection, path: Path, version: int) -> _Backup:
    """Copy an older project aside before migrating it: nothing already saved is ever lost."""
    target = path.with_name(f"{path.name}.schema{version}.bak")
    if target.exists():
        return _Backup(target, False)
    tmp = target.with_name(target.name + ".tmp")
    dest = sqlite3.connect(str(tmp))
    try:
        conn.backup(dest)
    except BaseException:
        dest.close()
        tmp.unlink(missing_ok=True)
        raise
    dest.close()
    shutil.move(str(tmp), str(target))
    return _Backup(target, True)
