r"""Write a project's annotations as datasets that other tools read without a converter.

Plain Python (no Qt, no spaCy).  The spaCy ``DocBin`` format lives in
:mod:`desktop.nlp.spacy_export`, which reuses the machinery here (document selection, splits,
atomic output, the summary); :func:`desktop.app.export.export` dispatches between the two.

Public API
==========

``export_project(store, fmt, out, *, status="accepted", documents="all", split=None, seed=0,
model=None, job=None, overwrite=False) -> ExportSummary``
    Write one of :data:`CORE_FORMATS` (the formats of :data:`desktop.core.formats.FORMATS` whose
    exporter is this function) to ``out``.  ``"spacy"`` is refused here (core never imports
    spaCy): use :func:`desktop.app.export.export` which handles every format.
``ExportSummary.line()``
    ``exported N documents, E entities, Q quotes, C claims; S spans adjusted`` (+ notes).
``manifest_path(out)``, ``MARKER_NAME``
    Where the manifest of a two-file export lives; the marker file of a folder export (see
    "Atomic" below for how a reader tells a complete export).
``run_export(...)``, ``atomic_output(out, *, folder, overwrite=False, info=None)``, ``AtomicOutput``
    The frame every format shares (used by :mod:`desktop.nlp.spacy_export`).

What is exported
================

* ``status="accepted"``: only annotations an editor accepted or made (status ``accepted``);
  ``status="all"`` adds model suggestions (status ``suggested``), marked as such wherever the
  format can carry it.  Rejected annotations are never exported.
* ``documents="done"``: only documents whose status is ``done``; ``"reviewed"``: those with at
  least one reviewed layer (done, or a layer an editor marked finished: ``ExportDoc.reviewed``);
  ``"all"``: every document (documents without annotations included).  The documents a selection
  leaves out are counted (``ExportSummary.left_out``).
* Reviewed layers: ``ExportDoc.reviewed`` says which layers of a document (``entities``,
  ``quotes``, ``claims``) an editor finished.  A format writes the unannotated text of an
  unreviewed layer as missing, or leaves it out, never as a negative example, and counts the
  documents it left out (``left_out``) or marked missing (``missing``).
* Documents are read one at a time (never all texts at once) in project order (document id) and
  written as they are read; JSON array formats are streamed (``[``, items, ``]``).
* Output is deterministic: the same project gives byte-identical data files.  Nothing about the
  export itself (time, user, machine) is written into them; that goes in the marker or manifest
  below, a dotfile that brat's server, ``claimdesk import`` and every reader of named files skip.
* ``out`` names a file or folder (not ``""``, ``.``, ``..``) in a folder that exists: a folder
  export creates only its own last level, never missing parents (``mkdir -p``).
* Atomic, and what a reader can rely on after a crash (SIGKILL, power cut) at any instant:

  - One file (jsonl, conll, prodigy, claimreview, spacy): written to ``.OUT.XXXXXXXX.part`` in the
    same folder, flushed, fsynced and renamed over ``OUT`` (``os.replace``): ``OUT`` is always the
    whole previous file or the whole new one.
  - A folder (brat, any ``--split``): built in a hidden staging folder ``.OUT.XXXXXXXX.part``
    beside ``OUT``, every file fsynced, then swapped with ``OUT`` in one step (Linux
    ``renameat2(RENAME_EXCHANGE)``; elsewhere two renames, and a folder a crash left aside as
    ``.OUT.XXXXXXXX.old`` is put back by the next export): ``OUT`` is always the whole previous
    export or the whole new one, never a mixture.  Every folder export holds a marker file
    ``.claimdesk-export`` (JSON: ``claimdesk_export`` version, ``format``, ``project``,
    ``status``, ``documents``, ``split``/``seed``, ``id``, ``created``; a brat folder adds
    ``ids``, file stem -> document id, for every stem that is not the id itself).
  - Two files side by side (csv: ``OUT.csv`` + ``OUT_quotes.csv``; label-studio: ``OUT.json`` +
    ``OUT.xml``): no file system can rename two files at once, so the pair is committed by a
    manifest ``.OUT.csv.claimdesk-export`` (``.OUT.json.claimdesk-export``) naming both files
    with their SHA-256 and size and a shared export ``id``.  Both new files are written and
    fsynced first; then the old manifest is deleted, the files are renamed into place one by one,
    and the new manifest is renamed in last.  So each file is always whole (old or new), and
    **the two files are one export exactly when the manifest exists and both files match its
    hashes**; a pair without a manifest (or not matching it) is the remains of an interrupted
    export, and running the export again completes it.  A pair from before manifests existed has
    none either.
  - A failed export (a full disk, a read-only folder, an error in the middle) deletes what it
    wrote and leaves the previous export as it was, and the user gets one line
    (:class:`ExportError`).  What killed exports left (``.NAME.XXXXXXXX.part`` files and staging
    folders, ``.NAME.XXXXXXXX.old`` folders, for the names this export writes) is deleted by the
    next export to the same place, except what a running export still holds (``flock``).
* Files and folders get the permissions the user's umask gives any program's new files
  (``0666``/``0777`` & ~umask, e.g. ``rw-r--r--`` under umask 022), also when they replace a
  previous export, so colleagues on a shared drive read them as they read the user's other files.
* An existing output file is replaced.  An empty output folder is written into; a non-empty one
  only when it carries the marker (it is a previous export) and only with ``overwrite=True``
  (``--force``); a folder of anything else (a source corpus, someone's articles) is never
  replaced, ``--force`` or not.  The project file, and a folder holding it, are never written
  over.
* ``split="80/10/10"`` (two or three parts: train/dev[/test]) with ``seed``: documents are
  ordered by external id, shuffled with ``random.Random(seed)`` and cut at the rounded cumulative
  proportions, so the same project, split and seed always give the same parts.  ``out`` becomes
  a folder with ``train``/``dev``/``test`` parts in the chosen format (``train.jsonl``,
  ``train.conll``, ``train.json``, ``train.csv`` + ``train_quotes.csv``, brat ``train/``
  folders; spaCy ``train.spacy``).  ``claimreview`` has no splits (it is a publication format).
* When ``out`` has no suffix and the output is one file, the format's suffix is added (each
  format's suffix is in :data:`desktop.core.formats.FORMATS`, the one registry of formats:
  ``.jsonl``, ``.conll``, ``.json``, ``.csv``, ``.jsonld``, ``.spacy``).

Formats
=======

``jsonl``
    The interchange JSONL of DESIGN.md, one document a line, every layer with provenance
    (``origin``, ``status``, ``annotator``, ``model``, ``created_at``, ``updated_at``), canonical
    names (``entity``, ``speaker_entity``), ``speaker_resolved`` (the name a pronoun speaker
    stands for, a span or null), ``claimant`` (the claimant's text, else its entity's
    name), ``labels``, ``note`` and ``meta`` (title, source, url, published, story, status when not new; only fields
    that are set).  Keys in a fixed order; U+2028, U+2029 and U+0085 are written as ``\u`` escapes
    so line-based readers never split a record.  ``claimdesk import`` reads it back.

``conll``, ``conllu``
    Written by :mod:`desktop.nlp.conll_export` (spaCy's tokenizer and offset helpers), through
    this module's frame.

``brat``
    A folder with ``ID.txt`` (the text exactly, UTF-8, line ends as stored) and ``ID.ann`` per
    document, in the conventions of :mod:`desktop.core.importers` (entities, ``Quote`` spans with
    ``Speaker``/``Cue`` spans and relations, ``QuoteType``, ``Claim`` spans with one attribute per
    label set, ``Origin``/``Status`` attributes, ``AnnotatorNotes`` with ``entity=``,
    ``speaker_entity=``, ``claimant=``, ``note=``, ``annotator=``, ``model=``), plus an
    ``annotation.conf`` so a brat server shows them (overlaps allowed).  ``ID`` is the document's
    external id with characters other than letters, digits, ``.``, ``_``, ``-``, ``~`` replaced by
    ``_`` (a leading dot too), and an id longer than 120 UTF-8 bytes (a URL as id) cut there and
    ended with ``~`` and 12 hex digits of its SHA-256 (:func:`brat_file_stem`), so every name fits
    any file system; clashes get ``_2``, ``_3``...  The folder's ``.claimdesk-export`` maps each
    stem that is not the document id back to the id (``"ids"``).  Every line follows brat's own
    reading rules (nlplab/brat ``server/src/annotation.py``; ``tests/brat_rules.py`` applies them
    to every export in the tests).  Offsets are code points of the ``.txt`` as brat reads it, with
    universal newlines: a ``\r\n`` counts one (the ``.txt`` itself keeps the text's line ends).
    The text field is exactly the text at the offsets.  A span over a line break or tab
    (:data:`BRAT_BREAKS`: everything ``str.splitlines`` breaks at, and the tab) is written as
    brat's server writes one, in fragments cut there (:func:`brat_fragments`: whitespace next to
    a cut left out), their texts joined by one space, e.g. ``T5\tClaim 0 25;27 40\tfirst line
    second line``; a break at a span's own edge is left out and counted as adjusted.  Notes
    write the other line breaks as ``\uXXXX``.  ``claimdesk import`` reads it back: fragments
    apart only by whitespace holding a break are one span again.

``prodigy``, ``label-studio``, ``doccano``, ``doccano-relations``
    The annotation tools' formats, written (and read back by ``claimdesk import``) by
    :mod:`desktop.core.prodigy`, :mod:`desktop.core.label_studio` and :mod:`desktop.core.doccano`,
    whose docstrings give their conventions; their writers are registered here.

``csv``
    ``OUT``: one row per claim (document, outlet, date, title, claim, claimant, one column per
    claim label set of the project, note, status, origin, annotator, start, end), and
    ``OUT_quotes.csv`` (``OUT``'s stem + ``_quotes``): one row per quote (document, outlet, date,
    speaker, speaker_resolved (the name a pronoun speaker stands for), speaker_entity, cue, type, content with fragments joined by `` … ``, status, origin,
    annotator, start, end).  UTF-8 with a byte order mark and CRLF row ends (RFC 4180), which
    Excel, LibreOffice and Numbers all open with accents intact; Python reads it with
    ``encoding="utf-8-sig", newline=""``.  Safe to open in a spreadsheet: a text cell starting
    with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (a claim ``=SUM(…)``, a note
    ``=HYPERLINK(…)``) gets a ``'`` in front (the OWASP rule, :func:`csv_cell`), so Excel and
    LibreOffice show it as text instead of running it; every other cell is written exactly, and a
    reader that wants the text back drops a ``'`` followed by one of those characters.
    ``csv_formulas=True`` (``claimdesk export -f csv --csv-formulas``) writes every cell exactly.

``claimreview``
    A JSON-LD list of schema.org ``ClaimReview`` objects, one per exported claim with a
    ``verdict`` label, as Google's Fact Check structured data requires them
    (:mod:`desktop.core.claimreview` has the fields, where each comes from, and Google's lists):
    ``url`` (the project setting ``claimreview.url`` filled in), ``author`` (the ``Organization``
    of the settings ``publisher.name``/``publisher.url``), ``datePublished``, ``claimReviewed``,
    ``reviewRating`` (``alternateName`` = the verdict), ``itemReviewed`` (a ``Claim`` whose
    ``author`` is the claimant's canonical entity, found by name or alias, ``datePublished`` and
    ``appearance`` the article), ``reviewBody`` (the note).  A record missing a property Google
    requires is not written; the summary's notes say per claim what is missing (required or
    recommended).  A suggested claim (``status="all"``) has ``creativeWorkStatus: "Draft"``.
    The output is meant to be pasted into ``<script
    type="application/ld+json">``: in every string ``<``, ``>``, ``&``, U+2028 and U+2029 are
    written as ``\u003c``-style escapes (so ``</script>`` and ``<!--`` never appear, and a JSON
    parser reads back the same strings), and a URL that is not ``http``/``https`` with a
    host (``javascript:``, ``data:``...) is left out.

Tokens and sentences (Prodigy)
=====================================

:func:`tokenize` and :func:`sentences` are :func:`desktop.core.text.tokenize` and
:func:`desktop.core.text.token_sentences` (the rules are in that module's docstring).  Each token
is cut at every boundary of the exported spans, so every span starts and ends on token boundaries
and offsets stay exact, and a sentence never ends inside an entity mention.
"""

from __future__ import annotations

import bisect
import csv
import errno
import functools
import hashlib
import json
import math
import os
import random
import re
import shutil
import stat
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from desktop.core import claimreview, settings, story_export
from desktop.core.annotation_tools import json_line
from desktop.core.doccano import write_doccano, write_doccano_relations
from desktop.core.formats import (
    DOCUMENT_CHOICES,
    FORMAT_NAMES,
    ExportError,
    export_format,
    output_path,
    part_path,
)
from desktop.core.formats import FORMATS as FORMAT_SPECS
from desktop.core.interchange import (
    ClaimRecord,
    QuoteRecord,
    claim_to_json,
    mention_model_to_json,
    quote_to_json,
)
from desktop.core.jobs import Job
from desktop.core.label_studio import label_studio_config, label_studio_config_path, write_label_studio
from desktop.core.model import EXPORT_MARKER, QUOTE_TYPES, Claim, Document, Mention, Quote, Span
from desktop.core.oserrors import os_problem
from desktop.core.prodigy import write_prodigy
from desktop.core.project_copy import META_KEYS, header_record, is_header
from desktop.core.store import Store
from desktop.core.text import token_sentences as sentences
from desktop.core.text import tokenize
from desktop.core.wording import plural

try:
    import fcntl
except ImportError:  # Windows: no flock; leftovers of killed exports are then left alone
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "CORE_FORMATS",
    "FORMATS",
    "MARKER_NAME",
    "SPLIT_NAMES",
    "AtomicOutput",
    "ExportDoc",
    "ExportError",
    "ExportSource",
    "ExportSummary",
    "export_project",
    "label_studio_config",
    "manifest_path",
    "non_overlapping",
    "parse_split",
    "plan_splits",
    "run_export",
    "sentences",
    "tokenize",
]

#: Every format's id (the registry is :data:`desktop.core.formats.FORMATS`), and those written here.
FORMATS: tuple[str, ...] = FORMAT_NAMES
CORE_FORMATS: tuple[str, ...] = tuple(f.name for f in FORMAT_SPECS.values() if f.exporter == f"{__name__}:export_project")
SPLIT_NAMES: tuple[str, ...] = ("train", "dev", "test")
STATUS_CHOICES = ("accepted", "all")

# Summary ------------------------------------------------------------------------------------------


@dataclass
class ExportSummary:
    format: str
    out: Path
    documents: int = 0
    entities: int = 0
    quotes: int = 0
    claims: int = 0
    #: Spans whose offsets were moved to token boundaries (spaCy; CoNLL/Prodigy: trimmed).
    adjusted: int = 0
    #: Entity mentions left out of a non-overlapping layer (doc.ents, BIO tags).
    dropped: int = 0
    #: Documents not written because they are not reviewed: not selected (``documents="reviewed"``
    #: or ``"done"``), or left out by a format that needs a layer they have not reviewed (CoNLL).
    left_out: int = 0
    #: Documents written with at least one unreviewed layer marked missing (not as negatives).
    missing: int = 0
    #: Records left out because a property their consumer requires is missing (ClaimReview).
    skipped: int = 0
    #: Documents per split part (empty without a split).
    splits: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        text = (
            f"exported {plural(self.documents, 'document')}, "
            f"{plural(self.entities, 'entity')}, {plural(self.quotes, 'quote')}, {plural(self.claims, 'claim')}; "
            f"{plural(self.adjusted, 'span')} adjusted"
        )
        if self.dropped:
            text += f"; {self.dropped} overlapping entities left out of {'doc.ents' if self.format == 'spacy' else 'the tags'}"
        if self.left_out:
            text += f"; {plural(self.left_out, 'document')} left out (not reviewed)"
        if self.missing:
            text += (f"; {plural(self.missing, 'document')} with unreviewed layers "
                     "marked missing")
        if self.skipped:
            text += f"; {plural(self.skipped, 'record')} skipped (a required property missing, see the notes)"
        if self.splits:
            text += " (" + ", ".join(f"{k} {v}" for k, v in self.splits.items()) + ")"
        return text


