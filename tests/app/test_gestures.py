"""The editor's gestures as operations on a session, without a window."""

from __future__ import annotations

from desktop.app import gestures as G
from desktop.core import edits as E
from tests.app.conftest import dump, span


def _mention(session, doc_id, label):
    return next(m for m in session.store.mentions(doc_id) if m.label == label)


def test_label_selection_adds_a_mention_and_selects_it(session, hill):
    sel = span(hill.text, "Lavrov", 1)
    g = G.label_selection(session.store, hill.id, sel, None, "PERSON")
    applied = g.apply(session)
    created = applied.first("mentions")
    assert g.selection_after(applied) == ("mention", created) and g.caret == sel[1]
    m = session.store.mention(created)
    assert (m.start, m.end, m.label, m.prov.origin) == (*sel, "PERSON", "editor")


def test_label_selection_over_one_entity_corrects_it_in_one_step(session, hill):
    lavrov = _mention(session, hill.id, "ORG")  # "Sergey Lavrov", wrongly an ORG
    sel = (lavrov.start + 7, lavrov.end)  # "Lavrov"
    g = G.label_selection(session.store, hill.id, sel, None, "PERSON")
    assert [type(e) for e in g.edits] == [E.ResizeMention, E.RelabelMention] and g.label == "correct entity to PERSON"
    g.apply(session)
    fixed = session.store.mention(lavrov.id)
    assert (fixed.start, fixed.end, fixed.label) == (*sel, "PERSON") and len(session.steps) == 1
    assert session.store.entity(fixed.entity_id).type == "PERSON"
    again = G.label_selection(session.store, hill.id, sel, None, "PERSON")  # unchanged: accept it
    assert [type(e) for e in again.edits] == [E.SetStatus]


def test_label_without_selection_relabels_the_selected_mention(session, hill):
    geneva = _mention(session, hill.id, "GPE")
    G.label_selection(session.store, hill.id, None, ("mention", geneva.id), "LOC").apply(session)
    assert session.store.mention(geneva.id).label == "LOC"
    assert not G.label_selection(session.store, hill.id, None, None, "LOC")  # nothing selected


def test_number_key_labels_with_the_nth_hotkey_label_or_the_claims_label(session, hill):
    first = G.hotkey_labels(session.store)[0]
    sel = span(hill.text, "Lavrov", 1)
    g = G.number_key(session.store, hill.id, sel, None, 1)
    assert g.edits[0] == E.AddMention(hill.id, *sel, first.name)
    claim = G.new_claim(hill.id, span(hill.text, "Lavrov said during the meeting")).apply(session).first("claims")
    hot = G.claim_hotkeys(session.store)[0]
    g = G.number_key(session.store, hill.id, None, ("claim", claim), int(hot.hotkey))
    g.apply(session)
    assert session.store.claim(claim).labels[hot.label_set] == hot.name


def test_resize_a_quote_moves_its_outer_fragment_edges(session, hill):
    a, b = span(hill.text, "expect to resolve"), span(hill.text, "here today")
    quote = G.Gesture((E.AddQuote(hill.id, (a, b), type="direct"),)).apply(session).first("quotes")
    G.resize(session.store, ("quote", quote), a[0] - 3, b[1] - 6).apply(session)
    content = [(f.start, f.end) for f in session.store.quote(quote).content]
    assert content == [(a[0] - 3, a[1]), (b[0], b[1] - 6)]


def test_delete_a_speaker_keeps_the_quote(session, hill):
    q = span(hill.text, "expect to resolve our differences")
    quote = G.new_quote(hill.text, hill.id, q).apply(session).first("quotes")
    G.quote_part(session.store, hill.id, quote, "speaker", span(hill.text, "Blinken", 1)).apply(session)
    G.delete(("speaker", quote)).apply(session)
    kept = session.store.quote(quote)
    assert kept.speaker is None and kept.speaker_entity_id is None


