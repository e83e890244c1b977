"""Stage 3, linking quotation marks and attributions: a quoted span inside an attribution's content,
the reporting clause right after or before a quote, second fragments, quote-only paragraphs
continuing the previous speaker."""
from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any

from desktop.core.text import DOUBLE_CLOSERS
from desktop.nlp.quotes.attribution import _inverted_cue, _is_cue_token, _not_speech, _overlap
from desktop.nlp.quotes.context import Attribution, _Ctx
from desktop.nlp.quotes.marks import _WORD_RE, MarkQuote, _strip
from desktop.nlp.quotes.spans import _np_span, _speaker_head


class _DashCue:
    """Stands in for a cue token when the cue is a dash before the speaker's name."""

    def __init__(self, idx: int, text: str):
        while text[idx] not in "―—–":
            idx -= 1
        self.idx = idx
        self.text = text[idx]
        self.i = -1


def _cue_after(ctx: _Ctx, q: MarkQuote, next_start: int) -> tuple[Any, Any | None] | None:
    """A reporting clause right after a quote: “…,” Blinken said / said Blinken / ― Name."""
    doc, text = ctx.doc, ctx.text
    pi = ctx.para_of(q.end - 1)
    pe = ctx.paragraphs[pi][1] if pi >= 0 else len(text)
    limit = min(pe, next_start)
    k = q.end
    while k < limit and text[k] in " \t\u00a0":
        k += 1
    if k < limit and text[k] in "―—–":
        # dash attribution: “…” ― Name (to the end of the line)
        k += 1
        while k < limit and text[k] in " \t\u00a0":
            k += 1
        j = ctx.token_at(k)
        if doc[j].idx < k:
            j += 1
        if j < len(doc) and doc[j].idx < limit and (doc[j].pos_ == "PROPN" or ctx.ent_of.get(j) is not None):
            return _DashCue(k - 1, text), doc[j]
        return None
    i = ctx.token_at(q.end)
    if i < len(doc) and doc[i].idx < q.end:
        i += 1
    seen = 0
    while i < len(doc) and doc[i].idx < limit and seen < 12:
        t = doc[i]
        if t.text in (".", "!", "?", ";") and seen > 0:
            break
        if not t.is_punct and not t.is_space:
            seen += 1
            if _is_cue_token(ctx, t):
                if _has_own_content(ctx, t, q):
                    return None
                head = _speaker_head(ctx, t)
                if head is None:
                    # fallback: a name or pronoun right next to the verb
                    for k in (t.i + 1, t.i - 1):
                        if 0 <= k < len(doc) and (doc[k].pos_ in ("PROPN", "PRON") and doc[k].lower_ not in ("it",)):
                            head = doc[k]
                            break
                return t, head
        i += 1
    return None


def _has_own_content(ctx: _Ctx, t: Any, q: MarkQuote) -> bool:
    """Whether reporting verb ``t`` already has a clausal complement outside quote ``q``."""
    addressee = ctx.lex.lemma_of(t.lower_) in ("tell", "ask", "inform", "assure", "remind", "advise", "warn")
    for c in t.children:
        if c.dep_ in ("ccomp", "xcomp") or (c.dep_ == "dobj" and not addressee):
            a = c.left_edge.idx
            b = c.right_edge.idx + len(c.right_edge.text)
            if b <= q.start or a >= q.end:
                return True
    return False


def _cue_before(ctx: _Ctx, q: MarkQuote) -> tuple[Any, Any | None] | None:
    """A reporting clause right before a quote: Blinken said: “…” / Blinken told reporters, “…”."""
    doc, text = ctx.doc, ctx.text
    start = q.start
    i = ctx.token_at(start) - 1
    pi = ctx.para_of(start)
    ps = ctx.paragraphs[pi][0] if pi >= 0 else 0
    # colon introduction may be in the previous paragraph ("Caddell continued:")
    j = start - 1
    while j >= 0 and text[j] in " \t\r\n\u00a0":
        j -= 1
    colon_intro = j >= 0 and text[j] == ":"
    if colon_intro and j < ps:
        ps = ctx.paragraphs[pi - 1][0] if pi > 0 else 0
    seen = 0
    while i >= 0 and doc[i].idx >= ps and seen < 8:
        t = doc[i]
        if t.text in (".", "!", "?", "”", "»") and seen > 0:
            break
        if not t.is_punct and not t.is_space:
            seen += 1
            if _is_cue_token(ctx, t):
                if _has_own_content(ctx, t, q) and not colon_intro:
                    return None
                if not colon_intro and text[t.idx + len(t.text):start].strip(" ,\u00a0") not in ("",) and seen > 4:
                    return None
                if _inverted_cue(t):
                    return t, t.head
                return t, _speaker_head(ctx, t)
        i -= 1
    return None


