"""Canonical entities across documents: span cleaning, label voting, clustering, gazetteers.

Everything here works over plain data (strings, offsets, small dataclasses, interchange JSONL
dicts), so it is cheap to call and to test.  spaCy is only touched by :func:`apply_gazetteer`
(which receives an already loaded ``nlp``); nothing here imports Qt.

The pieces, in the order :func:`canonicalize_records` uses them:

1. :func:`clean_mention` trims a predicted span the way an editor would (titles off people,
   possessives, a leading "the", surrounding punctuation).
2. :func:`majority_labels` decides one label per name by vote, with editor decisions winning.
3. :func:`cluster_entities` groups mentions across documents into project-wide entities
   (aliases, abbreviations, transliterations, surname -> full name, spelling variants).
4. :func:`gazetteer_patterns` / :func:`apply_gazetteer` turn accepted entities into spaCy
   ``entity_ruler`` patterns so they are suggested in the other documents.

Vocabulary used in the docstrings:

* *surface*: the cleaned text of a mention with curly apostrophes straightened and runs of
  whitespace collapsed ("Antony Blinken", "U.S.").
* *key* (:func:`name_key`): what two surfaces must share to be the same name without any fuzzy
  matching: casefolded, periods dropped, possessive and leading "the" dropped, and mapped through
  the built-in alias table (:data:`ALIASES`), so "U.S.", "US", "USA" and "the United States"
  all have the key ``"united states"`` and "Kiev" and "Kyiv" both have ``"kyiv"``.
* *authoritative* mention: one an editor made or accepted (``origin == "editor"`` or
  ``status == "accepted"``).  Authoritative mentions outvote the model; ``rejected`` mentions
  are ignored everywhere.
"""

from __future__ import annotations

import copy
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from desktop.core.entity_links import display_name
from desktop.core.entity_links import name_key as core_name_key

# -------------------------------------------------------------------------------------------
# Data
# -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MentionIn:
    """One entity mention as the functions here see it.

    ``text`` is the mention's surface (normally ``doc_text[start:end]`` after
    :func:`clean_mention`).  ``entity`` is a canonical name an editor already assigned, if any.
    ``decided`` is the id of the :class:`DecidedEntity` the mention is linked to, if any: the
    mention stays in that entity's cluster whatever its text (see :func:`cluster_entities`).
    """

    doc_id: str
    start: int
    end: int
    label: str
    text: str
    origin: str = "model"
    status: str = "suggested"
    entity: str | None = None
    decided: int | None = None

    @property
    def authoritative(self) -> bool:
        return self.status != "rejected" and (self.origin == "editor" or self.status == "accepted")


@dataclass
class Cluster:
    """A project-wide canonical entity.

    ``aliases`` are the other surfaces seen for it (the name itself excluded), most frequent
    first; ``members`` are indices into the mention sequence given to :func:`cluster_entities`,
    ascending.
    """

    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    members: list[int] = field(default_factory=list)
    #: The :class:`DecidedEntity` this cluster is (its ``id``), or None for the model's own.
    entity_id: int | None = None


@dataclass(frozen=True)
class DecidedEntity:
    """A canonical entity an editor merged others into, renamed or split: a decision the model
    never reverses (see :func:`cluster_entities`).  ``id`` is the caller's (the project's entity id).
    """

    id: int
    name: str
    type: str
    aliases: tuple[str, ...] = ()


# -------------------------------------------------------------------------------------------
# Vocabularies
# -------------------------------------------------------------------------------------------

#: Tie-break order for :func:`majority_labels` (earlier wins).  Labels not listed rank after
#: all listed name labels and before the numeric ones, alphabetically among themselves.
LABEL_PRIORITY: tuple[str, ...] = (
    "PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW",
    "LANGUAGE",
)
#: Labels that are values, not names: voted on, never clustered into entities.
VALUE_LABELS: tuple[str, ...] = (
    "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "CARDINAL",
)

#: Built-in alias table: key of a variant -> (preferred name, type).  Abbreviations and
#: transliterations an editor would always merge.  The preferred name's own key maps to itself.
_ALIAS_ROWS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("United States", "GPE", ("US", "U.S.", "USA", "U.S.A.", "United States of America")),
    ("United Kingdom", "GPE", ("UK", "U.K.", "Britain", "Great Britain")),
    ("United Arab Emirates", "GPE", ("UAE", "U.A.E.")),
    ("Soviet Union", "GPE", ("USSR", "U.S.S.R.")),
    ("United Nations", "ORG", ("UN", "U.N.")),
    ("European Union", "ORG", ("EU", "E.U.")),
    ("Kyiv", "GPE", ("Kiev",)),
    ("Kharkiv", "GPE", ("Kharkov",)),
    ("Odesa", "GPE", ("Odessa",)),
    ("Lviv", "GPE", ("Lvov",)),
    ("Luhansk", "GPE", ("Lugansk",)),
    ("Dnipro", "GPE", ("Dnepr", "Dnipropetrovsk")),
    ("Zaporizhzhia", "GPE", ("Zaporozhye", "Zaporizhia")),
    ("Mykolaiv", "GPE", ("Nikolaev", "Nikolayev")),
    ("Chornobyl", "GPE", ("Chernobyl",)),
    ("Donetsk", "GPE", ("Donetsk",)),
    ("Belarus", "GPE", ("Byelorussia", "Belorussia")),
    ("Beijing", "GPE", ("Peking",)),
    ("Myanmar", "GPE", ("Burma",)),
)


