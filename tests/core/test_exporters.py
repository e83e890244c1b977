"""Dataset exporters: every format's shape, exact offsets, selection, splits, atomic writes."""

from __future__ import annotations

import csv
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core import edits, exporters
from desktop.core.exporters import ExportError, export_project, tokenize
from desktop.core.formats import FORMATS
from desktop.core.jobs import Job, import_into
from desktop.core.store import Store

# A project that exercises everything --------------------------------------------------------------

RICH = (
    "Café owner Zoë Ångström said: “Prices rose 5% 🙂 this year.”\r\n"
    "The U.S. Treasury disagreed. “We will not,” Lavrov said, “accept this.”\r\n"
    "\r\n"
    "Mr. Blinken met Sergey Lavrov in Genève 👩\u200d👩\u200d👧 today."
)
PLAIN = "Nothing was annotated in this short wire story.\nIt has two lines."
SUGGESTED = "Geneva hosted Antony Blinken on Friday. He said little."


def at(text: str, needle: str, nth: int = 0) -> dict[str, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return {"start": start, "end": start + len(needle)}


def build_rich_project(store: Store, *, extra_plain: int = 0) -> None:
    """Three documents (rich, plain, suggested-only) and ``extra_plain`` more plain ones."""
    t = RICH
    second_lavrov = at(t, "Lavrov", 1)
    edits.apply(store, edits.AddDocument(
        ext_id="rich/01", text=t, title="Prices — a “story”", source="example.org", url="https://example.org/a",
        published="2022-01-21", story="geneva",
        entities=(
            {**at(t, "Zoë Ångström"), "label": "PERSON", "entity": "Zoë Ångström", "origin": "editor"},
            {**at(t, "U.S. Treasury"), "label": "ORG", "entity": "U.S. Treasury", "origin": "editor"},
            {**at(t, "U.S."), "label": "GPE", "origin": "editor"},  # nested in the ORG: overlap
            {**at(t, "Lavrov"), "label": "PERSON", "entity": "Sergey Lavrov", "origin": "model", "status": "suggested",
             "model": "en_core_web_sm 3.8.0"},
            {**at(t, "Sergey Lavrov"), "label": "PERSON", "entity": "Sergey Lavrov", "origin": "model",
             "status": "accepted", "model": "en_core_web_sm 3.8.0", "annotator": "ana"},
            {**second_lavrov, "label": "ORG", "origin": "model", "status": "rejected"},
            {**at(t, "Genève"), "label": "GPE", "origin": "import"},
            {**at(t, "👩\u200d👩\u200d👧"), "label": "NORP", "origin": "editor"},
        ),
        quotes=(
            {"content": [at(t, "“Prices rose 5% 🙂 this year.”")], "speaker": at(t, "Zoë Ångström"),
             "cue": at(t, "said"), "type": "direct", "speaker_entity": "Zoë Ångström", "origin": "editor"},
            {"content": [at(t, "“We will not,”"), at(t, "“accept this.”")], "speaker": at(t, "Lavrov"),
             "cue": at(t, "said", 1), "type": "direct", "speaker_entity": "Sergey Lavrov", "origin": "model",
             "status": "suggested", "model": "quotes 1"},
            {"content": [at(t, "disagreed")], "speaker": None, "type": "indirect", "origin": "model",
             "status": "rejected"},
        ),
        claims=(
            {**at(t, "Prices rose 5% 🙂 this year."), "claimant": "Zoë Ångström",
             "labels": {"checkworthiness": "check-worthy", "verdict": "false"},
             "note": "Checked\twith the\r\nstats \\ office", "origin": "editor"},
            {**at(t, "this year.”\r\nThe U.S."), "labels": {"checkworthiness": "check-worthy"},
             "origin": "editor"},  # across a line break
            {**at(t, "We will not"), "claimant": "Sergey Lavrov", "labels": {"verdict": "misleading"},
             "origin": "model", "status": "suggested"},
            {**at(t, "The U.S. Treasury disagreed."), "labels": {"checkworthiness": "opinion"},
             "origin": "model", "status": "rejected"},
        ),
    ))
    edits.apply(store, edits.AddDocument(ext_id="plain", text=PLAIN, title="Plain"))
    s = SUGGESTED
    edits.apply(store, edits.AddDocument(
        ext_id="suggested", text=s, source="wire",
        entities=({**at(s, "Geneva"), "label": "GPE", "origin": "model", "status": "suggested"},
                  {**at(s, "Antony Blinken"), "label": "PERSON", "entity": "Antony Blinken", "origin": "model",
                   "status": "suggested"}),
        quotes=({"content": [at(s, "little")], "speaker": at(s, "He"), "speaker_resolved": at(s, "Antony Blinken"),
                 "cue": at(s, "said"), "type": "indirect",
                 "speaker_entity": "Antony Blinken", "origin": "model", "status": "suggested"},),
    ))
    for i in range(extra_plain):
        edits.apply(store, edits.AddDocument(ext_id=f"extra-{i:02d}", text=f"Extra story {i}: Lavrov met Blinken."))
    rich = store.document_by_ext_id("rich/01")
    edits.apply(store, edits.SetDocumentStatus(rich.id, "done"))


@pytest.fixture
def rich(store):
    build_rich_project(store)
    return store


def expected(store: Store, doc_ext: str, layer: str, statuses=("accepted",)):
    doc = store.document_by_ext_id(doc_ext)
    return doc, [a for a in getattr(store, layer)(doc.id) if a.prov.status in statuses]


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# JSONL -------------------------------------------------------------------------------------------


def test_jsonl_carries_every_layer_with_provenance_and_exact_offsets(rich, tmp_path):
    summary = export_project(rich, "jsonl", tmp_path / "out.jsonl", status="all")
    records = {r["id"]: r for r in read_lines(tmp_path / "out.jsonl")}
    assert list(records) == ["rich/01", "plain", "suggested"]
    r = records["rich/01"]
    assert r["text"] == RICH and "\r\n" in r["text"]
    assert r["meta"] == {"title": "Prices — a “story”", "source": "example.org", "url": "https://example.org/a",
                         "published": "2022-01-21", "story": "geneva", "status": "done"}
    doc, mentions = expected(rich, "rich/01", "mentions", ("accepted", "suggested"))
    assert [(e["start"], e["end"], e["label"]) for e in r["entities"]] == [(m.start, m.end, m.label) for m in mentions]
    assert {RICH[e["start"]:e["end"]] for e in r["entities"]} >= {"Zoë Ångström", "👩\u200d👩\u200d👧", "Genève"}
    assert all(e["status"] != "rejected" for e in r["entities"])
    by_text = {RICH[e["start"]:e["end"]]: e for e in r["entities"]}
    assert by_text["Sergey Lavrov"]["entity"] == "Sergey Lavrov"
    assert by_text["Sergey Lavrov"]["model"] == "en_core_web_sm 3.8.0"
    assert by_text["Sergey Lavrov"]["annotator"] == "ana"
    assert by_text["Zoë Ångström"]["origin"] == "editor" and by_text["Zoë Ångström"]["annotator"] == "tester"
    for key in ("origin", "status", "annotator", "model", "created_at", "updated_at"):
        assert key in r["entities"][0]
    q2 = [q for q in r["quotes"] if len(q["content"]) == 2][0]
    assert [RICH[c["start"]:c["end"]] for c in q2["content"]] == ["“We will not,”", "“accept this.”"]
    assert q2["speaker_entity"] == "Sergey Lavrov" and q2["status"] == "suggested"
    assert RICH[q2["cue"]["start"]:q2["cue"]["end"]] == "said"
    claim = [c for c in r["claims"] if c["labels"].get("verdict") == "false"][0]
    assert RICH[claim["start"]:claim["end"]] == "Prices rose 5% 🙂 this year."
    assert claim["note"] == "Checked\twith the\r\nstats \\ office" and claim["claimant"] == "Zoë Ångström"
    assert records["plain"]["entities"] == records["plain"]["quotes"] == records["plain"]["claims"] == []
    (he,) = records["suggested"]["quotes"]
    assert SUGGESTED[he["speaker"]["start"]:he["speaker"]["end"]] == "He"
    assert SUGGESTED[he["speaker_resolved"]["start"]:he["speaker_resolved"]["end"]] == "Antony Blinken"
    assert q2["speaker_resolved"] is None
    assert summary.documents == 3
    assert summary.line().startswith("exported 3 documents, ")


def test_status_accepted_leaves_suggestions_and_rejections_out(rich, tmp_path):
    export_project(rich, "jsonl", tmp_path / "a.jsonl")
    records = {r["id"]: r for r in read_lines(tmp_path / "a.jsonl")}
    statuses = {a["status"] for r in records.values() for layer in ("entities", "quotes", "claims") for a in r[layer]}
    assert statuses == {"accepted"}
    assert records["suggested"]["entities"] == [] and records["suggested"]["quotes"] == []
    _, accepted = expected(rich, "rich/01", "mentions")
    assert len(records["rich/01"]["entities"]) == len(accepted)


def test_documents_done_exports_only_finished_documents(rich, tmp_path):
    summary = export_project(rich, "jsonl", tmp_path / "d.jsonl", documents="done")
    assert [r["id"] for r in read_lines(tmp_path / "d.jsonl")] == ["rich/01"]
    assert summary.documents == 1 and summary.left_out == 2


def test_documents_reviewed_takes_done_documents_and_those_with_a_layer_marked(rich, tmp_path):
    summary = export_project(rich, "jsonl", tmp_path / "r.jsonl", documents="reviewed")
    assert [r["id"] for r in read_lines(tmp_path / "r.jsonl")] == ["rich/01"]
    assert summary.left_out == 2 and "; 2 documents left out (not reviewed)" in summary.line()
    plain = rich.document_by_ext_id("plain")
    edits.apply(rich, edits.SetLayerReviewed(plain.id, "quotes"))
    summary = export_project(rich, "jsonl", tmp_path / "r.jsonl", documents="reviewed")
    assert [r["id"] for r in read_lines(tmp_path / "r.jsonl")] == ["rich/01", "plain"]
    assert summary.left_out == 1 and "1 document left out (not reviewed)" in summary.line()
    source = exporters.ExportSource(rich)
    reviewed = {source.load(d).doc.ext_id: source.load(d).reviewed for d, _ in source.doc_ids()}
    assert reviewed == {"rich/01": {"entities", "quotes", "claims"}, "plain": {"quotes"}, "suggested": frozenset()}
    assert export_project(rich, "jsonl", tmp_path / "a.jsonl").left_out == 0  # the library's default: all
    with pytest.raises(ExportError, match="--documents must be one of reviewed, done, all"):
        export_project(rich, "jsonl", tmp_path / "x.jsonl", documents="some")


def _strip_times(records: list[dict]) -> list[dict]:
    out = json.loads(json.dumps(records))
    for r in out:
        for layer in ("entities", "quotes", "claims"):
            for a in r[layer]:
                a.pop("created_at"), a.pop("updated_at")
    return out


def edits_keep_timestamps(tmp_path: Path) -> bool:
    """Does importing interchange JSONL keep created_at/updated_at? (edits._imported_prov)"""
    with Store.create(tmp_path / "probe.claimdesk") as probe:
        edits.apply(probe, edits.AddDocument(ext_id="p", text="Probe text.", entities=(
            {"start": 0, "end": 5, "label": "ORG", "created_at": "2001-01-01T00:00:00.000Z",
             "updated_at": "2001-01-02T00:00:00.000Z"},)))
        m = probe.mentions()[0]
        return (m.prov.created_at, m.prov.updated_at) == ("2001-01-01T00:00:00.000Z", "2001-01-02T00:00:00.000Z")


def _jsonl_round_trip(store: Store, tmp_path: Path) -> tuple[bytes, bytes]:
    first = tmp_path / "first.jsonl"
    export_project(store, "jsonl", first, status="all")
    with Store.create(tmp_path / "again.claimdesk") as again:
        report = import_into(again, [first])
        assert not report.problems and len(report.added) == 3
        second = tmp_path / "second.jsonl"
        export_project(again, "jsonl", second, status="all")
    return first.read_bytes(), second.read_bytes()


def test_an_export_holds_one_state_of_the_project_while_the_editor_keeps_working(rich, tmp_path):
    """The window exports from a connection of its own while the editor edits: an edit committed
    after the export began shows in none of its documents, before or after the document it was
    on (without a snapshot the documents read after the edit would hold it)."""
    doc_ids = [store_doc.id for store_doc in rich.documents()]
    plain = rich.document_by_ext_id("plain")
    reader = Store.open(rich.path, readonly=True)

    def edit_meanwhile(done: int, total: int, message: str) -> None:
        if done == 1:  # the first document is written; the others are still to be read
            edits.apply(rich, edits.AddMention(plain.id, 0, 5, "ORG"))
            edits.apply(rich, edits.AddDocument(ext_id="late", text="A late article."))

    try:
        export_project(reader, "jsonl", tmp_path / "out.jsonl", status="all", job=Job(on_progress=edit_meanwhile))
    finally:
        reader.close()
    lines = read_lines(tmp_path / "out.jsonl")
    assert [line["id"] for line in lines] == [rich.document(d).ext_id for d in doc_ids]
    assert next(line for line in lines if line["id"] == "plain")["entities"] == []
    assert len(rich.mentions(plain.id)) == 1  # the edit itself landed


def test_jsonl_import_export_round_trip_keeps_everything_but_timestamps(rich, tmp_path):
    a, b = _jsonl_round_trip(rich, tmp_path)
    ra, rb = read_lines(tmp_path / "first.jsonl"), read_lines(tmp_path / "second.jsonl")
    assert _strip_times(ra) == _strip_times(rb)


def test_jsonl_import_export_round_trip_is_byte_identical(rich, tmp_path):
    if not edits_keep_timestamps(tmp_path):
        pytest.xfail("edits.AddDocument (_imported_prov) does not keep created_at/updated_at from the import")
    a, b = _jsonl_round_trip(rich, tmp_path)
    assert a == b


def test_jsonl_escapes_unicode_line_separators(store, tmp_path):
    text = "One\u2028two\u2029three\x85four."
    edits.apply(store, edits.AddDocument(ext_id="seps", text=text))
    export_project(store, "jsonl", tmp_path / "s.jsonl")
    raw = (tmp_path / "s.jsonl").read_text(encoding="utf-8")
    assert raw.count("\n") == 1 and len(raw.splitlines()) == 1
    assert json.loads(raw)["text"] == text


# Sentences (Prodigy) ---------------------------------------------------------------------------------------------


def test_export_sentences_do_not_split_abbreviations_or_entities():
    text = "Mr. Blinken met U.S. officials. They agreed.\nA new line"
    tokens = tokenize(text)
    sents = exporters.sentences(text, tokens)
    words = [" ".join(text[s:e] for s, e in tokens[a:b]) for a, b in sents]
    assert words == ["Mr . Blinken met U . S . officials .", "They agreed .", "A new line"]
    # an entity across a would-be boundary keeps its sentence together
    protected = [(text.index("officials"), text.index("They") + 4)]
    assert len(exporters.sentences(text, tokens, protected)) == 2


# brat ----------------------------------------------------------------------------------------------


def test_brat_export_follows_the_importer_and_round_trips(rich, tmp_path):
    out = tmp_path / "brat"
    export_project(rich, "brat", out, status="all")
    names = sorted(p.name for p in out.iterdir() if p.name != exporters.MARKER_NAME)
    assert names == ["annotation.conf", "plain.ann", "plain.txt", "rich_01.ann", "rich_01.txt", "suggested.ann",
                     "suggested.txt"]
    marker = json.loads((out / exporters.MARKER_NAME).read_text(encoding="utf-8"))
    assert marker["format"] == "brat" and marker["ids"] == {"rich_01": "rich/01"}
    assert (out / "rich_01.txt").read_bytes() == RICH.encode("utf-8")
    assert (out / "plain.ann").read_text(encoding="utf-8") == ""
    ann = (out / "rich_01.ann").read_text(encoding="utf-8")
    assert "\tQuote " in ann and re.search(r"\tQuote \d+ \d+;\d+ \d+\t", ann)
    assert "A" in ann and "verdict T" in ann and "note=Checked\\twith the\\r\\nstats \\\\ office" in ann
    # import it into a new project: same annotations, then the same files again
    with Store.create(tmp_path / "b.claimdesk") as again:
        report = import_into(again, [out])
        assert not report.problems, report.problems
        assert sorted(report.added) == ["plain", "rich/01", "suggested"]  # the marker gives the id back
        doc = again.document_by_ext_id("rich/01")
        assert doc.text == RICH
        src = rich.document_by_ext_id("rich/01")
        key = lambda m: (m.start, m.end, m.label, m.prov.status, m.prov.origin)  # noqa: E731
        assert sorted(map(key, again.mentions(doc.id))) == sorted(
            key(m) for m in rich.mentions(src.id) if m.prov.status != "rejected")
        claims = again.claims(doc.id)
        assert {c.labels.get("verdict") for c in claims} == {"false", "misleading", None}
        (he,) = again.quotes(again.document_by_ext_id("suggested").id)  # a pronoun speaker's name survives
        assert SUGGESTED[he.speaker_resolved.start:he.speaker_resolved.end] == "Antony Blinken"
        assert [c.note for c in claims if c.note] == ["Checked\twith the\r\nstats \\ office"]
        out2 = tmp_path / "brat2"
        export_project(again, "brat", out2, status="all")
    for name in names:
        assert (out / name).read_bytes() == (out2 / name).read_bytes(), name


def test_brat_names_are_safe_and_unique(store, tmp_path):
    for i, ext in enumerate(("a/b", "a:b", ".hidden")):
        edits.apply(store, edits.AddDocument(ext_id=ext, text=f"Text number {i}."))
    export_project(store, "brat", tmp_path / "b")
    assert sorted(p.name for p in (tmp_path / "b").glob("*.txt")) == ["_hidden.txt", "a_b.txt", "a_b_2.txt"]


# Prodigy ---------------------------------------------------------------------------------------------


def test_prodigy_tasks_have_token_indexed_spans(rich, tmp_path):
    export_project(rich, "prodigy", tmp_path / "p.jsonl", status="all")
    tasks = [t for t in read_lines(tmp_path / "p.jsonl") if "layer" not in t["meta"]]  # the entity tasks
    assert [t["meta"]["id"] for t in tasks] == ["rich/01", "plain", "suggested"]
    for task in tasks:
        text, tokens = task["text"], task["tokens"]
        for i, tok in enumerate(tokens):
            assert tok["id"] == i and text[tok["start"]:tok["end"]] == tok["text"] and tok["text"].strip()
            assert tok["ws"] == (tok["end"] < len(text) and text[tok["end"]].isspace())
        for span in task["spans"]:
            assert tokens[span["token_start"]]["start"] == span["start"]
            assert tokens[span["token_end"]]["end"] == span["end"]
    rich_task, plain_task, sugg = tasks
    # a suggestion, or a document nobody marked done, is a task to review, never an accepted negative
    assert "answer" not in rich_task and "answer" not in plain_task and "answer" not in sugg
    labels = {(rich_task["text"][s["start"]:s["end"]], s["label"]) for s in rich_task["spans"]}
    assert ("U.S.", "GPE") in labels and ("U.S. Treasury", "ORG") in labels  # overlaps kept
    assert any(s.get("source") == "en_core_web_sm 3.8.0" for s in rich_task["spans"])
    export_project(rich, "prodigy", tmp_path / "acc.jsonl")
    answers = {t["meta"]["id"]: t.get("answer") for t in read_lines(tmp_path / "acc.jsonl") if "layer" not in t["meta"]}
    assert answers == {"rich/01": "accept", "plain": None, "suggested": None}  # only rich/01 is done


# Label Studio -----------------------------------------------------------------------------------------


def test_label_studio_tasks_match_their_config(rich, tmp_path):
    export_project(rich, "label-studio", tmp_path / "ls.json", status="all")
    tasks = json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))
    config = ET.fromstring((tmp_path / "ls.xml").read_text(encoding="utf-8"))
    controls = {el.get("name"): el for el in config.iter() if el.get("name")}
    assert controls["text"].tag == "Text" and controls["text"].get("value") == "$text"
    assert len(tasks) == 3
    for task in tasks:
        text = task["data"]["text"]
        for block in [*task.get("annotations", []), *task.get("predictions", [])]:
            ids = {r["id"] for r in block["result"] if "id" in r}
            for r in block["result"]:
                if r["type"] == "relation":
                    assert r["from_id"] in ids and r["to_id"] in ids
                    continue
                assert r["from_name"] in controls and r["to_name"] == "text"
                v = r["value"]
                assert 0 <= v["start"] < v["end"] <= len(text)
                if r["type"] == "labels":
                    assert v["text"] == text[v["start"]:v["end"]]
                    allowed = {el.get("value") for el in controls[r["from_name"]]}
                    assert set(v["labels"]) <= allowed
                if r["type"] == "choices":
                    allowed = {el.get("value") for el in controls[r["from_name"]]}
                    assert set(v["choices"]) <= allowed
    rich_task = tasks[0]
    assert rich_task["data"]["doc_id"] == "rich/01" and rich_task["data"]["title"] == "Prices — a “story”"
    accepted = rich_task["annotations"][0]["result"]
    predicted = rich_task["predictions"][0]["result"]
    emoji = [r for r in accepted if r["type"] == "labels" and r["value"]["text"] == "👩\u200d👩\u200d👧"]
    assert emoji and emoji[0]["value"]["labels"] == ["NORP"]
    assert any(r["type"] == "relation" and r["labels"] == ["continues"] for r in predicted)
    assert any(r["type"] == "relation" and r["labels"] == ["speaker"] for r in accepted)
    assert any(r["type"] == "choices" and r["from_name"] == "verdict" and r["value"]["choices"] == ["false"]
               for r in accepted)
    assert "annotations" not in tasks[2] and "predictions" in tasks[2]
    assert "annotations" not in tasks[1]  # nothing accepted and the document is not done


