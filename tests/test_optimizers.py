"""Every update rule's first steps, worked by hand from its published equations, and every declaration's metadata.

The surface is the engine's axis-aligned ellipse with κ = 4: f = ½(x² + 4y²), ∇f = (x, 4y), Hessian diag(1, 4),
minimum at the origin. It is separable, so a per-coordinate rule can be worked one coordinate at a time with
plain floats: coordinate i sees g = cᵢθᵢ with c = (1, 4). The hand versions follow the papers / torch docs
notation and share no code with the engine.
"""

from __future__ import annotations

import ast
import math
import re

import numpy as np
import pytest

from experiments.model import Experiment, Run
from experiments.runner import run
from optimizers import OPTIMIZERS

KAPPA = 4.0
CURVATURE = (1.0, KAPPA)
START = (2.0, 1.0)  # ∇f(START) = (2, 4)
STEPS = 3
RTOL = 1e-12


def engine(optimizer: str, steps: int = STEPS, start=START, surface: str = "ellipse", surface_params=None,
           **settings) -> np.ndarray:
    params = {"kappa": KAPPA} if surface_params is None else surface_params
    experiment = Experiment(surface, [Run(optimizer, **settings)], start=start, steps=steps, surface_params=params)
    result = run(experiment).runs[0]
    assert result.diverged_at is None
    return result.points


def gradient(theta):
    return (CURVATURE[0] * theta[0], CURVATURE[1] * theta[1])


def dot(a, b):
    return a[0] * b[0] + a[1] * b[1]


def separable(rule, steps: int = STEPS, start=START):
    """Run a scalar rule `rule(theta, g, t, state) -> theta` on each coordinate on its own."""
    columns = []
    for theta, c in zip(start, CURVATURE, strict=True):
        state: dict = {}
        path = [theta]
        for t in range(1, steps + 1):
            theta = rule(theta, c * theta, t, state)
            path.append(theta)
        columns.append(path)
    return list(zip(*columns, strict=True))


# -- scalar rules, transcribed from the equations in torch.optim's docs and the papers ------------------------


def sgd(lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
    def rule(theta, g, t, s):
        g = g + weight_decay * theta
        if momentum:
            # torch seeds the buffer with the first gradient, undamped.
            s["b"] = g if t == 1 else momentum * s["b"] + (1 - dampening) * g
            g = g + momentum * s["b"] if nesterov else s["b"]
        return theta - lr * g
    return rule


def velocity(lr, momentum=0.9, nesterov=False):
    # The notes' form (seed 001): v ← γv + η∇f, θ ← θ − v; Nesterov as the change of variables of seed 004,
    # x̃ ← x̃ + γv₋ − (1 + γ)v.
    def rule(theta, g, t, s):
        previous = s.get("v", 0.0)
        s["v"] = momentum * previous + lr * g
        return theta + momentum * previous - (1 + momentum) * s["v"] if nesterov else theta - s["v"]
    return rule


def adagrad(lr, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10, rms=False):
    def rule(theta, g, t, s):
        g = g + weight_decay * theta
        s["sum"] = s.get("sum", initial_accumulator_value) + g * g
        sigma = math.sqrt(s["sum"] / t) if rms else math.sqrt(s["sum"])
        return theta - lr / (1 + (t - 1) * lr_decay) * g / (sigma + eps)
    return rule


def rmsprop(lr, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    def rule(theta, g, t, s):
        g = g + weight_decay * theta
        s["v"] = alpha * s.get("v", 0.0) + (1 - alpha) * g * g
        s["gbar"] = alpha * s.get("gbar", 0.0) + (1 - alpha) * g
        variance = s["v"] - s["gbar"] ** 2 if centered else s["v"]
        scaled = g / (math.sqrt(variance) + eps)
        if momentum:
            s["b"] = momentum * s.get("b", 0.0) + scaled
            return theta - lr * s["b"]
        return theta - lr * scaled
    return rule


def adadelta(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0):
    def rule(theta, g, t, s):
        g = g + weight_decay * theta
        s["v"] = rho * s.get("v", 0.0) + (1 - rho) * g * g
        delta = math.sqrt(s.get("u", 0.0) + eps) / math.sqrt(s["v"] + eps) * g
        s["u"] = rho * s.get("u", 0.0) + (1 - rho) * delta * delta
        return theta - lr * delta
    return rule


def adam(lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, amsgrad=False, bias_correction=True,
         decoupled=False):
    def rule(theta, g, t, s):
        if decoupled:
            theta = theta * (1 - lr * weight_decay)  # AdamW decays θ itself, before the step
        else:
            g = g + weight_decay * theta
        s["m"] = beta1 * s.get("m", 0.0) + (1 - beta1) * g
        s["v"] = beta2 * s.get("v", 0.0) + (1 - beta2) * g * g
        s["vmax"] = max(s.get("vmax", 0.0), s["v"])
        v = s["vmax"] if amsgrad else s["v"]
        c1, c2 = (1 - beta1**t, 1 - beta2**t) if bias_correction else (1.0, 1.0)
        return theta - lr / c1 * s["m"] / (math.sqrt(v) / math.sqrt(c2) + eps)
    return rule


def nadam(lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, momentum_decay=4e-3,
          decoupled_weight_decay=False):
    def mu(t):
        return beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))

    def rule(theta, g, t, s):
        if decoupled_weight_decay:
            theta = theta * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * theta
        s["prod"] = s.get("prod", 1.0) * mu(t)  # Π_{i ≤ t} μ_i
        s["m"] = beta1 * s.get("m", 0.0) + (1 - beta1) * g
        s["v"] = beta2 * s.get("v", 0.0) + (1 - beta2) * g * g
        denom = math.sqrt(s["v"] / (1 - beta2**t)) + eps
        theta = theta - lr * (1 - mu(t)) / (1 - s["prod"]) * g / denom
        return theta - lr * mu(t + 1) / (1 - s["prod"] * mu(t + 1)) * s["m"] / denom
    return rule


