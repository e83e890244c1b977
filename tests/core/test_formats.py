"""One export-format registry (desktop.core.formats): every face lists the same formats and suffixes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from desktop.app.export import export, exporter
from desktop.cli import main
from desktop.core import edits, exporters
from desktop.core.formats import FORMAT_NAMES, FORMATS, ExportError, default_output, output_path
from desktop.core.store import Store

REPO = Path(__file__).resolve().parents[2]


def test_the_registry_is_complete_and_consistent():
    assert FORMAT_NAMES == ("jsonl", "spacy", "conll", "conllu", "brat", "prodigy", "label-studio", "doccano",
                            "doccano-relations", "csv", "claimreview", "story", "coverage")
    for spec in FORMATS.values():
        assert spec.folder == (spec.suffix == ""), spec.name
        assert spec.title and spec.description and "\n" not in spec.description, spec.name
        assert spec.suffix == "" or re.fullmatch(r"\.[a-z]+", spec.suffix), spec.name
    assert FORMATS["claimreview"].suffix == ".jsonld"  # JSON-LD's own suffix, everywhere
    assert [f for f in FORMAT_NAMES if not FORMATS[f].splits] == ["claimreview", "story", "coverage"]
    # every format but spaCy's and the CoNLL ones is written by core, and core writes exactly those
    assert exporters.CORE_FORMATS == tuple(f for f in FORMAT_NAMES if f not in ("spacy", "conll", "conllu"))
    assert exporters.FORMATS == FORMAT_NAMES


def test_every_registered_exporter_resolves_to_a_function():
    for name in FORMAT_NAMES:
        assert callable(exporter(name)), name
    with pytest.raises(ExportError, match="unknown export format 'docx'; choose one of jsonl, spacy"):
        exporter("docx")


def test_the_cli_offers_every_format_with_its_suffix(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    for spec in FORMATS.values():
        assert f"{spec.name} ({'folder' if spec.folder else spec.suffix})" in help_text, spec.name
    with pytest.raises(SystemExit):
        main(["export", "p.claimdesk", "--format", "docx", "-o", "x"])
    error = capsys.readouterr().err
    assert all(repr(name) in error for name in FORMAT_NAMES)


def test_the_readme_table_lists_every_format_with_its_output():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Export formats"):]
    rows = re.findall(r"^\| `([a-z-]+)` \| (folder|`\.[a-z]+`)", section[:section.index("\n## ")], re.M)
    assert [name for name, _ in rows] == list(FORMAT_NAMES)
    assert {name: out.strip("`") for name, out in rows} == {f.name: f.output for f in FORMATS.values()}


def test_a_bare_output_name_gets_the_registered_suffix(tmp_path):
    project = tmp_path / "p.claimdesk"
    with Store.create(project) as store:
        edits.apply(store, edits.AddDocument("d1", "Lavrov said the talks were useful."))
    with Store.open(project, readonly=True) as store:
        for spec in FORMATS.values():
            bare = tmp_path / f"out-{spec.name}"
            summary = export(store, spec.name, bare)
            expected = output_path(spec.name, bare, False)
            assert summary.out == expected == (bare if spec.folder else bare.with_name(bare.name + spec.suffix))
            assert expected.is_dir() if spec.folder else expected.is_file(), spec.name


def test_default_output_names_follow_the_registry(tmp_path):
    project = tmp_path / "ukraine.talks.claimdesk"
    assert default_output(project, "claimreview") == tmp_path / "ukraine.talks-claimreview.jsonld"
    assert default_output(project, "jsonl", split=True) == tmp_path / "ukraine.talks-jsonl"
    assert default_output(project, "brat") == tmp_path / "ukraine.talks-brat"
