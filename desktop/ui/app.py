"""Start the editor: ``claimdesk open PROJECT`` and ``make run``."""

from __future__ import annotations

import os
import sys

from desktop.core.store import ProjectError, Store


def has_display() -> bool:
    """Whether a window can be shown (an offscreen platform counts: it renders, nobody sees it)."""
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal", "vnc")):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def settle(app, ms: int = 400) -> None:
    """Let layouts, resizes and paints finish (for screenshots)."""
    import time

    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def application():
    """The QApplication (made on first call) with Claimdesk's names, icon and theme: what the
    window and the bench's window measurements run in."""
    from PySide6.QtWidgets import QApplication

    from desktop.ui.main_window import APP_NAME, ORG_NAME, app_icon, apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORG_NAME)
    app.setApplicationName(APP_NAME)
    app.setWindowIcon(app_icon())
    apply_theme(app)
    return app


def run(project: str | os.PathLike | None, screenshot: str | os.PathLike | None = None) -> int:
    """Open the main window on ``project``; with ``screenshot``, render it to a PNG and exit."""
    if project is not None:
        Store.open(project, readonly=True).close()  # a clear one-line error before any window
    app = application()
    from desktop.ui.main_window import MainWindow

    window = MainWindow()
    if project is not None and screenshot is None:
        window.show()  # a project the window cannot open (another window holds it) is said in it
        window.open_project(project)
        return app.exec()
    if project is not None and not window.open_project(project):
        raise window.open_error or ProjectError(f"{project}: could not be opened")  # who holds it, say
    if screenshot is not None:
        window.resize(1500, 900)
        window.show()
        if window.doc_id is None and window.store is not None and window.store.document_count():
            window.show_document(window.store.document_ids()[0])
        settle(app)
        ok = window.grab().save(str(screenshot))
        error = getattr(window, "document_error", None)
        window.close()
        if not ok:
            raise ProjectError(f"{screenshot}: could not write the screenshot")
        if error is not None:  # the picture shows the window naming it; the command says it too
            raise error
        return 0
    window.show()
    return app.exec()
