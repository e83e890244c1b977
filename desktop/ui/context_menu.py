"""Right-click menus: in the article (labels for the selection, actions for the span under the
mouse) and in the articles list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from desktop.core import edits
from desktop.ui import actions as A
from desktop.ui.theme import icon


def build_context_menu(win, point) -> QMenu:
    """What a right-click offers: labels for the selection, actions for the span under it."""
    menu = QMenu(win)
    if win.doc_id is None:
        return menu
    key = win.view.span_key_at_point(point)
    selection = win.view.selection()
    if key is not None and not (selection and selection[0] <= view_span_start(win, key) < selection[1]):
        win.select_key(key)
    else:
        key = win.selected_key() if not selection else None
    if selection:
        labels = menu.addMenu("Label as")
        for lab in win.store.labels("entity"):
            act = labels.addAction(f"{lab.name}" + (f"\t{lab.hotkey}" if lab.hotkey else ""))
            act.triggered.connect(lambda _=False, n=lab.name: win.apply_label(n))
        menu.addAction("Mark as claim\tC", win.new_claim)
        menu.addAction("Mark as quote\tQ", win.new_quote)
        quote = win._pick_speaker_for or win._selected_quote()
        if quote is not None:
            menu.addAction("Set as the quote's speaker", lambda: win._quote_part_from_selection(quote, "speaker"))
            menu.addAction("Set as the quote's cue\tU", lambda: win._quote_part_from_selection(quote, "cue"))
            menu.addAction("Add as a quote fragment", lambda: win.add_fragment(quote))
        menu.addAction("Label all occurrences in the project…", win.label_all_occurrences)
    elif key is not None:
        layer, row_id = key
        menu.addAction(icon("accept"), "Accept\tEnter", lambda: win.set_status_selected("accepted"))
        menu.addAction(icon("reject"), "Reject\tX", lambda: win.set_status_selected("rejected"))
        menu.addAction("Delete\tDel", win.delete_selected)
        if layer == "mention":
            relabel = menu.addMenu("Relabel as")
            for lab in win.store.labels("entity"):
                act = relabel.addAction(f"{lab.name}" + (f"\t{lab.hotkey}" if lab.hotkey else ""))
                act.triggered.connect(lambda _=False, n=lab.name, m=row_id: win.do(edits.RelabelMention(m, n)))
            menu.addSeparator()
            menu.addAction("Link to Entity…", lambda m=row_id: win.link_to_entity(m))
            menu.addAction("Split off into a new entity…", win.split_mention)
            menu.addAction("Apply to identical mentions", win.apply_to_identical)
            menu.addAction("Label all occurrences in the project", win.label_all_occurrences)
        elif layer in ("quote", "speaker", "cue"):
            menu.addAction("Choose the speaker…\tS", lambda: win.start_pick_speaker(row_id))
            types = menu.addMenu("Type")
            for t in ("direct", "indirect", "mixed"):
                types.addAction(t, lambda t=t: win.do(edits.EditQuote(row_id, {"type": t})))
        elif layer == "claim":
            for label_set, names in win.store.claim_label_sets().items():
                sub = menu.addMenu(label_set.capitalize())
                for name in names:
                    sub.addAction(name, lambda s=label_set, n=name: win.do(edits.SetClaimLabel(row_id, s, n)))
    if selection:
        menu.addSeparator()
        menu.addAction("Copy", win.view.copy)
    return menu


def view_span_start(win, key) -> int:
    return next((s.start for s in win._spans if s.key == key), -1)


def show_context_menu(win, point) -> None:
    menu = build_context_menu(win, point)
    if not menu.isEmpty():
        menu.exec(win.view.viewport().mapToGlobal(point))


def build_doc_context_menu(win, point) -> QMenu:
    """What a right-click in the articles list offers (the row under it becomes current)."""
    menu = QMenu(win)
    index = win.doc_table.indexAt(point)
    if index.isValid():
        win.doc_table.selectRow(index.row())
    if win.doc_id is not None:
        menu.addAction(win.actions_by_id[A.DELETE_DOC.id])
    return menu


def show_doc_context_menu(win, point) -> None:
    menu = build_doc_context_menu(win, point)
    if not menu.isEmpty():
        menu.exec(win.doc_table.viewport().mapToGlobal(point))


def connect(win) -> None:
    """Right-clicks in the article and in the articles list."""
    win.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    win.view.customContextMenuRequested.connect(lambda p: show_context_menu(win, p))
    win.doc_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    win.doc_table.customContextMenuRequested.connect(lambda p: show_doc_context_menu(win, p))
