"""The window's look: colours, icons, the light or dark palette, the style sheet."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from desktop.paths import resources_dir

ORG_NAME, APP_NAME = "Claimdesk", "Claimdesk"
CLAIM_COLOR = "#e63946"
SPEAKER_PALETTE = ["#4361ee", "#2a9d8f", "#9d4edd", "#e76f51", "#0081a7", "#6a994e", "#bc4749", "#7209b7"]


def speaker_color(name: str | None) -> str:
    if not name:
        return "#8d99ae"
    digest = hashlib.md5(name.encode("utf-8")).digest()
    return SPEAKER_PALETTE[digest[0] % len(SPEAKER_PALETTE)]


def app_icon() -> QIcon:
    path = resources_dir() / "icons" / "claimdesk.svg"
    return QIcon(str(path)) if path.exists() else QIcon()


def icon(name: str) -> QIcon:
    path = resources_dir() / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()


def dark_palette() -> QPalette:
    """Fusion's colours for a dark scheme, for platforms whose theme cannot switch on request."""
    pal = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#2b2d30", QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1f22", QPalette.ColorRole.AlternateBase: "#27292c",
        QPalette.ColorRole.ToolTipBase: "#3c3f41", QPalette.ColorRole.ToolTipText: "#e6e6e6",
        QPalette.ColorRole.PlaceholderText: "#8c8f94", QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#36383b", QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.BrightText: "#ff6b6b", QPalette.ColorRole.Highlight: "#3d6bc4",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.Link: "#6ea8fe",
        QPalette.ColorRole.Light: "#4a4d51", QPalette.ColorRole.Midlight: "#3c3f42",
        QPalette.ColorRole.Mid: "#2f3134", QPalette.ColorRole.Dark: "#1a1b1d", QPalette.ColorRole.Shadow: "#000000",
    }
    for role, value in colors.items():
        pal.setColor(role, QColor(value))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7d82"))
    return pal


def apply_color_scheme(value: str) -> None:
    """``system`` follows the desktop's light or dark setting; ``light``/``dark`` force one.

    Qt >= 6.8 asks the platform theme to switch; where it cannot (no desktop theme, offscreen),
    a dark or the standard palette is set instead.
    """
    app = QApplication.instance()
    hints = QGuiApplication.styleHints()
    wanted = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(value, Qt.ColorScheme.Unknown)
    if hasattr(hints, "setColorScheme"):
        if wanted == Qt.ColorScheme.Unknown and hasattr(hints, "unsetColorScheme"):
            hints.unsetColorScheme()
        else:
            hints.setColorScheme(wanted)
    if app is None:
        return
    if wanted == Qt.ColorScheme.Dark and hints.colorScheme() != Qt.ColorScheme.Dark:
        app.setPalette(dark_palette())
    elif wanted != Qt.ColorScheme.Dark:
        app.setPalette(app.style().standardPalette())


def apply_theme(app: QApplication, settings: QSettings | None = None) -> None:
    """Fusion style with the system's light or dark palette (or the one chosen in View ▸ Theme)."""
    app.setStyle("Fusion")
    qss = resources_dir() / "style.qss"
    if qss.exists():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    settings = settings or QSettings(ORG_NAME, APP_NAME)
    apply_color_scheme(str(settings.value("theme", "system")))

