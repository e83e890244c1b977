"""Action ids and their menu text, tips and icons; their keys come from the one key map
(:mod:`desktop.app.keymap`), which the F1 sheet, the article view and the README read too."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.app.keymap import ARTICLE, binding, shortcut


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str
    tip: str = ""
    icon: str = ""  # resources/icons/<icon>.svg

    @property
    def shortcut(self) -> str:
        """Its key, from the key map (the first key of its binding)."""
        return shortcut(self.id)

    @property
    def shortcuts(self) -> list[str]:
        """Every key of a window-wide action (Ctrl+Shift+Z and Ctrl+Y redo); an article action's
        other keys are the view's to claim, so it gets its first key only."""
        b = binding(self.id)
        if b is None or not b.keys:
            return []
        return list(b.keys) if b.where != ARTICLE else [b.keys[0]]

    @property
    def in_article(self) -> bool:
        """Whether its keys act only while the article has focus (so typing in a field is safe)."""
        b = binding(self.id)
        return b is not None and b.where == ARTICLE


NEW = ActionSpec("file.new", "&New Project…")
OPEN = ActionSpec("file.open", "&Open Project…")
IMPORT_FILES = ActionSpec("file.import_files", "&Import Articles…", tip="Import .txt, .html, .jsonl (interchange, Prodigy, doccano), Label Studio .json or brat files", icon="import")
IMPORT_FOLDER = ActionSpec("file.import_folder", "Import &Folder…")
EXPORT = ActionSpec("file.export", "&Export Dataset…", icon="export")
PROJECT_SETTINGS = ActionSpec("file.project_settings", "Project &Settings…",
                              tip="The publisher and fact-check page address a ClaimReview export needs")
CLOSE = ActionSpec("file.close", "&Close Project")
QUIT = ActionSpec("file.quit", "&Quit")

UNDO = ActionSpec("edit.undo", "&Undo", icon="undo")
REDO = ActionSpec("edit.redo", "&Redo", icon="redo")
HISTORY = ActionSpec("edit.history", "&History", tip="Every step of this session; click one to go back to it")
SCHEMA = ActionSpec("edit.schema", "Label &Schema…", tip="Entity labels and claim label sets of this project")
DELETE_DOC = ActionSpec("edit.delete_document", "&Delete Article…",
                        tip="Remove the article and its annotations from the project (asks first; Undo brings it back)")
FIND = ActionSpec("edit.find", "&Find in Article…")
FIND_PROJECT = ActionSpec("edit.find_project", "Find in &Project…", icon="search")

ACCEPT = ActionSpec("annotate.accept", "&Accept Suggestion", icon="accept")
REJECT = ActionSpec("annotate.reject", "&Reject Suggestion", icon="reject")
ACCEPT_ALL = ActionSpec("annotate.accept_all", "Accept &All in Article", icon="accept-all")
DELETE = ActionSpec("annotate.delete", "&Delete Annotation")
NEW_CLAIM = ActionSpec("annotate.claim", "Mark &Claim (selection or sentence)", icon="claim")
CLAIM_SENTENCE = ActionSpec("annotate.claim_sentence", "Mark the &Sentence at the Cursor as Claim")
NEW_QUOTE = ActionSpec("annotate.quote", "Mark &Quote from Selection", icon="quote")
SET_SPEAKER = ActionSpec("annotate.speaker", "Set &Speaker (in a quote: start; then select or click the speaker)",
                         icon="speaker")
SET_CUE = ActionSpec("annotate.cue", "Set C&ue from Selection")
PREANNOTATE = ActionSpec("annotate.run_model", "&Pre-annotate Project with spaCy", icon="annotate")
TRAIN = ActionSpec("annotate.train", "&Train Suggestions (Claims and Entities)…",
                   tip="Learn check-worthy sentences from the claims, and fine-tune the entity recognizer on the "
                       "entities, of the articles marked done; each new model replaces the current one only when "
                       "it scores better on held-out articles")