def radam_rho(t, beta2):
    rho_inf = 2 / (1 - beta2) - 1
    return rho_inf, rho_inf - 2 * t * beta2**t / (1 - beta2**t)


def radam(lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, decoupled_weight_decay=False):
    def rule(theta, g, t, s):
        if decoupled_weight_decay:
            theta = theta * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * theta
        s["m"] = beta1 * s.get("m", 0.0) + (1 - beta1) * g
        s["v"] = beta2 * s.get("v", 0.0) + (1 - beta2) * g * g
        m_hat = s["m"] / (1 - beta1**t)
        rho_inf, rho_t = radam_rho(t, beta2)
        if rho_t <= 5:
            return theta - lr * m_hat  # variance not tractable yet: momentum SGD
        r = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
        return theta - lr * m_hat * r * math.sqrt(1 - beta2**t) / (math.sqrt(s["v"]) + eps)
    return rule


def adamax(lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    def rule(theta, g, t, s):
        g = g + weight_decay * theta
        s["m"] = beta1 * s.get("m", 0.0) + (1 - beta1) * g
        s["u"] = max(beta2 * s.get("u", 0.0), abs(g) + eps)
        return theta - lr / (1 - beta1**t) * s["m"] / s["u"]
    return rule


# -- rules that couple the coordinates, worked on the 2-D point -----------------------------------------------


def lamb_path(lr, beta1=0.9, beta2=0.999, eps=1e-6, weight_decay=0.0, start=START, steps=STEPS, grad=gradient):
    theta, m, v, path = start, (0.0, 0.0), (0.0, 0.0), [start]
    for t in range(1, steps + 1):
        g = grad(theta)
        m = tuple(beta1 * m[i] + (1 - beta1) * g[i] for i in range(2))
        v = tuple(beta2 * v[i] + (1 - beta2) * g[i] * g[i] for i in range(2))
        r = tuple(m[i] / (1 - beta1**t) / (math.sqrt(v[i] / (1 - beta2**t)) + eps) + weight_decay * theta[i]
                  for i in range(2))
        weight_norm, update_norm = math.hypot(*theta), math.hypot(*r)
        ratio = weight_norm / update_norm if weight_norm > 0 and update_norm > 0 else 1.0
        theta = (theta[0] - lr * ratio * r[0], theta[1] - lr * ratio * r[1])
        path.append(theta)
    return path


def newton_path(lr=1.0, damping=0.0, start=START, steps=STEPS):
    # H = diag(1, 4), so (H + λI)⁻¹g divides each coordinate by its own curvature plus λ.
    path = [start]
    x, y = start
    for _ in range(steps):
        x, y = x - lr * x / (1.0 + damping), y - lr * (KAPPA * y) / (KAPPA + damping)
        path.append((x, y))
    return path


def lbfgs_path(lr=1.0, history_size=100, tolerance_grad=1e-7, tolerance_change=1e-9, start=START, steps=STEPS):
    """torch.optim.LBFGS(max_iter=1, line_search_fn=None) per step, after Nocedal & Wright Algorithm 7.4."""
    theta, path, memory = start, [start], []  # memory: (s, y, ρ) pairs, oldest first
    iteration, d, t, g_prev, h_diag = 0, None, None, None, 1.0
    for _ in range(steps):
        g = gradient(theta)
        if max(abs(g[0]), abs(g[1])) <= tolerance_grad:  # converged: torch returns without counting an iteration
            path.append(theta)
            continue
        iteration += 1
        if iteration == 1:
            d = (-g[0], -g[1])
        else:
            s, y = (t * d[0], t * d[1]), (g[0] - g_prev[0], g[1] - g_prev[1])
            if dot(y, s) > 1e-10:  # curvature condition, else the pair is dropped
                memory = [*memory, (s, y, 1.0 / dot(y, s))][-history_size:]
                h_diag = dot(y, s) / dot(y, y)  # H₀ = (sᵀy / yᵀy) I
            q, alphas = (-g[0], -g[1]), []
            for s_i, y_i, rho_i in reversed(memory):
                alpha = rho_i * dot(s_i, q)
                q = (q[0] - alpha * y_i[0], q[1] - alpha * y_i[1])
                alphas.append(alpha)
            r = (h_diag * q[0], h_diag * q[1])
            for (s_i, y_i, rho_i), alpha in zip(memory, reversed(alphas), strict=True):
                beta = rho_i * dot(y_i, r)
                r = (r[0] + (alpha - beta) * s_i[0], r[1] + (alpha - beta) * s_i[1])
            d = r
        g_prev = g
        t = min(1.0, 1.0 / (abs(g[0]) + abs(g[1]))) * lr if iteration == 1 else lr
        if dot(g, d) > -tolerance_change:  # not a descent direction: torch does not move
            path.append(theta)
            continue
        theta = (theta[0] + t * d[0], theta[1] + t * d[1])
        path.append(theta)
    return path


# -- the hand checks: every optimizer, every switch -----------------------------------------------------------

NEAR_MIN = (0.1, 0.05)  # ∇f = (0.1, 0.2): g·d = −0.05 on the first L-BFGS step
CONVERGED = (1e-8, 1e-8)  # max|∇f| = 4e-8 ≤ L-BFGS's default tolerance_grad 1e-7

HAND_CHECKS: dict[str, list[tuple[str, dict, object]]] = {
    "gd": [("lr", {"lr": 0.1}, lambda: separable(sgd(0.1)))],
    "momentum": [("momentum", {"lr": 0.1, "momentum": 0.5}, lambda: separable(sgd(0.1, momentum=0.5)))],
    "nesterov": [("momentum", {"lr": 0.1, "momentum": 0.5},
                  lambda: separable(sgd(0.1, momentum=0.5, nesterov=True)))],
    "velocity": [("momentum", {"lr": 0.1, "momentum": 0.5}, lambda: separable(velocity(0.1, momentum=0.5))),
                 ("nesterov", {"lr": 0.1, "momentum": 0.7, "nesterov": True},
                  lambda: separable(velocity(0.1, momentum=0.7, nesterov=True)))],
    "sgd": [
        ("plain", {"lr": 0.1}, lambda: separable(sgd(0.1))),
        ("momentum+dampening", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3},
         lambda: separable(sgd(0.1, momentum=0.9, dampening=0.3))),
        ("nesterov", {"lr": 0.1, "momentum": 0.7, "nesterov": True},
         lambda: separable(sgd(0.1, momentum=0.7, nesterov=True))),
        ("weight_decay", {"lr": 0.1, "momentum": 0.5, "weight_decay": 0.2},
         lambda: separable(sgd(0.1, momentum=0.5, weight_decay=0.2))),
    ],
    "adagrad": [
        ("plain", {"lr": 0.5}, lambda: separable(adagrad(0.5))),
        ("lr_decay+initial_accumulator_value", {"lr": 0.5, "lr_decay": 0.1, "initial_accumulator_value": 0.3},
         lambda: separable(adagrad(0.5, lr_decay=0.1, initial_accumulator_value=0.3))),
        ("rms", {"lr": 0.5, "rms": True}, lambda: separable(adagrad(0.5, rms=True))),
        ("weight_decay+eps", {"lr": 0.5, "weight_decay": 0.2, "eps": 1e-3},
         lambda: separable(adagrad(0.5, weight_decay=0.2, eps=1e-3))),
    ],
    "rmsprop": [
        ("plain", {"lr": 0.05}, lambda: separable(rmsprop(0.05))),
        ("centered", {"lr": 0.05, "alpha": 0.9, "centered": True},
         lambda: separable(rmsprop(0.05, alpha=0.9, centered=True))),
        ("momentum+eps", {"lr": 0.02, "momentum": 0.8, "eps": 1e-4},
         lambda: separable(rmsprop(0.02, momentum=0.8, eps=1e-4))),
        ("centered+momentum+weight_decay", {"lr": 0.02, "momentum": 0.8, "centered": True, "weight_decay": 0.3},
         lambda: separable(rmsprop(0.02, momentum=0.8, centered=True, weight_decay=0.3))),
    ],
    "adadelta": [
        ("defaults", {}, lambda: separable(adadelta())),
        ("all", {"lr": 2.0, "rho": 0.5, "eps": 1e-3, "weight_decay": 0.1},
         lambda: separable(adadelta(2.0, rho=0.5, eps=1e-3, weight_decay=0.1))),
    ],
    "adam": [
        ("plain", {"lr": 0.1}, lambda: separable(adam(0.1))),
        ("amsgrad", {"lr": 0.1, "beta2": 0.5, "amsgrad": True}, lambda: separable(adam(0.1, beta2=0.5, amsgrad=True))),
        ("no bias correction", {"lr": 0.1, "bias_correction": False},
         lambda: separable(adam(0.1, bias_correction=False))),
        ("weight_decay+beta1+eps", {"lr": 0.1, "beta1": 0.8, "weight_decay": 0.3, "eps": 1e-2},
         lambda: separable(adam(0.1, beta1=0.8, weight_decay=0.3, eps=1e-2))),
    ],
    "adamw": [
        ("decoupled decay", {"lr": 0.1, "weight_decay": 0.5}, lambda: separable(adam(0.1, 0.9, 0.999, 1e-8, 0.5,
                                                                                   decoupled=True))),
        ("amsgrad+betas+eps", {"lr": 0.1, "beta1": 0.8, "beta2": 0.5, "eps": 1e-3, "amsgrad": True},
         # weight_decay left at AdamW's default 1e-2.
         lambda: separable(adam(0.1, 0.8, 0.5, 1e-3, 1e-2, amsgrad=True, decoupled=True))),
    ],
    "nadam": [
        ("plain", {"lr": 0.1}, lambda: separable(nadam(0.1))),
        ("decoupled_weight_decay", {"lr": 0.1, "weight_decay": 0.2, "decoupled_weight_decay": True},
         lambda: separable(nadam(0.1, weight_decay=0.2, decoupled_weight_decay=True))),
        ("coupled decay+all", {"lr": 0.1, "beta1": 0.8, "beta2": 0.9, "eps": 1e-3, "weight_decay": 0.2,
                               "momentum_decay": 0.1},
         lambda: separable(nadam(0.1, 0.8, 0.9, 1e-3, weight_decay=0.2, momentum_decay=0.1))),
    ],
    "radam": [
        ("plain", {"lr": 0.1}, lambda: separable(radam(0.1))),
        ("decoupled_weight_decay", {"lr": 0.1, "weight_decay": 0.2, "decoupled_weight_decay": True},
         lambda: separable(radam(0.1, weight_decay=0.2, decoupled_weight_decay=True))),
        ("coupled decay+all", {"lr": 0.1, "beta1": 0.8, "beta2": 0.99, "eps": 1e-3, "weight_decay": 0.2},
         lambda: separable(radam(0.1, 0.8, 0.99, 1e-3, weight_decay=0.2))),
    ],
    "adamax": [
        ("plain", {"lr": 0.1}, lambda: separable(adamax(0.1))),
        # β₂ = 0.5 lets u decay below the new |g| + ε, so the max switches sides.
        ("all", {"lr": 0.1, "beta1": 0.8, "beta2": 0.5, "eps": 1e-3, "weight_decay": 0.2},
         lambda: separable(adamax(0.1, 0.8, 0.5, 1e-3, 0.2))),
    ],
    "lamb": [
        ("plain", {"lr": 0.1}, lambda: lamb_path(0.1)),
        ("all", {"lr": 0.1, "beta1": 0.8, "beta2": 0.9, "eps": 1e-3, "weight_decay": 0.1},
         lambda: lamb_path(0.1, 0.8, 0.9, 1e-3, 0.1)),
    ],
    "newton": [
        ("pure", {}, lambda: newton_path()),
        ("damped, half step", {"lr": 0.5, "damping": 1.0}, lambda: newton_path(0.5, damping=1.0)),
    ],
    "lbfgs": [
        ("defaults", {}, lambda: lbfgs_path()),
        ("lr 0.5, history 1", {"lr": 0.5, "history_size": 1}, lambda: lbfgs_path(0.5, history_size=1)),
        # Two steps, then max|g| ≈ 0.98 ≤ 1 and torch stops stepping.
        ("tolerance_grad", {"tolerance_grad": 1.0}, lambda: lbfgs_path(tolerance_grad=1.0)),
        ("tolerance_change", {"tolerance_change": 0.1}, lambda: lbfgs_path(tolerance_change=0.1, start=NEAR_MIN)),
    ],
}
CASE_START = {("lbfgs", "tolerance_change"): NEAR_MIN}


