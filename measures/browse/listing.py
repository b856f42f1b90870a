"""The public instruments list: request → FilterSet → QuerySet → a page (or an export).

The list page and every export build a `MentionListing` from the same query string, so an
export holds exactly the rows the page counts. Its facets are in `facets`.
"""

from functools import cached_property

from django.conf import settings
from django.core.paginator import Paginator
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import ARTICLE_ORDER, Mention
from . import keyset
from .bands import MatchedOrder, RelevanceBands
from .facets import Facets
from .filters import ARTICLE_SORT, SORTS, ListOrder, MentionFilter
from .querystrings import PAGE_PARAMETERS, at_page, replaced, with_values, without
from .rows import attach_addresses, attach_other_mentions
from .search import explain, quoted

#: The parameters the list reads: its filters (and sort), and which page (`PAGE_PARAMETERS`).
KNOWN_PARAMETERS = frozenset([*MentionFilter.base_filters, *PAGE_PARAMETERS])


class MentionListing:
    """The list of `query`'s parameters. A search's counts are made from at most `count_limit`
    matching mentions (`searched.SearchedCounts`; the list page's is
    `settings.SEARCH_COUNT_LIMIT`), and are None past it; by default every one is counted."""

    def __init__(self, query, *, count_limit=None):
        # Links on the page are built from this query, so it keeps only what the list reads
        # (the filters and the page), each value once: an unknown parameter or a repeated value
        # is not copied into every facet link. An empty value (a form's blank choice) means
        # "not filtered", not an unknown value.
        self.query = QueryDict(mutable=True)
        for key in query:
            if key not in KNOWN_PARAMETERS:
                continue
            values = [v for v in dict.fromkeys(query.getlist(key)) if v.strip() != ""]
            if values:
                self.query.setlist(key, values)
        self.filterset = MentionFilter(self.query, queryset=Mention.objects.published().for_list())
        self.filterset.count_limit = self.count_limit = count_limit
        self.errors = self._errors()

    def _errors(self):
        errors = []
        if not self.filterset.is_valid():
            for name, messages in self.filterset.errors.items():
                label = (
                    MentionFilter.base_filters[name].label
                    if name in MentionFilter.base_filters
                    else name
                )
                given = ", ".join(
                    f"{name}={printable(value)}" for value in self.query.getlist(name)
                )
                for message in messages:
                    errors.append(
                        _("The filter “%(label)s” (%(given)s) cannot be used: %(message)s")
                        % {"label": label, "given": given or name, "message": message}
                    )
        return errors

    @cached_property
    def mentions(self):
        """Every matching mention; none when the input is unusable."""
        return Mention.objects.none() if self.errors else self.filterset.qs

    @cached_property
    def queryset(self):
        """The list's rows, in the order the page shows them: one per instrument, its first
        matching mention in article order (`MentionQuerySet.leading`); none when input is bad."""
        if self.errors:
            return Mention.objects.none()
        return self._ordered(self.filterset.qs.leading(among=self.filterset.row_tests))

    @cached_property
    def ordered_mentions(self):
        """Every matching mention in the list's order (the mention export's rows)."""
        if self.errors:
            return Mention.objects.none()
        return self._ordered(self.filterset.qs)

    def _ordered(self, queryset):
        return queryset.order_by(*self.ordering)

    @cached_property
    def sort(self):
        """The `sort` values given (valid ones), or none."""
        if self.errors or not self.filterset.is_valid():
            return []
        return self.filterset.form.cleaned_data.get("sort") or []

    @cached_property
    def ordering(self):
        """The ORDER BY of the list and of every export: the `sort` chosen; else, when
        searching, relevance then article order (`MentionFilter.relevance_order`); else article
        order. Each ends with the id, so rows that sort equal keep one order across pages."""
        if self.sort:
            return ListOrder.ordering(self.sort)
        if self.search_words:
            return (self.filterset.relevance_order(self.search_words).asc(),)
        return ARTICLE_ORDER

    @cached_property
    def instrument_count(self):
        """How many instruments match: from the summary when it can say, from the search's
        matches under a search (None when they are more than `count_limit`), else counted."""
        if self.errors:
            return 0
        selection = self.filterset.summary_selection()
        if selection is not None:
            return self.filterset.summary_cells(selection).instrument_counts().get(None, 0)
        if self.filterset.searched_counts is not None:
            return self.filterset.searched_counts.instrument_count()
        return self.mentions.count_instruments()

    @property
    def counted(self):
        """Whether the list's totals were made: not for a search matching more mentions than
        `count_limit`."""
        return self.instrument_count is not None

    @property
    def count_limit_shown(self):
        """`count_limit` as the page writes it ("10,000")."""
        return f"{self.count_limit:,}" if self.count_limit is not None else ""

    @cached_property
    def mention_count(self):
        """How many mentions of them match: as `instrument_count` counts."""
        if self.errors:
            return 0
        selection = self.filterset.summary_selection()
        if selection is not None:
            return self.filterset.summary_cells(selection).mention_count()
        if self.filterset.searched_counts is not None:
            return self.filterset.searched_counts.mention_count()
        return self.mentions.count()

    @cached_property
    def keyset(self):
        """The list's ORDER BY as the columns a cursor holds (`keyset.Keyset`)."""
        return keyset.Keyset(self.ordering)

    def page(self, number=None, *, after=None, before=None):
        """The page of rows to show (`ListPage`): the first; the one after or before the row a
        cursor names (`after`, `before`: what the page's own links give); or page `number`
        (`page`, from links to earlier versions of the site: read with OFFSET). An unusable
        value is reported, never guessed."""
        if self.errors:
            return None
        given = [
            name
            for name, value in zip(PAGE_PARAMETERS, (number, after, before), strict=True)
            if value
        ]
        if len(given) > 1:
            self.errors.append(
                _("Give one of the parameters %(names)s, not several.")
                % {"names": ", ".join(f"“{name}”" for name in given)}
            )
            return None
        keys = self.keyset.annotated(self.queryset)
        if number:
            return self._numbered_page(keys, number)
        if not (after or before):
            return self._page(*self._rows(keys), first=0, has_previous=False)
        try:
            position, values = keyset.decode(after or before, self.keyset.value_types(keys))
        except keyset.CursorError:
            self.errors.append(
                _(
                    "“%(cursor)s” is not a place in this list: follow its “Next” and "
                    "“Previous” links as they are."
                )
                % {"cursor": printable(after or before)}
            )
            return None
        if after:
            rows, more = self._rows(keys, values)
            first = None if position is None else position + 1
            return self._page(rows, more, first=first, has_previous=True)
        rows, more = self._rows(keys, values, backwards=True)
        # The rows before the cursor's: with none before them, they are the list's first;
        # otherwise they stand where the cursor says, when it leaves room for them (a cursor
        # is stale once rows are added or removed before it).
        if not more:
            first = 0
        elif position is not None and position > len(rows):
            first = position - len(rows)
        else:
            first = None
        return self._page(rows, True, first=first, has_previous=more)

    def _numbered_page(self, keys, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            self.errors.append(_("“%(page)s” is not a page number.") % {"page": printable(number)})
            return None
        per_page = settings.MENTIONS_PER_PAGE
        # The bound keeps the OFFSET within what databases take; no list is that long.
        if 1 <= number <= keyset.MAX_INTEGER // per_page:
            offset = (number - 1) * per_page
            rows, more = self._rows(keys, offset=offset)
            if rows or number == 1:
                return self._page(rows, more, first=offset, has_previous=number > 1)
        self.errors.append(_("There is no page %(page)s in this list.") % {"page": number})
        return None

    def _rows(self, keys, values=None, *, backwards=False, offset=0):
        """(id, *key values) of the page's rows of `keys` (the list's rows, annotated) after
        the cursor's key `values` (before them, `backwards`), in the list's order, and whether
        more rows follow them (precede them): one row more than a page is read to know."""
        per_page = settings.MENTIONS_PER_PAGE
        if self._bands is not None and not offset:
            key = values[0] if values else None
            rows = self._bands.read(per_page + 1, **{"before" if backwards else "after": key})
            more = len(rows) > per_page
            return (rows[-per_page:] if backwards else rows[:per_page]), more
        if values is not None:
            keys = keys.filter(self.keyset.beyond(values, backwards=backwards))
        rows = list(
            self.keyset.ordered(keys, backwards=backwards).values_list("pk", *self.keyset.names)[
                offset : offset + per_page + 1
            ]
        )
        more = len(rows) > per_page
        rows = rows[:per_page]
        return (rows[::-1] if backwards else rows), more

    @cached_property
    def _bands(self):
        """How a searched list's page is read in relevance order: in two bands
        (`bands.RelevanceBands`), or from the search's matches when its words name too many
        instruments for those (`bands.MatchedOrder`); None for any other order."""
        if self.sort or not self.search_words:
            return None
        filterset = self.filterset
        if filterset.ranks_from_matches:
            return MatchedOrder(
                filterset.searched_counts.ordered(), filterset.instruments_named_by()
            )
        return RelevanceBands(self.queryset, filterset.named_instruments, self.keyset)

    def _page(self, rows, has_next, *, first, has_previous):
        """The `ListPage` of `rows` (from `_rows`), the first of them at position `first` of
        the list (from 0; None when not known). Its links name the rows at its ends; a page
        with no rows (its cursor's rows were removed) links back to the list's first page."""

        def link(parameter, position, row):
            return at_page(self.query, parameter, row and keyset.encode(position, row[1:]))

        last = None if first is None else first + len(rows) - 1
        page = ListPage(
            [row[0] for row in rows],
            first=first,
            next_url=link("after", last, rows[-1] if rows else None) if has_next else None,
            previous_url=link("before", first, rows[0] if rows else None) if has_previous else None,
            paginator=CountedPaginator(
                self.queryset.values_list("pk", flat=True),
                settings.MENTIONS_PER_PAGE,
                count=self.instrument_count,
            ),
        )
        return self._explained(page)

    def _explained(self, page):
        """The page's rows (read by id, in the page's order), each with its region and type
        from the lists the facets read (`Facets.regions`, `Facets.types`), telling why it
        matched the search (`entry.search_match`), carrying the addresses it links to
        (`instrument_url`, `url`) and the first of its instrument's other matching mentions
        (`rows.attach_other_mentions`, one query)."""
        ids = list(page.object_list)
        found = Mention.objects.for_instrument_rows().in_bulk(ids)
        page.object_list = rows = [found[pk] for pk in ids]
        regions = {region.pk: region for region in self._facets.regions}
        types = {instrument_type.pk: instrument_type for instrument_type in self._facets.types}
        words = self.search_words
        attach_addresses(rows)
        attach_other_mentions(rows, self.filterset.row_tests)
        for entry in rows:
            entry.region, entry.type = regions[entry.region_id], types[entry.type_id]
            entry.search_match = (
                explain(entry, words, name=entry.instrument.name) if words else None
            )
        return page

    @cached_property
    def search_words(self):
        """The words of the search, each with what it names (`search.Word`)."""
        return [] if self.errors else self.filterset.search_words

    @cached_property
    def understood(self):
        """How each word of the search is read, for the line above the results."""
        readings = []
        for word in self.search_words:
            parts = [
                *(
                    _("region %(name)s and the units below it") % {"name": r.local_name}
                    for r in word.regions
                ),
                *(_("type %(name)s") % {"name": t.local_name} for t in word.types),
                *(_("category %(name)s") % {"name": label} for _v, label in word.categories),
            ]
            if word.is_text:
                parts.append(_("text in names, sentences and measure titles"))
            else:
                parts.append(_("names containing it"))
            readings.append({"word": word.text, "reading": _(" or ").join(parts)})
        return readings

    @cached_property
    def no_results_help(self):
        """When nothing matches: the words that match nothing at all, and for each word and
        each filter value a link that drops it, with how many entries that would give.

        A few queries per word and filter given (never per row); only for an empty list.
        """
        words = self.search_words
        published = Mention.objects.published()
        unmatched = [
            word.text
            for word in words
            if not published.filter(self.filterset._word_condition(word)).exists()
        ]
        drops = []
        for word in words:
            rest = " ".join(quoted(w.text) for w in words if w is not word)
            query = self.query.copy()
            query.pop("page", None)
            if rest:
                query["q"] = rest
            else:
                query.pop("q", None)
            drops.append(
                {
                    "label": _("the word “%(word)s”") % {"word": word.text},
                    **self._alternative(query),
                }
            )
        for active in self.active_filters:
            if active["name"] == "q":
                continue
            query = self.query.copy()
            query.setlist(
                active["name"],
                [v for v in query.getlist(active["name"]) if v != active["raw"]],
            )
            query.pop("page", None)
            drops.append(
                {"label": f"{active['label']}: {active['value']}", **self._alternative(query)}
            )
        return {"unmatched": unmatched, "drops": drops}

    def _alternative(self, query):
        """The list URL for `query` and how many instruments it holds, counted as that list
        counts them (None past `count_limit`); the words already read are not read again."""
        other = MentionListing(query, count_limit=self.count_limit)
        for cache in ("_search_cache", "_measure_cache"):
            if cache in self.filterset.__dict__:
                other.filterset.__dict__[cache] = self.filterset.__dict__[cache]
        return {"url": without(query, "page"), "count": other.instrument_count}

    @cached_property
    def _facets(self):
        return Facets(self.filterset, self.query)

    @cached_property
    def facets(self):
        """The facets to show (see `facets.Facets`); none when the input is unusable."""
        return [] if self.errors else self._facets.shown()

    @cached_property
    def sort_options(self):
        """The orders offered, each with a link and whether it is the list's (`current`): the
        default (relevance when searching, article order otherwise), article order as well
        when searching, then each of `SORTS` with its direction (`order`) and a link that
        turns the current one around, as its column heading does (`column_sorts`)."""
        current = self.sort[0] if self.sort else ""
        if self.search_words:
            defaults = [("", _("Relevance")), (ARTICLE_SORT, _("Article order"))]
        else:
            # Without a search, `sort=article` is the default order by its name.
            current = "" if current == ARTICLE_SORT else current
            defaults = [("", _("Article order"))]
        options = [
            {
                "label": label,
                "url": replaced(self.query, "sort", value),
                "current": value == current,
            }
            for value, label in defaults
        ]
        for sort in SORTS:
            column = self.column_sorts[sort.value]
            options.append({"label": sort.label, "current": bool(column["order"]), **column})
        return options

    @cached_property
    def column_sorts(self):
        """{"name"|"type"|"region": {"order", "url", "next"}} for the list's sortable columns:
        `order` is "ascending" or "descending" when the list is sorted by the column (its
        heading's `aria-sort`), else None; `url` sorts by it ascending, or descending when it is
        sorted ascending already, `next` says which."""
        current = self.sort[0] if self.sort else ""
        columns = {}
        for sort in SORTS:
            order = {sort.value: "ascending", f"-{sort.value}": "descending"}.get(current)
            value = f"-{sort.value}" if order == "ascending" else sort.value
            columns[sort.value] = {
                "order": order,
                "url": replaced(self.query, "sort", value),
                "next": "descending" if order == "ascending" else "ascending",
            }
        return columns

    @cached_property
    def active_filters(self):
        """Each given filter value with a link that removes just it."""
        active = []
        for name, field in MentionFilter.base_filters.items():
            if name == "sort":
                continue
            options = {} if self.errors else self._facets.options
            labels = {option["value"]: option["label"] for option in options.get(name, [])}
            for value in self.query.getlist(name):
                if value.strip() == "":
                    continue
                active.append(
                    {
                        "name": name,
                        "label": field.label,
                        "value": labels.get(value, value),
                        "raw": value,
                        "url": without(self.query, name, value),
                    }
                )
        return active

    @cached_property
    def kept_by_search(self):
        """[(name, value)] of the filters and sort a new search keeps (the search form's hidden
        fields): not the words it replaces, nor the page, since it starts at the first."""
        return [
            (key, value)
            for key in self.query
            if key != "q" and key not in PAGE_PARAMETERS
            for value in self.query.getlist(key)
        ]

    def export_query(self):
        """The query string for the exports: the filters without the page (`?page=`, a cursor):
        an export holds every page."""
        return without(self.query, "page")

    def crosstab_query(self):
        """The query string for the per-prefecture table: the filters but its axes."""
        query = self.query.copy()
        for name in ("region", "type", "category", "page", "sort"):
            query.pop(name, None)
        return without(query, "page")

    def export_links(self):
        """The exports of this list, as rows of links: one row per instrument (the default),
        then one row per mention; each in CSV, CSV with Chinese headings, XLSX and JSON."""
        formats = (
            ("measures:export_csv", {}, "CSV"),
            ("measures:export_csv", {"header": "zh"}, _("CSV with Chinese headings")),
            ("measures:export_xlsx", {}, "XLSX"),
            ("measures:export_json", {}, "JSON"),
        )
        kinds = (({}, _("One row per instrument")), ({"per": "mention"}, _("One row per mention")))
        return [
            {
                "label": label,
                "links": [
                    {
                        "label": text,
                        "url": reverse(view) + with_values(self.query, **extra, **per),
                        # A browser shows JSON; the others are files to save.
                        "download": view != "measures:export_json",
                    }
                    for view, extra, text in formats
                ],
            }
            for per, label in kinds
        ]


class ListPage:
    """A page of the list: its rows (`object_list`), where they stand in the list when that
    is known (`start_index`, `end_index`, `number`; else None), and the addresses of the pages
    either side (`next_url`, `previous_url`; None at an end). Read like Django's `Page`;
    `paginator` counts the whole list and pages it by number (`?page=`)."""

    def __init__(self, object_list, *, first, next_url, previous_url, paginator):
        self.object_list = object_list
        self.first = first
        self.next_url = next_url
        self.previous_url = previous_url
        self.paginator = paginator

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self):
        return self.next_url is not None

    def has_previous(self):
        return self.previous_url is not None

    def has_other_pages(self):
        return self.has_next() or self.has_previous()

    def start_index(self):
        """The position of its first row, from 1."""
        return None if self.first is None else self.first + 1

    def end_index(self):
        return None if self.first is None else self.first + len(self.object_list)

    @property
    def number(self):
        """Which page of `paginator.per_page` rows it is (or would be), from 1."""
        return None if self.first is None else self.first // self.paginator.per_page + 1


class CountedPaginator(Paginator):
    """A paginator told its count: the list has counted its instruments already."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count


def printable(value, limit=60):
    """A given value as it can be shown back: control characters escaped, long values cut."""
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in value[:limit])
    return shown + ("…" if len(value) > limit else "")
