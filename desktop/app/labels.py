"""The project's label schema by name: what ``claimdesk labels add|edit|remove`` does."""

from __future__ import annotations

from typing import Any

from desktop.core import edits
from desktop.core.store import ProjectError, Store

__all__ = ["LabelNotFoundError", "add_label", "edit_label", "find_label", "remove_label"]


class LabelNotFoundError(ProjectError):
    """No label has the name (in the set), or several sets have it (one line)."""


def find_label(store: Store, name: str, label_set: str | None = None) -> dict[str, Any]:
    """The label row named ``name`` (in ``label_set`` when given); one, or LabelNotFoundError."""
    rows = [r for r in store.label_rows() if r["name"] == name and (label_set is None or r["label_set"] == label_set)]
    if not rows:
        raise LabelNotFoundError(f"{store.path.name}: no label {name!r}" + (f" in {label_set}" if label_set else ""))
    if len(rows) > 1:
        raise LabelNotFoundError(f"label {name!r} is in several sets ({', '.join(r['label_set'] for r in rows)}); "
                                 "give the set (--set)")
    return rows[0]


def add_label(store: Store, layer: str, name: str, *, label_set: str = "", color: str | None = None,
              hotkey: str | None = None, description: str | None = None) -> edits.Edit:
    """Add an entity label, or a claim label to ``label_set`` (a new name makes a new set)."""
    edit = edits.AddLabel(layer, name, label_set=label_set, color=color or "#cccccc", hotkey=hotkey,
                          description=description or "")
    edits.apply(store, edit)
    return edit


def edit_label(store: Store, name: str, *, label_set: str | None = None, new_name: str | None = None,
               color: str | None = None, hotkey: str | None = None, description: str | None = None,
               no_hotkey: bool = False) -> edits.Edit:
    """Rename a label (its annotations follow) or change its colour, hotkey or description; a
    field left None stays, ``no_hotkey`` removes the hotkey."""
    row = find_label(store, name, label_set)
    fields: dict[str, str | None] = {k: v for k, v in (("name", new_name), ("color", color), ("hotkey", hotkey),
                                ("description", description)) if v is not None}
    if no_hotkey:
        fields["hotkey"] = None
    edit = edits.EditLabel(row["id"], fields)
    edits.apply(store, edit)
    return edit


def remove_label(store: Store, name: str, *, label_set: str | None = None) -> edits.Edit:
    """Remove a label no annotation uses."""
    edit = edits.DeleteLabel(find_label(store, name, label_set)["id"])
    edits.apply(store, edit)
    return edit
