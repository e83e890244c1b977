"""What ``claimdesk info`` shows about a project (and ``claimdesk demo`` counts)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from desktop.core.store import Store

__all__ = ["document_entries", "document_lines", "project_info"]

#: Documents read per page by :func:`document_entries`.
PAGE = 5000


def document_entries(store: Store) -> Iterator[dict[str, Any]]:
    """One ``document_list`` entry per document, by id, read a page at a time (a project of
    100,000 documents is never held as one list)."""
    after = None
    while True:
        rows = store.document_summaries(after=after, limit=PAGE, tuples=True)  # in Store.SUMMARY_FIELDS order
        for doc_id, ext_id, title, source, url, published, story, status, chars, lead, _left in rows:
            yield {"id": doc_id, "ext_id": ext_id, "title": title, "source": source, "published": published,
                   "url": url, "story": story, "status": status, "chars": chars, "lead": " ".join(lead.split())[:70]}
        if len(rows) < PAGE:
            return
        after = rows[-1][0]


def document_lines(store: Store) -> Iterator[str]:
    """The :func:`document_entries` as JSON text, one per document (what ``info --json`` prints):
    made by SQLite where it can (``Store.document_list_json``), else encoded here."""
    import json
    import sqlite3

    from desktop.core.store import ProjectError

    encode = json.JSONEncoder(ensure_ascii=False).encode
    after = None
    try:
        while True:
            rows = store.document_list_json(after=after, limit=PAGE)
            for _doc_id, obj, lead in rows:
                yield f'{obj[:-1]},"lead":{encode(" ".join(lead.split())[:70])}}}'
            if len(rows) < PAGE:
                return
            after = rows[-1][0]
    except (ProjectError, sqlite3.OperationalError):  # an older file read-only, an SQLite without JSON
        if after is not None:
            raise
    yield from (encode(entry) for entry in document_entries(store))


def project_info(store: Store, *, documents: bool = True) -> dict:
    """The project's path, schema and app version, model, counts (``Store.counts``) and one entry per
    document under ``document_list`` (id, ext_id, title, source, published, url, story, status,
    chars, and ``lead``: the first 70 characters of its text on one line; left out with
    ``documents=False``, for a caller that streams :func:`document_entries`)."""
    info = {"project": str(store.path), "schema_version": int(store.meta("schema_version", "0")),
            "app_version": store.meta("app_version"), "model": store.meta("model")}
    info.update(store.counts())
    if documents:
        info["document_list"] = list(document_entries(store))
    return info
