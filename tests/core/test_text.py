"""desktop.core.text: the one copy of words, tokens, sentences, quotation marks and datelines.

Also checks, through each face, the places where the copies it replaced disagreed: the window
snaps to decomposed accents, the exports no longer split "Sens." / "the Rev." / "Plessy v.", the
window no longer makes an ellipsis a sentence, the importer reads a wire service from
"GENEVA (AP)—", and the quote rules no longer take "U.S.-" for a dateline.
"""

from __future__ import annotations

import pytest

from desktop.core import exporters
from desktop.core.importers import read_file
from desktop.core.model import ImportedDocument
from desktop.core.text import (
    ABBREVIATIONS,
    QUOTE_CLOSERS,
    QUOTE_MARKS,
    QUOTE_OPENERS,
    dateline,
    is_abbreviation,
    sentence_spans,
    token_sentences,
    tokenize,
    word_spans,
)


def words(text: str) -> list[str]:
    return [text[s:e] for s, e in word_spans(text)]


def sentences(text: str, protected=()) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text, protected)]


# Words ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    # apostrophes, straight and curly, inside a word; a possessive stays on its word
    ("We don’t know O'Brien’s plan", ["We", "don’t", "know", "O'Brien’s", "plan"]),
    # hyphens, including the Unicode hyphen and the non-breaking one
    ("the Blinken-Lavrov talks", ["the", "Blinken-Lavrov", "talks"]),
    ("the Blinken\u2010Lavrov and US\u2011Russia talks", ["the", "Blinken\u2010Lavrov", "and", "US\u2011Russia", "talks"]),
    # diacritics, composed and decomposed (a combining acute after the e)
    ("Zürich and Jose\u0301 Martí", ["Zürich", "and", "Jose\u0301", "Martí"]),
    # numbers: a decimal with its percent sign, thousands, currency
    ("up 3.5% to 100,000 troops, $5 or £1.2bn", ["up", "3.5%", "to", "100,000", "troops", "$5", "or", "£1.2bn"]),
    # abbreviations and initials keep their period; the sentence's own period does not
    ("Mr. Blinken of the U.S. met John F. Kennedy Jr. at 9 a.m. today.",
     ["Mr.", "Blinken", "of", "the", "U.S.", "met", "John", "F.", "Kennedy", "Jr.", "at", "9", "a.m.", "today"]),
    ("AT&T and/or “quoted” (bracketed) — dash", ["AT&T", "and/or", "quoted", "bracketed", "dash"]),
])
def test_words(text, expected):
    assert words(text) == expected


def test_the_window_snaps_a_selection_to_a_decomposed_accent():
    """The view's old word pattern stopped before a combining mark: "Jose" without its accent."""
    pytest.importorskip("PySide6")
    from desktop.ui.article_view import snap_to_tokens

    text = "met Jose\u0301 Martí today"
    s, e = snap_to_tokens(text, 5, 6)
    assert text[s:e] == "Jose\u0301"


# Tokens (exports) ------------------------------------------------------------------------------------


def test_tokens_split_words_further_and_cover_every_non_space_character():
    text = "Russia’s $5 rise, 3.5% (U.S.) don’t"
    toks = [text[s:e] for s, e in tokenize(text)]
    assert toks == ["Russia", "’s", "$", "5", "rise", ",", "3.5", "%", "(", "U", ".", "S", ".", ")", "don", "’t"]
    assert "".join(toks) == text.replace(" ", "")


def test_tokens_are_cut_at_boundaries():
    text = "Blinken-Lavrov talks"
    assert [text[s:e] for s, e in tokenize(text, [7, 8])] == ["Blinken", "-", "Lavrov", "talks"]