# Reading the project ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportDoc:
    """One document with the annotations selected for export (rejected ones never)."""

    doc: Document
    mentions: tuple[Mention, ...]
    quotes: tuple[Quote, ...]
    claims: tuple[Claim, ...]
    #: The layers (``"entities"``, ``"quotes"``, ``"claims"``) an editor reviewed: all when the
    #: document is done, else those marked finished.  A format writes an unreviewed layer's
    #: unannotated text as missing (or leaves it out), never as negative examples.
    reviewed: frozenset[str] = frozenset()
    #: The annotations an editor rejected (the JSONL's tombstones), read with the others.
    rejected_mentions: tuple[Mention, ...] = ()
    rejected_quotes: tuple[Quote, ...] = ()
    rejected_claims: tuple[Claim, ...] = ()

    @property
    def text(self) -> str:
        return self.doc.text

    @property
    def has_suggestions(self) -> bool:
        annotations: tuple[Mention | Quote | Claim, ...] = (*self.mentions, *self.quotes, *self.claims)
        return any(a.prov.status == "suggested" for a in annotations)

    def boundaries(self) -> set[int]:
        """Every start and end offset of every exported span."""
        cuts: set[int] = set()
        for m in self.mentions:
            cuts.update((m.start, m.end))
        for q in self.quotes:
            for s in (*q.content, q.speaker, q.cue, q.speaker_resolved):
                if s is not None:
                    cuts.update((s.start, s.end))
        for c in self.claims:
            cuts.update((c.start, c.end))
        return cuts



class ExportSource:
    """What an export reads: the selected documents (ids only, texts loaded one at a time), the
    annotations of the selected statuses, and the canonical entities' names."""

    def __init__(self, store: Store, *, status: str = "accepted", documents: str = "all"):
        if status not in STATUS_CHOICES:
            raise ExportError(f"--status must be one of {', '.join(STATUS_CHOICES)}, not {status!r}")
        if documents not in DOCUMENT_CHOICES:
            raise ExportError(f"--documents must be one of {', '.join(DOCUMENT_CHOICES)}, not {documents!r}")
        self.store = store
        self.status = status
        self.documents = documents
        self.statuses = ("accepted",) if status == "accepted" else ("accepted", "suggested")
        entities = store.entities()
        self.names: dict[int, str] = {e.id: e.name for e in entities}
        self.types: dict[int, str] = {e.id: e.type for e in entities}
        self._type_by_name: dict[str, str] = {}
        for e in sorted(entities, key=lambda e: e.id):
            self._type_by_name.setdefault(e.name, e.type)
        self.settings: dict[str, str] = store.settings()
        self.claimants: claimreview.Claimants | None = None  # built by the ClaimReview writer

    def doc_ids(self) -> list[tuple[int, str]]:
        """``(id, ext_id)`` of the selected documents, in project order."""
        sql = "SELECT id, ext_id FROM documents"
        if self.documents == "done" or (self.documents == "reviewed" and not self._has_marks()):
            sql += " WHERE status = 'done'"
        elif self.documents == "reviewed":
            sql += " WHERE status = 'done' OR reviewed_layers != ''"
        return [(r[0], r[1]) for r in self.store.conn.execute(sql + " ORDER BY id")]

    def _has_marks(self) -> bool:
        """Whether the file records marked layers (schema 6; an older file read as it is has none)."""
        return any(r[1] == "reviewed_layers" for r in self.store.conn.execute("PRAGMA table_info(documents)"))

    def unselected(self, selected: int) -> int:
        """How many documents the selection leaves out, of ``selected`` chosen."""
        if self.documents == "all":
            return 0
        return self.store.document_count() - selected

    def load(self, doc_id: int) -> ExportDoc:
        """A document with its selected annotations and, apart, those an editor rejected: each
        layer read once."""
        keep = self.statuses
        doc = self.store.document(doc_id)
        mentions, quotes, claims = self.store.mentions(doc_id), self.store.quotes(doc_id), self.store.claims(doc_id)
        return ExportDoc(
            doc=doc,
            reviewed=doc.reviewed,
            mentions=tuple(m for m in mentions if m.prov.status in keep),
            quotes=tuple(q for q in quotes if q.prov.status in keep),
            claims=tuple(c for c in claims if c.prov.status in keep),
            rejected_mentions=tuple(m for m in mentions if m.prov.status == "rejected"),
            rejected_quotes=tuple(q for q in quotes if q.prov.status == "rejected"),
            rejected_claims=tuple(c for c in claims if c.prov.status == "rejected"),
        )

    @staticmethod
    def rejected(item: ExportDoc) -> ExportDoc:
        """The document with only the annotations an editor rejected (the JSONL's tombstones)."""
        return ExportDoc(doc=item.doc, mentions=item.rejected_mentions, quotes=item.rejected_quotes,
                         claims=item.rejected_claims)

    def name(self, entity_id: int | None) -> str | None:
        return None if entity_id is None else self.names.get(entity_id)

    def claimant(self, claim: Claim) -> str | None:
        return claim.claimant or self.name(claim.claimant_entity_id)

    def claimant_type(self, claim: Claim) -> str | None:
        if claim.claimant_entity_id is not None:
            return self.types.get(claim.claimant_entity_id)
        return self._type_by_name.get(claim.claimant or "")

    def label_sets(self) -> list[str]:
        return list(self.store.claim_label_sets())


# Splits -------------------------------------------------------------------------------------------


def parse_split(value: str | Sequence[float] | None) -> tuple[float, ...] | None:
    """``"80/10/10"`` -> ``(0.8, 0.1, 0.1)``; two or three finite non-negative parts with a
    positive, finite sum (``inf``, ``nan``, ``-1``, ``0/0`` are one-line :class:`ExportError`)."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, str):
            parts = [float(p) for p in re.split(r"[/,:]", value.strip())]
        else:
            parts = [float(p) for p in value]
    except (TypeError, ValueError):
        raise ExportError(f"--split must look like 80/10/10 or 80/20, not {value!r}") from None
    total = sum(parts)
    if len(parts) not in (2, 3) or not all(math.isfinite(p) and p >= 0 for p in parts) \
            or not math.isfinite(total) or total <= 0:
        raise ExportError(f"--split needs two or three finite non-negative parts (train/dev[/test]) with a "
                          f"positive sum, not {value!r}")
    return tuple(p / total for p in parts)


def plan_splits(docs: Sequence[tuple[int, str]], ratios: Sequence[float], seed: int = 0) -> dict[str, list[int]]:
    """Assign documents to train/dev[/test]: order by external id, shuffle with ``seed``, cut at
    the rounded cumulative proportions.  Each part lists document ids in project order."""
    ordered = sorted(docs, key=lambda d: (d[1], d[0]))
    random.Random(seed).shuffle(ordered)
    n = len(ordered)
    cuts, acc = [0], 0.0
    for ratio in ratios:
        acc += ratio
        cuts.append(min(n, round(n * acc)))
    cuts[-1] = n
    parts = {}
    for i, name in enumerate(SPLIT_NAMES[: len(ratios)]):
        parts[name] = sorted(doc_id for doc_id, _ in ordered[cuts[i] : cuts[i + 1]])
    return parts


# Atomic output ------------------------------------------------------------------------------------

MARKER_NAME = EXPORT_MARKER
#: The manifest of a multi-file export (``OUT.csv`` + ``OUT_quotes.csv``, ``OUT.json`` + ``OUT.xml``)
#: is ``.OUT.csv.claimdesk-export`` beside the files: see the module docstring, "Atomic".
MANIFEST_SUFFIX = MARKER_NAME
_MARKER_VERSION = 1


def manifest_path(out: str | os.PathLike) -> Path:
    """Where the manifest of the multi-file export whose first file is ``out`` lives."""
    out = Path(out)
    return out.with_name(f".{out.name}{MANIFEST_SUFFIX}")


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # Windows cannot open folders
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _hold(path: Path) -> int | None:
    """A descriptor holding an exclusive ``flock`` on ``path`` (a temporary file or folder of a
    running export), so that another run's clean-up sees it is in use; None without ``flock``."""
    if fcntl is None:
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        pass
    return fd


