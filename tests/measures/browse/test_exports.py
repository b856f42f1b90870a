"""The CSV, JSON and XLSX exports of the instruments list (measures.browse.exports)."""

import csv
import io
import json
import re
from datetime import date
from urllib.parse import unquote

import openpyxl
import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from collation import pinyin_key
from measures.browse.listing import MentionListing
from measures.models import Mention
from tests.factories import make_measure, make_mention, make_region, make_source

pytestmark = pytest.mark.django_db

# Written out rather than imported, so a changed column order fails here.
HEADER = [
    "id",
    "measure_kind",
    "measure_number",
    "measure_title",
    "region_code",
    "region_name",
    "prefecture_code",
    "prefecture_name",
    "instrument_type",
    "instrument_type_name",
    "instrument_category",
    "instrument_name",
    "action",
    "quote",
    "source_title",
    "source_published_on",
    "source_url",
    "url",
    "version",
    "measure_kind_name",
    "instrument_category_name",
    "instrument_id",
    "evidence_url",
    "evidence_reference",
]
#: The same columns' Chinese headings (`header=zh`, and the workbook's default).
HEADER_ZH = [
    "编号",
    "措施种类代码",
    "措施序号",
    "措施标题",
    "地区代码",
    "地区",
    "市州代码",
    "市州",
    "类型代码",
    "类型",
    "类别代码",
    "政策工具名称",
    "动作",
    "原文句子",
    "来源文章",
    "发布日期",
    "来源网址",
    "条目网址",
    "版本",
    "措施种类",
    "类别",
    "政策工具编号",
    "证据网址",
    "证据出处",
]
#: The columns of an instrument export (the default).
INSTRUMENT_HEADER = [
    "instrument_id",
    "instrument_name",
    "instrument_type",
    "instrument_type_name",
    "instrument_category",
    "instrument_category_name",
    "region_code",
    "region_name",
    "prefecture_code",
    "prefecture_name",
    "stage",
    "stage_name",
    "stage_on",
    "official_title",
    "official_url",
    "other_names",
    "mention_count",
    "first_mention_id",
    "measure_kind",
    "measure_number",
    "measure_title",
    "action",
    "quote",
    "source_title",
    "source_published_on",
    "source_url",
    "url",
]
INSTRUMENT_HEADINGS = {
    "政策工具编号": "instrument_id",
    "阶段代码": "stage",
    "阶段": "stage_name",
    "阶段日期": "stage_on",
    "正式名称": "official_title",
    "正式文本网址": "official_url",
    "其他名称": "other_names",
    "提及次数": "mention_count",
    "首次提及编号": "first_mention_id",
}
FORMATS = ["csv", "json", "xlsx"]
BOM = b"\xef\xbb\xbf"
HOSTILE_QUOTE = '他说："a, b"，\n第二行"引号"与,逗号。'


# Data --------------------------------------------------------------------------------------------


