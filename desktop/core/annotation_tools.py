"""What the formats of the annotation tools (Prodigy, Label Studio, doccano) share, both ways.

The writers (:mod:`desktop.core.prodigy`, :mod:`desktop.core.label_studio`,
:mod:`desktop.core.doccano`) get the export's documents and source from
:mod:`desktop.core.exporters` (which registers them); they only need what the protocols below
name, so they never import the exporter module (which imports them).  The readers turn one
tool record into an interchange record (``{"id", "text", "meta", "entities", "quotes",
"claims"}``, see :mod:`desktop.core.interchange`) that :mod:`desktop.core.importers` validates
like any interchange line; a record they cannot read raises :class:`ToolRecordError` with one
line naming the field.

:func:`record_kind` tells the records of a ``.jsonl`` file apart by content: Prodigy tasks
(``tokens``, ``spans``, ``answer``, ``accept``/``options``, a string ``label`` or a ``_input_hash``),
doccano records (a ``label`` list of ``[start, end, label]``, or ``entities`` with
``start_offset``/``end_offset``, or ``relations``) and Claimdesk's interchange records (the rest).

Plain Python: no Qt, no spaCy.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any, Protocol

import orjson

from desktop.core.interchange import score_problem
from desktop.core.model import Claim, Document, Mention, Quote

__all__ = [
    "LAYERS",
    "ToolDoc",
    "ToolRecordError",
    "ToolSource",
    "count_item",
    "doc_meta",
    "json_array",
    "json_line",
    "meta_of",
    "record_kind",
    "token_range",
]

#: The layers a document's review covers (``ExportDoc.reviewed`` holds some of them).
LAYERS = ("entities", "quotes", "claims")
#: The document metadata the tool formats carry (``meta`` / Label Studio's ``data``).
META_KEYS = ("title", "source", "url", "published", "story", "status")


class ToolRecordError(ValueError):
    """A tool record that cannot be read; the message is one line naming the field."""


class ToolDoc(Protocol):
    """One exported document (:class:`desktop.core.exporters.ExportDoc`)."""

    doc: Document
    mentions: tuple[Mention, ...]
    quotes: tuple[Quote, ...]
    claims: tuple[Claim, ...]

    @property
    def text(self) -> str: ...

    @property
    def reviewed(self) -> frozenset[str]: ...

    def boundaries(self) -> set[int]: ...


class ToolStore(Protocol):
    def claim_label_sets(self) -> dict[str, list[str]]: ...


class ToolSource(Protocol):
    """What an export reads (:class:`desktop.core.exporters.ExportSource`)."""

    @property
    def store(self) -> Any: ...

    def name(self, entity_id: int | None) -> str | None: ...

    def claimant(self, claim: Claim) -> str | None: ...


class ToolSummary(Protocol):
    documents: int
    entities: int
    quotes: int
    claims: int
    adjusted: int
    dropped: int
    missing: int


# Writing ------------------------------------------------------------------------------------------

_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\u0085": "\\u0085"}


def dumps(record: Any) -> str:
    """Compact JSON, non-ASCII as it is: orjson (a fifth of a large export's time went to the
    standard library's encoder), the standard library for what orjson refuses (an integer past 64
    bits, a string holding a lone surrogate, which then fails as it always did)."""
    try:
        return orjson.dumps(record, option=orjson.OPT_NON_STR_KEYS).decode()
    except orjson.JSONEncodeError:  # a TypeError
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def json_line(record: Any) -> str:
    """One JSONL line; U+2028, U+2029 and U+0085 escaped so line-based readers never split it."""
    line = dumps(record)
    for raw, escaped in _LINE_BREAKS.items():
        if raw in line:
            line = line.replace(raw, escaped)
    return line + "\n"


def json_array(fh: IO, records: Iterable[Any]) -> None:
    """A JSON array written one record a line, streamed."""
    fh.write("[")
    first = True
    for record in records:
        fh.write("\n" if first else ",\n")
        fh.write(dumps(record))
        first = False
    fh.write("\n]\n" if not first else "]\n")


def doc_meta(doc: Document) -> dict[str, str]:
    """The document's metadata that is set (``status`` when not ``new``)."""
    fields = (("title", doc.title), ("source", doc.source), ("url", doc.url), ("published", doc.published),
              ("story", doc.story), ("status", doc.status if doc.status != "new" else None))
    return {k: v for k, v in fields if v is not None}


def count_item(summary: ToolSummary, item: ToolDoc) -> None:
    summary.documents += 1
    summary.entities += len(item.mentions)
    summary.quotes += len(item.quotes)
    summary.claims += len(item.claims)


def token_range(starts: Sequence[int], ends: Sequence[int], s: int, e: int) -> tuple[int, int] | None:
    """Inclusive token indices of the tokens inside ``[s, e)``, or None when none is."""
    import bisect

    i = bisect.bisect_left(starts, s)
    j = bisect.bisect_right(ends, e) - 1
    if i > j:
        return None
    return i, j


# Reading ------------------------------------------------------------------------------------------


def meta_of(values: Any) -> dict[str, str]:
    """The document metadata in a tool's ``meta`` (or Label Studio's ``data``): the string
    values of :data:`META_KEYS`."""
    if not isinstance(values, Mapping):
        return {}
    return {k: values[k] for k in META_KEYS if isinstance(values.get(k), str) and values[k]}


_PRODIGY_KEYS = ("tokens", "spans", "answer", "accept", "options", "_input_hash", "_task_hash", "relations")


def _is_doccano_entity_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], Mapping) and "start_offset" in value[0]


def record_kind(record: Any) -> str:
    """``"prodigy"``, ``"doccano"`` or ``"interchange"`` for one parsed JSONL record."""
    if not isinstance(record, Mapping):
        return "interchange"
    label = record.get("label")
    if isinstance(label, list) or _is_doccano_entity_list(record.get("entities")) or (
            "relations" in record and "tokens" not in record and "spans" not in record):
        return "doccano"
    if any(k in record for k in _PRODIGY_KEYS) or isinstance(label, str):
        return "prodigy"
    return "interchange"


def int_field(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ToolRecordError(f"{where} must be an integer")
    return value


def score_field(item: Mapping[str, Any], where: str) -> float | None:
    """The model's confidence an export wrote on a region, span or meta (``score``), None if absent."""
    if (problem := score_problem(item, where)) is not None:
        raise ToolRecordError(problem)
    return None if item.get("score") is None else float(item["score"])


def str_field(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ToolRecordError(f"{where} must be a non-empty string")
    return value
