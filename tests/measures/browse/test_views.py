"""The public pages on the real knowledge base."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from measures import changes
from measures.browse import pages
from measures.models import Measure, Mention, Source
from regions.models import Region
from tests.factories import make_mention

pytestmark = pytest.mark.django_db

SOURCE = "/sources/qinghai-eco-reform-2024-12-26/"


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


def links(html):
    return [href.replace("&amp;", "&") for href in re.findall(r'href="([^"]+)"', html)]


def list_count(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def test_home_lists_the_13_measures_with_counts_and_prefectures(client, knowledge_base):
    html = html_of(client.get("/"))
    for measure in Measure.objects.all():
        assert measure.title in html
        assert f'href="/measures/{measure.slug}/"' in html
    assert "在推动生态环保责任落实上深化改革" in html
    assert "健全生态环境保护基础制度" in html
    # 87 instruments in 90 mentions.
    assert '<a href="/instruments/">87</a>' in html


def test_every_count_on_the_home_page_equals_the_list_it_links_to(client, knowledge_base):
    html = html_of(client.get("/"))
    pairs = re.findall(r'<a href="(/instruments/\?[^"]*)">(\d+)', html)
    pairs += re.findall(r'<a href="(/instruments/\?measure=[^"]+)">(\d+) ', html)
    assert len(pairs) >= 13
    for url, shown in pairs:
        assert list_count(client, url.replace("&amp;", "&")) == int(shown), url


def test_haixi_measure_6_is_two_clicks_from_home(client, knowledge_base):
    home = html_of(client.get("/"))
    assert 'href="/regions/632800/"' in home  # the map, first click
    haixi = html_of(client.get("/regions/632800/"))
    second = next(u for u in links(haixi) if "measure=reform-6" in u and "region=632800" in u)
    response = client.get(second)
    names = {entry.name for entry in response.context["page"].object_list}
    assert names == {"“职能部门+全过程律师服务团队”工作机制"}


def test_a_measure_page_highlights_and_links_every_entry(client, knowledge_base):
    measure = Measure.objects.get(slug="reform-1")
    html = html_of(client.get("/measures/reform-1/"))
    for entry in measure.mentions.all():
        assert f'href="/mentions/{entry.pk}/"' in html, entry.name
    assert html.count('class="entry-name') == measure.mentions.count()
    # Grouped by region, with the directions that continue it.
    for region in ("西宁市", "海南州", "海北州"):
        assert f">{region}</a>" in html
    assert "/measures/direction-2/" in html


def test_a_direction_page_lists_the_measures_it_continues(client, knowledge_base):
    html = html_of(client.get("/measures/direction-4/"))
    for slug in ("reform-6", "reform-8"):
        assert f'href="/measures/{slug}/"' in html


def test_the_regions_page_counts_measures_and_entries(client, knowledge_base):
    response = client.get("/regions/")
    html = html_of(response)
    rows = {row["region"].code: row for row in response.context["prefectures"]}
    assert len(rows) == 8
    assert rows["632800"]["measures"] == 5  # measures 2, 3, 5, 6 and 7
    assert rows["632300"]["measures"] == 2
    assert rows["632200"]["measures"] == 1
    for code, row in rows.items():
        assert list_count(client, f"/instruments/?region={code}") == row["entries"]
        assert f'href="/regions/{code}/"' in html


def test_a_prefecture_page_includes_its_counties_and_towns(client, knowledge_base):
    response = client.get("/regions/632800/")
    html = html_of(response)
    grouped = {
        measure.slug: [e.name for e in entries]
        for measure, entries, _ in response.context["groups"]
    }
    assert list(grouped) == ["reform-2", "reform-3", "reform-5", "reform-6", "reform-7"]
    assert "国家第六批“绿水青山就是金山银山”实践创新基地" in grouped["reform-3"]  # 茶卡镇
    assert "布哈河流域(天峻县区段)水环境治理与生态修复工程项目" in grouped["reform-5"]  # 天峻县
    for child in ("/regions/632823/", "/regions/632857/", "/regions/632821101/"):
        assert child in html


def test_a_unit_at_any_depth_counts_under_its_prefecture_on_every_page(
    client, knowledge_base, village
):
    haixi_before = list_count(client, "/instruments/?region=632800")
    entry = make_mention(
        measure=Measure.objects.get(slug="reform-3"), region=village, type="pilot", name="村级试点"
    )
    assert list_count(client, "/instruments/?region=632800") == haixi_before + 1

    rows = {row["region"].code: row for row in client.get("/regions/").context["prefectures"]}
    assert rows["632800"]["entries"] == haixi_before + 1
    matrix = client.get("/matrix/").context["matrix"]
    cell = next(
        cell
        for row in matrix["rows"]
        if row["measure"].slug == "reform-3"
        for cell in row["cells"]
        if cell["region"].code == "632800"
    )
    assert cell["count"] == list_count(client, "/instruments/?region=632800&measure=reform-3")
    village_page = html_of(client.get(village.get_absolute_url()))
    assert re.findall(r'is-highlighted" data-code="(\d+)"', village_page) == ["632800"]
    entry_page = html_of(client.get(entry.get_absolute_url()))
    assert 'href="/regions/632800/"' in entry_page


def test_a_county_page_and_the_province_page(client, knowledge_base):
    tianjun = client.get("/regions/632823/")
    assert [m.slug for m, _, _ in tianjun.context["groups"]] == ["reform-5"]
    province = client.get("/regions/630000/")
    entries = [e for _, group, _ in province.context["groups"] for e in group]
    assert entries and all(e.region.code == "630000" for e in entries)


def test_an_entry_page_shows_its_facts_and_leads_to_its_sentence(client, knowledge_base):
    entry = Mention.objects.get(name="布哈河流域(天峻县区段)水环境治理与生态修复工程项目")
    html = html_of(client.get(f"/mentions/{entry.pk}/"))
    assert "天峻县" in html and "海西州" in html  # region and its prefecture
    assert "<mark>布哈河流域(天峻县区段)水环境治理与生态修复工程项目</mark>" in html
    assert f'href="{SOURCE}#entry-{entry.pk}"' in html
    source = html_of(client.get(SOURCE))
    assert f'id="entry-{entry.pk}"' in source
    assert f'id="sentence-{entry.start}"' in source


def test_previous_and_next_follow_article_order(client, knowledge_base):
    ordered = list(Mention.objects.published().in_article_order())
    for before, current, after in [ordered[0:3], ordered[11:14], ordered[-3:]]:
        response = client.get(f"/mentions/{current.pk}/")
        assert response.context["previous_entry"] == before
        assert response.context["next_entry"] == after
    assert client.get(f"/mentions/{ordered[0].pk}/").context["previous_entry"] is None
    assert client.get(f"/mentions/{ordered[-1].pk}/").context["next_entry"] is None


def test_the_source_page_anchors_every_entry_and_measure(client, knowledge_base):
    html = html_of(client.get(SOURCE))
    for entry in Mention.objects.all():
        assert f'id="entry-{entry.pk}"' in html, entry.name
    for measure in Measure.objects.all():
        assert f'id="{measure.slug}"' in html
    # The text is the article, not a paraphrase.
    assert "今年以来,青海省生态环境系统聚焦当前重点任务" in html


def test_the_source_page_shows_the_article_without_page_chrome(client, knowledge_base):
    source = Source.objects.get(slug="qinghai-eco-reform-2024-12-26")
    html = html_of(client.get(SOURCE))
    article = html[html.index('<div class="source-text"') : html.index("</article>")]
    for chrome in ["发布时间", "【打印】", "关怀版", "来源丨中国环境APP"]:
        assert chrome in source.text
        assert chrome not in article, chrome
    # The heading and the header line say what the chrome said.
    assert source.title in html and "2024-12-26" in html and source.publisher in html
    # Offsets still hold: each highlighted name is the text at its entry's offsets.
    for entry in Mention.objects.published().filter(measure__source=source):
        shown = re.search(rf'id="entry-{entry.pk}"[^>]*>([^<]*)</a>', article)
        if shown:  # an entry whose name overlaps another's shares that one's link
            assert shown.group(1) == source.text[entry.name_start : entry.name_end], entry.name
        assert f'id="sentence-{entry.start}"' in article


def test_drafts_stay_off_every_public_page(client, knowledge_base):
    draft = make_mention(
        measure=Measure.objects.get(slug="reform-6"),
        region="632800",
        name="尚未发布的草稿机制",
        status=Mention.Status.DRAFT,
    )
    for url in [
        "/",
        "/regions/",
        "/regions/632800/",
        "/measures/reform-6/",
        "/instruments/",
        SOURCE,
        "/matrix/",
    ]:
        assert "尚未发布的草稿机制" not in html_of(client.get(url)), url
    assert client.get(f"/mentions/{draft.pk}/").status_code == 404


def test_an_unknown_region_or_measure_is_a_404(client, knowledge_base):
    assert client.get("/regions/999999/").status_code == 404
    assert client.get("/measures/reform-99/").status_code == 404
    assert client.get("/sources/nothing/").status_code == 404


PAGES = [
    "/",
    "/regions/",
    "/regions/632800/",
    "/measures/reform-6/",
    "/instruments/",
    "/instruments/?region=632800&type=pilot&q=基地",
    SOURCE,
    "/matrix/",
]


@pytest.mark.parametrize("url", PAGES)
def test_queries_per_page_do_not_grow_with_ten_times_the_data(client, knowledge_base, url):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    reform = Measure.objects.get(slug="reform-6")
    regions = list(Region.objects.all())
    for i in range(900):
        make_mention(
            measure=reform, region=regions[i % len(regions)], type="pilot", name=f"示范基地{i}"
        )
    assert Mention.objects.count() > 10 * 90
    # Never more; a search may need fewer once its words name too many instruments to read
    # their rows apart from the rest (`bands.MAX_NAMED`).
    assert queries() <= before


def test_entry_page_queries_are_bounded(client, knowledge_base, django_assert_max_num_queries):
    entry = Mention.objects.first()
    # The dataset's version (in the page's citation) is replayed from the history once after a
    # change and then kept; that is not the page's own cost.
    client.get("/about/data/")
    with django_assert_max_num_queries(6):
        client.get(f"/mentions/{entry.pk}/")


def test_the_site_speaks_english_too(client, knowledge_base):
    html = html_of(client.get("/en/regions/632800/"))
    assert 'lang="en"' in html
    assert "Haixi" in html


def test_the_source_object_matches_the_article_file(knowledge_base):
    from pathlib import Path

    from django.conf import settings

    path = Path(settings.KNOWLEDGE_BASE_DIR) / "source" / "qinghai-eco-reform-2024-12-26.txt"
    assert Source.objects.get().text == path.read_text(encoding="utf-8")


def test_a_prefecture_page_shows_the_first_entries_of_a_large_measure_and_links_to_all(
    client, knowledge_base
):
    reform = Measure.objects.get(slug="reform-7")
    for i in range(30):
        make_mention(
            measure=reform,
            region="632823",
            type="pilot",
            name=f"示范基地{i:02d}",
            start=3000 + i,
            end=3001 + i,
        )
    response = client.get("/regions/632800/")
    groups = {
        measure.slug: (entries, total) for measure, entries, total in response.context["groups"]
    }
    entries, total = groups["reform-7"]
    assert (len(entries), total) == (20, 31)
    assert [e.name for e in entries][:1] == ["海西州大柴旦行委矿山综合治理EOD项目"]  # article order
    html = response.content.decode()
    link = "/instruments/?measure=reform-7&amp;region=632800"
    assert link in html
    assert list_count_of(client, link.replace("&amp;", "&")) == 31


@pytest.mark.parametrize("code", ["630000", "630100", "632800", "632823"])
def test_a_region_page_counts_the_measures_its_region_acted_under(client, knowledge_base, code):
    region = Region.objects.get(code=code)
    expected = Mention.objects.published().for_region(region).values("measure").distinct().count()
    assert expected
    response = client.get(f"/regions/{code}/")
    assert response.context["measure_total"] == expected
    assert response.context["more_measures"] == 0
    shown = [measure for measure, _entries, _total in response.context["groups"]]
    assert len(shown) == expected


def test_the_measures_a_region_acted_under_follow_its_entries(client, knowledge_base, village):
    """Counted from the summary, the measures of the region list and of a region's page move
    with every write of an entry, as counting the entries themselves says they should."""

    def counted(code):
        region = Region.objects.get(code=code)
        return Mention.objects.published().for_region(region).values("measure").distinct().count()

    def shown():
        rows = client.get("/regions/").context["prefectures"]
        page = client.get("/regions/632800/").context
        return {row["region"].code: row["measures"] for row in rows}["632800"], page[
            "measure_total"
        ]

    assert shown() == (counted("632800"),) * 2 == (5, 5)
    # A village three levels down, under a measure 海西 had no entry under.
    entry = make_mention(
        measure=Measure.objects.get(slug="reform-1"), region=village, type="pilot", name="村级试点"
    )
    assert shown() == (counted("632800"),) * 2 == (6, 6)
    # A second entry under the same measure adds no measure; moving it elsewhere keeps it.
    other = make_mention(
        measure=Measure.objects.get(slug="reform-1"), region="632823", type="pilot", name="县级试点"
    )
    assert shown() == (6, 6)
    entry.status = Mention.Status.DRAFT
    entry.save()
    assert shown() == (6, 6)
    other.region = Region.objects.get(code="630100")
    other.save()
    assert shown() == (counted("632800"),) * 2 == (5, 5)
    entry.status = Mention.Status.PUBLISHED
    entry.save()
    assert shown() == (6, 6)
    entry.delete()
    assert shown() == (5, 5)


def test_a_region_page_shows_its_first_measures_and_says_how_many_more(
    client, knowledge_base, monkeypatch
):
    monkeypatch.setattr(pages, "MEASURES_SHOWN", 2)
    haixi = Region.objects.get(code="632800")
    in_order = list(
        Measure.objects.filter(
            pk__in=Mention.objects.published().for_region(haixi).values("measure")
        ).newest_article_first()
    )
    response = client.get("/regions/632800/")
    assert [m for m, _e, _t in response.context["groups"]] == in_order[:2]
    assert response.context["more_measures"] == len(in_order) - 2 > 0


def test_a_region_page_lists_its_measures_newest_article_first_and_shows_the_newest_in_full(
    client, knowledge_base
):
    """With a newer and an older article besides the knowledge base's, 海西's page lists its
    measures grouped by article, newest first, each article named; only the newest article's
    measures have their entries on the page, the others link to their own pages."""
    from datetime import date

    from tests.factories import make_measure, make_source

    article = Source.objects.get()
    newer = make_source(title="较新的文章", published_on=date(2025, 6, 1))
    older = make_source(title="较早的文章", published_on=date(2019, 3, 1))
    for source in (older, newer):
        for number in (2, 1):
            make_mention(
                measure=make_measure(source=source, number=number),
                region="632823",
                name=f"{source.title}的机制{number}",
            )
    response = client.get("/regions/632800/")
    listed = [
        (source.title, [measure.number for measure, _total, _detailed in measures])
        for source, measures in response.context["articles"]
    ]
    assert listed == [
        ("较新的文章", [1, 2]),
        (article.title, [2, 3, 5, 6, 7]),
        ("较早的文章", [1, 2]),
    ]
    assert [measure.source for measure, _e, _t in response.context["groups"]] == [newer, newer]
    html = response.content.decode()
    assert "较新的文章的机制1" in html and "较早的文章的机制1" not in html
    # An article's measures without their entries here link to their own pages.
    older_first = Measure.objects.get(source=older, number=1)
    assert f'href="{older_first.get_absolute_url()}"' in html
    assert 'href="#measure-reform-2"' not in html
    assert f'href="#measure-{Measure.objects.get(source=newer, number=1).slug}"' in html


def test_a_region_pages_first_measures_are_found_source_by_source_as_if_all_were_sorted(
    reference_data,
):
    """`first_measures` reads the measures of the newest sources, then of more, then of all:
    whatever the first batch, its measures are the first with public entries in the region,
    newest article first, and its total counts all of them."""
    from datetime import date

    from tests.factories import make_measure, make_source

    haixi = Region.objects.get(code="632800")
    sources = [
        make_source(published_on=date(2024, 5, 1)),
        make_source(published_on=None),
        make_source(published_on=date(2023, 1, 1)),
        make_source(published_on=date(2024, 5, 1)),
        make_source(published_on=date(2022, 3, 1), status=Source.Status.DRAFT),
        make_source(published_on=date(2025, 2, 1)),
    ]
    for n, source in enumerate(sources):
        for kind in (Measure.Kind.DIRECTION, Measure.Kind.REFORM):
            for number in (2, 1):
                measure = make_measure(source=source, kind=kind, number=number)
                # Every third measure has its entry elsewhere; one is a draft.
                region = "630100" if (n + number) % 3 == 0 else "632821"
                make_mention(measure=measure, region=region)
    draft = Measure.objects.get(source=sources[3], number=1, kind=Measure.Kind.REFORM)
    draft.status = Measure.Status.DRAFT
    draft.save()
    expected = list(
        Measure.objects.filter(
            pk__in=Mention.objects.published().for_region(haixi).values("measure")
        )
        .newest_article_first()
        .values_list("pk", flat=True)
    )
    assert len(expected) > 8

    def found_as_sorted():
        for count in (1, 3, 7, len(expected), len(expected) + 5):
            for sources_read in (1, 2, None):
                assert pages.first_measures(haixi.pk, count, sources_read=sources_read) == (
                    expected[:count],
                    len(expected),
                )

    found_as_sorted()
    # Articles newer than all of them with nothing in the region: the first batches find
    # nothing.
    for _ in range(70):
        make_source(published_on=date(2026, 1, 1))
    found_as_sorted()
    assert pages.first_measures(Region.objects.get(code="630200").pk, 5) == ([], 0)


def list_count_of(client, url):
    return client.get(url).context["page"].paginator.count


def test_a_prefecture_page_states_its_total_first_and_links_to_all_of_it(client, knowledge_base):
    haixi = Region.objects.get(code="632800")
    expected = Mention.objects.published().for_region(haixi).count_instruments()
    html = client.get("/regions/632800/").content.decode()
    start = html.index('class="lead region-summary"')
    summary = html[start : html.index("</p>", start)]
    assert f">{expected}项" in summary
    assert 'href="/instruments/?region=632800"' in summary
    assert 'href="/instruments/export.csv?region=632800"' in summary
    assert html.index("region-summary") < html.index("<svg")


# Parameters a page cannot use ------------------------------------------------------------------


def notices(response):
    """The page's notices about its parameters, as shown (role=status)."""
    assert response.status_code == 200
    html = response.content.decode()
    box = re.search(r'<div class="messages notices" role="status">(.*?)</div>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", box[1]) if box else []


@pytest.mark.parametrize(
    ("query", "named", "shown_kind"),
    [
        ("kind=nonsense", ["“kind”", "nonsense", "reform", "direction"], "reform"),
        ("kind=direction&kind=reform", ["“kind”", "direction, reform"], "reform"),
        ("kind=%27%3Cb%3E", ["“kind”", "&#x27;&lt;b&gt;"], "reform"),
        ("source=no-such-article&kind=direction", ["“source”", "no-such-article"], "direction"),
        ("source=a&source=b", ["“source”", "a, b"], "reform"),
    ],
)
def test_the_matrix_names_a_value_it_cannot_use_and_shows_the_default(
    client, knowledge_base, query, named, shown_kind
):
    response = client.get(f"/matrix/?{query}")

    [notice] = notices(response)
    for word in named:
        assert word in notice
    assert response.context["kind"] == shown_kind
    assert response.context["source"].slug == "qinghai-eco-reform-2024-12-26"
    # The switch to the other kind does not carry the unusable article along.
    assert all("no-such-article" not in url for _value, _label, url in response.context["kinds"])


def test_the_matrix_takes_its_parameters_without_a_notice(client, knowledge_base):
    query = "source=qinghai-eco-reform-2024-12-26&kind=direction"
    response = client.get(f"/matrix/?{query}")

    assert notices(response) == []
    assert len(response.context["matrix"]["rows"]) == 4


def test_the_matrix_in_english_says_it_in_english(client, knowledge_base):
    [notice] = notices(client.get("/en/matrix/?kind=x"))
    assert notice == (
        "The parameter “kind” takes reform or direction, not “x”: the matrix shows the reform "
        "measures."
    )


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/regions/",
        "/regions/632800/",
        "/regions/630000/",
        "/measures/reform-6/",
        SOURCE,
        "/matrix/",
        "/instruments/",
    ],
)
def test_every_page_names_a_parameter_it_does_not_use(client, knowledge_base, path):
    plain = client.get(path)
    response = client.get(path, {"regoin": "632800", "utm_source": "weixin"})

    assert [n.split("“")[1].split("”")[0] for n in notices(response)] == ["regoin", "utm_source"]
    assert "regoin=632800" in notices(response)[0]
    assert notices(plain) == []


