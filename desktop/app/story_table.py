"""The story view's table (issue 15, item 4), Qt-free: a story's alignment
(:func:`desktop.core.story.story_alignment`) as outlets in columns and statements and claim
clusters in rows, each cell one outlet's version (or none) with the flags that name it.

* **Columns**: the story's articles in the order the story lists them (the project's order),
  each headed by its outlet (``Document.source``), else its title (cut to :data:`HEADER_CHARS`),
  else its ext id; two articles
  of one outlet are told apart by their ext ids.
* **Rows**: the statements first, then the claim clusters, in the alignment's order (most
  versions first). A row's label is "Statement N" or "Claim N" and the cluster's speaker.
* **Cells**: the version's text, its badges (the kinds of the cluster's flags that involve this
  version, in :data:`BADGE_ORDER`) and their notes, and the span it opens in its article
  (``("quote", id)`` or ``("claim", id)``).
* **Side by side**: :func:`side_by_side` gives, for two columns, each article's versions and which
  row links them, so the window can highlight both texts and scroll both to a row's versions.
* **Label once**: :func:`label_cluster` labels every claim of a claim cluster with one
  :class:`~desktop.core.edits.SetClaimLabel` each, as one undo step (a :class:`Gesture`).
* **Editing clusters**: :func:`store_clusters` stores a story's alignment (so an editor can
  change it), then :func:`merge_rows`, :func:`split_cell` and :func:`dismiss_cell` are the
  stored clusters' edits (:class:`~desktop.core.edits.MergeClusters`, ``SplitCluster``,
  ``DismissFlag``), each one undo step; the rules about what stays consistent are the edits'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop.app.gestures import Gesture
from desktop.app.stories import rebuild_edit
from desktop.core import edits
from desktop.core.store import ChangeEvent, Store
from desktop.core.story import NAME_CHARS, Cluster, Flag, Story, Version, document_name, story_alignment
from desktop.core.wording import plural

#: the order badges are shown in a cell (the kinds of :class:`desktop.core.story.Flag`)
BADGE_ORDER = ("negation", "number", "speaker", "wording", "omission", "type")
#: the tables whose change can change a story's alignment (what the view re-reads after)
WATCHED_TABLES = frozenset({"quotes", "claims", "entities", "documents", "story_clusters", "story_members", "story_flags"})
#: the longest column header (a title standing in for the outlet is cut to it)
HEADER_CHARS = NAME_CHARS
#: why merge / split / dismiss are off on a story whose clusters are only computed
STORE_FIRST = "Store the story's clusters first (Store the Clusters, or claimdesk stories --rebuild)"


@dataclass(frozen=True)
class Column:
    doc_id: int
    doc: str  # ext id
    outlet: str  # the header: outlet, else title (cut short), else ext id (ext id added when two share it)
    title: str


@dataclass(frozen=True)
class Cell:
    version: Version
    member: int  # the version's index among its cluster's members (what flags name)
    flags: tuple[Flag, ...]  # the cluster's flags that involve this version

    @property
    def badges(self) -> tuple[str, ...]:
        kinds = {f.kind for f in self.flags}
        return tuple(k for k in BADGE_ORDER if k in kinds)

    @property
    def key(self) -> tuple[str, int]:
        """The span this cell opens in its article."""
        return (self.version.kind, self.version.item_id)

    def tooltip(self) -> str:
        """The flags' notes, one a line (the badge's kind first), or the version's type and speaker."""
        who = ", ".join(x for x in (self.version.type, self.version.speaker) if x)
        lines = [f"{f.kind}: {f.note}" for f in sorted(self.flags, key=lambda f: BADGE_ORDER.index(f.kind))]
        return "\n".join(lines) if lines else who


@dataclass(frozen=True)
class Row:
    cluster: Cluster
    cells: tuple[Cell | None, ...]  # one per column

    @property
    def label(self) -> str:
        what = "Statement" if self.cluster.kind == "quote" else "Claim"
        speaker = self.cluster.speaker_entity
        return f"{what} {self.cluster.id}" + (f" · {speaker}" if speaker else "")

    @property
    def flagged(self) -> bool:
        return bool(self.cluster.flags)

    @property
    def outlets(self) -> int:
        return sum(c is not None for c in self.cells)


@dataclass(frozen=True)
class StoryTable:
    story: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    def visible(self, only_flagged: bool = False, across: bool = False) -> list[Row]:
        """The rows the filters keep: ``only_flagged`` (a cluster with a flag), ``across`` (carried
        by two outlets or more)."""
        return [r for r in self.rows if (r.flagged or not only_flagged) and (r.outlets > 1 or not across)]

    def column_of(self, doc_id: int) -> int:
        return next((i for i, c in enumerate(self.columns) if c.doc_id == doc_id), -1)

    def summary(self) -> str:
        across = sum(r.outlets > 1 for r in self.rows)
        flagged = sum(r.flagged for r in self.rows)
        return (f"{plural(len(self.columns), 'article')}, {plural(len(self.rows), 'cluster')}, "
                f"{across} across outlets, {flagged} flagged")


def columns_of(store: Store, documents: Sequence[str]) -> tuple[Column, ...]:
    docs = [d for d in (store.document_by_ext_id(ext) for ext in documents) if d is not None]
    heads = [document_name(d.source, d.title, d.ext_id) for d in docs]
    return tuple(Column(d.id, d.ext_id, f"{h} ({d.ext_id})" if heads.count(h) > 1 else h, d.title or d.ext_id)
                 for d, h in zip(docs, heads, strict=True))


