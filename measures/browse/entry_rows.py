"""The rows of an entry table (`templates/measures/_entry_table.html`), written out in Python.

A list page shows 50 rows, each with its instrument's name, type, region, measure, action and
up to three links to where else the instrument is mentioned. Through the template language a row
took about 0.2 ms (a few dozen variable lookups and tags each), half of the page's rendering at
a million entries, where most rows carry those links. Here a row is a few f-strings, every value
escaped with `html.escape`, which is what the template language's escaping calls. The table's
heading and frame stay in the template; what a row shows, and when, is described once, here.
"""

import html

from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext


def escape(value):
    """`value` as HTML text, as the template language writes a variable: `str()` of it (a lazy
    translation, a number), with & < > " ' escaped."""
    return html.escape(str(value))


def entry_rows(entries, *, show_region=True, show_measure=True, instrument_rows=False):
    """The `<tr>` of each of `entries` (mentions prepared by the view: `url`,
    `instrument_url`, `search_match`, `other_mentions`, `more_mentions`, `region`, `type`,
    `measure`). `instrument_rows`: each row stands for its instrument (the instruments list),
    named by it and linking to its timeline, with the measures it is mentioned under; otherwise
    each row is the mention itself (a measure's or a region's page)."""
    table = Table(show_region, show_measure, instrument_rows)
    return mark_safe("".join(table.row(entry) for entry in entries))


class Table:
    """How the rows of one table are written: the columns it shows, and the words every row
    repeats, translated and escaped once."""

    def __init__(self, show_region, show_measure, instrument_rows):
        self.show_region, self.show_measure = show_region, show_measure
        self.instrument_rows = instrument_rows
        self.type_label = escape(gettext("Type"))
        self.region_label = escape(gettext("Region"))
        self.measure_label = escape(gettext("Measure"))
        self.action_label = escape(gettext("Action"))
        self.also = escape(gettext("Also mentioned:"))
        self.timeline = escape(gettext("its timeline"))
        self.this_mention = escape(gettext("This mention"))
        self.added_by_an_editor = escape(gettext("Added by an editor"))
        self.matched = escape(gettext("matched:"))
        self.reasons = {
            "region": escape(gettext("region")),
            "type": escape(gettext("type")),
            "category": escape(gettext("category")),
            "measure": escape(gettext("measure")),
        }
        # Rows of one instrument link to the same other mentions.
        self._links = {}

    def row(self, entry):
        cells = [self.name_cell(entry), self.type_cell(entry)]
        if self.show_region:
            cells.append(
                f'<td class="region" data-label="{self.region_label}">'
                f"{escape(entry.region.local_name)}</td>"
            )
        if self.show_measure:
            cells.append(self.measure_cell(entry))
        cells.append(
            f'<td class="action" data-label="{self.action_label}" lang="zh-Hans">'
            f"{escape(entry.action or '—')}</td>"
        )
        return "<tr>\n" + "\n".join(cells) + "\n</tr>\n"

    def name_cell(self, entry):
        """The name, linking to the instrument's timeline (instrument rows) or the mention; a
        mention row's other mentions; and why the row matched a search."""
        match = entry.search_match
        if match:
            name = runs(match.name_runs)
        else:
            name = escape(entry.instrument.name if self.instrument_rows else entry.name)
        if not self.instrument_rows and entry.is_document_title:
            name = f"《{name}》"
        href = entry.instrument_url if self.instrument_rows else entry.url
        html = f'<td class="name"><a href="{escape(href)}" lang="zh-Hans">{name}</a>'
        if not entry.is_parsed:
            html += f' <span class="editor-added">{self.added_by_an_editor}</span>'
        if not self.instrument_rows and entry.other_mentions:
            links = ", ".join(self.link(other) for other in entry.other_mentions)
            more = f" {self.more(entry.more_mentions)}" if entry.more_mentions else ""
            html += (
                f'\n<span class="also-in">{self.also} {links}{more} · '
                f'<a href="{escape(entry.instrument_url)}">{self.timeline}</a></span>'
            )
        if match and match.snippet_runs:
            html += f'\n<span class="snippet" lang="zh-Hans">{runs(match.snippet_runs)}</span>'
        if match and match.reasons:
            reasons = " · ".join(
                f"{self.reasons[kind]} {escape(label)}" for kind, label in match.reasons
            )
            html += f'\n<span class="matched">{self.matched} {reasons}</span>'
        return html + "</td>"

    def type_cell(self, entry):
        return (
            f'<td data-label="{self.type_label}"><span class="type-badge '
            f'category-{escape(entry.type.category)}">{escape(entry.type.local_name)}</span></td>'
        )

    def measure_cell(self, entry):
        """An instrument row: the measure of its mention on the page, then its other mentions'
        and how many more its timeline holds. A mention row: its measure, linking to it."""
        label = escape(entry.measure.label)
        if not self.instrument_rows:
            html = f'<a href="{escape(entry.measure.get_absolute_url())}">{label}</a>'
        else:
            html = f'<a href="{escape(entry.url)}" title="{self.this_mention}">{label}</a>'
            html += "".join(
                f'<span class="also">, {self.link(other)}</span>' for other in entry.other_mentions
            )
            if entry.more_mentions:
                html += (
                    f'<span class="also">, <a href="{escape(entry.instrument_url)}">'
                    f"{self.more(entry.more_mentions)}</a></span>"
                )
        return f'<td class="measure" data-label="{self.measure_label}">{html}</td>'

    def link(self, other):
        """A link to another mention (`rows.OtherMention`): its measure, and its article when
        that is not the row's own."""
        if other not in self._links:
            text = escape(other.label)
            if other.article:
                text += f" ({escape(other.article)})"
            self._links[other] = f'<a href="{escape(other.url)}">{text}</a>'
        return self._links[other]

    @staticmethod
    def more(count):
        return escape(
            ngettext("and %(counter)s more", "and %(counter)s more", count) % {"counter": count}
        )


def runs(runs):
    """Text runs (`search.Run`), the searched words in `<mark>`."""
    return "".join(
        f"<mark>{escape(run.text)}</mark>" if run.marked else escape(run.text) for run in runs
    )
