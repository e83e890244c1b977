"""Stage 2, attributions from the parse: reporting verbs, reporting nouns and light verbs ("expressed
concern that"), "according to", "made (it) clear", and colon labels ("Name: text" transcripts and
headlines, "X added:" before a quoted paragraph)."""
from __future__ import annotations

import bisect
import re
from typing import Any

from desktop.nlp.quotes.context import PARC_RULES, Attribution, _Ctx
from desktop.nlp.quotes.lexicon import noun_lemma
from desktop.nlp.quotes.marks import _WORD_RE, ALL_MARKS, _strip
from desktop.nlp.quotes.spans import _clean_token_span, _content_from_children, _np_span, _speaker_head


def _find_attributions(ctx: _Ctx) -> list[Attribution]:
    doc = ctx.doc
    out: list[Attribution] = []
    for t in doc:
        low = t.lower_
        if low == "according" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to":
            att = _according_to(ctx, t)
            if att is not None:
                out.append(att)
            continue
        if t.pos_ == "NOUN" and ctx.lex.noun_cue(low):
            att = _noun_cue(ctx, t)
            if att is not None:
                out.append(att)
            continue
        if t.pos_ not in ("VERB", "AUX") or not t.tag_.startswith("VB"):
            continue
        if low in ("make", "makes", "made", "making"):
            att = _made_clear(ctx, t)
            if att is not None:
                out.append(att)
            continue
        att = _verb_attribution(ctx, t, low)
        if att is None and ctx.parc and not ctx.lex.lemma_of(low):
            att = _quoted_label(ctx, t)
        if att is not None:
            out.append(att)
    _cut_before_relative_reports(ctx, out)
    return out


def _cut_before_relative_reports(ctx: _Ctx, atts: list[Attribution]) -> None:
    """"He criticized rival bidders for their offers, which he said were tied to favors": a report
    in a non-restrictive relative clause (", which/who X said ...") that ends another report's
    content is a report of its own, about the words before it; that content stops at the comma,
    as PARC and PolNeAR mark it, and the relative clause's report is not nested in it. So does a
    participle that continues the same speaker's report ("told the audience that she believes
    X, saying that Y") when the parse hangs it inside the reported clause."""
    doc = ctx.doc
    for att in atts:
        if att.cue_i < 0:
            continue
        rel = doc[att.cue_i]
        first = rel.left_edge
        if first.i == 0 or doc[first.i - 1].text != ",":
            continue
        if rel.dep_ in ("relcl", "ccomp", "advcl") and first.lower_ in ctx.lex.relative_pronouns:
            same_speaker = False
        elif rel.dep_ in ("advcl", "xcomp") and rel.tag_ == "VBG" and first.i == rel.i and att.speaker is not None:
            same_speaker = True
        else:
            continue
        comma = doc[first.i - 1].idx
        end = rel.right_edge.idx + len(rel.right_edge.text)
        for other in atts:
            if other is att or same_speaker and other.speaker != att.speaker:
                continue
            for n, (a, b) in enumerate(other.content):
                if a < comma < att.cue[0] < b <= end + 1:
                    other.content[n] = _strip(ctx.text, a, comma)


def _quoted_label(ctx: _Ctx, t: Any) -> Attribution | None:
    """"Reid pounded Trump as a “con artist”", "Japan branded the North an “outlaw nation”":
    under the parc convention, any verb whose object is followed by an "as" phrase or an object
    predicate in quotation marks attributes that label; the object, the label and the rest of the
    verb's phrase are the content, the verb's subject the speaker.

    The quotation marks are the evidence that the label is the subject's words and not the
    narrator's, so the verb need be in no list ("admires X as a “strong leader”")."""
    dobj = next((c for c in t.children if c.dep_ in ("dobj", "obj") and c.i > t.i), None)
    if dobj is None:
        return None
    # the label: an "as" phrase, an object predicate, or a second object ("branded X an “outlaw”")
    label = next((c for c in t.children if c.i > dobj.i and (
        c.dep_ == "oprd" or c.dep_ == "prep" and c.lower_ == "as"
        or c.dep_ in ("dobj", "obj") and c.left_edge.i == dobj.right_edge.i + 1)), None)
    if label is None or not any(tok.is_quote or tok.text in ALL_MARKS for tok in label.subtree):
        return None
    head = _speaker_head(ctx, t)
    if head is None:
        return None
    # the rest of the verb's phrase too ("as “The Comeback Kid” for the business success he ...")
    end = max(c.right_edge.i for c in t.rights if c.dep_ not in ("punct", "cc", "conj"))
    cs = _clean_token_span(ctx, dobj.left_edge.i, end)
    if cs is None:
        return None
    return Attribution(cue=(t.idx, t.idx + len(t.text)), speaker=_np_span(ctx, head), content=[cs],
                       cue_i=t.i, speaker_i=head.i, rule="quoted_label")


