"""The search's index of characters and character pairs (`measures.search_index`).

PostgreSQL: three IMMUTABLE SQL functions and a GIN index on
`measures_mention_grams(name, quote)`; nothing to install, no extension needed. The trigram
indexes of 0006, which it replaces, are dropped (and made again by the reverse, where pg_trgm
is installed). SQLite: an FTS5
table filled from every entry already there, and the triggers that keep it in step. On
100,000 entries this takes a few seconds on either database. Reversing drops all of it.
"""

from django.db import migrations

from measures import search_index


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    table = schema_editor.quote_name(apps.get_model("measures", "Mention")._meta.db_table)
    if connection.vendor == "postgresql":
        search_index.install_postgresql(schema_editor, table)
    elif connection.vendor == "sqlite":
        search_index.install_sqlite(schema_editor.execute, table)


def drop_index(apps, schema_editor):
    connection = schema_editor.connection
    table = schema_editor.quote_name(apps.get_model("measures", "Mention")._meta.db_table)
    if connection.vendor == "postgresql":
        search_index.uninstall_postgresql(schema_editor, table)
    elif connection.vendor == "sqlite":
        search_index.drop_sqlite(schema_editor.execute)


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0021_measure_title_en"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
