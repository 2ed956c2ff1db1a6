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


@pytest.mark.browser
def test_the_app_works_end_to_end_under_gunicorn_with_two_workers(gunicorn_url, page):
    """Two workers, no shared state: each callback may land on either, and the page still works."""
    from experiments import run
    from experiments.url import parse
    from tests.browser import as_float32, current_query, open_app, traces, wait_for_result

    open_app(page, gunicorn_url.rstrip("/"), "surface=saddle&steps=200&opt=gd(lr=0.05)&opt=sgd(lr=0.05,noise=0.3)")
    for _ in range(3):  # several edits, so several requests spread over the workers
        previous = current_query(page)
        page.click("#add-run")
        wait_for_result(page, previous)
    result = run(parse(current_query(page))[0])
    paths = traces(page, "contour", "path")
    assert len(paths) == len(result.runs) == 5
    for path, rr in zip(paths, result.runs, strict=True):
        assert as_float32(path["x"]).tolist() == rr.points[:, 0].astype("float32").tolist()
