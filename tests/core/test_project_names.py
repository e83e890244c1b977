"""One project-suffix rule (desktop.paths): what a new project is called, which file a name opens."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.cli.export import main as export_main
from desktop.core import edits
from desktop.core.store import Store
from desktop.paths import PROJECT_SUFFIX, ProjectNameError, find_project, is_project_file, project_file


@pytest.mark.parametrize(("name", "created"), [
    ("news", "news.claimdesk"),
    ("news.claimdesk", "news.claimdesk"),
    ("news.CLAIMDESK", "news.CLAIMDESK"),          # already a project name: not news.CLAIMDESK.claimdesk
    ("Ukraine talks 12.03", "Ukraine talks 12.03.claimdesk"),  # a dot in the name is not a suffix
    ("corpus.db", "corpus.db.claimdesk"),          # every project shows in the Open dialog's *.claimdesk
    ("stories/geneva", "stories/geneva.claimdesk"),
])
def test_a_new_project_gets_the_suffix_unless_it_has_it(name, created):
    assert project_file(name) == Path(created)
    assert is_project_file(project_file(name))


@pytest.mark.parametrize("name", ["", "   ", ".", "..", "stories/.."])
def test_a_name_that_is_no_file_name_is_one_line(name):
    with pytest.raises(ProjectNameError, match=r"is not a file name; give the project one \(e.g. news.claimdesk\)"):
        project_file(name)


def test_is_project_file_ignores_case_and_folders():
    assert PROJECT_SUFFIX == ".claimdesk"
    assert is_project_file("a/b/x.claimdesk") and is_project_file("X.ClaimDesk")
    assert not is_project_file("x.claimdesk.lock") and not is_project_file("claimdesk") and not is_project_file("x.db")


def test_find_project_prefers_the_name_as_given_then_the_suffixed_one(tmp_path):
    (tmp_path / "renamed.db").write_bytes(b"")
    (tmp_path / "talks.2024.claimdesk").write_bytes(b"")
    (tmp_path / "news.claimdesk").write_bytes(b"")
    (tmp_path / "news").write_bytes(b"")  # a file of that very name wins over news.claimdesk
    assert find_project(tmp_path / "renamed.db") == tmp_path / "renamed.db"
    assert find_project(tmp_path / "talks.2024") == tmp_path / "talks.2024.claimdesk"
    assert find_project(tmp_path / "news") == tmp_path / "news"
    assert find_project(tmp_path / "missing") == tmp_path / "missing"  # the error names what was typed
    assert find_project("") == Path("")


def test_export_finds_a_project_named_without_its_suffix_even_with_a_dot_in_the_name(tmp_path, capsys):
    with Store.create(tmp_path / "talks.2024.claimdesk") as store:
        edits.apply(store, edits.AddDocument("d1", "Lavrov said the talks were useful."))
    assert export_main([str(tmp_path / "talks.2024"), "--format", "jsonl", "-o", str(tmp_path / "out")]) == 0
    assert "exported 1 document" in capsys.readouterr().out
    assert (tmp_path / "out.jsonl").is_file()


def test_claimdesk_new_names_the_project_by_the_rule(tmp_path, capsys):
    from desktop.cli import main

    assert main(["new", str(tmp_path / "corpus.db")]) == 0
    assert main(["new", str(tmp_path / "upper.CLAIMDESK")]) == 0
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == \
        ["corpus.db.claimdesk", "upper.CLAIMDESK"]
    assert main(["new", "  "]) == 1
    assert "is not a file name" in capsys.readouterr().err


def test_every_command_that_opens_a_project_finds_it_without_its_suffix(tmp_path, capsys):
    from desktop.cli import main

    assert main(["new", str(tmp_path / "news")]) == 0
    (tmp_path / "story.txt").write_text("Lavrov said the talks in Geneva were useful.", encoding="utf-8")
    bare = str(tmp_path / "news")
    assert main(["import", bare, str(tmp_path / "story.txt")]) == 0
    assert main(["info", bare]) == 0
    assert "documents: 1" in capsys.readouterr().out
    assert main(["check", bare]) == 0
    assert main(["status", bare, "story", "done"]) == 0
    assert main(["history", bare]) == 0
    assert not (tmp_path / "news").exists()  # nothing was made under the bare name
    assert main(["info", str(tmp_path / "elsewhere")]) == 1
    assert "elsewhere: no such project file" in capsys.readouterr().err  # the name as typed
