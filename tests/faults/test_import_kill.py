"""An import killed midway (issue 13, item 14): its files are read by worker processes and its
documents written in batches, one transaction, one search-index fill and one history row each.
A SIGKILL in the middle of a batch leaves the project valid: the batches committed before it,
whole (rows, search index, list statistics), nothing of the open one, and no worker left behind
holding the project."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

import pytest

from desktop.core import importers
from desktop.core.invariants import check
from desktop.core.store import ProjectLockedError, Store

#: Imports a folder with batches of 50 and kills itself (SIGKILL) when the 120th document is in.
CHILD = textwrap.dedent("""
    import os, signal, sys
    from desktop.core import jobs
    from desktop.core.store import Store

    jobs.IMPORT_BATCH_DOCUMENTS, jobs.IMPORT_BATCH_SECONDS = 50, 3600

    def progress(done, total, name):
        if done == 120:
            os.kill(os.getpid(), signal.SIGKILL)

    with Store.open(sys.argv[1]) as store:
        jobs.import_into(store, [sys.argv[2]], job=jobs.Job(on_progress=progress))
""")


def _open_when_free(path, seconds: float = 30.0) -> Store:
    """The project for writing, once every process of the killed import is gone."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return Store.open(path)
        except ProjectLockedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_an_import_killed_midway_keeps_whole_batches_and_leaves_no_worker(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    n = importers.POOL_MIN_INPUTS + 50  # enough files for the worker pool
    for i in range(n):
        (folder / f"a{i:04d}.txt").write_text(f"Report {i}\n\nOfficials in Geneva met on day {i} to talk about the "
                                              "border.", encoding="utf-8")
    project = tmp_path / "p.claimdesk"
    Store.create(project).close()
    proc = subprocess.run([sys.executable, "-c", CHILD, str(project), str(folder)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    with _open_when_free(project) as store:  # the workers noticed and left: the lock is free
        assert store.integrity_check() == ["ok"]
        docs = sorted(d.ext_id for d in store.documents())
        assert docs == [f"a{i:04d}" for i in range(100)]  # two batches of 50; the third was open
        assert store.search_count("border") == 100
        assert [r["summary"] for r in store.history()] == ["add 50 documents: a0050, a0051, a0052 and 47 more",
                                                           "add 50 documents: a0000, a0001, a0002 and 47 more"]
        store.conn.execute("INSERT INTO documents_fts (documents_fts, rank) VALUES ('integrity-check', 1)")
        assert check(store) == []
