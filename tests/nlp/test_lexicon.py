"""Issue 14, item 2: the quote rules' lexicons are data files per language
(``resources/lang/LANG/``), lemmas without duplicates or inflected forms, and a pipeline for a
language with no lexicon is one clear error before any work."""

from __future__ import annotations

import pytest

from desktop import cli
from desktop.nlp import pipeline
from desktop.nlp.quotes import lexicon as L
from desktop.paths import resources_dir

LANG = resources_dir() / "lang"
#: the lists whose entries are lemmas (the others are word forms, labels or tables)
LEMMA_LISTS = ("speech_verbs", "clause_only_verbs", "object_content_verbs", "infinitive_verbs", "intention_verbs",
               "stance_object_verbs", "raising_verbs", "said_object_verbs", "as_only_verbs", "noun_cues", "light_verbs", "message_nouns", "not_sources")


def _entries(path) -> list[str]:
    return [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.split("#", 1)[0].strip()]


def _stems(word: str) -> set[str]:
    """What a regular English inflection of ``word`` could come from (-s, -es, -ies, -ed, -ing)."""
    out = set()
    for suffix, back in (("ies", "y"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", ""), ("ed", "e"), ("ing", ""),
                         ("ing", "e")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            out.add(word[: -len(suffix)] + back)
    return out


def _lemma_files():
    return [LANG / lang / f"{name}.txt" for lang in L.languages() for name in LEMMA_LISTS]


@pytest.mark.parametrize("path", _lemma_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_lemma_list_has_no_duplicates_and_no_inflected_forms(path):
    entries = _entries(path)
    assert entries, path
    duplicates = sorted({w for w in entries if entries.count(w) > 1})
    assert duplicates == [], f"{path}: listed twice: {duplicates}"
    irregular = dict(L._pairs(path.parent / "irregular_verbs.tsv"))
    inflected = sorted(w for w in entries if (_stems(w) & set(entries)) or irregular.get(w, w) != w)
    assert inflected == [], f"{path}: inflected forms (list the lemma; the rules find the forms): {inflected}"
    assert all(w == w.lower() and " " not in w for w in entries), path


def test_the_check_catches_what_the_lists_used_to_hold():
    # SPEECH_VERBS once held "insist", "explain" ... twice; NOUN_CUES "claim" and "claims";
    # LIGHT_VERBS "express", "expressed", "expresses", "expressing"
    assert _stems("claims") & {"claim"} and _stems("expressed") & {"express"} and _stems("voicing") & {"voice"}


def test_the_rules_find_the_forms_of_the_lemmas():
    en = L.lexicon_for("en")
    assert en.noun_cue("claim") and en.noun_cue("claims") and en.noun_cue("warnings") and not en.noun_cue("table")
    for form in ("expressed", "expresses", "voicing", "issued", "made", "makes", "raising", "reiterated"):
        assert en.light_verb(form), form
    assert not en.light_verb("said") and not en.light_verb("walked")
    assert en.lemma_of("said") == "say" and en.lemma_of("warned") == "warn" and en.lemma_of("walked") == ""


def test_every_table_entry_is_key_tab_value(tmp_path):
    for lang in L.languages():
        for table in (LANG / lang).glob("*.tsv"):
            assert L._pairs(table), table
    bad = tmp_path / "t.tsv"
    bad.write_text("# comment\nsaid say\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"t\.tsv: entry 1 \('said say'\) is not KEY<TAB>VALUE"):
        L._pairs(bad)


def test_a_language_without_a_lexicon_is_one_clear_error():
    assert "en" in L.languages()
    assert L.lexicon_for("en") is L.lexicon_for("en") and "say" in L.lexicon_for("en").speech_verbs
    with pytest.raises(L.UnsupportedLanguage) as err:
        L.lexicon_for("fr")
    assert "'fr'" in str(err.value) and "available: en" in str(err.value) and "\n" not in str(err.value)
    assert isinstance(err.value, pipeline.ModelNotFoundError)  # every face reports it like a missing model


def test_annotating_with_a_french_pipeline_stops_before_any_work(tmp_path, capsys, monkeypatch):
    import spacy

    french = spacy.blank("fr")
    monkeypatch.setattr("desktop.nlp.preannotate.load_pipeline", lambda name=None, **options: french)
    src = tmp_path / "in.txt"
    src.write_text("« Nous allons gagner », a déclaré le maire.", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert cli.main(["preannotate", str(src), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no lexicon for language 'fr' (available: en)" in err, err
    assert not out.exists()
