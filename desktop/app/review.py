"""The review queue: what across the project most likely needs an editor (Qt-free, print-free).

Each kind is a few read-only queries over the indexed columns (no document text is read, except
for the label conflicts, which compare the mentions' surfaces):

- ``speaker-not-person-org``: a quote whose speaker is not a PERSON or ORG entity (linked to an
  entity of another type, or to none);
- ``quote-no-speaker``: a quote without a speaker;
- ``mention-unlinked``: a mention that no canonical entity links to;
- ``label-conflict``: the same surface (compared by :func:`desktop.core.entity_links.name_key`)
  labelled differently in different articles: the mentions whose label is not the surface's most
  common one;
- ``single-mention``: a canonical entity with one live mention in the whole project;
- ``least-sure``: a quote suggestion the model scored below :data:`SURE` (its ``score``, the
  calibrated chance it is right end to end, :mod:`desktop.nlp.quotes.confidence`), and an entity
  suggestion scored below :data:`SURE_MENTION` (the recognizer's own probability of its span and
  label, :mod:`desktop.nlp.ner_scores`);
- ``check-worthy``: a claim suggestion (a sentence pre-annotation scored at least the project's
  ``claims.threshold``, :mod:`desktop.nlp.checkworthy`).

Rejected rows never count; the two quote kinds leave out the quotes an editor made or accepted
(setting the speaker to "Russia" is the editor's decision, so the item leaves the queue); entities
merged away (removed by the merge, their mentions moved to the target) are not listed.

Ordering (:data:`ORDERS`, :func:`ordered`): reading order by default; ``score`` puts the least
sure quotes and the most check-worthy sentences first; ``uncertainty`` puts first the scores
closest to the decision (the claim threshold for claims, an even chance for quotes), as active
learning does, so each label an editor gives teaches the most.

:class:`ReviewQueue` keeps the items per kind, so a change refreshes only the kinds it can affect
(:func:`kinds_affected`), and the surfaces of the label conflicts per article
(:class:`SurfaceIndex`), so a change re-reads only the articles it names.  Items are in reading
order across the project (article id, then offset); :func:`step` walks them from a position.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from desktop.core.entity_links import name_key
from desktop.core.store import ChangeEvent, Store

__all__ = ["KINDS", "ORDERS", "SPEAKER_TYPES", "SURE", "ordered", "ReviewItem", "ReviewKind", "ReviewQueue", "SurfaceIndex", "kind_title",
           "changed_rows", "kinds_affected", "review_queue", "step", "titles", "with_texts"]

Key = tuple[str, int]

#: The entity types a quote's speaker should have.
SPEAKER_TYPES = ("PERSON", "ORG")


class ReviewKind(NamedTuple):
    id: str
    title: str
    #: the tables whose changes can change the kind's items
    tables: frozenset[str]


KINDS: tuple[ReviewKind, ...] = (
    ReviewKind("speaker-not-person-org", "Speaker not a PERSON or ORG",
               frozenset({"quotes", "entities", "mentions"})),
    ReviewKind("quote-no-speaker", "Quote without a speaker", frozenset({"quotes"})),
    ReviewKind("mention-unlinked", "Mention not linked to an entity", frozenset({"mentions"})),
    ReviewKind("label-conflict", "Same text, another label elsewhere", frozenset({"mentions"})),
    ReviewKind("single-mention", "Entity with one mention", frozenset({"mentions", "entities"})),
    ReviewKind("least-sure", "Quotes and entities the model is least sure of", frozenset({"quotes", "mentions"})),
    ReviewKind("check-worthy", "Check-worthy sentences", frozenset({"claims"})),
)
#: a quote suggestion scored at least this is right nine times in ten (calibrated on held-out news)
SURE = 0.9
#: an entity suggestion scored below this is listed (the recognizer's probability, not calibrated:
#: about a quarter of en_core_web_sm's entities in news fall below it, a twentieth below 0.5)
SURE_MENTION = 0.9
#: how a kind's items can be ordered (see the module docstring)
ORDERS = ("reading", "score", "uncertainty")
#: the kinds whose items put the highest score first when ordered by score
_HIGH_FIRST = frozenset({"check-worthy"})
_KIND_IDS = tuple(k.id for k in KINDS)


def kind_title(kind: str) -> str:
    return next(k.title for k in KINDS if k.id == kind)


class ReviewItem(NamedTuple):
    """One thing to look at: the span ``key`` (as the article view names it) in article ``doc_id``.
    Items sort in reading order across the project (article, offset, key)."""

    doc_id: int
    start: int
    key: Key
    end: int
    kind: str
    why: str
    text: str = ""  # the span's text, once :func:`with_texts` read it
    score: float | None = None  # the model's score of the suggestion (least-sure, check-worthy)

    @property
    def position(self) -> tuple[int, int, Key]:
        return self.doc_id, self.start, self.key

    @property
    def layer(self) -> str:
        return self.key[0]


# The kinds ---------------------------------------------------------------------------------------


def _in(column: str, ids: Sequence[int] | None) -> str:
    """`` AND column IN (?, …)`` for a chunk of ids, or nothing (every row)."""
    return "" if ids is None else f" AND {column} IN ({', '.join('?' * len(ids))})"


def _chunks(ids: Iterable[int] | None) -> Iterable[Sequence[int] | None]:
    if ids is None:
        yield None
        return
    wanted = sorted(set(ids))
    for i in range(0, len(wanted), 500):
        yield wanted[i:i + 500]


#: a quote no editor decided: a model's suggestion, or an imported one (not one an editor made or accepted)
_UNDECIDED = "({t}status = 'suggested' OR ({t}origin = 'import' AND {t}status = 'accepted'))"


def _speaker_items(store: Store, ids: Iterable[int] | None = None) -> list[ReviewItem]:
    """Quotes (all, or those of ``ids``) whose speaker is not a PERSON or ORG entity."""
    marks = ", ".join("?" * len(SPEAKER_TYPES))
    items = []
    for chunk in _chunks(ids):
        rows = store.conn.execute(
            "SELECT q.id, q.doc_id, q.speaker_start, q.speaker_end, e.type, e.name FROM quotes q "
            "LEFT JOIN entities e ON e.id = q.speaker_entity_id "
            f"WHERE {_UNDECIDED.format(t='q.')} AND q.speaker_start IS NOT NULL AND q.speaker_end > q.speaker_start "
            f"AND (e.id IS NULL OR e.type NOT IN ({marks})){_in('q.id', chunk)}", (*SPEAKER_TYPES, *(chunk or ())))
        items += [ReviewItem(doc_id, start, ("speaker", qid), end, "speaker-not-person-org",
                             f"speaker is the {etype} entity “{name}”" if etype else "speaker is linked to no entity")
                  for qid, doc_id, start, end, etype, name in rows]
    return items


def _no_speaker_items(store: Store, ids: Iterable[int] | None = None) -> list[ReviewItem]:
    items = []
    for chunk in _chunks(ids):
        rows = store.conn.execute(
            "SELECT id, doc_id, json_extract(content, '$[0][0]'), json_extract(content, '$[#-1][1]') FROM quotes "
            f"WHERE {_UNDECIDED.format(t='')} AND speaker_start IS NULL{_in('id', chunk)}", chunk or ())
        items += [ReviewItem(doc_id, int(start or 0), ("quote", qid), int(end or 0), "quote-no-speaker",
                             "the quote has no speaker") for qid, doc_id, start, end in rows]
    return items


def _unlinked_items(store: Store, ids: Iterable[int] | None = None) -> list[ReviewItem]:
    items = []
    for chunk in _chunks(ids):
        rows = store.conn.execute('SELECT id, doc_id, start, "end", label, status FROM mentions '
                                  f"WHERE entity_id IS NULL AND status != 'rejected'{_in('id', chunk)}", chunk or ())
        items += [ReviewItem(doc_id, start, ("mention", mid), end, "mention-unlinked",
                             f"{label} {'suggestion' if status == 'suggested' else 'mention'} linked to no entity")
                  for mid, doc_id, start, end, label, status in rows]
    return items


def _single_items(store: Store, ids: Iterable[int] | None = None) -> list[tuple[int, ReviewItem]]:
    """Entities (all, or those of ``ids``) with one live mention: the entity and an item for that mention."""
    items = []
    for chunk in _chunks(ids):
        rows = store.conn.execute(
            'SELECT e.id, m.id, m.doc_id, m.start, m."end", e.name, e.type FROM '
            "(SELECT entity_id, min(id) AS mid FROM mentions WHERE status != 'rejected' AND entity_id IS NOT NULL"
            f"{_in('entity_id', chunk)} GROUP BY entity_id HAVING count(*) = 1) one "
            "JOIN mentions m ON m.id = one.mid JOIN entities e ON e.id = one.entity_id", chunk or ())
        items += [(eid, ReviewItem(doc_id, start, ("mention", mid), end, "single-mention",
                                   f"the {etype} entity “{name}” is mentioned once in the project"))
                  for eid, mid, doc_id, start, end, name, etype in rows]
    return items


def _least_sure_items(store: Store, ids: Iterable[int] | None = None) -> list[ReviewItem]:
    """Quote suggestions (all, or those of ``ids``) scored below :data:`SURE`."""
    items = []
    for chunk in _chunks(ids):
        rows = store.conn.execute(
            "SELECT id, doc_id, json_extract(content, '$[0][0]'), json_extract(content, '$[#-1][1]'), type, score "
            f"FROM quotes WHERE status = 'suggested' AND score IS NOT NULL AND score < ?{_in('id', chunk)}",
            (SURE, *(chunk or ())))
        items += [ReviewItem(doc_id, int(start or 0), ("quote", qid), int(end or 0), "least-sure",
                             f"{qtype} quote, {score:.0%} likely right", score=float(score))
                  for qid, doc_id, start, end, qtype, score in rows]
    return items


def _least_sure_mentions(store: Store, ids: Iterable[int] | None = None) -> list[ReviewItem]:
    """Entity suggestions (all, or those of ``ids``) scored below :data:`SURE_MENTION`."""
    items = []
    for chunk in _chunks(ids):
        rows = store.conn.execute(
            'SELECT id, doc_id, start, "end", label, score FROM mentions '
            f"WHERE status = 'suggested' AND score IS NOT NULL AND score < ?{_in('id', chunk)}",
            (SURE_MENTION, *(chunk or ())))
        items += [ReviewItem(doc_id, start, ("mention", mid), end, "least-sure",
                             f"{label} entity, model confidence {score:.0%}", score=float(score))
                  for mid, doc_id, start, end, label, score in rows]
    return items


def _check_worthy_items(store: Store, ids: Iterable[int] | None = None) -> list[ReviewItem]:
    """Claim suggestions (all, or those of ``ids``) with a check-worthiness score."""
    items = []
    for chunk in _chunks(ids):
        rows = store.conn.execute(
            'SELECT id, doc_id, start, "end", claimant, score FROM claims '
            f"WHERE status = 'suggested' AND score IS NOT NULL{_in('id', chunk)}", chunk or ())
        items += [ReviewItem(doc_id, start, ("claim", cid), end, "check-worthy",
                             f"check-worthy {score:.2f}" + (f", said by {claimant}" if claimant else ""),
                             score=float(score))
                  for cid, doc_id, start, end, claimant, score in rows]
    return items


def ordered(items: Sequence[ReviewItem], order: str = "reading", threshold: float = 0.5) -> list[ReviewItem]:
    """``items`` in ``order`` (:data:`ORDERS`): reading order; by score (the least sure quotes, the
    most check-worthy claims first); or by uncertainty (closest to ``threshold`` for claims, to 0.5
    for quotes, first). Items without a score keep reading order after the scored ones."""
    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r}; the orders are {', '.join(ORDERS)}")
    if order == "reading":
        return sorted(items)

    def rank(item: ReviewItem) -> tuple[int, float, tuple[int, int, Key]]:
        if item.score is None:
            return 1, 0.0, item.position
        if order == "score":
            return 0, -item.score if item.kind in _HIGH_FIRST else item.score, item.position
        middle = threshold if item.layer == "claim" else 0.5
        return 0, abs(item.score - middle), item.position

    return sorted(items, key=rank)


#: a live mention in the index: (id, start, end, label, name_key of its text)
_Surface = tuple[int, int, int, str, str]


def _bump(table: dict, key: str, what, n: int) -> None:
    counts = table.get(key)
    if counts is None:
        counts = table[key] = {}
    counts[what] = counts.get(what, 0) + n
    if counts[what] <= 0:
        del counts[what]
        if not counts:
            del table[key]


@dataclass
class SurfaceIndex:
    """Every live mention's surface, per article, and per surface which labels it has where: what
    the label conflicts are found in.  :meth:`update` re-reads only the articles given."""

    per_doc: dict[int, list[_Surface]] = field(default_factory=dict)
    labels: dict[str, dict[str, int]] = field(default_factory=dict)  # surface key -> label -> mentions
    docs: dict[str, dict[int, int]] = field(default_factory=dict)  # surface key -> article -> mentions
    states: dict[str, str] = field(default_factory=dict)  # conflicting surface key -> its most common label
    doc_items: dict[int, list[ReviewItem]] = field(default_factory=dict)  # the items, per article
    built: bool = False
    _keys: dict[str, str] = field(default_factory=dict)  # text -> name_key (surfaces repeat)

    def build(self, store: Store) -> None:
        """Read every live mention (one scan) and every article's text (once)."""
        self.per_doc, self.labels, self.docs = {}, {}, {}
        by_doc: dict[int, list[tuple[int, int, int, str]]] = {}
        for doc_id, mid, start, end, label in store.conn.execute(
                'SELECT doc_id, id, start, "end", label FROM mentions WHERE status != \'rejected\''):
            rows = by_doc.get(doc_id)
            if rows is None:
                rows = by_doc[doc_id] = []
            rows.append((mid, start, end, label))
        label_counts: Counter[tuple[str, str]] = Counter()
        doc_counts: Counter[tuple[str, int]] = Counter()
        for doc_id, text in store.conn.execute("SELECT id, text FROM documents ORDER BY id"):
            rows = by_doc.get(doc_id)
            if rows:
                surfaces = self._surfaces(text, rows)
                self.per_doc[doc_id] = surfaces
                label_counts.update((s[4], s[3]) for s in surfaces)
                doc_counts.update((s[4], doc_id) for s in surfaces)
        for (key, label), n in label_counts.items():
            self.labels.setdefault(key, {})[label] = n
        for (key, doc_id), n in doc_counts.items():
            self.docs.setdefault(key, {})[doc_id] = n
        self.states = {key: state for key in self.labels if (state := self._state(key)) is not None}
        self.doc_items = {}
        for doc_id in self.per_doc:
            self._redo_items(doc_id)
        self.built = True

    def update(self, store: Store, doc_ids: Iterable[int]) -> None:
        """Re-read the articles ``doc_ids``; the items of the other articles are redone only where a
        surface they share became (or stopped being) a conflict, or changed its most common label."""
        touched: set[str] = set()
        changed = set(doc_ids)
        for doc_id in changed:
            for s in self.per_doc.pop(doc_id, []):
                self._count(s, doc_id, -1)
                touched.add(s[4])
            text = store.document_text(doc_id)
            if text is None:  # the article was deleted
                continue
            rows = store.conn.execute('SELECT id, start, "end", label FROM mentions WHERE doc_id = ? '
                                      "AND status != 'rejected'", (doc_id,)).fetchall()
            surfaces = self._surfaces(text, rows)
            for s in surfaces:
                self._count(s, doc_id, 1)
                touched.add(s[4])
            if surfaces:
                self.per_doc[doc_id] = surfaces
        redo = set(changed)
        for key in touched:
            state = self._state(key)
            if state != self.states.get(key):
                redo.update(self.docs.get(key, ()))  # (the articles it left are among the changed ones)
            if state is None:
                self.states.pop(key, None)
            else:
                self.states[key] = state
        for doc_id in redo:
            self._redo_items(doc_id)

    def _surfaces(self, text: str, rows: Sequence[tuple[int, int, int, str]]) -> list[_Surface]:
        keys = self._keys
        out = []
        for mid, start, end, label in rows:
            raw = text[start:end]
            key = keys.get(raw)
            if key is None:
                key = keys[raw] = name_key(raw)
            out.append((mid, start, end, label, key))
        return out

    def _count(self, s: _Surface, doc_id: int, n: int) -> None:
        _bump(self.labels, s[4], s[3], n)
        _bump(self.docs, s[4], doc_id, n)

    def _state(self, key: str) -> str | None:
        """A conflicting surface's most common label (None: no conflict): more than one label, in
        more than one article."""
        labels = self.labels.get(key)
        if not labels or len(labels) < 2 or len(self.docs.get(key, ())) < 2:
            return None
        return min(labels, key=lambda lab: (-labels[lab], lab))

    def _redo_items(self, doc_id: int) -> None:
        items = []
        states = self.states
        for mid, start, end, label, key in self.per_doc.get(doc_id, ()):
            top = states.get(key)
            if top is not None and label != top:
                items.append(ReviewItem(doc_id, start, ("mention", mid), end, "label-conflict",
                                        f"{label} here, mostly {top} elsewhere"))
        if items:
            items.sort()
            self.doc_items[doc_id] = items
        else:
            self.doc_items.pop(doc_id, None)

    def items(self) -> list[ReviewItem]:
        """The mentions of a conflicting surface whose label is not its most common one, in reading order."""
        return [item for doc_id in sorted(self.doc_items) for item in self.doc_items[doc_id]]


