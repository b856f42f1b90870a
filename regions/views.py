from django.db.models import Count
from django.views.generic import DetailView, TemplateView

from measures.models import Instrument, InstrumentType, Measure
from measures.stats import map_of, tally, type_charts

from .models import Region

# A prefecture may have thousands of entries over many articles; its page shows the first
# entries of its first measures and links to the list for the rest.
ENTRIES_PER_MEASURE = 20
MEASURES_SHOWN = 30


class RegionListView(TemplateView):
    template_name = "regions/region_list.html"

    def get_context_data(self, **kwargs):
        regions = Region.objects.linked()
        counts = tally(Instrument.objects.published(), regions)
        prefectures = [
            {
                "region": region,
                "entries": counts.region_total(region.code),
                "measures": len(counts.measures_for_code(region.code)),
            }
            for region in regions
            if region.level == Region.Level.PREFECTURE
        ]
        province = next(r for r in regions if r.is_province)
        return super().get_context_data(
            map=map_of(counts, regions),
            prefectures=prefectures,
            province={"region": province, "entries": counts.region_total(province.code)},
            counts=counts,
            **kwargs,
        )


class RegionDetailView(DetailView):
    model = Region
    slug_field = slug_url_kwarg = "code"
    queryset = Region.objects.select_related("parent").prefetch_related("children__children")

    def get_context_data(self, **kwargs):
        region = self.object
        published = Instrument.objects.published()
        entries = published.for_region(region)
        regions = Region.objects.linked()
        prefecture = {unit.pk: unit for unit in regions}[region.pk].prefecture
        totals = dict(entries.order_by().values_list("measure").annotate(n=Count("id")))
        shown = Measure.objects.filter(pk__in=totals).in_article_order()[:MEASURES_SHOWN]
        return super().get_context_data(
            groups=group_by_measure(
                entries.filter(measure__in=list(shown.values_list("pk", flat=True)))
                .for_list()
                .first_per_measure(ENTRIES_PER_MEASURE),
                totals,
            ),
            more_measures=max(0, len(totals) - MEASURES_SHOWN),
            map=map_of(tally(published, regions), regions, highlight=prefecture.code)
            if prefecture
            else None,
            charts=type_charts(entries, InstrumentType.objects.all(), region=region),
            **kwargs,
        )


def group_by_measure(entries, totals):
    """[(measure, [entries], total)] in article order; `totals` counts each measure's entries."""
    groups = []
    for entry in entries:
        if not groups or groups[-1][0].pk != entry.measure_id:
            groups.append((entry.measure, [], totals.get(entry.measure_id, 0)))
        groups[-1][1].append(entry)
    return groups
