"""Exports of the filtered instruments list: CSV, JSON and XLSX.

Every export builds the list page's `MentionListing` from the same query string, so it holds
exactly the rows the page counts, in the page's order, all pages of them (`page` is ignored):
one row per instrument, or with `per=mention` one per matching mention. One row generator per
kind of row (`instrument_rows`, `mention_rows`) feeds all three formats, so their columns
cannot drift apart. `header=zh` gives the CSV Chinese headings (the workbook has them unless
`header=en`); JSON keys are always the column names.
"""

import csv
import io
import json
import queue
import re
import tempfile
import threading
from collections import defaultdict
from contextlib import contextmanager, suppress
from functools import lru_cache
from itertools import islice
from operator import itemgetter
from urllib.parse import quote

from django.conf import settings
from django.db import connections, transaction
from django.db.models import BooleanField, Count, Max, Q
from django.db.models.expressions import RawSQL
from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from regions.models import Region, prefecture_in

from .. import columns
from ..formulas import guarded
from ..identity import stage_of
from ..models import (
    InstrumentAlias,
    InstrumentType,
    Measure,
    Mention,
    Source,
    Stage,
    StageRule,
    current_stage,
)
from .filters import MentionFilter, sort_labels
from .listing import MentionListing, printable


class Rows:
    """What one kind of export row is: its columns and the generator of its rows."""

    def __init__(self, name, described, values):
        self.name = name
        self.described = described
        #: The columns in order: the CSV and XLSX header, the keys of each JSON result.
        self.columns = tuple(column.name for column in described)
        #: The headings a file can have, by the `header` parameter.
        self.headings = {
            "en": self.columns,
            "zh": tuple(column.heading_zh for column in described),
        }
        #: (listing, request, text) -> the rows as tuples, in the order of `columns`.
        self.values = values

    def __call__(self, listing, request):
        """The rows as dicts keyed by `columns` (JSON's results)."""
        names = self.columns
        return (dict(zip(names, row, strict=True)) for row in self.values(listing, request))


#: The `header` values a file can take.
HEADERS = ("en", "zh")

# Rows are read from the database this many at a time: one query, and memory that stays flat
# however many rows match.
CHUNK_SIZE = 2000

# The parameters that narrow the list; `sort` and `page` do not change which rows it holds.
FILTER_NAMES = tuple(name for name in MentionFilter.base_filters if name != "sort")

# A streamed response sends each piece it is given as one write; a few large writes cost the
# server far less than one per row, and pieces of this size still keep memory flat.
STREAM_PIECE_SIZE = 64 * 1024
# The CSV's pieces in rows (about 64 kB of mentions); the first is small, so that the first
# bytes leave as soon as the first rows are read.
PIECE_ROWS = 150
FIRST_PIECE_ROWS = 10

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Small workbooks stay in memory; larger ones go to a temporary file.
XLSX_IN_MEMORY_BYTES = 8 * 1024 * 1024
XLSX_DEFAULT_WIDTH = 14
XLSX_WIDTHS = {
    "id": 8,
    "measure_number": 9,
    "measure_title": 40,
    "region_code": 12,
    "prefecture_code": 12,
    "instrument_type": 16,
    "instrument_type_name": 16,
    "instrument_category": 16,
    "instrument_name": 40,
    "action": 8,
    "quote": 80,
    "source_title": 40,
    "source_published_on": 12,
    "source_url": 40,
    "url": 40,
}


# Rows ------------------------------------------------------------------------------------------


def unchanged(value):
    return value


