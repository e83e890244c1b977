"""How a failed command ends: ONE line on stderr (``claimdesk: error: ...``) naming the file and
the problem, exit 1 for expected problems and the environment, 70 for a bug, 141 when the reader
of the output went away; the details behind ``--verbose`` and appended to the log
(:func:`log_path`)."""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from desktop import __version__
from desktop.app.demo import demo_project_path, user_data_folder
from desktop.cli.common import EXIT_BROKEN_PIPE, EXIT_BUG, EXIT_ERROR, CliError
from desktop.core.oserrors import os_problem
from desktop.core.store import ProjectError


def _expected() -> tuple[type[BaseException], ...]:
    """The failures that are expected problems: their message is the line (exit 1)."""
    from desktop.core.edits import EditError  # loaded when something failed, not by every command

    return (CliError, ProjectError, EditError)


def _sqlite_problem(exc: sqlite3.Error) -> str:
    text = str(exc)
    lower = text.lower()
    if "disk is full" in lower or "database or disk is full" in lower:
        return f"disk full ({text}); the change that was being written was not saved"
    if "readonly" in lower or "read-only" in lower:
        return f"read-only ({text})"
    if "malformed" in lower or "not a database" in lower or "decode" in lower or "corrupt" in lower:
        return f"damaged project file ({text})"
    if "locked" in lower or "busy" in lower:
        return f"busy: another process is writing it ({text}); try again"
    return f"database error ({text})"


def _one_line(text: str) -> str:
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


def _file_of(args: argparse.Namespace) -> str | None:
    project = getattr(args, "project", None)
    if project is None and getattr(args, "command", None) == "demo":
        project = demo_project_path()
    return None if project is None else str(project)


def failure_line(exc: BaseException, args: argparse.Namespace) -> tuple[str, int]:
    """The one line (without ``claimdesk: error:``) and the exit status for a failure."""
    if isinstance(exc, _expected()):
        return _one_line(str(exc)), EXIT_ERROR
    if isinstance(exc, OSError):
        name = exc.filename if exc.filename is not None else _file_of(args)
        if isinstance(name, bytes):
            name = os.fsdecode(name)
        where = f"{name} -> {exc.filename2}" if exc.filename2 is not None else name
        return _one_line(f"{where}: {os_problem(exc)}" if where else os_problem(exc)), EXIT_ERROR
    if isinstance(exc, sqlite3.Error):
        name = _file_of(args)
        return _one_line(f"{name}: {_sqlite_problem(exc)}" if name else _sqlite_problem(exc)), EXIT_ERROR
    return _one_line(f"internal error (a bug in Claimdesk, please report it): {type(exc).__name__}: {exc}; "
                     f"details in {log_path()}"), EXIT_BUG


def log_path() -> Path:
    """Where failures are logged: ``claimdesk.log`` in the user log folder (platformdirs), or in
    ``$CLAIMDESK_DATA_DIR/logs`` when that is set."""
    if os.environ.get("CLAIMDESK_DATA_DIR"):
        return user_data_folder() / "logs" / "claimdesk.log"
    from platformdirs import user_log_dir

    return Path(user_log_dir("claimdesk", appauthor=False)) / "claimdesk.log"


def failure_details(exc: BaseException) -> str:
    import traceback

    extra = getattr(exc, "details", None)
    lines = [f"  {d}" for d in extra] if isinstance(extra, (list, tuple)) and len(extra) > 1 else []
    return "".join(line + "\n" for line in lines) + "".join(traceback.format_exception(exc))


def log_failure(argv: Sequence[str], line: str, details: str) -> None:
    """Append the failure to the log (kept under ~2 MB by rotation); never fails itself."""
    import logging.handlers

    try:
        path = log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=1, encoding="utf-8",
                                                       errors="backslashreplace")
    except Exception:  # noqa: BLE001 - no log folder (a full or read-only disk): the line said it all
        return
    handler.handleError = lambda record: None  # a failed log write prints nothing
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logger = logging.getLogger("claimdesk.cli.failures")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        logger.error("claimdesk %s (pid %d, version %s)\nclaimdesk: error: %s\n%s", " ".join(map(str, argv)),
                     os.getpid(), __version__, line, details.rstrip("\n"))
    finally:
        logger.removeHandler(handler)
        handler.close()


def stdout_gone() -> bool:
    """Has the reader of our standard output gone away (a closed pipe)?"""
    try:
        import select

        poller = select.poll()
        poller.register(sys.stdout.fileno(), 0)  # no events asked: only errors and hang-ups come back
        return any(ev & (select.POLLERR | select.POLLHUP) for _, ev in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll (Windows), no real stdout (captured)
        return True


def quiet_broken_pipe() -> int:
    """Stop quietly: nothing more goes to the closed pipe (Python docs, "Note on SIGPIPE")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_BROKEN_PIPE


