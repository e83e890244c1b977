"""The per-layer "reviewed" marks (issue 12: a layer an editor finished is exported with its
unannotated text as negatives), shown where the editor looks: the article header
("Entities ✓ Quotes ✓") and the articles list's Status column ("in progress ✓ E Q", the layers
named in its tooltip).  A document marked done has every layer reviewed, which "done" already
says, so the marks are shown only for the other statuses."""

from __future__ import annotations

from desktop.core.model import REVIEW_LAYERS, Document

__all__ = ["MARK", "header_marks", "list_status", "list_tooltip", "meta_text"]

MARK = "✓"
_STATUS_TEXT = {"new": "new", "in_progress": "in progress", "done": "done"}


def _shown(status: str, marked) -> list[str]:
    """The marked layers worth showing, in the key map's order (none for a done document)."""
    return [] if status == "done" else [layer for layer in REVIEW_LAYERS if layer in marked]


def header_marks(status: str, marked) -> str:
    """"Entities ✓ Quotes ✓" for the article header ("" when none is marked, or the article is done)."""
    return " ".join(f"{layer.capitalize()} {MARK}" for layer in _shown(status, marked))


def meta_text(doc: Document) -> str:
    """The header's line under the title: outlet · date · story · status · reviewed marks."""
    bits = [doc.source, doc.published, doc.story, doc.status.replace("_", " "),
            header_marks(doc.status, doc.marked_reviewed)]
    return " · ".join(b for b in bits if b)


def list_status(status: str, marked) -> str:
    """The list's Status cell: "in progress ✓ E Q" (initials of the reviewed layers)."""
    text = _STATUS_TEXT.get(status, status)
    shown = _shown(status, marked)
    return f"{text} {MARK} {' '.join(layer[0].upper() for layer in shown)}" if shown else text


def list_tooltip(status: str, marked) -> str:
    shown = _shown(status, marked)
    text = _STATUS_TEXT.get(status, status)
    return f"{text}; reviewed: {', '.join(shown)}" if shown else text
