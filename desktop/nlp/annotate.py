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
3. clusters the mentions of the documents annotated since the last run (with the editor's own)
   into canonical entities and links the untouched suggestions and quote speakers to them
   (:class:`desktop.core.edits.LinkEntities`, in bounded chunks): see :func:`link_entities`.

:func:`preannotate_texts` is the same without a project (``claimdesk preannotate``).
"""

from __future__ import annotations

import functools
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from desktop.core import edits, wording
from desktop.core import settings as project_settings
from desktop.core.interchange import EntityRecord
from desktop.core.jobs import Job
from desktop.core.store import Store, now_iso
from desktop.nlp.claims_model import ClaimScorer, load_scorer
from desktop.nlp.entities import (
    DecidedEntity,
    MentionIn,
    apply_gazetteer,
    canonicalize_records,
    clean_mention,
    cluster_entities,
    gazetteer_patterns,
    name_key,
)
from desktop.nlp.ner_weights import NerModel
from desktop.nlp.pipeline import load_pipeline, model_id, resolve_model
from desktop.nlp.preannotate import (
    WorkerDied,
    annotate_in_workers,
    annotate_texts,
    claims_above,
    failure_reason,
    preannotate_records,
    provenance,
)
from desktop.nlp.quotes import DEFAULT_CONTENT, check_content_convention
from desktop.nlp.quotes.lexicon import lexicon_for

GAZETTEER = "claimdesk_gazetteer"
COMMIT_EVERY_DOCS = 16
COMMIT_EVERY_SECONDS = 2.0
SHOW_FAILED = 5  # failed documents named in a report's summary


@dataclass
class AnnotateReport:
    model: str = ""
    annotated: int = 0
    skipped: int = 0
    entities: int = 0
    quotes: int = 0
    claims: int = 0
    linked: int = 0
    cancelled: bool = False
    #: ``(document ext_id, reason)`` of each document that could not be annotated (left unmarked)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        """One line: "4 documents annotated with M (…), 0 already done; 1 failed: doc X (reason)"."""
        text = (f"{wording.plural(self.annotated, 'document')} annotated with {self.model} "
                f"({self.entities} entity, {self.quotes} quote and {self.claims} claim suggestions), "
                f"{self.skipped} already done")
        if self.failed:
            shown = ", ".join(f"doc {ext_id} ({reason})" for ext_id, reason in self.failed[:SHOW_FAILED])
            more = len(self.failed) - SHOW_FAILED
            text += f"; {len(self.failed)} failed: {shown}" + (f" and {more} more" if more > 0 else "")
        if self.cancelled:
            text += "; cancelled: run again to resume"
        return text


def claims_scorer(store: Store) -> ClaimScorer:
    """What scores a project's claim suggestions: its current trained model, else the cold start."""
    current = store.current_model("claims")
    return load_scorer(current.data, current.name) if current is not None else ClaimScorer()


def project_ner(store: Store) -> NerModel | None:
    """The project's current fine-tuned entity recognizer (``claimdesk train``), or None: the pipeline's own."""
    current = store.current_model("ner")
    return NerModel(current.name, current.data) if current is not None else None


def _editor_entities(store: Store) -> list[tuple[str, str, list[str]]]:
    """Entities an editor has confirmed, with the label the editor gave their mentions.

    A confirmed entity is one an accepted mention links to; its label is the most frequent label
    of those accepted mentions (an editor's relabel wins over the entity's earlier type).
    """
    votes = {entity_id: Counter(labels) for entity_id, labels in store.accepted_labels_by_entity().items()}
    out = []
    for e in store.entities():
        if e.id in votes:
            label = max(sorted(votes[e.id]), key=lambda lab: votes[e.id][lab])
            out.append((e.name, label, list(e.aliases)))
    return out


def _texts(store: Store, doc_ids: list[int]) -> Iterator[tuple[str, int]]:
    for doc_id in doc_ids:
        text = store.document_text(doc_id)
        if text is not None:  # deleted meanwhile (another connection)
            yield text, doc_id


@dataclass(frozen=True)
class _Rules:
    """What the rules after parsing need, the same in this process and in workers."""

    labels: frozenset[str]  # the project's entity labels
    known: frozenset[str]  # name keys of the project's canonical entities and aliases


def _clean(rules: _Rules, text: str, entities: list[dict], quotes: list[dict]) -> tuple[list[dict], list[dict]]:
    """Cleaned entity suggestions (labels of the project only) and the quotes of one document.

    Runs on the whole document (all its blocks), in this process or a worker.
    """
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


def _add_gazetteer(patterns: list[dict[str, Any]], nlp: Any) -> None:
    """Teach a worker's pipeline the editor-confirmed entities (forked workers have them already)."""
    if patterns and GAZETTEER not in nlp.pipe_names:
        apply_gazetteer(nlp, patterns, GAZETTEER)


def annotate_project(store: Store, *, model: str | None = None, processes: int = 1, batch_size: int = 16,
                     force: bool = False, job: Job | None = None, content: str | None = None,
                     block_chars: int | None = None) -> AnnotateReport:
    """Suggestions for every document not yet annotated with this model and content convention.

    ``content`` (a quote content convention; default: the project's, else "clause") is kept as the
    project's setting; documents annotated under another convention are done again. A document
    longer than ``block_chars`` (default :data:`desktop.nlp.preannotate.BLOCK_CHARS`) is annotated
    in blocks. A document whose parse, rules or suggestions fail is listed in
    :attr:`AnnotateReport.failed`, left unmarked (the next run tries it again) and the others are
    committed.
    """
    job = job or Job()
    content = check_content_convention(content or store.meta("quote_content"))
    name = resolve_model(model or store.meta("model_name"))
    ner = project_ner(store)
    nlp = load_pipeline(name, ner=ner)
    lexicon_for(nlp.lang)  # quote rules for its language, or one clear error before any work
    scorer = claims_scorer(store)
    mid = provenance(model_id(nlp), content, scorer.name, ner.name if ner is not None else None)
    report = AnnotateReport(model=mid)
    threshold = project_settings.claim_threshold(store.settings().get(project_settings.CLAIM_THRESHOLD))
    if force:
        todo = store.document_ids()
    else:
        todo = store.documents_not_annotated_with(mid)
    report.skipped = store.document_count() - len(todo)
    entities = store.entities()
    rules = _Rules(labels=frozenset(store.entity_labels()),
                   known=frozenset(name_key(n) for e in entities for n in (e.name, *e.aliases)))
    patterns = gazetteer_patterns(_editor_entities(store))
    if patterns:
        apply_gazetteer(nlp, patterns, GAZETTEER)
    try:
        pending: list[edits.ReplaceSuggestions] = []
        last_commit = time.monotonic()

        def fail(doc_id: int, reason: str) -> None:
            report.failed.append((store.document_ext_id(doc_id) or str(doc_id), reason))

        def commit(batch: list[edits.ReplaceSuggestions]) -> None:
            edits.apply_many(store, batch, f"pre-annotate {wording.plural(len(batch), 'document')}")
            report.annotated += len(batch)
            report.entities += sum(len(e.entities) for e in batch)
            report.quotes += sum(len(e.quotes) for e in batch)
            report.claims += sum(len(e.claims) for e in batch)

        def flush() -> None:
            nonlocal last_commit
            if pending:
                try:
                    commit(pending)
                except edits.EditError:  # one document's suggestions refused: commit the others
                    for edit in pending:
                        try:
                            commit([edit])
                        except edits.EditError as exc:
                            fail(edit.doc_id, failure_reason(exc))
                pending.clear()
            last_commit = time.monotonic()

        total = len(todo)
        job.progress(0, total, "loading")
        processes = max(1, int(processes))
        finish = functools.partial(_clean, rules)
        if processes == 1 or len(todo) <= 1:
            results = annotate_texts(nlp, _texts(store, todo), content=content, batch_size=batch_size,
                                     block_chars=block_chars, finish=finish, scorer=scorer)
        else:
            results = annotate_in_workers(name, _texts(store, todo), processes=processes,
                                          batch_size=max(1, batch_size), content=content, block_chars=block_chars,
                                          finish=finish, setup=functools.partial(_add_gazetteer, patterns),
                                          scorer=scorer, ner=ner)
        try:
            for result in results:
                if result.error is not None:
                    fail(result.key, result.error)  # left unmarked: the next run tries it again
                else:
                    pending.append(edits.ReplaceSuggestions(result.key, mid, tuple(result.entities),
                                                            tuple(result.quotes),
                                                            tuple(claims_above(result.claims, threshold))))
                if len(pending) >= COMMIT_EVERY_DOCS or time.monotonic() - last_commit > COMMIT_EVERY_SECONDS:
                    flush()
                job.progress(report.annotated + len(report.failed) + len(pending), total, str(result.key))
                if job.cancelled():
                    report.cancelled = True
                    break
        except WorkerDied:
            flush()  # what the other workers finished is kept
            raise
        finally:
            results.close()  # stops the worker processes at once on a cancel or an error
        flush()
    finally:
        if GAZETTEER in nlp.pipe_names:
            nlp.remove_pipe(GAZETTEER)  # the pipeline is cached: leave it as loaded
    if not report.cancelled:
        # a cancelled run leaves its documents to the next run's linking (they stay in its scope),
        # so a cancelled and resumed run links exactly as one uninterrupted run
        report.linked = link_entities(store)
    store.set_meta("model", mid)
    store.set_meta("model_name", name)
    store.set_meta("quote_content", content)
    job.progress(len(todo) if not report.cancelled else report.annotated + len(report.failed), len(todo), "done")
    return report


def link_entities(store: Store, *, full: bool = False) -> int:
    """Cluster the mentions that changed since the last run into canonical entities and link the
    untouched suggestions (and the untouched quotes of their documents).

    Incremental: the documents a model annotated since the last link (the ``linked_at`` meta value;
    none: the whole project, as ``full``) are the scope. Their live mentions are clustered with every
    mention an editor made, accepted or changed (so new mentions join the editor's entities) and the
    decided entities; suggestions linked by an earlier run keep their entities. Nothing annotated
    since: nothing is read and nothing written. Beyond :data:`LINK_CHUNK` mentions the links are
    applied in several ``LinkEntities`` edits (one transaction and one history row each, see
    :func:`_link_in_chunks`) with the same result as one, so memory and each history row stay
    bounded; a link interrupted by a crash is finished by the next run (``linked_at`` is set last).

    An editor's merge, rename or split (the entity's ``decided`` flag) is never reversed: the
    decided entities (:meth:`Store.decided_entities`, live or not) go to
    :func:`cluster_entities` as :class:`DecidedEntity` with their names and aliases, every mention
    linked to one stays with it, and :class:`~desktop.core.edits.LinkEntities` uses them as they are
    (see there for the rules).  Returns how many rows changed.
    """
    # the newest annotation this run covers, not the clock: a document annotated in the same
    # millisecond as the clock read would count as new again next time
    started = store.last_annotated_at() or now_iso()
    since = None if full else store.meta(LINKED_AT)
    if since is None:
        docs = store.document_ids()
        rows: list[Any] = store.live_mention_rows()
    else:
        docs = store.documents_annotated_after(since)
        if not docs:
            return 0
        rows = list(store.link_mention_rows(docs))
    entities = store.entities()
    names = {e.id: e.name for e in entities}
    decided_rows = store.decided_entities()
    names.update((e.id, e.name) for e in decided_rows)
    decided = [DecidedEntity(e.id, e.name, e.type, e.aliases) for e in decided_rows]
    decided_ids = {d.id for d in decided}
    mentions, kept = _mentions_in(store, rows, names, decided_ids)
    del rows
    clusters = cluster_entities(mentions, decided)
    in_scope = set(docs)
    # the payload's keys are the interchange codec's (desktop.core.interchange.EntityRecord)
    linked = [c for c in clusters if any(kept[i]["doc_id"] in in_scope for i in c.members)]
    if sum(len(c.members) for c in linked) <= LINK_CHUNK:  # one edit, one history row
        total = _apply_link(store, edits.LinkEntities(tuple(_record(c, [kept[i] for i in c.members]) for c in linked),
                                                      docs=tuple(docs)))
    else:
        total = _link_in_chunks(store, linked, kept, docs)
    store.set_meta(LINKED_AT, started)
    return total


LINKED_AT = "linked_at"  #: meta key: the newest annotation entity linking last covered (the next run's scope)
LINK_CHUNK = 5000  #: mentions per LinkEntities edit (one transaction, one history row)


def _mentions_in(store: Store, rows: Iterable[Any], names: dict[int, str], decided_ids: set[int]
                 ) -> tuple[list[MentionIn], list[dict[str, Any]]]:
    """The mentions clustering sees, and for each the few columns linking needs."""
    rows = list(rows)
    # each document's text is read once (not once per mention: a long document has many)
    by_doc: dict[int, list[int]] = {}
    for i, r in enumerate(rows):
        by_doc.setdefault(r["doc_id"], []).append(i)
    surfaces: list[str | None] = [None] * len(rows)
    for doc_id, members in by_doc.items():
        text = store.document_text(doc_id)
        for i in members if text is not None else ():
            surfaces[i] = text[rows[i]["start"]:rows[i]["end"]]
    mentions, kept = [], []
    for r, surface in zip(rows, surfaces, strict=True):
        if surface is None:
            continue  # a mention of no document
        touched = r["annotator"] is not None or r["origin"] != "model" or r["status"] != "suggested"
        mentions.append(MentionIn(
            doc_id=str(r["doc_id"]), start=r["start"], end=r["end"], label=r["label"], text=surface,
            origin="editor" if touched else "model", status="accepted" if touched else "suggested",
            entity=names.get(r["entity_id"]) if touched else None,
            decided=r["entity_id"] if r["entity_id"] in decided_ids else None))
        kept.append({"id": r["id"], "doc_id": r["doc_id"], "editor_link": r["entity_id"] if touched else None})
    return mentions, kept


def _record(c: Any, members: list[dict[str, Any]], entity_id: int | None = None) -> dict[str, Any]:
    return EntityRecord(c.name, c.type, tuple(c.aliases), tuple(m["id"] for m in members),
                        entity_id if entity_id is not None else c.entity_id).to_json()


def _apply_link(store: Store, edit: edits.LinkEntities) -> int:
    try:
        return edits.apply_counted(store, edit)
    except edits.NothingToChange:
        return 0


def _link_in_chunks(store: Store, clusters: list[Any], kept: list[dict[str, Any]], docs: list[int]) -> int:
    """What one ``LinkEntities`` of ``clusters`` would do, in edits of at most LINK_CHUNK mentions.

    First, in cluster order, each new entity is created (its cluster cut to its first mention) and
    each editor's entity the clusters keep gets its type (cut to the editor's mentions), so entities
    get the ids and types one edit gives them. Then document group by document group, each edit gets
    the clusters cut to the group's mentions, each naming the entity it got, and links the group's
    mentions and untouched quotes.
    """
    chosen = [_editor_choice(c, kept) for c in clusters]
    first = []
    for c, entity_id in zip(clusters, chosen, strict=True):
        if c.entity_id is None:  # a decided entity is used as it is
            members = ([kept[i] for i in c.members if kept[i]["editor_link"] is not None] if entity_id is not None
                       else [kept[c.members[0]]])
            first.append(_record(c, members))
    total = sum(_apply_link(store, edits.LinkEntities(chunk, docs=())) for chunk in _chunks(first))
    members_of: dict[int, list[tuple[int, int]]] = {}  # doc -> (cluster index, mention index)
    for ci, c in enumerate(clusters):
        for i in c.members:
            members_of.setdefault(kept[i]["doc_id"], []).append((ci, i))
    group: list[int] = []
    size = 0

    def flush() -> int:
        cut: dict[int, list[dict[str, Any]]] = {}
        for doc_id in group:
            for ci, i in members_of.get(doc_id, ()):
                cut.setdefault(ci, []).append(kept[i])
        payload = tuple(_record(clusters[ci], sorted(ms, key=lambda m: m["id"]), chosen[ci])
                        for ci, ms in sorted(cut.items()))
        return _apply_link(store, edits.LinkEntities(payload, docs=tuple(group)))

    for doc_id in docs:
        n = len(members_of.get(doc_id, ()))
        if group and size + n > LINK_CHUNK:
            total += flush()
            group, size = [], 0
        group.append(doc_id)
        size += n
    if group:
        total += flush()
    return total


def _chunks(records: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], ...]]:
    """Consecutive records, at most LINK_CHUNK mentions together (a bigger one alone)."""
    chunk: list[dict[str, Any]] = []
    size = 0
    for rec in records:
        if chunk and size + len(rec["mention_ids"]) > LINK_CHUNK:
            yield tuple(chunk)
            chunk, size = [], 0
        chunk.append(rec)
        size += len(rec["mention_ids"])
    if chunk:
        yield tuple(chunk)


