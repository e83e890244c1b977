"""The window's undo stack mirrors the application session's, step for step."""

from __future__ import annotations

import pytest

from desktop.core import edits as E
from tests.ui.test_main_window import offsets

pytestmark = pytest.mark.gui


def test_do_returns_what_it_applied_with_the_ids_it_created(window):
    s, e = offsets(window, "Lavrov", 0)
    applied = window.do(E.AddMention(window.doc_id, s, e, "PERSON"))
    assert window.store.mention(applied.first("mentions")).start == s
    assert E.created_ids(applied, "mentions") == list(applied.ids("mentions"))
    assert window.do(E.AddMention(window.doc_id, e, s, "PERSON")) is None  # refused: nothing pushed
    assert window.session.undo_stack.count() == len(window.session.core.steps) == 1


def test_jumping_in_the_history_undoes_and_redoes_through_the_session(window):
    stack, core = window.session.undo_stack, window.session.core
    made = []
    for nth in range(3):
        s, e = offsets(window, "Lavrov", nth)
        made.append(window.do(E.AddMention(window.doc_id, s, e, "PERSON")).first("mentions"))
    window.history_view.setCurrentIndex(window.history_view.model().index(0, 0))  # "project opened"
    assert stack.index() == core.index == 0
    assert not any(m.id in made for m in window.store.mentions(window.doc_id))
    stack.setIndex(2)
    assert core.index == 2 and {m.id for m in window.store.mentions(window.doc_id)} >= set(made[:2])
    assert made[2] not in {m.id for m in window.store.mentions(window.doc_id)}
    assert window.actions_by_id["edit.undo"].text() == f"&Undo {core.undo_label}"


def test_a_refused_undo_says_so_and_the_stacks_stay_together(qtbot, window):
    s, e = offsets(window, "Lavrov", 0)
    mention = window.do(E.AddMention(window.doc_id, s, e, "PERSON")).first("mentions")
    window.store.conn.execute("UPDATE mentions SET label = 'ORG' WHERE id = ?", (mention,))  # behind its back
    with qtbot.waitSignal(window.session.sig_edit_failed) as failed:
        window.undo()
    assert failed.args[0].startswith("could not undo")
    assert window.session.undo_stack.index() == window.session.core.index == 0
