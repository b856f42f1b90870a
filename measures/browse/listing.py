"""The public instruments list: the FilterSet applied to published entries, with facets.

The list page and every export build an `InstrumentListing` from the same query string, so an
export holds exactly the rows the page counts.
"""

from collections import Counter, namedtuple
from functools import cached_property

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.translation import gettext as _

from regions.models import Region, always_listed, home_province, roll_up

from ..models import Instrument, InstrumentType, Measure
from .filters import InstrumentFilter
from .querystrings import toggler, without

#: A published measure as the measure facet and the pages read it.
MeasureOption = namedtuple("MeasureOption", "pk slug kind label")

#: Facets whose counts can be summed from another facet's: {facet: (other facet, attribute
#: of the other's objects that is this facet's value)}.
DERIVED_FACETS = {"kind": ("measure", "kind"), "category": ("type", "category")}


class InstrumentListing:
    def __init__(self, query):
        # An empty value (a form's blank choice) means "not filtered", not an unknown value.
        self.query = query.copy()
        for key in list(self.query):
            self.query.setlist(key, [v for v in self.query.getlist(key) if v.strip() != ""])
            if not self.query.getlist(key):
                del self.query[key]
        self.filterset = InstrumentFilter(
            self.query, queryset=Instrument.objects.published().for_list()
        )
        self.errors = self._errors()

    def _errors(self):
        errors = []
        if not self.filterset.is_valid():
            for name, messages in self.filterset.errors.items():
                label = (
                    InstrumentFilter.base_filters[name].label
                    if name in InstrumentFilter.base_filters
                    else name
                )
                given = ", ".join(
                    f"{name}={printable(value)}" for value in self.query.getlist(name)
                )
                for message in messages:
                    errors.append(
                        _("The filter “%(label)s” (%(given)s) cannot be used: %(message)s")
                        % {"label": label, "given": given or name, "message": message}
                    )
        return errors

    @cached_property
    def queryset(self):
        """Exactly the matching rows, in the order the page shows them; none when input is bad."""
        if self.errors:
            return Instrument.objects.none()
        queryset = self.filterset.qs
        if not self.filterset.form.cleaned_data.get("sort"):
            return queryset.in_article_order()
        # Rows that sort equal keep one order on every page and in every export.
        return queryset.order_by(*queryset.query.order_by, "id")

    def page(self, number):
        """The page of rows to show; an unusable page number is reported, never guessed."""
        if self.errors:
            return None
        if self.filterset.form.cleaned_data.get("sort"):
            paginator = Paginator(self.queryset, settings.INSTRUMENTS_PER_PAGE)
        else:
            paginator = ArticleOrderPaginator(
                self.queryset, settings.INSTRUMENTS_PER_PAGE, per_measure=self._per_measure
            )
        if number in (None, ""):
            return paginator.page(1)
        try:
            number = int(number)
        except (TypeError, ValueError):
            self.errors.append(_("“%(page)s” is not a page number.") % {"page": printable(number)})
            return None
        if not 1 <= number <= paginator.num_pages:
            self.errors.append(
                _("There is no page %(page)s: the list has %(pages)s page(s).")
                % {"page": number, "pages": paginator.num_pages}
            )
            return None
        return paginator.page(number)

    # Facets -------------------------------------------------------------------------------

    @cached_property
    def _facet_counts(self):
        """{facet: {value: count}}, each facet counted with every filter but its own.

        Facets whose own filters are not given count the same rows, so some are read from one
        query: without a region or type filter, one count by region and type gives both
        facets; without a kind or measure filter, each kind's count is the sum of its
        measures'; without a category or type filter, each category's the sum of its types'.
        Otherwise a facet is one aggregate query of its own. Every aggregate reads all the
        matching rows, so this matters at scale: the unfiltered list makes two of them instead
        of five.
        """
        given = set(self.query)
        counts = {}
        if not {"region", "type"} & given:
            by_region, by_type = Counter(), Counter()
            for (region, type_), n in self.filterset.counts_by("region_id", "type_id").items():
                by_region[region] += n
                by_type[type_] += n
            counts["region"], counts["type"] = dict(by_region), dict(by_type)
        for name in ("measure", "region", "type"):
            if name not in counts:
                counts[name] = self.filterset.facet_counts(name)
        for name, (other, attribute) in DERIVED_FACETS.items():
            if {name, other} & given:
                counts[name] = self.filterset.facet_counts(name)
            else:
                counts[name] = self._summed(counts[other], attribute)
        return {name: counts[name] for name in InstrumentFilter.FACETS}

    def _summed(self, counts, attribute):
        """Counts keyed by measure or type id, summed by that object's `attribute`."""
        objects = self._measures if attribute == "kind" else self._types
        sums = Counter()
        for obj in objects:
            if counts.get(obj.pk):
                sums[getattr(obj, attribute)] += counts[obj.pk]
        return dict(sums)

    @cached_property
    def _types(self):
        return list(InstrumentType.objects.all())

    @cached_property
    def _measures(self):
        """Published measures in article order, as rows of what a facet option shows.

        Plain rows rather than model instances, and only these columns: instances would drag
        every measure's paragraph and its source's article along (docs/performance.md, "Code
        shaped by measurements"). The label of a kind and number is made once, by the model.
        """
        labels, rows = {}, []
        values = (
            Measure.objects.published()
            .in_article_order()
            .values_list("pk", "slug", "kind", "number", "title")
        )
        for pk, slug, kind, number, title in values:
            if (kind, number) not in labels:
                labels[kind, number] = Measure(kind=kind, number=number).label
            rows.append(MeasureOption(pk, slug, kind, f"{labels[kind, number]} {title}"))
        return rows

    @cached_property
    def _per_measure(self):
        """[(measure id, matching entries)] in article order: the list's rows, measure by measure.

        The measure facet counts every measure with the other filters applied; the list holds
        those counts, or only the chosen measures' when the measure filter is given.
        """
        counts = self._facet_counts["measure"]
        chosen = self.filterset.form.cleaned_data.get("measure")
        chosen = {measure.pk for measure in chosen} if chosen else None
        return [
            (m.pk, counts.get(m.pk, 0) if chosen is None or m.pk in chosen else 0)
            for m in self._measures
        ]

    @cached_property
    def _options(self):
        """{facet: [option]}: every option, counted with the other filters applied."""
        if self.errors:
            return {}
        measures = self._measures
        regions = Region.objects.linked()
        options = {}
        for name in InstrumentFilter.FACETS:
            counts = self._facet_counts[name]
            if name == "kind":
                found = [(v, str(label), counts.get(v, 0)) for v, label in Measure.Kind.choices]
            elif name == "measure":
                found = [(m.slug, m.label, counts.get(m.pk, 0)) for m in measures]
            elif name == "region":
                totals = roll_up(counts, regions)
                home = home_province(regions)
                chosen = {r.code for r in self.filterset.form.cleaned_data.get("region") or ()}
                found = [
                    (r.code, r.local_name, totals.get(r.code, 0))
                    for r in regions
                    if totals.get(r.code) or r.code in chosen or always_listed(r, home)
                ]
            elif name == "category":
                choices = InstrumentType.Category.choices
                found = [(v, str(label), counts.get(v, 0)) for v, label in choices]
            else:
                found = [(t.slug, t.local_name, counts.get(t.pk, 0)) for t in self._types]
            # Counties and towns are listed under their prefecture.
            nested = {r.code for r in regions if r.parent and r.parent.counts_units_below}
            options[name] = [
                {
                    "value": value,
                    "label": label,
                    "count": count,
                    "nested": name == "region" and value in nested,
                }
                for value, label, count in found
            ]
        return options

    @cached_property
    def facets(self):
        """The facets to show: options with entries, and every selected option."""
        facets = []
        for name, options in self._options.items():
            selected = self.query.getlist(name)
            toggle = toggler(self.query, name)
            facets.append(
                {
                    "name": name,
                    "label": InstrumentFilter.base_filters[name].label,
                    "options": [
                        {
                            **option,
                            "selected": option["value"] in selected,
                            "url": toggle(option["value"]),
                        }
                        for option in options
                        if option["count"] or option["value"] in selected
                    ],
                }
            )
        return facets

    @cached_property
    def active_filters(self):
        """Each given filter value with a link that removes just it."""
        active = []
        for name, field in InstrumentFilter.base_filters.items():
            if name == "sort":
                continue
            labels = {option["value"]: option["label"] for option in self._options.get(name, [])}
            for value in self.query.getlist(name):
                if value.strip() == "":
                    continue
                active.append(
                    {
                        "name": name,
                        "label": field.label,
                        "value": labels.get(value, value),
                        "url": without(self.query, name, value),
                    }
                )
        return active

    def export_query(self):
        """The query string for the exports: the filters without the page."""
        return without(self.query, "page")


