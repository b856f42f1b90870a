"""Which reform measures each next-step direction carries forward.

A direction continues a reform when one of the key terms below occurs in both paragraphs. The
terms are specific on purpose: bare 执法, 督察 or 考核 occur in passing in most paragraphs and
would link nearly everything to everything.
"""

from __future__ import annotations

import re

from .model import ParsedMeasure

KEY_TERMS = (
    "责任清单",  # the responsibility list (reform 1 → direction 2)
    r"监督.{0,12}贯通协同",  # discipline supervision joined with environmental oversight
    "问责",  # accountability
    "生态环境保护督察",  # inspection (reforms 1, 2 → direction 2)
    "问题整改",  # rectifying what inspections found (reform 2 → direction 3)
    "综合行政执法",  # the enforcement reform (reform 4 → direction 3)
    "GEP",  # gross ecosystem product (reform 3 → direction 1)
    "生态产品价值",  # realising the value of ecological products
    "补偿",  # ecological compensation
    r"考核(?:体系|制度|机制|评价)",  # evaluation systems (reforms 3, 9 → direction 1)
    "碳排放",  # carbon emissions data (reform 3 → direction 4)
    "生态环境损害赔偿",  # damage compensation (reform 6 → direction 4)
    "分区管控",  # zoning control (reform 8 → direction 4)
)
_PATTERNS = tuple(re.compile(term) for term in KEY_TERMS)


def shared_terms(first: str, second: str) -> list[str]:
    """The key terms found in both texts, in KEY_TERMS order."""
    return [
        term
        for term, pattern in zip(KEY_TERMS, _PATTERNS, strict=True)
        if pattern.search(first) and pattern.search(second)
    ]


def continued_reforms(direction: ParsedMeasure, reforms: list[ParsedMeasure]) -> list[int]:
    """Numbers of the reforms that share a key term with the direction, ascending."""
    return sorted(r.number for r in reforms if shared_terms(direction.body, r.body))
