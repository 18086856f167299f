# Grappes — the two commands: `make run` and `make test`. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1

.PHONY: run report test lint typecheck imports unit quick clean help system-deps

help:
	@echo "make run     set up .venv, build the database if needed, serve the observatory on http://$(HOST):$(PORT)/"
	@echo "make test    set up .venv, then ruff, mypy, import-linter and the whole pytest suite (SQLite and PostgreSQL)"
	@echo "make report  write the demo reports on Morocco's real data to $(OUT)/ (grappes map --demo)"
	@echo "make quick   the tests not marked slow (for your own loop)"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,spark]"
	@touch $(STAMP)

# Java runs Spark's tests; Debian's JRE is installed when none is on the machine.
# Chromium runs the end-to-end browser tests (tests/e2e, Playwright drives /usr/bin/chromium).
system-deps:
	@command -v java >/dev/null 2>&1 || { \
	  echo "installing a Java runtime for Spark (apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }
	@test -x /usr/bin/chromium || { \
	  echo "installing Debian's Chromium for the end-to-end browser tests (apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The observatory: `grappes serve` builds its database on first start (GRAPPES_DATABASE_URL,
# default the SQLite file grappes.sqlite3 here), says where it is, then serves.
run: $(STAMP)
	$(BIN)/grappes serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

report: $(STAMP)
	$(BIN)/grappes map --demo --output $(OUT)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

imports: $(STAMP)
	$(BIN)/lint-imports

# The store and web tests run on PostgreSQL as well as SQLite: on GRAPPES_TEST_DATABASE_URL
# when it is set, else on the server tools/start_postgres.sh starts (it installs Debian's
# package when it may: root and apt). When it cannot, one line says why and the tests run
# on SQLite only (their PostgreSQL cases are skipped, with the reason).
unit: $(STAMP) system-deps
	@url="$${GRAPPES_TEST_DATABASE_URL:-}"; \
	if [ -n "$$url" ]; then \
	  echo "PostgreSQL tests on $${url##*@} (GRAPPES_TEST_DATABASE_URL)"; \
	else \
	  log="$$(mktemp)"; \
	  if url="$$(bash tools/start_postgres.sh 2>"$$log")" && [ -n "$$url" ]; then \
	    echo "PostgreSQL tests on $${url##*@} (started by tools/start_postgres.sh)"; \
	  else \
	    url=""; \
	    why="$$(grep -v '^[[:space:]]*$$' "$$log" | tail -n 1 | sed 's/^start_postgres: //')"; \
	    echo "PostgreSQL tests skipped: $${why:-tools/start_postgres.sh failed}; running on SQLite only"; \
	  fi; \
	  rm -f "$$log"; \
	fi; \
	GRAPPES_TEST_DATABASE_URL="$$url" $(BIN)/python -m pytest -n 2 --dist loadgroup

test: lint typecheck imports unit

quick: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m "not slow"

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis
