"""Label Studio JSON, both ways: the ``label-studio`` export and ``claimdesk import`` of Label
Studio's JSON export.

Export (``claimdesk export --format label-studio``): a JSON list of tasks for Label Studio's
JSON import, plus the labeling config they need (``OUT`` with suffix ``.xml``;
``labeling_config.xml`` in a split folder, see :func:`label_studio_config`).  ``data`` holds
``text`` and the document's metadata (``doc_id``, ``title``, ``source``, ``url``, ``published``,
``story``, ``status``, and ``reviewed``: the layers an editor marked finished, when any).  Label
Studio takes an annotation as finished ground truth (a model trained from the project learns
the text without regions as negatives), so only the accepted work of the *reviewed* layers
(``ToolDoc.reviewed``: all when the document is done, else those marked finished) goes to
``annotations`` (one per task, present when the document has a reviewed layer, even with no
regions); the accepted work of the other layers is a prediction with ``model_version``
:data:`UNREVIEWED_VERSION` (``claimdesk-unreviewed``), so a document nobody reviewed has no
annotation and Label Studio lists it as a task to label.  Suggestions are a prediction of their
own (``model_version`` = the models); in Label Studio, pick which one pre-annotates in Settings >
Annotation (Use predictions to prelabel tasks).  The summary counts a document with an
unreviewed layer as written with unreviewed layers marked missing.  Regions: entity mentions
``from_name="ner"``, quote fragments / speakers / cues / claims ``from_name="parts"`` (labels
``Quote``, ``Speaker``, ``Cue``, ``Claim``), all ``to_name="text"``, ``type: "labels"``, ``value`` ``start``/``end``/``text``/``labels``.  A
quote's speaker and cue are ``relation`` results (``from_id`` = the quote's first fragment,
labels ``speaker``/``cue``; a second fragment is linked with ``continues``; the named mention a
pronoun speaker stands for is an ``Antecedent`` region linked with ``speaker_resolved``); the quote type and
each claim label set are per-region ``choices`` (``from_name`` ``quote_type`` or the label set's
name); canonical entity, speaker entity, claimant and note are per-region ``textarea`` results.
Region ids are ``e1``, ``q1``, ``q1s``, ``q1c``, ``q1r``, ``q1f2``, ``c1`` (per task).  Offsets are code
points, as Label Studio stores them since 1.4 (HumanSignal/label-studio#1008); ``value.text`` is
the exact text at the offsets.  A label set whose name is not a valid control name (``check
worthiness``) is the control ``check_worthiness``, and ``data.label_sets`` maps it back.  To
import: create a project, paste the ``.xml`` config in
Settings > Labeling Interface > Code, then import the ``.json`` file.

Import (a ``.json`` file: the list Label Studio writes on Export > JSON, or the task list this
export writes; one task object is read as a list of one): ``data.text`` is the text,
``data.doc_id`` the id (else ``ls-`` and the task's ``id``), the other ``data`` keys of the
metadata as above.  Each task's first annotation that is not ``was_cancelled`` is editor work
(status accepted), its ``predictions`` are suggestions (origin model, the ``model_version``),
except a ``claimdesk-unreviewed`` prediction, which is editor work again (a region already in
the annotation, because an annotator submitted that prediction, is read once); ``data.reviewed``
gives the layers marked finished.
``labels`` regions labelled ``Quote``/``Speaker``/``Cue``/``Claim`` are quote parts and claims,
any other label an entity mention; ``relation`` results link a quote to its speaker, cue and
further fragments (by their label, else by what the target region is); per-region ``choices``
give the quote type and the claim labels, per-region ``textarea`` the canonical entity, speaker
entity, claimant and note.  A region whose ``value.text`` is not the text at its offsets is an
error naming the task: Label Studio before 1.4 counted UTF-16 units.

Plain Python: no Qt, no spaCy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from desktop.core.annotation_tools import (
    LAYERS,
    ToolDoc,
    ToolRecordError,
    ToolSource,
    count_item,
    doc_meta,
    int_field,
    json_array,
    meta_of,
    score_field,
    str_field,
)
from desktop.core.interchange import (
    ClaimRecord,
    MentionRecord,
    ProvRecord,
    QuoteRecord,
    claim_to_json,
    mention_to_json,
    quote_to_json,
)
from desktop.core.model import QUOTE_TYPES, Provenance, Span

__all__ = ["UNREVIEWED_VERSION", "label_studio_config", "label_studio_config_path", "label_studio_record",
           "label_studio_records", "label_studio_task",
           "write_label_studio"]

_LS_PARTS = ("Quote", "Speaker", "Cue", "Antecedent", "Claim")
_LS_PART_COLORS = {"Quote": "#ffd166", "Speaker": "#06d6a0", "Cue": "#118ab2", "Antecedent": "#8ecae6",
                   "Claim": "#ef476f"}
_LS_RELATIONS = ("speaker", "cue", "continues", "speaker_resolved")
#: The ``model_version`` of the prediction that holds editor work of unreviewed layers; the import
#: reads it back as editor work, not as suggestions.
UNREVIEWED_VERSION = "claimdesk-unreviewed"


def _ls_safe_name(name: str) -> str:
    return re.sub(r"[^\w-]", "_", name)


def label_studio_config(source: ToolSource) -> str:
    """The labeling config (``<View>``) the exported tasks need; paste it into the project's
    Settings > Labeling Interface before importing the tasks."""
    store = source.store
    labels = store.labels("entity")
    known = {lab.name for lab in labels}
    extra = sorted({r[0] for r in store.conn.execute("SELECT DISTINCT label FROM mentions")} - known)
    a = quoteattr
    out = ["<View>",
           '  <Labels name="ner" toName="text">']
    for lab in labels:
        out.append(f"    <Label value={a(lab.name)} background={a(lab.color)}/>")
    for name in extra:
        out.append(f"    <Label value={a(name)}/>")
    out.append("  </Labels>")
    out.append('  <Labels name="parts" toName="text">')
    for part in _LS_PARTS:
        out.append(f"    <Label value={a(part)} background={a(_LS_PART_COLORS[part])}/>")
    out += ["  </Labels>",
            '  <Text name="text" value="$text"/>',
            "  <Relations>",
            '    <Relation value="speaker"/>',
            '    <Relation value="cue"/>',
            '    <Relation value="continues"/>',
            '    <Relation value="speaker_resolved"/>',
            "  </Relations>",
            '  <View visibleWhen="region-selected" whenTagName="ner">',
            '    <Header value="Canonical entity"/>',
            '    <TextArea name="entity" toName="text" perRegion="true" maxSubmissions="1"/>',
            "  </View>",
            '  <View visibleWhen="region-selected" whenLabelValue="Quote">',
            '    <Choices name="quote_type" toName="text" perRegion="true" choice="single">']
    for qt in QUOTE_TYPES:
        out.append(f"      <Choice value={a(qt)}/>")
    out += ["    </Choices>",
            '    <Header value="Speaker entity"/>',
            '    <TextArea name="speaker_entity" toName="text" perRegion="true" maxSubmissions="1"/>',
            "  </View>",
            '  <View visibleWhen="region-selected" whenLabelValue="Claim">']
    for label_set, values in store.claim_label_sets().items():
        out.append(f"    <Header value={a(label_set)}/>")
        out.append(f'    <Choices name={a(_ls_safe_name(label_set))} toName="text" perRegion="true" choice="single">')
        for v in values:
            out.append(f"      <Choice value={a(v)}/>")
        out.append("    </Choices>")
    out += ['    <Header value="Claimant"/>',
            '    <TextArea name="claimant" toName="text" perRegion="true" maxSubmissions="1"/>',
            '    <Header value="Note"/>',
            '    <TextArea name="note" toName="text" perRegion="true" maxSubmissions="1"/>',
            "  </View>",
            "</View>"]
    return "<!-- Claimdesk labeling config for Label Studio (Settings > Labeling Interface > Code) -->\n" + \
        "\n".join(out) + "\n"


def _scored(region: dict[str, Any], score: float | None) -> dict[str, Any]:
    """A result region with the model's ``score`` (Label Studio shows it, and orders by the
    prediction's mean score) when it has one."""
    if score is not None:
        region["score"] = score
    return region