_TAB_TIP = "In reading order from the selected span or the cursor, through its layer (View ▸ Tab Through)"
NEXT_SUGGESTION = ActionSpec("nav.next_suggestion", "Next in the Layer", tip=_TAB_TIP)
PREV_SUGGESTION = ActionSpec("nav.prev_suggestion", "Previous in the Layer", tip=_TAB_TIP)
NEXT_DOC = ActionSpec("nav.next_doc", "&Next Article", icon="next-doc")
PREV_DOC = ActionSpec("nav.prev_doc", "&Previous Article", icon="prev-doc")
NEXT_REVIEW = ActionSpec("nav.next_review", "Next in the Re&view Queue",
                         tip="What most likely needs an editor, across articles (View ▸ Review lists it)")
PREV_REVIEW = ActionSpec("nav.prev_review", "Previous in the Review Q&ueue")
MARK_DONE = ActionSpec("nav.done", "Mark Article &Done", icon="done")
_REVIEWED_TIP = ("An editor finished this layer of the article: exports treat its unannotated text as negative "
                 "examples, not as missing (an article marked done has every layer reviewed)")
REVIEW_ENTITIES = ActionSpec("nav.review_entities", "Mark &Entities Reviewed", tip=_REVIEWED_TIP)
REVIEW_QUOTES = ActionSpec("nav.review_quotes", "Mark &Quotes Reviewed", tip=_REVIEWED_TIP)
REVIEW_CLAIMS = ActionSpec("nav.review_claims", "Mark C&laims Reviewed", tip=_REVIEWED_TIP)
#: The review actions and the layer each marks.
REVIEW_ACTIONS = {REVIEW_ENTITIES: "entities", REVIEW_QUOTES: "quotes", REVIEW_CLAIMS: "claims"}

ZOOM_IN = ActionSpec("view.zoom_in", "Zoom &In")
ZOOM_OUT = ActionSpec("view.zoom_out", "Zoom &Out")
ZOOM_RESET = ActionSpec("view.zoom_reset", "&Actual Size")

GUIDELINES = ActionSpec("help.guidelines", "Annotation &Guidelines",
                        tip="What counts as a quote, a speaker, a claim; the project's own copy, editable")
SHORTCUTS = ActionSpec("help.shortcuts", "&Keyboard Shortcuts")
ABOUT = ActionSpec("help.about", "&About Claimdesk")

MENUS: list[tuple[str, list[ActionSpec | None]]] = [
    ("&File", [NEW, OPEN, None, IMPORT_FILES, IMPORT_FOLDER, EXPORT, None, PROJECT_SETTINGS, None, CLOSE, QUIT]),
    ("&Edit", [UNDO, REDO, HISTORY, None, FIND, FIND_PROJECT, None, DELETE_DOC, None, SCHEMA]),
    ("&Annotate", [ACCEPT, REJECT, ACCEPT_ALL, DELETE, None, NEW_CLAIM, CLAIM_SENTENCE, NEW_QUOTE, SET_SPEAKER,
                   SET_CUE, None,
                   PREANNOTATE, TRAIN]),
    ("&Navigate", [NEXT_SUGGESTION, PREV_SUGGESTION, None, NEXT_DOC, PREV_DOC, MARK_DONE, None, REVIEW_ENTITIES,
                   REVIEW_QUOTES, REVIEW_CLAIMS, None, NEXT_REVIEW, PREV_REVIEW]),
    ("&View", [ZOOM_IN, ZOOM_OUT, ZOOM_RESET]),
    ("&Help", [GUIDELINES, SHORTCUTS, ABOUT]),
]

#: The toolbar, in order (None: a separator).
TOOLBAR: list[ActionSpec | None] = [IMPORT_FILES, EXPORT, None, UNDO, REDO, None, PREV_DOC, NEXT_DOC, MARK_DONE, None,
                                    ACCEPT, REJECT, ACCEPT_ALL, None, NEW_QUOTE, SET_SPEAKER, NEW_CLAIM, None,
                                    PREANNOTATE, FIND_PROJECT]
