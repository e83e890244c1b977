"""Entity suggestions that learn from the editors: the pipeline's ``ner`` fine-tuned on the project.

The training data (:func:`sentence_units`): the sentences of every document whose entities are
reviewed (the document is done, or its entities layer marked finished). There each current
mention an editor made or accepted is gold and every other token is "not an entity" (so a
rejected suggestion is taught as no entity, and does not come back). Sentences come from spaCy's
rule-based ``sentencizer`` and the line breaks, never cutting through a mention.

The model (:func:`fine_tune`): the base pipeline's ``ner`` (``en_core_web_sm``'s has its own
``tok2vec``, so only that component is trained; a pipeline whose ``ner`` listens to a shared
``tok2vec`` is refused), starting from the base model's weights each time, new labels added,
trained with a fixed seed for at most :data:`EPOCHS` epochs, stopping when the F1 on the held-out
documents has stayed below its best for :data:`PATIENCE` epoch (a tie keeps training: a surer
model; ``patience=None``, as the folds of a small project use, scores every epoch), the best
epoch's weights kept, with a small learning rate (:data:`LEARN_RATE`). Words the stock recognizer gives a label the project does
not have (:func:`other_labels_missing`) are left missing. Against forgetting, each epoch mixes in
*rehearsal* sentences (as spaCy's documentation describes): sentences of documents nobody
reviewed (topped up from the bundled seed articles) labelled with the base model's own
predictions, as many as the gold sentences; a predicted entity whose words the editors labelled
(or rejected) is left out of the rehearsal (missing, not taught either way).

The measure (:func:`score`): spaCy's ``Example`` and its NER scorer (``get_ner_prf``: entity
precision, recall and F1, exact span and label), on the held-out documents' sentences, counting
only the project's entity labels.

A stored model (:func:`pack` / :func:`apply_to`) is one blob: the ``ner`` component's config and
``to_bytes()`` (zlib-compressed), its labels and the pipeline it was trained from; it replaces the
pipeline's ``ner`` (:func:`desktop.nlp.pipeline.load_pipeline` with ``ner=``), and the scored
recognizer (:mod:`desktop.nlp.ner_scores`) wraps it as it wraps the stock one. Its name is
``ner-`` and the start of the blob's SHA-256, and that name is part of the model id every
suggestion records.
"""
from __future__ import annotations

import hashlib
import random
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop.nlp.ner_weights import NerModel, NerTrainingError, apply_to

__all__ = ["EPOCHS", "NerModel", "NerTrainingError", "Unit", "apply_to", "fine_tune", "model_name", "ner_only",
           "other_labels_missing", "pack", "predict", "rehearsal_units", "score", "sentence_units"]

EPOCHS = 4  #: at most this many passes over the gold sentences
PATIENCE = 1  #: epochs below the best held-out F1 before stopping
#: Adam's step, a third of spaCy's default (0.001): after the tests' outlet training (36 sentences),
#: the recognizer still agreed with the stock one on 40 PolNeAR dev articles at F1 0.953 (0.900 at
#: 0.001, 0.978 at 0.0001, which no longer learned the outlet in 4 epochs); the held-out F1 the same
LEARN_RATE: float | None = 3e-4
REHEARSAL = 1.0  #: rehearsal sentences per gold sentence
SEED = 0
DROP = 0.1
BATCH = 16
MODEL_PREFIX = "ner-"

Span = tuple[int, int, str]


class TrainingCancelled(Exception):
    """The training was cancelled (nothing stored)."""


@dataclass(frozen=True)
class Unit:
    """One sentence (or a few, where a mention crosses a sentence break) with its entities."""

    doc: Any  #: the document's key
    text: str
    spans: tuple[Span, ...]  #: entities, offsets into ``text``
    missing: tuple[tuple[int, int], ...] = ()  #: character ranges neither entity nor outside


# Sentences --------------------------------------------------------------------------------------------


_splitters: dict[str, Any] = {}


def _splitter(lang: str) -> Any:
    """A blank ``lang`` pipeline with spaCy's rule-based sentencizer (made once per language)."""
    if lang not in _splitters:
        import spacy

        nlp = spacy.blank(lang)
        nlp.add_pipe("sentencizer")
        _splitters[lang] = nlp
    return _splitters[lang]


def _breaks(splitter: Any, text: str) -> list[int]:
    """Character offsets where a sentence or a line starts (0 and len(text) included)."""
    cuts = {0, len(text)}
    start = 0
    for line in text.split("\n"):
        if line.strip():
            for sent in splitter(line).sents:
                cuts.add(start + sent.start_char)
        start += len(line) + 1
        cuts.add(min(start, len(text)))
    return sorted(cuts)


