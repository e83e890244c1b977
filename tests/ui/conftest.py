"""Fixtures for the window tests: the seeds as a project, and the window showing the first article."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from tests.conftest import HILL, seeded_project


@pytest.fixture
def project(tmp_path):
    """The seeds, with a few model suggestions in the first article (Lavrov wrongly an ORG)."""
    return seeded_project(tmp_path / "story.claimdesk")


def open_window(qtbot, tmp_path, project, size=(1400, 900)):
    """A main window with its own settings file, on ``project``, shown and exposed."""
    from desktop.ui.main_window import MainWindow

    win = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.resize(*size)
    assert win.open_project(project)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def window(qtbot, project, tmp_path):
    win = open_window(qtbot, tmp_path, project)
    win.show_document(win.store.document_by_ext_id(HILL).id)
    return win
