"""The story exports (issue 15): a story's alignment as JSON (``--format story``) and as a CSV
coverage matrix (``--format coverage``).

``story``, one JSON object::

    {"stories": [{"id": "seeds", "title": "...", "documents": ["000_...", ...],
                  "clusters": [{"id": 3, "kind": "quote", "speaker_entity": "Antony Blinken",
                                "members": [{"doc": "000_...", "start": 1234, "end": 1301, "text": "..."}],
                                "flags": [{"kind": "negation", "members": [0, 1], "note": "..."}]}]}]}

``start``/``end`` are the character offsets of the member's (first) content span in its document's
text; ``text`` is the content (fragments joined by " … "); a flag's ``members`` index the
cluster's members.  The clusters are the story view's (:func:`desktop.core.story.story_alignment`:
the stored ones after ``claimdesk stories --rebuild``, else computed), clusters of one included;
flags an editor dismissed are left out.  Only the selected documents' versions are written
(``--documents``), of the selected statuses (``--status all`` adds the model's suggestions); a
flag goes with its two members.

``coverage``: one row per cluster (``story, cluster, kind, speaker_entity, versions, flags``) and a
column per outlet (the documents' source, else their id), the cell holding that outlet's version
of the cluster (two articles of one outlet: both, joined by " | "), empty where the outlet does not
carry it.

Plain Python; :mod:`desktop.core.exporters` registers the writers (they get its ``PartContext``).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from typing import Any

from desktop.core.store import Store
from desktop.core.story import Cluster, Flag, Story, has_stored_tables, story_alignment

__all__ = ["story_header", "story_records", "write_story", "write_story_csv"]

_JOIN = " | "


def _selected(ctx: Any) -> tuple[set[int], dict[str, set[int]]]:
    """The selected documents' ids (reading them moves the export's progress) and, per kind, the
    quote and claim ids of the selected statuses."""
    docs: set[int] = set()
    items: dict[str, set[int]] = {"quote": set(), "claim": set()}
    for item in ctx.docs:
        docs.add(item.doc.id)
        items["quote"] |= {q.id for q in item.quotes}
        items["claim"] |= {c.id for c in item.claims}
        ctx.summary.documents += 1
    return docs, items


def _kept(cluster: Cluster, docs: set[int], items: dict[str, set[int]]) -> Cluster | None:
    keep = [k for k, m in enumerate(cluster.members) if m.doc_id in docs and m.item_id in items[m.kind]]
    if not keep:
        return None
    index = {old: new for new, old in enumerate(keep)}
    flags = [Flag(f.kind, (index[f.members[0]], index[f.members[1]]), f.note, f.id) for f in cluster.flags
             if f.members[0] in index and f.members[1] in index]
    return Cluster(cluster.id, cluster.kind, [cluster.members[k] for k in keep], flags, cluster.stored,
                   cluster.decided)


def _stories(ctx: Any) -> list[Story]:
    docs, items = _selected(ctx)
    out = []
    for story in story_alignment(ctx.source.store):
        clusters = [c for c in (_kept(c, docs, items) for c in story.clusters) if c is not None]
        kept_docs = [d for d in story.documents if any(m.doc == d for c in clusters for m in c.members)] \
            if clusters else []
        if clusters:
            out.append(Story(story.id, kept_docs, clusters, story.title, story.stored))
        for c in clusters:
            if c.kind == "quote":
                ctx.summary.quotes += len(c.members)
            else:
                ctx.summary.claims += len(c.members)
    return out


def story_records(stories: list[Story]) -> dict[str, Any]:
    """The ``story`` export's object (the shape in the module docstring)."""
    return {"stories": [{
        "id": s.id, "title": s.title, "documents": s.documents,
        "clusters": [{"id": c.id, "kind": c.kind, "speaker_entity": c.speaker_entity,
                      "members": [{"doc": m.doc, "start": m.start, "end": m.end, "text": m.text} for m in c.members],
                      "flags": [{"kind": f.kind, "members": list(f.members), "note": f.note} for f in c.flags]}
                     for c in s.clusters]} for s in stories]}


