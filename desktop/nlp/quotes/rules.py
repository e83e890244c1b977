"""The quote rules by name: every rule that can make a quote, with the stage it belongs to and
what it does (its docstring's first sentence). ``extract_quotes(doc, rules=[...])`` says which
rule made each quote; the example cases in ``tests/nlp/quotes/cases/`` name the rule they show,
and a test checks that every rule here has one."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop.nlp.quotes.attribution import (
    _according_to,
    _colon_blocks,
    _fronted_question,
    _headline_colon,
    _headline_verb,
    _label_attributions,
    _made_clear,
    _noun_cue,
    _quoted_label,
)
from desktop.nlp.quotes.linking import _attribute_adjacent_cues, _quote_paragraphs
from desktop.nlp.quotes.spans import _CONTENT_RULES


@dataclass(frozen=True)
class Rule:
    name: str
    stage: str
    what: str


def _what(fn: Callable[..., Any]) -> str:
    doc = " ".join((fn.__doc__ or "").split())
    return re.split(r"(?<!Mr)(?<!Ms)(?<!Dr)(?<!Mrs)\.\s+(?=[A-Z\"“])", doc, maxsplit=1)[0].rstrip(".") if doc else fn.__name__


def _rules() -> dict[str, Rule]:
    found = [Rule(f"verb/{fn.__name__.lstrip('_')}", "attribution: reporting verbs, one content rule per construction, "
                  "the first that decides wins", _what(fn)) for fn in _CONTENT_RULES]
    found += [Rule("noun_cue", "attribution", _what(_noun_cue)), Rule("made_clear", "attribution", _what(_made_clear)),
              Rule("according_to", "attribution", _what(_according_to)),
              Rule("quoted_label", "attribution", _what(_quoted_label)),
              Rule("asked_fronted", "attribution", _what(_fronted_question)),
              Rule("colon_label", "attribution", _what(_label_attributions)),
              Rule("colon_block", "attribution", _what(_colon_blocks)),
              Rule("headline", "attribution", _what(_headline_colon) + "; " + _what(_headline_verb)[:1].lower()
                   + _what(_headline_verb)[1:]),
              Rule("adjacent_cue", "linking", _what(_attribute_adjacent_cues)),
              Rule("quote_paragraph", "linking", _what(_quote_paragraphs)),
              Rule("quote_without_source", "linking", "a long quote that is its whole paragraph, with no speaker")]
    return {r.name: r for r in found}


#: every rule, by name, in the order they are tried within a stage
RULES: dict[str, Rule] = _rules()
