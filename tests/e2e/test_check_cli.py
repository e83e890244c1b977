"""``claimdesk check PROJECT [--json]``: nothing on a healthy project (exit 0), one summary line
and exit 1 on a project whose bookkeeping was broken behind Claimdesk's back."""

from __future__ import annotations

import json
import sqlite3

from desktop import cli
from desktop.core import edits as E
from desktop.core.store import Store
from tests.conftest import SAMPLE, SEEDS, _make_sample


def _project(tmp_path):
    path = tmp_path / "p.claimdesk"
    with Store.create(path) as store:
        doc = _make_sample(store)
        # the newcomer's scenario on the sample: relabel, resize, new span, merge, speaker change
        text = SAMPLE
        model = next(m for m in store.mentions(doc.id) if m.prov.origin == "model")
        E.apply(store, E.RelabelMention(model.id, "ORG"))
        E.apply(store, E.ResizeMention(model.id, text.index("Blinken"), text.index("Blinken") + 7))
        lavrov = text.index("Sergey Lavrov")
        E.apply(store, E.AddMention(doc.id, lavrov, lavrov + 13, "PERSON"))
        E.apply(store, E.AddMention(doc.id, text.index("Lavrov said"), text.index("Lavrov said") + 6, "PERSON"))
        people = [e.id for e in store.entities() if e.type == "PERSON"]
        E.apply(store, E.MergeEntities(people[0], tuple(people[1:])))
        E.apply(store, E.EditQuote(store.quotes(doc.id)[0].id, {"speaker": (lavrov - 25, lavrov + 13)}))
    assert cli.main(["import", str(path), str(SEEDS)]) == 0
    return path


def test_healthy_project_reports_no_problems(tmp_path, capsys):
    path = _project(tmp_path)
    capsys.readouterr()
    assert cli.main(["check", str(path)]) == 0
    assert capsys.readouterr().out.strip() == "no problems found"
    assert cli.main(["check", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_broken_project_gives_one_summary_line_and_exit_1(tmp_path, capsys):
    path = _project(tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE mentions SET entity_id = NULL WHERE status = 'accepted'")
    conn.execute("UPDATE mentions SET status = 'accepted', label = 'NORP' WHERE id = (SELECT max(id) FROM mentions "
                 "WHERE entity_id IS NULL)")
    conn.execute("INSERT INTO claims (doc_id, start, \"end\", claimant_entity_id, origin, status, created_at, "
                 "updated_at) VALUES (1, 0, 5, 999, 'editor', 'accepted', 'x', 'x')")
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert cli.main(["check", str(path)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert out[0].split(":")[0].endswith("problems")
    assert "mention-without-entity" in out[0] and "dangling-reference" in out[0]
    assert cli.main(["check", str(path), "--json"]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert {p["rule"] for p in problems} >= {"mention-without-entity", "dangling-reference"}
    assert all(set(p) == {"rule", "table", "id", "message"} for p in problems)
    assert any(p["table"] == "claims" and p["id"] is not None for p in problems)


def test_check_of_a_missing_project_is_one_error_line(tmp_path, capsys):
    assert cli.main(["check", str(tmp_path / "nope.claimdesk")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("claimdesk: error:")
