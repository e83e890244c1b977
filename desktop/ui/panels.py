"""Inspector docks: canonical entities, the document's quotes, the document's claims.

Panels show models and emit *requests*; the main window turns requests into edits.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.app.queries import EntityChoice
from desktop.core.model import QUOTE_TYPES
from desktop.ui.entity_picker import EntityPicker, name_completer
from desktop.ui.models import ID_ROLE, SORT_ROLE, ClaimTableModel, EntityTableModel, QuoteTableModel


def _table(model, *, multi: bool = False, sortable: bool = False) -> QTableView:
    view = QTableView()
    if sortable:
        proxy = QSortFilterProxyModel(view)
        proxy.setSortRole(SORT_ROLE)
        proxy.setSourceModel(model)
        view.setModel(proxy)
        view.setSortingEnabled(True)
    else:
        view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                          else QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    return view


def fit_columns_when_reloaded(view: QTableView, columns: Sequence[int], values: dict[int, Sequence[str]]) -> None:
    """Size ``columns`` to their contents when the view's rows are reset or added, not on every
    row's change: a ResizeToContents column measures its rows again (100 of them, 15 ms in a
    10,000-row list) for each ``dataChanged``, which is every edit that touches a document's row.
    ``values[column]``: texts the column may change to later (a status), which it is kept wide
    enough for."""
    header = view.horizontalHeader()
    for column in columns:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)

    def fit(*_: object) -> None:
        fm = view.fontMetrics()
        pad = 2 * view.style().pixelMetric(view.style().PixelMetric.PM_FocusFrameHMargin, None, view) + 12
        for column in columns:
            view.resizeColumnToContents(column)
            widest = max((fm.horizontalAdvance(t) + pad for t in values.get(column, ())), default=0)
            if header.sectionSize(column) < widest:
                header.resizeSection(column, widest)

    model = view.model()
    model.modelReset.connect(fit)
    model.rowsInserted.connect(fit)
    model.layoutChanged.connect(fit)  # a sort or filter brings other rows to the top
    fit()


def selected_ids(view: QTableView) -> list[int]:
    rows = sorted({i.row() for i in view.selectionModel().selectedRows()})
    model = view.model()
    return [model.index(r, 0).data(ID_ROLE) for r in rows]


def select_id(view: QTableView, row_id: int | None) -> None:
    model = view.model()
    for r in range(model.rowCount()):
        if model.index(r, 0).data(ID_ROLE) == row_id:
            view.selectRow(r)
            view.scrollTo(model.index(r, 0))
            return
    view.clearSelection()


class EntitiesPanel(QWidget):
    """Canonical entities with mention counts: rename, merge, split, label all, apply to all."""

    sig_rename_requested = Signal(int)
    sig_merge_requested = Signal(list)  # entity ids; the first selected (most mentions) is kept
    sig_split_requested = Signal()
    sig_label_all_requested = Signal()
    sig_apply_all_requested = Signal()
    sig_entity_activated = Signal(int)
    sig_entity_selected = Signal(int)
    sig_story_item_activated = Signal(object)  # (doc_id, span key)

    def __init__(self, model: EntityTableModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.filter = QLineEdit(placeholderText="Filter entities…")
        self.filter.setClearButtonEnabled(True)
        self.table = _table(model, multi=True, sortable=True)
        self.table.model().setFilterKeyColumn(-1)
        self.table.model().setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter.textChanged.connect(self.table.model().setFilterFixedString)
        self.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        self.table.doubleClicked.connect(lambda ix: self.sig_entity_activated.emit(ix.data(ID_ROLE)))
        self.table.setDragEnabled(True)
        self.table.setAcceptDrops(True)
        self.table.setDropIndicatorShown(True)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.table.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.table.setToolTip("Drag entities onto another to merge them into it")
        self.rename = QPushButton("Rename…")
        self.merge = QPushButton("Merge")
        self.merge.setToolTip("Merge the selected entities into the one with most mentions")
        self.split = QPushButton("Split mention off…")
        self.split.setToolTip("Move the mention selected in the article to a new entity")
        self.label_all = QPushButton("Label all occurrences")
        self.label_all.setToolTip("Label every occurrence of the selected text in the project like the selected mention")
        self.apply_all = QPushButton("Apply to identical")
        self.apply_all.setToolTip("Give every mention with the same text this mention's label and entity")
        self.rename.clicked.connect(self._rename)
        self.merge.clicked.connect(lambda: self.sig_merge_requested.emit(selected_ids(self.table)))
        self.split.clicked.connect(self.sig_split_requested)
        self.label_all.clicked.connect(self.sig_label_all_requested)
        self.apply_all.clicked.connect(self.sig_apply_all_requested)
        buttons = QHBoxLayout()
        for b in (self.rename, self.merge, self.split):
            buttons.addWidget(b)
        buttons2 = QHBoxLayout()
        for b in (self.label_all, self.apply_all):
            buttons2.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 3)
        layout.addLayout(buttons)
        layout.addLayout(buttons2)
        self.story_title = QLabel("Across the story: select an entity")
        self.story_title.setStyleSheet("font-weight: 600; padding-top: 6px;")
        self.story = QListWidget()
        self.story.setWordWrap(True)
        self.story.setSpacing(3)
        self.story.setAlternatingRowColors(True)
        self.story.setToolTip("What the selected entity says, and where it is mentioned, in every article; "
                              "click to go there")
        self.story.itemActivated.connect(self._story_item)
        self.story.itemClicked.connect(self._story_item)
        layout.addWidget(self.story_title)
        layout.addWidget(self.story, 2)
        self.story_entity: int | None = None  # whose story is shown
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self.sig_entity_selected.emit(current.data(ID_ROLE)) if current.isValid() else None)

    def show_story(self, name: str, rows: list[tuple[str, tuple[int, tuple[str, int]]]],
                   entity_id: int | None = None) -> None:
        """List ``(text, (doc_id, key))`` rows: the entity's quotes and mentions across articles."""
        self.story_entity = entity_id
        self.story.clear()
        self.story_title.setText(f"Across the story: {name}")
        for text, target in rows:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, target)
            self.story.addItem(item)

    def clear_story(self) -> None:
        """No entity chosen (or the one shown was merged away or deleted)."""
        self.story_entity = None
        self.story.clear()
        self.story_title.setText("Across the story: select an entity")

    def _story_item(self, item: QListWidgetItem) -> None:
        target = item.data(Qt.ItemDataRole.UserRole)
        if target:
            self.sig_story_item_activated.emit(target)

    def _rename(self) -> None:
        ids = selected_ids(self.table)
        if ids:
            self.sig_rename_requested.emit(ids[0])


