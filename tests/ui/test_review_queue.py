"""Issue 13 item 1 through the real window: View ▸ Show filters the article's spans; the Review
dock lists the review queue; F8 / Shift+F8 walk it across articles; Enter in the dock opens an item."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.core import edits as E

from .test_main_window import key, offsets

pytestmark = pytest.mark.gui


def shown(win) -> set:
    """The keys of the article's spans the view draws now (highlights, claims as an overlay)."""
    return {sp.key for sp in win.article_spans.items if win.view.span_rects(sp.key)}


def show(win, mode: str) -> None:
    """Choose View ▸ Show ▸ … as a person would: open the menu (it lists the labels), trigger."""
    win.span_filter.menu.aboutToShow.emit()
    action = win.span_filter.menu.findChild(type(win.span_filter.actions["all"]), f"view.show.{mode}")
    assert action is not None and action.isCheckable()
    action.trigger()
    assert action.isChecked()


def suggestions(win) -> dict[str, int]:
    """The first article's model suggestions by text: Antony Blinken, Sergey Lavrov (ORG), Geneva."""
    return {win.text[m.start:m.end]: m.id for m in win.store.mentions(win.doc_id) if m.prov.status == "suggested"}


def test_view_show_filters_what_the_article_highlights_across_edits_and_articles(qtbot, window, tmp_path):
    sugg = suggestions(window)
    window.view.set_selection(*offsets(window, "Lavrov", 0))  # "Blinken told Lavrov": an editor's PERSON
    key(qtbot, window, Qt.Key.Key_1)
    editor = next(m.id for m in window.store.mentions(window.doc_id) if m.prov.origin == "editor")
    window.view.set_selection(*offsets(window, "We dont expect to resolve our differences here today."))
    key(qtbot, window, Qt.Key.Key_Q)
    quote = window.store.quotes(window.doc_id)[0].id
    window.view.set_selection(*offsets(window, "This is a critical moment."))
    key(qtbot, window, Qt.Key.Key_C)
    claim = window.store.claims(window.doc_id)[0].id
    key(qtbot, window, Qt.Key.Key_Escape)
    everything = shown(window)
    assert {("mention", editor), ("quote", quote), ("claim", claim)} | {("mention", i) for i in sugg.values()} \
        <= everything

    show(window, "suggestions")
    assert shown(window) == {("mention", i) for i in sugg.values()}
    assert window.span_filter.label.isVisible() and window.span_filter.label.text() == "Showing only suggestions"
    show(window, "editor")
    assert shown(window) == {("mention", editor), ("quote", quote), ("claim", claim)}
    show(window, "quotes")
    assert shown(window) == {("quote", quote)}
    show(window, "claims")
    assert shown(window) == {("claim", claim)}
    show(window, "label:PERSON")
    assert shown(window) == {("mention", editor), ("mention", sugg["Antony Blinken"])}
    assert window.span_filter.label.text() == "Showing only PERSON"
    window.grab().save(str(tmp_path / "filtered.png"))

    # it lasts across articles
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    other = window.doc_id
    window.view.set_selection(*offsets(window, "Blinken", 0))
    key(qtbot, window, Qt.Key.Key_2)  # ORG: hidden at once (nothing selected keeps it)
    key(qtbot, window, Qt.Key.Key_Escape)
    assert all(k[0] == "mention" and window.store.mention(k[1]).label == "PERSON" for k in shown(window))
    qtbot.keyClick(window.view, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.doc_id != other
    assert shown(window) == {("mention", editor), ("mention", sugg["Antony Blinken"])}

    # the selected span's own editing is never hidden: relabelled ORG, it stays while selected
    window.select_key(("mention", sugg["Antony Blinken"]))
    key(qtbot, window, Qt.Key.Key_2)
    assert window.store.mention(sugg["Antony Blinken"]).label == "ORG"
    assert window.view.selected_key() == ("mention", sugg["Antony Blinken"])
    assert ("mention", sugg["Antony Blinken"]) in shown(window)
    key(qtbot, window, Qt.Key.Key_Escape)
    show(window, "label:PERSON")  # chosen again: the filter applies anew
    assert shown(window) == {("mention", editor)}

    show(window, "all")
    assert shown(window) == everything
    assert not window.span_filter.label.isVisible()


def test_f8_walks_the_review_queue_across_articles_and_follows_edits(qtbot, window):
    sugg = suggestions(window)  # three unlinked suggestions in the first article
    hill = window.doc_id
    doc2 = window.store.documents()[1]
    start, end = (doc2.text.index("the talks were only one step"),) * 2
    window.do(E.AddQuote(doc2.id, ((start, start + 28),), origin="import"))  # no speaker, in the next article
    quote = window.store.quotes(doc2.id)[0].id
    key(qtbot, window, Qt.Key.Key_Escape)

    def f8(shift=False):
        qtbot.keyClick(window.view, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier if shift
                       else Qt.KeyboardModifier.NoModifier)
        return window.doc_id, window.view.selected_key()

    assert f8() == (hill, ("mention", sugg["Antony Blinken"]))
    assert "Mention not linked to an entity" in window.statusBar().currentMessage()
    assert f8() == (hill, ("mention", sugg["Sergey Lavrov"]))
    assert f8() == (hill, ("mention", sugg["Geneva"]))
    assert f8() == (doc2.id, ("quote", quote))  # the next item is in another article
    assert window.quotes_panel.quote_id() == quote
    assert f8(shift=True) == (hill, ("mention", sugg["Geneva"]))

    # the queue follows the project: a rejected suggestion is no item any more
    window.do(E.SetStatus("mentions", (sugg["Sergey Lavrov"],), "rejected"))
    window.select_key(("mention", sugg["Antony Blinken"]))
    assert f8() == (hill, ("mention", sugg["Geneva"]))


def test_the_review_dock_counts_kinds_and_enter_opens_an_item_even_when_filtered(qtbot, window, tmp_path):
    doc2 = window.store.documents()[1]
    start = doc2.text.index("the talks were only one step")
    window.do(E.AddQuote(doc2.id, ((start, start + 28),), origin="import"))
    quote = window.store.quotes(doc2.id)[0].id
    panel = window.review_panel
    window.review_dock.show()
    qtbot.waitUntil(lambda: panel.kinds.item(0).text() == "All kinds (4)", timeout=30_000)
    assert panel.kinds.item(2).text() == "Quote without a speaker (1)"
    assert panel.kinds.item(3).text() == "Mention not linked to an entity (3)"
    panel.grab().save(str(tmp_path / "review-dock.png"))

    show(window, "claims")  # the quote is hidden in its article …
    panel.kinds.setCurrentRow(2)
    assert panel.model.rowCount() == 1
    assert panel.model.data(panel.model.index(0, 1)) == "the talks were only one step"
    assert panel.model.data(panel.model.index(0, 2)) == "the quote has no speaker"
    panel.table.setFocus()
    panel.table.setCurrentIndex(panel.model.index(0, 0))
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert window.doc_id == doc2.id  # … and Enter shows and selects it all the same
    assert window.view.selected_key() == ("quote", quote)
    assert ("quote", quote) in shown(window)
    window.show_document(window.store.documents()[0].id)  # elsewhere; a double-click opens it too
    rect = panel.table.visualRect(panel.model.index(0, 1))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a double-click's
    qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # first press
    assert (window.doc_id, window.view.selected_key()) == (doc2.id, ("quote", quote))

    # an edit refreshes the counts once the edits pause
    other = doc2.text.index("Blinken and Russian Foreign Minister")
    window.do(E.AddQuote(doc2.id, ((other, other + 7),), origin="import"))
    qtbot.waitUntil(lambda: panel.kinds.item(2).text() == "Quote without a speaker (2)", timeout=30_000)
    assert panel.model.rowCount() == 2


def test_f8_under_a_filter_shows_the_item_it_opens_and_hides_the_one_before(qtbot, window):
    sugg = suggestions(window)
    show(window, "claims")  # no claims: nothing is drawn
    assert shown(window) == set()
    qtbot.keyClick(window.view, Qt.Key.Key_F8)
    assert window.view.selected_key() == ("mention", sugg["Antony Blinken"])
    assert shown(window) == {("mention", sugg["Antony Blinken"])}
    qtbot.keyClick(window.view, Qt.Key.Key_F8)
    assert window.view.selected_key() == ("mention", sugg["Sergey Lavrov"])
    assert shown(window) == {("mention", sugg["Sergey Lavrov"])}
