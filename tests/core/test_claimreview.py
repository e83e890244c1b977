"""ClaimReview as Google accepts it, and the project settings it needs.

The checker below is written from Google Search Central, "Fact check (ClaimReview) structured
data", https://developers.google.com/search/docs/appearance/structured-data/factcheck (the
"Structured data type definitions" tables): ClaimReview requires ``claimReviewed``,
``reviewRating`` and ``url`` and recommends ``author`` (the fact-checking organisation, with
``name`` and ``url``), ``datePublished`` and ``itemReviewed``; a Claim recommends ``appearance``,
``author`` (Organization or Person), ``datePublished`` and ``firstAppearance``; a Rating requires
``alternateName`` (its numeric properties are for numeric scales).  It does not reuse the
exporter's own lists.
"""

from __future__ import annotations

import json

import pytest

from desktop.cli import main
from desktop.core import edits
from desktop.core.exporters import export_project
from desktop.core.store import Store


def _present(value) -> bool:
    return value not in (None, "", [], {})


def google_problems(record: dict) -> tuple[list[str], list[str]]:
    """(errors, warnings) of one ClaimReview against Google's required/recommended properties."""
    errors, warnings = [], []
    if record.get("@context") not in ("https://schema.org", "http://schema.org", "https://schema.org/"):
        errors.append("@context")
    if record.get("@type") != "ClaimReview":
        errors.append("@type")
    for prop in ("claimReviewed", "url"):
        if not _present(record.get(prop)):
            errors.append(prop)
    if "url" in record and not str(record["url"]).startswith(("http://", "https://")):
        errors.append("url (not http/https)")
    rating = record.get("reviewRating")
    if not isinstance(rating, dict) or rating.get("@type") != "Rating" or not _present(rating.get("alternateName")):
        errors.append("reviewRating.alternateName")
    author = record.get("author")
    if not isinstance(author, dict) or author.get("@type") not in ("Organization", "Person"):
        warnings.append("author")
    else:
        warnings += [f"author.{k}" for k in ("name", "url") if not _present(author.get(k))]
    if not _present(record.get("datePublished")):
        warnings.append("datePublished")
    item = record.get("itemReviewed")
    if not isinstance(item, dict) or item.get("@type") != "Claim":
        warnings.append("itemReviewed")
        return errors, warnings
    claim_author = item.get("author")
    if not isinstance(claim_author, dict) or claim_author.get("@type") not in ("Organization", "Person") \
            or not _present(claim_author.get("name")):
        warnings.append("itemReviewed.author")
    if not _present(item.get("datePublished")):
        warnings.append("itemReviewed.datePublished")
    appearances = item.get("appearance")
    appearances = appearances if isinstance(appearances, list) else [appearances]
    if not any(isinstance(a, dict) and str(a.get("url", "")).startswith(("http://", "https://"))
               or isinstance(a, str) and a.startswith(("http://", "https://")) for a in appearances):
        warnings.append("itemReviewed.appearance")
    return errors, warnings


SETTINGS = (("publisher.name", "Fact Desk"), ("publisher.url", "https://factdesk.example/"),
            ("claimreview.url", "https://factdesk.example/checks/{document}#claim-{claim}"))

TEXT = "AP reported that Associated Press staff said the bridge cost 2 billion. The AP said nothing else."


def _publish(store: Store) -> None:
    for key, value in SETTINGS:
        edits.apply(store, edits.SetSetting(key, value))


def _ap_project(store: Store) -> None:
    """ORG "Associated Press" with the alias "AP" (an editor's merge), then an article whose claim
    names the claimant "AP" (no entity of that name exists any more)."""
    t = "The AP and the Associated Press are one agency."
    edits.apply(store, edits.AddDocument(ext_id="agency", text=t, url="https://news.example/agency",
                                         published="2024-05-01", entities=(
        {"start": t.index("AP"), "end": t.index("AP") + 2, "label": "ORG", "entity": "AP", "origin": "editor"},
        {"start": t.index("Associated"), "end": t.index("Associated") + 16, "label": "ORG",
         "entity": "Associated Press", "origin": "editor"})))
    target = store.entity_by_name("Associated Press", "ORG")
    edits.apply(store, edits.MergeEntities(target.id, (store.entity_by_name("AP", "ORG").id,)))
    assert store.entity_by_name("AP") is None and "AP" in store.entity_by_name("Associated Press").aliases
    s = TEXT.index("the bridge")
    edits.apply(store, edits.AddDocument(ext_id="bridge/1", text=TEXT, title="Bridge", url="https://news.example/b",
                                         published="2024-05-02", source="news.example", claims=(
        {"start": s, "end": TEXT.index("billion") + 7, "claimant": "AP",
         "labels": {"verdict": "false"}, "origin": "editor"},)))


def test_claimant_known_by_an_alias_is_its_canonical_organization(store, tmp_path):
    _ap_project(store)
    _publish(store)
    export_project(store, "claimreview", tmp_path / "cr.jsonld")
    (review,) = json.loads((tmp_path / "cr.jsonld").read_text(encoding="utf-8"))
    assert review["itemReviewed"]["author"] == {"@type": "Organization", "name": "Associated Press"}


