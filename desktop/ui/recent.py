"""File ▸ Open Recent: the last projects opened, kept in the window's settings, and where the
editor was in each.

Reopening a project returns to the article, the text cursor and the scroll position last used
(:func:`remember_position` when the project closes, :func:`restore_position` when it opens), kept
under a key made from the project's real path (``resume/<hash>``: a JSON ``{"doc": ext_id,
"cursor": offset, "top": offset}``).  Offsets are text offsets, so a different window width or
zoom still lands on the same text."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from PySide6.QtCore import QTimer

MAX_RECENT = 8


def recent(win) -> list[str]:
    value = win.settings.value("recent_projects", [])
    if isinstance(value, str):
        value = [value]
    return [v for v in (value or []) if isinstance(v, str)]


def remember_recent(win, path: str) -> None:
    paths = [path] + [p for p in recent(win) if p != path]
    win.settings.setValue("recent_projects", paths[:MAX_RECENT])
    update_recent_menu(win)


def update_recent_menu(win) -> None:
    win.recent_menu.clear()
    paths = recent(win)
    for path in paths:
        act = win.recent_menu.addAction(Path(path).name)
        act.setToolTip(path)
        act.triggered.connect(lambda _=False, p=path: win.open_project(p))
    win.recent_menu.setEnabled(bool(paths))


# Where the editor was -----------------------------------------------------------------------------


def settings_key(path: str | Path) -> str:
    real = str(Path(path).resolve())
    return "resume/" + hashlib.sha1(real.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def remember_position(win) -> None:
    """Keep the shown article and position of the open project (nothing when no article is shown)."""
    if win.session is None or win.doc_id is None or win.store is None:
        return
    ext_id = win.store.document_ext_id(win.doc_id)
    if ext_id is None:
        return
    value = {"doc": ext_id, "cursor": win.view.cursor_offset(), "top": win.view.top_offset()}
    win.settings.setValue(settings_key(win.session.path), json.dumps(value))


def _remembered(win) -> dict | None:
    raw = win.settings.value(settings_key(win.session.path))
    try:
        value = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    return value if isinstance(value, dict) and isinstance(value.get("doc"), str) else None


def restore_position(win) -> bool:
    """Show the article last used in this project, with its cursor and scroll; False when there is
    none to return to (then the window shows the first article)."""
    value = _remembered(win) if win.session is not None else None
    doc = win.store.document_by_ext_id(value["doc"]) if value else None
    if doc is None or win.doc_model.row_of(doc.id) < 0:
        return False
    win.show_document(doc.id)
    if win.doc_id != doc.id:
        return False
    cursor, top = value.get("cursor"), value.get("top")
    if isinstance(cursor, int) and 0 <= cursor <= len(win.text):
        win.view.set_selection(cursor, cursor)
    if isinstance(top, int) and 0 <= top <= len(win.text):
        win.view.scroll_to_offset(top)
        # the text is laid out as it is shown: scroll again once the event loop has shown it
        QTimer.singleShot(0, lambda: win.doc_id == doc.id and win.view.scroll_to_offset(top))
    return True
