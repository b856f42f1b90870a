"""Backups of the whole database and their restore: `manage.py backup`, `manage.py restore`.

Everything the site holds is in the database (entries, drafts, their history, editors, sessions),
so a backup is the database, whole:

* PostgreSQL: `pg_dump --format=custom`, a consistent snapshot taken while the site runs, read
  back with `pg_restore` (which needs a pg_restore at least as new as the pg_dump that wrote it)
  and `psql`, in one transaction that first drops every table the database holds;
* SQLite: a copy made with SQLite's online backup API, consistent even while the site writes.

Restoring replaces what the target database holds with what the backup holds.
"""

import os
import sqlite3
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

from django.db import connections

from . import changes

POSTGRESQL = "postgresql"
SQLITE = "sqlite"

#: The first statement of a PostgreSQL restore's transaction. Dropping only what the backup holds
#: is not enough: a database migrated past the backup has tables the backup does not know (after
#: a model was renamed or added), which would stay behind, and whose foreign keys would stop the
#: backup's own tables from being dropped.
DROP_EVERY_TABLE = """
DO $$
DECLARE
  stale record;
BEGIN
  FOR stale IN SELECT schemaname, tablename FROM pg_tables WHERE schemaname = current_schema()
  LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I.%I CASCADE', stale.schemaname, stale.tablename);
  END LOOP;
END
$$;
"""


def vendor_of(database):
    vendor = connections[database].vendor
    if vendor not in (POSTGRESQL, SQLITE):
        raise ValueError(f"Backups cover PostgreSQL and SQLite, not {vendor}.")
    return vendor


def default_backup_path(directory, *, database="default"):
    """`directory`/qhreform-YYYYmmdd-HHMMSS.dump (PostgreSQL) or .sqlite3 (SQLite)."""
    suffix = ".dump" if vendor_of(database) == POSTGRESQL else ".sqlite3"
    return Path(directory) / f"qhreform-{datetime.now():%Y%m%d-%H%M%S}{suffix}"


def back_up(*, path, database="default"):
    """Write a backup of `database` to `path` (created; an existing file is replaced).

    Returns the backup's size in bytes.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    # Written beside and renamed when complete, so a failed backup never looks like a good one.
    if vendor_of(database) == POSTGRESQL:
        run_postgresql_tool(
            "pg_dump", "--format=custom", "--no-owner", "--file", str(partial), database=database
        )
    else:
        source = sqlite_connection(database)
        with sqlite3.connect(partial) as target:
            source.backup(target)
        target.close()
    partial.replace(path)
    return path.stat().st_size


def restore(*, path, database="default", dry_run=False):
    """Replace what `database` holds with the backup at `path`.

    With `dry_run`, only check that the backup is whole and readable. Returns a description of
    what the backup holds (PostgreSQL: its table of contents' size; SQLite: its tables).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No backup at {path}.")
    if vendor_of(database) == POSTGRESQL:
        listing = run_postgresql_tool("pg_restore", "--list", str(path), database=None)
        entries = sum(1 for line in listing.splitlines() if line and not line.startswith(";"))
        if not dry_run:
            with tempfile.TemporaryDirectory(prefix="qhreform-restore-") as directory:
                script = Path(directory) / "restore.sql"
                # The backup as SQL, written whole before the database is touched.
                run_postgresql_tool(
                    "pg_restore",
                    # Drop what the backup holds before recreating it; IF EXISTS makes an empty
                    # database a valid target too.
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--file",
                    str(script),
                    str(path),
                    database=None,
                )
                run_postgresql_tool(
                    "psql",
                    "--no-psqlrc",
                    "--quiet",
                    "--single-transaction",
                    "--set",
                    "ON_ERROR_STOP=1",
                    "--command",
                    DROP_EVERY_TABLE,
                    "--file",
                    str(script),
                    database=database,
                )
            # Every cached page may show what the database no longer holds.
            changes.changed(using=database)
        return f"{entries} objects"
    backup = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (check,) = backup.execute("PRAGMA integrity_check").fetchone()
        if check != "ok":
            raise ValueError(f"{path} is damaged: {check}")
        (tables,) = backup.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        ).fetchone()
        if not dry_run:
            connections[database].close()
            backup.backup(sqlite_connection(database))
            changes.changed(using=database)
    except sqlite3.DatabaseError as error:
        raise ValueError(f"{path} is not a readable SQLite backup: {error}") from error
    finally:
        backup.close()
    return f"{tables} tables"


def sqlite_connection(database):
    """The database's own sqlite3 connection, as Django opened it."""
    wrapper = connections[database]
    wrapper.ensure_connection()
    return wrapper.connection


def run_postgresql_tool(tool, *args, database):
    """Run pg_dump, pg_restore or psql against `database` (or none); its standard output.

    The connection goes by environment variables, so the password never shows in a process list.
    """
    env = dict(os.environ)
    if database is not None:
        params = connections[database].get_connection_params()
        for variable, key in (
            ("PGHOST", "host"),
            ("PGPORT", "port"),
            ("PGUSER", "user"),
            ("PGPASSWORD", "password"),
            ("PGDATABASE", "dbname"),
            ("PGSSLMODE", "sslmode"),
        ):
            if params.get(key):
                env[variable] = str(params[key])
        args = (*args, "--dbname", env.get("PGDATABASE", ""))
    result = subprocess.run([tool, *args], env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        raise RuntimeError(f"{tool} failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout
