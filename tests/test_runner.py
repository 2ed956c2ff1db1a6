"""The runner: divergence handling, batching invariance, gradient noise, recorded arrays, tidy table, JSON export."""

from __future__ import annotations

import math
import warnings

import numpy as np
import orjson
import pytest

from experiments.export import result_to_dict
from experiments.limits import DIVERGENCE_RADIUS
from experiments.model import Experiment, Run
from experiments.runner import run
from experiments.url import parse
from optimizers import OPTIMIZERS, SCHEDULES
from surfaces import get_surface

FIELDS = ("points", "loss", "grad_norm", "lr")


def run_strictly(experiment: Experiment):
    """Run with every warning turned into an error, to prove overflow/invalid warnings never escape."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return run(experiment)


def assert_finite_prefix(rr, steps: int) -> None:
    """A diverged run keeps exactly its finite prefix; a live one has every step."""
    expected_rows = rr.diverged_at if rr.diverged_at is not None else steps + 1
    assert rr.points.shape == (expected_rows, 2)
    for name in FIELDS:
        values = getattr(rr, name)
        assert len(values) == expected_rows, name
        assert np.isfinite(values).all(), name
    assert (np.abs(rr.points) <= DIVERGENCE_RADIUS).all()
    for name, values in rr.internals.items():
        assert values.shape == (expected_rows, 2), name


def assert_same_run(a, b) -> None:
    assert a.diverged_at == b.diverged_at
    for name in FIELDS:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.internals.keys() == b.internals.keys()
    for name in a.internals:
        assert np.array_equal(a.internals[name], b.internals[name]), name


# -- divergence ------------------------------------------------------------------------------------------------


def test_gd_diverges_on_rosenbrock_with_a_finite_prefix():
    experiment = Experiment("rosenbrock", [Run("gd", lr=0.1)], start=(-1.5, 2), steps=500)
    rr = run_strictly(experiment).runs[0]
    assert isinstance(rr.diverged_at, int)
    # lr=0.1 overshoots so hard that the third step leaves the ±1e6 box (x ≈ -1.06e5 → far beyond).
    assert 1 <= rr.diverged_at < 10
    assert_finite_prefix(rr, experiment.steps)
    # The stored prefix is the actual GD walk: θ₁ = θ₀ − η∇f(θ₀).
    surface = experiment.make_surface()
    start = np.array([-1.5, 2.0])
    assert np.allclose(rr.points[1], start - 0.1 * surface.gradient(start), rtol=1e-12)


def test_gd_on_ellipse_diverges_exactly_past_two_over_lambda_max():
    # Axis-aligned ellipse: Hessian diag(1, 100), so GD multiplies y by (1 − 100η) each step.
    surface_params = {"kappa": 100.0}
    start = (-4.0, 2.0)
    unstable = Experiment("ellipse", [Run("gd", lr=0.021)], start=start, steps=2000, surface_params=surface_params)
    rr = run_strictly(unstable).runs[0]
    # |y_k| = 2·1.1^k first exceeds the 1e6 radius at k = ⌈log(5e5)/log(1.1)⌉.
    assert rr.diverged_at == math.ceil(math.log(DIVERGENCE_RADIUS / 2) / math.log(1.1))
    assert_finite_prefix(rr, unstable.steps)
    assert np.allclose(rr.points[1:, 1] / rr.points[:-1, 1], 1 - 100 * 0.021, rtol=1e-9)

    stable = Experiment("ellipse", [Run("gd", lr=0.019)], start=start, steps=2000, surface_params=surface_params)
    rr = run_strictly(stable).runs[0]
    assert rr.diverged_at is None
    assert rr.points.shape == (2001, 2)
    assert rr.final_loss < 1e-25


@pytest.mark.parametrize("start", [(30.0, 30.0), (1.0, 0.0)])
def test_newton_at_singular_hessian_reports_divergence_not_nan(start):
    # Plateau: at (30, 30) the bell underflows so H = 0 and g = 0 (0/0); at (1, 0) with width 1, H_xx = 0 while
    # g_x ≠ 0 (division by a zero determinant). Either way the step is non-finite.
    experiment = Experiment("plateau", [Run("newton"), Run("newton", damping=1.0)], start=start, steps=50)
    surface = experiment.make_surface()
    hessian = surface.hessian(np.array(start))
    assert np.linalg.det(hessian) == 0.0  # really singular
    undamped, damped = run_strictly(experiment).runs
    assert undamped.diverged_at == 1
    assert_finite_prefix(undamped, 50)
    assert np.array_equal(undamped.points, [start])
    # Damping makes H + λI invertible, so the same start is harmless.
    assert damped.diverged_at is None
    assert_finite_prefix(damped, 50)


def test_every_optimizer_blowing_up_stays_finite_and_silent():
    # lr=10 on Rosenbrock sends most optimizers far away, through overflow and inf − inf on the way.
    experiment = Experiment("rosenbrock", [Run(name, lr=10.0) for name in OPTIMIZERS], start=(-1.5, 2), steps=200)
    result = run_strictly(experiment)
    assert sum(rr.diverged_at is not None for rr in result.runs) >= len(OPTIMIZERS) // 2
    for rr in result.runs:
        assert_finite_prefix(rr, experiment.steps)


def test_when_every_run_has_diverged_the_loop_may_stop_early_without_changing_results():
    # 1,100 steps crosses the runner's periodic "all gone" check; results must still be each run's full story.
    runs = [Run("gd", lr=0.1), Run("gd", lr=0.5), Run("sgd", lr=0.2, momentum=0.9), Run("momentum", lr=0.05)]
    experiment = Experiment("rosenbrock", runs, start=(-1.5, 2), steps=1100)
    batched, alone = run_strictly(experiment), run(experiment, batch=False)
    for a, b in zip(batched.runs, alone.runs, strict=True):
        assert a.diverged_at is not None
        assert_finite_prefix(a, experiment.steps)
        assert_same_run(a, b)


def test_a_run_that_never_diverges_has_every_step():
    experiment = Experiment("himmelblau", [Run("adam", lr=0.05)], start=(0, 0), steps=300)
    rr = run_strictly(experiment).runs[0]
    assert rr.diverged_at is None
    assert_finite_prefix(rr, 300)
    assert rr.points.shape == (301, 2)


def test_a_start_with_non_finite_loss_is_refused():
    # exp(3·(1000 − 1)) overflows: a run from there could not keep even step 0, so the start is rejected up front.
    with pytest.raises(ValueError, match="not finite at the start"):
        Experiment("crescent", [Run("gd", lr=0.001)], start=(0, 1000), steps=10)
    experiment, warnings = parse("surface=crescent&start=0,1000&steps=10&opt=gd(lr=0.001)")
    assert experiment.start == get_surface("crescent").start()
    assert warnings == ["the loss of crescent overflows at start=0.0,1000.0; using the default start"]
    assert run_strictly(experiment).runs[0].diverged_at is None


def test_an_experiment_needs_a_run():
    with pytest.raises(ValueError, match="at least one run"):
        Experiment("rosenbrock", [])


# -- batching ----------------------------------------------------------------------------------------------------


def mixed_runs() -> list[Run]:
    """Every optimizer, an lr sweep, different code paths (switches, bools), every schedule, noise."""
    schedules = list(SCHEDULES)
    runs = [Run(name, lr=OPTIMIZERS[name].params[0].default * 0.7, schedule=schedules[k % len(schedules)])
            for k, name in enumerate(OPTIMIZERS)]
    runs += [Run("adam", lr=lr) for lr in (1e-3, 1.3e-3, 2.1e-3, 7e-4, 0.0123456789)]
    runs += [Run("adam", lr=0.01, amsgrad=True, beta1=0.8), Run("adam", lr=0.02, weight_decay=0.1),
             Run("adam", lr=0.01, bias_correction=False, schedule="warmup_cosine", warmup=20)]
    runs += [Run("momentum", lr=lr, momentum=mu, schedule="step", step_size=30, gamma=0.5)
             for lr, mu in ((1e-3, 0.9), (2e-3, 0.5), (5e-4, 0.99))]
    runs += [Run("sgd", lr=1e-3, momentum=0.5, nesterov=True, noise=0.5),
             Run("sgd", lr=1.1e-3, momentum=0.6, dampening=0.1, noise=0.3, schedule="cyclic"),
             Run("sgd", lr=1e-3, weight_decay=0.01)]
    runs += [Run("rmsprop", lr=1e-2, centered=True, momentum=0.5), Run("rmsprop", lr=2e-2, alpha=0.9)]
    runs += [Run("lbfgs", lr=lr, history_size=5) for lr in (0.5, 1.0)]
    runs += [Run("lbfgs", lr=1.0, history_size=100, noise=0.01)]
    runs += [Run("newton", lr=lr, damping=d) for lr, d in ((1.0, 0.0), (0.5, 10.0))]
    runs += [Run("nadam", lr=2e-3, weight_decay=0.1, decoupled_weight_decay=True),
             Run("radam", lr=1e-2, weight_decay=0.1), Run("adagrad", lr=0.1, rms=True, noise=1.0)]
    # An lr sweep whose middle member blows up: its NaN and inf rows must not leak into its batch-mates.
    runs += [Run("gd", lr=lr) for lr in (1e-4, 0.1, 1.5e-3)] + [Run("lbfgs", lr=10.0, history_size=5)]
    return runs


@pytest.mark.parametrize(("surface", "params", "start"), [
    ("rosenbrock", {}, (-1.5, 2.0)),
    ("ellipse", {"kappa": 50.0, "angle": 30.0}, (-4.0, 2.0)),
    ("crescent", {}, (0.5, 0.8)),
    ("beale", {}, (1.0, 1.5)),
])
def test_batched_and_unbatched_runs_are_bit_identical(surface, params, start):
    experiment = Experiment(surface, mixed_runs(), start=start, steps=150, seed=7, surface_params=params)
    batched = run_strictly(experiment)
    alone = run(experiment, batch=False)
    assert len(batched.runs) == len(alone.runs) == len(experiment.runs)
    for a, b, spec in zip(batched.runs, alone.runs, experiment.runs, strict=True):
        assert a.run is spec and b.run is spec  # results come back in the experiment's order
        assert_same_run(a, b)


def test_a_noise_free_run_alone_equals_the_same_run_in_a_crowd():
    target = Run("adam", lr=0.01, beta1=0.85)
    crowd = [Run("sgd", lr=1e-3, noise=0.5), Run("adam", lr=0.02), target, Run("adam", lr=0.005, beta1=0.85),
             Run("gd", lr=0.1), Run("lbfgs", lr=1.0), Run("adam", lr=0.01, amsgrad=True)]
    alone = run(Experiment("rosenbrock", [target], steps=400, seed=3)).runs[0]
    inside = run(Experiment("rosenbrock", crowd, steps=400, seed=3)).runs[2]
    assert_same_run(alone, inside)


# -- noise -------------------------------------------------------------------------------------------------------


def noisy(seed: int, noise: float = 0.5) -> Experiment:
    return Experiment("rosenbrock", [Run("sgd", lr=1e-3, noise=noise), Run("adam", lr=0.01, noise=noise)],
                      steps=200, seed=seed)


def test_same_seed_same_noise():
    for a, b in zip(run(noisy(5)).runs, run(noisy(5)).runs, strict=True):
        assert_same_run(a, b)


def test_different_seed_different_noise():
    for a, b in zip(run(noisy(5)).runs, run(noisy(6)).runs, strict=True):
        assert not np.array_equal(a.points, b.points)
        assert np.array_equal(a.points[0], b.points[0])


def test_noise_free_runs_ignore_the_seed():
    for a, b in zip(run(noisy(5, 0.0)).runs, run(noisy(123456, 0.0)).runs, strict=True):
        assert_same_run(a, b)


def test_two_noisy_runs_draw_different_noise():
    experiment = Experiment("ellipse", [Run("gd", lr=0.01, noise=1.0), Run("gd", lr=0.01, noise=1.0)], steps=50)
    first, second = run(experiment).runs
    assert not np.array_equal(first.points, second.points)


def test_noise_is_gaussian_with_the_requested_sigma():
    # On a quadratic, GD's step reveals the noisy gradient exactly: z_t = (θ_t − θ_{t+1})/η − ∇f(θ_t).
    sigma, lr = 0.5, 0.01
    experiment = Experiment("ellipse", [Run("gd", lr=lr, noise=sigma)], start=(1.0, 1.0), steps=20_000, seed=11)
    result = run(experiment)
    points = result.runs[0].points
    drawn = (points[:-1] - points[1:]) / lr - result.surface.gradient(points[:-1])
    assert drawn.shape == (20_000, 2)
    assert np.all(np.abs(drawn.mean(axis=0)) < 4 * sigma / math.sqrt(20_000))
    assert np.allclose(drawn.std(axis=0), sigma, rtol=0.03)
    assert abs(np.corrcoef(drawn[:, 0], drawn[:, 1])[0, 1]) < 0.03  # components are independent


def test_noise_knocks_sgd_off_the_saddle_ridge_but_not_gd():
    # Bounded saddle x² + (y² − 1)²: on y = 0 the y-gradient is exactly 0, so only noise can break the symmetry.
    experiment = Experiment("saddle", [Run("gd", lr=0.01), Run("sgd", lr=0.01, noise=0.1)], start=(1.0, 0.0),
                            steps=2000, seed=1)
    gd, sgd = run(experiment).runs
    assert np.all(gd.points[:, 1] == 0.0)
    assert abs(gd.final_point[0]) < 1e-6  # slid down x into the saddle point and stayed there
    assert np.any(sgd.points[:, 1] != 0.0)
    assert abs(abs(sgd.final_point[1]) - 1.0) < 0.1  # escaped into one of the minima at (0, ±1)
    assert sgd.final_loss < 0.05 < gd.final_loss


# -- recorded arrays ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_arrays_match_the_surface_and_have_the_documented_shapes(optimizer):
    steps, start = 60, (-1.2, 1.7)
    experiment = Experiment("rosenbrock", [Run(optimizer, lr=OPTIMIZERS[optimizer].params[0].default)],
                            start=start, steps=steps)
    result = run_strictly(experiment)
    rr = result.runs[0]
    n = len(rr.points)
    assert rr.points.shape == (n, 2) and rr.loss.shape == rr.grad_norm.shape == rr.lr.shape == (n,)
    assert np.array_equal(rr.points[0], start)
    assert np.allclose(rr.loss, result.surface.value(rr.points), rtol=1e-14, atol=0)
    assert np.allclose(rr.grad_norm, np.linalg.norm(result.surface.gradient(rr.points), axis=1), rtol=1e-14, atol=0)
    assert set(rr.internals) == set(OPTIMIZERS[optimizer].internals)
    for values in rr.internals.values():
        assert values.shape == (n, 2)


def test_lr_column_follows_the_schedule():
    steps, lr = 300, 0.01
    t = np.arange(steps + 1, dtype=float)
    runs = [Run("gd", lr=lr), Run("gd", lr=lr, schedule="cosine"),
            Run("gd", lr=lr, schedule="step", step_size=50, gamma=0.5),
            Run("gd", lr=lr, schedule="exponential", gamma=0.99),
            Run("gd", lr=lr, schedule="inverse_sqrt"),
            Run("gd", lr=lr, schedule="warmup_constant", warmup=20)]
    expected = [np.full(steps + 1, lr), lr * (1 + np.cos(np.pi * t / steps)) / 2, lr * 0.5 ** np.floor(t / 50),
                lr * 0.99**t, lr / np.sqrt(t + 1), np.where(t < 20, lr * (1 / 20 + (1 - 1 / 20) * t / 20), lr)]
    result = run(Experiment("ellipse", runs, steps=steps))
    for rr, want in zip(result.runs, expected, strict=True):
        assert rr.diverged_at is None
        assert np.allclose(rr.lr, want, rtol=1e-12, atol=1e-18), rr.run.schedule
        assert np.array_equal(rr.lr, SCHEDULES[rr.run.schedule](steps, lr, rr.run.schedule_params))
    assert result.runs[1].lr[-1] == pytest.approx(0.0, abs=1e-18)  # cosine reaches η_min at the end
    assert result.runs[5].lr[0] == pytest.approx(lr / 20)  # warm-up starts at η/warmup


def test_adam_internals_after_the_first_step():
    beta1, beta2, lr = 0.8, 0.99, 0.01
    experiment = Experiment("rosenbrock", [Run("adam", lr=lr, beta1=beta1, beta2=beta2)], start=(-1.5, 2), steps=5)
    result = run(experiment)
    rr = result.runs[0]
    g0 = result.surface.gradient(np.array([-1.5, 2.0]))
    assert np.array_equal(rr.internals["exp_avg"][0], [0.0, 0.0])
    assert np.allclose(rr.internals["exp_avg"][1], (1 - beta1) * g0, rtol=1e-15)
    assert np.allclose(rr.internals["exp_avg_sq"][1], (1 - beta2) * g0 * g0, rtol=1e-15)
    # With bias correction the first Adam step is η·sign(g₀) (up to ε).
    assert np.allclose(rr.points[1], rr.points[0] - lr * np.sign(g0), rtol=0, atol=1e-9)


def test_momentum_buffer_starts_with_the_gradient():
    mu = 0.9
    experiment = Experiment("ellipse", [Run("momentum", lr=0.01, momentum=mu)], start=(-4.0, 2.0), steps=5)
    result = run(experiment)
    rr = result.runs[0]
    g = result.surface.gradient(rr.points)
    buf = rr.internals["momentum_buffer"]
    assert np.array_equal(buf[0], [0.0, 0.0])
    assert np.array_equal(buf[1], g[0])  # b₁ = g₁ (torch's first step)
    assert np.allclose(buf[2], mu * g[0] + g[1], rtol=1e-15)
    assert np.allclose(rr.points[2], rr.points[1] - 0.01 * buf[2], rtol=1e-15)


# -- tidy table and JSON ------------------------------------------------------------------------------------------


def diverging_experiment() -> Experiment:
    return Experiment("rosenbrock", [Run("adam", lr=0.01), Run("gd", lr=0.1), Run("newton", label="newton")],
                      start=(-1.5, 2), steps=40)


def test_to_frame_is_one_row_per_run_per_step():
    result = run(diverging_experiment())
    frame = result.to_frame()
    assert {"run", "optimizer", "step", "x", "y", "loss", "grad_norm", "lr"} <= set(frame.columns)
    lengths = [len(rr.points) for rr in result.runs]
    assert lengths[0] == 41 and lengths[1] < 41  # the GD run diverged and is shorter
    assert len(frame) == sum(lengths)
    for column in ("run", "step", "x", "y", "loss", "grad_norm", "lr"):
        assert np.issubdtype(frame[column].dtype, np.number), column
    for index, rr in enumerate(result.runs):
        rows = frame[frame["run"] == index]
        assert len(rows) == len(rr.points)
        assert (rows["optimizer"] == rr.run.optimizer).all()
        assert np.array_equal(rows["step"], np.arange(len(rr.points)))
        assert np.array_equal(rows[["x", "y"]].to_numpy(), rr.points)
        assert np.array_equal(rows["loss"], rr.loss)
        assert np.array_equal(rows["grad_norm"], rr.grad_norm)
        assert np.array_equal(rows["lr"], rr.lr)


def test_json_export_has_no_non_finite_numbers():
    result = run(diverging_experiment())
    assert any(rr.diverged_at is not None for rr in result.runs)
    document = orjson.loads(orjson.dumps(result_to_dict(result)))

    def numbers(node):
        if isinstance(node, dict):
            for value in node.values():
                yield from numbers(value)
        elif isinstance(node, list):
            for value in node:
                yield from numbers(value)
        elif isinstance(node, int | float) and not isinstance(node, bool):
            yield node

    found = list(numbers(document))
    assert found and all(math.isfinite(v) for v in found)
    assert len(document["runs"]) == 3
    for entry, rr in zip(document["runs"], result.runs, strict=True):
        assert entry["diverged_at"] == rr.diverged_at
        assert entry["x"] == rr.points[:, 0].tolist() and entry["loss"] == rr.loss.tolist()
    assert parse(document["query"]) == (result.experiment, [])


def test_a_division_by_zero_inside_a_rule_is_inf_not_an_exception():
    """RAdam's ρ∞ is exactly 4 when β₂ = 0.6, so its rectifier divides by zero; a lone run's shared
    hyperparameters are NumPy scalars, which give inf there as the arrays of a batch do."""
    alone = run(Experiment("ellipse", [Run("radam", lr=0.01, beta2=0.6)], steps=50))
    batch = run(Experiment("ellipse", [Run("radam", lr=0.01, beta2=0.6), Run("radam", lr=0.02, beta2=0.5)],
                           steps=50))
    assert np.isfinite(alone.runs[0].loss).all()
    assert np.array_equal(alone.runs[0].points, batch.runs[0].points)


def test_a_start_whose_gradient_squares_overflow_still_starts():
    """At (0, 60) on a steep crescent each gradient component is finite but its square is not; the norm must
    be, so the run starts and then diverges at step 1 rather than at step 0 with nothing to draw."""
    experiment = Experiment("crescent", [Run("gd", lr=0.01)], start=(0.0, 60.0),
                            surface_params={"decay": 6.0, "height": 2.0})
    (only,) = run(experiment).runs
    assert np.isfinite(only.grad_norm[0]) and only.grad_norm[0] > 1e154
    assert only.diverged_at == 1 and len(only.points) == 1
