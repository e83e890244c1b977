"""doccano JSONL, both ways: the ``doccano`` and ``doccano-relations`` exports and ``claimdesk
import`` of doccano's JSONL.

Export, one JSON object a line per document, as doccano's dataset import reads it (Dataset >
Import, file format JSONL; every key but the text and label columns becomes the example's
metadata, ``doc_id`` among them):

``doccano`` (a *Sequence Labeling* project)
    ``{"text": ..., "label": [[start, end, label], ...], "doc_id": ..., <metadata>}``: the entity
    mentions, code-point offsets (doccano counts characters as Python does), overlapping
    mentions kept (tick "Allow overlapping spans" in the project).  Quotes and claims have no
    place in it.
``doccano-relations`` (a *Sequence Labeling* project with "Use relation labeling")
    ``{"text": ..., "entities": [{"id", "label", "start_offset", "end_offset"}, ...],
    "relations": [{"id", "from_id", "to_id", "type"}, ...], "doc_id": ..., <metadata>}``: the
    entity mentions, and each quote as a ``QUOTE`` span per content fragment with ``SPEAKER``,
    ``CUE`` and ``ANTECEDENT`` spans; relations go from the quote's first fragment to its speaker
    (type ``speaker``), its cue (``cue``), the named mention a pronoun speaker stands for
    (``speaker_resolved``) and each further fragment (``continues``).  Ids are integers
    counted per document from 1.

Both carry accepted and (with ``--status all``) suggested annotations alike: doccano has no
suggestion state.  Import reads both shapes (``label`` also as ``{"start_offset", "end_offset",
"label"}`` objects) and doccano's own export of them (its ``id`` is then not ours: the document id
is ``doc_id`` when present, else ``doccano-`` and doccano's ``id``); every annotation comes in as
accepted editor work of origin ``import``.

Plain Python: no Qt, no spaCy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop.core.annotation_tools import (
    ToolDoc,
    ToolRecordError,
    count_item,
    doc_meta,
    int_field,
    json_line,
    meta_of,
    str_field,
)
from desktop.core.interchange import MentionRecord, ProvRecord, QuoteRecord, mention_to_json, quote_to_json
from desktop.core.model import Span

__all__ = ["doccano_record", "doccano_relation_record", "doccano_to_interchange", "write_doccano",
           "write_doccano_relations"]

QUOTE_PARTS = {"content": "QUOTE", "speaker": "SPEAKER", "cue": "CUE", "speaker_resolved": "ANTECEDENT"}
RELATION_TYPES = ("speaker", "cue", "continues", "speaker_resolved")


def _meta(item: ToolDoc) -> dict[str, str]:
    return {"doc_id": item.doc.ext_id, **doc_meta(item.doc)}


def doccano_record(item: ToolDoc) -> dict[str, Any]:
    """One line of the sequence-labelling JSONL."""
    return {"text": item.text, "label": [[m.start, m.end, m.label] for m in item.mentions], **_meta(item)}


def doccano_relation_record(item: ToolDoc) -> dict[str, Any]:
    """One line of the relation JSONL."""
    entities: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []

    def entity(span: Span, label: str) -> int:
        entities.append({"id": len(entities) + 1, "label": label, "start_offset": span.start,
                         "end_offset": span.end})
        return len(entities)

    def relation(head: int, child: int, kind: str) -> None:
        relations.append({"id": len(relations) + 1, "from_id": head, "to_id": child, "type": kind})

    for m in item.mentions:
        entity(m.span, m.label)
    for q in item.quotes:
        head = entity(q.content[0], QUOTE_PARTS["content"])
        for fragment in q.content[1:]:
            relation(head, entity(fragment, QUOTE_PARTS["content"]), "continues")
        if q.speaker is not None:
            relation(head, entity(q.speaker, QUOTE_PARTS["speaker"]), "speaker")
        if q.cue is not None:
            relation(head, entity(q.cue, QUOTE_PARTS["cue"]), "cue")
        if q.speaker_resolved is not None:
            relation(head, entity(q.speaker_resolved, QUOTE_PARTS["speaker_resolved"]), "speaker_resolved")
    return {"text": item.text, "entities": entities, "relations": relations, **_meta(item)}


def _write(ctx: Any, record: Any) -> None:
    with ctx.files.open(ctx.path) as fh:
        for item in ctx.docs:
            fh.write(json_line(record(item)))
            count_item(ctx.summary, item)
            ctx.summary.claims -= len(item.claims)  # no place for claims
            if record is doccano_record:
                ctx.summary.quotes -= len(item.quotes)


def write_doccano(ctx: Any) -> None:
    """The ``doccano`` format's part writer (``ctx``: :class:`desktop.core.exporters.PartContext`)."""
    _write(ctx, doccano_record)


