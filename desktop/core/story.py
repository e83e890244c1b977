"""The story view's alignment (issue 15): within a story (documents sharing ``Document.story``), the
quotes are clustered into *statements* — the same thing said, in whatever words each outlet used —
and the claims into *claim clusters*, each cluster holding at most one version per document, and
each cluster is checked for the ways outlets disagree.

Similarity is rapidfuzz's token measures on the normalised words (``token_set_ratio``, which
scores a partial quote inside a longer paraphrase high, guarded by the share of content words the
two have in common), raised a little when both are credited to the same canonical speaker and
lowered when to different ones; no language model is needed. Versions are joined greedily, most
similar pair first, never putting two versions from one document into a cluster.

Flags, each naming the two versions it compares:

* ``negation``: one version negates what the other affirms ("does rule out" / "does not rule out"),
  or one holds open what the other shuts ("is on the table" / "does rule out", the stance phrases of
  ``resources/lang/en/stance.tsv``);
* ``number``: the figures differ ("thousands" / "100,000", "more than" / "some");
* ``speaker``: credited to different sources;
* ``wording``: two direct quotes whose words differ beyond punctuation, case and spelling of
  apostrophes;
* ``omission``: one version leaves out much of what the other says;
* ``type``: a direct quote in one outlet, a paraphrase in the other.

Plain Python over the store's rows (no Qt, no spaCy): :func:`align_story` works on
:class:`Version` lists, :func:`story_alignment` reads them from a project.
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import snowballstemmer  # type: ignore[import-untyped]
from rapidfuzz import fuzz

from desktop.core.store import Store
from desktop.paths import resources_dir

#: how similar (0..1) two versions must be to be the same statement: claims, which an editor marked
#: as factual assertions, cluster more readily than every quote the model found
THRESHOLDS = {"quote": 0.62, "claim": 0.5}
#: what figures of the same thing add: two claims about how many troops are the same assertion
FIGURE_WEIGHT = 0.3
#: what the speaker adds to (same canonical speaker) or takes from (different ones) the similarity
SPEAKER_WEIGHT = 0.08

_WORD = re.compile(r"[\w’']+")
_STOP = frozenset("""a an the of to in on at by for with from and or but that this these those is are was were be been
it its as he she they we i you his her their our my your him them us me said says say told tell will would can could
has have had do does did not no""".split())
_NEGATION = frozenset("not n't no never none nobody nothing neither nor cannot without".split())
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "fifty": 50, "hundred": 100, "thousand": 1000,
                 "million": 10**6, "billion": 10**9, "dozen": 12}
_VAGUE = frozenset("dozens hundreds thousands millions billions tens scores several many few".split())
_APPROX = ("more than", "less than", "fewer than", "at least", "up to", "nearly", "almost", "about", "around",
           "some", "roughly", "approximately", "an estimated", "over", "under")
_NUMERAL = re.compile(r"\d[\d,.]*")
_FIGURE = re.compile(r"\d{1,3}(?:,\d{3})+")


@dataclass(frozen=True)
class Version:
    """One document's version of a statement: a quote or a claim."""

    kind: str  # "quote" | "claim"
    item_id: int
    doc_id: int
    doc: str  # the document's ext id
    outlet: str | None
    start: int  # the (first) content span in the document's text
    end: int
    text: str  # the content, fragments joined by " … "
    speaker: str | None = None  # the canonical speaker's (or claimant's) name
    speaker_entity_id: int | None = None
    type: str | None = None  # a quote's direct / indirect / mixed
    title: str | None = None  # the document's title (a note names a document with no outlet by it)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.item_id, "doc": self.doc, "outlet": self.outlet, "start": self.start,
                "end": self.end, "text": self.text, "speaker": self.speaker, "type": self.type}


@dataclass(frozen=True)
class Flag:
    kind: str  # negation | number | speaker | wording | omission | type
    members: tuple[int, int]  # indexes into the cluster's members
    note: str
    id: int | None = None  # the stored flag's id (``DismissFlag`` takes it); None when computed


