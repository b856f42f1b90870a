"""The list's search on the shipped knowledge base: the questions readers ask, answered."""

import re

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from measures.browse.search import split_words
from measures.models import Mention
from regions.models import Region
from tests.factories import make_measure, make_mention

pytestmark = pytest.mark.django_db

LIST = "/instruments/"


def published():
    return Mention.objects.published()


def in_region(code):
    """Entries of a region and every unit below it, as the region rule has it."""
    return Q(region__in=Region.objects.filter(code=code).with_units_below())


def listed(client, query):
    """The instruments of every row the list gives for `query` (all pages), checked against its
    count: one row per instrument."""
    response = client.get(LIST, {"q": query, "sort": "name"})
    assert response.status_code == 200
    page = response.context["page"]
    ids = set()
    for number in page.paginator.page_range:
        rows = page.paginator.page(number).object_list  # the ids of the rows' mentions
        ids |= set(Mention.objects.filter(pk__in=rows).values_list("instrument_id", flat=True))
    assert len(ids) == page.paginator.count
    return ids


def ids(queryset):
    """The instruments these mentions name."""
    return set(queryset.values_list("instrument_id", flat=True))


@pytest.mark.parametrize("query", ["西宁 条例", "条例 西宁", "条例　西宁", "Xining regulation"])
def test_a_region_and_a_type_give_that_regions_entries_of_that_type(client, knowledge_base, query):
    expected = ids(published().filter(in_region("630100"), type__slug="regulation"))
    # 西宁市生态环境保护条例 is mentioned twice (reforms 1 and 6): one instrument of three.
    assert len(expected) == 3
    assert listed(client, query) == expected


@pytest.mark.parametrize("query", ["地方性法规", "法规", "条例", "Regulation", "regulations"])
def test_a_word_naming_the_regulation_type_gives_exactly_its_rows(client, knowledge_base, query):
    expected = ids(published().filter(type__slug="regulation"))
    # Eight mentions of seven regulations.
    assert len(expected) == 7
    assert listed(client, query) == expected
    # The same rows as the type filter, which the type facet links to.
    by_filter = client.get(LIST, {"type": "regulation"}).context["page"].paginator.count
    assert by_filter == len(expected)


@pytest.mark.parametrize(
    "query,code",
    [("Xining", "630100"), ("Haixi", "632800"), ("海西", "632800"), ("乌兰", "632821")],
)
def test_a_region_name_in_either_language_gives_its_entries_and_its_units(
    client, knowledge_base, query, code
):
    expected = ids(published().filter(in_region(code)))
    assert expected
    assert listed(client, query) == expected


def test_a_category_name_gives_its_entries(client, knowledge_base):
    expected = ids(published().filter(type__category="legal"))
    assert listed(client, "Laws") == expected
    assert listed(client, "法规与政策文件") == expected


def test_other_words_are_substrings_of_name_sentence_or_measure_title(client, knowledge_base):
    for word in ["无废城市", "湟水", "责任落实"]:
        expected = ids(
            published().filter(
                Q(name__icontains=word)
                | Q(quote__icontains=word)
                | Q(measure__title__icontains=word)
            )
        )
        assert expected, word
        assert listed(client, word) == expected


def test_words_are_anded(client, knowledge_base):
    both = listed(client, "海西 机制")
    assert both == listed(client, "海西") & listed(client, "机制")
    assert both


def test_each_row_shows_why_it_matched(client, knowledge_base):
    html = client.get(LIST, {"q": "西宁 条例"}).content.decode()
    assert "<mark>西宁</mark>市生态环境保护<mark>条例</mark>" in html
    assert re.search(r"class=\"matched\">[^<]*地区 西宁市 · 类型 地方性法规", html)
    # A word found only in the sentence shows the sentence around it.
    html = client.get(LIST, {"q": "湟水"}).content.decode()
    assert re.search(r'class="snippet"[^>]*>[^<]*<mark>湟水</mark>', html)


def test_an_empty_result_says_which_word_matched_nothing_and_offers_links(client, knowledge_base):
    response = client.get(LIST, {"q": "西宁 不存在的词", "type": "regulation"})
    assert response.context["page"].paginator.count == 0
    html = response.content.decode()
    assert "“不存在的词”" in html and "都没有匹配任何条目" in html
    drops = {
        link.replace("&amp;", "&"): int(count)
        for link, count in re.findall(r'<li><a href="(/instruments/\?[^"]*)">[^<]*?(\d+)', html)
    }
    regulations_of_xining = ids(published().filter(in_region("630100"), type__slug="regulation"))
    assert drops["/instruments/?q=%E8%A5%BF%E5%AE%81&type=regulation"] == len(regulations_of_xining)
    assert (
        drops["/instruments/?q=%E8%A5%BF%E5%AE%81+%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84%E8%AF%8D"]
        == 0
    )
    # Every link's count is what the list gives.
    for link, count in drops.items():
        assert client.get(link).context["page"].paginator.count == count
    # The facets explain why they are empty.
    assert "没有选项：没有条目同时符合搜索和其他筛选条件。" in html


def test_too_many_words_are_reported(client, knowledge_base):
    response = client.get(LIST, {"q": " ".join("甲乙丙丁戊己庚辛壬癸")})
    assert response.status_code == 400
    assert response.context["page"] is None


def test_quoted_phrases_stay_one_word():
    assert split_words('"Da Qaidam" 条例  条例 “无废 城市”') == ["Da Qaidam", "条例", "无废 城市"]


@pytest.mark.parametrize("query", ["海西 基地", "Xining 条例", "海西 没有的词"])
def test_the_query_count_of_a_search_does_not_grow_with_the_data(client, reference_data, query):
    measure = make_measure(slug="reform-1", kind="reform", number=1)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST, {"q": query, "type": "pilot"})
        assert response.status_code == 200
        return len(captured)

    for i in range(10):
        make_mention(measure=measure, region="632823", type="pilot", name=f"基地{i}")
    # An instrument each word names, so that both sizes read the named rows apart
    # (`bands.RelevanceBands`).
    make_mention(measure=measure, region="630100", type="pilot", name="条例基地")
    small = queries()
    for i in range(100):
        make_mention(measure=measure, region="630100", type="regulation", name=f"条例{i}")
        make_mention(measure=measure, region="632823", type="pilot", name=f"基地甲{i}")
    assert queries() == small
