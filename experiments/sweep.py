"""Sweeps: every run of an experiment stepped at every value of one or two of its settings, each measured.

    experiment = Experiment("ellipse", [Run("gd", lr=0.01)], sweep=[("lr", 1e-3, 1.0, 64)])
    table = sweep(experiment)            # SweepResult: one grid of measures per run
    table.to_frame()                      # run, optimizer, label, lr, final_loss, best_loss, … per grid point
    best, table = tune(experiment, 0)     # run 0's best lr by the experiment's measure

A grid point is exactly the run with that value (the same code, the same gradient noise stream), so a point of a
sweep and the single run agree bit for bit. Points are stepped in one batch per code path, keeping no path, only
the measures (experiments.measures).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from experiments.limits import MAX_SWEEP_COUNT, MAX_SWEEP_WORK
from experiments.measures import MEASURES, RunMeasures, minima_of
from experiments.model import Axis, Experiment, Run, sweepable
from experiments.runner import ENGINES, Summarize, _step, make_groups
from optimizers import OPTIMIZERS

TUNE_RANGE = (1e-5, 1.0)  # the lr range "tune" searches when the experiment does not sweep lr
TUNE_COUNT = 64  # lr values it tries there


@dataclass
class SweptRun:
    """One run's grid of measures, each shaped like the grid: (count,) or (count₁, count₂). NaN marks undefined
    values (see experiments.measures); `steps_to_tolerance` and `diverged_at` are −1 where undefined."""

    run: Run
    final_loss: np.ndarray
    best_loss: np.ndarray
    steps_to_tolerance: np.ndarray
    distance: np.ndarray
    diverged_at: np.ndarray

    def measure(self, name: str) -> np.ndarray:
        """The measure as floats, NaN where undefined."""
        values = getattr(self, name)
        if values.dtype.kind == "i":
            return np.where(values >= 0, values, np.nan).astype(float)
        return values

    def at(self, index: tuple[int, ...]) -> RunMeasures:
        def number(values, integer=False):
            value = values[index]
            if integer:
                return int(value) if value >= 0 else None
            return float(value) if math.isfinite(value) else None

        return RunMeasures(number(self.final_loss), number(self.best_loss), number(self.steps_to_tolerance, True),
                           number(self.distance), number(self.diverged_at, True))

    def best(self, measure: str) -> tuple[int, ...] | None:
        """The grid index with the lowest defined value of the measure (the first, on ties), or None."""
        values = self.measure(measure)
        if not np.isfinite(values).any():
            return None
        return tuple(int(i) for i in np.unravel_index(np.nanargmin(values), values.shape))


@dataclass
class SweepResult:
    experiment: Experiment
    axes: tuple[Axis, ...]
    values: tuple[np.ndarray, ...]  # the swept values, per axis
    runs: list[SweptRun] = field(default_factory=list)
    engine: str = "numpy"

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(v) for v in self.values)

    def setting(self, index: tuple[int, ...]) -> dict[str, float]:
        """The swept settings at a grid index."""
        return {axis.name: float(values[i]) for axis, values, i in zip(self.axes, self.values, index, strict=True)}

    def to_frame(self) -> pd.DataFrame:
        """One row per run per grid point: run, optimizer, label, the swept values, then every measure and
        diverged_at. Undefined values are missing (empty in a CSV), never NaN or inf as numbers."""
        grid = list(itertools.product(*(range(n) for n in self.shape)))
        columns: dict[str, list] = {"run": [], "optimizer": [], "label": []}
        for axis in self.axes:
            columns[axis.name] = []
        for name in (*MEASURES, "diverged_at"):
            columns[name] = []
        for number, swept in enumerate(self.runs):
            for index in grid:
                columns["run"].append(number)
                columns["optimizer"].append(swept.run.optimizer)
                columns["label"].append(swept.run.name)
                for name, value in self.setting(index).items():
                    columns[name].append(value)
                measured = swept.at(index)
                for name in (*MEASURES, "diverged_at"):
                    columns[name].append(getattr(measured, name))
        frame = pd.DataFrame(columns)
        for name in ("steps_to_tolerance", "diverged_at"):
            frame[name] = frame[name].astype("Int64")
        for name in ("final_loss", "best_loss", "distance"):
            frame[name] = frame[name].astype("Float64")
        return frame


def with_values(run: Run, settings: dict[str, float]) -> Run:
    """The run with some settings changed, repaired as a link's would be (torch rejects, e.g., Nesterov without
    momentum): what a grid point steps, and what a click on it loads."""
    opt = OPTIMIZERS[run.optimizer]
    hyper = {**run.hyper, **{k: v for k, v in settings.items() if k in run.hyper}}
    hyper, _ = opt.repair(hyper)
    noise = settings.get("noise", run.noise)
    return Run.trusted(run.optimizer, hyper, run.schedule, run.schedule_params, noise, run.label, run.batch)


def sweep(experiment: Experiment, *, engine: str = "auto") -> SweepResult:
    """Step every run at every grid point of the experiment's sweep and measure each."""
    if not experiment.sweep:
        raise ValueError("the experiment has no sweep; give Experiment(…, sweep=[('lr', 1e-4, 1.0, 64)])")
    axes = experiment.sweep
    values = tuple(axis.values() for axis in axes)
    shape = tuple(len(v) for v in values)
    grid = [dict(zip((a.name for a in axes), (float(v) for v in point), strict=True))
            for point in itertools.product(*values)]
    points, streams = [], []
    for index, spec in enumerate(experiment.runs):
        points += [with_values(spec, settings) for settings in grid]
        streams += [index] * len(grid)
    columns, used = _summaries(experiment, points, streams, engine)
    per_run = len(grid)
    runs = []
    for index, spec in enumerate(experiment.runs):
        part = slice(index * per_run, (index + 1) * per_run)
        runs.append(SweptRun(spec, *(a[part].reshape(shape) for a in columns)))
    return SweepResult(experiment, axes, values, runs, used)


