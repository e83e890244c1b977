"""Article metadata the hand-written rules of :mod:`desktop.core.importers` cannot read alone:
dates in other styles and languages (``dateparser``) and the outlet behind a URL (``courlan``).

Both libraries come with trafilatura.  ``dateparser`` is slow to import (about half a second) and
to call (milliseconds; seconds when it has to guess the language), so it is imported lazily and
asked only about a line the fast rules (:func:`desktop.core.importers.parse_date`) did not read
and that looks like a date: at most :data:`MAX_DATE_WORDS` words, of which one to
:data:`MAX_DATE_NAMES` hold letters (a month name; a headline has more), a four-digit year, a one-
or two-digit day, and no all-numeric ``d/m/y`` (which the fast rules read when they can and refuse
when day and month could be either: dateparser would guess).  It parses with
:data:`DATE_LANGUAGES` only, strictly (day, month and year all required, no relative dates such as
"2 days ago"), and its answer is kept only when that year and day are written in the line.  A
leading "First published on", "Last modified on", "Updated:"... is dropped first
(``Last modified on 21 janvier 2022``), and so is the time of day; answers are cached, and a
wording dateparser has read once (``# января #``, a month name between two numbers) is read again
without it.

``outlet_of(url)`` is the registered domain of the URL's host by the Public Suffix List (through
courlan): ``edition.cnn.com`` -> ``cnn.com``, ``www.bbc.co.uk`` and ``m.bbc.co.uk`` ->
``bbc.co.uk``, ``amp.theguardian.com`` -> ``theguardian.com``; a site on a blog host keeps its own
name (``x.blogspot.com``, and ``x.substack.com`` for the hosts in :data:`BLOG_HOSTS`).  A host the
list does not know (``localhost``, an IP address) is the host itself, without ``www.``.

Plain Python: no Qt, no spaCy.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from typing import Any
from urllib.parse import urlsplit

__all__ = ["BLOG_HOSTS", "DATE_LANGUAGES", "MAX_DATE_NAMES", "MAX_DATE_WORDS", "host_of", "iso_date", "outlet_of", "parse_date_any"]

#: The languages dateparser is asked to read (naming them spares it guessing, the slow part).
DATE_LANGUAGES = ("en", "ru", "uk", "de", "fr", "es", "it", "pt", "nl", "pl", "tr", "zh", "ja")
#: A line with more words than this is a sentence, never a date line.
MAX_DATE_WORDS = 8
#: ... and so is one with more words in letters (weekday, month, time zone, "de", "г.") than this.
MAX_DATE_NAMES = 4
#: Hosts whose subdomains are separate publications, which the Public Suffix List does not list.
BLOG_HOSTS = frozenset({"substack.com", "medium.com", "wordpress.com", "tumblr.com", "ghost.io",
                        "livejournal.com", "typepad.com", "squarespace.com"})

_YEAR_RE = re.compile(r"(?<![0-9])(1[0-9]|2[0-9])[0-9]{2}(?![0-9])")
_DAY_RE = re.compile(r"(?<![0-9])[0-9]{1,2}(?![0-9])")
_NUMERIC_DATE_RE = re.compile(r"[0-9]+\s*[-/.]\s*[0-9]+\s*[-/.]\s*[0-9]+")
_TIME_RE = re.compile(r"(?<![0-9])[0-9]{1,2}[:.][0-9]{2}(?::[0-9]{2})?(?![0-9.])(?:\s*[ap]\.?\s?m\b\.?)?", re.I)
_LEAD_RE = re.compile(
    r"^(?:(?:first|last|originally)\s+)?(?:published|modified|updated|posted)(?:\s+(?:on|at))?\s*[:\-–—]?\s*", re.I)


def _looks_like_a_date(line: str) -> bool:
    words = line.split()
    in_letters = sum(any(ch.isalpha() for ch in w) for w in words)
    return (len(words) <= MAX_DATE_WORDS and 1 <= in_letters <= MAX_DATE_NAMES
            and _YEAR_RE.search(line) is not None and _DAY_RE.search(line) is not None
            and _NUMERIC_DATE_RE.search(line) is None)


@functools.lru_cache(maxsize=1)
def _date_parser() -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(languages=list(DATE_LANGUAGES), settings={
        "STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DATES_FROM": "past", "DATE_ORDER": "DMY"})


def parse_date_any(line: str) -> str | None:
    """``YYYY-MM-DD`` for a date line in another style or language than the fast rules read
    (``21 января 2022``, ``21. Januar 2022``, ``2022年1月21日``), else None (see the module's docs).

    The time of day is dropped before dateparser sees the line (it does not change the date, since
    nothing is moved between time zones), so the articles of one day share one cached answer."""
    s = _TIME_RE.sub(" ", _LEAD_RE.sub("", line.strip(), count=1))
    s = " ".join(s.split()).strip(",;|-–— ")
    if not s or len(s) > 64 or not _looks_like_a_date(s):
        return None
    return _parse_date_line(s)


#: What dateparser said about a wording (the line with each number written ``#``) whose month is a
#: word: ``"# января #"`` -> (month 1, the day is the first number, the year the second).  A line of
#: a learnt wording is read without dateparser (a corpus has few wordings, and many days).
_WORDINGS: dict[str, tuple[int, int, int]] = {}
_NUMBER_RE = re.compile(r"[0-9]+")


@functools.lru_cache(maxsize=4096)
def _parse_date_line(s: str) -> str | None:
    numbers = [int(n) for n in _NUMBER_RE.findall(s)]
    wording = _NUMBER_RE.sub("#", s)
    if (learnt := _WORDINGS.get(wording)) is not None:
        month, day_index, year_index = learnt
        return iso_date(numbers[year_index], month, numbers[day_index])
    try:
        found = _date_parser().get_date_data(s).date_obj
    except Exception:  # dateparser's own failure on an odd line: not a date
        return None
    if found is None or not 1000 <= found.year <= 2999:
        return None
    day_at = [i for i, n in enumerate(numbers) if n == found.day]
    year_at = [i for i, n in enumerate(numbers) if n == found.year]
    if not day_at or not year_at:
        return None  # a year or day the line does not write: dateparser filled it in
    if len(day_at) == 1 and len(year_at) == 1 and found.month not in numbers and len(_WORDINGS) < 4096:
        _WORDINGS[wording] = (found.month, day_at[0], year_at[0])
    return found.date().isoformat()


def iso_date(year: int, month: int, day: int) -> str | None:
    """``YYYY-MM-DD`` for a real day of a year from 1000 to 2999, else None."""
    if not 1000 <= year <= 2999:
        return None
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def host_of(url: str) -> str | None:
    """The host of ``url`` (a scheme is optional), lowercase, without ``www.``; None if it has none."""
    if not re.match(r"[a-z][a-z0-9+.-]*://", url, re.I):
        url = "http://" + url
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def outlet_of(url: str) -> str | None:
    """The outlet a URL belongs to: its host's registered domain (see the module's docs)."""
    host = host_of(url)
    return None if host is None else _outlet_of_host(host)


@functools.lru_cache(maxsize=4096)
def _outlet_of_host(host: str) -> str:
    """Cached by host: a corpus has few outlets, and courlan takes about a millisecond a URL."""
    from courlan import extract_domain

    try:
        domain = extract_domain("http://" + host)
    except Exception:  # courlan's own failure on an odd host: keep the host
        domain = None
    if not domain or domain in BLOG_HOSTS:
        return host
    return domain