@dataclass
class Cluster:
    id: int
    kind: str
    members: list[Version]
    flags: list[Flag] = field(default_factory=list)
    #: stored (``claimdesk stories --rebuild``): ``id`` is the ``story_clusters`` row the cluster
    #: edits take; computed ones are numbered 1.. and cannot be edited
    stored: bool = False
    decided: bool = False  # an editor merged or split it: a rebuild leaves it as it is
    dismissed: list[Flag] = field(default_factory=list)  # flags an editor dismissed (not in ``flags``)

    @property
    def speaker_entity(self) -> str | None:
        """The speaker most members credit (ties: the first member's)."""
        names = [m.speaker for m in self.members if m.speaker]
        return max(names, key=names.count) if names else None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "speaker_entity": self.speaker_entity,
                "members": [m.to_json() for m in self.members],
                "flags": [{"kind": f.kind, "members": list(f.members), "note": f.note} for f in self.flags]}


@dataclass
class Story:
    id: str
    documents: list[str]
    clusters: list[Cluster]
    title: str | None = None  # the title of its first article (earliest published, then by id)
    stored: bool = False  # its clusters are the stored ones (see :func:`story_alignment`)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "documents": self.documents,
                "clusters": [c.to_json() for c in self.clusters]}


def words(text: str) -> list[str]:
    """Lower-cased words, curly apostrophes straightened ("don’t" and "dont" stay apart)."""
    return [w.replace("’", "'") for w in _WORD.findall(text.lower())]


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def content_words(text: str) -> frozenset[str]:
    """The stems of the words that carry a statement (no function words, apostrophes dropped,
    a figure one word): "amassed" and "amassing" -> "amass", "100,000" -> "100000"."""
    plain = [w.replace("'", "") for w in _FIGURE.sub(lambda m: m.group().replace(",", ""), text.lower()).split()]
    kept = [w.strip(".,;:!?()[]\"“”‘’«»—–-") for w in plain]
    return frozenset(_STEMMER.stemWord(w) for w in kept if w and w not in _STOP and any(ch.isalnum() for ch in w))


def weights(versions: Sequence[Version]) -> dict[str, float]:
    """Inverse document frequency of each content word among ``versions``: the words every
    outlet uses for the story ("Russia", "talks") weigh little, a statement's own words much."""
    df: dict[str, int] = {}
    for v in versions:
        for w in content_words(v.text):
            df[w] = df.get(w, 0) + 1
    n = len(versions)
    return {w: math.log((n + 1) / (k + 1)) + 1 for w, k in df.items()}


def similarity(a: Version, b: Version, idf: dict[str, float] | None = None) -> float:
    """0..1: how surely ``a`` and ``b`` are the same statement: the weighted share of the
    shorter one's content words the other has, blended with their weighted Dice coefficient and
    rapidfuzz's word-order measure, moved by the speakers."""
    ca, cb = content_words(a.text), content_words(b.text)
    shared = ca & cb
    counted = quantified(a.text) & quantified(b.text)
    if len(shared) < 2 or (len(shared) < min(3, len(ca), len(cb)) and not counted):
        return 0.0

    def mass(ws: frozenset[str]) -> float:
        return sum((idf or {}).get(w, 1.0) for w in ws)

    overlap = mass(shared) / min(mass(ca), mass(cb))
    dice = 2 * mass(shared) / (mass(ca) + mass(cb))
    order = fuzz.token_sort_ratio(" ".join(sorted(ca)), " ".join(sorted(cb))) / 100
    score = 0.5 * overlap + 0.3 * dice + 0.2 * order
    if counted:
        score += FIGURE_WEIGHT  # figures of the same thing ("thousands of troops", "100,000 Russian troops")
    if a.speaker_entity_id is not None and b.speaker_entity_id is not None:
        score += SPEAKER_WEIGHT if a.speaker_entity_id == b.speaker_entity_id else -SPEAKER_WEIGHT
    return max(0.0, min(1.0, score))