_SMALL_WORDS = frozenset("a an the of and or for to in on at by with from".split())


def _title_like(text: str, m: MarkQuote) -> bool:
    """“Fox and Friends”, “State of the Union”: every word capitalized, small words aside."""
    words = _WORD_RE.findall(text, m.segments[0][0], m.segments[-1][1])
    return all(w[:1].isupper() or w.lower() in _SMALL_WORDS for w in words)


def _speaker_outside(ctx: _Ctx, cue: Any, head: Any | None, spans: list[tuple[int, int]]) -> Any | None:
    """The speaker head unless it lies inside the quoted content; then a name next to the cue."""
    def inside(tok: Any) -> bool:
        return any(a <= tok.idx < b for a, b in spans) or any(a <= tok.idx < b for a, b in ctx.mark_spans)

    if head is not None and not inside(head):
        return head
    doc = ctx.doc
    for k in (cue.i + 1, cue.i - 1, cue.i + 2, cue.i - 2):
        if 0 <= k < len(doc):
            tok = doc[k]
            if inside(tok) or "\n" in tok.text or tok.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL"):
                continue
            if tok.pos_ == "PROPN" or (tok.pos_ == "PRON" and tok.lower_ in ctx.lex.pronouns and tok.lower_ != "it"):
                ent = ctx.ent_of.get(k)
                return doc[ent.end - 1] if ent is not None else tok
    # “…,” Flynn, a top adviser, said: the first name before the cue, past an apposition
    found = None
    for k in range(cue.i - 1, max(-1, cue.i - 10), -1):
        tok = doc[k]
        if inside(tok) or "\n" in tok.text or tok.text in (".", "!", "?"):
            break
        ent = ctx.ent_of.get(k)
        if ent is not None and ent.label_ in ("PERSON", "ORG") and tok.pos_ == "PROPN":
            found = doc[ent.end - 1]
    return found


def _embedded_in(ctx: _Ctx, n: MarkQuote, gap_start: int, cue: Any) -> bool:
    """Whether quoted span ``n`` is a phrase of the reporting clause of ``cue`` (a title)."""
    doc = ctx.doc
    a, b = n.segments[0][0], n.segments[-1][1]
    t = doc[ctx.token_at(a)]
    for _ in range(30):
        h = t.head
        if h.i == t.i:
            return False
        if not (a <= h.idx < b):
            nominal = t.dep_ in ("pobj", "dobj", "appos", "attr", "compound", "nmod", "poss", "oprd", "npadvmod")
            return nominal and gap_start <= h.idx < n.start and (h.i == cue.i or cue.is_ancestor(h))
        t = h
    return False


def _gap_is_attribution(ctx: _Ctx, a: int, b: int, cue: Any) -> bool:
    """Whether everything between characters a and b is the reporting clause of ``cue``."""
    doc = ctx.doc
    i = ctx.token_at(a)
    while i < len(doc) and doc[i].idx < b:
        t = doc[i]
        if t.idx >= a and not t.is_punct and not t.is_space and t.i != cue.i and not cue.is_ancestor(t):
            return False
        i += 1
    return True


class _MarkIndex:
    """The quotation-mark quotes of a document in text order, looked up by position."""

    def __init__(self, marks: list[MarkQuote]):
        self.marks = marks
        self.starts = [m.start for m in marks]

    def inside(self, pos: int) -> MarkQuote | None:
        """The quote whose marks enclose character offset ``pos``, if any."""
        k = bisect.bisect_right(self.starts, pos) - 1
        if k >= 0 and self.marks[k].start <= pos < self.marks[k].end:
            return self.marks[k]
        return None


