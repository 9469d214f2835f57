# Two commands for a newcomer:  make run  (the app on the shipped data)  ·  make test  (everything)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test install install-test vendor browser nginx validate national lint bench bench-capacity bench-first-answer docs serve serve-stop clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed vendor

install-test: $(VENV)/.installed-test vendor browser nginx

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

# Debian's nginx for `make serve` and tests/test_deploy.py (the reverse proxy in deploy/).
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  echo "Installing Debian's nginx for deploy/ and its test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }

# A region on one machine: nginx on 127.0.0.1:$(SERVE_PORT) in front of N app replicas and
# the ORUK API (/api/oruk/). Ctrl+C (or `make serve-stop` elsewhere) stops everything.
N ?= 2
SERVE_PORT ?= 8080
serve: install nginx
	PYTHON=$(PY) WAYMARK_PORT=$(SERVE_PORT) bash deploy/serve.sh start $(N)

serve-stop:
	PYTHON=$(PY) bash deploy/serve.sh stop

run: install
	$(VENV)/bin/streamlit run streamlit_app.py --server.port $(PORT) --server.address 127.0.0.1

# ruff (pyflakes, bugbear, imports, pyupgrade) and mypy (services/, pathways/), as configured in
# pyproject.toml; make test runs it first so CI enforces both.
lint: $(VENV)/.installed-test
	$(PY) -m ruff check .
	$(PY) -m mypy

test: install-test lint
	$(PY) -m pytest -q

# Performance at national scale (docs/PERFORMANCE.md): about 10 minutes on 2 cores.
# The gap report at 100,000 services beside the shipped data's (target: at most 2.5 times).
bench: $(VENV)/.installed-test
	$(PY) -m benchmarks.national
	$(PY) -m benchmarks.gaps_ratio

# docs/cli.md holds the real --help of every command (checked by tests/test_docs.py).
docs: $(VENV)/.installed-test
	$(PY) -m cogapp -r docs/cli.md

# Capacity through nginx, 1 and 2 replicas, shipped and 10,000 services (docs/PERFORMANCE.md).
bench-capacity: $(VENV)/.installed-test vendor nginx
	$(PY) -m benchmarks.capacity

# Enter-to-results and first input, Waymark beside a bare Streamlit app, in chromium.
bench-first-answer: $(VENV)/.installed-test vendor browser
	$(PY) -m benchmarks.first_answer

validate: $(VENV)/.installed
	$(PY) -m services validate
	$(PY) -m databuild national --check

# Regenerate the statutory spine (data/services/statutory_*.yaml) after editing data/sources/.
national: $(VENV)/.installed
	$(PY) -m databuild national

clean:
	rm -rf $(VENV) static/vendor .pytest_cache .hypothesis test-artifacts
