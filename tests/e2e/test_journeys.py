"""The journeys visitors and editors take, in a real browser against the live server.

Selectors use hrefs, ids, names and roles rather than interface text, which translators change;
expected results come from the database, computed here independently of the views.
"""

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db.models import Max, Q
from django.utils import translation
from playwright.sync_api import expect

from collation import pinyin_key
from measures.management.commands.make_editor import make_editor
from measures.models import InstrumentType, Measure, Mention, Source
from regions.models import Region
from tests.e2e.conftest import LANGUAGES
from tests.factories import make_mention

# The live server reads the database from another thread, so the tests commit their data
# (transactional database access) and the database is emptied after each of them.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HAIXI = "632800"
XINING = "630100"


# Helpers -------------------------------------------------------------------------------------


def follow(page, locator):
    """Click a link or submit button and wait for the page it leads to."""
    with page.expect_navigation():
        locator.click()


def expect_count(page, count):
    """The list's heading states `count` matching entries."""
    expect(page.locator(".result-count")).to_have_text(re.compile(rf"(?<!\d){count}(?!\d)"))


def listed_ids(page):
    """Ids of the instruments in the list's table on the current page, in the order shown."""
    hrefs = page.locator("table.entries tbody tr td:first-child a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return [int(re.fullmatch(r"/instruments/(\d+)/", href).group(1)) for href in hrefs]


def query_of(url):
    return parse_qs(urlsplit(url).query)


def facet_option(page, facet, value):
    """The link that adds `value` to the filter `facet`."""
    links = page.locator(f'section.facet[aria-labelledby="facet-{facet}"] a')
    options = links.evaluate_all(
        "links => links.map(a => [a.getAttribute('href'), a.classList.contains('selected')])"
    )
    # An option's link toggles its own value, keeping the others: among the unselected options
    # only the wanted one has the value in its query string.
    found = [
        index
        for index, (href, selected) in enumerate(options)
        if not selected and value in query_of(href).get(facet, [])
    ]
    assert len(found) == 1, f"no single {facet} option {value!r} among {options}"
    return links.nth(found[0])


def published():
    return Mention.objects.published()


def article_date():
    """The date an export's file name carries: the newest published article's."""
    return Source.objects.published().aggregate(newest=Max("published_on"))["newest"].isoformat()


def codes_within(*codes):
    """Codes of the given regions and every unit below them."""
    return set(
        Region.objects.filter(code__in=codes).with_units_below().values_list("code", flat=True)
    )


# 1. From the home page to the sentence in the article ----------------------------------------


def test_home_to_prefecture_to_measure_to_sentence_in_article(page, site_data):
    haixi = Region.objects.get(code=HAIXI)
    measure6 = Measure.objects.get(kind=Measure.Kind.REFORM, number=6)
    haixi_entries = published().for_region(haixi)
    entries = list(haixi_entries.filter(measure=measure6))
    assert len(entries) == 1, "the article names one 海西州 entry under measure 6"
    entry = entries[0]

    page.goto("/")
    follow(page, page.locator(f'svg.prefecture-map-svg a[href="/regions/{HAIXI}/"]'))
    expect(page).to_have_url(re.compile(rf"/regions/{HAIXI}/$"))
    expect(page.locator("h1")).to_have_text(haixi.short_name)

    # Its measures: one line per measure it acted under, each with the number of entries.
    acted_under = set(haixi_entries.values_list("measure__slug", flat=True))
    index = page.locator("ul.measure-index > li")
    expect(index).to_have_count(len(acted_under))
    for slug in acted_under:
        expect(index.locator(f'a[href="#measure-{slug}"]')).to_have_count(1)
    count_link = index.locator(
        f'a.count[href="/instruments/?measure={measure6.slug}&region={HAIXI}"]'
    )
    expect(count_link).to_have_text("1")

    follow(page, count_link)
    expect_count(page, 1)
    assert listed_ids(page) == [entry.instrument_id]

    follow(page, page.locator(f'table.entries a[href="/mentions/{entry.pk}/"]'))
    expect(page.locator("h1")).to_contain_text(entry.name)

    follow(page, page.locator("a.to-source"))
    assert urlsplit(page.url).path == entry.measure.source.get_absolute_url()
    assert urlsplit(page.url).fragment == f"entry-{entry.pk}"
    target = page.locator(f"#entry-{entry.pk}")
    expect(target).to_be_in_viewport()
    assert page.evaluate("() => document.querySelector(':target')?.id") == f"entry-{entry.pk}"
    # The sentence holding the target is shaded by `.sentence:has(:target)`; others are not.
    sentence = page.locator(f".sentence:has(#entry-{entry.pk})")
    expect(sentence).to_have_count(1)
    plain = page.locator(".sentence:not(:has(:target))").first
    plain_background = plain.evaluate("el => getComputedStyle(el).backgroundColor")
    expect(sentence).not_to_have_css("background-color", plain_background)
    expect(sentence).to_contain_text(entry.name)


# 2. Facets, pagination and the CSV export -----------------------------------------------------


@pytest.fixture
def many_pilots(site_data):
    """Sixty more published pilots in 西宁市, so the filtered list runs to a second page."""
    measure = Measure.objects.get(kind=Measure.Kind.REFORM, number=1)
    return [
        make_mention(
            measure=measure,
            region=XINING,
            type="pilot",
            name=f"端到端试点{n:02d}",
            quote=f"西宁市开展端到端试点{n:02d}。",
            action="开展",
        )
        for n in range(60)
    ]


def test_filter_by_two_prefectures_and_a_type_page_on_and_download_csv(page, many_pilots):
    everything = published()
    in_xining = everything.for_region(Region.objects.get(code=XINING))
    regions = codes_within(XINING, HAIXI)
    in_both = everything.filter(region__code__in=regions)
    chosen = in_both.filter(type__slug="pilot")
    expected_ids = set(chosen.values_list("instrument_id", flat=True))
    per_page = 50
    assert len(expected_ids) > per_page, "the journey needs a second page"

    page.goto("/instruments/")
    expect_count(page, everything.count_instruments())
    follow(page, facet_option(page, "region", XINING))
    expect_count(page, in_xining.count_instruments())
    follow(page, facet_option(page, "region", HAIXI))
    expect_count(page, in_both.count_instruments())
    follow(page, facet_option(page, "type", "pilot"))
    expect_count(page, len(expected_ids))
    assert query_of(page.url) == {"region": [XINING, HAIXI], "type": ["pilot"]}

    first_page = listed_ids(page)
    assert len(first_page) == per_page

    follow(page, page.locator(".pagination a[rel=next]"))
    # The next page starts after the first page's last row, named by a cursor.
    second_query = query_of(page.url)
    assert set(second_query) == {"region", "type", "after"}
    assert second_query["region"] == [XINING, HAIXI] and second_query["type"] == ["pilot"]
    expect_count(page, len(expected_ids))
    expect(page.locator(".pagination")).to_contain_text(f"{per_page + 1}–{len(expected_ids)}")
    second_page = listed_ids(page)
    assert len(second_page) == len(expected_ids) - per_page
    assert set(first_page) | set(second_page) == expected_ids
    # And back: the previous page is the first one again.
    follow(page, page.locator(".pagination a[rel=prev]"))
    assert listed_ids(page) == first_page
    follow(page, page.locator(".pagination a[rel=next]"))
    # The facets still show the filters as chosen.
    selected = page.locator("section.facet a.selected")
    expect(selected).to_have_count(3)

    with page.expect_download() as download_info:
        page.locator(".exports p").first.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    # Named for its filters and its article's date.
    assert download.suggested_filename == f"西宁市、海西州-试点示范-{article_date()}.csv"
    data = download.path().read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "the CSV starts with a UTF-8 byte-order mark"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(expected_ids)
    assert {int(row["instrument_id"]) for row in rows} == expected_ids
    assert {row["region_code"] for row in rows} <= regions
    assert {row["instrument_type"] for row in rows} == {"pilot"}

    # The same rows with Chinese headings, for a reader opening it in Excel.
    with page.expect_download() as download_info:
        page.locator(".exports p").first.get_by_role("link", name="CSV（中文列名）").click()
    data = download_info.value.path().read_bytes()
    chinese = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [int(row["政策工具编号"]) for row in chinese] == [
        int(row["instrument_id"]) for row in rows
    ]
    assert {row["类型"] for row in chinese} == {"试点示范"}


def test_a_prefecture_page_says_how_many_and_exports_exactly_those(page, site_data):
    expected = set(
        published()
        .for_region(Region.objects.get(code=XINING))
        .values_list("instrument_id", flat=True)
    )
    page.goto(f"/regions/{XINING}/")
    summary = page.locator(".region-summary")
    expect(summary).to_contain_text(str(len(expected)))
    export = summary.get_by_role("link", name="CSV", exact=True).get_attribute("href")
    response = page.request.get(export)
    assert response.ok
    rows = list(csv.DictReader(io.StringIO(response.text().lstrip("\ufeff"), newline="")))
    assert {int(row["instrument_id"]) for row in rows} == expected
    assert len(rows) == len(expected)
    # The list it links to counts the same.
    summary.get_by_role("link", name=re.compile("list|列表")).click()
    expect_count(page, len(expected))


# 3. Search -------------------------------------------------------------------------------------


def search_expected(words):
    """What a visitor searching these words should find, computed from the typology and the
    region rule rather than by the search code: every word must match."""
    entries = published()
    for word in words:
        if word == "西宁":  # names the region 西宁市: its entries and its units'
            condition = Q(region__in=Region.objects.filter(code=XINING).with_units_below())
        elif word == "条例":  # the word the regulation type's rule recognises
            condition = Q(type__slug="regulation")
        else:
            condition = Q(quote__icontains=word) | Q(measure__title__icontains=word)
        entries = entries.filter(condition | Q(name__icontains=word))
    return set(entries.values_list("instrument_id", flat=True))


@pytest.mark.parametrize("terms", ["西宁 条例", "湟水"])
def test_search_finds_what_the_words_ask_for_and_shows_why(page, site_data, terms):
    expected = search_expected(terms.split())
    assert expected, f"the knowledge base answers {terms}"

    page.goto("/instruments/")
    page.locator("#id_q").fill(terms)
    follow(page, page.locator('form.search button[type="submit"]'))
    assert query_of(page.url) == {"q": [terms]}
    expect_count(page, len(expected))

    shown = listed_ids(page)
    while page.locator(".pagination a[rel=next]").count():
        follow(page, page.locator(".pagination a[rel=next]"))
        shown += listed_ids(page)
    assert set(shown) == expected
    assert len(shown) == len(expected)

    # Each row shows why it matched: the words marked in its name, or the piece of its
    # sentence where a word was found.
    rows = page.locator("table.entries tbody tr")
    for index in range(rows.count()):
        row = rows.nth(index)
        assert row.locator("td.name mark").count() or row.locator(".snippet mark").count()


def test_a_heading_sorts_the_list_by_its_column_and_again_the_other_way(page, site_data):
    xining = published().for_region(Region.objects.get(code=XINING))
    instruments = {m.instrument_id: m.instrument.name for m in xining.select_related("instrument")}
    in_pinyin_order = sorted(instruments, key=lambda pk: (pinyin_key(instruments[pk]), pk))
    assert len(in_pinyin_order) <= 50, "one page"

    page.goto(f"/instruments/?region={XINING}")
    heading = page.locator("table.entries thead th").first
    expect(heading).not_to_have_attribute("aria-sort", re.compile(".*"))
    follow(page, heading.locator("a"))
    assert query_of(page.url) == {"region": [XINING], "sort": ["name"]}
    expect(page.locator("table.entries thead th").first).to_have_attribute("aria-sort", "ascending")
    assert listed_ids(page) == in_pinyin_order

    follow(page, page.locator("table.entries thead th").first.locator("a"))
    assert query_of(page.url) == {"region": [XINING], "sort": ["-name"]}
    expect(page.locator("table.entries thead th").first).to_have_attribute(
        "aria-sort", "descending"
    )
    assert listed_ids(page) == in_pinyin_order[::-1]


# 4. Language switch ----------------------------------------------------------------------------


def test_switching_language_keeps_the_page_and_its_filters(page, site_data):
    path = f"/instruments/?region={HAIXI}&type=pilot"
    count = (
        published()
        .for_region(Region.objects.get(code=HAIXI))
        .filter(type__slug="pilot")
        .count_instruments()
    )

    page.goto(path)
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect_count(page, count)

    # The English page has an address of its own: the same one under /en/.
    follow(page, page.locator(".language-switch a[hreflang=en]"))
    assert page.url.endswith("/en" + path)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Policy instruments")
    expect(page.locator(".language-switch a[hreflang=en]")).to_have_attribute(
        "aria-current", "page"
    )
    expect_count(page, count)

    # Links on it stay in English.
    follow(page, page.locator(".site-nav a", has_text="Matrix"))
    assert urlsplit(page.url).path == "/en/matrix/"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.go_back()

    follow(page, page.locator(".language-switch a[hreflang=zh-Hans]"))
    assert page.url.endswith(path) and "/en/" not in page.url
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator(".language-switch a[hreflang=zh-Hans]")).to_have_attribute(
        "aria-current", "page"
    )
    expect_count(page, count)