_basic_key = core_name_key  # one normalisation for the core's linking rules and the clustering

ALIASES: dict[str, tuple[str, str]] = {}
for _name, _type, _variants in _ALIAS_ROWS:
    for _v in (_name, *_variants):
        ALIASES[_basic_key(_v)] = (_name, _type)

#: Words that are titles, roles or honorifics when they open a PERSON span (casefolded,
#: without a final period).  Royal and religious titles ("King Charles", "Pope Francis") are
#: left out on purpose: they are part of the conventional name.
TITLE_WORDS: frozenset[str] = frozenset(
    """mr mrs ms miss mx dr prof professor sir dame rev reverend
    president vice prime minister ministers secretary undersecretary under assistant deputy
    foreign defense defence state interior home affairs finance treasury trade economy energy
    health justice homeland security national intelligence staff
    chancellor premier senator sen rep representative congressman congresswoman governor gov
    mayor ambassador envoy emissary spokesman spokeswoman spokesperson press adviser advisor
    counselor counsellor attorney general judge chief director chairman chairwoman chair ceo
    head leader commissioner speaker majority minority whip official officer diplomat
    negotiator top former ex acting then outgoing incoming late first
    gen lt col maj capt sgt adm admiral colonel captain lieutenant sergeant commander marshal
    field army navy military""".split()
)
_CONNECTORS = frozenset({"of", "the", "for", "and", "&"})
_PARTICLES = frozenset({"von", "van", "der", "den", "de", "da", "di", "du", "del", "della", "le",
                        "la", "bin", "ibn", "al", "dos", "das", "ter", "ten", "zu"})
_STOPWORDS = frozenset({"the", "a", "an", "of", "and", "for", "in", "on", "to", "'s", "s"})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
#: Names whose leading "The" is part of the name: kept by :func:`clean_mention`.
KEEP_THE: frozenset[str] = frozenset(
    {"hague", "gambia", "bahamas", "new york times", "washington post", "wall street journal",
     "guardian", "economist", "times", "atlantic", "hill", "independent", "telegraph",
     "new yorker"}
)
_ABBREV_END = re.compile(r"(?:\b[A-Za-z]\.){2,}$|\b(?:Jr|Sr|Inc|Co|Corp|Ltd|St|Bros|No|Mt|Ft)\.$")
_OPEN = "([{<"
_CLOSE = ")]}>"
_LEAD_PUNCT = set("\"'“”‘’`«»([{<-–—*•·/|:;,.!?")
_TRAIL_PUNCT = set("\"'“”‘’`«»)]}>-–—*•·/|:;,.!?")

#: Fuzzy thresholds (rapidfuzz ``fuzz.ratio``, 0-100), see :func:`cluster_entities`.
SURNAME_SIMILARITY = 85.0
GIVEN_NAME_SIMILARITY = 80.0


# -------------------------------------------------------------------------------------------
# Keys and surfaces
# -------------------------------------------------------------------------------------------


#: Display form of a mention: NFKC, straight apostrophes, whitespace runs -> one space.
surface_form = lru_cache(maxsize=1 << 16)(display_name)  # pure, called for every mention


@lru_cache(maxsize=1 << 16)  # a pure function of the text, called for every mention
def name_key(text: str) -> str:
    """The key two surfaces must share to be the same name without fuzzy matching.

    Casefolded, curly apostrophes straightened, periods removed, whitespace collapsed, a final
    "'s" and a leading "the " dropped, then mapped through :data:`ALIASES` to the casefolded
    preferred name ("U.S." -> "united states", "Kiev" -> "kyiv").
    """
    k = _basic_key(text)
    hit = ALIASES.get(k)
    return _basic_key(hit[0]) if hit else k


def _label_rank(label: str) -> tuple[int, str]:
    if label in LABEL_PRIORITY:
        return (LABEL_PRIORITY.index(label), "")
    if label in VALUE_LABELS:
        return (len(LABEL_PRIORITY) + 1, label)
    return (len(LABEL_PRIORITY), label)


# -------------------------------------------------------------------------------------------
# clean_mention
# -------------------------------------------------------------------------------------------


def _strip_surrounding(text: str, s: int, e: int) -> tuple[int, int]:
    """Whitespace and punctuation off both ends; brackets only when unbalanced inside."""
    while e - s >= 2 and text[s] in _OPEN and text[e - 1] == _CLOSE[_OPEN.index(text[s])]:
        # "(NATO)": strip a wrapping pair, but not "(a) b (c)" whose first bracket closes early.
        o, c_, depth = text[s], text[e - 1], 0
        for i in range(s, e):
            depth += (text[i] == o) - (text[i] == c_)
            if depth == 0 and i < e - 1:
                break
        else:
            s, e = s + 1, e - 1
            continue
        break
    while s < e:
        c = text[s]
        if c.isspace():
            s += 1
        elif c in _LEAD_PUNCT:
            if c in _OPEN and _CLOSE[_OPEN.index(c)] in text[s + 1 : e]:
                break
            s += 1
        else:
            break
    while e > s:
        c = text[e - 1]
        if c.isspace():
            e -= 1
        elif c == "." and _ABBREV_END.search(text[s:e]):
            break
        elif c in _TRAIL_PUNCT:
            if c in _CLOSE and _OPEN[_CLOSE.index(c)] in text[s : e - 1]:
                break
            e -= 1
        else:
            break
    return s, e


