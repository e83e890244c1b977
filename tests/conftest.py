"""Shared fixtures: headless Qt, an isolated data folder, small projects to edit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"

SAMPLE = (
    "U.S. Secretary of State Antony Blinken met Russian Foreign Minister Sergey Lavrov in Geneva. "
    "“We don’t expect to resolve our differences here today,” Blinken told Lavrov. "
    "Lavrov said the talks were constructive."
)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Settings, the demo project and the annotator name never touch the real user folders."""
    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("CLAIMDESK_DATA_DIR", str(data))
    monkeypatch.setenv("CLAIMDESK_ANNOTATOR", "tester")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(data / "config"))


@pytest.fixture(scope="session")
def annotated_seeds(tmp_path_factory):
    """``copy(path)``: a copy at ``path`` of the seeds project made by ``claimdesk new``, ``import
    seeds/``, ``settings claims.threshold 1`` and ``annotate`` (built once per session: each build loads spaCy and parses the
    seeds). Returns ``path``."""
    import shutil

    from tests.e2e.test_cli import claimdesk

    pristine = tmp_path_factory.mktemp("annotated-seeds") / "seeds.claimdesk"
    env = {"CLAIMDESK_DATA_DIR": str(tmp_path_factory.mktemp("seeds-data")), "CLAIMDESK_ANNOTATOR": "tester"}
    # no claim suggestions (claims.threshold 1): the export tests count the seeds' editor claims;
    # tests/nlp/test_scores.py covers the claim suggestions
    for args in (("new",), ("import", str(SEEDS)), ("settings", "claims.threshold", "1"), ("annotate",)):
        res = claimdesk(args[0], str(pristine), *args[1:], env_extra=env)
        assert res.returncode == 0, res.stderr

    def copy(path: Path) -> Path:
        for suffix in ("", "-wal"):
            source = Path(f"{pristine}{suffix}")
            if source.exists():
                shutil.copyfile(source, f"{path}{suffix}")
        return path

    return copy


#: the seeds' four troop-figure sentences (issue 15's "number" discrepancy): (article, start)
TROOP_SENTENCES = (("000_4e8e7165941dcf45", "Russia has been amassing"), ("001_b662277d12457799", "With more than 100,000"),
                   ("002_7aa081e1965c350a", "Russia has dispatched"), ("003_f5573d1949718a5b", "With an estimated 100,000"))


def mark_troop_claims(path: Path) -> Path:
    """An editor marks the troop-figure sentences as claims in four outlets of the seeds project."""
    from desktop.core import edits as E
    from desktop.core.store import Store

    with Store.open(path) as store:
        for ext_id, start in TROOP_SENTENCES:
            doc = store.document_by_ext_id(ext_id)
            s = doc.text.index(start)
            end = min(doc.text.index(".", s) + 1, doc.text.index("\n", s) if "\n" in doc.text[s:] else len(doc.text))
            E.apply(store, E.AddClaim(doc.id, s, end))
    return path


@pytest.fixture(autouse=True, scope="session")
def _empty_clipboard_at_exit():
    """Qt's offscreen platform crashes at exit (SIGSEGV, after every test passed) while the
    clipboard holds a large text; tests that copy leave it empty."""
    yield
    import sys

    if "PySide6.QtWidgets" in sys.modules:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if app is not None:
            app.clipboard().clear()


@pytest.fixture
def store(tmp_path):
    from desktop.core.store import Store

    s = Store.create(tmp_path / "test.claimdesk")
    yield s
    s.close()


@pytest.fixture
def sample_doc(store):
    """A project with one document holding a model suggestion, an imported entity and a quote."""
    return _make_sample(store)


def _make_sample(store):
    from desktop.core import edits

    edits.apply(store, edits.AddDocument(
        ext_id="sample", text=SAMPLE, title="Sample", source="example.com",
        entities=(
            {"start": 24, "end": 38, "label": "PERSON", "entity": "Antony Blinken", "origin": "model",
             "status": "suggested"},
            {"start": 85, "end": 91, "label": "GPE", "origin": "import"},
        ),
        quotes=({"content": [{"start": 93, "end": 148}], "speaker": {"start": 150, "end": 157},
                 "cue": {"start": 158, "end": 162}, "type": "direct", "speaker_entity": "Antony Blinken",
                 "origin": "model", "status": "suggested"},),
        claims=({"start": 171, "end": 211, "labels": {"checkworthiness": "opinion"}, "claimant": "Sergey Lavrov"},),
    ))
    return store.document_by_ext_id("sample")


#: The seeds' first article (The Hill), where seeded_project puts its suggestions.
HILL = "000_4e8e7165941dcf45"


def seeded_project(path: Path) -> Path:
    """The seeds imported into a new project at ``path``, with three model suggestions in the
    first article: Antony Blinken PERSON, Sergey Lavrov ORG (wrong, to fix), Geneva GPE."""
    from desktop.core import edits
    from desktop.core.jobs import import_into
    from desktop.core.store import Store

    with Store.create(path) as store:
        import_into(store, [SEEDS])
        doc = store.document_by_ext_id(HILL)
        blinken, lavrov, geneva = (doc.text.index(s) for s in ("Antony Blinken", "Sergey Lavrov", "Geneva"))
        edits.apply(store, edits.ReplaceSuggestions(doc.id, "test-model 1", entities=(
            {"start": blinken, "end": blinken + 14, "label": "PERSON"},
            {"start": lavrov, "end": lavrov + 13, "label": "ORG"},
            {"start": geneva, "end": geneva + 6, "label": "GPE"},
        )))
    return path


def dump(store) -> dict:
    """Every row of every table an edit can change (history and meta aside), for comparisons."""
    from desktop.core.store import EDITABLE_TABLES

    return {t: [dict(r) for r in store.conn.execute(f"SELECT * FROM {t} ORDER BY id")] for t in EDITABLE_TABLES}
