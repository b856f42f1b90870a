"""Settings for qhreform, read from the environment.

DATABASE_URL          database (default: SQLite file db.sqlite3 in the project)
DJANGO_SECRET_KEY     required unless DJANGO_DEBUG is on
DJANGO_DEBUG          "1"/"true" for development
DJANGO_ALLOWED_HOSTS  comma-separated host names
DJANGO_SECURE         "1" behind TLS: secure cookies, HSTS and the HTTPS redirect (see below)
DJANGO_DB_CONNECT_TIMEOUT    seconds to wait for a PostgreSQL connection (default 5)
DJANGO_DB_STATEMENT_TIMEOUT  seconds one PostgreSQL statement may run (default 30; 0: no limit)
DJANGO_HEALTH_CHECK_TIMEOUT  seconds /healthz waits for the database before answering 503 (1)
DATABASE_REPLICA_URLS streaming replicas for public reads, comma-separated (default: none)
DJANGO_DB_REPLICA_LAG        seconds a replica may lag behind the primary (default 5)
DJANGO_DB_REPLICA_RETRY      seconds an unreachable replica is left alone (default 30)
REDIS_URL             Redis for the cache (default: each process's local memory)
DJANGO_PAGE_CACHE     "1" to cache whole public pages (default: on when REDIS_URL is set)
DJANGO_PAGE_CACHE_TIMEOUT    seconds a cached page is kept (default 3600)
DJANGO_PAGE_CACHE_MAX_AGE    seconds browsers and CDNs may reuse a page unasked (default 0)
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_seconds(name, default):
    value = os.environ.get(name, "").strip()
    seconds = float(value) if value else default
    if seconds < 0:
        raise ImproperlyConfigured(f"{name} must be a number of seconds, 0 or more; got {value!r}.")
    return seconds


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_proxy_ssl_header(name):
    """("HTTP_X_FORWARDED_PROTO", "https") from "HTTP_X_FORWARDED_PROTO,https", or None."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    header, _, scheme = (part.strip() for part in value.partition(","))
    if not header.startswith("HTTP_") or not scheme:
        raise ImproperlyConfigured(
            f"{name} must be a request.META header and the value meaning HTTPS, "
            f'e.g. "HTTP_X_FORWARDED_PROTO,https"; got "{value}".'
        )
    return (header, scheme)


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # Fail at start-up rather than sign sessions with a guessable key.
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

# Origins (scheme and host) a signed-in form may be posted from when they differ from the host
# the request names, e.g. behind a proxy that rewrites Host: "https://kb.example.org".
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "axes",
    "regions",
    "measures",
    "opendata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything that may answer: a cross-origin client reads errors and 304s too.
    "opendata.middleware.OpenReads",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language is the address's: /en/… English, every other address Chinese.
    "qhreform.languages.LanguageFromAddress",
    "django.middleware.common.CommonMiddleware",
    # Before any view, the admin's included: a NUL in a parameter answers 400 with a message.
    "qhreform.middleware.RejectUnusableParameters",
    # Which database the request reads (qhreform/routers.py), before anything reads one.
    "qhreform.routers.ReadReplicaMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # After the CSRF middleware, which then gives a cached page's reader a token of their own.
    "qhreform.pagecache.PageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qhreform.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "qhreform.languages.language_versions",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "qhreform.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Keep connections open between requests, and check them before reuse so that a
        # restarted database server costs one reconnect, not a failed request.
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

# A database that stops answering must cost a request seconds, not a worker thread forever.
# connect_timeout bounds opening a connection (psycopg waits at least 2 s); statement_timeout
# has PostgreSQL cancel any statement that runs longer (a migration over a large table may need
# DJANGO_DB_STATEMENT_TIMEOUT=0). Neither helps against a server that accepts but never answers
# on a connection already open: /healthz has a deadline of its own (qhreform/views.py).
DB_CONNECT_TIMEOUT = env_seconds("DJANGO_DB_CONNECT_TIMEOUT", 5)
DB_STATEMENT_TIMEOUT = env_seconds("DJANGO_DB_STATEMENT_TIMEOUT", 30)

