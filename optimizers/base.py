"""The Optimizer type: one declaration per update rule, in the style of optax's explicit-state transforms.

An update rule is a pure function in scalar style, written once and run two ways (experiments/runner.py):

    update(g, theta, t, lr, state, <hyperparameters…>) -> (theta, state)

`g` and `theta` are one coordinate's gradient and position, `t` the number of steps already taken, `state` a tuple
of the entries named by `Optimizer.state`, and the hyperparameters follow, named as in the declaration (or as an
alias pins them in `fixed`). On NumPy arrays one call steps every run of a group and both coordinates at once:
float hyperparameters arrive as (runs, 1) columns or, when the group shares a value, as scalars. Compiled by
numba the same text runs on plain floats, one coordinate at a time. Everything that picks a code path (a bool,
an int, or a float whose zero switches a branch off, like torch's ``if weight_decay != 0``) is the same for every
run of a group.

A `coupled` rule needs the whole point at once (LAMB's norms, Newton's Hessian, L-BFGS's memory):

    update(g, theta, t, lr, state, curvature, memory, <hyperparameters…>) -> (theta, state)

with `g` and `theta` the pairs (x, y), `curvature` the Hessian entries (hxx, hxy, hyy) at theta when the rule
declares `curvature=True`, and `memory` a per-run scratch array shaped by `Optimizer.memory`. A coupled rule runs
one run at a time on both paths.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from declarations import FLOAT, Param, resolve

ELEMENTWISE_PREFIX = ("g", "theta", "t", "lr", "state")
COUPLED_PREFIX = (*ELEMENTWISE_PREFIX, "curvature", "memory")


@dataclass(frozen=True)
class Optimizer:
    id: str
    title: str
    params: tuple[Param, ...]
    update: Callable[..., tuple[Any, tuple]]
    state: tuple[str, ...]  # the entries of the state tuple, in order (coupled rules: <name>_x, <name>_y, …)
    equations: str
    reference: str
    torch: str = ""  # the torch.optim call with the same behaviour, where there is one
    # State entries shown to the user -> what they are. A coupled rule's entry `d` is its state's d_x and d_y.
    internals: dict[str, str] = field(default_factory=dict)
    start: dict[str, float | str] = field(default_factory=dict)  # initial state: a number or a parameter's name
    fixed: dict[str, Any] = field(default_factory=dict)  # settings an alias pins (gd: momentum = 0)
    switches: tuple[str, ...] = ()  # float params whose zero-ness selects a code path
    coupled: bool = False
    curvature: bool = False  # a coupled rule that needs the Hessian at θ (Newton)
    memory: Callable[[dict[str, Any]], tuple[int, int]] = lambda hyper: (0, 0)  # per-run scratch array shape
    check: Callable[[dict[str, Any]], list[tuple[str, dict[str, Any]]]] | None = None
    # Work of one step of one run, in plain-optimizer steps; a link limits steps × the sum over its runs.
    cost: Callable[[dict[str, Any]], int] = lambda hyper: 1
    # On a convex quadratic with Hessian eigenvalues λmin ≤ λmax: the largest lr at which the rule is stable,
    # edge(settings, λmin, λmax), with its formula as `edge_text`; and the settings of fastest convergence,
    # optimum(λmin, λmax) -> {name: value} (Goh, "Why Momentum Really Works", 2017). None where no closed form is known.
    edge: Callable[[dict[str, Any], float, float], float] | None = None
    # The effective per-coordinate step size of one update, effective(state before, local variables after the
    # update) (experiments/inspect.py): Adam's η/(1 − β₁ᵗ) / (√v̂ + ε). None where the rule has no such number.
    effective: Callable[[dict[str, Any], dict[str, Any]], Any] | None = None
    edge_text: str = ""
    # The rule's own direction, drawn as an arrow beside −∇f and the step: (internal, sign, units, symbol), where
    # sign·value points the way the step goes, units are "gradient" (b, m) or "step" (Newton's d) and the symbol
    # names the arrow ("−m"). Empty where there is none.
    direction: tuple[str, float, str, str] = ()
    optimum: Callable[[float, float], dict[str, float]] | None = None

    @cached_property
    def arguments(self) -> tuple[str, ...]:
        """The hyperparameters the update takes, in the order it takes them (after the fixed prefix)."""
        names = tuple(inspect.signature(self.update).parameters)
        prefix = COUPLED_PREFIX if self.coupled else ELEMENTWISE_PREFIX
        assert names[:len(prefix)] == prefix, (self.id, names)
        return names[len(prefix):]

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

    def values(self, hyper: dict[str, Any]) -> dict[str, Any]:
        """One run's settings with the alias's pinned ones."""
        return {**self.fixed, **hyper}

    def hyper(self, rows: list[dict[str, Any]]) -> tuple:
        """The update's hyperparameter arguments for runs that share a group key, on NumPy arrays."""
        rows = [self.values(row) for row in rows]
        kinds = {p.name: p.kind for p in self.params}
        out = []
        for name in self.arguments:
            column = [row[name] for row in rows]
            if kinds.get(name, FLOAT) != FLOAT or not isinstance(column[0], float):
                out.append(column[0])  # a switch, a count or a pinned setting: one value for the group
            elif len(set(column)) == 1:
                # A value shared by the whole group is a NumPy scalar: NumPy's fixed cost per call on (1, 1)
                # arrays is most of a step's time, float64 arithmetic gives the same bits either way, and
                # unlike a Python float it still divides by zero to inf instead of raising.
                out.append(np.float64(column[0]))
            else:
                out.append(np.array(column, dtype=float)[:, None])
        return tuple(out)

    def initial(self, hyper: dict[str, Any]) -> list[float]:
        """One run's starting state, entry by entry."""
        values = self.values(hyper)
        starts = [self.start.get(name, 0.0) for name in self.state]
        return [float(values[start] if isinstance(start, str) else start) for start in starts]

    def internal_entries(self, name: str) -> tuple[str, str] | tuple[str]:
        """The state entries an internal is made of: (name,) per coordinate, or (name_x, name_y) when coupled."""
        return (f"{name}_x", f"{name}_y") if self.coupled else (name,)
