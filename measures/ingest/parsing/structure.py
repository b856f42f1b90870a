"""The shape of an article: header and footer, the numbered measures and the next-step part.

Articles of this genre number their measures 一是/二是, 一、二、, （一）（二） or 1、2、; the
parser tries each style and keeps the one that yields the longest run 1, 2, 3 …. A second run
that starts again at 1 after a cue such as 下一步 holds the directions. Without any numbering
the whole body becomes a single measure, so that its documents are still found.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from .model import DIRECTION, REFORM
from .textscan import SENTENCE_ENDS, WHITESPACE, Scanner, cjk_number, strip

CJK_NUMERAL = r"[一二三四五六七八九十]{1,3}"

# Numbering styles, in the order that wins a tie. `inline` styles may also start right after a
# sentence inside a paragraph (一是…。二是…); the others only at the start of a line.
NUMBERING_STYLES = (
    ("shi", re.compile(rf"({CJK_NUMERAL})是"), True),
    ("dun", re.compile(rf"({CJK_NUMERAL})、"), False),
    ("paren", re.compile(rf"[（(]({CJK_NUMERAL})[）)]"), False),
    ("arabic", re.compile(r"(\d{1,2})[、.．](?=[\u4e00-\u9fff])"), False),
)

#: Any of the markers, where a sentence may open with one (三是西宁市…).
ORDINAL = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern, _ in NUMBERING_STYLES))

#: Where an inline 一是 may also start: after a lead-in such as 下一步, or 主要做法：
INLINE_LEADS = ",，:："

#: Words that open the next-step part; the numbering that starts again after one is a direction.
NEXT_STEP_CUES = ("下一步", "下步", "今后", "接下来")

# Page chrome and footer lines, not article text: scraper headers (SOURCE:, DATE:), bare
# timestamps, print and share links, site banners and breadcrumbs.
CHROME = re.compile(
    # a field may stand in a bulleted list (- 时间:2021-09-14, - 点击:1054)
    r"^(?:[-•·*]\s*)?(?:来源|發布|发布时间|发布日期|發布時間|來源|发表时间|发表日期|發表時間|"
    r"(?:时间|時間|日期|点击|點擊|阅读|閱讀|浏览|瀏覽)\s*[:：]|阅读量|閱讀量|"
    r"责任编辑|責任編輯|编辑|編輯|作者|字号|字號|"
    r"分享|打印|关闭|關閉|关怀版|关怀模式|无障碍|浏览次数|阅读次数|点击数|当前位置|您当前的位置|"
    r"首页\s*[>＞»]|【|(?:SOURCE|DATE|URL|TITLE|AUTHOR)\s*[:：]|"
    r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*[|｜丨]?\s*$|"
    r"\d{1,2}:\d{2}(?::\d{2})?\s*$|[\w.]+\.(?:gov\.cn|com|cn)\b|[大中小]字[号號]|"
    # a breadcrumb (人民网>>青海频道>>青海要闻, 中国西藏网 > 新闻 > 涉藏动态) or a bare site name
    r"[^。，,；;！？]*?(?:>>|＞＞|»|\s[>＞]\s)[^。，,；;！？]*$|\S{2,10}(?:网|网站|客户端|APP)\s*$|"
    # a photo caption: …供图, 记者…摄, 图为…, (资料图)
    r"图为|[(（]资料图[)）]|[^\n]{0,80}(?:供图|摄|摄影|图片来源[:：]?\S*)\s*$)",
    re.IGNORECASE,
)
DATE = re.compile(
    r"(?:发布时间|发布日期|發布時間|時間|时间|DATE)\s*[:：]?\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})",
    re.IGNORECASE,
)
#: A date anywhere in a header line (来源：… | 2024-07-18 10:00), when no label names it.
BARE_DATE = re.compile(r"(?<!\d)(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})(?!\d)")
PUBLISHER = re.compile(
    r"^[ \t\u3000]*(?:来源|來源|SOURCE)\s*[丨|｜:：]\s*(.+?)\s*$", re.MULTILINE | re.IGNORECASE
)
#: Where a publisher line goes on with other header fields: 来源：X  发布时间：… 编辑：…
PUBLISHER_END = re.compile(
    r"\s{2,}|\u3000|\s*[|｜丨]\s*|\s+(?=(?:发布|發布|时间|時間|日期|编辑|編輯|作者|责任编辑|浏览|\d{4}))"
)


@dataclass(frozen=True)
class Header:
    title: str
    published_on: datetime.date | None
    publisher: str


@dataclass(frozen=True)
class MeasureSpan:
    """Where one measure lies in the text, and the heading part that is not its content."""

    kind: str
    number: int
    title: str
    start: int
    end: int
    heading_end: int  # offset just after the title (the marker and the title are the heading)
    title_start: int = 0
    #: False for an unnumbered text read as one measure (its first sentence is no heading).
    numbered: bool = True


#: A first line longer than this, or holding a full stop, is the body of a text without a title.
TITLE_MAX = 60


def title_line(text: str) -> tuple[int, int] | None:
    """The span of the title: the first non-empty line that is not page chrome.

    None when that line is already body text (a paragraph with sentences): a page copied
    without its headline.
    """
    for start, end in paragraphs(text):
        if not is_chrome(text, start, end):
            line = text[start:end]
            if len(line) > TITLE_MAX or any(char in "。；;" for char in line.rstrip("。")):
                return None
            return start, end
    return None


def read_header(text: str) -> Header:
    title = title_line(text)
    published_on = None
    chrome = [text[s:e] for s, e in paragraphs(text) if is_chrome(text, s, e)]
    date = DATE.search(text) or next(
        (match for line in chrome if (match := BARE_DATE.search(line))), None
    )
    if date:
        try:
            published_on = datetime.date(*(int(part) for part in date.groups()))
        except ValueError:
            published_on = None
    publisher = PUBLISHER.search(text)
    name = PUBLISHER_END.split(publisher.group(1), maxsplit=1)[0] if publisher else ""
    return Header(text[title[0] : title[1]] if title else "", published_on, name.strip())


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of the non-empty lines, whitespace-trimmed."""
    spans, pos = [], 0
    for line in text.split("\n"):
        start, end = strip(text, pos, pos + len(line))
        if start < end:
            spans.append((start, end))
        pos += len(line) + 1
    return spans


