"""The interchange codec (desktop.core.interchange): shapes round-trip, a malformed dict is one line naming the field."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core import edits
from desktop.core.exporters import export_project, read_jsonl_records
from desktop.core.interchange import (
    PAIR_PROV_KEYS,
    ClaimRecord,
    EntityRecord,
    InterchangeError,
    MentionRecord,
    ProvRecord,
    QuoteRecord,
    claim_from_json,
    claim_to_json,
    claim_to_pairs,
    content_from_pairs,
    content_to_pairs,
    mention_from_json,
    mention_to_json,
    mention_to_pairs,
    quote_from_json,
    quote_problems,
    quote_to_json,
    quote_to_pairs,
    shift_quote_json,
)
from desktop.core.jobs import import_into
from desktop.core.model import QUOTE_TYPES, Span
from desktop.core.store import DamagedRowError, Store

TEXT = "Lavrov said the talks were “constructive and useful,” he added, “and honest.”"


@st.composite
def spans(draw, length=None):
    length = length or len(TEXT)
    start = draw(st.integers(0, length - 1))
    return Span(start, draw(st.integers(start + 1, length)))


names = st.none() | st.text(min_size=1, max_size=12)
provs = st.builds(ProvRecord, st.sampled_from(("model", "editor", "import")),
                  st.sampled_from(("suggested", "accepted", "rejected")), names, names, names, names)
quotes = st.builds(QuoteRecord, st.lists(spans(), min_size=1, max_size=3).map(tuple), st.none() | spans(),
                   st.none() | spans(), names, st.none() | spans(), st.sampled_from(QUOTE_TYPES), provs)


@given(quotes)
def test_a_quote_round_trips_through_its_dict(quote):
    data = quote_to_json(quote)
    assert list(data)[:6] == ["content", "speaker", "speaker_resolved", "speaker_entity", "cue", "type"]
    assert quote_from_json(json.loads(json.dumps(data)), length=len(TEXT)) == quote
    assert quote.fragments == quote.content


@given(spans(), st.text(min_size=1, max_size=8).filter(str.strip), names, provs)
def test_mentions_and_claims_round_trip(span, label, name, prov):
    mention = MentionRecord(span.start, span.end, label, name, prov)
    assert mention_from_json(mention_to_json(mention), length=len(TEXT)) == mention
    claim = ClaimRecord(span.start, span.end, name, {"verdict": label}, name, prov)
    assert claim_from_json(claim_to_json(claim), length=len(TEXT)) == claim


def test_entities_round_trip_as_the_link_payload():
    cluster = EntityRecord("Sergey Lavrov", "PERSON", ("Lavrov",), (3, 7), entity_id=2)
    assert EntityRecord.from_json(cluster.to_json()) == cluster
    assert "entity_id" not in EntityRecord("Geneva", "GPE").to_json()
    with pytest.raises(InterchangeError, match=r"^clusters\[1\]\.mention_ids must be a list of integers$"):
        EntityRecord.from_json({"name": "Geneva", "type": "GPE", "mention_ids": ["1"]}, "clusters[1]")


@pytest.mark.parametrize(("item", "message"), [
    ({"content": []}, "quotes[2].content must be a non-empty list of spans"),
    ({"content": [{"start": 0, "end": 6}, {"start": 9}]}, "quotes[2].content[1]: start and end must be integers"),
    ({"content": [{"start": 0, "end": 6}], "speaker": [0, 6]}, "quotes[2].speaker must be an object with start and end"),
    ({"content": [{"start": 0, "end": 6}], "cue": {"start": 7, "end": 999}},
     "quotes[2].cue: span 7-999 is empty or outside the text (length 77)"),
    ({"content": [{"start": 0, "end": 6}], "type": "shouted"}, "quotes[2].type must be one of direct, indirect, mixed"),
    ({"content": [{"start": 0, "end": 6}], "speaker_entity": 5}, "quotes[2].speaker_entity must be a string or null"),
    ({"content": [{"start": 0, "end": 6}], "status": "maybe"},
     "quotes[2].status must be one of suggested, accepted, rejected"),
    ("said", "quotes[2] must be an object"),
])
def test_a_malformed_quote_is_one_line_naming_the_field(item, message):
    with pytest.raises(InterchangeError) as info:
        quote_from_json(item, "quotes[2]", length=len(TEXT))
    assert str(info.value) == message and "\n" not in message


def test_every_problem_of_a_quote_is_listed():
    problems = quote_problems({"content": "x", "cue": {"start": 5, "end": 2}, "type": None}, "q")
    assert problems == ["q.content must be a non-empty list of spans", "q.cue: span 5-2 is empty or outside the text",
                        "q.type must be one of direct, indirect, mixed"]


def test_a_quote_dict_with_only_content_gets_the_defaults():
    quote = quote_from_json({"content": [{"start": 12, "end": 21}]})
    assert quote == QuoteRecord((Span(12, 21),))
    assert quote.type == "direct" and quote.speaker is None and quote.prov == ProvRecord()
    assert quote.edit_fields() == {"content": ((12, 21),), "speaker": None, "cue": None, "type": "direct",
                                   "speaker_resolved": None}


def test_shifting_a_block_quote_keeps_its_keys_and_their_order():
    item = {"content": [{"start": 1, "end": 4}], "speaker": None, "cue": {"start": 5, "end": 9}, "type": "direct"}
    shift_quote_json(item, 100)
    assert item == {"content": [{"start": 101, "end": 104}], "speaker": None, "cue": {"start": 105, "end": 109},
                    "type": "direct"}
    assert list(item) == ["content", "speaker", "cue", "type"]


def test_dict_to_project_to_model_to_dict_is_the_same_quote(tmp_path):
    """The places meet: the importer validates the dict, AddDocument decodes it, the store gives
    the model back, and the exporter encodes it: the same quote comes out."""
    said, constructive, honest = (TEXT.index(w) for w in ("said", "constructive", "and honest"))
    quote = {"content": [{"start": constructive, "end": constructive + 23}, {"start": honest, "end": honest + 10}],
             "speaker": {"start": 0, "end": 6}, "speaker_resolved": None, "speaker_entity": "Sergey Lavrov",
             "cue": {"start": said, "end": said + 4}, "type": "mixed", "origin": "import", "status": "accepted"}
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "d1", "text": TEXT, "quotes": [quote], "entities": [
        {"start": 0, "end": 6, "label": "PERSON", "entity": "Sergey Lavrov"}]}) + "\n", encoding="utf-8")
    expected = replace(quote_from_json(quote), prov=ProvRecord())
    with Store.create(tmp_path / "p.claimdesk") as store:
        import_into(store, [source])
        (stored,) = store.quotes()
        names = {e.id: e.name for e in store.entities()}
        assert replace(QuoteRecord.from_model(stored, names.get), prov=ProvRecord()) == expected
        export_project(store, "jsonl", tmp_path / "out.jsonl")
    (written,) = read_jsonl_records(tmp_path / "out.jsonl")[0]["quotes"]
    assert replace(quote_from_json(written), prov=ProvRecord()) == expected
    assert (written["origin"], written["status"]) == ("import", "accepted")


def test_an_import_with_a_malformed_quote_names_the_field(tmp_path):
    source = tmp_path / "bad.jsonl"
    source.write_text(json.dumps({"id": "d1", "text": TEXT, "quotes": [
        {"content": [{"start": 0, "end": 6}], "speaker": {"start": "0", "end": 6}}]}) + "\n", encoding="utf-8")
    with Store.create(tmp_path / "p.claimdesk") as store:
        report = import_into(store, [source])
    assert not report.added
    assert "quotes[0].speaker: start and end must be integers" in str(report.problems[0])


def test_model_suggestions_go_through_the_codec(tmp_path):
    with Store.create(tmp_path / "p.claimdesk") as store:
        edits.apply(store, edits.AddDocument("d1", TEXT))
        doc = store.documents()[0]
        with pytest.raises(edits.EditError, match=r"quotes\[1\]\.cue must be an object with start and end"):
            edits.apply(store, edits.ReplaceSuggestions(doc.id, "m 1", quotes=(
                {"content": [{"start": 12, "end": 21}]}, {"content": [{"start": 12, "end": 21}], "cue": 7})))
        edits.apply(store, edits.ReplaceSuggestions(doc.id, "m 1", quotes=(
            {"content": [{"start": 30, "end": 40}, {"start": 12, "end": 21}], "type": "mixed"},)))
        (stored,) = store.quotes(doc.id)
    assert stored.content == (Span(12, 21), Span(30, 40)) and stored.type == "mixed"


def test_the_store_keeps_and_reads_quote_content_as_the_codecs_pairs(tmp_path):
    """The edits write a quote's content with ``content_to_pairs`` (sorted), the store reads it back
    with ``content_from_pairs``; a stored value that is not a list of int pairs is a damaged row."""
    with Store.create(tmp_path / "p.claimdesk") as store:
        edits.apply(store, edits.AddDocument("d1", TEXT))
        doc = store.documents()[0]
        edits.apply(store, edits.AddQuote(doc.id, ((30, 40), (12, 21))))
        (quote,) = store.quotes(doc.id)
        raw = store.conn.execute("SELECT content FROM quotes WHERE id = ?", (quote.id,)).fetchone()[0]
        assert json.loads(raw) == content_to_pairs(quote.content) == [[12, 21], [30, 40]]
        assert content_from_pairs(json.loads(raw)) == quote.content == (Span(12, 21), Span(30, 40))
        for damaged in ("[[12, 21, 30]]", "[[true, 21]]", '[{"start": 12, "end": 21}]', '[["12", 21]]'):
            with pytest.raises(InterchangeError, match=r"^content is not a list of \[start, end\] pairs$"):
                content_from_pairs(json.loads(damaged))
            with store.transaction():
                store.conn.execute("UPDATE quotes SET content = ? WHERE id = ?", (damaged, quote.id))
            with pytest.raises(DamagedRowError, match=rf"quotes row {quote.id}: content is not a list of "
                                                      r"\[start, end\] pairs"):
                store.quotes(doc.id)


def test_the_clusters_pre_annotation_links_are_entity_records(tmp_path):
    """``link_entities`` sends ``LinkEntities`` the codec's entity dicts: each decodes as an
    :class:`EntityRecord` and encodes back to the same keys in the same order; a decided entity's
    cluster carries its ``entity_id``, the model's own clusters none."""
    from desktop.nlp.annotate import link_entities

    text = "Sergey Lavrov spoke. Lavrov left Geneva for Moscow."
    spans_ = {w: {"start": text.index(w), "end": text.index(w) + len(w)} for w in ("Sergey Lavrov", "Geneva", "Moscow")}
    lavrov = {"start": text.index("Lavrov left"), "end": text.index("Lavrov left") + 6}
    with Store.create(tmp_path / "p.claimdesk") as store:
        edits.apply(store, edits.AddDocument("d1", text, entities=(
            {**spans_["Geneva"], "label": "GPE", "entity": "Geneva", "origin": "editor", "status": "accepted"},)))
        doc = store.documents()[0]
        geneva = store.entity_by_name("Geneva", "GPE")
        edits.apply(store, edits.RenameEntity(geneva.id, "Genève"))  # an editor's decision
        edits.apply(store, edits.ReplaceSuggestions(doc.id, "m 1", entities=(
            {**spans_["Sergey Lavrov"], "label": "PERSON"}, {**lavrov, "label": "PERSON"},
            {**spans_["Moscow"], "label": "GPE"})))
        ids = {store.document_text(doc.id)[m.start:m.end]: m.id for m in store.mentions(doc.id)}
        assert link_entities(store) > 0
        (sent,) = [json.loads(h["edit"])["clusters"] for h in store.history() if h["kind"] == "link_entities"]
    records = [EntityRecord.from_json(c, f"clusters[{i}]") for i, c in enumerate(sent)]
    assert [r.to_json() for r in records] == sent
    assert [list(c) for c in sent] == [
        ["name", "type", "aliases", "mention_ids", *(["entity_id"] if "entity_id" in c else [])] for c in sent]
    assert sorted(records, key=lambda r: r.name) == [
        EntityRecord("Genève", "GPE", ("Geneva",), (ids["Geneva"],), entity_id=geneva.id),
        EntityRecord("Moscow", "GPE", (), (ids["Moscow"],)),
        EntityRecord("Sergey Lavrov", "PERSON", ("Lavrov",), (ids["Sergey Lavrov"], ids["Lavrov"])),
    ]


