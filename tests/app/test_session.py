"""The application's session: what ``do`` returns, one undo step per gesture, exact undo/redo."""

from __future__ import annotations

import pytest

from desktop.app.session import Session
from desktop.core import edits as E
from desktop.core.store import Store
from tests.app.conftest import dump, span


def test_do_returns_the_inverse_and_the_created_ids(session, hill):
    s, e = span(hill.text, "Lavrov", 1)
    applied = session.do(E.AddMention(hill.id, s, e, "PERSON"))
    mention = session.store.mention(applied.first("mentions"))
    assert (mention.start, mention.end, mention.label) == (s, e, "PERSON")
    assert applied.ids("mentions") == (mention.id,) and E.created_ids(applied, "mentions") == [mention.id]
    assert applied.inverse.changes and not applied.merged
    assert session.can_undo and session.undo_label == applied.label


def test_created_ids_ignore_rows_another_connection_wrote(session, hill):
    """The newest row is not the one a gesture created: a worker's connection may write later."""
    s, e = span(hill.text, "Lavrov", 1)
    applied = session.do(E.AddMention(hill.id, s, e, "PERSON"))
    other = Store.open(session.path)  # the same process shares the writer lock, as the GUI's workers do
    try:
        g0, g1 = span(hill.text, "Blinken", 2)
        newer = E.created_ids(E.apply(other, E.AddMention(hill.id, g0, g1, "GPE")), "mentions")[0]
    finally:
        other.close()
    assert newer > applied.first("mentions")
    assert session.store.mention(applied.first("mentions")).start == s


def test_do_then_is_one_step_and_undo_redo_keep_ids(session, hill):
    before = dump(session.store)
    s, e = span(hill.text, "Lavrov", 1)
    added = session.do(E.AddMention(hill.id, s, e, "PERSON"))
    mention_id = added.first("mentions")
    linked = session.store.mention(mention_id).entity_id
    depth = len(session.steps)
    done = session.do_then(E.AddEntity("Lavrov (2)", "PERSON"),
                           lambda head: [E.LinkMention(mention_id, head.first("entities"))], "split off Lavrov")
    entity_id = done.first("entities")
    assert len(session.steps) == depth + 1 and session.store.mention(mention_id).entity_id == entity_id
    session.undo()
    assert session.store.mention(mention_id).entity_id == linked
    assert entity_id not in session.store.entity_names([entity_id])
    session.redo()
    assert session.store.mention(mention_id).entity_id == entity_id  # the same id, not a new row
    while session.can_undo:
        session.undo()
    assert dump(session.store) == before
    while session.can_redo:
        session.redo()
    assert session.store.mention(mention_id).entity_id == entity_id


def test_consecutive_resizes_of_one_mention_merge(session, hill):
    m = next(m for m in session.store.mentions(hill.id) if m.label == "ORG")  # "Sergey Lavrov"
    session.do(E.ResizeMention(m.id, m.start + 7, m.end))
    second = session.do(E.ResizeMention(m.id, m.start + 7, m.end - 2))
    assert second.merged and len(session.steps) == 1
    other = next(x for x in session.store.mentions(hill.id) if x.label == "GPE")
    assert not session.do(E.ResizeMention(other.id, other.start, other.end - 1)).merged  # another mention
    assert len(session.steps) == 2
    session.undo()
    session.undo()
    again = session.store.mention(m.id)
    assert (again.start, again.end) == (m.start, m.end)


def test_resize_after_undo_does_not_merge_into_an_undone_step(session, hill):
    m = next(m for m in session.store.mentions(hill.id) if m.label == "ORG")
    session.do(E.ResizeMention(m.id, m.start + 7, m.end))
    session.undo()
    assert not session.do(E.ResizeMention(m.id, m.start, m.end - 1)).merged
    assert len(session.steps) == 1 and not session.can_redo


def test_a_refused_edit_changes_nothing_and_pushes_nothing(session, hill):
    before = dump(session.store)
    with pytest.raises(E.EditError):
        session.do(E.AddMention(hill.id, 10, 5, "PERSON"))
    with pytest.raises(E.EditError):
        session.do_many([E.AddMention(hill.id, 0, 3, "PERSON"), E.AddMention(hill.id, 10, 5, "PERSON")], "two")
    assert dump(session.store) == before and session.steps == [] and not session.can_undo
    assert session.do_many([], "nothing") is None


def test_step_listeners_hear_do_undo_redo(session, hill):
    heard = []
    unsubscribe = session.subscribe(lambda kind, step: heard.append((kind, step.label)))
    s, e = span(hill.text, "Lavrov", 1)
    session.do(E.AddMention(hill.id, s, e, "PERSON"))
    session.undo()
    session.redo()
    unsubscribe()
    session.undo()
    assert [k for k, _ in heard] == ["do", "undo", "redo"]


def test_create_open_close(tmp_path):
    path = tmp_path / "new.claimdesk"
    created = Session.create(path)
    assert created.path == path.resolve() or created.path == path
    created.close()
    opened = Session.open(path)
    assert opened.store.document_count() == 0
    opened.close()
