"""Step every run of an experiment and collect trajectories, losses, gradient norms and optimizer internals.

Runs that share an optimizer and its code path form a group, stepped together. Each group runs on one of two
engines that give the same bits:
- compiled (experiments/compiled.py): the group's update rule and the surface, compiled together by numba into
  one loop; about 0.03 µs a run-step;
- NumPy (here): the reference and the fallback. An elementwise rule steps the whole group at once on (runs, 2)
  arrays, so a sweep of 256 learning rates costs about as much as one run; a coupled rule (LAMB, Newton, L-BFGS)
  steps one run at a time.
All arithmetic is elementwise, so a run gives the same bits alone or in a batch, on either engine.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from experiments import measures
from experiments.data import Batches
from experiments.limits import DIVERGENCE_RADIUS
from experiments.model import Experiment, Run
from optimizers import OPTIMIZERS, SCHEDULES, Optimizer
from surfaces import Surface

CHECK_EVERY = 512  # steps between checks for "every run has diverged", which ends the NumPy loop early
ENGINES = ("auto", "compiled", "numpy")
log = logging.getLogger(__name__)


@dataclass
class RunResult:
    """One run: arrays indexed by step k = 0 … n, where step 0 is the start and n ≤ experiment.steps."""

    run: Run
    points: np.ndarray  # (n + 1, 2)
    loss: np.ndarray  # (n + 1,)
    grad_norm: np.ndarray  # (n + 1,) norm of the true (noise-free) gradient at each point
    lr: np.ndarray  # (n + 1,) learning rate of the update that leaves point k
    internals: dict[str, np.ndarray]  # optimizer state after reaching point k, each (n + 1, 2)
    diverged_at: int | None  # first step whose point or loss was non-finite or beyond the bound

    @property
    def final_point(self) -> np.ndarray:
        return self.points[-1]

    @property
    def final_loss(self) -> float:
        return float(self.loss[-1])


@dataclass
class Result:
    experiment: Experiment
    surface: Surface
    runs: list[RunResult] = field(default_factory=list)
    engine: str = "numpy"  # which engine stepped the runs ("compiled", "numpy", or "mixed")

    @functools.cached_property
    def sweep(self):
        """The experiment's sweep (experiments.sweep.SweepResult), stepped on first use; None without one."""
        from experiments.sweep import sweep

        return sweep(self.experiment) if self.experiment.sweep else None

    def gradients_used(self, index: int) -> np.ndarray:
        """(n, 2): the gradient each update of run `index` used, noise included. Recomputed from the path, which
        gives the engine's own bits: the engines evaluate the same elementwise gradient at the same points."""
        rr = self.runs[index]
        with np.errstate(all="ignore"):
            gradient = self.surface.gradient(rr.points[:-1])
            if rr.run.batch:
                batches = Batches(self.surface.rows, rr.run.batch, self.experiment.seed, index)
                for t, point in enumerate(rr.points[:-1]):
                    gradient[t] = self.surface.gradient_rows(point, batches.indices(t))
        if rr.run.noise:
            gradient = gradient + noise_of(self.experiment, index)[:len(gradient)]
        return gradient

    def to_frame(self, internals: bool = False) -> pd.DataFrame:
        """A tidy table: one row per run per step (with `internals`, the step's gradient, step and state too)."""
        return pd.concat(list(self.frames(internals=internals)), ignore_index=True)

    def internal_names(self) -> list[str]:
        """Every state entry any run records, in the order the runs first name them (torch's names)."""
        return list(dict.fromkeys(name for rr in self.runs for name in rr.internals))

    def frames(self, rows: int | None = None, internals: bool = False) -> Iterator[pd.DataFrame]:
        """The tidy table in pieces of at most `rows` rows (one piece per run by default), in order: a large
        table can be written out without ever being whole in memory.

        With `internals`, each row k also has the gradient the update leaving k used (gx, gy, noise included),
        the step it took (dx, dy = θ_{k+1} − θ_k) and every state entry after reaching k as <name>_x, <name>_y:
        empty where a run's rule has no such entry, and the last row's gradient and step are empty (no update
        leaves it)."""
        names = self.internal_names() if internals else []
        for index, rr in enumerate(self.runs):
            n = len(rr.points)
            size = rows or max(n, 1)
            used = self.gradients_used(index) if internals else None
            for first in range(0, n, size):
                part = slice(first, min(first + size, n))
                columns = {
                    "run": np.full(part.stop - first, index), "optimizer": rr.run.optimizer,
                    "label": rr.run.name, "step": np.arange(first, part.stop), "x": rr.points[part, 0],
                    "y": rr.points[part, 1], "loss": rr.loss[part], "grad_norm": rr.grad_norm[part],
                    "lr": rr.lr[part],
                }
                if internals:
                    leaving = np.full((n, 2), np.nan)  # the last point has no update leaving it
                    leaving[:-1] = used
                    step = np.full((n, 2), np.nan)
                    step[:-1] = np.diff(rr.points, axis=0)
                    columns.update({"gx": leaving[part, 0], "gy": leaving[part, 1],
                                    "dx": step[part, 0], "dy": step[part, 1]})
                    for name in names:
                        recorded = rr.internals.get(name)
                        for axis, suffix in enumerate(("_x", "_y")):
                            columns[name + suffix] = recorded[part, axis] if recorded is not None \
                                else np.full(part.stop - first, np.nan)
                yield pd.DataFrame(columns)


