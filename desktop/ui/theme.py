"""The window's look: colours, icons, the light or dark palette, the style sheet."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QByteArray, QPoint, QRect, QRectF, QSettings, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPalette,
    QPixmap,
    QPixmapCache,
)
from PySide6.QtSvg import QSvgRenderer
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


#: The grey of the neutral toolbar icons (import, export, undo, redo, arrows, search), and the grey
#: it becomes on a dark palette, where the light one would be too faint to read.
NEUTRAL_ICON, NEUTRAL_ICON_DARK = "#6c757d", "#b4bac0"
#: How strongly a disabled icon is drawn: the same for every palette, so a disabled button is as
#: clearly dimmer than an enabled one on dark as on light.
DISABLED_ICON_OPACITY = 0.35


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether ``palette`` (the application's by default) is a dark one (its Base is dark)."""
    palette = palette if palette is not None else QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5


class _SvgIcon(QIconEngine):
    """An SVG icon drawn for the palette of the moment it is painted in: its neutral grey lighter
    on a dark palette, and its disabled look drawn here at one opacity.  (Qt's SVG icons grey
    their disabled pixmaps once per icon and cache them whatever the palette, so after a theme
    switch the disabled toolbar buttons kept the old theme's greying.)"""

    def __init__(self, svg: str):
        super().__init__()
        self._svg = svg
        self._renderers: dict[bool, QSvgRenderer] = {}
        self._pixmaps: dict[tuple[int, int, bool, QIcon.Mode], QPixmap] = {}

    def _renderer(self, dark: bool) -> QSvgRenderer:
        renderer = self._renderers.get(dark)
        if renderer is None:
            svg = self._svg.replace(NEUTRAL_ICON, NEUTRAL_ICON_DARK) if dark else self._svg
            renderer = self._renderers[dark] = QSvgRenderer(QByteArray(svg.encode("utf-8")))
        return renderer

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        painter.save()
        if mode == QIcon.Mode.Disabled:
            painter.setOpacity(painter.opacity() * DISABLED_ICON_OPACITY)
        self._renderer(is_dark()).render(painter, QRectF(rect))
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        key = (size.width(), size.height(), is_dark(), mode)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            pixmap = QPixmap(size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
            painter.end()
            self._pixmaps[key] = pixmap
        return pixmap

    def clone(self) -> QIconEngine:
        return _SvgIcon(self._svg)


def icon(name: str) -> QIcon:
    """``resources/icons/<name>.svg``, drawn for whichever palette is current when it is painted."""
    path = resources_dir() / "icons" / f"{name}.svg"
    return QIcon(_SvgIcon(path.read_text(encoding="utf-8"))) if path.exists() else QIcon()


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
    a dark or the standard palette is set instead.  Either way every widget is restyled at once
    (:func:`restyle`), so a switch needs no restart.
    """
    app = QApplication.instance()
    hints = QGuiApplication.styleHints()
    wanted = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(value, Qt.ColorScheme.Unknown)
    if hasattr(hints, "setColorScheme"):
        if wanted == Qt.ColorScheme.Unknown and hasattr(hints, "unsetColorScheme"):
            hints.unsetColorScheme()
        else:
            hints.setColorScheme(wanted)
    if not isinstance(app, QApplication):
        return
    _follow_platform(app)
    if wanted == Qt.ColorScheme.Dark:
        # the platform's own dark palette when it switched, else ours; never a palette left
        # over from an earlier forced light
        app.setPalette(QPalette() if hints.colorScheme() == Qt.ColorScheme.Dark else dark_palette())
    elif wanted == Qt.ColorScheme.Light:
        app.setPalette(app.style().standardPalette())
    else:
        app.setPalette(QPalette())  # nothing set: the platform's palette (or the style's)
    restyle(app)


def restyle(app: QApplication) -> None:
    """Make every widget take the application's current palette now.

    A palette change alone does not reach widgets the style sheet styles (tables, headers, dock
    titles, the article and its header): the style sheet style fixed their palette when it
    polished them.  Setting the sheet again repolishes every widget against the new palette.
    Style pixmaps cached under the old palette are dropped, and the windows repaint (the
    toolbar's icons draw themselves for the palette they are painted in, see :func:`icon`).
    """
    QPixmapCache.clear()
    sheet = app.styleSheet()
    if sheet:
        app.setStyleSheet(sheet)
    for widget in app.topLevelWidgets():
        widget.update()


_FOLLOWING: list[QApplication] = []


def _follow_platform(app: QApplication) -> None:
    """Restyle when the platform changes its scheme by itself (the desktop's setting flipped, or
    a switch it applies after the call that asked for it)."""
    if app in _FOLLOWING:
        return
    _FOLLOWING.append(app)
    hints = QGuiApplication.styleHints()
    if hasattr(hints, "colorSchemeChanged"):
        hints.colorSchemeChanged.connect(lambda _scheme: restyle(app))


def apply_theme(app: QApplication, settings: QSettings | None = None) -> None:
    """Fusion style with the system's light or dark palette (or the one chosen in View ▸ Theme)."""
    app.setStyle("Fusion")
    qss = resources_dir() / "style.qss"
    if qss.exists():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    settings = settings or QSettings(ORG_NAME, APP_NAME)
    apply_color_scheme(str(settings.value("theme", "system")))

