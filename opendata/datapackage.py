"""The whole published dataset as a Frictionless Data Package: `datapackage.json` with a Table
Schema for each CSV (instruments, mentions, measures, regions, types, sources).

The instruments and the mentions are the list's rows as the exports write them: the same row
generators (`exports.instrument_rows`, `exports.mention_rows`) over the unfiltered list
(`MentionListing`), so the package holds exactly what the list counts, with the exports'
columns, plus the measure and source each mention belongs to. The CSVs are for data tools: UTF-8 without a byte-order mark, and values
exactly as stored (the exports' guard against spreadsheet formulas is for spreadsheets).
"""

import csv
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.http import QueryDict
from django.urls import reverse

from measures import columns
from measures.browse import exports
from measures.browse.listing import MentionListing
from measures.models import (
    InstrumentType,
    Measure,
    Mention,
    Source,
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


#: The exports' columns that are not text, by their Table Schema type.
EXPORT_TYPES = {
    "id": "integer",
    "measure_number": "integer",
    "version": "integer",
    "instrument_id": "integer",
    "mention_count": "integer",
    "first_mention_id": "integer",
    "source_published_on": "date",
    "stage_on": "date",
}


def typed(described, key):
    """Table Schema fields for the export columns `described`, `key` required."""
    return tuple(
        Field(
            column.name,
            EXPORT_TYPES.get(column.name, "string"),
            str(column.meaning),
            required=column.name == key,
        )
        for column in described
    )


#: What links a mention to the package's other tables, where the export's columns lack it.
LINK_FIELDS = (
    s("measure_slug", "Its measure (measures.slug)."),
    s("source_slug", "Its article (sources.slug)."),
)
MENTION_FIELDS = (*typed(columns.COLUMNS, "id"), *LINK_FIELDS)


def mention_rows(request):
    listing = MentionListing(QueryDict())
    links = dict(
        (pk, (measure, source))
        for pk, measure, source in Mention.objects.published()
        .values_list("pk", "measure__slug", "measure__source__slug")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for row in exports.mention_rows(listing, request):
        measure, source = links.get(row["id"], (None, None))
        yield {"measure_slug": measure, "source_slug": source, **row}


INSTRUMENT_FIELDS = typed(columns.INSTRUMENT_COLUMNS, "instrument_id")


def instrument_rows(request):
    return exports.instrument_rows(MentionListing(QueryDict()), request)


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
            "instrument_id",
            (("instrument_type", "types", "slug"), ("region_code", "regions", "code")),
            instrument_rows,
        ),
        Resource(
            "mentions",
            "Mentions (the list's entries): each sentence of an article that states an instrument",
            MENTION_FIELDS,
            "id",
            (
                ("instrument_id", "instruments", "instrument_id"),
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
        "homepage": request.build_absolute_uri(reverse("opendata_pages:dataset")),
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
