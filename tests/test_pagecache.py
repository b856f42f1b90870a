"""Whole public pages cached for anonymous readers, made stale by every kind of write.

Runs against whatever cache the settings name: each test process's own memory, or the Redis
server of REDIS_URL (`.ci/run` starts one for the PostgreSQL run).
"""

import os

import pytest
from django.core.cache import cache, caches
from django.db import connections, transaction
from django.test import Client

from measures import changes, instruments, publishing
from measures.management.commands.load_knowledge_base import load_knowledge_base
from measures.models import Instrument, Mention, Status
from regions.models import Region
from tests.factories import client_for, make_measure, make_mention, make_source, make_staff
from tests.measures.ingest.test_spreadsheets import confirm, csv_bytes, export_row, preview

pytestmark = pytest.mark.django_db

LIST = "/instruments/?region=630100"


@pytest.fixture
def entry(reference_data):
    source = make_source(title="测试文章", text="一是测试措施。西宁市制定缓存测试条例。")
    measure = make_measure(source=source, number=1, slug="reform-1")
    return make_mention(measure=measure, region="630100", type="regulation", name="缓存测试条例")


@pytest.fixture
def editor():
    return make_staff(
        "page-cache-editor",
        "measures.change_mention",
        "measures.view_mention",
        "measures.add_mention",
        "measures.publish_mention",
    )


# What is cached, and how ------------------------------------------------------------------------


def test_the_second_reader_gets_the_page_without_a_query(client, entry, django_assert_num_queries):
    first = client.get(LIST)
    assert "缓存测试条例" in first.content.decode()
    with django_assert_num_queries(0):
        second = Client().get(LIST)
    assert second.status_code == 200
    assert second.content == first.content