def test_every_optimizer_has_hand_checks():
    # A newly registered optimizer fails here until someone works its first steps by hand.
    assert set(HAND_CHECKS) == set(OPTIMIZERS)
    for checks in HAND_CHECKS.values():
        labels = [label for label, _, _ in checks]
        assert len(set(labels)) == len(labels), labels  # the parametrized test looks cases up by label


@pytest.mark.parametrize("optimizer_id", sorted(OPTIMIZERS))
def test_hand_checks_move_every_parameter(optimizer_id):
    # Each declared parameter is set away from its default in some hand check, so each one is checked to matter.
    opt = OPTIMIZERS[optimizer_id]
    for param in opt.params:
        assert any(param.name in settings and settings[param.name] != param.default
                   for _, settings, _ in HAND_CHECKS.get(optimizer_id, [])), f"{optimizer_id}.{param.name}"


@pytest.mark.parametrize(("optimizer_id", "label"),
                         [(opt, label) for opt, checks in HAND_CHECKS.items() for label, _, _ in checks])
def test_first_steps_match_hand_computation(optimizer_id, label):
    settings, expected = next((s, hand) for name, s, hand in HAND_CHECKS[optimizer_id] if name == label)
    points = engine(optimizer_id, start=CASE_START.get((optimizer_id, label), START), **settings)
    np.testing.assert_allclose(points, expected(), rtol=RTOL, atol=0)


