from django.utils.http import urlencode
from django.views.generic import DetailView, TemplateView

from regions.models import Region

from .highlighting import highlight
from .listing import InstrumentListing
from .models import Instrument, InstrumentType, Measure, Source
from .stats import map_of, matrix, measure_rows, tally, type_charts


class HomeView(TemplateView):
    template_name = "measures/home.html"

    def get_context_data(self, **kwargs):
        regions = Region.objects.linked()
        counts = tally(Instrument.objects.published(), regions)
        # The measures of the newest article; the others are a click away on their own pages.
        source = Source.objects.published().newest()
        measures = Measure.objects.filter(source=source).defer("body").in_article_order()
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
        .prefetch_related("continues", "continued_by")
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


class InstrumentDetailView(DetailView):
    model = Instrument
    queryset = Instrument.objects.published().for_list()
    context_object_name = "entry"

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


class SourceDetailView(DetailView):
    queryset = Source.objects.published()

    def get_context_data(self, **kwargs):
        source = self.object
        entries = Instrument.objects.published().filter(measure__source=source).for_list()
        measures = {m.start: m for m in source.measures.all() if m.start is not None}
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
        measures = Measure.objects.filter(source=source, kind=kind).defer("body").in_article_order()
        columns = [r for r in regions if r.level == Region.Level.PREFECTURE] + [
            r for r in regions if r.is_province
        ]
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
