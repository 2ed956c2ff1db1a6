"""Sweeps: a grid point is the single run with that value, bit for bit, on both engines; the measures mean what
they say; the stability edges and Goh's optimum are where the theory puts them; tuning picks the best value."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from experiments import Experiment, Run, run
from experiments.measures import RunMeasures, measures_of, minima_of
from experiments.model import Axis
from experiments.sweep import measured, sweep, tune, tune_axis, tuning, with_values
from experiments.url import parse, to_query
from optimizers import OPTIMIZERS

ENGINES = ("numpy", "compiled")


def single(experiment: Experiment, index: int, settings: dict[str, float]) -> RunMeasures:
    """Run `index` alone at these settings (its noise stream is its own index, as in the experiment) and
    measure it from its recorded path."""
    runs = tuple(with_values(r, settings) if k == index else r for k, r in enumerate(experiment.runs))
    result = run(experiment.replace(runs=runs, sweep=()), engine="numpy")
    return measures_of(result.runs[index], minima_of(result.surface), experiment.tolerance)


CASES = {
    # every kind of rule: elementwise ones with a schedule and noise, the coupled ones (LAMB, Newton, L-BFGS)
    "lr on the ellipse": Experiment("ellipse", [Run("gd", lr=0.01), Run("momentum", lr=0.01, noise=0.2),
                                                Run("adam", lr=0.1, schedule="cosine"), Run("lamb", lr=0.01),
                                                Run("newton", lr=0.5), Run("lbfgs", lr=0.5, history_size=5)],
                                    start=(-4.0, 0.5), steps=120, sweep=[("lr", 1e-3, 2.0, 9)], tolerance=1e-2),
    "momentum × lr": Experiment("ellipse", [Run("momentum", lr=0.01), Run("nesterov", lr=0.01)],
                                start=(-4.0, 0.5), steps=150, surface_params={"kappa": 30.0},
                                sweep=[("lr", 1e-3, 0.2, 5), ("momentum", 0.0001, 0.99, 4)]),
    "noise on the saddle": Experiment("saddle", [Run("sgd", lr=0.05, noise=0.1), Run("rmsprop", lr=0.01)],
                                      start=(1.5, 1e-9), steps=200, seed=7, sweep=[("noise", 0.0, 1.0, 5)]),
    "β₁ × β₂ on Rosenbrock": Experiment("rosenbrock", [Run("adam", lr=0.05), Run("nadam", lr=0.05)], steps=150,
                                        sweep=[("beta1", 0.0, 0.99, 3), ("beta2", 0.5, 0.9999, 3)]),
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", list(CASES))
def test_a_grid_point_is_the_single_run_with_that_value_bit_for_bit(name, engine):
    experiment = CASES[name]
    table = sweep(experiment, engine=engine)
    assert table.engine == engine
    grid = np.ndindex(*table.shape)
    for index in grid:
        settings = table.setting(index)
        for number, swept in enumerate(table.runs):
            assert swept.at(index) == single(experiment, number, settings), (number, settings)


def test_the_grid_holds_the_declared_values_with_exact_ends():
    axis = Axis("lr", 1e-4, 1.0, 64, log=True)
    values = axis.values()
    assert values[0] == 1e-4 and values[-1] == 1.0 and len(values) == 64
    assert np.allclose(np.diff(np.log10(values)), 4 / 63)
    linear = Axis("momentum", 0.0, 0.99, 34).values()
    assert linear[0] == 0.0 and linear[-1] == 0.99 and np.allclose(np.diff(linear), 0.03)


def test_measures_of_a_diverged_run_are_undefined_not_large():
    experiment = Experiment("ellipse", [Run("gd", lr=0.5)], start=(-4.0, 0.5), steps=200,
                            sweep=[("lr", 0.3, 0.5, 2)])
    table = sweep(experiment)
    point = table.runs[0].at((1,))
    assert point.diverged_at is not None and point.diverged_at < 200
    assert point.final_loss is None and point.distance is None
    assert point.best_loss == pytest.approx(0.5 * (16 + 10 * 0.25))  # the start was the best it did
    frame = table.to_frame()
    assert frame.loc[1, "final_loss"] is pd.NA and frame.loc[1, "diverged_at"] == point.diverged_at


def test_on_the_ellipse_gd_converges_below_2_over_lambda_max_and_blows_up_above_it():
    """κ = 10: λmax = 10, so GD is stable for lr < 2/λmax = 0.2 (notes 001: η = 1/β, β the Hessian's largest
    eigenvalue, is the safe rate; 2/β is the edge)."""
    experiment = Experiment("ellipse", [Run("gd", lr=0.01)], start=(-4.0, 0.5), steps=1000,
                            surface_params={"kappa": 10.0}, sweep=[("lr", 0.05, 0.4, 71)])
    table = sweep(experiment)
    lrs, swept = table.values[0], table.runs[0]
    below, above = lrs < 0.2, lrs > 0.2
    assert (swept.diverged_at[below] < 0).all()  # nothing below the edge diverges …
    assert (swept.final_loss[below] < 1e-20).all()  # … and every rate there has converged
    assert (swept.diverged_at[above] >= 0).all()  # every rate above it blows up
    # The edge, as measured: between the last converging and the first diverging rate of the grid.
    last, first = lrs[below].max(), lrs[above].min()
    assert last < 0.2 < first and first / last < 1.04  # neighbours on the grid: a ratio of 8^(1/70)


@pytest.mark.parametrize(("optimizer", "settings"), [
    ("gd", {}), ("momentum", {"momentum": 0.9}), ("momentum", {"momentum": 0.5}),
    ("nesterov", {"momentum": 0.9}), ("sgd", {"momentum": 0.8, "dampening": 0.5}),
    ("sgd", {"momentum": 0.3, "weight_decay": 2.0}), ("newton", {"damping": 5.0}),
])
def test_each_declared_stability_edge_is_where_the_sweep_finds_it(optimizer, settings):
    """On a convex quadratic the declaration's edge(settings, λmin, λmax) separates converging from diverging
    rates: 5% below it the loss falls by a factor of a million, 5% above it the run diverges."""
    kappa = 20.0
    opt = OPTIMIZERS[optimizer]
    edge = opt.edge({**opt.values({p.name: p.default for p in opt.params}), **settings}, 1.0, kappa)
    experiment = Experiment("ellipse", [Run(optimizer, lr=0.01, **settings)], start=(-4.0, 0.5), steps=3000,
                            surface_params={"kappa": kappa}, sweep=[("lr", edge * 0.95, edge * 1.05, 2)])
    swept = sweep(experiment).runs[0]
    start_loss = 0.5 * (16 + kappa * 0.25)
    assert swept.diverged_at[0] < 0 and swept.final_loss[0] < start_loss * 1e-6
    assert swept.diverged_at[1] >= 0


def test_the_momentum_phase_diagram_beats_plain_gd_as_goh_derives():
    """κ = 100: the best (lr, μ) cell reaches 10⁻⁶ at least 5× sooner than the best μ = 0 cell (Goh: 69 against
    691 steps at the optimum, rates (√κ − 1)/(√κ + 1) against (κ − 1)/(κ + 1)); and the best cell sits next to
    Goh's optimum."""
    query = ("surface=ellipse&kappa=100&start=-4,0.5&steps=1000&opt=momentum(lr=0.01)"
             "&sweep=lr:0.001:0.1:64&sweep=momentum:0:0.99:64&measure=steps_to_tolerance&tolerance=1e-6")
    experiment, warnings = parse(query)
    assert warnings == []
    table = sweep(experiment)
    steps = table.runs[0].measure("steps_to_tolerance")
    best = table.runs[0].best("steps_to_tolerance")
    plain = np.nanmin(steps[:, 0])  # μ = 0: gradient descent
    assert table.values[1][0] == 0.0
    assert steps[best] * 5 <= plain, (steps[best], plain)
    goh = OPTIMIZERS["momentum"].optimum(1.0, 100.0)
    assert goh == pytest.approx({"lr": (2 / 11) ** 2, "momentum": (9 / 11) ** 2})
    lr, mu = table.setting(best).values()
    assert abs(math.log10(lr / goh["lr"])) < 0.1 and abs(mu - goh["momentum"]) < 0.1
    # The theory's step counts for this start: error shrinks by the rate each step, from |θ₀| to 10⁻⁶.
    start = math.hypot(-4.0, 0.5)
    assert math.log(1e-6 / start) / math.log(9 / 11) == pytest.approx(75.8, abs=0.1)
    assert steps[best] < 1.5 * 75.8 and plain > 0.9 * math.log(1e-6 / start) / math.log(99 / 101)


