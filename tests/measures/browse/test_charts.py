"""The map, the measure × prefecture matrix and the bar charts: one click gives exactly the count."""

import re

import pytest

from tests.factories import make_mention

pytestmark = pytest.mark.django_db

PREFECTURES = {"630100", "630200", "632200", "632300", "632500", "632600", "632700", "632800"}


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def list_count(client, url):
    response = client.get(url.replace("&amp;", "&"))
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def map_shapes(html):
    """(href, code, shade) of every prefecture shape on the map."""
    return re.findall(
        r'<a class="map-link" href="([^"]+)"[^>]*>\s*<path d="M[^"]+" class="map-shape map-shade-(\d)[^"]*" data-code="(\d+)"',
        html,
    )


@pytest.mark.parametrize("url", ["/", "/regions/"])
def test_the_map_has_the_8_prefectures_each_linking_to_its_page(client, knowledge_base, url):
    shapes = map_shapes(page(client, url))
    assert {code for _, _, code in shapes} == PREFECTURES
    assert len(shapes) == 8
    for href, _, code in shapes:
        assert href == f"/regions/{code}/"


def test_the_map_is_shaded_by_entries_and_marked_schematic(client, knowledge_base):
    html = page(client, "/")
    shades = {code: int(shade) for _, shade, code in map_shapes(html)}
    assert shades["630100"] == 5  # 西宁市 has the most entries
    assert shades["632200"] < shades["630100"]
    assert "示意图" in html
    assert "Apache ECharts 4.9.0" in html


def test_a_prefecture_page_highlights_itself_on_the_map(client, knowledge_base):
    html = page(client, "/regions/632800/")
    highlighted = re.findall(r'class="map-shape[^"]*is-highlighted" data-code="(\d+)"', html)
    assert highlighted == ["632800"]
    assert re.findall(
        r'<li class="is-highlighted"><a href="([^"]+)" aria-current="page">', html
    ) == ["/regions/632800/"]
    assert "map-unit-label" not in html


def test_a_county_page_outlines_its_prefecture_and_names_the_county_in_it(client, knowledge_base):
    html = page(client, "/regions/632823/")
    highlighted = re.findall(r'class="map-shape[^"]*is-highlighted" data-code="(\d+)"', html)
    assert highlighted == ["632800"]
    # Named on the map under its prefecture's label, and in the note beside it.
    assert re.search(r'class="map-label map-unit-label">▸ 天峻县</text>', html)
    assert re.search(r'<p class="map-note">[^<]*天峻县[^<]*海西州', html)
    # The prefecture is marked in the list, but it is not this page.
    assert '<li class="is-highlighted"><a href="/regions/632800/">' in html
    assert 'aria-current="page"' not in html.split('class="map-list"')[1].split("</ul>")[0]


@pytest.mark.parametrize("url", ["/", "/regions/632800/", "/regions/632823/"])
def test_the_maps_list_gives_every_prefectures_count_as_its_list_does(client, knowledge_base, url):
    html = page(client, url)
    rows = re.findall(
        r'<li(?: class="is-highlighted")?><a href="/regions/(\d+)/"[^>]*>.*?'
        r'<span class="map-list-name">[^<]+</span> <span class="map-list-count">(\d+)<',
        html.split('class="map-list"')[1].split("</ul>")[0],
    )
    assert {code for code, _ in rows} == PREFECTURES
    for code, shown in rows:
        assert list_count(client, f"/instruments/?region={code}") == int(shown), code


