"""The parts of the list pages written out in Python for speed: `{% entry_rows %}`, the rows of
an entry table (`browse.entry_rows`), and `{% facet_options %}`, a facet's options
(`browse.facet_options`)."""

from django import template

from ..browse.entry_rows import entry_rows as render_entry_rows
from ..browse.facet_options import facet_options as render_facet_options

register = template.Library()


@register.simple_tag
def entry_rows(entries, show_region=True, show_measure=True, instrument_rows=False):
    return render_entry_rows(
        entries,
        show_region=show_region,
        show_measure=show_measure,
        instrument_rows=instrument_rows,
    )


@register.simple_tag
def facet_options(options):
    return render_facet_options(options)
