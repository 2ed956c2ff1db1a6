"""Why a step went where it did: what the step inspector, the arrows, the 3-D view and a dragged start cost.

    python bench/why.py [--no-browser]

Server side: explaining a window of steps (per rule), its bytes, the arrows' vectors, the 3-D figure, and one
live-drag answer. In headless Chromium: live redraws a second while the start marker is dragged at 60 pointer
events a second (6 runs × 1,000 steps), and the 3-D heads' restyle. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.engine import machine  # noqa: E402
from bench.ui import CHROMIUM_ARGS, app_server, six_query  # noqa: E402
from experiments import run  # noqa: E402
from experiments.url import parse  # noqa: E402
from ui.callbacks import live_paths  # noqa: E402
from ui.inspector import inspection, vectors  # noqa: E402
from ui.surface3d import surface_figure  # noqa: E402

RULES = "&".join(f"opt={name}" for name in ("momentum(lr=0.0005)", "adagrad(lr=0.3)", "rmsprop(lr=0.01)",
                                             "adadelta(lr=1)", "adam(lr=0.05)", "lamb(lr=0.02)", "newton(lr=0.5)",
                                             "lbfgs(lr=0.5)"))


def timed(call, repeat: int = 5):
    times, value = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        value = call()
        times.append(time.perf_counter() - began)
    return statistics.median(times), value


def sizes(data) -> str:
    raw = orjson.dumps(data)
    return f"{len(raw) / 1024:.0f} KB JSON, {len(gzip.compress(raw)) / 1024:.0f} KB gzip"


def server() -> None:
    result = run(parse(f"surface=rosenbrock&start=-1.5,2&steps=1000&{RULES}")[0], engine="compiled")
    print("explaining a window of drawn steps around step 500 (the first answer a paused page gets):")
    for index, rr in enumerate(result.runs):
        seconds, data = timed(lambda i=index: inspection(result, i, 500), repeat=3)
        print(f"  {rr.run.optimizer:9s} {len(data['steps']):4d} steps  {seconds * 1000:6.0f} ms  "
              f"{seconds / len(data['steps']) * 1e6:6.0f} µs a step  {sizes(data)}")
    seconds, data = timed(lambda: vectors(result, list(range(len(result.runs)))))
    print(f"arrows and cross for all {len(result.runs)} runs × 1,000 steps: {seconds * 1000:.1f} ms, {sizes(data)}")
    seconds, data = timed(lambda: surface_figure(result))
    print(f"the 3-D figure: {seconds * 1000:.1f} ms, {sizes(data)}")
    query = six_query()
    live_paths(query, -1.2, 1.9)
    seconds, data = timed(lambda: live_paths(query, -1.2 + time.perf_counter() % 0.01, 1.9), repeat=20)
    print(f"one live-drag answer, 6 runs × 1,000 steps: {seconds * 1000:.1f} ms, {sizes(data)}")


def browser() -> None:
    from playwright.sync_api import sync_playwright

    with app_server() as base, sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = chromium.new_page(viewport={"width": 1366, "height": 768})
        page.goto(base + "/?" + six_query())
        page.wait_for_function("window.descentLab && descentLab.player.frames > 0", timeout=60_000)
        page.wait_for_timeout(15_000)  # the kernels compile in the background
        page.evaluate("descentLab.pause()")
        start = page.evaluate("""() => { const gd = document.querySelector('#contour .js-plotly-plot');
            const t = gd._fullData.find((t) => t.meta && t.meta.role === 'start');
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
            return [box.left + xa._offset + xa.c2p(t.x[0]), box.top + ya._offset + ya.c2p(t.y[0])]; }""")
        page.mouse.move(*start)
        page.mouse.down()
        drag = page.evaluate("""([x0, y0]) => new Promise((done) => {
            const t0 = performance.now(), before = descentLab.player.liveDrawn || 0; let moves = 0;
            function frame(now) { const s = (now - t0) / 1000; moves++;
                window.dispatchEvent(new PointerEvent('pointermove', {clientX: x0 + 60 * s, clientY: y0 + 45 * s,
                    pointerId: 1, isPrimary: true, bubbles: true}));
                if (s < 4) requestAnimationFrame(frame);
                else done({seconds: s, moves, drawn: (descentLab.player.liveDrawn || 0) - before}); }
            requestAnimationFrame(frame); })""", start)
        page.mouse.up()
        print(f"dragging the start, 6 runs × 1,000 steps: {drag['drawn']} live redraws in {drag['seconds']:.1f} s "
              f"= {drag['drawn'] / drag['seconds']:.1f} a second ({drag['moves']} pointer moves)")
        chromium.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    print(machine())
    server()
    if not args.no_browser:
        browser()


if __name__ == "__main__":
    main()
