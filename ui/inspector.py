"""What the step inspector and the arrows on the contour are sent (no dash here; ui/callbacks.py serves them).

The inspector explains the update that leaves step k of one run (experiments/inspect.py). A paused page asks for
a window of the run's drawn steps around k at once, so ← and → move through the window in the browser; the page
asks for the next window before the step reaches the edge. Every number is text with at least four significant
digits, formatted here once, so the page shows exactly what the engine computed.

The arrows and the curvature cross follow playback frame by frame, so their raw vectors come for every drawn
step of the runs asked for: the true gradient, the step taken, the rule's own direction, and the Hessian.
"""

from __future__ import annotations

import numpy as np

from experiments.inspect import (
    GRADCHECK_H,
    REPLAY_LIMIT,
    error_text,
    gradient_check,
    inspect_run,
    line_parts,
    number_text,
)
from experiments.runner import Result
from optimizers import OPTIMIZERS
from ui.figures import drawn_steps
from ui.formats import typed
from ui.i18n import text

WINDOW = 201  # drawn steps per answer, centred on the step asked for (about 0.1 ms each to explain)
LBFGS_WINDOW = 101  # L-BFGS's recursion is slow to trace (about 2 ms a step)


def pair(values) -> str:
    return number_text(tuple(float(v) for v in values))


def curvature(hessian: np.ndarray) -> dict:
    """λ₁ ≤ λ₂ and their unit directions (numpy.linalg.eigh), κ where both are positive, and whether the point
    curves down one way and up the other (a saddle direction)."""
    if not np.all(np.isfinite(hessian)):
        return {"l": ["—", "—"], "kappa": None, "saddle": False, "flat": False}
    values, vectors = np.linalg.eigh(hessian)
    low, high = float(values[0]), float(values[1])
    kappa = number_text(high / low) if low > 0 else None
    matrix = "[" + "; ".join(", ".join(number_text(float(v)) for v in row) for row in hessian) + "]"
    return {"h": matrix, "l": [number_text(low), number_text(high)], "v": [pair(vectors[:, 0]), pair(vectors[:, 1])],
            "kappa": kappa, "saddle": low < 0 < high, "flat": low <= 0 and not low < 0 < high}


def inspection(result: Result, index: int, step: int, lang: str = "en") -> dict:
    """A window of run `index`'s drawn steps around `step`, each with the update leaving it, as the page shows it."""
    t = text(lang)
    rr = result.runs[index]
    opt = OPTIMIZERS[rr.run.optimizer]
    picked = drawn_steps(rr.loss, rr.grad_norm)
    last = len(rr.points) - 1
    at = int(np.searchsorted(picked, step, side="right")) - 1  # the drawn point playback shows at `step`
    at = max(0, min(at, len(picked) - 1))
    size = LBFGS_WINDOW if opt.id == "lbfgs" else WINDOW
    low = max(0, min(at - size // 2, len(picked) - size))
    window = [int(k) for k in picked[low:low + size]]
    trace = inspect_run(result, index, window)
    check = gradient_check(result.surface, trace.theta)  # the analytic ∇f against finite differences, per step
    lines: dict[int, int] = {}
    table: list[list[str]] = []
    rows = []
    explained = {k: row for row, k in enumerate(trace.steps)}
    for k in window:
        row = {"k": k, "theta": pair(rr.points[k]), "f": number_text(float(rr.loss[k]))}
        if k not in explained:  # the last point, or L-BFGS beyond replaying
            row["why"] = "last" if k >= last else "replay"
            rows.append(row)
            continue
        r = explained[k]
        row.update({
            "grad": pair(trace.gradient[r]), "lr": number_text(float(trace.lr[r])),
            "next": pair(trace.theta_next[r]), "delta": pair(trace.theta_next[r] - trace.theta[r]),
            "curv": curvature(trace.hessian[r]), "check": checked(check, r),
            "checkRounding": bool(check.rounding[r]),
        })
        if rr.run.noise or rr.run.batch:  # the gradient the update used differs from ∇f: say which it was
            row["used"] = pair(trace.used[r])
            row["batch"] = bool(rr.run.batch)
        if trace.effective is not None:
            row["eff"] = pair(trace.effective[r])
        equations = []
        for equation, values in zip(trace.equations[r], trace.values[r], strict=True):
            if equation.number not in lines:
                lines[equation.number] = len(table)
                table.append([t.declared(equation.equation)])
            _, filled, result_text = line_parts(equation, values)
            equations.append([lines[equation.number], filled, result_text])
        row["eq"] = equations
        # An entry the run never uses (AMSGrad's maximum with amsgrad off) stays zero: it is left out.
        row["state"] = [[name, pair(trace.before[name][r]), pair(trace.after[name][r])] for name in opt.internals
                        if np.any(trace.before[name][r]) or np.any(trace.after[name][r])]
        rows.append(row)
    return {
        "run": index, "optimizer": t.declared(opt.title), "steps": window, "rows": rows, "lines": table,
        "internals": {name: t.declared(about) for name, about in opt.internals.items()},
        "drawn": len(picked), "total": last, "decimated": len(picked) < last + 1,
        "limit": REPLAY_LIMIT if opt.id == "lbfgs" else None, "h": [number_text(GRADCHECK_H), GRADCHECK_H],
    }


def checked(check, r: int) -> list[list]:
    """One step's gradient check as the page shows it: a row each for the analytic ∇f and the central and forward
    differences, [name, (x, y) as text, [x, y], relative error as text, relative error], the last two None for ∇f
    itself. What is not finite (a diverged run, a formula's undefined region) is None, shown as —: never NaN."""
    out = [["analytic", *_shown(check.analytic[r]), None, None]]
    for name, values, error in (("central", check.central[r], check.central_error[r]),
                                ("forward", check.forward[r], check.forward_error[r])):
        out.append([name, *_shown(values), error_text(_raw(error)), _raw(error)])
    return out


def _shown(values) -> tuple[str, list]:
    raw = [_raw(v) for v in values]
    return number_text(tuple(raw)), raw


def _raw(value) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def vectors(result: Result, indices: list[int]) -> dict:
    """For every drawn step of the runs asked for: ∇f, Δθ to the next step, the rule's direction and the
    Hessian, as typed arrays (non-finite values, past a divergence, become 0: no arrow)."""
    runs = {}
    surface = result.surface
    for index in indices:
        rr = result.runs[index]
        opt = OPTIMIZERS[rr.run.optimizer]
        picked = drawn_steps(rr.loss, rr.grad_norm)
        last = len(rr.points) - 1
        points = rr.points[picked]
        with np.errstate(all="ignore"):
            gradient = surface.gradient(points)
            hessian = surface.hessian(points).reshape(-1, 4)[:, [0, 1, 3]]
            following = rr.points[np.minimum(picked + 1, last)]
            step = following - points
        entry = {"g": typed(_finite(gradient)), "d": typed(_finite(step)), "h": typed(_finite(hessian))}
        if opt.direction:
            name, sign, units, symbol = opt.direction
            # The update that leaves step k makes the state recorded at k + 1: that is the direction it took.
            value = sign * rr.internals[name][np.minimum(picked + 1, last)]
            if np.any(value):  # a state the run never uses (SGD without momentum keeps no buffer) has no arrow
                entry.update({"m": typed(_finite(value)), "units": units, "name": name, "symbol": symbol})
        runs[str(index)] = entry
    return {"runs": runs}


def _finite(array: np.ndarray) -> np.ndarray:
    array = np.asarray(array, dtype=float)
    return np.where(np.isfinite(array), array, 0.0)


__all__ = ["checked", "curvature", "inspection", "pair", "vectors"]