@pytest.mark.parametrize(("cluster", "message"), [
    ({"name": "", "type": "PERSON", "aliases": [], "mention_ids": ["m"]}, "clusters[1].name must be a non-empty string"),
    ({"name": "Lavrov", "type": "PERSON", "aliases": [], "mention_ids": ["1"]},
     "clusters[1].mention_ids must be a list of integers"),
    ({"name": "Lavrov", "type": "PERSON", "aliases": "Sergey Lavrov", "mention_ids": [1]},
     "clusters[1].aliases must be a list of strings"),
    ({"name": "Lavrov", "type": "PERSON", "mention_ids": [1], "entity_id": "2"},
     "clusters[1].entity_id must be an integer or absent"),
    (["Lavrov", "PERSON"], "clusters[1] must be an object"),
])
def test_link_entities_refuses_a_malformed_cluster_naming_it(tmp_path, cluster, message):
    """``LinkEntities`` decodes its clusters with the codec (``EntityRecord.from_json``) before it
    reads one: a malformed cluster is one line naming it, and nothing changes."""
    with Store.create(tmp_path / "p.claimdesk") as store:
        edits.apply(store, edits.AddDocument("d1", TEXT))
        doc = store.documents()[0]
        edits.apply(store, edits.ReplaceSuggestions(doc.id, "m 1", entities=({"start": 0, "end": 6, "label": "PERSON"},)))
        (mention,) = store.mentions(doc.id)
        good = {"name": "Sergey Lavrov", "type": "PERSON", "aliases": ["Lavrov"], "mention_ids": [mention.id]}
        bad = json.loads(json.dumps(cluster).replace('"m"', str(mention.id)))
        history = len(store.history(1000))
        with pytest.raises(edits.EditError) as info:
            edits.apply(store, edits.LinkEntities((good, bad)))
        assert str(info.value) == f"link entities: {message}"
        assert not isinstance(info.value, edits.NothingToChange)
        assert store.entities() == [] and store.mentions(doc.id) == [mention]
        assert len(store.history(1000)) == history


