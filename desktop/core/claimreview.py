"""schema.org ClaimReview records as Google's Fact Check structured data requires them.

Plain Python (no Qt, no spaCy, no store).  :func:`desktop.core.exporters.write_claimreview` feeds
it the claims of each document and writes the records as one JSON array (``claimreview`` format).

What Google requires and recommends
===================================

From Google Search Central, "Fact check (ClaimReview) structured data"
(https://developers.google.com/search/docs/appearance/structured-data/factcheck), the
property tables:

* ``ClaimReview``: **required** ``claimReviewed``, ``reviewRating``, ``url``; recommended
  ``author`` (the organisation publishing the fact check, with ``name`` and ``url``),
  ``datePublished``, ``itemReviewed``.
* ``Claim`` (``itemReviewed``): recommended ``appearance``, ``author`` (Organization or Person),
  ``datePublished``, ``firstAppearance``.
* ``Rating`` (``reviewRating``): **required** ``alternateName`` (the textual verdict, the only
  value shown); ``bestRating``, ``worstRating``, ``ratingValue`` and ``name`` are recommended
  for numeric rating scales.

Claimdesk's verdicts are textual (the claim's ``verdict`` label), so a Rating has
``alternateName`` only, and the numeric properties are not expected.  ``firstAppearance`` is the
first place a claim appeared, which a project of articles cannot know, so it is never written
and not reported; the article the claim was annotated in is its ``appearance``.

How each field is filled
========================

``url``
    the project setting ``claimreview.url`` with ``{document}`` and ``{claim}`` filled in
    (:mod:`desktop.core.settings`); ``claimdesk settings PROJECT claimreview.url URL``.
``author``
    ``Organization`` with the settings ``publisher.name`` and ``publisher.url``.
``datePublished``
    the day the claim was last changed (its ``updated_at``).
``claimReviewed``, ``reviewBody``
    the claim's text; its note.
``reviewRating``
    ``Rating`` with ``alternateName`` the claim's ``verdict`` label.
``itemReviewed``
    ``Claim``: ``author`` is the claimant's canonical entity when the project knows one, by the
    claim's link or by the claimant's text as the entity's name *or alias* ("AP", an alias of the
    ORG "Associated Press", is the ``Organization`` "Associated Press"); a ``PERSON``/``PER``
    entity, or a claimant the project has no entity for, is a ``Person``, any other type an
    ``Organization``.  ``datePublished`` is the article's date; ``appearance`` the article
    (``NewsArticle`` with ``url``, ``headline``, ``datePublished``, ``publisher``).

Every URL written is an ``http``/``https`` address (others are dropped), and the writer escapes
``<``, ``>``, ``&``, U+2028 and U+2029, so a record pasted into ``<script
type="application/ld+json">`` can never end the element or open a comment.

A record missing a **required** property is not written (Google ignores it, and a publisher must
not ship it); a record missing a recommended one is written.  Either way the export's notes say,
per claim, which properties are missing (:func:`missing_properties`), after one summary line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from desktop.core.model import Claim, Document, Entity
from desktop.core.settings import claimreview_url, web_url
from desktop.core.wording import plural

__all__ = [
    "GOOGLE_RECOMMENDED",
    "GOOGLE_REQUIRED",
    "VERDICT_SET",
    "Claimants",
    "ReviewCheck",
    "claim_review",
    "missing_properties",
    "summary_notes",
]

#: The claim label set whose label is a ClaimReview's verdict.
VERDICT_SET = "verdict"

#: Google's required properties (dotted paths into a record); a record without one is skipped.
GOOGLE_REQUIRED: tuple[str, ...] = ("claimReviewed", "reviewRating.alternateName", "url")
#: Google's recommended properties that a project can supply; a record without one is written
#: with a note.
GOOGLE_RECOMMENDED: tuple[str, ...] = (
    "author.name", "author.url", "datePublished", "itemReviewed",
    "itemReviewed.author.name", "itemReviewed.datePublished", "itemReviewed.appearance.url",
)

_PERSON_TYPES = {"PERSON", "PER"}


def _value(record: Any, path: str) -> Any:
    """The value at a dotted ``path`` (a list is searched item by item), or None."""
    values = [record]
    for key in path.split("."):
        found = []
        for value in values:
            items = value if isinstance(value, list) else [value]
            found += [item[key] for item in items if isinstance(item, dict) and item.get(key) not in (None, "", [], {})]
        values = found
    return values[0] if values else None


def missing_properties(record: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(required, recommended) properties of Google's lists that ``record`` lacks."""
    return ([p for p in GOOGLE_REQUIRED if _value(record, p) is None],
            [p for p in GOOGLE_RECOMMENDED if _value(record, p) is None])


