"""/healthz with a database that stops answering: 503 within 2 s, and no thread left behind.

A frozen PostgreSQL (SIGSTOP, a hung host, a saturated network) still accepts TCP connections
but never answers. The tests stand one up with a local proxy in front of the real server whose
forwarding they can stop; CI shares the server, so nobody freezes the server itself.
"""

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

from qhreform.views import database_answers

pytestmark = pytest.mark.django_db


class Proxy:
    """A TCP listener on loopback that forwards to `upstream`, until it stalls.

    Without an upstream it accepts and never answers. With `stall_on`, it stops forwarding
    both ways on a connection once the client sends those bytes (a query, say), as if the
    server froze mid-conversation. `stall()` stops every connection, present and future.
    """

    def __init__(self, upstream=None, *, stall_on=None):
        self.upstream, self.stall_on = upstream, stall_on
        self.stalled = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets = [self.listener]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.sockets.append(client)
            if self.upstream is None:
                continue
            server = socket.create_connection(self.upstream)
            self.sockets.append(server)
            connection_stalled = threading.Event()
            for source, sink, inspect in ((client, server, True), (server, client, False)):
                threading.Thread(
                    target=self.forward,
                    args=(source, sink, inspect, connection_stalled),
                    daemon=True,
                ).start()

    def forward(self, source, sink, inspect, connection_stalled):
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:
                return
            if inspect and self.stall_on and self.stall_on in data:
                connection_stalled.set()
            while self.stalled.is_set() or connection_stalled.is_set():
                time.sleep(0.05)  # holds the bytes: the other side waits for ever
                if source.fileno() < 0:
                    return
            try:
                sink.sendall(data)
            except OSError:
                return

    def close(self):
        for sock in self.sockets:
            # shutdown, not just close: it ends the server's session even while a forwarding
            # thread is still blocked reading from the socket.
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def postgres_settings(port, **settings):
    """Connection settings for a PostgreSQL server at 127.0.0.1:`port`."""
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "qhreform",
        "USER": "qhreform",
        "PASSWORD": "qhreform",
        "HOST": "127.0.0.1",
        "PORT": port,
        # Plain text through the proxy, so that it can see the query.
        "OPTIONS": {"connect_timeout": 5, "sslmode": "disable"},
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "TIME_ZONE": None,
        "TEST": {},
        **settings,
    }


def probe(client, monkeypatch, settings_dict):
    """(status, seconds) of /healthz with the health check pointed at `settings_dict`."""
    monkeypatch.setitem(connections.settings, DEFAULT_DB_ALIAS, settings_dict)
    started = time.monotonic()
    response = client.get("/healthz")
    return response.status_code, time.monotonic() - started


def health_threads_end(within):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not any(thread.name == "healthz" for thread in threading.enumerate()):
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def proxy():
    proxies = []

    def make(*args, **kwargs):
        proxies.append(Proxy(*args, **kwargs))
        return proxies[-1]

    yield make
    for made in proxies:
        made.stalled.clear()
        made.close()


def test_a_database_that_accepts_but_never_answers_is_down_within_2_s(client, monkeypatch, proxy):
    silent = proxy()
    status, seconds = probe(client, monkeypatch, postgres_settings(silent.port))
    assert status == 503
    assert seconds < 2
    assert client.get("/healthz").status_code == 503  # the default alias, monkeypatched still
    monkeypatch.undo()
    assert client.get("/healthz").status_code == 200
    # psycopg gives up connecting after 2 s, its shortest connect_timeout.
    assert health_threads_end(within=3)


def test_a_refused_connection_is_down_at_once(client, monkeypatch):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    status, seconds = probe(client, monkeypatch, postgres_settings(port))
    assert status == 503
    assert seconds < 1


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="proxies the PostgreSQL server the tests use"
)


def real_server_settings(port):
    real = connection.settings_dict
    return postgres_settings(
        port, NAME=real["NAME"], USER=real["USER"], PASSWORD=real["PASSWORD"]
    ), (real["HOST"] or "127.0.0.1", int(real["PORT"] or 5432))


@needs_postgresql
def test_a_server_that_freezes_is_down_within_2_s_and_up_when_it_thaws(client, monkeypatch, proxy):
    settings_dict, upstream = real_server_settings(0)
    forwarding = proxy(upstream)
    settings_dict["PORT"] = forwarding.port
    assert probe(client, monkeypatch, settings_dict)[0] == 200

    forwarding.stalled.set()
    status, seconds = probe(client, monkeypatch, settings_dict)
    assert status == 503
    assert seconds < 2

    forwarding.stalled.clear()
    assert health_threads_end(within=3)
    assert probe(client, monkeypatch, settings_dict)[0] == 200


@needs_postgresql
def test_a_server_that_freezes_mid_query_leaves_no_thread_waiting(client, monkeypatch, proxy):
    settings_dict, upstream = real_server_settings(0)
    stalling = proxy(upstream, stall_on=b"SELECT 1")
    settings_dict["PORT"] = stalling.port
    status, seconds = probe(client, monkeypatch, settings_dict)
    assert status == 503
    assert seconds < 2
    # The connection was open, so nothing but the health check's own shutdown ends its wait.
    assert health_threads_end(within=0.5)


def test_database_answers_on_the_test_database():
    assert database_answers(connections.settings[DEFAULT_DB_ALIAS], timeout=5)


# The timeouts every connection of the app gets -------------------------------------------------


@needs_postgresql
def test_every_statement_on_postgresql_is_bounded():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("30s",)
        # Nor does any wait for the JIT compiler, or start parallel workers.
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone() == ("0",)
    assert connection.get_connection_params()["connect_timeout"] == 5


def settings_options(**env):
    """OPTIONS of the default database as qhreform.settings builds them from `env`."""
    code = (
        "import os, json; os.environ['DJANGO_SETTINGS_MODULE'] = 'qhreform.settings'; "
        "from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_the_timeouts_come_from_the_environment():
    url = "postgres://u:p@127.0.0.1:5432/db"
    assert settings_options(DATABASE_URL=url) == {
        "connect_timeout": 5,
        "options": "-c statement_timeout=30000 -c jit=off -c max_parallel_workers_per_gather=0",
    }
    options = settings_options(
        DATABASE_URL=url, DJANGO_DB_CONNECT_TIMEOUT="2", DJANGO_DB_STATEMENT_TIMEOUT="0.5"
    )
    assert options == {
        "connect_timeout": 2,
        "options": "-c statement_timeout=500 -c jit=off -c max_parallel_workers_per_gather=0",
    }
    # No limit, and other server options from the URL are kept.
    options = settings_options(
        DATABASE_URL=url + "?options=-c%20work_mem%3D8MB", DJANGO_DB_STATEMENT_TIMEOUT="0"
    )
    assert (
        options["options"]
        == "-c work_mem=8MB -c statement_timeout=0 -c jit=off -c max_parallel_workers_per_gather=0"
    )
    # SQLite has none of them.
    options = settings_options(DATABASE_URL="sqlite:////tmp/x.sqlite3")
    assert "connect_timeout" not in options and "options" not in options
