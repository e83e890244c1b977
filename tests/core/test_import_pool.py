"""A large import reads its files in worker processes (issue 13, item 14) and writes them here,
in the order of the files: every guarantee of reading them here holds (a bad file is one line
naming it, the others go on; a worker that dies costs nothing but speed)."""

from __future__ import annotations

import os

from desktop.core import importers, jobs
from desktop.core.invariants import check

LATIN = ("Gespräche in Zürich\n\nDie Minister äußerten sich nach den Gesprächen über die Grenze "
         "zurückhaltend; man werde sich im März wieder treffen, hieß es.\n")


def _folder(tmp_path, n):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(n):
        (folder / f"a{i:04d}.txt").write_text(f"Report {i}\n\nOfficials in Geneva met on day {i} about the border.",
                                              encoding="utf-8")
    return folder


def test_bad_files_amid_good_ones_are_one_line_each_and_the_rest_import_in_order(store, tmp_path):
    n = importers.POOL_MIN_INPUTS + 100
    folder = _folder(tmp_path, n)
    (folder / "a0100.txt").write_bytes(b"\x00\x01\x02" * 100)
    (folder / "a0150.txt").write_bytes(b"")
    (folder / "a0151.txt").write_bytes(LATIN.encode("cp1252"))
    stray = "Report 200\n\nOfficials said “no” in Geneva.".encode() + b"\xff"  # UTF-8 with one stray byte
    (folder / "a0200.txt").write_bytes(stray)
    report = jobs.import_into(store, [folder])
    assert [str(p) for p in report.problems] == [
        f"{folder / 'a0100.txt'}: looks like binary data (contains NUL bytes); if it is UTF-16 text, save it with "
        "a byte order mark",
        f"{folder / 'a0150.txt'}: file is empty"]
    assert [str(w) for w in report.warnings] == [
        f"{folder / 'a0200.txt'}: 1 character not valid UTF-8 replaced with U+FFFD (the first at byte {len(stray) - 1}, line 3)"]
    expected = [f"a{i:04d}" for i in range(n) if i not in (100, 150)]
    assert report.added == expected  # in the order of the files, as read here
    assert store.document_by_ext_id("a0151").text == LATIN  # detected (cp1252) in a worker
    assert store.document_by_ext_id("a0007").title == "Report 7"
    assert store.document_count() == n - 2 and check(store) == []


def test_a_worker_that_dies_costs_only_speed(store, tmp_path, monkeypatch):
    n = importers.POOL_MIN_INPUTS + 100
    folder = _folder(tmp_path, n)
    parent = os.getpid()
    real = importers._read_input

    def read(item, text_only=False):  # the workers are forks of this process: they get this too
        if os.getpid() != parent and item.path.name == "a0150.txt":
            os._exit(1)  # a crash in a parser
        return real(item, text_only)

    monkeypatch.setattr(importers, "_read_input", read)
    report = jobs.import_into(store, [folder])
    assert report.added == [f"a{i:04d}" for i in range(n)] and not report.problems
    assert store.document_count() == n and check(store) == []


def test_a_small_import_starts_no_worker(store, tmp_path, monkeypatch):
    folder = _folder(tmp_path, 20)

    def no_pool(*args, **kwargs):
        raise AssertionError("a worker pool for 20 files")

    monkeypatch.setattr(importers, "_read_pooled", no_pool)
    assert len(jobs.import_into(store, [folder]).added) == 20
