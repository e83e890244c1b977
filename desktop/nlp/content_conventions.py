"""The names of the quote content conventions (:mod:`desktop.nlp.quotes.conventions` applies them),
in a module of their own so that the command line builds ``--content`` without loading the
quote rules."""

from __future__ import annotations

#: How far reported content reaches; "clause" is the default.
CONTENT_CONVENTIONS = {
    "clause": "the reported words alone: no leading \"that\" or narrator's connector (\"But ...\")",
    "parc": "PARC/PolNeAR spans: the complementizer \"that\" is part of the content, a report"
            " inside another report's content is part of it, not a quote of its own, and what PARC"
            " counts besides speech is attributed too: intentions (\"plans to ...\"), stances and"
            " findings (\"endorsed X\", \"polls show X\"), passives with no source (\"X is"
            " expected to ...\", \"X was accused of ...\")",
}
DEFAULT_CONTENT = "clause"
