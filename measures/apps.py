from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Reform measures")

    def ready(self):
        from django.db.models.signals import post_migrate, pre_migrate

        from . import changes, summary_triggers

        # The triggers that keep the summary of public counts are dropped around migrations.
        pre_migrate.connect(summary_triggers.before_migrate, sender=self)
        post_migrate.connect(summary_triggers.after_migrate, sender=self)

        # Every write to the knowledge base (and the regions) changes the public version.
        changes.connect()
