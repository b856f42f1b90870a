"""The version of what the public pages show, which every write to the knowledge base changes.

The page cache (qhreform/pagecache.py) keys pages on it, so a write makes every cached page
stale at once, without knowing which pages the written row appears on. It lives in the cache
itself, so that every process and server sees the same one.

One hook for every write: the save, delete and many-to-many signals of each model of the
knowledge base and the regions (`connect`), which every write path sends (the admin's forms,
list actions and history reverts, publishing, imports, the loader, merges). Writes that send no
signal (bulk_create, queryset.update, raw SQL) call `changed()` themselves: the synthetic data,
a restore; and every `migrate` (a deployment) changes the version too.
"""

import logging
import time

from django.apps import apps
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

logger = logging.getLogger(__name__)

VERSION_KEY = "public-version"
#: How long the version is kept without a write. Losing it costs one rendering of each page
#: (a new version is made); keeping it forever would keep every test run's in a shared Redis.
VERSION_TIMEOUT = 30 * 24 * 3600

#: The apps whose rows the public pages show.
PUBLIC_APPS = ("measures", "regions")
#: Their models the public pages never show: writing them changes no page.
PRIVATE_MODELS = ("measures.pendingupload",)


def current():
    """The version now: a number that no earlier version had.

    It is the time of the write that made it, in nanoseconds (so it also says how old it is);
    when the cache has lost it (flushed, evicted), a new one is made, which no cached page has.
    """
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, time.time_ns(), timeout=VERSION_TIMEOUT)
            version = cache.get(VERSION_KEY)
    except Exception:
        logger.exception("Cannot read the public version from the cache")
        return None
    return version


def _bump():
    try:
        cache.set(VERSION_KEY, time.time_ns(), timeout=VERSION_TIMEOUT)
    except Exception:
        # The write is committed and must not fail now; pages cached before it may then be
        # served until they expire (PAGE_CACHE_TIMEOUT).
        logger.exception("Cannot change the public version in the cache")


def changed(*, using=DEFAULT_DB_ALIAS):
    """Record that the public content changed: a new version now, and another once the
    transaction commits.

    The one after the commit is what matters: a page another request renders between now and
    the commit shows the old rows, and would otherwise be kept under the new version. The one
    now serves the writing transaction itself (a test's, which never commits, included), whose
    own later reads must not come from the cache.
    """
    _bump()
    connection = connections[using]
    if connection.in_atomic_block and any(
        callback is _bump for _savepoints, callback, _robust in connection.run_on_commit
    ):
        return  # one change after the commit is enough, however many rows were written
    transaction.on_commit(_bump, using=using)


def is_public(model):
    meta = model._meta
    return (
        meta.app_label in PUBLIC_APPS
        and meta.label_lower not in PRIVATE_MODELS
        # A history row is written with the row it records, which sends its own signal.
        and not meta.object_name.startswith("Historical")
    )


def _row_written(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    changed(using=using)


def _relation_written(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if action.startswith("post_"):
        changed(using=using)


def _migrated(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    # A new release may render every page differently; it runs `migrate` when deployed.
    _bump()


def connect():
    """Connect the signals of every public model (called once, when the apps are ready).

    Per model rather than for every sender: a delete signal with any receiver makes Django load
    the rows it deletes, which is only worth it where a page may change.
    """
    for model in apps.get_models(include_auto_created=True):
        if not is_public(model):
            continue
        uid = f"public-version-{model._meta.label_lower}"
        post_save.connect(_row_written, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_row_written, sender=model, dispatch_uid=f"{uid}-delete")
        if model._meta.auto_created:
            # A many-to-many table (a direction's "continues"): the signal names the table.
            m2m_changed.connect(_relation_written, sender=model, dispatch_uid=f"{uid}-m2m")
    post_migrate.connect(_migrated, dispatch_uid="public-version-migrate")
