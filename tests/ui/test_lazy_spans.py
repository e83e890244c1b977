"""A 100,000-word article with 10,000 spans (issue 13, item 11: switching is independent of article
length): the window builds span objects and highlights only near the screen, and every way to a
span far down the article still reaches it (select_span, Find, Tab), scrolling there draws it, and
an edit of a span never built patches it.  Counted, not timed.
"""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt

from desktop.bench.harness import BenchConfig, add_long_article, build_large_project
from desktop.core import edits as E
from tests.ui.conftest import open_window

pytestmark = pytest.mark.gui

SPANS = 10_000


@pytest.fixture(scope="module")
def long_project_file(tmp_path_factory):
    """Three short articles and the long one (the bench's own bulk insert)."""
    folder = tmp_path_factory.mktemp("long")
    cfg = BenchConfig(large_docs=3, large_annotations=60, big_words=300, big_spans=20, long_words=100_000,
                      long_spans=SPANS)
    big = build_large_project(folder / "long.claimdesk", cfg)
    long_id = add_long_article(big.path, cfg)
    return big.path, long_id


@pytest.fixture
def long_window(qtbot, long_project_file, tmp_path):
    source, long_id = long_project_file
    path = tmp_path / "long.claimdesk"
    shutil.copy(source, path)
    win = open_window(qtbot, tmp_path, path)
    assert win.doc_id != long_id  # the first article is a short one
    return win, long_id


