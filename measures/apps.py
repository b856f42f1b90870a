from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Reform measures")

    def ready(self):
        from . import changes

        # Every write to the knowledge base (and the regions) changes the public version.
        changes.connect()
