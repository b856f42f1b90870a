"""The one loader of the knowledge base: writes records without ever undoing an editor's work.

For each record (a fixture row with natural keys):
- a row that does not exist yet is created;
- a row whose parser-owned fields still match the digest the loader last wrote (no editor has
  touched them) is refreshed to the record's values;
- a row an editor changed is left exactly as it is and reported.
- a row an editor deleted is not created again (a deletion is an edit too) and is reported;
  restoring it is done from its history.
Parsed entries of a loaded source that the records no longer contain are removed when untouched
and kept (and reported) when edited. Reference data (regions, instrument types) is created when
missing and otherwise left alone: editors own it once it exists.

English titles of measures (`fixtures/measure_titles_en.json`, hand-kept: the article has none,
so the parser's records never hold one) are editors' data too: the loader gives a measure the
title the file names only if no one has ever given it one, so a title an editor wrote, changed
or emptied is never written over.

With `create_only` (the import of a new article) a record that matches an existing row refuses
the whole load: an import never changes what it did not create.

Plain `loaddata` cannot load the knowledge base: it would overwrite every field of a matched row,
and it does not resolve each mention to its instrument (`Mention.resolve_instrument`).
"""

import datetime
import json
from dataclasses import dataclass, field

from django.db import models, transaction

from regions.models import Region

from ..models import InstrumentType, Measure, Mention, Source, StageRule, digest

MODELS = {
    "regions.region": Region,
    "measures.instrumenttype": InstrumentType,
    "measures.stagerule": StageRule,
    "measures.source": Source,
    "measures.measure": Measure,
    "measures.mention": Mention,
}
REFERENCE_MODELS = (Region, InstrumentType, StageRule)

#: The history's reason for the loader's own removals, so that they are not taken for an
#: editor's deletion (which the loader respects) when the article names the row again.
LOADER_REMOVAL_REASON = "Removed by the loader: no longer in the article"


class RowExists(Exception):
    """A record matches a row that already exists, in a load that may only create."""

    def __init__(self, label):
        super().__init__(label)
        self.label = label


@dataclass
class LoadReport:
    created: list = field(default_factory=list)
    refreshed: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    kept_edited: list = field(default_factory=list)
    kept_deleted: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    titled: list = field(default_factory=list)

    def summary(self):
        return {
            "created": len(self.created),
            "refreshed": len(self.refreshed),
            "unchanged": len(self.unchanged),
            "kept (edited)": len(self.kept_edited),
            "kept deleted": len(self.kept_deleted),
            "removed": len(self.removed),
            "English titles given": len(self.titled),
        }

    @property
    def changed_anything(self):
        return bool(self.created or self.refreshed or self.removed or self.titled)


def with_digest(record):
    """The record with `parsed_digest` set: the fixture shows what the loader will store."""
    model = MODELS[record["model"]]
    fields = dict(record["fields"])
    fields["parsed_digest"] = digest(fields, model.PARSER_FIELDS)
    return {"model": record["model"], "fields": fields}


def _lookup(model, fields):
    if model is Region:
        return {"code": fields["code"]}
    if model is InstrumentType or model is Source:
        return {"slug": fields["slug"]}
    if model is StageRule:
        return {"position": fields["position"]}
    if model is Measure:
        return {
            "source": Source.objects.get_by_natural_key(*fields["source"]),
            "kind": fields["kind"],
            "number": fields["number"],
        }
    return {"key": fields["key"]}


def _resolve(model, fields):
    """Split fixture fields into concrete values (natural keys resolved) and many-to-many lists."""
    concrete, many = {}, {}
    for name, value in fields.items():
        model_field = model._meta.get_field(name)
        if model_field.many_to_many:
            related = model_field.related_model
            many[name] = [related._default_manager.get_by_natural_key(*key) for key in value]
        elif model_field.is_relation:
            related = model_field.related_model
            concrete[name] = (
                None if value is None else related._default_manager.get_by_natural_key(*value)
            )
        elif isinstance(model_field, models.DateField) and isinstance(value, str):
            concrete[name] = datetime.date.fromisoformat(value)
        else:
            concrete[name] = value
    return concrete, many


def _write(obj, concrete, many):
    for name, value in concrete.items():
        setattr(obj, name, value)
    obj.full_clean(validate_unique=False, validate_constraints=False)
    obj.save()
    for name, values in many.items():
        getattr(obj, name).set(values)


def _load_reference(model, fields, report):
    label = f"{model._meta.model_name} {_describe(model, fields)}"
    if model._default_manager.filter(**_lookup(model, fields)).exists():
        report.unchanged.append(label)
        return
    concrete, many = _resolve(model, fields)
    _write(model(), concrete, many)
    report.created.append(label)


def deleted_by_editor(model, lookup):
    """Whether the row `lookup` names was deleted, and not by the loader itself.

    The history keeps a record of every deletion; the latest one for these natural-key values
    decides (a row restored and then removed by the loader may come back).
    """
    historical = dict(lookup)
    if "source" in historical:
        historical["source_id"] = historical.pop("source").pk
    latest = list(
        model.history.filter(history_type="-", **historical)
        .order_by("-history_date", "-history_id")
        .values_list("history_change_reason", flat=True)[:1]
    )
    return bool(latest) and latest[0] != LOADER_REMOVAL_REASON