@pytest.fixture
def article(reference_data):
    """Published entries from the article across regions, kinds and types, plus drafts."""
    source = make_source(
        slug="qinghai-eco-reform-2024-12-26",
        title="青海九项措施进一步全面深化生态环境领域改革",
        published_on=date(2024, 12, 26),
        url="https://example.org/qinghai-eco-reform",
    )
    reform_1 = make_measure(
        source=source, number=1, slug="reform-1", title="在推动生态环保责任落实上深化改革"
    )
    reform_3 = make_measure(
        source=source, number=3, slug="reform-3", title="在推动生态产品价值实现上深化改革"
    )
    reform_9 = make_measure(
        source=source,
        number=9,
        slug="reform-9",
        title="在改进完善干部考核工作和落实“能上能下”上深化改革",
    )
    direction_1 = make_measure(
        source=source,
        kind="direction",
        number=1,
        slug="direction-1",
        title="健全生态环境保护基础制度",
    )
    published = [
        make_mention(
            measure=reform_1,
            region="630000",
            type="list",
            name="青海省省级国家机关有关部门生态环境保护责任清单",
            action="修订",
            quote="结合机构改革和部门职能调整，及时修订《青海省省级国家机关有关部门生态环境保护责任清单》。",
            start=100,
            end=160,
        ),
        make_mention(
            measure=reform_1,
            region="630100",
            type="regulation",
            name="大气污染防治条例",
            action="修订",
            quote=HOSTILE_QUOTE,
            start=300,
            end=340,
        ),
        make_mention(
            measure=reform_1,
            region="632500",
            type="regulation",
            name="不可降解塑料制品管理条例",
            action="出台",
            quote="海南州出台不可降解塑料制品管理条例。",
            start=400,
            end=420,
        ),
        make_mention(
            measure=reform_3,
            region="630000",
            type="market",
            name="排污权有偿使用和交易试点",
            action="深化",
            quote="深化排污权有偿使用和交易试点工作。",
        ),
        make_mention(
            measure=reform_3,
            region="630100",
            type="compensation",
            name="水环境生态补偿机制",
            action="实行",
            quote="西宁市探索实行水环境生态补偿机制，试点开展南川河生态补偿。",
        ),
        make_mention(
            measure=reform_3,
            region="632821101",
            type="pilot",
            name="“绿水青山就是金山银山”实践创新基地",
            action="荣获",
            quote="茶卡镇荣获国家第六批“绿水青山就是金山银山”实践创新基地。",
        ),
        make_mention(
            measure=reform_3,
            region="632823",
            type="project",
            name="布哈河流域(天峻县区段)水环境治理与生态修复工程项目",
            action="实施",
            quote="海西州实施的布哈河流域(天峻县区段)水环境治理与生态修复工程项目。",
        ),
        make_mention(
            measure=reform_9,
            region="630100",
            type="rule",
            name="西宁市生态环境损害赔偿案件办理规定",
            action="出台",
            quote="西宁市出台《西宁市生态环境损害赔偿案件办理规定》。",
        ),
        make_mention(
            measure=reform_9,
            region="632700",
            type="rule",
            name="考核管理办法",
            action="制定",
            quote="玉树州制定考核管理办法、政府聘用人员管理办法。",
        ),
        make_mention(
            measure=direction_1,
            region="630000",
            type="plan",
            name="美丽青海建设规划",
            action="编制",
            quote="编制实施美丽青海建设规划。",
        ),
        make_mention(
            measure=direction_1,
            region="630000",
            type="evaluation",
            name="GDP和GEP双考核制度",
            action="建立",
            quote="协同相关部门深入探索建立GDP和GEP双考核制度。",
        ),
    ]
    # Drafts that every filter combination below would otherwise match.
    drafts = [
        make_mention(
            measure=measure,
            region=region,
            type=type_,
            name=f"草稿{type_}条例试点",
            quote="草稿试点。",
            status=Mention.Status.DRAFT,
        )
        for measure, region, type_ in [
            (reform_1, "630100", "regulation"),
            (reform_1, "630100", "rule"),
            (reform_3, "632700", "rule"),
            (reform_3, "632821", "pilot"),
            (direction_1, "630000", "list"),
        ]
    ]
    return {"published": published, "drafts": drafts}


def make_entries(count):
    """`count` published entries spread over the province, prefectures, a county and a town."""
    measures = [make_measure(kind=kind) for kind in ("reform", "direction")]
    regions = ["630000", "630100", "632700", "632823", "632821101"]
    types = ["regulation", "rule", "pilot", "mechanism"]
    return [
        make_mention(
            measure=measures[n % len(measures)],
            region=regions[n % len(regions)],
            type=types[n % len(types)],
            name=f"批量条例{n}",
        )
        for n in range(count)
    ]


# Reading the exports -----------------------------------------------------------------------------


def export(client, fmt, query="", *, per="mention"):
    """The export of `query`, one row per mention unless `per` says otherwise (None: the
    default, one row per instrument)."""
    query = "&".join(part for part in (query, per and f"per={per}") if part)
    return client.get(reverse(f"measures:export_{fmt}") + (f"?{query}" if query else ""))


def content(response):
    return b"".join(response.streaming_content)


def csv_records(response):
    return list(csv.DictReader(io.StringIO(content(response).decode("utf-8-sig"), newline="")))


def json_document(response):
    return json.loads(content(response))