def test_measured_is_each_run_as_it_stands():
    experiment = CASES["lr on the ellipse"]
    result = run(experiment.replace(sweep=()), engine="numpy")
    expected = [measures_of(rr, minima_of(result.surface), experiment.tolerance) for rr in result.runs]
    assert measured(experiment) == expected


def test_the_sweep_table_has_one_row_per_run_per_point_and_no_nan_in_the_csv(tmp_path):
    experiment = CASES["momentum × lr"]
    frame = sweep(experiment).to_frame()
    assert list(frame.columns) == ["run", "optimizer", "label", "lr", "momentum", "final_loss", "best_loss",
                                   "steps_to_tolerance", "distance", "diverged_at"]
    assert len(frame) == 2 * 5 * 4
    assert frame["lr"].tolist()[:4] == [0.001] * 4 and frame["momentum"].tolist()[:4] == pytest.approx(
        [0.0001, 0.3301, 0.6600, 0.99], abs=1e-4)
    path = tmp_path / "sweep.csv"
    frame.to_csv(path, index=False)
    text = path.read_text()
    assert "nan" not in text.lower() and "inf" not in text.lower()
    read = pd.read_csv(path)
    assert read["diverged_at"].isna().sum() == (frame["diverged_at"].isna()).sum() > 0


def test_tune_picks_the_best_lr_of_its_sweep_and_says_over_what():
    experiment = Experiment("rosenbrock", [Run("gd", lr=1e-4), Run("adam", lr=1e-4)], steps=400)
    axis = tune_axis(experiment)
    assert (axis.name, axis.low, axis.high, axis.count) == ("lr", 1e-5, 1.0, 64)
    tuned, found = tune(experiment)
    table = sweep(tuning(experiment))
    for item, swept in zip(found, table.runs, strict=True):
        finals = swept.measure("final_loss")
        assert item.lr == table.values[0][int(np.nanargmin(finals))]
        assert item.value == np.nanmin(finals)
        assert tuned.runs[item.index].lr == item.lr
        assert item.value < swept.measure("final_loss")[0]  # better than the smallest lr
    assert parse(to_query(tuned))[0] == tuned


