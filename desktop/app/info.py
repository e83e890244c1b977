"""What ``claimdesk info`` shows about a project (and ``claimdesk demo`` counts)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from desktop.core.store import Store
from desktop.core.wording import plural

__all__ = ["claims_model_info", "document_entries", "document_lines", "model_line", "ner_model_info", "ner_model_line",
           "project_info"]

#: Documents read per page by :func:`document_entries`.
PAGE = 5000
#: Characters of a document's text its entry's ``lead`` shows.
LEAD = 70


def document_entries(store: Store) -> Iterator[dict[str, Any]]:
    """One ``document_list`` entry per document, by id, read a page at a time (a project of
    100,000 documents is never held as one list)."""
    after = None
    while True:
        rows = store.document_summaries(after=after, limit=PAGE, tuples=True)  # in Store.SUMMARY_FIELDS order
        for doc_id, ext_id, title, source, url, published, story, status, chars, lead, _left in rows:
            yield {"id": doc_id, "ext_id": ext_id, "title": title, "source": source, "published": published,
                   "url": url, "story": story, "status": status, "chars": chars, "lead": _lead(lead)}
        if len(rows) < PAGE:
            return
        after = rows[-1][0]


def _lead(text: str) -> str:
    """The first :data:`LEAD` characters of ``text`` on one line (each run of whitespace one space).
    The words of a prefix of the text are a prefix of its words, so when the first 80 characters
    give enough, the rest is not split."""
    line = " ".join(text[:80].split())
    return (line if len(line) >= LEAD else " ".join(text.split()))[:LEAD]


def document_lines(store: Store) -> Iterator[str]:
    """The :func:`document_entries` as JSON text, one per document (what ``info --json`` prints):
    made by SQLite where it can (``Store.document_list_json``), else encoded here."""
    import json
    import sqlite3
    from json.encoder import encode_basestring  # what the encoder below does to a str, called directly

    from desktop.core.store import ProjectError

    encode = json.JSONEncoder(ensure_ascii=False).encode
    after = None
    try:
        while True:
            rows = store.document_list_json(after=after, limit=PAGE)
            yield from [f'{obj[:-1]},"lead":{encode_basestring(_lead(lead))}}}' for _doc_id, obj, lead in rows]
            if len(rows) < PAGE:
                return
            after = rows[-1][0]
    except (ProjectError, sqlite3.OperationalError):  # an older file read-only, an SQLite without JSON
        if after is not None:
            raise
    yield from (encode(entry) for entry in document_entries(store))


def claims_model_info(store: Store, kind: str = "claims") -> dict[str, Any] | None:
    """The current claims model's (or ``kind``'s) name, date and provenance (its documents counted,
    not listed), or None: claim suggestions come from the cold start."""
    rows = [r for r in store.model_rows(kind) if r["current"]]
    if not rows:
        return None
    row = rows[-1]
    prov = dict(row["provenance"])
    prov["documents"] = len(prov.get("documents") or ())
    prov.pop("heldout_documents", None)
    return {"name": row["name"], "created_at": row["created_at"], "bytes": row["size"], "provenance": prov}


def ner_model_info(store: Store) -> dict[str, Any] | None:
    """The current fine-tuned entity model's name, date and provenance, or None: entity suggestions
    come from the pipeline's own recognizer."""
    return claims_model_info(store, "ner")


def scored_on(heldout: int, folds: int = 1) -> str:
    """What entity figures were measured on: "2 held-out documents", or "6 documents in 4 folds (...)"."""
    if folds <= 1:
        return plural(heldout, "held-out document")
    return f"{plural(heldout, 'document')} in {folds} folds (each held out in turn, mean)"


def ner_model_line(info: dict[str, Any] | None) -> str:
    """One line about the current entity model (:func:`ner_model_info`) for ``claimdesk info`` and
    the window: name, date, data, figures."""
    if info is None:
        return "the pipeline's recognizer (none fine-tuned: claimdesk train)"
    prov = info["provenance"]

    def figures(when: str) -> str:
        return " / ".join(f"{float(prov.get(f'{m}_{when}', 0)):.3f}" for m in ("f", "p", "r"))

    return (f"{info['name']}, trained {info['created_at'][:16].replace('T', ' ')} on "
            f"{plural(int(prov.get('sentences', 0)), 'sentence')} ({plural(int(prov.get('entities', 0)), 'entity')}) of "
            f"{plural(int(prov.get('documents', 0)), 'document')}, {info['bytes'] / 1e6:.1f} MB; F1 / P / R on "
            f"{scored_on(int(prov.get('heldout', 0)), int(prov.get('folds', 1)))}: {figures('before')} "
            f"({prov.get('before_model', 'the pipeline')}) before, {figures('after')} after")


def model_line(info: dict[str, Any] | None) -> str:
    """One line about the current claims model (:func:`desktop.app.info.claims_model_info`) for
    ``claimdesk info`` and the window: name, date, data, figures."""
    if info is None:
        return "cold start (no model trained: claimdesk train)"
    prov = info["provenance"]
    return (f"{info['name']}, trained {info['created_at'][:16].replace('T', ' ')} on "
            f"{plural(int(prov.get('sentences', 0)), 'sentence')} ({prov.get('check_worthy', 0)} check-worthy) of "
            f"{plural(int(prov.get('documents', 0)), 'document')}; MAP on "
            f"{plural(int(prov.get('heldout', 0)), 'held-out document')}: {prov.get('map_before', 0):.3f} "
            f"({prov.get('before_model', 'cold-start')}) before, {prov.get('map_after', 0):.3f} after")


def project_info(store: Store, *, documents: bool = True) -> dict:
    """The project's path, schema and app version, model, counts (``Store.counts``) and one entry per
    document under ``document_list`` (id, ext_id, title, source, published, url, story, status,
    chars, and ``lead``: the first 70 characters of its text on one line; left out with
    ``documents=False``, for a caller that streams :func:`document_entries`)."""
    info = {"project": str(store.path), "schema_version": int(store.meta("schema_version", "0")),
            "app_version": store.meta("app_version"), "model": store.meta("model")}
    info.update(store.counts())
    info["claims_model"] = claims_model_info(store)
    info["ner_model"] = ner_model_info(store)
    if documents:
        info["document_list"] = list(document_entries(store))
    return info
