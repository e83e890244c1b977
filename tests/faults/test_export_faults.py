"""``claimdesk export`` under faults: --force into someone's folder, SIGKILL at every step of a
multi-file or folder export, long document ids, bad ``-o``/``--split``, ClaimReview pasted into
HTML, a full disk, read-only output folders and read-only projects."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import sys
from pathlib import Path

import pytest

from desktop.core import edits
from desktop.core.store import Store
from tests.conftest import REPO
from tests.core.test_exporters import build_rich_project
from tests.faults.conftest import assert_one_line_error, fill, run_cli

MARKER = ".claimdesk-export"


@pytest.fixture
def project(tmp_path) -> Path:
    path = tmp_path / "proj" / "rich.claimdesk"
    path.parent.mkdir()
    with Store.create(path) as store:
        build_rich_project(store)
    return path


def _change(project: Path, ext_id: str = "later") -> None:
    """A second state of the project: one more document, so every output file differs."""
    with Store.open(project) as store:
        text = f"Lavrov said “{ext_id} things.”"
        start = text.index("“")
        edits.apply(store, edits.AddDocument(
            ext_id=ext_id, text=text,
            claims=({"start": start + 1, "end": len(text) - 1, "labels": {"verdict": "false"}, "origin": "editor"},),
            quotes=({"content": [{"start": start, "end": len(text)}], "speaker": {"start": 0, "end": 6},
                     "type": "direct", "origin": "editor"},)))


_PROGRESS = re.compile(r"^exporting: \d+/\d+\n", re.M)


def _export(project: Path, *args: str | os.PathLike, **kw):
    """``claimdesk export``; the progress lines it prints on stderr (no terminal) left out."""
    proc = run_cli("export", project, *args, **kw)
    proc.stderr = _PROGRESS.sub("", proc.stderr)
    return proc


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every data file under ``folder`` (relative path -> bytes), the export marker left out."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != MARKER}


# Item 3: --force only ever replaces a folder this tool wrote -------------------------------------------


def test_force_never_replaces_a_folder_of_articles(project, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("An article.")
    (corpus / "a.ann").write_text("")
    (corpus / "annotation.conf").write_text("[entities]\n")
    (corpus / "failed-to-import.txt").write_text("Not in the project.")
    before = _snapshot(corpus)
    proc = _export(project, "-f", "brat", "-o", corpus, "--force")
    assert_one_line_error(proc, str(corpus), "not a Claimdesk export folder (no .claimdesk-export)")
    assert _snapshot(corpus) == before and sorted(p.name for p in corpus.iterdir()) == sorted(before)


def test_force_replaces_a_previous_export_and_consumers_skip_its_marker(project, tmp_path):
    out = tmp_path / "brat"
    out.mkdir()  # an empty folder is fine without --force
    assert _export(project, "-f", "brat", "-o", out).returncode == 0
    marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
    assert marker["format"] == "brat" and marker["project"] == str(project.resolve()) and marker["created"]
    _change(project)
    refused = _export(project, "-f", "brat", "-o", out)
    assert_one_line_error(refused, str(out), "--force")
    done = _export(project, "-f", "brat", "-o", out, "--force")
    assert done.returncode == 0, done.stderr
    assert (out / "later.txt").exists() and (out / MARKER).exists()
    # the brat importer (like the brat server) skips dotfiles: the marker is no document, no problem
    again = tmp_path / "again.claimdesk"
    assert run_cli("new", again).returncode == 0
    imported = run_cli("import", again, out)
    assert imported.returncode == 0 and "4 documents imported" in imported.stdout, imported.stdout + imported.stderr
    assert "claimdesk-export" not in imported.stdout + imported.stderr
    # a split folder is an export too, and can be replaced
    split = tmp_path / "split"
    assert _export(project, "-f", "jsonl", "-o", split, "--split", "50/50").returncode == 0
    assert (split / MARKER).exists()
    assert _export(project, "-f", "jsonl", "-o", split, "--split", "50/50", "--force").returncode == 0


# Item 6: a multi-file export is committed as one unit; a killed export leaves no litter -----------------

#: Run ``claimdesk ARGS`` and SIGKILL it just before its Nth call that changes a file system entry.
CRASHER = r"""
import os, signal, sys
limit, count = int(os.environ["CRASH_AT"]), [0]
def hooked(real):
    def call(*args, **kwargs):
        count[0] += 1
        if count[0] == limit:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return call
for name in ("replace", "rename", "unlink", "remove", "rmdir", "mkdir", "link", "symlink"):
    setattr(os, name, hooked(getattr(os, name)))
from desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _run_crashing(n: int, *args) -> int:
    import subprocess

    env = {**os.environ, "CRASH_AT": str(n), "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", CRASHER, *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode in (0, -signal.SIGKILL), proc.stderr
    return proc.returncode


def _pair_state(files: list[Path], manifest: Path, old: dict[str, bytes], new: dict[str, bytes]) -> str:
    """What a reader following the documented rule sees: 'old', 'new' or 'incomplete'."""
    current = {p.name: p.read_bytes() for p in files if p.exists()}
    for name, data in current.items():  # each file on its own is always a whole export's file
        assert data in (old.get(name), new.get(name)), f"{name} is partial"
    if not manifest.exists():
        return "incomplete"
    listed = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    assert sorted(listed) == sorted(p.name for p in files)
    matches = all(p.exists() and hashlib.sha256(p.read_bytes()).hexdigest() == listed[p.name]["sha256"]
                  for p in files)
    if not matches:
        return "incomplete"
    for label, ref in (("old", old), ("new", new)):
        if current == ref:
            return label
    raise AssertionError(f"the manifest vouches for a mixed pair: {sorted(current)}")


def _litter(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name not in keep)


@pytest.mark.parametrize("fmt, names", [
    ("csv", ["claims.csv", "claims_quotes.csv"]),
    ("label-studio", ["claims.json", "claims.xml"]),
])
def test_a_killed_two_file_export_is_the_old_pair_the_new_pair_or_marked_incomplete(project, tmp_path, fmt,
                                                                                       names):
    suffix = {"csv": ".csv", "label-studio": ".json"}[fmt]
    ref = tmp_path / "ref"
    ref.mkdir()
    assert _export(project, "-f", fmt, "-o", ref / f"old{suffix}").returncode == 0
    out = tmp_path / "out"
    out.mkdir()
    target = out / names[0]
    assert _export(project, "-f", fmt, "-o", target).returncode == 0
    _change(project)
    assert _export(project, "-f", fmt, "-o", ref / f"new{suffix}").returncode == 0

    def reference(stem: str) -> dict[str, bytes]:
        return {name: (ref / name.replace("claims", stem, 1)).read_bytes() for name in names}

    old, new = reference("old"), reference("new")
    files = [out / name for name in names]
    manifest = out / f".{names[0]}{MARKER}"
    assert _pair_state(files, manifest, old, new) == "old"
    seen: set[str] = set()
    n = 0
    while True:
        n += 1
        assert n < 200, "the export never finished"
        code = _run_crashing(n, "export", project, "-f", fmt, "-o", target)
        state = _pair_state(files, manifest, old, new)
        seen.add(state)
        if code == 0:
            assert state == "new"
            break
        # put the old pair back for the next kill, through the tool itself (cleaning up as it goes)
        with Store.open(project) as store:
            edits.apply(store, edits.DeleteDocument(store.document_by_ext_id("later").id))
        assert _export(project, "-f", fmt, "-o", target).returncode == 0
        assert _pair_state(files, manifest, old, new) == "old"
        assert _litter(out, {manifest.name}) == [], f"litter after a kill at step {n}"
        _change(project)
    assert n > 3 and "incomplete" in seen and "old" in seen, (n, seen)
    assert _litter(out, {manifest.name}) == []


def test_a_killed_folder_export_leaves_the_old_or_the_new_folder_and_no_litter(project, tmp_path):
    out = tmp_path / "out" / "brat"
    out.parent.mkdir()
    assert _export(project, "-f", "brat", "-o", out).returncode == 0
    old = _snapshot(out)
    _change(project)
    ref = tmp_path / "ref"
    assert _export(project, "-f", "brat", "-o", ref).returncode == 0
    new = _snapshot(ref)
    n = 0
    while True:
        n += 1
        assert n < 400, "the export never finished"
        code = _run_crashing(n, "export", project, "-f", "brat", "-o", out, "--force")
        assert out.is_dir(), f"no output folder after a kill at step {n}"
        assert _snapshot(out) in (old, new), f"mixed folder after a kill at step {n}"
        assert (out / MARKER).exists()
        if code == 0:
            assert _snapshot(out) == new
            break
    assert n > 3
    # the next run (here: the same export again) removes what the killed ones left
    assert _export(project, "-f", "brat", "-o", out, "--force").returncode == 0
    assert _litter(out.parent, set()) == [] and _snapshot(out) == new


def test_litter_of_killed_exports_is_removed_by_the_next_run(project, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    # what killed runs of this tool leave (the names it gives its temporary files and folders)
    (out / ".claims.csv.abcd1234.part").write_bytes(b"x" * 1000)
    (out / ".claims_quotes.csv.k2j4h6g8.part").write_bytes(b"x")
    (out / ".brat.zzzz9999.part").mkdir()
    (out / ".brat.zzzz9999.part" / "a.txt").write_text("half")
    (out / ".brat.yyyy8888.old").mkdir()
    # and what it never named: left alone
    (out / ".claims.csv.notes").write_text("mine")
    (out / ".hidden").write_text("mine")
    assert _export(project, "-f", "csv", "-o", out / "claims.csv").returncode == 0
    assert _export(project, "-f", "brat", "-o", out / "brat").returncode == 0
    assert _litter(out, {".claims.csv" + MARKER}) == [".claims.csv.notes", ".hidden"]


# Item 14: long ids, bad -o and --split, no mkdir -p -------------------------------------------------------


def test_brat_export_of_ids_longer_than_a_file_name(tmp_path):
    path = tmp_path / "long.claimdesk"
    base = "https://example.com/news/" + "très-long-titre-" * 20
    ids = [base + "a", base + "b", "short"]
    with Store.create(path) as store:
        for i, ext in enumerate(ids):
            edits.apply(store, edits.AddDocument(ext_id=ext, text=f"Story {i} about Lavrov.", entities=(
                {"start": 15, "end": 21, "label": "PERSON", "origin": "editor"},)))
    out1, out2 = tmp_path / "b1", tmp_path / "b2"
    proc = run_cli("export", path, "-f", "brat", "-o", out1)
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in out1.iterdir() if p.suffix == ".txt")
    assert len(names) == 3 and "short.txt" in names
    assert all(len(n.encode("utf-8")) <= 160 for n in names), names
    ids_of = json.loads((out1 / MARKER).read_text(encoding="utf-8"))["ids"]
    assert sorted(ids_of.values()) == sorted(ids[:2])  # the long ids are kept, by file stem
    for stem, ext in ids_of.items():
        assert (out1 / f"{stem}.txt").read_text(encoding="utf-8") == f"Story {ids.index(ext)} about Lavrov."
    # import and export again: the same files, byte for byte
    again = tmp_path / "again.claimdesk"
    assert run_cli("new", again).returncode == 0
    imported = run_cli("import", again, out1)
    assert imported.returncode == 0 and "3 documents imported" in imported.stdout, imported.stderr
    with Store.open(again, readonly=True) as store:  # the long ids come back from the marker
        assert sorted(d.ext_id for d in store.documents()) == sorted(ids)
    assert run_cli("export", again, "-f", "brat", "-o", out2).returncode == 0
    assert _snapshot(out1) == _snapshot(out2)


@pytest.mark.parametrize("args, needle", [
    (["-o", "."], "-o"),
    (["-o", ""], "-o"),
    (["-o", "x", "--split", "inf/1"], "--split"),
    (["-o", "x", "--split", "1/inf/1"], "--split"),
    (["-o", "x", "--split", "1e308/1e308"], "--split"),
])
def test_bad_output_and_split_are_one_line_errors(project, tmp_path, args, needle):
    cwd = tmp_path / "here"
    cwd.mkdir()
    fmt = [] if "-f" in args else ["-f", "jsonl"]
    proc = _export(project, *fmt, *args, cwd=cwd)
    assert_one_line_error(proc, needle)
    assert list(cwd.iterdir()) == []


@pytest.mark.parametrize("fmt, name", [("jsonl", "x.jsonl"), ("brat", "x"), ("csv", "x.csv")])
def test_output_folders_are_not_created_with_mkdir_p(project, tmp_path, fmt, name):
    missing = tmp_path / "nonexistent" / "dir"
    proc = _export(project, "-f", fmt, "-o", missing / name)
    assert_one_line_error(proc, str(missing), "does not exist")
    assert not (tmp_path / "nonexistent").exists()
    # the last level of a folder export is created, as before
    made = _export(project, "-f", "brat", "-o", tmp_path / "new-folder")
    assert made.returncode == 0 and (tmp_path / "new-folder" / "plain.txt").exists()


# Item 15: ClaimReview is safe to paste into <script type="application/ld+json"> ---------------------------


def test_claimreview_is_safe_inside_a_script_element(tmp_path):
    path = tmp_path / "cr.claimdesk"
    hostile = "Prices </script><script>alert(1)</script> rose <!-- 5% \u2028 today"
    text = hostile + " And more."
    with Store.create(path) as store:
        edits.apply(store, edits.AddDocument(
            ext_id="x", text=text, url="javascript:alert(1)", title="</script><!--", source="</b>",
            claims=({"start": 0, "end": len(hostile), "labels": {"verdict": "false"}, "claimant": "<!--x",
                     "note": "a </SCRIPT > b", "origin": "editor"},)))
        edits.apply(store, edits.AddDocument(
            ext_id="y", text="Fine claim here.", url="HTTPS://example.org/ok", claims=(
                {"start": 0, "end": 10, "labels": {"verdict": "true"}, "origin": "editor"},)))
        edits.apply(store, edits.AddDocument(
            ext_id="z", text="Other claim here.", url=" jAvA\tscript:alert(2)", claims=(
                {"start": 0, "end": 11, "labels": {"verdict": "true"}, "origin": "editor"},)))
        edits.apply(store, edits.SetSetting("claimreview.url", "https://checks.example/{document}"))
    out = tmp_path / "cr.jsonld"
    proc = run_cli("export", path, "-f", "claimreview", "-o", out)
    assert proc.returncode == 0, proc.stderr
    raw = out.read_text(encoding="utf-8")
    assert "</" not in raw and "<!--" not in raw and "\u2028" not in raw and "\u2029" not in raw
    assert "javascript" not in raw.lower()
    reviews = json.loads(raw)
    assert reviews[0]["claimReviewed"] == hostile
    assert reviews[0]["itemReviewed"]["appearance"]["headline"] == "</script><!--"
    assert reviews[0]["itemReviewed"]["author"]["name"] == "<!--x"
    assert reviews[0]["reviewBody"] == "a </SCRIPT > b"
    assert "url" not in reviews[0]["itemReviewed"]["appearance"]
    assert reviews[1]["itemReviewed"]["appearance"]["url"] == "HTTPS://example.org/ok"
    assert "url" not in reviews[2]["itemReviewed"]["appearance"]


# Item 11: a full disk, a read-only output folder, a read-only project -------------------------------------


@pytest.mark.parametrize("fmt, out_name, folder", [
    ("jsonl", "x.jsonl", False), ("csv", "x.csv", False), ("brat", "brat", True),
])
def test_export_on_a_full_disk_is_one_line_and_keeps_the_previous_export(tmp_path, small_disk, fmt, out_name,
                                                                          folder):
    path = tmp_path / "big.claimdesk"
    with Store.create(path) as store:
        build_rich_project(store, extra_plain=400)
    out = small_disk / out_name
    first = _export(path, "-f", fmt, "-o", out)
    assert first.returncode == 0, first.stderr
    before = _snapshot(small_disk)
    with Store.open(path) as store:  # a much bigger second export that cannot fit
        huge = "Lavrov said so. " * 250_000
        edits.apply(store, edits.AddDocument(ext_id="huge", text=huge, claims=(
            {"start": 0, "end": len(huge) - 1, "labels": {"verdict": "false"}, "origin": "editor"},)))
    fill(small_disk, leave=200_000)
    filler = small_disk / ".filler"
    proc = _export(path, "-f", fmt, "-o", out, *(["--force"] if folder else []))
    assert_one_line_error(proc, str(out), "space")
    filler.unlink()
    assert _snapshot(small_disk) == before  # nothing partial, nothing temporary, the old export intact
    assert sorted(p.name for p in small_disk.iterdir() if p.name.startswith(".")) == \
        sorted(n for n in ([f".{out_name}{MARKER}"] if fmt == "csv" else []))


def test_read_only_output_folder_is_one_line(project, tmp_path, readonly_mount):
    media = readonly_mount(tmp_path / "proj")  # any folder; its copy is read-only media
    for fmt, name in (("jsonl", "x.jsonl"), ("brat", "b"), ("csv", "c.csv")):
        assert_one_line_error(_export(project, "-f", fmt, "-o", media / name), str(media / name), "read-only")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        for fmt, name in (("jsonl", "x.jsonl"), ("brat", "b")):
            proc = _export(project, "-f", fmt, "-o", locked / name, respect_modes=True)
            assert_one_line_error(proc, str(locked / name), "permission denied")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


def test_export_from_a_read_only_project(project, tmp_path, readonly_mount):
    media = readonly_mount(project.parent)
    out = tmp_path / "x.jsonl"
    proc = _export(media / project.name, "-f", "jsonl", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3
