"""Pre-annotate a project: model suggestions with provenance, never over an editor's work.

:func:`annotate_project` is the long job behind ``claimdesk annotate`` and the window's
Annotate ▸ Pre-annotate.  It

1. loads the pipeline and teaches it the project's editor-confirmed entities (a gazetteer, so
   one correction improves every remaining suggestion);
2. parses every document not yet annotated by this model (``--force``: all of them), streaming
   texts from the store, and for each puts the cleaned entity suggestions and the quotes in
   place of its earlier untouched suggestions (:class:`desktop.core.edits.ReplaceSuggestions`),
   committing every few documents -- so Ctrl-C, a cancel or a crash loses at most the batch in
   flight, and the next run resumes where this one stopped;
3. clusters all mentions of the project into canonical entities and links the untouched
   suggestions and quote speakers to them (:class:`desktop.core.edits.LinkEntities`).

:func:`preannotate_texts` is the same without a project (``claimdesk preannotate``).
"""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from desktop.core import edits
from desktop.core.jobs import Job
from desktop.core.store import Store
from desktop.nlp.entities import (
    MentionIn,
    apply_gazetteer,
    canonicalize_records,
    clean_mention,
    cluster_entities,
    gazetteer_patterns,
    name_key,
)
from desktop.nlp.pipeline import load_pipeline, model_id, resolve_model
from desktop.nlp.preannotate import annotate_doc, preannotate_records, provenance
from desktop.nlp.quotes import DEFAULT_CONTENT, check_content_convention

GAZETTEER = "claimdesk_gazetteer"
COMMIT_EVERY_DOCS = 16
COMMIT_EVERY_SECONDS = 2.0


@dataclass
class AnnotateReport:
    model: str = ""
    annotated: int = 0
    skipped: int = 0
    entities: int = 0
    quotes: int = 0
    linked: int = 0
    cancelled: bool = False

    def summary(self) -> str:
        text = (f"{self.annotated} document{'s' if self.annotated != 1 else ''} annotated with {self.model} "
                f"({self.entities} entity and {self.quotes} quote suggestions), {self.skipped} already done")
        if self.cancelled:
            text += "; cancelled: run again to resume"
        return text


def _editor_entities(store: Store) -> list[tuple[str, str, list[str]]]:
    """Entities an editor has confirmed, with the label the editor gave their mentions.

    A confirmed entity is one an accepted mention links to; its label is the most frequent label
    of those accepted mentions (an editor's relabel wins over the entity's earlier type).
    """
    votes: dict[int, Counter] = {}
    for entity_id, label in store.conn.execute(
            "SELECT entity_id, label FROM mentions WHERE entity_id IS NOT NULL AND status = 'accepted'"):
        votes.setdefault(entity_id, Counter())[label] += 1
    out = []
    for e in store.entities():
        if e.id in votes:
            label = max(sorted(votes[e.id]), key=lambda lab: votes[e.id][lab])
            out.append((e.name, label, list(e.aliases)))
    return out


def _texts(store: Store, doc_ids: list[int]) -> Iterator[tuple[str, int]]:
    for doc_id in doc_ids:
        text = store.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
        yield text, doc_id


@dataclass(frozen=True)
class _Rules:
    """What the rules after parsing need, the same in this process and in workers."""

    labels: frozenset[str]  # the project's entity labels
    known: frozenset[str]  # name keys of the project's canonical entities and aliases
    content: str  # the quote content convention


def _suggestions(doc: Any, rules: _Rules) -> tuple[list[dict], list[dict]]:
    """Cleaned entity suggestions (labels of the project only) and quotes of one parsed document."""
    entities, quotes = annotate_doc(doc, rules.content)
    text = doc.text  # built from the tokens on every access: once per document, not per entity
    # Names seen in this document count as known ("Russias" -> "Russia" when "Russia" occurs).
    here = rules.known | {name_key(text[e["start"]:e["end"]]) for e in entities}
    cleaned = []
    for ent in entities:
        if ent["label"] not in rules.labels:
            continue
        span = clean_mention(text, ent["start"], ent["end"], ent["label"], here)
        if span is not None:
            cleaned.append({**ent, "start": span[0], "end": span[1]})
    return cleaned, quotes


# Worker processes: each parses *and* applies the quote and entity rules, and sends back only the
# small suggestion dicts (not spaCy Docs), so the parent does nothing but write them.
_worker_state: tuple[Any, _Rules] | None = None


def _worker_init(name: str, patterns: list[dict[str, Any]], rules: _Rules) -> None:
    global _worker_state
    nlp = load_pipeline(name)
    if patterns and GAZETTEER not in nlp.pipe_names:  # spawned (not forked) workers load afresh
        apply_gazetteer(nlp, patterns, GAZETTEER)
    _worker_state = (nlp, rules)


def _worker_annotate(batch: list[tuple[str, int]]) -> list[tuple[int, list[dict], list[dict]]]:
    nlp, rules = _worker_state
    return [(doc_id, *_suggestions(doc, rules))
            for doc, doc_id in nlp.pipe(batch, as_tuples=True, batch_size=max(1, len(batch)))]


def _parallel_suggestions(name: str, patterns: list[dict[str, Any]], rules: _Rules,
                          texts: Iterator[tuple[str, int]], processes: int, batch_size: int
                          ) -> Iterator[tuple[int, list[dict], list[dict]]]:
    """Suggestions in document order from ``processes`` workers.

    Texts are read here (the store's connection stays in this thread) and handed out a batch at a
    time, at most two batches per worker in flight; closing the generator (a cancel) stops them.
    """

    def batches() -> Iterator[list[tuple[str, int]]]:
        batch: list[tuple[str, int]] = []
        for item in texts:
            batch.append(item)
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    feed = batches()
    with multiprocessing.get_context().Pool(processes, initializer=_worker_init,
                                            initargs=(name, patterns, rules)) as pool:
        in_flight: deque = deque()

        def submit() -> None:
            batch = next(feed, None)
            if batch is not None:
                in_flight.append(pool.apply_async(_worker_annotate, (batch,)))

        for _ in range(2 * processes):
            submit()
        while in_flight:
            results = in_flight.popleft().get()
            submit()
            yield from results


