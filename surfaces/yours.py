"""Your own loss: a typed formula, or a two-parameter model's loss over data. Each class is the one declaration of
its surface, as in surfaces/catalog.py; what differs is that its function is built when it is bound (parsed and
differentiated exactly, or built from the data), so it runs on the NumPy engine rather than a compiled kernel.

The readers are the only way text from a link reaches these surfaces: each returns a canonical value and, for text
it cannot use, the default with a message. The formula and data modules load on first use (they live with the
experiments, which import this package).
"""

from __future__ import annotations

import math
import re

import numpy as np

from declarations import BOOL, CHOICE, TEXT, Param
from declarations.messages import Message, message
from surfaces.base import MINIMUM, CriticalPoint, Surface, pair

DEFAULT_FORMULA = "(x^2 - 1)^2 + 2*y^2"
DEFAULT_BOX = "-3.0,3.0,-3.0,3.0"
BOX_LIMIT = 1_000.0  # |x0|, |x1|, |y0|, |y1| of a typed box (as for a start point)
BOX_SMALLEST = 1e-6
# Between the end of one operand and the start of the next: where a link's "+" arrives as a space.
_SPACE_FOR_PLUS = re.compile(r"(?<=[\w.)])\s+(?=[\w.(])")


def _short(text: str, limit: int = 24) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in str(text))
    return repr(text if len(text) <= limit else text[:limit] + "…")


def read_formula_text(raw: str) -> tuple[str, Message | None]:
    """The formula as typed (ends stripped) if it can be read; else the default formula and why not. A link's
    `+` that arrived as a space between two terms is read as `+`, with a message."""
    from experiments.formula import FormulaError, read_formula

    text = str(raw).strip()
    try:
        read_formula(text)
        return text, None
    except FormulaError as error:
        problem = error
    if " " in text and len(text) <= 300:
        repaired = _SPACE_FOR_PLUS.sub("+", text)
        try:
            read_formula(repaired)
            return repaired, message("formula-plus")
        except FormulaError:
            pass
    return DEFAULT_FORMULA, message("bad-formula", given=_short(text), reason=problem.problem, used=DEFAULT_FORMULA)


def box_of(text: str) -> tuple[float, float, float, float]:
    return tuple(float(v) for v in text.split(","))  # type: ignore[return-value]


def read_box(raw: str) -> tuple[str, Message | None]:
    """x0,x1,y0,y1 as canonical text (floats via repr), or the default box and why not."""
    parts = str(raw).split(",") if len(str(raw)) <= 200 else []
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) == 4 and all(math.isfinite(n) and abs(n) <= BOX_LIMIT for n in numbers):
        x0, x1, y0, y1 = numbers
        if x1 - x0 >= BOX_SMALLEST and y1 - y0 >= BOX_SMALLEST:
            return ",".join(repr(n) for n in numbers), None
    return DEFAULT_BOX, message("bad-box", given=_short(raw), limit=f"{BOX_LIMIT:g}", used=DEFAULT_BOX)


def read_data(raw: str) -> tuple[str, Message | None]:
    """A built-in dataset's name, or inline data re-encoded canonically; else `line` and why not."""
    from experiments.data import DATASETS, INLINE, DataError, decode_inline, encode_inline

    text = str(raw).strip()
    if text.lower() in DATASETS:
        return text.lower(), None
    if text.startswith(INLINE):
        try:
            return encode_inline(decode_inline(text)), None
        except DataError as error:
            reason = error.problem
    else:
        reason = message("data-unknown", names=", ".join(DATASETS))
    return DATASETS[0], message("bad-data", given=_short(text), reason=reason, used=DATASETS[0])


def contour_kind(surface: Surface, box) -> str:
    """"log" where most of the box lies far below its rim (a valley such as Rosenbrock's), else "linear": the
    highest loss above the lowest is more than ten times the median (Rosenbrock's view gives 16, the crescent's
    23, the ellipse's 4)."""
    x0, x1, y0, y1 = box
    xs, ys = np.meshgrid(np.linspace(x0, x1, 41), np.linspace(y0, y1, 41))
    with np.errstate(all="ignore"):
        z = surface.value(np.stack([xs, ys], axis=-1))
    z = z[np.isfinite(z)]
    if z.size < 10:
        return "linear"
    above = z - z.min()
    median = float(np.median(above))
    return "log" if 0 < 10.0 * median < float(above.max()) else "linear"


def _targets_are_probabilities(data) -> bool:
    return bool(np.all((data.t >= 0.0) & (data.t <= 1.0)))


class Formula(Surface):
    id = "formula"
    title = "Your formula"
    formula = "f(x, y) as typed"
    about = (
        "Any function of x and y built from numbers, x, y, pi, e, + − * / ^ and sin cos tan exp log sqrt abs tanh "
        "sinh cosh atan sigmoid min max. Write products with * (2*x, not 2x). Its gradient and Hessian are exact "
        "(differentiated symbolically); where it is undefined the plot is hatched and a run that enters stops there."
    )
    params = (
        Param("f", DEFAULT_FORMULA, kind=TEXT, reader=read_formula_text, label="f(x, y)",
              help="a formula in x and y, e.g. (1-x)^2 + 100*(y-x^2)^2; products need * and ^ is a power"),
        Param("box", DEFAULT_BOX, kind=TEXT, reader=read_box, label="box",
              help="the plotted box x0,x1,y0,y1"),
    )
    compilable = False

    def __init__(self, **params: object) -> None:
        from experiments.formula import read_formula

        super().__init__(**params)
        self.typed = read_formula(self.settings["f"])
        self.f, self.grad_f, self.hess_f = self.typed.f, self.typed.grad_f, self.typed.hess_f
        self.box = box_of(self.settings["box"])
        self.contour = contour_kind(self, self.box)

    def constants(self):
        return ()

    def view(self):
        return self.box

    def start(self):
        """Most of the way up the box, a little right of its middle; the first finite point of a few, if not."""
        x0, x1, y0, y1 = self.box
        for fx, fy in ((0.55, 0.9), (0.2, 0.8), (0.8, 0.2), (0.5, 0.5), (0.9, 0.9), (0.1, 0.1)):
            point = (float(f"{x0 + fx * (x1 - x0):.12g}"), float(f"{y0 + fy * (y1 - y0):.12g}"))  # short in a link
            with np.errstate(all="ignore"):
                if np.isfinite(self.value(np.array(point))) and np.isfinite(self.gradient(np.array(point))).all():
                    return point
        return (float(f"{x0 + 0.55 * (x1 - x0):.12g}"), float(f"{y0 + 0.9 * (y1 - y0):.12g}"))

    def critical_points(self):
        if self._critical is None:
            from experiments.formula import critical_points

            self._critical = tuple(critical_points(self.typed, self.box))
        return self._critical