class _LayerPanel(QWidget):
    """A table of the article's quotes or claims and a form for the one selected."""

    sig_item_selected = Signal(int)

    def __init__(self, model, parent=None):
        super().__init__(parent)
        self.model = model
        self.table = _table(model)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        model.modelReset.connect(self._lay_out_now)
        self._item_id: int | None = None

    def _lay_out_now(self) -> None:
        """Another article's rows: size the table and show or hide its scroll bar now, before it
        paints.  Qt does both later (a delayed layout, then a queued scroll bar update), so a
        switch between articles with and without a scroll bar painted the table twice, the
        second time at its new width."""
        if self.table.isVisible():
            self.table.doItemsLayout()
            QCoreApplication.sendPostedEvents(self.table, QEvent.Type.MetaCall)

    def current_id(self) -> int | None:
        return self._item_id

    def show_item(self, item_id: int | None) -> None:
        """Select ``item_id`` in the table (without emitting) and fill the form."""
        self._item_id = item_id
        row = self.model.row_of(item_id) if item_id is not None else -1
        if row >= 0:
            self.table.blockSignals(True)
            self.table.selectRow(row)
            self.table.blockSignals(False)
        else:
            self.table.clearSelection()
        self._sync()

    def current_row(self) -> dict | None:
        return self.model.row_dict(self.model.row_of(self._item_id)) if self._item_id is not None else None

    def _sync(self) -> None:
        raise NotImplementedError

    def _on_row(self, current, _previous) -> None:
        item_id = self.model.row_id(current.row())
        if item_id is not None and item_id != self._item_id:
            self._item_id = item_id
            self._sync()
            self.sig_item_selected.emit(item_id)

    def _with_id(self, fn) -> None:
        if self._item_id is not None:
            fn(self._item_id)


