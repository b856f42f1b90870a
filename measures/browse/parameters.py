"""What a page says about the query parameters it was given.

A page answers every request with itself (200) and names each parameter or value it could not
use, saying what it shows instead: never an error page, and never a silently different page.
(The list, whose rows a bad filter would change, answers 400 and shows no rows: `listing`.)
"""

from django.utils.translation import gettext as _

from .listing import printable


def given(query, name):
    """The distinct non-blank values of `name` in the query, in the order given."""
    return [v for v in dict.fromkeys(query.getlist(name)) if v.strip() != ""]


class NamesUnusedParameters:
    """A view that lists, in `parameter_notices`, every parameter it was given and does not
    read, and whatever its own code adds to `self.notices` about the ones it does read."""

    #: The query parameters the page reads.
    parameters = frozenset()

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.notices = []

    def get_context_data(self, **kwargs):
        unread = [
            _(
                "This page does not use the parameter “%(name)s” (%(given)s): it shows the same "
                "as without it."
            )
            % {
                "name": printable(name),
                "given": ", ".join(
                    f"{printable(name)}={printable(v)}" for v in self.request.GET.getlist(name)
                ),
            }
            for name in self.request.GET
            if name not in self.parameters
        ]
        return super().get_context_data(parameter_notices=[*unread, *self.notices], **kwargs)

    def one_value(self, name, choices_text):
        """The parameter's one value, or None (with a notice) when it was given several."""
        values = given(self.request.GET, name)
        if len(values) > 1:
            self.notices.append(
                _(
                    "The parameter “%(name)s” takes one value (%(choices)s), not several "
                    "(%(given)s): the page shows the same as without it."
                )
                % {
                    "name": name,
                    "choices": choices_text,
                    "given": ", ".join(printable(v) for v in values),
                }
            )
            return None
        return values[0] if values else None
