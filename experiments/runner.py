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

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

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

    def gradients_used(self, index: int) -> np.ndarray:
        """(n, 2): the gradient each update of run `index` used, noise included. Recomputed from the path, which
        gives the engine's own bits: the engines evaluate the same elementwise gradient at the same points."""
        rr = self.runs[index]
        with np.errstate(all="ignore"):
            gradient = self.surface.gradient(rr.points[:-1])
        if rr.run.noise:
            gradient = gradient + noise_of(self.experiment, index)[:len(gradient)]
        return gradient

    def to_frame(self) -> pd.DataFrame:
        """A tidy table: one row per run per step."""
        return pd.concat(list(self.frames()), ignore_index=True)

    def frames(self, rows: int | None = None) -> Iterator[pd.DataFrame]:
        """The tidy table in pieces of at most `rows` rows (one piece per run by default), in order: a large
        table can be written out without ever being whole in memory."""
        for index, rr in enumerate(self.runs):
            n = len(rr.points)
            size = rows or max(n, 1)
            for first in range(0, n, size):
                part = slice(first, min(first + size, n))
                yield pd.DataFrame({
                    "run": np.full(part.stop - first, index), "optimizer": rr.run.optimizer,
                    "label": rr.run.name, "step": np.arange(first, part.stop), "x": rr.points[part, 0],
                    "y": rr.points[part, 1], "loss": rr.loss[part], "grad_norm": rr.grad_norm[part],
                    "lr": rr.lr[part],
                })


@dataclass
class Group:
    """Runs of one optimizer that share a code path, and everything both engines need to step them."""

    optimizer: Optimizer
    members: list[int]  # indices into experiment.runs
    lr: np.ndarray  # (runs, steps + 1)
    noise: np.ndarray | None  # (runs, steps, 2), or None when no member is noisy
    noisy: np.ndarray  # (runs,) bool

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass
class Stepped:
    """What a group's steps produced, as run-major (runs, steps + 1, …) arrays; `diverged_at` is −1 for a run that
    did not diverge."""

    points: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    internals: dict[str, np.ndarray]  # name -> (runs, steps + 1, 2)
    diverged_at: np.ndarray


def run(experiment: Experiment, *, batch: bool = True, engine: str = "auto") -> Result:
    """Run every optimizer of the experiment. Never raises on divergence: a diverging run keeps its finite prefix.

    `engine` is "auto" (compiled where a kernel is ready or worth compiling, else NumPy), "compiled" or "numpy";
    both give the same bits. `batch=False` steps each run on its own; it exists to check that batching changes
    nothing.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}")
    surface = experiment.make_surface()
    groups = make_groups(experiment, batch)
    results: list[RunResult | None] = [None] * len(experiment.runs)
    engines = set()
    for group in groups:
        stepped, used_engine = _step(surface, experiment, group, engine)
        engines.add(used_engine)
        for offset, i in enumerate(group.members):
            results[i] = _run_result(experiment.runs[i], group, stepped, offset)
    used = engines.pop() if len(engines) == 1 else "mixed"
    return Result(experiment=experiment, surface=surface, runs=results, engine=used)


def make_groups(experiment: Experiment, batch: bool = True) -> list[Group]:
    runs = experiment.runs
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
        noisy = np.array([runs[i].noise > 0 for i in members])
        groups.append(Group(OPTIMIZERS[runs[members[0]].optimizer], members, lr,
                            _noise(experiment, members) if noisy.any() else None, noisy))
    return groups


def _noise(experiment: Experiment, members: list[int]) -> np.ndarray:
    """Gaussian gradient noise, (runs, steps, 2); zero for noise-free members."""
    table = np.zeros((len(members), experiment.steps, 2))
    for row, i in enumerate(members):
        if experiment.runs[i].noise:
            table[row] = noise_of(experiment, i)
    return table


def noise_of(experiment: Experiment, index: int) -> np.ndarray:
    """Run `index`'s gradient noise, (steps, 2): its own stream, seeded by (seed, index)."""
    rng = np.random.default_rng([experiment.seed, index])
    return experiment.runs[index].noise * rng.standard_normal((experiment.steps, 2))


