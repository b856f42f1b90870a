"""gunicorn's gthread worker with a deadline per request: `worker_class` in gunicorn.conf.py.

gunicorn restarts a worker whose heartbeat is older than `timeout`. The stock gthread worker
beats from its main thread whatever its request threads are doing, so a request stuck for an
hour never trips it. This worker never lets the heartbeat move past the start of the oldest
request still running: once a request has run for `timeout` seconds, the arbiter aborts the
worker, which logs the overdue request and exits; the client sees its connection closed (a 502
from the proxy), and the arbiter starts a fresh worker. Other requests running on the same worker
are cut too, as they would be with sync workers.
"""

import os
import threading
import time

from gunicorn.workers.gthread import ThreadWorker


class DeadlineThreadWorker(ThreadWorker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.running_lock = threading.Lock()
        #: thread id → (time.monotonic() at its start, "METHOD /path?query")
        self.running = {}

    def handle_request(self, req, conn):
        thread = threading.get_ident()
        with self.running_lock:
            self.running[thread] = (time.monotonic(), f"{req.method} {req.uri}")
        try:
            return super().handle_request(req, conn)
        finally:
            with self.running_lock:
                self.running.pop(thread, None)

    def notify(self):
        # The heartbeat is a file's modification time, in time.monotonic() seconds (WorkerTmp).
        with self.running_lock:
            beat = min((started for started, _ in self.running.values()), default=None)
        if beat is None:
            super().notify()
        else:
            os.utime(self.tmp.fileno(), (beat, beat))

    def handle_abort(self, sig, frame):
        now = time.monotonic()
        with self.running_lock:
            running = sorted(self.running.values())
        for started, request in running:
            self.log.critical(
                "Request cut after %.0f s (GUNICORN_TIMEOUT): %s", now - started, request
            )
        self.alive = False
        self.cfg.worker_abort(self)
        # Not sys.exit(): interpreter shutdown would wait for the stuck request threads.
        os._exit(1)
