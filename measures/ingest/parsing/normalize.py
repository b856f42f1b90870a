"""Traditional → simplified characters, for matching only.

The parser reads a simplified copy of the article with exactly the same length, so every offset
it finds is an offset into the text as imported; names, quotes and titles are cut from that text
and keep its characters.
"""

from __future__ import annotations

from functools import cache

import opencc


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """`text` in simplified characters, character for character (same length, same offsets).

    OpenCC converts phrases as well as characters; where a phrase would change the length the
    text is converted one character at a time instead, which keeps the offsets.
    """
    if text.isascii():
        return text
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    single = [_converter().convert(char) for char in text]
    return "".join(c if len(c) == 1 else o for c, o in zip(single, text, strict=True))
