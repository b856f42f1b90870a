"""parse_article: the article text in, a ParsedArticle out."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from .instruments import Candidate, sentence_candidates
from .links import continued_reforms
from .model import DIRECTION, REFORM, ParsedArticle, ParsedInstrument, ParsedMeasure
from .normalize import to_simplified
from .reference import Gazetteer, RegionRef, TypeRule, classify
from .structure import (
    MeasureSpan,
    content_paragraphs,
    find_measures,
    is_chrome,
    paragraphs,
    read_header,
    title_line,
)
from .textscan import CLAUSE_BREAKS, Scanner, strip
from .vocabulary import DATELINE, TIME_LEAD

#: Where a title or a lead may name its subject: at its start or after one of these.
SUBJECT_BREAKS = CLAUSE_BREAKS + " 　丨|｜—-【】"


def parse_article(
    text: str, regions: Iterable[RegionRef], type_rules: Iterable[TypeRule]
) -> ParsedArticle:
    """Read an article of the genre: header, measures, directions, and their instruments.

    Everything is matched in a simplified-character copy of the same length; every name,
    title and quote is cut from `text` itself, so it keeps the article's own characters.
    Deterministic: the same text and reference data always give an equal result.
    """
    gazetteer = Gazetteer(regions)
    rules = sorted(type_rules, key=lambda rule: (rule.precedence, rule.slug))
    plain = to_simplified(text)
    header = read_header(plain)
    title = title_line(plain)
    spans = find_measures(plain)
    subject = article_subject(plain, gazetteer, spans)
    read = _Reader(text, plain, gazetteer, rules, subject)
    measures = [read.measure(span) for span in spans]
    reforms = [m for m in measures if m.kind == REFORM]
    measures = [
        dataclasses.replace(m, continues=continued_reforms(m, reforms))
        if m.kind == DIRECTION
        else m
        for m in measures
    ]
    intro = _intro(plain, spans)
    return ParsedArticle(
        title=text[title[0] : title[1]] if title else "",
        published_on=header.published_on,
        publisher=_original(text, plain, header.publisher),
        measures=measures,
        instruments=read.instruments(*intro, heading_end=intro[0], fallback=False) if intro else [],
        subject_code=subject,
        elsewhere=not gazetteer.is_within(subject, gazetteer.root_code),
    )


def _original(text: str, plain: str, found: str) -> str:
    """The original characters of a string found in the simplified copy."""
    pos = plain.find(found) if found else -1
    return text[pos : pos + len(found)] if pos >= 0 else found


def _intro(plain: str, spans: list[MeasureSpan]) -> tuple[int, int] | None:
    """The paragraphs before the first numbered measure (None when the body is one measure)."""
    content = content_paragraphs(plain)
    if not content or not spans or spans[0].start <= content[0][0]:
        return None
    start, end = strip(plain, content[0][0], spans[0].start)
    return (start, end) if start < end else None


def article_subject(plain: str, gazetteer: Gazetteer, spans: list[MeasureSpan]) -> str:
    """The region the article is about: named at the start of its title, else of its lead.

    海西州做好…, 青海海西：…, 西藏自治区…, 生态环境部印发… name it; a chain of units (青海海西)
    gives the deepest. An article that names none is about the home province.
    """
    pieces = []
    title = title_line(plain)
    if title:
        pieces.append(title)
    content = content_paragraphs(plain)
    # The lead is a paragraph of its own: a one-paragraph text has none.
    if len(content) > 1:
        # Reported speech that opens the lead (“我们…。”30日，州长…说) names no subject.
        sentences = [
            (s, e)
            for s, e in Scanner(plain, *content[0]).sentences(*content[0])
            if not _in_speech(plain, content[0][0], s)
        ]
        if sentences:
            pieces.append(sentences[0])
    found = [code for start, end in pieces if (code := _subject_in(plain, start, end, gazetteer))]
    if not found:
        return _province_named(plain, [*([title] if title else []), *content[:1]], gazetteer)
    # A lead that names a unit inside the title's (青海湖北岸… / 青海省海北藏族自治州…) is more
    # precise than the title.
    deeper = [
        code
        for code in found[1:]
        if gazetteer.is_within(code, found[0]) and gazetteer.depth(code) > gazetteer.depth(found[0])
    ]
    return deeper[0] if deeper else found[0]


def _province_named(plain: str, spans: list[tuple[int, int]], gazetteer: Gazetteer) -> str:
    """The province an article without a subject at its start is about.

    A province's own paper writes 省政府… or 自治区党委… and names its province further on
    (携手推进甘肃…, 视察宁夏时): the first other province the title or lead names is the
    subject, unless they name the home province too (a text of one paragraph is its own lead).
    Neither: the home province.
    """
    named = [
        code
        for start, end in spans
        for s, e, code in gazetteer.mentions(plain, start, end)
        # by name: 全省 is the writer's own province, whichever that is
        if gazetteer.by_code[code].level == "province"
        and plain[s:e] in (gazetteer.by_code[code].name, gazetteer.by_code[code].short_name)
    ]
    if not named or gazetteer.root_code in named:
        return gazetteer.root_code
    return named[0]


def _in_speech(plain: str, start: int, pos: int) -> bool:
    """Whether `pos` lies inside a “…” quotation opened after `start` on its line."""
    opened = 0
    for char in plain[start:pos]:
        if char == "“":
            opened += 1
        elif char == "”" and opened:
            opened -= 1
    if plain.startswith("”", pos):  # a sentence that opens by closing the speech is after it
        return False
    return opened > 0 or plain.startswith("“", pos)


def _subject_in(plain: str, start: int, end: int, gazetteer: Gazetteer) -> str | None:
    starts = [start] + [pos + 1 for pos in range(start, end) if plain[pos] in SUBJECT_BREAKS]
    for index, pos in enumerate(starts):
        pos = strip(plain, pos, end)[0]
        dateline = DATELINE.match(plain, pos, end) if index == 0 else None
        if dateline:
            # 黄南新闻网讯 海南州…: the news service is not what the article is about.
            pos = strip(plain, dateline.end(), end)[0]
        time = TIME_LEAD.match(plain, pos, end)
        if time:
            pos = strip(plain, time.end(), end, " ，,、")[0]
        chain = []
        while match := gazetteer.match_at(plain, pos, end):
            chain.append(match[0])
            pos += match[1]
        if chain:
            return max(chain, key=gazetteer.depth)
    return None


def _without_references(found: list[ParsedInstrument]) -> list[ParsedInstrument]:
    """Drop an entry that only refers again to a document in 《》 of the same measure and region.

    《内蒙古自治区“十四五”生态环境保护规划》 … “十四五”生态环境保护规划, or
    《自治区…关于推进生态立区战略的实施意见》 … 《实施意见》: the tail of the full title is the
    same document, not a second one.
    """
    titles = [i for i in found if i.is_document_title]

    def key(name: str) -> str:
        return "".join(char for char in to_simplified(name) if char not in "《》“”‘’ ")

    def refers(entry: ParsedInstrument) -> bool:
        name = key(entry.name)
        return any(
            title is not entry
            and title.region_code == entry.region_code
            and len(key(title.name)) > len(name)
            and key(title.name).endswith(name)
            for title in titles
        )

    return [entry for entry in found if not refers(entry)]


@dataclasses.dataclass
class _Reader:
    text: str  # as imported
    plain: str  # simplified, same offsets
    gazetteer: Gazetteer
    rules: list[TypeRule]
    subject: str

    def instruments(
        self, start: int, end: int, *, heading_end: int, fallback: bool = True, lead_end: int = 0
    ) -> list[ParsedInstrument]:
        """Entries of text[start:end]; sentences before `lead_end` give no fallback entry."""
        found, seen = [], set()
        chrome = [(s, e) for s, e in paragraphs(self.plain) if is_chrome(self.plain, s, e)]
        for s, e in Scanner(self.plain, start, end).sentences(start, end):
            if any(cs <= s < ce for cs, ce in chrome):
                continue  # a caption or a share line inside the body
            candidates = sentence_candidates(
                self.plain,
                s,
                e,
                self.gazetteer,
                heading_end,
                subject=self.subject,
                fallback=fallback and s >= lead_end,
            )
            for candidate in candidates:
                # One entry per name and region within a measure: the first statement wins.
                key = (candidate.name, candidate.region_code)
                if key in seen:
                    continue
                seen.add(key)
                found.append(self._entry(candidate, s, e))
        return _without_references(found)

    def _entry(self, candidate: Candidate, start: int, end: int) -> ParsedInstrument:
        name_start, name_end = candidate.parts[-1]
        action = candidate.action
        if candidate.action_span:
            action = self.text[candidate.action_span[0] : candidate.action_span[1]]
        return ParsedInstrument(
            name="".join(self.text[s:e] for s, e in candidate.parts),
            region_code=candidate.region_code,
            # Typed on the simplified name, so 辦法 is a 办法.
            type_slug=candidate.type_slug or classify(candidate.name, self.rules),
            is_document_title=candidate.is_document_title,
            action=action,
            quote=self.text[start:end],
            start=start,
            end=end,
            name_start=name_start,
            name_end=name_end,
            rule=candidate.rule,
        )

    def measure(self, span: MeasureSpan) -> ParsedMeasure:
        lead_end = 0
        content = content_paragraphs(self.plain)
        if not span.numbered and len(content) > 1:
            lead_end = content[0][1]  # an unnumbered text's first paragraph is its lead
        instruments = self.instruments(
            span.start, span.end, heading_end=span.heading_end, lead_end=lead_end
        )
        return ParsedMeasure(
            kind=span.kind,
            number=span.number,
            title=self.text[span.title_start : span.title_start + len(span.title)],
            body=self.text[span.start : span.end],
            start=span.start,
            end=span.end,
            instruments=instruments,
            continues=[],
        )
