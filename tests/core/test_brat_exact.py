"""brat export exact (issue 12, item 3): brat's own reading rules accept every line, each text
field is the document's text at its offsets, spans over line breaks are fragments cut where brat
cuts them, and Claimdesk's importer reads it all back."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core import edits
from desktop.core.exporters import export_project
from desktop.core.jobs import import_into
from desktop.core.store import Store
from tests.brat_rules import check_ann, check_folder, read_text_as_brat, text_fields

#: No-break spaces, double spaces, a tab, a quote over two paragraphs, CRLF, emoji, a claim and a
#: note starting with "=", a line separator inside a claim.
EDGE = (
    "Anna\u00a0Schmidt said:  “Prices\tare up.\r\n"
    "\r\n"
    "And they will rise,” in New  York.\r\n"
    "=SUM(A1) is what 👩\u200d👩\u200d👧 families pay in Genève 🙂.\r\n"
    "Two\u2028lines and a lone\rcarriage return end it."
)
UNREVIEWED = "Geneva hosted Antony Blinken on Friday.\nHe said little."


def at(text: str, needle: str) -> dict[str, int]:
    start = text.index(needle)
    return {"start": start, "end": start + len(needle)}


def build_edge_project(store: Store) -> None:
    t = EDGE
    edits.apply(store, edits.AddDocument(
        ext_id="edge/1", text=t, title="=Edge", source="example.org",
        entities=(
            {**at(t, "Anna\u00a0Schmidt"), "label": "PERSON", "entity": "Anna\u00a0Schmidt", "origin": "editor"},
            {**at(t, "New  York"), "label": "GPE", "entity": "New York", "origin": "editor"},
            {**at(t, "👩\u200d👩\u200d👧"), "label": "NORP", "origin": "editor"},
            {**at(t, "Genève"), "label": "GPE", "origin": "model", "status": "suggested"},
        ),
        quotes=(
            {"content": [at(t, "“Prices\tare up.\r\n\r\nAnd they will rise,”")], "speaker": at(t, "Anna\u00a0Schmidt"),
             "cue": at(t, "said"), "type": "direct", "speaker_entity": "Anna\u00a0Schmidt", "origin": "editor"},
        ),
        claims=(
            {**at(t, "=SUM(A1) is what 👩\u200d👩\u200d👧 families pay in Genève 🙂."), "claimant": "=cmd|' /C calc'!A0",
             "labels": {"checkworthiness": "check-worthy", "verdict": "false"},
             "note": "=HYPERLINK(\"http://example.com\",\"click\")\u2028second\u0085line\ttab", "origin": "editor"},
            {**at(t, "Two\u2028lines and a lone\rcarriage return end it."), "labels": {"checkworthiness": "opinion"},
             "origin": "editor"},
            {**at(t, "up.\r\n\r\nAnd they"), "labels": {"checkworthiness": "check-worthy"}, "origin": "editor"},
        ),
    ))
    edits.apply(store, edits.SetDocumentStatus(store.document_by_ext_id("edge/1").id, "done"))
    u = UNREVIEWED
    edits.apply(store, edits.AddDocument(
        ext_id="unreviewed", text=u,
        entities=({**at(u, "Antony Blinken"), "label": "PERSON", "origin": "model", "status": "suggested"},),
    ))


@pytest.fixture
def edge(store):
    build_edge_project(store)
    return store


def layers(store: Store, ext_id: str) -> dict:
    doc = store.document_by_ext_id(ext_id)
    return {
        "text": doc.text,
        "mentions": sorted((m.start, m.end, m.label, m.prov.status) for m in store.mentions(doc.id)),
        "quotes": sorted((tuple((s.start, s.end) for s in q.content), (q.speaker.start, q.speaker.end),
                          (q.cue.start, q.cue.end), q.type) for q in store.quotes(doc.id)),
        "claims": sorted((c.start, c.end, tuple(sorted(c.labels.items())), c.note or "") for c in store.claims(doc.id)),
    }


def test_brat_reading_rules_accept_every_line_and_text_fields_are_the_text(edge, tmp_path):
    out = tmp_path / "brat"
    export_project(edge, "brat", out, status="all", documents="all")
    assert check_folder(out) == {}
    for ann in sorted(out.glob("*.ann")):
        text = read_text_as_brat(ann.with_suffix(".txt"))
        for spans, field in text_fields(ann):
            assert field == " ".join(text[s:e] for s, e in spans)
            for s, e in spans:  # no line of its own can hold a break
                assert not any(ch in text[s:e] for ch in "\n\r\t\u2028\u0085"), text[s:e]
    ann = (out / "edge_1.ann").read_text(encoding="utf-8")
    brat_text = read_text_as_brat(out / "edge_1.txt")
    # the quote over two paragraphs: two fragments, cut where brat cuts (at the line breaks)
    quote = [line for line in ann.splitlines() if "\tQuote " in line][0]
    assert quote.split("\t")[2] == "“Prices are up. And they will rise,”"
    offsets = [tuple(map(int, p.split())) for p in quote.split("\t")[1].split(" ", 1)[1].split(";")]
    assert [brat_text[s:e] for s, e in offsets] == ["“Prices", "are up.", "And they will rise,”"]
    # CRLF counts one in brat's offsets (it reads the .txt with universal newlines)
    (gpe,) = [line for line in ann.splitlines() if "\tGPE " in line and "York" in line]
    s, e = map(int, gpe.split("\t")[1].split()[1:])
    assert brat_text[s:e] == "New  York" and EDGE.index("New  York") == s + 2
    assert "\tPERSON " in ann and "Anna\u00a0Schmidt" in ann
    assert "note==HYPERLINK(\"http://example.com\",\"click\")\\u2028second\\u0085line\\ttab" in ann
    # the .txt is the text exactly, line ends as stored
    assert (out / "edge_1.txt").read_bytes() == EDGE.encode("utf-8")


def test_brat_export_round_trips_exactly_through_the_importer(edge, tmp_path):
    out = tmp_path / "brat"
    export_project(edge, "brat", out, status="all", documents="all")
    with Store.create(tmp_path / "again.claimdesk") as again:
        report = import_into(again, [out])
        assert not report.problems, report.problems
        for ext_id in ("edge/1", "unreviewed"):
            assert layers(again, ext_id) == layers(edge, ext_id), ext_id
        (claim,) = [c for c in again.claims(again.document_by_ext_id("edge/1").id) if c.note]
        assert claim.note.startswith("=HYPERLINK(") and "\u2028second\u0085line\ttab" in claim.note
        export_project(again, "brat", tmp_path / "brat2", status="all", documents="all")
    for path in sorted(out.iterdir()):
        if path.suffix in (".ann", ".txt", ".conf"):
            assert (tmp_path / "brat2" / path.name).read_bytes() == path.read_bytes(), path.name


def test_a_claimdesk_brat_folder_with_crlf_from_before_still_imports(store, tmp_path):
    """Exports before this one counted ``\\r\\n`` as two characters; their text fields say so."""
    folder = tmp_path / "old"
    folder.mkdir()
    text = "First line.\r\nLavrov spoke.\r\n"
    (folder / "d.txt").write_bytes(text.encode("utf-8"))
    s = text.index("Lavrov")
    (folder / "d.ann").write_text(f"T1\tPERSON {s} {s + 6}\tLavrov\n", encoding="utf-8")
    report = import_into(store, [folder])
    assert not report.problems, report.problems
    (m,) = store.mentions()
    assert (m.start, m.end) == (s, s + 6)


def test_brat_written_by_brat_over_crlf_and_line_breaks_imports_at_the_right_place(store, tmp_path):
    """What brat's server writes for a CRLF text and a span over a line break (two fragments)."""
    folder = tmp_path / "brat"
    folder.mkdir()
    text = "Lavrov said\r\nthe talks\r\nwent well.\r\n"
    (folder / "d.txt").write_bytes(text.encode("utf-8"))
    brat_text = text.replace("\r\n", "\n")
    a, b = brat_text.index("the talks"), brat_text.index("went well.")
    (folder / "d.ann").write_text(
        f"T1\tPERSON 0 6\tLavrov\nT2\tClaim {a} {a + 9};{b} {b + 10}\tthe talks went well.\n", encoding="utf-8")
    assert check_ann(folder / "d.ann") == []
    report = import_into(store, [folder])
    assert not report.problems, report.problems
    (claim,) = store.claims()
    assert text[claim.start:claim.end] == "the talks\r\nwent well."