# CSV -----------------------------------------------------------------------------------------------


def test_csv_one_row_per_claim_and_per_quote(rich, tmp_path):
    export_project(rich, "csv", tmp_path / "claims.csv", status="all")
    raw = (tmp_path / "claims.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    with open(tmp_path / "claims.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 3
    assert [r["claim"] for r in rows if r["claim"].endswith("U.S.")] == ["this year.”\r\nThe U.S."]
    row = [r for r in rows if r["verdict"] == "false"][0]
    assert row["claim"] == "Prices rose 5% 🙂 this year." and row["claimant"] == "Zoë Ångström"
    assert row["document"] == "rich/01" and row["outlet"] == "example.org" and row["date"] == "2022-01-21"
    assert row["checkworthiness"] == "check-worthy" and row["note"] == "Checked\twith the\r\nstats \\ office"
    assert row["status"] == "accepted" and RICH[int(row["start"]):int(row["end"])] == row["claim"]
    with open(tmp_path / "claims_quotes.csv", encoding="utf-8-sig", newline="") as fh:
        quotes = list(csv.DictReader(fh))
    assert len(quotes) == 3
    two = [q for q in quotes if "…" in q["content"]][0]
    assert two["content"] == "“We will not,” … “accept this.”" and two["speaker"] == "Lavrov"
    assert two["speaker_entity"] == "Sergey Lavrov" and two["cue"] == "said" and two["status"] == "suggested"
    assert [q["speaker_resolved"] for q in quotes if q["speaker"] == "He"] == ["Antony Blinken"]


# ClaimReview -----------------------------------------------------------------------------------------


def publish_settings(store: Store) -> None:
    """The settings a ClaimReview export needs (Google requires ``url``)."""
    for key, value in (("publisher.name", "Fact Desk"), ("publisher.url", "https://factdesk.example/"),
                       ("claimreview.url", "https://factdesk.example/checks/{document}#claim-{claim}")):
        edits.apply(store, edits.SetSetting(key, value))


def test_claimreview_json_ld_for_claims_with_a_verdict(rich, tmp_path):
    publish_settings(rich)
    summary = export_project(rich, "claimreview", tmp_path / "cr.jsonld", status="all")
    reviews = json.loads((tmp_path / "cr.jsonld").read_text(encoding="utf-8"))
    assert isinstance(reviews, list) and len(reviews) == 2 == summary.claims
    r = [x for x in reviews if x["reviewRating"]["alternateName"] == "false"][0]
    assert r["@context"] == "https://schema.org" and r["@type"] == "ClaimReview"
    assert r["claimReviewed"] == "Prices rose 5% 🙂 this year."
    claim = next(c for c in rich.claims() if c.labels.get("verdict") == "false")
    assert r["url"] == f"https://factdesk.example/checks/rich%2F01#claim-{claim.id}"
    item = r["itemReviewed"]
    assert item["@type"] == "Claim" and item["author"] == {"@type": "Person", "name": "Zoë Ångström"}
    assert item["datePublished"] == "2022-01-21"
    assert item["appearance"] == {"@type": "NewsArticle", "url": "https://example.org/a",
                                  "headline": "Prices — a “story”", "datePublished": "2022-01-21",
                                  "publisher": {"@type": "Organization", "name": "example.org"}}
    assert r["reviewRating"]["@type"] == "Rating"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["datePublished"])
    assert r["author"] == {"@type": "Organization", "name": "Fact Desk", "url": "https://factdesk.example/"}
    assert "creativeWorkStatus" not in r
    draft = [x for x in reviews if x is not r][0]
    assert draft["creativeWorkStatus"] == "Draft"
    export_project(rich, "claimreview", tmp_path / "acc.jsonld")
    assert len(json.loads((tmp_path / "acc.jsonld").read_text(encoding="utf-8"))) == 1


