"""Prodigy JSONL, both ways: the ``prodigy`` export and ``claimdesk import`` of Prodigy tasks.

Export (``claimdesk export --format prodigy``), per document, in project order:

* an entity task, as ``ner.manual`` / ``spans.manual`` and ``db-in`` read it: ``text``,
  ``tokens`` (``text``, ``start``, ``end``, ``id``, ``ws``), ``spans`` (entity mentions:
  ``start``, ``end``, ``token_start``, ``token_end`` inclusive, ``label``; a span with whitespace
  at an edge is trimmed to its tokens and counted as adjusted; overlapping mentions are kept,
  which ``spans`` recipes read and ``ner`` recipes do not; a suggestion carries ``"source"``, the
  model, as model-assisted recipes write it; ``entity``, its canonical entity's name, an extra
  key Prodigy keeps) and ``meta`` (``id``, the document's external id,
  and its metadata);
* a quote task when the document has quotes (or its quotes are reviewed), in the shape
  ``rel.manual`` writes: the same ``tokens``, ``spans`` holding the quote parts (labels
  ``QUOTE`` for each content fragment, ``SPEAKER``, ``CUE``, ``ANTECEDENT``), and ``relations``
  from the quote's first fragment (``head``, ``head_span``) to its speaker (label ``SPEAKER``),
  its cue (``CUE``), the named mention a pronoun speaker stands for (``SPEAKER_RESOLVED``) and
  each further fragment (``CONTINUES``); ``head``/``child`` are the token index of
  the span's last token, as Prodigy sets them.  The quote's first fragment span also carries
  ``quote_type`` and ``speaker_entity`` (Prodigy keeps extra keys); ``meta.layer`` is
  ``"quotes"``;
* per claim, a text-classification task per label set with a value, in ``textcat.manual``'s
  choice shape: ``text`` (the claim's text), ``options`` (the set's labels), ``accept`` (the
  claim's label), ``config.choice_style: "single"``; a claim without labels is a binary task
  (``"label": "CLAIM"``).  ``meta`` holds ``id``, ``layer: "claims"``, ``label_set``, the claim's
  ``start``/``end`` in the document, ``claimant`` and ``note``.

``"answer": "accept"`` is written only when the layer is reviewed (``ExportDoc.reviewed``: the
document is done) and none of its annotations in the task is a suggestion: an unreviewed layer is
a task to review, never a negative example (the summary counts such documents as "with
unreviewed layers marked missing").

Import (``.jsonl`` records that :func:`desktop.core.annotation_tools.record_kind` calls Prodigy):
the tasks of one document are gathered by ``meta.id``, else the ``_input_hash``, else a hash of
the text; the task whose ``text`` is the document (not a claim task) gives the text and
metadata.  Spans with a reserved label (``QUOTE``, ``SPEAKER``, ``CUE``, ``ANTECEDENT``) and ``relations`` become
quotes, other spans entity mentions (a span with ``source`` a suggestion of that model, else
accepted), choice and binary tasks with ``meta.start``/``meta.end`` claims.  Tasks answered
``reject`` or ``ignore`` add no annotations.

Plain Python: no Qt, no spaCy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from desktop.core.annotation_tools import (
    LAYERS,
    ToolDoc,
    ToolRecordError,
    ToolSource,
    ToolSummary,
    count_item,
    doc_meta,
    int_field,
    json_line,
    meta_of,
    score_field,
    str_field,
    token_range,
)
from desktop.core.interchange import (
    ClaimRecord,
    MentionRecord,
    ProvRecord,
    QuoteRecord,
    claim_to_json,
    mention_to_json,
    quote_to_json,
)
from desktop.core.model import QUOTE_TYPES, Span
from desktop.core.text import tokenize

__all__ = ["QUOTE_LABELS", "prodigy_documents", "prodigy_task", "prodigy_tasks", "write_prodigy"]

#: The span labels of a quote task's parts, and its relation labels.
QUOTE_LABELS = {"content": "QUOTE", "speaker": "SPEAKER", "cue": "CUE", "speaker_resolved": "ANTECEDENT"}
RELATIONS = {"speaker": "SPEAKER", "cue": "CUE", "continues": "CONTINUES", "speaker_resolved": "SPEAKER_RESOLVED"}
_RELATION_KEYS = {label: key for key, label in RELATIONS.items() if key != "continues"}
CLAIM_LABEL = "CLAIM"


# Export ---------------------------------------------------------------------------------------------


class _Tokens:
    def __init__(self, item: ToolDoc, summary: ToolSummary | None):
        text = item.text
        tokens = tokenize(text, item.boundaries())
        self.starts, self.ends = [t[0] for t in tokens], [t[1] for t in tokens]
        self.summary = summary
        self.json = [{"text": text[s:e], "start": s, "end": e, "id": i, "ws": e < len(text) and text[e].isspace()}
                     for i, (s, e) in enumerate(tokens)]

    def span(self, s: int, e: int, label: str) -> dict[str, Any] | None:
        rng = token_range(self.starts, self.ends, s, e)
        if rng is None:
            if self.summary is not None:
                self.summary.dropped += 1
            return None
        aligned = (self.starts[rng[0]], self.ends[rng[1]])
        if self.summary is not None and aligned != (s, e):
            self.summary.adjusted += 1  # whitespace at an edge: trimmed to the tokens
        return {"start": aligned[0], "end": aligned[1], "token_start": rng[0], "token_end": rng[1], "label": label}


def _answer(task: dict[str, Any], reviewed: bool, suggested: bool) -> dict[str, Any]:
    if reviewed and not suggested:
        task["answer"] = "accept"
    return task


def _relation(head: dict[str, Any], child: dict[str, Any], label: str) -> dict[str, Any]:
    return {"head": head["token_end"], "child": child["token_end"], "head_span": head, "child_span": child,
            "label": label}


def _quote_task(item: ToolDoc, source: ToolSource, tokens: _Tokens, meta: dict[str, Any]) -> dict[str, Any]:
    spans: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    for q in item.quotes:
        fragments = [f for f in (tokens.span(s.start, s.end, QUOTE_LABELS["content"]) for s in q.content) if f]
        if not fragments:
            continue
        head = fragments[0]
        head["quote_type"] = q.type
        if q.score is not None:  # the model's confidence (Prodigy keeps extra span keys)
            head["score"] = q.score
        if (name := source.name(q.speaker_entity_id)) is not None:
            head["speaker_entity"] = name
        parts = [(f, "continues") for f in fragments[1:]]
        for key, span in (("speaker", q.speaker), ("cue", q.cue), ("speaker_resolved", q.speaker_resolved)):
            if span is not None and (part := tokens.span(span.start, span.end, QUOTE_LABELS[key])) is not None:
                parts.append((part, key))
        for span_json in (head, *(p for p, _ in parts)):
            if q.prov.status == "suggested":
                span_json["source"] = q.prov.model or "model"
            spans.append(span_json)
        relations += [_relation(head, part, RELATIONS[key]) for part, key in parts]
    task = {"text": item.text, "tokens": tokens.json, "spans": spans, "relations": relations,
            "meta": {**meta, "layer": "quotes"}}
    return _answer(task, "quotes" in item.reviewed, any(q.prov.status == "suggested" for q in item.quotes))


def _claim_tasks(item: ToolDoc, source: ToolSource, meta: dict[str, Any]) -> Iterator[dict[str, Any]]:
    sets = source.store.claim_label_sets()
    reviewed = "claims" in item.reviewed
    for c in item.claims:
        claim_meta: dict[str, Any] = {"id": meta["id"], "layer": "claims", "start": c.start, "end": c.end}
        if (claimant := source.claimant(c)) is not None:
            claim_meta["claimant"] = claimant
        if c.note:
            claim_meta["note"] = c.note
        if c.score is not None:  # check-worthiness (Prodigy shows meta.score)
            claim_meta["score"] = c.score
        if c.prov.status == "suggested":
            claim_meta["source"] = c.prov.model or "model"
        text = item.text[c.start:c.end]
        suggested = c.prov.status == "suggested"
        if not c.labels:
            yield _answer({"text": text, "label": CLAIM_LABEL, "meta": claim_meta}, reviewed, suggested)
        for label_set, value in sorted(c.labels.items()):
            values = list(sets.get(label_set, []))
            if value not in values:
                values.append(value)
            yield _answer({"text": text, "options": [{"id": v, "text": v} for v in values], "accept": [value],
                           "config": {"choice_style": "single"},
                           "meta": {**claim_meta, "label_set": label_set}}, reviewed, suggested)


def prodigy_tasks(item: ToolDoc, source: ToolSource, summary: ToolSummary | None = None) -> list[dict[str, Any]]:
    """The Prodigy tasks of one document: its entity task, its quote task, its claim tasks."""
    tokens = _Tokens(item, summary)
    meta = {"id": item.doc.ext_id, **doc_meta(item.doc)}
    spans = []
    for m in item.mentions:
        span = tokens.span(m.start, m.end, m.label)
        if span is None:
            continue
        if (name := source.name(m.entity_id)) is not None:
            span["entity"] = name
        if m.prov.status == "suggested":
            span["source"] = m.prov.model or "model"
        if m.score is not None:  # the model's confidence in the span and label
            span["score"] = m.score
        spans.append(span)
    suggested = any(m.prov.status == "suggested" for m in item.mentions)
    tasks = [_answer({"text": item.text, "tokens": tokens.json, "spans": spans, "meta": meta},
                     "entities" in item.reviewed, suggested)]
    if item.quotes or "quotes" in item.reviewed:
        tasks.append(_quote_task(item, source, tokens, meta))
    tasks += _claim_tasks(item, source, meta)
    return tasks


def prodigy_task(item: ToolDoc, source: ToolSource, summary: ToolSummary | None = None) -> dict[str, Any]:
    """The entity task of one document (the first of :func:`prodigy_tasks`)."""
    return prodigy_tasks(item, source, summary)[0]


def write_prodigy(ctx: Any) -> None:
    """The ``prodigy`` format's part writer (``ctx``: :class:`desktop.core.exporters.PartContext`)."""
    with ctx.files.open(ctx.path) as fh:
        for item in ctx.docs:
            for task in prodigy_tasks(item, ctx.source, ctx.summary):
                fh.write(json_line(task))
            count_item(ctx.summary, item)
            if not item.reviewed >= set(LAYERS):
                ctx.summary.missing += 1  # its unreviewed layers are tasks to review, not accepted


