"""``claimdesk train`` and the window's Annotate ▸ Train…: claim and entity suggestions learned from the editors.

:func:`train_claims` reads the project's labelled documents (claims reviewed: done, or the claims
layer marked finished), trains and evaluates a classifier on held-out documents
(:mod:`desktop.nlp.claims_model`) and returns a :class:`TrainResult` with the figures before and
after. When the new model scores better it carries the :class:`~desktop.core.edits.StoreModel`
edit that stores it in the project (the caller applies it, so the window can make it an undo
step); otherwise nothing is to be stored and the current model (or the cold start) stays.
:func:`claims_scorer` is the scorer pre-annotation uses: the project's current model, else the
cold start.

:func:`train_ner` does the same for the entity recognizer (:mod:`desktop.nlp.ner_model`): documents
whose entities are reviewed, some held out, the pipeline's ``ner`` fine-tuned on the others and
scored (entity F1 / P / R) against the current one (the project's model, else the pipeline's own);
when it is better it is trained again on every reviewed document and its :class:`NerTrainResult`
carries the ``StoreModel`` edit (kind "ner"). :func:`train_models` runs both (or the kinds asked
for) and collects, per kind, its result or why it could not train (:class:`TrainReport`).
:func:`project_ner` is the entity model pre-annotation uses (None: the pipeline's own).
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop.core import edits
from desktop.core.jobs import Cancelled, Job
from desktop.core.store import ProjectError, Store
from desktop.core.wording import plural

__all__ = ["KINDS", "NerTrainResult", "TrainError", "TrainReport", "TrainResult", "apply_training", "project_ner",
           "train_claims", "train_models", "train_ner"]

MIN_DOCUMENTS = 2
MIN_MENTIONS = 5  #: gold entities needed to fine-tune the recognizer
KINDS = ("claims", "ner")  #: what ``claimdesk train`` trains, in this order
HELDOUT_EVERY = 4  #: about one in this many candidate documents is held out for the entity figures


class TrainError(ProjectError):
    """Not enough labelled work to train on, or nothing new since the current model."""


class _Outcome:
    """What a training result says of its model: ``edit`` stores it (None: it did not score better)."""

    edit: edits.StoreModel | None
    before_model: str

    @property
    def replaced(self) -> bool:
        return self.edit is not None

    @property
    def name(self) -> str | None:
        return self.edit.name if self.edit is not None else None

    def _outcome(self, head: str, stored: str, suggestions: str) -> str:
        if self.edit is not None:
            return f"{head}\nstored {stored} {self.edit.name}: {suggestions} suggestions use it from the next annotate"
        return f"{head}\nnot better: kept {self.before_model}"


@dataclass
class TrainResult(_Outcome):
    before: float  #: MAP of the current scorer on the held-out documents
    after: float  #: MAP of the new model there
    before_model: str  #: "cold-start" or the current model's name
    sentences: int
    check_worthy: int
    documents: int
    heldout: int
    seconds: float
    weight: float
    edit: edits.StoreModel | None = None  #: what stores the new model (None: it is not better)
    by_weight: dict[str, float] = field(default_factory=dict)
    kind = "claims"

    def summary(self) -> str:
        """Two lines: the figures, and what happened to the model."""
        head = (f"claims: trained on {plural(self.sentences, 'sentence')} ({self.check_worthy} check-worthy) of "
                f"{plural(self.documents, 'labelled document')} in {self.seconds:.1f} s; MAP on "
                f"{plural(self.heldout, 'held-out document')}: before {self.before:.3f} ({self.before_model}), "
                f"after {self.after:.3f}")
        return self._outcome(head, "model", "claim")


def _accepted_spans(store: Store, doc_id: int) -> list[tuple[int, int]]:
    return [(c.start, c.end) for c in store.claims(doc_id, include_rejected=False)
            if c.prov.status == "accepted" or c.prov.origin == "editor"]


def train_claims(store: Store, *, job: Job | None = None, model: str | None = None) -> TrainResult:
    """Train the check-worthiness classifier on the project's labels (see the module docstring).

    Raises :class:`TrainError` when fewer than two documents have reviewed claims, none holds a
    check-worthy sentence, or every one trained the current model already; ``Cancelled`` when the
    job is cancelled (nothing is stored)."""
    from desktop.nlp.claims_model import (
        TrainingCancelled,
        evaluate,
        labelled_sentences,
        load_scorer,
        model_name,
        pack,
        train_textcat,
    )
    from desktop.nlp.pipeline import load_pipeline, model_id

    job = job or Job()
    started = time.monotonic()
    docs = [d for d in store.documents() if "claims" in d.reviewed]
    if len(docs) < MIN_DOCUMENTS:
        raise TrainError(f"{store.path.name}: training needs the claims of at least {MIN_DOCUMENTS} documents "
                         f"reviewed (mark them done); {len(docs)} now")
    current = store.current_model("claims")
    scorer = load_scorer(current.data if current else None, current.name if current else None)
    trained = set(current.provenance.get("documents", ())) if current else set()
    heldout = [d.id for d in docs if d.ext_id not in trained]
    if not heldout:
        raise TrainError(f"{store.path.name}: every reviewed document trained {scorer.name} already; "
                         "review more documents, then train again")
    nlp = load_pipeline(model or store.meta("model_name"))
    steps = len(docs) + 2
    job.progress(0, steps, "claims: reading the labelled documents")
    sentences = labelled_sentences(nlp, ((d.id, d.text, _accepted_spans(store, d.id)) for d in docs),
                                   progress=lambda n: job.progress(n, steps, "claims: reading the labelled documents"),
                                   cancelled=job.cancelled)
    job.check()
    positives = sum(1 for s in sentences if s.label)
    if not positives:
        raise TrainError(f"{store.path.name}: no check-worthy sentence among the {plural(len(docs), 'reviewed document')}: "
                         "accept or add the claims, then train again")
    job.progress(steps - 2, steps, "claims: training and testing on held-out documents")
    try:
        ev = evaluate(sentences, heldout, scorer, nlp.lang, cancelled=job.cancelled)
        result = TrainResult(before=ev.before, after=ev.after, before_model=scorer.name, sentences=len(sentences),
                             check_worthy=positives, documents=len(docs), heldout=ev.heldout, seconds=0.0,
                             weight=ev.weight, by_weight=ev.by_weight)
        if ev.after > ev.before and ev.weight > 0:
            job.progress(steps - 1, steps, "claims: training on every labelled document")
            data = pack(train_textcat(sentences, nlp.lang, cancelled=job.cancelled), ev.weight)
            result.seconds = round(time.monotonic() - started, 1)
            provenance: dict[str, Any] = {
                "kind": "textcat (bag of words and bigrams) blended with the cold start",
                "pipeline": model_id(nlp), "sentences": len(sentences), "check_worthy": positives,
                "documents": sorted(d.ext_id for d in docs), "heldout": ev.heldout, "folds": ev.folds,
                "map_before": ev.before, "map_after": ev.after, "before_model": scorer.name,
                "weight": ev.weight, "map_by_weight": ev.by_weight, "seconds": result.seconds}
            result.edit = edits.StoreModel("claims", model_name(data), data, provenance)
    except TrainingCancelled:
        raise Cancelled() from None
    result.seconds = round(time.monotonic() - started, 1)
    job.progress(steps, steps, "done")
    return result


def apply_training(store: Store, result: TrainResult | NerTrainResult | TrainReport) -> edits.ChangeSet | None:
    """Store the result's model(s) (those that scored better) as one step; returns the inverse (undo)."""
    todo = result.edits if isinstance(result, TrainReport) else [result.edit] if result.edit is not None else []
    return edits.apply_many(store, todo, "store trained models") if todo else None


