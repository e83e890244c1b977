"""A tiny run of ``claimdesk bench``'s machinery: every step works and reports every metric.

Sizes are tiny and nothing is timed here; the real figures come from ``claimdesk bench``.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from desktop.bench.harness import (
    TARGETS,
    BenchConfig,
    Corpus,
    _p95,
    add_long_article,
    build_large_project,
    format_table,
    measure_story_alignment,
    passes,
    run_bench,
    run_child,
)
from desktop.core import invariants
from desktop.core.store import Store
from tests.conftest import REPO


def test_corpus_is_deterministic_and_texts_differ():
    a, b = Corpus(3).texts(12), Corpus(3).texts(12)
    assert a == b
    assert len(set(a)) == 12
    assert Corpus(4).texts(12) != a
    names = "".join(a)
    assert "Blinken" not in names and "Lavrov" not in names  # names were swapped


def test_large_project_rows_are_what_the_store_reads(tmp_path):
    cfg = BenchConfig(large_docs=40, large_annotations=1200, big_words=800, big_spans=80)
    big = build_large_project(tmp_path / "large.claimdesk", cfg)
    with Store.open(big.path) as store:
        assert store.integrity_check() == ["ok"]
        assert store.document_count() == 40
        counts = store.counts()
        total = sum(counts[f"{layer}_by_status"][s] for layer in ("entities", "quotes", "claims")
                    for s in ("suggested", "accepted", "rejected"))
        assert total == big.annotations and abs(total - 1200) < 60
        doc = store.document(big.big_doc_id)
        assert len(doc.text.split()) >= 800
        layers = (store.mentions(doc.id), store.quotes(doc.id), store.claims(doc.id))
        assert sum(len(x) for x in layers) == 80
        for d in store.documents():
            for m in store.mentions(d.id):
                assert 0 <= m.start < m.end <= len(d.text)
            for q in store.quotes(d.id):
                assert all(0 <= f.start < f.end <= len(d.text) for f in q.content)
        assert store.conn.execute("SELECT count(*) FROM documents WHERE annotated_model IS NULL").fetchone()[0] == 0
        assert store.search(doc.text.split()[5])


def test_the_long_article_is_added_with_its_annotations(tmp_path):
    cfg = BenchConfig(large_docs=10, large_annotations=300, big_words=300, big_spans=20, long_words=3000,
                      long_spans=300)
    big = build_large_project(tmp_path / "large.claimdesk", cfg)
    doc_id = add_long_article(big.path, cfg)
    with Store.open(big.path) as store:
        assert store.integrity_check() == ["ok"] and store.document_count() == 11
        doc = store.document(doc_id)
        assert len(doc.text.split()) >= 3000
        mentions, quotes, claims = store.mentions(doc_id), store.quotes(doc_id), store.claims(doc_id)
        assert (len(mentions), len(quotes), len(claims)) == (256, 22, 22)
        assert all(0 <= m.start < m.end <= len(doc.text) and m.entity_id is not None for m in mentions)
        assert all(q.speaker is None or q.speaker.end <= len(doc.text) for q in quotes)
        assert not invariants.check(store)  # the rows keep the store's rules


def test_p95_and_verdicts():
    assert _p95(list(range(1, 101))) == 95
    assert passes("annotate_vs_raw_spacy", 0.9) and not passes("annotate_vs_raw_spacy", 0.8)
    assert passes("search_p95_ms", 99) and not passes("search_p95_ms", 101)


@pytest.mark.slow
def test_tiny_bench_run_reports_every_metric(tmp_path):
    cfg = BenchConfig(annotate_docs=3, large_docs=30, large_annotations=600, big_words=400, big_spans=40,
                      long_words=1000, long_spans=100, switch_repeats=2, edit_repeats=2, search_repeats=1,
                      scale_docs=60, import_docs=10, ner_train_sentences=40)
    report = run_bench(cfg, workdir=tmp_path)
    assert list(report["results"]) == list(TARGETS)
    for key, value in report["results"].items():
        assert isinstance(value, (int, float)) and math.isfinite(value), key
    assert report["raw"]["window"]["edits_committed"] == 2
    assert report["raw"]["annotate"]["tokens"] > 0
    assert report["raw"]["train_ner"]["sentences"] >= 30 and report["raw"]["train_ner"]["entities"] > 0
    assert report["raw"]["export_spacy"]["documents"] == 30 and report["results"]["export_spacy_peak_rss_mb"] > 0
    assert not (tmp_path / "export.spacy").exists()  # the export is removed after measuring
    assert report["machine"]["cores_logical"] >= 1
    table = format_table(report)
    for key in TARGETS:
        assert key in table


def test_the_export_child_measures_any_format(tmp_path):
    cfg = BenchConfig(large_docs=12, large_annotations=240, big_words=300, big_spans=20)
    big = build_large_project(tmp_path / "large.claimdesk", cfg)
    # the spaCy export writes its training config (e.cfg) beside the DocBin
    for fmt, written in (("jsonl", ["e.jsonl"]), ("spacy", ["e.spacy", "e.cfg"])):
        out = tmp_path / written[0]
        result = run_child("export", {"project": str(big.path), "out": str(out), "format": fmt}, tmp_path)
        assert result["documents"] == 12 and result["files"] == len(written) and result["peak_rss_mb"] > 0
        assert result["bytes"] == sum((tmp_path / name).stat().st_size for name in written)


def test_bench_is_a_claimdesk_command():
    out = subprocess.run([sys.executable, "-m", "desktop", "bench", "--help"], capture_output=True, text=True,
                         cwd=REPO, timeout=120)
    assert out.returncode == 0
    for option in ("--quick", "--json", "--docs"):
        assert option in out.stdout
    bad = subprocess.run([sys.executable, "-m", "desktop", "bench", "--docs", "1"], capture_output=True, text=True,
                         cwd=REPO, timeout=120)
    assert bad.returncode == 1 and bad.stderr.startswith("claimdesk: error:") and "Traceback" not in bad.stderr


def test_targets_are_the_documented_keys():
    assert set(TARGETS) == {"annotate_vs_raw_spacy", "processes2_vs_1", "open_project_s", "open_project_rss_mb",
                            "doc_switch_p95_ms", "doc_switch_100k_words_p95_ms", "edit_commit_p95_ms", "edit_roundtrip_p95_ms", "search_p95_ms", "export_jsonl_s",
                            "export_peak_rss_mb", "export_spacy_peak_rss_mb",
                            "open_100k_docs_s", "search_100k_docs_p95_ms", "import_10k_s",
                            "annotate_10k_docs_peak_rss_mb", "story_align_50_s", "train_claims_300_s",
                            "train_ner_300_s"}
    json.dumps(TARGETS)


@pytest.mark.slow
def test_the_training_bench_trains_and_stores_a_model(tmp_path):
    from desktop.bench.harness import measure_training

    result = measure_training(tmp_path, 300)
    assert result["sentences"] >= 250 and result["check_worthy"] > 0 and result["seconds"] > 0
    assert result["stored"] and result["map_after"] > result["map_before"]


def test_the_story_bench_aligns_a_story_of_varied_seed_articles(tmp_path):
    result = measure_story_alignment(tmp_path, 6, seed=1)
    assert result["articles"] == 6 and result["versions"] > 30 and result["across_outlets"] > 5
    assert result["align_s"] > 0 and result["rebuild_s"] > 0
    with Store.open(tmp_path / "story-6.claimdesk", readonly=True) as store:
        assert store.document_count() == 6 and len({d.story for d in store.documents()}) == 1
        assert store.conn.execute("SELECT count(*) FROM story_clusters").fetchone()[0] > 0
