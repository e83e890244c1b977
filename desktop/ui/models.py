"""Qt item models over the store: documents, canonical entities, quotes, claims.

They adapt stored data and keep no state of their own beyond the last query's rows; a change
event from the session re-reads only what changed (changed documents' rows, or the current
document's quotes and claims).  Each is checked with pytest-qt's ``qtmodeltester``.
"""

from __future__ import annotations

import bisect
import json
from operator import itemgetter
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)

from desktop.core.store import ChangeEvent, Store
from desktop.ui import review_marks

_Index = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()

STATUS_TEXT = {"new": "new", "in_progress": "in progress", "done": "done"}
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, SORT_ROLE, ID_ROLE})


def document_meta(doc) -> str:
    """The article header's line under the title: outlet · date · story · status · reviewed marks."""
    return review_marks.meta_text(doc)


def snippet(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _RowsModel(QAbstractTableModel):
    """A table of dict rows with fixed columns; subclasses say how to fetch and show them."""

    columns: tuple[str, ...] = ()

    def __init__(self, store: Store | None = None, parent=None):
        super().__init__(parent)
        self.store = store
        self._rows: list[dict[str, Any]] = []
        self._pos: dict[int, int] | None = None  # id -> row, made on first use after rows move

    # Qt API
    def rowCount(self, parent: _Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def index(self, row: int, column: int, parent: _Index = _NO_INDEX) -> QModelIndex:
        # one call where Qt's own index() asks rowCount() and columnCount() (each a call into
        # Python) for every cell a view or a sorting proxy looks at
        if 0 <= row < len(self._rows) and 0 <= column < len(self.columns) and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.columns):
            return self.columns[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if role not in _ROLES:  # views ask for a dozen roles per cell while they paint
            return None
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or not 0 <= index.column() < len(self.columns):
            return None
        row = self._rows[index.row()]
        if role == ID_ROLE:
            return row["id"]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.display(row, index.column(), role)
        if role == SORT_ROLE:
            return self.sort_key(row, index.column())
        return None

    # subclass hooks
    def fetch(self) -> list[dict[str, Any]]:
        return []

    def display(self, row: dict[str, Any], column: int, role: int):
        return None

    def sort_key(self, row: dict[str, Any], column: int):
        value = self.display(row, column, Qt.ItemDataRole.DisplayRole)
        return value if value is not None else ""

    #: The views sort this model themselves (a sorting proxy), so its row order is free: a reload
    #: that adds or drops a few rows patches them in place instead of resetting the model.
    order_free = False

    def _patch(self, rows: list[dict[str, Any]]) -> bool:
        """Remove the rows that went, update those that changed, append those that came (the
        proxy puts them in place); False when so much changed that a reset is cheaper."""
        new = {r["id"]: r for r in rows}
        gone = [i for i, r in enumerate(self._rows) if r["id"] not in new]
        kept = {r["id"] for r in self._rows}
        came = [r for r in rows if r["id"] not in kept]
        if len(gone) + len(came) > max(50, len(rows) // 10):
            return False
        for i in reversed(gone):
            self._pos = None
            self.beginRemoveRows(QModelIndex(), i, i)
            del self._rows[i]
            self.endRemoveRows()
        for i, old in enumerate(self._rows):
            if new[old["id"]] != old:
                self._rows[i] = new[old["id"]]
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.columns) - 1))
        if came:
            self._pos = None
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(came) - 1)
            self._rows.extend(came)
            self.endInsertRows()
        return True

    def update_rows(self, ids: set[int] | frozenset[int], fresh: dict[int, dict[str, Any]]) -> None:
        """Rows ``ids`` were re-read as ``fresh`` (id -> row; an id missing from it: the row went):
        announce the removed, changed and new rows one by one, not a reset (which makes sorting
        proxies and header sizing read every row).  A new row goes where :meth:`row_order` puts
        it, the end for a model whose views sort it themselves; the other rows stay as they are."""
        pos = self._positions()  # looked up by id: the other rows of a long list are not visited
        gone = sorted((pos[i] for i in ids if i in pos and i not in fresh), reverse=True)
        for i in gone:
            self._pos = None
            self.beginRemoveRows(QModelIndex(), i, i)
            del self._rows[i]
            self.endRemoveRows()
        if gone:
            pos = self._positions()
        present = set()
        for row_id, new in fresh.items():
            i = pos.get(row_id)
            if i is not None:
                present.add(row_id)
                if new != self._rows[i]:
                    self._rows[i] = new
                    self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.columns) - 1))
        for row in sorted((r for i, r in fresh.items() if i not in present), key=self.row_order):
            at = len(self._rows) if self.order_free else bisect.bisect_right(self._rows, self.row_order(row),
                                                                             key=self.row_order)
            if at == len(self._rows) and self._pos is not None:
                self._pos[row["id"]] = at  # appended: the other rows keep their places
            else:
                self._pos = None
            self.beginInsertRows(QModelIndex(), at, at)
            self._rows.insert(at, row)
            self.endInsertRows()

    def _positions(self) -> dict[int, int]:
        if self._pos is None:
            self._pos = {row["id"]: i for i, row in enumerate(self._rows)}
        return self._pos

    def row_order(self, row: dict[str, Any]) -> Any:
        """Where a row goes among the others (the order :meth:`fetch` returns them in)."""
        return row["id"]

    def ids(self) -> list[int]:
        return [r["id"] for r in self._rows]

    # helpers
    def reload(self) -> None:
        """Re-read the rows.  When the same rows come back in the same order (an edit changed
        values, not membership), only the changed rows are announced, so views and sorting
        proxies do not rebuild themselves after every edit."""
        rows = self.fetch() if self.store is not None else []
        if [r["id"] for r in rows] == [r["id"] for r in self._rows]:
            for i, (old, new) in enumerate(zip(self._rows, rows, strict=True)):
                if old != new:
                    self._rows[i] = new
                    self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.columns) - 1))
            return
        if self.order_free and self._patch(rows):
            return
        self._pos = None
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def set_store(self, store: Store | None) -> None:
        self.store = store
        self.reload()

    def row_id(self, row: int) -> int | None:
        return self._rows[row]["id"] if 0 <= row < len(self._rows) else None

    def row_of(self, row_id: int) -> int:
        if self._pos is None:
            self._pos = {row["id"]: i for i, row in enumerate(self._rows)}
        return self._pos.get(row_id, -1)

    def row_dict(self, row: int) -> dict[str, Any] | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None


