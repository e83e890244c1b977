"""spaCy DocBin export: entities, span groups, cats, user data; spaCy's own tools read it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from desktop.app.export import export
from desktop.core import edits
from desktop.core.exporters import ExportError
from desktop.core.store import Store
from desktop.nlp.spacy_export import export_spacy, plan_parts
from tests.core.test_exporters import RICH, at, build_rich_project

spacy = pytest.importorskip("spacy")
from spacy.tokens import DocBin  # noqa: E402


def load(path: Path) -> list:
    nlp = spacy.blank("en")
    return list(DocBin().from_disk(path).get_docs(nlp.vocab))


@pytest.fixture
def rich(store):
    build_rich_project(store)
    return store


def test_docbin_holds_entities_span_groups_cats_and_metadata(rich, tmp_path):
    summary = export(rich, "spacy", tmp_path / "out", status="all")
    assert summary.out == tmp_path / "out.spacy" and summary.out.exists()
    docs = load(summary.out)
    assert [d.user_data["claimdesk"]["id"] for d in docs] == ["rich/01", "plain", "suggested"]
    doc = docs[0]
    assert doc.text == RICH
    ents = {(e.text, e.label_) for e in doc.ents}
    assert ("U.S. Treasury", "ORG") in ents and ("U.S.", "GPE") not in ents  # overlap: the longer one kept
    assert ("Zoë Ångström", "PERSON") in ents and ("Genève", "GPE") in ents
    assert {e.kb_id_ for e in doc.ents if e.text == "Sergey Lavrov"} == {"Sergey Lavrov"}
    group = {(s.text, s.label_) for s in doc.spans["entities"]}
    assert ("U.S.", "GPE") in group and ("U.S. Treasury", "ORG") in group
    assert summary.dropped == 1
    quotes = doc.spans["quotes"]
    two = [s for s in quotes if s.id_ == "q2"]
    assert [s.text for s in two] == ["“We will not,”", "“accept this.”"] and {s.label_ for s in two} == {"direct"}
    assert [(s.text, s.kb_id_) for s in doc.spans["speakers"] if s.id_ == "q2"] == [("Lavrov", "Sergey Lavrov")]
    assert [s.text for s in doc.spans["cues"] if s.id_ == "q2"] == ["said"]
    claims = {s.id_: s for s in doc.spans["claims"]}
    assert claims["c1"].text == "Prices rose 5% 🙂 this year." and claims["c1"].kb_id_ == "Zoë Ångström"
    assert {(s.text, s.label_) for s in doc.spans["claims_verdict"]} == {
        ("Prices rose 5% 🙂 this year.", "false"), ("We will not", "misleading")}
    assert doc.cats["verdict:false"] == 1.0 and doc.cats["checkworthiness:opinion"] == 0.0
    data = doc.user_data["claimdesk"]
    assert data["status"] == "done" and data["meta"]["source"] == "example.org"
    c1 = [c for c in data["claims"] if c["id"] == "c1"][0]
    assert c1["labels"] == {"checkworthiness": "check-worthy", "verdict": "false"}
    assert c1["note"] == "Checked\twith the\r\nstats \\ office" and c1["status"] == "accepted"
    assert [q["status"] for q in data["quotes"]] == ["accepted", "suggested"]
    # a document with nothing annotated and not done has no document-level view
    assert docs[1].cats == {} and len(docs[1].ents) == 0


def test_spans_off_token_boundaries_split_the_token_and_keep_their_text(store, tmp_path):
    text = "Ångström’s report on Genève was late."
    edits.apply(store, edits.AddDocument(ext_id="x", text=text, entities=(
        {"start": 0, "end": 4, "label": "PERSON", "origin": "editor"},  # "Ångs": inside a token
        {**at(text, "Genève"), "label": "GPE", "origin": "editor"},
    )))
    summary = export(store, "spacy", tmp_path / "x.spacy")
    assert summary.adjusted == 0  # no span moved
    (doc,) = load(tmp_path / "x.spacy")
    assert [(e.text, e.label_) for e in doc.ents] == [("Ångs", "PERSON"), ("Genève", "GPE")]
    assert [t.text for t in doc[:3]] == ["Ångs", "tröm", "’s"] and doc.text == text
    assert "1 token split at span edges (every span keeps its exact boundaries)" in summary.notes


def test_a_token_with_several_edges_inside_is_split_at_each(store, tmp_path):
    text = "See Berlinbefore-noon news."
    start = text.index("Berlin")
    edits.apply(store, edits.AddDocument(ext_id="b", text=text, status="done", entities=(
        {"start": start, "end": start + 3, "label": "GPE", "origin": "editor"},  # "Ber"
        {"start": start + 3, "end": start + 6, "label": "GPE", "origin": "editor"},  # "lin"
    ), claims=({"start": start + 3, "end": start + 12, "labels": {}, "origin": "editor"},)))  # "linbefore"
    summary = export(store, "spacy", tmp_path / "b.spacy")
    (doc,) = load(tmp_path / "b.spacy")
    assert [t.text for t in doc] == ["See", "Ber", "lin", "before", "-", "noon", "news", "."] and doc.text == text
    assert [e.text for e in doc.ents] == ["Ber", "lin"] and [s.text for s in doc.spans["claims"]] == ["linbefore"]
    assert "1 token split at span edges (every span keeps its exact boundaries)" in summary.notes
    assert [t.ent_iob_ for t in doc] == ["O", "B", "B", "O", "O", "O", "O", "O"]  # done: the rest is "no entity"


def test_whitespace_at_span_edges_is_trimmed(store, tmp_path):
    text = "They met in Geneva\n\nHome of talks."
    edits.apply(store, edits.AddDocument(ext_id="w", text=text, entities=(
        {"start": 12, "end": 20, "label": "GPE", "origin": "editor"},)))  # "Geneva\n\n"
    summary = export(store, "spacy", tmp_path / "w.spacy")
    (doc,) = load(tmp_path / "w.spacy")
    assert [(e.text, e.label_) for e in doc.ents] == [("Geneva", "GPE")] and summary.adjusted == 1


def test_spacy_export_is_deterministic_and_splits(rich, tmp_path):
    a = export(rich, "spacy", tmp_path / "a.spacy", status="all")
    b = export(rich, "spacy", tmp_path / "b.spacy", status="all")
    assert a.out.read_bytes() == b.out.read_bytes()
    # the bytes are those of one DocBin filled by hand (the export's faster msgpack path changes
    # nothing), and srsly is left as it was
    from srsly.msgpack import msgpack_encoders

    from desktop.core.exporters import ExportSource, ExportSummary
    from desktop.nlp.spacy_export import doc_from_export, tokenizer_for

    assert "get_all" not in vars(msgpack_encoders)
    source, nlp = ExportSource(rich, status="all"), tokenizer_for(rich)[0]
    by_hand = DocBin(store_user_data=True)
    for doc_id, _ in source.doc_ids():
        by_hand.add(doc_from_export(nlp, source.load(doc_id), source, ExportSummary("spacy", a.out),
                                    list(rich.claim_label_sets())))
    assert by_hand.to_bytes() == a.out.read_bytes()
    s = export(rich, "spacy", tmp_path / "corpus", split="60/40", seed=3)
    assert sorted(p.name for p in (tmp_path / "corpus").glob("*.spacy")) == ["dev.spacy", "train.spacy"]
    ids = [d.user_data["claimdesk"]["id"] for name in ("train", "dev") for d in load(tmp_path / "corpus" / f"{name}.spacy")]
    assert sorted(ids) == ["plain", "rich/01", "suggested"] and s.splits == {"train": 2, "dev": 1}


def _view(doc) -> tuple:
    """Everything the export puts in a Doc, comparable."""
    spans = {key: [(s.start, s.end, s.label_, s.kb_id_, s.id_) for s in group] for key, group in doc.spans.items()}
    return (doc.text, [(t.text, t.whitespace_) for t in doc], [(e.start, e.end, e.label_, e.kb_id_) for e in doc.ents],
            spans, doc.cats, doc.user_data["claimdesk"])


def corpus_docs(path: Path) -> list:
    """The reference docs spaCy's own training reader (``spacy.Corpus.v1``) reads from ``path``."""
    from spacy.training import Corpus

    return [eg.reference for eg in Corpus(path)(spacy.blank("en"))]


