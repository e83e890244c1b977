"""The project file under faults: a lock taken through another name, a deleted -wal, a full disk,
read-only files and media, and damage that ``quick_check`` does not see."""

from __future__ import annotations

import subprocess
import sys

import pytest

from desktop.core.store import ProjectLockedError, Store, writer_lock

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
