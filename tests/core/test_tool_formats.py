"""Prodigy, Label Studio and doccano, both ways: the shapes each tool reads, and the way back in.

Every round trip goes Claimdesk -> the tool's file -> a new project, and compares every span,
label, relation and status of the two projects.  The Label Studio one goes through the shape
Label Studio's own Export > JSON writes (task and annotation ids, a cancelled annotation, region
ids Label Studio made up), not just the task list we wrote.
"""

from __future__ import annotations

import json
import random
import string
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.cli import main
from desktop.core import edits
from desktop.core.exporters import export_project
from desktop.core.jobs import import_into
from desktop.core.store import Store
from tests.core.test_exporters import at, build_rich_project, read_lines

# An edge-case project ------------------------------------------------------------------------------

REVIEWED = (
    "Zoë\u00a0Ångström said:  “Prices rose 5% 🙂 this year.\r\n"
    "\r\n"
    "And they will rise again,” she added.\r\n"
    "=HYPERLINK(\"http://evil\") was the claim of the day."
)
UNREVIEWED = "Lavrov said the talks were useful.\tBlinken\u00a0agreed."


def build_edge_project(store: Store) -> None:
    """One reviewed article (no-break space, double space, a quote over two paragraphs, CRLF,
    emoji, a claim and a note starting with ``=``) and one unreviewed one with a suggestion."""
    t = REVIEWED
    edits.apply(store, edits.AddDocument(
        ext_id="reviewed", text=t, title="Prices", source="example.org", url="https://example.org/p",
        published="2022-01-21",
        entities=({**at(t, "Zoë\u00a0Ångström"), "label": "PERSON", "entity": "Zoë Ångström", "origin": "editor"},),
        quotes=({"content": [at(t, "“Prices rose 5% 🙂 this year.\r\n\r\nAnd they will rise again,”")],
                 "speaker": at(t, "Zoë\u00a0Ångström"), "cue": at(t, "said"), "type": "direct",
                 "speaker_entity": "Zoë Ångström", "origin": "editor"},),
        claims=({**at(t, "=HYPERLINK(\"http://evil\") was the claim"), "claimant": "Zoë Ångström",
                 "labels": {"checkworthiness": "check-worthy", "verdict": "false"}, "note": "=1+1 checked",
                 "origin": "editor"},),
    ))
    edits.apply(store, edits.SetDocumentStatus(store.document_by_ext_id("reviewed").id, "done"))
    u = UNREVIEWED
    edits.apply(store, edits.AddDocument(
        ext_id="unreviewed", text=u,
        entities=({**at(u, "Lavrov"), "label": "PERSON", "origin": "editor"},
                  {**at(u, "Blinken"), "label": "PERSON", "origin": "model", "status": "suggested",
                   "model": "en_core_web_sm 3.8.0"}),
        quotes=({"content": [at(u, "the talks were useful")], "speaker": at(u, "Lavrov"), "cue": at(u, "said"),
                 "type": "indirect", "origin": "editor"},),
    ))


@pytest.fixture(params=["rich", "edge"])
def project(request, store):
    (build_rich_project if request.param == "rich" else build_edge_project)(store)
    return store


@pytest.fixture
def rich(store):
    build_rich_project(store)
    return store


