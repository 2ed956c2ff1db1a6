"""Step every run of an experiment and collect trajectories, losses, gradient norms and optimizer internals.

Runs that share an optimizer and its code path are stepped together as rows of one (runs, 2) array, so a sweep
of 256 learning rates costs about as much as one run. Each step evaluates the gradient of every run in a single
call. All arithmetic is elementwise, so a run gives the same bits alone or in a batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from experiments.limits import DIVERGENCE_RADIUS
from experiments.model import Experiment, Run
from optimizers import OPTIMIZERS, SCHEDULES, Hyper, Optimizer
from surfaces import Surface

CHECK_EVERY = 512  # steps between checks for "every run has diverged", which ends the loop early


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
class _Group:
    optimizer: Optimizer
    members: list[int]  # indices into experiment.runs
    rows: slice  # where the members sit in the stacked arrays
    hyper: Hyper
    state: dict[str, Any]
    records: dict[str, np.ndarray]


def run(experiment: Experiment, *, batch: bool = True) -> Result:
    """Run every optimizer of the experiment. Never raises on divergence: a diverging run keeps its finite prefix.

    `batch=False` steps each run on its own; it exists to check that batching changes nothing.
    """
    surface = experiment.make_surface()
    runs = experiment.runs
    steps = experiment.steps
    groups = _make_groups(runs, batch)
    order = [i for members in groups for i in members]  # stacked row -> run index
    count = len(order)

    lr_table = np.empty((steps + 1, count, 1))
    for row, i in enumerate(order):
        spec = runs[i]
        lr_table[:, row, 0] = SCHEDULES[spec.schedule](steps, spec.lr, spec.schedule_params)
    noise_table = _noise(experiment, order)

    start = np.empty((count, 2))
    start[:] = experiment.start
    stepped: list[_Group] = []
    next_row = 0
    for members in groups:
        opt = OPTIMIZERS[runs[members[0]].optimizer]
        hp = opt.hyper([runs[i].hyper for i in members])
        rows = slice(next_row, next_row + len(members))
        next_row = rows.stop
        stepped.append(_Group(opt, members, rows, hp, opt.init(start[rows], hp), {}))

    # The update rules are pure (they return new arrays), so keeping references to what they return records
    # every step without copying.
    params_now = [start[g.rows] for g in stepped]
    history: list[np.ndarray] = [start]
    states = [g.state for g in stepped]
    internals = [tuple(g.optimizer.internals) for g in stepped]
    recorded = [[tuple(g.state[name] for name in names)] for g, names in zip(stepped, internals, strict=True)]
    # A group of one steps with its learning rate as a scalar, like its other shared hyperparameters.
    plan = [(g.optimizer.update, g.rows, list(lr_table[:, g.rows.start, 0]) if len(g.members) == 1
             else lr_table[:, g.rows], g.hyper, recorded[k], internals[k]) for k, g in enumerate(stepped)]
    with np.errstate(all="ignore"):
        params = start
        for t in range(steps):
            grad = surface.gradient(params)
            if noise_table is not None:
                grad = grad + noise_table[t]
            for k, (update, rows, group_lr, hp, series, names) in enumerate(plan):
                params_now[k], state = update(grad[rows], states[k], params_now[k], group_lr[t], hp, surface)
                states[k] = state
                series.append(tuple([state[name] for name in names]))
            params = params_now[0] if len(plan) == 1 else np.concatenate(params_now)
            history.append(params)
            if (t + 1) % CHECK_EVERY == 0 and _all_gone(params):
                break
        trajectory = _stack(history)
        for group, series, names in zip(stepped, recorded, internals, strict=True):
            group.records = {name: _stack([values[j] for values in series]) for j, name in enumerate(names)}
        loss = surface.value(trajectory)
        gradient = surface.gradient(trajectory)
        grad_norm = np.hypot(gradient[..., 0], gradient[..., 1])  # no overflow while both parts are finite

    bad = ~np.isfinite(loss) | ~np.isfinite(grad_norm) | ~(np.abs(trajectory) <= DIVERGENCE_RADIUS).all(axis=-1)
    results: list[RunResult | None] = [None] * len(runs)
    for group in stepped:
        for offset, i in enumerate(group.members):
            row = group.rows.start + offset
            gone = np.flatnonzero(bad[:, row])
            diverged_at = int(gone[0]) if gone.size else None
            end = diverged_at if diverged_at is not None else steps + 1
            results[i] = RunResult(
                run=runs[i],
                points=trajectory[:end, row].copy(),
                loss=loss[:end, row].copy(),
                grad_norm=grad_norm[:end, row].copy(),
                lr=lr_table[:end, row, 0].copy(),
                internals={name: record[:end, offset].copy() for name, record in group.records.items()},
                diverged_at=diverged_at,
            )
    return Result(experiment=experiment, surface=surface, runs=results)


def _make_groups(runs: tuple[Run, ...], batch: bool) -> list[list[int]]:
    if not batch:
        return [[i] for i in range(len(runs))]
    groups: dict[tuple, list[int]] = {}
    for i, spec in enumerate(runs):
        key = OPTIMIZERS[spec.optimizer].group_key(spec.hyper)
        groups.setdefault(key, []).append(i)
    return list(groups.values())


def _noise(experiment: Experiment, order: list[int]) -> np.ndarray | None:
    """Gaussian gradient noise, (steps, runs, 2). Run k draws from its own stream seeded by (seed, k)."""
    runs = experiment.runs
    if not any(runs[i].noise for i in order):
        return None
    table = np.zeros((experiment.steps, len(order), 2))
    for row, i in enumerate(order):
        if runs[i].noise:
            rng = np.random.default_rng([experiment.seed, i])
            table[:, row] = runs[i].noise * rng.standard_normal((experiment.steps, 2))
    return table


def _stack(arrays: list[np.ndarray]) -> np.ndarray:
    """np.stack for many equal-shaped small arrays; concatenate does the same work in C, several times faster."""
    return np.concatenate(arrays).reshape(len(arrays), *arrays[0].shape)


def _all_gone(params: np.ndarray) -> bool:
    return not bool((np.abs(params) <= DIVERGENCE_RADIUS).all(axis=-1).any())
