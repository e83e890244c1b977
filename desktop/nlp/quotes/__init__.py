"""Quote detection and speaker attribution over a spaCy parse.

``extract_quotes(doc)`` returns interchange quote dicts (see DESIGN.md, "Interchange JSONL")::

    {"content": [{"start", "end"}, ...], "speaker": {"start", "end"} | None,
     "cue": {"start", "end"} | None, "type": "direct" | "indirect" | "mixed"}

plus ``"speaker_resolved": {"start", "end"}`` when the speaker is a pronoun and a named person
mention before it is a compatible antecedent. Offsets are Python string offsets into
``doc.text``.

How it works, in three passes:

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
   "a banner saying that ...". "Name: text" paragraphs (headlines, transcripts), "“…” ― Name"
   lines and a paragraph introduced by "X added:" at the end of the one before are attributions.
   A report inside a quotation belongs to the quoted words and is not output separately;
   an indirect report that names no source (passive without agent, "Asked about X, ...") is
   not a quote. Reported content leaves out the narrator's words around it: the leading "that"
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
content spans start at "that" ("said that “…”" too) and whose speaker in "an economist who
said ..." is the relative pronoun, resolved to its antecedent like "he". Dataset builders who
train or evaluate on those corpora choose "parc"; everything else is the same in both.

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

from desktop.core.interchange import QuoteRecord, quote_suggestion_json
from desktop.core.model import Span
from desktop.nlp.quotes.attribution import (
    _colon_blocks,
    _find_attributions,
    _is_cue_token,
    _label_attributions,
)
from desktop.nlp.quotes.context import Attribution, _Ctx
from desktop.nlp.quotes.conventions import (
    CONTENT_CONVENTIONS,
    DEFAULT_CONTENT,
    _parc_convention,
    check_content_convention,
)
from desktop.nlp.quotes.lexicon import _RELATIVE, FIRST_PERSON, PRONOUNS_ANY, lemma_of
from desktop.nlp.quotes.linking import (
    _attribute_adjacent_cues,
    _InsideMark,
    _join_quote_before_cue,
    _join_second_fragments,
    _link_parse_attributions,
    _MarkIndex,
    _quote_paragraphs,
    _split_transcripts,
    _take_label_paragraphs,
)
from desktop.nlp.quotes.marks import _STRIP_CHARS, MarkQuote, _strip, find_mark_quotes
from desktop.nlp.quotes.spans import _PronounResolver, _trim_lead, _trim_tail


def _trailing(att: Attribution) -> bool:
    """Whether the reporting clause follows all of the content ("..., Blinken said")."""
    return bool(att.content) and att.cue is not None and att.content[-1][1] <= att.cue[0]


def _stripped_mark_cleanup(ctx: _Ctx, results: list[Attribution]) -> None:
    """Direct quotes recognised without quotation marks (step 4), made consistent.

    - a report inside such a quote ("But I do hope and expect that ...") belongs to the quoted
      words, as it does inside quotation marks;
    - a source named after the reporting clause ("Q, Blinken told Lavrov, the AP reported")
      reports the same words: it is not a second quote over them;
    - a sentence after the reporting clause in the same paragraph continues the quote when it
      has no reporting verb of its own and reads as speech (present tense, or first or second
      person): "Q, Blinken told Lavrov. This is a critical moment."
    """
    doc, text = ctx.doc, ctx.text
    stripped = [r for r in results if r.qtype == "direct" and not r.marks and r.content and _trailing(r)]
    if not stripped:
        return
    for r in results:
        if r.marks or not r.content or r.cue is None or r in stripped:
            continue
        if any(s.content[0][0] <= r.cue[0] < s.content[-1][1] for s in stripped):
            r.content = []  # a report inside the quoted words
    for r in stripped:
        if not r.content:
            continue
        for s in stripped:
            if s is r or not s.content or s.cue is None:
                continue
            a, b = r.content[0][0], r.content[-1][1]
            if a <= s.content[0][0] and s.content[-1][1] <= b and a <= s.cue[0] < b:
                r.content = []  # "..., X told Y, the AP reported": the AP relays X's words
                break
    for r in stripped:
        if not r.content or r.cue_i < 0:
            continue
        pi = ctx.para_of(r.cue[0])
        pe = ctx.paragraphs[pi][1] if pi >= 0 else len(text)
        # the reporting clause may have a nested source after it ("..., the AP reported")
        sent = doc[r.cue_i].sent
        extra = []
        while sent.end < len(doc):
            nxt = doc[sent.end].sent
            if nxt.start_char >= pe or nxt.start == sent.start:
                break
            words = [t for t in nxt if not t.is_punct and not t.is_space]
            if len(words) < 2 or any(_is_cue_token(t) for t in nxt):
                break
            root = nxt.root
            low = {t.lower_ for t in words}
            speechlike = bool(low & (FIRST_PERSON | {"you", "your"})) or root.tag_ in ("VBZ", "VBP", "MD") or any(
                c.dep_ == "aux" and c.tag_ in ("VBZ", "VBP", "MD") for c in root.children)
            if not speechlike:
                break
            span = _strip(text, nxt.start_char, min(nxt.end_char, pe))
            if span[1] <= span[0]:
                break
            extra.append(span)
            sent = nxt
        r.content += extra


def _fronted_report_start(ctx: _Ctx, att: Attribution, sent: Any, ps: int, inside_mark: _InsideMark) -> int:
    """Fronted report: "X had told Y that ..., but Z ..., the source added": the whole sentence
    before the attribution, in its paragraph (``ps`` on) and outside quotation marks, is what was
    reported; ``att``'s content is widened to it. Returns where the content starts."""
    text = ctx.text
    a = att.content[0][0]
    if len(att.content) == 1 and ps <= sent.start_char < a and att.speaker is not None and att.speaker[0] > a:
        lead = _strip(text, sent.start_char, a, _STRIP_CHARS + "\"“”‘’«»„")
        if lead[1] > lead[0] and inside_mark(lead[0]) is None:
            a = lead[0]
            att.content[0] = (a, att.content[0][1])
    return a


def _first_person_lead(ctx: _Ctx, sent: Any, ps: int, a: int, inside_mark: _InsideMark) -> int:
    """Where the quote whose content starts at ``a`` in sentence ``sent`` really starts: back over
    the sentences before it in its paragraph that speak in the first person and have no
    reporting verb of their own (outside quotation marks)."""
    doc = ctx.doc
    new_a = a
    while sent.start > 0:
        prev_sent = doc[sent.start - 1].sent
        if prev_sent.start_char < ps or inside_mark(prev_sent.start_char) is not None:
            break
        pw = {t.lower_ for t in prev_sent}
        if not (pw & FIRST_PERSON) or any(_is_cue_token(t) for t in prev_sent):
            break
        new_a = prev_sent.start_char
        sent = prev_sent
    return new_a


def _extend_stripped_quote(ctx: _Ctx, att: Attribution, inside_mark: _InsideMark) -> None:
    """Step 4 for one attribution whose content comes before its cue: a fronted report takes its
    sentence (:func:`_fronted_report_start`); content that starts its sentence is direct when it
    speaks in the first person and reaches back over the first-person sentences before it
    (:func:`_first_person_lead`), which make it direct too."""
    doc, text = ctx.doc, ctx.text
    a = att.content[0][0]
    pi = ctx.para_of(a)
    ps = ctx.paragraphs[pi][0] if pi >= 0 else 0
    ti = ctx.token_at(a)
    sent = doc[ti].sent
    a = _fronted_report_start(ctx, att, sent, ps, inside_mark)
    if sent.start_char < a - 2 and text[sent.start_char:a].strip(" ,\u00a0\"“”‘’"):
        return
    words = {t.lower_ for t in doc[ti:ctx.token_at(att.content[0][1] - 1) + 1]}
    if words & FIRST_PERSON:
        att.qtype = "direct"
    new_a = _first_person_lead(ctx, sent, ps, a, inside_mark)
    if new_a < a:
        att.content[0] = (new_a, att.content[0][1])
        att.qtype = "direct"


