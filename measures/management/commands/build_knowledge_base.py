from pathlib import Path

from django.core.management.base import BaseCommand

from measures.ingest.loading import with_digest
from measures.ingest.records import (
    KNOWLEDGE_BASE_FIXTURE,
    build_records,
    dumps,
    fixture_path,
    parse_text,
)

DEFAULT_ARTICLE = "source/qinghai-eco-reform-2024-12-26.txt"


def build_knowledge_base(article_path):
    """The knowledge-base fixture text for the article at `article_path` (deterministic)."""
    path = Path(article_path)
    text = path.read_text(encoding="utf-8")
    article = parse_text(text)
    records = build_records(article, text=text, slug=path.stem)
    return dumps([with_digest(record) for record in records])


class Command(BaseCommand):
    help = "Parse the source article and write fixtures/knowledge_base.json."

    def add_arguments(self, parser):
        parser.add_argument("--article", default=str(fixture_path(DEFAULT_ARTICLE)))
        parser.add_argument("--output", default=str(fixture_path(KNOWLEDGE_BASE_FIXTURE)))
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail if the file on disk is not what the parser generates.",
        )

    def handle(self, *args, article, output, check, **options):
        content = build_knowledge_base(article)
        target = Path(output)
        if check:
            if not target.exists() or target.read_text(encoding="utf-8") != content:
                raise SystemExit(f"{target} is out of date: run manage.py build_knowledge_base")
            self.stdout.write(f"{target} is current.")
            return
        target.write_text(content, encoding="utf-8")
        self.stdout.write(f"Wrote {target} ({content.count(chr(10))} lines).")
