"""``claimdesk review-queue``: the same items as desktop.app.review, as lines or JSON."""

from __future__ import annotations

import json

from desktop.cli import main
from desktop.core import edits as E
from desktop.core.store import Store
from tests.conftest import HILL, seeded_project


def test_review_queue_lists_counts_and_items_and_filters_by_kind(tmp_path, capsys):
    path = seeded_project(tmp_path / "story.claimdesk")
    with Store.open(path) as store:
        doc = store.documents()[1]
        start = doc.text.index("Kremlin")
        E.apply(store, E.AddMention(doc.id, start, start + 7, "ORG"))
        kremlin = next(m.id for m in store.mentions(doc.id) if m.start == start)

    assert main(["review-queue", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:7] == ["     0  Speaker not a PERSON or ORG (speaker-not-person-org)",
                       "     0  Quote without a speaker (quote-no-speaker)",
                       "     3  Mention not linked to an entity (mention-unlinked)",
                       "     0  Same text, another label elsewhere (label-conflict)",
                       "     1  Entity with one mention (single-mention)",
                       "     0  Quotes and entities the model is least sure of (least-sure)",
                       "     0  Check-worthy sentences (check-worthy)"]
    out = out[:5] + out[7:]
    assert out[5].startswith("mention-unlinked\t[1] Blinken Lavrov meet") and "“Antony Blinken”" in out[5]
    assert out[-1].startswith("single-mention\t[2] ") and out[-1].endswith(
        f"\tmention {kremlin} “Kremlin”\tthe ORG entity “Kremlin” is mentioned once in the project")

    assert main(["review-queue", str(path), "--kind", "single-mention", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"] == {"single-mention": 1}
    assert data["items"] == [{"kind": "single-mention", "document": doc.ext_id, "doc_id": doc.id, "title": doc.title or doc.ext_id,
                              "layer": "mention", "id": kremlin, "start": start, "end": start + 7, "text": "Kremlin",
                              "why": "the ORG entity “Kremlin” is mentioned once in the project"}]
    assert HILL not in {item["document"] for item in data["items"]}
