"""The window's gesture slots: each reads the selection, asks :mod:`desktop.app.gestures` what
to do, does the edits through the session as one undo step, and selects what it says.

A mixin of :class:`desktop.ui.main_window.MainWindow` (it uses the window's ``view``, ``store``,
``session``, panels and status bar); the policy (which edits, what to select afterwards) lives in
``desktop/app/gestures.py``, where it is tested without Qt.
"""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox

from desktop.app import gestures, queries
from desktop.app.session import Applied
from desktop.core import edits
from desktop.ui import tab_through
from desktop.ui.entity_picker import choose_entity
from desktop.ui.panels import select_id


class GestureSlots:
    """Gesture handlers of the main window (the names the menus, the view's signals and tests call)."""

    def _wire_panels(self) -> None:
        """The inspector panels' requests: small edits at once, the rest through the slots below."""
        self.quotes_panel.sig_quote_selected.connect(lambda q: self.select_key(("quote", q)))
        self.quotes_panel.sig_type_requested.connect(lambda q, t: self.do(edits.EditQuote(q, {"type": t})))
        self.quotes_panel.sig_speaker_entity_requested.connect(
            lambda q, e: self.do(edits.EditQuote(q, {"speaker_entity_id": e})))
        self.quotes_panel.sig_pick_speaker_requested.connect(self.start_pick_speaker)
        self.quotes_panel.sig_new_speaker_entity_requested.connect(self.new_speaker_entity)
        self.quotes_panel.sig_speaker_from_selection_requested.connect(lambda q: self._quote_part_from_selection(q, "speaker"))
        self.quotes_panel.sig_cue_from_selection_requested.connect(lambda q: self._quote_part_from_selection(q, "cue"))
        self.quotes_panel.sig_add_fragment_requested.connect(self.add_fragment)
        self.quotes_panel.sig_status_requested.connect(lambda q, s: self.do(edits.SetStatus("quotes", (q,), s)))
        self.claims_panel.sig_claim_selected.connect(lambda c: self.select_key(("claim", c)))
        self.claims_panel.sig_label_requested.connect(lambda c, s, v: self.do(edits.SetClaimLabel(c, s, v)))
        self.claims_panel.sig_claimant_requested.connect(self._set_claimant)
        self.claims_panel.sig_note_requested.connect(lambda c, n: self.do(edits.EditClaim(c, {"note": n})))
        self.claims_panel.sig_status_requested.connect(lambda c, s: self.do(edits.SetStatus("claims", (c,), s)))
        self.entities_panel.sig_rename_requested.connect(self.rename_entity)
        self.entities_panel.sig_merge_requested.connect(self.merge_entities)
        self.entity_model.sig_merge_dropped.connect(self._merge_into)
        self.entities_panel.sig_split_requested.connect(self.split_mention)
        self.entities_panel.sig_label_all_requested.connect(self.label_all_occurrences)
        self.entities_panel.sig_apply_all_requested.connect(self.apply_to_identical)
        self.entities_panel.sig_entity_activated.connect(self.show_entity)
        self.entities_panel.sig_entity_selected.connect(self.show_entity_story)
        self.entities_panel.sig_story_item_activated.connect(self.open_story_item)

    def perform(self, gesture: gestures.Gesture) -> Applied | None:
        """Do a gesture's edits as one undo step, then what it selects and says afterwards."""
        if not gesture.edits or self.session is None:
            if gesture.message:
                self.statusBar().showMessage(gesture.message, 3000)
            return None
        with self.view.batched():  # the patched spans and the selection after: one ExtraSelections pass
            applied = gesture.apply(self.session)
            if applied is None:
                return None
            if gesture.caret is not None:
                self.view.set_selection(gesture.caret, gesture.caret)
            key = gesture.selection_after(applied)
            if key and key[0] == "entity":
                select_id(self.entities_panel.table, key[1])
            elif key and key[0] == "mention":
                self.view.select_span(key)  # not the entity's story: a label key stays quick
            elif key:
                self.select_key(key)
            if gesture.message:
                self.statusBar().showMessage(gesture.message, 5000)
            if gesture.advance:
                self.step_suggestion(1, quiet=True)
        return applied

    def on_span_clicked(self, key) -> None:
        if self._pick_speaker_for is not None and key and key[0] == "mention":
            quote_id, self._pick_speaker_for = self._pick_speaker_for, None
            self.perform(gestures.speaker_from_mention(self.store, quote_id, key[1]))
            return
        self._sync_panels(key)

    def on_label_key(self, number: int) -> None:
        if self.session is not None:
            self.perform(gestures.number_key(self.store, self.doc_id, self.view.selection(), self.selected_key(), number))

    def apply_label(self, label: str) -> None:
        if self.session is not None:
            self.perform(gestures.label_selection(self.store, self.doc_id, self.view.selection(), self.selected_key(),
                                                  label))

    def on_view_key(self, name: str) -> None:
        handler = {
            "delete": self.delete_selected, "accept": lambda: self.set_status_selected("accepted"),
            "reject": lambda: self.set_status_selected("rejected"), "accept_all": self.accept_all,
            "next": lambda: self.step_span(1), "prev": lambda: self.step_span(-1),
            "claim": self.new_claim, "quote": self.new_quote, "speaker": self.set_speaker, "cue": self.set_cue,
            "escape": self.cancel_pick,
        }.get(name)
        if handler:
            handler()

    def on_resize(self, key, start: int, end: int) -> None:
        if key is not None and self.session is not None:
            self.perform(gestures.resize(self.store, key, start, end))
            self.view.select_span(key)

    def delete_selected(self) -> None:
        self.perform(gestures.delete(self.selected_key()))

    def set_status_selected(self, status: str) -> None:
        self.perform(gestures.set_status(self.selected_key(), status))

    def accept_all(self) -> None:
        if self.session is not None:
            self.perform(gestures.accept_all(self.store, self.doc_id))

    def toggle_reviewed(self, layer: str) -> None:
        """Mark the article's ``layer`` reviewed, or not (Navigate ▸ Mark … Reviewed); pending
        suggestions are asked about first."""
        if self.session is not None:
            self._perform_answered(lambda answer: gestures.toggle_layer_reviewed(self.store, self.doc_id, layer, answer),
                                   f"Mark {layer} reviewed")

    def mark_done(self) -> None:
        """Mark the article done (Ctrl+D); pending suggestions are asked about first."""
        if self.session is not None:
            self._perform_answered(lambda answer: gestures.mark_done(self.store, self.doc_id, answer),
                                   "Mark article done")

    def _perform_answered(self, gesture_for, title: str) -> None:
        """Perform ``gesture_for(None)``, or, when it asks, the gesture for the chosen answer (a
        button per choice, and Cancel)."""
        gesture = gesture_for(None)
        if gesture.ask is not None and gesture.choices:
            box = QMessageBox(QMessageBox.Icon.Question, title, gesture.ask, QMessageBox.StandardButton.Cancel, self)
            buttons = {box.addButton(choice, QMessageBox.ButtonRole.AcceptRole): choice for choice in gesture.choices}
            box.setDefaultButton(next(iter(buttons)))
            box.exec()
            answer = buttons.get(box.clickedButton())
            if answer is None:
                return
            gesture = gesture_for(answer)
        self.perform(gesture)

    def step_span(self, step: int) -> None:
        """Tab / Shift+Tab: the next or previous span of the layer being reviewed."""
        tab_through.step(self, step)

    def step_suggestion(self, step: int, quiet: bool = False) -> None:
        """The next or previous suggestion of that layer (what accepting one moves on to)."""
        tab_through.step(self, step, suggestions_only=True, quiet=quiet)

    def new_claim(self, sentence: bool = False) -> None:
        if self.doc_id is not None:
            selection = (None if sentence else self.view.selection()) or self.view.sentence_at_cursor()
            self.perform(gestures.new_claim(self.doc_id, selection))

    def new_quote(self) -> None:
        self.perform(gestures.new_quote(self.text, self.doc_id, self.view.selection()))

    def _selected_quote(self) -> int | None:
        key = self.selected_key()
        if key and key[0] in ("quote", "speaker", "cue"):
            return key[1]
        selection = self.view.selection()
        pos = selection[0] if selection else self.view.cursor_offset()
        return gestures.quote_at(self.store, self.doc_id, pos) or self.quotes_panel.quote_id()

    def set_speaker(self) -> None:
        """S: with a quote chosen (selected, or the cursor in it) start choosing its speaker; the next
        click on a mention, or a selection outside the quote and S again, sets it."""
        if self.doc_id is None:
            return
        quote_id = self._pick_speaker_for or self._selected_quote()
        if quote_id is None:
            self.statusBar().showMessage("Put the cursor in a quote (or select one) first", 3000)
        elif gestures.speaker_from_selection(self.store, quote_id, self.view.selection()):
            self._pick_speaker_for = None
            self._quote_part_from_selection(quote_id, "speaker")
        else:
            self.start_pick_speaker(quote_id)

    def new_speaker_entity(self, quote_id: int) -> None:
        """The speaker picker's "New entity from the selection…": asks its type, then one step."""
        if self.session is None:
            return
        selection = self.view.selection()
        gesture = gestures.new_speaker_entity(self.store, self.doc_id, quote_id, selection)
        if gesture.ask is not None:
            type_, ok = QInputDialog.getItem(self, "New entity from the selection", f"Type of “{gesture.ask}”:",
                                             list(gesture.choices), 0, False)
            if not ok:
                return
            gesture = gestures.new_speaker_entity(self.store, self.doc_id, quote_id, selection, type_)
        self.perform(gesture)

    def start_pick_speaker(self, quote_id: int) -> None:
        self._pick_speaker_for = quote_id
        self.view.select_span(("quote", quote_id))
        self.quotes_panel.show_quote(quote_id)
        self.statusBar().showMessage("Choose the speaker: click a mention, or select the name and press S "
                                     "(Esc cancels)", 8000)
        self.view.setFocus()

    def cancel_pick(self) -> None:
        if self._pick_speaker_for is not None:
            self._pick_speaker_for = None
            self.statusBar().showMessage("Speaker choice cancelled", 2000)

    def set_cue(self) -> None:
        quote_id = self._selected_quote()
        if quote_id is not None:
            self._quote_part_from_selection(quote_id, "cue")

    def _quote_part_from_selection(self, quote_id: int, part: str) -> None:
        self.perform(gestures.quote_part(self.store, self.doc_id, quote_id, part, self.view.selection()))

    def add_fragment(self, quote_id: int) -> None:
        self.perform(gestures.add_fragment(self.store, quote_id, self.view.selection()))

    def _set_claimant(self, claim_id: int, name: str) -> None:
        self.perform(gestures.set_claimant(self.store, claim_id, name))

    def rename_entity(self, entity_id: int) -> None:
        asked = gestures.rename_entity(self.store, entity_id)
        name, ok = QInputDialog.getText(self, "Rename entity", "Name:", text=asked.ask or "")
        if ok:
            self.perform(gestures.rename_entity(self.store, entity_id, name))

    def link_to_entity(self, mention_id: int) -> None:
        """Link a mention to an entity chosen with the entity picker (its context menu)."""
        if self.session is None:
            return
        m = self.store.mention(mention_id)
        entity = choose_entity(self, self.listed_entities.choices or [], "Link to entity",
                               f"Link “{self.text[m.start:m.end]}” to the entity:", m.entity_id)
        self.perform(gestures.link_to_entity(self.store, ("mention", mention_id), entity))

    def merge_entities(self, ids: list[int]) -> None:
        self.perform(gestures.merge_entities(self.store, ids))

    def _merge_into(self, target: int, others: list[int]) -> None:
        """Merge, then show the entity that remains (selected in the dock, with its story)."""
        self.perform(gestures.merge_into(target, others))

    def split_mention(self) -> None:
        gesture = gestures.split_mention(self.store, self.text, self.selected_key())
        if gesture.ask is not None:
            name, ok = QInputDialog.getText(self, "Split off mention", "New entity's name:", text=gesture.ask)
            if not ok:
                return
            gesture = gestures.split_mention(self.store, self.text, self.selected_key(), name)
        self.perform(gesture)

    def label_all_occurrences(self) -> None:
        selection, key = self.view.selection(), self.selected_key()
        gesture = gestures.label_all_occurrences(self.store, self.text, selection, key)
        if gesture.ask is not None:
            label, ok = QInputDialog.getItem(self, "Label all occurrences", f"Label for “{gesture.ask}”:",
                                             list(gesture.choices), 0, False)
            if not ok:
                return
            gesture = gestures.label_all_occurrences(self.store, self.text, selection, key, label)
        self.perform(gesture)

    def apply_to_identical(self) -> None:
        self.perform(gestures.apply_to_identical(self.store, self.selected_key()))

    def show_entity(self, entity_id: int) -> None:
        """Show the entity's first mention (the Entities dock's double-click)."""
        found = queries.first_mention(self.store, entity_id) if self.store is not None else None
        if found:
            self.show_document(found[0])
            self.select_key(found[1])

    def open_story_item(self, target) -> None:
        doc_id, key = target
        if doc_id != self.doc_id:
            self.show_document(doc_id)
        self.select_key(key)
