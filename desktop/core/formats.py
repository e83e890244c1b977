"""The export formats: one registry that every face derives its list, suffixes and names from.

Each :class:`ExportFormat` says what the format is called (its id, which ``claimdesk export
--format`` takes, and the text of the Export dialog's menu), what it writes (one file with a
suffix, or a folder), a one-line description, whether ``--split`` applies, and which function
writes it, as a dotted name (``"module:function"``).  The name is resolved only by
:func:`desktop.app.export.export`, the one dispatch, so listing the spaCy format here never
imports spaCy into ``core``.

Everything else derives from :data:`FORMATS`: the CLI's ``--format`` choices and help
(:func:`format_help`), the dialog's list and suggested output (:func:`default_output`), the suffix
a bare ``-o`` name gets (:func:`output_path`), the name of a split part (:func:`part_path`) and
the README's table of formats (a test keeps it in agreement).

To add a format: write its exporter (see CONTRIBUTING.md, "Add an export format") and add one
:class:`ExportFormat` to :data:`FORMATS`.

Plain Python: no Qt, no spaCy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from desktop.core.store import ProjectError

__all__ = [
    "DOCUMENT_CHOICES",
    "FORMATS",
    "TAG_SCHEMES",
    "FORMAT_NAMES",
    "ExportError",
    "ExportFormat",
    "default_output",
    "export_format",
    "format_help",
    "output_path",
    "part_path",
]

#: ``reviewed``: documents with at least one reviewed layer (done, or a layer marked finished);
#: ``done``: documents marked done; ``all``: every document.
DOCUMENT_CHOICES = ("reviewed", "done", "all")
#: The tag schemes of the CoNLL formats (:mod:`desktop.nlp.conll_export`).
TAG_SCHEMES = ("iob", "biluo")


class ExportError(ProjectError, ValueError):
    """An expected problem with an export (bad option, output in the way); one line for the user."""


#: The exporter of every format written by :mod:`desktop.core.exporters`.
_CORE = "desktop.core.exporters:export_project"


@dataclass(frozen=True)
class ExportFormat:
    """One export format.

    ``exporter`` names (``"module:function"``) a function called as ``function(store, out, *,
    fmt, status, documents, split, seed, model, job, overwrite) -> ExportSummary``.
    """

    name: str
    title: str
    suffix: str
    description: str
    exporter: str = _CORE
    folder: bool = False
    splits: bool = True

    def __post_init__(self) -> None:
        if self.folder == bool(self.suffix):
            raise ValueError(f"export format {self.name}: a folder format has no suffix, a file format has one")

    @property
    def output(self) -> str:
        """What an export writes, for help and tables: ``.jsonl`` or ``folder``."""
        return "folder" if self.folder else self.suffix


FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("jsonl", "Interchange JSONL", ".jsonl",
                 "Every layer with provenance; Claimdesk imports it back exactly."),
    ExportFormat("spacy", "spaCy DocBin", ".spacy",
                 "doc.ents plus span groups quotes/speakers/cues/claims; for spacy train.",
                 exporter="desktop.nlp.spacy_export:export_spacy"),
    ExportFormat("conll", "CoNLL-2003 NER", ".conll",
                 "Reviewed entities: spaCy tokens with IOB2 (or BILUO) tags, -DOCSTART- per article.",
                 exporter="desktop.nlp.conll_export:export_conll"),
    ExportFormat("conllu", "CoNLL-U", ".conllu",
                 "Reviewed entities for UD tools and INCEpTION: one token a line, NE= tags in MISC.",
                 exporter="desktop.nlp.conll_export:export_conllu"),
    ExportFormat("brat", "brat standoff", "",
                 "A folder of .txt + .ann: entities, quotes with Speaker/Cue relations, claims.", folder=True),
    ExportFormat("prodigy", "Prodigy JSONL", ".jsonl",
                 "Entity spans, quotes as rel.manual relations, claims as textcat choices; imports back."),
    ExportFormat("label-studio", "Label Studio tasks", ".json",
                 "Task JSON with labels and relations, plus its labeling config (.xml); imports back."),
    ExportFormat("doccano", "doccano sequence labeling", ".jsonl",
                 "JSONL with text and label [[start, end, label]] (entities); imports back."),
    ExportFormat("doccano-relations", "doccano relations", ".jsonl",
                 "JSONL with entities and relations: quotes with speaker/cue relations; imports back."),
    ExportFormat("csv", "CSV (claims, quotes)", ".csv",
                 "One row per claim, and a second file (_quotes.csv) with one row per quote."),
    ExportFormat("claimreview", "ClaimReview JSON-LD", ".jsonld",
                 "schema.org ClaimReview for claims that have a verdict.", splits=False),
    ExportFormat("story", "Story alignment JSON", ".json",
                 "Each story's statements and claim clusters across outlets, with their flags.", splits=False),
    ExportFormat("coverage", "Story coverage CSV", ".csv",
                 "A coverage matrix: one row per story cluster, one column per outlet.", splits=False),
)}

#: Format ids in the order every face lists them.
FORMAT_NAMES: tuple[str, ...] = tuple(FORMATS)


def export_format(name: str) -> ExportFormat:
    """The format called ``name``, or one line naming the formats there are."""
    try:
        return FORMATS[name]
    except KeyError:
        raise ExportError(f"unknown export format {name!r}; choose one of {', '.join(FORMAT_NAMES)}") from None


def format_help() -> str:
    """The formats and what each writes, for ``claimdesk export --help``."""
    return ", ".join(f"{f.name} ({f.output})" for f in FORMATS.values())


def output_path(fmt: str, out: str | os.PathLike, split: bool) -> Path:
    """Where an export goes: ``out`` itself, with the format's suffix added to a bare file name."""
    out = Path(out)
    spec = export_format(fmt)
    if split or spec.folder or out.suffix:
        return out
    return out.with_name(out.name + spec.suffix)


def part_path(fmt: str, root: Path, part: str) -> Path:
    """One part of a split export in ``root``: ``train.jsonl``, or a ``train`` folder (brat)."""
    spec = export_format(fmt)
    return root / part if spec.folder else root / f"{part}{spec.suffix}"


def default_output(project: str | os.PathLike, fmt: str, split: bool = False) -> Path:
    """The output the Export dialog suggests: ``PROJECT-FORMAT`` beside the project, with the
    format's suffix when it writes one file (a folder for brat and for any split)."""
    project = Path(project)
    spec = export_format(fmt)
    base = project.with_name(f"{project.stem}-{spec.name}")
    return base if spec.folder or split else base.with_name(base.name + spec.suffix)
