"""How the API reads a request: its filters (the list's FilterSet), its cursor and page size,
the caller's rate limit, and the validators (ETag, Last-Modified) of its answer.

A parameter the API cannot use answers 400 with a message naming it, as the list page names
what it cannot use: never a silently different result.
"""

from django.conf import settings
from django.db.models import F
from django.http import QueryDict
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.throttling import AnonRateThrottle

from measures.browse.filters import MentionFilter
from measures.browse.listing import printable
from measures.browse.parameters import given
from measures.models import Mention

from ..conditional import answer_conditionally


class ApiMentionFilter(MentionFilter):
    """The list's FilterSet, every filter of it, without its sort: the API lists in one fixed
    order, so that a cursor stays valid while entries are added."""

    sort = None


#: The filters the mention and instrument lists take: the list page's, by the same names.
FILTER_NAMES = tuple(ApiMentionFilter.base_filters)

# The schema generator cannot follow `measure__slug` and `type__slug` to a model field, so it
# is told their values' type (slugs). Only the schema reads this annotation.
for _name in ("measure", "type"):
    extend_schema_field(OpenApiTypes.STR)(ApiMentionFilter.base_filters[_name])


class ListFilters(DjangoFilterBackend):
    """The list page's filters on the published mentions.

    On the mentions list they select the mentions; on the instruments list, the instruments
    having at least one published mention they select, read from those mentions' side
    (`InstrumentQuerySet.named_in`). The query is read as the list reads it: each value once, a
    blank value meaning "not filtered".
    """

    def get_filterset_class(self, view, queryset=None):
        return ApiMentionFilter

    def get_filterset_kwargs(self, request, queryset, view):
        data = QueryDict(mutable=True)
        for name in FILTER_NAMES:
            values = given(request.query_params, name)
            if values:
                data.setlist(name, values)
        mentions = queryset if queryset.model is Mention else Mention.objects.published()
        return {"data": data, "queryset": mentions, "request": request}

    def filter_queryset(self, request, queryset, view):
        kwargs = self.get_filterset_kwargs(request, queryset, view)
        filterset = ApiMentionFilter(**kwargs)
        if not filterset.is_valid():
            raise ValidationError(filter_errors(filterset, kwargs["data"]))
        if queryset.model is Mention:
            return filterset.qs
        if not kwargs["data"]:
            return queryset
        return queryset.named_in(filterset.qs)


def filter_errors(filterset, data):
    """{"detail": …, "errors": {name: [message]}} in the words the list page uses."""
    errors = {}
    for name, messages in filterset.errors.items():
        label = ApiMentionFilter.base_filters[name].label if name in FILTER_NAMES else name
        shown = ", ".join(f"{name}={printable(value)}" for value in data.getlist(name))
        errors[name] = [
            _("The filter “%(label)s” (%(given)s) cannot be used: %(message)s")
            % {"label": label, "given": shown or name, "message": message}
            for message in messages
        ]
    return {"detail": _("Some parameters cannot be used."), "errors": errors}


def refuse_unknown_parameters(request, known):
    """400 naming every query parameter the endpoint does not read: a misspelt filter
    (`regoin=632800`) would otherwise give every entry."""
    unknown = [name for name in request.query_params if name not in known]
    if unknown:
        raise ValidationError(
            {
                "detail": _("Some parameters cannot be used."),
                "errors": {
                    printable(name): [
                        _("This endpoint does not read “%(name)s”; it reads %(known)s.")
                        % {
                            "name": printable(name),
                            "known": ", ".join(sorted(known)) or _("no parameters"),
                        }
                    ]
                    for name in unknown
                },
            }
        )


