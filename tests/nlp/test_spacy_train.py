"""Issue 12, item 2: a spaCy export spaCy trains on with no edits.

Every editor boundary is kept (tokens are split at span edges, never a span widened); an
unreviewed entity layer is missing values, not negatives; and ``claimdesk export --format spacy``
writes a ``config.cfg`` under which ``python -m spacy train`` trains NER, spancat (quotes) and
textcat (claim labels) as written.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core import edits
from desktop.core.store import Store
from tests.core.test_exporters import at

spacy = pytest.importorskip("spacy")
from spacy.tokens import DocBin  # noqa: E402
from spacy.training import Corpus  # noqa: E402

NBSP = "\u00a0"
#: The reviewed article: a no-break space, double spaces, a quote over two paragraphs, CRLF, emoji,
#: and "Berlinbefore" (one token to spaCy) where the editor fixed the entity to "Berlin".
REVIEWED = (
    f"Chancellor Olaf{NBSP}Scholz  met  reporters in Berlinbefore noon.\r\n"
    "“Prices will fall,\n\nand wages will rise 🙂 soon,” Scholz said.\r\n"
    "=SUM(A1) is not a formula here; the 👩‍👩‍👧 family from Paris agreed."
)
#: The unreviewed article: one accepted entity, the rest nobody looked at.
UNREVIEWED = "Antony Blinken met Sergey Lavrov in Geneva on Friday, officials said."

SENTENCES = [
    ("Antony Blinken met Sergey Lavrov in Geneva.", [("Antony Blinken", "PERSON"), ("Sergey Lavrov", "PERSON"),
                                                     ("Geneva", "GPE")]),
    ("NATO and Russia disagreed in Brussels.", [("NATO", "ORG"), ("Russia", "GPE"), ("Brussels", "GPE")]),
]


def build_edge_project(store: Store, padding: int = 0) -> dict[str, int]:
    """The edge-case articles (one done, one new) and ``padding`` small done ones; ids by ext_id."""
    t = REVIEWED
    edits.apply(store, edits.AddDocument(
        ext_id="edge/reviewed", text=t,
        entities=(
            {**at(t, f"Olaf{NBSP}Scholz"), "label": "PERSON", "entity": "Olaf Scholz", "origin": "editor"},
            {**at(t, "Berlinbefore"), "label": "GPE", "origin": "model", "status": "suggested"},
            {**at(t, "Scholz", 1), "label": "PERSON", "entity": "Olaf Scholz", "origin": "editor"},
            {**at(t, "Paris"), "label": "GPE", "origin": "editor"},
        ),
        quotes=({"content": [at(t, "“Prices will fall,\n\nand wages will rise 🙂 soon,”")],
                 "speaker": at(t, "Scholz", 1), "cue": at(t, "said"), "type": "direct",
                 "speaker_entity": "Olaf Scholz", "origin": "editor"},),
        claims=(
            {**at(t, "Prices will fall,\n\nand wages will rise 🙂 soon"), "claimant": "Olaf Scholz",
             "labels": {"checkworthiness": "check-worthy", "verdict": "misleading"},
             "note": "=HYPERLINK(\"x\")", "origin": "editor"},
            {**at(t, "=SUM(A1) is not a formula here"), "labels": {"checkworthiness": "opinion"}, "origin": "editor"},
        ),
    ))
    u = UNREVIEWED
    edits.apply(store, edits.AddDocument(
        ext_id="edge/unreviewed", text=u,
        entities=({**at(u, "Geneva"), "label": "GPE", "origin": "editor"},),
        claims=({**at(u, "Antony Blinken met Sergey Lavrov"), "labels": {"verdict": "true"}, "origin": "editor"},),
    ))
    for i in range(padding):
        text, ents = SENTENCES[i % len(SENTENCES)]
        text = f"{text} “We talked for {i} hours,” an aide said."
        edits.apply(store, edits.AddDocument(
            ext_id=f"pad/{i:03d}", text=text,
            entities=tuple({**at(text, e), "label": label, "origin": "editor"} for e, label in ents),
            quotes=({"content": [at(text, f"“We talked for {i} hours,”")], "speaker": at(text, "an aide"),
                     "cue": at(text, "said"), "type": "direct", "origin": "editor"},),
            claims=({**at(text, text.split(".")[0]), "origin": "editor",
                     "labels": {"verdict": ("true", "false")[i % 2], "checkworthiness": "check-worthy"}},),
        ))
    ids = {d["ext_id"]: d["id"] for d in store.document_summaries()}
    berlin = next(m for m in store.mentions(ids["edge/reviewed"]) if t[m.start:m.end] == "Berlinbefore")
    start = t.index("Berlinbefore")
    edits.apply(store, edits.ResizeMention(berlin.id, start, start + len("Berlin")))  # the editor's fix accepts it
    assert next(m for m in store.mentions(ids["edge/reviewed"]) if m.id == berlin.id).prov.status == "accepted"
    for ext_id, doc_id in ids.items():
        if ext_id != "edge/unreviewed":
            edits.apply(store, edits.SetDocumentStatus(doc_id, "done"))
    return ids


def read(path: Path) -> list:
    nlp = spacy.blank("en")
    parts = sorted(path.glob("*.spacy")) if path.is_dir() else [path]
    return [d for p in parts for d in DocBin().from_disk(p).get_docs(nlp.vocab)]


@pytest.fixture
def edge(store):
    build_edge_project(store)
    return store


def export_cli(store: Store, out: Path, *args: str) -> None:
    assert main(["export", str(store.path), "--format", "spacy", "-o", str(out), "--status", "accepted",
                 "--documents", "all", *args]) == 0


def test_every_exported_span_has_the_project_span_text(edge, tmp_path, capsys):
    export_cli(edge, tmp_path / "edge.spacy")
    printed = capsys.readouterr().out
    docs = {d.user_data["claimdesk"]["id"]: d for d in read(tmp_path / "edge.spacy")}
    ids = {d["ext_id"]: d["id"] for d in edge.document_summaries()}
    for ext_id, doc in docs.items():
        text = doc.text
        assert text == edge.document(ids[ext_id]).text
        expected = {
            "entities": sorted(text[m.start:m.end] for m in edge.mentions(ids[ext_id])),
            "quotes": sorted(text[f.start:f.end] for q in edge.quotes(ids[ext_id]) for f in q.content),
            "speakers": sorted(text[q.speaker.start:q.speaker.end] for q in edge.quotes(ids[ext_id]) if q.speaker),
            "cues": sorted(text[q.cue.start:q.cue.end] for q in edge.quotes(ids[ext_id]) if q.cue),
            "claims": sorted(text[c.start:c.end] for c in edge.claims(ids[ext_id])),
        }
        assert {key: sorted(s.text for s in doc.spans[key]) for key in expected} == expected
        assert sorted(e.text for e in doc.ents) == expected["entities"]
    reviewed = docs["edge/reviewed"]
    assert ("Berlin", "GPE") in {(e.text, e.label_) for e in reviewed.ents}  # not "Berlinbefore"
    assert [t.text for t in reviewed if t.text.startswith("Berlin") or t.text == "before"] == ["Berlin", "before"]
    assert f"Olaf{NBSP}Scholz" in {e.text for e in reviewed.ents}
    assert "1 token split at span edges" in printed and "0 spans adjusted" in printed


def aligned_ner(path: Path) -> dict[str, list]:
    """The NER targets spaCy's trainer takes from the export (``Corpus`` + ``Example``: one per token
    of the training tokenizer's ``Doc``), by document."""
    nlp = spacy.blank("en")
    return {eg.reference.user_data["claimdesk"]["id"]: eg.get_aligned_ner() for eg in Corpus(str(path))(nlp)}


