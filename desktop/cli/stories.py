"""``claimdesk stories``: the story view's alignment without the window (:mod:`desktop.core.story`):
per story, its statements (quotes clustered across outlets) and claim clusters, with the flags
where outlets disagree.  ``--rebuild`` stores it (keeping the editor's merges, splits and dismissed
flags; progress on stderr), ``--suggest`` lists stories for documents without one and ``--apply``
puts them in (:mod:`desktop.app.stories`)."""

from __future__ import annotations

import argparse
import json
import sys

from desktop.cli.common import EXIT_OK, CliError, add_command, add_project_argument
from desktop.core.store import Store
from desktop.core.wording import plural


def cmd_stories(args: argparse.Namespace) -> int:
    """Text: per story, each cluster of two or more versions (outlet, speaker, words) and its
    flags; ``--all`` lists single versions too. ``--json``: ``{"stories": [...]}`` (the format of
    ``desktop.core.story.Story.to_json``)."""
    from desktop.app import stories as app_stories
    from desktop.core.story import story_alignment

    if args.apply and not args.suggest:
        raise CliError("--apply applies the suggestions: give --suggest too")
    if args.suggest:
        return _suggest(args)
    if args.rebuild:
        with Store.open(args.project) as store:
            for r in app_stories.rebuild(store, args.story, progress=lambda line: print(line, file=sys.stderr)):
                kept = f", {r.kept} kept as the editor left them" if r.kept else ""
                print(f"{r.story}: stored {plural(r.clusters, 'cluster')} ({r.across} across outlets{kept})"
                      f"{'' if r.changed else ', unchanged'}", file=sys.stderr)
            stories = story_alignment(store, args.story)
    else:
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


def _suggest(args: argparse.Namespace) -> int:
    """The suggested stories (``--json``: ``{"suggestions": [...]}``); ``--apply`` puts them in, one step."""
    from desktop.app import stories as app_stories

    with Store.open(args.project, readonly=not args.apply) as store:
        suggestions = app_stories.suggest_stories(store)
        if args.apply:
            app_stories.apply_suggestions(store, suggestions)
    if args.json:
        print(json.dumps({"suggestions": [s.to_json() for s in suggestions], "applied": bool(args.apply)},
                         ensure_ascii=False, indent=2))
        return EXIT_OK
    for s in suggestions:
        print(f"{s.doc}\t{s.story}{' (new)' if s.new else ''}\t{s.score:.2f} like {s.like}")
    verb = "put in" if args.apply else "suggested for"
    print(f"{plural(len(suggestions), 'document')} without a story: stories {verb} them"
          + ("" if args.apply or not suggestions else " (--apply puts them in)"), file=sys.stderr)
    return EXIT_OK


def add_stories(sub) -> None:
    p = add_command(sub, "stories", cmd_stories,
                    "align each story's articles: the same quote or claim across outlets, and where they disagree "
                    "(negation, number, speaker, wording, omission, type)")
    add_project_argument(p)
    p.add_argument("--story", help="only this story (the documents' story field, e.g. the import folder's name)")
    p.add_argument("--all", action="store_true", help="list versions no other outlet carries too")
    p.add_argument("--json", action="store_true", help="print the alignment (or the suggestions) as JSON")
    p.add_argument("--rebuild", action="store_true",
                   help="compute and store the alignment; the editor's merges, splits and dismissed flags stay")
    p.add_argument("--suggest", action="store_true",
                   help="suggest stories for documents without one (shared entities, dates, text)")
    p.add_argument("--apply", action="store_true", help="with --suggest: put the documents in those stories")
