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


RUN_CALLBACK = {
    "output": "..contour.figure...curves.figure...results.children...status.children...drawn.data...playback.data..",
    "outputs": [{"id": name, "property": prop} for name, prop in (
        ("contour", "figure"), ("curves", "figure"), ("results", "children"), ("status", "children"),
        ("drawn", "data"), ("playback", "data"))],
    "changedPropIds": ["query.data"],
    "state": [{"id": "drawn", "property": "data", "value": None},
              {"id": "view", "property": "data", "value": {"lang": "en"}}],
}


def _run_callback(base: str, query: str) -> dict:
    import json

    body = {**RUN_CALLBACK, "inputs": [{"id": "query", "property": "data", "value": query},
                                       {"id": "zoom-box", "property": "data", "value": None}]}
    request = urllib.request.Request(base + "_dash-update-component", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.status == 200
        return json.loads(response.read())


def test_a_heavy_link_does_not_hold_up_a_small_one_in_the_same_worker():
    """One worker: while it steps the heaviest kind of link, a student's small edit is still answered first
    (gunicorn.conf.py gives each worker threads, and the compiled engine releases the GIL while it steps)."""
    import threading
    import time

    from experiments.url import parse, to_query

    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    base = f"http://127.0.0.1:{port}/"
    heavy = to_query(parse("surface=crescent&steps=100000&" + "&".join(
        f"opt=nadam(lr={0.0001 * (k + 1)!r})" for k in range(12)))[0])
    small = to_query(parse("surface=saddle&steps=50&opt=gd(lr=0.05)")[0])
    finished = []

    def ask_for_the_heavy_link(server):
        _run_callback(server, heavy)
        finished.append("heavy")

    for server in serve([str(gunicorn), "app:server", "-w", "1", "-b", f"127.0.0.1:{port}"], base):
        _run_callback(server, heavy.replace("0.0001)", "0.00011)"))  # compiles or loads the kernel first
        slow = threading.Thread(target=ask_for_the_heavy_link, args=(server,))
        slow.start()
        time.sleep(0.05)
        answer = _run_callback(server, small)
        finished.append("small")
        slow.join()
        assert finished == ["small", "heavy"]
        assert "contour" in answer["response"]
