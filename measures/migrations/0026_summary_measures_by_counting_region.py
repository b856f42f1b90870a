"""The summary's measures count, for a region that takes in the units below it, their mentions
too (`summary_triggers.counting_units`), and how many measures each region has is kept beside
them (`SummaryMeasureCount`).

The triggers and the summary are written again after any `migrate` that applies a migration
(`summary_triggers.after_migrate`): applying this one gives an existing database the new
triggers and rows.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0025_summary_measure_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="SummaryMeasureCount",
            fields=[
                ("region_id", models.IntegerField(primary_key=True, serialize=False)),
                ("measures", models.IntegerField()),
            ],
        ),
    ]
