"""Counts of what the parser found, as Markdown tables (pasted into docs/parser.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .model import ParsedArticle
from .reference import Gazetteer, RegionRef


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def counts_markdown(article: ParsedArticle, regions: Iterable[RegionRef]) -> str:
    """Entries per measure, per prefecture (sub-units counted toward it) and per type."""
    gazetteer = Gazetteer(regions)
    prefectures = [r for r in gazetteer.regions if gazetteer.depth(r.code) == 1]
    entries = [(m, i) for m in article.measures for i in m.instruments]

    measure_rows = []
    for m in article.measures:
        by_prefecture = Counter(gazetteer.prefecture_of(i.region_code) for i in m.instruments)
        local = ", ".join(
            f"{r.short_name} {by_prefecture[r.code]}" for r in prefectures if by_prefecture[r.code]
        )
        measure_rows.append(
            [
                f"{m.kind} {m.number}",
                m.title,
                len(m.instruments),
                by_prefecture[None],
                local or "—",
                sum(i.is_document_title for i in m.instruments),
                ", ".join(map(str, m.continues)) or "—",
            ]
        )

    prefecture_rows = []
    for prefecture in prefectures:
        own = [
            (m, i) for m, i in entries if gazetteer.prefecture_of(i.region_code) == prefecture.code
        ]
        sub_units = Counter(
            gazetteer.by_code[i.region_code].short_name
            for _, i in own
            if i.region_code != prefecture.code
        )
        prefecture_rows.append(
            [
                prefecture.code,
                prefecture.short_name,
                len(own),
                ", ".join(dict.fromkeys(f"{m.kind} {m.number}" for m, _ in own)) or "—",
                ", ".join(f"{name} {n}" for name, n in sorted(sub_units.items())) or "—",
            ]
        )
    province = sum(1 for _, i in entries if gazetteer.prefecture_of(i.region_code) is None)

    types = Counter(i.type_slug for _, i in entries)
    type_rows = [
        [slug, n] for slug, n in sorted(types.items(), key=lambda item: (-item[1], item[0]))
    ]

    local = len(entries) - province
    lines = [
        f"Total entries: {len(entries)} ({province} province, {local} prefecture or below).",
        "",
    ]
    lines += ["### Per measure", ""]
    lines += _table(
        ["measure", "title", "entries", "province", "prefectures", "《》", "continues"],
        measure_rows,
    )
    lines += ["", "### Per prefecture (sub-units counted toward their prefecture)", ""]
    lines += _table(
        ["code", "prefecture", "entries", "measures", "of which sub-units"], prefecture_rows
    )
    lines += ["", "### Per type", ""]
    lines += _table(["type", "entries"], type_rows)
    return "\n".join(lines) + "\n"


def entries_markdown(article: ParsedArticle, regions: Iterable[RegionRef]) -> str:
    """Every entry, one row each, in article order."""
    gazetteer = Gazetteer(regions)
    rows = [
        [
            f"{m.kind} {m.number}",
            gazetteer.by_code[i.region_code].short_name,
            i.type_slug,
            i.action or "—",
            f"《{i.name}》" if i.is_document_title else i.name,
        ]
        for m in article.measures
        for i in m.instruments
    ]
    return "\n".join(_table(["measure", "region", "type", "action", "name"], rows)) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Print the tables for an article: python -m measures.ingest.parsing.report [article.txt]."""
    import sys
    from pathlib import Path

    from .article import parse_article
    from .reference import load_regions, load_type_rules

    fixtures = Path(__file__).resolve().parents[3] / "fixtures"
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else fixtures / "source" / "qinghai-eco-reform-2024-12-26.txt"
    regions = load_regions(fixtures / "regions.json")
    rules = load_type_rules(fixtures / "instrument_types.json")
    article = parse_article(path.read_text(encoding="utf-8"), regions, rules)
    print(counts_markdown(article, regions))
    print(entries_markdown(article, regions))


if __name__ == "__main__":
    main()
