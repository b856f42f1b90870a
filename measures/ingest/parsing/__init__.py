"""The article parser: plain Python (no Django), article text in, frozen dataclasses out.

Usage: ``parse_article(text, regions=load_regions(path), type_rules=load_type_rules(path))``
with the paths of fixtures/regions.json and fixtures/instrument_types.json. See docs/parser.md.
"""

from .article import parse_article
from .model import DIRECTION, REFORM, ParsedArticle, ParsedInstrument, ParsedMeasure
from .reference import (
    FALLBACK_TYPE,
    Gazetteer,
    RegionRef,
    TypeRule,
    classify,
    load_regions,
    load_type_rules,
)

__all__ = [
    "DIRECTION",
    "FALLBACK_TYPE",
    "REFORM",
    "Gazetteer",
    "ParsedArticle",
    "ParsedInstrument",
    "ParsedMeasure",
    "RegionRef",
    "TypeRule",
    "classify",
    "load_regions",
    "load_type_rules",
    "parse_article",
]