def _strip_possessive(text: str, s: int, e: int, known: Container[str] | None) -> int:
    span = text[s:e]
    if len(span) > 2 and span[-1] in "sS" and span[-2] in "'’":
        return e - 2
    if (known is not None and len(span) >= 4 and span[-1] == "s" and span[-2] not in "sS'’"
            and span[-2].isalpha()):
        base = span[:-1]
        if base in known or name_key(base) in known:
            return e - 1
    return e


def _tokens(text: str, s: int, e: int) -> list[tuple[int, int]]:
    return [(m.start() + s, m.end() + s) for m in re.finditer(r"\S+", text[s:e])]


def _word(tok: str) -> str:
    return tok.rstrip(".,").casefold()


def _strip_title(text: str, s: int, e: int) -> tuple[int, int] | None:
    """Leading title/role off a PERSON span; None if the span is nothing but a title.

    The title is: up to three modifier tokens that are not title words ("U.S.", "Russian",
    "Kremlin"), then a run of :data:`TITLE_WORDS` and connectors ("of", "the", "for", "and");
    right after "of" (and an optional "the") one token is taken as the title's object
    ("President of Ukraine").  The cut is after the last title word of that run; at least one
    token must remain, and it must not be a connector.
    """
    toks = _tokens(text, s, e)
    words = [_word(text[a:b]) for a, b in toks]
    if not words:
        return None
    if all(w in TITLE_WORDS or w in _CONNECTORS for w in words):
        return None
    first_title = next((i for i, w in enumerate(words) if w in TITLE_WORDS), None)
    if first_title is None or first_title > 3 or first_title == len(words) - 1:
        return s, e
    cut = None
    i = first_title
    while i < len(words) - 1:
        w = words[i]
        if w in TITLE_WORDS or (w == "lady" and i > 0 and words[i - 1] == "first"):
            cut = i + 1
            i += 1
        elif w == "of":
            j = i + 1
            if j < len(words) - 1 and words[j] == "the":
                j += 1
            if j < len(words) - 1:
                cut = j + 1
                i = j + 1
            else:
                break
        elif w in _CONNECTORS:
            i += 1
        else:
            break
    if cut is None or cut >= len(toks):
        return s, e
    while cut < len(toks) and words[cut] in _CONNECTORS:
        cut += 1
    if cut >= len(toks):
        return None
    return toks[cut][0], e


def _strip_the(text: str, s: int, e: int) -> int:
    m = re.match(r"(?:the|The|THE)\s+", text[s:e])
    if not m or s + m.end() >= e:
        return s
    rest = _basic_key(text[s + m.end() : e])
    if rest in KEEP_THE:
        return s
    return s + m.end()


def clean_mention(
    text: str, start: int, end: int, label: str, known_names: Container[str] | None = None
) -> tuple[int, int] | None:
    """Trim ``text[start:end]`` the way an editor would; return new offsets into ``text``.

    Rules, applied repeatedly until nothing changes:

    * **line break**: a span never crosses one; the part before the first line break (after
      leading whitespace) is kept ("Geneva\\n\\nHome / Security" -> "Geneva").
    * **surrounding**: whitespace and punctuation (quotes, commas, dashes, a final period...)
      come off both ends; a final period stays on abbreviations ("U.S.", "Jr.", "Inc."), and a
      bracket stays when its partner is inside the span ("Islamic State (ISIS)").
    * **possessive** (any label): a final "'s" / "’s" comes off ("Russia’s" -> "Russia"); a
      final bare "s" comes off only when the rest is a known name (``known_names`` holds names
      or :func:`name_key` keys), so "Russias" -> "Russia" when "Russia" is known.
    * **the**: a leading "the"/"The" comes off, unless the rest is in :data:`KEEP_THE`
      ("The Hague").  For PERSON too ("the Pope" is not a name either).
    * **title** (PERSON only): a leading title or role comes off: "U.S. Secretary of State
      Antony Blinken" -> "Antony Blinken", "Mr. Lavrov" -> "Lavrov", "Russian Foreign Minister
      Sergey Lavrov" -> "Sergey Lavrov" (see :func:`_strip_title` for the exact grammar).

    Returns None when nothing sensible is left: an empty span, no letter or digit, a lone
    function word ("the"), or a PERSON span that is only a title ("Secretary of State").  Offsets are clamped to ``text``.
    """
    s, e = max(0, start), min(len(text), end)
    if s >= e:
        return None
    s, e = _strip_surrounding(text, s, e)
    nl = text.find("\n", s, e)
    if nl != -1:
        e = nl
    for _ in range(8):
        before = (s, e)
        s, e = _strip_surrounding(text, s, e)
        if s >= e:
            return None
        e = _strip_possessive(text, s, e, known_names)
        s = _strip_the(text, s, e)
        if label == "PERSON":
            r = _strip_title(text, s, e)
            if r is None:
                return None
            s, e = r
        if (s, e) == before:
            break
    if s >= e or not any(c.isalnum() for c in text[s:e]) or text[s:e].casefold() in _STOPWORDS:
        return None
    return s, e


# -------------------------------------------------------------------------------------------
# majority_labels
# -------------------------------------------------------------------------------------------