def _verb_attribution(ctx: _Ctx, t: Any, low: str) -> Attribution | None:
    """A reporting verb's attribution: its content (the first content rule that fits), speaker
    and cue; None when ``t`` reports nothing."""
    doc = ctx.doc
    lemma = ctx.lex.lemma_of(low)
    if not lemma or t.dep_ in ("amod", "compound"):
        return None
    if t.head.lower_ == "without" and t.head.head.lower_ in ("go", "goes", "went", "going", "gone"):
        return None  # "It goes without saying that ...": an idiom, no one reports anything
    if lemma in ctx.lex.particle_verbs and not any(
        c.dep_ in ("prt", "prep") and c.lower_ in (ctx.lex.particle_verbs[lemma], *ctx.lex.prep_content.get(lemma, ()))
        for c in t.children
    ):
        return None  # "pointed at the door" is no report; "pointed out that ..." is
    spans, root = _content_from_children(ctx, t, lemma)
    if not spans:
        return None
    if (lemma in ctx.lex.clause_only_verbs and lemma not in ctx.lex.speech_verbs and (root is None or root.dep_ != "ccomp")
            and ctx.content_rule not in PARC_RULES):
        return None
    if _predicate_of_head(t, root) and ctx.content_rule == "content_complement":
        return None
    content = _verb_content(ctx, t, spans)
    # "Cruz endorsed Trump": a name is a stance's whole object
    min_words = 1 if ctx.content_rule == "content_stance_object" and root is not None and root.pos_ == "PROPN" else 2
    if not content or sum(len(_WORD_RE.findall(ctx.text, a, b)) for a, b in content) < min_words:
        return None
    if t.tag_ == "VBN" and t.dep_ in ("advcl", "ccomp", "dep") and t.head.i > t.i and not any(
            c.dep_ in ("nsubj", "nsubjpass", "auxpass", "aux", "agent") for c in t.children):
        # "Asked about the plan, Smith said ...": Smith was asked; the asker is not named
        return _fronted_question(ctx, t, lemma, content)
    head = _speaker_head(ctx, t)
    if ctx.parc and ctx.content_rule == "content_complement":
        content = _relative_fragment(ctx, t, head, content) + content
    if head is None and t.dep_ in ("ROOT", "conj", "ccomp") and t.i > 0:
        # parser slips ("... of the Washington Post Trump said that"): the name before the verb
        prev = doc[t.i - 1]
        if prev.pos_ == "PROPN" or prev.lower_ in ctx.lex.pronouns - {"it", "me", "us", "him", "her", "them"}:
            head = prev
    cue_end = t
    # phrasal cues: "called on", "called for", "pointed out", "warned of"
    if t.i + 1 < len(doc) and doc[t.i + 1].dep_ in ("prt",) and doc[t.i + 1].head.i == t.i:
        cue_end = doc[t.i + 1]
    elif lemma in ctx.lex.prep_content and t.i + 1 < len(doc) and doc[t.i + 1].lower_ in ctx.lex.prep_content[lemma]:
        cue_end = doc[t.i + 1]
    return Attribution(
        cue=(t.idx, cue_end.idx + len(cue_end.text)),
        speaker=_verb_speaker(ctx, t, head),
        content=content,
        cue_i=t.i,
        speaker_i=head.i if head is not None else -1,
        rule=f"verb/{ctx.content_rule}",
    )


def _fronted_question(ctx: _Ctx, t: Any, lemma: str, content: list[tuple[int, int]]) -> Attribution | None:
    """"Asked about the mayor's plan, Ms. Cole said ...": under parc, the question put to the
    speaker is an attribution of its own, with no source (the asker is not named), as PARC and
    PolNeAR mark it; the "clause" convention has no quote there."""
    if not ctx.parc or lemma != "ask" or t.i != t.sent.start:
        return None
    doc = ctx.doc
    cue_end = doc[t.i + 1] if t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "about" else t
    return Attribution(cue=(t.idx, cue_end.idx + len(cue_end.text)), speaker=None, content=content, cue_i=t.i,
                       rule="asked_fronted")


