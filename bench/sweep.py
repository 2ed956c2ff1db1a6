"""Sweep benchmarks: server time of a phase diagram, a many-rate sweep and "tune all", and the bytes a 64 × 64
diagram sends. Prints figures; asserts nothing.

    python bench/sweep.py [--repeat N]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.engine import SIX, machine
from experiments import compiled
from experiments.sweep import sweep, tune
from experiments.url import parse, to_query

PHASE = ("surface=ellipse&kappa=100&start=-4,0.5&steps=1000&opt=momentum(lr=0.01)"
         "&sweep=lr:0.001:0.1:64&sweep=momentum:0:0.99:64&measure=steps_to_tolerance&tolerance=1e-6")
SIX_BY_256 = "surface=rosenbrock&steps=1000&" + "&".join(f"opt={name}(lr=0.001)" for name in SIX) + \
    "&sweep=lr:1e-5:1:256"
TUNE_SIX = "surface=rosenbrock&steps=1000&" + "&".join(f"opt={name}(lr=0.001)" for name in SIX)


def timed(action, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def callback_time(query: str, repeat: int) -> tuple[float, int, int]:
    """The sweep callback for a fresh link (its caches cleared), and the bytes of its answer (JSON, gzip)."""
    from plotly.io.json import to_json_plotly

    from ui import callbacks

    times = []
    for _ in range(repeat):
        callbacks._sweep_table.cache_clear()
        callbacks._measured.cache_clear()
        started = time.perf_counter()
        outputs = callbacks.on_sweep(query, 0, {"lang": "en"})
        text = to_json_plotly(list(outputs))
        times.append(time.perf_counter() - started)
    return statistics.median(times), len(text.encode()), len(gzip.compress(text.encode()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed repetitions per case (median reported)")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    phase, six, tune_six = (parse(q)[0] for q in (PHASE, SIX_BY_256, TUNE_SIX))
    for optimizer, surface in compiled.pairs_of([phase, six]):
        compiled.prepare(optimizer, surface)
    rows = [
        ("64 x 64 phase diagram, momentum x 1,000 steps, ellipse kappa=100 (sweep())", "<= 500 ms",
         lambda engine: sweep(phase, engine=engine)),
        ("6 optimizers x 256 lr x 1,000 steps, rosenbrock (sweep())", "<= 300 ms",
         lambda engine: sweep(six, engine=engine)),
        ("tune all: 6 runs x 64 lr x 1,000 steps, rosenbrock (tune())", "<= 1 s",
         lambda engine: tune(tune_six, engine=engine)),
    ]
    print(f"{'what':<82}{'target':>11}{'compiled':>11}{'numpy':>11}")
    for what, target, action in rows:
        fast = statistics.median(timed(functools.partial(action, "compiled"), args.repeat))
        slow = statistics.median(timed(functools.partial(action, "numpy"), 1))
        print(f"{what:<82}{target:>11}{fast * 1e3:>9.0f}ms{slow * 1e3:>9.0f}ms")
    seconds, raw, zipped = callback_time(to_query(phase), args.repeat)
    print(f"sweep callback for the 64 x 64 diagram, caches cleared, incl. JSON: median {seconds * 1e3:.0f} ms; "
          f"{raw / 1e3:.0f} KB JSON, {zipped / 1e3:.1f} KB gzip (target <= 100 KB gzip)")
    seconds, raw, zipped = callback_time(to_query(six), args.repeat)
    print(f"sweep callback for 6 x 256, caches cleared, incl. JSON: median {seconds * 1e3:.0f} ms; "
          f"{raw / 1e3:.0f} KB JSON, {zipped / 1e3:.1f} KB gzip")


if __name__ == "__main__":
    main()
