"""Quote detection and attribution: one test per documented case (desktop/nlp/quotes.py).

Expectations live in tests/nlp/seed_quotes_gold.py (hand-made for the seed story).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from desktop.nlp.quotes import MarkQuote, extract_quotes, find_mark_quotes
from desktop.nlp.quotes.lexicon import lexicon_for
from tests.nlp.seed_quotes_gold import SEED_CASES, SYNTHETIC_CASES, QuoteCase

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
TRIM = " \t\n\u00a0\"'“”‘’«»„.,;:!?"


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nlp():
    from desktop.nlp.pipeline import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="module")
def seed_quotes(nlp):
    """{seed prefix: (text, quotes)} for the five seed articles, parsed once."""
    out = {}
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        out[path.name[:3]] = (text, extract_quotes(nlp(text)))
    return out


def _span(text: str, span: dict | None) -> str | None:
    return None if span is None else text[span["start"]:span["end"]]


def _find(text: str, quotes: list[dict], starts: str) -> dict:
    for q in quotes:
        first = text[q["content"][0]["start"]:q["content"][0]["end"]].lstrip(TRIM)
        if first.startswith(starts.lstrip(TRIM)):
            return q
    found = [text[q["content"][0]["start"]:q["content"][0]["end"]][:60] for q in quotes]
    raise AssertionError(f"no quote starting with {starts!r}; found {found}")


def check(case: QuoteCase, text: str, quotes: list[dict]) -> dict:
    """Assert everything the case specifies and return the quote."""
    q = _find(text, quotes, case.starts)
    assert set(q) >= {"content", "speaker", "cue", "type"}
    for frag in q["content"]:
        assert 0 <= frag["start"] < frag["end"] <= len(text)
    if case.speaker is None:
        assert q["speaker"] is None, _span(text, q["speaker"])
    else:
        assert _span(text, q["speaker"]) == case.speaker
    if case.cue is not None:
        assert _span(text, q["cue"]) == case.cue
    if case.qtype is not None:
        assert q["type"] == case.qtype
    if case.fragments is not None:
        assert len(q["content"]) == case.fragments, [_span(text, f) for f in q["content"]]
    if case.ends is not None:
        last = _span(text, q["content"][-1]).rstrip(TRIM)
        assert last.endswith(case.ends), last
    if case.resolved is not None:
        assert _span(text, q.get("speaker_resolved")) is not None, "pronoun speaker not resolved"
        assert case.resolved in _span(text, q["speaker_resolved"])
    return q


def seed_case(name: str) -> QuoteCase:
    return next(c for c in SEED_CASES if c.name == name)


def synthetic_case(name: str) -> QuoteCase:
    return next(c for c in SYNTHETIC_CASES if c.name == name)


def run_seed(seed_quotes, name: str) -> dict:
    case = seed_case(name)
    text, quotes = seed_quotes[case.seed]
    return check(case, text, quotes)


def run_synthetic(nlp, name: str) -> dict:
    case = synthetic_case(name)
    return check(case, case.text, extract_quotes(nlp(case.text)))


# --- quotation marks (no model needed) ------------------------------------------------------


def _marks(text: str) -> list[str]:
    paras = []
    start = 0
    for line in text.split("\n"):
        if line.strip():
            paras.append((start, start + len(line)))
        start += len(line) + 1
    return [[text[a:b] for a, b in m.segments] for m in find_mark_quotes(text, paras)]


def test_mark_styles_pair():
    assert _marks("He said “one two three” and «four five» and „six seven“ and ‘eight nine’.") == [
        ["one two three"], ["four five"], ["six seven"], ["eight nine"]]
    assert _marks('Then "ten eleven" and \'\'twelve thirteen\'\' came.') == [["ten eleven"], ["twelve thirteen"]]


def test_apostrophes_are_not_quotes():
    assert _marks("Russia’s troops and Ukraine’s border, don’t worry; the ’90s were calm.") == []


def test_missing_opening_mark_starts_at_paragraph():
    assert _marks("Intro line.\nWe have heard it. He repeated that,” Blinken said.") == [
        ["We have heard it. He repeated that"]]


def test_unclosed_quote_runs_over_paragraphs():
    text = "“First paragraph of the quote.\n“Second paragraph ends it.”\nNarration."
    assert _marks(text) == [["First paragraph of the quote.", "Second paragraph ends it."]]


def test_nested_quotes_stay_inside():
    assert _marks("“He called it ‘a farce’ and left,” she said.") == [["He called it ‘a farce’ and left"]]


def test_inner_curly_quote_inside_a_curly_quote():
    assert _marks("“I’d rather live in what he calls “hell” than here.” ― Ana Ruiz") == [
        ["I’d rather live in what he calls “hell” than here."]]
    # a missing closing mark after a sentence still starts a new quote
    assert _marks("“We will win. “They will lose,” he said.") == [["We will win."], ["They will lose"]]


def test_markquote_is_plain_data():
    q = MarkQuote(segments=[(0, 3)], start=0, end=4)
    assert q.closed and not q.used


def test_lemma_of_reporting_verbs():
    lemma_of = lexicon_for("en").lemma_of
    assert lemma_of("said") == "say"
    assert lemma_of("warned") == "warn"
    assert lemma_of("described") == "describe"
    assert lemma_of("according") == ""
    assert lemma_of("table") == ""


# --- seeds: one test per documented case -----------------------------------------------------


@pytest.mark.slow
def test_curly_direct_quote(seed_quotes):
    run_seed(seed_quotes, "curly_direct")


@pytest.mark.slow
def test_guillemets(seed_quotes):
    run_seed(seed_quotes, "guillemets")


@pytest.mark.slow
def test_unbalanced_quote_seed_003(seed_quotes):
    run_seed(seed_quotes, "unbalanced_seed_003")


@pytest.mark.slow
def test_continuation_paragraph(seed_quotes):
    q = run_seed(seed_quotes, "continuation_paragraph")
    assert q["cue"] is None


@pytest.mark.slow
def test_interrupted_quote_two_fragments(seed_quotes):
    text, quotes = seed_quotes["003"]
    q = run_seed(seed_quotes, "interrupted_two_fragments")
    # the attribution between the fragments is not content
    between = text[q["content"][0]["end"]:q["content"][1]["start"]]
    assert "he said" in between


@pytest.mark.slow
def test_pronoun_resolves(seed_quotes):
    run_seed(seed_quotes, "pronoun_told_reporters")
    run_seed(seed_quotes, "interrupted_two_fragments")


@pytest.mark.slow
def test_indirect_said_that(seed_quotes):
    text, _ = seed_quotes["003"]
    q = run_seed(seed_quotes, "indirect_said_that")
    assert not _span(text, q["content"][0]).startswith("that ")


@pytest.mark.slow
def test_according_to(seed_quotes):
    run_seed(seed_quotes, "according_to_seed_004")
    run_seed(seed_quotes, "according_to_pronoun")
    run_seed(seed_quotes, "according_to_after")


@pytest.mark.slow
def test_described_as(seed_quotes):
    run_seed(seed_quotes, "described_as")


@pytest.mark.slow
def test_called_on_to(seed_quotes):
    run_seed(seed_quotes, "called_on_to")


@pytest.mark.slow
def test_colon_introduction(nlp):
    run_synthetic(nlp, "colon_introduction")
    run_synthetic(nlp, "headline_label")


@pytest.mark.slow
def test_stripped_marks_seed_000(seed_quotes):
    run_seed(seed_quotes, "stripped_marks_seed_000")
    run_seed(seed_quotes, "stripped_marks_trailing")


@pytest.mark.slow
def test_passive_speaker(nlp):
    run_synthetic(nlp, "passive_quoted_as_saying")
    run_synthetic(nlp, "passive_agent")


@pytest.mark.slow
def test_no_source(seed_quotes, nlp):
    run_seed(seed_quotes, "no_source_seed_003")
    run_synthetic(nlp, "no_source_long_quote")
    # a passive report with no agent names no source: not a quote
    quotes = extract_quotes(nlp("It is widely believed that the talks will fail."))
    assert all(q["speaker"] is not None for q in quotes if q["type"] == "indirect")


@pytest.mark.slow
def test_apposition_and_title_in_speaker(seed_quotes):
    run_seed(seed_quotes, "apposition_title")


@pytest.mark.slow
def test_mixed_quote(seed_quotes):
    run_seed(seed_quotes, "mixed_partial_quote")


@pytest.mark.slow
def test_straight_quotes(nlp):
    run_synthetic(nlp, "straight_quotes")


@pytest.mark.slow
def test_low_high_quotes(nlp):
    run_synthetic(nlp, "low_high_quotes")


@pytest.mark.slow
def test_single_quotes(nlp):
    run_synthetic(nlp, "single_quotes")


@pytest.mark.slow
def test_multi_paragraph_quote(nlp):
    case = synthetic_case("multi_paragraph")
    q = run_synthetic(nlp, "multi_paragraph")
    # one fragment per paragraph, in two different lines
    a, b = q["content"]
    assert "\n" in case.text[a["end"]:b["start"]]


@pytest.mark.slow
def test_warned_indirect(nlp):
    run_synthetic(nlp, "warned_indirect")


@pytest.mark.slow
def test_dash_attribution(nlp):
    run_synthetic(nlp, "dash_attribution")


@pytest.mark.slow
def test_scare_quotes_are_not_quotes(nlp):
    text = "The so-called “peace plan” was published on Friday by a think tank in Vienna."
    assert extract_quotes(nlp(text)) == []


@pytest.mark.slow
def test_offsets_are_within_text_and_sorted(seed_quotes):
    for text, quotes in seed_quotes.values():
        starts = [q["content"][0]["start"] for q in quotes]
        assert starts == sorted(starts)
        for q in quotes:
            assert q["type"] in ("direct", "indirect", "mixed")
            for key in ("speaker", "cue", "speaker_resolved"):
                span = q.get(key)
                if span is not None:
                    assert 0 <= span["start"] < span["end"] <= len(text)
            for frag in q["content"]:
                assert text[frag["start"]:frag["end"]].strip() == text[frag["start"]:frag["end"]]


@pytest.mark.slow
def test_all_seed_cases_pass(seed_quotes):
    """Every hand-made seed case in one place (a regression net for the gold file)."""
    failures = []
    for case in SEED_CASES:
        text, quotes = seed_quotes[case.seed]
        try:
            check(case, text, quotes)
        except AssertionError as exc:  # collect all, report together
            failures.append(f"{case.name}: {exc}")
    assert not failures, "\n".join(failures)


# --- robustness --------------------------------------------------------------------------------

try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - hypothesis is a dev extra
    given = None

if given is not None:
    _ALPHABET = st.sampled_from(list("ab ,.:\n\"'“”‘’«»„‹›―—") + ["said", "He", "told", "that", "according to"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(_ALPHABET, max_size=60).map("".join))
    def test_mark_scanner_never_breaks(text):
        paras, start = [], 0
        for line in text.split("\n"):
            if line.strip():
                paras.append((start, start + len(line)))
            start += len(line) + 1
        for q in find_mark_quotes(text, paras):
            for a, b in q.segments:
                assert 0 <= a < b <= len(text)

    @pytest.mark.slow
    @settings(max_examples=40, deadline=None)
    @given(st.lists(_ALPHABET, max_size=40).map("".join))
    def test_extract_quotes_never_breaks(nlp, text):
        for q in extract_quotes(nlp(text)):
            for frag in q["content"]:
                assert 0 <= frag["start"] < frag["end"] <= len(text)
            for key in ("speaker", "cue", "speaker_resolved"):
                if q.get(key) is not None:
                    assert 0 <= q[key]["start"] < q[key]["end"] <= len(text)


@pytest.mark.slow
def test_windows_line_endings(nlp):
    text = "“We will rebuild the bridge before winter,” the mayor said.\r\nThe council agreed.\r\n"
    quotes = extract_quotes(nlp(text))
    assert len(quotes) >= 1
    q = quotes[0]
    assert text[q["speaker"]["start"]:q["speaker"]["end"]] == "the mayor"


@pytest.mark.slow
def test_empty_and_markless_text(nlp):
    assert extract_quotes(nlp("")) == []
    assert extract_quotes(nlp("Prices rose in March.")) == []


# --- quotes without quotation marks ------------------------------------------------------------


@pytest.mark.slow
def test_stripped_marks_nested_source_and_follow_on(seed_quotes):
    text, quotes = seed_quotes["000"]
    q = run_seed(seed_quotes, "stripped_marks_seed_000")
    # the agency that relays Blinken's words is not a second quote over them, and the report
    # inside the quoted words ("I do hope and expect that ...") is not a quote of its own
    first = q["content"][0]
    for other in quotes:
        if other is q:
            continue
        assert not any(first["start"] <= f["start"] < first["end"] for f in other["content"]), other


@pytest.mark.slow
def test_stripped_marks_follow_on_sentence(nlp):
    text = ("We will not sign this deal today. I hope we can sign it next month, the minister told "
            "reporters, the agency reported. The door is still open.\nTalks resumed in March.")
    quotes = extract_quotes(nlp(text))
    q = _find(text, quotes, "We will not sign this deal today")
    assert _span(text, q["speaker"]) == "the minister"
    assert _span(text, q["content"][-1]).rstrip(TRIM) == "The door is still open"
    assert [_span(text, x["speaker"]) for x in quotes] == ["the minister"]


@pytest.mark.slow
def test_content_without_leading_connector(nlp):
    text = "But the bridge will reopen in May, the mayor said on Monday."
    q = _find(text, extract_quotes(nlp(text)), "the bridge will reopen")
    assert _span(text, q["speaker"]) == "the mayor"
    # a connector that modifies a word inside the clause stays
    text = "So many voters stayed home, the report said."
    q = _find(text, extract_quotes(nlp(text)), "So many voters stayed home")
    assert _span(text, q["speaker"]) == "the report"


@pytest.mark.slow
def test_content_without_trailing_comment(nlp):
    text = "The coach said the team would recover from the defeat, which ended a long winning streak."
    q = _find(text, extract_quotes(nlp(text)), "the team would recover")
    assert _span(text, q["content"][-1]).rstrip(TRIM) == "the team would recover from the defeat"


@pytest.mark.slow
def test_noun_saying_that_is_the_source(nlp):
    text = "Protesters held up a banner saying that the factory must stay open."
    q = _find(text, extract_quotes(nlp(text)), "the factory must stay open")
    assert _span(text, q["speaker"]) == "a banner"


@pytest.mark.slow
def test_criticism_verbs_target_and_charge(nlp):
    text = "The senator blasted the agency for ignoring the warnings about the dam."
    q = _find(text, extract_quotes(nlp(text)), "the agency for ignoring the warnings")
    assert _span(text, q["speaker"]) == "The senator"
    assert _span(text, q["cue"]) == "blasted"


@pytest.mark.slow
def test_pointed_out(nlp):
    text = "The auditor pointed out that the figures did not add up."
    q = _find(text, extract_quotes(nlp(text)), "the figures did not add up")
    assert _span(text, q["speaker"]) == "The auditor"
    assert extract_quotes(nlp("The guide pointed at the old tower behind the church.")) == []


@pytest.mark.slow
def test_report_stops_before_the_speakers_next_act(nlp):
    text = "The mayor said she would close the bridge and announced new bus routes for the suburbs."
    q = _find(text, extract_quotes(nlp(text)), "she would close the bridge")
    assert _span(text, q["content"][-1]).rstrip(TRIM) == "she would close the bridge"


@pytest.mark.slow
def test_what_x_said_was(nlp):
    text = "What the minister said was that the budget would be cut by half."
    q = _find(text, extract_quotes(nlp(text)), "the budget would be cut by half")
    assert _span(text, q["speaker"]) == "the minister"


@pytest.mark.slow
def test_made_it_clear(nlp):
    text = "She made it clear that she would not resign before the election."
    q = _find(text, extract_quotes(nlp(text)), "she would not resign")
    assert _span(text, q["speaker"]) == "She"
    assert _span(text, q["cue"]) == "made it clear"


@pytest.mark.slow
def test_reporting_nouns_with_a_source(nlp):
    text = "The governor expressed concern that the storm would flood the coast."
    q = _find(text, extract_quotes(nlp(text)), "the storm would flood the coast")
    assert _span(text, q["speaker"]) == "The governor"
    text = "Repeated warnings from his lawyer that the case was weak went unheeded."
    q = _find(text, extract_quotes(nlp(text)), "the case was weak")
    assert _span(text, q["speaker"]) == "his lawyer"
    # a reporting noun with no source is no quote
    assert extract_quotes(nlp("There is growing concern that the storm will flood the coast.")) == []


@pytest.mark.slow
def test_one_unquoted_word_makes_a_mixed_quote(nlp):
    text = "The coach said Smith “played his best game of the season.”"
    q = _find(text, extract_quotes(nlp(text)), "Smith")
    assert q["type"] == "mixed"
    assert _span(text, q["speaker"]) == "The coach"


@pytest.mark.slow
def test_complement_after_the_verb_wins(nlp):
    text = ("The storm closed the port for a week: officials said they expected the damage to exceed "
            "early estimates.")
    q = _find(text, extract_quotes(nlp(text)), "they expected the damage")
    assert _span(text, q["speaker"]) == "officials"
    assert not any(_span(text, x["content"][0]).startswith("The storm") for x in extract_quotes(nlp(text)))


@pytest.mark.slow
def test_that_clause_after_a_time_phrase(nlp):
    text = ("The newspaper reported at the time that the editor, Anna Berg, had told staff that the "
            "story was not ready.")
    q = _find(text, extract_quotes(nlp(text)), "the editor, Anna Berg")
    assert _span(text, q["speaker"]) == "The newspaper"


@pytest.mark.slow
def test_name_with_apposition_before_cue_and_show_title(nlp):
    text = ("“The plan is a mistake and the voters know it,” Maria Lopez, a former city treasurer, said "
            "Sunday on NBC’s “Meet the Press.” “We will fight it in court.”")
    q = _find(text, extract_quotes(nlp(text)), "The plan is a mistake")
    assert q["type"] == "direct"
    assert "Lopez" in _span(text, q["speaker"])
    assert _span(text, q["content"][-1]).rstrip(TRIM) == "We will fight it in court"


@pytest.mark.slow
def test_inverted_said_with_colon(nlp):
    text = "The council has ignored the housing issue. Said Ortega: “Nobody here wants to talk about rents.”"
    q = _find(text, extract_quotes(nlp(text)), "Nobody here wants to talk about rents")
    assert _span(text, q["speaker"]) == "Ortega"
    assert q["type"] == "direct"


@pytest.mark.slow
def test_said_with_time_phrase_and_bare_clause(nlp):
    text = "Trump said after the convention he would not accept the endorsement if it were offered."
    q = _find(text, extract_quotes(nlp(text)), "he would not accept the endorsement")
    assert _span(text, q["speaker"]) == "Trump"


@pytest.mark.slow
def test_according_to_first_with_misparsed_clause(nlp):
    text = "According to radio host Rush Limbaugh, the move reeks of “fear” and desperation."
    q = _find(text, extract_quotes(nlp(text)), "the move reeks")
    assert "Limbaugh" in _span(text, q["speaker"])
    assert q["type"] == "mixed"


@pytest.mark.slow
def test_colon_introduces_unquoted_paragraph(nlp):
    text = ("The governor added:\n"
            "It is typical of her. She knows nothing about the budget, she said, and it shows.\n"
            "The rally ended at noon.")
    quotes = extract_quotes(nlp(text))
    q = _find(text, quotes, "It is typical of her")
    assert _span(text, q["speaker"]) == "The governor"
    assert q["type"] == "direct"
    # the report inside the block is part of the quoted words
    assert len(quotes) == 1
    # a colon ending a paragraph without a reporting clause introduces nothing
    assert extract_quotes(nlp("The plan has three parts:\nRaise taxes on the rich and cut them for others.")) == []


@pytest.mark.slow
def test_asked_about_is_not_the_speakers_report(nlp):
    text = "Asked about the tax plan, Smith said it was fair to workers."
    quotes = extract_quotes(nlp(text))
    assert [_span(text, q["cue"]) for q in quotes] == ["said"]
    q = _find(text, quotes, "it was fair to workers")
    assert _span(text, q["speaker"]) == "Smith"


@pytest.mark.slow
def test_according_to_source_parsed_as_verb(nlp):
    text = "The mayor repeatedly ignored the warnings about the dam, according to show insiders."
    q = _find(text, extract_quotes(nlp(text)), "The mayor repeatedly ignored the warnings")
    assert _span(text, q["cue"]) == "according to"
    assert "insiders" in _span(text, q["speaker"])


# --- content conventions, speakers' edges, transcripts ------------------------------------------


def _quotes(nlp, text: str, content: str = "clause") -> list[tuple[list[str], str | None, str | None]]:
    """(content fragments, speaker, resolved speaker) of each quote, as text."""
    return [([text[f["start"]:f["end"]] for f in q["content"]], _span(text, q["speaker"]),
             _span(text, q.get("speaker_resolved"))) for q in extract_quotes(nlp(text), content)]


@pytest.mark.slow
def test_parc_convention_keeps_the_complementizer(nlp):
    text = "The minister said that the talks would resume in Geneva next week."
    assert _quotes(nlp, text)[0][0] == ["the talks would resume in Geneva next week"]
    assert _quotes(nlp, text, "parc")[0][0] == ["that the talks would resume in Geneva next week"]
    mixed = "The minister said that “the talks will resume” in Geneva next week."
    assert _quotes(nlp, mixed, "parc")[0][0] == ["that “the talks will resume” in Geneva next week"]
    doubled = "The report also points out that ''the penalties are far too light'' for the companies that break the rules."
    assert _quotes(nlp, doubled, "parc")[0][0] == [
        "that ''the penalties are far too light'' for the companies that break the rules"]  # two apostrophes
    # a quotation after "that" is direct in the clause convention, mixed with the complementizer
    whole = "The minister said that “the talks will resume in Geneva next week.”"
    clause, parc = extract_quotes(nlp(whole))[0], extract_quotes(nlp(whole), "parc")[0]
    assert (clause["type"], parc["type"]) == ("direct", "mixed")
    assert _span(whole, parc["content"][0]).startswith("that “the talks")
    # "so that" is the narrator's subordinator, not a report's complementizer
    narrator = "He moved the meeting so that the talks would resume, the minister said."
    assert _quotes(nlp, narrator, "parc") == _quotes(nlp, narrator)


@pytest.mark.slow
def test_parc_convention_relative_pronoun_speaker(nlp):
    text = "The plan was questioned by Anna Berg, an economist who said that the numbers did not add up."
    clause = [q for q in _quotes(nlp, text) if q[0][0].startswith("the numbers")]
    parc = [q for q in _quotes(nlp, text, "parc") if q[0][0].startswith("that the numbers")]
    assert clause and clause[0][1] == "an economist who"
    assert parc and parc[0][1:] == ("who", "an economist")


@pytest.mark.slow
def test_parc_convention_does_not_nest_reports(nlp):
    # PARC and PolNeAR annotate the outer report only: "he thought ..." is part of what he said
    text = "The senator said he thought that the vote would be close."
    assert [q[0] for q in _quotes(nlp, text)] == [["he thought that the vote would be close"],
                                                  ["the vote would be close"]]
    assert [q[0] for q in _quotes(nlp, text, "parc")] == [["he thought that the vote would be close"]]
    # reports side by side are both kept
    two = "The senator said the vote would be close. Her aide said it would not."
    assert len(_quotes(nlp, two, "parc")) == 2


def test_called_x_a_y_parsed_with_two_predicates():
    # the parser sometimes labels both "Miller" and "a liar" object predicates: the first is the object
    import spacy
    from spacy.tokens import Doc

    doc = Doc(spacy.blank("en").vocab, words=["Jones", "called", "Miller", "a", "liar", "."],
              heads=[1, 1, 1, 4, 1, 1], deps=["nsubj", "ROOT", "oprd", "det", "oprd", "punct"],
              tags=["NNP", "VBD", "NNP", "DT", "NN", "."], pos=["PROPN", "VERB", "PROPN", "DET", "NOUN", "PUNCT"])
    [quote] = extract_quotes(doc)
    assert (_span(doc.text, quote["content"][0]), _span(doc.text, quote["speaker"])) == ("Miller a liar", "Jones")


def test_unknown_content_convention_is_refused():
    from desktop.nlp.quotes import check_content_convention

    assert check_content_convention(None) == "clause"
    with pytest.raises(ValueError, match="clause, parc"):
        check_content_convention("prose")


@pytest.mark.slow
def test_speaker_leaves_out_time_phrase(nlp):
    quotes = _quotes(nlp, "Last week Stumpf said that the bank would repay every customer.")
    assert [q[1] for q in quotes] == ["Stumpf"]


@pytest.mark.slow
def test_transcript_stage_directions_are_not_speech(nlp):
    text = ('Partial transcript as follows:\n\n"WALLACE: Will the senator be at the debate tomorrow night?\n\n'
            '"PENCE: She will not be attending the debate tomorrow night, and that is final.\n\n'
            '"(CROSSTALK.)\n\n"Follow Pam Key on Twitter @pamkeyNEN')
    quotes = _quotes(nlp, text)
    assert [q[1] for q in quotes] == ["WALLACE", "PENCE"]
    assert quotes[1][0] == ["She will not be attending the debate tomorrow night, and that is final."]


@pytest.mark.slow
def test_title_case_headline_phrase_is_no_speaker(nlp):
    text = ("Stealth Over Health: Hillary Clinton Was Headed to ER But Diverted to Avoid Bad Optics.\n\n"
            "The New York Post reported the story on Monday.")
    assert _quotes(nlp, text) == []
    run_synthetic(nlp, "headline_label")  # "Lavrov: ..." still is one


@pytest.mark.slow
def test_interrupted_quote_keeps_its_first_fragment_when_the_verb_takes_the_second(nlp):
    # the parse makes the second quotation the complement of "said": the first is still the quote's
    text = ('"If you look back and check the transcripts," Scott said, "I could have written those '
            'things last week."')
    assert _quotes(nlp, text) == [(["If you look back and check the transcripts",
                                    "I could have written those things last week."], "Scott", None)]
    text = "“On this basis,” Zero Hedge said, “true youth unemployment is in the mid-30s.”"
    assert _quotes(nlp, text)[0][0] == ["On this basis", "true youth unemployment is in the mid-30s."]


@pytest.mark.slow
def test_parenthetical_reporting_clause_with_object_or_adjuncts(nlp):
    told = "The difference now, he told me on Friday, is that he is the anchor of a straight news program."
    assert _quotes(nlp, told)[0][:2] == (["The difference now", "is that he is the anchor of a straight news program."], "he")
    explained = ("These employees, Stumpf explained earlier in the committee hearing, were well-paid, "
                 "making between 30,000 and 60,000 dollars a year.")
    (q,) = _quotes(nlp, explained)
    assert q[1] == "Stumpf" and q[0][0] == "These employees" and q[0][1].startswith("were well-paid")


@pytest.mark.slow
def test_as_the_source_put_it(nlp):
    assert _quotes(nlp, "Turnout fell sharply in the city, as the mayor noted on Monday.") == [
        (["Turnout fell sharply in the city"], "the mayor", None)]
    assert _quotes(nlp, "As the mayor noted on Monday, turnout fell sharply in the city.")[0][:2] == (
        ["turnout fell sharply in the city."], "the mayor")
    text = 'The main requirement is a "lawful source of income," as a Homeland Security memo put it.'
    assert _quotes(nlp, text)[0][1] == "a Homeland Security memo"
    # time, not source: "as" with a non-reporting use of the verb
    assert _quotes(nlp, "He put it on the table as the mayor watched.") == []
    assert _quotes(nlp, "As she said goodbye, the crowd cheered.") == []
    assert _quotes(nlp, "The stores stayed closed as many regulars continued to march downtown.") == []


@pytest.mark.slow
def test_dateline_is_no_speaker(nlp):
    text = "WASHINGTON -- President Obama, dedicating the National Museum on Saturday, said it would tell an American story."
    assert _quotes(nlp, text)[0][1] == "President Obama"


@pytest.mark.slow
def test_dateline_and_semicolon_bound_the_content(nlp):
    text = ("WASHINGTON ― Donald Trump’s obsession with the birth certificate is an insult to all voters, "
            "the lawmakers said.")
    assert _quotes(nlp, text)[0][0] == [
        "Donald Trump’s obsession with the birth certificate is an insult to all voters"]
    text = "Republicans said the timing of the news was not intentional; they only learned on Friday of the arrangements."
    assert _quotes(nlp, text) == [(["the timing of the news was not intentional"], "Republicans", None)]


@pytest.mark.slow
def test_that_clause_after_a_phrase_and_accusations(nlp):
    # the parser hangs the complement on the phrase between the verb and "that"
    for text, content in (("Trump claimed without evidence that millions voted illegally.", "millions voted illegally"),
                          ("He argued in a long speech that the plan was flawed.", "the plan was flawed"),
                          ("She warned without giving details that more cuts were coming.", "more cuts were coming")):
        assert _quotes(nlp, text)[0][0] == [content], text
        assert _quotes(nlp, text, "parc")[0][0] == ["that " + content], text
    # an accusation is what the speaker charged, not whom
    assert _quotes(nlp, "The minister accused the opposition of lying about the budget.")[0][:2] == (
        ["lying about the budget"], "The minister")


@pytest.mark.slow
def test_day_after_the_verb_is_the_reports_and_apposition_names_the_speaker(nlp):
    assert _quotes(nlp, "Smith said Monday the city would appeal.")[0][0] == ["the city would appeal"]
    assert _quotes(nlp, "Police said Tuesday night two people were hurt.")[0][0] == ["two people were hurt"]
    # a day that is the reported clause's subject stays
    assert _quotes(nlp, "He said Monday was the worst day of his life.")[0][0] == [
        "Monday was the worst day of his life"]
    assert _quotes(nlp, "“We will appeal,” said the mayor, John Smith.")[0][1] == "the mayor, John Smith"
    assert _quotes(nlp, "The mayor, John Smith, said the city would appeal.")[0][1] == "The mayor, John Smith"


@pytest.mark.slow
def test_speech_acts_whose_object_is_the_content(nlp):
    # echo, reference, defend, tout: the object is what was said (object_content_verbs)
    for text, content, speaker in (
        ("Several mayors echoed her concerns about the new tax.", "her concerns about the new tax", "Several mayors"),
        ("In its new video, the campaign referenced the senator's vote on the bridge.", "the senator's vote on the bridge",
         "the campaign"),
        ("The governor defended his handling of the storm.", "his handling of the storm", "The governor"),
        ("Both candidates touted their experience in government.", "their experience in government", "Both candidates"),
        ("The senator mocked the new budget plan.", "the new budget plan", "The senator"),
        ("The governor exhorted voters to turn out early.", "voters to turn out early", "The governor"),
        ("The minister scoffed that the report was a work of fiction.", "the report was a work of fiction",
         "The minister"),
    ):
        assert _quotes(nlp, text) == [([content], speaker, None)], text
