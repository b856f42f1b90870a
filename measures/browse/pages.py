"""What the summary pages show: home, the matrix, the region list and a region's page.

Each function returns a page's context from the published data. They share one preamble —
every region, linked, and one tally of published instruments by measure and prefecture — so
their numbers agree with each other and with the list they link to.
"""

import itertools
from collections import defaultdict
from operator import attrgetter

from django.utils.http import urlencode

from regions.models import Region, home_province

from .. import summary
from ..identity import stage_of
from ..models import InstrumentType, Measure, Mention, Source, Stage, StageRule
from .charts import map_of, matrix, measure_rows, published_tally, tally, type_charts
from .highlighting import highlight
from .rows import attach_addresses, attach_other_mentions

# A prefecture may have thousands of entries over many articles; its page lists its newest
# measures, shows the first entries of those of the newest article, and links to the list for
# the rest.
ENTRIES_PER_MEASURE = 20
MEASURES_SHOWN = 30

# Home lists the newest article's measures and links to this many other articles.
OTHER_SOURCES_SHOWN = 20


def home():
    regions = Region.objects.linked()
    # The measures of the newest article; the others are a click away on their own pages.
    source = Source.objects.published().newest()
    measures = list(
        Measure.objects.published().filter(source=source).defer("body").in_article_order()
    )
    counts = published_tally(regions, measures)
    rows = measure_rows(measures, counts, {r.code: r for r in regions})
    prefectures = [r for r in regions if r.level == Region.Level.PREFECTURE]
    return {
        "source": source,
        "map": map_of(counts, regions),
        "charts": type_charts(InstrumentType.objects.all()),
        "reforms": [row for row in rows if row["measure"].is_reform],
        "directions": [row for row in rows if not row["measure"].is_reform],
        "total": counts.total(),
        "prefecture_count": sum(1 for r in prefectures if counts.region_total(r.code)),
        "other_sources": Source.objects.published()
        .exclude(pk=getattr(source, "pk", None))
        .defer("text")[:OTHER_SOURCES_SHOWN],
    }


def matrix_page(*, source_slug, kind, mentions=None, filters=()):
    """One article's measures (or directions) × the prefectures and the province level; the
    newest article unless `source_slug` names another. `mentions`: the published mentions to
    count (narrowed by the list's `filters`, [(name, value)], which every link keeps)."""
    if mentions is None:
        mentions = Mention.objects.published()
    if kind not in Measure.Kind.values:
        kind = Measure.Kind.REFORM
    regions = Region.objects.linked()
    sources = Source.objects.published()
    source = sources.filter(slug=source_slug).first() or sources.newest()
    slug = getattr(source, "slug", None)
    measures = list(
        Measure.objects.published()
        .filter(source=source, kind=kind)
        .defer("body")
        .in_article_order()
    )
    columns = [r for r in regions if r.level == Region.Level.PREFECTURE]
    province = home_province(regions)
    if province is not None:
        columns.append(province)
    return {
        "source": source,
        # Totals link to the rows' measures, so they count this article only.
        "measure_query": urlencode([("measure", m.slug) for m in measures]),
        "kind": kind,
        # Links to the other kind keep the article asked for (when there is one by that slug),
        # and nothing else of the query.
        "kinds": [
            (
                value,
                label,
                "?"
                + urlencode(
                    [
                        ("kind", value),
                        *([("source", slug)] if source_slug and source_slug == slug else []),
                        *filters,
                    ]
                ),
            )
            for value, label in Measure.Kind.choices
        ],
        # Counted over these measures only, so that each total counts what its link lists.
        "matrix": matrix(
            measures,
            columns,
            tally(mentions.filter(measure__in=measures), regions),
        ),
        "filter_query": "&" + urlencode(list(filters)) if filters else "",
    }