def _load_parsed(model, fields, report, *, create_only=False):
    fields = {name: value for name, value in fields.items() if name != "parsed_digest"}
    new_digest = digest(fields, model.PARSER_FIELDS)
    lookup = _lookup(model, fields)
    existing = model._default_manager.filter(**lookup).first()
    label = f"{model._meta.model_name} {_describe(model, fields)}"
    if existing is not None and create_only:
        raise RowExists(label)
    if existing is None:
        if deleted_by_editor(model, lookup):
            report.kept_deleted.append(label)
            return None
        concrete, many = _resolve(model, fields)
        obj = model(parsed_digest=new_digest)
        _write(obj, concrete, many)
        report.created.append(label)
        return obj
    if existing.changed_by_editor():
        # An editor changed (or created) this row: it is theirs now.
        report.kept_edited.append(label)
        return existing
    if existing.parsed_digest == new_digest:
        report.unchanged.append(label)
        return existing
    owned = {name: fields[name] for name in model.PARSER_FIELDS if name in fields}
    concrete, many = _resolve(model, owned)
    existing.parsed_digest = new_digest
    _write(existing, concrete, many)
    report.refreshed.append(label)
    return existing


def _own_key(model, fields):
    """The key `_parent_key` gives for the rows hanging from this record's row."""
    if model is Source:
        return ("source", (fields["slug"],))
    if model is Measure:
        return ("measure", (fields["source"][0], fields["kind"], fields["number"]))
    return ("mention", (fields["key"],))


def _describe(model, fields):
    if model is Measure:
        return f"{fields['source'][0]} {fields['kind']}-{fields['number']}"
    if model is Mention:
        return fields["key"]
    return fields.get("slug") or fields.get("code") or fields.get("position")


def _remove_orphans(source_slugs, loaded_keys, report):
    """Parsed entries the records no longer contain: removed if untouched, else kept."""
    orphans = Mention.objects.filter(measure__source__slug__in=source_slugs).exclude(
        key__in=loaded_keys
    )
    for entry in orphans.exclude(parsed_digest=""):
        if not entry.changed_by_editor() and entry.notes == "":
            report.removed.append(f"mention {entry.key}")
            entry._change_reason = LOADER_REMOVAL_REASON
            entry.delete()
        else:
            report.kept_edited.append(f"mention {entry.key} (no longer parsed)")


def _parent_key(model, fields):
    """The natural key of the row a record hangs from: a measure's source, an entry's measure."""
    if model is Measure:
        return ("source", tuple(fields["source"]))
    if model is Mention:
        return ("measure", tuple(fields["measure"]))
    return None


#: The history's reason for an English title the loader gives.
TITLE_REASON = "English title from fixtures/measure_titles_en.json"


def _give_english_titles(titles, report):
    """Give each measure of `titles` ([{"measure": natural key, "title_en": …}]) its English
    title, unless it has ever had one: its history then shows one (written by an editor or by an
    earlier load), and what the title is now, even empty, is an editor's choice."""
    for record in titles:
        source, kind, number = record["measure"]
        measure = Measure.objects.filter(source__slug=source, kind=kind, number=number).first()
        if measure is None or measure.history.exclude(title_en="").exists():
            continue
        measure.title_en = record["title_en"]
        measure._change_reason = TITLE_REASON
        measure.save(update_fields=["title_en"])
        report.titled.append(f"measure {source} {kind}-{number}")


def load_records(records, *, dry_run=False, status=None, create_only=False, english_titles=()):
    """Write fixture records (reference data and/or knowledge base) and report what happened.

    `status`: the status for sources, measures and entries this load creates (default: as the
    records say). Existing rows keep theirs: publishing is an editor's decision. With
    `create_only`, a record matching an existing row raises `RowExists` and nothing is written.
    `english_titles` are given to measures that never had one (`_give_english_titles`).
    With `dry_run` the report is computed and nothing is written.
    """
    report = LoadReport()
    with transaction.atomic():
        sources, keys = set(), set()
        # Natural keys of rows kept deleted: what hangs from them is not created either.
        kept_deleted = set()
        for record in records:
            model = MODELS[record["model"]]
            fields = dict(record["fields"])
            if model in REFERENCE_MODELS:
                _load_reference(model, fields, report)
                continue
            if status is not None and model in (Source, Measure, Mention):
                fields["status"] = status
            if model is Mention:
                keys.add(fields["key"])
            if model is Source:
                sources.add(fields["slug"])
            if _parent_key(model, fields) in kept_deleted:
                report.kept_deleted.append(f"{model._meta.model_name} {_describe(model, fields)}")
                continue
            row = _load_parsed(model, fields, report, create_only=create_only)
            if row is None:
                kept_deleted.add(_own_key(model, fields))
        _remove_orphans(sources, keys, report)
        _give_english_titles(english_titles, report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def read_fixture(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)