@pytest.mark.parametrize(("line", "why"), [
    ("T1\tPERSON 0 11\tAnna Schmidt\n", "does not match"),  # collapsed whitespace: what we wrote before
    ("T1\tPERSON 4 12;0 4\t\u00a0Schmidt Anna\n", "overlap"),  # a fragment touching an earlier one
    ("T1 PERSON 0 4\tAnna\n", "are not"),  # a space for the tab: the id swallows the offsets
    ("\n", "no tab"),
    ("T1\tPERSON 0 400\tAnna\n", "outside"),
    ("R1\tSpeaker Arg1:T1\n", "two ROLE:ID"),
    ("A1\tOrigin\n", "attribute"),
    ("#1\tAnnotatorNotes\tx\n", "note is not"),
    ("X1\tfoo bar\n", "unknown annotation"),
])
def test_the_checker_rejects_what_brat_rejects(tmp_path, line, why):
    (tmp_path / "d.txt").write_text("Anna\u00a0Schmidt said", encoding="utf-8")
    (tmp_path / "d.ann").write_text(line, encoding="utf-8")
    problems = check_ann(tmp_path / "d.ann")
    assert len(problems) == 1 and why in problems[0], problems


def test_the_checker_reports_references_to_undefined_ids(tmp_path):
    (tmp_path / "d.txt").write_text("Anna", encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tPERSON 0 4\tAnna\nA1\tOrigin T2 editor\n", encoding="utf-8")
    assert check_ann(tmp_path / "d.ann") == ["line 2: id T2 not defined"]


def test_seeds_like_text_with_a_no_break_space_and_a_line_break_in_a_claim(store, tmp_path):
    """The seeds' four rejected lines were of this kind: a span over a no-break space or a
    paragraph break, written collapsed."""
    text = "Officials said on\u00a0Friday:\n\n“We are ready.”"
    edits.apply(store, edits.AddDocument(ext_id="s", text=text, claims=(
        {"start": 0, "end": len(text), "labels": {"checkworthiness": "check-worthy"}, "origin": "editor"},)))
    export_project(store, "brat", tmp_path / "b", status="accepted", documents="all")
    assert check_folder(tmp_path / "b") == {}
    assert Path(tmp_path / "b" / "s.ann").read_text(encoding="utf-8").splitlines()[0] == (
        f"T1\tClaim 0 25;27 {len(text)}\tOfficials said on\u00a0Friday: “We are ready.”")


def test_a_line_break_at_a_span_edge_is_left_out_and_counted(store, tmp_path):
    text = "They met in Geneva\n\nHome of talks."
    edits.apply(store, edits.AddDocument(ext_id="w", text=text, entities=(
        {"start": 12, "end": 20, "label": "GPE", "origin": "editor"},)))  # "Geneva\n\n"
    summary = export_project(store, "brat", tmp_path / "b", status="accepted", documents="all")
    assert summary.adjusted == 1
    assert (tmp_path / "b" / "w.ann").read_text(encoding="utf-8").splitlines()[0] == "T1\tGPE 12 18\tGeneva"
    assert check_folder(tmp_path / "b") == {}