def write_doccano_relations(ctx: Any) -> None:
    """The ``doccano-relations`` format's part writer."""
    _write(ctx, doccano_relation_record)


# Import ---------------------------------------------------------------------------------------------

_ACCEPTED = ProvRecord("import", "accepted").to_json()


def _span(item: Any, where: str, length: int) -> tuple[int, int, str]:
    if isinstance(item, (list, tuple)):
        if len(item) != 3:
            raise ToolRecordError(f"{where} must be [start, end, label]")
        start, end, label = item
    elif isinstance(item, Mapping):
        start, end, label = item.get("start_offset"), item.get("end_offset"), item.get("label")
    else:
        raise ToolRecordError(f"{where} must be [start, end, label] or an object with start_offset, end_offset, label")
    start, end = int_field(start, f"{where} start"), int_field(end, f"{where} end")
    if not 0 <= start < end <= length:
        raise ToolRecordError(f"{where}: span {start}-{end} is empty or outside the text (length {length})")
    return start, end, str_field(label, f"{where} label")


def _document_id(record: Mapping[str, Any]) -> str:
    doc_id = record.get("doc_id")
    if isinstance(doc_id, str) and doc_id.strip():
        return doc_id
    if isinstance(record.get("id"), (int, str)) and not isinstance(record.get("id"), bool):
        return f"doccano-{record['id']}"
    raise ToolRecordError("no doc_id or id to name the document by")


def _quotes(spans: dict[Any, tuple[int, int, str]], relations: Any) -> list[dict[str, Any]]:
    if not isinstance(relations, list):
        raise ToolRecordError("relations must be a list")
    quotes: dict[Any, dict[str, Any]] = {}
    followers = set()
    for i, rel in enumerate(relations):
        if not isinstance(rel, Mapping) or rel.get("from_id") not in spans or rel.get("to_id") not in spans:
            raise ToolRecordError(f"relations[{i}] must have from_id and to_id naming entities of the record")
        kind = str(rel.get("type") or "").lower()
        if kind not in RELATION_TYPES:
            raise ToolRecordError(f"relations[{i}].type {rel.get('type')!r}: a quote's relations are "
                                  f"{', '.join(RELATION_TYPES)}")
        head, child = rel["from_id"], rel["to_id"]
        quote = quotes.setdefault(head, {"content": [spans[head][:2]]})
        if kind == "continues":
            quote["content"].append(spans[child][:2])
            followers.add(child)
        else:
            quote[kind] = Span(*spans[child][:2])
    for ident, span in spans.items():
        if span[2] == QUOTE_PARTS["content"]:
            quotes.setdefault(ident, {"content": [span[:2]]})
    out = []
    for ident, quote in quotes.items():
        if ident in followers:
            continue
        record = QuoteRecord(content=tuple(Span(*f) for f in sorted(quote["content"])), speaker=quote.get("speaker"),
                             cue=quote.get("cue"), speaker_resolved=quote.get("speaker_resolved"))
        out.append(quote_to_json(record) | _ACCEPTED)
    return sorted(out, key=lambda q: (q["content"][0]["start"], q["content"][0]["end"]))


def doccano_to_interchange(record: Mapping[str, Any]) -> dict[str, Any]:
    """The interchange record of one doccano JSONL line (either shape)."""
    text = record.get("text", record.get("data"))
    if not isinstance(text, str):
        raise ToolRecordError("text must be a string")
    meta = {**meta_of(record.get("meta")), **meta_of(record)}
    entities: list[dict[str, Any]] = []
    quotes: list[dict[str, Any]] = []
    if isinstance(record.get("label"), list):
        for i, item in enumerate(record["label"]):
            s, e, label = _span(item, f"label[{i}]", len(text))
            entities.append(mention_to_json(MentionRecord(s, e, label)) | _ACCEPTED)
    items = record.get("entities") or []
    if not isinstance(items, list):
        raise ToolRecordError("entities must be a list")
    spans: dict[Any, tuple[int, int, str]] = {}
    for i, item in enumerate(items):
        span = _span(item, f"entities[{i}]", len(text))
        spans[item.get("id", i) if isinstance(item, Mapping) else i] = span
        if span[2] not in QUOTE_PARTS.values():
            entities.append(mention_to_json(MentionRecord(*span)) | _ACCEPTED)
    if spans or record.get("relations"):
        quotes = _quotes(spans, record.get("relations") or [])
    return {"id": _document_id(record), "text": text, "meta": meta, "entities": entities, "quotes": quotes,
            "claims": []}
