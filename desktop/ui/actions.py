"""Action ids, their menu text and shortcuts, in one place (the cheat sheet reads this too)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str
    shortcut: str = ""
    tip: str = ""
    icon: str = ""  # resources/icons/<icon>.svg


NEW = ActionSpec("file.new", "&New Project…", "Ctrl+N")
OPEN = ActionSpec("file.open", "&Open Project…", "Ctrl+O")
IMPORT_FILES = ActionSpec("file.import_files", "&Import Articles…", "Ctrl+I", "Import .txt, .html, .jsonl or brat files", icon="import")
IMPORT_FOLDER = ActionSpec("file.import_folder", "Import &Folder…", "Ctrl+Shift+I")
EXPORT = ActionSpec("file.export", "&Export Dataset…", "Ctrl+E", icon="export")
CLOSE = ActionSpec("file.close", "&Close Project", "Ctrl+W")
QUIT = ActionSpec("file.quit", "&Quit", "Ctrl+Q")

UNDO = ActionSpec("edit.undo", "&Undo", "Ctrl+Z", icon="undo")
REDO = ActionSpec("edit.redo", "&Redo", "Ctrl+Shift+Z", icon="redo")
HISTORY = ActionSpec("edit.history", "&History", "Ctrl+H", "Every step of this session; click one to go back to it")
SCHEMA = ActionSpec("edit.schema", "Label &Schema…", "", "Entity labels and claim label sets of this project")
DELETE_DOC = ActionSpec("edit.delete_document", "&Delete Article…", "",
                        "Remove the article and its annotations from the project (asks first; Undo brings it back)")
FIND = ActionSpec("edit.find", "&Find in Article…", "Ctrl+F")
FIND_PROJECT = ActionSpec("edit.find_project", "Find in &Project…", "Ctrl+Shift+F", icon="search")

ACCEPT = ActionSpec("annotate.accept", "&Accept Suggestion", "Return", icon="accept")
REJECT = ActionSpec("annotate.reject", "&Reject Suggestion", "X", icon="reject")
ACCEPT_ALL = ActionSpec("annotate.accept_all", "Accept &All in Article", "Ctrl+Shift+A", icon="accept-all")
DELETE = ActionSpec("annotate.delete", "&Delete Annotation", "Del")
NEW_CLAIM = ActionSpec("annotate.claim", "Mark &Claim (selection or sentence)", "C", icon="claim")
CLAIM_SENTENCE = ActionSpec("annotate.claim_sentence", "Mark the &Sentence at the Cursor as Claim", "Shift+C")
NEW_QUOTE = ActionSpec("annotate.quote", "Mark &Quote from Selection", "Q", icon="quote")
SET_SPEAKER = ActionSpec("annotate.speaker", "Set &Speaker (in a quote: start; then select or click the speaker)",
                         "S", icon="speaker")
SET_CUE = ActionSpec("annotate.cue", "Set C&ue from Selection", "U")
PREANNOTATE = ActionSpec("annotate.run_model", "&Pre-annotate Project with spaCy", "Ctrl+R", icon="annotate")

NEXT_SUGGESTION = ActionSpec("nav.next_suggestion", "Next Suggestion", "Tab")
PREV_SUGGESTION = ActionSpec("nav.prev_suggestion", "Previous Suggestion", "Shift+Tab")
NEXT_DOC = ActionSpec("nav.next_doc", "&Next Article", "Ctrl+PgDown", icon="next-doc")
PREV_DOC = ActionSpec("nav.prev_doc", "&Previous Article", "Ctrl+PgUp", icon="prev-doc")
MARK_DONE = ActionSpec("nav.done", "Mark Article &Done", "Ctrl+D", icon="done")

ZOOM_IN = ActionSpec("view.zoom_in", "Zoom &In", "Ctrl+=")
ZOOM_OUT = ActionSpec("view.zoom_out", "Zoom &Out", "Ctrl+-")
ZOOM_RESET = ActionSpec("view.zoom_reset", "&Actual Size", "Ctrl+0")

SHORTCUTS = ActionSpec("help.shortcuts", "&Keyboard Shortcuts", "F1")
ABOUT = ActionSpec("help.about", "&About Claimdesk")

MENUS: list[tuple[str, list[ActionSpec | None]]] = [
    ("&File", [NEW, OPEN, None, IMPORT_FILES, IMPORT_FOLDER, EXPORT, None, CLOSE, QUIT]),
    ("&Edit", [UNDO, REDO, HISTORY, None, FIND, FIND_PROJECT, None, DELETE_DOC, None, SCHEMA]),
    ("&Annotate", [ACCEPT, REJECT, ACCEPT_ALL, DELETE, None, NEW_CLAIM, CLAIM_SENTENCE, NEW_QUOTE, SET_SPEAKER,
                   SET_CUE, None,
                   PREANNOTATE]),
    ("&Navigate", [NEXT_SUGGESTION, PREV_SUGGESTION, None, NEXT_DOC, PREV_DOC, MARK_DONE]),
    ("&View", [ZOOM_IN, ZOOM_OUT, ZOOM_RESET]),
    ("&Help", [SHORTCUTS, ABOUT]),
]

#: The toolbar, in order (None: a separator).
TOOLBAR: list[ActionSpec | None] = [IMPORT_FILES, EXPORT, None, UNDO, REDO, None, PREV_DOC, NEXT_DOC, MARK_DONE, None,
                                    ACCEPT, REJECT, ACCEPT_ALL, None, NEW_QUOTE, SET_SPEAKER, NEW_CLAIM, None,
                                    PREANNOTATE, FIND_PROJECT]

#: Keys the article view handles itself (they only act while it has focus).
VIEW_KEYS: list[tuple[str, str]] = [
    ("1 … 9", "label the selection (or relabel the selected entity) with the schema's label"),
    ("Shift+←/→", "move the selected span's end by a token"),
    ("Shift+Alt+←/→", "move the selected span's start by a token"),
    ("drag an edge", "resize the selected span"),
    ("double-click", "select a word"),
    ("Esc", "clear the selection"),
]
