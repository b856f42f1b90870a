# qhreform — the two commands a newcomer needs are `make run` and `make test`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes: one per core by default (each with its own test database).
TEST_WORKERS ?= auto

.PHONY: run superuser test install install-dev migrate load serve bench bench-cache bench-datasette fuzz soak backup restore backup-check clean

# Serve the knowledge base for development on http://$(HOST):$(PORT).
run: export DJANGO_DEBUG ?= 1
run: install migrate load
	$(PY) manage.py runserver $(HOST):$(PORT)

# An account for the admin, in the environment `make run` uses (DJANGO_DEBUG=1 unless set, the
# same DATABASE_URL): asks for a user name, an e-mail address and a password.
superuser: export DJANGO_DEBUG ?= 1
superuser: install migrate
	$(PY) manage.py createsuperuser

# Serve for production with gunicorn on http://$(HOST):$(PORT) (needs DJANGO_SECRET_KEY; see README).
serve: install migrate
	$(PY) manage.py collectstatic --noinput
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn --config qhreform/gunicorn.conf.py

# Lint, check formatting, then run the whole suite; then the browser journeys, in a run of their
# own (their transactional tests empty the database afterwards), when Chromium is present.
# CHROMIUM=/path/to/chromium picks another browser.
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n $(TEST_WORKERS) --ignore=tests/e2e
	$(PY) -m pytest tests/e2e
	@chromium="$${CHROMIUM:-/usr/bin/chromium}"; [ -x "$$chromium" ] \
	  || echo "Browser journeys skipped: Chromium not found at $$chromium (apt-get install chromium)"

# Pages, search and the CSV export at 100,000 synthetic entries, or at several sizes side by side
# (BENCH_ENTRIES=100000,1000000), on PostgreSQL through gunicorn, with the page cache off and on in
# Redis, and the same pages on SQLite at 100,000 (BENCH_SQLITE=0 leaves them out); prints latency,
# req/s, growth, queries per page and the targets (docs/performance.md). Not part of `make test`.
# BENCH_DATABASE_URL, BENCH_DURATION … are described in bench/run.py.
bench: install
	$(PY) bench/run.py

# The same as `make bench`, whose tables have the page cache's columns.
bench-cache: bench

# The same SQLite file (100,000 synthetic entries, under bench/results/) served by gunicorn and by
# Datasette, their pages asked in turn on one connection each, and the CSV of every row from
# both; figures in docs/performance.md. Installs Datasette (.[bench-datasette]) into the venv.
# BENCH_SQLITE_PATH, BENCH_ROUNDS … are described in bench/datasette.py.
bench-datasette: $(VENV)/.installed-bench-datasette
	$(PY) bench/datasette.py

# Hostile requests over every URL pattern (FUZZ_REQUESTS, default 100,000), and mixed pages and
# exports at 8 connections (SOAK_DURATION seconds, default 600), each against its own gunicorn on
# loopback and its own database (bench/fuzz.py, bench/soak.py). Not part of `make test`.
FUZZ_REQUESTS ?= 100000
SOAK_DURATION ?= 600
fuzz: install
	$(PY) bench/fuzz.py --requests $(FUZZ_REQUESTS)

soak: install
	$(PY) bench/soak.py --duration $(SOAK_DURATION)

# A backup of the database (DATABASE_URL), drafts and history included, into $(BACKUP_DIR):
# pg_dump's custom format on PostgreSQL, SQLite's online backup API on SQLite (README: Backups).
BACKUP_DIR ?= backups
backup: install
	$(PY) manage.py backup --directory $(BACKUP_DIR)

# Replace the database's contents with the backup BACKUP=path; stop the site first.
restore: install
	@[ -n "$(BACKUP)" ] || { echo "usage: make restore BACKUP=backups/qhreform-YYYYmmdd-HHMMSS.dump"; exit 2; }
	$(PY) manage.py restore "$(BACKUP)"

# Back up an edited knowledge base, restore it into a new database and compare every public page
# and export: on SQLite, or on PostgreSQL with BACKUP_CHECK_DATABASE_URL (bench/backup_check.py).
backup-check: install
	$(PY) bench/backup_check.py

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

$(VENV)/.installed-bench-datasette: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[bench-datasette]"
	touch $@

# axe-core for the browser journeys' accessibility audit, at the version package-lock.json pins,
# into node_modules/ (ignored by git); needs npm (apt-get install npm).
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: the browser journeys' accessibility audit needs axe-core from npm (apt-get install npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev node_modules/.installed

migrate: install
	$(PY) manage.py migrate --no-input

load: install
	$(PY) manage.py load_knowledge_base

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3
