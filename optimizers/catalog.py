"""The update rules. Each reads like its published equations; each declaration sits beside its rule.

Where torch.optim has the algorithm, the rule follows torch's single-tensor implementation step for step
(same defaults, names, order of bias corrections and eps), so settings carry over to PyTorch unchanged.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from declarations import BOOL, INT, Param
from declarations.messages import message
from elementwise import maximum, minimum, nonzero, power, where
from optimizers.base import Optimizer

# -- shared parameter declarations (torch's names and defaults) ------------------------------------------------


def lr_param(default: float) -> Param:
    return Param("lr", default, 1e-8, 10.0, log=True, label="η (lr)", help="learning rate η: step = η × direction")


def eps_param(default: float) -> Param:
    return Param("eps", default, 1e-12, 1.0, log=True, label="ε", help="ε keeps the denominator away from zero")


BETA1 = Param("beta1", 0.9, 0.0, 0.9999, label="β₁", torch="betas[0]",
              help="β₁: decay of the first-moment (mean) estimate m ← β₁m + (1 − β₁)g")
BETA2 = Param("beta2", 0.999, 0.0, 0.9999, label="β₂", torch="betas[1]",
              help="β₂: decay of the second-moment estimate v ← β₂v + (1 − β₂)g²")
WEIGHT_DECAY = Param("weight_decay", 0.0, 0.0, 10.0, label="λ (weight decay)",
                     help="L2 penalty: g ← g + λθ before the update")
DECOUPLED = Param("decoupled_weight_decay", False, kind=BOOL,
                  help="AdamW-style: θ ← θ(1 − ηλ) instead of adding λθ to the gradient")


# -- SGD and its aliases ---------------------------------------------------------------------------------------


def sgd_update(g, theta, t, lr, state, momentum, dampening, nesterov, weight_decay):
    (momentum_buffer,) = state
    if nonzero(weight_decay):
        g = g + weight_decay * theta  # g ← ∇f + λθ
    if nonzero(momentum):
        if t == 0:
            momentum_buffer = g  # b ← g   (the first step)
        else:
            momentum_buffer = momentum * momentum_buffer + (1 - dampening) * g  # b ← μb + (1 − τ)g
        if nesterov:
            g = g + momentum * momentum_buffer  # g ← g + μb
        else:
            g = momentum_buffer  # g ← b
    theta = theta - lr * g  # θ ← θ − ηg
    return theta, (momentum_buffer,)


def _nesterov_needs(values):
    if values["nesterov"] and (values["momentum"] <= 0 or values["dampening"] != 0):
        return [(message("nesterov-needs"), {"nesterov": False})]
    return []


MOMENTUM = Param("momentum", 0.0, 0.0, 0.9999, label="μ (momentum)", help="momentum μ: b ← μb + (1 − τ)g")
DAMPENING = Param("dampening", 0.0, 0.0, 1.0, label="τ (dampening)", help="dampening τ of the new gradient in b")
NESTEROV = Param("nesterov", False, kind=BOOL, help="Nesterov look-ahead: step along g + μb instead of b")
SGD_EQUATIONS = """\
g ← ∇f(θ) + λθ
b ← μb + (1 − τ)g      (b = g on the first step)
g ← g + μb  if nesterov, else  g ← b
θ ← θ − ηg"""
SGD_REFERENCE = "torch.optim.SGD; Sutskever et al. 2013 (Nesterov form)"


def sgd_edge(values, low, high):
    """The largest stable lr on a quadratic: the update's 2×2 iteration matrix on each eigendirection has an
    eigenvalue at −1 exactly there. Heavy ball: ηλ(1 − τ) = 2(1 + μ); Nesterov's form: ηλ(1 + 2μ) = 2(1 + μ);
    weight decay adds λ_wd to every eigenvalue."""
    curvature = high + values["weight_decay"]
    mu, tau = values["momentum"], values["dampening"]
    if values["nesterov"]:
        return 2 * (1 + mu) / ((1 + 2 * mu) * curvature)
    return 2 * (1 + mu) / ((1 - tau) * curvature) if tau < 1 else float("inf")


def heavy_ball_optimum(low, high):
    """Goh's optimal step and momentum for the heavy ball on a quadratic: α = (2/(√λmin + √λmax))²,
    β = ((√κ − 1)/(√κ + 1))², converging at rate √β = (√κ − 1)/(√κ + 1) per step."""
    root = (high / low) ** 0.5
    return {"lr": (2 / (low ** 0.5 + high ** 0.5)) ** 2, "momentum": ((root - 1) / (root + 1)) ** 2}


def gd_optimum(low, high):
    """The best fixed step of gradient descent on a quadratic, 2/(λmin + λmax): rate (κ − 1)/(κ + 1)."""
    return {"lr": 2 / (low + high)}


def _sgd_family(id, title, params, fixed, torch, equations=SGD_EQUATIONS, check=None, optimum=None):
    has = {p.name for p in params} | set(fixed)
    assert {"momentum", "dampening", "nesterov", "weight_decay"} <= has
    edge_text = "2/λmax" if fixed.get("momentum") == 0.0 else \
        "2(1+μ)/((1+2μ)λmax)" if fixed.get("nesterov") else "2(1+μ)/λmax"
    return Optimizer(id=id, title=title, params=params, update=sgd_update, state=("momentum_buffer",),
                     equations=equations, reference=SGD_REFERENCE, torch=torch,
                     internals={"momentum_buffer": "momentum buffer b"},
                     direction=() if fixed.get("momentum") == 0.0 else ("momentum_buffer", -1.0, "gradient", "−b"),
                     fixed=fixed, switches=tuple(n for n in ("momentum", "weight_decay") if n not in fixed),
                     check=check, edge=sgd_edge, edge_text=edge_text, optimum=optimum,
                     effective=lambda state, after: after["lr"])


SGD = _sgd_family("sgd", "SGD", (lr_param(1e-3), MOMENTUM, DAMPENING, NESTEROV, WEIGHT_DECAY), {},
                  "torch.optim.SGD", check=_nesterov_needs)
GD = _sgd_family(
    "gd", "Gradient descent", (lr_param(1e-3),),
    {"momentum": 0.0, "dampening": 0.0, "nesterov": False, "weight_decay": 0.0},
    "torch.optim.SGD(lr)", equations="θ ← θ − η∇f(θ)", optimum=gd_optimum,
)
MOMENTUM_SGD = _sgd_family(
    "momentum", "Momentum", (lr_param(1e-3), replace(MOMENTUM, default=0.9)),
    {"dampening": 0.0, "nesterov": False, "weight_decay": 0.0},
    "torch.optim.SGD(lr, momentum=0.9)",
    equations="b ← μb + ∇f(θ)   (b = ∇f(θ) on the first step)\nθ ← θ − ηb\n"
              "the notes' v ← γv + η∇f, θ ← θ − v is the same walk with v = ηb",
    optimum=heavy_ball_optimum,
)
NESTEROV_SGD = _sgd_family(
    "nesterov", "Nesterov momentum", (lr_param(1e-3), replace(MOMENTUM, default=0.9, low=1e-4)),
    {"dampening": 0.0, "nesterov": True, "weight_decay": 0.0},
    "torch.optim.SGD(lr, momentum=0.9, nesterov=True)",
    equations="b ← μb + ∇f(θ)\nθ ← θ − η(∇f(θ) + μb)\n(the look-ahead gradient, rewritten by a change of variables)",
)



def velocity_update(g, theta, t, lr, state, momentum, nesterov):
    (velocity,) = state
    previous = velocity
    velocity = momentum * velocity + lr * g  # v ← γv + η∇f(θ)
    if nesterov:
        theta = theta + momentum * previous - (1 + momentum) * velocity  # θ ← θ + γv₋ − (1 + γ)v
    else:
        theta = theta - velocity  # θ ← θ − v
    return theta, (velocity,)


def _velocity_edge(values, low, high):
    """The heavy ball's edge 2(1 + γ)/λmax, or Nesterov's 2(1 + γ)/((1 + 2γ)λmax): the walks are torch's."""
    gamma = values["momentum"]
    return 2 * (1 + gamma) / ((1 + 2 * gamma if values["nesterov"] else 1) * high)


