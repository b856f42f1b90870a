"""The instruments list: filters, facets, pagination and bad input."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from collation import pinyin_key
from measures import changes
from measures.models import Mention, Source
from tests.factories import make_measure, make_mention, make_source

pytestmark = pytest.mark.django_db

LIST = "/instruments/"


@pytest.fixture
def sample(reference_data):
    """A small knowledge base: two measures, entries across prefectures, counties and a town."""
    source = make_source(slug="sample")
    reform = make_measure(
        source=source,
        kind="reform",
        number=1,
        slug="reform-1",
        title="在推动生态环保责任落实上深化改革",
    )
    direction = make_measure(
        source=source,
        kind="direction",
        number=1,
        slug="direction-1",
        title="健全生态环境保护基础制度",
    )
    entries = {
        "xining_regulation": make_mention(
            measure=reform,
            region="630100",
            type="regulation",
            name="大气污染防治条例",
            start=10,
            end=20,
        ),
        "xining_pilot": make_mention(
            measure=reform, region="630100", type="pilot", name="“无废城市”试点", start=30, end=40
        ),
        "haixi_rule": make_mention(
            measure=reform, region="632800", type="rule", name="整改销号办法", start=50, end=60
        ),
        "tianjun_project": make_mention(
            measure=reform, region="632823", type="project", name="布哈河工程项目", start=70, end=80
        ),
        "chaka_pilot": make_mention(
            measure=reform, region="632821101", type="pilot", name="实践创新基地", start=90, end=99
        ),
        "yushu_rule": make_mention(
            measure=reform, region="632700", type="rule", name="考核管理办法", start=100, end=110
        ),
        "province_mechanism": make_mention(
            measure=reform,
            region="630000",
            type="mechanism",
            name="贯通协同机制",
            quote="青海省深化贯通协同机制。",
            start=120,
            end=130,
        ),
        "province_plan": make_mention(
            measure=direction,
            region="630000",
            type="plan",
            name="美丽青海建设规划",
            start=200,
            end=210,
        ),
    }
    make_mention(
        measure=reform,
        region="630100",
        type="regulation",
        name="草稿条例",
        status=Mention.Status.DRAFT,
    )
    return entries


def names(response):
    return {entry.name for entry in response.context["page"].object_list}


def count(response):
    return response.context["page"].paginator.count


@pytest.mark.parametrize(
    "query,expected",
    [
        (
            "",
            {
                "大气污染防治条例",
                "“无废城市”试点",
                "整改销号办法",
                "布哈河工程项目",
                "实践创新基地",
                "考核管理办法",
                "贯通协同机制",
                "美丽青海建设规划",
            },
        ),
        ("region=632800", {"整改销号办法", "布哈河工程项目", "实践创新基地"}),
        ("region=632821", {"实践创新基地"}),
        ("region=630000", {"贯通协同机制", "美丽青海建设规划"}),
        ("region=630100&type=regulation", {"大气污染防治条例"}),
        ("region=630100&region=632700&type=rule", {"考核管理办法"}),
        (
            "type=rule&type=pilot",
            {"“无废城市”试点", "整改销号办法", "实践创新基地", "考核管理办法"},
        ),
        ("kind=direction", {"美丽青海建设规划"}),
        (
            "measure=reform-1&category=demonstration",
            {"“无废城市”试点", "布哈河工程项目", "实践创新基地"},
        ),
        ("category=economic", set()),
        ("q=西宁", {"大气污染防治条例", "“无废城市”试点"}),
        # 试点 names the type 试点示范: its entries, whatever their names.
        ("q=试点", {"“无废城市”试点", "实践创新基地"}),
        ("q=无废", {"“无废城市”试点"}),
        ("q=海西", {"整改销号办法", "布哈河工程项目", "实践创新基地"}),
        ("q=基础制度", {"美丽青海建设规划"}),
        ("q=贯通协同&region=630000", {"贯通协同机制"}),
    ],
)
def test_filters_return_exactly_the_matching_published_entries(client, sample, query, expected):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert names(response) == expected
    assert count(response) == len(expected)


def test_a_draft_never_appears_on_the_public_list(client, sample):
    response = client.get(f"{LIST}?q=草稿")
    assert count(response) == 0
    assert "草稿条例" not in response.content.decode()


def test_the_default_order_is_article_order_and_sort_changes_it(client, sample):
    response = client.get(LIST)
    starts = [entry.start for entry in response.context["page"].object_list]
    assert starts == sorted(starts[:7]) + [200]  # reform measure first, then the direction
    by_name = client.get(f"{LIST}?sort=name")
    listed = [entry.instrument.name for entry in by_name.context["page"].object_list]
    assert listed == sorted(listed, key=pinyin_key)
    by_region = client.get(f"{LIST}?sort=region")
    regions = [entry.region.short_name for entry in by_region.context["page"].object_list]
    assert regions == sorted(regions, key=pinyin_key)


def facet_options(response, facet_name):
    facet = next(f for f in response.context["listing"].facets if f["name"] == facet_name)
    return {option["value"]: option for option in facet["options"]}


@pytest.mark.parametrize(
    "base", ["", "type=pilot", "region=630100", "q=办法", "kind=reform&category=legal"]
)
def test_each_facet_count_equals_the_rows_its_link_gives(client, sample, base):
    response = client.get(f"{LIST}?{base}")
    for facet in response.context["listing"].facets:
        for option in facet["options"]:
            if option["selected"]:
                continue
            followed = client.get(f"{LIST}{option['url']}")
            assert followed.status_code == 200
            if not re.search(rf"(^|&){facet['name']}=", base):
                # No value of this facet chosen yet: the link gives exactly the counted rows.
                assert count(followed) == option["count"], (base, facet["name"], option["value"])


def test_facet_counts_use_the_other_filters_only(client, sample):
    response = client.get(f"{LIST}?region=632800")
    regions = facet_options(response, "region")
    # The region facet ignores the region filter itself: other prefectures stay countable.
    assert regions["630100"]["count"] == 2
    assert regions["632800"]["count"] == 3  # its county and town included
    assert regions["632800"]["selected"]
    assert regions["630000"]["count"] == 2  # the province counts only its own entries
    types = facet_options(response, "type")
    assert types["pilot"]["count"] == 1
    assert "regulation" not in types  # no regulation in 海西: the option is not offered


def test_searching_the_province_lists_every_entry_of_the_knowledge_base(client, knowledge_base):
    town_entry = Mention.objects.published().get(region__code="632821101")

    response = client.get(f"{LIST}?q=青海")

    assert count(response) == Mention.objects.published().count_instruments() == 87
    listed = client.get(f"{LIST}?q=青海&region=632821101")
    assert names(listed) == {town_entry.name}


def test_a_unit_at_any_depth_is_filtered_searched_and_counted_with_the_units_above(
    client, sample, village
):
    entry = make_mention(
        measure=sample["haixi_rule"].measure, region=village, type="pilot", name="村级试点"
    )

    for query in ["region=632800", "region=632821", "q=海西", "q=乌兰", "q=茶卡镇", "q=青海"]:
        assert entry.name in names(client.get(f"{LIST}?{query}")), query
    assert entry.name not in names(client.get(f"{LIST}?region=630000"))
    regions = facet_options(client.get(f"{LIST}?type=pilot"), "region")
    assert regions["632800"]["count"] == 2  # 实践创新基地 in the town, 村级试点 in its village
    for code in ["632800", "632821", "632821101", village.code]:
        assert count(client.get(f"{LIST}?type=pilot&region={code}")) == regions[code]["count"]


def test_pagination_keeps_every_filter(client, reference_data):
    measure = make_measure(slug="reform-9", kind="reform", number=9)
    for i in range(120):
        make_mention(
            measure=measure,
            region="632823" if i % 2 else "630100",
            type="pilot",
            name=f"示范基地{i:03d}",
            start=i * 10,
            end=i * 10 + 5,
        )
    response = client.get(f"{LIST}?region=632800&type=pilot&q=示范")
    assert count(response) == 60
    assert len(response.context["page"].object_list) == 50
    html = response.content.decode()
    next_link = re.search(r'<a rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "region=632800" in next_link and "type=pilot" in next_link and "q=" in next_link
    second = client.get(f"{LIST}{next_link}")
    assert second.context["page"].number == 2
    assert len(second.context["page"].object_list) == 10
    assert all(entry.region.code == "632823" for entry in second.context["page"].object_list)


def test_active_filters_are_shown_and_removable_one_by_one(client, sample):
    response = client.get(f"{LIST}?region=630100&region=632700&type=rule")
    active = response.context["listing"].active_filters
    assert [(a["name"], str(a["value"])) for a in active] == [
        ("region", "西宁市"),
        ("region", "玉树州"),
        ("type", "规章办法"),
    ]
    without_xining = client.get(f"{LIST}{active[0]['url']}")
    assert without_xining.request["QUERY_STRING"] == "region=632700&type=rule"
    assert names(without_xining) == {"考核管理办法"}


@pytest.mark.parametrize(
    "query,message",
    [
        ("region=999999", "999999"),
        ("type=nonsense", "nonsense"),
        ("measure=reform-404", "reform-404"),
        ("kind=other", "other"),
        ("category=x", "x"),
        ("sort=secret", "secret"),
        ("page=abc", "abc"),
        ("page=0", "0"),
        ("page=99", "99"),
        ("page=-1", "-1"),
        ("q=" + "长" * 201, "200"),
    ],
)
def test_a_bad_value_gives_the_page_with_a_message_not_a_different_result(
    client, sample, query, message
):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert message in html
    # Never a silently different result: no rows for a request that was not understood.
    assert response.context["page"] is None
    assert "大气污染防治条例" not in html


def test_an_empty_value_means_not_filtered(client, sample):
    response = client.get(f"{LIST}?region=630100&region=&type=")
    assert response.status_code == 200
    assert names(response) == {"大气污染防治条例", "“无废城市”试点"}


def test_the_query_count_does_not_grow_with_the_data(client, reference_data):
    measure = make_measure(slug="reform-1", kind="reform", number=1)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{LIST}?region=632800&type=pilot&q=基地")
        assert response.status_code == 200
        return len(captured)

    for i in range(10):
        make_mention(measure=measure, region="632823", type="pilot", name=f"基地{i}")
    small = queries()
    for i in range(100):
        make_mention(measure=measure, region="632823", type="pilot", name=f"基地甲{i}")
    assert queries() == small


def test_the_list_needs_a_bounded_number_of_queries(client, sample, django_assert_max_num_queries):
    # Among them: a count of instruments and one of mentions, each facet's (three for regions),
    # the articles whose measures the measure facet offers, the ids of the units the region
    # filter takes in, the page's row ids, its rows, and their instruments' other mentions.
    with django_assert_max_num_queries(22):
        client.get(
            f"{LIST}?region=632800&type=pilot&q=基地&kind=reform&category=demonstration&measure=reform-1"
        )


def test_no_match_says_so_rather_than_hiding_the_count(client, sample):
    response = client.get(f"{LIST}?q=没有这样的条目")
    assert response.status_code == 200
    assert count(response) == 0
    html = response.content.decode()
    assert "没有符合筛选条件的条目" in html


def test_links_carry_only_known_parameters_each_value_once(client, sample):
    junk = "z" * 3900
    response = client.get(f"{LIST}?zzz={junk}&region=630100&region=630100&type=regulation")
    html = response.content.decode()
    # The language switch (two links) and the page's addresses in each language (three) give
    # the address as sent; no filter link repeats it.
    assert html.count(junk) <= 5
    assert html.count("region=630100&amp;region=630100") <= 5
    assert len(html) < 200_000


def test_the_measure_facet_offers_the_newest_articles_measures_and_those_of_a_chosen_one(
    client, sample
):
    Source.objects.filter(slug="sample").update(published_on=datetime.date(2024, 12, 26))
    older = make_source(slug="older-article", published_on=datetime.date(2020, 1, 1))
    old_measure = make_measure(source=older, title="旧文章的措施")
    make_mention(measure=old_measure, region="632800", type="pilot", name="旧试点")
    html = client.get(LIST).content.decode()
    assert "旧文章的措施" not in html
    assert 'class="facet-note"' in html
    chosen = client.get(f"{LIST}?measure={old_measure.slug}").content.decode()
    assert "旧文章的措施" in chosen


# Sorting -----------------------------------------------------------------------------------------


def every_row(client, query):
    """The rows of every page of the list for `query`, in order, as the pages show them,
    following each page's next link (rendered again, not served from the page cache)."""
    changes.changed()
    rows, url = [], f"{LIST}?{query}"
    while True:
        response = client.get(url)
        assert response.status_code == 200
        page = response.context["page"]
        rows += page.object_list
        if not page.has_next():
            return rows
        url = LIST + page.next_url


def test_names_are_in_pinyin_order_as_chinese_readers_expect(client, knowledge_base):
    rows = every_row(client, "sort=name")
    shown = [entry.instrument.name for entry in rows]
    assert len(shown) == len({entry.instrument_id for entry in rows}) == 87
    # Code-point order would give 不, 企, 信, 全; a reader looks for 全 before 信.
    initials = [name[0] for name in shown if name[0] in "不企信全"]
    assert "".join(dict.fromkeys(initials)) == "不企全信"
    assert initials == sorted(initials, key="不企全信".index)
    assert shown == sorted(shown, key=lambda name: (pinyin_key(name), name))


def test_descending_name_order_is_the_ascending_one_turned_around(client, knowledge_base):
    ascending = [entry.instrument.name for entry in every_row(client, "sort=name")]
    descending = [entry.instrument.name for entry in every_row(client, "sort=-name")]
    assert descending == ascending[::-1]
    assert descending[0][0] != ascending[0][0]


def test_regions_are_in_pinyin_order_both_ways(client, knowledge_base):
    prefectures = ["果洛州", "海北州", "海东市", "海南州", "海西州", "黄南州", "西宁市", "玉树州"]
    for query, expected in (("sort=region", prefectures), ("sort=-region", prefectures[::-1])):
        shown = [entry.region.short_name for entry in every_row(client, query)]
        in_order = [name for name in dict.fromkeys(shown) if name in prefectures]
        assert in_order == expected, query
        # The rows of one region stay together.
        assert len(list(dict.fromkeys(shown))) == len(set(shown))


