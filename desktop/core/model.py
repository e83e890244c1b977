"""Plain data the rest of Claimdesk passes around.

No Qt, no spaCy, no SQL here: these are the shapes the store returns, the importers produce
and the exporters consume.  Offsets are always Python string offsets into ``Document.text``,
end exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Provenance vocabulary ------------------------------------------------------------------------

ORIGINS = ("model", "editor", "import")
STATUSES = ("suggested", "accepted", "rejected")
DOC_STATUSES = ("new", "in_progress", "done")
QUOTE_TYPES = ("direct", "indirect", "mixed")

#: The marker every folder export leaves inside the folder (a dotfile: brat's server, the importer
#: and every reader of named files skip it); ``--force`` replaces only folders that carry one, and
#: its ``"ids"`` map gives a brat file stem that is not its document id back to the id.
EXPORT_MARKER = ".claimdesk-export"

#: Layers that carry provenance and can be accepted or rejected.
LAYERS = ("mentions", "quotes", "claims")

#: The layers an editor can mark reviewed (finished) in a document.  A document marked ``done``
#: has all of them reviewed; a reviewed layer's unannotated text is a negative example in the
#: exports, an unreviewed layer's is missing (never "no entity here").
REVIEW_LAYERS = ("entities", "quotes", "claims")


def reviewed_layers(status: str, marked: frozenset[str] | set[str] = frozenset()) -> frozenset[str]:
    """The layers of a document that are reviewed: all when its status is ``done``, else those an
    editor marked finished."""
    return frozenset(REVIEW_LAYERS) if status == "done" else frozenset(marked) & frozenset(REVIEW_LAYERS)


def parse_layers(value: str | None) -> frozenset[str]:
    """The stored form of a document's marked layers (``"claims,entities"``) as a set."""
    return frozenset(part for part in (value or "").split(",") if part)


def format_layers(layers: frozenset[str] | set[str]) -> str:
    """A set of layers in its stored form: sorted, comma-separated (``""`` for none)."""
    return ",".join(sorted(layers))


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int

    def text(self, text: str) -> str:
        return text[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def to_json(self) -> dict[str, int]:
        return {"start": self.start, "end": self.end}


@dataclass(frozen=True)
class Provenance:
    origin: str = "editor"
    status: str = "accepted"
    annotator: str | None = None
    model: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class Document:
    id: int
    ext_id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    story: str | None = None
    status: str = "new"
    content_hash: str = ""
    path: str | None = None
    #: Layers an editor marked finished (:data:`REVIEW_LAYERS`), whatever the status.
    marked_reviewed: frozenset[str] = frozenset()

    @property
    def reviewed(self) -> frozenset[str]:
        """The layers that are reviewed: all when ``done``, else those marked finished."""
        return reviewed_layers(self.status, self.marked_reviewed)


@dataclass(frozen=True)
class Entity:
    """A canonical, project-wide entity ("Antony Blinken") that mentions link to.

    ``decided``: an editor merged other entities into it, renamed it or split it (or split it off
    another). Pre-annotation never reverses that: every mention of its name or aliases links to it,
    a name merged into it never comes back as an entity, it is never renamed, and it never shares a
    cluster with another decided entity (so a split pair stays split).
    """

    id: int
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    decided: bool = False


@dataclass(frozen=True)
class Mention:
    """An entity mention: a labelled span in one document, optionally linked to an Entity."""

    id: int
    doc_id: int
    start: int
    end: int
    label: str
    entity_id: int | None = None
    prov: Provenance = field(default_factory=Provenance)
    score: float | None = None  # the model's confidence in a suggestion's span and label, in [0, 1]

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True)
class Quote:
    """Who said what: content fragment(s), the speaker mention and entity, the cue, the type."""

    id: int
    doc_id: int
    content: tuple[Span, ...]
    speaker: Span | None = None
    speaker_entity_id: int | None = None
    cue: Span | None = None
    type: str = "direct"
    prov: Provenance = field(default_factory=Provenance)
    #: The named mention a pronoun speaker stands for ("he" -> "Antony Blinken"), if any.
    speaker_resolved: Span | None = None
    #: The model's confidence that the suggestion is right end-to-end, in [0, 1]; None for an
    #: editor's quote (or an import that gave none).
    score: float | None = None


@dataclass(frozen=True)
class Claim:
    id: int
    doc_id: int
    start: int
    end: int
    claimant: str | None = None
    claimant_entity_id: int | None = None
    labels: dict[str, str] = field(default_factory=dict)
    note: str | None = None
    prov: Provenance = field(default_factory=Provenance)
    #: The model's check-worthiness score of the sentence, in [0, 1]; None for an editor's claim.
    score: float | None = None

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True)
class Label:
    """One label of the project's schema.

    ``layer`` is ``"entity"`` or ``"claim"``; claim labels belong to a named ``label_set``
    (e.g. ``checkworthiness`` or ``verdict``), entity labels have ``label_set == ""``.
    """

    layer: str
    label_set: str
    name: str
    color: str = "#cccccc"
    hotkey: str | None = None
    description: str = ""


# Import -----------------------------------------------------------------------------------------


@dataclass
class ImportedDocument:
    """A document as an importer read it, before it is stored.

    ``entities``, ``quotes`` and ``claims`` are dicts in the interchange shape of DESIGN.md
    (``{"start":..,"end":..,"label":..,"entity":..,"origin":..,"status":..}`` and so on), with
    offsets into ``text``; :mod:`desktop.core.interchange` has their typed shapes, the codec and
    the validation.  ``text`` is kept exactly as the file has it (after decoding).
    """

    ext_id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    story: str | None = None
    path: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    #: The origin given to annotations that do not name their own ("import" by default).
    default_origin: str = "import"
    #: Editorial progress the file carries (interchange ``meta.status``): new, in_progress, done.
    status: str = "new"
    #: Layers an editor marked finished (interchange ``meta.reviewed``, :data:`REVIEW_LAYERS`).
    reviewed: tuple[str, ...] = ()
    #: The line of ``path`` it came from (a JSONL record), for a refusal's message.
    line: int | None = None


@dataclass
class ImportedProject:
    """What a Claimdesk JSONL export says about its project (its header line
    ``{"claimdesk": {...}}``): the label schema, the canonical entities with their aliases and
    decisions, the settings and the model; :class:`desktop.core.edits.ImportProject` applies it.

    ``labels``: ``{"layer", "label_set", "name", "color", "hotkey", "description"}`` in the
    schema's order; ``entities``: ``{"name", "type", "aliases", "decided"}``; ``meta``: the
    project's ``model``, ``model_name`` and ``quote_content`` (those that were set).
    """

    path: str
    labels: list[dict[str, Any]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    #: stored story clusters (``desktop.core.project_copy``), applied after the documents
    stories: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ImportProblem:
    """One file (or one line of a file) that could not be imported, or a note on one, and why.

    ``path`` is printable (bytes of a file name that are not UTF-8 shown as ``\\xNN``).
    """

    path: str
    message: str
    line: int | None = None
    #: "error": the file or line could not be imported; "warning": a note (it was imported, or it
    #: was left out on purpose: see ``kind``).
    severity: str = "error"
    #: What a warning is, for reports: "" (a note on what was imported), "replaced" (characters
    #: that were not valid UTF-8 replaced with U+FFFD), "skipped" (the input was left out on
    #: purpose and is not an error: a link to outside the folder, a named pipe), "duplicate-id"
    #: (JSONL: an id used earlier in the same file; the project gives the later one a new id).
    kind: str = ""
    #: kind "skipped": why, in a few words, as a report's summary groups them.
    reason: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"
