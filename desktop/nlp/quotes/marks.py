"""Stage 1, the quotation-mark scanner: pairs every style of quotation mark news uses (see the package
docstring), tolerating broken pairs and quotes over several paragraphs."""
from __future__ import annotations

import re
from dataclasses import dataclass

from desktop.core.text import DOUBLE_CLOSERS, QUOTE_CLOSERS, QUOTE_MARKS, QUOTE_OPENERS

# the tables are desktop.core.text's, shared with the window and the exports
OPENERS = QUOTE_OPENERS
CLOSERS = QUOTE_CLOSERS
ALL_MARKS = QUOTE_MARKS
_WORDCH = re.compile(r"\w")


@dataclass
class MarkQuote:
    """A span between quotation marks; several segments when it runs over paragraphs."""

    segments: list[tuple[int, int]]  # inner spans (marks excluded), one per paragraph
    start: int  # outer start (opening mark, or paragraph start when it was missing)
    end: int  # outer end (after the closing mark, or paragraph end)
    closed: bool = True
    words: int = 0
    used: bool = False


def _is_word(ch: str) -> bool:
    return bool(ch) and (ch.isalnum())


def _close(out: list[MarkQuote], q: MarkQuote, seg_start: int, mark: int) -> None:
    """End quote ``q`` at the closing mark at ``mark``, its last segment starting at ``seg_start``."""
    q.segments.append((seg_start, mark))
    q.end = mark + 1
    out.append(q)


def find_mark_quotes(text: str, paragraphs: list[tuple[int, int]]) -> list[MarkQuote]:
    """Pair quotation marks paragraph by paragraph (see the module docstring)."""
    original = text
    if "''" in text:
        # typewriter double quotes written as two apostrophes (''like this''): one mark
        text = text.replace("''", '" ')
    scan = _Scanner(text)
    for ps, pe in paragraphs:
        scan.paragraph(ps, pe)
    if scan.pending is not None:
        scan.out.append(scan.pending)
    text = original
    for q in scan.out:
        q.segments = [s for s in (_strip(text, a, b, _STRIP_CHARS + "'") for a, b in q.segments) if s[1] > s[0]]
        q.words = sum(len(_WORD_RE.findall(text, a, b)) for a, b in q.segments)
    return [q for q in scan.out if q.segments]