def test_claimreview_author_is_an_organization_for_org_claimants(store, tmp_path):
    publish_settings(store)
    text = "The Kremlin said sanctions never work."
    edits.apply(store, edits.AddDocument(
        ext_id="k", text=text,
        entities=({**at(text, "The Kremlin"), "label": "ORG", "entity": "The Kremlin", "origin": "editor"},),
        claims=({**at(text, "sanctions never work"), "claimant": "The Kremlin", "labels": {"verdict": "false"},
                 "origin": "editor"},)))
    export_project(store, "claimreview", tmp_path / "k.jsonld")
    (review,) = json.loads((tmp_path / "k.jsonld").read_text(encoding="utf-8"))
    assert review["itemReviewed"]["author"] == {"@type": "Organization", "name": "The Kremlin"}
    assert review["itemReviewed"]["appearance"]["@type"] == "CreativeWork"


# Properties shared by every format --------------------------------------------------------------------


def _snapshot(path: Path) -> dict[str, bytes]:
    """The data files of an export (its marker, which records when it was made, left out)."""
    if path.is_file():
        return {path.name: path.read_bytes()}
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*"))
            if p.is_file() and not p.name.endswith(exporters.MARKER_NAME)}


@pytest.mark.parametrize("fmt", exporters.CORE_FORMATS)
def test_every_format_is_deterministic(rich, tmp_path, fmt):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = export_project(rich, fmt, tmp_path / "a" / "out", status="all")
    b = export_project(rich, fmt, tmp_path / "b" / "out", status="all")
    assert _snapshot(a.out) == _snapshot(b.out)
    assert sorted(p.name for p in a.out.parent.iterdir()) == sorted(p.name for p in b.out.parent.iterdir())
    assert not [p for p in (tmp_path / "a").rglob("*") if p.name.endswith((".part", ".old"))]