# Sentences -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("Mr. Blinken arrived. He spoke.", ["Mr. Blinken arrived.", "He spoke."]),
    ("Mrs. Clinton and Gen. Milley met Sens. Warren and Vitter. They agreed.",
     ["Mrs. Clinton and Gen. Milley met Sens. Warren and Vitter.", "They agreed."]),
    ("U.S. officials left. The U.S. Treasury stayed.", ["U.S. officials left.", "The U.S. Treasury stayed."]),
    ("It rained on Jan. 21. Then it stopped.", ["It rained on Jan. 21.", "Then it stopped."]),
    ("John F. Kennedy spoke. J. R. R. Tolkien wrote.", ["John F. Kennedy spoke.", "J. R. R. Tolkien wrote."]),
    ("From Plessy v. Ferguson to the Rev. Jesse Jackson. Then more.",
     ["From Plessy v. Ferguson to the Rev. Jesse Jackson.", "Then more."]),
    ("At 9 a.m. Sunday it began. It ended in 2021. Not before.",
     ["At 9 a.m. Sunday it began.", "It ended in 2021.", "Not before."]),
    # closing quotes and brackets stay with the sentence they end
    ("“We don’t expect a breakthrough.” Lavrov agreed! (He did.) Did they?",
     ["“We don’t expect a breakthrough.”", "Lavrov agreed!", "(He did.)", "Did they?"]),
    ("«Nous verrons.» Puis „Wir sehen.“ Dann", ["«Nous verrons.»", "Puis „Wir sehen.“", "Dann"]),
    # a lower-case word or an ellipsis after the mark: the sentence goes on
    ("He said “wait!” and left. Then … nothing.", ["He said “wait!” and left.", "Then … nothing."]),
    ("It is one of the things worrying them. … And more.", ["It is one of the things worrying them. …", "And more."]),
    # a line break always ends a sentence, whichever character it is
    ("no period here\nA new line\r\nAnother\u2029Last", ["no period here", "A new line", "Another", "Last"]),
    ("  \n  ", []),
])
def test_sentences(text, expected):
    assert sentences(text) == expected


def test_no_sentence_starts_inside_a_protected_span():
    text = "They met the U.N. Security Council. Then left.\nA new line"
    assert len(sentences(text)) == 3
    council = (text.index("Security"), text.index("Then") + 4)
    assert sentences(text, [council]) == ["They met the U.N. Security Council. Then left.", "A new line"]
    line = (text.index("left"), text.index("new"))  # over the line break too
    assert len(sentences(text, [line])) == 2


def test_token_sentences_are_the_same_split_in_token_indices():
    text = "Mr. Blinken met U.S. officials. They agreed.\nA new line"
    toks = tokenize(text)
    got = [" ".join(text[s:e] for s, e in toks[a:b]) for a, b in token_sentences(text, toks)]
    assert got == ["Mr . Blinken met U . S . officials .", "They agreed .", "A new line"]
    assert token_sentences("", []) == []


def test_the_exports_no_longer_split_after_sens_rev_or_v():
    """The CoNLL exporter's old list lacked "Sens." and "Rev.", and took every single letter for
    an initial but a sentence end after "v." ("Plessy v. Ferguson") came from a capital next."""
    text = "They met Sens. Warren and the Rev. Jackson on Plessy v. Ferguson. Then left."
    toks = exporters.tokenize(text)
    assert len(exporters.sentences(text, toks)) == 2


def test_the_window_keeps_an_ellipsis_in_its_sentence():
    pytest.importorskip("PySide6")
    from desktop.ui.article_view import split_sentences

    text = "He had no proof of it. ... Nothing."  # was three sentences, "..." one of them
    assert [text[s:e] for s, e in split_sentences(text)] == ["He had no proof of it. ...", "Nothing."]


def test_abbreviations():
    assert {"mr", "u.s", "jan", "sens", "rev", "v"} <= ABBREVIATIONS
    text = "Mr. and U.S. and a.m. and J. and 3. and end."
    got = {text[max(0, d - 3):d + 1]: is_abbreviation(text, d) for d, ch in enumerate(text) if ch == "."}
    assert got == {"Mr.": True, "d U.": True, "U.S.": True, "d a.": False, "a.m.": True, "d J.": True,
                   "d 3.": False, "end.": False}


# Quotation marks -------------------------------------------------------------------------------------


