"""What the editor's views show, read from the store (Qt-free, print-free).

- :func:`search_hits`: the project search's results (article title, snippet with where the query's
  words are in it, where the first word of the query is in the text);
- :class:`EntityStory`: "across the story", an entity's quotes in every article and where each
  article mentions it, kept per article so a change in a few articles re-reads only those;
- :func:`listed_entities`, :func:`first_mention`, :func:`document_holdings`: the speaker picker,
  "show the entity", and what deleting an article takes with it;
- :func:`entity_choices` (:class:`EntityChoice`, :func:`choice_order`) and :func:`speaker_types`:
  what the entity picker offers and in which order (people and organisations first, then by name;
  only entities with a live mention, so none merged away or left empty), what its type-ahead
  matches (name and aliases), and the types a new entity from the selection can take.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from desktop.core.store import Store
from desktop.core.wording import plural

__all__ = ["PICKER_FIRST", "EntityChoice", "EntityStory", "SearchHit", "StoryRow", "choice_order",
           "document_holdings", "entity_choices", "first_mention", "listed_entities", "match_rank", "search_hits",
           "speaker_types", "word_offsets"]

Key = tuple[str, int]


@dataclass(frozen=True)
class SearchHit:
    doc_id: int
    title: str
    snippet: str  # on one line, as the text has it (no match markers)
    query: str
    marks: tuple[tuple[int, int], ...] = ()  # where the query's words are in ``snippet``


def _folded(text: str) -> str:
    """Text as the full-text index compares it (unicode61, diacritics removed, any case)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


_MARKED = re.compile(r"\[([^\[\]]+)\]")