@pytest.mark.parametrize("fmt", [f for f in exporters.CORE_FORMATS if FORMATS[f].splits])
def test_split_is_deterministic_and_partitions_documents(store, tmp_path, fmt):
    build_rich_project(store, extra_plain=17)
    a = export_project(store, fmt, tmp_path / "a", split="80/10/10", seed=7)
    export_project(store, fmt, tmp_path / "b", split="80/10/10", seed=7)
    assert _snapshot(tmp_path / "a") == _snapshot(tmp_path / "b")
    assert a.splits == {"train": 16, "dev": 2, "test": 2} and a.documents == 20
    names = {p.name for p in (tmp_path / "a").iterdir()}
    assert {"train", "dev", "test"} <= {n.split(".")[0] for n in names}


def test_split_parts_are_disjoint_and_depend_on_the_seed(store):
    docs = [(i, f"doc-{i:03d}") for i in range(1, 101)]
    parts = exporters.plan_splits(docs, exporters.parse_split("80/10/10"), seed=1)
    assert [len(p) for p in parts.values()] == [80, 10, 10]
    assert sorted(i for p in parts.values() for i in p) == list(range(1, 101))
    assert parts == exporters.plan_splits(list(reversed(docs)), exporters.parse_split("8/1/1"), seed=1)
    assert parts != exporters.plan_splits(docs, exporters.parse_split("80/10/10"), seed=2)
    assert list(exporters.plan_splits(docs, exporters.parse_split("70/30")).keys()) == ["train", "dev"]