def _parse_person(key: str) -> tuple[tuple[str, ...], str]:
    """(given tokens, surname) of a PERSON key; suffixes dropped, particles join the surname."""
    toks = [t for t in key.split() if t not in _SUFFIXES] or key.split()
    if not toks:
        return (), ""
    cut = len(toks) - 1
    for i, t in enumerate(toks):
        if t in _PARTICLES and i < len(toks) - 1:
            cut = i
            break
    return tuple(toks[:cut]), " ".join(toks[cut:])


def _vote(counter: Counter[str]) -> str:
    return min(counter, key=lambda lab: (-counter[lab], _label_rank(lab)))


def majority_labels(mentions: Iterable[MentionIn]) -> dict[str, str]:
    """One label per name: ``{name_key(surface): label}``.

    Rules, in order:

    1. **editor override**: if any authoritative mention has the key, only authoritative
       mentions vote.  Rejected mentions never vote.
    2. **known names**: otherwise a key in the built-in alias table takes the table's type
       ("Kiev" is a GPE however often the model calls it PERSON).
    3. **majority**: otherwise the most frequent label wins; ties go to the label earlier in
       :data:`LABEL_PRIORITY` (PERSON > ORG > GPE > LOC > NORP > ...; unknown labels after the
       listed ones, value labels such as DATE last).
    4. **surname promotion**: a one-word key that lost to another label but got at least one
       PERSON vote becomes PERSON when it is the surname of a multi-word key that is PERSON
       ("Lavrov" tagged ORG 19 times and PERSON 11 times is PERSON, because "Sergey Lavrov"
       is).  Keys decided by rule 1 are not promoted.
    """
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    editor_votes: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        if m.status == "rejected":
            continue
        k = name_key(m.text)
        if not k:
            continue
        votes[k][m.label] += 1
        if m.authoritative:
            editor_votes[k][m.label] += 1
    out: dict[str, str] = {}
    for k in sorted(votes):
        if k in editor_votes:
            out[k] = _vote(editor_votes[k])
        elif k in ALIASES:
            out[k] = ALIASES[k][1]
        else:
            out[k] = _vote(votes[k])
    surnames = {
        _parse_person(k)[1] for k, lab in out.items() if lab == "PERSON" and _parse_person(k)[0]
    }
    for k, lab in out.items():
        if (lab != "PERSON" and k not in editor_votes and k not in ALIASES and " " not in k
                and votes[k]["PERSON"] > 0 and k in surnames):
            out[k] = "PERSON"
    return out


# -------------------------------------------------------------------------------------------
# cluster_entities
# -------------------------------------------------------------------------------------------


