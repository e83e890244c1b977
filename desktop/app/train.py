"""``claimdesk train`` and the window's Annotate ▸ Train…: check-worthiness learned from the editors.

:func:`train_claims` reads the project's labelled documents (claims reviewed: done, or the claims
layer marked finished), trains and evaluates a classifier on held-out documents
(:mod:`desktop.nlp.claims_model`) and returns a :class:`TrainResult` with the figures before and
after. When the new model scores better it carries the :class:`~desktop.core.edits.StoreModel`
edit that stores it in the project (the caller applies it, so the window can make it an undo
step); otherwise nothing is to be stored and the current model (or the cold start) stays.
:func:`claims_scorer` is the scorer pre-annotation uses: the project's current model, else the
cold start.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from desktop.core import edits
from desktop.core.jobs import Cancelled, Job
from desktop.core.store import ProjectError, Store
from desktop.core.wording import plural

__all__ = ["TrainError", "TrainResult", "apply_training", "train_claims"]

MIN_DOCUMENTS = 2


class TrainError(ProjectError):
    """Not enough labelled work to train on, or nothing new since the current model."""


@dataclass
class TrainResult:
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

    @property
    def replaced(self) -> bool:
        return self.edit is not None

    @property
    def name(self) -> str | None:
        return self.edit.name if self.edit is not None else None

    def summary(self) -> str:
        """Two lines: the figures, and what happened to the model."""
        head = (f"trained on {plural(self.sentences, 'sentence')} ({self.check_worthy} check-worthy) of "
                f"{plural(self.documents, 'labelled document')} in {self.seconds:.1f} s; MAP on "
                f"{plural(self.heldout, 'held-out document')}: before {self.before:.3f} ({self.before_model}), "
                f"after {self.after:.3f}")
        if self.edit is not None:
            return f"{head}\nstored model {self.edit.name}: claim suggestions use it from the next annotate"
        return f"{head}\nnot better: kept {self.before_model}"


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
    job.progress(0, steps, "reading the labelled documents")
    sentences = labelled_sentences(nlp, ((d.id, d.text, _accepted_spans(store, d.id)) for d in docs),
                                   progress=lambda n: job.progress(n, steps, "reading the labelled documents"),
                                   cancelled=job.cancelled)
    job.check()
    positives = sum(1 for s in sentences if s.label)
    if not positives:
        raise TrainError(f"{store.path.name}: no check-worthy sentence among the {plural(len(docs), 'reviewed document')}: "
                         "accept or add the claims, then train again")
    job.progress(steps - 2, steps, "training and testing on held-out documents")
    try:
        ev = evaluate(sentences, heldout, scorer, nlp.lang, cancelled=job.cancelled)
        result = TrainResult(before=ev.before, after=ev.after, before_model=scorer.name, sentences=len(sentences),
                             check_worthy=positives, documents=len(docs), heldout=ev.heldout, seconds=0.0,
                             weight=ev.weight, by_weight=ev.by_weight)
        if ev.after > ev.before and ev.weight > 0:
            job.progress(steps - 1, steps, "training on every labelled document")
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


def apply_training(store: Store, result: TrainResult) -> edits.ChangeSet | None:
    """Store the result's model (when it scored better); returns the inverse (undo)."""
    return edits.apply(store, result.edit) if result.edit is not None else None