@pytest.mark.parametrize("bad", ["80", "a/b", "80/10/10/0", "-1/2", "0/0"])
def test_bad_split_is_an_export_error(rich, tmp_path, bad):
    with pytest.raises(ExportError):
        export_project(rich, "jsonl", tmp_path / "x", split=bad)


def test_expected_errors_are_one_line_export_errors(rich, tmp_path):
    with pytest.raises(ExportError, match="unknown export format"):
        export_project(rich, "xml", tmp_path / "x")
    with pytest.raises(ExportError, match="split"):
        export_project(rich, "claimreview", tmp_path / "x", split="80/20")
    with pytest.raises(ExportError, match="status"):
        export_project(rich, "jsonl", tmp_path / "x", status="suggested")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    for overwrite in (False, True):  # a folder this tool did not write is never replaced
        with pytest.raises(ExportError, match=r"not a Claimdesk export folder \(no \.claimdesk-export\)"):
            export_project(rich, "brat", tmp_path / "full", overwrite=overwrite)
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"
    export_project(rich, "brat", tmp_path / "out")
    with pytest.raises(ExportError, match="previous export; replace it with --force"):
        export_project(rich, "brat", tmp_path / "out")
    (tmp_path / "out" / "plain.txt").unlink()
    export_project(rich, "brat", tmp_path / "out", overwrite=True)
    assert (tmp_path / "out" / "plain.txt").exists()
    assert issubclass(ExportError, ValueError)


