"""Atom feeds of the list's entries: any filtered list, newest published or changed first.

`/instruments/feed/?region=632800&type=regulation` takes the list's query (the same
`MentionListing`, so the same filters and the same rows) and gives its entries most recently
published or changed first. An entry counts as changed when it was saved, or when its article
was (published, or corrected).
"""

import re

from django.contrib.syndication.views import Feed
from django.db.models.functions import Greatest
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from measures.browse.listing import MentionListing

from .conditional import answer_conditionally

#: Entries in one feed document.
FEED_ENTRIES = 50

# Characters XML 1.0 cannot hold at all (a search or an editor's text may contain them).
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text):
    return NOT_IN_XML.sub("\ufffd", str(text))


@require_safe
def entries_feed(request):
    """The feed, made by an instance of its own for each request (it keeps the request)."""
    return EntriesFeed()(request)


class EntriesFeed(Feed):
    feed_type = Atom1Feed
    author_name = "qhreform"

    def __call__(self, request, *args, **kwargs):
        self.listing = listing = MentionListing(request.GET)
        if listing.errors:
            lines = [_("The feed was not made: some of its parameters cannot be used."), ""]
            lines += [f"- {error}" for error in listing.errors]
            return HttpResponseBadRequest(
                "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"
            )
        self.request = request
        return answer_conditionally(request, lambda: super(EntriesFeed, self).__call__(request))

    def get_object(self, request):
        return self.listing

    def title(self, listing):
        names = [f"{active['label']}: {active['value']}" for active in listing.active_filters]
        site = _("Qinghai eco-environment reform")
        return xml_safe(" · ".join([site, *names]) if names else site + " · " + _("All entries"))

    def subtitle(self, listing):
        return _("Entries newly published or changed, newest first.")

    def link(self, listing):
        return reverse("measures:instrument_list") + listing.export_query().rstrip("?")

    def feed_url(self, listing):
        return reverse("opendata_pages:feed") + listing.export_query().rstrip("?")

    def items(self, listing):
        # Every matching entry (the FilterSet's rows), not only the rows the page shows.
        return (
            listing.filterset.qs.annotate(
                changed_at=Greatest("updated_at", "measure__source__updated_at")
            ).order_by("-changed_at", "-id")
        )[:FEED_ENTRIES]

    def item_title(self, entry):
        return xml_safe(f"《{entry.name}》" if entry.is_document_title else entry.name)

    def item_description(self, entry):
        return xml_safe(
            " · ".join(
                part
                for part in (
                    entry.region.local_name,
                    entry.type.local_name,
                    f"{entry.measure.label} {entry.measure.local_title}",
                    entry.action,
                )
                if part
            )
            + (f" — {entry.quote}" if entry.quote else "")
        )

    def item_link(self, entry):
        return entry.get_absolute_url()

    def item_guid(self, entry):
        return self.request.build_absolute_uri(entry.get_absolute_url())

    def item_updateddate(self, entry):
        return entry.changed_at

    def item_pubdate(self, entry):
        return entry.created_at

    def item_categories(self, entry):
        return tuple(
            xml_safe(term)
            for term in (
                entry.region.local_name,
                entry.region.code,
                entry.type.local_name,
                entry.type.slug,
            )
        )
