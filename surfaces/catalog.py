"""The surfaces. Each class is the one declaration of its surface: formula, parameters, view and derivatives."""

from __future__ import annotations

import math

import numpy as np

from declarations import CHOICE, Param
from elementwise import cos, exp, sin
from surfaces.base import Surface

TAU = 2.0 * math.pi


class Ellipse(Surface):
    id = "ellipse"
    title = "Elongated ellipse"
    formula = "½(u² + κv²), (u, v) = (x, y) rotated by −angle"
    expression = "0.5*(x^2 + 10*y^2)"
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

    def constants(self):
        return (self.hxx, self.hxy, self.hyy)

    @staticmethod
    def f(x, y, hxx, hxy, hyy):
        return 0.5 * (hxx * x * x + 2.0 * hxy * x * y + hyy * y * y)

    @staticmethod
    def grad_f(x, y, hxx, hxy, hyy):
        return hxx * x + hxy * y, hxy * x + hyy * y

    @staticmethod
    def hess_f(x, y, hxx, hxy, hyy):
        return hxx, hxy, hyy

    def curvature_range(self):
        return (1.0, float(self.kappa))  # the eigenvalues of Rᵀ diag(1, κ) R, whatever the rotation

    def critical_guesses(self):
        return [(0.0, 0.0)]


class Saddle(Surface):
    id = "saddle"
    title = "Saddle"
    formula = "bounded: x² + (y² − 1)²;  classic: x² − y²"
    expression = "x^2 + (y^2 - 1)^2"
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

    def constants(self):
        return (1.0 if self.variant == "classic" else 0.0,)

    @staticmethod
    def f(x, y, classic):
        if classic:
            return x * x - y * y
        w = y * y - 1.0
        return x * x + w * w

    @staticmethod
    def grad_f(x, y, classic):
        if classic:
            return 2.0 * x, -2.0 * y
        return 2.0 * x, 4.0 * y * (y * y - 1.0)

    @staticmethod
    def hess_f(x, y, classic):
        if classic:
            return 2.0, 0.0, -2.0
        return 2.0, 0.0, 12.0 * y * y - 4.0

    def curvature_range(self):
        return (-2.0, 2.0) if self.variant == "classic" else None

    def critical_guesses(self):
        if self.variant == "classic":
            return [(0.0, 0.0)]
        return [(0.0, 0.0), (0.0, 1.0), (0.0, -1.0)]


class Crescent(Surface):
    id = "crescent"
    title = "Crescent valley (心月形)"
    formula = "wall·(x² + y² − 1)² + height·exp(decay·(y − 1))"
    expression = "5*(x^2 + y^2 - 1)^2 + exp(3*(y - 1))"
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

    @staticmethod
    def f(x, y, wall, height, decay):
        ring = x * x + y * y - 1.0
        return wall * ring * ring + height * exp(decay * (y - 1.0))

    @staticmethod
    def grad_f(x, y, wall, height, decay):
        ring = x * x + y * y - 1.0
        tilt = height * decay * exp(decay * (y - 1.0))
        return 4.0 * wall * ring * x, 4.0 * wall * ring * y + tilt

    @staticmethod
    def hess_f(x, y, wall, height, decay):
        ring = x * x + y * y - 1.0
        curve = height * decay * decay * exp(decay * (y - 1.0))
        w4 = 4.0 * wall
        return w4 * (ring + 2.0 * x * x), 2.0 * w4 * x * y, w4 * (ring + 2.0 * y * y) + curve

    def critical_guesses(self):
        return [(0.0, 0.95), (0.0, 0.0), (0.0, -1.01)]


