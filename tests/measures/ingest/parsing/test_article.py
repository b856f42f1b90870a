"""The parser on the real article: fixtures/source/qinghai-eco-reform-2024-12-26.txt."""

import datetime
from pathlib import Path

import pytest

from measures.ingest.parsing import (
    DIRECTION,
    REFORM,
    Gazetteer,
    load_regions,
    load_type_rules,
    parse_article,
)
from measures.ingest.parsing.report import counts_markdown, entries_markdown

FIXTURES = Path(__file__).resolve().parents[4] / "fixtures"
TEXT = (FIXTURES / "source" / "qinghai-eco-reform-2024-12-26.txt").read_text(encoding="utf-8")
REGIONS = load_regions(FIXTURES / "regions.json")
RULES = load_type_rules(FIXTURES / "instrument_types.json")
GAZETTEER = Gazetteer(REGIONS)

REFORM_TITLES = [
    "在推动生态环保责任落实上深化改革",
    "在提升生态环保督察效能上深化改革",
    "在推动生态产品价值实现上深化改革",
    "在健全生态环境执法体系上深化改革",
    "在提升水生态保护能力上深化改革",
    "在生态环境损害赔偿上深化改革",
    "在产业为基提升治理水平上深化改革",
    "在提升环境源头预防效能上深化改革",
    "在改进完善干部考核工作和落实“能上能下”上深化改革",
]
DIRECTION_TITLES = [
    "健全生态环境保护基础制度",
    "健全生态环境监管机制",
    "健全生态环境治理体系",
    "健全高水平保护推动高质量发展机制",
]

# The reform measures under which each prefecture (or one of its sub-units) acts.
PREFECTURE_MEASURES = {
    "630100": [1, 2, 3, 4, 6, 7, 9],  # 西宁市
    "630200": [4, 7],  # 海东市
    "632200": [1],  # 海北州
    "632300": [6, 7],  # 黄南州
    "632500": [1],  # 海南州
    "632600": [4, 6],  # 果洛州
    "632700": [4, 7, 9],  # 玉树州
    "632800": [2, 3, 5, 6, 7],  # 海西州
}


@pytest.fixture(scope="module")
def article():
    return parse_article(TEXT, regions=REGIONS, type_rules=RULES)


def entries(article, kind=REFORM, number=None, region=None):
    return [
        i
        for m in article.measures
        if m.kind == kind and (number is None or m.number == number)
        for i in m.instruments
        if region is None or i.region_code == region
    ]


def entry(article, name, kind=REFORM, number=None):
    found = [i for i in entries(article, kind, number) if i.name == name]
    assert len(found) == 1, f"{name}: {found}"
    return found[0]


def test_header(article):
    assert article.title == "青海九项措施进一步全面深化生态环境领域改革"
    assert article.published_on == datetime.date(2024, 12, 26)
    assert article.publisher == "中国环境APP"


def test_measure_titles_in_order(article):
    assert [(m.kind, m.number) for m in article.measures] == [
        *((REFORM, n) for n in range(1, 10)),
        *((DIRECTION, n) for n in range(1, 5)),
    ]
    assert [m.title for m in article.reforms] == REFORM_TITLES
    assert [m.title for m in article.directions] == DIRECTION_TITLES


def test_bodies_are_the_paragraphs(article):
    for m in article.measures:
        assert TEXT[m.start : m.end] == m.body
        assert "\n" not in m.body
    assert article.reforms[0].body.startswith("一是在推动生态环保责任落实上深化改革。结合")
    assert article.reforms[-1].body.endswith("做到以考促管。")
    assert article.directions[-1].body.endswith("完善生态环境损害赔偿与检察公益诉讼衔接机制。")
    assert all("下一步" not in m.body and "来源" not in m.body for m in article.measures)


@pytest.mark.parametrize("prefecture", sorted(PREFECTURE_MEASURES))
def test_each_prefecture_appears_under_exactly_its_measures(article, prefecture):
    measures = sorted(
        {
            m.number
            for m in article.measures
            for i in m.instruments
            if GAZETTEER.prefecture_of(i.region_code) == prefecture and m.kind == REFORM
        }
    )
    assert measures == PREFECTURE_MEASURES[prefecture]


def test_directions_are_province_level(article):
    assert {i.region_code for i in entries(article, DIRECTION)} == {"630000"}


def test_the_nine_document_titles(article):
    titles = {
        (m.number, i.name): i.region_code
        for m in article.measures
        for i in m.instruments
        if i.is_document_title
    }
    assert titles == {
        (1, "青海省省级国家机关有关部门生态环境保护责任清单"): "630000",
        (1, "加强生态环境常态化监督管理和问责的实施意见"): "630000",
        (4, "生态环境综合行政执法监管部门联动长效机制"): "630200",
        (4, "强化生态环境与自然资源综合行政执法合作机制"): "632700",
        (6, "青海省国家生态文明高地建设条例"): "630000",
        (6, "青海省生态环境保护条例"): "630000",
        (6, "西宁市生态环境损害赔偿案件办理规定"): "630100",
        (6, "西宁市生态环境保护条例"): "630100",
        (8, "关于加强生态环境分区管控的实施意见"): "630000",
    }


def test_xining_laws_under_reform_1(article):
    laws = [(i.name, i.type_slug, i.action) for i in entries(article, REFORM, 1, "630100")]
    assert laws[:3] == [
        ("大气污染防治条例", "regulation", "修订"),
        ("生态环境保护条例", "regulation", "制定"),
        ("湟水流域水生态保护条例", "regulation", "制定"),
    ]


