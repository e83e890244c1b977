"""Stories suggested for documents without one (issue 15): a document joins the story whose
articles it is most like, or documents without a story that are alike become a new story.

Two documents are alike by three signals, none fitted to a corpus:

* the canonical entities they mention (weighted by rarity across the project: every article names
  "Russia", few name "Sergei Lavrov"): the weighted share of the smaller set the other has;
* their text: rapidfuzz's ``token_sort_ratio`` over the sorted stems of the title and lead (the
  first :data:`LEAD_CHARS` characters), which forgives a spelling or an inflection;
* their dates: two documents published more than :data:`WINDOW_DAYS` apart are never alike (an
  undated document is judged by the other two).

The score is the mean of the entity and text measures (the text alone when either document has
no entity yet); :data:`THRESHOLD` decides.  Candidates come from an inverted index (a shared
entity or rare lead word), so a large project is not compared pair by pair.  Plain Python over the
store (no Qt, no spaCy); ``desktop.app.stories.apply_suggestions`` turns suggestions into
``SetDocumentStory`` edits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz

from desktop.core.store import Store
from desktop.core.story import content_words

#: how alike (0..1) a document must be to a story's article, or to another document, to be suggested
THRESHOLD = 0.45
#: documents published further apart than this are never the same story
WINDOW_DAYS = 4
#: how much of a text (after its title) the text measure reads
LEAD_CHARS = 1500
#: how many of a document's rarest lead words find its candidates
_RARE = 12


@dataclass(frozen=True)
class Suggestion:
    doc_id: int
    doc: str  # ext id
    story: str
    score: float  # 0..1, against the closest article of that story (or of the new group)
    new: bool  # a new story (of documents without one) rather than an existing one
    like: str  # the ext id of that closest article

    def to_json(self) -> dict[str, object]:
        return {"doc": self.doc, "story": self.story, "score": round(self.score, 3), "new": self.new,
                "like": self.like}


@dataclass
class _Doc:
    id: int
    ext_id: str
    story: str | None
    day: date | None
    entities: dict[int, int]  # entity id -> mentions
    stems: frozenset[str]
    lead: str  # the sorted stems, for rapidfuzz


def _day(published: str | None) -> date | None:
    try:
        return date.fromisoformat((published or "")[:10])
    except ValueError:
        return None


def _read(store: Store) -> list[_Doc]:
    entities: dict[int, dict[int, int]] = {}
    for doc_id, entity_id, n in store.conn.execute(
            "SELECT doc_id, entity_id, count(*) FROM mentions WHERE entity_id IS NOT NULL AND status != 'rejected' "
            "GROUP BY doc_id, entity_id"):
        entities.setdefault(doc_id, {})[entity_id] = n
    out = []
    for d in store.documents():
        stems = content_words(f"{d.title or ''}\n{d.text[:LEAD_CHARS]}")
        out.append(_Doc(d.id, d.ext_id, d.story, _day(d.published), entities.get(d.id, {}), stems,
                        " ".join(sorted(stems))))
    return out


class _Scorer:
    def __init__(self, docs: Sequence[_Doc]):
        n = len(docs)
        df_e: dict[int, int] = {}
        df_w: dict[str, int] = {}
        for d in docs:
            for e in d.entities:
                df_e[e] = df_e.get(e, 0) + 1
            for w in d.stems:
                df_w[w] = df_w.get(w, 0) + 1
        self.idf_e = {e: math.log((n + 1) / (k + 1)) + 1 for e, k in df_e.items()}
        self.df_w = df_w
        self.by_entity: dict[int, list[_Doc]] = {}
        self.by_word: dict[str, list[_Doc]] = {}
        for d in docs:
            for e in d.entities:
                self.by_entity.setdefault(e, []).append(d)
            for w in self.rare(d):
                self.by_word.setdefault(w, []).append(d)

    def rare(self, d: _Doc) -> list[str]:
        return sorted(d.stems, key=lambda w: (self.df_w[w], w))[:_RARE]

    def candidates(self, d: _Doc) -> list[_Doc]:
        seen: dict[int, _Doc] = {}
        for e in d.entities:
            seen.update((o.id, o) for o in self.by_entity[e])
        for w in self.rare(d):
            seen.update((o.id, o) for o in self.by_word[w])
        seen.pop(d.id, None)
        return list(seen.values())

    def score(self, a: _Doc, b: _Doc) -> float:
        if a.day and b.day and abs((a.day - b.day).days) > WINDOW_DAYS:
            return 0.0
        text = fuzz.token_sort_ratio(a.lead, b.lead) / 100
        if not a.entities or not b.entities:
            return text
        shared = sum(self.idf_e[e] for e in a.entities.keys() & b.entities.keys())
        smaller = min(sum(self.idf_e[e] for e in d.entities) for d in (a, b))
        return 0.5 * shared / smaller + 0.5 * text


def suggest_stories(store: Store, threshold: float = THRESHOLD) -> list[Suggestion]:
    """A story for each document without one that is like a story's article (the closest story),
    else a new story for documents without one that are alike (named by the date and the entity
    they share most); documents like none are left out.  By document id."""
    docs = _read(store)
    scorer = _Scorer(docs)
    loose = [d for d in docs if not d.story]
    out: dict[int, Suggestion] = {}
    pairs: list[tuple[float, _Doc, _Doc]] = []
    for d in loose:
        best: tuple[float, _Doc] | None = None
        for o in scorer.candidates(d):
            s = scorer.score(d, o)
            if s < threshold:
                continue
            if o.story and (best is None or s > best[0]):
                best = (s, o)
            elif not o.story and d.id < o.id:
                pairs.append((s, d, o))
        if best is not None:
            out[d.id] = Suggestion(d.id, d.ext_id, best[1].story or "", best[0], False, best[1].ext_id)
    out.update(_new_stories(store, scorer, [p for p in pairs if p[1].id not in out and p[2].id not in out]))
    return [out[k] for k in sorted(out)]


def _new_stories(store: Store, scorer: _Scorer, pairs: list[tuple[float, _Doc, _Doc]]) -> dict[int, Suggestion]:
    group: dict[int, int] = {}

    def root(i: int) -> int:
        while group.setdefault(i, i) != i:
            i = group[i]
        return i

    best: dict[int, tuple[float, _Doc]] = {}
    docs: dict[int, _Doc] = {}
    for s, a, b in sorted(pairs, key=lambda p: -p[0]):
        docs[a.id], docs[b.id] = a, b
        group[root(b.id)] = root(a.id)
        for x, y in ((a, b), (b, a)):
            if x.id not in best or s > best[x.id][0]:
                best[x.id] = (s, y)
    members: dict[int, list[_Doc]] = {}
    for i in docs:
        members.setdefault(root(i), []).append(docs[i])
    taken = {d.story for d in store.documents() if d.story}
    out = {}
    for ms in members.values():
        name = _story_name(store, scorer, ms, taken)
        taken.add(name)
        for d in ms:
            s, like = best[d.id]
            out[d.id] = Suggestion(d.id, d.ext_id, name, s, True, like.ext_id)
    return out


def _story_name(store: Store, scorer: _Scorer, docs: Sequence[_Doc], taken: set[str]) -> str:
    """"2022-01-21 Sergei Lavrov": the first date and the entity most of the documents name (the
    rarer first), else the first document's id."""
    days = sorted(d.day for d in docs if d.day)
    counts: dict[int, int] = {}
    for d in docs:
        for e in d.entities:
            counts[e] = counts.get(e, 0) + 1
    top = max(counts, key=lambda e: (counts[e], scorer.idf_e[e], -e)) if counts else None
    what = store.entity(top).name if top is not None and counts[top] > 1 else docs[0].ext_id
    name = f"{days[0].isoformat()} {what}" if days else what
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name} ({n})"
    return candidate
