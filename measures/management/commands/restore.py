from django.core.management.base import BaseCommand, CommandError

from measures.backups import restore


class Command(BaseCommand):
    help = (
        "Replace the database's contents with a backup written by `manage.py backup` (on the "
        "same kind of database). Stop the site first; restore into a new, empty database to keep "
        "the current one."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file")
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--dry-run", action="store_true", help="only check that the backup is whole"
        )

    def handle(self, *args, path, database, dry_run, **options):
        try:
            held = restore(path=path, database=database, dry_run=dry_run)
        except (OSError, RuntimeError, ValueError) as error:
            raise CommandError(str(error)) from error
        if dry_run:
            self.stdout.write(f"{path} is readable ({held}); nothing restored (--dry-run).")
        else:
            self.stdout.write(f"Restored {path} ({held}).")
