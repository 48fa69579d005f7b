# Two entry points: `make demo` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Every tap-*/ package is part of the suite; taps-common/ is what they share.
TAPS := $(patsubst %/pyproject.toml,%,$(sort $(wildcard tap-*/pyproject.toml)))
PACKAGES := taps-common $(TAPS)

.PHONY: demo test lint typecheck pytest bench lock plugins clean

# The pinned development environment (requirements-dev.txt, from `make lock`).
$(BIN)/.installed: requirements-dev.txt pyproject.toml $(foreach package,$(PACKAGES),$(package)/pyproject.toml)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# PyAirbyte, for the Airbyte tests and benchmarks (see requirements-airbyte.in).
AIRBYTE_VENV := .venv-airbyte
AIRBYTE_PYTHON ?= $(PYTHON)
$(AIRBYTE_VENV)/.installed: requirements-airbyte.txt
	$(AIRBYTE_PYTHON) -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 12))' \
		|| { echo "PyAirbyte needs Python 3.10-3.12: make AIRBYTE_PYTHON=python3.12" >&2; exit 1; }
	$(AIRBYTE_PYTHON) -m venv $(AIRBYTE_VENV)
	$(AIRBYTE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(AIRBYTE_VENV)/bin/python -m pip install --quiet -r requirements-airbyte.txt
	touch $@

.meltano/.installed: meltano.yml $(BIN)/.installed
	MELTANO_SEND_ANONYMOUS_USAGE_STATS=false $(BIN)/meltano install
	touch $@

demo: .meltano/.installed
	mkdir -p output && rm -f output/warehouse.duckdb
	$(BIN)/python -m sandbox --no-rate-limits --exec -- \
		$(BIN)/meltano --environment=sandbox run --full-refresh \
		$(foreach tap,$(TAPS),$(tap) target-duckdb)
	$(BIN)/python scripts/warehouse_summary.py output/warehouse.duckdb

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(BIN)/.installed
	$(BIN)/mypy

pytest: .meltano/.installed $(AIRBYTE_VENV)/.installed
	TZ=Asia/Kolkata $(BIN)/pytest

test: lint typecheck pytest

# Not part of make test: minutes of work, and figures rather than pass/fail.
bench: $(BIN)/.installed $(AIRBYTE_VENV)/.installed
	$(BIN)/python -m bench

# Re-pin the development environment after a dependency changes (uv comes with meltano).
lock: $(BIN)/.installed
	$(BIN)/uv pip compile --quiet --universal --python-version 3.10 --no-header \
		--output-file requirements-dev.txt requirements-dev.in
	$(BIN)/uv pip compile --quiet --python-version 3.11 --no-header \
		--output-file requirements-airbyte.txt requirements-airbyte.in

# Rewrite plugins/extractors/ (Meltano Hub definitions) from the taps' --about.
plugins: $(BIN)/.installed
	$(BIN)/python scripts/plugin_definitions.py

clean:
	rm -rf $(VENV) $(AIRBYTE_VENV) .meltano output .bench
