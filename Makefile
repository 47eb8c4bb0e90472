# Himoya: `make run` serves the demo; `make test` runs every check. Both set up what they need.
SHELL := /bin/bash
PORT ?= 8000
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HIMOYA := $(BIN)/himoya
PYTEST_WORKERS ?= 2

.PHONY: run test setup setup-test system-deps system-deps-test messages lint typecheck \
        test-sqlite test-postgres makemessages bench clean

run: system-deps setup messages
	$(HIMOYA) migrate --noinput
	$(HIMOYA) demo
	@echo
	@echo "Serving Himoya on http://127.0.0.1:$(PORT)/  (staff: http://127.0.0.1:$(PORT)/staff/)"
	$(HIMOYA) runserver 127.0.0.1:$(PORT)

test: system-deps-test setup-test messages lint typecheck test-sqlite test-postgres

system-deps:
	@scripts/system-deps.sh run

system-deps-test:
	@scripts/system-deps.sh test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[test]"
	touch $@ $(VENV)/.installed

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test

messages: | $(BIN)/python
	@if command -v msgfmt >/dev/null; then \
	  cd himoya && ../$(HIMOYA) compilemessages -v 0; \
	else echo "himoya: msgfmt (GNU gettext) not found; using the committed .mo catalogues"; fi

makemessages: setup
	cd himoya && for l in ru kk tg en; do ../$(HIMOYA) makemessages -l $$l --no-location --no-obsolete; done

lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup-test
	HIMOYA_ENV=test HIMOYA_VAR_DIR=var/test $(BIN)/mypy himoya config

test-sqlite: setup-test
	HIMOYA_ENV=test HIMOYA_VAR_DIR=var/test DATABASE_URL= $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider

test-postgres: setup-test
	@HIMOYA_ENV=test HIMOYA_VAR_DIR=var/test scripts/with_postgres.py $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider; \
	rc=$$?; if [ $$rc -eq 3 ]; then echo "himoya: PostgreSQL half SKIPPED (see above)"; exit 0; fi; exit $$rc

bench: setup-test
	HIMOYA_ENV=test scripts/with_postgres.py $(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var/test .pytest_cache .mypy_cache .ruff_cache
