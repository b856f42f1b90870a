"""Pinyin order: how Chinese readers expect names to be sorted, as a key the database sorts by.

Code-point order puts 不, 企, 信, 全 in that order, which means nothing to a reader; a
dictionary puts them by their pinyin: bù, qǐ, quán, xìn. `pinyin_key` spells a name so that
sorting the spellings as plain strings gives that order, in SQLite and in PostgreSQL under any
collation (the key holds only lowercase ASCII letters and digits). `fields.PinyinKeyField`
stores it beside the name, so that a paged list and its exports are sorted by the database.
"""

import re
import unicodedata
from functools import cache

#: The longest key kept. Names that agree on this much are ordered by the name itself (the
#: sorts break ties with it), so a longer key would change no order that a reader sees.
MAX_LENGTH = 500


@cache
def _pypinyin():
    """pypinyin, loaded when a key is first made, that is on a write: its dictionaries take
    some 55 MB and 200,000 objects, which a process that only reads (every web worker, most
    of the time) would otherwise hold and have its garbage collector walk again and again."""
    import pypinyin

    # Place names whose reading pypinyin's dictionary does not know (it reads 都 as dōu there).
    pypinyin.load_phrases_dict({"都兰": [["dū"], ["lán"]]})
    return pypinyin


# Runs of Chinese characters (the CJK unified ideographs, their extensions and compatibility
# forms), read in pypinyin together so that a word's context picks a heteronym's reading, and
# runs of anything else.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_RUNS = re.compile(f"([{_HAN}]+)|([^{_HAN}]+)")
# A Chinese character's syllable and tone as pypinyin spells it (TONE3: lv4, zhuang1, ma5).
_SYLLABLE = re.compile(r"[a-z]+[1-5]")
# What of any other run takes part in the order: letters and digits; punctuation and spaces
# (“”《》 …) are skipped, so “无废城市”试点 sorts under 无 (wú).
_KEPT = re.compile(r"[a-z0-9]+")


def pinyin_key(text):
    """The sort key of `text`: each Chinese character as its syllable and tone (1–4, 5 for the
    neutral tone), e.g. 西宁 → xi1ning2, so characters compare by syllable first, then tone,
    character by character as a dictionary orders words. Latin letters and digits stand for
    themselves (GEP → gep0, the 0 placing them before any syllable they begin); full-width forms
    count as their ASCII letters. Heteronyms are read as pypinyin reads them in context
    (长江 cháng, 重庆 chóng); a character it has no reading for is left out."""
    pypinyin = _pypinyin()
    text = unicodedata.normalize("NFKC", text or "")
    parts = []
    for chinese, other in _RUNS.findall(text):
        if chinese:
            pieces = pypinyin.lazy_pinyin(
                chinese, style=pypinyin.Style.TONE3, neutral_tone_with_five=True
            )
            parts.extend(piece for piece in pieces if _SYLLABLE.fullmatch(piece))
        else:
            parts.extend(f"{run}0" for run in _KEPT.findall(other.casefold()))
    return "".join(parts)[:MAX_LENGTH]