# -- the facts the equations promise, written out step by step --------------------------------------------------


def test_gd_first_step_written_out():
    points = engine("gd", lr=0.1)
    assert tuple(points[1]) == (2.0 - 0.1 * 2.0, 1.0 - 0.1 * 4.0)


@pytest.mark.parametrize("nesterov", [False, True])
def test_the_notes_velocity_form_is_torchs_momentum_with_v_equal_to_lr_times_b(nesterov):
    # v ← γv + η∇f walks torch's b ← μb + ∇f, θ ← θ − ηb (or its Nesterov form) with v = ηb, to rounding.
    notes = engine("velocity", lr=0.1, momentum=0.7, nesterov=nesterov)
    torch_form = engine("sgd", lr=0.1, momentum=0.7, nesterov=nesterov)
    np.testing.assert_allclose(notes, torch_form, rtol=1e-13, atol=1e-15)


def test_sgd_momentum_buffer_starts_as_the_undamped_gradient():
    # torch: b₁ = g₁ (no (1 − τ) factor), so the first step with dampening is a plain GD step.
    points = engine("sgd", lr=0.1, momentum=0.9, dampening=0.5)
    np.testing.assert_allclose(points[1], (2.0 - 0.1 * 2.0, 1.0 - 0.1 * 4.0), rtol=RTOL)
    # Step 2: g = (1.8, 2.4); b = 0.9·(2, 4) + 0.5·(1.8, 2.4) = (2.7, 4.8).
    np.testing.assert_allclose(points[2], (1.8 - 0.1 * 2.7, 0.6 - 0.1 * 4.8), rtol=RTOL)


