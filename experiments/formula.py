"""A loss typed by the user, read as data: parsed by Python's own parser in eval mode, checked node by node against
a whitelist, and only then built into a sympy expression, which gives the exact gradient and Hessian.

No user text reaches eval, exec, compile, sympify, parse_expr or lambdify: `ast.parse` builds a syntax tree and
runs nothing; the tree is walked here, every node checked, and the sympy expression made from the checked nodes.
Code is generated (by lambdify) only from that expression.

Grammar: numbers, `x`, `y`, `pi`, `e`; `+ − * / ^ **` and unary minus; the functions in FUNCTIONS. There is no
implicit multiplication: `2x` is refused with its position, and `2*x` is what to write. `^` is a power, as on a
slide (Python would read it as exclusive or).

    formula = read_formula("(1-x)^2 + 100*(y-x^2)^2")   # Formula, or raises FormulaError(message, position)
    formula.f(x, y), formula.grad_f(x, y), formula.hess_f(x, y)
"""

from __future__ import annotations

import ast
import math
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from declarations.messages import message
from experiments.limits import (
    FORMULA_MAX_DEPTH,
    FORMULA_MAX_EXPONENT,
    FORMULA_MAX_LENGTH,
    FORMULA_MAX_NODES,
    FORMULA_MAX_SECONDS,
)
from surfaces.base import CriticalPoint, classify

FUNCTIONS = ("sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "sinh", "cosh", "atan", "sigmoid", "min",
             "max")
NAMES = ("x", "y", "pi", "e")
_ARITY = {"min": (2, 8), "max": (2, 8)}  # every other function takes one argument
_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)


class FormulaError(ValueError):
    """Why a formula cannot be used, as a message key of declarations.messages (so the page can say it in its
    language); `position` is the 1-based character where the problem is, when known. `problem` is the Message,
    `reason` its English text without the position."""

    def __init__(self, key: str, position: int | None = None, **values: object) -> None:
        reason = message(key, **values)
        self.problem = reason if position is None else message("formula-at", reason=reason, position=position)
        super().__init__(str(self.problem))
        self.key, self.reason, self.position = key, str(reason), position


@dataclass(frozen=True)
class Formula:
    text: str  # as typed (after the length check)
    expression: object  # the sympy expression
    gradient: tuple  # sympy ∂f/∂x, ∂f/∂y
    hessian: tuple  # sympy ∂²f/∂x², ∂²f/∂x∂y, ∂²f/∂y²
    f: Callable
    grad_f: Callable
    hess_f: Callable


def read_formula(text: str) -> Formula:
    """The formula in `text`, or FormulaError saying what is wrong and where. Never evaluates the text."""
    return _read(str(text))


# sympy's caches are not made for threads, and a gunicorn worker runs several: one formula is read at a time (a
# reading takes milliseconds, and its result is cached), and its time limit counts from when its turn comes.
_SYMPY = threading.Lock()


@lru_cache(maxsize=64)
def _read(text: str) -> Formula:
    import sympy

    with _SYMPY:
        _warm(sympy)
        return _read_now(text, sympy)


def _read_now(text: str, sympy) -> Formula:
    began = time.perf_counter()
    if len(text) > FORMULA_MAX_LENGTH:
        raise FormulaError("formula-long", length=f"{len(text):,}", limit=FORMULA_MAX_LENGTH)
    if not text.strip():
        raise FormulaError("formula-empty")
    # Not ASCII, not printable, or '#' (Python would read the rest as a comment and let any text ride in a link).
    bad = next((i for i, ch in enumerate(text)
                if not (ch.isascii() and (ch.isprintable() or ch in " \t")) or ch == "#"), None)
    if bad is not None:
        raise FormulaError("formula-character", bad + 1, given=repr(text[bad]))
    tree = _syntax(text)
    x, y = sympy.symbols("x y", real=True)
    try:
        expression = _build(tree.body, {"x": x, "y": y, "pi": sympy.pi, "e": sympy.E}, sympy)
        if not expression.free_symbols <= {x, y}:  # pragma: no cover - only x and y can be built
            raise FormulaError("formula-name", given="?")
        if expression.has(sympy.I, sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):  # log(0·x), a complex constant
            raise FormulaError("formula-constant")
        gradient = (sympy.diff(expression, x), sympy.diff(expression, y))
        hessian = (sympy.diff(gradient[0], x), sympy.diff(gradient[0], y), sympy.diff(gradient[1], y))
        if time.perf_counter() - began > FORMULA_MAX_SECONDS:
            raise FormulaError("formula-slow", limit=f"{FORMULA_MAX_SECONDS * 1000:.0f}")
        f = _numeric(sympy, (x, y), expression)
        grad = _numeric(sympy, (x, y), gradient)
        hess = _numeric(sympy, (x, y), hessian)
        probe = np.array([0.3, -1.7, 2.9]), np.array([0.5, 1.1, -2.3])
        for function in (f, grad, hess):  # the generated code runs, and gives real numbers
            values = function(*probe)
            if any(np.iscomplexobj(v) for v in (values if isinstance(values, tuple) else (values,))):
                raise FormulaError("formula-constant")
    except FormulaError:
        raise
    except Exception:  # anything sympy or the generated code cannot take is a formula we cannot use
        raise FormulaError("formula-other") from None
    return Formula(text, expression, gradient, hessian, f, grad, hess)