#: The kinds that are a property of single rows: per kind, each query, the table whose written
#: rows it re-reads, and the layer of the keys of its items (the speakers also for the quotes of a
#: written entity, whose type or name changed).
_QUERIES: dict[str, tuple[tuple[Callable[..., list[ReviewItem]], str, str], ...]] = {
    "speaker-not-person-org": ((_speaker_items, "quotes", "speaker"),),
    "quote-no-speaker": ((_no_speaker_items, "quotes", "quote"),),
    "mention-unlinked": ((_unlinked_items, "mentions", "mention"),),
    "least-sure": ((_least_sure_items, "quotes", "quote"), (_least_sure_mentions, "mentions", "mention")),
    "check-worthy": ((_check_worthy_items, "claims", "claim"),)}

#: What a change wrote, by table ("mentions", "quotes", "entities": for the entities, also those
#: a written row pointed to before or after, :meth:`desktop.core.store.ChangeEvent.linked_rows`).
Rows = dict[str, set[int]]


def changed_rows(event: ChangeEvent) -> Rows | None:
    """The rows ``event`` wrote that the queue depends on; None when it does not say."""
    rows = {t: event.rows(t) for t in ("mentions", "quotes", "claims")}
    rows["entities"] = event.linked_rows("entities")
    if any(ids is None for ids in rows.values()):
        return None
    return {t: set(ids or ()) for t, ids in rows.items()}


