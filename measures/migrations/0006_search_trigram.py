"""Trigram indexes for the list's search, on PostgreSQL only.

The search (`?q=`) matches substrings of an entry's name and sentence with `icontains`, which
Django compiles on PostgreSQL to `UPPER("name"::text) LIKE UPPER('%…%')`. A B-tree cannot
serve a pattern with a leading %, but a pg_trgm GIN index on exactly that expression can, for
a search of three characters or more. A two-character word (西宁, 试点) has no complete
trigram, so the database reads every row for it, index or not (docs/performance.md measures
both).

pg_trgm is a "trusted" extension since PostgreSQL 13: the database's owner may create it
without being a superuser. Where it cannot be created (an older server, a role that does not
own the database, the contrib package missing) the migration says so and creates nothing:
search then works as before, only without the index. SQLite has no such indexes; there the
migration does nothing. Reversing drops the indexes and leaves the extension, which other
objects in the database may use.
"""

from django.db import DatabaseError, migrations, transaction

#: index name -> the expression it indexes, exactly as Django's icontains writes it.
INDEXES = {
    "instrument_name_trgm_idx": "name",
    "instrument_quote_trgm_idx": "quote",
}


def create_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("measures", "Instrument")._meta.db_table)
    try:
        # A savepoint, so that a refusal leaves the migration's transaction usable.
        with transaction.atomic(using=connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        print(
            f"\n  pg_trgm could not be created ({str(error).strip()}); the search works "
            "without trigram indexes. A superuser can run CREATE EXTENSION pg_trgm in this "
            "database, then `migrate measures 0005` and `migrate` again to add them."
        )
        return
    for name, column in INDEXES.items():
        expression = f"UPPER({schema_editor.quote_name(column)}::text)"
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0005_instrument_indexes"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
