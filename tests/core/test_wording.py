"""The one plural helper every count of the window and the CLI goes through."""

from __future__ import annotations

from desktop.cli.common import plural as cli_plural
from desktop.core.wording import plural, plural_word


def test_counts_read_as_english():
    assert [plural(n, "article") for n in (0, 1, 2)] == ["0 articles", "1 article", "2 articles"]
    assert plural(1, "entity") == "1 entity" and plural(3, "entity") == "3 entities"
    assert plural(2, "match") == "2 matches" and plural(2, "process") == "2 processes"
    assert plural(2, "day") == "2 days" and plural_word(2, "is") == "are"
    assert plural(2, "entity mention") == "2 entity mentions"
    assert plural(2, "datum", "data") == "2 data"
    assert cli_plural is plural  # the command line says counts the same way
