"""Sharing benchmarks: each lesson's engine time, the time from opening a lesson link to its first drawn frame
in headless Chromium, and the size and build time of the standalone HTML export.

    python bench/sharing.py [--no-browser]

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.engine import machine  # noqa: E402
from bench.ui import CHROMIUM_ARGS, app_server  # noqa: E402
from experiments import run  # noqa: E402
from experiments.lessons import LESSONS, lesson_link  # noqa: E402
from experiments.url import parse  # noqa: E402
from ui.callbacks import render_page  # noqa: E402
from ui.standalone import standalone_html  # noqa: E402

EXPORTS = {
    "default link (3 runs x 500 steps)": "",
    "lesson second-order (5 runs x 500 steps)": LESSONS["second-order"].query,
    "12 runs x 2,000 steps": "surface=himmelblau&steps=2000&" + "&".join(f"opt=sgd(lr=0.001,noise={k / 10!r})"
                                                                        for k in range(12)),
}


def lesson_engine_times() -> None:
    print("lesson engine time (median of 3):")
    for slug, lesson in LESSONS.items():
        experiment = parse(lesson.query)[0]
        times = []
        for _ in range(3):
            began = time.perf_counter()
            run(experiment)
            times.append(time.perf_counter() - began)
        print(f"  {slug:<20} {len(experiment.runs):>2} runs x {experiment.steps:>7,} steps: "
              f"{statistics.median(times) * 1000:7.1f} ms")


def page_render_time() -> None:
    link = lesson_link(LESSONS["zigzag"]) + "&lang=zh-TW&present=1"
    render_page(link)
    times = []
    for _ in range(20):
        began = time.perf_counter()
        render_page(link)
        times.append(time.perf_counter() - began)
    print(f"rendering the page from a lesson link (median of 20): {statistics.median(times) * 1000:.1f} ms")


def export_sizes() -> None:
    for name, query in EXPORTS.items():
        result = run(parse(query)[0])
        began = time.perf_counter()
        page = standalone_html(result)
        seconds = time.perf_counter() - began
        print(f"HTML export, {name}: {len(page.encode()) / 1e6:.2f} MB, built in {seconds * 1000:.0f} ms")


def time_to_first_frame() -> None:
    from playwright.sync_api import sync_playwright

    with app_server() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(base)  # scripts in the browser cache, as for a class that opened the app before
        page.wait_for_function("window.descentLab && descentLab.player.frames > 0", timeout=60_000)
        print("opening a lesson link to its first drawn frame (1366x768, result cache cold):")
        for slug, lesson in LESSONS.items():
            began = time.perf_counter()
            page.goto(f"{base}/?{lesson_link(lesson)}")
            page.wait_for_function("window.descentLab && descentLab.player.frames > 0", timeout=120_000)
            print(f"  {slug:<20} {(time.perf_counter() - began) * 1000:7.0f} ms")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measurement")
    args = parser.parse_args()
    print(machine())
    lesson_engine_times()
    page_render_time()
    export_sizes()
    if not args.no_browser:
        time_to_first_frame()


if __name__ == "__main__":
    main()
