"""parse_article: the article text in, a ParsedArticle out."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from .instruments import sentence_candidates
from .links import continued_reforms
from .model import DIRECTION, REFORM, ParsedArticle, ParsedInstrument, ParsedMeasure
from .reference import Gazetteer, RegionRef, TypeRule, classify
from .structure import MeasureSpan, find_measures, read_header
from .textscan import Scanner


def parse_article(
    text: str, regions: Iterable[RegionRef], type_rules: Iterable[TypeRule]
) -> ParsedArticle:
    """Read an article of the genre: header, measures, directions, and their instruments.

    Deterministic: the same text and reference data always give an equal result.
    """
    gazetteer = Gazetteer(regions)
    rules = sorted(type_rules, key=lambda rule: (rule.precedence, rule.slug))
    header = read_header(text)
    measures = [_measure(text, span, gazetteer, rules) for span in find_measures(text)]
    reforms = [m for m in measures if m.kind == REFORM]
    measures = [
        dataclasses.replace(m, continues=continued_reforms(m, reforms))
        if m.kind == DIRECTION
        else m
        for m in measures
    ]
    return ParsedArticle(
        title=header.title,
        published_on=header.published_on,
        publisher=header.publisher,
        measures=measures,
    )


def _measure(
    text: str, span: MeasureSpan, gazetteer: Gazetteer, rules: list[TypeRule]
) -> ParsedMeasure:
    instruments, seen = [], set()
    for start, end in Scanner(text, span.start, span.end).sentences(span.start, span.end):
        for candidate in sentence_candidates(text, start, end, gazetteer, span.heading_end):
            # One entry per name and region within a measure: the first statement wins.
            key = (candidate.name, candidate.region_code)
            if key in seen:
                continue
            seen.add(key)
            name_start, name_end = candidate.parts[-1]
            instruments.append(
                ParsedInstrument(
                    name=candidate.name,
                    region_code=candidate.region_code,
                    type_slug=candidate.type_slug or classify(candidate.name, rules),
                    is_document_title=candidate.is_document_title,
                    action=candidate.action,
                    quote=text[start:end],
                    start=start,
                    end=end,
                    name_start=name_start,
                    name_end=name_end,
                )
            )
    return ParsedMeasure(
        kind=span.kind,
        number=span.number,
        title=span.title,
        body=text[span.start : span.end],
        start=span.start,
        end=span.end,
        instruments=instruments,
        continues=[],
    )