def _predicate_of_head(t: Any, root: Any | None) -> bool:
    """"Everything the mayor says is a lie", parsed with "is a lie" as what "says" reports: a
    clause with no subject after a relative clause's verb is the predicate of the noun the
    relative clause hangs on, not a reported clause (which has its subject, or the relative
    pronoun: "the fire, which officials said began ...")."""
    return (t.dep_ == "relcl" and root is not None and root.dep_ == "ccomp" and root.head.i == t.i
            and t.left_edge.tag_ not in ("WDT", "WP") and root.tag_ in ("VBZ", "VBD", "VBP")
            and not any(c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") for c in root.children))


def _relative_fragment(ctx: _Ctx, t: Any, head: Any | None, content: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """PARC convention: "the fire, which officials said began in a storage room", "what the
    auditors said was a giveaway": the relative pronoun that opens the reporting clause belongs to
    the reported clause (its subject or object, moved before the speaker), so it is a content
    fragment of its own, as PolNeAR marks it; the speaker ("an economist who said") is not one."""
    rel = t.left_edge
    if rel.i >= t.i or rel.tag_ not in ("WDT", "WP") or rel.head.i == t.i and rel.dep_ in ("nsubj", "nsubjpass"):
        return []
    if head is not None and head.left_edge.i <= rel.i or content and content[0][0] <= rel.idx:
        return []
    return [(rel.idx, rel.idx + len(rel.text))]


def _verb_content(ctx: _Ctx, t: Any, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The content spans (token spans cleaned, kept inside the verb's paragraph, with a word)."""
    content = []
    pi = ctx.para_of(t.idx)
    ps, pe = ctx.paragraphs[pi] if pi >= 0 else (0, len(ctx.text))
    for a, b in spans:
        cs = _clean_token_span(ctx, a, b)
        if cs is not None:
            # the parser sometimes runs a sentence over a line break: stay in the paragraph
            cs = _strip(ctx.text, max(cs[0], ps), min(cs[1], pe))
        if cs is not None and cs[1] > cs[0] and _WORD_RE.search(ctx.text, cs[0], cs[1]):
            content.append(cs)
    return content


def _verb_speaker(ctx: _Ctx, t: Any, head: Any | None) -> tuple[int, int] | None:
    """The speaker's span for the subject ``head``; "an architect who said" keeps the relative
    pronoun with its antecedent."""
    speaker = _np_span(ctx, head) if head is not None else None
    if speaker is not None and t.dep_ == "relcl" and head is not None and head.i == t.head.i:
        for c in t.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.tag_ in ("WP", "WDT") and c.i > head.i:
                speaker = (speaker[0], c.idx + len(c.text))
    return speaker


def _noun_cue(ctx: _Ctx, t: Any) -> Attribution | None:
    """"Donald Trump's claim that ...": the possessor is the speaker, the clause the content."""
    doc = ctx.doc
    poss = next((c for c in t.children if c.dep_ == "poss" and c.pos_ in ("PROPN", "NOUN")), None)
    clause = next((c for c in t.children if c.dep_ in ("acl", "ccomp") and c.i > t.i), None)
    if clause is None:
        return None
    if poss is None:
        # "warnings from his lawyer that ...", "a statement by the ministry that ..."
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ in ("from", "by") and c.i < clause.i:
                poss = next((g for g in c.children if g.dep_ == "pobj" and g.pos_ in ("PROPN", "NOUN", "PRON")), None)
                break
    if poss is None and t.dep_ == "dobj" and ctx.lex.light_verb(t.head.lower_) and t.head.pos_ == "VERB":
        # "The governor expressed concern that ...": the subject of the light verb
        poss = _speaker_head(ctx, t.head)
    if poss is None:
        return None
    a = clause.left_edge.i
    if doc[a].lower_ != "that":
        return None
    cs = _clean_token_span(ctx, a + 1, clause.right_edge.i)
    if cs is None or len(_WORD_RE.findall(ctx.text, *cs)) < 2:
        return None
    # the speaker without its possessive ending
    ps = _np_span(ctx, poss)
    end = ps[1]
    text = ctx.text
    for suffix in ("'s", "’s", "'", "’"):
        if text[ps[0]:end].endswith(suffix):
            end -= len(suffix)
            break
    return Attribution(cue=(t.idx, t.idx + len(t.text)), speaker=(ps[0], end), content=[cs],
                       cue_i=t.i, speaker_i=poss.i, rule="noun_cue")


def _made_clear(ctx: _Ctx, t: Any) -> Attribution | None:
    """"She made (it) clear that ...": a reporting phrase around an adjective."""
    clear = next((c for c in t.children if c.lower_ == "clear" and c.i > t.i), None)
    if clear is None:
        return None
    clause = None
    for node in (clear, t):
        for c in node.children:
            if c.dep_ in ("ccomp", "advcl") and c.i > clear.i and c.left_edge.lower_ == "that":
                clause = c
                break
        if clause is not None:
            break
    head = _speaker_head(ctx, t)
    if clause is None or head is None:
        return None
    cs = _clean_token_span(ctx, clause.left_edge.i + 1, clause.right_edge.i)
    if cs is None or len(_WORD_RE.findall(ctx.text, *cs)) < 2:
        return None
    return Attribution(cue=(t.idx, clear.idx + len(clear.text)), speaker=_np_span(ctx, head), content=[cs],
                       cue_i=t.i, speaker_i=head.i, rule="made_clear")


def _according_to(ctx: _Ctx, t: Any) -> Attribution | None:
    """"According to the ministry, ...": the object of "to" is the speaker, the rest of the
    sentence the content."""
    doc = ctx.doc
    to = doc[t.i + 1]
    objs = [c for c in to.children if c.dep_ == "pobj"]
    speaker = None
    if not objs:
        # "according to show insiders" parsed as a verb phrase: the words after "to"
        pc = next((c for c in to.children if c.dep_ == "pcomp"), None)
        if pc is None or pc.right_edge.i - to.i > 6 or any(tok.is_punct for tok in doc[to.i + 1:pc.right_edge.i + 1]):
            return None
        objs = [pc.right_edge]
        last = pc.right_edge
        speaker = (doc[to.i + 1].idx, last.idx + len(last.text))
    src = objs[0]
    if noun_lemma(src.lower_) in ctx.lex.not_sources:
        return None  # "according to a formula set by the state": nobody's words
    phrase_end = max(src.right_edge.i, to.right_edge.i)
    sent = t.sent
    a, b = sent.start, sent.end - 1
    last = b
    while last > a and (doc[last].is_space or doc[last].is_punct):
        last -= 1
    if t.i == a and phrase_end >= last:
        # "According to X, the move reeks of ...", parsed as one noun phrase: the source ends
        # at the first comma not opening an apposition ("X, a talk radio host, ...")
        for k in range(src.i + 1, last):
            if doc[k].text == "," and doc[k + 1].lower_ not in ("a", "an") and last - k > 2:
                phrase_end = k
                break
    frags = []
    if t.i > a:
        frags.append((a, t.i - 1))
    if phrase_end < b:
        frags.append((phrase_end + 1, b))
    content = []
    for x, y in frags:
        cs = _clean_token_span(ctx, x, y)
        if cs is not None and len(_WORD_RE.findall(ctx.text, *cs)) >= 3:
            content.append(cs)
    if not content:
        return None
    return Attribution(
        cue=(t.idx, to.idx + len(to.text)),
        speaker=speaker or _np_span(ctx, src),
        content=content,
        cue_i=t.i,
        speaker_i=src.i,
        rule="according_to",
    )


_LABEL_RE = re.compile(
    r"""[ \t\u00a0"“«„]*((?:[A-Z][\w.'’-]*|[A-Z]{2,})(?:[ \u00a0](?:[A-Z][\w.'’-]*|de|van|von|al|bin)){0,3})[ \t\u00a0]*:[ \t\u00a0]+(?=\S)"""
)


_STAGE_DIRECTION = re.compile(r"^\W*[(\[][^)\]]*[)\]]\W*$")
_FOLLOW_LINE = re.compile(r"^\W*Follow\b.{0,80}\b(?:on|at) (?:Twitter|X|Facebook|Instagram)\b", re.I)


_FUNCTION_WORDS = frozenset("a an the of over under to for in on at by with from and but or as".split())


def _not_speech(segment: str) -> bool:
    """A transcript's stage direction ("(CROSSTALK.)", "[APPLAUSE]") or a "Follow X on Twitter"
    sign-off: text inside a transcript that no speaker said."""
    return bool(_STAGE_DIRECTION.match(segment) or _FOLLOW_LINE.match(segment))


def _label_attributions(ctx: _Ctx) -> list[Attribution]:
    """Paragraphs opening with "Name: ..." (headlines, interviews, transcripts)."""
    out = []
    text = ctx.text
    doc = ctx.doc
    for ps, pe in ctx.paragraphs:
        m = _LABEL_RE.match(text, ps, pe)
        if not m:
            continue
        name = m.group(1)
        if name.lower().split()[0] in ctx.lex.label_stopwords or name.lower().split()[-1] in ctx.lex.label_stopwords or len(name) < 2:
            continue
        ns, ne = m.start(1), m.end(1)
        ti = ctx.token_at(ns)
        toks = [tok for tok in doc[ti: ctx.token_at(ne - 1) + 1]]
        if not toks:
            continue
        is_caps = name.replace(" ", "").replace(".", "").isupper()
        is_named = any(ctx.ent_of.get(tok.i) is not None and ctx.ent_of[tok.i].label_ in ctx.lex.speaker_labels for tok in toks)
        headline = len(_WORD_RE.findall(text, ps, pe)) <= 25 and pe - m.end() > 10
        title_case = all(tok.text[:1].isupper() for tok in toks)
        # a name, not a title-case phrase ("Stealth Over Health: ...")
        phrase = any(tok.lower_ in _FUNCTION_WORDS for tok in toks)
        if not (is_caps or is_named or (not phrase and (all(tok.tag_ in ("NNP", "NNPS") for tok in toks)
                                                         or (headline and title_case)))):
            continue
        colon = m.end() - 1
        while text[colon] != ":":
            colon -= 1
        cs = _strip(text, m.end(), pe)
        if len(_WORD_RE.findall(text, *cs)) < 3:
            continue
        out.append(Attribution(cue=(colon, colon + 1), speaker=(ns, ne), content=[cs], speaker_i=ti,
                               rule="colon_label"))
    labelled = {ctx.para_of(a.cue[0]) for a in out if a.cue is not None}
    for pi, (ps, pe) in enumerate(ctx.paragraphs):
        if pi not in labelled and _title_case_headline(ctx, ps, pe):
            att = _headline_colon(ctx, ps, pe) or _headline_verb(ctx, ps, pe)
            if att is not None:
                out.append(att)
    return out


_AUXILIARIES = frozenset("is are was were has have had does do did".split())


def _title_case_headline(ctx: _Ctx, ps: int, pe: int) -> bool:
    """A short paragraph in title case with a quotation in it ("Mayor Lee Vows To ‘Rebuild Every
    Home’"): a headline that quotes someone."""
    text = ctx.text
    words = _WORD_RE.findall(text, ps, pe)
    if not 4 <= len(words) <= 20 or not _quotes_in(ctx, ps, pe):
        return False
    content_words = [w for w in words if w.lower() not in _FUNCTION_WORDS]
    return sum(w[:1].isupper() or w[:1].isdigit() for w in content_words) >= 0.8 * len(content_words)


def _quotes_in(ctx: _Ctx, a: int, b: int) -> bool:
    """Whether a quotation (paired marks, ``ctx.mark_spans``, in text order) lies between
    characters ``a`` and ``b``: the first one that starts at ``a`` or later ends by ``b``."""
    k = bisect.bisect_left(ctx.mark_spans, (a, -1))
    return k < len(ctx.mark_spans) and ctx.mark_spans[k][1] <= b + 1


def _headline_speaker(ctx: _Ctx, a: int, b: int) -> tuple[int, Any] | None:
    """The first person-like named entity between characters ``a`` and ``b``: (its end, the entity)."""
    for tok in ctx.doc[ctx.token_at(a): ctx.token_at(max(a, b - 1)) + 1]:
        ent = ctx.ent_of.get(tok.i)
        if ent is not None and ent.label_ in ctx.lex.speaker_labels and a <= ent.start_char and ent.end_char <= b:
            return ent.end_char, ent
    return None


def _headline_colon(ctx: _Ctx, ps: int, pe: int) -> Attribution | None:
    """"Merkel on the Refugee Crisis: ‘We Can Do This’", "A Warning From Warren Buffett: Markets Are
    ‘Overpriced’": a title-case headline whose words after a colon hold a quotation is what the
    person named before the colon said."""
    text = ctx.text
    colon = text.find(":", ps, pe)
    if colon < 0 or len(_WORD_RE.findall(text, ps, colon)) > 8 or not _quotes_in(ctx, colon, pe):
        return None
    found = _headline_speaker(ctx, ps, colon)
    cs = _strip(text, colon + 1, pe)
    if found is None or len(_WORD_RE.findall(text, *cs)) < 2:
        return None
    ent = found[1]
    return Attribution(cue=(colon, colon + 1), speaker=(ent.start_char, ent.end_char), content=[cs],
                       qtype="mixed", speaker_i=ent.root.i, rule="headline")


def _headline_verb(ctx: _Ctx, ps: int, pe: int) -> Attribution | None:
    """"Senator Ortiz Slams Budget Deal As A ‘Betrayal’", "Union Leaders Call Pay Offer ‘An
    Insult’": a title-case headline that opens with its subject (up to five capitalized words,
    naming someone) and a verb, with a quotation after the verb; the words after the verb are the
    subject's."""
    doc, text = ctx.doc, ctx.text
    first = ctx.token_at(ps)
    for k in range(first + 1, min(first + 6, len(doc))):
        tok = doc[k]
        if tok.idx >= pe or not tok.text[:1].isupper():
            return None
        if tok.tag_ in ("VBZ", "VBD", "VBP") and tok.lower_ not in _AUXILIARIES:
            break
    else:
        return None
    subject = (doc[first].idx, tok.idx - 1)
    cs = _strip(text, tok.idx + len(tok.text), pe)
    if not _quotes_in(ctx, cs[0] - 1, pe) or len(_WORD_RE.findall(text, *cs)) < 2:
        return None
    if _headline_speaker(ctx, *subject) is None and not any(
            doc[i].tag_.startswith("NN") and noun_lemma(doc[i].lower_) not in ctx.lex.not_sources for i in range(first, k)):
        return None
    return Attribution(cue=(tok.idx, tok.idx + len(tok.text)), speaker=_strip(text, *subject), content=[cs],
                       qtype="mixed", cue_i=tok.i, speaker_i=tok.i - 1, rule="headline")




def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _inverted_cue(t: Any) -> bool:
    """"Said Ellis: “…”": a sentence-initial reporting verb the parser made part of the name."""
    return t.dep_ == "compound" and t.i == t.sent.start and t.is_title and t.head.pos_ == "PROPN"


def _is_cue_token(ctx: _Ctx, t: Any) -> bool:
    if t.pos_ not in ("VERB", "AUX") or not t.tag_.startswith("VB"):
        return False
    if t.dep_ in ("amod", "compound") and not _inverted_cue(t):
        return False
    if t.i > 0 and t.nbor(-1).text == "-":
        return False  # "so-called"
    return ctx.lex.lemma_of(t.lower_) in ctx.lex.speech_verbs


def _colon_blocks(ctx: _Ctx, results: list[Attribution], inside_mark: Any) -> list[Attribution]:
    """A paragraph that ends with a short reporting clause and a colon ("Limbaugh added:")
    introduces the next paragraph as a direct quote, when that paragraph has no quotation
    marks of its own; reports inside the block belong to the quoted words."""
    doc, text = ctx.doc, ctx.text
    out = []
    for pi in range(len(ctx.paragraphs) - 1):
        ps, pe = ctx.paragraphs[pi]
        j = pe - 1
        while j > ps and text[j] in " \t\r\u00a0":
            j -= 1
        if text[j] != ":":
            continue
        ns, ne = ctx.paragraphs[pi + 1]
        ns, ne = _strip(text, ns, ne)
        if ne <= ns or text[ns] in ALL_MARKS or inside_mark(ns) is not None or any(
                ch in ALL_MARKS for ch in text[ns:ne][:1]):
            continue
        colon = ctx.token_at(j)
        cue = None
        seen = 0
        for k in range(colon - 1, max(-1, colon - 8), -1):
            tok = doc[k]
            if tok.idx < ps:
                break
            if tok.is_punct or tok.is_space:
                continue
            seen += 1
            if _is_cue_token(ctx, tok):
                cue = tok
                break
            if seen > 3:
                break
        if cue is None or any(c.dep_ in ("ccomp", "dobj", "xcomp") and c.i < colon for c in cue.children if c.i > cue.i):
            continue
        head = _speaker_head(ctx, cue)
        if head is None or head.i > colon:
            continue
        if len(_WORD_RE.findall(text, ns, ne)) < 4:
            continue
        for r in results:
            if r.cue is not None and ns <= r.cue[0] < ne:
                r.content = []  # a report inside the quoted block
        out.append(Attribution(cue=(cue.idx, cue.idx + len(cue.text)), speaker=_np_span(ctx, head),
                               content=[(ns, ne)], qtype="direct", cue_i=cue.i, speaker_i=head.i,
                               rule="colon_block"))
    return out
