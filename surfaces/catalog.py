"""The surfaces. Each class is the one declaration of its surface: formula, parameters, view and derivatives."""

from __future__ import annotations

import math

import numpy as np

from declarations import CHOICE, Param
from surfaces.base import Surface, matrix, pair


class Ellipse(Surface):
    id = "ellipse"
    title = "Elongated ellipse"
    formula = "½(u² + κv²), (u, v) = (x, y) rotated by −angle"
    about = (
        "A convex quadratic with Hessian eigenvalues 1 and κ. GD is stable only for lr < 2/κ and then crawls "
        "along the long axis: the ill-conditioned valley of the notes. Rotating it mixes the coordinates, which "
        "matters for per-coordinate methods such as Adagrad and Adam."
    )
    params = (
        Param("kappa", 10.0, 1.0, 1000.0, log=True, label="κ", help="condition number λmax/λmin of the Hessian"),
        Param("angle", 0.0, -90.0, 90.0, label="angle°", help="rotation of the long axis, in degrees"),
    )
    default_view = (-5.0, 5.0, -5.0, 5.0)
    default_start = (-4.0, 2.0)

    def __init__(self, **params: object) -> None:
        super().__init__(**params)
        theta = math.radians(self.angle)
        c, s = math.cos(theta), math.sin(theta)
        # Hessian = Rᵀ diag(1, κ) R, written out so an axis-aligned ellipse has exact zeros off the diagonal.
        self.hxx = c * c + self.kappa * s * s
        self.hxy = c * s * (1.0 - self.kappa)
        self.hyy = s * s + self.kappa * c * c

    def value(self, points):
        x, y = points[..., 0], points[..., 1]
        return 0.5 * (self.hxx * x * x + 2.0 * self.hxy * x * y + self.hyy * y * y)

    def gradient(self, points):
        x, y = points[..., 0], points[..., 1]
        return pair(self.hxx * x + self.hxy * y, self.hxy * x + self.hyy * y)

    def hessian(self, points):
        shape = np.shape(points)[:-1]
        return matrix(np.full(shape, self.hxx), np.full(shape, self.hxy), np.full(shape, self.hyy))

    def critical_guesses(self):
        return [(0.0, 0.0)]


class Saddle(Surface):
    id = "saddle"
    title = "Saddle"
    formula = "bounded: x² + (y² − 1)²;  classic: x² − y²"
    about = (
        "A saddle at the origin. On the bounded variant the two ways down lead to minima at (0, ±1), so an "
        "optimizer that escapes the saddle arrives somewhere; the classic x² − y² falls away for ever."
    )
    params = (
        Param("variant", "bounded", kind=CHOICE, choices=("bounded", "classic"),
              help="bounded: minima beyond the saddle; classic: x² − y², unbounded below"),
    )
    default_view = (-2.0, 2.0, -2.0, 2.0)
    default_start = (1.5, 0.01)

    def value(self, points):
        x, y = points[..., 0], points[..., 1]
        if self.variant == "classic":
            return x * x - y * y
        w = y * y - 1.0
        return x * x + w * w

    def gradient(self, points):
        x, y = points[..., 0], points[..., 1]
        if self.variant == "classic":
            return pair(2.0 * x, -2.0 * y)
        return pair(2.0 * x, 4.0 * y * (y * y - 1.0))

    def hessian(self, points):
        x, y = points[..., 0], points[..., 1]
        zero = np.zeros_like(x)
        if self.variant == "classic":
            return matrix(zero + 2.0, zero, zero - 2.0)
        return matrix(zero + 2.0, zero, 12.0 * y * y - 4.0)

    def critical_guesses(self):
        if self.variant == "classic":
            return [(0.0, 0.0)]
        return [(0.0, 0.0), (0.0, 1.0), (0.0, -1.0)]


