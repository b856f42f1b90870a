"""sitemap.xml: every public page, with its last change where one is known.

sitemap.xml is an index of sections; a section of many pages is split into files of `PER_FILE`
URLs (`sitemap-mentions.xml?p=2`), each built in well under a second.

A page people read has an address in each language (qhreform/languages.py): each is listed,
with links (hreflang) to every language's address and the Chinese one as x-default.
"""

import math

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.db.models.functions import Greatest
from django.urls import reverse

from measures.models import Instrument, Measure, Mention, Source
from regions.models import Region

from .dataset import dataset_version


class InEveryLanguage:
    """(item, language) for every item and every language, in that order, as a paginator reads
    it (`count()` and slices): a slice reads only the items it holds. Django's own pairing
    makes a list of every item for each file of the section."""

    def __init__(self, items, languages):
        self.items = items
        self.languages = list(languages)

    def count(self):
        if not hasattr(self, "_count"):
            items = self.items
            self._count = (items.count() if hasattr(items, "query") else len(items)) * len(
                self.languages
            )
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        size = len(self.languages)
        if not isinstance(index, slice):
            return (self.items[index // size], self.languages[index % size])
        start, stop, _step = index.indices(self.count())
        first, last = start // size, math.ceil(stop / size)
        pairs = [(item, code) for item in self.items[first:last] for code in self.languages]
        return pairs[start - first * size : stop - first * size]


class LanguageSitemap(Sitemap):
    """A section of pages people read: each page's address in every language, with the
    alternates."""

    i18n = True
    alternates = True
    x_default = True

    def _items(self):
        return InEveryLanguage(self.items(), self._languages())


class PagesSitemap(LanguageSitemap):
    """The pages that are not one thing's: they change with the dataset."""

    def items(self):
        return [
            "measures:home",
            "regions:list",
            "measures:instrument_list",
            "measures:matrix",
            "opendata_pages:dataset",
        ]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return dataset_version().updated


class ApiSitemap(Sitemap):
    """The API's documentation: one address, in no language (it is written in English)."""

    def items(self):
        return ["opendata:api:docs"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return dataset_version().updated


class SourceSitemap(LanguageSitemap):
    def items(self):
        return Source.objects.published().defer("text").order_by("slug")

    def lastmod(self, source):
        return source.updated_at


class MeasureSitemap(LanguageSitemap):
    def items(self):
        return (
            Measure.objects.published()
            .annotate(changed_at=Max("source__updated_at"))
            .defer("body")
            .order_by("slug")
        )

    def lastmod(self, measure):
        return measure.changed_at


class RegionSitemap(LanguageSitemap):
    """The regions with published entries, and the units above them."""

    def items(self):
        public = Mention.objects.published()
        return Region.objects.filter(
            Q(pk__in=public.values("region"))
            | Q(pk__in=public.values("region__parent"))
            | Q(pk__in=public.values("region__parent__parent"))
        ).order_by("code")


PER_FILE = 10_000


class InstrumentSitemap(LanguageSitemap):
    limit = PER_FILE

    def items(self):
        return (
            Instrument.objects.published()
            .annotate(
                changed_at=Greatest(
                    "updated_at", Max("mentions__updated_at", filter=Q(mentions__public=True))
                )
            )
            .only("id", "updated_at")
            .order_by("id")
        )

    def lastmod(self, instrument):
        return instrument.changed_at


class MentionSitemap(LanguageSitemap):
    limit = PER_FILE

    def items(self):
        return Mention.objects.published().only("id", "updated_at").order_by("id")

    def lastmod(self, mention):
        return mention.updated_at


SITEMAPS = {
    "pages": PagesSitemap,
    "api": ApiSitemap,
    "sources": SourceSitemap,
    "measures": MeasureSitemap,
    "regions": RegionSitemap,
    "instruments": InstrumentSitemap,
    "mentions": MentionSitemap,
}
