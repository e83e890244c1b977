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


def test_info_loads_only_what_it_shows(tmp_path):
    """``claimdesk info`` (the window's and scripts' quick look at a project) reads the project and
    prints: it loads neither the edits, the importers and exporters, the story alignment nor the
    quote rules (each costs its import, and, where bytecode is not cached, its compile)."""
    project = tmp_path / "p.claimdesk"
    code = (
        "import sys\n"
        "from desktop.__main__ import main\n"
        f"main(['new', {str(project)!r}]); main(['info', '--json', {str(project)!r}])\n"
        "print(sorted(m for m in sys.modules if m.startswith(('desktop.core.', 'desktop.nlp.', 'desktop.app.'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    loaded = set(eval(out.stdout.strip().splitlines()[-1]))  # a printed list of names
    heavy = {"desktop.core.edits", "desktop.core.jobs", "desktop.core.importers", "desktop.core.exporters",
             "desktop.core.story", "desktop.nlp.quotes", "desktop.app.stories", "desktop.app.documents"}
    assert loaded & heavy == set()
    assert "desktop.app.info" in loaded


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


def test_no_contract_ignores_an_import():
    # an ignored import is a layer crossed on purpose; the bench registers `claimdesk bench` from
    # above the command line (desktop/__main__.py), so none is left
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    assert contracts and [c["name"] for c in contracts if c.get("ignore_imports")] == []


def test_no_package_reaches_into_another_ones_private_names():
    # `from desktop.ui.app import _application` was the bench starting the window; it calls
    # desktop.ui.app.application() now.  Inside one package (desktop.ui, desktop.cli ...) it is fine.
    import ast

    folder = REPO / "desktop"
    found = []
    for path in folder.rglob("*.py"):
        parts = path.relative_to(folder).parts
        own = parts[0] if len(parts) > 1 else None  # a top-level module (paths.py) has no package
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("desktop."):
                continue
            other = node.module.split(".")[1]
            private = [a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
            if private and other != own:
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: {node.module} {', '.join(private)}")
    assert found == []
