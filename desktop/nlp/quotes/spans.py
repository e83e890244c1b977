"""Content and speaker span builders: the speaker's noun phrase, the reported content for a reporting
verb (one rule per construction, tried in order), the trims of the narrator's words around it,
and pronoun speakers resolved to a named antecedent."""
from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop.core.text import dateline
from desktop.nlp.quotes.context import _Ctx
from desktop.nlp.quotes.lexicon import noun_lemma
from desktop.nlp.quotes.marks import ALL_MARKS, _strip


def _speaker_head(ctx: _Ctx, v: Any, depth: int = 0) -> Any | None:
    """The token naming who performs the reporting act ``v``."""
    subj = None
    for c in v.children:
        if c.dep_ in ("nsubj", "csubj") and c.i != v.i:
            # two subjects happen with datelines ("GENEVA (AP) — Blinken warned"): the nearer wins
            if subj is None or (c.i < v.i and c.i > subj.i):
                subj = c
    if subj is None:
        for c in v.children:
            if c.dep_ == "agent":
                for p in c.children:
                    if p.dep_ == "pobj":
                        return p
    if subj is None and any(c.dep_ in ("nsubjpass", "auxpass") for c in v.children):
        return None  # "it is believed that ...": a passive with no agent names no source
    if subj is not None and subj.is_upper and len(subj.text) > 1 and subj.i + 1 < len(subj.doc) and (
            subj.doc[subj.i + 1].text in ("--", "—", "―", "–", "-", "(")):
        # a dateline parsed as the subject ("WASHINGTON -- President Obama ... said"): the
        # name hung on it is the speaker
        subj = next((c for c in subj.children if c.dep_ == "appos" and c.i > subj.i + 1), None)
        if subj is None:
            return None
    if subj is not None:
        if subj.lower_ in ("'s", "’s") and subj.i > 0 and subj.doc[subj.i - 1].lower_ == "let":
            return None  # "let's say you think ...": a suggestion to the reader, no one's report
        if subj.lower_ in ctx.lex.relative_pronouns and v.dep_ == "relcl":
            return v.head
        if subj.tag_ in ("WP", "WDT"):
            return None
        return subj
    return _speaker_up(ctx, v, depth) if depth < 3 else None


def _speaker_up(ctx: _Ctx, v: Any, depth: int) -> Any | None:
    """The speaker of a reporting verb with no subject of its own, from what it hangs on."""
    dep = v.dep_
    if dep == "relcl":
        return v.head
    if dep == "ccomp" and _second_report(ctx, v):
        return _speaker_head(ctx, v.head, depth + 1)
    if dep in ("conj", "xcomp", "advcl", "pcomp", "prep") or (dep == "acl" and v.tag_ == "VBG"):
        head = v.head
        if dep == "xcomp" and v.tag_ == "VB" and head.pos_ in ("VERB", "AUX"):
            # "forced the banker to admit that ...": the object of the verb the infinitive hangs
            # on is who reports, not that verb's subject; after a reporting verb ("urged members
            # to reject the offer", "asked the witness to explain") the infinitive is what was
            # asked for, and no one has reported it yet
            obj = next((c for c in head.children if c.dep_ == "dobj" and head.i < c.i < v.i), None)
            if obj is not None and noun_lemma(obj.lower_) in ctx.lex.message_nouns:
                # "used harsh language to denounce ...", "issued a statement to announce ...":
                # who used the message reports, not the message
                return _speaker_head(ctx, head, depth + 1)
            if obj is not None:
                return None if ctx.lex.lemma_of(head.lower_) else obj
        if dep == "pcomp" or head.dep_ == "prep":  # quoted as saying / criticized for saying
            head = head.head if head.dep_ == "prep" else head
            if head.pos_ in ("VERB", "AUX"):
                for c in head.children:
                    if c.dep_ == "nsubjpass":
                        return c
        reporter = _reporter_of(ctx, v, head)
        if reporter is not None:
            return _speaker_head(ctx, reporter, depth + 1)
        if head.pos_ in ("VERB", "AUX"):
            return _speaker_head(ctx, head, depth + 1)
        if dep == "acl" and head.pos_ in ("NOUN", "PROPN", "PRON") and head.i < v.i:
            if noun_lemma(head.lower_) in ctx.lex.message_nouns and head.dep_ == "dobj" and head.head.pos_ == "VERB":
                # "X issued a statement saying ...", "... a statement calling the vote a violation"
                return _speaker_head(ctx, head.head, depth + 1) or head
            if any(c.dep_ == "ccomp" for c in v.children):
                return head  # "a sign saying that ...", "one saying that ..."
    return None


def _second_report(ctx: _Ctx, v: Any) -> bool:
    """"She said the plan was flawed and warned that it would fail", parsed as two complements of
    "said": the second, a reporting verb in the same tense with no subject after "and", is a
    second report by the same speaker."""
    head = v.head
    return (v.i > head.i and v.tag_ == head.tag_ and ctx.lex.lemma_of(v.lower_) in ctx.lex.speech_verbs
            and ctx.lex.lemma_of(head.lower_) in ctx.lex.speech_verbs
            and not any(c.dep_ in ("nsubj", "nsubjpass", "csubj") for c in v.children)
            and v.i > 0 and v.doc[v.left_edge.i - 1].dep_ == "cc")


def _reporter_of(ctx: _Ctx, v: Any, head: Any) -> Any | None:
    """The reporting verb whose report ``v`` continues although the parse hangs it inside the
    reported clause ``head``: "said the talks had failed, adding that ..." (a participle),
    "said the plan was sound and warned that ..." (a joined verb, see
    :func:`_joined_report_verb`); None otherwise."""
    if head.dep_ != "ccomp" or ctx.lex.lemma_of(head.head.lower_) not in ctx.lex.speech_verbs:
        return None
    outer = head.head
    if v.tag_ == "VBG" and v.dep_ in ("advcl", "xcomp") and v.i > outer.i:
        return outer
    joined = _joined_report_verb(ctx, outer, head) if v.dep_ == "conj" else None
    if joined is not None and joined.i == v.i:
        return outer
    return None


_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday yesterday today tonight".split())
_SPEAKER_KEEP_RIGHT = frozenset({"compound", "flat", "nummod", "poss", "case", "amod", "nmod"})


def _np_span(ctx: _Ctx, h: Any) -> tuple[int, int]:
    """Character span of the noun phrase headed by ``h`` (titles kept; clauses cut)."""
    doc = ctx.doc
    start = h.left_edge.i
    # do not run back over punctuation / quote marks at the phrase start
    while start < h.i and (doc[start].is_punct or doc[start].is_space):
        start += 1
    for k in range(h.i - 1, start - 1, -1):
        if "\n" in doc[k].text or "\n" in doc[k].whitespace_:
            start = k + 1
            break
    k = start
    while k < h.i:
        # "Last week Stumpf said", "predictable - Donald J. Trump said": a time phrase or the
        # words before a dash are the narrator's, not the speaker's name
        if doc[k].dep_ == "npadvmod" and doc[k].right_edge.i < h.i:
            start = k = doc[k].right_edge.i + 1
        elif doc[k].text in ("-", "–", "—", "―") and doc[k].whitespace_ and k > 0 and doc[k - 1].whitespace_:
            start = k = k + 1
        else:
            k += 1
    end = h.i
    for c in h.rights:
        if c.dep_ == "punct" and c.text == "," and c.i == end + 1 and any(
                g.dep_ == "appos" and g.left_edge.i == c.i + 1 for g in h.rights):
            continue  # "the mayor, John Smith": the comma before an apposition
        if c.dep_ in _SPEAKER_KEEP_RIGHT and c.i == end + 1:
            end = c.right_edge.i
        elif c.dep_ == "prep" and c.i == end + 1 and h.pos_ != "PROPN" and c.right_edge.i - h.i <= 6:
            end = c.right_edge.i  # "Secretary of State Antony Blinken"
        elif c.dep_ == "appos" and h.pos_ != "PROPN" and c.right_edge.i - h.i <= 8 and c.left_edge.i <= end + 2:
            end = c.right_edge.i  # "the Kremlin spokesman, Dmitry Peskov"
        else:
            break
    ent = ctx.ent_of.get(h.i)
    if ent is not None:
        start = min(start, ent.start)
        end = max(end, ent.end - 1)
    if end - start > 14:
        start = max(start, h.i - 6)
        end = min(end, h.i + 6)
    while start < h.i and doc[start].tag_.startswith("VB") and ctx.lex.lemma_of(doc[start].lower_) in ctx.lex.speech_verbs:
        start += 1  # "Said Ortega" tagged as one name
    while end > start and (doc[end].is_punct or doc[end].is_space):
        end -= 1
    s = doc[start]
    e = doc[end]
    a, b = s.idx, e.idx + len(e.text)
    # a possessive marker belongs to the noun phrase only in "the minister's", not as speaker
    return a, b


