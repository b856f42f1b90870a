"""Counts of public instruments added up from the summary the database keeps, not from mentions.

The summary (`SummaryCell`, `SummaryInstrument`, `SummarySpread`; triggers in migration
0018_summary) holds, per scope (every measure, or the measures of one kind), region and type,
how many public mentions and distinct instruments there are. A count over any regions and types,
grouped by anything a (region, type) pair decides — a region with the units below it, a type, a
category, a prefecture's column — is the sum of its cells' instruments, less the instruments
counted in more than one cell of a group: those few (an instrument's mentions nearly always share
its region and type) are read from `SummaryInstrument`, for the instruments `SummarySpread` says
are in more than one cell. So a count reads a few hundred small rows however many mentions there
are, and stays exact.

What the summary cannot answer — a count within some measures, or over a text search — is counted
from the mentions, as before (`MentionQuerySet.count_instruments_by`).

`SummaryMeasure` holds, per region, the measures with public mentions there or, for a region
that takes in the units below it, in any of them (`units_counting`): which measures a region
acted under (`has_mentions_in`), read from its own rows rather than from its mentions;
`SummaryMeasureCount` how many they are (`measure_count`, `measure_counts`), a row per region.
"""

from collections import Counter, defaultdict, namedtuple
from functools import cached_property
from operator import attrgetter

from django.db import connections, transaction
from django.db.models import Exists, OuterRef, Sum

from regions.models import Region

from .models import (
    ALL_KINDS,
    SummaryCell,
    SummaryInstrument,
    SummaryMeasure,
    SummaryMeasureCount,
    SummarySpread,
)
from .summary_triggers import counting_units

#: A cell of the summary as `instrument_counts` hands it to `groups`.
Cell = namedtuple("Cell", "scope region_id type_id")


def instrument_counts(*, scopes=(ALL_KINDS,), region_ids=None, type_ids=None, groups=None, by=None):
    """{group: distinct public instruments} over the cells of `scopes` whose region is in
    `region_ids` and type in `type_ids` (None: any), each cell (a `Cell`) counted in every group
    `groups(cell)` gives (default: one group, None). Two queries, three when any instrument is
    in more than one cell (`Cells`).

    Each group must lie within one scope: an instrument in two scopes is two instruments here.
    `by` as for `Cells.instrument_counts`.
    """
    return Cells(scopes, region_ids, type_ids).instrument_counts(groups, by=by)


def mention_count(*, scopes=(ALL_KINDS,), region_ids=None, type_ids=None):
    """How many public mentions the cells of `scopes` hold for these regions and types."""
    return Cells(scopes, region_ids, type_ids).mention_count()


class Cells:
    """The summary's cells of `scopes`, these regions and types (None: any), read once however
    many groupings count them: a list page counts its total and three facets over the same
    cells. A grouping by one field reads the cells added up by it (`added_by`: a GROUP BY of a
    few dozen rows, once per field); one that reads more of a cell reads every cell (`rows`),
    which the groupings by a field then add up without another query."""

    def __init__(self, scopes=(ALL_KINDS,), region_ids=None, type_ids=None, *, spread=None):
        self.scopes, self.region_ids, self.type_ids = scopes, region_ids, type_ids
        # The instruments in more than one cell (`Spread`), shared by the `Cells` of one page.
        self._spread = spread or Spread()
        # {field: its sums} as `added_by` read them.
        self._sums = {}

    @cached_property
    def rows(self):
        """[(Cell, instruments, mentions)] (one query)."""
        cells = selected(SummaryCell, self.scopes, self.region_ids, self.type_ids)
        return [
            (Cell(scope, region_id, type_id), instruments, mentions)
            for scope, region_id, type_id, instruments, mentions in cells.values_list(
                "scope", "region_id", "type_id", "instruments", "mentions"
            )
        ]

    def added_by(self, field):
        """{value of `field` ("scope", "region_id" or "type_id"): (instruments, mentions)}, the
        cells added up by it: by the database (a few dozen rows rather than thousands of
        cells), or from `rows` when they were read already. Once per field."""
        sums = self._sums
        if field not in sums:
            if "rows" in self.__dict__:
                added = defaultdict(lambda: (0, 0))
                for cell, instruments, mentions in self.rows:
                    value = getattr(cell, field)
                    added[value] = (added[value][0] + instruments, added[value][1] + mentions)
            else:
                cells = selected(SummaryCell, self.scopes, self.region_ids, self.type_ids)
                added = {
                    value: (instruments, mentions)
                    for value, instruments, mentions in cells.order_by()
                    .values_list(field)
                    .annotate(Sum("instruments"), Sum("mentions"))
                }
            sums[field] = added
        return sums[field]

    @cached_property
    def spread(self):
        """[(instrument id, Cell)] of the instruments in more than one cell, in these cells."""
        wanted = cell_test(self.scopes, self.region_ids, self.type_ids)
        return [(pk, cell) for pk, cell in self._spread.rows if wanted(cell)]

    def instrument_counts(self, groups=None, *, by=None):
        """{group: distinct public instruments}, as `instrument_counts` counts them.

        `by`, when `groups` reads one field of a cell only ("scope", "region_id" or "type_id"):
        `groups` is then given that field's value rather than the cell, and is asked once per
        value (a few dozen) of the cells added up by it (`added_by`), rather than once per cell
        (thousands, for each of a list page's four facets)."""
        if groups is None:
            # One group, which the cells added up by any field give.
            by = "scope"

            def groups(_value):
                return (None,)

        if by is None:
            key = lambda cell: cell  # noqa: E731
            added = {cell: instruments for cell, instruments, _mentions in self.rows}
        else:
            key = attrgetter(by)
            added = {value: pair[0] for value, pair in self.added_by(by).items()}
        totals = defaultdict(int)
        for value, instruments in added.items():
            for group in groups(value):
                totals[group] += instruments
        # An instrument in k cells of one group was added k times: take k - 1 off.
        seen = defaultdict(Counter)
        for instrument_id, cell in self.spread:
            for group in groups(key(cell)):
                seen[group][instrument_id] += 1
        for group, times in seen.items():
            totals[group] -= sum(k - 1 for k in times.values())
        return {group: n for group, n in totals.items() if n}

    def mention_count(self):
        return sum(mentions for _instruments, mentions in self.added_by("scope").values())


