"""The counts of a searched list, from the mentions the search matches.

With no search, the list's counts come from the summary (measures/summary.py). A search selects
mentions by their text, which the summary does not know, so they are counted from the mentions:
the total, the mentions and each facet with every filter but its own. Each of those as an
aggregate query would evaluate the search again, seven times a page. Instead the mentions the
search matches, before any other filter, are read once as small tuples (instrument, measure,
kind, region, type), and every count is made from them here, applying the other filters to the
tuples as the FilterSet applies them to rows: the same counts, exact, in one query.

A list counts at most `limit` mentions (`settings.SEARCH_COUNT_LIMIT` on the list page): a
count made from more is not made, and the list says "more than" instead, so that a search for
a common word does not read half the data on every page. One match more than the limit is read
to know. When the search alone matches more, each set of filters the counts need is read with
those filters applied by the database, again up to one past the limit: a search narrowed by a
county is counted though the search alone is not.
"""

from collections import Counter
from functools import cached_property
from operator import itemgetter

from .. import summary

#: What a count needs of a matching mention, as the columns of each row of `matches`.
MATCH_COLUMNS = ("instrument_id", "measure_id", "measure__kind", "region_id", "type_id")
INSTRUMENT, MEASURE, KIND, REGION, TYPE = range(len(MATCH_COLUMNS))
#: What placing a match in the list's order needs (`bands.MatchedOrder`), after those when
#: asked for: only then, as the counts alone are read from an index, without the rows.
ORDER_COLUMNS = ("pk", "article_order")
PK, ARTICLE_ORDER = range(len(MATCH_COLUMNS), len(MATCH_COLUMNS) + len(ORDER_COLUMNS))


