import json

import pytest
from django.db.models import ProtectedError

from measures.models import Mention
from regions.models import Region, roll_up, units_below
from tests.factories import make_measure, make_mention, make_region

pytestmark = pytest.mark.django_db


def test_prefecture_in_region_includes_its_counties_and_towns(reference_data):
    measure = make_measure()
    haixi_entries = {
        make_mention(measure=measure, region=code).pk
        for code in ["632800", "632823", "632857", "632821", "632821101"]
    }
    make_mention(measure=measure, region="630100")
    make_mention(measure=measure, region="630000")

    haixi = Region.objects.get(code="632800")
    assert set(Mention.objects.for_region(haixi).values_list("pk", flat=True)) == haixi_entries


def test_county_in_region_includes_its_town_but_not_its_prefecture(reference_data):
    measure = make_measure()
    town = make_mention(measure=measure, region="632821101")
    county = make_mention(measure=measure, region="632821")
    make_mention(measure=measure, region="632800")

    ulan = Region.objects.get(code="632821")
    assert set(Mention.objects.for_region(ulan)) == {town, county}


def test_region_knows_its_prefecture_without_queries(reference_data, django_assert_num_queries):
    with django_assert_num_queries(1):
        prefectures = {r.code: r.prefecture for r in Region.objects.linked()}
    assert prefectures["632821101"].code == "632800"
    assert prefectures["632857"].code == "632800"
    assert prefectures["630100"].code == "630100"
    assert prefectures["630000"] is None


def test_the_units_below_a_region_are_found_at_any_depth(reference_data, village):
    def below(code):
        units = Region.objects.filter(code=code).with_units_below()
        return set(units.values_list("code", flat=True))

    qinghai = {r.code for r in Region.objects.linked() if "630000" in {u.code for u in r.lineage()}}
    assert below("630000") == qinghai
    assert "632821101" in qinghai and "540000" not in qinghai
    assert below("632821") == {"632821", "632821101", village.code}
    assert below(village.code) == {village.code}


def test_the_units_below_read_from_loaded_regions_are_those_the_database_finds(
    reference_data, village, django_assert_num_queries
):
    regions = Region.objects.linked()
    with django_assert_num_queries(0):
        found = {r.code: units_below([r], regions) for r in regions}
    for region in regions:
        units = Region.objects.filter(pk=region.pk).with_units_below()
        assert found[region.code] == set(units.values_list("pk", flat=True)), region.code
    assert units_below([], regions) == frozenset()


def test_an_entry_at_any_depth_counts_for_every_unit_above_it_but_the_province(
    reference_data, village
):
    entry = make_mention(region=village)

    for code in [village.code, "632821101", "632821", "632800"]:
        assert entry in Mention.objects.for_region(Region.objects.get(code=code)), code
    assert entry not in Mention.objects.for_region(Region.objects.get(code="630000"))
    assert entry not in Mention.objects.for_region(Region.objects.get(code="632823"))


def test_a_unit_at_any_depth_knows_its_prefecture_from_one_query(
    reference_data, village, django_assert_num_queries
):
    # And one more level down: a hamlet of the village.
    hamlet = make_region(code="632821101202", parent=village)
    with django_assert_num_queries(1):
        prefectures = {r.code: r.prefecture for r in Region.objects.linked()}
    assert prefectures[village.code].code == "632800"
    assert prefectures[hamlet.code].code == "632800"


def test_counts_roll_up_to_exactly_the_regions_whose_filter_selects_them(reference_data, village):
    measure = make_measure()
    regions = Region.objects.linked()
    for n, region in enumerate(regions):
        for _ in range(n % 3 + 1):
            make_mention(measure=measure, region=region)
    own = {region.pk: Mention.objects.filter(region=region).count() for region in regions}

    totals = roll_up(own, regions)

    for region in regions:
        assert totals[region.code] == Mention.objects.for_region(region).count(), region.code
    assert totals["630000"] == own[next(r.pk for r in regions if r.code == "630000")]
    assert totals["100000"] == own[next(r.pk for r in regions if r.code == "100000")]


def test_deleting_a_region_an_entry_uses_is_refused(reference_data):
    make_mention(region="632823")
    with pytest.raises(ProtectedError):
        Region.objects.get(code="632823").delete()
    assert Region.objects.filter(code="632823").exists()


def test_deleting_a_parent_region_is_refused(reference_data):
    with pytest.raises(ProtectedError):
        Region.objects.get(code="632821").delete()


def test_reference_regions_match_the_official_list(reference_data):
    regions = {r.code: r for r in Region.objects.linked()}
    # The nation, 34 provincial-level units, Qinghai's 8 prefectures, its 45 county-level units
    # and the one town the 2024-12-26 article names.
    assert len(regions) == 89
    levels = [r.level for r in regions.values()]
    assert levels.count(Region.Level.NATIONAL) == 1
    assert levels.count(Region.Level.PROVINCE) == 34
    assert len([r for r in regions.values() if r.level == Region.Level.PREFECTURE]) == 8
    counties = [r for r in regions.values() if r.level == Region.Level.COUNTY]
    assert len(counties) == 45
    assert all(r.parent.parent.code == "630000" for r in counties)
    assert regions["632801"].short_name == "格尔木市"
    assert regions["632801"].prefecture.code == "632800"
    assert regions["632857"].short_name == "大柴旦行委"
    assert regions["632821101"].parent.code == "632821"
    # Bare 海南 usually means Hainan Province, so it must never match 海南州.
    assert "海南" not in regions["632500"].aliases


def test_a_region_code_that_no_url_could_hold_is_refused_on_save(admin_client, reference_data):
    region = Region.objects.get(code="632857")
    url = f"/admin/regions/region/{region.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["aliases"] = json.dumps(region.aliases, ensure_ascii=False)

    response = admin_client.post(url, {**data, "code": "6328-57"})

    assert response.status_code == 200 and response.context["adminform"].form.errors["code"]
    assert Region.objects.filter(code="632857").exists()
    assert admin_client.get("/regions/632800/").status_code == 200


@pytest.mark.parametrize("new_parent", ["632800", "632821"])
def test_a_region_placed_under_itself_or_a_unit_below_it_is_refused(
    admin_client, reference_data, new_parent
):
    # 海西州 under itself, or under its own county 乌兰县: the hierarchy would have no top, and
    # every page that walks up it would never finish.
    haixi = Region.objects.get(code="632800")
    url = f"/admin/regions/region/{haixi.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["aliases"] = json.dumps(haixi.aliases, ensure_ascii=False)

    response = admin_client.post(url, {**data, "parent": Region.objects.get(code=new_parent).pk})

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["parent"]
    haixi.refresh_from_db()
    assert haixi.parent.code == "630000"
    assert admin_client.get("/regions/632800/").status_code == 200