@lru_cache(maxsize=1)
def _warm(sympy) -> None:
    """Build, differentiate and generate code for one formula untimed: a process's first sympy work loads and
    caches much more than any later one, and must not count against FORMULA_MAX_SECONDS."""
    x, y = sympy.symbols("x y", real=True)
    expression = sympy.sin(x) * sympy.exp(y) + sympy.Abs(x) ** 2 + sympy.Max(x, y) + sympy.log(1 + y**2)
    derivatives = [sympy.diff(expression, v) for v in (x, y)]
    _numeric(sympy, (x, y), (expression, *derivatives, sympy.diff(derivatives[0], x)))(0.5, 0.5)


def _syntax(text: str) -> ast.Expression:
    """Python's parser in eval mode, on the text with `^` written `**`: it builds a tree and runs nothing. An error
    is reported at its place in the text as typed."""
    source, origin = _rewritten(text)
    try:
        with warnings.catch_warnings():  # "invalid decimal literal" and the like are errors of ours, not warnings
            warnings.simplefilter("ignore")
            tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        at = min(max((error.offset or 1) - 1, 0), len(origin) - 1)
        raise FormulaError(_syntax_reason(error), origin[at] + 1) from None
    except (ValueError, RecursionError, MemoryError):
        raise FormulaError("formula-nested") from None
    nodes, depth = _size(tree)
    if nodes > FORMULA_MAX_NODES:
        raise FormulaError("formula-parts", limit=FORMULA_MAX_NODES)
    if depth > FORMULA_MAX_DEPTH:
        raise FormulaError("formula-depth", depth=depth, limit=FORMULA_MAX_DEPTH)
    return tree


def _rewritten(text: str) -> tuple[str, list[int]]:
    """`^` as `**`, and for each character of the result the index of the typed character it came from."""
    parts, origin = [], []
    for index, char in enumerate(text):
        parts.append("**" if char == "^" else char)
        origin += [index] * (2 if char == "^" else 1)
    return "".join(parts), origin


def _syntax_reason(error: SyntaxError) -> str:
    """The message key for Python's own complaint."""
    reason = (error.msg or "").strip()
    if "decimal literal" in reason:
        return "formula-product"
    if "never closed" in reason:
        return "formula-unclosed"
    if "unmatched" in reason or "does not match" in reason:
        return "formula-unmatched"
    return "formula-syntax"


def _size(tree) -> tuple[int, int]:
    """Node count and depth, without recursion (a deep tree must not overflow the stack)."""
    count, deepest, stack = 0, 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        deepest = max(deepest, depth)
        if count > FORMULA_MAX_NODES * 4:
            break
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return count, deepest


