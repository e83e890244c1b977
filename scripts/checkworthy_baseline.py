#!/usr/bin/env python3
"""Baseline check-worthiness predictions for ``score_checkworthy.py``, from a gold file's lines.

Usage: checkworthy_baseline.py GOLD.jsonl {order,length,digit-length} PRED.jsonl

Each sentence of ``meta.lines`` becomes a claim with a score: ``order``: all the same (document
order); ``length``: its length in words (longer first); ``digit-length``: the two-feature
heuristic, has a digit first, then length. The gold's labels are never read.
"""
import json
import re
import sys


def score(kind: str, sentence: str) -> float:
    words = len(sentence.split())
    if kind == "order":
        return 1.0
    if kind == "length":
        return min(words, 100) / 100
    return (0.5 if re.search(r"\d", sentence) else 0.0) + min(words, 100) / 200


def main() -> None:
    gold, kind, out = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(gold, encoding="utf-8") as src, open(out, "w", encoding="utf-8") as dst:
        for line in src:
            if not line.strip():
                continue
            doc = json.loads(line)
            text = doc["text"]
            claims = []
            for start, end, _label in doc["meta"]["lines"]:
                sentence = text[start:end].split(":", 1)[-1]
                claims.append({"start": start, "end": end, "score": score(kind, sentence)})
            dst.write(json.dumps({"id": doc["id"], "claims": claims}) + "\n")


if __name__ == "__main__":
    main()