def _position(item: ReviewItem) -> tuple[int, int, Key]:
    return item[0], item[1], item[2]


def kinds_affected(event: ChangeEvent) -> set[str]:
    """The kinds whose items ``event`` can change."""
    return {k.id for k in KINDS if k.tables & event.tables}


# The queue ---------------------------------------------------------------------------------------


@dataclass
class ReviewQueue:
    """The items of every kind, each kind in reading order; :meth:`refresh` redoes only the kinds,
    rows and articles a change names."""

    by_kind: dict[str, list[ReviewItem]] = field(default_factory=dict)
    surfaces: SurfaceIndex = field(default_factory=SurfaceIndex)
    _single_of: dict[int, Key] = field(default_factory=dict)  # entity -> the key of its single mention

    def refresh(self, store: Store, kinds: Iterable[str] | None = None, doc_ids: Iterable[int] | None = None,
                rows: Rows | None = None) -> None:
        """Re-read ``kinds`` (default: all): with ``rows`` (what a change wrote, :func:`changed_rows`)
        only those rows of the kinds read before, and the surfaces of the label conflicts only for
        ``doc_ids`` when given; else all of them."""
        for kind in _KIND_IDS if kinds is None else [k for k in _KIND_IDS if k in set(kinds)]:
            known = kind in self.by_kind
            if kind == "label-conflict":
                if doc_ids is not None and self.surfaces.built:
                    self.surfaces.update(store, doc_ids)
                else:
                    self.surfaces.build(store)
                self.by_kind[kind] = self.surfaces.items()  # (in reading order already)
            elif kind == "single-mention":
                self._refresh_single(store, rows["entities"] if rows is not None and known else None)
            else:
                if rows is None or not known:
                    self.by_kind[kind] = sorted(it for query, _, _ in _QUERIES[kind] for it in query(store))
                    continue
                for query, table, layer in _QUERIES[kind]:
                    ids = set(rows[table])
                    if kind == "speaker-not-person-org":
                        ids |= self._quotes_of(store, rows["entities"])
                    if ids:
                        kept = [it for it in self.by_kind[kind] if it.key[0] != layer or it.key[1] not in ids]
                        self.by_kind[kind] = sorted(kept + query(store, ids))

    def _refresh_single(self, store: Store, entities: set[int] | None) -> None:
        if entities is None:
            found = _single_items(store)
            self._single_of = {eid: it.key for eid, it in found}
            self.by_kind["single-mention"] = sorted(it for _, it in found)
            return
        if not entities:
            return
        gone = {self._single_of.pop(eid) for eid in entities if eid in self._single_of}
        found = _single_items(store, entities)
        self._single_of.update((eid, it.key) for eid, it in found)
        kept = [it for it in self.by_kind["single-mention"] if it.key not in gone]
        self.by_kind["single-mention"] = sorted(kept + [it for _, it in found])

    @staticmethod
    def _quotes_of(store: Store, entities: set[int]) -> set[int]:
        """The quotes whose speaker is one of ``entities`` (its type or name may have changed)."""
        found: set[int] = set()
        for chunk in _chunks(entities):
            if chunk:
                found.update(qid for (qid,) in store.conn.execute(
                    f"SELECT id FROM quotes WHERE speaker_entity_id IN ({', '.join('?' * len(chunk))})", chunk))
        return found

    def counts(self) -> dict[str, int]:
        return {k: len(self.by_kind.get(k, ())) for k in _KIND_IDS}

    def items(self, kind: str | None = None) -> list[ReviewItem]:
        """The items of ``kind``, or of every kind (in reading order)."""
        if kind is not None:
            return list(self.by_kind.get(kind, ()))
        return sorted(item for items in self.by_kind.values() for item in items)


