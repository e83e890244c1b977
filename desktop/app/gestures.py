"""The editor's gestures as use cases: which edits a gesture makes and what to select afterwards.

Qt-free and print-free.  Each function takes the store and the gesture's inputs (the article, the
text selection as ``(start, end)`` code-point offsets, the selected span as a ``(layer, id)``
key, a label...) and returns a :class:`Gesture`: the edits to apply as one undo step, and what
the window does after they applied (select a span, or the row the step created; move the caret;
say something).  A gesture that cannot act returns one with no edits and the reason in
``message``; one that needs an answer first (a name, a label) returns ``ask`` and is called again
with the answer.  :meth:`Gesture.apply` does the edits through a session (the application's
:class:`~desktop.app.session.Session` or the window's Qt adapter, which have the same ``do``,
``do_many`` and ``do_then``).

Span layers (the first part of a key): ``mention``, ``quote``, ``speaker`` and ``cue`` (parts of
quote ``id``), ``claim``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from desktop.app.queries import speaker_types
from desktop.app.session import Applied
from desktop.core import edits
from desktop.core.edits import Edit
from desktop.core.store import Store
from desktop.core.text import QUOTE_MARKS
from desktop.core.wording import plural, plural_word

Key = tuple[str, int]
Selection = tuple[int, int]

#: span layer -> the table its rows live in
LAYER_TABLE = {"mention": "mentions", "quote": "quotes", "claim": "claims", "speaker": "quotes", "cue": "quotes"}
NO_SUGGESTIONS = "No suggestions left in this article"


class _Doer(Protocol):
    def do(self, edit: Edit) -> Applied | None: ...
    def do_many(self, items: Sequence[Edit], label: str) -> Applied | None: ...
    def do_then(self, first: Edit, then: Callable[[Applied], Sequence[Edit]],
                label: str) -> Applied | None: ...


@dataclass(frozen=True)
class Gesture:
    """What one gesture does: ``edits`` as one undo step (named ``label`` when it is several, or a
    ``then``), and what to do once they applied."""

    edits: tuple[Edit, ...] = ()
    label: str = ""
    then: Callable[[Applied], Sequence[Edit]] | None = None  # more edits from what edits[0] created
    select: Key | None = None  # the span (or ("entity", id)) to select afterwards
    select_created: tuple[str, str] | None = None  # (layer, table): select the row the step created
    caret: int | None = None  # collapse the text selection to this offset afterwards
    message: str = ""  # why nothing happens (no edits), or what happened (after the edits)
    advance: bool = False  # go on to the next suggestion afterwards
    ask: str | None = None  # the gesture needs an answer first; this is the default answer
    choices: tuple[str, ...] = ()  # the answers to choose from, when there are set ones

    def __bool__(self) -> bool:
        return bool(self.edits)

    def apply(self, session: _Doer) -> Applied | None:
        """Do the edits through ``session``: what they applied, or None (nothing to do, or refused)."""
        if not self.edits:
            return None
        if self.then is not None:
            return session.do_then(self.edits[0], self.then, self.label or self.edits[0].describe())
        if len(self.edits) == 1 and not self.label:
            return session.do(self.edits[0])
        return session.do_many(list(self.edits), self.label or self.edits[0].describe())

    def selection_after(self, applied: Applied) -> Key | None:
        """The key to select once ``applied`` (what :meth:`apply` returned) is done."""
        if self.select_created is not None:
            layer, table = self.select_created
            row = applied.first(table)
            return (layer, row) if row is not None else None
        return self.select


def _say(message: str) -> Gesture:
    return Gesture(message=message)


def _overlapping_mentions(store: Store, doc_id: int, selection: Selection) -> list:
    return store.mentions_overlapping(doc_id, selection[0], selection[1])


# Labels ---------------------------------------------------------------------------------------------


def hotkey_labels(store: Store) -> list:
    """The entity labels keys 1 … 9 give, in key order."""
    labels = [lab for lab in store.labels("entity") if lab.hotkey and lab.hotkey.isdigit()]
    return sorted(labels, key=lambda lab: int(lab.hotkey))


def claim_hotkeys(store: Store) -> list:
    """The claim labels that have a key (used while a claim is selected and no text is)."""
    return [lab for lab in store.labels("claim") if lab.hotkey]


def number_key(store: Store, doc_id: int | None, selection: Selection | None, key: Key | None,
               number: int) -> Gesture:
    """A digit: with a claim selected (and no text), that claim's label with the key; else the n-th
    hotkey entity label for the selection or the selected mention (:func:`label_selection`)."""
    if key and key[0] == "claim" and not selection:
        label = next((lab for lab in claim_hotkeys(store) if lab.hotkey == str(number)), None)
        return Gesture((edits.SetClaimLabel(key[1], label.label_set, label.name),)) if label else Gesture()
    labels = hotkey_labels(store)
    if 1 <= number <= len(labels):
        return label_selection(store, doc_id, selection, key, labels[number - 1].name)
    return Gesture()


def label_selection(store: Store, doc_id: int | None, selection: Selection | None, key: Key | None,
                    label: str) -> Gesture:
    """Label the selected text (a new mention), or correct the one mention it overlaps (its extent
    and label; an unchanged one is accepted); without a selection, relabel the selected mention."""
    if doc_id is None:
        return Gesture()
    if selection:
        overlapping = _overlapping_mentions(store, doc_id, selection)
        if len(overlapping) == 1:  # selecting an existing entity and pressing a label fixes it
            m = overlapping[0]
            batch: list[edits.Edit] = []
            if (m.start, m.end) != selection:
                batch.append(edits.ResizeMention(m.id, *selection))
            if m.label != label:
                batch.append(edits.RelabelMention(m.id, label))
            if not batch:
                return Gesture((edits.SetStatus("mentions", (m.id,), "accepted"),))
            return Gesture(tuple(batch), f"correct entity to {label}", select=("mention", m.id), caret=selection[1])
        return Gesture((edits.AddMention(doc_id, selection[0], selection[1], label),),
                       select_created=("mention", "mentions"), caret=selection[1])
    if key and key[0] == "mention":
        return Gesture((edits.RelabelMention(key[1], label),))
    return Gesture()


# Spans: resize, delete, accept / reject --------------------------------------------------------------


def resize(store: Store, key: Key | None, start: int, end: int) -> Gesture:
    """Move the selected span's edges (a quote's first and last fragment edges)."""
    if key is None:
        return Gesture()
    layer, row_id = key
    edit: edits.Edit
    if layer == "mention":
        edit = edits.ResizeMention(row_id, start, end)
    elif layer == "claim":
        edit = edits.EditClaim(row_id, {"start": start, "end": end})
    elif layer in ("speaker", "cue"):
        edit = edits.EditQuote(row_id, {layer: (start, end)})
    elif layer == "quote":
        frags = [(f.start, f.end) for f in store.quote(row_id).content]
        if len(frags) > 1:
            frags[0], frags[-1] = (start, frags[0][1]), (frags[-1][0], end)
        else:
            frags[0] = (start, end)
        edit = edits.EditQuote(row_id, {"content": frags})
    else:
        return Gesture()
    return Gesture((edit,), select=key)


def delete(key: Key | None) -> Gesture:
    """Delete the selected span (a model suggestion is rejected); a speaker or cue leaves its quote."""
    if key is None:
        return Gesture()
    layer, row_id = key
    edit: edits.Edit
    if layer == "mention":
        edit = edits.DeleteMention(row_id)
    elif layer == "quote":
        edit = edits.DeleteQuote(row_id)
    elif layer == "claim":
        edit = edits.DeleteClaim(row_id)
    elif layer in ("speaker", "cue"):
        edit = edits.EditQuote(row_id, {"speaker": None, "speaker_entity_id": None} if layer == "speaker"
                               else {"cue": None})
    else:
        return Gesture()
    return Gesture((edit,))


def set_status(key: Key | None, status: str) -> Gesture:
    """Accept or reject the selected span (a speaker or cue stands for its quote); after an accept,
    go on to the next suggestion."""
    if key is None or key[0] not in LAYER_TABLE:
        return Gesture()
    return Gesture((edits.SetStatus(LAYER_TABLE[key[0]], (key[1],), status),), advance=status == "accepted")


def accept_all(store: Store, doc_id: int | None) -> Gesture:
    """Accept every suggestion in the article, as one step."""
    if doc_id is None:
        return Gesture()
    batch: list[edits.Edit] = []
    for table, rows in (("mentions", store.mentions(doc_id)), ("quotes", store.quotes(doc_id)),
                        ("claims", store.claims(doc_id))):
        ids = tuple(r.id for r in rows if r.prov.status == "suggested")
        if ids:
            batch.append(edits.SetStatus(table, ids, "accepted"))
    if not batch:
        return _say(NO_SUGGESTIONS)
    return Gesture(tuple(batch), "accept all suggestions in article")


#: a review layer -> the table its rows live in
REVIEW_TABLE = {"entities": "mentions", "quotes": "quotes", "claims": "claims"}
#: the answers when suggestions are still pending in what is being marked reviewed (or done)
ACCEPT_PENDING, LEAVE_PENDING = "Accept them, then mark", "Mark, leaving them out of exports"


def _pending(store: Store, doc_id: int, layers: Sequence[str]) -> list[edits.Edit]:
    """Accepting the suggestions still pending in the article's ``layers`` (none: empty)."""
    read = {"mentions": store.mentions, "quotes": store.quotes, "claims": store.claims}
    batch: list[edits.Edit] = []
    for layer in layers:
        table = REVIEW_TABLE[layer]
        ids = tuple(r.id for r in read[table](doc_id) if r.prov.status == "suggested")
        if ids:
            batch.append(edits.SetStatus(table, ids, "accepted"))
    return batch


