"""The ``claimdesk`` parser and :func:`main`: parse, run one command, end a failure as one line.

Each command lives in a module of its own (``project``, ``documents``, ``labels``, ``settings``, ``annotate``,
``train``, ``export``, ``window``) as a ``cmd_*`` function over :mod:`desktop.app` plus an ``add_*`` that
registers it.  A tool above the command line (the bench) adds its commands through
``commands``: it registers itself, and the command line never imports it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from desktop import __version__
from desktop.cli import annotate, documents, labels, project, review, settings, stories, train, window
from desktop.cli.common import EXIT_INTERRUPTED
from desktop.cli.export import add_export_parser
from desktop.cli.failures import (
    failure_details,
    failure_line,
    log_failure,
    log_path,
    quiet_broken_pipe,
    stdout_gone,
)

#: Registers one command (or several) on the object ``add_subparsers`` returned.
AddCommand = Callable[[argparse._SubParsersAction], None]


def build_parser(commands: Sequence[AddCommand] = ()) -> argparse.ArgumentParser:
    """The ``claimdesk`` parser: the command line's commands, then each of ``commands``."""
    parser = argparse.ArgumentParser(
        prog="claimdesk",
        description="Claimdesk: annotate entities, quotes and claims in news articles; one SQLite project file.",
        epilog=("Run 'claimdesk COMMAND --help' for a command's options. "
                "A failure prints one line ('claimdesk: error: FILE: problem') and exits 1; --verbose adds "
                f"the details after it, and every failure's details are appended to {log_path()} "
                "(claimdesk.log in the user log folder). Exit 130: interrupted; 141: the output pipe was "
                "closed (| head); 70: a bug in Claimdesk."),
    )
    parser.add_argument("--version", action="version", version=f"claimdesk {__version__}")
    parser.add_argument("--verbose", action="store_true",
                        help="after a failure's one line, print its details (traceback, every problem found)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    project.add_new(sub)
    documents.add_import(sub)
    project.add_info(sub)
    project.add_check(sub)
    documents.add_status(sub)
    documents.add_review(sub)
    review.add_review_queue(sub)
    stories.add_stories(sub)
    label_actions = labels.add_labels(sub)
    settings.add_settings(sub)
    documents.add_delete(sub)
    project.add_history(sub)
    annotate.add_preannotate(sub)
    annotate.add_annotate(sub)
    train.add_train(sub)
    add_export_parser(sub)
    window.add_open(sub)
    window.add_demo(sub)
    for add in commands:
        add(sub)
    for command in [*sub.choices.values(), *label_actions]:
        # also after the command; SUPPRESS keeps a subcommand from resetting the global flag
        command.add_argument("--verbose", action="store_true", default=argparse.SUPPRESS,
                             help="after a failure's one line, print its details")
    return parser


def main(argv: Sequence[str] | None = None, *, commands: Sequence[AddCommand] = ()) -> int:
    """Run ``claimdesk ARGV`` (default: ``sys.argv[1:]``) and return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(commands)
    args = parser.parse_args(argv)
    try:
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not after main returned
        return code
    except KeyboardInterrupt:
        print("claimdesk: interrupted; everything committed so far is saved", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - every failure ends as one line
        if isinstance(exc, BrokenPipeError) and stdout_gone():
            return quiet_broken_pipe()
        line, code = failure_line(exc, args)
        details = failure_details(exc)
        log_failure(argv, line, details)
        try:
            print(f"claimdesk: error: {line}", file=sys.stderr)
            if getattr(args, "verbose", False):
                sys.stderr.write(details)
            sys.stderr.flush()
        except OSError:
            pass
        return code