def test_a_large_export_is_a_folder_of_parts_that_spacy_reads_like_one_file(rich, tmp_path):
    for i in range(4):
        text = f"Story {i}: Lavrov met Blinken in Geneva."
        edits.apply(rich, edits.AddDocument(ext_id=f"more/{i}", text=text, entities=(
            {**at(text, "Geneva"), "label": "GPE", "origin": "editor"},)))
    one = export_spacy(rich, tmp_path / "one.spacy", status="all")
    assert one.out.is_file()
    parts = export_spacy(rich, tmp_path / "parts.spacy", status="all", part_docs=3)
    assert parts.out == tmp_path / "parts.spacy" and parts.out.is_dir()
    names = sorted(p.name for p in parts.out.glob("*.spacy"))
    assert names == ["part-00001.spacy", "part-00002.spacy", "part-00003.spacy"]
    assert [len(load(parts.out / n)) for n in names] == [3, 3, 1]
    assert set(parts.files) == {parts.out / n for n in names} | {parts.out / "config.cfg"}
    assert (parts.out.parent / "parts.spacy").is_dir() and one.line() == parts.line()
    # spaCy's Corpus reads the folder as it reads the single file: the same docs, in order
    from_file, from_folder = corpus_docs(one.out), corpus_docs(parts.out)
    assert len(from_file) == 7
    assert [_view(d) for d in from_folder] == [_view(d) for d in from_file]
    # a part also closes at its character budget; a document longer than it is a part alone
    by_chars = export_spacy(rich, tmp_path / "chars.spacy", status="all", part_chars=len(RICH))
    sizes = [len(load(p)) for p in sorted(by_chars.out.glob("*.spacy"))]
    assert sizes[0] == 1 and sum(sizes) == 7
    assert [_view(d) for d in corpus_docs(by_chars.out)] == [_view(d) for d in from_file]