class Rosenbrock(Surface):
    id = "rosenbrock"
    title = "Rosenbrock"
    formula = "(a − x)² + b(y − x²)²"
    expression = "(1 - x)^2 + 100*(y - x^2)^2"
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

    @staticmethod
    def f(x, y, a, b):
        d, r = a - x, y - x * x
        return d * d + b * r * r

    @staticmethod
    def grad_f(x, y, a, b):
        r = y - x * x
        return -2.0 * (a - x) - 4.0 * b * x * r, 2.0 * b * r

    @staticmethod
    def hess_f(x, y, a, b):
        return 2.0 - 4.0 * b * (y - 3.0 * x * x), -4.0 * b * x, 2.0 * b

    def critical_guesses(self):
        return [(self.a, self.a * self.a)]


class Himmelblau(Surface):
    id = "himmelblau"
    title = "Himmelblau"
    formula = "(x² + y − 11)² + (x + y² − 7)²"
    expression = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"
    about = "Four minima of equal height, four saddles and one maximum: where you start decides where you end."
    default_view = (-5.0, 5.0, -5.0, 5.0)
    default_start = (0.0, 0.0)
    contour = "log"

    @staticmethod
    def f(x, y):
        p, q = x * x + y - 11.0, x + y * y - 7.0
        return p * p + q * q

    @staticmethod
    def grad_f(x, y):
        p, q = x * x + y - 11.0, x + y * y - 7.0
        return 4.0 * x * p + 2.0 * q, 2.0 * p + 4.0 * y * q

    @staticmethod
    def hess_f(x, y):
        return 12.0 * x * x + 4.0 * y - 42.0, 4.0 * (x + y), 4.0 * x + 12.0 * y * y - 26.0

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
    expression = "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2"
    about = "Flat plateaus and steep ridges around a single minimum at (3, 0.5)."
    default_view = (-4.5, 4.5, -4.5, 4.5)
    default_start = (1.0, 1.5)
    contour = "log"

    # With t_k = c_k − x + x·y^k for c = (1.5, 2.25, 2.625), f = Σ t_k². Powers are written as products, which
    # are exact IEEE operations on arrays and in compiled code alike.
    @staticmethod
    def f(x, y):
        y2 = y * y
        t1, t2, t3 = 1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * (y2 * y)
        return t1 * t1 + t2 * t2 + t3 * t3

    @staticmethod
    def grad_f(x, y):
        y2 = y * y
        y3 = y2 * y
        t1, t2, t3 = 1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y3
        gx = 2.0 * t1 * (y - 1.0) + 2.0 * t2 * (y2 - 1.0) + 2.0 * t3 * (y3 - 1.0)
        gy = 2.0 * t1 * x + 2.0 * t2 * (2.0 * x * y) + 2.0 * t3 * (3.0 * x * y2)
        return gx, gy

    @staticmethod
    def hess_f(x, y):
        y2 = y * y
        y3 = y2 * y
        t1, t2, t3 = 1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y3
        # ∂t_k/∂x = y^k − 1, ∂t_k/∂y = k·x·y^(k−1), ∂²t_k/∂x∂y = k·y^(k−1), ∂²t_k/∂y² = k(k−1)·x·y^(k−2)
        dx1, dx2, dx3 = y - 1.0, y2 - 1.0, y3 - 1.0
        dy1, dy2, dy3 = x, 2.0 * x * y, 3.0 * x * y2
        hxx = 2.0 * dx1 * dx1 + 2.0 * dx2 * dx2 + 2.0 * dx3 * dx3
        hxy = 2.0 * (dx1 * dy1 + t1) + 2.0 * (dx2 * dy2 + t2 * (2.0 * y)) + 2.0 * (dx3 * dy3 + t3 * (3.0 * y2))
        hyy = 2.0 * (dy1 * dy1) + 2.0 * (dy2 * dy2 + t2 * (2.0 * x)) + 2.0 * (dy3 * dy3 + t3 * (6.0 * x * y))
        return hxx, hxy, hyy

    def critical_guesses(self):
        return [(3.0, 0.5)]


