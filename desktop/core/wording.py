"""How the window and the command line say a count: ``plural(1, "article")`` is "1 article",
``plural(2, "article")`` "2 articles" (one helper, so no face writes "1 articles" or "article(s)")."""

from __future__ import annotations

__all__ = ["plural", "plural_word"]

_IRREGULAR = {"was": "were", "is": "are", "has": "have", "this": "these", "it": "they"}


def plural_word(n: int, word: str, many: str | None = None) -> str:
    """``word`` as it goes with the count ``n``: itself for 1, else ``many`` or the regular
    English plural (entity → entities, match → matches, document → documents)."""
    if n == 1:
        return word
    if many is not None:
        return many
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and ``word`` with the right number: "1 article", "2 articles", "0 entities"."""
    return f"{n} {plural_word(n, word, many)}"