@dataclass
class Group:
    """Runs of one optimizer that share a code path, and everything both engines need to step them."""

    optimizer: Optimizer
    members: list[int]  # indices into experiment.runs
    lr: np.ndarray  # (runs, steps + 1)
    unit_noise: np.ndarray  # (streams, steps, 2) unit normals; a run's gradient noise is σ × its stream
    noise_row: np.ndarray  # (runs,) which stream each run reads
    sigma: np.ndarray  # (runs,) each run's noise σ (0: noise-free)
    batches: list = field(default_factory=list)  # per run, its mini-batch stream (experiments.data.Batches) or None

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def noisy(self) -> np.ndarray:
        return self.sigma != 0


@dataclass
class Stepped:
    """What a group's steps produced, as run-major (runs, steps + 1, …) arrays; `diverged_at` is −1 for a run that
    did not diverge. A sweep (record=False) keeps no path: `summary` (runs, 3) holds each run's final loss, best
    loss and final distance to a minimum (NaN where undefined) and `reached` (runs,) its first step within the
    tolerance (−1: never)."""

    points: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    internals: dict[str, np.ndarray]  # name -> (runs, steps + 1, 2)
    diverged_at: np.ndarray
    summary: np.ndarray | None = None
    reached: np.ndarray | None = None


@dataclass(frozen=True)
class Summarize:
    """Ask for a sweep's summaries instead of paths: the surface's minima (m, 2) and the tolerance of arrival."""

    minima: np.ndarray
    tolerance: float


