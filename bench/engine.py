"""Engine benchmarks: wall time and µs per run-step of experiments.run(), compiled and NumPy. Prints figures;
asserts nothing.

    python bench/engine.py [--repeat N] [--no-numpy]
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

from experiments import Experiment, Run, compiled, run
from experiments.limits import MAX_STEPS, MAX_WORK
from experiments.url import work_per_step

SIX = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
TWELVE = ("gd", "momentum", "nesterov", "sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "nadam", "radam",
          "adamax")


def heaviest_links() -> list[tuple[str, Experiment]]:
    """The links the work limit allows that take longest (measured: NAdam is the slowest plain rule, L-BFGS's
    full history the slowest step, and the crescent's exponentials the slowest surface)."""
    nadams = [Run("nadam", lr=1e-4 * (k + 1)) for k in range(12)]
    lbfgs_and_nadams = [Run("lbfgs", lr=0.5)] + [Run("nadam", lr=1e-4 * (k + 1)) for k in range(4)]
    lbfgses = [Run("lbfgs", lr=0.1 * (k + 1)) for k in range(12)]
    links = [("12 nadam", nadams), ("lbfgs (history 100) + 4 nadam", lbfgs_and_nadams), ("12 lbfgs", lbfgses)]
    return [(name, Experiment("crescent", runs, steps=min(MAX_STEPS, MAX_WORK // work_per_step(runs))))
            for name, runs in links]


def cases() -> list[tuple[str, str, Experiment]]:
    different = Experiment("rosenbrock", [Run(name, lr=1e-3) for name in SIX], steps=1000)
    sweep = Experiment("rosenbrock", [Run(name, lr=float(lr)) for name in SIX for lr in np.logspace(-5, -1, 256)],
                       steps=1000)
    long_gd = Experiment("ellipse", [Run("gd", lr=0.01)], steps=100_000, surface_params={"kappa": 100.0})
    twelve = Experiment("rosenbrock", [Run(name, lr=1e-3) for name in TWELVE], steps=100_000)
    lbfgs = Experiment("rosenbrock", [Run("lbfgs", lr=0.5)], steps=100_000)
    out = [
        ("a", "6 different optimizers x 1,000 steps, rosenbrock", different),
        ("b", "6 optimizers x 256 learning rates x 1,000 steps, rosenbrock", sweep),
        ("c", "gd x 100,000 steps, ellipse kappa=100", long_gd),
        ("d", "12 different optimizers x 100,000 steps, rosenbrock", twelve),
        ("e", "lbfgs, full 100-pair history, x 100,000 steps, rosenbrock", lbfgs),
    ]
    return out + [(f"h{k}", f"heaviest allowed: {name} x {e.steps:,} steps, crescent", e)
                  for k, (name, e) in enumerate(heaviest_links(), start=1)]


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


def timed(experiment: Experiment, engine: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run(experiment, engine=engine)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed repetitions per case (median reported)")
    parser.add_argument("--no-numpy", action="store_true", help="time the compiled engine only")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    import numba

    print(f"numba {numba.__version__}, kernel cache {compiled.cache_folder()}")
    started = time.perf_counter()
    every = cases()
    for optimizer, surface in compiled.pairs_of([e for _, _, e in every]):
        compiled.prepare(optimizer, surface)
    print(f"kernels compiled or loaded for these cases in {time.perf_counter() - started:.1f} s")
    print(f"{'case':<5}{'what':<78}{'compiled':>11}{'us/run-step':>13}{'numpy':>11}")
    for key, what, experiment in every:
        fast = statistics.median(timed(experiment, "compiled", args.repeat))
        per_step = fast / (experiment.steps * len(experiment.runs)) * 1e6
        slow = ""
        if not args.no_numpy:
            heavy = experiment.steps * work_per_step(list(experiment.runs)) > 200_000
            slow = f"{statistics.median(timed(experiment, 'numpy', 1 if heavy else 3)) * 1e3:>9.0f}ms"
        print(f"{key:<5}{what:<78}{fast * 1e3:>9.1f}ms{per_step:>13.3f}{slow:>11}")


if __name__ == "__main__":
    main()
