"""Losses from data (the second part of the own-loss work): a two-parameter model on (u, t) pairs, with its exact
gradient and Hessian, built-in datasets drawn from the experiment's seed, and mini-batches drawn as a shuffled
DataLoader draws them. The plane is the model's parameters: x is the weight w, y the bias b.

    data = dataset("offset", seed=0)                 # Data(u, t), the same points for the same seed
    loss = Model("linear", data)                     # ½·mean((w·u + b − t)²)
    loss.f(w, b), loss.grad_f(w, b), loss.hess_f(w, b), loss.minimum()
    batches = Batches(len(data.u), size=16, seed=0, run=1)   # batches.indices(step)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DATASETS = ("line", "offset", "classes")
MODELS = ("linear", "logistic")
POINTS = 64  # points in a built-in dataset


@dataclass(frozen=True)
class Data:
    u: np.ndarray
    t: np.ndarray

    def normalized(self) -> Data:
        """u standardized to mean 0 and standard deviation 1, as the notes (000) do before fitting."""
        spread = float(np.std(self.u)) or 1.0
        return Data((self.u - float(np.mean(self.u))) / spread, self.t)


def dataset(name: str, seed: int = 0) -> Data:
    """A built-in dataset, drawn from `seed` so that a link always gives the same points.

    line: u uniform on [0, 1], t = 2u + 1 + noise; offset: the same with u on [90, 110], which makes the linear
    loss a long thin valley; classes: two overlapping classes (t ∈ {0, 1}) for the logistic model."""
    rng = np.random.default_rng([seed, DATASETS.index(name)])
    if name == "line":
        u = rng.uniform(0.0, 1.0, POINTS)
        return Data(u, 2.0 * u + 1.0 + rng.normal(0.0, 0.1, POINTS))
    if name == "offset":
        u = rng.uniform(90.0, 110.0, POINTS)
        return Data(u, 0.05 * (u - 100.0) + 1.0 + rng.normal(0.0, 0.1, POINTS))
    if name == "classes":
        labels = (np.arange(POINTS) % 2).astype(float)
        return Data(rng.normal(0.0, 1.0, POINTS) + 1.5 * labels - 0.75, labels)
    raise ValueError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")


class Model:
    """The loss of a two-parameter model over data (or over the rows `rows` of it: a mini-batch).

    linear:   ŷ = w·u + b,        loss ½·mean((ŷ − t)²)
    logistic: p = σ(w·u + b),     loss mean(−t·log p − (1 − t)·log(1 − p)), computed stably from the logit
    """

    def __init__(self, kind: str, data: Data) -> None:
        if kind not in MODELS:
            raise ValueError(f"unknown model {kind!r}; known: {', '.join(MODELS)}")
        self.kind, self.data = kind, data

    def _columns(self, w, b, rows):
        u = self.data.u if rows is None else self.data.u[rows]
        t = self.data.t if rows is None else self.data.t[rows]
        w, b = np.asarray(w, dtype=float)[..., None], np.asarray(b, dtype=float)[..., None]
        return u, t, w * u + b

    def f(self, w, b, rows=None):
        _, t, z = self._columns(w, b, rows)
        if self.kind == "linear":
            return 0.5 * np.mean((z - t) ** 2, axis=-1)
        # −t·log σ(z) − (1 − t)·log(1 − σ(z)) = log(1 + e^z) − t·z, written so that neither side overflows
        return np.mean(np.logaddexp(0.0, z) - t * z, axis=-1)

    def grad_f(self, w, b, rows=None):
        u, t, z = self._columns(w, b, rows)
        residual = z - t if self.kind == "linear" else _sigmoid(z) - t
        return np.mean(residual * u, axis=-1), np.mean(residual, axis=-1)

    def hess_f(self, w, b, rows=None):
        u, _, z = self._columns(w, b, rows)
        weight = np.ones_like(z) if self.kind == "linear" else _sigmoid(z) * (1.0 - _sigmoid(z))
        return np.mean(weight * u * u, axis=-1), np.mean(weight * u, axis=-1), np.mean(weight, axis=-1)

    def minimum(self) -> tuple[float, float] | None:
        """The linear model's closed-form least-squares (w, b); None for the logistic model (no closed form, and
        none at all on separable data)."""
        if self.kind != "linear":
            return None
        design = np.stack([self.data.u, np.ones_like(self.data.u)], axis=-1)
        (w, b), *_ = np.linalg.lstsq(design, self.data.t, rcond=None)
        return float(w), float(b)


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # σ(z) without overflow for large |z|


class Batches:
    """Mini-batches as a shuffled DataLoader draws them: each epoch is a fresh permutation of the rows, cut into
    batches of `size` (the last one of an epoch smaller when size does not divide n), seeded by (seed, run) so a
    link gives the same batches every time, and another run another stream."""

    def __init__(self, rows: int, size: int, seed: int, run: int) -> None:
        if not 1 <= size <= rows:
            raise ValueError(f"a batch holds 1 … {rows} rows, not {size}")
        self.rows, self.size = rows, size
        self._rng = np.random.default_rng([seed, run, 0xBA7C4])
        self._per_epoch = -(-rows // size)
        self._epochs: list[np.ndarray] = []

    def indices(self, step: int) -> np.ndarray:
        """The rows of the batch the update leaving `step` uses."""
        epoch, within = divmod(step, self._per_epoch)
        while len(self._epochs) <= epoch:
            self._epochs.append(self._rng.permutation(self.rows))
        order = self._epochs[epoch]
        return order[within * self.size:(within + 1) * self.size]


__all__ = ["DATASETS", "MODELS", "Batches", "Data", "Model", "dataset"]
