"""Importers: plain text, HTML, interchange JSONL, brat standoff, and every kind of bad input."""

from __future__ import annotations

import json
import os
import socket
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core import importers
from desktop.core.importers import (
    MAX_FILE_BYTES,
    SUPPORTED_SUFFIXES,
    count_inputs,
    decode_bytes,
    parse_date,
    read_file,
    read_paths,
)
from desktop.core.interchange import PROV_KEYS
from desktop.core.model import ImportedDocument, ImportProblem

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
#: the provenance keys of the codec's shapes (desktop.core.interchange), none of them given
NO_PROV = dict.fromkeys(PROV_KEYS)

LONG_PARAGRAPH = (
    "U.S. Secretary of State Antony Blinken and Russian Foreign Minister Sergey Lavrov met on Friday "
    "in Geneva in a high-stakes meeting at a critical moment in the tensions rising between Russia, "
    "the U.S. and Ukraine."
)


def docs(results) -> list[ImportedDocument]:
    return [r for r in results if isinstance(r, ImportedDocument)]


def problems(results, severity: str | None = "error") -> list[ImportProblem]:
    return [
        r for r in results if isinstance(r, ImportProblem) and (severity is None or r.severity == severity)
    ]


def only_doc(path) -> ImportedDocument:
    results = list(read_file(path))
    assert not problems(results), problems(results)
    [doc] = docs(results)
    return doc


def only_problem(path) -> ImportProblem:
    results = list(read_file(path))
    assert not docs(results)
    [problem] = problems(results)
    return problem


# Seeds ---------------------------------------------------------------------------------------------


def seed(prefix: str) -> Path:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return path


def test_seed_000_header_lines_are_metadata():
    doc = only_doc(seed("000"))
    assert doc.title == "Blinken Lavrov meet to discuss critical moment amid Ukraine invasion fears"
    assert doc.published == "2022-01-21"
    assert doc.url == (
        "https://thehill.com/policy/defense/590742-blinken-lavrov-meet-to-discuss-critical-moment-in-ukraine"
    )
    assert doc.source == "thehill.com"
    assert doc.ext_id == seed("000").stem


def test_seed_001_wire_dateline_gives_source_and_no_title():
    doc = only_doc(seed("001"))
    assert doc.source == "AP"
    assert doc.title is None
    assert doc.published is None and doc.url is None


def test_seed_002_and_004_title_line_followed_by_blank():
    assert only_doc(seed("002")).title == "Blinken, Lavrov exchange \u2018frank\u2019 views on Ukraine crisis"
    assert only_doc(seed("004")).title == "Blinken and Lavrov Held Talks in Geneva"


def test_seed_003_first_sentence_is_not_a_title():
    doc = only_doc(seed("003"))
    assert doc.title is None and doc.source is None and doc.published is None


def test_seed_texts_are_identical_to_the_files():
    results = list(read_paths([SEEDS]))
    assert not problems(results, severity=None)
    found = docs(results)
    assert [d.ext_id for d in found] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for doc in found:
        assert doc.text == Path(doc.path).read_bytes().decode("utf-8")
        assert doc.entities == [] and doc.quotes == [] and doc.claims == []
        assert doc.default_origin == "import"


def test_count_inputs_matches_seed_folder():
    assert count_inputs([SEEDS]) == 5


# Plain text ----------------------------------------------------------------------------------------


def write(tmp_path: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def test_txt_crlf_kept_and_offsets_refer_to_the_file(tmp_path):
    raw = "Short title\r\n\r\nFirst paragraph.\r\nSecond one.\r\n"
    doc = only_doc(write(tmp_path, "a.txt", raw))
    assert doc.text == raw
    assert doc.title == "Short title"
    assert doc.text.index("Second") == raw.index("Second")


def test_txt_nothing_stripped(tmp_path):
    raw = "\n\n  Leading blank lines and spaces stay.  \n\n"
    assert only_doc(write(tmp_path, "a.txt", raw)).text == raw


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "https://www.reuters.com/world/x\n2022-01-21\nTalks in Geneva",
            ("Talks in Geneva", "2022-01-21", "reuters.com"),
        ),
        (
            "January 21, 2022\nTalks in Geneva\nhttps://apnews.com/a",
            ("Talks in Geneva", "2022-01-21", "apnews.com"),
        ),
        ("Talks in Geneva\n21 January 2022", ("Talks in Geneva", "2022-01-21", None)),
        (
            "Title: Talks in Geneva. Really.\nPublished: Fri, 21 Jan 2022 10:32 GMT\nSource: The Hill",
            ("Talks in Geneva. Really.", "2022-01-21", "The Hill"),
        ),
        ("Will talks work?\n2022/01/21", ("Will talks work?", "2022-01-21", None)),
    ],
)
def test_txt_header_metadata_in_any_order(tmp_path, header, expected):
    body = "\nBlinken told Lavrov that the talks were a critical moment.\nMore text.\n"
    doc = only_doc(write(tmp_path, "a.txt", header + body))
    assert (doc.title, doc.published, doc.source) == expected
    assert doc.text == header + body


@pytest.mark.parametrize(
    "text",
    [
        "Blinken met Lavrov in Geneva on Friday.\n\nMore text.\n",  # a sentence, not a title
        "Blinken met Lavrov in Geneva\nOn Friday the two met again.\n",  # no blank line after it
        "Will the talks work?\n\nNobody knows.\n",  # a question without metadata
        "The meeting was on January 21, 2022 in Geneva.\n\nMore.\n",  # a sentence with a date in it
        "May 2022\n\nMonth and year are not a date.\n",
    ],
)
def test_txt_ordinary_first_lines_are_not_metadata(tmp_path, text):
    doc = only_doc(write(tmp_path, "a.txt", text))
    assert doc.published is None and doc.url is None
    if text.startswith("May 2022"):
        assert doc.title == "May 2022"  # a short line before a blank line is a title; never a date
    else:
        assert doc.title is None


