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

import bisect
from collections.abc import Callable
from typing import Any

from desktop.core.interchange import QuoteRecord, quote_suggestion_json
from desktop.core.model import Span
from desktop.core.text import DOUBLE_CLOSERS
from desktop.nlp.quotes.attribution import (
    _colon_blocks,
    _find_attributions,
    _inverted_cue,
    _is_cue_token,
    _label_attributions,
    _not_speech,
    _overlap,
)
from desktop.nlp.quotes.context import Attribution, _Ctx
from desktop.nlp.quotes.conventions import (
    CONTENT_CONVENTIONS,
    DEFAULT_CONTENT,
    _parc_convention,
    check_content_convention,
)
from desktop.nlp.quotes.lexicon import _RELATIVE, FIRST_PERSON, PRONOUNS_ANY, lemma_of
from desktop.nlp.quotes.marks import _STRIP_CHARS, _WORD_RE, MarkQuote, _strip, find_mark_quotes
from desktop.nlp.quotes.spans import _np_span, _PronounResolver, _speaker_head, _trim_lead, _trim_tail


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
            if _is_cue_token(t):
                if _has_own_content(t, q):
                    return None
                head = _speaker_head(t)
                if head is None:
                    # fallback: a name or pronoun right next to the verb
                    for k in (t.i + 1, t.i - 1):
                        if 0 <= k < len(doc) and (doc[k].pos_ in ("PROPN", "PRON") and doc[k].lower_ not in ("it",)):
                            head = doc[k]
                            break
                return t, head
        i += 1
    return None


def _has_own_content(t: Any, q: MarkQuote) -> bool:
    """Whether reporting verb ``t`` already has a clausal complement outside quote ``q``."""
    addressee = lemma_of(t.lower_) in ("tell", "ask", "inform", "assure", "remind", "advise", "warn")
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
            if _is_cue_token(t):
                if _has_own_content(t, q) and not colon_intro:
                    return None
                if not colon_intro and text[t.idx + len(t.text):start].strip(" ,\u00a0") not in ("",) and seen > 4:
                    return None
                if _inverted_cue(t):
                    return t, t.head
                return t, _speaker_head(t)
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
            if tok.pos_ == "PROPN" or (tok.pos_ == "PRON" and tok.lower_ in PRONOUNS_ANY and tok.lower_ != "it"):
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
        for m in marks:
            if _overlap((m.start, m.end), la.content[0]) and len(m.segments) <= 1:
                m.used = True
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
                or not _gap_is_attribution(ctx, prev.end, first.start, cue)):
            continue
        prev.used = True
        att.marks.insert(0, prev)
        att.content = list(prev.segments) + att.content
        if att.qtype == "mixed":
            att.qtype = "direct" if all(inside_mark(f[0]) is not None for f in att.content) else "mixed"


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


def _drop_reports_of_cue(results: list[Attribution], cue: Any, m: MarkQuote) -> None:
    """An indirect attribution from step 1 with the same cue as quote ``m`` is replaced by the
    quote (its content emptied), unless the cue has its own content ("X will win, Kall said: “...”")."""
    for r in results:
        if r.cue_i == cue.i and not r.marks and r.qtype == "indirect" and not _has_own_content(cue, m):
            r.content = []


def _attribute_adjacent_cues(ctx: _Ctx, marks: list[MarkQuote], results: list[Attribution],
                             by_mark: dict[int, Attribution]) -> None:
    """Step 2: a free quote with a reporting clause right after or before it
    (:func:`_adjacent_cue`) is a direct quote of that clause's speaker."""
    for k, m in enumerate(marks):
        if m.used:
            continue
        found = _adjacent_cue(ctx, marks, k)
        if found is None:
            continue
        cue, head = found
        m.used = True
        if isinstance(cue, _DashCue):
            speaker = _dash_speaker(ctx.doc, head)
        else:
            head = _speaker_outside(ctx, cue, head, m.segments)
            speaker = _cue_speaker(ctx, cue, head)
        _drop_reports_of_cue(results, cue, m)
        att = Attribution(
            cue=(cue.idx, cue.idx + len(cue.text)),
            speaker=speaker,
            content=list(m.segments),
            qtype="direct",
            cue_i=cue.i,
            speaker_i=head.i if head is not None else -1,
            marks=[m],
        )
        by_mark[id(m)] = att
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
    speaker. Shorter free quotes (scare quotes, titles) are no quotes."""
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
                            speaker_i=prev.speaker_i, marks=[m], resolved=prev.resolved)
            )
        elif m.words >= 8 and whole_para:
            m.used = True
            results.append(Attribution(cue=None, speaker=None, content=list(m.segments), qtype="direct", marks=[m]))


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
