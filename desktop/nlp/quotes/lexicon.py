"""The quote rules' word lists, read from ``resources/lang/LANG/`` (one file per list, lemmas), and
the lemmatizer for a verb read without its parse (the pipeline runs without spaCy's lemmatizer)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from desktop.nlp.pipeline import ModelNotFoundError
from desktop.paths import resources_dir


class UnsupportedLanguage(ModelNotFoundError):
    """The quote rules have no lexicon for the pipeline's language (a pipeline that cannot be
    used, like a missing one: one line in every face)."""


def languages() -> list[str]:
    """The languages the quote rules have a lexicon for: the folders of ``resources/lang/``."""
    return sorted(p.name for p in LANG_DIR.iterdir() if p.is_dir() and (p / "speech_verbs.txt").is_file())


def _lines(path: Path) -> list[str]:
    """The entries of a lexicon file: one a line, ``#`` starts a comment, blank lines skipped."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


def _pairs(path: Path) -> list[tuple[str, str]]:
    pairs = []
    for n, line in enumerate(_lines(path), 1):
        key, sep, value = line.partition("\t")
        if not sep or not key.strip() or not value.strip():
            raise ValueError(f"{path}: entry {n} ({line!r}) is not KEY<TAB>VALUE")
        pairs.append((key.strip(), value.strip()))
    return pairs


@dataclass(frozen=True)
class Lexicon:
    """One language's word lists for the quote rules (``resources/lang/LANG/``): lemmas, except
    the pronoun lists, the label stopwords (word forms) and the irregular forms (form -> lemma)."""

    lang: str
    speech_verbs: frozenset[str]
    clause_only_verbs: frozenset[str]
    object_content_verbs: frozenset[str]
    infinitive_verbs: frozenset[str]
    as_only_verbs: frozenset[str]
    noun_cues: frozenset[str]
    light_verbs: frozenset[str]
    prep_content: dict[str, set[str]]
    particle_verbs: dict[str, str]
    irregular: dict[str, str]
    person_pronouns: frozenset[str]
    pronouns: frozenset[str]
    first_person: frozenset[str]
    relative_pronouns: frozenset[str]
    label_stopwords: frozenset[str]
    speaker_labels: frozenset[str]
    message_nouns: frozenset[str]
    not_sources: frozenset[str]

    @classmethod
    def load(cls, lang: str) -> Lexicon:
        """The lexicon of ``lang``; :class:`UnsupportedLanguage` (naming the languages there are)
        when there is none."""
        folder = LANG_DIR / lang
        if not lang or not (folder / "speech_verbs.txt").is_file():
            raise UnsupportedLanguage(f"the quote rules have no lexicon for language {lang!r} "
                                      f"(available: {', '.join(languages())}); use a pipeline for one of those")

        def words(name: str) -> frozenset[str]:
            return frozenset(_lines(folder / f"{name}.txt"))

        return cls(
            lang=lang, speech_verbs=words("speech_verbs"), clause_only_verbs=words("clause_only_verbs"),
            object_content_verbs=words("object_content_verbs"), infinitive_verbs=words("infinitive_verbs"),
            as_only_verbs=words("as_only_verbs"), noun_cues=words("noun_cues"), light_verbs=words("light_verbs"),
            prep_content={k: set(v.split()) for k, v in _pairs(folder / "prep_content.tsv")},
            particle_verbs=dict(_pairs(folder / "particle_verbs.tsv")),
            irregular=dict(_pairs(folder / "irregular_verbs.tsv")),
            person_pronouns=words("person_pronouns"), pronouns=words("pronouns"),
            first_person=words("first_person"), relative_pronouns=words("relative_pronouns"),
            label_stopwords=words("label_stopwords"), speaker_labels=words("speaker_labels"),
            message_nouns=words("message_nouns"), not_sources=words("not_sources"))


LANG_DIR = resources_dir() / "lang"
#: the rules read English today; :func:`lexicon_for` refuses any other language
ENGLISH = Lexicon.load("en")


def lexicon_for(lang: str) -> Lexicon:
    """The lexicon for a pipeline's ``lang`` (``doc.lang_``), or :class:`UnsupportedLanguage`."""
    if lang == ENGLISH.lang:
        return ENGLISH
    return Lexicon.load(lang)  # raises: the rules read only English


