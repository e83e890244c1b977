"""Issue 16 item 3 through the real window: the Review dock lists the check-worthy sentences and
the quotes the model is least sure of, ordered by score or by uncertainty, and F8 walks the order
shown."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.app import review
from desktop.core import edits as E

from .test_main_window import key

pytestmark = pytest.mark.gui


def _claims(window, scored):
    """Claim suggestions with scores in the first article, over the sentences that start with the
    given words; their ids by those words."""
    doc = window.store.document(window.doc_id)
    claims = []
    for words, score in scored:
        start = doc.text.index(words)
        end = doc.text.index(".", start) + 1
        claims.append({"start": start, "end": end, "score": score})
    window.do(E.ReplaceSuggestions(doc.id, "checkworthy 1", claims=tuple(claims)))
    return {words: next(c.id for c in window.store.claims(doc.id) if doc.text.startswith(words, c.start))
            for words, _ in scored}


def test_the_dock_orders_check_worthy_sentences_by_score_and_uncertainty_and_f8_follows(qtbot, window, tmp_path):
    doc = window.store.document(window.doc_id)
    firsts = [s.split(" ", 3) for s in doc.text.split(". ")[1:4]]
    words = [" ".join(f[:3]) for f in firsts]
    ids = _claims(window, [(words[0], 0.55), (words[1], 0.93), (words[2], 0.72)])
    key(qtbot, window, Qt.Key.Key_Escape)
    panel = window.review_panel
    window.review_dock.show()
    row = 1 + next(i for i, k in enumerate(review.KINDS) if k.id == "check-worthy")
    qtbot.waitUntil(lambda: panel.kinds.item(row).text() == "Check-worthy sentences (3)", timeout=30_000)
    panel.kinds.setCurrentRow(row)

    def listed():
        return [panel.model.items[i].key[1] for i in range(panel.model.rowCount())]

    assert listed() == [ids[w] for w in words]  # reading order
    panel.order.setCurrentIndex(1)  # by score: the most check-worthy first
    assert listed() == [ids[words[1]], ids[words[2]], ids[words[0]]]
    panel.grab().save(str(tmp_path / "review-scores.png"))

    def f8():
        qtbot.keyClick(window.view, Qt.Key.Key_F8)
        return window.view.selected_key()

    assert f8() == ("claim", ids[words[1]])  # F8 walks the order shown, not reading order
    assert f8() == ("claim", ids[words[2]])
    assert f8() == ("claim", ids[words[0]])
    assert f8() == ("claim", ids[words[1]])  # round again

    panel.order.setCurrentIndex(2)  # by uncertainty: closest to the threshold (unset: 0.6) first
    assert listed() == [ids[words[0]], ids[words[2]], ids[words[1]]]
    window.do(E.SetSetting("claims.threshold", "0.9"))
    panel.order.setCurrentIndex(1)
    panel.order.setCurrentIndex(2)
    assert listed() == [ids[words[1]], ids[words[2]], ids[words[0]]]

    window.do(E.SetStatus("claims", (ids[words[1]],), "accepted"))  # an editor's decision: no longer an item
    qtbot.waitUntil(lambda: panel.kinds.item(row).text() == "Check-worthy sentences (2)", timeout=30_000)
    assert ids[words[1]] not in listed()


def test_the_least_sure_kind_lists_unsure_entity_suggestions_and_f8_selects_them(qtbot, window, tmp_path):
    doc = window.store.document(window.doc_id)
    words = [w for w in doc.text.split() if w.isalpha() and w[0].isupper()][:2]
    spans = [(doc.text.index(w), doc.text.index(w) + len(w)) for w in words]
    window.do(E.ReplaceSuggestions(doc.id, "m 1", entities=(
        {"start": spans[0][0], "end": spans[0][1], "label": "ORG", "score": 0.31},
        {"start": spans[1][0], "end": spans[1][1], "label": "GPE", "score": 0.97})))
    key(qtbot, window, Qt.Key.Key_Escape)
    panel = window.review_panel
    window.review_dock.show()
    row = 1 + next(i for i, k in enumerate(review.KINDS) if k.id == "least-sure")
    qtbot.waitUntil(lambda: panel.kinds.item(row).text().endswith("least sure of (1)"), timeout=30_000)
    panel.kinds.setCurrentRow(row)
    (item,) = [panel.model.items[i] for i in range(panel.model.rowCount())]
    assert item.key[0] == "mention" and item.score == 0.31 and "ORG entity, model confidence 31%" in item.why
    panel.grab().save(str(tmp_path / "review-least-sure.png"))
    qtbot.keyClick(window.view, Qt.Key.Key_F8)
    assert window.view.selected_key() == item.key
