"""The Surface type: a loss function with analytic value, gradient and Hessian over points shaped (..., 2)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from declarations import Param, resolve

MINIMUM, SADDLE, MAXIMUM = "minimum", "saddle", "maximum"


@dataclass(frozen=True)
class CriticalPoint:
    x: float
    y: float
    kind: str  # MINIMUM, SADDLE or MAXIMUM, read off the Hessian's eigenvalues


def pair(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Stack two arrays (broadcast to one shape) along a new last axis of length 2."""
    shape = np.shape(first)
    if np.shape(second) != shape:
        shape = np.broadcast_shapes(shape, np.shape(second))
    out = np.empty((*shape, 2))
    out[..., 0] = first
    out[..., 1] = second
    return out


def matrix(xx: np.ndarray, xy: np.ndarray, yy: np.ndarray, shape: tuple = ()) -> np.ndarray:
    """A symmetric 2x2 matrix per point, shaped (..., 2, 2); entries that are constants fill `shape`."""
    shape = np.broadcast_shapes(np.shape(xx), np.shape(xy), np.shape(yy), shape)
    out = np.empty((*shape, 2, 2))
    out[..., 0, 0] = xx
    out[..., 0, 1] = xy
    out[..., 1, 0] = xy
    out[..., 1, 1] = yy
    return out


class Surface:
    """A bound surface: the class declares the family, an instance fixes its parameters.

    Subclasses declare `id`, `title`, `formula`, `params`, `default_view`, `default_start`, `contour` ("log"
    for surfaces whose interesting valley sits many decades below the rim, else "linear"), and the function itself
    in scalar style, written once for NumPy arrays and for the compiled engine's plain floats (see elementwise):

        f(x, y, *constants) -> loss
        grad_f(x, y, *constants) -> (∂f/∂x, ∂f/∂y)
        hess_f(x, y, *constants) -> (∂²f/∂x², ∂²f/∂x∂y, ∂²f/∂y²)

    as static methods, with `constants()` the numbers they take after x and y (by default the parameters, in
    declaration order), and `critical_guesses`.
    """

    id: ClassVar[str]
    title: ClassVar[str]
    formula: ClassVar[str]
    expression: ClassVar[str] = ""  # the function at the default parameters in the formula grammar (an example)
    about: ClassVar[str] = ""
    params: ClassVar[tuple[Param, ...]] = ()
    default_view: ClassVar[tuple[float, float, float, float]]
    default_start: ClassVar[tuple[float, float]]
    contour: ClassVar[str] = "linear"
    compilable: ClassVar[bool] = True  # False: built when bound (a typed formula, data), so stepped on NumPy
    seeded: ClassVar[bool] = False  # True: what it is depends on the experiment's seed (data drawn from it)
    axes: ClassVar[tuple[str, str]] = ("x", "y")  # what the plane's coordinates are called on the plot
    rows: int | None = None  # the rows of data a mini-batch is drawn from; None: no data, no batches
    f: ClassVar[Callable[..., Any]]
    grad_f: ClassVar[Callable[..., tuple]]
    hess_f: ClassVar[Callable[..., tuple]]

    def __init__(self, seed: int = 0, **params: object) -> None:
        self.seed = int(seed)
        self.settings = resolve(self.params, params, f"surface {self.id!r}")
        for name, value in self.settings.items():
            setattr(self, name, value)
        self._critical: tuple[CriticalPoint, ...] | None = None

    @classmethod
    def repair(cls, settings: dict[str, Any], seed: int = 0) -> tuple[dict[str, Any], list]:
        """Fix combinations of valid settings that cannot be used together (a logistic model on targets outside
        [0, 1]); returns the settings and messages for the user. The link parser calls it; the Python API raises
        for the same combinations."""
        return settings, []

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.settings.items())
        return f"{type(self).__name__}({args})"

    def constants(self) -> tuple[float, ...]:
        """What f, grad_f and hess_f take after x and y."""
        return tuple(float(self.settings[p.name]) for p in self.params)

    # -- the function over points shaped (..., 2) ----------------------------------------------------------
    def value(self, points: np.ndarray) -> np.ndarray:
        points = np.asarray(points, dtype=float)
        return np.asarray(self.f(points[..., 0], points[..., 1], *self.constants()), dtype=float)

    def gradient(self, points: np.ndarray) -> np.ndarray:
        points = np.asarray(points, dtype=float)
        gx, gy = self.grad_f(points[..., 0], points[..., 1], *self.constants())
        return pair(gx, gy)

    def hessian(self, points: np.ndarray) -> np.ndarray:
        points = np.asarray(points, dtype=float)
        return matrix(*self.hess_f(points[..., 0], points[..., 1], *self.constants()), shape=points.shape[:-1])

    def gradient_rows(self, point: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The gradient at one point on some rows of the data (a mini-batch); only surfaces with data have it."""
        raise TypeError(f"surface {self.id!r} has no data to draw mini-batches from")

    # -- geometry -----------------------------------------------------------------------------------------
    def view(self) -> tuple[float, float, float, float]:
        """(xmin, xmax, ymin, ymax) of the default plot."""
        return self.default_view

    def start(self) -> tuple[float, float]:
        return self.default_start

    def curvature_range(self) -> tuple[float, float] | None:
        """(λmin, λmax) of the Hessian where it is the same everywhere (a quadratic), else None."""
        return None

    def critical_guesses(self) -> list[tuple[float, float]]:
        """Approximate locations of the known critical points; Newton's method polishes them."""
        return []

    def critical_points(self) -> tuple[CriticalPoint, ...]:
        if self._critical is None:
            found: list[CriticalPoint] = []
            for guess in self.critical_guesses():
                point = _polish(self, np.array(guess, dtype=float))
                if point is None:
                    continue
                if all(abs(point[0] - c.x) + abs(point[1] - c.y) > 1e-6 for c in found):
                    found.append(CriticalPoint(float(point[0]), float(point[1]), classify(self.hessian(point))))
            self._critical = tuple(found)
        return self._critical

    def minima(self) -> tuple[CriticalPoint, ...]:
        return tuple(c for c in self.critical_points() if c.kind == MINIMUM)


def _polish(surface: Surface, point: np.ndarray) -> np.ndarray | None:
    """Newton's method on the gradient: converges quadratically from a nearby guess.

    Returns None when it does not converge, which happens for guesses that a parameter change has made stale
    (Rastrigin's ripples vanish as A goes to 0).
    """
    with np.errstate(all="ignore"):
        for _ in range(100):
            gradient = surface.gradient(point)
            if np.max(np.abs(gradient)) < 1e-14:
                break
            try:
                point = point - np.linalg.solve(surface.hessian(point), gradient)
            except np.linalg.LinAlgError:
                return None
        converged = np.all(np.isfinite(point)) and np.max(np.abs(surface.gradient(point))) < 1e-9
    return point if converged else None


def classify(hessian: np.ndarray) -> str:
    """MINIMUM, MAXIMUM or SADDLE, from the signs of the Hessian's eigenvalues at a critical point."""
    low, high = np.linalg.eigvalsh(hessian)
    if low > 0:
        return MINIMUM
    if high < 0:
        return MAXIMUM
    return SADDLE