def test_new_quote_is_direct_next_to_a_quote_mark(session, hill):
    text = "He said “we agree” and that they would talk."
    direct = G.new_quote(text, hill.id, span(text, "we agree"))
    assert direct.edits[0].type == "direct"
    indirect = G.new_quote(text, hill.id, span(text, "they would talk"))
    assert indirect.edits[0].type == "indirect"
    assert G.new_quote(hill.text, hill.id, None).message.startswith("Select the quoted words")


def test_speaker_from_a_selection_over_a_mention_takes_its_entity(session, hill):
    quote = G.new_quote(hill.text, hill.id, span(hill.text, "We dont expect")).apply(session).first("quotes")
    blinken = _mention(session, hill.id, "PERSON")
    G.set_status(("mention", blinken.id), "accepted").apply(session)
    sel = (blinken.start, blinken.end)
    assert G.speaker_from_selection(session.store, quote, sel)  # outside the quote: set it at once
    assert not G.speaker_from_selection(session.store, quote, span(hill.text, "expect"))  # inside: pick
    G.quote_part(session.store, hill.id, quote, "speaker", sel).apply(session)
    q = session.store.quote(quote)
    assert (q.speaker.start, q.speaker.end) == sel and q.speaker_entity_id == session.store.mention(blinken.id).entity_id


def test_accept_all_is_one_step_then_nothing_is_left(session, hill):
    g = G.accept_all(session.store, hill.id)
    g.apply(session)
    assert len(session.steps) == 1
    assert all(m.prov.status == "accepted" for m in session.store.mentions(hill.id))
    assert G.accept_all(session.store, hill.id).message == G.NO_SUGGESTIONS


def test_toggle_layer_reviewed_marks_then_unmarks_and_says_what_it_means(session, hill):
    asked = G.toggle_layer_reviewed(session.store, hill.id, "entities")  # 3 entity suggestions pending
    assert not asked and asked.ask.startswith("3 suggestions are still pending")
    assert asked.choices == (G.ACCEPT_PENDING, G.LEAVE_PENDING)
    g = G.toggle_layer_reviewed(session.store, hill.id, "entities", G.LEAVE_PENDING)
    assert "negative examples" in g.message
    g.apply(session)
    assert session.store.document(hill.id).reviewed == {"entities"}
    g = G.toggle_layer_reviewed(session.store, hill.id, "entities")
    assert "missing" in g.message
    g.apply(session)
    assert session.store.document(hill.id).reviewed == frozenset()
    session.undo()
    assert session.store.document(hill.id).reviewed == {"entities"}
    G.toggle_layer_reviewed(session.store, hill.id, "claims").apply(session)
    assert session.store.document(hill.id).reviewed == {"entities", "claims"}
    session.do(E.SetDocumentStatus(hill.id, "done"))
    done = G.toggle_layer_reviewed(session.store, hill.id, "quotes")
    assert not done and "done" in done.message
    assert not G.toggle_layer_reviewed(session.store, None, "quotes")


def test_accept_goes_on_to_the_next_suggestion():
    assert G.set_status(("speaker", 3), "accepted").edits[0] == E.SetStatus("quotes", (3,), "accepted")
    assert G.set_status(("mention", 1), "accepted").advance and not G.set_status(("mention", 1), "rejected").advance


def test_split_a_mention_without_an_entity_is_one_undo_step(session, hill):
    """Issue 11, wrong 6: splitting off an unlinked mention was two undo steps."""
    geneva = _mention(session, hill.id, "GPE")  # a suggestion: no entity yet
    assert geneva.entity_id is None
    before = dump(session.store)
    g = G.split_mention(session.store, hill.text, ("mention", geneva.id))
    g.apply(session)
    linked = session.store.mention(geneva.id).entity_id
    assert linked is not None and session.store.entity(linked).name == "Geneva" and len(session.steps) == 1
    session.undo()
    assert dump(session.store) == before


