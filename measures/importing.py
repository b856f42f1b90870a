"""Import a new article of the same genre: parse it and load it as drafts for review."""

import hashlib
from dataclasses import dataclass

from django.utils.text import slugify

from .knowledge_base import build_records, parse_text, prefixed_measure_slug
from .loading import LoadReport, load_records


@dataclass
class ImportResult:
    slug: str
    title: str
    measures: int
    entries: int
    documents: int  # entries given in 《》
    entries_by_region: dict
    report: LoadReport
    dry_run: bool = False


def article_slug(text, *, slug=None, title=None):
    """The slug given, else one from the title, else one from the text's digest."""
    candidate = slugify(slug or "") or slugify(title or "", allow_unicode=False)
    return candidate or f"article-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:10]}"


def import_article(*, text, slug=None, title=None, published_on=None, url="", dry_run=False):
    """Parse `text` and create its Source, measures and entries as drafts.

    Rows that already exist are handled by the loader: untouched ones are refreshed, edited ones
    kept, so importing the same text again changes nothing.
    """
    text = text.replace("\r\n", "\n")
    article = parse_text(text)
    slug = article_slug(text, slug=slug)
    records = build_records(
        article,
        text=text,
        slug=slug,
        url=url,
        title=title,
        published_on=published_on,
        status="draft",
        measure_slug=prefixed_measure_slug,
    )
    report = load_records(records, dry_run=dry_run, status="draft")
    entries = [entry for measure in article.measures for entry in measure.instruments]
    by_region = {}
    for entry in entries:
        by_region[entry.region_code] = by_region.get(entry.region_code, 0) + 1
    return ImportResult(
        slug=slug,
        title=title or article.title,
        measures=len(article.measures),
        entries=len(entries),
        documents=sum(1 for entry in entries if entry.is_document_title),
        entries_by_region=dict(sorted(by_region.items())),
        report=report,
        dry_run=dry_run,
    )