def test_an_english_link_opens_in_english_with_its_filters(
    page, site_data, screenshots, live_server
):
    # A link someone shared, opened in a browser that has never been to the site.
    haixi = Region.objects.get(code=HAIXI)
    path = f"/en/instruments/?region={HAIXI}&category=legal"
    listed = published().for_region(haixi).filter(type__category="legal")
    count = listed.count_instruments()
    measure = listed.order_by("measure__number").first().measure
    with translation.override("en"):
        measure_label = f"{measure.label} {measure.local_title}"

    page.goto(path)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Policy instruments")
    expect_count(page, count)
    expect(page.locator(".active-filters")).to_contain_text(haixi.name_en)
    # The measures are named in English, the instruments as the article names them.
    expect(page.locator("section[aria-labelledby=facet-measure]")).to_contain_text(measure_label)
    expect(page.locator("table.entries td.name a[lang=zh-Hans]").first).to_be_visible()
    page.screenshot(path=screenshots / "list-en-shared-link.png", full_page=True)

    # A Chinese link in a browser that prefers English and kept an old language cookie: the
    # page its address names, in Chinese.
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.set_extra_http_headers({"Accept-Language": "en"})
    page.goto(f"/instruments/?region={HAIXI}&category=legal")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect_count(page, count)


# 5. An editor adds a draft, publishes it and edits it --------------------------------------------


