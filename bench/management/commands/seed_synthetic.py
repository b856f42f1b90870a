from django.core.management.base import BaseCommand, CommandError

from bench.synthetic import ENTRIES_PER_SOURCE, SyntheticDataError, seed_synthetic


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic published entries for benchmarks and scale tests: "
        "real regions and types, generated names and sentences, sources marked 【合成数据】 "
        "with publisher 'synthetic'. The same count and seed give the same rows. Needs the "
        "reference data: run load_knowledge_base first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--mentions", type=int, required=True, help="How many entries to create."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed; also names the rows (default 1)."
        )
        parser.add_argument(
            "--per-source",
            type=int,
            default=ENTRIES_PER_SOURCE,
            help=f"Entries per synthetic source (default {ENTRIES_PER_SOURCE:,}).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete this seed's synthetic sources and entries first.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Report, write nothing.")

    def handle(self, *args, mentions, seed, per_source, replace, dry_run, **options):
        if seed < 0:
            raise CommandError("--seed must be 0 or more.")
        try:
            report = seed_synthetic(
                mentions=mentions,
                seed=seed,
                per_source=per_source,
                replace=replace,
                dry_run=dry_run,
            )
        except SyntheticDataError as error:
            raise CommandError(str(error)) from error
        verb = "Would create" if dry_run else "Created"
        if report.replaced:
            deleted = "Would delete" if dry_run else "Deleted"
            self.stdout.write(
                f"{deleted} {report.replaced:,} synthetic entries of an earlier run (seed {seed})."
            )
        self.stdout.write(
            f"{verb} {report.mentions:,} synthetic entries (seed {seed}) in "
            f"{report.sources:,} sources and {report.measures:,} measures "
            f"in {report.seconds:.1f} s."
        )
        for code, count in sorted(report.by_region.items()):
            self.stdout.write(f"  region {code}: {count:,}")
        for slug, count in report.by_type.most_common():
            self.stdout.write(f"  type {slug}: {count:,}")