def _in_use(path: str) -> bool:
    """Whether a running export holds ``path`` (see :func:`_hold`); True when it cannot be told."""
    if fcntl is None:
        return True
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def _leftover_pattern(names: Iterable[str]) -> re.Pattern:
    """The names :mod:`tempfile` gives this module's temporary files and folders for ``names``:
    ``.NAME.`` + 8 random characters + ``.part`` (or ``.old``, a replaced folder on its way out)."""
    alternatives = "|".join(re.escape(n) for n in sorted(set(names)))
    return re.compile(rf"\.(?:{alternatives})\.[a-z0-9_]{{8}}\.(?:part|old)")


def remove_leftovers(folder: Path, names: Iterable[str]) -> None:
    """Delete what killed exports of ``names`` left in ``folder`` (``.part`` files and folders,
    ``.old`` folders), except those a running export still holds.  Nothing else is touched."""
    names = list(names)
    if not names:
        return
    pattern = _leftover_pattern(names)
    try:
        entries = [e for e in os.scandir(folder) if pattern.fullmatch(e.name)]
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_symlink() or _in_use(entry.path):
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
        except OSError:
            pass


def _remove_quietly(path: Path) -> None:
    """Delete a previous export moved aside: a folder, or a file an export in parts replaced."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _restore_interrupted(out: Path) -> None:
    """A folder export killed between moving the old folder aside and moving the new one in (only
    where folders cannot be swapped atomically, or by an older version) left ``out`` missing and
    the previous export in ``.OUT.XXXXXXXX.old``: put it back."""
    if out.exists() or out.is_symlink():
        return
    pattern = _leftover_pattern([out.name])
    try:
        candidates = sorted((e for e in os.scandir(out.parent) if pattern.fullmatch(e.name)
                             and e.name.endswith(".old") and e.is_dir(follow_symlinks=False)),
                            key=lambda e: e.stat(follow_symlinks=False).st_mtime, reverse=True)
    except OSError:
        return
    for entry in candidates:
        old = Path(entry.path)
        for previous in (old, old / "previous"):  # this version moves the folder; older ones nested it
            if (previous / MARKER_NAME).is_file() or previous.name == "previous" and previous.is_dir():
                if not _in_use(entry.path):
                    os.replace(previous, out)
                    return


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _umask() -> int:
    """The process's umask, read without changing it where the OS tells it (Linux 4.7+), else by
    setting and restoring it."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _as_user_made(path: Path | int, *, folder: bool = False) -> None:
    """Give a file (path or descriptor) or folder that ``mkstemp``/``mkdtemp`` made (0600/0700)
    the permissions any program gets from the user's umask (``0666``/``0777`` & ~umask), so an
    export on a shared drive is as readable as the user's other files."""
    mode = (0o777 if folder else 0o666) & ~_umask()
    if isinstance(path, int):
        if hasattr(os, "fchmod"):
            os.fchmod(path, mode)
    else:
        os.chmod(path, mode)