def label_studio_task(item: ToolDoc, source: ToolSource) -> dict[str, Any]:
    text = item.text
    accepted: list[dict[str, Any]] = []  # editor work of a reviewed layer: the annotation
    unreviewed: list[dict[str, Any]] = []  # editor work of a layer nobody reviewed: a prediction
    suggested: list[dict[str, Any]] = []
    models: set[str] = set()

    def bucket(prov: Provenance, layer: str) -> list[dict[str, Any]]:
        if prov.status == "suggested":
            models.add(prov.model or "model")
            return suggested
        return accepted if layer in item.reviewed else unreviewed

    def region(rid: str, from_name: str, span: Span, label: str) -> dict[str, Any]:
        return {"id": rid, "from_name": from_name, "to_name": "text", "type": "labels",
                "value": {"start": span.start, "end": span.end, "text": text[span.start : span.end],
                          "labels": [label]}}

    def per_region(rid: str, from_name: str, span: Span, kind: str, values: list[str]) -> dict[str, Any]:
        key = "choices" if kind == "choices" else "text"
        return {"id": rid, "from_name": from_name, "to_name": "text", "type": kind,
                "value": {"start": span.start, "end": span.end, key: values}}

    def relation(from_id: str, to_id: str, label: str) -> dict[str, Any]:
        return {"type": "relation", "from_id": from_id, "to_id": to_id, "direction": "right", "labels": [label]}

    for i, m in enumerate(item.mentions, start=1):
        out = bucket(m.prov, "entities")
        rid = f"e{i}"
        out.append(_scored(region(rid, "ner", m.span, m.label), m.score))
        name = source.name(m.entity_id)
        if name:
            out.append(per_region(rid, "entity", m.span, "textarea", [name]))
    for i, q in enumerate(item.quotes, start=1):
        out = bucket(q.prov, "quotes")
        rid = f"q{i}"
        first = q.content[0]
        out.append(_scored(region(rid, "parts", first, "Quote"), q.score))
        out.append(per_region(rid, "quote_type", first, "choices", [q.type]))
        name = source.name(q.speaker_entity_id)
        if name:
            out.append(per_region(rid, "speaker_entity", first, "textarea", [name]))
        for k, frag in enumerate(q.content[1:], start=2):
            out.append(region(f"{rid}f{k}", "parts", frag, "Quote"))
            out.append(relation(rid, f"{rid}f{k}", "continues"))
        if q.speaker is not None:
            out.append(region(f"{rid}s", "parts", q.speaker, "Speaker"))
            out.append(relation(rid, f"{rid}s", "speaker"))
        if q.cue is not None:
            out.append(region(f"{rid}c", "parts", q.cue, "Cue"))
            out.append(relation(rid, f"{rid}c", "cue"))
        if q.speaker_resolved is not None:
            out.append(region(f"{rid}r", "parts", q.speaker_resolved, "Antecedent"))
            out.append(relation(rid, f"{rid}r", "speaker_resolved"))
    for i, c in enumerate(item.claims, start=1):
        out = bucket(c.prov, "claims")
        rid = f"c{i}"
        out.append(_scored(region(rid, "parts", c.span, "Claim"), c.score))
        for label_set, value in sorted(c.labels.items()):
            out.append(per_region(rid, _ls_safe_name(label_set), c.span, "choices", [value]))
        claimant = source.claimant(c)
        if claimant:
            out.append(per_region(rid, "claimant", c.span, "textarea", [claimant]))
        if c.note:
            out.append(per_region(rid, "note", c.span, "textarea", [c.note]))
    doc = item.doc
    task: dict[str, Any] = {"data": {"text": text, "doc_id": doc.ext_id, **doc_meta(doc)}}
    renamed = {_ls_safe_name(s): s for c in item.claims for s in c.labels if _ls_safe_name(s) != s}
    if renamed:  # a control name cannot hold every character of a label set's name: say which it was
        task["data"]["label_sets"] = dict(sorted(renamed.items()))
    if doc.marked_reviewed:  # the layers an editor marked finished (``status`` done covers them all)
        task["data"]["reviewed"] = sorted(doc.marked_reviewed)
    if item.reviewed:  # Label Studio takes an annotation as finished ground truth: only reviewed layers
        task["annotations"] = [{"result": accepted, "ground_truth": False}]
    predictions = []
    if unreviewed:
        predictions.append({"model_version": UNREVIEWED_VERSION, "result": unreviewed})
    if suggested:
        scores = [r["score"] for r in suggested if "score" in r]
        predictions.append({"model_version": "; ".join(sorted(models)), "result": suggested,
                            **({"score": round(sum(scores) / len(scores), 4)} if scores else {})})
    if predictions:
        task["predictions"] = predictions
    return task


