"""Why a step went where it did: the update that leaves step k of a run, line by line, with the engine's numbers.

The rule itself is the explanation. Each update rule is the one text both engines run, with its equation beside
each line as a comment (``exp_avg = beta1 * exp_avg + (1 - beta1) * g  # m ← β₁m + (1 − β₁)g``). To explain
step k, the rule runs once more on that step's recorded inputs (θ_k, the gradient it used, the learning rate, the
state before) while a tracer notes the local variables before and after every line it executes; the θ it returns
is the recorded θ_{k+1}, bit for bit (tested). Each executed line becomes

    m ← β₁m + (1 − β₁)g  =  0.9 × (−3.21, 4.05) + (1 − 0.9) × (−12.6, 8.33)  =  (−4.15, 4.48)

its comment, its right-hand side with every name replaced by its value, and the value it assigned. Branches not
taken are not shown; the body of a loop (L-BFGS's two-loop recursion) is summed up by its comment.

    steps = inspect_run(result, 0, [40])        # StepTrace: lines, values, state before and after, curvature
    explain(result, 0, 40)                      # the same as text, one line per equation
"""

from __future__ import annotations

import ast
import functools
import inspect as pyinspect
import math
import sys
import textwrap
from dataclasses import dataclass, field

import numpy as np

from experiments.runner import Result, initial_state
from optimizers import OPTIMIZERS, Optimizer

# Steps of L-BFGS that can be explained: its memory of pairs is not recorded, so explaining step k replays the
# run up to k on NumPy (about 0.2 ms a step with a full history).
REPLAY_LIMIT = 5000
_OPERATORS = {ast.Add: "+", ast.Sub: "−", ast.Mult: "×", ast.Div: "/", ast.Pow: "^", ast.Mod: "mod"}
_COMPARE = {ast.Gt: ">", ast.Lt: "<", ast.GtE: "≥", ast.LtE: "≤", ast.Eq: "=", ast.NotEq: "≠"}
_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.Mod: 2, ast.Pow: 4}
_FUNCTIONS = {"sqrt": "√", "abs": "abs", "maximum": "max", "minimum": "min", "power": "pow", "where": "where"}


@dataclass(frozen=True)
class Equation:
    """One line of a rule as the inspector shows it: the equation (the line's comment), its right-hand side as a
    template whose {i} are the values of the names it reads, and where its result goes."""

    number: int  # the line in the rule's source
    equation: str
    template: str  # e.g. "{0} × {1} + (1 − {0}) × {2}"
    names: tuple[str, ...]  # the names {0}, {1}, … stand for, read before the line runs
    targets: tuple[str, ...]  # the names it assigns, read after


@dataclass
class StepTrace:
    """What step k of a run did: for each step asked for, the executed equations and their numbers."""

    optimizer: Optimizer
    steps: list[int]
    theta: np.ndarray  # (n, 2) θ_k
    theta_next: np.ndarray  # (n, 2) θ_{k+1}, as the rule returns it
    gradient: np.ndarray  # (n, 2) the true gradient at θ_k
    used: np.ndarray  # (n, 2) the gradient the update used (noise included)
    loss: np.ndarray  # (n,) f(θ_k)
    lr: np.ndarray  # (n,) the learning rate of the update
    equations: list[list[Equation]] = field(default_factory=list)  # per step, the lines that ran
    values: list[list[tuple[list, list]]] = field(default_factory=list)  # per step and line: (inputs, results)
    before: dict[str, np.ndarray] = field(default_factory=dict)  # internal -> (n, 2) before the update
    after: dict[str, np.ndarray] = field(default_factory=dict)  # internal -> (n, 2) after it
    effective: np.ndarray | None = None  # (n, 2) the effective per-coordinate step size, where the rule has one
    hessian: np.ndarray | None = None  # (n, 2, 2) at θ_k
    replayed: bool = False  # the state was rebuilt by replaying the run (L-BFGS's memory is not recorded)


# -- reading a rule ----------------------------------------------------------------------------------------------