def _exchange(a: Path, b: Path) -> bool:
    """Swap ``a`` and ``b`` in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where the
    system or file system cannot, and the caller falls back to two renames."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(code, os.strerror(code), str(b))


class AtomicOutput:
    """Files that appear complete or not at all.

    ``open(path)`` gives a handle on a temporary file beside ``path``; leaving the ``with`` block
    flushes, fsyncs and closes it.  :meth:`commit` renames every finished file into place;
    :meth:`abort` (or any exception inside :func:`atomic_output`) deletes the temporary files.
    ``direct=True`` (a private staging folder that is itself committed by one rename) writes the
    final paths straight away.  :meth:`marker` gives the extra fields of a folder's marker.
    """

    def __init__(self, *, direct: bool = False, hold: bool = False) -> None:
        self._done: list[tuple[Path, Path]] = []
        self._open: list[tuple[Path, IO]] = []
        self._direct = direct
        self._hold = hold
        self._held: list[int] = []
        self.markers: dict[Path, dict[str, Any]] = {}

    @contextmanager
    def open(self, path: Path, *, binary: bool = False, encoding: str = "utf-8",
             newline: str = "") -> Iterator[IO]:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if self._direct:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o666)
            tmp_path = path
        else:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
            tmp_path = Path(tmp)
            try:
                _as_user_made(fd)
            except OSError:
                os.close(fd)
                tmp_path.unlink(missing_ok=True)
                raise
            if self._hold:
                held = _hold(tmp_path)
                if held is not None:
                    self._held.append(held)
        handle: IO = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding=encoding, newline=newline)
        entry = (tmp_path, handle)
        self._open.append(entry)
        try:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        except BaseException:
            handle.close()
            self._open.remove(entry)
            tmp_path.unlink(missing_ok=True)
            raise
        handle.close()
        self._open.remove(entry)
        self._done.append((tmp_path, path))

    def write_bytes(self, path: Path, data: bytes) -> None:
        with self.open(path, binary=True) as fh:
            fh.write(data)

    def marker(self, folder: Path) -> dict[str, Any]:
        """The extra fields of ``folder``'s ``.claimdesk-export`` (a folder export writes one in its
        root and in every brat folder); fill it before the export is committed."""
        return self.markers.setdefault(Path(folder), {})

    def pending(self) -> list[Path]:
        """The final paths of the files written so far (not yet committed)."""
        return sorted({final for _, final in self._done})

    def staged(self) -> list[tuple[Path, Path]]:
        """``(temporary, final)`` of every finished file, in the order written."""
        return list(self._done)

    def commit(self) -> None:
        for tmp, final in self._done:
            if tmp != final:
                os.replace(tmp, final)
        for folder in {final.parent for _, final in self._done}:
            _fsync_dir(folder)
        self._done.clear()
        self._release()

    def abort(self) -> None:
        for tmp, handle in self._open:
            handle.close()
            tmp.unlink(missing_ok=True)
        for tmp, _ in self._done:
            tmp.unlink(missing_ok=True)
        self._open.clear()
        self._done.clear()
        self._release()

    def _release(self) -> None:
        for fd in self._held:
            os.close(fd)
        self._held.clear()


def _check_not_project(store: Store, out: Path) -> None:
    """Never write over the project file, nor replace a folder that holds it."""
    project = Path(store.path).resolve()
    target = out.resolve()
    related = {project, *(project.with_name(project.name + s) for s in ("-wal", "-shm", ".lock"))}
    if target in related:
        raise ExportError(f"{out} is the project file itself; choose another -o")
    if target in project.parents:
        raise ExportError(f"{out} holds the project file; choose another -o")


def _check_out_name(out: str | os.PathLike) -> Path:
    """``-o`` names a file or folder: not empty, not ``.``/``..`` or a root."""
    text = os.fspath(out)
    path = Path(text)
    if not text.strip() or path.name in ("", ".", ".."):
        raise ExportError(f"-o {text!r} does not name a file or folder to write; give one, e.g. -o corpus")
    return path


def _is_marker(path: Path) -> bool:
    """``path`` is a regular file holding a Claimdesk export marker."""
    try:
        if not stat.S_ISREG(path.lstat().st_mode) or path.lstat().st_size > 64 * 1024 * 1024:
            return False
        with open(path, encoding="utf-8") as fh:
            record = json.load(fh)
    except (OSError, ValueError):
        return False
    return isinstance(record, dict) and "claimdesk_export" in record


def _check_folder(out: Path, overwrite: bool) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir() and not out.is_file()):
        raise ExportError(f"{out} is not a folder; this export writes a folder")
    if out.is_file():  # e.g. a spaCy export that has grown past one part
        if not overwrite:
            raise ExportError(f"{out} is a file; this export writes a folder: replace it with --force "
                              "or choose another -o")
        return
    if out.is_dir() and any(out.iterdir()):
        if not _is_marker(out / MARKER_NAME):
            raise ExportError(f"{out}: not a Claimdesk export folder (no {MARKER_NAME}); "
                              "choose an empty or new folder")
        if not overwrite:
            raise ExportError(f"{out} holds a previous export; replace it with --force or choose another -o")


def _write_error(out: Path, exc: OSError, *, committing: bool, previous: bool) -> ExportError:
    reason = os_problem(exc)
    if committing:
        return ExportError(f"{out}: the export stopped while it was being put in place ({reason}); run it again")
    kept = "; the previous export is unchanged" if previous else ""
    return ExportError(f"{out}: cannot write the export ({reason}); nothing was written{kept}")


def _marker_record(info: dict[str, Any] | None, export_id: str) -> dict[str, Any]:
    return {"claimdesk_export": _MARKER_VERSION, **(info or {}), "id": export_id,
            "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}


def _file_digest(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()  # hashlib.file_digest is Python 3.11+; we support 3.10
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return {"sha256": digest.hexdigest(), "bytes": path.stat().st_size}


@contextmanager
def atomic_output(out: Path, *, folder: bool, overwrite: bool = False,
                  info: dict[str, Any] | None = None) -> Iterator[tuple[AtomicOutput, Path]]:
    """Yield ``(files, root)``: write under ``root`` (a temporary folder when ``folder``, else the
    real paths); on success everything lands at once, on error nothing is left behind.

    ``info`` (format, project) goes into the folder's marker or the multi-file manifest.  Failures
    to write (a full disk, a read-only folder) become one-line :class:`ExportError`.
    """
    out = Path(out)
    parent = out.parent
    if not parent.is_dir():
        what = "is not a folder" if parent.exists() else "does not exist"
        raise ExportError(f"{out}: the folder {parent} {what}; create it first or choose another -o")
    export_id = uuid.uuid4().hex
    committing = False
    if folder:
        _restore_interrupted(out)
        _check_folder(out, overwrite)
        previous = out.exists()
        remove_leftovers(parent, [out.name])
        files = AtomicOutput(direct=True)
        tmp_root: Path | None = None
        held: int | None = None
        try:
            try:
                tmp_root = Path(tempfile.mkdtemp(dir=parent, prefix=f".{out.name}.", suffix=".part"))
                _as_user_made(tmp_root, folder=True)
                held = _hold(tmp_root)
                yield files, tmp_root
                for where in {tmp_root, *files.markers}:
                    record = _marker_record(info, export_id)
                    if where != tmp_root:
                        record["part"] = where.relative_to(tmp_root).as_posix()
                    record.update(files.markers.get(where, {}))
                    with files.open(where / MARKER_NAME) as fh:
                        json.dump(record, fh, ensure_ascii=False, indent=1)
                        fh.write("\n")
                folders = {final.parent for _, final in files.staged()}
                files.commit()
                for where in sorted(folders, key=lambda p: len(p.parts), reverse=True):
                    _fsync_dir(where)
                committing = True
                if out.exists() and _exchange(tmp_root, out):
                    _fsync_dir(parent)
                    _remove_quietly(tmp_root)  # now the previous export
                else:
                    old = None
                    if out.exists():
                        old = Path(tempfile.mkdtemp(dir=parent, prefix=f".{out.name}.", suffix=".old"))
                        os.rmdir(old)
                        os.replace(out, old)
                    os.replace(tmp_root, out)
                    _fsync_dir(parent)
                    if old is not None:
                        _remove_quietly(old)
                tmp_root = None
                manifest_path(out).unlink(missing_ok=True)  # of a two-file export this folder replaced
            except OSError as exc:
                raise _write_error(out, exc, committing=committing, previous=previous) from None
        except BaseException:
            files.abort()
            if tmp_root is not None:
                shutil.rmtree(tmp_root, ignore_errors=True)
            raise
        finally:
            if held is not None:
                os.close(held)
    else:
        if out.is_dir():
            raise ExportError(f"{out} is a folder; give a file name for this export (or use --split)")
        manifest = manifest_path(out)
        previous = out.exists()
        remove_leftovers(parent, [out.name, manifest.name])
        files = AtomicOutput(hold=True)
        try:
            try:
                yield files, out
                staged = files.staged()
                if len(staged) > 1 or manifest.exists():
                    # the manifest of the new set is ready before anything is renamed; the old one
                    # goes first and the new one comes last, so a pair without it is incomplete
                    record = _marker_record(info, export_id)
                    record["files"] = {final.name: _file_digest(tmp) for tmp, final in staged}
                    book = AtomicOutput(hold=True)
                    with book.open(manifest) as fh:
                        json.dump(record, fh, ensure_ascii=False, indent=1)
                        fh.write("\n")
                    committing = True
                    manifest.unlink(missing_ok=True)
                    _fsync_dir(parent)
                    files.commit()
                    book.commit()
                else:
                    committing = True
                    files.commit()
                remove_leftovers(parent, [out.name, manifest.name, *(final.name for _, final in staged)])
            except OSError as exc:
                raise _write_error(out, exc, committing=committing, previous=previous) from None
        except BaseException:
            files.abort()
            raise


# Spans, tokens, sentences -------------------------------------------------------------------------


def non_overlapping(mentions: Iterable[Mention], spans: Callable[[Mention], tuple[int, int]] | None = None
                    ) -> tuple[list[Mention], list[Mention]]:
    """Split mentions into a non-overlapping subset to keep and the rest.

    Greedy, in this order of preference: accepted before suggested, longer before shorter,
    earlier start, then label and id.  ``spans`` maps a mention to the offsets to compare (e.g. the
    token-expanded ones); by default its own.  Returns ``(kept in text order, dropped)``.
    """
    get = spans or (lambda m: (m.start, m.end))
    items = list(mentions)
    order = sorted(items, key=lambda m: (m.prov.status != "accepted", -(get(m)[1] - get(m)[0]), get(m)[0],
                                         m.label, m.id))
    kept: list[Mention] = []
    taken: list[tuple[int, int]] = []  # sorted, disjoint
    dropped: list[Mention] = []
    for m in order:
        s, e = get(m)
        i = bisect.bisect_left(taken, (s, e))
        clash = (i > 0 and taken[i - 1][1] > s) or (i < len(taken) and taken[i][0] < e)
        if clash:
            dropped.append(m)
        else:
            taken.insert(i, (s, e))
            kept.append(m)
    kept.sort(key=lambda m: (get(m), m.id))
    dropped.sort(key=lambda m: (get(m), m.id))
    return kept, dropped


# Shared helpers --------------------------------------------------------------------------------------


def _meta(doc: Document) -> dict[str, str]:
    fields = (("title", doc.title), ("source", doc.source), ("url", doc.url), ("published", doc.published),
              ("story", doc.story), ("status", doc.status if doc.status != "new" else None))
    return {k: v for k, v in fields if v is not None}


def _count(summary: ExportSummary, item: ExportDoc) -> None:
    summary.documents += 1
    summary.entities += len(item.mentions)
    summary.quotes += len(item.quotes)
    summary.claims += len(item.claims)


def _items(source: ExportSource, doc_ids: Sequence[int], job: Job, progress: list[int], total: int
           ) -> Iterator[ExportDoc]:
    for doc_id in doc_ids:
        job.check()
        item = source.load(doc_id)
        yield item
        progress[0] += 1
        job.progress(progress[0], total, item.doc.ext_id)


@dataclass
class PartContext:
    """What a format writer gets for one output part (the whole export, or one split)."""

    source: ExportSource
    files: AtomicOutput
    path: Path  # the part's file (or folder, for brat)
    docs: Iterable[ExportDoc]
    summary: ExportSummary


# JSONL -----------------------------------------------------------------------------------------------


def _layers(item: ExportDoc, source: ExportSource) -> dict[str, list[dict[str, Any]]]:
    # the shapes and their keys are the interchange codec's (desktop.core.interchange)
    return {"entities": [mention_model_to_json(m, source.name) for m in item.mentions],
            "quotes": [quote_to_json(QuoteRecord.from_model(q, source.name)) for q in item.quotes],
            "claims": [claim_to_json(ClaimRecord.from_model(c, source.claimant(c))) for c in item.claims]}


def jsonl_record(item: ExportDoc, source: ExportSource) -> dict[str, Any]:
    """The interchange record of one document (DESIGN.md), with provenance, and the suggestions
    an editor rejected (``rejected``, only when there are any: see :mod:`desktop.core.project_copy`)."""
    doc = item.doc
    record: dict[str, Any] = {"id": doc.ext_id, "text": doc.text, "meta": _meta(doc)}
    if doc.marked_reviewed:  # the layers an editor marked finished travel too (project_copy)
        record["meta"]["reviewed"] = sorted(doc.marked_reviewed)
    record.update(_layers(item, source))
    rejected = {k: v for k, v in _layers(source.rejected(item), source).items() if v}
    if rejected:
        record["rejected"] = rejected
    return record


def project_header(store: Store, source: ExportSource | None = None) -> dict[str, Any]:
    """The JSONL header line's object: label schema, canonical entities (live or decided) with
    aliases and decisions, settings, model and quote convention, and the stored story clusters over
    the versions ``source`` exports (:mod:`desktop.core.project_copy`)."""
    entities = {e.id: e for e in store.entities()}
    for e in store.decided_entities():
        entities.setdefault(e.id, e)
    return header_record(
        labels=store.label_rows(),
        entities=[{"name": e.name, "type": e.type, "aliases": list(e.aliases), "decided": e.decided}
                  for e in entities.values()],
        settings=store.settings(), meta={k: store.meta(k) for k in META_KEYS},
        stories=story_export.story_header(store, (source or ExportSource(store)).load))


def write_jsonl(ctx: PartContext) -> None:
    header: dict[str, Any] | None = project_header(ctx.source.store, ctx.source)
    with ctx.files.open(ctx.path) as fh:
        for item in ctx.docs:
            record = jsonl_record(item, ctx.source)
            if header is not None:  # the project travels on the first record (project_copy)
                record.update(header)
                header = None
            fh.write(json_line(record))
            _count(ctx.summary, item)
        if header is not None:  # no documents: the project on a line of its own
            fh.write(json_line(header))


# brat ------------------------------------------------------------------------------------------------


def _brat_name(value: str) -> str:
    """Type / attribute names and values cannot hold whitespace: percent-encode it (and ``%``)."""
    return "".join(
        "".join(f"%{b:02X}" for b in ch.encode("utf-8")) if ch == "%" or ch.isspace() else ch for ch in value
    )


#: Where a brat ``.ann`` line cannot go on: every character Python's ``str.splitlines`` breaks a
#: line at (brat reads ``.ann`` files line by line through ``codecs``, which splits there, with
#: universal newlines) plus the tab, where brat itself cuts a span it creates.
BRAT_BREAKS = "\n\r\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_BRAT_BREAK_RE = re.compile(f"[{re.escape(BRAT_BREAKS)}]+")
_BRAT_NOTE_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_BRAT_NOTE_RE = re.compile(f"[\\\\{re.escape(BRAT_BREAKS)}]")


def _brat_note(value: str) -> str:
    """A note's text on one line: backslash, line feed, carriage return and tab as ``\\\\``,
    ``\\n``, ``\\r``, ``\\t``; the other line breaks of :data:`BRAT_BREAKS` as ``\\uXXXX``."""
    return _BRAT_NOTE_RE.sub(lambda m: _BRAT_NOTE_ESCAPES.get(m[0], f"\\u{ord(m[0]):04x}"), value)


def brat_fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut at line breaks and tabs (:data:`BRAT_BREAKS`) the way brat's server
    cuts a span it creates (``annotator.py``): no fragment holds a break, whitespace next to a cut
    is left out, empty pieces are dropped.  The span's own outer edges stay where they are unless
    they are breaks themselves (a line cannot hold them)."""
    pieces: list[tuple[int, int]] = []
    pos = start
    for m in _BRAT_BREAK_RE.finditer(text, start, end):
        pieces.append((pos, m.start()))
        pos = m.end()
    pieces.append((pos, end))
    out: list[tuple[int, int]] = []
    for i, (s, e) in enumerate(pieces):
        if i > 0:
            while s < e and text[s].isspace():
                s += 1
        if i < len(pieces) - 1:
            while e > s and text[e - 1].isspace():
                e -= 1
        if s < e:
            out.append((s, e))
    return out or [(start, end)]


