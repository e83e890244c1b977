"""The Export dialog lists the registry's formats (desktop.core.formats); File ▸ New follows the suffix rule."""

from __future__ import annotations

from pathlib import Path

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
    dialog.grab().save("/tmp/oe_export_dialog_claimreview.png")
    dialog.split.setChecked(True)
    assert dialog.options()["split"] is None
    dialog.format.setCurrentIndex(listed.index("jsonl"))
    assert dialog.split.isEnabled() and dialog.options()["split"] == "80/10/10"
    assert dialog.out.text() == str(default_output(project, "jsonl", split=True))
    dialog.grab().save("/tmp/oe_export_dialog.png")


def test_file_new_names_the_project_by_the_one_suffix_rule(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    for typed, created in (("upper.CLAIMDESK", "upper.CLAIMDESK"), ("talks.2024", "talks.2024.claimdesk")):
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, t=typed, **k: (str(tmp_path / t), ""))
        window.new_project()
        assert Path(window.session.path) == tmp_path / created
        assert (tmp_path / created).is_file()
    assert not (tmp_path / "upper.CLAIMDESK.claimdesk").exists()