# Import ---------------------------------------------------------------------------------------------


def document_key(task: Mapping[str, Any]) -> str:
    """The document a task belongs to: ``meta.id``, else its ``_input_hash``, else a hash of its text."""
    meta = task.get("meta")
    if isinstance(meta, Mapping) and isinstance(meta.get("id"), (str, int)) and not isinstance(meta["id"], bool) \
            and str(meta["id"]).strip():
        return str(meta["id"]).strip()
    if isinstance(task.get("_input_hash"), int):
        return str(task["_input_hash"])
    text = task.get("text")
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16] if isinstance(text, str) else ""
    return f"prodigy-{digest}"


def _is_claim_task(task: Mapping[str, Any]) -> bool:
    meta = task.get("meta")
    return isinstance(meta, Mapping) and "start" in meta and "end" in meta and (
        "accept" in task or isinstance(task.get("label"), str))


def _prov(item: Mapping[str, Any]) -> dict[str, Any]:
    source = item.get("source")
    if isinstance(source, str) and source:
        return ProvRecord(origin="model", status="suggested", model=source).to_json()
    return ProvRecord(origin="import", status="accepted").to_json()


def _span(value: Any, where: str, length: int) -> tuple[int, int]:
    if not isinstance(value, Mapping):
        raise ToolRecordError(f"{where} must be an object")
    s, e = int_field(value.get("start"), f"{where}.start"), int_field(value.get("end"), f"{where}.end")
    if not 0 <= s < e <= length:
        raise ToolRecordError(f"{where}: span {s}-{e} is empty or outside the text (length {length})")
    return s, e


