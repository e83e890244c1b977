"""The bookkeeping rules a project's data keeps after every edit, pre-annotation and import, as
checks: ``check(store) -> list[Violation]`` (what ``claimdesk check`` prints).

Rules (each violation names its rule):

* ``mention-without-entity`` / ``mention-entity-label``: a confirmed mention (accepted, or made by
  the editor; not rejected) links to a canonical entity, of its own label;
* ``hidden-entity-shown``: ``Store.entities()`` (the Entities dock) and the exporters' entity
  names (``ExportSource``) hold only entities some live (non-rejected) mention links to;
* ``speaker-entity``: a quote (not rejected) whose speaker span is exactly a confirmed mention
  has that mention's entity as speaker entity;
* ``dangling-reference``: every document, entity (mention, quote speaker, claim claimant) a row
  points to exists;
* ``counts``: ``Store.counts()`` and ``Store.mention_counts()`` leave rejected annotations out
  (and canonical entities without a live mention);
* ``document-stats``: the document list's maintained row per document (``document_stats``,
  schema 8: length, lead, suggestions left) equals what the text and the annotations say;
* ``story-cluster``: a stored story cluster (``claimdesk stories --rebuild``) has members; each is
  a live (not rejected) quote or claim of the cluster's kind, of a document in the cluster's
  story, no two from one document; each flag names two members of its cluster.

Read-only; one pass of a few queries over the project.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from desktop.core.store import LIVE_ENTITY, Store
from desktop.core.wording import plural


@dataclass(frozen=True)
class Violation:
    rule: str
    table: str
    id: int | None
    message: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


_CONFIRMED = "m.status != 'rejected' AND (m.status = 'accepted' OR m.origin = 'editor')"


def check(store: Store) -> list[Violation]:
    """Every violation of the rules above, in a stable order (rule checks in turn, then by id)."""
    out: list[Violation] = []
    out += _mentions(store)
    out += _shown_entities(store)
    out += _speakers(store)
    out += _dangling(store)
    out += _counts(store)
    out += _document_stats(store)
    out += _story_clusters(store)
    return out


def _mentions(store: Store) -> list[Violation]:
    out = []
    for mid, label, eid, etype in store.conn.execute(
            f"SELECT m.id, m.label, m.entity_id, e.type FROM mentions m LEFT JOIN entities e ON e.id = m.entity_id "
            f"WHERE {_CONFIRMED} ORDER BY m.id"):
        if eid is None:
            out.append(Violation("mention-without-entity", "mentions", mid,
                                 f"{label} mention {mid} is accepted or the editor's but has no canonical entity"))
        elif etype is not None and etype != label:
            out.append(Violation("mention-entity-label", "mentions", mid,
                                 f"{label} mention {mid} links to entity {eid}, a {etype}"))
    return out


def _shown_entities(store: Store) -> list[Violation]:
    from desktop.core.exporters import ExportSource

    live = {r[0] for r in store.conn.execute(f"SELECT id FROM entities e WHERE {LIVE_ENTITY}")}
    out = [Violation("hidden-entity-shown", "entities", e.id, f"entity {e.id} ({e.name!r}) has no live mention "
                     "but is listed") for e in store.entities() if e.id not in live]
    exported = ExportSource(store, status="all").names
    out += [Violation("hidden-entity-shown", "entities", eid, f"entity {eid} ({name!r}) has no live mention "
                      "but is exported") for eid, name in sorted(exported.items()) if eid not in live]
    return out


def _speakers(store: Store) -> list[Violation]:
    out = []
    for qid, speaker_entity, mention_entities in store.conn.execute(
            "SELECT q.id, q.speaker_entity_id, group_concat(m.entity_id) FROM quotes q "
            "JOIN mentions m ON m.doc_id = q.doc_id AND m.start = q.speaker_start AND m.\"end\" = q.speaker_end "
            f"WHERE q.status != 'rejected' AND {_CONFIRMED} AND m.entity_id IS NOT NULL GROUP BY q.id ORDER BY q.id"):
        wanted = {int(e) for e in str(mention_entities).split(",")}
        if speaker_entity not in wanted:
            out.append(Violation("speaker-entity", "quotes", qid,
                                 f"quote {qid}'s speaker is a mention of entity {min(wanted)}, "
                                 f"its speaker entity is {speaker_entity}"))
    return out


_REFERENCES = (
    ("mentions", "doc_id", "documents"), ("quotes", "doc_id", "documents"), ("claims", "doc_id", "documents"),
    ("mentions", "entity_id", "entities"), ("quotes", "speaker_entity_id", "entities"),
    ("claims", "claimant_entity_id", "entities"),
)


def _dangling(store: Store) -> list[Violation]:
    out = []
    for table, column, target in _REFERENCES:
        for row_id, ref in store.conn.execute(
                f"SELECT t.id, t.{column} FROM {table} t WHERE t.{column} IS NOT NULL "
                f"AND NOT EXISTS (SELECT 1 FROM {target} x WHERE x.id = t.{column}) ORDER BY t.id"):
            out.append(Violation("dangling-reference", table, row_id,
                                 f"{table[:-1]} {row_id}'s {column} is {ref}, which no {target[:-1]} has"))
    return out


def _counts(store: Store) -> list[Violation]:
    q = store.conn.execute
    out = []
    counts = store.counts()
    for layer, table in (("entities", "mentions"), ("quotes", "quotes"), ("claims", "claims")):
        live = q(f"SELECT count(*) FROM {table} WHERE status != 'rejected'").fetchone()[0]
        if counts[layer] != live:
            out.append(Violation("counts", table, None, f"counts() says {counts[layer]} {layer}, {live} are live"))
    by_label = Counter(dict(q("SELECT label, count(*) FROM mentions WHERE status != 'rejected' GROUP BY label")))
    if Counter(counts["entities_by_label"]) != by_label:
        out.append(Violation("counts", "mentions", None, "counts()'s entities by label include rejected mentions"))
    live_entities = q(f"SELECT count(*) FROM entities e WHERE {LIVE_ENTITY}").fetchone()[0]
    if counts["canonical_entities"] != live_entities:
        out.append(Violation("counts", "entities", None, f"counts() says {counts['canonical_entities']} canonical "
                             f"entities, {live_entities} have a live mention"))
    per_entity = dict(q("SELECT entity_id, count(*) FROM mentions WHERE entity_id IS NOT NULL "
                        "AND status != 'rejected' GROUP BY entity_id"))
    if store.mention_counts() != per_entity:
        out.append(Violation("counts", "mentions", None, "mention_counts() includes rejected mentions"))
    return out


def _document_stats(store: Store) -> list[Violation]:
    if store.schema_version < 8:  # an older file opened read-only has no maintained rows
        return []
    suggested = " + ".join(f"(SELECT count(*) FROM {t} WHERE doc_id = d.id AND status = 'suggested')"
                           for t in ("mentions", "quotes", "claims"))
    out = []
    for doc_id, has, chars, lead, left, real_chars, real_lead, real_left in store.conn.execute(
            f"SELECT d.id, s.doc_id IS NOT NULL, s.chars, s.lead, s.suggested, length(d.text), substr(d.text, 1, 160), "
            f"{suggested} FROM documents d LEFT JOIN document_stats s ON s.doc_id = d.id ORDER BY d.id"):
        if not has:
            out.append(Violation("document-stats", "documents", doc_id, f"document {doc_id} has no list row"))
        elif (chars, lead, left) != (real_chars, real_lead, real_left):
            out.append(Violation("document-stats", "documents", doc_id,
                                 f"document {doc_id}'s list row says {chars} characters and {left} suggestions left, "
                                 f"it has {real_chars} and {real_left}" + ("" if lead == real_lead else " (lead differs)")))
    for (doc_id,) in store.conn.execute(
            "SELECT doc_id FROM document_stats WHERE doc_id NOT IN (SELECT id FROM documents) ORDER BY doc_id"):
        out.append(Violation("document-stats", "documents", doc_id, f"a list row for document {doc_id}, which is gone"))
    return out


def _story_clusters(store: Store) -> list[Violation]:
    if not store.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'story_members'").fetchone():
        return []  # a file read as it is, from before the story tables
    q = store.conn.execute
    out = [Violation("story-cluster", "story_clusters", cid, f"story cluster {cid} has no member")
           for (cid,) in q("SELECT id FROM story_clusters c WHERE NOT EXISTS "
                           "(SELECT 1 FROM story_members m WHERE m.cluster_id = c.id) ORDER BY id")]
    for table, column, kind in (("quotes", "quote_id", "quote"), ("claims", "claim_id", "claim")):
        for mid, cid, item, why in q(
                f"SELECT m.id, m.cluster_id, m.{column}, CASE WHEN c.kind != '{kind}' THEN 'a {kind} in a ' || c.kind "
                f"|| ' cluster' WHEN x.id IS NULL THEN 'not in the project' WHEN x.status = 'rejected' THEN 'rejected' "
                f"WHEN x.doc_id != m.doc_id THEN 'of another document' WHEN coalesce(d.story, '') != c.story "
                f"THEN 'its article is not in story ' || c.story END AS why FROM story_members m "
                f"JOIN story_clusters c ON c.id = m.cluster_id LEFT JOIN {table} x ON x.id = m.{column} "
                f"LEFT JOIN documents d ON d.id = m.doc_id WHERE m.{column} IS NOT NULL AND why IS NOT NULL "
                f"ORDER BY m.id"):
            out.append(Violation("story-cluster", "story_members", mid, f"{kind} {item} of story cluster {cid}: {why}"))
    for cid, doc_id in q("SELECT cluster_id, doc_id FROM story_members GROUP BY cluster_id, doc_id "
                         "HAVING count(*) > 1 ORDER BY cluster_id"):
        out.append(Violation("story-cluster", "story_clusters", cid, f"story cluster {cid} has two versions "
                             f"from document {doc_id}"))
    for fid, cid in q("SELECT f.id, f.cluster_id FROM story_flags f WHERE "
                      "(SELECT count(*) FROM story_members m WHERE m.cluster_id = f.cluster_id "
                      "AND coalesce(m.quote_id, m.claim_id) IN (f.first_item, f.second_item)) < 2 ORDER BY f.id"):
        out.append(Violation("story-cluster", "story_flags", fid, f"flag {fid} of story cluster {cid} does not "
                             "name two of its members"))
    return out


def summary(violations: list[Violation]) -> str:
    """One line: ``no problems found`` or ``3 problems: 2 mention-without-entity, 1 counts``."""
    if not violations:
        return "no problems found"
    by_rule = Counter(v.rule for v in violations)
    n = len(violations)
    return f"{plural(n, 'problem')}: " + ", ".join(f"{k} {r}" for r, k in sorted(by_rule.items()))
