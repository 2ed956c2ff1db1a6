"""Web-app benchmarks: the run callback's server time and bytes, and playback frame rate in headless Chromium.

    python bench/ui.py [--repeat N] [--seconds S] [--no-browser]

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import gzip
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.engine import SIX, machine  # noqa: E402
from experiments import compiled  # noqa: E402
from experiments.url import parse, to_query  # noqa: E402
from ui.callbacks import on_query, render  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def six_query(steps: int = 1000, lr: float = 1e-3) -> str:
    runs = "&".join(f"opt={name}(lr={lr!r})" for name in SIX)
    return to_query(parse(f"surface=rosenbrock&steps={steps}&{runs}")[0])


def dash_json(outputs) -> bytes:
    """The response body as Dash writes it (plotly's JSON encoder, orjson when installed)."""
    from plotly.io.json import to_json_plotly

    return to_json_plotly({"response": list(outputs)}).encode()


def time_callback(repeat: int) -> None:
    query = six_query()
    for optimizer, surface in compiled.pairs_of([parse(query)[0]]):  # as the app's background compiler does
        compiled.prepare(optimizer, surface)
    previous = on_query(query, None, None)[4]  # the page already shows this surface
    variants = [query.replace("opt=gd(lr=0.001)", f"opt=gd(lr={0.001 + k * 1e-6!r})") for k in range(repeat + 1)]
    on_query(variants[0], None, previous)  # warm-up: imports, the landscape cache

    def timed(fresh: bool) -> list[float]:
        times = []
        for variant in variants[1:]:
            if fresh:
                render.cache_clear()
            started = time.perf_counter()
            dash_json(on_query(variant, None, previous))
            times.append(time.perf_counter() - started)
        return times

    fresh = timed(True)
    variants[1:] = [variants[-1]] * repeat  # the same query each time: served from the cache
    cached = timed(False)
    engine = render(variants[-1]).seconds
    print(f"run callback, 6 optimizers x 1,000 steps, rosenbrock (incl. JSON): median "
          f"{statistics.median(fresh) * 1e3:.1f} ms, min {min(fresh) * 1e3:.1f} ms; the engine {engine * 1e3:.0f} ms")
    print(f"run callback, same query again (per-worker cache hit):             median "
          f"{statistics.median(cached)*1e3:.1f} ms")


def report_bytes() -> None:
    for steps in (1000, 100_000):
        query = six_query(steps)
        first = on_query(query, None, None)
        rerun_query = query.replace("opt=gd(lr=0.001)", "opt=gd(lr=0.002)")
        rerun = on_query(rerun_query, None, first[4])
        for what, outputs in (("new surface (with landscape)", first), ("re-run, same surface", rerun)):
            body = dash_json(outputs)
            zipped = gzip.compress(body, compresslevel=6)
            print(f"bytes, 6 runs x {steps:,} steps, {what:<29}: JSON {len(body)/1024:7.1f} KB, gzip "
                  f"{len(zipped)/1024:6.1f} KB, per run {len(zipped)/1024/6:5.1f} KB (gzip)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def app_server():
    """`python app.py` on a free local port, until the block ends; yields its base URL."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base, timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def frame_rate(seconds: float) -> None:
    from playwright.sync_api import sync_playwright

    with app_server() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for width, height in ((1366, 768), (1920, 1080)):
            page = browser.new_page(viewport={"width": width, "height": height})
            for steps in (1000, 100_000):
                page.goto(f"{base}/?{six_query(steps)}")
                page.wait_for_function("window.descentLab && descentLab.player.frames > 0", timeout=120_000)
                figures = page.evaluate("""async (seconds) => {
                    const p = descentLab.player;
                    descentLab.seek(0); descentLab.play();
                    const frames = [];
                    let last = performance.now();
                    const started = last;
                    await new Promise((done) => {
                        const tick = (now) => {
                            frames.push(now - last); last = now;
                            if (!p.playing) { descentLab.seek(0); descentLab.play(); }
                            if (now - started < seconds * 1000) requestAnimationFrame(tick); else done();
                        };
                        requestAnimationFrame(tick);
                    });
                    const drawn = p.frames;
                    const t = performance.now();
                    for (let i = 0; i < 200; i++) descentLab.draw();
                    const drawMs = (performance.now() - t) / 200;
                    frames.sort((a, b) => a - b);
                    return {fps: 1000 * frames.length / (last - started), drawMs, drawn,
                            p95: frames[Math.floor(frames.length * 0.95)]};
                }""", seconds)
                print(f"playback, 6 runs x {steps:>7,} steps, {width}x{height}: {figures['fps']:5.1f} frames/s, "
                      f"95th-percentile frame {figures['p95']:5.1f} ms, draw() {figures['drawMs']:.2f} ms")
            page.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seconds", type=float, default=5.0, help="playback measured per case")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    time_callback(args.repeat)
    report_bytes()
    if not args.no_browser:
        frame_rate(args.seconds)


if __name__ == "__main__":
    main()
