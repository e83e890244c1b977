"""Pre-annotating from the window again links only what changed (issue 13, item 15)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from desktop.core import edits as E

pytestmark = pytest.mark.slow

NEW = "\u201cThe talks were useful,\u201d Sergey Lavrov told reporters in Geneva on Saturday."


def _preannotate(qtbot, window):
    """Ctrl+R, the window's Annotate \u25b8 Pre-annotate, until the background job finishes."""
    window.activateWindow()
    with qtbot.waitSignal(window.jobs.sig_finished, timeout=300_000) as blocker:
        qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    return blocker.args[1]


def test_preannotating_again_links_only_the_new_article(qtbot, window):
    store = window.store
    first = _preannotate(qtbot, window)
    assert first.annotated == 5, first.summary()
    lavrov = next(e for e in store.entities() if e.name == "Sergey Lavrov")
    mark = max(h["id"] for h in store.history())
    doc_id = E.created_ids(E.apply(store, E.AddDocument("new", NEW)), "documents")[0]
    second = _preannotate(qtbot, window)
    assert second.annotated == 1 and second.skipped == 5, second.summary()
    sent = [m for h in store.history() if h["kind"] == "link_entities" and h["id"] > mark
            for c in json.loads(h["edit"])["clusters"] for m in c["mention_ids"]]
    assert sent and {store.conn.execute("SELECT doc_id FROM mentions WHERE id = ?", (m,)).fetchone()[0]
                     for m in sent} == {doc_id}
    new_lavrov = [m for m in store.mentions(doc_id) if NEW[m.start:m.end] == "Sergey Lavrov"]
    assert [m.entity_id for m in new_lavrov] == [lavrov.id]  # joined the project's entity
    # and a third run, with nothing new, links nothing
    mark = max(h["id"] for h in store.history())
    third = _preannotate(qtbot, window)
    assert third.annotated == 0 and third.linked == 0
    assert not [h for h in store.history() if h["id"] > mark and h["kind"] == "link_entities"]
