"""A writer killed with SIGKILL mid-burst loses nothing it had reported as committed."""

from __future__ import annotations

import signal
import sys
import textwrap

import pytest

from desktop.core.store import Store
from tests.processes import kill_when

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
    count = iter(range(1, 10**9))
    lines, stderr = kill_when([sys.executable, "-c", textwrap.dedent(CHILD), str(path)],
                              until=lambda line: next(count) >= 150)
    reported = [int(line.split()[1]) for line in lines if line.startswith("committed")]
    assert len(reported) >= 150, stderr
    with Store.open(path) as store:
        assert store.integrity_check() == ["ok"]
        stored = {m.id for m in store.mentions()}
        assert set(reported) <= stored
        assert len(store.history(10_000)) >= len(reported)
