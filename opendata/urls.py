from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from . import feeds, views
from .sitemaps import SITEMAPS

app_name = "opendata"

#: What programs read: one address each, in no language (qhreform/urls.py).
urlpatterns = [
    path("api/", include("opendata.api.urls")),
    path("about/data/datapackage.json", views.package_descriptor, name="datapackage"),
    path("about/data/data/<slug:name>.csv", views.package_resource, name="resource"),
    path("about/data/qhreform-data.zip", views.package_zip, name="package_zip"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "opendata:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
]

#: What people read, in each language (/about/data/, /en/about/data/), included under the
#: namespace `opendata_pages`: the dataset page, and the feeds, whose titles and links are in
#: the reader's language.
page_urlpatterns = [
    path("instruments/feed/", feeds.entries_feed, name="feed"),
    path("about/data/", views.DatasetView.as_view(), name="dataset"),
]
