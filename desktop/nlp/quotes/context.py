"""What every stage shares: an :class:`Attribution` (cue, speaker, content, type) and the per-document
lookups (:class:`_Ctx`)."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from desktop.nlp.quotes.labels import clearnlp_view
from desktop.nlp.quotes.lexicon import Lexicon, lexicon_for
from desktop.nlp.quotes.marks import MarkQuote

#: the content rules that report under the "parc" convention only (intentions, stances, findings)
PARC_RULES = frozenset({"content_intention", "content_stance_object", "content_raised_passive",
                        "content_charged_passive"})
#: the rules whose attributions have no source (PARC's "X is expected to ...", "X was accused of
#: ..."), output all the same
SOURCELESS_RULES = frozenset({"verb/content_raised_passive", "verb/content_charged_passive", "asked_fronted"})


@dataclass
class Attribution:
    cue: tuple[int, int] | None
    speaker: tuple[int, int] | None
    content: list[tuple[int, int]]
    qtype: str = "indirect"
    cue_i: int = -1  # cue token index
    speaker_i: int = -1  # speaker head token index
    marks: list[MarkQuote] = field(default_factory=list)
    resolved: tuple[int, int] | None = None
    rule: str = ""  # the rule that made it (:data:`desktop.nlp.quotes.rules.RULES`); never output


class _Ctx:
    """Per-document lookups shared by the rules, and the lexicon of the document's language
    (``doc.lang_``; :class:`~desktop.nlp.quotes.lexicon.UnsupportedLanguage` when there is none).
    ``doc`` is the document in ClearNLP labels (:func:`~desktop.nlp.quotes.labels.clearnlp_view`)."""

    def __init__(self, doc: Any, parc: bool = False):
        self.parc = parc  # the "parc" content convention: intentions are attributions too
        self.lex: Lexicon = lexicon_for(doc.lang_)
        self.doc = clearnlp_view(doc)  # a UD-labelled parse read with the labels the rules test
        self.text = doc.text
        self.tok_starts = doc.to_array("IDX").tolist() if len(doc) else []
        text = self.text
        paras = []
        start = 0
        for m in re.finditer(r"\n", text):
            if m.start() > start:
                paras.append((start, m.start()))
            start = m.end()
        if start < len(text):
            paras.append((start, len(text)))
        self.paragraphs = [p for p in paras if text[p[0]:p[1]].strip()]
        self.para_starts = [p[0] for p in self.paragraphs]
        self.mark_spans: list[tuple[int, int]] = []  # the quotation marks' spans, in text order
        self.content_rule = ""  # the content rule that decided last (spans._content_from_children)
        self.ent_of: dict[int, Any] = {}
        for ent in doc.ents:
            for i in range(ent.start, ent.end):
                self.ent_of[i] = ent

    def token_at(self, char: int) -> int:
        """Index of the token containing (or starting after) a character offset."""
        i = bisect.bisect_right(self.tok_starts, char) - 1
        return max(i, 0)

    def para_of(self, char: int) -> int:
        return bisect.bisect_right(self.para_starts, char) - 1
