"""Exports of the filtered instruments list: CSV, JSON and XLSX.

Every export builds the list page's `MentionListing` from the same query string, so it holds
exactly the rows the page counts, in the page's order, all pages of them (`page` is ignored).
One row generator, `export_rows`, feeds all three formats, so their columns cannot drift apart.
"""

import csv
import json
import tempfile
from itertools import chain
from operator import itemgetter
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from regions.models import Region, prefecture_in

from ..formulas import guarded
from .filters import MentionFilter
from .listing import MentionListing

#: The columns of every export, in order: the CSV and XLSX header, the keys of each JSON result.
COLUMNS = (
    "id",
    "measure_kind",
    "measure_number",
    "measure_title",
    "region_code",
    "region_name",
    "prefecture_code",
    "prefecture_name",
    "instrument_type",
    "instrument_type_name",
    "instrument_category",
    "instrument_name",
    "action",
    "quote",
    "source_title",
    "source_published_on",
    "source_url",
    "url",
    # Added after the first 18, at the end: the entry's version, which the spreadsheet import
    # checks so that an edited file cannot overwrite a newer save.
    "version",
)

# Rows are read from the database this many at a time: one query, and memory that stays flat
# however many rows match.
CHUNK_SIZE = 2000

# The parameters that narrow the list; `sort` and `page` do not change which rows it holds.
FILTER_NAMES = tuple(name for name in MentionFilter.base_filters if name != "sort")

# A streamed response sends each piece it is given as one write; a few large writes cost the
# server far less than one per row, and pieces of this size still keep memory flat.
STREAM_PIECE_SIZE = 64 * 1024

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


def export_rows(listing, request):
    """One dict per entry the listing holds, keyed by `COLUMNS`, in the list page's order.

    Reads the rows in chunks, as plain values over the joins the columns need, so any number of
    rows costs the same queries and constant memory. Values are plain: int for `id` and
    `measure_number`, str for text, None where there is nothing (the prefecture of a
    province-level entry, the date of an undated source). `url` is the entry's absolute
    permalink on the host `request` came to.
    """
    # Values, not model instances: building the seven objects of an entry's row (entry,
    # measure, source, type, region and two ancestors), with timestamps and JSON fields no
    # column shows, took three quarters of an export's time.
    values = listing.queryset.values_list(*ROW_FIELDS)
    permalink = permalinks(request)
    prefecture = prefectures()
    for row in values.iterator(chunk_size=CHUNK_SIZE):
        yield export_row(row, permalink, prefecture)


#: What the export reads of a region, as lookups from the region.
REGION_FIELDS = ("id", "code", "short_name", "level", "parent")

#: What `export_row` reads of an entry, in this order, as lookups from the entry.
ROW_FIELDS = (
    "id",
    "measure__kind",
    "measure__number",
    "measure__title",
    # The region, its parent and its grandparent as (id, code, short name, level, parent id),
    # for the prefecture.
    *(f"region__{name}" for name in REGION_FIELDS),
    *(f"region__parent__{name}" for name in REGION_FIELDS),
    *(f"region__parent__parent__{name}" for name in REGION_FIELDS),
    "type__slug",
    "type__name",
    "type__category",
    "name",
    "action",
    "quote",
    "measure__source__title",
    "measure__source__published_on",
    "measure__source__url",
    "version",
)


def export_row(row, permalink, prefecture_of):
    """The export's dict for one tuple of `ROW_FIELDS` values; `prefecture_of` is
    `prefectures()`."""
    (
        pk,
        kind,
        number,
        title,
        *regions,
        type_slug,
        type_name,
        category,
        name,
        action,
        sentence,
        source_title,
        published_on,
        source_url,
        version,
    ) = row
    prefecture = prefecture_of(regions)
    _region_id, region_code, region_name, *_ = regions
    return {
        "id": pk,
        "measure_kind": kind,
        "measure_number": number,
        "measure_title": title,
        "region_code": region_code,
        "region_name": region_name,
        "prefecture_code": prefecture.code if prefecture else None,
        "prefecture_name": prefecture.short_name if prefecture else None,
        "instrument_type": type_slug,
        "instrument_type_name": type_name,
        "instrument_category": category,
        "instrument_name": name,
        "action": action,
        "quote": sentence,
        "source_title": source_title,
        "source_published_on": published_on.isoformat() if published_on else None,
        "source_url": source_url,
        "url": permalink(pk),
        "version": version,
    }


def prefectures():
    """A function from an entry's region columns (`ROW_FIELDS`) to its prefecture, or None.

    The region rule (`prefecture_in`) walks up from the unit through the columns of its parent
    and grandparent, once per region. A unit further below its prefecture than that (none in the
    shipped data) has every region read, once per export, to walk on: the number of queries
    never depends on the rows or the regions.
    """
    found, everything = {}, {}

    def above(parent_id):
        # A generator: all regions are read only if the walk gets past the joined ones.
        if parent_id is None:
            return
        if not everything:
            everything.update((region.pk, region) for region in Region.objects.linked())
        yield from everything[parent_id].lineage()

    def prefecture_of(columns):
        if columns[0] not in found:
            joined, next_up = [], None
            for start in range(0, len(columns), len(REGION_FIELDS)):
                pk, code, short_name, level, parent_id = columns[start : start + len(REGION_FIELDS)]
                if pk is None:
                    break
                joined.append(Region(pk=pk, code=code, short_name=short_name, level=level))
                next_up = parent_id
            found[columns[0]] = prefecture_in(chain(joined, above(next_up)))
        return found[columns[0]]

    return prefecture_of