def is_chrome(text: str, start: int, end: int) -> bool:
    return bool(CHROME.match(text[start:end])) or "【打印】" in text[start:end]


def content_paragraphs(text: str) -> list[tuple[int, int]]:
    """The article's own paragraphs: after the title line, without page chrome."""
    title = title_line(text)
    spans = [span for span in paragraphs(text) if not title or span[0] > title[0]]
    # A page that repeats its title under the header has no content in the repeat.
    heading = text[title[0] : title[1]] if title else ""
    return [(s, e) for s, e in spans if not is_chrome(text, s, e) and text[s:e] != heading]


@dataclass(frozen=True)
class _Marker:
    number: int
    start: int  # where the marker starts
    end: int  # where the measure's text after the marker starts


def _markers(text: str, style) -> list[_Marker]:
    _, pattern, inline = style
    scanner = Scanner(text)
    found = []
    for start, end in content_paragraphs(text):
        starts = [(start, True)]
        if inline:
            starts += [
                (pos + 1, text[pos] in SENTENCE_ENDS)
                for pos in range(start, end)
                if text[pos] in SENTENCE_ENDS + INLINE_LEADS and scanner.top(pos)
            ]
        for pos, any_number in starts:
            pos, _ = strip(text, pos, end)
            match = pattern.match(text, pos, end)
            number = match and cjk_number(match.group(1))
            # After a comma only a first item counts (下一步,一是…): a later 二是 after a comma
            # is more likely an enumeration inside one measure.
            if number and (any_number or number == 1):
                found.append(_Marker(number, match.start(), match.end()))
    return found


def _sequence(text: str, markers: list[_Marker]) -> list[tuple[str, _Marker]]:
    """Markers that continue the count 1, 2, 3 …, the restart after a cue becoming directions.

    A run may start past 1 (四是, 五是 … on a page that continues an earlier one): it starts at
    the first marker that line-starts or follows a sentence.
    """
    runs = [_run(text, markers[index:]) for index in range(len(markers))]
    return max(runs, key=len, default=[])


def _run(text: str, markers: list[_Marker]) -> list[tuple[str, _Marker]]:
    accepted, expected, kind = [], markers[0].number, REFORM
    for marker in markers:
        if marker.number == expected:
            accepted.append((kind, marker))
            expected += 1
        elif marker.number == 1 and kind == REFORM and accepted:
            between = text[accepted[-1][1].end : marker.start]
            if any(cue in between for cue in NEXT_STEP_CUES):
                kind, expected = DIRECTION, 2
                accepted.append((kind, marker))
    return accepted