VELOCITY = Optimizer(
    id="velocity", title="Momentum (v ← γv + η∇f)",
    params=(lr_param(1e-3), replace(MOMENTUM, default=0.9, label="γ (momentum)",
                                    help="γ, the notes' name for momentum: v ← γv + η∇f"),
            replace(NESTEROV, help="Nesterov by the notes' change of variables (004): θ ← θ + γv₋ − (1 + γ)v, "
                                   "with v₋ the velocity before this step")),
    update=velocity_update, state=("velocity",),
    equations="v ← γv + η∇f(θ)\nθ ← θ − v      (nesterov: θ ← θ + γv₋ − (1 + γ)v)\n"
              "with a constant η, the same walks as torch's SGD(momentum=μ, nesterov): v = ηb, γ = μ",
    reference="the notes' momentum (seeds 001 and 004; Qian 1999), and Nesterov's by a change of variables "
              "(Sutskever et al. 2013); not in torch.optim, whose SGD keeps b = v/η",
    internals={"velocity": "velocity v (a step: v = ηb)"}, direction=("velocity", -1.0, "step", "−v"),
    edge=_velocity_edge, edge_text="2(1+γ)/λmax (nesterov: 2(1+γ)/((1+2γ)λmax))",
    effective=lambda state, after: after["lr"],
)

# -- Adagrad, RMSprop, Adadelta ---------------------------------------------------------------------------------


