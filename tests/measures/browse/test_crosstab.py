"""Instruments per prefecture and type: every cell and total is what its link lists."""

import csv
import io
import re
from html import unescape

import pytest
from django.http import QueryDict

from measures.browse.crosstab import CrossTab
from measures.browse.filters import MentionFilter

pytestmark = pytest.mark.django_db

TABLE = "/instruments/table/"


def list_count(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def row_of(table, code):
    return next(row for row in table["rows"] if row["region"].code == code)


def test_regulations_per_prefecture_with_every_prefecture_and_zeros(client, knowledge_base):
    table = client.get(TABLE).context["table"]
    # The eight prefectures and the province, each a row even without any instrument.
    assert [row["region"].code for row in table["rows"]][-1] == "630000"
    assert len(table["rows"]) == 9
    regulation = [c["value"] for c in table["columns"]].index("regulation")
    assert row_of(table, "630100")["cells"][regulation]["count"] == 3
    assert row_of(table, "632600")["cells"][regulation]["count"] == 0  # 果洛: shown as 0
    assert table["total"] == 87


@pytest.mark.parametrize(
    "query",
    [
        "",
        "by=category",
        "kind=direction",
        "q=试点",
        "by=category&measure=reform-1",
        "q=西宁",
        "q=生态 制度&kind=reform",
    ],
)
def test_every_number_links_to_exactly_its_instruments(client, knowledge_base, query):
    html = client.get(f"{TABLE}?{query}").content.decode()
    links = re.findall(r'<a href="(/instruments/\?[^"]*)">(\d+)</a>', html)
    assert len(links) > 5
    for url, shown in links:
        assert list_count(client, unescape(url)) == int(shown), url


@pytest.mark.parametrize("query", ["q=西宁", "q=生态&by=category", "q=生态&measure=reform-1"])
def test_a_searched_table_counts_as_the_aggregate_queries_count(knowledge_base, monkeypatch, query):
    # Counted from one read of the search's matches, each number is what the database counts
    # with the search in every aggregate query.
    tallied = CrossTab(QueryDict(query)).table()
    monkeypatch.setattr(MentionFilter, "searched_counts", property(lambda self: None))
    aggregated = CrossTab(QueryDict(query)).table()
    assert tallied["total"] > 0
    assert tallied == aggregated


def test_the_lists_filters_narrow_it_and_its_axes_are_named_as_unused(client, knowledge_base):
    response = client.get(TABLE, {"kind": "direction", "region": "630100"})
    assert response.status_code == 200
    table = response.context["table"]
    direction_total = list_count(client, "/instruments/?kind=direction")
    assert table["total"] == direction_total
    assert any("region" in notice for notice in response.context["parameter_notices"])


def test_a_bad_axis_or_filter_is_named(client, knowledge_base):
    response = client.get(TABLE, {"by": "colour"})
    assert response.status_code == 400
    assert "colour" in response.content.decode()
    assert client.get(TABLE, {"measure": "nope"}).status_code == 400


def test_the_table_downloads_as_csv_with_its_counts(client, knowledge_base):
    response = client.get("/instruments/table.csv", {"kind": "reform", "header": "zh"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [row["地区代码"] for row in rows][:1] == ["630100"]
    xining = rows[0]
    page = client.get(TABLE, {"kind": "reform"}).context["table"]
    assert int(xining["合计"]) == row_of(page, "630100")["total"]
    assert int(xining["地方性法规"]) == 3


def test_the_list_links_to_the_table_with_its_filters_but_its_axes(client, knowledge_base):
    html = client.get("/instruments/", {"kind": "reform", "type": "pilot"}).content.decode()
    assert 'href="/instruments/table/?kind=reform"' in html
