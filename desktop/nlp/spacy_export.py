"""Export a project as spaCy training data: ``DocBin`` files (``.spacy``).

Written by :func:`export_spacy` through the shared frame of :mod:`desktop.core.exporters`
(document selection, ``--status``/``--documents``, deterministic splits, atomic output):
``OUT.spacy``, or with a split a folder ``OUT/`` with ``train.spacy``, ``dev.spacy`` and
``test.spacy``.

Files and parts
    A ``DocBin`` is serialised whole, so the export writes bounded parts, one at a time: each part
    is one ``DocBin(store_user_data=True)`` file of at most :data:`PART_DOCS` (1,000) documents
    and :data:`PART_CHARS` (1,000,000) characters of text (a longer document is a part of its
    own).  Memory stays flat (under 250 MB, spaCy included) whatever the size of the project.
    ``OUT.spacy`` (and each of ``train.spacy``, ``dev.spacy``, ``test.spacy``) is one ``DocBin``
    file when its documents fit in one part, as small projects do; otherwise it is a folder of
    parts ``part-00001.spacy``, ``part-00002.spacy``, ... (documents in project order).  spaCy's
    ``Corpus`` reader takes a ``.spacy`` file or a folder of them, so ``spacy train``,
    ``spacy debug data`` and ``spacy evaluate`` are given the same path either way
    (``--paths.train OUT/train.spacy --paths.dev OUT/dev.spacy``).  In Python, read
    ``sorted(path.glob("*.spacy")) if path.is_dir() else [path]`` with ``DocBin().from_disk``
    (a folder output also holds Claimdesk's ``.claimdesk-export`` marker, which spaCy skips).

Tokens
    The text is tokenised (tokenizer only, nothing else runs) by: the ``model`` given
    (``--model``, resolved by :func:`desktop.nlp.pipeline.resolve_model`; an error when it is not
    installed); else the project's recorded model (meta ``model``) when that is installed; else
    ``spacy.blank("en")`` (spaCy's English tokenizer rules, the same ones the ``en_core_web_*``
    pipelines use).  The text is kept exactly (``doc.text == document text``).

Spans (every editor boundary is kept)
    Whitespace at either edge of a span is trimmed first (spaCy's ``debug data`` rejects entities
    that start or end with whitespace); that is the only change a span's offsets ever get, and it
    counts in the summary's "spans adjusted".  Then every token a span edge falls inside of is
    split there (``Doc.retokenize().split``; the text stays exactly the same), so a span is
    always exactly its tokens: an editor's "Berlin" in "Berlinbefore" stays "Berlin" (tokens
    "Berlin" + "before"), where spaCy's ``alignment_mode="expand"`` made it "Berlinbefore" again.
    The summary prints how many tokens were split.  spaCy's training reader tokenises the text
    again, so ``debug data`` lists such tokens as "misaligned", and ``Example`` alignment leaves
    them out of the NER loss (missing) rather than teach either half wrong.  A span that covers no
    token (only whitespace) is left out and counted as dropped.

``doc.ents``
    Entity mentions (label = entity label, ``kb_id_`` = canonical entity name, if any).  spaCy's
    entities cannot overlap: the non-overlapping subset is chosen by
    :func:`desktop.core.exporters.non_overlapping` on the token offsets (accepted before
    suggested, then longest, then earliest); the others are counted ("overlapping entities left
    out of doc.ents").  Tokens outside every entity are ``O`` ("no entity") only when the
    document's entity layer is reviewed (``ExportDoc.reviewed``: the document is done);
    otherwise they are missing values (``set_ents(..., default="missing")``), which spaCy's NER
    leaves out of the loss, so unreviewed text is never taught as a negative.  The summary prints
    how many documents and tokens that was.  (spaCy 3.8's ``debug data`` does not count these in
    its "missing value(s)" line: it skips the ``None`` tags ``Example.get_aligned_ner`` gives
    them; the trainer reads them as missing.)

Span groups (``doc.spans``; every span's ``id_`` links it to its annotation)
    ``entities``  every entity mention, overlapping ones included (label, ``kb_id_`` as above,
                  ``id_`` ``e1``, ``e2``...).
    ``quotes``    each content fragment of each quote; label = quote type (direct / indirect /
                  mixed); ``id_`` = the quote's id (``q1``...), shared by its fragments, speaker
                  and cue; ``kb_id_`` = the speaker entity's name.
    ``speakers``  each quote's speaker span; label ``SPEAKER``; ``id_`` = the quote's id;
                  ``kb_id_`` = the speaker entity's name.
    ``cues``      each quote's cue span; label ``CUE``; ``id_`` = the quote's id.
    ``claims``    claim spans; label ``CLAIM``; ``id_`` = the claim's id (``c1``...);
                  ``kb_id_`` = the claimant.
    ``claims_<label set>``  (e.g. ``claims_checkworthiness``, ``claims_verdict``) the claims that
                  carry a label of that set, with the label as span label: ready for a
                  ``spancat`` component.

``doc.cats`` (document-level view of the claim labels; ``textcat_multilabel`` trains on it)
    ``"<set>:<label>"`` is 1.0 when at least one exported claim of the document carries that
    label.  When the document's claim layer is reviewed, every label of every set is there (0.0
    for the others); otherwise only the 1.0 labels are, and the rest are missing (spaCy's text
    classifier leaves labels absent from ``doc.cats`` out of the loss).  A document with neither
    has empty ``doc.cats``.

Training config
    Beside the ``DocBin`` files the export writes a ``config.cfg`` (``OUT/config.cfg`` with a
    split, ``OUT.cfg`` beside a single ``OUT.spacy``) under which ``python -m spacy train
    config.cfg`` trains NER, a span_finder + spancat on the ``quotes`` group and a multi-label text classifier
    on ``doc.cats`` with no edits; see :mod:`desktop.nlp.spacy_config`.

``doc.user_data`` (kept by ``DocBin(store_user_data=True)``; plain msgpack values)
    ``"claimdesk"``: ``{"id": ext_id, "status": document status, "meta": {title, source, url,
    published, story}, "entities": [...], "quotes": [...], "claims": [...]}`` where each
    annotation is the interchange codec's pairs form (:func:`desktop.core.interchange.quote_to_pairs`
    and its siblings): its id (as in ``id_``), character offsets as stored (``start``/``end``; quotes:
    ``content`` list, ``speaker``, ``speaker_resolved`` (the name a pronoun speaker stands for),
    ``cue`` as ``[start, end]`` or None), and its fields:
    ``label``/``entity`` (entities), ``type``/``speaker_entity`` (quotes), ``labels`` (a mapping
    label set -> label), ``claimant``, ``note`` (claims), and provenance ``origin``, ``status``,
    ``annotator``, ``model``.  This is where claim labels are carried as span attributes, without
    registering ``Span`` extensions.

Never imports Qt.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.core.exporters import (
    AtomicOutput,
    ExportDoc,
    ExportError,
    ExportSource,
    ExportSummary,
    PartContext,
    non_overlapping,
    output_path,
    run_export,
)
from desktop.core.interchange import (
    ClaimRecord,
    MentionRecord,
    QuoteRecord,
    claim_to_pairs,
    mention_to_pairs,
    quote_to_pairs,
)
from desktop.core.jobs import Job
from desktop.core.store import Store
from desktop.core.text import trimmed
from desktop.core.wording import plural
from desktop.nlp.spacy_config import CorpusStats, suggester_coverage, training_config

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["PART_CHARS", "PART_DOCS", "config_path", "doc_from_export", "export_spacy", "plan_parts",
           "split_at_edges", "tokenizer_for"]

#: Most documents in one ``DocBin`` file (a part).
PART_DOCS = 1000
#: Most characters of text in one part (about 200,000 tokens; a longer document is a part alone).
PART_CHARS = 1_000_000


def tokenizer_for(store: Store | None, model: str | None = None) -> tuple[Language, str]:
    """The pipeline whose tokenizer the export uses, and a description of it."""
    import spacy

    from desktop.nlp import pipeline

    if model:
        try:
            name = pipeline.resolve_model(model)
        except pipeline.ModelNotFoundError as exc:
            raise ExportError(str(exc)) from None
        return _tokenizer_only(name), name
    recorded = store.meta("model") if store is not None else None
    if recorded:
        package = recorded.split()[0]
        try:
            name = pipeline.resolve_model(package)
        except pipeline.ModelNotFoundError:
            name = None
        if name:
            return _tokenizer_only(name), name
    return spacy.blank("en"), 'spacy.blank("en")'


def _tokenizer_only(name: str) -> Language:
    """A pipeline with the package's vocab and tokenizer, no components loaded."""
    import spacy

    from desktop.nlp import pipeline

    cached = getattr(pipeline, "_cache", {}).get(name)
    if cached is not None:
        return cached
    return spacy.load(name, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner",
                                     "senter", "textcat", "textcat_multilabel", "morphologizer", "spancat"])


