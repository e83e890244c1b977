"""Fixtures for the application layer: the seeds as a project, opened as a session (no Qt)."""

from __future__ import annotations

import pytest

from desktop.app.session import Session
from desktop.core.store import Store
from tests.conftest import HILL, seeded_project


@pytest.fixture
def session(tmp_path):
    """The seeds, with three model suggestions in the first article (Lavrov wrongly an ORG)."""
    path = seeded_project(tmp_path / "story.claimdesk")
    s = Session.open(path)
    yield s
    s.close()


@pytest.fixture
def hill(session):
    return session.store.document_by_ext_id(HILL)


def span(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def dump(store: Store) -> dict:
    """Every annotation row, to compare a project before and after undo."""
    return {t: [tuple(r) for r in store.conn.execute(f"SELECT * FROM {t} ORDER BY id")]
            for t in ("mentions", "entities", "quotes", "claims")}
