"""The identity rule decides when two mentions name one instrument; the stage rules read where
it stood from the sentence's verb."""

import pytest

from measures.identity import MENTIONED, StageRule, comparable_name, stage_of

XINING = ("西宁市", "西宁")
QINGHAI = ("青海省", "青海")


def same(first, second, region_names):
    return comparable_name(first, region_names) == comparable_name(second, region_names)


def test_the_article_names_xinings_regulation_with_and_without_the_city():
    # Reform 1: 西宁市…制定生态环境保护条例; reform 6: 写入《西宁市生态环境保护条例》.
    assert same("生态环境保护条例", "《西宁市生态环境保护条例》", XINING)
    assert same("生态环境保护条例", "西宁生态环境保护条例", XINING)


def test_the_provinces_company_is_one_company_whatever_its_legal_form():
    # Reform 7: 该省…生态环保产业集团 and 组建青海省生态环保产业有限公司.
    assert same("该省生态环保产业集团", "青海省生态环保产业有限公司", QINGHAI)
    assert same("生态环保产业集团有限公司", "生态环保产业股份有限公司", QINGHAI)


def test_the_region_is_part_of_the_identity_not_of_the_name():
    # The province's regulation and Xining's share a name once each region is taken off; the
    # region they belong to keeps them apart (the caller compares regions first).
    assert comparable_name("青海省生态环境保护条例", QINGHAI) == "生态环境保护条例"
    # Another region's name is part of the name.
    assert comparable_name("西宁市生态环境保护条例", QINGHAI) == "西宁市生态环境保护条例"


@pytest.mark.parametrize(
    "variant",
    [
        "生态环境损害赔偿管理办法（试行）",
        "生态环境损害赔偿管理办法(暂行)",
        "生态环境损害赔偿管理办法（2024年修订）",
        "生态环境损害赔偿管理办法（征求意见稿）（试行）",
        "《生态环境损害赔偿管理办法》",
        "“生态环境损害赔偿管理办法”",
        "生态环境损害赔偿 管理办法",
        "本省生态环境损害赔偿管理办法",
        "全省生态环境损害赔偿管理办法",
        "生態環境損害賠償管理辦法",
    ],
)
def test_status_notes_quote_marks_spaces_self_references_and_script_do_not_count(variant):
    assert comparable_name(variant, QINGHAI) == "生态环境损害赔偿管理办法"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # An abbreviation or a different word order is probably the same; editors decide.
        ("生态环境保护条例", "生态环保条例"),
        ("排污权交易试点", "排污权有偿使用和交易试点"),
        # A bracket that is part of the name, not a status note.
        ("河湖长制（流域）", "河湖长制"),
    ],
)
def test_names_that_are_only_probably_the_same_stay_apart(first, second):
    assert not same(first, second, QINGHAI)


def test_no_step_leaves_a_name_empty():
    assert comparable_name("西宁市", XINING) == "西宁市"
    assert comparable_name("全省", QINGHAI) == "全省"
    assert comparable_name("集团", QINGHAI) == "集团"
    assert comparable_name("（试行）", QINGHAI) == "（试行）"


RULES = (
    StageRule("drafting", action_contains=("研究制定", "起草")),
    StageRule("revised", action_contains=("修订",)),
    StageRule("adopted", action_contains=("制定", "出台", "印发")),
    StageRule("piloting", action_contains=("探索", "试点")),
    StageRule("piloting", action_contains=("开展",), name_ends_with=("试点",)),
)


@pytest.mark.parametrize(
    ("action", "name", "stage"),
    [
        ("研究制定", "生态环境保护条例", "drafting"),
        ("制定", "生态环境保护条例", "adopted"),
        ("联合印发", "实施方案", "adopted"),
        ("修订", "责任清单", "revised"),
        ("探索建立", "生态环保产业集团", "piloting"),
        ("开展", "生态环境导向开发模式试点", "piloting"),
        ("开展", "专项行动", MENTIONED),
        ("写入", "生态环境保护条例", MENTIONED),
        ("", "生态环境保护条例", MENTIONED),
        ("研究製定", "條例", "drafting"),
    ],
)
def test_the_first_matching_rule_gives_the_stage(action, name, stage):
    assert stage_of(action, name, RULES) == stage