def write_label_studio(ctx: Any) -> None:
    def records() -> Iterator[dict[str, Any]]:
        for item in ctx.docs:
            yield label_studio_task(item, ctx.source)
            count_item(ctx.summary, item)
            if not item.reviewed >= set(LAYERS):
                ctx.summary.missing += 1  # its unreviewed layers are predictions to review

    with ctx.files.open(ctx.path) as fh:
        json_array(fh, records())


def label_studio_config_path(out: Path) -> Path:
    path = out.with_suffix(".xml")
    return path if path != out else out.with_name(out.stem + ".config.xml")




# Import ---------------------------------------------------------------------------------------------

_PART_LABELS = set(_LS_PARTS)
_RELATION_BY_TARGET = {"Speaker": "speaker", "Cue": "cue", "Quote": "continues", "Antecedent": "speaker_resolved"}


class _Region:
    def __init__(self, rid: str, start: int, end: int, label: str, score: float | None = None):
        self.id, self.start, self.end, self.label = rid, start, end, label
        self.score = score  # a prediction region's model confidence (Claimdesk writes it on every suggestion)
        self.extras: dict[str, list[str]] = {}  # per-region choices / textareas, by from_name

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)

    def extra(self, name: str) -> str | None:
        values = self.extras.get(name)
        return "\n".join(values) if values else None


