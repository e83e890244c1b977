"""resources/ and seeds/ are found from an editable install and from a built wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from tests.conftest import REPO


def test_editable_install_finds_resources_and_seeds():
    from desktop.paths import resources_dir, seeds_dir

    assert (resources_dir() / "label_schema.json").is_file()
    assert (resources_dir() / "guidelines" / "en.md").is_file()
    assert len(list(seeds_dir().glob("*.txt"))) == 5


@pytest.mark.slow
def test_built_wheel_carries_resources_and_seeds(tmp_path):
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0 and "Could not find a version" in out.stderr:
        pytest.skip("no package index reachable to build the wheel")
    assert out.returncode == 0, out.stderr
    wheel = next(tmp_path.glob("claimdesk-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "desktop/resources/label_schema.json" in names
    assert "desktop/resources/icons/claimdesk.svg" in names
    assert "desktop/resources/guidelines/en.md" in names  # Help ▸ Annotation Guidelines
    assert "desktop/resources/lang/en/speech_verbs.txt" in names and "desktop/resources/lang/en/prep_content.tsv" in names
    assert "desktop/nlp/quotes/linking.py" in names  # the quote rules' stage modules
    assert sum(n.startswith("desktop/seeds/") and n.endswith(".txt") for n in names) == 5
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from desktop.paths import resources_dir, seeds_dir; "
            "from desktop.nlp.quotes.lexicon import lexicon_for; assert 'say' in lexicon_for('en').speech_verbs; "
            "print(resources_dir()); print(len(list(seeds_dir().glob('*.txt'))))")
    res = subprocess.run([sys.executable, "-c", code, str(unpacked)], capture_output=True, text=True,
                         cwd=tmp_path, timeout=120)
    assert res.returncode == 0, res.stderr
    where, count = res.stdout.split()
    assert where.startswith(str(unpacked)) and count == "5"