def test_every_record_passes_google_required_and_recommended_properties(store, tmp_path):
    _ap_project(store)
    _publish(store)
    summary = export_project(store, "claimreview", tmp_path / "cr.jsonld")
    (review,) = json.loads((tmp_path / "cr.jsonld").read_text(encoding="utf-8"))
    assert google_problems(review) == ([], [])
    claim = store.claims()[0]
    assert review["url"] == f"https://factdesk.example/checks/bridge%2F1#claim-{claim.id}"
    assert review["author"] == {"@type": "Organization", "name": "Fact Desk", "url": "https://factdesk.example/"}
    assert review["itemReviewed"]["datePublished"] == "2024-05-02"
    assert review["itemReviewed"]["appearance"]["url"] == "https://news.example/b"
    assert summary.notes[0].startswith("claimreview: 1 written, 0 skipped")
    assert len(summary.notes) == 1  # nothing missing: no per-claim line


def test_without_a_fact_check_url_records_are_skipped_and_each_claim_says_why(store, tmp_path, capsys):
    _ap_project(store)
    t = "Short wire copy: taxes doubled."
    edits.apply(store, edits.AddDocument(ext_id="wire", text=t, claims=(
        {"start": 17, "end": len(t) - 1, "labels": {"verdict": "misleading"}, "origin": "editor"},
        {"start": 0, "end": 5, "labels": {"checkworthiness": "check-worthy"}, "origin": "editor"},)))
    path = store.path
    store.close()
    out = tmp_path / "cr.jsonld"
    assert main(["export", str(path), "-f", "claimreview", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert json.loads(out.read_text(encoding="utf-8")) == []  # Google's required url is missing: nothing invalid
    assert "; 2 records skipped (a required property missing, see the notes)" in printed  # the line the window shows
    assert "claimreview: 0 written, 2 skipped (a required property missing); 1 claim without a verdict" in printed
    assert "claimdesk settings PROJECT" in printed and "claimreview.url" in printed
    lines = [line for line in printed.splitlines() if line.startswith("claim ")]
    assert len(lines) == 2 and all("skipped, missing required url" in line for line in lines)
    wire = next(line for line in lines if " in wire " in line)
    assert "itemReviewed.author.name" in wire and "itemReviewed.appearance.url" in wire
    assert "itemReviewed.datePublished" in wire

    # with the settings, both are written; the wire story's is flagged for what it lacks
    with Store.open(path) as s:
        _publish(s)
    assert main(["export", str(path), "-f", "claimreview", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    reviews = json.loads(out.read_text(encoding="utf-8"))
    assert len(reviews) == 2 and all(google_problems(r)[0] == [] for r in reviews)
    assert [google_problems(r)[1] for r in reviews] == [
        [], ["itemReviewed.author", "itemReviewed.datePublished", "itemReviewed.appearance"]]
    assert "claimreview: 2 written, 0 skipped (a required property missing), 1 written without every " \
           "recommended property" in printed
    (line,) = [line for line in printed.splitlines() if line.startswith("claim ")]
    assert " in wire " in line and "written, missing recommended itemReviewed.author.name" in line


def test_settings_are_an_edit_with_an_exact_inverse(store):
    assert store.settings() == {}
    inverse = edits.apply(store, edits.SetSetting("publisher.name", "Fact Desk"))
    again = edits.apply(store, edits.SetSetting("publisher.name", "Full Fact"))
    assert store.settings() == {"publisher.name": "Full Fact"}
    edits.apply(store, again)
    assert store.settings() == {"publisher.name": "Fact Desk"}
    edits.apply(store, inverse)
    assert store.settings() == {}
    with pytest.raises(edits.EditError, match="unknown setting"):
        edits.apply(store, edits.SetSetting("publisher.nam", "x"))
    with pytest.raises(edits.EditError, match="http"):
        edits.apply(store, edits.SetSetting("claimreview.url", "javascript:alert(1)//{claim}"))
    assert store.settings() == {}


def test_settings_command_shows_sets_and_unsets(tmp_path, capsys):
    path = tmp_path / "p.claimdesk"
    assert main(["new", str(path)]) == 0
    assert main(["settings", str(path), "publisher.name", "Fact Desk"]) == 0
    assert main(["settings", str(path), "claimreview.url", "https://f.example/{document}"]) == 0
    capsys.readouterr()
    assert main(["settings", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"claimreview.url": "https://f.example/{document}",
                                                   "publisher.name": "Fact Desk"}
    assert main(["settings", str(path), "--unset", "publisher.name"]) == 0
    assert main(["settings", str(path), "publisher.url", "ftp://f.example/"]) == 1
    assert "must be an http:// or https:// address" in capsys.readouterr().err
    with Store.open(path, readonly=True) as store:
        assert store.settings() == {"claimreview.url": "https://f.example/{document}"}
