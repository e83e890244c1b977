"""The Export dialog's CSV option: safe cells by default, formulas as they are when asked (issue 12, item 7)."""

from __future__ import annotations

import csv

from PySide6.QtCore import Qt

from desktop.core import edits
from tests.conftest import HILL

NOTE = '=HYPERLINK("http://example.com","click")'


def _export(qtbot, window, out, *, formulas: bool) -> dict:
    window.export_dialog()
    dialog = window.export_dialog_widget
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    assert dialog.csv_formulas.isVisibleTo(dialog) and not dialog.csv_formulas.isChecked()
    dialog.csv_formulas.setChecked(formulas)
    dialog.status.setCurrentIndex(dialog.status.findData("accepted"))
    dialog.documents.setCurrentIndex(dialog.documents.findData("done"))
    dialog.out.setText(str(out))
    with qtbot.waitSignal(window.jobs.sig_finished, timeout=120_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    with open(out, encoding="utf-8-sig", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    return row


def test_csv_cells_are_safe_unless_the_option_is_ticked(qtbot, window, tmp_path):
    doc = window.store.document_by_ext_id(HILL)
    start = doc.text.index("Antony Blinken")
    edits.apply(window.store, edits.AddClaim(doc.id, start, start + 14, note=NOTE,
                                             labels={"checkworthiness": "check-worthy"}))
    edits.apply(window.store, edits.SetDocumentStatus(doc.id, "done"))
    assert _export(qtbot, window, tmp_path / "safe.csv", formulas=False)["note"] == "'" + NOTE
    assert _export(qtbot, window, tmp_path / "raw.csv", formulas=True)["note"] == NOTE


def test_the_option_shows_only_for_csv(qtbot, window):
    window.export_dialog()
    dialog = window.export_dialog_widget
    for i in range(dialog.format.count()):
        dialog.format.setCurrentIndex(i)
        assert dialog.csv_formulas.isVisibleTo(dialog) == (dialog.format.itemData(i) == "csv")
        dialog.csv_formulas.setChecked(True)
        assert dialog.options()["csv_formulas"] == (dialog.format.itemData(i) == "csv")
