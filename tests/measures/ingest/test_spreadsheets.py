"""Spreadsheet import in the admin: a preview first, and all rows or none."""

import csv
import io
import tempfile
from datetime import timedelta

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import clear_url_caches, reverse
from django.utils import timezone, translation

from measures.columns import COLUMNS as DESCRIBED_COLUMNS
from measures.management.commands.make_editor import make_editor
from measures.models import Mention
from tests.factories import client_for, make_measure, make_mention, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the editors' messages in English; the site's default is Chinese.

    English is made the default, so that the admin's addresses without a prefix are English:
    the URL resolvers, which keep each language's prefixes, are made anew before and after."""
    settings.LANGUAGE_CODE = "en"
    clear_url_caches()
    with translation.override("en"):
        yield
    clear_url_caches()


#: The import reads the columns of the site's CSV export.
EXPORT_COLUMNS = [column.name for column in DESCRIBED_COLUMNS]

CSV_FORMAT, XLSX_FORMAT = "0", "1"

IMPORT_URL = reverse("admin:measures_mention_import")
CONFIRM_URL = reverse("admin:measures_mention_process_import")


def export_row(**values):
    """A row as the export writes it: the import ignores the titles, prefecture, source, url."""
    row = {
        "id": "",
        "measure_kind": "reform",
        "measure_number": "1",
        "measure_title": "测试措施",
        "region_code": "630100",
        "region_name": "西宁市",
        "prefecture_code": "630100",
        "prefecture_name": "西宁市",
        "instrument_type": "regulation",
        "instrument_type_name": "地方性法规",
        "instrument_category": "legal",
        "instrument_name": "大气污染防治条例",
        "action": "制定",
        "quote": "西宁市制定大气污染防治条例。",
        "source_title": "测试文章",
        "source_published_on": "2024-12-26",
        "source_url": "",
        "url": "",
        "evidence_reference": "青海省生态环境厅工作简报",
    }
    row.update(values)
    return row


def csv_bytes(rows, *, encoding="utf-8", columns=EXPORT_COLUMNS):
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_bytes(rows, *, columns=EXPORT_COLUMNS):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(column) for column in columns])
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()


def preview(client, content, *, name="entries.csv", file_format=CSV_FORMAT):
    upload = SimpleUploadedFile(name, content)
    return client.post(IMPORT_URL, {"import_file": upload, "format": file_format, "resource": "0"})


def confirm(client, preview_response):
    """Press "Confirm import" on a preview."""
    form = preview_response.context["confirm_form"]
    assert form is not None, preview_response.context["result"].problems()
    return client.post(CONFIRM_URL, {name: form.initial.get(name, "") for name in form.fields})


@pytest.fixture(autouse=True)
def uploads_kept_in_the_test_directory(tmp_path, monkeypatch):
    # The admin keeps each upload in a temporary file between preview and confirmation, and a
    # preview that is never confirmed leaves its file behind.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


@pytest.fixture
def measure(reference_data):
    source = make_source(title="测试文章", text="一是测试措施。西宁市制定大气污染防治条例。")
    return make_measure(source=source, number=1, slug="reform-1")


@pytest.fixture
def editor():
    return make_editor("editor", create=True).user


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


def test_a_valid_file_is_previewed_then_imported_as_drafts(editor_client, editor, measure):
    rows = [
        export_row(),
        export_row(region_code="海西", instrument_type="工作机制", instrument_name="协同机制"),
    ]

    response = preview(editor_client, csv_bytes(rows))

    assert not Mention.objects.exists()
    previewed = response.context["result"].valid_rows()
    assert [row.import_type for row in previewed] == ["new", "new"]
    assert [row.diff[0] for row in previewed] == ["", ""]  # ids are given on confirming

    confirm(editor_client, response)

    entries = {entry.name: entry for entry in Mention.objects.select_related("region", "type")}
    assert set(entries) == {"大气污染防治条例", "协同机制"}
    assert {entry.status for entry in entries.values()} == {Mention.Status.DRAFT}
    assert (entries["协同机制"].region.code, entries["协同机制"].type.slug) == (
        "632800",
        "mechanism",
    )
    version = entries["协同机制"].history.get()
    assert version.history_user == editor
    assert version.history_change_reason == "Imported from entries.csv"