def mention_values(listing, request, text=unchanged):
    """One tuple per matching mention, its values in the order of `columns.COLUMNS`, in the list
    page's order.

    Values are plain: int for `id` and `measure_number`, str for text, None where there is
    nothing (the prefecture of a province-level entry, the date of an undated source). `url` is
    the entry's absolute permalink on the host `request` came to. `text` is what a file does to
    a value (the CSV's formula guard): applied once per measure, type and region, and per row
    only to the mention's own texts.

    The rows are the mention's own columns, read in chunks by one query that joins nothing; what
    many rows share (measure, source, type, region) comes from lookups read once — they are few
    against the mentions — so any number of rows costs the same queries and constant memory.
    """
    # Values, not model instances: building the seven objects of an entry's row (entry,
    # measure, source, type, region and two ancestors), with timestamps and JSON fields no
    # column shows, took three quarters of an export's time.
    queryset = listing.ordered_mentions
    with one_snapshot(queryset.db):
        _labels, measures, types, regions = shared_values(text)
        permalink = permalinks(request, "measures:mention_detail")
        for (
            pk,
            measure_id,
            region_id,
            type_id,
            name,
            action,
            sentence,
            version,
            instrument_id,
            evidence_url,
            evidence_reference,
        ) in read_ahead(
            queryset.values_list(*MENTION_FIELDS).iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE
        ):
            measure, source, kind_name = measures[measure_id]
            type_, category_name = types[type_id]
            # The permalink starts with the site's scheme: no formula to guard against.
            yield (
                pk,
                *measure,
                *regions[region_id],
                *type_,
                text(name),
                text(action),
                text(sentence),
                *source,
                permalink(pk),
                version,
                kind_name,
                category_name,
                instrument_id,
                text(evidence_url),
                text(evidence_reference),
            )


def shared_values(text):
    """(labels, measures, types, regions): `chinese_labels()`, and the columns rows share, by
    id, read once per export (`measures_by_id`, `types_by_id`, `regions_by_id`), each value
    passed through `text`."""
    labels = chinese_labels()
    regions = {pk: tuple(map(text, region)) for pk, region in regions_by_id().items()}
    return labels, measures_by_id(labels, text), types_by_id(labels, text), regions


#: What `mention_values` reads of each mention, in this order.
MENTION_FIELDS = (
    "id",
    "measure",
    "region",
    "type",
    "name",
    "action",
    "quote",
    "version",
    "instrument",
    "evidence_url",
    "evidence_reference",
)


def mention_rows(listing, request):
    """One dict per matching mention, keyed by `columns.COLUMNS`: `mention_values` as dicts."""
    return PER["mention"](listing, request)


def chinese_labels():
    """{"kind": {slug: 中文}, "category": …, "stage": …}: the labels of the Chinese-name
    columns, Chinese whatever the language of the request."""
    with translation.override("zh-hans"):
        return {
            "kind": {value: str(label) for value, label in Measure.Kind.choices},
            "category": {value: str(label) for value, label in InstrumentType.Category.choices},
            "stage": {value: str(label) for value, label in Stage.choices},
        }


def measures_by_id(labels, text=unchanged):
    """{measure id: ((kind, number, title), (its source's title, date, URL), kind in Chinese)}
    for every measure, in one query; `labels` is `chinese_labels()`, `text` is applied to each
    text value."""
    rows = Measure.objects.order_by().values_list(
        "pk",
        "kind",
        "number",
        "title",
        "source__title",
        "source__published_on",
        "source__url",
    )
    return {
        pk: (
            (text(kind), number, text(title)),
            (
                text(source_title),
                published_on.isoformat() if published_on else None,
                text(source_url),
            ),
            text(labels["kind"].get(kind, kind)),
        )
        for pk, kind, number, title, source_title, published_on, source_url in rows
    }


def types_by_id(labels, text=unchanged):
    """{type id: ((slug, name, category), category in Chinese)} for every instrument type, in
    one query; `labels` is `chinese_labels()`, `text` is applied to each text value."""
    rows = InstrumentType.objects.order_by().values_list("pk", "slug", "name", "category")
    return {
        pk: (
            (text(slug), text(name), text(category)),
            text(labels["category"].get(category, category)),
        )
        for pk, slug, name, category in rows
    }


