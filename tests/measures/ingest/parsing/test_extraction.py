"""Extraction rules, one small invented paragraph each."""

from pathlib import Path

import pytest

from measures.ingest.parsing import (
    Gazetteer,
    TypeRule,
    classify,
    load_regions,
    load_type_rules,
    parse_article,
)

FIXTURES = Path(__file__).resolve().parents[4] / "fixtures"
REGIONS = load_regions(FIXTURES / "regions.json")
RULES = load_type_rules(FIXTURES / "instrument_types.json")

PROVINCE, XINING, HAIDONG, HAIXI, GOLOG = "630000", "630100", "630200", "632800", "632600"
TIANJUN, DA_QAIDAM, CHAKA = "632823", "632857", "632821101"


def read(paragraph):
    """The entries of a one-paragraph article (no numbering: the paragraph is one measure)."""
    text = f"标题\n\n{paragraph}"
    article = parse_article(text, regions=REGIONS, type_rules=RULES)
    (measure,) = article.measures
    for i in measure.instruments:
        assert text[i.start : i.end] == i.quote
        assert i.name.endswith(text[i.name_start : i.name_end])
    return measure.instruments


def names(paragraph):
    return [i.name for i in read(paragraph)]


def triples(paragraph):
    return [(i.name, i.region_code, i.type_slug) for i in read(paragraph)]


# -- coordination ---------------------------------------------------------------------------


def test_two_complete_names_joined_by_he():
    assert names("西宁市制定生态环境保护条例和湟水流域水生态保护条例。") == [
        "生态环境保护条例",
        "湟水流域水生态保护条例",
    ]


def test_names_listed_with_dun_and_several_verbs():
    paragraph = (
        "修订督察工作实施办法、整改验收销号工作规则,印发督察整改工作实施细则,"
        "制定督察体系运行工作机制,建立完善问题反馈整改销号闭环管理制度。"
    )
    assert [(i.name, i.type_slug, i.action) for i in read(paragraph)] == [
        ("督察工作实施办法", "rule", "修订"),
        ("整改验收销号工作规则", "rule", "修订"),
        ("督察整改工作实施细则", "rule", "印发"),
        ("督察体系运行工作机制", "mechanism", "制定"),
        ("问题反馈整改销号闭环管理制度", "system", "建立完善"),
    ]


def test_a_bare_instrument_word_shares_the_stem():
    entries = read("制定生态环境轻微违法行为免罚办法和清单。")
    assert [(i.name, i.type_slug) for i in entries] == [
        ("生态环境轻微违法行为免罚办法", "rule"),
        ("生态环境轻微违法行为免罚清单", "list"),
    ]
    # The second name is not contiguous: its last part (清单) is what gets highlighted.
    assert entries[1].name_end - entries[1].name_start == 2


def test_joined_nouns_without_their_own_instrument_word_stay_one_name():
    assert names(
        "深化排污权有偿使用和交易试点工作。果洛州制定自然资源、林草和生态环境执法协同机制。"
    ) == [
        "排污权有偿使用和交易试点",
        "自然资源、林草和生态环境执法协同机制",
    ]


def test_a_list_closed_by_deng_lends_its_kind():
    assert names(
        "海东市建立联席会议、信息共享等七项机制。完善企业环境信用评价、信息披露等制度。"
    ) == [
        "联席会议机制",
        "信息共享机制",
        "企业环境信用评价制度",
        "信息披露制度",
    ]


def test_a_list_across_a_comma_lends_the_next_items_instrument_word():
    paragraph = "研究制定青海湖水体环境评价、废光伏组件利用技术导则,电解铝行业大修渣利用技术规范等6项标准规范。"
    assert triples(paragraph) == [
        ("青海湖水体环境评价技术导则", PROVINCE, "standard"),
        ("废光伏组件利用技术导则", PROVINCE, "standard"),
        ("电解铝行业大修渣利用技术规范", PROVINCE, "standard"),
    ]


