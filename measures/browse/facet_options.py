"""The options of a facet (`templates/measures/_facet.html`), written out in Python.

A list page offers a hundred or more options across its facets, each a link with its box, label
and count; through the template language they took as long as the page's 50 rows, so they are
written the way the rows are (`entry_rows`): f-strings, every value escaped by `entry_rows.escape`.
"""

from django.utils.safestring import mark_safe

from .entry_rows import escape


def facet_options(options):
    """The `<li>` of each option (`Facets.shown`: value, label, lang, count, nested, selected,
    url); a count of None (a facet not counted) is not shown."""
    return mark_safe("".join(_option(option) for option in options))


def _option(option):
    nested = ' class="sub-unit"' if option["nested"] else ""
    if option["selected"]:
        selected, box = ' aria-current="true" class="selected"', "☑"
    else:
        selected, box = "", "☐"
    lang = f' lang="{escape(option["lang"])}"' if option["lang"] else ""
    count = option["count"]
    count = f'<span class="count">{count}</span>' if count is not None else ""
    return (
        f"<li{nested}>"
        f'<a href="{escape(option["url"])}"{selected}>'
        f'<span class="box" aria-hidden="true">{box}</span>'
        f'<span class="label"{lang}>{escape(option["label"])}</span>'
        f"{count}</a></li>\n"
    )
