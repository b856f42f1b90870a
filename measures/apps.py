from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Reform measures")

    def ready(self):
        from django.db.models.signals import pre_migrate

        from . import changes, summary_triggers

        # The triggers that keep the summary of public counts are dropped around migrations.
        pre_migrate.connect(summary_triggers.before_migrate, sender=self)
        post_migrate.connect(summary_triggers.after_migrate, sender=self)

        # A region moved in the gazetteer changes which regions count whose measures.
        from django.db.models.signals import post_save, pre_save

        from regions.models import Region

        from . import summary

        pre_save.connect(summary.remember_region_place, sender=Region)
        post_save.connect(summary.on_region_moved, sender=Region)

        # Every write to the knowledge base (and the regions) changes the public version.
        changes.connect()
        post_migrate.connect(restore_search_triggers, sender=self)


def restore_search_triggers(sender, using, verbosity=1, **kwargs):
    """On SQLite, altering the entries' table rebuilds it without the search index's triggers:
    put them back after every `migrate` (`search_index.ensure_sqlite_triggers`)."""
    from . import search_index
    from .models import Mention

    connection = connections[using]
    if (
        connection.vendor == "sqlite"
        and Mention._meta.db_table in connection.introspection.table_names()
    ):
        table = connection.ops.quote_name(Mention._meta.db_table)
        if search_index.ensure_sqlite_triggers(connection, table) and verbosity:
            print(f"  Restored the search index's triggers on {table} and reindexed it.")
