"""Views of the site as a whole, rather than of one app's content."""

import contextlib
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def database_answers(settings_dict, *, timeout):
    """Whether the database of `settings_dict` answers `SELECT 1` within `timeout` seconds.

    On a connection of its own, opened and closed here: a kept connection to a server that has
    frozen would wait forever, and its statement_timeout cannot fire on a server that does not
    run. The check runs in a thread of its own; at the deadline it is given up, and its socket is
    shut down so that the thread ends too instead of piling up while the database stays frozen.
    """
    outcome = {}
    lock = threading.Lock()
    finished = threading.Event()

    def check():
        options = dict(settings_dict.get("OPTIONS", {}))
        if "connect_timeout" in options:
            # psycopg's shortest; past the deadline the thread still ends this way.
            options["connect_timeout"] = 2
        wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(
            {**settings_dict, "CONN_MAX_AGE": 0, "OPTIONS": options}, "healthz"
        )
        with lock:
            outcome["wrapper"] = wrapper
        try:
            with wrapper.cursor() as cursor:
                cursor.execute("SELECT 1")
                outcome["ok"] = cursor.fetchone() == (1,)
        except Exception as error:  # whatever the driver raises, the answer is 503
            outcome["error"] = error
        finally:
            with lock:
                outcome.pop("wrapper", None)
                with contextlib.suppress(Exception):
                    wrapper.close()
            finished.set()

    threading.Thread(target=check, name="healthz", daemon=True).start()
    if finished.wait(timeout):
        if "error" in outcome:
            logger.error("Health check: the database does not answer: %s", outcome["error"])
        return outcome.get("ok", False)
    logger.error("Health check: the database did not answer within %s s", timeout)
    with lock:
        # Closed under the lock by the check thread, so the descriptor cannot have been reused.
        _shut_down(outcome.get("wrapper"))
    return False


def _shut_down(wrapper):
    """Wake a thread blocked reading from a PostgreSQL connection: its read then fails."""
    pgconn = getattr(getattr(wrapper, "connection", None), "pgconn", None)
    if pgconn is None or pgconn.socket < 0:
        return
    try:
        with socket.socket(fileno=os.dup(pgconn.socket)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


@never_cache
@require_safe
def healthz(request):
    """200 when the app and its database answer, 503 when the database does not, within
    HEALTH_CHECK_TIMEOUT seconds however the database fails.

    For load balancers and monitors. The body says only what is down; the reason (host names,
    error text) goes to the log, not to whoever asks.
    """
    if not database_answers(
        connections.settings[DEFAULT_DB_ALIAS], timeout=settings.HEALTH_CHECK_TIMEOUT
    ):
        return JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
