"""Quote confidence: how likely a quote suggestion is right end to end (content and speaker), in [0, 1].

The score is a lookup on general features of the attribution, never on anything of one article:

* the quote's **type** (direct, mixed, indirect);
* the **speaker's kind**: a name (a named entity or a proper noun heads the span), a pronoun
  resolved to a name earlier in the text, an unresolved pronoun, a common noun ("the official"),
  or no speaker at all;
* for indirect quotes, the **cue**: "say" and "tell" report speech; other cues (believe, hope,
  warn, "according to") more often report a stance, a poll or a document;
* the **rule** that made it (:data:`desktop.nlp.quotes.rules.RULES`): a colon label (a transcript
  turn, "Name: text") is as sure as a direct quote with a named speaker, and the passives that
  name no source under the parc convention ("X is expected to ...", "X was accused of ...") are
  right far more often than other quotes without a speaker.

The values are the rates at which such suggestions were right on held-out news (PolNeAR's dev
split, scored end to end with the corrected ``score_quotes.py`` matching), rounded down, so a
suggestion scored 0.9 or more is right at least nine times in ten there;
``scripts/quote_calibration.py`` checks that on any gold file. No model is trained: this table
is the whole scorer, and a new rule gets the row of its type and speaker kind.
"""
from __future__ import annotations

from typing import Any

from desktop.nlp.quotes.lexicon import lexicon_for

__all__ = ["SPEAKER_KINDS", "quote_score", "score_quotes", "speaker_kind"]

SPEAKER_KINDS = ("named", "resolved", "unresolved", "common", "none")
_NAMED_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC"})
#: cues that report speech (the rest report stances, findings, documents)
_SPEECH_CUES = frozenset({"say", "says", "said", "saying", "tell", "tells", "told", "telling"})

#: (type, speaker kind) -> score; indirect quotes split by their cue below
_TABLE: dict[tuple[str, str], float] = {
    ("direct", "named"): 0.95, ("direct", "resolved"): 0.93, ("direct", "common"): 0.86,
    ("direct", "unresolved"): 0.55, ("direct", "none"): 0.07,
    ("mixed", "named"): 0.87, ("mixed", "resolved"): 0.80, ("mixed", "common"): 0.78,
    ("mixed", "unresolved"): 0.55, ("mixed", "none"): 0.07,
    ("indirect", "named"): 0.69, ("indirect", "resolved"): 0.58, ("indirect", "common"): 0.60,
    ("indirect", "unresolved"): 0.50, ("indirect", "none"): 0.07,
}
#: indirect reports whose cue is "say" or "tell" are right more often
_INDIRECT_SPEECH: dict[str, float] = {"named": 0.85, "resolved": 0.75, "common": 0.70, "unresolved": 0.55}
#: rules whose output is as sure as its row says or surer
_RULE_FLOOR: dict[str, float] = {"colon_label": 0.90}
#: rules that make quotes with no speaker on purpose (:data:`.context.SOURCELESS_RULES`)
_SOURCELESS_RULE: dict[str, float] = {"verb/content_raised_passive": 0.70, "verb/content_charged_passive": 0.70}


def _span(doc: Any, value: Any) -> Any:
    if not value:
        return None
    return doc.char_span(value["start"], value["end"], alignment_mode="expand")


def speaker_kind(doc: Any, quote: dict[str, Any]) -> str:
    """One of :data:`SPEAKER_KINDS` for an interchange quote dict over ``doc``."""
    span = _span(doc, quote.get("speaker"))
    if span is None or not len(span):
        return "none"
    root = span.root
    low = root.lower_
    lex = lexicon_for(doc.lang_)
    if root.pos_ == "PRON" or low in lex.pronouns or (len(span) == 1 and low in lex.relative_pronouns):
        return "resolved" if quote.get("speaker_resolved") else "unresolved"
    if any(t.ent_type_ in _NAMED_TYPES for t in span) or root.pos_ == "PROPN":
        return "named"
    return "common"


def quote_score(doc: Any, quote: dict[str, Any], rule: str = "") -> float:
    """The confidence of one quote suggestion (an :func:`extract_quotes` dict) over ``doc``."""
    kind = speaker_kind(doc, quote)
    qtype = quote.get("type") or "direct"
    score = _TABLE.get((qtype, kind), 0.5)
    if qtype == "indirect" and kind in _INDIRECT_SPEECH:
        cue = _span(doc, quote.get("cue"))
        if cue is not None and any(t.lower_ in _SPEECH_CUES for t in cue):
            score = _INDIRECT_SPEECH[kind]
    if kind != "none":
        score = max(score, _RULE_FLOOR.get(rule, 0.0))
    elif rule in _SOURCELESS_RULE:
        score = _SOURCELESS_RULE[rule]
    return score


def score_quotes(doc: Any, quotes: list[dict[str, Any]], rules: list[str]) -> None:
    """Give each quote of ``doc`` its ``score``, in place (``rules``: the rule of each, in order)."""
    for quote, rule in zip(quotes, rules, strict=True):
        quote["score"] = quote_score(doc, quote, rule)