class _UnionFind:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {x: x for x in items}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # Deterministic: the lexicographically smaller root wins.
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra

    def groups(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for x in sorted(self.parent):
            out[self.find(x)].append(x)
        return out


def _similar(a: str, b: str, threshold: float) -> bool:
    from rapidfuzz import fuzz

    return bool(a) and bool(b) and a[0] == b[0] and fuzz.ratio(a, b) >= threshold


def _fuzzy_neighbours(words: Sequence[str], threshold: float, min_len: int = 4) -> dict[str, set[str]]:
    """Pairs of words at ``fuzz.ratio >= threshold``, blocked by first letter (rapidfuzz cdist)."""
    from rapidfuzz import fuzz, process

    by_initial: dict[str, list[str]] = defaultdict(list)
    for w in sorted(set(words)):
        if len(w) >= min_len:
            by_initial[w[0]].append(w)
    out: dict[str, set[str]] = defaultdict(set)
    for block in by_initial.values():
        if len(block) < 2:
            continue
        scores = process.cdist(block, block, scorer=fuzz.ratio, score_cutoff=threshold)
        for i, a in enumerate(block):
            for j in range(i + 1, len(block)):
                if scores[i][j] >= threshold:
                    out[a].add(block[j])
                    out[block[j]].add(a)
    return out


@lru_cache(maxsize=1)
def _nicknamer() -> Any:
    from nicknames import NickNamer

    return NickNamer()


@lru_cache(maxsize=65536)
def _same_given_name(a: str, b: str) -> bool:
    """Equal, spelled alike ("Sergei"/"Sergey"), or a nickname of the other ("Joe"/"Joseph",
    "Bill"/"William"; the hand-curated table of the ``nicknames`` package)."""
    if a == b or _similar(a, b, GIVEN_NAME_SIMILARITY):
        return True
    if len(a) < 2 or len(b) < 2:
        return False
    nn = _nicknamer()
    return b in nn.nicknames_of(a) or a in nn.nicknames_of(b)


@lru_cache(maxsize=65536)
def _given_compatible(g1: tuple[str, ...], g2: tuple[str, ...]) -> bool:
    """Given names agree: first given names the same name, or one list contained in the other."""
    if not g1 or not g2:
        return False
    if _same_given_name(g1[0], g2[0]):
        return True
    short, long_ = (g1, g2) if len(g1) <= len(g2) else (g2, g1)
    return all(any(s == x or _similar(s, x, GIVEN_NAME_SIMILARITY) for x in long_) for s in short)


def _is_initials(given: tuple[str, ...]) -> bool:
    return all(len(t) == 1 for t in given)


def _cluster_people(keys: list[str], uf: _UnionFind) -> None:
    from rapidfuzz import fuzz, process

    parsed = {k: _parse_person(k) for k in keys}
    full = [k for k in keys if parsed[k][0]]
    single = [k for k in keys if not parsed[k][0]]
    surnames_of_full = {parsed[k][1] for k in full}
    # Run-together names ("Blinken Lavrov"): a given name that is someone else's surname.
    junk = {k for k in full if any(g in surnames_of_full - {parsed[k][1]} for g in parsed[k][0])}
    anchors = [k for k in full if k not in junk]

    # (c) full names: surnames equal or similar, given names compatible.
    surnames = sorted({parsed[k][1] for k in anchors})
    near = _fuzzy_neighbours(surnames, SURNAME_SIMILARITY)
    by_surname: dict[str, list[str]] = defaultdict(list)
    for k in anchors:
        by_surname[parsed[k][1]].append(k)
    # Compare distinct given-name tuples per pair of (equal or similar) surnames, so the work
    # is the number of similar-surname pairs times a handful of given names, not all pairs.
    givens: dict[str, dict[tuple[str, ...], str]] = defaultdict(dict)
    for k in anchors:
        g, sn = parsed[k]
        if not _is_initials(g):
            givens[sn][g] = k
    for sn in surnames:
        for sn2 in [sn, *sorted(x for x in near.get(sn, ()) if x > sn)]:
            for g1, a in givens[sn].items():
                for g2, b in givens[sn2].items():
                    if a != b and _given_compatible(g1, g2):
                        uf.union(a, b)
    # Initials ("J. Biden") join only when exactly one group fits.
    for k in anchors:
        g = parsed[k][0]
        if not _is_initials(g):
            continue
        fits = {uf.find(x) for x in by_surname[parsed[k][1]]
                if x != k and not _is_initials(parsed[x][0])
                and [t[0] for t in parsed[x][0][: len(g)]] == list(g)}
        if len(fits) == 1:
            uf.union(k, fits.pop())

    # (d) lone surnames -> the one full-name group with that surname (exact, else fuzzy).
    leftovers = []
    for k in single:
        sn = parsed[k][1]
        groups = {uf.find(x) for x in by_surname.get(sn, ())}
        if not groups and len(sn) >= 4:
            hits = process.extract(sn, surnames, scorer=fuzz.ratio, limit=None,
                                   score_cutoff=SURNAME_SIMILARITY)
            groups = {uf.find(x) for s2, _score, _i in hits if s2[:1] == sn[:1]
                      for x in by_surname[s2]}
        if not groups:
            leftovers.append(k)
        elif len(groups) == 1:
            uf.union(k, groups.pop())
        # else: ambiguous ("Biden" with both "Joe Biden" and "Hunter Biden") -> stays alone.
    # (e) lone surnames with no full name: spelling variants of each other.
    near_single = _fuzzy_neighbours(leftovers, SURNAME_SIMILARITY)
    for a in sorted(near_single):
        for b in sorted(near_single[a]):
            uf.union(a, b)


def _acronym(key: str) -> str:
    parts = [p for p in re.split(r"[\s\-]+", key) if p and p not in _CONNECTORS
             and p not in {"de", "du", "des", "la", "le"}]
    return "".join(p[0] for p in parts) if len(parts) >= 2 else ""


def _choose_name(surfaces: Counter[str], docs: dict[str, set[str]], preferred: str | None) -> str:
    """The most complete frequent form; see :func:`cluster_entities`."""
    if preferred is not None:
        return preferred
    return min(
        surfaces,
        key=lambda s: (len(s.split()) < 2, -len(docs[s]), -surfaces[s], -len(s.split()),
                       not s[:1].isupper(), s),
    )


def cluster_entities(mentions: Sequence[MentionIn], decided: Sequence[DecidedEntity] = ()) -> list[Cluster]:
    """Group mentions across documents into canonical entities.

    **Editor decisions first.**  ``decided`` are entities an editor merged into, renamed or split;
    the model never reverses those decisions:

    * a mention linked to a decided entity (``MentionIn.decided``) stays in its cluster whatever
      its text (a mention split off to "Jack Yellen" stays there, though it reads "Yellen");
    * any other mention whose key is a decided entity's name or alias joins that entity's cluster:
      same label first, else (unless an editor labelled it) the one decided entity of any label
      claiming that key (a name ranks before an alias, then the lower id), so a name an editor
      merged away never forms an entity of its own again;
    * no cluster ever holds two decided entities (no rule below may join them: a split pair
      stays split), and a decided entity's cluster has exactly its name, type and ``entity_id``
      (it is never renamed).

    Each mention gets an *effective label*: its own label if authoritative, otherwise
    :func:`majority_labels`.  Rejected mentions and mentions with a value label
    (:data:`VALUE_LABELS`) belong to no cluster; every other mention belongs to exactly one.
    Clusters never mix labels ("Washington" GPE and "Washington" PERSON stay apart).

    Merge rules, within one label:

    * **same key**: equal :func:`name_key` -- case, periods, possessive, "the", and the built-in
      alias table, which covers **abbreviations** ("U.S."/"US"/"USA"/"United States",
      "U.K."/"UK"/"Britain", "U.N."/"UN") and **transliterations** ("Kiev"/"Kyiv").
    * **editor names**: authoritative mentions carrying the same ``entity`` name.
    * **acronym** (non-PERSON): an upper-case one-word form equal to the initials of exactly
      one multi-word form of the same label ("AFP" <-> "Agence France-Presse").
    * **full-name variants** (PERSON): two multi-word names whose surnames are equal or similar
      (``fuzz.ratio >= SURNAME_SIMILARITY``, same first letter) and whose given names are
      compatible (first given names similar at ``GIVEN_NAME_SIMILARITY``, e.g.
      "Anthony"/"Antony", "Sergei"/"Sergey"; or one given-name list inside the other).  "Joe
      Biden" and "Hunter Biden" are not compatible.  Initials ("J. Biden") join only when one
      group fits.
    * **surname -> full name** (PERSON): a one-word name joins the full-name group with that
      surname if there is exactly one; if several full names share it, it stays on its own
      (ambiguous).  With no exact surname it tries similar surnames ("Blinkin" -> "Blinken").
    * **run-together names** (PERSON): a multi-word "name" whose given name is another full
      name's surname ("Blinken Lavrov", a headline artefact) anchors nothing and stays alone.
    * **lone variants** (PERSON): one-word names with no full name merge with similar one-word
      names.

    The **name** of a cluster: an editor's ``entity`` name if any (most frequent, then
    alphabetical); else the alias table's preferred name when any member's key is in the table ("Kyiv",
    "United States" -- stable names for the well-known ones, even if only "US" occurs);
    else the *most complete frequent form*: complete = more than one word (a full name beats a
    lone surname, "Associated Press" beats "AP"), then frequent = seen in most documents, then
    most mentions (so a one-off "Vladimir V. Putin" loses to "Vladimir Putin"), then more
    words, then capitalised, then alphabetical.  (Accepting a mention does not choose the name;
    setting its ``entity`` does.)  Output is sorted by (type, name, first member) and is
    deterministic.
    """
    labels = majority_labels(mentions)
    decided_by_id = {d.id: d for d in decided}
    # (label, key) -> the decided entity claiming it; key -> those claiming it in any label
    claims: dict[tuple[str, str], tuple[int, int]] = {}
    any_label: dict[str, set[int]] = defaultdict(set)
    for d in sorted(decided, key=lambda d: d.id):
        for rank, form in enumerate((d.name, *d.aliases)):
            k = name_key(form)
            if k:
                claim = (min(rank, 1), d.id)
                claims[(d.type, k)] = min(claims.get((d.type, k), claim), claim)
                any_label[k].add(d.id)

    def decided_node(entity_id: int) -> tuple[str, str]:
        return decided_by_id[entity_id].type, f"\x01{entity_id}"  # sorts first: the group's root

    eff: list[tuple[str, str] | None] = []
    for m in mentions:
        k = name_key(m.text)
        if m.status == "rejected" or not k:
            eff.append(None)
            continue
        if m.decided in decided_by_id:
            eff.append(decided_node(m.decided))
            continue
        lab = m.label if m.authoritative else labels.get(k, m.label)
        if lab in VALUE_LABELS:
            eff.append(None)
        elif (lab, k) not in claims and not m.authoritative and len(any_label.get(k, ())) == 1:
            eff.append(decided_node(next(iter(any_label[k]))))
        else:
            eff.append((lab, k))

    by_label: dict[str, dict[str, int]] = defaultdict(Counter)
    upper_keys: set[str] = set()
    for m, e in zip(mentions, eff, strict=True):
        if e is not None and not e[1].startswith("\x01"):
            by_label[e[0]][e[1]] += 1
            letters = [c for c in m.text if c.isalpha()]
            if letters and all(c.isupper() for c in letters):
                upper_keys.add(e[1])

    # Union-find over "label\0key" nodes, plus one node per decided entity ("label\0\x01id") that
    # owns its group: `union` never joins two groups owning different decided entities.
    uf = _UnionFind(f"{lab}\0{k}" for lab, ks in by_label.items() for k in ks)
    owner: dict[str, int] = {}
    for d in decided:
        node = "\0".join(decided_node(d.id))
        uf.parent[node] = node
        owner[node] = d.id

    def union(a: str, b: str) -> None:
        ra, rb = uf.find(a), uf.find(b)
        oa, ob = owner.get(ra), owner.get(rb)
        if ra == rb or (oa is not None and ob is not None):
            return
        uf.union(ra, rb)
        kept = oa if oa is not None else ob
        if kept is not None:
            owner.pop(ra, None)
            owner.pop(rb, None)
            owner[uf.find(ra)] = kept

    for (lab, k), (_, entity_id) in sorted(claims.items()):
        if k in by_label.get(lab, ()):
            union("\0".join(decided_node(entity_id)), f"{lab}\0{k}")
    editor_groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for m, e in zip(mentions, eff, strict=True):
        if e is not None and m.authoritative and m.entity and not e[1].startswith("\x01"):
            editor_groups[(e[0], m.entity)].append(f"{e[0]}\0{e[1]}")
    for nodes in editor_groups.values():
        for n in nodes[1:]:
            union(nodes[0], n)

    for lab, counts in sorted(by_label.items()):
        keys = sorted(counts)
        if lab == "PERSON":
            sub = _UnionFind(keys)
            _cluster_people(keys, sub)
            for root, members in sub.groups().items():
                for k in members:
                    union(f"{lab}\0{root}", f"{lab}\0{k}")
        else:
            by_initials: dict[str, list[str]] = defaultdict(list)
            for k in keys:
                a = _acronym(k)
                if a:
                    by_initials[a].append(k)
            for k in keys:
                if (k in upper_keys and " " not in k and 2 <= len(k) <= 6
                        and len(by_initials.get(k, ())) == 1):
                    union(f"{lab}\0{k}", f"{lab}\0{by_initials[k][0]}")

    members: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(eff):
        if e is not None:
            members[uf.find(f"{e[0]}\0{e[1]}")].append(i)

    clusters = []
    for root, idx in members.items():
        lab = root.split("\0", 1)[0]
        auth = [i for i in idx if mentions[i].authoritative]
        surfaces: Counter[str] = Counter()
        docs: dict[str, set[str]] = defaultdict(set)
        for i in idx:
            s = surface_form(mentions[i].text)
            surfaces[s] += 1
            docs[s].add(mentions[i].doc_id)
        editor_names = Counter(mentions[i].entity for i in auth if mentions[i].entity)
        entity_id = owner.get(root)
        if entity_id is not None:
            name, lab = decided_by_id[entity_id].name, decided_by_id[entity_id].type
        elif editor_names:
            name = min(editor_names, key=lambda n: (-editor_names[n], n))
        else:
            keys = {name_key(mentions[i].text) for i in idx}
            preferred = next((ALIASES[k][0] for k in sorted(keys) if k in ALIASES), None)
            name = _choose_name(surfaces, docs, preferred)
        all_surfaces = Counter(surface_form(mentions[i].text) for i in idx)
        aliases = sorted((s for s in all_surfaces if s != name), key=lambda s: (-all_surfaces[s], s))
        clusters.append(Cluster(name=name, type=lab, aliases=aliases, members=sorted(idx), entity_id=entity_id))
    clusters.sort(key=lambda c: (c.type, c.name, c.members[0]))
    return clusters


# -------------------------------------------------------------------------------------------
# Gazetteer
# -------------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"(?:[A-Za-z]\.){2,}"          # U.S., U.K.
    r"|(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Inc|Co|Corp|Ltd|Gen|Sen|Rep|Gov|Prof)\."
    r"|['’][sS]\b"                 # possessive
    r"|\w+(?:['’](?![sS]\b)\w+)*"   # words (O'Brien), not a possessive
    r"|[^\w\s]"                    # any other single symbol, hyphen included
)


