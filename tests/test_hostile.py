"""Input meant to break the site: hostile query strings and paths, markup saved by editors, and a
database connection that dies under the app. None of it may cause a server error or run in a page.
"""

import csv
import io
import json
import re
from urllib.parse import quote, quote_from_bytes

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from measures.browse.filters import MentionFilter
from measures.models import InstrumentType, Measure, Mention, Source
from regions.models import Region

pytestmark = pytest.mark.django_db

SOURCE_SLUG = "qinghai-eco-reform-2024-12-26"
EXPORTS = ("/instruments/export.csv", "/instruments/export.json", "/instruments/export.xlsx")
OPEN_DATA = (
    "/api/",
    "/api/v1/",
    "/api/v1/schema/",
    "/api/v1/mentions/",
    "/api/v1/instruments/",
    "/api/v1/measures/",
    "/api/v1/measures/reform-6/",
    "/api/v1/regions/",
    "/api/v1/regions/632800/",
    "/api/v1/types/",
    "/api/v1/types/regulation/",
    "/api/v1/sources/",
    f"/api/v1/sources/{SOURCE_SLUG}/",
    "/instruments/feed/",
    "/about/data/",
    "/about/data/datapackage.json",
    "/about/data/data/regions.csv",
    "/about/data/qhreform-data.zip",
    "/sitemap.xml",
    "/sitemap-mentions.xml",
    "/robots.txt",
)


def public_urls(entry_id):
    return [
        "/",
        "/regions/",
        "/regions/632800/",
        "/measures/reform-6/",
        "/instruments/",
        f"/mentions/{entry_id}/",
        f"/instruments/{Mention.objects.get(pk=entry_id).instrument_id}/",
        *EXPORTS,
        f"/sources/{SOURCE_SLUG}/",
        "/matrix/",
        "/healthz",
        *OPEN_DATA,
        f"/api/v1/mentions/{entry_id}/",
        f"/api/v1/instruments/{Mention.objects.get(pk=entry_id).instrument_id}/",
    ]