def _build(node, names: dict, sympy):
    """The sympy expression of a checked node; anything not on the whitelist is refused with its position. A part
    without x or y is first worked out in floats (see _fold): sympy would evaluate sin(exp(exp(100))) to thousands
    of digits, for ever."""
    where = getattr(node, "col_offset", None)
    position = None if where is None else where + 1
    if not isinstance(node, ast.Constant | ast.Name) and not any(
            isinstance(n, ast.Name) and n.id in ("x", "y") for n in ast.walk(node)):
        return sympy.Float(_fold(node))
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        value = node.value
        if not math.isfinite(value) or abs(value) > 1e300:
            raise FormulaError("formula-number", position)
        return sympy.Integer(value) if isinstance(value, int) else sympy.Float(value, 17)
    if isinstance(node, ast.Name):
        if node.id in names:
            return names[node.id]
        raise FormulaError("formula-name", position, given=repr(node.id))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _build(node.operand, names, sympy)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp) and isinstance(node.op, _OPERATORS):
        left, right = _build(node.left, names, sympy), _build(node.right, names, sympy)
        if isinstance(node.op, ast.Pow):
            if right.is_number and (not right.is_finite or abs(complex(right)) > FORMULA_MAX_EXPONENT):
                raise FormulaError("formula-exponent", position, limit=FORMULA_MAX_EXPONENT)
            if left.is_number and right.is_number and abs(complex(left)) > 1 and \
                    abs(complex(right)) * math.log10(abs(complex(left))) > 300:
                raise FormulaError("formula-power", position)
            return left**right
        return _ARITHMETIC[type(node.op)](left, right)
    if isinstance(node, ast.Call):
        name = _called(node, position)
        arguments = [_build(a, names, sympy) for a in node.args]
        return _FUNCTION_BUILDERS[name](sympy, *arguments)
    _refuse(node, position)


_REFUSED = {"Attribute": "formula-attribute", "Lambda": "formula-lambda", "Constant": "formula-string",
            "JoinedStr": "formula-string", "Subscript": "formula-indexing", "Slice": "formula-indexing",
            "Compare": "formula-comparison", "BoolOp": "formula-logic", "IfExp": "formula-if",
            "ListComp": "formula-comprehension", "SetComp": "formula-comprehension",
            "DictComp": "formula-comprehension", "GeneratorExp": "formula-comprehension",
            "List": "formula-collection", "Tuple": "formula-collection", "Dict": "formula-collection",
            "Set": "formula-collection", "BinOp": "formula-operator", "UnaryOp": "formula-operator"}


_FLOAT_FUNCTIONS = {
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "exp": math.exp, "log": math.log, "sqrt": math.sqrt,
    "abs": abs, "tanh": math.tanh, "sinh": math.sinh, "cosh": math.cosh, "atan": math.atan,
    "sigmoid": lambda a: 1.0 / (1.0 + math.exp(-a)) if a > -700 else 0.0, "min": min, "max": max,
}
_FLOAT_OPERATORS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
                    ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a**b}


def _fold(node) -> float:
    """The value of a part of the formula without x or y, in floats, checked like _build checks it; a part with
    no finite real value (1/0, log(0), sqrt(−1), (−1)^(1/3), an overflow) is refused."""
    where = getattr(node, "col_offset", None)
    position = None if where is None else where + 1
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        value = node.value
        if not math.isfinite(value) or abs(value) > 1e300:
            raise FormulaError("formula-number", position)
        return float(value)
    if isinstance(node, ast.Name):
        if node.id in ("pi", "e"):
            return math.pi if node.id == "pi" else math.e
        raise FormulaError("formula-name", position, given=repr(node.id))
    try:
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            value = _fold(node.operand)
            value = -value if isinstance(node.op, ast.USub) else value
        elif isinstance(node, ast.BinOp) and isinstance(node.op, _OPERATORS):
            left, right = _fold(node.left), _fold(node.right)
            if isinstance(node.op, ast.Pow) and abs(right) > FORMULA_MAX_EXPONENT:
                raise FormulaError("formula-exponent", position, limit=FORMULA_MAX_EXPONENT)
            value = _FLOAT_OPERATORS[type(node.op)](left, right)
        elif isinstance(node, ast.Call):
            value = _FLOAT_FUNCTIONS[_called(node, position)](*[_fold(a) for a in node.args])
        else:
            _refuse(node, position)
    except (OverflowError, ValueError, ZeroDivisionError) as error:
        if isinstance(error, FormulaError):
            raise
        raise FormulaError("formula-constant", position) from None
    if isinstance(value, complex) or not math.isfinite(value):
        raise FormulaError("formula-constant", position)
    if abs(value) > 1e300:
        raise FormulaError("formula-number", position)
    return float(value)


def _called(node: ast.Call, position) -> str:
    """The name of a call on the whitelist with the right number of plain arguments, or FormulaError."""
    if not isinstance(node.func, ast.Name):
        _refuse(node.func, position)
    name = node.func.id
    if name not in FUNCTIONS:
        raise FormulaError("formula-function", position, given=repr(name), functions=", ".join(FUNCTIONS))
    if node.keywords:
        raise FormulaError("formula-named", position, name=name)
    low, high = _ARITY.get(name, (1, 1))
    if not low <= len(node.args) <= high:
        if high == 1:
            raise FormulaError("formula-one-argument", position, name=name)
        raise FormulaError("formula-arguments", position, name=name, low=low, high=high)
    return name


