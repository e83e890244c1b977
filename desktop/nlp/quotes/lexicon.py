"""The quote rules' word lists, read from ``resources/lang/LANG/`` (one file per list, lemmas), and
the lemmatizer for a verb read without its parse (the pipeline runs without spaCy's lemmatizer)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from desktop.nlp.pipeline import ModelNotFoundError
from desktop.paths import resources_dir

#: word forms remembered per lexicon by :meth:`Lexicon.lemma_of` / :meth:`Lexicon.light_verb`
_CACHE_SIZE = 8192


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
    intention_verbs: frozenset[str]  # reported under the "parc" convention only (wants to ...)
    stance_object_verbs: frozenset[str]  # the same (endorsed X, polls show X)
    raising_verbs: frozenset[str]  # the same, in the passive with no source (X is expected to ...)
    said_object_verbs: frozenset[str]  # the same: a noun-phrase object of saying (said the same thing)
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
    #: every verb lemma the rules know (the verb lists and the preposition-content verbs)
    all_verbs: frozenset[str] = field(init=False, repr=False)
    #: the verbs of the three "parc" lists that are in no other verb list: they report nothing
    #: under the clause convention
    parc_only: frozenset[str] = field(init=False, repr=False)
    _lemmas: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)
    _light: dict[str, bool] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "all_verbs", frozenset(
            self.speech_verbs | self.clause_only_verbs | self.object_content_verbs | self.infinitive_verbs
            | self.intention_verbs | self.stance_object_verbs | self.raising_verbs | self.said_object_verbs
            | self.as_only_verbs | set(self.prep_content)))
        parc = self.intention_verbs | self.stance_object_verbs | self.raising_verbs | self.said_object_verbs
        object.__setattr__(self, "parc_only", frozenset(parc - (
            self.speech_verbs | self.clause_only_verbs | self.object_content_verbs | self.infinitive_verbs
            | self.as_only_verbs | set(self.prep_content))))

    def lemma_of(self, word: str) -> str:
        """A reporting-verb lemma for a lower-cased word form ('' when it is not one we know)."""
        lemma = self._lemmas.get(word)
        if lemma is None:
            if len(self._lemmas) >= _CACHE_SIZE:
                self._lemmas.clear()
            lemma = self._lemmas[word] = _lemma_in(word, self.all_verbs, self.irregular)
        return lemma

    def light_verb(self, word: str) -> bool:
        """Whether a lower-cased verb form is one of :attr:`light_verbs` (any inflection)."""
        light = self._light.get(word)
        if light is None:
            if len(self._light) >= _CACHE_SIZE:
                self._light.clear()
            light = self._light[word] = _lemma_in(word, self.light_verbs, self.irregular) in self.light_verbs
        return light

    def noun_cue(self, word: str) -> bool:
        """Whether a lower-cased noun is a reporting noun of :attr:`noun_cues` or its plural in -s."""
        return word in self.noun_cues or (word.endswith("s") and word[:-1] in self.noun_cues)

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
            intention_verbs=words("intention_verbs"), stance_object_verbs=words("stance_object_verbs"),
            raising_verbs=words("raising_verbs"), said_object_verbs=words("said_object_verbs"),
            as_only_verbs=words("as_only_verbs"), noun_cues=words("noun_cues"), light_verbs=words("light_verbs"),
            prep_content={k: set(v.split()) for k, v in _pairs(folder / "prep_content.tsv")},
            particle_verbs=dict(_pairs(folder / "particle_verbs.tsv")),
            irregular=dict(_pairs(folder / "irregular_verbs.tsv")),
            person_pronouns=words("person_pronouns"), pronouns=words("pronouns"),
            first_person=words("first_person"), relative_pronouns=words("relative_pronouns"),
            label_stopwords=words("label_stopwords"), speaker_labels=words("speaker_labels"),
            message_nouns=words("message_nouns"), not_sources=words("not_sources"))


LANG_DIR = resources_dir() / "lang"


@cache
def lexicon_for(lang: str) -> Lexicon:
    """The lexicon for a pipeline's ``lang`` (``doc.lang_``), read once; :class:`UnsupportedLanguage`
    when there is none (a refusal is not remembered: a folder added later is found)."""
    return Lexicon.load(lang)


def noun_lemma(word: str) -> str:
    """A lower-cased noun without a plural -s (-es, -ies) (a rough lemma for the word lists)."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _lemma_in(word: str, lemmas: frozenset[str] | set[str], irregular: dict[str, str]) -> str:
    """The lemma in ``lemmas`` a lower-cased word form inflects (regular -s, -es, -ies, -ed,
    -ing forms, or an irregular one), '' when none."""
    if word in lemmas:
        return word
    if word in irregular:
        return irregular[word]
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