def instrument_values(listing, request, text=unchanged):
    """One tuple per instrument the list holds, its values in the order of
    `columns.INSTRUMENT_COLUMNS`, in the list page's order: the instrument, its stage, other
    names and how many matching mentions it has, and the first of them (which places it in the
    list). `text` as for `mention_values`.

    The list's rows are read in order (`MentionQuerySet.leading`), in chunks, by one query; per
    chunk, three more read how many matching mentions each instrument has (with filters only),
    their stages (from all their public mentions, by the stage rule) and other names.
    """
    queryset = listing.queryset
    with one_snapshot(queryset.db):
        labels, measures, types, regions = shared_values(text)
        permalink = permalinks(request, "measures:instrument_detail")
        rules = StageRule.objects.as_rules()

        # A stage depends on the verb and the name alone, and mentions repeat both: each pair
        # is worked out once (bounded, so memory stays flat).
        @lru_cache(maxsize=4096)
        def mention_stage(action, name):
            return stage_of(action, name, rules)

        # Without filters, the mentions the list selects of an instrument are all its public
        # ones, which its stage is read from anyway: they are not counted again.
        filtered = any(name in listing.query for name in FILTER_NAMES)
        rows = queryset.values_list(*INSTRUMENT_FIELDS).iterator(chunk_size=CHUNK_SIZE)
        while chunk := list(islice(rows, CHUNK_SIZE)):
            instruments = [row[0] for row in chunk]
            stages = defaultdict(list)
            public = (
                Mention.objects.published()
                .filter(among(Mention, "instrument", instruments, queryset.db))
                .in_article_order()
            )
            for instrument_id, action, name in public.values_list("instrument", "action", "name"):
                stages[instrument_id].append(mention_stage(action, name))
            if filtered:
                counts = dict(
                    listing.mentions.filter(among(Mention, "instrument", instruments, queryset.db))
                    .order_by()
                    .values_list("instrument")
                    .annotate(n=Count("id"))
                )
            else:
                counts = {pk: len(found) for pk, found in stages.items()}
            names = defaultdict(list)
            aliases = InstrumentAlias.objects.filter(
                among(InstrumentAlias, "instrument", instruments, queryset.db)
            ).order_by("name")
            for instrument_id, name in aliases.values_list("instrument", "name"):
                names[instrument_id].append(name)
            for (
                pk,
                name,
                type_id,
                region_id,
                editor_stage,
                stage_on,
                official_title,
                official_url,
                first_mention,
                measure_id,
                action,
                sentence,
            ) in chunk:
                measure, source, _kind_name = measures[measure_id]
                type_, category_name = types[type_id]
                stage, _by_editor = current_stage(editor_stage, stages[pk])
                yield (
                    pk,
                    text(name),
                    *type_,
                    category_name,
                    *regions[region_id],
                    text(stage),
                    text(labels["stage"].get(stage, stage)),
                    stage_on.isoformat() if stage_on else None,
                    text(official_title),
                    text(official_url),
                    text("; ".join(n for n in names[pk] if n != name)),
                    counts.get(pk, 0),
                    first_mention,
                    *measure,
                    text(action),
                    text(sentence),
                    *source,
                    permalink(pk),
                )


def among(model, field, ids, using):
    """A condition for `model`'s rows on database `using`: its `field` (a foreign key) is one of
    `ids`. On PostgreSQL `= ANY` of one array parameter: as `__in`, the driver bound a chunk's
    2,000 ids as 2,000 placeholders, three queries per chunk, which took a third of an export's
    time; as a subquery of the array, the planner expected 200 of them and read each one's rows
    by index in turn (10 times as long as one bitmap scan for a chunk's 20,000 mentions)."""
    if connections[using].vendor != "postgresql":
        return Q(**{f"{field}__in": ids})
    quote = connections[using].ops.quote_name
    column = f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(field).column)}"
    return RawSQL(f"{column} = ANY(%s::bigint[])", [ids], output_field=BooleanField())


#: What `instrument_values` reads of a list row (an instrument's first matching mention).
INSTRUMENT_FIELDS = (
    "instrument",
    "instrument__name",
    "instrument__type",
    "instrument__region",
    "instrument__stage",
    "instrument__stage_on",
    "instrument__official_title",
    "instrument__official_url",
    "id",
    "measure",
    "action",
    "quote",
)


def instrument_rows(listing, request):
    """One dict per instrument the list holds, keyed by `columns.INSTRUMENT_COLUMNS`:
    `instrument_values` as dicts."""
    return PER["instrument"](listing, request)


#: The two kinds of export row, by the `per` parameter.
PER = {
    "instrument": Rows("instrument", columns.INSTRUMENT_COLUMNS, instrument_values),
    "mention": Rows("mention", columns.COLUMNS, mention_values),
}


