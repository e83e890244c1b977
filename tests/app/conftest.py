"""Fixtures for the application layer: the seeds as a project, opened as a session (no Qt)."""

from __future__ import annotations

import pytest

from desktop.app.session import Session
from desktop.core import edits as E
from desktop.core.jobs import import_into
from desktop.core.store import Store
from tests.conftest import SEEDS

HILL = "000_4e8e7165941dcf45"


@pytest.fixture
def session(tmp_path):
    """The seeds, with three model suggestions in the first article (Lavrov wrongly an ORG)."""
    path = tmp_path / "story.claimdesk"
    with Store.create(path) as store:
        import_into(store, [SEEDS])
        doc = store.document_by_ext_id(HILL)
        text = doc.text
        blinken, lavrov, geneva = text.index("Antony Blinken"), text.index("Sergey Lavrov"), text.index("Geneva")
        E.apply(store, E.ReplaceSuggestions(doc.id, "test-model 1", entities=(
            {"start": blinken, "end": blinken + 14, "label": "PERSON"},
            {"start": lavrov, "end": lavrov + 13, "label": "ORG"},
            {"start": geneva, "end": geneva + 6, "label": "GPE"},
        )))
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
