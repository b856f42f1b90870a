"""The public instruments list: the FilterSet applied to published entries, with facets.

The list page and every export build an `InstrumentListing` from the same query string, so an
export holds exactly the rows the page counts.
"""

from functools import cached_property

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.translation import gettext as _

from regions.models import Region

from .filters import InstrumentFilter, roll_up_regions
from .models import Instrument, InstrumentType, Measure
from .querystrings import toggled, without


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
        paginator = Paginator(self.queryset, settings.INSTRUMENTS_PER_PAGE)
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
    def _options(self):
        """{facet: [option]}: every option, counted with the other filters applied."""
        if self.errors:
            return {}
        measures = Measure.objects.published().select_related("source").in_article_order()
        regions = list(Region.objects.with_ancestors())
        options = {}
        for name in InstrumentFilter.FACETS:
            counts = self.filterset.facet_counts(name)
            if name == "kind":
                found = [(v, str(label), counts.get(v, 0)) for v, label in Measure.Kind.choices]
            elif name == "measure":
                found = [(m.slug, f"{m.label} {m.title}", counts.get(m.pk, 0)) for m in measures]
            elif name == "region":
                totals = roll_up_regions(counts, regions)
                found = [(r.code, r.local_name, totals.get(r.code, 0)) for r in regions]
            elif name == "category":
                choices = InstrumentType.Category.choices
                found = [(v, str(label), counts.get(v, 0)) for v, label in choices]
            else:
                types = InstrumentType.objects.all()
                found = [(t.slug, t.local_name, counts.get(t.pk, 0)) for t in types]
            # Counties and towns are listed under their prefecture.
            nested = {r.code for r in regions if r.parent and not r.parent.is_province}
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
            facets.append(
                {
                    "name": name,
                    "label": InstrumentFilter.base_filters[name].label,
                    "options": [
                        {
                            **option,
                            "selected": option["value"] in selected,
                            "url": toggled(self.query, name, option["value"]),
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


def printable(value, limit=60):
    """A given value as it can be shown back: control characters escaped, long values cut."""
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in value[:limit])
    return shown + ("…" if len(value) > limit else "")
