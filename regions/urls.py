from django.urls import path, register_converter

from . import views


class RegionCodeConverter:
    """Administrative codes are digits (632800, 632821101); anything else is not a region."""

    regex = r"[0-9]{6,12}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(RegionCodeConverter, "region_code")

app_name = "regions"

urlpatterns = [
    path("", views.RegionListView.as_view(), name="list"),
    path("<region_code:code>/", views.RegionDetailView.as_view(), name="detail"),
]
