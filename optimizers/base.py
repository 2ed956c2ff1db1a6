"""The Optimizer type: one declaration per update rule, in the style of optax's (init, update) pairs.

`init(params, hp) -> state` and `update(grad, state, params, lr, hp, surface) -> (params, state)` are pure
functions over arrays shaped (runs, 2): one row per run, stepped together. Float hyperparameters arrive as
(runs, 1) columns so a learning-rate sweep is one array operation (a value the group shares is a scalar);
everything that picks a code path (a bool, an int, a choice, or a float whose zero switches a branch off, like
torch's `if weight_decay != 0`) is the same for every run in a group.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from declarations import FLOAT, Param, resolve

State = dict[str, Any]


def power(base, exponent):
    """base ** exponent by the C library's pow, element by element, as torch computes its bias corrections on
    Python floats. NumPy's vectorized pow may differ in the last bit, which would make a run's numbers depend on
    whether its batch-mates share its β."""
    if isinstance(base, float | int) and isinstance(exponent, float | int):
        return float(base) ** exponent
    bases, exponents = np.broadcast_arrays(np.asarray(base, dtype=float), np.asarray(exponent, dtype=float))
    flat = [b ** e for b, e in zip(bases.ravel().tolist(), exponents.ravel().tolist(), strict=True)]
    return np.array(flat).reshape(bases.shape)


class Hyper(dict):
    """Hyperparameters of a group of runs: float columns (runs, 1) and shared plain values."""

    def __init__(self, values: dict[str, Any], switched_on: dict[str, bool]) -> None:
        super().__init__(values)
        self.switched_on = switched_on

    def on(self, name: str) -> bool:
        """Whether a switch parameter (torch's `if weight_decay != 0:`) is non-zero for this group."""
        if name in self.switched_on:
            return self.switched_on[name]
        return bool(self[name])  # pinned by an alias


@dataclass(frozen=True)
class Optimizer:
    id: str
    title: str
    params: tuple[Param, ...]
    init: Callable[[np.ndarray, Hyper], State]
    update: Callable[..., tuple[np.ndarray, State]]
    equations: str
    reference: str
    torch: str = ""  # the torch.optim call with the same behaviour, where there is one
    internals: dict[str, str] = field(default_factory=dict)  # state entries shaped (runs, 2) -> what they are
    fixed: dict[str, Any] = field(default_factory=dict)  # settings an alias pins (gd: momentum = 0)
    switches: tuple[str, ...] = ()  # float params whose zero-ness selects a code path
    check: Callable[[dict[str, Any]], list[tuple[str, dict[str, Any]]]] | None = None
    # Work of one step of a group, in plain-optimizer steps; the link limits steps × the sum over groups.
    cost: Callable[[dict[str, Any]], int] = lambda hyper: 1

    def settings(self, given: dict[str, Any]) -> dict[str, Any]:
        """Complete and validate hyperparameters for the Python API; raises ValueError on bad values."""
        values = resolve(self.params, given, f"optimizer {self.id!r}")
        problems = self.check(values) if self.check else []
        if problems:
            raise ValueError("; ".join(message for message, _ in problems))
        return values

    def repair(self, values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """Fix combinations the algorithm rejects (torch raises for them); returns messages for the user."""
        messages = []
        for message, fix in self.check(values) if self.check else []:
            values = {**values, **fix}
            messages.append(message)
        return values, messages

    def group_key(self, values: dict[str, Any]) -> tuple:
        """Runs with equal keys can be stepped together along the runs axis."""
        fixed_kinds = tuple((p.name, values[p.name]) for p in self.params if p.kind != FLOAT)
        return (self.id, fixed_kinds, tuple(values[name] != 0 for name in self.switches))

    def hyper(self, rows: list[dict[str, Any]]) -> Hyper:
        """Stack the settings of runs that share a group key into one Hyper."""
        values: dict[str, Any] = dict(self.fixed)
        for p in self.params:
            if p.kind == FLOAT and len({row[p.name] for row in rows}) == 1:
                # A value shared by the whole group is a NumPy scalar: NumPy's fixed cost per call on (1, 1)
                # arrays is most of a step's time, float64 arithmetic gives the same bits either way, and
                # unlike a Python float it still divides by zero to inf instead of raising.
                values[p.name] = np.float64(rows[0][p.name])
            elif p.kind == FLOAT:
                values[p.name] = np.array([[row[p.name]] for row in rows], dtype=float)
            else:
                values[p.name] = rows[0][p.name]
        return Hyper(values, {name: rows[0][name] != 0 for name in self.switches})