def rows_of(story: Story, columns: Sequence[Column]) -> tuple[Row, ...]:
    """The story's clusters as rows over ``columns`` (statements first, then claims)."""
    where = {c.doc_id: i for i, c in enumerate(columns)}
    ordered = sorted(story.clusters, key=lambda c: (c.kind != "quote", c.id))
    rows = []
    for cluster in ordered:
        cells: list[Cell | None] = [None] * len(columns)
        for m, version in enumerate(cluster.members):
            i = where.get(version.doc_id)
            if i is not None:
                cells[i] = Cell(version, m, tuple(f for f in cluster.flags if m in f.members))
        rows.append(Row(cluster, tuple(cells)))
    return tuple(rows)


def story_tables(store: Store, story: str | None = None) -> list[StoryTable]:
    """Every story of the project (or the one named) as a table; reads only (a worker's own
    read-only connection will do)."""
    out = []
    for s in story_alignment(store, story):
        columns = columns_of(store, s.documents)
        out.append(StoryTable(s.id, columns, rows_of(s, columns)))
    return out


def affects(event: ChangeEvent) -> bool:
    """Whether a change can change a story's alignment (a quote, claim, entity or article)."""
    return bool(event.tables & WATCHED_TABLES)


@dataclass(frozen=True)
class Linked:
    """A row's versions in the two articles read side by side (either may be missing)."""

    row: int  # index into the rows given to side_by_side
    left: Cell | None
    right: Cell | None

    @property
    def both(self) -> bool:
        return self.left is not None and self.right is not None


def side_by_side(rows: Sequence[Row], left: int, right: int) -> list[Linked]:
    """The rows with a version in column ``left`` or ``right``: what the two texts highlight (a
    row in both is linked) and where selecting a row scrolls them."""
    out = []
    for i, row in enumerate(rows):
        a, b = row.cells[left], row.cells[right]
        if a is not None or b is not None:
            out.append(Linked(i, a, b))
    return out


def label_cluster(store: Store, row: Row, label_set: str, value: str | None) -> Gesture:
    """Label every claim of a claim cluster ``label_set`` = ``value`` (None clears it), as one
    undo step; claims that already carry the label are left alone."""
    if row.cluster.kind != "claim":
        return Gesture(message="Only a claim cluster takes a claim label")
    todo = []
    for cell in row.cells:
        if cell is None:
            continue
        try:
            claim = store.claim(cell.version.item_id)
        except KeyError:
            continue
        if claim.labels.get(label_set) != value:
            todo.append(edits.SetClaimLabel(claim.id, label_set, value))
    if not todo:
        return Gesture(message=f"Every claim of {row.label} already has {label_set} {value or '(none)'}")
    what = f"{label_set} {value}" if value is not None else f"no {label_set}"
    return Gesture(edits=tuple(todo), label=f"label {plural(len(todo), 'claim')} of {row.label} {what}",
                   message=f"{plural(len(todo), 'claim')} labelled {what}")


def store_clusters(store: Store, table: StoryTable) -> Gesture:
    """Store the story's alignment as it is shown, so merge, split and dismiss can change it (a
    later rebuild keeps what an editor changed)."""
    edit, _decided, across = rebuild_edit(store, table.story, [c.doc_id for c in table.columns])
    return Gesture(edits=(edit,), label=f"store the clusters of {table.story}",
                   message=f"{plural(len(edit.clusters), 'cluster')} stored, {across} across outlets")


def _stored(rows: Sequence[Row]) -> str:
    return "" if rows and all(r.cluster.stored for r in rows) else STORE_FIRST


def merge_rows(rows: Sequence[Row]) -> Gesture:
    """Merge the clusters of ``rows`` (two or more, of one kind) into the first."""
    if len(rows) < 2:
        return Gesture(message="Select two rows or more (Ctrl+click) to merge their clusters")
    if problem := _stored(rows):
        return Gesture(message=problem)
    if len({r.cluster.kind for r in rows}) > 1:
        return Gesture(message="A statement and a claim cluster cannot be merged")
    return Gesture(edits=(edits.MergeClusters(tuple(r.cluster.id for r in rows)),),
                   message=f"{plural(len(rows), 'cluster')} merged into {rows[0].label}")


def split_cell(row: Row, cell: Cell | None) -> Gesture:
    """Take the cell's version out of its cluster, into a cluster of its own."""
    if cell is None:
        return Gesture(message="Choose a cell (an outlet's version) to split off")
    if problem := _stored([row]):
        return Gesture(message=problem)
    if len(row.cluster.members) < 2:
        return Gesture(message="That version is the cluster's only one")
    return Gesture(edits=(edits.SplitCluster(row.cluster.id, (cell.version.item_id,)),),
                   message=f"{cell.version.outlet or cell.version.doc}'s version split off {row.label}")


def dismiss_cell(row: Row, cell: Cell | None) -> Gesture:
    """Dismiss the flags that name the cell's version (an editor judged them no discrepancy)."""
    if cell is None or not cell.flags:
        return Gesture(message="That cell has no flag to dismiss")
    if problem := _stored([row]):
        return Gesture(message=problem)
    kinds = ", ".join(dict.fromkeys(f.kind for f in cell.flags))
    return Gesture(edits=tuple(edits.DismissFlag(f.id) for f in cell.flags if f.id is not None),
                   label=f"dismiss the {kinds} flag of {row.label}", message=f"{kinds} dismissed")
