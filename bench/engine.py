"""Engine benchmarks: wall time and µs per run-step of experiments.run(). Prints figures; asserts nothing.

    python bench/engine.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from experiments import Experiment, Run, run

SIX = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")


def cases() -> list[tuple[str, str, Experiment]]:
    different = Experiment("rosenbrock", [Run(name, lr=1e-3) for name in SIX], steps=1000)
    sweep = Experiment("rosenbrock", [Run(name, lr=float(lr)) for name in SIX for lr in np.logspace(-5, -1, 256)],
                       steps=1000)
    long_gd = Experiment("ellipse", [Run("gd", lr=0.01)], steps=100_000, surface_params={"kappa": 100.0})
    return [
        ("a", "6 different optimizers x 1,000 steps, rosenbrock", different),
        ("b", "6 optimizers x 256 learning rates x 1,000 steps, rosenbrock", sweep),
        ("c", "gd x 100,000 steps, ellipse kappa=100", long_gd),
    ]


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} cores, {model or platform.processor()}, Python {platform.python_version()}, "
            f"numpy {np.__version__}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed repetitions per case (median reported)")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"{'case':<5}{'what':<62}{'median':>12}{'min':>12}{'us/run-step':>14}")
    for key, what, experiment in cases():
        run(experiment)  # warm-up
        repeat = args.repeat if experiment.steps * len(experiment.runs) <= 10**6 else max(3, args.repeat // 2)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            run(experiment)
            times.append(time.perf_counter() - started)
        median = statistics.median(times)
        per_step = median / (experiment.steps * len(experiment.runs)) * 1e6
        print(f"{key:<5}{what:<62}{median * 1e3:>10.1f}ms{min(times) * 1e3:>10.1f}ms{per_step:>14.3f}")


if __name__ == "__main__":
    main()
