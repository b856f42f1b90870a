from django.core.management.base import BaseCommand, CommandError

from measures.backups import back_up, default_backup_path


class Command(BaseCommand):
    help = (
        "Back up the whole database, drafts and history included: pg_dump's custom format on "
        "PostgreSQL, SQLite's online backup API on SQLite. Safe while the site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="file to write (default: qhreform-YYYYmmdd-HHMMSS.dump or .sqlite3 in --directory)",
        )
        parser.add_argument(
            "--directory", default="backups", help="where to write when no path is given"
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, path=None, directory, database, **options):
        try:
            path = path or default_backup_path(directory, database=database)
            size = back_up(path=path, database=database)
        except (OSError, RuntimeError, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up to {path} ({size:,} bytes).")
