"""Importing a new article: parsed into drafts, reported, and idempotent."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation

from measures.ingest.articles import ImportRefused, import_article
from measures.models import Measure, Mention, Source

pytestmark = pytest.mark.django_db

ARTICLE = """海东市生态环境领域改革取得新进展

发布时间: 2023-06-30

（一）健全生态环境法规制度。海东市出台《海东市扬尘污染防治条例》，制定生态环境保护督察整改工作办法。

（二）推进生态补偿。海北州建立祁连山水源涵养生态补偿机制。果洛州开展“无废城市”试点。

来源丨青海日报
"""


def test_an_article_of_the_same_genre_becomes_drafts(reference_data):
    result = import_article(text=ARTICLE, slug="haidong-2023", url="https://example.org/a")
    assert (result.measures, result.documents) == (2, 1)
    source = Source.objects.get(slug="haidong-2023")
    assert source.status == Source.Status.DRAFT
    assert source.title == "海东市生态环境领域改革取得新进展"
    assert source.published_on.isoformat() == "2023-06-30"
    assert list(Measure.objects.filter(source=source).values_list("slug", "title")) == [
        ("haidong-2023-reform-1", "健全生态环境法规制度"),
        ("haidong-2023-reform-2", "推进生态补偿"),
    ]
    entries = {e.name: e for e in Mention.objects.filter(measure__source=source)}
    assert entries["海东市扬尘污染防治条例"].is_document_title
    assert entries["海东市扬尘污染防治条例"].region.code == "630200"
    assert entries["海东市扬尘污染防治条例"].type.slug == "regulation"
    assert entries["祁连山水源涵养生态补偿机制"].region.code == "632200"
    assert entries["“无废城市”试点"].region.code == "632600"
    assert all(e.status == Mention.Status.DRAFT for e in entries.values())
    # Drafts stay off the public site.
    assert not Mention.objects.published().exists()


def test_importing_the_same_text_again_is_refused_and_changes_nothing(reference_data):
    import_article(text=ARTICLE, slug="haidong-2023")
    before = sorted(Mention.objects.values_list("key", "name", "status", "updated_at"))
    with (
        translation.override("en"),
        pytest.raises(ImportRefused, match="already in the knowledge base as “海东市"),
    ):
        import_article(text=ARTICLE, slug="haidong-2023-again")
    assert sorted(Mention.objects.values_list("key", "name", "status", "updated_at")) == before
    assert Source.objects.count() == 1


def test_the_default_slug_comes_from_the_title_and_date_not_the_file_name(reference_data):
    result = import_article(text=ARTICLE)
    assert result.slug == "hai-dong-shi-sheng-tai-huan-jing-ling-2023-06-30"
    assert Source.objects.get().slug == result.slug


def test_the_command_reports_what_it_found(reference_data, tmp_path, capsys):
    path = tmp_path / "haidong-2023.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    call_command("import_article", str(path), "--published-on", "2023-07-01", "--dry-run")
    out = capsys.readouterr().out
    assert (
        "Would import “海东市生态环境领域改革取得新进展” as "
        "hai-dong-shi-sheng-tai-huan-jing-ling-2023-07-01: 2 measures" in out
    )
    assert not Source.objects.exists()

    call_command(
        "import_article", str(path), "--title", "海东改革", "--url", "https://example.org/a"
    )
    out = capsys.readouterr().out
    assert "Imported “海东改革” as hai-dong-gai-ge-2023-06-30" in out
    assert "630200: 2" in out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Nothing was imported. This text is already"):
        call_command("import_article", str(path), "--title", "海东改革")


def test_the_command_refuses_a_bad_date(reference_data, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("import_article", str(path), "--published-on", "30/06/2023")


def test_the_admin_page_previews_then_imports(admin_client, reference_data):
    url = "/admin/measures/source/import-article/"
    assert admin_client.get(url).status_code == 200

    def upload(button, encoding="utf-8"):
        file = SimpleUploadedFile("haidong-2023.txt", ARTICLE.encode(encoding), "text/plain")
        return admin_client.post(url, {"file": file, button: "1"})

    preview = upload("preview")
    assert preview.status_code == 200
    assert "hai-dong-shi-sheng-tai-huan-jing-ling-2023-06-30" in preview.content.decode()
    assert not Source.objects.exists()

    done = upload("import", encoding="gb18030")
    html = done.content.decode()
    assert "Review" in html or "审核" in html
    assert Mention.objects.filter(status="draft").count() == done.context["result"].entries


def test_the_admin_page_needs_the_add_permissions(client, django_user_model, reference_data):
    user = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get("/admin/measures/source/import-article/").status_code == 403
    client.logout()
    response = client.get("/admin/measures/source/import-article/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_preview_shows_each_entrys_rule_and_flags_an_article_about_elsewhere(
    admin_client, reference_data
):
    text = "西藏自治区深化生态环境领域改革\n\n一是出台《西藏自治区A条例》。二是建立B机制。\n"
    file = SimpleUploadedFile("xizang.txt", text.encode(), "text/plain")
    with translation.override("en"):
        response = admin_client.post(
            "/admin/measures/source/import-article/", {"file": file, "preview": "1"}
        )
    html = response.content.decode()
    assert "Not about Qinghai" in html or "不涉及青海" in html
    assert "<td>title</td>" in html and "<td>verb-object</td>" in html
    rows = response.context["result"].entry_rows
    assert {row["region"] for row in rows} == {"540000"}
    assert not Source.objects.exists()


def test_a_title_too_long_or_missing_is_refused_with_a_message(reference_data):
    with translation.override("en"), pytest.raises(ImportRefused, match="400 characters"):
        import_article(text=ARTICLE, title="长" * 400)
    # A first line too long to be a title is read as text: then the article has none.
    untitled = "长" * 400 + "。\n\n一是制定测试条例。\n"
    with translation.override("en"), pytest.raises(ImportRefused, match="no title"):
        import_article(text=untitled)
    assert not Source.objects.exists()


def test_the_admin_refuses_a_file_with_a_nul_character(admin_client, reference_data):
    upload = SimpleUploadedFile("a.txt", ARTICLE.replace("。", "\x00", 1).encode(), "text/plain")
    response = admin_client.post(
        "/admin/measures/source/import-article/", {"file": upload, "import": "1"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Source.objects.exists()


def test_a_title_too_long_is_refused_by_the_admin_form(admin_client, reference_data):
    upload = SimpleUploadedFile("a.txt", ARTICLE.encode(), "text/plain")
    response = admin_client.post(
        "/admin/measures/source/import-article/",
        {"file": upload, "title": "长" * 301, "import": "1"},
    )
    assert response.context["form"].errors["title"]
    assert not Source.objects.exists()


def test_a_text_far_longer_than_an_article_is_refused_before_parsing(reference_data):
    import time

    text = "海东市制定条例。\n" * 100_000
    started = time.perf_counter()
    with translation.override("en"), pytest.raises(ImportRefused, match="100,001 lines"):
        import_article(text=text, title="很长的文本")
    assert time.perf_counter() - started < 5
    assert not Source.objects.exists()
