"""CoNLL-2003 and CoNLL-U exports: spaCy tokens and tags, reviewed documents only, read by their
real consumers (``spacy convert``, the ``conllu`` package)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import conllu
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.app.export import export
from desktop.core import edits, exporters
from desktop.core.formats import ExportError
from desktop.core.store import Store
from desktop.nlp import conll_export
from tests.core.test_exporters import at, build_rich_project, expected

# The edge cases of issue 12: no-break and double spaces, CRLF, emoji, "U.S.", "can’t", an editor's
# fix inside a token ("Berlin" of "Berlinbefore"), a paragraph break.
EDGE = ("The U.S. said it can’t go.  Mr. Blinken met\u00a0Lavrov in New\u00a0York 🙂 today.\r\n"
        "\r\n"
        "Berlinbefore was Berlin.")
UNREVIEWED = "Nobody reviewed this story about Geneva."


def build_edge(store: Store, *, review: str = "layer") -> None:
    def ent(needle, label, length=None):
        span = at(EDGE, needle)
        if length is not None:
            span["end"] = span["start"] + length
        return {**span, "label": label, "origin": "editor"}

    edits.apply(store, edits.AddDocument(ext_id="edge one", text=EDGE, entities=(
        ent("U.S.", "GPE"), ent("Blinken", "PERSON"), ent("Lavrov", "PERSON"), ent("New\u00a0York", "GPE"),
        ent("Berlinbefore", "GPE", 6))))
    edits.apply(store, edits.AddDocument(ext_id="unreviewed", text=UNREVIEWED, entities=(
        {**at(UNREVIEWED, "Geneva"), "label": "GPE", "origin": "model", "status": "suggested"},)))
    doc = store.document_by_ext_id("edge one")
    if review == "layer":
        edits.apply(store, edits.SetLayerReviewed(doc.id, "entities"))
    else:
        edits.apply(store, edits.SetDocumentStatus(doc.id, "done"))


@pytest.fixture
def edge(store):
    build_edge(store)
    return store


def parse_conll(path: Path) -> list[list[list[tuple[str, str]]]]:
    """An independent reader: documents -> sentences -> (token, tag), four columns a line."""
    docs: list[list[list[tuple[str, str]]]] = []
    sentence: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("-DOCSTART-"):
            assert line == "-DOCSTART- -X- O O"
            docs.append([])
            continue
        if not line.strip():
            if sentence:
                docs[-1].append(sentence)
                sentence = []
            continue
        token, pos, chunk, tag = line.split(" ")
        assert (pos, chunk) == ("_", "_")
        sentence.append((token, tag))
    assert not sentence
    return docs


def bio_spans(tags: list[str]) -> list[tuple[str, int, int]]:
    """(label, first, last) token indices, like seqeval's get_entities."""
    spans, label, first = [], None, 0
    for i, tag in enumerate([*tags, "O"]):
        if label is not None and (tag == "O" or tag.startswith("B-") or tag[2:] != label):
            spans.append((label, first, i - 1))
            label = None
        if tag.startswith("B-") or (tag.startswith("I-") and label is None):
            label, first = tag[2:], i
    return spans


def align(text: str, tokens: list[str]) -> list[tuple[int, int]]:
    out, pos = [], 0
    for tok in tokens:
        start = text.index(tok, pos)
        assert not text[pos:start].strip(), (tok, text[pos:start])
        out.append((start, start + len(tok)))
        pos = start + len(tok)
    assert not text[pos:].strip()
    return out


def spacy_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "spacy", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, check=True)


def read_docbin(path: Path):
    import spacy
    from spacy.tokens import DocBin

    return list(DocBin().from_disk(path).get_docs(spacy.blank("xx").vocab))


# CoNLL-2003 --------------------------------------------------------------------------------------------


def test_conll_is_conll_2003_with_spacy_tokens_and_only_reviewed_documents(edge, tmp_path):
    summary = export(edge, "conll", tmp_path / "out.conll")
    text = (tmp_path / "out.conll").read_text(encoding="utf-8")
    assert text.startswith("-DOCSTART- -X- O O\n\nThe _ _ O\nU.S. _ _ B-GPE\n")
    (sentences,) = parse_conll(tmp_path / "out.conll")  # the unreviewed document is left out
    tokens = [t for s in sentences for t in s]
    words = [t for t, _ in tokens]
    assert "can’t" not in words and words[words.index("ca") + 1] == "n’t"  # as spaCy tokenizes it
    assert ("New", "B-GPE") in tokens and ("York", "I-GPE") in tokens  # a no-break space is no token
    assert ("Berlin", "B-GPE") in tokens and ("before", "O") in tokens  # the editor's boundary kept
    assert "🙂" in words and len(sentences) == 3
    assert summary.documents == 1 and summary.left_out == 1
    assert "1 document left out (not reviewed)" in summary.line()
    assert "1 token split at entity edges" in summary.notes


