"""Bookkeeping rules of the core (issue 11): mentions keep a canonical entity of their own label,
a quote's speaker entity matches its speaker span, a claimant follows its entity through merges,
entities without a live mention are neither shown, counted nor exported, and ``invariants.check``
finds nothing after any sequence of edits, undos, redos and pre-annotations."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core import edits as E
from desktop.core.store import Store
from tests.conftest import SAMPLE, _make_sample

SPIEGEL = ("Der Spiegel reported that U.S. Secretary of State Blinken Lavrov met in Geneva. "
           "The Russian Foreign Minister said the Hotel President Wilson was full.")


def _at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


@pytest.fixture
def spiegel(store):
    """A document pre-annotated as a model would: suggestions, then LinkEntities."""
    doc_id = _created(E.apply(store, E.AddDocument("spiegel", SPIEGEL)), "documents")
    ents = [("Der Spiegel", "PERSON"), ("Blinken Lavrov", "PERSON"), ("Russian", "NORP"), ("Geneva", "GPE")]
    E.apply(store, E.ReplaceSuggestions(doc_id, "m1", entities=tuple(
        {"start": s, "end": e, "label": label} for (s, e), label in ((_at(SPIEGEL, n), lab) for n, lab in ents))))
    rows = {SPIEGEL[m.start:m.end]: m for m in store.mentions(doc_id)}
    E.apply(store, E.LinkEntities(tuple({"name": n, "type": lab, "aliases": [], "mention_ids": [rows[n].id]}
                                        for n, lab in ents)))
    return doc_id


def _created(inverse, table):
    """The id of the ``table`` row an applied edit inserted (its inverse deletes it)."""
    return next(c.id for c in inverse.changes if c.table == table and c.before is not None and c.after is None)


def _mention(store, doc_id, surface):
    text = store.document(doc_id).text
    return next(m for m in store.mentions(doc_id) if text[m.start:m.end] == surface)


def _problems(store):
    from desktop.core.invariants import check

    return check(store)


# Wrong 1 --------------------------------------------------------------------------------------------------


def test_relabelled_mention_links_to_an_entity_of_its_new_label(store, spiegel):
    m = _mention(store, spiegel, "Der Spiegel")
    E.apply(store, E.RelabelMention(m.id, "ORG"))
    linked = store.entity(store.mention(m.id).entity_id)
    assert (linked.name, linked.type) == ("Der Spiegel", "ORG")
    # the Entities dock lists it as ORG, and no PERSON "Der Spiegel" is left to show
    assert [(e.name, e.type) for e in store.entities() if e.name == "Der Spiegel"] == [("Der Spiegel", "ORG")]
    assert _problems(store) == []


def test_relabel_joins_an_existing_entity_of_that_label_and_keeps_a_shared_one(store, spiegel):
    org = E.apply(store, E.AddDocument("two", "Der Spiegel and Der Spiegel again.", entities=(
        {"start": 0, "end": 11, "label": "ORG", "entity": "Der Spiegel"},
        {"start": 16, "end": 27, "label": "PERSON", "entity": "Der Spiegel"})))
    two = _created(org, "documents")
    org_entity = store.entity_by_name("Der Spiegel", "ORG")
    m = _mention(store, spiegel, "Der Spiegel")
    person_entity = m.entity_id
    E.apply(store, E.RelabelMention(m.id, "ORG"))
    assert store.mention(m.id).entity_id == org_entity.id
    # the PERSON entity still has the other document's PERSON mention: it stays PERSON
    assert store.entity(person_entity).type == "PERSON"
    assert store.mentions(two)[1].entity_id == person_entity
    assert _problems(store) == []


# Wrong 2 ----------------------------------------------------------------------------------------------------


def test_resized_mention_links_to_the_entity_its_new_text_names(store, spiegel):
    m = _mention(store, spiegel, "Blinken Lavrov")
    start, end = _at(SPIEGEL, "Blinken")
    E.apply(store, E.ResizeMention(m.id, start, end))
    linked = store.entity(store.mention(m.id).entity_id)
    assert (linked.name, linked.type) == ("Blinken", "PERSON")
    assert "Blinken Lavrov" not in {e.name for e in store.entities()}  # no live mention left: not shown
    assert _problems(store) == []


def test_editor_spans_get_a_canonical_entity_and_preannotation_adds_no_empty_one(store, spiegel):
    lavrov = _created(E.apply(store, E.AddMention(spiegel, *_at(SPIEGEL, "Lavrov"), "PERSON")), "mentions")
    hotel = _created(E.apply(store, E.AddMention(spiegel, *_at(SPIEGEL, "Hotel President Wilson"), "FAC")), "mentions")
    assert store.entity(store.mention(lavrov).entity_id).name == "Lavrov"
    assert store.entity(store.mention(hotel).entity_id).type == "FAC"
    # a later pre-annotation clusters the editor's mention with a suggestion: no zero-mention entity
    E.apply(store, E.ReplaceSuggestions(spiegel, "m2", entities=({"start": 0, "end": 11, "label": "ORG"},)))
    new = next(m for m in store.mentions(spiegel) if m.prov.model == "m2")
    E.apply(store, E.LinkEntities(({"name": "Sergey Lavrov", "type": "PERSON", "aliases": ["Lavrov"],
                                    "mention_ids": [lavrov]},
                                   {"name": "Der Spiegel", "type": "ORG", "aliases": [], "mention_ids": [new.id]})))
    counts = store.mention_counts()
    assert all(counts.get(e.id, 0) > 0 for e in store.entities())
    assert _problems(store) == []


def test_a_new_span_finds_its_entity_by_name_or_alias_whatever_the_case_and_periods(store):
    text = "The U.S. Treasury acted. The US treasury said so. O\u2019Brien met Treasury."
    doc = _created(E.apply(store, E.AddDocument("t", text, entities=(
        {"start": 4, "end": 17, "label": "ORG", "entity": "U.S. Treasury"},
        {"start": text.index("O\u2019Brien"), "end": text.index("O\u2019Brien") + 7, "label": "PERSON",
         "entity": "O'Brien"}))), "documents")
    treasury = store.entity_by_name("U.S. Treasury", "ORG")
    E.apply(store, E.AddMention(doc, *_at(text, "US treasury"), "ORG"))
    assert _mention(store, doc, "US treasury").entity_id == treasury.id
    E.apply(store, E.AddMention(doc, *_at(text, "Treasury", 1), "ORG"))  # not its name: a new entity
    assert _mention(store, doc, "Treasury").entity_id != treasury.id
    assert _problems(store) == []


def test_entity_without_live_mention_is_not_shown_counted_or_exported(store, spiegel):
    from desktop.core.exporters import ExportSource

    m = _mention(store, spiegel, "Geneva")
    entity_id = m.entity_id
    E.apply(store, E.SetStatus("mentions", (m.id,), "accepted"))
    E.apply(store, E.DeleteMention(m.id))  # a model suggestion: rejected, not removed
    assert entity_id not in {e.id for e in store.entities()}
    assert store.counts()["canonical_entities"] == len(store.entities())
    assert ExportSource(store, status="all").name(entity_id) is None
    assert _problems(store) == []


# Wrong 4 --------------------------------------------------------------------------------------------------


def test_speaker_span_sets_the_speaker_entity(store, spiegel):
    russian = _mention(store, spiegel, "Russian")
    quote = _created(E.apply(store, E.AddQuote(spiegel, (_at(SPIEGEL, "the Hotel President Wilson was full"),),
                                      speaker=(russian.start, russian.end))), "quotes")
    assert store.quote(quote).speaker_entity_id == russian.entity_id
    # the window passes the entity of the mention the selection overlaps ("Russian", NORP)
    E.apply(store, E.EditQuote(quote, {"speaker": _at(SPIEGEL, "The Russian Foreign Minister"),
                                       "speaker_entity_id": russian.entity_id}))
    assert store.quote(quote).speaker_entity_id is None
    E.apply(store, E.EditQuote(quote, {"speaker": (russian.start, russian.end)}))
    assert store.quote(quote).speaker_entity_id == russian.entity_id
    assert _problems(store) == []


def test_speaker_entity_follows_a_relinked_mention_at_its_span(store, spiegel):
    m = _mention(store, spiegel, "Der Spiegel")
    quote = _created(E.apply(store, E.AddQuote(spiegel, ((12, 20),), speaker=(m.start, m.end))), "quotes")
    E.apply(store, E.RelabelMention(m.id, "ORG"))
    assert store.quote(quote).speaker_entity_id == store.mention(m.id).entity_id
    assert _problems(store) == []


# Claimant ----------------------------------------------------------------------------------------------------


def test_claimant_follows_its_entity_through_a_merge(store, spiegel):
    m = _mention(store, spiegel, "Blinken Lavrov")
    other = _created(E.apply(store, E.AddMention(spiegel, *_at(SPIEGEL, "Lavrov"), "PERSON")), "mentions")
    claim = _created(E.apply(store, E.AddClaim(spiegel, 0, 20, claimant="Lavrov",
                                      claimant_entity_id=store.mention(other).entity_id)), "claims")
    E.apply(store, E.MergeEntities(m.entity_id, (store.mention(other).entity_id,)))
    assert store.claim(claim).claimant_entity_id == m.entity_id
    assert _problems(store) == []


def test_merged_and_split_mentions_take_their_new_entity_s_type(store, spiegel):
    der = _mention(store, spiegel, "Der Spiegel")  # PERSON
    geneva = _mention(store, spiegel, "Geneva")  # GPE
    E.apply(store, E.SetStatus("mentions", (der.id, geneva.id), "accepted"))
    E.apply(store, E.AddDocument("org", "Der Spiegel ran it.", entities=(
        {"start": 0, "end": 11, "label": "ORG", "entity": "Der Spiegel"},)))
    org = store.entity_by_name("Der Spiegel", "ORG")
    E.apply(store, E.MergeEntities(org.id, (der.entity_id,)))
    assert (store.mention(der.id).entity_id, store.mention(der.id).label) == (org.id, "ORG")
    E.apply(store, E.SplitEntity(geneva.entity_id, (geneva.id,), "Geneva canton", type="ORG"))
    assert store.mention(geneva.id).label == "ORG"
    assert _problems(store) == []


# check() itself --------------------------------------------------------------------------------------------


def test_check_reports_each_kind_of_problem(store, spiegel):
    assert _problems(store) == []
    m = _mention(store, spiegel, "Geneva")
    conn = store.conn
    conn.execute("UPDATE mentions SET status = 'accepted', entity_id = NULL WHERE id = ?", (m.id,))
    der = _mention(store, spiegel, "Der Spiegel")
    conn.execute("UPDATE mentions SET status = 'accepted', label = 'ORG' WHERE id = ?", (der.id,))
    conn.execute("PRAGMA foreign_keys = OFF")  # as another tool writing the file might
    conn.execute("INSERT INTO claims (doc_id, start, \"end\", claimant_entity_id, origin, status, created_at, "
                 "updated_at) VALUES (?, 0, 5, 999, 'editor', 'accepted', 'x', 'x')", (spiegel,))
    conn.execute("INSERT INTO quotes (doc_id, content, speaker_start, speaker_end, speaker_entity_id, origin, "
                 "status, created_at, updated_at) VALUES (?, '[[12, 20]]', ?, ?, NULL, 'editor', 'accepted', 'x', "
                 "'x')", (spiegel, der.start, der.end))
    rules = {v.rule for v in _problems(store)}
    assert {"mention-without-entity", "mention-entity-label", "dangling-reference", "speaker-entity"} <= rules
    assert all(v.table and v.message and "\n" not in v.message for v in _problems(store))


def test_renaming_an_entity_with_a_type_relabels_its_mentions(store, sample_doc):
    spiegel = E.apply(store, E.AddDocument("spiegel", "Der Spiegel reported it.")).changes[0].id
    E.apply(store, E.AddMention(spiegel, 0, 11, "PERSON"))
    (m,) = store.mentions(spiegel)
    E.apply(store, E.RenameEntity(m.entity_id, "Der Spiegel", type="ORG"))
    assert store.mention(m.id).label == "ORG" and store.entity(m.entity_id).type == "ORG"
    assert _problems(store) == []


def test_an_entity_with_accepted_mentions_cannot_be_deleted_from_under_them(store, sample_doc):
    doc = E.apply(store, E.AddDocument("d2", "Lavrov spoke.")).changes[0].id
    E.apply(store, E.AddMention(doc, 0, 6, "PERSON"))
    (m,) = store.mentions(doc)
    with pytest.raises(E.EditError, match="accepted mention"):
        E.apply(store, E.DeleteEntity(m.entity_id))
    assert store.mention(m.id).entity_id is not None and _problems(store) == []


def test_sample_project_is_healthy(store, sample_doc):
    assert _problems(store) == []


# Random sequences ------------------------------------------------------------------------------------------

LABELS = ("PERSON", "ORG", "GPE")


@st.composite
def gesture_specs(draw):
    return draw(st.lists(st.tuples(st.integers(0, 25), st.integers(0, 10_000), st.integers(0, 10_000),
                                   st.sampled_from(LABELS)), min_size=1, max_size=10))


def _gesture(store, doc_id, spec):
    op, a, b, label = spec
    n = len(SAMPLE)
    start, end = sorted((a % n, b % n))
    end = max(end, start + 1)
    mentions = [m.id for m in store.mentions(doc_id)]
    quotes = [q.id for q in store.quotes(doc_id)]
    entities = [e.id for e in store.entities()]
    same_type = [e.id for e in store.entities() if e.type == label]
    clusters = [r[0] for r in store.conn.execute("SELECT id FROM story_clusters ORDER BY id")]

    def pick(xs, k=a):
        return xs[k % len(xs)] if xs else 9999

    return [
        lambda: E.AddMention(doc_id, start, end, label),
        lambda: E.DeleteMention(pick(mentions)),
        lambda: E.RelabelMention(pick(mentions), label),
        lambda: E.ResizeMention(pick(mentions), start, end),
        lambda: E.SetStatus("mentions", (pick(mentions),), "accepted"),
        lambda: E.SetStatus("mentions", (pick(mentions),), "rejected"),
        lambda: E.MergeEntities(pick(same_type if b % 2 else entities), tuple(entities[:2])),
        lambda: E.RenameEntity(pick(entities), f"Name {b % 5}"),
        lambda: E.SplitEntity(store.mention(pick(mentions)).entity_id or 9999, (pick(mentions),), f"Split {b % 3}",
                                 type=label if b % 2 else None),
        lambda: E.EditQuote(pick(quotes), {"speaker": (start, end)}),
        lambda: E.AddQuote(doc_id, ((start, end),), speaker=(24, 38)),
        lambda: E.AddClaim(doc_id, start, end, claimant="someone", claimant_entity_id=pick(entities, b)),
        lambda: E.LinkMention(pick(mentions), pick(same_type, b)),
        lambda: E.AddMention(doc_id, *sorted(_at(SAMPLE, "Lavrov", a % 3)), "PERSON"),
        lambda: E.AddMention(doc_id, *_at(SAMPLE, "Blinken", a % 2), "PERSON"),
        lambda: "preannotate",
        lambda: _import(a, label),
        lambda: E.RenameEntity(pick(entities), f"Typed {b % 3}", type=label),
        lambda: E.DeleteEntity(pick(entities)),
        lambda: E.SetLayerReviewed(doc_id, ("entities", "quotes", "claims")[a % 3], bool(b % 2)),
        lambda: E.ImportProject(entities=({"name": "Sergey Lavrov" if b % 2 else f"Name {b % 5}", "type": label,
                                           "aliases": [f"Alias {a % 3}", "Lavrov"], "decided": bool(a % 2)},)),
        lambda: E.SetDocumentStory(pick(store.document_ids(), b), "talks" if a % 3 else None),
        lambda: _store_story(store),
        lambda: E.MergeClusters((pick(clusters), pick(clusters, b))),
        lambda: E.SplitCluster(pick(clusters), (pick(_cluster_items(store, pick(clusters)), b),)),
        lambda: E.DismissFlag(pick([r[0] for r in store.conn.execute("SELECT id FROM story_flags ORDER BY id")]),
                              bool(b % 2)),
    ][op]()


def _cluster_items(store, cluster_id):
    return [r[0] for r in store.conn.execute(
        "SELECT coalesce(quote_id, claim_id) FROM story_members WHERE cluster_id = ? ORDER BY id", (cluster_id,))]


def _store_story(store):
    """Story "talks" stored: each live quote and claim of its articles a cluster, the first two
    quotes of two articles one cluster with a flag between them."""
    docs = [d.id for d in store.documents(story="talks")]
    quotes = [(q.doc_id, q.id) for d in docs for q in store.quotes(d, include_rejected=False)]
    claims = [c.id for d in docs for c in store.claims(d, include_rejected=False)]
    pair = next(((a, b) for a in quotes for b in quotes if a[0] < b[0]), None)
    clusters = [{"id": None, "kind": "claim", "members": [c], "flags": []} for c in claims]
    if pair:
        a, b = sorted((pair[0][1], pair[1][1]))
        clusters.append({"id": None, "kind": "quote", "members": [a, b], "flags": [["wording", a, b, "x"]]})
    clusters += [{"id": None, "kind": "quote", "members": [q], "flags": []} for _, q in quotes
                 if not pair or q not in (pair[0][1], pair[1][1])]
    return E.StoreStoryClusters("talks", tuple(clusters))


def _import(n, label):
    """An imported article: accepted mentions with and without entity names, a quote whose
    speaker is one of them."""
    text = f"Report {n}: Lavrov met Blinken in Geneva."
    at = {w: (text.index(w), text.index(w) + len(w)) for w in ("Lavrov", "Blinken", "Geneva")}
    return E.AddDocument(f"imported-{n}", text, entities=(
        {"start": at["Lavrov"][0], "end": at["Lavrov"][1], "label": "PERSON", "entity": "Sergey Lavrov"},
        {"start": at["Blinken"][0], "end": at["Blinken"][1], "label": label},
        {"start": at["Geneva"][0], "end": at["Geneva"][1], "label": "GPE", "origin": "model", "status": "suggested"}),
        quotes=({"content": [{"start": 0, "end": 6}], "speaker": {"start": at["Lavrov"][0], "end": at["Lavrov"][1]},
                 "speaker_entity": "Sergey Lavrov"},))


def _preannotate(store, doc_id, spec):
    """What `claimdesk annotate` does: replace the suggestions, then link them project-wide."""
    _, a, _, label = spec
    picks = [(24, 38, "PERSON"), (68, 81, "PERSON"), (85, 91, "GPE"), (163, 169, label), (0, 4, "GPE")]
    ents = tuple({"start": s, "end": e, "label": lab} for i, (s, e, lab) in enumerate(picks) if (a >> i) & 1)
    quotes = ({"content": [{"start": 93, "end": 148}], "speaker": {"start": 150, "end": 157}},
              {"content": [{"start": 171, "end": 211}], "speaker": {"start": 163, "end": 169}})
    yield E.ReplaceSuggestions(doc_id, f"m{a % 3}", entities=ents, quotes=quotes[:a % 3])
    text = store.document(doc_id).text
    rows = [m for m in store.mentions(doc_id) if m.prov.status != "rejected"]
    by_name: dict[str, list[int]] = {}
    for m in rows:
        by_name.setdefault(text[m.start:m.end].split()[-1], []).append(m.id)
    yield E.LinkEntities(tuple({"name": name, "type": "PERSON" if name[0].isupper() else "GPE", "aliases": [],
                                "mention_ids": ids} for name, ids in by_name.items()))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=gesture_specs(), undo_from=st.integers(0, 10))
def test_random_gestures_undo_redo_and_preannotation_keep_every_rule(tmp_path_factory, specs, undo_from):
    from desktop.core.invariants import check

    path = tmp_path_factory.mktemp("inv") / "inv.claimdesk"
    with Store.create(path) as store:
        doc = _make_sample(store)
        undos = []
        for spec in specs:
            made = _gesture(store, doc.id, spec)
            steps = _preannotate(store, doc.id, spec) if made == "preannotate" else iter([made])
            for edit in steps:
                try:
                    undos.append(E.apply(store, edit))
                except E.EditError:
                    continue
                assert check(store) == [], edit
        redos = []
        for undo in reversed(undos[undo_from:]):
            redos.append(E.apply(store, undo))
            assert check(store) == []
        for redo in reversed(redos):
            E.apply(store, redo)
            assert check(store) == []
