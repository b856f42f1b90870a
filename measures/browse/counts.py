"""Counts of instruments by region, exact at every level of the hierarchy.

Public pages count instruments, not mentions: an instrument mentioned in two counties of one
prefecture counts once for the prefecture. So a prefecture's count cannot be summed from its
counties' (as `regions.models.roll_up` sums mentions): the units at each depth of the hierarchy
that take in the units below them are counted in one query of their own, which groups every
mention under the unit at that depth its region is or lies in. The regions are few (the
gazetteer), so which unit that is, is worked out here and handed to the database as a list of
region ids per unit: no join, and any depth of hierarchy.
"""

from collections import defaultdict

from django.db.models import Case, F, IntegerField, Value, When


def units_at_depth(regions):
    """{depth: {unit id: [ids of the unit and every region below it]}} for the units that take
    in the units below them (`Region.counts_units_below`) and have any; `regions` is
    `Region.objects.linked()`. Depth counts from the top of the hierarchy."""
    units = defaultdict(lambda: defaultdict(list))
    for region in regions:
        lineage = list(region.lineage())
        for above, unit in enumerate(lineage):
            if unit.counts_units_below:
                units[len(lineage) - 1 - above][unit.pk].append(region.pk)
    return {
        depth: {unit: ids for unit, ids in found.items() if len(ids) > 1}
        for depth, found in units.items()
        if any(len(ids) > 1 for ids in found.values())
    }


def grouping(units, default=None):
    """An expression giving, for a mention, the unit of `units` ({unit id: [region ids]}) its
    region lies in; `default` (an expression) for a region in none of them."""
    return Case(
        *(When(region_id__in=ids, then=Value(unit)) for unit, ids in units.items()),
        default=default,
        output_field=IntegerField(),
    )


def instruments_per_region(mentions, regions):
    """{code: distinct instruments} for every region with any, each counting what
    `Region.objects.counted_in` selects for it: a prefecture, county or town with the units
    below it, the province only what is attributed to it itself. One query for the units' own
    mentions, and one per depth of the hierarchy whose units have units below them (two for
    the shipped gazetteer: prefectures and counties); `regions` is `Region.objects.linked()`."""
    code_of = {region.pk: region.code for region in regions}
    totals = {
        code_of[region_id]: n for region_id, n in mentions.count_instruments_by("region_id").items()
    }
    for units in units_at_depth(regions).values():
        counted = mentions.annotate(unit=grouping(units)).exclude(unit=None)
        # These counts include each unit's own mentions, so they replace the own counts.
        totals.update(
            {code_of[unit]: n for unit, n in counted.count_instruments_by("unit").items()}
        )
    return totals


def prefecture_column(regions):
    """An expression giving, for a mention, the id of the prefecture its region is or lies in,
    or its own region's id outside any prefecture (the province's own)."""
    prefectures = {}
    for region in regions:
        prefecture = region.prefecture
        if prefecture is not None:
            prefectures.setdefault(prefecture.pk, []).append(region.pk)
    return grouping(prefectures, default=F("region_id"))


def prefecture_ids(regions):
    """{region id: the id of the prefecture it is or lies in, or its own id outside any
    prefecture}: what `prefecture_column` gives, for counting from the summary."""
    return {
        region.pk: region.prefecture.pk if region.prefecture is not None else region.pk
        for region in regions
    }
