"""No write path loses or silently publishes data: imports never change what they did not
create, new versions of an article wait as drafts until published, deletions survive reloads,
and the status changes only with the publish permission, by every route."""

import re

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from measures.ingest.articles import import_article
from measures.ingest.loading import load_records
from measures.ingest.records import KNOWLEDGE_BASE_FIXTURE, fixture_path
from measures.ingest.spreadsheets import MentionResource
from measures.models import Measure, Mention, Source
from tests.factories import client_for, form_data, make_staff
from tests.measures.ingest.test_loading import records
from tests.measures.test_admin import EDITOR_PERMISSIONS

pytestmark = pytest.mark.django_db

SLUG = "qinghai-eco-reform-2024-12-26"

# A different, two-measure article, as a careless editor might upload under the shipped slug.
OTHER_ARTICLE = """玉树州生态环境保护工作纪实

发布时间: 2025-03-01

一是完善生态保护制度。玉树州制定《玉树州草原生态保护条例》。

二是推进试点建设。玉树州开展生态环境导向开发模式试点。
"""


def shipped_text():
    return (fixture_path("source") / f"{SLUG}.txt").read_text(encoding="utf-8")


# The shipped article with one document renamed and one sentence added in measure 1.
RENAMED = "关于加强生态环境分区管控的实施意见"


def revised_text():
    text = shipped_text()
    assert RENAMED in text
    text = text.replace(RENAMED, "关于深化生态环境分区管控的实施意见")
    first = text.index("一是在推动生态环保责任落实上深化改革。") + len(
        "一是在推动生态环保责任落实上深化改革。"
    )
    return text[:first] + "海东市制定扬尘污染防治条例。" + text[first:]


def body(response):
    """The response's bytes, without the per-request CSRF token of the language switch."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", response.content)


def public_snapshot(client):
    """What the public sees of the article: its page, a measure page and the list's CSV."""
    return {
        url: body(client.get(url))
        for url in (
            f"/sources/{SLUG}/",
            "/measures/reform-1/",
            "/instruments/export.csv",
            "/regions/632800/",
        )
    }


def published_rows():
    return sorted(Mention.objects.published().values_list("pk", "name", "updated_at"))


# --- An import never changes what it did not create -----------------------------------------


