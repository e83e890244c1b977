"""The training config written beside a spaCy export: ``python -m spacy train config.cfg`` with no edits.

:func:`desktop.nlp.spacy_export.export_spacy` counts what it writes into a :class:`CorpusStats`
and, before the output is committed, writes the config :func:`training_config` makes from it:
``OUT/config.cfg`` with ``--split`` (``paths.train`` = ``OUT/train.spacy``, ``paths.dev`` =
``OUT/dev.spacy``, or ``test.spacy`` when there is no dev part), ``OUT.cfg`` beside a single
``OUT.spacy`` file and ``OUT.spacy/config.cfg`` in an export in parts (without a split both
paths are the export itself: training and evaluating on the same documents, a smoke test; use
``--split`` to train for real).  Paths are absolute; ``--paths.train`` / ``--paths.dev``
override them after a move.

The pipeline, CPU-only and small (a tok2vec trained from scratch, no vectors, no download):

``tok2vec``  ``spacy.Tok2Vec.v2`` (``MultiHashEmbed`` + ``MaxoutWindowEncoder``, width 96), shared
             by ``ner`` and ``spancat`` through listeners (spaCy's ``efficiency`` preset).
``ner``      on ``doc.ents``; a document whose entity layer is not reviewed has its other tokens
             as missing values, which spaCy's NER treats as unknown (partial annotation).
``span_finder`` + ``spancat``  on the span group ``quotes`` (quote content fragments, labelled
             direct / indirect / mixed; ``spans_key = "quotes"``, one label per span).  Quotes are
             long (on the seeds: median 13 tokens, longest 59), so the suggester is spaCy's
             ``span_finder``, which learns where quotes start and end and proposes the spans
             between (``max_length`` = the longest exported quote fragment, so no exported quote
             is too long to be proposed; the summary prints that coverage), read by spancat's
             ``spacy.preset_spans_suggester.v1``; ``span_finder`` is an annotating component, so
             spancat trains on its proposals.  (An n-gram suggester from 1 to 59 tokens proposes
             every span, but took 6.9 minutes and 6 GB for 20 steps on the five seed articles;
             this takes 35 s and 0.35 GB.)  Score weights on ``spans_quotes_f``; spancat's default
             ``spans_sc_*`` weights are nulled (they name the key "sc" whatever the spans_key).
``textcat_multilabel``  on ``doc.cats`` (``"<label set>:<label>"``, one per label of each claim
             label set: 1.0 when a claim of the document carries it).  A document whose claim layer
             is reviewed has every label (0.0 or 1.0); elsewhere only the labels its claims carry
             (1.0) are set and the others are missing, which spaCy's text classifier leaves out of
             the loss.  ``spacy.TextCatBOW.v3``, no tok2vec.

A component is in the config only when the export holds something for it to learn (entities,
quote fragments, claim labels); an export with none of them gets no config (a note says so).
The score weights share 1.0 among the components present.

Never imports Qt; does not import spaCy (the config is text).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["QUOTES_KEY", "CorpusStats", "suggester_coverage", "training_config"]

#: The span group spancat trains on.
QUOTES_KEY = "quotes"


@dataclass
class CorpusStats:
    """What the export wrote, as far as a training config needs it."""

    #: Tokens of the tokenizer's output split in two or more at a span edge.
    tokens_split: int = 0
    #: Documents whose entity layer is not reviewed (tokens outside their entities are missing).
    unreviewed_entities: int = 0
    #: Tokens written as missing values in ``doc.ents``.
    missing_tokens: int = 0
    entity_labels: set[str] = field(default_factory=set)
    #: Length in tokens of each exported quote fragment -> how many.
    quote_lengths: Counter[int] = field(default_factory=Counter)
    cats: set[str] = field(default_factory=set)

    def components(self) -> list[str]:
        """The trainable components the export has data for, in pipeline order."""
        return [name for name, present in (("ner", self.entity_labels), ("spancat", self.quote_lengths),
                                           ("textcat_multilabel", self.cats)) if present]

    def longest_quote(self) -> int:
        return max(self.quote_lengths, default=1)


def suggester_coverage(stats: CorpusStats, max_size: int) -> float:
    """Share of exported quote fragments of at most ``max_size`` tokens (what a suggester bounded
    there, as span_finder's ``max_length``, can propose)."""
    total = sum(stats.quote_lengths.values())
    if not total:
        return 1.0
    return sum(n for length, n in stats.quote_lengths.items() if 1 <= length <= max_size) / total


_HEAD = """\
# Written by Claimdesk's spaCy export: python -m spacy train THIS_FILE --output MODEL_DIR
# (see desktop/nlp/spacy_config.py for what each component learns from).
[paths]
train = {train}
dev = {dev}
vectors = null
init_tok2vec = null

[system]
gpu_allocator = null
seed = 0

[nlp]
lang = "en"
pipeline = {pipeline}
batch_size = 1000
disabled = []
before_creation = null
after_creation = null
after_pipeline_creation = null

[nlp.tokenizer]
@tokenizers = "spacy.Tokenizer.v1"

[components]
"""

_TOK2VEC = """
[components.tok2vec]
factory = "tok2vec"

[components.tok2vec.model]
@architectures = "spacy.Tok2Vec.v2"

[components.tok2vec.model.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = ${components.tok2vec.model.encode.width}
attrs = ["NORM", "PREFIX", "SUFFIX", "SHAPE"]
rows = [5000, 1000, 2500, 2500]
include_static_vectors = false

[components.tok2vec.model.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = 96
depth = 4
window_size = 1
maxout_pieces = 3
"""

_NER = """
[components.ner]
factory = "ner"
moves = null
update_with_oracle_cut_size = 100
incorrect_spans_key = null

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = 64
maxout_pieces = 2
use_upper = true
nO = null

[components.ner.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = ${components.tok2vec.model.encode.width}
upstream = "*"

[components.ner.scorer]
@scorers = "spacy.ner_scorer.v1"
"""

_SPANCAT = """
[components.spancat]
factory = "spancat"
max_positive = 1
spans_key = {key}
threshold = 0.5

[components.spancat.model]
@architectures = "spacy.SpanCategorizer.v1"

[components.spancat.model.reducer]
@layers = "spacy.mean_max_reducer.v1"
hidden_size = 128

[components.spancat.model.scorer]
@layers = "spacy.LinearLogistic.v1"
nO = null
nI = null

[components.spancat.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = ${{components.tok2vec.model.encode.width}}
upstream = "*"

[components.spancat.suggester]
@misc = "spacy.preset_spans_suggester.v1"
spans_key = {key}

[components.spancat.scorer]
@scorers = "spacy.spancat_scorer.v1"
"""

_SPAN_FINDER = """
[components.span_finder]
factory = "span_finder"
spans_key = {key}
threshold = {threshold}
max_length = {max_length}
min_length = null

[components.span_finder.model]
@architectures = "spacy.SpanFinder.v1"

[components.span_finder.model.scorer]
@layers = "spacy.LinearLogistic.v1"
nO = 2

[components.span_finder.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = ${{components.tok2vec.model.encode.width}}
upstream = "*"

[components.span_finder.scorer]
@scorers = "spacy.span_finder_scorer.v1"
"""

#: Just above the 0.5 an untrained span_finder gives about every token, so its first steps do not
#: propose every span up to ``max_length`` (measured on the seeds: 2.7 GB at 0.5, 0.35 GB at 0.51).
SPAN_FINDER_THRESHOLD = 0.51

_TEXTCAT = """
[components.textcat_multilabel]
factory = "textcat_multilabel"
threshold = 0.5

[components.textcat_multilabel.model]
@architectures = "spacy.TextCatBOW.v3"
exclusive_classes = false
length = 262144
ngram_size = 1
no_output_layer = false
nO = null

[components.textcat_multilabel.scorer]
@scorers = "spacy.textcat_multilabel_scorer.v2"
"""

_TRAINING = """
[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${paths.train}
max_length = 0
gold_preproc = false
limit = 0
augmenter = null

[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${paths.dev}
max_length = 0
gold_preproc = false
limit = 0
augmenter = null

[training]
dev_corpus = "corpora.dev"
train_corpus = "corpora.train"
seed = ${system.seed}
gpu_allocator = ${system.gpu_allocator}
dropout = 0.1
accumulate_gradient = 1
patience = 1600
max_epochs = 0
max_steps = 20000
eval_frequency = 200
frozen_components = []
annotating_components = {annotating}
before_to_disk = null
before_update = null

[training.optimizer]
@optimizers = "Adam.v1"
beta1 = 0.9
beta2 = 0.999
L2_is_weight_decay = true
L2 = 0.01
grad_clip = 1.0
use_averages = false
eps = 1e-08
learn_rate = 0.001

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
discard_oversize = false
tolerance = 0.2
get_length = null

[training.batcher.size]
@schedules = "compounding.v1"
start = 100
stop = 1000
compound = 1.001
t = 0.0

[training.logger]
@loggers = "spacy.ConsoleLogger.v1"
progress_bar = false

[training.score_weights]
"""

_INITIALIZE = """
[pretraining]

[initialize]
vectors = ${paths.vectors}
init_tok2vec = ${paths.init_tok2vec}
vocab_data = null
lookups = null
before_init = null
after_init = null

[initialize.tokenizer]

[initialize.components]
"""

#: The score each component is judged by (its weight is shared); the others are reported only.
_SCORES = {
    "ner": ("ents_f", ["ents_p", "ents_r"]),
    # spancat's own defaults name the key "sc" whatever its spans_key: null leaves them out
    "spancat": (f"spans_{QUOTES_KEY}_f", [f"spans_{QUOTES_KEY}_p", f"spans_{QUOTES_KEY}_r"]),
    "textcat_multilabel": ("cats_score", []),
}


def training_config(stats: CorpusStats, train: Path, dev: Path) -> str | None:
    """The ``config.cfg`` text for the export ``stats`` describes (``None``: nothing to train)."""
    components = stats.components()
    if not components:
        return None
    shared = [c for c in components if c in ("ner", "spancat")]
    pipeline = (["tok2vec"] if shared else []) + [n for c in components
                                                   for n in (("span_finder", c) if c == "spancat" else (c,))]
    text = _HEAD.format(train=json.dumps(str(train)), dev=json.dumps(str(dev)), pipeline=json.dumps(pipeline))
    if shared:
        text += _TOK2VEC
    if "ner" in components:
        text += _NER
    if "spancat" in components:
        text += _SPAN_FINDER.format(key=json.dumps(QUOTES_KEY), threshold=SPAN_FINDER_THRESHOLD,
                                    max_length=stats.longest_quote())
        text += _SPANCAT.format(key=json.dumps(QUOTES_KEY))
    if "textcat_multilabel" in components:
        text += _TEXTCAT
    text += _TRAINING.replace("{annotating}", json.dumps(["span_finder"] if "spancat" in components else []))
    weight = round(1.0 / len(components), 2)
    for name in components:
        main, others = _SCORES[name]
        text += f"{main} = {weight}\n" + "".join(f"{other} = 0.0\n" for other in others)
        if name == "spancat":
            text += "".join(f"spans_sc_{m} = null\n" for m in "fpr")
    return text + _INITIALIZE