def layers(store: Store, *, relations: bool = True, quotes: bool = True, claims: bool = True) -> dict:
    """Every document's text and non-rejected annotations, by external id, in comparable form."""
    names = {e.id: e.name for e in store.entities()}
    out = {}
    for doc in store.documents():
        live = [m for m in store.mentions(doc.id) if m.prov.status != "rejected"]
        record: dict = {"text": doc.text,
                        "mentions": sorted((m.start, m.end, m.label, names.get(m.entity_id), m.prov.status)
                                           for m in live)}
        if quotes:
            record["quotes"] = sorted(
                (tuple((s.start, s.end) for s in q.content),
                 (q.speaker.start, q.speaker.end) if q.speaker and relations else None,
                 (q.cue.start, q.cue.end) if q.cue and relations else None,
                 (q.speaker_resolved.start, q.speaker_resolved.end) if q.speaker_resolved and relations else None,
                 q.type if relations else None,
                 names.get(q.speaker_entity_id) if relations else None, q.prov.status)
                for q in store.quotes(doc.id) if q.prov.status != "rejected")
        if claims:
            record["claims"] = sorted((c.start, c.end, tuple(sorted(c.labels.items())), c.claimant or names.get(
                c.claimant_entity_id), c.note, c.prov.status) for c in store.claims(doc.id) if c.prov.status != "rejected")
        out[doc.ext_id] = record
    return out


def reimport(tmp_path: Path, path: Path) -> Store:
    again = Store.create(tmp_path / f"again-{path.stem}.claimdesk")
    report = import_into(again, [path])
    assert not report.problems, [str(p) for p in report.problems]
    assert not report.warnings, [str(p) for p in report.warnings]
    return again


# Label Studio ------------------------------------------------------------------------------------


def as_label_studio_export(tasks: list[dict]) -> list[dict]:
    """What Label Studio's Export > JSON writes after importing ``tasks``: ids everywhere, region
    ids of its own, results marked with their origin, an annotator's cancelled attempt first."""
    rng = random.Random(12)
    out = []
    for n, task in enumerate(tasks, start=1):
        exported = {"id": 100 + n, "data": task["data"], "meta": {}, "created_at": "2026-12-01T10:00:00.000000Z",
                    "updated_at": "2026-12-01T10:00:00.000000Z", "inner_id": n, "total_annotations": 0,
                    "cancelled_annotations": 1, "total_predictions": 0, "project": 3, "annotations": [],
                    "predictions": [], "drafts": [], "file_upload": "claims.json", "comment_count": 0}
        exported["annotations"].append({"id": 900 + n, "completed_by": 2, "result": [], "was_cancelled": True,
                                        "ground_truth": False, "lead_time": 1.5, "task": exported["id"]})
        for kind in ("annotations", "predictions"):
            for block in task.get(kind, []):
                ids = {}
                result = []
                for r in block["result"]:
                    r = json.loads(json.dumps(r))
                    for key in ("id", "from_id", "to_id"):
                        if key in r:
                            r[key] = ids.setdefault(r[key], "".join(rng.choices(string.ascii_letters, k=10)))
                    if r["type"] != "relation":
                        r["origin"] = "manual" if kind == "annotations" else "prediction"
                    result.append(r)
                if kind == "annotations":
                    exported[kind].append({"id": 1000 + n, "completed_by": 1, "result": result, "was_cancelled": False,
                                           "ground_truth": False, "created_at": "2026-12-01T10:05:00.000000Z",
                                           "lead_time": 30.2, "prediction": {}, "result_count": 0,
                                           "task": exported["id"], "project": 3, "last_action": None})
                else:
                    exported[kind].append({"id": 500 + n, "model_version": block["model_version"], "score": None,
                                           "result": result, "task": exported["id"], "project": 3})
        exported["total_annotations"] = len(exported["annotations"]) - 1
        out.append(exported)
    return out


def test_label_studio_export_json_round_trip_keeps_every_span_label_and_relation(project, tmp_path):
    export_project(project, "label-studio", tmp_path / "ls.json", status="all", documents="all")
    tasks = json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))
    exported = tmp_path / "project-3-at-2026-12-01.json"
    exported.write_text(json.dumps(as_label_studio_export(tasks), ensure_ascii=False), encoding="utf-8")
    again = reimport(tmp_path, exported)
    assert layers(again) == layers(project)
    assert [d.status for d in again.documents()] == [d.status for d in project.documents()]
    doc = project.documents()[0]
    got = again.document_by_ext_id(doc.ext_id)
    assert (got.title, got.source, got.url, got.published) == (doc.title, doc.source, doc.url, doc.published)
    # and the task list we wrote imports the same (Label Studio's import shape)
    assert layers(reimport(tmp_path, tmp_path / "ls.json")) == layers(project)


