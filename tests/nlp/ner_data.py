"""A project whose editors consistently correct an entity en_core_web_sm gets wrong: the outlet
"Daily Planet" (the stock recognizer calls it a WORK_OF_ART, or misses it) is an ORG here."""

from __future__ import annotations

import json
import random

from desktop.cli import main

PEOPLE = ["Clark Kent", "Lois Lane", "Perry White", "Jimmy Olsen", "Lana Lang", "Pete Ross", "Martha Kent",
          "Oliver Queen"]
CITIES = ["Chicago", "Boston", "Denver", "Seattle", "Atlanta", "Houston", "Phoenix", "Detroit"]
OUTLET = "Daily Planet"
TEMPLATES = ["{p} told the {o} that prices in {c} would rise.",
             "The {o} reported that {p} visited {c}.",
             "According to the {o}, {p} met officials in {c}.",
             "{p} wrote in the {o} about the floods in {c}.",
             "A spokesman for {p} said the {o} had the story right."]
FILLER = ["{p} arrived in {c} late in the evening.", "Officials in {c} said they would meet {p} soon.",
          "Nobody expected the vote to be this close.", "{p} thanked the voters of {c}."]


def article(rng: random.Random, sentences: int = 6) -> tuple[str, list[tuple[int, int, str]], list[tuple[int, int]]]:
    """A text, its gold entities (PERSON, GPE and the outlet as ORG) and its claims (the sentences
    that name the outlet)."""
    text, spans, claims = "", [], []
    for k in range(sentences):
        template = rng.choice(TEMPLATES if k % 2 == 0 else FILLER)
        begin = len(text)
        fill = {"p": rng.choice(PEOPLE), "c": rng.choice(CITIES), "o": OUTLET}
        pieces = template.replace("{", "\x00{").replace("}", "}\x00").split("\x00")
        for piece in pieces:
            if piece.startswith("{") and piece.endswith("}"):
                key = piece[1:-1]
                value = fill[key]
                spans.append((len(text), len(text) + len(value), {"p": "PERSON", "c": "GPE", "o": "ORG"}[key]))
                text += value
            else:
                text += piece
        if k % 2 == 0:
            claims.append((begin, len(text)))
        text += "\n" if k % 3 == 2 else " "
    return text.rstrip() + "\n", spans, claims


def record(ident: str, rng: random.Random, *, reviewed: bool, sentences: int = 6) -> dict:
    text, spans, claims = article(rng, sentences)
    rec: dict = {"id": ident, "text": text, "meta": {"title": ident}}
    if reviewed:
        rec["meta"]["status"] = "done"
        rec["entities"] = [{"start": s, "end": e, "label": label, "origin": "editor", "status": "accepted"}
                           for s, e, label in spans]
        rec["claims"] = [{"start": s, "end": e, "labels": {}, "origin": "editor", "status": "accepted"}
                         for s, e in claims]
    return rec


def ner_project(tmp_path, name: str = "planet", reviewed: int = 6, unreviewed: int = 2, seed: int = 3,
                sentences: int = 6):
    rng = random.Random(seed)
    records = [record(f"{name}-{i}", rng, reviewed=True, sentences=sentences) for i in range(reviewed)]
    records += [record(f"{name}-new-{i}", rng, reviewed=False, sentences=sentences) for i in range(unreviewed)]
    return project_from_records(tmp_path, name, records)


def project_from_records(tmp_path, name: str, records: list[dict]):
    """A project made as a user makes one: ``claimdesk new``, then ``claimdesk import`` of the
    records as interchange JSONL."""
    src = tmp_path / f"{name}.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    path = tmp_path / f"{name}.claimdesk"
    assert main(["new", str(path)]) == 0
    assert main(["import", str(path), str(src)]) == 0
    return path
