"""Hand-made quote gold for the sample story in seeds/ and a few synthetic sentences.

Written for these tests from the seed articles (not taken from any corpus). A case names the
quote by the text its first content fragment starts with, and what the detector must find:
speaker text (None: no source), cue text, type, number of content fragments, the text the
last fragment ends with, and the name a pronoun speaker resolves to.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QuoteCase:
    name: str
    seed: str | None  # seed file prefix ("000") or None for a synthetic text
    starts: str  # first content fragment starts with this
    speaker: str | None  # speaker span text (None: no speaker)
    cue: str | None = None  # cue span text, when checked
    qtype: str | None = None  # "direct" | "indirect" | "mixed", when checked
    fragments: int | None = None  # number of content fragments, when checked
    ends: str | None = None  # last fragment ends with this (trailing marks/punctuation ignored)
    resolved: str | None = None  # speaker_resolved text for a pronoun speaker
    text: str | None = None  # the synthetic text


SEED_CASES = [
    QuoteCase("curly_direct", "001", "We don’t expect to resolve our differences", "Blinken", "told",
              "direct", 2, ends="This is a critical moment"),
    QuoteCase("guillemets", "003", "We didn’t expect any major breakthroughs today", "Blinken", "said",
              "direct", 1, ends="understanding each other’s positions"),
    QuoteCase("unbalanced_seed_003", "003", "We have heard Russian officials say", "Blinken", "told",
              "direct", 1, ends="Mr. Lavrov repeated that to me today"),
    QuoteCase("continuation_paragraph", "003", "If Russia wants to start convincing the world", "Blinken",
              None, "direct", ends="forces on Ukraine’s borders"),
    QuoteCase("interrupted_two_fragments", "003", "We look at what is visible to all", "he", "said",
              "direct", 2, ends="that make the difference", resolved="Blinken"),
    QuoteCase("pronoun_told_reporters", "003", "I can’t say if we are on the right track", "he", "told",
              "direct", resolved="Lavrov"),
    QuoteCase("indirect_said_that", "003", "US President Joe Biden is willing to meet", "He", "said",
              "indirect", 1, ends="progress on Ukraine", resolved="Blinken"),
    QuoteCase("according_to_seed_004", "004", "Russian officials have never threatened", "Lavrov",
              "According to", "mixed"),
    QuoteCase("according_to_pronoun", "004", "Russia has repeatedly stated", "him", "According to",
              "indirect", resolved="Lavrov"),
    QuoteCase("according_to_after", "000", "What we expect is concrete answers", "the AP", "according to"),
    QuoteCase("described_as", "002", "the talks as “constructive and useful", "Lavrov", "described", "mixed"),
    QuoteCase("called_on_to", "002", "Moscow to remove troops from Ukraine’s border region", "He", "called on",
              "indirect", resolved="Blinken"),
    QuoteCase("stripped_marks_seed_000", "000", "We dont expect to resolve our differences", "Blinken", "told",
              "direct", 2, ends="This is a critical moment"),
    QuoteCase("stripped_marks_trailing", "000", "Its a crisis with global consequences", "Blinken", "said"),
    QuoteCase("apposition_title", "002", "Biden’s statements can", "Kremlin spokesperson Dmitry Peskov", "said",
              "mixed"),
    QuoteCase("mixed_partial_quote", "001", "he did not “expect a breakthrough", "Lavrov", "said", "mixed",
              ends="concrete answers to our concrete proposals"),
    QuoteCase("no_source_seed_003", "003", "Lector profesional", None, None, "direct"),
]

SYNTHETIC_CASES = [
    QuoteCase("straight_quotes", None, "We will rebuild the bridge", "the mayor", "said", "direct", 1,
              text='"We will rebuild the bridge before winter," the mayor said on Monday.'),
    QuoteCase("low_high_quotes", None, "This is unacceptable for Europe", "Scholz", "said", "direct",
              text="„This is unacceptable for Europe and for our partners“, Scholz said in Berlin."),
    QuoteCase("single_quotes", None, "We are ready to talk at any time", "Ms Okafor", "told", "direct",
              text="‘We are ready to talk at any time,’ Ms Okafor told the BBC."),
    QuoteCase("multi_paragraph", None, "We will not back down", "The minister", "told", "direct", 2,
              ends="until the very end",
              text=("The minister told parliament:\n"
                    "“We will not back down. Our position on the budget is clear.\n"
                    "“We will keep talking to our partners until the very end.”\n"
                    "The opposition walked out.")),
    QuoteCase("colon_introduction", None, "Our doors remain open to every family", "The mayor", "said",
              "direct", text="The mayor said: “Our doors remain open to every family in this city.”"),
    QuoteCase("headline_label", None, "Europe must stand together on energy", "Merkel", ":",
              text="Merkel: Europe must stand together on energy\nThe chancellor spoke in Brussels."),
    QuoteCase("passive_quoted_as_saying", None, "the talks had been useful", "Lavrov", "saying",
              "indirect", text="Lavrov was quoted as saying that the talks had been useful."),
    QuoteCase("passive_agent", None, "the talks would continue next week", "the Kremlin", "announced",
              "indirect", text="It was announced by the Kremlin that the talks would continue next week."),
    QuoteCase("warned_indirect", None, "a weekslong standoff is at a critical point", "The envoy", "warned",
              "indirect", text="The envoy warned on Friday that a weekslong standoff is at a critical point."),
    QuoteCase("dash_attribution", None, "Nobody in this town wants another closure", "Maria Lopez", "―",
              "direct", text="“Nobody in this town wants another closure.” ― Maria Lopez\nMore letters follow."),
    QuoteCase("no_source_long_quote", None, "Those who cannot remember the past are condemned", None, None,
              "direct", text=("Visitors pass a plaque at the entrance.\n"
                              "“Those who cannot remember the past are condemned to repeat it.”\n")),
]
