"""Check-worthiness that learns from the editors: a spaCy text classifier over the project's labels.

The training data (:func:`labelled_sentences`): every sentence of a document whose claims are
reviewed (the document is done, or its claims layer marked finished), split and scored by the
cold start (:func:`desktop.nlp.checkworthy.claim_suggestions`, so training sees the sentences
pre-annotation scores); a sentence is check-worthy when an accepted claim covers at least half of
it (or of the claim), and not check-worthy otherwise.

The model (:func:`train_textcat`): a blank pipeline of the project's language with one ``textcat``
(spaCy's ``TextCatBOW``: bag of words and bigrams, exclusive classes ``CHECKWORTHY`` / ``OTHER``,
a CPU model that trains in seconds), the positives repeated until they are about a third of the
examples (a few check-worthy sentences among many). Its probability is blended with the cold-start
score, ``weight * learned + (1 - weight) * cold``; the weight is chosen on held-out documents
(:func:`evaluate`), 0 meaning the cold start alone.

The evaluation (:func:`evaluate`): documents, not sentences, are held out. The documents the
current model did not train on (all of them against the cold start) are cut into up to five folds;
each fold is scored by a classifier trained on every other labelled document. The measure is
CLEF CheckThat!'s (``../shared/eval/score_checkworthy.py``): per document, the average precision of
its sentences ranked by score (ties in document order), averaged over the documents with a
check-worthy sentence (MAP). ``before`` is the current scorer on the same documents.

A stored model (:func:`pack` / :class:`LearnedScorer`) is one blob: the textcat pipeline's config and
``nlp.to_bytes()``, the blend weight, the label; its name is ``textcat-`` and the start of the blob's
SHA-256, and that name is what its suggestions record as their model.
"""
from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop.nlp.checkworthy import claim_suggestions

__all__ = ["COLD_START", "ClaimScorer", "Evaluation", "LabelledSentence", "LearnedScorer", "average_precision",
           "evaluate", "labelled_sentences", "load_scorer", "mean_average_precision", "pack", "train_textcat"]

COLD_START = "cold-start"  #: the model cold-start claim suggestions record
LABEL, OTHER = "CHECKWORTHY", "OTHER"
WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)  #: blends of the learned probability tried on held-out documents
FOLDS = 5
EPOCHS = 8
SEED = 0
TEXTCAT_CONFIG = {"model": {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True, "ngram_size": 2,
                            "no_output_layer": False, "length": 262144}}


@dataclass(frozen=True)
class LabelledSentence:
    doc: Any  #: the document's key (its id)
    index: int  #: the sentence's place in its document
    text: str  #: what the classifier reads: the sentence without a speaker label
    cold: float  #: its cold-start score
    label: bool  #: check-worthy (an accepted claim covers it)


def _covered(start: int, end: int, claims: Sequence[tuple[int, int]]) -> bool:
    for s, e in claims:
        overlap = min(end, e) - max(start, s)
        if overlap > 0 and (2 * overlap >= end - start or 2 * overlap >= e - s):
            return True
    return False


def labelled_sentences(nlp: Any, docs: Iterable[tuple[Any, str, Sequence[tuple[int, int]]]], *,
                       progress: Callable[[int], None] | None = None,
                       cancelled: Callable[[], bool] | None = None) -> list[LabelledSentence]:
    """The sentences of ``docs`` (``(key, text, accepted claim spans)``), parsed by ``nlp`` as
    pre-annotation parses them, each with its cold-start score and its label."""
    out: list[LabelledSentence] = []
    items = ((text, (key, claims)) for key, text, claims in docs)
    for n, (parsed, (key, claims)) in enumerate(nlp.pipe(items, as_tuples=True, batch_size=4), 1):
        text = parsed.text
        for i, c in enumerate(claim_suggestions(parsed)):
            out.append(LabelledSentence(key, i, text[c["start"]:c["end"]], c["score"],
                                        _covered(c["start"], c["end"], claims)))
        if progress is not None:
            progress(n)
        if cancelled is not None and cancelled():
            break
    return out


# Measure ----------------------------------------------------------------------------------------------