#: the relative words that stand for the object before its verb ("what X called Y")
_RELATIVE_OBJECTS = frozenset({"what", "which", "that", "whom"})

#: what a content rule decides: the token spans of the content (empty: "not a report") and the
#: content's root token
_Content = tuple[list[tuple[int, int]], Any]


@dataclass
class _VerbChildren:
    """The children of a reporting verb that the content rules read (None when absent)."""

    ccomp: Any = None  # the clausal complement: the reported clause
    dobj: Any = None  # the direct object
    xcomp: Any = None  # an infinitive or open complement
    pcontent: Any = None  # a content preposition of ctx.lex.prep_content ("called for X")
    as_prep: Any = None  # "described X as Y"
    oprd: Any = None  # an object predicate ("called him a liar")


def _later_ccomp_wins(doc: Any, v: Any, ccomp: Any | None, c: Any) -> bool:
    """Whether clausal complement ``c`` of ``v`` replaces ``ccomp``, the one seen before it.

    "...: Republicans said they ...", "..., her campaign disclosed that she ...": the clause
    before the verb is the narrator's, the one after it is reported."""
    return ccomp is None or (ccomp.i < v.i < c.i and (c.left_edge.lower_ == "that" or any(
        doc[k].text in (":", ";") for k in range(ccomp.right_edge.i + 1, v.i))))


def _advcl_role(ctx: _Ctx, lemma: str, c: Any, ch: _VerbChildren) -> str | None:
    """The role adverbial clause ``c`` (after the reporting verb) really plays: "ccomp" or
    "xcomp" when the parser slipped, None when it is an adverbial clause.

    "tweeted that X was ..." and "said after the convention he would not accept ..." (its own
    subject, no subordinator) are complement clauses; "tells them to go ..." is an infinitive."""
    first = c.left_edge
    if first.lower_ == "that" and ch.ccomp is None and first.dep_ in ("advmod", "mark", "nsubj"):
        return "ccomp"
    if (ch.ccomp is None and lemma in ctx.lex.speech_verbs and c.tag_ != "VBG"
            and not any(g.dep_ in ("mark", "advmod") and g.i < c.i and g.tag_ in ("IN", "WRB") for g in c.children)
            and any(g.dep_ in ("nsubj", "nsubjpass") and g.i < c.i for g in c.children)
            and not any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)):
        return "ccomp"
    if ch.xcomp is None and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.lefts):
        return "xcomp"
    return None


def _verb_children(ctx: _Ctx, v: Any, lemma: str) -> _VerbChildren:
    """The complement, object, infinitive, content preposition, "as" and object predicate of
    reporting verb ``v`` (the first of each, except for a later complement clause that wins)."""
    ch = _VerbChildren()
    for c in v.children:
        d = c.dep_
        if d == "ccomp":
            if c.i > v.i and _adverbial_mark(c):
                continue  # "said before he died": a time or reason clause, not what was said
            if c.i < v.i and _lead_in_before_colon(ctx.doc, v, c):
                continue
            if _later_ccomp_wins(ctx.doc, v, ch.ccomp, c):
                ch.ccomp = c
        elif d in ("dobj", "obj"):
            if ch.dobj is None:
                ch.dobj = c
        elif d == "xcomp":
            if ch.xcomp is None:
                ch.xcomp = c
        elif d == "advcl":
            role = _advcl_role(ctx, lemma, c, ch) if c.i > v.i else None
            if role == "ccomp":
                ch.ccomp = c
            elif role == "xcomp":
                ch.xcomp = c
        elif d == "oprd":
            if ch.oprd is not None and ch.dobj is None and ch.oprd.i < c.i and v.dep_ != "acl":
                ch.dobj = ch.oprd  # "called Trump a liar" parsed with two predicates: the first is the object
            ch.oprd = c
        elif d == "prep":
            if c.lower_ == "as":
                ch.as_prep = c
            elif ch.pcontent is None and c.lower_ in ctx.lex.prep_content.get(lemma, ()) and not _time_phrase(c):
                ch.pcontent = c  # "called for more investment on Thursday": "on Thursday" is the saying's time
    return ch


#: Subordinators that open an adverbial clause, never a reported one ("if"/"whether" can: "asked if").
_ADVERBIAL_MARKS = frozenset(("before", "after", "until", "till", "because", "since", "while", "although",
                              "though", "unless", "once", "whereas"))


def _adverbial_mark(c: Any) -> bool:
    """Whether clause ``c`` opens with an adverbial subordinator, which the parser sometimes hangs
    on a reporting verb as its complement ("as the man said before he died")."""
    first = c.left_edge
    return first.dep_ == "mark" and first.head.i == c.i and first.lower_ in _ADVERBIAL_MARKS


def _lead_in_before_colon(doc: Any, v: Any, c: Any) -> bool:
    """"We have seen this before: the rebels declared war ...", "The choice is stark: voters
    said ...": a clause before a colon that comes before the reporting verb is the narrator's
    lead-in, not what the verb reports; a quoted one ("“The plan is dead”: the mayor said it
    again") still is."""
    a, b = c.left_edge.i, c.right_edge.i
    return (doc[b].text == ":" or any(doc[k].text == ":" for k in range(b + 1, v.i))) and not any(
        doc[k].text in ALL_MARKS for k in range(max(a - 1, 0), min(b + 2, len(doc))))


def _time_phrase(prep: Any) -> bool:
    """Whether preposition ``prep`` governs only a date or time ("on Thursday", "on May 3")."""
    obj = next((g for g in prep.children if g.dep_ in ("pobj", "pcomp")), None)
    return obj is not None and (obj.ent_type_ in ("DATE", "TIME") or obj.lower_ in _WEEKDAYS)


