"""The one key map: the README's key table is written from it."""

from __future__ import annotations

import re

from desktop.app import keymap
from tests.conftest import REPO

START, END = "<!-- keymap: written from desktop/app/keymap.py, markdown_table() -->", "<!-- /keymap -->"


def test_readme_key_table_is_the_keymap():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(re.escape(START) + r"\n(.*?)" + re.escape(END), readme, re.S)
    assert match, "README.md lost its keymap markers"
    assert match.group(1) == keymap.markdown_table(), (
        "README's key table differs from desktop/app/keymap.py: paste keymap.markdown_table() between the markers")


def test_every_binding_is_unique_and_says_where():
    actions = [b.action for b in keymap.KEYMAP]
    assert len(actions) == len(set(actions))
    assert all(b.where and b.what and (b.keys or b.shown) for b in keymap.KEYMAP)
    assert keymap.shortcut("annotate.accept") == "Return" and keymap.shortcut("help.about") == ""
    view_keys = [k for b in keymap.view_bindings() for k in b.keys]
    assert len(view_keys) == len(set(view_keys))