@pytest.mark.parametrize(
    ("first_line", "source"),
    [
        ("GENEVA (AP) \u2014 Blinken warned Friday.", "AP"),
        ("GENEVA, Jan 21 (Reuters) - Blinken warned Friday.", "Reuters"),
        ("KYIV, Ukraine (AFP) -- Blinken warned Friday.", "AFP"),
        ("Blinken (AP) said nothing about it at all.", None),
        ("Geneva talks (maybe) - no wire here.", None),
    ],
)
def test_txt_wire_dateline_source(tmp_path, first_line, source):
    assert only_doc(write(tmp_path, "a.txt", first_line + "\nMore.\n")).source == source


def test_txt_with_sibling_ann_is_a_brat_document_imported_once(tmp_path):
    write(tmp_path, "doc.txt", "Blinken spoke.")
    write(tmp_path, "doc.ann", "T1\tPERSON 0 7\tBlinken\n")
    write(tmp_path, "plain.txt", "Just text.")
    results = list(read_paths([tmp_path, tmp_path / "doc.txt", tmp_path / "doc.ann"]))
    found = docs(results)
    assert [d.ext_id for d in found] == ["doc", "plain"]
    assert found[0].entities == [{"start": 0, "end": 7, "label": "PERSON", "entity": None, **NO_PROV}]
    assert count_inputs([tmp_path, tmp_path / "doc.txt"]) == 2
    # naming the .txt alone still reads it as brat
    assert only_doc(tmp_path / "doc.txt").entities[0]["label"] == "PERSON"


def test_parse_date_is_strict():
    assert parse_date("20220121") == "2022-01-21"
    assert parse_date("2022-01-21T10:00:00Z") == "2022-01-21"
    assert parse_date("Friday, January 21st, 2022 at 10:32 a.m. ET") == "2022-01-21"
    assert parse_date("21.01.2022") == "2022-01-21"
    for not_a_date in (
        "01/02/2022",
        "20221341",
        "2022",
        "January 2022",
        "Blinken met on 21 January 2022",
        "",
        "\u00b2",  # a digit that is not a decimal
        "21\u00b2 Jan 2022",
    ):
        assert parse_date(not_a_date) is None, not_a_date


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("Friday 21 January 2022 09.31 GMT", "2022-01-21"),  # the Guardian's dots in the time
        ("21 Jan 2022 9.31", "2022-01-21"),
        ("Last modified on Fri 21 Jan 2022 09.31 GMT", "2022-01-21"),
        ("First published on Thu 20 Jan 2022 23.30 GMT", "2022-01-20"),  # not moved to another zone
        ("21 января 2022", "2022-01-21"),
        ("Пятница, 21 января 2022", "2022-01-21"),
        ("21 січня 2022", "2022-01-21"),
        ("21 janvier 2022", "2022-01-21"),
        ("21. Januar 2022", "2022-01-21"),
        ("21 de enero de 2022", "2022-01-21"),
        ("2022年1月21日", "2022-01-21"),
        # what the fast rules read they still read (dateparser is not asked)
        ("Updated 9:31 AM EST, Fri January 21, 2022", "2022-01-21"),
        ("Jan. 21, 2022 9:31 AM ET", "2022-01-21"),
    ],
)
def test_parse_date_reads_other_styles_and_languages(line, iso):
    assert parse_date(line) == iso


@pytest.mark.parametrize(
    "not_a_date",
    [
        "01/02/2022 GMT",  # day-first or month-first: still not guessed
        "2 days ago",  # relative dates need today's date
        "Updated 2 days ago 2022",
        "Friday",
        "21 января",  # no year
        "января 2022",  # no day
        "Biden signs 2022 budget: 3 things to know",
        "Top 10 films of 2022",
        "Lavrov 21 January 2022",
        "Blinken met Lavrov in Geneva on Friday 21 January 2022 09.31 GMT",  # a sentence
        "31 февраля 2022",  # no such day
        "21.01 2022",
        "21 Jan 2022 09.315",
    ],
)
def test_parse_date_stays_strict_with_dateparser(not_a_date):
    assert parse_date(not_a_date) is None


def test_parse_date_reads_a_learnt_wording_right_for_every_day():
    """A wording dateparser read once is read again without it: the month stays the wording's, the
    day and year are the line's own numbers, an impossible day is still no date, and a wording whose
    month is a number is never learnt as one month."""
    assert parse_date("21 февраля 2022, 10:32") == "2022-02-21"
    assert [parse_date(f"{d} февраля 2022, 18:05") for d in (3, 28, 29, 30)] == ["2022-02-03", "2022-02-28", None, None]
    assert parse_date("1 февраля 2023") == "2023-02-01"
    assert [parse_date(d) for d in ("2022年1月21日", "2022年3月5日", "2022年2月30日")] == ["2022-01-21", "2022-03-05", None]


@pytest.mark.parametrize(
    ("url", "outlet"),
    [
        ("https://edition.cnn.com/2022/01/21/politics/blinken-lavrov-geneva/index.html", "cnn.com"),
        ("https://amp.cnn.com/cnn/2022/01/21/politics/x", "cnn.com"),
        ("https://www.bbc.co.uk/news/world-europe-60083445", "bbc.co.uk"),
        ("https://m.bbc.co.uk/news/world-europe-60083445", "bbc.co.uk"),
        ("https://www.theguardian.com/world/2022/jan/21/blinken-lavrov-geneva", "theguardian.com"),
        ("https://amp.theguardian.com/world/2022/jan/21/blinken-lavrov-geneva", "theguardian.com"),
        ("https://mobile.reuters.com/article/x", "reuters.com"),
        ("https://uk.news.yahoo.com/blinken-lavrov-100000000.html", "yahoo.com"),
        ("https://www.abc.net.au/news/2022-01-22/x/100000000", "abc.net.au"),
        ("www.reuters.com/world/x", "reuters.com"),  # no scheme
        ("https://apnews.com/article/x", "apnews.com"),
        # a blog host's sites are outlets of their own
        ("https://someone.blogspot.com/2022/01/x.html", "someone.blogspot.com"),
        ("https://someone.substack.com/p/x", "someone.substack.com"),
        ("http://localhost:8000/x", "localhost"),
    ],
)
def test_txt_url_line_gives_the_outlet_as_source(tmp_path, url, outlet):
    doc = only_doc(write(tmp_path, "a.txt", f"Talks in Geneva\n{url}\n\nBlinken met Lavrov.\n"))
    assert (doc.url, doc.source, doc.title) == (url, outlet, "Talks in Geneva")