def _edges(item: ExportDoc) -> set[int]:
    """The trimmed start and end of every span the export writes."""
    spans: list[tuple[int, int]] = [(m.start, m.end) for m in item.mentions]
    for q in item.quotes:
        spans.extend((s.start, s.end) for s in (*q.content, q.speaker, q.cue) if s is not None)
    spans.extend((c.start, c.end) for c in item.claims)
    edges: set[int] = set()
    for start, end in spans:
        s, e = trimmed(item.text, start, end)
        if s < e:
            edges.update((s, e))
    return edges


def split_at_edges(doc: Doc, edges: set[int]) -> int:
    """Split every token that a span edge falls inside of (retokenize), so each edge is a token
    boundary; the text is unchanged.  Returns how many tokens were split."""
    cuts = sorted(edges)
    plans = []
    i = 0
    for token in doc:  # one pass over tokens and cuts together, both in text order
        start, end = token.idx, token.idx + len(token.text)
        while i < len(cuts) and cuts[i] <= start:
            i += 1
        k = i
        while k < len(cuts) and cuts[k] < end:
            k += 1
        if k > i:
            bounds = [start, *cuts[i:k], end]
            plans.append((token, [token.text[a - start:b - start] for a, b in itertools.pairwise(bounds)]))
        i = k
    if plans:
        with doc.retokenize() as retokenizer:
            for token, orths in plans:
                # each piece its own head: the Doc has no parse, as before the split
                retokenizer.split(token, orths, heads=[(token, i) for i in range(len(orths))])
    return len(plans)