def simple_tokenize(text: str) -> list[str]:
    """A regex approximation of spaCy's English tokenizer for short names.

    Keeps dotted abbreviations ("U.S.") and common title abbreviations ("Dr.") whole, splits
    hyphens and other punctuation off as their own tokens ("France-Presse" -> France, -,
    Presse) and a possessive "'s" off its word, as spaCy does.  Pass ``nlp.tokenizer``-based
    tokenization to :func:`gazetteer_patterns` when exactness matters.
    """
    return _TOKEN_RE.findall(text)


def _token_pattern(tok: str, multi: bool) -> dict[str, str]:
    letters = [c for c in tok if c.isalpha()]
    all_caps = len(letters) >= 2 and all(c.isupper() for c in letters)
    if not multi or all_caps:
        return {"ORTH": tok}
    return {"LOWER": tok.lower()}


def gazetteer_patterns(
    entities: Iterable[tuple[str, str, list[str]]],
    tokenize: Callable[[str], list[str]] | None = None,
) -> list[dict[str, Any]]:
    """spaCy ``entity_ruler`` token patterns for (name, label, aliases) triples.

    One pattern per distinct form (the name and each alias), with ``"id"`` set to the canonical
    name so matched spans carry it in ``ent.ent_id_``.  Matching rules:

    * one-token forms match the exact spelling (``ORTH``): "Blinken", "US" -- so a lower-case
      common word ("us", "state") is never tagged;
    * multi-token forms match case-insensitively (``LOWER``), except all-caps tokens
      ("U.S. Treasury" -> ORTH "U.S." + LOWER "treasury");
    * a form that two different entities of the same label claim is dropped (ambiguous),
      unless it is exactly one entity's name, which then keeps it.

    ``tokenize`` defaults to :func:`simple_tokenize`; pass
    ``lambda s: [t.text for t in nlp.tokenizer(s)]`` to use the pipeline's own tokenizer.
    Output order is deterministic (by label, then form, then id).
    """
    tok = tokenize or simple_tokenize
    claims: dict[tuple[str, tuple[str, ...]], dict[str, bool]] = defaultdict(dict)
    forms: dict[tuple[str, tuple[str, ...]], str] = {}
    for name, label, aliases in entities:
        for form in [name, *aliases]:
            toks = tuple(tok(surface_form(form)))
            if not toks:
                continue
            key = (label, toks)
            claims[key][name] = claims[key].get(name, False) or form == name
            forms.setdefault(key, form)
    out = []
    for (label, toks), owners in sorted(claims.items()):
        if len(owners) == 1:
            ent_id = next(iter(owners))
        else:
            named = [n for n, is_name in owners.items() if is_name]
            if len(named) != 1:
                continue
            ent_id = named[0]
        multi = len(toks) > 1
        out.append({"label": label, "pattern": [_token_pattern(t, multi) for t in toks],
                    "id": ent_id})
    return out


def apply_gazetteer(nlp: Any, patterns: list[dict[str, Any]], name: str = "claimdesk_gazetteer") -> None:
    """Install ``patterns`` as an ``entity_ruler`` named ``name`` just before ``"ner"``.

    Idempotent: an existing ruler of that name has its patterns replaced.  The ruler runs with
    ``overwrite_ents=True`` and before the statistical NER, which keeps the ruler's entities and
    predicts around them, so gazetteer matches win.  Without an ``ner`` component the ruler is
    added last.
    """
    if name in nlp.pipe_names:
        ruler = nlp.get_pipe(name)
        ruler.clear()
    else:
        kwargs: dict[str, Any] = {"name": name, "config": {"overwrite_ents": True}}
        if "ner" in nlp.pipe_names:
            kwargs["before"] = "ner"
        ruler = nlp.add_pipe("entity_ruler", **kwargs)
    if patterns:
        ruler.add_patterns(patterns)


# -------------------------------------------------------------------------------------------
# Records
# -------------------------------------------------------------------------------------------


def _is_authoritative(ent: dict[str, Any]) -> bool:
    return ent.get("status") != "rejected" and (
        ent.get("origin") == "editor" or ent.get("status") == "accepted"
    )


def canonicalize(records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Cluster]]:
    """:func:`canonicalize_records` plus the entity table.

    Returns ``(records, clusters)``; each cluster's ``members`` are ``(record index, entity
    index)`` pairs into the returned records instead of plain indices.
    """
    out = copy.deepcopy(records)

    def spans(rec: dict[str, Any], known: Container[str] | None) -> list[dict[str, Any]]:
        text = rec.get("text") or ""
        kept: list[dict[str, Any]] = []
        seen: set[tuple[int, int]] = set()
        ents = rec.get("entities") or []
        # Authoritative spans first: the model never displaces them.
        for ent in sorted(ents, key=lambda x: not _is_authoritative(x)):
            if ent.get("status") == "rejected" or _is_authoritative(ent):
                kept.append(ent)
                if ent.get("status") != "rejected":
                    seen.add((ent["start"], ent["end"]))
                continue
            r = clean_mention(text, ent["start"], ent["end"], ent.get("label", ""), known)
            if r is None or r in seen:
                continue
            seen.add(r)
            kept.append({**ent, "start": r[0], "end": r[1]})
        kept.sort(key=lambda x: (x["start"], x["end"]))
        return kept

    # Pass 1 learns the project's names, pass 2 uses them for possessives without apostrophe.
    known: set[str] = set()
    for rec in out:
        for ent in spans(rec, None):
            known.add(name_key(rec["text"][ent["start"] : ent["end"]]))
    where: list[tuple[int, int]] = []
    mentions: list[MentionIn] = []
    for ri, rec in enumerate(out):
        rec["entities"] = spans(rec, known)
        for ei, ent in enumerate(rec["entities"]):
            where.append((ri, ei))
            mentions.append(MentionIn(
                doc_id=str(rec.get("id", ri)), start=ent["start"], end=ent["end"],
                label=ent.get("label", ""), text=rec["text"][ent["start"] : ent["end"]],
                origin=ent.get("origin", "model"), status=ent.get("status", "suggested"),
                entity=ent.get("entity"),
            ))

    labels = majority_labels(mentions)
    for (ri, ei), m in zip(where, mentions, strict=True):
        ent = out[ri]["entities"][ei]
        if m.status == "rejected":
            continue
        if not m.authoritative:
            ent["label"] = labels.get(name_key(m.text), m.label)
        ent["entity"] = None
    clusters = cluster_entities(mentions)
    table = []
    for c in clusters:
        for i in c.members:
            ri, ei = where[i]
            out[ri]["entities"][ei]["entity"] = c.name
        table.append(Cluster(c.name, c.type, c.aliases, [where[i] for i in c.members]))

    for rec in out:
        ents = [e for e in rec.get("entities") or [] if e.get("entity") and e.get("status") != "rejected"]
        for q in rec.get("quotes") or []:
            if _is_authoritative(q) and q.get("speaker_entity"):
                continue
            span = q.get("speaker_resolved") or q.get("speaker")
            q["speaker_entity"] = _entity_at(ents, span)
    return out, table


