"""The compiled engine's stepping loops, as plain Python that numba compiles once per (update rule, surface).

experiments/compiled.py binds each template's free names to one rule and one surface before compiling it:
`rule` (the optimizer's update), `f`, `grad_f`, `hess_f` (the surface's scalar functions), `HYPER` and `STATE`
(how many hyperparameters the rule takes and how many entries its state has) and `CURVATURE` (whether a coupled
rule needs the Hessian). The loops do what experiments/runner.py's NumPy path does, one run and one coordinate at
a time: step, add the run's gradient noise (σ times its stream of unit normals), record the point, its loss, its
gradient norm and the internals, and stop a run at its first point that is non-finite or out of bounds. A sweep
records nothing per step: each run keeps only its summary (final and best loss, final distance to a minimum, first
step within a tolerance of one). Outputs are run-major, (runs, steps + 1, …), so
each run's record is one contiguous block.

Nothing here is an equation of a rule or a surface: those live once, in optimizers/ and surfaces/.
"""

from __future__ import annotations

import math

from numba.np.unsafe.ndarray import to_fixed_tuple

# Bound by experiments/compiled.py before compiling; the names only document what a template expects.
rule = f = grad_f = hess_f = None
HYPER = STATE = 0
CURVATURE = False


def _bad(x, y, loss, norm, radius):
    return not (math.isfinite(loss) and math.isfinite(norm) and abs(x) <= radius and abs(y) <= radius)


def _nearest(x, y, minima):
    """Distance to the nearest of the surface's minima, (m, 2); inf when it has none."""
    nearest = math.inf
    for m in range(minima.shape[0]):
        d = math.hypot(x - minima[m, 0], y - minima[m, 1])
        if d < nearest:
            nearest = d
    return nearest


def _measure(r, k, x, y, loss, minima, tolerance, summary, reached):
    """Fold point k of run r into its summary (final loss, best loss, final distance) and its first step within
    `tolerance` of a minimum, as experiments/measures.py defines them."""
    summary[r, 0] = loss
    if k == 0 or loss < summary[r, 1]:
        summary[r, 1] = loss
    if reached[r] < 0 and _nearest(x, y, minima) <= tolerance:
        reached[r] = k


def _finish(r, x, y, minima, summary, diverged_at):
    """A diverged run has no final loss or distance (NaN here, empty in every table)."""
    if diverged_at[r] >= 0:
        summary[r, 0] = math.nan
        summary[r, 2] = math.nan
    else:
        summary[r, 2] = _nearest(x, y, minima) if minima.shape[0] else math.nan


def elementwise_loop(start, constants, hyper, lr, noise, noise_row, sigma, initial, recorded, radius, record,
                     minima, tolerance, points, losses, norms, internals, diverged_at, summary, reached):
    """A rule applied to each coordinate on its own: x and y each carry their own state tuple. With `record` the
    whole path is written out; without, only each run's summary (a sweep's grid point)."""
    runs, steps = hyper.shape[0], lr.shape[1] - 1
    for r in range(runs):
        hp = to_fixed_tuple(hyper[r], HYPER)
        sx = to_fixed_tuple(initial[r], STATE)
        sy = sx
        x, y = start[0], start[1]
        gx, gy = grad_f(x, y, *constants)
        for k in range(steps + 1):
            loss, norm = f(x, y, *constants), math.hypot(gx, gy)
            if record:
                points[r, k, 0], points[r, k, 1], losses[r, k], norms[r, k] = x, y, loss, norm
                for i in range(recorded.shape[0]):
                    internals[r, k, i, 0], internals[r, k, i, 1] = sx[recorded[i, 0]], sy[recorded[i, 1]]
            if _bad(x, y, loss, norm, radius):
                diverged_at[r] = k
                break
            if not record:
                _measure(r, k, x, y, loss, minima, tolerance, summary, reached)
            if k == steps:
                break
            if sigma[r] != 0.0:
                row = noise_row[r]
                gx, gy = gx + sigma[r] * noise[row, k, 0], gy + sigma[r] * noise[row, k, 1]
            x, sx = rule(gx, x, k, lr[r, k], sx, *hp)
            y, sy = rule(gy, y, k, lr[r, k], sy, *hp)
            gx, gy = grad_f(x, y, *constants)
        if not record:
            _finish(r, x, y, minima, summary, diverged_at)


def coupled_loop(start, constants, hyper, lr, noise, noise_row, sigma, initial, recorded, radius, record,
                 minima, tolerance, points, losses, norms, internals, diverged_at, summary, reached, memory):
    """A rule that sees the whole point: one state tuple per run, a scratch `memory` per run, and the Hessian at
    θ when CURVATURE is set."""
    runs, steps = hyper.shape[0], lr.shape[1] - 1
    for r in range(runs):
        hp = to_fixed_tuple(hyper[r], HYPER)
        state = to_fixed_tuple(initial[r], STATE)
        scratch = memory[r]
        x, y = start[0], start[1]
        gx, gy = grad_f(x, y, *constants)
        for k in range(steps + 1):
            loss, norm = f(x, y, *constants), math.hypot(gx, gy)
            if record:
                points[r, k, 0], points[r, k, 1], losses[r, k], norms[r, k] = x, y, loss, norm
                for i in range(recorded.shape[0]):
                    internals[r, k, i, 0], internals[r, k, i, 1] = state[recorded[i, 0]], state[recorded[i, 1]]
            if _bad(x, y, loss, norm, radius):
                diverged_at[r] = k
                break
            if not record:
                _measure(r, k, x, y, loss, minima, tolerance, summary, reached)
            if k == steps:
                break
            if sigma[r] != 0.0:
                row = noise_row[r]
                gx, gy = gx + sigma[r] * noise[row, k, 0], gy + sigma[r] * noise[row, k, 1]
            curvature = hess_f(x, y, *constants) if CURVATURE else (0.0, 0.0, 0.0)
            (x, y), state = rule((gx, gy), (x, y), k, lr[r, k], state, curvature, scratch, *hp)
            gx, gy = grad_f(x, y, *constants)
        if not record:
            _finish(r, x, y, minima, summary, diverged_at)
