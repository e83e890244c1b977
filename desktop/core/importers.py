r"""Read articles from disk: plain text, HTML, interchange JSONL, brat standoff and the annotation
tools' files (Label Studio JSON, Prodigy and doccano JSONL).

Everything here is plain Python (trafilatura is imported lazily for HTML); nothing is stored.
The importers produce :class:`~desktop.core.model.ImportedDocument` and
:class:`~desktop.core.model.ImportProblem` values, and the store decides what to keep.

Public API
==========

``read_paths(paths, *, cancel=None, progress=None)``
    Files or folders.  Folders are walked recursively in sorted order; hidden files and folders
    (name starting with ``.``) are skipped, and so are files with an unknown suffix.  A file named
    explicitly with an unknown suffix is reported.  One bad file never stops the rest: every
    failure becomes an ``ImportProblem`` and reading goes on.  ``cancel()`` is checked before each
    file; ``progress(done, total)`` is called after each one.

    Only regular files are read, and nothing ever blocks: a named pipe, socket or device is
    reported by name (in a folder as ``kind="skipped"``, named explicitly as an error), and every
    file is opened non-blocking and checked before a byte is read.  In a folder, a symbolic link
    to a file or folder outside it is skipped with a message naming the link and its target; a
    link inside the folder is read once (a link and its target are one file).  A file named on
    the command line is read even when it is a link: that is the user's choice.  A file name that
    is not valid UTF-8 is imported with a warning; its bad bytes are written ``\xNN`` in messages,
    in ``ImportedDocument.path`` and in the document id (see :func:`printable`), so nothing the
    project cannot store (lone surrogates) reaches it.
``read_file(path)``
    The same for one path.
``count_inputs(paths)``
    How many inputs ``read_paths`` will look at (a brat ``.txt``/``.ann`` pair counts once).
``decode_text(data)``, ``decode_bytes(data)``
    A :class:`Decoded` (text, codec, characters replaced) or just the text.  A BOM decides
    (UTF-8, UTF-16, UTF-32; dropped).  Else UTF-8; UTF-8 spoilt by a few bytes that are not UTF-8
    (a stray byte, a surrogate written as UTF-8 by WTF-8/CESU-8) stays UTF-8 with one U+FFFD per
    run of bad bytes, and the readers warn with the count and the byte offset and line of the
    first.  Else the encoding charset-normalizer detects, cp1252 whenever it is a plausible
    reading.  Binary data (NUL bytes without a BOM, no plausible encoding, many control
    characters) and text whose encoding cannot be told raise ValueError naming the byte offset.
``printable(name)``
    A file name (or any string) fit for one line and for the project file.

Limits: a file larger than ``MAX_FILE_BYTES`` (20 MiB) is reported and skipped.  JSONL files are
read line by line, so for them the limit applies to each line, not to the whole file; after
``MAX_PROBLEMS_PER_FILE`` bad lines the rest of a JSONL file is skipped (it is probably not
JSONL at all).

Formats
=======

Plain text (``.txt``)
    The document text is the whole decoded file, exactly (CRLF line ends kept, only a BOM
    dropped), so offsets refer to the file.  The first lines may carry metadata, in any order: a
    URL line, a date line (``20220121``, ``2022-01-21``, ``January 21, 2022``, ``21 Jan 2022``,
    ...), ``Key: value`` lines (title, date/published, url, source, story) and one title line.  A
    header that has a URL, a date or a ``Key: value`` line is taken as metadata; without one, a
    short first line with no sentence-final punctuation followed by a blank line is the title.
    Dates in other languages and styles (``21 января 2022``, ``21 de enero de 2022``) are read by
    dateparser, only when the fast rules fail (:mod:`desktop.core.metadata`).
    ``source`` comes from a ``Source:`` line, else the outlet of the URL (its registered domain,
    through courlan: ``edition.cnn.com`` and ``amp.cnn.com`` give ``cnn.com``, ``m.bbc.co.uk``
    gives ``bbc.co.uk``), else a wire-service dateline at the start of the body (``GENEVA (AP) —``
    gives ``AP``).
    ``ext_id`` is the file stem.  A ``.txt`` with a sibling ``.ann`` is a brat document.

HTML (``.html``, ``.htm``)
    Decoded from a BOM, else as UTF-8 when it is valid UTF-8, else by the charset the page
    declares, read as WHATWG says (a declared UTF-16 or UTF-32 means UTF-8, ASCII and Latin-1 mean
    windows-1252), else as ``decode_text``.  Main text and metadata (title, date, canonical URL, the URL's outlet, host or site name as ``source``) are
    extracted with trafilatura from the file's contents.  Nothing is fetched and nothing runs: the
    document is parsed by lxml with network access off, a DOCTYPE internal subset (where external
    entities would be declared) is removed first, and scripts, frames and images are not text.
    Offsets refer to the extracted text, not to the HTML.

Interchange JSONL (``.jsonl``)
    One document per line as in DESIGN.md: ``id`` and ``text`` required, ``meta`` (title,
    source, url, published, story) optional, ``entities``/``quotes``/``claims`` kept as given
    after every span and field has been checked.  A bad line is reported with its line number and
    skipped; the other lines import.  Blank lines are ignored.  JSONL must be UTF-8 (a BOM is
    allowed); UTF-16 with BOM is accepted too, but is read whole, so the file limit applies.  A
    line that is not UTF-8 is an error naming the byte offset in the file; a line that is UTF-8
    but for a few bytes is imported with them replaced (U+FFFD) and a warning, unless it carries
    annotations, whose offsets the replacement could move: then it is an error.
    ``published`` is normalised to ``YYYY-MM-DD`` (left out with a warning when it is not a
    date); an ``id`` used twice in one file gives a warning (the store decides).
    A Claimdesk export's ``claimdesk`` field (on its first record: label schema, canonical entities
    with aliases and decisions, settings, model) is read as an ``ImportedProject``, and a line's
    ``rejected`` annotations (tombstones, status ``rejected``) join its layers; both are checked
    like the rest (:mod:`desktop.core.project_copy` has the shape).  ``text_only`` drops both.

Annotation tools (``.json``; Prodigy and doccano lines in a ``.jsonl``)
    A ``.json`` file is a Label Studio JSON export (the task list its Export > JSON writes, or
    the one ``claimdesk export --format label-studio`` writes): annotations come in as editor
    work, predictions as suggestions.  In a ``.jsonl`` file, each line's content says what it is
    (:func:`desktop.core.annotation_tools.record_kind`): a Prodigy task (``tokens``, ``spans``,
    ``answer``, ``accept``/``options``, ``_input_hash``...; the tasks of one document, gathered by
    ``meta.id`` or the input hash, make one document), a doccano record (a ``label`` list, or
    ``entities`` with ``start_offset``, or ``relations``), else an interchange record.  The
    conventions each reads are in :mod:`desktop.core.label_studio`, :mod:`desktop.core.prodigy`
    and :mod:`desktop.core.doccano`; each record is then checked like an interchange line.  A bad
    task or record is one line naming the file and the task (Label Studio: its place in the list
    and its ``id``) or line, and the rest import.

brat standoff (``X.txt`` + ``X.ann``)
    Claimdesk's conventions, chosen so that an exporter can write them and this importer reads
    the same annotations back::

        T1	PERSON 0 14	Antony Blinken
        #1	AnnotatorNotes T1	entity=Antony Blinken
        A1	Origin T1 model
        A2	Status T1 suggested
        T2	Quote 120 150;160 188	first fragment second fragment
        T3	Speaker 100 107	Blinken
        T4	Cue 108 112	said
        R1	Speaker Arg1:T2 Arg2:T3
        R2	Cue Arg1:T2 Arg2:T4
        A3	QuoteType T2 direct
        #2	AnnotatorNotes T2	speaker_entity=Antony Blinken
        T5	Claim 300 371	...
        A4	checkworthiness T5 check-worthy
        A5	verdict T5 mostly%20false
        #3	AnnotatorNotes T5	claimant=Sergey Lavrov
        #4	AnnotatorNotes T5	note=Checked against the\nTASS transcript.

    * ``T`` lines: ``Quote``, ``Speaker``, ``Cue`` and ``Claim`` are reserved types; any other type
      is an entity mention with that label.  Only ``Quote`` may be discontinuous
      (``start end;start end``, one pair per content fragment, in order), except that fragments
      apart only by whitespace holding a line break or tab are one span (brat, and Claimdesk's
      exporter, cut a span there: a standoff line cannot hold a break).  Offsets are code points
      of the decoded ``.txt`` (BOM dropped) as brat reads it, a ``\r\n`` counting one; a file
      whose text fields match only with ``\r\n`` counted as two (older Claimdesk exports) is
      read that way.  The text field must match the ``.txt`` at those offsets (fragments joined
      by a space, as brat writes them); it is compared after collapsing runs of whitespace.
    * A ``.txt`` that is UTF-8 but for a few bytes is read with each run of bad bytes replaced by
      one U+FFFD only when the offsets are unaffected, as the text fields show: every ``T`` line's
      text must still match the ``.txt`` at its offsets.  A span covering a replacement, or after
      one that moved the text, does not, and the whole document is skipped with a message naming
      the byte offset of the first bad byte.  (Refusing every such file would lose documents whose
      annotations are all intact; guessing how many characters a bad byte stood for cannot be
      checked any other way.)
    * Quotes: a ``Speaker`` relation (``Arg1`` the Quote, ``Arg2`` a ``Speaker`` span or any entity
      mention) and a ``Cue`` relation (``Arg2`` a ``Cue`` span), at most one of each per quote; a
      ``SpeakerResolved`` relation (``Arg2`` an ``Antecedent`` span or an entity mention) names
      what a pronoun speaker stands for (interchange ``speaker_resolved``);
      ``QuoteType`` attribute ``direct``/``indirect``/``mixed`` (default ``direct``).
    * Claims: ``Claim`` spans; every attribute other than the reserved ones is a claim label, the
      attribute name the label set and its value the label (``A4 checkworthiness T5
      check-worthy``); one value per label set; a value-less attribute means ``"true"``.
    * Provenance: attributes ``Origin`` (model/editor/import) and ``Status``
      (suggested/accepted/rejected) on entity, Quote and Claim spans.  Without ``Origin`` the
      document's default origin (``import``) applies.
    * ``AnnotatorNotes`` carry one ``key=value`` each: ``entity=`` (entity mentions: canonical
      name), ``speaker_entity=`` (Quote), ``claimant=`` and ``note=`` (Claim), ``annotator=`` and
      ``model=`` (any).  Values escape backslash, line feed, carriage return and tab as ``\\``,
      ``\n``, ``\r``, ``\t``, other line breaks as ``\uXXXX``.  A note on a Claim without a known key is the claim's note.
    * Type names, attribute names and attribute values cannot hold spaces in brat; Claimdesk
      percent-encodes ``%``, space and tab in them (``%25``, ``%20``, ``%09``) and decodes on import.
    * Anything else (events, normalizations, other relations or attributes) is ignored with a
      warning.  Any error (bad syntax, offsets past the ``.txt``, a mismatching text field, a
      reference to an unknown id) is reported with the ``.ann`` line number and the whole
      document is skipped: nothing is half-imported.
    * Every span is then decoded by the interchange codec (:mod:`desktop.core.interchange`), so
      the document carries the codec's shapes (every key; provenance a line does not give is
      None) and a span the codec refuses is an error on its line naming the ``T`` id
      (``T2.label must be a non-empty string`` for a type that decodes to a space).
"""

