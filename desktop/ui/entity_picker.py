"""The searchable entity picker: a combo box whose list is the project's entities as
:func:`desktop.app.queries.entity_choices` orders them (people and organisations first, none
merged away or empty), with type-ahead that matches any part of a name or alias in any case
(a ``QCompleter`` in ``MatchContains`` mode over the same model), and the entries "no entity"
and "New entity from the selection…" above them.

:class:`EntityChoices` is the list model: a new list that differs from the shown one by one run of
added or removed entities (an edit's new entity, a merge) announces just those rows; anything
else resets the model.  Either way Qt builds no item per entity: the popup asks for the rows it
shows.  :class:`EntityPicker` emits ``sig_chosen(id)`` for an entity (None: no entity) and
``sig_new_requested()`` for "New entity from the selection…".  :func:`name_completer` is the same
type-ahead for a field that takes a name (the claim's claimant), and :func:`choose_entity` the
picker in a small dialog (link a mention to an entity).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractListModel, QEvent, QModelIndex, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from desktop.app.queries import EntityChoice, match_rank

NO_SPEAKER = "— no speaker entity —"
NEW_ENTITY = "new"  # the item data of "New entity from the selection…"
NEW_ENTITY_TEXT = "✚ New entity from the selection…"
#: the role the type-ahead matches: the name and every alias
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1
#: the entity's name alone (what a free-text field that names an entity gets)
NAME_ROLE = Qt.ItemDataRole.UserRole + 2


class EntityChoices(QAbstractListModel):
    """The picker's rows: ``head`` (fixed ``(data, text)`` entries), then one per entity."""

    def __init__(self, parent=None, head: Sequence[tuple[object, str]] = ((None, NO_SPEAKER),)) -> None:
        super().__init__(parent)
        self._head = tuple(head)
        self._items: list[EntityChoice] = []
        self._rows: dict[int, int] | None = None  # entity id -> row, built when asked for

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() else len(self._head) + len(self._items)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        row, head = index.row(), len(self._head)
        if not index.isValid() or not 0 <= row < head + len(self._items):
            return None
        if row < head:
            value, text = self._head[row]
            return {Qt.ItemDataRole.DisplayRole: text, Qt.ItemDataRole.EditRole: text,
                    Qt.ItemDataRole.UserRole: value}.get(role)  # SEARCH_ROLE: None, so typing never offers it
        choice = self._items[row - head]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return choice.text
        if role == Qt.ItemDataRole.UserRole:
            return choice.id
        if role == SEARCH_ROLE:
            return choice.search
        if role == NAME_ROLE:
            return choice.name
        if role == Qt.ItemDataRole.ToolTipRole and choice.aliases:
            return "Also: " + ", ".join(choice.aliases)
        return None

    def items(self) -> list[tuple[int, str]]:
        return [(c.id, c.text) for c in self._items]

    def choices(self) -> list[EntityChoice]:
        return list(self._items)

    def row_of(self, entity_id: int | None) -> int:
        """The row showing ``entity_id`` (when it is not listed: 0, the first head entry, or -1,
        none, without head entries)."""
        missing = 0 if self._head else -1
        if entity_id is None:
            return missing
        if self._rows is None:
            self._rows = {c.id: i + len(self._head) for i, c in enumerate(self._items)}
        return self._rows.get(entity_id, missing)

    def set_items(self, items: Sequence[EntityChoice]) -> None:
        old, items = self._items, list(items)
        if items == old:
            return
        self._rows = None
        n = min(len(old), len(items))
        head = 0
        while head < n and old[head] == items[head]:
            head += 1
        tail = 0
        while tail < n - head and old[-1 - tail] == items[-1 - tail]:
            tail += 1
        first = len(self._head) + head
        if head + tail == len(old):  # a run inserted at ``head``
            self.beginInsertRows(QModelIndex(), first, first + len(items) - tail - head - 1)
            self._items = items
            self.endInsertRows()
        elif head + tail == len(items):  # a run removed at ``head``
            self.beginRemoveRows(QModelIndex(), first, first + len(old) - tail - head - 1)
            self._items = items
            self.endRemoveRows()
        else:
            self.beginResetModel()
            self._items = items
            self.endResetModel()


class _Ranked(QSortFilterProxyModel):
    """The picker's rows ordered for the typed text (:func:`desktop.app.queries.match_rank`: the
    whole name, a whole word, a start, then anywhere: "russ" lists Liz Truss last), then in the
    picker's order (people and organisations first); the completer filters them."""

    def __init__(self, source: EntityChoices, parent) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.needle = ""
        self.setDynamicSortFilter(False)

    def set_items(self, items: Sequence[EntityChoice]) -> None:
        """The entities to rank (the source model's, :meth:`EntityChoices.set_items`)."""
        self.sourceModel().set_items(items)

    def choices(self) -> list[EntityChoice]:
        return self.sourceModel().choices()

    def set_needle(self, text: str) -> None:
        self.needle = text.strip().lower()
        self.invalidate()
        self.sort(0)

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:  # noqa: N802 (Qt API)
        return (self._rank(left.row()), left.row()) < (self._rank(right.row()), right.row())

    def _rank(self, row: int) -> int:
        return match_rank(str(self.sourceModel().index(row, 0).data(SEARCH_ROLE) or ""), self.needle)