@pytest.mark.parametrize("quoted", ["“a b”", "«a b»", "„a b“", "„a b”", "‹a b›", '"a b"', "‘a b’", "‚a b‘"])
def test_each_quote_style_opens_and_closes(quoted):
    opener, closer = quoted[0], quoted[-1]
    assert closer in QUOTE_CLOSERS[QUOTE_OPENERS[opener]]
    assert {opener, closer} <= QUOTE_MARKS
    from desktop.nlp.quotes import find_mark_quotes  # the pairing rules (no spaCy model needed)

    text = f"He said {quoted} today."
    [q] = find_mark_quotes(text, [(0, len(text))])
    assert [text[s:e] for s, e in q.segments] == ["a b"] and q.closed


def test_an_apostrophe_is_no_quote_mark():
    assert "'" not in QUOTE_OPENERS and "'" not in QUOTE_MARKS


# Datelines -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "place", "wire", "rest"), [
    ("GENEVA (Reuters) - Blinken warned", "GENEVA", "Reuters", "Blinken warned"),
    ("WASHINGTON — Biden said", "WASHINGTON", None, "Biden said"),
    ("WASHINGTON—Biden said", "WASHINGTON", None, "Biden said"),
    ("WASHINGTON -- President Obama", "WASHINGTON", None, "President Obama"),
    ("WASHINGTON ― Donald Trump", "WASHINGTON", None, "Donald Trump"),
    ("ST. LOUIS, MO. – The city", "ST. LOUIS, MO.", None, "The city"),
    ("KYIV, Ukraine (AP) — Russia", "KYIV, Ukraine", "AP", "Russia"),
    ("HEMPSTEAD, N.Y., Sept. 26 (UPI) — The debate", "HEMPSTEAD, N.Y., Sept. 26", "UPI", "The debate"),
])
def test_datelines(text, place, wire, rest):
    m = dateline(text)
    assert m is not None
    assert (m["place"], m["wire"], text[m.end():]) == (place, wire, rest)


@pytest.mark.parametrize("text", [
    "U.S.-Russia talks have failed",  # a hyphen needs space after it
    "Smith - the diplomat",  # no wire: the place must be in capitals
    "Blinken (AP) said nothing",  # no dash
    "Geneva talks (maybe they failed) - no wire here",  # a lower-case word: no place
])
def test_not_datelines(text):
    assert dateline(text) is None


def test_dateline_between_positions():
    text = "x\nGENEVA (AP) — y"
    assert dateline(text) is None
    assert text[dateline(text, 2).end():] == "y"
    assert dateline(text, 2, 8) is None


def test_the_importer_reads_the_wire_from_a_dateline_without_spaces(tmp_path):
    """The importer's own pattern wanted a space after the dash: "GENEVA (AP)—" had no source."""
    path = tmp_path / "a.txt"
    path.write_text("GENEVA (AP)—Blinken warned Friday.\nMore.\n", encoding="utf-8")
    [doc] = [r for r in read_file(path) if isinstance(r, ImportedDocument)]
    assert doc.source == "AP"


@pytest.fixture(scope="module")
def nlp():
    from desktop.nlp.pipeline import load_pipeline

    return load_pipeline()


@pytest.mark.parametrize("convention", ["clause", "parc"])
def test_quote_content_keeps_a_hyphenated_opening_and_drops_a_wired_dateline(nlp, convention):
    """The quote rules' own dateline pattern took "U.S.-" for a dateline and cut it off the
    content, and missed a dateline whose place is not all capitals."""
    from desktop.nlp.quotes import extract_quotes

    def content(text: str) -> list[str]:
        return [text[c["start"]:c["end"]] for q in extract_quotes(nlp(text), convention) for c in q["content"]]

    assert content("U.S.-Russia talks have failed, Blinken said on Friday.") == ["U.S.-Russia talks have failed"]
    text = "HEMPSTEAD, N.Y., Sept. 26 (UPI) — The debate was a disaster for him, his aides said on Friday."
    assert content(text) == ["The debate was a disaster for him"]