def _refuse(node, position):
    raise FormulaError(_REFUSED.get(type(node).__name__, "formula-other"), position)


_ARITHMETIC = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
               ast.Div: lambda a, b: a / b}
_FUNCTION_BUILDERS = {
    "sin": lambda s, a: s.sin(a), "cos": lambda s, a: s.cos(a), "tan": lambda s, a: s.tan(a),
    "exp": lambda s, a: s.exp(a), "log": lambda s, a: s.log(a), "sqrt": lambda s, a: s.sqrt(a),
    "abs": lambda s, a: s.Abs(a), "tanh": lambda s, a: s.tanh(a), "sinh": lambda s, a: s.sinh(a),
    "cosh": lambda s, a: s.cosh(a), "atan": lambda s, a: s.atan(a),
    "sigmoid": lambda s, a: 1 / (1 + s.exp(-a)),
    "min": lambda s, *a: s.Min(*a), "max": lambda s, *a: s.Max(*a),
}


# abs, min and max have kinks: their derivatives are steps (Heaviside) and, once more, a Dirac delta, which is 0
# everywhere but on the kink itself, where the Hessian is undefined anyway.
_KINKS = {"Heaviside": lambda value, at_zero=0.5: np.heaviside(value, at_zero),
          "DiracDelta": lambda value, *order: np.zeros_like(np.asarray(value, dtype=float))}


def _numeric(sympy, symbols, expression) -> Callable:
    """A NumPy function of (x, y) generated from the checked expression (never from the user's text); a result
    that is a constant is broadcast to the shape of x."""
    function = sympy.lambdify(symbols, expression, modules=[_KINKS, "numpy"])

    def evaluate(x, y):
        with np.errstate(all="ignore"):
            value = function(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        shape = np.shape(x)
        if isinstance(value, tuple):
            return tuple(np.broadcast_to(np.asarray(v, dtype=float), shape).copy() for v in value)
        return np.broadcast_to(np.asarray(value, dtype=float), shape).copy()

    return evaluate


# -- the formula as a reader reads it ------------------------------------------------------------------------------

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_SYMBOLS = {"pi": "π"}
_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.Pow: 4}


def readable(text: str) -> str:
    """The formula as it would be written on a slide, from its checked tree: (1 − x)² + 100(y − x²)². Raises
    FormulaError for text that is not a formula, like read_formula."""
    return _shown(read_formula(text) and _syntax(text).body)


def _shown(node, outer: int = 0) -> str:
    """`node` written out; in brackets when it binds less tightly than its place (`outer`) needs."""
    if isinstance(node, ast.Constant):
        value = node.value
        text = str(value) if isinstance(value, int) else f"{value:.12g}"
        return text.replace("-", "−")
    if isinstance(node, ast.Name):
        return _SYMBOLS.get(node.id, node.id)
    if isinstance(node, ast.UnaryOp):
        inner = _shown(node.operand, 3)
        text = ("−" if isinstance(node.op, ast.USub) else "+") + inner
        return f"({text})" if outer > 3 else text
    if isinstance(node, ast.Call):
        name, arguments = node.func.id, [_shown(a) for a in node.args]
        if name == "sqrt":
            return f"√({arguments[0]})"
        if name == "abs":
            return f"|{arguments[0]}|"
        return f"{name}({', '.join(arguments)})"
    level = _PRECEDENCE[type(node.op)]
    if isinstance(node.op, ast.Pow):
        base = _shown(node.left, 5)
        exponent = node.right
        whole = exponent.value if isinstance(exponent, ast.Constant) and isinstance(exponent.value, int) else None
        if isinstance(exponent, ast.UnaryOp) and isinstance(exponent.op, ast.USub) and \
                isinstance(exponent.operand, ast.Constant) and isinstance(exponent.operand.value, int):
            whole = -exponent.operand.value
        text = base + (str(whole).translate(_SUPERSCRIPT) if whole is not None else "^" + _shown(exponent, 5))
    else:
        left = _shown(node.left, level)
        right = _shown(node.right, level + 1)  # a − (b − c), a / (b·c): the right side needs its brackets
        if isinstance(node.op, ast.Mult):
            # 2x, 100(y − x²)²: a number before a name or a bracket reads as a product without a dot
            juxtaposed = isinstance(node.left, ast.Constant) and not right[0].isdigit() and right[0] != "−"
            text = left + ("" if juxtaposed else "·") + right
        else:
            sign = {ast.Add: " + ", ast.Sub: " − ", ast.Div: "/"}[type(node.op)]
            text = left + sign + right
    return f"({text})" if level < outer else text


