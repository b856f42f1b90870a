"""ETag and Last-Modified for everything built from the published data, and 304 answers.

An answer is the same as long as the published data (`dataset_version`), the URL (host, path
and query) and the language are; its Last-Modified is the dataset's last published change.
"""

import functools
import hashlib

from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language

from .dataset import dataset_version


def validators(request):
    """(ETag, Last-Modified as a timestamp or None) of the answer to `request`."""
    version = dataset_version()
    updated = int(version.updated.timestamp()) if version.updated else None
    key = "\n".join(
        [
            version.label,
            str(updated),
            request.get_host(),
            request.get_full_path(),
            get_language() or "",
        ]
    )
    return quote_etag(hashlib.sha256(key.encode()).hexdigest()[:32]), updated


def answer_conditionally(request, respond):
    """`respond()`'s response with validators, or 304 when the request's match them (then
    `respond` is not called: nothing is read but the dataset's version)."""
    if request.method not in ("GET", "HEAD"):
        return respond()
    etag, updated = validators(request)
    not_modified = get_conditional_response(request, etag=etag, last_modified=updated)
    if not_modified is not None:
        not_modified["ETag"] = etag
        return not_modified
    response = respond()
    if response.status_code == 200:
        response["ETag"] = etag
        if updated:
            response["Last-Modified"] = http_date(updated)
    return response


def conditional(view):
    """A view decorator: `answer_conditionally`."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return answer_conditionally(request, lambda: view(request, *args, **kwargs))

    return wrapped