def _as_pairs(data):
    """An interchange dict in the pairs dress: spans as [start, end], no timestamps."""
    def pair(v):
        return [v["start"], v["end"]] if isinstance(v, dict) and set(v) == {"start", "end"} else v
    return {k: [pair(f) for f in v] if k == "content" else pair(v) for k, v in data.items()
            if k not in ("created_at", "updated_at")}


@given(quotes, spans(), st.text(min_size=1, max_size=8).filter(str.strip), names, provs)
def test_the_pairs_form_is_the_json_form_with_pairs_and_an_id(quote, span, label, name, prov):
    data = quote_to_pairs(quote, "q3")
    assert list(data) == ["id", "content", "speaker", "speaker_resolved", "cue", "type", "speaker_entity",
                          *PAIR_PROV_KEYS]
    assert data == {"id": "q3", **_as_pairs(quote_to_json(quote))}
    mention = MentionRecord(span.start, span.end, label, name, prov)
    data = mention_to_pairs(mention, "e1")
    assert list(data) == ["id", "start", "end", "label", "entity", *PAIR_PROV_KEYS]
    assert data == {"id": "e1", **_as_pairs(mention_to_json(mention))}
    claim = ClaimRecord(span.start, span.end, name, {"verdict": label, "checkworthiness": "opinion"}, name, prov)
    data = claim_to_pairs(claim, "c2")
    assert list(data) == ["id", "start", "end", "labels", "claimant", "note", *PAIR_PROV_KEYS]
    assert data == {"id": "c2", **_as_pairs(claim_to_json(claim))}
    assert list(data["labels"]) == ["checkworthiness", "verdict"]


