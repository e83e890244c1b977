"""Dependency-label aliases: the rules test the ClearNLP labels spaCy's English pipelines emit
(``nsubj``, ``dobj``, ``prep`` + ``pobj``, ``agent`` ...); a parser trained on Universal
Dependencies emits ``obj``, ``nsubj:pass``, ``obl`` + ``case`` ... :func:`clearnlp_view` gives the
rules a ClearNLP-labelled view of such a document (a copy; the document itself is not changed).

Beyond renaming, the one structural difference the rules depend on is the preposition: UD hangs
it under its noun (``said on Tuesday``: Tuesday ``obl`` of said, on ``case`` of Tuesday), ClearNLP
puts it between (on ``prep`` of said, Tuesday ``pobj`` of on), so a nominal ``obl`` / ``nmod``
with a preposition is re-hung that way ("according to X", "by X" as ``agent``). Copular clauses
keep UD's shape (the predicate heads, ``cop`` under it).
"""
from __future__ import annotations

from typing import Any

import numpy

#: the labels of spaCy's English (ClearNLP-style) parsers: a document with only these is used as it is
CLEARNLP = frozenset(
    "ROOT acl acomp advcl advmod agent amod appos attr aux auxpass case cc ccomp compound conj csubj "
    "csubjpass dative dep det dobj expl intj mark meta neg nmod npadvmod nsubj nsubjpass nummod oprd "
    "parataxis pcomp pobj poss preconj predet prep prt punct quantmod relcl xcomp".split())

#: a UD label (with its subtype, or its base without one) -> the ClearNLP label the rules test
UD_ALIASES: dict[str, str] = {
    "root": "ROOT", "obj": "dobj", "iobj": "dative", "nsubj:pass": "nsubjpass", "csubj:pass": "csubjpass",
    "aux:pass": "auxpass", "nmod:poss": "poss", "det:poss": "poss", "compound:prt": "prt", "acl:relcl": "relcl",
    "det:predet": "predet", "cc:preconj": "preconj", "nummod:gov": "nummod", "obl:tmod": "npadvmod",
    "obl:npmod": "npadvmod", "nmod:tmod": "npadvmod", "nmod:npmod": "npadvmod", "obl": "npadvmod",
    "flat": "compound", "fixed": "dep", "discourse": "intj", "vocative": "npadvmod", "cop": "aux",
    "expl:pv": "expl", "list": "dep", "orphan": "dep", "goeswith": "dep", "reparandum": "dep",
    "dislocated": "dep", "clf": "dep",
}
#: nominals whose preposition (``case``) ClearNLP puts between them and their head
_PREPOSITIONAL = frozenset({"obl", "nmod"})


def is_clearnlp(doc: Any) -> bool:
    """Whether a document's dependency labels are ClearNLP ones: none of UD's own, and no
    preposition labelled ``case`` (ClearNLP's ``case`` is the possessive 's)."""
    if not len(doc):
        return True
    strings = doc.vocab.strings
    arr = doc.to_array(["DEP", "POS"])
    if not {strings[int(h)] for h in numpy.unique(arr[:, 0])} <= CLEARNLP:
        return False
    return not bool(((arr[:, 0] == strings["case"]) & (arr[:, 1] == strings["ADP"])).any())


def _alias(label: str) -> str:
    if label in CLEARNLP:
        return label
    return UD_ALIASES.get(label) or UD_ALIASES.get(label.split(":", 1)[0]) or label.split(":", 1)[0]


def _rehang_prepositions(doc: Any, heads: list[int], deps: list[str]) -> None:
    """UD ``X --obl--> N --case--> P`` (and ``P --fixed--> F``) as ClearNLP's ``X --prep--> P
    (--prep--> F) --pobj--> N``; ``obl:agent`` makes P an ``agent``. A possessive 's (``case``
    tagged PART) stays where it is, as in ClearNLP."""
    for n in doc:
        base = n.dep_.split(":", 1)[0]
        if base not in _PREPOSITIONAL or n.head.i == n.i:
            continue
        case = next((c for c in n.children if c.dep_ == "case" and c.i < n.i and c.pos_ != "PART"), None)
        if case is None:
            continue
        chain = [case, *(c for c in case.children if c.dep_ == "fixed")]
        heads[case.i], deps[case.i] = heads[n.i], "agent" if n.dep_ == "obl:agent" else "prep"
        for prev, tok in zip(chain, chain[1:], strict=False):
            heads[tok.i], deps[tok.i] = prev.i, "prep"
        heads[n.i], deps[n.i] = chain[-1].i, "pobj"


def _indirect_objects(doc: Any, deps: list[str]) -> None:
    """UD's ``iobj`` is ClearNLP's ``dative`` beside a direct object ("gave him the book") and its
    ``dobj`` otherwise ("told him that ...", "told reporters")."""
    for t in doc:
        if t.dep_ == "iobj":
            deps[t.i] = "dative" if any(c.dep_ == "obj" for c in t.head.children) else "dobj"


def clearnlp_view(doc: Any) -> Any:
    """``doc`` itself when its labels are ClearNLP ones; otherwise a copy with UD labels read as
    ClearNLP ones (:data:`UD_ALIASES`) and prepositions re-hung (:func:`_rehang_prepositions`)."""
    if is_clearnlp(doc):
        return doc
    heads = [t.head.i for t in doc]
    deps = [t.dep_ for t in doc]
    _rehang_prepositions(doc, heads, deps)
    _indirect_objects(doc, deps)
    deps = [_alias(d) for d in deps]
    strings = doc.vocab.strings
    view = doc.copy()
    arr = numpy.array([[h - i, strings.add(d)] for i, (h, d) in enumerate(zip(heads, deps, strict=True))],
                      dtype="int64").astype("uint64")
    view.from_array(["HEAD", "DEP"], arr)
    return view