def average_precision(labels: Sequence[bool], scores: Sequence[float]) -> float | None:
    """The average precision of sentences ranked by score, ties in document order (None: no
    check-worthy sentence, the document is not counted)."""
    order = sorted(range(len(labels)), key=lambda i: (-scores[i], i))
    hits, total = 0, 0.0
    for k, i in enumerate(order, 1):
        if labels[i]:
            hits += 1
            total += hits / k
    return total / hits if hits else None


def mean_average_precision(sentences: Sequence[LabelledSentence], scores: Sequence[float]) -> float:
    """MAP over the documents of ``sentences`` that have a check-worthy sentence."""
    by_doc: dict[Any, tuple[list[bool], list[float]]] = {}
    for s, score in zip(sentences, scores, strict=True):
        labels, doc_scores = by_doc.setdefault(s.doc, ([], []))
        labels.append(s.label)
        doc_scores.append(score)
    aps = [ap for labels, doc_scores in by_doc.values() if (ap := average_precision(labels, doc_scores)) is not None]
    return round(sum(aps) / len(aps), 4) if aps else 0.0


# Scorers ----------------------------------------------------------------------------------------------


class ClaimScorer:
    """The cold start: a sentence's score is its cold-start score."""

    name = COLD_START

    def scores(self, texts: Sequence[str], cold: Sequence[float]) -> list[float]:
        return [float(c) for c in cold]

    def rescore(self, claims: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
        """``claims`` (claim_suggestions' dicts over ``text``), scored by this scorer and
        recording it as their model, in place."""
        if claims:
            new = self.scores([text[c["start"]:c["end"]] for c in claims], [c["score"] for c in claims])
            for c, score in zip(claims, new, strict=True):
                c["score"] = score
                c["model"] = self.name
        return claims


class LearnedScorer(ClaimScorer):
    """A stored model: ``weight * P(check-worthy) + (1 - weight) * cold start``."""

    def __init__(self, data: bytes, name: str | None = None):
        import srsly

        packed = srsly.msgpack_loads(data)
        self.data = data
        self.name = name or model_name(data)
        self.weight = float(packed["weight"])
        self._nlp: Any = None

    def __getstate__(self) -> dict[str, Any]:  # a worker process loads the pipeline itself
        return {"data": self.data, "name": self.name, "weight": self.weight, "_nlp": None}

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            self._nlp = _unpack(self.data)
        return self._nlp

    def probabilities(self, texts: Sequence[str]) -> list[float]:
        return [d.cats.get(LABEL, 0.0) for d in self.nlp.pipe(texts, batch_size=256)]

    def scores(self, texts: Sequence[str], cold: Sequence[float]) -> list[float]:
        w = self.weight
        learned = self.probabilities(texts) if w > 0 else [0.0] * len(texts)
        return [round(w * p + (1 - w) * c, 4) for p, c in zip(learned, cold, strict=True)]


def load_scorer(data: bytes | None, name: str | None = None) -> ClaimScorer:
    """The scorer of a stored model's bytes (None: the cold start)."""
    return ClaimScorer() if data is None else LearnedScorer(data, name)


def model_name(data: bytes) -> str:
    return "textcat-" + hashlib.sha256(data).hexdigest()[:10]


# Training ---------------------------------------------------------------------------------------------


def _blank(lang: str) -> Any:
    import spacy

    nlp = spacy.blank(lang)
    textcat = nlp.add_pipe("textcat", config=TEXTCAT_CONFIG)
    textcat.add_label(LABEL)
    textcat.add_label(OTHER)
    return nlp


def train_textcat(sentences: Sequence[LabelledSentence], lang: str = "en", *, epochs: int = EPOCHS,
                  seed: int = SEED, cancelled: Callable[[], bool] | None = None) -> Any:
    """A blank ``lang`` pipeline with a ``textcat`` trained on ``sentences`` (deterministic)."""
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(seed)
    rng = random.Random(seed)
    nlp = _blank(lang)
    positives = sum(1 for s in sentences if s.label)
    negatives = len(sentences) - positives
    repeat = max(1, round(negatives / (2 * positives))) if positives else 1  # positives about a third
    examples = []
    for s in sentences:
        doc = nlp.make_doc(s.text)
        cats = {LABEL: 1.0 if s.label else 0.0, OTHER: 0.0 if s.label else 1.0}
        examples += [Example.from_dict(doc, {"cats": cats})] * (repeat if s.label else 1)
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(epochs):
        rng.shuffle(examples)
        for batch in minibatch(examples, size=64):
            nlp.update(batch, sgd=optimizer, drop=0.0)
            if cancelled is not None and cancelled():
                raise TrainingCancelled()
    return nlp


class TrainingCancelled(Exception):
    """The training was cancelled (nothing stored)."""


def pack(nlp: Any, weight: float) -> bytes:
    """One blob for the project file: the textcat pipeline's config and bytes, and the blend weight."""
    import srsly

    return srsly.msgpack_dumps({"config": nlp.config.to_str(), "bytes": nlp.to_bytes(), "weight": float(weight),
                                "label": LABEL})


def _unpack(data: bytes) -> Any:
    import srsly
    from spacy.util import load_model_from_config
    from thinc.api import Config

    packed = srsly.msgpack_loads(data)
    nlp = load_model_from_config(Config().from_str(packed["config"]), auto_fill=True, validate=True)
    return nlp.from_bytes(packed["bytes"])


@dataclass
class Evaluation:
    """What :func:`evaluate` measured on the held-out documents."""

    before: float  #: MAP of the current scorer
    after: float  #: MAP of the blend, each fold scored with the weight the other folds chose
    weight: float  #: the best blend's weight of the learned probability (0: the cold start alone)
    heldout: int  #: documents scored (those with a check-worthy sentence count in the MAP)
    folds: int
    by_weight: dict[str, float] = field(default_factory=dict)


def evaluate(sentences: Sequence[LabelledSentence], heldout: Sequence[Any], current: ClaimScorer, lang: str = "en",
             *, folds: int = FOLDS, progress: Callable[[int, int], None] | None = None,
             cancelled: Callable[[], bool] | None = None) -> Evaluation:
    """Cross-validate by document over ``heldout`` (document keys): each fold's documents are scored
    by a classifier trained on all the other labelled documents of ``sentences``."""
    keys = sorted(set(heldout), key=str)
    k = max(1, min(folds, len(keys)))
    fold_of = {key: i % k for i, key in enumerate(keys)}
    tested = [s for s in sentences if s.doc in fold_of]
    learned: dict[tuple[Any, int], float] = {}
    for f in range(k):
        train = [s for s in sentences if fold_of.get(s.doc) != f]
        test = [s for s in tested if fold_of[s.doc] == f]
        if progress is not None:
            progress(f, k)
        nlp = train_textcat(train, lang, cancelled=cancelled)
        for s, doc in zip(test, nlp.pipe([s.text for s in test], batch_size=256), strict=True):
            learned[(s.doc, s.index)] = doc.cats.get(LABEL, 0.0)
    if progress is not None:
        progress(k, k)
    cold = [s.cold for s in tested]
    before = mean_average_precision(tested, current.scores([s.text for s in tested], cold))

    def blended(w: float, part: Sequence[LabelledSentence]) -> float:
        return mean_average_precision(part, [w * learned[(s.doc, s.index)] + (1 - w) * s.cold for s in part])

    def best_weight(part: Sequence[LabelledSentence]) -> float:
        return max(WEIGHTS, key=lambda w: (blended(w, part), -w))  # a tie goes to the least learned

    by_weight = {str(w): blended(w, tested) for w in WEIGHTS}
    best = best_weight(tested)  # what the stored model uses
    # ``after`` must not be the best of several tries on the documents it reports: each fold is
    # scored with the weight the other folds chose (with one fold there are no others)
    scores: dict[tuple[Any, int], float] = {}
    for f in range(k):
        test = [s for s in tested if fold_of[s.doc] == f]
        others = [s for s in tested if fold_of[s.doc] != f]
        w = best_weight(others) if others else best
        scores.update({(s.doc, s.index): w * learned[(s.doc, s.index)] + (1 - w) * s.cold for s in test})
    after = mean_average_precision(tested, [scores[(s.doc, s.index)] for s in tested])
    return Evaluation(before=before, after=after, weight=best, heldout=len(keys), folds=k, by_weight=by_weight)