def test_named_instruments_have_region_and_type(article):
    expected = {
        # name: (measure, region, type)
        "考核管理办法": (9, "632700", "rule"),
        "政府聘用人员管理办法": (9, "632700", "rule"),
        "黑水虻处理厨余垃圾示范基地": (7, "630200", "pilot"),
        "布哈河流域(天峻县区段)水环境治理与生态修复工程项目": (5, "632823", "project"),
        "生态系统环境损害调查评估专家库": (6, "632300", "organization"),
        "加强生态环境常态化监督管理和问责的实施意见": (1, "630000", "policy_document"),
        "生态产品总值(GEP)考核机制": (3, "630000", "evaluation"),
        "水环境生态补偿机制": (3, "630100", "compensation"),
        "国家第六批“绿水青山就是金山银山”实践创新基地": (3, "632821101", "pilot"),
        "海西州大柴旦行委矿山综合治理EOD项目": (7, "632857", "project"),
        "生态环境突出问题立行立改六条措施": (2, "632800", "policy_document"),
        "“职能部门+全过程律师服务团队”工作机制": (6, "632800", "mechanism"),
        "拉格日模式": (7, "632300", "pilot"),
        "排污权有偿使用和交易试点": (3, "630000", "market"),
    }
    for name, (number, region, type_slug) in expected.items():
        found = entry(article, name, REFORM, number)
        assert (found.region_code, found.type_slug) == (region, type_slug), name


def test_province_inspection_instruments_of_reform_2(article):
    province = [(i.name, i.type_slug) for i in entries(article, REFORM, 2, "630000")]
    assert province == [
        ("生态环境保护督察工作实施办法", "rule"),
        ("整改验收销号工作规则", "rule"),
        ("生态环境保护督察整改工作实施细则", "rule"),
        ("生态环境保护督察体系运行工作机制", "mechanism"),
        ("问题反馈整改销号闭环管理制度", "system"),
    ]


def test_coordinated_names_with_a_shared_stem(article):
    reform_4 = [i.name for i in entries(article, REFORM, 4, "630000")]
    assert "生态环境轻微违法行为免罚办法" in reform_4
    assert "生态环境轻微违法行为免罚清单" in reform_4
    standards = [i.name for i in entries(article, REFORM, 7) if i.type_slug == "standard"]
    assert standards == [
        "青海湖水体环境评价技术导则",
        "废光伏组件和废风电机组叶片利用处置污染控制技术导则",
        "电解铝行业大修渣和炭渣利用污染控制技术规范",
    ]


def test_golog_practice_without_instrument_word_is_kept(article):
    golog = entries(article, REFORM, 6, "632600")
    assert [(i.name, i.type_slug) for i in golog] == [("简易案件项目化", "other")]


def test_slogans_are_not_instruments(article):
    names = [i.name for m in article.measures for i in m.instruments]
    assert not any("源头严防" in name or "放的活" in name for name in names)


def test_offsets_point_at_the_quote_and_the_name(article):
    for m in article.measures:
        for i in m.instruments:
            assert TEXT[i.start : i.end] == i.quote
            assert m.start <= i.start < i.end <= m.end
            assert i.start <= i.name_start < i.name_end <= i.end
            highlighted = TEXT[i.name_start : i.name_end]
            assert i.name.endswith(highlighted), (i.name, highlighted)
            if i.is_document_title:
                assert TEXT[i.name_start - 1] == "《" and TEXT[i.name_end] == "》"


def test_instruments_in_text_order(article):
    for m in article.measures:
        starts = [i.start for i in m.instruments]
        assert starts == sorted(starts)


def test_no_duplicate_within_measure_and_region(article):
    for m in article.measures:
        keys = [(i.region_code, i.name) for i in m.instruments]
        assert len(keys) == len(set(keys))
    # The same name in another measure, or for another region, is another entry.
    assert entry(article, "西宁市生态环境保护条例", REFORM, 6).is_document_title
    assert entry(article, "生态环境保护条例", REFORM, 1).region_code == "630100"


def test_every_prefecture_sentence_yields_an_entry(article):
    for m in article.reforms:
        for sentence in m.body.split("。"):
            match = GAZETTEER.match_at(sentence, 0)
            if match and GAZETTEER.is_local(match[0]):
                quoted = [
                    i
                    for i in m.instruments
                    if i.quote.startswith(sentence) and GAZETTEER.is_within(i.region_code, match[0])
                ]
                assert quoted, sentence


def test_every_entry_is_classified(article):
    slugs = {rule.slug for rule in RULES}
    assert all(i.type_slug in slugs for m in article.measures for i in m.instruments)


def test_directions_continue_reforms(article):
    continues = {m.number: m.continues for m in article.directions}
    assert continues[2] == [1, 2]
    assert {6, 8} <= set(continues[4])
    assert 3 in continues[1]  # GEP, 生态产品价值, 补偿
    assert 4 in continues[3]  # 综合行政执法
    assert all(m.continues == [] for m in article.reforms)


def test_parsing_is_deterministic(article):
    assert parse_article(TEXT, regions=REGIONS, type_rules=RULES) == article


def test_docs_show_the_current_counts(article):
    # docs/parser.md pastes these tables; regenerate with python -m measures.ingest.parsing.report.
    docs = (FIXTURES.parent / "docs" / "parser.md").read_text(encoding="utf-8")
    assert counts_markdown(article, REGIONS) in docs
    assert entries_markdown(article, REGIONS) in docs