def adagrad_update(g, theta, t, lr, state, lr_decay, weight_decay, eps, rms):
    (state_sum,) = state
    step = t + 1
    if nonzero(weight_decay):
        g = g + weight_decay * theta  # g ← ∇f + λθ
    clr = lr / (1 + (step - 1) * lr_decay)  # η_t = η / (1 + (t − 1)·lr_decay)
    state_sum = state_sum + g * g  # Σ ← Σ + g²
    if rms:
        std = np.sqrt(state_sum / step) + eps  # σ = √(Σ/t) + ε   (the root mean square of seed 002)
    else:
        std = np.sqrt(state_sum) + eps  # σ = √Σ + ε
    theta = theta - clr * (g / std)  # θ ← θ − η_t · g/σ
    return theta, (state_sum,)


ADAGRAD = Optimizer(
    id="adagrad", title="Adagrad",
    params=(
        lr_param(1e-2),
        Param("lr_decay", 0.0, 0.0, 10.0, help="η_t = η / (1 + (t − 1)·lr_decay)"),
        WEIGHT_DECAY,
        Param("initial_accumulator_value", 0.0, 0.0, 10.0, label="Σ₀", help="starting value of the sum Σg²"),
        eps_param(1e-10),
        Param("rms", False, kind=BOOL, label="σ = RMS",
              help="not in torch: divide by √(mean g²) as in seed 002 (σ = root mean square of all past "
                   "gradients) instead of √(Σg²); the two differ by a factor √t"),
    ),
    update=adagrad_update, state=("sum",), start={"sum": "initial_accumulator_value"},
    equations="g ← ∇f(θ) + λθ\nΣ ← Σ + g²\nθ ← θ − η_t · g / (√Σ + ε)\nwith rms: θ ← θ − η_t · g / (√(Σ/t) + ε)",
    reference="torch.optim.Adagrad; Duchi, Hazan & Singer 2011",
    torch="torch.optim.Adagrad", internals={"sum": "Σ g² (accumulated squared gradients)"},
    switches=("weight_decay",), effective=lambda state, after: after["clr"] / after["std"],
)


def rmsprop_update(g, theta, t, lr, state, alpha, eps, weight_decay, momentum, centered):
    square_avg, grad_avg, momentum_buffer = state
    if nonzero(weight_decay):
        g = g + weight_decay * theta  # g ← ∇f + λθ
    square_avg = alpha * square_avg + (1 - alpha) * (g * g)  # v ← αv + (1 − α)g²
    if centered:
        grad_avg = alpha * grad_avg + (1 - alpha) * g  # ḡ ← αḡ + (1 − α)g
        avg = np.sqrt(square_avg - grad_avg * grad_avg) + eps  # σ = √(v − ḡ²) + ε
    else:
        avg = np.sqrt(square_avg) + eps  # σ = √v + ε
    if nonzero(momentum):
        momentum_buffer = momentum * momentum_buffer + g / avg  # b ← μb + g/σ
        theta = theta - lr * momentum_buffer  # θ ← θ − ηb
    else:
        theta = theta - lr * (g / avg)  # θ ← θ − η g/σ
    return theta, (square_avg, grad_avg, momentum_buffer)


RMSPROP = Optimizer(
    id="rmsprop", title="RMSprop",
    params=(
        lr_param(1e-2),
        Param("alpha", 0.99, 0.0, 0.9999, label="α", help="decay of the running mean of g²: v ← αv + (1 − α)g²"),
        eps_param(1e-8), WEIGHT_DECAY,
        Param("momentum", 0.0, 0.0, 0.9999, label="μ (momentum)", help="momentum on the scaled step: b ← μb + g/√v"),
        Param("centered", False, kind=BOOL, help="divide by the variance √(v − ḡ²) instead of √v"),
    ),
    update=rmsprop_update, state=("square_avg", "grad_avg", "momentum_buffer"),
    equations="g ← ∇f(θ) + λθ\nv ← αv + (1 − α)g²\nθ ← θ − η · g / (√v + ε)\n"
              "centered: ḡ ← αḡ + (1 − α)g, divide by √(v − ḡ²) + ε\nmomentum: b ← μb + g/(√v + ε), θ ← θ − ηb",
    reference="torch.optim.RMSprop; Hinton, Coursera lecture 6e (2012)",
    torch="torch.optim.RMSprop",
    internals={"square_avg": "v (running mean of g²)", "grad_avg": "ḡ (running mean of g)",
               "momentum_buffer": "momentum buffer b"},
    switches=("weight_decay", "momentum"), effective=lambda state, after: after["lr"] / after["avg"],
)


def adadelta_update(g, theta, t, lr, state, rho, eps, weight_decay):
    square_avg, acc_delta = state
    if nonzero(weight_decay):
        g = g + weight_decay * theta  # g ← ∇f + λθ
    square_avg = rho * square_avg + (1 - rho) * (g * g)  # v ← ρv + (1 − ρ)g²
    std = np.sqrt(square_avg + eps)  # σ = √(v + ε)
    delta = np.sqrt(acc_delta + eps) / std * g  # Δ = √(u + ε)/σ · g
    acc_delta = rho * acc_delta + (1 - rho) * (delta * delta)  # u ← ρu + (1 − ρ)Δ²
    theta = theta - lr * delta  # θ ← θ − ηΔ
    return theta, (square_avg, acc_delta)


