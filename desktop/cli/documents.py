"""``claimdesk import | status | review | delete``: documents in and out of a project."""

from __future__ import annotations

import argparse
import sys

from desktop.cli.common import EXIT_ERROR, EXIT_OK, CliError, add_command, add_project_argument, plural
from desktop.cli.progress import TerminalProgress
from desktop.core.model import REVIEW_LAYERS
from desktop.core.store import Store


def cmd_import(args: argparse.Namespace) -> int:
    """Each note on stderr says what happened to one input (``warning:`` imported with a note,
    ``renamed:`` imported under a new id, ``skipped:`` left out on purpose, ``error:`` not
    imported); the summary on stdout counts them.  A path that does not exist is an error and the
    rest go on.  When the project cannot be written (a full disk) the import stops with one last
    line saying how many documents were saved before it."""
    from desktop.core.importers import printable
    from desktop.core.jobs import Job, import_into

    with Store.open(args.project) as store:
        report = import_into(store, args.paths, story=args.story,
                             job=Job(on_progress=TerminalProgress("importing")))
    for label, notes in (("warning", report.warnings), ("renamed", report.renamed),
                         ("skipped", report.skipped), ("error", report.problems)):
        for note in notes:
            print(f"{label}: {note}", file=sys.stderr)
    print(report.summary())
    if report.failure:
        n = len(report.added)
        saved = f"{plural(n, 'document')} imported before it {'are' if n != 1 else 'is'} saved"
        if report.added:
            shown = ", ".join(printable(ext_id) for ext_id in report.added[:5])
            saved += f" ({shown}{f' and {n - 5} more' if n > 5 else ''})"
        raise CliError(f"import stopped: {report.failure}; {saved}")
    if not report.added and report.problems:
        return EXIT_ERROR
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from desktop.app.documents import set_status

    with Store.open(args.project) as store:
        doc = set_status(store, args.document, args.status)
    print(f"{doc.ext_id}: {args.status}")
    return EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    """Mark layers of a document reviewed (or not, ``--clear``); prints what is reviewed now."""
    from desktop.app.documents import mark_reviewed

    with Store.open(args.project) as store:
        doc = mark_reviewed(store, args.document, args.layer or REVIEW_LAYERS, reviewed=not args.clear)
    reviewed = [layer for layer in REVIEW_LAYERS if layer in doc.reviewed]
    done = " (the document is done: every layer is reviewed)" if doc.status == "done" else ""
    print(f"{doc.ext_id}: reviewed {', '.join(reviewed) if reviewed else 'nothing'}{done}")
    return EXIT_OK


def cmd_delete(args: argparse.Namespace) -> int:
    """Delete documents with everything that belongs to them (final from the command line, where
    there is no undo); see :func:`desktop.app.documents.delete_documents`."""
    from desktop.app.documents import delete_documents

    with Store.open(args.project) as store:
        deleted = delete_documents(store, args.documents)
    for d in deleted:
        title = " ".join((d.doc.title or d.doc.text[:70]).split())
        title = title if len(title) <= 70 else title[:69] + "…"
        print(f"deleted [{d.doc.id}] {d.doc.ext_id} “{title}”: {plural(d.rows.get('mentions', 0), 'entity', 'entities')}, "
              f"{plural(d.rows.get('quotes', 0), 'quote')}, {plural(d.rows.get('claims', 0), 'claim')}")
    return EXIT_OK


def add_import(sub) -> None:
    p = add_command(sub, "import", cmd_import,
                    "import articles: .txt, .html, interchange .jsonl, brat .txt+.ann, Label Studio's JSON export "
                    "(.json), Prodigy or doccano .jsonl (files or folders)")
    add_project_argument(p)
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to import")
    p.add_argument("--story", help="story name for the imported documents (default: the folder's name)")


def add_status(sub) -> None:
    p = add_command(sub, "status", cmd_status, "set a document's status: new, in_progress or done")
    add_project_argument(p)
    p.add_argument("document", help="document id (as in 'info') or its external id")
    p.add_argument("status", choices=["new", "in_progress", "done"])


def add_review(sub) -> None:
    p = add_command(sub, "review", cmd_review,
                    "mark layers of a document reviewed: their unannotated text then exports as negative examples "
                    "(a document marked done has every layer reviewed)")
    add_project_argument(p)
    p.add_argument("document", help="document id (as in 'info') or its external id")
    p.add_argument("--layer", action="append", choices=REVIEW_LAYERS,
                   help="a layer to mark (repeat for more; default: all three)")
    p.add_argument("--clear", action="store_true", help="mark the layers not reviewed")


def add_delete(sub) -> None:
    p = add_command(sub, "delete", cmd_delete,
                    "delete documents with their entity mentions, quotes and claims (recorded in the history; "
                    "final: there is no undo here, export first to keep a copy; canonical entities stay)")
    add_project_argument(p)
    p.add_argument("documents", nargs="+", metavar="DOC",
                   help="document id (as in 'info') or its external id; if one is unknown nothing is deleted")