def choose(page, field, term, label):
    """Pick `label` in the admin's autocomplete (select2) widget for `field` after typing `term`."""
    page.locator(f"#{field} + .select2 .select2-selection").click()
    dropdown = page.locator(".select2-container--open")
    dropdown.locator(".select2-search__field").fill(term)
    dropdown.get_by_role("option", name=label, exact=True).click()
    expect(page.locator(f"#select2-{field}-container")).to_have_attribute("title", label)


def test_editor_adds_a_draft_publishes_it_and_edits_it(page, site_data, editors_group):
    # Not signed in: the admin sends visitors to its sign-in page.
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/$"))

    editor = make_editor("editor", create=True).user
    editor.set_password("a journey password")
    editor.save()
    page.locator("#id_username").fill("editor")
    page.locator("#id_password").fill("a journey password")
    follow(page, page.locator('#login-form [type="submit"]'))
    expect(page).to_have_url(re.compile(r"/admin/$"))

    pilot = InstrumentType.objects.get(slug="pilot")
    haixi = Region.objects.get(code=HAIXI)
    measure6 = Measure.objects.get(kind=Measure.Kind.REFORM, number=6)
    name = "端到端草稿试点区"

    page.goto("/admin/measures/mention/add/")
    page.locator("#id_name").fill(name)
    choose(page, "id_type", "pilot", str(pilot))
    choose(page, "id_region", HAIXI, str(haixi))
    choose(page, "id_measure", measure6.slug, str(measure6))
    page.locator("#id_action").fill("开展")
    page.locator("#id_evidence_reference").fill("海西州生态环境局工作简报（编辑核实）")
    follow(page, page.locator('input[name="_save"]'))
    expect(page.locator(".messagelist .success")).to_be_visible()
    entry = Mention.objects.get(name=name)
    assert entry.status == Mention.Status.DRAFT
    assert (entry.type, entry.region, entry.measure) == (pilot, haixi, measure6)

    # A draft is on no public page: no row on the list, no page of its own.
    page.goto(f"/instruments/?q={name}")
    expect(page.locator(".active-filters")).to_contain_text(name)
    expect(page.locator("table.entries tbody tr")).to_have_count(0)
    assert page.goto(f"/mentions/{entry.pk}/").status == 404

    page.goto(f"/admin/measures/mention/?q={name}")
    page.locator(f'input[name="_selected_action"][value="{entry.pk}"]').check()
    page.locator('select[name="action"]').select_option("publish")
    follow(page, page.locator('button[name="index"]'))
    expect(page.locator(".messagelist .success")).to_be_visible()

    page.goto(f"/instruments/?q={name}")
    expect_count(page, 1)
    entry.refresh_from_db()
    assert listed_ids(page) == [entry.instrument_id]

    page.goto(f"/admin/measures/mention/{entry.pk}/change/")
    renamed = "端到端已发布试点区"
    page.locator("#id_name").fill(renamed)
    follow(page, page.locator('input[name="_save"]'))
    expect(page.locator(".messagelist .success")).to_be_visible()
    entry.refresh_from_db()
    assert (entry.name, entry.status) == (renamed, Mention.Status.PUBLISHED)

    page.goto(f"/admin/measures/mention/{entry.pk}/history/")
    versions = page.locator("#change-history tbody tr")
    expect(versions).to_have_count(3)  # added, published, renamed
    expect(versions.nth(0)).to_contain_text(renamed)
    expect(versions.nth(2)).to_contain_text(name)
    expect(page.locator("#change-history")).to_contain_text(editor.username)


