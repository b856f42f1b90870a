"""Score the parser against hand-made annotations of articles.

An annotation is a JSON file per article (see docs/parser.md):

    {
      "article": "haixi-report.txt",          # the text, relative to this JSON file
      "subject": "632800",                    # optional: the region the article is about
      "measures": [{"kind": "reform", "number": 1, "title": "…"}],
      "instruments": [
        {"name": "…", "region": "632800", "type": "rule", "measure": "reform-1",
         "document": true}                    # document: the name is a title in 《》
      ]
    }

`measure` is a measure slug (`reform-1`, `direction-2`) or `article` for an instrument the intro
states before the first measure.

Matching rule: an extracted entry matches an expected one when both belong to the same measure
and their normalised names are equal or one contains the other (normalised: simplified
characters, no 《》“”‘’ marks, brackets and spaces unified). Each expected entry matches at most
one extracted entry; exact matches are paired first, then containments, in text order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .article import parse_article
from .model import ParsedArticle
from .normalize import to_simplified
from .reference import RegionRef, TypeRule

#: The measure slug of instruments stated in the intro, before the first measure.
ARTICLE_LEVEL = "article"

_MARKS = re.compile(r"[《》“”‘’\"'\s\u3000]")
_BRACKETS = str.maketrans("（）【】", "()[]")


def normalise_name(name: str) -> str:
    """The form names are compared in: simplified, without quotation marks or spaces."""
    return _MARKS.sub("", to_simplified(name)).translate(_BRACKETS)


@dataclass(frozen=True)
class Entry:
    """One instrument, expected or extracted, in the terms an annotation uses."""

    name: str
    region: str
    type: str
    measure: str
    document: bool = False
    rule: str = ""


@dataclass
class ArticleScore:
    annotation: str
    article: str
    measures_expected: int = 0
    titles_right: int = 0
    expected: int = 0
    extracted: int = 0
    matched: int = 0
    type_right: int = 0
    region_right: int = 0
    documents_expected: int = 0
    documents_found: int = 0
    subject_expected: str = ""
    subject_found: str = ""
    wrong_titles: list[dict] = field(default_factory=list)
    misses: list[dict] = field(default_factory=list)
    extras: list[dict] = field(default_factory=list)
    wrong: list[dict] = field(default_factory=list)  # matched, but with a wrong type or region

    @property
    def figures(self) -> dict:
        return figures(self)


def _ratio(part: int, whole: int) -> float:
    # Nothing to find and nothing found is a perfect score, not a division by zero.
    return round(part / whole, 3) if whole else 1.0


def figures(score) -> dict:
    return {
        "titles_right": _ratio(score.titles_right, score.measures_expected),
        "precision": _ratio(score.matched, score.extracted),
        "recall": _ratio(score.matched, score.expected),
        "type_accuracy": _ratio(score.type_right, score.matched),
        "region_accuracy": _ratio(score.region_right, score.matched),
        "documents_found": _ratio(score.documents_found, score.documents_expected),
    }


@dataclass
class Evaluation:
    articles: list[ArticleScore]

    @property
    def total(self) -> ArticleScore:
        """Counts summed over every article (figures are micro-averages over entries)."""
        total = ArticleScore(annotation="", article="total")
        for score in self.articles:
            for name in (
                "measures_expected",
                "titles_right",
                "expected",
                "extracted",
                "matched",
                "type_right",
                "region_right",
                "documents_expected",
                "documents_found",
            ):
                setattr(total, name, getattr(total, name) + getattr(score, name))
        return total

    def as_dict(self) -> dict:
        total = self.total
        return {
            "articles": [{**asdict(score), "figures": score.figures} for score in self.articles],
            "total": {
                **{k: v for k, v in asdict(total).items() if not isinstance(v, list)},
                "figures": total.figures,
            },
        }


def expected_entries(annotation: dict) -> list[Entry]:
    return [
        Entry(
            name=row["name"],
            region=str(row["region"]),
            type=row["type"],
            measure=row.get("measure") or ARTICLE_LEVEL,
            document=bool(row.get("document")),
        )
        for row in annotation.get("instruments", [])
    ]


def extracted_entries(article: ParsedArticle) -> list[Entry]:
    groups = [(ARTICLE_LEVEL, article.instruments)]
    groups += [(measure.slug, measure.instruments) for measure in article.measures]
    return [
        Entry(i.name, i.region_code, i.type_slug, slug, i.is_document_title, i.rule)
        for slug, instruments in groups
        for i in instruments
    ]


def match(expected: list[Entry], extracted: list[Entry]) -> list[tuple[Entry, Entry]]:
    """Pairs (expected, extracted) under the matching rule: exact names first, then containment."""
    pairs, free = [], list(range(len(extracted)))
    pending = list(range(len(expected)))
    for exact in (True, False):
        for e in list(pending):
            want = normalise_name(expected[e].name)
            for x in free:
                got = normalise_name(extracted[x].name)
                if expected[e].measure != extracted[x].measure or not want or not got:
                    continue
                if want == got if exact else (want in got or got in want):
                    pairs.append((e, x))
                    free.remove(x)
                    pending.remove(e)
                    break
    pairs.sort()
    return [(expected[e], extracted[x]) for e, x in pairs]


def score_article(
    annotation_path, regions: Iterable[RegionRef], type_rules: Iterable[TypeRule]
) -> ArticleScore:
    """Parse the article an annotation names and compare the result with the annotation."""
    annotation_path = Path(annotation_path)
    annotation = json.loads(annotation_path.read_text(encoding="utf-8"))
    text_path = annotation_path.parent / annotation["article"]
    text = text_path.read_text(encoding="utf-8").replace("\r\n", "\n")
    article = parse_article(text, regions=regions, type_rules=type_rules)
    score = ArticleScore(annotation=str(annotation_path), article=annotation["article"])

    found_titles = {(m.kind, m.number): m.title for m in article.measures}
    for measure in annotation.get("measures", []):
        score.measures_expected += 1
        key = (measure["kind"], int(measure["number"]))
        title = found_titles.get(key)
        if title is not None and normalise_name(title) == normalise_name(measure["title"]):
            score.titles_right += 1
        else:
            score.wrong_titles.append(
                {"measure": f"{key[0]}-{key[1]}", "expected": measure["title"], "found": title}
            )

    expected = expected_entries(annotation)
    extracted = extracted_entries(article)
    pairs = match(expected, extracted)
    matched_expected = {id(e) for e, _ in pairs}
    matched_extracted = {id(x) for _, x in pairs}
    score.expected, score.extracted, score.matched = len(expected), len(extracted), len(pairs)
    score.documents_expected = sum(1 for e in expected if e.document)
    score.documents_found = sum(1 for e, _ in pairs if e.document)
    for want, got in pairs:
        score.type_right += want.type == got.type
        score.region_right += want.region == got.region
        if want.type != got.type or want.region != got.region:
            score.wrong.append({"expected": asdict(want), "found": asdict(got)})
    score.misses = [asdict(e) for e in expected if id(e) not in matched_expected]
    score.extras = [asdict(x) for x in extracted if id(x) not in matched_extracted]
    if annotation.get("subject"):
        score.subject_expected = str(annotation["subject"])
        score.subject_found = article.subject_code
    return score


def evaluate(
    annotation_paths: Iterable, regions: Iterable[RegionRef], type_rules: Iterable[TypeRule]
) -> Evaluation:
    """Score every annotated article; see the module docstring for the matching rule."""
    regions, type_rules = list(regions), list(type_rules)
    return Evaluation([score_article(path, regions, type_rules) for path in annotation_paths])


def _line(label: str, score: ArticleScore) -> str:
    f = score.figures
    return (
        f"{label}: titles {score.titles_right}/{score.measures_expected}, "
        f"precision {f['precision']:.2f} ({score.matched}/{score.extracted}), "
        f"recall {f['recall']:.2f} ({score.matched}/{score.expected}), "
        f"type {f['type_accuracy']:.2f}, region {f['region_accuracy']:.2f}, "
        f"《》 {score.documents_found}/{score.documents_expected}"
    )


def _entry(row: dict) -> str:
    rule = f" [{row['rule']}]" if row.get("rule") else ""
    return f"{row['measure']} {row['region']} {row['type']} {row['name']}{rule}"


def report_lines(evaluation: Evaluation, *, details: bool = True) -> list[str]:
    """The human-readable report: per article, its misses and extras, then the total."""
    lines = []
    for score in evaluation.articles:
        lines.append(_line(score.article, score))
        if score.subject_expected and score.subject_expected != score.subject_found:
            lines.append(
                f"  subject: expected {score.subject_expected}, found {score.subject_found}"
            )
        if not details:
            continue
        lines += [
            f"  title {t['measure']}: expected {t['expected']!r}, found {t['found']!r}"
            for t in score.wrong_titles
        ]
        lines += [f"  miss   {_entry(row)}" for row in score.misses]
        lines += [f"  extra  {_entry(row)}" for row in score.extras]
        lines += [
            f"  wrong  {_entry(w['found'])} (expected {w['expected']['region']} "
            f"{w['expected']['type']})"
            for w in score.wrong
        ]
    lines.append(_line("TOTAL", evaluation.total))
    return lines
