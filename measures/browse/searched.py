"""The counts of a searched list, from one read of the mentions the search matches.

With no search, the list's counts come from the summary (measures/summary.py). A search selects
mentions by their text, which the summary does not know, so they are counted from the mentions:
the total, the mentions and each facet with every filter but its own. Each of those as an
aggregate query would evaluate the search again, seven times a page. Instead the mentions the
search matches, before any other filter, are read once as small tuples (instrument, measure,
kind, region, type), and every count is made from them here, applying the other filters to the
tuples as the FilterSet applies them to rows: the same counts, exact, in one query.
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
    in Python. `filterset` is a valid `MentionFilter` with a search.

    Each count is of distinct (value, instrument) pairs, picked from plain tuples by
    `itemgetter` into a set: at 50,000 matches (西宁 at a million entries) a loop in Python
    over named tuples took 80 ms for the five facets."""

    def __init__(self, filterset, *, with_order=False):
        self.filterset = filterset
        self.with_order = with_order
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
        """Every public mention the search matches, whatever the other filters, as tuples of
        `MATCH_COLUMNS` (and `ORDER_COLUMNS`, `with_order`); one query, in the parts
        `MentionFilter.searched_parts` gives."""
        filterset = self.filterset
        columns = MATCH_COLUMNS + ORDER_COLUMNS if self.with_order else MATCH_COLUMNS
        parts = [
            part.order_by().values_list(*columns)
            for part in filterset.searched_parts(
                filterset.queryset, filterset.form.cleaned_data["q"]
            )
        ]
        rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        return list(rows)

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

    def selected(self, excluded=None):
        """The matches that pass every filter given but `excluded`."""
        return self._selected(self._applied(excluded))

    def _applied(self, excluded):
        return frozenset(name for name in self._tests if name != excluded)

    def _selected(self, applied):
        cache = self._selected_cache
        if applied not in cache:
            rows = self.matches
            for name in applied:
                column, passing = self._tests[name]
                rows = [row for row in rows if row[column] in passing]
            cache[applied] = rows
        return cache[applied]

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
        return len(set(map(itemgetter(INSTRUMENT), self.selected())))

    def mention_count(self):
        return len(self.selected())

    def facet(self, name, regions=None, measure_ids=None):
        """{value: distinct instruments} for facet `name`, keyed as `MentionFilter.facet_counts`
        keys it: kind, measure id (only `measure_ids` when given), region code (each region with
        the units below it; `regions` is `Region.objects.linked()`), category, type id."""
        applied = self._applied(name)
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
