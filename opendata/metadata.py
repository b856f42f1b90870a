"""schema.org JSON-LD for the dataset page and the entry pages."""

from django.conf import settings
from django.urls import reverse

from .citation import PUBLISHER, dataset_title
from .datapackage import RESOURCES

#: The schema.org type of an instrument, by its type: regulations and rules are legislation;
#: the other documents are creative works; pilots and projects are projects; a body is an
#: organisation. Anything else (a mechanism, a system, a market) is a plain Thing.
SCHEMA_TYPES = {
    "regulation": "Legislation",
    "rule": "Legislation",
    "policy_document": "CreativeWork",
    "list": "CreativeWork",
    "standard": "CreativeWork",
    "plan": "CreativeWork",
    "project": "Project",
    "pilot": "Project",
    "organization": "Organization",
}


def article(source):
    data = {
        "@type": "NewsArticle",
        "headline": source.title,
        "publisher": {"@type": "Organization", "name": source.publisher},
    }
    if source.published_on:
        data["datePublished"] = source.published_on.isoformat()
    if source.url:
        data["url"] = source.url
    return data


def area(request, region):
    return {
        "@type": "AdministrativeArea",
        "name": region.name,
        "identifier": region.code,
        "url": request.build_absolute_uri(region.get_absolute_url()),
    }


def dataset_reference(request):
    return {
        "@type": "Dataset",
        "name": str(dataset_title()),
        "url": request.build_absolute_uri(reverse("opendata_pages:dataset")),
    }


def dataset_json_ld(request, version, sources):
    absolute = request.build_absolute_uri
    data = {
        "@context": "https://schema.org",
        **dataset_reference(request),
        "description": (
            "Qinghai province's ecological-environment reform measures, the policy instruments "
            "each region adopted under them, and the sentences of the articles that state them."
        ),
        "inLanguage": "zh-Hans",
        "license": settings.DATA_LICENSE["path"],
        "version": version.label,
        "creator": {"@type": "Organization", "name": PUBLISHER},
        "spatialCoverage": {
            "@type": "AdministrativeArea",
            "name": "青海省",
            "identifier": "630000",
        },
        "isBasedOn": [article(source) for source in sources],
        "distribution": [
            {
                "@type": "DataDownload",
                "name": "Frictionless Data Package (zip)",
                "encodingFormat": "application/zip",
                "contentUrl": absolute(reverse("opendata:package_zip")),
            },
            {
                "@type": "DataDownload",
                "name": "datapackage.json",
                "encodingFormat": "application/json",
                "contentUrl": absolute(reverse("opendata:datapackage")),
            },
            *(
                {
                    "@type": "DataDownload",
                    "name": f"{name}.csv",
                    "encodingFormat": "text/csv",
                    "contentUrl": absolute(reverse("opendata:resource", args=[name])),
                }
                for name in RESOURCES
            ),
        ],
    }
    if version.updated:
        data["dateModified"] = version.updated.isoformat()
    return data


def instrument_json_ld(request, instrument, mentions, aliases):
    """An instrument page's JSON-LD: what it is, where, and the articles that state it."""
    schema_type = SCHEMA_TYPES.get(instrument.type.slug, "Thing")
    data = {
        "@context": "https://schema.org",
        "@type": schema_type,
        "name": instrument.name,
        "url": request.build_absolute_uri(instrument.get_absolute_url()),
        "identifier": str(instrument.pk),
        "description": f"{instrument.type.name} · {instrument.region.name}",
        "subjectOf": [
            {
                **article(source),
                "url": request.build_absolute_uri(source.get_absolute_url()),
            }
            for source in {m.measure.source_id: m.measure.source for m in mentions}.values()
        ],
    }
    if aliases:
        data["alternateName"] = aliases
    if instrument.official_url:
        data["sameAs"] = instrument.official_url
    if schema_type == "Legislation":
        data["legislationJurisdiction"] = area(request, instrument.region)
        data["legislationType"] = instrument.type.name
        if instrument.official_title:
            data["alternateName"] = [*aliases, instrument.official_title]
    elif schema_type == "Organization":
        data["areaServed"] = area(request, instrument.region)
    elif schema_type != "Thing":
        data["spatialCoverage"] = area(request, instrument.region)
    else:
        data["additionalType"] = instrument.type.name_en
    if schema_type in ("Legislation", "CreativeWork"):
        data["isPartOf"] = dataset_reference(request)
        data["inLanguage"] = "zh-Hans"
    return data
