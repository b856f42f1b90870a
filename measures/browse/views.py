"""The public pages. Each picks its data (QuerySets, `pages`, `listing`) and names a template."""

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404, HttpResponseBadRequest, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, TemplateView

from regions.models import Region

from ..ingest.parsing.structure import content_paragraphs
from ..models import Instrument, Measure, Mention, Source
from . import crosstab, exports, pages
from .highlighting import highlight
from .listing import KNOWN_PARAMETERS, MentionListing, printable
from .parameters import NamesUnusedParameters


class HomeView(NamesUnusedParameters, TemplateView):
    template_name = "measures/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**pages.home(), **kwargs)


class MeasureDetailView(NamesUnusedParameters, DetailView):
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
        entries = list(self.object.mentions.published().for_list().in_article_order())
        return super().get_context_data(
            # One row per instrument, grouped by region for the tables; the paragraph highlights
            # every mention, in article order.
            entries_by_region=sorted(
                pages.by_instrument(entries)[0], key=lambda entry: entry.region.code
            ),
            pieces=highlight(self.object.body, self.object.start or 0, entries)
            if self.object.start is not None
            else [],
            **kwargs,
        )


class MentionListView(NamesUnusedParameters, TemplateView):
    """The filterable list; the same `MentionListing` feeds the exports."""

    template_name = "measures/instrument_list.html"
    parameters = KNOWN_PARAMETERS

    def get(self, request, *args, **kwargs):
        listing = MentionListing(request.GET, count_limit=settings.SEARCH_COUNT_LIMIT)
        page = listing.page(
            request.GET.get("page"),
            after=request.GET.get("after"),
            before=request.GET.get("before"),
        )
        context = self.get_context_data(listing=listing, page=page)
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


class MentionDetailView(NamesUnusedParameters, FollowReplacedVersions, DetailView):
    model = Mention
    queryset = Mention.objects.published().for_list().select_related("instrument")
    context_object_name = "entry"

    def successor(self):
        return Mention.objects.published().successor_of(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        entry = self.object
        quote_entries = [entry] if entry.quote else []
        return super().get_context_data(
            quote_pieces=highlight(entry.quote, entry.start, quote_entries)
            if entry.start is not None
            else [],
            previous_entry=Mention.objects.published().preceding(entry),
            next_entry=Mention.objects.published().following(entry),
            **kwargs,
        )


class InstrumentDetailView(NamesUnusedParameters, DetailView):
    """An instrument and its timeline: every public mention, oldest first.

    An id that names no public instrument but a mention (the ids of the list's rows before
    instruments had their own) or an instrument merged into another answers with a permanent
    redirect there."""

    queryset = Instrument.objects.published().select_related("type", "region")

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            target = Instrument.objects.redirect_target(self.kwargs["pk"])
            if target is None:
                raise
            return redirect(target, permanent=True)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**pages.instrument_page(self.object), **kwargs)


class SourceDetailView(NamesUnusedParameters, FollowReplacedVersions, DetailView):
    queryset = Source.objects.published()

    def successor(self):
        source = Source.objects.filter(slug=self.kwargs["slug"]).defer("text").first()
        return source and source.published_successor()

    def get_context_data(self, **kwargs):
        source = self.object
        entries = Mention.objects.published().filter(measure__source=source).for_list()
        measures = {m.start: m for m in source.measures.published() if m.start is not None}
        return super().get_context_data(
            paragraphs=source_paragraphs(source.text, list(entries), measures), **kwargs
        )


def source_paragraphs(text, entries, measures_by_start):
    """The article's paragraphs as (measure or None, pieces), measures anchored at their start.

    Only the article's own paragraphs: the title (the page's heading) and page chrome (发布时间:
    … 【打印】, 关怀版, 来源丨…) are left out, as the parser leaves them out
    (`content_paragraphs`). Each paragraph keeps its offsets in the text, which the highlighted
    entries point into.
    """
    paragraphs = []
    for start, end in content_paragraphs(text):
        measure = next(
            (m for offset, m in measures_by_start.items() if start <= offset < end), None
        )
        paragraphs.append((measure, highlight(text[start:end], start, entries)))
    return paragraphs


