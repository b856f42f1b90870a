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