def _claim_cats(item: ExportDoc, source: ExportSource) -> dict[str, float]:
    """``doc.cats``: ``"<set>:<label>"`` for the claim labels (see the module docstring)."""
    present = {(s, v) for c in item.claims for s, v in c.labels.items()}
    if "claims" not in item.reviewed:  # the labels its claims carry are known; the others are missing, not 0.0
        return {f"{s}:{v}": 1.0 for s, v in sorted(present)}
    sets = source.store.claim_label_sets()  # reviewed: every label known, 1.0 or 0.0
    for label_set, value in sorted(present):
        values = sets.setdefault(label_set, [])
        if value not in values:
            values.append(value)
    return {f"{s}:{v}": 1.0 if (s, v) in present else 0.0 for s, values in sets.items() for v in values}


def doc_from_export(nlp: Language, item: ExportDoc, source: ExportSource, summary: ExportSummary,
                    label_sets: Sequence[str] = (), stats: CorpusStats | None = None) -> Doc:
    """One project document as a spaCy ``Doc`` with entities, span groups, cats and user data.

    ``stats`` (optional) counts what a training config needs (see :mod:`desktop.nlp.spacy_config`).
    """
    from spacy.tokens import Span as SpacySpan

    stats = stats if stats is not None else CorpusStats()
    doc = nlp.make_doc(item.text)
    stats.tokens_split += split_at_edges(doc, _edges(item))

    def char_span(start: int, end: int, label: str, kb_id: str | None = None, span_id: str | None = None):
        s, e = trimmed(item.text, start, end)
        span = doc.char_span(s, e) if s < e else None  # the edges are token boundaries now
        if span is None and s < e:  # pragma: no cover - split_at_edges made every edge a boundary
            span = doc.char_span(s, e, alignment_mode="expand")
        if span is None or len(span) == 0:
            summary.dropped += 1
            return None
        if (span.start_char, span.end_char) != (start, end):
            summary.adjusted += 1
        return SpacySpan(doc, span.start, span.end, label=label, kb_id=kb_id or "", span_id=span_id or "")

    entity_spans = {}
    group = []
    for i, m in enumerate(item.mentions, start=1):
        span = char_span(m.start, m.end, m.label, source.name(m.entity_id), f"e{i}")
        if span is not None:
            entity_spans[m.id] = span
            group.append(span)
    doc.spans["entities"] = group
    kept, dropped = non_overlapping(
        [m for m in item.mentions if m.id in entity_spans],
        spans=lambda m: (entity_spans[m.id].start, entity_spans[m.id].end),
    )
    summary.dropped += len(dropped)
    ents = [entity_spans[m.id] for m in kept]
    if "entities" in item.reviewed:
        doc.set_ents(ents, default="outside")
    else:  # not reviewed: what is not an exported entity is unknown, not "no entity"
        doc.set_ents(ents, default="missing")
        stats.unreviewed_entities += 1
        stats.missing_tokens += len(doc) - sum(len(e) for e in ents)
    stats.entity_labels.update(e.label_ for e in ents)

    quotes = [QuoteRecord.from_model(q, source.name) for q in item.quotes]
    fragments, speakers, cues = [], [], []
    for i, q in enumerate(quotes, start=1):
        qid, speaker_entity = f"q{i}", q.speaker_entity
        for frag in q.content:
            span = char_span(frag.start, frag.end, q.type, speaker_entity, qid)
            if span is not None:
                fragments.append(span)
                stats.quote_lengths[len(span)] += 1
        if q.speaker is not None:
            span = char_span(q.speaker.start, q.speaker.end, "SPEAKER", speaker_entity, qid)
            if span is not None:
                speakers.append(span)
        if q.cue is not None:
            span = char_span(q.cue.start, q.cue.end, "CUE", None, qid)
            if span is not None:
                cues.append(span)
    doc.spans["quotes"] = fragments
    doc.spans["speakers"] = speakers
    doc.spans["cues"] = cues

    claims = []
    by_set: dict[str, list] = {name: [] for name in label_sets}
    for i, c in enumerate(item.claims, start=1):
        cid = f"c{i}"
        span = char_span(c.start, c.end, "CLAIM", source.claimant(c), cid)
        if span is None:
            continue
        claims.append(span)
        for label_set, value in sorted(c.labels.items()):
            by_set.setdefault(label_set, []).append(
                SpacySpan(doc, span.start, span.end, label=value, kb_id=source.claimant(c) or "", span_id=cid))
    doc.spans["claims"] = claims
    for label_set, spans in by_set.items():
        doc.spans[f"claims_{label_set}"] = spans

    doc.cats = _claim_cats(item, source)
    stats.cats.update(doc.cats)

    d = item.doc
    # the annotations' keys are the interchange codec's pairs form (desktop.core.interchange)
    doc.user_data["claimdesk"] = {
        "id": d.ext_id,
        "status": d.status,
        "meta": {"title": d.title, "source": d.source, "url": d.url, "published": d.published, "story": d.story},
        "entities": [mention_to_pairs(MentionRecord.from_model(m, source.name), f"e{i}")
                     for i, m in enumerate(item.mentions, start=1)],
        "quotes": [quote_to_pairs(q, f"q{i}") for i, q in enumerate(quotes, start=1)],
        "claims": [claim_to_pairs(ClaimRecord.from_model(c, source.claimant(c)), f"c{i}")
                   for i, c in enumerate(item.claims, start=1)],
    }
    return doc


