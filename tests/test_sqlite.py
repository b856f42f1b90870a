"""The SQLite default's connections, as the site opens them on a database file."""

import os
import subprocess
import sys

from django.conf import settings


def test_connections_read_the_file_through_a_memory_map(tmp_path):
    # Its own process and file: the test database may be in memory, where there is nothing
    # to map.
    code = (
        "import django; django.setup(); from django.db import connection; "
        "cursor = connection.cursor(); cursor.execute('PRAGMA mmap_size'); "
        "print(cursor.fetchone()[0])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "qhreform.settings",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    # The last line: a logger may have spoken first.
    assert int(result.stdout.split()[-1]) == settings.SQLITE_MMAP_SIZE == 256 * 2**20
