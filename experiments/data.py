"""Losses from data (the second part of the own-loss work): a two-parameter model on (u, t) pairs, with its exact
gradient and Hessian, built-in datasets drawn from the experiment's seed, and mini-batches drawn as a shuffled
DataLoader draws them. The plane is the model's parameters: x is the weight w, y the bias b.

    data = dataset("offset", seed=0)                 # Data(u, t), the same points for the same seed
    loss = Model("linear", data)                     # ½·mean((w·u + b − t)²)
    loss.f(w, b), loss.grad_f(w, b), loss.hess_f(w, b), loss.minimum()
    batches = Batches(len(data.u), size=16, seed=0, run=1)   # batches.indices(step)
"""

from __future__ import annotations

import base64
import binascii
import csv
import zlib
from dataclasses import dataclass

import numpy as np

from declarations.messages import Message, message
from experiments.limits import DATA_MAX_ROWS, DATA_MAX_TEXT

DATASETS = ("line", "offset", "classes")
INLINE = "inline:"  # data=inline:<base64url of zlib-compressed little-endian float32 pairs u0, t0, u1, t1, …>
MODELS = ("linear", "logistic")
POINTS = 64  # points in a built-in dataset
CHUNK = 1 << 21  # numbers held at once while a loss is evaluated at many points


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

    def _over_points(self, kernel, w, b, rows, parts: int):
        """`kernel` at every point, a slice of points at a time when all at once would hold more than CHUNK
        numbers (a landscape's 320 × 320 pixels × 500 rows); each point's sum is the same either way."""
        w, b = np.broadcast_arrays(np.asarray(w, dtype=float), np.asarray(b, dtype=float))
        count = len(self.data.u) if rows is None else len(rows)
        if w.size * count <= CHUNK:
            return kernel(*self._columns(w, b, rows))
        flat_w, flat_b = w.ravel(), b.ravel()
        step = max(1, CHUNK // count)
        pieces = [kernel(*self._columns(flat_w[i:i + step], flat_b[i:i + step], rows))
                  for i in range(0, flat_w.size, step)]
        if parts == 1:
            return np.concatenate(pieces).reshape(w.shape)
        return tuple(np.concatenate([p[k] for p in pieces]).reshape(w.shape) for k in range(parts))

    def f(self, w, b, rows=None):
        return self._over_points(self._loss, w, b, rows, 1)

    def grad_f(self, w, b, rows=None):
        return self._over_points(self._gradient, w, b, rows, 2)

    def hess_f(self, w, b, rows=None):
        return self._over_points(self._hessian, w, b, rows, 3)

    def _loss(self, u, t, z):
        if self.kind == "linear":
            return 0.5 * np.mean((z - t) ** 2, axis=-1)
        # −t·log σ(z) − (1 − t)·log(1 − σ(z)) = log(1 + e^z) − t·z, written so that neither side overflows
        return np.mean(np.logaddexp(0.0, z) - t * z, axis=-1)

    def _gradient(self, u, t, z):
        residual = z - t if self.kind == "linear" else _sigmoid(z) - t
        return np.mean(residual * u, axis=-1), np.mean(residual, axis=-1)

    def _hessian(self, u, t, z):
        weight = np.ones_like(z) if self.kind == "linear" else _sigmoid(z) * (1.0 - _sigmoid(z))
        return np.mean(weight * u * u, axis=-1), np.mean(weight * u, axis=-1), np.mean(weight, axis=-1)

    def minimum(self) -> tuple[float, float] | None:
        """The linear model's closed-form least-squares (w, b); None for the logistic model (no closed form, and
        none at all on separable data)."""
        if self.kind != "linear":
            return None
        # On centred u, so that a feature near 10⁷ loses nothing: w = cov(u, t)/var(u), b = mean t − w·mean u.
        u_mean, t_mean = float(np.mean(self.data.u)), float(np.mean(self.data.t))
        centred = self.data.u - u_mean
        w = float(np.dot(centred, self.data.t - t_mean) / np.dot(centred, centred))
        return w, t_mean - w * u_mean


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
        self._seed = (seed, run)
        self._per_epoch = -(-rows // size)
        self._epoch: tuple[int, np.ndarray] | None = None  # only the current epoch is kept: steps come in order

    def indices(self, step: int) -> np.ndarray:
        """The rows of the batch the update leaving `step` uses. Each epoch's permutation has its own seed
        (seed, run, tag, epoch), so any step can be asked for without keeping earlier epochs."""
        epoch, within = divmod(step, self._per_epoch)
        if self._epoch is None or self._epoch[0] != epoch:
            order = np.random.default_rng([*self._seed, 0xBA7C4, epoch]).permutation(self.rows)
            self._epoch = (epoch, order)
        return self._epoch[1][within * self.size:(within + 1) * self.size]


class DataError(ValueError):
    """Why data cannot be used, as a message (declarations.messages) the page can translate."""

    def __init__(self, problem: Message) -> None:
        super().__init__(str(problem))
        self.problem = problem


def checked(u, t) -> Data:
    """(u, t) as float32-exact data, or DataError: 2 … DATA_MAX_ROWS rows, finite, and at least two distinct u
    (one u leaves w and b undetermined)."""
    u, t = np.asarray(u, dtype=np.float32), np.asarray(t, dtype=np.float32)
    if not 2 <= len(u) <= DATA_MAX_ROWS:
        raise DataError(message("data-rows", rows=len(u), low=2, high=DATA_MAX_ROWS))
    if not (np.isfinite(u).all() and np.isfinite(t).all()):
        raise DataError(message("data-finite"))
    if len(np.unique(u)) < 2:
        raise DataError(message("data-distinct"))
    return Data(u.astype(float), t.astype(float))


def encode_inline(data: Data) -> str:
    """The data as a link carries it: float32 pairs, compressed, base64url without padding."""
    pairs = np.stack([data.u, data.t], axis=-1).astype("<f4").tobytes()
    return INLINE + base64.urlsafe_b64encode(zlib.compress(pairs, 9)).decode().rstrip("=")


def decode_inline(text: str) -> Data:
    """What encode_inline wrote, validated like any key of a link: size, encoding, finite values, distinct u."""
    body = text[len(INLINE):].strip()
    if len(body) > DATA_MAX_TEXT:
        raise DataError(message("data-long", length=f"{len(body):,}", limit=f"{DATA_MAX_TEXT:,}"))
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        unpacker = zlib.decompressobj()
        raw = unpacker.decompress(packed, DATA_MAX_ROWS * 8 + 8)  # a zip bomb stops here
    except (binascii.Error, ValueError, zlib.error):
        raise DataError(message("data-encoding")) from None
    if unpacker.unconsumed_tail or len(raw) % 8:
        if len(raw) > DATA_MAX_ROWS * 8:
            raise DataError(message("data-rows", rows=f"more than {DATA_MAX_ROWS}", low=2, high=DATA_MAX_ROWS))
        raise DataError(message("data-encoding"))
    pairs = np.frombuffer(raw, dtype="<f4").reshape(-1, 2)
    return checked(pairs[:, 0], pairs[:, 1])


def read_csv(text: str) -> Data:
    """Pasted or uploaded CSV of u,t pairs, one per line (commas, semicolons, tabs or spaces between them); a first
    line that is not numbers is a header and skipped, as are blank lines and lines starting with #."""
    if len(text) > DATA_MAX_ROWS * 64:
        raise DataError(message("csv-too-many", rows=f"more than {DATA_MAX_ROWS}", limit=DATA_MAX_ROWS))
    rows, first = [], True
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        cells = [c for c in next(csv.reader([line.replace(";", ",").replace("\t", ",")])) if c.strip()]
        if len(cells) == 1:
            cells = cells[0].split()
        try:
            values = [float(c) for c in cells]
        except ValueError:
            values = []
        header, first = first, False
        if len(values) != 2:
            if header:
                continue  # a first line of names, not numbers
            shown = line if len(line) <= 30 else line[:30] + "…"
            raise DataError(message("csv-row", line=number, given=repr(shown)))
        rows.append(values)
        if len(rows) > DATA_MAX_ROWS:
            raise DataError(message("csv-too-many", rows=f"more than {DATA_MAX_ROWS}", limit=DATA_MAX_ROWS))
    if not rows:
        raise DataError(message("data-rows", rows=0, low=2, high=DATA_MAX_ROWS))
    table = np.array(rows, dtype=float)
    return checked(table[:, 0], table[:, 1])


def load(name: str, seed: int = 0) -> Data:
    """A dataset by its link value: a built-in name, or inline:…"""
    return decode_inline(name) if name.startswith(INLINE) else dataset(name, seed)


__all__ = ["DATASETS", "INLINE", "MODELS", "Batches", "Data", "DataError", "Model", "checked", "dataset",
           "decode_inline", "encode_inline", "load", "read_csv"]