def plan_parts(sizes: Sequence[tuple[int, int]], part_docs: int = PART_DOCS, part_chars: int = PART_CHARS
               ) -> list[list[int]]:
    """Cut ``(doc_id, characters)`` (in export order) into parts of at most ``part_docs``
    documents and ``part_chars`` characters; a document longer than that is a part by itself."""
    parts: list[list[int]] = []
    chars = 0
    for doc_id, size in sizes:
        if not parts or _starts_part(len(parts[-1]), chars, size, part_docs, part_chars):
            parts.append([])
            chars = 0
        parts[-1].append(doc_id)
        chars += size
    return parts


def _starts_part(count: int, chars: int, size: int, part_docs: int, part_chars: int) -> bool:
    """Whether a document of ``size`` characters goes to a new part, after ``count`` documents and
    ``chars`` characters in the current one."""
    return count > 0 and (count >= part_docs or chars + size > part_chars)


def _part_name(i: int) -> str:
    return f"part-{i:05d}.spacy"


_cached_lock = threading.Lock()
_cached_depth = 0


@contextmanager
def _msgpack_encoders_looked_up_once() -> Iterator[None]:
    """For the duration: srsly's msgpack encoders are looked up once, not on every call.

    ``srsly.msgpack_dumps`` (which ``DocBin.add`` calls about ten times a document: user data,
    each span group, the groups) scans every installed package's entry points and the whole
    catalogue registry for its encoders on each call; that was half of the export's time.  The
    encoders do not change while an export runs, so ``get_all`` of that one registry answers from
    one lookup (an instance attribute over the method, removed afterwards; the result is the same
    dict, so the bytes written are the same).
    """
    global _cached_depth
    from srsly.msgpack import msgpack_encoders

    with _cached_lock:
        if _cached_depth == 0:
            encoders = msgpack_encoders.get_all()
            msgpack_encoders.get_all = lambda: encoders
        _cached_depth += 1
    try:
        yield
    finally:
        with _cached_lock:
            _cached_depth -= 1
            if _cached_depth == 0:
                del msgpack_encoders.get_all


