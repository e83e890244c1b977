"""The command line as a package of thin commands over ``desktop.app``, and ``claimdesk bench``
registered from above it (``desktop/__main__.py``), not by the command line."""

from __future__ import annotations

import pytest

from desktop.app.documents import UnknownDocumentError, delete_documents, find_document, set_status
from desktop.app.labels import LabelNotFoundError, add_label, edit_label, remove_label
from desktop.app.preannotate import PreannotateError, check_output
from desktop.core import edits
from desktop.core.store import Store
from tests.conftest import REPO


def _commands(parser) -> set[str]:
    sub = next(a for a in parser._actions if a.dest == "command")
    return set(sub.choices)


def test_the_command_line_does_not_register_bench_the_console_script_does(capsys):
    import desktop.__main__ as top
    from desktop.cli import build_parser

    assert "bench" not in _commands(build_parser())
    assert {"new", "import", "export", "open", "demo"} <= _commands(build_parser())
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["claimdesk"] == "desktop.__main__:main"
    assert top.main(["bench", "--docs", "1"]) == 1  # parsed and run by the bench's own command
    assert "--docs must be at least 2" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        top.main(["bench", "--help"])
    assert "--quick" in capsys.readouterr().out


def test_a_tool_above_registers_its_commands_and_they_get_verbose(capsys):
    from desktop.cli import main

    def add_hello(sub) -> None:
        p = sub.add_parser("hello")
        p.set_defaults(func=lambda args: print(f"hello verbose={args.verbose}") or 3)

    assert main(["hello", "--verbose"], commands=[add_hello]) == 3
    assert "hello verbose=True" in capsys.readouterr().out


def test_delete_documents_looks_every_one_up_first_and_counts_what_went(store, sample_doc):
    edits.apply(store, edits.AddDocument(ext_id="other", text="Nothing here."))
    with pytest.raises(UnknownDocumentError, match="'nope'.*nothing deleted"):
        delete_documents(store, ["sample", "nope"])
    assert store.document_count() == 2
    (gone,) = delete_documents(store, ["sample", str(store.document_by_ext_id("sample").id), "sample"])
    assert gone.doc.ext_id == "sample"
    assert (gone.rows["mentions"], gone.rows["quotes"], gone.rows["claims"]) == (2, 1, 1)
    assert store.document_count() == 1 and find_document(store, "sample") is None
    assert store.history(limit=1)[0]["summary"].startswith("delete")  # recorded


def test_set_status_by_external_id_or_number(store, sample_doc):
    assert set_status(store, "sample", "done").ext_id == "sample"
    doc_id = store.document_by_ext_id("sample").id
    assert set_status(store, str(doc_id), "new").id == doc_id
    with pytest.raises(UnknownDocumentError, match="no document 'x'"):
        set_status(store, "x", "done")


def test_labels_by_name_and_set(store):
    add_label(store, "claim", "MOSTLY", label_set="verdict", color="#123456")
    add_label(store, "claim", "MOSTLY", label_set="tone")
    with pytest.raises(LabelNotFoundError, match="several sets"):
        edit_label(store, "MOSTLY", color="#000000")
    edit_label(store, "MOSTLY", label_set="tone", new_name="CALM", description="no heat")
    assert {(r["label_set"], r["name"]) for r in store.label_rows()} >= {("verdict", "MOSTLY"), ("tone", "CALM")}
    remove_label(store, "CALM", label_set="tone")
    with pytest.raises(LabelNotFoundError, match="no label 'CALM'"):
        remove_label(store, "CALM")


def test_preannotate_refuses_a_project_output_before_any_work(tmp_path):
    project = tmp_path / "p.claimdesk"
    Store.create(project).close()
    src = tmp_path / "a.txt"
    src.write_text("Blinken met Lavrov.", encoding="utf-8")
    with pytest.raises(PreannotateError, match="is a Claimdesk project"):
        check_output(project, [str(src)], force=True)
    with pytest.raises(PreannotateError, match="one of the inputs"):
        check_output(src, [str(src)], force=True)
    assert check_output(tmp_path / "out.jsonl", [str(src)], force=False) == tmp_path / "out.jsonl"
