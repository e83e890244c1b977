"""Undo/redo for the editor: a ``QUndoStack`` that only stores ``core.edits``.

:class:`ProjectSession` owns the open project's :class:`~desktop.core.store.Store` and its undo
stack, and turns the store's change events into one Qt signal.  Every gesture in the window
becomes ``session.do(edit)``: the edit is applied (and committed) at once, and the command that
lands on the stack holds only its inverse.  ``do`` returns that inverse, from which
:func:`desktop.core.edits.created_ids` tells the window which rows the gesture created (never a
scan for the newest row, which a pre-annotation worker's connection may have written meanwhile).  Undo applies the inverse, which returns the redo, so
ids never change however often one goes back and forth.

Consecutive resizes of the same span (Shift+arrow presses, or a drag) merge into one step.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from desktop.core import edits
from desktop.core.store import ChangeEvent, Store

_MERGE_RESIZE = 1001


class EditCommand(QUndoCommand):
    """One undo step: the row changes to undo it and, after an undo, those to redo it."""

    def __init__(self, session: ProjectSession, edit: edits.Edit, inverse: edits.ChangeSet):
        super().__init__(edit.describe())
        self._session = session
        self._edit = edit
        self._undo: edits.ChangeSet | None = inverse
        self._redo: edits.ChangeSet | None = None
        self._applied_once = True

    def redo(self) -> None:
        if self._applied_once:  # QUndoStack.push() calls redo(); the edit is already applied
            self._applied_once = False
            return
        if self._redo is not None:
            self._undo = self._session.apply_quietly(self._redo)

    def undo(self) -> None:
        if self._undo is not None:
            self._redo = self._session.apply_quietly(self._undo)

    def id(self) -> int:
        return _MERGE_RESIZE if isinstance(self._edit, (edits.ResizeMention,)) else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditCommand) or other.id() != self.id():
            return False
        if not isinstance(other._edit, edits.ResizeMention) or other._edit.id != self._edit.id:
            return False
        # Undo the later resize first, then the earlier one: one ChangeSet, in that order.
        self._undo = edits.ChangeSet(other._undo.changes + self._undo.changes, self._undo.label)
        self._edit = other._edit
        return True


class ProjectSession(QObject):
    """The open project: its store, its undo stack, and one signal per committed change."""

    sig_project_changed = Signal(object)  # ChangeEvent
    sig_edit_failed = Signal(str)

    def __init__(self, store: Store, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(0)  # the whole session
        self._unsubscribe = store.subscribe(self._on_change)

    @property
    def path(self):
        return self.store.path

    def _on_change(self, event: ChangeEvent) -> None:
        self.sig_project_changed.emit(event)

    def do(self, edit: edits.Edit) -> edits.ChangeSet | None:
        """Apply an edit now and put it on the undo stack.  Returns its inverse (what the edit
        changed, and so the ids it created), or None (and a message) if refused."""
        try:
            inverse = edits.apply(self.store, edit)
        except edits.EditError as exc:
            self.sig_edit_failed.emit(str(exc))
            return None
        self.undo_stack.push(EditCommand(self, edit, inverse))
        return inverse

    def do_many(self, items: list[edits.Edit], label: str) -> edits.ChangeSet | None:
        """Several edits as one undo step (e.g. accept all, apply to all identical mentions);
        returns their inverse, or None if refused (then none of them is applied)."""
        if not items:
            return None
        try:
            inverse = edits.apply_many(self.store, items, label)
        except edits.EditError as exc:
            self.sig_edit_failed.emit(str(exc))
            return None
        self.undo_stack.push(EditCommand(self, edits.ChangeSet((), label), inverse))
        return inverse

    def do_then(self, first: edits.Edit, then: Callable[[edits.ChangeSet], list[edits.Edit]],
                label: str) -> edits.ChangeSet | None:
        """``first``, then the edits ``then(first's inverse)`` makes from what it created (e.g. a new
        entity, then linking a mention to it), in one transaction and as one undo step; returns the
        inverse of it all, or None if refused (then nothing is applied)."""
        try:
            with self.store.transaction(label):
                head = edits.apply(self.store, first)
                rest = edits.apply_many(self.store, then(head), label)
        except edits.EditError as exc:
            self.sig_edit_failed.emit(str(exc))
            return None
        inverse = edits.ChangeSet(rest.changes + head.changes, f"undo {label}")  # undo the later edits first
        self.undo_stack.push(EditCommand(self, edits.ChangeSet((), label), inverse))
        return inverse

    def apply_quietly(self, change: edits.ChangeSet) -> edits.ChangeSet | None:
        try:
            return edits.apply(self.store, change)
        except edits.EditError as exc:
            self.sig_edit_failed.emit(f"could not {change.describe()}: {exc}")
            return None

    def refresh(self) -> None:
        """Tell the views that another connection (a worker) changed the project."""
        self.sig_project_changed.emit(ChangeEvent(frozenset({"documents", "mentions", "quotes", "claims",
                                                             "entities", "labels"}), frozenset(), "refresh"))

    def close(self) -> None:
        self._unsubscribe()
        self.undo_stack.clear()
        self.store.close()
