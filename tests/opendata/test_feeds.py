"""The Atom feeds of the list's entries."""

import re

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from measures.models import Measure, Mention, Source
from tests.factories import make_measure, make_mention, make_source

pytestmark = pytest.mark.django_db

FEED = "/instruments/feed/"


def parsed(client, query=None):
    response = client.get(FEED, query or {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_the_feed_is_valid_atom_with_permalinks_dates_region_type_and_sentence(
    client, knowledge_base
):
    feed = parsed(client, {"region": "632800"})
    assert feed.feed.title.endswith("海西州")
    assert feed.feed.link == "http://testserver/instruments/?region=632800"
    entries = {entry.link: entry for entry in feed.entries}
    expected = {
        f"http://testserver/mentions/{m.pk}/": m
        for m in Mention.objects.published().filter(
            region__code__in=["632800", "632823", "632857", "632821101"]
        )
    }
    assert set(entries) == set(expected)
    for link, entry in entries.items():
        mention = expected[link]
        assert entry.id == link
        assert entry.updated_parsed
        terms = {tag.term for tag in entry.tags}
        assert {mention.region.code, mention.type.slug, mention.type.name} <= terms
        assert mention.quote in entry.summary


def test_the_feed_takes_the_lists_filters(client, knowledge_base):
    feed = parsed(client, {"type": "regulation"})
    assert feed.entries
    names = {entry.title for entry in feed.entries}
    regulations = Mention.objects.published().filter(type__slug="regulation")
    assert names == {f"《{m.name}》" if m.is_document_title else m.name for m in regulations}


def test_a_newly_published_entry_comes_first(client, knowledge_base):
    measure = Measure.objects.get(slug="reform-6")
    entry = make_mention(
        measure=measure, region="632800", name="海西州新条例", status=Mention.Status.DRAFT
    )
    before = parsed(client, {"region": "632800"})
    assert "海西州新条例" not in {e.title for e in before.entries}
    entry.status = Mention.Status.PUBLISHED
    entry.save()
    after = parsed(client, {"region": "632800"})
    assert after.entries[0].title == "海西州新条例"
    assert after.entries[0].link == f"http://testserver/mentions/{entry.pk}/"
    assert after.feed.updated_parsed >= before.feed.updated_parsed


def test_a_changed_entry_comes_first_with_its_new_date(client, knowledge_base):
    entry = Mention.objects.published().get(name="大气污染防治条例")
    entry.quote += "（更正）"
    entry.save()
    first = parsed(client).entries[0]
    assert first.link == f"http://testserver/mentions/{entry.pk}/"
    assert "（更正）" in first.summary


def test_drafts_never_appear(client, knowledge_base):
    measure = Measure.objects.get(slug="reform-6")
    draft_source = make_source(slug="draft-article", status=Source.Status.DRAFT)
    make_mention(measure=measure, name="草稿条例", status=Mention.Status.DRAFT)
    make_mention(measure=make_measure(source=draft_source), name="草稿文章的条例")
    titles = {entry.title for entry in parsed(client).entries}
    assert titles and not titles & {"草稿条例", "草稿文章的条例"}


def test_the_list_page_links_its_own_feed(client, knowledge_base):
    html = client.get("/instruments/", {"region": "632800", "type": "mechanism"}).content.decode()
    (href,) = re.findall(
        r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', html
    )
    href = href.replace("&amp;", "&")
    assert href == "/instruments/feed/?region=632800&type=mechanism"
    feed = parsed(client, {"region": "632800", "type": "mechanism"})
    assert (
        len(feed.entries)
        == Mention.objects.published().filter(region__code="632800", type__slug="mechanism").count()
    )


def test_an_unusable_filter_answers_400_naming_it(client, knowledge_base):
    response = client.get(FEED, {"region": "999999"})
    assert response.status_code == 400
    assert "region=999999" in response.content.decode()


def test_a_feed_costs_the_same_queries_for_any_number_of_entries(client, knowledge_base):
    client.get(FEED)  # the dataset's version, replayed once and kept
    with CaptureQueriesContext(connection) as few:
        client.get(FEED, {"region": "632200"})
    with CaptureQueriesContext(connection) as many:
        client.get(FEED, {"region": "630000"})
    assert len(few) == len(many)


def test_the_feed_answers_304_to_a_repeated_request(client, knowledge_base):
    etag = client.get(FEED)["ETag"]
    assert client.get(FEED, HTTP_IF_NONE_MATCH=etag).status_code == 304