def read_fully(response):
    """The body, streamed or not: an error while streaming would otherwise go unseen."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def server_errors(client, requests):
    """(what, path, query, outcome) for each request answered 5xx or raising."""
    found = []
    for what, path, query in requests:
        try:
            response = client.get(path, QUERY_STRING=query)
            read_fully(response)
        except Exception as error:  # any exception is the finding
            found.append((what, path, query[:80], repr(error)[:200]))
            continue
        if response.status_code >= 500:
            found.append((what, path, query[:80], response.status_code))
    return found


# Hostile query strings -------------------------------------------------------------------------

LONG = "长" * 10_000
HOSTILE_QUERIES = {
    "SQL in a search": "q=%27%20OR%201%3D1%20--",
    "SQL in a region": "region=630100;DROP%20TABLE%20measures_mention",
    "SQL unencoded": "region=630100';DROP TABLE measures_mention;--&kind=reform' OR '1'='1",
    "long search": "q=" + quote(LONG),
    "long region": "region=" + "9" * 10_000,
    "long key": "x" * 10_000 + "=1",
    "bad escape %zz": "q=%zz&region=%zz",
    "lone %": "q=%&region=%",
    "escape in a key": "%zz=1&%=2",
    "NUL in search": "q=%00",
    "NUL in region": "region=%00",
    "NUL in every filter": "kind=%00&measure=%00&category=%00&type=%00&sort=%00&page=%00",
    "NUL inside a value": "q=a%00b&region=6301%0000",
    "control characters": "q=%01%02%1b%7f&region=%0d%0a",
    "region ×200": "&".join(["region=630100"] * 200),
    "search ×200": "&".join(["q=x"] * 200),
    "every filter ×200": "&".join(
        f"{name}=x" for name in ("kind", "measure", "region", "category", "type") * 40
    ),
    "page -1": "page=-1",
    "page 0": "page=0",
    "huge page": "page=99999999999999999999",
    "page 1e9": "page=1e9",
    "page NaN": "page=NaN",
    "page ×2": "page=1&page=2",
    "garbage cursor": "after=%%%garbage&before=W10",
    "NUL in a cursor": "after=%00",
    "cursor of NUL": "before=WzAsIlx1MDAwMCJd",
    "long cursor": "after=" + "W" * 10_000,
    "RTL override": "q=%E2%80%AE%E6%B5%B7%E8%A5%BF&region=%E2%80%AE632800",
    "emoji": "q=%F0%9F%92%A9%F0%9F%8F%B3%EF%B8%8F%E2%80%8D%F0%9F%8C%88&type=%F0%9F%92%A9",
    "lone surrogate": "q=%ED%A0%80&region=%ED%A0%80",
    "invalid UTF-8": "q=%C0%AF%FF%FE&measure=%80",
    "zero-width and BOM": "q=%E2%80%8B%EF%BB%BF",
    "sort -id": "sort=-id",
    "sort __class__": "sort=__class__",
    "sort through a relation": "sort=measure__source__text",
    "sort list": "sort=name,__class__&sort=-region",
    "array keys": "region[]=1&kind[]=reform&q[]=x",
    "object keys": "region[code]=630100&q[$ne]=1",
    "empty keys": "=&==&&&=x",
    "keys only": "region&kind&q&page",
    "plus and spaces": "q=+++&region=+630100+",
    "html in values": "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&region=%22%3E%3Cimg%20src%3Dx%3E",
}


def test_no_public_url_answers_a_hostile_query_string_with_a_server_error(client, knowledge_base):
    entry = Mention.objects.published().first()
    before = Mention.objects.count()
    requests = [
        (what, path, query)
        for path in public_urls(entry.pk)
        for what, query in HOSTILE_QUERIES.items()
    ]
    assert server_errors(client, requests) == []
    assert Mention.objects.count() == before


@pytest.mark.parametrize(
    "query",
    [
        "region=630100;DROP%20TABLE%20measures_mention",
        "sort=__class__",
        "sort=-id",
        "page=-1",
        "page=99999999999999999999",
        "after=%%%garbage",
        "region[]=1&region=x",
    ],
)
def test_the_list_refuses_unusable_values_with_a_message(client, knowledge_base, query):
    response = client.get("/instruments/", QUERY_STRING=query)
    assert response.status_code == 400
    assert response.context["listing"].errors  # the page says what cannot be used


HOSTILE_PATHS = [
    "/regions/" + "9" * 10_000 + "/",
    "/regions/%ED%A0%80/",
    "/regions/%E2%80%AE632800/",
    "/regions/'%20OR%201=1%20--/",
    "/regions/..%2F..%2Fetc%2Fpasswd/",
    "/measures/%00/",
    "/measures/reform-6%00/",
    "/measures/" + "a" * 10_000 + "/",
    "/instruments/0/",
    "/instruments/99999999999999999999999999/",
    "/instruments/%00/",
    "/sources/%00/",
    "/sources/../admin/",
    "/%00",
    "/%ED%A0%80/",
    "/static/..%2F..%2Fqhreform%2Fsettings.py",
    "/api/v1/mentions/0/",
    "/api/v1/mentions/99999999999999999999999999/",
    "/api/v1/instruments/99999999999999999999999999/",
    "/api/v1/regions/%00/",
    "/api/v1/regions/" + "9" * 10_000 + "/",
    "/api/v1/measures/%ED%A0%80/",
    "/api/v1/sources/%00/",
    "/api/v1/types/'%20OR%201=1%20--/",
    "/about/data/data/%00.csv",
    "/about/data/data/no-such-table.csv",
    "/sitemap-%00.xml",
    "/sitemap-no-such-section.xml",
]


def test_hostile_paths_answer_not_found_rather_than_a_server_error(client, knowledge_base):
    requests = [("path", path, "") for path in HOSTILE_PATHS]
    assert server_errors(client, requests) == []


@pytest.mark.parametrize("path", ["/regions/%00/", "/regions/632800%00/"])
def test_a_nul_byte_in_a_region_code_answers_not_found(client, reference_data, path):
    assert server_errors(client, [("path", path, "")]) == []
    assert client.get(path).status_code == 404


# Generated query strings -----------------------------------------------------------------------

FILTER_KEYS = [*MentionFilter.base_filters, "page"]

text_with_control_characters = st.text(
    st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=["Cs"]),
    max_size=40,
)


def encoded_text(strategy):
    return strategy.map(lambda text: quote(text, safe=""))


def encoded_bytes():
    # Raw bytes: invalid UTF-8 and lone surrogates (ED A0 80) among them.
    return st.binary(max_size=30).map(lambda data: quote_from_bytes(data, safe=""))


keys = st.one_of(
    st.sampled_from(FILTER_KEYS),
    st.sampled_from(FILTER_KEYS).map(lambda key: key + "[]"),
    encoded_text(text_with_control_characters),
    encoded_bytes(),
)
values = st.one_of(
    encoded_text(text_with_control_characters),
    encoded_bytes(),
    # Unencoded ASCII, separators and stray % included.
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30),
    st.sampled_from(["630100", "632800", "reform", "reform-6", "regulation", "legal", "name"]),
    st.integers().map(str),
)
query_strings = st.lists(st.tuples(keys, values), max_size=8).map(
    lambda pairs: "&".join(f"{key}={value}" for key, value in pairs)
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=query_strings)
def test_generated_query_strings_never_cause_a_server_error(client, knowledge_base, query):
    paths = ("/instruments/", EXPORTS[0], "/api/v1/mentions/", "/instruments/feed/")
    requests = [("generated", path, query) for path in paths]
    assert server_errors(client, requests) == []


# Markup saved through the admin ----------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '" onmouseover="alert(1)'
IMAGE = "<img src=x onerror=alert(1)>"
ALL = SCRIPT + ATTRIBUTE + IMAGE
SHORT = '"><script>x</script>'  # the action field holds 20 characters


def admin_form_data(admin_client, url):
    """What the admin form at `url` would post back unchanged."""
    form = admin_client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = value
    return data


def save_in_admin(admin_client, url, **changes):
    response = admin_client.post(url, {**admin_form_data(admin_client, url), **changes})
    assert response.status_code == 302, response.context["adminform"].form.errors


@pytest.fixture
def markup_everywhere(admin_client, knowledge_base):
    """Editors' text full of markup in every field the public pages and exports show."""
    region = Region.objects.get(code="632800")
    type_ = InstrumentType.objects.get(slug="regulation")
    measure = Measure.objects.get(slug="reform-6")
    source = Source.objects.get(slug=SOURCE_SLUG)
    save_in_admin(
        admin_client,
        f"/admin/regions/region/{region.pk}/change/",
        name=IMAGE + "海西蒙古族藏族自治州",
        short_name=SCRIPT,
        name_en=ATTRIBUTE,
    )
    save_in_admin(
        admin_client,
        f"/admin/measures/instrumenttype/{type_.pk}/change/",
        name=SCRIPT,
        name_en=ATTRIBUTE,
    )
    save_in_admin(admin_client, f"/admin/measures/measure/{measure.pk}/change/", title=ALL)
    save_in_admin(admin_client, f"/admin/measures/source/{source.pk}/change/", title=ALL)
    save_in_admin(
        admin_client,
        "/admin/measures/mention/add/",
        name=ALL,
        action=SHORT,
        quote=ALL,
        notes=ALL,
        evidence_reference=ALL,
        type=type_.pk,
        region=region.pk,
        measure=measure.pk,
        status=Mention.Status.PUBLISHED,
    )
    return Mention.objects.get(name=ALL)