def _ask_pending(batch: Sequence[edits.Edit], what: str) -> Gesture:
    count = sum(len(e.ids) for e in batch if isinstance(e, edits.SetStatus))
    return Gesture(ask=f"{plural(count, 'suggestion')} {plural_word(count, 'is')} still pending in {what}. Exports would leave them out, as "
                       f"if the model were wrong.", choices=(ACCEPT_PENDING, LEAVE_PENDING))


def toggle_layer_reviewed(store: Store, doc_id: int | None, layer: str, answer: str | None = None) -> Gesture:
    """Mark the article's ``layer`` (entities, quotes, claims) reviewed, or, when it is marked,
    not; says what that means for the exports.  An article marked done has every layer reviewed
    already: nothing to mark.  While suggestions of the layer are pending, it asks first
    (:data:`ACCEPT_PENDING` accepts them in the same step, :data:`LEAVE_PENDING` marks anyway):
    a reviewed layer's unaccepted text is exported as negative examples."""
    if doc_id is None:
        return Gesture()
    doc = store.document(doc_id)
    if doc.status == "done":
        return _say(f"The article is done: its {layer} are reviewed")
    marked = layer in doc.marked_reviewed
    if marked:
        return Gesture((edits.SetLayerReviewed(doc_id, layer, False),),
                       message=f"{layer.capitalize()} not reviewed: exports treat their unannotated text as missing")
    mark = edits.SetLayerReviewed(doc_id, layer, True)
    message = f"{layer.capitalize()} reviewed: exports treat their unannotated text as negative examples"
    pending = _pending(store, doc_id, (layer,))
    if pending and answer is None:
        return _ask_pending(pending, f"this article's {layer}")
    if pending and answer == ACCEPT_PENDING:
        return Gesture((*pending, mark), f"accept suggestions and mark {layer} reviewed", message=message)
    return Gesture((mark,), message=message)


