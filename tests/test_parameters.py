"""Every URL of the site, public and admin, answers hostile parameter values with a message,
never a server error: a table of values run against each pattern of the URL conf."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from measures.models import Measure, Mention

pytestmark = pytest.mark.django_db

# Values that have broken pages before: a NUL (PostgreSQL refuses it in text), numbers too big
# for any column or date, and text where a number is expected.
HOSTILE_VALUES = ["\x00", "a\x00b", "99999999999", "-1", "六", "%", "'", "x" * 2000]
# Parameters pages and the admin read, plus one no page reads.
PARAMETERS = [
    "q",
    "source",
    "kind",
    "region",
    "measure",
    "type",
    "category",
    "sort",
    "page",
    "prefecture",
    "status__exact",
    "published_on__year",
    "published_on__month",
    "published_on__day",
    "term",
    "app_label",
    "model_name",
    "field_name",
    "o",
    "p",
    "all",
    "_changelist_filters",
    "continues",
    "_to_field",
    "unknown",
]


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def concrete(route, samples):
    """The route with each <converter:name> replaced by a sample value; None if it cannot be."""
    import re

    path = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    for name in re.findall(r"<(?:\w+:)?(\w+)>", path):
        if name not in samples:
            return None
        path = re.sub(rf"<(?:\w+:)?{name}>", samples[name], path)
    if re.search(r"[\[\]()?*+|]", path):
        return None  # a regular expression route (static, media): not a page
    return "/" + path


@pytest.fixture
def samples(knowledge_base):
    entry = Mention.objects.published().order_by("pk").first()
    return {
        "pk": str(entry.pk),
        "object_id": str(entry.pk),
        "code": "632800",
        "slug": Measure.objects.order_by("pk").first().slug,
        "version_id": str(entry.history.first().history_id),
        "app_label": "measures",
        "content_type_id": "1",
        "user_id": "1",
        "id": "1",
    }


def routes(samples):
    found = set()
    for route in walk(get_resolver().url_patterns):
        path = concrete(route, samples)
        if path is not None:
            found.add(path)
    return sorted(found)


def test_the_table_covers_the_public_pages_and_the_admin(samples):
    paths = routes(samples)
    assert "/instruments/" in paths and "/matrix/" in paths and "/regions/632800/" in paths
    assert "/admin/measures/mention/" in paths
    assert "/admin/measures/source/import-article/" in paths
    assert len(paths) > 60


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "superuser"])
def test_no_url_answers_a_hostile_parameter_with_a_server_error(
    client, admin_user, samples, signed_in
):
    if signed_in:
        client.force_login(admin_user)
    failures = []
    for path in routes(samples):
        for query in hostile_queries():
            try:
                response = client.get(path, query)
                if response.streaming:
                    b"".join(response.streaming_content)
            except Exception as error:  # any exception is the finding
                failures.append((path, query, repr(error)[:120]))
                continue
            if response.status_code >= 500:
                failures.append((path, query, response.status_code))
    assert not failures, failures[:20]


def hostile_queries():
    """Queries that give every parameter every hostile value, a few requests per URL.

    Each NUL value goes in every parameter at once (the edge answers it). The other values are
    rotated over the parameters, so that in each request the parameters hold different kinds
    of bad value and, over the requests, each parameter holds each of them.
    """
    nul = [value for value in HOSTILE_VALUES if "\x00" in value]
    others = [value for value in HOSTILE_VALUES if "\x00" not in value]
    yield from ({name: value for name in PARAMETERS} for value in nul)
    for shift in range(len(others)):
        yield {name: others[(index + shift) % len(others)] for index, name in enumerate(PARAMETERS)}


@pytest.mark.parametrize(
    "path",
    [
        "/matrix/?source=a%00b",
        "/instruments/?q=%00",
        "/admin/measures/mention/?prefecture=%00",
        "/admin/measures/source/?status__exact=%00",
        "/admin/autocomplete/?app_label=measures&model_name=mention&field_name=measure&term=%00",
    ],
)
def test_a_nul_in_any_parameter_answers_400_with_a_message(admin_client, knowledge_base, path):
    response = admin_client.get(path)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_the_edge_answers_a_page_for_pages_and_plain_text_for_files(client, knowledge_base):
    page = client.get("/instruments/?q=%00")
    assert 'role="alert"' in page.content.decode() and "“q”" in page.content.decode()
    export = client.get("/instruments/export.csv?q=%00")
    assert export.status_code == 400 and export["Content-Type"].startswith("text/plain")


def test_a_nul_in_a_posted_form_answers_400_and_saves_nothing(admin_client, knowledge_base):
    entry = Mention.objects.order_by("pk").first()
    response = admin_client.post(
        f"/admin/measures/mention/{entry.pk}/change/", {"name": "条例\x00", "notes": "x"}
    )
    assert response.status_code == 400
    entry.refresh_from_db()
    assert "\x00" not in entry.name and entry.notes == ""


def test_a_date_part_no_date_can_have_answers_400_in_the_admin(admin_client, knowledge_base):
    response = admin_client.get("/admin/measures/source/?published_on__year=99999999999")
    assert response.status_code == 400
    assert "published_on__year" in response.content.decode()
    assert admin_client.get("/admin/measures/source/?published_on__year=2024").status_code == 200


def test_an_add_form_ignores_initial_values_that_name_no_row(admin_client, knowledge_base):
    response = admin_client.get("/admin/measures/mention/add/?measure=六&region=-1&type=x")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert not {"measure", "region", "type"} & set(form.initial)


def test_pages_answer_on_a_database_with_nothing_loaded(client, empty_database):
    for path in ["/", "/regions/", "/instruments/", "/matrix/", "/instruments/export.csv"]:
        assert client.get(path).status_code < 500, path


@pytest.mark.parametrize(
    "path",
    [
        "/admin/measures/mention/%25/history/",
        "/admin/measures/source/abc/history/",
        "/admin/measures/mention/1/history/x/",
    ],
)
def test_an_admin_history_url_with_an_id_that_is_no_number_is_not_found(admin_client, path):
    assert admin_client.get(path).status_code == 404


def test_an_empty_to_field_answers_400_on_every_admin_page(admin_client, admin_user):
    for url in [
        "/admin/measures/mention/1/change/?_to_field=",
        f"/admin/auth/user/{admin_user.pk}/change/?_to_field=&_to_field=",
    ]:
        assert admin_client.get(url).status_code == 400, url


def test_an_add_form_ignores_related_values_that_name_no_row(admin_client, knowledge_base):
    for query in ["continues=NaN", "continues=__proto__", "continues=1,x", "source=%zz"]:
        response = admin_client.get(f"/admin/measures/measure/add/?{query}")
        assert response.status_code == 200, query
