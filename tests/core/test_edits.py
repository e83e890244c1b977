"""Every edit: apply -> inverse -> identical state; invalid edits change nothing."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core import edits as E
from desktop.core.store import Store
from tests.conftest import SAMPLE, dump


def _ids(store, doc):
    m_model = next(m for m in store.mentions(doc.id) if m.prov.origin == "model")
    m_import = next(m for m in store.mentions(doc.id) if m.prov.origin == "import")
    quote = store.quotes(doc.id)[0]
    claim = store.claims(doc.id)[0]
    ent = store.entity_by_name("Antony Blinken")
    return m_model, m_import, quote, claim, ent


def all_edits(store, doc):
    """One of every edit kind, valid against the sample project."""
    m_model, m_import, quote, claim, ent = _ids(store, doc)
    other = E.apply(store, E.AddEntity("Blinken", "PERSON"))  # a second entity to merge/link
    other_id = other.changes[0].id
    pair, lone, solo, flag, second = _story(store, doc, claim)
    return [
        E.AddMention(doc.id, 66, 79, "PERSON"),
        E.DeleteMention(m_model.id),
        E.DeleteMention(m_import.id),
        E.RelabelMention(m_model.id, "ORG"),
        E.ResizeMention(m_model.id, 31, 38),
        E.LinkMention(m_import.id, ent.id),
        E.LinkMention(m_model.id, None),
        E.AddEntity("Sergey Lavrov", "PERSON", ("Lavrov",)),
        E.RenameEntity(ent.id, "Anthony Blinken"),
        E.MergeEntities(ent.id, (other_id,)),
        E.SplitEntity(ent.id, (m_model.id,), "Another Blinken"),
        E.DeleteEntity(ent.id),
        E.AddQuote(doc.id, ((93, 148),), speaker=(150, 157), cue=(158, 162), type="direct"),
        E.AddQuote(doc.id, ((93, 110), (120, 148)), speaker=None, type="mixed"),
        E.EditQuote(quote.id, {"speaker": [0, 4], "type": "indirect"}),
        E.EditQuote(quote.id, {"content": [[93, 120], [121, 148]], "cue": None, "speaker_entity_id": None}),
        E.DeleteQuote(quote.id),
        E.AddClaim(doc.id, 0, 91, labels={"checkworthiness": "check-worthy"}, claimant="AP", note="n"),
        E.EditClaim(claim.id, {"start": 178, "labels": {"verdict": "true"}, "note": "checked"}),
        E.SetClaimLabel(claim.id, "verdict", "misleading"),
        E.SetClaimLabel(claim.id, "checkworthiness", None),
        E.DeleteClaim(claim.id),
        E.SetStatus("mentions", (m_model.id, m_import.id), "accepted"),
        E.SetStatus("quotes", (quote.id,), "rejected"),
        E.SetStatus("claims", (claim.id,), "suggested"),
        E.SetDocumentStatus(doc.id, "done"),
        E.SetLayerReviewed(doc.id, "entities"),
        E.AddDocument("another", "A second document about Geneva."),
        E.DeleteDocument(doc.id),
        E.ReplaceSuggestions(doc.id, "test-model 1", entities=({"start": 66, "end": 79, "label": "PERSON"},),
                             quotes=({"content": [{"start": 93, "end": 148}], "speaker": {"start": 150, "end": 157},
                                      "type": "direct"},)),
        E.LinkEntities(({"name": "Tony Blinken", "type": "PERSON", "aliases": ["Blinken"],
                         "mention_ids": [m_model.id]},)),
        E.AddLabel("claim", "satire", label_set="genre", color="#123456"),
        E.EditLabel(_label_id(store, "PERSON"), {"name": "PER", "hotkey": None, "color": "#000000"}),
        E.DeleteLabel(_label_id(store, "LAW")),
        E.SetSetting("publisher.name", "Fact Desk"),
        E.SetSetting("claimreview.url", "https://factdesk.example/{document}#{claim}"),
        E.ImportProject(labels=({"layer": "entity", "label_set": "", "name": "WORK", "color": "#00aa00"},),
                        entities=({"name": "Antony Blinken", "type": "PERSON", "aliases": ["Tony"],
                                   "decided": True},), settings={"publisher.url": "https://factdesk.example/"}),
        E.SetDocumentStory(doc.id, "other talks"),
        E.SetDocumentStories(((doc.id, None), (store.document_by_ext_id("talks-2").id, "other talks"))),
        E.StoreStoryClusters("talks", ({"id": None, "kind": "quote", "members": [quote.id], "flags": []},
                                       {"id": pair, "kind": "claim", "members": [claim.id, second],
                                        "flags": [["speaker", min(claim.id, second), max(claim.id, second), "x"]]})),
        E.SplitCluster(pair, (second,)),
        E.SplitCluster(pair, (claim.id,), into=lone),
        E.MergeClusters((lone, solo)),
        E.DismissFlag(flag),
        E.LabelClusterClaims("verdict", "true", cluster_id=pair),
        E.StoreModel("claims", "textcat-test", b"\x00model bytes", {"sentences": 3}),
    ]


def _story(store, doc, claim):
    """The sample document and a second one in story "talks", with stored clusters: the two
    documents' first claims together (a flag between them), each one's other claim alone."""
    E.apply(store, E.AddDocument("talks-2", "Lavrov said the talks were useful. Blinken said they were frank.",
                                 story="talks", claims=({"start": 0, "end": 34}, {"start": 35, "end": 64})))
    E.apply(store, E.SetDocumentStory(doc.id, "talks"))
    own = E.created_ids(E.apply(store, E.AddClaim(doc.id, 0, 23)), "claims")[0]
    first, second = (c.id for c in store.claims(store.document_by_ext_id("talks-2").id))
    a, b = min(claim.id, first), max(claim.id, first)
    E.apply(store, E.StoreStoryClusters("talks", (
        {"id": None, "kind": "claim", "members": [claim.id, first], "flags": [["number", a, b, "n"]]},
        {"id": None, "kind": "claim", "members": [second], "flags": []},
        {"id": None, "kind": "claim", "members": [own], "flags": []})))
    pair, lone, solo = (r[0] for r in store.conn.execute("SELECT id FROM story_clusters ORDER BY id"))
    (flag,) = (r[0] for r in store.conn.execute("SELECT id FROM story_flags"))
    return pair, lone, solo, flag, first


def _label_id(store, name):
    return next(r["id"] for r in store.label_rows() if r["name"] == name)


def test_every_edit_kind_is_covered(store, sample_doc):
    covered = {type(e) for e in all_edits(store, sample_doc)}
    kinds = {cls for cls in E._KINDS.values() if cls is not E.ChangeSet}
    assert kinds - covered == set()


@pytest.mark.parametrize("index", range(46))
def test_apply_then_inverse_restores_state(store, sample_doc, index):
    edit = all_edits(store, sample_doc)[index]
    before = dump(store)
    inverse = E.apply(store, edit)
    assert dump(store) != before, f"{edit} changed nothing"
    after = dump(store)
    redo = E.apply(store, inverse)
    assert dump(store) == before
    E.apply(store, redo)  # redo restores the very same rows, ids included
    assert dump(store) == after


def test_edit_serialises_and_round_trips(store, sample_doc):
    for edit in all_edits(store, sample_doc):
        data = json.loads(json.dumps(edit.to_json(), default=list))
        if isinstance(edit, E.AddDocument):
            continue  # its audit form keeps the text's hash only
        again = E.edit_from_json(data)
        assert again.kind == edit.kind


def _invalid(store, doc):
    m_model, m_import, quote, claim, ent = _ids(store, doc)
    n = len(SAMPLE)
    return {
        "outside text": E.AddMention(doc.id, n - 2, n + 5, "PERSON"),
        "start == end": E.AddMention(doc.id, 5, 5, "PERSON"),
        "start > end": E.ResizeMention(m_model.id, 30, 20),
        "negative": E.AddClaim(doc.id, -1, 10),
        "unknown label": E.RelabelMention(m_model.id, "PRESIDENT"),
        "unknown editor label": E.AddMention(doc.id, 0, 4, "NOPE"),
        "missing mention": E.DeleteMention(9999),
        "missing document": E.AddMention(9999, 0, 4, "PERSON"),
        "missing entity": E.LinkMention(m_model.id, 9999),
        "merge into itself": E.MergeEntities(ent.id, (ent.id,)),
        "bad quote type": E.EditQuote(quote.id, {"type": "shouted"}),
        "empty quote": E.AddQuote(doc.id, ()),
        "quote outside text": E.AddQuote(doc.id, ((0, n + 1),)),
        "unknown quote field": E.EditQuote(quote.id, {"colour": "red"}),
        "unknown claim label": E.SetClaimLabel(claim.id, "verdict", "pants on fire"),
        "unknown claim set": E.EditClaim(claim.id, {"labels": {"mood": "happy"}}),
        "bad status": E.SetStatus("mentions", (m_model.id,), "maybe"),
        "bad layer": E.SetStatus("documents", (doc.id,), "accepted"),
        "bad document status": E.SetDocumentStatus(doc.id, "finished"),
        "bad review layer": E.SetLayerReviewed(doc.id, "mentions"),
        "review missing document": E.SetLayerReviewed(9999, "entities"),
        "duplicate document": E.AddDocument("copy", SAMPLE),
        "empty document": E.AddDocument("empty", "   "),
        "split foreign mention": E.SplitEntity(ent.id, (m_import.id,), "X"),
        "nameless entity": E.AddEntity(" ", "PERSON"),
        "string id": E.DeleteClaim("1"),
        "label in use": E.DeleteLabel(_label_id(store, "PERSON")),
        "hotkey taken": E.EditLabel(_label_id(store, "LAW"), {"hotkey": "1"}),
        "bad colour": E.AddLabel("entity", "MISC", color="red"),
        "duplicate label": E.AddLabel("entity", "ORG"),
        "claim label without set": E.AddLabel("claim", "satire"),
    }


def test_invalid_edits_raise_and_change_nothing(store, sample_doc):
    cases = _invalid(store, sample_doc)
    before = dump(store)
    history = len(store.history(1000))
    for name, edit in cases.items():
        with pytest.raises(E.EditError) as info:
            E.apply(store, edit)
        assert str(info.value), name
        assert dump(store) == before, name
    assert len(store.history(1000)) == history


def test_an_edit_that_changes_nothing_raises_nothing_to_change(store, sample_doc):
    """``NothingToChange`` is the class callers catch (never the message text); other refusals are not it."""
    m_model, _m_import, quote, claim, _ent = _ids(store, sample_doc)
    link = E.LinkEntities(({"name": "Blinken", "type": "PERSON", "aliases": [], "mention_ids": [m_model.id]},))
    E.apply(store, link)
    before = dump(store)
    no_ops = {
        "empty quote edit": E.EditQuote(quote.id, {}),
        "empty claim edit": E.EditClaim(claim.id, {}),
        "links already in place (a rerun of the model)": link,
        "no clusters": E.LinkEntities(()),
    }
    for name, edit in no_ops.items():
        with pytest.raises(E.NothingToChange):
            E.apply(store, edit)
        assert dump(store) == before, name
    with pytest.raises(E.EditError) as info:
        E.apply(store, E.RelabelMention(m_model.id, "NOT_A_LABEL"))
    assert not isinstance(info.value, E.NothingToChange)


def test_deleting_a_model_suggestion_rejects_it(store, sample_doc):
    m_model, m_import, *_ = _ids(store, sample_doc)
    E.apply(store, E.DeleteMention(m_model.id))
    kept = store.mention(m_model.id)
    assert kept.prov.status == "rejected" and kept.prov.annotator == "tester"
    E.apply(store, E.DeleteMention(m_import.id))
    with pytest.raises(KeyError):
        store.mention(m_import.id)


def test_editor_change_accepts_suggestion_and_starts_document(store, sample_doc):
    m_model, *_ = _ids(store, sample_doc)
    assert store.document(sample_doc.id).status == "new"
    E.apply(store, E.RelabelMention(m_model.id, "ORG"))
    m = store.mention(m_model.id)
    assert (m.label, m.prov.status, m.prov.origin, m.prov.annotator) == ("ORG", "accepted", "model", "tester")
    assert store.document(sample_doc.id).status == "in_progress"


def test_merge_and_split_entities(store, sample_doc):
    m_model, m_import, quote, claim, ent = _ids(store, sample_doc)
    lavrov = E.apply(store, E.AddEntity("Lavrov", "PERSON")).changes[0].id
    E.apply(store, E.LinkMention(m_import.id, lavrov))
    E.apply(store, E.MergeEntities(ent.id, (lavrov,)))
    merged = store.entity(ent.id)
    assert "Lavrov" in merged.aliases
    assert store.mention(m_import.id).entity_id == ent.id
    with pytest.raises(KeyError):
        store.entity(lavrov)
    E.apply(store, E.SplitEntity(ent.id, (m_import.id,), "Sergey Lavrov"))
    split = store.entity_by_name("Sergey Lavrov")
    assert store.mention(m_import.id).entity_id == split.id
    assert store.mention(m_model.id).entity_id == ent.id
    assert store.mention_counts() == {ent.id: 1, split.id: 1}


def test_rename_keeps_old_name_as_alias(store, sample_doc):
    *_, ent = _ids(store, sample_doc)
    E.apply(store, E.RenameEntity(ent.id, "Tony Blinken"))
    assert store.entity(ent.id).name == "Tony Blinken"
    assert "Antony Blinken" in store.entity(ent.id).aliases


@pytest.mark.parametrize(("name", "aliases", "surface"), [
    ("U.S.", (), "US"),  # periods dropped
    ("Sean O\u2019Brien", (), "Sean O'Brien"),  # a curly apostrophe straightened
    ("WALTER SMITH", (), "walter smith"),  # case
    ("Group_7", (), "group_7"),  # LIKE's wildcards are plain letters in a name
    ("Fund 100%", (), "fund 100%"),
    ("Acme!Corp", (), "acme!corp"),
    ("Sergey Lavrov", ("Lavrov",), "Lavrov"),  # an alias
    ("The Kremlin", (), "Kremlin"),  # a leading "the"
])
def test_a_new_editor_mention_links_to_the_entity_its_text_names(store, name, aliases, surface):
    """The lookup narrows the entities in SQL before comparing names by name_key: every name
    name_key equates with the text must still be found (and nothing of another label)."""
    text = f"Today {surface} said no."
    E.apply(store, E.AddDocument("d", text))
    doc = store.document_by_ext_id("d").id
    other = E.created_ids(E.apply(store, E.AddEntity(name, "ORG")), "entities")[0]  # another label
    entity = E.created_ids(E.apply(store, E.AddEntity(name, "PERSON", aliases)), "entities")[0]
    start = text.index(surface)
    mid = E.created_ids(E.apply(store, E.AddMention(doc, start, start + len(surface), "PERSON")), "mentions")[0]
    assert store.mention(mid).entity_id == entity != other


def test_history_records_who_what_when_from_to(store, sample_doc):
    m_model, *_ = _ids(store, sample_doc)
    E.apply(store, E.RelabelMention(m_model.id, "ORG"))
    last = store.history(1)[0]
    assert last["annotator"] == "tester" and last["kind"] == "relabel_mention" and last["at"]
    changes = json.loads(last["changes"])
    row = next(c for c in changes if c["table"] == "mentions")
    assert row["before"]["label"] == "PERSON" and row["after"]["label"] == "ORG"
    assert "tester" in store.annotators()


def test_stale_undo_is_refused(store, sample_doc):
    m_model, *_ = _ids(store, sample_doc)
    undo = E.apply(store, E.RelabelMention(m_model.id, "ORG"))
    E.apply(store, E.RelabelMention(m_model.id, "GPE"))  # someone else changed it since
    before = dump(store)
    with pytest.raises(E.EditConflictError):
        E.apply(store, undo)
    assert dump(store) == before


def test_apply_many_is_one_step(store, sample_doc):
    m_model, m_import, *_ = _ids(store, sample_doc)
    before = dump(store)
    undo = E.apply_many(store, [E.RelabelMention(m_model.id, "ORG"), E.DeleteMention(m_import.id)], "fix two")
    E.apply(store, undo)
    assert dump(store) == before


def test_each_edit_emits_one_change_event(store, sample_doc):
    m_model, *_ = _ids(store, sample_doc)
    events = []
    store.subscribe(events.append)
    E.apply(store, E.RelabelMention(m_model.id, "ORG"))
    assert len(events) == 1
    assert "mentions" in events[0].tables and sample_doc.id in events[0].doc_ids


def test_import_labels_unknown_to_schema_are_added(store):
    E.apply(store, E.AddDocument("d", "Geneva talks on Friday.", entities=({"start": 15, "end": 21, "label": "DATE"},)))
    assert "DATE" in store.entity_labels()


# Random sequences ---------------------------------------------------------------------------------------


@st.composite
def edit_specs(draw):
    return draw(st.lists(st.tuples(st.integers(0, 10), st.integers(0, 10_000), st.integers(0, 10_000),
                                   st.sampled_from(["PERSON", "ORG", "GPE", "NOPE"])), min_size=1, max_size=12))


def _make_edit(store, doc_id, spec):
    op, a, b, label = spec
    n = len(SAMPLE)
    start, end = sorted((a % (n + 2), b % (n + 2)))
    mentions = [m.id for m in store.mentions(doc_id)]
    quotes = [q.id for q in store.quotes(doc_id)]
    claims = [c.id for c in store.claims(doc_id)]
    entities = [e.id for e in store.entities()]

    def pick(xs):
        return xs[a % len(xs)] if xs else 9999

    return [
        lambda: E.AddMention(doc_id, start, end, label),
        lambda: E.DeleteMention(pick(mentions)),
        lambda: E.RelabelMention(pick(mentions), label),
        lambda: E.ResizeMention(pick(mentions), start, end),
        lambda: E.LinkMention(pick(mentions), pick(entities + [None])),
        lambda: E.AddQuote(doc_id, ((start, end),), speaker=(0, 4), type="indirect"),
        lambda: E.EditQuote(pick(quotes), {"type": "mixed", "content": [[start, end]]}),
        lambda: E.AddClaim(doc_id, start, end, labels={"verdict": "true"}),
        lambda: E.SetStatus("claims", (pick(claims),), "rejected"),
        lambda: E.MergeEntities(pick(entities), tuple(entities[:2])),
        lambda: E.DeleteDocument(doc_id),
    ][op]()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=edit_specs())
def test_random_edit_sequences_undo_in_reverse(tmp_path_factory, specs):
    from tests.conftest import _make_sample  # noqa: PLC0415

    path = tmp_path_factory.mktemp("h") / "h.claimdesk"
    with Store.create(path) as store:
        doc = _make_sample(store)
        start = dump(store)
        states, undos = [start], []
        for spec in specs:
            try:
                undos.append(E.apply(store, _make_edit(store, doc.id, spec)))
            except E.EditError:
                assert dump(store) == states[-1]
                continue
            states.append(dump(store))
        for undo, state in zip(reversed(undos), reversed(states[1:]), strict=True):
            assert dump(store) == state
            E.apply(store, undo)
        assert dump(store) == start


def test_delete_document_takes_its_rows_and_undo_brings_them_back(store, sample_doc):
    doc_id = sample_doc.id
    other = E.apply(store, E.AddDocument("other", "Troops massed near the border, Lavrov said.")).changes[0].id
    E.apply(store, E.AddMention(other, 0, 6, "ORG"))
    before = dump(store)
    entities = before["entities"]
    assert store.search("Geneva") and store.mentions(doc_id) and store.quotes(doc_id) and store.claims(doc_id)
    undo = E.apply(store, E.DeleteDocument(doc_id=doc_id))
    assert doc_id not in store.document_ids()
    assert not store.mentions(doc_id) and not store.quotes(doc_id) and not store.claims(doc_id)
    assert store.search("Geneva") == []  # the full-text index row went with it
    assert [m.doc_id for m in store.mentions()] == [other]  # the other document is untouched
    assert dump(store)["entities"] == entities  # canonical entities are project-wide: kept
    last = store.history(1)[0]
    assert (last["kind"], last["doc_id"], last["summary"]) == ("delete_document", doc_id, "delete document")
    assert all(c["before"] is not None and c["after"] is None for c in json.loads(last["changes"]))
    redo = E.apply(store, undo)
    assert dump(store) == before  # ids and every column restored
    assert [d for d, _ in store.search("Geneva")] == [doc_id]
    E.apply(store, redo)
    assert doc_id not in store.document_ids()


def test_delete_document_recorded_with_the_old_field_name_still_reads():
    assert E.edit_from_json({"kind": "delete_document", "id": 3}) == E.DeleteDocument(3)


def test_label_all_occurrences_in_the_project(store, sample_doc):
    E.apply(store, E.AddDocument("two", "Lavrov arrived. Later Lavrov left; Lavrovs? no."))
    found = E.label_all_occurrences(store, "Lavrov", "PERSON")
    assert {(e.doc_id, e.start, e.end) for e in found} == {
        (sample_doc.id, 75, 81), (sample_doc.id, 163, 169), (sample_doc.id, 171, 177),
        (store.document_by_ext_id("two").id, 0, 6), (store.document_by_ext_id("two").id, 22, 28)}
    undo = E.apply_many(store, found, "label all Lavrov")
    assert len(store.mentions()) == 7
    E.apply(store, undo)
    assert len(store.mentions()) == 2


def test_apply_correction_to_identical_mentions(store, sample_doc):
    E.apply(store, E.AddDocument("two", "Antony Blinken spoke.", entities=(
        {"start": 0, "end": 14, "label": "ORG", "origin": "model", "status": "suggested"},)))
    m_model, *_ = _ids(store, sample_doc)
    fixes = E.apply_to_identical_mentions(store, m_model.id)
    E.apply_many(store, fixes, "apply to identical")
    other = store.mentions(store.document_by_ext_id("two").id)[0]
    assert other.label == "PERSON" and other.entity_id == m_model.entity_id and other.prov.status == "accepted"


def test_replace_suggestions_never_touches_editor_work(store, sample_doc):
    m_model, m_import, quote, claim, ent = _ids(store, sample_doc)
    doc = sample_doc.id
    E.apply(store, E.RelabelMention(m_model.id, "ORG"))  # editor corrected the model's suggestion
    editor = E.apply(store, E.AddMention(doc, 68, 74, "PERSON")).changes[-1].id  # editor made one
    E.apply(store, E.DeleteQuote(quote.id))  # editor rejected the model's quote
    before = {m.id: m for m in store.mentions(doc)}
    E.apply(store, E.ReplaceSuggestions(doc, "m 2", entities=(
        {"start": 24, "end": 38, "label": "PERSON"},   # overlaps the corrected one: dropped
        {"start": 68, "end": 81, "label": "PERSON"},   # overlaps the editor's: dropped
        {"start": 75, "end": 81, "label": "PERSON"},   # new: suggested
    ), quotes=(
        {"content": [{"start": 93, "end": 148}], "type": "direct"},  # the rejected quote: not resurrected
        {"content": [{"start": 171, "end": 211}], "type": "indirect", "speaker": {"start": 163, "end": 169}},
    )))
    after = {m.id: m for m in store.mentions(doc)}
    for mid in (m_model.id, m_import.id, editor):
        assert after[mid] == before[mid]
    new = [m for m in after.values() if m.id not in before]
    assert [(m.start, m.end, m.prov.status, m.prov.model) for m in new] == [(75, 81, "suggested", "m 2")]
    quotes = store.quotes(doc)
    assert store.quote(quote.id).prov.status == "rejected"
    assert {(q.content[0].start, q.prov.status) for q in quotes} == {(93, "rejected"), (171, "suggested")}
    assert store.conn.execute("SELECT annotated_model FROM documents WHERE id = ?", (doc,)).fetchone()[0] == "m 2"
    # again: the untouched suggestions are replaced, not duplicated
    E.apply(store, E.ReplaceSuggestions(doc, "m 3", entities=({"start": 75, "end": 81, "label": "PERSON"},)))
    assert len(store.mentions(doc)) == len(after)


def test_link_entities_creates_links_and_respects_editor_links(store, sample_doc):
    m_model, m_import, quote, claim, ent = _ids(store, sample_doc)
    doc = sample_doc.id
    inv = E.apply(store, E.ReplaceSuggestions(doc, "m", entities=(
        {"start": 75, "end": 81, "label": "PERSON"}, {"start": 163, "end": 169, "label": "ORG"}),
        quotes=({"content": [{"start": 171, "end": 211}], "type": "indirect", "speaker": {"start": 163, "end": 169}},)))
    new_ids = [c.id for c in inv.changes if c.table == "mentions" and c.before is not None]
    E.apply(store, E.LinkEntities((
        {"name": "Sergey Lavrov", "type": "PERSON", "aliases": ["Lavrov"], "mention_ids": new_ids},)))
    lavrov = store.entity_by_name("Sergey Lavrov", "PERSON")
    assert {store.mention(i).entity_id for i in new_ids} == {lavrov.id}
    assert {store.mention(i).label for i in new_ids} == {"PERSON"}  # the cluster's majority label
    assert store.quotes(doc)[-1].speaker_entity_id == lavrov.id
    # an editor's link wins over the clustering
    E.apply(store, E.LinkMention(new_ids[0], ent.id))
    E.apply(store, E.LinkEntities(({"name": "Sergey Lavrov", "type": "PERSON", "aliases": [],
                                     "mention_ids": new_ids},)))
    assert store.mention(new_ids[0]).entity_id == ent.id


def test_renaming_a_label_carries_its_annotations(store, sample_doc):
    E.apply(store, E.EditLabel(_label_id(store, "PERSON"), {"name": "PER"}))
    assert {m.label for m in store.mentions()} == {"PER", "GPE"}
    assert store.entity_by_name("Antony Blinken").type == "PER"
    E.apply(store, E.EditLabel(_label_id(store, "opinion"), {"name": "view"}))
    assert store.claims()[0].labels == {"checkworthiness": "view"}
    assert "view" in store.claim_label_sets()["checkworthiness"]


def test_a_span_of_only_white_space_is_refused_and_nothing_changes(store, sample_doc):
    """Found by the random-gesture invariant test: a selection of one blank became a mention."""
    blank, doc = SAMPLE.index(" "), sample_doc.id
    before = dump(store)
    for edit in (E.AddMention(doc, blank, blank + 1, "PERSON"), E.AddClaim(doc, blank, blank + 1),
                 E.AddQuote(doc, ((blank, blank + 1),))):
        with pytest.raises(E.EditError, match=rf"{blank}\.\.{blank + 1} holds only white space"):
            E.apply(store, edit)
    assert dump(store) == before
    E.apply(store, E.AddMention(doc, blank - 1, blank + 1, "PERSON"))  # a word and a blank is still a span