# Entities ---------------------------------------------------------------------------------------------


def _figures(scores: dict[str, float]) -> str:
    return f"{scores.get('f', 0.0):.3f} / {scores.get('p', 0.0):.3f} / {scores.get('r', 0.0):.3f}"


@dataclass
class NerTrainResult(_Outcome):
    before: dict[str, float]  #: entity F1 ("f"), precision ("p"), recall ("r") of the current NER, held out
    after: dict[str, float]  #: the same of the fine-tuned one
    before_model: str  #: the current NER: the project's model, or the pipeline's ("en_core_web_sm 3.8.0")
    sentences: int
    entities: int  #: gold entities trained on
    documents: int
    heldout: int
    rehearsal: int  #: sentences of the base model's own predictions mixed in
    epochs: int
    seconds: float
    edit: edits.StoreModel | None = None  #: what stores the new model (None: it is not better)
    kind = "ner"

    def summary(self) -> str:
        """Two lines: the figures, and what happened to the model."""
        head = (f"entities: trained on {plural(self.sentences, 'sentence')} ({plural(self.entities, 'entity')}) of "
                f"{plural(self.documents, 'reviewed document')} in {self.seconds:.1f} s; F1 / P / R on "
                f"{plural(self.heldout, 'held-out document')}: before {_figures(self.before)} ({self.before_model}), "
                f"after {_figures(self.after)}")
        return self._outcome(head, "entity model", "entity")