def test_a_list_of_document_kinds_is_not_itself_an_instrument():
    assert names("印发进一步优化环评服务若干措施、加强环评服务保障工作通知等政策文件。") == [
        "进一步优化环评服务若干措施",
        "加强环评服务保障工作通知",
    ]


# -- verbs ----------------------------------------------------------------------------------


def test_a_verb_inside_a_name_is_not_an_action():
    # 实施 in 实施细则 and 创新 in 创新基地 belong to the names.
    assert names("印发督察整改工作实施细则。茶卡镇荣获实践创新基地。") == [
        "督察整改工作实施细则",
        "实践创新基地",
    ]


def test_a_verb_right_before_the_instrument_word_is_still_an_action():
    assert [(i.name, i.action) for i in read("黄南州建立了专家库。开展监测评估试点。")] == [
        ("专家库", "建立"),
        ("监测评估试点", "开展"),
    ]


def test_trailing_words_after_the_name_are_dropped():
    assert names("西宁市启动综合行政执法事项目录编制。") == ["综合行政执法事项目录"]
    assert names("深化垂管制度改革,制定排污许可管理办法(试行)。") == [
        "垂管制度",
        "排污许可管理办法",
    ]


def test_an_appositive_after_a_dash_is_the_name():
    assert names("海东市建成日处理20吨的生物处置试点—黑水虻处理厨余垃圾示范基地。") == [
        "黑水虻处理厨余垃圾示范基地"
    ]


def test_an_instrument_named_before_its_verb():
    assert [
        (i.name, i.action) for i in read("某公司筹备,青海省生态环保产业有限公司已组建并完成注册。")
    ] == [("青海省生态环保产业有限公司", "组建")]


def test_the_heading_of_a_measure_is_not_an_instrument():
    text = (
        "标题\n\n一是健全生态环境保护基础制度。完善重点流域生态保护补偿机制。\n二是健全监管机制。"
    )
    article = parse_article(text, regions=REGIONS, type_rules=RULES)
    assert [i.name for i in article.measures[0].instruments] == ["重点流域生态保护补偿机制"]


# -- 《》 and quoted terms ---------------------------------------------------------------------


def test_document_titles():
    entries = read("将赔偿写入《青海省生态环境保护条例》《某某办法》等地方法规。")
    assert [(i.name, i.is_document_title, i.action, i.region_code) for i in entries] == [
        ("青海省生态环境保护条例", True, "写入", PROVINCE),
        ("某某办法", True, "写入", PROVINCE),
    ]


def test_a_document_title_naming_a_prefecture_belongs_to_it():
    assert triples("全省指导出台《西宁市生态环境损害赔偿案件办理规定》。") == [
        ("西宁市生态环境损害赔偿案件办理规定", XINING, "rule")
    ]


def test_quoted_term_followed_by_an_instrument_word():
    entries = read("西宁市在完成“无废城市”试点基础上,建立“一案双查”制度。")
    assert [(i.name, i.type_slug) for i in entries] == [
        ("“无废城市”试点", "pilot"),
        ("“一案双查”制度", "system"),
    ]


def test_quoted_instrument_opening_a_clause():
    entries = read("黄南州完善产业发展体系,“拉格日模式”荣膺全省改革创新奖。")
    assert [(i.name, i.region_code) for i in entries] == [
        ("产业发展体系", "632300"),
        ("拉格日模式", "632300"),
    ]
    # Stored like a 《》 title: without the marks, highlighted inside them.
    assert entries[1].name_end - entries[1].name_start == len("拉格日模式")


@pytest.mark.parametrize(
    "paragraph",
    [
        "推动形成“源头严防、过程严管、损害赔偿、后果严惩”的生态环境保护责任体系。",
        "按照“放的活”“管得住”的原则,下放审批权限。",
        "探索实施“打捆审批”“规划+项目”环评衔接联动等惠企举措。",
        "以办案部门“全覆盖”推动案件数量和质量“双突破”。",
    ],
)
def test_quoted_slogans_are_not_instruments(paragraph):
    assert names(paragraph) == []


