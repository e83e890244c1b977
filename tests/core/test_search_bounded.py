"""Search ranks a bounded set of candidates (``Store.SEARCH_CANDIDATES``, the newest matches), so it
costs the same at 100,000 documents as at 2,000; below the bound it is the full ranking."""

from __future__ import annotations

from desktop.core import edits as E


def _docs(store, texts):
    for i, text in enumerate(texts):
        E.apply(store, E.AddDocument(f"d{i}", text))
    return [store.document_by_ext_id(f"d{i}").id for i in range(len(texts))]


TEXTS = [
    "Geneva talks. Geneva again, Geneva and Geneva once more in Geneva.",  # the best match, oldest
    "Talks were held in Geneva on Friday about many other things as well.",
    "Nothing about the city here.",
    "Geneva, once.",
    "A long article that names Geneva only once among a great many other words about talks.",
]


def test_below_the_bound_every_match_is_ranked(store):
    ids = _docs(store, TEXTS)
    hits = store.search("geneva")
    assert {d for d, _ in hits} == {ids[0], ids[1], ids[3], ids[4]}
    assert hits[0][0] == ids[0]  # best first, though it is the oldest
    assert "[Geneva]" in hits[0][1]
    assert store.search_count("geneva") == 4


def test_above_the_bound_the_newest_matches_are_ranked(store, monkeypatch):
    ids = _docs(store, TEXTS)
    monkeypatch.setattr(type(store), "SEARCH_CANDIDATES", 2)
    hits = store.search("geneva")
    assert sorted(d for d, _ in hits) == [ids[3], ids[4]]  # the two newest matching documents
    assert [d for d, _ in hits] == [ids[3], ids[4]]  # ranked: the short one first
    assert store.search_count("geneva") == 4  # the count still covers every match
    assert sorted(d for d, _ in store.search("geneva talks")) == [ids[1], ids[4]]  # not d0, the best but oldest
    assert store.search("zurich") == []
