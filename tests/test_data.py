"""Losses from data: exact gradients and Hessians, the closed-form least-squares minimum, reproducible datasets,
normalization that rounds the offset valley, and mini-batches drawn like a shuffled DataLoader."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.data import DATASETS, Batches, Model, dataset
from tests import differences


@pytest.mark.parametrize(("kind", "name"), [("linear", "line"), ("linear", "offset"), ("logistic", "classes"),
                                            ("logistic", "line")])
def test_gradient_and_hessian_are_exact_against_finite_differences(kind, name):
    data = dataset(name, seed=3)
    if kind == "logistic" and name == "line":
        data = type(data)(data.u, (data.t > np.median(data.t)).astype(float))
    model = Model(kind, data)
    rng = np.random.default_rng(0)
    w, b = rng.uniform(-2, 2, 20), rng.uniform(-2, 2, 20)
    differences.assert_exact(model.f, model.grad_f, model.hess_f, w, b)


def test_full_batch_gradient_descent_converges_to_the_closed_form_least_squares_minimum():
    model = Model("linear", dataset("line", seed=0))
    w, b = 0.0, 0.0
    for _ in range(20_000):
        gw, gb = model.grad_f(w, b)
        w, b = w - 0.5 * float(gw), b - 0.5 * float(gb)
    assert np.allclose((w, b), model.minimum(), atol=1e-8)
    assert np.allclose(model.grad_f(*model.minimum()), 0, atol=1e-12)


def test_the_same_seed_gives_the_same_points_and_another_seed_others():
    for name in DATASETS:
        assert np.array_equal(dataset(name, 5).u, dataset(name, 5).u)
        assert not np.array_equal(dataset(name, 5).u, dataset(name, 6).u)


def test_normalizing_the_offset_data_turns_a_thin_valley_round():
    data = dataset("offset", seed=0)
    def condition(model):
        lam = np.linalg.eigvalsh(np.array([[model.hess_f(0, 0)[0], model.hess_f(0, 0)[1]],
                                           [model.hess_f(0, 0)[1], model.hess_f(0, 0)[2]]]))
        return lam[1] / lam[0]
    assert condition(Model("linear", data)) > 1e4
    assert condition(Model("linear", data.normalized())) < 1.01


def test_batches_are_an_epochs_permutation_reproducible_by_seed_and_run():
    batches = Batches(10, 3, seed=0, run=1)
    epoch = np.concatenate([batches.indices(k) for k in range(4)])  # 3 + 3 + 3 + 1
    assert sorted(epoch) == list(range(10)) and len(batches.indices(3)) == 1
    again = Batches(10, 3, seed=0, run=1)
    assert all(np.array_equal(batches.indices(k), again.indices(k)) for k in range(40))
    other = Batches(10, 3, seed=0, run=2)
    assert any(not np.array_equal(batches.indices(k), other.indices(k)) for k in range(8))
    assert not np.array_equal(np.concatenate([batches.indices(k) for k in range(4, 8)]), epoch)  # reshuffled
    with pytest.raises(ValueError):
        Batches(10, 11, seed=0, run=0)


def test_a_mini_batch_gradient_is_the_mean_over_its_rows_and_full_batch_is_the_whole():
    model = Model("logistic", dataset("classes", seed=1))
    rows = Batches(len(model.data.u), 16, seed=1, run=0).indices(0)
    part = Model("logistic", type(model.data)(model.data.u[rows], model.data.t[rows]))
    assert np.allclose(model.grad_f(0.3, -0.2, rows), part.grad_f(0.3, -0.2), rtol=1e-15)
    assert np.allclose(model.f(0.3, -0.2, np.arange(len(model.data.u))), model.f(0.3, -0.2), rtol=1e-15)