from __future__ import annotations

import bisect
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard
from urllib.parse import unquote

from desktop.core.annotation_tools import ToolRecordError, record_kind
from desktop.core.doccano import doccano_to_interchange
from desktop.core.interchange import (
    InterchangeError,
    claim_from_json,
    claim_problems,
    claim_to_json,
    mention_from_json,
    mention_problems,
    mention_to_json,
    quote_from_json,
    quote_problems,
    quote_to_json,
)
from desktop.core.label_studio import label_studio_records
from desktop.core.metadata import host_of, iso_date, outlet_of, parse_date_any
from desktop.core.model import (
    DOC_STATUSES,
    EXPORT_MARKER,
    ORIGINS,
    QUOTE_TYPES,
    REVIEW_LAYERS,
    STATUSES,
    ImportedDocument,
    ImportedProject,
    ImportProblem,
)
from desktop.core.prodigy import prodigy_documents
from desktop.core.project_copy import HEADER_KEY, read_header
from desktop.core.text import CLOSING_PUNCT, dateline
from desktop.core.wording import plural

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_PROBLEMS_PER_FILE",
    "SUPPORTED_SUFFIXES",
    "ImportResult",
    "Input",
    "count_inputs",
    "Decoded",
    "decode_bytes",
    "decode_text",
    "host_of",
    "parse_date",
    "printable",
    "plan_inputs",
    "read_file",
    "read_inputs",
    "read_paths",
]

#: Files larger than this are reported and skipped (for JSONL: lines larger than this).
MAX_FILE_BYTES: int = 20 * 1024 * 1024
#: After this many bad lines the rest of a JSONL file is skipped.
MAX_PROBLEMS_PER_FILE: int = 200
SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".html", ".htm", ".jsonl", ".json", ".ann")

ImportResult = ImportedDocument | ImportedProject | ImportProblem
PathLike = str | os.PathLike

# Decoding -----------------------------------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# C0 controls other than tab, LF, VT, FF, CR (and DEL); a few strays are tolerated, NUL never.
_CONTROL_RE = re.compile("[\x01-\x08\x0e-\x1f\x7f]")
# Bytes that are not UTF-8, as ``surrogateescape`` shows them: one U+FFFD replaces each run.
_ESCAPED_RUN_RE = re.compile("[\udc80-\udcff]+")
# A UTF-16 surrogate written as UTF-8 (WTF-8, CESU-8): evidence of UTF-8, though not valid UTF-8.
_ENCODED_SURROGATE_BYTES_RE = re.compile(rb"\xed[\xa0-\xbf][\x80-\xbf]")
_ASCII_BYTES = bytes(range(128))


@dataclass(frozen=True)
class Decoded:
    """A text file's bytes decoded: the text, the codec used and what had to be replaced."""

    text: str
    encoding: str
    #: Characters replaced with U+FFFD (UTF-8 with a few bytes that are not UTF-8).
    replaced: int = 0
    #: Byte offset (in the data given, BOM included) and line of the first replaced character.
    first_byte: int | None = None
    first_line: int | None = None

    def warning(self) -> str | None:
        """The one-line note for the user when characters were replaced, else None."""
        if not self.replaced:
            return None
        n = self.replaced
        return (f"{plural(n, 'character')} not valid UTF-8 replaced with U+FFFD "
                f"(the first at byte {self.first_byte}, line {self.first_line})")


