"""Background jobs for the window: import, pre-annotate, export.

A job is a plain function ``fn(project_path, job) -> result`` (see :mod:`desktop.core.jobs`);
it opens its own store connection inside the worker thread.  :class:`JobRunner` runs one at a
time on a ``QThread`` and reports progress, the result or the error through signals, so the
window stays responsive and shows results as they land.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from desktop.core.jobs import Cancelled, Job


class _Worker(QObject):
    sig_progress = Signal(int, int, str)
    sig_finished = Signal(object)
    sig_failed = Signal(str)

    def __init__(self, fn: Callable[[Job], Any]):
        super().__init__()
        self._fn = fn
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True

    @Slot()
    def run(self) -> None:
        job = Job(on_progress=lambda d, t, m: self.sig_progress.emit(d, t, m), is_cancelled=lambda: self._cancelled)
        try:
            result = self._fn(job)
        except Cancelled:
            self.sig_finished.emit(None)
        except Exception as exc:  # shown in a dialog naming the problem
            traceback.print_exc()
            self.sig_failed.emit(str(exc) or type(exc).__name__)
        else:
            self.sig_finished.emit(result)


class JobRunner(QObject):
    """Runs background jobs one at a time; the window shows progress and a Cancel button."""

    sig_started = Signal(str)
    sig_progress = Signal(int, int, str)
    sig_finished = Signal(str, object)  # title, result (None when cancelled)
    sig_failed = Signal(str, str)  # title, message

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._title = ""

    def busy(self) -> bool:
        return self._thread is not None

    def start(self, title: str, fn: Callable[[Job], Any]) -> bool:
        if self.busy():
            return False
        self._title = title
        self._thread = QThread(self)
        self._worker = _Worker(fn)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.sig_progress.connect(self.sig_progress)
        self._worker.sig_finished.connect(self._on_finished)
        self._worker.sig_failed.connect(self._on_failed)
        self._thread.start()
        self.sig_started.emit(title)
        return True

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()

    def wait(self, ms: int = 60_000) -> None:
        if self._thread is not None:
            self._thread.wait(ms)

    def _cleanup(self) -> None:
        thread, worker = self._thread, self._worker
        self._thread = self._worker = None
        if thread is not None:
            thread.quit()
            thread.wait()
            thread.deleteLater()
        if worker is not None:
            worker.deleteLater()

    @Slot(object)
    def _on_finished(self, result: object) -> None:
        self._cleanup()
        self.sig_finished.emit(self._title, result)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._cleanup()
        self.sig_failed.emit(self._title, message)