def test_adam_first_step_moves_each_coordinate_by_lr():
    # m̂₁ = g, v̂₁ = g²: the step is η·g/(|g| + ε), about η whatever the gradient's size.
    lr, eps = 0.01, 1e-8
    step = engine("adam", lr=lr, eps=eps)[1] - START
    np.testing.assert_allclose(step, (-lr * 2.0 / (2.0 + eps), -lr * 4.0 / (4.0 + eps)), rtol=RTOL)
    np.testing.assert_allclose(np.abs(step), lr, rtol=1e-8)


def test_adam_without_bias_correction_first_step_is_scaled_by_the_betas():
    # m₁ = (1 − β₁)g, v₁ = (1 − β₂)g² undivided: the step is η(1 − β₁)/√(1 − β₂) ≈ 3.16η with the defaults.
    lr, beta1, beta2, eps = 0.01, 0.9, 0.999, 1e-8
    step = engine("adam", lr=lr, bias_correction=False)[1] - START
    expected = [-lr * (1 - beta1) * g / (math.sqrt(1 - beta2) * g + eps) for g in (2.0, 4.0)]
    np.testing.assert_allclose(step, expected, rtol=RTOL)
    # ε/(√(1 − β₂)|g|) ≈ 1.6e-7 is the only gap to the round number.
    np.testing.assert_allclose(np.abs(step), lr * (1 - beta1) / math.sqrt(1 - beta2), rtol=1e-6)