def test_an_entry_leads_to_its_instrument_timeline_and_an_editor_merges_two(
    page, site_data, editors_group
):
    # From a mention of Xining's regulation to the instrument: both sentences, oldest first.
    mention = Mention.objects.get(name="西宁市生态环境保护条例")
    page.goto(f"/mentions/{mention.pk}/")
    follow(
        page, page.locator(f'a[href="/instruments/{mention.instrument_id}/#mention-{mention.pk}"]')
    )
    timeline = page.locator("ol.timeline > li")
    expect(timeline).to_have_count(2)
    expect(timeline.nth(0)).to_contain_text("生态环境保护条例")
    expect(timeline.nth(1).locator("mark")).to_have_text("西宁市生态环境保护条例")
    expect(page.locator("h1")).to_have_text("西宁市生态环境保护条例")

    # An editor merges the province's regulation into it; the old address follows.
    editor = make_editor("merger", create=True).user
    editor.set_password("a journey password")
    editor.save()
    page.goto("/admin/login/")
    page.locator("#id_username").fill("merger")
    page.locator("#id_password").fill("a journey password")
    follow(page, page.locator('#login-form [type="submit"]'))
    province = Mention.objects.get(name="青海省生态环境保护条例").instrument
    xining = mention.instrument
    page.goto("/admin/measures/instrument/?q=生态环境保护条例")
    for instrument in (province, xining):
        page.locator(f'input[name="_selected_action"][value="{instrument.pk}"]').check()
    page.locator('select[name="action"]').select_option("merge")
    follow(page, page.locator('button[name="index"]'))
    expect(page.locator(".messagelist .success")).to_be_visible()

    into, merged = sorted([province, xining], key=lambda instrument: instrument.pk)
    page.goto(f"/instruments/{merged.pk}/")
    expect(page).to_have_url(re.compile(rf"/instruments/{into.pk}/$"))
    expect(page.locator("ol.timeline > li")).to_have_count(3)