def _region(r: Mapping[str, Any], where: str, text: str, number: int) -> _Region:
    value = r.get("value")
    if not isinstance(value, Mapping):
        raise ToolRecordError(f"{where}.value must be an object")
    start, end = int_field(value.get("start"), f"{where}.value.start"), int_field(value.get("end"), f"{where}.value.end")
    if not 0 <= start < end <= len(text):
        raise ToolRecordError(f"{where}: span {start}-{end} is empty or outside the text (length {len(text)})")
    if isinstance(value.get("text"), str) and value["text"] != text[start:end]:
        raise ToolRecordError(f"{where}.value.text {value['text'][:40]!r} is not the text at {start}-{end} "
                              f"({text[start:end][:40]!r}; offsets must be code points, Label Studio 1.4 or later)")
    labels = value.get("labels")
    if not isinstance(labels, list) or len(labels) != 1:
        raise ToolRecordError(f"{where}.value.labels must hold one label")
    rid = r.get("id")
    return _Region(str(rid) if isinstance(rid, (str, int)) else f"region-{number}", start, end,
                   str_field(labels[0], f"{where}.value.labels[0]"), score_field(r, where))


def _extra_values(r: Mapping[str, Any], where: str) -> list[str]:
    value = r.get("value")
    key = "choices" if r.get("type") == "choices" else "text"
    values = value.get(key) if isinstance(value, Mapping) else None
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ToolRecordError(f"{where}.value.{key} must be a list of strings")
    return values