def test_a_split_part_becomes_a_folder_only_when_it_needs_several_parts(rich, tmp_path):
    s = export_spacy(rich, tmp_path / "corpus", split="60/40", seed=3, part_docs=1)
    assert s.splits == {"train": 2, "dev": 1}
    train, dev = tmp_path / "corpus" / "train.spacy", tmp_path / "corpus" / "dev.spacy"
    assert train.is_dir() and dev.is_file()
    assert sorted(p.name for p in train.iterdir()) == ["part-00001.spacy", "part-00002.spacy"]
    ids = sorted(d.user_data["claimdesk"]["id"] for p in (train, dev) for d in corpus_docs(p))
    assert ids == ["plain", "rich/01", "suggested"]
    # replacing it (--force) works like any split export
    again = export_spacy(rich, tmp_path / "corpus", split="60/40", seed=3, overwrite=True)
    assert (tmp_path / "corpus" / "train.spacy").is_file() and again.splits == s.splits


def test_an_export_that_outgrows_one_part_replaces_its_file_with_force(rich, tmp_path):
    out = tmp_path / "corpus.spacy"
    first = export_spacy(rich, out, status="all", part_docs=3)  # 3 documents: one file
    assert out.is_file() and len(corpus_docs(out)) == 3
    edits.apply(rich, edits.AddDocument(ext_id="more", text="Lavrov met Blinken.", entities=()))
    with pytest.raises(ExportError, match="is a file; this export writes a folder.*--force"):
        export_spacy(rich, out, status="all", part_docs=3)
    assert out.is_file() and len(corpus_docs(out)) == 3  # refused: the old export is as it was
    grown = export_spacy(rich, out, status="all", part_docs=3, overwrite=True)
    assert out.is_dir() and grown.documents == first.documents + 1 == len(corpus_docs(out))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".corpus")]  # no leftovers
    # the same path stays a folder under --force even when one part would now do
    again = export_spacy(rich, out, status="all", overwrite=True)
    assert out.is_dir() and again.documents == grown.documents == len(corpus_docs(out))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".corpus")]


def test_the_part_plan():
    assert plan_parts([]) == []
    assert plan_parts([(1, 5), (2, 5), (3, 5)], part_docs=2) == [[1, 2], [3]]
    assert plan_parts([(1, 5), (2, 5), (3, 5)], part_chars=10) == [[1, 2], [3]]
    assert plan_parts([(1, 50), (2, 5), (3, 5)], part_chars=10) == [[1], [2, 3]]
    assert plan_parts([(d, 10) for d in range(2500)]) == [list(range(0, 1000)), list(range(1000, 2000)),
                                                           list(range(2000, 2500))]


def test_status_accepted_keeps_suggestions_out(rich, tmp_path):
    export(rich, "spacy", tmp_path / "acc.spacy")
    doc = load(tmp_path / "acc.spacy")[0]
    assert all(q["status"] == "accepted" for q in doc.user_data["claimdesk"]["quotes"])
    assert "Lavrov" not in {e.text for e in doc.ents}  # the first "Lavrov" was only suggested