def test_the_project_is_never_written_over(rich, tmp_path):
    with pytest.raises(ExportError, match="project file itself"):
        export_project(rich, "jsonl", rich.path)
    with pytest.raises(ExportError, match="holds the project"):
        export_project(rich, "brat", rich.path.parent, overwrite=True)
    assert rich.document_count() == 3


def test_bare_output_name_gets_the_format_suffix(rich, tmp_path):
    assert export_project(rich, "jsonl", tmp_path / "data").out == tmp_path / "data.jsonl"
    assert export_project(rich, "csv", tmp_path / "t").files == [tmp_path / "t.csv", tmp_path / "t_quotes.csv"]


@pytest.mark.parametrize(("fmt", "victim"), [
    ("jsonl", "jsonl_record"), ("brat", "brat_ann"), ("label-studio", "label_studio:label_studio_task"),
    ("csv", "_count"), ("prodigy", "prodigy:prodigy_tasks"), ("claimreview", "claim_reviews"),
    ("doccano", "doccano:doccano_record"), ("doccano-relations", "doccano:doccano_relation_record"),
])
def test_a_failing_export_leaves_nothing_behind(rich, tmp_path, monkeypatch, fmt, victim):
    import importlib

    module_name, _, victim = victim.rpartition(":")
    module = importlib.import_module(f"desktop.core.{module_name}") if module_name else exporters
    original = getattr(module, victim)
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return original(*args, **kwargs)

    monkeypatch.setattr(module, victim, flaky)
    out = tmp_path / "out" / ("folder" if fmt == "brat" else "data.out")
    out.parent.mkdir()
    with pytest.raises(RuntimeError):
        export_project(rich, fmt, out, status="all")
    assert not out.exists()
    assert list((tmp_path / "out").iterdir()) == []  # no temporary files either


