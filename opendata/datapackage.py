"""The whole published dataset as a Frictionless Data Package: `datapackage.json` with a Table
Schema for each CSV (instruments, mentions, measures, regions, types, sources).

The mentions are the list's entries as the exports write them: the same row generator
(`exports.export_rows`) over the unfiltered list (`MentionListing`), so the package holds exactly
the rows the list counts, with the export's columns, plus the instrument, measure and source
each entry belongs to. The CSVs are for data tools: UTF-8 without a byte-order mark, and values
exactly as stored (the exports' guard against spreadsheet formulas is for spreadsheets).
"""

import csv
import io
import json
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.http import QueryDict
from django.urls import reverse

from measures import columns
from measures.browse.exports import export_rows, regions_by_id
from measures.browse.listing import MentionListing
from measures.identity import stage_of
from measures.models import (
    Instrument,
    InstrumentAlias,
    InstrumentType,
    Measure,
    Mention,
    Source,
    StageRule,
)
from regions.models import Region

from .citation import PUBLISHER, dataset_title, source_phrase

# Rows are read this many at a time, so memory stays flat however many there are.
CHUNK_SIZE = 2000


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # a Table Schema type: string, integer, date, boolean
    description: str
    required: bool = False


@dataclass(frozen=True)
class Resource:
    name: str
    title: str
    fields: tuple
    primary_key: str
    foreign_keys: tuple  # (field, resource, field)
    rows: object  # request -> iterable of dicts keyed by the field names


def s(name, description, **kwargs):
    return Field(name, "string", description, **kwargs)


def i(name, description, **kwargs):
    return Field(name, "integer", description, **kwargs)


# Mentions: the export's columns, typed, then what links each entry to the other resources.
EXPORT_TYPES = {"id": "integer", "measure_number": "integer", "version": "integer"}
EXPORT_TYPES["source_published_on"] = "date"
EXPORT_TYPES["instrument_id"] = "integer"
#: What links a mention to the package's other tables, where the export's columns lack it.
LINK_FIELDS = (
    i("instrument_id", "The instrument it mentions (instruments.id)."),
    s("measure_slug", "Its measure (measures.slug)."),
    s("source_slug", "Its article (sources.slug)."),
)
MENTION_FIELDS = (
    *(
        Field(
            column.name,
            EXPORT_TYPES.get(column.name, "string"),
            str(column.meaning),
            required=column.name == "id",
        )
        for column in columns.COLUMNS
    ),
    *(field for field in LINK_FIELDS if field.name not in {c.name for c in columns.COLUMNS}),
)


