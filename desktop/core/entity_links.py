"""Which canonical entity a span of text names: the name matching the core's bookkeeping rules
(:mod:`desktop.core.edits`) and :mod:`desktop.core.invariants` share.

Pure functions only (no store, no spaCy): ``name_key`` is the normalisation the entity
clustering in ``desktop.nlp.entities`` starts from, so an editor's span and a model's cluster
agree on what "the same name" is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable


def name_key(text: str) -> str:
    """``"The U.S.'s"`` -> ``"us"``: NFKC, curly apostrophes straightened, periods removed,
    casefolded, whitespace collapsed, a final "'s" and a leading "the " dropped."""
    s = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    s = s.replace(".", "").casefold()
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"'s$", "", s)
    s = re.sub(r"^the ", "", s)
    return s


def display_name(text: str) -> str:
    """The name a new entity gets from a span: NFKC, straight apostrophes, one space per run."""
    s = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", s).strip()


def names_match(surface: str, name: str, aliases: Iterable[str] = ()) -> bool:
    """Whether ``surface`` is ``name`` or one of its ``aliases`` (compared by :func:`name_key`)."""
    key = name_key(surface)
    return bool(key) and any(name_key(n) == key for n in (name, *aliases))
