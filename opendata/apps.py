from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """What others build on: the read API, feeds, the data package, the dataset page, sitemap
    and metadata. It reads `measures` and `regions`; neither knows of it."""

    name = "opendata"
    verbose_name = _("Open data")
