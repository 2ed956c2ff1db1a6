"""Typed formulas are data: parsed by a whitelist, differentiated exactly, and never evaluated as text. Hostile
text gets a FormulaError with a reason (and a position where there is one), never another exception."""

from __future__ import annotations

import random
import string

import numpy as np
import pytest

from experiments.formula import FUNCTIONS, FormulaError, read_formula
from surfaces import get_surface
from tests import differences

ROSENBROCK = "(1-x)^2 + 100*(y-x^2)^2"
SMOOTH = [ROSENBROCK, "x^2 + 10*y^2", "sin(x)*cos(y) + 0.1*(x^2+y^2)", "exp(-x^2-y^2) - log(1 + x^2 + y^2)",
          "sigmoid(3*x - y) + tanh(x*y)", "atan(x) + sqrt(1 + y^2) + cosh(x/3) - sinh(y/4)", "x^4 - 3*x^2 + y^2 + x*y",
          "2**x + pi*y^2 - e*x", "-x^2 + y^2", "abs(x + 2) + y^2"]


def test_the_rosenbrock_formula_is_the_built_in_surface_to_the_last_bits():
    formula = read_formula(ROSENBROCK)
    surface = get_surface("rosenbrock")
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-2, 2, 500), rng.uniform(-1, 3, 500)
    points = np.stack([x, y], axis=-1)
    assert np.allclose(formula.f(x, y), surface.value(points), rtol=1e-12, atol=0)
    assert np.allclose(np.stack(formula.grad_f(x, y), axis=-1), surface.gradient(points), rtol=1e-12, atol=1e-12)
    hxx, hxy, hyy = formula.hess_f(x, y)
    expected = surface.hessian(points)
    assert np.allclose(hxx, expected[:, 0, 0], rtol=1e-12) and np.allclose(hyy, expected[:, 1, 1], rtol=1e-12)
    assert np.allclose(hxy, expected[:, 0, 1], rtol=1e-12)


@pytest.mark.parametrize("text", SMOOTH)
def test_the_gradient_and_hessian_are_exact_against_finite_differences(text):
    formula = read_formula(text)
    rng = np.random.default_rng(1)
    x, y = rng.uniform(-1.5, 1.5, 50), rng.uniform(-1.5, 1.5, 50)
    differences.assert_exact(formula.f, formula.grad_f, formula.hess_f, x, y)


@pytest.mark.parametrize(("text", "reason", "position"), [
    ("2x + y", "2*x", 1),
    ("x + y)", "", None),
    ("x +* y", "operators", None),
    ("__import__('os').system('true')", "attribute", 1),
    ("__import__('os')", "__import__", 1),
    ("x.real", "attribute", 1),
    ("(lambda: 1)()", "lambda", None),
    ("[t for t in (x,)]", "comprehension", 1),
    ("'x'", "string", 1),
    ("foo(x)", "foo", 1),
    ("sin(x, y)", "one argument", 1),
    ("log(x, base=2)", "named", 1),
    ("x if y else 1", "if/else", 1),
    ("x < y", "comparison", 1),
    ("9**9**9", "exponent", None),
    ("x^1000", "exponent", 1),
    ("y + ü", "not part of a formula", 5),
    ("x\x00", "not part of a formula", 2),
    ("nan * x", "nan", 1),
    ("inf", "inf", 1),
    ("1e999 * x", "too large", 1),
    ("", "empty", None),
    ("x" * 301, "characters", None),
    ("(" * 10_000 + "x" + ")" * 10_000, "characters", None),
    ("sin(" * 40 + "x" + ")" * 40, "nested", None),
    ("+".join(["x"] * 140), "parts", None),
])
def test_hostile_or_broken_text_gets_a_reason_and_where_it_is(text, reason, position):
    with pytest.raises(FormulaError) as raised:
        read_formula(text)
    assert reason in raised.value.reason, raised.value
    if position is not None:
        assert raised.value.position == position, raised.value


def test_brackets_are_not_depth():
    assert str(read_formula("(" * 100 + "x" + ")" * 100).expression) == "x"


def hostile_cases(count: int, seed: int = 7) -> list[str]:
    """Random mixes of the grammar's pieces and of everything outside it."""
    rng = random.Random(seed)
    pieces = ["x", "y", "pi", "e", "1", "2.5", "1e-3", "9", "+", "-", "*", "/", "^", "**", "(", ")", ",", " ",
              *[f + "(" for f in FUNCTIONS], "__import__", "os", ".", "lambda", ":", "[", "]", "{", "}", "'", '"',
              "import", "for", "in", "if", "else", "<", "==", "@", "!", "~", "%", "//", "&", "|", ";", "=",
              "exec", "eval", "open", "globals", "__class__", "nan", "inf", "\x00", "ü", "∑", "\n", "9**9**9"]
    cases = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.6:
            cases.append("".join(rng.choice(pieces) for _ in range(rng.randint(1, 30))))
        elif kind < 0.8:
            cases.append("".join(rng.choice(string.printable) for _ in range(rng.randint(1, 60))))
        else:
            depth = rng.randint(1, 40)
            cases.append(rng.choice(FUNCTIONS) + "(" * depth + "x" + ")" * depth)
    return cases


def test_two_thousand_hostile_formulas_give_a_formula_or_a_reason_and_nothing_else():
    read, refused = 0, 0
    for text in hostile_cases(2_000):
        try:
            formula = read_formula(text)
        except FormulaError as error:
            assert error.reason
            refused += 1
            continue
        read += 1
        with np.errstate(all="ignore"):
            value = formula.f(np.array([0.3, -0.7]), np.array([0.5, 1.1]))
        assert value.shape == (2,)
    assert refused > 1_000 and read > 50  # the generator makes both kinds


@pytest.mark.parametrize(("text", "box", "expected"), [
    (ROSENBROCK, (-2, 2, -1, 3), [(1.0, 1.0, "minimum")]),
    ("x^2 - y^2", (-1, 1, -1, 1), [(0.0, 0.0, "saddle")]),
    ("x^4 - 2*x^2 + y^2", (-2, 2, -2, 2), [(-1.0, 0.0, "minimum"), (1.0, 0.0, "minimum"), (0.0, 0.0, "saddle")]),
    ("-(x^2 + y^2)", (-1, 1, -1, 1), [(0.0, 0.0, "maximum")]),
    ("x + y", (-1, 1, -1, 1), []),
])
def test_critical_points_are_found_by_newton_from_a_grid_and_classified_by_the_hessian(text, box, expected):
    from experiments.formula import critical_points

    found = critical_points(read_formula(text), box)
    assert sorted((p.kind, round(p.x, 9), round(p.y, 9)) for p in found) == \
        sorted((kind, x, y) for x, y, kind in expected)
