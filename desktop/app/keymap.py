"""The editor's one key map (Qt-free data): every key and mouse gesture, what it does, where.

Everything that shows or handles a key derives from :data:`KEYMAP`:

- the menus: an action's shortcut is its binding's first key (``desktop/ui/actions.py``,
  :func:`shortcut`), and actions that act ``where == ARTICLE`` only fire while the article has
  focus;
- the article view's key dispatch (``ArticleView._request_for``): the bindings with a
  ``request`` are the keys the view claims while it has focus (over window shortcuts), and the
  request name is what it does with them (``label``, ``zoom_in``, ``resize_end``, ``escape`` …)
  or emits (``sig_key_requested(name)``);
- the F1 sheet (``desktop/ui/shortcuts.py``), which adds the project's own label hotkeys;
- the README's key table, which :func:`markdown_table` writes and a test keeps equal.

Keys are Qt's portable key sequence text ("Ctrl+Shift+A", "Return", "Del", "Shift+Tab").
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ARTICLE", "KEYMAP", "WINDOW", "Binding", "binding", "markdown_table", "shortcut", "view_bindings"]

ARTICLE = "article"  # while the article has focus (typing in a field never triggers these)
WINDOW = "window"  # anywhere in the window
FIND = "find bar"  # while the find bar has focus
CLAIM = "article, a claim selected"


@dataclass(frozen=True)
class Binding:
    """One row of the key map."""

    action: str  # the menu action's id (desktop/ui/actions.py), or a name for the view's own keys
    keys: tuple[str, ...]  # portable key sequences; empty for a mouse gesture
    what: str  # what it does
    where: str = ARTICLE
    request: str = ""  # the article view handles these keys itself, as this request
    shown: str = ""  # how the keys are written for people, when not just the keys

    def label(self) -> str:
        """The keys as the sheet and the README show them."""
        return self.shown or " / ".join(self.keys)


_DIGITS = tuple(str(n) for n in range(1, 10))

KEYMAP: tuple[Binding, ...] = (
    # the article (the view has focus)
    Binding("annotate.label", _DIGITS,
            "label the selected text with the schema's n-th hotkey label; on an existing entity: correct its "
            "label and extent; with a mention selected: relabel it", request="label", shown="1 … 9"),
    Binding("annotate.claim_label", (), "set the selected claim's label with that key (default schema: 1–3 "
            "check-worthy / not check-worthy / opinion; 4–7 true / false / misleading / unverifiable)", CLAIM,
            shown="1 … 9"),
    Binding("nav.next_suggestion", ("Tab",), "next annotation of the layer being reviewed, after the selected span "
            "or the cursor (the selected span's layer, or View ▸ Tab Through; wraps at the article's end)",
            request="next"),
    Binding("nav.prev_suggestion", ("Shift+Tab",), "previous annotation of that layer, before the selected span "
            "or the cursor", request="prev"),
    Binding("annotate.accept", ("Return", "Enter", "A"), "accept the selected suggestion (then go to the layer's next suggestion)",
            request="accept"),
    Binding("annotate.reject", ("X", "R"), "reject the selected suggestion", request="reject"),
    Binding("annotate.accept_all", ("Ctrl+Shift+A",), "accept all suggestions in the article", WINDOW,
            request="accept_all"),
    Binding("annotate.delete", ("Delete", "Backspace"), "delete the selected annotation (a model suggestion is "
            "rejected, so re-running the model won't bring it back)", request="delete"),
    Binding("view.resize_end", ("Shift+Left", "Shift+Right"), "move the selected span's end by a token "
            "(one undo step)", request="resize_end"),
    Binding("view.resize_start", ("Shift+Alt+Left", "Shift+Alt+Right"), "move the selected span's start by a "
            "token (one undo step)", request="resize_start"),
    Binding("view.drag_edge", (), "resize the selected span (one undo step; Esc cancels)", shown="drag an edge"),
    Binding("annotate.quote", ("Q",), "quote from the selection", request="quote"),
    Binding("annotate.speaker", ("S",), "in a quote: choose its speaker, then click a mention (or select the "
            "name and press S)", request="speaker"),
    Binding("annotate.cue", ("U",), "cue of the quote from the selection", request="cue"),
    Binding("annotate.claim", ("C",), "claim from the selection (or the sentence at the cursor)", request="claim"),
    Binding("annotate.claim_sentence", ("Shift+C",), "claim: always the sentence at the cursor"),
    Binding("view.escape", ("Escape",), "clear the selection; cancel a speaker pick or an edge drag",
            request="escape"),
    Binding("view.click", (), "select the span under the mouse (the innermost when nested)", shown="click"),
    Binding("view.drag", (), "select text (snapped to whole words)", shown="drag"),
    Binding("view.double_click", (), "select a word", shown="double-click"),
    Binding("view.zoom_in", ("Ctrl+=", "Ctrl++"), "zoom in (also Ctrl+wheel)", WINDOW, request="zoom_in"),
    Binding("view.zoom_out", ("Ctrl+-", "Ctrl+_"), "zoom out", WINDOW, request="zoom_out"),
    Binding("view.zoom_reset", ("Ctrl+0",), "actual size", WINDOW, request="zoom_reset"),
    # the window
    Binding("edit.find", ("Ctrl+F",), "find in the article", WINDOW),
    Binding("find.next", ("Return",), "select the next match and give the article the keyboard (Shift+Enter: "
            "previous; Ctrl+F, Enter: the one after; Esc in the bar closes it)", FIND),
    Binding("edit.find_project", ("Ctrl+Shift+F",), "search the whole project (full-text index)", WINDOW),
    Binding("nav.next_doc", ("Ctrl+PgDown",), "next article", WINDOW),
    Binding("nav.prev_doc", ("Ctrl+PgUp",), "previous article", WINDOW),
    Binding("nav.done", ("Ctrl+D",), "mark the article done", WINDOW),
    Binding("nav.next_review", ("F8",), "next item of the review queue (View ▸ Review: what most likely needs an "
            "editor), across articles from the span shown", WINDOW),
    Binding("nav.prev_review", ("Shift+F8",), "previous item of the review queue", WINDOW),
    Binding("nav.review_entities", ("Ctrl+Shift+D",), "mark the article's entities reviewed, or not (Navigate "
            "▸ Mark … Reviewed: entities, quotes, claims; exports then treat unannotated text as negatives)",
            WINDOW),
    Binding("edit.undo", ("Ctrl+Z",), "undo (everything in the session; Edit ▸ History lists the steps)", WINDOW),
    Binding("edit.redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "redo", WINDOW),
    Binding("edit.history", ("Ctrl+H",), "show the history of this session", WINDOW),
    Binding("annotate.run_model", ("Ctrl+R",), "pre-annotate the project with spaCy", WINDOW),
    Binding("file.new", ("Ctrl+N",), "new project", WINDOW),
    Binding("file.open", ("Ctrl+O",), "open a project", WINDOW),
    Binding("file.import_files", ("Ctrl+I",), "import articles (or drop files on the window)", WINDOW),
    Binding("file.import_folder", ("Ctrl+Shift+I",), "import a folder of articles", WINDOW),
    Binding("file.export", ("Ctrl+E",), "export a dataset", WINDOW),
    Binding("file.close", ("Ctrl+W",), "close the project", WINDOW),
    Binding("file.quit", ("Ctrl+Q",), "quit", WINDOW),
    Binding("help.shortcuts", ("F1",), "this list of keys", WINDOW),
)

_BY_ACTION = {b.action: b for b in KEYMAP}


def binding(action: str) -> Binding | None:
    return _BY_ACTION.get(action)


def shortcut(action: str) -> str:
    """The menu shortcut of ``action``: its binding's first key ("" for none)."""
    b = _BY_ACTION.get(action)
    return b.keys[0] if b and b.keys else ""


def view_bindings() -> list[Binding]:
    """The keys the article view claims while it has focus (those with a request)."""
    return [b for b in KEYMAP if b.request and b.keys]


def markdown_table() -> str:
    """The README's key table (between its ``keymap`` markers)."""
    lines = ["| keys | what they do | where |", "|---|---|---|"]
    for b in KEYMAP:
        keys = b.label().replace("|", "\\|")
        lines.append(f"| `{keys}` | {b.what} | {b.where} |")
    return "\n".join(lines) + "\n"
