"""File ▸ Open Recent: the last projects opened, kept in the window's settings."""

from __future__ import annotations

from pathlib import Path

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
