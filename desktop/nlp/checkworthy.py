"""Check-worthiness: a cold-start score in [0, 1] per sentence, for claim suggestions.

No training data: the score is a logistic of counts a fact-checker would name when asked what
makes a sentence worth checking, with hand-set weights:

* for: numbers and quantities (a figure, a percentage, an amount of money), comparisons ("more
  than", "the highest", "-er than"), dates and years, named entities (people, organisations,
  places, laws), factual verbs of change and record (increase, cut, vote, cost, double, ...),
  a named source or reporting cue ("according to", "said"), a statement in the past tense;
* against: opinion and hedging markers (I think, believe, maybe, probably, hope, should, ...),
  questions, very short sentences, and the talk around the statements (greetings, thanks,
  applause, moderators' turns).

A sentence that opens with a speaker label ("SANDERS: ...", a transcript turn) is scored without
it. :func:`claim_suggestions` gives the claim suggestions of a parsed ``Doc``: one per sentence,
its ``score``, and its claimant when the sentence is (in) a quote: the quote's speaker (the name
a pronoun stands for). Pre-annotation keeps those at or above the project's
``claims.threshold`` (:mod:`desktop.core.settings`).
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

__all__ = ["claim_suggestions", "sentence_score"]

_LABEL = re.compile(r"\s*[A-Z][A-Z .'\-]{1,40}:\s")
_FIGURE_ENTS = frozenset({"CARDINAL", "PERCENT", "MONEY", "QUANTITY"})
_NAMED_ENTS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LAW", "EVENT", "FAC", "LOC"})
_FACTUAL = frozenset("""increase decrease rise fall drop grow double triple halve cut raise lower reduce cost
spend pay lose gain create kill die vote pass sign ban fund tax earn owe borrow hire fire build invest
import export produce employ approve reject veto win elect lead rank account total average""".split())
_REPORTING = frozenset("say tell report state announce show find according estimate confirm".split())
_HEDGES = frozenset("""think believe feel guess hope wish want maybe perhaps probably possibly seem
opinion imagine suppose love hate like should must ought""".split())
_TALK = frozenset("thank thanks welcome applause laughter crosstalk please congratulations okay ok hello".split())
_COMPARATIVE_WORDS = frozenset({"than", "most", "least", "fewer", "only", "record", "every", "never", "always"})

_BIAS = -1.6
_W = {"figure": 1.3, "money": 0.5, "comparison": 0.6, "date": 0.5, "entity": 0.3, "factual": 0.6,
      "reporting": 0.3, "past": 0.3, "length": 0.03, "hedge": -0.9, "question": -1.0, "short": -1.2,
      "talk": -1.0}


def _words(span: Any) -> list[Any]:
    return [t for t in span if not (t.is_punct or t.is_space)]


def sentence_score(span: Any) -> float:
    """The check-worthiness of one sentence (a spaCy ``Span``), in [0, 1]."""
    words = _words(span)
    if not words:
        return 0.0
    x = _BIAS + _W["length"] * min(len(words), 40)
    ents = [e for e in span.ents]
    lemmas = {t.lemma_.lower() for t in words}
    lowers = {t.lower_ for t in words}
    if any(e.label_ in _FIGURE_ENTS for e in ents) or any(t.like_num and t.ent_type_ != "DATE" for t in words):
        x += _W["figure"]
    if any(e.label_ in ("PERCENT", "MONEY") for e in ents) or lowers & {"percent", "%", "$", "billion", "million"}:
        x += _W["money"]
    if any(t.tag_ in ("JJR", "RBR", "JJS", "RBS") for t in words) or lowers & _COMPARATIVE_WORDS:
        x += _W["comparison"]
    if any(e.label_ == "DATE" for e in ents):
        x += _W["date"]
    x += _W["entity"] * min(3, sum(1 for e in ents if e.label_ in _NAMED_ENTS))
    if lemmas & _FACTUAL:
        x += _W["factual"]
    if lemmas & _REPORTING:
        x += _W["reporting"]
    if any(t.tag_ in ("VBD", "VBN") for t in words):
        x += _W["past"]
    if lemmas & _HEDGES or lowers & _HEDGES:
        x += _W["hedge"]
    if "?" in span.text:
        x += _W["question"]
    if len(words) < 6:
        x += _W["short"]
    if lowers & _TALK:
        x += _W["talk"]
    return round(1.0 / (1.0 + math.exp(-x)), 4)


def _without_label(doc: Any, sent: Any) -> Any:
    """The sentence without a leading speaker label ("SANDERS: "), as a span of ``doc``."""
    m = _LABEL.match(sent.text)
    if m is None:
        return sent
    inner = doc.char_span(sent.start_char + m.end(), sent.end_char, alignment_mode="contract")
    return inner if inner is not None and len(inner) else sent


def _claimant(text: str, quotes: Sequence[dict[str, Any]], start: int, end: int) -> str | None:
    """The speaker of the quote whose content covers most of ``start:end`` (the name a pronoun
    stands for), or None."""
    best, best_overlap = None, 0
    for q in quotes:
        who = q.get("speaker_resolved") or q.get("speaker")
        if not who:
            continue
        overlap = sum(max(0, min(end, f["end"]) - max(start, f["start"])) for f in q.get("content") or ())
        if overlap > best_overlap:
            best, best_overlap = text[who["start"]:who["end"]].strip(), overlap
    return best or None


def claim_suggestions(doc: Any, quotes: Sequence[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    """One claim dict per sentence of a parsed ``Doc``: ``{"start", "end", "claimant", "score"}``
    (offsets of the sentence without its speaker label; ``quotes``: the document's quote dicts,
    for the claimant)."""
    out = []
    text = doc.text
    for sent in doc.sents:
        span = _without_label(doc, sent)
        start, end = span.start_char, span.end_char
        while end > start and text[end - 1].isspace():
            end -= 1
        if end <= start or not _words(span):
            continue
        out.append({"start": start, "end": end, "claimant": _claimant(text, quotes, start, end),
                    "score": sentence_score(span)})
    return out
