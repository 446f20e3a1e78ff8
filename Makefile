# Chợ HTX. `make run` serves the demo marketplace; `make test` runs every test.
PORT ?= 5000
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: postgresql-server run test test-postgres check-migrations lint translations serve worker bench bench-load clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d translations

run: $(VENV)/.installed translations
	$(BIN)/flask db upgrade
	$(BIN)/flask demo seed
	$(BIN)/flask search reindex
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# Debian packages the tests need, installed when missing: as root, or through sudo.
SUDO ?= $(if $(filter 0,$(shell id -u)),,sudo)
APT_GET = $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get
# PostgreSQL's server binaries live under a versioned folder: empty when none is installed.
PG_INITDB ?= $(firstword $(wildcard /usr/lib/postgresql/*/bin/initdb))

/usr/bin/chromium:
	$(APT_GET) update -qq && $(APT_GET) install -y -qq chromium

/usr/bin/redis-server:
	$(APT_GET) update -qq && $(APT_GET) install -y -qq redis-server

postgresql-server:
	$(if $(PG_INITDB),@true,$(APT_GET) update -qq && $(APT_GET) install -y -qq postgresql)

test: $(VENV)/.installed-dev translations /usr/bin/chromium /usr/bin/redis-server postgresql-server
	$(BIN)/pytest -n auto

# The whole suite again on a throwaway PostgreSQL cluster (initdb in a temporary folder, a
# free port, deleted afterwards), with the search tests on both backends; then the
# migrations up and down on another throwaway cluster.
test-postgres: $(VENV)/.installed-dev translations /usr/bin/chromium /usr/bin/redis-server \
		postgresql-server
	$(BIN)/python -m tests.servers postgres -- $(BIN)/pytest -n auto -p no:cacheprovider
	$(MAKE) check-migrations

check-migrations: $(VENV)/.installed-dev postgresql-server
	$(BIN)/python -m tests.servers postgres -- $(BIN)/python -m tests.migrations_check
	$(BIN)/python -m tests.migrations_check

# pip-audit checks every package of the venv (requirements-dev.txt, so requirements.txt and
# what they pull in) against PyPI's vulnerability data; AUDIT_SERVICE=osv asks OSV instead.
AUDIT_SERVICE ?= pypi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pip-audit --vulnerability-service $(AUDIT_SERVICE) --progress-spinner off

# Production: gunicorn with gunicorn.conf.py (WEB_CONCURRENCY workers, PORT, logs...).
serve: $(VENV)/.installed translations
	$(BIN)/flask db upgrade
	PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# Background jobs (mail, images, search index) when REDIS_URL is set.
worker: $(VENV)/.installed
	$(BIN)/flask jobs worker

bench: $(VENV)/.installed-dev translations
	command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(BIN)/python bench/pages.py

bench-load: $(VENV)/.installed-dev translations
	$(BIN)/python bench/load.py --database sqlite
	$(BIN)/python bench/load.py --database postgres

clean:
	rm -rf $(VENV) instance
