"""Issue 15, stored clusters: ``claimdesk stories --rebuild`` stores a story's alignment, the
cluster edits (merge, split, dismiss a flag, label a claim cluster, a document's story) undo and
redo exactly, a rebuild keeps the editor's decisions, and the rules about members hold."""

from __future__ import annotations

import json

import pytest

from desktop import cli
from desktop.core import edits as E
from desktop.core.store import Store
from desktop.core.story import story_alignment
from tests.conftest import mark_troop_claims

TABLES = ("story_clusters", "story_members", "story_flags", "claims", "quotes", "documents")


def snapshot(store: Store) -> dict[str, list[tuple]]:
    return {t: [tuple(r) for r in store.conn.execute(f"SELECT * FROM {t} ORDER BY id")] for t in TABLES}


def roundtrip(store: Store, edit: E.Edit) -> E.ChangeSet:
    """Apply ``edit``, undo it (the project is back row for row), redo it; returns its inverse."""
    before = snapshot(store)
    inverse = E.apply(store, edit)
    after = snapshot(store)
    assert after != before
    redo = E.apply(store, inverse)
    assert snapshot(store) == before
    E.apply(store, redo)
    assert snapshot(store) == after
    return inverse


@pytest.fixture
def seeds(tmp_path, annotated_seeds):
    path = annotated_seeds(tmp_path / "seeds.claimdesk")
    return mark_troop_claims(path)  # an editor marks the troop figures as claims in four outlets


def rebuilt(path) -> None:
    assert cli.main(["stories", str(path), "--rebuild", "--json"]) == 0


def cluster_of(story, kind: str, size: int | None = None, text: str | None = None):
    return next(c for c in story.clusters if c.kind == kind and (size is None or len(c.members) == size)
                and (text is None or any(m.text.startswith(text) for m in c.members)))


STATEMENT = "We don’t expect to resolve our differences"


def test_rebuild_stores_what_was_computed(seeds, capsys):
    with Store.open(seeds, readonly=True) as store:
        (computed,) = story_alignment(store)
    assert not computed.stored
    rebuilt(seeds)
    captured = capsys.readouterr()
    assert "aligning 5 articles" in captured.err and "stored" in captured.err
    (shown,) = json.loads(captured.out)["stories"]
    with Store.open(seeds, readonly=True) as store:
        (story,) = story_alignment(store)
        n = store.conn.execute("SELECT count(*) FROM story_clusters").fetchone()[0]
    assert story.stored and n == len(story.clusters) == len(shown["clusters"])
    assert all(c.stored for c in story.clusters)

    def sets(s):
        return sorted(sorted((m.kind, m.item_id) for m in c.members) for c in s.clusters)

    assert sets(story) == sets(computed)
    troops = cluster_of(story, "claim", 4)
    assert any(f.kind == "number" and f.id is not None for f in troops.flags)
    assert {m.doc[:3] for m in cluster_of(story, "quote", text=STATEMENT).members} == {"000", "001"}
    # a second rebuild finds the same clusters: ids kept, nothing to change
    assert cli.main(["stories", str(seeds), "--rebuild"]) == 0
    assert "unchanged" in capsys.readouterr().err
    with Store.open(seeds) as store:
        assert [c.id for c in story_alignment(store)[0].clusters] == [c.id for c in story.clusters]
        assert store.history(limit=1)[0]["kind"] == "store_story_clusters"


def test_rebuild_is_one_undoable_edit(seeds):
    with Store.open(seeds) as store:
        from desktop.app.stories import rebuild_edit

        doc_ids = [d.id for d in store.documents(story="seeds")] or [d.id for d in store.documents()]
        story = store.document(doc_ids[0]).story
        edit, _, across = rebuild_edit(store, story, doc_ids)
        assert across >= 2
        roundtrip(store, edit)


