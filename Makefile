# OpenChorus — `make run` serves the platform on its embedded defaults; `make test` runs the suite.
# Both do the whole set-up on a fresh machine with Python 3.11 and pip.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
export OPENCHORUS_DATA_DIR ?= $(CURDIR)/var

.DEFAULT_GOAL := help
.PHONY: help run test lint fmt check bench messages clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run ## Serve the portal on http://127.0.0.1:8000 with the demo data and a task worker
	$(BIN)/openchorus serve --demo --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test ## Run the whole test suite (browser and PostgreSQL tests when present)
	OPENCHORUS_DATA_DIR=$(CURDIR)/var/test $(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src/openchorus/einvoice

fmt: $(VENV)/.installed-test ## Format the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: $(VENV)/.installed-run ## Deployment checks and missing migrations
	$(BIN)/openchorus check --deploy --fail-level ERROR
	$(BIN)/openchorus makemigrations --check --dry-run

bench: $(VENV)/.installed-test ## Run the benchmarks in bench/ (figures go to docs/perf.md)
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

messages: $(VENV)/.installed-test ## Refresh the English catalogue and compile it (needs gettext)
	cd src/openchorus && ../../$(BIN)/openchorus makemessages -l en --no-obsolete --add-location file
	cd src/openchorus && ../../$(BIN)/openchorus compilemessages -l en

clean: ## Remove the virtualenv and the local data
	rm -rf $(VENV) var
