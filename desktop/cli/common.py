"""What every command module of the command line shares: exit statuses, the one-line error, how a
command is registered, the project-name rule."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from desktop.core import wording
from desktop.paths import ProjectNameError, find_project, project_file

EXIT_OK, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 130
#: The reader of our output went away (``| head``): 128 + SIGPIPE, what ``cat`` exits with there.
EXIT_BROKEN_PIPE = 141
#: An exception no one expected: a bug in Claimdesk (``EX_SOFTWARE``).
EXIT_BUG = 70

#: A command: parsed arguments in, exit status out.
Command = Callable[[argparse.Namespace], int]


class CliError(Exception):
    """A one-line message for the user; exit status 1."""


def add_command(sub, name: str, func: Command, help_: str) -> argparse.ArgumentParser:
    """Register the command ``name`` on ``sub`` (what ``add_subparsers`` returned)."""
    p = sub.add_parser(name, help=help_, description=help_)
    p.set_defaults(func=func)
    return p


def project_path(value: str) -> Path:
    """The file ``claimdesk new`` creates: the one project-suffix rule (:func:`desktop.paths.project_file`)."""
    try:
        return project_file(value)
    except ProjectNameError as exc:
        raise CliError(str(exc)) from None


def add_project_argument(p: argparse.ArgumentParser) -> None:
    """The PROJECT argument of a command that opens an existing project: the one project-suffix
    rule (:func:`desktop.paths.find_project`), so ``news`` opens ``news.claimdesk``."""
    p.add_argument("project", type=lambda value: str(find_project(value)),
                   help="project file (the .claimdesk suffix may be left out)")


plural = wording.plural  # the one helper every count the faces print goes through