def _cue_cut(text: str, start: int, end: int) -> int:
    """Where the next-step part begins inside text[start:end].

    That is the sentence of the first cue in the last line holding one, so that a cue in
    passing earlier in the measure (今后将继续…) does not cut the measure short.
    """
    lines = [
        span for span in paragraphs(text) if start <= span[0] < end or span[0] < start < span[1]
    ]
    for line_start, line_end in reversed(lines):
        line_start, line_end = max(line_start, start), min(line_end, end)
        positions = [text.find(cue, line_start, line_end) for cue in NEXT_STEP_CUES]
        positions = [pos for pos in positions if pos >= 0]
        if not positions:
            continue
        scanner = Scanner(text, line_start, line_end)
        cut = line_start
        for pos in range(line_start, min(positions)):
            if text[pos] in SENTENCE_ENDS and scanner.top(pos):
                cut = pos + 1
        return strip(text, cut, end)[0]
    return end


def heading_title(text: str, start: int, end: int) -> tuple[str, int]:
    """The first clause after the marker, and where it ends."""
    scanner = Scanner(text, start, end)
    stop = end
    for pos in range(start, end):
        if text[pos] == "\n" or (text[pos] in SENTENCE_ENDS + ":：" and scanner.top(pos)):
            stop = pos
            break
    for pos in range(start, stop):
        if text[pos] in ",，" and scanner.top(pos):
            stop = pos
            break
    title_start, title_end = strip(text, start, stop)
    return text[title_start:title_end], title_end


def find_measures(text: str) -> list[MeasureSpan]:
    """The numbered measures and directions, or the whole body as a single measure."""
    content = content_paragraphs(text)
    if not content:
        return []
    best: list[tuple[str, _Marker]] = []
    best_score = (0, 0)
    for style in NUMBERING_STYLES:
        markers = _markers(text, style)
        sequence = _sequence(text, markers)
        # On a tie, the style with fewer markers left out wins: 一是, 二是 that start again under
        # each （一）, （二） are enumerations inside those measures, not the measures.
        score = (len(sequence), len(sequence) - len(markers))
        if score > best_score:
            best, best_score = sequence, score
    # A lone 一是 is an enumeration in passing, not numbered measures.
    if len(best) < 2:
        return [_whole_body(text, content)]

    # A measure runs to the next marker, the next-step cue or the footer, whichever comes first.
    chrome_starts = [s for s, e in paragraphs(text) if is_chrome(text, s, e)]
    content_end = content[-1][1]
    measures = []
    for index, (kind, marker) in enumerate(best):
        limit = best[index + 1][1].start if index + 1 < len(best) else content_end
        limit = min([limit, *(s for s in chrome_starts if s > marker.start)])
        next_kind = best[index + 1][0] if index + 1 < len(best) else kind
        if kind == REFORM and next_kind == DIRECTION:
            limit = _cue_cut(text, marker.end, limit)
        start, end = strip(text, marker.start, limit)
        title, title_end = heading_title(text, marker.end, end)
        # A measure that is nothing but its heading (一是制定…办法。) is read as content.
        rest = strip(text, title_end, end, WHITESPACE + SENTENCE_ENDS + ":：")
        # A title that is the first clause of a sentence (1、印发《…》，推行…) states an action:
        # the heading is read as content too.
        in_sentence = title_end < end and text[title_end] in ",，"
        heading_end = title_end if rest[0] < rest[1] and not in_sentence else start
        title_start = strip(text, marker.end, end)[0]
        measures.append(
            MeasureSpan(kind, marker.number, title, start, end, heading_end, title_start)
        )
    return measures


def _whole_body(text: str, content: list[tuple[int, int]]) -> MeasureSpan:
    start, end = content[0][0], content[-1][1]
    scanner = Scanner(text, start, end)
    first = scanner.sentences(start, end)[0]
    title_start, title_end = strip(text, *first, chars=WHITESPACE + SENTENCE_ENDS)
    # Nothing is a heading here: the title only labels the text, which is all content.
    return MeasureSpan(
        REFORM, 1, text[title_start:title_end], start, end, start, title_start, numbered=False
    )