def measured(experiment: Experiment, *, engine: str = "auto") -> list[RunMeasures]:
    """Each run's measures at its own settings, without keeping its path (what a sweep's grid point holds)."""
    columns, _ = _summaries(experiment, list(experiment.runs), list(range(len(experiment.runs))), engine)
    return [SweptRun(spec, *(a[i:i + 1] for a in columns)).at((0,)) for i, spec in enumerate(experiment.runs)]


def _summaries(experiment: Experiment, points: list[Run], streams: list[int], engine: str):
    """Step these runs (noise stream of each given) in summary mode: the measure columns and the engine used."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}")
    stepped_experiment = experiment.replace(runs=tuple(points), sweep=())
    surface = experiment.make_surface()
    summarize = Summarize(minima_of(surface), experiment.tolerance)
    size = len(points)
    final, best, distance = np.full(size, np.nan), np.full(size, np.nan), np.full(size, np.nan)
    reached, diverged = np.full(size, -1, dtype=np.int64), np.full(size, -1, dtype=np.int64)
    engines = set()
    for group in make_groups(stepped_experiment, streams=streams, surface=surface):
        stepped, used = _step(surface, stepped_experiment, group, engine, summarize)
        engines.add(used)
        members = np.array(group.members)
        final[members], best[members], distance[members] = stepped.summary.T
        reached[members], diverged[members] = stepped.reached, stepped.diverged_at
    used = engines.pop() if len(engines) == 1 else "mixed"
    return (final, best, reached, distance, diverged), used


# -- tuning --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tuned:
    """What tuning a run found: the lr chosen, the criterion it was chosen by, and the sweep behind it."""

    index: int  # the run's index in the experiment
    lr: float | None  # None: no lr in the range gave a defined value of the measure
    value: float | None  # the measure at that lr
    axis: Axis
    measure: str
    steps: int


def default_axis(name: str, runs, axes: int = 1) -> Axis:
    """What a newly chosen axis sweeps: lr over TUNE_RANGE, noise over 0 … 1, anything else over its whole
    declared range (within every run's), with 64 values (32 on each axis of a phase diagram)."""
    params = [sweepable(r)[name] for r in runs]
    floor, ceiling = max(p.low for p in params), min(p.high for p in params)
    low, high = {"lr": TUNE_RANGE, "noise": (0.0, 1.0)}.get(name, (floor, ceiling))
    low, high = min(max(low, floor), ceiling), max(min(high, ceiling), floor)
    return Axis(name, float(low), float(high), 64 if axes == 1 else 32, params[0].log)


def tune_axis(experiment: Experiment, indices=None) -> Axis:
    """The lr values tuning tries for these runs (default: all): the experiment's own lr sweep if it has one, else
    TUNE_COUNT values over TUNE_RANGE, within every run's declared lr range; fewer when the sweep's work limit
    asks for it."""
    runs = [experiment.runs[i] for i in (range(len(experiment.runs)) if indices is None else indices)]
    own = next((axis for axis in experiment.sweep if axis.name == "lr"), None)
    if own is not None:
        low, high, count = own.low, own.high, own.count
    else:
        params = [sweepable(r)["lr"] for r in runs]
        low = max(TUNE_RANGE[0], *(p.low for p in params))
        high = min(TUNE_RANGE[1], *(p.high for p in params))
        count = TUNE_COUNT
    per_value = experiment.steps * sum(OPTIMIZERS[r.optimizer].cost(r.hyper) for r in runs)
    count = max(2, min(count, MAX_SWEEP_COUNT[0], MAX_SWEEP_WORK // max(per_value, 1)))
    return Axis("lr", low, high, count, True)


def tuning(experiment: Experiment, indices=None) -> Experiment:
    """The sweep tuning steps: the chosen runs over `tune_axis`."""
    chosen = range(len(experiment.runs)) if indices is None else indices
    return experiment.replace(runs=tuple(experiment.runs[i] for i in chosen), sweep=(tune_axis(experiment, indices),))


def tune(experiment: Experiment, indices=None, *, engine: str = "auto", table: SweepResult | None = None
         ) -> tuple[Experiment, list[Tuned]]:
    """Set each chosen run's lr (default: every run) to the best of a sweep over `tune_axis`, by the experiment's
    measure at its step count; `table` is that sweep if it was already stepped. Returns the tuned experiment (its
    own sweep kept) and what was found per run; a run for which no lr gives a defined value keeps its lr."""
    chosen = list(range(len(experiment.runs)) if indices is None else indices)
    table = table if table is not None else sweep(tuning(experiment, chosen), engine=engine)
    axis = table.axes[0]
    runs = list(experiment.runs)
    found = []
    for index, swept in zip(chosen, table.runs, strict=True):
        best = swept.best(experiment.measure)
        if best is None:
            found.append(Tuned(index, None, None, axis, experiment.measure, experiment.steps))
            continue
        lr = float(table.values[0][best[0]])
        runs[index] = with_values(runs[index], {"lr": lr})
        value = float(swept.measure(experiment.measure)[best])
        found.append(Tuned(index, lr, value, axis, experiment.measure, experiment.steps))
    return experiment.replace(runs=tuple(runs)), found


__all__ = ["SweepResult", "SweptRun", "Tuned", "default_axis", "measured", "sweep", "tune", "tune_axis", "tuning",
           "with_values"]
