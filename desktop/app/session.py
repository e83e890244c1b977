"""The open project as the editor uses it: its store and an undo stack of inverses (Qt-free).

:class:`Session` is what every gesture goes through.  ``do(edit)`` applies the edit at once (one
committed transaction) and returns an :class:`Applied`: the inverse *and* the ids of the rows it
created (from the edit's own changes, see :func:`desktop.core.edits.created_ids`; never a scan for
the newest row, which a pre-annotation worker's connection may have written meanwhile).
``do_many`` makes several edits one step; ``do_then`` makes an edit and the edits built from what
it created one step (a new entity, then the link to it).

Each step on the stack holds only row changes: undo applies the inverse, which returns the redo,
so ids never change however often one goes back and forth.  Consecutive resizes of one mention
(Shift+arrow presses, or a drag) merge into one step.  The window's ``QUndoStack``
(``desktop/ui/undo.py``) mirrors this stack one command per step, so Qt's History view and
Undo/Redo menu drive :meth:`Session.undo` and :meth:`Session.redo`.

Refused edits raise :class:`desktop.core.edits.EditError` (nothing changed, nothing pushed);
each face decides how to show the message.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core import edits
from desktop.core.store import Store

__all__ = ["Applied", "Session", "Step", "applied_from"]


@dataclass(frozen=True)
class Applied:
    """What one ``do`` applied: its undo (``inverse``), its label, and the rows it created."""

    inverse: edits.ChangeSet
    label: str
    created: dict[str, tuple[int, ...]] = field(default_factory=dict)
    merged: bool = False  # folded into the previous step (a resize of the same mention)

    @property
    def changes(self) -> tuple[edits.RowChange, ...]:
        """The inverse's row changes (so ``edits.created_ids(applied, table)`` works too)."""
        return self.inverse.changes

    def ids(self, table: str) -> tuple[int, ...]:
        """The ``table`` rows this step created, in the order they were created."""
        return self.created.get(table, ())

    def first(self, table: str) -> int | None:
        ids = self.ids(table)
        return ids[0] if ids else None


def applied_from(inverse: edits.ChangeSet, label: str, merged: bool = False) -> Applied:
    tables = {c.table for c in inverse.changes}
    created = {t: tuple(ids) for t in sorted(tables) if (ids := edits.created_ids(inverse, t))}
    return Applied(inverse, label, created, merged)


@dataclass
class Step:
    """One undo step: the row changes that undo it and, after an undo, those that redo it."""

    label: str
    undo_changes: edits.ChangeSet | None
    redo_changes: edits.ChangeSet | None = None
    merge_key: tuple | None = None


def _merge_key(edit: edits.Edit) -> tuple | None:
    return ("resize", edit.id) if isinstance(edit, edits.ResizeMention) else None


StepListener = Callable[[str, Step], None]  # ("do" | "merge" | "undo" | "redo", step)


class Session:
    """An open project: its store, the steps done in this session, and where undo stands."""

    def __init__(self, store: Store):
        self.store = store
        self.steps: list[Step] = []
        self.index = 0  # steps[:index] are done, steps[index:] undone (redo-able)
        self._listeners: list[StepListener] = []

    # open / create / close --------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike, *, annotator: str | None = None) -> Session:
        return cls(Store.open(path, annotator=annotator))

    @classmethod
    def create(cls, path: str | os.PathLike, *, annotator: str | None = None) -> Session:
        return cls(Store.create(path, annotator=annotator))

    @property
    def path(self) -> Path:
        return self.store.path

    def close(self) -> None:
        self.clear()
        self.store.close()

    def clear(self) -> None:
        self.steps.clear()
        self.index = 0

    def subscribe(self, listener: StepListener) -> Callable[[], None]:
        """Call ``listener(kind, step)`` after each do, merge, undo and redo; returns the unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _tell(self, kind: str, step: Step) -> None:
        for listener in list(self._listeners):
            listener(kind, step)

    # doing ------------------------------------------------------------------------------------------

    def do(self, edit: edits.Edit) -> Applied:
        """Apply ``edit`` now as one undo step (raises ``EditError``, changing nothing, if refused)."""
        inverse = edits.apply(self.store, edit)
        return self._push(edit.describe(), inverse, _merge_key(edit))

    def do_many(self, items: Sequence[edits.Edit], label: str) -> Applied | None:
        """Several edits as one undo step (accept all, apply to identical mentions); None if empty.
        If one is refused none of them is applied."""
        if not items:
            return None
        return self._push(label, edits.apply_many(self.store, list(items), label), None)

    def do_then(self, first: edits.Edit, then: Callable[[Applied], Sequence[edits.Edit]], label: str) -> Applied:
        """``first``, then the edits ``then(what first applied)`` builds from the rows it created, in
        one transaction and as one undo step."""
        with self.store.transaction(label):
            head = edits.apply(self.store, first)
            rest = edits.apply_many(self.store, list(then(applied_from(head, first.describe()))), label)
        inverse = edits.ChangeSet(rest.changes + head.changes, edits.undo_label(label))  # the later edits first
        return self._push(label, inverse, None)

    def _push(self, label: str, inverse: edits.ChangeSet, merge_key: tuple | None) -> Applied:
        del self.steps[self.index:]
        top = self.steps[-1] if self.steps else None
        if merge_key is not None and top is not None and top.merge_key == merge_key and top.undo_changes is not None:
            # undo the later resize first, then the earlier one: one ChangeSet, in that order
            top.undo_changes = edits.ChangeSet(inverse.changes + top.undo_changes.changes, top.undo_changes.label)
            self._tell("merge", top)
            return applied_from(inverse, label, merged=True)
        step = Step(label, inverse, None, merge_key)
        self.steps.append(step)
        self.index = len(self.steps)
        self._tell("do", step)
        return applied_from(inverse, label)

    # undo / redo ------------------------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return self.index > 0

    @property
    def can_redo(self) -> bool:
        return self.index < len(self.steps)

    @property
    def undo_label(self) -> str:
        return self.steps[self.index - 1].label if self.can_undo else ""

    @property
    def redo_label(self) -> str:
        return self.steps[self.index].label if self.can_redo else ""

    def undo(self) -> Step | None:
        """Undo the last done step (None if there is none).  Undo moves back even when the project
        refuses the change (``EditError`` is raised then, and that step cannot be redone)."""
        if not self.can_undo:
            return None
        self.index -= 1
        step = self.steps[self.index]
        change, step.undo_changes, step.redo_changes = step.undo_changes, None, None
        if change is not None:
            step.redo_changes = edits.apply(self.store, change)
        self._tell("undo", step)
        return step

    def redo(self) -> Step | None:
        """Redo the next undone step (None if there is none); as :meth:`undo`, it moves on even
        when refused (and raises ``EditError``)."""
        if not self.can_redo:
            return None
        step = self.steps[self.index]
        self.index += 1
        change, step.redo_changes, step.undo_changes = step.redo_changes, None, None
        if change is not None:
            step.undo_changes = edits.apply(self.store, change)
        self._tell("redo", step)
        return step