def sentence_units(docs: Iterable[tuple[Any, str, Sequence[Span]]], lang: str = "en") -> list[Unit]:
    """The sentences of ``docs`` (``(key, text, gold entities)``), each with its entities; blank
    sentences are left out and no sentence break falls inside an entity."""
    splitter = _splitter(lang)
    out: list[Unit] = []
    for key, text, spans in docs:
        ordered = sorted(spans)
        inside = {i for s, e, _ in ordered for i in range(s + 1, e)}
        cuts = [c for c in _breaks(splitter, text) if c not in inside]
        k = 0
        for a, b in zip(cuts, cuts[1:], strict=False):
            piece = text[a:b]
            here = []
            while k < len(ordered) and ordered[k][0] < b:
                s, e, label = ordered[k]
                if s >= a and e <= b:
                    here.append((s - a, e - a, label))
                k += 1
            if piece.strip():
                out.append(Unit(key, piece, tuple(here)))
    return out


# Pipelines --------------------------------------------------------------------------------------------


_others: dict[str, list[str]] = {}  #: per pipeline, its components but ner (loaded once to learn them)


def ner_only(name: str, model: NerModel | None = None) -> Any:
    """The pipeline ``name`` with nothing but its tokenizer and ``ner`` (``model``'s, when given)."""
    import spacy

    if name not in _others:
        full = spacy.load(name)
        if "ner" not in full.pipe_names:
            raise NerTrainingError(f"spaCy pipeline {name} has no entity recognizer (ner) to fine-tune")
        _check_own_tok2vec(full, name)
        _others[name] = [p for p in full.component_names if p != "ner"]
    nlp = spacy.load(name, exclude=_others[name])
    nlp.meta.setdefault("claimdesk_package", name)  # what model_id() names
    if model is not None:
        apply_to(nlp, model.data)
    return nlp


def _check_own_tok2vec(nlp: Any, name: str) -> None:
    arch = str(nlp.config["components"]["ner"]["model"].get("tok2vec", {}).get("@architectures", ""))
    if "Listener" in arch:
        raise NerTrainingError(f"spaCy pipeline {name}: its ner listens to a shared tok2vec ({arch}), so it "
                               "cannot be fine-tuned alone; use en_core_web_sm")


def pack(nlp: Any, base: str) -> bytes:
    """One blob for the project file: the ``ner`` component's config and bytes, its labels and the
    pipeline it was trained from."""
    import srsly

    ner = nlp.get_pipe("ner")
    config = {k: v for k, v in nlp.config["components"]["ner"].items() if k != "factory"}
    from thinc.api import Config

    return srsly.msgpack_dumps({"config": Config({"ner": config}).to_str(), "labels": list(ner.labels),
                                "base": base, "bytes": zlib.compress(ner.to_bytes(exclude=["vocab"]), 6)})


def model_name(data: bytes) -> str:
    return MODEL_PREFIX + hashlib.sha256(data).hexdigest()[:10]


# Predict and score ------------------------------------------------------------------------------------


def predict(nlp: Any, texts: Sequence[str], labels: frozenset[str] | None = None) -> list[list[Span]]:
    """The entities ``nlp`` finds in each text (only those of ``labels``, when given)."""
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents if labels is None or e.label_ in labels]
            for doc in nlp.pipe(texts, batch_size=64)]


def _reference(nlp: Any, unit: Unit) -> Any:
    from desktop.nlp.spacy_export import split_at_edges

    doc = nlp.make_doc(unit.text)
    split_at_edges(doc, {x for s, e, _ in unit.spans for x in (s, e)} | {x for s, e in unit.missing for x in (s, e)})
    ents = [span for s, e, label in unit.spans if (span := doc.char_span(s, e, label=label)) is not None]
    missing = [span for s, e in unit.missing if (span := doc.char_span(s, e)) is not None]
    from spacy.util import filter_spans

    ents = filter_spans(ents)
    taken = {i for span in ents for i in range(span.start, span.end)}
    missing = [m for m in filter_spans(missing) if not any(i in taken for i in range(m.start, m.end))]
    doc.set_ents(ents, missing=missing, default="outside")
    return doc


def examples(nlp: Any, units: Sequence[Unit]) -> list[Any]:
    from spacy.training import Example

    return [Example(nlp.make_doc(u.text), _reference(nlp, u)) for u in units]


def score(nlp: Any, units: Sequence[Unit], labels: frozenset[str]) -> dict[str, float]:
    """Entity precision, recall and F1 of ``nlp`` on ``units`` (spaCy's scorer), only ``labels``."""
    from spacy.scorer import get_ner_prf
    from spacy.tokens import Span as SpacySpan
    from spacy.training import Example

    found = []
    for unit, doc in zip(units, nlp.pipe([u.text for u in units], batch_size=64), strict=True):
        doc.ents = [SpacySpan(doc, e.start, e.end, label=e.label_) for e in doc.ents if e.label_ in labels]
        found.append(Example(doc, _reference(nlp, unit)))
    prf = get_ner_prf(found)
    return {"f": round(float(prf["ents_f"] or 0.0), 4), "p": round(float(prf["ents_p"] or 0.0), 4),
            "r": round(float(prf["ents_r"] or 0.0), 4)}


