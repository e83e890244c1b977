"""Issue 14, item 3: each entity suggestion carries the recognizer's own confidence
(desktop/nlp/ner_scores.py): the pipeline finds the very entities spaCy's greedy recognizer
finds, and annotate_doc gives each a score in (0, 1]."""

from __future__ import annotations

import pytest

from desktop.nlp import ner_scores
from desktop.nlp.pipeline import DISABLED_COMPONENTS, NEWLINE_COMPONENT, load_pipeline, resolve_model
from desktop.nlp.preannotate import annotate_doc

TEXTS = [
    "Olena Kovalenko, a spokeswoman for the Ukrainian Red Cross, said on Monday that 40 trucks had reached Kharkiv.",
    "“We will not sign,” Prime Minister Mark Rutte told reporters in The Hague.\nThe European Commission declined "
    "to comment, Reuters reported.",
    "Apple shares fell 3% in New York after the company warned about iPhone sales in China.",
]


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def test_the_pipeline_finds_the_entities_the_greedy_recognizer_finds(nlp):
    import spacy

    greedy = spacy.load(resolve_model(None), disable=list(DISABLED_COMPONENTS))
    greedy.add_pipe(NEWLINE_COMPONENT, before="parser")
    assert type(nlp.get_pipe("ner")).__name__ == "ScoredEntityRecognizer"
    assert type(greedy.get_pipe("ner")).__name__ == "EntityRecognizer"
    assert nlp.pipe_names == greedy.pipe_names
    for ours, theirs in zip(nlp.pipe(TEXTS), greedy.pipe(TEXTS), strict=True):
        assert [(e.start_char, e.end_char, e.label_) for e in ours.ents] == \
               [(e.start_char, e.end_char, e.label_) for e in theirs.ents]


def test_every_entity_suggestion_has_a_score(nlp):
    for doc in nlp.pipe(TEXTS):
        entities, _ = annotate_doc(doc)
        assert entities and all(0 < e["score"] <= 1 for e in entities), entities
    doc = nlp(TEXTS[0])
    scores = doc.user_data[ner_scores.SCORES_KEY]
    assert set(scores) == {(e.start_char, e.end_char, e.label_) for e in doc.ents}


def test_scores_multiply_the_probabilities_of_the_actions_that_made_the_entity(nlp):
    doc = nlp("Mark Rutte spoke.")
    (ent,) = [e for e in doc.ents if e.text == "Mark Rutte"]
    classes = {"B-PERSON": 0, "L-PERSON": 1, "O": 2}
    steps = [[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.0, 0.0, 1.0], [0.0, 0.0, 1.0]]
    assert ner_scores.entity_scores(doc, steps, classes)[(ent.start_char, ent.end_char, "PERSON")] == 0.72
    assert ner_scores.entity_scores(doc, steps[:2], classes) == {}  # steps that do not match the tokens


def test_a_doc_from_elsewhere_has_no_scores_and_its_entities_none():
    import spacy

    blank = spacy.blank("en")
    doc = blank("Kyiv is cold.")
    doc.ents = [doc.char_span(0, 4, label="GPE")]
    entities, _ = annotate_doc(doc)
    assert entities == [{"start": 0, "end": 4, "label": "GPE", "origin": "model", "status": "suggested"}]


def test_the_benchs_raw_side_keeps_spacys_own_recognizer():
    """annotate_vs_raw_spacy compares against stock spaCy, so what scoring costs is counted."""
    from desktop.nlp.pipeline import load_pipeline

    stock, scored = load_pipeline(None, scored_entities=False), load_pipeline(None)
    assert stock is not scored and load_pipeline(None) is scored
    assert type(stock.get_pipe("ner")).__name__ == "EntityRecognizer"
    assert type(scored.get_pipe("ner")).__name__ != "EntityRecognizer"
    text = "Antony Blinken met Sergey Lavrov in Geneva on Friday."
    assert [(e.text, e.label_) for e in stock(text).ents] == [(e.text, e.label_) for e in scored(text).ents]


def test_the_scored_pipeline_saves_like_the_stock_one_and_loads_back(nlp, tmp_path):
    """nlp.to_bytes / to_disk (what spaCy's packaging and an editor's own scripts call) used to
    raise: the scored recognizer's cfg held the transition system, which is not JSON."""
    import spacy

    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert type(loaded.get_pipe("ner")).__name__ == "EntityRecognizer"
    assert loaded.get_pipe("ner").cfg == nlp.get_pipe("ner").cfg
    for ours, theirs in zip(nlp.pipe(TEXTS), loaded.pipe(TEXTS), strict=True):
        assert [(e.start_char, e.end_char, e.label_) for e in ours.ents] == \
               [(e.start_char, e.end_char, e.label_) for e in theirs.ents]
    assert nlp.get_pipe("ner").to_bytes(exclude=["vocab"])