def test_a_missing_model_is_a_one_line_error(rich, tmp_path):
    with pytest.raises(ExportError, match="not installed"):
        export(rich, "spacy", tmp_path / "m.spacy", model="xx_no_such_pipeline")
    assert not (tmp_path / "m.spacy").exists()


def test_the_installed_pipeline_tokenizer_can_be_used(rich, tmp_path):
    from desktop.nlp.pipeline import ModelNotFoundError, resolve_model

    try:
        name = resolve_model(None)
    except ModelNotFoundError:
        pytest.skip("no spaCy pipeline installed")
    summary = export(rich, "spacy", tmp_path / "m.spacy", model=name)
    assert f"tokenizer: {name}" in summary.notes
    assert load(tmp_path / "m.spacy")[0].text == RICH


SENTENCES = [
    ("Antony Blinken met Sergey Lavrov in Geneva on Friday.", [("Antony Blinken", "PERSON"),
                                                               ("Sergey Lavrov", "PERSON"), ("Geneva", "GPE")]),
    ("NATO and Russia disagreed in Brussels.", [("NATO", "ORG"), ("Russia", "GPE"), ("Brussels", "GPE")]),
    ("Joe Biden spoke to Vladimir Putin about Ukraine.", [("Joe Biden", "PERSON"), ("Vladimir Putin", "PERSON"),
                                                          ("Ukraine", "GPE")]),
    ("The Kremlin said Moscow wants guarantees from Washington.", [("Kremlin", "ORG"), ("Moscow", "GPE"),
                                                                   ("Washington", "GPE")]),
]


@pytest.mark.slow
def test_spacy_debug_data_and_train_read_the_export(store, tmp_path):
    # spaCy's debug data calls fewer than 100 training documents an error for a new pipeline
    for i in range(130):
        text, ents = SENTENCES[i % len(SENTENCES)]
        text = f"{text} Story {i}."
        edits.apply(store, edits.AddDocument(ext_id=f"d{i}", text=text, entities=tuple(
            {**at(text, t), "label": label, "origin": "editor"} for t, label in ents)))
    summary = export(store, "spacy", tmp_path / "corpus", split="80/20", seed=1)
    assert summary.splits == {"train": 104, "dev": 26}
    train, dev = tmp_path / "corpus" / "train.spacy", tmp_path / "corpus" / "dev.spacy"
    config = tmp_path / "config.cfg"
    run = [sys.executable, "-m", "spacy"]
    out = subprocess.run([*run, "init", "config", str(config), "-l", "en", "-p", "ner", "--force"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    paths = ["--paths.train", str(train), "--paths.dev", str(dev)]
    out = subprocess.run([*run, "debug", "data", str(config), *paths], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Corpus is loadable" in out.stdout
    # the same export in parts of 30 documents: train.spacy is a folder, and debug data, given the
    # same paths, finds the same corpus (it prints the same report, figure for figure)
    parts = export_spacy(store, tmp_path / "parts", split="80/20", seed=1, part_docs=30)
    assert parts.splits == summary.splits and (tmp_path / "parts" / "train.spacy").is_dir()
    assert len(list((tmp_path / "parts" / "train.spacy").glob("*.spacy"))) == 4
    part_paths = ["--paths.train", str(tmp_path / "parts" / "train.spacy"),
                  "--paths.dev", str(tmp_path / "parts" / "dev.spacy")]
    again = subprocess.run([*run, "debug", "data", str(config), *part_paths], capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "104 training docs" in out.stdout and again.stdout == out.stdout
    out = subprocess.run([*run, "train", str(config), *paths, "--output", str(tmp_path / "model"),
                          "--training.max_steps", "5", "--training.eval_frequency", "5",
                          "--nlp.batch_size", "8", "--training.max_epochs", "2"],
                         capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stdout + out.stderr
    assert (tmp_path / "model" / "model-last").is_dir()
    nlp = spacy.load(tmp_path / "model" / "model-last")
    assert "ner" in nlp.pipe_names and set(nlp.get_pipe("ner").labels) == {"PERSON", "GPE", "ORG"}


def test_core_does_not_import_spacy_for_the_spacy_format(store: Store):
    import desktop.core.exporters as core

    assert "spacy" not in core.__dict__
