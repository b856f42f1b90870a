"""The project's URLs plus /bench/floor/, a bare view that measures the stack's own cost, and
/bench/sleep/?seconds=N, a request that takes as long as asked (for the request deadline's test).

Used only by the benchmark server (bench.settings): the floor never exists on the real site.
"""

import time

from django.http import HttpResponse
from django.urls import path

from qhreform import urls as project_urls


def floor(request):
    """Nothing but the middleware, URL resolution and a response: the fastest page can be."""
    return HttpResponse("ok", content_type="text/plain")


def sleep(request):
    """A request stuck for `seconds` (at most an hour), as one waiting on a frozen service is."""
    seconds = min(float(request.GET.get("seconds", "1")), 3600)
    time.sleep(seconds)
    return HttpResponse(f"slept {seconds} s", content_type="text/plain")


urlpatterns = [
    path("bench/floor/", floor),
    path("bench/sleep/", sleep),
    *project_urls.urlpatterns,
]

# Error handlers count only in the root URLconf; keep the project's if it sets any.
for _name in ("handler400", "handler403", "handler404", "handler500"):
    if hasattr(project_urls, _name):
        globals()[_name] = getattr(project_urls, _name)
