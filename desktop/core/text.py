"""Text tools: words, tokens, sentences, abbreviations, quotation marks and datelines.

Plain Python (no spaCy, no Qt), one copy of each rule that the window, the exporters, the
importers and the quote rules share.  Offsets are Python code points throughout.

* :func:`word_spans`: the words a selection snaps to in the editor.  A word keeps its inner
  apostrophes, hyphens, dots, commas, slashes and ampersands ("don’t", "Blinken-Lavrov",
  "100,000", "AT&T"), a leading currency sign and a trailing percent sign ("$5", "3.5%"),
  combining accents ("Jose\u0301" decomposed), and the period of a known abbreviation or of an
  initial ("Mr.", "U.S.", "J.").  Punctuation around words is not a word, so a selection is
  trimmed of it.
* :func:`tokenize`: the finer tokens the CoNLL and Prodigy exports write, every character of the
  text but white space in exactly one token: numbers with inner ``.``/``,`` ("100,000",
  "3.5"), words with inner hyphens, an apostrophe with the letters after it ("’s", "’t"), and
  any other character on its own ("$", "%", ".").  Each token is cut at given boundaries (the
  exported spans' ends), so every span starts and ends on a token boundary.
* :func:`sentence_spans`: a line break always ends a sentence; otherwise a sentence ends after
  ``.`` ``!`` ``?`` ``…`` (and any closing quotes or brackets after it) when white space and a
  character that is neither a lower-case letter nor punctuation that continues a sentence (an
  ellipsis, ``,;:``) follow ("… said “wait!” he added" runs on), except
  when the period ends an abbreviation (:data:`ABBREVIATIONS`, a dotted run of at most three
  letters such as "U.S" or "a.m", or an upper-case initial as in "John F. Kennedy").  "in the
  U.S. The" is ambiguous and does not split.  A boundary inside a ``protected`` span (an entity
  mention, in the exports) never splits.  :func:`token_sentences` is the same split in token
  indices.
* The quotation-mark tables: :data:`QUOTE_OPENERS` (each opening mark's style),
  :data:`QUOTE_CLOSERS` (the marks that close each style), :data:`QUOTE_MARKS` (all of them),
  and :data:`CLOSING_PUNCT` (what may follow a sentence's final punctuation).
* :func:`dateline`: a wire-service dateline at a position — "GENEVA (Reuters) -", "KYIV,
  Ukraine, Jan. 21 (AP) —" (each word of the place capitalised or a number), or a place in
  capitals alone ("WASHINGTON —", "WASHINGTON—").  A hyphen or "--" needs white space after it
  ("U.S.-Russia talks" is no dateline); an em dash or a bar may touch the next word.
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Iterable, Sequence
from itertools import pairwise

__all__ = [
    "ABBREVIATIONS",
    "CLOSING_PUNCT",
    "DOUBLE_CLOSERS",
    "LINE_BREAKS",
    "QUOTE_CLOSERS",
    "QUOTE_MARKS",
    "QUOTE_OPENERS",
    "SENTENCE_END_RE",
    "TERMINATORS",
    "dateline",
    "is_abbreviation",
    "sentence_spans",
    "token_sentences",
    "tokenize",
    "trimmed",
    "word_spans",
]

# Characters ------------------------------------------------------------------------------------

#: Combining marks that belong to the letter before them (decomposed accents); ``\w`` misses them.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_W = rf"[\w{_MARKS}]"  # a word character
_HYPHENS = "\\-\u2010\u2011"  # for a character class
_APOSTROPHES = "'\u2019"
#: Every character Python's ``str.splitlines`` breaks a line at.
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
#: Sentence-final punctuation.
TERMINATORS = ".!?…"

# Quotation marks -------------------------------------------------------------------------------

#: Each opening quotation mark and its style.  "'" is left out: it is far more often an
#: apostrophe.  "‘" and "‚" open single quotes, which are also apostrophes: the quote rules
#: (``desktop.nlp.quotes``) look at the characters around them.
QUOTE_OPENERS: dict[str, str] = {
    "“": "curly", "«": "guil", "„": "low", "‹": "sguil", '"': "straight", "‘": "single", "‚": "single",
}
#: The marks that close each style („…“ and „…” are both written; so are ‚…‘ and ‚…’).
QUOTE_CLOSERS: dict[str, str] = {
    "curly": "”", "guil": "»", "low": "“”", "sguil": "›", "straight": '"', "single": "’‘",
}
#: Every quotation mark of the tables above.
QUOTE_MARKS: frozenset[str] = frozenset("".join(QUOTE_OPENERS) + "".join(QUOTE_CLOSERS.values()))
#: The marks that close a double quotation.
DOUBLE_CLOSERS: frozenset[str] = frozenset("”»\"")
#: What may follow a sentence's final punctuation: closing quotation marks (with "'" and the
#: CJK corner brackets) and closing brackets.
CLOSING_PUNCT = "\"'”’»›“‘」』)]}"

# Abbreviations ---------------------------------------------------------------------------------

#: Words whose period does not end a sentence (lower case, without the final period).
ABBREVIATIONS: frozenset[str] = frozenset(
    # titles and ranks
    "mr mrs ms mx dr prof st gen gens sen sens rep reps gov lt col sgt capt cmdr adm maj pres rev hon "
    # names and companies
    "jr sr inc corp co ltd bros mt ft "
    # months
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    # other
    "no v vs etc fig e.g i.e a.m p.m u.s u.k u.n".split()
)


def _dotted(word: str) -> bool:
    """"u.s", "a.m", "e.g": single letters joined by dots, at most three."""
    return "." in word and len(word) <= 5 and all(len(part) == 1 and part.isalpha() for part in word.split("."))


def is_abbreviation(text: str, dot: int) -> bool:
    """Is the ``.`` at ``dot`` the end of an abbreviation ("Mr.", "U.S.", an initial "J.")?"""
    s = dot
    while s > 0 and (text[s - 1].isalnum() or text[s - 1] == "."):
        s -= 1
    word = text[s:dot].lower()
    if not word:
        return False
    if word in ABBREVIATIONS or _dotted(word):
        return True
    return len(word) == 1 and word.isalpha() and text[s].isupper()  # an initial: "John F. Kennedy"


# Words (selection snapping) --------------------------------------------------------------------

_WORD_RE = re.compile(
    rf"[$€£¥₹₽]?{_W}+(?:[{_APOSTROPHES}{_HYPHENS}.,/&]{_W}+)*"  # inner joiners: don’t, 100,000, U.S
    rf"(?:(?<=\b\w)\.)?%?"  # an initial's period (J.), a percent sign
)


def word_spans(text: str) -> list[tuple[int, int]]:
    """Words of ``text`` as ``(start, end)``: "don’t", "100,000", "3.5%", "U.S.", "Blinken-Lavrov"."""
    out = []
    n = len(text)
    for m in _WORD_RE.finditer(text):
        s, e = m.span()
        if e < n and text[e] == "." and text[s:e].lower() in ABBREVIATIONS:
            e += 1
        out.append((s, e))
    return out


# Tokens (exports) ------------------------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"\d+(?:[.,]\d+)*"  # 100,000 / 3.5
    rf"|{_W}+(?:[{_HYPHENS}]{_W}+)*"  # words, with inner hyphens
    rf"|[{_APOSTROPHES}]{_W}+"  # ’s, ’t
    r"|\S"  # anything else, one character at a time
)


def tokenize(text: str, boundaries: Iterable[int] = ()) -> list[tuple[int, int]]:
    """``(start, end)`` code point offsets of the tokens of ``text``, each cut at ``boundaries``."""
    cuts = sorted(set(boundaries))
    tokens: list[tuple[int, int]] = []
    for match in _TOKEN_RE.finditer(text):
        start, end = match.span()
        i = bisect.bisect_right(cuts, start)
        while i < len(cuts) and cuts[i] < end:
            tokens.append((start, cuts[i]))
            start = cuts[i]
            i += 1
        tokens.append((start, end))
    return tokens


# Sentences -------------------------------------------------------------------------------------

#: Sentence-final punctuation with the closing marks after it, before white space or the end.
SENTENCE_END_RE = re.compile(rf"[{TERMINATORS}]+[{re.escape(CLOSING_PUNCT)}]*(?=\s|$)")
#: Characters no sentence starts with (besides lower-case letters): an ellipsis, ",;:".
_NO_START = frozenset(TERMINATORS + ",;:")
_PARAGRAPH_RE = re.compile(rf"[^{LINE_BREAKS}]+")


def _protected_starts(protected: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    return sorted((s, e) for s, e in protected if e > s)


def _inside(spans: list[tuple[int, int]], ends: list[int], pos: int) -> bool:
    """Does a span of ``spans`` (sorted, with ``ends`` their running maximum end) cover ``pos``
    strictly inside it?"""
    i = bisect.bisect_left(spans, (pos, -1)) - 1  # the spans starting before pos
    return i >= 0 and ends[i] > pos


def sentence_spans(text: str, protected: Iterable[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Sentences of ``text`` as ``(start, end)``, white space trimmed (rules: module docstring).

    No sentence starts strictly inside a ``protected`` span: the sentence runs on over it, line
    breaks included.
    """
    spans = _protected_starts(protected)
    ends: list[int] = []
    for _, e in spans:
        ends.append(max(e, ends[-1]) if ends else e)
    out: list[tuple[int, int]] = []
    seg = -1  # start of the sentence being read, -1 before the first

    def cut(pos: int) -> None:
        """End the current sentence before the non-space character at ``pos``."""
        nonlocal seg
        if seg < 0:
            seg = pos
        elif not (spans and _inside(spans, ends, pos)):
            out.append((seg, pos))
            seg = pos

    for para in _PARAGRAPH_RE.finditer(text):
        ps, pe = para.span()
        first = _skip_space(text, ps, pe)
        if first == pe:
            continue
        cut(first)
        for m in SENTENCE_END_RE.finditer(text, first, pe):
            core = m.group().rstrip(CLOSING_PUNCT)
            if core == "." and is_abbreviation(text, m.start()):
                continue  # "Mr. Blinken", "the U.S. and": the sentence goes on
            nxt = _skip_space(text, m.end(), pe)
            if nxt == pe or text[nxt].islower() or text[nxt] in _NO_START:
                continue  # "… said “wait!” he added", "them. … and": not a sentence start
            cut(nxt)
    return [(s, _trim_end(text, s, e)) for s, e in ([*out, (seg, len(text))] if seg >= 0 else out)]


