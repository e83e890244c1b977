"""The pre-annotated seeds in brat and CSV, read by their real consumers' rules (issue 12, items 3, 7):
brat's reading rules reject no line and every text field is the text; CSV cells run no formula."""

from __future__ import annotations

import csv

import pytest

from desktop.core import edits as E
from desktop.core.exporters import CSV_FORMULA_STARTS
from desktop.core.store import Store
from tests.brat_rules import check_folder, read_text_as_brat, text_fields
from tests.e2e.test_cli import claimdesk

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seeds_project(tmp_path_factory, annotated_seeds):
    path = annotated_seeds(tmp_path_factory.mktemp("seeds") / "seeds.claimdesk")
    with Store.open(path) as store:  # an editor's claim over a paragraph break, with a note starting "="
        doc = store.document_by_ext_id("000_4e8e7165941dcf45")
        s = doc.text.index("Russia has been amassing")
        end = doc.text.index("\n", s)
        end = doc.text.index(".", end + 2) + 1
        E.apply(store, E.AddClaim(doc.id, s, end, note="=HYPERLINK(\"http://example.com\",\"x\")",
                                  labels={"checkworthiness": "check-worthy", "verdict": "true"}))
        for d in store.documents():
            E.apply(store, E.SetDocumentStatus(d.id, "done"))
    return path


def test_brat_parser_rejects_no_line_of_the_seeds(seeds_project, tmp_path):
    out = tmp_path / "brat"
    res = claimdesk("export", str(seeds_project), "-f", "brat", "-o", str(out), "--status", "all",
                    "--documents", "done")
    assert res.returncode == 0, res.stderr
    assert check_folder(out) == {}
    fields = 0
    for ann in out.glob("*.ann"):
        text = read_text_as_brat(ann.with_suffix(".txt"))
        for spans, field in text_fields(ann):
            assert field == " ".join(text[s:e] for s, e in spans)
            fields += 1
    assert fields > 600
    again = tmp_path / "again.claimdesk"
    claimdesk("new", str(again))
    assert claimdesk("import", str(again), str(out)).returncode == 0
    claimdesk("export", str(again), "-f", "brat", "-o", str(tmp_path / "brat2"), "--status", "all")
    for path in out.glob("*.ann"):
        assert (tmp_path / "brat2" / path.name).read_bytes() == path.read_bytes(), path.name


def test_seed_csv_cells_start_no_formula(seeds_project, tmp_path):
    out = tmp_path / "c.csv"
    res = claimdesk("export", str(seeds_project), "-f", "csv", "-o", str(out), "--status", "all",
                    "--documents", "done")
    assert res.returncode == 0, res.stderr
    for path in (out, tmp_path / "c_quotes.csv"):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        assert len(rows) > 1
        assert not [c for row in rows for c in row if c.startswith(CSV_FORMULA_STARTS)]
    with open(out, encoding="utf-8-sig", newline="") as fh:
        (claim,) = list(csv.DictReader(fh))
    assert claim["note"].startswith("'=HYPERLINK(")
