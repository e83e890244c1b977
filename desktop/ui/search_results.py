"""The Search dock's results: each hit is its article's title (bold) over the snippet, with the
query's words highlighted (bold on a marker colour), not in the full-text index's [brackets].

An item keeps its plain text for the list's own uses (type-ahead, accessibility, tests) and
its :class:`~desktop.app.queries.SearchHit` under :data:`HIT_ROLE`, which :class:`HitDelegate`
paints in the colours of the palette it paints in (a theme switch applies at once)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.app.queries import SearchHit

__all__ = ["HIT_ROLE", "HitDelegate", "hit_html", "hit_text"]

HIT_ROLE = Qt.ItemDataRole.UserRole + 7

#: The highlight behind a matched word: (light theme, dark theme).
MARK_COLORS = ("#ffe27a", "#806000")


def hit_text(hit: SearchHit) -> str:
    return f"{hit.title}\n{hit.snippet}"


def hit_html(hit: SearchHit, dark: bool = False) -> str:
    """The title in bold and the snippet with each match bold on the marker colour."""
    color = MARK_COLORS[1 if dark else 0]
    parts, at = [], 0
    for start, end in hit.marks:
        parts.append(escape(hit.snippet[at:start]))
        parts.append(f'<span style="font-weight:700; background-color:{color}">{escape(hit.snippet[start:end])}</span>')
        at = end
    parts.append(escape(hit.snippet[at:]))
    return f"<b>{escape(hit.title)}</b><br>{''.join(parts)}"


class HitDelegate(QStyledItemDelegate):
    """Paints an item's :data:`HIT_ROLE` (word-wrapped to the list's width) where it has one."""

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex) -> QTextDocument | None:
        hit = index.data(HIT_ROLE)
        if not isinstance(hit, SearchHit):
            return None
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(3)
        doc.setHtml(hit_html(hit, option.palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5))
        doc.setTextWidth(max(option.rect.width(), 120))
        return doc

    def paint(self, painter, option, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        doc = self._document(opt, index)
        if doc is None:
            super().paint(painter, option, index)
            return
        style = opt.widget.style() if opt.widget else QApplication.style()
        opt.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        painter.save()
        painter.translate(opt.rect.topLeft())
        painter.setClipRect(QRectF(0, 0, opt.rect.width(), opt.rect.height()))
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 (Qt API)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        doc = self._document(opt, index)
        if doc is None:
            return super().sizeHint(option, index)
        return QSize(int(doc.idealWidth()), int(doc.size().height()) + 2)
