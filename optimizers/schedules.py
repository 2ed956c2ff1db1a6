"""Learning-rate schedules: lr_t for t = 0, 1, 2, … as a whole array, computed once per run.

Each matches the closed form of the torch.optim.lr_scheduler named in its declaration, with the run's `lr` as
torch's base_lr. `warmup_<name>` prepends a linear warm-up, as torch's
SequentialLR([LinearLR(start_factor=1/warmup, total_iters=warmup), <name>], milestones=[warmup]).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from declarations import INT, Param


@dataclass(frozen=True)
class Schedule:
    id: str
    title: str
    params: tuple[Param, ...]
    formula: str
    torch: str
    values: Callable[[np.ndarray, float, dict, int], np.ndarray]  # (t, lr, settings, steps) -> lr_t

    def __call__(self, steps: int, lr: float, settings: dict) -> np.ndarray:
        """lr_t for t = 0 … steps (the last entry is the rate the next step would use)."""
        return self.table(steps, [lr], settings)[0]

    def table(self, steps: int, lrs, settings: dict) -> np.ndarray:
        """lr_t for several base rates at once, (len(lrs), steps + 1). Each formula is elementwise and computes
        its functions of t on t alone, so a row equals the single rate's array exactly."""
        t = np.arange(steps + 1, dtype=float)
        column = np.asarray(lrs, dtype=float).reshape(-1, 1)
        values = np.asarray(self.values(t, column, settings, steps), dtype=float)
        return np.broadcast_to(values, (len(column), len(t))).copy()


def _whole_run(t_max: int, steps: int) -> int:
    return t_max if t_max > 0 else max(steps, 1)


def _cyclic(t, lr, s, steps):
    # torch.optim.lr_scheduler.CyclicLR, mode="triangular", step_size_down = step_size_up
    total_size = 2.0 * s["step_size_up"]
    step_ratio = 0.5
    cycle = np.floor(1 + t / total_size)
    x = 1.0 + t / total_size - cycle
    scale_factor = np.where(x <= step_ratio, x / step_ratio, (x - 1) / (step_ratio - 1))
    return lr + (s["max_lr"] - lr) * scale_factor


GAMMA_HELP = "multiplicative factor of decay"
BASE_SCHEDULES: tuple[Schedule, ...] = (
    Schedule("constant", "Constant", (), "η_t = η", "none", lambda t, lr, s, n: lr),
    Schedule(
        "inverse_sqrt", "1/√(t+1) decay", (), "η_t = η / √(t + 1)",
        "LambdaLR(lambda t: 1 / math.sqrt(t + 1))", lambda t, lr, s, n: lr / np.sqrt(t + 1.0),
    ),
    Schedule(
        "step", "Step decay",
        (Param("step_size", 100, 1, 100_000, kind=INT, help="decay every this many steps"),
         Param("gamma", 0.1, 0.0, 1.0, label="γ", help=GAMMA_HELP)),
        "η_t = η γ^⌊t / step_size⌋", "StepLR(step_size, gamma)",
        lambda t, lr, s, n: lr * s["gamma"] ** np.floor(t / s["step_size"]),
    ),
    Schedule(
        "exponential", "Exponential decay",
        (Param("gamma", 0.99, 0.0, 1.0, label="γ", help=GAMMA_HELP),),
        "η_t = η γ^t", "ExponentialLR(gamma)", lambda t, lr, s, n: lr * s["gamma"] ** t,
    ),
    Schedule(
        "cosine", "Cosine annealing",
        (Param("T_max", 0, 0, 100_000, kind=INT, help="half-period in steps; 0 = the whole run"),
         Param("eta_min", 0.0, 0.0, 10.0, label="η_min", help="the lowest learning rate")),
        "η_t = η_min + (η − η_min)(1 + cos(πt / T_max)) / 2", "CosineAnnealingLR(T_max, eta_min)",
        lambda t, lr, s, n: s["eta_min"]
        + (lr - s["eta_min"]) * (1 + np.cos(np.pi * t / _whole_run(s["T_max"], n))) / 2,
    ),
    Schedule(
        "cyclic", "Cyclic (triangular)",
        (Param("max_lr", 0.1, 1e-8, 10.0, log=True, label="η_max", help="the peak of each cycle"),
         Param("step_size_up", 100, 1, 100_000, kind=INT, help="steps from η up to η_max (and back down)")),
        "η_t rises linearly from η to η_max in step_size_up steps, then falls back (Smith 2015)",
        "CyclicLR(base_lr=lr, max_lr, step_size_up, mode='triangular', cycle_momentum=False)", _cyclic,
    ),
)

WARMUP = Param("warmup", 50, 1, 100_000, kind=INT, help="length of the linear warm-up, in steps")


def _with_warmup(base: Schedule) -> Schedule:
    def values(t, lr, s, steps):
        warmup = s["warmup"]
        ramp = lr * (1.0 / warmup + (1.0 - 1.0 / warmup) * t / warmup)  # LinearLR(start_factor=1/warmup)
        after = base.values(np.maximum(t - warmup, 0.0), lr, s, max(steps - warmup, 1))
        return np.where(t < warmup, ramp, after)

    return Schedule(
        f"warmup_{base.id}", f"Warm-up, then {base.title.lower()}", (WARMUP, *base.params),
        f"η_t = η(1/w + (1 − 1/w)t/w) for t < w, then {base.formula} at t − w",
        f"SequentialLR([LinearLR(start_factor=1/warmup, total_iters=warmup), {base.torch}], milestones=[warmup])",
        values,
    )


SCHEDULES: dict[str, Schedule] = {s.id: s for s in BASE_SCHEDULES}
SCHEDULES.update({f"warmup_{s.id}": _with_warmup(s) for s in BASE_SCHEDULES})