def test_conll_reads_back_to_the_stored_spans(rich, tmp_path):
    for ext_id in ("plain", "suggested"):  # every layer reviewed: all text a true negative
        edits.apply(rich, edits.SetDocumentStatus(rich.document_by_ext_id(ext_id).id, "done"))
    summary = export(rich, "conll", tmp_path / "out.conll", status="all", documents="all")
    docs = parse_conll(tmp_path / "out.conll")
    assert len(docs) == 3
    for ext_id, sentences in zip(("rich/01", "plain", "suggested"), docs, strict=True):
        doc, mentions = expected(rich, ext_id, "mentions", ("accepted", "suggested"))
        tokens = [t for s in sentences for t in s]
        offsets = align(doc.text, [t for t, _ in tokens])
        got = {(label, offsets[i][0], offsets[j][1]) for label, i, j in bio_spans([tag for _, tag in tokens])}
        kept, dropped = exporters.non_overlapping(mentions)
        assert got == {(m.label, m.start, m.end) for m in kept}
        if ext_id == "rich/01":
            assert [doc.text[m.start:m.end] for m in dropped] == ["U.S."]
            assert any("👩" in t for t, _ in tokens)
            assert len(sentences) >= 3  # line breaks end sentences
    assert summary.dropped == 1 and summary.adjusted == 0 and summary.left_out == 0


@pytest.fixture
def rich(store):
    build_rich_project(store)
    return store


def test_biluo_tags_and_the_scheme_only_for_conll(edge, tmp_path):
    export(edge, "conll", tmp_path / "b.conll", scheme="biluo")
    tokens = dict(t for s in parse_conll(tmp_path / "b.conll")[0] for t in s)
    assert tokens["U.S."] == "U-GPE" and tokens["New"] == "B-GPE" and tokens["York"] == "L-GPE"
    with pytest.raises(ExportError, match="tag schemes apply to conll and conllu"):
        export(edge, "jsonl", tmp_path / "x.jsonl", scheme="biluo")
    with pytest.raises(ExportError, match="--tags must be one of iob, biluo"):
        export(edge, "conll", tmp_path / "x.conll", scheme="bio")


def test_whitespace_at_span_edges_is_trimmed_to_tokens(store, tmp_path):
    text = "They met in Geneva\n\nHome of talks."
    edits.apply(store, edits.AddDocument(ext_id="w", text=text, status="done", entities=(
        {"start": 12, "end": 20, "label": "GPE", "origin": "editor"},)))  # "Geneva\n\n"
    summary = export(store, "conll", tmp_path / "w.conll")
    assert "Geneva _ _ B-GPE\n\nHome _ _ O" in (tmp_path / "w.conll").read_text(encoding="utf-8")
    assert summary.adjusted == 1


