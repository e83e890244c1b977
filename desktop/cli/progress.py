"""Terminal progress for the command line's long commands (import, annotate, export, demo).

A module of its own so that ``cli`` and ``export_command`` both use it without importing each
other; it belongs to the CLI face (see the contracts in ``pyproject.toml``).
"""

from __future__ import annotations

import sys

__all__ = ["TerminalProgress"]


class TerminalProgress:
    """A one-line progress bar on stderr (plain lines when stderr is not a terminal)."""

    def __init__(self, what: str, stream=None):
        self.what = what
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._last = -1

    def __call__(self, done: int, total: int, message: str = "") -> None:
        if self.tty:
            width = 30
            filled = int(width * done / total) if total else width
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r{self.what} [{bar}] {done}/{total} {message[:40]:<40}")
            if done >= total:
                self.stream.write("\n")
            self.stream.flush()
        else:
            step = max(1, total // 10) if total else 1
            if done == total or done // step != self._last // step:
                self.stream.write(f"{self.what}: {done}/{total}\n")
            self._last = done