def mark_done(store: Store, doc_id: int | None, answer: str | None = None) -> Gesture:
    """Mark the article done (every layer reviewed); while suggestions are pending it asks first,
    as :func:`toggle_layer_reviewed` does."""
    if doc_id is None:
        return Gesture()
    mark = edits.SetDocumentStatus(doc_id, "done")
    pending = _pending(store, doc_id, tuple(REVIEW_TABLE))
    if pending and answer is None:
        return _ask_pending(pending, "this article")
    if pending and answer == ACCEPT_PENDING:
        return Gesture((*pending, mark), "accept suggestions and mark article done", message="Article marked done")
    return Gesture((mark,), message="Article marked done")


# Claims and quotes -------------------------------------------------------------------------------------


def new_claim(doc_id: int | None, selection: Selection | None) -> Gesture:
    """A claim over the selection (the window passes the sentence at the cursor when there is none)."""
    if doc_id is None or not selection or selection[0] >= selection[1]:
        return Gesture()
    return Gesture((edits.AddClaim(doc_id, selection[0], selection[1]),), select_created=("claim", "claims"),
                   caret=selection[1])


def set_claimant(store: Store, claim_id: int, name: str) -> Gesture:
    """The claimant by name, linked to the entity of that name when there is one."""
    entity = store.entity_by_name(name) if name else None
    return Gesture((edits.EditClaim(claim_id, {"claimant": name or None,
                                               "claimant_entity_id": entity.id if entity else None}),))


