"""``claimdesk bench``: how fast Claimdesk is on this machine, against fixed targets.

Like ``spacy benchmark speed``: one run generates a synthetic corpus from the bundled seed story
(paragraphs shuffled across the five articles, person and place names swapped from lists, so
texts differ; deterministic for a seed), measures, and prints a table (or, with ``--json``,
one JSON object whose keys are :data:`TARGETS`' keys, each value a number).

What is measured (each heavy part in its own process, so RSS, the QApplication and the model
load are isolated):

* ``annotate_vs_raw_spacy``: tokens/s of :func:`desktop.nlp.annotate.annotate_project` on a
  project holding the texts, divided by tokens/s of plain ``nlp.pipe`` over the same texts with
  the same loaded pipeline (:func:`desktop.nlp.pipeline.load_pipeline`: same components, but
  spaCy's own entity recognizer on the raw side, so what scoring entities costs is counted).  The
  model is loaded and warmed up before either clock starts.
* ``processes2_vs_1``: annotate throughput with ``processes=2`` over ``processes=1``.
  Both ratios are measured :func:`measure_annotate_ratios`'s way: the three sides alternated
  (raw, 1, 2; then 2, 1, raw; ...) ``annotate_repeats`` times on ``annotate_docs / repeats`` texts,
  a ratio per repeat, the median reported (min and max, and each run's wall and CPU seconds and
  load average, in the raw figures and beside the table's line).
* ``annotate_10k_docs_peak_rss_mb``: last, a child adds ``annotate_new_docs`` new articles to the
  large project and annotates them (final entity linking included), sampling its resident memory.
* A large project (10,000 documents, ~300,000 annotations, one 10,000-word article with 1,000
  annotations, one 100,000-word article with 10,000) is built once per run by bulk inserts straight into the tables (one transaction,
  the rows the store writes: provenance, ``annotated_model``, full-text index by the triggers)
  in a temporary folder, then:
  ``open_project_s`` / ``open_project_rss_mb`` (offscreen window: ``MainWindow.open_project``,
  first document shown, events processed, painted), ``doc_switch_p95_ms`` (show the big article
  and paint it), ``doc_switch_100k_words_p95_ms`` (the same for a 100,000-word article with 10,000
  annotations, added by :func:`add_long_article`), ``edit_commit_p95_ms`` (in the big article: select a word, ``QTest.keyClick``
  "1", until the new mention is committed), ``edit_roundtrip_p95_ms`` (the same, until the view
  is repainted too), ``search_p95_ms`` (:meth:`Store.search`), ``export_jsonl_s`` and
  ``export_peak_rss_mb`` (a child process runs the jsonl export; its resident memory is sampled
  every 5 ms while it runs), ``export_spacy_peak_rss_mb`` (the same for the spaCy ``DocBin``
  export, ``--status all``, spaCy's import included; its time is in the raw figures).

* A 100,000-document project (short articles, ~3 mentions each; ``BenchConfig.scale_docs``),
  built the same way: ``open_100k_docs_s`` (the window, median of 3 opens in their own
  processes), ``claimdesk info --json`` on it (raw figures), ``search_100k_docs_p95_ms``; and
  ``import_10k_s``: 10,000 article files (``import_docs``) into a new project, median of 3, whose
  3.5 s target is Label Studio's API import of the same texts as issue 13 measured it.  Wall and
  CPU times and the load average are printed beside them (the machine may be shared).
* ``story_align_50_s``: :func:`desktop.core.story.story_alignment` over a story of 50 articles
  made from the seeds' paragraphs (:func:`build_story_project`: each article an ordered selection
  of them, its reporting sentences quotes, its other sentences with a figure claims); the raw
  figures give 5 articles too, and the time to store the alignment (``claimdesk stories --rebuild``).
* ``train_claims_300_s``: :func:`measure_training`, ``claimdesk train`` on a project of 300 labelled
  sentences from the seeds (20 done articles): the parse, the held-out folds and the stored model.
* ``train_ner_300_s``: :func:`measure_ner_training`, ``claimdesk train --ner`` on a project of 300
  sentences from the seeds (20 done articles) whose editors kept the stock recognizer's entities
  but call every place (GPE) a LOC: reading, the held-out epochs, the final model and its bytes.

``--quick`` annotates fewer texts (the large project keeps its full size).  A missed target is
reported as missed; the benchmark never adapts to pass.
"""

from __future__ import annotations

import bisect
import json
import math
import os
import platform
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

#: key -> (comparison, target, unit, what)
TARGETS: dict[str, tuple[str, float, str, str]] = {
    "annotate_vs_raw_spacy": (">=", 0.85, "x", "annotate tokens/s / raw nlp.pipe tokens/s"),
    "processes2_vs_1": (">=", 1.6, "x", "annotate throughput, 2 processes / 1"),
    "open_project_s": ("<=", 1.5, "s", "open the large project until the window is interactive"),
    "open_project_rss_mb": ("<=", 400, "MB", "resident memory after opening it"),
    "doc_switch_p95_ms": ("<=", 50, "ms", "switch to the 10,000-word article and paint it (p95)"),
    "doc_switch_100k_words_p95_ms": ("<=", 50, "ms", "switch to the 100,000-word article (10,000 annotations) and paint it (p95)"),
    "edit_commit_p95_ms": ("<=", 10, "ms", "key press to committed row (p95)"),
    "edit_roundtrip_p95_ms": ("<=", 16, "ms", "in the 10,000-word article: key press to committed row and repainted view (p95)"),
    "search_p95_ms": ("<=", 100, "ms", "project-wide search (p95)"),
    "export_jsonl_s": ("<=", 10, "s", "export the large project to jsonl"),
    "export_peak_rss_mb": ("<=", 300, "MB", "peak resident memory of the export process"),
    "export_spacy_peak_rss_mb": ("<=", 300, "MB", "peak resident memory of the spaCy DocBin export"),
    "open_100k_docs_s": ("<=", 1.5, "s", "open the 100,000-document project until the window is interactive (median)"),
    "search_100k_docs_p95_ms": ("<=", 100, "ms", "project-wide search in the 100,000-document project (p95)"),
    "import_10k_s": ("<=", 3.5, "s", "import 10,000 article files into a new project (Label Studio's figure)"),
    "annotate_10k_docs_peak_rss_mb": ("<=", 450, "MB",
                                      "peak resident memory annotating a few new articles into the large project"),
    "story_align_50_s": ("<=", 10, "s", "align a story of 50 articles: statements, claim clusters, flags"),
    "train_claims_300_s": ("<=", 120, "s", "claimdesk train on 300 labelled sentences: parse, held-out folds, model"),
    "train_ner_300_s": ("<=", 120, "s", "claimdesk train --ner on 300 labelled sentences: held-out epochs, model"),
}


class BenchError(RuntimeError):
    """A benchmark step failed; ``str()`` is one line."""


@dataclass
class BenchConfig:
    annotate_docs: int = 2500
    large_docs: int = 10_000
    large_annotations: int = 300_000
    big_words: int = 10_000
    big_spans: int = 1_000
    long_words: int = 100_000
    long_spans: int = 10_000
    switch_repeats: int = 25
    edit_repeats: int = 40
    search_repeats: int = 3
    scale_docs: int = 100_000  # the bulk-built project of open_100k_docs_s and search_100k_docs_p95_ms
    import_docs: int = 10_000  # import_10k_s
    annotate_repeats: int = 3  # raw spaCy and annotate alternated, each side this often (annotate_docs split)
    annotate_new_docs: int = 5  # new articles annotated into the large project
    ner_train_sentences: int = 300  # train_ner_300_s
    seed: int = 0
    model: str | None = None

    @classmethod
    def quick(cls, **overrides: Any) -> BenchConfig:
        return cls(**{"annotate_docs": 900, **overrides})


