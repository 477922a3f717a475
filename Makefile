# Insights Portal. `make run` starts the portal; `make test` runs the whole suite. Both set themselves up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8501
SUDO   := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: setup system-deps run test test-fast lint bench demo screenshots clean

setup: $(STAMP)

# The virtualenv, with the project (editable) and its test dependencies.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))."; exit 1; }
	@$(PYTHON) -m venv --help >/dev/null 2>&1 && $(PYTHON) -c 'import ensurepip' 2>/dev/null || \
		{ $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Debian packages the test suite drives for real: Chromium (browser tests) and PostgreSQL (store tests).
system-deps:
	@command -v chromium >/dev/null 2>&1 && { command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; } || \
		{ $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium postgresql >/dev/null; }

run: setup
	$(BIN)/portal demo --if-empty
	$(BIN)/streamlit run app.py --server.port $(PORT)

test: setup system-deps lint
	$(BIN)/python -m pytest -n 2 -q

# Repeated logic (pylint's duplicate-code check) and unsorted, unused or undefined imports (ruff) fail the
# build; settings in pyproject.toml.
lint: setup
	$(BIN)/ruff check src pages app.py tests benchmarks scripts
	$(BIN)/pylint --score=n src/portal pages app.py

test-fast: setup
	$(BIN)/python -m pytest -n 2 -q -m "not e2e"

bench: setup
	$(BIN)/python benchmarks/run_all.py

demo: setup
	$(BIN)/portal demo

# A screenshot of every page at 1280 x 800 (light and dark theme) into docs/screenshots/, from a fresh demo store.
screenshots: setup system-deps
	$(BIN)/python scripts/screenshots.py --dark

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .hypothesis
