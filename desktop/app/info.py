"""What ``claimdesk info`` shows about a project (and ``claimdesk demo`` counts)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from desktop.core.store import Store

__all__ = ["document_entries", "project_info"]

#: Documents read per page by :func:`document_entries`.
PAGE = 5000


def document_entries(store: Store) -> Iterator[dict[str, Any]]:
    """One ``document_list`` entry per document, by id, read a page at a time (a project of
    100,000 documents is never held as one list)."""
    after = None
    while True:
        rows = store.document_summaries(after=after, limit=PAGE)
        for row in rows:
            yield {"id": row["id"], "ext_id": row["ext_id"], "title": row["title"], "source": row["source"],
                   "published": row["published"], "url": row["url"], "story": row["story"], "status": row["status"],
                   "chars": row["chars"], "lead": " ".join(row["lead"].split())[:70]}
        if len(rows) < PAGE:
            return
        after = rows[-1]["id"]


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
