"""The read API: published data only, the list's filters, stable paging, methods, validators,
CORS, the rate limit and the queries a page costs."""

from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from measures.browse.filters import MentionFilter
from measures.models import Instrument, Measure, Mention, Source
from tests.factories import make_measure, make_mention, make_source

pytestmark = pytest.mark.django_db

API = "/api/v1/"


def encoded(query):
    return quote(query, safe="=&")


def list_page_instruments(client, query=""):
    """The instruments of every row the list page /instruments/ shows for `query`, all pages."""
    query, instruments, number = encoded(query), set(), 1
    while True:
        response = client.get("/instruments/", QUERY_STRING=f"{query}&page={number}")
        assert response.status_code == 200, query
        page = response.context["page"]
        instruments |= {entry.instrument_id for entry in page.object_list}
        if not page.has_next():
            return instruments
        number += 1


def filtered_mentions(query):
    """The published mentions the list's FilterSet selects for `query`."""
    filterset = MentionFilter(QueryDict(encoded(query)), queryset=Mention.objects.published())
    assert filterset.is_valid()
    return set(filterset.qs.values_list("pk", flat=True))


def api_all(client, path, query=""):
    """Every result of an API list, following its `next` links."""
    results = []
    response = client.get(path, QUERY_STRING=encoded(query))
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        results += body["results"]
        if not body["next"]:
            return results
        response = client.get(body["next"])


@pytest.fixture
def drafts(knowledge_base):
    """A draft entry, a published entry under a draft measure, and a draft article's entry."""
    published = Measure.objects.get(slug="reform-6")
    draft_source = make_source(slug="draft-article", status=Source.Status.DRAFT)
    return {
        "draft": make_mention(
            measure=published, region="632800", name="草稿条例", status=Mention.Status.DRAFT
        ),
        "under_draft_measure": make_mention(
            measure=make_measure(
                source=Source.objects.get(slug="qinghai-eco-reform-2024-12-26"),
                slug="draft-measure",
                number=99,
                status=Measure.Status.DRAFT,
            ),
            region="632800",
            name="草稿措施下的条例",
        ),
        "under_draft_source": make_mention(
            measure=make_measure(source=draft_source, slug="draft-article-reform-1"),
            region="632800",
            name="草稿文章的条例",
        ),
    }


# What the endpoints give ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "endpoint, identifier, page",
    [
        ("instruments", "id", "/instruments/{}/"),
        ("mentions", "id", "/mentions/{}/"),
        ("measures", "slug", "/measures/{}/"),
        ("regions", "code", "/regions/{}/"),
        ("sources", "slug", "/sources/{}/"),
    ],
)
def test_every_result_has_its_identifier_permalink_and_api_url(
    client, knowledge_base, endpoint, identifier, page
):
    results = api_all(client, API + endpoint + "/", "page_size=500")
    assert results
    for result in results[:5] + results[-5:]:
        key = result[identifier]
        assert result["url"] == "http://testserver" + page.format(key)
        assert client.get(result["url"]).status_code == 200
        detail = client.get(result["api_url"])
        assert detail.status_code == 200
        assert detail.json()[identifier] == key


def test_the_lists_hold_every_published_row(client, knowledge_base):
    assert len(api_all(client, API + "mentions/")) == Mention.objects.published().count() == 90
    assert len(api_all(client, API + "instruments/")) == Instrument.objects.published().count()
    assert len(api_all(client, API + "measures/")) == 13
    assert {r["slug"] for r in api_all(client, API + "types/")} >= {"regulation", "pilot"}


def test_a_mention_names_its_instrument_region_prefecture_type_measure_and_source(
    client, knowledge_base
):
    entry = Mention.objects.get(name="“职能部门+全过程律师服务团队”工作机制")
    body = client.get(f"{API}mentions/{entry.pk}/").json()
    assert body["quote"] == entry.quote
    assert body["region"]["code"] == "632800"
    assert body["prefecture"]["code"] == "632800"
    assert body["type"]["slug"] == entry.type.slug
    assert body["measure"]["slug"] == "reform-6"
    assert body["source"]["slug"] == "qinghai-eco-reform-2024-12-26"
    assert body["instrument"]["url"] == f"http://testserver/instruments/{entry.instrument_id}/"
    assert body["editor_added"] is False


