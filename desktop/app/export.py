"""Export a project in any format: the one dispatch both the CLI and the window's Export dialog use."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Sequence

from desktop.core.exporters import ExportSummary
from desktop.core.formats import export_format
from desktop.core.jobs import Job
from desktop.core.store import Store

__all__ = ["export", "exporter"]


def exporter(fmt: str) -> Callable[..., ExportSummary]:
    """The function that writes ``fmt``, resolved from the registry's dotted name
    (:data:`desktop.core.formats.FORMATS`); its module is imported only now, so exporting any
    format but ``spacy`` never loads spaCy."""
    module, _, name = export_format(fmt).exporter.partition(":")
    return getattr(importlib.import_module(module), name)


def export(store: Store, fmt: str, out: str | os.PathLike, *, status: str = "accepted", documents: str = "all",
           split: str | Sequence[float] | None = None, seed: int = 0, model: str | None = None,
           job: Job | None = None, overwrite: bool = False, csv_formulas: bool = False) -> ExportSummary:
    """Write ``store`` to ``out`` in any format of :data:`desktop.core.formats.FORMATS`: core
    formats through :func:`desktop.core.exporters.export_project`, ``spacy`` through
    :func:`desktop.nlp.spacy_export.export_spacy`.  ``csv_formulas`` (csv only): write cells a
    spreadsheet would run as formulas as they are (by default they get a ``'`` in front)."""
    extra = {"csv_formulas": True} if csv_formulas and fmt == "csv" else {}
    return exporter(fmt)(store, out=out, fmt=fmt, status=status, documents=documents, split=split, seed=seed,
                         model=model, job=job, overwrite=overwrite, **extra)