def test_merge_split_dismiss_and_label_undo_exactly(seeds):
    rebuilt(seeds)
    with Store.open(seeds) as store:
        (story,) = story_alignment(store)
        troops = cluster_of(story, "claim", 4)
        flag = next(f for f in troops.flags if f.kind == "number")
        roundtrip(store, E.DismissFlag(flag.id))
        (story,) = story_alignment(store)
        troops = cluster_of(story, "claim", 4)
        assert flag.id in {f.id for f in troops.dismissed} and flag.id not in {f.id for f in troops.flags}

        moved = troops.members[-1]
        roundtrip(store, E.SplitCluster(troops.id, (moved.item_id,)))
        (story,) = story_alignment(store)
        rest, alone = cluster_of(story, "claim", 3), next(
            c for c in story.clusters if c.kind == "claim" and [m.item_id for m in c.members] == [moved.item_id])
        assert rest.decided and alone.decided and not alone.flags
        assert all(moved.item_id not in (rest.members[i].item_id for i in f.members) for f in rest.flags)

        roundtrip(store, E.MergeClusters((rest.id, alone.id)))
        (story,) = story_alignment(store)
        merged = cluster_of(story, "claim", 4)
        assert merged.id == rest.id and merged.decided
        assert flag.id not in {f.id for f in merged.flags}  # the dismissed flag found again stays dismissed
        assert any(f.kind == "number" for f in merged.flags + merged.dismissed)

        label_set, value = next(iter(store.claim_label_sets().items()))
        inverse = roundtrip(store, E.LabelClusterClaims(label_set, value[0], cluster_id=merged.id))
        assert inverse.label.startswith("Undo: label cluster")  # one step for the four claims
        assert len([c for c in inverse.changes if c.table == "claims"]) == 4
        assert {store.claim(m.item_id).labels.get(label_set) for m in merged.members} == {value[0]}


def test_refusals_say_why(seeds):
    rebuilt(seeds)
    with Store.open(seeds) as store:
        (story,) = story_alignment(store)
        troops = cluster_of(story, "claim", 4)
        quote = cluster_of(story, "quote", text=STATEMENT)
        with pytest.raises(E.EditError, match="not a claim cluster"):
            E.apply(store, E.MergeClusters((troops.id, quote.id)))
        with pytest.raises(E.EditError, match="one per article"):
            other = next(c for c in story.clusters if c.kind == "quote" and c.id != quote.id
                         and c.members[0].doc_id == quote.members[0].doc_id)
            E.apply(store, E.MergeClusters((quote.id, other.id)))
        with pytest.raises(E.EditError, match="splits nothing"):
            E.apply(store, E.SplitCluster(troops.id, tuple(m.item_id for m in troops.members)))
        with pytest.raises(E.EditError, match="no story flag"):
            E.apply(store, E.DismissFlag(10**6))
        with pytest.raises(E.EditError, match="holds quotes"):
            E.apply(store, E.LabelClusterClaims("verdict", "false", cluster_id=quote.id))


def test_a_rebuild_keeps_the_editors_decisions(seeds):
    rebuilt(seeds)
    with Store.open(seeds) as store:
        (story,) = story_alignment(store)
        troops = cluster_of(story, "claim", 4)
        flag = next(f for f in troops.flags if f.kind == "number")
        E.apply(store, E.DismissFlag(flag.id))
        statement = cluster_of(story, "quote", text=STATEMENT)
        E.apply(store, E.SplitCluster(statement.id, (statement.members[1].item_id,)))
        lone = [c for c in story.clusters if c.kind == "quote" and len(c.members) == 1]
        a, b = next((x, y) for x in lone for y in lone if x.members[0].doc_id != y.members[0].doc_id)
        E.apply(store, E.MergeClusters((a.id, b.id)))  # two quotes the alignment keeps apart
        before = snapshot(store)
    rebuilt(seeds)
    with Store.open(seeds) as store:
        (story,) = story_alignment(store)
        troops = cluster_of(story, "claim", 4)
        assert flag.id in {f.id for f in troops.dismissed}
        halves = [c for c in story.clusters if c.kind == "quote"
                  and {m.item_id for m in c.members} & {m.item_id for m in statement.members}]
        assert sorted(len(c.members) for c in halves) == [1, 1] and all(c.decided for c in halves)
        merged = next(c for c in story.clusters if c.id == a.id)
        assert {m.item_id for m in merged.members} == {a.members[0].item_id, b.members[0].item_id}
        decided = [r for r in before["story_clusters"] if r[3]]
        assert [r for r in snapshot(store)["story_clusters"] if r[3]] == decided


def test_a_member_deleted_leaves_its_cluster(seeds):
    rebuilt(seeds)
    with Store.open(seeds) as store:
        (story,) = story_alignment(store)
        troops = cluster_of(story, "claim", 4)
        gone = troops.members[0]
        roundtrip(store, E.DeleteClaim(gone.item_id))
        (story,) = story_alignment(store)
        rest = cluster_of(story, "claim", 3)
        assert rest.id == troops.id and gone.item_id not in {m.item_id for m in rest.members}
        for m in rest.members[1:]:
            E.apply(store, E.SetStatus("claims", (m.item_id,), "rejected"))
        (story,) = story_alignment(store)
        single = next(c for c in story.clusters if c.id == troops.id)
        assert len(single.members) == 1 and not single.flags and not single.dismissed
        assert store.conn.execute("SELECT count(*) FROM story_flags WHERE cluster_id = ?",
                                  (troops.id,)).fetchone()[0] == 0
        statement = cluster_of(story, "quote", text=STATEMENT)
        roundtrip(store, E.DeleteDocument(statement.members[0].doc_id))
        (story,) = story_alignment(store)
        assert len(story.documents) == 4
        assert not store.conn.execute("SELECT 1 FROM story_members WHERE doc_id = ?",
                                      (statement.members[0].doc_id,)).fetchall()