@pytest.fixture
def namesakes(reference_data, settings):
    """Seven instruments of one name in seven regions, stated in an order unlike their ids'."""
    settings.MENTIONS_PER_PAGE = 3
    measure = make_measure()
    regions = ["632800", "630100", "632700", "632200", "630200", "632300", "632600"]
    starts = [60, 10, 40, 30, 70, 20, 50]
    return [
        make_mention(measure=measure, region=code, name="河湖长制", start=start, end=start + 5)
        for code, start in zip(regions, starts, strict=True)
    ]


@pytest.mark.parametrize("query", ["sort=name", "sort=-name", "sort=type", "sort=-type"])
def test_rows_that_sort_equal_keep_article_order_on_every_page(client, namesakes, query):
    rows = every_row(client, query)
    ids = [entry.pk for entry in rows]
    assert sorted(ids) == sorted(m.pk for m in namesakes)
    # Equal names (and types): article order decides, the same on every page and each time.
    assert [entry.start for entry in rows] == sorted(m.start for m in namesakes)
    assert [entry.pk for entry in every_row(client, query)] == ids


@pytest.fixture
def wetlands(reference_data):
    """A search for 湿地 finds one instrument by its name and, earlier in the article, one by its
    sentence only and one by its measure's title only."""
    source = make_source(slug="wetlands")
    first = make_measure(source=source, number=1, title="在推动责任落实上深化改革")
    second = make_measure(source=source, number=2, title="在推动湿地保护上深化改革")
    return {
        "sentence": make_mention(
            measure=first,
            name="生态保护补偿机制",
            quote="建立覆盖湿地和草原的生态保护补偿机制。",
            start=10,
            end=30,
        ),
        "name": make_mention(
            measure=first,
            name="湿地公园建设试点",
            quote="开展湿地公园建设试点。",
            start=50,
            end=70,
        ),
        "title": make_mention(
            measure=second, name="草原监测网络", quote="完善草原监测网络。", start=90, end=99
        ),
        "both words": make_mention(
            measure=second,
            name="湿地公园管护制度",
            quote="健全湿地公园管护制度。",
            start=120,
            end=130,
        ),
    }


def row_names(response):
    return [entry.instrument.name for entry in response.context["page"].object_list]


def test_a_search_lists_instruments_its_words_name_first_then_in_article_order(client, wetlands):
    by_relevance = row_names(client.get(f"{LIST}?q=湿地"))
    assert by_relevance == [
        "湿地公园建设试点",
        "湿地公园管护制度",
        "生态保护补偿机制",
        "草原监测网络",
    ]
    # The more of the words a name holds, the earlier it comes.
    assert row_names(client.get(f"{LIST}?q=湿地 管护"))[0] == "湿地公园管护制度"
    assert row_names(client.get(f"{LIST}?q=湿地&sort=article")) == [
        "生态保护补偿机制",
        "湿地公园建设试点",
        "草原监测网络",
        "湿地公园管护制度",
    ]
    # A sort chosen while searching is that sort.
    assert row_names(client.get(f"{LIST}?q=湿地&sort=-name"))[0] == "湿地公园建设试点"
    assert row_names(client.get(f"{LIST}?q=湿地&sort=name"))[0] == "草原监测网络"


def sort_options(response):
    return [
        (option["label"], option["url"], option["current"])
        for option in response.context["listing"].sort_options
    ]


def test_relevance_is_offered_and_current_only_when_searching(client, wetlands):
    searching = client.get(f"{LIST}?q=湿地")
    html = searching.content.decode()
    assert sort_options(searching)[:3] == [
        ("相关度", "?q=%E6%B9%BF%E5%9C%B0", True),
        ("原文顺序", "?q=%E6%B9%BF%E5%9C%B0&sort=article", False),
        ("名称", "?q=%E6%B9%BF%E5%9C%B0&sort=name", False),
    ]
    assert re.search(r'<a href="[^"]*" aria-current="true">相关度</a>', html)
    browsing = client.get(LIST)
    assert "相关度" not in browsing.content.decode()
    assert sort_options(browsing)[0] == ("原文顺序", "?", True)
    assert sort_options(client.get(f"{LIST}?sort=article"))[0][2] is True
    # A chosen order is current, its link turning it around.
    by_name = sort_options(client.get(f"{LIST}?q=湿地&sort=name"))
    assert [current for _label, _url, current in by_name] == [False, False, True, False, False]
    assert by_name[2][1] == "?q=%E6%B9%BF%E5%9C%B0&sort=-name"