def annotate_project(store: Store, *, model: str | None = None, processes: int = 1, batch_size: int = 16,
                     force: bool = False, job: Job | None = None, content: str | None = None) -> AnnotateReport:
    """Suggestions for every document not yet annotated with this model and content convention.

    ``content`` (a quote content convention; default: the project's, else "clause") is kept as the
    project's setting; documents annotated under another convention are done again.
    """
    job = job or Job()
    content = check_content_convention(content or store.meta("quote_content"))
    name = resolve_model(model or store.meta("model_name"))
    nlp = load_pipeline(name)
    mid = provenance(model_id(nlp), content)
    report = AnnotateReport(model=mid)
    if force:
        todo = store.document_ids()
    else:
        todo = [r[0] for r in store.conn.execute(
            "SELECT id FROM documents WHERE annotated_model IS NOT ? ORDER BY id", (mid,))]
    report.skipped = store.document_count() - len(todo)
    entities = store.entities()
    rules = _Rules(labels=frozenset(store.entity_labels()),
                   known=frozenset(name_key(n) for e in entities for n in (e.name, *e.aliases)), content=content)
    patterns = gazetteer_patterns(_editor_entities(store))
    if patterns:
        apply_gazetteer(nlp, patterns, GAZETTEER)
    try:
        pending: list[edits.Edit] = []
        last_commit = time.monotonic()

        def flush() -> None:
            nonlocal last_commit
            if pending:
                edits.apply_many(store, pending, f"pre-annotate {len(pending)} documents")
                report.annotated += len(pending)
                pending.clear()
            last_commit = time.monotonic()

        total = len(todo)
        job.progress(0, total, "loading")
        processes = max(1, int(processes))
        if processes == 1 or len(todo) <= 1:
            results: Iterator[tuple[int, list[dict], list[dict]]] = (
                (doc_id, *_suggestions(doc, rules))
                for doc, doc_id in nlp.pipe(_texts(store, todo), as_tuples=True, batch_size=max(1, batch_size)))
        else:
            results = _parallel_suggestions(name, patterns, rules, _texts(store, todo), processes, max(1, batch_size))
        try:
            for doc_id, cleaned, quotes in results:
                report.entities += len(cleaned)
                report.quotes += len(quotes)
                pending.append(edits.ReplaceSuggestions(doc_id, mid, tuple(cleaned), tuple(quotes)))
                if len(pending) >= COMMIT_EVERY_DOCS or time.monotonic() - last_commit > COMMIT_EVERY_SECONDS:
                    flush()
                job.progress(report.annotated + len(pending), total, str(doc_id))
                if job.cancelled():
                    report.cancelled = True
                    break
        finally:
            results.close()  # stops the worker processes at once on a cancel or an error
        flush()
    finally:
        if GAZETTEER in nlp.pipe_names:
            nlp.remove_pipe(GAZETTEER)  # the pipeline is cached: leave it as loaded
    report.linked = link_entities(store)
    store.set_meta("model", mid)
    store.set_meta("model_name", name)
    store.set_meta("quote_content", content)
    job.progress(len(todo) if not report.cancelled else report.annotated, len(todo), "done")
    return report


def link_entities(store: Store) -> int:
    """Cluster the project's mentions into canonical entities and link untouched suggestions.

    Returns how many rows changed.
    """
    names = {e.id: e.name for e in store.entities()}
    rows = store.conn.execute(
        "SELECT m.id, m.doc_id, m.start, m.\"end\", m.label, m.entity_id, m.origin, m.status, m.annotator, "
        "substr(d.text, m.start + 1, m.\"end\" - m.start) AS surface "
        "FROM mentions m JOIN documents d ON d.id = m.doc_id WHERE m.status != 'rejected' ORDER BY m.id"
    ).fetchall()
    mentions, ids = [], []
    for r in rows:
        touched = r["annotator"] is not None or r["origin"] != "model" or r["status"] != "suggested"
        mentions.append(MentionIn(
            doc_id=str(r["doc_id"]), start=r["start"], end=r["end"], label=r["label"], text=r["surface"],
            origin="editor" if touched else "model", status="accepted" if touched else "suggested",
            entity=names.get(r["entity_id"]) if touched else None))
        ids.append(r["id"])
    clusters = cluster_entities(mentions)
    payload = tuple({"name": c.name, "type": c.type, "aliases": list(c.aliases),
                     "mention_ids": [ids[i] for i in c.members]} for c in clusters)
    try:
        inverse = edits.apply(store, edits.LinkEntities(payload))
    except edits.EditError as exc:
        if "nothing to change" in str(exc):
            return 0
        raise
    return len(inverse.changes)


def preannotate_texts(records: Iterable[dict[str, Any]], *, model: str | None = None, processes: int = 1,
                      batch_size: int = 16, job: Job | None = None, content: str = DEFAULT_CONTENT
                      ) -> list[dict[str, Any]]:
    """Interchange records with entity and quote suggestions, canonical entities filled in.

    Canonical entities are clustered across all the records, so they are kept in memory.
    """
    job = job or Job()
    records = list(records)
    out = []
    for rec in preannotate_records(records, model=model, processes=processes, batch_size=batch_size,
                                   progress=lambda n: job.progress(n, len(records), ""), cancel=job.cancelled,
                                   content=content):
        out.append(rec)
    return canonicalize_records(out)
