"""GUNICORN_TIMEOUT cuts a request that runs longer, under the worker class the site ships with.

Real gunicorn processes on loopback, with the benchmark's URLconf, whose /bench/sleep/ is a
request that takes as long as asked.
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 2


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port, path, timeout=30):
    """(status or the exception's name, seconds taken)."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        outcome = response.status
    except (OSError, http.client.HTTPException) as error:
        outcome = error.__class__.__name__
    finally:
        conn.close()
    return outcome, time.monotonic() - started


@pytest.fixture
def gunicorn(tmp_path):
    servers = []

    def start(*extra):
        port = free_port()
        log = (tmp_path / f"gunicorn-{port}.log").open("w+")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_DEBUG": "1",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": "1",
            "GUNICORN_THREADS": "2",
            "GUNICORN_TIMEOUT": str(TIMEOUT),
        }
        command = [sys.executable, "-m", "gunicorn", "--config", "qhreform/gunicorn.conf.py"]
        server = subprocess.Popen(
            [*command, *extra], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        servers.append(server)
        deadline = time.monotonic() + 30
        while get(port, "/bench/floor/", timeout=2)[0] != 200:
            assert server.poll() is None and time.monotonic() < deadline, log_text(log)
            time.sleep(0.2)
        return port, log

    yield start
    for server in servers:
        server.terminate()
        server.wait(timeout=30)


def log_text(log):
    log.flush()
    log.seek(0)
    return log.read()


def test_a_request_longer_than_the_timeout_is_cut_and_the_server_goes_on(gunicorn):
    port, log = gunicorn()
    outcome, seconds = get(port, "/bench/sleep/?seconds=60")
    assert outcome in {"RemoteDisconnected", "ConnectionResetError", "IncompleteRead"}
    # The arbiter looks once a second and aborts once the heartbeat is TIMEOUT seconds old; the
    # margin is for a busy CI machine. Without the deadline the request would take 60 s.
    assert TIMEOUT <= seconds < TIMEOUT + 6
    assert get(port, "/bench/sleep/?seconds=1")[0] == 200  # a fresh worker serves on
    text = log_text(log)
    assert "WORKER TIMEOUT" in text
    assert "GET /bench/sleep/?seconds=60" in text


def test_the_stock_gthread_worker_lets_the_same_request_run_on(gunicorn):
    # The control: the worker class gunicorn ships never cuts a request thread.
    port, _ = gunicorn("--worker-class", "gthread")
    outcome, seconds = get(port, f"/bench/sleep/?seconds={TIMEOUT + 3}")
    assert outcome == 200
    assert seconds >= TIMEOUT + 3