def test_a_failing_export_keeps_the_previous_file(rich, tmp_path, monkeypatch):
    out = tmp_path / "data.jsonl"
    out.write_text("previous export\n")
    monkeypatch.setattr(exporters, "jsonl_record", lambda *a: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        export_project(rich, "jsonl", out)
    assert out.read_text() == "previous export\n"
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".part")]


def test_cancelling_leaves_nothing_behind(rich, tmp_path):
    seen = []
    job = Job(on_progress=lambda d, t, m: seen.append(d), is_cancelled=lambda: len(seen) >= 2)
    from desktop.core.jobs import Cancelled

    with pytest.raises(Cancelled):
        export_project(rich, "jsonl", tmp_path / "c.jsonl", job=job)
    assert not (tmp_path / "c.jsonl").exists()


def test_export_streams_documents_one_at_a_time(rich, tmp_path, monkeypatch):
    def no_bulk(*a, **k):
        raise AssertionError("the export loaded every document at once")

    monkeypatch.setattr(Store, "documents", no_bulk)
    loaded = []
    original = Store.document

    def one(self, doc_id):
        loaded.append(doc_id)
        return original(self, doc_id)

    monkeypatch.setattr(Store, "document", one)
    for fmt in exporters.CORE_FORMATS:
        loaded.clear()
        (tmp_path / fmt).mkdir()
        export_project(rich, fmt, tmp_path / fmt / "out")
        aligned = 1 if fmt in ("story", "coverage") else 0  # the story's one article is read again, to align it
        assert len(loaded) == 3 + aligned and len(set(loaded)) == 3, fmt