ADADELTA = Optimizer(
    id="adadelta", title="Adadelta",
    params=(
        lr_param(1.0),
        Param("rho", 0.9, 0.0, 0.9999, label="ρ", help="decay of both running means"),
        eps_param(1e-6), WEIGHT_DECAY,
    ),
    update=adadelta_update, state=("square_avg", "acc_delta"),
    equations="v ← ρv + (1 − ρ)g²\nΔ ← √(u + ε) / √(v + ε) · g\nu ← ρu + (1 − ρ)Δ²\nθ ← θ − ηΔ",
    reference="torch.optim.Adadelta; Zeiler 2012", torch="torch.optim.Adadelta",
    internals={"square_avg": "v (running mean of g²)", "acc_delta": "u (running mean of Δ²)"},
    switches=("weight_decay",),
    effective=lambda state, after: after["lr"] * np.sqrt(state["acc_delta"] + after["eps"]) / after["std"],
)


# -- Adam and its family ------------------------------------------------------------------------------------------


def adam_update(g, theta, t, lr, state, beta1, beta2, eps, weight_decay, amsgrad, bias_correction, decoupled):
    exp_avg, exp_avg_sq, max_exp_avg_sq = state
    step = t + 1
    if decoupled:
        theta = theta * (1 - lr * weight_decay)  # θ ← θ(1 − ηλ)   (AdamW)
    elif nonzero(weight_decay):
        g = g + weight_decay * theta  # g ← ∇f + λθ
    exp_avg = beta1 * exp_avg + (1 - beta1) * g  # m ← β₁m + (1 − β₁)g
    exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * (g * g)  # v ← β₂v + (1 − β₂)g²
    bias_correction1 = 1 - power(beta1, step)  # c₁ = 1 − β₁ᵗ
    bias_correction2 = 1 - power(beta2, step)  # c₂ = 1 − β₂ᵗ
    if not bias_correction:  # not in torch: the raw estimates, to show what the correction is for (seed 001)
        bias_correction1 = bias_correction2 = 1.0  # c₁ = c₂ = 1   (no bias correction)
    if amsgrad:
        max_exp_avg_sq = maximum(max_exp_avg_sq, exp_avg_sq)  # v_max ← max(v_max, v)
        second = max_exp_avg_sq
    else:
        second = exp_avg_sq
    step_size = lr / bias_correction1  # η_t = η/c₁
    denom = np.sqrt(second) / np.sqrt(bias_correction2) + eps  # √v̂ + ε = √v/√c₂ + ε
    theta = theta - step_size * (exp_avg / denom)  # θ ← θ − η/c₁ · m/(√v̂ + ε)
    return theta, (exp_avg, exp_avg_sq, max_exp_avg_sq)


AMSGRAD = Param("amsgrad", False, kind=BOOL, help="AMSGrad: divide by the running maximum of v")
BIAS_CORRECTION = Param(
    "bias_correction", True, kind=BOOL, label="bias correction",
    help="not in torch (always on there): divide m by 1 − β₁ᵗ and v by 1 − β₂ᵗ; off shows why (seed 001)",
)
ADAM_EQUATIONS = """\
g ← ∇f(θ) + λθ
m ← β₁m + (1 − β₁)g
v ← β₂v + (1 − β₂)g²
m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)      (bias correction)
θ ← θ − η m̂ / (√v̂ + ε)"""
ADAM_STATE = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
ADAM_INTERNALS = {"exp_avg": "m (first moment)", "exp_avg_sq": "v (second moment)",
                  "max_exp_avg_sq": "max v (AMSGrad)"}

ADAM = Optimizer(
    id="adam", title="Adam",
    params=(lr_param(1e-3), BETA1, BETA2, eps_param(1e-8), WEIGHT_DECAY, AMSGRAD, BIAS_CORRECTION),
    update=adam_update, state=ADAM_STATE, equations=ADAM_EQUATIONS,
    reference="torch.optim.Adam; Kingma & Ba 2015, Algorithm 1", torch="torch.optim.Adam",
    internals=ADAM_INTERNALS, direction=("exp_avg", -1.0, "gradient", "−m"), fixed={"decoupled": False},
    switches=("weight_decay",),
    effective=lambda state, after: after["step_size"] / after["denom"],
)
ADAMW = Optimizer(
    id="adamw", title="AdamW",
    params=(lr_param(1e-3), BETA1, BETA2, eps_param(1e-8), replace(WEIGHT_DECAY, default=1e-2, help=(
        "decoupled weight decay: θ ← θ(1 − ηλ) before the Adam step")), AMSGRAD),
    update=adam_update, state=ADAM_STATE,
    equations="θ ← θ(1 − ηλ)\n" + ADAM_EQUATIONS.replace("g ← ∇f(θ) + λθ", "g ← ∇f(θ)"),
    reference="torch.optim.AdamW; Loshchilov & Hutter 2019", torch="torch.optim.AdamW",
    internals=ADAM_INTERNALS, direction=("exp_avg", -1.0, "gradient", "−m"),
    fixed={"decoupled": True, "bias_correction": True}, switches=("weight_decay",),
    effective=lambda state, after: after["step_size"] / after["denom"],
)


