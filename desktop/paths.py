"""Where the application's bundled files are: resources/ and seeds/.

In a built wheel they ship inside the package as ``desktop/resources`` and ``desktop/seeds``
(see ``[tool.setuptools.package-dir]`` in pyproject.toml).  In a source checkout or an editable
install they are the top-level ``resources/`` and ``seeds/`` folders beside ``desktop/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


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
