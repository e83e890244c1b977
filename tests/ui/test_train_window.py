"""Annotate ▸ Train Suggestions… in the window: the claims model and the entity recognizer trained in
the background, with progress and Cancel; the new models are one undo step and the message shows
both figures and the models' provenance."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction

from desktop.core.store import Store
from tests.nlp.ner_data import ner_project
from tests.nlp.test_train import TALK, TARIFFS, _project
from tests.ui.conftest import open_window

pytestmark = [pytest.mark.gui, pytest.mark.slow]


@pytest.fixture
def labelled_window(qtbot, tmp_path):
    path = _project(tmp_path, "tariffs", TARIFFS, TALK)
    win = open_window(qtbot, tmp_path, path)
    return win


def test_train_runs_in_the_background_and_its_model_is_one_undo_step(qtbot, labelled_window, tmp_path):
    win = labelled_window
    progress = []
    win.jobs.sig_progress.connect(lambda done, total, msg: progress.append((done, total)))
    with qtbot.waitSignal(win.jobs.sig_finished, timeout=300_000) as blocker:
        win.findChild(QAction, "annotate.train").trigger()
        assert win.job_cancel.isVisible() and win.job_label.text() == "Training"
    result = blocker.args[1]
    assert result.replaced and progress and progress[-1][0] == progress[-1][1]
    model = win.store.current_model("claims")
    assert model is not None and model.name == result.results[0].name
    text = win.last_message.text()
    assert "before" in text and "after" in text and f"Claim suggestions now: {model.name}, trained" in text
    assert "Training: claims: trained on 64 sentences" in win.statusBar().currentMessage()
    assert "entities: not trained:" in text  # no entities reviewed there: said, the claims trained anyway
    win.last_message.adjustSize()
    win.last_message.grab().save(str(tmp_path / "train_message.png"))
    win.grab().save(str(tmp_path / "train_window.png"))

    win.undo()  # the stored model is one step: undo goes back to the cold start
    assert win.store.current_model("claims") is None
    win.redo()
    assert win.store.current_model("claims").name == model.name


def test_train_trains_both_and_one_undo_step_takes_both_back(qtbot, tmp_path):
    path = ner_project(tmp_path, reviewed=3, unreviewed=1, sentences=4)  # claims and entities reviewed
    win = open_window(qtbot, tmp_path, path)
    assert win.findChild(QAction, "annotate.train").text() == "&Train Suggestions (Claims and Entities)…"
    shares, labels = [], []
    win.jobs.sig_progress.connect(lambda done, total, msg: (shares.append(done / total), labels.append(win.job_label.text())))
    with qtbot.waitSignal(win.jobs.sig_finished, timeout=300_000) as blocker:
        win.findChild(QAction, "annotate.train").trigger()
    report = blocker.args[1]
    assert shares == sorted(shares) and shares[-1] == 1  # one bar for both: it never starts again from empty
    assert any(t.startswith("Training: claims: ") for t in labels) and any(t.startswith("Training: entities: ") for t in labels)
    assert any(s < 0.5 for s in shares) and any(0.5 <= s < 1 for s in shares)
    assert [r.kind for r in report.results] == ["claims", "ner"]
    ner = win.store.current_model("ner")
    assert ner is not None and ner.name == report.results[1].name
    text = win.last_message.text()
    assert "claims: trained on" in text and "entities: trained on" in text and "F1 / P / R on" in text
    assert f"Entity suggestions now: {ner.name}, trained" in text and "Claim suggestions now: " in text
    win.last_message.adjustSize()
    win.last_message.grab().save(str(tmp_path / "train_both.png"))
    stored = [m.kind for m in (win.store.current_model(k) for k in ("claims", "ner")) if m is not None]
    win.undo()  # one step: every model this training stored goes
    assert win.store.current_model("ner") is None and win.store.current_model("claims") is None
    win.redo()
    assert [m.kind for m in (win.store.current_model(k) for k in ("claims", "ner")) if m is not None] == stored


def test_a_cancelled_training_stores_nothing(qtbot, labelled_window):
    win = labelled_window
    with qtbot.waitSignal(win.jobs.sig_finished, timeout=300_000) as blocker:
        win.findChild(QAction, "annotate.train").trigger()
        win.job_cancel.click()
    assert blocker.args[1] is None
    assert "cancelled" in win.statusBar().currentMessage()
    with Store.open(win.session.path, readonly=True) as store:
        assert store.current_model("claims") is None and store.current_model("ner") is None
