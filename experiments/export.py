"""Result exports: a JSON document with no NaN or infinity in it, and a one-line-per-run summary."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from experiments.runner import Result
from experiments.url import to_query


def _finite_list(values: np.ndarray) -> list:
    """Floats for JSON: non-finite values (possible only in optimizer internals) become null."""
    return [v if math.isfinite(v) else None for v in np.asarray(values, dtype=float).ravel().tolist()]


def result_to_dict(result: Result) -> dict[str, Any]:
    runs = []
    for rr in result.runs:
        runs.append({
            "name": rr.run.name, "optimizer": rr.run.optimizer, "hyper": rr.run.hyper, "schedule": rr.run.schedule,
            "schedule_params": rr.run.schedule_params, "noise": rr.run.noise, "diverged_at": rr.diverged_at,
            "x": _finite_list(rr.points[:, 0]), "y": _finite_list(rr.points[:, 1]), "loss": _finite_list(rr.loss),
            "grad_norm": _finite_list(rr.grad_norm), "lr": _finite_list(rr.lr),
        })
    return {"query": to_query(result.experiment), "surface": result.experiment.surface, "runs": runs}


def summary_lines(result: Result) -> list[str]:
    minima = result.surface.minima()
    lines = []
    for rr in result.runs:
        x, y = rr.final_point
        distance = min((math.hypot(x - m.x, y - m.y) for m in minima), default=math.nan)
        end = f"diverged at step {rr.diverged_at}" if rr.diverged_at is not None else f"{len(rr.points) - 1} steps"
        lines.append(f"{rr.run.name:<28} final loss {rr.final_loss:<12.6g} at ({x:.6g}, {y:.6g}), "
                     f"{distance:.3g} from the nearest minimum, {end}")
    return lines


def sweep_to_dict(table) -> dict[str, Any]:
    """A sweep as JSON: the axes and their values, and per run each measure as a nested list (null where
    undefined)."""
    def grid(values: np.ndarray) -> list:
        return np.vectorize(lambda v: v if math.isfinite(v) else None, otypes=[object])(values).tolist()

    runs = []
    for swept in table.runs:
        entry: dict[str, Any] = {"name": swept.run.name, "optimizer": swept.run.optimizer}
        for name in ("final_loss", "best_loss", "distance"):
            entry[name] = grid(getattr(swept, name))
        for name in ("steps_to_tolerance", "diverged_at"):
            values = getattr(swept, name)
            entry[name] = np.vectorize(lambda v: int(v) if v >= 0 else None, otypes=[object])(values).tolist()
        runs.append(entry)
    return {"query": to_query(table.experiment), "measure": table.experiment.measure,
            "tolerance": table.experiment.tolerance,
            "axes": [{"name": a.name, "low": a.low, "high": a.high, "count": a.count, "log": a.log,
                      "values": values.tolist()} for a, values in zip(table.axes, table.values, strict=True)],
            "runs": runs}


def sweep_lines(table) -> list[str]:
    """Per run: its best grid point by the experiment's measure, and how many points diverged."""
    measure = table.experiment.measure
    lines = []
    for swept in table.runs:
        best = swept.best(measure)
        gone = int((swept.diverged_at >= 0).sum())
        total = swept.diverged_at.size
        if best is None:
            found = f"no point has a {measure}"
        else:
            where = ", ".join(f"{k}={v:.4g}" for k, v in table.setting(best).items())
            found = f"best {measure} {float(swept.measure(measure)[best]):.6g} at {where}"
        lines.append(f"{swept.run.name:<28} {found}; {gone} of {total} diverged")
    return lines
