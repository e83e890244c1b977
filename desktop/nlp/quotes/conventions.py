"""The two content conventions: "clause" (the reported words alone) and "parc" (PARC 3.0 / PolNeAR:
content from the complementizer, a relative pronoun as the speaker)."""
from __future__ import annotations

from desktop.nlp.content_conventions import CONTENT_CONVENTIONS, DEFAULT_CONTENT
from desktop.nlp.quotes.context import PARC_RULES, Attribution, _Ctx
from desktop.nlp.quotes.marks import _strip


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
    if i > 0 and doc[i - 1].lower_ in ("so", "such", "now", "given", "except", "in"):
        return span  # "so that", "now that": a subordinator of the narrator's sentence
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


def _parc_convention(ctx: _Ctx, results: list[Attribution]) -> None:
    """The "parc" content convention: content starts at the complementizer ('said that “…”'
    too, which makes a direct quote mixed: the "that" is the narrator's, unquoted), a
    relative pronoun is the speaker (:func:`_relative_speaker`), and attributions do not nest:
    a report inside another one's content ("said he thought that X") is part of that content,
    not a quote of its own (PARC and PolNeAR annotate the outer report only)."""
    nested = _nested(results)
    results[:] = [r for n, r in enumerate(results) if n not in nested]
    for r in results:
        if r.content and r.cue_i >= 0:
            first = _with_complementizer(ctx, r.content[0])
            if first != r.content[0] and r.qtype == "direct":
                r.qtype = "mixed"
            r.content[0] = first
        if r.speaker is not None and r.cue_i >= 0:
            _relative_speaker(ctx, r)
