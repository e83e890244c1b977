"""The project's settings by key: what ``claimdesk settings`` does (:mod:`desktop.core.settings`),
and what the window's Project Settings dialog applies (:func:`setting_edits`, one undo step)."""

from __future__ import annotations

from collections.abc import Mapping

from desktop.core import edits
from desktop.core.settings import SettingError, check_setting
from desktop.core.store import Store

__all__ = ["set_setting", "setting_edits"]


def set_setting(store: Store, key: str, value: str | None) -> edits.Edit:
    """Set ``key`` to ``value`` (None removes it) as one edit; an invalid key or value is an
    :class:`~desktop.core.edits.EditError` with one line, and nothing changes."""
    edit = edits.SetSetting(key, value)
    edits.apply(store, edit)
    return edit


def setting_edits(store: Store, values: Mapping[str, str]) -> list[edits.Edit]:
    """The :class:`~desktop.core.edits.SetSetting` edits that make the project's settings
    ``values`` (a blank value removes the key): only the keys that change, so an unchanged form
    is no step at all.  Every value is checked first by the CLI's rules
    (:func:`desktop.core.settings.check_setting`): the first invalid one is an
    :class:`~desktop.core.edits.EditError` with its one line, and no edit is returned."""
    current = store.settings()
    result: list[edits.Edit] = []
    for key, raw in values.items():
        if not raw.strip():
            if key in current:
                result.append(edits.SetSetting(key, None))
            continue
        try:
            value = check_setting(key, raw)
        except SettingError as exc:
            raise edits.EditError(str(exc)) from None
        if current.get(key) != value:
            result.append(edits.SetSetting(key, value))
    return result
