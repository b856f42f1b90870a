"""Public counts are of instruments: one mentioned twice counts once, on every page."""

import csv
import io
import re

import pytest

from measures.models import Instrument, Mention
from tests.factories import make_measure, make_mention

pytestmark = pytest.mark.django_db

LIST = "/instruments/"


def facet_options(response, name):
    facet = next(f for f in response.context["listing"].facets if f["name"] == name)
    return {option["value"]: option for option in facet["options"]}


def test_regulations_per_prefecture_count_the_xining_regulation_once(client, knowledge_base):
    response = client.get(LIST, {"type": "regulation"})
    regions = facet_options(response, "region")
    # 西宁市生态环境保护条例 (reforms 1 and 6) and two more regulations.
    assert regions["630100"]["count"] == 3
    assert response.context["page"].paginator.count == 7
    assert response.context["listing"].mention_count == 8
    html = response.content.decode()
    assert re.search(r"7\s*(项|matching instruments)", html)


def test_a_row_is_an_instrument_with_every_matching_mention(client, knowledge_base):
    regulation = Instrument.objects.get(name="西宁市生态环境保护条例")
    response = client.get(LIST, {"region": "630100", "type": "regulation"})
    rows = list(response.context["page"].object_list)
    assert len(rows) == 3
    assert len({row.instrument_id for row in rows}) == 3
    row = next(row for row in rows if row.instrument_id == regulation.pk)
    # The first mention places it (reform 1); the other is listed beside it (reform 6).
    assert row.measure.number == 1
    reform_6 = regulation.mentions.get(measure__kind="reform", measure__number=6)
    assert [m.pk for m in row.other_mentions] == [reform_6.pk]
    html = response.content.decode()
    assert f'href="/instruments/{regulation.pk}/"' in html
    for mention in regulation.mentions.all():
        assert f'href="/mentions/{mention.pk}/"' in html

    # Narrowed to reform 6, the same instrument is placed by its mention there.
    response = client.get(LIST, {"region": "630100", "measure": "reform-6"})
    row = next(r for r in response.context["page"].object_list if r.instrument_id == regulation.pk)
    assert row.measure.number == 6
    assert row.other_mentions == []


def test_home_region_pages_and_the_map_count_instruments(client, knowledge_base):
    home = client.get("/").context
    assert home["total"] == 87 == Mention.objects.published().count_instruments()
    regions = client.get("/regions/").context
    xining = next(p for p in regions["prefectures"] if p["region"].code == "630100")
    listed = client.get(LIST, {"region": "630100"}).context["page"].paginator.count
    assert xining["entries"] == listed
    assert (
        Mention.objects.published().filter(region__code="630100").count() == listed + 1
    )  # one instrument, two mentions
    page = client.get("/regions/630100/").context
    assert page["entry_total"] == listed


def test_an_instrument_in_two_counties_counts_once_for_their_prefecture(client, reference_data):
    """Merged by an editor across two counties of 海西: the prefecture counts it once."""
    measure = make_measure(slug="reform-1", kind="reform", number=1)
    make_mention(measure=measure, region="632800", type="pilot", name="州级试点")
    first = make_mention(measure=measure, region="632821", type="pilot", name="盐湖试点")
    second = make_mention(measure=measure, region="632823", type="pilot", name="盐湖试点")
    assert first.instrument_id != second.instrument_id  # regions differ: not the same by rule
    second.instrument = first.instrument
    second.save()

    response = client.get(LIST, {"type": "pilot"})
    regions = facet_options(response, "region")
    for code in ("632800", "632821", "632823"):
        listed = client.get(LIST, {"type": "pilot", "region": code})
        assert listed.context["page"].paginator.count == regions[code]["count"], code
    # Three mentions in the prefecture, of two instruments.
    assert regions["632800"]["count"] == 2
    assert regions["632821"]["count"] == regions["632823"]["count"] == 1


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body, newline="")))


def test_the_default_export_has_one_row_per_instrument_and_per_mention_one_per_mention(
    client, knowledge_base
):
    regulation = Instrument.objects.get(name="西宁市生态环境保护条例")
    query = "region=630100&type=regulation"

    rows = csv_rows(client.get(f"/instruments/export.csv?{query}"))

    assert len(rows) == 3
    row = next(r for r in rows if r["instrument_id"] == str(regulation.pk))
    assert row["instrument_name"] == "西宁市生态环境保护条例"
    assert row["mention_count"] == "2"
    # The plain name reform 1 gives it is one of its other names.
    assert row["other_names"] == "生态环境保护条例"
    assert row["measure_number"] == "1"
    assert row["url"] == f"http://testserver/instruments/{regulation.pk}/"
    # Its stage is the one its page states.
    page = client.get(f"/instruments/{regulation.pk}/").context
    assert row["stage_name"] == str(page["stage"]["label"])

    mentions = csv_rows(client.get(f"/instruments/export.csv?{query}&per=mention"))
    assert len(mentions) == 4
    assert [m["instrument_id"] for m in mentions].count(str(regulation.pk)) == 2
    assert {m["url"] for m in mentions} == {
        f"http://testserver/mentions/{m.pk}/"
        for m in Mention.objects.published().filter(region__code="630100", type__slug="regulation")
    }


def test_an_unknown_per_value_is_refused_naming_it(client, knowledge_base):
    response = client.get("/instruments/export.csv?per=row")
    assert response.status_code == 400
    assert "per=row" in response.content.decode()


def test_the_list_offers_both_exports_with_its_filters(client, knowledge_base):
    html = client.get(LIST, {"region": "630100"}).content.decode()
    assert 'href="/instruments/export.csv?region=630100"' in html
    assert 'href="/instruments/export.csv?region=630100&amp;per=mention"' in html
    assert 'href="/instruments/export.json?region=630100&amp;per=mention"' in html


def test_measure_and_region_pages_list_each_instrument_once_with_its_other_mentions(
    client, knowledge_base
):
    regulation = Instrument.objects.get(name="西宁市生态环境保护条例")
    first, second = regulation.mentions.order_by("measure__number")
    measure_page = client.get(second.measure.get_absolute_url())
    rows = measure_page.context["entries_by_region"]
    assert len({row.instrument_id for row in rows}) == len(rows)
    row = next(row for row in rows if row.instrument_id == regulation.pk)
    assert [other.pk for other in row.other_mentions] == [first.pk]
    html = measure_page.content.decode()
    assert f'href="{first.get_absolute_url()}"' in html
    assert f'href="/instruments/{regulation.pk}/"' in html

    region_page = client.get("/regions/630100/").context
    for _measure, entries, total in region_page["groups"]:
        assert len({entry.instrument_id for entry in entries}) == len(entries) <= total
