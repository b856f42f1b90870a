from django.core.management.base import BaseCommand

from measures.ingest.loading import load_records, read_fixture
from measures.ingest.records import (
    KNOWLEDGE_BASE_FIXTURE,
    MEASURE_TITLES_FIXTURE,
    REGIONS_FIXTURE,
    STAGES_FIXTURE,
    TYPES_FIXTURE,
    fixture_path,
)


def load_knowledge_base(*, dry_run=False, paths=None):
    """Load the reference data, the knowledge base and the measures' English titles; editors'
    changes are never undone."""
    paths = paths or [
        fixture_path(REGIONS_FIXTURE),
        fixture_path(TYPES_FIXTURE),
        fixture_path(STAGES_FIXTURE),
        fixture_path(KNOWLEDGE_BASE_FIXTURE),
    ]
    records = [record for path in paths for record in read_fixture(path)]
    titles = read_fixture(fixture_path(MEASURE_TITLES_FIXTURE))
    return load_records(records, dry_run=dry_run, english_titles=titles)


class Command(BaseCommand):
    help = (
        "Load the regions, instrument types, stage rules, knowledge base and measures' English "
        "titles. Creates what is missing, refreshes rows no editor has changed, and leaves (and "
        "lists) rows editors changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report, write nothing.")

    def handle(self, *args, dry_run, **options):
        report = load_knowledge_base(dry_run=dry_run)
        prefix = "Would load" if dry_run else "Loaded"
        summary = ", ".join(f"{count} {what}" for what, count in report.summary().items())
        self.stdout.write(f"{prefix}: {summary}.")
        for label in report.kept_edited:
            self.stdout.write(f"  kept as edited: {label}")
        for label in report.kept_deleted:
            self.stdout.write(f"  deleted by an editor, kept deleted: {label}")
        for label in report.removed:
            self.stdout.write(f"  removed (no longer in the article): {label}")