def candidate_pairs(versions: Sequence[Version]) -> list[tuple[int, int]]:
    """The pairs of versions from different documents worth comparing: those that share a content
    word no more than a quarter of the versions (at least 50) use — the others share nothing but
    the story's own vocabulary. Sorted, ``i < j``."""
    postings: dict[str, list[int]] = {}
    for i, v in enumerate(versions):
        for w in content_words(v.text):
            postings.setdefault(w, []).append(i)
    cap = max(50, len(versions) // 4)
    found: set[tuple[int, int]] = set()
    for ids in postings.values():
        if len(ids) > cap:
            continue
        for x, i in enumerate(ids):
            for j in ids[x + 1:]:
                if versions[i].doc_id != versions[j].doc_id:
                    found.add((i, j))
    return sorted(found)


def align_story(versions: Sequence[Version], threshold: float | None = None) -> list[Cluster]:
    """Clusters of ``versions`` (of one kind), at most one version per document in each, in the
    order of their first member; versions matching none are clusters of one. ``threshold``:
    :data:`THRESHOLDS` of the versions' kind."""
    if threshold is None:
        threshold = THRESHOLDS[versions[0].kind] if versions else 1.0
    idf = weights(versions)
    scored = ((similarity(versions[i], versions[j], idf), i, j) for i, j in candidate_pairs(versions))
    pairs = sorted((p for p in scored if p[0] >= threshold), reverse=True)
    group = list(range(len(versions)))
    docs = [{v.doc_id} for v in versions]

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for score, i, j in pairs:
        if score < threshold:
            break
        ri, rj = root(i), root(j)
        if ri != rj and not docs[ri] & docs[rj]:
            group[rj] = ri
            docs[ri] |= docs[rj]
    members: dict[int, list[Version]] = {}
    for i, v in enumerate(versions):
        members.setdefault(root(i), []).append(v)
    out = [Cluster(0, ms[0].kind, sorted(ms, key=lambda v: (v.doc, v.start))) for ms in members.values()]
    out.sort(key=lambda c: (-len(c.members), c.members[0].doc, c.members[0].start))
    for n, c in enumerate(out, 1):
        c.id = n
        c.flags = discrepancies(c.members)
    return out


def discrepancies(members: Sequence[Version]) -> list[Flag]:
    """The flags between every two members of a cluster (see the module docstring)."""
    flags = []
    for i in range(len(members)):
        for j in range(i + 1, len(members)):
            flags += _pair_flags(members[i], members[j], (i, j))
    return flags


def _called(a: Version, b: Version) -> dict[int, str]:
    """What a flag's note calls each of two versions, as the story view heads its column: its
    outlet, else the start of its title, else the document's ext id (the ext id beside it when
    both are called the same), keyed by ``id(version)``."""
    na, nb = _document_name(a), _document_name(b)
    if na == nb:
        na, nb = f"{na} ({a.doc})", f"{nb} ({b.doc})"
    return {id(a): na, id(b): nb}


#: how long a document's name (:func:`document_name`) may be
NAME_CHARS = 32


def document_name(outlet: str | None, title: str | None, ext_id: str, most: int = NAME_CHARS) -> str:
    """What the story view and its notes call a document: its outlet, else its title (cut to
    ``most`` characters), else its ext id."""
    name = (outlet or title or "").strip() or ext_id
    return name if len(name) <= most else name[:most - 1].rstrip() + "…"


def _document_name(v: Version) -> str:
    return document_name(v.outlet, v.title, v.doc)


def _pair_flags(a: Version, b: Version, ij: tuple[int, int]) -> list[Flag]:
    out = []
    n = _called(a, b)
    wa, wb = words(a.text), words(b.text)
    negated = _negated_words(wa) - _negated_words(wb), _negated_words(wb) - _negated_words(wa)
    for (neg, pos), what in zip(((a, b), (b, a)), negated, strict=True):
        shared = sorted(w for w in what if w in content_words(pos.text))
        if shared:  # the same words, negated in one version only
            out.append(Flag("negation", ij, f"{n[id(neg)]} negates “{' '.join(shared)}”; {n[id(pos)]} does not"))
    if not any(f.kind == "negation" for f in out):
        out += _stance_flags(a, b, ij, n)
    qa, qb = quantities(a.text), quantities(b.text)
    if qa and qb and qa != qb:
        out.append(Flag("number", ij, f"{n[id(a)]}: {', '.join(qa)}; {n[id(b)]}: {', '.join(qb)}"))
    if a.speaker and b.speaker and _name(a.speaker) != _name(b.speaker):
        out.append(Flag("speaker", ij, f"{n[id(a)]} credits {a.speaker}; {n[id(b)]} credits {b.speaker}"))
    if a.type and b.type and (a.type == "direct") != (b.type == "direct"):
        out.append(Flag("type", ij, f"{n[id(a)]}: {a.type}; {n[id(b)]}: {b.type}"))
    elif a.type == b.type == "direct" and _plain(wa) != _plain(wb):
        out.append(Flag("wording", ij, _wording_note(a, b, wa, wb, n)))
    ca, cb = set(wa) - _STOP, set(wb) - _STOP
    short, long_ = (a, b) if len(ca) < len(cb) else (b, a)
    if ca and cb and min(len(ca), len(cb)) / max(len(ca), len(cb)) < 0.5:
        missing = max(len(ca), len(cb)) - len(ca & cb)
        out.append(Flag("omission", ij, f"{n[id(short)]} leaves out {missing} of the words {n[id(long_)]} has"))
    return out


_CONTRACTED = re.compile(r"(?:do|does|did|is|are|was|were|wo|ca|could|should|would|has|have|had|must|need)n'?t")


def _negated_words(ws: Sequence[str]) -> set[str]:
    """The content word right after each negation ("not", "never", "don't", also "dont" typed
    without its apostrophe): "does not rule out" -> {"rule"}."""
    out = set()
    for k, w in enumerate(ws):
        if w in _NEGATION or _CONTRACTED.fullmatch(w):
            nxt = next((x.replace("'", "") for x in ws[k + 1:k + 4] if x.replace("'", "") not in _STOP), None)
            if nxt is not None:
                out.add(nxt)
    return out


@lru_cache(maxsize=1)
def _stance_phrases() -> dict[str, tuple[tuple[tuple[frozenset[str], ...], int], ...]]:
    """``resources/lang/en/stance.tsv`` by each form of a phrase's first word: (the forms each
    further word may take, +1 for / -1 against), longest phrase first."""
    by_first: dict[str, list[tuple[tuple[frozenset[str], ...], int]]] = {}
    for line in (resources_dir() / "lang" / "en" / "stance.tsv").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            polarity, phrase, *verb = line.split("\t")
            first, *rest = phrase.split()
            tail = tuple(frozenset({w}) for w in rest)
            for form in _verb_forms(first) if verb else (first,):
                by_first.setdefault(form, []).append((tail, 1 if polarity == "for" else -1))
    return {w: tuple(sorted(ps, key=lambda p: -len(p[0]))) for w, ps in by_first.items()}


def _verb_forms(verb: str) -> frozenset[str]:
    """A regular verb's forms: "rule" -> rule, rules, ruled, ruling; "veto" -> vetoes, vetoed."""
    stem = verb[:-1] if verb.endswith("e") else verb
    return frozenset({verb, verb + "s", verb + "es", stem + "ed", stem + "ing"})


@lru_cache(maxsize=65536)
def stances(text: str) -> dict[int, str]:
    """The stances a version takes, each with the words that take it: ``{+1: "on the table"}``
    for "a meeting is on the table", ``{-1: "rule out"}`` for "he does rule out a meeting",
    ``{+1: "not rule out"}`` for "he does not rule out a meeting" (a negation up to three words
    before a phrase turns it over). Kept per text (a version meets every other of its cluster):
    don't change what it returns."""
    ws = [w.replace("'", "") for w in words(text)]
    phrases = _stance_phrases()
    out: dict[int, str] = {}
    k = 0
    while k < len(ws):
        hit = next(((1 + len(tail), pol) for tail, pol in phrases.get(ws[k], ())
                    if len(ws) - k > len(tail) and all(w in forms for w, forms in zip(ws[k + 1:], tail, strict=False))),
                   None)
        if hit is None:
            k += 1
            continue
        n, polarity = hit
        said = " ".join(ws[k:k + n])
        if any(w in _NEGATION or _CONTRACTED.fullmatch(w) for w in ws[max(0, k - 3):k]):
            polarity, said = -polarity, f"not {said}"
        out.setdefault(polarity, said)
        k += n
    return out


def _stance_flags(a: Version, b: Version, ij: tuple[int, int], n: dict[int, str]) -> list[Flag]:
    """``negation`` when one version only holds open what the other only shuts."""
    sa, sb = stances(a.text), stances(b.text)
    if len(sa) != 1 or len(sb) != 1 or set(sa) == set(sb):
        return []
    (pa, wa), wb = next(iter(sa.items())), next(iter(sb.values()))
    (against, w_against), (for_, w_for) = ((a, wa), (b, wb)) if pa < 0 else ((b, wb), (a, wa))
    return [Flag("negation", ij, f"{n[id(against)]} shuts it (“{w_against}”); {n[id(for_)]} holds it open (“{w_for}”)")]


def _name(name: str) -> str:
    return " ".join(words(name))


def _plain(ws: list[str]) -> list[str]:
    return [w.replace("'", "") for w in ws]


def _wording_note(a: Version, b: Version, wa: list[str], wb: list[str], n: dict[int, str]) -> str:
    only_a = [w for w in _plain(wa) if w not in set(_plain(wb))][:4]
    only_b = [w for w in _plain(wb) if w not in set(_plain(wa))][:4]
    return f"{n[id(a)]} has {' '.join(only_a) or '(nothing more)'}; {n[id(b)]} has {' '.join(only_b) or '(nothing more)'}"


def quantities(text: str) -> tuple[str, ...]:
    """The figures a text gives, normalised and sorted: numbers ("100,000" -> "100000"), number
    words ("three" -> "3"), vague amounts ("thousands"), each with the qualifier before it ("more
    than 100000", "some 100000")."""
    low = text.lower()
    out = set()
    for m in re.finditer(r"[\w’',.-]+", low):
        token = m.group().strip(".,")
        value = _number(token)
        if value is None:
            continue
        before = low[max(0, m.start() - 16):m.start()].rstrip()
        qualifier = next((q for q in _APPROX if before.endswith(q)), "")
        out.add(f"{qualifier} {value}".strip())
    return tuple(sorted(out))


@lru_cache(maxsize=65536)
def quantified(text: str) -> frozenset[str]:
    """The stems of what a text counts: the two content words after each figure ("100,000
    Russian troops" -> {"russian", "troop"}, "thousands of troops" -> {"troop"})."""
    out: set[str] = set()
    tokens = [t.strip(".,;:!?()\"“”«»") for t in _FIGURE.sub(lambda m: m.group().replace(",", ""), text.lower()).split()]
    for k, token in enumerate(tokens):
        if _number(token) is not None:
            after = [t for t in tokens[k + 1:k + 4] if t and t not in _STOP and _number(t) is None][:2]
            out |= {_STEMMER.stemWord(t) for t in after}
    return frozenset(out)


def _number(token: str) -> str | None:
    if _NUMERAL.fullmatch(token) and any(ch.isdigit() for ch in token):
        digits = token.replace(",", "")
        return digits[:-2] if digits.endswith(".0") else digits
    if token in _VAGUE:
        return token
    if token in _NUMBER_WORDS:
        return str(_NUMBER_WORDS[token])
    return None


# ----------------------------------------------------------------------------------------------
# from a project


def _content_text(text: str, spans: Sequence[Any]) -> str:
    return " … ".join(text[s.start:s.end].strip() for s in spans)


class _Names:
    """Entity names by id, each read once."""

    def __init__(self, store: Store):
        self.store = store
        self.names: dict[int, str] = {}

    def __call__(self, entity_id: int | None) -> str | None:
        if entity_id is None:
            return None
        if entity_id not in self.names:
            self.names[entity_id] = self.store.entity(entity_id).name
        return self.names[entity_id]


def _quote_version(doc: Any, q: Any, names: _Names) -> Version:
    content = sorted(q.content, key=lambda s: s.start)
    return Version("quote", q.id, doc.id, doc.ext_id, doc.source, content[0].start, content[0].end,
                   _content_text(doc.text, content), names(q.speaker_entity_id), q.speaker_entity_id, q.type, doc.title)


def _claim_version(doc: Any, c: Any, names: _Names) -> Version:
    return Version("claim", c.id, doc.id, doc.ext_id, doc.source, c.start, c.end, doc.text[c.start:c.end].strip(),
                   names(c.claimant_entity_id) or c.claimant, c.claimant_entity_id, None, doc.title)


def story_versions(store: Store, doc_ids: Sequence[int]) -> tuple[list[Version], list[Version]]:
    """The quotes and the claims of those documents (rejected ones left out) as versions."""
    names = _Names(store)
    quotes, claims = [], []
    for doc_id in doc_ids:
        doc = store.document(doc_id)
        quotes += [_quote_version(doc, q, names) for q in store.quotes(doc_id, include_rejected=False) if q.content]
        claims += [_claim_version(doc, c, names) for c in store.claims(doc_id, include_rejected=False)]
    return quotes, claims


def versions_of(store: Store, kind: str, item_ids: Sequence[int]) -> list[Version]:
    """The versions of those quotes (``kind="quote"``) or claims, in the order given; rejected
    ones and ones no longer in the project are left out."""
    names = _Names(store)
    docs: dict[int, Any] = {}
    out = []
    for item_id in item_ids:
        row = store.conn.execute(f"SELECT doc_id, status FROM {kind}s WHERE id = ?", (item_id,)).fetchone()
        if row is None or row[1] == "rejected":
            continue
        if row[0] not in docs:
            docs[row[0]] = store.document(row[0])
        doc = docs[row[0]]
        if kind == "quote":
            q = store.quote(item_id)
            if q.content:
                out.append(_quote_version(doc, q, names))
        else:
            out.append(_claim_version(doc, store.claim(item_id), names))
    return out


def ordered(members: Sequence[Version]) -> list[Version]:
    """A cluster's members in the order every face shows them: by document, then offset."""
    return sorted(members, key=lambda v: (v.doc, v.start))


def flag_rows(members: Sequence[Version]) -> list[tuple[str, int, int, str]]:
    """The flags between a cluster's members as stored: ``(kind, first item id, second item id,
    note)``, the lower item id first (so a flag keeps its identity whatever the members' order)."""
    ms = ordered(members)
    out = []
    for f in discrepancies(ms):
        a, b = ms[f.members[0]].item_id, ms[f.members[1]].item_id
        out.append((f.kind, min(a, b), max(a, b), f.note))
    return out


def has_stored_tables(store: Store) -> bool:
    """Whether the file has the story tables (a read-only open of an older schema does not)."""
    return store.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'story_clusters'").fetchone() is not None


def stored_cluster_rows(store: Store, story: str) -> list[dict[str, Any]]:
    """The stored clusters of ``story``: ``{"id", "kind", "decided", "members": [item ids],
    "flags": [flag rows]}``, by id."""
    if not has_stored_tables(store):
        return []
    clusters = {r["id"]: {**dict(r), "members": [], "flags": []} for r in store.conn.execute(
        "SELECT id, kind, decided FROM story_clusters WHERE story = ? ORDER BY id", (story,))}
    if not clusters:
        return []
    marks = ",".join("?" * len(clusters))
    for r in store.conn.execute(f"SELECT cluster_id, coalesce(quote_id, claim_id) FROM story_members "
                                f"WHERE cluster_id IN ({marks}) ORDER BY id", tuple(clusters)):
        clusters[r[0]]["members"].append(r[1])
    for r in store.conn.execute(f"SELECT * FROM story_flags WHERE cluster_id IN ({marks}) ORDER BY id",
                                tuple(clusters)):
        clusters[r["cluster_id"]]["flags"].append(dict(r))
    return list(clusters.values())


def _stored_clusters(rows: Sequence[dict[str, Any]], versions: Sequence[Version]) -> list[Cluster]:
    """Clusters from the stored rows over the story's live versions; a version no stored cluster
    holds (a quote added since the rebuild) is a cluster of one, numbered after the stored ones."""
    by_item = {(v.kind, v.item_id): v for v in versions}
    placed: set[tuple[str, int]] = set()
    out = []
    for row in rows:
        members = ordered([by_item[(row["kind"], i)] for i in row["members"] if (row["kind"], i) in by_item])
        placed |= {(m.kind, m.item_id) for m in members}
        if not members:
            continue
        index = {m.item_id: k for k, m in enumerate(members)}
        live: list[Flag] = []
        dismissed: list[Flag] = []
        for f in row["flags"]:
            if f["first_item"] in index and f["second_item"] in index:
                i, j = sorted((index[f["first_item"]], index[f["second_item"]]))
                (dismissed if f["dismissed"] else live).append(Flag(f["kind"], (i, j), f["note"], f["id"]))
        out.append(Cluster(row["id"], row["kind"], members, live, stored=True, decided=bool(row["decided"]),
                           dismissed=dismissed))
    out.sort(key=lambda c: (c.kind != "quote", -len(c.members), c.members[0].doc, c.members[0].start))
    top = max((c.id for c in out), default=0)
    for v in versions:
        if (v.kind, v.item_id) not in placed:
            top += 1
            out.append(Cluster(top, v.kind, [v]))
    return out


def story_documents(store: Store, story: str | None = None) -> dict[str, list[int]]:
    """The documents of every story (or of ``story``), by story name."""
    by_story: dict[str, list[int]] = {}
    sql = "SELECT id, story FROM documents WHERE story IS NOT NULL AND story != ''"
    for doc_id, name in store.conn.execute(sql + (" AND story = ?" if story is not None else "") + " ORDER BY id",
                                           (story,) if story is not None else ()):
        by_story.setdefault(name, []).append(doc_id)
    return dict(sorted(by_story.items()))


def _about(store: Store, doc_ids: Sequence[int]) -> tuple[list[str], str | None]:
    """The documents' ext ids, and the title of the story's first article: the earliest published
    (undated ones last), then by id (the texts are not read)."""
    marks = ",".join("?" * len(doc_ids))
    rows = store.conn.execute(f"SELECT id, ext_id, title, published FROM documents WHERE id IN ({marks})",
                              tuple(doc_ids)).fetchall()
    ext = {r[0]: r[1] for r in rows}
    first = sorted(rows, key=lambda r: (r[3] is None, r[3] or "", r[1]))
    return [ext[d] for d in doc_ids], next((r[2] for r in first if r[2]), None)


def story_alignment(store: Store, story: str | None = None) -> list[Story]:
    """Every story of the project (or the one named ``story``) with its statements and claim
    clusters; documents with no story are left out.  A story with stored clusters (``claimdesk
    stories --rebuild``, then the editor's merges, splits and dismissals) shows those; any other
    is computed on demand."""
    out = []
    for name, doc_ids in story_documents(store, story).items():
        quotes, claims = story_versions(store, doc_ids)
        rows = stored_cluster_rows(store, name)
        if rows:
            clusters = _stored_clusters(rows, quotes + claims)
        else:
            clusters = align_story(quotes) + align_story(claims)
            for n, c in enumerate(clusters, 1):
                c.id = n
        ext_ids, title = _about(store, doc_ids)
        out.append(Story(name, ext_ids, clusters, title, stored=bool(rows)))
    return out