def test_txt_header_with_a_guardian_date_and_a_russian_one(tmp_path):
    guardian = only_doc(write(tmp_path, "g.txt", "Blinken and Lavrov meet in Geneva\n"
                              "https://amp.theguardian.com/world/2022/jan/21/x\nFri 21 Jan 2022 09.31 GMT\n\nText.\n"))
    assert (guardian.title, guardian.published, guardian.source) == (
        "Blinken and Lavrov meet in Geneva", "2022-01-21", "theguardian.com")
    tass = only_doc(write(tmp_path, "t.txt", "Лавров и Блинкен встретились в Женеве\n21 января 2022\n\nТекст.\n"))
    assert (tass.title, tass.published) == ("Лавров и Блинкен встретились в Женеве", "2022-01-21")


def test_jsonl_published_in_another_language_is_normalised(tmp_path):
    line = json.dumps({"id": "t1", "text": "Текст.", "meta": {"published": "21 января 2022"}}, ensure_ascii=False)
    assert only_doc(write(tmp_path, "a.jsonl", line + "\n")).published == "2022-01-21"


def test_dateparser_is_imported_only_when_the_fast_rules_fail(tmp_path):
    """dateparser costs about half a second to import: a folder whose dates the fast rules read
    (the seeds, ISO and English dates, the Guardian's, titles with numbers) never loads it; one
    Russian date does."""
    import subprocess

    write(tmp_path, "plain/a.txt", "Biden signs 2022 budget: 3 things to know\n2022-01-21\n\nText.\n")
    write(tmp_path, "plain/b.txt", "Talks in Geneva\nPublished: Fri, 21 Jan 2022 10:32 GMT\n\nText.\n")
    write(tmp_path, "plain/c.txt", "Talks in Geneva, again\nLast modified on Fri 21 Jan 2022 09.31 GMT\n\nText.\n")
    write(tmp_path, "russian/d.txt", "Переговоры в Женеве\n21 января 2022\n\nТекст.\n")
    probe = ("import sys; from desktop.core.importers import read_paths; "
             "docs = [r for r in read_paths(sys.argv[1:]) if hasattr(r, 'published')]; "
             "print(len(docs), sorted({d.published for d in docs if d.published}), 'dateparser' in sys.modules)")

    def run(*paths):
        return subprocess.run([sys.executable, "-c", probe, *map(str, paths)], capture_output=True, text=True,
                              check=True, env={**os.environ, "PYTHONPATH": str(Path(importers.__file__).parents[2])}
                              ).stdout.split("\n")[0]

    assert run(SEEDS, tmp_path / "plain") == "8 ['2022-01-21'] False"
    assert run(tmp_path / "russian") == "1 ['2022-01-21'] True"


# Encodings -----------------------------------------------------------------------------------------

CURLY = "\u201cCaf\u00e9 talks,\u201d he said \u2014 it\u2019s na\u00efve.\r\nSecond line \u20ac5.\r\n"


@pytest.mark.parametrize(
    "data",
    [
        CURLY.encode("utf-8"),
        b"\xef\xbb\xbf" + CURLY.encode("utf-8"),
        b"\xff\xfe" + CURLY.encode("utf-16-le"),
        b"\xfe\xff" + CURLY.encode("utf-16-be"),
        b"\xff\xfe\x00\x00" + CURLY.encode("utf-32-le"),
        CURLY.encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf32le-bom", "cp1252"],
)
def test_encodings_decode_to_the_same_text(tmp_path, data):
    assert decode_bytes(data) == CURLY
    doc = only_doc(write(tmp_path, "a.txt", data))
    assert doc.text == CURLY  # BOM dropped, CRLF kept


def test_decode_bytes_rejects_binary_and_undecodable():
    with pytest.raises(ValueError, match="binary"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ValueError, match="binary"):
        decode_bytes("UTF-16 without a BOM".encode("utf-16-le"))
    with pytest.raises(ValueError, match="cannot be decoded"):
        decode_bytes(b"caf\xe9 \x81\x8d")  # not UTF-8, and 0x81 is undefined in cp1252
    with pytest.raises(ValueError, match="byte order mark"):
        decode_bytes(b"\xff\xfe\x00\xd8")  # a lone surrogate after a UTF-16 BOM
    with pytest.raises(ValueError, match="control characters"):
        decode_bytes(bytes(range(1, 9)) * 10)
    assert decode_bytes(b"") == ""


# Bad input -----------------------------------------------------------------------------------------


def test_bad_binary_file(tmp_path):
    problem = only_problem(write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"))
    assert "binary" in problem.message
    assert problem.path == str(tmp_path / "image.txt")


def test_bad_empty_file(tmp_path):
    assert only_problem(write(tmp_path, "empty.txt", b"")).message == "file is empty"


def test_bad_whitespace_only_file(tmp_path):
    assert "only whitespace" in only_problem(write(tmp_path, "blank.txt", " \r\n\t\n")).message


def test_bad_undecodable_file(tmp_path):
    assert "cannot be decoded" in only_problem(write(tmp_path, "x.txt", b"caf\xe9 \x81")).message


def test_bad_too_large_file(tmp_path, monkeypatch):
    monkeypatch.setattr(importers, "MAX_FILE_BYTES", 100)
    problem = only_problem(write(tmp_path, "big.txt", "word " * 50))
    assert "larger than" in problem.message


def test_max_file_bytes_default_is_20_mib():
    assert MAX_FILE_BYTES == 20 * 1024 * 1024


def test_bad_unknown_suffix_named_explicitly(tmp_path):
    problem = only_problem(write(tmp_path, "notes.pdf", "text"))
    assert "unsupported file type .pdf" in problem.message


def test_unknown_suffix_and_hidden_files_skipped_silently_in_folders(tmp_path):
    write(tmp_path, "notes.pdf", "text")
    write(tmp_path, ".hidden.txt", "secret")
    write(tmp_path, ".git/config.txt", "secret")
    write(tmp_path, "b/z.txt", "Zed.")
    write(tmp_path, "b/a.txt", "Ay.")
    write(tmp_path, "c.TXT", "See.")
    results = list(read_paths([tmp_path]))
    assert not problems(results, severity=None)
    assert [d.ext_id for d in docs(results)] == ["a", "z", "c"]  # sorted by relative path: b/a, b/z, c
    assert count_inputs([tmp_path]) == 3


def test_bad_missing_file_does_not_stop_the_rest(tmp_path):
    good = write(tmp_path, "good.txt", "Fine.")
    results = list(read_paths([tmp_path / "missing.txt", good, tmp_path / "gone"]))
    assert [d.ext_id for d in docs(results)] == ["good"]
    assert [(p.path, p.message) for p in problems(results)] == [
        (str(tmp_path / "missing.txt"), "file not found"),
        (str(tmp_path / "gone"), "file not found"),
    ]


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="needs POSIX permissions as non-root"
)
def test_bad_unreadable_file(tmp_path):
    path = write(tmp_path, "locked.txt", "text")
    path.chmod(0)
    try:
        assert "permission denied" in only_problem(path).message
    finally:
        path.chmod(0o644)


def test_bad_unreadable_file_any_platform(tmp_path, monkeypatch):
    path = write(tmp_path, "locked.txt", "text")
    good = write(tmp_path, "good.txt", "Good.")

    real_open = os.open

    def refuse(file, *args, **kwargs):
        if Path(os.fsdecode(file)) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)  # the importer opens files with os.open (non-blocking)
    results = list(read_paths([path, good]))
    assert [d.ext_id for d in docs(results)] == ["good"]
    [problem] = problems(results)
    assert problem.message == "permission denied" and problem.path == str(path)


