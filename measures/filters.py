"""The one FilterSet behind the instruments list, its facet counts and every export."""

from collections import Counter

import django_filters
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from regions.models import Region

from .models import Instrument, InstrumentType, Measure


class InstrumentFilter(django_filters.FilterSet):
    """Filters take natural identifiers and repeat for several values.

    Several values of one filter are OR, different filters are AND. A region includes the units
    below it, except the province, which means entries attributed to the province itself.
    """

    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), field_name="measure__kind", choices=Measure.Kind.choices
    )
    measure = django_filters.ModelMultipleChoiceFilter(
        label=_("Measure"),
        field_name="measure__slug",
        to_field_name="slug",
        queryset=Measure.objects.published(),
    )
    region = django_filters.ModelMultipleChoiceFilter(
        label=_("Region"),
        to_field_name="code",
        queryset=Region.objects.all(),
        method="filter_region",
    )
    category = django_filters.MultipleChoiceFilter(
        label=_("Category"),
        field_name="type__category",
        choices=InstrumentType.Category.choices,
    )
    type = django_filters.ModelMultipleChoiceFilter(
        label=_("Type"),
        field_name="type__slug",
        to_field_name="slug",
        queryset=InstrumentType.objects.all(),
    )
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=200)
    sort = django_filters.OrderingFilter(
        label=_("Sort"),
        fields=(("name", "name"), ("region__code", "region"), ("type__precedence", "type")),
        field_labels={
            "name": _("Name"),
            "region__code": _("Region"),
            "type__precedence": _("Type"),
        },
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
        named = Region.objects.filter(Q(name__icontains=value) | Q(short_name__icontains=value))
        regions = Region.objects.filter(
            Q(pk__in=named) | Q(parent__in=named) | Q(parent__parent__in=named)
        )
        return queryset.filter(
            Q(name__icontains=value)
            | Q(quote__icontains=value)
            | Q(measure__title__icontains=value)
            | Q(region__in=regions)
        )

    def filter_queryset_except(self, queryset, excluded):
        """The queryset with every valid filter applied except `excluded` (and sorting)."""
        for name, value in self.form.cleaned_data.items():
            if name in (excluded, "sort"):
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def facet_counts(self, name):
        """{value: count} for one facet, computed with all the other filters applied.

        One aggregate query per facet.
        """
        queryset = self.filter_queryset_except(self.queryset, name).order_by()
        if name == "region":
            per_region = dict(
                queryset.values_list("region_id")
                .annotate(n=Count("id"))
                .values_list("region_id", "n")
            )
            return per_region  # rolled up to prefectures by `roll_up_regions`
        field = {
            "kind": "measure__kind",
            "measure": "measure_id",
            "category": "type__category",
            "type": "type_id",
        }[name]
        return dict(queryset.values_list(field).annotate(n=Count("id")).values_list(field, "n"))

    def active_values(self, name):
        """The raw values given for a filter (as in the query string)."""
        return self.data.getlist(name) if hasattr(self.data, "getlist") else []


def roll_up_regions(per_region, regions):
    """Counts per region code, each unit counting the entries of the units below it.

    The province counts only its own entries, as the region filter does. `regions` must have
    their parents loaded (`Region.objects.with_ancestors()`).
    """
    totals = Counter()
    for region in regions:
        count = per_region.get(region.pk, 0)
        if not count:
            continue
        totals[region.code] += count
        if region.is_province:
            continue
        node = region.parent
        while node is not None and not node.is_province:
            totals[node.code] += count
            node = node.parent
    return totals