def sign_in(page, username):
    editor = make_editor(username, create=True).user
    editor.set_password("a journey password")
    editor.save()
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("a journey password")
    follow(page, page.locator('#login-form [type="submit"]'))
    return editor


def test_an_editor_adds_an_instrument_with_a_citation_and_readers_see_where_it_comes_from(
    page, site_data, editors_group
):
    sign_in(page, "citer")
    plan = InstrumentType.objects.get(slug="plan")
    haibei = Region.objects.get(code="632200")
    measure = Measure.objects.get(kind=Measure.Kind.REFORM, number=2)
    name = "草原生态修复三年行动方案"
    reference = "海北州草原生态修复三年行动方案（编辑核实的文件）"

    # Adding an instrument starts with its first mention, which carries the evidence.
    page.goto("/admin/measures/instrument/add/")
    expect(page).to_have_url(re.compile(r"/admin/measures/mention/add/$"))
    expect(page.locator(".messagelist .info")).to_be_visible()
    page.locator("#id_name").fill(name)
    choose(page, "id_type", "plan", str(plan))
    choose(page, "id_region", "632200", str(haibei))
    choose(page, "id_measure", measure.slug, str(measure))
    page.locator("#id_action").fill("印发")
    page.locator("#id_quote").fill("海北州印发草原生态修复三年行动方案。")
    page.locator("#id_status").select_option("published")

    # Without evidence it is refused, saying what to give; nothing is saved.
    follow(page, page.locator('input[name="_save"]'))
    expect(page.locator(".errorlist")).to_contain_text("证据")
    assert not Mention.objects.filter(name=name).exists()

    page.locator("#id_evidence_reference").fill(reference)
    page.locator("#id_evidence_url").fill("https://example.org/haibei/plan.html")
    follow(page, page.locator('input[name="_save"]'))
    expect(page.locator(".messagelist .success")).to_be_visible()
    mention = Mention.objects.get(name=name)

    # Readers see it marked as added by an editor, with its citation, and no quotation.
    page.goto(f"/instruments/{mention.instrument_id}/")
    expect(page.locator("h1")).to_have_text(name)
    item = page.locator(f"#mention-{mention.pk}")
    expect(item.locator(".editor-added")).to_be_visible()
    expect(item.locator("blockquote")).to_have_count(0)
    citation = item.locator(".evidence a")
    expect(citation).to_have_text(reference)
    expect(citation).to_have_attribute("href", "https://example.org/haibei/plan.html")
    page.goto(f"/instruments/?q={name}")
    expect_count(page, 1)
    expect(page.locator("table.entries .editor-added")).to_be_visible()