#: finds the quote whose marks enclose a character offset (:meth:`_MarkIndex.inside`)
_InsideMark = Callable[[int], MarkQuote | None]


def _take_label_paragraphs(ctx: _Ctx, labels: list[Attribution], marks: list[MarkQuote],
                           results: list[Attribution]) -> set[int]:
    """Label attributions ("Name: text") take their paragraph: they go to ``results``, the
    one-paragraph quotation marks inside them are theirs (transcripts quote within the label's
    text), and no parse attribution in those paragraphs counts. Returns those paragraphs."""
    label_paras = set()
    for la in labels:
        label_paras.add(ctx.para_of(la.cue[0]))
        taken = [m for m in marks if _overlap((m.start, m.end), la.content[0]) and len(m.segments) <= 1]
        for m in taken:
            m.used = True
        if len(taken) == 1 and taken[0].start <= la.content[0][0] and la.content[0][1] <= taken[0].end:
            # 'Biden: “We will not abandon our allies”': the label's text is all quoted
            la.content, la.qtype, la.marks = list(taken[0].segments), "direct", taken
        results.append(la)
    return label_paras


def _transcript_segments(text: str, labels: list[Attribution], segments: list[tuple[int, int]]
                         ) -> list[tuple[int, int]]:
    """The paragraphs of a multi-paragraph quote that stay in it, once each "NAME:" paragraph
    in it is its label's quote: an unlabelled paragraph after a label continues that speaker
    (it joins the label's content), one before any label stays, and a stage direction or a
    "Follow X on Twitter" line ("(CROSSTALK)") is nobody's."""
    keep = []
    current = None
    for seg in segments:
        hit = next((la for la in labels if _overlap(seg, la.content[0])), None)
        if hit is not None:
            current = hit
        elif _not_speech(text[seg[0]:seg[1]]):
            continue
        elif current is not None:
            current.content.append(seg)
        else:
            keep.append(seg)
    return keep


def _split_transcripts(text: str, labels: list[Attribution], marks: list[MarkQuote]) -> list[MarkQuote]:
    """Transcripts inside one long multi-paragraph quote (see :func:`_transcript_segments`);
    the quotes left with a paragraph."""
    for m in marks:
        if len(m.segments) < 2 or not labels:
            continue
        m.segments = _transcript_segments(text, labels, m.segments)
    return [m for m in marks if m.segments]


def _marks_in_content(att: Attribution, marks: list[MarkQuote]) -> list[MarkQuote]:
    """The free quotes (not yet used) that overlap a fragment of ``att``'s content."""
    span = (att.content[0][0], att.content[-1][1])
    linked = []
    for m in marks:
        if m.used:
            continue
        if m.start > span[1] + 2:
            break
        outer = (m.segments[0][0], m.segments[-1][1])
        if any(_overlap(outer, f) > 0 for f in att.content):
            linked.append(m)
    return linked


def _quote_before_named_cue(text: str, att: Attribution, linked: list[MarkQuote]) -> bool:
    """“…,” Flynn, an adviser, said: whether the parse made the name part of the quoted clause,
    so the content runs from the quotation to the cue. Then the quotation is direct and the
    rules for reporting clauses after a quote (step 2) attribute it, not this attribution."""
    end = linked[-1].end
    if not att.cue[0] > end or text[end:att.cue[0]].strip(" ,\u00a0") == "":
        return False
    tail = (end, att.cue[0])
    return (any(f[0] <= tail[0] and tail[1] <= f[1] + 2 for f in att.content)
            and text[end - 1] in DOUBLE_CLOSERS
            and text[end - 2] in ",?!"
            and linked[0].start <= att.content[0][0] + 1)