def test_amsgrad_hand_check_takes_the_maximum():
    # The amsgrad case only tests the max if v actually falls within three steps (β₂ = 0.5, shrinking g).
    assert not np.allclose(separable(adam(0.1, beta2=0.5, amsgrad=True)), separable(adam(0.1, beta2=0.5)))


def test_adamw_decays_the_point_not_the_gradient():
    # Step 1: θ ← θ(1 − ηλ), then the Adam step of ≈ η per coordinate computed from the undecayed gradient.
    lr, wd, eps = 0.1, 0.5, 1e-8
    points = engine("adamw", lr=lr, weight_decay=wd)
    expected = [theta * (1 - lr * wd) - lr * g / (g + eps) for theta, g in zip(START, (2.0, 4.0), strict=True)]
    np.testing.assert_allclose(points[1], expected, rtol=RTOL)


def test_radam_first_steps_are_unrectified_momentum():
    # ρ_t = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ) stays ≤ 5 for the first steps, where RAdam steps by η·m̂: step 1 is η·g.
    for beta2 in (0.999, 0.99):
        assert all(radam_rho(t, beta2)[1] <= 5 for t in range(1, STEPS + 1))
    assert radam_rho(1, 0.999)[1] == pytest.approx(1.0)
    np.testing.assert_allclose(engine("radam", lr=0.1)[1], (2.0 - 0.1 * 2.0, 1.0 - 0.1 * 4.0), rtol=RTOL)


def test_radam_rectified_steps_match_hand_computation():
    # With β₂ = 0.999 the rectified branch takes over at step 6 (ρ₆ ≈ 5.0 < ρ₇).
    rho = [radam_rho(t, 0.999)[1] for t in range(1, 9)]
    assert max(rho[:5]) <= 5 < rho[6]
    np.testing.assert_allclose(engine("radam", steps=8, lr=0.05), separable(radam(0.05), steps=8), rtol=RTOL)


def test_adamax_first_step_is_lr_per_coordinate():
    # m₁ = (1 − β₁)g, u₁ = |g| + ε, divided by 1 − β₁: the step is η·g/(|g| + ε).
    step = engine("adamax", lr=0.01)[1] - START
    np.testing.assert_allclose(step, (-0.01 * 2.0 / (2.0 + 1e-8), -0.01 * 4.0 / (4.0 + 1e-8)), rtol=RTOL)


def test_nadam_first_step_written_out():
    # t = 1: μ₁ = β₁(1 − ½·0.96^ψ), Πμ = μ₁; m = (1 − β₁)g, √v̂ = |g|.
    lr, beta1, psi, eps = 0.1, 0.9, 4e-3, 1e-8
    mu1, mu2 = beta1 * (1 - 0.5 * 0.96**psi), beta1 * (1 - 0.5 * 0.96 ** (2 * psi))
    expected = []
    for theta, g in zip(START, (2.0, 4.0), strict=True):
        denom = math.sqrt((1 - 0.999) * g * g / (1 - 0.999)) + eps
        theta = theta - lr * (1 - mu1) / (1 - mu1) * g / denom
        expected.append(theta - lr * mu2 / (1 - mu1 * mu2) * (1 - beta1) * g / denom)
    np.testing.assert_allclose(engine("nadam", lr=lr)[1], expected, rtol=RTOL)


