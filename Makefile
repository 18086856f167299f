# Grappes — the two commands: `make run` and `make test`. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out

.PHONY: run test lint typecheck imports unit quick clean help system-deps

help:
	@echo "make run    set up .venv, then write the demo report on Morocco's real data to $(OUT)/"
	@echo "make test   set up .venv, then run ruff, mypy, import-linter and the whole pytest suite"
	@echo "make quick  the tests not marked slow (for your own loop)"

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

run: $(STAMP)
	$(BIN)/grappes map --demo --output $(OUT)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

imports: $(STAMP)
	$(BIN)/lint-imports

unit: $(STAMP) system-deps
	$(BIN)/python -m pytest -n 2 --dist loadgroup

test: lint typecheck imports unit

quick: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m "not slow"

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis
