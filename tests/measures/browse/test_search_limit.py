"""A search matching more mentions than the list counts (`SEARCH_COUNT_LIMIT`) is listed
without counts, says so, and still gives every row; narrowed below the limit, it is counted."""

import csv
import io
import json
from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from measures.browse import bands, filters
from measures.browse.listing import MentionListing
from regions.models import Region, always_listed, home_province

pytestmark = pytest.mark.django_db

LIST = "/instruments/"


def counted(query, limit=None):
    """The listing of `query` counted up to `limit` (every mention when None)."""
    return MentionListing(QueryDict(urlencode(query)), count_limit=limit)


def facets(response):
    return {facet["name"]: facet for facet in response.context["listing"].facets}


def test_a_search_matching_more_mentions_than_the_limit_lists_every_row_uncounted(
    client, knowledge_base, settings
):
    everything = counted({"q": "青海"})
    assert everything.mention_count == 90 and everything.instrument_count == 87
    settings.SEARCH_COUNT_LIMIT = 20

    response = client.get(LIST, {"q": "青海"})

    assert response.status_code == 200
    listing, page = response.context["listing"], response.context["page"]
    assert not listing.counted
    assert listing.instrument_count is None and listing.mention_count is None
    html = response.content.decode()
    assert "符合条件的提及超过 20 处" in html
    assert "添加检索词或筛选条件即可显示数目" in html
    # The rows are the same as counted: a full page, and the next.
    assert len(page.object_list) == settings.MENTIONS_PER_PAGE
    assert [row.pk for row in page.object_list] == list(
        everything.queryset.values_list("pk", flat=True)[: settings.MENTIONS_PER_PAGE]
    )
    assert page.has_next()
    # Every facet offers its options without a count; the regions offered are those always
    # listed (the province and its prefectures), as no count says which others have entries.
    shown = facets(response)
    for facet in shown.values():
        assert facet["options"], facet["name"]
        assert facet["uncounted"]
        assert all(option["count"] is None for option in facet["options"])
    assert html.count("此处不显示数目") == len(shown)
    regions = Region.objects.linked()
    home = home_province(regions)
    assert {o["value"] for o in shown["region"]["options"]} == {
        r.code for r in regions if always_listed(r, home)
    }
    assert '<span class="count">' not in html.split('class="facets"')[1].split("</aside>")[0]
    # A facet's link still narrows the list.
    option = next(o for o in shown["region"]["options"] if o["value"] == "630100")
    assert client.get(LIST + option["url"]).status_code == 200

    # The exports count and hold every row whatever the list counts.
    csv_file = b"".join(client.get(LIST + "export.csv", {"q": "青海"}).streaming_content)
    assert len(list(csv.reader(io.StringIO(csv_file.decode("utf-8-sig"))))) == 1 + 87
    json_file = client.get(LIST + "export.json", {"q": "青海", "per": "mention"})
    document = json.loads(b"".join(json_file.streaming_content))
    assert document["count"] == len(document["results"]) == 90

    english = client.get("/en" + LIST, {"q": "青海"}).content.decode()
    assert "More than 20 matching mentions" in english


def test_the_limit_counts_a_search_matching_exactly_as_many(client, knowledge_base):
    mentions = counted({"q": "西宁"}).mention_count
    assert mentions > 1
    assert counted({"q": "西宁"}, limit=mentions).mention_count == mentions
    assert counted({"q": "西宁"}, limit=mentions - 1).mention_count is None


def test_a_search_narrowed_below_the_limit_is_counted_but_the_facet_it_narrows_by(
    client, knowledge_base, settings
):
    query = {"q": "青海", "region": "630100"}
    exact = counted(query)
    assert 0 < exact.mention_count <= 20
    settings.SEARCH_COUNT_LIMIT = 20

    response = client.get(LIST, query)

    listing = response.context["listing"]
    assert listing.counted
    assert (listing.instrument_count, listing.mention_count) == (
        exact.instrument_count,
        exact.mention_count,
    )
    assert response.context["page"].paginator.count == exact.instrument_count
    shown = facets(response)
    # Without its own filter the region facet counts the whole search: too many.
    assert shown["region"]["uncounted"]
    assert all(option["count"] is None for option in shown["region"]["options"])
    assert not any(shown[name]["uncounted"] for name in ("kind", "measure", "category", "type"))
    assert response.content.decode().count("此处不显示数目") == 1
    # Every other facet counts the region's mentions, as when every mention is counted.
    exact_facets = {facet["name"]: facet for facet in exact.facets}
    for name in ("kind", "measure", "category", "type"):
        assert {o["value"]: o["count"] for o in shown[name]["options"]} == {
            o["value"]: o["count"] for o in exact_facets[name]["options"]
        }, name


def test_a_search_placed_from_its_matches_keeps_its_order_uncounted(
    client, knowledge_base, monkeypatch
):
    # Placing the rows reads every match, whatever the limit: the order is the same.
    monkeypatch.setattr(filters, "MAX_NAMED", 1)
    exact = counted({"q": "制度"})
    limited = counted({"q": "制度"}, limit=5)
    assert isinstance(limited._bands, bands.MatchedOrder)
    assert limited.instrument_count is None
    assert exact.instrument_count > 5
    assert [row.pk for row in limited.page().object_list] == [
        row.pk for row in exact.page().object_list
    ]


def test_an_empty_list_offers_dropping_a_word_saying_more_than_the_limit(
    client, knowledge_base, settings
):
    settings.SEARCH_COUNT_LIMIT = 20

    response = client.get(LIST, {"q": "青海 不存在的词"})

    drops = {
        drop["url"]: drop["count"] for drop in response.context["listing"].no_results_help["drops"]
    }
    assert drops == {
        "?q=%E9%9D%92%E6%B5%B7": None,
        "?q=%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84%E8%AF%8D": 0,
    }
    html = response.content.decode()
    assert "去掉搜索词“不存在的词”：超过 20 处提及" in html
