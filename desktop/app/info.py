"""What ``claimdesk info`` shows about a project (and ``claimdesk demo`` counts)."""

from __future__ import annotations

from desktop.core.store import Store

__all__ = ["project_info"]


def project_info(store: Store) -> dict:
    """The project's path, schema and app version, model, counts (``Store.counts``) and one entry per
    document under ``document_list`` (id, ext_id, title, source, published, url, story, status,
    chars, and ``lead``: the first 70 characters of its text on one line)."""
    info = {"project": str(store.path), "schema_version": int(store.meta("schema_version", "0")),
            "app_version": store.meta("app_version"), "model": store.meta("model")}
    info.update(store.counts())
    info["document_list"] = [
        {"id": row["id"], "ext_id": row["ext_id"], "title": row["title"], "source": row["source"],
         "published": row["published"], "url": row["url"], "story": row["story"], "status": row["status"],
         "chars": row["chars"], "lead": " ".join(row["lead"].split())[:70]}
        for row in store.document_summaries()
    ]
    return info
