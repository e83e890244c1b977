"""The project's settings by key: what ``claimdesk settings`` does (:mod:`desktop.core.settings`)."""

from __future__ import annotations

from desktop.core import edits
from desktop.core.store import Store

__all__ = ["set_setting"]


def set_setting(store: Store, key: str, value: str | None) -> edits.Edit:
    """Set ``key`` to ``value`` (None removes it) as one edit; an invalid key or value is an
    :class:`~desktop.core.edits.EditError` with one line, and nothing changes."""
    edit = edits.SetSetting(key, value)
    edits.apply(store, edit)
    return edit
