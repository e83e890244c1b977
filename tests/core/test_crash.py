"""A writer killed with SIGKILL mid-burst loses nothing it had reported as committed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from desktop.core.store import Store
from tests.conftest import REPO

CHILD = """
import sys
from desktop.core import edits as E
from desktop.core.store import Store

store = Store.open(sys.argv[1])
doc = store.documents()[0]
n = len(doc.text)
i = 0
while True:
    start = i % (n - 5)
    inverse = E.apply(store, E.AddMention(doc.id, start, start + 4, "PERSON"))
    print(f"committed {inverse.changes[-1].id}", flush=True)
    i += 1
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_during_edit_burst_keeps_every_reported_edit(tmp_path):
    path = tmp_path / "crash.claimdesk"
    from desktop.core import edits as E

    with Store.create(path) as store:
        E.apply(store, E.AddDocument("d", "Antony Blinken met Sergey Lavrov in Geneva on Friday. " * 20))
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(CHILD), str(path)], cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reported = []
    try:
        for line in child.stdout:
            reported.append(int(line.split()[1]))
            if len(reported) >= 150:
                break
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
    # Lines the child printed before it died also count as reported.
    reported += [int(line.split()[1]) for line in child.stdout.read().splitlines() if line.startswith("committed")]
    assert len(reported) >= 150, child.stderr.read()
    with Store.open(path) as store:
        assert store.integrity_check() == ["ok"]
        stored = {m.id for m in store.mentions()}
        assert set(reported) <= stored
        assert len(store.history(10_000)) >= len(reported)
