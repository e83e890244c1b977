"""Documents by the names a user gives them, and the document-level use cases of ``claimdesk
status``, ``claimdesk review`` and ``claimdesk delete``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from desktop.core import edits
from desktop.core.model import REVIEW_LAYERS, Document
from desktop.core.store import ProjectError, Store
from desktop.core.wording import plural

__all__ = ["DeletedDocument", "UnknownDocumentError", "delete_documents", "find_document", "mark_reviewed",
           "set_status"]


class UnknownDocumentError(ProjectError):
    """A document reference names no document of the project (one line)."""


def find_document(store: Store, ref: str) -> Document | None:
    """The document ``ref`` names: its external id, else its number as ``info`` shows it; None."""
    doc = store.document_by_ext_id(ref)
    if doc is None and ref.isdigit() and int(ref) in store.document_ids():
        doc = store.document(int(ref))
    return doc


def set_status(store: Store, ref: str, status: str) -> Document:
    """Set the status (``new``, ``in_progress``, ``done``) of the document ``ref`` names."""
    doc = find_document(store, ref)
    if doc is None:
        raise UnknownDocumentError(f"{store.path}: no document {ref!r}")
    edits.apply(store, edits.SetDocumentStatus(doc.id, status))
    return doc


def mark_reviewed(store: Store, ref: str, layers: Iterable[str] = REVIEW_LAYERS, reviewed: bool = True) -> Document:
    """Mark ``layers`` of the document ``ref`` names reviewed (or not), as one undo step; returns
    the document as it is afterwards.  A layer already so is left alone; nothing to change is fine."""
    doc = find_document(store, ref)
    if doc is None:
        raise UnknownDocumentError(f"{store.path}: no document {ref!r}")
    layers = list(dict.fromkeys(layers))
    unknown = [layer for layer in layers if layer not in REVIEW_LAYERS]
    if unknown:
        raise edits.EditError(f"layer must be one of {', '.join(REVIEW_LAYERS)}, not {unknown[0]!r}")
    todo = [edits.SetLayerReviewed(doc.id, layer, reviewed) for layer in layers
            if (layer in doc.marked_reviewed) != reviewed]
    if todo:
        edits.apply_many(store, todo, f"mark {', '.join(e.layer for e in todo)} "
                                      f"{'reviewed' if reviewed else 'not reviewed'}")
    return store.document(doc.id)


@dataclass
class DeletedDocument:
    """A deleted document and how many rows of each table went with it (``mentions``, ``quotes``,
    ``claims``, ...)."""

    doc: Document
    rows: dict[str, int] = field(default_factory=dict)


def delete_documents(store: Store, refs: Iterable[str]) -> list[DeletedDocument]:
    """Delete documents with everything that belongs to them, as one edit recorded in the history.
    Every reference is looked up first: if one names no document, nothing is deleted
    (:class:`UnknownDocumentError`).  Canonical entities stay (they are project-wide)."""
    refs = list(dict.fromkeys(refs))
    found = {ref: find_document(store, ref) for ref in refs}
    unknown = [ref for ref, doc in found.items() if doc is None]
    if unknown:
        raise UnknownDocumentError(f"{store.path}: no document {', '.join(map(repr, unknown))} "
                                   "(ids as in 'claimdesk info'); nothing deleted")
    docs = list({doc.id: doc for doc in found.values() if doc is not None}.values())
    inverse = edits.apply_many(store, [edits.DeleteDocument(doc.id) for doc in docs],
                               f"delete {plural(len(docs), 'document')}")
    deleted = {doc.id: DeletedDocument(doc) for doc in docs}
    for change in inverse.changes:  # the inverse re-inserts every row the deletion took
        if change.table != "documents" and change.after is not None:
            rows = deleted[change.after["doc_id"]].rows
            rows[change.table] = rows.get(change.table, 0) + 1
    return list(deleted.values())
