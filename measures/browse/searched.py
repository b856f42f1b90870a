"""The counts of a searched list, from one read of the mentions the search matches.

With no search, the list's counts come from the summary (measures/summary.py). A search selects
mentions by their text, which the summary does not know, so they are counted from the mentions:
the total, the mentions and each facet with every filter but its own. Each of those as an
aggregate query would evaluate the search again, seven times a page. Instead the mentions the
search matches, before any other filter, are read once as small tuples (instrument, measure,
kind, region, type), and every count is made from them here, applying the other filters to the
tuples as the FilterSet applies them to rows: the same counts, exact, in one query.
"""

from collections import Counter, namedtuple
from functools import cached_property

from .. import summary

#: What a count needs of a matching mention.
Match = namedtuple("Match", "instrument measure kind region type")


class SearchedCounts:
    """Counts over the mentions `filterset`'s search matches, with its other filters applied
    in Python. `filterset` is a valid `MentionFilter` with a search."""

    def __init__(self, filterset):
        self.filterset = filterset
        self.chosen = {
            name: value
            for name, value in filterset.form.cleaned_data.items()
            if name not in ("q", "sort") and value
        }

    @cached_property
    def matches(self):
        """Every public mention the search matches, whatever the other filters (one query)."""
        filterset = self.filterset
        searched = filterset.filters["q"].filter(
            filterset.queryset, filterset.form.cleaned_data["q"]
        )
        rows = searched.order_by().values_list(
            "instrument_id", "measure_id", "measure__kind", "region_id", "type_id"
        )
        return [Match(*row) for row in rows]

    @cached_property
    def _tests(self):
        """{filter name: a test of a `Match`} for each filter given but the search."""
        tests = {}
        for name, value in self.chosen.items():
            if name == "kind":
                kinds = set(value)
                tests[name] = lambda m, kinds=kinds: m.kind in kinds
            elif name == "measure":
                ids = {measure.pk for measure in value}
                tests[name] = lambda m, ids=ids: m.measure in ids
            elif name == "region":
                ids = set(self.filterset.region_ids(value))
                tests[name] = lambda m, ids=ids: m.region in ids
            elif name == "category":
                categories = set(value)
                of_type = self.filterset._type_categories
                tests[name] = lambda m, c=categories, t=of_type: t.get(m.type) in c
            elif name == "type":
                ids = {t.pk for t in value}
                tests[name] = lambda m, ids=ids: m.type in ids
        return tests

    def selected(self, excluded=None):
        """The matches that pass every filter given but `excluded`."""
        tests = [test for name, test in self._tests.items() if name != excluded]
        if not tests:
            return self.matches
        return [m for m in self.matches if all(test(m) for test in tests)]

    @cached_property
    def _all_filters(self):
        return self.selected()

    def instrument_count(self):
        return len({m.instrument for m in self._all_filters})

    def mention_count(self):
        return len(self._all_filters)

    def facet(self, name, regions=None, measure_ids=None):
        """{value: distinct instruments} for facet `name`, keyed as `MentionFilter.facet_counts`
        keys it: kind, measure id (only `measure_ids` when given), region code (each region with
        the units below it; `regions` is `Region.objects.linked()`), category, type id."""
        groups_of = self._grouping(name, regions, measure_ids)
        counted = {
            (group, match.instrument)
            for match in self.selected(excluded=name)
            for group in groups_of(match)
        }
        return dict(Counter(group for group, _instrument in counted))

    def _grouping(self, name, regions, measure_ids):
        """A function giving the values of facet `name` a match counts under."""
        if name == "kind":
            return lambda m: (m.kind,)
        if name == "measure":
            offered = None if measure_ids is None else set(measure_ids)
            return lambda m: (m.measure,) if offered is None or m.measure in offered else ()
        if name == "region":
            units = summary.units_counting(regions)
            return lambda m: units.get(m.region, ())
        if name == "category":
            of_type = self.filterset._type_categories
            return lambda m: (of_type.get(m.type),)
        return lambda m: (m.type,)
