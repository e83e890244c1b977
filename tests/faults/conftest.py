"""Shared tools for the fault suite: run the CLI as a user would, on a small disk, with file
modes that apply even to root, and check that a failure is one clear line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

#: Root ignores file modes; without these capabilities it does not, as a user's account would not.
_RESPECT_MODES = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner,-linux_immutable"]


def run_cli(*args: str | os.PathLike, respect_modes: bool = False, timeout: float = 300,
            env: dict[str, str] | None = None, cwd: str | os.PathLike | None = None,
            input: str | None = None) -> subprocess.CompletedProcess:
    """``claimdesk ARGS`` in a child process (``python -m desktop``), output as text.

    ``respect_modes``: file and folder permissions apply even when the tests run as root.
    """
    cmd = [sys.executable, "-m", "desktop", *map(str, args)]
    if respect_modes and os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: file modes cannot be made to apply")
        cmd = _RESPECT_MODES + cmd
    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1",
                "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=full_env,
                          cwd=cwd, input=input if input is not None else "")


def assert_one_line_error(proc: subprocess.CompletedProcess, *needles: str) -> str:
    """The command failed (exit 1) with exactly one line on stderr, no traceback, naming each needle."""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert len(lines) == 1, proc.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def _mount(*args: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:
    """A folder on its own 3 MiB file system (tmpfs), for real ENOSPC; skipped where mounting
    is not allowed (not root). Fill it further with :func:`fill`."""
    where = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    where.mkdir()
    if not _mount("-t", "tmpfs", "-o", "size=3m,mode=0777", "tmpfs", str(where)):
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill(folder: Path, leave: int = 0) -> None:
    """Fill the file system holding ``folder`` until at most ``leave`` bytes are free."""
    filler = folder / ".filler"
    with open(filler, "ab") as fh:
        chunk = b"\0" * 65536
        while True:
            free = shutil.disk_usage(folder).free
            if free <= leave:
                break
            try:
                fh.write(chunk[: max(1, min(len(chunk), free - leave))])
                fh.flush()
            except OSError:
                break


@pytest.fixture
def readonly_mount(tmp_path) -> Iterator[callable]:
    """``make_readonly(folder)``: remount a tmpfs holding ``folder``'s files read-only (as read-only
    media would be). Returns the read-only folder. Skipped where mounting is not allowed."""
    mounts: list[Path] = []

    def make_readonly(source: Path) -> Path:
        where = tmp_path / f"ro-{uuid.uuid4().hex[:6]}"
        where.mkdir()
        if not _mount("-t", "tmpfs", "-o", "size=64m", "tmpfs", str(where)):
            pytest.skip("cannot mount a tmpfs here (needs root)")
        mounts.append(where)
        for item in source.iterdir():
            if item.is_file():
                shutil.copy2(item, where / item.name)
        if not _mount("-o", "remount,ro", str(where)):
            pytest.skip("cannot remount read-only here")
        return where

    yield make_readonly
    for where in reversed(mounts):
        subprocess.run(["umount", "-l", str(where)], capture_output=True)
