"""A project's fine-tuned entity recognizer as :func:`desktop.nlp.pipeline.load_pipeline` takes it
(``ner=``): the stored blob (:func:`desktop.nlp.ner_model.pack`) and how it replaces a pipeline's
``ner``. Kept apart from :mod:`desktop.nlp.ner_model` (the training, which imports much more) so
that loading a pipeline does not import it."""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

from desktop.core.store import ProjectError

__all__ = ["NerModel", "NerTrainingError", "apply_to"]


class NerTrainingError(ProjectError):
    """The pipeline's recognizer cannot be fine-tuned alone, or a stored model does not fit it
    (one line for the user)."""


@dataclass(frozen=True)
class NerModel:
    """A stored entity model: what :func:`desktop.nlp.pipeline.load_pipeline` takes as ``ner=``
    (picklable: worker processes load it themselves)."""

    name: str
    data: bytes


def apply_to(nlp: Any, data: bytes) -> None:
    """Put the stored ``ner`` of ``data`` in place of ``nlp``'s (same name and place)."""
    import srsly
    from thinc.api import Config

    try:
        packed = srsly.msgpack_loads(data)
        config = Config().from_str(packed["config"])["ner"]
        nlp.replace_pipe("ner", "ner", config=dict(config))
        nlp.get_pipe("ner").from_bytes(zlib.decompress(packed["bytes"]), exclude=["vocab"])
    except Exception as exc:  # bytes of another pipeline, or damaged
        raise NerTrainingError(f"the stored entity model does not fit this pipeline: {exc}") from None
