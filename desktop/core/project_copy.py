"""The project part of Claimdesk's JSONL: what makes an export a faithful copy of a project.

Plain Python (no Qt, no spaCy, no store).  The first document record of a JSONL export (of each
``--split`` part) carries one more field, ``claimdesk``, after the document's own (an export with
no documents is that field on a line of its own)::

    {"id": "...", "text": "...", "meta": {...}, "entities": [...], "quotes": [...], "claims": [...],
     "claimdesk": {"version": 1, "model": "en_core_web_sm 3.8.0", "model_name": "en_core_web_sm",
                   "quote_content": "clause",
                   "labels": [{"layer": "entity", "label_set": "", "name": "PERSON", "color": "#...",
                               "hotkey": "1", "description": "..."}, ...],
                   "entities": [{"name": "Associated Press", "type": "ORG", "aliases": ["AP"],
                                 "decided": true}, ...],
                   "settings": {"publisher.name": "...", ...},
                   "stories": [{"story": "seeds", "kind": "quote", "decided": false,
                                "members": [["000_...", 3], ["001_...", 0]],
                                "flags": [{"kind": "wording", "members": [0, 1], "note": "...",
                                           "dismissed": false}]}, ...]}}

It rides on a document so that every line stays a document for readers that expect one (a
dataset loader ignores one more column).  Each document record may also carry ``"rejected":
{"entities": [...], "quotes": [...], "claims": [...]}`` (only the layers that have any): the
annotations an editor rejected (tombstones, status ``rejected``), in the shapes of the kept ones,
so that a pre-annotation of the imported project does not suggest them again; they are written
whatever ``--status`` says, and kept out of the layers a dataset reader trains on.  A document's
``meta.reviewed`` lists the layers an editor marked finished (``["entities"]``), ``meta.status``
its progress.

``labels`` is the label schema in its order; ``entities`` every canonical entity that a live
mention links to, and every decided one (an editor's merge, rename or split), sorted by type and
name, with all aliases; ``model``/``model_name``/``quote_content`` are the project's (left out
when never set); ``settings`` the project settings (:mod:`desktop.core.settings`); ``stories``
(only when the project stored any) the stored story clusters (:mod:`desktop.core.story`), each
member a document id and the index of the quote or claim in that document's record (``quotes`` or
``claims``: a member whose version is not exported is left out, with its flags), each flag naming
two members by index; ``claimdesk import`` stores them once the documents are in (a story that
already has stored clusters in the project keeps its own).

Files without it (older exports, hand-written JSONL) import as before.  ``claimdesk import``
applies it before the first document with :class:`desktop.core.edits.ImportProject`: missing
labels and entities are added, aliases and decisions joined in, settings set where the project
has none, and the model and quote convention too (project meta, as ``annotate`` records them); a
project with no documents yet takes the label schema exactly (order, colours, hotkeys, and no
label the file lacks).
"""

from __future__ import annotations

from typing import Any

from desktop.core.model import ImportedProject
from desktop.core.settings import KEYS

__all__ = ["HEADER_KEY", "HEADER_VERSION", "META_KEYS", "header_record", "is_header", "read_header"]

#: The one key of a header line.
HEADER_KEY = "claimdesk"
HEADER_VERSION = 1
#: The project meta values a header carries (what pre-annotation and the spaCy export read).
META_KEYS = ("model", "model_name", "quote_content")
_LABEL_KEYS = ("layer", "label_set", "name", "color", "hotkey", "description")


def header_record(*, labels: list[dict[str, Any]], entities: list[dict[str, Any]], settings: dict[str, str],
                  meta: dict[str, str | None], stories: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The header line's object (keys in a fixed order, so exports are byte-identical)."""
    body: dict[str, Any] = {"version": HEADER_VERSION}
    body.update({k: meta[k] for k in META_KEYS if meta.get(k)})
    body["labels"] = [{k: label.get(k) for k in _LABEL_KEYS} for label in labels]
    body["entities"] = [{"name": e["name"], "type": e["type"], "aliases": sorted(e.get("aliases") or []),
                         "decided": bool(e.get("decided"))}
                        for e in sorted(entities, key=lambda e: (e["type"], e["name"]))]
    body["settings"] = dict(sorted(settings.items()))
    if stories:
        body["stories"] = stories
    return {HEADER_KEY: body}


def is_header(record: Any) -> bool:
    """True for a header line's object (one key, ``claimdesk``)."""
    return isinstance(record, dict) and list(record) == [HEADER_KEY]


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v for v in value)


