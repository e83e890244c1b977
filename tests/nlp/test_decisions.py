"""An editor's merge, rename or split is a decision pre-annotation never reverses (issue 11, wrong 3).

Each test builds a small project, pre-annotates it with the installed model, makes the editor's
decision through the entity edits, adds two new articles that mention the names again, pre-annotates
again and checks the decision held.
"""

from __future__ import annotations

import pytest

from desktop.core import edits as E
from desktop.core.store import Store
from desktop.nlp.annotate import annotate_project
from tests.conftest import dump

pytestmark = pytest.mark.slow

FIRST = (
    ("a", "The U.S. Treasury Department imposed new sanctions on Monday. "
          "Janet Yellen said the sanctions would hurt Moscow."),
    ("b", "A spokesman for the US Treasury said more sanctions would follow. Smith met Yellen in Washington."),
)
LATER = (
    ("c", "In Washington, the US Treasury said Yellen would speak on Friday."),
    ("d", "A spokesman for the US Treasury declined to comment. Janet Yellen was in Washington."),
)


def _add(store: Store, docs) -> None:
    for ext_id, text in docs:
        E.apply(store, E.AddDocument(ext_id, text))


def _entity(store: Store, name: str):
    hits = [e for e in store.entities() if e.name == name]
    assert len(hits) == 1, (name, [e.name for e in store.entities()])
    return hits[0]


def _mentions(store: Store, entity_id: int) -> list[tuple[str, str]]:
    """(document ext_id, mention text) of every live mention linked to the entity."""
    rows = store.conn.execute(
        "SELECT d.ext_id, substr(d.text, m.start + 1, m.\"end\" - m.start) FROM mentions m "
        "JOIN documents d ON d.id = m.doc_id WHERE m.entity_id = ? AND m.status != 'rejected' ORDER BY d.ext_id, m.start",
        (entity_id,)).fetchall()
    return [tuple(r) for r in rows]


def _mention_id(store: Store, ext_id: str, text: str) -> int:
    doc = store.document_by_ext_id(ext_id)
    for m in store.conn.execute("SELECT id, start, \"end\" FROM mentions WHERE doc_id = ?", (doc.id,)):
        if doc.text[m[1]:m[2]] == text:
            return m[0]
    raise AssertionError(f"no mention {text!r} in {ext_id}")


@pytest.fixture
def project(store):
    _add(store, FIRST)
    annotate_project(store)
    # what the model decides on its own: two Treasury entities, one Yellen
    assert {"U.S. Treasury Department", "US Treasury", "Janet Yellen", "Washington"} <= {e.name for e in store.entities()}
    return store


def test_merged_away_name_stays_merged(project):
    target = _entity(project, "U.S. Treasury Department")
    E.apply(project, E.MergeEntities(target.id, (_entity(project, "US Treasury").id,)))
    _add(project, LATER)
    annotate_project(project)
    assert "US Treasury" not in {e.name for e in project.entities()}
    assert _mentions(project, target.id) == [("a", "U.S. Treasury Department"), ("b", "US Treasury"),
                                             ("c", "US Treasury"), ("d", "US Treasury")]
    assert project.entity(target.id).name == "U.S. Treasury Department"
    assert project.entity(target.id).decided


def test_a_merge_holds_after_the_editor_rejects_every_mention_of_its_target(project):
    target = _entity(project, "U.S. Treasury Department")
    E.apply(project, E.MergeEntities(target.id, (_entity(project, "US Treasury").id,)))
    live = [m for m in project.mentions() if m.entity_id == target.id]
    E.apply(project, E.SetStatus("mentions", tuple(m.id for m in live), "rejected"))
    assert target.id not in {e.id for e in project.entities()}  # no live mention: not listed
    _add(project, LATER)
    annotate_project(project)
    assert "US Treasury" not in {e.name for e in project.entities()}
    assert _mentions(project, target.id) == [("c", "US Treasury"), ("d", "US Treasury")]


def test_renamed_entity_keeps_its_name(project):
    washington = _entity(project, "Washington")
    E.apply(project, E.RenameEntity(washington.id, "Washington, D.C."))
    _add(project, LATER)
    annotate_project(project)
    names = [e.name for e in project.entities()]
    assert "Washington" not in names and names.count("Washington, D.C.") == 1
    assert project.entity(washington.id).name == "Washington, D.C."
    assert [d for d, _ in _mentions(project, washington.id)] == ["b", "c", "d"]


def test_split_pair_stays_split(project):
    janet = _entity(project, "Janet Yellen")
    E.apply(project, E.SplitEntity(janet.id, (_mention_id(project, "b", "Yellen"),), "Jack Yellen"))
    jack = _entity(project, "Jack Yellen")
    _add(project, LATER)
    annotate_project(project)
    assert project.entity(janet.id).name == "Janet Yellen" and project.entity(jack.id).name == "Jack Yellen"
    # the mention the editor split off stays with the new entity; the model does not join them again
    assert ("b", "Yellen") in _mentions(project, jack.id)
    assert ("b", "Yellen") not in _mentions(project, janet.id)
    assert ("a", "Janet Yellen") in _mentions(project, janet.id) and ("d", "Janet Yellen") in _mentions(project, janet.id)
    assert not set(_mentions(project, jack.id)) & set(_mentions(project, janet.id))


def test_undoing_a_merge_restores_exactly_and_forgets_the_decision(project):
    before = dump(project)
    target = _entity(project, "U.S. Treasury Department")
    inverse = E.apply(project, E.MergeEntities(target.id, (_entity(project, "US Treasury").id,)))
    assert project.entity(target.id).decided
    E.apply(project, inverse)
    assert dump(project) == before
    assert not project.entity(target.id).decided
    # with the decision undone the model is free again: "US Treasury" keeps its own entity
    _add(project, LATER)
    annotate_project(project)
    assert ("c", "US Treasury") in _mentions(project, _entity(project, "US Treasury").id)


def test_cli_annotate_respects_a_merge(tmp_path):
    from desktop.cli import main

    path = tmp_path / "p.claimdesk"
    with Store.create(path) as store:
        _add(store, FIRST)
    assert main(["annotate", str(path)]) == 0
    with Store.open(path) as store:
        target = _entity(store, "U.S. Treasury Department")
        E.apply(store, E.MergeEntities(target.id, (_entity(store, "US Treasury").id,)))
        _add(store, LATER)
    assert main(["annotate", str(path)]) == 0
    with Store.open(path) as store:
        assert "US Treasury" not in {e.name for e in store.entities()}
        assert [d for d, t in _mentions(store, target.id) if t == "US Treasury"] == ["b", "c", "d"]
