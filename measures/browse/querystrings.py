"""Query strings for links that change one filter value and keep the others."""

from urllib.parse import quote_plus

from django.utils.http import urlencode

#: The parameters that pick a page of the list: a link that changes its rows (a filter, the
#: sort) or holds them all (an export) leaves them out and starts at the first page.
PAGE_PARAMETERS = ("page", "after", "before")


def _first_page(query):
    for key in PAGE_PARAMETERS:
        query.pop(key, None)


def _encode(query):
    pairs = [(key, value) for key in query for value in query.getlist(key)]
    return "?" + urlencode(pairs) if pairs else "?"


def toggled(query, key, value):
    """The query with `value` added to `key`, or removed when present; back to page 1."""
    query = query.copy()
    values = query.getlist(key)
    query.setlist(key, [v for v in values if v != value] if value in values else [*values, value])
    _first_page(query)
    return _encode(query)


def toggler(query, key):
    """A function value -> `toggled(query, key, value)`, for the many options of one facet.

    The query string around `key` is the same for every option, so it is encoded once; only the
    key's own values are encoded per option, since the measure facet grows with the number of
    articles (docs/performance.md, "Code shaped by measurements").
    """
    values = query.getlist(key)
    before, after, seen = [], [], False
    for name in query:
        if name == key:
            seen = True
        elif name not in PAGE_PARAMETERS:
            encoded = urlencode([(name, value) for value in query.getlist(name)])
            if encoded:
                (after if seen else before).append(encoded)
    before, after = "&".join(before), "&".join(after)

    # What `urlencode` makes of each (key, value) pair, quoted once rather than per option.
    quoted_key = quote_plus(key)
    quoted = {value: quote_plus(value) for value in values}

    def toggle(value):
        chosen = [v for v in values if v != value] if value in values else [*values, value]
        # Back to page 1, as `toggled` goes.
        own = (
            "&".join(f"{quoted_key}={quoted[v] if v in quoted else quote_plus(v)}" for v in chosen)
            if key not in PAGE_PARAMETERS
            else ""
        )
        return "?" + "&".join(part for part in (before, own, after) if part)

    return toggle


def without(query, key, value=None):
    """The query without one value of `key` (or all of them); back to page 1."""
    query = query.copy()
    if value is None:
        query.pop(key, None)
    else:
        query.setlist(key, [v for v in query.getlist(key) if v != value])
    _first_page(query)
    return _encode(query)


def with_values(query, **values):
    """The query with each of `values` set (key=value), without the page."""
    query = query.copy()
    _first_page(query)
    for key, value in values.items():
        query.setlist(key, [value])
    return _encode(query)


def replaced(query, key, value):
    """The query with `key` set to `value` alone (or removed when `value` is empty); page 1."""
    query = query.copy()
    _first_page(query)
    if value:
        query.setlist(key, [value])
    else:
        query.pop(key, None)
    return _encode(query)


def at_page(query, parameter, cursor):
    """The query on the page `parameter`=`cursor` ("after" or "before" a row, `keyset`); on
    the first page when `cursor` is None."""
    query = query.copy()
    _first_page(query)
    if cursor is not None:
        query.setlist(parameter, [cursor])
    return _encode(query)