def nadam_update(g, theta, t, lr, state, beta1, beta2, eps, weight_decay, momentum_decay, decoupled_weight_decay):
    exp_avg, exp_avg_sq, mu_product = state
    step = t + 1
    bias_correction2 = 1 - power(beta2, step)  # c₂ = 1 − β₂ᵗ
    if nonzero(weight_decay):  # torch's two weight-decay styles
        if decoupled_weight_decay:
            theta = theta * (1 - lr * weight_decay)  # θ ← θ(1 − ηλ)
        else:
            g = g + weight_decay * theta  # g ← ∇f + λθ
    mu = beta1 * (1.0 - 0.5 * power(0.96, step * momentum_decay))  # μ_t = β₁(1 − ½·0.96^(tψ))
    mu_next = beta1 * (1.0 - 0.5 * power(0.96, (step + 1) * momentum_decay))  # μ_{t+1} = β₁(1 − ½·0.96^((t+1)ψ))
    mu_product = mu_product * mu  # Πμ ← Πμ · μ_t
    exp_avg = beta1 * exp_avg + (1 - beta1) * g  # m ← β₁m + (1 − β₁)g
    exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * (g * g)  # v ← β₂v + (1 − β₂)g²
    denom = np.sqrt(exp_avg_sq / bias_correction2) + eps  # √v̂ + ε = √(v/c₂) + ε
    mu_product_next = mu_product * mu_next  # Πμ · μ_{t+1}
    theta = theta - lr * (1.0 - mu) / (1.0 - mu_product) * (g / denom)  # θ ← θ − η(1 − μ_t)/(1 − Πμ) · g/(√v̂ + ε)
    # θ ← θ − η μ_{t+1}/(1 − Πμ·μ_{t+1}) · m/(√v̂ + ε)
    theta = theta - lr * mu_next / (1.0 - mu_product_next) * (exp_avg / denom)
    return theta, (exp_avg, exp_avg_sq, mu_product)


NADAM = Optimizer(
    id="nadam", title="NAdam",
    params=(lr_param(2e-3), BETA1, BETA2, eps_param(1e-8), WEIGHT_DECAY,
            Param("momentum_decay", 4e-3, 0.0, 1.0, label="ψ", help="ψ in μ_t = β₁(1 − ½·0.96^(tψ))"),
            DECOUPLED),
    update=nadam_update, state=("exp_avg", "exp_avg_sq", "mu_product"), start={"mu_product": 1.0},
    equations="μ_t = β₁(1 − ½·0.96^(tψ))\nm ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²\n"
              "θ ← θ − η(1 − μ_t)/(1 − Πμ) · g/(√v̂ + ε) − η μ_{t+1}/(1 − Πμ·μ_{t+1}) · m/(√v̂ + ε)",
    reference="torch.optim.NAdam; Dozat 2016", torch="torch.optim.NAdam",
    direction=("exp_avg", -1.0, "gradient", "−m"),
    internals={"exp_avg": "m (first moment)", "exp_avg_sq": "v (second moment)", "mu_product": "Πμ (product of μ_t)"},
    switches=("weight_decay",),  # the effective step on g: η(1 − μ_t)/(1 − Πμ)/(√v̂ + ε)
    effective=lambda state, after: after["lr"] * (1.0 - after["mu"]) / (1.0 - after["mu_product"]) / after["denom"],
)


def radam_update(g, theta, t, lr, state, beta1, beta2, eps, weight_decay, decoupled_weight_decay):
    exp_avg, exp_avg_sq = state
    step = t + 1
    if nonzero(weight_decay):  # torch's two weight-decay styles
        if decoupled_weight_decay:
            theta = theta * (1 - lr * weight_decay)  # θ ← θ(1 − ηλ)
        else:
            g = g + weight_decay * theta  # g ← ∇f + λθ
    exp_avg = beta1 * exp_avg + (1 - beta1) * g  # m ← β₁m + (1 − β₁)g
    exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * (g * g)  # v ← β₂v + (1 − β₂)g²
    bias_correction1 = 1 - power(beta1, step)  # c₁ = 1 − β₁ᵗ
    bias_correction2 = 1 - power(beta2, step)  # c₂ = 1 − β₂ᵗ
    bias_corrected_exp_avg = exp_avg / bias_correction1  # m̂ = m/c₁
    rho_inf = 2 / (1 - beta2) - 1  # ρ∞ = 2/(1 − β₂) − 1, the length of the SMA approximating the EMA
    rho_t = rho_inf - 2 * step * power(beta2, step) / bias_correction2  # ρ_t = ρ∞ − 2tβ₂ᵗ/c₂
    # Rectify the adaptive step once the variance of v is tractable (ρ_t > 5); before that, plain momentum.
    # r_t = √((ρ_t − 4)(ρ_t − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρ_t))
    rect = np.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
    adaptive_lr = np.sqrt(bias_correction2) / (np.sqrt(exp_avg_sq) + eps)  # l = √c₂/(√v + ε)
    rectified = theta - bias_corrected_exp_avg * lr * adaptive_lr * rect  # θ − η m̂ · l · r_t
    unrectified = theta - bias_corrected_exp_avg * lr  # θ − η m̂
    theta = where(rho_t > 5.0, rectified, unrectified)  # θ ← the rectified step if ρ_t > 5, else the plain one
    return theta, (exp_avg, exp_avg_sq)


