"""What a run achieved, in one number: the measures a sweep plots and the results table shows.

Each measure is declared once here; the link's `measure=`, the sweep plot's axis, the CSV's columns and the docs
read this table. A measure is undefined (None here, empty in a table, never NaN or inf) where it has no meaning:
a diverged run has no final loss or final distance, a run that never came within the tolerance has no step count,
a surface without a minimum has no distance to one.

The compiled engine computes the same numbers while it steps (experiments/kernels.py, `_measure`), without
keeping the path; the two agree bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from declarations import CHOICE, Param


@dataclass(frozen=True)
class Measure:
    name: str
    title: str  # how the page and the docs name it
    log: bool  # plotted on a log axis
    help: str


MEASURES = {m.name: m for m in (
    Measure("final_loss", "final loss", True, "the loss at the last step; undefined for a run that diverged"),
    Measure("best_loss", "best loss", True, "the lowest loss at any step before the run ended or diverged"),
    Measure("steps_to_tolerance", "steps to tolerance", True,
            "the first step at which the run is within the tolerance of a minimum; undefined if it never is"),
    Measure("distance", "distance to a minimum", True,
            "distance from the last point to the nearest minimum; undefined for a run that diverged"),
)}
MEASURE = Param("measure", "final_loss", kind=CHOICE, choices=tuple(MEASURES),
                help="what a sweep plots against the swept value, and what tuning minimizes")
TOLERANCE = Param("tolerance", 1e-3, 1e-12, 10.0, log=True, label="tolerance",
                  help="a run has arrived when it is this close to a minimum (distance in x, y)")
COLUMNS = (*MEASURES, "diverged_at")  # a sweep table's columns after the swept values


@dataclass(frozen=True)
class RunMeasures:
    final_loss: float | None
    best_loss: float | None
    steps_to_tolerance: int | None
    distance: float | None
    diverged_at: int | None


def minima_of(surface) -> np.ndarray:
    """The surface's minima as an (m, 2) array (m may be 0)."""
    return np.array([(c.x, c.y) for c in surface.minima()], dtype=float).reshape(-1, 2)


def nearest(points: np.ndarray, minima: np.ndarray) -> np.ndarray:
    """Distance of each point (..., 2) to the nearest minimum; inf where the surface has none."""
    points = np.asarray(points, dtype=float)
    nearest = np.full(points.shape[:-1], np.inf)
    for mx, my in minima:
        nearest = np.minimum(nearest, np.hypot(points[..., 0] - mx, points[..., 1] - my))
    return nearest


def measures_of(run_result, minima: np.ndarray, tolerance: float) -> RunMeasures:
    """A run's measures from its recorded path (experiments.runner.RunResult)."""
    loss, diverged_at = run_result.loss, run_result.diverged_at
    if not len(loss):
        return RunMeasures(None, None, None, None, diverged_at)
    with np.errstate(invalid="ignore"):
        hits = np.flatnonzero(nearest(run_result.points, minima) <= tolerance)
    finished = diverged_at is None
    distance = float(nearest(run_result.points[-1], minima)) if finished and len(minima) else None
    return RunMeasures(
        final_loss=float(loss[-1]) if finished else None,
        best_loss=float(loss.min()),
        steps_to_tolerance=int(hits[0]) if hits.size else None,
        distance=distance,
        diverged_at=diverged_at,
    )
