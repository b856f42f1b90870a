"""Text a spreadsheet would run as a formula: guarded on the way out, unguarded on the way in.

The exports (CSV, XLSX) give such text a leading `'`; the spreadsheet import takes it off again,
so an exported file imports back unchanged.
"""

# Text a spreadsheet may run as a formula (OWASP "CSV injection"), plus their full-width forms:
# Chinese text is full of them, and a spreadsheet or input method may take them for the signs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def guarded(value):
    """The value as a spreadsheet should store it: text that could run as a formula gets a `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unguarded(text):
    """Text as it was before an export guarded it against running as a formula."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text
