"""The Entities dock's "across the story": the selected entity's quotes in every article and
where each article mentions it (:class:`desktop.app.queries.EntityStory`), kept current from
change events: patched from the changed articles only, re-read whole after entity changes
(merge, rename, split) or a bulk refresh, and only while the dock shows."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from desktop.app import queries
from desktop.core.store import ChangeEvent, Store
from desktop.ui.models import ID_ROLE
from desktop.ui.panels import EntitiesPanel


class StoryView:
    def __init__(self, panel: EntitiesPanel, store: Callable[[], Store | None]):
        self.panel = panel
        self._store = store
        self.story = queries.EntityStory()
        self.stale = False  # the story changed while its dock was hidden

    def on_change(self, event: ChangeEvent) -> None:
        if self.panel.story_entity is None or not event.tables & {"entities", "mentions", "quotes", "documents"}:
            return
        if "entities" in event.tables or not event.doc_ids or self.stale or not self.panel.isVisible():
            self.stale = True
            self.refresh()
        else:
            self.show(self.panel.story_entity, event.doc_ids)

    def refresh(self) -> None:
        """Re-read after a change (now if the dock shows, else when it is shown); an entity merged
        away or deleted gives way to the one selected in the table, or to none."""
        if not self.stale or not self.panel.isVisible():
            return
        self.stale = False
        store, shown = self._store(), self.panel.story_entity
        if store is not None and shown is not None and store.entity_names([shown]):
            self.show(shown)
            return
        current = self.panel.table.currentIndex()
        self.show(current.data(ID_ROLE) if current.isValid() else None)

    def show(self, entity_id: int | None, changed_docs: Iterable[int] | None = None) -> None:
        """Show the entity's story; with ``changed_docs`` (the same entity shown) re-read only those."""
        store = self._store()
        same = changed_docs is not None and self.panel.story_entity == entity_id == self.story.entity_id
        if store is None:
            found = False
        elif same:
            found = self.story.update(store, changed_docs or ())
        else:
            found = self.story.read(store, entity_id)
        if not found:
            self.story = queries.EntityStory()
            self.panel.clear_story()
            return
        self.panel.show_story(self.story.title(), self.story.rows(), entity_id)