def run(experiment: Experiment, *, batch: bool = True, engine: str = "auto") -> Result:
    """Run every optimizer of the experiment. Never raises on divergence: a diverging run keeps its finite prefix.

    `engine` is "auto" (compiled where a kernel is ready or worth compiling, else NumPy), "compiled" or "numpy";
    both give the same bits. `batch=False` steps each run on its own; it exists to check that batching changes
    nothing.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}")
    surface = experiment.make_surface()
    groups = make_groups(experiment, batch, surface=surface)
    results: list[RunResult | None] = [None] * len(experiment.runs)
    engines = set()
    for group in groups:
        stepped, used_engine = _step(surface, experiment, group, engine)
        engines.add(used_engine)
        for offset, i in enumerate(group.members):
            results[i] = _run_result(experiment.runs[i], group, stepped, offset)
    used = engines.pop() if len(engines) == 1 else "mixed"
    return Result(experiment=experiment, surface=surface, runs=results, engine=used)


def make_groups(experiment: Experiment, batch: bool = True, streams: list[int] | None = None,
                surface: Surface | None = None) -> list[Group]:
    """Group the experiment's runs by code path. Run i's gradient noise and mini-batches are stream `streams[i]`
    (default i): a sweep's runs all read the streams of the run they were made from, as that run would alone."""
    runs = experiment.runs
    data_rows = None
    if any(spec.batch for spec in runs):
        data_rows = (surface or experiment.make_surface()).rows
    streams = list(range(len(runs))) if streams is None else streams
    keyed: dict[tuple, list[int]] = {}
    for i, spec in enumerate(runs):
        key = OPTIMIZERS[spec.optimizer].group_key(spec.hyper) if batch else (i,)
        keyed.setdefault(key, []).append(i)
    groups = []
    for members in keyed.values():
        lr = np.empty((len(members), experiment.steps + 1))
        by_schedule: dict[tuple, list[int]] = {}  # runs with one schedule and its settings get one table
        for row, i in enumerate(members):
            spec = runs[i]
            by_schedule.setdefault((spec.schedule, tuple(spec.schedule_params.items())), []).append(row)
        for (schedule, settings), rows in by_schedule.items():
            lr[rows] = SCHEDULES[schedule].table(experiment.steps, [runs[members[r]].lr for r in rows], dict(settings))
        sigma = np.array([runs[i].noise for i in members], dtype=float)
        wanted = sorted({streams[i] for i in members if runs[i].noise})
        unit = np.stack([unit_noise(experiment, s) for s in wanted]) if wanted else np.zeros((1, 1, 2))
        where = {s: row for row, s in enumerate(wanted)}
        noise_row = np.array([where.get(streams[i], 0) for i in members], dtype=np.int64)
        batches = [Batches(data_rows, runs[i].batch, experiment.seed, streams[i]) if runs[i].batch else None
                   for i in members]
        groups.append(Group(OPTIMIZERS[runs[members[0]].optimizer], members, lr, unit, noise_row, sigma, batches))
    return groups


def unit_noise(experiment: Experiment, stream: int) -> np.ndarray:
    """Noise stream `stream`, (steps, 2) standard normals seeded by (seed, stream)."""
    return np.random.default_rng([experiment.seed, stream]).standard_normal((experiment.steps, 2))


def noise_of(experiment: Experiment, index: int) -> np.ndarray:
    """Run `index`'s gradient noise, (steps, 2): σ times its own stream."""
    return experiment.runs[index].noise * unit_noise(experiment, index)


def _step(surface: Surface, experiment: Experiment, group: Group, engine: str,
          summarize: Summarize | None = None) -> tuple[Stepped, str]:
    if engine == "compiled" and not surface.compilable:
        raise RuntimeError(f"surface {surface.id!r} is built when it is bound and runs on the NumPy engine only")
    if engine != "numpy" and surface.compilable:
        from experiments import compiled  # numba loads only when a compiled engine is wanted

        stepped = compiled.step(surface, experiment, group, wait=engine == "compiled", summarize=summarize)
        if stepped is not None:
            return stepped, "compiled"
        if engine == "compiled":
            raise RuntimeError(f"the compiled engine is unavailable: {compiled.unavailable()}")
    if summarize is not None:
        return summarize_numpy(surface, experiment, group, summarize), "numpy"
    return step_numpy(surface, experiment, group), "numpy"


def _run_result(spec: Run, group: Group, stepped: Stepped, offset: int) -> RunResult:
    """One run's record: views of the group's run-major arrays, cut at its divergence."""
    gone = int(stepped.diverged_at[offset])
    diverged_at = gone if gone >= 0 else None
    end = diverged_at if diverged_at is not None else stepped.points.shape[1]
    return RunResult(
        run=spec, points=stepped.points[offset, :end], loss=stepped.loss[offset, :end],
        grad_norm=stepped.grad_norm[offset, :end], lr=group.lr[offset, :end],
        internals={name: stepped.internals[name][offset, :end] for name in group.optimizer.internals},
        diverged_at=diverged_at,
    )


def initial_state(group: Group, experiment: Experiment) -> np.ndarray:
    """The starting state of every run, (runs, len(state))."""
    opt = group.optimizer
    return np.array([opt.initial(experiment.runs[i].hyper) for i in group.members], dtype=float).reshape(
        group.size, len(opt.state))


