"""Entry counts by measure and prefecture, from one aggregate query.

Home, the regions pages, the map and the matrix all read the same tally, so their numbers agree
with each other and with the instruments list they link to.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.urls import reverse
from django.utils.http import urlencode

from regions.map import prefecture_map
from regions.models import Region

from ..models import InstrumentType


@dataclass
class Tally:
    """Entry counts per (measure, prefecture-or-province); filled by `tally()`, then read.

    Totals and lists come from the cells grouped by measure and by code, grouped once on first
    use: the home page asks about every measure, and scanning every cell for each would grow
    with the square of the data.
    """

    cells: dict = field(default_factory=lambda: defaultdict(int))  # (measure_id, code) -> n

    @cached_property
    def _by_measure(self):
        grouped = defaultdict(dict)
        for (measure_id, code), n in self.cells.items():
            grouped[measure_id][code] = n
        return grouped

    @cached_property
    def _by_code(self):
        grouped = defaultdict(dict)
        for (measure_id, code), n in self.cells.items():
            grouped[code][measure_id] = n
        return grouped

    def cell(self, measure_id, code):
        return self.cells.get((measure_id, code), 0)

    def measure_total(self, measure_id):
        return sum(self._by_measure.get(measure_id, {}).values())

    def region_total(self, code):
        return sum(self._by_code.get(code, {}).values())

    def total(self):
        return sum(self.cells.values())

    def codes_for_measure(self, measure_id):
        return sorted(c for c, n in self._by_measure.get(measure_id, {}).items() if n)

    def measures_for_code(self, code):
        return sorted(m for m, n in self._by_code.get(code, {}).items() if n)


def tally(mentions, regions=None):
    """Count `mentions` per (measure, prefecture-or-province) in one query.

    `regions`: every region, linked (`Region.objects.linked()`); fetched when not given.
    """
    if regions is None:
        regions = Region.objects.linked()
    by_id = {region.pk: region for region in regions}
    result = Tally()
    for (measure_id, region_id), n in mentions.count_by("measure_id", "region_id").items():
        # An entry counts in its prefecture's column, or in its own (the province's).
        region = by_id[region_id]
        result.cells[(measure_id, (region.prefecture or region).code)] += n
    return result


def measure_rows(measures, counts, regions_by_code):
    """Per measure: its entry count and the regions (prefectures or province) that acted."""
    return [
        {
            "measure": measure,
            "count": counts.measure_total(measure.pk),
            "regions": [regions_by_code[code] for code in counts.codes_for_measure(measure.pk)],
        }
        for measure in measures
    ]


def shade(count, maximum, steps=5):
    """0 for nothing, else 1..steps in equal bins of the maximum."""
    if not count or not maximum:
        return 0
    return min(steps, 1 + (count - 1) * steps // maximum)


def matrix(measures, columns, counts):
    """Rows of cells for the measure × region table, with totals."""
    measures = list(measures)
    maximum = max((counts.cell(m.pk, c.code) for m in measures for c in columns), default=0)
    rows = []
    for measure in measures:
        cells = [
            {
                "region": column,
                "count": counts.cell(measure.pk, column.code),
                "shade": shade(counts.cell(measure.pk, column.code), maximum),
            }
            for column in columns
        ]
        rows.append({"measure": measure, "cells": cells, "total": sum(c["count"] for c in cells)})
    totals = [
        {"region": column, "count": sum(row["cells"][i]["count"] for row in rows)}
        for i, column in enumerate(columns)
    ]
    return {
        "columns": columns,
        "rows": rows,
        "totals": totals,
        "total": sum(t["count"] for t in totals),
    }


def map_of(counts, regions, *, highlight=None):
    """The prefecture map shaded by entries per prefecture (sub-units included)."""
    prefectures = [r for r in regions if r.level == Region.Level.PREFECTURE]
    return prefecture_map(
        {r.code: counts.region_total(r.code) for r in prefectures},
        highlight=highlight,
        labels={r.code: r.map_label for r in prefectures},
    )


def type_charts(mentions, types, *, region=None):
    """Bars of entries by category and by type, each linking to the list it counts.

    One aggregate query (by type); categories are summed from it. `region`, when given, is added
    to every link, and `mentions` must already be limited to it.
    """
    per_type = mentions.count_by("type_id")
    base = reverse("measures:instrument_list") + "?"
    scope = {"region": region.code} if region is not None else {}

    def bars(items):
        maximum = max((count for _, _, count in items), default=0)
        return [
            {
                "label": label,
                "count": count,
                "percent": round(100 * count / maximum) if maximum else 0,
                "url": base + urlencode({**scope, **query}),
            }
            for label, query, count in items
            if count
        ]

    by_category = defaultdict(int)
    for kind in types:
        by_category[kind.category] += per_type.get(kind.pk, 0)
    return {
        "categories": bars(
            [
                (label, {"category": value}, by_category[value])
                for value, label in InstrumentType.Category.choices
            ]
        ),
        "types": bars([(t.local_name, {"type": t.slug}, per_type.get(t.pk, 0)) for t in types]),
    }
