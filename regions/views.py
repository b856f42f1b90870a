from django.views.generic import DetailView, TemplateView

from measures.models import Instrument, InstrumentType
from measures.stats import map_of, tally, type_charts

from .models import Region


class RegionListView(TemplateView):
    template_name = "regions/region_list.html"

    def get_context_data(self, **kwargs):
        regions = list(Region.objects.with_ancestors())
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
    queryset = Region.objects.with_ancestors().prefetch_related("children__children")

    def get_context_data(self, **kwargs):
        region = self.object
        published = Instrument.objects.published()
        entries = published.for_region(region)
        prefecture = region.prefecture
        regions = list(Region.objects.with_ancestors())
        return super().get_context_data(
            groups=group_by_measure(entries.for_list().in_article_order()),
            map=map_of(tally(published, regions), regions, highlight=prefecture.code)
            if prefecture
            else None,
            charts=type_charts(entries, InstrumentType.objects.all(), region=region),
            **kwargs,
        )


def group_by_measure(entries):
    """[(measure, [entries])] in article order."""
    groups = []
    for entry in entries:
        if not groups or groups[-1][0].pk != entry.measure_id:
            groups.append((entry.measure, []))
        groups[-1][1].append(entry)
    return groups