def recorded_entries(opt: Optimizer) -> np.ndarray:
    """For each internal, the indices of its x and y parts in the state tuple (the same index twice for an
    elementwise rule, whose state tuple is per coordinate)."""
    index = {name: k for k, name in enumerate(opt.state)}
    rows = []
    for name in opt.internals:
        parts = opt.internal_entries(name)
        rows.append([index[parts[0]], index[parts[-1]]])
    return np.array(rows, dtype=np.int64).reshape(-1, 2)


# -- the NumPy engine ------------------------------------------------------------------------------------------

def step_numpy(surface: Surface, experiment: Experiment, group: Group) -> Stepped:
    opt = group.optimizer
    steps = experiment.steps
    history, states, gradients = [], [], []
    with np.errstate(all="ignore"):
        for t, params, state, gradient in _walk(surface, experiment, group):
            history.append(params)
            states.append(state)
            gradients.append(gradient)
            if (t + 1) % CHECK_EVERY == 0 and _all_gone(params):
                break
        trajectory = _stack(history)
        loss = surface.value(trajectory)
        gradient = _stack(gradients)
        grad_norm = np.hypot(gradient[..., 0], gradient[..., 1])  # no overflow while both parts are finite
        # Elementwise rules keep a state tuple per coordinate, (steps + 1, runs, entries, 2); coupled ones one per
        # run, (steps + 1, runs, entries), with an internal's x and y parts as two entries.
        states = _stack(states) if opt.coupled else np.stack([_stack([s[k] for s in states])
                                                               for k in range(len(opt.state))], axis=2)
    done = len(history)
    if done < steps + 1:  # every run had diverged: the rest stays NaN and is cut off below
        pad = lambda a: np.concatenate([a, np.full((steps + 1 - done, *a.shape[1:]), np.nan)])  # noqa: E731
        trajectory, loss, grad_norm = pad(trajectory), pad(loss), pad(grad_norm)
        states = pad(states)
    bad = ~np.isfinite(loss) | ~np.isfinite(grad_norm) | ~(np.abs(trajectory) <= DIVERGENCE_RADIUS).all(axis=-1)
    first_bad = np.where(bad.any(axis=0), bad.argmax(axis=0), -1)
    recorded = recorded_entries(opt)
    internals = {name: _run_major(states[:, :, recorded[k]] if opt.coupled else states[:, :, recorded[k, 0], :])
                 for k, name in enumerate(opt.internals)}
    return Stepped(_run_major(trajectory), _run_major(loss), _run_major(grad_norm), internals, first_bad)


def summarize_numpy(surface: Surface, experiment: Experiment, group: Group, summarize: Summarize) -> Stepped:
    """A sweep on NumPy: step every run, keep only its summary (what experiments/kernels.py's `_measure` keeps)."""
    count, minima = group.size, summarize.minima
    alive = np.ones(count, dtype=bool)
    diverged_at = np.full(count, -1, dtype=np.int64)
    reached = np.full(count, -1, dtype=np.int64)
    summary = np.full((count, 3), np.nan)
    last = np.empty((count, 2))
    with np.errstate(all="ignore"):
        for t, params, _, gradient in _walk(surface, experiment, group):
            loss = surface.value(params)
            norm = np.hypot(gradient[:, 0], gradient[:, 1])
            bad = ~np.isfinite(loss) | ~np.isfinite(norm) | ~(np.abs(params) <= DIVERGENCE_RADIUS).all(axis=-1)
            diverged_at[alive & bad] = t
            alive &= ~bad
            summary[alive, 0] = loss[alive]
            better = alive & ((t == 0) | (loss < summary[:, 1]))
            summary[better, 1] = loss[better]
            arrived = alive & (reached < 0) & (measures.nearest(params, minima) <= summarize.tolerance)
            reached[arrived] = t
            last[alive] = params[alive]
            if not alive.any():
                break
        finished = diverged_at < 0
        summary[~finished, 0] = np.nan
        if len(minima):
            summary[finished, 2] = measures.nearest(last[finished], minima)
    empty = np.empty((count, 0))
    return Stepped(empty, empty, empty, {}, diverged_at, summary, reached)