@contextmanager
def one_snapshot(using):
    """A transaction on database `using` in which every read of an export sees the same rows.

    Django declares a server-side cursor outside a transaction WITH HOLD, and PostgreSQL then
    computes and stores every row before it returns the first (0.2 s at 100,000 mentions,
    seconds and a temporary file the size of the export at a million) — and PgBouncer in
    transaction mode loses such a cursor between two fetches. Inside a transaction the rows are
    read as they are sent. REPEATABLE READ gives the lookups (measures, types, regions) and the
    rows one snapshot, so no row names a measure its lookup did not see. The transaction stays
    open as long as the download, which GUNICORN_TIMEOUT bounds.
    """
    connection = connections[using]
    outermost = not connection.in_atomic_block
    # Nothing is written: inside a transaction already open (a test's) no savepoint is needed.
    with transaction.atomic(using=using, savepoint=False):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def regions_by_id():
    """{region id: (code, short name, its prefecture's code and short name, or None and None)}
    for every region, in one query.

    The export reads each row's region id only, and this map once: the regions are few (the
    gazetteer), the rows many, and joining each row's region, parent and grandparent cost an
    export about a tenth of its time (docs/performance.md). The prefecture follows the region
    rule (`prefecture_in`) at any depth.
    """
    regions = {}
    for region in Region.objects.linked():
        prefecture = prefecture_in(region.lineage())
        regions[region.pk] = (
            region.code,
            region.short_name,
            prefecture.code if prefecture else None,
            prefecture.short_name if prefecture else None,
        )
    return regions


def permalinks(request, view):
    """pk -> the absolute URL of `view` for it, as `request.build_absolute_uri(reverse(view,
    args=[pk]))` gives it, without resolving the URL once per row."""
    marker = 918_273_645_546_372_819
    url = request.build_absolute_uri(reverse(view, args=[marker]))
    head, found, tail = url.partition(str(marker))
    if not found or str(marker) in tail:
        return lambda pk: request.build_absolute_uri(reverse(view, args=[pk]))
    return lambda pk: f"{head}{pk}{tail}"


# CSV -------------------------------------------------------------------------------------------


def csv_file(rows, headings):
    """The CSV's text in pieces: `headings`, then each of `rows` (sequences of values as they are
    to be written), the first piece with a few rows so that it goes out at once, the others
    with `PIECE_ROWS`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # The byte-order mark tells Excel the file is UTF-8; without it Excel on Chinese Windows reads
    # it as GBK and garbles every character.
    buffer.write("\ufeff")
    writer.writerow(headings)
    rows = iter(rows)
    count = FIRST_PIECE_ROWS
    while True:
        # One call formats a piece's rows, without a Python call per row.
        writer.writerows(islice(rows, count))
        if not buffer.tell():
            return
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        count = PIECE_ROWS


def csv_lines(rows, names, headings):
    """The CSV of dict `rows`: `headings`, then the values of `names` of each row, guarded."""
    values = itemgetter(*names)
    return csv_file(([guarded(value) for value in values(row)] for row in rows), headings)


@require_safe
def export_csv(request):
    """The filtered list as CSV: UTF-8 with a byte-order mark, RFC 4180 quoting, streamed."""
    listing, header, per = read_request(request, default_header="en")
    if listing.errors or header not in HEADERS or per not in PER:
        return unusable_parameters(listing, header, per)
    rows = PER[per]
    pieces = csv_file(rows.values(listing, request, guarded), rows.headings[header])
    response = StreamingHttpResponse(pieces, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(listing, "csv")
    return response


# JSON ------------------------------------------------------------------------------------------


def json_parts(listing, per, filters, request):
    """The JSON document in parts: the count, `filters`, then the rows of `PER[per]`."""
    # One encoder for every row: json.dumps with options makes a new one per call.
    dump = json.JSONEncoder(ensure_ascii=False).encode
    # The count opens the document; read in the rows' snapshot, it is always how many follow.
    with one_snapshot(listing.ordered_mentions.db):
        count = row_count(listing, per)
        yield f'{{"count": {count}, "filters": {dump(filters)}, "results": ['
        separator = "\n"
        for row in PER[per](listing, request):
            yield separator + dump(row)
            separator = ",\n"
    yield "\n]}\n"


@require_safe
def export_json(request):
    """The filtered list as JSON: `{"count", "filters", "results"}`, real UTF-8, streamed.

    `count` is how many results there are (instruments, or mentions with `per=mention`);
    `filters` repeats the query parameters as given (a list for every key, without `page`);
    each result has the CSV's columns as keys, with text as stored (no formula protection, which
    only spreadsheets need).
    """
    # JSON keys are the column names whatever `header` says; a bad value is still refused.
    listing, header, per = read_request(request, default_header="en")
    if listing.errors or header not in HEADERS or per not in PER:
        return unusable_parameters(listing, header, per)
    filters = {key: request.GET.getlist(key) for key in request.GET if key != "page"}
    parts = json_parts(listing, per, filters, request)
    response = StreamingHttpResponse(
        in_pieces(parts), content_type="application/json; charset=utf-8"
    )
    # Inline, so a browser shows it; the name is for "Save as".
    response["Content-Disposition"] = content_disposition(listing, "json", inline=True)
    return response


# XLSX ------------------------------------------------------------------------------------------


def xlsx_value(value):
    # openpyxl refuses control characters a workbook cannot hold. They go first, so that a
    # formula sign they hid is still caught.
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return guarded(value)


def xlsx_file(rows, names, *, headings, title="instruments", about=()):
    """A workbook of `rows` (sequences of cell values, through `xlsx_value`) under the columns
    `names`, rewound for reading: sheet `title` (header frozen, bold and filterable) and a sheet
    describing each column and the filters (`about`, rows of text)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title)
    # A write-only sheet writes its layout before the first row, so it is set up first.
    sheet.freeze_panes = "A2"
    for index, name in enumerate(names, start=1):
        width = XLSX_WIDTHS.get(name, XLSX_DEFAULT_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append(bold_row(sheet, headings))
    written = 0
    for row in rows:
        sheet.append(row)
        written += 1
    # The filter buttons cover the header and every row (the header alone when there are none).
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{written + 1}"

    notes = workbook.create_sheet(title=_("About this file"))
    for index, width in enumerate((24, 16, 90), start=1):
        notes.column_dimensions[get_column_letter(index)].width = width
    for line in about:
        # Filter values are what the visitor typed: guarded like every cell.
        notes.append(
            bold_row(notes, line) if line and line[0] is BOLD else [xlsx_value(v) for v in line]
        )
    # Left open on purpose: the response sends it and closes it.
    file = tempfile.SpooledTemporaryFile(max_size=XLSX_IN_MEMORY_BYTES)  # noqa: SIM115
    workbook.save(file)
    file.seek(0)
    return file


#: Marks a line of `about` to be written in bold (its first cell, dropped).
BOLD = object()


def bold_row(sheet, values):
    bold = Font(bold=True)
    cells = []
    for value in values:
        if value is BOLD:
            continue
        cell = WriteOnlyCell(sheet, value=xlsx_value(value))
        cell.font = bold
        cells.append(cell)
    return cells


def about_the_file(listing, rows, described):
    """The second sheet's lines: each column (name, Chinese heading, meaning), then the filters
    this file was made with and how many rows it holds."""
    lines = [
        [BOLD, _("Column"), _("Chinese heading"), _("Meaning")],
        *([column.name, column.heading_zh, str(column.meaning)] for column in described),
        [],
        [BOLD, _("Filters used for this file")],
    ]
    used = filters_used(listing)
    lines += [[label, ", ".join(values)] for label, values in used]
    if not used:
        lines.append([_("None: every published entry.")])
    lines += [[], [_("Rows in this file"), rows]]
    return lines


@require_safe
def export_xlsx(request):
    """The filtered list as an Excel workbook.

    A workbook is a zip archive whose directory comes last, so it is built whole (rows still read
    in chunks, the file spooled to disk when large) and then sent.
    """
    listing, header, per = read_request(request, default_header="zh")
    if listing.errors or header not in HEADERS or per not in PER:
        return unusable_parameters(listing, header, per)
    # A workbook is built whole, at a cost that grows with its rows; a larger list is for the
    # streamed CSV or JSON, which cost the server little whatever their size.
    count = row_count(listing, per)
    if count > settings.XLSX_EXPORT_MAX_ROWS:
        message = _(
            "The list has %(rows)s rows; a workbook holds at most %(limit)s. Narrow the "
            "filters, or download CSV or JSON, which hold any number of rows."
        ) % {"rows": f"{count:,}", "limit": f"{settings.XLSX_EXPORT_MAX_ROWS:,}"}
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    rows = PER[per]
    response = FileResponse(
        xlsx_file(
            rows.values(listing, request, xlsx_value),
            rows.columns,
            headings=rows.headings[header],
            title="instruments" if per == "instrument" else "mentions",
            about=about_the_file(listing, count, rows.described),
        ),
        content_type=XLSX_CONTENT_TYPE,
    )
    response["Content-Disposition"] = content_disposition(listing, "xlsx")
    return response


# Shared ----------------------------------------------------------------------------------------


def read_ahead(rows, chunk_size=CHUNK_SIZE):
    """The items of `rows` (an iterator reading a database cursor in chunks), the next chunk read
    by a thread while the caller works on this one.

    Reading a chunk is mostly waiting for the database to send it, and the export used to wait
    for each chunk before formatting it; the thread waits instead (the wait lets go of Python's
    lock), so the database and the export work at the same time. The first chunk is read here,
    so that the cursor is opened in the request's own thread, connection and transaction; the
    thread then only fetches from it, one chunk ahead (memory stays flat). It is stopped and
    waited for when the caller stops early (a download cut off), before the transaction ends.
    """
    rows = iter(rows)
    chunk = list(islice(rows, chunk_size))
    if len(chunk) < chunk_size:
        yield from chunk
        return
    ahead, stop = queue.Queue(maxsize=1), threading.Event()

    def read():
        try:
            while not stop.is_set():
                next_chunk = list(islice(rows, chunk_size))
                hand_over(ahead, next_chunk, stop)
                if not next_chunk:
                    return
        except BaseException as error:
            # Raised again in the caller's thread, which would otherwise wait for the next
            # chunk for ever.
            hand_over(ahead, error, stop)

    reader = threading.Thread(target=read, name="export-read-ahead", daemon=True)
    reader.start()
    try:
        while chunk:
            yield from chunk
            chunk = ahead.get()
            if isinstance(chunk, BaseException):
                raise chunk
    finally:
        stop.set()
        with suppress(queue.Empty):
            ahead.get_nowait()
        reader.join()


def hand_over(ahead, item, stop):
    """Put `item` on the queue `ahead` once there is room, unless `stop` is set first."""
    while not stop.is_set():
        with suppress(queue.Full):
            ahead.put(item, timeout=0.1)
            return


def in_pieces(texts, size=STREAM_PIECE_SIZE):
    """The texts joined into pieces of about `size` characters, in order."""
    buffer, length = [], 0
    for text in texts:
        buffer.append(text)
        length += len(text)
        if length >= size:
            yield "".join(buffer)
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer)


