"""A searched list's page of rows, read in two bands instead of sorting every match.

A search's order is relevance, then article order (`MentionFilter.relevance_order`): first the
instruments whose names hold the words, then every other match in article order. As one
ORDER BY, the database computes the key of every matching row and sorts them all: 50,000 rows
for 西宁 at a million entries, 300–600 ms for a page of 50. But the instruments a search's
words name are usually few (three for 西宁), and found through the index of instruments'
names (`search_index.InstrumentNameMayHold`). So, once those instruments are known, the page
is read in two parts, each its own query:

- *named*: the rows of those instruments, all of them, by the full key (few rows, sorted);
- *the rest*: every other row, whose key is the last relevance digit followed by its article
  order; so in article order, which the database reads from `mention_public_order_idx`,
  stopping after one page.

A search that names more instruments (冰川冻土 names 4,059 at a million entries, and every one
of its 24,063 matches holds it in the sentence) is placed from the matches its counts read
anyway (`MatchedOrder`): each instrument's first match, keyed in Python as the database would
key it. The database would otherwise test every match for an earlier one of its instrument
and sort them all.

The keys and cursors are exactly those of the single ORDER BY (the `keyset` pagination reads
them), so links made either way lead to the same rows.
"""

from bisect import bisect_left, bisect_right
from collections import Counter
from functools import cached_property
from operator import itemgetter

from .filters import NAMED_BY_NONE, relevance_key
from .searched import ARTICLE_ORDER, INSTRUMENT, PK

#: The key of a row (id, key), as `read` gives them.
KEY = itemgetter(1)


class RelevanceBands:
    """Rows of `rows` (the list's rows, one per instrument, of a search) in the order
    of `keyset` (a one-key `keyset.Keyset` of `MentionFilter.relevance_order`), given
    `named_instruments`, the ids of the instruments the words name
    (`MentionFilter.named_instruments`)."""

    #: How that key starts for a row whose instrument no word names.
    rest_prefix = NAMED_BY_NONE

    def __init__(self, rows, named_instruments, keyset):
        self.rows = rows
        self.named_instruments = named_instruments
        self.keyset = keyset

    @cached_property
    def named(self):
        """[(id, key)] of the rows of the named instruments, in the list's order (one query,
        none when no instrument is named)."""
        if not self.named_instruments:
            return []
        keys = self.keyset.annotated(self.rows.filter(instrument_id__in=self.named_instruments))
        return list(self.keyset.ordered(keys).values_list("pk", *self.keyset.names))

    def read(self, count, after=None, before=None):
        """Up to `count` rows as (id, key), in the list's order, from the list's start, after
        the key `after`, or ending just before the key `before` (then read backwards and
        returned in the list's order). The rest gives a page's worth whenever the page may
        reach it, so that a page costs the same queries however many rows are named."""
        if before is not None:
            return self._backwards(count, before)[::-1]
        in_rest = after is not None and self._in_rest(after)
        named = [] if in_rest else [row for row in self.named if after is None or row[1] > after]
        rest = self._rest(count, after=self._article_order(after) if in_rest else None)
        return (named + rest)[:count]

    def _backwards(self, count, before):
        rest = (
            self._rest(count, before=self._article_order(before)) if self._in_rest(before) else []
        )
        named = [row for row in reversed(self.named) if row[1] < before]
        return (rest + named)[:count]

    def _in_rest(self, key):
        # The prefix is the highest relevance digit there is: every other key sorts before it.
        return key >= self.rest_prefix

    def _article_order(self, key):
        return key[len(self.rest_prefix) :]

    def _rest(self, count, *, after=None, before=None):
        rows = self.rows.exclude(instrument_id__in=self.named_instruments)
        if after is not None:
            rows = rows.filter(article_order__gt=after)
        if before is not None:
            rows = rows.filter(article_order__lt=before)
        order = "-article_order" if before is not None else "article_order"
        found = rows.order_by(order).values_list("pk", "article_order")[:count]
        return [(pk, self.rest_prefix + article_order) for pk, article_order in found]


class MatchedOrder:
    """The list's rows in relevance order, from `matches` (the matching mentions that pass
    every filter, as tuples of `searched.SearchedCounts` read `with_order`) and `named_by`
    (the ids of the instruments each word names, `MentionFilter.instruments_named_by`): each
    instrument's first match in article order, keyed by `filters.relevance_key`. No query."""

    def __init__(self, matches, named_by):
        first = {}
        for match in matches:
            instrument, article_order = match[INSTRUMENT], match[ARTICLE_ORDER]
            if instrument not in first or article_order < first[instrument][0]:
                first[instrument] = (article_order, match[PK])
        held = Counter(instrument for ids in named_by for instrument in ids)
        rows = sorted(
            (relevance_key(held[instrument], article_order), pk)
            for instrument, (article_order, pk) in first.items()
        )
        self.rows = [(pk, key) for key, pk in rows]

    def read(self, count, after=None, before=None):
        """As `RelevanceBands.read`."""
        if before is not None:
            end = bisect_left(self.rows, before, key=KEY)
            return self.rows[max(0, end - count) : end]
        start = 0 if after is None else bisect_right(self.rows, after, key=KEY)
        return self.rows[start : start + count]