def mention_rows(request):
    listing = MentionListing(QueryDict())
    links = dict(
        (pk, (instrument, measure, source))
        for pk, instrument, measure, source in Mention.objects.published()
        .values_list("pk", "instrument_id", "measure__slug", "measure__source__slug")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for row in export_rows(listing, request):
        instrument, measure, source = links.get(row["id"], (None, None, None))
        yield {"instrument_id": instrument, "measure_slug": measure, "source_slug": source, **row}


INSTRUMENT_FIELDS = (
    i("id", "The instrument's number; its page is /instruments/<id>/.", required=True),
    s("name", "Its name, without 《》."),
    s("aliases", "Other names it goes by, separated by “；”."),
    s("instrument_type", "Its type (types.slug)."),
    s("instrument_category", "The type's category."),
    s("region_code", "The responsible region (regions.code)."),
    s("region_name", "That region's short name."),
    s("prefecture_code", "The prefecture the region lies in; empty at the province level."),
    s("stage", "Where it stands: an editor's stage, or the one its latest mention's verb shows."),
    Field("stage_on", "date", "When it reached that stage, if known."),
    s("official_title", "The title of the official document, where known."),
    s("official_url", "A link to the official document, where known."),
    i("mentions", "How many published mentions it has."),
    s("url", "Its page on this site."),
)


def instrument_rows(request):
    rules = StageRule.objects.as_rules()
    stages = defaultdict(list)
    for instrument, action, name in (
        Mention.objects.published()
        .in_article_order()
        .values_list("instrument_id", "action", "name")
        .iterator(chunk_size=CHUNK_SIZE)
    ):
        stages[instrument].append(stage_of(action, name, rules))
    regions = regions_by_id()
    aliases = defaultdict(list)
    for instrument, name in InstrumentAlias.objects.order_by("instrument_id", "name").values_list(
        "instrument_id", "name"
    ):
        aliases[instrument].append(name)
    instruments = (
        Instrument.objects.published()
        .select_related("type")
        .annotate(public_mentions=Count("mentions", filter=Q(mentions__public=True)))
        .order_by("id")
    )
    for instrument in instruments.iterator(chunk_size=CHUNK_SIZE):
        code, region_name, prefecture, _prefecture_name = regions[instrument.region_id]
        yield {
            "id": instrument.pk,
            "name": instrument.name,
            "aliases": "；".join(a for a in aliases[instrument.pk] if a != instrument.name),
            "instrument_type": instrument.type.slug,
            "instrument_category": instrument.type.category,
            "region_code": code,
            "region_name": region_name,
            "prefecture_code": prefecture,
            "stage": instrument.current_stage(stages[instrument.pk])[0],
            "stage_on": instrument.stage_on,
            "official_title": instrument.official_title,
            "official_url": instrument.official_url,
            "mentions": instrument.public_mentions,
            "url": request.build_absolute_uri(instrument.get_absolute_url()),
        }


MEASURE_FIELDS = (
    s("slug", "The measure's identifier, as the list's measure filter takes it.", required=True),
    s("source_slug", "Its article (sources.slug)."),
    s("kind", "reform (a measure carried out) or direction (a next step)."),
    i("number", "Its ordinal within its kind."),
    s("title", "Its title."),
    s("body", "Its paragraph, as the article gives it."),
    s("continues", "For a direction: the measures it continues (slugs, space-separated)."),
    s("url", "Its page on this site."),
)


def measure_rows(request):
    measures = (
        Measure.objects.published()
        .select_related("source")
        .defer("source__text")
        .prefetch_related("continues")
        .in_article_order()
    )
    for measure in measures:
        yield {
            "slug": measure.slug,
            "source_slug": measure.source.slug,
            "kind": measure.kind,
            "number": measure.number,
            "title": measure.title,
            "body": measure.body,
            "continues": " ".join(m.slug for m in measure.continues.all() if m.is_published),
            "url": request.build_absolute_uri(measure.get_absolute_url()),
        }


REGION_FIELDS = (
    s("code", "GB/T 2260 code (statistical code for towns).", required=True),
    s("name", "Full official name."),
    s("short_name", "The name as articles write it."),
    s("name_en", "English name."),
    s("level", "national, province, prefecture, county or township."),
    s("parent_code", "The unit above it (regions.code)."),
    s("url", "Its page on this site."),
)


def region_rows(request):
    for region in Region.objects.select_related("parent").order_by("code"):
        yield {
            "code": region.code,
            "name": region.name,
            "short_name": region.short_name,
            "name_en": region.name_en,
            "level": region.level,
            "parent_code": region.parent.code if region.parent else None,
            "url": request.build_absolute_uri(region.get_absolute_url()),
        }


TYPE_FIELDS = (
    s("slug", "The type, as the list's type filter takes it.", required=True),
    s("name", "Chinese name."),
    s("name_en", "English name."),
    s("category", "Its category, as the list's category filter takes it."),
    i("precedence", "The order the parser tries the types' rules in."),
)


def type_rows(request):
    for instrument_type in InstrumentType.objects.order_by("precedence"):
        yield {
            "slug": instrument_type.slug,
            "name": instrument_type.name,
            "name_en": instrument_type.name_en,
            "category": instrument_type.category,
            "precedence": instrument_type.precedence,
        }


SOURCE_FIELDS = (
    s("slug", "The article's identifier.", required=True),
    s("title", "Its title."),
    s("publisher", "Who published it."),
    Field("published_on", "date", "When it was published."),
    s("source_url", "Where it was published, if recorded."),
    s("sha256", "SHA-256 of its text (UTF-8), as the knowledge base holds it."),
    s("url", "Its page on this site, with every entry marked."),
)


def source_rows(request):
    for source in Source.objects.published().defer("text").order_by("published_on", "slug"):
        yield {
            "slug": source.slug,
            "title": source.title,
            "publisher": source.publisher,
            "published_on": source.published_on,
            "source_url": source.url,
            "sha256": source.sha256,
            "url": request.build_absolute_uri(source.get_absolute_url()),
        }


RESOURCES = {
    resource.name: resource
    for resource in (
        Resource(
            "instruments",
            "Policy instruments",
            INSTRUMENT_FIELDS,
            "id",
            (("instrument_type", "types", "slug"), ("region_code", "regions", "code")),
            instrument_rows,
        ),
        Resource(
            "mentions",
            "Mentions (the list's entries): each sentence of an article that states an instrument",
            MENTION_FIELDS,
            "id",
            (
                ("instrument_id", "instruments", "id"),
                ("measure_slug", "measures", "slug"),
                ("source_slug", "sources", "slug"),
                ("region_code", "regions", "code"),
                ("instrument_type", "types", "slug"),
            ),
            mention_rows,
        ),
        Resource(
            "measures",
            "Reform measures and next-step directions",
            MEASURE_FIELDS,
            "slug",
            (("source_slug", "sources", "slug"),),
            measure_rows,
        ),
        Resource(
            "regions",
            "Regions (the gazetteer)",
            REGION_FIELDS,
            "code",
            (("parent_code", "regions", "code"),),
            region_rows,
        ),
        Resource("types", "Instrument types", TYPE_FIELDS, "slug", (), type_rows),
        Resource("sources", "Articles", SOURCE_FIELDS, "slug", (), source_rows),
    )
}


def csv_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def csv_lines(resource, request):
    """The resource's CSV, line by line: a header of its field names, then its rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = [field.name for field in resource.fields]
    writer.writerow(names)
    yield buffer.getvalue()
    for row in resource.rows(request):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([csv_text(row[name]) for name in names])
        yield buffer.getvalue()


def resource_path(name):
    return f"data/{name}.csv"


def descriptor(request, version, sources, *, absolute):
    """The datapackage.json as a dict. `absolute`: resource paths are URLs on this site (the
    descriptor served on its own) rather than paths within the zip archive."""

    def path(name):
        if absolute:
            return request.build_absolute_uri(reverse("opendata:resource", args=[name]))
        return resource_path(name)

    return {
        "profile": "tabular-data-package",
        "name": "qhreform",
        "title": str(dataset_title()),
        "version": version.label,
        "created": version.updated.isoformat() if version.updated else None,
        "homepage": request.build_absolute_uri(reverse("opendata:dataset")),
        "licenses": [settings.DATA_LICENSE],
        "contributors": [{"title": PUBLISHER, "role": "publisher"}],
        "sources": [
            {"title": source_phrase(source), "path": source.url}
            if source.url
            else {"title": source_phrase(source)}
            for source in sources
        ],
        "resources": [
            {
                "name": resource.name,
                "title": resource.title,
                "path": path(resource.name),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {
                            "name": field.name,
                            "type": field.type,
                            "description": field.description,
                            **({"constraints": {"required": True}} if field.required else {}),
                        }
                        for field in resource.fields
                    ],
                    "primaryKey": resource.primary_key,
                    "foreignKeys": [
                        {
                            "fields": field,
                            "reference": {
                                "resource": "" if target == resource.name else target,
                                "fields": target_field,
                            },
                        }
                        for field, target, target_field in resource.foreign_keys
                    ],
                    "missingValues": [""],
                },
            }
            for resource in RESOURCES.values()
        ],
    }


def zip_file(request, version, sources):
    """The package as a zip archive (datapackage.json and data/*.csv), rewound for reading.

    Built whole, since a zip's directory comes last; spooled to disk when large.
    """
    # Left open on purpose: the response sends it and closes it.
    file = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "datapackage.json",
            json.dumps(descriptor(request, version, sources, absolute=False), indent=2) + "\n",
        )
        for resource in RESOURCES.values():
            with archive.open(resource_path(resource.name), "w") as member:
                for line in csv_lines(resource, request):
                    member.write(line.encode("utf-8"))
    file.seek(0)
    return file