def test_every_bad_file_in_one_folder_is_reported_and_good_ones_import(tmp_path):
    write(tmp_path, "1-binary.txt", b"\x00\x01\x02\x03" * 10)
    write(tmp_path, "2-empty.txt", b"")
    write(tmp_path, "3-good.txt", "Good text.")
    write(tmp_path, "4-bad.jsonl", "{not json}\n")
    write(tmp_path, "5-orphan.ann", "T1\tPERSON 0 3\tabc\n")
    write(tmp_path, "6-empty.html", "<html><body><script>x()</script></body></html>")
    results = list(read_paths([tmp_path]))
    assert [d.ext_id for d in docs(results)] == ["3-good"]
    reported = {Path(p.path).name for p in problems(results)}
    assert reported == {"1-binary.txt", "2-empty.txt", "4-bad.jsonl", "5-orphan.ann", "6-empty.html"}


def test_cancel_is_checked_between_files(tmp_path):
    for name in "abcd":
        write(tmp_path, f"{name}.txt", f"Text {name}.")
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 2

    results = list(read_paths([tmp_path], cancel=cancel))
    assert [d.ext_id for d in docs(results)] == ["a", "b"]


def test_progress_reports_each_input(tmp_path):
    for name in "abc":
        write(tmp_path, f"{name}.txt", f"Text {name}.")
    seen = []
    list(
        read_paths(
            [tmp_path, tmp_path / "missing.txt"], progress=lambda done, total: seen.append((done, total))
        )
    )
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_supported_suffixes():
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".html", ".htm", ".jsonl", ".json", ".ann"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=600), suffix=st.sampled_from(SUPPORTED_SUFFIXES + (".bin",)))
def test_arbitrary_bytes_never_raise(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "x" + suffix)
        path.write_bytes(data)
        results = list(read_paths([path, folder]))
    assert results and all(isinstance(r, (ImportedDocument, ImportProblem)) for r in results)
    for doc in docs(results):
        assert doc.text.strip()


# JSONL ---------------------------------------------------------------------------------------------

TEXT = "Antony Blinken said \u201cthis is a critical moment\u201d in Geneva."


def record(**overrides):
    base = {
        "id": "003_f5573d1949718a5b",
        "text": TEXT,
        "meta": {
            "title": "Talks",
            "source": "AP",
            "url": "https://apnews.com/x",
            "published": "2022-01-21",
            "story": "geneva",
        },
        "entities": [
            {
                "start": 0,
                "end": 14,
                "label": "PERSON",
                "entity": "Antony Blinken",
                "origin": "model",
                "status": "suggested",
            },
            {"start": 51, "end": 57, "label": "GPE"},
        ],
        "quotes": [
            {
                "content": [{"start": 20, "end": 47}],
                "speaker": {"start": 0, "end": 14},
                "speaker_entity": "Antony Blinken",
                "cue": {"start": 15, "end": 19},
                "type": "direct",
                "origin": "model",
                "status": "suggested",
            }
        ],
        "claims": [
            {
                "start": 20,
                "end": 47,
                "claimant": "Antony Blinken",
                "labels": {"checkworthiness": "check-worthy"},
                "origin": "editor",
                "status": "accepted",
            }
        ],
    }
    base.update(overrides)
    return base


def test_record_fixture_offsets_are_right():
    assert TEXT[0:14] == "Antony Blinken" and TEXT[15:19] == "said" and TEXT[51:57] == "Geneva"
    assert TEXT[20:47] == "\u201cthis is a critical moment\u201d"


def test_jsonl_full_record_kept_as_given(tmp_path):
    rec = record()
    path = write(tmp_path, "docs.jsonl", json.dumps(rec) + "\n")
    doc = only_doc(path)
    assert doc.ext_id == rec["id"] and doc.text == TEXT
    assert (doc.title, doc.source, doc.url, doc.published, doc.story) == (
        "Talks",
        "AP",
        "https://apnews.com/x",
        "2022-01-21",
        "geneva",
    )
    assert doc.entities == rec["entities"]
    assert doc.quotes == rec["quotes"]
    assert doc.claims == rec["claims"]
    assert doc.default_origin == "import"


def test_jsonl_minimal_record_and_blank_lines(tmp_path):
    lines = [
        "",
        json.dumps({"id": 7, "text": "Only text.\r\nCRLF inside."}),
        "   ",
        json.dumps({"id": "b", "text": "B."}),
        "",
    ]
    results = list(read_file(write(tmp_path, "d.jsonl", "\n".join(lines))))
    assert not problems(results, severity=None)
    assert [(d.ext_id, d.text) for d in docs(results)] == [("7", "Only text.\r\nCRLF inside."), ("b", "B.")]


