"""Quote detection and speaker attribution over a spaCy parse.

``extract_quotes(doc)`` returns interchange quote dicts (see DESIGN.md, "Interchange JSONL")::

    {"content": [{"start", "end"}, ...], "speaker": {"start", "end"} | None,
     "cue": {"start", "end"} | None, "type": "direct" | "indirect" | "mixed"}

plus ``"speaker_resolved": {"start", "end"}`` when the speaker is a pronoun and a named person
mention before it is a compatible antecedent. Offsets are Python string offsets into
``doc.text``.

How it works, in three passes (the stages are the package's modules: :mod:`.marks` for 1,
:mod:`.attribution` for 2 with the span builders in :mod:`.spans`, :mod:`.linking` for 3, then
:mod:`.stripped`, :mod:`.conventions` and :mod:`.output`; :func:`extract_quotes` below runs them):

1. *Quotation marks* are paired with a character scanner that knows every style news uses
   (“…”, "…", «…», „…“, ‘…’, ‹…›), tolerates broken pairs (a closing mark with no opening
   one starts the quote at the paragraph start; an opening mark never closed ends at the
   paragraph end) and follows quotes over several paragraphs (an opening mark on each
   paragraph, no closing one until the end).
2. *Attributions* come from the dependency parse: a reporting verb (said, told, warned,
   described … as, called on … to, …) or "according to" gives the cue; its subject (or the
   agent of a passive, or the head of a relative clause, or the subject up a chain of
   participles and conjunctions) gives the speaker; its clausal complement (without the
   leading "that") gives the content; "X, he said, Y" gives two content fragments around the
   reporting clause; "Trump's claim that ..." (a reporting noun with a possessor, a "from"/"by"
   source, or the subject of a light verb: "expressed concern that ...") counts too, and so do
   "made (it) clear that ...", "What X said was ...", "pointed out ...", "blasted X for Y" and
   "a banner saying that ...". "Name: text" paragraphs (headlines, transcripts), title-case headlines that quote someone
   ("Senator Ortiz Slams Deal As A ‘Betrayal’"), "“…” ― Name"
   lines and a paragraph introduced by "X added:" at the end of the one before are attributions.
   A report inside a quotation belongs to the quoted words and is not output separately;
   an indirect report that names no source (passive without agent, "Asked about X, ...") is
   not a quote (except PARC's sourceless passives and a fronted "Asked about X," question under "parc", below). Reported content leaves out the narrator's words around it: the leading "that"
   or connector ("But ..."), a final ", which ..." or participle clause, and a verb joined to
   the clause in the reporting verb's tense ("said he would X and warned ...").
3. *Linking*: a quoted span inside an attribution's content makes it direct (the content is the
   quote) or mixed (the content is partly quoted); a quoted span with no such attribution takes
   the reporting clause right after it (“…,” Blinken said) or right before it (Blinken said:
   “…”); a second quoted span right after that clause is a second fragment of the same quote;
   a paragraph that is only a quote continues the previous paragraph's speaker. A remaining
   long quoted span is a quote with no speaker; short ones (scare quotes, titles) are dropped.
   Quotes whose marks were stripped ("We don't ..., Blinken told Lavrov, the AP reported.
   This is a critical moment.") keep the sentence after the reporting clause as a second
   fragment and do not repeat the quote for the relaying source.

Two *content conventions* (``extract_quotes(doc, content=...)``): "clause" (the default) gives the
reported words alone, without the complementizer; "parc" follows PARC 3.0 and PolNeAR, whose
content spans start at "that" ("said that “…”" too), whose speaker in "an economist who
said ..." is the relative pronoun, resolved to its antecedent like "he", and whose attributions
do not nest (a report inside another report's content is part of it). "parc" also attributes
what PARC counts besides speech (the rules of :data:`.context.PARC_RULES`): an intention's
infinitive ("plans to ...", "refuses to ..."), a stance's or finding's object ("endorsed X",
"polls show X"), passives that name no source, output without a speaker ("X is expected to
...", "X was accused of ..."), and a label in quotation marks that any verb gives its object
("pounded X as a “con artist”", rule ``quoted_label``). Dataset builders who train or evaluate on those corpora choose
"parc"; everything else is the same in both.

Transcripts: a stage direction ("(CROSSTALK.)") or a "Follow X on Twitter" sign-off is no one's
speech and does not continue the previous speaker; a headline's "Name:" label must look like a
name, not a title-case phrase ("Stealth Over Health:"). A speaker's span leaves out a time
phrase or the words before a spaced dash ("Last week Stumpf said").

A pronoun speaker ("he said") keeps the pronoun as its span and gets ``speaker_resolved``: the
nearest person name before it that is a main-clause subject or a quote's speaker (a resolved
pronoun passes its person on), else the nearest person name; mentions inside quotation marks
are never antecedents.

The rules only read token attributes (no extra model) and run in one pass over the tokens plus
a character scan: about 2% of the parse time on news articles.
"""
from __future__ import annotations