def ls_regions(block: dict) -> set[tuple[str, str]]:
    """``(region id, label)`` of a task's annotation or prediction's labelled regions."""
    return {(r["id"], r["value"]["labels"][0]) for r in block["result"] if r["type"] == "labels"}


def test_an_unreviewed_layer_is_a_prediction_to_label_never_an_annotation(store, tmp_path):
    """Label Studio takes an annotation as finished ground truth: editor work of a layer nobody
    reviewed goes in a ``claimdesk-unreviewed`` prediction, so the task stays one to label."""
    build_edge_project(store)
    export_project(store, "label-studio", tmp_path / "ls.json", status="all", documents="all")
    done, fresh = json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))
    assert ls_regions(done["annotations"][0]) == {("e1", "PERSON"), ("q1", "Quote"), ("q1s", "Speaker"),
                                                  ("q1c", "Cue"), ("c1", "Claim")}
    assert "predictions" not in done
    assert "annotations" not in fresh  # no reviewed layer: nothing Label Studio would count as labelled
    predictions = {p["model_version"]: ls_regions(p) for p in fresh["predictions"]}
    assert predictions == {"claimdesk-unreviewed": {("e1", "PERSON"), ("q1", "Quote"), ("q1s", "Speaker"),
                                                    ("q1c", "Cue")},
                           "en_core_web_sm 3.8.0": {("e2", "PERSON")}}  # the suggestion as before

    # one layer marked finished: its work is the annotation, the other layers' stay predictions
    doc = store.document_by_ext_id("unreviewed")
    edits.apply(store, edits.SetLayerReviewed(doc.id, "entities"))
    summary = export_project(store, "label-studio", tmp_path / "ls2.json", status="all", documents="all")
    _, fresh = json.loads((tmp_path / "ls2.json").read_text(encoding="utf-8"))
    assert fresh["data"]["reviewed"] == ["entities"]
    assert ls_regions(fresh["annotations"][0]) == {("e1", "PERSON")}
    predictions = {p["model_version"]: ls_regions(p) for p in fresh["predictions"]}
    assert predictions["claimdesk-unreviewed"] == {("q1", "Quote"), ("q1s", "Speaker"), ("q1c", "Cue")}
    assert summary.missing == 1 and "1 document with unreviewed layers" in summary.line()


def test_unreviewed_work_and_marks_come_back_from_label_studio_as_editor_work(store, tmp_path):
    build_edge_project(store)
    doc = store.document_by_ext_id("unreviewed")
    edits.apply(store, edits.SetLayerReviewed(doc.id, "quotes"))
    export_project(store, "label-studio", tmp_path / "ls.json", status="all", documents="all")
    tasks = json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))
    exported = tmp_path / "project-3-at-2026-12-01.json"
    exported.write_text(json.dumps(as_label_studio_export(tasks), ensure_ascii=False), encoding="utf-8")
    for path in (exported, tmp_path / "ls.json"):
        again = reimport(tmp_path, path)
        assert layers(again) == layers(store)  # Lavrov accepted (editor work), Blinken still a suggestion
        assert [(d.ext_id, d.status, d.marked_reviewed) for d in again.documents()] == \
            [(d.ext_id, d.status, d.marked_reviewed) for d in store.documents()]


def test_an_annotator_who_submitted_the_unreviewed_prediction_gets_no_duplicates(store, tmp_path):
    build_edge_project(store)
    export_project(store, "label-studio", tmp_path / "ls.json", status="accepted", documents="all")
    tasks = json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))
    (prediction,) = tasks[1]["predictions"]
    tasks[1]["annotations"] = [{"result": prediction["result"]}]  # accepted as it was in Label Studio
    (tmp_path / "ls.json").write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    again = reimport(tmp_path, tmp_path / "ls.json")
    want = {k: [a for a in v if a[-1] == "accepted"] if isinstance(v, list) else v
            for k, v in layers(store)["unreviewed"].items()}
    assert layers(again)["unreviewed"] == want  # one Lavrov, one quote