def test_jsonl_utf8_bom_crlf_and_utf16(tmp_path):
    body = json.dumps({"id": "a", "text": "caf\u00e9"}, ensure_ascii=False) + "\r\n"
    assert only_doc(write(tmp_path, "a.jsonl", b"\xef\xbb\xbf" + body.encode())).text == "caf\u00e9"
    assert only_doc(write(tmp_path, "b.jsonl", b"\xff\xfe" + body.encode("utf-16-le"))).text == "caf\u00e9"


BAD_LINES = [
    ("{not json", "invalid JSON"),
    ('["a list"]', "must be a JSON object"),
    ('{"text": "no id"}', "missing id"),
    ('{"id": "x"}', "missing text"),
    ('{"id": "x", "text": 5}', "text must be a string"),
    ('{"id": "", "text": "t"}', "id must be"),
    ('{"id": true, "text": "t"}', "id must be"),
    ('{"id": "x", "text": "   "}', "text is empty"),
    ('{"id": "x", "text": "abc", "meta": "m"}', "meta must be an object"),
    ('{"id": "x", "text": "abc", "meta": {"title": 3}}', "meta.title must be a string"),
    ('{"id": "x", "text": "abc", "entities": {}}', "entities must be a list"),
    ('{"id": "x", "text": "abc", "entities": [5]}', "entities[0] must be an object"),
    ('{"id": "x", "text": "abc", "entities": [{"start": 0, "end": 9, "label": "P"}]}', "outside the text"),
    ('{"id": "x", "text": "abc", "entities": [{"start": 2, "end": 2, "label": "P"}]}', "empty or outside"),
    ('{"id": "x", "text": "abc", "entities": [{"start": -1, "end": 2, "label": "P"}]}', "outside the text"),
    ('{"id": "x", "text": "abc", "entities": [{"start": "0", "end": 2, "label": "P"}]}', "must be integers"),
    ('{"id": "x", "text": "abc", "entities": [{"start": 0.0, "end": 2, "label": "P"}]}', "must be integers"),
    (
        '{"id": "x", "text": "abc", "entities": [{"start": false, "end": 2, "label": "P"}]}',
        "must be integers",
    ),
    ('{"id": "x", "text": "abc", "entities": [{"start": 0, "end": 2}]}', "label must be"),
    (
        '{"id": "x", "text": "abc", "entities": [{"start": 0, "end": 2, "label": "P", "origin": "me"}]}',
        "origin must be",
    ),
    (
        '{"id": "x", "text": "abc", "entities": [{"start": 0, "end": 2, "label": "P", "status": "ok"}]}',
        "status must be",
    ),
    ('{"id": "x", "text": "abc", "quotes": [{"content": []}]}', "content must be a non-empty list"),
    ('{"id": "x", "text": "abc", "quotes": [{"content": [{"start": 0, "end": 4}]}]}', "quotes[0].content[0]"),
    (
        '{"id": "x", "text": "abc", "quotes": [{"content": [{"start": 0, "end": 1}], "speaker": {"start": 1}}]}',
        "quotes[0].speaker",
    ),
    (
        '{"id": "x", "text": "abc", "quotes": [{"content": [{"start": 0, "end": 1}], "cue": [1, 2]}]}',
        "quotes[0].cue must be an object",
    ),
    (
        '{"id": "x", "text": "abc", "quotes": [{"content": [{"start": 0, "end": 1}], "type": "loud"}]}',
        "type must be one of",
    ),
    (
        '{"id": "x", "text": "abc", "quotes": [{"content": [{"start": 0, "end": 1}], "speaker_entity": 1}]}',
        "speaker_entity must be",
    ),
    ('{"id": "x", "text": "abc", "claims": [{"start": 0, "end": 4}]}', "claims[0]: span 0-4"),
    ('{"id": "x", "text": "abc", "claims": [{"start": 0, "end": 3, "labels": {"a": 1}}]}', "labels must map"),
    ('{"id": "x", "text": "abc", "claims": [{"start": 0, "end": 3, "claimant": ["A"]}]}', "claimant must be"),
    ("[" * 100000, "invalid JSON"),
]


@pytest.mark.parametrize(("line", "message"), BAD_LINES, ids=[m for _, m in BAD_LINES])
def test_jsonl_bad_line_reported_with_line_number_and_others_import(tmp_path, line, message):
    good_before = json.dumps({"id": "first", "text": "First."})
    good_after = json.dumps({"id": "last", "text": "Last."})
    path = write(tmp_path, "d.jsonl", "\n".join([good_before, "", line, good_after]) + "\n")
    results = list(read_file(path))
    assert [d.ext_id for d in docs(results)] == ["first", "last"]
    [problem] = problems(results)
    assert problem.line == 3
    assert message in problem.message
    assert problem.path == str(path)


def test_jsonl_invalid_utf8_line_and_warnings(tmp_path):
    lines = [
        json.dumps({"id": "a", "text": "A.", "meta": {"published": "sometime"}}).encode(),
        b'{"id": "b", "text": "caf\xe9"}',
        json.dumps({"id": "a", "text": "Again."}).encode(),
    ]
    results = list(read_file(write(tmp_path, "d.jsonl", b"\n".join(lines))))
    assert [d.ext_id for d in docs(results)] == ["a", "a"]
    assert docs(results)[0].published is None
    [error] = problems(results)
    assert error.line == 2 and "UTF-8" in error.message
    warnings = problems(results, severity="warning")
    assert [(w.line, "published" in w.message or "already used" in w.message) for w in warnings] == [
        (1, True),
        (3, True),
    ]


def test_jsonl_binary_and_empty(tmp_path):
    assert "binary" in only_problem(write(tmp_path, "a.jsonl", b"\x00\x01{}\n")).message
    assert only_problem(write(tmp_path, "b.jsonl", b"")).message == "file is empty"
    assert "only whitespace" in only_problem(write(tmp_path, "c.jsonl", b"\n \n")).message


def test_jsonl_too_many_bad_lines_stops(tmp_path, monkeypatch):
    monkeypatch.setattr(importers, "MAX_PROBLEMS_PER_FILE", 3)
    results = list(read_file(write(tmp_path, "a.jsonl", "nope\n" * 10)))
    assert len(problems(results)) == 4
    assert "too many bad lines" in problems(results)[-1].message


