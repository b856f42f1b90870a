from django.core.management.base import BaseCommand, CommandError

from measures import summary


class Command(BaseCommand):
    help = (
        "Check the summary public counts are added up from against the mentions (--check, the "
        "default), or write it again from them (--rebuild). The database's triggers keep it "
        "exact; these are for after restoring part of a database by hand, or to prove it."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--check", action="store_true", help="compare (the default)")
        action.add_argument("--rebuild", action="store_true", help="write it again")
        parser.add_argument("--database", default="default")

    def handle(self, *args, check, rebuild, database, **options):
        if rebuild:
            summary.rebuild(using=database)
            self.stdout.write("The summary was written again from the mentions.")
        found = summary.differences(using=database)
        if not found:
            self.stdout.write("The summary agrees with the mentions.")
            return
        for table, (missing, extra) in found.items():
            self.stderr.write(
                f"{table}: {len(missing)} rows missing or different, {len(extra)} too many; "
                f"first missing: {missing[:5]}, first too many: {extra[:5]}"
            )
        raise CommandError("The summary differs from the mentions: run `summary --rebuild`.")
