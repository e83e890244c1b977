"""Fault tolerance through the command line: killed commands, bad project files, nasty input,
two writers.  Real code paths in subprocesses; nothing here is timed."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from desktop.core import edits as E
from desktop.core.store import SCHEMA_VERSION, Store
from tests.conftest import REPO
from tests.processes import kill_when

pytestmark = pytest.mark.slow

#: Runs the CLI with the network and program execution refused and recorded (to argv[1]).
GUARDED = """
import os, socket, subprocess, sys, urllib.request
LOG = sys.argv[1]

def refuse(name):
    def _refuse(*args, **kwargs):
        with open(LOG, "a", encoding="utf-8") as fh:
            fh.write(f"{name} {args!r}\\n")
        raise OSError(f"{name} refused by the test")
    return _refuse

socket.socket.connect = refuse("connect")
socket.socket.connect_ex = refuse("connect_ex")
socket.create_connection = refuse("create_connection")
socket.getaddrinfo = refuse("getaddrinfo")
urllib.request.urlopen = refuse("urlopen")
subprocess.Popen.__init__ = refuse("Popen")
os.system = refuse("system")
from desktop.cli import main
sys.exit(main(sys.argv[2:]))
"""

NOWHERE = "http://127.0.0.1:9"


def _env() -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
    for key in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        env[key] = NOWHERE
    env.pop("no_proxy", None)
    env.pop("NO_PROXY", None)
    return env


def claimdesk(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "desktop", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=timeout, env=_env())


def guarded(log: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", GUARDED, str(log), *args], capture_output=True, text=True,
                          cwd=REPO, timeout=300, env=_env())


def _corpus_files(folder: Path, n: int) -> list[Path]:
    from desktop.bench.harness import Corpus

    folder.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(seed=7)
    paths = []
    for i, text in enumerate(corpus.texts(n)):
        path = folder / f"article_{i:02d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


# SIGKILL during `claimdesk annotate` ------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_during_annotate_then_resume(tmp_path):
    project = tmp_path / "p.claimdesk"
    assert claimdesk("new", str(project)).returncode == 0
    _corpus_files(tmp_path / "in", 30)
    out = claimdesk("import", str(project), str(tmp_path / "in"))
    assert "30 documents imported" in out.stdout, out.stderr
    def past_first_commit(line: str) -> bool:  # progress lines: "annotating: 3/30", ...
        m = re.match(r"annotating: (\d+)/30", line)
        return bool(m) and int(m.group(1)) >= 18  # past the first commit (every 16 documents or 2 s)

    seen, _ = kill_when([sys.executable, "-m", "desktop", "annotate", str(project)], past_first_commit,
                        stream="stderr", env=_env())
    assert any(re.match(r"annotating: (1[89]|2\d)/30", s) for s in seen), seen
    # the project opens, is intact, and says which documents are done
    with Store.open(project) as store:
        assert store.integrity_check() == ["ok"]
        rows = store.conn.execute("SELECT id, annotated_model FROM documents ORDER BY id").fetchall()
        done = {r[0] for r in rows if r[1]}
        # Suggestions are committed every 16 documents or every 2 s, whichever comes first, so at
        # "18/30" at least one batch is in, but how many documents it holds depends on the
        # machine's speed (a slow run commits by time, e.g. 12 documents).
        assert 1 <= len(done) < 30
        with_suggestions = {r[0] for r in store.conn.execute("SELECT DISTINCT doc_id FROM mentions")}
        assert with_suggestions <= done  # a batch is all or nothing
        assert len(with_suggestions) >= len(done) - 2
        model = {r[1] for r in rows if r[1]}
        assert len(model) == 1
    again = claimdesk("annotate", str(project))
    assert again.returncode == 0, again.stderr
    assert f"{30 - len(done)} documents annotated" in again.stdout
    assert f"{len(done)} already done" in again.stdout
    with Store.open(project, readonly=True) as store:
        assert store.conn.execute("SELECT count(*) FROM documents WHERE annotated_model IS NULL").fetchone()[0] == 0
        assert store.integrity_check() == ["ok"]


# Bad project files through every command that opens one ------------------------------------------------


def _truncated(path: Path) -> None:
    with Store.create(path) as store:
        for i in range(200):
            E.apply(store, E.AddDocument(f"d{i}", f"Document number {i}. " * 50))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _zero_filled(path: Path) -> None:
    path.write_bytes(b"\0" * 16384)


def _foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.commit()
    conn.close()


def _newer(path: Path) -> None:
    with Store.create(path):
        pass
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


BAD_PROJECTS = {
    "truncated": (_truncated, "damaged"),
    "zero-filled": (_zero_filled, "not an SQLite database"),
    "foreign sqlite": (_foreign, "not a Claimdesk project"),
    "newer schema": (_newer, "newer Claimdesk"),
}


def test_bad_project_files_give_one_clear_line_and_stay_unchanged(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text("Lavrov said the talks in Geneva were useful.", encoding="utf-8")
    commands = {
        "info": lambda p: ["info", str(p)],
        "import": lambda p: ["import", str(p), str(article)],
        "annotate": lambda p: ["annotate", str(p)],
        "open": lambda p: ["open", str(p), "--screenshot", str(p.parent / "shot.png")],
    }
    runs = []
    for case, (make, message) in BAD_PROJECTS.items():
        for name, argv in commands.items():
            folder = tmp_path / f"{case.replace(' ', '_')}-{name}"
            folder.mkdir()
            path = folder / "bad.claimdesk"
            make(path)
            for suffix in ("-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            before = path.read_bytes()
            proc = subprocess.Popen([sys.executable, "-m", "desktop", *argv(path)], cwd=REPO, env=_env(),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            runs.append((case, name, message, path, before, proc))
    for case, name, message, path, before, proc in runs:
        out, err = proc.communicate(timeout=300)
        where = f"{case} / claimdesk {name}"
        assert proc.returncode == 1, (where, out, err)
        assert "Traceback" not in err, (where, err)
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("claimdesk: error: "), (where, err)
        assert message in lines[0] and "bad.claimdesk" in lines[0], (where, lines[0])
        assert path.read_bytes() == before, where
        # no lock left, nothing written: SQLite's read-only open of a WAL-mode file may leave an
        # empty -wal and its -shm index beside it, nothing else
        left = {p.name for p in path.parent.iterdir()} - {"bad.claimdesk", "bad.claimdesk-shm"}
        assert left <= {"bad.claimdesk-wal"}, (where, left)
        assert not left or Path(f"{path}-wal").stat().st_size == 0, where


# Nasty input files through `claimdesk import` ----------------------------------------------------------

GOOD_TEXT = "Antony Blinken met Sergey Lavrov in Geneva on Friday. Lavrov said the talks were useful."


def _nasty_folder(folder: Path) -> dict[str, str | None]:
    """Write the nasty files; returns {file name: expected message fragment, None for good ones}."""
    folder.mkdir()
    expect: dict[str, str | None] = {}

    def put(name: str, data: bytes | str, message: str | None) -> None:
        path = folder / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        expect[name] = message

    put("good.txt", GOOD_TEXT, None)
    put("binary.txt", bytes(range(256)) * 64, "binary")
    put("utf16_no_bom.txt", "Lavrov said the talks were useful.".encode("utf-16-le"), "binary")
    big_line = ("word " * (50 * 1024 * 1024 // 5)).encode("ascii")
    put("huge.txt", big_line, "larger than")
    put("huge.jsonl", b'{"id": "huge", "text": "' + big_line + b'"}\n'
        + json.dumps({"id": "after-huge", "text": "Lavrov arrived in Geneva late on Thursday."}).encode() + b"\n",
        "line is larger than")
    lines = [
        json.dumps({"id": "ok-1", "text": "Blinken spoke to reporters after the meeting."}),
        '{"id": "broken", "text": "no closing brace"',
        json.dumps({"id": "past", "text": "Short text.", "entities": [{"start": 0, "end": 500, "label": "PERSON"}]}),
        json.dumps({"id": "reversed", "text": "Short text two.", "entities": [{"start": 8, "end": 2, "label": "ORG"}]}),
        json.dumps({"id": "ok-2", "text": "Russia denied any plans to invade Ukraine.",
                    "entities": [{"start": 0, "end": 6, "label": "GPE"}]}),
    ]
    put("mixed.jsonl", ("\n".join(lines) + "\n").encode("utf-8")
        + json.dumps({"id": "latin", "text": "Caf\u00e9 talks"}, ensure_ascii=False).encode("cp1252") + b"\n",
        "records")
    (folder / "past.txt").write_text("Short brat text.", encoding="utf-8")
    (folder / "past.ann").write_text("T1\tPERSON 0 5\tShort\nT2\tPERSON 6 400\tbeyond\n", encoding="utf-8")
    expect["past.ann"] = "past"
    html = (
        '<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY remote SYSTEM '
        '"http://example.invalid/x.dtd">]><html><head><title>Geneva talks</title>'
        '<script src="http://example.invalid/a.js"></script><script>document.write("SCRIPT-RAN")</script></head>'
        '<body><iframe src="http://example.invalid/frame">IFRAME-TEXT</iframe><article><h1>Geneva talks</h1>'
        + "<p>The two ministers met for ninety minutes in a hotel by the lake and agreed to keep talking. "
        "&xxe; &remote;</p>" * 4
        + '<img src="http://example.invalid/pixel.png" alt="IMG-ALT"></article></body></html>'
    )
    put("evil.html", html, None)
    return expect


def test_nasty_files_are_reported_by_name_and_line_and_only_good_documents_import(tmp_path):
    project = tmp_path / "p.claimdesk"
    assert claimdesk("new", str(project)).returncode == 0
    folder = tmp_path / "nasty"
    _nasty_folder(folder)
    log = tmp_path / "network.log"
    out = guarded(log, "import", str(project), str(folder))
    assert "Traceback" not in out.stderr, out.stderr
    assert out.returncode == 0, out.stderr
    assert not log.exists(), log.read_text()
    errors = [ln for ln in out.stderr.splitlines() if ln.startswith("error: ")]

    def reported(name: str, line: int | None = None) -> bool:
        where = f"{folder / name}:{line}:" if line else f"{folder / name}:"
        return any(ln[len("error: "):].startswith(where) for ln in errors)

    assert reported("binary.txt") and reported("utf16_no_bom.txt") and reported("huge.txt")
    assert reported("huge.jsonl", 1)
    assert reported("mixed.jsonl", 2) and reported("mixed.jsonl", 3) and reported("mixed.jsonl", 4)
    assert reported("mixed.jsonl", 6)  # cp1252 bytes in a UTF-8 file
    assert reported("past.ann", 2)
    with Store.open(project, readonly=True) as store:
        assert store.integrity_check() == ["ok"]
        docs = {d.ext_id: d for d in store.documents()}
        assert set(docs) == {"good", "after-huge", "ok-1", "ok-2", "evil"}
        assert docs["good"].text == GOOD_TEXT
        evil = docs["evil"].text
        for hidden in ("SCRIPT-RAN", "IFRAME-TEXT", "IMG-ALT", "example.invalid", "root:"):
            assert hidden not in evil
        assert [(m.start, m.end, m.label) for m in store.mentions(docs["ok-2"].id)] == [(0, 6, "GPE")]
        assert store.mentions(docs["ok-1"].id) == []
    assert "5 documents imported" in out.stdout


# Two writers --------------------------------------------------------------------------------------------

HOLDER = """
import sys, time
from desktop.core.store import Store
store = Store.open(sys.argv[1])
print("holding", flush=True)
time.sleep(120)
"""


def test_import_while_another_process_holds_the_project_names_the_holder(tmp_path):
    project = tmp_path / "p.claimdesk"
    assert claimdesk("new", str(project)).returncode == 0
    article = tmp_path / "a.txt"
    article.write_text(GOOD_TEXT, encoding="utf-8")
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(HOLDER), str(project)], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**_env(), "CLAIMDESK_ANNOTATOR": "alice"})
    try:
        assert holder.stdout.readline().strip() == "holding"
        out = claimdesk("import", str(project), str(article))
        assert out.returncode == 1
        assert "Traceback" not in out.stderr
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1, out.stderr
        assert "already open by alice@" in lines[0] and f"(pid {holder.pid})" in lines[0]
    finally:
        holder.kill()
        holder.wait(timeout=60)
        holder.stdout.close()
        holder.stderr.close()
    with Store.open(project, readonly=True) as store:
        assert store.document_count() == 0
    out = claimdesk("import", str(project), str(article))  # the holder is gone: the lock went with it
    assert out.returncode == 0 and "1 document imported" in out.stdout, out.stderr


def test_guard_itself_catches_network_use(tmp_path):
    """The guard used above really records an attempt (so 'no log file' means 'no attempt')."""
    log = tmp_path / "network.log"
    code = GUARDED.replace("from desktop.cli import main\nsys.exit(main(sys.argv[2:]))",
                           "import urllib.request\ntry:\n    urllib.request.urlopen('http://example.invalid/')\n"
                           "except OSError:\n    pass\n")
    subprocess.run([sys.executable, "-c", code, str(log)], cwd=REPO, timeout=60, env=_env(), check=True)
    assert "urlopen" in log.read_text()


# Worker processes of a parallel annotate ----------------------------------------------------------------


def test_parallel_annotate_cancel_stops_workers_and_resume_matches_one_process(tmp_path):
    import psutil

    from desktop.core.jobs import Job
    from desktop.nlp.annotate import annotate_project

    texts = [p.read_text(encoding="utf-8") for p in _corpus_files(tmp_path / "in", 24)]

    def project(name: str) -> Path:
        path = tmp_path / name
        with Store.create(path) as store:
            for i, text in enumerate(texts):
                E.apply(store, E.AddDocument(f"a{i:02d}", text))
        return path

    def suggestions(store: Store) -> list:
        return ([(m.doc_id, m.start, m.end, m.label, m.prov.status) for m in store.mentions()],
                [(q.doc_id, q.content, q.speaker, q.cue, q.type) for q in store.quotes()])

    with Store.open(project("one.claimdesk")) as store:
        annotate_project(store, processes=1)
        expected = suggestions(store)
    seen = []
    job = Job(on_progress=lambda done, total, msg: seen.append(done), is_cancelled=lambda: len(seen) > 4)
    with Store.open(project("two.claimdesk")) as store:
        first = annotate_project(store, processes=2, batch_size=2, job=job)
        assert first.cancelled and 0 < first.annotated < 24
        assert psutil.Process().children(recursive=True) == []  # the workers are gone
        marked = store.conn.execute("SELECT count(*) FROM documents WHERE annotated_model IS NOT NULL").fetchone()[0]
        assert marked == first.annotated
        second = annotate_project(store, processes=2, batch_size=2)
        assert second.annotated == 24 - first.annotated and second.skipped == first.annotated
        assert suggestions(store) == expected


def test_ctrl_c_during_parallel_annotate_leaves_no_workers_and_resumes(tmp_path):
    import psutil

    project = tmp_path / "p.claimdesk"
    assert claimdesk("new", str(project)).returncode == 0
    _corpus_files(tmp_path / "in", 30)
    assert "30 documents imported" in claimdesk("import", str(project), str(tmp_path / "in")).stdout
    # a shell starts a background job (``make test &``, a CI runner's) with SIGINT ignored, and the
    # child would inherit that: here Ctrl+C does what it does in a terminal
    child = subprocess.Popen([sys.executable, "-m", "desktop", "annotate", str(project), "--processes", "2"],
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    workers: list[psutil.Process] = []
    try:
        for line in child.stderr:
            m = re.match(r"annotating: (\d+)/30", line)
            if m and int(m.group(1)) >= 3:
                workers = psutil.Process(child.pid).children(recursive=True)
                break
        child.send_signal(signal.SIGINT)
        _out, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=60)
    assert child.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert len(workers) >= 2
    gone, alive = psutil.wait_procs(workers, timeout=30)
    assert alive == []
    with Store.open(project) as store:
        assert store.integrity_check() == ["ok"]
        done = store.conn.execute("SELECT count(*) FROM documents WHERE annotated_model IS NOT NULL").fetchone()[0]
    again = claimdesk("annotate", str(project), "--processes", "2")
    assert again.returncode == 0 and f"{done} already done" in again.stdout, again.stderr
