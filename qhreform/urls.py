from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from measures import urls as measures_urls
from opendata import urls as opendata_urls

from . import views

# The admin carries the site's name, in the editor's language.
admin.site.site_header = _("Qinghai eco-environment reform")
admin.site.site_title = _("Qinghai eco-environment reform")
admin.site.index_title = _("Editing the knowledge base")

# What programs read has one address, in no language: the health check, the API and its
# schema, the data package's files, the sitemap and robots.txt (answered in the default
# language whatever a client asks for).
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("", include(opendata_urls)),
]

# What people read is in the language its address names: Chinese (the default) without a
# prefix, as every address was before English had one, and English under /en/. The admin
# too, so an editor can work in English at /en/admin/. Exports and feeds follow the page
# they are offered on (an English page's file has English notes and links to English pages).
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("regions/", include((measures_urls.region_urlpatterns, "regions"))),
    path("", include((opendata_urls.page_urlpatterns, "opendata_pages"))),
    path("", include("measures.urls")),
    prefix_default_language=False,
)
