"""Claimdesk's command line: ``claimdesk COMMAND ...`` (also ``python -m desktop``).

Every failure prints ONE line on stderr (``claimdesk: error: ...``) naming the file and the
problem, and exits 1: expected problems (a bad or locked project, bad input), and the environment
(a full disk, a read-only or unwritable place, a name too long: any ``OSError``, any SQLite
error).  The details (the traceback, every problem found) follow that line with ``--verbose``
(``claimdesk --verbose COMMAND`` or ``claimdesk COMMAND ... --verbose``) and are always appended
to ``claimdesk.log`` in the user log folder (``$CLAIMDESK_DATA_DIR/logs`` when that is set; see
:func:`desktop.cli.failures.log_path`).  An exception no one expected is a bug: one line saying
so, exit 70.  When the reader of the output goes away (``claimdesk info P | head -1``) the command
stops quietly with exit 141, as ``cat`` would.

A package of thin commands over :mod:`desktop.app`; the policy (what a command refuses, what it
changes) is there, and printing is only here:

- :mod:`desktop.cli.entry`: :func:`build_parser` and :func:`main` (re-exported here);
- :mod:`desktop.cli.project`: ``new``, ``info``, ``check``, ``history``;
- :mod:`desktop.cli.documents`: ``import``, ``status``, ``delete``;
- :mod:`desktop.cli.labels`: ``labels``;
- :mod:`desktop.cli.annotate`: ``annotate``, ``preannotate``;
- :mod:`desktop.cli.export`: ``export``;
- :mod:`desktop.cli.window`: ``open``, ``demo`` (the only ones that start the window);
- :mod:`desktop.cli.common`, :mod:`desktop.cli.failures`, :mod:`desktop.cli.progress`: exit
  statuses and ``CliError``, the one-line failure and its log, the terminal progress bar.

``claimdesk bench`` is not here: the bench is a tool above the command line and registers itself
(``desktop/__main__.py`` passes it to :func:`main` as ``commands``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.cli.entry import build_parser, main

__all__ = ["build_parser", "main"]


def __getattr__(name: str):
    # Loaded on first use, so that importing one command module (or running one alone,
    # ``python -m desktop.cli.export``) does not import every other command first.
    if name in __all__:
        from desktop.cli import entry

        return getattr(entry, name)
    raise AttributeError(f"module 'desktop.cli' has no attribute {name!r}")
