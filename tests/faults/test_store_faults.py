"""The project file under faults: a lock taken through another name, a deleted -wal, a full disk,
read-only files and media, and damage that ``quick_check`` does not see."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import textwrap

import pytest

from desktop.core.store import ProjectLockedError, Store, writer_lock
from tests.core.test_crash import CHILD
from tests.faults.conftest import assert_one_line_error, run_cli
from tests.processes import kill_when

HOLD = """
import sys, time
from desktop.core.store import Store
store = Store.open(sys.argv[1])
print("open", flush=True)
time.sleep(600)
"""


def _try_writer_lock(path) -> subprocess.CompletedProcess:
    code = ("import sys\nfrom desktop.core.store import writer_lock, ProjectError\n"
            "try:\n    with writer_lock(sys.argv[1]): print('got it')\n"
            "except ProjectError as exc:\n    print(exc, file=sys.stderr); sys.exit(1)\n")
    return subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120)


# The writer lock without a database (claimdesk demo --rebuild) ---------------------------------------


def test_writer_lock_is_shared_with_store_create_in_the_same_process(tmp_path):
    path = tmp_path / "p.claimdesk"
    with writer_lock(path):
        with Store.create(path) as store:
            store.set_meta("k", "v")
        refused = _try_writer_lock(path)
        assert refused.returncode == 1 and "already open by" in refused.stderr, refused
        assert len(refused.stderr.strip().splitlines()) == 1
    assert _try_writer_lock(path).stdout.strip() == "got it"


def test_writer_lock_refused_while_another_process_writes(tmp_path):
    path = tmp_path / "p.claimdesk"
    Store.create(path).close()
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "open"
        with pytest.raises(ProjectLockedError, match="already open by"):
            with writer_lock(path):
                pass
    finally:
        child.kill()
        child.wait()
    with writer_lock(path):
        pass


# Item 5: the single-writer lock follows the file, not the name it was opened by ---------------------


def _hold_open(path):
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    line = child.stdout.readline().strip()
    assert line == "open", child.stderr.read() if child.poll() is not None else line
    return child


def _project_with_one_document(path) -> None:
    from desktop.core import edits as E

    with Store.create(path) as store:
        E.apply(store, E.AddDocument("d1", "Antony Blinken met Sergey Lavrov in Geneva. " * 5))


@pytest.mark.parametrize("link", ["symlink", "hardlink", "hardlink in the same folder"])
def test_second_writer_through_another_name_is_refused(tmp_path, link):
    real = tmp_path / "real.claimdesk"
    _project_with_one_document(real)
    other_dir = tmp_path if link.endswith("same folder") else tmp_path / "elsewhere"
    other_dir.mkdir(exist_ok=True)
    alias = other_dir / "alias.claimdesk"
    (alias.symlink_to if link == "symlink" else alias.hardlink_to)(real)
    child = _hold_open(real)
    try:
        proc = run_cli("status", alias, "d1", "done")
        assert_one_line_error(proc, "already open by", f"pid {child.pid}")
        # and the other way round: the alias holds it, the real name is refused
    finally:
        child.kill()
        child.wait()
    child = _hold_open(alias)
    try:
        assert_one_line_error(run_cli("status", real, "d1", "done"), "already open by", f"pid {child.pid}")
    finally:
        child.kill()
        child.wait()
    assert run_cli("status", alias, "d1", "done").returncode == 0
    with Store.open(real, readonly=True) as store:
        assert store.documents()[0].status == "done"


def test_hard_links_in_one_process_share_the_lock(tmp_path):
    real = tmp_path / "real.claimdesk"
    _project_with_one_document(real)
    alias = tmp_path / "alias.claimdesk"
    alias.hardlink_to(real)
    with Store.open(real) as a, Store.open(alias) as b:
        a.set_meta("k", "1")
        b.set_meta("k", "2")
        assert a.meta("k") == "2"


# Item 4: a -wal deleted behind a writer's back (a cleanup or sync tool), then a crash ----------------

EDIT_BURST = textwrap.dedent(CHILD)  # the crash test's writer: one mention a commit, printed


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_deleted_wal_then_crash_keeps_every_reported_edit(tmp_path):
    """The window: an edit that has returned is in the project file itself (checkpointed after
    each commit), so deleting the -wal loses at most a transaction still committing."""
    path = tmp_path / "p.claimdesk"
    _project_with_one_document(path)
    wal = tmp_path / "p.claimdesk-wal"
    seen = iter(range(1, 10**9))

    def until(line: str) -> bool:
        n = next(seen)
        if n == 5:
            assert wal.exists()
            wal.unlink()
        return n >= 120

    lines, stderr = kill_when([sys.executable, "-c", EDIT_BURST, str(path)], until=until)
    reported = [int(line.split()[1]) for line in lines if line.startswith("committed")]
    assert len(reported) >= 120, stderr
    with Store.open(path) as store:
        assert store.integrity_check() == ["ok"]
        stored = {m.id for m in store.mentions()}
    assert set(reported) <= stored, f"lost {len(set(reported) - stored)} of {len(reported)} reported edits"


# Item 11: a full disk -----------------------------------------------------------------------------


def test_sqlite_full_is_one_line_and_keeps_what_was_saved(tmp_path):
    from desktop.core import edits as E
    from desktop.core.store import DiskFullError

    path = tmp_path / "p.claimdesk"
    _project_with_one_document(path)
    with Store.open(path) as store:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(DiskFullError) as info:
            E.apply(store, E.AddDocument("big", "Lavrov spoke in Geneva for a long time. " * 20_000))
        message = str(info.value)
        assert "\n" not in message and "p.claimdesk" in message
        assert "not saved" in message and "kept" in message
        assert info.value.__context__ is None or "rollback" not in str(info.value.__context__)
        # the store goes on: what was saved is there, a change that fits is saved
        assert [d.ext_id for d in store.documents()] == ["d1"]
        store.conn.execute("PRAGMA max_page_count = 1073741823")
        E.apply(store, E.SetDocumentStatus(store.documents()[0].id, "done"))
    with Store.open(path, readonly=True) as store:
        assert [(d.ext_id, d.status) for d in store.documents()] == [("d1", "done")]


@pytest.mark.parametrize("leave", [0, 48 * 1024])
def test_new_on_a_full_disk_is_one_line_and_leaves_nothing(small_disk, leave):
    from tests.faults.conftest import fill

    fill(small_disk, leave=leave)
    proc = run_cli("new", small_disk / "p.claimdesk")
    assert_one_line_error(proc, "p.claimdesk", "disk full")
    assert sorted(p.name for p in small_disk.iterdir()) == [".filler"]


def test_full_disk_write_fails_in_one_line_and_reads_still_work(small_disk, tmp_path):
    from desktop.core import edits as E
    from desktop.core.store import DiskFullError
    from tests.faults.conftest import fill

    path = small_disk / "p.claimdesk"
    _project_with_one_document(path)
    with Store.open(path) as store:
        fill(small_disk)
        with pytest.raises(DiskFullError, match="disk full: this change was not saved; everything saved before is kept"):
            E.apply(store, E.AddDocument("big", "Lavrov spoke in Geneva for a long time. " * 20_000))
        assert store.document_count() == 1
        # a second writer cannot even start (no room for its -shm): one line
        assert_one_line_error(run_cli("status", path, "d1", "done"), "p.claimdesk")
    assert_one_line_error(run_cli("status", path, "d1", "done"), "p.claimdesk", "disk full", "kept")
    info = run_cli("info", path)
    assert info.returncode == 0 and "documents: 1" in info.stdout, info.stderr
    history = run_cli("history", path)
    assert history.returncode == 0, history.stderr
    out = tmp_path / "out.jsonl"
    assert run_cli("export", path, "-f", "jsonl", "-o", out).returncode == 0
    assert out.read_text(encoding="utf-8").count("\n") == 1


# Item 12: read-only files, folders and media --------------------------------------------------------


def _reads_work(path, out_dir) -> None:
    info = run_cli("info", path, respect_modes=True)
    assert info.returncode == 0 and "documents: 1" in info.stdout, info.stderr
    assert run_cli("history", path, respect_modes=True).returncode == 0
    out = out_dir / "out.jsonl"
    export = run_cli("export", path, "-f", "jsonl", "-o", out, respect_modes=True)
    assert export.returncode == 0, export.stderr
    assert out.read_text(encoding="utf-8").count("\n") == 1


def _writers_say_read_only(path) -> None:
    for args in (("status", path, "d1", "done"), ("labels", path, "add", "entity", "EVENT")):
        line = assert_one_line_error(run_cli(*args, respect_modes=True), path.name, "read-only")
        assert "damaged" not in line


@pytest.fixture
def out_dir(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    return out


def test_read_only_project_file(tmp_path, out_dir):
    path = tmp_path / "p.claimdesk"
    _project_with_one_document(path)
    path.chmod(0o444)
    _reads_work(path, out_dir)
    _writers_say_read_only(path)
    with Store.open(path, readonly=True) as store:
        assert store.documents()[0].status == "new"


def test_project_in_a_read_only_folder(tmp_path, out_dir):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "p.claimdesk"
    _project_with_one_document(path)
    folder.chmod(0o555)
    try:
        _reads_work(path, out_dir)
        _writers_say_read_only(path)
        assert sorted(p.name for p in folder.iterdir()) == ["p.claimdesk"]
    finally:
        folder.chmod(0o755)


def test_project_on_read_only_media(tmp_path, out_dir, readonly_mount):
    source = tmp_path / "src"
    source.mkdir()
    _project_with_one_document(source / "p.claimdesk")
    media = readonly_mount(source)
    _reads_work(media / "p.claimdesk", out_dir)
    _writers_say_read_only(media / "p.claimdesk")


def test_project_copied_to_read_only_media_while_open(tmp_path, out_dir, readonly_mount):
    """A copy taken while a writer had it open carries its -wal and -shm: still readable."""
    from desktop.core import edits as E

    source = tmp_path / "src"
    source.mkdir()
    path = source / "p.claimdesk"
    _project_with_one_document(path)
    with Store.open(path) as store:
        E.apply(store, E.SetDocumentStatus(store.documents()[0].id, "done"))
        assert (source / "p.claimdesk-wal").stat().st_size > 0
        media = readonly_mount(source)
    assert {"p.claimdesk-wal", "p.claimdesk-shm"} <= {p.name for p in media.iterdir()}
    _reads_work(media / "p.claimdesk", out_dir)
    with Store.open(media / "p.claimdesk", readonly=True) as store:
        assert store.documents()[0].status == "done"


def test_read_only_media_with_a_wal_but_no_shm_is_one_line(tmp_path, readonly_mount):
    """A -wal holding changes the project file lacks cannot be read without a -shm beside it:
    one line that says so (never a silent read of the older project file)."""
    import shutil
    import sqlite3

    source = tmp_path / "src"
    source.mkdir()
    path = source / "p.claimdesk"
    _project_with_one_document(path)
    copy = tmp_path / "copy"
    copy.mkdir()
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("UPDATE documents SET status = 'done'")  # stays in the -wal (no checkpoint yet)
        shutil.copy2(path, copy / path.name)
        shutil.copy2(source / "p.claimdesk-wal", copy / "p.claimdesk-wal")
    finally:
        writer.close()
    media = readonly_mount(copy)
    assert_one_line_error(run_cli("info", media / "p.claimdesk"), "p.claimdesk", "read-only", "-wal")


def test_a_folder_at_the_lock_path_is_one_line(tmp_path):
    path = tmp_path / "p.claimdesk"
    _project_with_one_document(path)
    (tmp_path / "p.claimdesk.lock").mkdir()
    assert_one_line_error(run_cli("status", path, "d1", "done"), "p.claimdesk.lock", "folder")
    assert run_cli("info", path).returncode == 0


# Item 13: damage quick_check does not see, a forged schema version, a one-line damage message --------


def _sample_project(path) -> None:
    from tests.conftest import _make_sample

    with Store.create(path) as store:
        _make_sample(store)
    assert not path.with_name(path.name + "-wal").exists()


def _corrupt(path, find: bytes, replace: bytes, count: int = 1) -> None:
    data = path.read_bytes()
    assert data.count(find) >= 1, find
    path.write_bytes(data.replace(find, replace, count if count else -1))


DAMAGE = {
    # a stray byte in a document's text: not UTF-8
    "text": (b"in Geneva.", b"in \xffeneva.", ["info", "export", "open"], "UTF-8"),
    # a bit flip in a quote's spans (the quotes row comes before the history row that repeats them)
    "quote": (b"[[93, 148]]", b"{[93, 148]]", ["export"], "quotes row 1: content"),
    "claim": (b'{"checkworthiness": "opinion"}', b'!"checkworthiness": "opinion"}', ["export"],
              "claims row 1: labels"),
    "history": (b'{"kind": "add_document"', b'!"kind": "add_document"', ["history"], "history row 1: edit"),
}


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_damaged_payloads_give_one_line_naming_the_row(tmp_path, case):
    find, replace, commands, needle = DAMAGE[case]
    path = tmp_path / "p.claimdesk"
    _sample_project(path)
    # a text's damage garbles every copy of those bytes: the text, and the document list's lead
    # (document_stats, schema 8), which ``info`` reads instead of the text
    _corrupt(path, find, replace, 0 if case == "text" else 1)
    with Store.open(path, readonly=True) as store:
        assert store.integrity_check() == ["ok"]  # quick_check cannot see it
    runs = {
        "info": lambda: run_cli("info", path),
        "history": lambda: run_cli("history", path),
        "export": lambda: run_cli("export", path, "-f", "jsonl", "-o", tmp_path / "out.jsonl"),
        "open": lambda: run_cli("open", path, "--screenshot", tmp_path / "shot.png"),
    }
    for command in commands:
        proc = runs[command]()
        # progress lines ("exporting: 0/1") are not part of the error
        proc.stderr = "\n".join(line for line in proc.stderr.splitlines() if not re.match(r"\w+: \d+/\d+$", line))
        assert_one_line_error(proc, "p.claimdesk", "damaged project file", needle)


def test_edits_over_a_damaged_row_give_one_line_and_change_nothing(tmp_path):
    """Edits read stored JSON too (a label removed or renamed looks at every claim's labels)."""
    find, replace, _, needle = DAMAGE["claim"]
    path = tmp_path / "p.claimdesk"
    _sample_project(path)
    _corrupt(path, find, replace)
    for args in (["remove", "opinion", "--set", "checkworthiness"],
                 ["edit", "opinion", "--set", "checkworthiness", "--name", "view"]):
        assert_one_line_error(run_cli("labels", path, *args), "p.claimdesk", "damaged project file", needle)
    with Store.open(path, readonly=True) as store:
        assert [r["name"] for r in store.label_rows() if r["label_set"] == "checkworthiness"].count("opinion") == 1


@pytest.mark.parametrize("case", ["quote", "claim"])
def test_damaged_annotations_in_the_window_give_one_line(tmp_path, case):
    find, replace, _, needle = DAMAGE[case]
    path = tmp_path / "p.claimdesk"
    _sample_project(path)
    _corrupt(path, find, replace)
    proc = run_cli("open", path, "--screenshot", tmp_path / "shot.png")
    proc.stderr = "\n".join(line for line in proc.stderr.splitlines() if "propagateSizeHints" not in line)
    assert_one_line_error(proc, "p.claimdesk", "damaged project file", needle)


@pytest.mark.parametrize("version", [2, 0, -3])
def test_forged_user_version_is_one_line(tmp_path, version):
    import sqlite3

    path = tmp_path / "p.claimdesk"
    _project_with_one_document(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    before = path.read_bytes()
    assert_one_line_error(run_cli("status", path, "d1", "done"), "p.claimdesk", "damaged")
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.bak"))


def test_damaged_file_message_is_one_line_with_details(tmp_path):
    import sqlite3

    from desktop.core.store import DamagedProjectError

    path = tmp_path / "p.claimdesk"
    _sample_project(path)
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    roots = [r[0] for r in conn.execute("SELECT rootpage FROM sqlite_master WHERE type = 'index' AND rootpage > 1")]
    conn.close()
    data = bytearray(path.read_bytes())
    for root in roots:  # every index page: many problems at once
        start = (root - 1) * page_size
        data[start:start + 64] = b"\x0d" + b"\xff" * 63
    path.write_bytes(bytes(data))
    proc = run_cli("info", path)
    line = assert_one_line_error(proc, "p.claimdesk", "damaged project file")
    assert "more problem" in line
    with pytest.raises(DamagedProjectError) as info:
        Store.open(path, readonly=True)
    assert "\n" not in str(info.value) and len(info.value.details) > 1


def test_reads_leave_no_wal_or_shm_behind(tmp_path):
    """Reading a project (healthy or refused as damaged) leaves the folder as it was."""
    path = tmp_path / "p.claimdesk"
    _project_with_one_document(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.claimdesk"]
    assert run_cli("info", path).returncode == 0
    assert run_cli("export", path, "-f", "jsonl", "-o", tmp_path / "out.jsonl").returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "p.claimdesk"]
    damaged = tmp_path / "d.claimdesk"
    _sample_project(damaged)
    data = bytearray(damaged.read_bytes())
    data[4096 * 12: 4096 * 12 + 64] = b"\x0d" + b"\xff" * 63  # a b-tree page quick_check sees
    damaged.write_bytes(bytes(data))
    assert_one_line_error(run_cli("info", damaged), "d.claimdesk", "damaged")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.claimdesk", "out.jsonl", "p.claimdesk"]