# -- regions --------------------------------------------------------------------------------


def test_region_switches_between_sentences():
    assert triples("西宁市制定A办法。制定B办法。海东市建立C机制。") == [
        ("A办法", XINING, "rule"),
        ("B办法", PROVINCE, "rule"),
        ("C机制", HAIDONG, "mechanism"),
    ]


def test_a_subject_after_a_connective_or_ordinal():
    assert triples("同时,海东市制定A办法。三是西宁市建立B机制。") == [
        ("A办法", HAIDONG, "rule"),
        ("B机制", XINING, "mechanism"),
    ]


def test_a_sub_unit_opening_a_clause_takes_the_entry():
    # 海西州 keeps no entry of its own: its sentence already yields 茶卡镇's.
    assert triples("海西州推动山水颜值转化为经济价值,茶卡镇荣获实践创新基地。") == [
        ("实践创新基地", CHAKA, "pilot")
    ]


def test_a_unit_named_inside_the_instrument_is_where_it_applies():
    assert triples("海西州实施的布哈河流域(天峻县区段)水环境治理工程项目。") == [
        ("布哈河流域(天峻县区段)水环境治理工程项目", TIANJUN, "project")
    ]
    assert triples("加强指导帮扶,助力保障海西州大柴旦行委矿山综合治理EOD项目建设要素。") == [
        ("海西州大柴旦行委矿山综合治理EOD项目", DA_QAIDAM, "project")
    ]


def test_a_prefecture_mid_sentence_does_not_take_the_sentence():
    assert triples("会同西宁市等地建立联防联控机制。") == [("联防联控机制", PROVINCE, "mechanism")]


def test_provincial_words_are_not_prefecture_aliases():
    # 青海东部 contains 海东, 青海湖 contains 海湖: the province's 青海 is read first.
    assert triples("建立青海东部城市群协同机制。") == [
        ("青海东部城市群协同机制", PROVINCE, "mechanism")
    ]


@pytest.mark.parametrize(
    "paragraph",
    [
        "海南出台生态环境保护条例。",  # bare 海南 is not 海南州 (usually Hainan Province)
        "各市州制定生态环境保护条例。",
    ],
)
def test_unknown_places_stay_province_level(paragraph):
    assert [i.region_code for i in read(paragraph)] == [PROVINCE]


def test_a_prefecture_sentence_without_instrument_word_keeps_its_practice():
    entries = read("果洛州将简易案件项目化,通过项目修复方式倒推确定赔偿金额。")
    assert [(i.name, i.region_code, i.type_slug, i.action) for i in entries] == [
        ("简易案件项目化", GOLOG, "other", "")
    ]
    entries = read("海西州依托资源优势,推动山水颜值转化为经济价值。")
    assert [(i.name, i.action) for i in entries] == [("山水颜值转化为经济价值", "推动")]


def test_a_province_sentence_without_instrument_word_yields_nothing():
    assert read("各市州突破赔偿权利主体资格限制,鼓励县级政府开展磋商索赔。") == []


def test_no_duplicate_within_a_measure_and_region():
    entries = read("西宁市制定A办法。西宁市修订A办法。制定A办法。")
    assert [(i.name, i.region_code, i.action) for i in entries] == [
        ("A办法", XINING, "制定"),
        ("A办法", PROVINCE, "制定"),
    ]