def test_an_instrument_lists_its_mentions_aliases_and_stage(client, knowledge_base):
    instrument = Instrument.objects.get(name="西宁市生态环境保护条例")
    body = client.get(f"{API}instruments/{instrument.pk}/").json()
    assert len(body["mentions"]) == 2
    assert body["aliases"] == ["生态环境保护条例"]
    assert body["type"]["slug"] == "regulation"
    assert body["stage"] == "adopted"


def test_drafts_never_appear(client, drafts):
    names = {r["name"] for r in api_all(client, API + "mentions/")}
    instruments = {r["name"] for r in api_all(client, API + "instruments/")}
    for entry in drafts.values():
        assert entry.name not in names
        assert entry.name not in instruments
        assert client.get(f"{API}mentions/{entry.pk}/").status_code == 404
        assert client.get(f"{API}instruments/{entry.instrument_id}/").status_code == 404
    assert "draft-measure" not in {r["slug"] for r in api_all(client, API + "measures/")}
    assert client.get(f"{API}sources/draft-article/").status_code == 404
    assert client.get(f"{API}measures/draft-measure/").status_code == 404
    # Published, the entry is there.
    drafts["draft"].status = Mention.Status.PUBLISHED
    drafts["draft"].save()
    assert client.get(f"{API}mentions/{drafts['draft'].pk}/").status_code == 200


# The list's filters ----------------------------------------------------------------------------

FILTER_QUERIES = [
    "region=632800",
    "region=632800&region=630100",
    "region=630000",
    "type=regulation",
    "category=economic",
    "kind=direction",
    "measure=reform-6&measure=reform-7",
    "q=西宁 条例",
    "q=试点",
    "region=632800&kind=reform&category=institutional",
]


@pytest.mark.parametrize("query", FILTER_QUERIES)
def test_the_mentions_list_holds_the_mentions_behind_the_list_pages_rows(
    client, knowledge_base, query
):
    results = api_all(client, API + "mentions/", query)
    got = [r["id"] for r in results]
    assert 0 < len(got) < 90
    assert len(got) == len(set(got))
    assert got == sorted(got)  # id order
    assert set(got) == filtered_mentions(query)
    # … which are the mentions of exactly the instruments the list page shows.
    assert {r["instrument"]["id"] for r in results} == list_page_instruments(client, query)


@pytest.mark.parametrize("query", FILTER_QUERIES)
def test_the_instruments_list_holds_the_list_pages_instruments(client, knowledge_base, query):
    got = [r["id"] for r in api_all(client, API + "instruments/", query)]
    assert len(got) == len(set(got))
    assert set(got) == list_page_instruments(client, query)


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("region=999999", "region"),
        ("type=no-such-type", "type"),
        ("kind=reform&kind=x", "kind"),
        ("cursor=not-a-cursor", "cursor"),
        ("page_size=abc", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=100000", "page_size"),
        ("regoin=632800", "regoin"),
        ("sort=name", "sort"),
        ("page=2", "page"),
    ],
)
def test_an_unusable_parameter_answers_400_naming_it(client, knowledge_base, query, parameter):
    for endpoint in ("mentions/", "instruments/"):
        response = client.get(API + endpoint, QUERY_STRING=query)
        assert response.status_code == 400, (endpoint, query)
        body = response.json()
        assert parameter in body["errors"]
        assert body["errors"][parameter][0]


def test_blank_and_repeated_values_are_read_as_the_list_reads_them(client, knowledge_base):
    plain = [r["id"] for r in api_all(client, API + "mentions/", "region=632800")]
    noisy = [r["id"] for r in api_all(client, API + "mentions/", "region=632800&region=&type=")]
    assert noisy == plain


def test_reference_endpoints_refuse_filters_they_do_not_take(client, knowledge_base):
    response = client.get(API + "regions/", {"type": "regulation"})
    assert response.status_code == 400
    assert client.get(API + "regions/632800/", {"x": "1"}).status_code == 400


# Paging ----------------------------------------------------------------------------------------


def test_paging_gives_every_entry_once_while_entries_are_added(client, knowledge_base):
    measure = Measure.objects.get(slug="reform-3")
    seen, added = [], []
    response = client.get(API + "mentions/", {"page_size": 7})
    while True:
        body = response.json()
        seen += [r["id"] for r in body["results"]]
        if not body["next"]:
            break
        # Between pages, an editor publishes a new entry.
        added.append(make_mention(measure=measure, region="632800", name=f"新条目{len(added)}").pk)
        response = client.get(body["next"])
    assert len(seen) == len(set(seen))
    assert set(seen) == set(Mention.objects.published().values_list("pk", flat=True))
    assert set(added) <= set(seen)