def _relation_kind(rel: Mapping[str, Any], target: _Region, where: str) -> str:
    labels = rel.get("labels") or []
    if labels:
        kind = str(labels[0]).lower()
        if kind not in _LS_RELATIONS:
            raise ToolRecordError(f"{where}.labels {labels!r}: a quote's relations are {', '.join(_LS_RELATIONS)}")
        return kind
    return _RELATION_BY_TARGET.get(target.label, "speaker")  # to an entity mention: its speaker


class _Results:
    """One annotation's (or prediction's) results, read into interchange dicts."""

    def __init__(self, results: Any, where: str, text: str, prov: dict[str, Any]):
        if not isinstance(results, list):
            raise ToolRecordError(f"{where}.result must be a list")
        self.prov = prov
        self.regions: dict[str, _Region] = {}
        extras: list[tuple[str, str, list[str]]] = []
        relations: list[tuple[str, Mapping[str, Any]]] = []
        for i, r in enumerate(results):
            at = f"{where}.result[{i}]"
            if not isinstance(r, Mapping):
                raise ToolRecordError(f"{at} must be an object")
            kind = r.get("type")
            if kind == "labels":
                region = _region(r, at, text, i)
                self.regions.setdefault(region.id, region)
            elif kind in ("choices", "textarea") and r.get("id") is not None:
                extras.append((str(r["id"]), str(r.get("from_name") or ""), _extra_values(r, at)))
            elif kind == "relation":
                relations.append((at, r))
        for rid, name, values in extras:
            if rid in self.regions:
                self.regions[rid].extras[name] = values
        self.relations = [self._relation(at, r) for at, r in relations]

    def _relation(self, at: str, r: Mapping[str, Any]) -> tuple[_Region, _Region, str]:
        ids = (str(r.get("from_id")), str(r.get("to_id")))
        if ids[0] not in self.regions or ids[1] not in self.regions:
            raise ToolRecordError(f"{at}: from_id and to_id must name regions of the same result")
        head, child = self.regions[ids[0]], self.regions[ids[1]]
        if r.get("direction") == "left" or (head.label != "Quote" and child.label == "Quote"):
            head, child = child, head
        if head.label != "Quote":
            raise ToolRecordError(f"{at}: a relation goes from a Quote region, not from {head.label!r}")
        return head, child, _relation_kind(r, child, at)

    def entities(self) -> list[dict[str, Any]]:
        return [mention_to_json(MentionRecord(r.start, r.end, r.label, r.extra("entity"), score=r.score)) | self.prov
                for r in self.regions.values() if r.label not in _PART_LABELS]

    def quotes(self) -> list[dict[str, Any]]:
        parts: dict[str, dict[str, Any]] = {}
        followers: set[str] = set()
        for head, child, kind in self.relations:
            quote = parts.setdefault(head.id, {"content": [head.span]})
            if kind == "continues":
                quote["content"].append(child.span)
                followers.add(child.id)
            else:
                quote[kind] = child.span
        out = []
        for region in self.regions.values():
            if region.label != "Quote" or region.id in followers:
                continue
            quote = parts.get(region.id, {"content": [region.span]})
            qtype = region.extra("quote_type")
            record = QuoteRecord(content=tuple(sorted(quote["content"], key=lambda s: (s.start, s.end))),
                                 speaker=quote.get("speaker"), speaker_resolved=quote.get("speaker_resolved"),
                                 speaker_entity=region.extra("speaker_entity"),
                                 cue=quote.get("cue"), type=qtype if qtype in QUOTE_TYPES else "direct",
                                 score=region.score)
            out.append(quote_to_json(record) | self.prov)
        return out

    def claims(self, label_sets: Mapping[str, str]) -> list[dict[str, Any]]:
        out = []
        for region in self.regions.values():
            if region.label != "Claim":
                continue
            labels = {label_sets.get(name, name): values[0] for name, values in region.extras.items()
                      if name not in ("claimant", "note") and values}
            record = ClaimRecord(region.start, region.end, region.extra("claimant"), labels, region.extra("note"),
                                 score=region.score)
            out.append(claim_to_json(record) | self.prov)
        return out


