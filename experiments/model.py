"""What to run: an Experiment is a surface, a start point, a step count, a seed and a list of Runs."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from declarations import FLOAT, INT, Param, resolve
from experiments.limits import DATA_MAX_ROWS, MAX_LABEL_LENGTH, MAX_STEPS, MAX_SWEEP_AXES, MAX_SWEEP_COUNT, START_LIMIT
from experiments.measures import MEASURE, TOLERANCE
from optimizers import OPTIMIZERS, SCHEDULES, get_optimizer
from surfaces import SURFACES, Surface, get_surface

NOISE = Param("noise", 0.0, 0.0, 100.0, label="σ (noise)",
              help="standard deviation of Gaussian noise added to each gradient component, a stand-in for "
                   "mini-batch sampling; drawn from the experiment's seed")
BATCH = Param("batch", 0, 0, DATA_MAX_ROWS, kind=INT, label="batch",
              help="rows per mini-batch, drawn without replacement and reshuffled every epoch, from the run's own "
                   "seeded stream (0: the full batch); only on a surface with data")
STEPS = Param("steps", 500, 1, MAX_STEPS, kind=INT, help="number of update steps")
SEED = Param("seed", 0, 0, 2**32 - 1, kind=INT, help="seed of the gradient noise")
LABEL_FORBIDDEN = set("(),=&#%\\\"'<>")


def clean_label(text: str) -> str:
    """Labels travel inside `opt=name(…)`: drop characters that would break that syntax or the page."""
    kept = "".join(ch for ch in str(text) if ch.isprintable() and ch not in LABEL_FORBIDDEN)
    return " ".join(kept.split())[:MAX_LABEL_LENGTH].strip()


@dataclass(frozen=True, init=False)
class Run:
    """One optimizer with its hyperparameters, schedule, noise and an optional label.

    ``Run("adam", lr=0.01, beta1=0.8, schedule="cosine", T_max=200, noise=0.1, label="fast")``: keyword
    settings go to the optimizer or the schedule by name. Values are validated; unset ones take torch's
    defaults. ``batch=16`` computes each step's gradient on a mini-batch of 16 rows (a surface with data only).
    """

    optimizer: str
    hyper: dict[str, Any]
    schedule: str
    schedule_params: dict[str, Any]
    noise: float
    label: str
    batch: int

    def __init__(self, optimizer: str, *, schedule: str = "constant", noise: float = 0.0, label: str = "",
                 batch: int = 0, **settings: Any) -> None:
        opt = get_optimizer(optimizer)
        if schedule not in SCHEDULES:
            raise ValueError(f"unknown schedule {schedule!r}; choose from {', '.join(SCHEDULES)}")
        sched = SCHEDULES[schedule]
        opt_names = {p.name for p in opt.params}
        sched_names = {p.name for p in sched.params}
        unknown = sorted(set(settings) - opt_names - sched_names)
        if unknown:
            raise ValueError(f"{optimizer} with schedule {schedule} has no setting {', '.join(unknown)}")
        hyper = opt.settings({k: v for k, v in settings.items() if k in opt_names})
        sched_params = resolve(sched.params, {k: v for k, v in settings.items() if k in sched_names}, schedule)
        if clean_label(label) != label:
            raise ValueError(f"label {label!r} is too long or has one of {''.join(sorted(LABEL_FORBIDDEN))}")
        self._set(optimizer, hyper, schedule, sched_params, NOISE.check(noise), label, BATCH.check(batch))

    @classmethod
    def trusted(cls, optimizer: str, hyper: dict, schedule: str, schedule_params: dict, noise: float,
                label: str, batch: int = 0) -> Run:
        """Build from values already validated (by the URL parser)."""
        run = cls.__new__(cls)
        run._set(optimizer, hyper, schedule, schedule_params, noise, label, batch)
        return run

    def _set(self, optimizer, hyper, schedule, schedule_params, noise, label, batch) -> None:
        for name, value in (("optimizer", optimizer), ("hyper", dict(hyper)), ("schedule", schedule),
                            ("schedule_params", dict(schedule_params)), ("noise", float(noise)),
                            ("label", label), ("batch", int(batch))):
            object.__setattr__(self, name, value)

    @property
    def lr(self) -> float:
        return self.hyper["lr"]

    @property
    def name(self) -> str:
        """The label, or a short description like ``adam lr=0.01``."""
        if self.label:
            return self.label
        text = f"{self.optimizer} lr={self.lr:g}"
        if self.schedule != "constant":
            text += f" {self.schedule}"
        if self.noise:
            text += f" σ={self.noise:g}"
        if self.batch:
            text += f" batch={self.batch}"
        return text


def finite_at(surface: Surface, point: tuple[float, float]) -> bool:
    """Whether a run can start here: an overflowing loss (crescent far above the ring) would end it at step 0."""
    with np.errstate(all="ignore"):
        at = np.array(point, dtype=float)
        return bool(np.isfinite(surface.value(at)) and np.isfinite(surface.gradient(at)).all())


def sweepable(run: Run) -> dict[str, Param]:
    """The settings of a run a sweep can vary: its optimizer's float parameters (not the ones an alias pins), and
    its gradient noise."""
    opt = get_optimizer(run.optimizer)
    return {**{p.name: p for p in opt.params if p.kind == FLOAT and p.name not in opt.fixed}, NOISE.name: NOISE}


@dataclass(frozen=True)
class Axis:
    """One swept setting: `count` values from `low` to `high`, evenly spaced on a log scale when `log`."""

    name: str
    low: float
    high: float
    count: int
    log: bool = False

    def values(self) -> np.ndarray:
        """The swept values, ends exact (np.geomspace and np.linspace both return the ends as given)."""
        spaced = np.geomspace if self.log else np.linspace
        return spaced(self.low, self.high, self.count)

    def text(self) -> str:
        """As a link writes it: name:low:high:count."""
        return f"{self.name}:{self.low!r}:{self.high!r}:{self.count}"


def axes_for(runs, given) -> tuple[Axis, ...]:
    """Validate a sweep for the Python API: at most two axes, each a ``(name, low, high, count)`` tuple or an
    Axis naming a setting every run has (see `sweepable`), within every run's declared range."""
    given = tuple(given)
    if len(given) > MAX_SWEEP_AXES:
        raise ValueError(f"a sweep has at most {MAX_SWEEP_AXES} axes, got {len(given)}")
    axes = []
    most = MAX_SWEEP_COUNT[len(given) - 1] if given else 0
    for item in given:
        name, low, high, count = (item.name, item.low, item.high, item.count) if isinstance(item, Axis) else item
        params = [sweepable(r).get(name) for r in runs]
        if None in params:
            lacking = sorted({r.optimizer for r, p in zip(runs, params, strict=True) if p is None})
            raise ValueError(f"cannot sweep {name!r}: {', '.join(lacking)} has no such float setting")
        floor, ceiling = max(p.low for p in params), min(p.high for p in params)
        low, high = float(low), float(high)
        if not (math.isfinite(low) and math.isfinite(high) and floor <= low < high <= ceiling):
            raise ValueError(f"sweep of {name}: need {floor!r} ≤ low < high ≤ {ceiling!r}, got {low!r}, {high!r}")
        if not (isinstance(count, int) and 2 <= count <= most):
            raise ValueError(f"sweep of {name}: count must be a whole number from 2 to {most}, got {count!r}")
        if any(a.name == name for a in axes):
            raise ValueError(f"{name!r} is swept twice")
        axes.append(Axis(name, low, high, count, params[0].log))
    return tuple(axes)


