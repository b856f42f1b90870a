"""Pinyin order: the key that sorts names as a Chinese reader expects."""

import re

from hypothesis import given
from hypothesis import strategies as st

from collation import MAX_LENGTH, pinyin_key


def in_pinyin_order(names):
    return sorted(names, key=pinyin_key)


def test_names_sort_by_pinyin_not_by_code_point():
    # Names of the knowledge base: code-point order gives 不, 企, 信, 全.
    names = [
        "信息共享机制",
        "全省生态保护成效监测评估试点",
        "企业环境信用评价制度",
        "不可降解塑料制品管理条例",
    ]
    assert [name[0] for name in sorted(names)] == ["不", "企", "信", "全"]
    assert [name[0] for name in in_pinyin_order(names)] == ["不", "企", "全", "信"]


def test_syllable_then_tone_then_the_next_character_as_a_dictionary_orders_words():
    # xī, xǐ, xì all come before xiān; 西宁 (xī) before 喜报 (xǐ) although níng > bào.
    assert in_pinyin_order(["先行区", "戏曲团", "喜报栏", "西宁市"]) == [
        "西宁市",
        "喜报栏",
        "戏曲团",
        "先行区",
    ]
    assert in_pinyin_order(["海西州", "海北州", "果洛州", "玉树州", "黄南州"]) == [
        "果洛州",
        "海北州",
        "海西州",
        "黄南州",
        "玉树州",
    ]


def test_quote_marks_and_brackets_do_not_decide_where_a_name_goes():
    # “无废城市”试点 is read under 无 (wú), between 王 (wáng) and 西 (xī).
    assert in_pinyin_order(["西部试点", "“无废城市”试点", "王家试点"]) == [
        "王家试点",
        "“无废城市”试点",
        "西部试点",
    ]
    assert pinyin_key("《大气污染防治条例》") == pinyin_key("大气污染防治条例")


def test_latin_letters_and_digits_count_as_themselves_in_either_width():
    assert pinyin_key("ＧＥＰ核算") == pinyin_key("GEP核算") == pinyin_key("gep核算")
    assert in_pinyin_order(["核算机制", "GEP核算", "2025年方案"]) == [
        "2025年方案",
        "GEP核算",
        "核算机制",
    ]


def test_a_place_name_is_read_as_the_place_is_called():
    # 都兰县 is Dūlán: after 豆 (dòu), where reading 都 as dōu would put it before.
    assert in_pinyin_order(["都兰县", "豆腐坊", "德令哈市"]) == ["德令哈市", "豆腐坊", "都兰县"]


@given(st.text(max_size=400))
def test_a_key_holds_only_lowercase_letters_and_digits_and_is_bounded(text):
    # So that any database collation (C, en_US.UTF-8, ICU …) sorts the keys alike.
    key = pinyin_key(text)
    assert re.fullmatch(r"[a-z0-9]*", key)
    assert len(key) <= MAX_LENGTH
