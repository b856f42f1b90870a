from django.contrib import admin
from django.urls import include, path

from measures import urls as measures_urls

from . import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("regions/", include((measures_urls.region_urlpatterns, "regions"))),
    path("", include("measures.urls")),
]
