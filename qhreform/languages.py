"""The language of a page is in its address: /en/… is English, every other address Chinese.

Django's LocaleMiddleware chooses (`i18n_patterns(..., prefix_default_language=False)` in
qhreform/urls.py): an address without a prefix is answered in Chinese, the default, whatever a
reader's cookie or Accept-Language header says, so a link shows everyone who opens it the page
it showed the one who shared it. Addresses of what programs read (the API, the data package's
files, the sitemap, robots.txt, /healthz) have no prefix and answer in the default language.

The English address of a page is its Chinese address with /en in front (the URL patterns are
not translated), which `versions` relies on.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.urls import get_script_prefix, reverse
from django.utils.encoding import escape_uri_path, iri_to_uri
from django.utils.translation import (
    get_language,
    get_language_from_path,
    get_language_info,
    override,
    to_locale,
)


class LanguageFromAddress(LocaleMiddleware):
    """Django's LocaleMiddleware without its `Vary: Accept-Language` on addresses that have no
    language prefix: no answer here depends on that header, and a shared cache that believed
    it would keep a copy of each page per browser language for nothing."""

    def process_response(self, request, response):
        vary = response.get("Vary")
        response = super().process_response(request, response)
        if vary is None:
            del response["Vary"]
        else:
            response["Vary"] = vary
        return response


def in_every_language(name):
    """The paths of the URL named `name` in every language, e.g. ("/admin/", "/en/admin/"):
    whatever language is active, a path of a page in any of them starts with one of these."""
    paths = []
    for code, _name in settings.LANGUAGES:
        with override(code):
            paths.append(reverse(name))
    return tuple(paths)


def language_tag(code):
    """The BCP 47 tag of a language code, as `lang` and `hreflang` write it: zh-Hans, en."""
    return to_locale(code).replace("_", "-")


def address_in(request, code):
    """The address (path and query string, as sent) of the page `request` asked for, in the
    language `code`."""
    path = request.path_info
    here = get_language_from_path(path)
    if here and path.startswith(f"/{here}/"):
        path = path[len(here) + 1 :]
    # One slash in front: "//host/…" would be another site's address.
    path = "/" + path.lstrip("/")
    if code != settings.LANGUAGE_CODE:
        path = f"/{code}{path}"
    address = escape_uri_path(get_script_prefix().rstrip("/") + path)
    query = request.META.get("QUERY_STRING", "")
    return f"{address}?{iri_to_uri(query)}" if query else address


def versions(request):
    """The page in every language: [{code, tag, name, url, current, default}], `url` being its address
    (with the query string, so a filtered list stays filtered)."""
    current = get_language()
    return [
        {
            "code": code,
            "tag": language_tag(code),
            "name": get_language_info(code)["name_local"],
            "url": address_in(request, code),
            "current": code == current,
            "default": code == settings.LANGUAGE_CODE,
        }
        for code, _name in settings.LANGUAGES
    ]


def language_versions(request):
    """Context processor: `language_versions` (see `versions`), for the language switch and
    the page's links to its other languages."""
    return {"language_versions": versions(request)}