def _gold_spans(store: Store, doc_id: int) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.label) for m in store.mentions(doc_id, include_rejected=False)
            if m.prov.status == "accepted" or m.prov.origin == "editor"]


def project_ner(store: Store) -> Any:
    """The project's current entity model (a :class:`desktop.nlp.ner_model.NerModel`), or None."""
    from desktop.nlp.annotate import project_ner as current_ner

    return current_ner(store)


def _rehearsal_texts(store: Store, reviewed: set[int], enough: int) -> list[Any]:
    """Sentences nobody reviewed: the project's other documents, then the bundled seed articles."""
    from desktop.nlp.ner_model import sentence_units
    from desktop.paths import seeds_dir

    units: list[Any] = []
    for doc_id in store.document_ids():
        if doc_id not in reviewed and (text := store.document_text(doc_id)):
            units += sentence_units([(doc_id, text, ())])
            if len(units) >= enough:
                return units
    for path in sorted(seeds_dir().glob("*.txt")):
        units += sentence_units([(path.name, path.read_text(encoding="utf-8"), ())])
    return units


def _heldout(docs: list[Any], gold: dict[int, list], trained: set[str]) -> list[Any]:
    """About one in :data:`HELDOUT_EVERY` of the documents the current model did not train on (those
    with entities first), chosen by a hash of their ids (the same every run)."""
    candidates = sorted((d for d in docs if d.ext_id not in trained),
                        key=lambda d: (not gold[d.id], hashlib.sha256(d.ext_id.encode()).hexdigest()))
    return candidates[:max(1, len(candidates) // HELDOUT_EVERY)] if candidates else []


def train_ner(store: Store, *, job: Job | None = None, model: str | None = None,
              epochs: int | None = None) -> NerTrainResult:
    """Fine-tune the entity recognizer on the project's reviewed entities (see the module docstring):
    at most ``epochs`` epochs (default :data:`desktop.nlp.ner_model.EPOCHS`).

    Raises :class:`TrainError` when fewer than two documents have reviewed entities, they hold fewer
    than :data:`MIN_MENTIONS` entities, or every one trained the current model already; ``Cancelled``
    when the job is cancelled (nothing is stored)."""
    from desktop.nlp import ner_model as nm
    from desktop.nlp.pipeline import model_id, resolve_model

    job = job or Job()
    started = time.monotonic()
    docs = [d for d in store.documents() if "entities" in d.reviewed]
    if len(docs) < MIN_DOCUMENTS:
        raise TrainError(f"{store.path.name}: training entities needs the entities of at least {MIN_DOCUMENTS} "
                         f"documents reviewed (mark them done); {len(docs)} now")
    gold = {d.id: _gold_spans(store, d.id) for d in docs}
    mentions = sum(len(g) for g in gold.values())
    if mentions < MIN_MENTIONS:
        raise TrainError(f"{store.path.name}: training entities needs at least {MIN_MENTIONS} accepted entities in "
                         f"the {plural(len(docs), 'reviewed document')}; {mentions} now")
    current = project_ner(store)
    current_row = store.current_model("ner")
    trained = set(current_row.provenance.get("documents", ())) if current_row else set()
    held = _heldout(docs, gold, trained)
    if not held:
        raise TrainError(f"{store.path.name}: every document with reviewed entities trained {current.name} already; "
                         "review more documents, then train again")
    base = resolve_model(model or store.meta("model_name"))
    epochs = epochs or nm.EPOCHS
    steps = 2 * epochs + 3
    job.progress(0, steps, "entities: reading the reviewed documents")
    labels = frozenset(store.entity_labels())
    held_ids = {d.id for d in held}
    train_units = nm.sentence_units((d.id, d.text, gold[d.id]) for d in docs if d.id not in held_ids)
    held_units = nm.sentence_units((d.id, d.text, gold[d.id]) for d in held)
    if not any(u.spans for u in train_units):
        raise TrainError(f"{store.path.name}: the documents left to train on (all but {plural(len(held), 'held-out one')}) "
                         "hold no accepted entity; review more documents, then train again")
    try:
        stock = nm.ner_only(base)
        train_units = nm.other_labels_missing(stock, train_units, labels)
        held_units = nm.other_labels_missing(stock, held_units, labels)
        before_nlp = nm.ner_only(base, current) if current is not None else stock
        before = nm.score(before_nlp, held_units, labels)
        before_model = current.name if current is not None else model_id(stock)
        job.check()
        wanted = round(nm.REHEARSAL * (len(train_units) + len(held_units)))
        rehearsal = nm.rehearsal_units(stock, _rehearsal_texts(store, {d.id for d in docs}, wanted),
                                       train_units + held_units, limit=wanted)
        job.progress(1, steps, "entities: training and testing on held-out documents")
        tuned = nm.fine_tune(base, train_units, held_units, rehearsal, labels, epochs=epochs, cancelled=job.cancelled,
                             progress=lambda n, _: job.progress(1 + n, steps, f"entities: epoch {n}"))
        result = NerTrainResult(before=before, after=tuned.scores, before_model=before_model,
                                sentences=len(train_units) + len(held_units), entities=mentions, documents=len(docs),
                                heldout=len(held), rehearsal=len(rehearsal), epochs=tuned.epochs, seconds=0.0)
        if tuned.scores.get("f", 0.0) > before.get("f", 0.0):
            job.progress(epochs + 1, steps, "entities: training on every reviewed document")
            final = nm.fine_tune(base, train_units + held_units, [], rehearsal, labels, epochs=tuned.epochs,
                                 fixed_epochs=True, cancelled=job.cancelled,
                                 progress=lambda n, _: job.progress(epochs + 1 + n, steps, "entities: final model"))
            data = nm.pack(final.nlp, model_id(stock))
            result.seconds = round(time.monotonic() - started, 1)
            provenance: dict[str, Any] = {
                "kind": f"ner fine-tuned from {model_id(stock)}", "pipeline": model_id(stock),
                "sentences": result.sentences, "entities": mentions, "documents": sorted(d.ext_id for d in docs),
                "heldout": len(held), "heldout_documents": sorted(d.ext_id for d in held),
                "f_before": before["f"], "p_before": before["p"], "r_before": before["r"],
                "f_after": tuned.scores["f"], "p_after": tuned.scores["p"], "r_after": tuned.scores["r"],
                "f_by_epoch": tuned.by_epoch, "before_model": before_model, "epochs": tuned.epochs,
                "rehearsal": len(rehearsal), "labels": sorted(final.nlp.get_pipe("ner").labels),
                "seconds": result.seconds}
            result.edit = edits.StoreModel("ner", nm.model_name(data), data, provenance)
    except nm.TrainingCancelled:
        raise Cancelled() from None
    except nm.NerTrainingError as exc:
        raise TrainError(f"{store.path.name}: {exc}") from None
    result.seconds = round(time.monotonic() - started, 1)
    job.progress(steps, steps, "done")
    return result


# Both -------------------------------------------------------------------------------------------------


@dataclass
class TrainReport:
    """What :func:`train_models` did: a result per kind that trained, why each other one did not."""

    results: list[TrainResult | NerTrainResult] = field(default_factory=list)
    not_trained: list[tuple[str, str]] = field(default_factory=list)  #: ``(kind, why)``: too little data

    @property
    def edits(self) -> list[edits.StoreModel]:
        return [r.edit for r in self.results if r.edit is not None]

    @property
    def replaced(self) -> bool:
        return bool(self.edits)

    def summary(self, between: str = "\n") -> str:
        """Each kind's lines (its figures and what happened, or why it did not train), ``between`` them."""
        blocks = [r.summary() for r in self.results]
        blocks += [f"{_KIND_NAMES[kind]}: not trained: {message}" for kind, message in self.not_trained]
        return between.join(blocks)


_KIND_NAMES = {"claims": "claims", "ner": "entities"}


def train_models(store: Store, kinds: Sequence[str] = KINDS, *, job: Job | None = None,
                 model: str | None = None) -> TrainReport:
    """Train each of ``kinds`` ("claims", "ner") in turn; one that has too little data (a
    :class:`TrainError`) is a problem of the report and the others still train. ``Cancelled`` (nothing
    stored) when the job is cancelled."""
    job = job or Job()
    report = TrainReport()
    trainers = {"claims": train_claims, "ner": train_ner}
    for k, kind in enumerate(kinds):
        try:
            report.results.append(trainers[kind](store, job=job.part(k, len(kinds)), model=model))
        except TrainError as exc:
            report.not_trained.append((kind, str(exc)))
        job.check()
    job.progress(1, 1, "done")  # full even when the last kind had too little data to train
    return report
