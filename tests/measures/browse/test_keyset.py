"""The instruments list pages by cursor: its next and previous links name the row at the page's
end, and the pages they lead to hold every row of the list once, in order."""

import base64
import json
import re
from urllib.parse import parse_qs, urlencode

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from measures import changes
from measures.browse import bands, filters, keyset
from measures.browse.listing import MentionListing

pytestmark = pytest.mark.django_db

LIST = "/instruments/"

ORDERS = [
    "",
    "sort=name",
    "sort=-name",
    "sort=region",
    "sort=-region",
    "sort=type",
    "sort=-type",
    # Relevance: instruments named by the word first, then those found by sentence or measure.
    "q=制度",
    "q=青海 生态",
    "q=制度&sort=-type",
]


@pytest.fixture
def small_pages(settings):
    settings.MENTIONS_PER_PAGE = 7


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def link(response, rel):
    """The href of the page's link `rel` (next or prev), or None."""
    found = re.search(rf'<a rel="{rel}" href="([^"]+)"', response.content.decode())
    return found and found[1].replace("&amp;", "&")


def walk(client, url, rel):
    """[the ids of each page's rows] from `url` on, following the `rel` links to the end."""
    pages = []
    while url:
        response = get(client, url)
        pages.append([entry.pk for entry in response.context["page"].object_list])
        following = link(response, rel)
        url = following and LIST + following
    return pages


@pytest.mark.parametrize("query", ORDERS)
def test_next_links_give_every_row_once_in_order_and_previous_links_the_same_pages(
    client, knowledge_base, small_pages, query
):
    listing = MentionListing(QueryDict(query))
    expected = list(listing.queryset.values_list("pk", flat=True))
    assert len(expected) > 2 * 7, "the walk needs several pages"
    if "q=" in query and "sort=" not in query:
        # The pages are read in two bands (`bands.RelevanceBands`), the named and the rest,
        # and the walk goes from one to the other.
        assert listing._bands is not None and 0 < len(listing._bands.named) < len(expected)

    forward = walk(client, f"{LIST}?{query}", "next")
    assert [pk for page in forward for pk in page] == expected
    assert all(len(page) == 7 for page in forward[:-1])

    # From the last page back to the first, by the previous links.
    last = get(client, f"{LIST}?{query}")
    while link(last, "next"):
        last = get(client, LIST + link(last, "next"))
    backward = walk(client, LIST + link(last, "prev"), "prev")
    assert backward[::-1] == forward[:-1]


@pytest.mark.parametrize("search", ["制度", "保护 生态", "生态 机制"])
def test_a_search_naming_too_many_instruments_is_placed_from_its_matches(
    client, knowledge_base, small_pages, monkeypatch, search
):
    # The rows the single ORDER BY gives, in its order, page by page both ways, when the
    # words name more instruments than the bands read apart.
    monkeypatch.setattr(filters, "MAX_NAMED", 1)
    listing = MentionListing(QueryDict(urlencode({"q": search})))
    assert isinstance(listing._bands, bands.MatchedOrder)
    expected = list(listing.queryset.values_list("pk", flat=True))
    assert len(expected) > 2 * 7, "the walk needs several pages"
    forward = walk(client, f"{LIST}?{urlencode({'q': search})}", "next")
    assert [pk for page in forward for pk in page] == expected
    last = get(client, f"{LIST}?{urlencode({'q': search})}")
    while link(last, "next"):
        last = get(client, LIST + link(last, "next"))
    backward = walk(client, LIST + link(last, "prev"), "prev")
    assert backward[::-1] == forward[:-1]


def test_the_page_says_which_rows_it_shows(client, knowledge_base, small_pages):
    first = get(client, LIST)
    assert "第1–7项" in first.content.decode()
    assert "Instruments 1–7" in get(client, "/en" + LIST).content.decode()
    second = get(client, LIST + link(first, "next"))
    page = second.context["page"]
    assert (page.start_index(), page.end_index(), page.number) == (8, 14, 2)
    assert "<title>全部条目 · 第2页 · qhreform</title>" in second.content.decode()
    back = get(client, LIST + link(second, "prev"))
    assert back.context["page"].start_index() == 1
    assert not back.context["page"].has_previous()


def test_the_pagination_is_labelled_and_its_links_keep_the_filters(
    client, knowledge_base, small_pages
):
    response = get(client, f"{LIST}?q=制度&sort=name")
    html = response.content.decode()
    assert re.search(r'<nav class="pagination" aria-label="[^"]+">', html)
    following = parse_qs(link(response, "next").lstrip("?"))
    assert following["q"] == ["制度"] and following["sort"] == ["name"]
    assert "page" not in following and "before" not in following
    second = get(client, LIST + link(response, "next"))
    previous = parse_qs(link(second, "prev").lstrip("?"))
    assert set(previous) == {"q", "sort", "before"}


