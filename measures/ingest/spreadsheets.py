"""Spreadsheet import of entries: the rows of the public CSV export, edited or added to.

A row with an `id` updates that entry; a row without one adds an entry, as a draft. The measure,
region and type are found by the natural identifiers the export writes (or by name), so a file
exported from the site can be edited and imported back. Columns the import does not use (titles,
prefecture, source, url) are ignored.
"""

import contextlib
import contextvars
import csv
import secrets
from datetime import timedelta
from io import BytesIO

import openpyxl
import tablib
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.resources import Diff
from import_export.results import Result, RowResult
from import_export.tmp_storages import BaseStorage

from regions.models import Region

from ..columns import COLUMN_OF_HEADING, INSTRUMENTS_ONLY
from ..formulas import unguarded
from ..models import InstrumentType, Measure, Mention, PendingUpload
from ..publishing import keep_status_unless_permitted

#: Tried in order. UTF-8 (with or without the byte-order mark Excel writes) first; then GB18030,
#: the encoding Excel on Chinese Windows saves "CSV" in. Chinese GB18030 text is practically
#: never valid UTF-8, so trying UTF-8 first does not misread it.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


def decode_spreadsheet_text(data):
    """The text of a CSV file in one of `CSV_ENCODINGS`; ValueError when it is in none."""
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(
        _("The file is neither UTF-8 nor GB18030 text. Save it as CSV (UTF-8) and try again.")
    )


class UploadTooLarge(ValueError):
    """A file over the limits (`settings.SPREADSHEET_LIMITS`), refused before it is parsed."""


def limits():
    return settings.SPREADSHEET_LIMITS


def check_size(size):
    """`size`: the file's length in bytes."""
    if size > limits()["bytes"]:
        raise UploadTooLarge(
            _("The file has %(size)s bytes; an import takes at most %(limit)s.")
            % {"size": f"{size:,}", "limit": f"{limits()['bytes']:,}"}
        )


def check_shape(rows, columns):
    if rows > limits()["rows"]:
        raise UploadTooLarge(
            _("The file has more than %(limit)s rows; split it into several files.")
            % {"limit": f"{limits()['rows']:,}"}
        )
    if columns > limits()["columns"]:
        raise UploadTooLarge(
            _("The file has %(count)s columns; an import reads at most %(limit)s.")
            % {"count": columns, "limit": limits()["columns"]}
        )


def check_cells(dataset):
    longest = limits()["cell_characters"]
    for number, row in enumerate(dataset, start=2):
        for value in row:
            if isinstance(value, str) and len(value) > longest:
                raise UploadTooLarge(
                    _(
                        "Row %(row)s has a cell of %(length)s characters; a cell holds at most %(limit)s."
                    )
                    % {"row": number, "length": f"{len(value):,}", "limit": f"{longest:,}"}
                )


class SpreadsheetCSV(base_formats.CSV):
    """CSV in UTF-8 or GB18030, whichever the file turns out to be in, within the limits.

    import-export decodes text formats with one fixed encoding before the format sees them.
    Declaring the format binary makes the admin hand over the uploaded bytes untouched, so the
    encoding can be chosen per file. Size, rows and columns are checked before tablib parses.
    """

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            check_size(len(in_stream))
            in_stream = decode_spreadsheet_text(in_stream)
        lines = in_stream.splitlines()
        header = next(csv.reader(lines[:1]), [])
        check_shape(rows=len(lines), columns=len(header))
        dataset = super().create_dataset(in_stream, **kwargs)
        check_cells(dataset)
        return dataset


def trimmed(row):
    """The row without its trailing empty cells (a sheet may pad every row to its width)."""
    row = tuple(row)
    end = len(row)
    while end and row[end - 1] in (None, ""):
        end -= 1
    return row[:end]