class _BratOffsets:
    """brat offsets: code points of the ``.txt`` as brat reads it, with universal newlines, so a
    ``\\r\\n`` counts one (nlplab/brat#853); our ``.txt`` keeps the text's own line ends."""

    def __init__(self, text: str) -> None:
        self._pairs = [m.start() for m in re.finditer("\r\n", text)]

    def __call__(self, offset: int) -> int:
        return offset - bisect.bisect_left(self._pairs, offset)


_UNSAFE_FILE_CHARS = re.compile(r"[^\w.~-]")


#: Longest brat file stem in UTF-8 bytes: ``STEM_99.ann`` and its temporary name stay far below
#: the 255-byte file name limit of common file systems.
BRAT_STEM_BYTES = 120
_BRAT_HASH_CHARS = 12


def brat_file_stem(ext_id: str) -> str:
    """A safe, short file stem for a document id: characters other than letters, digits, ``.``,
    ``_``, ``-``, ``~`` become ``_`` (a leading dot too); a stem over :data:`BRAT_STEM_BYTES` is cut
    and ends in ``~`` + 12 hex digits of the id's SHA-256, so long ids sharing a beginning stay
    apart.  A stem is its own stem (re-exporting an imported brat folder keeps the names)."""
    stem = _UNSAFE_FILE_CHARS.sub("_", ext_id) or "document"
    if stem.startswith("."):
        stem = "_" + stem[1:]
    raw = stem.encode("utf-8", "surrogatepass")
    if len(raw) > BRAT_STEM_BYTES:
        digest = hashlib.sha256(ext_id.encode("utf-8", "surrogatepass")).hexdigest()[:_BRAT_HASH_CHARS]
        head = raw[: BRAT_STEM_BYTES - _BRAT_HASH_CHARS - 1].decode("utf-8", "ignore")
        stem = f"{head}~{digest}"
    return stem


