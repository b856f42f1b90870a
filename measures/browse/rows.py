"""What the rows of an entry table link to: addresses by id, and the other mentions of a row's
instrument.

The instruments list, a measure's page and a region's page show one row per instrument, with
links to where else it is mentioned. At a million mentions one instrument may be mentioned in
hundreds of articles, so a row links to its first few other mentions and says how many more its
timeline holds: a page costs the same however often its instruments recur.
"""

from collections import defaultdict, namedtuple

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.urls import reverse

from ..models import ARTICLE_ORDER, Measure, Source

#: How many of an instrument's other mentions a row links to, in article order.
OTHERS_SHOWN = 3

#: Another mention of a row's instrument, as the row links to it: its address, its measure's
#: label (措施一) and its article (`source_id`; `article`, `Source.short_label`), which a row
#: names when it is not the row's own.
OtherMention = namedtuple("OtherMention", "pk url label source_id article")


def attach_addresses(rows):
    """Give each of `rows` (mentions) `url`, its own address, and `instrument_url`, its
    instrument's timeline."""
    mention_url = pk_urls("measures:mention_detail")
    instrument_url = pk_urls("measures:instrument_detail")
    for row in rows:
        row.url, row.instrument_url = mention_url(row.pk), instrument_url(row.instrument_id)


def attach_other_mentions(rows, among, *, shown=OTHERS_SHOWN):
    """Give each of `rows` (mentions, each one of `among`) `other_mentions`, the first `shown`
    other mentions of its instrument in `among` in article order (`OtherMention`), and
    `more_mentions`, how many others there are beyond those. Two queries for all the rows,
    which keep at most `shown` + 1 mentions of each instrument: a row's own mention may be one of
    its instrument's first."""
    rows_of = defaultdict(list)
    for row in rows:
        row.other_mentions, row.more_mentions = [], 0
        rows_of[row.instrument_id].append(row)
    if not rows_of:
        return
    # The mentions alone first, then the measures of the few kept: joined before the window
    # keeps them, every measure would be read to label a few hundred mentions.
    first = list(
        among.filter(instrument__in=rows_of)
        .annotate(
            place=Window(RowNumber(), partition_by=[F("instrument_id")], order_by=ARTICLE_ORDER),
            mentions=Window(Count("pk"), partition_by=[F("instrument_id")]),
        )
        .filter(place__lte=shown + 1)
        .order_by("instrument_id", "place")
        .values_list("instrument_id", "pk", "measure_id", "mentions")
    )
    measures = {
        pk: (
            Measure(kind=kind, number=number).label,
            source_id,
            Source(published_on=published_on, slug=slug).short_label,
        )
        for pk, kind, number, source_id, published_on, slug in Measure.objects.filter(
            pk__in={measure_id for _i, _pk, measure_id, _n in first}
        ).values_list("pk", "kind", "number", "source_id", "source__published_on", "source__slug")
    }
    mention_url = pk_urls("measures:mention_detail")
    totals = {}
    for instrument_id, pk, measure_id, mentions in first:
        totals[instrument_id] = mentions
        other = OtherMention(pk, mention_url(pk), *measures[measure_id])
        for row in rows_of[instrument_id]:
            if row.pk != pk and len(row.other_mentions) < shown:
                row.other_mentions.append(other)
    for instrument_id, instrument_rows in rows_of.items():
        for row in instrument_rows:
            # Every mention of the instrument but the row's own and those it links to.
            row.more_mentions = max(0, totals.get(instrument_id, 1) - 1 - len(row.other_mentions))


#: A number no address holds by chance, for `pk_urls`.
STAND_IN = 918273645546372819


def pk_urls(viewname):
    """A function pk -> `reverse(viewname, args=[pk])`, for a view taking one integer.

    The address is reversed once, for a stand-in number, and each pk is put in its place: a
    page links to a few hundred mentions, and reversing each address (matching the pattern
    again, quoting) took as long as rendering the rest of its row. Should the stand-in occur
    more than once (a script prefix holding it), every address is reversed."""
    address = reverse(viewname, args=[STAND_IN])
    if address.count(str(STAND_IN)) != 1:
        return lambda pk: reverse(viewname, args=[pk])
    before, after = address.split(str(STAND_IN))
    return lambda pk: f"{before}{int(pk)}{after}"