def passes(key: str, value: float) -> bool:
    op, target, _unit, _what = TARGETS[key]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return value >= target if op == ">=" else value <= target


# Synthetic corpus -----------------------------------------------------------------------------------

FIRST_NAMES = ["Maria", "James", "Aiko", "Tomasz", "Fatima", "Lucas", "Ingrid", "Kwame", "Elena", "Rahul",
               "Sofia", "Dmitri", "Amara", "Jonas", "Mei", "Carlos", "Nadia", "Oskar", "Leila", "Henrik"]
LAST_NAMES = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Novak", "Haddad", "Fischer", "Kowalski", "Silva",
              "Petrov", "Ahmed", "Johansson", "Rossi", "Nakamura", "Dubois", "Mensah", "Keller", "Varga",
              "Castillo", "Brennan"]
PLACES = ["Vienna", "Oslo", "Helsinki", "Lisbon", "Nairobi", "Ottawa", "Santiago", "Hanoi", "Tbilisi", "Riga",
          "Dublin", "Accra", "Montevideo", "Zagreb", "Reykjavik", "Tallinn", "Baku", "Lima", "Manila", "Dakar"]
COUNTRIES = ["Moldova", "Georgia", "Finland", "Estonia", "Latvia", "Poland", "Romania", "Hungary", "Serbia",
             "Armenia", "Kazakhstan", "Norway", "Chile", "Peru", "Ghana", "Kenya"]

_PERSON_SLOTS = {"Antony": ("first", 0), "Anthony": ("first", 0), "Blinken": ("last", 0),
                 "Sergey": ("first", 1), "Sergei": ("first", 1), "Lavrov": ("last", 1),
                 "Vladimir": ("first", 2), "Putin": ("last", 2), "Joe": ("first", 3), "Biden": ("last", 3)}
_PLACE_SLOTS = {"Geneva": ("place", 0), "Moscow": ("place", 1), "Washington": ("place", 2), "Kyiv": ("place", 3),
                "Switzerland": ("country", 0), "Ukraine": ("country", 1)}
_SWAP_RE = re.compile(r"\b(" + "|".join(sorted({**_PERSON_SLOTS, **_PLACE_SLOTS}, key=len, reverse=True)) + r")\b")


def seed_paragraphs() -> list[str]:
    """Body paragraphs of the seed articles (header lines and short lines left out)."""
    from desktop.paths import seeds_dir

    paragraphs = []
    for path in sorted(seeds_dir().glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(line.split()) >= 8 and not line.startswith("http"):
                paragraphs.append(line)
    if not paragraphs:
        raise BenchError("no seed paragraphs found")
    return paragraphs


class Corpus:
    """Deterministic synthetic news texts made from the seed paragraphs."""

    def __init__(self, seed: int = 0):
        self.rng = random.Random(seed)
        self.paragraphs = seed_paragraphs()

    def _swapper(self) -> Callable[[re.Match], str]:
        rng = self.rng
        firsts, lasts = rng.sample(FIRST_NAMES, 4), rng.sample(LAST_NAMES, 4)
        places, countries = rng.sample(PLACES, 4), rng.sample(COUNTRIES, 2)
        table = {"first": firsts, "last": lasts, "place": places, "country": countries}

        def swap(m: re.Match) -> str:
            kind, i = {**_PERSON_SLOTS, **_PLACE_SLOTS}[m.group(1)]
            return table[kind][i]

        return swap

    def text(self, min_words: int = 0, paragraphs: tuple[int, int] = (10, 24)) -> str:
        swap = self._swapper()
        out, words = [], 0
        count = self.rng.randint(*paragraphs)
        while len(out) < count or words < min_words:
            para = _SWAP_RE.sub(swap, self.rng.choice(self.paragraphs))
            out.append(para)
            words += len(para.split())
        return "\n".join(out) + "\n"

    def texts(self, n: int) -> list[str]:
        seen: set[str] = set()
        result = []
        while len(result) < n:
            t = self.text()
            if t not in seen:
                seen.add(t)
                result.append(t)
        return result


# Building projects by bulk insert -------------------------------------------------------------------

_CAPS_RE = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)*\b")
_SENT_RE = re.compile(r"[A-Z“\"][^.!?\n]{20,}?[.!?]")
_WORD_RE = re.compile(r"\b[a-z]{4,}\b")
_PERSONS = set(FIRST_NAMES) | set(LAST_NAMES)
_GPES = set(PLACES) | set(COUNTRIES) | {"Russia", "United States", "Europe", "America"}


def _label_for(surface: str, rng: random.Random) -> str:
    words = set(surface.split())
    if words & _PERSONS:
        return "PERSON"
    if words & _GPES:
        return "GPE"
    return rng.choice(("ORG", "NORP", "PERSON", "GPE"))


def _prov(rng: random.Random, model: str, now: str) -> tuple:
    """(origin, status, annotator, model, created_at, updated_at) as the app writes them."""
    r = rng.random()
    if r < 0.80:
        return ("model", "suggested", None, model, now, now)
    if r < 0.95:
        return ("model", "accepted", "editor", model, now, now)
    return ("model", "rejected", "editor", model, now, now)


def _pick(items: list, k: int, rng: random.Random) -> list:
    if len(items) <= k:
        return list(items)
    step = len(items) / k
    return [items[int(i * step)] for i in range(k)]


def create_project_with_documents(path: Path, texts: Sequence[str], *, model: str | None = None) -> list[int]:
    """A new project holding ``texts`` as documents (bulk insert; not annotated)."""
    from desktop.core.store import Store

    with Store.create(path) as store, store.transaction("bench: documents"):
        return _insert_documents(store, [(t, None) for t in texts], model=model)


_DOCUMENT_COLUMNS = ("id", "ext_id", "title", "source", "url", "published", "story", "text", "content_hash", "status",
                     "created_at", "updated_at", "annotated_model", "annotated_at")


def _insert_documents(store: Any, docs: Sequence[tuple[str, str | None]], *, model: str | None) -> list[int]:
    from desktop.core.store import content_hash, now_iso

    now = now_iso()
    start = store.max_id("documents") + 1
    rows = []
    for i, (text, status) in enumerate(docs):
        doc_id = start + i
        rows.append((doc_id, f"bench_{doc_id:06d}", f"Synthetic article {doc_id}", f"outlet{doc_id % 7}.example",
                     f"https://outlet{doc_id % 7}.example/a/{doc_id}", f"2022-01-{1 + doc_id % 28:02d}", "bench",
                     text, content_hash(text), status or "new", now, now, model, now if model else None))
    store.bulk_insert("documents", _DOCUMENT_COLUMNS, rows)
    return [r[0] for r in rows]


@dataclass
class LargeProject:
    path: Path
    documents: int
    annotations: int
    big_doc_id: int
    big_words: int
    big_spans: int
    typical_doc_ids: list[int] = field(default_factory=list)
    build_s: float = 0.0
    size_mb: float = 0.0