def brat_ann(item: ExportDoc, source: ExportSource, summary: ExportSummary | None = None) -> str:
    """The ``.ann`` of one document, in the conventions of :mod:`desktop.core.importers`; a span
    whose edge had to move (a line break at its edge) is counted in ``summary.adjusted``."""
    text = item.text
    lines: list[str] = []
    n = {"T": 0, "A": 0, "R": 0, "#": 0}
    brat_offset = _BratOffsets(text)

    def next_id(kind: str) -> str:
        n[kind] += 1
        return f"{kind}{n[kind]}"

    def bound(label: str, spans: Sequence[Span]) -> str:
        tid = next_id("T")
        fragments = [f for s in spans for f in brat_fragments(text, s.start, s.end)]
        if summary is not None and (fragments[0][0], fragments[-1][1]) != (spans[0].start, spans[-1].end):
            summary.adjusted += 1
        offsets = ";".join(f"{brat_offset(s)} {brat_offset(e)}" for s, e in fragments)
        lines.append(f"{tid}\t{_brat_name(label)} {offsets}\t{' '.join(text[s:e] for s, e in fragments)}")
        return tid

    def attribute(name: str, target: str, value: str) -> None:
        lines.append(f"{next_id('A')}\t{_brat_name(name)} {target} {_brat_name(value)}")

    def note(target: str, key: str, value: str | None) -> None:
        if value is not None:
            lines.append(f"{next_id('#')}\tAnnotatorNotes {target}\t{key}={_brat_note(value)}")

    def provenance(target: str, prov) -> None:
        attribute("Origin", target, prov.origin)
        attribute("Status", target, prov.status)
        note(target, "annotator", prov.annotator)
        note(target, "model", prov.model)

    for m in item.mentions:
        tid = bound(m.label, [m.span])
        provenance(tid, m.prov)
        note(tid, "entity", source.name(m.entity_id))
    for q in item.quotes:
        tid = bound("Quote", q.content)
        if q.speaker is not None:
            sid = bound("Speaker", [q.speaker])
            lines.append(f"{next_id('R')}\tSpeaker Arg1:{tid} Arg2:{sid}")
        if q.cue is not None:
            cid = bound("Cue", [q.cue])
            lines.append(f"{next_id('R')}\tCue Arg1:{tid} Arg2:{cid}")
        if q.speaker_resolved is not None:
            aid = bound("Antecedent", [q.speaker_resolved])
            lines.append(f"{next_id('R')}\tSpeakerResolved Arg1:{tid} Arg2:{aid}")
        attribute("QuoteType", tid, q.type)
        provenance(tid, q.prov)
        note(tid, "speaker_entity", source.name(q.speaker_entity_id))
    for c in item.claims:
        tid = bound("Claim", [c.span])
        for label_set, value in sorted(c.labels.items()):
            attribute(label_set, tid, value)
        provenance(tid, c.prov)
        note(tid, "claimant", source.claimant(c))
        note(tid, "note", c.note)
    return "".join(line + "\n" for line in lines)


def brat_conf(source: ExportSource) -> str:
    """``annotation.conf`` for a brat server: the project's labels, quotes, claims, overlaps."""
    store = source.store
    entity_labels = list(store.entity_labels())
    used = {r[0] for r in store.conn.execute("SELECT DISTINCT label FROM mentions")}
    entity_labels += sorted(used - set(entity_labels))
    names = [_brat_name(x) for x in entity_labels]
    out = ["[entities]", *names, "Quote", "Speaker", "Cue", "Antecedent", "Claim", "", "[relations]",
           f"Speaker\tArg1:Quote, Arg2:{'|'.join(['Speaker', *names])}",
           "Cue\tArg1:Quote, Arg2:Cue",
           f"SpeakerResolved\tArg1:Quote, Arg2:{'|'.join(['Antecedent', *names])}",
           "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>",
           "", "[events]", "", "[attributes]",
           f"Origin\tArg:<ENTITY>, Value:{'|'.join(('model', 'editor', 'import'))}",
           f"Status\tArg:<ENTITY>, Value:{'|'.join(('suggested', 'accepted', 'rejected'))}",
           f"QuoteType\tArg:Quote, Value:{'|'.join(QUOTE_TYPES)}"]
    for label_set, values in store.claim_label_sets().items():
        out.append(f"{_brat_name(label_set)}\tArg:Claim, Value:{'|'.join(_brat_name(v) for v in values)}")
    return "\n".join(out) + "\n"


def write_brat(ctx: PartContext) -> None:
    folder = ctx.path
    folder.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    with ctx.files.open(folder / "annotation.conf") as fh:
        fh.write(brat_conf(ctx.source))
    for item in ctx.docs:
        stem = base = brat_file_stem(item.doc.ext_id)
        k = 1
        while stem.casefold() in taken or stem.casefold() == "annotation":
            k += 1
            stem = f"{base}_{k}"
        taken.add(stem.casefold())
        if stem != item.doc.ext_id:
            ctx.files.marker(folder).setdefault("ids", {})[stem] = item.doc.ext_id
        with ctx.files.open(folder / f"{stem}.txt") as fh:
            fh.write(item.text)
        with ctx.files.open(folder / f"{stem}.ann") as fh:
            fh.write(brat_ann(item, ctx.source, ctx.summary))
        _count(ctx.summary, item)


#: JSON that is safe inside an HTML ``<script>`` element: ``<``, ``>``, ``&`` (so ``</script>`` and
#: ``<!--`` never occur) and U+2028/U+2029 written as ``\u`` escapes, which every JSON parser reads
#: back as the same characters.  ``<``, ``>`` and ``&`` only occur inside JSON strings.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                              "\u2029": "\\u2029"})


def _json_array(fh: IO, records: Iterable[Any], *, script_safe: bool = False) -> None:
    fh.write("[")
    first = True
    for record in records:
        fh.write("\n" if first else ",\n")
        text = json.dumps(record, ensure_ascii=False)
        fh.write(text.translate(_SCRIPT_SAFE) if script_safe else text)
        first = False
    fh.write("\n]\n" if not first else "]\n")


# CSV -------------------------------------------------------------------------------------------------

CLAIM_COLUMNS_HEAD = ("document", "outlet", "date", "title", "claim", "claimant")
CLAIM_COLUMNS_TAIL = ("note", "status", "origin", "annotator", "start", "end", "score")
QUOTE_COLUMNS = ("document", "outlet", "date", "speaker", "speaker_resolved", "speaker_entity", "cue", "type",
                 "content", "status", "origin", "annotator", "start", "end", "score")
FRAGMENT_JOINER = " … "


def csv_quotes_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}_quotes{path.suffix or '.csv'}")


#: What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection"): ``=``, ``+``, ``-``,
#: ``@`` and a tab or carriage return before them.
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """``value`` as a CSV cell no spreadsheet runs: a text starting with one of
    :data:`CSV_FORMULA_STARTS` gets a ``'`` in front (the OWASP rule), which Excel and LibreOffice
    show as text; numbers and every other text are left as they are."""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_STARTS):
        return "'" + value
    return value


class _Rows:
    """A ``csv.writer`` whose text cells go through :func:`csv_cell` when ``safe``."""

    def __init__(self, writer: Any, *, safe: bool) -> None:
        self._writer = writer
        self._safe = safe

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_cell(v) for v in row] if self._safe else row)


def write_csv(ctx: PartContext, *, formulas: bool = False) -> None:
    """The claims and quotes tables; ``formulas=True`` writes cells exactly, formulas and all."""
    label_sets = ctx.source.label_sets()
    with ctx.files.open(ctx.path, encoding="utf-8-sig") as claims_fh, \
            ctx.files.open(csv_quotes_path(ctx.path), encoding="utf-8-sig") as quotes_fh:
        claims_out = _Rows(csv.writer(claims_fh, lineterminator="\r\n"), safe=not formulas)
        quotes_out = _Rows(csv.writer(quotes_fh, lineterminator="\r\n"), safe=not formulas)
        claims_out.writerow([*CLAIM_COLUMNS_HEAD, *label_sets, *CLAIM_COLUMNS_TAIL])
        quotes_out.writerow(QUOTE_COLUMNS)
        for item in ctx.docs:
            doc, text = item.doc, item.text
            for c in item.claims:
                claims_out.writerow([
                    doc.ext_id, doc.source or "", doc.published or "", doc.title or "", text[c.start : c.end],
                    ctx.source.claimant(c) or "", *(c.labels.get(s, "") for s in label_sets), c.note or "",
                    c.prov.status, c.prov.origin, c.prov.annotator or "", c.start, c.end,
                    "" if c.score is None else c.score])
            for q in item.quotes:
                quotes_out.writerow([
                    doc.ext_id, doc.source or "", doc.published or "",
                    q.speaker.text(text) if q.speaker else "",
                    q.speaker_resolved.text(text) if q.speaker_resolved else "",
                    ctx.source.name(q.speaker_entity_id) or "",
                    q.cue.text(text) if q.cue else "", q.type,
                    FRAGMENT_JOINER.join(s.text(text) for s in q.content),
                    q.prov.status, q.prov.origin, q.prov.annotator or "", q.content[0].start, q.content[-1].end,
                    "" if q.score is None else q.score])
            _count(ctx.summary, item)


