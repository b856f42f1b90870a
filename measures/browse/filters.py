"""The one FilterSet behind the instruments list, its facet counts and every export."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from regions.models import Region

from ..models import Instrument, InstrumentType, Measure

# The search names up to this many matching measures by id; more go in a subquery.
MAX_LISTED_MEASURES = 500


#: The orders the list offers besides article order (its default): (field, `sort` value, label).
SORTS = (
    ("name", "name", _("Name")),
    ("region__code", "region", _("Region")),
    ("type__precedence", "type", _("Type")),
)


class InstrumentFilter(django_filters.FilterSet):
    """Filters take natural identifiers and repeat for several values.

    Several values of one filter are OR, different filters are AND. A region includes the units
    below it, except the province, which means entries attributed to the province itself.
    """

    # distinct=False throughout: every filter follows a foreign key forwards, so no row can
    # match twice, and SELECT DISTINCT over whole rows would make the database sort every
    # matching row for nothing.
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), field_name="measure__kind", choices=Measure.Kind.choices, distinct=False
    )
    measure = django_filters.ModelMultipleChoiceFilter(
        label=_("Measure"),
        field_name="measure__slug",
        to_field_name="slug",
        queryset=Measure.objects.published(),
        distinct=False,
    )
    region = django_filters.ModelMultipleChoiceFilter(
        label=_("Region"),
        to_field_name="code",
        queryset=Region.objects.all(),
        method="filter_region",
        distinct=False,
    )
    category = django_filters.MultipleChoiceFilter(
        label=_("Category"),
        field_name="type__category",
        choices=InstrumentType.Category.choices,
        distinct=False,
    )
    type = django_filters.ModelMultipleChoiceFilter(
        label=_("Type"),
        field_name="type__slug",
        to_field_name="slug",
        queryset=InstrumentType.objects.all(),
        distinct=False,
    )
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=200)
    sort = django_filters.OrderingFilter(
        label=_("Sort"),
        fields=[(field, value) for field, value, _label in SORTS],
        field_labels={field: label for field, _value, label in SORTS},
    )

    class Meta:
        model = Instrument
        fields = []

    #: The filters shown as facets, in the order the page lists them.
    FACETS = ("kind", "measure", "region", "category", "type")

    def filter_region(self, queryset, name, regions):
        if not regions:
            return queryset
        return queryset.for_region(*regions)

    def search(self, queryset, name, value):
        # Substring matching, so two-character words (西宁, 试点) match without word segmentation.
        value = value.strip()
        if not value:
            return queryset
        measures, regions = self._searched_measures_and_regions(value)
        # Every condition is on the entry's own columns, so that on PostgreSQL the database
        # can combine the trigram indexes on name and quote with the measure and region
        # indexes (a BitmapOr) instead of reading every row; a condition on the joined
        # measure's title would rule that out.
        condition = Q(name__icontains=value) | Q(quote__icontains=value)
        if len(measures) > MAX_LISTED_MEASURES:
            # A word in most titles (改革): a subquery, rather than a list too long for SQLite.
            condition |= Q(measure__in=Measure.objects.filter(title__icontains=value))
        elif measures:
            condition |= Q(measure__in=measures)
        if regions:
            condition |= Q(region__in=regions)
        return queryset.filter(condition)

    def _searched_measures_and_regions(self, value):
        """Ids of the measures whose title contains `value`, and of the regions named by it
        with every unit below them; two small queries, once per search however many facets
        apply the filter."""
        cache = self.__dict__.setdefault("_search_cache", {})
        if value not in cache:
            # A place's name finds what happened anywhere in it: 青海 finds every entry.
            named = Region.objects.filter(Q(name__icontains=value) | Q(short_name__icontains=value))
            cache[value] = (
                list(Measure.objects.filter(title__icontains=value).values_list("pk", flat=True)),
                list(named.with_units_below().values_list("pk", flat=True)),
            )
        return cache[value]

    def filter_queryset_except(self, queryset, excluded):
        """The queryset with every valid filter applied except `excluded` (and sorting)."""
        for name, value in self.form.cleaned_data.items():
            if name in (excluded, "sort"):
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    #: The field each facet counts by; the region facet's counts per unit are rolled up to the
    #: units above by `regions.models.roll_up`.
    FACET_FIELDS = {
        "kind": "measure__kind",
        "measure": "measure_id",
        "region": "region_id",
        "category": "type__category",
        "type": "type_id",
    }

    def facet_counts(self, name):
        """{value: count} for one facet, computed with all the other filters applied.

        One aggregate query per facet.
        """
        queryset = self.filter_queryset_except(self.queryset, name)
        return queryset.count_by(self.FACET_FIELDS[name])

    def counts_by(self, *fields):
        """{(value, …): count} of the rows every filter selects, grouped by `fields`.

        One aggregate query; the list reads several facets from it when their own filters are
        not given (they then count the same rows).
        """
        return self.filter_queryset_except(self.queryset, None).count_by(*fields)
