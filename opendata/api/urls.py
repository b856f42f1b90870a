from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views


class Router(DefaultRouter):
    # No `.json` suffixes: every answer is JSON.
    include_format_suffixes = False


router = Router()
router.register("instruments", views.InstrumentViewSet, basename="instrument")
router.register("mentions", views.MentionViewSet, basename="mention")
router.register("measures", views.MeasureViewSet, basename="measure")
router.register("regions", views.RegionViewSet, basename="region")
router.register("types", views.InstrumentTypeViewSet, basename="type")
router.register("sources", views.SourceViewSet, basename="source")

app_name = "api"

urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/", include(router.urls)),
    # The docs page loads its script as a file of its own (`?script`), so the site's policy,
    # which allows no inline script, applies unchanged.
    path("", SpectacularSwaggerSplitView.as_view(url_name="opendata:api:schema"), name="docs"),
]