class _Scanner:
    """The state of :func:`find_mark_quotes`: the quotes found, the quote left open at a
    paragraph end (``pending``), and within a paragraph the open quote (``cur``), its mark
    family, where its current segment starts and the inner quotes open inside it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[MarkQuote] = []
        self.pending: MarkQuote | None = None
        self.pending_family = ""
        self.cur: MarkQuote | None = None
        self.family = ""
        self.seg_start = 0
        self.nested: list[str] = []
        self.had_quote = False
        self.first = 0
        self.ps = 0

    def paragraph(self, ps: int, pe: int) -> None:
        text = self.text
        self.cur, self.family, self.seg_start, self.nested, self.ps = None, "", ps, [], ps
        # a quote left open at the end of the previous paragraph continues when this one opens
        first = ps
        while first < pe and text[first] in " \t\u00a0":
            first += 1
        self.first = first
        if self.pending is not None:
            if first < pe and text[first] in OPENERS and text[first] not in "‘‚":
                self.cur, self.family = self.pending, self.pending_family
                self.seg_start = first + 1
                i = first + 1
            else:
                self.out.append(self.pending)
                i = ps
            self.pending = None
        else:
            i = ps
        self.had_quote = False
        while i < pe:
            ch = text[i]
            if ch not in ALL_MARKS:
                i += 1
                continue
            prev = text[i - 1] if i > ps else " "
            nxt = text[i + 1] if i + 1 < pe else " "
            i = self._outside(i, ch, prev, nxt) if self.cur is None else self._inside(i, ch, prev, nxt, pe)
        cur = self.cur
        if cur is not None:
            if self.family in ("single", "sguil"):
                self.cur = None  # unclosed single marks are apostrophes or scare quotes
            else:
                cur.segments.append((self.seg_start, pe))
                cur.end = pe
                cur.closed = False
                self.pending, self.pending_family = cur, self.family

    def _open(self, i: int, family: str) -> int:
        self.cur = MarkQuote(segments=[], start=i, end=i)
        self.family = family
        self.seg_start = i + 1
        self.nested = []
        return i + 1

    def _close_at(self, i: int) -> None:
        assert self.cur is not None
        _close(self.out, self.cur, self.seg_start, i)
        self.had_quote = True
        self.cur = None

    def _outside(self, i: int, ch: str, prev: str, nxt: str) -> int:
        """A mark outside any quote: an opening one, or a closing one that opens nothing."""
        if ch in OPENERS and ch != "’":
            if ch in "‘‚" and (prev.isalnum() or not nxt.isalnum()):
                return i + 1
            if ch == '"' and prev.isalnum() and not nxt.isalnum():
                return i + 1  # a stray closing straight quote
            return self._open(i, OPENERS[ch])
        if ch == "”" and not prev.isalnum() and prev not in ".,;:!?" and nxt.isalnum():
            return self._open(i, "curly")  # ” used as an opening mark
        if ch in "”»" and not self.had_quote:
            # closing mark with no opening one: the quote started with the paragraph
            self.out.append(MarkQuote(segments=[(self.first, i)], start=self.first, end=i + 1, closed=False))
            self.had_quote = True
        return i + 1

    def _inside(self, i: int, ch: str, prev: str, nxt: str, pe: int) -> int:
        """A mark inside the open quote: it closes it, opens or closes an inner quote, or is a typo."""
        family, nested = self.family, self.nested
        closers = CLOSERS[family]
        if nested and ch in CLOSERS[nested[-1]] and not (ch == "’" and nxt.isalnum()):
            nested.pop()
            return i + 1
        if ch in closers and not (family == "single" and nxt.isalnum()):
            if family == "straight" and prev in " \t\u00a0" and nxt.isalnum():
                nested.append("straight")  # an inner "..." opening
                return i + 1
            self._close_at(i)
            return i + 1
        if family == "curly" and ch == "“" and not prev.isalnum() and nxt.isalnum() and not nested:
            step = self._curly_inside(i, prev, pe)
            if step is not None:
                return step
        if ch in OPENERS and ch not in ("’",) and OPENERS[ch] != family:
            if ch in "‘‚" and (prev.isalnum() or not nxt.isalnum()):
                return i + 1
            if ch == '"' and not (prev in " \t\u00a0(—–-" and nxt.isalnum()):
                if family != "single" and not nested:
                    self._close_at(i)  # a straight mark closing a curly quote (“…" typos)
                return i + 1
            nested.append(OPENERS[ch])
        elif ch in DOUBLE_CLOSERS and family not in ("single",) and ch not in closers:
            # a closing mark of another double style (“…» typos): close unless nested
            self._close_at(i)
        return i + 1

    def _curly_inside(self, i: int, prev: str, pe: int) -> int | None:
        """Another “ inside a curly quote: an inner quote in curly style is unusual, so it is more
        likely a missing closing mark when it follows sentence end punctuation."""
        text, cur = self.text, self.cur
        assert cur is not None
        if text[max(self.ps, i - 2):i].strip()[-1:] in ".?!":
            cur.segments.append((self.seg_start, i))
            cur.end = i
            cur.closed = False
            self.out.append(cur)
            self.cur = MarkQuote(segments=[], start=i, end=i)
            self.seg_start = i + 1
            return i + 1
        if prev == " " and _closes_before(text, i + 1, pe, "”", "“"):
            # “... what he calls “hell” than ...”: curly marks used for an inner quote
            self.nested.append("curly")
            return i + 1
        return None


def _closes_before(text: str, start: int, end: int, closer: str, opener: str) -> bool:
    """Whether the paragraph from ``start`` holds two more ``closer`` marks than ``opener`` marks
    before ``end``: an inner quotation closes, then the outer one."""
    seg = text[start:end]
    return seg.count(closer) - seg.count(opener) >= 2


_WORD_RE = re.compile(r"\w+")
_STRIP_CHARS = " \t\r\n\u00a0,;:–—―-"


def _strip(text: str, start: int, end: int, chars: str = _STRIP_CHARS) -> tuple[int, int]:
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end
