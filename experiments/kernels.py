"""The compiled engine's stepping loops, as plain Python that numba compiles once per (update rule, surface).

experiments/compiled.py binds each template's free names to one rule and one surface before compiling it:
`rule` (the optimizer's update), `f`, `grad_f`, `hess_f` (the surface's scalar functions), `HYPER` and `STATE`
(how many hyperparameters the rule takes and how many entries its state has) and `CURVATURE` (whether a coupled
rule needs the Hessian). The loops do what experiments/runner.py's NumPy path does, one run and one coordinate at
a time: step, add the run's gradient noise, record the point, its loss, its gradient norm and the internals, and
stop a run at its first point that is non-finite or out of bounds. Outputs are run-major, (runs, steps + 1, …), so
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


def elementwise_loop(start, constants, hyper, lr, noise, noisy, initial, recorded, radius,
                     points, losses, norms, internals, diverged_at):
    """A rule applied to each coordinate on its own: x and y each carry their own state tuple."""
    runs, steps = hyper.shape[0], lr.shape[1] - 1
    for r in range(runs):
        hp = to_fixed_tuple(hyper[r], HYPER)
        sx = to_fixed_tuple(initial[r], STATE)
        sy = sx
        x, y = start[0], start[1]
        gx, gy = grad_f(x, y, *constants)
        for k in range(steps + 1):
            loss, norm = f(x, y, *constants), math.hypot(gx, gy)
            points[r, k, 0], points[r, k, 1], losses[r, k], norms[r, k] = x, y, loss, norm
            for i in range(recorded.shape[0]):
                internals[r, k, i, 0], internals[r, k, i, 1] = sx[recorded[i, 0]], sy[recorded[i, 1]]
            if _bad(x, y, loss, norm, radius):
                diverged_at[r] = k
                break
            if k == steps:
                break
            if noisy[r]:
                gx, gy = gx + noise[r, k, 0], gy + noise[r, k, 1]
            x, sx = rule(gx, x, k, lr[r, k], sx, *hp)
            y, sy = rule(gy, y, k, lr[r, k], sy, *hp)
            gx, gy = grad_f(x, y, *constants)


def coupled_loop(start, constants, hyper, lr, noise, noisy, initial, recorded, radius,
                 points, losses, norms, internals, diverged_at, memory):
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
            points[r, k, 0], points[r, k, 1], losses[r, k], norms[r, k] = x, y, loss, norm
            for i in range(recorded.shape[0]):
                internals[r, k, i, 0], internals[r, k, i, 1] = state[recorded[i, 0]], state[recorded[i, 1]]
            if _bad(x, y, loss, norm, radius):
                diverged_at[r] = k
                break
            if k == steps:
                break
            if noisy[r]:
                gx, gy = gx + noise[r, k, 0], gy + noise[r, k, 1]
            curvature = hess_f(x, y, *constants) if CURVATURE else (0.0, 0.0, 0.0)
            (x, y), state = rule((gx, gy), (x, y), k, lr[r, k], state, curvature, scratch, *hp)
            gx, gy = grad_f(x, y, *constants)
