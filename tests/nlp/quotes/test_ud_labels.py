"""Issue 14, item 2: a parse in Universal Dependencies labels (``obj``, ``obl`` + ``case``,
``nsubj:pass``, ``obl:agent`` ...), as a UD-trained parser emits, is read by the quote rules like
the ClearNLP labels of spaCy's English pipelines (desktop/nlp/quotes/labels.py). The parses are
built by hand, so the test needs no UD model."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from desktop.nlp.quotes import extract_quotes
from desktop.nlp.quotes.labels import clearnlp_view, is_clearnlp

#: word, head index, UD label, universal POS, PTB tag, space after
SAID_THAT = [
    ("The", 1, "det", "DET", "DT", True), ("mayor", 4, "nsubj", "NOUN", "NN", True),
    ("of", 3, "case", "ADP", "IN", True), ("Springfield", 1, "nmod", "PROPN", "NNP", True),
    ("said", 4, "root", "VERB", "VBD", True), ("that", 9, "mark", "SCONJ", "IN", True),
    ("the", 7, "det", "DET", "DT", True), ("bridge", 9, "nsubj", "NOUN", "NN", True),
    ("would", 9, "aux", "AUX", "MD", True), ("reopen", 4, "ccomp", "VERB", "VB", True),
    ("in", 11, "case", "ADP", "IN", True), ("May", 9, "obl", "PROPN", "NNP", False),
    (".", 4, "punct", "PUNCT", ".", False),
]
DIRECT = [
    ("“", 3, "punct", "PUNCT", "``", False), ("We", 3, "nsubj", "PRON", "PRP", True),
    ("will", 3, "aux", "AUX", "MD", True), ("win", 8, "ccomp", "VERB", "VB", True),
    ("the", 5, "det", "DET", "DT", True), ("vote", 3, "obj", "NOUN", "NN", False),
    (",", 3, "punct", "PUNCT", ",", False), ("”", 3, "punct", "PUNCT", "''", True),
    ("said", 8, "root", "VERB", "VBD", True), ("the", 10, "det", "DET", "DT", True),
    ("mayor", 8, "nsubj", "NOUN", "NN", True), ("of", 12, "case", "ADP", "IN", True),
    ("Springfield", 10, "nmod", "PROPN", "NNP", True), ("on", 14, "case", "ADP", "IN", True),
    ("Tuesday", 8, "obl:tmod", "PROPN", "NNP", False), (".", 8, "punct", "PUNCT", ".", False),
]
ACCORDING_PASSIVE = [
    ("According", 3, "case", "VERB", "VBG", True), ("to", 0, "fixed", "ADP", "IN", True),
    ("the", 3, "det", "DET", "DT", True), ("ministry", 9, "obl", "NOUN", "NN", False),
    (",", 9, "punct", "PUNCT", ",", True), ("new", 6, "amod", "ADJ", "JJ", True),
    ("sanctions", 9, "nsubj:pass", "NOUN", "NNS", True), ("will", 9, "aux", "AUX", "MD", True),
    ("be", 9, "aux:pass", "AUX", "VB", True), ("announced", 9, "root", "VERB", "VBN", True),
    ("by", 12, "case", "ADP", "IN", True), ("the", 12, "det", "DET", "DT", True),
    ("Treasury", 9, "obl:agent", "PROPN", "NNP", False), (".", 9, "punct", "PUNCT", ".", False),
]


def _doc(rows, vocab=None) -> Doc:
    words, heads, deps, pos, tags, spaces = (list(col) for col in zip(*rows, strict=True))
    return Doc(vocab or spacy.blank("en").vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos,
               tags=tags)


def _found(doc: Doc) -> list[dict]:
    text = doc.text
    return [{"content": [text[f["start"]:f["end"]] for f in q["content"]],
             "speaker": q["speaker"] and text[q["speaker"]["start"]:q["speaker"]["end"]],
             "cue": q["cue"] and text[q["cue"]["start"]:q["cue"]["end"]], "type": q["type"]}
            for q in extract_quotes(doc)]


@pytest.mark.parametrize(("rows", "expected"), [
    (SAID_THAT, [{"content": ["the bridge would reopen in May"], "speaker": "The mayor of Springfield",
                  "cue": "said", "type": "indirect"}]),
    (DIRECT, [{"content": ["We will win the vote"], "speaker": "the mayor of Springfield", "cue": "said",
               "type": "direct"}]),
], ids=["said-that", "direct-quote"])
def test_a_ud_labelled_parse_is_attributed(rows, expected):
    doc = _doc(rows)
    assert not is_clearnlp(doc)
    assert _found(doc) == expected


def test_prepositions_are_read_as_clearnlp_hangs_them():
    doc = _doc(ACCORDING_PASSIVE)
    before = [(t.head.i, t.dep_) for t in doc]
    view = clearnlp_view(doc)
    assert [(t.head.i, t.dep_) for t in doc] == before  # the document itself is not changed
    according, to, ministry, by, treasury = view[0], view[1], view[3], view[10], view[12]
    assert (according.dep_, according.head.i) == ("prep", 9) and (to.dep_, to.head.i) == ("prep", 0)
    assert (ministry.dep_, ministry.head.i) == ("pobj", 1)
    assert (by.dep_, by.head.i, treasury.dep_, treasury.head.i) == ("agent", 9, "pobj", 10)
    assert view[6].dep_ == "nsubjpass" and view[8].dep_ == "auxpass" and view[9].dep_ == "ROOT"
    assert [s.text for s in view.sents] == [s.text for s in doc.sents]
    found = {q["cue"]: q for q in _found(doc)}
    assert found["According to"]["speaker"] == "the ministry", found  # "according to X"
    assert found["announced"]["speaker"] == "the Treasury", found  # the passive's agent


def test_an_indirect_object_is_a_dative_beside_an_object_and_an_object_alone():
    gave = clearnlp_view(_doc([("She", 1, "nsubj", "PRON", "PRP", True), ("gave", 1, "root", "VERB", "VBD", True),
                               ("him", 1, "iobj", "PRON", "PRP", True), ("books", 1, "obj", "NOUN", "NNS", False)]))
    told = clearnlp_view(_doc([("She", 1, "nsubj", "PRON", "PRP", True), ("told", 1, "root", "VERB", "VBD", True),
                               ("him", 1, "iobj", "PRON", "PRP", True), ("so", 1, "advmod", "ADV", "RB", False)]))
    assert [t.dep_ for t in gave] == ["nsubj", "ROOT", "dative", "dobj"]
    assert [t.dep_ for t in told] == ["nsubj", "ROOT", "dobj", "advmod"]


def test_a_clearnlp_parse_is_read_as_it_is():
    doc = _doc([("He", 1, "nsubj", "PRON", "PRP", True), ("said", 1, "ROOT", "VERB", "VBD", True),
                ("it", 3, "nsubj", "PRON", "PRP", True), ("rained", 1, "ccomp", "VERB", "VBD", True),
                ("on", 3, "prep", "ADP", "IN", True), ("Friday", 4, "pobj", "PROPN", "NNP", False),
                ("'s", 5, "case", "PART", "POS", False)])
    assert is_clearnlp(doc) and clearnlp_view(doc) is doc


@pytest.mark.parametrize("rows", [SAID_THAT, DIRECT, ACCORDING_PASSIVE], ids=["said-that", "direct-quote", "according"])
def test_ud_and_clearnlp_parses_of_a_sentence_give_the_same_quotes(rows):
    from desktop.nlp.pipeline import load_pipeline

    nlp = load_pipeline()
    ud = _doc(rows, nlp.vocab)
    assert extract_quotes(ud) == extract_quotes(nlp(ud.text))