class Claimants:
    """Who made a claim: the canonical entity of a claimant, found by link, name or alias."""

    def __init__(self, entities: Iterable[Entity], lookup: Callable[[int], Entity] | None = None):
        self._lookup = lookup
        self.by_id: dict[int, Entity] = {}
        self._by_text: dict[str, Entity] = {}
        aliases: dict[str, Entity] = {}
        for e in sorted(entities, key=lambda e: e.id):
            self.by_id[e.id] = e
            self._by_text.setdefault(e.name, e)
            for alias in e.aliases:
                aliases.setdefault(alias, e)
        for alias, e in aliases.items():  # a name wins over another entity's alias
            self._by_text.setdefault(alias, e)

    def entity(self, claim: Claim) -> Entity | None:
        linked = claim.claimant_entity_id
        if linked is not None:
            if linked not in self.by_id and self._lookup is not None:
                self.by_id[linked] = self._lookup(linked)
            if linked in self.by_id:
                return self.by_id[linked]
        return self._by_text.get((claim.claimant or "").strip()) if claim.claimant else None

    def author(self, claim: Claim) -> dict[str, Any] | None:
        entity = self.entity(claim)
        if entity is None:
            name = (claim.claimant or "").strip()
            return {"@type": "Person", "name": name} if name else None
        return {"@type": "Person" if entity.type in _PERSON_TYPES else "Organization", "name": entity.name}


@dataclass(frozen=True)
class ReviewCheck:
    """One claim's record and what Google's lists say it lacks."""

    claim: Claim
    document: Document
    record: dict[str, Any]
    required: tuple[str, ...]
    recommended: tuple[str, ...]

    @property
    def written(self) -> bool:
        return not self.required

    def note(self) -> str:
        text = self.document.text[self.claim.start:self.claim.end]
        short = " ".join(text.split())
        short = short if len(short) <= 40 else short[:39] + "…"
        head = f"claim {self.claim.id} in {self.document.ext_id} ({short!r}): "
        if self.required:
            head += f"skipped, missing required {', '.join(self.required)}"
            if self.recommended:
                head += f"; recommended {', '.join(self.recommended)}"
            return head
        return head + f"written, missing recommended {', '.join(self.recommended)}"


def _appearance(doc: Document) -> dict[str, Any]:
    url = web_url(doc.url)
    appearance: dict[str, Any] = {"@type": "NewsArticle" if (url or doc.title) else "CreativeWork"}
    if url:
        appearance["url"] = url
    if doc.title:
        appearance["headline"] = doc.title
    if doc.published:
        appearance["datePublished"] = doc.published
    if doc.source:
        appearance["publisher"] = {"@type": "Organization", "name": doc.source}
    return appearance


def _publisher(settings: dict[str, str]) -> dict[str, Any] | None:
    name, url = settings.get("publisher.name"), web_url(settings.get("publisher.url"))
    if not name and not url:
        return None
    author: dict[str, Any] = {"@type": "Organization"}
    if name:
        author["name"] = name
    if url:
        author["url"] = url
    return author


def claim_review(doc: Document, claim: Claim, claimants: Claimants, settings: dict[str, str]) -> ReviewCheck | None:
    """The ClaimReview of ``claim`` with its check, or None for a claim without a verdict (it was
    not fact-checked, so there is nothing to publish)."""
    verdict = claim.labels.get(VERDICT_SET)
    if not verdict:
        return None
    item: dict[str, Any] = {"@type": "Claim"}
    author = claimants.author(claim)
    if author is not None:
        item["author"] = author
    if doc.published:
        item["datePublished"] = doc.published
    item["appearance"] = _appearance(doc)
    review: dict[str, Any] = {"@context": "https://schema.org", "@type": "ClaimReview"}
    url = claimreview_url(settings.get("claimreview.url"), doc.ext_id, claim.id)
    if url:
        review["url"] = url
    publisher = _publisher(settings)
    if publisher is not None:
        review["author"] = publisher
    if claim.prov.updated_at:
        review["datePublished"] = claim.prov.updated_at[:10]
    review["claimReviewed"] = doc.text[claim.start:claim.end]
    review["itemReviewed"] = item
    review["reviewRating"] = {"@type": "Rating", "alternateName": verdict}
    if claim.note:
        review["reviewBody"] = claim.note
    if claim.prov.status == "suggested":
        review["creativeWorkStatus"] = "Draft"
    required, recommended = missing_properties(review)
    return ReviewCheck(claim, doc, review, tuple(required), tuple(recommended))


def summary_notes(checks: Sequence[ReviewCheck], unrated: int, settings: dict[str, str]) -> list[str]:
    """The export's notes: one summary line, what to set, then one line per incomplete claim."""
    written = [c for c in checks if c.written]
    skipped = len(checks) - len(written)
    incomplete = [c for c in checks if c.required or c.recommended]
    line = f"claimreview: {len(written)} written, {skipped} skipped (a required property missing)"
    partial = sum(1 for c in written if c.recommended)
    if partial:
        line += f", {partial} written without every recommended property"
    if unrated:
        line += f"; {plural(unrated, 'claim')} without a {VERDICT_SET} label not reviewed"
    notes = [line]
    unset = [k for k in ("claimreview.url", "publisher.name", "publisher.url") if not settings.get(k)]
    if unset and checks:
        notes.append("set " + ", ".join(unset) + " with: claimdesk settings PROJECT KEY VALUE")
    notes += [c.note() for c in incomplete]
    return notes
