"""The quote rules' word lists (lemmas) and the lemmatizer for a verb read without its parse."""
from __future__ import annotations

from functools import lru_cache

#: reporting verbs whose clausal complement is what was said (lemmas)
SPEECH_VERBS = frozenset(
    """say tell add warn stress note claim argue insist explain announce declare write tweet post
    report suggest acknowledge admit deny state confirm reiterate repeat predict promise pledge
    vow urge ask recall emphasize emphasise contend maintain assert allege complain concede agree
    indicate estimate accuse describe respond reply continue testify observe remark mention charge
    speculate hint caution threaten boast joke lament quip recount reveal signal conclude call
    propose demand question counter advise assure remind inform disclose insist acknowledge comment
    explain predict tout brag concur retort shout yell scream whisper mutter exclaim affirm
    underscore underline highlight caution complain decry dismiss rejoin clarify specify chant
    guarantee swear""".split()
)
#: belief / evidence verbs: they report content only with a clausal complement
CLAUSE_ONLY_VERBS = frozenset(
    """think believe fear hope feel expect worry doubt know show find suggest indicate reveal
    conclude acknowledge recognize realize understand learn hear read see suspect assume argue
    wonder imagine predict estimate project forecast""".split()
)
#: verbs whose object (+ "as" / object predicate / infinitive) is the content without a clause
OBJECT_CONTENT_VERBS = frozenset(
    """describe call deny acknowledge announce cite criticize criticise condemn propose demand
    question predict reveal note recall mention claim urge ask order praise blame accuse promise
    pledge vow threaten reject dismiss welcome label dub characterize characterise attack blast
    slam lambaste lambast assail denounce chide scold rebuke fault""".split()
)
#: verbs taking an infinitive content: "urged X to ...", "vowed to ..."
INFINITIVE_VERBS = frozenset(
    """urge ask call order tell warn pledge promise vow threaten agree demand advise encourage
    implore beg invite press""".split()
)
#: preposition content: "called for X", "warned of X", "asked for X"
PREP_CONTENT = {
    "call": {"for", "on"},
    "accuse": {"of"},
    "criticize": {"for"},
    "criticise": {"for"},
    "attack": {"for"},
    "blast": {"for"},
    "slam": {"for"},
    "lambaste": {"for"},
    "fault": {"for"},
    "chide": {"for"},
    "scold": {"for"},
    "rebuke": {"for"},
    "point": {"to"},
    "blame": {"for"},
    "praise": {"for"},
    "warn": {"of", "against", "about"},
    "ask": {"for", "about"},
    "talk": {"about"},
    "speak": {"about", "of"},
    "complain": {"about", "of"},
    "push": {"for"},
    "plead": {"for"},
}

#: nouns that report content in a "that" clause: "Trump's claim that ..."
NOUN_CUES = frozenset(
    """claim claims statement assertion allegation allegations warning promise pledge insistence
    argument suggestion charge contention prediction admission acknowledgment acknowledgement
    declaration announcement belief assurance insinuation accusation view threat vow concern
    concerns fear fears hope hopes worry doubt doubts conviction message position contention
    warnings assertions statements arguments promises predictions""".split()
)
#: verbs that put a reporting noun forward: "expressed concern that ...", "issued a warning that ..."
LIGHT_VERBS = frozenset(
    """express expressed expresses expressing voice voiced voices voicing issue issued issues issuing
    repeat repeated repeats reiterate reiterated raise raised raises share shared air aired offer
    offered make made makes making""".split()
)

_IRREGULAR = {
    "said": "say", "says": "say", "saith": "say", "told": "tell", "wrote": "write",
    "written": "write", "thought": "think", "felt": "feel", "found": "find", "knew": "know",
    "known": "know", "saw": "see", "seen": "see", "spoke": "speak", "spoken": "speak",
    "heard": "hear", "read": "read", "understood": "understand", "swore": "swear",
    "sworn": "swear", "foresaw": "foresee", "taught": "teach", "shown": "show",
}

#: verbs that report only with a particle: "pointed out that ..."
PARTICLE_VERBS = {"point": "out"}

#: verbs that report only in "as X put it"
AS_ONLY_VERBS = frozenset({"put"})

_ALL_VERBS = (SPEECH_VERBS | CLAUSE_ONLY_VERBS | OBJECT_CONTENT_VERBS | INFINITIVE_VERBS | AS_ONLY_VERBS
              | set(PREP_CONTENT))

PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
PRONOUNS_ANY = frozenset({"he", "she", "him", "her", "they", "them", "it", "we", "us", "i", "me"})
FIRST_PERSON = frozenset({"i", "we", "me", "us", "my", "our", "ours", "mine", "myself", "ourselves"})
LABEL_STOPWORDS = frozenset(
    """source sources note update updated photo photos image images video watch read related credit
    credits editor editors caption getty file copyright tags tag category categories home menu
    share subscribe advertisement ad sponsored listen more see also q a by breaking exclusive analysis
    opinion live editorial correction corrections clarification warning trigger spoiler summary
    background context transcript disclaimer latest""".split()
)
PERSONLIKE = frozenset({"PERSON", "ORG", "NORP", "GPE"})
#: relative pronouns that can be a reporting verb's subject ("an economist who said")
_RELATIVE = frozenset({"who", "which", "that"})


@lru_cache(maxsize=8192)
def lemma_of(word: str) -> str:
    """A reporting-verb lemma for a lower-cased word form ('' when it is not one we know)."""
    if word in _ALL_VERBS:
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
        if cand in _ALL_VERBS:
            return cand
    return ""
