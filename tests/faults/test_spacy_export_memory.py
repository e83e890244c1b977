"""Issue 10, item 16: ``export -f spacy`` keeps its memory flat, whatever the project's size.

The export held every document of the project in one ``DocBin`` until the end (about 400 KB of
resident memory per news article: 2,000 articles took 840 MB).  Now it writes ``DocBin`` parts
of bounded size one at a time, so the peak no longer grows with the number of documents.
Memory, unlike time, is stable on a slow or busy machine, so the bound is an assertion here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.bench.harness import BenchConfig, build_large_project, run_child

spacy = pytest.importorskip("spacy")
from spacy.tokens import DocBin  # noqa: E402

#: 1,500 bench articles (10-24 paragraphs, ~30 annotations each): the whole-corpus DocBin peaked
#: at about 550 MB; streamed parts stay near 230 MB, spaCy's import (~115 MB) included.
DOCUMENTS = 1500
BOUND_MB = 400


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("spacy-memory") / "many.claimdesk"
    cfg = BenchConfig(large_docs=DOCUMENTS, large_annotations=30 * DOCUMENTS, big_words=2000, big_spans=100)
    build_large_project(path, cfg)
    return path


def test_spacy_export_peak_memory_does_not_grow_with_the_project(project, tmp_path):
    out = tmp_path / "corpus.spacy"
    result = run_child("export", {"project": str(project), "out": str(out), "format": "spacy"}, tmp_path)
    assert result["documents"] == DOCUMENTS
    assert result["peak_rss_mb"] < BOUND_MB, f"peak {result['peak_rss_mb']:.0f} MB"
    # every document is there, once, in spaCy's own reader order
    nlp = spacy.blank("en")
    parts = sorted(out.glob("*.spacy")) if out.is_dir() else [out]
    ids = [d.user_data["claimdesk"]["id"] for p in parts for d in DocBin().from_disk(p).get_docs(nlp.vocab)]
    assert len(ids) == DOCUMENTS and len(set(ids)) == DOCUMENTS and ids == sorted(ids)
