"""Run a child process until it reports something, then kill it as a crash or power cut would."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable, Sequence

from tests.conftest import REPO


def kill_when(argv: Sequence[str], until: Callable[[str], bool], *, stream: str = "stdout",
              env: dict[str, str] | None = None) -> tuple[list[str], str]:
    """Start ``argv``, read lines of ``stream`` until ``until(line)``, then SIGKILL the child.

    Returns every line of ``stream`` it printed (those still buffered when it died included) and
    the text of its other stream.
    """
    child = subprocess.Popen(list(argv), cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=env)
    source, other = (child.stdout, child.stderr) if stream == "stdout" else (child.stderr, child.stdout)
    lines: list[str] = []
    try:
        for line in source:
            lines.append(line.rstrip("\n"))
            if until(line):
                break
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
    lines += source.read().splitlines()
    rest = other.read()
    child.stdout.close()
    child.stderr.close()
    return lines, rest