JSON_LD = re.compile(r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>', re.S)


def assert_no_live_markup(html, url):
    for payload in (SCRIPT, ATTRIBUTE, IMAGE, SHORT):
        assert payload not in html, (url, payload)
    # The site's only script elements are JSON-LD data blocks, whose content is JSON that cannot
    # close them; any other would be injected.
    for block in JSON_LD.findall(html):
        json.loads(block)
    assert "<script" not in JSON_LD.sub("", html).lower(), url


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_markup_saved_by_editors_is_shown_as_text_on_every_page(
    client, markup_everywhere, language
):
    prefix = "/en" if language == "en" else ""
    entry = markup_everywhere
    pages = [
        f"{prefix}{path}"
        for path in (
            "/",
            "/regions/",
            "/regions/632800/",
            "/measures/reform-6/",
            "/instruments/?region=632800&measure=reform-6",
            f"/mentions/{entry.pk}/",
            f"/instruments/{entry.instrument_id}/",
            f"/sources/{SOURCE_SLUG}/",
            "/matrix/",
        )
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_no_live_markup(html, url)
        # The text is there, shown as text: the check above looked at the right page.
        shown = escape(ATTRIBUTE) if language == "en" and url.startswith("/en/regions") else None
        assert escape(SCRIPT) in html or (shown and shown in html), url
    entry_page = client.get(f"/mentions/{entry.pk}/").content.decode()
    for payload in (SCRIPT, ATTRIBUTE, IMAGE, SHORT):
        assert escape(payload) in entry_page


def export_row(client, fmt, entry):
    response = client.get(
        f"/instruments/export.{fmt}", {"region": "632800", "header": "en", "per": "mention"}
    )
    assert response.status_code == 200
    body = read_fully(response)
    if fmt == "csv":
        rows = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    elif fmt == "json":
        rows = json.loads(body)["results"]
    else:
        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        header, *data = sheet.iter_rows(values_only=True)
        rows = [dict(zip(header, row, strict=True)) for row in data]
    return next(row for row in rows if str(row["id"]) == str(entry.pk))


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_exports_hold_the_markup_as_literal_text(client, markup_everywhere, fmt):
    row = export_row(client, fmt, markup_everywhere)
    assert row["instrument_name"] == ALL
    assert row["action"] == SHORT
    assert row["quote"] == ALL
    assert row["region_name"] == SCRIPT
    assert row["instrument_type_name"] == SCRIPT
    assert row["measure_title"] == ALL
    assert row["source_title"] == ALL


# A database connection that dies under the app -------------------------------------------------


def serve(path):
    """One request through the WSGI handler gunicorn calls.

    Not the test client: it leaves out the request signals' connection upkeep (closing stale
    connections, arming the health check), which is what these tests are about.
    """
    environ = RequestFactory().get(path).environ
    statuses = []
    response = WSGIHandler()(environ, lambda status, headers, *args: statuses.append(status))
    body = b"".join(response)
    response.close()  # request_finished: what keeps or closes the connection
    return int(statuses[0].split()[0]), body


# A page that reads the database, even an empty one (transactional tests empty it).
NOT_FOUND = "/measures/no-such-measure/"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates a PostgreSQL backend")
@pytest.mark.django_db(transaction=True)
def test_a_request_after_the_database_dropped_the_connection_succeeds():
    settings_dict = connection.settings_dict
    assert settings_dict["CONN_MAX_AGE"] > 0 and settings_dict["CONN_HEALTH_CHECKS"]
    # /healthz opens a connection of its own; pages use the request's kept connection.
    assert serve(NOT_FOUND)[0] == 404
    assert connection.connection is not None  # kept open for the next request
    dropped = connection.connection.info.backend_pid

    # As a database restart or an idle timeout does, from outside the app.
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute("SELECT pg_terminate_backend(%s, 5000)", [dropped])
    assert not connection.is_usable()

    assert serve(NOT_FOUND)[0] == 404
    assert connection.connection.info.backend_pid != dropped


@pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates a PostgreSQL backend")
@pytest.mark.django_db(transaction=True)
def test_without_the_health_check_the_same_request_would_fail():
    # The control for the test above: it shows the health check is what saves the request.
    assert serve(NOT_FOUND)[0] == 404
    dropped = connection.connection.info.backend_pid
    connection.health_check_enabled = False
    try:
        with psycopg.connect(**connection.get_connection_params()) as other:
            other.execute("SELECT pg_terminate_backend(%s, 5000)", [dropped])
        assert serve(NOT_FOUND)[0] == 500
    finally:
        connection.health_check_enabled = True
        connection.close()