class CrossTabView(NamesUnusedParameters, TemplateView):
    """Prefectures × types (or categories), narrowed by the list's other filters."""

    template_name = "measures/crosstab.html"
    parameters = crosstab.PARAMETERS

    def get(self, request, *args, **kwargs):
        table = crosstab.CrossTab(request.GET)
        context = self.get_context_data(
            crosstab=table, table=None if table.errors else table.table()
        )
        return self.render_to_response(context, status=400 if table.errors else 200)


@require_safe
def crosstab_csv(request):
    """The cross-tab as CSV (UTF-8 with a byte-order mark): a row per region, a column per type
    or category, and the totals; Chinese headings with `header=zh`."""
    table = crosstab.CrossTab(request.GET)
    header = request.GET.get("header", "en")
    if table.errors or header not in ("en", "zh"):
        errors = table.errors or [_("The parameter “header” takes en or zh.")]
        return HttpResponseBadRequest(
            "\n".join(str(e) for e in errors) + "\n", content_type="text/plain; charset=utf-8"
        )
    with translation.override("zh-hans" if header == "zh" else translation.get_language()):
        names, headings, rows = table.csv_rows()
    lines = exports.csv_lines(rows, names, headings if header == "zh" else names)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="qhreform-prefectures-by-{table.by}.csv"'
    )
    return response


class MatrixView(NamesUnusedParameters, TemplateView):
    """Measures × prefectures (plus the province level), each cell linking to its entries."""

    template_name = "measures/matrix.html"
    #: Besides its own, the list's filters that neither its rows nor its columns are.
    LIST_FILTERS = ("category", "type", "q")
    parameters = frozenset(["source", "kind", *LIST_FILTERS])

    def get_context_data(self, **kwargs):
        kinds = _(" or ").join(Measure.Kind.values)
        kind = self.one_value("kind", kinds)
        slug = self.one_value("source", _("an article's slug"))
        query = QueryDict(mutable=True)
        for name in self.LIST_FILTERS:
            values = [v for v in self.request.GET.getlist(name) if v.strip()]
            if values:
                query.setlist(name, values)
        listing = MentionListing(query)
        if listing.errors:
            # Counted without them, and said so, rather than an empty matrix.
            self.notices += [*listing.errors, _("The matrix counts every instrument instead.")]
            page = pages.matrix_page(source_slug=slug, kind=kind)
        else:
            page = pages.matrix_page(
                source_slug=slug,
                kind=kind,
                mentions=listing.mentions,
                filters=[(name, value) for name in query for value in query.getlist(name)],
            )
            page["active_filters"] = listing.active_filters
        shown = {
            Measure.Kind.REFORM: _("the reform measures"),
            Measure.Kind.DIRECTION: _("the next-step directions"),
        }
        if kind is not None and kind != page["kind"]:
            self.notices.append(
                _(
                    "The parameter “kind” takes %(kinds)s, not “%(kind)s”: the matrix shows %(shown)s."
                )
                % {"kinds": kinds, "kind": printable(kind), "shown": shown[page["kind"]]}
            )
        if slug is not None and getattr(page["source"], "slug", None) != slug:
            self.notices.append(
                _(
                    "There is no published article “%(slug)s” (parameter “source”): the matrix "
                    "shows the newest article."
                )
                % {"slug": printable(slug)}
            )
        return super().get_context_data(**page, **kwargs)


# Region pages ----------------------------------------------------------------------------------


class RegionListView(NamesUnusedParameters, TemplateView):
    template_name = "measures/region_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**pages.region_list(), **kwargs)


class RegionDetailView(NamesUnusedParameters, DetailView):
    model = Region
    template_name = "measures/region_detail.html"
    slug_field = slug_url_kwarg = "code"
    queryset = Region.objects.select_related("parent")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**pages.region_page(self.object), **kwargs)