def test_filter_sort_and_export_links_start_again_at_the_first_page(
    client, knowledge_base, small_pages
):
    first = get(client, LIST)
    second = get(client, LIST + link(first, "next"))
    listing = second.context["listing"]
    assert "after" in listing.query
    links = [
        listing.export_query(),
        listing.crosstab_query(),
        *(option["url"] for option in listing.sort_options),
        *(option["url"] for facet in listing.facets for option in facet["options"]),
        *(link["url"] for kind in listing.export_links() for link in kind["links"]),
    ]
    assert not [url for url in links if "after=" in url or "before=" in url]
    assert ("after", listing.query["after"]) not in listing.kept_by_search


def b64(text):
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


#: Cursors no page made, by what is wrong with them. The default order's one key is text.
GARBAGE_CURSORS = {
    "not base64": "%%%not-a-cursor",
    "base64 of text": b64("hello"),
    "cut short": b64('[0,"2020'),
    "an object": b64('{"a":1}'),
    "a number where text goes": keyset.encode(0, [1]),
    "too few values": keyset.encode(0, []),
    "too many values": keyset.encode(0, ["1", "2"]),
    "negative position": keyset.encode(-5, ["1"]),
    "true as a position": keyset.encode(True, ["1"]),
    "huge position": keyset.encode(10**30, ["1"]),
    "NUL in a value": keyset.encode(0, ["a\x00b"]),
    "lone surrogate": b64('[0,"\\ud800"]'),
    "deeply nested": b64("[" * 2000),
    "too long": keyset.encode(0, ["1" * 5000]),
}


@pytest.mark.parametrize("what", GARBAGE_CURSORS)
@pytest.mark.parametrize("parameter", ["after", "before"])
def test_a_garbage_cursor_gives_the_page_with_a_message_not_a_server_error(
    client, knowledge_base, what, parameter
):
    cursor = GARBAGE_CURSORS[what]
    response = client.get(LIST, {parameter: cursor})
    assert response.status_code == 400, what
    html = response.content.decode()
    assert 'role="alert"' in html
    assert escape(cursor[:20]) in html  # the message names what it could not use
    # Never a silently different result: no rows for a request that was not understood.
    assert response.context["page"] is None


def test_a_cursor_of_the_wrong_sort_gives_a_message_or_a_page(client, knowledge_base, small_pages):
    # A cursor read for another order with the same kinds of values is still a place in the
    # list: the rows after those values. A cursor of other values is refused.
    first = get(client, f"{LIST}?sort=type")
    cursor = parse_qs(link(first, "next").lstrip("?"))["after"][0]
    assert client.get(LIST, {"sort": "name", "after": cursor}).status_code == 400
    assert client.get(LIST, {"after": cursor}).status_code == 400


def test_only_one_of_page_after_and_before(client, knowledge_base, small_pages):
    cursor = parse_qs(link(get(client, LIST), "next").lstrip("?"))["after"][0]
    response = client.get(LIST, {"after": cursor, "before": cursor})
    assert response.status_code == 400
    response = client.get(LIST, {"after": cursor, "page": "2"})
    assert response.status_code == 400


def test_old_page_numbers_still_give_their_rows_with_cursor_links(
    client, knowledge_base, small_pages
):
    expected = list(MentionListing(QueryDict()).queryset.values_list("pk", flat=True))
    third = get(client, f"{LIST}?page=3")
    assert [entry.pk for entry in third.context["page"].object_list] == expected[14:21]
    assert third.context["page"].start_index() == 15
    following = get(client, LIST + link(third, "next"))
    assert [entry.pk for entry in following.context["page"].object_list] == expected[21:28]
    assert "page=" not in link(third, "next") and "page=" not in link(third, "prev")
    previous = get(client, LIST + link(third, "prev"))
    assert [entry.pk for entry in previous.context["page"].object_list] == expected[7:14]


def test_a_cursor_past_the_last_row_gives_an_empty_page_that_leads_back(
    client, knowledge_base, small_pages
):
    cursor = keyset.encode(500, ["9" * 60])
    response = client.get(LIST, {"after": cursor})
    assert response.status_code == 200
    assert response.context["page"].object_list == []
    assert link(response, "prev") == "?"


def queries(client, url):
    changes.changed()  # rendered again, not served from the page cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("query", ["", "kind=reform&region=630000&q=青海&sort=-name"])
def test_a_cursor_page_costs_the_queries_of_the_first_page(
    client, knowledge_base, small_pages, query
):
    first = get(client, f"{LIST}?{query}")
    second = LIST + link(first, "next")
    previous = LIST + link(get(client, second), "prev")
    cost = queries(client, f"{LIST}?{query}")
    assert queries(client, second) == cost
    assert queries(client, previous) == cost


def test_exports_hold_every_page_whatever_cursor_they_are_given(client, knowledge_base):
    every = MentionListing(QueryDict()).queryset.count()
    for cursor in (keyset.encode(3, ["2"]), "garbage"):
        response = client.get("/instruments/export.json", {"after": cursor})
        assert response.status_code == 200
        assert len(json.loads(b"".join(response.streaming_content))["results"]) == every
