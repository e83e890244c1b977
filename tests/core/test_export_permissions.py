"""Exported files and folders get the user's umask permissions (0666/0777 & ~umask), as any other
program's files do, not mkstemp's 0600 (issue 12, item 10): colleagues on a shared drive read them."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core import edits
from desktop.core.store import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "p.claimdesk"
    with Store.create(path) as store:
        edits.apply(store, edits.AddDocument(ext_id="a", text="Lavrov met Blinken in Geneva.", claims=(
            {"start": 0, "end": 28, "labels": {"checkworthiness": "check-worthy"}, "origin": "editor"},)))
        edits.apply(store, edits.SetDocumentStatus(store.document_by_ext_id("a").id, "done"))
    return path


@pytest.fixture
def umask():
    old = os.umask(0o022)
    os.umask(old)

    def set_mask(mask: int) -> None:
        os.umask(mask)

    yield set_mask
    os.umask(old)


def modes(root: Path) -> dict[str, int]:
    """Permission bits of ``root`` and everything under it, by path relative to its parent."""
    out = {root.name: stat.S_IMODE(root.stat().st_mode)}
    if root.is_dir():
        for p in root.rglob("*"):
            out[p.relative_to(root.parent).as_posix()] = stat.S_IMODE(p.stat().st_mode)
    return out


@pytest.mark.parametrize("mask", [0o022, 0o002])
@pytest.mark.parametrize(("fmt", "out", "extra"), [
    ("jsonl", "out.jsonl", []),
    ("csv", "out.csv", []),  # two files and the manifest
    ("brat", "brat", []),  # a folder of files
    ("conll", "parts", ["--split", "50/50"]),  # a split folder
])
def test_exports_get_the_umask_permissions(project, tmp_path, umask, mask, fmt, out, extra):
    umask(mask)
    target = tmp_path / "exports"
    target.mkdir()
    assert main(["export", str(project), "-f", fmt, "-o", str(target / out), "--documents", "done",
                 *extra]) == 0
    found: dict[str, int] = {}
    for p in target.iterdir():
        found.update(modes(p))
    assert found, "nothing exported"
    for name, mode in found.items():
        want = 0o777 & ~mask if (target / name).is_dir() else 0o666 & ~mask
        assert mode == want, (name, oct(mode), oct(want))


def test_a_replaced_export_gets_them_too(project, tmp_path, umask):
    umask(0o002)
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    out.chmod(0o600)
    assert main(["export", str(project), "-f", "jsonl", "-o", str(out), "--documents", "done"]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o664
