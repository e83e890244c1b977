"""``claimdesk new | info | check | history``: a project as a whole."""

from __future__ import annotations

import argparse
import itertools
import json
import sys

from desktop.app.info import document_entries, document_lines, model_line, ner_model_line, project_info
from desktop.cli.common import EXIT_ERROR, EXIT_OK, add_command, add_project_argument, project_path
from desktop.core.store import Store


def cmd_new(args: argparse.Namespace) -> int:
    """Create an empty project; an existing file or project is never touched (one line)."""
    path = project_path(args.project)
    Store.create(path).close()
    print(f"created {path}")
    return EXIT_OK


#: documents ``info`` lists without ``--all``
LISTED = 50


def cmd_info(args: argparse.Namespace) -> int:
    if args.json:  # streamed: one document a line, never the whole list in memory
        with Store.open(args.project, readonly=True) as store:
            head = json.dumps(project_info(store, documents=False), ensure_ascii=False, indent=2)
            lines = document_lines(store)
            sys.stdout.write(head[:-2] + ',\n  "document_list": [')
            first = next(lines, None)
            if first is not None:
                sys.stdout.write("\n    " + first)
                while page := list(itertools.islice(lines, 1000)):  # one write a thousand lines
                    sys.stdout.write(",\n    " + ",\n    ".join(page))
            sys.stdout.write("\n  ]\n}\n")
        return EXIT_OK
    with Store.open(args.project, readonly=True) as store:
        info = project_info(store, documents=False)
        shown = list(itertools.islice(document_entries(store), None if args.all else LISTED))
    print(f"{info['project']}  (schema {info['schema_version']}, model {info['model'] or 'none yet'})")
    st = info["documents_by_status"]
    print(f"documents: {info['documents']}  (new {st['new']}, in progress {st['in_progress']}, done {st['done']})")
    labels = ", ".join(f"{k} {v}" for k, v in info["entities_by_label"].items()) or "none"
    print(f"entities: {info['entities']} ({labels}); canonical entities: {info['canonical_entities']}")
    print(f"quotes: {info['quotes']}; claims: {info['claims']}")
    print(f"claim suggestions: {model_line(info['claims_model'])}")
    print(f"entity suggestions: {ner_model_line(info['ner_model'])}")
    for doc in shown:
        print(f"  [{doc['id']}] {doc['published'] or '----------'}  {doc['source'] or '-':<14}  "
              f"{doc['status']:<11} {doc['title'] or doc['lead']}")
    if len(shown) < info["documents"]:
        print(f"  … and {info['documents'] - len(shown):,} more (--all lists every document, --json gives them as data)")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """Check the project's bookkeeping rules (desktop.core.invariants): "no problems found" and
    exit 0, else one summary line (every problem with --verbose) and exit 1; --json: the list."""
    from desktop.core.invariants import check, summary

    with Store.open(args.project, readonly=True) as store:
        problems = check(store)
    if args.json:
        print(json.dumps([v.to_json() for v in problems], ensure_ascii=False, indent=2))
    else:
        print(summary(problems))
        if getattr(args, "verbose", False):
            for v in problems:
                print(f"  {v.rule}: {v.table} {v.id if v.id is not None else '-'}: {v.message}")
    return EXIT_ERROR if problems else EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    with Store.open(args.project, readonly=True) as store:
        rows = store.history(limit=args.limit)
    for row in reversed(rows):
        doc = f" doc {row['doc_id']}" if row["doc_id"] is not None else ""
        print(f"{row['at']}  {row['annotator'] or '-':<10} {row['summary']}{doc}")
    return EXIT_OK


def add_new(sub) -> None:
    p = add_command(sub, "new", cmd_new, "create an empty project file (.claimdesk)")
    p.add_argument("project", help="path of the new project file")


def add_info(sub) -> None:
    p = add_command(sub, "info", cmd_info, "show what a project holds (documents, annotations, progress)")
    add_project_argument(p)
    p.add_argument("--json", action="store_true",
                   help="print JSON (documents count, counts by status and label, ..., and every document)")
    p.add_argument("--all", action="store_true", help=f"list every document (without it: the first {LISTED})")


def add_check(sub) -> None:
    p = add_command(sub, "check", cmd_check,
                    "check the project's bookkeeping rules: every accepted mention has a canonical "
                    "entity of its label, speakers match their spans, counts leave rejected out, "
                    "no dangling ids (exit 1 when a rule is broken)")
    add_project_argument(p)
    p.add_argument("--json", action="store_true", help="print the problems as a JSON list (rule, table, id, message)")


def add_history(sub) -> None:
    p = add_command(sub, "history", cmd_history, "show the project's audit trail: who changed what, when")
    add_project_argument(p)
    p.add_argument("-n", "--limit", type=int, default=50, help="how many recent changes (default 50)")
