"""Instrument counts by measure and prefecture, from a few aggregate queries.

Home, the regions pages, the map and the matrix all read the same tally, so their numbers agree
with each other and with the instruments list they link to.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language

from regions.map import prefecture_map
from regions.models import Region

from .. import summary
from ..models import InstrumentType, Mention
from .counts import prefecture_column, prefecture_ids

#: The fewest bars a chart is drawn with.
MIN_BARS = 2


@dataclass
class Tally:
    """Instrument counts per (measure, prefecture-or-province), with their totals; made by
    `tally()`, then read.

    Totals are counted, not summed from the cells: an instrument mentioned under two measures is
    in two cells of its prefecture but counts once in the prefecture's total.
    """

    cells: dict = field(default_factory=dict)  # (measure_id, code) -> n
    measure_totals: dict = field(default_factory=dict)  # measure_id -> n
    code_totals: dict = field(default_factory=dict)  # code -> n
    grand_total: int = 0

    @cached_property
    def _by_measure(self):
        grouped = defaultdict(list)
        for (measure_id, code), n in self.cells.items():
            if n:
                grouped[measure_id].append(code)
        return grouped

    @cached_property
    def _by_code(self):
        grouped = defaultdict(list)
        for (measure_id, code), n in self.cells.items():
            if n:
                grouped[code].append(measure_id)
        return grouped

    def cell(self, measure_id, code):
        return self.cells.get((measure_id, code), 0)

    def measure_total(self, measure_id):
        return self.measure_totals.get(measure_id, 0)

    def region_total(self, code):
        return self.code_totals.get(code, 0)

    def total(self):
        return self.grand_total

    def codes_for_measure(self, measure_id):
        return sorted(self._by_measure.get(measure_id, ()))

    def measures_for_code(self, code):
        return sorted(self._by_code.get(code, ()))


def tally(mentions, regions=None):
    """Count the instruments `mentions` name per (measure, prefecture-or-province), per measure,
    per prefecture-or-province and in all: four aggregate queries.

    A mention counts in its prefecture's column, or, outside any prefecture (the province's
    own), in its region's. `regions`: every region, linked (`Region.objects.linked()`);
    fetched when not given.
    """
    if regions is None:
        regions = Region.objects.linked()
    code_of = {region.pk: region.code for region in regions}
    placed = mentions.annotate(column=prefecture_column(regions))
    return Tally(
        cells={
            (measure_id, code_of[column]): n
            for (measure_id, column), n in placed.count_instruments_by(
                "measure_id", "column"
            ).items()
        },
        measure_totals=mentions.count_instruments_by("measure_id"),
        code_totals={
            code_of[column]: n for column, n in placed.count_instruments_by("column").items()
        },
        grand_total=mentions.count_instruments(),
    )


def published_tally(regions, measures, *, cells=None):
    """The tally of every published instrument by prefecture-or-province and in all, from the
    summary (two small queries, none when the page read its `cells` of every region already),
    with the cells and totals of `measures` (a few: an article's) counted from their mentions
    (three aggregate queries over those measures only)."""
    column_of, code_of = prefecture_ids(regions), {region.pk: region.code for region in regions}
    counts = (cells or summary.Cells()).instrument_counts(
        groups=lambda region_id: ((code_of[column_of[region_id]],), ()), by="region_id"
    )
    within = (
        tally(Mention.objects.published().filter(measure__in=measures), regions)
        if measures
        # A page without measures of its own (the region pages) builds no queries for them.
        else Tally()
    )
    within.code_totals = {key[0]: n for key, n in counts.items() if key}
    within.grand_total = counts.get((), 0)
    return within


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
    """Rows of cells for the measure × region table, with totals; `counts` is the tally of
    these measures' mentions, so that each total counts what its link lists."""
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
        rows.append({"measure": measure, "cells": cells, "total": counts.measure_total(measure.pk)})
    totals = [{"region": column, "count": counts.region_total(column.code)} for column in columns]
    return {"columns": columns, "rows": rows, "totals": totals, "total": counts.total()}


def map_of(counts, regions, *, region=None):
    """The prefecture map shaded by entries per prefecture (sub-units included); on the page
    of `region`, its prefecture outlined and, for a county or town, the unit named in it."""
    prefectures = [r for r in regions if r.level == Region.Level.PREFECTURE]
    prefecture = region.prefecture if region is not None else None
    english = (get_language() or "").startswith("en")
    return prefecture_map(
        {r.code: counts.region_total(r.code) for r in prefectures},
        highlight=prefecture.code if prefecture is not None else None,
        labels={r.code: r.map_label for r in prefectures},
        unit=region.local_name if prefecture is not None and region != prefecture else None,
        # Full names, as the map's links always gave them, in the interface language.
        names={r.code: r.name_en if english else r.name for r in prefectures},
    )


def type_charts(types, *, region=None, region_ids=None, cells=None):
    """Bars of published instruments by category and by type, each linking to the list it
    counts: every one, or those `region` counts, whose ids (`Region.objects.counted_ids`) are
    `region_ids`; only the charts of MIN_BARS bars or more (a dict without the others, empty
    when none is left). From the summary: two small queries, none when the page read its
    `cells` (`summary.Cells`, of every region) already."""
    types = list(types)
    category_of = {t.pk: t.category for t in types}
    counted = None if region_ids is None else set(region_ids)

    def groups(type_id):
        return (("type", type_id), ("category", category_of.get(type_id)))

    if cells is None:
        # Only the region's cells are read: each of them counts.
        cells, counted = summary.Cells(region_ids=region_ids), None
    if counted is None:
        counts = cells.instrument_counts(groups, by="type_id")
    else:
        # The page's cells are every region's: those of the region's units count.
        counts = cells.instrument_counts(
            lambda cell: groups(cell.type_id) if cell.region_id in counted else ()
        )
    per_type = {key: n for (axis, key), n in counts.items() if axis == "type"}
    by_category = {key: n for (axis, key), n in counts.items() if axis == "category"}
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

    charts = {
        "categories": bars(
            [
                (label, {"category": value}, by_category.get(value, 0))
                for value, label in InstrumentType.Category.choices
            ]
        ),
        "types": bars([(t.local_name, {"type": t.slug}, per_type.get(t.pk, 0)) for t in types]),
    }
    # One bar compares nothing and repeats the page's total (a county with one entry): such a
    # chart is left out, and with it the section when neither chart remains.
    return {name: chart for name, chart in charts.items() if len(chart) >= MIN_BARS}