# ClaimReview -----------------------------------------------------------------------------------------
# The records and Google's rules are desktop.core.claimreview's; this writes them.

VERDICT_SET = claimreview.VERDICT_SET
web_url = settings.web_url


def claim_review_checks(item: ExportDoc, source: ExportSource) -> list[claimreview.ReviewCheck]:
    """The ClaimReview of each claim of ``item`` that has a verdict, with what it lacks."""
    if source.claimants is None:
        source.claimants = claimreview.Claimants(source.store.entities(), source.store.entity)
    checks = [claimreview.claim_review(item.doc, c, source.claimants, source.settings) for c in item.claims]
    return [c for c in checks if c is not None]


def claim_reviews(item: ExportDoc, source: ExportSource,
                  checks: list[claimreview.ReviewCheck] | None = None) -> list[dict[str, Any]]:
    """The ClaimReview records of ``item`` that Google would accept (every required property);
    the check of every claim with a verdict, written or not, is added to ``checks``."""
    found = claim_review_checks(item, source)
    if checks is not None:
        checks.extend(found)
    return [c.record for c in found if c.written]


def write_claimreview(ctx: PartContext) -> None:
    checks: list[claimreview.ReviewCheck] = []
    unrated = [0]

    def records() -> Iterator[dict[str, Any]]:
        for item in ctx.docs:
            ctx.summary.documents += 1
            ctx.summary.entities += len(item.mentions)
            ctx.summary.quotes += len(item.quotes)
            before = len(checks)
            reviews = claim_reviews(item, ctx.source, checks)
            unrated[0] += len(item.claims) - (len(checks) - before)
            ctx.summary.claims += len(reviews)
            yield from reviews

    with ctx.files.open(ctx.path) as fh:
        _json_array(fh, records(), script_safe=True)
    ctx.summary.skipped += sum(1 for c in checks if not c.written)
    ctx.summary.notes += claimreview.summary_notes(checks, unrated[0], ctx.source.settings)


# Driving an export -------------------------------------------------------------------------------------

PartWriter = Callable[[PartContext], None]

_WRITERS: dict[str, PartWriter] = {
    "jsonl": write_jsonl,
    "brat": write_brat,
    "prodigy": write_prodigy,
    "label-studio": write_label_studio,
    "doccano": write_doccano,
    "doccano-relations": write_doccano_relations,
    "csv": write_csv,
    "claimreview": write_claimreview,
    "story": story_export.write_story,
    "coverage": functools.partial(story_export.write_story_csv, cell=csv_cell),
}


def run_export(store: Store, fmt: str, out: str | os.PathLike, write_part: PartWriter, *,
               status: str = "accepted", documents: str = "all", split: str | Sequence[float] | None = None,
               seed: int = 0, job: Job | None = None, overwrite: bool = False,
               finish: Callable[[AtomicOutput, Path, bool, ExportSource], None] | None = None,
               summary: ExportSummary | None = None, folder: bool = False) -> ExportSummary:
    """Select, split and write: the frame every format shares (``write_part`` does one part).

    ``finish(files, root, split, source)`` may add files (a config) before the output is committed.
    ``folder=True``: the output is a folder even without a split (brat always is; a large spaCy
    export can be), committed as one unit like every folder export.
    """
    with store.snapshot():  # one state of the project, however long the export takes
        return _run_export(store, fmt, out, write_part, status=status, documents=documents, split=split,
                           seed=seed, job=job or Job(), overwrite=overwrite, finish=finish, summary=summary,
                           folder=folder)


def _run_export(store: Store, fmt: str, out: str | os.PathLike, write_part: PartWriter, *, status: str,
                documents: str, split: str | Sequence[float] | None, seed: int, job: Job, overwrite: bool,
                finish: Callable[[AtomicOutput, Path, bool, ExportSource], None] | None,
                summary: ExportSummary | None, folder: bool) -> ExportSummary:
    source = ExportSource(store, status=status, documents=documents)
    ratios = parse_split(split)
    spec = export_format(fmt)
    if ratios is not None and not spec.splits:
        raise ExportError(f"{fmt} is a publication format; --split does not apply to it")
    target = output_path(fmt, _check_out_name(out), ratios is not None)
    summary = summary or ExportSummary(fmt, target)
    summary.out = target
    selected = source.doc_ids()
    total = len(selected)
    summary.left_out += source.unselected(total)
    progress = [0]
    folder = folder or ratios is not None or spec.folder
    _check_not_project(store, target)
    info: dict[str, Any] = {"format": fmt, "project": str(Path(store.path).resolve()), "status": status,
                            "documents": documents}
    if ratios is not None:
        info.update(split=[round(r, 6) for r in ratios], seed=seed)
    with atomic_output(target, folder=folder, overwrite=overwrite, info=info) as (files, root):
        job.progress(0, total, "")
        if ratios is None:
            docs = _items(source, [d for d, _ in selected], job, progress, total)
            write_part(PartContext(source, files, root, docs, summary))
        else:
            parts = plan_splits(selected, ratios, seed)
            for name, doc_ids in parts.items():
                docs = _items(source, doc_ids, job, progress, total)
                write_part(PartContext(source, files, part_path(fmt, root, name), docs, summary))
                summary.splits[name] = len(doc_ids)
        if finish is not None:
            finish(files, root, ratios is not None, source)
        job.check()
        summary.files = files.pending()
    if folder:
        summary.files = [target / p.relative_to(root) for p in summary.files]
    return summary


def _finish_label_studio(files: AtomicOutput, root: Path, split: bool, source: ExportSource) -> None:
    path = root / "labeling_config.xml" if split else label_studio_config_path(root)
    with files.open(path) as fh:
        fh.write(label_studio_config(source))


def export_project(store: Store, fmt: str, out: str | os.PathLike, *, status: str = "accepted",
                   documents: str = "all", split: str | Sequence[float] | None = None, seed: int = 0,
                   model: str | None = None, job: Job | None = None, overwrite: bool = False,
                   csv_formulas: bool = False) -> ExportSummary:
    """Write ``store``'s annotations to ``out`` in format ``fmt`` (one of :data:`CORE_FORMATS`).

    ``model`` is accepted for a uniform signature and ignored (tokenisation here is the core
    tokenizer); the ``spacy`` format is written by :mod:`desktop.nlp.spacy_export`.
    ``csv_formulas=True`` (csv only): write cells exactly, even those a spreadsheet runs as formulas.
    """
    spec = export_format(fmt)
    if fmt not in _WRITERS:
        raise ExportError(f"the {fmt} format is written by {spec.exporter} (use desktop.app.export.export)")
    finish = _finish_label_studio if fmt == "label-studio" else None
    writer = functools.partial(write_csv, formulas=True) if fmt == "csv" and csv_formulas else _WRITERS[fmt]
    return run_export(store, fmt, out, writer, status=status, documents=documents, split=split, seed=seed,
                      job=job, overwrite=overwrite, finish=finish)


def read_jsonl_records(path: str | os.PathLike, *, header: bool = False) -> list[dict[str, Any]]:
    """Read an exported JSONL file back (tests, tools): its document records, and its project
    header line first with ``header=True``."""
    with open(path, encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    return [r for r in records if header or not is_header(r)]

