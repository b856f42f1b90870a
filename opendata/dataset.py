"""The published dataset's version, last update and changelog, read from the edit history.

Every save of a source, measure, instrument or mention writes a history row (django-simple-
history). Replaying those rows in time order tells, for each one, whether it changed what the
public sees: an entry became public (added), a public entry's content changed (changed), or a
public entry stopped being public (unpublished, deleted included); the same for articles and
measures. Draft edits, and saves that change nothing public, are not changes of the dataset.

`dataset_version()` is the one rule for "which version of the published data is this": the
number of published changes so far and the time of the last one. Pages, the API's validators
(ETag, Last-Modified), feeds and the data package all read it. Replaying the history costs one
pass over it, so the result is kept in the cache under a fingerprint of the history tables
(one small query), and is replayed again only after a new history row was written.

Regions and instrument types are reference data without a history; an edit of theirs shows in
the dataset at once but does not make a new version.
"""

import datetime
import hashlib
import heapq
from collections import Counter, deque
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection

from measures.models import Instrument, Measure, Mention, Source, Status

#: How many of the latest changes the changelog keeps in detail; older ones are counted by day.
LATEST_CHANGES = 200

ADDED = "added"
CHANGED = "changed"
UNPUBLISHED = "unpublished"

# What each kind of row shows the public; a change of anything else (editor notes, the loader's
# digest, the row's save counter) is not a change of the dataset.
SHOWN_FIELDS = {
    "source": ("slug", "title", "publisher", "published_on", "url", "sha256"),
    "measure": ("slug", "kind", "number", "title", "body", "start", "end", "source_id"),
    "instrument": (
        "name",
        "official_title",
        "official_url",
        "stage",
        "stage_on",
        "type_id",
        "region_id",
        "merged_into_id",
    ),
    "mention": (
        "name",
        "is_document_title",
        "action",
        "quote",
        "start",
        "end",
        "name_start",
        "name_end",
        "instrument_id",
        "measure_id",
        "region_id",
        "type_id",
    ),
}
#: The order rows written in the same instant are read in: a source before its measures, a
#: measure before its mentions, an instrument before the mention that names it.
KINDS = (
    ("source", Source),
    ("measure", Measure),
    ("instrument", Instrument),
    ("mention", Mention),
)
LABEL_FIELDS = {"source": "title", "measure": "title", "instrument": "name", "mention": "name"}


@dataclass(frozen=True)
class Change:
    when: datetime.datetime
    action: str  # ADDED, CHANGED or UNPUBLISHED
    kind: str  # "source", "measure", "instrument" or "mention"
    pk: int
    label: str


@dataclass
class Changelog:
    """Every published change, counted (`count`, and per day in `days`), the latest in detail."""

    count: int = 0
    updated: datetime.datetime | None = None
    latest: deque = field(default_factory=lambda: deque(maxlen=LATEST_CHANGES))
    days: Counter = field(default_factory=Counter)  # (date, action) -> count

    def record(self, change):
        self.count += 1
        self.updated = change.when
        self.latest.append(change)
        self.days[(change.when.date(), change.action)] += 1

    def by_day(self):
        """[(date, {action: count})], newest first."""
        days = {}
        for (day, action), count in self.days.items():
            days.setdefault(day, {ADDED: 0, CHANGED: 0, UNPUBLISHED: 0})[action] = count
        return sorted(days.items(), reverse=True)


@dataclass(frozen=True)
class DatasetVersion:
    number: int  # published changes so far
    updated: datetime.datetime | None  # when the last one was made

    @property
    def label(self):
        return str(self.number)


def history_fingerprint():
    """A value that changes whenever any history row is written (one query)."""
    parts = []
    for _kind, model in KINDS:
        table = connection.ops.quote_name(model.history.model._meta.db_table)
        parts.append(f"SELECT MAX(history_id), MAX(history_date) FROM {table}")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return "|".join(f"{pk}@{when}" for pk, when in cursor.fetchall())


def changelog():
    """The replayed history (`Changelog`), from the cache when no history row was written
    since it was last replayed."""
    key = "opendata:changelog:" + hashlib.sha256(history_fingerprint().encode()).hexdigest()
    log = cache.get(key)
    if log is None:
        log = replay()
        cache.set(key, log, timeout=None)
    return log


def dataset_version():
    """The version of the published data: changes whenever anything published changes, and only
    then."""
    log = changelog()
    return DatasetVersion(number=log.count, updated=log.updated)


def _history_rows(kind, model):
    fields = ("id", "history_type", "history_date", "history_id", "status")
    extra = {"measure": ("source_id",), "mention": ("measure_id", "instrument_id")}
    wanted = dict.fromkeys((*fields, *extra.get(kind, ()), *SHOWN_FIELDS[kind], LABEL_FIELDS[kind]))
    if kind == "instrument":
        wanted.pop("status")
    names = list(wanted)
    rank = [k for k, _m in KINDS].index(kind)
    rows = model.history.model.objects.order_by("history_date", "history_id").values_list(*names)
    for row in rows.iterator(chunk_size=2000):
        values = dict(zip(names, row, strict=True))
        yield (values["history_date"], rank, values["history_id"], kind, values)


def replay():
    """Read every history row in time order and return the `Changelog` of published changes."""
    log = Changelog()
    # The current state of each row as the replay has reached it: whether its status is
    # published, what it belongs to, and a digest of what it shows.
    sources = {}  # pk -> published?
    measures = {}  # pk -> (published?, source pk)
    mentions = {}  # pk -> (published?, measure pk, instrument pk)
    digests = {}  # (kind, pk) -> hash of the shown fields
    public_mentions = Counter()  # instrument pk -> its public mentions

    def measure_public(pk):
        published, source = measures.get(pk, (False, None))
        return published and sources.get(source, False)

    def mention_public(state):
        return state is not None and state[0] and measure_public(state[1])

    def recount():
        public_mentions.clear()
        for state in mentions.values():
            if mention_public(state):
                public_mentions[state[2]] += 1

    streams = [_history_rows(kind, model) for kind, model in KINDS]
    for when, _rank, _hid, kind, row in heapq.merge(*streams):
        pk, deleted = row["id"], row["history_type"] == "-"
        digest = hash(tuple(row[name] for name in SHOWN_FIELDS[kind]))
        changed = digests.get((kind, pk)) != digest
        digests[(kind, pk)] = digest
        published = not deleted and row.get("status") == Status.PUBLISHED
        if kind == "source":
            before = sources.get(pk, False)
            sources[pk] = published
            after = published
            if before != after:
                recount()
        elif kind == "measure":
            before = measure_public(pk)
            measures[pk] = (published, row["source_id"])
            after = measure_public(pk)
            if before != after:
                recount()
        elif kind == "instrument":
            before = after = public_mentions[pk] > 0 and not deleted
        else:
            old = mentions.get(pk)
            before = mention_public(old)
            state = (published, row["measure_id"], row["instrument_id"])
            mentions[pk] = state
            after = mention_public(state)
            if before:
                public_mentions[old[2]] -= 1
            if after:
                public_mentions[state[2]] += 1
        action = None
        if after and not before:
            action = ADDED
        elif before and not after:
            action = UNPUBLISHED
        elif before and after and changed:
            action = CHANGED
        if action is not None:
            log.record(Change(when, action, kind, pk, str(row[LABEL_FIELDS[kind]])))
    return log
