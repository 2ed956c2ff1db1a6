"""Load benchmark: a class on the documented deployment. Prints figures; asserts nothing.

    python bench/load.py [--students 50] [--heavy 2] [--seconds 30] [--workers 2]

Starts `gunicorn app:server -w 2` (gunicorn.conf.py applies), records the page's real callback requests once in
headless Chromium (open the default link, type a learning rate), and replays them:
- each student, about every 2 s, edits the learning rates (new values each time, so the per-worker cache misses):
  the edit callback, then the run callback for the query it answers with. Their latency is the two together, as
  the student waits for both;
- each heavy client asks, back to back, for the heaviest link the work limit allows, each time with a new lr.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.engine import heaviest_links, machine  # noqa: E402
from experiments.url import to_query  # noqa: E402
from tests.conftest import CHROMIUM_ARGS  # noqa: E402

CALLBACK = "/_dash-update-component"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, log) -> subprocess.Popen:
    command = [str(Path(sys.executable).with_name("gunicorn")), "app:server", "-w", str(workers),
               "-b", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).read()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def record_callbacks(base: str) -> tuple[dict, dict]:
    """The edit and run callback requests the page sends when a learning rate is typed."""
    from playwright.sync_api import sync_playwright

    bodies = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(base + "/")
        page.wait_for_function("window.descentLab && descentLab.player.frames > 0", timeout=120_000)
        page.on("request", lambda r: CALLBACK in r.url and r.method == "POST" and bodies.append(r.post_data))
        field = page.locator('input[id*=\'"field":"lr"\'][id*=\'"run":0,\']')
        field.fill("0.0025")
        field.press("Enter")
        page.wait_for_function("descentLab.player.query.indexOf('gd(lr=0.0025)') >= 0", timeout=60_000)
        browser.close()
    requests = [json.loads(body) for body in bodies]
    edit = next(r for r in requests if r["output"].startswith("..query.data"))
    again = next(r for r in requests if r["output"].startswith("..contour.figure"))
    return edit, again


def post(port: int, body: dict) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("POST", CALLBACK, json.dumps(body), {"Content-Type": "application/json"})
        response = connection.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}")
        return json.loads(data) if data else {}
    finally:
        connection.close()


def with_learning_rates(edit: dict, rng: random.Random) -> dict:
    body = json.loads(json.dumps(edit))
    for group in body["inputs"]:
        for item in group if isinstance(group, list) else [group]:
            if isinstance(item.get("id"), dict) and item["id"].get("field") == "lr":
                item["value"] = float(f"{10 ** rng.uniform(-4, -1.5):.6g}")
    return body


def with_query(run_request: dict, query: str) -> dict:
    body = json.loads(json.dumps(run_request))
    body["inputs"][0]["value"] = query
    return body


def student(port, edit, run_request, stop, rng, latencies, errors):
    time.sleep(rng.uniform(0, 2))
    while not stop.is_set():
        began = time.perf_counter()
        try:
            answer = post(port, with_learning_rates(edit, rng))
            query = answer["response"]["query"]["data"]
            post(port, with_query(run_request, query))
            latencies.append(time.perf_counter() - began)
        except Exception as error:  # counted, not raised: the figure is how many fail
            errors.append(repr(error))
        stop.wait(max(0.0, rng.uniform(1.5, 2.5) - (time.perf_counter() - began)))


def heavy_client(port, run_request, stop, rng, latencies, errors):
    _, experiment = max(heaviest_links(), key=lambda item: item[1].steps * len(item[1].runs))
    base = to_query(experiment)
    fresh = dict(run_request, state=[{**s, "value": None} if s["id"] == "drawn" else s for s in run_request["state"]])
    while not stop.is_set():
        query = base.replace("lr=0.0001)", f"lr={rng.uniform(1e-4, 2e-4)!r})", 1)
        began = time.perf_counter()
        try:
            post(port, with_query(fresh, query))
            latencies.append(time.perf_counter() - began)
        except Exception as error:
            errors.append(repr(error))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def report(label: str, latencies: list[float], errors: list[str]) -> None:
    if latencies:
        print(f"{label:<34} {len(latencies):>6} requests  p50 {statistics.median(latencies) * 1e3:7.0f} ms  "
              f"p95 {percentile(latencies, 0.95) * 1e3:7.0f} ms  max {max(latencies) * 1e3:7.0f} ms  "
              f"errors {len(errors)}")
    else:
        print(f"{label:<34} no request finished; errors {len(errors)} {errors[:3]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--heavy", type=int, default=2, help="clients asking for the heaviest link back to back")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    port = free_port()
    log_path = ROOT / "bench" / "out" / "gunicorn.log"
    log_path.parent.mkdir(exist_ok=True)
    with log_path.open("w") as log:
        server = start_gunicorn(port, args.workers, log)
        try:
            edit, run_request = record_callbacks(f"http://127.0.0.1:{port}")
            time.sleep(5)  # let the workers finish compiling the lessons' kernels in the background
            for heavy in (0, args.heavy):
                stop = threading.Event()
                students, heavies, student_errors, heavy_errors = [], [], [], []
                threads = [threading.Thread(target=student, args=(port, edit, run_request, stop, random.Random(k),
                                                                  students, student_errors))
                           for k in range(args.students)]
                threads += [threading.Thread(target=heavy_client, args=(port, run_request, stop,
                                                                        random.Random(1000 + k), heavies, heavy_errors))
                            for k in range(heavy)]
                for thread in threads:
                    thread.start()
                time.sleep(args.seconds)
                stop.set()
                for thread in threads:
                    thread.join(timeout=180)
                print(f"gunicorn -w {args.workers}, {args.students} students, {heavy} heavy clients, "
                      f"{args.seconds:g} s:")
                report("  students (edit + run)", students, student_errors)
                if heavy:
                    report("  heavy clients (run)", heavies, heavy_errors)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
