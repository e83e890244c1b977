"""``claimdesk export``: write a project's annotations as a dataset.

``claimdesk export PROJECT --format F -o OUT [--status accepted|all] [--documents reviewed|done|all]
[--tags iob|biluo] [--split 80/10/10 --seed N] [--model M] [--csv-formulas] [--force]``

``--documents`` defaults to ``reviewed`` for the formats a model trains on (spacy, conll, conllu:
only what editors reviewed) and to ``all`` for the others
(:func:`desktop.app.export.default_documents`); every export says how many documents it left out.

The work is :func:`desktop.app.export.export` (the dispatch the window's Export dialog uses too);
this module is the command around it.  The formats, their suffixes and descriptions come from the
one registry, :data:`desktop.core.formats.FORMATS`; their conventions are documented in
:mod:`desktop.core.exporters` and :mod:`desktop.nlp.spacy_export` (spacy).
The project is opened read-only, so exporting works while the project is open in the app.
Prints one summary line (``exported N documents, E entities, Q quotes, C claims; S spans
adjusted``, then how many documents were left out as not reviewed or written with unreviewed
layers marked missing) and the output path.  ``-o`` must be in a folder that exists; a folder export
(brat, ``--split``) leaves a ``.claimdesk-export`` marker in it, and ``--force`` replaces only a
folder carrying that marker.  What is guaranteed when an export is killed or the disk is full is
in :mod:`desktop.core.exporters` ("Atomic").  Expected problems raise :class:`ExportError` (a
``ProjectError`` and a ``ValueError``), which ``claimdesk`` prints as one line.

Wiring: ``cli.entry.build_parser`` calls :func:`add_export_parser` with its subparsers; this module can
also run alone (``python -m desktop.cli.export PROJECT ...``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from desktop.app.export import TAG_SCHEMES, TAGGED_FORMATS, TRAINING_FORMATS, default_documents, export
from desktop.cli.common import add_project_argument
from desktop.cli.progress import TerminalProgress
from desktop.core.formats import DOCUMENT_CHOICES, FORMAT_NAMES, ExportError, format_help
from desktop.core.store import ProjectError, Store
from desktop.paths import find_project

# ``export`` is re-exported for callers written before it moved to desktop.app.export.
__all__ = ["ExportError", "add_export_parser", "cmd_export", "export", "main"]

HELP = "export annotations as a dataset: " + ", ".join(FORMAT_NAMES)


def add_export_parser(subparsers) -> None:
    """Register ``export`` on ``subparsers`` (the object ``add_subparsers`` returned)."""
    p = subparsers.add_parser("export", help=HELP, description=HELP)
    _add_arguments(p)
    p.set_defaults(func=cmd_export)


def _add_arguments(p: argparse.ArgumentParser) -> None:
    add_project_argument(p)
    p.add_argument("-f", "--format", required=True, choices=FORMAT_NAMES, metavar="FORMAT",
                   help="output format, and what it writes: " + format_help())
    p.add_argument("-o", "--out", required=True, metavar="OUT",
                   help="output file (a folder for brat, for any format with --split, and for a spacy export of more "
                        "than 1,000 documents or 1,000,000 characters); a bare name gets the format's suffix; "
                        "its folder must exist")
    p.add_argument("--status", choices=("accepted", "all"), default="accepted",
                   help="accepted (default): only what editors accepted or made; all: model suggestions too "
                        "(rejected annotations are never exported)")
    p.add_argument("--documents", choices=DOCUMENT_CHOICES, default=None,
                   help="reviewed: documents with a reviewed layer (marked done, or a layer marked reviewed with "
                        "'claimdesk review'); done: only documents marked done; all: every document. Default: "
                        f"reviewed for {', '.join(TRAINING_FORMATS)}, all for the others. Unreviewed layers are "
                        "never exported as negatives: conll and conllu leave out documents whose entities are not "
                        "reviewed")
    p.add_argument("--tags", choices=TAG_SCHEMES, default=None,
                   help="conll, conllu: the tag scheme, iob (IOB2, default) or biluo")
    p.add_argument("--split", metavar="80/10/10",
                   help="split documents into train/dev[/test] parts by these proportions; OUT becomes a folder")
    p.add_argument("--seed", type=int, default=0, help="seed of the split's shuffle (default 0)")
    p.add_argument("--model", help="spacy, conll, conllu: the spaCy pipeline whose tokenizer to use "
                                   "(default: the project's model if installed, else spaCy's blank English)")
    p.add_argument("--csv-formulas", action="store_true",
                   help="csv format: write cells starting with = + - @ (or a tab or carriage return) exactly; "
                        "by default they get a ' in front so a spreadsheet shows them as text instead of "
                        "running them as formulas")
    p.add_argument("--force", action="store_true",
                   help="replace a previous export in the output folder (only a folder an export wrote, "
                        "which holds a .claimdesk-export marker; never a folder of other files)")


def _job():
    from desktop.core.jobs import Job

    return Job(on_progress=TerminalProgress("exporting"))


def cmd_export(args: argparse.Namespace) -> int:
    if getattr(args, "seed", 0) and not getattr(args, "split", None):
        print("note: --seed only matters with --split", file=sys.stderr)
    if getattr(args, "model", None) and args.format not in ("spacy", *TAGGED_FORMATS):
        print("note: --model only matters for the spacy, conll and conllu formats", file=sys.stderr)
    if getattr(args, "tags", None) and args.format not in TAGGED_FORMATS:
        raise ExportError(f"--tags applies to {' and '.join(TAGGED_FORMATS)}, not {args.format}")
    if getattr(args, "csv_formulas", False) and args.format != "csv":
        print("note: --csv-formulas only matters for the csv format", file=sys.stderr)
    project = find_project(args.project)  # the one project-suffix rule: ``news`` finds news.claimdesk
    with Store.open(project, readonly=True) as store:
        documents = args.documents or default_documents(args.format)
        try:
            summary = export(store, args.format, args.out, status=args.status, documents=documents,
                             split=args.split, seed=args.seed, model=args.model, overwrite=args.force,
                             scheme=getattr(args, "tags", None),
                             csv_formulas=getattr(args, "csv_formulas", False),
                             job=_job())
        except OSError as exc:  # writing is handled where it happens; this is the last resort
            raise ExportError(f"{exc.filename or args.out}: {(exc.strerror or str(exc)).lower()}") from None
    print(summary.line())
    for note in summary.notes:
        print(note)
    print(f"wrote {summary.out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``export`` on its own: ``python -m desktop.cli.export PROJECT --format F -o OUT``."""
    parser = argparse.ArgumentParser(prog="claimdesk export", description=HELP)
    _add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return cmd_export(args)
    except (ProjectError, ValueError) as exc:
        print(f"claimdesk: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("claimdesk: export interrupted; nothing was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
