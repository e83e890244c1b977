"""The project part of Claimdesk's JSONL (desktop.core.project_copy): written on the first record,
read back as an ImportedProject, applied by the ImportProject edit (with an exact inverse)."""

from __future__ import annotations

import json

from desktop.core import edits as E
from desktop.core import importers
from desktop.core.exporters import export_project
from desktop.core.jobs import import_into
from desktop.core.model import ImportedDocument, ImportedProject, ImportProblem
from desktop.core.store import Store

TEXT = "Antony Blinken met Sergey Lavrov in Geneva. Lavrov said nothing."


def _source(store: Store) -> None:
    t = TEXT
    E.apply(store, E.AddDocument(ext_id="d1", text=t, entities=(
        {"start": 0, "end": 14, "label": "PERSON", "entity": "Antony Blinken", "origin": "editor"},
        {"start": 19, "end": 32, "label": "PERSON", "entity": "Sergey Lavrov", "origin": "editor"},
        {"start": 44, "end": 50, "label": "PERSON", "entity": "Lavrov", "origin": "editor"},
        {"start": 36, "end": 42, "label": "GPE", "origin": "model", "status": "rejected", "model": "m 1"},
    )))
    E.apply(store, E.MergeEntities(store.entity_by_name("Sergey Lavrov").id, (store.entity_by_name("Lavrov").id,)))
    E.apply(store, E.SetSetting("publisher.name", "Fact Desk"))


def _rows(store: Store) -> dict:
    q = store.conn.execute
    return {t: [tuple(r) for r in q(f"SELECT * FROM {t} ORDER BY id")] for t in ("labels", "entities", "settings")}


def test_first_record_carries_the_project_and_rejected_suggestions_travel_apart(store, tmp_path):
    _source(store)
    export_project(store, "jsonl", tmp_path / "p.jsonl", status="all")
    (record,) = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [e["status"] for e in record["entities"]] == ["accepted"] * 3  # no tombstone among the kept
    assert record["rejected"]["entities"][0]["status"] == "rejected" and "quotes" not in record["rejected"]
    project = record["claimdesk"]
    assert project["entities"] == [
        {"name": "Antony Blinken", "type": "PERSON", "aliases": [], "decided": False},
        {"name": "Sergey Lavrov", "type": "PERSON", "aliases": ["Lavrov"], "decided": True}]
    assert [lab["name"] for lab in project["labels"]] == [r["name"] for r in store.label_rows()]

    items = list(importers.read_file(tmp_path / "p.jsonl"))
    assert isinstance(items[0], ImportedProject) and isinstance(items[1], ImportedDocument)
    assert items[0].settings == {"publisher.name": "Fact Desk"}
    assert [e["status"] for e in items[1].entities] == ["accepted"] * 3 + ["rejected"]
    # pre-annotation reads texts only: neither the project nor the tombstones
    text_only = list(importers.read_paths([tmp_path / "p.jsonl"], text_only=True))
    assert len(text_only) == 1 and isinstance(text_only[0], ImportedDocument) and text_only[0].entities == []


def test_a_bad_project_field_or_tombstone_is_one_line_naming_the_field(tmp_path):
    path = tmp_path / "bad.jsonl"
    lines = [
        {"id": "a", "text": "Some text here.", "claimdesk": {"version": 1, "labels": [{"layer": "x", "name": "P"}]}},
        {"id": "b", "text": "Other text here.", "rejected": {"entities": [
            {"start": 0, "end": 5, "label": "ORG", "status": "accepted"}]}},
        {"id": "c", "text": "Third text here.", "claimdesk": {"version": 99}},
    ]
    path.write_text("\n".join(json.dumps(r) for r in lines) + "\n", encoding="utf-8")
    items = list(importers.read_file(path))
    errors = [str(i) for i in items if isinstance(i, ImportProblem)]
    assert any(":1: claimdesk.labels[0]: layer must be entity or claim" in e for e in errors)
    assert any(":2: rejected.entities[0].status must be rejected" in e for e in errors)
    assert any(":3: claimdesk.version 99 is not one this Claimdesk reads" in e for e in errors)
    assert [i.ext_id for i in items if isinstance(i, ImportedDocument)] == ["a", "c"]


def test_import_project_is_an_edit_with_an_exact_inverse(tmp_path):
    with Store.create(tmp_path / "target.claimdesk") as target:
        before = _rows(target)
        edit = E.ImportProject(
            labels=({"layer": "entity", "label_set": "", "name": "PERSON", "color": "#ff0000", "hotkey": "1"},
                    {"layer": "claim", "label_set": "verdict", "name": "false", "color": "#00ff00", "hotkey": None}),
            entities=({"name": "Sergey Lavrov", "type": "PERSON", "aliases": ["Lavrov"], "decided": True},),
            settings={"publisher.name": "Fact Desk"})
        inverse = E.apply(target, edit)
        assert [(r["name"], r["color"]) for r in target.label_rows()] == [("PERSON", "#ff0000"), ("false", "#00ff00")]
        lavrov = target.entity_by_name("Sergey Lavrov")
        assert lavrov.decided and lavrov.aliases == ("Lavrov",) and target.settings() == {"publisher.name": "Fact Desk"}
        E.apply(target, inverse)
        assert _rows(target) == before


def test_a_project_with_documents_keeps_its_schema_and_settings(store, tmp_path):
    _source(store)
    export_project(store, "jsonl", tmp_path / "p.jsonl", status="all")
    with Store.create(tmp_path / "busy.claimdesk") as busy:
        E.apply(busy, E.AddDocument(ext_id="own", text="A document of its own."))
        E.apply(busy, E.SetSetting("publisher.name", "Our Desk"))
        E.apply(busy, E.AddLabel("entity", "EXTRA"))
        labels = [r["name"] for r in busy.label_rows()]
        report = import_into(busy, [tmp_path / "p.jsonl"])
        assert report.problems == [] and report.added == ["d1"]
        assert [r["name"] for r in busy.label_rows()] == labels  # nothing replaced or reordered
        assert busy.settings() == {"publisher.name": "Our Desk"}
        assert busy.entity_by_name("Sergey Lavrov").decided
