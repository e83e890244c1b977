"""brat's own rules for reading a standoff ``.ann`` file, for tests: what brat's server rejects.

Written for Claimdesk's tests after the rules of nlplab/brat ``server/src/annotation.py`` (the
``Annotations`` reader: ``_parse_ann_file``, ``_split_textbound_data``, the ``_parse_*_annotation``
methods, ``_sanity``; ``TextAnnotations._parse_textbound_annotation`` and ``_read_document_text``;
``open_textfile``), not its code.  :func:`check_ann` returns one message per line brat would not
parse ("Unable to parse the following line(s)"), per text field that does not match the text and
per other error brat's server shows when it loads the document; an empty list means brat loads
the document without a message.

What brat does, rule by rule:

* Both files are UTF-8 (strict) read with universal newlines: ``\\r\\n`` and ``\\r`` become
  ``\\n`` in the ``.txt``, so offsets count a CRLF as one character (nlplab/brat#853).  The
  ``.ann`` is read line by line through ``codecs``, which breaks lines where ``str.splitlines``
  does (also at U+2028, U+0085, VT, FF, FS, GS, RS).
* A line is ``ID<TAB>DATA[<TAB>TAIL]``: no tab, an id without a prefix (letters, or ``#`` and
  letters, then digits), a duplicate id or a prefix letter outside ``T M A N R * E #`` is a line
  brat cannot parse (so is an empty line).
* ``T``: ``TYPE START END[;START END]...`` (each pair split at one space, the end without
  whitespace, both integers); ``0 <= start <= end <= len(text)``; fragments must not overlap or
  touch; the tail is a tab and then exactly the fragment texts joined by one space (the rest of
  the line, if any, after whitespace).  An empty text field makes brat fill it in, with an error
  message.
* ``A``: ``NAME TARGET VALUE`` (or ``NAME TARGET``), each part non-empty, one space apart, the
  target an id.  ``M``: exactly ``NAME TARGET``.  ``N``: ``TYPE TARGET DB:ID``.
* ``R``: ``TYPE`` then exactly two ``ROLE:ID`` arguments with different roles.
* ``E``: ``TYPE:TRIGGER`` then ``ROLE:ID`` arguments.  ``*``: a type and ids.
* ``#``: exactly ``TYPE TARGET`` before the tab; the note is the tail.
* After reading: every id an annotation refers to is defined, every event's trigger is a ``T`` of
  the event's type.
"""

from __future__ import annotations

import re
from pathlib import Path

_ID_RE = re.compile(r"^([A-Za-z]+|#[A-Za-z]*)([0-9]+)(.*?)$")
_ATTRIBUTE_RE = re.compile(r"(.+?) (.+?) (.+?)$")
_OLD_ATTRIBUTE_RE = re.compile(r"(.+?) (.+?)$")
_NORMALIZATION_RE = re.compile(r"(\S+) (\S+) (\S+?):(\S+)")
DISCONT_SEP = " "


def read_text_as_brat(path: Path) -> str:
    """The text as brat's server reads it: UTF-8, strict, universal newlines."""
    with open(path, encoding="utf-8", errors="strict", newline=None) as fh:
        return fh.read()


def _valid_id(ann_id: str) -> bool:
    return ann_id == "*" or _ID_RE.match(ann_id) is not None


def _prefix(ann_id: str) -> str:
    out = ""
    for ch in ann_id:
        if ch.isdigit():
            break
        out += ch
    return out


class _Reject(Exception):
    pass


def _textbound(data: str, tail: str, text: str) -> list[str]:
    """Parse a ``T`` line's data and tail; raise _Reject, or return the messages brat shows."""
    try:
        type_, rest = data.split(" ", 1)
        spans = []
        for pair in rest.split(";"):
            start_str, end_str = pair.split(" ", 2)  # a third part fails the unpacking
            end_str = end_str.rstrip()
            if any(c.isspace() for c in end_str):
                raise _Reject("space instead of tab after the offsets")
            spans.append((int(start_str), int(end_str)))
    except ValueError:
        raise _Reject(f"offsets {data!r} are not 'TYPE START END[;START END]'") from None
    seen: list[tuple[int, int]] = []
    for start, end in spans:
        if start > end or start < 0 or end > len(text):
            raise _Reject(f"offsets {start} {end} outside the text (length {len(text)}) or reversed")
        for o_start, o_end in seen:
            if end >= o_start and start < o_end:
                raise _Reject(f"fragments {start} {end} and {o_start} {o_end} overlap")
        seen.append((start, end))
    span_length = sum(e - s for s, e in spans) + (len(spans) - 1) * len(DISCONT_SEP)
    if tail.strip() == "" and span_length > 0:
        return ["text-bound annotation missing text (brat fills it in)"]
    if tail[0] != "\t":
        raise _Reject("no tab before the text")
    if span_length > len(tail) - 1:
        raise _Reject(f"text {tail[1:]!r} shorter than the marked spans")
    field = tail[1 : span_length + 1]
    rest_of_line = tail[span_length + 1 :]
    expected = DISCONT_SEP.join(text[s:e] for s, e in spans)
    if field != expected:
        if field[: len("".join(text[s:e] for s, e in spans))] == "".join(text[s:e] for s, e in spans):
            return ["old-style discontinuous text (brat rewrites it)"]
        raise _Reject(f"text {field!r} does not match the document's {expected!r}")
    if rest_of_line != "" and not rest_of_line[0].isspace():
        raise _Reject("text not separated from the rest of the line")
    return []


