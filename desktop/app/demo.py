"""The demo project: the bundled seed story, imported and pre-annotated (``claimdesk demo``, ``make run``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.core.store import ProjectError, Store, now_iso, writer_lock

if TYPE_CHECKING:
    from desktop.core.jobs import Job

__all__ = ["DEMO_MARK", "DEMO_STORY", "DemoBuild", "build_demo", "demo_project_path", "user_data_folder"]

#: Meta key that marks a project as the demo (set when it is built): only such a project is
#: ever deleted by ``demo --rebuild``.
DEMO_MARK = "demo"
DEMO_STORY = "Blinken–Lavrov talks, Geneva, 2022-01-21"


@dataclass
class DemoBuild:
    """What :func:`build_demo` did: ``built`` is False when the project was already there;
    ``annotated`` is the pre-annotation's one-line summary; ``problem`` says why the project was
    left without suggestions (no spaCy model), for the face to show."""

    path: Path
    built: bool
    annotated: str | None = None
    problem: str | None = None


def user_data_folder() -> Path:
    """Claimdesk's folder in the user's data folder (``$CLAIMDESK_DATA_DIR`` when set)."""
    from platformdirs import user_data_dir

    return Path(os.environ.get("CLAIMDESK_DATA_DIR") or user_data_dir("claimdesk", appauthor=False))


def demo_project_path() -> Path:
    """Where the demo project lives by default: ``demo.claimdesk`` in :func:`user_data_folder`."""
    return user_data_folder() / "demo.claimdesk"


def _is_default_demo(path: Path) -> bool:
    try:
        return path.resolve() == demo_project_path().resolve()
    except OSError:
        return False


def _check_rebuildable(path: Path) -> None:
    """Refuse (one line) to rebuild anything but a demo project: one marked when it was built, or
    whatever is at the default demo path (the data folder's own file; older demos carry no mark)."""
    if _is_default_demo(path):
        return
    try:
        with Store.open(path, readonly=True) as store:
            marked = store.meta(DEMO_MARK) is not None
    except ProjectError as exc:
        raise ProjectError(f"{path}: not a demo project ({exc}); --rebuild only replaces a demo project") from None
    if not marked:
        raise ProjectError(f"{path}: not a demo project (it was not built by 'claimdesk demo'); "
                           "--rebuild only replaces a demo project, choose another --project")


def build_demo(path: Path, rebuild: bool = False, *, job: Job | None = None) -> DemoBuild:
    """Build the demo project from the bundled seeds (``built`` is False when it already exists and
    ``rebuild`` is not asked for), then pre-annotate it with the default model, reporting progress
    to ``job``.

    The project's single-writer lock is taken first and held throughout, so a project open in
    another process is refused (one line) before anything is deleted; and ``rebuild`` only ever
    replaces a demo project (see :func:`_check_rebuildable`).  Expected problems raise
    :class:`ProjectError`; a missing spaCy model is not one: the project is kept without
    suggestions and :attr:`DemoBuild.problem` says so.
    """
    from desktop.paths import seeds_dir

    path = Path(path)
    if path.exists() and not rebuild:
        return DemoBuild(path, built=False)
    if _is_default_demo(path):
        path.parent.mkdir(parents=True, exist_ok=True)  # our own data folder
    with writer_lock(path):
        if rebuild and (path.exists() or path.is_symlink()):
            _check_rebuildable(path)
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        elif path.exists():
            return DemoBuild(path, built=False)  # built by another process meanwhile
        with Store.create(path) as store:
            with store.transaction("mark the demo project"):
                store.set_meta(DEMO_MARK, now_iso())
            from desktop.core.jobs import import_into  # not for the command line's log path

            report = import_into(store, [seeds_dir()], story=DEMO_STORY)
            if report.problems:
                raise ProjectError(f"demo project: {report.problems[0]}")
        return DemoBuild(path, built=True, **_preannotate(path, job))


def _preannotate(path: Path, job: Job | None) -> dict:
    """Open on suggestions to correct, as a newsroom would after pre-annotation."""
    from desktop.nlp.annotate import annotate_project
    from desktop.nlp.pipeline import ModelNotFoundError

    with Store.open(path) as store:
        try:
            report = annotate_project(store, model=None, processes=1, force=False, job=job)
        except ModelNotFoundError as exc:
            return {"problem": f"demo project left without suggestions: {' '.join(str(exc).split())}"}
    return {"annotated": report.summary()}