def _merge_mark_fragments(content: list[tuple[int, int]], linked: list[MarkQuote]) -> list[tuple[int, int]]:
    """Content fragments widened to the first paragraph of the quotes they overlap, plus those
    quotes' further paragraphs; fragments swallowed by a bigger one are dropped."""
    frags = []
    for f in content:
        fa, fb = f
        extra = []
        for m in linked:
            if _overlap((m.segments[0][0], m.segments[-1][1]), f) > 0:
                fa = min(fa, m.segments[0][0])
                fb = max(fb, m.segments[0][1])
                extra += m.segments[1:]
        frags.append((fa, fb))
        frags += extra
    frags = sorted(set(frags))
    return [f for f in frags if not any(g != f and g[0] <= f[0] and f[1] <= g[1] for g in frags)]


def _speaker_out_of_quotes(ctx: _Ctx, att: Attribution) -> None:
    """The speaker of ``att`` moved out of its (now quoted) content, or dropped when it has
    none outside (see :func:`_speaker_outside`)."""
    doc = ctx.doc
    new = _speaker_outside(ctx, doc[att.cue_i], doc[att.speaker_i], att.content)
    if new is None:
        att.speaker, att.speaker_i = None, -1
    elif new.i != att.speaker_i:
        att.speaker, att.speaker_i = _np_span(ctx, new), new.i


def _take_marks(ctx: _Ctx, att: Attribution, linked: list[MarkQuote]) -> None:
    """Attribution ``att`` takes the quotes in its content: it is direct when they hold all its
    words (its content is then the quoted text), else mixed."""
    text = ctx.text
    for m in linked:
        m.used = True
    att.marks = linked
    frags = _merge_mark_fragments(att.content, linked)
    att.content = frags
    quoted = sum(len(_WORD_RE.findall(text, *s)) for m in linked for s in m.segments)
    total = sum(len(_WORD_RE.findall(text, *s)) for s in frags)
    att.qtype = "direct" if quoted >= total else "mixed"
    if att.speaker_i >= 0:
        _speaker_out_of_quotes(ctx, att)
    if att.qtype == "direct":
        att.content = [s for m in linked for s in m.segments]


def _link_parse_attributions(ctx: _Ctx, atts: list[Attribution], marks: list[MarkQuote], label_paras: set[int],
                             inside_mark: _InsideMark, results: list[Attribution]) -> dict[int, Attribution]:
    """Step 1: parse attributions go to ``results``, taking the quotes in their content
    (:func:`_take_marks`), except in label paragraphs, inside a quotation (a report there
    belongs to the quoted speaker's words) and for a quote before a named cue
    (:func:`_quote_before_named_cue`). Returns the attributions that took quotes, by the
    ``id`` of their last quote."""
    by_mark: dict[int, Attribution] = {}
    for att in atts:
        if ctx.para_of(att.cue[0]) in label_paras or inside_mark(att.cue[0]) is not None:
            continue
        linked = _marks_in_content(att, marks)
        if linked and _quote_before_named_cue(ctx.text, att, linked):
            continue
        if linked:
            _take_marks(ctx, att, linked)
            by_mark[id(linked[-1])] = att
        results.append(att)
    return by_mark


def _join_quote_before_cue(ctx: _Ctx, by_mark: dict[int, Attribution], marks: list[MarkQuote],
                           inside_mark: _InsideMark) -> None:
    """Step 1b: “…,” Scott said, “…”: when the parse made the second quotation the verb's
    complement, the free quotation before the reporting clause, in the same paragraph and
    separated from it by only the clause, is the same quote's first fragment."""
    doc, text = ctx.doc, ctx.text
    mark_index = {id(m): k for k, m in enumerate(marks)}
    for att in by_mark.values():
        first = att.marks[0]
        k = mark_index[id(first)]
        if k == 0 or att.cue_i < 0 or not att.cue[0] < first.start:
            continue
        prev = marks[k - 1]
        cue = doc[att.cue_i]
        if (prev.used or not prev.end <= cue.idx or ctx.para_of(prev.start) != ctx.para_of(first.start)
                or "," not in text[prev.end - 2:prev.end + 1]  # “…,” or “…”,
                or not _gap_is_attribution(ctx, prev.end, first.start, cue) or _names_a_work(ctx, prev)):
            continue
        prev.used = True
        att.marks.insert(0, prev)
        att.content = list(prev.segments) + att.content
        if att.qtype == "mixed":
            att.qtype = "direct" if all(inside_mark(f[0]) is not None for f in att.content) else "mixed"