def test_lamb_first_step_length_is_lr_times_the_weight_norm():
    # λ = 0: the trust ratio ‖θ‖/‖r‖ rescales the step to length η‖θ‖ whatever r is.
    points = engine("lamb", lr=0.1)
    assert math.dist(points[1], START) == pytest.approx(0.1 * math.hypot(*START), rel=RTOL)


def test_lamb_trust_ratio_is_one_at_the_origin():
    # ‖θ‖ = 0 at the origin: ratio 1. On Rosenbrock ∇f(0, 0) = (−2, 0), so r₁ = (−2/(2 + ε), 0).
    rosen = {"a": 1.0, "b": 100.0}

    def rosen_grad(theta):
        x, y = theta
        return (-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x))

    points = engine("lamb", surface="rosenbrock", surface_params=rosen, start=(0.0, 0.0), lr=0.1)
    assert tuple(points[1]) == (0.1 * 2.0 / (2.0 + 1e-6), 0.0)
    np.testing.assert_allclose(points, lamb_path(0.1, start=(0.0, 0.0), grad=rosen_grad), rtol=RTOL, atol=0)


def test_newton_lands_on_the_minimum_of_a_quadratic():
    # lr = 1: θ − H⁻¹g = (x − x/1, y − 4y/4) = (0, 0), exactly.
    assert engine("newton", steps=1).tolist() == [list(START), [0.0, 0.0]]
    # Damping λ shortens each coordinate's step by cᵢ/(cᵢ + λ): with λ = 1, x → 2 − 2/2, y → 1 − 4/5.
    np.testing.assert_allclose(engine("newton", steps=1, damping=1.0)[1], (1.0, 0.2), rtol=RTOL)


def test_newton_lands_on_the_minimum_of_a_rotated_quadratic():
    # Off-diagonal Hessian: the Cramer's-rule solve still reaches the origin in one step, to rounding.
    points = engine("newton", steps=1, surface_params={"kappa": 10.0, "angle": 30.0}, start=(-4.0, 2.0))
    np.testing.assert_allclose(points[1], (0.0, 0.0), atol=1e-14)


def test_lbfgs_first_step_and_secant_update_written_out():
    lr = 0.5
    points = engine("lbfgs", lr=lr)
    # Step 1: d = −g = (−2, −4), t = min(1, 1/‖g‖₁)·η = η/6.
    t = min(1.0, 1.0 / 6.0) * lr
    np.testing.assert_allclose(points[1], (2.0 - t * 2.0, 1.0 - t * 4.0), rtol=RTOL)
    # Step 2: s = t·d, y = ∇f(θ₁) − ∇f(θ₀) = (s_x, 4s_y); one pair, H₀ = sᵀy/yᵀy.
    s = (-t * 2.0, -t * 4.0)
    y = (s[0], 4.0 * s[1])
    g1 = (points[1][0], 4.0 * points[1][1])
    rho = 1.0 / (s[0] * y[0] + s[1] * y[1])
    h0 = (s[0] * y[0] + s[1] * y[1]) / (y[0] * y[0] + y[1] * y[1])
    alpha = rho * (s[0] * -g1[0] + s[1] * -g1[1])
    q = (-g1[0] - alpha * y[0], -g1[1] - alpha * y[1])
    r = (h0 * q[0], h0 * q[1])
    beta = rho * (y[0] * r[0] + y[1] * r[1])
    d = (r[0] + (alpha - beta) * s[0], r[1] + (alpha - beta) * s[1])
    np.testing.assert_allclose(points[2], (points[1][0] + lr * d[0], points[1][1] + lr * d[1]), rtol=RTOL)


def test_lbfgs_hand_checks_hit_the_early_exits():
    # The tolerance cases only test something if they really freeze the point.
    first, second, third, fourth = lbfgs_path(tolerance_grad=1.0)
    assert first != second != third == fourth
    assert lbfgs_path(tolerance_change=0.1, start=NEAR_MIN) == [NEAR_MIN] * (STEPS + 1)
    # Already converged, with tolerance_change as small as allowed so only tolerance_grad can hold it still
    # (g·d = −1.7e-15 would otherwise pass the descent test).
    assert lbfgs_path(start=CONVERGED, tolerance_change=1e-15) == [CONVERGED] * (STEPS + 1)
    np.testing.assert_array_equal(engine("lbfgs", start=CONVERGED, tolerance_change=1e-15), [CONVERGED] * (STEPS + 1))