class Crescent(Surface):
    id = "crescent"
    title = "Crescent valley (心月形)"
    formula = "wall·(x² + y² − 1)² + height·exp(decay·(y − 1))"
    about = (
        "The valley floor is the unit circle, so it bends. The exponential term tilts the ring towards its "
        "bottom: on the way down the right-hand arc the slope along the floor starts steep near the top and "
        "falls by a factor of about e^(2·decay) towards the minimum at the bottom, the crescent-moon surface "
        "of seed 002, where the same coordinate needs a small learning rate first and a large one later. "
        "Adagrad's σ remembers the steep start and stalls on the flat end; RMSprop forgets and speeds up."
    )
    params = (
        Param("wall", 5.0, 1.0, 100.0, log=True, help="steepness of the walls across the valley (radial)"),
        Param("height", 1.0, 0.1, 2.0, log=True, help="how much higher the top of the ring is than the bottom"),
        Param("decay", 3.0, 1.0, 6.0, help="how fast the slope along the floor fades: steep-to-flat ratio e^(2·decay)"),
    )
    # The ranges keep the shape: within them the ring always has its top saddle, central peak and bottom minimum.
    default_view = (-1.6, 1.6, -1.6, 1.6)
    default_start = (0.5, 0.8)
    contour = "log"  # the valley floor lies decades below the walls; linear levels would hide the ring

    def value(self, points):
        x, y = points[..., 0], points[..., 1]
        ring = x * x + y * y - 1.0
        return self.wall * ring * ring + self.height * np.exp(self.decay * (y - 1.0))

    def gradient(self, points):
        x, y = points[..., 0], points[..., 1]
        ring = x * x + y * y - 1.0
        tilt = self.height * self.decay * np.exp(self.decay * (y - 1.0))
        return pair(4.0 * self.wall * ring * x, 4.0 * self.wall * ring * y + tilt)

    def hessian(self, points):
        x, y = points[..., 0], points[..., 1]
        ring = x * x + y * y - 1.0
        curve = self.height * self.decay * self.decay * np.exp(self.decay * (y - 1.0))
        w4 = 4.0 * self.wall
        return matrix(w4 * (ring + 2.0 * x * x), 2.0 * w4 * x * y, w4 * (ring + 2.0 * y * y) + curve)

    def critical_guesses(self):
        return [(0.0, 0.95), (0.0, 0.0), (0.0, -1.01)]


class Rosenbrock(Surface):
    id = "rosenbrock"
    title = "Rosenbrock"
    formula = "(a − x)² + b(y − x²)²"
    about = "A curved, flat-bottomed valley with the minimum at (a, a²): easy to find, slow to follow."
    params = (
        Param("a", 1.0, -3.0, 3.0, help="the minimum is at (a, a²)"),
        Param("b", 100.0, 0.1, 1000.0, log=True, help="steepness of the valley walls"),
    )
    default_view = (-2.0, 2.0, -1.0, 3.0)
    default_start = (-1.5, 2.0)
    contour = "log"

    def view(self):
        a = self.a
        return (min(-2.0, a - 1.0), max(2.0, a + 1.0), min(-1.0, a * a - 1.0), max(3.0, a * a + 1.0))

    def value(self, points):
        x, y = points[..., 0], points[..., 1]
        r = y - x * x
        return (self.a - x) ** 2 + self.b * r * r

    def gradient(self, points):
        x, y = points[..., 0], points[..., 1]
        r = y - x * x
        return pair(-2.0 * (self.a - x) - 4.0 * self.b * x * r, 2.0 * self.b * r)

    def hessian(self, points):
        x, y = points[..., 0], points[..., 1]
        return matrix(2.0 - 4.0 * self.b * (y - 3.0 * x * x), -4.0 * self.b * x, 2.0 * self.b + 0.0 * x)

    def critical_guesses(self):
        return [(self.a, self.a * self.a)]


class Himmelblau(Surface):
    id = "himmelblau"
    title = "Himmelblau"
    formula = "(x² + y − 11)² + (x + y² − 7)²"
    about = "Four minima of equal height, four saddles and one maximum: where you start decides where you end."
    default_view = (-5.0, 5.0, -5.0, 5.0)
    default_start = (0.0, 0.0)
    contour = "log"

    def value(self, points):
        x, y = points[..., 0], points[..., 1]
        p, q = x * x + y - 11.0, x + y * y - 7.0
        return p * p + q * q

    def gradient(self, points):
        x, y = points[..., 0], points[..., 1]
        p, q = x * x + y - 11.0, x + y * y - 7.0
        return pair(4.0 * x * p + 2.0 * q, 2.0 * p + 4.0 * y * q)

    def hessian(self, points):
        x, y = points[..., 0], points[..., 1]
        return matrix(12.0 * x * x + 4.0 * y - 42.0, 4.0 * (x + y), 4.0 * x + 12.0 * y * y - 26.0)

    def critical_guesses(self):
        return [
            (3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126),  # minima
            (0.086678, 2.884255), (-3.073026, -0.081353), (3.385154, 0.073852), (-0.127961, -1.953715),  # saddles
            (-0.270845, -0.923039),  # the maximum
        ]


class Beale(Surface):
    id = "beale"
    title = "Beale"
    formula = "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²"
    about = "Flat plateaus and steep ridges around a single minimum at (3, 0.5)."
    default_view = (-4.5, 4.5, -4.5, 4.5)
    default_start = (1.0, 1.5)
    contour = "log"
    _C = (1.5, 2.25, 2.625)

    def _terms(self, points):
        x, y = points[..., 0], points[..., 1]
        for k, c in enumerate(self._C, start=1):
            yk = y**k
            # term, d/dx, d/dy, d²/dx², d²/dxdy, d²/dy²
            yield c - x + x * yk, yk - 1.0, k * x * y ** (k - 1), k * y ** (k - 1), k * (k - 1) * x * y ** max(k - 2, 0)

    def value(self, points):
        return sum(t * t for t, *_ in self._terms(points))

    def gradient(self, points):
        gx = gy = 0.0
        for t, dx, dy, _, _ in self._terms(points):
            gx = gx + 2.0 * t * dx
            gy = gy + 2.0 * t * dy
        return pair(gx, gy)

    def hessian(self, points):
        hxx = hxy = hyy = 0.0
        for t, dx, dy, dxy, dyy in self._terms(points):
            hxx = hxx + 2.0 * dx * dx
            hxy = hxy + 2.0 * (dx * dy + t * dxy)
            hyy = hyy + 2.0 * (dy * dy + t * dyy)
        return matrix(hxx, hxy, hyy)

    def critical_guesses(self):
        return [(3.0, 0.5)]


