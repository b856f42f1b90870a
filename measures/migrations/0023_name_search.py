"""Indexes of names by their characters and character pairs, on PostgreSQL: of public entries'
names and of instruments' names (`measures.search_index.NameMayHold`,
`InstrumentNameMayHold`); nothing on SQLite. Half a minute at a million entries.
"""

from django.db import migrations

from measures import search_index


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        search_index.install_postgresql_name_indexes(schema_editor)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        search_index.uninstall_postgresql_name_indexes(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0022_search_index"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
