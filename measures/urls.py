from django.urls import path

from . import exports, views

app_name = "measures"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("matrix/", views.MatrixView.as_view(), name="matrix"),
    path("measures/<slug:slug>/", views.MeasureDetailView.as_view(), name="detail"),
    path("instruments/", views.InstrumentListView.as_view(), name="instrument_list"),
    path("instruments/export.csv", exports.export_csv, name="export_csv"),
    path("instruments/export.json", exports.export_json, name="export_json"),
    path("instruments/export.xlsx", exports.export_xlsx, name="export_xlsx"),
    path("instruments/<int:pk>/", views.InstrumentDetailView.as_view(), name="instrument_detail"),
    path("sources/<slug:slug>/", views.SourceDetailView.as_view(), name="source"),
]
