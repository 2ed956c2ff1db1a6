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


def serve(command: list[str], url: str):
    """Start a server process, wait until `url` answers, yield, then stop it. Fails with the server's output.

    The server's log goes to a file, not a pipe: nobody reads a pipe while tests run, and a full one (a few
    hundred request lines) would block the server mid-request.
    """
    log = tempfile.TemporaryFile(mode="w+")
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
        log.close()


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