def read_request(request, *, default_header):
    """(the listing, `header`, `per`) of an export request; `header` and `per` as given when
    not usable, for `unusable_parameters` to name."""
    return (
        MentionListing(request.GET),
        read_choice(request.GET, "header", default=default_header),
        read_choice(request.GET, "per", default="instrument"),
    )


def read_choice(query, name, *, default):
    """The one value of parameter `name`, `default` when not given; several different values
    are given back joined, for `unusable_parameters` to name."""
    values = {value.strip() for value in query.getlist(name)} - {""}
    if not values:
        return default
    return values.pop() if len(values) == 1 else ", ".join(sorted(values))


def row_count(listing, per):
    """How many rows the export holds: instruments, or mentions with `per=mention`."""
    return listing.instrument_count if per == "instrument" else listing.mention_count


def filters_used(listing):
    """[(filter label, [each value as a reader knows it])] for the filters given, in the list's
    order of filters and the order the values were given. Reads nothing the filters have not
    already read."""
    filterset = listing.filterset
    if listing.errors or not filterset.is_valid():
        return []
    cleaned = filterset.form.cleaned_data
    named = {
        "kind": dict(Measure.Kind.choices),
        "category": dict(InstrumentType.Category.choices),
        "measure": {m.slug: f"{m.label} {m.local_title}" for m in cleaned.get("measure") or ()},
        "region": {r.code: f"{r.local_name} ({r.code})" for r in cleaned.get("region") or ()},
        "type": {t.slug: f"{t.local_name} ({t.slug})" for t in cleaned.get("type") or ()},
        "sort": {value: str(label) for value, label in sort_labels().items()},
    }
    used = []
    for name, field in MentionFilter.base_filters.items():
        given = listing.query.getlist(name)
        if given:
            names = named.get(name, {})
            used.append((str(field.label), [str(names.get(value, value)) for value in given]))
    return used