class StableCursorPagination(CursorPagination):
    """Pages in the order of a unique key (the id, code or slug), each with a link to the next:
    an entry added while a client pages appears once, on a later page if its key sorts after
    the cursor, and none is skipped or repeated."""

    ordering = "id"
    page_size_query_param = "page_size"

    def __init__(self):
        self.page_size = settings.API_PAGE_SIZE
        self.max_page_size = settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request):
        values = given(request.query_params, self.page_size_query_param)
        if not values:
            return self.page_size
        value = values[0]
        if len(values) > 1 or not value.isascii() or not value.isdigit():
            raise ValidationError(
                {
                    "detail": _("Some parameters cannot be used."),
                    "errors": {
                        "page_size": [
                            _("“%(value)s” is not a page size: give one whole number.")
                            % {"value": printable(", ".join(values))}
                        ]
                    },
                }
            )
        size = int(value)
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    "detail": _("Some parameters cannot be used."),
                    "errors": {
                        "page_size": [
                            _("A page holds 1 to %(max)s entries, not %(value)s.")
                            % {"max": self.max_page_size, "value": printable(value)}
                        ]
                    },
                }
            )
        return size

    def paginate_queryset(self, queryset, request, view=None):
        """The page's rows in two queries: the keys of the page (one more, to know whether a
        page follows), then the rows with everything they show.

        Keys first, because the key query can be planned on its own. A filtered list whose
        view says so (`sort_filtered_keys`) sorts its matching keys (`key + 0` keeps
        PostgreSQL from walking the primary key index through every row in search of rare
        matches); any other list leaves the order to the database. The rows are then read by
        key from the view's own queryset: the filters chose the keys, and applied again to
        the rows they could cost more than the keys did (`InstrumentQuerySet.named_in`).
        Either way the page costs the same two queries at any size.
        """
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        key = self.ordering = view.ordering
        self.ordering = (key,)
        self.cursor = self.decode_cursor(request)
        reverse, position = (self.cursor[1], self.cursor[2]) if self.cursor else (False, None)

        keys = queryset.order_by()
        if position is not None:
            keys = keys.filter(**{f"{key}__{'lt' if reverse else 'gt'}": position})
        sort = F(key) + 0 if view.sort_filtered_keys and view.filtered(request) else F(key)
        keys = list(
            keys.order_by(sort.desc() if reverse else sort.asc()).values_list(key, flat=True)[
                : self.page_size + 1
            ]
        )
        following = keys[self.page_size] if len(keys) > self.page_size else None
        keys = keys[: self.page_size]
        rows = {
            getattr(row, key): row for row in view.get_queryset().filter(**{f"{key}__in": keys})
        }
        self.page = [rows[k] for k in (reversed(keys) if reverse else keys) if k in rows]

        if reverse:
            self.has_next, self.has_previous = position is not None, following is not None
            self.next_position, self.previous_position = position, following
        else:
            self.has_next, self.has_previous = following is not None, position is not None
            self.next_position, self.previous_position = following, position
        return self.page

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            # DRF answers 404 for a cursor it cannot read; the resource exists, the parameter
            # is what is wrong.
            raise ValidationError(
                {
                    "detail": _("Some parameters cannot be used."),
                    "errors": {
                        "cursor": [
                            _(
                                "This cursor cannot be read. Use the “next” or “previous” link "
                                "of a page as it is."
                            )
                        ]
                    },
                }
            ) from None

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
        return parameters


class PerAddressThrottle(AnonRateThrottle):
    """`settings.API_RATE_LIMIT` requests per connecting address ("120/min"; None: no limit).

    The address is the connection's, or the one the trusted proxies in front name
    (`REST_FRAMEWORK["NUM_PROXIES"]`); a client cannot pick its own with X-Forwarded-For.
    Counts are kept in the default cache.
    """

    def get_rate(self):
        return settings.API_RATE_LIMIT


class ConditionalAnswers:
    """GET and HEAD answers carry ETag and Last-Modified; a request whose validators match gets
    304 without the data being read again."""

    def dispatch(self, request, *args, **kwargs):
        return answer_conditionally(
            request, lambda: super(ConditionalAnswers, self).dispatch(request, *args, **kwargs)
        )
