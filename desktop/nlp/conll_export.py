r"""Export a project's entities as CoNLL-2003 and CoNLL-U, tokenised by the project's spaCy pipeline.

Written through the shared frame of :mod:`desktop.core.exporters` (document selection, splits,
atomic output, the summary) by :func:`export_conll` (``conll``) and :func:`export_conllu`
(``conllu``); :func:`desktop.app.export.export` dispatches to them.

Which documents
    Only documents whose entity layer is reviewed (:attr:`ExportDoc.reviewed` holds
    ``"entities"``: the document is done, or an editor marked its entities finished).  Every
    token of such a document that is in no exported mention is ``O``, a true negative; a
    document nobody reviewed would teach a model that its names are not entities, so it is left
    out whole and counted in the summary ("N documents left out (not reviewed)").

Tokens
    The tokenizer of the project's pipeline (:func:`desktop.nlp.spacy_export.tokenizer_for`: the
    ``model`` given, else the project's recorded model when installed, else ``spacy.blank("en")``,
    whose English rules the ``en_core_web_*`` pipelines share): "U.S." is one token, "can't" is
    ``ca`` + ``n't``.  White space is never a token: a spaCy token holding white space (a
    no-break space) is cut at it.  A token that crosses the edge of an exported mention is cut
    there, so every entity keeps the editor's exact boundaries; the summary notes how many tokens
    were split.  Whitespace at a mention's edge is trimmed first (counted as adjusted).

Tags
    From spaCy's offset helpers: ``spacy.training.offsets_to_biluo_tags`` on the mentions, then
    ``biluo_to_iob`` for IOB2 (``scheme="iob"``, the default: ``B-PERSON``, ``I-PERSON``, ``O``),
    or BILUO as it is (``scheme="biluo"``: ``B-``, ``I-``, ``L-``, ``U-``, ``O``).  Tags cannot
    overlap: the non-overlapping subset of :func:`desktop.core.exporters.non_overlapping` is
    kept, the rest counted as dropped.  Whitespace in a label becomes ``_``.

Sentences
    The project's sentence split (:func:`desktop.core.text.token_sentences`, the one the window's
    "sentence at the cursor" uses), never ending inside a mention.

``conll`` (CoNLL-2003)
    Each document starts with ``-DOCSTART- -X- O O`` and a blank line; then one token a line in
    the four CoNLL-2003 columns ``TOKEN POS CHUNK NER`` separated by one space, POS and chunk
    ``_`` (not annotated); a blank line after each sentence.  ``python -m spacy convert -c ner``
    gives one ``Doc`` per article (it splits at ``-DOCSTART- -X- O O`` and ignores ``-n``).  spaCy's
    ``ner`` converter reads IOB tags: convert a BILUO file with ``-c iob`` tools, or export IOB2.

``conllu`` (CoNLL-U)
    ``# newdoc id = EXT_ID`` before each document's first sentence; per sentence ``# sent_id =
    EXT_ID-N`` and ``# text = ...`` (the tokens joined as ``SpaceAfter`` says, on one line); ten
    tab-separated columns ``ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC`` with ``_`` for
    everything not annotated (lemma, tags, features, head, relation).  ``MISC`` holds the entity
    tag as ``NE=B-PERSON`` (the key ``spacy convert -c conllu`` reads; ``O`` tokens carry none),
    ``SpaceAfter=No`` when the next token follows without white space, and ``SpacesAfter=...``
    (UDPipe's convention: ``\s`` space, ``\t``, ``\n``, ``\r``, ``\p`` for ``|``, other white space
    as ``\uXXXX``) when what follows is not one plain space, so the text can be rebuilt exactly.
    ``conllu.parse`` reads it; ``spacy convert -c conllu`` reads tokens and entities (labels of
    capitals and ``_``, as its pattern requires).

Never imports Qt.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.core.exporters import (
    ExportDoc,
    ExportError,
    ExportSummary,
    PartContext,
    non_overlapping,
    run_export,
)
from desktop.core.formats import TAG_SCHEMES
from desktop.core.jobs import Job
from desktop.core.store import Store
from desktop.core.text import token_sentences, trimmed
from desktop.core.wording import plural

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

__all__ = ["SCHEMES", "ConllDoc", "conll_doc", "conll_lines", "conllu_lines", "export_conll", "export_conllu"]

#: Tag schemes: IOB2 (``B-``/``I-``/``O``) and BILUO.
SCHEMES = TAG_SCHEMES
DOCSTART = "-DOCSTART- -X- O O"
_WHITE = re.compile(r"\s+")


@dataclass
class ConllDoc:
    """One document ready to write: its tokens (offsets), their tags, and its sentences (token
    index ranges)."""

    text: str
    tokens: list[tuple[int, int]]
    tags: list[str]
    sentences: list[tuple[int, int]]


def _tag_label(label: str) -> str:
    return _WHITE.sub("_", label)


def _cut(text: str, start: int, end: int, cuts: Sequence[int]) -> Iterator[tuple[int, int]]:
    """The pieces of ``text[start:end]`` between white space, each cut again at ``cuts``."""
    for piece in re.finditer(r"\S+", text[start:end]):
        s, e = start + piece.start(), start + piece.end()
        for c in cuts:
            if s < c < e:
                yield s, c
                s = c
        yield s, e


def _tokens(nlp: Language, text: str, cuts: set[int]) -> tuple[list[tuple[int, int]], int]:
    """The pipeline's tokens of ``text`` without white space, cut at ``cuts``; and how many
    tokens were split at a cut."""
    tokens: list[tuple[int, int]] = []
    split = 0
    ordered = sorted(cuts)
    for tok in nlp.make_doc(text):
        start, end = tok.idx, tok.idx + len(tok.text)
        inside = [c for c in ordered if start < c < end]
        pieces = list(_cut(text, start, end, inside))
        if inside and len(pieces) > len(list(_cut(text, start, end, ()))):
            split += 1
        tokens.extend(pieces)
    return tokens, split


def _spacy_doc(nlp: Language, text: str, tokens: list[tuple[int, int]]):
    """A spaCy ``Doc`` of exactly ``text`` whose tokens are ``tokens`` plus the white space between."""
    from spacy.tokens import Doc

    words: list[str] = []
    spaces: list[bool] = []
    pos = 0
    for s, e in [*tokens, (len(text), len(text))]:
        gap = text[pos:s]
        if gap == " " and words:
            spaces[-1] = True
        elif gap:
            words.append(gap)
            spaces.append(False)
        if s < e:
            words.append(text[s:e])
            spaces.append(False)
        pos = e
    return Doc(nlp.vocab, words=words, spaces=spaces)


def conll_doc(nlp: Language, item: ExportDoc, summary: ExportSummary, scheme: str = "iob") -> ConllDoc:
    """Tokens, tags (spaCy's offset helpers) and sentences of one document."""
    from spacy.training import biluo_to_iob, offsets_to_biluo_tags

    text = item.text
    kept, dropped = non_overlapping(item.mentions)
    summary.dropped += len(dropped)
    entities: list[tuple[int, int, str]] = []
    for m in kept:
        s, e = trimmed(text, m.start, m.end)
        if s >= e:
            summary.dropped += 1
            continue
        if (s, e) != (m.start, m.end):
            summary.adjusted += 1
        entities.append((s, e, _tag_label(m.label)))
    tokens, split = _tokens(nlp, text, {c for s, e, _ in entities for c in (s, e)})
    _note_split(summary, split)
    doc = _spacy_doc(nlp, text, tokens)
    biluo = offsets_to_biluo_tags(doc, entities)
    tags_by_start = {t.idx: tag for t, tag in zip(doc, biluo_to_iob(biluo) if scheme == "iob" else biluo,
                                                  strict=True)}
    tags = [tags_by_start[s] for s, _ in tokens]
    protected = [(s, e) for s, e, _ in entities]
    return ConllDoc(text, tokens, tags, token_sentences(text, tokens, protected))


def _note_split(summary: ExportSummary, split: int) -> None:
    """Keep one note ``N tokens split at entity edges`` up to date."""
    if not split:
        return
    for i, note in enumerate(summary.notes):
        match = _SPLIT_NOTE.fullmatch(note)
        if match:
            summary.notes[i] = _split_note(int(match[1]) + split)
            return
    summary.notes.append(_split_note(split))


_SPLIT_NOTE = re.compile(r"(\d+) tokens? split at entity edges")


def _split_note(n: int) -> str:
    return f"{plural(n, 'token')} split at entity edges"


def conll_lines(cd: ConllDoc) -> Iterator[str]:
    """One document in CoNLL-2003: ``-DOCSTART- -X- O O``, a blank line, ``TOKEN _ _ TAG`` lines."""
    yield DOCSTART + "\n"
    yield "\n"
    for first, end in cd.sentences:
        for k in range(first, end):
            s, e = cd.tokens[k]
            yield f"{cd.text[s:e]} _ _ {cd.tags[k]}\n"
        yield "\n"


_SPACE_ESCAPES = {" ": r"\s", "\t": r"\t", "\n": r"\n", "\r": r"\r", "|": r"\p", "\\": r"\\"}


def _spaces_after(gap: str) -> str:
    return "".join(_SPACE_ESCAPES.get(ch) or (ch if not ch.isspace() else f"\\u{ord(ch):04X}") for ch in gap)


def _misc(tag: str, gap: str) -> str:
    parts = [] if tag == "O" else [f"NE={tag}"]
    if not gap:
        parts.append("SpaceAfter=No")
    elif gap != " ":
        parts.append(f"SpacesAfter={_spaces_after(gap)}")
    return "|".join(parts) or "_"


def conllu_lines(cd: ConllDoc, ext_id: str) -> Iterator[str]:
    """One document in CoNLL-U: ``# newdoc id``, then each sentence with ``# sent_id`` and ``# text``."""
    doc_id = _WHITE.sub("_", ext_id)
    for n, (first, end) in enumerate(cd.sentences, start=1):
        rows, words = [], []
        for k in range(first, end):
            s, e = cd.tokens[k]
            following = cd.tokens[k + 1][0] if k + 1 < len(cd.tokens) else len(cd.text)
            gap = cd.text[e:following]
            words.append(cd.text[s:e] + (" " if gap and k + 1 < end else ""))
            rows.append(f"{k - first + 1}\t{cd.text[s:e]}\t_\t_\t_\t_\t_\t_\t_\t{_misc(cd.tags[k], gap)}\n")
        if n == 1:
            yield f"# newdoc id = {doc_id}\n"
        yield f"# sent_id = {doc_id}-{n}\n"
        yield f"# text = {''.join(words)}\n"
        yield from rows
        yield "\n"


def _writer(nlp: Language, scheme: str, conllu: bool):
    def write_part(ctx: PartContext) -> None:
        with ctx.files.open(ctx.path) as fh:
            for item in ctx.docs:
                if "entities" not in item.reviewed:
                    ctx.summary.left_out += 1
                    continue
                cd = conll_doc(nlp, item, ctx.summary, scheme)
                fh.writelines(conllu_lines(cd, item.doc.ext_id) if conllu else conll_lines(cd))
                ctx.summary.documents += 1
                ctx.summary.entities += len(item.mentions)

    return write_part


def _export(fmt: str, store: Store, out: str | os.PathLike, *, status: str, documents: str,
            split: str | Sequence[float] | None, seed: int, model: str | None, job: Job | None, overwrite: bool,
            scheme: str) -> ExportSummary:
    from desktop.nlp.spacy_export import tokenizer_for

    if scheme not in SCHEMES:
        raise ExportError(f"--tags must be one of {', '.join(SCHEMES)}, not {scheme!r}")
    nlp, described = tokenizer_for(store, model)
    summary = ExportSummary(fmt, Path(out))
    summary.notes.append(f"tokenizer: {described}")
    return run_export(store, fmt, out, _writer(nlp, scheme, fmt == "conllu"), status=status, documents=documents,
                      split=split, seed=seed, job=job, overwrite=overwrite, summary=summary)


def export_conll(store: Store, out: str | os.PathLike, *, fmt: str = "conll", status: str = "accepted",
                 documents: str = "all", split: str | Sequence[float] | None = None, seed: int = 0,
                 model: str | None = None, job: Job | None = None, overwrite: bool = False,
                 scheme: str = "iob") -> ExportSummary:
    """Write the reviewed documents' entities as CoNLL-2003 (see the module docstring)."""
    return _export("conll", store, out, status=status, documents=documents, split=split, seed=seed, model=model,
                   job=job, overwrite=overwrite, scheme=scheme)


def export_conllu(store: Store, out: str | os.PathLike, *, fmt: str = "conllu", status: str = "accepted",
                  documents: str = "all", split: str | Sequence[float] | None = None, seed: int = 0,
                  model: str | None = None, job: Job | None = None, overwrite: bool = False,
                  scheme: str = "iob") -> ExportSummary:
    """Write the reviewed documents' tokens and entities as CoNLL-U (see the module docstring)."""
    return _export("conllu", store, out, status=status, documents=documents, split=split, seed=seed, model=model,
                   job=job, overwrite=overwrite, scheme=scheme)