def test_a_cached_page_can_be_revalidated(client, entry):
    page = entry.get_absolute_url()
    first = client.get(page)
    assert first["ETag"].startswith('W/"')
    assert first["Cache-Control"] == "public, max-age=0"
    again = client.get(page, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    # The page changed: the old ETag no longer matches, and the new page comes whole.
    entry.name = "改过的缓存测试条例"
    entry.save()
    changed = client.get(page, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert "改过的缓存测试条例" in changed.content.decode()
    assert changed["ETag"] != first["ETag"]


def test_a_head_request_gets_the_cached_page_headers(client, entry, django_assert_num_queries):
    etag = client.get(LIST)["ETag"]
    with django_assert_num_queries(0):
        head = client.head(LIST)
    assert (head.status_code, head["ETag"], head.content) == (200, etag, b"")


def test_each_language_has_its_own_page(client, entry, django_assert_num_queries):
    chinese = client.get(LIST)
    english = client.get("/en" + LIST)
    assert "All entries" in english.content.decode()
    assert "All entries" not in chinese.content.decode()
    assert english["ETag"] != chinese["ETag"]
    # Each is kept, and served to the next reader of its address in its own language.
    with django_assert_num_queries(0):
        assert Client().get("/en" + LIST).content == english.content
        assert Client().get(LIST).content == chinese.content


def test_a_cached_page_is_the_same_for_every_reader_whatever_their_language(client, entry):
    first = client.get(LIST)
    english_reader = Client(HTTP_ACCEPT_LANGUAGE="en")
    english_reader.cookies["django_language"] = "en"
    second = english_reader.get(LIST)
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    # It varies with nothing but its address: no cookie is set, no header is varied on.
    assert not second.cookies
    assert "Accept-Language" not in second.get("Vary", "")
    assert "Cookie" not in second.get("Vary", "")


def test_signed_in_editors_are_never_served_a_cached_page(client, entry, editor):
    client.get(LIST)
    editor_client = client_for(editor)
    editor_client.get(LIST)
    response = editor_client.get(LIST)
    assert "private" in response["Cache-Control"]
    assert "ETag" not in response


@pytest.mark.parametrize(
    "url",
    [
        "/admin/login/",
        "/en/admin/login/",
        "/instruments/999999/",  # 404
        "/instruments/export.csv",  # streamed
        "/instruments/export.xlsx",  # a file, not a page
        "/healthz",
    ],
)
def test_what_is_not_a_public_page_is_not_cached(client, entry, url):
    client.get(url)
    response = client.get(url)
    assert "public" not in response.get("Cache-Control", "")
    assert not response.has_header("ETag") or not response["ETag"].startswith('W/"')


def test_a_page_read_from_a_replica_right_after_a_write_is_not_kept(
    client, entry, monkeypatch, settings, django_assert_max_num_queries
):
    # The replica may not have the write yet: the page could show the rows from before it.
    monkeypatch.setattr("qhreform.pagecache.read_from_replica", lambda: True)
    settings.DB_REPLICA_LAG = 3600
    client.get(LIST)
    with django_assert_max_num_queries(100) as captured:
        client.get(LIST)
    assert len(captured) > 0
    settings.DB_REPLICA_LAG = 0
    client.get(LIST)
    with django_assert_max_num_queries(0):
        client.get(LIST)


def test_the_site_answers_when_the_cache_does_not(client, entry, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", down)
    response = client.get(LIST)
    assert response.status_code == 200
    assert "缓存测试条例" in response.content.decode()


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL names no Redis server")
def test_the_pages_are_kept_in_redis(client, entry):
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(caches["default"], RedisCache)
    client.get(LIST)
    keys = cache._cache.get_client().keys(f"{cache.key_prefix}:*:page:{changes.current()}:*")
    assert keys


# Every kind of write makes the cached pages stale ----------------------------------------------


def cached_then(client, url, write):
    """The page before and after `write`, both as an anonymous reader gets it."""
    before = client.get(url).content.decode()
    assert client.get(url).content.decode() == before
    write()
    return before, client.get(url).content.decode()


def test_publishing_shows_an_entry(client, entry, editor):
    draft = make_mention(measure=entry.measure, region="630100", name="新发布条例", status="draft")
    before, after = cached_then(
        client, LIST, lambda: publishing.set_status([draft], Status.PUBLISHED, user=editor)
    )
    assert "新发布条例" not in before and "新发布条例" in after


def test_publishing_a_source_shows_its_entries(client, entry, editor):
    source = make_source(status=Status.DRAFT, text="一是新措施。西宁市建立新来源机制。")
    measure = make_measure(source=source, status=Status.DRAFT)
    make_mention(measure=measure, region="630100", name="新来源机制")
    before, after = cached_then(
        client, LIST, lambda: publishing.publish_source(source, user=editor)
    )
    assert "新来源机制" not in before and "新来源机制" in after


def test_unpublishing_hides_an_entry(client, entry, editor):
    before, after = cached_then(
        client, LIST, lambda: publishing.set_status([entry], Status.DRAFT, user=editor)
    )
    assert "缓存测试条例" in before and "缓存测试条例" not in after


def test_an_edit_in_the_admin_shows(client, entry, editor):
    from tests.factories import form_data

    editor_client = client_for(editor)
    url = f"/admin/measures/mention/{entry.pk}/change/"
    form = editor_client.get(url).context["adminform"].form

    def edit():
        response = editor_client.post(url, {**form_data(form), "name": "编辑过的条例"})
        assert response.status_code == 302

    before, after = cached_then(client, entry.get_absolute_url(), edit)
    assert "编辑过的条例" not in before and "编辑过的条例" in after


def test_a_spreadsheet_import_shows(client, entry, editor):
    editor_client = client_for(editor)
    row = export_row(id=str(entry.pk), instrument_name="导入的条例", quote="西宁市制定导入的条例。")

    def import_rows():
        confirm(editor_client, preview(editor_client, csv_bytes([row])))

    before, after = cached_then(client, entry.get_absolute_url(), import_rows)
    assert "导入的条例" not in before and "导入的条例" in after


def test_loading_the_knowledge_base_shows(client, reference_data):
    before, after = cached_then(client, "/instruments/", load_knowledge_base)
    assert "大气污染防治条例" not in before and "大气污染防治条例" in after


def test_a_deletion_shows(client, entry):
    before, after = cached_then(client, LIST, entry.delete)
    assert "缓存测试条例" in before and "缓存测试条例" not in after


def test_a_merge_shows(client, entry):
    other = make_mention(measure=entry.measure, region="630100", name="另一个条例")
    into = Instrument.objects.get(pk=entry.instrument_id)
    url = into.get_absolute_url()
    before, after = cached_then(
        client,
        url,
        lambda: instruments.merge(into, [Instrument.objects.get(pk=other.instrument_id)]),
    )
    assert "另一个条例" not in before and "另一个条例" in after


def test_a_region_renamed_shows(client, entry):
    def rename():
        region = Region.objects.get(code="630100")
        region.short_name = "改名的西宁"
        region.save()

    before, after = cached_then(client, LIST, rename)
    assert "改名的西宁" not in before and "改名的西宁" in after


def test_a_bulk_write_that_sends_no_signal_says_so(client, entry):
    def update():
        Mention.objects.filter(pk=entry.pk).update(name="批量改名")
        changes.changed()

    before, after = cached_then(client, entry.get_absolute_url(), update)
    assert "批量改名" in after


def test_a_transaction_changes_the_version_once_more_when_it_commits(entry):
    def pending():
        run_on_commit = connections["default"].run_on_commit
        return [callback for _ids, callback, _robust in run_on_commit if callback is changes._bump]

    with transaction.atomic():
        for name in ("一", "二", "三"):
            entry.name = name
            entry.save()
        # However many rows it writes, one change when it commits (the pages rendered meanwhile
        # from the rows before it are then left behind).
        assert len(pending()) == 1
    before = changes.current()
    pending()[0]()
    assert changes.current() != before


def test_a_write_rolled_back_to_a_savepoint_is_followed_by_a_change_all_the_same(entry):
    connection = connections["default"]
    connection.run_on_commit.clear()
    try:
        with transaction.atomic():
            entry.save()
            raise RuntimeError
    except RuntimeError:
        pass
    assert not connection.run_on_commit
    entry.save()
    assert [callback for _ids, callback, _robust in connection.run_on_commit] == [changes._bump]


def test_a_write_the_public_never_sees_leaves_the_pages_alone(entry, editor):
    from measures.models import PendingUpload

    before = changes.current()
    PendingUpload.objects.create(token="t", user=editor, data=b"x")
    assert changes.current() == before
