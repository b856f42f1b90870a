"""Turn a parsed article into knowledge-base records (Django fixture rows with natural keys).

The same records feed `fixtures/knowledge_base.json` (through `build_knowledge_base`) and the
import of new articles (through `import_article`); `measures.ingest.loading` writes them.
"""

import hashlib
import json
from pathlib import Path

from django.conf import settings

from .parsing import load_regions, load_type_rules, parse_article

REGIONS_FIXTURE = "regions.json"
TYPES_FIXTURE = "instrument_types.json"
STAGES_FIXTURE = "stages.json"
KNOWLEDGE_BASE_FIXTURE = "knowledge_base.json"
MEASURE_TITLES_FIXTURE = "measure_titles_en.json"

# Longest mention key the model stores; longer ones end in a digest instead of the name.
MAX_KEY_LENGTH = 200


def fixture_path(name):
    return Path(settings.KNOWLEDGE_BASE_DIR) / name


def parse_text(text):
    """Parse an article with the shipped gazetteer and type rules."""
    return parse_article(
        text,
        regions=load_regions(fixture_path(REGIONS_FIXTURE)),
        type_rules=load_type_rules(fixture_path(TYPES_FIXTURE)),
    )


def default_measure_slug(source_slug, kind, number):
    return f"{kind}-{number}"


def prefixed_measure_slug(source_slug, kind, number):
    """Measure slugs of imported articles carry the source's slug, so they never collide."""
    return f"{source_slug}-{kind}-{number}"


def mention_key(source_slug, kind, number, region_code, name):
    key = f"{source_slug}/{kind}-{number}/{region_code}/{name}"
    if len(key) > MAX_KEY_LENGTH:
        digest = hashlib.sha256(name.encode()).hexdigest()[:16]
        key = f"{source_slug}/{kind}-{number}/{region_code}/{digest}"
    return key


def build_records(
    article,
    *,
    text,
    slug,
    url="",
    title=None,
    published_on=None,
    status="published",
    measure_slug=default_measure_slug,
):
    """Fixture rows for one article: its Source, Measures and Mentions, in a stable order.

    `title` and `published_on` override what the parser read from the page header.
    """
    published = published_on or article.published_on
    records = [
        {
            "model": "measures.source",
            "fields": {
                "slug": slug,
                "title": title or article.title,
                "publisher": article.publisher,
                "published_on": published.isoformat() if published else None,
                "url": url,
                "text": text,
                "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "status": status,
            },
        }
    ]
    numbers = {(m.kind, m.number) for m in article.measures}
    for measure in article.measures:
        records.append(
            {
                "model": "measures.measure",
                "fields": {
                    "source": [slug],
                    "kind": measure.kind,
                    "number": measure.number,
                    "slug": measure_slug(slug, measure.kind, measure.number),
                    "title": measure.title,
                    "body": measure.body,
                    "start": measure.start,
                    "end": measure.end,
                    "continues": [
                        [slug, "reform", n] for n in measure.continues if ("reform", n) in numbers
                    ],
                    "status": status,
                },
            }
        )
    for measure in article.measures:
        for entry in measure.instruments:
            records.append(
                {
                    "model": "measures.mention",
                    "fields": {
                        "key": mention_key(
                            slug, measure.kind, measure.number, entry.region_code, entry.name
                        ),
                        "name": entry.name,
                        "is_document_title": entry.is_document_title,
                        "action": entry.action,
                        "quote": entry.quote,
                        "start": entry.start,
                        "end": entry.end,
                        "name_start": entry.name_start,
                        "name_end": entry.name_end,
                        "measure": [slug, measure.kind, measure.number],
                        "region": [entry.region_code],
                        "type": [entry.type_slug],
                        "status": status,
                    },
                }
            )
    return records


def dumps(records):
    """Stable, diff-friendly JSON: same records, same bytes."""
    return json.dumps(records, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