def test_jsonl_line_over_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(importers, "MAX_FILE_BYTES", 200)
    lines = [json.dumps({"id": "big", "text": "x" * 400}), json.dumps({"id": "ok", "text": "fine"})]
    results = list(read_file(write(tmp_path, "a.jsonl", "\n".join(lines))))
    assert [d.ext_id for d in docs(results)] == ["ok"]
    [problem] = problems(results)
    assert problem.line == 1 and "larger than" in problem.message


span_ints = st.integers(min_value=-5, max_value=40)
json_leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5)
fuzzy_span = st.fixed_dictionaries({"start": span_ints, "end": span_ints}) | json_leaf


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(max_size=30),
    entities=st.lists(
        st.fixed_dictionaries(
            {"start": span_ints, "end": span_ints, "label": st.sampled_from(["PERSON", "", 3])}
        ),
        max_size=3,
    ),
    quotes=st.lists(
        st.fixed_dictionaries(
            {"content": st.lists(fuzzy_span, max_size=2) | json_leaf},
            optional={"speaker": fuzzy_span, "cue": fuzzy_span, "type": st.sampled_from(["direct", "x"])},
        ),
        max_size=2,
    ),
    claims=st.lists(st.fixed_dictionaries({"start": span_ints, "end": span_ints}), max_size=2),
)
def test_jsonl_fuzzed_records_never_raise_and_only_valid_spans_import(text, entities, quotes, claims):
    line = json.dumps({"id": "x", "text": text, "entities": entities, "quotes": quotes, "claims": claims})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "a.jsonl")
        path.write_text(line + "\n", encoding="utf-8")
        results = list(read_paths([path]))
    for doc in docs(results):
        n = len(doc.text)
        spans = [e for e in doc.entities] + [c for c in doc.claims]
        for q in doc.quotes:
            spans += q["content"] + [s for s in (q.get("speaker"), q.get("cue")) if s is not None]
        assert all(0 <= s["start"] < s["end"] <= n for s in spans)
    assert len(results) == 1


# brat ----------------------------------------------------------------------------------------------

BRAT_TEXT = (
    "Blinken Lavrov meet in Geneva\r\n"
    "\r\n"
    "\u201cWe don\u2019t expect to resolve our differences,\u201d Blinken said, \u201cbut diplomacy remains open.\u201d\r\n"
    "Lavrov said Russia has no plans to invade Ukraine.\r\n"
)


