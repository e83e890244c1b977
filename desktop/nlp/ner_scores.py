"""A confidence for each entity the model finds, from the model itself, at no extra parse.

spaCy's entity recognizer is a greedy transition parser: for each token it scores every action
(``B-ORG``, ``I-ORG``, ``L-ORG``, ``U-PERSON``, ``O`` ...) and takes the best valid one; it keeps
no scores. :class:`ScoredEntityRecognizer` is the same recognizer (the same model and actions,
so the same entities) stepping through the tokens in Python so that it can keep, per token, the
softmax of the action scores. An entity's score is the product, over its tokens, of the
probability of the action that made it: the model's probability of that exact span and label
given what came before. Scores land in ``doc.user_data[SCORES_KEY]`` as ``{(start_char,
end_char, label): score}``.

spaCy's own ``beam_parse`` + ``scored_ents`` gives calibrated-looking scores too, but a beam of
4 doubles the recognizer's time and changes some entities; this costs what the greedy parse
costs (``claimdesk bench`` holds annotate to 0.85x raw ``nlp.pipe``).
"""
from __future__ import annotations

from typing import Any

import numpy

#: where a parsed ``Doc`` keeps its entities' scores
SCORES_KEY = "claimdesk_ent_scores"


def _softmax(scores: Any) -> Any:
    z = scores - scores.max(axis=1, keepdims=True)
    e = numpy.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _biluo(doc: Any) -> list[str]:
    tags = ["O"] * len(doc)
    for ent in doc.ents:
        if ent.end - ent.start == 1:
            tags[ent.start] = f"U-{ent.label_}"
            continue
        tags[ent.start] = f"B-{ent.label_}"
        for i in range(ent.start + 1, ent.end - 1):
            tags[i] = f"I-{ent.label_}"
        tags[ent.end - 1] = f"L-{ent.label_}"
    return tags


def entity_scores(doc: Any, steps: list[Any], classes: dict[str, int]) -> dict[tuple[int, int, str], float]:
    """``{(start_char, end_char, label): score}`` for ``doc``'s entities from the per-token action
    probabilities ``steps`` (one row per token); empty when the steps do not match the tokens."""
    if len(steps) != len(doc):
        return {}
    tags = _biluo(doc)
    out: dict[tuple[int, int, str], float] = {}
    for ent in doc.ents:
        p = 1.0
        for i in range(ent.start, ent.end):
            k = classes.get(tags[i])
            if k is None:
                break
            p *= float(steps[i][k])
        else:
            out[(ent.start_char, ent.end_char, ent.label_)] = round(p, 4)
    return out


def scored_recognizer(ner: Any) -> Any:
    """A :class:`ScoredEntityRecognizer` sharing ``ner``'s model, actions and settings."""
    from spacy.pipeline import EntityRecognizer

    class ScoredEntityRecognizer(EntityRecognizer):  # type: ignore[misc, valid-type]
        """``ner`` that also records each entity's score (module docstring)."""

        def predict(self, docs: Any) -> Any:
            from spacy.tokens import Doc

            if isinstance(docs, Doc):
                docs = [docs]
            if not any(len(doc) for doc in docs):
                return self.moves.init_batch(docs)
            self._ensure_labels_are_added(docs)
            batch = self.moves.init_batch(docs)
            model = self.model.predict(docs)
            steps: list[list[Any]] = [[] for _ in batch]
            where = {id(state): k for k, state in enumerate(batch)}
            states = [s for s in batch if not s.is_final()]
            while states:
                scores = model.predict(states)
                probs = _softmax(scores)
                for state, row in zip(states, probs, strict=True):
                    steps[where[id(state)]].append(row)
                states = self.transition_states(states, scores)
            model.clear_memory()
            self._steps = steps
            return batch

        def set_annotations(self, docs: Any, states: Any) -> None:
            super().set_annotations(docs, states)
            steps = getattr(self, "_steps", None) or [[] for _ in docs]
            self._steps = None
            classes = self._classes()
            for doc, doc_steps in zip(docs, steps, strict=False):
                doc.user_data[SCORES_KEY] = entity_scores(doc, doc_steps, classes)

        def _classes(self) -> dict[str, int]:
            if getattr(self, "_class_index", None) is None:
                self._class_index = {self.moves.get_class_name(k): k for k in range(self.moves.n_moves)}
            return self._class_index

    cfg = ner.cfg
    scored = ScoredEntityRecognizer(ner.vocab, ner.model, name=ner.name, moves=ner.moves,
                                    update_with_oracle_cut_size=cfg.get("update_with_oracle_cut_size", 100),
                                    incorrect_spans_key=cfg.get("incorrect_spans_key"), scorer=ner.scorer)
    scored.cfg = dict(cfg)  # the constructor keeps the moves object in cfg, which to_bytes cannot write
    scored._class_index = None
    scored._steps = None
    return scored


def install(nlp: Any) -> None:
    """Put a :func:`scored_recognizer` in place of ``nlp``'s greedy ``ner`` (same name, place and
    entities); nothing when there is no ``ner`` or it is a beam recognizer already."""
    if "ner" not in nlp.pipe_names:
        return
    ner = nlp.get_pipe("ner")
    if type(ner).__name__ == "ScoredEntityRecognizer" or ner.cfg.get("beam_width", 1) != 1:
        return
    scored = scored_recognizer(ner)
    components = nlp._components  # spaCy has no public way to swap a component's object
    k = next(i for i, (name, _) in enumerate(components) if name == "ner")
    components[k] = ("ner", scored)
