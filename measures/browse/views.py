from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import urlencode
from django.views.generic import DetailView, TemplateView

from regions.models import Region, home_province

from ..models import Instrument, InstrumentType, Measure, Source
from .charts import map_of, matrix, measure_rows, tally, type_charts
from .highlighting import highlight
from .listing import InstrumentListing


class HomeView(TemplateView):
    template_name = "measures/home.html"

    def get_context_data(self, **kwargs):
        regions = Region.objects.linked()
        counts = tally(Instrument.objects.published(), regions)
        # The measures of the newest article; the others are a click away on their own pages.
        source = Source.objects.published().newest()
        measures = (
            Measure.objects.published().filter(source=source).defer("body").in_article_order()
        )
        rows = measure_rows(measures, counts, {r.code: r for r in regions})
        return super().get_context_data(
            source=source,
            map=map_of(counts, regions),
            charts=type_charts(Instrument.objects.published(), InstrumentType.objects.all()),
            reforms=[row for row in rows if row["measure"].is_reform],
            directions=[row for row in rows if not row["measure"].is_reform],
            total=counts.total(),
            prefecture_count=sum(
                1
                for r in regions
                if r.level == Region.Level.PREFECTURE and counts.region_total(r.code)
            ),
            other_sources=Source.objects.published()
            .exclude(pk=getattr(source, "pk", None))
            .defer("text")[:20],
            **kwargs,
        )


class MeasureDetailView(DetailView):
    model = Measure
    queryset = (
        Measure.objects.published()
        .select_related("source")
        .prefetch_related(
            Prefetch("continues", queryset=Measure.objects.published()),
            Prefetch("continued_by", queryset=Measure.objects.published()),
        )
    )

    def get_context_data(self, **kwargs):
        entries = list(self.object.instruments.published().for_list().in_article_order())
        return super().get_context_data(
            # Grouped by region for the tables; the paragraph uses article order.
            entries_by_region=sorted(entries, key=lambda entry: entry.region.code),
            pieces=highlight(self.object.body, self.object.start or 0, entries)
            if self.object.start is not None
            else [],
            **kwargs,
        )


class InstrumentListView(TemplateView):
    """The filterable list; the same `InstrumentListing` feeds the exports."""

    template_name = "measures/instrument_list.html"

    def get(self, request, *args, **kwargs):
        listing = InstrumentListing(request.GET)
        context = self.get_context_data(listing=listing, page=listing.page(request.GET.get("page")))
        status = 400 if listing.errors else 200
        return self.render_to_response(context, status=status)


class FollowReplacedVersions:
    """A page of a replaced article's version answers with a permanent redirect to the same
    page of the version that replaced it, so links to it keep working."""

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            successor = self.successor()
            if successor is None:
                raise
            return redirect(successor, permanent=True)


class InstrumentDetailView(FollowReplacedVersions, DetailView):
    model = Instrument
    queryset = Instrument.objects.published().for_list()
    context_object_name = "entry"

    def successor(self):
        return Instrument.objects.published().successor_of(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        entry = self.object
        quote_entries = [entry] if entry.quote else []
        return super().get_context_data(
            quote_pieces=highlight(entry.quote, entry.start, quote_entries)
            if entry.start is not None
            else [],
            previous_entry=Instrument.objects.published().preceding(entry),
            next_entry=Instrument.objects.published().following(entry),
            **kwargs,
        )


class SourceDetailView(FollowReplacedVersions, DetailView):
    queryset = Source.objects.published()

    def successor(self):
        source = Source.objects.filter(slug=self.kwargs["slug"]).defer("text").first()
        return source and source.published_successor()

    def get_context_data(self, **kwargs):
        source = self.object
        entries = Instrument.objects.published().filter(measure__source=source).for_list()
        measures = {m.start: m for m in source.measures.published() if m.start is not None}
        return super().get_context_data(
            paragraphs=source_paragraphs(source.text, list(entries), measures), **kwargs
        )


def source_paragraphs(text, entries, measures_by_start):
    """The article's paragraphs as (measure or None, pieces), measures anchored at their start."""
    paragraphs, offset = [], 0
    for line in text.split("\n"):
        if line.strip():
            paragraphs.append((measures_by_start.get(offset), highlight(line, offset, entries)))
        offset += len(line) + 1
    return paragraphs


class MatrixView(TemplateView):
    """Measures × prefectures (plus the province level), each cell linking to its entries."""

    template_name = "measures/matrix.html"

    def get_context_data(self, **kwargs):
        kind = self.request.GET.get("kind")
        if kind not in Measure.Kind.values:
            kind = Measure.Kind.REFORM
        regions = Region.objects.linked()
        counts = tally(Instrument.objects.published(), regions)
        # One article's measures at a time: the newest unless another is asked for.
        sources = Source.objects.published()
        source = sources.filter(slug=self.request.GET.get("source")).first() or sources.newest()
        measures = (
            Measure.objects.published()
            .filter(source=source, kind=kind)
            .defer("body")
            .in_article_order()
        )
        columns = [r for r in regions if r.level == Region.Level.PREFECTURE]
        columns.append(home_province(regions))
        measures = list(measures)
        return super().get_context_data(
            source=source,
            # Totals link to the rows' measures, so they count this article only.
            measure_query=urlencode([("measure", m.slug) for m in measures]),
            kind=kind,
            kinds=Measure.Kind.choices,
            matrix=matrix(measures, columns, counts),
            **kwargs,
        )


# Region pages ----------------------------------------------------------------------------------

# A prefecture may have thousands of entries over many articles; its page shows the first
# entries of its first measures and links to the list for the rest.
ENTRIES_PER_MEASURE = 20
MEASURES_SHOWN = 30


class RegionListView(TemplateView):
    template_name = "measures/region_list.html"

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
        province = home_province(regions)
        return super().get_context_data(
            map=map_of(counts, regions),
            prefectures=prefectures,
            province={"region": province, "entries": counts.region_total(province.code)},
            counts=counts,
            **kwargs,
        )


class RegionDetailView(DetailView):
    model = Region
    template_name = "measures/region_detail.html"
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