def xlsx_workbook(response):
    workbook = openpyxl.load_workbook(io.BytesIO(content(response)))
    assert workbook.sheetnames[1:] == ["关于本文件"]
    assert workbook.sheetnames[0] in ("instruments", "mentions")
    return workbook


def xlsx_sheet(response):
    workbook = xlsx_workbook(response)
    return workbook[workbook.sheetnames[0]]


def xlsx_records(response):
    header, *rows = xlsx_sheet(response).iter_rows(values_only=True)
    names = {**dict(zip(HEADER_ZH, HEADER, strict=True)), **INSTRUMENT_HEADINGS}
    return [dict(zip([names.get(h, h) for h in header], row, strict=True)) for row in rows]


def records(response, fmt):
    if fmt == "csv":
        return csv_records(response)
    if fmt == "json":
        return json_document(response)["results"]
    return xlsx_records(response)


def list_page(client, query):
    response = client.get(reverse("measures:instrument_list") + f"?{query}")
    assert response.status_code == 200
    return response.context["page"]


# The same rows as the list page ------------------------------------------------------------------

FILTER_COMBINATIONS = [
    "",
    "region=632800",
    "region=630100&type=regulation",
    "region=630100&region=632700&type=rule",
    "kind=direction",
    "q=试点",
    "measure=reform-3",
    "category=legal&region=630000",
    "sort=-name",
    "sort=region",
    # Relevance: instruments named by the word first, then those found by sentence or title.
    "q=生态",
    "q=生态&sort=-type",
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("query", FILTER_COMBINATIONS)
def test_an_export_holds_exactly_the_rows_the_list_page_counts_in_its_order(
    client, article, fmt, query
):
    page = list_page(client, query)
    assert page.paginator.count > 0, "each combination should match something"
    assert not page.has_other_pages()

    response = export(client, fmt, query, per=None)

    assert response.status_code == 200
    rows = records(response, fmt)
    ids = [int(record["instrument_id"]) for record in rows]
    assert len(ids) == page.paginator.count
    assert ids == [entry.instrument_id for entry in page.object_list]
    assert [int(record["first_mention_id"]) for record in rows] == [
        entry.id for entry in page.object_list
    ]

    # One row per mention of those instruments that the filters select, in the list's order.
    mentions = MentionListing(QueryDict(query)).ordered_mentions
    response = export(client, fmt, query)
    ids = [int(record["id"]) for record in records(response, fmt)]
    assert ids == [mention.id for mention in mentions]
    assert len(ids) == sum(int(record["mention_count"]) for record in rows)
    assert not {draft.id for draft in article["drafts"]} & set(ids)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_holds_every_page_and_ignores_the_page_parameter(
    client, reference_data, settings, fmt
):
    settings.MENTIONS_PER_PAGE = 3
    make_entries(10)

    page = list_page(client, "page=2")
    response = export(client, fmt, "page=2")

    assert (len(page.object_list), page.paginator.num_pages) == (3, 4)
    every_page = MentionListing(QueryDict()).queryset
    rows = records(export(client, fmt, "page=2", per=None), fmt)
    assert [int(record["instrument_id"]) for record in rows] == [
        e.instrument_id for e in every_page
    ]
    every_mention = MentionListing(QueryDict()).ordered_mentions
    assert [int(record["id"]) for record in records(response, fmt)] == [e.id for e in every_mention]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_follows_the_order_chosen_on_the_list(client, article, fmt):
    def names(query):
        rows = records(export(client, fmt, query, per=None), fmt)
        return [record["instrument_name"] for record in rows]

    by_name = names("sort=name")
    # Pinyin order: 不 (bù) before 大 (dà) before 西 (xī), whatever their code points.
    assert by_name.index("不可降解塑料制品管理条例") < by_name.index("大气污染防治条例")
    assert by_name == sorted(by_name, key=lambda name: (pinyin_key(name), name))
    assert names("sort=-name") == by_name[::-1]
    # Searching: names holding the word first; 大气污染防治条例 is found by its measure's title.
    found = names("q=生态")
    named = [name for name in found if "生态" in name]
    assert found[: len(named)] == named
    assert "大气污染防治条例" in found[len(named) :]


def test_the_second_sheet_names_the_order(client, article):
    workbook = xlsx_workbook(export(client, "xlsx", "sort=-name"))
    lines = [
        tuple(v for v in row if v is not None)
        for row in workbook["关于本文件"].iter_rows(values_only=True)
    ]
    assert ("排序", "名称（降序）") in lines


def test_drafts_never_appear_in_an_export(client, article):
    drafts = {draft.id for draft in article["drafts"]}
    for fmt in FORMATS:
        ids = {int(record["id"]) for record in records(export(client, fmt, "q=草稿"), fmt)}
        assert ids == set(), fmt
    assert Mention.objects.filter(name__contains="草稿").count() == len(drafts)


# CSV ---------------------------------------------------------------------------------------------


def test_the_csv_starts_with_a_byte_order_mark_and_the_exact_header(client, article):
    response = export(client, "csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming
    body = content(response)
    assert body[:3] == BOM
    assert body.split(b"\r\n")[0] == BOM + ",".join(HEADER).encode()
    assert body.endswith(b"\r\n")


def test_header_zh_gives_the_csv_chinese_headings_over_the_same_columns(client, article):
    english = content(export(client, "csv")).decode("utf-8-sig").split("\r\n")
    chinese = content(export(client, "csv", "header=zh")).decode("utf-8-sig").split("\r\n")

    assert chinese[0] == ",".join(HEADER_ZH)
    assert chinese[1:] == english[1:]


@pytest.mark.parametrize("fmt", FORMATS)
def test_kinds_and_categories_have_chinese_labels_in_the_last_columns(client, article, fmt):
    rows = records(export(client, fmt, "header=en" if fmt == "xlsx" else ""), fmt)

    labels = {(row["measure_kind"], row["measure_kind_name"]) for row in rows} | {
        (row["instrument_category"], row["instrument_category_name"]) for row in rows
    }
    assert {
        ("reform", "改革措施"),
        ("direction", "下一步方向"),
        ("legal", "法规与政策文件"),
        ("demonstration", "试点示范与工程"),
    } <= labels


def test_the_chinese_labels_stay_chinese_on_the_english_site(client, article):
    with translation.override("en"):
        rows = csv_records(export(client, "csv", "kind=direction"))

    assert {row["measure_kind_name"] for row in rows} == {"下一步方向"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_header_value_answers_400_naming_it(client, article, fmt):
    response = export(client, fmt, "header=fr")

    assert response.status_code == 400
    assert "header=fr" in response.content.decode()


def test_csv_quoting_gives_back_every_quote_exactly(client, article):
    rows = csv_records(export(client, "csv"))

    assert [row["quote"] for row in rows] == [entry.quote for entry in article["published"]]
    assert HOSTILE_QUOTE in [row["quote"] for row in rows]


def test_a_csv_row_carries_the_entry_its_region_prefecture_type_and_source(client, article):
    town_entry = article["published"][5]
    rows = {row["instrument_name"]: row for row in csv_records(export(client, "csv"))}

    assert rows["“绿水青山就是金山银山”实践创新基地"] == {
        "instrument_id": str(town_entry.instrument_id),
        "id": str(town_entry.id),
        "measure_kind": "reform",
        "measure_number": "3",
        "measure_title": "在推动生态产品价值实现上深化改革",
        "region_code": "632821101",
        "region_name": "茶卡镇",
        "prefecture_code": "632800",
        "prefecture_name": "海西州",
        "instrument_type": "pilot",
        "instrument_type_name": "试点示范",
        "instrument_category": "demonstration",
        "instrument_name": "“绿水青山就是金山银山”实践创新基地",
        "action": "荣获",
        "quote": "茶卡镇荣获国家第六批“绿水青山就是金山银山”实践创新基地。",
        "source_title": "青海九项措施进一步全面深化生态环境领域改革",
        "source_published_on": "2024-12-26",
        "source_url": "https://example.org/qinghai-eco-reform",
        "url": f"http://testserver/mentions/{town_entry.id}/",
        "version": str(town_entry.version),
        "measure_kind_name": "改革措施",
        "instrument_category_name": "试点示范与工程",
        "evidence_url": "",
        "evidence_reference": "",
    }
    province = rows["青海省省级国家机关有关部门生态环境保护责任清单"]
    assert (province["region_code"], province["prefecture_code"], province["prefecture_name"]) == (
        "630000",
        "",
        "",
    )
    assert rows["大气污染防治条例"]["prefecture_code"] == "630100"


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_entry_at_any_depth_exports_its_prefecture(client, article, village, fmt):
    make_mention(region=village, name="村级机制")

    rows = {row["instrument_name"]: row for row in records(export(client, fmt), fmt)}

    assert (rows["村级机制"]["prefecture_code"], rows["村级机制"]["prefecture_name"]) == (
        "632800",
        "海西州",
    )
    assert rows["“绿水青山就是金山银山”实践创新基地"]["prefecture_code"] == "632800"


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_query_count_grows_neither_with_the_rows_nor_with_deep_units(
    client, reference_data, village, fmt
):
    make_entries(5)
    make_mention(region=village)
    few_queries, few_rows = queries_for_export(client, fmt, "")
    make_entries(45)
    for n in range(3):
        hamlet = make_region(code=f"63282110120{n + 2}", parent=village)
        make_mention(region=hamlet)
        make_mention(region=make_region(code=f"63282110130{n}", parent="632821101"))
    many_queries, many_rows = queries_for_export(client, fmt, "")

    assert many_rows > few_rows > 0
    assert many_queries == few_queries


# Formula injection -------------------------------------------------------------------------------

FORMULA_NAMES = ["=1+1", "＝1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "＋1", "－1", "＠1"]


@pytest.mark.parametrize("name", FORMULA_NAMES)
def test_text_that_could_run_as_a_formula_is_neutralised_in_csv_and_xlsx(
    client, reference_data, name
):
    make_mention(name=name, action="=HYPERLINK(1)")

    csv_row = csv_records(export(client, "csv"))[0]
    xlsx_row = xlsx_records(export(client, "xlsx"))[0]

    assert csv_row["instrument_name"] == "'" + name
    # XML reads a carriage return back as a line feed; what matters is the leading quote.
    assert xlsx_row["instrument_name"] == "'" + name.replace("\r", "\n")
    assert csv_row["action"] == xlsx_row["action"] == "'=HYPERLINK(1)"


def test_json_keeps_formula_like_text_unchanged_and_numbers_stay_numbers(client, reference_data):
    entry = make_mention(name="=1+1", action="＝")

    [result] = json_document(export(client, "json"))["results"]
    [xlsx_row] = xlsx_records(export(client, "xlsx"))

    assert (result["instrument_name"], result["action"]) == ("=1+1", "＝")
    assert result["id"] == xlsx_row["id"] == entry.id
    assert isinstance(xlsx_row["measure_number"], int)


def test_control_characters_cannot_break_the_workbook_or_hide_a_formula(client, reference_data):
    make_mention(name="\x01=1+1", quote="第一行\x0b第二行")

    response = export(client, "xlsx")

    assert response.status_code == 200
    [row] = xlsx_records(response)
    assert (row["instrument_name"], row["quote"]) == ("'=1+1", "第一行第二行")


# JSON --------------------------------------------------------------------------------------------


def test_json_counts_its_results_repeats_the_filters_and_keeps_chinese_unescaped(client, article):
    query = "region=630100&region=632700&type=rule&page=3"

    response = export(client, "json", query)

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.streaming
    raw = content(response)
    document = json.loads(raw)
    assert list(document) == ["count", "filters", "results"]
    assert document["count"] == len(document["results"]) == 2
    assert document["filters"] == {
        "region": ["630100", "632700"],
        "type": ["rule"],
        "per": ["mention"],
    }
    assert all(list(result) == HEADER for result in document["results"])
    assert "考核管理办法".encode() in raw
    assert b"\\u" not in raw


def test_json_gives_null_for_the_prefecture_of_a_province_level_entry(client, article):
    results = json_document(export(client, "json", "category=legal&region=630000"))["results"]

    assert [(r["region_name"], r["prefecture_code"], r["prefecture_name"]) for r in results] == [
        ("青海", None, None)
    ]


# XLSX --------------------------------------------------------------------------------------------


def test_the_workbook_has_a_frozen_bold_header_sized_columns_and_every_quote(client, article):
    response = export(client, "xlsx")

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = xlsx_sheet(response)
    header, *rows = sheet.iter_rows(values_only=True)
    assert list(header) == HEADER_ZH
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    quote_column = openpyxl.utils.get_column_letter(HEADER.index("quote") + 1)
    assert sheet.column_dimensions[quote_column].width > sheet.column_dimensions["A"].width
    assert [row[HEADER.index("quote")] for row in rows] == [e.quote for e in article["published"]]


def test_header_en_gives_the_workbook_the_column_names(client, article):
    header = next(xlsx_sheet(export(client, "xlsx", "header=en")).iter_rows(values_only=True))
    assert list(header) == HEADER


@pytest.mark.parametrize(
    ("query", "last_row"), [("", 12), ("region=632800", 3), ("region=632300", 1)]
)
def test_the_workbook_filters_over_its_header_and_every_row(client, article, query, last_row):
    # 11 published entries, 2 of them in 海西, none in 黄南 (the header alone).
    sheet = xlsx_sheet(export(client, "xlsx", query))

    assert sheet.auto_filter.ref == f"A1:X{last_row}"
    assert sheet.max_row == last_row


def test_the_second_sheet_describes_each_column_and_the_filters(client, article):
    workbook = xlsx_workbook(export(client, "xlsx", "region=632800&type=pilot&q=基地"))
    lines = [
        tuple(v for v in row if v is not None)
        for row in workbook["关于本文件"].iter_rows(values_only=True)
    ]

    assert lines[0] == ("列名", "中文列名", "含义")
    columns = lines[1 : 1 + len(HEADER)]
    assert [(name, heading) for name, heading, _meaning in columns] == list(
        zip(HEADER, HEADER_ZH, strict=True)
    )
    assert columns[HEADER.index("prefecture_code")][2] == "该地区所在市州的代码；省级条目为空。"
    filters = lines[lines.index(("本文件使用的筛选条件",)) + 1 :]
    assert filters[:3] == [
        ("地区", "海西州 (632800)"),
        ("类型", "试点示范 (pilot)"),
        ("搜索", "基地"),
    ]
    assert ("行数", 1) in filters


def test_the_second_sheet_says_when_no_filter_was_used(client, article):
    workbook = xlsx_workbook(export(client, "xlsx"))
    lines = [row[0] for row in workbook["关于本文件"].iter_rows(values_only=True)]

    assert lines[lines.index("本文件使用的筛选条件") + 1] == "无：全部已发布条目。"


# File names --------------------------------------------------------------------------------------


def file_name(response):
    """(the ASCII fallback, the UTF-8 name) of a Content-Disposition, checking its form."""
    match = re.fullmatch(
        r'(attachment|inline); filename="([A-Za-z0-9_.\-]+)"; '
        r"filename\*=UTF-8''([A-Za-z0-9%._\-~]+)",
        response["Content-Disposition"],
    )
    assert match, response["Content-Disposition"]
    return match[2], unquote(match[3])


@pytest.mark.parametrize(
    ("query", "ascii_name", "name"),
    [
        ("", "qhreform-instruments-2024-12-26", "青海生态环境领域改革-全部条目-2024-12-26"),
        (
            "region=632800&type=regulation",
            "qhreform-632800-regulation-2024-12-26",
            "海西州-地方性法规-2024-12-26",
        ),
        # In the list's order of filters, whatever the order of the query; `page`, `sort` and
        # `header` say nothing of what the file holds.
        (
            "type=rule&region=630100&region=632700&page=2&sort=name&header=zh",
            "qhreform-630100_632700-rule-2024-12-26",
            "西宁市、玉树州-规章办法-2024-12-26",
        ),
        (
            "kind=direction&category=legal",
            "qhreform-direction-legal-2024-12-26",
            "下一步方向-法规与政策文件-2024-12-26",
        ),
        ("measure=reform-3", "qhreform-reform_3-2024-12-26", "措施3-2024-12-26"),
        # What a search may hold that no file name can is replaced.
        ("q=试点/排污:权", "qhreform-search-2024-12-26", "试点_排污_权-2024-12-26"),
        ("q=%2F%2F&kind=reform", "qhreform-reform-search-2024-12-26", "改革措施-_-2024-12-26"),
        (
            "region=630000&region=630100&region=632500&region=632700",
            "qhreform-630000_630100_632500_and_1_more-2024-12-26",
            "青海、西宁市、海南州等4项-2024-12-26",
        ),
    ],
)
@pytest.mark.parametrize(
    ("fmt", "disposition"), [("csv", "attachment"), ("xlsx", "attachment"), ("json", "inline")]
)
def test_the_file_name_says_what_it_holds_and_the_date_of_its_article(
    client, article, query, ascii_name, name, fmt, disposition
):
    response = export(client, fmt, query)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f"{disposition};")
    assert file_name(response) == (f"{ascii_name}.{fmt}", f"{name}.{fmt}")


def test_the_file_name_takes_the_newest_article_the_filters_draw_on(client, article):
    newer = make_source(slug="haidong-2025", title="海东", published_on=date(2025, 6, 30))
    make_mention(measure=make_measure(source=newer, slug="haidong-2025-reform-1"))

    assert file_name(export(client, "csv"))[1] == "青海生态环境领域改革-全部条目-2025-06-30.csv"
    # The measure filter names the 2024 article's measures only.
    assert file_name(export(client, "csv", "measure=reform-1"))[1] == "措施1-2024-12-26.csv"


def test_without_a_dated_article_the_file_name_takes_todays_date(client, reference_data):
    make_mention(measure=make_measure(source=make_source(published_on=None)))

    stamp = timezone.localdate().isoformat()
    assert file_name(export(client, "csv", "region=630100")) == (
        f"qhreform-630100-{stamp}.csv",
        f"西宁市-{stamp}.csv",
    )


# Unusable parameters -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("region=999999&page=2", ["region", "999999"]),
        ("type=no-such-type", ["type", "no-such-type"]),
        ("region=999999&kind=nonsense", ["region", "999999", "kind", "nonsense"]),
    ],
)
def test_an_unusable_parameter_answers_400_naming_it(client, reference_data, fmt, query, named):
    response = export(client, fmt, query)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    message = response.content.decode("utf-8").lower()
    for word in named:
        assert word in message
    assert "page" not in message


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_bad_page_number_is_ignored_by_the_exports(client, reference_data, fmt):
    make_mention()

    response = export(client, fmt, "page=abc")

    assert response.status_code == 200
    assert len(records(response, fmt)) == 1


def test_exports_answer_only_reading_requests(client, reference_data):
    assert client.post(reverse("measures:export_csv")).status_code == 405


# Queries -----------------------------------------------------------------------------------------


def queries_for_export(client, fmt, query):
    with CaptureQueriesContext(connection) as captured:
        response = export(client, fmt, query)
        assert response.status_code == 200
        rows = records(response, fmt)
    return len(captured), len(rows)


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("query", ["", "region=632800&region=630100&type=pilot&type=rule&q=条例"])
def test_the_query_count_does_not_grow_with_the_rows(client, reference_data, fmt, query):
    make_entries(5)
    few_queries, few_rows = queries_for_export(client, fmt, query)
    make_entries(45)
    many_queries, many_rows = queries_for_export(client, fmt, query)

    assert many_rows > few_rows > 0
    assert many_queries == few_queries


@pytest.mark.parametrize(("fmt", "queries"), [("csv", 5), ("json", 6), ("xlsx", 6)])
def test_an_unfiltered_export_reads_the_rows_in_one_query(
    client, reference_data, django_assert_num_queries, fmt, queries
):
    make_entries(20)

    # The file name reads the newest article's date; JSON counts the rows (to state the
    # count), XLSX too (to keep within its row cap); every export reads the measures, the types
    # and the regions once, then the rows with one query.
    with django_assert_num_queries(queries):
        assert len(records(export(client, fmt), fmt)) == 20


def test_a_workbook_over_the_row_cap_is_refused_with_a_message(client, article, settings):
    settings.XLSX_EXPORT_MAX_ROWS = 1
    response = client.get("/instruments/export.xlsx")
    assert response.status_code == 400
    assert "CSV" in response.content.decode()
    assert client.get("/instruments/export.csv").status_code == 200


# Rows as their entries say, and streaming ----------------------------------------------------------


def entry_values(mention):
    """What a mention row says of `mention`, read from the model instances themselves."""
    measure, source, region = mention.measure, mention.measure.source, mention.region
    prefecture = region.prefecture
    return {
        "id": mention.id,
        "measure_kind": measure.kind,
        "measure_number": measure.number,
        "measure_title": measure.title,
        "region_code": region.code,
        "region_name": region.short_name,
        "prefecture_code": prefecture.code if prefecture else None,
        "prefecture_name": prefecture.short_name if prefecture else None,
        "instrument_type": mention.type.slug,
        "instrument_type_name": mention.type.name,
        "instrument_category": mention.type.category,
        "instrument_name": mention.name,
        "action": mention.action,
        "quote": mention.quote,
        "source_title": source.title,
        "source_published_on": source.published_on.isoformat() if source.published_on else None,
        "source_url": source.url,
        "url": f"http://testserver/mentions/{mention.id}/",
        "version": mention.version,
        "instrument_id": mention.instrument_id,
        "evidence_url": mention.evidence_url,
        "evidence_reference": mention.evidence_reference,
    }


@pytest.mark.parametrize("query", ["region=632800&type=pilot&type=rule", "q=条例", ""])
def test_every_value_of_a_filtered_or_searched_export_is_its_entrys(client, reference_data, query):
    # Two articles, one undated, with measures of both kinds: each row's measure, source and
    # type come from lookups read once, so a row must find its own, not a neighbour's.
    sources = [
        make_source(title="第一篇", published_on=date(2024, 1, 2), url="https://example.org/1"),
        make_source(title="第二篇", url=""),
    ]
    measures = [
        make_measure(source=source, kind=kind, title=f"{source.title}的{kind}")
        for source in sources
        for kind in ("reform", "direction")
    ]
    regions = ["630000", "630100", "632800", "632823", "632821101"]
    types = ["regulation", "rule", "pilot"]
    for n in range(30):
        make_mention(
            measure=measures[n % 4],
            region=regions[n % 5],
            type=types[n % 3],
            name=f"第{n}号条例" if n % 2 else f"第{n}号机制",
            evidence_reference=f"出处{n}" if n % 7 == 0 else "",
        )
    mentions = MentionListing(QueryDict(query)).ordered_mentions.select_related(
        "measure__source", "region", "type"
    )
    expected = [entry_values(mention) for mention in mentions]
    assert len(expected) > 3

    results = json_document(export(client, "json", query))["results"]

    # In the list's order, every value the entry's own objects give.
    assert [{name: row[name] for name in expected[0]} for row in results] == expected
    assert [row["id"] for row in csv_records(export(client, "csv", query))] == [
        str(row["id"]) for row in expected
    ]


def test_the_csv_sends_its_first_rows_before_it_reads_the_rest(client, reference_data):
    make_entries(300)
    response = export(client, "csv")
    pieces = iter(response.streaming_content)

    # The first piece holds the header and a few rows; the rest follow in larger pieces.
    first = next(pieces).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(first)))
    assert lines[0] == HEADER
    assert 1 < len(lines) <= 20
    rest = list(csv.reader(io.StringIO(b"".join(pieces).decode())))
    assert len(lines) - 1 + len(rest) == 300


@pytest.mark.parametrize("per", ["mention", None])
def test_an_export_reads_in_a_transaction_that_ends_when_the_client_leaves(
    client, reference_data, per
):
    make_entries(40)
    # The test's own transactions; the export's comes on top while it streams.
    around = len(connection.atomic_blocks)
    response = export(client, "csv", per=per)
    pieces = iter(response.streaming_content)
    next(pieces)

    # Outside a transaction PostgreSQL would compute every row before sending the first.
    assert len(connection.atomic_blocks) == around + 1
    response.close()
    # A client that stops reading leaves no transaction open on the worker's connection.
    assert len(connection.atomic_blocks) == around
