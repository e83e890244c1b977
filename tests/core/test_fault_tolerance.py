"""Fault tolerance at the project level: a killed export, fuzzed input imported into a project.

The importer-level checks (each bad input becomes a problem) are in test_importers.py and the
command-line level in tests/e2e/test_fault_tolerance.py; here the question is what the
*project* holds afterwards and what is left on disk.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import urllib.request
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core import edits as E
from desktop.core.jobs import import_into
from desktop.core.store import Store
from tests.processes import kill_when

# A killed export ---------------------------------------------------------------------------------

EXPORT_CHILD = """
import sys, time
from desktop.core.exporters import export_project
from desktop.core.jobs import Job
from desktop.core.store import Store

def progress(done, total, message):
    print(f"exported {done}/{total}", flush=True)
    time.sleep(0.02)  # slow enough to be killed in the middle

with Store.open(sys.argv[1], readonly=True) as store:
    export_project(store, "jsonl", sys.argv[2], status="all", job=Job(on_progress=progress))
print("finished", flush=True)
"""


def _project_with_documents(path: Path, n: int) -> None:
    with Store.create(path) as store:
        for i in range(n):
            text = f"Document {i}: Antony Blinken met Sergey Lavrov in Geneva. " * 40
            E.apply(store, E.AddDocument(f"d{i}", text, entities=(
                {"start": 12, "end": 26, "label": "PERSON", "origin": "model", "status": "suggested"},)))


def _kill_export_midway(project: Path, out: Path) -> list[str]:
    lines, _ = kill_when([sys.executable, "-c", textwrap.dedent(EXPORT_CHILD), str(project), str(out)],
                         until=lambda line: line.startswith("exported 20/"))
    assert any(line.startswith("exported 20/") for line in lines), lines
    assert "finished" not in lines
    return lines


def _leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_during_export_leaves_no_output_that_looks_complete(tmp_path):
    project = tmp_path / "p.claimdesk"
    _project_with_documents(project, 120)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "data.jsonl"
    _kill_export_midway(project, out)
    assert not out.exists()
    # a temporary file may remain, but its name says it is partial
    for name in _leftovers(out_dir, set()):
        assert name.startswith(".data.jsonl.") and name.endswith(".part"), name


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_during_export_keeps_the_previous_complete_file(tmp_path):
    from desktop.core.exporters import export_project, read_jsonl_records

    project = tmp_path / "p.claimdesk"
    _project_with_documents(project, 120)
    out = tmp_path / "data.jsonl"
    with Store.open(project, readonly=True) as store:
        export_project(store, "jsonl", out, status="all")
    before = out.read_bytes()
    assert len(read_jsonl_records(out)) == 120
    with Store.open(project) as store:  # the project changes, then a second export is killed
        E.apply(store, E.AddDocument("late", "Lavrov said the talks were useful. " * 30))
    _kill_export_midway(project, out)
    assert out.read_bytes() == before
    for name in _leftovers(tmp_path, {"p.claimdesk", "data.jsonl"}):
        assert name.startswith(".data.jsonl.") and name.endswith(".part") or name.startswith("p.claimdesk"), name


# Fuzzed input imported into a project -------------------------------------------------------------


class _NoNetwork:
    """Refuse (and record) every attempt to reach the network or to run a program."""

    def __init__(self, monkeypatch):
        self.attempts: list[str] = []

        def refuse(name):
            def _refuse(*args, **kwargs):
                self.attempts.append(f"{name}{args!r}")
                raise OSError(f"{name} refused by the test")
            return _refuse

        monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
        monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
        monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
        monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
        monkeypatch.setattr(urllib.request, "urlopen", refuse("urlopen"))
        monkeypatch.setattr(subprocess.Popen, "__init__", refuse("Popen"))
        monkeypatch.setattr(os, "system", refuse("system"))


@pytest.fixture
def no_network(monkeypatch):
    return _NoNetwork(monkeypatch)


_WORD = st.text(alphabet=st.characters(categories=["Lu", "Ll", "Nd"], max_codepoint=0x2FFF), min_size=1,
                max_size=12)
_TEXT = st.lists(_WORD, min_size=3, max_size=40).map(" ".join)

BAD_KINDS = ("span past the text", "start after end", "quote past the text", "invalid JSON", "missing text",
             "not an object", "NUL in text", "invalid UTF-8")


@st.composite
def jsonl_lines(draw):
    """(lines as bytes, good records by id, bad line numbers)."""
    n = draw(st.integers(min_value=1, max_value=8))
    lines: list[bytes] = []
    good: dict[str, str] = {}
    bad: list[int] = []
    for i in range(n):
        text = draw(_TEXT) + f" n{i}."
        ident = f"rec-{i}"
        kind = draw(st.sampled_from(("good",) * 3 + BAD_KINDS))
        length = len(text)
        start = draw(st.integers(min_value=0, max_value=length - 1))
        end = draw(st.integers(min_value=start + 1, max_value=length))
        record = {"id": ident, "text": text, "meta": {"title": f"Title {i}"},
                  "entities": [{"start": start, "end": end, "label": "PERSON"}]}
        if kind == "span past the text":
            record["entities"][0]["end"] = length + draw(st.integers(min_value=1, max_value=10**9))
        elif kind == "start after end":
            record["entities"][0]["start"], record["entities"][0]["end"] = end, start
        elif kind == "quote past the text":
            record["quotes"] = [{"content": [{"start": start, "end": length + 5}], "speaker": None}]
        elif kind == "missing text":
            del record["text"]
        elif kind == "NUL in text":
            record["text"] = text[:start] + "\x00" + text[start:]
        raw = json.dumps(record, ensure_ascii=draw(st.booleans())).encode("utf-8")
        if kind == "invalid JSON":
            raw = raw[: draw(st.integers(min_value=1, max_value=len(raw) - 1))]
        elif kind == "not an object":
            raw = json.dumps([ident, text]).encode("utf-8")
        elif kind == "invalid UTF-8":
            raw = raw.replace(b'"text": "', b'"text": "\xff\xfe', 1) if b'"text": "' in raw else b"\xff" + raw
        lines.append(raw)
        if kind == "good" and not text[start:end].strip():
            kind = "span of only white space"  # refused for every layer (core.edits._check_span)
        if kind == "good":
            good[ident] = text
        else:
            bad.append(i + 1)
    return lines, good, bad


HTML = """<!DOCTYPE html [<!ENTITY ext SYSTEM "http://example.invalid/ext.dtd">]>
<html><head><title>{title}</title><script src="http://example.invalid/a.js"></script>
<script>fetch("http://example.invalid/beacon"); document.write("SCRIPT-RAN")</script></head>
<body><iframe src="http://example.invalid/frame">IFRAME-TEXT</iframe>
<article><h1>{title}</h1><p>{body}</p><p>&ext; {body}</p>
<img src="http://example.invalid/pixel.png" alt="IMG-ALT" onerror="alert(1)"></article></body></html>"""


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(jsonl=jsonl_lines(), binary=st.binary(min_size=1, max_size=2048), txt=_TEXT,
       mixed=st.tuples(_TEXT, st.binary(min_size=1, max_size=64)), html_body=_TEXT)
def test_fuzzed_files_import_exactly_the_good_documents(no_network, jsonl, binary, txt, mixed, html_body):
    lines, good, bad = jsonl
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        (folder / "records.jsonl").write_bytes(b"\n".join(lines) + b"\n")
        (folder / "binary.txt").write_bytes(b"\x00" + binary)
        (folder / "plain.txt").write_text(txt + " plain.", encoding="utf-8")
        (folder / "mixed.txt").write_bytes(mixed[0].encode("utf-8") + mixed[1] + "é mixed".encode("cp1252"))
        body = ("The minister said the talks went on for hours, and " + html_body + ". ") * 6
        (folder / "page.html").write_text(HTML.format(title="Talks", body=body), encoding="utf-8")
        with Store.create(Path(tmp) / "p.claimdesk") as store:
            report = import_into(store, [folder])
            docs = {d.ext_id: d for d in store.documents()}
            assert store.integrity_check() == ["ok"]
            mentions = store.mentions()
        problems = [(Path(p.path).name, p.line) for p in report.problems]
        # every good JSONL record, exactly; no bad line's document
        jsonl_docs = {k: v for k, v in docs.items() if k.startswith("rec-")}
        assert {k: v.text for k, v in jsonl_docs.items()} == good
        for number in bad:
            assert ("records.jsonl", number) in problems
        # the binary file is reported by name and imports nothing
        assert ("binary.txt", None) in problems and "binary" not in docs
        assert docs["plain"].text == txt + " plain."
        # a file of mixed encodings either imports (as cp1252) or is reported; never silently lost
        assert ("mixed" in docs) != (("mixed.txt", None) in problems)
        # HTML: the article text, nothing fetched, nothing run
        assert "page" in docs
        page = docs["page"].text
        for hidden in ("SCRIPT-RAN", "IFRAME-TEXT", "IMG-ALT", "example.invalid", "alert"):
            assert hidden not in page
        assert no_network.attempts == []
        # annotations only of imported documents, every span inside its text
        for m in mentions:
            doc = next(d for d in docs.values() if d.id == m.doc_id)
            assert 0 <= m.start < m.end <= len(doc.text)
        assert report.added and len(report.added) == len(docs)


# Cached reads never go stale ------------------------------------------------------------------------


def test_entities_seen_by_the_window_follow_writes_from_any_connection(tmp_path):
    """Store.entities() is cached between changes; another connection's commit, this connection's
    own writes (inside or outside an edit) and a rolled-back edit are all seen at once."""
    import sqlite3

    path = tmp_path / "p.claimdesk"
    with Store.create(path) as store:
        E.apply(store, E.AddDocument("d", "Antony Blinken met Sergey Lavrov in Geneva.", entities=(
            {"start": 0, "end": 14, "label": "PERSON", "entity": "Antony Blinken"},)))
        reader = Store.open(path, readonly=True)
        try:
            assert [e.name for e in store.entities()] == [e.name for e in reader.entities()] == ["Antony Blinken"]
            other = sqlite3.connect(path)
            other.execute("INSERT INTO entities (name, type, aliases, created_at, updated_at) "
                          "VALUES ('Sergey Lavrov', 'PERSON', '[\"Lavrov\"]', 'x', 'x')")
            # an entity is listed while a live mention links to it
            other.execute("INSERT INTO mentions (doc_id, start, \"end\", label, entity_id, origin, status, "
                          "created_at, updated_at) SELECT id, 25, 38, 'PERSON', last_insert_rowid(), 'editor', "
                          "'accepted', 'x', 'x' FROM documents")
            other.commit()
            other.close()
            assert [e.name for e in store.entities()] == ["Antony Blinken", "Sergey Lavrov"]
            assert reader.entities()[1].aliases == ("Lavrov",)
            lavrov = store.entities()[1].id
            E.apply(store, E.RenameEntity(lavrov, "Sergei Lavrov"))
            assert [e.name for e in store.entities()] == ["Antony Blinken", "Sergei Lavrov"]
            assert [e.name for e in reader.entities()] == ["Antony Blinken", "Sergei Lavrov"]
            with pytest.raises(RuntimeError), store.transaction():
                store.conn.execute("UPDATE entities SET name = 'Nobody'")
                assert {e.name for e in store.entities()} == {"Nobody"}  # inside: no cache
                raise RuntimeError("roll back")
            assert [e.name for e in store.entities()] == ["Antony Blinken", "Sergei Lavrov"]
            returned = store.entities()
            returned.clear()  # callers get their own list
            assert len(store.entities()) == 2
        finally:
            reader.close()