def test_an_import_under_the_published_slug_is_refused_by_the_command(
    knowledge_base, client, tmp_path
):
    before, rows = public_snapshot(client), published_rows()
    path = tmp_path / f"{SLUG}.txt"
    path.write_text(OTHER_ARTICLE, encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        call_command("import_article", str(path), "--slug", SLUG)

    assert "青海九项措施进一步全面深化生态环境领域改革" in str(refused.value)
    assert f"--new-version-of {SLUG}" in str(refused.value)
    assert published_rows() == rows and len(rows) == 90
    assert public_snapshot(client) == before
    assert Source.objects.count() == 1


@pytest.mark.parametrize("button", ["preview", "import"])
def test_an_import_under_the_published_slug_is_refused_in_the_admin(
    knowledge_base, client, admin_client, button
):
    before, rows = public_snapshot(client), published_rows()
    upload = SimpleUploadedFile(f"{SLUG}.txt", OTHER_ARTICLE.encode(), "text/plain")
    response = admin_client.post(
        "/admin/measures/source/import-article/", {"file": upload, "slug": SLUG, button: "1"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["refusal"].source.slug == SLUG
    assert "青海九项措施进一步全面深化生态环境领域改革" in html
    assert published_rows() == rows
    assert public_snapshot(client) == before


def test_the_file_name_no_longer_chooses_the_slug(knowledge_base, client, admin_client):
    before = public_snapshot(client)
    upload = SimpleUploadedFile(f"{SLUG}.txt", OTHER_ARTICLE.encode(), "text/plain")
    response = admin_client.post(
        "/admin/measures/source/import-article/", {"file": upload, "import": "1"}
    )
    assert response.context["result"].slug == "yu-shu-zhou-sheng-tai-huan-jing-bao-2025-03-01"
    assert public_snapshot(client) == before
    assert not Mention.objects.filter(measure__source__slug__startswith="yu-shu").filter(
        status="published"
    )


# --- A new version waits as drafts, and replaces the old one when published -----------------


def test_a_new_version_is_drafts_beside_the_published_article(knowledge_base, client):
    before, rows = public_snapshot(client), published_rows()
    old = Source.objects.get(slug=SLUG)

    result = import_article(text=revised_text(), new_version_of=old)

    new = Source.objects.get(slug=f"{SLUG}-v2")
    assert result.slug == new.slug and new.previous_version == old
    assert new.status == "draft"
    assert not new.measures.filter(status="published").exists()
    assert not Mention.objects.filter(measure__source=new, status="published").exists()
    assert (result.affected.published_entries, result.affected.continued) == (90, 89)
    assert (result.affected.not_in_new_version, result.affected.new_entries) == (1, 2)
    assert published_rows() == rows
    assert public_snapshot(client) == before


def test_the_admin_preview_names_what_a_new_version_would_replace(knowledge_base, admin_client):
    old = Source.objects.get(slug=SLUG)
    upload = SimpleUploadedFile("revised.txt", revised_text().encode(), "text/plain")
    response = admin_client.post(
        "/admin/measures/source/import-article/",
        {"file": upload, "new_version_of": old.pk, "preview": "1"},
    )
    html = response.content.decode()
    assert f"{SLUG}-v2" in html
    assert "89" in html and "90" in html
    assert Source.objects.count() == 1


def test_publishing_a_new_version_replaces_the_old_one_and_keeps_editors_work(
    knowledge_base, client
):
    old = Source.objects.get(slug=SLUG)
    corrected = Mention.objects.get(measure__slug="reform-1", name="大气污染防治条例")
    corrected.notes = "名称核对无误"
    corrected.action = "修订完善"
    corrected.save()
    old_entry_url = corrected.get_absolute_url()
    import_article(text=revised_text(), new_version_of=old)
    new = Source.objects.get(slug=f"{SLUG}-v2")
    publisher = make_staff("publisher", *PUBLISHER_PERMISSIONS)

    response = client_for(publisher).post(
        reverse("admin:measures_source_changelist"),
        {"action": "publish", "_selected_action": [new.pk]},
    )

    assert response.status_code == 302
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == ("draft", "published")
    # The article's measure links now lead to the new version.
    assert Measure.objects.get(slug="reform-1").source == new
    # A new entry is a draft until reviewed.
    assert not Mention.objects.published().filter(name="扬尘污染防治条例").exists()
    assert "扬尘污染防治条例" not in client.get("/instruments/?q=扬尘").content.decode()
    assert (
        "关于深化生态环境分区管控的实施意见"
        not in client.get("/instruments/?q=分区").content.decode()
    )
    # 89 entries continue; the renamed document left with the old version.
    assert Mention.objects.published().count() == 89
    assert not Mention.objects.published().filter(measure__source=old).exists()
    continued = Mention.objects.published().get(measure__slug="reform-1", name="大气污染防治条例")
    assert (continued.action, continued.notes) == ("修订完善", "名称核对无误")
    # Old links follow the article to its new version.
    moved = client.get(f"/sources/{SLUG}/")
    assert (moved.status_code, moved["Location"]) == (301, f"/sources/{SLUG}-v2/")
    entry = client.get(old_entry_url)
    assert (entry.status_code, entry["Location"]) == (301, continued.get_absolute_url())
    assert old.history.first().history_change_reason == f"Replaced by {SLUG}-v2"


def test_publishing_a_new_version_by_its_change_form_replaces_the_old_one_too(knowledge_base):
    old = Source.objects.get(slug=SLUG)
    import_article(text=revised_text(), new_version_of=old)
    new = Source.objects.get(slug=f"{SLUG}-v2")
    publisher = client_for(make_staff("publisher", *PUBLISHER_PERMISSIONS))
    url = reverse("admin:measures_source_change", args=[new.pk])
    form = publisher.get(url).context["adminform"].form

    response = publisher.post(url, {**form_data(form), "status": "published"})

    assert response.status_code == 302
    assert Source.objects.published().get() == new
    assert Measure.objects.get(slug="reform-1").source == new
    assert Mention.objects.published().count() == 89


# --- A deletion is an edit -------------------------------------------------------------------


def test_an_entry_a_superuser_deleted_stays_deleted_across_reloads(
    knowledge_base, admin_client, capsys
):
    entry = Mention.objects.get(measure__slug="reform-1", name="大气污染防治条例")
    admin_client.post(reverse("admin:measures_mention_delete", args=[entry.pk]), {"post": "1"})

    call_command("load_knowledge_base", "--dry-run")
    dry = capsys.readouterr().out
    call_command("load_knowledge_base")
    out = capsys.readouterr().out

    for report in (dry, out):
        assert "1 kept deleted" in report
        assert f"deleted by an editor, kept deleted: mention {entry.key}" in report
    assert not Mention.objects.filter(key=entry.key).exists()
    assert Mention.objects.published().count() == 89


def test_a_deleted_measure_keeps_its_entries_from_coming_back(knowledge_base, capsys):
    measure = Measure.objects.get(slug="reform-5")
    measure.mentions.all().delete()
    measure.delete()

    call_command("load_knowledge_base")

    out = capsys.readouterr().out
    assert "3 kept deleted" in out  # the measure and its two entries
    assert not Measure.objects.filter(slug="reform-5").exists()


def test_the_loaders_own_removals_do_not_count_as_deletions(reference_data):
    load_records(records())
    load_records(records(with_mechanism=False))  # the loader removes the mechanism
    report = load_records(records())
    assert report.created == ["mention test-article/reform-1/632800/mechanism"]
    assert not report.kept_deleted


# --- The status changes only with the publish permission -------------------------------------

# What an editor may do, less publishing.
EDITOR_WITHOUT_PUBLISHING = tuple(sorted(EDITOR_PERMISSIONS - {"measures.publish_mention"}))
PUBLISHER_PERMISSIONS = (*EDITOR_WITHOUT_PUBLISHING, "measures.publish_mention")


def test_reverting_to_a_published_version_does_not_publish_without_the_permission(
    knowledge_base, client
):
    entry = Mention.objects.get(measure__slug="reform-1", name="大气污染防治条例")
    published_version = entry.history.first()
    entry.status = "draft"
    entry.save()
    editor = make_staff("careless", *EDITOR_WITHOUT_PUBLISHING)
    revert_url = reverse(
        "admin:measures_mention_simple_history", args=[entry.pk, published_version.history_id]
    )
    editor_client = client_for(editor)
    form = editor_client.get(revert_url).context["adminform"].form

    response = editor_client.post(revert_url, form_data(form))

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "draft"
    assert client.get(entry.get_absolute_url()).status_code == 404


def test_a_measure_added_to_a_published_source_is_a_draft(knowledge_base, client):
    editor = make_staff("careless", *EDITOR_WITHOUT_PUBLISHING)
    source = Source.objects.get(slug=SLUG)
    response = client_for(editor).post(
        reverse("admin:measures_measure_add"),
        {
            "slug": "reform-10",
            "source": source.pk,
            "kind": "reform",
            "number": "10",
            "title": "在新领域上深化改革",
            "body": "十是在新领域上深化改革。",
            "status": "published",  # ignored: the field is read-only without the permission
        },
    )
    assert response.status_code == 302
    measure = Measure.objects.get(slug="reform-10")
    assert measure.status == "draft"
    assert client.get("/measures/reform-10/").status_code == 404
    assert "在新领域上深化改革" not in client.get("/").content.decode()


def test_a_publisher_publishes_a_new_measure_with_the_action(knowledge_base, client):
    source = Source.objects.get(slug=SLUG)
    measure = Measure.objects.create(
        source=source,
        kind="reform",
        number=10,
        slug="reform-10",
        title="新措施",
        body="十是新措施。",
    )
    assert measure.status == "draft"
    publisher = client_for(make_staff("publisher", *PUBLISHER_PERMISSIONS))
    publisher.post(
        reverse("admin:measures_measure_changelist"),
        {"action": "publish", "_selected_action": [measure.pk]},
    )
    assert client.get("/measures/reform-10/").status_code == 200


def test_a_spreadsheet_cannot_publish_whoever_imports_it(knowledge_base):
    entry = Mention.objects.get(measure__slug="reform-1", name="大气污染防治条例")
    entry.status = "draft"
    entry.save()
    dataset = tablib.Dataset(
        [
            entry.pk,
            "reform-1",
            "630100",
            "regulation",
            "大气污染防治条例(修订)",
            "修订",
            "published",
            "",
        ],
        ["", "reform-1", "630100", "regulation", "新增条例", "制定", "published", "测试用文件"],
        headers=[
            "id",
            "measure",
            "region_code",
            "instrument_type",
            "instrument_name",
            "action",
            "status",
            "evidence_reference",
        ],
    )
    result = MentionResource().import_data(dataset, dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors(), result.problems()
    entry.refresh_from_db()
    assert (entry.name, entry.status) == ("大气污染防治条例(修订)", "draft")
    assert Mention.objects.get(name="新增条例").status == "draft"


def test_the_shipped_measures_load_published(knowledge_base):
    # The shipped knowledge base says its measures are published; a reload keeps them so.
    assert fixture_path(KNOWLEDGE_BASE_FIXTURE).exists()
    assert Measure.objects.published().count() == 13
