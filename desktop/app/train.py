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
whose entities are reviewed, some held out (in a small project, every new one, in folds:
:func:`cross_epochs`), the pipeline's ``ner`` fine-tuned on the others and scored (entity F1 / P / R)
against the current one (the project's model, else the pipeline's own);
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

from desktop.app.info import scored_on
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
FOLDS = 4  #: fewer held-out documents than this: the entity figures come from this many folds


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
    folds: int = 1  #: more than one: the figures are the mean over folds of the ``heldout`` documents
    kind = "ner"

    def summary(self) -> str:
        """Two lines: the figures, and what happened to the model."""
        on = scored_on(self.heldout, self.folds)
        head = (f"entities: trained on {plural(self.sentences, 'sentence')} ({plural(self.entities, 'entity')}) of "
                f"{plural(self.documents, 'reviewed document')} in {self.seconds:.1f} s; F1 / P / R on "
                f"{on}: before {_figures(self.before)} ({self.before_model}), after {_figures(self.after)}")
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
    candidates = _candidates(docs, gold, trained)
    return candidates[:max(1, len(candidates) // HELDOUT_EVERY)] if candidates else []


def _candidates(docs: list[Any], gold: dict[int, list], trained: set[str]) -> list[Any]:
    """The documents the current model did not train on, those with entities first, then by a
    hash of their ids (the same every run)."""
    return sorted((d for d in docs if d.ext_id not in trained),
                  key=lambda d: (not gold[d.id], hashlib.sha256(d.ext_id.encode()).hexdigest()))


def _folds(docs: list[Any], gold: dict[int, list], trained: set[str], held: list[Any]) -> list[list[Any]]:
    """The documents the figures are measured on, in folds. Enough held out (:data:`FOLDS` or more
    documents): that one set. Fewer, as in a project just begun: every document the current model
    did not train on, in up to :data:`FOLDS` folds, each trained on the others in turn, so the
    figures rest on all of them rather than on one or two."""
    candidates = _candidates(docs, gold, trained)
    if len(held) >= FOLDS or len(candidates) < 2:
        return [held]
    k = min(FOLDS, len(candidates))
    return [candidates[i::k] for i in range(k)]


def _mean(scores: Sequence[dict[str, float]]) -> dict[str, float]:
    return {key: round(sum(s.get(key, 0.0) for s in scores) / len(scores), 4) for key in ("f", "p", "r")}


def cross_epochs(by_fold: Sequence[Sequence[float]]) -> tuple[list[int], int]:
    """For each fold, the epoch (from 1) whose F1, averaged over the *other* folds, is best (a tie:
    the later, surer one), so no fold's figure is chosen on that fold; and the epoch best over all
    of them, which the stored model trains for. One fold: its own best epoch."""
    def best(rows: Sequence[Sequence[float]]) -> int:
        n = min(len(r) for r in rows)
        means = [sum(r[e] for r in rows) / len(rows) for e in range(n)]
        return max(range(n), key=lambda e: (means[e], e)) + 1

    if len(by_fold) == 1:
        return [best(by_fold)], best(by_fold)
    return [best([r for j, r in enumerate(by_fold) if j != i]) for i in range(len(by_fold))], best(by_fold)


def _held_out_figures(base: str, splits: Sequence[tuple[list[Any], list[Any]]], rehearsal: list[Any],
                      labels: frozenset[str], epochs: int, job: Job, steps: int
                      ) -> tuple[dict[str, float], int, list[float]]:
    """Fine-tune once per split (train, test), every epoch scored on its test documents: the
    figures after (each fold at the epoch :func:`cross_epochs` chose for it, averaged over the
    folds), the epochs the stored model trains for, and the mean F1 by epoch. One split keeps the
    single held-out set's early stopping."""
    from desktop.nlp import ner_model as nm

    runs = []
    for k, (train, test) in enumerate(splits):
        at, which = 1 + k * epochs, f", fold {k + 1} of {len(splits)}" if len(splits) > 1 else ""

        def progress(n: int, _: int, at: int = at, which: str = which) -> None:
            job.progress(at + n, steps, f"entities: epoch {n}{which}")

        runs.append(nm.fine_tune(base, train, test, rehearsal, labels, epochs=epochs, cancelled=job.cancelled,
                                 patience=nm.PATIENCE if len(splits) == 1 else None, progress=progress))
    if len(runs) == 1:
        return runs[0].scores, runs[0].epochs, runs[0].by_epoch
    chosen, final = cross_epochs([r.by_epoch for r in runs])
    after = _mean([r.scores_by_epoch[e - 1] for r, e in zip(runs, chosen, strict=True)])
    n = min(len(r.by_epoch) for r in runs)
    return after, final, [round(sum(r.by_epoch[e] for r in runs) / len(runs), 4) for e in range(n)]


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
    folds = _folds(docs, gold, trained, held)
    steps = len(folds) * epochs + epochs + 2
    job.progress(0, steps, "entities: reading the reviewed documents")
    labels = frozenset(store.entity_labels())
    try:
        stock = nm.ner_only(base)
        every = nm.other_labels_missing(stock, nm.sentence_units((d.id, d.text, gold[d.id]) for d in docs), labels)
        splits = []
        for fold in folds:
            ids = {d.id for d in fold}
            train = [u for u in every if u.doc not in ids]
            if any(u.spans for u in train):
                splits.append((train, [u for u in every if u.doc in ids], fold))
        if not splits:
            raise TrainError(f"{store.path.name}: the documents left to train on (all but "
                             f"{plural(len(held), 'held-out one')}) hold no accepted entity; review more documents, "
                             "then train again")
        before_nlp = nm.ner_only(base, current) if current is not None else stock
        before = _mean([nm.score(before_nlp, test, labels) for _, test, _ in splits])
        before_model = current.name if current is not None else model_id(stock)
        job.check()
        wanted = round(nm.REHEARSAL * len(every))
        rehearsal = nm.rehearsal_units(stock, _rehearsal_texts(store, {d.id for d in docs}, wanted), every,
                                       limit=wanted)
        job.progress(1, steps, "entities: training and testing on held-out documents")
        after, best_epochs, by_epoch = _held_out_figures(base, [(train, test) for train, test, _ in splits], rehearsal,
                                                         labels, epochs, job, steps)
        scored = sorted({d.ext_id for _, _, fold in splits for d in fold})
        result = NerTrainResult(before=before, after=after, before_model=before_model, sentences=len(every),
                                entities=mentions, documents=len(docs), heldout=len(scored), rehearsal=len(rehearsal),
                                epochs=best_epochs, seconds=0.0, folds=len(splits))
        if after.get("f", 0.0) > before.get("f", 0.0):
            start = steps - epochs - 1
            job.progress(start, steps, "entities: training on every reviewed document")
            final = nm.fine_tune(base, every, [], rehearsal, labels, epochs=best_epochs, fixed_epochs=True,
                                 cancelled=job.cancelled,
                                 progress=lambda n, _: job.progress(start + n, steps, "entities: final model"))
            data = nm.pack(final.nlp, model_id(stock))
            result.seconds = round(time.monotonic() - started, 1)
            provenance: dict[str, Any] = {
                "kind": f"ner fine-tuned from {model_id(stock)}", "pipeline": model_id(stock),
                "sentences": result.sentences, "entities": mentions, "documents": sorted(d.ext_id for d in docs),
                "heldout": len(scored), "heldout_documents": scored, "folds": len(splits),
                "f_before": before["f"], "p_before": before["p"], "r_before": before["r"],
                "f_after": after["f"], "p_after": after["p"], "r_after": after["r"],
                "f_by_epoch": by_epoch, "before_model": before_model, "epochs": best_epochs,
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
    if report.results:  # full even when the last kind had too little data to train
        job.progress(100 * len(kinds), 100 * len(kinds), "done")
    return report