def _step(surface: Surface, experiment: Experiment, group: Group, engine: str) -> tuple[Stepped, str]:
    if engine != "numpy":
        from experiments import compiled  # numba loads only when a compiled engine is wanted

        stepped = compiled.step(surface, experiment, group, wait=engine == "compiled")
        if stepped is not None:
            return stepped, "compiled"
        if engine == "compiled":
            raise RuntimeError(f"the compiled engine is unavailable: {compiled.unavailable()}")
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
    steps, count = experiment.steps, group.size
    start = np.empty((count, 2))
    start[:] = experiment.start
    initial = initial_state(group, experiment)
    rows = [experiment.runs[i].hyper for i in group.members]
    with np.errstate(all="ignore"):
        if opt.coupled:
            history, states = _coupled_numpy(surface, group, opt, rows, start, initial, steps)
        else:
            history, states = _elementwise_numpy(surface, group, opt, rows, start, initial, steps)
        trajectory = _stack(history)
        loss = surface.value(trajectory)
        gradient = surface.gradient(trajectory)
        grad_norm = np.hypot(gradient[..., 0], gradient[..., 1])  # no overflow while both parts are finite
    done = len(history)
    if done < steps + 1:  # every run had diverged: the rest stays NaN and is cut off below
        pad = lambda a: np.concatenate([a, np.full((steps + 1 - done, *a.shape[1:]), np.nan)])  # noqa: E731
        trajectory, loss, grad_norm = pad(trajectory), pad(loss), pad(grad_norm)
        states = pad(states)
    bad = ~np.isfinite(loss) | ~np.isfinite(grad_norm) | ~(np.abs(trajectory) <= DIVERGENCE_RADIUS).all(axis=-1)
    first_bad = np.where(bad.any(axis=0), bad.argmax(axis=0), -1)
    recorded = recorded_entries(opt)
    # Elementwise rules keep a state tuple per coordinate, (steps + 1, runs, entries, 2); coupled ones one per
    # run, (steps + 1, runs, entries), with an internal's x and y parts as two entries.
    internals = {name: _run_major(states[:, :, recorded[k]] if opt.coupled else states[:, :, recorded[k, 0], :])
                 for k, name in enumerate(opt.internals)}
    return Stepped(_run_major(trajectory), _run_major(loss), _run_major(grad_norm), internals, first_bad)


def _run_major(array: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.swapaxes(array, 0, 1))


def _group_lr(group: Group) -> np.ndarray | list:
    """Per step, the group's learning rates as a (runs, 1) column, or a NumPy scalar for a group of one (like its
    other shared hyperparameters)."""
    if group.size == 1:
        return [np.float64(v) for v in group.lr[0]]
    return group.lr.T[:, :, None]


def _noisy_gradient(gradient: np.ndarray, group: Group, t: int) -> np.ndarray:
    """The gradient plus each noisy run's noise; a noise-free run's gradient is left exactly as it is."""
    if group.noise is None:
        return gradient
    return np.where(group.noisy[:, None], gradient + group.noise[:, t], gradient)


def _elementwise_numpy(surface, group, opt, rows, start, initial, steps):
    hyper = opt.hyper(rows)
    lr = _group_lr(group)
    # Each state entry as a (runs, 2) array: both coordinates start equal.
    state = tuple(np.repeat(initial[:, k:k + 1], 2, axis=1) for k in range(len(opt.state)))
    # The rules are pure (they return new arrays), so keeping what they return records every step without copying.
    params, history, recorded = start, [start], [state]
    for t in range(steps):
        grad = _noisy_gradient(surface.gradient(params), group, t)
        params, state = opt.update(grad, params, t, lr[t], state, *hyper)
        history.append(params)
        recorded.append(state)
        if (t + 1) % CHECK_EVERY == 0 and _all_gone(params):
            break
    entries = [_stack([s[k] for s in recorded]) for k in range(len(opt.state))]
    return history, np.stack(entries, axis=2)  # states: (steps + 1, runs, entries, 2)


def _coupled_numpy(surface, group, opt, rows, start, initial, steps):
    """One run at a time, on NumPy scalars (which divide by zero to inf, as compiled code does)."""
    hypers = [opt.hyper([row]) for row in rows]
    memories = [np.zeros(opt.memory(opt.values(row))) for row in rows]
    states = [tuple(np.float64(v) for v in initial[r]) for r in range(group.size)]
    constants = surface.constants()
    params, history, recorded = start, [start], [np.array(states)]
    zero = np.float64(0.0)
    for t in range(steps):
        grad = _noisy_gradient(surface.gradient(params), group, t)
        moved = np.empty_like(params)
        for r in range(group.size):
            x, y = params[r]
            curvature = tuple(np.float64(h) for h in surface.hess_f(x, y, *constants)) if opt.curvature \
                else (zero, zero, zero)
            theta, states[r] = opt.update((grad[r, 0], grad[r, 1]), (x, y), t, np.float64(group.lr[r, t]),
                                          states[r], curvature, memories[r], *hypers[r])
            moved[r] = theta
        params = moved
        history.append(params)
        recorded.append(np.array(states, dtype=float))
        if (t + 1) % CHECK_EVERY == 0 and _all_gone(params):
            break
    return history, _stack(recorded)  # states: (steps + 1, runs, entries)


def _stack(arrays: list[np.ndarray]) -> np.ndarray:
    """np.stack for many equal-shaped small arrays; concatenate does the same work in C, several times faster."""
    return np.concatenate(arrays).reshape(len(arrays), *arrays[0].shape)


def _all_gone(params: np.ndarray) -> bool:
    return not bool((np.abs(params) <= DIVERGENCE_RADIUS).all(axis=-1).any())
