"""The Export dialog lists the registry's formats (desktop.core.formats); File ▸ New follows the suffix rule."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.app import gestures
from desktop.core.formats import FORMATS, default_output


def test_the_dialog_lists_every_format_and_suggests_its_suffix(qtbot, window):
    window.export_dialog()
    dialog = window.export_dialog_widget
    listed = [dialog.format.itemData(i) for i in range(dialog.format.count())]
    assert listed == list(FORMATS)
    project = window.session.path
    for i, name in enumerate(listed):
        dialog.format.setCurrentIndex(i)
        spec = FORMATS[name]
        assert dialog.format.itemText(i) == spec.title
        assert dialog.description.text() == spec.description
        assert dialog.out.text() == str(default_output(project, name))
        assert dialog.out.text().endswith(spec.suffix or f"-{name}")
    dialog.format.setCurrentIndex(listed.index("claimreview"))
    assert dialog.out.text().endswith(".jsonld")
    assert not dialog.split.isEnabled()  # a publication format: no train/dev/test
    dialog.split.setChecked(True)
    assert dialog.options()["split"] is None
    dialog.format.setCurrentIndex(listed.index("jsonl"))
    assert dialog.split.isEnabled() and dialog.options()["split"] == "80/10/10"
    assert dialog.out.text() == str(default_output(project, "jsonl", split=True))


def test_file_new_names_the_project_by_the_one_suffix_rule(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    for typed, created in (("upper.CLAIMDESK", "upper.CLAIMDESK"), ("talks.2024", "talks.2024.claimdesk")):
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, t=typed, **k: (str(tmp_path / t), ""))
        window.new_project()
        assert Path(window.session.path) == tmp_path / created
        assert (tmp_path / created).is_file()
    assert not (tmp_path / "upper.CLAIMDESK.claimdesk").exists()


def answer_with(monkeypatch, choice):
    """Answer the next question box by clicking its ``choice`` button (no modal loop in tests)."""
    asked = []

    def click(box):
        asked.append(box.text())
        next(b for b in box.buttons() if b.text() == choice).click()
    monkeypatch.setattr(QMessageBox, "exec", click)
    return asked


def test_marking_entities_reviewed_by_key_and_menu_then_undo(qtbot, window, monkeypatch):
    asked = answer_with(monkeypatch, gestures.LEAVE_PENDING)
    doc_id = window.doc_id
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.store.document(doc_id).reviewed == {"entities"}
    assert "negative examples" in window.statusBar().currentMessage()
    window.actions_by_id["nav.review_claims"].trigger()
    assert window.store.document(doc_id).reviewed == {"entities", "claims"}
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.store.document(doc_id).reviewed == {"entities"}
    qtbot.keyClick(window.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.store.document(doc_id).reviewed == frozenset()  # pressed again: not reviewed
    assert len(asked) == 1 and "still pending" in asked[0]  # the entities had suggestions; claims none, unmarking asks nothing


def test_marking_an_article_done_over_pending_suggestions_accepts_them_in_one_step(qtbot, window, monkeypatch):
    asked = answer_with(monkeypatch, gestures.ACCEPT_PENDING)
    doc_id = window.doc_id
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert asked and window.store.document(doc_id).status == "done"
    assert all(m.prov.status == "accepted" for m in window.store.mentions(doc_id))
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one step
    assert window.store.document(doc_id).status != "done"
    assert any(m.prov.status == "suggested" for m in window.store.mentions(doc_id))


def test_training_formats_start_at_reviewed_articles_and_say_what_is_left_out(qtbot, window, tmp_path, monkeypatch):
    answer_with(monkeypatch, gestures.LEAVE_PENDING)
    window.export_dialog()
    dialog = window.export_dialog_widget
    dialog.format.setCurrentIndex(dialog.format.findData("conll"))
    assert dialog.options()["documents"] == "reviewed"
    assert dialog.review_note.text().startswith("0 articles will be exported; 5 left out: their entities are not")
    dialog.format.setCurrentIndex(dialog.format.findData("jsonl"))
    assert dialog.options()["documents"] == "all" and dialog.review_note.text() == "5 articles will be exported."
    dialog.reject()
    window.actions_by_id["nav.review_entities"].trigger()
    window.export_dialog()
    dialog = window.export_dialog_widget
    dialog.format.setCurrentIndex(dialog.format.findData("conllu"))
    assert dialog.review_note.text().startswith("1 article will be exported; 4 left out")
    dialog.grab().save(str(tmp_path / "export_dialog_conllu.png"))
    out = tmp_path / "out.conllu"
    dialog.out.setText(str(out))
    with qtbot.waitSignal(window.jobs.sig_finished, timeout=120_000) as blocker:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    summary = blocker.args[1]
    assert summary.documents == 1 and summary.left_out == 4
    assert "4 documents left out (not reviewed)" in window.statusBar().currentMessage()
    assert out.read_text(encoding="utf-8").startswith("# newdoc id = ")