class ArticleOrderPaginator(Paginator):
    """Pages of a list in article order, without counting or sorting every matching row.

    Article order sorts by measure first, and the measure facet has already counted each
    measure's matching entries (`per_measure`, in article order). So the total is their sum,
    and a page's rows lie in the few measures that cover its positions: its query reads those
    measures' entries (through the measure index) and skips the ones before the page, instead
    of sorting every matching row to find 50. Same rows, same order, one query fewer.
    """

    def __init__(self, object_list, per_page, *, per_measure, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.per_measure = per_measure

    @cached_property
    def count(self):
        return sum(count for _measure, count in self.per_measure)

    def page(self, number):
        # As Paginator.page, with the slice taken within the measures the page covers.
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        covering, first, position = [], 0, 0
        for measure, count in self.per_measure:
            if count and position + count > bottom and position < top:
                if not covering:
                    first = position
                covering.append(measure)
            position += count
            if position >= top:
                break
        if not covering:
            return self._get_page(self.object_list.none(), number, self)
        rows = self.object_list.filter(measure__in=covering)[bottom - first : top - first]
        return self._get_page(rows, number, self)


def printable(value, limit=60):
    """A given value as it can be shown back: control characters escaped, long values cut."""
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in value[:limit])
    return shown + ("…" if len(value) > limit else "")
