"""The two content conventions: "clause" (the reported words alone) and "parc" (PARC 3.0 / PolNeAR:
content from the complementizer, a relative pronoun as the speaker)."""
from __future__ import annotations

from typing import Any

from desktop.nlp.content_conventions import CONTENT_CONVENTIONS, DEFAULT_CONTENT
from desktop.nlp.quotes.context import PARC_RULES, Attribution, _Ctx
from desktop.nlp.quotes.marks import ALL_MARKS, _strip
from desktop.nlp.quotes.spans import _WEEKDAYS


def check_content_convention(name: str | None) -> str:
    """``name`` if it is a known content convention (None gives the default), else ValueError."""
    name = name or DEFAULT_CONTENT
    if name not in CONTENT_CONVENTIONS:
        raise ValueError(f"unknown quote content convention {name!r}; choose one of: "
                         + ", ".join(CONTENT_CONVENTIONS))
    return name


def _with_complementizer(ctx: _Ctx, span: tuple[int, int]) -> tuple[int, int]:
    """PARC convention: "said that X" has the content "that X" (also "that, if elected, ...",
    "that “X ..."): the complementizer the clause convention leaves out is put back."""
    text, doc = ctx.text, ctx.doc
    a = span[0]
    k = a
    while k > 0 and text[k - 1] in " \t\u00a0,“\"‘«„'":  # also the '' of "that ''..."
        k -= 1
    if k < 4 or text[k - 4:k].lower() != "that" or (k > 4 and text[k - 5].isalnum()):
        return span
    i = ctx.token_at(k - 4)
    if doc[i].idx != k - 4 or doc[i].lower_ != "that" or doc[i].sent.start_char > k - 4:
        return span
    if i > 0 and doc[i - 1].lower_ in ("so", "such", "now", "given", "except", "in") and not (
            doc[i - 1].lower_ == "now" and doc[i - 1].dep_ in ("pobj", "pcomp")):
        return span  # "so that", "now that": a subordinator of the narrator's sentence ("heard
        # by now that X", "until now": "now" is a preposition's object, the "that" the report's)
    return (k - 4, span[1])


def _relative_speaker(ctx: _Ctx, r: Attribution) -> None:
    """PARC convention: in "an architect, who said ...", the speaker is the relative pronoun,
    resolved to its antecedent ("an architect") the way "he said" is."""
    doc = ctx.doc
    cue = doc[r.cue_i]
    rel = next((c for c in cue.children if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ctx.lex.relative_pronouns
                and c.tag_ in ("WP", "WDT")), None)
    if rel is None or not (r.speaker[0] <= rel.idx < r.speaker[1]) or rel.idx == r.speaker[0]:
        return
    antecedent = _strip(ctx.text, r.speaker[0], rel.idx)
    if antecedent[1] <= antecedent[0]:
        return
    r.resolved = antecedent
    r.speaker = (rel.idx, rel.idx + len(rel.text))
    r.speaker_i = rel.i


def _nested(results: list[Attribution]) -> set[int]:
    """The attributions (by index) whose cue lies inside another attribution's content: "said he
    thought that X", "the report noted they had promised that ...". An intention's infinitive or
    a stance's object (:data:`.context.PARC_RULES`: "plans to call on X to ...") holds its
    reports: PolNeAR annotates those."""
    spans = [(a, b, n) for n, r in enumerate(results)
             if r.cue is not None and (r.speaker is not None or r.qtype != "indirect") and r.rule.removeprefix("verb/") not in PARC_RULES
             for a, b in r.content]
    holders = {n: {m for a, b, m in spans if a <= r.cue[0] and r.cue[1] <= b and m != n}
               for n, r in enumerate(results) if r.cue is not None}
    # "X would see Y, according to Z": "according to" holds the verbs of the sentence around it
    # (its content by construction), and is not held back by one of them
    return {n for n, held_by in holders.items() if held_by and not (
        results[n].rule == "according_to" and all(n in holders.get(m, ()) for m in held_by))}


def _quoted_tail(ctx: _Ctx, r: Attribution, others: list[tuple[int, int]]) -> None:
    """PARC convention: "said there is a “deep gap between the parties,” when it comes to pay",
    "claimed fraud is “a big problem” but “nobody talks about it”": a reported clause that stops
    before the end of its sentence, where the rest holds words in quotation marks and no cue
    outside them ("... tired of hearing “they said this, they said that”" is quoted),
    runs to the end of the sentence (the quoted words are the same speaker's, the parse only hung
    them elsewhere). ``others``: the other attributions' content spans, which the rest must not
    touch."""
    doc, text = ctx.doc, ctx.text
    a, b = r.content[-1]
    if r.cue is None or a < r.cue[1] or not b:
        return
    last = ctx.token_at(b - 1)
    sent = doc[last].sent
    k = sent.end - 1
    while k > last and (doc[k].is_punct or doc[k].is_space) and doc[k].text not in ALL_MARKS:
        k -= 1
    if k <= last + 1:
        return
    end = doc[k].idx + len(doc[k].text)
    if any(s < end and b < e for s, e in others):
        return
    quoted = [(s, e) for s, e in ctx.mark_spans if b <= s < end]
    if not quoted:
        return
    tail = [t for t in doc[last + 1:k + 1] if not any(s <= t.idx < e for s, e in quoted)]  # a cue in quotation marks is quoted
    if any(t.text == ";" or (t.pos_ in ("VERB", "AUX") and ctx.lex.lemma_of(t.lower_)) or ctx.lex.noun_cue(t.lower_)
           or _main_clause_subject(t) for t in tail):
        return
    r.content[-1] = _strip(text, a, end)
    if r.qtype == "indirect":
        r.qtype = "mixed"