def _editor_choice(c: Any, kept: list[dict[str, Any]]) -> int | None:
    """The editor's entity a cluster keeps (see LinkEntities), or None (decided, or by name)."""
    if c.entity_id is not None:
        return None
    links = [kept[i]["editor_link"] for i in c.members if kept[i]["editor_link"] is not None]
    return edits.editor_entity(links) if links else None


def preannotate_texts(records: Iterable[dict[str, Any]], *, model: str | None = None, processes: int = 1,
                      batch_size: int = 16, job: Job | None = None, content: str = DEFAULT_CONTENT,
                      block_chars: int | None = None, on_failure: Callable[[Any, str], None] | None = None,
                      claim_threshold: float | None = None, scorer: ClaimScorer | None = None,
                      ner: NerModel | None = None) -> list[dict[str, Any]]:
    """Interchange records with entity and quote suggestions, canonical entities filled in
    (``ner``: a project's fine-tuned recognizer finds the entities).

    Canonical entities are clustered across all the records, so they are kept in memory. A record
    that cannot be annotated is left out and ``on_failure(id, reason)`` called (default: one line
    on stderr, ``error: document ID not annotated: REASON``); the others are annotated.
    """
    job = job or Job()
    records = list(records)
    out = []
    for rec in preannotate_records(records, model=model, processes=processes, batch_size=batch_size,
                                   progress=lambda n: job.progress(n, len(records), ""), cancel=job.cancelled,
                                   content=content, block_chars=block_chars,
                                   on_failure=on_failure or _print_failure, claim_threshold=claim_threshold,
                                   scorer=scorer, ner=ner):
        out.append(rec)
    return canonicalize_records(out)


def _print_failure(doc_id: Any, reason: str) -> None:
    print(f"error: document {doc_id} not annotated: {reason}", file=sys.stderr)
