"""The command line through its entry points: new, import, info, status, history, demo."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SEEDS


def claimdesk(*args: str, cwd: Path | None = None, env_extra: dict[str, str] | None = None
              ) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("claimdesk")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "desktop"]
    env = {**os.environ, **(env_extra or {})}
    env = {k: v for k, v in env.items() if v != ""}
    return subprocess.run([*cmd, *args], capture_output=True, text=True, cwd=cwd or REPO, timeout=300, env=env)


def test_console_script_is_installed():
    assert Path(sys.executable).with_name("claimdesk").exists() or shutil.which("claimdesk")


def test_new_import_info_reports_seeds_with_metadata(tmp_path):
    project = tmp_path / "p.claimdesk"
    assert claimdesk("new", str(project)).returncode == 0
    out = claimdesk("import", str(project), str(SEEDS))
    assert out.returncode == 0, out.stderr
    assert "5 documents imported" in out.stdout
    info = json.loads(claimdesk("info", str(project), "--json").stdout)
    assert info["documents"] == 5
    assert info["documents_by_status"] == {"new": 5, "in_progress": 0, "done": 0}
    docs = {d["ext_id"]: d for d in info["document_list"]}
    hill = docs["000_4e8e7165941dcf45"]
    assert hill["title"] == "Blinken Lavrov meet to discuss critical moment amid Ukraine invasion fears"
    assert hill["published"] == "2022-01-21" and hill["source"] == "thehill.com"
    assert docs["001_b662277d12457799"]["source"] == "AP"
    assert docs["002_7aa081e1965c350a"]["title"].startswith("Blinken, Lavrov exchange")
    assert docs["004_7f7ac94bf29114df"]["title"] == "Blinken and Lavrov Held Talks in Geneva"
    assert {d["story"] for d in info["document_list"]} == {"seeds"}
    # text kept exactly as the file has it
    from desktop.core.store import Store

    with Store.open(project, readonly=True) as store:
        for doc in store.documents():
            assert doc.text == (SEEDS / f"{doc.ext_id}.txt").read_text(encoding="utf-8")
    human = claimdesk("info", str(project))
    assert "documents: 5" in human.stdout and "thehill.com" in human.stdout


def test_importing_the_same_articles_again_skips_duplicates(tmp_path):
    project = tmp_path / "p.claimdesk"
    claimdesk("new", str(project))
    claimdesk("import", str(project), str(SEEDS))
    out = claimdesk("import", str(project), str(SEEDS / "000_4e8e7165941dcf45.txt"))
    assert out.returncode == 0
    assert out.stdout.strip() == "0 documents imported; 1 skipped (same text already in the project)"
    assert "000_4e8e7165941dcf45.txt" in out.stderr and "same text" in out.stderr


def test_one_bad_file_does_not_stop_the_rest(tmp_path):
    project = tmp_path / "p.claimdesk"
    claimdesk("new", str(project))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Lavrov said the talks were useful.", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    out = claimdesk("import", str(project), str(folder), str(tmp_path / "missing.txt"))
    assert out.returncode == 0
    assert "1 document imported" in out.stdout
    assert "empty.txt" in out.stderr and "binary.txt" in out.stderr and "missing.txt" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("args, message", [
    (["info", "{tmp}/nope.claimdesk"], "no such project"),
    (["info", "{tmp}/notes.claimdesk"], "not a Claimdesk project"),
    (["import", "{tmp}/notes.claimdesk", "{tmp}"], "not a Claimdesk project"),
    (["new", "{tmp}/notes.claimdesk"], "already exists"),
    (["status", "{tmp}/p.claimdesk", "nope", "done"], "no document"),
])
def test_expected_errors_exit_1_with_one_line(tmp_path, args, message):
    (tmp_path / "notes.claimdesk").write_text("not a project")
    claimdesk("new", str(tmp_path / "p.claimdesk"))
    out = claimdesk(*[a.format(tmp=tmp_path) for a in args])
    assert out.returncode == 1
    assert message in out.stderr
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr


def test_status_and_history(tmp_path):
    project = tmp_path / "p.claimdesk"
    claimdesk("new", str(project))
    claimdesk("import", str(project), str(SEEDS / "002_7aa081e1965c350a.txt"))
    assert claimdesk("status", str(project), "002_7aa081e1965c350a", "done").returncode == 0
    info = json.loads(claimdesk("info", str(project), "--json").stdout)
    assert info["documents_by_status"]["done"] == 1
    history = claimdesk("history", str(project)).stdout
    assert "add document 002_7aa081e1965c350a" in history and "mark document done" in history


def test_python_dash_m_and_help():
    out = subprocess.run([sys.executable, "-m", "desktop", "--help"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0
    for command in ("new", "import", "info", "status", "history", "demo"):
        assert command in out.stdout


def test_demo_builds_once_in_the_data_folder(tmp_path):
    out = claimdesk("demo")
    assert out.returncode == 0, out.stderr
    assert "built from the seeds" in out.stdout
    path = Path(os.environ["CLAIMDESK_DATA_DIR"]) / "demo.claimdesk"
    assert str(path) in out.stdout and path.exists()
    assert "5 documents annotated" in out.stdout  # it opens on suggestions to correct
    again = claimdesk("demo")
    assert "built from the seeds" not in again.stdout and "5 documents" in again.stdout
    headless = claimdesk("demo", "--open", env_extra={"DISPLAY": "", "WAYLAND_DISPLAY": "", "QT_QPA_PLATFORM": ""})
    assert "no display found" in headless.stdout and "5 already done" in headless.stdout


def test_label_schema_is_editable_per_project(tmp_path):
    project = tmp_path / "p.claimdesk"
    claimdesk("new", str(project))
    listing = claimdesk("labels", str(project)).stdout
    assert "PERSON" in listing and "claim:verdict" in listing and "misleading" in listing
    assert claimdesk("labels", str(project), "add", "claim", "half true", "--set", "verdict", "--color", "#abcdef").returncode == 0
    assert claimdesk("labels", str(project), "add", "entity", "MISC", "--hotkey", "1").returncode == 1  # PERSON has 1
    assert claimdesk("labels", str(project), "edit", "PERSON", "--name", "PER", "--color", "#112233").returncode == 0
    assert claimdesk("labels", str(project), "remove", "LAW").returncode == 0
    rows = json.loads(claimdesk("labels", str(project), "--json").stdout)
    names = {(r["label_set"], r["name"]) for r in rows}
    assert ("verdict", "half true") in names and ("", "PER") in names and ("", "LAW") not in names
    bad = claimdesk("labels", str(project), "remove", "NOPE")
    assert bad.returncode == 1 and "no label 'NOPE'" in bad.stderr


#: Runs the command line with Qt's X11 platform library failing to load the way it does on a
#: machine without libxcb-cursor0 (the dynamic loader's own message), on a display that does not
#: exist: if the check did not stop it, Qt would print a screenful and abort.
_WITHOUT_XCB_CURSOR = """
import ctypes, sys
real = ctypes.CDLL
def cdll(name, *a, **k):
    if "XcbQpa" in str(name):
        raise OSError("libxcb-cursor.so.0: cannot open shared object file: No such file or directory")
    return real(name, *a, **k)
