"""Checks every request passes before any view sees it."""

from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from measures.browse.listing import printable

#: Characters no parameter of the site can hold: PostgreSQL refuses a NUL in text outright, and
#: no name, code, slug or search of the knowledge base contains one.
FORBIDDEN_CHARACTERS = ("\x00",)


class RejectUnusableParameters:
    """Answer 400 with a message when a query or form parameter (its name or a value) holds a
    character no parameter can hold, on every URL, public or admin.

    Views then never pass such text to the database, where it would raise rather than match
    nothing. Uploaded files are not parameters: their readers check their own content.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "" in request.GET.getlist("_to_field"):
            # The admin's "field to return" must name a field; an empty one names none.
            return bad_request(request, _("The query parameter “_to_field” is empty."))
        for where, parameters in (("query", request.GET), ("form", request.POST)):
            name = unusable_parameter(parameters)
            if name is not None:
                message = _(
                    "The %(where)s parameter “%(name)s” contains a character that no value can "
                    "hold (NUL). Remove it and try again."
                ) % {"where": where, "name": printable(name)}
                return bad_request(request, message)
        return self.get_response(request)


def bad_request(request, message):
    """400 with the message: a page of the site, or plain text for a file (an export)."""
    last_segment = request.path_info.rstrip("/").rsplit("/", 1)[-1]
    if "." in last_segment:
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    return render(request, "400.html", {"message": message}, status=400)


def unusable_parameter(parameters):
    """The name of the first parameter whose name or value holds a forbidden character."""
    for name, values in parameters.lists():
        for text in (name, *values):
            if isinstance(text, str) and any(c in text for c in FORBIDDEN_CHARACTERS):
                return name
    return None
