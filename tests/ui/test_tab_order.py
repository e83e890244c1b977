"""Issue 13 item 2: Tab and Shift+Tab step from where the editor is, through one layer."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.core import edits as E
from tests.ui.test_main_window import click_span, key, mention_at, offsets

pytestmark = pytest.mark.gui

SHIFT = Qt.KeyboardModifier.ShiftModifier


def _mention(window, needle: str, nth: int = 0, label: str = "PERSON") -> int:
    window.do(E.AddMention(window.doc_id, *offsets(window, needle, nth), label))
    return mention_at(window, *offsets(window, needle, nth)).id


def _choose(window, layer: str) -> None:
    """View ▸ Tab Through ▸ ``layer``, as a click in the menu does."""
    window.findChild(type(window.actions_by_id["view.zoom_in"]), f"view.tab_through.{layer}").trigger()


def test_tab_from_the_cursor_selects_the_next_span_of_the_layer_and_shift_tab_the_previous(qtbot, window):
    suggested = {m.start: m.id for m in window.store.mentions(window.doc_id)}  # Blinken, Lavrov, Geneva
    blinken, lavrov, geneva = (suggested[offsets(window, s)[0]] for s in ("Antony Blinken", "Sergey Lavrov", "Geneva"))
    quote = E.created_ids(window.do(E.AddQuote(window.doc_id, (offsets(window, "met on Friday in Geneva"),))),
                          "quotes")[0]
    _choose(window, "entities")
    middle = offsets(window, "met on Friday")[0]  # after Sergey Lavrov, before the quote and Geneva
    window.view.set_selection(middle, middle)
    key(qtbot, window, Qt.Key.Key_Tab)
    assert window.view.selected_key() == ("mention", geneva)  # not the first entity, not the quote
    key(qtbot, window, Qt.Key.Key_Tab, SHIFT)
    assert window.view.selected_key() == ("mention", lavrov)  # from the selected span now
    key(qtbot, window, Qt.Key.Key_Escape)  # nothing selected: from the cursor again
    window.view.set_selection(middle, middle)
    key(qtbot, window, Qt.Key.Key_Backtab, SHIFT)
    assert window.view.selected_key() == ("mention", lavrov)
    key(qtbot, window, Qt.Key.Key_Backtab, SHIFT)
    assert window.view.selected_key() == ("mention", blinken)
    key(qtbot, window, Qt.Key.Key_Backtab, SHIFT)  # round the start of the article
    assert window.view.selected_key() == ("mention", geneva)
    assert "last of the article's entities" in window.statusBar().currentMessage()
    _choose(window, "quotes")
    key(qtbot, window, Qt.Key.Key_Tab)
    assert window.view.selected_key() == ("quote", quote)
    assert window.settings.value("tab_through") == "quotes"


def test_with_an_entity_selected_tab_skips_quotes_unless_all_layers_are_chosen(qtbot, window):
    before = _mention(window, "Lavrov said during the meeting")
    quote = E.created_ids(window.do(E.AddQuote(window.doc_id, (offsets(
        window, "What we expect is concrete answers to our concrete proposals"),), type="direct")), "quotes")[0]
    after = _mention(window, "Blinken did tell")
    click_span(qtbot, window, ("mention", before))
    key(qtbot, window, Qt.Key.Key_Tab)
    assert window.view.selected_key() == ("mention", after)  # the quote between them is skipped
    key(qtbot, window, Qt.Key.Key_Tab, SHIFT)
    assert window.view.selected_key() == ("mention", before)
    click_span(qtbot, window, ("quote", quote))  # a quote selected: Tab goes through quotes
    key(qtbot, window, Qt.Key.Key_Tab)
    assert window.view.selected_key() == ("quote", quote)  # the only one: round the article to it
    _choose(window, "all")
    click_span(qtbot, window, ("mention", before))
    key(qtbot, window, Qt.Key.Key_Tab)
    assert window.view.selected_key() == ("quote", quote)
    key(qtbot, window, Qt.Key.Key_Tab)
    assert window.view.selected_key() == ("mention", after)
