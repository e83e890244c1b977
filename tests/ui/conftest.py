"""Fixtures for the window tests: the seeds as a project, and the window showing the first article."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from desktop.core import edits as E
from desktop.core.jobs import import_into
from desktop.core.store import Store
from tests.conftest import SEEDS

HILL = "000_4e8e7165941dcf45"


@pytest.fixture
def project(tmp_path):
    """The seeds, with a few model suggestions in the first article."""
    path = tmp_path / "story.claimdesk"
    with Store.create(path) as store:
        import_into(store, [SEEDS])
        doc = store.document_by_ext_id(HILL)
        text = doc.text
        blinken = text.index("Antony Blinken")
        lavrov = text.index("Sergey Lavrov")
        geneva = text.index("Geneva")
        E.apply(store, E.ReplaceSuggestions(doc.id, "test-model 1", entities=(
            {"start": blinken, "end": blinken + 14, "label": "PERSON"},
            {"start": lavrov, "end": lavrov + 13, "label": "ORG"},  # wrong label, to fix
            {"start": geneva, "end": geneva + 6, "label": "GPE"},
        )))
    return path


@pytest.fixture
def window(qtbot, project, tmp_path):
    from desktop.ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    assert win.open_project(project)
    win.show()
    qtbot.waitExposed(win)
    win.show_document(win.store.document_by_ext_id(HILL).id)
    return win