def new_quote(text: str, doc_id: int | None, selection: Selection | None) -> Gesture:
    """A quote of the selection: direct when a quote mark is in it or right next to it."""
    if doc_id is None or not selection:
        return _say("Select the quoted words first, then press Q")
    around = text[max(0, selection[0] - 1):selection[1] + 1]
    quote_type = "direct" if any(ch in around for ch in QUOTE_MARKS) else "indirect"
    return Gesture((edits.AddQuote(doc_id, (selection,), type=quote_type),), select_created=("quote", "quotes"),
                   caret=selection[1],
                   message="Quote added: press S to set its speaker (select it, or click a mention)")


def quote_at(store: Store, doc_id: int | None, pos: int) -> int | None:
    """The (not rejected) quote whose content holds offset ``pos``."""
    if doc_id is None:
        return None
    return next((q.id for q in store.quotes(doc_id, include_rejected=False)
                 if any(f.start <= pos < f.end for f in q.content)), None)


def speaker_from_selection(store: Store, quote_id: int, selection: Selection | None) -> bool:
    """Whether S with this selection sets the quote's speaker at once (a selection outside its
    content), rather than starting "click the speaker"."""
    if not selection:
        return False
    return not any(f.start <= selection[0] and selection[1] <= f.end for f in store.quote(quote_id).content)


def quote_part(store: Store, doc_id: int | None, quote_id: int, part: str, selection: Selection | None) -> Gesture:
    """The quote's speaker or cue from the selection (a speaker over a linked mention takes its
    entity)."""
    if not selection or doc_id is None:
        return _say(f"Select the {part} in the text first")
    fields: dict[str, Any] = {part: selection}
    if part == "speaker":
        mention = next((m for m in _overlapping_mentions(store, doc_id, selection) if m.entity_id is not None), None)
        if mention is not None:
            fields["speaker_entity_id"] = mention.entity_id
    return Gesture((edits.EditQuote(quote_id, fields),), select=("quote", quote_id), caret=selection[1])


def speaker_from_mention(store: Store, quote_id: int, mention_id: int) -> Gesture:
    """The clicked mention becomes the quote's speaker (its span and entity)."""
    m = store.mention(mention_id)
    return Gesture((edits.EditQuote(quote_id, {"speaker": (m.start, m.end), "speaker_entity_id": m.entity_id}),),
                   select=("quote", quote_id), message="Speaker set")


def new_speaker_entity(store: Store, doc_id: int | None, quote_id: int | None, selection: Selection | None,
                       type_: str | None = None) -> Gesture:
    """The speaker picker's "New entity from the selection": a canonical entity named by the selected
    text, of ``type_``, with the selection as its mention and as the quote's speaker, as one undo
    step (a live mention exactly at the selection is linked to it rather than doubled).  Without
    ``type_`` it asks, offering :func:`~desktop.app.queries.speaker_types` (PERSON first)."""
    if doc_id is None or quote_id is None:
        return _say("Choose a quote first")
    if not selection or selection[0] >= selection[1]:
        return _say("Select the speaker's name in the article first")
    name = " ".join(store.document(doc_id).text[selection[0]:selection[1]].split())
    if not name:
        return _say("Select the speaker's name in the article first")
    if type_ is None:
        return Gesture(ask=name, choices=speaker_types(store))
    at = next((m for m in _overlapping_mentions(store, doc_id, selection) if (m.start, m.end) == tuple(selection)),
              None)

    def link(added: Applied) -> list[Edit]:
        entity = added.ids("entities")[0]
        mention: Edit = (edits.LinkMention(at.id, entity) if at is not None
                         else edits.AddMention(doc_id, selection[0], selection[1], type_, entity_id=entity))
        return [mention, edits.EditQuote(quote_id, {"speaker": tuple(selection)})]

    return Gesture((edits.AddEntity(name, type_),), f"new speaker {name}", then=link, select=("quote", quote_id),
                   caret=selection[1], message=f"{name} ({type_}) is a new entity and the quote's speaker")