def test_split_a_linked_mention_asks_for_the_name(session, hill):
    blinken = _mention(session, hill.id, "PERSON")
    G.set_status(("mention", blinken.id), "accepted").apply(session)
    asked = G.split_mention(session.store, hill.text, ("mention", blinken.id))
    assert not asked and asked.ask == "Antony Blinken"
    G.split_mention(session.store, hill.text, ("mention", blinken.id), " Tony Blinken ").apply(session)
    assert session.store.entity(session.store.mention(blinken.id).entity_id).name == "Tony Blinken"
    assert G.split_mention(session.store, hill.text, None).message == "Select a mention in the article first"


def test_merge_keeps_the_entity_with_most_mentions(session, hill):
    a = G.label_selection(session.store, hill.id, span(hill.text, "Blinken", 1), None, "PERSON").apply(session)
    b = G.label_selection(session.store, hill.id, span(hill.text, "Blinken", 4), None, "PERSON").apply(session)
    small = G.Gesture((E.AddEntity("Tony", "PERSON"),)).apply(session).first("entities")
    first = session.store.mention(a.first("mentions")).entity_id
    G.Gesture((E.LinkMention(b.first("mentions"), small),)).apply(session)
    third = G.label_selection(session.store, hill.id, span(hill.text, "Blinken", 5), None, "PERSON").apply(session)
    if session.store.mention(third.first("mentions")).entity_id != first:  # (its text names it: linked already)
        G.Gesture((E.LinkMention(third.first("mentions"), first),)).apply(session)
    g = G.merge_entities(session.store, [small, first])
    assert g.edits == (E.MergeEntities(first, (small,)),) and g.select == ("entity", first)
    assert G.merge_entities(session.store, [first]).message.startswith("Select two")


def test_rename_asks_then_renames(session, hill):
    m = G.label_selection(session.store, hill.id, span(hill.text, "Blinken", 1), None, "PERSON").apply(session)
    entity = session.store.mention(m.first("mentions")).entity_id
    assert G.rename_entity(session.store, entity).ask == "Blinken"
    assert not G.rename_entity(session.store, entity, " Blinken ")  # unchanged
    G.rename_entity(session.store, entity, "Antony Blinken").apply(session)
    assert session.store.entity(entity).name == "Antony Blinken"


def test_label_all_occurrences_asks_for_a_label_then_labels(session, hill):
    sel = span(hill.text, "Lavrov", 1)
    asked = G.label_all_occurrences(session.store, hill.text, sel, None)
    assert asked.ask == "Lavrov" and "PERSON" in asked.choices
    g = G.label_all_occurrences(session.store, hill.text, sel, None, "PERSON")
    assert len(g.edits) >= 2 and g.message.startswith(f"Labelled {len(g.edits)} occurrences")
    g.apply(session)
    assert len(session.steps) == 1
    assert G.label_all_occurrences(session.store, hill.text, None, None).message == "Select text or a mention first"


def test_apply_to_identical_mentions(session, hill):
    a = G.label_selection(session.store, hill.id, span(hill.text, "Lavrov", 1), None, "PERSON").apply(session)
    G.label_selection(session.store, hill.id, span(hill.text, "Lavrov", 2), None, "NORP").apply(session)
    g = G.apply_to_identical(session.store, ("mention", a.first("mentions")))
    assert g and g.message.startswith("Applied to")
    g.apply(session)
    labels = {m.label for m in session.store.mentions(hill.id) if hill.text[m.start:m.end] == "Lavrov"}
    assert labels == {"PERSON"}


def test_claims_and_claimants(session, hill):
    assert not G.new_claim(hill.id, None) and not G.new_claim(hill.id, (5, 5))
    claim = G.new_claim(hill.id, span(hill.text, "Lavrov said during the meeting")).apply(session)
    claim_id = claim.first("claims")
    m = G.label_selection(session.store, hill.id, span(hill.text, "Lavrov", 1), None, "PERSON").apply(session)
    name = session.store.entity(session.store.mention(m.first("mentions")).entity_id).name
    G.set_claimant(session.store, claim_id, name).apply(session)
    c = session.store.claim(claim_id)
    assert c.claimant == name and c.claimant_entity_id == session.store.entity_by_name(name).id
    G.set_claimant(session.store, claim_id, "").apply(session)
    assert session.store.claim(claim_id).claimant is None