# 6. Small and large screens --------------------------------------------------------------------


@pytest.mark.parametrize("width", [375, 1280])
def test_pages_fit_the_screen(page, site_data, screenshots, width):
    page.set_viewport_size({"width": width, "height": 900})
    for name, path in [
        ("home", "/"),
        ("prefecture", f"/regions/{HAIXI}/"),
        ("list", "/instruments/"),
    ]:
        page.goto(path)
        page.screenshot(path=screenshots / f"{name}-{width}.png", full_page=True)
        scroll_width, inner_width, wide = page.evaluate(
            """() => [
                document.documentElement.scrollWidth,
                window.innerWidth,
                // What sticks out, to say where the overflow comes from.
                [...document.querySelectorAll('body *')]
                    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
                    .slice(0, 5)
                    .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')),
            ]"""
        )
        assert scroll_width <= inner_width, f"{path} at {width}px overflows: {wide}"


MAP_TEXT = """() => {
    const visible = el => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && getComputedStyle(el).display !== 'none';
    };
    const labels = [...document.querySelectorAll('svg.prefecture-map-svg .map-label')];
    return {
        pageWidth: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
        labels: labels.filter(visible).map(text => [
            text.textContent.trim(), text.getBoundingClientRect().height,
        ]),
        // Labels cut off at the drawing's edge.
        cut: labels.filter(text => {
            const [box, map] = [text.getBoundingClientRect(),
                text.ownerSVGElement.getBoundingClientRect()];
            return box.left < map.left || box.right > map.right;
        }).map(text => text.textContent),
        // Pairs of labels whose boxes overlap, which would read as one word.
        overlapping: labels.flatMap((a, i) => labels.slice(i + 1).filter(b => {
            const [p, q] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
            return p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom;
        }).map(b => [a.textContent, b.textContent])),
        listed: [...document.querySelectorAll('.map-list li')].filter(visible).map(
            li => li.innerText.replace(/\\s+/g, ' ').trim()),
    };
}"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_map_names_every_prefecture_on_a_phone_and_a_county_page_names_the_county(
    page, visit, site_data, screenshots, language
):
    county = Region.objects.get(code="632823")
    prefectures = Region.objects.filter(level=Region.Level.PREFECTURE)
    with translation.override(language):
        # What the page names them in its language: 海西州 or Haixi.
        labels = {prefecture.code: prefecture.map_label for prefecture in prefectures}
        county_name = county.local_name
    for width, height in [(390, 844), (1366, 900)]:
        page.set_viewport_size({"width": width, "height": height})
        for name, path in [
            ("home", "/"),
            ("prefecture", f"/regions/{HAIXI}/"),
            ("county", county.get_absolute_url()),
        ]:
            visit(path, language)
            page.screenshot(path=screenshots / f"map-{name}-{language}-{width}.png", full_page=True)
            found = page.evaluate(MAP_TEXT)
            where = f"{path} at {width}px ({language}): {found}"
            assert found["pageWidth"] == found["viewport"], where
            # Every prefecture is labelled on the drawing, large enough to read, and listed
            # beside it with its count, in view without hovering.
            assert len(found["labels"]) >= prefectures.count(), where
            assert min(height for _, height in found["labels"]) >= 10, where
            assert not found["overlapping"], where
            assert not found["cut"], where
            assert len(found["listed"]) == prefectures.count(), where
            for prefecture in prefectures:
                count = published().for_region(prefecture).count_instruments()
                line = f"{labels[prefecture.code]} {count}"
                assert any(
                    item == line or item.startswith(f"{line} ") for item in found["listed"]
                ), (line, where)
            if name == "county":
                # The county is named on the map, in the prefecture outlined for it.
                assert f"▸ {county_name}" in [text for text, _ in found["labels"]], where
                expect(page.locator(".map-list li.is-highlighted")).to_contain_text(labels[HAIXI])
                expect(page.locator(".map-note")).to_contain_text(county_name)


def test_two_editors_save_the_same_entry_and_the_second_sees_the_conflict(
    browser, browser_context_args, site_data, editors_group
):
    entry = published().get(measure__slug="reform-1", name="大气污染防治条例")
    change_url = f"/admin/measures/mention/{entry.pk}/change/"
    pages = []
    for username in ("first-editor", "second-editor"):
        editor = make_editor(username, create=True).user
        editor.set_password("a journey password")
        editor.save()
        # One browser context per editor: two sessions, as two people at two desks.
        context = browser.new_context(**browser_context_args)
        page = context.new_page()
        page.goto("/admin/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill("a journey password")
        follow(page, page.locator('#login-form [type="submit"]'))
        page.goto(change_url)
        pages.append(page)
    first, second = pages

    first.locator("#id_name").fill("大气污染防治条例（第一位编辑）")
    follow(first, first.locator('input[name="_save"]'))
    second.locator("#id_action").fill("第二位编辑的动作")
    follow(second, second.locator('input[name="_save"]'))

    expect(second.locator(".errornote, .errorlist.nonfield")).not_to_have_count(0)
    expect(second.locator(".errorlist.nonfield")).to_contain_text("大气污染防治条例（第一位编辑）")
    entry.refresh_from_db()
    assert (entry.name, entry.action) == ("大气污染防治条例（第一位编辑）", "修订")
    for page in pages:
        page.context.close()


LAYOUT = """() => {
    const box = el => el.getBoundingClientRect();
    const lines = el => {
        const style = getComputedStyle(el);
        const inner = box(el).height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
        return inner / parseFloat(style.lineHeight);
    };
    const matrix = document.querySelector('table.matrix');
    const entries = document.querySelector('table.entries');
    const result = {pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth};
    if (matrix) {
        const scroller = matrix.closest('.table-scroll');
        const heads = [...matrix.querySelectorAll('thead th')];
        result.headLines = Math.max(...heads.map(lines));
        result.rowHeadWidth = Math.min(...[...matrix.querySelectorAll('tbody th')].map(th => box(th).width));
        result.matrixHeight = box(matrix).height;
        // Scrolled to the end, the total column is in view beside the sticky measure column.
        scroller.scrollLeft = scroller.scrollWidth;
        const total = box(heads[heads.length - 1]);
        result.totalLeft = total.left;
        result.totalRight = total.right;
        result.stickyRight = box(matrix.querySelector('tbody th')).right;
        scroller.scrollLeft = 0;
    }
    if (entries) {
        result.entriesOverflow = entries.scrollWidth - entries.parentElement.clientWidth;
        const names = [...entries.querySelectorAll('tbody td.name')];
        result.narrowestName = Math.min(...names.map(td => box(td).width));
        result.entriesWidth = box(entries).width;
    }
    return result;
}"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_tables_are_readable_on_a_phone_and_fit_a_desktop(
    page, visit, site_data, screenshots, language
):
    for width, height in [(390, 844), (1366, 768)]:
        page.set_viewport_size({"width": width, "height": height})
        for name, path in [
            ("home", "/"),
            ("matrix", "/matrix/"),
            ("list", "/instruments/?sort=name"),
            ("search", "/instruments/?q=西宁 条例"),
            ("prefecture", f"/regions/{HAIXI}/"),
            ("cross-tab", "/instruments/table/"),
        ]:
            visit(path, language)
            page.screenshot(path=screenshots / f"{name}-{language}-{width}.png", full_page=True)
            found = page.evaluate(LAYOUT)
            where = f"{path} at {width}px ({language}): {found}"
            assert found["pageWidth"] <= found["viewport"], where
            if "headLines" in found:
                # Column heads on one line (not 西/宁/市), titles not one character a line, the
                # total column reachable inside the table's own scroll box.
                assert found["headLines"] < 1.5, where
                assert found["rowHeadWidth"] >= 110, where
                assert found["matrixHeight"] < 1400, where
                assert found["totalRight"] <= found["viewport"], where
                assert found["totalLeft"] >= found["stickyRight"] - 1, where
            if "entriesOverflow" in found:
                # Long names wrap inside the table; the name has room (a card's full width on
                # a phone).
                assert found["entriesOverflow"] <= 0, where
                if width == 390:
                    assert found["narrowestName"] >= 0.8 * found["entriesWidth"], where
                else:
                    assert found["narrowestName"] >= 150, where
