"""A production-like server on loopback for bench/fuzz.py and bench/soak.py.

`prepare()` makes the database ready (created on PostgreSQL when missing, migrated, the knowledge
base loaded, optionally synthetic entries seeded, an editor account with a known password);
`serve()` runs collectstatic into a temporary directory and starts gunicorn with the project's
own configuration (qhreform/gunicorn.conf.py), DEBUG off and a generated secret key, on
127.0.0.1 and a free port. `sign_in()` opens an editor's session over HTTP, as a browser does.
`prepare_sqlite()` makes the SQLite file that bench/run.py and bench/datasette.py measure
(BENCH_SQLITE_PATH, default bench/results/bench-sqlite.sqlite3).
"""

import contextlib
import http.client
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from bench.pages import synthetic_count_sql

ROOT = Path(__file__).resolve().parent.parent
# The SQLite file of the synthetic entries: the embedded default's figures in `make bench` and
# `make bench-datasette` come from the same file.
SQLITE_PATH = Path(
    os.environ.get("BENCH_SQLITE_PATH", ROOT / "bench" / "results" / "bench-sqlite.sqlite3")
).resolve()
EDITOR, EDITOR_PASSWORD = "bench-editor", "bench-editor-" + "x" * 12


def say(tool, message):
    print(f"[{tool} {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(url, *args, settings="qhreform.settings"):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "1",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": settings,
        },
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout.strip()


def ensure_postgres_database(url):
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(
        urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True
    ) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare(url, *, entries=0, tool="bench"):
    """Migrated and loaded, with `entries` synthetic entries (0: the knowledge base alone) and
    the editor account."""
    if url.startswith(("postgres://", "postgresql://")):
        ensure_postgres_database(url)
    manage(url, "migrate", "--no-input", "-v", "0")
    say(tool, manage(url, "load_knowledge_base").splitlines()[-1])
    if entries:
        say(tool, f"seeding {entries:,} synthetic entries")
        manage(
            url,
            "seed_synthetic",
            "--mentions",
            str(entries),
            "--replace",
            settings="bench.settings",
        )
    manage(url, "make_editor", EDITOR, "--create")
    manage(
        url,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; "
        f"u = get_user_model().objects.get(username={EDITOR!r}); "
        f"u.set_password({EDITOR_PASSWORD!r}); u.save()",
    )


def prepare_sqlite(path, *, entries, seed, tool="bench"):
    """The SQLite file at `path` migrated, loaded and holding `entries` synthetic entries of
    `seed`; seeding is skipped when exactly those are already there. Returns its DATABASE_URL."""
    path.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{path}"
    manage(url, "migrate", "--no-input", "-v", "0")
    say(tool, manage(url, "load_knowledge_base").splitlines()[-1])
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        (found,) = conn.execute(*synthetic_count_sql(seed, placeholder="?")).fetchone()
    if found == entries:
        say(tool, f"{path.name}: {found:,} synthetic entries (seed {seed}) already there")
        return url
    say(tool, f"{path.name}: seeding {entries:,} synthetic entries (seed {seed})")
    started = time.perf_counter()
    manage(
        url,
        "seed_synthetic",
        "--mentions",
        str(entries),
        "--seed",
        str(seed),
        "--replace",
        settings="bench.settings",
    )
    say(tool, f"seeded in {time.perf_counter() - started:.0f} s")
    return url


@contextmanager
def serve(url, *, log, workers=2, threads=4, timeout=120, options=(), port=None, environment=None):
    """gunicorn on 127.0.0.1, with `options` after the configuration's and `environment` over
    the process's: yields (port, master). workers=None leaves their number to the configuration
    (2 × CPUs + 1), as in production."""
    port = port or free_port()
    with tempfile.TemporaryDirectory(prefix="qhreform-static-") as static:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "BENCH_STATIC_ROOT": static,
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "GUNICORN_THREADS": str(threads),
            "GUNICORN_TIMEOUT": str(timeout),
            **({"WEB_CONCURRENCY": str(workers)} if workers else {}),
            **(environment or {}),
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        master = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "qhreform/gunicorn.conf.py", *options],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while request(port, "GET", "/healthz")[0] != 200:
                if master.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not start; see {log.name}")
                time.sleep(0.3)
            yield port, master
        finally:
            stop(master)


def stop(process):
    """Stop a server: politely, then after 30 s by force."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def stream_export(port, path):
    """Read a CSV as a browser does, piece by piece: its rows (lines less the header; a line
    break inside a quoted field would count as a row), MiB, first byte and total time."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}")
    first = None
    received = lines = 0
    while chunk := response.read1(64 * 1024):
        if first is None:
            first = time.perf_counter() - started
        received += len(chunk)
        lines += chunk.count(b"\n")
    total = time.perf_counter() - started
    conn.close()
    rows = lines - 1
    return {
        "rows": rows,
        "MiB": received / 2**20,
        "ttfb_ms": first * 1000,
        "total_s": total,
        "rows_per_s": rows / total,
    }


def request(port, method, path, *, body=None, headers=None, timeout=60, conn=None):
    """(status, [(header, value)], body), or (exception name, [], b"") without an answer."""
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        # gunicorn refuses a request line or headers too long before reading the body, and
        # closes the connection; its answer (414, 400) is there to read all the same.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    except (OSError, http.client.HTTPException) as error:
        conn.close()
        return error.__class__.__name__, [], b""
    finally:
        if own:
            conn.close()


def cookies_of(headers):
    found = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            cookie, _, _ = value.partition(";")
            key, _, content = cookie.partition("=")
            found[key.strip()] = content.strip()
    return found


def sign_in(port):
    """Cookie header and CSRF token of an editor's session, signed in through the login form."""
    status, headers, body = request(port, "GET", "/admin/login/")
    cookies = cookies_of(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urlencode(
        {"username": EDITOR, "password": EDITOR_PASSWORD, "csrfmiddlewaretoken": token}
    )
    status, headers, _ = request(
        port,
        "POST",
        "/admin/login/?next=/admin/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
        },
    )
    cookies.update(cookies_of(headers))
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"signing in as {EDITOR} failed ({status})")
    return f"csrftoken={cookies['csrftoken']}; sessionid={cookies['sessionid']}", cookies[
        "csrftoken"
    ]


def worker_pids(master):
    """Pids of the gunicorn master's worker processes."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master}$", text, re.M):
            found.append(int(status.parent.name))
    return sorted(found)


def rss_mib(pid):
    """Resident memory of a process in MiB, or None when it has gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    return int(re.search(r"^VmRSS:\s+(\d+) kB", text, re.M).group(1)) / 1024
