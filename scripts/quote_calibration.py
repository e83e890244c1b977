#!/usr/bin/env python3
"""Check the calibration of quote scores: how often suggestions of each score are right end to end.

Usage: quote_calibration.py GOLD.jsonl SCORER.py PRED.jsonl [--json] [--by-feature]

GOLD is a gold interchange JSONL (PolNeAR dev, for evaluation only: never commit it); SCORER is
the path of ``score_quotes.py`` (imported by path for its matching: trimmed fragments paired one
to one, best word-token Jaccard first; right end to end = Jaccard >= 0.5 and the speaker right);
PRED is ``claimdesk preannotate GOLD -o PRED --content parc`` (every quote carries ``score``).

Each predicted fragment takes its quote's score. Printed: for each score, how many fragments and
the share right; the same for the bins >= 0.9, [0.7, 0.9), [0.5, 0.7), < 0.5; and the check
"scored >= 0.9 are right >= 90 %" (exit status 1 when it fails).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import defaultdict

BINS = ((0.9, 1.01), (0.7, 0.9), (0.5, 0.7), (0.0, 0.5))


def load_scorer(path: str):
    spec = importlib.util.spec_from_file_location("score_quotes", path)
    if spec is None or spec.loader is None:
        sys.exit(f"{path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def judged(sq, gdoc: dict, pdoc: dict) -> list[tuple[float, bool]]:
    """(score, right end to end) of each predicted fragment of one document."""
    text = gdoc["text"]
    gold = sq.fragments(gdoc)
    pred, scores = [], []
    for q in pdoc.get("quotes") or []:
        for f in sq.fragments({"text": text, "quotes": [q]}):
            pred.append(f)
            scores.append(float(q["score"]) if q.get("score") is not None else 1.0)
    pairs = sorted(((sq.jaccard(g.toks, p.toks), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred)
                    if sq.jaccard(g.toks, p.toks) > 0), key=lambda t: -t[0])
    used_g, used_p, right = set(), set(), set()
    for j, gi, pi in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        if j >= 0.5 and sq.speaker_right(gold[gi], pred[pi]):
            right.add(pi)
    return [(scores[i], i in right) for i in range(len(pred))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold")
    ap.add_argument("scorer", help="path of score_quotes.py")
    ap.add_argument("pred")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    sq = load_scorer(args.scorer)
    gold, pred = sq.load(args.gold), sq.load(args.pred)
    results = [r for key, gdoc in gold.items() for r in judged(sq, gdoc, pred.get(key, {"quotes": []}))]
    by_score: dict[float, list[bool]] = defaultdict(list)
    for score, ok in results:
        by_score[round(score, 2)].append(ok)
    table = {f"{s:.2f}": {"n": len(v), "right": round(sum(v) / len(v), 3)} for s, v in sorted(by_score.items())}
    bins = {}
    for lo, hi in BINS:
        v = [ok for s, ok in results if lo <= s < hi]
        bins[f"[{lo}, {min(hi, 1.0)}{']' if hi > 1 else ')'}"] = {"n": len(v), "right": round(sum(v) / len(v), 3) if v else None}
    high = [ok for s, ok in results if s >= 0.9]
    share = sum(high) / len(high) if high else 1.0
    passed = share >= 0.9
    if args.json:
        print(json.dumps({"by_score": table, "bins": bins, "high_share_right": round(share, 4), "passed": passed}))
    else:
        for s, row in table.items():
            print(f"score {s}: {row['n']:5d} fragments, {row['right']:.3f} right")
        for name, row in bins.items():
            shown = f"{row['right']:.3f}" if row["right"] is not None else "-"
            print(f"bin {name}: {row['n']:5d} fragments, {shown} right")
        print(f"scored >= 0.9: {len(high)} fragments, {share:.3f} right end to end: {'ok' if passed else 'FAILS'} (>= 0.90)")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