def switch_to(qtbot, win, doc_id: int) -> None:
    """Ctrl+PgDown until the article is shown (the list is in id order; the long one is last)."""
    for _ in range(win.doc_proxy.rowCount()):
        if win.doc_id == doc_id:
            break
        qtbot.keyClick(win.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert win.doc_id == doc_id


def far_mention(win, fraction: float = 0.8):
    """A live mention about ``fraction`` of the way through the part shown."""
    base, limit = win.view.part_range()
    target = base + int((limit - base) * fraction)
    return next(m for m in win.store.mentions(win.doc_id, include_rejected=False) if m.start >= target)


def test_switching_to_a_100k_word_article_builds_only_what_is_near_the_screen(qtbot, long_window):
    win, long_id = long_window
    switch_to(qtbot, win, long_id)
    view = win.view
    assert len(win.text.split()) >= 100_000
    view.viewport().repaint()
    shown = view.highlights()
    assert shown and all(h.start < view.part_range()[1] for h in shown)
    # a few hundred span objects at most, in the window's table and in the view's: not 10,000
    assert 0 < view._table.built_count < SPANS // 20
    assert win.article_spans.table.built_count < SPANS // 20
    assert not view.filled() or len(win.text) < 10_000  # the rest of the text goes in when idle
    qtbot.waitUntil(view.filled, timeout=20_000)
    # and all of them when the whole list is asked for (once)
    assert len(win._spans) > SPANS * 0.9


def test_a_far_span_is_selected_shown_and_drawn(qtbot, long_window):
    win, long_id = long_window
    switch_to(qtbot, win, long_id)
    view = win.view
    m = far_mention(win)
    key = ("mention", m.id)
    assert view._table.built(key) is None  # never built so far
    view.select_span(key)
    assert view.selected_key() == key
    rects = view.span_rects(key)
    assert rects and 0 <= rects[0].top() < view.viewport().height()
    assert (m.start, m.end) in view.highlight_ranges()
    assert view.span_at(m.start) == key
    # the inspectors' route: the entities list / picker asks by key too
    assert m.label in view.tooltip_at(m.start)


def test_find_and_tab_reach_far_down_the_article(qtbot, long_window):
    win, long_id = long_window
    switch_to(qtbot, win, long_id)
    view = win.view
    m = far_mention(win, 0.9)
    phrase = win.text[m.start:m.start + 40]
    view.set_selection(m.start - 1, m.start)  # find goes on from the selection (the text repeats)
    qtbot.keyClick(view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(win.find_edit, phrase)
    qtbot.keyClick(win.find_edit, Qt.Key.Key_Return)
    assert view.selection() == (m.start, m.start + len(phrase))
    qtbot.keyClick(win.find_edit, Qt.Key.Key_Escape)
    # what is around the match is drawn (built when the view got there)
    assert any(h.start <= m.start < h.end for h in view.highlights())
    # Tab from a far suggestion goes to the next one after it
    suggestions = sorted((s for s in win.store.mentions(long_id) if s.prov.status == "suggested"),
                         key=lambda s: (s.start, s.end))
    i = next(i for i, s in enumerate(suggestions) if s.start >= m.start)
    view.select_span(("mention", suggestions[i].id))
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    nxt = view.selected_key()
    assert nxt is not None and view._by_key[nxt].start >= suggestions[i].start and nxt != ("mention", suggestions[i].id)
    assert view.span_rects(nxt) and view.span_rects(nxt)[0].top() >= 0


def test_scrolling_to_the_middle_draws_its_spans(qtbot, long_window, tmp_path):
    win, long_id = long_window
    switch_to(qtbot, win, long_id)
    view = win.view
    qtbot.waitUntil(view.filled, timeout=20_000)
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    view.viewport().repaint()
    a, b = view._visible_range()
    assert a > len(win.text) // 8  # far from the top
    live = [mm for mm in win.store.mentions(long_id, include_rejected=False) if a <= mm.start and mm.end <= b]
    assert live
    drawn = set(view.highlight_ranges())
    assert {(mm.start, mm.end) for mm in live} <= drawn
    assert not view.grab().isNull()


def test_an_edit_of_a_span_never_built_patches_it(qtbot, long_window):
    win, long_id = long_window
    switch_to(qtbot, win, long_id)
    view = win.view
    m = far_mention(win, 0.7)
    key = ("mention", m.id)
    assert view._table.built(key) is None and win.article_spans.table.built(key) is None
    label = "ORG" if m.label != "ORG" else "GPE"
    rebuilt, patched = view.spans_rebuilt, view.spans_patched
    win.do(E.RelabelMention(m.id, label))
    assert view.spans_rebuilt == rebuilt and 1 <= view.spans_patched - patched <= 10  # (and what links to it)
    assert view._by_key[key].label.startswith(label)
    view.select_span(key)
    assert (m.start, m.end) in view.highlight_ranges()
    gone = next(mm for mm in win.store.mentions(long_id, include_rejected=False) if mm.start > m.end + 5_000)
    win.do(E.DeleteMention(gone.id))
    assert ("mention", gone.id) not in view._by_key
    view.select_span(("mention", gone.id))
    assert view.selected_key() is None


def test_the_claims_table_sizes_its_columns_from_the_rows_on_screen(qtbot, long_window, monkeypatch):
    """A switch must not measure every claim of a long article (ResizeToContents read all 750 rows
    of the 100,000-word article, several times each, on every switch)."""
    win, long_id = long_window
    panel = win.claims_panel
    panel.table.show()
    asked: set[int] = set()
    display = type(win.claim_model).display

    def counting(self, row, column, role):
        asked.add(row["id"])
        return display(self, row, column, role)

    monkeypatch.setattr(type(win.claim_model), "display", counting)
    switch_to(qtbot, win, long_id)
    win.view.viewport().repaint()
    qtbot.wait(10)
    assert win.claim_model.rowCount() > 500
    assert len(asked) < 200  # the rows a screen shows (and a few), not all of them


def test_a_switch_makes_the_quote_cells_on_screen_and_scans_a_part_once(qtbot, long_window, monkeypatch):
    """The quotes table makes a cell's text when the cell is shown (not a snippet of each of 750
    quotes per switch), and switching back to the long article finds its part's offset marks
    (display-only breaks, characters outside the BMP: scans of half a million characters) again."""
    from desktop.ui import article_view
    from desktop.ui.models import QuoteTableModel, snippet

    win, long_id = long_window
    win.quotes_panel.table.show()
    made: set[int] = set()
    content = QuoteTableModel.content

    def counting(self, row):
        made.add(row["id"])
        return content(self, row)

    scans = []
    breaks = article_view.display_breaks
    monkeypatch.setattr(QuoteTableModel, "content", counting)
    monkeypatch.setattr(article_view, "display_breaks", lambda text: scans.append(len(text)) or breaks(text))
    short = win.doc_id
    switch_to(qtbot, win, long_id)
    win.view.viewport().repaint()
    qtbot.wait(10)
    assert win.quote_model.rowCount() > 500
    assert len(made) < 200  # the rows a screen shows (and a few)
    long_scans = [n for n in scans if n > 100_000]
    assert len(long_scans) == 1
    for _ in range(2):
        win.show_document(short)
        win.show_document(long_id)
    assert [n for n in scans if n > 100_000] == long_scans  # found again, not scanned again
    row = win.quote_model.row_of(win.quote_model.row_id(0))
    quote = win.quote_model.row_dict(row)["quote"]
    shown = win.quote_model.index(row, 3).data(Qt.ItemDataRole.ToolTipRole)
    assert shown == " … ".join(snippet(win.text[f.start:f.end], 200) for f in quote.content)
