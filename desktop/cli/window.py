"""``claimdesk open`` and ``claimdesk demo``: the commands that may start the editor window
(through :mod:`desktop.ui.app`, imported only then, so the other commands never load Qt)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from desktop.app.demo import demo_project_path
from desktop.app.info import project_info
from desktop.cli.annotate import annotate
from desktop.cli.common import EXIT_OK, CliError, add_command, add_project_argument
from desktop.cli.progress import TerminalProgress
from desktop.core.store import Store
from desktop.core.wording import plural


def cmd_open(args: argparse.Namespace) -> int:
    from desktop.ui.app import has_display, run, window_problem

    if args.screenshot is None and not has_display():
        raise CliError("no display found (DISPLAY/WAYLAND_DISPLAY unset); use --screenshot FILE.png, "
                       "or QT_QPA_PLATFORM=offscreen")
    problem = window_problem() if has_display() else None
    if problem and args.screenshot is None:
        raise CliError(f"{problem}; or use --screenshot FILE.png")
    if args.screenshot is not None and (problem or not has_display()):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a screenshot needs no screen
    code = run(args.project, screenshot=args.screenshot)
    if args.screenshot is not None:
        print(f"screenshot: {args.screenshot}")
    return code


def cmd_demo(args: argparse.Namespace) -> int:
    from desktop.app.demo import build_demo
    from desktop.core.jobs import Job
    from desktop.ui.app import has_display, window_problem

    path = Path(args.project) if args.project else demo_project_path()
    demo = build_demo(path, rebuild=args.rebuild, job=Job(on_progress=TerminalProgress("annotating")))
    if demo.annotated:
        print(demo.annotated)
    if demo.problem:
        print(demo.problem, file=sys.stderr)
    print(f"demo project: {path}{' (built from the seeds)' if demo.built else ''}")
    problem = window_problem() if args.open and has_display() else None
    if args.open and has_display() and not problem:
        from desktop.ui.app import run

        return run(path)
    if args.open:
        print(f"{problem or 'no display found (DISPLAY/WAYLAND_DISPLAY unset)'}: running the headless pipeline instead")
        annotate(path, model=None, processes=1, force=False)
    with Store.open(path, readonly=True) as store:
        info = project_info(store)
    print(f"{plural(info['documents'], 'document')}, {plural(info['entities'], 'entity')}, "
          f"{plural(info['quotes'], 'quote')}, {plural(info['claims'], 'claim')}")
    return EXIT_OK


def add_open(sub) -> None:
    p = add_command(sub, "open", cmd_open, "open a project in the editor window")
    add_project_argument(p)
    p.add_argument("--screenshot", metavar="FILE.png",
                   help="render the window with the first article to a PNG and exit (works without a display)")


def add_demo(sub) -> None:
    p = add_command(sub, "demo", cmd_demo, "build (first time) the demo project from the bundled seed story and show it")
    p.add_argument("--project", help="where to keep the demo project (default: the user data folder)")
    p.add_argument("--rebuild", action="store_true", help="rebuild it from the seeds")
    p.add_argument("--open", action="store_true",
                   help="open it in the editor (without a display: say so and run the headless pipeline)")
