"""``claimdesk settings PROJECT [KEY [VALUE] | --unset KEY]``: the project's settings."""

from __future__ import annotations

import argparse
import json

from desktop.cli.common import EXIT_OK, CliError, add_command, add_project_argument
from desktop.core.settings import CLAIM_THRESHOLD, GUIDELINES, KEYS, SETTINGS
from desktop.core.store import Store


def cmd_settings(args: argparse.Namespace) -> int:
    from desktop.app.settings import set_setting

    if args.unset is not None:
        if args.key is not None:
            raise CliError("give KEY VALUE or --unset KEY, not both")
        args.key = args.unset
    if args.key is not None and args.key not in KEYS:
        raise CliError(f"unknown setting {args.key!r}; the settings are {', '.join(SETTINGS)}")
    if args.value is None and args.unset is None:
        with Store.open(args.project, readonly=True) as store:
            values = store.settings()
        if args.key is not None:
            values = {args.key: values[args.key]} if args.key in values else {}
        if args.json:
            print(json.dumps(values, ensure_ascii=False, indent=2))
            return EXIT_OK
        if args.key == GUIDELINES:  # the Markdown as it is, so `> rules.md` keeps it
            print(values.get(GUIDELINES, "-"))
            return EXIT_OK
        for key in ([args.key] if args.key is not None else list(SETTINGS)):
            print(f"{key:<16} {values.get(key, '-')}")
        return EXIT_OK
    with Store.open(args.project) as store:
        edit = set_setting(store, args.key, None if args.unset is not None else args.value)
    print(edit.describe())
    return EXIT_OK


def add_settings(sub) -> None:
    """Register ``settings``."""
    keys = "; ".join(f"{k}: {v}" for k, v in SETTINGS.items())
    p = add_command(sub, "settings", cmd_settings,
                    "show or set the project's settings (the publisher and fact-check page address of "
                    "ClaimReview exports)")
    add_project_argument(p)
    p.add_argument("key", nargs="?", metavar="KEY",
                   help=f"a setting ({keys}; {CLAIM_THRESHOLD}: the check-worthiness score, 0 to 1, a sentence "
                        f"needs to be suggested as a claim; {GUIDELINES}: the project's own annotation guidelines, "
                        "Markdown)")
    p.add_argument("value", nargs="?", metavar="VALUE", help="its new value (leave out to show it)")
    p.add_argument("--unset", metavar="KEY", help="remove the setting KEY")
    p.add_argument("--json", action="store_true", help="print the settings as JSON")