def test_spacy_convert_makes_one_document_per_article(store, tmp_path):
    build_edge(store, review="done")
    text = "Lavrov met Blinken. They talked in Geneva.\nThen they left."
    edits.apply(store, edits.AddDocument(ext_id="second", text=text, status="done", entities=(
        {**at(text, "Lavrov"), "label": "PERSON", "origin": "editor"},
        {**at(text, "Geneva"), "label": "GPE", "origin": "editor"})))
    export(store, "conll", tmp_path / "data.conll", documents="all")
    spacy_cli("convert", "-c", "ner", "-n", "1", str(tmp_path / "data.conll"), str(tmp_path), cwd=tmp_path)
    docs = read_docbin(tmp_path / "data.spacy")
    assert len(docs) == 2  # two reviewed articles, whatever -n says (the unreviewed one left out)
    assert [(e.text, e.label_) for e in docs[1].ents] == [("Lavrov", "PERSON"), ("Geneva", "GPE")]
    assert ("U.S.", "GPE") in [(e.text, e.label_) for e in docs[0].ents]
    assert len(list(docs[1].sents)) == 3


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_random_texts_and_spans_survive_conll(data):
    alphabet = st.sampled_from(list("ab é5,.’“”-\r\n🙂\u200d\u00a0Z"))
    text = data.draw(st.text(alphabet=alphabet, min_size=1, max_size=30).filter(lambda t: t.strip()))
    spans = data.draw(st.lists(st.tuples(st.integers(0, len(text) - 1), st.integers(1, 8)), max_size=5))
    entities = []
    for start, length in spans:
        end = min(len(text), start + length)
        if text[start:end].strip() and text[start:end] == text[start:end].strip():
            entities.append({"start": start, "end": end, "label": "ORG", "origin": "editor"})
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with Store.create(tmp / "p.claimdesk") as store:
            edits.apply(store, edits.AddDocument(ext_id="r", text=text, status="done", entities=tuple(entities)))
            kept, _ = exporters.non_overlapping(store.mentions())
            export(store, "conll", tmp / "x.conll")
            export(store, "conllu", tmp / "x.conllu")
        (sentences,) = parse_conll(tmp / "x.conll")
        tokens = [t for sent in sentences for t in sent]
        offsets = align(text, [t for t, _ in tokens])
        got = {(offsets[i][0], offsets[j][1]) for _, i, j in bio_spans([tag for _, tag in tokens])}
        assert got == {(m.start, m.end) for m in kept}
        parsed = conllu.parse((tmp / "x.conllu").read_text(encoding="utf-8"))
        assert [t["form"] for s in parsed for t in s] == [t for t, _ in tokens]


def test_a_failing_conll_export_leaves_nothing_behind(edge, tmp_path, monkeypatch):
    edits.apply(edge, edits.SetDocumentStatus(edge.document_by_ext_id("unreviewed").id, "done"))
    original = conll_export.conll_lines
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return original(*args, **kwargs)

    monkeypatch.setattr(conll_export, "conll_lines", flaky)
    out = tmp_path / "out" / "data.conll"
    out.parent.mkdir()
    with pytest.raises(RuntimeError):
        export(edge, "conll", out, documents="all")
    assert list((tmp_path / "out").iterdir()) == []  # no temporary files either


# CoNLL-U -----------------------------------------------------------------------------------------------


def test_conllu_is_read_by_the_conllu_package(edge, tmp_path):
    summary = export(edge, "conllu", tmp_path / "out.conllu")
    raw = (tmp_path / "out.conllu").read_text(encoding="utf-8")
    sentences = conllu.parse(raw)
    assert len(sentences) == 3 and summary.left_out == 1
    first = sentences[0]
    assert first.metadata["newdoc id"] == "edge_one" and first.metadata["sent_id"] == "edge_one-1"
    assert first.metadata["text"] == "The U.S. said it can’t go."
    assert [t["form"] for t in first][:6] == ["The", "U.S.", "said", "it", "ca", "n’t"]
    assert [t["id"] for t in first] == list(range(1, len(first) + 1))
    ca = first[4]
    assert ca["misc"] == {"SpaceAfter": "No"} and ca["lemma"] == "_" and ca["head"] is None
    assert first[1]["misc"] == {"NE": "B-GPE"}
    assert all("newdoc id" not in s.metadata for s in sentences[1:])
    second = {t["form"]: t["misc"] or {} for t in sentences[1]}
    assert second["New"]["NE"] == "B-GPE" and second["York"]["NE"] == "I-GPE"
    assert second["New"]["SpacesAfter"] == "\\u00A0"  # the text can be rebuilt exactly
    for sentence in sentences:
        for token in sentence:
            assert len(token) == 10


def test_spacy_convert_reads_conllu_tokens_and_entities(edge, tmp_path):
    export(edge, "conllu", tmp_path / "data.conllu")
    spacy_cli("convert", "-c", "conllu", "-n", "10", str(tmp_path / "data.conllu"), str(tmp_path), cwd=tmp_path)
    (doc,) = read_docbin(tmp_path / "data.spacy")
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("U.S.", "GPE"), ("Blinken", "PERSON"), ("Lavrov", "PERSON"), ("New York", "GPE"), ("Berlin", "GPE")]
    assert [t.text for t in doc][:6] == ["The", "U.S.", "said", "it", "ca", "n’t"]
    assert doc[4].whitespace_ == ""


def test_a_project_with_no_reviewed_document_writes_nothing_and_says_so(store, tmp_path):
    edits.apply(store, edits.AddDocument(ext_id="u", text=UNREVIEWED))
    summary = export(store, "conllu", tmp_path / "n.conllu")
    assert summary.documents == 0 and summary.left_out == 1
    assert (tmp_path / "n.conllu").read_text(encoding="utf-8") == ""
