"""Export a project in any format: the one dispatch both the CLI and the window's Export dialog use."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from desktop.core.formats import TAG_SCHEMES, ExportError, export_format
from desktop.core.store import Store

if TYPE_CHECKING:  # imported where used: the command line builds its parser from this module alone
    from desktop.core.exporters import ExportSummary
    from desktop.core.jobs import Job

__all__ = ["TAGGED_FORMATS", "TAG_SCHEMES", "TRAINING_FORMATS", "default_documents", "export", "exporter",
           "left_out"]

#: The formats that take a tag scheme (``scheme="iob"`` or ``"biluo"``).
TAGGED_FORMATS = ("conll", "conllu")


#: Formats a model trains on, where a document nobody reviewed is no use and, in a format that
#: cannot say "not annotated", harm: the faces export only reviewed documents by default.
TRAINING_FORMATS = ("spacy", "conll", "conllu")


def default_documents(fmt: str) -> str:
    """The document selection the CLI and the Export dialog start from for ``fmt``: ``reviewed``
    for the training formats, ``all`` for the others (they carry every layer as it is, with the
    document status, and are how a project is copied or sent out for annotation)."""
    export_format(fmt)
    return "reviewed" if fmt in TRAINING_FORMATS else "all"


def left_out(store: Store, fmt: str, documents: str) -> tuple[int, int]:
    """What an export of ``fmt`` with the selection ``documents`` will write, before it runs:
    ``(documents written, documents left out as not reviewed)`` (the Export dialog says it)."""
    from desktop.core.exporters import ExportSource

    selected = ExportSource(store, documents=documents).doc_ids()
    if fmt in TAGGED_FORMATS:  # they write only documents whose entities are reviewed
        reviewed = {r[0] for r in store.conn.execute(
            "SELECT id FROM documents WHERE status = 'done' OR ',' || reviewed_layers || ',' LIKE '%,entities,%'")}
        kept = sum(1 for doc_id, _ in selected if doc_id in reviewed)
    else:
        kept = len(selected)
    return kept, store.document_count() - kept


def exporter(fmt: str) -> Callable[..., ExportSummary]:
    """The function that writes ``fmt``, resolved from the registry's dotted name
    (:data:`desktop.core.formats.FORMATS`); its module is imported only now, so exporting any
    format but ``spacy`` never loads spaCy."""
    module, _, name = export_format(fmt).exporter.partition(":")
    return getattr(importlib.import_module(module), name)


def export(store: Store, fmt: str, out: str | os.PathLike, *, status: str = "accepted", documents: str = "all",
           split: str | Sequence[float] | None = None, seed: int = 0, model: str | None = None,
           job: Job | None = None, overwrite: bool = False, scheme: str | None = None,
           csv_formulas: bool = False) -> ExportSummary:
    """Write ``store`` to ``out`` in any format of :data:`desktop.core.formats.FORMATS`: core
    formats through :func:`desktop.core.exporters.export_project`, ``spacy`` through
    :func:`desktop.nlp.spacy_export.export_spacy`, ``conll``/``conllu`` through
    :mod:`desktop.nlp.conll_export`.  ``scheme`` (``iob``, ``biluo``) is the tag scheme of the
    CoNLL formats; it is refused for the others.  ``csv_formulas`` (csv only): write cells a
    spreadsheet would run as formulas as they are (by default they get a ``'`` in front)."""
    extra: dict[str, object] = {"csv_formulas": True} if csv_formulas and fmt == "csv" else {}
    if scheme is not None:
        if fmt not in TAGGED_FORMATS:
            raise ExportError(f"tag schemes apply to {' and '.join(TAGGED_FORMATS)}, not {fmt}")
        extra["scheme"] = scheme
    return exporter(fmt)(store, out=out, fmt=fmt, status=status, documents=documents, split=split, seed=seed,
                         model=model, job=job, overwrite=overwrite, **extra)
