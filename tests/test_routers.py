"""Which database each request reads: the router's decisions, without a database.

A real streaming replica is exercised by tests/test_replicas.py.
"""

import pytest
from django.db import OperationalError
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from measures.models import Mention
from qhreform import routers
from qhreform.routers import PRIMARY_COOKIE, PrimaryReplicaRouter, ReadReplicaMiddleware

router = PrimaryReplicaRouter()


@pytest.fixture(autouse=True)
def one_replica(settings, monkeypatch):
    settings.DATABASE_REPLICAS = ["replica1"]
    settings.DB_REPLICA_LAG = 7
    monkeypatch.setattr(routers, "_unreachable_until", {})
    # The replica answers (there is no such database here: nothing connects to it).
    monkeypatch.setattr(routers, "reachable", lambda alias: alias == "replica1")


def serve(request, *, write=False):
    """(the database the request's reads went to, the response)."""
    seen = []

    def view(request):
        seen.append(router.db_for_read(Mention))
        if write:
            assert router.db_for_write(Mention) == "default"
            seen.append(router.db_for_read(Mention))
        return HttpResponse("ok")

    response = ReadReplicaMiddleware(view)(request)
    return seen, response


factory = RequestFactory()


@pytest.mark.parametrize("method", ["get", "head"])
def test_an_anonymous_reader_reads_from_the_replica(method):
    seen, response = serve(getattr(factory, method)("/instruments/"))
    assert seen == ["replica1"]
    assert PRIMARY_COOKIE not in response.cookies


def test_a_request_that_writes_reads_from_the_primary_from_then_on_and_so_does_its_client():
    seen, response = serve(factory.get("/instruments/"), write=True)
    assert seen == ["replica1", "default"]
    assert response.cookies[PRIMARY_COOKIE]["max-age"] == 7
    # The same client, while the replicas may not have the write yet:
    request = factory.get("/instruments/")
    request.COOKIES[PRIMARY_COOKIE] = "1"
    assert serve(request)[0] == ["default"]


def test_a_signed_in_editor_reads_from_the_primary(settings):
    request = factory.get("/instruments/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "a session"
    assert serve(request)[0] == ["default"]


def test_the_admin_reads_from_the_primary():
    assert serve(factory.get("/admin/login/"))[0] == ["default"]


def test_a_post_reads_from_the_primary_and_marks_its_client():
    seen, response = serve(factory.post("/instruments/", {"q": "条例"}))
    assert seen == ["default"]
    assert PRIMARY_COOKIE in response.cookies


def test_an_export_reads_its_rows_from_the_replica_while_it_is_sent():
    seen = []

    def rows():
        seen.append(router.db_for_read(Mention))
        yield b"row"

    response = ReadReplicaMiddleware(lambda request: StreamingHttpResponse(rows()))(
        factory.get("/instruments/export.csv")
    )
    assert b"".join(response.streaming_content) == b"row"
    assert seen == ["replica1"]
    assert router.db_for_read(Mention) == "default"


def test_outside_a_request_everything_is_the_primary():
    assert router.db_for_read(Mention) == "default"
    assert router.db_for_write(Mention) == "default"


def test_an_unreachable_replica_is_left_alone(monkeypatch):
    monkeypatch.setattr(routers, "reachable", lambda alias: False)
    assert serve(factory.get("/instruments/"))[0] == ["default"]


def test_a_replica_failing_in_the_middle_of_a_request_is_answered_from_the_primary(monkeypatch):
    calls = []
    middleware = None

    def view(request):
        calls.append(router.db_for_read(Mention))
        if len(calls) == 1:
            # What Django's handler does with an exception the view raises.
            middleware.process_exception(request, OperationalError("replica gone"))
            return HttpResponse(status=500)
        return HttpResponse("ok")

    middleware = ReadReplicaMiddleware(view)
    response = middleware(factory.get("/instruments/"))
    assert (calls, response.status_code) == (["replica1", "default"], 200)
    assert "replica1" in routers._unreachable_until


def test_without_replicas_nothing_changes(settings):
    settings.DATABASE_REPLICAS = []
    seen, response = serve(factory.get("/instruments/"), write=True)
    assert seen == ["default", "default"]
    assert not response.cookies


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate("default", "measures")
    assert not router.allow_migrate("replica1", "measures")
