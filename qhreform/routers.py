"""Which database a query goes to: the primary, or one of the read replicas.

Anonymous readers' GET and HEAD requests for public pages read from a replica
(`settings.DATABASE_REPLICAS`); everything else uses the primary ("default"):

- every write, and every read after a write in the same request (it must see its own write);
- the admin, and anyone signed in (a session cookie), who edit and must see their edits;
- for `DB_REPLICA_LAG` seconds after a request wrote, the same client (a cookie), so that an
  edit is not followed by a page from a replica that has not received it yet;
- reads inside a transaction on the primary (they may decide a write);
- anything outside a request: management commands, the shell, migrations.

A replica that cannot be reached is left alone for `DB_REPLICA_RETRY` seconds and its reads go
to the primary, so the site keeps answering when a replica stops.
"""

import contextvars
import logging
import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

from .languages import in_every_language

logger = logging.getLogger(__name__)

#: Set on the response of a request that wrote; while the browser keeps it, the client reads
#: from the primary.
PRIMARY_COOKIE = "qhreform_primary"

SAFE_METHODS = ("GET", "HEAD")


@dataclass
class RequestReads:
    """What the current request may read from, and what it did."""

    #: Whether its reads may go to a replica at all.
    may_use_replica: bool
    #: The replica it reads from, picked at its first read (None: not yet, or the primary).
    replica: str | None = None
    #: Whether it read from a replica (the page cache does not keep such a page for long).
    read_replica: bool = False
    #: Whether it wrote: from then on it reads from the primary.
    wrote: bool = False
    #: Whether a replica failed in the middle of it.
    replica_failed: bool = False


_current = contextvars.ContextVar("qhreform_request_reads", default=None)

#: Replicas that failed: alias → when to try it again (time.monotonic()). Shared by the threads
#: of a process.
_unreachable_until = {}


def current_request_reads():
    """The current request's `RequestReads` (None outside a request)."""
    return _current.get()


def read_from_replica():
    """Whether the current request has read from a replica."""
    reads = _current.get()
    return reads is not None and reads.read_replica


def client_reads_primary(request):
    """Whether this request must read from the primary whatever it asks: a signed-in editor (or
    anyone with a session), a client that has just written, the admin, or a method that writes."""
    return (
        request.method not in SAFE_METHODS
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or PRIMARY_COOKIE in request.COOKIES
        or request.path_info.startswith(in_every_language("admin:index"))
    )


def mark_unreachable(alias, error):
    logger.warning(
        "Read replica %s failed (%s); reading from the primary for %s s",
        alias,
        error,
        settings.DB_REPLICA_RETRY,
    )
    _unreachable_until[alias] = time.monotonic() + settings.DB_REPLICA_RETRY


def reachable(alias):
    """Whether `alias` answers: connected, or connects now. A failure marks it unreachable."""
    if _unreachable_until.get(alias, 0) > time.monotonic():
        return False
    connection = connections[alias]
    try:
        # The health check Django would otherwise make at the first query, where a failure
        # could no longer be sent elsewhere.
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except (OperationalError, InterfaceError) as error:
        mark_unreachable(alias, error)
        return False
    return True


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        reads = _current.get()
        if reads is None or not reads.may_use_replica or reads.wrote:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        if reads.replica is None:
            candidates = [alias for alias in settings.DATABASE_REPLICAS if reachable(alias)]
            # One replica for the whole request, so that its queries see one state.
            reads.replica = random.choice(candidates) if candidates else DEFAULT_DB_ALIAS
        if reads.replica != DEFAULT_DB_ALIAS:
            reads.read_replica = True
        return reads.replica

    def db_for_write(self, model, **hints):
        reads = _current.get()
        if reads is not None:
            reads.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replicas hold the primary's rows: an object read from one relates to any other.
        databases = {DEFAULT_DB_ALIAS, *settings.DATABASE_REPLICAS}
        return obj1._state.db in databases and obj2._state.db in databases

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A replica is read-only; it receives the primary's migrations by replication.
        return db == DEFAULT_DB_ALIAS


def read_within(reads, content):
    """`content`, read with the request's `RequestReads`."""
    token = _current.set(reads)
    try:
        yield from content
    finally:
        _current.reset(token)


class ReadReplicaMiddleware:
    """Tell the router what the request may read from, and mark a client that wrote."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.DATABASE_REPLICAS:
            return self.get_response(request)
        reads = RequestReads(may_use_replica=not client_reads_primary(request))
        token = _current.set(reads)
        try:
            response = self.get_response(request)
            if reads.replica_failed and request.method in SAFE_METHODS:
                # A replica broke in the middle of the request: answer from the primary.
                reads.may_use_replica = False
                response = self.get_response(request)
        finally:
            _current.reset(token)
        if response.streaming:
            # An export's rows are read while it is sent, after this returns.
            response.streaming_content = read_within(reads, response.streaming_content)
        if reads.wrote or request.method not in SAFE_METHODS:
            response.set_cookie(
                PRIMARY_COOKIE,
                "1",
                max_age=max(1, round(settings.DB_REPLICA_LAG)),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_exception(self, request, exception):
        reads = _current.get()
        if (
            reads is not None
            and reads.read_replica
            and isinstance(exception, (OperationalError, InterfaceError))
        ):
            mark_unreachable(reads.replica, exception)
            reads.replica_failed = True
        return None
