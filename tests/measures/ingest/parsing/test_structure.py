"""Header, footer, measures, directions and sentences on small invented articles."""

import datetime
from pathlib import Path

import pytest

from measures.ingest.parsing import DIRECTION, REFORM, load_regions, load_type_rules, parse_article
from measures.ingest.parsing.structure import read_header
from measures.ingest.parsing.textscan import Scanner, cjk_number

FIXTURES = Path(__file__).resolve().parents[4] / "fixtures"
REGIONS = load_regions(FIXTURES / "regions.json")
RULES = load_type_rules(FIXTURES / "instrument_types.json")


def parse(text):
    return parse_article(text, regions=REGIONS, type_rules=RULES)


def outline(article):
    return [(m.kind, m.number, m.title) for m in article.measures]


def check_offsets(text, article):
    for m in article.measures:
        assert text[m.start : m.end] == m.body
        for i in m.instruments:
            assert text[i.start : i.end] == i.quote


SHI_ARTICLE = """某州深化生态环境领域改革

发布时间: 2023-03-05 【打印】

今年以来,某地以三项举措深化改革。

一是在落实责任上深化改革。修订责任清单实施办法。

二是在督察整改上深化改革。西宁市制定督察整改销号办法。

据介绍,下一步,将继续深化改革。

一是健全基础制度。完善生态补偿机制。

二是健全监管机制。健全风险预警报告制度。

来源丨某报

关怀版"""


def test_header_reads_title_date_and_publisher():
    header = read_header(SHI_ARTICLE)
    assert header.title == "某州深化生态环境领域改革"
    assert header.published_on == datetime.date(2023, 3, 5)
    assert header.publisher == "某报"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("发布时间：2024年12月26日", datetime.date(2024, 12, 26)),
        ("发布日期: 2024/1/6", datetime.date(2024, 1, 6)),
        ("发布时间: 2024-02-30", None),
        ("（无日期）", None),
    ],
)
def test_header_dates(line, expected):
    assert read_header(f"标题\n{line}\n正文。").published_on == expected


def test_header_without_publisher():
    header = read_header("标题\n\n正文。")
    assert (header.title, header.publisher, header.published_on) == ("标题", "", None)


def test_reforms_then_directions_after_next_step():
    article = parse(SHI_ARTICLE)
    assert outline(article) == [
        (REFORM, 1, "在落实责任上深化改革"),
        (REFORM, 2, "在督察整改上深化改革"),
        (DIRECTION, 1, "健全基础制度"),
        (DIRECTION, 2, "健全监管机制"),
    ]
    check_offsets(SHI_ARTICLE, article)
    # The next-step paragraph, the intro and the page chrome belong to no measure.
    assert article.reforms[-1].body == "二是在督察整改上深化改革。西宁市制定督察整改销号办法。"
    assert article.directions[-1].body == "二是健全监管机制。健全风险预警报告制度。"
    assert [i.name for i in article.directions[0].instruments] == ["生态补偿机制"]


def test_a_cue_in_passing_does_not_cut_the_last_reform():
    text = (
        "标题\n\n一是在法治上深化改革。今后将继续制定A办法。资金来源：中央财政。\n"
        "据介绍,下一步,将继续深化改革。\n一是健全B制度。"
    )
    article = parse(text)
    assert (
        article.reforms[0].body == "一是在法治上深化改革。今后将继续制定A办法。资金来源：中央财政。"
    )
    assert article.publisher == ""
    assert [i.name for i in article.directions[0].instruments] == ["B制度"]


def test_parenthesised_headings_without_next_step():
    text = (
        "某市生态环境改革\n\n（一）强化法治保障\n海东市制定生态环境保护条例。\n"
        "（二）完善生态补偿机制\n西宁市探索实行水环境生态补偿机制。\n"
        "（三）推进试点\n开展排污权交易试点。"
    )
    article = parse(text)
    assert outline(article) == [
        (REFORM, 1, "强化法治保障"),
        (REFORM, 2, "完善生态补偿机制"),
        (REFORM, 3, "推进试点"),
    ]
    assert not article.directions
    check_offsets(text, article)
    assert article.reforms[0].body == "（一）强化法治保障\n海东市制定生态环境保护条例。"
    # The heading states the theme; the entries come from the text under it.
    assert [i.name for i in article.reforms[1].instruments] == ["水环境生态补偿机制"]


def test_dun_headings_with_paragraphs_under_them():
    text = "标题\n\n一、主要做法\n西宁市建立A机制。\n海东市制定B办法。\n二、下一步打算\n完善C制度。"
    article = parse(text)
    assert outline(article) == [(REFORM, 1, "主要做法"), (REFORM, 2, "下一步打算")]
    assert [i.name for i in article.reforms[0].instruments] == ["A机制", "B办法"]


def test_inline_numbering_inside_one_paragraph():
    text = "标题\n\n今年,一是制定A办法。二是海西州建成B基地。下一步,一是完善C机制。二是健全D制度。"
    article = parse(text)
    assert outline(article) == [
        (REFORM, 1, "制定A办法"),
        (REFORM, 2, "海西州建成B基地"),
        (DIRECTION, 1, "完善C机制"),
        (DIRECTION, 2, "健全D制度"),
    ]
    check_offsets(text, article)
    # A measure that is only its heading is read as content.
    assert [i.name for m in article.measures for i in m.instruments] == [
        "A办法",
        "B基地",
        "C机制",
        "D制度",
    ]


