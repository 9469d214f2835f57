# Two commands for a newcomer:  make run  (the app on the shipped data)  ·  make test  (everything)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test install install-test vendor browser validate national bench docs clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed vendor

install-test: $(VENV)/.installed-test vendor browser

# Leaflet, its marker-cluster plugin and axe-core come from npm at setup (never committed)
# and are served by Streamlit's static serving, so the map works with no internet.
vendor: static/vendor/.installed

static/vendor/.installed: scripts/vendor.sh
	bash scripts/vendor.sh
	touch $@

# Debian's chromium for the browser tests (Playwright cannot download its own here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: install
	$(VENV)/bin/streamlit run streamlit_app.py --server.port $(PORT) --server.address 127.0.0.1

test: install-test
	$(PY) -m pytest -q

# Performance at national scale (docs/PERFORMANCE.md): about 7 minutes on 2 cores.
bench: $(VENV)/.installed-test
	$(PY) -m benchmarks.national

# docs/cli.md holds the real --help of every command (checked by tests/test_docs.py).
docs: $(VENV)/.installed-test
	$(PY) -m cogapp -r docs/cli.md

validate: $(VENV)/.installed
	$(PY) -m services validate
	$(PY) -m services build-national --check

# Regenerate the statutory spine (data/services/statutory_*.yaml) after editing data/sources/.
national: $(VENV)/.installed
	$(PY) -m services build-national

clean:
	rm -rf $(VENV) static/vendor .pytest_cache .hypothesis test-artifacts
