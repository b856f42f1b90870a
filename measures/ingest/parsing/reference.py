"""The reference data the parser reads: the region gazetteer and the instrument-type rules.

Both come from the project's Django fixtures (fixtures/regions.json,
fixtures/instrument_types.json), read here as plain JSON so the parser needs no database.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .vocabulary import DOCUMENT_STATUS

#: The type of a practice the parser keeps although no instrument word names it.
FALLBACK_TYPE = "other"


@dataclass(frozen=True)
class RegionRef:
    code: str
    name: str
    short_name: str
    name_en: str
    level: str
    aliases: tuple[str, ...] = ()
    parent: str | None = None

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every way the text may write the region: name, short name, aliases (no repeats)."""
        return tuple(dict.fromkeys(s for s in (self.name, self.short_name, *self.aliases) if s))


@dataclass(frozen=True)
class TypeRule:
    slug: str
    name: str
    name_en: str
    category: str
    precedence: int
    ends_with: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()
    not_ends_with: tuple[str, ...] = ()

    def matches(self, name: str) -> bool:
        """All given conditions hold; a rule without conditions matches anything."""
        if self.ends_with and not name.endswith(self.ends_with):
            return False
        if self.contains and not any(word in name for word in self.contains):
            return False
        return not (self.not_ends_with and name.endswith(self.not_ends_with))


def _fixture_rows(path, model: str) -> list[dict]:
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    return [row for row in rows if row.get("model") == model]


def load_regions(path) -> list[RegionRef]:
    """The regions of a `regions.region` fixture, in file order."""
    regions = []
    for row in _fixture_rows(path, "regions.region"):
        fields = row["fields"]
        parent = fields.get("parent")
        if isinstance(parent, list | tuple):  # a natural key: [code]
            parent = parent[0] if parent else None
        regions.append(
            RegionRef(
                code=str(fields.get("code") or row.get("pk")),
                name=fields["name"],
                short_name=fields.get("short_name") or "",
                name_en=fields.get("name_en") or "",
                level=fields.get("level") or "",
                aliases=tuple(fields.get("aliases") or ()),
                parent=str(parent) if parent else None,
            )
        )
    return regions


def load_type_rules(path) -> list[TypeRule]:
    """The rules of a `measures.instrumenttype` fixture, in precedence order."""
    rules = []
    for row in _fixture_rows(path, "measures.instrumenttype"):
        fields = row["fields"]
        conditions = fields.get("rules") or {}
        rules.append(
            TypeRule(
                slug=fields["slug"],
                name=fields.get("name", ""),
                name_en=fields.get("name_en", ""),
                category=fields.get("category", ""),
                precedence=int(fields["precedence"]),
                ends_with=tuple(conditions.get("ends_with") or ()),
                contains=tuple(conditions.get("contains") or ()),
                not_ends_with=tuple(conditions.get("not_ends_with") or ()),
            )
        )
    return sorted(rules, key=lambda rule: (rule.precedence, rule.slug))


#: A status after a document's name: X管理办法（试行） is still a 办法.
STATUS_SUFFIX = re.compile(
    rf"(?:(?:草案|征求意见稿|送审稿|修订稿)(?:{DOCUMENT_STATUS})*|(?:{DOCUMENT_STATUS})+)$"
)


def classify(name: str, rules: Iterable[TypeRule]) -> str:
    """The slug of the first rule, by precedence, that matches the name."""
    name = STATUS_SUFFIX.sub("", name)
    for rule in sorted(rules, key=lambda rule: (rule.precedence, rule.slug)):
        if rule.matches(name):
            return rule.slug
    return FALLBACK_TYPE


class Gazetteer:
    """Region lookup by spelling, and the region tree (province → prefecture → county → town)."""

    def __init__(self, regions: Iterable[RegionRef]):
        self.regions = list(regions)
        self.by_code = {region.code: region for region in self.regions}
        roots = [r for r in self.regions if not r.parent or r.parent not in self.by_code]
        #: The unit a statement without a local subject belongs to (the province).
        self.root_code = roots[0].code if roots else ""
        # Longest spelling first, so 海西州 wins over 海西 and 大柴旦行委 over 大柴旦; ties by code.
        self._spellings = sorted(
            ((spelling, region.code) for region in self.regions for spelling in region.spellings),
            key=lambda item: (-len(item[0]), item[1]),
        )

    def depth(self, code: str) -> int:
        """0 for the province, 1 for a prefecture, 2 for a county, 3 for a town."""
        depth, seen = 0, {code}
        region = self.by_code.get(code)
        while region and region.parent and region.parent in self.by_code:
            if region.parent in seen:  # a cycle in hand-kept data; stop rather than loop
                break
            seen.add(region.parent)
            region = self.by_code[region.parent]
            depth += 1
        return depth

    def is_local(self, code: str) -> bool:
        """Below the province: a prefecture or one of its sub-units."""
        return code in self.by_code and self.depth(code) >= 1

    def ancestors(self, code: str) -> list[str]:
        """The codes above `code`, nearest first."""
        chain, region = [], self.by_code.get(code)
        while region and region.parent and region.parent in self.by_code:
            if region.parent in chain:
                break
            chain.append(region.parent)
            region = self.by_code[region.parent]
        return chain

    def is_within(self, code: str, ancestor: str) -> bool:
        return code == ancestor or ancestor in self.ancestors(code)

    def prefecture_of(self, code: str) -> str | None:
        """The prefecture-level unit `code` lies in (itself if it is one); None for the province."""
        for candidate in [code, *self.ancestors(code)]:
            if self.depth(candidate) == 1:
                return candidate
        return None

    def match_at(self, text: str, pos: int, end: int | None = None) -> tuple[str, int] | None:
        """(code, length) of the longest spelling that starts at `pos`, if any."""
        end = len(text) if end is None else end
        for spelling, code in self._spellings:
            if pos + len(spelling) <= end and text.startswith(spelling, pos):
                return code, len(spelling)
        return None

    def mentions(self, text: str, start: int, end: int) -> list[tuple[int, int, str]]:
        """(start, end, code) of every region named in text[start:end], left to right.

        Matches are taken longest first and never overlap, so 青海湖 or 青海东部 read as the
        province's 青海 and not as a prefecture's alias (海东) hidden inside the word.
        """
        found, pos = [], start
        while pos < end:
            match = self.match_at(text, pos, end)
            if match:
                code, length = match
                found.append((pos, pos + length, code))
                pos += length
            else:
                pos += 1
        return found

    def most_specific_local(self, text: str, spans: Iterable[tuple[int, int]]) -> str | None:
        """The deepest sub-province region named inside the spans (first one on a tie)."""
        best, best_depth = None, 0
        for start, end in spans:
            for _, _, code in self.mentions(text, start, end):
                depth = self.depth(code)
                if depth > best_depth:
                    best, best_depth = code, depth
        return best