def _skip_space(text: str, i: int, end: int) -> int:
    while i < end and text[i].isspace():
        i += 1
    return i


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` without the whitespace at either edge (``start == end``: only whitespace)."""
    start = _skip_space(text, start, end)
    return start, _trim_end(text, start, end)


def token_sentences(text: str, tokens: Sequence[tuple[int, int]], protected: Iterable[tuple[int, int]] = ()
                    ) -> list[tuple[int, int]]:
    """:func:`sentence_spans` as ``(first token index, end token index)`` pairs over ``tokens``
    (sorted, covering the text's non-space characters, as :func:`tokenize` gives them)."""
    if not tokens:
        return []
    starts = [s for s, _ in tokens]
    bounds = [bisect.bisect_left(starts, s) for s, _ in sentence_spans(text, protected)]
    bounds = sorted({0, *bounds[1:]}) + [len(tokens)]
    return [(a, b) for a, b in pairwise(bounds) if b > a]


# Datelines -------------------------------------------------------------------------------------

# a dash, then white space; an em dash or a bar may also touch the next word ("WASHINGTON—The")
_DASH = r"\s*(?:[—―]\s*|(?:--|[–-])\s+)"
#: "WASHINGTON —", "NEW YORK (AP) —", "ST. LOUIS, MO. -": a place in capitals, a bracket or not.
_CAPS_DATELINE_RE = re.compile(rf"(?P<place>[A-Z][A-Z.,'’ ]{{2,40}}?)\s*(?:\((?P<wire>[^()\n]{{1,30}})\))?{_DASH}")
#: "GENEVA, Jan 21 (Reuters) -", "KYIV, Ukraine (AP) —": a place whose words start with a capital
#: or a digit, then a wire service's name.
_PLACE_WORD = r"[A-ZÀ-ÖØ-Þ0-9][\w.'’/-]*"
_WIRED_DATELINE_RE = re.compile(
    rf"(?P<place>[A-ZÀ-ÖØ-Þ][\w.'’/-]*(?:,?[ ]+{_PLACE_WORD}){{0,8}})\s*\((?P<wire>[A-Za-z][A-Za-z. ]{{0,20}}?)\){_DASH}"
)


def dateline(text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
    """The dateline starting at ``pos`` (before ``endpos``), or None.

    The match's ``place`` group is the place, ``wire`` the bracketed source (None when there is
    none), and its end the first character after the dash and the white space after it.
    """
    return _CAPS_DATELINE_RE.match(text, pos, endpos) or _WIRED_DATELINE_RE.match(text, pos, endpos)
