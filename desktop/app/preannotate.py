"""``claimdesk preannotate``: interchange JSONL, .txt files or folders in, pre-annotated interchange
JSONL out, without a project.

What the output may be is policy kept here (:func:`check_output`): never a project, an input or a
file preannotate did not write (unless forced), never a device or a folder.  The output is
written whole or not at all (:func:`write_jsonl_atomically`).  Refusals are one-line
:class:`PreannotateError`\\ s, raised before any slow work.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop.core.jobs import Job
from desktop.core.model import ImportProblem
from desktop.core.oserrors import os_problem
from desktop.core.settings import DEFAULT_CLAIM_THRESHOLD
from desktop.core.store import ProjectError

__all__ = ["PreannotateError", "PreannotateResult", "check_output", "is_preannotate_output",
           "preannotate_files", "write_jsonl_atomically"]


class PreannotateError(ProjectError):
    """An output preannotate refuses, nothing to annotate, or the results could not be written."""


@dataclass(frozen=True)
class PreannotateResult:
    path: Path  #: the file written (what a symbolic link given as the output leads to)
    documents: int
    entities: int
    quotes: int
    problems: int  #: inputs not read (warnings not counted)
    claims: int = 0  #: claim suggestions (sentences scored at least the threshold)


def preannotate_files(inputs: Sequence[str], output: str | os.PathLike, *, force: bool = False,
                      model: str | None = None, processes: int = 1, batch_size: int = 16,
                      content: str | None = None, job: Job | None = None,
                      on_problem: Callable[[ImportProblem], None] = lambda problem: None,
                      claim_threshold: float | None = DEFAULT_CLAIM_THRESHOLD,
                      claims_model: str | os.PathLike | None = None,
                      ner_model: str | os.PathLike | None = None) -> PreannotateResult:
    """Pre-annotate the texts in ``inputs`` into ``output``.  The output is checked and the model
    found (``ModelNotFoundError``) before anything is read; each input that cannot be read (or
    reads with a warning) goes to ``on_problem`` and the others go on. Each record gets ``claims``:
    its sentences scored at least ``claim_threshold`` check-worthy (None: no claims), scored by the
    current trained model of the project ``claims_model`` (default: the cold start); the entities are
    found by the fine-tuned recognizer of the project ``ner_model`` (default: the pipeline's own)."""
    from desktop.core import importers
    from desktop.nlp.annotate import preannotate_texts
    from desktop.nlp.pipeline import resolve_model

    out_path = check_output(Path(output), inputs, force=force)  # before any slow work
    resolve_model(model)
    scorer = project_claims_scorer(claims_model) if claims_model is not None else None
    ner = project_ner_model(ner_model) if ner_model is not None else None
    records, problems = [], 0
    for item in importers.read_paths(inputs, text_only=True):
        if isinstance(item, ImportProblem):
            if item.severity != "warning":
                problems += 1
            on_problem(item)
            continue
        meta = {k: v for k, v in (("title", item.title), ("source", item.source), ("url", item.url),
                                  ("published", item.published), ("story", item.story)) if v}
        records.append({"id": item.ext_id, "text": item.text, **({"meta": meta} if meta else {})})
    if not records:
        raise PreannotateError("no documents to annotate")
    out = preannotate_texts(records, model=model, processes=processes, batch_size=batch_size, content=content,
                            job=job, claim_threshold=claim_threshold, scorer=scorer, ner=ner)
    existed = out_path.exists()
    try:
        write_jsonl_atomically(out_path, out)
    except OSError as exc:
        kept = "; the earlier file is unchanged" if existed else ""
        raise PreannotateError(f"{out_path}: cannot write the results ({os_problem(exc)}); "
                               f"nothing was written{kept}") from exc
    return PreannotateResult(path=out_path, documents=len(out), entities=sum(len(r["entities"]) for r in out),
                             quotes=sum(len(r["quotes"]) for r in out), problems=problems,
                             claims=sum(len(r.get("claims", ())) for r in out))


def project_claims_scorer(project: str | os.PathLike):
    """The claims scorer of ``project``'s current trained model (read-only); a project without one
    is a one-line ``PreannotateError``."""
    from desktop.core.store import Store
    from desktop.nlp.claims_model import load_scorer

    with Store.open(project, readonly=True) as store:
        current = store.current_model("claims")
        if current is None:
            raise PreannotateError(f"{store.path.name}: no trained claims model (claimdesk train); "
                                   "leave out --claims-model for the cold start")
        return load_scorer(current.data, current.name)


def project_ner_model(project: str | os.PathLike):
    """The current fine-tuned entity recognizer of ``project`` (read-only); a project without one is
    a one-line ``PreannotateError``."""
    from desktop.core.store import Store
    from desktop.nlp.annotate import project_ner

    with Store.open(project, readonly=True) as store:
        ner = project_ner(store)
        if ner is None:
            raise PreannotateError(f"{store.path.name}: no fine-tuned entity model (claimdesk train); "
                                   "leave out --ner-model for the pipeline's own recognizer")
        return ner


#: A first line longer than this is not read whole to see whose file it is (it is not ours).
_FIRST_LINE_LIMIT = 64 * 1024 * 1024
_PREANNOTATE_KEYS = frozenset({"id", "text", "entities", "quotes", "model"})


def is_preannotate_output(path: Path) -> bool:
    """Is ``path`` empty, or what ``claimdesk preannotate`` writes?  Its first line is then an
    interchange record with exactly the keys preannotate writes (``id``, ``text``, ``entities``,
    ``quotes``, ``model`` and maybe ``meta`` and ``claims``) and only model suggestions (origin
    ``model``, status ``suggested``) in its layers."""
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
    if not isinstance(rec, dict) or not _PREANNOTATE_KEYS <= set(rec) <= _PREANNOTATE_KEYS | {"meta", "claims"}:
        return False
    layers = rec["entities"], rec["quotes"], rec.get("claims", [])
    return isinstance(rec["model"], str) and all(isinstance(layer, list) for layer in layers) and all(
        isinstance(a, dict) and a.get("origin") == "model" and a.get("status") == "suggested"
        for layer in layers for a in layer)


def _is_database(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def check_output(out: Path, inputs: Sequence[str], *, force: bool) -> Path:
    """Refuse, in one line, an output that would lose something: a project (or its -wal, -shm or
    lock file), one of the inputs or a file inside an input folder (whatever the spelling: paths
    are compared by the file they lead to), a folder, a device or stream (``/dev``, ``/proc``,
    anything not a regular file), a place whose folder's folder does not exist, and without
    ``force`` any existing file that is not an earlier preannotate output.

    Returns the path to write: ``out``, or the file it links to when it is a symbolic link (the
    link stays, the file it leads to is replaced)."""
    if not str(out).strip():
        raise PreannotateError("-o needs a file name (e.g. -o suggestions.jsonl)")
    def special(path: Path) -> bool:  # /dev and /proc hold devices and streams (/dev/shm is a folder)
        return (Path("/proc") in path.parents or Path("/dev") in path.parents) and Path("/dev/shm") not in path.parents

    if special(out.absolute()) or special(out.resolve()):
        raise PreannotateError(f"{out} is a device or a stream, not a file; preannotate writes a file whole, give it a name")
    if out.is_dir():
        raise PreannotateError(f"{out} is a folder; give a file name for the results (e.g. {out / 'suggestions.jsonl'})")
    parent = out.absolute().parent
    if not parent.is_dir():
        if parent.exists() or parent.is_symlink():
            raise PreannotateError(f"{out}: {parent} is not a folder")
        if not parent.parent.is_dir():
            raise PreannotateError(f"{out}: folder {parent.parent} does not exist")
    target = out.resolve() if out.is_symlink() else out
    if not target.exists():
        return target
    target = target.resolve()
    if target.exists() and not target.is_file():
        raise PreannotateError(f"{out} is not a regular file (a device, pipe or socket); give a file name for the results")
    base = next((target.with_name(target.name[: -len(s)]) for s in ("-wal", "-shm", ".lock")
                 if target.name.endswith(s)), None)
    if _is_database(target) or (base is not None and _is_database(base)):
        raise PreannotateError(f"{out} is a Claimdesk project (or belongs to one); preannotate writes JSONL, choose another -o")
    for given in inputs:
        source = Path(given)
        if not source.exists():
            continue
        if source.is_dir():
            if target.is_relative_to(source.resolve()):
                raise PreannotateError(f"{out} is inside the input folder {given}; choose another -o")
        elif os.path.samefile(source, target):
            raise PreannotateError(f"{out} is one of the inputs ({given}); choose another -o")
    if not force and not is_preannotate_output(target):
        raise PreannotateError(f"{out} exists and is not an earlier preannotate output; replace it with --force, "
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

