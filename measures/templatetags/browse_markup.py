"""The parts of the list pages written out in Python for speed: `{% entry_rows %}`, the rows of
an entry table (`browse.entry_rows`), and `{% facet_options %}`, a facet's options
(`browse.facet_options`)."""

from django import template

from ..browse.entry_rows import entry_rows
from ..browse.facet_options import facet_options

register = template.Library()
register.simple_tag(entry_rows)
register.simple_tag(facet_options)