class QuotesPanel(_LayerPanel):
    """The document's quotes; the selected quote's type, speaker entity, speaker, cue, fragments."""

    sig_quote_selected = Signal(int)
    sig_type_requested = Signal(int, str)
    sig_speaker_entity_requested = Signal(int, object)  # quote id, entity id or None
    sig_new_speaker_entity_requested = Signal(int)  # quote id: a new entity from the article's selection
    sig_pick_speaker_requested = Signal(int)
    sig_cue_from_selection_requested = Signal(int)
    sig_speaker_from_selection_requested = Signal(int)
    sig_add_fragment_requested = Signal(int)
    sig_status_requested = Signal(int, str)

    def __init__(self, model: QuoteTableModel, parent=None):
        super().__init__(model, parent)
        self.sig_item_selected.connect(self.sig_quote_selected)
        self.type = QComboBox()
        self.type.addItems(QUOTE_TYPES)
        self.type.activated.connect(lambda _i: self._emit_type())
        self.entity = EntityPicker()  # type-ahead over names and aliases; "New entity from the selection…"
        self.speakers = self.entity.choices
        self.entity.sig_chosen.connect(lambda e: self._with_id(lambda q: self.sig_speaker_entity_requested.emit(q, e)))
        self.entity.sig_new_requested.connect(lambda: self._with_id(self.sig_new_speaker_entity_requested.emit))
        self.pick = QPushButton("Pick speaker (click a mention)")
        self.speaker_sel = QPushButton("Speaker ← selection")
        self.cue_sel = QPushButton("Cue ← selection")
        self.fragment = QPushButton("Add fragment ← selection")
        self.accept = QPushButton("Accept")
        self.reject = QPushButton("Reject")
        self.pick.clicked.connect(lambda: self._with_id(self.sig_pick_speaker_requested.emit))
        self.speaker_sel.clicked.connect(lambda: self._with_id(self.sig_speaker_from_selection_requested.emit))
        self.cue_sel.clicked.connect(lambda: self._with_id(self.sig_cue_from_selection_requested.emit))
        self.fragment.clicked.connect(lambda: self._with_id(self.sig_add_fragment_requested.emit))
        self.accept.clicked.connect(lambda: self._with_id(lambda q: self.sig_status_requested.emit(q, "accepted")))
        self.reject.clicked.connect(lambda: self._with_id(lambda q: self.sig_status_requested.emit(q, "rejected")))
        form = QFormLayout()
        form.addRow("Type", self.type)
        form.addRow("Speaker", self.entity)
        grid = QHBoxLayout()
        for b in (self.speaker_sel, self.cue_sel, self.fragment):
            grid.addWidget(b)
        grid2 = QHBoxLayout()
        for b in (self.pick, self.accept, self.reject):
            grid2.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(grid)
        layout.addLayout(grid2)
        self._sync()

    def set_entities(self, entities: Sequence[EntityChoice]) -> None:
        """The picker's entities in order; the chosen one stays chosen while listed."""
        current = self.entity.shown
        self.speakers.set_items(entities)
        self._select_entity(current)

    def _select_entity(self, entity_id) -> None:
        self.entity.show_entity(entity_id)

    quote_id = _LayerPanel.current_id
    show_quote = _LayerPanel.show_item

    def _sync(self) -> None:
        row = self.current_row()
        for w in (self.type, self.entity, self.pick, self.speaker_sel, self.cue_sel, self.fragment, self.accept, self.reject):
            w.setEnabled(row is not None)
        # With no quote chosen (another article, a deleted quote) the form shows nothing, not the
        # previous quote's values.
        self.type.setCurrentIndex(self.type.findText(row["quote"].type) if row is not None else -1)
        self._select_entity(row["quote"].speaker_entity_id if row is not None else None)

    def _emit_type(self) -> None:
        self._with_id(lambda q: self.sig_type_requested.emit(q, self.type.currentText()))


