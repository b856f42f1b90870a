"""The one FilterSet behind the instruments list, its facet counts and every export."""

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from regions.models import Region

from ..models import InstrumentType, Measure, Mention
from ..search_index import MayHold
from .counts import instruments_per_region
from .search import MAX_WORDS, read_words, split_words

# The search names up to this many matching measures by id; more go in a subquery.
MAX_LISTED_MEASURES = 500


def few_enough_words(value):
    if len(split_words(value)) > MAX_WORDS:
        raise ValidationError(
            _("Search for at most %(max)s words at a time."), params={"max": MAX_WORDS}
        )


#: The orders the list offers besides article order (its default): (field, `sort` value, label).
SORTS = (
    ("name", "name", _("Name")),
    ("region__code", "region", _("Region")),
    ("type__precedence", "type", _("Type")),
)


def in_text(word, fields, others=None):
    """`word` as a substring of any of `fields` (the entry's name, its sentence), or any of
    `others` (conditions on the entry's own columns: ids of measures, regions, types).

    The search index (`search_index.MayHold`, which covers name and sentence) narrows the rows
    first, so that a word of any length, 西宁 as much as 冰川冻土, need not read every row. The
    condition is written as (index or others) and (substring or others), the same rows as
    (substring and index) or others: the first half is what the indexes answer (combined with
    the id indexes in a BitmapOr) and the database need not compute a row's grams to test it;
    the second half is a cheap filter on the rows they give."""
    others = others or Q()
    substring = Q()
    for field in fields:
        substring |= Q(**{f"{field}__icontains": word})
    return (MayHold(word) | others) & (substring | others)


class MentionFilter(django_filters.FilterSet):
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
    q = django_filters.CharFilter(
        label=_("Search"), method="search", max_length=200, validators=[few_enough_words]
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort"),
        fields=[(field, value) for field, value, _label in SORTS],
        field_labels={field: label for field, _value, label in SORTS},
    )

    class Meta:
        model = Mention
        fields = []

    #: The filters shown as facets, in the order the page lists them.
    FACETS = ("kind", "measure", "region", "category", "type")

    def filter_region(self, queryset, name, regions):
        if not regions:
            return queryset
        return queryset.for_region(*regions)

    def search(self, queryset, name, value):
        """Every word must match (AND). A word that names a region finds that region's entries
        and its units' (the region rule's `with_units_below`: 青海 finds every entry); one that
        names a type or category finds its entries; either also finds names holding the word.
        Any other word is a substring of the name, the sentence or the measure's title, so
        two-character words (西宁, 试点) match without word segmentation (`search.read_words`).
        """
        for word in self.words_of(value):
            queryset = queryset.filter(self._word_condition(word))
        return queryset

    def words_of(self, value):
        """The words of a search with what each names, read once per FilterSet however many
        facets apply the filter (two small queries)."""
        value = (value or "").strip()
        cache = self.__dict__.setdefault("_search_cache", {})
        if value not in cache:
            cache[value] = read_words(value)
        return cache[value]

    @property
    def search_words(self):
        """The words of the search given, as `words_of` reads them (none when input is bad)."""
        return self.words_of(self.form.cleaned_data.get("q")) if self.is_valid() else []

    def _word_condition(self, word):
        # Conditions on the entry's own columns where possible, so that the database can
        # combine the search index with the measure and region indexes (on PostgreSQL a
        # BitmapOr) instead of reading every row; a condition on the joined measure's title
        # would rule that out.
        if word.is_text:
            measures = self._measures_titled(word.text)
            if len(measures) > MAX_LISTED_MEASURES:
                # A word in most titles (改革), so in most rows: the database reads every row,
                # and the index would only add work; a subquery, rather than a list too long
                # for SQLite.
                titled = Measure.objects.filter(title__icontains=word.text)
                return (
                    Q(name__icontains=word.text)
                    | Q(quote__icontains=word.text)
                    | Q(measure__in=titled)
                )
            return in_text(
                word.text, ("name", "quote"), Q(measure__in=measures) if measures else None
            )
        others = Q()
        if word.regions:
            others |= Q(region__in=sorted(word.units))
        if word.types:
            others |= Q(type__in=[t.pk for t in word.types])
        if word.categories:
            others |= Q(type__in=word.category_types)
        return in_text(word.text, ("name",), others)

    def _measures_titled(self, text):
        """Ids of the measures whose title contains `text` (one query per word and FilterSet)."""
        cache = self.__dict__.setdefault("_measure_cache", {})
        if text not in cache:
            cache[text] = list(
                Measure.objects.filter(title__icontains=text).values_list("pk", flat=True)
            )
        return cache[text]

    def filter_queryset_except(self, queryset, excluded):
        """The queryset with every valid filter applied except `excluded` (and sorting)."""
        for name, value in self.form.cleaned_data.items():
            if name in (excluded, "sort"):
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    #: The field each facet counts by. The region facet counts each region with the units below
    #: it (`counts.instruments_per_region`) rather than by one field.
    FACET_FIELDS = {
        "kind": "measure__kind",
        "measure": "measure_id",
        "category": "type__category",
        "type": "type_id",
    }

    def facet_counts(self, name, regions=None):
        """{value: distinct instruments} for one facet, with all the other filters applied:
        for the region facet {code: n} (`regions` is `Region.objects.linked()`), otherwise
        keyed by the facet's field. One aggregate query (three for regions)."""
        queryset = self.filter_queryset_except(self.queryset, name)
        if name == "region":
            return instruments_per_region(queryset, regions)
        return queryset.count_instruments_by(self.FACET_FIELDS[name])
