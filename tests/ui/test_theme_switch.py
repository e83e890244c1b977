"""View ▸ Theme switches every widget at once, light → dark → light, with no restart (issue 13, item 8).

The window runs under the application's real look (``theme.apply_theme``: Fusion plus
``resources/style.qss``), because the style sheet is what kept the side tables, their headers,
the dock titles and the article light under a dark palette: it had fixed their palettes when it
first polished them.  Each state is checked on rendered pixels (``grab``), not only on palettes.
"""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtGui import QAction, QColor, QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication

from desktop.ui import theme

pytestmark = pytest.mark.gui

DARK, LIGHT = 90, 170  # a dark background is below this lightness, a light one above that
MID = 128  # text on a dark background is lighter than this (the meta line is dimmed on purpose)


@pytest.fixture
def styled(window):
    """The window under the application's own style sheet, as ``claimdesk open`` runs it; the
    plain test look comes back afterwards, so other tests are not restyled."""
    app = QApplication.instance()
    style = app.style().name()
    window.settings.setValue("theme", "light")
    theme.apply_theme(app, window.settings)
    yield window
    app.setStyleSheet("")
    app.setStyle(style)
    theme.apply_color_scheme("system")


def switch(qtbot, win, value: str) -> None:
    action = next(a for a in win.findChildren(QAction) if a.objectName() == f"view.theme.{value}")
    action.trigger()  # View ▸ Theme ▸ Dark / Light
    qtbot.wait(50)
    assert action.isChecked() and win.settings.value("theme") == value


def pixel(widget, x: int, y: int) -> int:
    """The lightness of one rendered pixel (negative coordinates count from the far edge)."""
    image = widget.grab().toImage()
    return image.pixelColor(x % image.width(), y % image.height()).lightness()


def icon_contrast(win, action_id: str) -> int:
    """How far a toolbar button's icon stands out from the toolbar: the lightness of its most
    common non-background colour against the background's."""
    button = win.toolbar.widgetForAction(win.actions_by_id[action_id])
    image = button.grab().toImage()
    counts = Counter(image.pixelColor(x, y).rgb() for x in range(image.width()) for y in range(image.height()))
    (background, _), *rest = counts.most_common()
    bg = QColor(background).lightness()
    ink = max((QColor(rgb).lightness() for rgb, n in rest if n >= 4), key=lambda lightness: abs(lightness - bg))
    return abs(ink - bg)


def backgrounds(win) -> dict[str, int]:
    """The rendered background of each kind of widget."""
    return {
        "article": pixel(win.view.viewport(), 3, 3),
        "articles table": pixel(win.doc_table.viewport(), 5, -5),
        "quotes table": pixel(win.quotes_panel.table.viewport(), 5, -5),
        "entities table": pixel(win.entities_panel.table.viewport(), 5, -5),
        "table header": pixel(win.doc_table.horizontalHeader(), 3, 3),
        "article header": pixel(win.title_label, 1, 1),
        "legend": pixel(win.view.legend, 1, 1),
        "dock title": pixel(win.docs_dock, win.docs_dock.width() // 2, 4),
        "toolbar": pixel(win.toolbar, -3, 3),
    }


def texts(win) -> dict[str, int]:
    """The text colour each kind of widget draws with."""
    role, active = QPalette.ColorRole, QPalette.ColorGroup.Active  # disabled widgets too
    views = {f"{type(v.model()).__name__} text": v.palette().color(active, role.Text).lightness()
             for v in win.findChildren(QAbstractItemView)}
    return {
        "article text": win.view.palette().color(active, role.Text).lightness(),
        "title": win.title_label.palette().color(active, role.WindowText).lightness(),
        "meta line": win.meta_label.palette().color(active, role.WindowText).lightness(),
        "legend text": win.view.legend.palette().color(active, role.WindowText).lightness(),
        "dock title text": win.quotes_dock.palette().color(active, role.WindowText).lightness(),
        "table header text": win.doc_table.horizontalHeader().palette().color(active, role.ButtonText).lightness(),
        **views,
    }


def check(win, dark: bool) -> None:
    for kind, lightness in backgrounds(win).items():
        assert (lightness < DARK) if dark else (lightness > LIGHT), (kind, lightness)
    for kind, lightness in texts(win).items():
        assert (lightness > MID) if dark else (lightness < DARK), (kind, lightness)
    # a disabled toolbar button (nothing to undo yet) is clearly dimmer than an enabled one with
    # the same grey icon, in either theme
    assert not win.actions_by_id["edit.undo"].isEnabled() and win.actions_by_id["file.export"].isEnabled()
    enabled, disabled = icon_contrast(win, "file.export"), icon_contrast(win, "edit.undo")
    assert enabled > 80 and enabled > 2 * disabled, (enabled, disabled)


def test_theme_switch_restyles_every_widget_both_ways(qtbot, styled, tmp_path):
    win = styled
    check(win, dark=False)
    for step, value in enumerate(("dark", "light", "dark", "light")):
        switch(qtbot, win, value)
        assert win.grab().save(str(tmp_path / f"{step}-{value}.png"))
        check(win, dark=value == "dark")