# Train ------------------------------------------------------------------------------------------------


def rehearsal_units(nlp: Any, units: Sequence[Unit], gold: Sequence[Unit], *, limit: int,
                    seed: int = SEED) -> list[Unit]:
    """Up to ``limit`` of ``units`` (sentences nobody reviewed) labelled with ``nlp``'s own
    entities; where the words of a gold or rejected entity are predicted, left missing."""
    from desktop.nlp.entities import name_key

    rng = random.Random(seed)
    chosen = list(units)
    rng.shuffle(chosen)
    chosen = chosen[:max(0, limit)]
    edited = {name_key(u.text[s:e]) for u in gold for s, e, _ in u.spans}
    out = []
    for unit, spans in zip(chosen, predict(nlp, [u.text for u in chosen]), strict=True):
        keep = tuple(sp for sp in spans if name_key(unit.text[sp[0]:sp[1]]) not in edited)
        missing = tuple((s, e) for s, e, _ in spans if name_key(unit.text[s:e]) in edited)
        out.append(Unit(unit.doc, unit.text, keep, missing))
    return out


def other_labels_missing(nlp: Any, units: Sequence[Unit], labels: frozenset[str]) -> list[Unit]:
    """``units`` where ``nlp`` finds an entity of a label the project does not have (a DATE, when
    the editors label no dates) over no gold entity: those words left missing, as nobody labelled
    them either way (the recognizer keeps what it knows of them)."""
    out = []
    for unit, spans in zip(units, predict(nlp, [u.text for u in units]), strict=True):
        other = tuple((s, e) for s, e, label in spans if label not in labels
                      and not any(s < ge and gs < e for gs, ge, _ in unit.spans))
        out.append(Unit(unit.doc, unit.text, unit.spans, unit.missing + other) if other else unit)
    return out


@dataclass
class FineTuned:
    nlp: Any
    scores: dict[str, float]  #: on the held-out sentences after the best epoch (empty without any)
    epochs: int  #: the best epoch
    by_epoch: list[float]
    scores_by_epoch: list[dict[str, float]] = field(default_factory=list)  #: F1 / P / R after each epoch

def fine_tune(name: str, train: Sequence[Unit], heldout: Sequence[Unit], rehearsal: Sequence[Unit],
              labels: frozenset[str], *, epochs: int = EPOCHS, seed: int = SEED, fixed_epochs: bool = False,
              patience: int | None = PATIENCE, cancelled: Callable[[], bool] | None = None,
              progress: Callable[[int, int], None] | None = None) -> FineTuned:
    """``name``'s ``ner`` trained on ``train`` (and ``rehearsal``) from its own weights: at most
    ``epochs`` epochs, the best on ``heldout`` kept (all ``epochs`` when ``fixed_epochs`` or no
    held-out sentences; every epoch scored when ``patience`` is None). Deterministic for a seed."""
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(seed)
    rng = random.Random(seed)
    nlp = ner_only(name)
    ner = nlp.get_pipe("ner")
    for label in sorted({label for u in train for _, _, label in u.spans} - set(ner.labels)):
        ner.add_label(label)
    gold, silver = examples(nlp, train), examples(nlp, rehearsal)
    optimizer = nlp.resume_training()
    if LEARN_RATE is not None:
        optimizer.learn_rate = LEARN_RATE
    best, best_bytes, best_epoch, by_epoch, scores_by_epoch = -1.0, None, 0, [], []
    for epoch in range(1, epochs + 1):
        batch_items = gold + silver
        rng.shuffle(batch_items)
        for batch in minibatch(batch_items, size=BATCH):
            nlp.update(batch, sgd=optimizer, drop=DROP)
            if cancelled is not None and cancelled():
                raise TrainingCancelled()
        if progress is not None:
            progress(epoch, epochs)
        if fixed_epochs or not heldout:
            best_epoch = epoch
            continue
        scores_by_epoch.append(score(nlp, heldout, labels))
        f = scores_by_epoch[-1]["f"]
        by_epoch.append(f)
        if f >= best:  # a tie goes to the longer trained (surer) model
            best, best_epoch, best_bytes = f, epoch, ner.to_bytes(exclude=["vocab"])
        elif patience is not None and epoch - best_epoch >= patience:
            break
    if best_bytes is not None:
        ner.from_bytes(best_bytes, exclude=["vocab"])
    scores = score(nlp, heldout, labels) if heldout else {}
    return FineTuned(nlp, scores, best_epoch, by_epoch, scores_by_epoch)