def _walk(surface: Surface, experiment: Experiment, group: Group):
    """Step a group on NumPy, yielding (t, points (runs, 2), state, true gradient at the points) for t = 0 … steps.
    An elementwise rule's state is a tuple of (runs, 2) arrays; a coupled rule's, a (runs, entries) array."""
    opt = group.optimizer
    start = np.empty((group.size, 2))
    start[:] = experiment.start
    initial = initial_state(group, experiment)
    rows = [experiment.runs[i].hyper for i in group.members]
    walk = _coupled_walk if opt.coupled else _elementwise_walk
    return walk(surface, group, opt, rows, start, initial, experiment.steps)


def _run_major(array: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.swapaxes(array, 0, 1))


def _group_lr(group: Group) -> np.ndarray | list:
    """Per step, the group's learning rates as a (runs, 1) column, or a NumPy scalar for a group of one (like its
    other shared hyperparameters)."""
    if group.size == 1:
        return [np.float64(v) for v in group.lr[0]]
    return group.lr.T[:, :, None]


def _used_gradient(surface: Surface, params: np.ndarray, gradient: np.ndarray, group: Group, t: int) -> np.ndarray:
    """The gradient each run's update uses: on its mini-batch where it has one, plus its noise where it is noisy;
    a full-batch noise-free run's gradient is left exactly as it is."""
    if any(group.batches):
        gradient = gradient.copy()
        for r, batches in enumerate(group.batches):
            if batches is not None:
                gradient[r] = surface.gradient_rows(params[r], batches.indices(t))
    if not group.noisy.any():
        return gradient
    noise = group.sigma[:, None] * group.unit_noise[group.noise_row, t]
    return np.where(group.noisy[:, None], gradient + noise, gradient)


def _elementwise_walk(surface, group, opt, rows, start, initial, steps):
    hyper = opt.hyper(rows)
    lr = _group_lr(group)
    # Each state entry as a (runs, 2) array: both coordinates start equal. The rules are pure (they return new
    # arrays), so whoever keeps what is yielded keeps every step without copying.
    state = tuple(np.repeat(initial[:, k:k + 1], 2, axis=1) for k in range(len(opt.state)))
    params = start
    for t in range(steps + 1):
        gradient = surface.gradient(params)
        yield t, params, state, gradient
        if t == steps:
            return
        params, state = opt.update(_used_gradient(surface, params, gradient, group, t), params, t, lr[t], state,
                                   *hyper)


def _coupled_walk(surface, group, opt, rows, start, initial, steps):
    """One run at a time, on NumPy scalars (which divide by zero to inf, as compiled code does)."""
    hypers = [opt.hyper([row]) for row in rows]
    memories = [np.zeros(opt.memory(opt.values(row))) for row in rows]
    states = [tuple(np.float64(v) for v in initial[r]) for r in range(group.size)]
    constants = surface.constants()
    params = start
    zero = np.float64(0.0)
    for t in range(steps + 1):
        gradient = surface.gradient(params)
        yield t, params, np.array(states, dtype=float), gradient
        if t == steps:
            return
        grad = _used_gradient(surface, params, gradient, group, t)
        moved = np.empty_like(params)
        for r in range(group.size):
            x, y = params[r]
            curvature = tuple(np.float64(h) for h in surface.hess_f(x, y, *constants)) if opt.curvature \
                else (zero, zero, zero)
            theta, states[r] = opt.update((grad[r, 0], grad[r, 1]), (x, y), t, np.float64(group.lr[r, t]),
                                          states[r], curvature, memories[r], *hypers[r])
            moved[r] = theta
        params = moved


def _stack(arrays: list[np.ndarray]) -> np.ndarray:
    """np.stack for many equal-shaped small arrays; concatenate does the same work in C, several times faster."""
    return np.concatenate(arrays).reshape(len(arrays), *arrays[0].shape)


def _all_gone(params: np.ndarray) -> bool:
    return not bool((np.abs(params) <= DIVERGENCE_RADIUS).all(axis=-1).any())