HEADING = re.compile(
    r'<th scope="col"(?: aria-sort="(?P<order>\w+)")?><a class="sort-link" href="(?P<url>[^"]*)">'
    r"(?P<label>[^<]+)<span[^>]*>(?P<arrow>.)</span>"
)


def headings(response):
    html = response.content.decode()
    return {
        match["label"]: (match["order"], match["url"].replace("&amp;", "&"), match["arrow"])
        for match in HEADING.finditer(html)
    }


def test_column_headings_sort_by_their_column_and_turn_the_order_around(client, sample):
    plain = headings(client.get(f"{LIST}?region=632800"))
    assert plain == {
        "政策工具": (None, "?region=632800&sort=name", "↕"),
        "类型": (None, "?region=632800&sort=type", "↕"),
        "地区": (None, "?region=632800&sort=region", "↕"),
    }
    ascending = client.get(f"{LIST}{plain['政策工具'][1]}")
    assert headings(ascending)["政策工具"] == ("ascending", "?region=632800&sort=-name", "▲")
    assert headings(ascending)["地区"] == (None, "?region=632800&sort=region", "↕")
    descending = client.get(f"{LIST}?region=632800&sort=-name&page=1")
    assert headings(descending)["政策工具"] == ("descending", "?region=632800&sort=name", "▼")
    assert row_names(descending) == row_names(ascending)[::-1]
    # Exactly one heading says how the list is sorted; none in article order.
    assert descending.content.decode().count("aria-sort=") == 1
    assert "aria-sort=" not in client.get(f"{LIST}?region=632800").content.decode()


def test_tables_that_are_not_the_list_have_no_sort_links(client, sample):
    html = client.get("/regions/632800/").content.decode()
    assert "<table" in html
    assert "sort-link" not in html and "aria-sort" not in html


@pytest.mark.parametrize("sort", ["sort=article", "sort=name", "sort=-region", "sort=-type"])
def test_every_order_reads_as_many_rows_per_page_with_as_many_queries(client, namesakes, sort):
    def queries(query):
        # A new version of the public data each time, so the page is rendered, not cached.
        make_mention(measure=namesakes[0].measure, name="另一项机制", region="632500")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{LIST}?{query}").status_code == 200
        return len(captured)

    # In relevance order a page's rows are three reads: the instruments the words name, their
    # rows, then the rest in article order (`bands.RelevanceBands`).
    assert queries(f"q=河湖&{sort}") + 2 == queries("q=河湖")
    assert queries(sort) == queries("")