def test_a_file_with_one_bad_row_is_refused_whole_with_the_row_and_reason(editor_client, measure):
    rows = [
        export_row(),
        export_row(region_code="999999", region_name=""),
        export_row(instrument_name="  "),
    ]

    response = preview(editor_client, csv_bytes(rows))

    problems = response.context["result"].problems()
    assert "Row 3: region_code: Unknown region 999999." in problems
    assert len([line for line in problems if line.startswith("Row 4: instrument_name: ")]) == 1
    assert len(problems) == 2
    page = response.content.decode()
    assert "Row 3: region_code: Unknown region 999999." in page
    assert response.context.get("confirm_form") is None
    assert not Mention.objects.exists()


def test_a_file_that_stopped_validating_after_its_preview_writes_nothing(editor_client, measure):
    entry = make_mention(measure=measure, name="旧名称")
    rows = [
        export_row(instrument_name="新条例"),
        export_row(id=str(entry.pk), instrument_name="新名"),
    ]
    response = preview(editor_client, csv_bytes(rows))
    entry_id = entry.pk
    entry.delete()  # between the preview and the confirmation

    result = confirm(editor_client, response)

    assert result.status_code == 302 and result["Location"] == IMPORT_URL
    assert not Mention.objects.exists()
    message = editor_client.get(IMPORT_URL).content.decode()
    assert f"Nothing was imported: Row 3: id: There is no entry with id {entry_id}" in message


def test_an_id_updates_that_entry_and_keeps_its_status(editor_client, measure):
    entry = make_mention(measure=measure, name="旧名称", status=Mention.Status.PUBLISHED)

    response = preview(editor_client, csv_bytes([export_row(id=str(entry.pk), action="修订")]))
    confirm(editor_client, response)

    entry.refresh_from_db()
    assert (entry.name, entry.action, entry.status) == (
        "大气污染防治条例",
        "修订",
        Mention.Status.PUBLISHED,
    )
    assert Mention.objects.count() == 1


def test_an_unknown_id_is_an_error_not_a_new_entry(editor_client, measure):
    response = preview(editor_client, csv_bytes([export_row(id="4242")]))

    assert response.context["result"].problems() == [
        "Row 2: id: There is no entry with id 4242; leave id empty to add a new entry."
    ]


def test_a_measure_column_with_the_slug_takes_precedence(editor_client, measure):
    direction = make_measure(source=measure.source, kind="direction", number=1, slug="direction-1")
    columns = [*EXPORT_COLUMNS, "measure"]

    response = preview(
        editor_client, csv_bytes([export_row(measure="direction-1")], columns=columns)
    )
    confirm(editor_client, response)

    assert Mention.objects.get().measure == direction


def test_an_unknown_measure_is_named(editor_client, measure):
    response = preview(editor_client, csv_bytes([export_row(measure_number="9")]))

    assert response.context["result"].problems() == [
        "Row 2: measure: There is no measure reform 9."
    ]


def test_a_gb18030_file_as_excel_saves_it_on_chinese_windows(editor_client, measure):
    content = csv_bytes([export_row(region_code="", region_name="海西州")], encoding="gb18030")

    response = preview(editor_client, content)
    confirm(editor_client, response)

    entry = Mention.objects.select_related("region").get()
    assert (entry.name, entry.region.code) == ("大气污染防治条例", "632800")


def test_a_utf8_file_with_a_byte_order_mark(editor_client, measure):
    content = csv_bytes([export_row()], encoding="utf-8-sig")
    assert content.startswith(b"\xef\xbb\xbf")

    confirm(editor_client, preview(editor_client, content))

    assert Mention.objects.get().name == "大气污染防治条例"


