import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from measures.importing import import_article


class Command(BaseCommand):
    help = (
        "Parse a new article (UTF-8 text) and create its source, measures and entries as drafts "
        "for editors to review and publish. Importing the same text again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The article as a UTF-8 text file.")
        parser.add_argument("--title", help="Title (default: the article's first line).")
        parser.add_argument("--published-on", help="Publication date, YYYY-MM-DD.")
        parser.add_argument("--url", default="", help="Where it was published.")
        parser.add_argument("--slug", help="Identifier used in URLs (default: from the file name).")
        parser.add_argument("--dry-run", action="store_true", help="Report, write nothing.")

    def handle(self, *args, path, title, published_on, url, slug, dry_run, **options):
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file} as UTF-8 text: {error}") from error
        date = None
        if published_on:
            try:
                date = datetime.date.fromisoformat(published_on)
            except ValueError as error:
                raise CommandError(
                    f"--published-on must be YYYY-MM-DD, not {published_on!r}"
                ) from error
        result = import_article(
            text=text,
            slug=slug or file.stem,
            title=title,
            published_on=date,
            url=url,
            dry_run=dry_run,
        )
        self.stdout.write(
            f"{'Would import' if dry_run else 'Imported'} “{result.title}” as {result.slug}: "
            f"{result.measures} measures, {result.entries} entries "
            f"({result.documents} documents in 《》)."
        )
        for code, count in result.entries_by_region.items():
            self.stdout.write(f"  {code}: {count}")
        summary = ", ".join(f"{n} {what}" for what, n in result.report.summary().items())
        self.stdout.write(f"Rows: {summary}.")
        for label in result.report.kept_edited:
            self.stdout.write(f"  kept as edited: {label}")