def write_story(ctx: Any) -> None:
    records = story_records(_stories(ctx))
    with ctx.files.open(ctx.path) as fh:
        json.dump(records, fh, ensure_ascii=False, indent=1)
        fh.write("\n")


def write_story_csv(ctx: Any, *, cell: Callable[[Any], Any] = lambda v: v) -> None:
    """``cell``: what each cell goes through (the exporters' CSV-injection rule, ``csv_cell``)."""
    stories = _stories(ctx)
    outlets = sorted({m.outlet or m.doc for s in stories for c in s.clusters for m in c.members})
    with ctx.files.open(ctx.path, encoding="utf-8-sig") as fh:
        rows = csv.writer(fh, lineterminator="\r\n")
        rows.writerow([cell(v) for v in ("story", "cluster", "kind", "speaker_entity", "versions", "flags", *outlets)])
        for s in stories:
            for c in s.clusters:
                cells: dict[str, list[str]] = {}
                for m in c.members:
                    cells.setdefault(m.outlet or m.doc, []).append(m.text)
                rows.writerow([cell(v) for v in (
                    s.id, c.id, c.kind, c.speaker_entity or "", len(c.members),
                    "; ".join(f.kind for f in c.flags), *(_JOIN.join(cells.get(o, [])) for o in outlets))])


def story_header(store: Store, load: Callable[[int], Any]) -> list[dict[str, Any]]:
    """The stored story clusters as the JSONL header carries them (:mod:`desktop.core.project_copy`):
    members as ``[document id, index in its record's quotes or claims]``, over the versions ``load``
    (the export's ``ExportSource.load``) gives; sorted, so a copy of a copy is byte-identical."""
    if not has_stored_tables(store) or not store.conn.execute("SELECT 1 FROM story_clusters LIMIT 1").fetchone():
        return []
    index: dict[int, tuple[str, dict[tuple[str, int], int]]] = {}

    def position(doc_id: int, kind: str, item: int) -> tuple[str, int] | None:
        if doc_id not in index:
            doc = load(doc_id)
            at = {("quote", q.id): i for i, q in enumerate(doc.quotes)}
            at.update({("claim", c.id): i for i, c in enumerate(doc.claims)})
            index[doc_id] = (doc.doc.ext_id, at)
        ext_id, at = index[doc_id]
        k = at.get((kind, item))
        return None if k is None else (ext_id, k)

    clusters: dict[int, dict[str, Any]] = {}
    for cid, story, kind, decided, doc_id, item in store.conn.execute(
            "SELECT c.id, c.story, c.kind, c.decided, m.doc_id, coalesce(m.quote_id, m.claim_id) FROM story_clusters c "
            "JOIN story_members m ON m.cluster_id = c.id ORDER BY c.id, m.id"):
        c = clusters.setdefault(cid, {"story": story, "kind": kind, "decided": bool(decided), "items": {}})
        at = position(doc_id, kind, item)
        if at is not None:
            c["items"][item] = at
    flags: dict[int, list[Any]] = {}
    for row in store.conn.execute("SELECT * FROM story_flags ORDER BY id"):
        flags.setdefault(row["cluster_id"], []).append(dict(row))
    out = []
    for cid, c in clusters.items():
        members = sorted(c["items"].values())
        if not members:
            continue
        where = {c["items"][item]: item for item in c["items"]}
        k = {where[m]: i for i, m in enumerate(members)}
        kept = [{"kind": f["kind"], "members": sorted((k[f["first_item"]], k[f["second_item"]])), "note": f["note"],
                 "dismissed": bool(f["dismissed"])} for f in flags.get(cid, [])
                if f["first_item"] in k and f["second_item"] in k]
        kept.sort(key=lambda f: (f["members"], f["kind"], f["note"]))
        out.append({"story": c["story"], "kind": c["kind"], "decided": c["decided"],
                    "members": [list(m) for m in members], "flags": kept})
    out.sort(key=lambda c: (c["story"], c["kind"], c["members"]))
    return out
