"""The pinyin sort keys stored beside names stay in step with them on every write path."""

import pytest
from django.core.management import call_command

from bench.synthetic import seed_synthetic
from collation import pinyin_key
from measures import instruments
from measures.models import Instrument, Mention
from regions.models import Region
from tests.factories import make_measure, make_mention, make_region

pytestmark = pytest.mark.django_db


def stale_instruments():
    return [i.name for i in Instrument.objects.all() if i.name_pinyin != pinyin_key(i.name)]


def stale_regions():
    return [r.code for r in Region.objects.all() if r.short_name_pinyin != pinyin_key(r.short_name)]


def test_the_loaded_knowledge_base_has_every_key(knowledge_base):
    assert Instrument.objects.count() >= 87
    assert stale_instruments() == []
    assert stale_regions() == []
    assert Region.objects.get(code="630100").short_name_pinyin == "xi1ning2shi4"


def test_a_new_or_renamed_instrument_or_region_gets_its_key(reference_data):
    mention = make_mention(name="企业环境信用评价制度")
    instrument = mention.instrument
    assert instrument.name_pinyin == pinyin_key("企业环境信用评价制度")
    instrument.name = "信用评价制度"
    instrument.save()
    instrument.refresh_from_db()
    assert instrument.name_pinyin.startswith("xin4yong4")

    region = make_region(code="632823100", parent="632823", short_name="新源镇")
    assert region.short_name_pinyin.startswith("xin1yuan2")
    region.short_name = "阳康乡"
    region.save()
    region.refresh_from_db()
    assert region.short_name_pinyin.startswith("yang2kang1")


def test_a_document_title_that_renames_its_instrument_renames_its_key(reference_data):
    measure = make_measure()
    plain = make_mention(measure=measure, region="630100", name="生态环境保护条例")
    make_mention(
        measure=measure, region="630100", name="西宁市生态环境保护条例", is_document_title=True
    )
    instrument = Instrument.objects.get(pk=plain.instrument_id)
    assert instrument.name == "西宁市生态环境保护条例"
    assert instrument.name_pinyin.startswith("xi1ning2")


def test_merge_and_split_leave_every_key_in_step(reference_data):
    measure = make_measure()
    first = make_mention(measure=measure, name="全域无废城市建设机制")
    second = make_mention(measure=measure, name="企业信用修复机制")
    instruments.merge(first.instrument, [second.instrument])
    instruments.split_off(Mention.objects.get(pk=second.pk))
    assert stale_instruments() == []


def test_bulk_created_instruments_have_their_keys(reference_data):
    seed_synthetic(mentions=50, seed=3, per_source=50)
    assert Instrument.objects.count() > 10
    assert stale_instruments() == []


def test_regions_loaded_raw_by_loaddata_get_their_keys(reference_data):
    Region.objects.update(short_name_pinyin="")
    call_command("loaddata", "regions", verbosity=0)
    assert stale_regions() == []
