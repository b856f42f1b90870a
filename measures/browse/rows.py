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

from ..models import ARTICLE_ORDER, Measure, Source, article_label, measure_place

#: How many of an instrument's other mentions a row links to, in article order.
OTHERS_SHOWN = 3

#: Another mention of a row's instrument, as the row links to it: its address, its measure's
#: label (措施一) and its article (`Source.short_label`) when that is not the row's own, else "".
OtherMention = namedtuple("OtherMention", "pk url label article")


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
    `more_mentions`, how many others there are beyond those. One query for all the rows (two
    when an article has no date), which keeps at most `shown` + 1 mentions of each
    instrument: a row's own mention may be one of its instrument's first."""
    rows_of = defaultdict(list)
    for row in rows:
        row.other_mentions, row.more_mentions = [], 0
        rows_of[row.instrument_id].append(row)
    if not rows_of:
        return
    # The measure and article of each are read back from its place in article order, which
    # holds them: joined to the mentions, every measure was read to label a few hundred.
    first = list(
        among.filter(instrument__in=rows_of)
        .annotate(
            place=Window(RowNumber(), partition_by=[F("instrument_id")], order_by=ARTICLE_ORDER),
            mentions=Window(Count("pk"), partition_by=[F("instrument_id")]),
        )
        .filter(place__lte=shown + 1)
        .order_by("instrument_id", "place")
        .values_list("instrument_id", "pk", "article_order", "mentions")
    )
    places = {pk: measure_place(article_order) for _i, pk, article_order, _n in first}
    mention_url = pk_urls("measures:mention_detail")
    labels, articles, totals = {}, undated_articles(places.values()), {}
    for instrument_id, pk, _order, mentions in first:
        totals[instrument_id] = mentions
        place = places[pk]
        if (place.kind, place.number) not in labels:
            labels[place.kind, place.number] = Measure(kind=place.kind, number=place.number).label
        if place.source_id not in articles:
            # A dated article, named by its date (`undated_articles` read the others).
            articles[place.source_id] = article_label(place.published_on, None)
        url, label = mention_url(pk), labels[place.kind, place.number]
        for row in rows_of[instrument_id]:
            if row.pk != pk and len(row.other_mentions) < shown:
                # The article is named only when it is not the row's own.
                article = (
                    "" if place.source_id == row.measure.source_id else articles[place.source_id]
                )
                row.other_mentions.append(OtherMention(pk, url, label, article))
    for instrument_id, instrument_rows in rows_of.items():
        for row in instrument_rows:
            # Every mention of the instrument but the row's own and those it links to.
            row.more_mentions = max(0, totals.get(instrument_id, 1) - 1 - len(row.other_mentions))


def undated_articles(places):
    """{source id: `Source.short_label`} of the sources of `places` (`measure_place`) that have
    no date, which their place does not name (one query when there are any)."""
    undated = {place.source_id for place in places if place.published_on is None}
    if not undated:
        return {}
    return {
        source.pk: source.short_label
        for source in Source.objects.filter(pk__in=undated).only("slug", "published_on")
    }


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