def export_spacy(store: Store, out: str | os.PathLike, *, fmt: str = "spacy", status: str = "accepted",
                 documents: str = "all", split: str | Sequence[float] | None = None, seed: int = 0, model: str | None = None,
                 job: Job | None = None, overwrite: bool = False, part_docs: int = PART_DOCS,
                 part_chars: int = PART_CHARS) -> ExportSummary:
    """Write ``OUT.spacy`` (or ``OUT/train.spacy``, ``dev.spacy``, ``test.spacy`` with a split),
    each one ``DocBin`` file or, past one part (``part_docs`` documents, ``part_chars``
    characters), a folder of part files.  ``fmt`` is the registry's name for it (always
    ``spacy``), taken so every exporter of :data:`desktop.core.formats.FORMATS` is called alike."""
    from spacy.tokens import DocBin

    if part_docs < 1 or part_chars < 1:
        raise ValueError("part_docs and part_chars must be positive")
    nlp, described = tokenizer_for(store, model)
    label_sets = list(store.claim_label_sets())
    sizes = {row["id"]: row["chars"] or 0 for row in store.document_summaries()}
    stats = CorpusStats()

    def write_part(ctx: PartContext) -> None:
        """``ctx.path`` as one file while its documents fit one part, else as a folder of parts."""
        written = 0
        doc_bin, count, chars = DocBin(store_user_data=True), 0, 0

        def flush() -> None:
            nonlocal written, doc_bin, count, chars
            written += 1
            ctx.files.write_bytes(ctx.path / _part_name(written), doc_bin.to_bytes())
            doc_bin, count, chars = DocBin(store_user_data=True), 0, 0

        for item in ctx.docs:
            size = sizes.get(item.doc.id, len(item.text))
            if _starts_part(count, chars, size, part_docs, part_chars):
                flush()
            doc_bin.add(doc_from_export(nlp, item, ctx.source, ctx.summary, label_sets, stats))
            count += 1
            chars += size
            ctx.summary.documents += 1
            ctx.summary.entities += len(item.mentions)
            ctx.summary.quotes += len(item.quotes)
            ctx.summary.claims += len(item.claims)
        if written == 0 and not folder:
            ctx.files.write_bytes(ctx.path, doc_bin.to_bytes())
        elif count:
            flush()

    # Without a split, whether OUT.spacy is a file or a folder is settled before anything is
    # written (the frame builds a folder output in a temporary folder), by the same plan.
    folder = False
    if split in (None, ""):
        selected = ExportSource(store, status=status, documents=documents).doc_ids()
        folder = len(plan_parts([(d, sizes.get(d, 0)) for d, _ in selected], part_docs, part_chars)) > 1
        where = output_path("spacy", out, False)
        if not folder and overwrite and where.is_dir() and not where.is_symlink():
            folder = True  # --force over an export in parts: the same shape, so the path stays a folder

    summary = ExportSummary("spacy", Path(out))
    summary.notes.append(f"tokenizer: {described}")

    def finish(files: AtomicOutput, root: Path, split_given: bool, source: ExportSource) -> None:
        _finish(files, root, summary, stats, split_given, folder)

    with _msgpack_encoders_looked_up_once():
        return run_export(store, "spacy", out, write_part, status=status, documents=documents, split=split, seed=seed,
                          job=job, overwrite=overwrite, summary=summary, folder=folder, finish=finish)


