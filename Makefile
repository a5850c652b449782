# The README's two commands: `make run` and `make test`. Both need only Python 3.11+.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
export PILLARS_DB ?= data/pillars.duckdb

.PHONY: run test lint test-core test-app test-e2e bench contract clean

$(VENV)/.runtime: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

## make run: install, check the PILLARS_* settings, start the app on http://localhost:$(PORT)
## (the app fills an empty workspace with the demo on first start in local mode; PILLARS_DEMO=0 starts empty).
## ADDRESS=0.0.0.0 serves the network, which `serve` accepts in intranet mode only.
ADDRESS ?= 127.0.0.1
run: $(VENV)/.runtime
	$(PY) -m pm_core serve --port $(PORT) --address $(ADDRESS)

## make test: install test dependencies, check the house rules (ruff, import contracts), run every tier
test: $(VENV)/.dev lint
	$(PY) -m pytest tests

## make lint: ruff (bugs and dead code) and the import-linter contracts of the layers (pyproject.toml)
lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

test-core: $(VENV)/.dev
	$(PY) -m pytest tests/core

test-app: $(VENV)/.dev
	$(PY) -m pytest tests/app

test-e2e: $(VENV)/.dev
	$(PY) -m pytest tests/e2e

bench: $(VENV)/.dev
	for f in bench/bench_*.py; do $(PY) $$f || exit 1; done

contract: $(VENV)/.runtime
	$(PY) ../shared/contract/check_cli.py

clean:
	rm -rf $(VENV) data test-artifacts