def _entity_at(ents: list[dict[str, Any]], span: dict[str, int] | None) -> str | None:
    """Canonical name of the entity mention overlapping ``span`` most (PERSON first on ties)."""
    if not span:
        return None
    s, e = span["start"], span["end"]
    best = None
    for ent in ents:
        ov = min(e, ent["end"]) - max(s, ent["start"])
        if ov <= 0:
            continue
        rank = (-ov, ent.get("label") != "PERSON", ent["start"])
        if best is None or rank < best[0]:
            best = (rank, ent["entity"])
    return best[1] if best else None


def canonicalize_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Canonical entities for interchange JSONL records (see DESIGN.md); returns deep copies.

    The input list and its dicts are not modified.  Steps:

    1. **clean spans**: model entities go through :func:`clean_mention` (pass 1 collects the
       project's names, pass 2 uses them so "Russias" -> "Russia"); those left empty are
       dropped, and so is a model entity landing on a span already taken.  Editor-made or
       accepted entities keep their spans; rejected ones are kept untouched and skipped below.
    2. **labels**: non-authoritative entities get :func:`majority_labels`' label.
    3. **entities**: :func:`cluster_entities` across all records; each entity's ``"entity"``
       is its cluster name (None for value labels such as DATE).
    4. **speakers**: each quote's ``"speaker_entity"`` is the entity name of the mention
       overlapping ``"speaker_resolved"`` if present, else ``"speaker"`` (largest overlap,
       PERSON first on ties); None when nothing overlaps or there is no speaker.  An accepted
       or editor-made quote that already names its speaker entity is left alone.
    """
    return canonicalize(records)[0]