def config_path(out: Path, *, folder: bool) -> Path:
    """Where the training config of the export at ``out`` (``OUT.spacy`` or the split folder)
    goes: ``config.cfg`` inside a folder, ``OUT.cfg`` beside a single ``OUT.spacy`` file."""
    return out / "config.cfg" if folder else out.with_suffix(".cfg")


def _finish(files: AtomicOutput, root: Path, summary: ExportSummary, stats: CorpusStats, split_given: bool,
            folder: bool) -> None:
    """Count into the summary's notes and write the training config (before the output is committed)."""
    notes = summary.notes
    notes.append(f"{plural(stats.tokens_split, 'token')} split at span edges "
                 "(every span keeps its exact boundaries)")
    if stats.unreviewed_entities:
        notes.append(f"{plural(stats.unreviewed_entities, 'document')} with "
                     f"unreviewed entities: {stats.missing_tokens} tokens written as missing values, not O")
    target = Path(os.path.abspath(summary.out))
    if split_given:
        parts = list(summary.splits)
        train = target / f"{parts[0]}.spacy"
        dev = target / f"{'dev' if 'dev' in parts else parts[-1]}.spacy"
    else:
        train = dev = target
    text = training_config(stats, train, dev)
    if text is None:
        notes.append("no training config: the export holds no entities, quotes or claim labels to train on")
        return
    inside = split_given or folder
    with files.open(config_path(root, folder=inside)) as fh:
        fh.write(text)
    where = config_path(target, folder=inside)
    notes.append(f"training config: {where} (python -m spacy train {where.name}; "
                 f"trains {', '.join(stats.components())})")
    if stats.quote_lengths:
        longest = stats.longest_quote()
        notes.append(f"spancat suggester: span_finder up to {longest} tokens, covers "
                     f"{suggester_coverage(stats, longest):.0%} of {sum(stats.quote_lengths.values())} quote spans")
