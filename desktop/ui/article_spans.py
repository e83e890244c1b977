"""The spans the article view shows for the article open in the window, and how a change event
patches them.

:class:`ArticleSpans` turns an article's live quotes, claims and mentions into the view's
:class:`~desktop.ui.article_view.SpanItem` list (colours, tooltips, the links between a quote and
its speaker and cue), and remembers which entity each span's text and colour come from, so that a
renamed or merged entity redoes only the spans that show its name.  :meth:`ArticleSpans.patch`
redoes only the spans of the rows a :class:`~desktop.core.store.ChangeEvent` names, and says
so; when the event does not name its rows (a worker's ``refresh``) or names more than a rebuild
costs, it returns ``None`` and the window rebuilds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from desktop.core.store import ChangeEvent, Store
from desktop.ui.article_view import Key, SpanItem
from desktop.ui.theme import CLAIM_COLOR, speaker_color

_LAYERS = ("mention", "quote", "claim")


class ArticleSpans:
    """The spans of one article, by key, in the order the view keeps them."""

    def __init__(self) -> None:
        self.items: list[SpanItem] = []
        self._by_key: dict[Key, SpanItem] = {}
        self._entity_of: dict[Key, int | None] = {}  # span key -> the entity whose name it shows

    @property
    def shown_entities(self) -> dict[Key, int | None]:
        """span key -> the entity whose name it shows (what a renamed entity redoes)."""
        return dict(self._entity_of)

    def clear(self) -> None:
        self.items, self._by_key, self._entity_of = [], {}, {}

    def rebuild(self, store: Store, doc_id: int, text: str, label_colors: Mapping[str, str],
                quotes: Sequence[Any] | None = None, claims: Sequence[Any] | None = None,
                mentions: Sequence[Any] | None = None) -> list[SpanItem]:
        """All the spans of the article (its live rows, read unless given)."""
        if quotes is None or claims is None or mentions is None:
            quotes = store.quotes(doc_id, include_rejected=False)
            claims = store.claims(doc_id, include_rejected=False)
            mentions = store.mentions(doc_id, include_rejected=False)
        self._entity_of = {}
        self.items = self._spans_of(store, text, label_colors, quotes, claims, mentions)
        self._by_key = {sp.key: sp for sp in self.items}
        return self.items

    def patch(self, store: Store, doc_id: int, text: str, label_colors: Mapping[str, str],
              event: ChangeEvent) -> tuple[list[SpanItem], set[Key]] | None:
        """The spans to redo and the keys to remove for ``event`` (both empty when nothing of this
        article changed), with the list updated; None when the event does not name its rows or a
        rebuild is cheaper."""
        wanted = {t: event.rows(t) for t in ("mentions", "quotes", "claims", "entities")}
        if "labels" in event.tables or any(ids is None for ids in wanted.values()):
            return None
        ids: dict[str, set[int]] = {"mention": set(wanted["mentions"] or ()), "quote": set(wanted["quotes"] or ()),
                                    "claim": set(wanted["claims"] or ())}
        if wanted["entities"]:
            for key, entity_id in self._entity_of.items():
                if entity_id in wanted["entities"]:
                    ids[key[0]].add(key[1])
        if sum(map(len, ids.values())) > max(200, len(self.items) // 4):
            return None
        read = {"mention": store.mention, "quote": store.quote, "claim": store.claim}
        rows: dict[str, list[Any]] = {layer: [] for layer in _LAYERS}
        removed: set[Key] = set()
        for layer, layer_ids in ids.items():
            for row_id in layer_ids:
                try:
                    row = read[layer](row_id)
                except KeyError:
                    row = None
                if row is None or row.doc_id != doc_id or row.prov.status == "rejected":
                    self._entity_of.pop((layer, row_id), None)
                    removed.add((layer, row_id))
                else:
                    rows[layer].append(row)
                if layer == "quote":
                    removed |= {("speaker", row_id), ("cue", row_id), ("quote", row_id)}
        if not any(rows.values()) and not removed & self._by_key.keys():
            return [], set()  # nothing of this article changed
        changed = self._spans_of(store, text, label_colors, rows["quote"], rows["claim"], rows["mention"])
        removed -= {sp.key for sp in changed}
        for key in removed:
            self._by_key.pop(key, None)
        self._by_key.update((sp.key, sp) for sp in changed)
        self.items = list(self._by_key.values())
        return changed, removed

    def _spans_of(self, store: Store, text: str, label_colors: Mapping[str, str], quotes: Sequence[Any],
                  claims: Sequence[Any], mentions: Sequence[Any]) -> list[SpanItem]:
        names = store.entity_names([q.speaker_entity_id for q in quotes] + [m.entity_id for m in mentions])
        spans: list[SpanItem] = []
        for q in quotes:
            self._entity_of[("quote", q.id)] = q.speaker_entity_id
            speaker_name = names.get(q.speaker_entity_id) or (q.speaker.text(text) if q.speaker else None)
            color = speaker_color(speaker_name)
            suggested = q.prov.status == "suggested"
            links = []
            if q.speaker:
                links.append(("speaker", q.id))
                spans.append(SpanItem(("speaker", q.id), q.speaker.start, q.speaker.end, color, suggested,
                                      f"speaker · {speaker_name or '?'}", links=(("quote", q.id),)))
            if q.cue:
                links.append(("cue", q.id))
                spans.append(SpanItem(("cue", q.id), q.cue.start, q.cue.end, color, suggested, "cue",
                                      links=(("quote", q.id),)))
            spans.append(SpanItem(("quote", q.id), q.content[0].start, q.content[-1].end, color, suggested,
                                  f"{q.type} quote · {speaker_name or 'no speaker'} · {q.prov.status}",
                                  fragments=tuple((f.start, f.end) for f in q.content), links=tuple(links)))
        for c in claims:
            labels = ", ".join(c.labels.values()) or "unlabelled"
            spans.append(SpanItem(("claim", c.id), c.start, c.end, CLAIM_COLOR, c.prov.status == "suggested",
                                  f"claim · {labels} · {c.claimant or 'no claimant'} · {c.prov.status}"))
        for m in mentions:
            self._entity_of[("mention", m.id)] = m.entity_id
            entity = names.get(m.entity_id, "")
            spans.append(SpanItem(("mention", m.id), m.start, m.end, label_colors.get(m.label, "#cccccc"),
                                  m.prov.status == "suggested",
                                  " · ".join(b for b in (m.label, entity, m.prov.status) if b)))
        return spans
