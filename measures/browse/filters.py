"""The one FilterSet behind the instruments list, its facet counts and every export."""

from functools import cached_property
from typing import NamedTuple

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.functions import Cast, Concat, LPad
from django.utils.translation import gettext_lazy as _

from regions.models import Region

from .. import summary
from ..models import ALL_KINDS, ARTICLE_ORDER, Instrument, InstrumentType, Measure, Mention
from ..search_index import InstrumentNameMayHold, MayHold, NameMayHold
from .counts import instruments_per_region
from .search import MAX_WORDS, read_words, split_words
from .searched import SearchedCounts

# The search names up to this many matching measures by id; more go in a subquery.
MAX_LISTED_MEASURES = 500

# A search's matches are read in at most this many parts (`MentionFilter.searched_parts`).
MAX_SEARCH_PARTS = 8


def few_enough_words(value):
    if len(split_words(value)) > MAX_WORDS:
        raise ValidationError(
            _("Search for at most %(max)s words at a time."), params={"max": MAX_WORDS}
        )


class Sort(NamedTuple):
    """An order the list offers: `sort=value` (descending: `sort=-value`)."""

    value: str
    label: str
    descending_label: str
    #: What it orders a row (a mention) by, most significant first: what the row shows.
    columns: tuple


#: The orders a reader picks (`sort`). Rows that sort equal (two instruments of one name, the
#: rows of one region) follow in article order, which ends with the id, so every page and
#: every export holds them in one order.
SORTS = (
    # The name a row shows is its instrument's, in pinyin order (不, 企, 全, 信); instruments
    # whose names spell alike in pinyin come by name.
    Sort(
        "name",
        _("Name"),
        _("Name, descending"),
        ("instrument__name_pinyin", "instrument__name"),
    ),
    Sort(
        "region",
        _("Region"),
        _("Region, descending"),
        ("region__short_name_pinyin", "region__code"),
    ),
    # Types in the typology's order (regulations first), not by the letters of their names.
    Sort("type", _("Type"), _("Type, descending"), ("type__precedence", "type__slug")),
)

#: `sort=article`: the order the articles state them (the default when not searching).
ARTICLE_SORT = "article"


class ListOrder(django_filters.OrderingFilter):
    """`sort`: article order, or one of `SORTS` ascending or (with `-`) descending; several,
    comma-separated, sort by the first, then the next. The orders are made in the database, so
    a page and an export are cut from one ordered list."""

    def __init__(self, *args, **kwargs):
        choices = [(ARTICLE_SORT, _("Article order"))]
        for sort in SORTS:
            choices += [(sort.value, sort.label), (f"-{sort.value}", sort.descending_label)]
        super().__init__(*args, choices=choices, **kwargs)

    def filter(self, qs, value):
        return qs.order_by(*self.ordering(value)) if value else qs

    @staticmethod
    def ordering(values):
        """The ORDER BY of `sort` values (valid ones, as the form cleans them)."""
        by_value = {sort.value: sort for sort in SORTS}
        columns = []
        for value in values:
            descending = value.startswith("-")
            sort = by_value.get(value.removeprefix("-"))
            for column in sort.columns if sort else ():
                columns.append(F(column).desc() if descending else F(column).asc())
        return (*columns, *ARTICLE_ORDER)


def sort_labels():
    """{`sort` value: its label}, for every order the list offers."""
    return dict(MentionFilter.base_filters["sort"].extra["choices"])


def in_text(word, fields, others=None, *, indexed=True):
    """`word` as a substring of any of `fields` (the entry's name, its sentence), or any of
    `others` (conditions on the entry's own columns: ids of measures, regions, types).

    The search index (`search_index.MayHold`, which covers name and sentence) narrows the rows
    first, so that a word of any length, 西宁 as much as 冰川冻土, need not read every row. The
    condition is written as (index or others) and (substring or others), the same rows as
    (substring and index) or others: the first half is what the indexes answer (combined with
    the id indexes in a BitmapOr) and the database need not compute a row's grams to test it;
    the second half is a cheap filter on the rows they give."""
    others = others or Q()
    # A word looked for in names only asks the index of names, which does not give every
    # entry whose sentence holds the word.
    may_hold = NameMayHold(word) if tuple(fields) == ("name",) else MayHold(word)
    substring = Q()
    for field in fields:
        substring |= Q(**{f"{field}__icontains": word})
    if not indexed:
        # The same rows, for a row the database has found already (`MentionFilter.row_tests`):
        # there the index condition is a costly function of the whole sentence.
        return substring | others
    return (may_hold | others) & (substring | others)


