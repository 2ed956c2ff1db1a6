"""The gradient check (experiments/inspect.py gradient_check): the analytic gradient of every surface against
central and forward differences of its own value, with the errors the Taylor series predicts, and a check that
fails when the gradient is wrong."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from experiments import Experiment, Run, run
from experiments.inspect import GRADCHECK_H, error_text, gradient_check, relative_error
from surfaces import SURFACES, get_surface
from surfaces.catalog import Rosenbrock
from ui.inspector import checked, inspection

ELLIPSE_POINTS = np.array([[-4.0, 2.0], [1.0, 1.0], [0.3, -0.7], [-2.5, -3.25]])
ROSENBROCK_POINTS = np.array([[-1.5, 2.0], [0.0, 0.0], [-1.397, 1.959], [0.5, 0.25], [1.2, 1.3]])


def test_h_is_torch_gradchecks_default_eps():
    assert GRADCHECK_H == 1e-6
    check = gradient_check(get_surface("rosenbrock"), (-1.5, 2.0))
    assert check.h == GRADCHECK_H


def test_the_differences_are_of_the_surfaces_value_in_float64():
    surface = get_surface("rosenbrock")
    theta = np.array([-1.5, 2.0])
    h = 1e-6
    check = gradient_check(surface, theta)
    for i, e in enumerate(np.eye(2)):
        up, down, here = (float(surface.value(p)) for p in (theta + h * e, theta - h * e, theta))
        assert check.central[i] == (up - down) / (2 * h)
        assert check.forward[i] == (up - here) / h
    assert np.array_equal(check.analytic, surface.gradient(theta))
    assert check.central.dtype == check.forward.dtype == np.float64


@pytest.mark.parametrize("settings", [{}, {"kappa": 50.0, "angle": 30.0}])
def test_on_a_quadratic_the_forward_error_is_h_times_the_hessians_diagonal_over_two(settings):
    """f(θ + he_i) − f(θ) = h∂ᵢf + h²Hᵢᵢ/2 exactly on a quadratic, so the forward difference is off by hHᵢᵢ/2 and
    its relative error is ‖h·diag(H)/2‖ / max(‖∇f‖, ‖∇f + h·diag(H)/2‖); the central difference is exact."""
    surface = get_surface("ellipse", **settings)
    check = gradient_check(surface, ELLIPSE_POINTS)
    offset = GRADCHECK_H * np.diagonal(surface.hessian(ELLIPSE_POINTS), axis1=-2, axis2=-1) / 2  # (n, 2)
    gradient = surface.gradient(ELLIPSE_POINTS)
    # What is left is rounding: of f(θ + he_i) and f(θ) (ε|f| each) and of θ + he_i (ε|θᵢ|, times ∂ᵢf), over h.
    eps = np.finfo(np.float64).eps
    rounding = 2 * eps * (2 * np.abs(surface.value(ELLIPSE_POINTS))[:, None]
                          + np.abs(ELLIPSE_POINTS) * np.abs(gradient)) / GRADCHECK_H
    assert np.all(np.abs(check.forward - check.analytic - offset) <= rounding)
    assert np.all(rounding < 0.25 * offset)  # so the offset is what is measured
    expected = np.linalg.norm(offset, axis=-1) / np.maximum(np.linalg.norm(gradient, axis=-1),
                                                            np.linalg.norm(gradient + offset, axis=-1))
    assert np.allclose(check.forward_error, expected, rtol=1e-2, atol=0)
    assert np.all(check.forward_error > 1e-7)
    assert np.all(check.central_error < 1e-8)


def test_on_rosenbrock_central_is_near_exact_and_forward_is_first_order():
    check = gradient_check(get_surface("rosenbrock"), ROSENBROCK_POINTS)
    assert check.central_error.shape == check.forward_error.shape == (len(ROSENBROCK_POINTS),)
    assert np.all(check.central_error < 1e-8), check.central_error
    assert np.all((check.forward_error > 1e-7) & (check.forward_error < 1e-3)), check.forward_error
    assert np.all(check.forward_error >= 100 * check.central_error)
    # (−1.5, 2): ∇f = (−155, −50); the forward difference is off by h·(f_xx, f_yy)/2 = h·(1902, 200)/2.
    first = gradient_check(get_surface("rosenbrock"), (-1.5, 2.0))
    assert tuple(first.analytic) == (-155.0, -50.0)
    assert math.isclose(first.forward_error, math.hypot(951e-6, 100e-6) / math.hypot(155.0, 50.0), rel_tol=1e-2)


def test_many_points_at_once_equal_one_at_a_time():
    surface = get_surface("crescent")
    points = np.random.default_rng(0).uniform(-1.5, 1.5, size=(3, 4, 2))
    together = gradient_check(surface, points)
    assert together.analytic.shape == together.central.shape == together.forward.shape == (3, 4, 2)
    assert together.central_error.shape == (3, 4)
    for index in np.ndindex(3, 4):
        alone = gradient_check(surface, points[index])
        assert np.array_equal(alone.central, together.central[index])
        assert np.array_equal(alone.forward, together.forward[index])
        assert alone.central_error == together.central_error[index]


@pytest.mark.parametrize("surface_id", SURFACES)
def test_every_surfaces_gradient_passes_the_check_at_its_default_start(surface_id):
    surface = SURFACES[surface_id]()
    check = gradient_check(surface, surface.start())
    assert np.all(np.isfinite(check.analytic)), surface_id
    assert check.central_error < 1e-6, (surface_id, check.central_error)
    assert check.forward_error < 1e-3, (surface_id, check.forward_error)


class _WrongRosenbrock(Rosenbrock):
    """A Rosenbrock whose "analytic" gradient has its sign flipped: descent would climb."""

    @staticmethod
    def grad_f(x, y, a, b):
        gx, gy = Rosenbrock.grad_f(x, y, a, b)
        return -gx, -gy


class _HalfRosenbrock(Rosenbrock):
    """One forgotten factor of 2 in ∂f/∂y (the bug the notes warn of: analytic gradients are error-prone)."""

    @staticmethod
    def grad_f(x, y, a, b):
        gx, gy = Rosenbrock.grad_f(x, y, a, b)
        return gx, gy / 2


def test_a_wrong_gradient_fails_the_check():
    flipped = gradient_check(_WrongRosenbrock(), ROSENBROCK_POINTS)
    assert np.allclose(flipped.central_error, 2.0, atol=1e-8)  # ‖a − (−a)‖ / ‖a‖
    assert np.allclose(flipped.forward_error, 2.0, atol=1e-3)
    halved = gradient_check(_HalfRosenbrock(), (-1.5, 2.0))
    # a = (−155, −25), n = (−155, −50): ‖a − n‖ / ‖n‖ = 25 / √(155² + 50²)
    assert math.isclose(halved.central_error, 25 / math.hypot(155, 50), rel_tol=1e-8)


def test_relative_error_is_zero_when_both_are_zero_and_missing_when_not_finite():
    assert relative_error([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert relative_error([1.0, 0.0], [0.0, 0.0]) == 1.0
    assert relative_error([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert np.isnan(relative_error([np.inf, 0.0], [1.0, 0.0]))
    assert np.isnan(relative_error([1.0, 0.0], [np.nan, 0.0]))


def test_non_finite_points_and_undefined_regions_are_missing_not_infinite():
    rosenbrock = get_surface("rosenbrock")
    check = gradient_check(rosenbrock, [[np.inf, 0.0], [1e200, 1e200], [np.nan, 0.0]])
    for values in (check.analytic, check.central, check.forward, check.central_error, check.forward_error):
        assert np.all(np.isnan(values))
    log = get_surface("formula", f="log(x) + y^2", box="-1,1,-1,1")
    inside, edge, outside = gradient_check(log, [[0.5, 0.5], [5e-7, 0.5], [-0.5, 0.5]]).central_error
    assert inside < 1e-6 and np.isnan(edge) and np.isnan(outside)  # the central difference reaches x < 0


def test_the_inspector_rows_carry_the_check_as_text_and_raw_numbers_with_no_nan():
    result = run(Experiment("rosenbrock", (Run("gd", lr=1e-3), Run("gd", lr=0.05)), start=(-1.5, 2.0), steps=60))
    data = inspection(result, 0, 40)
    json.dumps(data, allow_nan=False)
    assert data["h"] == ["1e−6", 1e-6]
    row = data["rows"][data["steps"].index(40)]
    check = gradient_check(result.surface, result.runs[0].points[40])
    names = [entry[0] for entry in row["check"]]
    assert names == ["analytic", "central", "forward"]
    analytic, central, forward = row["check"]
    assert analytic[2] == list(check.analytic) and analytic[3] is None and analytic[4] is None
    assert central[2] == list(check.central) and central[4] == check.central_error
    assert forward[2] == list(check.forward) and forward[4] == check.forward_error
    assert central[3] == error_text(check.central_error) and "e−" in central[3]
    # lr 0.05 diverges in 3 steps: its last finite points, with gradients near 1e5, are checked too.
    json.dumps(inspection(result, 1, 0), allow_nan=False)
    # What is not finite is missing (None, shown as —), never NaN in the JSON.
    missing = checked(gradient_check(result.surface, [[np.inf, 0.0]]), 0)
    json.dumps(missing, allow_nan=False)
    assert missing[1] == ["central", "(—, —)", [None, None], "—", None]


def test_error_text_is_scientific():
    assert error_text(2.3e-11) == "2.3e−11"
    assert error_text(4.86789e-4) == "4.868e−4"
    assert error_text(2.0) == "2e0"
    assert error_text(0.0) == "0"
    assert error_text(None) == "—"


def test_at_a_critical_point_the_check_says_its_errors_measure_rounding():
    """At the double well's saddle ∇f ≈ 4e−9 while f ≈ 1: the central difference's rounding, ε·|f|/h ≈ 2e−10, is
    within 100× of it, so its relative error (about 1e−2 there) says nothing about the gradient."""
    surface = SURFACES["double_well"](tilt=0.3)
    saddle = np.array([0.0754291585697482, 2.0e-9])
    at_saddle = gradient_check(surface, saddle)
    assert bool(at_saddle.rounding) and at_saddle.central_error > 1e-4
    away = gradient_check(surface, np.array([0.5, 1.0]))
    assert not bool(away.rounding) and away.central_error < 1e-8
    many = gradient_check(surface, np.stack([saddle, [0.5, 1.0]]))
    assert many.rounding.tolist() == [True, False]
