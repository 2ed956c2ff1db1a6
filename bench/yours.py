"""Your own loss: what a typed formula and a surface of data cost (python bench/yours.py).

Prints: reading (parse + exact derivatives + code generation) of each built-in surface's formula, cold; one
gradient of a formula and of a 500-row regression; a typical link on each; the heaviest link they may ask for
(MAX_WORK_NUMPY_ONLY run-steps); a landscape over 500 rows; and the slowest of 2,000 hostile formulas.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from experiments import run
from experiments.data import Data, encode_inline
from experiments.formula import _read, read_formula
from experiments.limits import MAX_WORK_NUMPY_ONLY
from experiments.url import parse
from surfaces import SURFACES, get_surface
from tests.test_formula import hostile_cases


def timed(function, repeat: int = 1) -> float:
    began = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - began) / repeat


def main() -> None:
    read_formula("x")  # sympy loads once per process
    readings = []
    for cls in SURFACES.values():
        if cls.expression:
            _read.cache_clear()
            readings.append((cls.id, timed(lambda e=cls.expression: read_formula(e))))
    print("reading a formula (parse, exact gradient and Hessian, code generation), cold:")
    for name, seconds in readings:
        print(f"  {name:12s} {seconds * 1000:6.1f} ms")
    formula = get_surface("formula", f=SURFACES["rosenbrock"].expression, box="-2,2,-1,3")
    point = np.array([[0.3, 0.4]])
    print(f"one gradient, formula (Rosenbrock):     {timed(lambda: formula.gradient(point), 5000) * 1e6:6.1f} µs")
    rng = np.random.default_rng(0)
    rows = encode_inline(Data(rng.normal(100, 5, 500), rng.normal(0, 1, 500)))
    regression = get_surface("regression", data=rows)
    print(f"one gradient, regression (500 rows):    {timed(lambda: regression.gradient(point), 5000) * 1e6:6.1f} µs")
    print(f"one mini-batch gradient (16 rows):      "
          f"{timed(lambda: regression.gradient_rows(point[0], np.arange(16)), 5000) * 1e6:6.1f} µs")
    print(f"inline data of 500 random rows: {len(rows):,} characters in the link")
    from experiments.formula import critical_points
    from experiments.inspect import gradient_check

    rippled = read_formula("sin(3*x)*cos(3*y)+0.1*(x^2+y^2)")
    found = critical_points(rippled, (-3.0, 3.0, -3.0, 3.0))
    print(f"critical points of a rippled formula over ±3 ({len(found)} found): "
          f"{timed(lambda: critical_points(rippled, (-3.0, 3.0, -3.0, 3.0)), 20) * 1000:.1f} ms")
    window = np.random.default_rng(1).normal(size=(201, 2))
    print(f"gradient check of an inspector window (201 points), Rosenbrock formula: "
          f"{timed(lambda: gradient_check(formula, window), 200) * 1000:.2f} ms")
    links = {
        "formula, 3 runs × 500 steps": "surface=formula&steps=500&opt=gd(lr=0.001)&opt=momentum(lr=0.001)"
                                       "&opt=adam(lr=0.05)",
        "regression, full + batch 16 + batch 1, 300 steps": "surface=regression&normalize=true&steps=300"
            "&opt=sgd(lr=0.1)&opt=sgd(lr=0.1,batch=16)&opt=sgd(lr=0.1,batch=1)",
        f"formula, 12 runs, {MAX_WORK_NUMPY_ONLY:,} run-steps": "surface=formula&steps=100000&" + "&".join(
            f"opt=adam(lr={0.001 * (k + 1)})" for k in range(12)),
        f"regression 500 rows, 12 batch runs, {MAX_WORK_NUMPY_ONLY:,} run-steps": "surface=regression&data="
            + rows + "&steps=100000&" + "&".join(f"opt=sgd(lr={0.0001 * (k + 1)},batch=16)" for k in range(12)),
    }
    for name, link in links.items():
        experiment, _ = parse(link)
        print(f"{name}: {timed(lambda e=experiment: run(e)) * 1000:8.0f} ms ({experiment.steps:,} steps)")
    from ui.landscape import landscape

    settings = tuple(sorted(regression.settings.items()))
    print(f"landscape over 500 rows (201² grid, 320² image): {timed(lambda: landscape('regression', settings)):.2f} s")
    slowest = 0.0
    for text in hostile_cases(2_000, seed=11):
        slowest = max(slowest, timed(lambda t=text: parse("surface=formula&f=" + t)))
    print(f"slowest of 2,000 hostile formulas through parse: {slowest * 1000:.0f} ms")


if __name__ == "__main__":
    main()
