"""The read API: a list and a detail endpoint for each kind of published thing.

Each view picks a QuerySet of published rows with everything its serializer reads, so a page
costs the same few queries however many rows it holds or the database has.
"""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets

from measures.browse.parameters import given
from measures.identity import stage_of
from measures.models import Instrument, InstrumentType, Measure, Mention, Source, StageRule
from regions.models import CODE_PATTERN, Region

from . import serializers
from .reading import (
    FILTER_NAMES,
    ConditionalAnswers,
    ListFilters,
    StableCursorPagination,
    refuse_unknown_parameters,
)

SLUG_PATTERN = r"[-a-zA-Z0-9_]+"
PAGING_PARAMETERS = ("cursor", "page_size")


class ReadOnlyViewSet(ConditionalAnswers, viewsets.ReadOnlyModelViewSet):
    """GET, HEAD and OPTIONS; every other method answers 405."""

    pagination_class = StableCursorPagination
    filter_backends = []
    #: Whether a filtered page's keys are sorted (`id + 0`) rather than read in the order of
    #: an index (`StableCursorPagination.paginate_queryset`); for a list keyed by id.
    sort_filtered_keys = False

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            known = set()
            if self.action == "list":
                known.update(PAGING_PARAMETERS)
                if self.filter_backends:
                    known.update(FILTER_NAMES)
            refuse_unknown_parameters(request, known)

    def filtered(self, request):
        """Whether the request gives any of the list's filters."""
        return bool(self.filter_backends) and any(
            given(request.query_params, name) for name in FILTER_NAMES
        )


def _filter(name, description, *, many=True, example=None, enum=None):
    return OpenApiParameter(
        name,
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        description=description,
        many=many,
        explode=True if many else None,
        style="form" if many else None,
        examples=[OpenApiExample(example, value=example)] if example else None,
        enum=enum,
    )


#: How the schema describes the list's filters (their definitions are `MentionFilter`'s).
FILTER_PARAMETERS = [
    _filter(
        "kind",
        "Measure kind: reform (measures carried out) or direction (next steps).",
        enum=Measure.Kind.values,
    ),
    _filter("measure", "Measure slug, e.g. reform-6 or direction-2.", example="reform-6"),
    _filter(
        "region",
        "Region code (GB/T 2260), e.g. 632800 for Haixi: a prefecture, county or town includes "
        "the units below it; the province 630000 means what is attributed to the province itself.",
        example="632800",
    ),
    _filter("category", "Instrument category.", enum=InstrumentType.Category.values),
    _filter("type", "Instrument type slug, e.g. regulation, rule, pilot.", example="regulation"),
    _filter(
        "q",
        "Search, at most 8 words, every word must match: region, type and category names are "
        "understood; other words are substrings of names, sentences and measure titles.",
        many=False,
        example="西宁 条例",
    ),
]

FILTERS_DOC = (
    "Takes exactly the filters of the list page /instruments/, repeatable, natural identifiers: "
    "several values of one filter are OR, different filters AND. A region includes the units "
    "below it (the province 630000 means what is attributed to the province itself); `q` "
    "searches as the list's search box does."
)


@extend_schema_view(
    list=extend_schema(
        summary="Published mentions (the list's entries)",
        parameters=FILTER_PARAMETERS,
        description="The entries of the list page, filtered as it filters them, in id order. "
        + FILTERS_DOC,
    ),
    retrieve=extend_schema(summary="One published mention"),
)
class MentionViewSet(ReadOnlyViewSet):
    serializer_class = serializers.MentionSerializer
    queryset = Mention.objects.published().for_list().select_related("instrument")
    filter_backends = [ListFilters]
    ordering = "id"
    # Read in id order, PostgreSQL would walk every entry to find a county's few.
    sort_filtered_keys = True
    lookup_value_regex = "[0-9]+"


@extend_schema_view(
    list=extend_schema(
        summary="Published instruments",
        parameters=FILTER_PARAMETERS,
        description="The instruments having at least one published mention that the filters "
        "select, in id order. " + FILTERS_DOC,
    ),
    retrieve=extend_schema(summary="One published instrument with its mentions"),
)
class InstrumentViewSet(ReadOnlyViewSet):
    serializer_class = serializers.InstrumentSerializer
    queryset = (
        Instrument.objects.published()
        .select_related("type", "region")
        .prefetch_related(
            "aliases",
            Prefetch(
                "mentions",
                queryset=Mention.objects.published()
                .in_article_order()
                .only("id", "instrument_id", "action", "name"),
                to_attr="public_mentions",
            ),
        )
    )
    filter_backends = [ListFilters]
    ordering = "id"
    lookup_value_regex = "[0-9]+"
    # Left to the database: from the filter's `id IN (…)` (`InstrumentQuerySet.named_in`) it
    # joins a few matching mentions' instruments and sorts them, and reads many in id order;
    # sorted, every one of many would be read first.
    sort_filtered_keys = False

    def paginate_queryset(self, queryset):
        return with_stages(super().paginate_queryset(queryset))

    def get_object(self):
        return with_stages([super().get_object()])[0]


def with_stages(instruments):
    """The instruments, each with `mention_stages`: the stage its public mentions' verbs show,
    in timeline order (what `Instrument.current_stage` reads). One query for the rules."""
    rules = StageRule.objects.as_rules()
    for instrument in instruments:
        instrument.mention_stages = [
            stage_of(mention.action, mention.name, rules) for mention in instrument.public_mentions
        ]
    return instruments


@extend_schema_view(
    list=extend_schema(summary="Published measures and directions"),
    retrieve=extend_schema(summary="One measure"),
)
class MeasureViewSet(ReadOnlyViewSet):
    serializer_class = serializers.MeasureSerializer
    queryset = (
        Measure.objects.published()
        .select_related("source")
        .defer("source__text")
        .prefetch_related(Prefetch("continues", queryset=Measure.objects.published()))
    )
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    ordering = "slug"


@extend_schema_view(
    list=extend_schema(summary="Regions (the gazetteer)"),
    retrieve=extend_schema(summary="One region"),
)
class RegionViewSet(ReadOnlyViewSet):
    serializer_class = serializers.RegionSerializer
    queryset = Region.objects.select_related("parent")
    lookup_field = "code"
    lookup_value_regex = CODE_PATTERN
    ordering = "code"


@extend_schema_view(
    list=extend_schema(summary="Instrument types"),
    retrieve=extend_schema(summary="One instrument type"),
)
class InstrumentTypeViewSet(ReadOnlyViewSet):
    serializer_class = serializers.InstrumentTypeSerializer
    queryset = InstrumentType.objects.all()
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    ordering = "slug"


@extend_schema_view(
    list=extend_schema(summary="Published articles (sources)"),
    retrieve=extend_schema(summary="One article, with its text"),
)
class SourceViewSet(ReadOnlyViewSet):
    queryset = Source.objects.published()
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    ordering = "slug"

    def get_queryset(self):
        # The list leaves each article's text in the database; the detail gives it.
        queryset = super().get_queryset()
        return queryset.defer("text") if self.action == "list" else queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.SourceDetailSerializer
        return serializers.SourceSerializer