def _names_a_work(ctx: _Ctx, m: MarkQuote) -> bool:
    """“…” that names a show, a book or an article rather than quoting words: title case, or the
    object of a preposition or a possessor ('an interview on “Morning Report,”', "her memoir,
    ''The Long Road Home,''")."""
    if m.words <= 8 and _title_like(ctx.text, m):
        return True
    i = ctx.token_at(m.start)
    while i > 0 and ctx.doc[i - 1].idx >= m.start - 1 and ctx.doc[i - 1].is_punct:
        i -= 1  # the opening mark (and a comma before it)
    return i > 0 and ctx.doc[i - 1].tag_ in ("IN", "POS")


def _adjacent_cue(ctx: _Ctx, marks: list[MarkQuote], k: int) -> tuple[Any, Any] | None:
    """The reporting clause (cue, speaker head) right after quote ``marks[k]`` (before the next
    quote), else right before it; None without one that names a speaker, and for a quote too
    short to be speech (under 3 words, or a title of up to 6)."""
    m = marks[k]
    next_start = marks[k + 1].start if k + 1 < len(marks) else len(ctx.text)
    found = _cue_after(ctx, m, next_start)
    if found is None:
        found = _cue_before(ctx, m)
    if found is None or found[1] is None:
        return None
    if m.words < 3 or (m.words <= 6 and _title_like(ctx.text, m)):
        return None
    return found


def _dash_speaker(doc: Any, head: Any) -> tuple[int, int]:
    """“…” ― Name: the speaker is the name after the dash, up to 5 title-case or proper-noun
    tokens on the line."""
    j = head.i
    end = j
    while end + 1 < len(doc) and end - j < 4 and not doc[end + 1].is_space and not doc[end + 1].whitespace_.count("\n"):
        nxt = doc[end + 1]
        if nxt.is_punct and nxt.text not in (".", "-") or not (nxt.pos_ == "PROPN" or nxt.is_title):
            break
        end += 1
    return doc[j].idx, doc[end].idx + len(doc[end].text)


def _cue_speaker(ctx: _Ctx, cue: Any, head: Any | None) -> tuple[int, int] | None:
    """The speaker span of a reporting clause: the noun phrase of ``head``, without the cue when
    the phrase runs over it ("Said Ellis:")."""
    speaker = _np_span(ctx, head) if head is not None else None
    if speaker is not None and speaker[0] <= cue.idx < speaker[1]:
        speaker = _strip(ctx.text, cue.idx + len(cue.text), speaker[1])
    return speaker


def _drop_reports_of_cue(ctx: _Ctx, results: list[Attribution], cue: Any, m: MarkQuote) -> None:
    """An indirect attribution from step 1 with the same cue as quote ``m`` is replaced by the
    quote (its content emptied), unless the cue has its own content ("X will win, Kall said: “...”")."""
    for r in results:
        if r.cue_i == cue.i and not r.marks and r.qtype == "indirect" and not _has_own_content(ctx, cue, m):
            r.content = []


def _attribute_adjacent_cues(ctx: _Ctx, marks: list[MarkQuote], results: list[Attribution],
                             by_mark: dict[int, Attribution]) -> None:
    """Step 2: a free quote with a reporting clause right after or before it
    (:func:`_adjacent_cue`) is a direct quote of that clause's speaker; the quote right after the
    clause that follows such a quote, in its paragraph (“…?” Lee said. “…”), is its second fragment."""
    by_cue: dict[int, Attribution] = {}
    for k, m in enumerate(marks):
        if m.used:
            continue
        found = _adjacent_cue(ctx, marks, k)
        if found is None:
            continue
        cue, head = found
        m.used = True
        first = by_cue.get(cue.i) if not isinstance(cue, _DashCue) else None
        if (first is not None and first.marks and first.marks[-1].end <= cue.idx < m.start
                and ctx.para_of(m.start) == ctx.para_of(first.marks[-1].end - 1)
                and _gap_is_attribution(ctx, first.marks[-1].end, m.start, cue)):
            first.content += list(m.segments)
            first.marks.append(m)
            by_mark[id(m)] = first
            continue
        if isinstance(cue, _DashCue):
            speaker = _dash_speaker(ctx.doc, head)
        else:
            head = _speaker_outside(ctx, cue, head, m.segments)
            speaker = _cue_speaker(ctx, cue, head)
        _drop_reports_of_cue(ctx, results, cue, m)
        att = Attribution(
            cue=(cue.idx, cue.idx + len(cue.text)),
            speaker=speaker,
            content=list(m.segments),
            qtype="direct",
            cue_i=cue.i,
            speaker_i=head.i if head is not None else -1,
            marks=[m],
            rule="adjacent_cue",
        )
        by_mark[id(m)] = att
        if not isinstance(cue, _DashCue):
            by_cue[cue.i] = att
        results.append(att)


