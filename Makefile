# Carnet de Territoire — two commands on a fresh machine:
#   make run    installs, builds the Nord pack and starts the app
#   make test   installs and runs the whole test suite
# Sources folder: CARNET_SOURCES (default: data/sources). See README.md.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test install build assets lint

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

assets: install
	$(PY) -m carnet.maps.assets install

build: install
	$(PY) -m carnet build --territoire nord

run: assets build
	$(VENV)/bin/streamlit run app.py --server.port $(PORT)

test: assets
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
