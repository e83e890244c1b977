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
    out: list[MarkQuote] = []
    pending: MarkQuote | None = None  # a quote left open at a paragraph end
    pending_family = ""
    for ps, pe in paragraphs:
        cur: MarkQuote | None = None
        family = ""
        seg_start = ps
        nested: list[str] = []
        # a quote left open at the end of the previous paragraph continues when this one opens
        first = ps
        while first < pe and text[first] in " \t\u00a0":
            first += 1
        if pending is not None:
            if first < pe and text[first] in OPENERS and text[first] not in "‘‚":
                cur, family = pending, pending_family
                seg_start = first + 1
                i = first + 1
            else:
                out.append(pending)
                i = ps
            pending = None
        else:
            i = ps
        had_quote = False
        while i < pe:
            ch = text[i]
            if ch not in ALL_MARKS:
                i += 1
                continue
            prev = text[i - 1] if i > ps else " "
            nxt = text[i + 1] if i + 1 < pe else " "
            if cur is None:
                # opening?
                if ch in OPENERS and ch != "’":
                    if ch in "‘‚" and (prev.isalnum() or not nxt.isalnum()):
                        i += 1
                        continue
                    if ch == '"' and prev.isalnum() and not nxt.isalnum():
                        i += 1  # a stray closing straight quote
                        continue
                    cur = MarkQuote(segments=[], start=i, end=i)
                    family = OPENERS[ch]
                    seg_start = i + 1
                    nested = []
                    i += 1
                    continue
                if ch == "”" and not prev.isalnum() and prev not in ".,;:!?" and nxt.isalnum():
                    cur = MarkQuote(segments=[], start=i, end=i)  # ” used as an opening mark
                    family = "curly"
                    seg_start = i + 1
                    nested = []
                    i += 1
                    continue
                if ch in "”»" and not had_quote:
                    # closing mark with no opening one: the quote started with the paragraph
                    q = MarkQuote(segments=[(first, i)], start=first, end=i + 1, closed=False)
                    out.append(q)
                    had_quote = True
                i += 1
                continue
            # inside a quote
            closers = CLOSERS[family]
            if nested:
                top = nested[-1]
                if ch in CLOSERS[top] and not (ch == "’" and nxt.isalnum()):
                    nested.pop()
                    i += 1
                    continue
            if ch in closers and not (family == "single" and nxt.isalnum()):
                if family == "straight" and prev in " \t\u00a0" and nxt.isalnum():
                    nested.append("straight")  # an inner "..." opening
                    i += 1
                    continue
                _close(out, cur, seg_start, i)
                had_quote = True
                cur = None
                i += 1
                continue
            if family == "curly" and ch == "“" and not prev.isalnum() and nxt.isalnum() and not nested:
                # another opening mark inside: an inner quote in curly style is unusual, so it is
                # more likely a missing closing mark when it follows sentence end punctuation
                if text[max(ps, i - 2):i].strip()[-1:] in ".?!":
                    cur.segments.append((seg_start, i))
                    cur.end = i
                    cur.closed = False
                    out.append(cur)
                    cur = MarkQuote(segments=[], start=i, end=i)
                    seg_start = i + 1
                    i += 1
                    continue
                if prev == " " and _closes_before(text, i + 1, pe, "”", "“"):
                    # “... what he calls “hell” than ...”: curly marks used for an inner quote
                    nested.append("curly")
                    i += 1
                    continue
            if ch in OPENERS and ch not in ("’",) and OPENERS[ch] != family:
                if ch in "‘‚" and (prev.isalnum() or not nxt.isalnum()):
                    i += 1
                    continue
                if ch == '"' and not (prev in " \t\u00a0(—–-" and nxt.isalnum()):
                    if family != "single" and not nested:
                        # a straight mark closing a curly quote (“…" typos)
                        _close(out, cur, seg_start, i)
                        had_quote = True
                        cur = None
                    i += 1
                    continue
                nested.append(OPENERS[ch])
            elif ch in DOUBLE_CLOSERS and family not in ("single",) and ch not in closers:
                # a closing mark of another double style (“…» typos): close unless nested
                _close(out, cur, seg_start, i)
                had_quote = True
                cur = None
            i += 1
        if cur is not None:
            if family in ("single", "sguil"):
                cur = None  # unclosed single marks are apostrophes or scare quotes
            else:
                cur.segments.append((seg_start, pe))
                cur.end = pe
                cur.closed = False
                pending, pending_family = cur, family
    if pending is not None:
        out.append(pending)
    text = original
    for q in out:
        q.segments = [s for s in (_strip(text, a, b, _STRIP_CHARS + "'") for a, b in q.segments) if s[1] > s[0]]
        q.words = sum(len(_WORD_RE.findall(text, a, b)) for a, b in q.segments)
    return [q for q in out if q.segments]


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
