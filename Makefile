# Medskapa — the two commands are `make demo` and `make test`; everything they need is here.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Everything a run writes stays inside the project, never in ~.
export XDG_CACHE_HOME := $(CURDIR)/.xdg/cache
export XDG_CONFIG_HOME := $(CURDIR)/.xdg/config
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export MEDSKAPA_DB ?= $(CURDIR)/medskapa.db

STAMP := $(VENV)/.medskapa-installed
PYTEST_ARGS ?=

.PHONY: help setup demo test lint format bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

setup: $(STAMP) ## Create .venv and install Medskapa with everything the app and tests need

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "Medskapa behöver Python 3.11 eller nyare (hittade: $$($(PYTHON) --version 2>&1)). Ange en annan med PYTHON=python3.12 make ..." >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

demo: setup ## Load the example journeys and show their validation and a summary
	$(BIN)/medskapa demo

test: setup ## Run the whole test suite (fails when no test ran)
	$(BIN)/python -m pytest -n auto -q $(PYTEST_ARGS)

lint: setup ## ruff check, ruff format --check and the import-linter contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: setup ## Format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup ## Run the benchmarks; each writes a JSON result under benchmarks/results/
	$(BIN)/python benchmarks/bench_validate.py

clean: ## Remove the venv, caches and the local database
	rm -rf $(VENV) .xdg .pytest_cache .ruff_cache .hypothesis medskapa.db medskapa.db-*
