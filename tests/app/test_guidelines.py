"""The annotation guidelines (desktop.app.guidelines): shipped in resources/, a project's own copy
kept as the ``guidelines`` setting (an edit with an exact inverse), carried by a JSONL copy."""

from __future__ import annotations

import json
import re

import pytest

from desktop.app import guidelines as G
from desktop.core import edits as E
from desktop.core.exporters import export_project
from desktop.core.jobs import import_into
from desktop.core.settings import GUIDELINES, GUIDELINES_MAX_CHARS, SETTINGS
from desktop.core.store import Store
from desktop.nlp.quotes import CONTENT_CONVENTIONS
from desktop.paths import resources_dir, seeds_dir

OWN = "# Our desk's rules\n\nMark every quote.\nA speaker is *who is credited*.\n"


def test_the_shipped_guidelines_cover_quotes_speakers_claims_labels_and_both_conventions():
    text = G.shipped_guidelines()
    headings = re.findall(r"^#+ (.+)$", text, re.M)
    for heading in ("1. Entities", "2. Quotes", "Speakers", "Content spans", "Not quotes", "3. Claims",
                    "4. The two quote content conventions"):
        assert heading in headings
    for kind in ("**direct**", "**indirect**", "**mixed**", "**cue**", "**speaker entity**", "check-worthy",
                 "opinion", "predictions"):
        assert kind in text
    for convention in CONTENT_CONVENTIONS:  # the conventions the pre-annotation offers, by name
        assert f"**{convention}**" in text and "--content clause|parc" in text
    schema = json.loads((resources_dir() / "label_schema.json").read_text(encoding="utf-8"))
    for label in schema["entity"]:
        assert f"| {label['name']} " in text, label["name"]
    for labels in schema["claim"].values():
        for label in labels:
            assert f"*{label['name']}*" in text, label["name"]
    # every example quoted from the seeds is in the seeds, word for word
    seeds = " ".join(" ".join(p.read_text(encoding="utf-8").split()) for p in seeds_dir().glob("*.txt"))
    flowing = " ".join(text.split())  # the guidelines wrap their lines
    for example in ("We should also think about new business areas that can help lead both sides out of this "
                    "confrontational position", "Blinken said Friday that he does rule out the idea of more direct "
                    "dialogue between Biden and Russian President Vladimir Putin", "Hotel President Wilson",
                    "Russia has dispatched some 100,000 troops to the Ukrainian border",
                    "US President Joe Biden, who recently suggested Russia would witness a “disaster” if it attacked "
                    "Ukraine"):
        assert example in flowing and example in seeds, example


def test_a_project_follows_the_shipped_guidelines_until_it_keeps_its_own(store):
    shipped = G.shipped_guidelines()
    assert G.project_guidelines(None) == G.Guidelines(shipped, False)
    assert G.project_guidelines(store) == G.Guidelines(shipped, False)
    assert G.edit_guidelines(store, shipped + "\n") is None  # nothing to keep: no step
    assert G.reset_guidelines(store) is None

    edit = G.edit_guidelines(store, OWN)
    before = [tuple(r) for r in store.conn.execute("SELECT * FROM settings")]
    inverse = E.apply(store, edit)
    assert G.project_guidelines(store) == G.Guidelines(OWN.strip(), True)
    assert store.settings() == {GUIDELINES: OWN.strip()}  # several lines, as typed
    assert G.edit_guidelines(store, OWN) is None

    reset = E.apply(store, G.reset_guidelines(store))
    assert G.project_guidelines(store).own is False
    E.apply(store, reset)  # undo the reset: the project's copy is back
    assert G.project_guidelines(store).text == OWN.strip()
    E.apply(store, inverse)
    assert [tuple(r) for r in store.conn.execute("SELECT * FROM settings")] == before


def test_guidelines_are_refused_with_one_line_when_they_cannot_be_stored(store):
    with pytest.raises(E.EditError, match="NUL"):
        E.apply(store, E.SetSetting(GUIDELINES, "a\x00b"))
    with pytest.raises(E.EditError, match="the most is"):
        E.apply(store, E.SetSetting(GUIDELINES, "x" * (GUIDELINES_MAX_CHARS + 1)))
    with pytest.raises(E.EditError, match="must be one line"):  # the other settings stay one line
        E.apply(store, E.SetSetting("publisher.name", "Full\nFact"))
    assert store.settings() == {} and GUIDELINES not in SETTINGS  # not one a ClaimReview needs


def test_a_jsonl_copy_of_the_project_carries_its_guidelines(store, tmp_path):
    E.apply(store, E.AddDocument(ext_id="d1", text="Blinken said the talks were useful."))
    E.apply(store, G.edit_guidelines(store, OWN))
    export_project(store, "jsonl", tmp_path / "p.jsonl", status="all")
    header = json.loads((tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()[0])["claimdesk"]
    assert header["settings"] == {GUIDELINES: OWN.strip()}
    with Store.create(tmp_path / "copy.claimdesk") as copy:
        report = import_into(copy, [tmp_path / "p.jsonl"])
        assert report.problems == []
        assert G.project_guidelines(copy) == G.Guidelines(OWN.strip(), True)
        export_project(copy, "jsonl", tmp_path / "again.jsonl", status="all")
    assert (tmp_path / "again.jsonl").read_bytes() == (tmp_path / "p.jsonl").read_bytes()


def test_the_settings_command_sets_shows_and_unsets_the_guidelines(tmp_path, capsys):
    from desktop.cli import main

    path = tmp_path / "p.claimdesk"
    assert main(["new", str(path)]) == 0
    assert main(["settings", str(path), GUIDELINES, OWN]) == 0
    capsys.readouterr()
    assert main(["settings", str(path), GUIDELINES]) == 0
    assert capsys.readouterr().out == OWN.strip() + "\n"  # as it is: `> rules.md` keeps it
    assert main(["settings", str(path)]) == 0
    assert "Mark every quote" not in capsys.readouterr().out  # the one-line settings only
    assert main(["settings", str(path), "--unset", GUIDELINES]) == 0
    with Store.open(path, readonly=True) as store:
        assert G.project_guidelines(store).own is False
