# qhreform — the two commands a newcomer needs are `make run` and `make test`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev migrate load serve bench clean

# Serve the knowledge base for development on http://$(HOST):$(PORT).
run: export DJANGO_DEBUG ?= 1
run: install migrate load
	$(PY) manage.py runserver $(HOST):$(PORT)

# Lint, check formatting, then run the whole suite (the browser journeys run when Chromium is present).
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --no-input

load: install
	$(PY) manage.py load_knowledge_base

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
