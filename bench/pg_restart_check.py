"""Does the running app recover by itself when PostgreSQL restarts under it?

    DATABASE_URL=postgres://qhreform:qhreform@127.0.0.1:5432/qhreform \\
        .venv/bin/python bench/pg_restart_check.py [--restart-command "pg_ctlcluster 15 main restart"]

Prepares the database and static files as `make serve` does (migrate, collectstatic), starts
gunicorn with qhreform/gunicorn.conf.py on a free port against DATABASE_URL, and sends
concurrent requests to /healthz, /regions/ and /instruments/ so that every worker thread holds
an open database connection (the pages do; /healthz checks on a connection of its own). Then it restarts PostgreSQL, which drops all of them, and for about ten
seconds keeps requesting both pages from several threads at once, printing every status.

Exits 0 when every request after the restart succeeded (each stale connection was noticed and
replaced by the health check before use), 1 otherwise. Restarting the cluster needs root or the
cluster's owner; other clients of the server see their connections dropped too. Not a test:
`make test` does not run it.
"""

import argparse
import os
import secrets
import shlex
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dj_database_url
import psycopg

PROJECT = Path(__file__).resolve().parent.parent
PATHS = ("/healthz", "/regions/", "/instruments/")
WORKERS, THREADS = 2, 4
# More requests at once than the server has threads, so that every thread takes some.
PARALLEL = 2 * WORKERS * THREADS
CHECK_SECONDS = 10


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError as error:
        return f"no answer ({error.__class__.__name__})"


def request_round(base, pool):
    """Every path PARALLEL times at once: {path: [status, …]}."""
    futures = {
        path: [pool.submit(status_of, base + path) for _ in range(PARALLEL)] for path in PATHS
    }
    return {path: [future.result() for future in found] for path, found in futures.items()}


def app_connections(database_url):
    """Connections to the app's database other than this one: the app's kept connections."""
    params = dj_database_url.parse(database_url)
    with psycopg.connect(
        host=params["HOST"],
        port=params["PORT"] or 5432,
        user=params["USER"],
        password=params["PASSWORD"],
        dbname=params["NAME"],
    ) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT, env=env, check=True)


def wait_until_serving(base, server, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited before serving; see its log above")
        if status_of(base + "/healthz") == 200:
            return
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer within {timeout} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--restart-command",
        default="pg_ctlcluster 15 main restart",
        help="how to restart PostgreSQL (default: %(default)s)",
    )
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database, e.g. postgres://…/qhreform")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "0",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(WORKERS),
        "GUNICORN_THREADS": str(THREADS),
    }
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")

    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "qhreform/gunicorn.conf.py"],
            cwd=PROJECT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_serving(base, server)
            succeeded, total = restart_under_load(base, database_url, args.restart_command)
        finally:
            server.terminate()
            server.wait(timeout=30)
        if succeeded < total:
            log.seek(0)
            print("\ngunicorn's log (end):\n" + log.read()[-5000:])
    print(f"\nafter the restart: {succeeded} of {total} requests succeeded")
    return 0 if succeeded == total else 1


def restart_under_load(base, database_url, restart_command):
    """(requests that succeeded, requests made) after restarting PostgreSQL under the app."""
    with ThreadPoolExecutor(PARALLEL) as pool:
        for _ in range(3):
            before = request_round(base, pool)
        print(f"gunicorn on {base}: {WORKERS} workers × {THREADS} threads")
        for path, statuses in before.items():
            print(f"before the restart  {path:<14} {' '.join(map(str, statuses))}")
        print(f"connections the app keeps open: {app_connections(database_url)}")

        started = time.monotonic()
        subprocess.run(shlex.split(restart_command), check=True)
        print(f"restarted PostgreSQL ({restart_command}) in {time.monotonic() - started:.1f} s")
        print(f"connections the app keeps open: {app_connections(database_url)}")

        succeeded = total = 0
        start = time.monotonic()
        while time.monotonic() - start < CHECK_SECONDS:
            elapsed = time.monotonic() - start
            for path, statuses in request_round(base, pool).items():
                total += len(statuses)
                succeeded += sum(status == 200 for status in statuses)
                print(f"+{elapsed:4.1f} s            {path:<14} {' '.join(map(str, statuses))}")
            time.sleep(1)
        print(f"connections the app keeps open: {app_connections(database_url)}")
    return succeeded, total


if __name__ == "__main__":
    sys.exit(main())
