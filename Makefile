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

bench: $(VENV)/.installed-test browser-deps
	$(PY) bench/engine.py
	$(PY) bench/ui.py
	$(PY) bench/sweep.py
	$(PY) bench/sharing.py
	$(PY) bench/why.py
	$(PY) bench/yours.py
	$(PY) bench/load.py
	$(PY) bench/cold_start.py

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,serve]'
	touch $@ $(VENV)/.installed

# Browser tests drive Debian's Chromium through Playwright (no browser download); Noto CJK draws the Chinese.
BROWSER_PACKAGES := chromium chromium-driver fonts-noto-cjk
browser-deps:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 \
		&& fc-list :lang=zh 2>/dev/null | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing $(BROWSER_PACKAGES) with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; \
	else \
		echo "Browser tests need Chromium and a CJK font. Install them, e.g.: sudo apt-get install $(BROWSER_PACKAGES)"; \
		exit 1; \
	fi

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache screenshots