class Regression(Surface):
    id = "regression"
    title = "Regression on data"
    formula = "linear: ½·mean((w·u + b − t)²);  logistic: mean(−t·log σ(w·u + b) − (1 − t)·log(1 − σ(w·u + b)))"
    about = (
        "A model with two parameters fitted to data: x is the weight w, y the bias b. The built-in datasets are "
        "drawn from the experiment's seed; `offset` puts u near 100, which stretches the loss into a long thin "
        "valley, and normalizing u makes the same loss round (note 000). A run's batch= draws mini-batches."
    )
    params = (
        Param("model", "linear", kind=CHOICE, choices=("linear", "logistic"),
              help="linear: ŷ = w·u + b with the mean squared error; logistic: p = σ(w·u + b) with cross-entropy"),
        Param("data", "line", kind=TEXT, reader=read_data, choices=("line", "offset", "classes"),
              help="line: u in [0, 1]; offset: u in [90, 110]; classes: two overlapping classes; or your own CSV"),
        Param("normalize", False, kind=BOOL, help="standardize u to mean 0 and standard deviation 1 first"),
    )
    compilable = False
    seeded = True
    axes = ("w", "b")

    @classmethod
    def repair(cls, settings, seed=0):
        """A logistic model needs targets t in [0, 1] (class labels or probabilities): on other data its loss
        falls for ever; the link then gets the classes."""
        from experiments.data import load

        settings = {p.name: settings.get(p.name, p.default) for p in cls.params}
        if settings["model"] == "logistic" and not _targets_are_probabilities(load(settings["data"], seed)):
            return {**settings, "data": "classes"}, [message("logistic-targets", given=_short(settings["data"]))]
        return settings, []

    def __init__(self, seed: int = 0, **params: object) -> None:
        from experiments.data import Model, load

        super().__init__(seed=seed, **params)
        data = load(self.settings["data"], seed)
        if self.settings["model"] == "logistic" and not _targets_are_probabilities(data):
            raise ValueError("a logistic model needs targets t in [0, 1]; these data have others")
        self.data = data.normalized() if self.settings["normalize"] else data
        self.loss = Model(self.settings["model"], self.data)
        self.f, self.grad_f, self.hess_f = self.loss.f, self.loss.grad_f, self.loss.hess_f
        self.rows = len(self.data.u)
        self.box = self._box()
        # A linear model's loss is a quadratic bowl whose floor lies decades below the box's rim: log levels show
        # its ellipses (round or stretched) all the way down.
        self.contour = "log" if self.settings["model"] == "linear" else contour_kind(self, self.box)

    def constants(self):
        return ()

    def gradient_rows(self, point: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The gradient at one point (2,) on the rows `rows` only: a mini-batch's."""
        return pair(*self.loss.grad_f(point[0], point[1], rows))

    def _box(self) -> tuple[float, float, float, float]:
        """A square box (in w and b) holding the start (0, 0) and the minimum, with a margin: a round loss looks
        round and a stretched one stretched."""
        centre = self.loss.minimum() or self._logistic_minimum() or (0.0, 0.0)
        low = np.minimum(0.0, centre)
        high = np.maximum(0.0, centre)
        span = float(np.max(high - low))
        span += 2.0 * max(1.0, 0.25 * span)
        middle = (low + high) / 2.0
        grid = 10.0 ** math.floor(math.log10(span / 20.0))  # ends on a round grid, outwards: short in the docs

        def outward(value, up):
            return float(f"{(math.ceil if up else math.floor)(value / grid) * grid:.12g}")

        return (outward(middle[0] - span / 2, False), outward(middle[0] + span / 2, True),
                outward(middle[1] - span / 2, False), outward(middle[1] + span / 2, True))

    def _logistic_minimum(self) -> tuple[float, float] | None:
        from surfaces.base import _polish

        point = _polish(self, np.zeros(2))
        if point is None or np.max(np.abs(point)) > BOX_LIMIT:
            return None
        # On separable classes the loss has no minimum: Newton walks out until the sigmoid saturates and the
        # gradient is tiny because the curvature is. A real minimum curves up.
        if np.linalg.eigvalsh(self.hessian(point))[0] < 1e-6:
            return None
        return float(point[0]), float(point[1])

    def view(self):
        return self.box

    def start(self):
        return (0.0, 0.0)

    def critical_points(self):
        if self._critical is None:
            exact = self.loss.minimum() if self.settings["model"] == "linear" else self._logistic_minimum()
            self._critical = (CriticalPoint(exact[0], exact[1], MINIMUM),) if exact else ()
        return self._critical


__all__ = ["DEFAULT_BOX", "DEFAULT_FORMULA", "Formula", "Regression", "box_of", "read_box", "read_data",
           "read_formula_text"]