def test_a_document_leaving_its_story_leaves_the_clusters(seeds):
    rebuilt(seeds)
    with Store.open(seeds) as store:
        (story,) = story_alignment(store)
        statement = cluster_of(story, "quote", text=STATEMENT)
        doc_id = statement.members[0].doc_id
        roundtrip(store, E.SetDocumentStory(doc_id, None))
        (story,) = story_alignment(store)
        assert len(story.documents) == 4
        assert not any(m.doc_id == doc_id for c in story.clusters for m in c.members)
        with pytest.raises(E.NothingToChange):
            E.apply(store, E.SetDocumentStory(doc_id, None))


def test_stories_suggested_for_documents_without_one(seeds, capsys):
    with Store.open(seeds) as store:
        docs = store.documents()
        story = docs[0].story
        for d in docs[:2]:
            E.apply(store, E.SetDocumentStory(d.id, None))
        E.apply(store, E.AddDocument("wheat", "Wheat prices rose again in March as farmers in Kansas counted the "
                                     "cost of a dry winter, the agriculture department said.", published="2022-03-30"))
    assert cli.main(["stories", str(seeds), "--suggest", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {(s["doc"], s["story"], s["new"]) for s in out["suggestions"]} == {(d.ext_id, story, False) for d in docs[:2]}
    assert cli.main(["stories", str(seeds), "--suggest", "--apply"]) == 0
    assert "2 documents without a story" in capsys.readouterr().err
    with Store.open(seeds) as store:
        assert {d.story for d in store.documents() if d.ext_id != "wheat"} == {story}
        assert store.document_by_ext_id("wheat").story is None
        assert store.history(limit=1)[0]["summary"] == "put 2 documents in stories"  # one step
        # every article out of its story: they are alike, so one new story is suggested for them
        for d in docs:
            E.apply(store, E.SetDocumentStory(d.id, None))
        from desktop.app.stories import suggest_stories

        suggested = suggest_stories(store)
    assert {s.doc for s in suggested} == {d.ext_id for d in docs}
    assert len({s.story for s in suggested}) == 1 and all(s.new for s in suggested)


def test_apply_without_suggest_is_refused(seeds, capsys):
    assert cli.main(["stories", str(seeds), "--apply"]) != 0
    assert "give --suggest too" in capsys.readouterr().err


def test_export_story_writes_the_issue_shape(seeds, tmp_path, capsys):
    out = tmp_path / "story.json"
    assert cli.main(["export", str(seeds), "--format", "story", "-o", str(out), "--status", "all"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) == {"stories"}
    (story,) = data["stories"]
    assert set(story) == {"id", "title", "documents", "clusters"} and len(story["documents"]) == 5
    assert story["title"]
    with Store.open(seeds, readonly=True) as store:
        texts = {d.ext_id: d.text for d in store.documents()}
    for c in story["clusters"]:
        assert set(c) == {"id", "kind", "speaker_entity", "members", "flags"} and c["kind"] in ("quote", "claim")
        for m in c["members"]:
            assert set(m) == {"doc", "start", "end", "text"}
            assert m["text"].startswith(texts[m["doc"]][m["start"]:m["end"]].strip())
        for f in c["flags"]:
            assert set(f) == {"kind", "members", "note"} and all(0 <= i < len(c["members"]) for i in f["members"])
    statement = next(c for c in story["clusters"] if any(m["text"].startswith(STATEMENT) for m in c["members"]))
    assert {m["doc"][:3] for m in statement["members"]} == {"000", "001"}
    troops = next(c for c in story["clusters"] if c["kind"] == "claim" and len(c["members"]) == 4)
    assert any(f["kind"] == "number" for f in troops["flags"])
    # a dismissed flag is left out; accepted only: the model's quotes are not written
    rebuilt(seeds)
    with Store.open(seeds) as store:
        flag = next(f for f in cluster_of(story_alignment(store)[0], "claim", 4).flags if f.kind == "number")
        E.apply(store, E.DismissFlag(flag.id))
    assert cli.main(["export", str(seeds), "--format", "story", "-o", str(out), "--force"]) == 0
    (story,) = json.loads(out.read_text(encoding="utf-8"))["stories"]
    assert {c["kind"] for c in story["clusters"]} == {"claim"}
    troops = next(c for c in story["clusters"] if len(c["members"]) == 4)
    assert len([f for f in troops["flags"] if f["kind"] == "number"]) == len(
        [f for f in cluster_of(story_alignment(Store.open(seeds, readonly=True))[0], "claim", 4).flags
         if f.kind == "number"])


def test_export_story_csv_is_a_coverage_matrix(seeds, tmp_path):
    import csv

    out = tmp_path / "coverage.csv"
    assert cli.main(["export", str(seeds), "--format", "coverage", "-o", str(out), "--status", "all"]) == 0
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    head = rows[0]
    assert head[:6] == ["story", "cluster", "kind", "speaker_entity", "versions", "flags"] and len(head) == 11
    troops = next(r for r in rows[1:] if r[2] == "claim" and r[4] == "4")
    assert "number" in troops[5] and sum(1 for cell in troops[6:] if cell) == 4
    statement = next(r for r in rows[1:] if any(cell.startswith(STATEMENT) for cell in r[6:]))
    assert sum(1 for cell in statement[6:] if cell) == 2 and statement[3] == "Antony Blinken"


def _story_rows(path) -> list:
    """The stored clusters as content: (story, kind, decided, members as (doc, kind, text), flags)."""
    with Store.open(path, readonly=True) as store:
        (story,) = story_alignment(store)
        return sorted((story.id, c.kind, c.decided, tuple((m.doc, m.text) for m in c.members),
                       tuple(sorted((f.kind, f.members, f.note) for f in c.flags)),
                       tuple(sorted((f.kind, f.members, f.note) for f in c.dismissed)))
                      for c in story.clusters)


def test_the_jsonl_copy_carries_the_stored_clusters(seeds, tmp_path):
    rebuilt(seeds)
    with Store.open(seeds) as store:
        (story,) = story_alignment(store)
        troops = cluster_of(story, "claim", 4)
        E.apply(store, E.DismissFlag(next(f for f in troops.flags if f.kind == "number").id))
        statement = cluster_of(story, "quote", text=STATEMENT)
        E.apply(store, E.SplitCluster(statement.id, (statement.members[1].item_id,)))
    out, again = tmp_path / "copy.jsonl", tmp_path / "again.jsonl"
    assert cli.main(["export", str(seeds), "--format", "jsonl", "-o", str(out), "--status", "all"]) == 0
    header = json.loads(out.read_text(encoding="utf-8").splitlines()[0])["claimdesk"]
    assert any(c["decided"] for c in header["stories"])
    assert any(f["dismissed"] for c in header["stories"] for f in c["flags"])
    copy = tmp_path / "copy.claimdesk"
    assert cli.main(["new", str(copy)]) == 0
    assert cli.main(["import", str(copy), str(out)]) == 0
    assert _story_rows(copy) == _story_rows(seeds)
    with Store.open(copy, readonly=True) as store:
        assert story_alignment(store)[0].stored
    assert cli.main(["export", str(copy), "--format", "jsonl", "-o", str(again), "--status", "all"]) == 0
    assert again.read_bytes() == out.read_bytes()
    # an export of accepted work only: the model's quotes (and their clusters) stay behind
    assert cli.main(["export", str(seeds), "--format", "jsonl", "-o", str(out), "--force"]) == 0
    header = json.loads(out.read_text(encoding="utf-8").splitlines()[0])["claimdesk"]
    assert {c["kind"] for c in header["stories"]} == {"claim"}


def test_check_finds_nothing_after_the_cluster_edits_and_reports_a_broken_cluster(seeds):
    from desktop.core.invariants import check

    rebuilt(seeds)
    with Store.open(seeds) as store:
        (story,) = story_alignment(store)
        troops = cluster_of(story, "claim", 4)
        E.apply(store, E.SplitCluster(troops.id, (troops.members[0].item_id,)))
        E.apply(store, E.DeleteClaim(troops.members[1].item_id))
        E.apply(store, E.SetDocumentStory(troops.members[2].doc_id, "elsewhere"))
        assert [v for v in check(store) if v.rule == "story-cluster"] == []
        member = store.conn.execute("SELECT id, doc_id FROM story_members WHERE claim_id = ?",
                                    (troops.members[3].item_id,)).fetchone()
        with store.transaction("break it"):  # raw SQL, as a damaged file might be
            store.conn.execute("UPDATE documents SET story = 'other' WHERE id = ?", (member[1],))
        found = [v for v in check(store) if v.rule == "story-cluster"]
        members = {r[0] for r in store.conn.execute("SELECT id FROM story_members WHERE doc_id = ?", (member[1],))}
    assert {(v.table, v.id) for v in found} == {("story_members", m) for m in members} and member[0] in members
    assert all("its article is not in story" in v.message for v in found)
