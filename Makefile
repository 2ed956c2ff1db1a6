# The README's two commands: `make run` and `make test`. Both work on a fresh clone.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8050

.PHONY: run test lint bench browser-deps clean

run: $(VENV)/.installed
	$(PY) app.py --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test browser-deps
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: $(VENV)/.installed-test
	$(PY) -m ruff check .

bench: $(VENV)/.installed
	$(PY) bench/engine.py

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,serve]'
	touch $@ $(VENV)/.installed

# Browser tests drive Debian's Chromium through Playwright (no browser download).
browser-deps:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing chromium and chromium-driver with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else \
		echo "Browser tests need Chromium. Install it, e.g.: sudo apt-get install chromium chromium-driver"; exit 1; \
	fi

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache screenshots