def _next_quote_past_clause(ctx: _Ctx, marks: list[MarkQuote], k: int, cue: Any) -> MarkQuote:
    """The quote after ``marks[k]``, skipping free ones embedded in the attribution clause of
    ``cue`` or quoting a title in its sentence (said on “Fox and Friends.”)."""
    m = marks[k]
    k2 = k + 1
    n = marks[k2]
    while k2 + 1 < len(marks) and not n.used and (
            _embedded_in(ctx, n, m.end, cue) or (n.words <= 6 and _title_like(ctx.text, n) and n.start < cue.sent.end_char)):
        k2 += 1
        n = marks[k2]
    return n


def _join_second_fragments(ctx: _Ctx, marks: list[MarkQuote], by_mark: dict[int, Attribution]) -> None:
    """Step 2b: “…,” he said, “…”: a free quote right after the reporting clause that follows an
    attributed quote, in the same paragraph, is the second fragment of that quote."""
    for k, m in enumerate(marks):
        if not m.used or id(m) not in by_mark or k + 1 >= len(marks):
            continue
        att = by_mark[id(m)]
        if att.cue_i < 0:
            continue
        cue = ctx.doc[att.cue_i]
        n = _next_quote_past_clause(ctx, marks, k, cue)
        if n.used or not (m.end <= cue.idx < n.start) or ctx.para_of(n.start) != ctx.para_of(m.end - 1):
            continue
        if _gap_is_attribution(ctx, m.end, n.start, cue):
            n.used = True
            att.content += list(n.segments)
            att.marks.append(n)
            by_mark[id(n)] = att


def _last_quoted_speaker(results: list[Attribution], pos: int) -> Attribution | None:
    """The quote with a speaker and quotation marks that starts last before ``pos``."""
    prev = None
    for r in results:
        if r.content and r.content[0][0] < pos and r.speaker is not None and r.marks:
            if prev is None or r.content[0][0] > prev.content[0][0]:
                prev = r
    return prev


def _quote_paragraphs(ctx: _Ctx, marks: list[MarkQuote], results: list[Attribution]) -> None:
    """Step 3: a free quote that is its whole paragraph continues the speaker of the quote in
    the paragraph before (3 words or more); else, of 8 words or more, it is a quote with no
    speaker, except under the parc convention: a PARC attribution has a cue, and this one has
    neither cue nor source. Shorter free quotes (scare quotes, titles) are no quotes."""
    text = ctx.text
    results.sort(key=lambda r: r.content[0][0] if r.content else -1)
    for m in marks:
        if m.used:
            continue
        pi = ctx.para_of(m.start)
        ps, pe = ctx.paragraphs[pi]
        whole_para = text[ps:m.start].strip() == "" and text[m.end:pe].strip(" .\t\u00a0") == ""
        prev = _last_quoted_speaker(results, m.start)
        if whole_para and prev is not None and m.words >= 3 and pi - ctx.para_of(prev.content[-1][0]) == 1:
            m.used = True
            results.append(
                Attribution(cue=None, speaker=prev.speaker, content=list(m.segments), qtype="direct",
                            speaker_i=prev.speaker_i, marks=[m], resolved=prev.resolved,
                            rule="quote_paragraph")
            )
        elif m.words >= 8 and whole_para and not ctx.parc:
            m.used = True
            results.append(Attribution(cue=None, speaker=None, content=list(m.segments), qtype="direct", marks=[m],
                                       rule="quote_without_source"))
