"""Where things are: the application's bundled files (resources/ and seeds/), and the one rule
for naming a project file.

In a built wheel the bundled files ship inside the package as ``desktop/resources`` and
``desktop/seeds`` (see ``[tool.setuptools.package-dir]`` in pyproject.toml).  In a source checkout
or an editable install they are the top-level ``resources/`` and ``seeds/`` folders beside
``desktop/``.

The project suffix rule (every face and the store follow it):

* :func:`project_file`: the file a *new* project gets.  A name that already ends in
  ``.claimdesk`` (in any case: ``news.CLAIMDESK``) stays as it is; any other name gets
  ``.claimdesk`` appended, a name with a dot of its own included (``talks.2024`` ->
  ``talks.2024.claimdesk``, ``corpus.db`` -> ``corpus.db.claimdesk``), so every project is one
  the Open dialog's ``*.claimdesk`` filter shows.  An empty name (``""``, ``.``, ``..``) is a
  :class:`ProjectNameError`.
* :func:`find_project`: the file an *existing* project is opened from: the name as given when
  that exists (a project renamed to ``x.db`` still opens), else :func:`project_file` of it when
  that exists (``claimdesk export news`` finds ``news.claimdesk``), else the name as given, so
  the error names what the user typed.
* :func:`is_project_file`: does a name look like a project (dropping a file on the window)?
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "PROJECT_FILTER",
    "PROJECT_SUFFIX",
    "ProjectNameError",
    "find_project",
    "is_project_file",
    "project_file",
    "resources_dir",
    "seeds_dir",
]

_PACKAGE = Path(__file__).resolve().parent

#: The suffix of a project file.
PROJECT_SUFFIX = ".claimdesk"
#: The file dialogs' filter for project files.
PROJECT_FILTER = f"Claimdesk projects (*{PROJECT_SUFFIX})"


class ProjectNameError(ValueError):
    """A name that cannot be a project file (empty, ``.``, ``..``); one line for the user."""


def is_project_file(path: str | os.PathLike) -> bool:
    """Whether ``path``'s name ends in the project suffix, in any case (``x.claimdesk``, ``x.CLAIMDESK``)."""
    return Path(path).name.lower().endswith(PROJECT_SUFFIX)


def project_file(name: str | os.PathLike) -> Path:
    """The file a new project called ``name`` is created as (see the module docstring)."""
    text = os.fspath(name)
    path = Path(text)
    if not text.strip() or not path.name or path.name in (".", ".."):
        raise ProjectNameError(f"{text!r} is not a file name; give the project one (e.g. news{PROJECT_SUFFIX})")
    return path if is_project_file(path) else path.with_name(path.name + PROJECT_SUFFIX)


def find_project(name: str | os.PathLike) -> Path:
    """The file an existing project called ``name`` is opened from (see the module docstring)."""
    path = Path(name)
    if path.exists() or path.is_symlink() or not os.fspath(name).strip():
        return path
    try:
        candidate = project_file(path)
    except ProjectNameError:
        return path
    return candidate if candidate.exists() else path


def _bundled(name: str) -> Path:
    inside = _PACKAGE / name
    if inside.is_dir():
        return inside
    beside = _PACKAGE.parent / name
    if beside.is_dir():
        return beside
    raise FileNotFoundError(f"Claimdesk's {name}/ folder is missing from {_PACKAGE} (broken install?)")


def resources_dir() -> Path:
    return _bundled("resources")


def seeds_dir() -> Path:
    return _bundled("seeds")
