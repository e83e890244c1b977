"""Dependencies point one way: core imports neither Qt nor spaCy; nlp never imports Qt."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "desktop"


def _imports(folder: Path) -> dict[str, set[str]]:
    found = {}
    for path in folder.rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
                if node.module.startswith("desktop."):
                    names.add(node.module)
        found[str(path.relative_to(REPO))] = names
    return found


def test_core_source_imports_neither_qt_nor_spacy():
    for path, names in _imports(PACKAGE / "core").items():
        assert not names & {"PySide6", "spacy", "thinc"}, path
        assert not any(n.startswith(("desktop.ui", "desktop.nlp", "desktop.cli")) for n in names), path


def test_nlp_never_imports_qt():
    for path, names in _imports(PACKAGE / "nlp").items():
        assert "PySide6" not in names, path
        assert not any(n.startswith("desktop.ui") for n in names), path


def test_importing_core_loads_neither_qt_nor_spacy():
    code = (
        "import sys, pkgutil, importlib, desktop.core\n"
        "for m in pkgutil.iter_modules(desktop.core.__path__): importlib.import_module('desktop.core.' + m.name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'spacy', 'thinc'))\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