#: How the key of the search order (`MentionFilter.relevance_order`) starts for a row whose
#: instrument's name holds none of the words: the relevance digit of 0 words.
NAMED_BY_NONE = str(MAX_WORDS)

#: A searched list in relevance order whose words name at most this many instruments reads
#: its page in two bands (`bands.RelevanceBands`); one naming more places its rows from the
#: matches its counts read (`bands.MatchedOrder`).
MAX_NAMED = 500


def name_holds(word):
    """The instruments whose names hold `word` (a `search.Word`), found through the index of
    their names: the names `MentionFilter.relevance` counts the word in."""
    return InstrumentNameMayHold(word.text) & Q(name__icontains=word.text)


def relevance_key(held, article_order):
    """The key `MentionFilter.relevance_order` gives a row whose instrument's name holds
    `held` of the words, at `article_order`: the same text, made in Python."""
    return str(MAX_WORDS - held).rjust(len(str(MAX_WORDS)), "0") + article_order


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
    # By the type's id (no join), so the database can estimate how many rows it selects.
    type = django_filters.ModelMultipleChoiceFilter(
        label=_("Type"),
        to_field_name="slug",
        queryset=InstrumentType.objects.all(),
        method="filter_type",
        distinct=False,
    )
    q = django_filters.CharFilter(
        label=_("Search"), method="search", max_length=200, validators=[few_enough_words]
    )
    sort = ListOrder(label=_("Sort"))

    class Meta:
        model = Mention
        fields = []

    #: The filters shown as facets, in the order the page lists them.
    FACETS = ("kind", "measure", "region", "category", "type")

    #: Whether the search's conditions name the search index (`in_text`); see `row_tests`.
    search_indexed = True
    #: A search's counts are made from at most this many mentions (`searched.SearchedCounts`);
    #: None counts every one, as the exports do.
    count_limit = None

    @cached_property
    def row_tests(self):
        """The same filters as conditions to test on rows found otherwise (an instrument's
        earlier mentions, in `MentionQuerySet.leading`): the search without its index
        condition, which the database would compute on every such row. The form, the words,
        measures and regions already read are not read again."""
        tests = type(self)(self.data, queryset=self.queryset)
        tests.search_indexed = False
        # The form this FilterSet cleaned: cleaning it again would read the chosen regions,
        # types and measures again.
        tests._form = self.form
        for cache in ("_search_cache", "_measure_cache", "_region_ids"):
            if cache in self.__dict__:
                tests.__dict__[cache] = self.__dict__[cache]
        return tests.qs

    def filter_type(self, queryset, name, types):
        if not types:
            return queryset
        return queryset.filter(type__in=[t.pk for t in types])

    def filter_region(self, queryset, name, regions):
        if not regions:
            return queryset
        return queryset.filter(region__in=self.region_ids(regions))

    def region_ids(self, regions):
        """Ids of the units `regions` count (`MentionQuerySet.for_region`), read once per
        FilterSet however many facets apply the filter."""
        key = tuple(sorted(region.pk for region in regions))
        cache = self.__dict__.setdefault("_region_ids", {})
        if key not in cache:
            cache[key] = Region.objects.counted_ids(*regions)
        return cache[key]

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
        parts = self._word_parts(word)
        if parts is None:
            # A word in most titles (改革), so in most rows: the database reads every row, and
            # the index would only add work; a subquery, rather than a list too long for
            # SQLite.
            titled = Measure.objects.filter(title__icontains=word.text)
            return (
                Q(name__icontains=word.text) | Q(quote__icontains=word.text) | Q(measure__in=titled)
            )
        fields, others = parts
        return in_text(word.text, fields, others, indexed=self.search_indexed)

    def _word_parts(self, word):
        """(fields, others) for `word`: the entry's texts it is looked for in, and the
        conditions on the entry's own columns that find it too (None when none do): ids of
        the regions or types it names, or of the measures whose titles hold it. None for a
        word in too many measures' titles to list.

        Conditions on the entry's own columns where possible, so that the database can combine
        the search index with the measure and region indexes (on PostgreSQL a BitmapOr)
        instead of reading every row; a condition on the joined measure's title would rule
        that out."""
        if word.is_text:
            measures = self._measures_titled(word.text)
            if len(measures) > MAX_LISTED_MEASURES:
                return None
            return ("name", "quote"), (Q(measure__in=measures) if measures else None)
        others = Q()
        if word.regions:
            others |= Q(region__in=sorted(word.units))
        if word.types:
            others |= Q(type__in=[t.pk for t in word.types])
        if word.categories:
            others |= Q(type__in=word.category_types)
        return ("name",), others

    def searched_parts(self, queryset, value):
        """The mentions of `queryset` the search `value` matches, as querysets of rows no two
        share: together, `search(queryset, "q", value)`.

        A word that also finds entries by their own columns (a region or type it names,
        measures whose titles hold it) splits each part in two: the entries those columns
        select, and the others, which hold the word in their text. As one condition, (text
        or columns), the database reads every row either finds; apart, a part of columns
        alone is answered by their index (on PostgreSQL `mention_public_idx` holds every
        column a count reads, and no row is read), and one of text by the search index,
        combined with the other parts' indexes. Up to `MAX_SEARCH_PARTS` parts; the words
        after that are conditions on every part."""
        parts = [queryset]
        for word in self.words_of(value):
            word_parts = self._word_parts(word)
            if word_parts is None or word_parts[1] is None or len(parts) >= MAX_SEARCH_PARTS:
                parts = [part.filter(self._word_condition(word)) for part in parts]
                continue
            fields, others = word_parts
            in_words = in_text(word.text, fields, indexed=self.search_indexed)
            parts = [
                split
                for part in parts
                for split in (part.filter(others), part.filter(in_words).exclude(others))
            ]
        return parts

    def relevance(self, words):
        """How well a row matches the search `words` (from `words_of`), for the list's order
        when searching: how many of the words its instrument's name holds, the name the row
        shows and marks them in. An instrument named by the words comes before one found only
        by its sentence, its measure's title, its region or its type."""
        held = [
            Case(When(instrument__name__icontains=word.text, then=Value(1)), default=Value(0))
            for word in words
        ]
        return sum(held[1:], held[0]) if held else Value(0)

    def relevance_order(self, words):
        """The list's order when searching, as one text key to sort ascending: relevance
        (descending, as digits counting down from `MAX_WORDS`) then article order (fixed-width
        digits). One key rather than two columns, so that the condition of a page after a row
        (`keyset`) is one comparison the database cannot split: from two it derived a bound on
        relevance alone and walked every instrument in relevance order."""
        width = len(str(MAX_WORDS))
        inverted = Cast(Value(MAX_WORDS) - self.relevance(words), CharField())
        return Concat(LPad(inverted, width, Value("0")), "article_order", output_field=CharField())

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

    def facet_counts(self, name, regions=None, measure_ids=None):
        """{value: distinct instruments} for one facet, with all the other filters applied:
        for the region facet {code: n} (`regions` is `Region.objects.linked()`), otherwise
        keyed by the facet's field; the measure facet counts only `measure_ids` when given.

        From the summary (two small queries) when it can say (`summary_selection`); under a
        search, from the mentions it matches, read once for every facet (`searched_counts`);
        else one aggregate query over the matching mentions (three for regions)."""
        selection = self.summary_selection(excluded=name)
        if selection is not None and name != "measure":
            return self._summarised_facet(name, selection, regions)
        if self.searched_counts is not None:
            return self.searched_counts.facet(name, regions, measure_ids)
        queryset = self.filter_queryset_except(self.queryset, name)
        if name == "measure" and measure_ids is not None:
            queryset = queryset.filter(measure__in=measure_ids)
        if name == "region":
            return instruments_per_region(queryset, regions)
        return queryset.count_instruments_by(self.FACET_FIELDS[name])

    @cached_property
    def searched_counts(self):
        """The counts of a search made from one read of the mentions it matches
        (`searched.SearchedCounts`), or None without a search. In relevance order, when the
        words name more than `MAX_NAMED` instruments, the read also gives each match's place
        in that order (`bands.MatchedOrder`). Counts made from more than `count_limit`
        mentions are None."""
        if not (self.is_valid() and self.form.cleaned_data.get("q")):
            return None
        return SearchedCounts(self, with_order=self.ranks_from_matches, limit=self.count_limit)

    @cached_property
    def named_instruments(self):
        """Ids of the instruments whose names hold any of the search's words, from the index of
        their names: at most `MAX_NAMED` + 1, enough to know how to read the page (one query,
        none without a search)."""
        words = self.search_words
        if not words:
            return []
        condition = Q()
        for word in words:
            condition |= name_holds(word)
        named = Instrument.objects.filter(condition).order_by().values_list("pk", flat=True)
        return list(named[: MAX_NAMED + 1])

    @property
    def ranks_from_matches(self):
        """Whether the list, in relevance order, is placed from the search's matches: its
        words name too many instruments for the bands."""
        return (
            bool(self.search_words)
            and not self.form.cleaned_data.get("sort")
            and len(self.named_instruments) > MAX_NAMED
        )

    def instruments_named_by(self):
        """[{ids of the instruments whose names hold the word}] for each word of the search,
        in its order (one query per word), as `relevance` tests names."""
        return [
            set(Instrument.objects.filter(name_holds(word)).values_list("pk", flat=True))
            for word in self.search_words
        ]

    def summary_selection(self, excluded=None):
        """The cells of the summary (measures/summary.py) that hold exactly the public mentions
        the filters but `excluded` select: {"scopes", "region_ids", "type_ids"}; None when the
        summary cannot say (a search, chosen measures, a queryset narrower than the public's)."""
        if self.queryset.query.where != Mention.objects.published().query.where:
            return None
        chosen = {
            name: value
            for name, value in self.form.cleaned_data.items()
            if name not in (excluded, "sort") and value
        }
        if "q" in chosen or "measure" in chosen:
            return None
        kinds = set(chosen.get("kind", ()))
        selection = {
            # Both kinds are every measure.
            "scopes": list(kinds) if len(kinds) == 1 else [ALL_KINDS],
            "region_ids": None,
            "type_ids": None,
        }
        if "region" in chosen:
            selection["region_ids"] = self.region_ids(chosen["region"])
        if "type" in chosen or "category" in chosen:
            types = {t.pk for t in chosen.get("type", ())}
            categories = set(chosen.get("category", ()))
            selection["type_ids"] = [
                pk
                for pk, category in self._type_categories.items()
                if (not types or pk in types) and (not categories or category in categories)
            ]
        return selection

    @cached_property
    def instrument_types(self):
        """Every instrument type, read once for the counts by category, the facets and the rows
        of a page."""
        return list(InstrumentType.objects.all())

    @cached_property
    def _type_categories(self):
        return {
            instrument_type.pk: instrument_type.category
            for instrument_type in self.instrument_types
        }

    def summary_cells(self, selection):
        """The summary's cells of `selection` (from `summary_selection`), read once per
        FilterSet however many counts are made over them (`summary.Cells`); the instruments
        in more than one cell are read once for every selection (`summary.Spread`)."""
        key = tuple(
            None if selection[name] is None else tuple(sorted(selection[name]))
            for name in ("scopes", "region_ids", "type_ids")
        )
        cache = self.__dict__.setdefault("_summary_cells", {})
        if key not in cache:
            spread = self.__dict__.setdefault("_summary_spread", summary.Spread())
            cache[key] = summary.Cells(**selection, spread=spread)
        return cache[key]

    def _summarised_facet(self, name, selection, regions):
        if name == "kind":
            selection = {**selection, "scopes": Measure.Kind.values}
            return self.summary_cells(selection).instrument_counts(
                lambda scope: (scope,), by="scope"
            )
        cells = self.summary_cells(selection)
        if name == "region":
            units = summary.units_counting(regions)
            return cells.instrument_counts(lambda pk: units.get(pk, ()), by="region_id")
        if name == "category":
            categories = self._type_categories
            return cells.instrument_counts(lambda pk: (categories.get(pk),), by="type_id")
        return cells.instrument_counts(lambda pk: (pk,), by="type_id")
