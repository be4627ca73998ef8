# ckanext-shafaf: two commands.
#   make serve   demo site on http://127.0.0.1:5000 (make stop stops it)
#   make test    the test suite against the real PostgreSQL and Redis
# Every target is idempotent: a second run changes nothing and fails on nothing.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.NOTPARALLEL:

VENV := .venv
PY   := $(VENV)/bin/python
PIP  := $(PY) -m pip
CKAN := $(VENV)/bin/ckan
INI  := ckan.ini
PSQL := psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U postgres

# The pip steps are skipped while these stamps (hash of their inputs) exist.
RUN_HASH  := $(shell cat requirements.txt setup.py pyproject.toml | sha256sum | cut -c1-16)
DEV_HASH  := $(shell cat requirements-dev.txt | sha256sum | cut -c1-16)
RUN_STAMP := $(VENV)/.stamp-run-$(RUN_HASH)
DEV_STAMP := $(VENV)/.stamp-dev-$(DEV_HASH)

# CKAN's own search tests, run against our PostgreSQL backend. Three are
# left out, each for a reason given in README.md (section Search).
CKAN_TESTS = $(shell $(PY) -c 'import ckan, os; print(os.path.dirname(ckan.__file__) + "/tests")')
CKAN_SEARCH_TESTS = $(CKAN_TESTS)/lib/search \
    $(CKAN_TESTS)/logic/action/test_get.py::TestPackageSearch
CKAN_SKIPPED = not test_check_invalid_schema and not test_check_schema_with_wrong_version \
    and not test_allowed_local_params_via_config
# The whole test run.
PYTEST = $(PY) -m pytest --ckan-ini=test.ini ckanext/shafaf/tests \
    $(CKAN_SEARCH_TESTS) -k "$(CKAN_SKIPPED)"

.PHONY: help serve stop test os-packages venv dev-venv services db test-db \
        migrate seed

help:
	@echo "make serve   install what is missing, seed the demo, run CKAN on http://127.0.0.1:5000"
	@echo "make stop    stop the CKAN started by make serve"
	@echo "make test    run the test suite (real PostgreSQL and Redis on 127.0.0.1)"

serve: os-packages venv services db $(INI) migrate seed
	@scripts/ckan_server.sh start

stop:
	@scripts/ckan_server.sh stop

test: os-packages dev-venv services test-db
	@mkdir -p var/test-storage
	$(CKAN) -c test.ini db init
	$(CKAN) -c test.ini datastore set-permissions | $(PSQL) -d shafaf_datastore_test
	$(PYTEST)

os-packages:
	@scripts/install_os_packages.sh

venv: $(RUN_STAMP)
	@:
dev-venv: $(DEV_STAMP)
	@:

$(RUN_STAMP): | os-packages
	@test -x $(PY) || { py=$$(command -v python3.11 || command -v python3); \
	  echo "creating $(VENV) with $$py"; $$py -m venv $(VENV); }
	$(PIP) install -q -r requirements.txt
	$(PIP) install -q -e .
	@rm -f $(VENV)/.stamp-run-* && touch $@

$(DEV_STAMP): $(RUN_STAMP)
	$(PIP) install -q -r requirements-dev.txt
	@rm -f $(VENV)/.stamp-dev-* && touch $@

services:
	@scripts/ensure_services.sh

db: services
	@scripts/setup_db.sh shafaf shafaf_datastore

test-db: services
	@scripts/setup_db.sh shafaf_test shafaf_datastore_test

# Written once, never overwritten: it holds this site's secrets.
$(INI): | venv
	$(PY) scripts/render_ini.py deploy/ckan.ini.tmpl $(INI)

migrate: venv db $(INI)
	$(CKAN) -c $(INI) db init
	$(CKAN) -c $(INI) db upgrade -p activity
	$(CKAN) -c $(INI) db upgrade -p harvest
	$(CKAN) -c $(INI) db upgrade -p shafaf
	$(CKAN) -c $(INI) datastore set-permissions | $(PSQL) -d shafaf_datastore

seed: migrate
	$(CKAN) -c $(INI) shafaf seed
