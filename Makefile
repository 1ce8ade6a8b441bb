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
BUN := tools/node_modules/.bin/bun
CHROMIUM ?= /usr/bin/chromium
PYTEST_ARGS ?=

.PHONY: help setup browser demo test lint format bench bench-peer clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

setup: $(STAMP) $(BUN) ## Create .venv and install Medskapa with everything the app and tests need

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "Medskapa behöver Python 3.11 eller nyare (hittade: $$($(PYTHON) --version 2>&1)). Ange en annan med PYTHON=python3.12 make ..." >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# Reflex builds the designer app with bun >= 1.4.4 and cannot download it here: take it from npm.
$(BUN): tools/package.json tools/package-lock.json
	npm ci --prefix tools --no-audit --no-fund --loglevel=error
	@test -x $(BUN) && touch $(BUN)

# Debian's chromium for the browser tests (never `playwright install`) and libzbar0 to read
# QR codes in tests. Installed with apt-get when running as root, otherwise we say how.
browser:
	@missing=""; test -x $(CHROMIUM) || missing="$$missing chromium"; \
	  ldconfig -p 2>/dev/null | grep -q libzbar.so.0 || missing="$$missing libzbar0"; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then \
	      echo "Installerar$$missing med apt-get …"; \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	    else \
	      echo "Webbläsartesterna behöver Debians paket:$$missing. Installera dem med: sudo apt-get install$$missing" >&2; exit 1; \
	    fi; \
	  fi

demo: setup ## Load the examples, publish one, print the designer URL, a login and a QR code, serve
	$(BIN)/medskapa demo --serve

# Two pytest runs: everything else in parallel, then the browser tests against one built app
# (Playwright's sync API holds an event loop that other tests cannot share). Each run fails
# when it ran no test.
test: setup browser ## Run the whole test suite, browser tests included (fails when no test ran)
	$(BIN)/python -m pytest -n auto -q -m "not e2e" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -q -m e2e $(PYTEST_ARGS)

lint: setup ## ruff check, ruff format --check and the import-linter contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: setup ## Format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup ## Run the benchmarks; each writes a JSON result under benchmarks/results/
	$(BIN)/python benchmarks/bench_validate.py
	$(BIN)/python benchmarks/bench_flowdiagram.py
	$(BIN)/python benchmarks/bench_metrics.py
	$(BIN)/python benchmarks/bench_event_ids.py
	$(BIN)/python benchmarks/load_citizen.py
	$(BIN)/python benchmarks/load_workshop.py
	$(BIN)/python benchmarks/cpu_per_request.py
	$(BIN)/python benchmarks/page_weight.py
	$(BIN)/python benchmarks/failure_kill9.py
	$(BIN)/python benchmarks/profile_citizen.py

# Installs the GOV.UK Prototype Kit from npm into a temporary folder (removed afterwards),
# runs the same form and load against it and Medskapa on 127.0.0.1; about 10 minutes.
bench-peer: setup browser ## Medskapa beside the GOV.UK Prototype Kit, same form, same load
	$(BIN)/python benchmarks/bench_peer.py

clean: ## Remove the venv, caches and the local database
	rm -rf $(VENV) .xdg .pytest_cache .ruff_cache .hypothesis medskapa.db medskapa.db-* \
	  medskapa.db.demo-login .web .web-e2e .web-bench .states .reflex .bun tools/node_modules test-artifacts