@functools.cache
def equations_of(update) -> dict[int, Equation]:
    """Every line of an update rule the inspector can show, by source line: assignments, and loops by their
    comment. Read once from the rule's own source."""
    source = textwrap.dedent(pyinspect.getsource(update))
    first = update.__code__.co_firstlineno
    lines = source.splitlines()
    tree = ast.parse(source)
    found: dict[int, Equation] = {}
    inside_loops = {id(node) for loop in ast.walk(tree) if isinstance(loop, ast.For | ast.While)
                    for node in ast.walk(loop) if node is not loop}
    for node in ast.walk(tree):
        if id(node) in inside_loops or not isinstance(node, ast.Assign | ast.AugAssign | ast.For | ast.While):
            continue
        comment = _comment(lines, node)
        if not _is_equation(comment):
            continue  # bookkeeping, or a remark: only lines whose comment is an equation are shown
        if isinstance(node, ast.Assign | ast.AugAssign):
            template, names = _render(node.value)
            every = node.targets if isinstance(node, ast.Assign) else [node.target]
            targets = tuple(dict.fromkeys(n for target in every for n in _target_names(target)))
            if targets:
                found[first + node.lineno - 1] = Equation(first + node.lineno - 1, comment.rstrip(" =:"), template,
                                                           names, targets)
        else:
            found[first + node.lineno - 1] = Equation(first + node.lineno - 1, comment, "", (), ())
    return found


def _comment(lines: list[str], node) -> str:
    """The comment at the end of the node's last line (for a loop, its first), or alone on the line before it."""
    own = lines[(node.lineno if isinstance(node, ast.For | ast.While) else node.end_lineno) - 1]
    if "#" in own:
        return own.split("#", 1)[1].strip()
    above = lines[node.lineno - 2].strip() if node.lineno >= 2 else ""
    return above[1:].strip() if above.startswith("#") else ""


def _is_equation(comment: str) -> bool:
    return "←" in comment or "=" in comment


def _target_names(target) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Tuple):
        return [n for element in target.elts for n in _target_names(element)]
    return []


def _render(node, parent: int = 0) -> tuple[str, tuple[str, ...]]:
    """A template of an expression with a {i} slot per distinct name, in the page's notation."""
    names: list[str] = []

    def slot(name: str) -> str:
        if name not in names:
            names.append(name)
        return "{" + str(names.index(name)) + "}"

    def walk(node, outer: int) -> str:
        if isinstance(node, ast.Name):
            return slot(node.id)
        if isinstance(node, ast.Constant):
            return _number(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return "−" + walk(node.operand, 3)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and isinstance(node.left, ast.Name) \
                and isinstance(node.right, ast.Name) and node.left.id == node.right.id:
            return walk(node.left, 5) + "²"  # g * g
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            own = _PRECEDENCE[type(node.op)]
            right = own + (0 if isinstance(node.op, ast.Add | ast.Mult) else 1)
            text = f"{walk(node.left, own)} {_OPERATORS[type(node.op)]} {walk(node.right, right)}"
            return f"({text})" if own < outer else text
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "f")
            if name == "_dot" and len(node.args) == 4:  # a·b of two pairs, written out
                a, b, c, d = (walk(arg, 2) for arg in node.args)
                text = f"{a} × {c} + {b} × {d}"
                return f"({text})" if outer > 1 else text
            if name.startswith("_"):
                raise _Opaque  # a helper's arguments say nothing: the line shows its equation and result
            arguments = [walk(a, 0) for a in node.args]
            if name == "sqrt":
                return f"√({arguments[0]})"
            if name == "power":
                return f"{walk(node.args[0], 5)}^{walk(node.args[1], 5)}"
            return f"{_FUNCTIONS.get(name, name)}({', '.join(arguments)})"
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
            return f"{walk(node.left, 1)} {_COMPARE[type(node.ops[0])]} {walk(node.comparators[0], 1)}"
        if isinstance(node, ast.IfExp):
            return f"{walk(node.body, 0)} if {walk(node.test, 0)} else {walk(node.orelse, 0)}"
        if isinstance(node, ast.Tuple):
            return "(" + ", ".join(walk(e, 0) for e in node.elts) + ")"
        if isinstance(node, ast.BoolOp):
            joiner = " and " if isinstance(node.op, ast.And) else " or "
            return joiner.join(walk(v, 1) for v in node.values)
        if isinstance(node, ast.Subscript):
            return f"{walk(node.value, 5)}[…]"
        return "…"

    try:
        return walk(node, parent), tuple(names)
    except _Opaque:
        return "", ()


