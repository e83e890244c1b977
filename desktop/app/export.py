"""Export a project in any format: the one dispatch both the CLI and the window's Export dialog use."""

from __future__ import annotations

import os
from collections.abc import Sequence

from desktop.core.exporters import ExportSummary, export_project
from desktop.core.jobs import Job
from desktop.core.store import Store

__all__ = ["export"]


def export(store: Store, fmt: str, out: str | os.PathLike, *, status: str = "accepted", documents: str = "all",
           split: str | Sequence[float] | None = None, seed: int = 0, model: str | None = None,
           job: Job | None = None, overwrite: bool = False) -> ExportSummary:
    """Every format: core formats via :func:`desktop.core.exporters.export_project`, ``spacy`` via
    :func:`desktop.nlp.spacy_export.export_spacy` (imported only when asked for, so exporting
    anything else never loads spaCy)."""
    if fmt == "spacy":
        from desktop.nlp.spacy_export import export_spacy

        return export_spacy(store, out, status=status, documents=documents, split=split, seed=seed, model=model,
                            job=job, overwrite=overwrite)
    return export_project(store, fmt, out, status=status, documents=documents, split=split, seed=seed,
                          model=model, job=job, overwrite=overwrite)
