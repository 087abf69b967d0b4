# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_TOOLS := $(VENV)/.installed-tools
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
STAMP_BENCH := $(VENV)/.installed-bench
STAMP_PG := $(VENV)/.installed-postgres
# Exact versions with their hashes: what `make run` and `make test` install (`make lock` refreshes).
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
# pip and setuptools themselves, by hash too: setuptools builds the bot (--no-build-isolation).
TOOLS_LOCK := requirements-tools.lock
# The runtime lock plus asyncpg: installed by `make run` only when DATABASE_URL (in the
# environment or .env) names PostgreSQL; a SQLite user installs nothing more.
PG_LOCK := requirements-postgres.lock
ENV_FILE ?= $(or $(HEROES_ENV_FILE),.env)
WANTS_PG := $(or $(filter postgres%,$(DATABASE_URL)),$(shell grep -sqE \
	'^[[:space:]]*(export[[:space:]]+)?DATABASE_URL[[:space:]]*=[[:space:]]*["'"'"']?postgres' \
	$(ENV_FILE) && echo yes))
RUN_NEEDS := $(STAMP_RUN) $(if $(WANTS_PG),$(STAMP_PG))
UV := uv==0.13.9
COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --upgrade --quiet --custom-compile-command "make lock"

.PHONY: run test lint format sandbox sync clean bench lock image-check i18n

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The pip and setuptools a venv starts with are old (setuptools 65 has known vulnerabilities,
# and the SPDX license field needs 77+): upgrade them before anything is installed.
$(STAMP_TOOLS): $(TOOLS_LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(TOOLS_LOCK)
	touch $@

# The lock first (pip checks every hash), then the bot itself without resolving anything again.
$(STAMP_RUN): pyproject.toml $(LOCK) | $(STAMP_TOOLS)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(STAMP_PG): pyproject.toml $(PG_LOCK) | $(STAMP_RUN)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(PG_LOCK)
	touch $@

$(STAMP_DEV): pyproject.toml $(DEV_LOCK) | $(STAMP_TOOLS)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@ $(STAMP_RUN)

$(STAMP_BENCH): pyproject.toml | $(STAMP_DEV)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@ $(STAMP_DEV) $(STAMP_RUN)

run: $(RUN_NEEDS)
	$(BIN)/python -m bot

sandbox: $(RUN_NEEDS)
	$(BIN)/python -m bot sandbox $(if $(LOCALE),--locale $(LOCALE))

sync: $(RUN_NEEDS)
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

# Extract every string (code and command tree) into bot/i18n/locale/heroes.pot, merge it into each
# language's .po (new strings empty: translate them by hand) and compile the .mo files.
i18n: $(STAMP_DEV)
	$(BIN)/python -m bot.i18n update

# heroes-bot against a minimal discord.py bot on the emulator; see BENCHMARKS.md.
# BENCH=--quick for a shorter run; results and plots go to bench-results/.
BENCH ?= --full
bench: $(STAMP_BENCH)
	$(BIN)/python -m bench $(BENCH) --out bench-results

# Refresh the locks to the newest versions pyproject.toml allows (review the diff, then commit).
# The dev lock is constrained by the runtime lock: tests run the versions `make run` installs.
lock: | $(STAMP_TOOLS)
	$(BIN)/python -m pip install --quiet "$(UV)"
	$(COMPILE) -o $(LOCK)
	$(COMPILE) --extra dev --constraints $(LOCK) -o $(DEV_LOCK)
	$(COMPILE) --extra postgres --constraints $(LOCK) -o $(PG_LOCK)
	printf 'pip\nsetuptools>=78.1.1\n' | $(COMPILE:pyproject.toml=-) -o $(TOOLS_LOCK)

# Build the Dockerfile with podman on a Debian base made by mmdebstrap (no registry needed) and
# check the image in a chroot: user, health check, volume, no token, heroes-bot's commands.
# Needs root, podman and mmdebstrap (apt-get install podman mmdebstrap); see the script.
image-check:
	bash scripts/image-check.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