class Rastrigin(Surface):
    id = "rastrigin"
    title = "Rastrigin"
    formula = "2A + x² + y² − A(cos 2πx + cos 2πy)"
    expression = "20 + x^2 + y^2 - 10*(cos(2*pi*x) + cos(2*pi*y))"
    about = "A bowl covered in ripples: a local minimum near every integer point, the global one at the origin."
    params = (Param("A", 10.0, 0.0, 50.0, help="depth of the ripples; A = 0 leaves a plain bowl"),)
    default_view = (-3.0, 3.0, -3.0, 3.0)
    default_start = (2.5, 2.2)

    @staticmethod
    def f(x, y, A):
        return 2.0 * A + x * x + y * y - A * (cos(TAU * x) + cos(TAU * y))

    @staticmethod
    def grad_f(x, y, A):
        k = A * TAU
        return 2.0 * x + k * sin(TAU * x), 2.0 * y + k * sin(TAU * y)

    @staticmethod
    def hess_f(x, y, A):
        k = A * TAU * TAU
        return 2.0 + k * cos(TAU * x), 0.0, 2.0 + k * cos(TAU * y)

    def critical_guesses(self):
        if self.A == 0.0:
            return [(0.0, 0.0)]
        # With deep enough ripples a local minimum sits near each integer point; stale guesses are dropped.
        return [(float(i), float(j)) for i in range(-2, 3) for j in range(-2, 3)]


class Plateau(Surface):
    id = "plateau"
    title = "Plateau"
    formula = "1 − exp(−(x² + y²) / (2·width²))"
    expression = "1 - exp(-(x^2 + y^2)/2)"
    about = (
        "A narrow well in a wide, almost flat plain: far from the well the gradient is nearly zero, the "
        "gentle-slope problem where plain gradient descent barely moves."
    )
    params = (Param("width", 1.0, 0.2, 5.0, help="radius of the well; outside about 3·width the plain is flat"),)
    default_view = (-5.0, 5.0, -5.0, 5.0)
    default_start = (3.5, 3.0)

    @staticmethod
    def f(x, y, width):
        return 1.0 - exp(-(x * x + y * y) / (2.0 * (width * width)))

    @staticmethod
    def grad_f(x, y, width):
        s2 = width * width
        bell = exp(-(x * x + y * y) / (2.0 * s2))
        return x / s2 * bell, y / s2 * bell

    @staticmethod
    def hess_f(x, y, width):
        s2 = width * width
        bell = exp(-(x * x + y * y) / (2.0 * s2))
        return (1.0 - x * x / s2) * bell / s2, -x * y / (s2 * s2) * bell, (1.0 - y * y / s2) * bell / s2

    def critical_guesses(self):
        return [(0.0, 0.0)]


class DoubleWell(Surface):
    id = "double_well"
    title = "Local and global minimum"
    formula = "(x² − 1)² + tilt·x + y²"
    expression = "(x^2 - 1)^2 + 0.3*x + y^2"
    about = (
        "Two basins separated by a saddle. The tilt makes the left minimum the global one; the right one is a "
        "local minimum that traps plain gradient descent."
    )
    params = (Param("tilt", 0.3, -1.0, 1.0, help="tilt along x; positive makes the left basin deeper"),)
    default_view = (-2.0, 2.0, -2.0, 2.0)
    default_start = (1.8, 1.5)

    @staticmethod
    def f(x, y, tilt):
        w = x * x - 1.0
        return w * w + tilt * x + y * y

    @staticmethod
    def grad_f(x, y, tilt):
        return 4.0 * x * (x * x - 1.0) + tilt, 2.0 * y

    @staticmethod
    def hess_f(x, y, tilt):
        return 12.0 * x * x - 4.0, 0.0, 2.0

    def critical_guesses(self):
        roots = np.roots([4.0, 0.0, -4.0, self.tilt])
        return [(float(r.real), 0.0) for r in roots if abs(r.imag) < 1e-9]


CATALOG: tuple[type[Surface], ...] = (
    Ellipse, Saddle, Crescent, Rosenbrock, Himmelblau, Beale, Rastrigin, Plateau, DoubleWell,
)
