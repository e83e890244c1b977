"""Issue 14, item 2: every quote rule (desktop/nlp/quotes/rules.py) has example cases kept as data
(``cases/*.jsonl``, one case a line: ``rule``, ``text``, and ``quotes``, every quote the text
must give, in order: content fragments, speaker, cue, type, and ``by``, the rule that must make
it when not the case's own — a rule that only rules something out shows its effect on another).
One parametrized test runs them all, with the default content convention unless the case names
another (``convention``: "parc" for the attributions only that convention makes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.nlp.quotes import extract_quotes
from desktop.nlp.quotes.rules import RULES

CASES = Path(__file__).parent / "cases"


def _cases() -> list[tuple[str, int, dict]]:
    out = []
    for path in sorted(CASES.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                out.append((path.name, n, json.loads(line)))
    return out


@pytest.fixture(scope="module")
def nlp():
    from desktop.nlp.pipeline import load_pipeline

    return load_pipeline()


def _text(text: str, span: dict | None) -> str | None:
    return None if span is None else text[span["start"]:span["end"]]


@pytest.mark.parametrize(("file", "line", "case"), _cases(), ids=lambda v: v if isinstance(v, str) else None)
def test_case(nlp, file, line, case):
    assert case["rule"] in RULES, f"{file}:{line}: no rule named {case['rule']!r}"
    text = case["text"]
    rules: list[str] = []
    found = [{"content": [_text(text, f) for f in q["content"]], "speaker": _text(text, q["speaker"]),
              "cue": _text(text, q["cue"]), "type": q["type"], "by": rule}
             for q, rule in zip(extract_quotes(nlp(text), case.get("convention", "clause"), rules=rules), rules, strict=True)]
    expected = [{**q, "by": q.get("by", case["rule"])} for q in case["quotes"]]
    assert found == expected, f"{file}:{line}: {text!r}"


def test_every_rule_has_a_case_and_every_case_a_rule():
    cases = _cases()
    named = {case["rule"] for _, _, case in cases} | {q["by"] for _, _, case in cases for q in case["quotes"] if "by" in q}
    assert sorted(set(RULES) - named) == [], "rules without an example case"
    assert sorted(named - set(RULES)) == [], "cases naming no rule"
    assert all(RULES[name].what for name in RULES)