def test_a_restart_without_a_cue_stays_inside_the_measure():
    text = "标题\n\n一是在法治上深化改革。制定A办法。\n二是在督察上深化改革。主要有:一是建立B机制。"
    article = parse(text)
    assert outline(article) == [(REFORM, 1, "在法治上深化改革"), (REFORM, 2, "在督察上深化改革")]
    assert [i.name for i in article.reforms[1].instruments] == ["B机制"]


def test_text_without_numbering_is_one_measure():
    text = "标题\n发布时间: 2024-01-02\n\n某地印发《关于加强监管的意见》,推动工作。另有说明。\n\n来源丨某报"
    article = parse(text)
    assert outline(article) == [(REFORM, 1, "某地印发《关于加强监管的意见》,推动工作")]
    measure = article.measures[0]
    assert measure.body == "某地印发《关于加强监管的意见》,推动工作。另有说明。"
    assert [(i.name, i.is_document_title) for i in measure.instruments] == [
        ("关于加强监管的意见", True)
    ]


def test_a_lone_first_item_is_not_numbering():
    text = "标题\n\n某地印发《关于加强监管的意见》。主要做法:一是建立A机制。"
    article = parse(text)
    assert article.measures[0].body == "某地印发《关于加强监管的意见》。主要做法:一是建立A机制。"
    assert [i.name for i in article.measures[0].instruments] == ["关于加强监管的意见", "A机制"]


def test_long_heading_is_cut_at_its_first_comma():
    text = "标题\n\n一是完善生态环境保护责任体系并推动各项工作任务落实落细落到实处取得积极成效,制定A办法。\n二是健全B制度。"
    article = parse(text)
    assert (
        article.measures[0].title
        == "完善生态环境保护责任体系并推动各项工作任务落实落细落到实处取得积极成效"
    )
    assert [i.name for i in article.measures[0].instruments] == ["A办法"]


def test_empty_text():
    article = parse("")
    assert (article.title, article.measures) == ("", [])


def test_sentences_respect_quotes_and_brackets():
    text = "形成“赔偿权利人主导,多部门联合。企业履约”的格局；建立《办法。》!再说一句"
    scanner = Scanner(text)
    sentences = [text[s:e] for s, e in scanner.sentences(0, len(text))]
    assert sentences == [
        "形成“赔偿权利人主导,多部门联合。企业履约”的格局；",
        "建立《办法。》!",
        "再说一句",
    ]
    clauses = [text[s:e] for s, e in scanner.clauses(0, len(text))]
    assert clauses[0] == "形成“赔偿权利人主导,多部门联合。企业履约”的格局"


def test_an_unbalanced_quote_does_not_swallow_the_next_line():
    text = "他说“未完\n下一句。"
    assert [text[s:e] for s, e in Scanner(text).sentences(0, len(text))] == [
        "他说“未完",
        "下一句。",
    ]


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("一", 1), ("九", 9), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23), ("12", 12)],
)
def test_cjk_numbers(numeral, value):
    assert cjk_number(numeral) == value


@pytest.mark.parametrize("numeral", ["", "是", "十十", "一二"])
def test_not_cjk_numbers(numeral):
    assert cjk_number(numeral) is None


def test_breadcrumbs_site_names_captions_and_repeated_titles_are_chrome():
    text = (
        "人民网\n人民网>>青海频道>>青海要闻\n\n海北州推进生态改革\n"
        "2022年10月01日10:54 |\n小字号\n海北州推进生态改革\n"
        "海北州制定A办法。\n图为湖畔一隅。(资料图) 宣传部供图\n"
        "某某市某某街区。某州委宣传部供图\n"
    )
    article = parse(text)
    assert article.title == "海北州推进生态改革"
    assert article.published_on == datetime.date(2022, 10, 1)
    assert [i.name for m in article.measures for i in m.instruments] == ["A办法"]


def test_a_run_that_starts_past_one_keeps_its_numbers():
    text = "标题\n\n五是完善机制。西宁市建立A机制。\n六是健全制度。海东市建立B制度。\n"
    article = parse(text)
    assert [(m.kind, m.number, m.title) for m in article.measures] == [
        ("reform", 5, "完善机制"),
        ("reform", 6, "健全制度"),
    ]


def test_enumerations_nested_in_numbered_measures_are_not_the_measures():
    text = (
        "标题\n\n（一）推进审批改革。一是修订《A名录》。二是执行《B办法》。\n"
        "（二）建立责任清单。一是沟通。二是校核《C清单》。\n"
    )
    article = parse(text)
    assert [m.title for m in article.measures] == ["推进审批改革", "建立责任清单"]


def test_header_fields_in_a_bulleted_list_and_a_reading_count_are_chrome():
    text = (
        "某州召开改革推进会\n\n- 时间:2024-05-16\n- 点击:862\n- 来源:某报\n\n"
        "发表时间:2024-05-16 09:30:12 来源:某厅 阅读量:\n\n"
        "会议部署改革任务,西宁市制定督察整改销号办法。\n"
    )
    article = parse(text)
    (measure,) = article.measures
    assert article.published_on == datetime.date(2024, 5, 16)
    assert measure.title.startswith("会议部署改革任务")
