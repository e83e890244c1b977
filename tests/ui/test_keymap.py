"""The one key map drives the menus, the article view's keys and the F1 sheet."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from desktop.app import keymap
from desktop.ui import actions as A

pytestmark = pytest.mark.gui


def test_menu_shortcuts_are_the_keymaps(window):
    specs = [spec for _, specs in A.MENUS for spec in specs if spec]
    for spec in specs:
        action = window.actions_by_id[spec.id]
        assert action.shortcut().toString() == QKeySequence(keymap.shortcut(spec.id)).toString(), spec.id
        in_article = action.shortcutContext() == Qt.ShortcutContext.WidgetShortcut
        assert in_article == (keymap.binding(spec.id) is not None and keymap.binding(spec.id).where == keymap.ARTICLE)
    menu_ids = {spec.id for spec in specs}
    # every key of the map either belongs to a menu action or is handled by the view itself
    for b in keymap.KEYMAP:
        assert b.action in menu_ids or b.request or not b.keys or b.where != keymap.WINDOW, b.action


def test_the_view_emits_the_request_of_every_key_it_claims(qtbot, window):
    view = window.view
    view.setFocus()
    requests, labels = [], []
    view.sig_key_requested.connect(requests.append)
    view.sig_label_requested.connect(labels.append)
    window.view.sig_key_requested.disconnect(window.on_view_key)  # only listen: the keys act on nothing
    window.view.sig_label_requested.disconnect(window.on_label_key)
    for b in keymap.view_bindings():
        for text in b.keys:
            combo = QKeySequence(text)[0]
            requests.clear()
            labels.clear()
            before = view.font_point_size()
            qtbot.keyClick(view, combo.key(), combo.keyboardModifiers())
            if b.request == "label":
                assert labels == [int(text)], text
            elif b.request.startswith("zoom"):
                assert view.font_point_size() != before or b.request == "zoom_reset", text
            elif b.request == "escape":
                assert requests == ["escape"], text
            elif not b.request.startswith("resize"):
                assert requests == [b.request], text
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)  # not in the map: not claimed
    assert "accept" not in requests


def test_f1_sheet_lists_every_row_of_the_keymap_and_the_projects_labels(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.shortcuts_dialog
    table = dialog.findChild(type(dialog.layout().itemAt(0).widget()))
    whats = [table.item(r, 1).text() for r in range(table.rowCount())]
    for b in keymap.KEYMAP:
        assert b.what[:1].upper() + b.what[1:] in whats
    assert "Label as PERSON" in whats
    dialog.close()