def add_fragment(store: Store, quote_id: int, selection: Selection | None) -> Gesture:
    """The selection as one more content fragment of the quote."""
    if not selection:
        return _say("Select the second fragment in the text first")
    content = [(f.start, f.end) for f in store.quote(quote_id).content] + [selection]
    return Gesture((edits.EditQuote(quote_id, {"content": content}),), select=("quote", quote_id))


# Entities -----------------------------------------------------------------------------------------------


def rename_entity(store: Store, entity_id: int, name: str | None = None) -> Gesture:
    """Rename a canonical entity; without ``name``, ask (the current name is the default)."""
    entity = store.entity(entity_id)
    if name is None:
        return Gesture(ask=entity.name)
    name = name.strip()
    if not name or name == entity.name:
        return Gesture()
    return Gesture((edits.RenameEntity(entity_id, name),))


def link_to_entity(store: Store, key: Key | None, entity_id: int | None) -> Gesture:
    """Link the selected mention to the chosen canonical entity (it takes the entity's type)."""
    if not key or key[0] != "mention":
        return _say("Select a mention in the article first")
    if entity_id is None or store.mention(key[1]).entity_id == entity_id:
        return Gesture()
    return Gesture((edits.LinkMention(key[1], entity_id),), select=key)


def merge_entities(store: Store, ids: Sequence[int]) -> Gesture:
    """Merge the chosen entities into the one with the most mentions (the oldest on a tie)."""
    if len(ids) < 2:
        return _say("Select two or more entities to merge")
    counts = store.mention_counts()
    target = max(ids, key=lambda e: (counts.get(e, 0), -e))
    return merge_into(target, [e for e in ids if e != target])


def merge_into(target: int, others: Sequence[int]) -> Gesture:
    """Merge ``others`` into ``target``, then show the entity that remains."""
    return Gesture((edits.MergeEntities(target, tuple(others)),), select=("entity", target))


def split_mention(store: Store, text: str, key: Key | None, name: str | None = None) -> Gesture:
    """Split the selected mention off into a new entity.  A mention without an entity gets one named
    by its text, and the link to it, in one step; otherwise ask for the new entity's name."""
    if not key or key[0] != "mention":
        return _say("Select a mention in the article first")
    mention = store.mention(key[1])
    surface = text[mention.start:mention.end]
    if mention.entity_id is None:
        return Gesture((edits.AddEntity(surface, mention.label),), f"split off entity {surface}",
                       then=lambda added: [edits.LinkMention(mention.id, added.ids("entities")[0])])
    if name is None:
        return Gesture(ask=surface)
    if not name.strip():
        return Gesture()
    return Gesture((edits.SplitEntity(mention.entity_id, (mention.id,), name.strip()),))


def label_all_occurrences(store: Store, text: str, selection: Selection | None, key: Key | None,
                          label: str | None = None) -> Gesture:
    """Label every unlabelled occurrence in the project of the selected text (asks for the label)
    or of the selected mention (its label and entity)."""
    entity_id = None
    if selection:
        surface = text[selection[0]:selection[1]]
    elif key and key[0] == "mention":
        m = store.mention(key[1])
        surface, label, entity_id = text[m.start:m.end], m.label, m.entity_id
    else:
        return _say("Select text or a mention first")
    if label is None:
        return Gesture(ask=surface, choices=tuple(lab.name for lab in store.labels("entity")))
    batch = edits.label_all_occurrences(store, surface, label, entity_id)
    if not batch:
        return _say(f"No unlabelled occurrences of “{surface}”")
    return Gesture(tuple(batch), f"label {plural(len(batch), 'occurrence')} of {surface}",
                   message=f"Labelled {plural(len(batch), 'occurrence')} of “{surface}” as {label}")


def apply_to_identical(store: Store, key: Key | None) -> Gesture:
    """Give every mention with the selected mention's text its label and entity."""
    if not key or key[0] != "mention":
        return _say("Select a mention in the article first")
    batch = edits.apply_to_identical_mentions(store, key[1])
    if not batch:
        return _say("Every identical mention already agrees")
    return Gesture(tuple(batch), "apply correction to identical mentions", message=f"Applied to {plural(len(batch), 'mention')}")
