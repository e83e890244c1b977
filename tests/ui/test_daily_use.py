"""Issue 13, items 9 and 10, and issue 12's reviewed marks, driven through the real window: the
export dialog keeps a typed path, remembers format and folder and says where the files went;
Ctrl+Y redoes; History reads as sentences; counts say "1 article"; the legend shows the claim
keys; the claims table has a column per label set; a reopened project returns to where the
editor was; a locked project names its holder; search hits are highlighted under their titles;
reviewed layers show in the header and the list."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices

from desktop import cli
from desktop.core import edits as E
from desktop.core.formats import default_output
from desktop.core.store import Store
from desktop.core.wording import plural
from desktop.ui.history_view import shown_texts
from tests.conftest import SEEDS
from tests.ui.test_export_dialog import answer_with

pytestmark = pytest.mark.gui

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def export_now(qtbot, window, dialog):
    with qtbot.waitSignal(window.jobs.sig_finished, timeout=120_000) as blocker:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    return blocker.args[1]


# Item 9: the export dialog ---------------------------------------------------------------------------


def test_export_keeps_the_typed_path_remembers_format_and_folder_and_opens_the_folder(
        qtbot, window, tmp_path, monkeypatch):
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    window.export_dialog()
    dialog = window.export_dialog_widget
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    typed = tmp_path / "shared" / "for-the-desk.csv"
    typed.parent.mkdir()
    dialog.out.selectAll()
    qtbot.keyClicks(dialog.out, str(typed))  # typed, as an editor does
    dialog.status.setCurrentIndex(dialog.status.findData("all"))  # options change...
    dialog.documents.setCurrentIndex(dialog.documents.findData("done"))
    dialog.format.setCurrentIndex(dialog.format.findData("jsonl"))
    dialog.split.setChecked(True)
    dialog.split.setChecked(False)
    assert dialog.out.text() == str(typed)  # ...the typed path stays
    dialog.grab().save(str(tmp_path / "export_dialog.png"))
    dialog.documents.setCurrentIndex(dialog.documents.findData("all"))
    summary = export_now(qtbot, window, dialog)
    assert summary.documents == 5 and typed.is_file()
    box = window.last_message
    assert box.isVisible() and f"Saved as {typed}." in box.informativeText()
    box.grab().save(str(tmp_path / "export_done.png"))
    button = box.findChild(type(box.buttons()[0]), "export.open_folder")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert [url.toLocalFile() for url in opened] == [str(typed.parent)]
    assert window.settings.value("export/format") == "jsonl"
    assert window.settings.value("export/folder") == str(typed.parent)

    window.export_dialog()  # the next export starts from the format and folder used last
    dialog = window.export_dialog_widget
    assert dialog.format.currentData() == "jsonl"
    assert dialog.out.text() == str(typed.parent / default_output(window.session.path, "jsonl").name)
    dialog.format.setCurrentIndex(dialog.format.findData("brat"))  # untyped: the suggestion follows
    assert dialog.out.text() == str(typed.parent / default_output(window.session.path, "brat").name)
    dialog.out.selectAll()
    qtbot.keyClick(dialog.out, Qt.Key.Key_Backspace)  # cleared: suggestions come back
    dialog.format.setCurrentIndex(dialog.format.findData("jsonl"))
    assert dialog.out.text().endswith("-jsonl.jsonl")
    summary = export_now(qtbot, window, dialog)
    assert "Saved as" in window.last_message.informativeText()

    window.export_dialog()  # a folder export says which folder
    dialog = window.export_dialog_widget
    dialog.format.setCurrentIndex(dialog.format.findData("brat"))
    summary = export_now(qtbot, window, dialog)
    folder = Path(summary.out)
    assert folder.is_dir() and f"Saved in the folder {folder}" in window.last_message.informativeText()
    box = window.last_message
    qtbot.mouseClick(box.findChild(type(box.buttons()[0]), "export.open_folder"), Qt.MouseButton.LeftButton)
    assert opened[-1].toLocalFile() == str(folder)


# Item 10: small things -----------------------------------------------------------------------------------


def add_claim(window) -> int:
    start = window.text.index("Russia has been amassing")
    applied = window.do(E.AddClaim(window.doc_id, start, window.text.index("invade.", start) + 7))
    return applied.first("claims")


def test_ctrl_y_redoes_and_history_reads_as_sentences(qtbot, window, tmp_path, capsys):
    claim = add_claim(window)
    window.select_key(("claim", claim))
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_6)  # a claim selected: 6 is verdict "misleading"
    assert window.store.claim(claim).labels == {"verdict": "misleading"}
    stack = window.session.undo_stack
    assert stack.text(stack.count() - 1) == "label claim verdict misleading"
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert window.store.claim(claim).labels == {}
    assert window.actions_by_id["edit.redo"].text() == "&Redo label claim verdict misleading"
    assert shown_texts(window.history_view)[-2:] == ["add claim", "Undone: label claim verdict misleading"]
    qtbot.keyClick(window.view, Qt.Key.Key_Y, CTRL)  # Ctrl+Y redoes, as Ctrl+Shift+Z does
    assert window.store.claim(claim).labels == {"verdict": "misleading"}
    assert shown_texts(window.history_view)[-1] == "label claim verdict misleading"
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert window.store.claim(claim).labels == {"verdict": "misleading"}
    window.do(E.EditClaim(claim, {"note": "ask the desk", "claimant": "Blinken"}))
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(window.view, Qt.Key.Key_Y, CTRL)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    window.history_dock.show()
    window.history_dock.raise_()
    window.history_view.grab().save(str(tmp_path / "history.png"))
    assert shown_texts(window.history_view)[-2:] == ["label claim verdict misleading",
                                                     "Undone: change claim claimant and note"]
    qtbot.keyClick(window.view, Qt.Key.Key_Y, CTRL)
    summaries = [row["summary"] for row in reversed(window.store.history(limit=10))][:-2]
    assert summaries[-8:] == [
        "label claim verdict misleading", "Undo: label claim verdict misleading",
        "Redo: label claim verdict misleading", "Undo: label claim verdict misleading",
        "Redo: label claim verdict misleading", "change claim claimant and note",
        "Undo: change claim claimant and note", "Redo: change claim claimant and note"]
    assert not any("undo undo" in s.lower() or "_" in s for s in summaries)
    assert cli.main(["history", str(window.session.path)]) == 0  # the CLI says the same
    out = capsys.readouterr().out
    assert "Redo: label claim verdict misleading" in out and "undo undo" not in out.lower()


def test_counts_say_one_article_and_two_articles(qtbot, window, tmp_path, capsys, monkeypatch):
    assert window.progress_label.text() == "0 of 5 articles done"
    one = tmp_path / "one.claimdesk"
    assert cli.main(["new", str(one)]) == 0
    assert cli.main(["import", str(one), str(sorted(SEEDS.glob("*.txt"))[0])]) == 0
    assert "1 document imported" in capsys.readouterr().out
    assert window.open_project(one)
    assert window.progress_label.text() == "0 of 1 article done"
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, **k: ("", ""))
    window.export_dialog()
    dialog = window.export_dialog_widget
    dialog.format.setCurrentIndex(dialog.format.findData("jsonl"))
    assert dialog.review_note.text() == "1 article will be exported."
    dialog.out.setText(str(tmp_path / "one.jsonl"))
    summary = export_now(qtbot, window, dialog)
    assert window.statusBar().currentMessage().startswith("Exporting Interchange JSONL: exported 1 document, 0 entities,")
    assert summary.documents == 1
    assert [plural(n, w) for n, w in ((1, "entity"), (2, "entity"), (2, "match"), (0, "article"))] == \
        ["1 entity", "2 entities", "2 matches", "0 articles"]


def test_the_legend_shows_the_claim_keys_while_a_claim_is_selected(qtbot, window, tmp_path):
    legend = window.view.legend
    assert legend.texts()[:2] == ["1 PERSON", "2 ORG"] and not legend.claim_mode
    claim = add_claim(window)
    height, top = legend.height(), window.view.geometry().top()
    window.select_key(("claim", claim))
    assert legend.claim_mode
    assert (legend.height(), window.view.geometry().top()) == (height, top)  # the article does not move
    assert legend.texts()[0] == "Claim keys:"
    assert "4 true" in legend.texts() and "6 misleading" in legend.texts() and "1 PERSON" not in legend.texts()
    legend.grab().save(str(tmp_path / "legend_claim.png"))
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)  # no claim selected: the entity keys again
    assert not legend.claim_mode and legend.texts()[0] == "1 PERSON"
    # a click on the claim selects it, and the legend follows
    rect = window.view.span_rects(("claim", claim))[0]
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert window.view.selected_key() == ("claim", claim) and legend.claim_mode


def test_the_claims_table_has_a_column_per_label_set(qtbot, window, tmp_path):
    claim = add_claim(window)
    window.select_key(("claim", claim))
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_1)  # check-worthy
    qtbot.keyClick(window.view, Qt.Key.Key_6)  # misleading
    model = window.claim_model
    headers = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    assert headers == ["Claim", "Claimant", "Checkworthiness", "Verdict", "Status"]
    row = model.row_of(claim)
    cells = [model.index(row, c).data() for c in range(model.columnCount())]
    assert cells[1:] == ["", "check-worthy", "misleading", "accepted"]
    window.claims_dock.show()
    window.claims_dock.raise_()
    window.claims_panel.table.grab().save(str(tmp_path / "claims_table.png"))
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert model.index(row, 3).data() == ""


def test_reopening_a_project_returns_to_the_article_and_position(qtbot, project, tmp_path):
    from desktop.ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.resize(1024, 700)
    win.show()
    qtbot.waitExposed(win)
    assert win.open_project(project)
    first = win.doc_id
    longest = max(win.store.document_summaries(), key=lambda r: r["chars"])
    assert longest["id"] != first
    win.show_document(longest["id"])
    qtbot.waitUntil(lambda: win.view.verticalScrollBar().maximum() > 0)
    cursor = win.text.index(" ", len(win.text) * 2 // 3) + 1
    win.view.set_selection(cursor, cursor)
    win.view.scroll_to_offset(cursor)
    top = win.view.top_offset()
    assert top > 0
    win.close_project()
    assert win.doc_id is None
    assert win.open_project(project)
    assert win.doc_id == longest["id"]
    assert win.view.cursor_offset() == cursor
    qtbot.waitUntil(lambda: abs(win.view.top_offset() - top) < 200)
    win.close()  # closing the window remembers too
    again = MainWindow(settings)
    qtbot.addWidget(again)
    again.resize(1024, 700)
    again.show()
    assert again.open_project(project) and again.doc_id == longest["id"]
    other = tmp_path / "other.claimdesk"  # another project starts at its first article
    assert cli.main(["new", str(other)]) == 0 and cli.main(["import", str(other), str(SEEDS)]) == 0
    assert again.open_project(other) and again.doc_id == again.doc_model.row_id(0)


HOLD = ("import sys, time\nfrom desktop.core.store import Store\nstore = Store.open(sys.argv[1])\n"
        "print('open', flush=True)\ntime.sleep(120)\n")


def test_a_second_window_on_an_open_project_names_who_holds_it(qtbot, project, tmp_path):
    from desktop.ui.main_window import MainWindow

    child = subprocess.Popen([sys.executable, "-c", HOLD, str(project)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "open"
        win = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(win)
        win.show()
        assert not win.open_project(project)
        box = win.last_message
        assert box.isVisible() and box.windowTitle() == "Cannot open project"
        assert "is already open by" in box.text() and f"(pid {child.pid}) since " in box.text()
        assert win.session is None and str(win.open_error) == box.text()
        box.grab().save(str(tmp_path / "locked.png"))
        shot = subprocess.run([sys.executable, "-m", "desktop", "open", str(project), "--screenshot",
                               str(tmp_path / "shot.png")], capture_output=True, text=True, timeout=300)
        assert shot.returncode == 1  # claimdesk open says the same line, not "could not be opened"
        assert f"(pid {child.pid}) since " in shot.stderr and "could not be opened" not in shot.stderr
    finally:
        child.kill()
        child.wait()


def test_search_hits_are_highlighted_and_titled(qtbot, window, tmp_path):
    window.do(E.AddDocument("wire-0042", "Moscow wire: Lavrov [sic] spoke to reporters.\n\nMore later."))
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_F, CTRL | SHIFT)
    qtbot.keyClicks(window.search_edit, "Lavrov")
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Return)
    results = window.search_results
    assert results.count() >= 1
    from desktop.ui.search_results import HIT_ROLE, hit_html

    titles = {r["id"]: r for r in window.store.document_summaries()}
    for i in range(results.count()):
        item = results.item(i)
        doc_id, _query = item.data(Qt.ItemDataRole.UserRole)
        text = item.text()
        row = titles[doc_id]
        listed = window.doc_model.index(window.doc_model.row_of(doc_id), 1).data()
        assert text.split("\n")[0] == listed and row["ext_id"] not in text  # as the articles list names it
        if row["ext_id"] == "wire-0042":
            assert listed == "Moscow wire: Lavrov [sic] spoke to reporters." and "[sic]" in text
        assert "[Lavrov]" not in text  # no brackets (the article's own [sic] stays)
        html = hit_html(item.data(HIT_ROLE))
        assert "background-color" in html and ">Lavrov</span>" in html and html.startswith("<b>")
    results.resize(360, 400)
    window.search_dock.grab().save(str(tmp_path / "search.png"))
    qtbot.mouseClick(results.viewport(), Qt.MouseButton.LeftButton, pos=results.visualItemRect(results.item(0)).center())
    assert window.view.selection() is not None and window.text[slice(*window.view.selection())] == "Lavrov"


# Issue 12 leftover: reviewed marks ------------------------------------------------------------------------


def test_reviewed_layers_show_in_the_header_and_the_list_and_follow_undo(qtbot, window, tmp_path, monkeypatch):
    from desktop.app import gestures

    answer_with(monkeypatch, gestures.LEAVE_PENDING)
    doc_id = window.doc_id
    row = window.doc_model.row_of(doc_id)
    status = window.doc_model.index(row, 3)
    assert "✓" not in window.meta_label.text() and status.data() == "new"
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_D, CTRL | SHIFT)  # entities reviewed
    window.actions_by_id["nav.review_quotes"].trigger()
    assert window.meta_label.text().endswith("Entities ✓ Quotes ✓")
    assert status.data() == "new ✓ E Q"
    assert status.data(Qt.ItemDataRole.ToolTipRole) == "new; reviewed: entities, quotes"
    window.grab().save(str(tmp_path / "reviewed_marks.png"))
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert window.meta_label.text().endswith("Entities ✓") and status.data() == "new ✓ E"
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert "✓" not in window.meta_label.text() and status.data() == "new"
    qtbot.keyClick(window.view, Qt.Key.Key_Y, CTRL)
    assert window.meta_label.text().endswith("Entities ✓") and status.data() == "new ✓ E"
    # a document marked done has every layer reviewed: "done" says it
    qtbot.keyClick(window.view, Qt.Key.Key_D, CTRL)
    assert window.meta_label.text().endswith("done") and status.data() == "done"


def test_the_list_reads_reviewed_marks_only_for_the_rows_it_shows(qtbot, window, project, monkeypatch):
    calls: list = []
    real = Store.marked_reviewed
    monkeypatch.setattr(Store, "marked_reviewed", lambda self, ids=None: calls.append(ids) or real(self, ids))
    window.close_project()
    assert window.open_project(project)
    window.doc_table.viewport().repaint()
    assert calls and all(ids is not None and len(list(ids)) == 1 for ids in calls)  # never every document