class _Opaque(Exception):
    pass


def _number(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"{value:g}"
    return str(value)


# -- running one step under a tracer ------------------------------------------------------------------------------

class _Recorder:
    """Locals before and after each executed equation line of one call of `code` (not of the functions it calls).
    Only those lines and the line after each are copied: a loop's body (L-BFGS's recursion) runs unrecorded."""

    def __init__(self, code, lines) -> None:
        self.code = code
        self.lines = lines
        self.snapshots: list[tuple[int, dict]] = []  # (line about to run, locals before it)
        self.final: dict = {}
        self._after = False  # the line before this one was an equation: these locals are its results

    def __call__(self, frame, event, arg):
        if event == "call":
            if frame.f_code is not self.code:
                return None
            frame.f_trace_lines = True
            return self._local
        return None

    def _local(self, frame, event, arg):
        if event == "line":
            line = frame.f_lineno
            if line in self.lines or self._after:
                self.snapshots.append((line, dict(frame.f_locals)))
            self._after = line in self.lines
        elif event == "return":
            self.final = dict(frame.f_locals)
        return self._local


def _traced(optimizer: Optimizer, arguments: tuple):
    recorder = _Recorder(optimizer.update.__code__, equations_of(optimizer.update))
    previous = sys.gettrace()
    sys.settrace(recorder)
    try:
        with np.errstate(all="ignore"):
            returned = optimizer.update(*arguments)
    finally:
        sys.settrace(previous)
    return returned, recorder


def _lines_run(optimizer: Optimizer, recorder: _Recorder) -> tuple[list[Equation], list[tuple[list, list]]]:
    """The equations a traced call executed, each with its inputs (before the line) and results (after)."""
    known = equations_of(optimizer.update)
    snapshots = [*recorder.snapshots, (None, recorder.final)]
    shown, values, seen = [], [], set()
    for position, (line, before) in enumerate(snapshots[:-1]):
        equation = known.get(line)
        if equation is None or line in seen:
            continue
        seen.add(line)
        after = next((locals_ for later, locals_ in snapshots[position + 1:] if later != line), recorder.final)
        inputs = [_plain(before.get(name)) for name in equation.names]
        results = [_plain(after.get(name)) for name in equation.targets]
        shown.append(equation)
        values.append((inputs, results))
    return shown, values


def _plain(value):
    """A number or a pair of numbers (an elementwise rule's (1, 2) row), as floats; None for anything else."""
    if value is None or isinstance(value, bool | np.bool_):
        return None if value is None else bool(value)
    array = np.asarray(value, dtype=float) if not isinstance(value, tuple) else np.array(value, dtype=float)
    if array.size == 1:
        return float(array.reshape(()))
    if array.size == 2:
        return (float(array.reshape(2)[0]), float(array.reshape(2)[1]))
    return None


# -- a run's steps ---------------------------------------------------------------------------------------------

def inspect_run(result: Result, index: int, steps) -> StepTrace:
    """Explain the updates that leave the given steps of run `index` (steps past its last update are dropped)."""
    rr = result.runs[index]
    spec = rr.run
    opt = OPTIMIZERS[spec.optimizer]
    last = len(rr.points) - 1  # the last point has no update leaving it
    wanted = sorted({int(k) for k in steps if 0 <= int(k) < last})
    replay = opt.id == "lbfgs"
    if replay:
        wanted = [k for k in wanted if k < REPLAY_LIMIT]
    used = result.gradients_used(index) if wanted else np.zeros((0, 2))
    with np.errstate(all="ignore"):
        gradient = result.surface.gradient(rr.points[wanted]) if wanted else np.zeros((0, 2))
    trace = StepTrace(opt, wanted, rr.points[wanted].copy(), np.zeros((len(wanted), 2)), gradient,
                      used[wanted].copy() if wanted else np.zeros((0, 2)), rr.loss[wanted].copy(),
                      rr.lr[wanted].copy(), replayed=replay)
    hyper = opt.hyper([spec.hyper])
    constants = result.surface.constants()
    states = _replayed_states(result, index, wanted) if replay else None
    effective = []
    for row, k in enumerate(wanted):
        state = states[row] if replay else _recorded_state(opt, rr, k)
        arguments, memory = _arguments(opt, result, rr, k, used[k], state, constants, states, row)
        returned, recorder = _traced(opt, (*arguments, *hyper))
        theta_next = returned[0]
        trace.theta_next[row] = np.asarray(theta_next, dtype=float).reshape(2)
        shown, values = _lines_run(opt, recorder)
        trace.equations.append(shown)
        trace.values.append(values)
        if opt.effective is not None:
            before = dict(zip(opt.state, state, strict=True))
            with np.errstate(all="ignore"):
                value = np.asarray(opt.effective(before, recorder.final), dtype=float).reshape(-1)
            effective.append(np.broadcast_to(value[:2] if value.size >= 2 else value, (2,)).copy())
        del memory
    for name in opt.internals:
        recorded = rr.internals[name]
        trace.before[name] = recorded[wanted].copy() if wanted else np.zeros((0, 2))
        trace.after[name] = recorded[[k + 1 for k in wanted]].copy() if wanted else np.zeros((0, 2))
    if opt.effective is not None:
        trace.effective = np.array(effective).reshape(-1, 2)
    with np.errstate(all="ignore"):
        trace.hessian = result.surface.hessian(trace.theta) if wanted else np.zeros((0, 2, 2))
    return trace


def _recorded_state(opt: Optimizer, rr, k: int) -> tuple:
    """The state before the update that leaves step k, from the run's record (every entry of an elementwise
    rule's state is recorded; a coupled rule's entries are an internal's x and y parts)."""
    values = []
    for entry in opt.state:
        name, part = (entry[:-2], 1 if entry.endswith("_y") else 0) if opt.coupled else (entry, None)
        recorded = rr.internals[name][k]
        values.append(np.float64(recorded[part]) if opt.coupled else recorded.reshape(1, 2).copy())
    return tuple(values)


def _arguments(opt, result, rr, k, gradient, state, constants, states, row):
    """The update's positional arguments for step k, as the NumPy engine passes them to a group of one."""
    lr = np.float64(rr.lr[k])
    theta = rr.points[k]
    if not opt.coupled:
        return (gradient.reshape(1, 2).copy(), theta.reshape(1, 2).copy(), k, lr, state), None
    x, y = np.float64(theta[0]), np.float64(theta[1])
    zero = np.float64(0.0)
    curvature = tuple(np.float64(h) for h in result.surface.hess_f(x, y, *constants)) if opt.curvature \
        else (zero, zero, zero)
    memory = states.memory[row] if states is not None else np.zeros(opt.memory(opt.values(rr.run.hyper)))
    g = (np.float64(gradient[0]), np.float64(gradient[1]))
    return (g, (x, y), k, lr, state, curvature, memory), memory


class _Replayed(list):
    memory: list


def _replayed_states(result: Result, index: int, wanted: list[int]) -> _Replayed:
    """L-BFGS's state and memory before each wanted step, by replaying the run on NumPy (it equals the record)."""
    rr = result.runs[index]
    opt = OPTIMIZERS[rr.run.optimizer]
    hyper = opt.hyper([rr.run.hyper])
    constants = result.surface.constants()
    used = result.gradients_used(index)
    from experiments.runner import make_groups

    group = make_groups(result.experiment.replace(runs=(rr.run,), sweep=()))[0]
    state = tuple(np.float64(v) for v in initial_state(group, result.experiment.replace(runs=(rr.run,)))[0])
    memory = np.zeros(opt.memory(opt.values(rr.run.hyper)))
    out = _Replayed()
    out.memory = []
    targets = set(wanted)
    zero = np.float64(0.0)
    with np.errstate(all="ignore"):
        for k in range(max(wanted) + 1 if wanted else 0):
            if k in targets:
                out.append(state)
                out.memory.append(memory.copy())
            x, y = np.float64(rr.points[k, 0]), np.float64(rr.points[k, 1])
            curvature = tuple(np.float64(h) for h in result.surface.hess_f(x, y, *constants)) \
                if opt.curvature else (zero, zero, zero)
            _, state = opt.update((np.float64(used[k, 0]), np.float64(used[k, 1])), (x, y), k,
                                  np.float64(rr.lr[k]), state, curvature, memory, *hyper)
    return out


# -- the stability limit -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StabilityLimit:
    """The largest lr at which a rule is stable on a quadratic with this curvature: everywhere on a quadratic
    surface, and for the quadratic model at the start elsewhere (`local`)."""

    lr: float
    formula: str  # the rule's edge_text, e.g. "2(1+μ)/λmax"
    lam_max: float
    local: bool
    saddle: bool  # the start curves down in one direction: no lr is stable along it


def stability_limit(experiment, index: int) -> StabilityLimit | None:
    """Run `index`'s stability limit in lr (None where its rule has no closed form or nothing curves up)."""
    spec = experiment.runs[index]
    opt = OPTIMIZERS[spec.optimizer]
    if opt.edge is None:
        return None
    surface = experiment.make_surface()
    known = surface.curvature_range()
    if known is not None:
        low, high = known
    else:
        with np.errstate(all="ignore"):
            hessian = surface.hessian(np.array([experiment.start], dtype=float))[0]
        if not np.all(np.isfinite(hessian)):
            return None
        low, high = (float(v) for v in np.linalg.eigvalsh(hessian))
    if not high > 0:
        return None
    lr = float(opt.edge(opt.values(spec.hyper), max(low, 0.0), high))
    if not math.isfinite(lr) or lr <= 0:
        return None
    return StabilityLimit(lr, opt.edge_text, high, known is None, low < 0)


# -- the gradient check ---------------------------------------------------------------------------------------------

# The finite-difference step: torch.autograd.gradcheck's default eps. In float64 it balances the central
# difference's truncation error (~h²) against rounding in f (~1e-16·|f|/h).
GRADCHECK_H = 1e-6
ROUNDING_MARGIN = 100.0  # ∇f this close to the differences' rounding floor makes the relative errors meaningless


@dataclass(frozen=True)
class GradientCheck:
    """The analytic gradient at points (..., 2) against two finite differences of the surface's own value, in
    float64. NaN marks what is missing: a value or gradient that is not finite there (a diverged run, a formula's
    undefined region), and the errors that would need it."""

    point: np.ndarray  # (..., 2) θ
    h: float
    analytic: np.ndarray  # (..., 2) ∇f(θ), surface.gradient
    central: np.ndarray  # (..., 2) (f(θ + he_i) − f(θ − he_i)) / 2h
    forward: np.ndarray  # (..., 2) (f(θ + he_i) − f(θ)) / h
    central_error: np.ndarray  # (...) ‖a − n‖ / max(‖a‖, ‖n‖), 0 when both are 0
    forward_error: np.ndarray  # (...)
    # (...) where ∇f is within 100× of the central difference's rounding, ε·|f|/h (f's last bits over h): there a
    # relative error measures f's rounding, not the gradient (at a critical point it is about 1 however right).
    rounding: np.ndarray


def gradient_check(surface, point, h: float = GRADCHECK_H) -> GradientCheck:
    """The gradient check of the lecture notes (note 004) at one point (2,) or many (..., 2): is the analytic
    gradient the derivative of the value? Relative errors of about 1e−10 (central) and 1e−6 (forward) say yes; one
    of about 1 says the gradient is wrong."""
    theta = np.asarray(point, dtype=np.float64)
    step = h * np.eye(2)  # row i is h·e_i
    with np.errstate(all="ignore"):
        analytic = np.asarray(surface.gradient(theta), dtype=np.float64)
        here = np.asarray(surface.value(theta), dtype=np.float64)[..., None]
        up = np.asarray(surface.value(theta[..., None, :] + step), dtype=np.float64)  # (..., 2): f(θ + he_i)
        down = np.asarray(surface.value(theta[..., None, :] - step), dtype=np.float64)
        central = (up - down) / (2.0 * h)
        forward = (up - here) / h
        analytic, central, forward = (np.where(np.isfinite(v), v, np.nan) for v in (analytic, central, forward))
        floor = np.finfo(np.float64).eps * np.abs(here[..., 0]) / h
        rounding = np.linalg.norm(np.nan_to_num(analytic, nan=np.inf), axis=-1) < ROUNDING_MARGIN * floor
    return GradientCheck(theta, float(h), analytic, central, forward, relative_error(analytic, central),
                         relative_error(analytic, forward), rounding)


def relative_error(analytic, numeric) -> np.ndarray:
    """‖a − n‖ / max(‖a‖, ‖n‖) over the last axis (CS231n's), 0 where both are 0, NaN where either is missing."""
    a, n = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    with np.errstate(all="ignore"):
        scale = np.maximum(np.linalg.norm(a, axis=-1), np.linalg.norm(n, axis=-1))
        error = np.linalg.norm(a - n, axis=-1) / scale
        error = np.where(scale == 0, 0.0, error)
    return np.where(np.isfinite(a).all(axis=-1) & np.isfinite(n).all(axis=-1), error, np.nan)


# -- as text -------------------------------------------------------------------------------------------------------

def number_text(value) -> str:
    """At least 4 significant digits, as the page shows them: ``0.9`` and ``1e−8`` where that is the value
    exactly, else ``−3.214``, ``2.070``, ``4.053e−5``."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, tuple):
        return "(" + ", ".join(number_text(v) for v in value) + ")"
    if not math.isfinite(value):
        return "∞" if value > 0 else "−∞" if value < 0 else "NaN"
    if value == 0:
        return "0"
    magnitude = abs(value)
    text = ""
    if 1e-3 <= magnitude < 1e5:
        digits = max(4, math.floor(math.log10(magnitude)) + 1)  # every digit of the integer part
        text = f"{value:.{digits}g}"
        if float(text) != value:  # rounded: keep the trailing zeros that are significant ("2.070", not "2.07")
            text = f"{value:#.{digits}g}".rstrip(".")
    if not text or "e" in text:  # beyond that range, or rounded up to 1e5
        text = _scientific(value)
    return text.replace("-", "−")


def error_text(value) -> str:
    """A relative error, always in scientific notation with 4 significant digits: ``2.315e−11``, ``0.5`` as
    ``5e−1``; ``0`` and ``—`` (missing) as number_text has them."""
    if value is None or not math.isfinite(value) or value == 0:
        return number_text(value)
    return _scientific(value).replace("-", "−")


def _scientific(value: float) -> str:
    mantissa, exponent = f"{value:.3e}".split("e")
    if float(f"{mantissa}e{exponent}") == value:
        mantissa = mantissa.rstrip("0").rstrip(".")  # exact: 1e−8, not 1.000e−8
    return f"{mantissa}e{int(exponent)}"


def line_text(equation: Equation, values: tuple[list, list]) -> str:
    """``m ← β₁m + (1 − β₁)g  =  0.9 × (−3.21, 4.05) + (1 − 0.9) × (−12.6, 8.33)  =  (−4.15, 4.48)``"""
    return "  =  ".join(part for part in line_parts(equation, values) if part)


def line_parts(equation: Equation, values: tuple[list, list]) -> tuple[str, str, str]:
    """The equation, its right-hand side with this step's numbers ("" when there is nothing to work out), and
    the value it gave ("" for a loop, summed up by its comment)."""
    inputs, results = values
    result = _result_text(results) if results else ""
    if not equation.template or equation.template == "{0}":  # "t = η  =  1"
        return equation.equation, "", result
    filled = equation.template
    for position, value in enumerate(inputs):
        text, slot = number_text(value), "{" + str(position) + "}"
        if isinstance(value, tuple):
            filled = filled.replace(f"({slot})", slot)  # a pair brings its own parentheses: √(76.42, 9.277)
        elif isinstance(value, float) and value < 0:
            text = f"({text})"  # "−(−1.05)", "(−400)²"
        filled = filled.replace(slot, text)
    return equation.equation, filled, result


def _result_text(results: list) -> str:
    return number_text(results[0]) if len(results) == 1 else "(" + ", ".join(number_text(v) for v in results) + ")"


def explain(result: Result, index: int, k: int) -> list[str]:
    """The update that leaves step k of run `index`, one line per equation, with the engine's numbers."""
    trace = inspect_run(result, index, [k])
    if not trace.steps:
        return []
    return [line_text(equation, values) for equation, values in zip(trace.equations[0], trace.values[0], strict=True)]


__all__ = ["GRADCHECK_H", "Equation", "GradientCheck", "StabilityLimit", "StepTrace", "equations_of", "error_text",
           "explain", "gradient_check", "inspect_run", "line_parts", "line_text", "number_text", "relative_error",
           "stability_limit"]
