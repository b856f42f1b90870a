"""Does a backup give back the same site? `make backup-check`; CI runs it on SQLite and PostgreSQL.

    .venv/bin/python bench/backup_check.py                    # two SQLite files in a temp dir
    BACKUP_CHECK_DATABASE_URL=postgres://qhreform:qhreform@127.0.0.1:5432/qhreform_backup_check \\
        .venv/bin/python bench/backup_check.py                # NAME_source and NAME_restored

Steps: a new database (on PostgreSQL, NAME_source, dropped first if there), migrated and loaded
with the knowledge base; then edits as editors make them, through the ORM so that history records
them: an editor account, an entry renamed, a new draft entry, an entry deleted; `manage.py backup`;
a second, empty database (NAME_restored); `manage.py restore` into it. Then every public page is
read from each database with Django's test client, in Chinese and in English (under /en/): home,
the region list and every region's page, every measure, every entry that ever existed (from the history:
deleted ones and drafts answer 404), every source, the matrix, every page of the instruments
list and its three exports. Status, content type and body must be byte-identical, but for the
Content-Security-Policy nonce of pages with JSON-LD, which is new on every response, and the
workbook's creation time in the XLSX export (docProps/core.xml). The history tables must hold the same rows.

Prints what it compared and every difference; exits 1 on any. The PostgreSQL databases are
dropped at the end; the SQLite files go with their temporary directory.
"""

import hashlib
import logging
import os
import pickle
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The Content-Security-Policy nonce of a page with JSON-LD: new on every response.
NONCE = re.compile(rb' nonce="[^"]*"')
#: The languages, by the prefix of their addresses.
LANGUAGES = {"zh-hans": "", "en": "/en"}


def say(message):
    print(f"[backup-check {time.strftime('%H:%M:%S')}] {message}", flush=True)


def manage(url, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "1", "DJANGO_LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout.strip()


def itself(url, *args):
    """Run this script in a process of its own on `url` (Django reads DATABASE_URL once)."""
    result = subprocess.run(
        [sys.executable, __file__, *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "1", "DJANGO_LOG_LEVEL": "WARNING"},
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"{' '.join(args)} on {url} failed")


# Inside Django ----------------------------------------------------------------------------------


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qhreform.settings")
    import django

    django.setup()


def edit():
    """What editors leave behind: an account, an edited entry, a draft, a deletion."""
    from measures.management.commands.make_editor import make_editor
    from measures.models import Mention

    make_editor("backup-check-editor", create=True)
    entries = Mention.objects.published().order_by("pk")
    edited = entries.first()
    edited.name = f"{edited.name}（已修订）"
    edited.save()
    draft = entries[1]
    draft.pk = None
    draft.key = "backup-check-draft"
    draft.name = f"{draft.name}（草稿）"
    draft.status = Mention.Status.DRAFT
    draft.save()
    deleted = entries.last()
    deleted_pk = deleted.pk
    deleted.delete()
    print(f"edited entry {edited.pk}, drafted entry {draft.pk}, deleted entry {deleted_pk}")


def public_urls():
    from django.conf import settings

    from measures.models import Measure, Mention, Source
    from regions.models import Region

    entries = Mention.history.values_list("id", flat=True).distinct().order_by("id")
    listed = Mention.objects.published().count()
    pages = max(1, -(-listed // settings.MENTIONS_PER_PAGE))
    return [
        "/",
        "/regions/",
        *(
            f"/regions/{code}/"
            for code in Region.objects.order_by("code").values_list("code", flat=True)
        ),
        *(
            f"/measures/{slug}/"
            for slug in Measure.objects.order_by("slug").values_list("slug", flat=True)
        ),
        *(f"/instruments/{pk}/" for pk in entries),
        *(
            f"/sources/{slug}/"
            for slug in Source.objects.order_by("slug").values_list("slug", flat=True)
        ),
        "/matrix/",
        "/instruments/",
        *(f"/instruments/?page={page}" for page in range(1, pages + 1)),
        "/instruments/export.csv",
        "/instruments/export.json",
        "/instruments/export.xlsx",
    ]


def comparable(body, content_type):
    """The body with what differs on every response taken out."""
    if content_type.startswith("application/vnd.openxmlformats"):
        # A workbook is a zip: its members, but the creation time, and not the zip's dates.
        with zipfile.ZipFile(BytesIO(body)) as workbook:
            return b"\0".join(
                name.encode() + b"\0" + workbook.read(name)
                for name in sorted(workbook.namelist())
                if name != "docProps/core.xml"
            )
    return NONCE.sub(b' nonce="masked"', body)


def history_rows():
    """{history table: (row count, digest of every row, in one order)}."""
    from django.apps import apps
    from django.db import connection

    found = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if "historical" not in table:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            # Every column decides the order: the first is not unique in every history table
            # (the many-to-many history repeats the row it records), and rows equal in it came
            # back in different orders from the two databases.
            rows = sorted(cursor.fetchall(), key=repr)
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        found[table] = (len(rows), digest)
    return found


def snapshot(out):
    """Every public page, in every language, and the history tables, pickled to `out`."""
    from django.test import Client

    logging.disable(logging.WARNING)  # the 404s of drafts and deleted entries are expected
    client = Client(HTTP_HOST="localhost")
    pages = {}
    for language, prefix in LANGUAGES.items():
        for url in public_urls():
            response = client.get(prefix + url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            content_type = response.get("Content-Type", "")
            pages[language, url] = (
                response.status_code,
                content_type,
                comparable(body, content_type),
            )
    Path(out).write_bytes(pickle.dumps({"pages": pages, "history": history_rows()}))


# Around Django ----------------------------------------------------------------------------------


def postgres_url(base, suffix):
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=parts.path + suffix))


def recreate_postgres(url, *, create=True):
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if create:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def excerpt(body, at):
    return body[max(0, at - 40) : at + 40].decode("utf-8", "replace")


def differences(source, restored):
    found = []
    for key in sorted(source["pages"].keys() | restored["pages"].keys()):
        before, after = source["pages"].get(key), restored["pages"].get(key)
        if before != after:
            what = "missing" if before is None or after is None else f"{before[:2]} → {after[:2]}"
            if before and after and before[:2] == after[:2]:
                where = next(
                    (
                        i
                        for i, (a, b) in enumerate(zip(before[2], after[2], strict=False))
                        if a != b
                    ),
                    min(len(before[2]), len(after[2])),
                )
                what = (
                    f"body differs at byte {where}: {excerpt(before[2], where)!r} "
                    f"→ {excerpt(after[2], where)!r}"
                )
            found.append(f"{key[0]} {key[1]}: {what}")
    for table in sorted(source["history"].keys() | restored["history"].keys()):
        before, after = source["history"].get(table), restored["history"].get(table)
        if before != after:
            found.append(f"{table}: {before} → {after}")
    return found


def main():
    base = os.environ.get("BACKUP_CHECK_DATABASE_URL", "")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="qhreform-backup-check-") as tmp:
        tmp = Path(tmp)
        if base.startswith(("postgres://", "postgresql://")):
            source_url = postgres_url(base, "_source")
            restored_url = postgres_url(base, "_restored")
            for url in (source_url, restored_url):
                recreate_postgres(url)
            backup = tmp / "backup.dump"
        elif base:
            raise SystemExit("BACKUP_CHECK_DATABASE_URL must be a postgres:// URL (or unset).")
        else:
            source_url = f"sqlite:///{tmp / 'source.sqlite3'}"
            restored_url = f"sqlite:///{tmp / 'restored.sqlite3'}"
            backup = tmp / "backup.sqlite3"
        try:
            say(f"source database {source_url}")
            manage(source_url, "migrate", "--no-input", "-v", "0")
            say(manage(source_url, "load_knowledge_base").splitlines()[-1])
            itself(source_url, "--edit")
            say(manage(source_url, "backup", str(backup)))
            say(f"into {restored_url}: " + manage(restored_url, "restore", str(backup)))
            itself(source_url, "--snapshot", str(tmp / "source.pickle"))
            itself(restored_url, "--snapshot", str(tmp / "restored.pickle"))
        finally:
            if base:
                for url in (source_url, restored_url):
                    recreate_postgres(url, create=False)
        source = pickle.loads((tmp / "source.pickle").read_bytes())
        restored = pickle.loads((tmp / "restored.pickle").read_bytes())

    statuses = {}
    for status, _, _ in source["pages"].values():
        statuses[status] = statuses.get(status, 0) + 1
    say(
        f"compared {len(source['pages'])} pages and exports "
        f"({', '.join(f'{count} × {status}' for status, count in sorted(statuses.items()))}) "
        f"in {', '.join(LANGUAGES)}, and {len(source['history'])} history tables "
        f"({', '.join(f'{table} {rows}' for table, (rows, _) in sorted(source['history'].items()))})"
    )
    found = differences(source, restored)
    for difference in found:
        print(f"  DIFFERENT {difference}")
    say(
        f"{'identical' if not found else f'{len(found)} differences'} "
        f"after backup and restore ({time.monotonic() - started:.0f} s)"
    )
    return 1 if found else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--edit"]:
        setup_django()
        edit()
    elif sys.argv[1:2] == ["--snapshot"]:
        setup_django()
        snapshot(sys.argv[2])
    else:
        sys.exit(main())
