"""A real streaming replica: anonymous readers are served from it, writes and editors from the
primary, and the site keeps answering while it is stopped.

Needs PostgreSQL (DATABASE_URL), a streaming replica of that server (TEST_REPLICA_URL, e.g.
postgres://qhreform:qhreform@127.0.0.1:5433/) and the command that stops, starts, pauses and
resumes it (TEST_REPLICA_CONTROL, `.ci/replica`); `.ci/run` sets all three. Skipped otherwise.

The test's own transaction is invisible to any other connection, so it works on a database of
its own, committed: created on the primary (the replica receives it like any other change),
migrated and loaded, and served by gunicorn reading from the replica.
"""

import fcntl
import os
import subprocess
import time
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

import pytest

REPLICA_URL = os.environ.get("TEST_REPLICA_URL", "")
CONTROL = os.environ.get("TEST_REPLICA_CONTROL", "")
PRIMARY_URL = os.environ.get("DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not (REPLICA_URL and CONTROL and PRIMARY_URL.startswith(("postgres://", "postgresql://"))),
    reason="needs PostgreSQL with a streaming replica (TEST_REPLICA_URL, TEST_REPLICA_CONTROL)",
)


def with_database(url, name):
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def control(action):
    subprocess.run([CONTROL, action], check=True, capture_output=True, timeout=300)


def one(url, query, *args):
    """The first value of the first row `query` gives (None for a statement without rows)."""
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=5) as connection:
        cursor = connection.execute(query, args or None)
        return cursor.fetchone()[0] if cursor.description else None


def caught_up(primary, replica, timeout=60):
    """Wait until the replica has replayed everything the primary has written so far."""
    target = one(primary, "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if one(replica, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", target):
            return
        time.sleep(0.2)
    raise AssertionError("the replica did not catch up with the primary")


def replica_connections(replica, name):
    """The site's connections to the database `name` on the replica."""
    return one(
        with_database(replica, "postgres"),
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
        name,
    )


@pytest.fixture
def site(tmp_path):
    """(port, primary URL, replica URL, database name) of gunicorn reading from the replica."""
    from bench import server

    # Another run's replica test (on this machine, the same replica) waits for this one.
    lock = open(f"/tmp/qhreform-replica-test-{urlsplit(REPLICA_URL).port}.lock", "w")  # noqa: SIM115
    fcntl.flock(lock, fcntl.LOCK_EX)
    name = f"qhreform_replicas_{os.getpid()}"
    primary, replica = with_database(PRIMARY_URL, name), with_database(REPLICA_URL, name)
    admin = with_database(PRIMARY_URL, "postgres")
    one(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    server.prepare(primary, tool="replicas")
    caught_up(primary, replica)
    log = (tmp_path / "gunicorn.log").open("w+")
    environment = {
        "DATABASE_REPLICA_URLS": replica,
        # The database is what is tested here, not the page cache.
        "DJANGO_PAGE_CACHE": "0",
        "DJANGO_DB_REPLICA_RETRY": "1",
        "DJANGO_DB_REPLICA_LAG": "30",
    }
    try:
        with mock.patch.dict(os.environ, environment), server.serve(primary, log=log) as (port, _):
            yield port, primary, replica, name
    finally:
        # Leave the replica as the next run expects it: running and replaying.
        control("start")
        control("resume")
        one(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        lock.close()


def get(port, path, cookie=""):
    from bench import server

    status, headers, body = server.request(port, "GET", path, headers={"Cookie": cookie})
    return status, body.decode()


def test_a_streaming_replica(site):
    """One test, steps in order: the replica is shared, and stopping or pausing it would upset a
    test running beside this one in another worker."""
    from bench import server

    port, primary, replica, name = site
    assert one(replica, "SELECT pg_is_in_recovery()") is True
    assert one(primary, "SELECT pg_is_in_recovery()") is False

    # Readers are served by the replica, writers by the primary.
    pk, old_name = one(
        primary, "SELECT array[id::text, name] FROM measures_mention WHERE public ORDER BY id"
    )
    page = f"/mentions/{pk}/"
    assert old_name in get(port, page)[1]
    assert replica_connections(replica, name) > 0
    control("pause")
    try:
        # An edit the replica does not receive while its replay is paused: the entry and its
        # instrument renamed.
        one(primary, "UPDATE measures_mention SET name = 'REPLICA-TEST' WHERE id = %s", pk)
        one(
            primary,
            "UPDATE measures_instrument SET name = 'REPLICA-TEST' "
            "WHERE id = (SELECT instrument_id FROM measures_mention WHERE id = %s)",
            pk,
        )
        status, body = get(port, page)
        assert status == 200 and old_name in body and "REPLICA-TEST" not in body
        # An export too, whose rows are read while it streams.
        status, body = get(port, "/instruments/export.csv")
        assert status == 200 and "REPLICA-TEST" not in body
        # Signing in writes (a session), which only the primary can take; the editor then
        # reads the primary.
        cookie, _token = server.sign_in(port)
        assert "REPLICA-TEST" in get(port, page, cookie)[1]
        # So does an anonymous client that has just written, for DJANGO_DB_REPLICA_LAG seconds.
        assert "REPLICA-TEST" in get(port, page, "qhreform_primary=1")[1]
    finally:
        control("resume")
    caught_up(primary, replica)
    assert "REPLICA-TEST" in get(port, page)[1]
    assert "REPLICA-TEST" in get(port, "/instruments/export.csv")[1]

    # The site answers from the primary while the replica is stopped, and reads the replica
    # again once it is back.
    control("stop")
    try:
        for path in ("/", "/instruments/", "/instruments/?region=630100", "/regions/632800/"):
            started = time.monotonic()
            status, _body = get(port, path)
            assert status == 200, path
            assert time.monotonic() - started < 10, path
    finally:
        control("start")
    caught_up(primary, replica)
    time.sleep(1.5)  # DJANGO_DB_REPLICA_RETRY: the replica is tried again
    for _ in range(5):  # one per gunicorn thread that may have given up on it
        assert get(port, "/instruments/")[0] == 200
    assert replica_connections(replica, name) > 0
