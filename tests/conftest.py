"""Shared fixtures: a real app server on a free local port, and headless Debian Chromium via Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SERVER_LOGS: list = []  # (command, log file) of every server a test started, for the report of a failure


def serve(command: list[str], url: str):
    """Start a server process, wait until `url` answers, yield, then stop it. Fails with the server's output.

    The server's log goes to a file, not a pipe: nobody reads a pipe while tests run, and a full one (a few
    hundred request lines) would block the server mid-request. A failing test's report ends with its tail.
    """
    log = tempfile.TemporaryFile(mode="w+")
    SERVER_LOGS.append((command, log))
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait()
                log.seek(0)
                raise RuntimeError(f"{command[0]} did not start:\n{log.read()}") from None
            time.sleep(0.2)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        SERVER_LOGS.remove((command, log))
        log.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test's report carries the end of each running server's log (a 500's traceback is there)."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for command, log in SERVER_LOGS:
            log.flush()
            log.seek(0)
            tail = log.read()[-4000:]
            log.seek(0, 2)
            report.sections.append((f"server log: {' '.join(command[-4:])}", tail))


@pytest.fixture(scope="session")
def live_server():
    """`python app.py` exactly as a user starts it, on 127.0.0.1 and a free port."""
    port = _free_port()
    yield from serve([sys.executable, "app.py", "--port", str(port)], f"http://127.0.0.1:{port}")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors and failed requests; the test fails on any of them."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    # A request cut short by a navigation (net::ERR_ABORTED, e.g. on reload) is not a failure of the app.
    page.on("requestfailed", lambda request: "ERR_ABORTED" not in (request.failure or "")
            and page.console_errors.append(f"failed: {request.url} ({request.failure})"))
    yield page
    context.close()
    assert page.console_errors == [], "the page logged errors"
