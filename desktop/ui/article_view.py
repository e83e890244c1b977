"""The article view: one article's text with its annotations drawn as highlights.

The view never edits the store and never touches the text.  The view paints its highlights
itself, only for the visible paragraphs: backgrounds under the text, then Qt's text, then
underlines and an overlay over it (the selected span's outline, claim bars in the left margin
and bottom rules, quote -> speaker/cue links).  Line rectangles come from the document layout
and are cached per range until the layout changes (another part, width or font size), so an
edit costs about the same in a long article as in a short one.  Qt's own ExtraSelections are
not used: Qt lays out and redraws the text runs of every selection format on each paint.
Mouse and keyboard gestures become *requests* (signals) that the main window turns into edits.

Offsets in the public API are Python string offsets (code points) into the text; Qt positions
are UTF-16 code units, and the view converts between the two (an emoji before a span shifts Qt
positions by one).

Any text the importer accepts stays responsive (Qt lays a paragraph out as a whole, and one
unbroken line of megabytes took minutes):

- display-only breaks: a run of more than ``DISPLAY_RUN`` characters without a space, or a
  paragraph of more than ``DISPLAY_PARAGRAPH`` characters (broken after a space), is shown as
  several paragraphs without a gap between them, so it reads as wrapped lines;
- parts: an article of more than ``PART_CHARS`` characters is shown one part at a time, with a
  bar above the text (``parts_bar``) that says so and steps between parts; selecting text or a
  span elsewhere (find, Tab, the inspectors) shows its part.  A span crossing a part's edge is
  drawn up to the edge.

Both are the same mapping as the emoji one (``_qt`` / ``_py``): the text, offsets, selections,
copied text and every request stay the document's own.

Layers and how they are drawn (paint order: quotes, then claims, then mentions on top):

- entity mention: coloured background by label colour;
- quote content: a light tint of the quote colour on every content fragment;
- speaker: solid underline in the quote colour; cue: dotted underline in the quote colour;
- claim: a bar in the left margin and a rule under each line, in the claim colour;
- suggestions (``suggested=True``): lighter fill and a dashed/dotted underline (claims: dashed);
- the selected span: stronger fill and an outline; a selected or hovered quote outlines its
  speaker and cue and draws a connector from the quote to its speaker.

Keys: the view handles the keys that :data:`desktop.app.keymap.KEYMAP` gives a ``request`` (see
``_request_for``); ``KEYMAP`` here is that table's rows for the article, for the cheat sheet.

Mouse: click a span to select it (the innermost one when nested); drag to select text (snapped to
whole tokens on release); double-click selects a word; drag the left or right edge of the
selected span to resize it (one resize request when the drag ends; Escape cancels the drag).

While the view has focus its keys win over window shortcuts with the same keys (the view accepts
``ShortcutOverride`` for them), so a menu action bound to "A" or "Delete" does not fire twice:
the main window acts on the view's request signal instead.

Signals (the main window turns them into edits, then calls ``patch_spans`` with the spans of the
rows the edit changed, or ``set_spans`` with all of them when it cannot say which):

- ``sig_span_clicked(key)``: a click landed on a span (innermost when nested);
- ``sig_span_selected(key | None)``: the selected span changed by a user gesture (click on a span,
  click off all spans, Escape); ``select_span`` itself emits nothing;
- ``sig_selection_changed(start, end)``: text selection snapped to tokens, ``(-1, -1)`` cleared;
- ``sig_label_requested(n)``, ``sig_key_requested(name)``, ``sig_resize_requested(key, s, e)``.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import NamedTuple

import shiboken6
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QTextEdit, QToolTip, QWidget

from desktop.app import keymap
from desktop.core.text import sentence_spans as split_sentences
from desktop.core.text import word_spans as token_spans
from desktop.ui.span_table import SpanTable

__all__ = [
    "KEYMAP",
    "ArticleView",
    "Highlight",
    "SpanItem",
    "snap_to_tokens",
    "split_sentences",
    "token_spans",
]

Key = tuple[str, int]

#: (keys, what they do) while the article has focus, from the one key map (desktop/app/keymap.py).
KEYMAP: list[tuple[str, str]] = [(b.shown or " / ".join(b.keys), b.what) for b in keymap.KEYMAP
                                 if b.where in (keymap.ARTICLE, keymap.CLAIM) or b.request]


_KEYS: dict[tuple[int, int], tuple[str, int]] = {}


def _key_table() -> dict[tuple[int, int], tuple[str, int]]:
    """(Qt key, modifiers) -> (request, the key's digit or direction), from the key map (read once)."""
    if _KEYS:
        return _KEYS
    table = _KEYS
    for b in keymap.view_bindings():
        for text in b.keys:
            combo = QKeySequence(text)[0]
            key = combo.key()
            arg = -1 if key == Qt.Key.Key_Left else 1
            if Qt.Key.Key_0 <= key <= Qt.Key.Key_9:
                arg = int(key) - int(Qt.Key.Key_0)
            table[(int(key), int(combo.keyboardModifiers().value))] = (b.request, arg)
    return table


_SHIFT_FREE = {Qt.Key.Key_Plus, Qt.Key.Key_Underscore, Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Return,
               Qt.Key.Key_Enter, Qt.Key.Key_Escape}  # also with Shift (Ctrl++ is Ctrl+Shift+= on many layouts)
_ZOOM = {"zoom_in": "in", "zoom_out": "out", "zoom_reset": "reset"}

#: Paint order: lower first (drawn underneath).
_LAYER_ORDER = {"quote": 0, "claim": 1, "speaker": 2, "cue": 2, "mention": 3}
#: Tie-break for span_at when two spans have the same length: higher wins.
_PICK_PRIORITY = {"mention": 4, "speaker": 3, "cue": 3, "claim": 1, "quote": 0}

_PROPORTIONAL = QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
_ASTRAL_RE = re.compile("[\U00010000-\U0010FFFF]")

BASE_POINT_SIZE = 12.0
MIN_POINT_SIZE = 7.0
MAX_POINT_SIZE = 32.0
LINE_HEIGHT_PERCENT = 140
DOC_MARGIN = 28
EDGE_GRAB_PX = 4
#: Longest run of characters without a space shown as one line of text (display only).
DISPLAY_RUN = 2_000
#: Longest paragraph shown as one paragraph; a longer one is broken after a space (display only).
DISPLAY_PARAGRAPH = 10_000
#: Longer articles are shown one part of about this many characters at a time.
PART_CHARS = 500_000
#: Span objects, hit-test and paint tables are built for the text on screen and this many
#: characters either side of it (the rest when the view scrolls there, or is asked for a span).
WINDOW_CHARS = 4_000
#: A longer part is put into its QTextDocument this much first (a screen's worth and more: what
#: setDocument costs grows with the text), the rest in steps of ``FILL_STEP`` characters when the
#: event loop is idle (each step is laid out as it goes in), or at once when a selection, a span or
#: its rectangles beyond what is filled are asked for.
FIRST_FILL = 8_000
FILL_STEP = 10_000

# Runs and paragraphs that need a display break; anchored at their start so the scan is linear.
_LONG_RUN_RE = re.compile(r"(?<!\S)\S{" + str(DISPLAY_RUN + 1) + ",}")
_LONG_PARA_RE = re.compile(r"(?<![^\n\u2029])[^\n\u2029]{" + str(DISPLAY_PARAGRAPH + 1) + ",}")


@dataclass(frozen=True)
class SpanItem:
    """One thing to draw: a mention, quote, claim, or a quote's speaker/cue."""

    key: Key
    start: int
    end: int
    color: str
    suggested: bool
    label: str = ""
    fragments: tuple[tuple[int, int], ...] = ()
    links: tuple[Key, ...] = ()

    @property
    def layer(self) -> str:
        return self.key[0]

    def parts(self) -> tuple[tuple[int, int], ...]:
        """The ranges this span covers (a quote's content fragments, otherwise start..end)."""
        return self.fragments or ((self.start, self.end),)

    def contains(self, pos: int) -> bool:
        return any(s <= pos < e for s, e in self.parts())


def _pick_order(t: tuple[int, int, SpanItem]) -> tuple[int, int, Key]:
    return t[0], t[1], t[2].key


def _claim_order(sp: SpanItem) -> tuple[int, Key]:
    return sp.start, sp.key


def _entry_order(en: tuple) -> tuple[int, int, Key, int]:
    return en[0], en[2], en[3], en[1]


def _paint_order(en: tuple) -> tuple[int, int]:
    return en[2], en[0]


class _Style(NamedTuple):
    """How one paint entry is drawn: a background under the text and/or an underline over it."""

    background: QColor | None
    line: Qt.PenStyle | None
    line_ink: QColor | None


_ARGB = QColor.NameFormat.HexArgb
_LINE_NAMES = {Qt.PenStyle.SolidLine: "solid", Qt.PenStyle.DashLine: "dash", Qt.PenStyle.DotLine: "dot"}


@dataclass(frozen=True)
class Highlight:
    """One background/underline a paint draws (see :meth:`ArticleView.highlights`)."""

    start: int
    end: int
    key: Key
    background: str  # "#aarrggbb", or "" for none
    underline: str  # "solid", "dash", "dot", or "" for none
    underline_color: str
    qt_start: int  # the same range as Qt positions in the part shown
    qt_end: int


# Tokens and sentences (pure functions, no Qt) ------------------------------------------------------

class _Tokens:
    """Token boundaries of one text with fast lookups."""

    def __init__(self, text: str, offset: int = 0) -> None:
        self.spans = [(s + offset, e + offset) for s, e in token_spans(text)] if offset else token_spans(text)
        self.starts = [s for s, _ in self.spans]
        self.ends = [e for _, e in self.spans]

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        """Extend to whole tokens, trim surrounding whitespace/punctuation; None when no token."""
        if end < start:
            start, end = end, start
        if start == end:
            return None
        i = bisect.bisect_right(self.ends, start)  # first token ending after start
        j = bisect.bisect_left(self.starts, end) - 1  # last token starting before end
        if i >= len(self.spans) or j < i:
            return None
        return self.starts[i], self.ends[j]

    def at(self, pos: int) -> tuple[int, int] | None:
        """The token containing ``pos`` (or the one just before it, for a click past a word)."""
        i = bisect.bisect_right(self.starts, pos) - 1
        if i >= 0 and pos <= self.ends[i]:
            return self.spans[i]
        return None

    def next_end(self, end: int) -> int | None:
        i = bisect.bisect_right(self.ends, end)
        return self.ends[i] if i < len(self.ends) else None

    def prev_end(self, end: int) -> int | None:
        i = bisect.bisect_left(self.ends, end) - 1
        return self.ends[i] if i >= 0 else None

    def next_start(self, start: int) -> int | None:
        i = bisect.bisect_right(self.starts, start)
        return self.starts[i] if i < len(self.starts) else None

    def prev_start(self, start: int) -> int | None:
        i = bisect.bisect_left(self.starts, start) - 1
        return self.starts[i] if i >= 0 else None

    def start_near(self, pos: int) -> int:
        """Token start for a dragged left edge at ``pos``: the start of the token at or after it."""
        tok = self.at(pos)
        if tok and tok[0] <= pos < tok[1]:
            return tok[0]
        nxt = self.next_start(pos - 1) if pos > 0 else (self.starts[0] if self.starts else None)
        return nxt if nxt is not None else pos

    def end_near(self, pos: int) -> int:
        """Token end for a dragged right edge at ``pos``: the end of the token at or before it."""
        i = bisect.bisect_right(self.starts, pos - 1) - 1 if pos > 0 else -1
        if i >= 0 and self.starts[i] < pos <= self.ends[i]:
            return self.ends[i]
        prev = self.prev_end(pos + 1)
        return prev if prev is not None else pos


def snap_to_tokens(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Snap a selection to whole tokens, trimming whitespace and punctuation around it."""
    return _Tokens(text).snap(start, end)


def _fill_cut(text: str, size: int, start: int = 0, end: int | None = None) -> int:
    """Where a fill step of ``text[start:end]`` ends (an offset into ``text``): after the first line
    break from ``size`` characters on (the next step starts a paragraph, so the filled ones keep
    their layout), else at the end."""
    end = len(text) if end is None else end
    if end - start <= size:
        return end
    k = text.find("\n", start + size, end)
    return end if k < 0 or k + 1 >= end else k + 1


def part_starts(text: str, size: int = PART_CHARS) -> list[int]:
    """Where each part of a long text starts (``[0]`` for a text of at most ``size`` characters).

    A part ends after the last line break in its last quarter, else after the last space there,
    else at ``size`` characters.
    """
    starts, n = [0], len(text)
    while n - starts[-1] > size:
        lo, cut = starts[-1] + size * 3 // 4, starts[-1] + size
        k = max(text.rfind("\n", lo, cut), text.rfind("\u2029", lo, cut))
        if k < 0:
            k = max(text.rfind(" ", lo, cut), text.rfind("\t", lo, cut))
        starts.append(k + 1 if k >= 0 else cut)
    return starts


def _no_long_run(paragraph: str) -> bool:
    """Whether ``paragraph`` has no run of more than ``DISPLAY_RUN`` characters without a space.

    Such a run holds a whole block of ``DISPLAY_RUN // 2`` characters that starts at a multiple of
    it, so when every such block has a space (a few ``in`` tests, no list of words) there is none;
    otherwise the words are measured."""
    step = DISPLAY_RUN // 2
    if all(" " in paragraph[i : i + step] for i in range(0, len(paragraph) - step + 1, step)):
        return True
    return max(map(len, paragraph.split()), default=0) <= DISPLAY_RUN


def display_breaks(text: str) -> list[int]:
    """Offsets in ``text`` before which the view shows a display-only paragraph break.

    Runs without a space longer than ``DISPLAY_RUN`` are cut every ``DISPLAY_RUN`` characters;
    what is left of a paragraph longer than ``DISPLAY_PARAGRAPH`` is cut after its last space
    within that length (or at it, when there is none).  Ordinary articles get none.
    """
    if "\u2029" not in text:
        # the common case, without the regex scans: no paragraph too long, and no run too long in
        # the paragraphs longer than a run may be (str.split() and \S agree on whitespace)
        long = [p for p in text.split("\n") if len(p) > DISPLAY_RUN]
        if not long or (max(map(len, long)) <= DISPLAY_PARAGRAPH and all(map(_no_long_run, long))):
            return []
    runs: list[int] = []
    for m in _LONG_RUN_RE.finditer(text):
        runs.extend(range(m.start() + DISPLAY_RUN, m.end(), DISPLAY_RUN))
    extra: list[int] = []
    for m in _LONG_PARA_RE.finditer(text):
        seg = m.start()
        for b in [*runs[bisect.bisect_right(runs, m.start()) : bisect.bisect_left(runs, m.end())], m.end()]:
            while b - seg > DISPLAY_PARAGRAPH:
                cut = seg + DISPLAY_PARAGRAPH
                k = max(text.rfind(" ", seg + DISPLAY_PARAGRAPH // 2, cut), text.rfind("\t", seg + DISPLAY_PARAGRAPH // 2, cut))
                seg = k + 1 if k >= 0 else cut
                extra.append(seg)
            seg = b
    return sorted(runs + extra) if extra else runs


# Colours -----------------------------------------------------------------------------------------


def _color(hex_: str, alpha: float | None = None) -> QColor:
    c = QColor(hex_)
    if not c.isValid():
        c = QColor("#888888")
    if alpha is not None:
        c.setAlphaF(alpha)
    return c


def _ink(hex_: str, dark: bool) -> QColor:
    """A line colour from a span colour, readable on the current background."""
    c = _color(hex_)
    h, s, v, _ = c.getHsvF()
    if dark:
        return QColor.fromHsvF(h, min(s, 0.55), max(v, 0.85))
    return QColor.fromHsvF(h, max(s, 0.55), min(v, 0.72))


def _is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5


# The legend --------------------------------------------------------------------------------------


class _Legend(QWidget):
    """A strip of label swatches with hotkeys and style samples; wraps to the widget width.  While
    a claim is selected it shows what the digits mean then: the claim labels and their keys."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels: list[tuple[str, str, str]] = []
        self._claim_labels: list[tuple[str, str, str]] = []
        self.claim_mode = False  # a claim is selected: the digits label it
        self._height = 0
        self.setObjectName("articleLegend")
        self._relayout()

    def set_labels(self, labels: list[tuple[str, str, str]]) -> None:
        self._labels = list(labels)
        self._relayout()
        self.update()

    def set_claim_labels(self, labels: list[tuple[str, str, str]]) -> None:
        """(hotkey, "label set: name", colour) per claim label with a key."""
        self._claim_labels = list(labels)
        if self.claim_mode:
            self._relayout()
            self.update()

    def show_claim_labels(self, on: bool) -> None:
        if on != self.claim_mode:
            self.claim_mode = on
            self._relayout()
            self.update()

    def texts(self) -> list[str]:
        """What the legend shows, item by item (for tests and the bench)."""
        return [text for _, text, _ in self._items()]

    # (kind, text, colour)
    def _items(self, claims: bool | None = None) -> list[tuple[str, str, str]]:
        if (self.claim_mode if claims is None else claims) and self._claim_labels:
            return [("heading", "Claim keys:", ""), *(("label", f"{hk} {name}", color)
                                                       for hk, name, color in self._claim_labels)]
        items = [("label", f"{hk} {name}" if hk else name, color) for hk, name, color in self._labels]
        items += [
            ("accepted", "accepted", "#4c78a8"),
            ("suggested", "suggested", "#4c78a8"),
            ("quote", "“quote”", "#e45756"),
            ("speaker", "speaker", "#e45756"),
            ("cue", "cue", "#e45756"),
            ("claim", "claim", "#b279a2"),
        ]
        return items

    def _layout(self, width: int, claims: bool | None = None) -> tuple[list[tuple[QRectF, tuple[str, str, str]]], int]:
        fm = QFontMetricsF(self.font())
        x, y, row_h, gap = 6.0, 4.0, fm.height() + 6, 6.0
        out = []
        for item in self._items(claims):
            w = fm.horizontalAdvance(item[1]) + 12 + (10 if item[0] == "claim" else 0)
            if x + w > width - 6 and x > 6:
                x, y = 6.0, y + row_h + 4
            out.append((QRectF(x, y, w, row_h), item))
            x += w + gap
        return out, int(y + row_h + 4)

    def _relayout(self) -> None:
        # as tall as the taller of its two faces, so selecting a claim never moves the article
        h = max(self._layout(max(self.width(), 200), claims)[1] for claims in (False, True))
        if h != self._height:
            self._height = h
            self.setFixedHeight(h)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._relayout()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(600, self._height)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        dark = _is_dark(self.palette())
        text_color = self.palette().color(QPalette.ColorRole.WindowText)
        fm = QFontMetricsF(self.font())
        rects, _ = self._layout(self.width())
        for rect, (kind, text, color) in rects:
            tr = rect.adjusted(6, 0, -6, 0)
            if kind == "claim":
                p.fillRect(QRectF(rect.x() + 2, rect.y() + 2, 3, rect.height() - 4), _ink(color, dark))
                tr = rect.adjusted(14, 0, -4, 0)
            base_y = tr.y() + (tr.height() - fm.height()) / 2 + fm.ascent()
            under_y = base_y + 2.5
            text_w = fm.horizontalAdvance(text)
            if kind in ("label", "accepted"):
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(_color(color, 0.45 if dark else 0.35))
                p.drawRoundedRect(rect.adjusted(0, 2, 0, -2), 3, 3)
            elif kind == "suggested":
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(_color(color, 0.2 if dark else 0.13))
                p.drawRoundedRect(rect.adjusted(0, 2, 0, -2), 3, 3)
                p.setPen(QPen(_ink(color, dark), 1.2, Qt.PenStyle.DashLine))
                p.drawLine(QPointF(tr.x(), under_y), QPointF(tr.x() + text_w, under_y))
            elif kind == "quote":
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(_color(color, 0.2 if dark else 0.14))
                p.drawRoundedRect(rect.adjusted(0, 2, 0, -2), 3, 3)
            elif kind == "speaker":
                p.setPen(QPen(_ink(color, dark), 1.5))
                p.drawLine(QPointF(tr.x(), under_y), QPointF(tr.x() + text_w, under_y))
            elif kind == "cue":
                p.setPen(QPen(_ink(color, dark), 1.5, Qt.PenStyle.DotLine))
                p.drawLine(QPointF(tr.x(), under_y), QPointF(tr.x() + text_w, under_y))
            elif kind == "claim":
                p.setPen(QPen(_ink(color, dark), 2))
                p.drawLine(QPointF(tr.x(), under_y + 1), QPointF(tr.x() + text_w, under_y + 1))
            p.setPen(text_color)
            p.drawText(QPointF(tr.x(), base_y), text)
        p.end()


# The parts bar ----------------------------------------------------------------------------------


class _PartsBar(QWidget):
    """Above a very long article: which part of it is shown, and buttons to the others."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("partsBar")
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.prev_button = QPushButton("◀ Previous")
        self.prev_button.setToolTip("Show the previous part of the article")
        self.next_button = QPushButton("Next ▶")
        self.next_button.setToolTip("Show the next part of the article")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 8, 3)
        layout.addWidget(self.label, 1)
        for button in (self.prev_button, self.next_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the article keeps the keyboard
            layout.addWidget(button)

    def set_part(self, index: int, count: int, start: int, end: int, total: int) -> None:
        self.label.setText(f"A very long article, shown in parts: part {index + 1} of {count} "
                           f"(characters {start + 1:,}–{end:,} of {total:,}).")
        self.label.setToolTip("Annotations that cross the edge of a part are drawn up to the edge. Find, Tab "
                              "and the inspectors show the part they need.")
        self.prev_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < count - 1)

    def text(self) -> str:
        return self.label.text()


# The view ----------------------------------------------------------------------------------------


class ArticleView(QTextEdit):
    """A read-only text view that draws spans and turns gestures into requests."""

    #: Key of the span under a click (innermost/shortest when nested).
    sig_span_clicked = Signal(object)
    #: The selected span changed by a user gesture: its key, or None (click off spans, Escape).
    sig_span_selected = Signal(object)
    #: Text selection (start, end) snapped to token boundaries; (-1, -1) when cleared.
    sig_selection_changed = Signal(int, int)
    #: Keys 1-9: 1-based index into the schema's hotkeys.
    sig_label_requested = Signal(int)
    #: Other editor keys: "delete", "accept", "reject", "accept_all", "next", "prev", "claim",
    #: "quote", "speaker", "cue", "escape" (after the view cleared its own selection).
    sig_key_requested = Signal(str)
    #: key, new start, new end: once when an edge drag ends, or per Shift+arrow press.
    sig_resize_requested = Signal(object, int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setUndoRedoEnabled(False)
        self.setAcceptRichText(False)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(True)
        self.setObjectName("articleView")

        self._base_font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
        self._base_font.setPointSizeF(BASE_POINT_SIZE)
        self.setFont(self._base_font)
        self.document().setDocumentMargin(DOC_MARGIN)

        self._text = ""
        self._tokens_cache: _Tokens | None = None
        # The shown part [_base, _limit) of the text (the whole text unless it is very long), and
        # where Qt positions and Python offsets part: one more Qt position after each key in
        # _extra_py (a character outside the BMP, or the character before a display-only break);
        # _extra_qt holds the same places as Qt positions (the first UTF-16 unit, or the break).
        self._parts: list[int] = [0]
        self._part = 0
        self._base = 0
        self._limit = 0
        self._extra_py: list[int] = []
        self._extra_qt: list[int] = []
        self._soft: list[int] = []  # offsets before which a display-only break is shown
        self._marks: dict[tuple[int, int, str], tuple[list[int], list[int]]] = {}  # see _offset_marks
        # Every span of the article, by position and key, built into SpanItems on demand.  The
        # tables below hold only the spans reaching _window (a Python range around what was last on
        # screen, within the part shown; None: not built yet): _ensure_window builds them.
        self._table = SpanTable(clean=self._clean)
        self._window: tuple[int, int] | None = None
        self._linked_from: dict[Key, list[Key]] = {}  # speaker/cue key -> quotes linking to it
        self._pick: list[tuple[int, int, SpanItem]] = []  # (start, end, span) per part, by start
        self._pick_starts: list[int] = []
        self._pick_maxlen = 0
        self._claims: list[SpanItem] = []
        self._claim_starts: list[int] = []
        self._claim_maxlen = 0  # the longest claim (an upper bound): paint starts no earlier than that
        self._clip: tuple[int, int] = (0, 0)  # Python range on screen, set per paint
        self._entries: list[tuple[int, int, int, Key, _Style]] = []
        self._entry_starts: list[int] = []
        self._entry_maxlen = 0
        self._styles: dict[tuple, _Style] = {}
        # line rectangles per Qt range, in document coordinates, for the layout _rect_key names
        self._rect_cache: dict[tuple[int, int], list[tuple[float, float, float, float, float]]] = {}
        self._rect_key: tuple[int, float, float, int] | None = None
        self._selected: Key | None = None
        self._hover: Key | None = None
        self._last_emitted_sel: tuple[int, int] = (-1, -1)
        self._press_pos: QPoint | None = None
        self._resize: tuple[Key, str] | None = None  # (key, "start"|"end") while dragging an edge
        self._preview: tuple[int, int] | None = None  # live range of the span being resized
        self._batch_depth = 0  # inside batched(): one repaint is asked for, when it ends
        self._batch_dirty = False
        self._dark = _is_dark(self.palette())
        self._wheel_zoom = 0  # accumulated Ctrl+wheel delta (trackpads send small steps)
        #: How often all spans were rebuilt (set_spans), and how many single spans were patched
        #: (patch_spans): for tests that an edit redoes only what it changed.
        self.spans_rebuilt = 0
        self.spans_patched = 0
        #: How often the highlights asked for a repaint, and how many line rectangles were measured
        #: (the rest come from the cache): for tests that an edit repaints once and measures little.
        self.highlight_passes = 0
        self.rects_measured = 0

        self.legend = _Legend()
        self.legend.setFont(self._small_font())
        self.parts_bar = _PartsBar(self)
        self.parts_bar.hide()
        # the part's text not yet in the document, as (source, start, end): a long part is filled in
        # steps (see FIRST_FILL), read from the text by offsets
        self._unfilled: tuple[str, int, int] = ("", 0, 0)
        self._fill_timer = QTimer(self)
        self._fill_timer.setSingleShot(True)
        self._fill_timer.setInterval(0)
        self._fill_timer.timeout.connect(self._fill_step)
        self.parts_bar.prev_button.clicked.connect(lambda: self.show_part(self._part - 1))
        self.parts_bar.next_button.clicked.connect(lambda: self.show_part(self._part + 1))

    # Public API --------------------------------------------------------------------------------

    def set_document(self, text: str, spans: Sequence[SpanItem] | SpanTable) -> None:
        """Show a new article (resets scroll, selection and the selected span); a very long one
        from its first part."""
        self._text = text
        self._parts = part_starts(text)
        self._selected = None
        self._table = SpanTable(clean=self._clean)  # the old article's highlights must not be applied to the new text
        self._load_part(0)
        self.set_spans(spans)
        self.verticalScrollBar().setValue(0)

    def part_count(self) -> int:
        """How many parts the article is shown in (1 unless it is longer than ``PART_CHARS``)."""
        return len(self._parts)

    def current_part(self) -> int:
        return self._part

    def part_range(self) -> tuple[int, int]:
        """The (start, end) offsets of the part shown."""
        return self._base, self._limit

    def show_part(self, index: int) -> None:
        """Show part ``index`` of a long article, from its top (spans and the selected span stay)."""
        index = max(0, min(index, len(self._parts) - 1))
        if index == self._part:
            return
        self._load_part(index)
        self._rebuild_base()
        self._update_highlights()
        self.verticalScrollBar().setValue(0)

    def _show_part_of(self, pos: int) -> None:
        """Show the part holding offset ``pos`` (the current one when ``pos`` is at its end)."""
        if not self._base <= pos <= self._limit:
            self.show_part(bisect.bisect_right(self._parts, pos) - 1)

    def _load_part(self, index: int) -> None:
        """Fill a new QTextDocument with part ``index``; set the offset mapping for it."""
        text = self._text
        base = self._parts[index]
        limit = self._parts[index + 1] if index + 1 < len(self._parts) else len(text)
        astral, breaks = self._offset_marks(text, base, limit)
        self._part, self._base, self._limit, self._soft = index, base, limit, breaks
        self._extra_py = sorted(astral + [b - 1 for b in breaks]) if breaks else astral
        self._extra_qt = [] if breaks else [p - base + i for i, p in enumerate(astral)]
        if breaks:  # after _extra_py: _qt is complete for Python -> Qt already
            self._extra_qt = sorted([self._qt(a) for a in astral] + [self._qt(b) - 1 for b in breaks])
        self._tokens_cache = None
        self._hover = None
        self._resize = None
        self._preview = None
        self._last_emitted_sel = (-1, -1)
        # QTextDocument treats "\r" (and "\r\n") as paragraph breaks: keep offsets one-to-one.
        # The part is read from the text by offsets (src[at:end]): a long part is not copied.
        if text.find("\r", base, limit) >= 0:
            src = text[base:limit].replace("\r\n", " \n").replace("\r", "\n")
            at, end = 0, len(src)
        else:
            src, at, end = text, base, limit
        # Fill a fresh document before attaching it: no relayout per change, and the block format
        # (line height, paragraph spacing) is set once and inherited by every paragraph.
        doc = QTextDocument(self)
        doc.setUndoRedoEnabled(False)
        doc.setDefaultFont(self.font())
        doc.setDocumentMargin(DOC_MARGIN)
        cur = QTextCursor(doc)
        normal = self._paragraph_format()
        cur.setBlockFormat(normal)
        self._fill_timer.stop()
        self._unfilled = ("", 0, 0)
        if not breaks:
            cut = _fill_cut(src, FIRST_FILL, at, end)
            cur.insertText(src[at:cut])
            if cut < end:
                self._unfilled = (src, cut, end)
                self._fill_timer.start()
        else:
            # a display-only break: a new paragraph without the gap after the one it ends
            soft = self._paragraph_format()
            soft.setBottomMargin(0)
            prev = at
            for b in breaks:
                cur.insertText(src[prev : at + b - base])
                cur.setBlockFormat(soft)
                cur.insertBlock(normal)
                prev = at + b - base
            cur.insertText(src[prev:end])
        # No highlights of the old mapping while the scroll bar adjusts to the new document
        # (setDocument emits scroll changes before the entries are rebuilt).
        self._clear_window()
        self._rect_cache, self._rect_key = {}, None
        old = self.document()
        self.setDocument(doc)
        if old is not None and shiboken6.isValid(old) and old.parent() is self:
            # now, not deleteLater(): until it is deleted, the old document goes on laying itself
            # out in steps (QTextDocumentLayout's lazy layout timer), and a loop that only
            # processes events (the bench, tests) never deletes it
            shiboken6.delete(old)
        multi = len(self._parts) > 1
        if multi:
            self.parts_bar.set_part(index, len(self._parts), base, limit, len(text))
        self.parts_bar.setVisible(multi)
        self._place_parts_bar()

    #: How many parts' offset marks (:meth:`_offset_marks`) the view keeps: switching back and
    #: forth between articles finds them again.
    MARKS_KEPT = 4

    def _offset_marks(self, text: str, base: int, limit: int) -> tuple[list[int], list[int]]:
        """Where the Python offsets and Qt positions of the part ``text[base:limit]`` part
        (characters outside the BMP) and where display-only breaks go, as offsets into the text:
        scans of the whole part (a long article's first part is half a million characters), so
        kept for the last few parts (by the whole text: the store gives the same string back while
        the project does not change, and a string keeps its hash)."""
        key = (base, limit, text)
        found = self._marks.pop(key, None)
        if found is None:
            part = text if (base, limit) == (0, len(text)) else text[base:limit]
            # (the UTF-16 length says whether there are any, much faster than the regex finds none)
            astral = [] if part.isascii() or len(part.encode("utf-16-le", "surrogatepass")) == 2 * len(part) else [
                m.start() + base for m in _ASTRAL_RE.finditer(part)]
            found = (astral, [b + base for b in display_breaks(part)])
        self._marks[key] = found  # most recent last
        while len(self._marks) > self.MARKS_KEPT:
            del self._marks[next(iter(self._marks))]
        return list(found[0]), list(found[1])

    def _fill_step(self) -> None:
        """Put the next ``FILL_STEP`` characters of the part into the document (idle time)."""
        src, at, end = self._unfilled
        if at >= end:
            return
        cut = _fill_cut(src, FILL_STEP, at, end)
        self._unfilled = (src, cut, end) if cut < end else ("", 0, 0)
        cur = QTextCursor(self.document())
        cur.movePosition(QTextCursor.MoveOperation.End)
        cur.insertText(src[at:cut])
        if cut < end:
            self._fill_timer.start()
        else:
            self.viewport().update()

    def _fill(self, qpos: int | None = None) -> None:
        """The part's text up to Qt position ``qpos`` (all of it when None) is in the document."""
        src, at, end = self._unfilled
        if at < end and (qpos is None or qpos > self.document().characterCount() - 1):
            self._fill_timer.stop()
            self._unfilled = ("", 0, 0)
            cur = QTextCursor(self.document())
            cur.movePosition(QTextCursor.MoveOperation.End)
            cur.insertText(src[at:end])

    def filled(self) -> bool:
        """Whether the part shown is in the document whole (a long one is filled in steps)."""
        return self._unfilled[1] >= self._unfilled[2]

    def _place_parts_bar(self) -> None:
        """The parts bar sits above the text, as wide as it (the scroll bar stays beside the text)."""
        bar = self.parts_bar
        if bar.isHidden():
            if self.viewportMargins().top():
                self.setViewportMargins(0, 0, 0, 0)
            return
        r = self.contentsRect()
        width = r.width() - (self.verticalScrollBar().width() if self.verticalScrollBar().isVisible() else 0)
        height = bar.heightForWidth(width) if bar.hasHeightForWidth() else bar.sizeHint().height()
        height = max(height, bar.minimumSizeHint().height())
        if self.viewportMargins().top() != height:
            self.setViewportMargins(0, height, 0, 0)
        bar.setGeometry(r.x(), r.y(), width, height)

    @property
    def _by_key(self) -> Mapping[Key, SpanItem]:
        """Every span by key (a span is built when it is first asked for)."""
        return self._table.by_key

    @property
    def _spans(self) -> list[SpanItem]:
        """Every span (all of them built, once per change)."""
        return self._table.spans()

    def set_spans(self, spans: Sequence[SpanItem] | SpanTable) -> None:
        """Same text, annotations changed: keeps scroll position and text selection.

        ``spans`` is a list of spans, or a :class:`~desktop.ui.span_table.SpanTable` (copied) whose
        spans are built only when the view needs them: those near what is on screen, the one
        asked for by key (``select_span``), all of them when ``_spans`` is read."""
        if isinstance(spans, SpanTable):
            self._table = spans.copy(clean=self._clean)
        else:
            self._table = SpanTable.of(spans, clean=self._clean)
        self.spans_rebuilt += 1
        self._forget_gone()
        self._rebuild_base()
        self._update_highlights()

    def patch_spans(self, changed: Sequence[SpanItem], removed: Iterable[Key] = ()) -> None:
        """Same text, a few annotations changed: ``changed`` are added or replace the spans with
        their keys, ``removed`` keys go.  Only those spans are redone (a long article's other
        spans are not touched); the result is the same as :meth:`set_spans` with the full list.
        """
        gone = {sp.key for sp in changed} | set(removed)
        self.spans_patched += len(gone)
        if self._window is not None:
            for key in gone:
                old = self._table.built(key)
                if old is not None:
                    self._unindex(old)
        self._table.patch(changed, removed)
        if self._window is not None:
            lo, hi = self._window
            for sp in changed:
                new = self._table.get(sp.key)
                if new is not None and new.end > lo and new.start < hi:
                    self._index(new)
        self._forget_gone()
        self._update_highlights()

    def _clear_window(self) -> None:
        """Forget the tables of the window (built again when next needed)."""
        self._window = None
        self._linked_from = {}
        self._pick, self._pick_starts, self._pick_maxlen = [], [], 0
        self._claims, self._claim_starts, self._claim_maxlen = [], [], 0
        self._entries, self._entry_starts, self._entry_maxlen = [], [], 0

    def _ensure_window(self, lo: int, hi: int) -> None:
        """Build the hit-test and paint tables for the spans reaching the Python range [lo, hi)
        and ``WINDOW_CHARS`` either side of it (within the part), unless they are built."""
        w = self._window
        if w is not None and w[0] <= lo and hi <= w[1]:
            return
        lo, hi = max(self._base, lo - WINDOW_CHARS), min(self._limit, max(hi, lo) + WINDOW_CHARS)
        clean = self._table.overlapping(lo, hi)
        self._linked_from = {}
        for sp in clean:
            for k in sp.links:
                self._linked_from.setdefault(k, []).append(sp.key)
        pick = [(s, e, sp) for sp in clean for s, e in sp.parts() if e > s]
        pick.sort(key=_pick_order)
        self._pick = pick
        self._pick_starts = [t[0] for t in pick]
        self._pick_maxlen = max((e - s for s, e, _ in pick), default=0)
        self._claims = sorted((sp for sp in clean if sp.layer == "claim"), key=_claim_order)
        self._claim_starts = [c.start for c in self._claims]
        self._claim_maxlen = max((c.end - c.start for c in self._claims), default=0)
        self._build_entries(clean)
        self._window = (lo, hi)

    def _clean(self, sp: SpanItem) -> SpanItem | None:
        """The span clamped to the text; None when nothing of it is left."""
        n = len(self._text)
        if not sp.fragments and 0 <= sp.start < sp.end <= n:
            return sp  # (most spans are fine as they are)

        def clamp(a: int, b: int) -> tuple[int, int]:
            return max(0, min(a, n)), max(0, min(b, n))

        s, e = clamp(sp.start, sp.end)
        frags = tuple(f for f in (clamp(*f) for f in sp.fragments) if f[1] > f[0])
        if e <= s and not frags:
            return None
        if (s, e) != (sp.start, sp.end) or frags != sp.fragments:
            sp = replace(sp, start=s, end=e, fragments=frags)
        return sp

    def _forget_gone(self) -> None:
        if self._selected is not None and self._selected not in self._by_key:
            self._selected = None
        if self._hover is not None and self._hover not in self._by_key:
            self._hover = None

    def _index(self, sp: SpanItem) -> None:
        """Add one span to the lookup and paint tables (kept in the order set_spans builds)."""
        for k in sp.links:
            self._linked_from.setdefault(k, []).append(sp.key)
        for s, e in sp.parts():
            if e > s:
                i = bisect.bisect_left(self._pick, _pick_order((s, e, sp)), key=_pick_order)
                self._pick.insert(i, (s, e, sp))
                self._pick_starts.insert(i, s)
                self._pick_maxlen = max(self._pick_maxlen, e - s)
        if sp.layer == "claim":
            i = bisect.bisect_left(self._claims, _claim_order(sp), key=_claim_order)
            self._claims.insert(i, sp)
            self._claim_starts.insert(i, sp.start)
            self._claim_maxlen = max(self._claim_maxlen, sp.end - sp.start)
        for entry in self._entries_of(sp):
            i = bisect.bisect_left(self._entries, _entry_order(entry), key=_entry_order)
            self._entries.insert(i, entry)
            self._entry_starts.insert(i, entry[0])
            self._entry_maxlen = max(self._entry_maxlen, entry[1] - entry[0])

    def _unindex(self, sp: SpanItem) -> None:
        """Take one span out of the tables ``_index`` fills (the max lengths stay upper bounds)."""
        for k in sp.links:
            keys = self._linked_from.get(k, [])
            if sp.key in keys:
                keys.remove(sp.key)
                if not keys:
                    del self._linked_from[k]
        for s, e in sp.parts():
            if e > s:
                i = bisect.bisect_left(self._pick, _pick_order((s, e, sp)), key=_pick_order)
                if i < len(self._pick) and self._pick[i][2].key == sp.key:
                    del self._pick[i], self._pick_starts[i]
        if sp.layer == "claim":
            i = bisect.bisect_left(self._claims, _claim_order(sp), key=_claim_order)
            if i < len(self._claims) and self._claims[i].key == sp.key:
                del self._claims[i], self._claim_starts[i]
        for entry in self._entries_of(sp):
            i = bisect.bisect_left(self._entries, _entry_order(entry), key=_entry_order)
            if i < len(self._entries) and self._entries[i][3] == sp.key:
                del self._entries[i], self._entry_starts[i]

    def select_span(self, key: object) -> None:
        """Mark a span selected, scroll it into view and show its links (None clears)."""
        key = key if key in self._by_key else None
        if key is not None:
            self._show_part_of(self._by_key[key].start)
        self._selected = key
        self._preview = None
        self._update_highlights()
        if key is not None:
            self._ensure_visible(self._by_key[key])

    def selected_key(self) -> object | None:
        return self._selected

    def selection(self) -> tuple[int, int] | None:
        cur = self.textCursor()
        if not cur.hasSelection():
            return None
        return self._py(cur.selectionStart()), self._py(cur.selectionEnd())

    def set_selection(self, start: int, end: int) -> None:
        """Select text (Python offsets); an empty range clears the selection.  Emits nothing.

        In a long article the part holding ``start`` is shown (and the selection ends with it)."""
        self._show_part_of(max(0, start))
        end = min(end, self._limit)
        self._fill(self._qt(max(start, end)))
        cur = QTextCursor(self.document())
        if end > start:
            cur.setPosition(self._qt(start))
            cur.setPosition(self._qt(end), QTextCursor.MoveMode.KeepAnchor)
            self._last_emitted_sel = (start, end)
        else:
            cur.setPosition(self._qt(max(0, start)))
            self._last_emitted_sel = (-1, -1)
        self.setTextCursor(cur)

    def span_at(self, pos: int) -> object | None:
        """Key of the innermost (shortest) span covering Python offset ``pos``."""
        sp = self._span_item_at(pos)
        return sp.key if sp else None

    def cursor_offset(self) -> int:
        """The text cursor's offset in the document."""
        return self._py(self.textCursor().position())

    def top_offset(self) -> int:
        """The offset of the text at the top of the viewport (where the editor has scrolled to)."""
        return self._py(self.cursorForPosition(QPoint(4, 4)).position())

    def scroll_to_offset(self, pos: int) -> None:
        """Scroll so that offset ``pos`` is at the top of the viewport (its part shown)."""
        self._show_part_of(max(0, pos))
        cur = QTextCursor(self.document())
        cur.setPosition(self._qt(pos))
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + self.cursorRect(cur).top())

    def sentence_at_cursor(self) -> tuple[int, int]:
        """The sentence around the text cursor (or the selection start); (-1, -1) if none.

        Sentences of the part shown (the whole article unless it is very long)."""
        pos = self._py(self.textCursor().selectionStart())
        base = self._base
        sentences = [(s + base, e + base) for s, e in split_sentences(self._shown_text())]
        for s, e in sentences:
            if s <= pos < e or pos == e:
                return s, e
        # between sentences (whitespace): the next one
        for s, e in sentences:
            if s >= pos:
                return s, e
        return sentences[-1] if sentences else (-1, -1)

    def zoom_in(self) -> None:
        self._set_point_size(self.font().pointSizeF() + 1)

    def zoom_out(self) -> None:
        self._set_point_size(self.font().pointSizeF() - 1)

    def zoom_reset(self) -> None:
        self._set_point_size(BASE_POINT_SIZE)

    def font_point_size(self) -> float:
        return self.font().pointSizeF()

    def set_hotkey_labels(self, labels: list[tuple[str, str, str]]) -> None:
        """(hotkey, name, colour) per label, for the legend."""
        self.legend.set_labels(labels)

    def set_claim_hotkey_labels(self, labels: list[tuple[str, str, str]]) -> None:
        """(hotkey, text, colour) per claim label with a key: the legend while a claim is selected."""
        self.legend.set_claim_labels(labels)

    def tooltip_at(self, pos: int) -> str:
        """Labels of the spans under ``pos``, innermost first, one a line."""
        return "\n".join(sp.label for sp in self._spans_at(pos) if sp.label)

    def span_rects(self, key: object) -> list[QRectF]:
        """Viewport rectangles (one per line fragment) a span covers; for tests and overlays."""
        sp = self._by_key.get(key)  # type: ignore[arg-type]
        if sp is None:
            return []
        self._fill(self._qt(sp.end))
        rects: list[QRectF] = []
        for s, e in sp.parts():
            rects += self._range_rects(self._qt(s), self._qt(e))
        return rects

    @property
    def _tokens(self) -> _Tokens:
        """Token boundaries of the part shown, computed on first use (snapping, resizing,
        double-click)."""
        if self._tokens_cache is None:
            self._tokens_cache = _Tokens(self._shown_text(), self._base)
        return self._tokens_cache

    def _shown_text(self) -> str:
        if (self._base, self._limit) == (0, len(self._text)):
            return self._text
        return self._text[self._base : self._limit]

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802
        """Copy gives the document's characters (no display-only breaks, "\r" as it was)."""
        data = QMimeData()
        sel = self.selection()
        data.setText(self._text[sel[0] : sel[1]] if sel else "")
        return data

    # Offsets -------------------------------------------------------------------------------------

    def _qt(self, pos: int) -> int:
        """Qt position of Python offset ``pos`` (clamped to the part shown)."""
        pos = min(max(pos, self._base), self._limit)
        if not self._extra_py:
            return pos - self._base
        return pos - self._base + bisect.bisect_left(self._extra_py, pos)

    def _py(self, pos: int) -> int:
        """Python offset of Qt position ``pos`` (a display-only break maps to the offset after it)."""
        if not self._extra_qt:
            return pos + self._base
        return pos + self._base - bisect.bisect_left(self._extra_qt, pos)

    def span_key_at_point(self, point: QPoint | QPointF) -> object | None:
        """Key of the span under a viewport point (for context menus), or None."""
        pos = self._hit_pos(point)
        return self.span_at(pos) if pos is not None else None

    def _pos_at(self, point: QPoint | QPointF) -> int:
        return self._py(self.cursorForPosition(QPoint(int(point.x()), int(point.y()))).position())

    def _hit_pos(self, point: QPoint | QPointF) -> int | None:
        """Python offset of the character under ``point`` (not the nearest cursor gap), or None."""
        p = QPointF(point)
        qpos = self.cursorForPosition(p.toPoint()).position()
        for cand in (qpos - 1, qpos):
            if cand < 0:
                continue
            for r in self._range_rects(cand, cand + 1):
                if r.adjusted(-0.5, 0, 0.5, 0).contains(p):
                    return self._py(cand)
        return None

    # Drawing -------------------------------------------------------------------------------------

    def _small_font(self) -> QFont:
        f = QFont(self._base_font)
        f.setPointSizeF(max(8.0, BASE_POINT_SIZE - 3))
        return f

    def _paragraph_format(self) -> QTextBlockFormat:
        fmt = QTextBlockFormat()
        fmt.setLineHeight(LINE_HEIGHT_PERCENT, _PROPORTIONAL)
        fmt.setBottomMargin(round(QFontMetricsF(self.font()).height() * 0.6))
        return fmt

    def _set_point_size(self, size: float) -> None:
        size = max(MIN_POINT_SIZE, min(MAX_POINT_SIZE, size))
        if size == self.font().pointSizeF():
            return
        f = QFont(self.font())
        f.setPointSizeF(size)
        self.setFont(f)  # QTextEdit passes it on as the document's default font
        cur = QTextCursor(self.document())
        cur.select(QTextCursor.SelectionType.Document)
        cur.mergeBlockFormat(self._paragraph_format())  # paragraph spacing follows the font
        gapless = QTextBlockFormat()
        gapless.setBottomMargin(0)
        for b in self._soft:  # display-only breaks stay without a gap
            QTextCursor(self.document().findBlock(self._qt(b) - 1)).mergeBlockFormat(gapless)
        self.viewport().update()  # the rectangles are measured again for the new layout

    def _style(self, layer: str, color: str, suggested: bool, selected: bool) -> _Style:
        ck = (layer, color, suggested, selected, self._dark)
        style = self._styles.get(ck)
        if style is not None:
            return style
        dark = self._dark
        ink = _ink(color, dark)
        bg: QColor | None = None
        line: Qt.PenStyle | None = None
        line_ink: QColor | None = ink
        if layer == "mention":
            alpha = (0.45 if dark else 0.33) if not suggested else (0.22 if dark else 0.14)
            if selected:
                alpha = 0.62 if dark else 0.5
            bg = _color(color, alpha)
            if suggested:
                line = Qt.PenStyle.DashLine
        elif layer == "quote":
            alpha = (0.2 if dark else 0.13) if not suggested else (0.12 if dark else 0.09)
            if selected:
                alpha = 0.3 if dark else 0.22
            bg = _color(color, alpha)
            if suggested:
                line, line_ink = Qt.PenStyle.DotLine, _color(ink.name(), 0.6)
        elif layer == "speaker":
            line = Qt.PenStyle.DashLine if suggested else Qt.PenStyle.SolidLine
            if selected:
                bg = _color(color, 0.3 if dark else 0.2)
        elif layer == "cue":
            line = Qt.PenStyle.DotLine
            if selected:
                bg = _color(color, 0.3 if dark else 0.2)
        elif layer == "claim":
            # claims are mostly drawn by the overlay (margin bar + rule); a faint wash when selected
            if selected:
                bg = _color(color, 0.16 if dark else 0.1)
        style = _Style(bg, line, line_ink if line is not None else None)
        self._styles[ck] = style
        return style

    def _rebuild_base(self) -> None:
        """The spans, the part shown or the styles changed: the window's tables are built again
        when they are next needed (``_ensure_window``)."""
        self._clear_window()

    def _build_entries(self, spans: Sequence[SpanItem]) -> None:
        """Paint entries (Qt range, paint order, key, style), sorted by start; built per window
        (``patch_spans`` inserts and removes single entries in the same order).

        A paint draws only the entries that reach the visible part (``_chosen``), from line
        rectangles cached per Qt range (``_line_rects``), so the cost of a paint or an edit does
        not grow with the article.
        """
        entries: list[tuple[int, int, int, Key, _Style]] = []
        base, limit, extra, at = self._base, self._limit, self._extra_py, bisect.bisect_left
        for sp in spans:
            if sp.layer == "claim":
                continue
            if sp.fragments:
                entries += self._entries_of(sp)
                continue
            a, b = min(max(sp.start, base), limit), min(max(sp.end, base), limit)  # _qt, inlined
            qa, qb = (a - base + at(extra, a), b - base + at(extra, b)) if extra else (a - base, b - base)
            if qb > qa:
                entries.append((qa, qb, _LAYER_ORDER.get(sp.layer, 1), sp.key,
                                self._style(sp.layer, sp.color, sp.suggested, False)))
        entries.sort(key=_entry_order)
        self._entries = entries
        self._entry_starts = [en[0] for en in entries]
        self._entry_maxlen = max((en[1] - en[0] for en in entries), default=0)

    def _entries_of(self, sp: SpanItem) -> list[tuple[int, int, int, Key, _Style]]:
        """One span's paint entries in the part shown (claims have none: the overlay draws them)."""
        if sp.layer == "claim":
            return []
        style = self._style(sp.layer, sp.color, sp.suggested, False)
        order = _LAYER_ORDER.get(sp.layer, 1)
        qt = self._qt
        return [(qa, qb, order, sp.key, style) for qa, qb in ((qt(s), qt(e)) for s, e in sp.parts()) if qb > qa]

    def _visible_qt_range(self) -> tuple[int, int]:
        """Qt positions of the first and last paragraphs in the viewport.

        The top comes from a hit test inside the text margin; the bottom from walking paragraph
        rectangles down from there (a hit test below the laid-out part can land anywhere while
        the document is still being laid out lazily).
        """
        doc = self.document()
        layout = doc.documentLayout()
        m = int(doc.documentMargin()) + 1
        scroll = self.verticalScrollBar().value()
        # below the top margin: a hit test in it lands anywhere while a long document is still
        # being laid out (right after set_document it gave the middle of the article)
        top = self.cursorForPosition(QPoint(m, max(0, m - scroll))).position()
        y_end = scroll + self.viewport().height()
        block = doc.findBlock(top)
        end = top
        while block.isValid():
            end = block.position() + block.length()
            if layout.blockBoundingRect(block).bottom() >= y_end:
                break
            block = block.next()
        return doc.findBlock(top).position(), end

    @contextmanager
    def batched(self) -> Iterator[None]:
        """Several changes in a row (an edit's patched spans, then the span it made selected, the
        caret moved) ask for one repaint, when the outermost batch ends."""
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
            if not self._batch_depth and self._batch_dirty:
                self._batch_dirty = False
                self._update_highlights()

    def _update_highlights(self) -> None:
        """The highlights changed: repaint (the paint picks what is on screen)."""
        self.legend.show_claim_labels(isinstance(self._selected, tuple) and self._selected[0] == "claim")
        if self._batch_depth:
            self._batch_dirty = True
            return
        self.highlight_passes += 1
        self.viewport().update()

    def _chosen(self, lo: int, hi: int) -> list[tuple[int, int, int, Key, _Style]]:
        """The paint entries reaching the Qt range [lo, hi), the selected span in its selected
        style, in paint order (layer, then start)."""
        self._ensure_window(self._py(lo), self._py(hi))
        sel_key = self._selected
        i_lo = bisect.bisect_left(self._entry_starts, lo - self._entry_maxlen)
        i_hi = bisect.bisect_left(self._entry_starts, hi)
        chosen = [en for en in self._entries[i_lo:i_hi] if en[1] > lo and en[3] != sel_key]
        if sel_key is not None:
            sp = self._by_key[sel_key]
            style = self._style(sp.layer, sp.color, sp.suggested, True)
            order = _LAYER_ORDER.get(sp.layer, 1)
            # drawn in its layer's slot, so spans nested inside it stay visible
            for s, e in self._shown_parts(sp):
                qa, qb = self._qt(s), self._qt(e)
                if qb > qa and qb > lo and qa < hi:
                    chosen.append((qa, qb, order, sel_key, style))
        chosen.sort(key=_paint_order)
        return chosen

    def highlights(self) -> list[Highlight]:
        """What a paint now draws as backgrounds and underlines (the entries reaching the visible
        part, in paint order): for tests, and what a patched view must share with a rebuilt one."""
        out = []
        for qa, qb, _, key, style in self._chosen(*self._visible_qt_range()):
            out.append(Highlight(self._py(qa), self._py(qb), key,
                                 style.background.name(_ARGB) if style.background is not None else "",
                                 _LINE_NAMES.get(style.line, "") if style.line is not None else "",
                                 style.line_ink.name(_ARGB) if style.line_ink is not None else "", qa, qb))
        return out

    def highlight_ranges(self) -> list[tuple[int, int]]:
        """The (start, end) Python ranges :meth:`highlights` draws, in paint order (tests)."""
        return [(h.start, h.end) for h in self.highlights()]

    def _layout_key(self) -> tuple[int, float, float, int]:
        doc = self.document()
        return id(doc), doc.textWidth(), doc.defaultFont().pointSizeF(), self._unfilled[2] - self._unfilled[1]

    def _line_rects(self, qa: int, qb: int) -> list[tuple[float, float, float, float, float]]:
        """Document rectangles (x, y, width, height, baseline) of the Qt range [qa, qb), one per
        line fragment; cached until the layout changes (another part, width or font size)."""
        key = self._layout_key()
        if key != self._rect_key:
            self._rect_key = key
            self._rect_cache = {}
        found = self._rect_cache.get((qa, qb))
        if found is None:
            if len(self._rect_cache) > 50_000:
                self._rect_cache.clear()
            found = self._rect_cache[(qa, qb)] = self._measure(qa, qb)
            self.rects_measured += 1
        return found

    def _measure(self, qa: int, qb: int) -> list[tuple[float, float, float, float, float]]:
        doc = self.document()
        layout = doc.documentLayout()
        rects = []
        block = doc.findBlock(qa)
        while block.isValid() and block.position() < qb:
            bpos = block.position()
            tl = block.layout()
            origin = layout.blockBoundingRect(block).topLeft()
            a = max(qa, bpos) - bpos
            b = min(qb, bpos + block.length() - 1) - bpos
            first = tl.lineForTextPosition(a).lineNumber() if b > a else tl.lineCount()
            for i in range(max(first, 0), tl.lineCount()):
                line = tl.lineAt(i)
                ls = line.textStart()
                if ls >= b:
                    break
                le = ls + line.textLength()
                if le <= a:
                    continue
                x1 = line.cursorToX(max(a, ls))[0]
                end = min(b, le)
                x2 = line.cursorToX(end)[0]
                if end == le and end > ls and block.text()[end - 1 : end] == " ":
                    x2 = line.cursorToX(end - 1)[0]  # not the trailing space of a wrapped line
                if x2 < x1:
                    x1, x2 = x2, x1
                y = origin.y() + line.y()
                rects.append((origin.x() + x1, y, max(1.0, x2 - x1), line.height(), y + line.ascent()))
            block = block.next()
        return rects

    def _range_rects(self, qa: int, qb: int) -> list[QRectF]:
        """Viewport rectangles of the Qt range [qa, qb), one per line fragment."""
        dx = -self.horizontalScrollBar().value()
        dy = -self.verticalScrollBar().value()
        return [QRectF(x + dx, y + dy, w, h) for x, y, w, h, _ in self._line_rects(qa, qb)]

    def _visible_range(self) -> tuple[int, int]:
        a, b = self._visible_qt_range()
        return self._py(a), self._py(b)

    def _rects_in(self, s: int, e: int, clip: tuple[int, int]) -> list[QRectF]:
        """Viewport rectangles of [s, e) within the Python range ``clip`` (what is on screen)."""
        a, b = max(s, clip[0]), min(e, clip[1])
        return self._range_rects(self._qt(a), self._qt(b)) if b > a else []

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Backgrounds under the text, then Qt's text (and the text selection), then underlines
        and the overlay over it; all of it only for what is on screen."""
        if not self._table:
            super().paintEvent(event)
            return
        qa, qb = self._visible_qt_range()
        chosen = self._chosen(qa, qb)
        dx = -self.horizontalScrollBar().value()
        dy = -self.verticalScrollBar().value()
        p = QPainter(self.viewport())
        try:
            self._paint_backgrounds(p, chosen, dx, dy)
        finally:
            p.end()
        super().paintEvent(event)
        p = QPainter(self.viewport())
        try:
            self._paint_underlines(p, chosen, dx, dy)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            # the overlay draws only what is on screen: a span over a whole long article costs a screen
            self._clip = (self._py(qa), self._py(qb))
            self._paint_claims(p)
            focus = self._selected or self._hover
            if focus is not None:
                self._paint_links(p, focus)
            if self._selected is not None:
                self._paint_selected(p, self._by_key[self._selected])
        finally:
            p.end()

    def _paint_backgrounds(self, p: QPainter, chosen: list, dx: float, dy: float) -> None:
        for qa, qb, _, _, style in chosen:
            if style.background is not None:
                for x, y, w, h, _ in self._line_rects(qa, qb):
                    p.fillRect(QRectF(x + dx, y + dy, w, h), style.background)

    def _paint_underlines(self, p: QPainter, chosen: list, dx: float, dy: float) -> None:
        """Underlines as Qt draws a format's: a line of the font's thickness just below the
        baseline, in the span's pen style."""
        fm = QFontMetricsF(self.document().defaultFont())
        offset = math.ceil(fm.underlinePos()) + 0.5
        width = max(1.0, fm.lineWidth())
        for qa, qb, _, _, style in chosen:
            if style.line is None:
                continue
            pen = QPen(style.line_ink, width, style.line)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            p.setPen(pen)
            for x, _, w, _, base in self._line_rects(qa, qb):
                y = base + dy + offset
                p.drawLine(QPointF(math.floor(x + dx), y), QPointF(math.floor(x + dx + w), y))

    def _paint_claims(self, p: QPainter) -> None:
        if not self._claims:
            return
        va, vb = self._clip
        # only the claims that can reach the screen: none starting after it, none ending before it
        lo = bisect.bisect_left(self._claim_starts, va - self._claim_maxlen)
        hi = bisect.bisect_left(self._claim_starts, vb)
        bar_x = DOC_MARGIN / 2 - 2
        for sp in self._claims[lo:hi]:
            if sp.end <= va:
                continue
            s, e = sp.start, sp.end
            if self._resize and self._resize[0] == sp.key and self._preview:
                s, e = self._preview
            rects = self._rects_in(s, e, self._clip)
            if not rects:
                continue
            ink = _ink(sp.color, self._dark)
            selected = sp.key == self._selected
            style = Qt.PenStyle.DashLine if sp.suggested else Qt.PenStyle.SolidLine
            if sp.suggested:
                ink.setAlphaF(0.7)
            pen = QPen(ink, 2.4 if selected else 1.6, style)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            p.setPen(pen)
            for r in rects:
                y = r.bottom() + 2.5
                p.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))
            top, bottom = rects[0].top(), rects[-1].bottom() + 3
            bar_ink = QColor(ink)
            if sp.suggested:
                bar_ink.setAlphaF(0.35)
            bar = QPen(bar_ink, 4 if selected else 3)
            bar.setCapStyle(Qt.PenCapStyle.FlatCap)
            p.setPen(bar)
            p.drawLine(QPointF(bar_x, top), QPointF(bar_x, bottom))

    def _outline(self, p: QPainter, rects: list[QRectF], pen: QPen) -> None:
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        for r in rects:
            p.drawRoundedRect(r.adjusted(-2, -1, 2, 1), 3, 3)

    def _paint_selected(self, p: QPainter, sp: SpanItem) -> None:
        if sp.layer == "claim":
            return  # drawn by _paint_claims (thicker) plus the wash
        parts = self._shown_parts(sp)
        rects: list[QRectF] = []
        for s, e in parts:
            rects += self._rects_in(s, e, self._clip)
        pen = QPen(_ink(sp.color, self._dark), 1.6 if sp.layer == "quote" else 2)
        self._outline(p, rects, pen)
        if rects:  # edge handles: the span can be resized by dragging them (where its edges show)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QBrush(_ink(sp.color, self._dark)))
            handles = []
            if parts[0][0] >= self._clip[0]:
                handles.append((rects[0], rects[0].left() - 2))
            if parts[-1][1] <= self._clip[1]:
                handles.append((rects[-1], rects[-1].right() + 2))
            for r, x in handles:
                p.drawRect(QRectF(x - 1.5, r.top() - 1, 3, r.height() + 2))

    def _shown_rects(self, key: Key) -> list[QRectF]:
        sp = self._by_key.get(key)
        return [r for s, e in sp.parts() for r in self._rects_in(s, e, self._clip)] if sp else []

    def _partners(self, key: Key) -> list[Key]:
        """Keys linked to ``key`` in either direction (links may be given on either side; from the
        other side, for the spans of the window: the spans a table builds link both ways)."""
        sp = self._by_key.get(key)
        if sp is not None and self._window is None:
            self._ensure_window(sp.start, sp.end)
        out = list(sp.links) if sp else []
        out += [k for k in self._linked_from.get(key, []) if k not in out]
        return [k for k in out if k in self._by_key and k != key]

    def _paint_links(self, p: QPainter, key: Key) -> None:
        """Outline what ``key`` is linked to; for a quote (or its speaker/cue) the quote's parts,
        plus a connector from the quote to its speaker."""
        sp = self._by_key.get(key)
        if sp is None:
            return
        if sp.layer == "quote":
            quotes = [sp]
        else:
            quotes = [self._by_key[k] for k in self._partners(key) if k[0] == "quote"]
            others = [k for k in self._partners(key) if k[0] != "quote"]
            if others:
                pen = QPen(_ink(sp.color, self._dark), 1.2, Qt.PenStyle.DashLine)
                self._outline(p, [r for k in others for r in self._shown_rects(k)], pen)
        for q in quotes:
            ink = _ink(q.color, self._dark)
            dashed = QPen(ink, 1.2, Qt.PenStyle.DashLine)
            q_rects = [r for s, e in q.parts() for r in self._rects_in(s, e, self._clip)]
            if key != q.key:
                self._outline(p, q_rects, dashed)
            for lk in self._partners(q.key):
                l_rects = self._shown_rects(lk)
                if not l_rects:
                    continue
                if lk != key:
                    self._outline(p, l_rects, dashed)
                if lk[0] == "speaker" and q_rects:
                    self._connector(p, q_rects, l_rects[0], ink)

    def _connector(self, p: QPainter, quote: list[QRectF], speaker: QRectF, ink: QColor) -> None:
        """A curve in the line gap from the nearest end of the quote to the speaker."""
        target = QPointF(speaker.center().x(), speaker.bottom() + 2)
        candidates = [QPointF(r.left() + 2, r.bottom() + 2) for r in quote]
        candidates += [QPointF(r.right() - 2, r.bottom() + 2) for r in quote]
        start = min(candidates, key=lambda c: abs(c.y() - target.y()) * 4 + abs(c.x() - target.x()))
        dip = 5.0 + min(6.0, abs(target.x() - start.x()) / 40)
        low = max(start.y(), target.y()) + dip
        path = QPainterPath(start)
        path.cubicTo(QPointF(start.x(), low), QPointF(target.x(), low), target)
        c = QColor(ink)
        c.setAlphaF(0.85)
        p.setPen(QPen(c, 1.4))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)
        p.setBrush(c)
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(start, 2.2, 2.2)
        p.drawEllipse(target, 2.2, 2.2)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place_parts_bar()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            dark = _is_dark(self.palette())
            if dark != self._dark:
                self._dark = dark
                self._styles.clear()
                self._rebuild_base()
                self._update_highlights()
            self.legend.setPalette(self.palette())

    # Hit testing ---------------------------------------------------------------------------------

    def _spans_at(self, pos: int) -> list[SpanItem]:
        """Spans covering ``pos``, innermost (shortest) first."""
        if pos < 0:
            return []
        self._ensure_window(pos, pos + 1)
        hi = bisect.bisect_right(self._pick_starts, pos)
        lo = bisect.bisect_left(self._pick_starts, pos - self._pick_maxlen)
        found = {sp.key: sp for s, e, sp in self._pick[lo:hi] if s <= pos < e}
        return sorted(found.values(), key=lambda sp: (sp.end - sp.start, -_PICK_PRIORITY.get(sp.layer, 0)))

    def _span_item_at(self, pos: int) -> SpanItem | None:
        found = self._spans_at(pos)
        return found[0] if found else None

    def _shown_parts(self, sp: SpanItem) -> tuple[tuple[int, int], ...]:
        """The span's parts as drawn: while its edge is dragged, the first/last part follow."""
        parts = sp.parts()
        if self._preview is None or sp.key != self._selected:
            return parts
        s, e = self._preview
        if len(parts) == 1:
            return ((s, e),)
        first, last = parts[0], parts[-1]
        mid = parts[1:-1]
        return tuple(p for p in ((s, first[1]), *mid, (last[0], e)) if p[1] > p[0])

    def _edge_at(self, point: QPointF) -> str | None:
        """"start"/"end" when ``point`` is within a few pixels of the selected span's edge."""
        if self._selected is None:
            return None
        sp = self._by_key[self._selected]
        s, e = self._preview or (sp.start, sp.end)
        self._fill(self._qt(e))
        for which, pos in (("start", s), ("end", e)):
            cur = QTextCursor(self.document())
            cur.setPosition(self._qt(pos))
            r = self.cursorRect(cur)
            if abs(point.x() - r.center().x()) <= EDGE_GRAB_PX and r.top() - 2 <= point.y() <= r.bottom() + 2:
                return which
        return None

    def _ensure_visible(self, sp: SpanItem) -> None:
        self._fill(self._qt(sp.end))
        cur = QTextCursor(self.document())
        cur.setPosition(self._qt(sp.start))
        r = self.cursorRect(cur)
        vp = self.viewport().rect()
        if r.top() < 0 or r.bottom() > vp.height():
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + r.top() - vp.height() // 3)

    # Mouse ---------------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            edge = self._edge_at(event.position())
            if edge is not None and self._selected is not None:
                sp = self._by_key[self._selected]
                self._resize = (self._selected, edge)
                self._preview = (sp.start, sp.end)
                event.accept()
                return
            self._press_pos = event.position().toPoint()
            cur = self.textCursor()
            if cur.hasSelection() and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                cur.clearSelection()  # a press inside the selection starts a new one, not a text drag
                self.setTextCursor(cur)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._resize is not None:
            key, which = self._resize
            sp = self._by_key.get(key)
            if sp is None:
                self._resize = None
                return
            pos = self._pos_at(event.position())
            s, e = self._preview or (sp.start, sp.end)
            if which == "start":
                ns = self._tokens.start_near(pos)
                if ns < e:
                    s = ns
            else:
                ne = self._tokens.end_near(pos)
                if ne > s:
                    e = ne
            if (s, e) != self._preview:
                self._preview = (s, e)
                self._update_highlights()
            event.accept()
            return
        super().mouseMoveEvent(event)
        if not event.buttons():
            self._update_hover(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._resize is not None and event.button() == Qt.MouseButton.LeftButton:
            key, _ = self._resize
            sp = self._by_key.get(key)
            preview = self._preview
            self._resize = None
            self._preview = None
            self._update_highlights()
            if sp is not None and preview is not None and preview != (sp.start, sp.end):
                self.sig_resize_requested.emit(key, preview[0], preview[1])
            elif sp is not None:
                self.sig_span_clicked.emit(key)  # pressed on an edge without dragging: a click
            event.accept()
            return
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        press, self._press_pos = self._press_pos, None
        cur = self.textCursor()
        if cur.hasSelection():
            self._snap_and_emit()
            return
        if press is None:
            return
        self._emit_selection((-1, -1))
        hit = self._hit_pos(event.position())
        key = self.span_at(hit) if hit is not None else None
        if key is not None:
            self._selected = key
            self._preview = None
            self._update_highlights()
            self.sig_span_clicked.emit(key)
            self.sig_span_selected.emit(key)
        elif self._selected is not None:
            self._selected = None
            self._update_highlights()
            self.sig_span_selected.emit(None)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton:
            super().mouseDoubleClickEvent(event)
            return
        pos = self._pos_at(event.position())
        tok = self._tokens.at(pos)
        if tok is None:
            tok = self._tokens.at(pos + 1)
        self._press_pos = None
        if tok is None:
            return
        self.set_selection(*tok)
        self._last_emitted_sel = (-1, -1)
        self._emit_selection(tok)
        event.accept()

    def _snap_and_emit(self) -> None:
        sel = self.selection()
        snapped = self._tokens.snap(*sel) if sel else None
        if snapped is None:
            cur = self.textCursor()
            cur.clearSelection()
            self.setTextCursor(cur)
            self._emit_selection((-1, -1))
            return
        if snapped != sel:
            prev = self._last_emitted_sel
            self.set_selection(*snapped)
            self._last_emitted_sel = prev
        self._emit_selection(snapped)

    def _emit_selection(self, sel: tuple[int, int]) -> None:
        if sel != self._last_emitted_sel:
            self._last_emitted_sel = sel
            self.sig_selection_changed.emit(sel[0], sel[1])

    def _update_hover(self, point: QPointF) -> None:
        edge = self._edge_at(point)
        self.viewport().setCursor(Qt.CursorShape.SizeHorCursor if edge else Qt.CursorShape.IBeamCursor)
        hit = self._hit_pos(point)
        sp = self._span_item_at(hit) if hit is not None else None
        key = sp.key if sp is not None else None
        # only quotes and their parts draw something on hover
        if key is not None and not (sp.links or key in self._linked_from):
            key = None
        if key != self._hover:
            self._hover = key
            self.viewport().update()

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802
        super().leaveEvent(event)
        if self._hover is not None:
            self._hover = None
            self.viewport().update()

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip:
            hit = self._hit_pos(QPointF(event.pos()))
            text = self.tooltip_at(hit) if hit is not None else ""
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._wheel_zoom += event.angleDelta().y()
            while self._wheel_zoom >= 120:
                self._wheel_zoom -= 120
                self.zoom_in()
            while self._wheel_zoom <= -120:
                self._wheel_zoom += 120
                self.zoom_out()
            event.accept()
            return
        super().wheelEvent(event)

    # Keyboard ------------------------------------------------------------------------------------

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002
        return False  # Tab / Shift+Tab are "next" / "prev" span requests

    def _request_for(self, event: QKeyEvent) -> tuple[str, object] | None:
        """What the key map asks of this key press (None: not one of the view's keys)."""
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key == Qt.Key.Key_Backtab:
            key, mods = Qt.Key.Key_Tab, mods | Qt.KeyboardModifier.ShiftModifier
        keys = _key_table()
        found = keys.get((int(key), int(mods.value)))
        if found is None and key in _SHIFT_FREE and mods & Qt.KeyboardModifier.ShiftModifier:
            found = keys.get((int(key), int((mods & ~Qt.KeyboardModifier.ShiftModifier).value)))
        if found is None:
            return None
        request, arg = found
        if request == "label":
            return ("label", arg)
        if request in _ZOOM:
            return ("zoom", _ZOOM[request])
        if request == "escape":
            return ("escape", None)
        if request in ("resize_end", "resize_start"):
            return ("resize", (request.removeprefix("resize_"), arg))
        return ("key", request)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and self._request_for(event) is not None:
            event.accept()  # our keys win over window shortcuts while the text has focus
            return True
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            self.keyPressEvent(event)
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        req = self._request_for(event)
        if req is None:
            super().keyPressEvent(event)
            return
        kind, arg = req
        event.accept()
        if kind == "key":
            self.sig_key_requested.emit(arg)
        elif kind == "label":
            self.sig_label_requested.emit(arg)
        elif kind == "zoom":
            {"in": self.zoom_in, "out": self.zoom_out, "reset": self.zoom_reset}[arg]()
        elif kind == "escape":
            self._clear_all()
        elif kind == "resize":
            self._resize_by_token(*arg)

    def _clear_all(self) -> None:
        if self._resize is not None:  # Escape during an edge drag cancels it
            self._resize = None
            self._preview = None
            self._update_highlights()
            return
        cur = self.textCursor()
        if cur.hasSelection():
            cur.clearSelection()
            self.setTextCursor(cur)
        self._emit_selection((-1, -1))
        if self._selected is not None:
            self._selected = None
            self._update_highlights()
            self.sig_span_selected.emit(None)
        self.sig_key_requested.emit("escape")  # e.g. cancel a pending "click the speaker"

    def _resize_by_token(self, edge: str, step: int) -> None:
        if self._selected is None:
            return
        sp = self._by_key[self._selected]
        s, e = sp.start, sp.end
        t = self._tokens
        if edge == "end":
            ne = t.next_end(e) if step > 0 else t.prev_end(e)
            if ne is None or ne <= s:
                return
            e = ne
        else:
            ns = t.next_start(s) if step > 0 else t.prev_start(s)
            if ns is None or ns >= e:
                return
            s = ns
        self.sig_resize_requested.emit(sp.key, s, e)