def offsets(fragment: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = BRAT_TEXT.index(fragment, start + 1)
    return start, start + len(fragment)


def brat_ann() -> str:
    b1 = offsets("Blinken", 1)
    l1 = offsets("Lavrov", 1)
    g = offsets("Geneva")
    q1 = offsets("We don\u2019t expect to resolve our differences,")
    q2 = offsets("but diplomacy remains open.")
    said = offsets("said")
    claim = offsets("Russia has no plans to invade Ukraine")
    lines = [
        f"T1\tPERSON {b1[0]} {b1[1]}\tBlinken",
        "#1\tAnnotatorNotes T1\tentity=Antony Blinken",
        "A1\tOrigin T1 model",
        "A2\tStatus T1 suggested",
        f"T2\tGPE {g[0]} {g[1]}\tGeneva",
        f"T3\tQuote {q1[0]} {q1[1]};{q2[0]} {q2[1]}\t{BRAT_TEXT[q1[0] : q1[1]]} {BRAT_TEXT[q2[0] : q2[1]]}",
        f"T4\tCue {said[0]} {said[1]}\tsaid",
        "R1\tSpeaker Arg1:T3 Arg2:T1",
        "R2\tCue Arg1:T3 Arg2:T4",
        "A3\tQuoteType T3 mixed",
        "A4\tOrigin T3 editor",
        "#2\tAnnotatorNotes T3\tspeaker_entity=Antony Blinken",
        f"T5\tClaim {claim[0]} {claim[1]}\tRussia has no plans to invade Ukraine",
        "A5\tcheckworthiness T5 check-worthy",
        "A6\tverdict T5 mostly%20false",
        "#3\tAnnotatorNotes T5\tclaimant=Sergey Lavrov",
        "#4\tAnnotatorNotes T5\tnote=Checked against\\nthe TASS transcript \\\\ twice.",
        f"T6\tSpeaker {l1[0]} {l1[1]}\tLavrov",
        f"T7\tQuote {claim[0]} {claim[1]}\tRussia has no plans to invade Ukraine",
        "R3\tSpeaker Arg1:T7 Arg2:T6",
        "A7\tQuoteType T7 indirect",
    ]
    return "\n".join(lines) + "\n"


def write_brat(tmp_path: Path, ann: str, text: str = BRAT_TEXT, name: str = "geneva") -> Path:
    write(tmp_path, f"{name}.txt", text)
    return write(tmp_path, f"{name}.ann", ann)


def test_brat_conventions_round_trip(tmp_path):
    write_brat(tmp_path, brat_ann())
    results = list(read_paths([tmp_path]))
    assert not problems(results, severity=None), problems(results, severity=None)
    [doc] = docs(results)
    assert doc.ext_id == "geneva" and doc.text == BRAT_TEXT
    assert doc.title == "Blinken Lavrov meet in Geneva"
    b1, g = offsets("Blinken", 1), offsets("Geneva")
    # the codec's shapes (desktop.core.interchange): every key, provenance not given is None
    assert doc.entities == [
        {"start": b1[0], "end": b1[1], "label": "PERSON", "entity": "Antony Blinken",
         **NO_PROV, "origin": "model", "status": "suggested"},
        {"start": g[0], "end": g[1], "label": "GPE", "entity": None, **NO_PROV},
    ]
    q1 = offsets("We don\u2019t expect to resolve our differences,")
    q2 = offsets("but diplomacy remains open.")
    said, l1 = offsets("said"), offsets("Lavrov", 1)
    claim = offsets("Russia has no plans to invade Ukraine")
    assert doc.quotes == [
        {
            "content": [{"start": q1[0], "end": q1[1]}, {"start": q2[0], "end": q2[1]}],
            "speaker": {"start": b1[0], "end": b1[1]},
            "speaker_resolved": None,
            "speaker_entity": "Antony Blinken",
            "cue": {"start": said[0], "end": said[1]},
            "type": "mixed",
            **NO_PROV,
            "origin": "editor",
        },
        {
            "content": [{"start": claim[0], "end": claim[1]}],
            "speaker": {"start": l1[0], "end": l1[1]},
            "speaker_resolved": None,
            "speaker_entity": None,
            "cue": None,
            "type": "indirect",
            **NO_PROV,
        },
    ]
    assert doc.claims == [
        {
            "start": claim[0],
            "end": claim[1],
            "claimant": "Sergey Lavrov",
            "labels": {"checkworthiness": "check-worthy", "verdict": "mostly false"},
            "note": "Checked against\nthe TASS transcript \\ twice.",
            **NO_PROV,
        }
    ]
    # CRLF counts as two characters in brat offsets
    assert BRAT_TEXT[q1[0] - 1] == "\u201c" and q1[0] == BRAT_TEXT.index("We")


def test_brat_empty_ann_is_a_document_without_annotations(tmp_path):
    doc = only_doc(write_brat(tmp_path, ""))
    assert doc.text == BRAT_TEXT and doc.entities == doc.quotes == doc.claims == []


def test_brat_text_field_with_line_break_compares_whitespace_collapsed(tmp_path):
    start, end = 0, BRAT_TEXT.index("\u201cWe") + 3
    doc = only_doc(write_brat(tmp_path, f"T1\tClaim {start} {end}\tBlinken Lavrov meet in Geneva \u201cWe\n"))
    assert doc.claims[0]["start"] == 0 and doc.claims[0]["labels"] == {}


@pytest.mark.parametrize(
    ("ann_line", "message"),
    [
        ("T2\tPERSON 0 99999\tBlinken", "past the end of geneva.txt"),
        ("T2\tPERSON 0 7\tLavrov", "does not match geneva.txt"),
        ("T2\tPERSON 5 5\t", "empty or past the end"),
        ("T2 PERSON 0 7 Blinken", "malformed text-bound line"),
        ("T2\tPERSON 0 7;8 14\tBlinken Lavrov", "only Quote spans may be discontinuous"),
        ("T1\tPERSON 0 7\tBlinken", "id T1 is used twice"),
        ("A9\tOrigin T9 model", "unknown annotation T9"),
        ("A9\tOrigin T1 robot", "Origin must be one of"),
        ("A9\tStatus T1 done", "Status must be one of"),
        ("R9\tSpeaker Arg1:T1 Arg2:T1", "Arg1 T1 must be a Quote"),
        ("R9\tSpeaker Arg1:T1 Arg2:T42", "unknown span T42"),
        ("#9\tAnnotatorNotes T42\tentity=X", "unknown annotation T42"),
        ("X1\twhat is this", "unknown annotation line"),
    ],
)
def test_brat_errors_name_file_and_line_and_skip_the_document(tmp_path, ann_line, message):
    ann_path = write_brat(tmp_path, "T1\tPERSON 0 7\tBlinken\n" + ann_line + "\n")
    results = list(read_paths([tmp_path]))
    assert not docs(results), "nothing half-imported"
    errors = problems(results)
    assert errors[0].path == str(ann_path)
    assert errors[0].line == 2
    assert message in errors[0].message
    assert "skipped" in errors[-1].message


@pytest.mark.parametrize(
    ("ann_line", "message"),
    [
        # percent-decoded, the type is a space or a tab: the codec refuses an empty label
        ("T2\t%20 8 14\tLavrov", "T2.label must be a non-empty string"),
        ("T2\t%09 8 14\tLavrov", "T2.label must be a non-empty string"),
    ],
)
def test_brat_span_the_codec_refuses_is_one_line_naming_file_and_line(tmp_path, ann_line, message):
    ann_path = write_brat(tmp_path, "T1\tPERSON 0 7\tBlinken\n" + ann_line + "\n")
    results = list(read_paths([tmp_path]))
    assert not docs(results), "nothing half-imported"
    first, skipped = problems(results)
    assert (first.path, first.line, first.message) == (str(ann_path), 2, message)
    assert str(first) == f"{ann_path}:2: {message}" and "\n" not in str(first)
    assert "skipped" in skipped.message


def test_brat_quote_errors(tmp_path):
    q = offsets("but diplomacy remains open.")
    ann = "\n".join(
        [
            f"T1\tQuote {q[0]} {q[1]}\tbut diplomacy remains open.",
            "T2\tCue 0 7\tBlinken",
            "T3\tCue 8 14\tLavrov",
            "R1\tCue Arg1:T1 Arg2:T2",
            "R2\tCue Arg1:T1 Arg2:T3",
            "A1\tQuoteType T1 shouted",
        ]
    )
    results = list(read_file(write_brat(tmp_path, ann)))
    assert not docs(results)
    assert [(p.line, p.message) for p in problems(results)][:2] == [
        (6, "QuoteType must be one of direct, indirect, mixed, not 'shouted'"),
        (5, "T1 has more than one Cue"),
    ]


def test_brat_warnings_import_the_rest(tmp_path):
    ann = "\n".join(
        [
            "T1\tPERSON 0 7\tBlinken",
            "T2\tSpeaker 8 14\tLavrov",  # not linked to any quote
            "E1\tMeet:T1",
            "N1\tReference T1 Wikidata:Q7\tAntony Blinken",
            "A1\tNegated T1",
            "#1\tAnnotatorNotes T1\tjust a free comment",
        ]
    )
    results = list(read_file(write_brat(tmp_path, ann)))
    [doc] = docs(results)
    assert doc.entities == [{"start": 0, "end": 7, "label": "PERSON", "entity": None, **NO_PROV}]
    assert sorted(w.line for w in problems(results, severity="warning")) == [2, 3, 4, 5, 6]
    assert not problems(results)


def test_brat_missing_txt_and_bad_txt(tmp_path):
    orphan = write(tmp_path, "orphan.ann", "T1\tPERSON 0 3\tabc\n")
    problem = only_problem(orphan)
    assert "orphan.txt not found" in problem.message and problem.path == str(orphan)
    write(tmp_path, "bin.txt", b"\x00\x01\x02")
    write(tmp_path, "bin.ann", "")
    problem = only_problem(tmp_path / "bin.ann")
    assert problem.path == str(tmp_path / "bin.txt") and "binary" in problem.message


def test_brat_offsets_are_characters_of_the_decoded_text(tmp_path):
    text = "\ufeffCaf\u00e9 Blinken\r\nsaid."
    write(tmp_path, "c.txt", text.encode("utf-8"))
    write(tmp_path, "c.ann", "T1\tPERSON 5 12\tBlinken\n")
    doc = only_doc(tmp_path / "c.ann")
    assert doc.text == text[1:]
    assert doc.text[5:12] == "Blinken"


# HTML ----------------------------------------------------------------------------------------------


def article_html(
    extra_head: str = "", extra_body: str = "", doctype: str = "<!DOCTYPE html>", in_article: str = ""
) -> str:
    return f"""{doctype}
<html><head><title>Blinken and Lavrov meet | The Hill</title>
<meta property="og:site_name" content="The Hill">
<meta property="og:title" content="Blinken and Lavrov meet">
<link rel="canonical" href="https://www.thehill.com/policy/defense/590742">
<meta property="article:published_time" content="2022-01-21T10:00:00Z">
{extra_head}</head>
<body>{extra_body}<article><h1>Blinken and Lavrov meet</h1>
<p>{LONG_PARAGRAPH}</p>{in_article}
<p>Russia has been amassing thousands of troops on the border with Ukraine, raising fears of an
invasion, and officials on both sides said the talks were only one step in a longer process.</p>
</article></body></html>"""


def test_html_text_and_metadata(tmp_path):
    doc = only_doc(write(tmp_path, "hill.html", article_html()))
    assert LONG_PARAGRAPH in doc.text
    assert doc.title == "Blinken and Lavrov meet"
    assert doc.published == "2022-01-21"
    assert doc.url == "https://www.thehill.com/policy/defense/590742"
    assert doc.source == "thehill.com"
    assert doc.ext_id == "hill"


def test_html_htm_and_cp1252_with_declared_charset(tmp_path):
    html = article_html(extra_head='<meta charset="windows-1252">').replace(
        "Geneva", "Gen\u00e8ve \u201cvia\u201d"
    )
    doc = only_doc(write(tmp_path, "page.htm", html, encoding="cp1252"))
    assert "Gen\u00e8ve \u201cvia\u201d" in doc.text


@pytest.fixture
def no_network(monkeypatch):
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    return attempts


def test_html_is_never_fetched_resolved_or_run(tmp_path, no_network):
    secret = write(tmp_path, "secret.txt", "SECRET-FILE-CONTENT")
    doctype = (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret.as_posix()}">'
        '<!ENTITY remote SYSTEM "http://example.invalid/evil.dtd">]>'
    )
    head = '<script>var s = "SCRIPT-TEXT"; fetch("http://example.invalid/x")</script><script src="http://example.invalid/a.js"></script><link rel="stylesheet" href="http://example.invalid/s.css">'
    body = (
        '<iframe src="http://example.invalid/frame">IFRAME-TEXT</iframe>'
        '<img src="http://example.invalid/pixel.png" alt="IMG-ALT" onerror="alert(1)">'
        "<noscript>NOSCRIPT-TEXT</noscript><style>.x{background:url(http://example.invalid/b.png)}</style>"
    )
    inside = (
        "<p>The entity paragraph is visible text: &xxe; and &remote; end of it.</p>"
        '<script>document.write("SCRIPT-IN-ARTICLE")</script>'
        '<iframe src="file:///etc/passwd">IFRAME-IN-ARTICLE</iframe>'
        '<img src="http://example.invalid/photo.jpg" alt="IMG-IN-ARTICLE">'
    )
    doc = only_doc(write(tmp_path, "evil.html", article_html(head, body, doctype, inside)))
    assert LONG_PARAGRAPH in doc.text
    assert "The entity paragraph is visible text:" in doc.text
    assert "]>" not in doc.text  # the DOCTYPE internal subset is not text either
    for hidden in (
        "SECRET-FILE-CONTENT",
        "SCRIPT-TEXT",
        "SCRIPT-IN-ARTICLE",
        "IFRAME-IN-ARTICLE",
        "IMG-IN-ARTICLE",
        "root:",
        "IFRAME-TEXT",
        "IMG-ALT",
        "example.invalid",
        "alert",
    ):
        assert hidden not in doc.text
    assert no_network == []