RADAM = Optimizer(
    id="radam", title="RAdam",
    params=(lr_param(1e-3), BETA1, BETA2, eps_param(1e-8), WEIGHT_DECAY, DECOUPLED),
    update=radam_update, state=("exp_avg", "exp_avg_sq"),
    equations="m, v as Adam;  ρ∞ = 2/(1 − β₂) − 1,  ρ_t = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ)\n"
              "ρ_t > 5:  θ ← θ − η m̂ · r_t √(1 − β₂ᵗ)/(√v + ε),  r_t = √((ρ_t−4)(ρ_t−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρ_t))\n"
              "else:     θ ← θ − η m̂",
    reference="torch.optim.RAdam; Liu et al. 2020", torch="torch.optim.RAdam",
    direction=("exp_avg", -1.0, "gradient", "−m"),
    internals={"exp_avg": "m (first moment)", "exp_avg_sq": "v (second moment)"}, switches=("weight_decay",),
    # the effective step on m: η·l·r_t/c₁ once rectified, else η/c₁
    effective=lambda state, after: np.where(after["rho_t"] > 5.0, after["lr"] * after["adaptive_lr"] * after["rect"],
                                            after["lr"]) / after["bias_correction1"],
)


def adamax_update(g, theta, t, lr, state, beta1, beta2, eps, weight_decay):
    exp_avg, exp_inf = state
    step = t + 1
    if nonzero(weight_decay):
        g = g + weight_decay * theta  # g ← ∇f + λθ
    exp_avg = beta1 * exp_avg + (1 - beta1) * g  # m ← β₁m + (1 − β₁)g
    exp_inf = maximum(beta2 * exp_inf, np.abs(g) + eps)  # u ← max(β₂u, |g| + ε)
    clr = lr / (1 - power(beta1, step))  # η_t = η/(1 − β₁ᵗ)
    theta = theta - clr * (exp_avg / exp_inf)  # θ ← θ − η_t · m/u
    return theta, (exp_avg, exp_inf)


ADAMAX = Optimizer(
    id="adamax", title="Adamax",
    params=(lr_param(2e-3), BETA1, BETA2, eps_param(1e-8), WEIGHT_DECAY),
    update=adamax_update, state=("exp_avg", "exp_inf"),
    equations="m ← β₁m + (1 − β₁)g\nu ← max(β₂u, |g| + ε)\nθ ← θ − η/(1 − β₁ᵗ) · m/u",
    reference="torch.optim.Adamax; Kingma & Ba 2015, section 7.1", torch="torch.optim.Adamax",
    direction=("exp_avg", -1.0, "gradient", "−m"),
    internals={"exp_avg": "m (first moment)", "exp_inf": "u (infinity norm)"}, switches=("weight_decay",),
    effective=lambda state, after: after["clr"] / after["exp_inf"],
)


def _lamb_ratio(g, theta, exp_avg, exp_avg_sq, step, beta1, beta2, eps, weight_decay):
    """One coordinate of LAMB's Adam ratio: r + λθ, and the new moments."""
    exp_avg = beta1 * exp_avg + (1 - beta1) * g  # m ← β₁m + (1 − β₁)g
    exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * (g * g)  # v ← β₂v + (1 − β₂)g²
    m_hat = exp_avg / (1 - power(beta1, step))
    v_hat = exp_avg_sq / (1 - power(beta2, step))
    return m_hat / (np.sqrt(v_hat) + eps) + weight_decay * theta, exp_avg, exp_avg_sq  # r + λθ