@dataclass(frozen=True, init=False)
class Experiment:
    """``Experiment("rosenbrock", [Run("adam", lr=0.05)], start=(-1.5, 2), steps=500, surface_params={"b": 100})``

    With ``sweep=[("lr", 1e-4, 1.0, 64)]`` (one or two axes) it is also a sweep: experiments.sweep.sweep steps
    every run at every value and measures it by `measure` (experiments.measures), arriving within `tolerance`.
    """

    surface: str
    surface_params: dict[str, Any]
    start: tuple[float, float]
    steps: int
    seed: int
    runs: tuple[Run, ...] = field(default=())
    sweep: tuple[Axis, ...] = ()
    measure: str = MEASURE.default
    tolerance: float = TOLERANCE.default

    def __init__(self, surface: str = "rosenbrock", runs: Any = (), *, start: Any = None, steps: int = 500,
                 seed: int = 0, surface_params: dict | None = None, sweep: Any = (), measure: str = MEASURE.default,
                 tolerance: float = TOLERANCE.default) -> None:
        bound = get_surface(surface, seed=SEED.check(seed), **(surface_params or {}))
        if start is None:
            start = bound.start()
        start = tuple(float(v) for v in start)
        if len(start) != 2 or not all(math.isfinite(v) and abs(v) <= START_LIMIT for v in start):
            raise ValueError(f"start must be two finite numbers within ±{START_LIMIT:g}, got {start}")
        if not finite_at(bound, start):
            raise ValueError(f"the loss or its gradient is not finite at the start {start}")
        runs = tuple(runs)
        if not runs or not all(isinstance(r, Run) for r in runs):
            raise ValueError("an experiment needs at least one run, given as Run objects, e.g. Run('adam', lr=0.01)")
        for spec in runs:
            if spec.batch and bound.rows is None:
                raise ValueError(f"batch={spec.batch}: surface {surface!r} has no data to draw mini-batches from")
            if spec.batch > (bound.rows or 0):
                raise ValueError(f"batch={spec.batch} is more than the {bound.rows} rows of the data")
        self._set(surface, bound.settings, start, STEPS.check(steps), SEED.check(seed), runs,
                  axes_for(runs, sweep), MEASURE.check(measure), TOLERANCE.check(tolerance))

    @classmethod
    def trusted(cls, surface, surface_params, start, steps, seed, runs, sweep=(), measure=MEASURE.default,
                tolerance=TOLERANCE.default) -> Experiment:
        experiment = cls.__new__(cls)
        experiment._set(surface, surface_params, start, steps, seed, tuple(runs), tuple(sweep), measure, tolerance)
        return experiment

    def _set(self, surface, surface_params, start, steps, seed, runs, sweep, measure, tolerance) -> None:
        for name, value in (("surface", surface), ("surface_params", dict(surface_params)),
                            ("start", (float(start[0]), float(start[1]))), ("steps", int(steps)),
                            ("seed", int(seed)), ("runs", tuple(runs)), ("sweep", tuple(sweep)),
                            ("measure", measure), ("tolerance", float(tolerance))):
            object.__setattr__(self, name, value)

    def replace(self, **changes) -> Experiment:
        """A copy with some fields changed (trusted: the caller keeps them valid)."""
        fields = {name: getattr(self, name) for name in ("surface", "surface_params", "start", "steps", "seed",
                                                          "runs", "sweep", "measure", "tolerance")}
        return Experiment.trusted(**{**fields, **changes})

    def make_surface(self) -> Surface:
        return get_surface(self.surface, seed=self.seed, **self.surface_params)


# Names a surface or a run may not use for its own parameters: they are already keys of the link.
RESERVED_TOP_LEVEL = {"surface", "start", "steps", "seed", "opt", "sweep", "measure", "tolerance", "step", "view",
                      "lang", "present", "hide", "lesson", "plot"}
RESERVED_IN_RUN = {"schedule", "noise", "label", "batch"}


def _check_names() -> None:
    for cls in SURFACES.values():
        clash = {p.name for p in cls.params} & RESERVED_TOP_LEVEL
        assert not clash, f"surface {cls.id} parameter names clash with link keys: {clash}"
    for opt in OPTIMIZERS.values():
        for sched in SCHEDULES.values():
            clash = {p.name for p in opt.params} & ({p.name for p in sched.params} | RESERVED_IN_RUN)
            assert not clash, f"{opt.id} and schedule {sched.id} share parameter names {clash}"


_check_names()