ctypes.CDLL = cdll
from desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""


def without_xcb_cursor(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env["DISPLAY"] = ":97"
    return subprocess.run([sys.executable, "-c", _WITHOUT_XCB_CURSOR, *args], capture_output=True, text=True,
                          cwd=REPO, timeout=300, env=env)


def test_open_without_the_x11_libraries_says_which_package_in_one_line(tmp_path):
    project = tmp_path / "p.claimdesk"
    claimdesk("new", str(project))
    out = without_xcb_cursor("open", str(project))
    assert out.returncode == 1, out.stderr
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert "libxcb-cursor.so.0" in out.stderr and "apt install libxcb-cursor0" in out.stderr
    shot = tmp_path / "shot.png"  # a screenshot renders offscreen and needs no X11 library
    assert without_xcb_cursor("open", str(project), "--screenshot", str(shot)).returncode == 0 and shot.exists()


def test_info_lists_the_first_fifty_documents_and_all_of_them_on_request(tmp_path):
    from desktop.core import edits
    from desktop.core.store import Store

    project = tmp_path / "many.claimdesk"
    with Store.create(project) as store:
        edits.apply_many(store, [edits.AddDocument(f"d{i}", f"Article {i} text.", title=f"Title {i}") for i in range(62)],
                         "add")
    lines = claimdesk("info", str(project)).stdout.splitlines()
    listed = [line for line in lines if line.startswith("  [")]
    assert len(listed) == 50 and listed[-1].endswith("Title 49")
    assert lines[-1] == "  … and 12 more (--all lists every document, --json gives them as data)"
    listed = [line for line in claimdesk("info", str(project), "--all").stdout.splitlines() if line.startswith("  [")]
    assert len(listed) == 62 and listed[-1].endswith("Title 61")
    assert len(json.loads(claimdesk("info", str(project), "--json").stdout)["document_list"]) == 62