# -- declarations -------------------------------------------------------------------------------------------------

# torch.optim's constructor defaults, copied from torch 2.x's documented signatures (checked against 2.13).
TORCH_DEFAULTS = {
    "SGD": {"lr": 1e-3, "momentum": 0, "dampening": 0, "weight_decay": 0, "nesterov": False},
    "Adagrad": {"lr": 1e-2, "lr_decay": 0, "weight_decay": 0, "initial_accumulator_value": 0, "eps": 1e-10},
    "RMSprop": {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0, "momentum": 0, "centered": False},
    "Adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0},
    "Adam": {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0, "amsgrad": False,
             "decoupled_weight_decay": False},
    "AdamW": {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 1e-2, "amsgrad": False},
    "NAdam": {"lr": 2e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0, "momentum_decay": 4e-3,
              "decoupled_weight_decay": False},
    "RAdam": {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0, "decoupled_weight_decay": False},
    "Adamax": {"lr": 2e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0},
    "LBFGS": {"lr": 1, "max_iter": 20, "max_eval": None, "tolerance_grad": 1e-7, "tolerance_change": 1e-9,
              "history_size": 100, "line_search_fn": None},
}
NOT_IN_TORCH = {"lamb", "newton", "velocity"}
MISSING = object()


def torch_call(text: str) -> tuple[str, set[str], dict]:
    """'torch.optim.SGD(lr, momentum=0.9)' -> ('SGD', {'lr'}, {'momentum': 0.9})."""
    match = re.fullmatch(r"torch\.optim\.(\w+)(?:\((.*)\))?", text)
    assert match, text
    free, pinned = set(), {}
    for arg in filter(None, (a.strip() for a in (match[2] or "").split(","))):
        name, _, value = arg.partition("=")
        if value:
            pinned[name] = ast.literal_eval(value)
        else:
            free.add(name)
    return match[1], free, pinned


def torch_default(table: dict, name: str):
    """A default by torch name, including indexed ones like 'betas[0]'."""
    match = re.fullmatch(r"(\w+)\[(\d)\]", name)
    if match:
        return table[match[1]][int(match[2])] if match[1] in table else MISSING
    return table.get(name, MISSING)


@pytest.mark.parametrize("optimizer_id", sorted(OPTIMIZERS))
def test_declaration_is_complete(optimizer_id):
    opt = OPTIMIZERS[optimizer_id]
    assert opt.params[0].name == "lr", "lr comes first: the UI and sweeps rely on it"
    for param in opt.params:
        assert param.help.strip(), f"{optimizer_id}.{param.name} has no help text"
    assert opt.equations.strip() and "θ" in opt.equations
    assert opt.reference.strip()
    assert opt.title.strip()


def test_optimizers_without_torch_are_known():
    # A new optimizer must either name its torch equivalent (and meet the defaults check) or be listed here.
    assert {opt.id for opt in OPTIMIZERS.values() if not opt.torch} == NOT_IN_TORCH
    for optimizer_id in NOT_IN_TORCH:
        reference = OPTIMIZERS[optimizer_id].reference
        assert "torch.optim" not in reference or "not in torch" in reference, reference


@pytest.mark.parametrize("optimizer_id", sorted(i for i, opt in OPTIMIZERS.items() if opt.torch))
def test_defaults_are_torch_defaults(optimizer_id):
    opt = OPTIMIZERS[optimizer_id]
    cls, free, pinned = torch_call(opt.torch)
    table = TORCH_DEFAULTS[cls]
    names = {param.torch or param.name for param in opt.params}
    assert free <= names, f"{opt.torch} names arguments {opt.id} does not declare"
    for param in opt.params:
        name = param.torch or param.name
        default = torch_default(table, name)
        if param.help.startswith("not in torch"):
            assert default is MISSING, f"{opt.id}.{param.name} says torch lacks it, but torch has {name}"
            continue
        assert default is not MISSING, f"{opt.id}.{param.name}: torch.optim.{cls} has no argument {name}"
        expected = pinned.get(name, default)  # an alias's call may pin a different default (momentum=0.9)
        assert param.default == expected, (opt.id, param.name, param.default, expected)
        assert isinstance(param.default, bool) == isinstance(expected, bool), (opt.id, param.name)
    for name, value in opt.fixed.items():  # settings an alias pins must be what its torch call means
        default = torch_default(table, name)
        if default is not MISSING:
            assert value == pinned.get(name, default), (opt.id, name)