def _offset_note(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    return f"byte 0x{data[offset]:02x} at offset {offset}, line {line}"


def _utf8_with_replacement(data: bytes, start: int = 0) -> Decoded | None:
    """``data[start:]`` as UTF-8 with each run of bytes that are not UTF-8 replaced by one U+FFFD,
    when the data is UTF-8 that a few bad bytes spoil; None when it does not look like UTF-8 at
    all (fewer valid multi-byte UTF-8 characters than bad bytes: another encoding, or binary)."""
    body = data[start:] if start else data
    try:
        return Decoded(body.decode("utf-8"), "utf-8")  # the usual case: one strict decode
    except UnicodeDecodeError:
        pass
    escaped = body.decode("utf-8", "surrogateescape")  # each bad byte becomes one lone surrogate
    valid = len(body.decode("utf-8", "ignore"))
    bad_bytes = len(escaped) - valid
    if not bad_bytes:
        return Decoded(escaped, "utf-8")
    ascii_bytes = len(body) - len(body.translate(None, _ASCII_BYTES))
    surrogates = len(_ENCODED_SURROGATE_BYTES_RE.findall(body))
    evidence = valid - ascii_bytes + surrogates  # multi-byte characters, and surrogates as WTF-8 writes them
    if evidence == 0 or evidence < bad_bytes - 3 * surrogates:
        return None
    first = _ESCAPED_RUN_RE.search(escaped)
    assert first is not None  # bad_bytes > 0: there is an escaped run
    first_byte = start + len(escaped[: first.start()].encode("utf-8", "surrogateescape"))
    text, replaced = _ESCAPED_RUN_RE.subn("\ufffd", escaped)
    return Decoded(text, "utf-8", replaced, first_byte, data.count(b"\n", 0, first_byte) + 1)


#: charset-normalizer's codec names that never hold text without a byte order mark and NUL bytes.
_WIDE_CODECS = ("utf_16", "utf_32")


#: A larger file's encoding is detected on its first MiB (to the last line break), then checked on all.
_DETECT_SAMPLE_BYTES = 1 << 20


def _detect(data: bytes, why: str, whole: bool = False) -> Decoded:
    """Text that is not UTF-8: cp1252 when charset-normalizer finds it a plausible reading (the
    usual legacy encoding of English and Western European news), else charset-normalizer's best
    guess; refused when nothing fits (binary) or several readings fit equally (too little text)."""
    from charset_normalizer import from_bytes

    sample = data
    if len(data) > _DETECT_SAMPLE_BYTES and not whole:  # detection on all of a large file takes long
        cut = data.rfind(b"\n", 0, _DETECT_SAMPLE_BYTES)
        sample = data[: cut + 1 if cut > 0 else _DETECT_SAMPLE_BYTES]
    matches = [m for m in from_bytes(sample) if not m.encoding.startswith(_WIDE_CODECS)]
    if not matches:
        raise ValueError(f"looks like binary data: not UTF-8 ({why}) and no text encoding fits")
    if any("cp1252" in m.could_be_from_charset for m in matches):
        encoding = "cp1252"
    else:
        best = matches[0]
        rivals = [m.encoding for m in matches[1:] if m.chaos == best.chaos and m.coherence == best.coherence
                  and str(m) != str(best)]
        if rivals and best.coherence == 0:
            shown = ", ".join([best.encoding, *rivals[:3]])
            raise ValueError(f"cannot be decoded: not UTF-8 ({why}), and its encoding cannot be told "
                             f"({shown} fit equally); save it as UTF-8")
        encoding = best.encoding
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError as exc:
        if sample is not data:
            return _detect(data, why, whole=True)
        raise ValueError(f"cannot be decoded: not UTF-8 ({why}) and not {encoding} "
                         f"({_offset_note(data, exc.start)})") from None


def decode_text(data: bytes) -> Decoded:
    """Decode a text file's bytes.

    * A byte order mark decides (UTF-8, UTF-16, UTF-32; dropped from the text); data that does
      not match its BOM is refused, naming the byte offset.
    * Else UTF-8.  UTF-8 with a few bytes that are not UTF-8 (a stray byte, a UTF-16 surrogate
      written as UTF-8) stays UTF-8: each run of bad bytes becomes one U+FFFD and
      :meth:`Decoded.warning` says how many and where the first is.
    * Else the encoding charset-normalizer detects, cp1252 whenever it is a plausible reading.
    * Binary data (NUL bytes without a BOM, no plausible encoding, many control characters) and
      data whose encoding cannot be told raise ``ValueError`` with a message fit for the user.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            if encoding == "utf-8":
                decoded = _utf8_with_replacement(data, len(bom))
                if decoded is None:
                    raise ValueError("starts with a utf-8 byte order mark but is not UTF-8 "
                                     f"({_offset_note(data, len(bom) + _first_bad(data[len(bom):]))})")
                break
            try:
                decoded = Decoded(data[len(bom) :].decode(encoding), encoding)
            except UnicodeDecodeError as exc:
                raise ValueError(
                    f"starts with a {encoding} byte order mark but is not valid {encoding} "
                    f"(at byte offset {len(bom) + exc.start})"
                ) from exc
            break
    else:
        if b"\x00" in data:
            raise ValueError(
                "looks like binary data (contains NUL bytes); if it is UTF-16 text, save it with a byte order mark"
            )
        decoded = _utf8_with_replacement(data)
        if decoded is None:
            decoded = _detect(data, _offset_note(data, _first_bad(data)))
    _check_textual(decoded.text)
    return decoded


def _first_bad(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return 0


def decode_bytes(data: bytes) -> str:
    """The text of :func:`decode_text` (replacements, if any, unreported)."""
    return decode_text(data).text


def _check_textual(text: str) -> None:
    if "\x00" in text:
        raise ValueError("looks like binary data (contains NUL characters)")
    if _CONTROL_RE.search(text) is None:
        return
    controls = len(_CONTROL_RE.findall(text))
    if controls > 1 + len(text) // 1000:
        raise ValueError(f"looks like binary data ({controls} control characters)")


_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _declared_charset(data: bytes) -> str | None:
    """The Python codec for the charset an HTML page declares, read as WHATWG says: a declared
    UTF-16 or UTF-32 is UTF-8 (a page that could be read to find the declaration is not UTF-16),
    ASCII and Latin-1 are windows-1252."""
    import codecs

    match = _META_CHARSET_RE.search(data[:4096])
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    if name.startswith(("utf-16", "utf-32", "utf-8")):
        return "utf-8"
    if name in ("ascii", "iso8859-1", "latin-1"):
        return "cp1252"
    return name


def _decode_html(data: bytes) -> Decoded:
    """HTML: BOM, else UTF-8, else the charset the page declares (as WHATWG reads it), else as
    :func:`decode_text` (UTF-8 with a few bad bytes replaced, or the detected encoding)."""
    if any(data.startswith(bom) for bom, _ in _BOMS) or b"\x00" in data:
        return decode_text(data)
    try:
        decoded: Decoded | None = Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        declared = _declared_charset(data)
        decoded = None
        if declared not in (None, "utf-8"):
            try:
                decoded = Decoded(data.decode(declared), declared)
            except UnicodeDecodeError:
                decoded = None
        if decoded is None:
            return decode_text(data)
    assert decoded is not None  # decoded in the try, or above
    _check_textual(decoded.text)
    return decoded


# Dates --------------------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_DATE_FILLERS = {
    "monday", "mon", "tuesday", "tue", "tues", "wednesday", "wed", "thursday", "thu", "thur", "thurs",
    "friday", "fri", "saturday", "sat", "sunday", "sun", "at", "am", "pm", "a", "m", "p", "on", "of",
    "the", "st", "nd", "rd", "th", "utc", "gmt", "et", "est", "edt", "pt", "pst", "pdt", "ct", "cst",
    "cdt", "bst", "cet", "cest", "msk", "z", "updated", "published", "posted", "first", "last", "modified",
}  # fmt: skip
_ISO_DATE_RE = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|[A-Z]{2,4})?)?"
)
_DMY_NUMERIC_RE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
# a time of day is 10:32, 10:32:05 or, as the Guardian writes it, 09.31 (not followed by more digits)
_DATE_TOKEN_RE = re.compile(r"\d+(?::\d+)+|\d{1,2}\.\d{2}(?![.\d])|\d+(?:st|nd|rd|th)?|[^\W\d_]+|\S", re.UNICODE)


def parse_date(value: str) -> str | None:
    """An ISO ``YYYY-MM-DD`` for a string that is a date and nothing else, else None.

    Strict on purpose, so an ordinary sentence never becomes a date: ``20220121``,
    ``2022-01-21`` (with an optional time), ``01/21/2022`` (only when unambiguous),
    ``January 21, 2022``, ``Fri, 21 Jan 2022 10:00 GMT``.  Month and year alone are not a date.
    A time may be written ``09.31`` (``Last modified on Fri 21 Jan 2022 09.31 GMT``, the
    Guardian's).  A line these fast rules do not read but that looks like a date goes to dateparser
    (:func:`desktop.core.metadata.parse_date_any`: ``21 января 2022``, ``21. Januar 2022``), as
    strictly.
    """
    s = value.strip()
    if not s or len(s) > 64:
        return None
    if re.fullmatch(r"\d{8}", s):
        return iso_date(int(s[:4]), int(s[4:6]), int(s[6:]))
    if m := _ISO_DATE_RE.fullmatch(s):
        return iso_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY_NUMERIC_RE.fullmatch(s):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        if a == b or (a > 12 >= b):
            return iso_date(y, b, a)
        if b > 12 >= a:
            return iso_date(y, a, b)
        return None  # 01/02/2022: day-first or month-first? Do not guess.
    return _date_words(s) or parse_date_any(s)  # dateparser only when the fast rules fail


def _date_words(s: str) -> str | None:
    """The fast rule for dates in words: one month name, one four-digit year, one day number,
    with weekdays, times, time zones and a few fillers around them."""
    month: int | None = None
    year: int | None = None
    days: list[int] = []
    for token in _DATE_TOKEN_RE.findall(s):
        low = token.lower().rstrip(".")
        if low in _MONTHS:
            if month is not None:
                return None
            month = _MONTHS[low]
        elif low in _DATE_FILLERS:
            continue
        elif (":" in token or "." in token) and token[0] in "0123456789":
            continue  # a time of day
        elif leading := re.match(r"[0-9]+", token):
            digits = leading[0]
            if len(digits) == 4 and digits == token:
                if year is not None:
                    return None
                year = int(digits)
            elif len(digits) <= 2:
                days.append(int(digits))
            else:
                return None
        elif token in ",.-–—/|()+":
            continue
        else:
            return None
    if month is None or year is None or len(days) != 1:
        return None
    return iso_date(year, month, days[0])


# Plain text metadata ------------------------------------------------------------------------------

_URL_LINE_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.I)
_KEY_VALUE_RE = re.compile(
    r"(title|headline|date|published|publication date|pubdate|updated|url|link|source|outlet|publisher|story)"
    r"\s*:\s*(\S.*)",
    re.I,
)
_KEY_FIELDS = {
    "title": "title",
    "headline": "title",
    "date": "published",
    "published": "published",
    "publication date": "published",
    "pubdate": "published",
    "updated": "published",
    "url": "url",
    "link": "url",
    "source": "source",
    "outlet": "source",
    "publisher": "source",
    "story": "story",
}
_LINE_SPLIT_RE = re.compile(r"\r\n|\r|\n")
_WIRES = {
    "ap": "AP",
    "associated press": "AP",
    "reuters": "Reuters",
    "afp": "AFP",
    "upi": "UPI",
    "dpa": "dpa",
    "xinhua": "Xinhua",
    "bloomberg": "Bloomberg",
    "tass": "TASS",
    "efe": "EFE",
    "ansa": "ANSA",
    "kyodo": "Kyodo",
    "cnn": "CNN",
    "pa": "PA",
}
_TITLE_MAX_CHARS = 200
_TITLE_MAX_WORDS = 30


def _wire_source(line: str) -> str | None:
    match = dateline(line)  # "GENEVA (AP) —", "GENEVA, Jan 21 (Reuters) -", "KYIV, Ukraine (AP) —"
    if not match or not match["wire"]:
        return None
    return _WIRES.get(" ".join(match["wire"].lower().replace(".", "").split()))


def _title_candidate(line: str) -> str | None:
    """None (never a title), "plain", or "exclaims" (ends with ? or !)."""
    if len(line) > _TITLE_MAX_CHARS or len(line.split()) > _TITLE_MAX_WORDS:
        return None
    if not any(ch.isalpha() for ch in line):
        return None
    last = line.rstrip(CLOSING_PUNCT + " ")[-1:]
    if last in ".,;:…" or not last:
        return None
    return "exclaims" if last in "?!" else "plain"


def _text_metadata(text: str) -> dict[str, str]:
    """title / published / url / source / story from a plain text's first lines."""
    head = text[:8192]
    lines = head.split("\n") if "\r" not in head else _LINE_SPLIT_RE.split(head)  # the same lines; split is faster
    found: dict[str, str] = {}
    title: tuple[int, str, str] | None = None  # line index, title, kind
    confirmed = False
    index = 0
    seen = 0
    while index < len(lines) and seen < 8:
        line = lines[index].strip()
        if not line:
            index += 1
            continue
        if _URL_LINE_RE.fullmatch(line):
            found.setdefault("url", line)
            confirmed = True
        elif (kv := _KEY_VALUE_RE.fullmatch(line)) and (kv[2].strip()):  # before dates: no date has "key:"
            field_name = _KEY_FIELDS[kv[1].lower()]
            value = kv[2].strip()
            if field_name == "published":
                value = parse_date(value) or ""
            if value:
                found.setdefault(field_name, value)
                confirmed = True
            else:
                break
        elif date := parse_date(line):
            found.setdefault("published", date)
            confirmed = True
        elif title is None and (kind := _title_candidate(line)):
            title = (index, line, kind)
        else:
            break
        seen += 1
        index += 1
    body_index = index
    if title is not None:
        t_index, t_text, kind = title
        followed_by_blank = t_index + 1 < len(lines) and not lines[t_index + 1].strip()
        if confirmed or (kind == "plain" and t_index == _first_nonblank(lines) and followed_by_blank):
            found.setdefault("title", t_text)
        elif not confirmed:
            body_index = t_index
    if not confirmed and "title" not in found:
        body_index = _first_nonblank(lines)
    if "source" not in found and found.get("url"):
        if outlet := outlet_of(found["url"]):
            found["source"] = outlet
    if "source" not in found and body_index < len(lines):
        if wire := _wire_source(lines[body_index].strip()):
            found["source"] = wire
    return found


def _first_nonblank(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        if line.strip():
            return i
    return len(lines)


# Inputs -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Input:
    """One unit of work of an import: a file (or a brat pair) and how to read it
    (:func:`plan_inputs` finds them, :func:`read_inputs` reads them)."""

    path: Path
    kind: str  # txt | html | jsonl | brat | missing | unsupported | unreadable | skipped
    key: str
    message: str = ""
    #: kind "skipped": why, in a few words (ImportProblem.reason)
    reason: str = ""


def printable(name: str) -> str:
    """``name`` fit to show on one line and to store: the bytes of a file name that are not UTF-8
    (which Python keeps as lone surrogates, ``os.fsdecode``) as ``\\xNN``, other characters that
    are not printable (control characters, line breaks, surrogates) as ``\\xNN``/``\\uNNNN``."""
    if name.isprintable():
        return name
    out = []
    for ch in name:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch.isprintable():
            out.append(ch)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        else:
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
    return "".join(out)


def _is_hidden(path: Path) -> bool:
    if path.name.startswith("."):
        return True
    if not _HIDDEN_ATTRIBUTE:  # only Windows marks files hidden otherwise
        return False
    try:
        attributes = getattr(path.stat(), "st_file_attributes", 0)
    except OSError:
        return False
    return bool(attributes & getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0))


_HIDDEN_ATTRIBUTE = getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0)


def _sibling(path: Path, suffix: str, names: frozenset[str] | None = None) -> Path | None:
    """``path`` with ``suffix`` (or in capitals) when that is a file; ``names``: the names in its
    folder, when known (a folder's walk), so most files cost no look-up."""
    stem = path.name[: len(path.name) - len(path.suffix)]
    for name in (stem + suffix, stem + suffix.upper()):
        if names is not None and name not in names:
            continue
        if (candidate := path.with_name(name)).is_file():
            return candidate
    return None


def _key(path: Path) -> str:
    """The identity of a file for "read once": its resolved path (a link and its target are one)."""
    return os.path.normcase(os.path.realpath(path))


def _classify(path: Path, explicit: bool, key: str | None = None, names: frozenset[str] | None = None) -> Input | None:
    """How to read ``path`` (None: not a file to import); ``key``, when the caller knows it, is
    its :func:`_key`, and ``names`` the names in its folder."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES and not explicit:
        return None
    key = key if key is not None else _key(path)
    if suffix == ".txt":
        ann = _sibling(path, ".ann", names)
        if ann is not None:
            return Input(ann, "brat", _key(ann))
        return Input(path, "txt", key)
    if suffix == ".ann":
        return Input(path, "brat", key)
    if suffix in (".html", ".htm"):
        return Input(path, "html", key)
    if suffix == ".jsonl":
        return Input(path, "jsonl", key)
    if suffix == ".json":
        return Input(path, "label-studio", key)
    if explicit:
        shown = printable(suffix) or "(no suffix)"
        return Input(
            path,
            "unsupported",
            key,
            f"unsupported file type {shown}; supported: {', '.join(SUPPORTED_SUFFIXES)}",
        )
    return None


def _file_kind(mode: int) -> str | None:
    """None for a regular file, else what it is, for a message."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def _inside(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:  # another drive
        return False


def _walked_file(path: Path, real_root: str, names: frozenset[str], real_folder: str,
                 shown_folder: str) -> Input | None:
    """What to do with a file a folder's walk found (None: not a file to import)."""
    try:
        mode: int | None = os.lstat(path).st_mode
    except OSError:
        mode = None
    link = mode is None or stat.S_ISLNK(mode)
    item = _classify(path, False, None if link else os.path.normcase(os.path.join(real_root, path.name)), names)
    if item is None:
        return None
    try:
        if link:
            mode = os.lstat(path).st_mode
            target = os.path.realpath(path)
            if not _inside(target, real_folder):
                item = Input(path, "skipped", os.path.normcase(os.path.abspath(path)),
                              f"symbolic link to {printable(target)}, outside {shown_folder}; "
                              "not read", "link outside the folder")
            mode = os.stat(path).st_mode
    except FileNotFoundError:
        return Input(path, "unreadable", _key(path), "symbolic link to a file that does not exist")
    except OSError as exc:
        return Input(path, "unreadable", _key(path), f"cannot access: {exc.strerror or exc}")
    assert mode is not None
    if item.kind != "skipped" and (kind := _file_kind(mode)) is not None:
        item = Input(path, "skipped", _key(path), f"is {kind}, not a regular file; not read", "not a regular file")
    return item


def _walk(folder: Path) -> Iterator[Input]:
    """What to read under ``folder``, sorted by relative path; hidden files and folders and
    unknown suffixes left out.  Only regular files are read: a named pipe, socket or device with
    a supported suffix is skipped with a message, and so is a symbolic link to a file or folder
    outside ``folder`` (a link inside it is read once, as its target).  Unreadable folders are
    reported."""
    failures: list[OSError] = []
    found: list[tuple[Path, Input]] = []
    real_folder = os.path.realpath(folder)
    shown_folder = _where(folder)
    for root, dirs, files in os.walk(folder, onerror=failures.append):
        real_root = os.path.realpath(root)  # a file that is not a link is real_root/name: one look-up a folder
        names = frozenset(files)
        kept = []
        for name in dirs:
            path = Path(root, name)
            if _is_hidden(path):
                continue
            if path.is_symlink():  # not followed by the walk; say so when it leads outside
                target = os.path.realpath(path)
                if not _inside(target, real_folder):
                    found.append((path, Input(
                        path, "skipped", os.path.normcase(os.path.abspath(path)),
                        f"symbolic link to the folder {printable(target)}, outside {shown_folder}; "
                        "not read", "link outside the folder")))
                continue
            kept.append(name)
        dirs[:] = kept
        for name in files:
            path = Path(root, name)
            if not _is_hidden(path) and (item := _walked_file(path, real_root, names, real_folder, shown_folder)):
                found.append((path, item))

    prefix = "" if str(folder) == "." else os.path.join(str(folder), "")  # before every path the walk gives

    def key(entry: tuple[Path, Input]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        text = str(entry[0])  # relative_to, without building paths: a folder of 10,000 files sorts at once
        parts = tuple(text[len(prefix):].split(os.sep)) if text.startswith(prefix) else entry[0].relative_to(folder).parts
        return tuple(part.casefold() for part in parts), parts

    for _, item in sorted(found, key=key):
        yield item
    for error in failures:
        where = Path(error.filename or folder)
        yield Input(where, "unreadable", str(where), f"folder cannot be read: {error.strerror or error}")


def _plan(paths: Iterable[PathLike]) -> Iterator[Input]:
    seen: set[str] = set()
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    for raw in paths:
        path = Path(os.fsdecode(raw))
        try:
            is_dir = path.is_dir()
            exists = is_dir or path.exists()
            mode = None if is_dir or not exists else path.stat().st_mode  # a named link is followed
        except OSError as exc:
            yield Input(path, "unreadable", str(path), f"cannot access: {exc.strerror or exc}")
            continue
        if not exists:
            yield Input(path, "missing", str(path), "file not found")
            continue
        if is_dir:
            candidates: Iterator[Input | None] = _walk(path)
        elif mode is not None and (kind := _file_kind(mode)) is not None:
            candidates = iter([Input(path, "unreadable", _key(path), f"is {kind}, not a regular file; not read")])
        else:
            candidates = iter([_classify(path, explicit=True)])
        for item in candidates:
            if item is None or item.key in seen:
                continue
            seen.add(item.key)
            yield item


def count_inputs(paths: Iterable[PathLike]) -> int:
    """How many inputs :func:`read_paths` will look at (a brat pair counts once)."""
    return sum(1 for _ in _plan(paths))


def plan_inputs(paths: Iterable[PathLike]) -> list[Input]:
    """What :func:`read_paths` reads, in its order (folders walked once, each file once)."""
    return list(_plan(paths))


#: Inputs of these kinds hold one document each and are read in a worker pool when there are many;
#: JSONL and Label Studio files (many documents) stream in the importing process.
_POOLED_KINDS = frozenset({"txt", "html", "brat"})
#: Fewer pooled inputs than this are read in the importing process (starting workers costs more).
POOL_MIN_INPUTS = 200
#: Inputs a worker reads per task, and tasks in flight per worker (bounds what waits in memory).
POOL_CHUNK = 128
_POOL_AHEAD = 3


def read_paths(
    paths: Iterable[PathLike],
    *,
    cancel: Callable[[], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
    text_only: bool = False,
    workers: int = 0,
) -> Iterator[ImportResult]:
    """Read files and folders; yield documents and problems.  Never raises for a bad file.

    ``text_only``: JSONL annotations are dropped unread (for pre-annotation, where input lines
    need only ``id`` and ``text``).  ``workers``: see :func:`read_inputs`.
    """
    yield from read_inputs(plan_inputs(paths), cancel=cancel, progress=progress, text_only=text_only,
                           workers=workers)


def read_inputs(
    inputs: Sequence[Input],
    *,
    cancel: Callable[[], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
    text_only: bool = False,
    workers: int = 0,
) -> Iterator[ImportResult]:
    """Read planned inputs in order; yield documents and problems.  Never raises for a bad file.

    ``workers``: with at least :data:`POOL_MIN_INPUTS` one-document files (text, HTML, brat),
    those are read, decoded and their metadata parsed in a pool of that many processes, a few
    chunks ahead, and yielded here in order; everything else is read in this process.  A worker
    that dies (a crash in a parser) costs only speed: what it had not returned is read here.
    """
    items = list(inputs)
    pooled = sum(1 for item in items if item.kind in _POOLED_KINDS)
    if workers < 1 or pooled < POOL_MIN_INPUTS:
        segments: Iterator[tuple[list[Input], Any]] = ((items[i : i + 1], None) for i in range(len(items)))
        yield from _read_segments(segments, len(items), cancel, progress, text_only)
        return
    yield from _read_pooled(items, workers, cancel, progress, text_only)


def _read_pooled(items: list[Input], workers: int, cancel: Callable[[], bool] | None,
                 progress: Callable[[int, int], None] | None, text_only: bool) -> Iterator[ImportResult]:
    """:func:`read_inputs` with a pool of ``workers`` processes.  They are started the way the
    pre-annotation's are (the platform's default: a fork on Linux, so nothing is imported again),
    each watching that this process is alive (a fork shares the project's lock: a worker left
    behind by a killed import would keep the project locked).  A cancel or an error stops them
    at once; at the end they have nothing left to do."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    before = {p.pid for p in multiprocessing.active_children()}
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(), initializer=_worker_start,
                               initargs=(os.getpid(),))
    finished = False
    try:
        yield from _read_segments(_submitted(pool, items, workers, text_only), len(items), cancel, progress,
                                  text_only)
        finished = True
    finally:
        pool.shutdown(wait=finished, cancel_futures=True)
        if not finished:
            for child in multiprocessing.active_children():
                if child.pid not in before:
                    child.terminate()
                    child.join(5)


def _worker_start(parent: int) -> None:
    """A reading worker leaves as soon as the importing process is gone (killed)."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="claimdesk-import-watch", daemon=True).start()


def _submitted(pool: Any, items: list[Input], workers: int, text_only: bool) -> Iterator[tuple[list[Input], Any]]:
    """``(segment, future)`` in input order: runs of pooled inputs cut in chunks and sent to
    ``pool`` ahead of the reader (``future`` None: read here), at most a few per worker ahead."""
    from collections import deque

    def segments() -> Iterator[tuple[list[Input], bool]]:
        run: list[Input] = []
        for item in items:
            if item.kind in _POOLED_KINDS:
                run.append(item)
                if len(run) == POOL_CHUNK:
                    yield run, True
                    run = []
                continue
            if run:
                yield run, True
                run = []
            yield [item], False
        if run:
            yield run, True

    ahead: deque[tuple[list[Input], Any]] = deque()
    source = segments()
    limit = _POOL_AHEAD * workers
    for segment, send in source:
        ahead.append((segment, pool.submit(_read_chunk, segment, text_only) if send else None))
        while len(ahead) > limit:
            yield ahead.popleft()
    yield from ahead


def _read_chunk(items: list[Input], text_only: bool) -> list[list[ImportResult]]:
    """A worker's task: each input's results."""
    return [list(_read_input(item, text_only)) for item in items]


def _read_segments(segments: Iterable[tuple[list[Input], Any]], total: int, cancel: Callable[[], bool] | None,
                   progress: Callable[[int, int], None] | None, text_only: bool) -> Iterator[ImportResult]:
    done = 0
    for segment, future in segments:
        try:
            results: Iterable[Iterable[ImportResult]] = (future.result() if future is not None else
                                                        (_read_input(item, text_only) for item in segment))
        except Exception:  # a worker died (BrokenProcessPool), or its results could not come back: read here
            results = (_read_input(item, text_only) for item in segment)
        for found in results:  # (read here: only as this loop gets to it)
            if cancel is not None and cancel():
                return
            yield from found
            done += 1
            if progress is not None:
                progress(done, total)


def read_file(path: PathLike) -> Iterator[ImportResult]:
    """Read one file (a ``.jsonl`` may give many documents); never raises for a bad file."""
    return read_paths([path])


class _Problem(Exception):
    def __init__(self, message: str, path: Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line


def _where(path: Path) -> str:
    return printable(os.path.abspath(path))


def _name_is_utf8(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _read_input(item: Input, text_only: bool = False) -> Iterator[ImportResult]:
    readers = {"txt": _read_txt, "html": _read_html, "jsonl": _read_jsonl, "brat": _read_brat,
               "label-studio": _read_label_studio}
    reader = readers.get(item.kind)
    if reader is None:
        if item.kind == "skipped":
            yield ImportProblem(_where(item.path), item.message, severity="warning", kind="skipped",
                                reason=item.reason)
        else:
            yield ImportProblem(_where(item.path), item.message)
        return
    if not _name_is_utf8(item.path):
        also = "" if item.kind == "jsonl" else " and in the document's id"
        yield ImportProblem(_where(item.path), f"file name is not valid UTF-8 (its bad bytes are written \\xNN here{also})",
                            severity="warning")
    try:
        yield from (_read_jsonl(item.path, text_only=True) if text_only and item.kind == "jsonl" else reader(item.path))
    except _Problem as problem:
        yield ImportProblem(_where(problem.path or item.path), problem.message, problem.line)
    except Exception as exc:  # a bad file must never stop the rest
        yield ImportProblem(_where(item.path), f"could not be read: {type(exc).__name__}: {exc}")


def _os_problem(exc: OSError, path: Path) -> _Problem:
    """The one-line message for a file the system would not let us read."""
    if isinstance(exc, FileNotFoundError):
        return _Problem("file not found", path)
    if isinstance(exc, IsADirectoryError):
        return _Problem("is a folder, not a file", path)
    if isinstance(exc, PermissionError):
        return _Problem("permission denied", path)
    return _Problem(f"cannot be read: {exc.strerror or exc}", path)


def _open_regular(path: Path) -> tuple[Any, int]:
    """``(binary file, size)`` for a regular file; anything else (a named pipe, a device) is
    refused without blocking: it is opened non-blocking and checked before a byte is read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _os_problem(exc, path) from None
    try:
        info = os.fstat(fd)
        if (kind := _file_kind(info.st_mode)) is not None:
            raise _Problem(f"is {kind}, not a regular file; not read", path)
        return os.fdopen(fd, "rb"), info.st_size
    except BaseException:
        os.close(fd)
        raise


def _read_bytes(path: Path) -> bytes:
    handle, size = _open_regular(path)
    with handle:
        if size > MAX_FILE_BYTES:
            raise _Problem(f"file is {_mib(size)}, larger than the {_mib(MAX_FILE_BYTES)} limit", path)
        try:
            data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise _os_problem(exc, path) from None
    if len(data) > MAX_FILE_BYTES:
        raise _Problem(f"file is larger than the {_mib(MAX_FILE_BYTES)} limit", path)
    return data


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB" if size % (1024 * 1024) else f"{size // (1024 * 1024)} MiB"


def _read_text(path: Path, decode: Callable[[bytes], Decoded] = decode_text) -> Decoded:
    data = _read_bytes(path)
    if not data:
        raise _Problem("file is empty", path)
    try:
        decoded = decode(data)
    except ValueError as exc:
        raise _Problem(str(exc), path) from None
    if not decoded.text.strip():
        raise _Problem("file contains only whitespace", path)
    return decoded


def _decode_warning(decoded: Decoded, path: Path) -> Iterator[ImportProblem]:
    if (warning := decoded.warning()) is not None:
        yield ImportProblem(_where(path), warning, severity="warning", kind="replaced")


# Plain text ---------------------------------------------------------------------------------------


def _text_document(path: Path, text: str) -> ImportedDocument:
    meta = _text_metadata(text)
    return ImportedDocument(
        ext_id=printable(path.stem),
        text=text,
        title=meta.get("title"),
        source=meta.get("source"),
        url=meta.get("url"),
        published=meta.get("published"),
        story=meta.get("story"),
        path=_where(path),
    )


def _read_txt(path: Path) -> Iterator[ImportResult]:
    decoded = _read_text(path)
    yield from _decode_warning(decoded, path)
    yield _text_document(path, decoded.text)


# HTML ---------------------------------------------------------------------------------------------

_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_DOCTYPE_RE = re.compile(r"<!DOCTYPE[^>\[]*(?:\[.*?\]\s*)?>", re.I | re.S)
_ENTITY_DECL_RE = re.compile(r"<!ENTITY[^>]*>", re.I)


def _html_tree(html: str) -> Any:
    import lxml.etree
    import lxml.html

    html = _XML_DECL_RE.sub("", html, count=1)
    html = _DOCTYPE_RE.sub("<!DOCTYPE html>", html)
    html = _ENTITY_DECL_RE.sub("", html)
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, huge_tree=False)
    try:
        return lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise _Problem(f"not readable as HTML: {exc}") from None


def _read_html(path: Path) -> Iterator[ImportResult]:
    import trafilatura

    decoded = _read_text(path, _decode_html)
    tree = _html_tree(decoded.text)
    result = trafilatura.bare_extraction(
        tree,
        with_metadata=True,
        include_comments=False,
        include_images=False,
        include_links=False,
        include_tables=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = getattr(result, "text", None) or ""
    if not text.strip():
        raise _Problem("no article text found in the HTML")
    url = getattr(result, "url", None) or None
    source = (
        (outlet_of(url) if url else None)
        or getattr(result, "hostname", None)
        or getattr(result, "sitename", None)
    )
    published = getattr(result, "date", None)
    yield from _decode_warning(decoded, path)
    yield ImportedDocument(
        ext_id=printable(path.stem),
        text=text,
        title=getattr(result, "title", None) or None,
        source=source or None,
        url=url,
        published=parse_date(published) if published else None,
        path=_where(path),
    )


# JSONL --------------------------------------------------------------------------------------------

_META_FIELDS = ("title", "source", "url", "published", "story")


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


class _Checker:
    """Collects validation errors of one interchange record."""

    def __init__(self, length: int):
        self.length = length
        self.errors: list[str] = []

    def items(self, record: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = record.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.errors.append(f"{key} must be a list")
            return []
        good = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                self.errors.append(f"{key}[{i}] must be an object")
            else:
                good.append(item)
        return value if len(good) == len(value) else []


def _has_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _surrogate_field(record: Any) -> str | None:
    """The first field (``text``, ``meta.title``, ``entities[0].label``) holding a lone surrogate,
    which the project file could not store; None when there is none."""
    stack: list[tuple[str, Any]] = [("", record)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            if _has_surrogate(value):
                return where or "a value"
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                if _has_surrogate(key):
                    return f"a key in {where or 'the record'}"
                stack.append((f"{where}.{key}" if where else key, item))
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", item) for i, item in reversed(list(enumerate(value))))
    return None


def _record_to_document(record: Any, path: Path) -> tuple[ImportedDocument | None, list[str], list[str]]:
    """Validate one interchange record: (document or None, errors, warnings)."""
    if not isinstance(record, dict):
        return None, [f"a line must be a JSON object, not {type(record).__name__}"], []
    errors: list[str] = []
    warnings: list[str] = []
    doc_id = record.get("id")
    if doc_id is None:
        errors.append("missing id")
    elif not (isinstance(doc_id, str) or _is_int(doc_id)) or not str(doc_id).strip():
        errors.append("id must be a non-empty string (or an integer)")
    text = record.get("text")
    if text is None:
        errors.append("missing text")
        return None, errors, warnings
    if not isinstance(text, str):
        errors.append("text must be a string")
        return None, errors, warnings
    if not text.strip():
        errors.append("text is empty")
    if "\x00" in text:
        errors.append("text contains NUL characters")
    if (field_name := _surrogate_field(record)) is not None:
        errors.append(f"{field_name} contains an unpaired surrogate escape (\\ud800-\\udfff), "
                      "which no UTF-8 file can hold")
    check = _Checker(len(text))

    meta = record.get("meta")
    fields: dict[str, str | None] = {}
    if meta is not None and not isinstance(meta, dict):
        errors.append("meta must be an object")
        meta = None
    for key in _META_FIELDS:
        value = (meta or {}).get(key)
        if value is not None and not isinstance(value, str):
            errors.append(f"meta.{key} must be a string or null")
            value = None
        fields[key] = value or None
    if fields["published"]:
        iso = parse_date(fields["published"])
        if iso is None:
            warnings.append(f"meta.published {fields['published']!r} is not a date; left out")
        fields["published"] = iso
    status = (meta or {}).get("status")
    if status is not None and status not in DOC_STATUSES:
        errors.append(f"meta.status must be one of {', '.join(DOC_STATUSES)}")
    reviewed = (meta or {}).get("reviewed") or []
    if not isinstance(reviewed, list) or not set(reviewed) <= set(REVIEW_LAYERS):
        errors.append(f"meta.reviewed must be a list of {', '.join(REVIEW_LAYERS)}")
        reviewed = []

    # each annotation is checked by the interchange codec (desktop.core.interchange)
    entities = check.items(record, "entities")
    for i, item in enumerate(entities):
        check.errors += mention_problems(item, f"entities[{i}]", check.length)
    quotes = check.items(record, "quotes")
    for i, item in enumerate(quotes):
        check.errors += quote_problems(item, f"quotes[{i}]", check.length)
    claims = check.items(record, "claims")
    for i, item in enumerate(claims):
        check.errors += claim_problems(item, f"claims[{i}]", check.length)
    tombstones = _rejected(record, check)  # a Claimdesk export's rejected suggestions (project_copy)
    entities, quotes, claims = entities + tombstones[0], quotes + tombstones[1], claims + tombstones[2]

    errors.extend(check.errors)
    if errors:
        return None, errors, warnings
    document = ImportedDocument(
        ext_id=str(doc_id).strip(),
        text=text,
        path=_where(path),
        entities=[dict(item) for item in entities],
        quotes=[dict(item) for item in quotes],
        claims=[dict(item) for item in claims],
        status=status or "new",
        reviewed=tuple(sorted(set(reviewed))),
        title=fields["title"],
        source=fields["source"],
        url=fields["url"],
        published=fields["published"],
        story=fields["story"],
    )
    return document, [], warnings


_REJECTED_LAYERS = (("entities", mention_problems), ("quotes", quote_problems), ("claims", claim_problems))


def _rejected(record: dict[str, Any], check: _Checker) -> tuple[list[dict[str, Any]], ...]:
    """The tombstones of ``record["rejected"]`` per layer (entities, quotes, claims), checked like
    the kept annotations; each must have status ``rejected``."""
    value = record.get("rejected")
    if value is None:
        return [], [], []
    if not isinstance(value, dict):
        check.errors.append("rejected must be an object")
        return [], [], []
    layers = []
    for key, problems in _REJECTED_LAYERS:
        items = check.items(value, key)
        for i, item in enumerate(items):
            where = f"rejected.{key}[{i}]"
            check.errors += problems(item, where, check.length)
            if item.get("status") != "rejected":
                check.errors.append(f"{where}.status must be rejected")
        layers.append(items)
    return tuple(layers)


def _jsonl_lines(path: Path) -> Iterator[tuple[int, str | None, str | None, str | None]]:
    """(line number, text or None, problem or None, replacement note or None) for each line of a
    JSONL file.  A line that is UTF-8 but for a few bytes comes with those bytes replaced by
    U+FFFD and a note saying so; byte offsets in messages count from the start of the file."""
    handle, _ = _open_regular(path)
    with handle:
        head = handle.read(8192)
        if not head:
            raise _Problem("file is empty", path)
        handle.seek(0)
        if any(head.startswith(bom) for bom, enc in _BOMS if enc != "utf-8"):
            data = _read_bytes(path)
            try:
                whole = decode_bytes(data)
            except ValueError as exc:
                raise _Problem(str(exc), path) from None
            for number, line in enumerate(whole.split("\n"), start=1):
                yield number, line, None, None
            return
        if b"\x00" in head:
            raise _Problem("looks like binary data (contains NUL bytes), not JSONL", path)
        number = 0
        offset = 0  # of the line's first byte in the file
        while True:
            raw = handle.readline(MAX_FILE_BYTES + 1)
            if not raw:
                return
            number += 1
            start, offset = offset, offset + len(raw)
            if len(raw) > MAX_FILE_BYTES and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):
                    raw = handle.readline(1 << 20)
                    offset += len(raw)
                yield number, None, f"line is larger than the {_mib(MAX_FILE_BYTES)} limit", None
                continue
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw, start = raw[3:], 3
            try:
                yield number, raw.decode("utf-8"), None, None
            except UnicodeDecodeError as exc:
                where = f"byte {start + exc.start} of the file (byte {exc.start + 1} of the line)"
                decoded = _utf8_with_replacement(raw)
                if decoded is None:
                    yield number, None, f"not valid UTF-8 at {where}; JSONL must be UTF-8", None
                else:
                    n = decoded.replaced
                    yield number, decoded.text, None, (
                        f"{plural(n, 'character')} not valid UTF-8 replaced with U+FFFD "
                        f"(the first at {where})")


def _read_jsonl(path: Path, text_only: bool = False) -> Iterator[ImportResult]:
    where = _where(path)
    problems = 0
    documents = 0
    seen_ids: dict[str, int] = {}
    prodigy_tasks: list[tuple[int, Any]] = []  # gathered by document at the end

    def take(number: int, record: Any, replaced: str | None) -> Iterator[ImportResult]:
        nonlocal problems, documents
        if text_only and isinstance(record, dict):
            record = {k: v for k, v in record.items() if k not in ("entities", "quotes", "claims", "rejected")}
        if replaced is not None and isinstance(record, dict) and any(record.get(k) for k in ("entities", "quotes", "claims", "rejected")):
            problems += 1
            yield ImportProblem(where, replaced.replace(" replaced with U+FFFD", "") + "; a line with annotations "
                                "is not repaired, since replacing bytes could move the text their offsets refer to",
                                number)
            return
        document, errors, warnings = _record_to_document(record, path)
        for warning in warnings:
            yield ImportProblem(where, warning, number, severity="warning")
        if document is None:
            problems += 1
            shown = "; ".join(errors[:5]) + (f"; and {len(errors) - 5} more" if len(errors) > 5 else "")
            yield ImportProblem(where, shown, number)
            return
        if replaced is not None:
            yield ImportProblem(where, replaced, number, severity="warning", kind="replaced")
        if document.ext_id in seen_ids:
            yield ImportProblem(
                where,
                f"id {document.ext_id!r} already used on line {seen_ids[document.ext_id]}",
                number,
                severity="warning",
                kind="duplicate-id",
            )
        else:
            seen_ids[document.ext_id] = number
        documents += 1
        document.line = number
        yield document

    for number, line, problem, replaced in _jsonl_lines(path):
        if problem is None and line is not None and not line.strip():
            continue
        if problems >= MAX_PROBLEMS_PER_FILE:
            yield ImportProblem(
                where, f"too many bad lines; the rest of the file from line {number} is skipped", number
            )
            return
        if problem is not None or line is None:
            problems += 1
            yield ImportProblem(where, problem or "unreadable line", number)
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems += 1
            yield ImportProblem(where, f"invalid JSON: {exc.msg} (column {exc.colno})", number)
            continue
        except (ValueError, RecursionError) as exc:
            problems += 1
            yield ImportProblem(where, f"invalid JSON: {exc}", number)
            continue
        if isinstance(record, dict) and HEADER_KEY in record:  # a Claimdesk export's project (project_copy)
            header = {HEADER_KEY: record.pop(HEADER_KEY)}
            if not text_only:
                project, errors = read_header(header, where)
                problems += project is None
                yield project or ImportProblem(where, "; ".join(errors[:5]), number)
            if not record:  # a project without documents
                continue
        # Prodigy tasks and doccano records are told apart by content (desktop.core.annotation_tools)
        kind = record_kind(record)
        if kind == "prodigy":
            if replaced is None or text_only:
                prodigy_tasks.append((number, record))
            else:
                problems += 1
                yield ImportProblem(where, replaced.replace(" replaced with U+FFFD", "") + "; a Prodigy task "
                                    "is not repaired, since replacing bytes could move its offsets", number)
            continue
        if kind == "doccano":
            try:
                record = doccano_to_interchange(record)
            except ToolRecordError as exc:
                problems += 1
                yield ImportProblem(where, f"doccano record: {exc}", number)
                continue
        yield from take(number, record, replaced)
    for number, converted, trouble in prodigy_documents(prodigy_tasks):
        if converted is None:
            problems += 1
            yield ImportProblem(where, trouble or "unreadable Prodigy task", number)
            continue
        yield from take(number, converted, None)
    if documents == 0 and problems == 0:
        yield ImportProblem(where, "file contains only whitespace")


# Label Studio JSON --------------------------------------------------------------------------------


def _read_label_studio(path: Path) -> Iterator[ImportResult]:
    """A Label Studio JSON export (a list of tasks; see :mod:`desktop.core.label_studio`)."""
    where = _where(path)
    decoded = _read_text(path)
    try:
        data = json.loads(decoded.text)
    except (ValueError, RecursionError) as exc:
        raise _Problem(f"not a Label Studio JSON export: invalid JSON ({exc})", path) from None
    if not isinstance(data, (list, dict)):
        raise _Problem("not a Label Studio JSON export: expected a list of tasks", path)
    seen_ids: set[str] = set()
    for number, record, trouble in label_studio_records(data):
        if record is None:
            yield ImportProblem(where, trouble or f"Label Studio task {number} cannot be read")
            continue
        document, errors, warnings = _record_to_document(record, path)
        for warning in warnings:
            yield ImportProblem(where, f"Label Studio task {number}: {warning}", severity="warning")
        if document is None:
            yield ImportProblem(where, f"Label Studio task {number}: " + "; ".join(errors[:5]))
            continue
        if document.ext_id in seen_ids:
            yield ImportProblem(where, f"Label Studio task {number}: id {document.ext_id!r} used by an earlier task",
                                severity="warning", kind="duplicate-id")
        seen_ids.add(document.ext_id)
        yield document


# brat standoff ------------------------------------------------------------------------------------

_RESERVED_TYPES = ("Quote", "Speaker", "Cue", "Antecedent", "Claim")
#: relations from a Quote: the roles each may point to
_QUOTE_RELATIONS = {"Speaker": ("Speaker", "entity"), "Cue": ("Cue",), "SpeakerResolved": ("Antecedent", "entity")}
#: span types that exist only as a Quote's relation argument
_QUOTE_PARTS = ("Speaker", "Cue", "Antecedent")
_NOTE_KEYS = {
    "entity": ("entity",),
    "speaker_entity": ("Quote",),
    "claimant": ("Claim",),
    "note": ("Claim",),
    "annotator": ("entity", "Quote", "Claim"),
    "model": ("entity", "Quote", "Claim"),
}
_T_RE = re.compile(r"(T\S*)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)", re.S)
_A_RE = re.compile(r"([AM]\S*)\t(\S+) (\S+)(?: (\S+))?")
_R_RE = re.compile(r"(R\S*)\t(\S+) (\w+):(\S+) (\w+):(\S+)")
_NOTE_RE = re.compile(r"(#\S*)\t(\S+) (\S+)\t(.*)", re.S)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\"}
#: the gap between two fragments of what is one span, cut where a line breaks (brat cuts a span at
#: line breaks and tabs, and so does Claimdesk's exporter: a standoff line cannot hold them)
_BREAK_GAP_RE = re.compile(r"\s*[\n\r\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]\s*")


def _unescape_note(value: str) -> str:
    return re.sub(r"\\(u[0-9a-fA-F]{4}|.)",
                  lambda m: chr(int(m[1][1:], 16)) if len(m[1]) == 5 else _ESCAPES.get(m[1], m[0]), value)


def _join_line_breaks(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Fragments separated only by whitespace holding a line break or tab are one span again."""
    out = [spans[0]]
    for s, e in spans[1:]:
        prev_s, prev_e = out[-1]
        if prev_e <= s and _BREAK_GAP_RE.fullmatch(text, prev_e, s):
            out[-1] = (prev_s, e)
        else:
            out.append((s, e))
    return out


def _brat_coordinates(text: str, lines: list[str]) -> Callable[[int], int]:
    """How to read offsets into ``text``: brat reads a ``.txt`` with universal newlines, so it
    counts ``\\r\\n`` as one character (nlplab/brat#853), and so do Claimdesk's exports.  When
    every text field matches that way, offsets are read so; otherwise as code points of the file as
    it is (older Claimdesk exports counted ``\\r\\n`` as two)."""
    pairs = [m.start() for m in re.finditer("\r\n", text)]
    if not pairs:
        return lambda n: n
    brat_pairs = [p - i for i, p in enumerate(pairs)]  # where each CRLF is in brat's text

    def to_raw(n: int) -> int:
        return n + bisect.bisect_left(brat_pairs, n)

    brat_length = len(text) - len(pairs)
    for raw in lines:
        match = _T_RE.fullmatch(raw)
        if not match:
            continue
        spans = [tuple(int(n) for n in pair.split()) for pair in match[3].split(";")]
        if not all(0 <= s < e <= brat_length for s, e in spans) or not _same_text(
                match[4], " ".join(text[to_raw(s):to_raw(e)] for s, e in spans)):
            return lambda n: n
    return to_raw


def _same_text(field_text: str, actual: str) -> bool:
    return field_text.split() == actual.split()


@dataclass
class _TextBound:
    id: str
    label: str
    spans: list[tuple[int, int]]
    line: int

    @property
    def role(self) -> str:
        return self.label if self.label in _RESERVED_TYPES else "entity"


def _brat_export_ids(folder: Path) -> dict[str, str]:
    """The document ids a Claimdesk brat export could not use as file names (too long, or with
    characters a file name cannot hold), by file stem, from the export's marker; empty elsewhere."""
    marker = folder / EXPORT_MARKER
    try:
        info = marker.lstat()
        if not stat.S_ISREG(info.st_mode):
            return {}
        key = (str(marker), info.st_mtime_ns, info.st_size)
        if key not in _EXPORT_IDS:
            with open(marker, encoding="utf-8") as fh:
                record = json.load(fh)
            ids = record.get("ids") if isinstance(record, dict) and "claimdesk_export" in record else None
            _EXPORT_IDS.clear()
            _EXPORT_IDS[key] = {k: v for k, v in (ids or {}).items()
                                if isinstance(k, str) and isinstance(v, str) and v.strip()}
        return _EXPORT_IDS[key]
    except (OSError, ValueError, UnicodeDecodeError):
        return {}


_EXPORT_IDS: dict[tuple[str, int, int], dict[str, str]] = {}


class _BratAnn:
    """One ``.ann`` file read against its text: a reader per line type collects the text-bound
    spans, attributes, relations and notes; then each kind is attached to its spans; then every
    annotation is decoded by the interchange codec (:mod:`desktop.core.interchange`), whose
    validation names the ``T`` id.  ``errors`` and ``warnings`` are ``(line number, message)``."""

    def __init__(self, text: str, txt_name: str):
        self.text = text
        self.txt_name = txt_name
        self.to_raw: Callable[[int], int] = lambda n: n  # brat's offsets -> ours (read() decides)
        self.errors: list[tuple[int, str]] = []
        self.warnings: list[tuple[int, str]] = []
        self.bounds: dict[str, _TextBound] = {}
        self.attributes: list[tuple[int, str, str, str | None]] = []  # line, name, target, value
        self.relations: list[tuple[int, str, dict[str, str]]] = []
        self.notes: list[tuple[int, str, str]] = []
        self.all_ids: set[str] = set()
        # what the attributes, relations and notes say, by T id
        self.provenance: dict[str, dict[str, str]] = {}
        self.quote_types: dict[str, str] = {}
        self.labels: dict[str, dict[str, str]] = {}
        self.links: dict[str, dict[str, str]] = {}
        self.used: set[str] = set()
        self.keyed: dict[str, dict[str, str]] = {}

    # reading, one line type at a time

    def read(self, ann: str) -> None:
        readers: dict[str, Callable[[int, str], None]] = {
            "T": self._text_bound, "A": self._attribute, "M": self._attribute, "R": self._relation,
            "#": self._note, "E": self._unsupported, "N": self._unsupported, "*": self._unsupported}
        lines = _LINE_SPLIT_RE.split(ann)
        self.to_raw = _brat_coordinates(self.text, lines)
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            line_id = raw.split("\t", 1)[0]
            if line_id in self.all_ids and not line_id.startswith("#"):
                self.errors.append((number, f"id {line_id} is used twice"))
                continue
            self.all_ids.add(line_id)
            reader = readers.get(raw[0])
            if reader is None:
                self.errors.append((number, f"unknown annotation line {line_id!r}"))
            else:
                reader(number, raw)

    def _text_bound(self, number: int, raw: str) -> None:
        match = _T_RE.fullmatch(raw)
        if not match:
            self.errors.append((number, "malformed text-bound line (expected 'T1<TAB>Type start end<TAB>text')"))
            return
        tid, label, offsets, field_text = match.groups()
        to_raw = self.to_raw
        spans = [(to_raw(int(s)), to_raw(int(e))) for s, e in (pair.split() for pair in offsets.split(";"))]
        text = self.text
        bad = [f"{s}-{e}" for s, e in spans if not 0 <= s < e <= len(text)]
        if bad:
            self.errors.append((number, f"{tid} offsets {', '.join(bad)} are empty or past the end of "
                                        f"{self.txt_name} (length {len(text)})"))
            return
        actual = " ".join(text[s:e] for s, e in spans)
        if not _same_text(field_text, actual):
            self.errors.append((number, f"{tid} text {field_text[:60]!r} does not match {self.txt_name} at "
                                        f"{offsets}: {actual[:60]!r}"))
            return
        bound = _TextBound(tid, unquote(label), _join_line_breaks(text, spans), number)
        if len(bound.spans) > 1 and bound.role != "Quote":
            self.errors.append((number, f"{tid}: only Quote spans may be discontinuous, not {bound.label}"))
            return
        self.bounds[tid] = bound

    def _attribute(self, number: int, raw: str) -> None:
        match = _A_RE.fullmatch(raw)
        if not match:
            self.errors.append((number, "malformed attribute line (expected 'A1<TAB>Name T1 [value]')"))
            return
        _, name, target, value = match.groups()
        self.attributes.append((number, unquote(name), target, unquote(value) if value is not None else None))

    def _relation(self, number: int, raw: str) -> None:
        match = _R_RE.fullmatch(raw)
        if not match:
            self.errors.append((number, "malformed relation line (expected 'R1<TAB>Type Arg1:T1 Arg2:T2')"))
            return
        _, rtype, role1, arg1, role2, arg2 = match.groups()
        self.relations.append((number, rtype, {role1: arg1, role2: arg2}))

    def _note(self, number: int, raw: str) -> None:
        match = _NOTE_RE.fullmatch(raw)
        if not match:
            self.errors.append((number, "malformed note line (expected '#1<TAB>AnnotatorNotes T1<TAB>text')"))
            return
        _, note_type, target, value = match.groups()
        if note_type != "AnnotatorNotes":
            self.warnings.append((number, f"note type {note_type} ignored"))
            return
        self.notes.append((number, target, value))

    def _unsupported(self, number: int, raw: str) -> None:
        what = {"E": "events", "N": "normalizations"}.get(raw[0], "equivalences")
        self.warnings.append((number, f"{what} are not supported; line ignored"))

    # attaching attributes, relations and notes to the text-bound spans

    def attach(self) -> None:
        self.provenance = {tid: {} for tid in self.bounds}
        self.labels = {tid: {} for tid in self.bounds}
        self.keyed = {tid: {} for tid in self.bounds}
        for number, name, target, value in self.attributes:
            if (bound := self._target(number, target, f"attribute {name}", "attributes")) is not None:
                self._attach_attribute(number, name, bound, value)
        for number, rtype, args in self.relations:
            self._attach_relation(number, rtype, args)
        for number, target, raw_value in self.notes:
            if (bound := self._target(number, target, "note", "notes")) is not None:
                self._attach_note(number, bound, raw_value)
        for tid, bound in self.bounds.items():
            if bound.role in _QUOTE_PARTS and tid not in self.used:
                self.warnings.append((bound.line, f"{bound.role} span {tid} is not linked to a Quote; ignored"))

    def _target(self, number: int, target: str, what: str, carried: str) -> _TextBound | None:
        """The text-bound span an attribute or note is on; else None, with its error or warning."""
        bound = self.bounds.get(target)
        if bound is None:
            if target in self.all_ids:
                self.warnings.append((number, f"{what} on {target} ignored (only text-bound spans carry {carried})"))
            else:
                self.errors.append((number, f"{what} refers to unknown annotation {target}"))
        return bound

    def _attach_attribute(self, number: int, name: str, bound: _TextBound, value: str | None) -> None:
        target = bound.id
        if name in ("Origin", "Status"):
            allowed = ORIGINS if name == "Origin" else STATUSES
            if value not in allowed:
                self.errors.append((number, f"{name} must be one of {', '.join(allowed)}, not {value!r}"))
            elif bound.role in _QUOTE_PARTS:
                self.warnings.append((number, f"{name} on a {bound.role} span ignored (it belongs on the Quote)"))
            else:
                self.provenance[target][name.lower()] = value
        elif name == "QuoteType":
            if bound.role != "Quote":
                self.warnings.append((number, f"QuoteType on {bound.label} span {target} ignored"))
            elif value not in QUOTE_TYPES:
                self.errors.append((number, f"QuoteType must be one of {', '.join(QUOTE_TYPES)}, not {value!r}"))
            else:
                self.quote_types[target] = value
        elif bound.role == "Claim":
            if name in self.labels[target]:
                self.errors.append((number, f"{target} has two values for label set {name}"))
            self.labels[target][name] = value if value is not None else "true"
        else:
            self.warnings.append((number, f"attribute {name} on {bound.label} span {target} ignored"))

    def _attach_relation(self, number: int, rtype: str, args: dict[str, str]) -> None:
        if rtype not in _QUOTE_RELATIONS:
            self.warnings.append((number, f"relation {rtype} ignored"))
            return
        quote_id, arg_id = args.get("Arg1"), args.get("Arg2")
        if quote_id is None or arg_id is None:
            self.errors.append((number, f"{rtype} relation needs Arg1 (the Quote) and Arg2"))
            return
        quote, arg = self.bounds.get(quote_id), self.bounds.get(arg_id)
        if quote is None or arg is None:
            missing = quote_id if quote is None else arg_id
            self.errors.append((number, f"{rtype} relation refers to unknown span {missing}"))
        elif quote.role != "Quote":
            self.errors.append((number, f"{rtype} relation: Arg1 {quote_id} must be a Quote, not {quote.label}"))
        elif arg.role not in _QUOTE_RELATIONS[rtype]:
            self.errors.append((number, f"{rtype} relation: Arg2 {arg_id} cannot be a {arg.label} span"))
        elif rtype in (slot := self.links.setdefault(quote_id, {})):
            self.errors.append((number, f"{quote_id} has more than one {rtype}"))
        else:
            slot[rtype] = arg_id
            self.used.add(arg_id)

    def _attach_note(self, number: int, bound: _TextBound, raw_value: str) -> None:
        target = bound.id
        key, sep, value = raw_value.partition("=")
        if not sep or key not in _NOTE_KEYS:
            if bound.role != "Claim":
                self.warnings.append((number, f"note on {target} ignored (expected key=value with a known key)"))
                return
            key, value = "note", raw_value
        if bound.role not in _NOTE_KEYS[key]:
            self.warnings.append((number, f"{key}= note on {bound.label} span {target} ignored"))
            return
        value = _unescape_note(value)
        keyed = self.keyed[target]
        if key == "note" and key in keyed:
            keyed[key] += "\n" + value
        elif key in keyed and keyed[key] != value:
            self.errors.append((number, f"{target} has two different {key}= notes"))
        else:
            keyed[key] = value

    # the annotations, in the codec's shapes

    def _span(self, tid: str | None) -> dict[str, int] | None:
        if tid is None:
            return None
        start, end = self.bounds[tid].spans[0]
        return {"start": start, "end": end}

    def _prov(self, tid: str) -> dict[str, str]:
        out = dict(self.provenance[tid])
        out.update((key, self.keyed[tid][key]) for key in ("annotator", "model") if key in self.keyed[tid])
        return out

    def _item(self, bound: _TextBound) -> dict[str, Any]:
        """The interchange dict of one span (of an entity, a Quote or a Claim)."""
        tid, (start, end) = bound.id, bound.spans[0]
        notes = self.keyed[tid]
        if bound.role == "entity":
            return {"start": start, "end": end, "label": bound.label, "entity": notes.get("entity"), **self._prov(tid)}
        if bound.role == "Quote":
            slot = self.links.get(tid, {})
            return {"content": [{"start": s, "end": e} for s, e in bound.spans],
                    "speaker": self._span(slot.get("Speaker")), "speaker_resolved": self._span(slot.get("SpeakerResolved")),
                    "speaker_entity": notes.get("speaker_entity"), "cue": self._span(slot.get("Cue")),
                    "type": self.quote_types.get(tid, "direct"), **self._prov(tid)}
        return {"start": start, "end": end, "claimant": notes.get("claimant"), "labels": self.labels[tid],
                "note": notes.get("note"), **self._prov(tid)}

    def annotations(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        """(entities, quotes, claims) as the codec writes them; a span the codec refuses is an error
        on its line (``T2.label must be a non-empty string``)."""
        out: dict[str, list[dict[str, Any]]] = {"entity": [], "Quote": [], "Claim": []}
        for bound in self.bounds.values():
            if bound.role not in out:
                continue
            decode, encode = _BRAT_CODEC[bound.role]
            try:
                out[bound.role].append(encode(decode(self._item(bound), bound.id, len(self.text))))
            except InterchangeError as exc:
                self.errors.append((bound.line, str(exc)))
        return out["entity"], out["Quote"], out["Claim"]


_BRAT_CODEC: dict[str, tuple[Callable[..., Any], Callable[[Any], dict[str, Any]]]] = {
    "entity": (mention_from_json, mention_to_json),
    "Quote": (quote_from_json, quote_to_json),
    "Claim": (claim_from_json, claim_to_json),
}


def _read_brat(ann_path: Path) -> Iterator[ImportResult]:
    txt_path = _sibling(ann_path, ".txt")
    if txt_path is None:
        raise _Problem(f"brat annotations without their text: {ann_path.with_suffix('.txt').name} not found")
    decoded_txt = _read_text(txt_path)
    try:
        decoded_ann = decode_text(_read_bytes(ann_path))
    except ValueError as exc:
        raise _Problem(str(exc), ann_path) from None
    where = _where(ann_path)
    ann = _BratAnn(decoded_txt.text, txt_path.name)
    ann.read(decoded_ann.text)
    ann.attach()
    entities, quotes, claims = ann.annotations()
    for number, message in ann.errors:
        yield ImportProblem(where, message, number)
    if ann.errors:
        yield ImportProblem(where, f"brat document {printable(txt_path.stem)} skipped because of the errors "
                                   f"above{_replaced_note(decoded_txt, txt_path.name)}")
        return
    yield from _decode_warning(decoded_txt, txt_path)
    yield from _decode_warning(decoded_ann, ann_path)
    for number, message in ann.warnings:
        yield ImportProblem(where, message, number, severity="warning")
    document = _text_document(txt_path, decoded_txt.text)
    document.ext_id = _brat_export_ids(txt_path.parent).get(txt_path.stem, document.ext_id)
    document.entities, document.quotes, document.claims = entities, quotes, claims
    yield document


def _replaced_note(decoded: Decoded, name: str) -> str:
    """Why a brat document whose ``.txt`` had bad bytes may not match its offsets; "" otherwise."""
    if not decoded.replaced:
        return ""
    n = decoded.replaced
    return (f" ({name} is not valid UTF-8 at byte {decoded.first_byte}, line {decoded.first_line}; with {n} "
            f"character{'s' if n != 1 else ''} replaced, the offsets no longer match)")