class Rastrigin(Surface):
    id = "rastrigin"
    title = "Rastrigin"
    formula = "2A + x² + y² − A(cos 2πx + cos 2πy)"
    about = "A bowl covered in ripples: a local minimum near every integer point, the global one at the origin."
    params = (Param("A", 10.0, 0.0, 50.0, help="depth of the ripples; A = 0 leaves a plain bowl"),)
    default_view = (-3.0, 3.0, -3.0, 3.0)
    default_start = (2.5, 2.2)
    _TAU = 2.0 * math.pi

    def value(self, points):
        x, y = points[..., 0], points[..., 1]
        return 2.0 * self.A + x * x + y * y - self.A * (np.cos(self._TAU * x) + np.cos(self._TAU * y))

    def gradient(self, points):
        x, y = points[..., 0], points[..., 1]
        k = self.A * self._TAU
        return pair(2.0 * x + k * np.sin(self._TAU * x), 2.0 * y + k * np.sin(self._TAU * y))

    def hessian(self, points):
        x, y = points[..., 0], points[..., 1]
        k = self.A * self._TAU * self._TAU
        return matrix(2.0 + k * np.cos(self._TAU * x), 0.0 * x, 2.0 + k * np.cos(self._TAU * y))

    def critical_guesses(self):
        if self.A == 0.0:
            return [(0.0, 0.0)]
        # With deep enough ripples a local minimum sits near each integer point; stale guesses are dropped.
        return [(float(i), float(j)) for i in range(-2, 3) for j in range(-2, 3)]


class Plateau(Surface):
    id = "plateau"
    title = "Plateau"
    formula = "1 − exp(−(x² + y²) / (2·width²))"
    about = (
        "A narrow well in a wide, almost flat plain: far from the well the gradient is nearly zero, the "
        "gentle-slope problem where plain gradient descent barely moves."
    )
    params = (Param("width", 1.0, 0.2, 5.0, help="radius of the well; outside about 3·width the plain is flat"),)
    default_view = (-5.0, 5.0, -5.0, 5.0)
    default_start = (3.5, 3.0)

    def _bell(self, points):
        x, y = points[..., 0], points[..., 1]
        return x, y, np.exp(-(x * x + y * y) / (2.0 * self.width**2))

    def value(self, points):
        return 1.0 - self._bell(points)[2]

    def gradient(self, points):
        x, y, bell = self._bell(points)
        s2 = self.width**2
        return pair(x / s2 * bell, y / s2 * bell)

    def hessian(self, points):
        x, y, bell = self._bell(points)
        s2 = self.width**2
        return matrix((1.0 - x * x / s2) * bell / s2, -x * y / (s2 * s2) * bell, (1.0 - y * y / s2) * bell / s2)

    def critical_guesses(self):
        return [(0.0, 0.0)]


class DoubleWell(Surface):
    id = "double_well"
    title = "Local and global minimum"
    formula = "(x² − 1)² + tilt·x + y²"
    about = (
        "Two basins separated by a saddle. The tilt makes the left minimum the global one; the right one is a "
        "local minimum that traps plain gradient descent."
    )
    params = (Param("tilt", 0.3, -1.0, 1.0, help="tilt along x; positive makes the left basin deeper"),)
    default_view = (-2.0, 2.0, -2.0, 2.0)
    default_start = (1.8, 1.5)

    def value(self, points):
        x, y = points[..., 0], points[..., 1]
        w = x * x - 1.0
        return w * w + self.tilt * x + y * y

    def gradient(self, points):
        x, y = points[..., 0], points[..., 1]
        return pair(4.0 * x * (x * x - 1.0) + self.tilt, 2.0 * y)

    def hessian(self, points):
        x = points[..., 0]
        return matrix(12.0 * x * x - 4.0, 0.0 * x, 2.0 + 0.0 * x)

    def critical_guesses(self):
        roots = np.roots([4.0, 0.0, -4.0, self.tilt])
        return [(float(r.real), 0.0) for r in roots if abs(r.imag) < 1e-9]


CATALOG: tuple[type[Surface], ...] = (
    Ellipse, Saddle, Crescent, Rosenbrock, Himmelblau, Beale, Rastrigin, Plateau, DoubleWell,
)
