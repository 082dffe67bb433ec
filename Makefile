# Carnet de Territoire — two commands on a fresh machine:
#   make run    installs, builds the Nord pack and starts the app
#   make test   installs and runs the whole test suite
#   make test-fast  the tests that need neither the sources, a browser nor PostGIS
# Sources folder: CARNET_SOURCES (default: data/sources). See README.md.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test test-fast install build assets lint

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

assets: install
	$(PY) -m carnet.maps.assets install

build: install
	$(PY) -m carnet build --pack nord

run: assets build
	$(VENV)/bin/streamlit run app.py --server.port $(PORT)

test: assets
	$(PY) -m pytest

# Tier ``fast`` (marked by tests/conftest.py): the tiny pack of tests/fixtures.py instead of
# the real sources, no browser, no PostGIS; the sources and database variables are unset.
# Measured 2026-12-02 on an idle 2-core machine: 708 tests in 1 min 9 s (2 min 3 s of CPU,
# no test over 4 s: the time is the sum of many small AppTests; benchmarks/ would be the place
# for a finer budget).
test-fast: assets
	env -u CARNET_SOURCES -u CARNET_TEST_DATABASE_URL -u CARNET_PACK $(PY) -m pytest -q -m fast -n 2

lint: install
	$(VENV)/bin/ruff check .
