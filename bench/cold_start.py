"""Cold start: how long the first visitors wait on a machine that has compiled nothing yet. Prints figures.

    python bench/cold_start.py [--cache DIR]

Starts `python app.py` (what `make run` runs) with an empty kernel cache, and as soon as it answers opens, in
headless Chromium: the first lesson, every other lesson, then links whose optimizer × surface pairs nobody has
used (a short run, and a 100,000-step one that is worth compiling for). Each figure is from navigation to the
first frame the player draws.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.engine import machine  # noqa: E402
from bench.load import free_port  # noqa: E402
from experiments.lessons import LESSONS, lesson_link  # noqa: E402
from tests.conftest import CHROMIUM_ARGS  # noqa: E402

FRESH_PAIRS = (
    ("radam on beale, 500 steps", "surface=beale&steps=500&opt=radam(lr=0.01)"),
    ("adamax on himmelblau, 100,000 steps", "surface=himmelblau&steps=100000&opt=adamax(lr=0.002)"),
    ("lamb on plateau, 100,000 steps", "surface=plateau&steps=100000&opt=lamb(lr=0.01)"),
)


def first_frame_seconds(page, url: str) -> float:
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_function("window.descentLab && descentLab.player.frames > 0 && descentLab.player.query",
                           timeout=120_000)
    return time.perf_counter() - started


def main() -> None:
    import argparse

    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", help="use this kernel cache instead of an empty one (to compare with a warm start)")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    cache = args.cache or tempfile.mkdtemp(prefix="descent-lab-cold-")
    port = free_port()
    environment = {**os.environ, "DESCENT_LAB_CACHE": cache}
    environment.pop("NUMBA_CACHE_DIR", None)
    began = time.perf_counter()
    server = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    try:
        while True:
            try:
                urllib.request.urlopen(base, timeout=1).read()
                break
            except OSError:
                time.sleep(0.05)
        print(f"server answering {time.perf_counter() - began:.1f} s after start (kernel cache {cache}, "
              f"{'given' if args.cache else 'empty'})")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            for number, lesson in enumerate(LESSONS.values(), start=1):
                seconds = first_frame_seconds(page, base + "?" + lesson_link(lesson))
                print(f"lesson {number:>2} {lesson.slug:<22} first frame after {seconds:5.2f} s "
                      f"({time.perf_counter() - began:5.1f} s after start)")
            for what, query in FRESH_PAIRS:
                seconds = first_frame_seconds(page, base + "?" + query)
                print(f"first use of {what:<38} first frame after {seconds:5.2f} s")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