def region_list():
    regions = Region.objects.linked()
    # The summary's cells, read once for the map and the table.
    counts = published_tally(regions, measures=[], cells=summary.Cells())
    province = home_province(regions)
    prefectures = [region for region in regions if region.level == Region.Level.PREFECTURE]
    measures = summary.measure_counts([region.pk for region in prefectures])
    return {
        "map": map_of(counts, regions),
        "prefectures": [
            {
                "region": region,
                "entries": counts.region_total(region.code),
                "measures": measures.get(region.pk, 0),
            }
            for region in prefectures
        ],
        "province": province
        and {"region": province, "entries": counts.region_total(province.code)},
        "counts": counts,
    }


def units_of(units, regions):
    """{unit id: [ids of the regions it counts]} for `units`, by the region rule
    (`summary.units_counting`), from `regions` (`Region.objects.linked()`) without a query."""
    wanted = {unit.code: unit.pk for unit in units}
    found = {unit.pk: [] for unit in units}
    for region_id, codes in summary.units_counting(regions).items():
        for code in codes:
            if code in wanted:
                found[wanted[code]].append(region_id)
    return found


def region_page(region):
    """A prefecture, county or town (or the province itself): the measures it acted under,
    newest article first, grouped by article; the first entries of each of the newest article's
    measures; the map with its prefecture highlighted; its entries by category and type."""
    regions = Region.objects.linked()
    region_in_tree = {unit.pk: unit for unit in regions}[region.pk]
    children_of = defaultdict(list)
    for unit in regions:
        children_of[unit.parent_id].append(unit)
    # What the region counts (`for_region`), read once for the mentions, the totals and the bars.
    region_ids = units_of([region_in_tree], regions)[region.pk]
    entries = Mention.objects.published().filter(region__in=region_ids)
    # The bars read the summary's cells of every region; the totals and the map then add them
    # up without another query.
    cells = summary.Cells()
    types = list(InstrumentType.objects.all())
    charts = type_charts(types, region=region, region_ids=region_ids, cells=cells)
    entry_total = cells.instrument_counts(within(region_ids), by="region_id").get(None, 0)
    # The newest measures with entries here, and the instruments of the newest article's alone:
    # a page costs the same however many measures, articles and entries the region has.
    listed, measure_total = first_measures(region.pk, MEASURES_SHOWN)
    measures = {
        measure.pk: measure
        for measure in Measure.objects.filter(pk__in=listed)
        .select_related("source")
        .defer("body", "source__text")
    }
    listed = [measures[pk] for pk in listed]
    newest = listed[0].source_id if listed else None
    detailed = [measure for measure in listed if measure.source_id == newest]
    totals = entries.filter(measure__in=listed).count_instruments_by("measure")
    groups = group_by_measure(
        with_their_own(
            entries.filter(measure__in=detailed)
            .for_entry_rows()
            .first_instruments_per_measure(ENTRIES_PER_MEASURE),
            measures=detailed,
            regions=regions,
            types=types,
        ),
        totals,
    )
    return {
        # [(source, [(measure, its instruments here, shown in full below)])], newest first.
        "articles": [
            (
                source,
                [(measure, totals.get(measure.pk, 0), measure in detailed) for measure in group],
            )
            for source, group in itertools.groupby(listed, key=attrgetter("source"))
        ],
        "groups": [
            (measure, rows, total)
            for (measure, _mentions, total), rows in zip(
                groups,
                by_instrument(*(mentions for _measure, mentions, _total in groups)),
                strict=True,
            )
        ],
        "more_measures": max(0, measure_total - len(listed)),
        # [(unit, [units below it])] for the units one level below, in code order.
        "units_below": [(child, children_of[child.pk]) for child in children_of[region.pk]],
        # What the first screen says before the map: how much there is, and where all of it is.
        "entry_total": entry_total,
        "measure_total": measure_total,
        # The province's own page has no prefecture to highlight, so no map.
        "map": map_of(
            published_tally(regions, measures=[], cells=cells), regions, region=region_in_tree
        )
        if region_in_tree.prefecture
        else None,
        "charts": charts,
    }


