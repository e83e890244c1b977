"""``claimdesk`` (the console script) and ``python -m desktop``: the command line with the
commands of the tools above it.

The one place above every layer: it passes the bench's ``claimdesk bench`` to the command
line's :func:`desktop.cli.main`, so the command line never imports the bench that sits above it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from desktop.bench.command import add_bench_parser
from desktop.cli import main as cli_main


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``claimdesk ARGV`` (default: ``sys.argv[1:]``) with every command, bench included."""
    return cli_main(argv, commands=[add_bench_parser])


if __name__ == "__main__":
    sys.exit(main())