def test_html_without_article_text_is_a_problem(tmp_path):
    html = "<html><head><title>Nothing</title><script>document.write('x')</script></head><body></body></html>"
    assert "no article text" in only_problem(write(tmp_path, "empty.html", html)).message


def test_html_garbage_is_a_problem_not_an_exception(tmp_path):
    results = list(read_file(write(tmp_path, "x.html", "<<<>>>&&&")))
    assert all(isinstance(r, (ImportedDocument, ImportProblem)) for r in results) and results


def test_core_importers_do_not_import_qt_or_spacy():
    import subprocess

    code = (
        "import sys, desktop.core.importers as m; list(m.read_paths([]));"
        "bad = [n for n in sys.modules if n.split('.')[0] in ('PySide6', 'spacy', 'shiboken6')];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_jsonl_unpaired_surrogates_and_bad_speaker_resolved_are_reported(tmp_path):
    path = tmp_path / "odd.jsonl"
    good = {"id": "ok", "text": "Lavrov said so."}
    lone = '{"id": "lone", "text": "bad \\ud800 text"}'
    resolved = {"id": "res", "text": "He said so.", "quotes": [
        {"content": [{"start": 3, "end": 10}], "speaker": {"start": 0, "end": 2},
         "speaker_resolved": {"start": 5, "end": 99}}]}
    path.write_text("\n".join([json.dumps(good), lone, json.dumps(resolved)]) + "\n", encoding="utf-8")
    results = list(importers.read_paths([path]))
    docs = [r for r in results if isinstance(r, ImportedDocument)]
    problems = {r.line: r.message for r in results if isinstance(r, ImportProblem)}
    assert [d.ext_id for d in docs] == ["ok"]
    assert "surrogate" in problems[2] and "speaker_resolved" in problems[3]