def _references(prefix: str, data: str) -> list[str]:
    """The ids a parsed line refers to (what ``get_deps`` of its annotation gives)."""
    parts = data.split()
    if prefix in "AMN#":
        return [parts[1]]
    if prefix == "R":
        return [arg.split(":", 1)[1] for arg in parts[1:3]]
    if prefix == "E":
        return [p.split(":", 1)[1] for p in parts]
    if prefix == "*":
        return parts[1:]
    return []


def _parse_data(pre: str, data: str, tail: str, text: str) -> list[str]:
    """Apply the rule of line kind ``pre``; raise _Reject, or return messages."""
    if pre == "T":
        return _textbound(data, tail, text)
    if pre == "A":
        match = _ATTRIBUTE_RE.match(data) or _OLD_ATTRIBUTE_RE.match(data)
        if match is None or not _ID_RE.match(match[2]):
            raise _Reject(f"attribute {data!r} is not 'NAME TARGET [VALUE]'")
    elif pre == "M":
        if len(data.split()) != 2:
            raise _Reject("modifier is not 'NAME TARGET'")
    elif pre == "N":
        if _NORMALIZATION_RE.match(data) is None:
            raise _Reject("normalization is not 'TYPE TARGET DB:ID'")
    elif pre == "R":
        if " " not in data:
            raise _Reject("relation without arguments")
        args = [tuple(a.split(":")) for a in data[data.index(" "):].split()]
        if len(args) != 2 or any(len(a) < 2 for a in args) or args[0][0] == args[1][0]:
            raise _Reject("a relation needs exactly two ROLE:ID arguments with different roles")
    elif pre == "E":
        head = data.split(" ", 1)[0].rstrip("\r\n")
        if len(head.split(":")) != 2:
            raise _Reject("event without TYPE:TRIGGER")
    elif pre == "*":
        if len(data.split(None, 1)) != 2:
            raise _Reject("equivalence without arguments")
    elif pre == "#":
        if len(data.split()) != 2:
            raise _Reject("note is not 'TYPE TARGET<TAB>text'")
    return []


def check_ann(ann_path: Path, txt_path: Path | None = None) -> list[str]:
    """Every problem brat's server reports loading ``ann_path`` (with its ``.txt``); [] if none."""
    txt_path = txt_path or ann_path.with_suffix(".txt")
    text = read_text_as_brat(txt_path)
    with open(ann_path, encoding="utf-8", errors="strict", newline=None) as fh:
        content = fh.read()
    problems: list[str] = []
    defined: set[str] = set()
    refs: list[tuple[int, str]] = []
    for number, line in enumerate(content.splitlines(keepends=True), start=1):
        try:
            if "\t" not in line:
                raise _Reject("no tab after the id")
            ann_id, id_tail = line.split("\t", 1)
            pre = _prefix(ann_id)
            if not pre or not _valid_id(ann_id):
                raise _Reject(f"invalid id {ann_id!r}")
            if ann_id in defined and pre != "*":
                raise _Reject(f"duplicate id {ann_id}")
            data, tail = (id_tail.split("\t", 1)[0], "\t" + id_tail.split("\t", 1)[1]) if "\t" in id_tail \
                else (id_tail, "")
            if pre[0] not in "TMANR*E#":
                raise _Reject(f"unknown annotation kind {pre!r}")
            problems += [f"line {number}: {m}" for m in _parse_data(pre[0], data, tail, text)]
            defined.add(ann_id)
            refs += [(number, r) for r in _references(pre[0], data)]
        except _Reject as exc:
            problems.append(f"line {number}: unable to parse {line!r}: {exc}")
    for number, ref in refs:
        if ref not in defined:
            problems.append(f"line {number}: id {ref} not defined")
    return problems


def check_folder(folder: Path) -> dict[str, list[str]]:
    """:func:`check_ann` for every ``.ann`` under ``folder``, by file name, only those with problems."""
    out = {}
    for ann in sorted(folder.rglob("*.ann")):
        problems = check_ann(ann)
        if problems:
            out[ann.relative_to(folder).as_posix()] = problems
    return out


def text_fields(ann_path: Path) -> list[tuple[list[tuple[int, int]], str]]:
    """Every ``T`` line's fragments and text field (for comparing with the text)."""
    out = []
    with open(ann_path, encoding="utf-8", newline=None) as fh:
        for line in fh.read().splitlines():
            if line.startswith("T"):
                _, data, field = line.split("\t", 2)
                spans = [tuple(int(n) for n in pair.split()) for pair in data.split(" ", 1)[1].split(";")]
                out.append((spans, field))
    return out