# -- critical points ----------------------------------------------------------------------------------------------

CRITICAL_GRID = 9  # Newton starts per axis over the box
CRITICAL_ITERATIONS = 60
CRITICAL_FINE = 101  # the fine grid whose hollows of ‖∇f‖ are further starts
CRITICAL_FINE_MOST = 400  # at most this many of them (a rippled formula has a hollow at every ripple)


def _gradient_hollows(formula: Formula, box: tuple[float, float, float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Extra Newton starts: the nodes of a fine grid where ‖∇f‖ is smaller than at all eight neighbours. A narrow
    dip between two nodes of the coarse grid has no start close enough for Newton to land in it; here it does."""
    x0, x1, y0, y1 = box
    xs, ys = np.meshgrid(np.linspace(x0, x1, CRITICAL_FINE), np.linspace(y0, y1, CRITICAL_FINE))
    with np.errstate(all="ignore"):
        gx, gy = formula.grad_f(xs, ys)
        norm = np.asarray(np.hypot(gx, gy), dtype=float) * np.ones_like(xs)
    norm = np.where(np.isfinite(norm), norm, np.inf)
    padded = np.pad(norm, 1, constant_values=np.inf)
    lowest = np.ones_like(norm, dtype=bool)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if dx or dy:
                lowest &= norm < padded[1 + dy:1 + dy + norm.shape[0], 1 + dx:1 + dx + norm.shape[1]]
    picked = np.flatnonzero(lowest & np.isfinite(norm))[:CRITICAL_FINE_MOST]
    return xs.ravel()[picked], ys.ravel()[picked]


def critical_points(formula: Formula, box: tuple[float, float, float, float]) -> list[CriticalPoint]:
    """The critical points in `box`: Newton's method on the gradient from a grid of starts, all at once, then the
    converged points merged (closer than 1e-6 of the box) and classified by the Hessian's eigenvalues. A formula
    with none in the box gives []."""
    x0, x1, y0, y1 = box
    xs, ys = np.meshgrid(np.linspace(x0, x1, CRITICAL_GRID), np.linspace(y0, y1, CRITICAL_GRID))
    fine_x, fine_y = _gradient_hollows(formula, box)
    x = np.concatenate([xs.ravel(), fine_x]).astype(float)
    y = np.concatenate([ys.ravel(), fine_y]).astype(float)
    with np.errstate(all="ignore"):
        for _ in range(CRITICAL_ITERATIONS):
            gx, gy = formula.grad_f(x, y)
            hxx, hxy, hyy = formula.hess_f(x, y)
            det = hxx * hyy - hxy * hxy
            step_x = np.where(det != 0, (hyy * gx - hxy * gy) / det, 0.0)
            step_y = np.where(det != 0, (hxx * gy - hxy * gx) / det, 0.0)
            x, y = x - step_x, y - step_y
        gx, gy = formula.grad_f(x, y)
        hxx, hxy, hyy = formula.hess_f(x, y)
    scale = max(x1 - x0, y1 - y0)
    inside = (np.isfinite(x) & np.isfinite(y) & (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
              & (np.hypot(gx, gy) < 1e-9 * max(1.0, scale)))
    found: list[CriticalPoint] = []
    for i in np.flatnonzero(inside):
        if any(np.hypot(p.x - x[i], p.y - y[i]) < 1e-6 * scale for p in found):
            continue
        hessian = np.array([[hxx[i], hxy[i]], [hxy[i], hyy[i]]])
        if not np.all(np.isfinite(hessian)) or abs(np.linalg.det(hessian)) < 1e-12:
            continue  # degenerate: not a point Newton can tell apart (a trough, a plateau)
        found.append(CriticalPoint(float(x[i]), float(y[i]), classify(hessian)))
    return sorted(found, key=lambda p: (p.kind, p.x, p.y))


__all__ = ["FUNCTIONS", "NAMES", "Formula", "FormulaError", "critical_points", "read_formula", "readable"]