# -- types ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("大气污染防治条例", "regulation"),
        ("环境保护法", "regulation"),
        ("考核管理办法", "rule"),
        ("督察整改工作实施细则", "rule"),
        ("排污许可管理办法（试行）", "rule"),
        ("加强生态环境常态化监督管理和问责的实施意见", "policy_document"),
        ("立行立改六条措施", "policy_document"),
        ("生态环境保护责任清单", "list"),
        ("建设项目目录", "list"),
        ("污染控制技术导则", "standard"),
        ("美丽青海建设规划", "plan"),
        ("矿山综合治理EOD项目", "project"),
        ("生态环境损害调查评估专家库", "organization"),
        ("排污权有偿使用和交易试点", "market"),
        ("水环境生态补偿机制", "compensation"),
        ("生态产品总值(GEP)考核机制", "evaluation"),
        ("黑水虻处理厨余垃圾示范基地", "pilot"),
        ("纵向贯通横向协同联动机制", "mechanism"),
        ("问题反馈整改销号闭环管理制度", "system"),
        ("河湖长制", "system"),
        ("环评审批告知承诺制", "system"),
        ("河湖长制办公室", "organization"),
        ("环保产业协会", "organization"),
        ("环境资源法庭", "organization"),
        ("简易案件项目化", "other"),
    ],
)
def test_each_type_rule(name, slug):
    assert classify(name, RULES) == slug


def test_rules_are_tried_in_precedence_order():
    rules = [
        TypeRule("late", "", "", "", 20, ends_with=("机制",)),
        TypeRule("early", "", "", "", 10, contains=("补偿",), not_ends_with=("办法",)),
    ]
    assert classify("生态补偿机制", rules) == "early"
    assert classify("生态补偿办法", rules) == "other"  # no rule matches: the fallback type


# -- reference data -------------------------------------------------------------------------


def test_gazetteer_tree():
    gazetteer = Gazetteer(REGIONS)
    assert gazetteer.root_code == PROVINCE
    assert [gazetteer.depth(code) for code in (PROVINCE, HAIXI, "632821", CHAKA)] == [0, 1, 2, 3]
    assert gazetteer.prefecture_of(CHAKA) == HAIXI
    assert gazetteer.prefecture_of(PROVINCE) is None
    assert gazetteer.match_at("海西州实施", 0) == (HAIXI, 3)
    assert gazetteer.match_at("大柴旦行委", 0) == (DA_QAIDAM, 5)
    assert gazetteer.match_at("海南省", 0) == ("460000", 3)  # Hainan Province, not 海南州
    assert gazetteer.match_at("格尔木市", 0) == ("632801", 4)
    assert gazetteer.prefecture_of("632801") == HAIXI


def test_all_of_the_prefecture_is_the_article_subject_and_running_text_gives_no_fallback():
    text = (
        "海西州深化改革\n\n今年以来，海西州稳步推进改革。\n\n"
        "全州建立A机制。全州生态环境质量稳定向好。格尔木市推动绿色转型。\n"
    )
    article = parse_article(text, regions=REGIONS, type_rules=RULES)
    entries = [(i.name, i.region_code) for m in article.measures for i in m.instruments]
    assert article.subject_code == "632800"
    assert ("A机制", "632800") in entries
    # 全州 speaks for the article's subject: its running text is no practice of its own.
    assert all(name != "生态环境质量稳定向好" for name, _ in entries)


def test_reported_speech_is_read_as_sentences_and_the_lead_names_the_subject():
    text = (
        "青海湖北岸生态治理见成效\n\n"
        "“我们深入推进保护。祁连山生态修复试点项目全部完工。”30日，青海省海北藏族自治州州长说。\n\n"
        "全州建立B制度。\n"
    )
    article = parse_article(text, regions=REGIONS, type_rules=RULES)
    assert article.subject_code == "632200"
    names = {i.name for m in article.measures for i in m.instruments}
    assert "祁连山生态修复试点项目" in names


# -- the subject of articles that do not open with it -----------------------------------------


def entries_of(text):
    article = parse_article(text, regions=REGIONS, type_rules=RULES)
    found = [(i.name, i.region_code) for m in article.measures for i in m.instruments]
    return article, found


def test_a_news_service_dateline_is_not_the_subject():
    # 黄南 is a prefecture, but here only the name of the news site that reports on 海南州.
    article, found = entries_of(
        "标题\n\n黄南新闻网讯 海南州制定河道采砂管理办法。\n\n海南州建立河湖管护机制。\n"
    )
    assert article.subject_code == "632500"
    assert ("河湖管护机制", "632500") in found