@pytest.mark.parametrize("kind", ["reform", "direction"])
def test_every_matrix_cell_and_total_equals_the_list_it_links_to(client, knowledge_base, kind):
    response = client.get(f"/matrix/?kind={kind}")
    html = response.content.decode()
    matrix = response.context["matrix"]
    assert len(matrix["columns"]) == 9  # 8 prefectures and the province level
    assert len(matrix["rows"]) == (9 if kind == "reform" else 4)
    cells = re.findall(r'<a href="(/instruments/\?[^"]+)"[^>]*>(\d+)</a>', html)
    assert len(cells) >= len(matrix["rows"])
    for url, shown in cells:
        assert list_count(client, url) == int(shown), url
    # Instruments are counted, not summed: 西宁市生态环境保护条例 is in two rows (reforms 1 and
    # 6) and counts once in the total.
    rows_sum = sum(row["total"] for row in matrix["rows"])
    if kind == "reform":
        assert matrix["total"] == rows_sum - 1
    else:
        assert matrix["total"] == rows_sum


def test_the_matrix_shows_which_prefectures_acted_under_which_measures(client, knowledge_base):
    matrix = client.get("/matrix/").context["matrix"]
    acted = {
        (row["measure"].number, cell["region"].code)
        for row in matrix["rows"]
        for cell in row["cells"]
        if cell["count"]
    }
    assert {number for number, code in acted if code == "632800"} == {2, 3, 5, 6, 7}
    assert {number for number, code in acted if code == "632300"} == {6, 7}


@pytest.mark.parametrize("url", ["/", "/regions/632800/", "/regions/630100/", "/regions/630000/"])
def test_every_bar_equals_the_list_it_links_to(client, knowledge_base, url):
    html = page(client, url)
    bars = re.findall(
        r'<li><a href="(/instruments/\?[^"]+)"><span class="label">[^<]*</span>'
        r'<span class="track" aria-hidden="true"><span class="bar bar-\d+"></span></span>'
        r'<span class="value">(\d+)</span>',
        html,
    )
    assert len(bars) >= 4
    for link, shown in bars:
        assert list_count(client, link) == int(shown), link


def test_a_chart_of_one_bar_is_left_out(client, knowledge_base):
    # 天峻县 has one entry: one bar in each chart, so neither chart and no section.
    response = client.get("/regions/632823/")
    assert response.context["charts"] == {}
    assert 'id="charts-heading"' not in response.content.decode()
    # Two entries of two types in one category: the types are charted, the category is not.
    county = "630121"
    for type in ("regulation", "rule"):
        make_mention(region=county, type=type)
    response = client.get(f"/regions/{county}/")
    assert set(response.context["charts"]) == {"types"}
    html = response.content.decode()
    assert 'id="charts-heading"' in html
    assert html.count('<ul class="bars">') == 1


@pytest.mark.parametrize("url", ["/", "/regions/", "/regions/632800/", "/matrix/"])
def test_the_pictures_need_no_script_and_nothing_from_another_origin(client, knowledge_base, url):
    html = page(client, url)
    assert "<script" not in html
    # Absolute addresses only of the site itself (the page's own in each language).
    assert not re.search(r'(src|href)="(https?:)?//(?!testserver/)', html)
    assert ' style="' not in html


@pytest.mark.parametrize(
    "query", ["type=regulation", "category=legal&kind=direction", "q=试点", "type=pilot&type=rule"]
)
def test_the_matrix_takes_the_lists_other_filters_and_every_number_is_its_link(
    client, knowledge_base, query
):
    response = client.get(f"/matrix/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    cells = re.findall(r'<a href="(/instruments/\?[^"]+)"[^>]*>(\d+)</a>', html)
    assert cells
    for url, shown in cells:
        url = url.replace("&amp;", "&")
        for part in query.split("&"):
            if not part.startswith("kind="):
                assert part.replace("试点", "%E8%AF%95%E7%82%B9") in url, url
        assert list_count(client, url) == int(shown), url
    unfiltered = client.get("/matrix/").context["matrix"]["total"]
    assert response.context["matrix"]["total"] < unfiltered


def test_an_unusable_filter_is_named_and_the_matrix_counts_everything(client, knowledge_base):
    response = client.get("/matrix/?type=nope")
    assert response.status_code == 200
    assert any("nope" in str(notice) for notice in response.context["parameter_notices"])
    assert response.context["matrix"]["total"] == client.get("/matrix/").context["matrix"]["total"]
