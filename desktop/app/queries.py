"""What the editor's views show, read from the store (Qt-free, print-free).

- :func:`search_hits`: the project search's results (article title, snippet, where the first
  word of the query is in the text);
- :class:`EntityStory`: "across the story", an entity's quotes in every article and where each
  article mentions it, kept per article so a change in a few articles re-reads only those;
- :func:`listed_entities`, :func:`first_mention`, :func:`document_holdings`: the speaker picker,
  "show the entity", and what deleting an article takes with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from desktop.core.store import Store

__all__ = ["EntityStory", "SearchHit", "StoryRow", "document_holdings", "first_mention", "listed_entities",
           "search_hits", "word_offsets"]

Key = tuple[str, int]


@dataclass(frozen=True)
class SearchHit:
    doc_id: int
    title: str
    snippet: str  # on one line
    query: str


def search_hits(store: Store, query: str) -> list[SearchHit]:
    """The project's articles matching ``query`` (full-text index), with their titles."""
    query = query.strip()
    if not query:
        return []
    found = store.search(query)
    titles = {r["id"]: r["title"] or r["ext_id"] for r in store.document_summaries({d for d, _ in found})}  # only the hits'
    return [SearchHit(doc_id, str(titles.get(doc_id, doc_id)), " ".join(snip.split()), query)
            for doc_id, snip in found]


def word_offsets(text: str, query: str) -> tuple[int, int] | None:
    """Where a search hit's article shows the query: the first of its words found (case-insensitive)."""
    lowered = text.lower()
    for word in query.split():
        index = lowered.find(word.lower())
        if index >= 0:
            return index, index + len(word)
    return None


def listed_entities(store: Store) -> list[tuple[int, str]]:
    """The entities a picker lists (those with a live mention): id and "name (TYPE)"."""
    return [(e.id, f"{e.name} ({e.type})") for e in store.entities()]


def first_mention(store: Store, entity_id: int) -> tuple[int, Key] | None:
    """The article and key of the entity's first live mention."""
    m = next((m for m in store.mentions(include_rejected=False) if m.entity_id == entity_id), None)
    return (m.doc_id, ("mention", m.id)) if m else None


def document_holdings(store: Store, doc_id: int) -> str:
    """What an article holds, for "delete it?": "2 entity mentions, 1 quote" ("" for none)."""
    counts = [(len(store.mentions(doc_id)), "entity mention"), (len(store.quotes(doc_id)), "quote"),
              (len(store.claims(doc_id)), "claim")]
    return ", ".join(f"{n} {what}{'s' if n != 1 else ''}" for n, what in counts if n)


# The entity across the story -----------------------------------------------------------------------


class StoryRow(NamedTuple):
    text: str
    target: tuple[int, Key]  # (doc_id, span key) that a click opens


@dataclass
class EntityStory:
    """One entity across the story: a row per quote it is credited with, one row per article that
    mentions it.  :meth:`update` re-reads only the articles that changed."""

    entity_id: int | None = None
    name: str = ""
    per_doc: dict[int, tuple[list[StoryRow], StoryRow | None]] = field(default_factory=dict)

    def read(self, store: Store, entity_id: int | None) -> bool:
        """Read the whole story of ``entity_id``; False (and an empty story) if there is no such entity."""
        self.entity_id, self.per_doc, self.name = None, {}, ""
        if entity_id is None:
            return False
        try:
            entity = store.entity(entity_id)
        except KeyError:
            return False
        self.entity_id, self.name = entity_id, entity.name
        found: dict[int, tuple[list, list]] = {}
        for q in store.quotes(include_rejected=False):
            if q.speaker_entity_id == entity_id:
                found.setdefault(q.doc_id, ([], []))[0].append(q)
        for m in store.mentions(include_rejected=False):
            if m.entity_id == entity_id:
                found.setdefault(m.doc_id, ([], []))[1].append(m)
        self.per_doc = {doc_id: _story_rows(store, doc_id, *rows) for doc_id, rows in found.items()}
        return True

    def update(self, store: Store, changed_docs: Iterable[int]) -> bool:
        """Re-read the changed articles only; False if the entity is gone (then nothing is read)."""
        if self.entity_id is None:
            return False
        try:
            self.name = store.entity(self.entity_id).name
        except KeyError:
            return False
        entity_id = self.entity_id
        for doc_id in changed_docs:
            if store.document_summaries([doc_id]):
                quotes = [q for q in store.quotes(doc_id, include_rejected=False) if q.speaker_entity_id == entity_id]
                mentions = [m for m in store.mentions(doc_id, include_rejected=False) if m.entity_id == entity_id]
            else:  # the article was deleted
                quotes, mentions = [], []
            self.per_doc.pop(doc_id, None)
            if quotes or mentions:
                self.per_doc[doc_id] = _story_rows(store, doc_id, quotes, mentions)
        return True

    def rows(self) -> list[StoryRow]:
        """The quotes (oldest first), then one row per article that mentions the entity, by article."""
        quotes = sorted((row for rows in self.per_doc.values() for row in rows[0]), key=lambda r: r.target[1][1])
        return quotes + [rows[1] for _, rows in sorted(self.per_doc.items()) if rows[1] is not None]

    def title(self) -> str:
        quotes = sum(len(rows[0]) for rows in self.per_doc.values())
        return f"{self.name} — {quotes} quotes in {len(self.per_doc)} articles"


def _story_rows(store: Store, doc_id: int, quotes: list, mentions: list) -> tuple[list[StoryRow], StoryRow | None]:
    """One article's part of the story: a row per quote, one row for its mentions."""
    summary = (store.document_summaries([doc_id]) or [{}])[0]
    outlet = summary.get("source") or " ".join((summary.get("title") or summary.get("lead")
                                                or summary.get("ext_id") or "").split())[:40]
    text = store.document(doc_id).text if quotes else ""
    quote_rows = []
    for q in quotes:
        content = " … ".join(" ".join(f.text(text).split()) for f in q.content)
        quote_rows.append(StoryRow(f"“{content[:160]}” — {outlet} ({q.type})", (doc_id, ("quote", q.id))))
    mention_row = None
    if mentions:
        mention_row = StoryRow(f"{outlet}: {len(mentions)} mention{'s' if len(mentions) != 1 else ''}",
                               (doc_id, ("mention", mentions[0].id)))
    return quote_rows, mention_row