def _label_problems(labels: Any) -> list[str]:
    if not isinstance(labels, list):
        return ["claimdesk.labels must be a list"]
    problems = []
    for i, label in enumerate(labels):
        where = f"claimdesk.labels[{i}]"
        if not isinstance(label, dict):
            problems.append(f"{where} must be an object")
        elif label.get("layer") not in ("entity", "claim") or not isinstance(label.get("name"), str) \
                or not label["name"].strip() or not isinstance(label.get("label_set", ""), str):
            problems.append(f"{where}: layer must be entity or claim, name and label_set strings")
        elif not all(isinstance(label.get(k), (str, type(None))) for k in ("color", "hotkey", "description")):
            problems.append(f"{where}: color, hotkey and description must be strings or null")
    return problems


def _entity_problems(entities: Any) -> list[str]:
    if not isinstance(entities, list):
        return ["claimdesk.entities must be a list"]
    problems = []
    for i, e in enumerate(entities):
        where = f"claimdesk.entities[{i}]"
        if not isinstance(e, dict) or not all(isinstance(e.get(k), str) and e[k].strip() for k in ("name", "type")):
            problems.append(f"{where} must be an object with a name and a type")
        elif not (e.get("aliases") in (None, []) or _strings(e["aliases"])):
            problems.append(f"{where}.aliases must be a list of names")
        elif not isinstance(e.get("decided", False), bool):
            problems.append(f"{where}.decided must be true or false")
    return problems


def _index(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _story_problems(stories: Any) -> list[str]:
    if not isinstance(stories, list):
        return ["claimdesk.stories must be a list"]
    problems = []
    for i, c in enumerate(stories):
        where = f"claimdesk.stories[{i}]"
        if not isinstance(c, dict) or not isinstance(c.get("story"), str) or c.get("kind") not in ("quote", "claim") \
                or not isinstance(c.get("decided", False), bool):
            problems.append(f"{where} must be an object with a story, a kind (quote or claim) and decided")
        elif not isinstance(c.get("members"), list) or not all(
                isinstance(m, list) and len(m) == 2 and isinstance(m[0], str) and _index(m[1]) for m in c["members"]):
            problems.append(f"{where}.members must be [document id, index] pairs")
        elif not isinstance(c.get("flags", []), list) or not all(
                isinstance(f, dict) and isinstance(f.get("kind"), str) and isinstance(f.get("note", ""), str)
                and isinstance(f.get("members"), list) and len(f["members"]) == 2
                and all(_index(k) and k < len(c["members"]) for k in f["members"]) for f in c.get("flags", [])):
            problems.append(f"{where}.flags must name a kind, a note and two of its members")
    return problems


def read_header(record: dict[str, Any], path: str) -> tuple[ImportedProject | None, list[str]]:
    """A header line's object as an :class:`ImportedProject`, or None and one line per problem."""
    body = record[HEADER_KEY]
    if not isinstance(body, dict):
        return None, ["claimdesk must be an object"]
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version > HEADER_VERSION:
        return None, [f"claimdesk.version {version!r} is not one this Claimdesk reads (up to {HEADER_VERSION})"]
    problems = _label_problems(body.get("labels", []))
    problems += _entity_problems(body.get("entities", []))
    problems += _story_problems(body.get("stories", []))
    settings = body.get("settings", {})
    if not isinstance(settings, dict) or not all(isinstance(v, str) for v in settings.values()):
        problems.append("claimdesk.settings must be an object of strings")
        settings = {}
    meta = {k: body[k] for k in META_KEYS if body.get(k) is not None}
    problems += [f"claimdesk.{k} must be a string" for k, v in meta.items() if not isinstance(v, str)]
    if problems:
        return None, problems
    return ImportedProject(
        path=path,
        labels=[dict(label) for label in body.get("labels", [])],
        entities=[{"name": e["name"].strip(), "type": e["type"], "aliases": list(e.get("aliases") or []),
                   "decided": bool(e.get("decided"))} for e in body.get("entities", [])],
        settings={k: v for k, v in settings.items() if k in KEYS},
        meta=meta,
        stories=[dict(c) for c in body.get("stories", [])],
    ), []