def test_a_region_page_names_a_filter_it_does_not_take(client, knowledge_base):
    response = client.get("/regions/632800/?type=regulation&type=rule")

    [notice] = notices(response)
    assert "“type”" in notice and "type=regulation, type=rule" in notice
    assert response.context["entry_total"] == 5


@pytest.mark.parametrize("page", ["mention", "instrument"])
def test_an_entry_page_names_a_parameter_it_does_not_use(client, knowledge_base, page):
    mention = Mention.objects.published().first()
    url = mention.get_absolute_url() if page == "mention" else mention.instrument.get_absolute_url()
    [notice] = notices(client.get(f"{url}?page=2"))
    assert "“page”" in notice


# What every page carries -----------------------------------------------------------------------


def title_of(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)[1]


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("", "全部条目 · qhreform"),
        ("region=632800&type=regulation", "海西州 · 地方性法规 — 全部条目 · qhreform"),
        ("type=regulation&region=632800", "海西州 · 地方性法规 — 全部条目 · qhreform"),
        ("kind=direction&q=机制", "下一步方向 · 机制 — 全部条目 · qhreform"),
        ("page=2", "全部条目 · 第2页 · qhreform"),
    ],
)
def test_the_list_title_names_its_filters_and_page(client, knowledge_base, query, title):
    assert title_of(client.get(f"/instruments/?{query}")) == title


