"""Keyset pagination: a page of the list starts after (or ends before) one row, named by a
cursor holding that row's values of the list's ORDER BY columns.

The database finds the next page's rows with a WHERE on those columns instead of counting
past every earlier row (OFFSET): in article order it reads them straight from its index
(docs/performance.md, "Keyset pagination").
"""

import base64
import json
import operator
from functools import reduce

from django.db import models
from django.db.models import F, Q

# A cursor holds a few short values; anything longer was not made by a page.
MAX_CURSOR_LENGTH = 4000
# What every database takes as an integer parameter (and a position in any list).
MAX_INTEGER = 2**63 - 1


class CursorError(ValueError):
    """A cursor that was not made by a page of this list (garbage, cut or edited)."""


class Keyset:
    """The list's ORDER BY (a sequence of `OrderBy`, ending with a unique column) as columns a
    cursor can hold: each expression is annotated as `key_<n>`, so that a row's values can be
    read with its id and compared in a WHERE, whether a column, a joined column or an
    expression (relevance)."""

    def __init__(self, ordering):
        self.keys = [
            (f"key_{n}", order.expression, order.descending) for n, order in enumerate(ordering)
        ]
        self.names = [name for name, _expression, _descending in self.keys]

    def annotated(self, queryset):
        return queryset.annotate(
            **{name: expression for name, expression, _descending in self.keys}
        )

    def ordered(self, queryset, *, backwards=False):
        """`queryset` (annotated) in the list's order, or the reverse of it."""
        return queryset.order_by(
            *(
                F(name).asc() if descending == backwards else F(name).desc()
                for name, _expression, descending in self.keys
            )
        )

    def beyond(self, values, *, backwards=False):
        """The rows that come after `values` in the list's order (before them, `backwards`):
        (k0 > v0) or (k0 = v0 and k1 > v1) or …, each ">" a "<" on a descending column."""
        conditions = []
        for n, (name, _expression, descending) in enumerate(self.keys):
            later = "lt" if descending != backwards else "gt"
            equal = {self.names[m]: values[m] for m in range(n)}
            conditions.append(Q(**equal, **{f"{name}__{later}": values[n]}))
        return reduce(operator.or_, conditions)

    def value_types(self, queryset):
        """The Python type of each key's values (str or int), read from the annotated
        queryset's resolved expressions, to check a cursor's values against."""
        types = []
        for name in self.names:
            field = queryset.query.annotations[name].output_field
            if isinstance(field, models.IntegerField):
                types.append(int)
            elif isinstance(field, (models.CharField, models.TextField)):
                types.append(str)
            else:
                raise TypeError(f"a cursor cannot hold {name}'s values ({field!r})")
        return types


def encode(position, values):
    """The cursor of a row: its place in the list (0 for the first row; None when not known)
    and its key values, as URL-safe base64 of a JSON list, without padding."""
    text = json.dumps([position, *values], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(cursor, types):
    """(position, values) of a cursor made by `encode` for keys of `types`; `CursorError` for
    anything else. The values are checked against the columns' types, so what reaches the
    database is a value it can compare, never an error."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise CursorError("too long")
    try:
        data = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
        items = json.loads(data.decode())
    except (ValueError, RecursionError) as error:
        # binascii.Error, UnicodeDecodeError and JSONDecodeError are ValueErrors.
        raise CursorError("not a cursor") from error
    if not isinstance(items, list) or len(items) != 1 + len(types):
        raise CursorError("not a cursor of this order")
    position, *values = items
    if position is not None and not (is_integer(position) and 0 <= position <= MAX_INTEGER):
        raise CursorError("not a position")
    for value, kind in zip(values, types, strict=True):
        if kind is int and not (is_integer(value) and abs(value) <= MAX_INTEGER):
            raise CursorError("not a number")
        if kind is str and not (isinstance(value, str) and storable(value)):
            raise CursorError("not a text")
    return position, values


def is_integer(value):
    # JSON true and false are ints in Python.
    return isinstance(value, int) and not isinstance(value, bool)


def storable(text):
    """Whether `text` can be sent to the database: no NUL (PostgreSQL refuses it), no lone
    surrogate (which no encoding writes)."""
    if "\x00" in text:
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True
