"""The summary's measures now count, for a region that takes in the units below it, their
mentions too (`summary_triggers.counting_units`).

Nothing in the schema changes. The triggers and the summary are written again after any
`migrate` that applies a migration (`summary_triggers.after_migrate`): applying this one is
what gives an existing database the new triggers and rows.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0025_summary_measure_index"),
    ]

    operations = []