def _blocks(task: Mapping[str, Any]) -> Iterator[tuple[str, Any, dict[str, Any]]]:
    """(where, results, provenance) of the task's editor work and its suggestions."""
    annotations = task.get("annotations", task.get("completions")) or []
    if not isinstance(annotations, list):
        raise ToolRecordError("annotations must be a list")
    for i, annotation in enumerate(annotations):
        if isinstance(annotation, Mapping) and not annotation.get("was_cancelled"):
            yield f"annotations[{i}]", annotation.get("result", []), ProvRecord("import", "accepted").to_json()
            break  # the first annotator's work; Label Studio keeps one annotation per annotator
    predictions = task.get("predictions") or []
    if not isinstance(predictions, list):
        raise ToolRecordError("predictions must be a list")
    for i, prediction in enumerate(predictions):
        if not isinstance(prediction, Mapping):
            raise ToolRecordError(f"predictions[{i}] must be an object")
        model = prediction.get("model_version")
        if model == UNREVIEWED_VERSION:  # our export's editor work of unreviewed layers
            prov = ProvRecord("import", "accepted")
        else:
            prov = ProvRecord("model", "suggested", model=model if isinstance(model, str) and model else None)
        yield f"predictions[{i}]", prediction.get("result", []), prov.to_json()


def label_studio_record(task: Any, number: int) -> dict[str, Any]:
    """The interchange record of one Label Studio task (``number``: its place in the file, from 1)."""
    if not isinstance(task, Mapping):
        raise ToolRecordError("a task must be a JSON object")
    data = task.get("data")
    if not isinstance(data, Mapping):
        raise ToolRecordError("data must be an object")
    text = data.get("text")
    if not isinstance(text, str):
        raise ToolRecordError("data.text must be a string")
    doc_id = data.get("doc_id")
    if not (isinstance(doc_id, str) and doc_id.strip()):
        doc_id = f"ls-{task['id']}" if isinstance(task.get("id"), (int, str)) else f"ls-task-{number}"
    record: dict[str, Any] = {"id": doc_id, "text": text, "meta": meta_of(data), "entities": [], "quotes": [],
                              "claims": []}
    label_sets = data.get("label_sets")
    if not (isinstance(label_sets, Mapping) and all(isinstance(v, str) for v in label_sets.values())):
        label_sets = {}
    reviewed = data.get("reviewed")
    if isinstance(reviewed, list) and reviewed:  # the layers an editor marked finished (our export)
        record["meta"]["reviewed"] = reviewed
    for where, results, prov in _blocks(task):
        block = _Results(results, where, text, prov)
        for layer, found in (("entities", block.entities()), ("quotes", block.quotes()),
                             ("claims", block.claims(label_sets))):
            # an annotator who submitted the unreviewed prediction made its regions an annotation too
            earlier = record[layer]
            record[layer] = earlier + [r for r in found if not earlier or r not in earlier]
    return record


def label_studio_records(data: Any) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """``(task number, interchange record, None)`` for each task of a Label Studio JSON file, or
    ``(number, None, problem)`` for one that cannot be read (the rest go on)."""
    tasks = data if isinstance(data, list) else [data]
    for number, task in enumerate(tasks, start=1):
        try:
            yield number, label_studio_record(task, number), None
        except ToolRecordError as exc:
            shown = task.get("id") if isinstance(task, Mapping) else None
            name = f"task {number}" + (f" (id {shown})" if isinstance(shown, (int, str)) else "")
            yield number, None, f"Label Studio {name}: {exc}"
