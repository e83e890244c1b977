"""Stories (issue 15), the use cases both faces call: store a story's alignment (``claimdesk
stories --rebuild``), keeping what an editor decided; suggest stories for documents without one
and put them in (``--suggest``, ``--apply``).  Qt-free, print-free: progress goes to a callback."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from desktop.core import edits
from desktop.core.store import Store
from desktop.core.story import (
    Version,
    align_story,
    flag_rows,
    stored_cluster_rows,
    story_documents,
    story_versions,
)
from desktop.core.story_suggest import Suggestion, suggest_stories

__all__ = ["RebuildReport", "Suggestion", "apply_suggestions", "rebuild", "rebuild_edit", "suggest_stories"]


@dataclass(frozen=True)
class RebuildReport:
    story: str
    documents: int
    clusters: int  # stored clusters after the rebuild
    across: int  # of them, clusters of two or more versions
    kept: int  # clusters an editor decided, kept as they were
    changed: bool


def rebuild_edit(store: Store, story: str, doc_ids: Sequence[int]) -> tuple[edits.StoreStoryClusters, int, int]:
    """The edit that stores ``story``'s alignment now: the editor's decided clusters as they are
    (their flags refreshed), every other version aligned afresh; stored clusters found again keep
    their ids.  Also returns how many clusters are decided and how many span outlets."""
    quotes, claims = story_versions(store, doc_ids)
    live = {(v.kind, v.item_id): v for v in quotes + claims}
    rows = stored_cluster_rows(store, story)
    decided = [r for r in rows if r["decided"]]
    pinned = {(r["kind"], i) for r in decided for i in r["members"]}
    by_members = {(r["kind"], frozenset(r["members"])): r["id"] for r in rows if not r["decided"]}
    clusters: list[dict[str, Any]] = []
    for r in decided:
        members = [live[(r["kind"], i)] for i in r["members"] if (r["kind"], i) in live]
        if len(members) == len(r["members"]):  # else a member left: the edits' rules handle it
            clusters.append(_payload(r["id"], r["kind"], members))
    for versions in (quotes, claims):
        free = [v for v in versions if (v.kind, v.item_id) not in pinned]
        for c in align_story(free):
            key = (c.kind, frozenset(m.item_id for m in c.members))
            clusters.append(_payload(by_members.get(key), c.kind, c.members))
    across = sum(1 for c in clusters if len(c["members"]) > 1)
    return edits.StoreStoryClusters(story, tuple(clusters)), len(decided), across


def _payload(cluster_id: int | None, kind: str, members: Sequence[Version]) -> dict[str, Any]:
    return {"id": cluster_id, "kind": kind, "members": [m.item_id for m in members],
            "flags": [list(f) for f in flag_rows(members)]}


def rebuild(store: Store, story: str | None = None, progress: Callable[[str], None] | None = None) -> list[RebuildReport]:
    """Store the alignment of every story (or of ``story``), one edit (one undo step) per story."""
    out = []
    stories = story_documents(store, story)
    for n, (name, doc_ids) in enumerate(stories.items(), 1):
        if progress:
            progress(f"[{n}/{len(stories)}] {name}: aligning {len(doc_ids)} articles")
        edit, kept, across = rebuild_edit(store, name, doc_ids)
        try:
            edits.apply(store, edit)
            changed = True
        except edits.NothingToChange:
            changed = False
        out.append(RebuildReport(name, len(doc_ids), len(edit.clusters), across, kept, changed))
    return out


def apply_suggestions(store: Store, suggestions: Sequence[Suggestion]) -> edits.ChangeSet | None:
    """Put each suggested document in its story, as one step (None: nothing to apply)."""
    if not suggestions:
        return None
    return edits.apply(store, edits.SetDocumentStories(tuple((s.doc_id, s.story) for s in suggestions)))