class ClaimsPanel(_LayerPanel):
    """The document's claims; the selected claim's labels, claimant and note."""

    sig_claim_selected = Signal(int)
    sig_label_requested = Signal(int, str, object)  # claim id, label set, value or None
    sig_claimant_requested = Signal(int, str)
    sig_note_requested = Signal(int, str)
    sig_status_requested = Signal(int, str)

    def __init__(self, model: ClaimTableModel, parent=None):
        super().__init__(model, parent)
        self.sig_item_selected.connect(self.sig_claim_selected)
        self.form = QFormLayout()
        self.combos: dict[str, QComboBox] = {}
        self.accept = QPushButton("Accept")
        self.reject = QPushButton("Reject")
        self.accept.clicked.connect(lambda: self._with_id(lambda c: self.sig_status_requested.emit(c, "accepted")))
        self.reject.clicked.connect(lambda: self._with_id(lambda c: self.sig_status_requested.emit(c, "rejected")))
        self.hint = QLabel("C marks the selection (or the sentence at the cursor) as a claim; with a claim "
                           "selected, the keys in brackets set its labels.")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(mid);")
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept)
        buttons.addWidget(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.form)
        layout.addLayout(buttons)
        layout.addWidget(self.hint)
        self._claimant_names: list[EntityChoice] = []
        self.set_label_sets({})

    def set_label_sets(self, sets: dict[str, list[str]], hotkeys: dict[tuple[str, str], str] | None = None) -> None:
        hotkeys = hotkeys or {}
        self.model.set_label_sets(sets)  # the table: a column per label set, each as wide as its labels
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setResizeContentsPrecision(0)  # the rows on screen: not every claim of a long article per switch
        for column in range(1, self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        while self.form.rowCount():
            self.form.removeRow(0)
        self.combos = {}
        for name, labels in sets.items():
            combo = QComboBox()
            combo.addItem("—", None)
            for label in labels:
                key = hotkeys.get((name, label))
                combo.addItem(f"{label}   [{key}]" if key else label, label)
            combo.activated.connect(lambda _i, n=name, c=combo: self._with_id(
                lambda cid: self.sig_label_requested.emit(cid, n, c.currentData())))
            self.combos[name] = combo
            self.form.addRow(name.replace("_", " ").capitalize(), combo)
        self.claimant = QLineEdit(placeholderText="Who makes the claim")
        self.claimant.editingFinished.connect(self._emit_claimant)
        self._names_shown = False
        self.form.addRow("Claimant", self.claimant)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("Note (Enter or leaving the field saves; Shift+Enter: new line)")
        self.note.setFixedHeight(60)
        self.note.setTabChangesFocus(True)  # Tab is "next field", not a tab character
        self.note.installEventFilter(self)
        self.note.textChanged.connect(self._note_edited)
        self.claimant.installEventFilter(self)  # its completer gets the names when it gets focus
        self.form.addRow("Note", self.note)
        self.note_state = QLabel()  # "✓ saved" once the project holds what the field shows
        self.note_state.setStyleSheet("color: palette(placeholder-text);")
        self.form.addRow("", self.note_state)
        self._note_claim: int | None = None  # the claim whose note the field shows
        self._sync()

    def set_claimant_names(self, choices: Sequence[EntityChoice]) -> None:
        """The entities the claimant field completes (the listed ones, by any part of a name or
        alias, as the speaker picker does); handed to its completer when the field has focus, so
        an edit that adds an entity does not refill it every time."""
        self._claimant_names = list(choices)
        self._names_shown = False
        if self.claimant.hasFocus():
            self.claimant_names()

    def claimant_names(self) -> list[str]:
        """The names the claimant field's completer offers (filled now if they changed)."""
        completer = self.claimant.completer()
        if not self._names_shown:
            if completer is None:  # made once per field; later lists move its rows
                completer = name_completer(self.claimant)
                self.claimant.setCompleter(completer)
            completer.model().set_items(self._claimant_names)
            self._names_shown = True
        return [c.name for c in completer.model().choices()]

    def eventFilter(self, obj, event) -> bool:
        from PySide6.QtCore import QEvent

        if obj is self.note and event.type() == QEvent.Type.FocusOut:
            self._with_id(self._emit_note)
        elif obj is self.note and event.type() == QEvent.Type.KeyPress and \
                event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self._with_id(self._emit_note)  # Enter saves (Shift+Enter is a new line)
            return True
        elif obj is self.claimant and event.type() == QEvent.Type.FocusIn:
            self.claimant_names()
        return super().eventFilter(obj, event)

    claim_id = _LayerPanel.current_id
    show_claim = _LayerPanel.show_item

    def _sync(self) -> None:
        row = self.current_row()
        for w in (*self.combos.values(), self.claimant, self.note, self.accept, self.reject):
            w.setEnabled(row is not None)
        claim = row["claim"] if row else None
        for name, combo in self.combos.items():
            combo.setCurrentIndex(max(combo.findData(claim.labels.get(name)) if claim else 0, 0))
        self.claimant.setText(claim.claimant or "" if claim else "")
        if self._note_claim != (claim.id if claim else None):
            self._note_claim = claim.id if claim else None
            self.note_state.clear()  # another claim: its saved mark is not this one's
        if not self.note.hasFocus() and self.note.toPlainText() != (claim.note or "" if claim else ""):
            self.note.setPlainText(claim.note or "" if claim else "")

    def _emit_claimant(self) -> None:
        row = self.current_row()
        if row is not None and (row["claim"].claimant or "") != self.claimant.text().strip():
            self.sig_claimant_requested.emit(self._item_id, self.claimant.text().strip())

    def _stored_note(self, claim_id: int | None) -> str | None:
        row = self.model.row_dict(self.model.row_of(claim_id)) if claim_id is not None else None
        return (row["claim"].note or "") if row is not None else None

    def _emit_note(self, claim_id: int) -> None:
        """Ask to save the note, then say whether the project holds it (the request is handled at
        once: the edit is applied and the model updated before ``emit`` returns)."""
        text = self.note.toPlainText()
        if self._stored_note(claim_id) not in (None, text):
            self.sig_note_requested.emit(claim_id, text)
            self.note_state.setText("✓ saved" if self._stored_note(claim_id) == text else "✗ not saved")
        elif self._stored_note(claim_id) == text and text:
            self.note_state.setText("✓ saved")

    def _note_edited(self) -> None:
        if self.note.hasFocus() and self._stored_note(self._item_id) != self.note.toPlainText():
            self.note_state.setText("not saved yet (Enter saves)")