def review_queue(store: Store, kinds: Iterable[str] | None = None) -> ReviewQueue:
    """The queue of ``kinds`` (default: every kind), read now."""
    queue = ReviewQueue()
    queue.refresh(store, kinds)
    return queue


def step(queues: Sequence[Sequence[ReviewItem]], position: tuple[int, int, Key | None],
         direction: int) -> ReviewItem | None:
    """The item after (``direction`` 1) or before (-1) ``position`` (article, offset, the selected span's
    key or None) in reading order across articles, over the ``queues`` (each in reading order, e.g.
    one per kind); past the end it wraps around.  None when there are no items."""
    doc_id, start, key = position
    here = (doc_id, start, key if key is not None else ("", -1))
    found: list[ReviewItem] = []
    for items in queues:
        if not items:
            continue
        if direction > 0:
            i = bisect.bisect_right(items, here, key=_position)
            found.append(items[i] if i < len(items) else items[0])
        else:
            i = bisect.bisect_left(items, here, key=_position)
            found.append(items[i - 1] if i > 0 else items[-1])
    if not found:
        return None
    ahead = [it for it in found if (_position(it) > here if direction > 0 else _position(it) < here)]
    if direction > 0:
        return min(ahead or found, key=_position)
    return max(ahead or found, key=_position)


def titles(store: Store, doc_ids: Iterable[int]) -> dict[int, str]:
    """The articles' titles (their file id when untitled), one line each."""
    wanted = sorted(set(doc_ids))
    found: dict[int, str] = {}
    for chunk in range(0, len(wanted), 500):
        part = wanted[chunk:chunk + 500]
        rows = store.conn.execute(f"SELECT id, coalesce(title, ext_id) FROM documents WHERE id IN "
                                  f"({', '.join('?' * len(part))})", part)
        found.update((doc_id, " ".join(str(title).split())) for doc_id, title in rows)
    return found


def with_texts(store: Store, items: Sequence[ReviewItem], limit: int = 120) -> list[ReviewItem]:
    """The items with their span's text (one line, at most ``limit`` characters), reading each
    article's text once."""
    texts: dict[int, str] = {}
    out = []
    for item in items:
        if item.text:
            out.append(item)
            continue
        if item.doc_id not in texts:
            texts[item.doc_id] = store.document_text(item.doc_id) or ""
        shown = " ".join(texts[item.doc_id][item.start:item.end].split())
        out.append(item._replace(text=shown if len(shown) <= limit else shown[:limit - 1] + "…"))
    return out