# Read replicas (README, "Read replicas and PgBouncer"): public pages read anonymous requests'
# data from one of them; writes, the admin, signed-in editors and a client that has just written
# use the primary (qhreform/routers.py). Migrations run on the primary only; the replicas follow
# it by streaming replication.
DATABASE_REPLICAS = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    _alias = f"replica{_number}"
    DATABASES[_alias] = {
        **dj_database_url.parse(
            _url,
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=True,
        ),
        # Tests make no database of their own on a replica (it cannot be written to): the
        # alias reads the primary's test database, as the replica would.
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_REPLICAS.append(_alias)
DATABASE_ROUTERS = ["qhreform.routers.PrimaryReplicaRouter"]
# How far behind the primary a replica may be: for that long after a write, the client that
# wrote reads from the primary, and a page read from a replica is not cached.
DB_REPLICA_LAG = env_seconds("DJANGO_DB_REPLICA_LAG", 5)
# A replica that cannot be reached is left alone (its reads go to the primary) this long.
DB_REPLICA_RETRY = env_seconds("DJANGO_DB_REPLICA_RETRY", 30)

for _database in DATABASES.values():
    if _database["ENGINE"] != "django.db.backends.postgresql":
        continue
    _options = _database.setdefault("OPTIONS", {})
    _options.setdefault("connect_timeout", max(1, round(DB_CONNECT_TIMEOUT)))
    _options["options"] = " ".join(
        filter(
            None,
            [
                _options.get("options", ""),
                f"-c statement_timeout={round(DB_STATEMENT_TIMEOUT * 1000)}",
                # A page's queries each read a few thousand rows at most; PostgreSQL's JIT
                # compiler, which starts on its cost estimate alone, spent 55 ms compiling the
                # search's page query at a million entries to save none.
                "-c jit=off",
                # Nor parallel workers: a page stops after a few rows, and a parallel plan
                # started two workers to walk the list's article-order index for a searched
                # page's 51 rows (18 ms, against 3 ms alone, at a million entries); a server
                # of many requests has no idle cores to give them anyway.
                "-c max_parallel_workers_per_gather=0",
            ],
        )
    )

# SQLite reads the file through a memory map instead of read() calls into each connection's
# own 2 MiB page cache: the pages a list's count queries read again and again then come from
# the operating system's cache, shared by every worker and thread, without a copy (the search
# 西宁's queries take 40 % less time at 100,000 entries; docs/performance.md, "SQLite against
# Datasette"). 256 MiB is address space, not memory; past it SQLite reads as before.
SQLITE_MMAP_SIZE = 256 * 2**20
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.sqlite3":
        _options = _database.setdefault("OPTIONS", {})
        _options.setdefault("init_command", f"PRAGMA mmap_size = {SQLITE_MMAP_SIZE}")

# How long /healthz waits for the database before it answers 503: well under a load
# balancer's probe timeout, so that a frozen database reads as down rather than as slow.
HEALTH_CHECK_TIMEOUT = env_seconds("DJANGO_HEALTH_CHECK_TIMEOUT", 1)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache: Redis in production (shared by every worker and server, which the page cache
# needs), each process's own memory otherwise (`make run`).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", "qhreform"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whole public pages for anonymous readers (qhreform/pagecache.py). Off without Redis: a
# process's local memory would not hear of a write another process made.
PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", bool(REDIS_URL))
PAGE_CACHE_TIMEOUT = env_seconds("DJANGO_PAGE_CACHE_TIMEOUT", 3600)
# 0: browsers and CDNs ask again each time (a 304 when the page has not changed), so a publish
# shows at once; more lets them reuse a page for that long unasked.
PAGE_CACHE_MAX_AGE = env_seconds("DJANGO_PAGE_CACHE_MAX_AGE", 0)

# django-axes counts failed sign-ins through its backend; ModelBackend does the signing in.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "admin:login"

# Where the knowledge base and its reference data live.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
KNOWLEDGE_BASE_DIR = BASE_DIR / "fixtures"

# Entries per page on the instruments list.
MENTIONS_PER_PAGE = 50

# A searched list counts its instruments and facets from the mentions its words match when
# they are at most this many; a broader search says "more than …" instead of reading every
# match on every page (exports count every row all the same).
SEARCH_COUNT_LIMIT = int(os.environ.get("QHREFORM_SEARCH_COUNT_LIMIT", 10_000))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            # StreamHandler writes to standard error unless told otherwise.
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# Sign-in throttling (django-axes) --------------------------------------------------------------

# Five wrong passwords for one account from one address lock that pair out for an hour; a
# successful sign-in clears the count. Keyed on the pair so that one address guessing cannot lock
# an editor out everywhere, and many addresses cannot share one account's budget.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
# The address is the connection's (REMOTE_ADDR): behind a reverse proxy that is the proxy's, so
# the lock then falls on the account alone.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
# Locks are lifted with `manage.py axes_reset_username NAME`, or lift themselves after the hour.
# The attempts' read-only admin pages stay off: the admin's tests expect every model registered
# there to have an add page.
AXES_ENABLE_ADMIN = False

# HTTPS and browser protections ------------------------------------------------------------------

# DJANGO_SECURE=1 (ignored while DEBUG is on) says the site is served over HTTPS and turns on
# the whole set below; each part can still be set on its own by its variable.
SECURE = env_bool("DJANGO_SECURE") and not DEBUG
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", SECURE)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", SECURE)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", SECURE)
# Load balancers probe app servers over plain HTTP; a redirect would read as a failure.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 365 * 24 * 3600 if SECURE else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", SECURE)
# Preloading asks browser vendors to hard-code HTTPS for the whole domain, which is slow to undo:
# the domain's owner opts in (DJANGO_HSTS_PRELOAD=1), never a default.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD")

# Only behind a proxy that sets this header itself, overwriting any a client sent; otherwise
# anyone could claim HTTPS.
SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("DJANGO_SECURE_PROXY_SSL_HEADER")

# Django's defaults, stated because the site depends on them.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The site loads nothing from other origins and has no inline script or style, so the policy can
# be strict. data: images are allowed so that a stylesheet may embed small icons; they run no
# code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # The nonce is added only to pages that use it: their JSON-LD data blocks.
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Checks to silence, comma-separated (e.g. "security.W021" where HSTS preload is not wanted).
SILENCED_SYSTEM_CHECKS = env_list("DJANGO_SILENCED_SYSTEM_CHECKS")

# Limits of the spreadsheet import, checked before a file is parsed (README, "Limits").
SPREADSHEET_LIMITS = {
    "bytes": int(os.environ.get("QHREFORM_IMPORT_MAX_BYTES", 5 * 1024 * 1024)),
    "rows": int(os.environ.get("QHREFORM_IMPORT_MAX_ROWS", 20_000)),
    "columns": int(os.environ.get("QHREFORM_IMPORT_MAX_COLUMNS", 100)),
    "cell_characters": int(os.environ.get("QHREFORM_IMPORT_MAX_CELL_CHARACTERS", 10_000)),
}
# Limits of an imported article: a real one has a few hundred lines.
ARTICLE_LIMITS = {
    "characters": int(os.environ.get("QHREFORM_ARTICLE_MAX_CHARACTERS", 300_000)),
    "lines": int(os.environ.get("QHREFORM_ARTICLE_MAX_LINES", 5_000)),
}
# How long an uploaded spreadsheet waits for its preview to be confirmed.
IMPORT_UPLOAD_LIFETIME_SECONDS = int(os.environ.get("QHREFORM_IMPORT_UPLOAD_LIFETIME", 3600))
# The XLSX export builds a whole workbook; larger lists are for the streamed CSV or JSON.
XLSX_EXPORT_MAX_ROWS = int(os.environ.get("QHREFORM_XLSX_MAX_ROWS", 20_000))

# Open data (the opendata app) ------------------------------------------------------------------

# The read API under /api/v1/: anonymous, read-only, JSON.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    # No sessions or tokens: every caller is anonymous, so no write can be authorised and no
    # CSRF token is needed.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["opendata.api.reading.PerAddressThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # The rate limit counts the connecting address; behind N reverse proxies that each append to
    # X-Forwarded-For, set QHREFORM_API_PROXIES=N so the client's own address is counted.
    "NUM_PROXIES": int(os.environ.get("QHREFORM_API_PROXIES", "0")),
}
# Requests per address: "120/min", "5000/day" … ("off": no limit).
API_RATE_LIMIT = os.environ.get("QHREFORM_API_RATE_LIMIT", "120/min")
if API_RATE_LIMIT.strip().lower() in {"", "0", "off", "none"}:
    API_RATE_LIMIT = None
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 500

SPECTACULAR_SETTINGS = {
    "TITLE": "qhreform API",
    "DESCRIPTION": (
        "Read-only access to the published knowledge base of Qinghai's ecological-environment "
        "reform measures: instruments, their mentions (the list's entries), measures, regions, "
        "instrument types and sources. Data licence: CC BY 4.0 (see /about/data/)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files from the drf-spectacular-sidecar package, served by the site itself.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# The licence of the published data, named on /about/data/, in the data package and the API.
DATA_LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
