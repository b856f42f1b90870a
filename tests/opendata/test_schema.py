"""The OpenAPI document: valid, complete, and enough for a client that knows nothing else; and
the documentation page that renders it."""

import re
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from openapi_spec_validator import validate

from measures.browse.filters import MentionFilter
from measures.models import Measure, Mention
from tests.factories import make_mention

pytestmark = pytest.mark.django_db

SCHEMA = "/api/v1/schema/"
JSON = "application/vnd.oai.openapi+json"


def schema(client):
    response = client.get(SCHEMA, HTTP_ACCEPT=JSON)
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_a_valid_openapi_3_document(client, knowledge_base):
    document = schema(client)
    assert document["openapi"].startswith("3.")
    validate(document)


def test_the_schema_documents_a_list_and_a_detail_of_every_kind(client, knowledge_base):
    paths = schema(client)["paths"]
    for kind, key in [
        ("instruments", "id"),
        ("mentions", "id"),
        ("measures", "slug"),
        ("regions", "code"),
        ("types", "slug"),
        ("sources", "slug"),
    ]:
        assert set(paths[f"/api/v1/{kind}/"]) == {"get"}, kind
        assert set(paths[f"/api/v1/{kind}/{{{key}}}/"]) == {"get"}, kind


# What each documented filter is tried with, and what the list page gives for it. A filter the
# schema documents and this table lacks fails the test below: every filter is tried.
FILTER_VALUES = {
    "kind": ["direction"],
    "measure": ["reform-6", "direction-2"],
    "region": ["632800", "630100"],
    "category": ["economic"],
    "type": ["mechanism"],
    "q": ["西宁"],
}


def documented_filters(document, path):
    parameters = document["paths"][path]["get"]["parameters"]
    return {p["name"] for p in parameters if p["in"] == "query"} - {"cursor", "page_size"}


def follow(client, url, params=None):
    results = []
    response = client.get(url, params or {})
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        results += body["results"]
        if not body["next"]:
            return results
        response = client.get(body["next"])


def list_page_instruments(client, params):
    """The instruments of the rows the list page shows for `params`, all pages."""
    instruments, number = set(), 1
    while True:
        response = client.get("/instruments/", [*params, ("page", number)])
        assert response.status_code == 200
        instruments |= {entry.instrument_id for entry in response.context["page"].object_list}
        if not response.context["page"].has_next():
            return instruments
        number += 1


@pytest.mark.parametrize("path", ["/api/v1/mentions/", "/api/v1/instruments/"])
def test_every_documented_filter_changes_the_result_as_the_list_page_does(
    client, knowledge_base, path
):
    document = schema(client)
    filters = documented_filters(document, path)
    assert filters == set(FILTER_VALUES)
    everything = {r["id"] for r in follow(client, path, {"page_size": 500})}
    for name in sorted(filters):
        params = [(name, value) for value in FILTER_VALUES[name]]
        results = follow(client, path + "?" + urlencode(params))
        got = {r["id"] for r in results}
        assert got and got != everything, name
        # The instruments are the list page's, and the mentions are theirs that match.
        instruments = (
            {r["instrument"]["id"] for r in results} if path.endswith("mentions/") else got
        )
        assert instruments == list_page_instruments(client, params), name
        if path.endswith("mentions/"):
            filterset = MentionFilter(
                QueryDict(urlencode(params)), queryset=Mention.objects.published()
            )
            assert got == set(filterset.qs.values_list("pk", flat=True)), name


def test_a_client_with_only_the_schema_lists_pages_and_fetches(client, knowledge_base):
    # Haixi's regulations: the knowledge base has none, so an editor adds two.
    haixi = Measure.objects.get(slug="reform-6")
    for name in ("柴达木盆地生态保护条例", "海西州大气污染防治条例"):
        make_mention(measure=haixi, region="632823", type="regulation", name=name)
    document = schema(client)
    base = "http://testserver"

    def operation(resource, *, detail):
        """The path of the GET operation that lists (or gives one of) `resource`, found by
        what the document says of it."""
        for path, operations in document["paths"].items():
            get = operations.get("get")
            if not get or f"/{resource}/" not in path:
                continue
            if ("{" in path) == detail:
                return path, get
        raise AssertionError(resource)

    # 1. Haixi's regulations, through the filters the document names.
    path, get = operation("instruments", detail=False)
    names = {p["name"]: p for p in get["parameters"]}
    assert names["region"]["schema"]["type"] == "array"
    assert names["region"]["explode"] is True
    listed = follow(client, base + path, {"region": "632800", "type": "regulation"})
    assert {r["name"] for r in listed} == {"柴达木盆地生态保护条例", "海西州大气污染防治条例"}
    assert all(r["region"]["code"] == "632823" for r in listed)

    # 2. Every entry, page by page, by the `next` link the response schema documents, while
    # entries are added between pages.
    path, get = operation("mentions", detail=False)
    page_schema = get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    properties = document["components"]["schemas"][page_schema.rsplit("/", 1)[-1]]["properties"]
    assert {"next", "results"} <= set(properties)
    size = names["page_size"]["schema"]
    seen, added = [], []
    response = client.get(base + path, {"page_size": 8})
    assert size["minimum"] <= 8 <= size["maximum"]
    while True:
        body = response.json()
        seen += [r["id"] for r in body["results"]]
        if body["next"] is None:
            break
        added.append(make_mention(measure=haixi, region="632800", name=f"新工作机制{len(seen)}"))
        response = client.get(body["next"])
    assert len(seen) == len(set(seen))  # no duplicates
    assert set(seen) == set(Mention.objects.published().values_list("pk", flat=True))  # no gaps
    assert {m.pk for m in added} <= set(seen)

    # 3. One entry, by the detail path's template.
    path, get = operation("mentions", detail=True)
    (placeholder,) = re.findall(r"{(\w+)}", path)
    entry = client.get(base + path.replace("{" + placeholder + "}", str(seen[0])))
    assert entry.status_code == 200
    detail_ref = get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    documented = document["components"]["schemas"][detail_ref.rsplit("/", 1)[-1]]["properties"]
    assert set(entry.json()) == set(documented)


def test_the_documentation_page_loads_only_the_sites_own_files(client, db):
    response = client.get("/api/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    # Nothing inline: the policy would block it.
    assert not re.search(r"<script(?![^>]*\bsrc=)|<style|\sstyle=", html)
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    for asset in sources:
        if asset.startswith("/static/"):
            assert client.get(asset).status_code == 200, asset
    script = client.get("/api/", {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()