def test_a_label_set_name_that_is_no_control_name_comes_back(store, tmp_path):
    text = "Lavrov said the talks were useful."
    edits.apply(store, edits.AddDocument(ext_id="d", text=text, claims=(
        {**at(text, "the talks were useful"), "labels": {"check worthiness": "check-worthy"}, "origin": "editor"},)))
    edits.apply(store, edits.SetDocumentStatus(store.document_by_ext_id("d").id, "done"))
    export_project(store, "label-studio", tmp_path / "ls.json", status="all", documents="all")
    (task,) = json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))
    assert {r["from_name"] for r in task["annotations"][0]["result"]} >= {"check_worthiness"}
    again = reimport(tmp_path, tmp_path / "ls.json")
    assert [c.labels for c in again.claims()] == [{"check worthiness": "check-worthy"}]


def test_label_studio_results_fit_the_labeling_config(project, tmp_path):
    export_project(project, "label-studio", tmp_path / "ls.json", status="all", documents="all")
    config = ET.fromstring((tmp_path / "ls.xml").read_text(encoding="utf-8"))
    controls = {el.get("name"): el for el in config.iter() if el.get("name")}
    relation_labels = {el.get("value") for el in config.iter("Relation")}
    for task in json.loads((tmp_path / "ls.json").read_text(encoding="utf-8")):
        for block in [*task.get("annotations", []), *task.get("predictions", [])]:
            for r in block["result"]:
                if r["type"] == "relation":
                    assert set(r["labels"]) <= relation_labels
                    continue
                control = controls[r["from_name"]]
                assert control.tag.lower() == r["type"] and control.get("toName") == r["to_name"] == "text"
                if r["type"] in ("labels", "choices"):
                    allowed = {el.get("value") for el in control}
                    assert set(r["value"][r["type"]]) <= allowed


def test_a_bad_label_studio_task_is_one_line_and_the_rest_imports(rich, tmp_path, capsys):
    export_project(rich, "label-studio", tmp_path / "ls.json", status="all", documents="all")
    tasks = json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))
    region = tasks[0]["annotations"][0]["result"][0]
    region["value"]["end"] += 1  # value.text no longer the text at the offsets (UTF-16 offsets look like this)
    tasks[2]["data"] = "not an object"
    (tmp_path / "ls.json").write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    Store.create(tmp_path / "p.claimdesk").close()
    assert main(["import", str(tmp_path / "p.claimdesk"), str(tmp_path / "ls.json")]) == 0
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(errors) == 2, errors
    assert "ls.json: Label Studio task 1: annotations[0].result[0].value.text" in errors[0]
    assert "ls.json: Label Studio task 3: data must be an object" in errors[1]
    with Store.open(tmp_path / "p.claimdesk", readonly=True) as again:
        assert [d.ext_id for d in again.documents()] == ["plain"]


# Prodigy ------------------------------------------------------------------------------------------


def test_prodigy_round_trip_keeps_every_span_label_and_relation(project, tmp_path):
    export_project(project, "prodigy", tmp_path / "p.jsonl", status="all", documents="all")
    again = reimport(tmp_path, tmp_path / "p.jsonl")
    assert layers(again) == layers(project)


