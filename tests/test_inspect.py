"""The step inspector's numbers are the engine's: the rule re-run on a step's recorded inputs returns the recorded
next point bit for bit, every line's result is the state the engine recorded, and the text shows them to at least
four significant digits."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from experiments import Experiment, Run, run
from experiments.inspect import equations_of, explain, inspect_run, number_text
from optimizers import OPTIMIZERS

# One run of each rule, off its defaults where that takes another branch (weight decay, AMSGrad, centered,
# Nesterov, no bias correction, a schedule, gradient noise).
RUNS = [
    Run("gd", lr=1e-3), Run("momentum", lr=1e-3, noise=0.5), Run("nesterov", lr=1e-3),
    Run("sgd", lr=1e-3, momentum=0.8, dampening=0.3, weight_decay=0.1),
    Run("adagrad", lr=0.2, schedule="cosine"), Run("adagrad", lr=0.2, rms=True, lr_decay=0.01),
    Run("rmsprop", lr=0.01), Run("rmsprop", lr=0.01, centered=True, momentum=0.5, weight_decay=0.1),
    Run("adadelta", lr=1.0), Run("adam", lr=0.05), Run("adam", lr=0.05, amsgrad=True, bias_correction=False),
    Run("adamw", lr=0.05), Run("nadam", lr=0.01), Run("radam", lr=0.01), Run("adamax", lr=0.01),
    Run("lamb", lr=0.01, weight_decay=0.01), Run("newton", lr=0.5, damping=1.0), Run("lbfgs", lr=0.5, history_size=7),
]
STEPS = [0, 1, 2, 7, 40, 79]


@pytest.fixture(scope="module", params=["rosenbrock", "ellipse", "crescent"])
def result(request):
    return run(Experiment(request.param, RUNS, steps=80, seed=3))


def test_every_rule_re_run_on_a_step_returns_the_recorded_next_point_bit_for_bit(result):
    for index, rr in enumerate(result.runs):
        trace = inspect_run(result, index, STEPS)
        steps = [k for k in STEPS if k < len(rr.points) - 1]
        assert trace.steps == steps, rr.run.name
        assert np.array_equal(trace.theta_next, rr.points[[k + 1 for k in steps]]), rr.run.name


def test_each_line_that_sets_an_internal_shows_the_value_the_engine_recorded(result):
    """A line assigning m shows the m the engine recorded after the step (elementwise rules hold one per
    coordinate; a coupled rule's m_x and m_y are two lines)."""
    checked = 0
    for index, rr in enumerate(result.runs):
        opt = OPTIMIZERS[rr.run.optimizer]
        trace = inspect_run(result, index, STEPS)
        for row, k in enumerate(trace.steps):
            last = {}
            for equation, (_, results) in zip(trace.equations[row], trace.values[row], strict=True):
                for name, value in zip(equation.targets, results, strict=True):
                    last[name] = value
            for name in opt.internals:
                after = rr.internals[name][k + 1]
                if not opt.coupled and name in last and isinstance(last[name], tuple):
                    assert last[name] == tuple(after), (rr.run.name, k, name)
                    checked += 1
                for part, suffix in enumerate(("_x", "_y")):
                    if opt.coupled and name + suffix in last and isinstance(last[name + suffix], float):
                        assert last[name + suffix] == after[part], (rr.run.name, k, name + suffix)
                        checked += 1
    assert checked > 100


def test_the_state_before_and_after_are_the_record(result):
    for index, rr in enumerate(result.runs):
        trace = inspect_run(result, index, STEPS)
        for name in OPTIMIZERS[rr.run.optimizer].internals:
            assert np.array_equal(trace.before[name], rr.internals[name][trace.steps], equal_nan=True)
            assert np.array_equal(trace.after[name], rr.internals[name][[k + 1 for k in trace.steps]],
                                  equal_nan=True)


def test_the_gradient_used_includes_the_noise_and_the_true_one_does_not(result):
    index = 1  # momentum with noise
    trace = inspect_run(result, index, STEPS)
    assert np.array_equal(trace.used, result.gradients_used(index)[trace.steps])
    assert np.array_equal(trace.gradient, result.surface.gradient(result.runs[index].points[trace.steps]))
    assert not np.allclose(trace.used, trace.gradient)


def test_adams_effective_step_is_eta_over_c1_over_root_v_hat_plus_eps():
    result = run(Experiment("rosenbrock", [Run("adam", lr=0.05)], steps=50))
    trace = inspect_run(result, 0, [9])
    beta1, beta2, eps, t = 0.9, 0.999, 1e-8, 10
    v = trace.after["exp_avg_sq"][0]
    expected = 0.05 / (1 - beta1**t) / (np.sqrt(v) / np.sqrt(1 - beta2**t) + eps)
    assert trace.effective[0] == pytest.approx(expected, rel=1e-12)
    adagrad = run(Experiment("rosenbrock", [Run("adagrad", lr=0.1)], steps=50))
    trace = inspect_run(adagrad, 0, [9])
    assert trace.effective[0] == pytest.approx(0.1 / (np.sqrt(trace.after["sum"][0]) + 1e-10), rel=1e-12)


def test_the_text_is_the_equation_its_numbers_and_its_result():
    result = run(Experiment("rosenbrock", [Run("adam", lr=0.05)], steps=50))
    lines = explain(result, 0, 40)
    trace = inspect_run(result, 0, [40])
    m_before, m_after = trace.before["exp_avg"][0], trace.after["exp_avg"][0]
    g = trace.used[0]
    line = next(text for text in lines if text.startswith("m ← β₁m + (1 − β₁)g"))
    assert line == (f"m ← β₁m + (1 − β₁)g  =  0.9 × {pair(m_before)} + (1 − 0.9) × {pair(g)}  =  {pair(m_after)}")
    assert lines[-1].startswith("θ ← θ − η/c₁ · m/(√v̂ + ε)")
    assert lines[-1].endswith(pair(result.runs[0].points[41]))


def pair(values) -> str:
    return "(" + ", ".join(number_text(float(v)) for v in values) + ")"


@pytest.mark.parametrize("value", [0.9, -3.2145, 4.0527e-5, 123456.0, -1e-300, 7.0, 0.0001234567, 99999.5,
                                   12345.678, 0.001, 1e5, -0.25, 2.0700001e-4, 1.2000003, 0.30000000000000004])
def test_numbers_show_at_least_four_significant_digits_and_read_back(value):
    text = number_text(value)
    assert re.fullmatch(r"−?\d+(\.\d+)?(e−?\d+)?", text), text
    back = float(text.replace("−", "-"))
    assert abs(back - value) <= 5e-4 * abs(value), (value, text)  # within half a unit of the fourth digit
    if 1e-3 <= abs(value) < 1e4:
        assert float(text.replace("−", "-")) == float(f"{value:.4g}")
    mantissa = text.replace("−", "").split("e")[0].replace(".", "").lstrip("0")
    assert len(mantissa) >= 4 or back == value, (value, text)  # fewer digits only when they are the value


def test_significant_trailing_zeros_are_kept_and_exact_values_stay_short():
    assert number_text(2.0700001e-4) == "2.070e−4" and number_text(2.07e-4) == "2.07e−4"
    assert number_text(1.2000003) == "1.200" and number_text(0.9) == "0.9" and number_text(1e-8) == "1e−8"


def test_only_lines_with_an_equation_are_shown_and_each_rule_has_some():
    for opt in {o.update: o for o in OPTIMIZERS.values()}.values():
        equations = equations_of(opt.update)
        assert len(equations) >= 2, opt.id  # the notes' momentum, v ← γv + η∇f and θ ← θ − v, is the shortest
        assert all(e.equation for e in equations.values())
        # Only a private helper's line (LAMB's ratio) shows its result without the arithmetic.
        opaque = [e.equation for e in equations.values() if e.targets and not e.template]
        assert opaque == ([] if opt.id != "lamb" else [e.equation for e in equations.values() if "r_" in e.equation])


def test_a_long_l_bfgs_run_is_explained_only_as_far_as_replaying_is_cheap():
    from experiments.inspect import REPLAY_LIMIT

    result = run(Experiment("rosenbrock", [Run("lbfgs", lr=0.5, history_size=3)], steps=REPLAY_LIMIT + 20))
    trace = inspect_run(result, 0, [10, REPLAY_LIMIT + 5])
    assert trace.steps == [10] and trace.replayed
    assert math.isfinite(trace.theta_next[0, 0])


# -- what the page is sent ----------------------------------------------------------------------------------------

def test_the_inspection_payload_is_strict_json_for_a_diverging_run_and_matches_the_trace():
    import json

    from ui.inspector import inspection, vectors

    result = run(Experiment("ellipse", [Run("gd", lr=0.5), Run("adam", lr=0.05)], steps=200))
    assert result.runs[0].diverged_at is not None
    for index in range(2):
        data = inspection(result, index, 10**9)
        json.dumps(data, allow_nan=False)
        assert data["steps"][-1] == len(result.runs[index].points) - 1
        assert data["rows"][-1]["why"] == "last"
        json.dumps(vectors(result, [index])["runs"][str(index)], allow_nan=False)
    shown = inspection(result, 1, 5)
    row = shown["rows"][shown["steps"].index(5)]
    trace = inspect_run(result, 1, [5])
    assert row["next"] == "(" + ", ".join(number_text(float(v)) for v in trace.theta_next[0]) + ")"
    assert [shown["lines"][i][0] for i, _, _ in row["eq"]] == [e.equation for e in trace.equations[0]]


def parse_start(query: str):
    from experiments.url import parse

    return parse(query)[0].start


def test_hostile_inspector_and_live_requests_get_no_update_never_an_error():
    from dash.exceptions import PreventUpdate

    from ui.callbacks import live_paths, on_inspect, on_vectors

    good = "surface=ellipse&steps=20&opt=adam(lr=0.1)"
    for ask in (None, [], {"query": 3}, {"query": good, "run": 7, "step": 1}, {"query": good, "run": "0"},
                {"query": "x" * 30_000, "run": 0, "step": 0}, {"query": good, "run": True, "step": None}):
        with pytest.raises(PreventUpdate):
            on_inspect(ask)
    assert on_inspect({"query": good, "run": 0, "step": -5})["steps"][0] == 0
    with pytest.raises(PreventUpdate):
        on_vectors({"query": good, "runs": "all"})
    assert on_vectors({"query": good, "runs": [0, 99, "x"]})["asked"] == [0]
    assert live_paths(good, "nan", 1) is None
    far = live_paths(good, 1e300, 0)  # clamped as a link's start is
    assert far is None or abs(parse_start(far["query"])[0]) < 1e6
    assert live_paths(good, "1.5", "-0.5")["start"] == [1.5, -0.5]


def test_the_stability_limit_is_the_rules_edge_on_the_ellipse_and_local_elsewhere():
    from experiments.inspect import stability_limit

    ellipse = Experiment("ellipse", [Run("gd"), Run("momentum", momentum=0.9), Run("nesterov", momentum=0.9),
                                     Run("adam")], surface_params={"kappa": 10})
    lam = ellipse.make_surface().curvature_range()[1]
    limits = [stability_limit(ellipse, i) for i in range(4)]
    assert math.isclose(limits[0].lr, 2 / lam) and not limits[0].local
    assert math.isclose(limits[1].lr, 2 * 1.9 / lam)
    assert math.isclose(limits[2].lr, (2 + 1.8) / ((1 + 1.8) * lam))
    assert limits[3] is None  # Adam has no closed form
    saddle = stability_limit(Experiment("saddle", [Run("gd")], start=(0.5, 0.5)), 0)
    assert saddle.local and saddle.saddle


def test_a_direction_arrow_only_where_the_run_uses_its_direction_state():
    from ui.inspector import vectors

    result = run(Experiment("rosenbrock", [Run("sgd", lr=1e-3), Run("sgd", lr=1e-3, momentum=0.5), Run("adam"),
                                           Run("rmsprop")], steps=30))
    sent = vectors(result, [0, 1, 2, 3])["runs"]
    assert "m" not in sent["0"] and sent["1"]["symbol"] == "−b" and sent["2"]["symbol"] == "−m"
    assert "m" not in sent["3"]  # RMSprop declares no direction of its own
