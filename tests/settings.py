"""Test settings: the project's settings with only what tests need changed."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production")

from qhreform.settings import *  # noqa: E402,F403

# Hashing passwords slowly protects nothing in tests and costs seconds per login.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests render pages without running collectstatic first.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files straight from the apps (no collectstatic in tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# The synthetic data and its seed_synthetic command live in the dev-only bench app.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405

# No rate limit, so that no test is slowed or refused by another's requests; the rate limit's
# own tests set one.
API_RATE_LIMIT = None
# Each test runs in a transaction that a second connection cannot see, so the suite reads and
# writes one database; tests/test_replicas.py starts servers of its own against a real replica.
DATABASES = {"default": DATABASES["default"]}  # noqa: F405
DATABASE_REPLICAS = []

# The page cache is on, as in production, in each test process's own memory or in the Redis
# server REDIS_URL names (as .ci/run does on PostgreSQL). Each process keeps its keys apart, so
# that parallel workers (and other runs on the same server) never read each other's pages.
PAGE_CACHE = True
CACHES["default"]["KEY_PREFIX"] = f"qhreform-test-{os.getpid()}"  # noqa: F405
# The pages a run leaves in a shared Redis expire soon after it.
PAGE_CACHE_TIMEOUT = 600
