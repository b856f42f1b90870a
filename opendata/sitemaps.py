"""sitemap.xml: every public page, with its last change where one is known.

sitemap.xml is an index of sections; a section of many pages is split into files of `PER_FILE`
URLs (`sitemap-mentions.xml?p=2`), each built in well under a second.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.db.models.functions import Greatest
from django.urls import reverse

from measures.models import Instrument, Measure, Mention, Source
from regions.models import Region

from .dataset import dataset_version


class PagesSitemap(Sitemap):
    """The pages that are not one thing's: they change with the dataset."""

    def items(self):
        return [
            "measures:home",
            "regions:list",
            "measures:instrument_list",
            "measures:matrix",
            "opendata:dataset",
            "opendata:api:docs",
        ]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return dataset_version().updated


class SourceSitemap(Sitemap):
    def items(self):
        return Source.objects.published().defer("text").order_by("slug")

    def lastmod(self, source):
        return source.updated_at


class MeasureSitemap(Sitemap):
    def items(self):
        return (
            Measure.objects.published()
            .annotate(changed_at=Max("source__updated_at"))
            .defer("body")
            .order_by("slug")
        )

    def lastmod(self, measure):
        return measure.changed_at


class RegionSitemap(Sitemap):
    """The regions with published entries, and the units above them."""

    def items(self):
        public = Mention.objects.published()
        return Region.objects.filter(
            Q(pk__in=public.values("region"))
            | Q(pk__in=public.values("region__parent"))
            | Q(pk__in=public.values("region__parent__parent"))
        ).order_by("code")


PER_FILE = 10_000


class InstrumentSitemap(Sitemap):
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


class MentionSitemap(Sitemap):
    limit = PER_FILE

    def items(self):
        return Mention.objects.published().only("id", "updated_at").order_by("id")

    def lastmod(self, mention):
        return mention.updated_at


SITEMAPS = {
    "pages": PagesSitemap,
    "sources": SourceSitemap,
    "measures": MeasureSitemap,
    "regions": RegionSitemap,
    "instruments": InstrumentSitemap,
    "mentions": MentionSitemap,
}
