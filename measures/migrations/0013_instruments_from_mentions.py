"""Instruments from the mentions there are: a migration of its own, so that its rows are
written (and on PostgreSQL their deferred checks run) before the next one changes the table."""

from django.db import migrations

from measures.identity import comparable_name


def instruments_from_mentions(apps, schema_editor):
    """One instrument per group of mentions that the identity rule says name the same thing,
    numbered as its first mention was. So every old /instruments/<id>/ URL (which named a
    mention) now names that mention's instrument, or a mention that is not the first of its
    instrument, which redirects; later instruments are numbered past every old mention.

    The rule is imported rather than copied: it is pure and takes only names, so what it says
    of these rows is what it says of new ones.
    """
    Mention = apps.get_model("measures", "Mention")
    Instrument = apps.get_model("measures", "Instrument")
    InstrumentAlias = apps.get_model("measures", "InstrumentAlias")
    Region = apps.get_model("regions", "Region")
    names = {region.pk: (region.name, region.short_name) for region in Region.objects.all()}
    groups = {}
    fields = ("pk", "name", "is_document_title", "region_id", "type_id")
    for mention in Mention.objects.order_by("pk").only(*fields):
        key = comparable_name(mention.name, names[mention.region_id])
        groups.setdefault((mention.region_id, key), []).append(mention)
    for (region_id, key), mentions in groups.items():
        first = mentions[0]
        # Named by a document's own title (《…》) where a mention gives one, else by the first.
        name = next((m.name for m in mentions if m.is_document_title), first.name)
        instrument = Instrument.objects.create(
            pk=first.pk, name=name, key=key, type_id=first.type_id, region_id=region_id
        )
        for other in dict.fromkeys(mention.name for mention in mentions):
            if other != name:
                InstrumentAlias.objects.create(instrument=instrument, name=other, key=key)
        Mention.objects.filter(pk__in=[m.pk for m in mentions]).update(instrument=instrument)
    last = Mention.objects.order_by("-pk").values_list("pk", flat=True).first()
    if last:
        number_after(schema_editor, Instrument._meta.db_table, last)


def number_after(schema_editor, table, last):
    """Make the next id `table` gives greater than `last`."""
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, last])
        elif schema_editor.connection.vendor == "sqlite":
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, last])


def mentions_without_instruments(apps, schema_editor):
    apps.get_model("measures", "Mention").objects.update(instrument=None)
    apps.get_model("measures", "InstrumentAlias").objects.all().delete()
    apps.get_model("measures", "Instrument").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0012_instruments_and_mentions"),
    ]

    operations = [
        migrations.RunPython(instruments_from_mentions, mentions_without_instruments),
    ]
