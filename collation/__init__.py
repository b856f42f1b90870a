"""Pinyin order: how Chinese readers expect names to be sorted, as a key the database sorts by.

Code-point order puts 不, 企, 信, 全 in that order, which means nothing to a reader; a
dictionary puts them by their pinyin: bù, qǐ, quán, xìn. `pinyin_key` spells a name so that
sorting the spellings as plain strings gives that order, in SQLite and in PostgreSQL under any
collation (the key holds only lowercase ASCII letters and digits). `fields.PinyinKeyField`
stores it beside the name, so that a paged list and its exports are sorted by the database.
"""

import re
import unicodedata

from pypinyin import Style, lazy_pinyin, load_phrases_dict

#: The longest key kept. Names that agree on this much are ordered by the name itself (the
#: sorts break ties with it), so a longer key would change no order that a reader sees.
MAX_LENGTH = 500

# Place names whose reading pypinyin's dictionary does not know (it reads 都 as dōu there).
load_phrases_dict({"都兰": [["dū"], ["lán"]]})

# What of a run of characters that are not Chinese takes part in the order: letters and digits;
# punctuation and spaces (“”《》 …) are skipped, so “无废城市”试点 sorts under 无 (wú).
_KEPT = re.compile(r"[a-z0-9]+")


def pinyin_key(text):
    """The sort key of `text`: each Chinese character as its syllable and tone (1–4, 5 for the
    neutral tone), e.g. 西宁 → xi1ning2, so characters compare by syllable first, then tone,
    character by character as a dictionary orders words. Latin letters and digits stand for
    themselves (GEP → gep0, the 0 placing them before any syllable they begin); full-width forms
    count as their ASCII letters. Heteronyms are read as pypinyin reads them in context
    (长江 cháng, 重庆 chóng)."""
    text = unicodedata.normalize("NFKC", text or "")
    parts = []
    for piece in lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True):
        if piece[-1:].isdigit() and piece[:-1].isalpha() and piece.isascii():
            parts.append(piece)  # a Chinese character: syllable and tone
        else:
            parts.extend(f"{run}0" for run in _KEPT.findall(piece.lower()))
    return "".join(parts)[:MAX_LENGTH]
