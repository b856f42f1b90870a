"""Bracket-aware scanning of Chinese text: sentences, clauses, top-level positions.

Everything works on absolute offsets into the article text, so spans found here can be stored
and highlighted later without searching for strings again.
"""

from __future__ import annotations

PAIRS = {
    "“": "”",
    "‘": "’",
    "《": "》",
    "〈": "〉",
    "(": ")",
    "（": "）",
    "「": "」",
    "『": "』",
    "[": "]",
    "【": "】",
}
CLOSERS = {closer: opener for opener, closer in PAIRS.items()}
SENTENCE_ENDS = "。；！？;!?"
CLAUSE_BREAKS = ",，:：" + SENTENCE_ENDS
WHITESPACE = " \t\r\n\u3000\xa0"

Span = tuple[int, int]


def nesting(text: str, start: int, end: int) -> list[int]:
    """Bracket depth of every character of text[start:end] (brackets themselves count as inside).

    Depth resets at a line break, so one unbalanced quote cannot swallow the rest of the article.
    Quotation marks around reported speech (a quotation that ends with a full stop: “我们…完工。”)
    are transparent: the speech is read as sentences and clauses like the rest of the text.
    """
    depths, stack = [], []
    speech = speech_marks(text, start, end)
    for pos in range(start, end):
        char = text[pos]
        if pos in speech:
            depths.append(len(stack))
        elif char == "\n":
            stack.clear()
            depths.append(0)
        elif char in CLOSERS and stack and stack[-1] == CLOSERS[char]:
            depths.append(len(stack))
            stack.pop()
        elif char in PAIRS:
            stack.append(char)
            depths.append(len(stack))
        else:
            depths.append(len(stack))
    return depths


#: Sentence ends that make a quotation reported speech rather than a quoted term.
SPEECH_ENDS = "。！？!?"


def speech_marks(text: str, start: int, end: int) -> set[int]:
    """Offsets of the “ ” marks of quotations that end with a full stop (reported speech)."""
    marks, opened = set(), []
    for pos in range(start, end):
        char = text[pos]
        if char == "\n":
            opened.clear()
        elif char == "“":
            opened.append(pos)
        elif char == "”" and opened:
            opener = opened.pop()
            inner = text[opener + 1 : pos]
            # Speech closes its own sentence (…全部完工。”); a term with a stop inside it
            # (“…联合。企业履约”的格局) stays one term.
            if inner.rstrip(" ").endswith(tuple(SPEECH_ENDS)):
                marks.update((opener, pos))
    return marks


class Scanner:
    """Depth lookups for one stretch of text, by absolute offset."""

    def __init__(self, text: str, start: int = 0, end: int | None = None):
        self.text = text
        self.start = start
        self.end = len(text) if end is None else end
        self._depths = nesting(text, self.start, self.end)

    def depth(self, pos: int) -> int:
        return self._depths[pos - self.start]

    def top(self, pos: int) -> bool:
        return self.start <= pos < self.end and self._depths[pos - self.start] == 0

    def split(self, start: int, end: int, breaks: str, keep_break: bool = False) -> list[Span]:
        """Spans of text[start:end] between top-level break characters, whitespace-trimmed."""
        spans, piece_start = [], start
        for pos in range(start, end):
            char = self.text[pos]
            if char == "\n" or (char in breaks and self.top(pos)):
                piece_end = pos + 1 if keep_break and char != "\n" else pos
                spans.append((piece_start, piece_end))
                piece_start = pos + 1
        spans.append((piece_start, end))
        trimmed = (strip(self.text, s, e) for s, e in spans)
        return [(s, e) for s, e in trimmed if s < e]

    def sentences(self, start: int, end: int) -> list[Span]:
        """Sentences end at 。；！？ (kept in the sentence) or at a line break."""
        return self.split(start, end, SENTENCE_ENDS, keep_break=True)

    def clauses(self, start: int, end: int) -> list[Span]:
        """Clauses end at a top-level comma or colon as well (the break is not kept)."""
        return self.split(start, end, CLAUSE_BREAKS)

    def quotes(self, start: int, end: int) -> list[Span]:
        """Spans (with the marks) of top-level “…” quotations in text[start:end]."""
        return self._bracketed(start, end, "“")

    def titles(self, start: int, end: int) -> list[Span]:
        """Spans (with the marks) of top-level 《…》 titles in text[start:end]."""
        return self._bracketed(start, end, "《")

    def _bracketed(self, start: int, end: int, opener: str) -> list[Span]:
        closer, found = PAIRS[opener], []
        pos = start
        while pos < end:
            if self.text[pos] == opener and self.depth(pos) == 1:
                close = pos + 1
                while close < end and not (self.text[close] == closer and self.depth(close) == 1):
                    close += 1
                if close < end:
                    found.append((pos, close + 1))
                pos = close + 1
            else:
                pos += 1
        return found


def strip(text: str, start: int, end: int, chars: str = WHITESPACE) -> Span:
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


CJK_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
CJK_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}


def cjk_number(numeral: str) -> int | None:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23 (up to 99); None if it is not such a numeral."""
    if not numeral:
        return None
    if numeral.isdigit():
        return int(numeral)
    if "十" in numeral:
        tens, _, units = numeral.partition("十")
        if "十" in units:
            return None
        tens_value = CJK_DIGITS.get(tens, None) if tens else 1
        units_value = CJK_DIGITS.get(units, None) if units else 0
        if tens_value is None or units_value is None:
            return None
        return tens_value * 10 + units_value
    if len(numeral) == 1:
        return CJK_DIGITS.get(numeral)
    return None
