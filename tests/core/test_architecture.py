"""Dependencies point one way.  The layers, the circles and where PySide6 and spaCy may be
imported are import-linter contracts in ``pyproject.toml`` (``make test`` runs ``lint-imports``,
which sees imports inside functions too); this file runs them from pytest as well and checks what
a static import graph cannot: what importing a package actually loads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO


def test_the_import_contracts_are_kept():
    pytest.importorskip("importlinter")
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint), "--no-cache"], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout


def _loaded(modules: str) -> list[str]:
    """The top-level Qt and spaCy packages in sys.modules after importing ``modules`` (with every
    submodule of each package)."""
    code = (
        "import sys, pkgutil, importlib\n"
        f"for name in {modules.split()!r}:\n"
        "    pkg = importlib.import_module(name)\n"
        "    for m in pkgutil.iter_modules(getattr(pkg, '__path__', [])): importlib.import_module(f'{name}.{m.name}')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'shiboken6', 'spacy', 'thinc'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    return eval(out.stdout.strip())  # a printed list of names


def test_importing_core_loads_neither_qt_nor_spacy():
    # also catches importlib.import_module / __import__, which a static graph does not see
    assert _loaded("desktop.core") == []


def test_importing_the_app_layer_and_the_command_line_loads_neither_qt_nor_spacy():
    # the command line starts fast: Qt only when a window opens, spaCy only when a model runs
    assert _loaded("desktop.app desktop.cli") == []


def test_the_app_layer_never_prints():
    # app/ returns what happened (summaries, problems) and each face shows it its own way
    import ast

    folder = REPO / "desktop" / "app"
    assert folder.is_dir()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("print", "input"), f"{path.name}:{node.lineno}"
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "sys":
                assert node.attr not in ("stdout", "stderr", "stdin"), f"{path.name}:{node.lineno}"