class DocumentTableModel(_RowsModel):
    """The document list: outlet, title, date, status, suggestions left.

    Filled lazily, a page of :data:`PAGE` rows (by id) at a time: the view asks for more
    (``canFetchMore``/``fetchMore``) as it scrolls to the end, so opening a project of 100,000
    documents reads one page.  Whatever needs every row loads the rest first: sorting by a
    column, a status or text filter (:class:`DocumentFilterModel`), and finding a document's row
    (:meth:`row_of`, which reads up to that document)."""

    columns = ("Outlet", "Title", "Date", "Status", "Left")

    #: Rows read per page.
    PAGE = 1000

    def __init__(self, store: Store | None = None, parent=None):
        super().__init__(store, parent)
        self._more = False  # rows after the last one loaded may exist

    def fetch(self):
        # as many rows as are loaded (at least a page), so a reload keeps what the view scrolled to
        limit = max(self.PAGE, len(self._rows))
        rows = self.store.document_summaries(limit=limit)
        self._more = len(rows) == limit
        return rows

    def reload(self) -> None:
        if self.store is None:
            self._more = False
        super().reload()

    def canFetchMore(self, parent: _Index = _NO_INDEX) -> bool:
        return not parent.isValid() and self._more and self.store is not None

    def fetchMore(self, parent: _Index = _NO_INDEX) -> None:
        if self.canFetchMore(parent):
            self._fetch_page(self.PAGE)

    def _fetch_page(self, limit: int | None) -> None:
        """Append the next ``limit`` rows (None: all the rest)."""
        after = self._rows[-1]["id"] if self._rows else None
        rows = self.store.document_summaries(after=after, limit=limit)
        self._more = limit is not None and len(rows) == limit
        if rows:
            self._pos = None
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def fetch_all(self) -> None:
        """Load every row not loaded yet (sorting and filtering need them all)."""
        if self.canFetchMore():
            self._fetch_page(None)

    def row_of(self, row_id: int) -> int:
        row = super().row_of(row_id)
        if row < 0 and self._more and self._rows and row_id > self._rows[-1]["id"]:
            while row < 0 and self.canFetchMore() and row_id > self._rows[-1]["id"]:
                self._fetch_page(self.PAGE)
                row = super().row_of(row_id)
        return row

    def display(self, row, column, role):
        if column == 0:
            return row["source"] or ""
        if column == 1:
            return row["title"] or snippet(row["lead"].strip().splitlines()[0] if row["lead"].strip() else row["ext_id"], 70)
        if column == 2:
            return row["published"] or ""
        if column == 3:
            return (review_marks.list_tooltip if role == Qt.ItemDataRole.ToolTipRole else
                    review_marks.list_status)(row["status"], self.marks(row["id"]))
        return row["suggested"]

    def sort_key(self, row, column):
        if column == 4:
            return int(row["suggested"])
        if column == 3:
            return STATUS_TEXT.get(row["status"], row["status"])
        return super().sort_key(row, column).lower() if column != 2 else row["published"] or ""

    def status(self, row: int) -> str | None:
        r = self.row_dict(row)
        return r["status"] if r else None

    # The layers marked reviewed, read per row the Status column shows and kept per store (reading
    # them for every document would read every text: the column is stored after it).
    def _marks(self) -> dict[int, frozenset[str]]:
        held = getattr(self, "_marks_held", None)
        if held is None or held[0] is not self.store:
            held = self._marks_held = (self.store, {})
        return held[1]

    def marks(self, doc_id: int) -> frozenset[str]:
        marks = self._marks()
        if doc_id not in marks and self.store is not None:
            marks[doc_id] = self.store.marked_reviewed([doc_id]).get(doc_id, frozenset())
        return marks.get(doc_id, frozenset())

    def _marks_changed(self, doc_ids) -> set[int]:
        """Re-read the marks of the rows shown so far among ``doc_ids``: those that changed."""
        marks = self._marks()
        known = [d for d in doc_ids if d in marks]
        fresh = self.store.marked_reviewed(known) if known and self.store is not None else {}
        changed = {d for d in known if fresh.get(d, frozenset()) != marks[d]}
        for d in changed:
            marks[d] = fresh.get(d, frozenset())
        return changed

    def on_change(self, event: ChangeEvent) -> None:
        if self.store is None or not event.tables & {"documents", "mentions", "quotes", "claims"}:
            return
        if not event.doc_ids:
            self.reload()
            return
        doc_ids = event.doc_ids
        if self._more and self._rows:  # documents past the loaded rows are read when the view gets there
            doc_ids = frozenset(d for d in doc_ids if d <= self._rows[-1]["id"])
            if not doc_ids:
                return
        fresh = {r["id"]: r for r in self.store.document_summaries(doc_ids)}
        if any(_RowsModel.row_of(self, d) < 0 for d in doc_ids) or len(fresh) != len(doc_ids):
            self.reload()  # documents were added or removed
            return
        marked = self._marks_changed(event.doc_ids) if "documents" in event.tables else set()
        for doc_id, new in fresh.items():
            i = self.row_of(doc_id)
            if new != self._rows[i] or doc_id in marked:  # an edit often leaves the summary as it was
                self._rows[i] = new
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.columns) - 1))


