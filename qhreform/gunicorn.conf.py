"""gunicorn settings for serving qhreform in production: `gunicorn -c qhreform/gunicorn.conf.py`.

HOST              address to listen on (default 127.0.0.1: a reverse proxy on the same machine)
PORT              port (default 8000)
WEB_CONCURRENCY   worker processes (default: 2 × CPU cores + 1, at most 9)
GUNICORN_THREADS  threads per worker (default 4)
GUNICORN_TIMEOUT  seconds a request may run before its worker is restarted, cutting it (default 120)
"""

import multiprocessing
import os


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "qhreform.wsgi:application"

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{env_int('PORT', 8000)}"

# Processes for CPU (rendering, building workbooks), threads for requests that wait on the
# database or on a slow client. Every thread keeps its own database connection, so one server
# holds up to workers × threads of them; the cap keeps a large machine from exhausting
# PostgreSQL's max_connections (100 by default).
workers = env_int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9))
# gthread, with GUNICORN_TIMEOUT bounding each request: the stock gthread worker ignores a stuck
# request thread (qhreform/workers.py).
worker_class = "qhreform.workers.DeadlineThreadWorker"
threads = env_int("GUNICORN_THREADS", 4)

# Exports of the whole list are the slowest requests; they must finish rather than be cut off.
# Past this, the worker is restarted and every request it was serving is cut.
timeout = env_int("GUNICORN_TIMEOUT", 120)
graceful_timeout = 30
keepalive = 5

# Restart each worker now and then, so that a slow leak never grows into an outage; the jitter
# keeps the workers from restarting all at once.
max_requests = 1000
max_requests_jitter = 100

# No runtime control socket: nothing here uses it, and several instances run by one user (a
# deployment and a benchmark, say) would otherwise share one socket path.
control_socket_disable = True

# Access log to standard output (with the time each request took, in microseconds), errors to
# standard error: both end up in the journal or the container log.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)s'
