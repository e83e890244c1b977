"""Stage 4, quotes whose marks were stripped: the sentence after the reporting clause as a second
fragment, no repeat for the relaying source, and the trims of reported content."""
from __future__ import annotations

from typing import Any

from desktop.nlp.quotes.attribution import _is_cue_token
from desktop.nlp.quotes.context import Attribution, _Ctx
from desktop.nlp.quotes.linking import _InsideMark
from desktop.nlp.quotes.marks import _STRIP_CHARS, _strip
from desktop.nlp.quotes.spans import _CLAUSE_RULES, _trim_lead, _trim_tail


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
            if len(words) < 2 or any(_is_cue_token(ctx, t) for t in nxt):
                break
            root = nxt.root
            low = {t.lower_ for t in words}
            speechlike = bool(low & (ctx.lex.first_person | {"you", "your"})) or root.tag_ in ("VBZ", "VBP", "MD") or any(
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
        if not (pw & ctx.lex.first_person) or any(_is_cue_token(ctx, t) for t in prev_sent):
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
    if words & ctx.lex.first_person:
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
        if att.rule in ("verb/content_passive", "verb/content_stance_object"):
            continue  # a passive's subject ("X was endorsed by Y") is its content whole
        _extend_stripped_quote(ctx, att, inside_mark)


def _trim_reported_content(ctx: _Ctx, results: list[Attribution], inside_mark: _InsideMark) -> None:
    """Reported (not direct) content leaves out the narrator's words at its ends
    (:func:`_trim_lead`, :func:`_trim_tail`), except fragments starting in quotation marks;
    transcript labels (no cue token) are left alone."""
    cues = [r.cue[0] for r in results if r.cue is not None]
    for r in results:
        if r.qtype != "direct" and r.content and r.cue_i >= 0:
            keep = cues if ctx.parc and r.rule in _CLAUSE_RULES else None
            r.content = [f if inside_mark(f[0]) is not None else _trim_tail(ctx, _trim_lead(ctx, f, ctx.parc and r.rule == "verb/content_complement"), keep) for f in r.content]
