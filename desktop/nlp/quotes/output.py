"""Stage 5, output: the attributions as interchange quote dicts in text order (no empty ones, no
indirect ones without a source, no repeats), pronoun speakers resolved."""
from __future__ import annotations

from desktop.core.interchange import QuoteRecord, quote_suggestion_json
from desktop.core.model import Span
from desktop.nlp.quotes.context import SOURCELESS_RULES, Attribution, _Ctx
from desktop.nlp.quotes.linking import _InsideMark
from desktop.nlp.quotes.spans import _PronounResolver


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
        if tok.pos_ == "PRON" or tok.lower_ in ctx.lex.pronouns or (tok.lower_ in ctx.lex.relative_pronouns and r.resolved):
            res = r.resolved or resolver.resolve(r.speaker_i)
            if res is not None:
                r.resolved = res
                resolver.add(tok.idx, res)
                return res
        elif resolver.person_like(r.speaker_i):
            resolver.add(tok.idx, resolver.span(r.speaker_i))
        return None
    return r.resolved


def _output_quotes(ctx: _Ctx, results: list[Attribution], inside_mark: _InsideMark,
                   rules: list[str] | None = None) -> list[dict]:
    """Step 5: the attributions as quote dicts in text order, without empty ones, indirect ones
    that name no source, and repeats of the same content and speaker. ``rules``, when given,
    gets the name of the rule behind each quote, in the same order."""
    resolver = _PronounResolver(ctx, lambda pos: inside_mark(pos) is not None)
    out = []
    seen = set()
    results.sort(key=lambda r: r.content[0][0] if r.content else -1)
    for r in results:
        if not r.content or (r.speaker is None and r.qtype == "indirect" and r.rule not in SOURCELESS_RULES):
            continue
        key = (tuple(r.content), r.speaker)
        if key in seen:
            continue
        seen.add(key)
        out.append(quote_suggestion_json(_quote_record(r, _resolve_speaker(ctx, resolver, r))))
        if rules is not None:
            rules.append(r.rule)
    return out