def _main_clause_subject(t: Any) -> bool:
    """Whether ``t`` is the subject of a clause of its own that no subordinator introduces
    (",” she was “whisked off ...”": the narrator goes on; "if they were taxed" does not count)."""
    if t.dep_ not in ("nsubj", "nsubjpass"):
        return False
    verb = t.head
    finite = verb.tag_ in ("VBD", "VBZ", "VBP") or any(
        g.dep_ in ("aux", "auxpass") and g.tag_ in ("VBD", "VBZ", "VBP", "MD") for g in verb.children)
    return finite and not any(g.dep_ == "mark" for g in verb.children)


_TIME_PREPOSITIONS = frozenset({"during", "after", "before", "since", "until", "while", "when", "at"})


def _after_closing_mark(ctx: _Ctx, r: Attribution, others: list[tuple[int, int]]) -> None:
    """PARC convention: "called the remarks “a wake-up call” to his supporters", "a “use it or
    lose it” approach to voting": content that ends at a closing quotation mark, where the
    sentence goes on at once with more of the phrase (no punctuation, no time or place phrase:
    "blasted her as a “disgrace” Wednesday on ...") and no cue, runs to the end of the sentence:
    the parse hung the rest of the quoted phrase on the verb. ``others`` as for
    :func:`_quoted_tail`."""
    doc, text = ctx.doc, ctx.text
    a, b = r.content[-1]
    if r.cue is None or a < r.cue[1]:
        return
    # the content may stop before the closing mark ("the test “a clear breach”" without the ”)
    b = next((e for _, e in ctx.mark_spans if e == b or (e == b + 1 and text[b] in ALL_MARKS)), None)
    if b is None:
        return
    i = ctx.token_at(b)
    if i < len(doc) and doc[i].idx < b:
        i += 1  # the closing mark's own token
    if i >= len(doc) or doc[i].is_punct or doc[i].is_space or doc[i].sent.start > ctx.token_at(b - 1):
        return
    nxt = doc[i]
    if nxt.lower_ in _TIME_PREPOSITIONS or nxt.ent_type_ in ("DATE", "TIME") or nxt.lower_ in _WEEKDAYS:
        return
    k = nxt.sent.end - 1
    while k > i and (doc[k].is_punct or doc[k].is_space) and doc[k].text not in ALL_MARKS:
        k -= 1
    end = doc[k].idx + len(doc[k].text)
    if any(s < end and b < e for s, e in others) or any(s >= b for s, _ in ctx.mark_spans if s < end):
        return
    if any(t.text in (";", ":") or (t.pos_ in ("VERB", "AUX") and ctx.lex.lemma_of(t.lower_)) or ctx.lex.noun_cue(t.lower_)
           for t in doc[i:k + 1]):
        return
    r.content[-1] = _strip(text, a, end)


def _parc_convention(ctx: _Ctx, results: list[Attribution]) -> None:
    """The "parc" content convention: content starts at the complementizer ('said that “…”'
    too, which makes a direct quote mixed: the "that" is the narrator's, unquoted), a
    relative pronoun is the speaker (:func:`_relative_speaker`), and attributions do not nest:
    a report inside another one's content ("said he thought that X") is part of that content,
    not a quote of its own (PARC and PolNeAR annotate the outer report only); a reported
    clause runs on over quoted words later in its sentence (:func:`_quoted_tail`), and content
    that stops at a closing quotation mark over the rest of the phrase (:func:`_after_closing_mark`)."""
    nested = _nested(results)
    results[:] = [r for n, r in enumerate(results) if n not in nested]
    for n, r in enumerate(results):
        if r.content and r.cue_i >= 0 and r.qtype != "direct" and r.rule.startswith("verb/"):
            others = [f for m, o in enumerate(results) if m != n for f in o.content]
            _after_closing_mark(ctx, r, others)
            _quoted_tail(ctx, r, others)
    for r in results:
        if r.content and r.cue_i >= 0:
            for n, frag in enumerate(r.content):  # each fragment: "which he believed that X"
                first = _with_complementizer(ctx, frag)
                if first != frag and r.qtype == "direct":
                    r.qtype = "mixed"
                r.content[n] = first
        if r.speaker is not None and r.cue_i >= 0:
            _relative_speaker(ctx, r)
