"""The summary public counts are added up from stays exact after every kind of write, and the
counts it gives are the counts of the mentions themselves."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from measures import instruments, summary
from measures.browse.counts import instruments_per_region
from measures.ingest.articles import import_article
from measures.models import ALL_KINDS, InstrumentType, Measure, Mention, Source
from measures.publishing import publish_source, set_status
from regions.models import Region
from tests.factories import make_mention

from .ingest.test_articles import ARTICLE

pytestmark = pytest.mark.django_db


def counted_from_mentions(scope):
    """{what: counts} as the mentions give them: by region (with the units below), by type, by
    category, and in all."""
    mentions = Mention.objects.published()
    if scope != ALL_KINDS:
        mentions = mentions.filter(measure__kind=scope)
    regions = Region.objects.linked()
    return {
        "region": instruments_per_region(mentions, regions),
        "type": mentions.count_instruments_by("type_id"),
        "category": mentions.count_instruments_by("type__category"),
        "total": mentions.count_instruments() or 0,
        "mentions": mentions.count(),
        # Measures have no scope in the summary: counted over every kind.
        "measures": {
            region.code: n
            for region in regions
            if (
                n := Mention.objects.published()
                .for_region(region)
                .values("measure")
                .distinct()
                .count()
            )
        },
    }


def by_field_and_by_cell(scope, field, groups):
    """The counts of `groups` (of one field's value) added up by that field first, after
    checking that they are those of the same grouping asked of every cell."""
    counts = summary.instrument_counts(scopes=[scope], groups=groups, by=field)
    per_cell = summary.instrument_counts(
        scopes=[scope], groups=lambda cell: groups(getattr(cell, field))
    )
    assert counts == per_cell, field
    return counts


def counted_from_summary(scope):
    regions = Region.objects.linked()
    units = summary.units_counting(regions)
    category_of = dict(InstrumentType.objects.values_list("pk", "category"))
    return {
        "region": by_field_and_by_cell(scope, "region_id", lambda pk: units[pk]),
        "type": by_field_and_by_cell(scope, "type_id", lambda pk: (pk,)),
        "category": by_field_and_by_cell(scope, "type_id", lambda pk: (category_of[pk],)),
        "total": summary.instrument_counts(scopes=[scope]).get(None, 0),
        "mentions": summary.mention_count(scopes=[scope]),
        "measures": {
            region.code: n
            for region in regions
            if (n := summary.measure_counts([region.pk]).get(region.pk))
        },
    }


def assert_exact():
    assert summary.differences() == {}
    for scope in (ALL_KINDS, *Measure.Kind.values):
        assert counted_from_summary(scope) == counted_from_mentions(scope), scope


def test_the_shipped_knowledge_base_is_summarised_exactly(knowledge_base):
    assert_exact()
    assert summary.instrument_counts().get(None) == 87
    assert summary.mention_count() == 90


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("editor", password="x", is_staff=True)


def test_adding_editing_and_deleting_mentions(knowledge_base):
    mention = make_mention(region="632800", type="pilot", name="测试试点")
    assert_exact()
    mention.region = Region.objects.get(code="630100")
    mention.type = InstrumentType.objects.get(slug="regulation")
    mention.save()
    assert_exact()
    mention.status = Mention.Status.DRAFT
    mention.save()
    assert_exact()
    mention.status = Mention.Status.PUBLISHED
    mention.save()
    assert_exact()
    mention.delete()
    assert_exact()


def test_publishing_and_unpublishing_measures_and_sources(knowledge_base, editor):
    measure = Measure.objects.published().first()
    measure.status = Measure.Status.DRAFT
    measure.save()
    assert_exact()
    measure.status = Measure.Status.PUBLISHED
    measure.save()
    assert_exact()
    source = Source.objects.get()
    source.status = Source.Status.DRAFT
    source.save()
    assert_exact()
    assert summary.instrument_counts() == {}
    publish_source(source, user=editor)
    assert_exact()


def test_a_measure_that_changes_kind_moves_its_instruments(knowledge_base):
    measure = Measure.objects.filter(kind=Measure.Kind.REFORM, mentions__isnull=False).first()
    before = summary.instrument_counts(scopes=[Measure.Kind.DIRECTION]).get(None, 0)
    measure.kind = Measure.Kind.DIRECTION
    measure.number = 99  # the article has no 99th direction
    measure.save()
    assert_exact()
    assert summary.instrument_counts(scopes=[Measure.Kind.DIRECTION]).get(None, 0) > before


def test_an_instrument_mentioned_in_two_counties_counts_once_for_their_prefecture(
    knowledge_base,
):
    counties = list(Region.objects.filter(parent__code="632800")[:2])
    first = make_mention(region=counties[0], type="pilot", name="两县共建试点")
    second = make_mention(region=counties[1], type="pilot", name="两县共建试点")
    assert first.instrument_id != second.instrument_id  # the identity rule keeps regions apart
    instruments.merge(first.instrument, [second.instrument])
    assert_exact()
    units = summary.units_counting(Region.objects.linked())
    per_region = summary.instrument_counts(groups=lambda c: units[c.region_id])
    assert per_region[counties[0].code] == per_region[counties[1].code] == 1
    haixi = counted_from_mentions(ALL_KINDS)["region"]["632800"]
    assert per_region["632800"] == haixi
    instruments.split_off(second)
    assert_exact()
    assert summary.instrument_counts(groups=lambda c: units[c.region_id])["632800"] == haixi + 1


def test_importing_and_publishing_an_article(reference_data, editor):
    result = import_article(text=ARTICLE, slug="haidong-2023", url="https://example.org/a")
    assert_exact()
    assert summary.instrument_counts() == {}  # drafts are not counted
    source = Source.objects.get(slug=result.slug)
    publish_source(source, user=editor)
    assert_exact()
    set_status(
        Mention.objects.filter(measure__source=source), Mention.Status.PUBLISHED, user=editor
    )
    assert_exact()
    assert summary.instrument_counts()[None] == Mention.objects.published().count() > 0


def test_the_command_finds_a_summary_that_went_wrong_and_rebuilds_it(knowledge_base):
    from measures.models import SummaryCell

    SummaryCell.objects.filter(scope=ALL_KINDS).update(instruments=0)
    with pytest.raises(CommandError, match="differs"):
        call_command("summary", "--check")
    call_command("summary", "--rebuild")
    assert_exact()


def test_a_region_moved_in_the_gazetteer_moves_its_measures_with_it(knowledge_base, village):
    """Which regions count a mention's measure follows the gazetteer: a village's entry counts
    for its town, county and prefecture; moved to another prefecture, or made a province of
    its own (which takes in nothing), the summary follows."""
    reform = Measure.objects.get(slug="reform-1")
    make_mention(measure=reform, region=village, type="pilot", name="村级试点")
    assert_exact()
    assert set(
        summary.SummaryMeasure.objects.filter(measure_id=reform.pk).values_list(
            "region_id", flat=True
        )
    ) >= {Region.objects.get(code=code).pk for code in ("632821101", "632821", "632800")}
    county = Region.objects.get(code="632821")
    county.parent = Region.objects.get(code="630100")
    county.save()
    assert_exact()
    town = Region.objects.get(code="632821101")
    town.level = Region.Level.PROVINCE
    town.save()
    assert_exact()
    # Unmoved, a region's save leaves the summary as it was.
    rows = summary.stored()
    county.name_en = "Ulan County (renamed)"
    county.save()
    assert summary.stored() == rows
