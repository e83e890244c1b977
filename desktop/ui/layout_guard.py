"""The layout protects what is read: the article's line and the article list's Title column.

:class:`ArticleRoom` keeps the article readable (:data:`READABLE_CHARS` average characters a
line, at the view's current font: a zoom counts).  When the window gets too narrow for the article beside the
docks, the inspector docks (quotes, claims, entities, history) leave the right-hand column and
become tabs beside the article list, so the article gets their width; when the window grows back
enough for both, the layout the editor had is restored.  The header above the article (title,
outlet · date · status) never widens the article's column: a longer status ("new" → "in
progress") does not reflow the text (``desktop/ui/layout.py`` lets those labels wrap instead).

:func:`keep_title_column` stops the list's content-sized columns (outlet, date) from squeezing the
stretched Title column to nothing, after an import or when the list gets narrower.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QEvent, QObject, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QStyle, QTableView, QToolBar

READABLE_CHARS = 45  # the narrowest line the article may have, in average characters
RESTORE_SLACK_CHARS = 4  # the inspectors come back only with this much to spare (no flip-flop)
TITLE_MIN_CHARS = 16  # the Title column keeps at least this many characters …
TITLE_MIN_SHARE = 0.4  # … or this share of the list's width, whichever is more


class ArticleRoom(QObject):
    """Collapse the inspector docks into tabs beside ``home`` when the article would be narrower
    than :data:`READABLE_CHARS`, and restore them when the window has room again."""

    def __init__(self, win: QMainWindow, home: QDockWidget, inspectors: Sequence[QDockWidget]) -> None:
        super().__init__(win)
        self.win = win
        self.home = home
        self.inspectors = list(inspectors)
        self.collapsed = False
        self._state: QByteArray | None = None  # the window's dock layout before the collapse
        self._home_width = 0  # the home dock's width before the collapse
        self._room = 0  # the width the inspectors' column took beside the article
        self._timer = QTimer(self, singleShot=True, interval=0)  # after the layout has settled
        self._timer.timeout.connect(self.check)
        win.centralWidget().installEventFilter(self)
        win.view.installEventFilter(self)  # a zoom changes what a readable line needs

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        if event.type() in (QEvent.Type.Resize, QEvent.Type.FontChange):
            self._timer.start()
        return False

    def readable_width(self) -> int:
        """The central column's width at which the article shows :data:`READABLE_CHARS` a line."""
        view = self.win.view
        margins = self.win.centralWidget().layout().contentsMargins()
        chrome = (2 * view.document().documentMargin() + 2 * view.frameWidth()
                  + view.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, view)
                  + margins.left() + margins.right())
        return math.ceil(view.fontMetrics().averageCharWidth() * READABLE_CHARS + chrome)

    def check(self) -> None:
        width, need = self.win.centralWidget().width(), self.readable_width()
        if not self.collapsed and width < need:
            self.collapse()
        elif self.collapsed:
            slack = self.win.view.fontMetrics().averageCharWidth() * RESTORE_SLACK_CHARS
            after = width + self.home.width() - self._home_width - self._room  # the article, restored
            if after >= need + slack:
                self.restore()

    def _docked(self) -> list[QDockWidget]:
        """The inspectors shown beside the article (not floating, not closed, not already home)."""
        home_area = self.win.dockWidgetArea(self.home)
        return [d for d in self.inspectors
                if not d.isFloating() and not d.isHidden() and self.win.dockWidgetArea(d) != home_area]

    def collapse(self) -> None:
        docked = self._docked()
        if not docked:
            return
        separator = self.win.style().pixelMetric(QStyle.PixelMetric.PM_DockWidgetSeparatorExtent, None, self.win)
        self._room = max(d.width() for d in docked) + separator
        self._home_width = self.home.width()
        self._state = self.win.saveState()
        self.collapsed = True
        for dock in docked:
            self.win.tabifyDockWidget(self.home, dock)
        self.home.raise_()

    def restore(self) -> None:
        """The docks as they were before the collapse; a dock or toolbar the editor showed or hid
        meanwhile (the Search dock, say) stays as they left it."""
        self.collapsed = False
        others = [w for w in (*self.win.findChildren(QDockWidget), *self.win.findChildren(QToolBar))
                  if w not in self.inspectors]
        hidden = {w: w.isHidden() for w in others}
        if self._state is not None:
            self.win.restoreState(self._state)
        self._state = None
        for w, was_hidden in hidden.items():
            if w.isHidden() != was_hidden:
                w.setVisible(not was_hidden)

    def state_to_save(self) -> QByteArray:
        """The dock layout to remember on close: the editor's, not the collapsed one."""
        return self._state if self.collapsed and self._state is not None else self.win.saveState()


def keep_title_column(view: QTableView, title: int, shrinkable: Sequence[int]) -> None:
    """Keep the stretched ``title`` column readable: when the other columns leave it less than
    :data:`TITLE_MIN_CHARS` (or :data:`TITLE_MIN_SHARE` of the width), the ``shrinkable`` ones
    (widest first) give way, each down to its header's width; their text is elided.  Runs after
    the columns are fitted (connect it after ``fit_columns_when_reloaded``) and when the list's
    width changes."""
    header = view.horizontalHeader()

    def fit(*_: object) -> None:
        fm = view.fontMetrics()
        avail = view.viewport().width()
        want = max(fm.averageCharWidth() * TITLE_MIN_CHARS, int(avail * TITLE_MIN_SHARE))
        others = sum(header.sectionSize(c) for c in range(header.count()) if c != title and not header.isSectionHidden(c))
        excess = others + want - avail
        for column in sorted(shrinkable, key=header.sectionSize, reverse=True):
            if excess <= 0:
                break
            label = str(view.model().headerData(column, header.orientation()) or "")
            floor = fm.horizontalAdvance(label) + 2 * fm.averageCharWidth() + 8
            cut = min(excess, header.sectionSize(column) - floor)
            if cut > 0:
                header.resizeSection(column, header.sectionSize(column) - cut)
                excess -= cut

    class _Width(QObject):
        def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
            if event.type() == QEvent.Type.Resize:
                fit()
            return False

    model = view.model()
    model.modelReset.connect(fit)
    model.rowsInserted.connect(fit)
    model.layoutChanged.connect(fit)
    view.viewport().installEventFilter(_Width(view))
    fit()
