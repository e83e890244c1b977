"""View ▸ Show: which of the article's spans the view draws (everything, one entity label, only
suggestions, only editor work, only quotes, only claims).

The filter sits where the window hands span items to the article view (``MainWindow._spans``,
``set_document``, ``set_spans``, ``patch_spans``): :meth:`SpanFilter.shown` and
:meth:`SpanFilter.patch` drop the spans it hides, so the view and the gestures that walk the spans
(Tab) see the same spans.  It lasts across articles and edits.  The selected span and the spans
of its own row (a quote's speaker and cue) are never hidden, nor is a span the review queue
opened (:meth:`SpanFilter.reveal`), so an accepted suggestion under "only suggestions" stays on
screen while the editor works on it.  The filter in use is named in the status bar.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QLabel, QMenu

from desktop.ui.article_view import Key, SpanItem

#: The fixed choices (mode, menu text, what the status bar says); "label:NAME" modes follow them.
MODES = (("all", "&Everything", ""), ("suggestions", "Only &Suggestions", "only suggestions"),
         ("editor", "Only &Editor Work", "only editor work"), ("quotes", "Only &Quotes", "only quotes"),
         ("claims", "Only C&laims", "only claims"))
_QUOTE_LAYERS = ("quote", "speaker", "cue")
_TABLES = {"mention": "mentions", "quote": "quotes", "claim": "claims"}


def _row(key: Key) -> Key:
    """The row a span shows: a quote's speaker and cue are the quote's."""
    return ("quote", key[1]) if key[0] in _QUOTE_LAYERS else key


class SpanFilter:
    """The filter of the window ``win`` (its view, store, shown article and selection)."""

    def __init__(self, win) -> None:
        self.win = win
        self.mode = "all"
        self._facts: dict[Key, tuple[str | None, str, str | None]] = {}  # row -> (label, origin, annotator)
        self._facts_doc: int | None = None
        self._revealed: set[Key] = set()
        self._revealed_doc: int | None = None

    # What is shown ------------------------------------------------------------------------------

    def shown(self, items: Sequence[SpanItem], *, reread: bool = False) -> list[SpanItem]:
        """The spans of ``items`` the filter lets through (``items`` itself for "everything");
        ``reread``: the rows may have changed (a rebuild), read their provenance again."""
        if self.mode == "all":
            # (a list, or the window's SpanTable as it is: its spans are built when the view needs them)
            return items if isinstance(items, list) or hasattr(items, "overlapping") else list(items)  # type: ignore[return-value]
        if reread or self._facts_doc != self.win.doc_id:
            self._facts, self._facts_doc = {}, None
        self._read_facts()
        keep = self._kept()
        return [sp for sp in items if self._matches(sp) or _row(sp.key) in keep]

    def patch(self, changed: Sequence[SpanItem], removed: Iterable[Key]) -> tuple[list[SpanItem], set[Key]]:
        """A change's spans for the view: those the filter hides become removals."""
        if self.mode == "all":
            return list(changed), set(removed)
        self._read_facts({_row(sp.key) for sp in changed})
        keep = self._kept()
        shown = [sp for sp in changed if self._matches(sp) or _row(sp.key) in keep]
        hidden = {sp.key for sp in changed} - {sp.key for sp in shown}
        return shown, set(removed) | hidden

    def reveal(self, key: Key) -> None:
        """Show the span ``key`` (and its row's other spans) in this article even if the filter
        hides it: the review queue opens it, then selects it.  The span revealed before it is
        hidden again (the selection moves from it to ``key``)."""
        if self.mode == "all":
            return
        win = self.win
        row = _row(key)
        before = self._revealed if self._revealed_doc == win.doc_id else set()
        if row in before:
            return
        self._revealed, self._revealed_doc = {row}, win.doc_id
        gone = {sp.key for sp in win.article_spans.items if _row(sp.key) in before and not self._matches(sp)}
        extra = [sp for sp in win.article_spans.items if _row(sp.key) == row]
        if extra or gone:
            win.view.patch_spans(extra, gone)

    def set_mode(self, mode: str) -> None:
        """Show only what ``mode`` says ("all", "suggestions", "editor", "quotes", "claims",
        "label:NAME"), now and in every article until changed."""
        self.mode = mode
        self._revealed = set()
        win = self.win
        if win.doc_id is not None:
            win.view.set_spans(self.shown(win.article_spans.items, reread=True))
        self.label.setText(f"Showing {self.describe()}" if mode != "all" else "")
        self.label.setVisible(mode != "all")
        action = self.actions.get(mode)
        if action is not None:
            action.setChecked(True)

    def describe(self) -> str:
        if self.mode.startswith("label:"):
            return f"only {self.mode[6:]}"
        return next((said for mode, _, said in MODES if mode == self.mode), self.mode) or "everything"

    # Internals -----------------------------------------------------------------------------------

    def _kept(self) -> set[Key]:
        win = self.win
        selected = win.view.selected_key()
        keep = {_row(selected)} if selected is not None else set()
        if self._revealed_doc == win.doc_id:
            keep |= self._revealed
        return keep

    def _matches(self, sp: SpanItem) -> bool:
        mode = self.mode
        if mode == "suggestions":
            return sp.suggested
        if mode == "quotes":
            return sp.layer in _QUOTE_LAYERS
        if mode == "claims":
            return sp.layer == "claim"
        facts = self._facts.get(_row(sp.key))
        if mode == "editor":
            return not sp.suggested and facts is not None and (facts[1] == "editor" or facts[2] is not None)
        if mode.startswith("label:"):
            return sp.layer == "mention" and facts is not None and facts[0] == mode[6:]
        return True

    def _read_facts(self, rows: set[Key] | None = None) -> None:
        """Label and provenance of the article's rows (all of them once per article; then only
        ``rows``, those a change redoes), which the label and editor filters need."""
        win = self.win
        if win.store is None or win.doc_id is None or self.mode not in ("editor",) and \
                not self.mode.startswith("label:"):
            return
        conn = win.store.conn
        if self._facts_doc != win.doc_id:
            self._facts, self._facts_doc = {}, win.doc_id
            for layer, table in _TABLES.items():
                label = "label" if layer == "mention" else "NULL"
                for row_id, lab, origin, annotator in conn.execute(
                        f"SELECT id, {label}, origin, annotator FROM {table} WHERE doc_id = ?", (win.doc_id,)):
                    self._facts[(layer, row_id)] = (lab, origin, annotator)
            return
        for layer, row_id in rows or ():
            label = "label" if layer == "mention" else "NULL"
            row = conn.execute(f"SELECT {label}, origin, annotator FROM {_TABLES[layer]} WHERE id = ?",
                               (row_id,)).fetchone()
            if row is not None:
                self._facts[(layer, row_id)] = tuple(row)


