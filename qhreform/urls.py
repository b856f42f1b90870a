from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from measures import urls as measures_urls

from . import views

# The admin carries the site's name, in the editor's language.
admin.site.site_header = _("Qinghai eco-environment reform")
admin.site.site_title = _("Qinghai eco-environment reform")
admin.site.index_title = _("Editing the knowledge base")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("regions/", include((measures_urls.region_urlpatterns, "regions"))),
    path("", include("opendata.urls")),
    path("", include("measures.urls")),
]
