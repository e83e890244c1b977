"""CSV safe by default (issue 12, item 7): no cell a spreadsheet runs as a formula, text intact
behind the OWASP ``'``, still UTF-8 with a BOM; ``--csv-formulas`` writes cells exactly.  The real
consumer is LibreOffice's CSV reader (skipped when ``soffice`` is not installed)."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core.exporters import CSV_FORMULA_STARTS, csv_cell
from desktop.core.store import Store
from tests.core.test_brat_exact import EDGE, build_edge_project

CLAIM = "=SUM(A1) is what 👩\u200d👩\u200d👧 families pay in Genève 🙂."
NOTE = "=HYPERLINK(\"http://example.com\",\"click\")\u2028second\u0085line\ttab"
CLAIMANT = "=cmd|' /C calc'!A0"


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "edge.claimdesk"
    with Store.create(path) as store:
        build_edge_project(store)  # edge/1 is marked done
    return path


def export_csv(project: Path, out: Path, *extra: str) -> tuple[list[list[str]], list[list[str]]]:
    assert main(["export", str(project), "-f", "csv", "-o", str(out), "--status", "all", "--documents", "done",
                 *extra]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    tables = []
    for path in (out, out.with_name(out.stem + "_quotes.csv")):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            tables.append(list(csv.reader(fh)))
    return tables[0], tables[1]


def unescape(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(CSV_FORMULA_STARTS) else cell


def test_no_cell_starts_a_formula_and_the_text_is_behind_the_quote(project, tmp_path):
    claims, quotes = export_csv(project, tmp_path / "c.csv")
    for row in claims + quotes:
        for cell in row:
            assert not cell.startswith(CSV_FORMULA_STARTS), cell
    header, *rows = claims
    by_claim = {unescape(r[header.index("claim")]): dict(zip(header, r, strict=True)) for r in rows}
    row = by_claim[CLAIM]
    assert row["claim"] == "'" + CLAIM and row["note"] == "'" + NOTE and row["claimant"] == "'" + CLAIMANT
    assert row["title"] == "'=Edge"
    assert EDGE[int(row["start"]):int(row["end"])] == CLAIM  # numbers stay numbers
    # cells that start with anything else are written exactly
    assert by_claim["up.\r\n\r\nAnd they"]["claim"] == "up.\r\n\r\nAnd they"
    assert by_claim["up.\r\n\r\nAnd they"]["document"] == "edge/1"


def test_csv_formulas_writes_cells_exactly(project, tmp_path, capsys):
    claims, _ = export_csv(project, tmp_path / "c.csv", "--csv-formulas")
    header, *rows = claims
    (row,) = [dict(zip(header, r, strict=True)) for r in rows if r[header.index("claim")] == CLAIM]
    assert row["note"] == NOTE and row["claimant"] == CLAIMANT


def test_the_option_is_in_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    assert "--csv-formulas" in capsys.readouterr().out


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("a=1", "a=1"), ("", ""), ("'=x", "'=x"), (-5, -5), (12, 12),
])
def test_the_owasp_rule(value, cell):
    assert csv_cell(value) == cell


# LibreOffice -------------------------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
_NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
}


def _paragraph_text(p: ET.Element) -> str:
    """A ``text:p``'s text, with ODF's space, tab and line-break elements back as characters."""
    out = [p.text or ""]
    for child in p:
        tag = child.tag.split("}")[1]
        if tag == "s":
            out.append(" " * int(child.get(f"{{{_NS['text']}}}c", "1")))
        elif tag == "tab":
            out.append("\t")
        elif tag == "line-break":
            out.append("\n")
        else:
            out.append(_paragraph_text(child))
        out.append(child.tail or "")
    return "".join(out)


def ods_cells(path: Path) -> list[list[tuple[str | None, str]]]:
    """Every row's cells of the first sheet as ``(formula or None, text)`` (a boolean in lower case)."""
    root = ET.fromstring(zipfile.ZipFile(path).read("content.xml"))
    table = root.find(".//table:table", _NS)
    rows = []
    for row in table.iter(f"{{{_NS['table']}}}table-row"):
        cells = []
        for cell in row.findall("table:table-cell", _NS):
            repeat = int(cell.get(f"{{{_NS['table']}}}number-columns-repeated", "1"))
            text = "\n".join(_paragraph_text(p) for p in cell.findall("text:p", _NS))
            if cell.get(f"{{{_NS['office']}}}value-type") == "boolean":  # Calc reads "false" as FALSE
                text = text.lower()
            cells += [(cell.get(f"{{{_NS['table']}}}formula"), text)] * min(repeat, 64)
        rows.append(cells)
    return rows


def libreoffice_reads(csv_path: Path, work: Path) -> list[list[tuple[str | None, str]]]:
    """Open ``csv_path`` in LibreOffice Calc as a user would (comma, double quote, UTF-8) and save
    it as ODS; the cells as Calc holds them."""
    profile = work / "lo-profile"
    out = work / "ods"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--infilter=CSV:44,34,76,1",
         "--convert-to", "ods", "--outdir", str(out), str(csv_path)],
        check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(work)})
    return ods_cells(out / (csv_path.stem + ".ods"))


def _normalise(text: str) -> str:
    """What Calc 7.4 does to any cell, quoted or not: line breaks become paragraphs (compared as
    one kind) and tabs are dropped."""
    return (text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u0085", "\n")
            .replace("\t", ""))


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_shows_no_formula_and_the_text_intact(project, tmp_path):
    out = tmp_path / "c.csv"
    claims, quotes = export_csv(project, out)
    for path, table in ((out, claims), (out.with_name("c_quotes.csv"), quotes)):
        work = tmp_path / path.stem
        work.mkdir()
        cells = libreoffice_reads(path, work)
        formulas = [(f, t) for row in cells for f, t in row if f]
        assert formulas == [], formulas
        assert len(cells) >= len(table)
        for row, want in zip(cells, table, strict=False):  # Calc may add empty rows
            got = [t for _, t in row][: len(want)]
            assert [_normalise(g) for g in got] == [_normalise(w) for w in want], (got, want)
    # the control: the same file with --csv-formulas is run by Calc, so the check above can fail
    raw = tmp_path / "raw"
    raw.mkdir()
    export_csv(project, raw / "c.csv", "--csv-formulas")
    cells = libreoffice_reads(raw / "c.csv", raw)
    assert any(f and "HYPERLINK" in f for row in cells for f, _ in row)
