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

from desktop.core.story import Cluster, Flag, Story, story_alignment

__all__ = ["story_records", "write_story", "write_story_csv"]

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
        rows.writerow(["story", "cluster", "kind", "speaker_entity", "versions", "flags", *outlets])
        for s in stories:
            for c in s.clusters:
                cells: dict[str, list[str]] = {}
                for m in c.members:
                    cells.setdefault(m.outlet or m.doc, []).append(m.text)
                rows.writerow([cell(v) for v in (
                    s.id, c.id, c.kind, c.speaker_entity or "", len(c.members),
                    "; ".join(f.kind for f in c.flags), *(_JOIN.join(cells.get(o, [])) for o in outlets))])
