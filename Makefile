# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
STAMP_BENCH := $(VENV)/.installed-bench

.PHONY: run test lint format sandbox sync clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP_RUN)

$(STAMP_BENCH): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@ $(STAMP_DEV) $(STAMP_RUN)

run: $(STAMP_RUN)
	$(BIN)/python -m bot

sandbox: $(STAMP_RUN)
	$(BIN)/python -m bot sandbox

sync: $(STAMP_RUN)
	$(BIN)/python -m bot sync

test: $(STAMP_DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

lint: $(STAMP_DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP_DEV)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# heroes-bot against a minimal discord.py bot on the emulator; see BENCHMARKS.md.
# BENCH=--quick for a shorter run; results and plots go to bench-results/.
BENCH ?= --full
bench: $(STAMP_BENCH)
	$(BIN)/python -m bench $(BENCH) --out bench-results

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