class SpreadsheetXLSX(base_formats.XLSX):
    """The first sheet of a workbook, within the limits, read in read-only (streaming) mode.

    The sheet's declared dimension is checked before any row is read, and rows are counted as
    they stream, so a small file that expands to a million rows stops at the limit.
    """

    def create_dataset(self, in_stream):
        check_size(len(in_stream))
        try:
            book = openpyxl.load_workbook(BytesIO(in_stream), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a file that is no workbook
            raise ValueError(_("The file is not an XLSX workbook.")) from error
        sheet = book.active
        declared_rows, declared_columns = sheet.max_row or 0, sheet.max_column or 0
        check_shape(rows=declared_rows, columns=declared_columns)
        dataset = tablib.Dataset()
        rows = sheet.iter_rows(values_only=True)
        header = trimmed(next(rows, None) or ())
        check_shape(rows=1, columns=len(header))
        dataset.headers = list(header)
        for number, row in enumerate(rows, start=2):
            row = trimmed(row)
            check_shape(rows=number, columns=len(row))
            if row:
                dataset.append(list(row[: len(header)]) + [None] * (len(header) - len(row)))
        book.close()
        check_cells(dataset)
        return dataset


IMPORT_FORMATS = [SpreadsheetCSV, SpreadsheetXLSX]


#: Columns the import reads; every other column is ignored.
IMPORTED_COLUMNS = (
    "id",
    "measure",
    "measure_kind",
    "measure_number",
    "source_title",
    "source_url",
    "region_code",
    "region_name",
    "instrument_type",
    "instrument_type_name",
    "instrument_name",
    "action",
    "quote",
    "version",
    "evidence_url",
    "evidence_reference",
)

#: The column an entry field is read from, so that messages name what the editor sees.
COLUMN_OF_FIELD = {
    "measure": "measure",
    "region": "region_code",
    "type": "instrument_type",
    "name": "instrument_name",
}


def cell_text(value):
    """A cell as trimmed text. Spreadsheets hand over codes and ids as numbers (630100, 12.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def spreadsheet_row(number):
    """The row as the spreadsheet numbers it: the header is row 1, the first entry row 2."""
    return number + 1


class TrimmedTextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        # An exported file edited and imported back gives its texts back unchanged.
        return unguarded(cell_text(value))


class References:
    """Measures, regions and types by every identifier a row may give, read once per import."""

    def __init__(self):
        self.measures = list(Measure.objects.select_related("source").in_article_order())
        self.regions_by_code = {}
        self.regions_by_name = {}
        for region in Region.objects.all():
            self.regions_by_code[region.code] = region
            for name in region.all_names:
                self.regions_by_name.setdefault(name, []).append(region)
        self.types_by_name = {}
        for instrument_type in InstrumentType.objects.all():
            for name in {instrument_type.slug, instrument_type.name, instrument_type.name_en}:
                self.types_by_name[name.casefold()] = instrument_type

    def measure(self, row):
        """By a `measure` slug; else by measure_kind and measure_number (None if neither)."""
        slug = cell_text(row.get("measure"))
        if slug:
            for measure in self.measures:
                if measure.slug == slug:
                    return measure
            raise ValidationError(_("Unknown measure %(slug)s.") % {"slug": slug})
        kind_text = cell_text(row.get("measure_kind"))
        number_text = cell_text(row.get("measure_number"))
        if not kind_text and not number_text:
            return None
        kind = self._measure_kind(kind_text)
        if kind is None or not number_text.isdigit():
            raise ValidationError(
                _(
                    "Give a measure slug (e.g. reform-1) in a measure column, or measure_kind "
                    "(reform or direction) and measure_number; got %(kind)s %(number)s."
                )
                % {"kind": kind_text or "-", "number": number_text or "-"}
            )
        candidates = [
            measure
            for measure in self.measures
            if measure.kind == kind and measure.number == int(number_text)
        ]
        if not candidates:
            raise ValidationError(
                _("There is no measure %(kind)s %(number)s.")
                % {"kind": kind, "number": number_text}
            )
        # Several articles may each have a reform 1: the source columns pick one when given,
        # otherwise the first article's measure is meant.
        for column, attribute in (("source_url", "url"), ("source_title", "title")):
            given = cell_text(row.get(column))
            narrowed = [m for m in candidates if given and getattr(m.source, attribute) == given]
            if narrowed:
                candidates = narrowed
        return candidates[0]

    @staticmethod
    def _measure_kind(text):
        for kind in Measure.Kind:
            if text.casefold() in {kind.value, str(kind.label).casefold()}:
                return kind
        return None

    def region(self, row):
        """By code or any name in region_code; else by region_name (None if neither is given)."""
        given = cell_text(row.get("region_code")) or cell_text(row.get("region_name"))
        if not given:
            return None
        if given in self.regions_by_code:
            return self.regions_by_code[given]
        matches = self.regions_by_name.get(given, [])
        if len(matches) > 1:
            raise ValidationError(
                _("%(name)s names several regions (%(codes)s); give the code.")
                % {"name": given, "codes": ", ".join(region.code for region in matches)}
            )
        if not matches:
            raise ValidationError(_("Unknown region %(value)s.") % {"value": given})
        return matches[0]

    def instrument_type(self, row):
        """By slug or name in instrument_type; else in instrument_type_name (None if neither)."""
        given = cell_text(row.get("instrument_type")) or cell_text(row.get("instrument_type_name"))
        if not given:
            return None
        try:
            return self.types_by_name[given.casefold()]
        except KeyError:
            raise ValidationError(
                _("Unknown instrument type %(value)s.") % {"value": given}
            ) from None


class ImportReport(Result):
    """The outcome of an import, with every problem as one line an editor can act on."""

    def problems(self):
        lines = [str(error.error) for error in self.base_errors]
        for row in self.invalid_rows:
            number = spreadsheet_row(row.number)
            for field, messages in row.field_specific_errors.items():
                column = COLUMN_OF_FIELD.get(field, field)
                lines.extend(
                    _("Row %(row)s: %(column)s: %(message)s")
                    % {"row": number, "column": column, "message": message}
                    for message in messages
                )
            lines.extend(
                _("Row %(row)s: %(message)s") % {"row": number, "message": message}
                for message in row.non_field_specific_errors
            )
        for row in self.error_rows:
            lines.extend(
                _("Row %(row)s: %(message)s")
                % {"row": spreadsheet_row(row.number), "message": error.error}
                for error in row.errors
            )
        return lines


class PreviewDiff(Diff):
    """The preview's before/after of a row, without the id a new entry only gets on confirming.

    The preview saves rows inside a transaction it rolls back, so the id it shows for a new entry
    is not the one the entry will have.
    """

    def compare_with(self, resource, instance):
        super().compare_with(resource, instance)
        if self.new:
            columns = [field.column_name for field in resource.get_import_fields()]
            self.right[columns.index("id")] = ""


class MentionResource(resources.ModelResource):
    # The related entries and the status are shown in the preview but set by import_instance
    # (read-only here), because they are looked up from several columns.
    id = fields.Field(
        attribute="id", column_name="id", widget=widgets.IntegerWidget(), readonly=True
    )
    measure = fields.Field(attribute="measure", column_name="measure", readonly=True)
    region = fields.Field(attribute="region", column_name="region_code", readonly=True)
    type = fields.Field(attribute="type", column_name="instrument_type", readonly=True)
    name = fields.Field(attribute="name", column_name="instrument_name", widget=TrimmedTextWidget())
    action = fields.Field(attribute="action", column_name="action", widget=TrimmedTextWidget())
    quote = fields.Field(attribute="quote", column_name="quote", widget=TrimmedTextWidget())
    status = fields.Field(attribute="get_status_display", column_name="status", readonly=True)
    evidence_url = fields.Field(
        attribute="evidence_url", column_name="evidence_url", widget=TrimmedTextWidget()
    )
    evidence_reference = fields.Field(
        attribute="evidence_reference", column_name="evidence_reference", widget=TrimmedTextWidget()
    )

    class Meta:
        model = Mention
        fields = (
            "id",
            "measure",
            "region",
            "type",
            "name",
            "action",
            "quote",
            "status",
            "evidence_url",
            "evidence_reference",
        )
        import_order = fields
        # Model.clean() holds the rules every form applies (blank name, offsets).
        clean_model_instances = True
        # One transaction for the file: a file with a bad row writes nothing.
        use_transactions = True
        # The preview lists what will be added or changed, not rows that stay as they are.
        skip_unchanged = True
        report_skipped = False

    @classmethod
    def get_result_class(cls):
        return ImportReport

    @classmethod
    def get_diff_class(cls):
        return PreviewDiff

    def before_import(self, dataset, **kwargs):
        self.references = References()
        # Files exported with Chinese headings (the workbook's default) name the same columns.
        dataset.headers = [
            COLUMN_OF_HEADING.get(text, text.lower())
            for text in (cell_text(header) for header in dataset.headers or [])
        ]
        if INSTRUMENTS_ONLY in dataset.headers:
            raise ValueError(
                _(
                    "The file lists instruments, one row each, not mentions: it cannot be "
                    "imported. Export the mentions instead (add per=mention to the export's "
                    "address, or choose “one row per mention” on the list), edit them and "
                    "import that file."
                )
            )
        if not set(dataset.headers) & set(IMPORTED_COLUMNS):
            raise ValueError(
                _("The file has none of the columns the import reads: %(columns)s.")
                % {"columns": ", ".join(IMPORTED_COLUMNS)}
            )

    def import_row(self, row, instance_loader, **kwargs):
        # Blank lines (common at the end of spreadsheets) are not entries.
        if not any(cell_text(value) for value in row.values()):
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        return super().import_row(row, instance_loader, **kwargs)

    def before_import_row(self, row, **kwargs):
        entry_id = cell_text(row.get("id"))
        if entry_id and not entry_id.isdigit():
            raise ValidationError(
                {"id": _("%(value)s is not an entry id (a whole number).") % {"value": entry_id}}
            )

    def refuse_stale_version(self, instance, row):
        """A row that says which version of the entry it was exported from (`version`) may
        change only that version: someone else's newer save is never overwritten."""
        given = cell_text(row.get("version"))
        if instance.pk is None or not given:
            return
        if not given.isdigit():
            raise ValidationError(
                {"version": _("%(value)s is not a version number.") % {"value": given}}
            )
        if int(given) != instance.version:
            raise ValidationError(
                {
                    "version": _(
                        "The entry was saved again (version %(current)s) after this file was "
                        "exported (version %(given)s): export it again and redo the change."
                    )
                    % {"current": instance.version, "given": given}
                }
            )

    def after_init_instance(self, instance, new, row, **kwargs):
        entry_id = cell_text(row.get("id"))
        if new and entry_id:
            raise ValidationError(
                {
                    "id": _("There is no entry with id %(id)s; leave id empty to add a new entry.")
                    % {"id": entry_id}
                }
            )

    def import_instance(self, instance, row, **kwargs):
        self.refuse_stale_version(instance, row)
        errors = {}
        quote_before = instance.quote
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        lookups = {
            "measure": self.references.measure,
            "region": self.references.region,
            "type": self.references.instrument_type,
        }
        for attribute, find in lookups.items():
            try:
                found = find(row)
            except ValidationError as error:
                errors.setdefault(attribute, []).append(error)
                continue
            if found is not None:
                setattr(instance, attribute, found)
            elif instance.pk is None:
                errors.setdefault(attribute, []).append(
                    ValidationError(_("Required for a new entry."))
                )
        # As in the admin: the sentence an entry was read from stays as the article has it.
        if instance.is_parsed and instance.quote != quote_before:
            errors.setdefault("quote", []).append(
                ValidationError(_("Entries read from the article keep their quote."))
            )
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        # The file has no say on the status: new entries are drafts, changed ones keep theirs
        # (the status column is read-only above; this holds whoever imports).
        keep_status_unless_permitted(instance, None)
        # The history records who imported the row and from which file.
        if kwargs.get("user") is not None:
            instance._history_user = kwargs["user"]
        file_name = kwargs.get("file_name") or ""
        instance._change_reason = str(_("Imported from %(file)s") % {"file": file_name})[:100]


# Uploads waiting for confirmation ----------------------------------------------------------------

#: The editor whose upload is being stored: set by the admin around its import view, since
#: import-export creates the storage without the request.
current_uploader = contextvars.ContextVar("current_uploader", default=None)


@contextlib.contextmanager
def uploads_by(user):
    """Within this block, uploads are stored for (and read back only by) `user`."""
    token = current_uploader.set(user)
    try:
        yield
    finally:
        current_uploader.reset(token)


class DatabaseUploadStorage(BaseStorage):
    """import-export's temporary storage, in the database (`PendingUpload`).

    The confirm form carries only the random token; reading finds the upload only for the
    editor who made it and only while it is fresh. Saving a new upload removes expired ones.
    """

    def save(self, data):
        user = current_uploader.get()
        if user is None:
            raise PermissionDenied
        expired().delete()
        self.name = secrets.token_urlsafe(32)
        if isinstance(data, str):
            data = data.encode(self.encoding or "utf-8")
        PendingUpload.objects.create(token=self.name, user=user, data=data)

    def read(self):
        upload = fresh_upload(self.name, current_uploader.get())
        if upload is None:
            raise UploadMissing(self.name)
        data = bytes(upload.data)
        return data if "b" in self.read_mode else data.decode(self.encoding or "utf-8")

    def remove(self):
        PendingUpload.objects.filter(token=self.name).delete()


class UploadMissing(Exception):
    """The upload a confirm step names is not there (expired, confirmed, or not this editor's)."""


def expired():
    lifetime = timedelta(seconds=settings.IMPORT_UPLOAD_LIFETIME_SECONDS)
    return PendingUpload.objects.filter(created_at__lt=timezone.now() - lifetime)


def fresh_upload(token, user):
    """The editor's upload named `token`, if it is there and not expired."""
    if not token or user is None:
        return None
    return PendingUpload.objects.filter(token=token, user=user).exclude(pk__in=expired()).first()
