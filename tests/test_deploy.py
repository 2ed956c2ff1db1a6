"""The documented deployment, `gunicorn app:server -w N`, serves the page, including for the longest links."""

from __future__ import annotations

import sys
import urllib.request
from pathlib import Path

import pytest

from experiments.limits import MAX_QUERY_LENGTH
from tests.conftest import _free_port, serve


@pytest.fixture(scope="module")
def gunicorn_url():
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    yield from serve([str(gunicorn), "app:server", "-w", "2", "-b", f"127.0.0.1:{port}"], f"http://127.0.0.1:{port}/")


def test_gunicorn_serves_the_page(gunicorn_url):
    with urllib.request.urlopen(gunicorn_url, timeout=10) as response:
        assert response.status == 200
        assert b"Descent Lab" in response.read()


def test_gunicorn_accepts_a_link_as_long_as_the_parser_reads(gunicorn_url):
    # gunicorn's default request line is 4,094 bytes; gunicorn.conf.py lifts it for long shared links.
    query = "surface=rosenbrock&" + "opt=adam(lr=0.01)&" * (MAX_QUERY_LENGTH // 18)
    with urllib.request.urlopen(gunicorn_url + "?" + query, timeout=10) as response:
        assert response.status == 200
