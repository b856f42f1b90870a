"""`{% entry_rows %}`: the rows of an entry table, from `browse.entry_rows`."""

from django import template

from ..browse.entry_rows import entry_rows as render_entry_rows

register = template.Library()


@register.simple_tag
def entry_rows(entries, show_region=True, show_measure=True, instrument_rows=False):
    return render_entry_rows(
        entries,
        show_region=show_region,
        show_measure=show_measure,
        instrument_rows=instrument_rows,
    )
