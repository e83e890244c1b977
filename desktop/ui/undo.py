"""Undo/redo for the editor: Qt's face of :class:`desktop.app.session.Session`.

:class:`ProjectSession` wraps the application's session (the store and its undo stack of
inverses) with what Qt needs: one signal per committed change, one per refused edit, and a
``QUndoStack`` that mirrors the session's steps, one :class:`EditCommand` per step, so the History
view and the Undo/Redo actions work as Qt's do.  The commands hold no changes of their own: their
``undo``/``redo`` call the session's, which apply the stored inverse and keep the redo.  A resize
the session folds into the previous step is pushed as a command that merges with the top one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from desktop.app.session import Applied, Session
from desktop.core import edits
from desktop.core.store import ChangeEvent, Store

_MERGE_RESIZE = 1001


class EditCommand(QUndoCommand):
    """One step of the session on Qt's stack; undo and redo go through the session."""

    def __init__(self, session: ProjectSession, label: str, mergeable: bool, merged: bool = False):
        super().__init__(label)
        self._session = session
        self._mergeable = mergeable
        self._merged = merged  # the session folded this one into the step below
        self._applied_once = True

    def redo(self) -> None:
        if self._applied_once:  # QUndoStack.push() calls redo(); the edit is already applied
            self._applied_once = False
            return
        self._session._step("redo")

    def undo(self) -> None:
        self._session._step("undo")

    def id(self) -> int:
        return _MERGE_RESIZE if self._mergeable else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        return isinstance(other, EditCommand) and other._merged


class ProjectSession(QObject):
    """The open project for the window: the application session, its Qt undo stack, signals."""

    sig_project_changed = Signal(object)  # ChangeEvent
    sig_edit_failed = Signal(str)

    def __init__(self, store: Store | Session, parent: QObject | None = None):
        super().__init__(parent)
        self.core = store if isinstance(store, Session) else Session(store)
        self.store = self.core.store
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(0)  # the whole session
        self._unsubscribe = self.store.subscribe(self._on_change)

    @property
    def path(self):
        return self.store.path

    def _on_change(self, event: ChangeEvent) -> None:
        self.sig_project_changed.emit(event)

    def _run(self, fn: Callable[[], Applied | None], mergeable: bool = False) -> Applied | None:
        try:
            applied = fn()
        except edits.EditError as exc:
            self.sig_edit_failed.emit(str(exc))
            return None
        if applied is not None:
            self.undo_stack.push(EditCommand(self, applied.label, mergeable, applied.merged))
        return applied

    def do(self, edit: edits.Edit) -> Applied | None:
        """Apply an edit now as one undo step: what it applied (its inverse and the ids it created,
        ``applied.first("mentions")``), or None (and a message) if refused."""
        return self._run(lambda: self.core.do(edit), isinstance(edit, edits.ResizeMention))

    def do_many(self, items: Sequence[edits.Edit], label: str) -> Applied | None:
        """Several edits as one undo step; None if there are none or one is refused (then none is
        applied)."""
        return self._run(lambda: self.core.do_many(items, label))

    def do_then(self, first: edits.Edit, then: Callable[[Applied], Sequence[edits.Edit]],
                label: str) -> Applied | None:
        """``first``, then the edits ``then(applied)`` makes from what it created, as one step."""
        return self._run(lambda: self.core.do_then(first, then, label))

    def _step(self, kind: str) -> None:
        step = self.core.steps[self.core.index - 1] if kind == "undo" and self.core.can_undo else None
        try:
            self.core.undo() if kind == "undo" else self.core.redo()
        except edits.EditError as exc:
            label = step.label if step else "that step"
            self.sig_edit_failed.emit(f"could not {kind} {label}: {exc}")

    def refresh(self) -> None:
        """Tell the views that another connection (a worker) changed the project."""
        self.sig_project_changed.emit(ChangeEvent(frozenset({"documents", "mentions", "quotes", "claims",
                                                             "entities", "labels"}), frozenset(), "refresh"))

    def close(self) -> None:
        self._unsubscribe()
        self.undo_stack.clear()
        self.core.close()
