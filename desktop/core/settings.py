"""Project settings: what a project knows about its publisher, kept in the project file.

Plain Python (no Qt, no spaCy).  The settings are rows of the ``settings`` table (schema 6), read
with :meth:`desktop.core.store.Store.settings` and changed only by the
:class:`desktop.core.edits.SetSetting` edit (undo, redo and history like any other edit);
``claimdesk settings PROJECT [KEY [VALUE] | --unset KEY]`` shows and sets them.

Keys
====

``publisher.name``
    The organisation that publishes the fact checks ("Full Fact"): a ClaimReview's ``author``
    (an ``Organization``).
``publisher.url``
    Its home page (``https://fullfact.org/``): the author's ``url``.  An ``http``/``https`` address.
``claimreview.url``
    The address of the page that publishes a claim's fact check, as a pattern: ``{document}`` is
    replaced by the document's id (percent-encoded) and ``{claim}`` by the claim's number in the
    project (``https://fullfact.org/check/{document}#claim-{claim}``).  Google requires this
    ``url`` on every ClaimReview, on the domain of the page that carries the markup.

``claims.threshold``
    The check-worthiness score (0 to 1) a sentence needs to become a claim suggestion when the
    project is pre-annotated (:mod:`desktop.nlp.checkworthy`); unset, :data:`DEFAULT_CLAIM_THRESHOLD`.
    1 suggests no claims; 0 suggests every sentence.

``guidelines``
    The project's own annotation guidelines, Markdown (Help ▸ Annotation Guidelines ▸ Edit…); unset,
    the project uses the shipped ones (``resources/guidelines/en.md``, :mod:`desktop.app.guidelines`).
    Like every setting it travels in the project file and in a JSONL copy of the project.

Every value but the guidelines is one line of text; the URLs must be ``http``/``https`` addresses
with a host.  The guidelines are any text (no NUL) up to :data:`GUIDELINES_MAX_CHARS`.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

__all__ = ["CLAIM_THRESHOLD", "DEFAULT_CLAIM_THRESHOLD", "GUIDELINES", "GUIDELINES_MAX_CHARS", "KEYS", "SETTINGS",
           "SettingError", "check_setting", "claim_threshold", "claimreview_url", "web_url"]

#: The one-line settings and what they are (``claimdesk settings --help`` and the README list these;
#: a ClaimReview export needs all three).
SETTINGS: dict[str, str] = {
    "publisher.name": "the organisation that publishes the fact checks (ClaimReview author)",
    "publisher.url": "its home page, an http(s) address (ClaimReview author url)",
    "claimreview.url": "the fact-check page address; {document} and {claim} are filled in (ClaimReview url)",
}
#: The key of the claim suggestions' threshold, and its value when unset.
CLAIM_THRESHOLD = "claims.threshold"
DEFAULT_CLAIM_THRESHOLD = 0.6
#: The key of the project's own annotation guidelines (Markdown, several lines; set from the window).
GUIDELINES = "guidelines"
GUIDELINES_MAX_CHARS = 1_000_000
#: Every key a project may hold.
KEYS: tuple[str, ...] = (*SETTINGS, CLAIM_THRESHOLD, GUIDELINES)
_URL_KEYS = ("publisher.url", "claimreview.url")
_PLACEHOLDERS = ("{document}", "{claim}")


class SettingError(ValueError):
    """A key that is not a setting, or a value the setting cannot take (one line)."""


def web_url(url: str | None) -> str | None:
    """``url`` if it is an ``http``/``https`` address with a host (as a browser would read it),
    else None: ``javascript:``, ``data:``, ``file:`` and the like never reach a published record."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip(" \t\n\r\f\v\0"))
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def check_setting(key: str, value: str) -> str:
    """The value to store for ``key`` (stripped), or :class:`SettingError`."""
    if key not in KEYS:
        raise SettingError(f"unknown setting {key!r}; the settings are {', '.join(SETTINGS)}")
    if not isinstance(value, str) or not value.strip():
        raise SettingError(f"{key} needs a value (use --unset to remove it)")
    value = value.strip()
    if key == GUIDELINES:
        if "\x00" in value:
            raise SettingError(f"{key} must not hold a NUL character")
        if len(value) > GUIDELINES_MAX_CHARS:
            raise SettingError(f"{key} is {len(value):,} characters; the most is {GUIDELINES_MAX_CHARS:,}")
        return value
    if any(c in value for c in "\r\n\x00"):
        raise SettingError(f"{key} must be one line")
    if key == CLAIM_THRESHOLD:
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if not 0 <= number <= 1:
            raise SettingError(f"{key} must be a number from 0 to 1, not {value!r}")
        return value
    if key in _URL_KEYS:
        probe = value
        for placeholder in _PLACEHOLDERS:
            probe = probe.replace(placeholder, "x")
        if web_url(probe) is None or any(c.isspace() for c in probe):
            raise SettingError(f"{key} must be an http:// or https:// address with a host, not {value!r}")
    return value


def claimreview_url(pattern: str | None, document: str, claim: int) -> str | None:
    """The fact-check page of one claim from the ``claimreview.url`` pattern, or None without one."""
    if not pattern:
        return None
    url = pattern.replace("{document}", quote(document, safe="")).replace("{claim}", str(claim))
    return web_url(url)


def claim_threshold(value: str | None) -> float:
    """The claim suggestions' threshold from the stored ``claims.threshold`` (None: the default)."""
    try:
        number = float(value) if value is not None else DEFAULT_CLAIM_THRESHOLD
    except ValueError:
        return DEFAULT_CLAIM_THRESHOLD
    return number if 0 <= number <= 1 else DEFAULT_CLAIM_THRESHOLD
