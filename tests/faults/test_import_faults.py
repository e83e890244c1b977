"""Import under hostile input (issue 10, items 7, 10, 11 and 14): encodings that used to become
mojibake or CJK garbage, binary accepted as text, file names that are not UTF-8, named pipes,
symbolic links out of the import folder, report words that said "skipped" for what was
imported, and a disk that fills up half way."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from desktop.core.store import Store
from tests.faults.conftest import assert_one_line_error, fill, run_cli

ARTICLE = (
    "Talks in Geneva\n\n"
    "The minister said \u201cwe will not back down\u201d \u2014 at a caf\u00e9 in Z\u00fcrich, "
    "na\u00efvely or not. It\u2019s the third round.\n"
    "Both sides called the meeting \u201cfrank\u201d and agreed to meet again.\n"
)


def _project(tmp_path: Path, name: str = "p.claimdesk") -> Path:
    project = tmp_path / name
    Store.create(project).close()
    return project


def _documents(project: Path) -> dict[str, str]:
    with Store.open(project, readonly=True) as store:
        return {doc.ext_id: doc.text for doc in store.documents()}


def _lines(text: str, prefix: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(prefix)]


# Item 7: encodings --------------------------------------------------------------------------------


def test_utf8_with_one_stray_byte_stays_utf8_and_says_what_was_replaced(tmp_path):
    data = ARTICLE.encode("utf-8")
    at = data.index(b"Both")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "stray.txt").write_bytes(data[:at] + b"\xff" + data[at:])
    project = _project(tmp_path)
    out = run_cli("import", project, tmp_path / "in")
    assert out.returncode == 0, out.stderr
    text = _documents(project)["stray"]
    assert text == ARTICLE[: ARTICLE.index("Both")] + "\ufffd" + ARTICLE[ARTICLE.index("Both"):]
    [warning] = _lines(out.stderr, "warning:")
    assert "stray.txt" in warning and "1 character" in warning and f"byte {at}" in warning, warning
    assert "1 warning" in out.stdout


def test_wtf8_surrogates_are_replaced_not_mojibake(tmp_path):
    data = ARTICLE.encode("utf-8")
    at = data.index(b"Both")
    surrogate = "\ud83d".encode("utf-8", "surrogatepass")  # half an emoji, as WTF-8 writes it
    path = tmp_path / "wtf8.txt"
    path.write_bytes(data[:at] + surrogate + data[at:])
    project = _project(tmp_path)
    out = run_cli("import", project, path)
    assert out.returncode == 0, out.stderr
    text = _documents(project)["wtf8"]
    assert "caf\u00e9" in text and "\u201cfrank\u201d" in text and "\u00c3" not in text
    assert text.count("\ufffd") == 1
    assert "1 character" in out.stderr and f"byte {at}" in out.stderr


def test_html_declaring_utf16_but_written_in_latin1_is_read_as_latin1(tmp_path):
    body = ("<p>Le ministre a d\u00e9clar\u00e9 \u00e0 Gen\u00e8ve que les n\u00e9gociations "
            "reprendraient, selon un communiqu\u00e9 publi\u00e9 jeudi soir.</p>\n") * 6
    html = (f'<html><head><meta charset="utf-16"><title>N\u00e9gociations</title></head>'
            f"<body><article><h1>N\u00e9gociations \u00e0 Gen\u00e8ve</h1>{body}</article></body></html>")
    path = tmp_path / "page.html"
    path.write_bytes(html.encode("latin-1"))
    project = _project(tmp_path)
    out = run_cli("import", project, path)
    assert out.returncode == 0, out.stderr
    text = _documents(project)["page"]
    assert "d\u00e9clar\u00e9 \u00e0 Gen\u00e8ve" in text, text[:200]


def test_binary_with_high_bytes_is_refused_as_binary(tmp_path):
    rng = random.Random(10)
    path = tmp_path / "photo.txt"  # every byte one cp1252 defines, so cp1252 used to take it as text
    path.write_bytes(bytes(rng.randrange(0xA0, 0x100) for _ in range(4000)))
    project = _project(tmp_path)
    out = run_cli("import", project, path)
    line = assert_one_line_error(out, "photo.txt")
    assert line.startswith("error:") and "binary" in line.split("photo.txt: ", 1)[1], line
    assert _documents(project) == {}


def test_jsonl_line_with_a_stray_byte_names_its_byte_offset_in_the_file(tmp_path):
    first = json.dumps({"id": "a", "text": "Caf\u00e9 talks in Gen\u00e8ve."}, ensure_ascii=False).encode()
    good = json.dumps({"id": "b", "text": "Na\u00efve \u201chope\u201d."}, ensure_ascii=False).encode()
    spoilt = good.replace(b"hope", b"ho\xffpe").replace(b'"b"', b'"c"')
    latin = json.dumps({"id": "d", "text": "caf\u00e9"}, ensure_ascii=False).encode("latin-1")
    path = tmp_path / "records.jsonl"
    path.write_bytes(first + b"\n" + spoilt + b"\n" + latin + b"\n")
    project = _project(tmp_path)
    out = run_cli("import", project, path)
    assert out.returncode == 0, out.stderr
    docs = _documents(project)
    assert docs["c"] == "Na\u00efve \u201cho\ufffdpe\u201d." and "d" not in docs
    stray_at = len(first) + 1 + spoilt.index(b"\xff")
    latin_at = len(first) + 1 + len(spoilt) + 1 + latin.index(b"\xe9")
    [warning] = _lines(out.stderr, "warning:")
    assert "records.jsonl:2" in warning and f"byte {stray_at} of the file" in warning, warning
    [error] = _lines(out.stderr, "error:")
    assert "records.jsonl:3" in error and f"byte {latin_at} of the file" in error, error


def test_brat_text_with_a_stray_byte_imports_only_when_the_offsets_still_match(tmp_path):
    text = "Blinken met Lavrov in Gen\u00e8ve. Both said \u201cno\u201d."
    raw = text.encode("utf-8")
    at = raw.index(b"Both")
    both = text.index("Both")
    for name, ann in (("after", "T1\tPERSON 0 7\tBlinken\n"), ("covering", f"T1\tPERSON {both} {both + 4}\tBoth\n")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "doc.txt").write_bytes(raw[:at] + b"\xff" + raw[at:])  # one U+FFFD before "Both"
        (folder / "doc.ann").write_text(ann, encoding="utf-8")
    project = _project(tmp_path)
    fine = run_cli("import", project, tmp_path / "after")
    assert fine.returncode == 0 and "1 character" in fine.stderr, fine.stderr
    assert "\ufffd" in _documents(project)["doc"]
    moved = run_cli("import", _project(tmp_path, "q.claimdesk"), tmp_path / "covering")
    assert moved.returncode == 1
    assert f"not valid UTF-8 at byte {at}" in moved.stderr and "skipped" in moved.stderr, moved.stderr


# Item 10: file names and special files --------------------------------------------------------


def test_file_name_that_is_not_utf8_is_reported_and_the_rest_import(tmp_path):
    folder = os.fsencode(tmp_path / "in")
    os.mkdir(folder)
    for name, body in ((b"a.txt", b"First article."), (b"caf\xe9.txt", b"Second article."),
                       (b"z.txt", b"Last article.")):
        fd = os.open(os.path.join(folder, name), os.O_WRONLY | os.O_CREAT, 0o644)
        os.write(fd, body)
        os.close(fd)
    project = _project(tmp_path)
    out = run_cli("import", project, tmp_path / "in")
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    assert "3 documents imported" in out.stdout
    [warning] = _lines(out.stderr, "warning:")
    assert "caf\\xe9.txt" in warning and "not valid UTF-8" in warning, warning
    docs = _documents(project)
    assert docs == {"a": "First article.", "caf\\xe9": "Second article.", "z": "Last article."}
    with Store.open(project, readonly=True) as store:  # nothing stored that a later read chokes on
        assert store.integrity_check() == ["ok"]
        assert all(doc.path.encode("utf-8") for doc in store.documents())


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_called_txt_is_skipped_without_blocking(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    (folder / "real.txt").write_text("A real article.", encoding="utf-8")
    project = _project(tmp_path)
    out = run_cli("import", project, folder, timeout=120)  # used to block here forever
    assert out.returncode == 0, out.stderr
    assert _documents(project) == {"real": "A real article."}
    [skipped] = _lines(out.stderr, "skipped:")
    assert "pipe.txt" in skipped and "not a regular file" in skipped
    named = run_cli("import", project, folder / "pipe.txt", timeout=120)
    assert_one_line_error(named, "pipe.txt", "not a regular file")


def test_symlinks_out_of_the_folder_are_skipped_inside_ones_read_once(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("Private notes, not for the project.", encoding="utf-8")
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "real.txt").write_text("An article in a subfolder.", encoding="utf-8")
    (folder / "a-link.txt").symlink_to(folder / "sub" / "real.txt")
    (folder / "passwd.txt").symlink_to(outside)
    project = _project(tmp_path)
    out = run_cli("import", project, folder)
    assert out.returncode == 0, out.stderr
    assert list(_documents(project).values()) == ["An article in a subfolder."]
    [skipped] = _lines(out.stderr, "skipped:")
    assert "passwd.txt" in skipped and "outside" in skipped and str(outside) in skipped
    assert "1 document imported; 1 skipped (link outside the folder)" in out.stdout
    # named on the command line, a link is the user's choice: followed
    named = run_cli("import", project, folder / "passwd.txt")
    assert named.returncode == 0 and "1 document imported" in named.stdout, named.stderr
    assert "Private notes, not for the project." in _documents(project).values()


# Item 14: the report says what happened ---------------------------------------------------------


def test_report_words_and_counts_say_what_happened(tmp_path):
    project = _project(tmp_path)
    first = tmp_path / "first"
    first.mkdir()
    (first / "w.txt").write_text("An earlier article called w.", encoding="utf-8")
    (first / "z.txt").write_text("The same text as before.", encoding="utf-8")
    assert run_cli("import", project, first).returncode == 0
    folder = tmp_path / "in"
    folder.mkdir()
    records = [{"id": "x", "text": "A first text."}, {"id": "x", "text": "A second text."},
               {"id": "y", "text": "Y text.", "meta": {"published": "not a date"}}]
    (folder / "a.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n{not json\n",
                                    encoding="utf-8")
    (folder / "w.txt").write_text("A new article, whose name is taken.", encoding="utf-8")
    (folder / "z.txt").write_text("The same text as before.", encoding="utf-8")
    out = run_cli("import", project, folder)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == (
        "4 documents imported (2 renamed, their ids already used: x → x~2, w → w~2); "
        "1 skipped (same text already in the project); 1 error; 1 warning")
    assert len(_lines(out.stderr, "renamed:")) == 2
    assert "a.jsonl:2: id 'x' already used on line 1 of this file; imported as 'x~2'" in out.stderr
    assert "w.txt: id 'w' already used in the project; imported as 'w~2'" in out.stderr
    [skipped] = _lines(out.stderr, "skipped:")
    assert "z.txt" in skipped and "same text" in skipped
    [warning] = _lines(out.stderr, "warning:")
    assert "a.jsonl:3" in warning and "not a date" in warning
    [error] = _lines(out.stderr, "error:")
    assert "a.jsonl:4" in error
    assert set(_documents(project)) == {"w", "z", "x", "x~2", "y", "w~2"}
    again = run_cli("import", project, folder / "w.txt", tmp_path / "nowhere.txt")
    assert again.stdout.strip() == "0 documents imported; 1 skipped (same text already in the project); 1 error"


# Item 11: a full disk ---------------------------------------------------------------------------


def test_import_on_a_full_disk_ends_with_one_line_saying_what_was_saved(tmp_path, small_disk):
    folder = tmp_path / "in"
    folder.mkdir()
    rng = random.Random(11)
    words = ["minister", "talks", "Geneva", "said", "border", "troops", "sanctions", "press"]
    for i in range(60):
        text = f"Article {i}. " + " ".join(rng.choice(words) for _ in range(2000))
        (folder / f"doc{i:02d}.txt").write_text(text, encoding="utf-8")
    project = _project(small_disk)
    fill(small_disk, leave=160_000)
    out = run_cli("import", project, folder)
    assert out.returncode == 1, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr, out.stderr
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith("claimdesk: error: import stopped:") and "saved" in last, last
    (small_disk / ".filler").unlink()
    saved = _documents(project)
    assert 0 < len(saved) < 60, len(saved)
    n = len(saved)
    counted = f"{n} documents imported before it are saved" if n != 1 else "1 document imported before it is saved"
    assert counted in last, last
    assert all(ext_id in last for ext_id in sorted(saved)[:5])
    with Store.open(project, readonly=True) as store:
        assert store.integrity_check() == ["ok"]