# A file name holds at most this many values of one filter, then says how many more there are.
NAMED_VALUES = 3
# Characters no file name may hold on some system, and runs of white space.
NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+|\s+')


def file_names(listing):
    """(Chinese name, ASCII name) of an export, without the extension, from its filters and date.

    `海西州-地方性法规-2024-12-26` and `qhreform-632800-regulation-2024-12-26`: the filters
    given (kind, measure, region, category, type, search, in the list's order) and the date of
    the newest published article the filters draw on, so the same query gives the same name
    (today's date only when no such article has a date). One small query.
    """
    cleaned = listing.filterset.form.cleaned_data if not listing.errors else {}
    measures = {m.slug: m for m in cleaned.get("measure") or ()}
    regions = {r.code: r for r in cleaned.get("region") or ()}
    types = {t.slug: t for t in cleaned.get("type") or ()}
    with translation.override("zh-hans"):
        local = {
            "kind": {value: str(label) for value, label in Measure.Kind.choices},
            "measure": {slug: m.label for slug, m in measures.items()},
            "region": {code: r.short_name for code, r in regions.items()},
            "category": {value: str(label) for value, label in InstrumentType.Category.choices},
            "type": {slug: t.name for slug, t in types.items()},
        }
    local_parts, ascii_parts = [], []
    for name in FILTER_NAMES:
        given = listing.query.getlist(name)
        if not given:
            continue
        names = local.get(name, {})
        # Each part on its own, so that a search of nothing but slashes leaves no stray "-".
        local_parts.append(
            safe_file_name(
                enumerated(
                    [names.get(value, value) for value in given], separator="、", more="等{count}项"
                )
            )
            or "_"
        )
        ascii_parts.append(
            "search"
            if name == "q"
            else enumerated(
                [ascii_safe(value) for value in given], separator="_", more="_and_{rest}_more"
            )
        )
    sources = Source.objects.published()
    if measures:
        sources = sources.filter(pk__in={m.source_id for m in measures.values()})
    newest = sources.aggregate(newest=Max("published_on"))["newest"] or timezone.localdate()
    day = newest.isoformat()
    local_name = "-".join([*(local_parts or ["青海生态环境领域改革-全部条目"]), day])
    ascii_name = "-".join(["qhreform", *(ascii_parts or ["instruments"]), day])
    return safe_file_name(local_name), ascii_name


def enumerated(values, *, separator, more):
    """The first `NAMED_VALUES` values joined by `separator`, then, if there are more, `more`
    formatted with `count` (all the values) and `rest` (those not shown)."""
    shown = separator.join(values[:NAMED_VALUES])
    if len(values) <= NAMED_VALUES:
        return shown
    return shown + more.format(count=len(values), rest=len(values) - NAMED_VALUES)


def ascii_safe(value):
    return re.sub(r"[^A-Za-z0-9]+", "_", value).strip("_")[:30] or "x"


def safe_file_name(name, limit=120):
    """The name with what no file system allows replaced, and cut to `limit` characters."""
    name = NOT_IN_FILE_NAMES.sub("_", name).strip(" ._")
    return name[:limit]


def content_disposition(listing, extension, *, inline=False):
    """A Content-Disposition naming the file for what it holds (`file_names`).

    `filename` is an ASCII fallback for every client; `filename*` (RFC 6266, RFC 5987 encoding)
    gives the Chinese name to clients that read it, which browsers do.
    """
    local_name, ascii_name = file_names(listing)
    disposition = "inline" if inline else "attachment"
    return (
        f'{disposition}; filename="{ascii_name}.{extension}"; '
        f"filename*=UTF-8''{quote(f'{local_name}.{extension}', safe='')}"
    )


def unusable_parameters(listing, header, per):
    """400 naming every parameter that cannot be used: better than a file of different rows."""
    lines = [_("The export was not made: some of its parameters cannot be used."), ""]
    lines += [f"- {error}" for error in listing.errors]
    if header not in HEADERS:
        lines.append(
            "- "
            + _("The parameter “header” (header=%(given)s) takes en or zh.")
            % {"given": printable(header)}
        )
    if per not in PER:
        lines.append(
            "- "
            + _("The parameter “per” (per=%(given)s) takes instrument or mention.")
            % {"given": printable(per)}
        )
    return HttpResponseBadRequest("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
