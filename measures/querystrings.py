"""Query strings for links that change one filter value and keep the others."""

from django.utils.http import urlencode


def _encode(query):
    pairs = [(key, value) for key in query for value in query.getlist(key)]
    return "?" + urlencode(pairs) if pairs else "?"


def toggled(query, key, value):
    """The query with `value` added to `key`, or removed when present; back to page 1."""
    query = query.copy()
    values = query.getlist(key)
    query.setlist(key, [v for v in values if v != value] if value in values else [*values, value])
    query.pop("page", None)
    return _encode(query)


def without(query, key, value=None):
    """The query without one value of `key` (or all of them); back to page 1."""
    query = query.copy()
    if value is None:
        query.pop(key, None)
    else:
        query.setlist(key, [v for v in query.getlist(key) if v != value])
    query.pop("page", None)
    return _encode(query)