def test_tuning_keeps_within_the_sweep_work_limit():
    from experiments.limits import MAX_SWEEP_WORK

    experiment = Experiment("rosenbrock", [Run("adam", lr=1e-3)] * 12, steps=100_000)
    axis = tune_axis(experiment)
    assert 2 <= axis.count < 64
    assert axis.count * 12 * 100_000 <= MAX_SWEEP_WORK


def test_a_run_that_no_lr_helps_keeps_its_lr():
    # From the start at the minimum's distance 4, no rate in 30 steps comes within 10⁻¹² of it.
    experiment = Experiment("ellipse", [Run("adagrad", lr=0.01)], start=(-4.0, 0.5), steps=30,
                            measure="steps_to_tolerance", tolerance=1e-12)
    tuned, (item,) = tune(experiment)
    assert item.lr is None and tuned.runs[0].lr == 0.01


def test_the_python_api_refuses_a_sweep_it_cannot_step():
    with pytest.raises(ValueError, match="gd has no such"):
        Experiment("ellipse", [Run("gd"), Run("momentum")], sweep=[("momentum", 0.0, 0.9, 8)])
    with pytest.raises(ValueError, match="count"):
        Experiment("ellipse", [Run("gd")], sweep=[("lr", 1e-3, 1.0, 257)])
    with pytest.raises(ValueError, match="count"):
        Experiment("ellipse", [Run("momentum")], sweep=[("lr", 1e-3, 1.0, 65), ("momentum", 0.0, 0.9, 8)])
    with pytest.raises(ValueError, match="low < high"):
        Experiment("ellipse", [Run("gd")], sweep=[("lr", 1.0, 1e-3, 8)])
    with pytest.raises(ValueError, match="at most 2"):
        Experiment("ellipse", [Run("adam")], sweep=[("lr", 1e-3, 1.0, 4), ("beta1", 0.0, 0.9, 4),
                                                    ("beta2", 0.5, 0.9, 4)])
    with pytest.raises(ValueError, match="the experiment has no sweep"):
        sweep(Experiment("ellipse", [Run("gd")]))
