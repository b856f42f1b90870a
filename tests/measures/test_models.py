import io
import json

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from measures.models import InstrumentType, Measure, Mention, Source
from regions.models import Region
from tests.factories import make_measure, make_mention, make_source

pytestmark = pytest.mark.django_db


def test_a_duplicate_measure_number_is_refused_by_the_database(empty_database):
    source = make_source()
    make_measure(source=source, kind=Measure.Kind.REFORM, number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        # bulk_create skips model validation: only the database constraint can refuse it.
        Measure.objects.bulk_create(
            [Measure(source=source, kind="reform", number=1, slug="other", title="t", body="b")]
        )


def test_the_same_number_is_allowed_for_another_kind_or_source(empty_database):
    source = make_source()
    make_measure(source=source, kind=Measure.Kind.REFORM, number=1)
    make_measure(source=source, kind=Measure.Kind.DIRECTION, number=1)
    make_measure(kind=Measure.Kind.REFORM, number=1)
    assert Measure.objects.filter(number=1).count() == 3


def test_a_duplicate_region_code_is_refused_by_the_database(reference_data):
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.bulk_create(
            [Region(code="630100", name="x", short_name="x", name_en="x", level="prefecture")]
        )


def test_an_entry_ending_before_it_starts_is_refused_by_the_database(reference_data):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_mention(start=10, end=5)


def test_deleting_a_type_an_entry_uses_is_refused(reference_data):
    from django.db.models import ProtectedError

    make_mention(type="pilot")
    with pytest.raises(ProtectedError):
        InstrumentType.objects.get(slug="pilot").delete()


def test_reference_fixtures_load_twice_without_change(reference_data):
    def snapshot():
        out = io.StringIO()
        call_command("dumpdata", "regions", "measures.instrumenttype", stdout=out)
        return json.loads(out.getvalue())

    before = snapshot()
    call_command("loaddata", "regions", "instrument_types", verbosity=0)
    assert snapshot() == before
    assert Region.objects.count() == 89
    assert InstrumentType.objects.count() == 15


def test_natural_keys_round_trip_through_dumpdata_and_loaddata(reference_data, tmp_path):
    source = make_source(slug="round-trip")
    measure = make_measure(source=source, kind=Measure.Kind.DIRECTION, number=2, slug="d-2")
    entry = make_mention(measure=measure, region="632821101", type="pilot", name="试点甲")
    dump = tmp_path / "dump.json"
    call_command(
        "dumpdata",
        "regions",
        "measures.source",
        "measures.measure",
        "measures.instrumenttype",
        "measures.mention",
        natural_foreign=True,
        natural_primary=True,
        output=str(dump),
    )
    rows = json.loads(dump.read_text())
    # Natural primary keys: no database ids in the dump.
    assert all("pk" not in row for row in rows)

    key = entry.key
    Mention.objects.all().delete()
    Measure.objects.all().delete()
    Source.objects.all().delete()
    call_command("loaddata", str(dump), verbosity=0)

    restored = Mention.objects.get(key=key)
    assert restored.name == "试点甲"
    assert restored.region.code == "632821101"
    assert restored.type.slug == "pilot"
    assert restored.measure.natural_key() == ("round-trip", "direction", 2)
