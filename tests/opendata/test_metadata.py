"""What search engines and link previews read: sitemap.xml, robots.txt, OpenGraph and Twitter
tags, and schema.org JSON-LD within the Content-Security-Policy."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from measures.models import Instrument, Measure, Mention, Source
from tests.factories import make_measure, make_mention, make_source

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def sitemap_urls(client, *, alternates=None):
    """{url: lastmod or None} over every section the index names; `alternates`, a dict if
    given, gets {url: {hreflang: url}}."""
    index = ET.fromstring(client.get("/sitemap.xml").content)
    urls = {}
    for section in index.findall("s:sitemap/s:loc", NS):
        response = client.get(section.text.removeprefix("http://testserver"))
        assert response.status_code == 200, section.text
        for url in ET.fromstring(response.content).findall("s:url", NS):
            lastmod = url.find("s:lastmod", NS)
            loc = url.find("s:loc", NS).text
            assert loc not in urls, loc
            urls[loc] = lastmod.text if lastmod is not None else None
            if alternates is not None:
                alternates[loc] = {
                    link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)
                }
    return urls


def test_the_sitemap_lists_every_public_page_with_its_last_change(client, knowledge_base):
    urls = sitemap_urls(client)
    base = "http://testserver"
    for mention in Mention.objects.published():
        # The day in the site's time zone, as the sitemap writes it (at 16:00 UTC and after,
        # Qinghai's day is the next one).
        changed = timezone.localdate(mention.updated_at)
        assert urls[f"{base}/mentions/{mention.pk}/"] == changed.isoformat()
    for instrument in Instrument.objects.published():
        assert urls[f"{base}/instruments/{instrument.pk}/"]
    for measure in Measure.objects.published():
        assert urls[f"{base}/measures/{measure.slug}/"]
    for path in ("/", "/regions/", "/instruments/", "/matrix/", "/about/data/", "/api/"):
        assert base + path in urls
    assert urls[f"{base}/sources/qinghai-eco-reform-2024-12-26/"]
    # Prefectures, and the counties and towns named in entries.
    for code in ("632800", "632823", "632821101", "630100", "630000"):
        assert f"{base}/regions/{code}/" in urls
    for url in urls:
        assert client.get(url.removeprefix(base)).status_code == 200, url


def test_the_sitemap_lists_each_page_in_each_language_with_its_alternates(client, knowledge_base):
    alternates = {}
    urls = sitemap_urls(client, alternates=alternates)
    base = "http://testserver"
    mention = Mention.objects.published().first()
    for path in ("/", "/matrix/", "/about/data/", f"/mentions/{mention.pk}/", "/regions/632800/"):
        chinese, english = base + path, f"{base}/en{path}"
        assert chinese in urls and english in urls, path
        assert urls[chinese] == urls[english]
        expected = {"zh-hans": chinese, "en": english, "x-default": chinese}
        assert alternates[chinese] == alternates[english] == expected
    # The API's documentation has one address, in no language.
    assert f"{base}/api/" in urls and f"{base}/en/api/" not in urls
    assert alternates[f"{base}/api/"] == {}


def test_drafts_are_not_in_the_sitemap(client, knowledge_base):
    draft = make_mention(
        measure=Measure.objects.get(slug="reform-6"), name="草稿条例", status=Mention.Status.DRAFT
    )
    source = make_source(slug="draft-article", status=Source.Status.DRAFT)
    under_draft = make_mention(measure=make_measure(source=source, slug="draft-m"))
    urls = sitemap_urls(client)
    for entry in (draft, under_draft):
        assert f"http://testserver/mentions/{entry.pk}/" not in urls
        assert f"http://testserver/instruments/{entry.instrument_id}/" not in urls
    assert "http://testserver/measures/draft-m/" not in urls
    assert "http://testserver/sources/draft-article/" not in urls


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_from_the_admin(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text
    assert "Disallow: /instruments/\n" not in text


def meta(html, key):
    found = re.findall(rf'<meta (?:property|name)="{key}" content="([^"]*)"', html)
    assert len(found) == 1, key
    return found[0]


def test_every_page_has_link_preview_tags(client, knowledge_base):
    entry = Mention.objects.published().get(name="大气污染防治条例")
    pages = {
        "/": "青海生态环境领域改革",
        "/regions/": None,
        "/regions/632800/": "海西州",
        "/measures/reform-1/": "在推动生态环保责任落实上深化改革",
        "/instruments/": None,
        f"/instruments/{entry.instrument_id}/": "大气污染防治条例",
        f"/mentions/{entry.pk}/": "大气污染防治条例",
        "/sources/qinghai-eco-reform-2024-12-26/": "青海九项措施进一步全面深化生态环境领域改革",
        "/matrix/": None,
        "/about/data/": None,
    }
    descriptions = set()
    for path, title in pages.items():
        html = client.get(path).content.decode()
        assert meta(html, "og:url") == "http://testserver" + path
        assert meta(html, "twitter:card") == "summary"
        if title:
            assert meta(html, "og:title") == title, path
            assert meta(html, "twitter:title") == title, path
        description = meta(html, "description")
        assert 20 < len(description) <= 300, path
        assert meta(html, "og:description") == description
        descriptions.add(description)
    assert entry.quote[:20] in meta(
        client.get(f"/mentions/{entry.pk}/").content.decode(), "description"
    )
    assert len(descriptions) >= 7  # pages describe themselves, not all alike


def json_ld(response):
    """The page's JSON-LD blocks, each checked to carry the nonce its CSP header allows."""
    html = response.content.decode()
    blocks = re.findall(
        r'<script type="application/ld\+json" nonce="([^"]+)">(.*?)</script>', html, re.S
    )
    assert len(re.findall(r"<script\b", html)) == len(blocks)
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    assert "unsafe-inline" not in policy
    for nonce, _text in blocks:
        assert f"'nonce-{nonce}'" in script_src.split()
    return [json.loads(text) for _nonce, text in blocks]


