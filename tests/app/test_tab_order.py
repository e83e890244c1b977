"""Where Tab goes: from the selected span or the cursor, in reading order, through one layer."""

from __future__ import annotations

from types import SimpleNamespace

from desktop.app import tab_order as T


def sp(layer: str, i: int, start: int, end: int, suggested: bool = False):
    return SimpleNamespace(key=(layer, i), start=start, end=end, suggested=suggested)


# an article: an entity, a quote (with its speaker part) holding an entity, a claim, two entities
SPANS = [
    sp("mention", 1, 0, 6),
    sp("quote", 10, 20, 60, True), sp("speaker", 10, 62, 68), sp("mention", 2, 30, 36, True),
    sp("claim", 20, 70, 100), sp("mention", 3, 62, 68), sp("mention", 4, 110, 115, True),
]


def test_from_the_cursor_the_next_and_previous_span_of_the_layer():
    assert T.step(SPANS, None, 25, 1, "entities") == T.Step(("mention", 2), layer="entities")
    assert T.step(SPANS, None, 25, -1, "entities").key == ("mention", 1)
    assert T.step(SPANS, None, 30, 1, "entities").key == ("mention", 2)  # one starting at the cursor is next
    assert T.step(SPANS, None, 25, 1, "quotes").key is not None  # wraps to the only quote
    assert T.step(SPANS, None, 65, 1, "claims").key == ("claim", 20)
    assert T.step(SPANS, None, 65, -1, "all").key == ("mention", 3)


def test_from_the_selected_span_its_own_layer_and_quotes_are_skipped():
    assert T.step(SPANS, ("mention", 1), 0, 1).key == ("mention", 2)  # not the quote at 20
    assert T.step(SPANS, ("mention", 2), 0, 1).key == ("mention", 3)
    assert T.step(SPANS, ("mention", 3), 0, -1).key == ("mention", 2)
    # the cursor does not matter while a span is selected
    assert T.step(SPANS, ("mention", 2), 500, 1).key == ("mention", 3)
    # a quote's speaker part steps through quotes; a claim through claims
    assert T.step(SPANS, ("speaker", 10), 0, 1) == T.Step(("quote", 10), True, "quotes")
    assert T.step(SPANS, ("claim", 20), 0, 1) == T.Step(("claim", 20), True, "claims")


def test_a_chosen_layer_wins_over_the_selection_and_all_layers_interleave_in_reading_order():
    assert T.step(SPANS, ("mention", 1), 0, 1, "quotes").key == ("quote", 10)
    assert T.step(SPANS, ("quote", 10), 0, 1, "entities").key == ("mention", 2)  # inside the quote
    order, key = [], None
    for _ in range(6):
        key = T.step(SPANS, key, 0, 1, "all").key
        order.append(key)
    assert order == [("mention", 1), ("quote", 10), ("mention", 2), ("mention", 3), ("claim", 20), ("mention", 4)]
    # nothing selected, "follow the selection": all layers
    assert T.step(SPANS, None, 15, 1).key == ("quote", 10)
    assert T.layer_of(T.FOLLOW, None) == "all" and T.layer_of(T.FOLLOW, ("cue", 1)) == "quotes"


def test_the_longer_span_comes_first_when_two_start_together():
    spans = [sp("mention", 5, 10, 15), sp("mention", 6, 10, 30), sp("mention", 7, 10, 15)]
    keys, key = [], None
    for _ in range(3):
        key = T.step(spans, key, 0, 1, "entities").key
        keys.append(key)
    assert keys == [("mention", 6), ("mention", 5), ("mention", 7)]
    assert T.step(spans, ("mention", 6), 0, -1) == T.Step(("mention", 7), True, "entities")


def test_wraps_at_the_ends_of_the_article_and_says_so():
    assert T.step(SPANS, ("mention", 4), 0, 1) == T.Step(("mention", 1), True, "entities")
    assert T.step(SPANS, ("mention", 1), 0, -1) == T.Step(("mention", 4), True, "entities")
    assert T.step(SPANS, None, 200, 1, "entities") == T.Step(("mention", 1), True, "entities")
    assert T.step(SPANS, None, 0, -1, "entities") == T.Step(("mention", 4), True, "entities")
    assert T.step([], None, 0, 1) == T.Step(None)
    assert T.step(SPANS[:1], None, 0, 1, "claims") == T.Step(None, layer="claims")


def test_suggestions_only_is_what_accepting_moves_on_to():
    assert T.step(SPANS, ("mention", 2), 0, 1, suggestions_only=True).key == ("mention", 4)
    assert T.step(SPANS, ("mention", 4), 0, 1, suggestions_only=True) == T.Step(("mention", 2), True, "entities")
    assert T.step(SPANS, ("claim", 20), 0, 1, suggestions_only=True) == T.Step(None, layer="claims")