def lamb_update(g, theta, t, lr, state, curvature, memory, beta1, beta2, eps, weight_decay):
    (gx, gy), (x, y) = g, theta
    exp_avg_x, exp_avg_y, exp_avg_sq_x, exp_avg_sq_y = state
    step = t + 1
    # r_x = m̂_x/(√v̂_x + ε) + λx, with m and v updated as Adam's
    rx, exp_avg_x, exp_avg_sq_x = _lamb_ratio(gx, x, exp_avg_x, exp_avg_sq_x, step, beta1, beta2, eps, weight_decay)
    # r_y = m̂_y/(√v̂_y + ε) + λy
    ry, exp_avg_y, exp_avg_sq_y = _lamb_ratio(gy, y, exp_avg_y, exp_avg_sq_y, step, beta1, beta2, eps, weight_decay)
    weight_norm, update_norm = np.sqrt(x * x + y * y), np.sqrt(rx * rx + ry * ry)  # ‖θ‖, ‖r‖ =
    # Trust ratio ‖θ‖/‖r + λθ‖, with φ the identity; 1 where either norm is zero (so θ = 0 can still move).
    trust_ratio = where((weight_norm > 0) & (update_norm > 0), weight_norm / update_norm, 1.0)  # ‖θ‖/‖r‖ =
    theta = (x - lr * trust_ratio * rx, y - lr * trust_ratio * ry)  # θ ← θ − η · ‖θ‖/‖r‖ · r
    return theta, (exp_avg_x, exp_avg_y, exp_avg_sq_x, exp_avg_sq_y)


LAMB = Optimizer(
    id="lamb", title="LAMB",
    params=(lr_param(1e-3), BETA1, BETA2, eps_param(1e-6), WEIGHT_DECAY),
    update=lamb_update, state=("exp_avg_x", "exp_avg_y", "exp_avg_sq_x", "exp_avg_sq_y"), coupled=True,
    equations="m, v, m̂, v̂ as Adam;  r = m̂/(√v̂ + ε) + λθ\nθ ← θ − η · ‖θ‖/‖r‖ · r      "
              "(the whole 2-D point is one layer; ratio 1 when a norm is 0)",
    reference=("You et al. 2020, 'Large Batch Optimization for Deep Learning: Training BERT in 76 minutes', "
               "Algorithm 2 (LAMB) with bias correction and φ(z) = z; not in torch.optim"),
    direction=("exp_avg", -1.0, "gradient", "−m"),
    internals={"exp_avg": "m (first moment)", "exp_avg_sq": "v (second moment)"},
)


# -- second order -----------------------------------------------------------------------------------------------


def newton_update(g, theta, t, lr, state, curvature, memory, damping):
    (gx, gy), (x, y) = g, theta
    hxx, hxy, hyy = curvature
    hxx, hyy = hxx + damping, hyy + damping  # diag(H + λI) =
    det = hxx * hyy - hxy * hxy  # det(H + λI) =
    # d = (H + λI)⁻¹g by Cramer's rule; a singular Hessian gives a non-finite step, reported as divergence.
    direction_x = (hyy * gx - hxy * gy) / det  # d_x = ((H + λI)⁻¹∇f)_x
    direction_y = (hxx * gy - hxy * gx) / det  # d_y = ((H + λI)⁻¹∇f)_y
    theta = (x - lr * direction_x, y - lr * direction_y)  # θ ← θ − η d
    return theta, (direction_x, direction_y)


NEWTON = Optimizer(
    id="newton", title="Newton's method",
    params=(
        Param("lr", 1.0, 1e-8, 10.0, log=True, label="η (step)", help="step size; 1 is the pure Newton step"),
        Param("damping", 0.0, 0.0, 1000.0, label="λ (damping)",
              help="Levenberg damping: solve (H + λI)d = g; λ > 0 tames negative curvature"),
    ),
    update=newton_update, state=("direction_x", "direction_y"), coupled=True, curvature=True,
    internals={"direction": "Newton direction d = (H + λI)⁻¹∇f"}, direction=("direction", -1.0, "step", "−d"),
    equations="θ ← θ − η (∇²f(θ) + λI)⁻¹ ∇f(θ)\nIt heads for the nearest critical point: a saddle attracts it.",
    reference="Newton's method with Levenberg damping (Nocedal & Wright, Numerical Optimization, ch. 3)",
    # Each eigendirection shrinks by 1 − ηλ/(λ + damping): stable while that stays above −1 for λ = λmax.
    edge=lambda values, low, high: 2 * (1 + values["damping"] / high), edge_text="2(1 + λ_damping/λmax)",
)


def _dot(ax, ay, bx, by):
    return ax * bx + ay * by


LBFGS_STATE = ("n_iter", "d_x", "d_y", "t", "H_diag", "count", "newest", "prev_flat_grad_x", "prev_flat_grad_y")
Y_X, Y_Y, S_X, S_Y, RO = range(5)  # the columns of L-BFGS's memory: y = Δg, s = Δθ and ρ = 1/(y·s)