class _Completer(QCompleter):
    """Type-ahead over the entities (:class:`_Ranked`): matches any part of a name or alias, in any
    case, word starts first, and writes the entry's ``write_role`` (its shown text, or the name alone)."""

    def __init__(self, model: EntityChoices, parent, write_role: int = Qt.ItemDataRole.DisplayRole) -> None:
        self.ranked = _Ranked(model, parent)
        super().__init__(self.ranked, parent)
        self._write_role = write_role
        self.setCompletionRole(SEARCH_ROLE)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setMaxVisibleItems(12)

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 (Qt API)
        """Every keystroke: order the entities for the typed text, then filter as usual."""
        if path.strip().lower() != self.ranked.needle:
            self.ranked.set_needle(path)
        return super().splitPath(path)

    def pathFromIndex(self, index: QModelIndex) -> str:  # noqa: N802 (Qt API)
        return str(index.data(self._write_role) or "")

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        """Return with nothing highlighted takes the first match ("lav", Return: Sergey Lavrov)."""
        popup = self.popup()
        if obj is popup and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and not popup.currentIndex().isValid() and self.completionCount():
            popup.setCurrentIndex(self.completionModel().index(0, 0))
        return super().eventFilter(obj, event)


class EntityPicker(QComboBox):
    """An editable combo box: open it to scroll the list, or type part of a name or alias."""

    sig_chosen = Signal(object)  # an entity id, or None for "no entity"
    sig_new_requested = Signal()

    def __init__(self, parent=None, head: Sequence[tuple[object, str]] = ((None, NO_SPEAKER),
                                                                         (NEW_ENTITY, NEW_ENTITY_TEXT))) -> None:
        super().__init__(parent)
        self.choices = EntityChoices(self, head)
        self.setModel(self.choices)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.view().setUniformItemSizes(True)  # the popup lays out only the rows it shows
        self.lineEdit().setPlaceholderText("Type part of a name or alias…")
        self.setCompleter(_Completer(self.choices, self))
        self.activated.connect(self._activated)
        self._shown: int | None = None  # the entity the picker shows (restored after typing)
        self.lineEdit().editingFinished.connect(self._restore)

    def focusInEvent(self, event) -> None:  # noqa: N802 (Qt API)
        """Clicking or tabbing into the picker selects what it shows, so typing replaces it (the
        typed name, not "— no speaker entity —lav"); the combo box is its line edit's focus proxy."""
        super().focusInEvent(event)
        QTimer.singleShot(0, self.lineEdit().selectAll)  # after the click that placed the cursor

    @property
    def shown(self) -> int | None:
        """The entity the picker shows (None: "no entity")."""
        return self._shown

    def show_entity(self, entity_id: int | None) -> None:
        """Show ``entity_id`` (or "no entity") without emitting."""
        self._shown = entity_id
        self.setCurrentIndex(self.choices.row_of(entity_id))

    def _activated(self, row: int) -> None:
        self._choose(self.itemData(row))

    def _choose(self, value: object) -> None:
        if value == NEW_ENTITY:
            self.show_entity(self._shown)  # the entry is an action, not a value
            self.sig_new_requested.emit()
            return
        entity_id = value if isinstance(value, int) else None
        changed = entity_id != self._shown
        self.show_entity(entity_id)
        if changed:
            self.sig_chosen.emit(entity_id)

    def _restore(self) -> None:
        """Typed text that chose nothing goes back to the entry shown (not while the type-ahead is
        open: Return there chooses its entry)."""
        if self.completer().popup().isVisible():
            return
        if self.lineEdit().text() != self.itemText(self.currentIndex()):
            self.show_entity(self._shown)


def name_completer(parent) -> QCompleter:
    """The picker's type-ahead for a free-text field that names an entity (the claimant): the same
    entities in the same order, matched the same way, and choosing one writes its name.  Its
    model is an :class:`EntityChoices` without head entries (``completer.model().set_items``)."""
    return _Completer(EntityChoices(parent, head=()), parent, NAME_ROLE)


def choose_entity(parent, choices: Sequence[EntityChoice], title: str, prompt: str,
                  current: int | None = None) -> int | None:
    """Ask for one of ``choices`` with the picker (typing "lav" and Return takes Sergey Lavrov):
    the chosen entity's id, or None when cancelled."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    picker = EntityPicker(dialog, head=())
    picker.choices.set_items(choices)
    picker.setMinimumWidth(360)
    picker.show_entity(current if any(c.id == current for c in choices) else None)
    picker.sig_chosen.connect(lambda _e: dialog.accept())  # a type-ahead choice or a click in the list
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(QLabel(prompt))
    layout.addWidget(picker)
    layout.addWidget(buttons)
    picker.setFocus()
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    chosen = picker.currentData()
    return chosen if isinstance(chosen, int) else None