def test_fragments_and_speaker_from_a_click(session, hill):
    quote = G.new_quote(hill.text, hill.id, span(hill.text, "We dont expect")).apply(session).first("quotes")
    G.add_fragment(session.store, quote, span(hill.text, "here today")).apply(session)
    assert len(session.store.quote(quote).content) == 2
    blinken = _mention(session, hill.id, "PERSON")
    g = G.speaker_from_mention(session.store, quote, blinken.id)
    assert g.select == ("quote", quote) and g.message == "Speaker set"
    g.apply(session)
    assert (session.store.quote(quote).speaker.start, session.store.quote(quote).speaker.end) == (blinken.start,
                                                                                                  blinken.end)
    assert G.quote_at(session.store, hill.id, span(hill.text, "dont")[0]) == quote
    assert G.add_fragment(session.store, quote, None).message.startswith("Select the second fragment")


def test_a_span_labelled_over_model_suggestions_rejects_them_in_the_same_step(session, hill):
    blinken, lavrov, geneva = (_mention(session, hill.id, label) for label in ("PERSON", "ORG", "GPE"))
    sel = (blinken.start, lavrov.end)  # "Antony Blinken and Russian Foreign Minister Sergey Lavrov"
    before = dump(session.store)
    g = G.label_selection(session.store, hill.id, sel, None, "ORG")
    applied = g.apply(session)
    created = session.store.mention(applied.first("mentions"))
    assert (created.start, created.end, created.label) == (*sel, "ORG")
    for covered in (blinken, lavrov):  # no leftovers under the editor's span
        assert session.store.mention(covered.id).prov.status == "rejected"
    assert session.store.mention(geneva.id).prov.status == "suggested"  # elsewhere: untouched
    assert len(session.steps) == 1
    session.undo()
    assert dump(session.store) == before


def test_an_editors_mention_is_never_rejected_by_a_span_over_it(session, hill):
    blinken, lavrov = (_mention(session, hill.id, label) for label in ("PERSON", "ORG"))
    G.label_selection(session.store, hill.id, None, ("mention", blinken.id), "PERSON").apply(session)  # accepted
    G.label_selection(session.store, hill.id, (blinken.start, lavrov.end), None, "ORG").apply(session)
    assert session.store.mention(blinken.id).prov.status == "accepted"
    assert session.store.mention(lavrov.id).prov.status == "rejected"


def test_resizing_a_mention_over_suggestions_rejects_them(session, hill):
    blinken, lavrov = (_mention(session, hill.id, label) for label in ("PERSON", "ORG"))
    G.resize(session.store, ("mention", blinken.id), blinken.start, lavrov.end).apply(session)
    assert session.store.mention(lavrov.id).prov.status == "rejected"
    assert session.store.mention(blinken.id).prov.status == "accepted"


def test_marking_reviewed_or_done_over_pending_suggestions_can_accept_them_in_the_same_step(session, hill):
    before = dump(session.store)
    g = G.toggle_layer_reviewed(session.store, hill.id, "entities", G.ACCEPT_PENDING)
    g.apply(session)
    assert all(m.prov.status == "accepted" for m in session.store.mentions(hill.id))
    assert session.store.document(hill.id).reviewed == {"entities"} and len(session.steps) == 1
    session.undo()
    assert dump(session.store) == before
    asked = G.mark_done(session.store, hill.id)
    assert not asked and asked.choices == (G.ACCEPT_PENDING, G.LEAVE_PENDING)
    G.mark_done(session.store, hill.id, G.LEAVE_PENDING).apply(session)
    doc = session.store.document(hill.id)
    assert doc.status == "done" and all(m.prov.status == "suggested" for m in session.store.mentions(hill.id))
    other = next(d for d in session.store.document_ids() if d != hill.id)
    assert G.mark_done(session.store, other).edits == (E.SetDocumentStatus(other, "done"),)  # nothing pending
