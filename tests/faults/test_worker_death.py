"""Issue 10: a worker process killed during ``annotate --processes N`` (the out-of-memory killer,
a ``kill -9``) ends the command with one line, keeps what the other workers finished, and a rerun
goes on from there. It used to hang for ever: ``multiprocessing.Pool`` replaces a dead worker but
never finishes the batch it held."""

from __future__ import annotations

import subprocess
import sys

from desktop.core import edits as E
from desktop.core.store import Store
from tests.conftest import REPO

#: ``claimdesk annotate`` where the quote rules kill their own worker process on the text that
#: holds "Kaboom" (forked workers inherit the patch; the parent never runs the rules).
_KILLING = """
import os, signal, sys
from desktop.nlp import preannotate as P
real = P.extract_quotes
def extract_quotes(doc, *args, **kwargs):
    if "Kaboom" in doc.text and os.environ.get("KILL_WORKER"):
        os.kill(os.getpid(), signal.SIGKILL)
    return real(doc, *args, **kwargs)
P.extract_quotes = extract_quotes
from desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _annotate(project, kill: bool) -> subprocess.CompletedProcess:
    env = {**__import__("os").environ}
    env.pop("KILL_WORKER", None)
    if kill:
        env["KILL_WORKER"] = "1"
    return subprocess.run([sys.executable, "-c", _KILLING, "annotate", str(project), "--processes", "2"],
                          capture_output=True, text=True, cwd=REPO, timeout=600, env=env)


def _annotated(project) -> list[str]:
    with Store.open(project, readonly=True) as store:
        return sorted(r[0] for r in store.conn.execute(
            "SELECT ext_id FROM documents WHERE annotated_model IS NOT NULL"))


def test_a_killed_worker_ends_annotate_with_one_line_and_a_rerun_goes_on(tmp_path):
    project = tmp_path / "p.claimdesk"
    names = [f"d{i:02}" for i in range(40)]
    with Store.create(project) as store:
        for i, name in enumerate(names):
            who = "Kaboom Smith" if i == 20 else "Jane Doe"
            E.apply(store, E.AddDocument(name, f"“We will win round {i},” {who}, the mayor of Springfield, said."))
    out = _annotate(project, kill=True)  # batches of 16: the second one dies
    assert out.returncode == 1, out.stderr
    errors = [line for line in out.stderr.splitlines() if not line.startswith("annotating:")]  # progress
    assert len(errors) == 1 and "Traceback" not in out.stderr, out.stderr
    assert errors[0].startswith(f"claimdesk: error: {project}: a worker process died"), errors
    # the first batch is kept when it finished before the other worker died; when it was still
    # running, the broken pool fails it too (a busy machine): nothing half-written either way
    done = _annotated(project)
    assert done in ([], names[:16]), done
    again = _annotate(project, kill=False)
    assert again.returncode == 0, again.stderr
    assert (f"{40 - len(done)} documents annotated" in again.stdout
            and (not done or "16 already done" in again.stdout)), again.stdout
    assert _annotated(project) == names
