"""What the parser returns: plain, frozen dataclasses with offsets into the article text."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

REFORM = "reform"
DIRECTION = "direction"


@dataclass(frozen=True)
class ParsedInstrument:
    """One policy instrument one region adopted under one measure, as one sentence states it.

    `start`/`end` delimit the sentence (`quote`); `name_start`/`name_end` delimit the name's
    occurrence inside it: the whole name when it is contiguous in the text, otherwise its last
    contiguous part (the shared instrument word of 免罚办法和清单, say).
    """

    name: str
    region_code: str
    type_slug: str
    is_document_title: bool
    action: str
    quote: str
    start: int
    end: int
    name_start: int
    name_end: int
    #: Which reading found it, so that an editor can judge it: see RULES.
    rule: str = ""


#: The readings that produce entries (docs/parser.md, "Instruments").
RULES = {
    "title": "a title in 《》",
    "verb-object": "the object of an action verb",
    "list": "an item of a list closed by 等, with the list's instrument word",
    "quoted": "a quoted term with an instrument word",
    "before-verb": "a name before its verb (…工程全面启动)",
    "fallback": "a prefecture's practice without an instrument word",
}


@dataclass(frozen=True)
class ParsedMeasure:
    """A reform measure (一是…九是) or a next-step direction (下一步 一是…四是)."""

    kind: str
    number: int
    title: str
    body: str
    start: int
    end: int
    instruments: list[ParsedInstrument] = field(default_factory=list)
    #: For a direction: the numbers of the reform measures it carries forward.
    continues: list[int] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return f"{self.kind}-{self.number}"


@dataclass(frozen=True)
class ParsedArticle:
    title: str
    published_on: datetime.date | None
    publisher: str
    #: Reform measures in order, then directions in order.
    measures: list[ParsedMeasure] = field(default_factory=list)
    #: Instruments the intro states before the first measure (attached to no measure).
    instruments: list[ParsedInstrument] = field(default_factory=list)
    #: The region the article is about, from its title or lead (the gazetteer's home province
    #: when neither names one); sentences without a subject of their own belong to it.
    subject_code: str = ""
    #: The article is about another province or the national level, not the home province.
    elsewhere: bool = False

    @property
    def reforms(self) -> list[ParsedMeasure]:
        return [m for m in self.measures if m.kind == REFORM]

    @property
    def directions(self) -> list[ParsedMeasure]:
        return [m for m in self.measures if m.kind == DIRECTION]

    def measure(self, kind: str, number: int) -> ParsedMeasure:
        for m in self.measures:
            if m.kind == kind and m.number == number:
                return m
        raise KeyError(f"{kind}-{number}")
