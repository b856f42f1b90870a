"""The dataset page (/about/data/), the data package and its files, and robots.txt."""

import json

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from measures.browse.exports import in_pieces
from measures.browse.parameters import NamesUnusedParameters
from measures.models import Instrument, Measure, Mention, Source

from . import datapackage
from .citation import dataset_citation
from .conditional import conditional
from .dataset import changelog, dataset_version
from .metadata import dataset_json_ld

#: How many of the latest changes, and of the days with changes, the page lists.
CHANGES_SHOWN = 50
DAYS_SHOWN = 30


def published_sources():
    return list(Source.objects.published().defer("text").order_by("published_on", "slug"))


class DatasetView(NamesUnusedParameters, TemplateView):
    template_name = "opendata/dataset.html"

    def get_context_data(self, **kwargs):
        log = changelog()
        version = dataset_version()
        sources = published_sources()
        return super().get_context_data(
            version=version,
            sources=sources,
            counts={
                "instruments": Instrument.objects.published().count(),
                "mentions": Mention.objects.published().count(),
                "measures": Measure.objects.published().count(),
                "sources": len(sources),
            },
            latest_changes=list(reversed(log.latest))[:CHANGES_SHOWN],
            days=log.by_day()[:DAYS_SHOWN],
            citation=dataset_citation(self.request, version, sources),
            resources=datapackage.RESOURCES.values(),
            json_ld=dataset_json_ld(self.request, version, sources),
            **kwargs,
        )


@require_safe
@conditional
def package_descriptor(request):
    """datapackage.json, its resources' paths being the CSVs' URLs on this site."""
    descriptor = datapackage.descriptor(
        request, dataset_version(), published_sources(), absolute=True
    )
    return HttpResponse(
        json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n",
        content_type="application/json; charset=utf-8",
    )


@require_safe
@conditional
def package_resource(request, name):
    """One CSV of the package, streamed."""
    resource = datapackage.RESOURCES.get(name)
    if resource is None:
        raise Http404(name)
    response = StreamingHttpResponse(
        in_pieces(datapackage.csv_lines(resource, request)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="qhreform-{name}.csv"'
    return response


@require_safe
@conditional
def package_zip(request):
    """The whole package: datapackage.json and data/*.csv in one zip archive."""
    version = dataset_version()
    return FileResponse(
        datapackage.zip_file(request, version, published_sources()),
        as_attachment=True,
        filename=f"qhreform-data-v{version.label}.zip",
        content_type="application/zip",
    )


EXPORTS = ("csv", "json", "xlsx")


@require_safe
def robots_txt(request):
    lines = ["User-agent: *"]
    # Editing, and the files the list offers: every entry is reachable by its own page. In
    # every language, each having addresses of its own.
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            lines += [
                f"Disallow: {reverse(name)}"
                for name in ("admin:index", *(f"measures:export_{kind}" for kind in EXPORTS))
            ]
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('opendata:sitemap'))}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