def test_the_previous_link_leads_back(client, knowledge_base):
    first = client.get(API + "mentions/", {"page_size": 10}).json()
    second = client.get(first["next"]).json()
    back = client.get(second["previous"]).json()
    assert [r["id"] for r in back["results"]] == [r["id"] for r in first["results"]]


def api_pages(client, path, query):
    """The ids of every page of an API list, following `next` links, then back from the last
    page following `previous` links (in the order they were read)."""
    forward = [client.get(path, QUERY_STRING=encoded(query)).json()]
    while forward[-1]["next"]:
        forward.append(client.get(forward[-1]["next"]).json())
    backward = [forward[-1]]
    while backward[-1]["previous"]:
        backward.append(client.get(backward[-1]["previous"]).json())
    ids = [[r["id"] for r in page["results"]] for page in forward]
    return ids, [[r["id"] for r in page["results"]] for page in backward]


@pytest.mark.parametrize("query", FILTER_QUERIES + ["region=632800&type=mechanism"])
def test_a_filtered_instruments_list_pages_through_its_instruments_in_id_order(
    client, knowledge_base, query
):
    # A draft entry in Haixi of an instrument published elsewhere: the instrument is not among
    # Haixi's.
    elsewhere = (
        Instrument.objects.published().exclude(mentions__region__code__startswith="6328").first()
    )
    make_mention(
        measure=Measure.objects.get(slug="reform-6"),
        region="632800",
        type="mechanism",
        instrument=elsewhere,
        name=elsewhere.name,
        status=Mention.Status.DRAFT,
    )
    expected = sorted(
        set(
            Mention.objects.filter(pk__in=filtered_mentions(query)).values_list(
                "instrument", flat=True
            )
        )
    )
    if "region=632800" in query:
        assert elsewhere.pk not in expected
    forward, backward = api_pages(client, API + "instruments/", f"{query}&page_size=2")
    # Every page is the next two of the instruments in id order, and paging back gives the
    # same pages.
    assert forward == [expected[i : i + 2] for i in range(0, len(expected), 2)]
    assert backward == forward[::-1]


def test_paging_a_filtered_instruments_list_gives_every_instrument_once_while_they_are_added(
    client, knowledge_base
):
    measure = Measure.objects.get(slug="reform-3")
    seen, added = [], []
    response = client.get(API + "instruments/", {"region": "632800", "page_size": 3})
    while True:
        body = response.json()
        seen += [r["id"] for r in body["results"]]
        if not body["next"]:
            break
        # Between pages, an editor publishes an entry of a new instrument in Haixi.
        entry = make_mention(measure=measure, region="632801", name=f"海西新条例{len(added)}")
        added.append(entry.instrument_id)
        response = client.get(body["next"])
    assert len(seen) == len(set(seen))
    assert seen == sorted(seen)
    assert set(added) <= set(seen)
    assert set(seen) == list_page_instruments(client, "region=632800")


# Methods ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_anonymous_writes_answer_405(client, knowledge_base, method):
    entry = Mention.objects.published().first()
    before = Mention.objects.count()
    for path in (f"{API}mentions/", f"{API}mentions/{entry.pk}/", f"{API}instruments/"):
        response = getattr(client, method)(path, {}, content_type="application/json")
        assert response.status_code == 405, (method, path)
    assert Mention.objects.count() == before


def test_writes_answer_405_to_a_signed_in_editor_too(admin_client, knowledge_base):
    entry = Mention.objects.published().first()
    response = admin_client.delete(f"{API}mentions/{entry.pk}/")
    assert response.status_code == 405
    assert Mention.objects.filter(pk=entry.pk).exists()


def test_head_and_options_are_answered(client, knowledge_base):
    assert client.head(API + "mentions/").status_code == 200
    response = client.options(API + "mentions/")
    assert response.status_code == 200
    assert "GET" in response["Allow"] and "POST" not in response["Allow"]


# Validators -------------------------------------------------------------------------------------