class Spread:
    """The instruments in more than one cell, with every cell they are in: read once for all
    the `Cells` given it, however their scopes, regions and types differ."""

    @cached_property
    def rows(self):
        """[(instrument id, Cell)]. The few such instruments by id, and their rows: SQLite,
        given the ids as a subquery, read every instrument row. One query, two when there
        are any."""
        spread_ids = list(SummarySpread.objects.filter(cells__gt=1).values_list("pk", flat=True))
        if not spread_ids:
            return []
        rows = SummaryInstrument.objects.filter(instrument_id__in=spread_ids).values_list(
            "instrument_id", "scope", "region_id", "type_id"
        )
        return [(pk, Cell(*cell)) for pk, *cell in rows]


def selected(model, scopes, region_ids, type_ids):
    """The rows of `model` (cells or instrument rows) in `scopes`, these regions and types."""
    rows = model.objects.filter(scope__in=scopes)
    if region_ids is not None:
        rows = rows.filter(region_id__in=region_ids)
    if type_ids is not None:
        rows = rows.filter(type_id__in=type_ids)
    return rows


def cell_test(scopes, region_ids, type_ids):
    """Whether a `Cell` is in `scopes`, these regions and types (None: any), as `selected`."""
    scopes = set(scopes)
    regions = None if region_ids is None else set(region_ids)
    types = None if type_ids is None else set(type_ids)
    return lambda cell: (
        cell.scope in scopes
        and (regions is None or cell.region_id in regions)
        and (types is None or cell.type_id in types)
    )


def has_mentions_in(region_id):
    """Whether a measure (the query's `pk`) has public mentions that the region `region_id`
    counts (its own, and its units' below when it takes them in): a filter tested measure by
    measure through the summary's index, so that a query for a few measures reads only their
    rows."""
    return Exists(SummaryMeasure.objects.filter(region_id=region_id, measure_id=OuterRef("pk")))


def measure_count(region_id):
    """How many measures have public mentions that the region `region_id` counts (one row)."""
    return measure_counts([region_id]).get(region_id, 0)


def measure_counts(region_ids):
    """{region id: how many measures have public mentions it counts}, for these regions;
    regions with none are left out. One query, a row per region."""
    return dict(
        SummaryMeasureCount.objects.filter(region_id__in=region_ids).values_list(
            "region_id", "measures"
        )
    )


def units_counting(regions):
    """{region id: [codes of the regions whose pages and filters count its mentions]}: itself,
    and each unit above it that takes in the units below (`Region.counts_units_below`), as
    `Region.objects.counted_in` selects. `regions` is `Region.objects.linked()`."""
    return {
        region.pk: [
            unit.code for unit in region.lineage() if unit is region or unit.counts_units_below
        ]
        for region in regions
    }


# The summary as the mentions say it should be: what `rebuild` writes and `differences` checks.
COUNTED = (
    "SELECT 'all', region_id, type_id, instrument_id, COUNT(*) FROM measures_mention "
    "WHERE public GROUP BY region_id, type_id, instrument_id "
    "UNION ALL SELECT me.kind, m.region_id, m.type_id, m.instrument_id, COUNT(*) "
    "FROM measures_mention m JOIN measures_measure me ON me.id = m.measure_id "
    "WHERE m.public GROUP BY me.kind, m.region_id, m.type_id, m.instrument_id"
)


#: The public mentions per region and measure, the regions' own.
MEASURES_PER_REGION = (
    "SELECT region_id, measure_id, COUNT(*) AS n FROM measures_mention WHERE public "
    "GROUP BY region_id, measure_id"
)

#: The summary's measures per region, each region counting those of the units below it as the
#: triggers do (`summary_triggers.counting_units`): what `rebuild` writes.
MEASURES_COUNTED = (
    "SELECT u.id, c.measure_id, SUM(c.n) "
    f"FROM ({MEASURES_PER_REGION}) c, "
    f"{counting_units('c.region_id')} GROUP BY u.id, c.measure_id"
)


