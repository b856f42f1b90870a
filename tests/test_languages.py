"""The language is in the address: /en/… is English, every other address Chinese; what
programs read has one address, in no language."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

LIST = "/instruments/?region=632800&type=pilot"


def html_lang(response):
    return re.search(r'<html lang="([^"]+)"', response.content.decode())[1]


def switch_links(response):
    """{hreflang: (href, whether it is marked as the current page)} of the language switch."""
    nav = re.search(r'<nav class="language-switch".*?</nav>', response.content.decode(), re.S)[0]
    return {
        tag: (href.replace("&amp;", "&"), bool(current))
        for href, tag, current in re.findall(
            r'<a href="([^"]+)" hreflang="([^"]+)"[^>]*?( aria-current="page")?>', nav
        )
    }


def alternates(response):
    """{hreflang: href} of the page's <link rel="alternate" hreflang> elements."""
    return {
        tag: href.replace("&amp;", "&")
        for tag, href in re.findall(
            r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', response.content.decode()
        )
    }


def test_an_english_address_is_answered_in_english(client, knowledge_base):
    response = client.get("/en" + LIST)
    assert response.status_code == 200
    assert html_lang(response) == "en"
    assert response["Content-Language"] == "en"
    assert "Policy instruments" in response.content.decode()


def test_an_address_without_a_prefix_is_chinese_whatever_the_reader_prefers(client, knowledge_base):
    # A reader whose browser prefers English and who kept the cookie of the old switch.
    client.cookies["django_language"] = "en"
    response = client.get(LIST, HTTP_ACCEPT_LANGUAGE="en")
    assert html_lang(response) == "zh-Hans"
    assert response["Content-Language"] == "zh-hans"
    # So the answer depends on the address alone.
    assert "Accept-Language" not in response.get("Vary", "")


def test_the_switch_links_to_the_same_page_and_filters_in_the_other_language(
    client, knowledge_base
):
    assert switch_links(client.get(LIST)) == {
        "zh-Hans": (LIST, True),
        "en": ("/en" + LIST, False),
    }
    assert switch_links(client.get("/en" + LIST)) == {
        "zh-Hans": (LIST, False),
        "en": ("/en" + LIST, True),
    }


def test_a_page_names_its_address_in_each_language(client, knowledge_base):
    for path in (LIST, "/en" + LIST):
        assert alternates(client.get(path)) == {
            "zh-Hans": "http://testserver" + LIST,
            "en": "http://testserver/en" + LIST,
            "x-default": "http://testserver" + LIST,
        }


def test_links_on_an_english_page_stay_english(client, knowledge_base):
    html = client.get("/en" + LIST).content.decode()
    for link in ('href="/en/matrix/"', 'href="/en/regions/"', 'href="/en/admin/"'):
        assert link in html
    # The list's files and feed are offered in the page's language …
    assert 'href="/en/instruments/export.csv?region=632800&amp;type=pilot' in html
    assert 'href="/en/instruments/feed/?region=632800&amp;type=pilot"' in html
    # … what programs read keeps its one address.
    assert 'href="/api/"' in html


def test_an_unknown_english_address_is_an_english_404(client, db):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert html_lang(response) == "en"


@pytest.mark.parametrize(
    "path",
    [
        "/api/",
        "/api/v1/schema/",
        "/api/v1/types/",
        "/about/data/datapackage.json",
        "/sitemap.xml",
        "/robots.txt",
        "/healthz",
    ],
)
def test_what_programs_read_has_one_address_and_answers_alike_to_everyone(
    client, knowledge_base, path
):
    plain = client.get(path)
    assert plain.status_code == 200, path
    english_reader = Client(HTTP_ACCEPT_LANGUAGE="en")
    english_reader.cookies["django_language"] = "en"
    english = english_reader.get(path)
    body = b"".join(english.streaming_content) if english.streaming else english.content
    plain_body = b"".join(plain.streaming_content) if plain.streaming else plain.content
    assert body == plain_body, path
    assert client.get("/en" + path).status_code == 404, path


def test_the_english_feed_is_in_english_and_links_to_english_pages(client, knowledge_base):
    response = client.get("/en/instruments/feed/?region=632800")
    assert response.status_code == 200
    feed = response.content.decode()
    assert "<title>Qinghai eco-environment reform · Region: Haixi" in feed
    assert 'href="http://testserver/en/mentions/' in feed
    # Any web page may read it, as it may read the Chinese one.
    assert response["Access-Control-Allow-Origin"] == "*"
    assert 'href="http://testserver/mentions/' in client.get("/instruments/feed/").content.decode()


def test_robots_txt_keeps_crawlers_from_the_admin_and_files_in_every_language(client, db):
    text = client.get("/robots.txt").content.decode()
    for path in ("/admin/", "/en/admin/", "/instruments/export.csv", "/en/instruments/export.csv"):
        assert f"Disallow: {path}\n" in text
