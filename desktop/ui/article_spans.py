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
from operator import attrgetter
from typing import Any

from desktop.core.store import ChangeEvent, Store
from desktop.ui.article_view import Key, SpanItem
from desktop.ui.span_table import Entry, SpanTable
from desktop.ui.theme import CLAIM_COLOR, speaker_color

_LAYERS = ("mention", "quote", "claim")
_START, _END, _ID = attrgetter("start"), attrgetter("end"), attrgetter("id")
_QUOTE_LANES = ("quote", "speaker", "cue")


def _entries(quotes: Sequence[Any], claims: Sequence[Any], mentions: Sequence[Any]) -> dict[str, list[Entry]]:
    """The table's lanes of rows: a quote is in the quote lane and, by its speaker and cue, in
    theirs; a claim and a mention in their own."""
    return {
        "quote": [(q.content[0].start, q.content[-1].end, ("quote", q.id), q) for q in quotes],
        "speaker": [(q.speaker.start, q.speaker.end, ("speaker", q.id), q) for q in quotes if q.speaker],
        "cue": [(q.cue.start, q.cue.end, ("cue", q.id), q) for q in quotes if q.cue],
        "claim": [(c.start, c.end, ("claim", c.id), c) for c in claims],
        "mention": [(m.start, m.end, ("mention", m.id), m) for m in mentions],
    }


def _columns(entries: list[Entry]) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    return [en[0] for en in entries], [en[1] for en in entries], [en[2] for en in entries], [en[3] for en in entries]


class ArticleSpans:
    """The spans of one article, by key, in the order the view keeps them.

    The rows are kept in a :class:`~desktop.ui.span_table.SpanTable` (lanes by start); their span
    objects are built when the view shows them (near the viewport) or asks for one by key, and
    the whole list (:attr:`items`) when it is asked for."""

    def __init__(self) -> None:
        self.table = SpanTable()

    @property
    def items(self) -> list[SpanItem]:
        """Every span of the article (built on first use)."""
        return self.table.spans()

    @property
    def shown_entities(self) -> dict[Key, int | None]:
        """span key -> the entity whose name it shows (what a renamed entity redoes)."""
        shown: dict[Key, int | None] = {en[2]: en[3].entity_id for en in self.table.lane_entries("mention")}
        shown.update((en[2], en[3].speaker_entity_id) for en in self.table.lane_entries("quote"))
        return shown

    def clear(self) -> None:
        self.table = SpanTable()

    def rebuild(self, store: Store, doc_id: int, text: str, label_colors: Mapping[str, str],
                quotes: Sequence[Any] | None = None, claims: Sequence[Any] | None = None,
                mentions: Sequence[Any] | None = None) -> SpanTable:
        """All the spans of the article (its live rows, read unless given), to be built on demand.
        The mentions, the most by far, go in as the store's columns (``Store.mention_columns``)
        when they are not given: parallel lists, without a tuple per row (nor a key)."""
        if quotes is None or claims is None:
            quotes = store.quotes(doc_id, include_rejected=False)
            claims = store.claims(doc_id, include_rejected=False)

        def build(lane: str, rows: list[Any]) -> list[SpanItem]:
            if lane in _QUOTE_LANES:
                return self._spans_of(store, text, label_colors, rows, (), ())
            return self._spans_of(store, text, label_colors, (), rows if lane == "claim" else (),
                                  rows if lane == "mention" else ())

        self.table = SpanTable(build)
        for lane, entries in _entries(quotes, claims, ()).items():
            self.table.add_lane(lane, *_columns(entries))
        if mentions is None:
            starts, ends, ids, rows = store.mention_columns(doc_id, include_rejected=False)
        else:
            rows = list(mentions)
            starts, ends, ids = list(map(_START, rows)), list(map(_END, rows)), list(map(_ID, rows))
        self.table.add_layer_lane("mention", starts, ends, ids, rows)
        return self.table

    def patch(self, store: Store, doc_id: int, text: str, label_colors: Mapping[str, str],
              event: ChangeEvent) -> tuple[list[SpanItem], set[Key]] | None:
        """The spans to redo and the keys to remove for ``event`` (both empty when nothing of this
        article changed), with the table updated; None when the event does not name its rows or a
        rebuild is cheaper."""
        wanted = {t: event.rows(t) for t in ("mentions", "quotes", "claims", "entities")}
        if "labels" in event.tables or any(ids is None for ids in wanted.values()):
            return None
        ids: dict[str, set[int]] = {"mention": set(wanted["mentions"] or ()), "quote": set(wanted["quotes"] or ()),
                                    "claim": set(wanted["claims"] or ())}
        if wanted["entities"]:
            for key, entity_id in self.shown_entities.items():
                if entity_id in wanted["entities"]:
                    ids[key[0]].add(key[1])
        if sum(map(len, ids.values())) > max(200, self.table.entry_count() // 4):
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
                    removed.add((layer, row_id))
                else:
                    rows[layer].append(row)
                if layer == "quote":
                    removed |= {("speaker", row_id), ("cue", row_id), ("quote", row_id)}
        if not any(rows.values()) and not any(self.table.has(k) for k in removed):
            return [], set()  # nothing of this article changed
        changed = self._spans_of(store, text, label_colors, rows["quote"], rows["claim"], rows["mention"])
        self.table.remove(removed | {sp.key for sp in changed})
        for lane, entries in _entries(rows["quote"], rows["claim"], rows["mention"]).items():
            self.table.insert(lane, entries)
        self.table.remember(changed)  # the spans just built (the view is given the same)
        removed -= {sp.key for sp in changed}
        return changed, removed

    def _spans_of(self, store: Store, text: str, label_colors: Mapping[str, str], quotes: Sequence[Any],
                  claims: Sequence[Any], mentions: Sequence[Any]) -> list[SpanItem]:
        names = store.entity_names([q.speaker_entity_id for q in quotes] + [m.entity_id for m in mentions])
        spans: list[SpanItem] = []
        for q in quotes:
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
            entity = names.get(m.entity_id, "")
            spans.append(SpanItem(("mention", m.id), m.start, m.end, label_colors.get(m.label, "#cccccc"),
                                  m.prov.status == "suggested",
                                  " · ".join(b for b in (m.label, entity, m.prov.status) if b)))
        return spans