def expected(using="default"):
    """(cells, instrument rows, spread, measures, measure counts) as the mentions give them, as
    sets of tuples. The measures are given to the regions that count them by the rule the pages
    follow (`units_counting`), not by the triggers' SQL, so that a check compares the two."""
    with connections[using].cursor() as cursor:
        cursor.execute(COUNTED)
        per_instrument = {tuple(row) for row in cursor.fetchall()}
        cursor.execute(MEASURES_PER_REGION)
        per_region = cursor.fetchall()
    regions = Region.objects.using(using).linked()
    id_of = {region.code: region.pk for region in regions}
    counting = {
        pk: [id_of[code] for code in codes] for pk, codes in units_counting(regions).items()
    }
    measures = Counter()
    for region_id, measure_id, n in per_region:
        for unit_id in counting[region_id]:
            measures[unit_id, measure_id] += n
    cells, spread = Counter(), Counter()
    mentions = Counter()
    for scope, region_id, type_id, instrument_id, n in per_instrument:
        cells[scope, region_id, type_id] += 1
        mentions[scope, region_id, type_id] += n
        if scope == ALL_KINDS:
            spread[instrument_id] += 1
    return (
        {(*key, n, mentions[key]) for key, n in cells.items()},
        per_instrument,
        set(spread.items()),
        {(*key, n) for key, n in measures.items()},
        set(Counter(region_id for region_id, _measure_id in measures).items()),
    )


def stored(using="default"):
    """(cells, instrument rows, spread, measures, measure counts) as the summary holds them."""
    return (
        set(
            SummaryCell.objects.using(using).values_list(
                "scope", "region_id", "type_id", "instruments", "mentions"
            )
        ),
        set(
            SummaryInstrument.objects.using(using).values_list(
                "scope", "region_id", "type_id", "instrument_id", "mentions"
            )
        ),
        set(SummarySpread.objects.using(using).values_list("instrument_id", "cells")),
        set(SummaryMeasure.objects.using(using).values_list("region_id", "measure_id", "mentions")),
        set(SummaryMeasureCount.objects.using(using).values_list("region_id", "measures")),
    )


def differences(using="default"):
    """{table: (rows missing or wrong in the summary, rows it should not have)}, for the tables
    that differ from what the mentions give; empty when the summary is exact."""
    found = {}
    for name, want, have in zip(
        ("cells", "instruments", "spread", "measures", "measure counts"),
        expected(using),
        stored(using),
        strict=True,
    ):
        if want != have:
            found[name] = (sorted(want - have), sorted(have - want))
    return found


def rebuild(using="default"):
    """Write the summary again from the mentions, in one transaction."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        for model in (SummaryCell, SummaryInstrument, SummarySpread):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")
        cursor.execute(
            "INSERT INTO measures_summaryinstrument "
            f"(scope, region_id, type_id, instrument_id, mentions) {COUNTED}"
        )
        cursor.execute(
            "INSERT INTO measures_summarycell (scope, region_id, type_id, instruments, mentions) "
            "SELECT scope, region_id, type_id, COUNT(*), SUM(mentions) "
            "FROM measures_summaryinstrument GROUP BY scope, region_id, type_id"
        )
        cursor.execute(
            "INSERT INTO measures_summaryspread (instrument_id, cells) "
            "SELECT instrument_id, COUNT(*) FROM measures_summaryinstrument "
            "WHERE scope = 'all' GROUP BY instrument_id"
        )
        rebuild_measures(using=using)


def rebuild_measures(using="default"):
    """Write the summary's measures, and how many each region has, again from the mentions, in
    one transaction."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("DELETE FROM measures_summarymeasure")
        cursor.execute("DELETE FROM measures_summarymeasurecount")
        cursor.execute(
            "INSERT INTO measures_summarymeasure (region_id, measure_id, mentions) "
            f"{MEASURES_COUNTED}"
        )
        cursor.execute(
            "INSERT INTO measures_summarymeasurecount (region_id, measures) "
            "SELECT region_id, COUNT(*) FROM measures_summarymeasure GROUP BY region_id"
        )


def remember_region_place(sender, instance, raw=False, using="default", **kwargs):
    """pre_save of a region: where it stood in the gazetteer (parent and level), for
    `on_region_moved`."""
    stored = Region.objects.using(using).filter(pk=instance.pk).values("parent_id", "level")
    instance._stored_place = stored.first() if instance.pk is not None else None


def on_region_moved(sender, instance, created=False, using="default", **kwargs):
    """post_save of a region: when its parent or level changed, which regions count whose
    mentions changed with it, so the summary's measures are written again (in the save's
    transaction). A region saved unmoved, or new (no mentions yet), costs nothing."""
    stored = getattr(instance, "_stored_place", None)
    if stored is None or created:
        return
    if (stored["parent_id"], stored["level"]) != (instance.parent_id, instance.level):
        rebuild_measures(using=using)
