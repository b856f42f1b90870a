"""Cross-origin reads of the open data."""

from django.conf import settings
from django.http import HttpResponse

#: The paths any web page may read from another origin (the API, the feeds in every language,
#: the data package).
OPEN_PREFIXES = (
    "/api/",
    "/instruments/feed/",
    *(f"/{code}/instruments/feed/" for code, _name in settings.LANGUAGES),
    "/about/data/datapackage.json",
    "/about/data/data/",
    "/about/data/qhreform-data.zip",
)

ALLOWED_METHODS = "GET, HEAD, OPTIONS"
#: Headers a cross-origin script may send and read: the conditional and paging ones.
ALLOWED_HEADERS = "Accept, Accept-Language, If-None-Match, If-Modified-Since"
EXPOSED_HEADERS = "ETag, Last-Modified, Retry-After, Content-Disposition"


class OpenReads:
    """CORS for reads of the open data: any origin may GET and HEAD it, without credentials
    (no cookie is ever sent cross-origin, so a signed-in editor's session cannot be used). A
    preflight is answered here; any other method still meets the view's 405."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        if request.method == "OPTIONS" and "access-control-request-method" in request.headers:
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response["Access-Control-Max-Age"] = "86400"
        else:
            response = self.get_response(request)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return response
