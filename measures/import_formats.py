"""File formats the admin's spreadsheet import accepts."""

from django.utils.translation import gettext as _
from import_export.formats import base_formats

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


class SpreadsheetCSV(base_formats.CSV):
    """CSV in UTF-8 or GB18030, whichever the file turns out to be in.

    import-export decodes text formats with one fixed encoding before the format sees them.
    Declaring the format binary makes the admin hand over the uploaded bytes untouched, so the
    encoding can be chosen per file.
    """

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = decode_spreadsheet_text(in_stream)
        return super().create_dataset(in_stream, **kwargs)


IMPORT_FORMATS = [SpreadsheetCSV, base_formats.XLSX]