from typing import Any

from desktop.nlp.quotes.attribution import _colon_blocks, _find_attributions, _label_attributions
from desktop.nlp.quotes.context import Attribution, _Ctx
from desktop.nlp.quotes.conventions import (
    CONTENT_CONVENTIONS,
    DEFAULT_CONTENT,
    _parc_convention,
    check_content_convention,
)
from desktop.nlp.quotes.linking import (
    _attribute_adjacent_cues,
    _join_quote_before_cue,
    _join_second_fragments,
    _link_parse_attributions,
    _MarkIndex,
    _quote_paragraphs,
    _split_transcripts,
    _take_label_paragraphs,
)
from desktop.nlp.quotes.marks import MarkQuote, find_mark_quotes
from desktop.nlp.quotes.output import _output_quotes
from desktop.nlp.quotes.stripped import (
    _extend_stripped_quotes,
    _stripped_mark_cleanup,
    _trim_reported_content,
)


def extract_quotes(doc: Any, content: str = DEFAULT_CONTENT, *, rules: list[str] | None = None) -> list[dict]:
    """Quotes in a parsed spaCy ``Doc`` as interchange dicts, in text order.

    ``content`` names the content convention (:data:`CONTENT_CONVENTIONS`). The steps are the
    module docstring's passes; each is a function that says what it decides. ``rules``, when
    given, gets the name of the rule behind each quote (:data:`.rules.RULES`), in the same order.
    """
    parc = check_content_convention(content) == "parc"
    ctx = _Ctx(doc, parc)
    marks = find_mark_quotes(ctx.text, ctx.paragraphs)
    ctx.mark_spans = sorted((m.start, m.end) for m in marks)
    atts = _find_attributions(ctx)
    labels = _label_attributions(ctx)
    results: list[Attribution] = []
    label_paras = _take_label_paragraphs(ctx, labels, marks, results)
    marks = _split_transcripts(ctx.text, labels, marks)
    inside_mark = _MarkIndex(marks).inside
    by_mark = _link_parse_attributions(ctx, atts, marks, label_paras, inside_mark, results)
    _join_quote_before_cue(ctx, by_mark, marks, inside_mark)
    _attribute_adjacent_cues(ctx, marks, results, by_mark)
    _join_second_fragments(ctx, marks, by_mark)
    _quote_paragraphs(ctx, marks, results)
    results.extend(_colon_blocks(ctx, results, inside_mark))  # 3b. "The governor added:" + paragraph
    _extend_stripped_quotes(ctx, results, inside_mark)
    _stripped_mark_cleanup(ctx, results)
    _trim_reported_content(ctx, results, inside_mark)
    if parc:
        _parc_convention(ctx, results)
    return _output_quotes(ctx, results, inside_mark, rules)


__all__ = ['CONTENT_CONVENTIONS', 'DEFAULT_CONTENT', 'MarkQuote', 'check_content_convention', 'extract_quotes', 'find_mark_quotes']