def test_a_repeated_request_with_its_etag_answers_304(client, knowledge_base):
    first = client.get(API + "mentions/", {"region": "632800"})
    etag, modified = first["ETag"], first["Last-Modified"]
    again = client.get(API + "mentions/", {"region": "632800"}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    since = client.get(API + "mentions/", {"region": "632800"}, HTTP_IF_MODIFIED_SINCE=modified)
    assert since.status_code == 304
    # Another query is another answer.
    other = client.get(API + "mentions/", {"region": "630100"}, HTTP_IF_NONE_MATCH=etag)
    assert other.status_code == 200


def test_the_etag_changes_when_published_data_changes(client, knowledge_base):
    etag = client.get(API + "mentions/")["ETag"]
    entry = Mention.objects.published().get(name="大气污染防治条例")
    entry.quote += "（更正）"
    entry.save()
    response = client.get(API + "mentions/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_a_304_reads_nothing_but_the_datasets_version(client, knowledge_base):
    etag = client.get(API + "mentions/")["ETag"]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(API + "mentions/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert len(queries) == 1


# CORS ------------------------------------------------------------------------------------------


def test_any_origin_may_read_the_api(client, knowledge_base):
    response = client.get(API + "mentions/", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response
    preflight = client.options(
        API + "mentions/",
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]


def test_the_sites_pages_are_not_opened_to_other_origins(client, knowledge_base):
    for path in ("/instruments/", "/admin/login/", "/instruments/export.csv"):
        response = client.get(path, HTTP_ORIGIN="https://example.org")
        assert "Access-Control-Allow-Origin" not in response, path


# Rate limit ------------------------------------------------------------------------------------


def test_an_address_over_the_rate_limit_gets_429_with_retry_after(client, knowledge_base, settings):
    settings.API_RATE_LIMIT = "3/min"
    cache.clear()
    try:
        for _ in range(3):
            assert client.get(API + "types/", REMOTE_ADDR="10.0.0.1").status_code == 200
        refused = client.get(API + "types/", REMOTE_ADDR="10.0.0.1")
        assert refused.status_code == 429
        assert 0 < int(refused["Retry-After"]) <= 60
        # A forged X-Forwarded-For does not make a new address …
        forged = client.get(
            API + "types/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.7"
        )
        assert forged.status_code == 429
        # … another client is not affected.
        assert client.get(API + "types/", REMOTE_ADDR="10.0.0.2").status_code == 200
    finally:
        cache.clear()


# Queries ---------------------------------------------------------------------------------------


def queries_for(client, path, query=""):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, QUERY_STRING=encoded(query))
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize("endpoint", ["mentions", "instruments"])
@pytest.mark.parametrize("query", ["", "region=632800&type=mechanism", "q=西宁 条例"])
def test_a_list_costs_the_same_queries_for_any_number_of_rows(
    client, knowledge_base, endpoint, query
):
    client.get(f"{API}types/")  # the dataset's version, replayed once and kept
    small = queries_for(client, f"{API}{endpoint}/", f"{query}&page_size=1")
    large = queries_for(client, f"{API}{endpoint}/", f"{query}&page_size=500")
    # More data: the same page costs the same.
    measure = Measure.objects.get(slug="reform-3")
    for n in range(30):
        make_mention(measure=measure, region="632800", type="mechanism", name=f"西宁条例机制{n}")
    # The first request after a change replays the history once (the dataset's version).
    client.get(f"{API}types/")
    larger = queries_for(client, f"{API}{endpoint}/", f"{query}&page_size=500")
    assert small == large == larger
    # Among them, one reads the ids of the units a region filter takes in.
    assert large <= 9


@pytest.mark.parametrize("endpoint", ["mentions", "instruments"])
def test_a_detail_costs_the_same_queries_whatever_it_holds(client, knowledge_base, endpoint):
    few = Instrument.objects.get(name="大气污染防治条例")
    many = Instrument.objects.get(name="西宁市生态环境保护条例")
    client.get(f"{API}types/")  # the dataset's version, replayed once and kept
    if endpoint == "mentions":
        few, many = few.mentions.first(), many.mentions.first()
    assert queries_for(client, f"{API}{endpoint}/{few.pk}/") == queries_for(
        client, f"{API}{endpoint}/{many.pk}/"
    )
    assert queries_for(client, f"{API}{endpoint}/{few.pk}/") <= 5