def within(region_ids):
    """A grouping for `summary.Cells.instrument_counts` by region: these regions, as one."""
    region_ids = set(region_ids)
    return lambda region_id: (None,) if region_id in region_ids else ()


def first_measures(region_id, count, *, sources_read=None):
    """([ids of the first `count` measures with public entries that the region counts (its
    own, and its units' below when it takes them in), newest article first
    (`Measure.newest_article_first`)], how many measures have any there), from the summary.

    The first measures are among those of the newest sources: the measures of the newest
    `sources_read` sources (default `count`: a region acts under most articles) are read, then
    of eight and sixty-four times as many, then of all, until they hold as many as there are to
    show. Sorting every measure of the region instead took 20 ms at a million entries."""
    total = summary.measure_count(region_id)
    measures = (
        Measure.objects.published()
        .filter(summary.has_mentions_in(region_id))
        .newest_article_first()
        .values_list("pk", flat=True)
    )
    sources = Source.objects.published().newest_first().values("pk")
    sources_read = sources_read or count
    for batch in (sources_read, sources_read * 8, sources_read * 64):
        shown = list(measures.filter(source__in=sources[:batch])[:count])
        if len(shown) == min(count, total):
            return shown, total
    return list(measures[:count]), total


def with_their_own(entries, *, measures, regions, types):
    """`entries` (`for_entry_rows`), each given its measure, region and type from these lists:
    a page's rows share a few dozen of each, read once instead of joined to every row."""
    measures, regions, types = (
        {item.pk: item for item in items} for items in (measures, regions, types)
    )
    entries = list(entries)
    for entry in entries:
        entry.measure = measures[entry.measure_id]
        entry.region = regions[entry.region_id]
        entry.type = types[entry.type_id]
    return entries


def group_by_measure(entries, totals):
    """[(measure, [entries], total)] in article order; `totals` counts each measure's entries."""
    groups = []
    for entry in entries:
        if not groups or groups[-1][0].pk != entry.measure_id:
            groups.append((entry.measure, [], totals.get(entry.measure_id, 0)))
        groups[-1][1].append(entry)
    return groups


def instrument_page(instrument):
    """An instrument's timeline: its public mentions oldest first (by the article's date, then
    article order), each with its sentence highlighted and the stage its verb shows; the
    instrument's stage; its other names."""
    mentions = list(instrument.mentions.published().for_list().in_article_order())
    rules = StageRule.objects.as_rules()
    stages = [stage_of(mention.action, mention.name, rules) for mention in mentions]
    for mention, mention_stage in zip(mentions, stages, strict=True):
        mention.quote_pieces = (
            highlight(mention.quote, mention.start, [mention])
            if mention.quote and mention.start is not None
            else []
        )
        mention.stage_label = Stage(mention_stage).label
    stage, set_by_editor = instrument.current_stage(stages)
    return {
        "mentions": mentions,
        "stage": {"label": Stage(stage).label, "set_by_editor": set_by_editor},
        "aliases": [
            alias.name for alias in instrument.aliases.all() if alias.name != instrument.name
        ],
    }


def by_instrument(*groups, among=None):
    """Each of `groups` (lists of mentions, in the order shown) with one row per instrument:
    its first mention in the group, carrying the first of its instrument's other mentions in
    `among` (default: every published mention, in any measure or article) and how many more
    there are (`rows.attach_other_mentions`). One query for all the groups."""
    grouped = []
    for entries in groups:
        rows, seen = [], set()
        for entry in entries:
            if entry.instrument_id not in seen:
                seen.add(entry.instrument_id)
                rows.append(entry)
        grouped.append(rows)
    rows = [row for rows in grouped for row in rows]
    attach_addresses(rows)
    attach_other_mentions(rows, Mention.objects.published() if among is None else among)
    return grouped
