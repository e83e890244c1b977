"""Where Tab and Shift+Tab go in the article: the next or previous annotation of the layer being
reviewed, in reading order, from the selected span or, with none selected, from the cursor
(Qt-free; the window passes the spans it shows, the selected key, the cursor and the layer).

- The layer: View ▸ Tab Through chooses entities, quotes, claims or all layers; the default,
  :data:`FOLLOW`, steps through the layer of the selected span (a quote's speaker or cue counts as
  the quote's layer), and through all layers while nothing is selected.  Quotes and entities are
  never interleaved unless "all" is chosen.
- Reading order: by start offset, the longer span first when two start together (a quote before
  the mention at its start), then by layer (entities, quotes, claims) and id, so every span has one
  place.  From a selected span the next is the first span after it in that order (a span of
  another layer counts by where it is); from the cursor it is the first span starting at or after
  the cursor, and the previous one the last starting before it.
- At the end of the article Tab wraps to its first span (Shift+Tab at the start to the last),
  and says so: a reviewer goes through one article's layer, and Ctrl+PgDown moves on to the next
  article when they choose to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["FOLLOW", "LAYER_KEYS", "MODES", "Step", "layer_of", "step"]

Key = tuple[str, int]

FOLLOW = "selection"  # the selected span's layer (all layers while none is selected)
#: View ▸ Tab Through's choices, in menu order, and the span kinds each steps through
LAYER_KEYS: dict[str, tuple[str, ...]] = {
    "entities": ("mention",),
    "quotes": ("quote",),
    "claims": ("claim",),
    "all": ("mention", "quote", "claim"),
}
MODES = (FOLLOW, *LAYER_KEYS)
_SPAN_LAYER = {"mention": "entities", "quote": "quotes", "speaker": "quotes", "cue": "quotes", "claim": "claims"}
_RANK = {"mention": 0, "quote": 1, "speaker": 1, "cue": 1, "claim": 2}


@dataclass(frozen=True)
class Step:
    """Where a step lands: ``key`` (None: the layer has no span here), whether it went round the
    end of the article, and the layer it stepped through."""

    key: Key | None
    wrapped: bool = False
    layer: str = "all"


def layer_of(mode: str, current: Key | None) -> str:
    """The layer a step goes through: the chosen one, or the selected span's (all with none)."""
    if mode in LAYER_KEYS:
        return mode
    return _SPAN_LAYER.get(current[0], "all") if current else "all"


def _order(sp: Any) -> tuple[int, int, int, int]:
    return sp.start, -sp.end, _RANK.get(sp.key[0], 3), sp.key[1]


def step(spans: Sequence[Any], current: Key | None, cursor: int, direction: int, mode: str = FOLLOW,
         suggestions_only: bool = False) -> Step:
    """The span Tab (``direction`` 1) or Shift+Tab (-1) selects.  ``spans``: what the article shows
    (``key``, ``start``, ``end``, ``suggested``); ``current``: the selected span's key or None;
    ``cursor``: the caret (or the text selection's start) as a code-point offset.  With
    ``suggestions_only``, only model suggestions count (what accepting one moves on to)."""
    layer = layer_of(mode, current)
    kinds = LAYER_KEYS[layer]
    # (place in reading order, key) of each candidate: one pass, no sort (a Tab in an article of
    # 10,000 spans reads them once)
    places = [(_order(sp), sp.key) for sp in spans
              if sp.key[0] in kinds and (sp.suggested or not suggestions_only)]
    if not places:
        return Step(None, layer=layer)
    ref = next((sp for sp in spans if sp.key == current), None) if current is not None else None
    if ref is not None:
        at = _order(ref)
        after = [p for p in places if p[0] > at]
        before = [p for p in places if p[0] < at]
    else:
        after = [p for p in places if p[0][0] >= cursor]
        before = [p for p in places if p[0][0] < cursor]
    if direction > 0:
        return Step(min(after)[1], layer=layer) if after else Step(min(places)[1], True, layer)
    return Step(max(before)[1], layer=layer) if before else Step(max(places)[1], True, layer)