def lbfgs_update(g, theta, t, lr, state, curvature, memory, history_size, tolerance_grad, tolerance_change):
    """One iteration of torch.optim.LBFGS(max_iter=1, line_search_fn=None) for one run.

    `memory` holds the last `count` (y, s, ρ) pairs as a ring: the newest in row `newest`, older ones before it.
    """
    (gx, gy), (x, y) = g, theta
    n_iter, d_x, d_y, step_t, H_diag, count, newest, prev_x, prev_y = state
    live = maximum(np.abs(gx), np.abs(gy)) > tolerance_grad  # torch returns early once converged
    if not live:
        return theta, state
    n_iter = n_iter + 1
    rows = int(history_size)
    if n_iter == 1:
        d_x, d_y, H_diag, count = -gx, -gy, 1.0, 0.0  # d = −g, H₀ = 1, no pairs yet:
        # The first step is scaled by min(1, 1/‖g‖₁); later ones use η.
        step_t = minimum(1.0, 1.0 / (np.abs(gx) + np.abs(gy))) * lr  # t = η · min(1, 1/‖g‖₁)
    else:
        # Update the memory with y = g − g_prev, s = d·t when the curvature condition y·s > 1e-10 holds.
        y_x, y_y = gx - prev_x, gy - prev_y  # y = g − g_prev
        s_x, s_y = d_x * step_t, d_y * step_t  # s = t·d_prev
        ys = _dot(y_x, y_y, s_x, s_y)  # y·s =
        if ys > 1e-10:
            newest = (newest + 1) % rows
            at = int(newest)
            memory[at, Y_X], memory[at, Y_Y], memory[at, S_X], memory[at, S_Y] = y_x, y_y, s_x, s_y
            memory[at, RO] = 1.0 / ys
            count = minimum(count + 1, rows)  # pairs stored =
            H_diag = ys / _dot(y_x, y_y, y_x, y_y)  # H₀ = (y·s)/(y·y)
        # Two-loop recursion: d = −H·g with H the L-BFGS inverse-Hessian approximation, newest pair first.
        q_x, q_y = -gx, -gy  # q = −g
        used = int(count)
        for k in range(used):  # d = −H·g by the two-loop recursion over the stored pairs, newest first
            at = int((newest - k) % rows)
            alpha = _dot(memory[at, S_X], memory[at, S_Y], q_x, q_y) * memory[at, RO]
            memory[at, RO + 1] = alpha
            q_x, q_y = q_x - alpha * memory[at, Y_X], q_y - alpha * memory[at, Y_Y]
        d_x, d_y = q_x * H_diag, q_y * H_diag
        for k in range(used - 1, -1, -1):
            at = int((newest - k) % rows)
            be_i = _dot(memory[at, Y_X], memory[at, Y_Y], d_x, d_y) * memory[at, RO]
            d_x = d_x + (memory[at, RO + 1] - be_i) * memory[at, S_X]
            d_y = d_y + (memory[at, RO + 1] - be_i) * memory[at, S_Y]
        step_t = lr  # t = η
    if _dot(gx, gy, d_x, d_y) <= -tolerance_change:  # torch steps only along a descent direction
        theta = (x + step_t * d_x, y + step_t * d_y)  # θ ← θ + t·d
    return theta, (n_iter, d_x, d_y, step_t, H_diag, count, newest, gx, gy)


LBFGS = Optimizer(
    id="lbfgs", title="L-BFGS",
    params=(
        Param("lr", 1.0, 1e-8, 10.0, log=True, label="η (step)", help="fixed step length along the L-BFGS direction"),
        Param("history_size", 100, 1, 100, kind=INT, label="m (history)", help="number of (s, y) pairs remembered"),
        Param("tolerance_grad", 1e-7, 1e-15, 1.0, log=True, help="stop when max |g| ≤ this"),
        Param("tolerance_change", 1e-9, 1e-15, 1.0, log=True, help="do not step unless g·d ≤ −this"),
    ),
    update=lbfgs_update, state=LBFGS_STATE, start={"H_diag": 1.0, "newest": -1.0}, coupled=True,
    memory=lambda hyper: (hyper["history_size"], 6),  # y_x, y_y, s_x, s_y, ρ and the recursion's α
    # The two-loop recursion walks every stored pair: compiled, a full 100-pair step costs about 11 plain steps.
    cost=lambda hyper: 1 + hyper["history_size"] // 10,
    equations="s = θ_t − θ_{t−1},  y = g_t − g_{t−1},  stored when y·s > 10⁻¹⁰\n"
              "d = −H_t g_t by the two-loop recursion, H₀ = (y·s)/(y·y) I\n"
              "θ ← θ + η d   (first step: η·min(1, 1/‖g‖₁))",
    reference=("torch.optim.LBFGS with max_iter=1 and no line search: one step here is one L-BFGS iteration "
               "and one gradient evaluation (torch's step() runs up to max_iter of them); Nocedal 1980"),
    torch="torch.optim.LBFGS(lr, max_iter=1, history_size)",
    internals={"d": "search direction d"}, direction=("d", 1.0, "step", "d"),
)


CATALOG: tuple[Optimizer, ...] = (
    GD, MOMENTUM_SGD, NESTEROV_SGD, SGD, VELOCITY, ADAGRAD, RMSPROP, ADADELTA, ADAM, ADAMW, NADAM, RADAM, ADAMAX, LAMB,
    NEWTON, LBFGS,
)