def _content_as_clause(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """"Turnout fell, as the mayor noted": the host clause around the "as" clause is the content
    (see :func:`_as_clause_content`)."""
    return _as_clause_content(ctx, v, lemma, ch.dobj, ch.ccomp)


def _content_as_only(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """A verb that reports only in "as X put it" (ctx.lex.as_only_verbs) reports nothing otherwise."""
    return ([], None) if lemma in ctx.lex.as_only_verbs else None


def _content_what_said_was(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """"What the minister said was that ...": the complement of the copula is the content."""
    if not (v.dep_ == "csubj" and lemma in ctx.lex.speech_verbs and v.head.lemma_ in ("be", "")
            and v.head.lower_ in ("was", "is", "were", "are")
            and any(c.dep_ == "dobj" and c.lower_ == "what" for c in v.children)):
        return None
    doc = ctx.doc
    comp = next((c for c in v.head.children if c.dep_ in ("ccomp", "attr", "acomp") and c.i > v.head.i), None)
    if comp is None:
        return None
    a = comp.left_edge.i
    while a < comp.i and (doc[a].lower_ == "that" and doc[a].dep_ == "mark" or doc[a].is_punct):
        a += 1
    return [(a, comp.right_edge.i)], comp


def _drop_clause_before_semicolon(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """"X said Y; they only learned ...": a complement clause before the verb and a semicolon is
    not reported (the later rules see no complement clause). Decides nothing itself."""
    doc, ccomp = ctx.doc, ch.ccomp
    if ccomp is not None and ccomp.i < v.i and any(doc[k].text == ";" for k in range(ccomp.right_edge.i + 1, v.i)):
        ch.ccomp = None
    return None


def _complement_start(doc: Any, v: Any, ccomp: Any) -> int:
    """First token of the reported clause ``ccomp``: no leading "that" mark or punctuation, and
    no time phrase that belongs to the saying ("said after the convention he would ...",
    "said Monday the city would appeal", AP style; "told supporters this weekend he would ...")."""
    a = ccomp.left_edge.i
    if ccomp.dep_ == "advcl":
        subj = next((g for g in ccomp.children if g.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None and subj.left_edge.i > a and doc[a].lower_ != "that":
            a = subj.left_edge.i
    obj_end = max((c.right_edge.i for c in v.children if c.dep_ == "dobj" and v.i < c.i < a), default=v.i)
    when = _time_at(doc, a) if ccomp.i > v.i and a == obj_end + 1 else None
    if when is not None:
        subj = next((g for g in ccomp.children if g.dep_ in ("nsubj", "nsubjpass", "expl")), None)
        if subj is not None and subj.left_edge.i == when.right_edge.i + 1:
            a = subj.left_edge.i
    if ccomp.i > v.i and a < v.i and doc[a].tag_ in ("WDT", "WP") and doc[a].head.i == ccomp.i:
        a = v.i + 1  # "donations, which he said were ...", "what the senators said was ...": the
        # relative word is the narrator's, the report starts after the verb
    while a < ccomp.i and (doc[a].lower_ == "that" and doc[a].dep_ in ("mark", "advmod") or doc[a].is_punct):
        a += 1
    return a


def _time_at(doc: Any, a: int) -> Any | None:
    """The head of a time phrase ("Monday", "this weekend") that starts at token ``a``, or None."""
    t = doc[a]
    if t.dep_ != "npadvmod" and t.head.dep_ == "npadvmod" and t.head.left_edge.i == a:
        t = t.head
    if t.dep_ == "npadvmod" and (t.ent_type_ in ("DATE", "TIME") or t.lower_ in _WEEKDAYS):
        return t
    return None


def _joined_report_verb(ctx: _Ctx, v: Any, ccomp: Any) -> Any | None:
    """"said he would order a review and warned against hackers": a verb joined to the reported
    clause without a subject, in the reporting verb's tense and not in the clause's (or a
    reporting verb with a clause of its own: "said the plan was sound and warned that ..."),
    continues the report, not the reported words; that verb, if any."""
    for c in ccomp.children:
        if (c.dep_ == "conj" and c.i > ccomp.i and c.pos_ == "VERB" and c.tag_ == v.tag_
                and not any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
                and (c.tag_ != ccomp.tag_ or _reports_a_clause(ctx, c))):
            return c
    return None


def _reports_a_clause(ctx: _Ctx, c: Any) -> bool:
    """"... and warned that taxes could rise", "... and urged voters to stay home": a reporting
    verb with a clause (or, for a verb of :attr:`infinitive_verbs`, an infinitive) of its own."""
    lemma = ctx.lex.lemma_of(c.lower_)
    return (lemma in ctx.lex.speech_verbs and any(g.dep_ == "ccomp" for g in c.children)
            or lemma in ctx.lex.infinitive_verbs and any(g.dep_ == "xcomp" and g.i > c.i for g in c.children)
            or lemma in ("call", "describe", "label", "dub") and any(g.dep_ == "dobj" for g in c.children)
            and any(g.dep_ == "oprd" or g.dep_ == "prep" and g.lower_ == "as" for g in c.children))


def _embedded_report_verb(ctx: _Ctx, v: Any, ccomp: Any) -> Any | None:
    """"says Ortiz promised to stay and said she would run": a reporting verb joined to the
    reported clause in the clause's tense, with a clause of its own and no subject, is a report
    by the clause's subject; it ends the reported words (PARC and PolNeAR do not nest reports)."""
    for c in ccomp.children:
        if (c.dep_ == "conj" and c.i > ccomp.i and c.pos_ == "VERB" and c.tag_ != v.tag_
                and not any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children) and _reports_a_clause(ctx, c)):
            return c
    return None


def _loose_clause_end(ctx: _Ctx, v: Any, b: int) -> int:
    """"said he wants to repeal provisions in the code that govern how ...", "said she had a source
    who told her the mayor hadn't paid": a second complement clause the parse hangs on the
    reporting verb right after the first one ends, with a relative word for its subject or no
    subject at all, is a relative clause (or the complement of a verb) inside the first; the
    reported clause runs on over it. The new last token, else ``b``."""
    doc = ctx.doc
    for c in v.rights:
        if c.dep_ != "ccomp" or c.i <= b:
            continue
        if c.left_edge.i != b + 1 or doc[b].is_punct or doc[b + 1].is_punct or doc[b].pos_ == "CCONJ" or _reports_a_clause(ctx, c):
            return b  # "said the plan was flawed and warned that ...": the narrator's next report
        subj = next((g for g in c.children if g.dep_ in ("nsubj", "nsubjpass", "expl")), None)
        if subj is not None and not (subj.i == b + 1 and subj.tag_ in ("WDT", "WP")):
            return b
        return c.right_edge.i
    return b


def _complement_end(ctx: _Ctx, v: Any, ccomp: Any, a: int) -> int:
    """Last token of the reported clause ``ccomp`` starting at token ``a``: before the reporting
    verb when the clause precedes it, before a verb that continues the report."""
    b = ccomp.right_edge.i
    if b >= v.i > a and ccomp.i < v.i:
        b = v.i - 1
    if ccomp.i > v.i:
        b = _loose_clause_end(ctx, v, b)
    joined = _joined_report_verb(ctx, v, ccomp) or _embedded_report_verb(ctx, v, ccomp) if ccomp.i > v.i else None
    if joined is not None:
        k = joined.left_edge.i - 1
        while k > a and (ctx.doc[k].dep_ == "cc" or ctx.doc[k].is_punct):
            k -= 1
        b = min(b, k)
    doc = ctx.doc
    while b > a and (doc[b].dep_ == "cc" or (doc[b].is_punct and doc[b].text in (",", ";"))) and doc[b].head.i < b:
        b -= 1  # "said the plan was flawed and | warned ...": a dangling conjunction is the narrator's
    return b


def _infinitives_end(v: Any, xcomp: Any) -> int:
    """The last token of infinitive ``xcomp`` of ``v`` and of the infinitives joined to it: in
    "wants to triple X, grow Y and create Z" the parse hangs the others on the verb."""
    end = xcomp.right_edge.i
    for c in v.rights:
        if c.i > end and _bare_infinitive(v, c) and not any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children):
            end = c.right_edge.i
            while end > c.i and c.doc[end].is_punct:
                end -= 1  # the sentence's full stop hung on the last verb
    return end


def _bare_infinitive(v: Any, c: Any) -> bool:
    """Whether ``c``, joined to verb ``v``, is an infinitive of the reported plan: a base form
    ("pledged to meet and exceed", "planned to buy the bridge, then sell it": "sell" hangs loose
    with ", then"); a present-tense tag after a verb in another tense is a base form mis-tagged
    ("declined to punish X or even blame it"): the narrator's verb would share the tense."""
    if c.dep_ not in ("conj", "dep") or (c.dep_ == "dep" and c.doc[c.i - 1].lower_ != "then"
                                          and c.doc[c.i - 1].dep_ != "cc"):
        return False
    return (c.tag_ == "VB" and v.tag_ != "VB") or (c.tag_ == "VBP" and v.tag_ in ("VBD", "VBZ", "VBN", "VBG"))


def _content_raised_passive(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """"The vote is expected to pass", "he is considered a moderate": under the parc convention,
    the passive of a verb of belief or report (ctx.lex.raising_verbs) with no agent is an
    attribution with no source, its subject and its infinitive (or predicate) the two fragments.

    The clause convention (and this one, for the other verbs) leaves a report without a source
    out; a verb of this list that is in no other reports nothing there."""
    if lemma not in ctx.lex.raising_verbs:
        return None
    subj = _sourceless_passive_subject(ctx, v)
    pred = ch.xcomp if ch.xcomp is not None and any(g.dep_ == "aux" and g.lower_ == "to" for g in ch.xcomp.children) else ch.oprd
    if subj is not None and pred is not None and pred.i > v.i:
        return [(subj.left_edge.i, subj.right_edge.i), (pred.left_edge.i, pred.right_edge.i)], pred
    return ([], None) if lemma in ctx.lex.parc_only else None


def _sourceless_passive_subject(ctx: _Ctx, v: Any) -> Any | None:
    """Under the parc convention, the subject of ``v`` when it is a passive with no agent."""
    subj = next((c for c in v.children if c.dep_ == "nsubjpass" and c.i < v.i), None)
    if (ctx.parc and v.tag_ == "VBN" and subj is not None and subj.lower_ != "there"
            and not any(c.dep_ == "agent" for c in v.children) and any(c.dep_ == "auxpass" for c in v.children)):
        return subj
    return None


def _content_charged_passive(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """"The agency was accused of hiding the figures", "they have been criticized for being slow":
    under the parc convention, the passive with no agent of a verb that reports a charge through
    its preposition (ctx.lex.prep_content, the verbs whose object is the content) is an
    attribution with no source: the one charged, and the charge. So is "X was described as Y",
    "X was dubbed Y" (the "as" phrase or the predicate)."""
    if lemma not in ctx.lex.object_content_verbs:
        return None
    subj = _sourceless_passive_subject(ctx, v)
    o = None
    for prep in (ch.pcontent, ch.as_prep):
        if o is None and prep is not None and prep.i > v.i:
            o = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
    if o is None and ch.oprd is not None and ch.oprd.i > v.i:
        o = ch.oprd
    if subj is None or o is None:
        return None
    return [(subj.left_edge.i, subj.right_edge.i), (o.left_edge.i, o.right_edge.i)], o


def _content_intention(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """"The campaign plans to ...", "she refuses to ...": under the parc convention, the infinitive
    of a verb of intention or desire (ctx.lex.intention_verbs) is the content.

    PARC and PolNeAR count an intention as an attribution; the clause convention reports speech,
    so there a verb that is only a verb of intention reports nothing ("expects that ..." and
    "hopes that ..." are beliefs, left to the complement rule under both)."""
    if lemma not in ctx.lex.intention_verbs:
        return None
    xcomp = ch.xcomp
    if (ctx.parc and xcomp is not None and xcomp.i > v.i and any(g.dep_ == "aux" and g.lower_ == "to" for g in xcomp.children)
            and not any(c.dep_ == "auxpass" for c in v.children)):
        # "the obligations that the company was seeking to shed": the relative word is the narrator's
        return [(max(xcomp.left_edge.i, v.i + 1), _infinitives_end(v, xcomp))], xcomp
    if ctx.parc and ch.ccomp is not None:
        return None  # "decided that she should ...": the complement rule's
    return ([], None) if lemma in ctx.lex.parc_only else None


def _content_complement(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """A complement clause is the content ("said (that) X")."""
    ccomp = ch.ccomp
    if ccomp is None or ccomp.i == v.i:
        return None
    a = _complement_start(ctx.doc, v, ccomp)
    subj = _object_as_subject(v, lemma, ch.dobj, ccomp)
    if subj is None and ctx.parc:
        subj = _object_before_clause(v, lemma, ch.dobj, ccomp)
    if subj is not None and subj.left_edge.i < a:
        a = subj.left_edge.i
    if ctx.parc and ch.dobj is not None and v.i < ch.dobj.i < a and ctx.doc[a - 1].text == ":":
        a = ch.dobj.left_edge.i  # "suggested a simpler way to save: open an account early": the
        # object the colon spells out is reported with it
    b = _complement_end(ctx, v, ccomp, a)
    if ctx.parc and ccomp.i > v.i:
        b = _modal_conjunct_end(ctx, v, b)
    return [(a, b)], ccomp


def _modal_conjunct_end(ctx: _Ctx, v: Any, b: int) -> int:
    """Parc convention: "says the cut would depress revenue at first, but would add $84 billion
    later": a verb with a modal and no subject, joined to the reporting verb right after the
    reported clause, goes on with the reported clause (the narrator's own sentence would not
    take a modal there); one that reports a clause ("... and would add that ...") or holds a
    cue does not. The new last token, else ``b``."""
    doc = ctx.doc
    for c in v.rights:
        if c.i <= b or c.dep_ != "conj":
            continue
        k = b + 1
        while k < c.left_edge.i and (doc[k].text == "," or doc[k].dep_ == "cc"):
            k += 1
        if (k != c.left_edge.i or any(g.dep_ in ("nsubj", "nsubjpass", "expl", "ccomp") for g in c.children)
                or not any(g.dep_ == "aux" and g.tag_ == "MD" for g in c.children)
                or any(t.i != c.i and t.pos_ in ("VERB", "AUX") and ctx.lex.lemma_of(t.lower_) for t in c.subtree)):
            return b
        return c.right_edge.i
    return b


_ADDRESSEE_VERBS = frozenset({"tell", "inform", "assure", "remind", "warn", "promise", "ask", "convince", "persuade"})


def _object_as_subject(v: Any, lemma: str, dobj: Any, ccomp: Any) -> Any | None:
    """"seemed to think the outreach to voters was phony" parsed with "the outreach" as the verb's
    object, "to voters" hung on the verb and a clause with no subject after them: the object is the clause's subject
    (a verb that takes an addressee and a clause, "told reporters ...", keeps its object out)."""
    if dobj is None or lemma in _ADDRESSEE_VERBS or not v.i < dobj.i < ccomp.i:
        return None
    between = {t.i for c in v.children if c.dep_ == "prep" and dobj.i < c.i < ccomp.i for t in c.subtree}
    if any(i not in between for i in range(dobj.right_edge.i + 1, ccomp.left_edge.i)):
        return None  # only the object's own phrases between it and the clause ("to voters")
    if any(g.dep_ in ("nsubj", "nsubjpass", "expl", "csubj", "mark") for g in ccomp.children):
        return None
    return dobj


def _object_before_clause(v: Any, lemma: str, dobj: Any, ccomp: Any) -> Any | None:
    """Parc convention: "echoed statements by the mayor that ...", "believed the polls that
    showed him ahead": a noun object right before the clause (the clause its complement or
    relative clause, hung on the verb) is part of the content, as PolNeAR marks it; an
    addressee ("told reporters that ...") is not."""
    if dobj is None or lemma in _ADDRESSEE_VERBS or not v.i < dobj.i < ccomp.i or dobj.pos_ not in ("NOUN", "PROPN"):
        return None
    between = {t.i for c in v.children if c.dep_ == "npadvmod" and dobj.i < c.i < ccomp.i for t in c.subtree}
    if any(i not in between for i in range(dobj.right_edge.i + 1, ccomp.left_edge.i)):
        return None  # only a time phrase between them ("statements by X last week that ...")
    return dobj


def _content_stance_object(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """"The union endorsed the senator", "polls show her ahead": under the parc convention, the
    object of a verb of stance or evidence (ctx.lex.stance_object_verbs) is the content, with an
    object predicate or infinitive after it.

    PARC and PolNeAR count a stance or a finding as an attribution; the clause convention
    reports speech, so there such a verb reports nothing ("shows that ..." is a finding under
    parc, left to the complement rule after this one)."""
    if lemma not in ctx.lex.stance_object_verbs:
        return None
    if ctx.parc and ch.ccomp is not None:
        return None
    dobj = ch.dobj
    subjpass = next((c for c in v.children if c.dep_ == "nsubjpass" and c.i < v.i), None)
    if ctx.parc and subjpass is not None and any(c.dep_ == "agent" for c in v.children):
        # "the senator has been endorsed by dozens of papers": the passive subject, by the agent
        # (not what a comma puts before it)
        a = max([subjpass.left_edge.i] + [k + 1 for k in range(subjpass.left_edge.i, subjpass.i) if ctx.doc[k].text == ","])
        return [(a, subjpass.right_edge.i)], subjpass
    if ctx.parc and dobj is not None and dobj.i > v.i and dobj.pos_ in ("NOUN", "PROPN", "PRON"):
        # the object without what a comma adds to it ("endorsed Trump, who says ...")
        doc = ctx.doc
        end = next((k - 1 for k in range(dobj.i + 1, dobj.right_edge.i + 1) if doc[k].text == ","), dobj.right_edge.i)
        for c in v.rights:
            # and the predicate the verb takes after it: "show Clinton with a lead ...", "showing
            # her ahead by four points", "endorsed her for president", "endorsed her in the race"
            # (not a time: "endorsed Trump during ...", "in March")
            if c.i <= end:
                continue
            if c.left_edge.i != end + 1 or not (c.dep_ in ("oprd", "acomp", "advmod", "xcomp")
                    or c.dep_ == "prep" and c.lower_ in ("with", "for", "in", "by") and not _time_phrase(c)):
                break  # right after the object: a phrase after a comma ("..., a kind of détente") is not
            end = c.right_edge.i
        return [(dobj.left_edge.i, end)], dobj
    return ([], None) if lemma in ctx.lex.parc_only else None


def _drop_addressee(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """"he told me", "she told reporters": an addressee object is no content (the later rules
    see no object). Decides nothing itself."""
    dobj = ch.dobj
    if dobj is not None and lemma in ("tell", "assure", "remind", "inform") and (
            dobj.lower_ in ctx.lex.pronouns or dobj.lower_ in ("reporters", "journalists", "lawmakers", "supporters")):
        ch.dobj = None
    return None


def _content_parenthetical(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """"The museum, Mr. Obama said, would make ...": the host clause is the content, in two
    fragments around the reporting clause ("The difference now, he told me, is that ...": the
    sentence root when the clause hangs on the subject)."""
    if not (v.dep_ == "parataxis" and ch.dobj is None and ch.xcomp is None and lemma in ctx.lex.speech_verbs):
        return None
    host = v.head
    if host.pos_ not in ("VERB", "AUX"):
        host = v.sent.root
    return _relative_conjunct(ctx, v, _around(host, v)), host


def _relative_conjunct(ctx: _Ctx, v: Any, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """"Mr. Lowe, who works for the agency and, Ms. Park said, has lately seemed friendly": a
    reporting clause right after the "and" of a relative clause reports that clause's second
    conjunct; the main clause and the first conjunct before it are the narrator's. The relative
    pronoun stays as a fragment under parc (PolNeAR marks it, as in "which officials said ..."),
    nothing of it under the default convention."""
    if len(spans) != 2:
        return spans
    doc = ctx.doc
    k = v.left_edge.i - 1
    while k > spans[0][0] and doc[k].text == ",":
        k -= 1
    if doc[k].lower_ not in ("and", "but"):
        return spans
    rel = next((r for r in range(k - 1, spans[0][0], -1) if doc[r].tag_ in ("WP", "WDT") and doc[r - 1].text == ","), None)
    if rel is None or doc[rel].head.dep_ != "relcl" or doc[k].head.i != doc[rel].head.i:
        return spans
    return ([(rel, rel)] if ctx.parc else []) + spans[1:]


def _content_passive(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """A passive with an agent: "The sanctions were announced by the Treasury", "... described
    as useful by X": the passive subject (and the "as" phrase) is the content."""
    agent = next((c for c in v.children if c.dep_ == "agent"), None)
    subjpass = next((c for c in v.children if c.dep_ == "nsubjpass"), None)
    if agent is None or subjpass is None or lemma not in ctx.lex.speech_verbs | ctx.lex.object_content_verbs:
        return None
    spans = [(subjpass.left_edge.i, subjpass.right_edge.i)]
    if ch.as_prep is not None:
        spans.append((ch.as_prep.left_edge.i, ch.as_prep.right_edge.i))
    return spans, subjpass


def _content_called_on(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """"called on X to Y": from X to the end of the infinitive; without one, no report."""
    if lemma != "call" or ch.pcontent is None or ch.pcontent.lower_ != "on":
        return None
    if ch.xcomp is not None:
        return [(ch.pcontent.i + 1, ch.xcomp.right_edge.i)], ch.xcomp
    return [], None


def _content_infinitive(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """"urged X to ...", "vowed to ...": the infinitive (with the object before it) is the content;
    so is "called on X to ...", "called for X to ..." with X, the object of the verb's content
    preposition (ctx.lex.prep_content) before the infinitive, however the parse hangs it (a
    particle "on", a "for" that marks the infinitive's subject)."""
    xcomp, dobj = ch.xcomp, ch.dobj
    if xcomp is None or lemma not in ctx.lex.infinitive_verbs or xcomp.i <= v.i:
        return None
    doc = ctx.doc
    a = dobj.left_edge.i if dobj is not None and dobj.i < xcomp.i else xcomp.left_edge.i
    if dobj is None or dobj.i > xcomp.i:
        for c in v.children:
            obj = next((g for g in c.children if g.dep_ == "pobj"), None) if c.dep_ in ("prep", "prt") else None
            if (obj is not None and v.i < c.i < xcomp.i and c.lower_ in ctx.lex.prep_content.get(lemma, ())
                    and not _time_phrase(c)):
                a = obj.left_edge.i
    if doc[a].dep_ == "mark" and doc[a].lower_ == "for" and doc[a].head.i == xcomp.i and a + 1 < xcomp.i:
        a += 1
    return [(a, _infinitives_end(v, xcomp))], xcomp


def _content_preposition(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """"called for X", "warned of X": the object of the content preposition. "blasted him for
    not paying taxes": the target and the charge; "accused him of lying": the accusation alone,
    as PARC and PolNeAR mark it; "asked her about the budget": the topic alone (the one asked is
    an addressee, not part of what is asked)."""
    pcontent, dobj, xcomp = ch.pcontent, ch.dobj, ch.xcomp
    if pcontent is None:
        return None
    o = next((c for c in pcontent.children if c.dep_ in ("pobj", "pcomp")), None)
    if o is None:
        return None
    a = o.left_edge.i
    if (lemma in ctx.lex.object_content_verbs and lemma != "accuse" and lemma not in _ADDRESSEE_VERBS
            and dobj is not None and v.i < dobj.i < pcontent.i):
        a = dobj.left_edge.i
    return [(a, max(o.right_edge.i, xcomp.right_edge.i if xcomp is not None else 0))], o


def _content_accused_of(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """"accused the opposition of lying" when the parse hangs "of" on the object: the object of
    "of" is the content."""
    dobj = ch.dobj
    if lemma != "accuse" or dobj is None or dobj.i <= v.i:
        return None
    of = next((c for c in dobj.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    obj = next((g for g in of.children if g.dep_ in ("pobj", "pcomp")), None) if of is not None else None
    if obj is None:
        return None
    return [(obj.left_edge.i, obj.right_edge.i)], obj


def _content_relative_predicate(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """"a device that the chief described as “a crude bomb”", "what critics called a giveaway":
    when the object of a verb that reports its object is a relative word
    before it, the "as" phrase or object predicate after the verb is the content."""
    if lemma not in ctx.lex.object_content_verbs:
        return None
    rel = ch.dobj
    if rel is None or rel.i > v.i or rel.lower_ not in _RELATIVE_OBJECTS:
        return None
    pred = ch.oprd
    if ch.as_prep is not None and ch.as_prep.i > v.i:
        pred = next((g for g in ch.as_prep.children if g.dep_ in ("pobj", "pcomp")), None)
    if pred is None or not v.i < pred.left_edge.i <= v.i + 3:
        return None  # a predicate far from its verb is a misparse
    return [(pred.left_edge.i, pred.right_edge.i)], pred


def _content_object(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """Verbs whose object is the content (ctx.lex.object_content_verbs, "pointed out X"): the object and
    any "as" phrase, object predicate or infinitive after it. "called a meeting", "described the
    scene" (no "as", no predicate) are no report."""
    dobj = ch.dobj
    object_content = lemma in ctx.lex.object_content_verbs or (
        lemma in ctx.lex.particle_verbs and any(c.dep_ == "prt" and c.lower_ == ctx.lex.particle_verbs[lemma] for c in v.children))
    if not object_content or dobj is None or dobj.i <= v.i:
        return None
    end = dobj.right_edge.i
    for extra in (ch.as_prep, ch.oprd, ch.xcomp):
        if extra is not None and extra.i > dobj.i:
            end = max(end, extra.right_edge.i)
    if lemma in ("call", "describe", "label", "dub") and end == dobj.right_edge.i and not any(
        tok.lower_ == "as" and tok.dep_ == "prep" for tok in dobj.rights
    ):
        return [], None
    start = dobj.left_edge.i
    end = _label_end(ctx, dobj.i, end)
    if ctx.parc:
        end = _object_phrases_end(ctx, v, end)
        if (lemma in ("call", "dub", "label") and dobj.lower_ in _PERSONAL_OBJECTS and ch.oprd is not None
                and ch.oprd.left_edge.i == dobj.i + 1):
            start = ch.oprd.left_edge.i  # "called him “a genius”": the name given is the content, as
            # PolNeAR marks it; a person named by a pronoun is no part of it ("called the plan a sham",
            # "called them a sham" keep it)
    return [(start, end)], dobj


#: the pronouns of a person a verb of naming takes as object ("called him a liar"; "call them
#: reckless" may be of things: "the plans")
_PERSONAL_OBJECTS = frozenset({"him", "her", "me", "us"})
def _label_end(ctx: _Ctx, a: int, end: int) -> int:
    """"blasted the plan as a “disaster” during a rally in Ohio", "dismissed the town as the
    “middle of nowhere” -- a phrase that ...": the label in quotation marks that the "as" phrase
    (or predicate) gives the object ends the content when a time, a place or the narrator's
    dash comment follows its closing mark ("hailed him as “the Builder” for the bridge" goes
    on: "for" is part of the label's phrase). Token ``a`` is where the label phrase may start."""
    doc = ctx.doc
    lo, hi = doc[a].idx, doc[end].idx + len(doc[end].text)
    for _, e in ctx.mark_spans:
        if not lo < e < hi:
            continue
        k = ctx.token_at(e)
        while k <= end and (doc[k].idx < e or all(ch in ALL_MARKS for ch in doc[k].text)):
            k += 1
        if k > end or k <= a:
            continue
        t = doc[k]
        if (t.text in ("--", "—", "–") or t.lower_ in ("during", "after", "before", "at", "while", "when")
                or t.ent_type_ in ("DATE", "TIME") or t.lower_ in _WEEKDAYS):
            return k - 1
    return end


#: prepositions of a time, a place or an addressee, not of what is reported
_CIRCUMSTANCE_PREPOSITIONS = frozenset({"during", "after", "before", "since", "until", "while", "when", "at", "as", "on", "to"})
#: where a report is made ("in a ruling", "in an interview"), with the message nouns
_MEDIA = frozenset({"ruling", "interview", "speech", "op-ed", "article", "column", "book", "memoir", "hearing"})


def _object_phrases_end(ctx: _Ctx, v: Any, end: int) -> int:
    """Parc convention: "questioned Europe's reliance on the United States for defense", "cited
    his endorsements from 88 generals": the prepositional phrases the verb takes right after
    its object are part of the content, as PolNeAR marks it; a time or place ("at a rally",
    "on Tuesday", "during the debate"), the addressee ("to me"), where the report was made ("in
    a ruling", "in early-morning tweets") and a phrase with a cue of its own are not."""
    for c in v.rights:
        if c.i <= end:
            continue
        obj = next((g for g in c.children if g.dep_ == "pobj"), None)
        if (c.dep_ != "prep" or c.left_edge.i != end + 1 or c.lower_ in _CIRCUMSTANCE_PREPOSITIONS or _time_phrase(c)
                or obj is None or noun_lemma(obj.lower_) in _MEDIA or noun_lemma(obj.lower_) in ctx.lex.message_nouns
                or any(t.pos_ in ("VERB", "AUX") and ctx.lex.lemma_of(t.lower_) for t in c.subtree)):
            break
        end = c.right_edge.i
    return end


def _content_gerund(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """"proposed dropping the tax", "denied taking the money": a gerund right after a verb whose
    object is the content (ctx.lex.object_content_verbs) is the content."""
    xcomp = ch.xcomp
    if (lemma not in ctx.lex.object_content_verbs or ch.dobj is not None or xcomp is None or xcomp.tag_ != "VBG"
            or not v.i < xcomp.left_edge.i <= v.i + 2):
        return None
    return [(xcomp.left_edge.i, xcomp.right_edge.i)], xcomp


def _content_told_that(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """"told a meeting of leaders that few people understood ...": the complement clause parsed
    as a relative clause of the object, with a "that" mark, is the content (after "that")."""
    if lemma not in ("tell", "inform", "assure", "remind", "warn", "promise") or ch.dobj is None:
        return None
    for tok in ch.dobj.subtree:
        if tok.dep_ == "relcl" and tok.left_edge.lower_ == "that" and tok.left_edge.dep_ == "mark":
            return [(tok.left_edge.i + 1, tok.right_edge.i)], tok
    return None


def _that_clause_in(c: Any) -> Any | None:
    """The head of a "that" clause within the first words of phrase ``c`` whose "that" is a
    complementizer (a mark, or a "subject" beside the clause's own subject), if any."""
    for tok in c.subtree:
        first = tok.left_edge
        if (tok.dep_ not in ("relcl", "acl", "ccomp") or first.lower_ != "that" or first.i == tok.i
                or not c.i < first.i <= c.i + 5):
            continue
        subjects = [g for g in tok.subtree if g.dep_ in ("nsubj", "nsubjpass") and g.i != first.i
                    and g.head.i >= first.i]
        if subjects and (first.dep_ in ("mark", "advmod") or first.dep_ in ("nsubj", "nsubjpass")):
            return tok
    return None


def _content_that_after_phrase(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """"reported at the time that X ...", "claimed without evidence that X ...", "argued in a
    speech that X ...": the complement clause parsed as a clause of the phrase between is the
    content (after "that")."""
    if lemma not in ctx.lex.speech_verbs or ch.ccomp is not None:
        return None
    for c in v.children:
        if c.dep_ != "prep" or c.i < v.i:
            continue
        tok = _that_clause_in(c)
        if tok is not None:
            return [(tok.left_edge.i + 1, tok.right_edge.i)], tok
    return None


def _reporting_clause_extent(v: Any) -> tuple[int, int]:
    """First and last token of the reporting clause of ``v``: its subject, the verb and the
    modifiers right after it (", Stumpf explained earlier in the committee hearing, ",
    ", he told me on Friday, ")."""
    clause_start = min((c.left_edge.i for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), default=v.i)
    clause_end = v.i
    for c in v.rights:
        if c.dep_ in ("npadvmod", "advmod", "prt", "prep", "dobj") and c.left_edge.i == clause_end + 1:
            clause_end = c.right_edge.i
    return clause_start, clause_end


def _content_between_commas(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """", he said, ": a reporting clause between commas, with text on both sides in its sentence;
    the rest of the sentence is the content, in two fragments."""
    doc = ctx.doc
    if lemma not in ctx.lex.speech_verbs or ch.dobj is not None:
        return None
    clause_start, clause_end = _reporting_clause_extent(v)
    if not (clause_start > 0 and clause_end + 1 < len(doc) and doc[clause_start - 1].text == ","
            and doc[clause_end + 1].text == ","):
        return None
    sent = v.sent
    spans = []
    if sent.start <= clause_start - 2:
        spans.append((sent.start, clause_start - 2))
    if clause_end + 2 < sent.end:
        spans.append((clause_end + 2, sent.end - 1))
    first = doc[sent.start]
    if len(spans) == 2 and first.tag_ == "VBN" and first.dep_ == "advcl" and first.head.i == v.i:
        # "Asked to describe the device, the chief said, “...”": the question put to the
        # speaker, not their words
        return spans[1:], v
    if len(spans) == 2 and v.dep_ == "relcl" and doc[clause_start].tag_ == "WP":
        # "..., featuring the singer Ana Ruiz, who joked of the stadium, “...”": the words before
        # the relative clause are the narrator's, about its antecedent; only what follows is said
        return spans[1:], v
    return (spans, v) if len(spans) == 2 else None


def _content_before_clause(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """"A shameful day for the city, she told reporters.": a reporting clause that closes its sentence after a comma,
    with no complement or object of its own, reports the words before the comma (the parser
    hangs a verbless fragment there, not a clause)."""
    doc = ctx.doc
    if lemma not in ctx.lex.speech_verbs or ch.dobj is not None or ch.ccomp is not None or v.dep_ != "ROOT":
        return None
    clause_start, clause_end = _reporting_clause_extent(v)
    sent = v.sent
    last = sent.end - 1
    while last > clause_end and doc[last].is_punct and doc[last].text not in (":", ","):
        last -= 1
    if last != clause_end or clause_start - 2 < sent.start + 1 or doc[clause_start - 1].text != ",":
        return None
    return [(sent.start, clause_start - 2)], v


#: The content rules, in order: the first that decides (returns spans, empty for "no report")
#: wins; the two "_drop" steps only take a child away from the rules after them.
def _content_said_object(ctx: _Ctx, v: Any, lemma: str, ch: _VerbChildren) -> _Content | None:
    """"has said the same thing", "said as much", "hasn't said much about the plan": under the
    parc convention, the noun phrase a verb of saying (ctx.lex.said_object_verbs) takes as its
    object is what was said, as PARC and PolNeAR mark it; the last rule, for what no other one
    took. Not a pronoun ("said it"), nor what a comma adds to the object."""
    if not ctx.parc or lemma not in ctx.lex.said_object_verbs or ch.ccomp is not None or ch.xcomp is not None:
        return None
    obj = ch.dobj
    if obj is None:
        obj = next((c for c in v.rights if c.dep_ == "advmod" and c.lower_ == "much"
                    and any(g.lower_ == "as" for g in c.lefts)), None)
    if obj is None or obj.i <= v.i or obj.pos_ == "VERB" or obj.lower_ in ctx.lex.pronouns:
        return None
    if obj.dep_ == "advmod":
        return [(obj.left_edge.i, obj.i)], obj
    # the object without what a comma adds to it ("the same thing, including ...")
    end = next((k - 1 for k in range(obj.i + 1, obj.right_edge.i + 1) if ctx.doc[k].text == ","), obj.right_edge.i)
    return [(obj.left_edge.i, end)], obj


_CONTENT_RULES: tuple[Callable[[_Ctx, Any, str, _VerbChildren], _Content | None], ...] = (
    _content_as_clause,
    _content_as_only,
    _content_what_said_was,
    _drop_clause_before_semicolon,
    _content_raised_passive,
    _content_charged_passive,
    _content_intention,
    _content_stance_object,
    _content_complement,
    _drop_addressee,
    _content_parenthetical,
    _content_passive,
    _content_called_on,
    _content_infinitive,
    _content_preposition,
    _content_accused_of,
    _content_relative_predicate,
    _content_object,
    _content_gerund,
    _content_told_that,
    _content_that_after_phrase,
    _content_between_commas,
    _content_before_clause,
    _content_said_object,
)


def _content_from_children(ctx: _Ctx, v: Any, lemma: str) -> tuple[list[tuple[int, int]], Any | None]:
    """Content span(s) of reporting verb ``v`` (token index pairs); also the content root token.

    The first of :data:`_CONTENT_RULES` that decides gives them; none: no content."""
    ch = _verb_children(ctx, v, lemma)
    for rule in _CONTENT_RULES:
        found = rule(ctx, v, lemma, ch)
        if found is not None:
            ctx.content_rule = rule.__name__.lstrip("_")
            return found
    return [], None


def _around(host: Any, v: Any, min_tokens: int = 1) -> list[tuple[int, int]]:
    """Token spans of ``host``'s clause before and after the reporting clause ``v`` inside it
    (each at least ``min_tokens`` long)."""
    spans = []
    if v.left_edge.i - host.left_edge.i >= min_tokens:
        spans.append((host.left_edge.i, v.left_edge.i - 1))
    if host.right_edge.i - v.right_edge.i >= min_tokens:
        spans.append((v.right_edge.i + 1, host.right_edge.i))
    return spans


def _as_clause_content(ctx: _Ctx, v: Any, lemma: str, dobj: Any | None, ccomp: Any | None
                       ) -> tuple[list[tuple[int, int]], Any] | None:
    """"Turnout fell, as the mayor noted", "As The New Yorker put it, he is ...": the clause the
    "as" clause hangs on is what the source said, around the "as" clause."""
    if v.dep_ != "advcl" or ccomp is not None or not any(
            c.dep_ == "mark" and c.lower_ == "as" and c.i < v.i for c in v.children):
        return None
    if lemma in ctx.lex.as_only_verbs:
        if dobj is None or dobj.lower_ != "it":
            return None
    elif not (lemma in ctx.lex.speech_verbs or _with_particle(ctx, v, lemma)) or lemma in _NOT_AS_VERBS or dobj is not None:
        return None  # "as regulars continued to ...", "as she asked ...": time, not source
    if not any(c.dep_ in ("nsubj", "nsubjpass") for c in v.children):
        return None
    host = v.head
    if host.pos_ not in ("VERB", "AUX"):
        return None
    return _around(host, v, min_tokens=3), host  # "Yet, as X observed, ...": a lone connector is no content


def _with_particle(ctx: _Ctx, v: Any, lemma: str) -> bool:
    """Whether ``v`` is a verb of ctx.lex.particle_verbs with its particle ("as she pointed out")."""
    return lemma in ctx.lex.particle_verbs and any(
        c.dep_ == "prt" and c.lower_ == ctx.lex.particle_verbs[lemma] for c in v.children)


_NOT_AS_VERBS = frozenset("continue ask call question chant shout yell scream whisper mutter".split())


def _clean_token_span(ctx: _Ctx, a: int, b: int) -> tuple[int, int] | None:
    doc = ctx.doc
    while a <= b and (doc[a].is_space or (doc[a].is_punct and doc[a].text not in ALL_MARKS)):
        a += 1
    while b >= a and (doc[b].is_space or (doc[b].is_punct and doc[b].text not in ALL_MARKS and doc[b].text not in ".?!")
                      or (doc[b].pos_ == "CCONJ" and b > a)):
        b -= 1  # nor a conjunction left dangling where the parse cut a coordination ("to threaten X or")
    if b < a:
        return None
    if b + 1 < len(doc) and not doc[b].whitespace_ and doc[b + 1].lower_.replace("’", "'") in _CLITICS:
        b += 1  # "those who don’t": the parse may hang a curly "n’t" on another verb, as punctuation
    s = doc[a].idx
    e = doc[b].idx + len(doc[b].text)
    return _strip(ctx.text, s, e)


_CLITICS = frozenset({"n't", "'s", "'re", "'ve", "'ll", "'d", "'m"})


class _PronounResolver:
    """Links he/she speakers to the nearest salient named person before them.

    Candidates are person names (PERSON entities, or proper nouns spelled like a PERSON
    entity elsewhere in the document) that are the subject of a main clause or the speaker of
    a quote, outside quotation marks; a resolved pronoun speaker becomes a candidate in turn,
    so "he said" chains follow the same person. Without a candidate, the nearest person
    name before the pronoun is taken.
    """

    def __init__(self, ctx: _Ctx, in_marks: Any):
        self.ctx = ctx
        doc = ctx.doc
        self.in_marks = in_marks
        self.person_names = {
            tok.text for ent in doc.ents if ent.label_ == "PERSON" for tok in ent if tok.pos_ == "PROPN"
        }
        self.cands: list[tuple[int, tuple[int, int]]] = []
        for t in doc:
            if t.dep_ not in ("nsubj", "nsubjpass"):
                continue
            head = t.head
            main = head.dep_ == "ROOT" or (head.dep_ == "conj" and head.head.dep_ == "ROOT")
            if main and self.person_like(t.i):
                if not in_marks(t.idx):
                    self.cands.append((t.idx, self.span(t.i)))

    def person_like(self, i: int) -> bool:
        ent = self.ctx.ent_of.get(i)
        tok = self.ctx.doc[i]
        if ent is not None and ent.label_ == "PERSON":
            return True
        return tok.pos_ == "PROPN" and tok.text in self.person_names

    def span(self, i: int) -> tuple[int, int]:
        ent = self.ctx.ent_of.get(i)
        if ent is not None:
            return ent.start_char, ent.end_char
        tok = self.ctx.doc[i]
        return tok.idx, tok.idx + len(tok.text)

    def add(self, pos: int, span: tuple[int, int]) -> None:
        bisect.insort(self.cands, (pos, span))

    def resolve(self, pron_i: int) -> tuple[int, int] | None:
        doc = self.ctx.doc
        if doc[pron_i].lower_ not in self.ctx.lex.person_pronouns:
            return None
        pos = doc[pron_i].idx
        k = bisect.bisect_left(self.cands, (pos, (-1, -1))) - 1
        if k >= 0 and pos - self.cands[k][0] < 3000:
            return self.cands[k][1]
        for i in range(pron_i - 1, max(-1, pron_i - 400), -1):
            if self.person_like(i) and not self.in_marks(doc[i].idx):
                return self.span(i)
        return None


_LEAD_CONNECTORS = frozenset("and but or so yet however also still meanwhile moreover plus".split())


#: connective phrases that open the narrator's sentence, not the reported clause ("In addition,
#: the campaign plans ..., a spokesman announced")
_LEAD_PHRASES = tuple(tuple(p.split()) for p in (
    "in addition", "for example", "for instance", "in fact", "as it stands", "by contrast", "in contrast",
    "conversely", "additionally", "furthermore", "nonetheless", "nevertheless", "likewise", "similarly"))


def _lead_phrase_end(doc: Any, i: int, b: int) -> int:
    """The first token after a connective that opens a content at token ``i`` and ends with a
    comma: a phrase of :data:`_LEAD_PHRASES`, "As for X," or "X aside," ("Details aside, the
    plan ..."); ``i`` when there is none, or nothing follows it in the content (before ``b``)."""
    words = [t.lower_ for t in doc[i:i + 6]]
    end = next((i + len(p) for p in _LEAD_PHRASES if tuple(words[:len(p)]) == p), None)
    if end is None and words[:2] == ["as", "for"] or len(words) > 1 and "aside" in words[1:4]:
        end = next((k for k in range(i + 2, min(i + 6, len(doc))) if doc[k].text == ","), None)
        if end is not None and words[:2] != ["as", "for"] and doc[end - 1].lower_ != "aside":
            end = None
    if end is None or end >= len(doc) or doc[end].text != "," or end + 1 >= len(doc) or doc[end + 1].idx >= b:
        return i
    return end + 1


def _trim_lead(ctx: _Ctx, span: tuple[int, int], keep_conjunction: bool = False) -> tuple[int, int]:
    """A reported clause without the narrator's connector: "But the goal is ..." -> "the goal ...".

    Drops a dateline ("WASHINGTON ― ", "GENEVA (AP) — ") and a leading coordinating conjunction
    or connective adverb of the reported clause; with ``keep_conjunction`` (the parc convention,
    for a reported clause: PARC and PolNeAR start "But the plan is flawed, she said" at "But")
    the conjunction stays, a connective adverb ("However, ...") still goes.
    """
    doc, text = ctx.doc, ctx.text
    a, b = span
    m = dateline(text, a, b)
    if m and m.end() < b and (a == 0 or text[a - 1] == "\n"):
        a = m.end()
        span = (a, b)
    i = ctx.token_at(a)
    if i >= len(doc) or doc[i].idx != a:
        return span
    i = _lead_phrase_end(doc, i, b)
    for _ in range(2):
        t = doc[i]
        if t.is_punct:
            break
        if keep_conjunction and t.pos_ == "CCONJ":
            break
        if (t.lower_ in _LEAD_CONNECTORS and t.pos_ in ("CCONJ", "ADV", "SCONJ") and i + 1 < len(doc)
                and t.head.pos_ in ("VERB", "AUX") and t.head.i != i + 1):
            j = i + 1
            if doc[j].text == ",":
                j += 1
            if j < len(doc) and doc[j].idx < b and not doc[j].is_punct:
                i = j
                continue
        break
    if doc[i].idx == a:
        return span
    return _strip(text, doc[i].idx, b)


#: the content rules whose content is a reported clause ("said (that) X"): under the parc
#: convention its final relative, participle or concessive clause is part of it
_CLAUSE_RULES = frozenset({"verb/content_complement", "verb/content_told_that", "verb/content_that_after_phrase"})


def _trim_tail(ctx: _Ctx, span: tuple[int, int], cues: list[int] | None = None) -> tuple[int, int]:
    """A reported clause without the narrator's comment after it.

    Cuts a final non-restrictive relative clause (", which forced her to leave ..."), a final
    participle clause (", implicitly putting his name on the line") and a final concession
    (", although critics disagree", ", even though ...") that close the content; quoted
    words in the tail keep it. With ``cues`` (the parc convention, for a reported clause: PARC
    and PolNeAR end the content at the end of the clause, "said the museum would put it in
    context, allowing people to see ..."), it cuts only a tail that holds one of these cue
    offsets: another report (", though she noted ...", ", arguing that ...") is its own, and a
    participle after an adverb (", implicitly putting ...", ", quietly ending ...") is the
    narrator's reading of the report.
    """
    doc, text = ctx.doc, ctx.text
    a, b = span
    first = ctx.token_at(a)
    last = ctx.token_at(b - 1)
    for k in range(first + 2, last):
        if doc[k].text == ";" and not any(ch in ALL_MARKS for ch in text[a:b]):
            # "... was not intentional; they only learned on Friday ...": a semicolon ends the
            # reported clause; the next one is the narrator's
            if any(t.dep_ in ("nsubj", "nsubjpass") for t in doc[k + 1:last + 1]):
                return _strip(text, a, doc[k].idx)
        if doc[k].text != ",":
            continue
        j = k + 1
        if doc[j].pos_ == "ADV" and j + 1 <= last:
            j += 1
        nxt = doc[j]
        verb = None
        if nxt.lower_ in ("which", "who") and nxt.head.dep_ == "relcl" and nxt.head.i > j:
            verb = nxt.head
        elif nxt.tag_ == "VBG" and nxt.dep_ in ("advcl", "acl", "xcomp", "conj") and nxt.head.i < k:
            verb = nxt
        elif nxt.lower_ in ("although", "though") and nxt.dep_ == "mark" and nxt.head.i > j:
            verb = nxt.head
        if verb is None or verb.right_edge.i < last - 1:
            continue
        tail = text[doc[k].idx:b]
        if any(ch in ALL_MARKS for ch in tail) or text[a:doc[k].idx].count(" ") < 2:
            continue
        if cues is not None and not any(doc[k].idx <= c < b for c in cues) and not (
                nxt.lower_ == "who" and doc[k - 1].pos_ == "PROPN") and not (j > k + 1 and nxt.tag_ == "VBG"):
            continue  # ", who ..." after a name is the narrator's introduction of the person, and
            # ", implicitly putting ..." the narrator's reading of the report
        return _strip(text, a, doc[k].idx)
    return span
