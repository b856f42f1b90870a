"""Prefectures × instrument types (or categories): "regulations per prefecture" as one table.

Driven by the list's FilterSet (`MentionListing`): every filter of the list narrows it — kind,
measure, a search — except region, type and category, which are its axes. Every prefecture and
the province are rows, zeros shown; each cell counts distinct instruments, as every count does,
and links to exactly them on the list.
"""

from collections import defaultdict
from functools import cached_property

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from regions.models import Region, home_province

from .. import summary
from ..models import InstrumentType
from .counts import prefecture_column, prefecture_ids
from .listing import KNOWN_PARAMETERS, MentionListing
from .querystrings import PAGE_PARAMETERS, with_values

#: The columns the table can have (`by`): the field counted and how its values are listed.
AXES = {
    "type": _("Type"),
    "category": _("Category"),
}

#: The list's parameters the table is the answer for, rather than a filter of.
AXIS_PARAMETERS = frozenset(["region", "type", "category"])

#: What the table reads: the list's filters but its axes, and `by`.
PARAMETERS = (KNOWN_PARAMETERS - AXIS_PARAMETERS - {*PAGE_PARAMETERS, "sort"}) | {"by"}


class CrossTab:
    def __init__(self, query):
        self.by = query.get("by", "").strip() or "type"
        filters = QueryDict(mutable=True)
        for key in query:
            if key in PARAMETERS and key != "by":
                filters.setlist(key, query.getlist(key))
        self.listing = MentionListing(filters)
        self.errors = list(self.listing.errors)
        if self.by not in AXES:
            self.errors.append(
                _("The parameter “by” takes type or category, not “%(by)s”.") % {"by": self.by}
            )

    @cached_property
    def regions(self):
        return Region.objects.linked()

    @cached_property
    def rows_regions(self):
        """The eight prefectures (or however many the gazetteer has), then the province."""
        prefectures = [r for r in self.regions if r.level == Region.Level.PREFECTURE]
        province = home_province(self.regions)
        return [*prefectures, *([province] if province else [])]

    @cached_property
    def columns(self):
        """[(value, label)] of the axis: every type in precedence order, or every category."""
        if self.by == "category":
            return [(value, str(label)) for value, label in InstrumentType.Category.choices]
        return [(t.slug, t.local_name) for t in InstrumentType.objects.order_by("precedence")]

    @cached_property
    def _field(self):
        return "type__slug" if self.by == "type" else "type__category"

    @cached_property
    def _counts(self):
        """(cells {(region id, value): n}, row totals {region id: n}, column totals, total),
        each counting distinct instruments: from the summary when it can say (two queries),
        from one read of a search's matches (`searched.SearchedCounts`), else four aggregate
        queries."""
        filterset = self.listing.filterset
        selection = filterset.summary_selection()
        if selection is not None:
            return self._grouped(
                summary.instrument_counts(
                    **selection, groups=lambda cell: self._groups(cell.region_id, cell.type_id)
                )
            )
        if filterset.searched_counts is not None:
            return self._grouped(filterset.searched_counts.instrument_counts(self._groups))
        mentions = self.listing.mentions
        placed = mentions.annotate(column=prefecture_column(self.regions))
        return (
            placed.count_instruments_by("column", self._field),
            placed.count_instruments_by("column"),
            mentions.count_instruments_by(self._field),
            mentions.count_instruments(),
        )

    @cached_property
    def _column_of(self):
        return prefecture_ids(self.regions)

    @cached_property
    def _value_of(self):
        """{type id: the table's column for it}: its slug, or its category."""
        field = "slug" if self.by == "type" else "category"
        return dict(InstrumentType.objects.values_list("pk", field))

    def _groups(self, region_id, type_id):
        """The groups an instrument in `region_id` of `type_id` counts in: its cell, its row,
        its column and the total."""
        row, value = self._column_of.get(region_id), self._value_of.get(type_id)
        return (("cell", row, value), ("row", row), ("column", value), ("total",))

    @staticmethod
    def _grouped(counts):
        found = defaultdict(dict)
        for (kind, *key), n in counts.items():
            found[kind][key[0] if len(key) == 1 else tuple(key)] = n
        return found["cell"], found["row"], found["column"], found["total"].get((), 0)

    def _url(self, **values):
        return reverse("measures:instrument_list") + with_values(self.listing.query, **values)

    def table(self):
        """{"columns", "rows", "totals", "total"}; each count with the list URL it counts."""
        cells, row_totals, column_totals, total = self._counts
        rows = []
        for region in self.rows_regions:
            rows.append(
                {
                    "region": region,
                    "cells": [
                        {
                            "count": cells.get((region.pk, value), 0),
                            "url": self._url(region=region.code, **{self.by: value}),
                        }
                        for value, _label in self.columns
                    ],
                    "total": row_totals.get(region.pk, 0),
                    "url": self._url(region=region.code),
                }
            )
        columns = [
            {"value": value, "label": label, "url": self._url(**{self.by: value})}
            for value, label in self.columns
        ]
        return {
            "columns": columns,
            "rows": rows,
            "totals": [
                {"count": column_totals.get(column["value"], 0), "url": column["url"]}
                for column in columns
            ],
            "total": total,
            "url": self._url(),
        }

    def axis_links(self):
        """The table by type and by category, with the same filters."""
        return [
            {
                "label": label,
                "url": reverse("measures:crosstab") + with_values(self.listing.query, by=value),
                "current": value == self.by,
            }
            for value, label in AXES.items()
        ]

    def csv_rows(self):
        """(names, headings, rows) of the table as a CSV: one row per region, a column per
        axis value, and the total; the region's code and name first."""
        table = self.table()
        names = ["region_code", "region_name", *(c["value"] for c in table["columns"]), "total"]
        headings = ["地区代码", "地区", *(c["label"] for c in table["columns"]), "合计"]
        rows = [
            dict(
                zip(
                    names,
                    [
                        row["region"].code,
                        row["region"].short_name,
                        *(cell["count"] for cell in row["cells"]),
                        row["total"],
                    ],
                    strict=True,
                )
            )
            for row in table["rows"]
        ]
        return names, headings, rows