def _lists(value):
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    return [_lists(v) for v in value] if isinstance(value, (list, tuple)) else value


def test_the_spacy_export_keeps_the_codecs_pairs_in_its_user_data(tmp_path):
    pytest.importorskip("spacy")
    import spacy
    from spacy.tokens import DocBin

    from desktop.app.export import export

    said, constructive, honest = (TEXT.index(w) for w in ("said", "constructive", "and honest"))
    quote = {"content": [{"start": constructive, "end": constructive + 23}, {"start": honest, "end": honest + 10}],
             "speaker": {"start": 0, "end": 6}, "speaker_entity": "Sergey Lavrov",
             "cue": {"start": said, "end": said + 4}, "type": "mixed", "origin": "import", "status": "accepted"}
    with Store.create(tmp_path / "p.claimdesk") as store:
        edits.apply(store, edits.AddDocument("d1", TEXT, quotes=(quote,), entities=(
            {"start": 0, "end": 6, "label": "PERSON", "entity": "Sergey Lavrov", "origin": "editor"},),
            claims=({"start": constructive, "end": constructive + 23, "claimant": "Lavrov",
                     "labels": {"verdict": "true"}, "note": "n"},)))
        names = {e.id: e.name for e in store.entities()}
        (mention,), (stored,), (claim,) = store.mentions(), store.quotes(), store.claims()
        export(store, "spacy", tmp_path / "out.spacy", status="all")
    (doc,) = DocBin().from_disk(tmp_path / "out.spacy").get_docs(spacy.blank("en").vocab)
    data = _lists(doc.user_data["claimdesk"])  # msgpack reads lists back as tuples
    assert data["entities"] == [mention_to_pairs(MentionRecord.from_model(mention, names.get), "e1")]
    assert data["quotes"] == [quote_to_pairs(QuoteRecord.from_model(stored, names.get), "q1")]
    assert data["quotes"][0]["content"] == [[constructive, constructive + 23], [honest, honest + 10]]
    assert data["claims"] == [claim_to_pairs(ClaimRecord.from_model(claim, "Lavrov"), "c1")]
    assert [list(data[k][0]) for k in ("entities", "quotes", "claims")] == [  # the codec's key order too
        list(mention_to_pairs(MentionRecord(0, 1, "X"), "")), list(quote_to_pairs(QuoteRecord((Span(0, 1),)), "")),
        list(claim_to_pairs(ClaimRecord(0, 1), ""))]


def test_a_model_quote_is_written_by_the_codec_and_read_back_as_the_same_record():
    from desktop.core.interchange import QuoteRecord, quote_from_json, quote_suggestion_json
    from desktop.core.model import Span

    plain = QuoteRecord(content=(Span(10, 20), Span(30, 40)), speaker=Span(0, 6), cue=Span(7, 11), type="mixed")
    assert list(quote_suggestion_json(plain)) == ["content", "speaker", "cue", "type"]
    resolved = QuoteRecord(content=(Span(10, 20),), speaker=Span(0, 2), speaker_resolved=Span(50, 56), type="indirect")
    written = quote_suggestion_json(resolved)
    assert list(written)[-1] == "speaker_resolved"
    for record, out in ((plain, quote_suggestion_json(plain)), (resolved, written)):
        back = quote_from_json(out)
        assert (back.content, back.speaker, back.speaker_resolved, back.cue, back.type) == (
            record.content, record.speaker, record.speaker_resolved, record.cue, record.type)
