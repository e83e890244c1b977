"""``claimdesk stories``: the story view's alignment without the window (:mod:`desktop.core.story`):
per story, its statements (quotes clustered across outlets) and claim clusters, with the flags
where outlets disagree."""

from __future__ import annotations

import argparse
import json

from desktop.cli.common import EXIT_OK, CliError, add_command, add_project_argument
from desktop.core.store import Store
from desktop.core.story import story_alignment
from desktop.core.wording import plural


def cmd_stories(args: argparse.Namespace) -> int:
    """Text: per story, each cluster of two or more versions (outlet, speaker, words) and its
    flags; ``--all`` lists single versions too. ``--json``: ``{"stories": [...]}`` (the format of
    ``desktop.core.story.Story.to_json``)."""
    with Store.open(args.project, readonly=True) as store:
        stories = story_alignment(store, args.story)
    if args.story and not stories:
        raise CliError(f"{args.project}: no documents in story {args.story!r}")
    if args.json:
        print(json.dumps({"stories": [s.to_json() for s in stories]}, ensure_ascii=False, indent=2))
        return EXIT_OK
    for story in stories:
        shown = [c for c in story.clusters if args.all or len(c.members) > 1]
        print(f"{story.id}: {plural(len(story.documents), 'article')}, {plural(len(story.clusters), 'cluster')}, "
              f"{len([c for c in story.clusters if len(c.members) > 1])} across outlets")
        for c in shown:
            print(f"  {c.kind} {c.id} ({c.speaker_entity or 'no speaker'}), {plural(len(c.members), 'version')}")
            for m in c.members:
                text = m.text if len(m.text) <= 90 else m.text[:89] + "…"
                print(f"    {m.outlet or m.doc} [{m.type or m.kind}] {m.speaker or '-'}: “{text}”")
            for f in c.flags:
                print(f"    ! {f.kind}: {f.note}")
    return EXIT_OK


def add_stories(sub) -> None:
    p = add_command(sub, "stories", cmd_stories,
                    "align each story's articles: the same quote or claim across outlets, and where they disagree "
                    "(negation, number, speaker, wording, omission, type)")
    add_project_argument(p)
    p.add_argument("--story", help="only this story (the documents' story field, e.g. the import folder's name)")
    p.add_argument("--all", action="store_true", help="list versions no other outlet carries too")
    p.add_argument("--json", action="store_true", help="print the alignment as JSON")