def marked_snippet(snippet: str, query: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The index's snippet (matches in ``[`` ``]``) as plain text and the ranges of the matches.
    A bracket the article itself holds stays: only a bracketed word of the query is a match."""
    words = set(re.findall(r"\w+", _folded(query)))
    out: list[str] = []
    marks: list[tuple[int, int]] = []
    at = length = 0
    for m in _MARKED.finditer(snippet):
        inner = m.group(1)
        if not words & set(re.findall(r"\w+", _folded(inner))):
            continue
        out.append(snippet[at:m.start()])
        length += m.start() - at
        marks.append((length, length + len(inner)))
        out.append(inner)
        length += len(inner)
        at = m.end()
    out.append(snippet[at:])
    return "".join(out), tuple(marks)


def document_title(row: dict[str, Any], limit: int = 70) -> str:
    """How the window names an article (the articles list too): its title, else its first line
    (cut at ``limit`` with "…"), else its id."""
    if row.get("title"):
        return row["title"]
    lead = (row.get("lead") or "").strip()
    first = " ".join(lead.splitlines()[0].split()) if lead else ""
    if len(first) > limit:
        first = first[: limit - 1] + "…"
    return first or row.get("ext_id") or str(row["id"])


def search_hits(store: Store, query: str) -> list[SearchHit]:
    """The project's articles matching ``query`` (full-text index), with their titles and where
    the query's words are in each snippet."""
    query = query.strip()
    if not query:
        return []
    found = store.search(query)
    titles = {r["id"]: document_title(r) for r in store.document_summaries([d for d, _ in found])} if found else {}
    hits = []
    for doc_id, snip in found:
        text, marks = marked_snippet(" ".join(snip.split()), query)
        hits.append(SearchHit(doc_id, titles.get(doc_id, str(doc_id)), text, query, marks))
    return hits


def word_offsets(text: str, query: str) -> tuple[int, int] | None:
    """Where a search hit's article shows the query: the first of its words found (case-insensitive)."""
    lowered = text.lower()
    for word in query.split():
        index = lowered.find(word.lower())
        if index >= 0:
            return index, index + len(word)
    return None


def listed_entities(store: Store) -> list[tuple[int, str]]:
    """The entities a picker lists (:func:`entity_choices`): id and "name (TYPE)"."""
    return [(c.id, c.text) for c in entity_choices(store)]


#: the entity types a picker lists first, in this order (speakers and claimants are people or bodies)
PICKER_FIRST = ("PERSON", "ORG")
_PICKER_RANK = {t: i for i, t in enumerate(PICKER_FIRST)}


class EntityChoice(NamedTuple):
    """One entity a picker offers."""

    id: int
    name: str
    type: str
    aliases: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """What the picker shows: "Sergey Lavrov (PERSON)"."""
        return f"{self.name} ({self.type})"

    @property
    def search(self) -> str:
        """What typing matches, anywhere and in any case: the name and every alias."""
        return " | ".join((self.name, *self.aliases))

    def matches(self, typed: str) -> bool:
        """Whether the picker's type-ahead offers it for ``typed`` (contained, case-insensitive)."""
        return typed.casefold() in self.search.casefold()


def match_rank(search: str, typed: str) -> int:
    """How well ``typed`` matches an entity's ``search`` text (:attr:`EntityChoice.search`), best
    first: 0 the whole name or an alias, 1 a whole word of one, 2 the start of a word, 3 anywhere
    ("russia": Russia 0, Disrupt Russia 1; "russ": Russia, Disrupt Russia 2, Liz Truss 3). The
    picker lists matches by rank, then in :func:`choice_order` (people and organisations first)."""
    needle = typed.strip().casefold()
    if not needle:
        return 0
    best = 4
    for part in search.casefold().split(" | "):
        words = re.findall(r"\w+", part)
        if part == needle:
            return 0
        if needle in words:
            best = min(best, 1)
        elif part.startswith(needle) or any(w.startswith(needle) for w in words):
            best = min(best, 2)
        elif needle in part:
            best = min(best, 3)
    return best


def choice_order(type_: str, name: str, entity_id: int) -> tuple[int, str, str, int]:
    """Where an entity stands in a picker: people, then organisations, then the other types, each
    by name (case-insensitive), then id."""
    return _PICKER_RANK.get(type_, len(PICKER_FIRST)), name.casefold(), name, entity_id


def entity_choices(store: Store) -> list[EntityChoice]:
    """What an entity picker offers: every entity a live mention links to (merged-away entities are
    gone, and one whose mentions were all rejected or moved is left out), in :func:`choice_order`."""
    choices = [EntityChoice(e.id, e.name, e.type, tuple(e.aliases)) for e in store.entities()]
    return sorted(choices, key=lambda c: choice_order(c.type, c.name, c.id))


def speaker_types(store: Store) -> tuple[str, ...]:
    """The entity labels a new entity from the selection can take, people and organisations first."""
    names = [lab.name for lab in store.labels("entity")]
    return tuple([t for t in PICKER_FIRST if t in names] + [n for n in names if n not in PICKER_FIRST])


def first_mention(store: Store, entity_id: int) -> tuple[int, Key] | None:
    """The article and key of the entity's first live mention."""
    m = store.first_entity_mention(entity_id)
    return (m.doc_id, ("mention", m.id)) if m else None


def document_holdings(store: Store, doc_id: int) -> str:
    """What an article holds, for "delete it?": "2 entity mentions, 1 quote" ("" for none)."""
    counts = [(len(store.mentions(doc_id)), "entity mention"), (len(store.quotes(doc_id)), "quote"),
              (len(store.claims(doc_id)), "claim")]
    return ", ".join(plural(n, what) for n, what in counts if n)


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
        """Read the whole story of ``entity_id``; False (and an empty story) if there is no such entity.
        Only the entity's own rows are read (by its index): its quotes, and per article its first
        mention and how many it has (counted by SQLite), not the project's every mention."""
        self.entity_id, self.per_doc, self.name = None, {}, ""
        if entity_id is None:
            return False
        try:
            entity = store.entity(entity_id)
        except KeyError:
            return False
        self.entity_id, self.name = entity_id, entity.name
        self.per_doc = _story_of(store, entity_id, None)
        return True

    def update(self, store: Store, changed_docs: Iterable[int]) -> bool:
        """Re-read the changed articles only; False if the entity is gone (then nothing is read)."""
        if self.entity_id is None:
            return False
        try:
            self.name = store.entity(self.entity_id).name
        except KeyError:
            return False
        changed = set(changed_docs)
        for doc_id in changed:
            self.per_doc.pop(doc_id, None)
        if changed:  # (a deleted article has no rows left: it is gone from the story)
            self.per_doc.update(_story_of(store, self.entity_id, changed))
        return True

    def rows(self) -> list[StoryRow]:
        """The quotes (oldest first), then one row per article that mentions the entity, by article."""
        quotes = sorted((row for rows in self.per_doc.values() for row in rows[0]), key=lambda r: r.target[1][1])
        return quotes + [rows[1] for _, rows in sorted(self.per_doc.items()) if rows[1] is not None]

    def title(self) -> str:
        quotes = sum(len(rows[0]) for rows in self.per_doc.values())
        return f"{self.name} — {plural(quotes, 'quote')} in {plural(len(self.per_doc), 'article')}"


def _story_of(store: Store, entity_id: int, doc_ids: set[int] | None) -> dict[int, tuple[list[StoryRow], StoryRow | None]]:
    """The story rows of the articles that hold the entity (of ``doc_ids`` only, if given)."""
    quotes: dict[int, list] = {}
    for q in store.entity_quotes(entity_id, doc_ids):
        quotes.setdefault(q.doc_id, []).append(q)
    mentions = {doc_id: (first, n) for doc_id, first, n in store.entity_mention_docs(entity_id, doc_ids)}
    docs = sorted(quotes.keys() | mentions.keys())
    summaries = {}
    for chunk in range(0, len(docs), 500):
        summaries.update((r["id"], r) for r in store.document_summaries(docs[chunk:chunk + 500]))
    return {doc_id: _story_rows(store, doc_id, summaries.get(doc_id, {}), quotes.get(doc_id, []),
                                mentions.get(doc_id)) for doc_id in docs}


def _story_rows(store: Store, doc_id: int, summary: dict[str, Any], quotes: list,
                mentions: tuple[int, int] | None) -> tuple[list[StoryRow], StoryRow | None]:
    """One article's part of the story: a row per quote, one row for its mentions (``mentions``:
    the first one's id and how many)."""
    outlet = summary.get("source") or " ".join((summary.get("title") or summary.get("lead")
                                                or summary.get("ext_id") or "").split())[:40]
    text = (store.document_text(doc_id) or "") if quotes else ""
    quote_rows = []
    for q in quotes:
        content = " … ".join(" ".join(f.text(text).split()) for f in q.content)
        quote_rows.append(StoryRow(f"“{content[:160]}” — {outlet} ({q.type})", (doc_id, ("quote", q.id))))
    mention_row = None
    if mentions:
        first, n = mentions
        mention_row = StoryRow(f"{outlet}: {plural(n, 'mention')}", (doc_id, ("mention", first)))
    return quote_rows, mention_row