def test_a_regulation_is_described_as_legislation(client, knowledge_base):
    instrument = Instrument.objects.get(name="西宁市生态环境保护条例")
    (data,) = json_ld(client.get(f"/instruments/{instrument.pk}/"))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Legislation"
    assert data["name"] == "西宁市生态环境保护条例"
    assert data["url"] == f"http://testserver/instruments/{instrument.pk}/"
    assert data["legislationJurisdiction"]["identifier"] == "630100"
    assert data["alternateName"] == ["生态环境保护条例"]
    assert data["subjectOf"][0]["headline"] == "青海九项措施进一步全面深化生态环境领域改革"


@pytest.mark.parametrize(
    "name, schema_type",
    [
        ("加强生态环境常态化监督管理和问责的实施意见", "CreativeWork"),
        ("纪检监察监督与生态环境监管贯通协同机制", "Thing"),
    ],
)
def test_other_instruments_get_a_suitable_type(client, knowledge_base, name, schema_type):
    instrument = Instrument.objects.get(name=name)
    (data,) = json_ld(client.get(f"/instruments/{instrument.pk}/"))
    assert data["@type"] == schema_type


def test_the_dataset_page_describes_a_dataset(client, knowledge_base):
    (data,) = json_ld(client.get("/about/data/"))
    assert data["@type"] == "Dataset"
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert {d["encodingFormat"] for d in data["distribution"]} >= {"application/zip", "text/csv"}
    assert data["isBasedOn"][0]["headline"] == "青海九项措施进一步全面深化生态环境领域改革"


def test_markup_in_data_cannot_close_the_json_ld_block(client, knowledge_base):
    instrument = Instrument.objects.get(name="西宁市生态环境保护条例")
    instrument.name = "</script><script>alert(1)</script>"
    instrument.save()
    response = client.get(f"/instruments/{instrument.pk}/")
    (data,) = json_ld(response)
    assert data["name"] == "</script><script>alert(1)</script>"
    assert "<script>alert(1)" not in response.content.decode()


def test_pages_without_json_ld_keep_the_plain_policy(client, knowledge_base):
    response = client.get("/instruments/")
    assert "nonce" not in response["Content-Security-Policy"]
    assert "<script" not in response.content.decode()