class _Gathered:
    """The annotations of one document, gathered from its tasks."""

    def __init__(self, key: str):
        self.key = key
        self.text: str | None = None
        self.meta: dict[str, str] = {}
        self.entities: list[dict[str, Any]] = []
        self.quotes: list[dict[str, Any]] = []
        self.claims: list[dict[str, Any]] = []
        self.pending_claims: list[tuple[int, Mapping[str, Any]]] = []
        self.seen: set[tuple[int, int, str]] = set()

    def add_document_task(self, task: Mapping[str, Any]) -> None:
        text = task.get("text")
        if not isinstance(text, str):
            raise ToolRecordError("text must be a string")
        if self.text is not None and text != self.text:
            raise ToolRecordError(f"text differs from the other tasks of document {self.key!r}")
        self.text = text
        self.meta = {**meta_of(task.get("meta")), **self.meta}
        if task.get("answer") in ("reject", "ignore"):
            return
        spans = task.get("spans") or []
        if not isinstance(spans, list):
            raise ToolRecordError("spans must be a list")
        quote_spans: dict[tuple[int, int, str], Mapping[str, Any]] = {}
        earlier, here = self.seen, set()  # a mention an earlier task of the document gave is not doubled
        for i, span in enumerate(spans):
            s, e = _span(span, f"spans[{i}]", len(text))
            label = str_field(span.get("label"), f"spans[{i}].label")
            if label in QUOTE_LABELS.values():
                quote_spans[(s, e, label)] = span
            elif (s, e, label) not in earlier:
                here.add((s, e, label))
                entity = span.get("entity") if isinstance(span.get("entity"), str) else None
                record = MentionRecord(s, e, label, entity, score=score_field(span, f"spans[{i}]"))
                self.entities.append(mention_to_json(record) | _prov(span))
        self.seen = earlier | here
        self._add_quotes(task.get("relations") or [], quote_spans, len(text))

    def _add_quotes(self, relations: Any, quote_spans: Mapping[tuple[int, int, str], Mapping[str, Any]],
                    length: int) -> None:
        if not isinstance(relations, list):
            raise ToolRecordError("relations must be a list")
        parts: dict[tuple[int, int], dict[str, Any]] = {}
        for i, rel in enumerate(relations):
            if not isinstance(rel, Mapping):
                raise ToolRecordError(f"relations[{i}] must be an object")
            head = _span(rel.get("head_span"), f"relations[{i}].head_span", length)
            child = _span(rel.get("child_span"), f"relations[{i}].child_span", length)
            label = str(rel.get("label") or "").upper()
            quote = parts.setdefault(head, {"content": [head]})
            if label == RELATIONS["continues"]:
                quote["content"].append(child)
            elif label in _RELATION_KEYS:
                quote[_RELATION_KEYS[label]] = child
            else:
                raise ToolRecordError(f"relations[{i}].label {rel.get('label')!r} is not one of "
                                      f"{', '.join(RELATIONS.values())}")
        followers = {f for q in parts.values() for f in q["content"][1:]}
        heads = [(s, e) for (s, e, label) in quote_spans if label == QUOTE_LABELS["content"]]
        for head in heads:
            parts.setdefault(head, {"content": [head]})
        for head, quote in sorted(parts.items()):
            if head in followers:
                continue
            span = quote_spans.get((*head, QUOTE_LABELS["content"]), {})
            qtype = str(span["quote_type"]) if span.get("quote_type") in QUOTE_TYPES else "direct"
            entity = span.get("speaker_entity") if isinstance(span.get("speaker_entity"), str) else None
            def part(key: str, quote: dict[str, Any] = quote) -> Span | None:
                return Span(*quote[key]) if quote.get(key) else None

            record = QuoteRecord(content=tuple(Span(*f) for f in sorted(quote["content"])), speaker=part("speaker"),
                                 speaker_resolved=part("speaker_resolved"), speaker_entity=entity, cue=part("cue"),
                                 type=qtype, score=score_field(span, "the quote's span"))
            self.quotes.append(quote_to_json(record) | _prov(span))

    def add_claim_task(self, number: int, task: Mapping[str, Any]) -> None:
        self.pending_claims.append((number, task))

    def claims_problems(self) -> Iterator[tuple[int, str]]:
        """Turn the claim tasks into claims (the document text known now); (line, problem) for bad ones."""
        by_span: dict[tuple[int, int], dict[str, Any]] = {}
        for number, task in self.pending_claims:
            if self.text is None:
                yield number, f"claim task of document {self.key!r}, which has no document task"
                continue
            if task.get("answer") in ("reject", "ignore"):
                continue
            try:
                meta = task["meta"]
                s, e = _span(meta, "meta", len(self.text))
                claim = by_span.get((s, e))
                if claim is None:
                    record = ClaimRecord(s, e, meta.get("claimant") if isinstance(meta.get("claimant"), str) else None,
                                         {}, meta.get("note") if isinstance(meta.get("note"), str) else None,
                                         score=score_field(meta, "meta"))
                    claim = by_span[(s, e)] = claim_to_json(record) | _prov(meta)
                    self.claims.append(claim)
                if "accept" in task:
                    label_set = str_field(meta.get("label_set"), "meta.label_set")
                    accepted = task["accept"]
                    if not isinstance(accepted, list) or len(accepted) > 1:
                        raise ToolRecordError("accept must be a list of at most one label")
                    if accepted:
                        claim["labels"] = {**claim["labels"], label_set: str_field(accepted[0], "accept[0]")}
            except ToolRecordError as exc:
                yield number, str(exc)

    def record(self) -> dict[str, Any]:
        return {"id": self.key, "text": self.text, "meta": self.meta, "entities": self.entities,
                "quotes": self.quotes, "claims": self.claims}


def prodigy_documents(tasks: Iterable[tuple[int, Any]]) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """Gather Prodigy tasks ``(line number, task)`` into documents: ``(line of the document's
    first task, interchange record, None)``, or ``(line, None, problem)`` for a task that cannot
    be read (the rest go on)."""
    gathered: dict[str, _Gathered] = {}
    first_line: dict[str, int] = {}
    bad: set[str] = set()
    for number, task in tasks:
        key = document_key(task)
        doc = gathered.setdefault(key, _Gathered(key))
        first_line.setdefault(key, number)
        try:
            if _is_claim_task(task):
                doc.add_claim_task(number, task)
            else:
                doc.add_document_task(task)
        except ToolRecordError as exc:
            bad.add(key)
            yield number, None, f"Prodigy task of document {key!r}: {exc}; the document is skipped"
    for key, doc in gathered.items():
        if key in bad:
            continue
        problems = list(doc.claims_problems())
        for number, problem in problems:
            yield number, None, f"Prodigy task of document {key!r}: {problem}; the document is skipped"
        if not problems:
            yield first_line[key], doc.record(), None
