"""``claimdesk review-queue``: what across the project most likely needs an editor
(:mod:`desktop.app.review`), by kind, with counts."""

from __future__ import annotations

import argparse
import json

from desktop.app import review
from desktop.cli.common import EXIT_OK, add_command, add_project_argument
from desktop.core.settings import CLAIM_THRESHOLD, claim_threshold
from desktop.core.store import Store


def cmd_review_queue(args: argparse.Namespace) -> int:
    """The counts per kind, then one line per item (article, span text, why) in reading order;
    ``--json``: ``{"counts": {...}, "items": [...]}``."""
    kinds = [args.kind] if args.kind else None
    with Store.open(args.project, readonly=True) as store:
        queue = review.review_queue(store, kinds)
        threshold = claim_threshold(store.settings().get(CLAIM_THRESHOLD))
        items = review.with_texts(store, review.ordered(queue.items(), args.order, threshold))
        titles = review.titles(store, {it.doc_id for it in items})
        ext_ids = {d: store.document_ext_id(d) for d in titles}
    counts = {k: n for k, n in queue.counts().items() if kinds is None or k in kinds}
    if args.json:
        print(json.dumps({"counts": counts, "items": [
            {"kind": it.kind, "document": ext_ids[it.doc_id], "doc_id": it.doc_id, "title": titles[it.doc_id],
             "layer": it.key[0], "id": it.key[1], "start": it.start, "end": it.end, "text": it.text, "why": it.why,
             **({"score": it.score} if it.score is not None else {})}
            for it in items]}, ensure_ascii=False, indent=2))
        return EXIT_OK
    for kind, n in counts.items():
        print(f"{n:6d}  {review.kind_title(kind)} ({kind})")
    for it in items:
        title = titles[it.doc_id] if len(titles[it.doc_id]) <= 50 else titles[it.doc_id][:49] + "…"
        print(f"{it.kind}\t[{it.doc_id}] {title}\t{it.key[0]} {it.key[1]} “{it.text}”\t{it.why}")
    return EXIT_OK


def add_review_queue(sub) -> None:
    p = add_command(sub, "review-queue", cmd_review_queue,
                    "list what most likely needs an editor across the project (speakers that are not a PERSON or "
                    "ORG, quotes without a speaker, unlinked mentions, the same text labelled differently in other "
                    "articles, entities mentioned once, quotes and entities the model is least sure of, check-worthy "
                    "sentences), with counts per kind")
    add_project_argument(p)
    p.add_argument("--kind", choices=[k.id for k in review.KINDS], help="only this kind")
    p.add_argument("--json", action="store_true", help="print JSON: the counts per kind and the items")
    p.add_argument("--order", choices=review.ORDERS, default="reading",
                   help="reading order (default); score: the least sure quotes and entities and the most "
                        "check-worthy sentences first; uncertainty: the scores closest to the threshold first")
