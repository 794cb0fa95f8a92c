# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out/demo

.PHONY: demo test lint install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/walkaway analyze data/samples --out $(OUT)
	@echo "Tables are in $(OUT)/ (prospects.csv, signals.csv, summary.json); open the report:"
	@echo "$(OUT)/report/index.html"

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/python -m ruff check src tests
	$(BIN)/python -m ruff format --check src tests

clean:
	rm -rf $(VENV) build dist out src/*.egg-info .pytest_cache