def test_prodigy_quotes_are_rel_manual_relations_and_claims_textcat_choices(store, tmp_path):
    build_edge_project(store)
    summary = export_project(store, "prodigy", tmp_path / "p.jsonl", status="all", documents="all")
    assert summary.missing == 1 and "1 document with unreviewed layers" in summary.line()
    tasks = read_lines(tmp_path / "p.jsonl")
    by_layer = {(t["meta"]["id"], t["meta"].get("layer"), t["meta"].get("label_set")): t for t in tasks}
    assert list(by_layer) == [("reviewed", None, None), ("reviewed", "quotes", None),
                              ("reviewed", "claims", "checkworthiness"), ("reviewed", "claims", "verdict"),
                              ("unreviewed", None, None), ("unreviewed", "quotes", None)]
    rel = by_layer[("reviewed", "quotes", None)]
    tokens = rel["tokens"]
    assert {s["label"] for s in rel["spans"]} == {"QUOTE", "SPEAKER", "CUE"}
    assert {r["label"] for r in rel["relations"]} == {"SPEAKER", "CUE"}
    for r in rel["relations"]:
        for end, span in (("head", "head_span"), ("child", "child_span")):
            s = r[span]
            assert r[end] == s["token_end"] and s in rel["spans"]
            assert tokens[s["token_start"]]["start"] == s["start"] and tokens[s["token_end"]]["end"] == s["end"]
        assert REVIEWED[r["head_span"]["start"]:r["head_span"]["end"]].startswith("“Prices")
    speaker = [r for r in rel["relations"] if r["label"] == "SPEAKER"][0]["child_span"]
    assert REVIEWED[speaker["start"]:speaker["end"]] == "Zoë\u00a0Ångström"
    verdict = by_layer[("reviewed", "claims", "verdict")]
    assert verdict["text"] == "=HYPERLINK(\"http://evil\") was the claim"
    assert verdict["accept"] == ["false"] and {"id": "false", "text": "false"} in verdict["options"]
    assert verdict["config"] == {"choice_style": "single"} and verdict["meta"]["note"] == "=1+1 checked"
    assert REVIEWED[verdict["meta"]["start"]:verdict["meta"]["end"]] == verdict["text"]
    # issue 12 item 1: only a reviewed layer without suggestions is accepted; unreviewed text is never a negative
    answers = {key: t.get("answer") for key, t in by_layer.items()}
    assert answers == {("reviewed", None, None): "accept", ("reviewed", "quotes", None): "accept",
                       ("reviewed", "claims", "checkworthiness"): "accept", ("reviewed", "claims", "verdict"): "accept",
                       ("unreviewed", None, None): None, ("unreviewed", "quotes", None): None}


def test_a_layer_marked_finished_is_accepted_in_prodigy_and_only_that_layer(store, tmp_path):
    build_edge_project(store)
    doc = store.document_by_ext_id("unreviewed")
    suggestion = [m for m in store.mentions(doc.id) if m.prov.status == "suggested"][0]
    edits.apply(store, edits.DeleteMention(suggestion.id))  # rejects it: the entity layer has no suggestion left
    edits.apply(store, edits.SetLayerReviewed(doc.id, "entities"))
    export_project(store, "prodigy", tmp_path / "p.jsonl", status="all", documents="all")
    answers = {t["meta"].get("layer"): t.get("answer") for t in read_lines(tmp_path / "p.jsonl")
               if t["meta"]["id"] == "unreviewed"}
    assert answers == {None: "accept", "quotes": None}


def test_prodigy_tasks_read_by_input_hash_and_binary_textcat(tmp_path):
    text = "Lavrov said the talks were useful."
    claim = at(text, "the talks were useful")
    lines = [
        {"text": text, "_input_hash": 12345, "_task_hash": 1, "answer": "accept",
         "spans": [{**at(text, "Lavrov"), "token_start": 0, "token_end": 0, "label": "PERSON"}]},
        {"text": text, "_input_hash": 12345, "answer": "reject",
         "spans": [{**at(text, "talks"), "token_start": 3, "token_end": 3, "label": "ORG"}]},
        {"text": "the talks were useful", "label": "CLAIM", "answer": "accept",
         "meta": {"id": "12345", "start": claim["start"], "end": claim["end"]}},
    ]
    (tmp_path / "db-out.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    again = reimport(tmp_path, tmp_path / "db-out.jsonl")
    doc = again.document_by_ext_id("12345")
    assert [(m.start, m.end, m.label) for m in again.mentions(doc.id)] == [(0, 6, "PERSON")]  # the rejected task adds nothing
    assert [(c.start, c.end) for c in again.claims(doc.id)] == [(claim["start"], claim["end"])]


def test_a_bad_prodigy_task_is_one_line_and_the_rest_imports(rich, tmp_path, capsys):
    export_project(rich, "prodigy", tmp_path / "p.jsonl", status="all", documents="all")
    tasks = read_lines(tmp_path / "p.jsonl")
    bad = next(i for i, t in enumerate(tasks) if t["meta"]["id"] == "suggested" and "layer" not in t["meta"])
    tasks[bad]["spans"][0]["end"] = 10_000
    (tmp_path / "p.jsonl").write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tasks), encoding="utf-8")
    Store.create(tmp_path / "p.claimdesk").close()
    assert main(["import", str(tmp_path / "p.claimdesk"), str(tmp_path / "p.jsonl")]) == 0
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and f"p.jsonl:{bad + 1}: Prodigy task of document 'suggested': spans[0]" in errors[0]
    with Store.open(tmp_path / "p.claimdesk", readonly=True) as again:
        assert [d.ext_id for d in again.documents()] == ["rich/01", "plain"]


# doccano ------------------------------------------------------------------------------------------


def doccano_span_label(obj) -> dict:
    """doccano's ``SpanLabel.parse`` (backend/data_import/pipeline/labels.py): a list is zipped with
    ``start_offset, end_offset, label``; its pydantic model wants int, int, str."""
    if isinstance(obj, (list, tuple)):
        assert len(obj) == 3
        data = dict(zip(["start_offset", "end_offset", "label"], obj, strict=True))
    else:
        data = dict(obj)
    assert type(data["start_offset"]) is int and type(data["end_offset"]) is int and type(data["label"]) is str
    return data


def test_doccano_lines_are_what_doccano_parses(project, tmp_path):
    export_project(project, "doccano", tmp_path / "d.jsonl", status="all", documents="all")
    export_project(project, "doccano-relations", tmp_path / "r.jsonl", status="all", documents="all")
    docs = {d.ext_id: d for d in project.documents()}
    for line in read_lines(tmp_path / "d.jsonl"):
        doc = docs[line["doc_id"]]
        assert line["text"] == doc.text
        spans = sorted((s["start_offset"], s["end_offset"], s["label"]) for s in map(doccano_span_label, line["label"]))
        assert spans == sorted((m.start, m.end, m.label) for m in project.mentions(doc.id) if m.prov.status != "rejected")
    for line in read_lines(tmp_path / "r.jsonl"):
        entities = {e["id"]: doccano_span_label(e) for e in line["entities"]}
        assert len(entities) == len(line["entities"]) and all(type(i) is int for i in entities)
        for rel in line["relations"]:  # doccano's RelationLabel: from_id int, to_id int, type str
            assert type(rel["from_id"]) is int and type(rel["to_id"]) is int and type(rel["type"]) is str
            assert rel["from_id"] in entities and rel["to_id"] in entities
            assert entities[rel["from_id"]]["label"] == "QUOTE" and rel["type"] in ("speaker", "cue", "continues", "speaker_resolved")
        n_quotes = sum(1 for q in project.quotes(docs[line["doc_id"]].id) if q.prov.status != "rejected")
        heads = {r["from_id"] for r in line["relations"]} | {
            i for i, e in entities.items() if e["label"] == "QUOTE" and not any(
                r["to_id"] == i for r in line["relations"])}
        assert len(heads) == n_quotes


def test_doccano_round_trips(project, tmp_path):
    export_project(project, "doccano", tmp_path / "d.jsonl", status="accepted", documents="all")
    export_project(project, "doccano-relations", tmp_path / "r.jsonl", status="accepted", documents="all")
    accepted = {ext: {**rec, "mentions": [m for m in rec["mentions"] if m[4] == "accepted"]}
                for ext, rec in layers(project, relations=True, claims=False).items()}

    def no_names(found: dict) -> dict:  # doccano has no canonical entities: each mention links to its text
        return {ext: {**rec, "mentions": [(*m[:3], m[4]) for m in rec["mentions"]]} for ext, rec in found.items()}

    seq = no_names(layers(reimport(tmp_path, tmp_path / "d.jsonl"), quotes=False, claims=False))
    assert seq == {ext: {k: v for k, v in rec.items() if k != "quotes"} for ext, rec in no_names(accepted).items()}
    rel = no_names(layers(reimport(tmp_path, tmp_path / "r.jsonl"), claims=False))
    want = {ext: {**rec, "quotes": sorted((*q[:4], "direct", None, "accepted") for q in rec["quotes"]
                                          if q[6] == "accepted")} for ext, rec in no_names(accepted).items()}
    assert rel == want


def test_a_bad_doccano_line_is_one_line_and_the_rest_imports(tmp_path, capsys):
    lines = [{"id": 1, "text": "Lavrov met Blinken.", "label": [[0, 6, "PERSON"]]},
             {"id": 2, "text": "Geneva.", "label": [[0, 60, "GPE"]]},
             {"id": 3, "text": "Talks.", "entities": [{"id": 1, "start_offset": 0, "end_offset": 5, "label": "X"}],
              "relations": [{"id": 1, "from_id": 1, "to_id": 9, "type": "speaker"}]}]
    (tmp_path / "d.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    Store.create(tmp_path / "p.claimdesk").close()
    assert main(["import", str(tmp_path / "p.claimdesk"), str(tmp_path / "d.jsonl")]) == 0
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert "d.jsonl:2: doccano record: label[0]: span 0-60 is empty or outside the text" in errors[0]
    assert "d.jsonl:3: doccano record: relations[0] must have from_id and to_id" in errors[1]
    with Store.open(tmp_path / "p.claimdesk", readonly=True) as again:
        (doc,) = again.documents()
        assert doc.ext_id == "doccano-1" and [(m.start, m.end) for m in again.mentions(doc.id)] == [(0, 6)]


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_random_texts_and_spans_come_back_from_every_tool(data):
    import tempfile

    alphabet = st.sampled_from(list("ab é5,.’“”-\r\n🙂\u200d\u00a0Z"))
    text = data.draw(st.text(alphabet=alphabet, min_size=1, max_size=30).filter(lambda t: t.strip()))
    spans = data.draw(st.lists(st.tuples(st.integers(0, len(text) - 1), st.integers(1, 8),
                                         st.sampled_from(["ORG", "PERSON"])), max_size=5))
    entities = []
    for start, length, label in spans:
        end = min(len(text), start + length)
        if text[start:end].strip() and text[start:end] == text[start:end].strip():
            entities.append({"start": start, "end": end, "label": label, "origin": "editor"})
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with Store.create(tmp / "p.claimdesk") as store:
            edits.apply(store, edits.AddDocument(ext_id="r", text=text, entities=tuple(entities)))
            want = sorted((m.start, m.end, m.label) for m in store.mentions())
            for fmt, name in (("label-studio", "ls.json"), ("prodigy", "p.jsonl"), ("doccano", "d.jsonl"),
                              ("doccano-relations", "r.jsonl")):
                export_project(store, fmt, tmp / name, status="all", documents="all")
        for name in ("ls.json", "p.jsonl", "d.jsonl", "r.jsonl"):
            with Store.create(tmp / f"{name}.claimdesk") as again:
                report = import_into(again, [tmp / name])
                assert not report.problems, (name, [str(p) for p in report.problems])
                assert [d.text for d in again.documents()] == [text]
                assert sorted((m.start, m.end, m.label) for m in again.mentions()) == want, name
