"""The annotations of a document as they travel: typed shapes and the one dict ⇄ shape codec.

Importers read these dicts, exporters write them, edits take them (``AddDocument``,
``ReplaceSuggestions``) and pre-annotation produces them.  This module is the single place that
knows their keys, fills their defaults and says what is wrong with a malformed one.

The interchange dicts (DESIGN.md; the ``jsonl`` export writes them, ``claimdesk import`` reads
them back), keys in this order:

* mention: ``{"start", "end", "label", "entity", <provenance>, "score"?}``
* quote: ``{"content": [span, ...], "speaker": span | null, "speaker_resolved": span | null,
  "speaker_entity": name | null, "cue": span | null, "type": "direct" | "indirect" | "mixed",
  <provenance>, "score"?}``; ``content`` holds the quote's fragments in text order (a quote interrupted by
  its attribution has two)
* claim: ``{"start", "end", "claimant", "labels": {set: label}, "note", <provenance>, "score"?}``
* ``score`` (mentions, quotes and claims): the model's confidence in a suggestion (an entity's
  span and label, a quote right end-to-end, a sentence check-worthy), a number in [0, 1]; written only when there is one (an editor's
  annotation has none), read back when present (null or absent: none)
* entity (pre-annotation's clusters, the ``LinkEntities`` payload): ``{"name", "type",
  "aliases": [...], "mention_ids": [...], "entity_id"?}``
* a span is ``{"start": int, "end": int}``, code-point offsets into the text, end exclusive;
  provenance is ``origin``, ``status``, ``annotator``, ``model``, ``created_at``, ``updated_at``.

The same shapes travel in one more dress, the *pairs* form the spaCy export keeps in
``doc.user_data["claimdesk"]`` (:func:`mention_to_pairs`, :func:`quote_to_pairs`,
:func:`claim_to_pairs`): an ``id`` first (``e1``, ``q1``, ``c1``...), spans as ``[start, end]``
lists, provenance without its timestamps (:data:`PAIR_PROV_KEYS`), keys in the order that export
has always written them:

* mention: ``{"id", "start", "end", "label", "entity", <provenance>, "score"?}``
* quote: ``{"id", "content": [[start, end], ...], "speaker", "speaker_resolved", "cue", "type",
  "speaker_entity", <provenance>}``
* claim: ``{"id", "start", "end", "labels", "claimant", "note", <provenance>}``

Decoding is lenient where the format is (a missing ``type`` is ``direct``, absent keys are null)
and strict about everything else: :func:`quote_problems` (and ``mention_problems``,
``claim_problems``) list every problem of one dict as one line naming the field
(``quotes[0].speaker: start and end must be integers``), and the ``*_from_json`` functions raise
the first as an :class:`InterchangeError`.

Plain Python: no Qt, no spaCy, no SQL.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from desktop.core.model import ORIGINS, QUOTE_TYPES, STATUSES, Claim, Mention, Provenance, Quote, Span

__all__ = [
    "PAIR_PROV_KEYS",
    "PROV_KEYS",
    "QUOTE_SPAN_KEYS",
    "ClaimRecord",
    "EntityRecord",
    "InterchangeError",
    "MentionRecord",
    "ProvRecord",
    "QuoteRecord",
    "as_pair",
    "claim_from_json",
    "claim_problems",
    "claim_to_json",
    "claim_to_pairs",
    "content_from_pairs",
    "content_to_pairs",
    "mention_from_json",
    "mention_problems",
    "mention_model_to_json",
    "mention_to_json",
    "mention_to_pairs",
    "prov_problems",
    "quote_from_json",
    "quote_problems",
    "quote_to_json",
    "quote_suggestion_json",
    "quote_to_pairs",
    "score_problem",
    "shift_quote_json",
    "span_from_json",
    "span_problem",
    "span_to_pair",
    "span_to_json",
]

#: The provenance keys every annotation dict may carry, in the order they are written.
PROV_KEYS = ("origin", "status", "annotator", "model", "created_at", "updated_at")
#: The provenance keys of the pairs form (the spaCy export's user data): no timestamps.
PAIR_PROV_KEYS = PROV_KEYS[:4]
#: A quote's single-span keys (its fragments are ``content``).
QUOTE_SPAN_KEYS = ("speaker", "cue", "speaker_resolved")


class InterchangeError(ValueError):
    """A malformed annotation dict; the message is one line naming the field."""


# Spans -------------------------------------------------------------------------------------------


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def span_problem(value: Any, where: str, length: int | None = None) -> str | None:
    """What is wrong with ``value`` as a span (``{"start", "end"}`` inside a text of ``length``
    characters when given), or None."""
    if not isinstance(value, Mapping):
        return f"{where} must be an object with start and end"
    start, end = value.get("start"), value.get("end")
    if not (_is_int(start) and _is_int(end)):
        return f"{where}: start and end must be integers"
    if 0 <= start < end and (length is None or end <= length):
        return None
    shown = f" (length {length})" if length is not None else ""
    return f"{where}: span {start}-{end} is empty or outside the text{shown}"


def span_from_json(value: Any, where: str = "span", length: int | None = None) -> Span:
    problem = span_problem(value, where, length)
    if problem is not None:
        raise InterchangeError(problem)
    return Span(value["start"], value["end"])


def _pair(span: Span | None) -> tuple[int, int] | None:
    return None if span is None else (span.start, span.end)


def _optional_span(value: Any, where: str, length: int | None) -> Span | None:
    return None if value is None else span_from_json(value, where, length)


def span_to_json(span: Span | None) -> dict[str, int] | None:
    return None if span is None else {"start": span.start, "end": span.end}


def span_to_pair(span: Span | None) -> list[int] | None:
    """A span as the pairs form writes it: ``[start, end]``, or None."""
    return None if span is None else [span.start, span.end]


def as_pair(value: Any) -> tuple[int, int]:
    """A span given as ``{"start", "end"}``, a :class:`Span` or a ``(start, end)`` pair, as a
    pair of ints (the shape edits store); anything else is an :class:`InterchangeError`."""
    try:
        if isinstance(value, Span):
            return value.start, value.end
        if isinstance(value, Mapping):
            return int(value["start"]), int(value["end"])
        start, end = value
        return int(start), int(end)
    except (KeyError, TypeError, ValueError):
        raise InterchangeError(f"not a span: {value!r}") from None


def content_from_pairs(value: Any, where: str = "content") -> tuple[Span, ...]:
    """A quote's content fragments as the project file stores them and the pairs form writes them,
    ``[[start, end], ...]``; anything else is an :class:`InterchangeError` naming ``where``."""
    if isinstance(value, list) and all(type(p) is list and len(p) == 2 and type(p[0]) is int and type(p[1]) is int
                                       for p in value):
        return tuple(Span(s, e) for s, e in value)
    raise InterchangeError(f"{where} is not a list of [start, end] pairs")


def content_to_pairs(content: Iterable[Span | tuple[int, int]]) -> list[list[int]]:
    """Content fragments (spans or ``(start, end)`` pairs) as ``[[start, end], ...]``, in the order
    given: what the project file stores (the edits' sorted pairs) and the pairs form writes."""
    return [[s, e] for s, e in (as_pair(f) for f in content)]


# Provenance ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProvRecord:
    """Provenance as it travels; a key a dict leaves out is None (the importer fills defaults)."""

    origin: str | None = None
    status: str | None = None
    annotator: str | None = None
    model: str | None = None
    created_at: str | None = None
    updated_at: str | None = None

    @classmethod
    def from_model(cls, prov: Provenance) -> ProvRecord:
        """The record of a provenance; one record per distinct provenance (a document's mentions
        mostly share one), so an export converts each once."""
        return _prov_record(prov)

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> ProvRecord:
        return cls(*(item.get(k) for k in PROV_KEYS))

    def to_json(self, keys: tuple[str, ...] = PROV_KEYS) -> dict[str, Any]:
        """The provenance keys (``keys``: all of them, or :data:`PAIR_PROV_KEYS`) in order."""
        if keys is PROV_KEYS:
            return dict(self._pairs)
        return {k: getattr(self, k) for k in keys}

    @functools.cached_property
    def _pairs(self) -> tuple[tuple[str, Any], ...]:
        return tuple((k, getattr(self, k)) for k in PROV_KEYS)


@functools.lru_cache(maxsize=4096)
def _prov_record(prov: Provenance) -> ProvRecord:
    return ProvRecord(prov.origin, prov.status, prov.annotator, prov.model, prov.created_at, prov.updated_at)


def _optional_str_problem(item: Mapping[str, Any], key: str, where: str) -> str | None:
    if item.get(key) is not None and not isinstance(item[key], str):
        return f"{where}.{key} must be a string or null"
    return None


def prov_problems(item: Mapping[str, Any], where: str) -> list[str]:
    problems = []
    if "origin" in item and item["origin"] not in ORIGINS:
        problems.append(f"{where}.origin must be one of {', '.join(ORIGINS)}")
    if "status" in item and item["status"] not in STATUSES:
        problems.append(f"{where}.status must be one of {', '.join(STATUSES)}")
    problems += [p for k in ("annotator", "model")
                 if (p := _optional_str_problem(item, k, where)) is not None]
    return problems


def _raise_first(problems: list[str]) -> None:
    if problems:
        raise InterchangeError(problems[0])


def _object_problem(item: Any, where: str) -> str | None:
    return None if isinstance(item, Mapping) else f"{where} must be an object"


def score_problem(item: Mapping[str, Any], where: str) -> str | None:
    """What is wrong with a dict's ``score`` (absent, null or a number in [0, 1]), or None."""
    value = item.get("score")
    if value is None or (type(value) in (int, float) and 0 <= value <= 1):
        return None
    return f"{where}.score must be a number between 0 and 1 or null"


def _score_of(item: Mapping[str, Any]) -> float | None:
    value = item.get("score")
    return None if value is None else float(value)


def _with_score(out: dict[str, Any], score: float | None) -> dict[str, Any]:
    if score is not None:
        out["score"] = score
    return out


# Mentions ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MentionRecord:
    start: int
    end: int
    label: str
    entity: str | None = None
    prov: ProvRecord = field(default_factory=ProvRecord)
    score: float | None = None

    @classmethod
    def from_model(cls, mention: Mention, entity_name: Callable[[int | None], str | None]) -> MentionRecord:
        return cls(mention.start, mention.end, mention.label, entity_name(mention.entity_id),
                   ProvRecord.from_model(mention.prov), mention.score)


def mention_problems(item: Any, where: str = "mention", length: int | None = None) -> list[str]:
    if (problem := _object_problem(item, where)) is not None:
        return [problem]
    problems = [p for p in (span_problem(item, where, length),) if p is not None]
    if not isinstance(item.get("label"), str) or not item["label"].strip():
        problems.append(f"{where}.label must be a non-empty string")
    if (problem := _optional_str_problem(item, "entity", where)) is not None:
        problems.append(problem)
    if (problem := score_problem(item, where)) is not None:
        problems.append(problem)
    return problems + prov_problems(item, where)


def mention_from_json(item: Any, where: str = "mention", length: int | None = None) -> MentionRecord:
    _raise_first(mention_problems(item, where, length))
    return MentionRecord(item["start"], item["end"], item["label"], item.get("entity"), ProvRecord.from_json(item),
                         _score_of(item))


def _mention_json(start: int, end: int, label: str, entity: str | None, prov: ProvRecord,
                  score: float | None) -> dict[str, Any]:
    out = {"start": start, "end": end, "label": label, "entity": entity}
    out.update(prov._pairs)
    return _with_score(out, score)


def mention_to_json(m: MentionRecord) -> dict[str, Any]:
    return _mention_json(m.start, m.end, m.label, m.entity, m.prov, m.score)


def mention_model_to_json(mention: Mention, entity_name: Callable[[int | None], str | None]) -> dict[str, Any]:
    """``mention_to_json(MentionRecord.from_model(mention, entity_name))`` without making the record:
    an export's 300,000 mentions."""
    return _mention_json(mention.start, mention.end, mention.label, entity_name(mention.entity_id),
                         ProvRecord.from_model(mention.prov), mention.score)


def mention_to_pairs(m: MentionRecord, ident: str) -> dict[str, Any]:
    """The pairs form of a mention (``ident``: its ``e1``, ``e2``...)."""
    return _with_score({"id": ident, "start": m.start, "end": m.end, "label": m.label, "entity": m.entity,
                        **m.prov.to_json(PAIR_PROV_KEYS)}, m.score)


# Quotes ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteRecord:
    """Who said what: the content fragments, the speaker span (and the named mention a pronoun
    speaker stands for), the speaker's canonical name, the cue, the type."""

    content: tuple[Span, ...]
    speaker: Span | None = None
    speaker_resolved: Span | None = None
    speaker_entity: str | None = None
    cue: Span | None = None
    type: str = "direct"
    prov: ProvRecord = field(default_factory=ProvRecord)
    score: float | None = None

    @property
    def fragments(self) -> tuple[Span, ...]:
        return self.content

    @classmethod
    def from_model(cls, quote: Quote, entity_name: Callable[[int | None], str | None]) -> QuoteRecord:
        return cls(tuple(quote.content), quote.speaker, quote.speaker_resolved, entity_name(quote.speaker_entity_id),
                   quote.cue, quote.type, ProvRecord.from_model(quote.prov), quote.score)

    def edit_fields(self) -> dict[str, Any]:
        """The fields the quote edits take (``content`` as sorted ``(start, end)`` pairs, spans
        as pairs or None); the speaker entity is the caller's to resolve from ``speaker_entity``."""
        return {"content": tuple(sorted((s.start, s.end) for s in self.content)), "speaker": _pair(self.speaker),
                "cue": _pair(self.cue), "type": self.type, "speaker_resolved": _pair(self.speaker_resolved)}


def quote_problems(item: Any, where: str = "quote", length: int | None = None) -> list[str]:
    """Every problem of one interchange quote dict, each one line naming the field."""
    if (problem := _object_problem(item, where)) is not None:
        return [problem]
    problems = []
    content = item.get("content")
    if not isinstance(content, list) or not content:
        problems.append(f"{where}.content must be a non-empty list of spans")
    else:
        problems += [p for j, fragment in enumerate(content)
                     if (p := span_problem(fragment, f"{where}.content[{j}]", length)) is not None]
    problems += [p for key in QUOTE_SPAN_KEYS if item.get(key) is not None
                 and (p := span_problem(item[key], f"{where}.{key}", length)) is not None]
    if (problem := _optional_str_problem(item, "speaker_entity", where)) is not None:
        problems.append(problem)
    if "type" in item and item["type"] not in QUOTE_TYPES:
        problems.append(f"{where}.type must be one of {', '.join(QUOTE_TYPES)}")
    if (problem := score_problem(item, where)) is not None:
        problems.append(problem)
    return problems + prov_problems(item, where)


def quote_from_json(item: Any, where: str = "quote", length: int | None = None) -> QuoteRecord:
    """The quote a dict describes, or an :class:`InterchangeError` naming its first bad field.
    ``content`` keeps the dict's fragment order; a missing ``type`` is ``direct``."""
    _raise_first(quote_problems(item, where, length))
    return QuoteRecord(
        content=tuple(span_from_json(f) for f in item["content"]),
        speaker=_optional_span(item.get("speaker"), f"{where}.speaker", length),
        speaker_resolved=_optional_span(item.get("speaker_resolved"), f"{where}.speaker_resolved", length),
        speaker_entity=item.get("speaker_entity"),
        cue=_optional_span(item.get("cue"), f"{where}.cue", length),
        type=item.get("type") or "direct",
        prov=ProvRecord.from_json(item),
        score=_score_of(item),
    )


def quote_to_json(q: QuoteRecord) -> dict[str, Any]:
    return _with_score({"content": [span_to_json(s) for s in q.content], "speaker": span_to_json(q.speaker),
                        "speaker_resolved": span_to_json(q.speaker_resolved), "speaker_entity": q.speaker_entity,
                        "cue": span_to_json(q.cue), "type": q.type, **q.prov.to_json()}, q.score)


def quote_suggestion_json(q: QuoteRecord) -> dict[str, Any]:
    """A model's quote as the pipeline writes it (:func:`desktop.nlp.quotes.extract_quotes`):
    ``content``, ``speaker``, ``cue``, ``type``, then ``speaker_resolved`` only when a pronoun
    speaker stands for a name; no canonical entity and no provenance (linking and the caller add
    them).  :func:`quote_from_json` reads it back."""
    out: dict[str, Any] = {"content": [span_to_json(s) for s in q.content], "speaker": span_to_json(q.speaker),
                           "cue": span_to_json(q.cue), "type": q.type}
    if q.speaker_resolved is not None:
        out["speaker_resolved"] = span_to_json(q.speaker_resolved)
    return _with_score(out, q.score)


def quote_to_pairs(q: QuoteRecord, ident: str) -> dict[str, Any]:
    """The pairs form of a quote (``ident``: its ``q1``, ``q2``...); ``content`` in the record's order."""
    return _with_score({"id": ident, "content": content_to_pairs(q.content), "speaker": span_to_pair(q.speaker),
                        "speaker_resolved": span_to_pair(q.speaker_resolved), "cue": span_to_pair(q.cue),
                        "type": q.type, "speaker_entity": q.speaker_entity, **q.prov.to_json(PAIR_PROV_KEYS)},
                       q.score)


def shift_quote_json(item: dict[str, Any], by: int) -> None:
    """Move every offset of a quote dict by ``by``, in place (keys and their order kept): a
    block's quotes, found in a part of a long text, placed in the whole text."""
    item["content"] = [_shifted(f, by) for f in item["content"]]
    for key in QUOTE_SPAN_KEYS:
        if key in item:
            item[key] = _shifted(item[key], by)


def _shifted(span: dict[str, Any] | None, by: int) -> dict[str, Any] | None:
    return span if span is None else {**span, "start": span["start"] + by, "end": span["end"] + by}


# Claims ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimRecord:
    start: int
    end: int
    claimant: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    note: str | None = None
    prov: ProvRecord = field(default_factory=ProvRecord)
    score: float | None = None

    @classmethod
    def from_model(cls, claim: Claim, claimant: str | None) -> ClaimRecord:
        """``claimant``: what the export names (the claimant's text, else its entity's name)."""
        return cls(claim.start, claim.end, claimant, dict(claim.labels), claim.note, ProvRecord.from_model(claim.prov),
                   claim.score)


def claim_problems(item: Any, where: str = "claim", length: int | None = None) -> list[str]:
    if (problem := _object_problem(item, where)) is not None:
        return [problem]
    problems = [p for p in (span_problem(item, where, length),) if p is not None]
    problems += [p for key in ("claimant", "note") if (p := _optional_str_problem(item, key, where)) is not None]
    labels = item.get("labels")
    if labels is not None and not (isinstance(labels, Mapping)
                                   and all(isinstance(k, str) and isinstance(v, str) for k, v in labels.items())):
        problems.append(f"{where}.labels must map label set names to label names (strings)")
    if (problem := score_problem(item, where)) is not None:
        problems.append(problem)
    return problems + prov_problems(item, where)


def claim_from_json(item: Any, where: str = "claim", length: int | None = None) -> ClaimRecord:
    _raise_first(claim_problems(item, where, length))
    return ClaimRecord(item["start"], item["end"], item.get("claimant"), dict(item.get("labels") or {}),
                       item.get("note"), ProvRecord.from_json(item), _score_of(item))


def claim_to_json(c: ClaimRecord) -> dict[str, Any]:
    return _with_score({"start": c.start, "end": c.end, "claimant": c.claimant,
                        "labels": dict(sorted(c.labels.items())), "note": c.note, **c.prov.to_json()}, c.score)


def claim_to_pairs(c: ClaimRecord, ident: str) -> dict[str, Any]:
    """The pairs form of a claim (``ident``: its ``c1``, ``c2``...); ``labels`` sorted by set."""
    return _with_score({"id": ident, "start": c.start, "end": c.end, "labels": dict(sorted(c.labels.items())),
                        "claimant": c.claimant, "note": c.note, **c.prov.to_json(PAIR_PROV_KEYS)}, c.score)


# Entities (pre-annotation's clusters) -----------------------------------------------------------------------


@dataclass(frozen=True)
class EntityRecord:
    """A canonical entity and the mentions it links (what ``LinkEntities`` applies)."""

    name: str
    type: str
    aliases: tuple[str, ...] = ()
    mention_ids: tuple[int, ...] = ()
    entity_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type, "aliases": list(self.aliases),
                               "mention_ids": list(self.mention_ids)}
        if self.entity_id is not None:
            out["entity_id"] = self.entity_id
        return out

    @classmethod
    def from_json(cls, item: Any, where: str = "entity") -> EntityRecord:
        if (problem := _object_problem(item, where)) is not None:
            raise InterchangeError(problem)
        for key in ("name", "type"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise InterchangeError(f"{where}.{key} must be a non-empty string")
        aliases, ids = item.get("aliases") or [], item.get("mention_ids") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise InterchangeError(f"{where}.aliases must be a list of strings")
        if not isinstance(ids, list) or not all(_is_int(i) for i in ids):
            raise InterchangeError(f"{where}.mention_ids must be a list of integers")
        entity_id = item.get("entity_id")
        if entity_id is not None and not _is_int(entity_id):
            raise InterchangeError(f"{where}.entity_id must be an integer or absent")
        return cls(item["name"], item["type"], tuple(aliases), tuple(ids), entity_id)