class DocumentFilterModel(QSortFilterProxyModel):
    """Sorts by the raw values and filters by status and by text in title or outlet."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._status: str | None = None
        self._text = ""

    def _load_all(self) -> None:
        model = self.sourceModel()
        if isinstance(model, DocumentTableModel):
            model.fetch_all()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column >= 0:  # a sorted list is sorted over every document, not the loaded ones
            self._load_all()
        super().sort(column, order)

    def _refilter(self, change) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateRowsFilter()

    def set_status_filter(self, status: str | None) -> None:
        if status:  # a filter looks through every document
            self._load_all()
        self._refilter(lambda: setattr(self, "_status", status or None))

    def set_text_filter(self, text: str) -> None:
        if text.strip():
            self._load_all()
        self._refilter(lambda: setattr(self, "_text", text.strip().lower()))

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        # a cell's paint asks for a dozen roles; Qt's proxy maps each to the source (an index()
        # and a data() call into Python) even for the ones the rows never have
        if role not in _ROLES:
            return None
        return super().data(index, role)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        row = model.row_dict(source_row) if model is not None else None
        if row is None:
            return False
        if self._status and row["status"] != self._status:
            return False
        if self._text:
            hay = " ".join(str(row.get(k) or "") for k in ("title", "lead", "source", "ext_id", "published", "story")).lower()
            return self._text in hay
        return True


ENTITY_MIME = "application/x-claimdesk-entity-ids"


class EntityTableModel(_RowsModel):
    """Canonical entities with their mention counts.  Dragging entities onto another one asks to
    merge them into it (``sig_merge_dropped(target, others)``); the model itself never changes."""

    columns = ("Entity", "Type", "Mentions", "Aliases")
    sig_merge_dropped = Signal(int, list)
    order_free = True

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled
        return base

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [ENTITY_MIME]

    def mimeData(self, indexes) -> QMimeData:
        ids = sorted({self._rows[i.row()]["id"] for i in indexes if i.isValid() and i.row() < len(self._rows)})
        data = QMimeData()
        data.setData(ENTITY_MIME, QByteArray(json.dumps(ids).encode()))
        return data

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        return data.hasFormat(ENTITY_MIME) and parent.isValid()

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        target = self.row_id(parent.row())
        others = [i for i in json.loads(bytes(data.data(ENTITY_MIME)).decode()) if i != target]
        if target is not None and others:
            self.sig_merge_dropped.emit(target, others)
        return False  # nothing moves: the merge is an edit, and the change event reloads the model

    def fetch(self):
        counts = self.store.mention_counts()
        return [self._row(e, counts) for e in self.store.entities()]

    @staticmethod
    def _row(e, counts: dict[int, int]) -> dict[str, Any]:
        return {"id": e.id, "name": e.name, "type": e.type, "aliases": ", ".join(e.aliases),
                "alias_names": tuple(e.aliases), "mentions": counts.get(e.id, 0)}

    def display(self, row, column, role):
        return (row["name"], row["type"], row["mentions"], row["aliases"])[column]

    def listed(self) -> list[dict[str, Any]]:
        """The rows in :meth:`Store.entities`' order (by name, then id)."""
        return sorted(self._rows, key=itemgetter("name", "id"))

    def sort_key(self, row, column):
        return row["mentions"] if column == 2 else str(self.display(row, column, 0)).lower()

    def on_change(self, event: ChangeEvent) -> None:
        """Re-read the entities the event wrote or whose mentions it changed (all of them when
        it does not say which)."""
        if self.store is None or not event.tables & {"entities", "mentions"}:
            return
        ids = event.linked_rows("entities")
        if ids is None or len(ids) > max(50, len(self._rows) // 10):
            self.reload()
        elif ids:
            counts = self.store.mention_counts_of(ids)
            self.update_rows(ids, {e.id: self._row(e, counts) for e in self.store.live_entities(ids)})


class _DocumentLayerModel(_RowsModel):
    """Annotations of one layer in the current document."""

    def __init__(self, store=None, parent=None):
        super().__init__(store, parent)
        self.doc_id: int | None = None
        self.text = ""

    def set_document(self, doc_id: int | None, text: str = "", items: list | None = None) -> None:
        """Show the layer of ``doc_id``; ``items`` are its rows when the caller has read them
        already (all of them, rejected ones included, in the store's order)."""
        self.doc_id, self.text = doc_id, text
        self._items = items
        try:
            self.reload()
        finally:
            self._items = None

    _items: list | None = None

    def fetch(self):
        return [] if self.doc_id is None else self.fetch_doc()

    def fetch_doc(self):
        return []

    def on_change(self, event: ChangeEvent) -> None:
        """Re-read the rows of this document the event wrote, or that show an entity it wrote
        (all of them when it does not say which)."""
        if self.doc_id is None or not (self.doc_id in event.doc_ids or not event.doc_ids) or not event.tables & self.tables:
            return
        ids = event.rows(self.layer)
        entities = event.rows("entities")
        if ids is None or entities is None:
            self.reload()
            return
        ids = set(ids)
        if entities:
            ids |= {r["id"] for r in self._rows if self.entity_of(r) in entities}
        if len(ids) > max(50, len(self._rows) // 4):
            self.reload()
        elif ids:
            self.update_rows(ids, {r["id"]: r for r in self.fetch_ids(ids) if r is not None})

    def fetch_ids(self, ids: set[int]) -> list[dict[str, Any] | None]:
        """The rows of ``ids`` that belong to this document (None for the others)."""
        return []

    def entity_of(self, row: dict[str, Any]) -> int | None:
        """The entity whose name the row shows."""
        return None

    #: the store table of the layer, and the tables whose changes can change its rows
    layer = ""
    tables: frozenset[str] = frozenset()


class QuoteTableModel(_DocumentLayerModel):
    columns = ("Speaker", "Type", "Status", "Quote")
    tables = frozenset({"quotes", "entities", "mentions"})

    layer = "quotes"

    def fetch_doc(self):
        quotes = self._items if self._items is not None else self.store.quotes(self.doc_id)
        return sorted(self._rows_of(quotes), key=self.row_order)

    def fetch_ids(self, ids):
        return self._rows_of([q for q in (_read(self.store.quote, i) for i in ids) if q and q.doc_id == self.doc_id])

    def _rows_of(self, quotes) -> list[dict[str, Any]]:
        """A row per quote: what it shows that is not the quote's own (the speaker's name), and
        the quote; its text is cut when a cell shows it (a long article has hundreds of quotes
        and a screen shows a few)."""
        names = self.store.entity_names(q.speaker_entity_id for q in quotes)
        text = self.text
        return [{"id": q.id, "speaker": names.get(q.speaker_entity_id) or (
                    text[q.speaker.start:q.speaker.end] if q.speaker else "—"),
                 "start": q.content[0].start, "quote": q} for q in quotes]

    def row_order(self, row):
        return row["start"], row["id"]

    def entity_of(self, row):
        return row["quote"].speaker_entity_id

    def content(self, row) -> str:
        """The quote's text as its cell's tooltip shows it (each fragment cut at 200 characters)."""
        return " … ".join(snippet(f.text(self.text), 200) for f in row["quote"].content)

    def display(self, row, column, role):
        if column == 3:
            content = self.content(row)
            return content if role == Qt.ItemDataRole.ToolTipRole else snippet(content, 80)
        if column == 0:
            return row["speaker"]
        q = row["quote"]
        return q.type if column == 1 else q.prov.status


class ClaimTableModel(_DocumentLayerModel):
    """The article's claims: text, claimant, a column per label set of the schema, status."""

    columns: tuple[str, ...] = ("Claim", "Claimant", "Labels", "Status")
    tables = frozenset({"claims", "entities"})

    layer = "claims"
    label_sets: tuple[str, ...] = ()  # none known yet: one Labels column with every value

    def set_label_sets(self, names) -> None:
        """One column per claim label set (the schema's, in its order), so every label shows."""
        names = tuple(names)
        if names == self.label_sets:
            return
        self.beginResetModel()
        self.label_sets = names
        sets = tuple(n.replace("_", " ").capitalize() for n in names) or ("Labels",)
        self.columns = ("Claim", "Claimant", *sets, "Status")
        self.endResetModel()

    def fetch_doc(self):
        claims = self._items if self._items is not None else self.store.claims(self.doc_id)
        return [self._row(c) for c in claims]

    def fetch_ids(self, ids):
        return [self._row(c) for c in (_read(self.store.claim, i) for i in ids) if c and c.doc_id == self.doc_id]

    @staticmethod
    def _row(c) -> dict[str, Any]:
        # what a cell shows is made from the claim when the cell is shown (a long article has
        # hundreds of claims and a screen shows a few)
        return {"id": c.id, "claim": c}

    def row_order(self, row):
        return row["claim"].start, row["id"]

    def entity_of(self, row):
        return row["claim"].claimant_entity_id

    def display(self, row, column, role):
        claim = row["claim"]
        if column == 0:
            text = self.text[claim.start:claim.end]
            return text if role == Qt.ItemDataRole.ToolTipRole else snippet(text, 70)
        if column == 1:
            return claim.claimant or ""
        if column == len(self.columns) - 1:
            return claim.prov.status
        if not self.label_sets:
            return ", ".join(f"{v}" for _, v in sorted(claim.labels.items()))
        labels = claim.labels
        name = self.label_sets[column - 2]
        if column == len(self.columns) - 2:  # the last set's column also shows labels of sets the schema lacks
            extra = [f"{k}: {v}" for k, v in sorted(labels.items()) if k not in self.label_sets]
            return ", ".join(([labels[name]] if name in labels else []) + extra)
        return labels.get(name, "")


def _read(get, row_id: int):
    """``get(row_id)``, or None when the row is gone."""
    try:
        return get(row_id)
    except KeyError:
        return None
