import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from measures.ingest.articles import ImportRefused, import_article
from measures.models import Source


class Command(BaseCommand):
    help = (
        "Parse a new article (UTF-8 text) and create its source, measures and entries as drafts "
        "for editors to review and publish. An article whose slug or text matches an existing "
        "source is refused, unless it is imported with --new-version-of that source."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The article as a UTF-8 text file.")
        parser.add_argument("--title", help="Title (default: the article's first line).")
        parser.add_argument("--published-on", help="Publication date, YYYY-MM-DD.")
        parser.add_argument("--url", default="", help="Where it was published.")
        parser.add_argument(
            "--slug",
            help="Identifier used in URLs (default: from the title and date; for a new version, "
            "the old slug with -v2, -v3 …).",
        )
        parser.add_argument(
            "--new-version-of",
            metavar="SLUG",
            help="Import the article as a new version of this source: drafts beside it, which "
            "replace it when an editor publishes the new version.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Report, write nothing.")

    def handle(self, *args, path, title, published_on, url, slug, dry_run, **options):
        previous = None
        if options["new_version_of"]:
            previous = Source.objects.filter(slug=options["new_version_of"]).first()
            if previous is None:
                raise CommandError(f"There is no source {options['new_version_of']!r}.")
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
        try:
            # The command reports in English throughout, its messages included.
            with translation.override("en"):
                result = import_article(
                    text=text,
                    slug=slug,
                    title=title,
                    published_on=date,
                    url=url,
                    new_version_of=previous,
                    dry_run=dry_run,
                )
        except ImportRefused as refusal:
            hint = ""
            if refusal.new_version_possible:
                hint = f" (--new-version-of {refusal.source.slug} or --slug)"
            raise CommandError(f"Nothing was imported. {refusal.message}{hint}") from refusal
        self.stdout.write(
            f"{'Would import' if dry_run else 'Imported'} “{result.title}” as {result.slug}: "
            f"{result.measures} measures, {result.entries} entries "
            f"({result.documents} documents in 《》)."
        )
        if result.elsewhere:
            self.stdout.write(f"Not about Qinghai: the article is about {result.subject_code}.")
        for code, count in result.entries_by_region.items():
            self.stdout.write(f"  {code}: {count}")
        for row in result.entry_rows:
            if row["measure"]:
                instrument = row["instrument"]
                said = (
                    f"another mention of {instrument} (#{instrument.pk})"
                    if instrument
                    else "new instrument"
                )
                self.stdout.write(f"  {row['measure']} {row['region']} {row['name']}: {said}")
        summary = ", ".join(f"{n} {what}" for what, n in result.report.summary().items())
        self.stdout.write(f"Rows: {summary}.")
        if result.affected is not None:
            affected = result.affected
            self.stdout.write(
                f"A new version of {affected.source.slug}: when it is published, it replaces "
                f"{affected.measures} measures and {affected.entries} entries of "
                f"{affected.source.slug}; {affected.continued} of its {affected.published_entries} "
                f"published entries continue here, {affected.not_in_new_version} are not in "
                f"the new text, and {affected.new_entries} entries are new (drafts to review)."
            )