class SearchedCounts:
    """Counts over the mentions `filterset`'s search matches, with its other filters applied
    in Python (by the database when the search alone matches more than `limit`); each None
    when it would be made from more than `limit` mentions. `filterset` is a valid
    `MentionFilter` with a search. `with_order` reads every match, with its place in the
    list's order (`ordered`), whatever the limit.

    Each count is of distinct (value, instrument) pairs, picked from plain tuples by
    `itemgetter` into a set: at 50,000 matches (西宁 at a million entries) a loop in Python
    over named tuples took 80 ms for the five facets."""

    def __init__(self, filterset, *, with_order=False, limit=None):
        self.filterset = filterset
        self.with_order = with_order
        self.limit = limit
        # The matches passing each set of filters, and their distinct (value, instrument)
        # pairs, made once per page however many counts read them.
        self._selected_cache, self._pairs_cache = {}, {}
        self.chosen = {
            name: value
            for name, value in filterset.form.cleaned_data.items()
            if name not in ("q", "sort") and value
        }

    @cached_property
    def matches(self):
        """The public mentions the search matches, whatever the other filters, as tuples of
        `MATCH_COLUMNS` (and `ORDER_COLUMNS`, `with_order`): every one, or only `limit` + 1
        when there is a limit and no order to place."""
        return self._read(frozenset(), every=self.with_order)

    def _read(self, applied, *, every=False):
        """The matches passing the filters `applied`, as `matches` reads them, with those
        filters applied by the FilterSet's own methods: one query, in the parts
        `MentionFilter.searched_parts` gives; at most `limit` + 1 unless `every`."""
        filterset = self.filterset
        cleaned = filterset.form.cleaned_data
        columns = MATCH_COLUMNS + ORDER_COLUMNS if self.with_order else MATCH_COLUMNS
        parts = []
        for part in filterset.searched_parts(filterset.queryset, cleaned["q"]):
            for name in applied:
                part = filterset.filters[name].filter(part, cleaned[name])
            parts.append(part.order_by().values_list(*columns))
        rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        if self.limit is not None and not every:
            rows = rows[: self.limit + 1]
        return list(rows)

    @property
    def _all_read(self):
        """Whether `matches` holds every match, so that any filters can be applied to it."""
        return self.limit is None or self.with_order or len(self.matches) <= self.limit

    @cached_property
    def _tests(self):
        """{filter name: (column, the values a match passes with)} for each filter given but
        the search."""
        tests = {}
        for name, value in self.chosen.items():
            if name == "kind":
                tests[name] = (KIND, set(value))
            elif name == "measure":
                tests[name] = (MEASURE, {measure.pk for measure in value})
            elif name == "region":
                tests[name] = (REGION, set(self.filterset.region_ids(value)))
            elif name == "category":
                categories = set(value)
                of_type = self.filterset._type_categories
                tests[name] = (TYPE, {pk for pk, c in of_type.items() if c in categories})
            elif name == "type":
                tests[name] = (TYPE, {t.pk for t in value})
        return tests

    def ordered(self):
        """Every match passing every filter, with its place in the list's order (read
        `with_order`), for `bands.MatchedOrder`."""
        return self._selected(self._applied(None))

    def _applied(self, excluded):
        return frozenset(name for name in self._tests if name != excluded)

    def _selected(self, applied):
        """The matches passing the filters `applied`: from `matches` when it holds them all,
        else read with those filters (then at most `limit` + 1)."""
        cache = self._selected_cache
        if applied not in cache:
            if self._all_read:
                rows = self.matches
                for name in applied:
                    column, passing = self._tests[name]
                    rows = [row for row in rows if row[column] in passing]
            else:
                rows = self._read(applied) if applied else self.matches
            cache[applied] = rows
        return cache[applied]

    def _counted(self, applied):
        """The matches passing the filters `applied` when few enough to count, else None."""
        rows = self._selected(applied)
        return rows if self.limit is None or len(rows) <= self.limit else None

    def _pairs(self, applied, column):
        """The distinct (value of `column`, instrument) of the matches passing the filters
        `applied`: the type facet and the category facet share them, and with no filter
        but the search every facet reads the same matches."""
        cache = self._pairs_cache
        if (applied, column) not in cache:
            cache[applied, column] = set(
                map(itemgetter(column, INSTRUMENT), self._selected(applied))
            )
        return cache[applied, column]

    def instrument_count(self):
        """How many instruments match every filter; None when not counted."""
        rows = self._counted(self._applied(None))
        return None if rows is None else len(set(map(itemgetter(INSTRUMENT), rows)))

    def mention_count(self):
        """How many mentions match every filter; None when not counted."""
        rows = self._counted(self._applied(None))
        return None if rows is None else len(rows)

    def instrument_counts(self, groups):
        """{group: distinct instruments} over the matches passing every filter, a match counting
        in each group `groups(region id, type id)` gives, as `summary.Cells.instrument_counts`
        groups the summary's cells; None when not counted."""
        rows = self._counted(self._applied(None))
        if rows is None:
            return None
        places = set(map(itemgetter(REGION, TYPE, INSTRUMENT), rows))
        pairs = {
            (group, instrument)
            for region, type_id, instrument in places
            for group in groups(region, type_id)
        }
        return dict(Counter(map(itemgetter(0), pairs)))

    def facet(self, name, regions=None, measure_ids=None):
        """{value: distinct instruments} for facet `name`, keyed as `MentionFilter.facet_counts`
        keys it: kind, measure id (only `measure_ids` when given), region code (each region with
        the units below it; `regions` is `Region.objects.linked()`), category, type id; None
        when not counted."""
        applied = self._applied(name)
        if self._counted(applied) is None:
            return None
        if name == "measure" and measure_ids is not None:
            # Only the measures offered: a few of the thousands a search may match.
            offered = set(measure_ids)
            rows = [row for row in self._selected(applied) if row[MEASURE] in offered]
            pairs = set(map(itemgetter(MEASURE, INSTRUMENT), rows))
        elif name == "region":
            # A mention counts in its region and in each unit above that takes in its units.
            units = summary.units_counting(regions)
            pairs = {
                (code, pk)
                for region, pk in self._pairs(applied, REGION)
                for code in units.get(region, ())
            }
        elif name == "category":
            of_type = self.filterset._type_categories
            pairs = {(of_type.get(type_id), pk) for type_id, pk in self._pairs(applied, TYPE)}
        else:
            pairs = self._pairs(applied, {"kind": KIND, "measure": MEASURE, "type": TYPE}[name])
        return dict(Counter(map(itemgetter(0), pairs)))
