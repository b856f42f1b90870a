"""The list's facets: for each filter, its options with how many instruments each would give.

Each facet is counted with every filter applied but its own, so that, with no option of a
facet chosen yet, clicking one gives exactly the count shown beside it.
"""

from collections import namedtuple
from functools import cached_property

from django.urls import reverse
from django.utils.translation import get_language

from regions.models import Region, always_listed, home_province

from ..models import InstrumentType, Measure, Source
from .filters import MentionFilter
from .querystrings import toggler

#: A published measure as the measure facet and the pages read it.
MeasureOption = namedtuple("MeasureOption", "pk slug kind label lang")


class Facets:
    """The facets of one list: `filterset` (valid) holds the filters, `query` the parameters."""

    def __init__(self, filterset, query):
        self.filterset = filterset
        self.query = query

    @cached_property
    def counts(self):
        """{facet: {value: distinct instruments}}, each facet counted with every filter but its
        own; the region facet by code, each region with the units below it. A facet a search
        matches too many mentions to count (`searched.SearchedCounts`) is None.

        Instruments are counted, not mentions, so no facet can be summed from another's (an
        instrument under two measures counts once for its kind): each facet is its own
        aggregate query, three for the region facet (`counts.instruments_per_region`).
        """
        return {
            name: self.filterset.facet_counts(
                name, regions=self.regions, measure_ids=[m.pk for m in self.measures]
            )
            for name in MentionFilter.FACETS
        }

    @cached_property
    def regions(self):
        """Every region (`Region.objects.linked()`), read once for the facets and the rows of
        the page (`MentionListing._explained`)."""
        return Region.objects.linked()

    @cached_property
    def types(self):
        """Every instrument type, as the FilterSet read them for its counts."""
        return self.filterset.instrument_types

    @cached_property
    def _published_sources(self):
        """Ids of the published articles, newest first (as `SourceQuerySet.newest` orders)."""
        return list(Source.objects.published().newest_first().values_list("pk", flat=True))

    @cached_property
    def measure_sources(self):
        """The articles whose measures the measure facet offers: the newest, and the article of
        each measure chosen. However many articles there are, the facet stays their size; the
        other articles' measures are on their own pages."""
        chosen = self.filterset.form.cleaned_data.get("measure") or ()
        sources = {measure.source_id for measure in chosen}
        sources.update(self._published_sources[:1])
        return sources

    @cached_property
    def other_source_count(self):
        """How many published articles the measure facet does not offer the measures of."""
        return len(set(self._published_sources) - self.measure_sources)

    @cached_property
    def measures(self):
        """The published measures the measure facet offers (`measure_sources`), in article
        order, as rows of what a facet option shows.

        Plain rows rather than model instances, and only these columns: instances would drag
        every measure's paragraph and its source's article along (docs/performance.md, "Code
        shaped by measurements"). The label and title in the interface language are the
        model's. `lang` is set where the label's language is not the page's: a Chinese title
        on an English page.
        """
        rows = []
        english_page = (get_language() or "").startswith("en")
        values = (
            Measure.objects.published()
            .filter(source__in=self.measure_sources)
            .in_article_order()
            .values_list("pk", "slug", "kind", "number", "title", "title_en")
        )
        for pk, slug, kind, number, title, title_en in values:
            measure = Measure(kind=kind, number=number, title=title, title_en=title_en)
            lang = "zh-Hans" if english_page and measure.local_title_lang == "zh-Hans" else ""
            label = f"{measure.label} {measure.local_title}"
            rows.append(MeasureOption(pk, slug, kind, label, lang))
        return rows

    @cached_property
    def options(self):
        """{facet: [option]}: every option, counted with the other filters applied; each
        option's count None in a facet not counted."""
        measures = self.measures
        regions = self.regions
        # Counties and towns are listed under their prefecture.
        nested = {r.code for r in regions if r.parent and r.parent.counts_units_below}
        options = {}
        for name in MentionFilter.FACETS:
            counts = self.counts[name]
            if counts is None:
                # Every option is offered, with no count: the region facet its regions
                # always listed (the counties stay under their prefectures' pages).
                counts = Uncounted()
            if name == "kind":
                found = [(v, str(label), counts.get(v, 0)) for v, label in Measure.Kind.choices]
            elif name == "measure":
                found = [(m.slug, m.label, counts.get(m.pk, 0)) for m in measures]
            elif name == "region":
                totals = counts
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
                found = [(t.slug, t.local_name, counts.get(t.pk, 0)) for t in self.types]
            languages = {m.slug: m.lang for m in measures} if name == "measure" else {}
            options[name] = [
                {
                    "value": value,
                    "label": label,
                    "lang": languages.get(value, ""),
                    "count": count,
                    "nested": name == "region" and value in nested,
                }
                for value, label, count in found
            ]
        return options

    def shown(self):
        """The facets to show: options with entries, and every selected option; every option
        of a facet not counted (as `options` lists them)."""
        facets = []
        for name, options in self.options.items():
            selected = self.query.getlist(name)
            toggle = toggler(self.query, name)
            facets.append(
                {
                    "name": name,
                    "label": MentionFilter.base_filters[name].label,
                    "other_sources": self.other_source_count if name == "measure" else 0,
                    "sources_url": reverse("measures:home") + "#sources-heading",
                    "options": [
                        {
                            **option,
                            "selected": option["value"] in selected,
                            "url": toggle(option["value"]),
                        }
                        for option in options
                        # A count of 0 is left out; None (not counted) is not.
                        if option["count"] != 0 or option["value"] in selected
                    ],
                    # Its options come without counts: the search is too broad to count
                    # without this facet's own filter.
                    "uncounted": self.counts[name] is None,
                }
            )
        return facets


class Uncounted(dict):
    """The counts of a facet not counted: None for every value."""

    def get(self, key, default=None):
        return None
