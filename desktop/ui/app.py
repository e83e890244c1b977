"""Start the editor: ``claimdesk open PROJECT`` and ``make run``."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from desktop.core.store import ProjectError, Store


def has_display() -> bool:
    """Whether a window can be shown (an offscreen platform counts: it renders, nobody sees it)."""
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal", "vnc")):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def _debian_package(soname: str) -> str:
    """``libxcb-cursor.so.0`` -> ``libxcb-cursor0``; ``libxkbcommon-x11.so.0`` -> ``libxkbcommon-x11-0``."""
    base, _, version = soname.partition(".so")
    version = version.lstrip(".").split(".")[0]
    return base + ("-" if base[-1:].isdigit() else "") + version


def window_problem() -> str | None:
    """Why Qt could not open a window on this X11 display, as one line, or ``None``.

    Qt's xcb platform plugin needs system libraries PySide6 does not bundle (``libxcb-cursor0``
    above all); without them Qt prints a screenful and aborts. Loading the plugin's own library
    first names the missing one, so the command can say so in one line."""
    if not sys.platform.startswith("linux") or not os.environ.get("DISPLAY"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return None
    if not platform and os.environ.get("WAYLAND_DISPLAY"):
        return None  # Qt tries Wayland first
    import ctypes
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    lib = Path(next(iter(spec.submodule_search_locations))) / "Qt" / "lib" / "libQt6XcbQpa.so.6"
    if not lib.exists():
        return None
    try:
        ctypes.CDLL(str(lib))
    except OSError as exc:
        found = re.search(r"(lib[\w.+-]+?\.so[.\d]*)\s*:", str(exc))
        if found is None:
            return f"cannot open a window: Qt's X11 platform library does not load ({exc})"
        soname = found.group(1)
        return (f"cannot open a window: Qt's X11 platform needs {soname}, which is not installed "
                f"(Debian/Ubuntu: sudo apt install {_debian_package(soname)})")
    return None


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
