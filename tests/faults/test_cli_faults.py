"""The command line under faults and mistakes: outputs that would replace a project or an input,
``demo --rebuild`` on someone else's project, deleting documents, a full disk, read-only and
unwritable places, names too long, a closed pipe, and one line for every failure (details behind
``--verbose`` and in the log file)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.core import edits as E
from desktop.core.store import Store
from tests.conftest import REPO, SAMPLE, _make_sample
from tests.faults.conftest import assert_one_line_error, fill, run_cli

HOLD = """
import sys, time
from desktop.core.store import Store
store = Store.open(sys.argv[1])
print("open", flush=True)
time.sleep(600)
"""


def _project(path: Path, docs: int = 0) -> Path:
    with Store.create(path) as store:
        _make_sample(store)
        for i in range(docs):
            E.apply(store, E.AddDocument(f"extra{i}", f"Document number {i} about the Geneva talks.",
                                         title=f"Extra {i}"))
    return path


def _snapshot(*paths: Path) -> dict[str, bytes | None]:
    return {str(p): (p.read_bytes() if p.is_file() else None) for p in paths}


def _without_progress(proc: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    """The run with the progress lines a non-terminal stderr gets ("annotating: 3/10") left out."""
    lines = [line for line in proc.stderr.splitlines() if not re.fullmatch(r"\w+: \d+/\d+", line)]
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout, "\n".join(lines) + "\n")


def _input(tmp_path: Path, name: str = "in.jsonl") -> Path:
    src = tmp_path / name
    src.write_text(json.dumps({"id": "a", "text": "“We will win,” Lavrov said."}) + "\n{broken\n", encoding="utf-8")
    return src


# Item 1: preannotate never writes over a project, its input, or a file it did not write --------------


def test_preannotate_refuses_to_write_over_the_project(tmp_path):
    project = _project(tmp_path / "p.claimdesk")
    before = _snapshot(project)
    proc = run_cli("preannotate", _input(tmp_path), "-o", project)
    assert_one_line_error(proc, "p.claimdesk", "project")
    assert _snapshot(project) == before
    with Store.open(project, readonly=True) as store:
        assert store.document_count() == 1


def test_preannotate_refuses_a_project_through_a_symlink_even_with_force(tmp_path):
    project = _project(tmp_path / "p.claimdesk")
    link = tmp_path / "out.jsonl"
    link.symlink_to(project)
    before = _snapshot(project)
    assert_one_line_error(run_cli("preannotate", _input(tmp_path), "-o", link, "--force"), "project")
    assert _snapshot(project) == before and link.is_symlink()


def test_preannotate_refuses_to_write_over_its_own_input(tmp_path):
    src = _input(tmp_path)
    before = _snapshot(src)
    assert_one_line_error(run_cli("preannotate", src, "-o", src), "in.jsonl", "input")
    # another spelling of the same file, and --force does not change that
    (tmp_path / "sub").mkdir()
    other = tmp_path / "sub" / ".." / "in.jsonl"
    assert_one_line_error(run_cli("preannotate", src, "-o", other, "--force"), "input")
    assert _snapshot(src) == before


def test_preannotate_refuses_a_file_inside_an_input_folder(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    article = folder / "a.txt"
    article.write_text("Lavrov said the talks were useful.", encoding="utf-8")
    before = _snapshot(article)
    assert_one_line_error(run_cli("preannotate", folder, "-o", article, "--force"), "a.txt", "input")
    assert _snapshot(article) == before


def test_preannotate_needs_force_for_a_file_it_did_not_write_and_says_so_before_loading_a_model(tmp_path):
    notes = tmp_path / "notes.jsonl"
    notes.write_text('{"id": "x", "text": "my own annotated work", "entities": []}\n', encoding="utf-8")
    before = _snapshot(notes)
    # an unknown model would be the first error if the model were loaded first
    proc = run_cli("preannotate", _input(tmp_path), "-o", notes, "--model", "xx_no_such_model")
    assert_one_line_error(proc, "notes.jsonl", "--force")
    assert _snapshot(notes) == before
    # an interchange export of a project (claims, editor provenance) is not preannotate's either
    export = tmp_path / "export.jsonl"
    export.write_text(json.dumps({"id": "x", "text": "t", "entities": [], "quotes": [], "claims": []}) + "\n")
    assert_one_line_error(run_cli("preannotate", _input(tmp_path), "-o", export), "--force")
    forced = run_cli("preannotate", _input(tmp_path), "-o", notes, "--force")
    assert forced.returncode == 0, forced.stderr
    (rec,) = map(json.loads, notes.read_text(encoding="utf-8").splitlines())
    assert rec["id"] == "a"


def test_preannotate_replaces_its_own_previous_output_and_an_empty_file(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("")
    src = _input(tmp_path)
    first = run_cli("preannotate", src, "-o", out)
    assert first.returncode == 0, first.stderr
    again = run_cli("preannotate", src, "-o", out)
    assert again.returncode == 0, again.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1


def test_preannotate_refuses_devices_pipes_and_streams(tmp_path):
    fifo = tmp_path / "out.jsonl"
    os.mkfifo(fifo)
    assert_one_line_error(run_cli("preannotate", _input(tmp_path), "-o", fifo, "--force"), "out.jsonl")
    assert fifo.is_fifo()
    stream = tmp_path / "stdout.jsonl"  # as /dev/stdout is: a link to this process's stream
    stream.symlink_to("/proc/self/fd/1")
    assert_one_line_error(run_cli("preannotate", _input(tmp_path), "-o", stream, "--force"), "stdout.jsonl")
    assert stream.is_symlink() and os.readlink(stream) == "/proc/self/fd/1"


def test_preannotate_through_a_symlink_replaces_the_file_it_leads_to_and_keeps_the_link(tmp_path):
    real = tmp_path / "real.jsonl"
    real.write_text("")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    proc = run_cli("preannotate", _input(tmp_path), "-o", link)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and json.loads(real.read_text(encoding="utf-8"))["id"] == "a"


# Item 14: preannotate into a folder, or into folders that do not exist ----------------------------------


def test_preannotate_into_a_folder_is_one_line_and_leaves_nothing(tmp_path):
    out = tmp_path / "outdir"
    out.mkdir()
    proc = run_cli("preannotate", _input(tmp_path), "-o", out)
    assert_one_line_error(proc, "outdir", "folder")
    assert list(out.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "outdir"]


def test_preannotate_creates_only_the_last_folder_level(tmp_path):
    deep = tmp_path / "nonexistent" / "dir" / "x.jsonl"
    assert_one_line_error(run_cli("preannotate", _input(tmp_path), "-o", deep), "does not exist")
    assert not (tmp_path / "nonexistent").exists()
    one = tmp_path / "new" / "x.jsonl"
    proc = run_cli("preannotate", _input(tmp_path), "-o", one)
    assert proc.returncode == 0, proc.stderr
    assert one.is_file()


# Item 2: demo --rebuild only ever rebuilds the demo, and only with the lock ---------------------------------


def _hold_open(path: Path) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=REPO,
                             env={**os.environ, "PYTHONPATH": str(REPO)})
    line = child.stdout.readline().strip()
    assert line == "open", child.stderr.read() if child.poll() is not None else line
    return child


def _stop(child: subprocess.Popen) -> None:
    child.kill()
    child.wait(timeout=60)
    child.stdout.close()
    child.stderr.close()


def test_demo_rebuild_refuses_a_project_that_is_not_the_demo(tmp_path):
    project = _project(tmp_path / "mine.claimdesk")
    before = _snapshot(project)
    proc = run_cli("demo", "--project", project, "--rebuild")
    assert_one_line_error(proc, "mine.claimdesk", "demo")
    assert _snapshot(project) == before
    wal = Path(f"{project}-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # nothing written (a reader may leave it empty)
    notes = tmp_path / "notes.txt"  # not a project at all
    notes.write_text("my notes")
    assert_one_line_error(run_cli("demo", "--project", notes, "--rebuild"), "notes.txt")
    assert notes.read_text() == "my notes"


def test_demo_rebuild_refuses_while_another_process_has_it_open(tmp_path):
    demo = tmp_path / "demo.claimdesk"
    built = run_cli("demo", "--project", demo)
    assert built.returncode == 0, built.stderr
    child = _hold_open(demo)
    try:
        files = (demo, Path(f"{demo}-wal"), Path(f"{demo}-shm"))
        before = _snapshot(*files)
        proc = run_cli("demo", "--project", demo, "--rebuild")
        assert_one_line_error(proc, "already open by", f"pid {child.pid}")
        assert _snapshot(*files) == before
    finally:
        _stop(child)
    rebuilt = run_cli("demo", "--project", demo, "--rebuild")  # the holder is gone
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "built from the seeds" in rebuilt.stdout


def test_an_old_demo_without_the_mark_is_rebuilt_only_at_the_default_path(tmp_path):
    default = Path(os.environ["CLAIMDESK_DATA_DIR"]) / "demo.claimdesk"
    _project(default)  # as an older Claimdesk left it: no mark
    proc = run_cli("demo", "--rebuild")
    assert proc.returncode == 0, proc.stderr
    with Store.open(default, readonly=True) as store:
        assert store.document_count() == 5 and store.meta("demo")
    elsewhere = _project(tmp_path / "demo.claimdesk")
    assert_one_line_error(run_cli("demo", "--project", elsewhere, "--rebuild"), "demo")


# Item 9: claimdesk delete ----------------------------------------------------------------------------------


def test_delete_documents_by_ext_id_and_number(tmp_path):
    project = _project(tmp_path / "p.claimdesk", docs=2)
    with Store.open(project, readonly=True) as store:
        extra1 = store.document_by_ext_id("extra1").id
    proc = run_cli("delete", project, "sample", str(extra1))
    assert proc.returncode == 0, proc.stderr
    assert "Sample" in proc.stdout and "2 entities, 1 quote, 1 claim" in proc.stdout
    assert "Extra 1" in proc.stdout
    with Store.open(project, readonly=True) as store:
        assert [d.ext_id for d in store.documents()] == ["extra0"]
        assert not store.mentions() and not store.quotes() and not store.claims()
        assert store.search("Lavrov") == [] and store.entity_by_name("Antony Blinken") is not None
        kinds = [h["kind"] for h in store.history(2)]
    assert kinds == ["delete_document", "delete_document"]
    history = run_cli("history", project)
    assert "delete document" in history.stdout


def test_delete_an_unknown_document_deletes_nothing(tmp_path):
    project = _project(tmp_path / "p.claimdesk", docs=1)
    before = _snapshot(project)
    assert_one_line_error(run_cli("delete", project, "extra0", "nope"), "nope")
    with Store.open(project, readonly=True) as store:
        assert store.document_count() == 2
    assert _snapshot(project) == before


# Item 14: small ones -------------------------------------------------------------------------------------------


def test_new_with_an_empty_name_or_on_an_existing_file_is_one_line(tmp_path):
    assert_one_line_error(run_cli("new", "", cwd=tmp_path), "name")
    existing = tmp_path / "notes.claimdesk"
    existing.write_text("mine")
    assert_one_line_error(run_cli("new", existing), "already exists")
    assert existing.read_text() == "mine"
    project = _project(tmp_path / "p.claimdesk")
    before = _snapshot(project)
    assert_one_line_error(run_cli("new", project), "already exists")
    assert _snapshot(project) == before


def _long_title_project(tmp_path: Path) -> Path:
    path = tmp_path / "p.claimdesk"
    with Store.create(path) as store:
        E.apply_many(store, [E.AddDocument(f"d{i}", f"Text {i} " + SAMPLE, title=f"Title {i} " + "x" * 10_000)
                             for i in range(60)], "add")
    return path


@pytest.mark.parametrize("unbuffered", ["1", ""])
def test_info_into_a_closed_pipe_exits_quietly(tmp_path, unbuffered):
    project = _long_title_project(tmp_path)
    read_end, write_end = os.pipe()
    os.close(read_end)
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": unbuffered}
    try:
        proc = subprocess.run([sys.executable, "-m", "desktop", "info", str(project)], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, env=env, timeout=300)
    finally:
        os.close(write_end)
    assert proc.returncode == 141, proc.stderr
    assert proc.stderr == ""


def test_info_piped_into_head_exits_quietly(tmp_path):
    project = _long_title_project(tmp_path)  # ~600 kB of output: far more than a pipe holds
    script = f'"{sys.executable}" -m desktop info "{project}" | head -c 10 >/dev/null; echo "status ${{PIPESTATUS[0]}}"'
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.stdout.strip() == "status 141", proc
    assert proc.stderr == ""


# Item 11: disk full, read-only, unwritable, too long: one line naming the file --------------------------------


def test_a_full_disk_gives_one_line_from_writing_commands(small_disk):
    project = _project(small_disk / "p.claimdesk")
    article = small_disk / "a.txt"
    article.write_text("Blinken and Lavrov met again on Friday. " * 2000, encoding="utf-8")
    fill(small_disk)
    proc = run_cli("import", project, article)
    line = assert_one_line_error(proc)
    assert "full" in line.lower() or "space" in line.lower(), line
    proc = run_cli("labels", project, "add", "entity", "MISC")
    line = assert_one_line_error(proc)
    assert "full" in line.lower() or "space" in line.lower(), line
    with Store.open(project, readonly=True) as store:
        assert store.document_count() == 1


def test_preannotate_on_a_full_disk_leaves_the_previous_output_and_no_partial_file(small_disk, tmp_path):
    src = tmp_path / "big.jsonl"
    text = "Lavrov said the talks were useful. " * 120  # ~500 kB of results: more than the disk has left
    src.write_text("".join(json.dumps({"id": f"d{i}", "text": f"{i} {text}"}) + "\n" for i in range(10)),
                   encoding="utf-8")
    out = small_disk / "out.jsonl"
    first = run_cli("preannotate", _input(tmp_path), "-o", out)
    assert first.returncode == 0, first.stderr
    before = _snapshot(out)
    fill(small_disk, leave=20_000)
    proc = run_cli("preannotate", src, "-o", out)
    line = assert_one_line_error(_without_progress(proc), "out.jsonl")
    assert "full" in line.lower() or "space" in line.lower(), line
    assert _snapshot(out) == before
    assert sorted(p.name for p in small_disk.iterdir()) == [".filler", "out.jsonl"]


def test_a_name_too_long_is_one_line_and_the_details_go_to_the_log(tmp_path):
    name = tmp_path / ("n" * 300 + ".claimdesk")
    proc = run_cli("new", name)
    assert_one_line_error(proc, "too long")
    log = Path(os.environ["CLAIMDESK_DATA_DIR"]) / "logs" / "claimdesk.log"
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "new" in text


def test_unwritable_folder_is_one_line_naming_the_file(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        proc = run_cli("new", folder / "p.claimdesk", respect_modes=True)
        assert_one_line_error(proc, "p.claimdesk")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def _undecodable_title(project: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(project)
    conn.execute("UPDATE documents SET title = CAST(X'C328FF' AS TEXT)")
    conn.commit()
    conn.close()


def test_a_database_error_is_one_line_naming_the_project(tmp_path):
    project = _project(tmp_path / "p.claimdesk")
    _undecodable_title(project)
    proc = run_cli("info", project)
    assert_one_line_error(proc, "p.claimdesk")


# Item 13: --verbose shows the details after the one line -------------------------------------------------------


@pytest.mark.parametrize("where", ["before", "after"])
def test_verbose_prints_details_after_the_one_line(tmp_path, where):
    name = tmp_path / ("n" * 300 + ".claimdesk")
    args = ["--verbose", "new", name] if where == "before" else ["new", name, "--verbose"]
    proc = run_cli(*args)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("claimdesk: error: ") and "too long" in lines[0]
    assert "Traceback" in proc.stderr and len(lines) > 3


def test_help_documents_verbose_delete_and_force():
    top = run_cli("--help").stdout
    assert "--verbose" in top and "delete" in top and "claimdesk.log" in top
    assert "--force" in run_cli("preannotate", "--help").stdout