def test_the_list_title_in_english(client, knowledge_base):
    response = client.get("/en/instruments/?region=632800&page=1")
    assert (
        title_of(response)
        == "Haixi Mongol and Tibetan Autonomous Prefecture — All entries · qhreform"
    )


def current_in_navigation(response):
    nav = re.search(r'<nav class="site-nav".*?</nav>', response.content.decode(), re.S)[0]
    return re.findall(r'<a href="([^"]+)" aria-current="(page|true)"', nav)


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/", [("/", "page")]),
        ("/measures/reform-6/", [("/", "true")]),
        ("/regions/", [("/regions/", "page")]),
        ("/regions/632800/", [("/regions/", "true")]),
        ("/instruments/?region=632800", [("/instruments/", "page")]),
        ("/matrix/?kind=direction", [("/matrix/", "page")]),
        (SOURCE, []),
    ],
)
def test_the_main_navigation_marks_the_current_page(client, knowledge_base, path, current):
    assert current_in_navigation(client.get(path)) == current


def test_an_entry_page_marks_the_list_in_the_navigation(client, knowledge_base):
    mention = Mention.objects.published().first()
    for url in (mention.get_absolute_url(), mention.instrument.get_absolute_url()):
        assert current_in_navigation(client.get(url)) == [("/instruments/", "true")]