def permalinks(request):
    """pk -> the entry's absolute permalink, as `request.build_absolute_uri(
    entry.get_absolute_url())` gives it, without resolving the URL once per row."""
    marker = 918_273_645_546_372_819
    url = request.build_absolute_uri(reverse("measures:mention_detail", args=[marker]))
    head, found, tail = url.partition(str(marker))
    if not found or str(marker) in tail:
        return lambda pk: request.build_absolute_uri(reverse("measures:mention_detail", args=[pk]))
    return lambda pk: f"{head}{pk}{tail}"


# CSV -------------------------------------------------------------------------------------------


class _Echo:
    """A file whose `write` hands back what it was given, so csv.writer returns each line."""

    def write(self, value):
        return value


def csv_lines(rows):
    # The byte-order mark tells Excel the file is UTF-8; without it Excel on Chinese Windows reads
    # it as GBK and garbles every character.
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(COLUMNS)
    columns = itemgetter(*COLUMNS)
    for row in rows:
        yield writer.writerow([guarded(value) for value in columns(row)])


@require_safe
def export_csv(request):
    """The filtered list as CSV: UTF-8 with a byte-order mark, RFC 4180 quoting, streamed."""
    listing = MentionListing(request.GET)
    if listing.errors:
        return unusable_parameters(listing)
    lines = csv_lines(export_rows(listing, request))
    response = StreamingHttpResponse(in_pieces(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(request.GET, "csv")
    return response


# JSON ------------------------------------------------------------------------------------------


def json_parts(count, filters, rows):
    def dump(value):
        return json.dumps(value, ensure_ascii=False)

    yield f'{{"count": {count}, "filters": {dump(filters)}, "results": ['
    separator = "\n"
    for row in rows:
        yield separator + dump(row)
        separator = ",\n"
    yield "\n]}\n"


@require_safe
def export_json(request):
    """The filtered list as JSON: `{"count", "filters", "results"}`, real UTF-8, streamed.

    `filters` repeats the query parameters as given (a list for every key, without `page`);
    each result has the CSV's columns as keys, with text as stored (no formula protection, which
    only spreadsheets need).
    """
    listing = MentionListing(request.GET)
    if listing.errors:
        return unusable_parameters(listing)
    filters = {key: request.GET.getlist(key) for key in request.GET if key != "page"}
    # Counted before streaming starts, since the count opens the document. (An entry published
    # between the two queries would make them differ; holding one snapshot for a whole download
    # would mean keeping a transaction open as long as the slowest client.)
    count = listing.queryset.count()
    parts = json_parts(count, filters, export_rows(listing, request))
    response = StreamingHttpResponse(
        in_pieces(parts), content_type="application/json; charset=utf-8"
    )
    # Inline, so a browser shows it; the name is for "Save as".
    response["Content-Disposition"] = content_disposition(request.GET, "json", inline=True)
    return response


# XLSX ------------------------------------------------------------------------------------------


def xlsx_value(value):
    # openpyxl refuses control characters a workbook cannot hold. They go first, so that a
    # formula sign they hid is still caught.
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return guarded(value)


def xlsx_file(rows):
    """A one-sheet workbook of the rows, header frozen and bold, rewound for reading."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="instruments")
    # A write-only sheet writes its layout before the first row, so it is set up first.
    sheet.freeze_panes = "A2"
    for index, name in enumerate(COLUMNS, start=1):
        width = XLSX_WIDTHS.get(name, XLSX_DEFAULT_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for name in COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([xlsx_value(row[name]) for name in COLUMNS])
    # Left open on purpose: the response sends it and closes it.
    file = tempfile.SpooledTemporaryFile(max_size=XLSX_IN_MEMORY_BYTES)  # noqa: SIM115
    workbook.save(file)
    file.seek(0)
    return file


@require_safe
def export_xlsx(request):
    """The filtered list as an Excel workbook.

    A workbook is a zip archive whose directory comes last, so it is built whole (rows still read
    in chunks, the file spooled to disk when large) and then sent.
    """
    listing = MentionListing(request.GET)
    if listing.errors:
        return unusable_parameters(listing)
    # A workbook is built whole, at a cost that grows with its rows; a larger list is for the
    # streamed CSV or JSON, which cost the server little whatever their size.
    rows = listing.queryset.count()
    if rows > settings.XLSX_EXPORT_MAX_ROWS:
        message = _(
            "The list has %(rows)s entries; a workbook holds at most %(limit)s. Narrow the "
            "filters, or download CSV or JSON, which hold any number of entries."
        ) % {"rows": f"{rows:,}", "limit": f"{settings.XLSX_EXPORT_MAX_ROWS:,}"}
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    response = FileResponse(
        xlsx_file(export_rows(listing, request)), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = content_disposition(request.GET, "xlsx")
    return response


# Shared ----------------------------------------------------------------------------------------


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


def is_filtered(query):
    return any(value.strip() for name in FILTER_NAMES for value in query.getlist(name))


def content_disposition(query, extension, *, inline=False):
    """A Content-Disposition naming what the file holds and when it was made.

    `filename` is ASCII for every client (qhreform-instruments-filtered-20261128-1530.csv);
    `filename*` (RFC 5987) gives clients that read it a Chinese name.
    """
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filtered = is_filtered(query)
    ascii_name = f"qhreform-instruments{'-filtered' if filtered else ''}-{stamp}.{extension}"
    local_name = f"青海生态环境改革政策工具{'-筛选' if filtered else ''}-{stamp}.{extension}"
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(local_name)}"


def unusable_parameters(listing):
    """400 naming every parameter that cannot be used: better than a file of different rows."""
    lines = [_("The export was not made: some of its parameters cannot be used."), ""]
    lines += [f"- {error}" for error in listing.errors]
    return HttpResponseBadRequest("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
