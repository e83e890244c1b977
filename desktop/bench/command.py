"""``claimdesk bench [--quick] [--json] [--docs N]``: measure Claimdesk against its speed targets.

Wiring: the bench sits above the command line, so the command line does not register it:
``desktop/__main__.py`` (the ``claimdesk`` script) passes :func:`add_bench_parser` to
:func:`desktop.cli.main` as one of its ``commands``.  The work is in :mod:`desktop.bench.harness`.
"""

from __future__ import annotations

import argparse
import json
import sys

HELP = "measure speed and memory on this machine against Claimdesk's targets (synthetic corpus from the seeds)"


def add_bench_parser(subparsers) -> None:
    """Register ``bench`` on ``subparsers`` (the object ``add_subparsers`` returned)."""
    p = subparsers.add_parser("bench", help=HELP, description=HELP)
    p.add_argument("--quick", action="store_true",
                   help="annotate fewer texts (about five minutes on two cores); the large project keeps its size")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object: metric -> number (details go to stderr)")
    p.add_argument("--docs", type=int, metavar="N", help="how many synthetic texts to annotate (default 2500, quick 900), split over 3 alternated "
                        "repeats of raw spaCy and annotate")
    p.add_argument("--model", help="spaCy pipeline (default: as claimdesk annotate)")
    p.add_argument("--seed", type=int, default=0, help="seed of the synthetic corpus (default 0)")
    p.set_defaults(func=cmd_bench)


def cmd_bench(args: argparse.Namespace) -> int:
    from desktop.bench.harness import BenchConfig, BenchError, format_table, passes, run_bench
    from desktop.nlp.pipeline import ModelNotFoundError

    overrides = {"seed": args.seed, "model": args.model}
    if args.docs is not None:
        if args.docs < 2:
            print("claimdesk: error: --docs must be at least 2", file=sys.stderr)
            return 1
        overrides["annotate_docs"] = args.docs
    cfg = BenchConfig.quick(**overrides) if args.quick else BenchConfig(**overrides)

    def log(message: str) -> None:
        print(f"bench: {message}", file=sys.stderr, flush=True)

    try:
        report = run_bench(cfg, log=log)
    except (BenchError, ModelNotFoundError) as exc:
        print(f"claimdesk: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(report["results"], indent=2))
        details = {"raw": report["raw"], "machine": report["machine"]}
        print(json.dumps(details, default=str), file=sys.stderr)
    else:
        print(format_table(report))
    missed = [k for k, v in report["results"].items() if not passes(k, v)]
    if missed:
        print(f"bench: targets missed: {', '.join(missed)}", file=sys.stderr)
    return 0
