from django.urls import path, register_converter

from regions.models import CODE_PATTERN

from .browse import exports, views


class RegionCodeConverter:
    """Administrative codes are digits (632800, 632821101); anything else is not a region."""

    regex = CODE_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(RegionCodeConverter, "region_code")

app_name = "measures"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("matrix/", views.MatrixView.as_view(), name="matrix"),
    path("measures/<slug:slug>/", views.MeasureDetailView.as_view(), name="detail"),
    path("instruments/", views.MentionListView.as_view(), name="instrument_list"),
    path("instruments/table/", views.CrossTabView.as_view(), name="crosstab"),
    path("instruments/table.csv", views.crosstab_csv, name="crosstab_csv"),
    path("instruments/export.csv", exports.export_csv, name="export_csv"),
    path("instruments/export.json", exports.export_json, name="export_json"),
    path("instruments/export.xlsx", exports.export_xlsx, name="export_xlsx"),
    path("instruments/<int:pk>/", views.InstrumentDetailView.as_view(), name="instrument_detail"),
    path("mentions/<int:pk>/", views.MentionDetailView.as_view(), name="mention_detail"),
    path("sources/<slug:slug>/", views.SourceDetailView.as_view(), name="source"),
]

#: The region pages, included under /regions/ with their own namespace (`regions:detail`).
region_urlpatterns = [
    path("", views.RegionListView.as_view(), name="list"),
    path("<region_code:code>/", views.RegionDetailView.as_view(), name="detail"),
]