def test_an_xlsx_workbook_with_numbers_for_codes(editor_client, measure):
    content = xlsx_bytes([export_row(region_code=632821, measure_number=1, id=None)])

    response = preview(editor_client, content, name="entries.xlsx", file_format=XLSX_FORMAT)
    confirm(editor_client, response)

    entry = Mention.objects.select_related("region").get()
    assert (entry.name, entry.region.code, entry.status) == (
        "大气污染防治条例",
        "632821",
        Mention.Status.DRAFT,
    )


@pytest.mark.parametrize(
    ("fmt", "query"), [("xlsx", "?per=mention"), ("csv", "?header=zh&per=mention")]
)
def test_a_file_exported_with_chinese_headings_imports_back(editor_client, measure, fmt, query):
    entry = make_mention(measure=measure, region="630100", name="旧名称", action="制定")
    exported = b"".join(editor_client.get(f"/instruments/export.{fmt}{query}").streaming_content)
    if fmt == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(exported))
        assert workbook["mentions"]["L1"].value == "政策工具名称"
        workbook["mentions"]["L2"] = "新名称"
        edited = io.BytesIO()
        workbook.save(edited)
        content, file_format = edited.getvalue(), XLSX_FORMAT
    else:
        content, file_format = exported.replace("旧名称".encode(), "新名称".encode()), CSV_FORMAT

    response = preview(editor_client, content, name=f"entries.{fmt}", file_format=file_format)
    confirm(editor_client, response)

    entry.refresh_from_db()
    assert (entry.name, entry.action, entry.region.code) == ("新名称", "制定", "630100")


@pytest.mark.parametrize("query", ["", "?header=zh"])
def test_a_file_of_instruments_is_refused_and_changes_nothing(editor_client, measure, query):
    """An instrument export has no mention ids: imported, each row would become a new mention."""
    entry = make_mention(measure=measure, region="630100", name="旧名称", action="制定")
    exported = b"".join(editor_client.get(f"/instruments/export.csv{query}").streaming_content)

    response = preview(editor_client, exported.replace("旧名称".encode(), "新名称".encode()))

    assert "per=mention" in response.content.decode()
    assert Mention.objects.count() == 1
    entry.refresh_from_db()
    assert entry.name == "旧名称"


def test_a_changed_quote_of_an_entry_read_from_the_article_is_refused(editor_client, measure):
    entry = make_mention(measure=measure, parsed_digest="d" * 64, quote="原句。")

    response = preview(editor_client, csv_bytes([export_row(id=str(entry.pk), quote="改写。")]))

    assert response.context["result"].problems() == [
        "Row 2: quote: Entries read from the article keep their quote."
    ]


def test_blank_lines_are_not_entries(editor_client, measure):
    content = csv_bytes([export_row()]) + b",,,,,,,,,,,,,,,,,\r\n"

    confirm(editor_client, preview(editor_client, content))

    assert Mention.objects.count() == 1


def test_staff_who_may_not_add_entries_cannot_import(measure):
    viewer = make_editor("viewer", create=True).user
    viewer.groups.clear()
    viewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="measures", codename="view_mention")
    )
    client = Client()
    client.force_login(viewer)

    changelist = client.get(reverse("admin:measures_mention_changelist")).content.decode()
    response = preview(client, csv_bytes([export_row()]))

    assert IMPORT_URL not in changelist
    assert response.status_code == 403
    assert not Mention.objects.exists()


def test_an_exported_file_imports_back_with_its_texts_unchanged(admin_client, reference_data):
    from measures.formulas import unguarded

    assert unguarded("'=1+1") == "=1+1"
    assert unguarded("'＝合计") == "＝合计"
    assert unguarded("'普通文本") == "'普通文本"
    assert unguarded("=1+1") == "=1+1"