# Tokens ------------------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab é5,.’'“”-\r\n\t🙂\u200d\u0301")), max_size=40),
       st.lists(st.integers(0, 40), max_size=6))
def test_tokens_cover_every_non_space_character_and_respect_boundaries(text, cuts):
    cuts = [c for c in cuts if c <= len(text)]
    tokens = tokenize(text, cuts)
    covered = set()
    prev_end = 0
    for s, e in tokens:
        assert prev_end <= s < e <= len(text)
        assert not any(s < c < e for c in cuts)
        assert text[s:e].strip() == text[s:e] or not text[s:e].isspace()
        covered.update(range(s, e))
        prev_end = e
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())
    assert not any(text[i].isspace() for i in covered)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_random_texts_and_spans_survive_brat_and_prodigy(data):
    import tempfile

    alphabet = st.sampled_from(list("ab é5,.’“”-\r\n🙂\u200dZ"))
    text = data.draw(st.text(alphabet=alphabet, min_size=1, max_size=30).filter(lambda t: t.strip()))
    spans = data.draw(st.lists(st.tuples(st.integers(0, len(text) - 1), st.integers(1, 8)), max_size=5))
    entities = []
    for start, length in spans:
        end = min(len(text), start + length)
        if text[start:end].strip() and text[start:end] == text[start:end].strip():
            entities.append({"start": start, "end": end, "label": "ORG", "origin": "editor"})
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with Store.create(tmp / "p.claimdesk") as store:
            edits.apply(store, edits.AddDocument(ext_id="r", text=text, entities=tuple(entities)))
            want = sorted((m.start, m.end) for m in store.mentions())
            export_project(store, "brat", tmp / "brat")
            export_project(store, "prodigy", tmp / "p.jsonl")
        with Store.create(tmp / "q.claimdesk") as again:
            report = import_into(again, [tmp / "brat"])
            assert not report.problems, report.problems
            assert again.document_by_ext_id("r").text == text
            assert sorted((m.start, m.end) for m in again.mentions()) == want
        (task,) = read_lines(tmp / "p.jsonl")
        assert sorted((sp["start"], sp["end"]) for sp in task["spans"]) == want
        for sp in task["spans"]:
            assert task["tokens"][sp["token_start"]]["start"] == sp["start"]
            assert task["tokens"][sp["token_end"]]["end"] == sp["end"]


def test_whitespace_at_span_edges_is_trimmed_to_tokens(store, tmp_path):
    text = "They met in Geneva\n\nHome of talks."
    edits.apply(store, edits.AddDocument(ext_id="w", text=text, entities=(
        {"start": 12, "end": 20, "label": "GPE", "origin": "editor"},)))  # "Geneva\n\n"
    summary = export_project(store, "prodigy", tmp_path / "w.jsonl")
    (task,) = read_lines(tmp_path / "w.jsonl")
    (span,) = task["spans"]
    assert text[span["start"]:span["end"]] == "Geneva" and summary.adjusted == 1
    assert task["tokens"][span["token_end"]]["end"] == span["end"]


def test_folder_swap_without_rename_exchange_and_a_folder_left_aside_is_put_back(rich, tmp_path, monkeypatch):
    monkeypatch.setattr(exporters, "_exchange", lambda a, b: False)  # as on systems without renameat2
    out = tmp_path / "brat"
    export_project(rich, "brat", out)
    export_project(rich, "brat", out, overwrite=True)
    assert (out / "plain.txt").exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    # killed between the two renames: the previous export aside, no OUT; the next run puts it back
    aside = tmp_path / ".brat.abcd1234.old"
    os.replace(out, aside)
    with pytest.raises(ExportError, match="previous export"):
        export_project(rich, "brat", out)
    assert (out / "plain.txt").exists() and not aside.exists()