def predicted_tokens(path: Path) -> dict[str, list[str]]:
    nlp = spacy.blank("en")
    return {eg.reference.user_data["claimdesk"]["id"]: [t.text for t in eg.predicted] for eg in Corpus(str(path))(nlp)}


def test_an_unreviewed_entity_layer_is_missing_values_not_negatives(edge, tmp_path, capsys):
    export_cli(edge, tmp_path / "edge.spacy")
    printed = capsys.readouterr().out
    tags = aligned_ner(tmp_path / "edge.spacy")
    unreviewed, reviewed = tags["edge/unreviewed"], tags["edge/reviewed"]
    # Geneva (accepted) is an entity; every other token is unknown: no "O" taught for Blinken
    assert [t for t in unreviewed if t is not None] == ["U-GPE"]
    docs = {d.user_data["claimdesk"]["id"]: d for d in read(tmp_path / "edge.spacy")}
    assert [t.ent_iob_ for t in docs["edge/unreviewed"]].count("") == len(docs["edge/unreviewed"]) - 1
    # the reviewed article: what is not an entity is "no entity"
    # (but for "Berlinbefore": one token to the training tokenizer, two in the export, so spaCy's
    # alignment leaves it out of the loss rather than teach either half wrong)
    words = predicted_tokens(tmp_path / "edge.spacy")["edge/reviewed"]
    assert "O" in reviewed and [w for w, t in zip(words, reviewed, strict=True) if t is None] == ["Berlinbefore"]
    n = len(docs["edge/unreviewed"]) - 1
    assert f"1 document with unreviewed entities: {n} tokens written as missing values, not O" in printed
    # claim labels: the reviewed article has every label, the unreviewed one only what it carries
    assert docs["edge/unreviewed"].cats == {"verdict:true": 1.0}
    assert docs["edge/reviewed"].cats["verdict:false"] == 0.0 and docs["edge/reviewed"].cats["verdict:misleading"] == 1.0


def test_the_config_is_written_beside_the_docbins_and_loads(edge, tmp_path, capsys):
    export_cli(edge, tmp_path / "corpus", "--split", "50/50", "--seed", "2")
    printed = capsys.readouterr().out
    config_file = tmp_path / "corpus" / "config.cfg"
    config = spacy.util.load_config(config_file)
    assert config["paths"]["train"] == str(tmp_path / "corpus" / "train.spacy")
    assert config["paths"]["dev"] == str(tmp_path / "corpus" / "dev.spacy")
    assert config["nlp"]["pipeline"] == ["tok2vec", "ner", "span_finder", "spancat", "textcat_multilabel"]
    spancat = config["components"]["spancat"]
    assert spancat["spans_key"] == "quotes" and "spans_quotes_f" in config["training"]["score_weights"]
    assert config["training"]["score_weights"]["spans_sc_f"] is None  # spancat's default key left out
    # the suggester: span_finder learns the quotes' edges, long enough for every exported quote
    lengths = [len(s) for d in read(tmp_path / "corpus") for s in d.spans["quotes"]]
    finder = config["components"]["span_finder"]
    assert finder["spans_key"] == "quotes" and finder["max_length"] == max(lengths)
    assert spancat["suggester"] == {"@misc": "spacy.preset_spans_suggester.v1", "spans_key": "quotes"}
    assert config["training"]["annotating_components"] == ["span_finder"]
    assert f"covers 100% of {len(lengths)} quote spans" in printed
    assert f"training config: {config_file}" in printed
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    assert nlp.get_pipe("spancat").key == "quotes"
    # without a split: OUT.cfg beside OUT.spacy, training and evaluating on the export itself
    export_cli(edge, tmp_path / "one.spacy")
    single = spacy.util.load_config(tmp_path / "one.cfg")
    assert single["paths"]["train"] == single["paths"]["dev"] == str(tmp_path / "one.spacy")


def test_an_export_with_nothing_to_train_writes_no_config(store, tmp_path, capsys):
    edits.apply(store, edits.AddDocument(ext_id="plain", text="Nothing annotated here."))
    export_cli(store, tmp_path / "plain.spacy")
    assert "no training config" in capsys.readouterr().out
    assert not (tmp_path / "plain.cfg").exists() and (tmp_path / "plain.spacy").is_file()


@pytest.mark.slow
def test_spacy_debug_data_and_train_run_on_the_written_config(store, tmp_path):
    # debug data calls fewer than 100 training documents an error for a new pipeline
    build_edge_project(store, padding=130)
    export_cli(store, tmp_path / "corpus", "--split", "80/20", "--seed", "1")
    corpus = tmp_path / "corpus"
    run = [sys.executable, "-m", "spacy"]
    out = subprocess.run([*run, "debug", "data", "config.cfg"], cwd=corpus, capture_output=True, text=True,
                         timeout=180)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Corpus is loadable" in out.stdout and "spans_key 'quotes'" in out.stdout
    # spaCy's trainer reads the unreviewed article's other tokens as missing (debug data's own
    # "missing value(s)" line skips them: get_aligned_ner gives None, which it does not count)
    tags = {**aligned_ner(corpus / "train.spacy"), **aligned_ner(corpus / "dev.spacy")}
    assert tags["edge/unreviewed"].count(None) == len(tags["edge/unreviewed"]) - 1
    out = subprocess.run([*run, "train", "config.cfg", "--output", str(tmp_path / "model"),
                          "--training.max_steps", "10", "--training.eval_frequency", "5"],
                         cwd=corpus, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    nlp = spacy.load(tmp_path / "model" / "model-last")
    assert nlp.pipe_names == ["tok2vec", "ner", "span_finder", "spancat", "textcat_multilabel"]
    assert set(nlp.get_pipe("ner").labels) == {"PERSON", "GPE", "ORG"}
    assert set(nlp.get_pipe("spancat").labels) == {"direct"} and nlp.get_pipe("spancat").key == "quotes"
    assert {"verdict:true", "verdict:false", "checkworthiness:opinion"} <= set(nlp.get_pipe("textcat_multilabel").labels)
    # the dev set was scored on the quotes key, the entities and the claim labels
    performance = json.loads((tmp_path / "model" / "model-last" / "meta.json").read_text())["performance"]
    assert {"ents_f", "spans_quotes_f", "cats_score"} <= set(performance)