def test_every_page_links_the_favicon_which_is_an_svg_of_this_site(client, knowledge_base):
    for path in ["/", "/instruments/", "/regions/632800/", "/no-such-page/"]:
        html = client.get(path).content.decode()
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html, path
    response = client.get("/static/favicon.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = b"".join(response.streaming_content).decode()
    # Same origin and nothing the Content-Security-Policy would block: no script, no link out.
    assert svg.startswith("<svg") and "<script" not in svg and "href=" not in svg


# English pages ---------------------------------------------------------------------------------


def test_a_measure_is_titled_in_english_on_english_pages(client, knowledge_base):
    measure = Measure.objects.get(slug="reform-6")
    english = html_of(client.get("/en/measures/reform-6/"))
    assert f'<h1 lang="en">{measure.title_en}</h1>' in english
    assert f"<title>{measure.title_en} · qhreform</title>" in english
    chinese = html_of(client.get("/measures/reform-6/"))
    assert f'<h1 lang="zh-Hans">{measure.title}</h1>' in chinese
    for page in ("/en/", "/en/matrix/", "/en/regions/632800/", "/en/instruments/"):
        assert measure.title_en in html_of(client.get(page)), page


def test_a_measure_without_an_english_title_shows_the_chinese_one_marked_as_chinese(
    client, knowledge_base
):
    Measure.objects.filter(slug="reform-6").update(title_en="")
    measure = Measure.objects.get(slug="reform-6")
    marked = f'<span lang="zh-Hans">{measure.title}</span>'
    assert f'<h1 lang="zh-Hans">{measure.title}</h1>' in html_of(
        client.get("/en/measures/reform-6/")
    )
    assert marked in html_of(client.get("/en/"))
    assert marked in html_of(client.get("/en/regions/632800/"))
    facet = re.search(
        r'<span class="label"( lang="[^"]+")?>Measure 6 [^<]*</span>',
        html_of(client.get("/en/instruments/")),
    )
    assert facet[0] == f'<span class="label" lang="zh-Hans">Measure 6 {measure.title}</span>'
    # A measure with an English title is not marked: it is in the page's language.
    title = Measure.objects.get(slug="reform-1").title_en
    assert f'<span class="label">Measure 1 {title}</span>' in html_of(
        client.get("/en/instruments/")
    )


def test_instrument_names_and_actions_stay_chinese_and_say_so(client, knowledge_base):
    html = html_of(client.get("/en/instruments/?region=630100"))
    names = re.findall(r'<td class="name"><a href="[^"]+"( lang="zh-Hans")?>', html)
    assert names and all(names)
    assert re.search(r'<td class="action" data-label="Action" lang="zh-Hans">', html)
    instrument = Mention.objects.published().get(name="大气污染防治条例").instrument
    page = html_of(client.get(f"/en/instruments/{instrument.pk}/"))
    assert f'<h1 lang="zh-Hans">{instrument.name}</h1>' in page


def test_the_map_names_the_prefectures_in_english_on_english_pages(client, knowledge_base):
    html = html_of(client.get("/en/regions/"))
    haixi = Region.objects.get(code="632800")
    assert f'data-code="632800"><title>{haixi.name_en} · ' in html
    assert ">Haixi</text>" in html
    assert f"<title>{haixi.name_en} · " in html
    chinese = html_of(client.get("/regions/"))
    assert f'data-code="632800"><title>{haixi.name} · ' in chinese
    assert ">海西州</text>" in chinese


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # The regions, the summary's cells added up by region and its instruments in more than
        # one cell (none in the shipped articles, so no third query), the measures per
        # prefecture.
        ("/regions/", 4),
        # The region, the regions (which give its units below), the types, the summary (two),
        # the first measures with their total, those measures with their articles, their
        # instrument counts, their first entries, the first other mentions of those entries'
        # instruments (whose places in article order name their measures and articles).
        ("/regions/632800/", 11),
    ],
)
def test_the_region_pages_read_a_fixed_number_of_queries(
    client, knowledge_base, django_assert_num_queries, url, queries
):
    client.get(url)  # per-process caches
    changes.changed()  # not from the page cache
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