def install(win) -> SpanFilter:
    """The filter on the window: ``win.span_filter``, View ▸ Show, and its status-bar label."""
    f = SpanFilter(win)
    win.span_filter = f
    f.label = QLabel()
    f.label.setObjectName("spanFilterLabel")
    f.label.setToolTip("View ▸ Show ▸ Everything shows every span again")
    f.label.hide()
    win.statusBar().addPermanentWidget(f.label)
    view_menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&View")
    f.menu = QMenu("&Show", win)
    f.menu.setObjectName("view.show")
    first = view_menu.actions()[0] if view_menu.actions() else None
    view_menu.insertMenu(first, f.menu)
    view_menu.insertSeparator(first)
    f.group = QActionGroup(win)
    f.group.setExclusive(True)
    f.actions: dict[str, QAction] = {}
    f.menu.aboutToShow.connect(lambda: fill_menu(f))
    fill_menu(f)
    return f


def fill_menu(f: SpanFilter) -> None:
    """The fixed choices, then one "Only LABEL" per entity label of the project."""
    for action in f.actions.values():
        f.group.removeAction(action)
    f.menu.clear()
    f.actions = {}
    store = f.win.store
    labels = [lab.name for lab in store.labels("entity")] if store is not None else []
    choices = [(mode, text) for mode, text, _ in MODES] + [(f"label:{name}", f"Only {name}") for name in labels]
    for i, (mode, text) in enumerate(choices):
        if i in (1, len(MODES)):
            f.menu.addSeparator()
        action = f.menu.addAction(text)
        action.setObjectName(f"view.show.{mode}")
        action.setCheckable(True)
        action.setChecked(mode == f.mode)
        f.group.addAction(action)
        action.triggered.connect(lambda _=False, m=mode: f.set_mode(m))
        f.actions[mode] = action
