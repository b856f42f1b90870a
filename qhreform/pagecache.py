"""Whole public pages, cached for anonymous readers (settings.PAGE_CACHE).

A page is kept per address (scheme, host, path and the whole query string, as sent) and
language, under the public version (`measures.changes`), which every write changes: a publish,
an edit or a merge makes every cached page stale at once, and nothing else ever does.

Cached: GET and HEAD requests without a session cookie (no one signed in; no messages waiting
in the session either), without a messages cookie and without the cookie of a client that has
just written (qhreform/routers.py), outside the admin; answered 200 with an HTML page, not
streamed, setting no cookie and not marked private or uncacheable by the view. Never cached:
the admin, errors and redirects, and the exports (CSV and JSON stream, and an XLSX workbook of
20,000 rows is no page to keep in memory).

A page's language is its address's (/en/… or none: qhreform/languages.py), so the address
alone would tell the pages apart; the language is in the key all the same, so that no page can
be served in a language its reader did not ask for. Public pages hold no form that posts (the
language switch is links), so they set no cookie and every reader gets the same bytes.

Cached pages carry `Cache-Control: public, max-age=PAGE_CACHE_MAX_AGE` and a weak `ETag` (of
the page's bytes): a browser or CDN that asks again with `If-None-Match` gets a 304 while
the page has not changed. A response for a signed-in client is marked private instead, so that no
shared cache keeps an editor's page.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control

from measures import changes

from .languages import in_every_language
from .routers import PRIMARY_COOKIE, read_from_replica

logger = logging.getLogger(__name__)

# What a cached page keeps of the view's headers: the rest (Vary, Content-Length, security
# headers) the outer middleware set again on every answer.
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Frame-Options")


def cacheable_request(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and PRIMARY_COOKIE not in request.COOKIES
        and not request.path_info.startswith(in_every_language("admin:index"))
    )


def cacheable_response(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
    )


def page_key(request, version):
    address = f"{request.LANGUAGE_CODE} {request.scheme}://{request.get_host()}"
    address += request.get_full_path()
    return f"page:{version}:{hashlib.sha256(address.encode()).hexdigest()}"


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE:
            return self.get_response(request)
        if not cacheable_request(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                patch_cache_control(response, private=True)
            return response
        version = changes.current()
        if version is None:  # the cache is down: serve without it
            return self.get_response(request)
        key = page_key(request, version)
        try:
            stored = cache.get(key)
        except Exception:
            logger.exception("Cannot read a page from the cache")
            return self.get_response(request)
        if stored is not None:
            return self.answer(request, *stored)
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if not cacheable_response(response) or (session is not None and session.modified):
            return response
        page = response.content
        headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
        etag = f'W/"{hashlib.md5(page, usedforsecurity=False).hexdigest()}"'
        # A replica may not have received the latest write yet: a page it served right after
        # one is not kept past the time it may lag.
        timeout = settings.PAGE_CACHE_TIMEOUT
        if read_from_replica() and version_age(version) < settings.DB_REPLICA_LAG:
            timeout = 0
        if timeout:
            try:
                cache.set(key, (page, headers, etag), timeout)
            except Exception:
                logger.exception("Cannot keep a page in the cache")
        return self.answer(request, page, headers, etag, response=response)

    def answer(self, request, page, headers, etag, response=None):
        """The page, or 304 if the reader has it already."""
        if response is None:
            response = HttpResponse(page)
            for name, value in headers:
                response[name] = value
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=round(settings.PAGE_CACHE_MAX_AGE))
        return get_conditional_response(request, etag=etag, response=response)


def version_age(version):
    """Seconds since the write that made `version` (a time in nanoseconds)."""
    return (time.time_ns() - version) / 1e9
