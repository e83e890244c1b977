"""A big project opens as fast as a small one: the articles list reads a page of rows and fetches
more as the editor scrolls; sorting, filtering and showing an article further down load what they
need; the project search ranks a bounded set of matches (driven through the real window)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from desktop.core import edits as E
from desktop.core.store import Store
from desktop.ui import models
from tests.ui.conftest import open_window

N_EXTRA = 60


@pytest.fixture
def big_window(qtbot, project, tmp_path, monkeypatch):
    monkeypatch.setattr(models.DocumentTableModel, "PAGE", 20)
    with Store.open(project) as store:
        for i in range(N_EXTRA):
            E.apply(store, E.AddDocument(ext_id=f"extra-{i:02d}", text=f"Officials in Geneva met on day {i}.",
                                         title=f"Extra {i:02d}", source="wire.example"))
        total = store.document_count()
    win = open_window(qtbot, tmp_path, project, size=(1200, 800))
    return win, total


def _listed_ids(win) -> list[int]:
    proxy = win.doc_proxy
    return [proxy.data(proxy.index(r, 0), models.ID_ROLE) for r in range(proxy.rowCount())]


def test_the_list_reads_a_page_and_fetches_more_as_it_scrolls(qtbot, big_window):
    win, total = big_window
    assert total > 2 * models.DocumentTableModel.PAGE
    assert win.doc_model.rowCount() in (20, 40)  # one page read at open (and one more if the view has room)
    assert win.doc_id == _listed_ids(win)[0]  # the first article is shown
    win.doc_table.setFocus()
    for _ in range(4):  # End, as the editor would, until nothing more comes
        qtbot.keyClick(win.doc_table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        qtbot.wait(10)
    assert win.doc_model.rowCount() == total
    assert _listed_ids(win) == win.store.document_ids()


def test_showing_an_article_past_the_loaded_rows_selects_it(qtbot, big_window):
    win, total = big_window
    last = win.store.document_by_ext_id(f"extra-{N_EXTRA - 1:02d}")
    win.show_document(last.id)
    qtbot.wait(10)
    current = win.doc_table.currentIndex()
    assert current.isValid() and win.doc_proxy.data(current, models.ID_ROLE) == last.id
    assert win.doc_model.rowCount() < total or last.id == win.store.document_ids()[-1]


def test_sorting_looks_through_every_document(qtbot, big_window):
    win, total = big_window
    assert win.doc_model.rowCount() < total
    # the title column's header, clicked twice: sorted descending over every article
    header = win.doc_table.horizontalHeader()
    x = header.sectionViewportPosition(1) + 5
    for _ in range(2):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert win.doc_model.rowCount() == total
    titles = [win.doc_proxy.index(r, 1).data() for r in range(total)]
    assert titles == sorted(titles, key=str.lower, reverse=True)
    assert titles.index("Extra 59") + 1 == titles.index("Extra 58")


def test_filtering_looks_through_every_document(qtbot, big_window):
    win, total = big_window
    qtbot.keyClicks(win.doc_filter, "Extra 59")
    qtbot.wait(10)
    assert [win.store.document(d).ext_id for d in _listed_ids(win)] == ["extra-59"]
    win.doc_filter.clear()
    qtbot.wait(10)
    assert win.doc_proxy.rowCount() == total  # everything was loaded for the filter
    win.doc_status.setCurrentIndex(win.doc_status.findData("new"))
    assert win.doc_proxy.rowCount() == total


def test_an_edit_past_the_loaded_rows_leaves_the_list_as_it_is(qtbot, big_window):
    win, total = big_window
    qtbot.wait(20)  # the view fetches what fills it
    loaded = win.doc_model.rowCount()
    last = win.store.document_by_ext_id(f"extra-{N_EXTRA - 1:02d}")
    assert win.doc_model.row_dict(loaded - 1)["id"] < last.id
    win.session.do(E.SetDocumentStatus(last.id, "done"))  # a worker or the CLI could do the same
    qtbot.wait(10)
    assert win.doc_model.rowCount() == loaded
    win.show_document(last.id)
    row = win.doc_model.row_of(last.id)
    assert win.doc_model.row_dict(row)["status"] == "done"


def test_project_search_ranks_the_newest_matches(qtbot, big_window, monkeypatch):
    win, _total = big_window
    monkeypatch.setattr(Store, "SEARCH_CANDIDATES", 5)
    qtbot.keyClick(win.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(win.search_edit, "officials geneva")
    asked = []
    summaries = win.store.document_summaries
    monkeypatch.setattr(win.store, "document_summaries",
                        lambda ids=None, **kw: (asked.append(sorted(ids) if ids is not None else kw.get("limit")),
                                                           summaries(ids, **kw))[1])
    qtbot.keyClick(win.search_edit, Qt.Key.Key_Return)
    monkeypatch.undo()
    assert win.search_results.count() == 5
    texts = {win.search_results.item(i).text() for i in range(5)}
    assert all(any(f"Extra {i:02d}" in t for t in texts) for i in range(N_EXTRA - 5, N_EXTRA)), texts
    hits = sorted(win.search_results.item(i).data(Qt.ItemDataRole.UserRole)[0] for i in range(5))
    assert asked[0] == hits and None not in asked  # the hits' titles; no read of every document's summary


def test_an_import_in_batches_from_the_window_lists_every_article(qtbot, big_window, tmp_path, monkeypatch):
    from desktop.core import jobs

    win, total = big_window
    monkeypatch.setattr(jobs, "IMPORT_BATCH_DOCUMENTS", 2)
    commits = []
    real_commit = jobs._Batch.commit
    monkeypatch.setattr(jobs._Batch, "commit", lambda self: (commits.append(self._tx is not None), real_commit(self))[1])
    folder = tmp_path / "more"
    folder.mkdir()
    for i in range(5):
        (folder / f"new{i}.txt").write_text(f"Lavrov and Blinken agreed on day {i} to keep talking.", encoding="utf-8")
    with qtbot.waitSignal(win.jobs.sig_finished, timeout=60_000) as blocker:
        assert win.import_paths([str(folder)])
    report = blocker.args[1]
    assert sorted(report.added) == [f"new{i}" for i in range(5)]
    assert commits.count(True) == 3  # 2 + 2 + 1 documents a transaction
    win.doc_model.fetch_all()
    assert win.doc_model.rowCount() == total + 5
    assert win.store.document_by_ext_id("new4") is not None
