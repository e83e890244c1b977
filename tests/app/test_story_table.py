"""Issue 15, item 4 (Qt-free part): the story view's table — outlets as columns, clusters as rows,
cells with their flags — and labelling a claim cluster once."""

from __future__ import annotations

import pytest

from desktop.app import story_table as st
from desktop.app.session import Session
from desktop.core import edits as E
from desktop.core.store import ChangeEvent

TROOPS = {"a": "Russia has amassed thousands of troops near the Ukrainian border, officials said.",
          "b": "Russia has amassed more than 100,000 troops near the Ukrainian border, officials said.",
          "c": "Russia has amassed more than 100,000 troops near the Ukrainian border, officials said."}
QUOTE = "“We do not expect to resolve our differences here today,” the minister said."
OTHER = "Wheat prices rose sharply in March across the whole region."


def doc(ext_id: str, source: str | None, text: str, title: str | None = None, quote: bool = False,
        story: str = "talks") -> E.AddDocument:
    quotes = ({"content": [{"start": text.index("“") + 1, "end": text.index("”") - 1}], "type": "direct"},) if quote else ()
    return E.AddDocument(ext_id=ext_id, text=text, title=title, source=source, story=story,
                         claims=({"start": 0, "end": len(text.split(" “")[0])},), quotes=quotes)


@pytest.fixture
def session(tmp_path):
    s = Session.create(tmp_path / "talks.claimdesk")
    for ext_id, source, title in (("a", "Outlet A", None), ("b", None, "A title long enough to be cut in the header"),
                                  ("c", "Outlet A", None)):
        text = TROOPS[ext_id] + (" " + QUOTE if ext_id != "c" else "")
        E.apply(s.store, doc(ext_id, source, text, title, quote=ext_id != "c"))
    E.apply(s.store, doc("x", "Elsewhere", OTHER, story="other"))
    E.apply(s.store, doc("lone", "Nowhere", OTHER + " Again.", story=None))  # no story: not shown
    yield s
    s.close()


def table(session, story="talks") -> st.StoryTable:
    (t,) = st.story_tables(session.store, story)
    return t


def test_columns_are_the_story_articles_headed_by_outlet_title_or_id(session):
    t = table(session)
    assert [c.doc for c in t.columns] == ["a", "b", "c"]
    heads = [c.outlet for c in t.columns]
    assert heads[0] == "Outlet A (a)" and heads[2] == "Outlet A (c)"  # one outlet twice: told apart
    assert heads[1].startswith("A title long") and heads[1].endswith("…") and len(heads[1]) == st.HEADER_CHARS
    assert [s.story for s in st.story_tables(session.store)] == ["other", "talks"]


def test_rows_statements_first_with_a_cell_per_outlet_and_badges(session):
    t = table(session)
    kinds = [r.cluster.kind for r in t.rows]
    assert kinds == sorted(kinds, key=lambda k: k != "quote")
    statement = next(r for r in t.rows if r.cluster.kind == "quote")
    assert statement.label.startswith("Statement ") and statement.outlets == 2
    assert statement.cells[2] is None and "resolve our differences" in statement.cells[0].version.text
    troops = next(r for r in t.rows if r.cluster.kind == "claim" and r.outlets == 3)
    a, b, c = troops.cells
    assert a.badges == ("number",) and b.badges == ("number",) and c.badges == ("number",)
    assert "number: " in a.tooltip() and a.tooltip().count("\n") == 1  # a disagrees with b and with c
    assert b.key == ("claim", b.version.item_id) and troops.flagged and not statement.flagged


def test_filters_and_side_by_side(session):
    t = table(session)
    assert all(r.flagged for r in t.visible(only_flagged=True)) and t.visible(only_flagged=True)
    across = t.visible(across=True)
    assert across and all(r.outlets > 1 for r in across) and len(across) <= len(t.rows)
    links = st.side_by_side(across, 0, 2)
    troops = next(link for link in links if link.both)
    assert across[troops.row].cluster.kind == "claim"
    assert any(not link.both and link.right is None for link in links)  # the statement c does not carry
    assert "3 articles" in t.summary()


def test_labelling_a_claim_cluster_labels_every_claim_as_one_undo_step(session):
    store = session.store
    label_set, values = next(iter(store.claim_label_sets().items()))
    troops = next(r for r in table(session).rows if r.cluster.kind == "claim" and r.outlets == 3)
    ids = [c.version.item_id for c in troops.cells if c is not None]
    gesture = st.label_cluster(store, troops, label_set, values[0])
    assert len(gesture.edits) == 3 and gesture.apply(session) is not None
    assert all(store.claim(i).labels.get(label_set) == values[0] for i in ids)
    assert "already" in st.label_cluster(store, troops, label_set, values[0]).message
    session.undo()
    assert all(label_set not in store.claim(i).labels for i in ids)
    statement = next(r for r in table(session).rows if r.cluster.kind == "quote")
    assert not st.label_cluster(store, statement, label_set, values[0])


def test_which_changes_the_view_rereads_after():
    assert st.affects(ChangeEvent(frozenset({"quotes"}), frozenset({1})))
    assert not st.affects(ChangeEvent(frozenset({"settings"}), frozenset()))