def build_large_project(path: Path, cfg: BenchConfig, model: str = "en_core_web_sm 3.8.0") -> LargeProject:
    """The large project, by bulk inserts in one transaction (rows shaped as the store writes them)."""
    from desktop.core.store import Store, now_iso

    t0 = time.perf_counter()
    corpus = Corpus(cfg.seed + 1)
    rng = random.Random(cfg.seed + 2)
    store = Store.create(path)
    now = now_iso()
    n_docs = max(2, cfg.large_docs)
    big_index = n_docs // 2
    per_doc = max(3, round((cfg.large_annotations - cfg.big_spans) / max(1, n_docs - 1)))
    n_quotes = n_claims = max(1, per_doc // 10)
    n_mentions = per_doc - n_quotes - n_claims
    texts, seen = [], set()
    for i in range(n_docs):
        while True:
            t = corpus.text(min_words=cfg.big_words) if i == big_index else corpus.text()
            if t not in seen:
                break
        seen.add(t)
        texts.append(t)
    statuses = ["new"] * 6 + ["in_progress"] * 3 + ["done"]
    with store, store.transaction("bench: large project"):
        doc_ids = _insert_documents(store, [(t, rng.choice(statuses)) for t in texts], model=model)
        entity_ids: dict[tuple[str, str], int] = {}
        mentions, quotes, claims = [], [], []
        for doc_id, text in zip(doc_ids, texts, strict=True):
            big = doc_id == doc_ids[big_index]
            if big:
                nm = int(cfg.big_spans * 0.85)
                nq = nc = (cfg.big_spans - nm) // 2
                nm = cfg.big_spans - nq - nc
            else:
                nm, nq, nc = n_mentions, n_quotes, n_claims
            caps = [(m.start(), m.end()) for m in _CAPS_RE.finditer(text)]
            spans = _pick(caps, nm, rng)
            if len(spans) < nm:  # not enough names: lower-case words fill up (non-overlapping)
                used = {s for s, _ in spans}
                extra = [(m.start(), m.end()) for m in _WORD_RE.finditer(text) if m.start() not in used]
                spans += _pick(extra, nm - len(spans), rng)
            for s, e in spans:
                surface = text[s:e]
                label = _label_for(surface, rng)
                key = (surface, label)
                if key not in entity_ids:
                    entity_ids[key] = len(entity_ids) + 1
                mentions.append((doc_id, s, e, label, entity_ids[key], *_prov(rng, model, now)))
            sentences = [(m.start(), m.end()) for m in _SENT_RE.finditer(text)]
            chosen = _pick(sentences, nq + nc, rng)
            for j, (s, e) in enumerate(chosen):
                if j < nq:
                    speaker = next(((a, b) for a, b in spans if a >= e), None) or next(
                        ((a, b) for a, b in spans if b <= s), (None, None))
                    sp_ent = entity_ids.get((text[speaker[0]:speaker[1]], "PERSON")) if speaker[0] is not None else None
                    quotes.append((doc_id, json.dumps([[s, e]]), speaker[0], speaker[1], sp_ent, None, None,
                                   rng.choice(("direct", "indirect", "mixed")), *_prov(rng, model, now)))
                else:
                    labels = {"checkworthiness": rng.choice(("check-worthy", "not check-worthy", "opinion"))}
                    claims.append((doc_id, s, e, None, None, json.dumps(labels), None, *_prov(rng, model, now)))
        _insert_annotations(store, entity_ids, mentions, quotes, claims, now)
        store.bulk_insert("meta", ("key", "value"), [("model", model), ("model_name", model.split()[0]),
                                                     ("linked_at", now_iso())], replace=True)
        store.analyze()
    # (the store's last close checks the file it leaves, as every writer's does: see Store.close)
    big_id = doc_ids[big_index]
    typical = [d for d in doc_ids[: 40] if d != big_id]
    return LargeProject(path=path, documents=n_docs, annotations=len(mentions) + len(quotes) + len(claims),
                        big_doc_id=big_id, big_words=len(texts[big_index].split()),
                        big_spans=cfg.big_spans, typical_doc_ids=typical,
                        build_s=time.perf_counter() - t0, size_mb=path.stat().st_size / 2**20)


def _insert_annotations(store: Any, entity_ids: dict[tuple[str, str], int], mentions: list, quotes: list,
                        claims: list, now: str) -> None:
    """Bulk-insert the built entities and annotation rows (the large project, the long article)."""
    store.bulk_insert("entities", ("id", "name", "type", "aliases", "created_at", "updated_at"),
                      [(i, name, label, "[]", now, now) for (name, label), i in entity_ids.items()])
    prov_cols = ("origin", "status", "annotator", "model", "created_at", "updated_at")
    store.bulk_insert("mentions", ("doc_id", "start", "end", "label", "entity_id", *prov_cols), mentions)
    store.bulk_insert("quotes", ("doc_id", "content", "speaker_start", "speaker_end", "speaker_entity_id",
                                 "cue_start", "cue_end", "type", *prov_cols), quotes)
    store.bulk_insert("claims", ("doc_id", "start", "end", "claimant", "claimant_entity_id", "labels", "note",
                                 *prov_cols), claims)


def add_long_article(path: Path, cfg: BenchConfig, model: str = "en_core_web_sm 3.8.0") -> int:
    """Add the 100,000-word article (``cfg.long_words`` words, ``cfg.long_spans`` annotations: 85 %
    mentions, the rest quotes and claims) to the large project, by bulk insert; its id."""
    from desktop.core.store import Store, now_iso

    corpus, rng, now = Corpus(cfg.seed + 3), random.Random(cfg.seed + 4), now_iso()
    text = corpus.text(min_words=cfg.long_words)
    nm = int(cfg.long_spans * 0.85)
    nq = nc = (cfg.long_spans - nm) // 2
    nm = cfg.long_spans - nq - nc
    with Store.open(path) as store, store.transaction("bench: the long article"):
        (doc_id,) = _insert_documents(store, [(text, "in_progress")], model=model)
        spans = _pick([(m.start(), m.end()) for m in _CAPS_RE.finditer(text)], nm, rng)
        if len(spans) < nm:  # lower-case words fill up (non-overlapping)
            used = {s for s, _ in spans}
            spans += _pick([(m.start(), m.end()) for m in _WORD_RE.finditer(text) if m.start() not in used],
                           nm - len(spans), rng)
        spans.sort()
        entity_ids: dict[tuple[str, str], int] = {}
        first = store.max_id("entities") + 1
        mentions = []
        for s, e in spans:
            key = (text[s:e], _label_for(text[s:e], rng))
            entity_id = entity_ids.setdefault(key, first + len(entity_ids))
            mentions.append((doc_id, s, e, key[1], entity_id, *_prov(rng, model, now)))
        starts = [s for s, _ in spans]
        quotes, claims = [], []
        for j, (s, e) in enumerate(_pick([(m.start(), m.end()) for m in _SENT_RE.finditer(text)], nq + nc, rng)):
            if j % 2 == 0 and len(quotes) < nq or len(claims) >= nc:
                i = bisect.bisect_left(starts, e)  # the speaker: the next name after the quote
                speaker = (*spans[i], mentions[i][4]) if i < len(spans) else (None, None, None)
                quotes.append((doc_id, json.dumps([[s, e]]), *speaker, None, None,
                               rng.choice(("direct", "indirect", "mixed")), *_prov(rng, model, now)))
            else:
                labels = {"checkworthiness": rng.choice(("check-worthy", "not check-worthy", "opinion"))}
                claims.append((doc_id, s, e, None, None, json.dumps(labels), None, *_prov(rng, model, now)))
        _insert_annotations(store, entity_ids, mentions, quotes, claims, now)
    return doc_id


# A story (issue 15) ----------------------------------------------------------------------------------

_QUOTED_RE = re.compile(r"[“\"]|\b(?:said|says|told|added|warned|according to|stressed|insisted|declared|noted)\b")
_FIGURE_RE = re.compile(r"\d|\b(?:thousands|hundreds|dozens)\b")


def build_story_project(path: Path, articles: int, seed: int = 0) -> int:
    """A project holding one story of ``articles`` articles, all made from the seeds' paragraphs
    (as outlets report the same events: each article a different, ordered selection of them, a
    word dropped here and there), with a quote for every sentence that quotes or reports speech and
    a claim for every other sentence with a figure (bulk inserts). Returns the quotes and claims."""
    from desktop.core.store import Store, now_iso

    rng = random.Random(seed)
    paragraphs = seed_paragraphs()
    now = now_iso()
    texts, seen = [], set()
    while len(texts) < articles:
        picked = sorted(rng.sample(range(len(paragraphs)), min(len(paragraphs), rng.randint(20, 32))))
        lines = []
        for k in picked:
            words = paragraphs[k].split()
            if len(words) > 12 and rng.random() < 0.3:
                del words[rng.randrange(1, len(words) - 1)]
            lines.append(" ".join(words))
        text = "\n".join(lines) + "\n"
        if text not in seen:
            seen.add(text)
            texts.append(text)
    prov = ("model", "suggested", None, "bench", now, now)
    with Store.create(path) as store, store.transaction("bench: story"):
        doc_ids = _insert_documents(store, [(t, None) for t in texts], model="bench")
        quotes, claims = [], []
        for doc_id, text in zip(doc_ids, texts, strict=True):
            for m in _SENT_RE.finditer(text):
                s, e = m.start(), m.end()
                if _QUOTED_RE.search(m.group()):
                    kind = "direct" if "“" in m.group() else "indirect"
                    quotes.append((doc_id, json.dumps([[s, e]]), None, None, None, None, None, kind, *prov))
                elif _FIGURE_RE.search(m.group()):
                    claims.append((doc_id, s, e, None, None, "{}", None, *prov))
        cols = ("origin", "status", "annotator", "model", "created_at", "updated_at")
        store.bulk_insert("quotes", ("doc_id", "content", "speaker_start", "speaker_end", "speaker_entity_id",
                                     "cue_start", "cue_end", "type", *cols), quotes)
        store.bulk_insert("claims", ("doc_id", "start", "end", "claimant", "claimant_entity_id", "labels", "note",
                                     *cols), claims)
    return len(quotes) + len(claims)


def measure_story_alignment(tmp: Path, articles: int, seed: int = 0) -> dict[str, Any]:
    """Seconds to align (``story_alignment``) a story of ``articles`` articles, and to store it
    (``claimdesk stories --rebuild``'s edit); the best of two runs of each."""
    from desktop.app.stories import rebuild
    from desktop.core.store import Store
    from desktop.core.story import content_words, quantified, stances, story_alignment

    path = tmp / f"story-{articles}.claimdesk"
    versions = build_story_project(path, articles, seed)
    align, store_s, clusters = [], [], 0
    with Store.open(path) as store:
        for _ in range(2):
            content_words.cache_clear()
            quantified.cache_clear()
            stances.cache_clear()
            t0 = time.perf_counter()
            (story,) = story_alignment(store)
            align.append(time.perf_counter() - t0)
            clusters = sum(1 for c in story.clusters if len(c.members) > 1)
        for _ in range(2):
            t0 = time.perf_counter()
            rebuild(store)
            store_s.append(time.perf_counter() - t0)
    return {"articles": articles, "versions": versions, "across_outlets": clusters, "align_s": min(align),
            "rebuild_s": store_s[0], "rebuild_again_s": store_s[1]}


def measure_training(tmp: Path, sentences: int = 300, seed: int = 0) -> dict[str, Any]:
    """Seconds of ``claimdesk train`` (:func:`desktop.app.train.train_claims`, the pipeline loaded
    first) on a project of 20 done articles of the seeds' sentences, ``sentences`` in all, whose
    editors marked as claims the sentences with a figure that name Russia or Ukraine (a rule the
    cold start does not know, so a model is trained and stored: the whole path)."""
    from desktop.app.train import apply_training, train_claims
    from desktop.core.jobs import import_into
    from desktop.core.store import Store
    from desktop.nlp.pipeline import load_pipeline

    rng = random.Random(seed)
    pool = [m.group().strip() for p in seed_paragraphs() for m in _SENT_RE.finditer(p + "\n")]
    pool = [x for x in pool if len(x.split()) > 3]
    src = tmp / "train.jsonl"
    per_doc = max(1, sentences // 20)
    with open(src, "w", encoding="utf-8") as fh:
        for i in range(20):
            text, claims = "", []
            for sent in rng.sample(pool, min(per_doc, len(pool))):
                start = len(text)
                text += sent + "\n"
                if _FIGURE_RE.search(sent) and re.search(r"Russia|Ukrain", sent):
                    claims.append({"start": start, "end": start + len(sent), "labels": {}, "origin": "editor",
                                   "status": "accepted"})
            fh.write(json.dumps({"id": f"t{i}", "text": text, "meta": {"status": "done"}, "claims": claims}) + "\n")
    path = tmp / "train.claimdesk"
    with Store.create(path) as store:
        import_into(store, [str(src)])
        load_pipeline(store.meta("model_name"))  # loaded before the clock starts, as annotate's bench does
        t0 = time.perf_counter()
        result = train_claims(store)
        seconds = time.perf_counter() - t0
        apply_training(store, result)
    return {"seconds": round(seconds, 2), "sentences": result.sentences, "check_worthy": result.check_worthy,
            "map_before": result.before, "map_after": result.after, "stored": result.replaced}


def measure_ner_training(tmp: Path, sentences: int = 300, seed: int = 0, epochs: int | None = None) -> dict[str, Any]:
    """Seconds of ``claimdesk train --ner`` (:func:`desktop.app.train.train_ner`) on a project of
    20 done articles of the seeds' sentences, ``sentences`` in all, whose entities are the stock
    recognizer's with every GPE called a LOC (a rule it does not know, so a model is trained and
    stored: the whole path), and the stored model's size."""
    from desktop.app.train import apply_training, train_ner
    from desktop.core.jobs import import_into
    from desktop.core.store import Store
    from desktop.nlp.pipeline import load_pipeline

    rng = random.Random(seed)
    pool = [m.group().strip() for p in seed_paragraphs() for m in _SENT_RE.finditer(p + "\n")]
    pool = [x for x in pool if len(x.split()) > 3]
    nlp = load_pipeline(None)
    per_doc = max(1, sentences // 20)
    src = tmp / "train-ner.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        for i in range(20):
            text = "".join(sent + "\n" for sent in rng.sample(pool, min(per_doc, len(pool))))
            ents = [{"start": e.start_char, "end": e.end_char, "label": "LOC" if e.label_ == "GPE" else e.label_,
                     "origin": "editor", "status": "accepted"}
                    for e in nlp(text).ents if e.label_ in {"PERSON", "ORG", "GPE", "NORP", "LOC"}]
            fh.write(json.dumps({"id": f"n{i}", "text": text, "meta": {"status": "done"}, "entities": ents}) + "\n")
    path = tmp / "train-ner.claimdesk"
    with Store.create(path) as store:
        import_into(store, [str(src)])
        t0 = time.perf_counter()
        result = train_ner(store, epochs=epochs)
        seconds = time.perf_counter() - t0
        apply_training(store, result)
        size = len(result.edit.data) if result.edit is not None else 0
    return {"seconds": round(seconds, 2), "sentences": result.sentences, "entities": result.entities,
            "f_before": result.before["f"], "f_after": result.after["f"], "epochs": result.epochs,
            "stored": result.replaced, "model_bytes": size}


# Children -------------------------------------------------------------------------------------------


def _child_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["XDG_CONFIG_HOME"] = str(tmp / "config")
    env["CLAIMDESK_DATA_DIR"] = str(tmp / "data")
    env.setdefault("CLAIMDESK_ANNOTATOR", "bench")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_child(task: str, args: dict[str, Any], tmp: Path, timeout: float = 1800) -> dict[str, Any]:
    """Run ``python -m desktop.bench --child TASK JSON`` and return the JSON it prints last."""
    cmd = [sys.executable, "-m", "desktop.bench", "--child", task, json.dumps(args)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=_child_env(tmp), timeout=timeout)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise BenchError(f"bench step {task!r} failed (exit {proc.returncode}): {tail}")
    return json.loads(lines[-1])


def _warm(nlp) -> None:
    nlp("Antony Blinken met Sergey Lavrov in Geneva on Friday. “We talked,” Lavrov said.")


def child_raw_spacy(args: dict[str, Any]) -> dict[str, Any]:
    from desktop.nlp.pipeline import load_pipeline, model_id

    texts = json.loads(Path(args["texts"]).read_text(encoding="utf-8"))
    nlp = load_pipeline(args.get("model"), scored_entities=False)  # spaCy's own recognizer
    _warm(nlp)
    tokens = 0
    c0, t0 = _cpu_s(), time.perf_counter()
    for doc in nlp.pipe(texts, batch_size=16, n_process=1):
        tokens += len(doc)
    seconds, cpu = time.perf_counter() - t0, _cpu_s() - c0
    return {"tokens": tokens, "seconds": seconds, "cpu_s": cpu, "model": model_id(nlp),
            "components": list(nlp.pipe_names)}


def _cpu_s() -> float:
    """CPU seconds of this process and of its finished children (the annotate workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def child_annotate(args: dict[str, Any]) -> dict[str, Any]:
    from desktop.core.store import Store
    from desktop.nlp.annotate import annotate_project
    from desktop.nlp.pipeline import load_pipeline

    nlp = load_pipeline(args.get("model"))  # cached: annotate_project reuses it
    _warm(nlp)
    with Store.open(args["project"]) as store:
        c0, t0 = _cpu_s(), time.perf_counter()
        report = annotate_project(store, model=args.get("model"), processes=int(args["processes"]))
        seconds, cpu = time.perf_counter() - t0, _cpu_s() - c0
        done = store.annotated_count()
    return {"seconds": seconds, "cpu_s": cpu, "annotated": report.annotated, "documents_marked": done,
            "entities": report.entities, "quotes": report.quotes}


def child_annotate_large(args: dict[str, Any]) -> dict[str, Any]:
    """Add ``texts`` to the large ``project`` as new articles and annotate them (final linking
    included), sampling this process's resident memory from before the project is opened."""
    from desktop.core import edits
    from desktop.core.store import Store
    from desktop.nlp.annotate import annotate_project
    from desktop.nlp.pipeline import load_pipeline

    nlp = load_pipeline(args.get("model"))
    _warm(nlp)
    with RssSampler() as rss:
        with Store.open(args["project"]) as store:
            for i, text in enumerate(args["texts"]):
                edits.apply(store, edits.AddDocument(f"bench_new_{i:03d}", text))
            c0, t0 = _cpu_s(), time.perf_counter()
            report = annotate_project(store, model=args.get("model"))
            seconds, cpu = time.perf_counter() - t0, _cpu_s() - c0
    return {"seconds": seconds, "cpu_s": cpu, "peak_rss_mb": rss.peak / 2**20, "annotated": report.annotated,
            "linked": report.linked}


class RssSampler:
    """Peak resident memory of this process, sampled every few milliseconds in a thread.

    (Not ``ru_maxrss``: on Linux a child started with fork/vfork + exec inherits its parent's
    high-water mark, so a child of a big parent would report the parent's peak.)
    """

    def __init__(self, interval: float = 0.005):
        import threading

        import psutil

        self._proc = psutil.Process()
        self._interval = interval
        self._stop = threading.Event()
        self.peak = self._proc.memory_info().rss
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss)
            self._stop.wait(self._interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._proc.memory_info().rss)


def child_export(args: dict[str, Any]) -> dict[str, Any]:
    """Export ``project`` to ``out`` (``format``, default jsonl; ``--status all``) as ``claimdesk
    export`` does, sampling this process's resident memory throughout."""
    from desktop.app.export import export
    from desktop.core.store import Store

    with RssSampler() as rss:
        with Store.open(args["project"], readonly=True) as store:
            t0 = time.perf_counter()
            summary = export(store, args.get("format", "jsonl"), args["out"], status="all")
            seconds = time.perf_counter() - t0
    return {"seconds": seconds, "peak_rss_mb": rss.peak / 2**20, "documents": summary.documents,
            "files": len(summary.files), "bytes": sum(f.stat().st_size for f in summary.files),
            "out": str(summary.out)}


def _p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def _shown_window(main_window: Any) -> tuple[Any, Any]:
    """The application and an empty main window, shown and settled (the window children's start)."""
    from desktop.ui.app import application

    app = application()
    window = main_window()
    window.resize(1500, 900)
    window.show()
    for _ in range(3):
        app.processEvents()
    return app, window


def _open_until_interactive(app: Any, window: Any, project: str, what: str) -> None:
    """Open ``project`` in ``window`` and paint its first article: what "interactive" means."""
    if not window.open_project(project):
        raise BenchError(f"the window could not open {what}")
    if window.doc_id is None:
        window.show_document(window.store.document_ids()[0])
    app.processEvents()
    window.repaint()
    app.processEvents()


def child_window(args: dict[str, Any]) -> dict[str, Any]:
    import psutil
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from desktop.core.store import Store
    from desktop.ui.main_window import MainWindow

    app, window = _shown_window(MainWindow)
    rss_before = psutil.Process().memory_info().rss / 2**20

    # open the project until the window is interactive
    t0 = time.perf_counter()
    _open_until_interactive(app, window, args["project"], "the large project")
    open_s = time.perf_counter() - t0
    rss = psutil.Process().memory_info().rss / 2**20

    # switch to the big article and paint it
    view = window.view
    big, typical = int(args["big_doc_id"]), [int(d) for d in args["typical_doc_ids"]]
    switches = []
    for i in range(int(args["switch_repeats"])):
        window.show_document(typical[i % len(typical)])
        app.processEvents()
        t0 = time.perf_counter()
        window.show_document(big)
        view.viewport().repaint()
        app.processEvents()
        switches.append((time.perf_counter() - t0) * 1000)

    long_switches = _switch_times(window, int(args["long_doc_id"]), typical, int(args["switch_repeats"])) \
        if args.get("long_doc_id") else []

    # one edit in the big article: select a word, press "1", until the mention row is committed
    # (edit_commit) and the view is repainted (edit_roundtrip)
    doc_id = big
    window.show_document(doc_id)
    app.processEvents()
    text = window.store.document(doc_id).text
    taken = sorted((m.start, m.end) for m in window.store.mentions(doc_id))
    starts = [s for s, _ in taken]

    def free(a: int, b: int) -> bool:  # overlaps no mention (mentions do not overlap each other)
        i = bisect.bisect_left(starts, b) - 1
        return i < 0 or taken[i][1] <= a

    words = [(m.start(), m.end()) for m in _WORD_RE.finditer(text) if free(m.start(), m.end())]
    committed: list[float] = []

    def on_commit(event) -> None:
        committed.append(time.perf_counter())

    window.store._subscribers.insert(0, on_commit)  # first subscriber: called right after COMMIT
    commits, roundtrips = [], []
    count_before = len(taken)
    n = min(int(args["edit_repeats"]), len(words))
    for s, e in _pick(words, n, random.Random(0)):
        view.setFocus()
        view.set_selection(s, e)
        app.processEvents()
        committed.clear()
        t0 = time.perf_counter()
        QTest.keyClick(view, Qt.Key.Key_1)
        view.viewport().repaint()
        app.processEvents()
        t_done = time.perf_counter()
        if not committed:
            raise BenchError(f"pressing 1 on the selection {s}-{e} committed nothing")
        commits.append((committed[0] - t0) * 1000)
        roundtrips.append((t_done - t0) * 1000)
    with Store.open(args["project"], readonly=True) as check:  # what another connection sees committed
        count_after = len(check.mentions(doc_id))
    window.close()
    return {
        "open_project_s": open_s, "open_project_rss_mb": rss, "rss_before_open_mb": rss_before,
        "doc_switch_ms": switches, "edit_commit_ms": commits, "edit_roundtrip_ms": roundtrips,
        "doc_switch_100k_words_ms": long_switches,
        "edits_committed": count_after - count_before, "edits_tried": n,
    }


def _switch_times(window: Any, doc_id: int, typical: Sequence[int], repeats: int) -> list[float]:
    """Milliseconds to switch from a typical article to ``doc_id`` and paint it, ``repeats`` times."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    times = []
    for i in range(repeats):
        window.show_document(typical[i % len(typical)])
        app.processEvents()
        t0 = time.perf_counter()
        window.show_document(doc_id)
        window.view.viewport().repaint()
        app.processEvents()
        times.append((time.perf_counter() - t0) * 1000)
    return times


CHILDREN: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "raw_spacy": child_raw_spacy, "annotate": child_annotate, "export": child_export, "window": child_window,
    "annotate_large": child_annotate_large,
}


# The run --------------------------------------------------------------------------------------------


def measure_search(path: Path, repeats: int) -> list[float]:
    from desktop.core.store import Store

    queries = ["Lavrov", "talks", "said", "the", "Geneva talks", "security guarantees", "Ukraine border troops",
               "diplomacy", "written response", "NATO expansion", "Okafor", "Vienna", "sanctions", "invasion",
               "foreign minister", "press conference", "de-escalation", "Russia", "United States", "meeting"]
    queries += FIRST_NAMES[:5] + LAST_NAMES[:5] + PLACES[:5]
    times = []
    with Store.open(path, readonly=True) as store:
        store.search("warm up")
        for _ in range(repeats):
            for q in queries:
                t0 = time.perf_counter()
                store.search(q)
                times.append((time.perf_counter() - t0) * 1000)
    return times


def first_open_seconds(path: Path, tmp: Path) -> float:
    """``Store.open`` (read-only) of a project this machine has no record of having checked (one
    copied from elsewhere): the full ``PRAGMA quick_check`` that ``open_project_s`` (a project last
    closed by Claimdesk, whose close checked it) is spared."""
    from desktop.core.store import Store

    data = Path(tempfile.mkdtemp(prefix="first-open-", dir=tmp))
    before = os.environ.get("CLAIMDESK_DATA_DIR")
    os.environ["CLAIMDESK_DATA_DIR"] = str(data)
    try:
        t0 = time.perf_counter()
        Store.open(path, readonly=True).close()
        return time.perf_counter() - t0
    finally:
        if before is None:
            os.environ.pop("CLAIMDESK_DATA_DIR", None)
        else:
            os.environ["CLAIMDESK_DATA_DIR"] = before
        shutil.rmtree(data, ignore_errors=True)


# Scale: a 100,000-document project (opening, search) and an import of 10,000 files --------------------


def build_scale_project(path: Path, n_docs: int, seed: int = 0, model: str = "en_core_web_sm 3.8.0") -> dict[str, Any]:
    """A project of ``n_docs`` short articles (4-8 paragraphs, ~3 mentions each), by bulk inserts in
    one transaction, as :func:`build_large_project` builds its project; what opening and searching
    cost as the project grows, not as one article does."""
    from desktop.core.store import Store, now_iso

    t0 = time.perf_counter()
    corpus, rng = Corpus(seed + 11), random.Random(seed + 12)
    texts: list[str] = []
    seen: set[str] = set()
    while len(texts) < n_docs:
        text = corpus.text(paragraphs=(4, 8))
        if text not in seen:
            seen.add(text)
            texts.append(text)
    del seen
    now = now_iso()
    statuses = ["new"] * 6 + ["in_progress"] * 3 + ["done"]
    store = Store.create(path)
    with store, store.transaction("bench: scale project"):
        doc_ids = _insert_documents(store, [(t, rng.choice(statuses)) for t in texts], model=model)
        entity_ids: dict[tuple[str, str], int] = {}
        mentions = []
        for doc_id, text in zip(doc_ids, texts, strict=True):
            for m in _pick(list(_CAPS_RE.finditer(text)), 3, rng):
                key = (m.group(0), _label_for(m.group(0), rng))
                entity_id = entity_ids.setdefault(key, len(entity_ids) + 1)
                mentions.append((doc_id, m.start(), m.end(), key[1], entity_id, *_prov(rng, model, now)))
        store.bulk_insert("entities", ("id", "name", "type", "aliases", "created_at", "updated_at"),
                          [(i, name, label, "[]", now, now) for (name, label), i in entity_ids.items()])
        store.bulk_insert("mentions", ("doc_id", "start", "end", "label", "entity_id", "origin", "status", "annotator",
                                       "model", "created_at", "updated_at"), mentions)
        store.bulk_insert("meta", ("key", "value"), [("model", model), ("model_name", model.split()[0])], replace=True)
        store.analyze()
    return {"documents": n_docs, "mentions": len(mentions), "build_s": round(time.perf_counter() - t0, 1),
            "file_mb": round(path.stat().st_size / 2**20, 1)}


def child_open_window(args: dict[str, Any]) -> dict[str, Any]:
    """Open a project in an offscreen window until it is interactive (as ``child_window`` does),
    wall and CPU time."""
    from desktop.ui.main_window import MainWindow

    app, window = _shown_window(MainWindow)
    t0, c0 = time.perf_counter(), time.process_time()
    _open_until_interactive(app, window, args["project"], "the project")
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    rows = window.doc_model.rowCount()
    window.close()
    return {"seconds": wall, "cpu_s": cpu, "list_rows": rows}


def child_import(args: dict[str, Any]) -> dict[str, Any]:
    """``claimdesk import`` of a folder into a new project, as the command runs it."""
    from desktop.core.jobs import import_into
    from desktop.core.store import Store

    with Store.create(args["project"]) as store:
        t0, c0 = time.perf_counter(), time.process_time()
        report = import_into(store, [args["folder"]])
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"seconds": wall, "cpu_s": cpu, "added": len(report.added), "problems": len(report.problems)}


CHILDREN.update({"open_window": child_open_window, "import": child_import})


def _spread(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"min": round(ordered[0], 3), "median": round(ordered[len(ordered) // 2], 3)}


def _load() -> float:
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else float("nan")


def measure_scale(cfg: BenchConfig, tmp: Path, model: str, log: Callable[[str], None]) -> tuple[dict, dict]:
    """``open_100k_docs_s`` (median of 3 window opens, each in its own process), ``info --json`` on
    that project, ``search_100k_docs_p95_ms``, and ``import_10k_s`` (median of 3); wall and CPU
    times and the load average beside each (the machine may be shared)."""
    results: dict[str, float] = {}
    log(f"building the scale project ({cfg.scale_docs} documents) ...")
    path = tmp / "scale.claimdesk"
    raw: dict[str, Any] = {"project": build_scale_project(path, cfg.scale_docs, cfg.seed, model)}
    opens = [run_child("open_window", {"project": str(path)}, tmp) for _ in range(3)]
    results["open_100k_docs_s"] = _spread([o["seconds"] for o in opens])["median"]
    raw["open"] = {"wall_s": _spread([o["seconds"] for o in opens]), "cpu_s": _spread([o["cpu_s"] for o in opens]),
                   "list_rows": opens[0]["list_rows"], "load": _load()}
    infos = []
    for _ in range(3):
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "desktop", "info", "--json", str(path)], capture_output=True,
                              env=_child_env(tmp), timeout=600)
        if proc.returncode != 0:
            raise BenchError(f"info --json failed: {(proc.stderr.strip().splitlines() or ['no output'])[-1]}")
        infos.append(time.perf_counter() - t0)
    raw["info_json"] = {"wall_s": _spread(infos), "load": _load()}
    log("search (scale project) ...")
    c0 = time.process_time()
    times = measure_search(path, cfg.search_repeats)
    results["search_100k_docs_p95_ms"] = _p95(times)
    raw["search"] = {"queries": len(times), "median_ms": round(sorted(times)[len(times) // 2], 1),
                     "cpu_s": round(time.process_time() - c0, 2), "load": _load()}
    path.unlink(missing_ok=True)
    log(f"import ({cfg.import_docs} files) ...")
    folder = tmp / "import-texts"
    folder.mkdir(exist_ok=True)
    corpus = Corpus(cfg.seed + 21)
    for i in range(cfg.import_docs):
        place = PLACES[i % len(PLACES)].upper()
        (folder / f"article_{i:05d}.txt").write_text(f"Synthetic article {i}\n\n{place} (Reuters) - " + corpus.text(),
                                                    encoding="utf-8")
    runs: list[dict[str, Any]] = []
    for r in range(3):
        if r and runs[0]["seconds"] > 30:  # a slow machine: one run keeps the quick bench a few minutes
            break
        target = tmp / f"import-{r}.claimdesk"
        runs.append(run_child("import", {"project": str(target), "folder": str(folder)}, tmp))
        if runs[-1]["added"] != cfg.import_docs:
            raise BenchError(f"import added {runs[-1]['added']} of {cfg.import_docs} files")
        target.unlink(missing_ok=True)
    results["import_10k_s"] = _spread([x["seconds"] for x in runs])["median"]
    raw["import"] = {"files": cfg.import_docs, "runs": len(runs), "wall_s": _spread([x["seconds"] for x in runs]),
                     "cpu_s": _spread([x["cpu_s"] for x in runs]), "load": _load()}
    shutil.rmtree(folder, ignore_errors=True)
    return results, raw


def machine_info() -> dict[str, Any]:
    import psutil

    try:
        import spacy

        spacy_version = spacy.__version__
    except ImportError:  # pragma: no cover
        spacy_version = "not installed"
    return {"cores_logical": os.cpu_count(), "cores_physical": psutil.cpu_count(logical=False),
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform(), "spacy": spacy_version,
            "sqlite": sqlite3.sqlite_version}


def run_bench(cfg: BenchConfig, *, log: Callable[[str], None] = lambda s: None,
              workdir: Path | None = None) -> dict[str, Any]:
    """Measure everything; returns ``{"results": {key: number}, "raw": {...}, "machine": {...}}``."""
    from desktop.nlp.pipeline import resolve_model

    model_name = resolve_model(cfg.model)
    own_tmp = workdir is None
    tmp = Path(tempfile.mkdtemp(prefix="claimdesk-bench-")) if own_tmp else Path(workdir)
    tmp.mkdir(parents=True, exist_ok=True)
    raw: dict[str, Any] = {"config": asdict(cfg)}
    results: dict[str, float] = {}
    t_start = time.perf_counter()
    # this process builds the projects the children open: one data folder for all of them (it holds
    # the records of checked project files, see desktop.core.store._CheckedFile)
    data_before = os.environ.get("CLAIMDESK_DATA_DIR")
    os.environ["CLAIMDESK_DATA_DIR"] = _child_env(tmp)["CLAIMDESK_DATA_DIR"]
    try:
        # 1. annotate vs raw spaCy, 1 vs 2 processes: alternated and repeated (measure_annotate_ratios)
        rs = measure_annotate_ratios(cfg, tmp, model_name, results, raw, log)

        # 2. the large project
        log(f"building the large project ({cfg.large_docs} documents, ~{cfg.large_annotations} annotations) ...")
        big = build_large_project(tmp / "large.claimdesk", cfg, model=rs["model"])
        raw["large_project"] = {"documents": big.documents, "annotations": big.annotations,
                                "big_article_words": big.big_words, "big_article_annotations": big.big_spans,
                                "file_mb": round(big.size_mb, 1), "build_s": round(big.build_s, 2),
                                "first_open_store_s": round(first_open_seconds(big.path, tmp), 3)}
        log("export to jsonl ...")
        ex = run_child("export", {"project": str(big.path), "out": str(tmp / "export.jsonl")}, tmp)
        results["export_jsonl_s"] = ex["seconds"]
        results["export_peak_rss_mb"] = ex["peak_rss_mb"]
        raw["export"] = {"documents": ex["documents"], "mb_written": round(ex["bytes"] / 2**20, 1)}
        (tmp / "export.jsonl").unlink(missing_ok=True)
        log("export to spacy ...")
        sx = run_child("export", {"project": str(big.path), "out": str(tmp / "export.spacy"), "format": "spacy"}, tmp)
        results["export_spacy_peak_rss_mb"] = sx["peak_rss_mb"]
        raw["export_spacy"] = {"documents": sx["documents"], "seconds": round(sx["seconds"], 2), "files": sx["files"],
                               "mb_written": round(sx["bytes"] / 2**20, 1)}
        out = Path(sx["out"])
        if out.is_dir():  # a large export is a folder of DocBin parts
            shutil.rmtree(out, ignore_errors=True)
        else:
            out.unlink(missing_ok=True)
        log("search ...")
        st = measure_search(big.path, cfg.search_repeats)
        results["search_p95_ms"] = _p95(st)
        raw["search"] = {"queries": len(st), "median_ms": sorted(st)[len(st) // 2], "max_ms": max(st)}
        # (after the exports and the search, whose figures stay those of the large project alone)
        long_doc_id = add_long_article(big.path, cfg, model=rs["model"])
        log("story alignment: 5 and 50 articles ...")
        stories = {n: measure_story_alignment(tmp, n, cfg.seed) for n in (5, 50)}
        results["story_align_50_s"] = stories[50]["align_s"]
        raw["story"] = {f"{k}_{n}": round(v, 3) if isinstance(v, float) else v
                        for n, r in stories.items() for k, v in r.items() if k != "articles"}
        log("claimdesk train on 300 labelled sentences ...")
        tr = measure_training(tmp, 300, cfg.seed)
        results["train_claims_300_s"] = tr["seconds"]
        raw["train"] = tr
        log(f"claimdesk train --ner on {cfg.ner_train_sentences} labelled sentences ...")
        tn = measure_ner_training(tmp, cfg.ner_train_sentences, cfg.seed)
        results["train_ner_300_s"] = tn["seconds"]
        raw["train_ner"] = tn
        log("window: open, switch, edit ...")
        win = run_child("window", {"project": str(big.path), "big_doc_id": big.big_doc_id,
                                   "typical_doc_ids": big.typical_doc_ids, "switch_repeats": cfg.switch_repeats,
                                   "long_doc_id": long_doc_id,
                                   "edit_repeats": cfg.edit_repeats}, tmp)
        results["open_project_s"] = win["open_project_s"]
        results["open_project_rss_mb"] = win["open_project_rss_mb"]
        results["doc_switch_p95_ms"] = _p95(win["doc_switch_ms"])
        results["doc_switch_100k_words_p95_ms"] = _p95(win["doc_switch_100k_words_ms"])
        results["edit_commit_p95_ms"] = _p95(win["edit_commit_ms"])
        results["edit_roundtrip_p95_ms"] = _p95(win["edit_roundtrip_ms"])
        raw["window"] = {"rss_before_open_mb": win["rss_before_open_mb"],
                         "doc_switch_median_ms": sorted(win["doc_switch_ms"])[len(win["doc_switch_ms"]) // 2],
                         "doc_switch_100k_words_median_ms": sorted(win["doc_switch_100k_words_ms"])[
                             len(win["doc_switch_100k_words_ms"]) // 2],
                         "edit_commit_median_ms": sorted(win["edit_commit_ms"])[len(win["edit_commit_ms"]) // 2],
                         "edit_roundtrip_median_ms": sorted(win["edit_roundtrip_ms"])[len(win["edit_roundtrip_ms"]) // 2],
                         "edits_committed": win["edits_committed"], "edits_tried": win["edits_tried"]}
        log(f"annotate {cfg.annotate_new_docs} new articles into the large project ...")
        measure_annotate_large(cfg, big.path, tmp, model_name, results, raw)
        scale_results, raw["scale"] = measure_scale(cfg, tmp, rs["model"], log)  # 100,000 documents; import
        results.update(scale_results)
    finally:
        if data_before is None:
            os.environ.pop("CLAIMDESK_DATA_DIR", None)
        else:
            os.environ["CLAIMDESK_DATA_DIR"] = data_before
        if own_tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    raw["wall_s"] = time.perf_counter() - t_start
    machine = machine_info()
    machine["model"] = raw.get("annotate", {}).get("model", model_name)
    ordered = {k: round(results[k], 3) for k in TARGETS if k in results}
    return {"results": ordered, "raw": raw, "machine": machine}


def _load1() -> float:
    return os.getloadavg()[0]


def _timed_child(task: str, args: dict[str, Any], tmp: Path) -> dict[str, Any]:
    """:func:`run_child`, with the machine's 1-minute load average before and after it."""
    before = _load1()
    out = run_child(task, args, tmp)
    out["load1"] = (before + _load1()) / 2
    return out


def _ratio_stats(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"min": ordered[0], "median": ordered[len(ordered) // 2] if len(ordered) % 2
            else (ordered[len(ordered) // 2 - 1] + ordered[len(ordered) // 2]) / 2, "max": ordered[-1]}


def measure_annotate_ratios(cfg: BenchConfig, tmp: Path, model_name: str, results: dict[str, float],
                            raw: dict[str, Any], log: Callable[[str], None]) -> dict[str, Any]:
    """``annotate_vs_raw_spacy`` and ``processes2_vs_1``, each side measured ``annotate_repeats``
    times on ``annotate_docs / annotate_repeats`` texts, the order alternated every repeat (raw, 1, 2;
    then 2, 1, raw; ...), so a change of load between them hits both sides alike. A ratio is taken
    within each repeat; the target is judged on the median (min and max are in the raw figures),
    and each run's wall and CPU seconds and the load average are printed beside it. Returns the
    last raw spaCy run (its model id and token count)."""
    repeats = max(1, cfg.annotate_repeats)
    per = max(2, math.ceil(cfg.annotate_docs / repeats))
    log(f"corpus: {per} synthetic texts from the seeds, each side {repeats} times, alternated")
    texts = Corpus(cfg.seed).texts(per)
    texts_file = tmp / "texts.json"
    texts_file.write_text(json.dumps(texts), encoding="utf-8")
    template = tmp / "annotate-template.claimdesk"
    create_project_with_documents(template, texts)
    vs_raw, p2, runs, rs = [], [], [], {}
    for rep in range(repeats):
        order = ["raw", 1, 2] if rep % 2 == 0 else [2, 1, "raw"]
        got: dict[Any, dict[str, Any]] = {}
        for side in order:
            log(f"repeat {rep + 1}/{repeats}: " + ("raw spaCy nlp.pipe" if side == "raw" else
                                                    f"annotate_project, {side} process{'es' if side == 2 else ''}"))
            if side == "raw":
                got[side] = rs = _timed_child("raw_spacy", {"texts": str(texts_file), "model": model_name}, tmp)
                continue
            project = tmp / f"annotate-{side}.claimdesk"
            for f in tmp.glob(f"annotate-{side}.claimdesk*"):
                f.unlink()
            shutil.copy(template, project)
            got[side] = _timed_child("annotate", {"project": str(project), "processes": side, "model": model_name},
                                     tmp)
            if got[side]["documents_marked"] != len(texts):
                raise BenchError(f"annotate with {side} processes marked {got[side]['documents_marked']} of "
                                 f"{len(texts)} documents")
        vs_raw.append(got["raw"]["seconds"] / got[1]["seconds"])
        p2.append(got[1]["seconds"] / got[2]["seconds"])
        runs += [f"{side}:{got[side]['seconds']:.1f}s/cpu{got[side]['cpu_s']:.1f}s/load{got[side]['load1']:.2f}"
                 for side in order]
    a, b = _ratio_stats(vs_raw), _ratio_stats(p2)
    results["annotate_vs_raw_spacy"] = a["median"]
    results["processes2_vs_1"] = b["median"]
    raw["annotate"] = {"texts_per_repeat": len(texts), "repeats": repeats, "tokens": rs["tokens"],
                       "model": rs["model"], "components": rs["components"],
                       "annotate_vs_raw_spacy_min": a["min"], "annotate_vs_raw_spacy_median": a["median"],
                       "annotate_vs_raw_spacy_max": a["max"], "processes2_vs_1_min": b["min"],
                       "processes2_vs_1_median": b["median"], "processes2_vs_1_max": b["max"],
                       "runs (side:wall/cpu/load1)": " ".join(runs)}
    return rs


def measure_annotate_large(cfg: BenchConfig, path: Path, tmp: Path, model_name: str, results: dict[str, float],
                           raw: dict[str, Any]) -> None:
    """``annotate_10k_docs_peak_rss_mb``: a few new articles annotated into the large project (last:
    it adds documents)."""
    texts = Corpus(cfg.seed + 3).texts(max(1, cfg.annotate_new_docs))
    out = _timed_child("annotate_large", {"project": str(path), "texts": texts, "model": model_name}, tmp)
    results["annotate_10k_docs_peak_rss_mb"] = out["peak_rss_mb"]
    raw["annotate_large"] = {"new_articles": out["annotated"], "links": out["linked"], "seconds": out["seconds"],
                             "cpu_s": out["cpu_s"], "load1": out["load1"]}


def format_table(report: dict[str, Any]) -> str:
    lines = [f"{'metric':<24} {'value':>10}  {'target':>10}  {'':<6} what", "-" * 100]
    for key, (op, target, unit, what) in TARGETS.items():
        value = report["results"].get(key)
        shown = "n/a" if value is None else f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"
        verdict = "ok" if value is not None and passes(key, value) else "MISSED"
        lines.append(f"{key:<24} {shown + ' ' + unit:>10}  {op + ' ' + str(target) + ' ' + unit:>10}  {verdict:<6} {what}"
                     + _spread_note(report, key))
    lines.append("")
    lines.append("raw figures:")
    for section, values in report["raw"].items():
        if isinstance(values, dict):
            lines.append(f"  {section}: " + ", ".join(f"{k}={_fmt(v)}" for k, v in values.items()))
        else:
            lines.append(f"  {section}: {_fmt(values)}")
    lines.append("machine: " + ", ".join(f"{k}={v}" for k, v in report["machine"].items()))
    return "\n".join(lines)


def _spread_note(report: dict[str, Any], key: str) -> str:
    """" (median of 3; min 0.81, max 0.86; load 1.9-2.4)" for a ratio measured in repeats."""
    ann = report["raw"].get("annotate", {})
    if f"{key}_min" not in ann:
        return ""
    loads = [float(r.rsplit("load", 1)[1]) for r in ann.get("runs (side:wall/cpu/load1)", "").split()]
    load = f"; load {min(loads):.2f}-{max(loads):.2f}" if loads else ""
    return f" (median of {ann['repeats']}; min {ann[key + '_min']:.3g}, max {ann[key + '_max']:.3g}{load})"


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _child_main(argv: Sequence[str]) -> int:
    task, payload = argv[0], json.loads(argv[1])
    result = CHILDREN[task](payload)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    # Only the children run this way; the benchmark itself is ``claimdesk bench`` (importing the
    # command line here would close an import circle: cli -> bench_command -> bench -> cli).
    if len(sys.argv) >= 2 and sys.argv[1] == "--child":
        sys.exit(_child_main(sys.argv[2:]))
    sys.exit("usage: python -m desktop.bench --child TASK JSON (run the benchmark with: claimdesk bench)")