def test_a_provincial_paper_names_its_province_after_the_start():
    # A province's own paper writes 省政府 and 全省; the title names the province further on.
    article, found = entries_of(
        "省政府召开改革推进会 为甘肃绿色发展注入动能\n\n"
        "本报讯 省政府日前召开会议,部署全年改革任务。\n\n"
        "全省建立生态环境执法正面清单制度。省政府印发排污许可管理办法。\n"
    )
    assert article.subject_code == "620000" and article.elsewhere
    assert found == [("生态环境执法正面清单制度", "620000"), ("排污许可管理办法", "620000")]


def test_an_autonomous_region_named_only_in_its_lead_is_the_subject():
    article, found = entries_of(
        "自治区党委坚决贯彻视察宁夏时的重要指示要求,建设美丽宁夏。\n"
        "编制黄河流域生态保护修复规划。\n"
    )
    assert article.subject_code == "640000"
    assert found and all(code == "640000" for _, code in found)


def test_an_article_naming_the_home_province_in_its_lead_stays_home():
    article, _ = entries_of(
        "省政府召开改革推进会\n\n本报讯 会议指出,青海与甘肃建立跨省协作机制。\n\n全省编制规划。\n"
    )
    assert article.subject_code == PROVINCE


def test_a_name_before_a_verb_of_progress_is_a_theme_not_an_entry():
    # 市场机制逐步健全 says how far the mechanisms have come; the entries follow.
    assert names("市场机制逐步健全,探索建立横向生态保护补偿机制。") == ["横向生态保护补偿机制"]


# -- names of the genre beyond documents and mechanisms ----------------------------------------


def test_systems_named_by_their_holder_and_zoning_lines():
    assert names("全面推行河湖长制以来,全省落实属地责任制,划定生态保护红线。") == [
        "河湖长制",
        "属地责任制",
        "生态保护红线",
    ]


def test_systems_joined_by_a_tail_that_makes_them_work_together_are_one_name():
    assert names("推行河湖长制与林长制协同联动机制。") == ["河湖长制与林长制协同联动机制"]
    assert names("制定A管理办法和B实施细则。") == ["A管理办法", "B实施细则"]


def test_a_count_after_the_name_and_a_designation_in_quotes():
    assert names("西宁市建成高原林果基地3个,荣获“国家生态文明建设示范市”称号。") == [
        "高原林果基地",
        "国家生态文明建设示范市",
    ]


def test_bodies_courts_and_offices():
    assert names("组建生态保护协会,成立生态环境法庭,设立河湖长制办公室。") == [
        "生态保护协会",
        "生态环境法庭",
        "河湖长制办公室",
    ]


def test_the_fields_a_document_covers_are_not_adopted():
    # 从…等方面 lists what a document is about; its verbs adopt nothing.
    assert names("印发《A实施方案》,从完善组织体系、健全管护机制等方面提出要求。") == ["A实施方案"]


@pytest.mark.parametrize(
    "paragraph",
    [
        "在各类自然保护地建设保护区。",  # a class of things
        "实施一批重点工程项目。",  # generic words only
        "实施多项生态保护治理重大工程。",  # works in a field, summed up
        "以制度创新推动管护提质。",  # a means
    ],
)
def test_summaries_classes_and_means_are_not_names(paragraph):
    assert names(paragraph) == []


def test_a_span_of_years_with_a_double_dash_is_a_status():
    (entry,) = read("出台《A草原管护员管理办法(2024——2026年)》。")
    assert entry.type_slug == "rule"


def test_where_a_figure_comes_from_is_no_practice():
    # A county named in a sentence of statistics keeps no fallback entry made of 据统计 or 至目前.
    assert names("据统计,达日县至目前已累计巡林8000余人次。") == []
