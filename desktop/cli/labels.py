"""``claimdesk labels [add | edit | remove]``: the project's label schema."""

from __future__ import annotations

import argparse
import json

from desktop.cli.common import EXIT_OK, CliError, add_command, add_project_argument
from desktop.core.store import Store


def cmd_labels(args: argparse.Namespace) -> int:
    from desktop.app.labels import add_label, edit_label, remove_label

    if args.action is None:
        with Store.open(args.project, readonly=True) as store:
            rows = store.label_rows()
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=2))
            return EXIT_OK
        for r in rows:
            where = "entity" if r["layer"] == "entity" else f"claim:{r['label_set']}"
            print(f"{where:<24} {r['name']:<20} {r['color']}  {r['hotkey'] or '-'}  {r['description']}")
        return EXIT_OK
    if args.action == "add" and args.layer == "claim" and not args.set:
        raise CliError("a claim label needs --set (e.g. --set verdict)")
    with Store.open(args.project) as store:
        if args.action == "add":
            edit = add_label(store, args.layer, args.name, label_set=args.set or "", color=args.color,
                             hotkey=args.hotkey, description=args.description)
        elif args.action == "edit":
            edit = edit_label(store, args.name, label_set=args.set, new_name=args.new_name, color=args.color,
                              hotkey=args.hotkey, description=args.description, no_hotkey=args.no_hotkey)
        else:
            edit = remove_label(store, args.name, label_set=args.set)
    print(edit.describe())
    return EXIT_OK


def add_labels(sub) -> list[argparse.ArgumentParser]:
    """Register ``labels``; returns the parsers of its actions (each gets ``--verbose`` too)."""
    p = add_command(sub, "labels", cmd_labels, "show or edit the project's label schema (entity labels, claim label sets)")
    add_project_argument(p)
    p.add_argument("--json", action="store_true", help="print the schema as JSON")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    a = actions.add_parser("add", help="add an entity label, or a claim label to a label set")
    a.add_argument("layer", choices=["entity", "claim"])
    a.add_argument("name")
    a.add_argument("--set", help="claim label set (e.g. verdict); a new name makes a new set")
    a.add_argument("--color", help="#rrggbb")
    a.add_argument("--hotkey", help="1-9")
    a.add_argument("--description")
    e = actions.add_parser("edit", help="rename a label (its annotations follow) or change colour, hotkey, description")
    e.add_argument("name")
    e.add_argument("--set", help="claim label set, when the name is in several")
    e.add_argument("--name", dest="new_name", help="new name")
    e.add_argument("--color", help="#rrggbb")
    e.add_argument("--hotkey", help="1-9")
    e.add_argument("--no-hotkey", action="store_true", help="remove the hotkey")
    e.add_argument("--description")
    r = actions.add_parser("remove", help="remove a label no annotation uses")
    r.add_argument("name")
    r.add_argument("--set", help="claim label set, when the name is in several")
    return [a, e, r]