def _extend_stripped_quotes(ctx: _Ctx, results: list[Attribution], inside_mark: _InsideMark) -> None:
    """Step 4: stripped marks ("We don't expect ... But I do hope ..., Blinken told Lavrov"):
    attributions without quotation marks whose content precedes the cue
    (:func:`_extend_stripped_quote`)."""
    for att in results:
        if att.marks or not att.content or att.cue is None or att.content[0][1] > att.cue[0]:
            continue
        _extend_stripped_quote(ctx, att, inside_mark)


def _trim_reported_content(ctx: _Ctx, results: list[Attribution], inside_mark: _InsideMark) -> None:
    """Reported (not direct) content leaves out the narrator's words at its ends
    (:func:`_trim_lead`, :func:`_trim_tail`), except fragments starting in quotation marks;
    transcript labels (no cue token) are left alone."""
    for r in results:
        if r.qtype != "direct" and r.content and r.cue_i >= 0:
            r.content = [f if inside_mark(f[0]) is not None else _trim_tail(ctx, _trim_lead(ctx, f)) for f in r.content]


def _quote_record(r: Attribution, resolved: tuple[int, int] | None) -> QuoteRecord:
    """Attribution ``r`` (and the antecedent its pronoun speaker stands for) as the interchange
    codec's quote; no provenance (the caller's)."""
    return QuoteRecord(content=tuple(Span(s, e) for s, e in r.content),
                       speaker=Span(*r.speaker) if r.speaker else None,
                       speaker_resolved=Span(*resolved) if resolved else None,
                       cue=Span(*r.cue) if r.cue else None, type=r.qtype)


def _resolve_speaker(ctx: _Ctx, resolver: _PronounResolver, r: Attribution) -> tuple[int, int] | None:
    """The antecedent of ``r``'s pronoun (or, PARC, relative) speaker, which becomes a candidate
    for the next pronouns, as does a person-like named speaker; None when there is none."""
    if r.speaker_i >= 0 and r.speaker is not None:
        tok = ctx.doc[r.speaker_i]
        if tok.pos_ == "PRON" or tok.lower_ in PRONOUNS_ANY or (tok.lower_ in _RELATIVE and r.resolved):
            res = r.resolved or resolver.resolve(r.speaker_i)
            if res is not None:
                r.resolved = res
                resolver.add(tok.idx, res)
                return res
        elif resolver.person_like(r.speaker_i):
            resolver.add(tok.idx, resolver.span(r.speaker_i))
        return None
    return r.resolved


def _output_quotes(ctx: _Ctx, results: list[Attribution], inside_mark: _InsideMark) -> list[dict]:
    """Step 5: the attributions as quote dicts in text order, without empty ones, indirect ones
    that name no source, and repeats of the same content and speaker."""
    resolver = _PronounResolver(ctx, lambda pos: inside_mark(pos) is not None)
    out = []
    seen = set()
    results.sort(key=lambda r: r.content[0][0] if r.content else -1)
    for r in results:
        if not r.content or (r.speaker is None and r.qtype == "indirect"):
            continue
        key = (tuple(r.content), r.speaker)
        if key in seen:
            continue
        seen.add(key)
        out.append(quote_suggestion_json(_quote_record(r, _resolve_speaker(ctx, resolver, r))))
    return out


def extract_quotes(doc: Any, content: str = DEFAULT_CONTENT) -> list[dict]:
    """Quotes in a parsed spaCy ``Doc`` as interchange dicts, in text order.

    ``content`` names the content convention (:data:`CONTENT_CONVENTIONS`). The steps are the
    module docstring's passes; each is a function that says what it decides.
    """
    parc = check_content_convention(content) == "parc"
    ctx = _Ctx(doc)
    marks = find_mark_quotes(ctx.text, ctx.paragraphs)
    ctx.mark_spans = [(m.start, m.end) for m in marks]
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
    return _output_quotes(ctx, results, inside_mark)


__all__ = ['CONTENT_CONVENTIONS', 'DEFAULT_CONTENT', 'MarkQuote', 'check_content_convention', 'extract_quotes', 'find_mark_quotes', 'lemma_of']