#: reporting verbs whose clausal complement is what was said (lemmas)
SPEECH_VERBS = ENGLISH.speech_verbs
#: belief / evidence verbs: they report content only with a clausal complement
CLAUSE_ONLY_VERBS = ENGLISH.clause_only_verbs
#: verbs whose object (+ "as" / object predicate / infinitive) is the content without a clause
OBJECT_CONTENT_VERBS = ENGLISH.object_content_verbs
#: verbs taking an infinitive content: "urged X to ...", "vowed to ..."
INFINITIVE_VERBS = ENGLISH.infinitive_verbs
#: preposition content: "called for X", "warned of X", "asked for X"
PREP_CONTENT = ENGLISH.prep_content
#: nouns that report content in a "that" clause: "Trump's claim that ..." (singular lemmas)
NOUN_CUES = ENGLISH.noun_cues
#: verbs that put a reporting noun forward: "expressed concern that ...", "issued a warning that ..."
LIGHT_VERBS = ENGLISH.light_verbs
_IRREGULAR = ENGLISH.irregular
#: verbs that report only with a particle: "pointed out that ..."
PARTICLE_VERBS = ENGLISH.particle_verbs
#: verbs that report only in "as X put it"
AS_ONLY_VERBS = ENGLISH.as_only_verbs

_ALL_VERBS = (SPEECH_VERBS | CLAUSE_ONLY_VERBS | OBJECT_CONTENT_VERBS | INFINITIVE_VERBS | AS_ONLY_VERBS
              | set(PREP_CONTENT))

PRONOUNS_PERSON = ENGLISH.person_pronouns
PRONOUNS_ANY = ENGLISH.pronouns
FIRST_PERSON = ENGLISH.first_person
LABEL_STOPWORDS = ENGLISH.label_stopwords
PERSONLIKE = ENGLISH.speaker_labels
#: nouns for a message someone issues: "X issued a statement saying ..." (X speaks)
MESSAGE_NOUNS = ENGLISH.message_nouns
#: nouns after "according to" that are nobody's words: "according to a formula", "according to plan"
NOT_SOURCES = ENGLISH.not_sources
#: relative pronouns that can be a reporting verb's subject ("an economist who said")
_RELATIVE = ENGLISH.relative_pronouns


def noun_lemma(word: str) -> str:
    """A lower-cased noun without a plural -s (-es, -ies) (a rough lemma for the word lists)."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def noun_cue(word: str) -> bool:
    """Whether a lower-cased noun is a reporting noun of :data:`NOUN_CUES` or its plural in -s."""
    return word in NOUN_CUES or (word.endswith("s") and word[:-1] in NOUN_CUES)


@lru_cache(maxsize=1024)
def light_verb(word: str) -> bool:
    """Whether a lower-cased verb form is one of :data:`LIGHT_VERBS` (any inflection)."""
    return _lemma_in(word, LIGHT_VERBS) in LIGHT_VERBS


@lru_cache(maxsize=8192)
def lemma_of(word: str) -> str:
    """A reporting-verb lemma for a lower-cased word form ('' when it is not one we know)."""
    return _lemma_in(word, _ALL_VERBS)


def _lemma_in(word: str, lemmas: frozenset[str] | set[str]) -> str:
    """The lemma in ``lemmas`` a lower-cased word form inflects (regular -s, -es, -ies, -ed,
    -ing forms, or an irregular one), '' when none."""
    if word in lemmas:
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    candidates: list[str] = []
    if word.endswith("ies"):
        candidates.append(word[:-3] + "y")
    if word.endswith("es"):
        candidates.append(word[:-2])
    if word.endswith("s"):
        candidates.append(word[:-1])
    if word.endswith("ied"):
        candidates.append(word[:-3] + "y")
    if word.endswith("ed"):
        candidates += [word[:-2], word[:-1], word[:-3]]
    if word.endswith("ing"):
        candidates += [word[:-3], word[:-3] + "e", word[:-4]]
    for cand in candidates:
        if cand in lemmas:
            return cand
    return ""