def test_a_row_exported_before_someone_else_saved_the_entry_is_refused(knowledge_base):
    import tablib

    from measures.ingest.spreadsheets import MentionResource

    entry = Mention.objects.get(measure__slug="reform-1", name="大气污染防治条例")
    exported_version = entry.version
    entry.notes = "另一位编辑先保存了"
    entry.save()
    headers = ["id", "instrument_name", "version"]
    stale = tablib.Dataset([entry.pk, "改过的名称", exported_version], headers=headers)
    fresh = tablib.Dataset([entry.pk, "改过的名称", entry.version], headers=headers)

    refused = MentionResource().import_data(stale, dry_run=False)
    assert refused.has_validation_errors()
    assert "version" in " ".join(refused.problems())
    entry.refresh_from_db()
    assert entry.name == "大气污染防治条例"

    accepted = MentionResource().import_data(fresh, dry_run=False)
    assert not accepted.has_validation_errors(), accepted.problems()
    entry.refresh_from_db()
    assert entry.name == "改过的名称"


# Limits and the confirm step ---------------------------------------------------------------------


def test_a_workbook_that_expands_to_many_rows_is_refused_quickly(editor_client, measure):
    import io
    import time

    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["id", "instrument_name"])
    for n in range(25_000):
        sheet.append(["", f"条目{n}"])
    content = io.BytesIO()
    book.save(content)

    started = time.perf_counter()
    response = preview(editor_client, content.getvalue(), name="big.xlsx", file_format=XLSX_FORMAT)
    assert time.perf_counter() - started < 5
    assert "20,000" in response.content.decode()
    assert response.context.get("confirm_form") is None
    assert not Mention.objects.exists()


@pytest.mark.parametrize(
    "content,message",
    [
        (b"id," + b",".join(b"c%d" % n for n in range(120)) + b"\r\n1\r\n", "121 columns"),
        (b"id,instrument_name\r\n," + "长".encode() * 10_001 + b"\r\n", "10,001"),
        (b"id,instrument_name\r\n" + b",x\r\n" * 20_001, "20,000"),
        (b"id,instrument_name\r\n" + b",x" * 3_000_000 + b"\r\n", "bytes"),
    ],
    ids=["columns", "cell", "rows", "bytes"],
)
def test_a_csv_over_a_limit_is_refused_with_the_limit(editor_client, measure, content, message):
    response = preview(editor_client, content)
    if response.status_code == 302:  # refused before it was read: the message is on the form
        response = editor_client.get(response["Location"])
    assert message in response.content.decode()
    assert response.context.get("confirm_form") is None
    assert not Mention.objects.exists()


def test_the_confirm_step_takes_only_the_editors_own_fresh_upload(editor_client, measure):
    from measures.models import PendingUpload

    response = preview(editor_client, csv_bytes([export_row()]))
    form = response.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    url = reverse("admin:measures_mention_process_import")
    other = client_for(make_editor("other", create=True).user)

    for client, changes in [
        (other, {}),  # another editor's upload
        (editor_client, {"import_file_name": "../../etc/passwd"}),
        (editor_client, {"format": "99"}),
    ]:
        refused = client.post(url, {**data, **changes})
        assert refused.status_code == 302 and not Mention.objects.exists()
    assert PendingUpload.objects.count() == 1

    PendingUpload.objects.update(created_at=timezone.now() - timedelta(hours=2))
    assert editor_client.post(url, data).status_code == 302
    assert not Mention.objects.exists()


def test_a_confirmed_upload_is_imported_once_and_removed(editor_client, measure):
    from measures.models import PendingUpload

    response = preview(editor_client, csv_bytes([export_row()]))
    confirm(editor_client, response)
    assert Mention.objects.count() == 1
    assert not PendingUpload.objects.exists()


def test_a_large_valid_file_previews_as_a_summary_with_the_first_rows(editor_client, measure):
    rows = [export_row(instrument_name=f"条目{n}") for n in range(150)]
    response = preview(editor_client, csv_bytes(rows))
    html = response.content.decode()
    assert response.context["confirm_form"] is not None
    assert "条目99<" in html and "条目100<" not in html
    assert "150" in html
