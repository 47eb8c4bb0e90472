# Himoya: `make run` serves the demo; `make test` runs every check. Both set up what they need.
SHELL := /bin/bash
PORT ?= 8000
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HIMOYA := $(BIN)/himoya
PYTEST_WORKERS ?= 2

.PHONY: run test setup setup-test system-deps system-deps-test messages lint typecheck \
        pytest fuzz db-stop makemessages bench clean node-deps lighthouse

# Migrate, load the demo, serve on PORT with one worker; Ctrl-C stops all and the database.
run: system-deps setup messages
	@$(BIN)/python scripts/run.py $(PORT)

test: system-deps-test setup-test node-deps messages lint typecheck pytest

system-deps:
	@scripts/system-deps.sh run

system-deps-test:
	@scripts/system-deps.sh test

# axe-core (the browser tests' accessibility check) and Lighthouse (bench/lighthouse.sh),
# pinned in package-lock.json; nothing from node_modules is ever served to visitors.
node-deps: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --ignore-scripts --loglevel=error; \
	else echo "himoya: npm not found (apt-get install nodejs npm); the accessibility checks will be skipped"; fi

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

# The embedded PostgreSQL of the tests lives in var/test/pg (fsync off); it is stopped
# afterwards, pass or fail. DATABASE_URL=postgres://... runs the suite on a server of yours.
pytest: setup-test
	@HIMOYA_ENV=test HIMOYA_VAR_DIR=var/test $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider; \
	rc=$$?; $(BIN)/python -m himoya.core.embedded_db stop var/test/pg >/dev/null; exit $$rc

# The suite's API fuzz with a larger budget and a random seed (README, "The two commands").
FUZZ_EXAMPLES ?= 300
fuzz: setup-test
	@HIMOYA_ENV=test HIMOYA_VAR_DIR=var/test HIMOYA_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) HIMOYA_FUZZ_RANDOM=1 \
	  $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider tests/api/test_api_fuzz.py -k test_api_fuzz; \
	rc=$$?; $(BIN)/python -m himoya.core.embedded_db stop var/test/pg >/dev/null; exit $$rc

db-stop: | $(BIN)/python
	$(BIN)/python -m himoya.core.embedded_db stop var/pg

bench: setup-test
	HIMOYA_ENV=test HIMOYA_VAR_DIR=var/bench $(BIN)/python -m bench.run

# Lighthouse (mobile) on the demo's home page, a content page and the help form.
lighthouse: setup node-deps
	bench/lighthouse.sh

clean:
	rm -rf $(VENV) node_modules var/test var/bench .pytest_cache .mypy_cache .ruff_cache
