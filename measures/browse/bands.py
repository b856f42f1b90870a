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

The keys and cursors are exactly those of the single ORDER BY (the `keyset` pagination reads
them), so links made either way lead to the same rows. A search that names too many
instruments to list is read the single way.
"""

from functools import cached_property

from django.db.models import Q

from ..models import Instrument
from ..search_index import InstrumentNameMayHold
from .filters import NAMED_BY_NONE

#: Beyond this many named instruments the single ORDER BY is read: their rows are all read to
#: place them, and the rest's condition excludes them one by one.
MAX_NAMED = 500


class RelevanceBands:
    """Rows of `rows` (the list's rows, one per instrument, searched by `words`) in the order
    of `keyset` (a one-key `keyset.Keyset` of `MentionFilter.relevance_order`)."""

    #: How that key starts for a row whose instrument no word names.
    rest_prefix = NAMED_BY_NONE

    def __init__(self, rows, words, keyset):
        self.rows = rows
        self.words = words
        self.keyset = keyset

    @cached_property
    def named_instruments(self):
        """Ids of the instruments whose names hold any of the words, from the index of their
        names (one query; at most `MAX_NAMED` + 1, enough to know whether to read bands)."""
        condition = Q()
        for word in self.words:
            condition |= InstrumentNameMayHold(word.text) & Q(name__icontains=word.text)
        named = Instrument.objects.filter(condition).order_by().values_list("pk", flat=True)
        return list(named[: MAX_NAMED + 1])

    @property
    def usable(self):
        return len(self.named_instruments) <= MAX_NAMED

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
