"""The update rules. Each reads like its published equations; each declaration sits beside its rule.

Where torch.optim has the algorithm, the rule follows torch's single-tensor implementation step for step
(same defaults, names, order of bias corrections and eps), so settings carry over to PyTorch unchanged.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from declarations import BOOL, INT, Param
from declarations.messages import message
from optimizers.base import Optimizer, power

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


def _l2(grad, params, hp):
    """torch's coupled weight decay: g ← g + λθ."""
    return grad + hp["weight_decay"] * params if hp.on("weight_decay") else grad


# -- SGD and its aliases ---------------------------------------------------------------------------------------


def sgd_init(params, hp):
    return {"step": 0, "momentum_buffer": np.zeros_like(params)}


def sgd_update(grad, state, params, lr, hp, surface):
    momentum, dampening = hp["momentum"], hp["dampening"]
    grad = _l2(grad, params, hp)
    buf = state["momentum_buffer"]
    if hp.on("momentum"):
        # b₁ = g₁;  b_t = μ b_{t−1} + (1 − τ) g_t
        buf = grad.copy() if state["step"] == 0 else momentum * buf + (1 - dampening) * grad
        grad = grad + momentum * buf if hp["nesterov"] else buf
    params = params - lr * grad  # θ_t = θ_{t−1} − η g
    return params, {"step": state["step"] + 1, "momentum_buffer": buf}


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


def _sgd_family(id, title, params, fixed, torch, equations=SGD_EQUATIONS, check=None):
    return Optimizer(id=id, title=title, params=params, init=sgd_init, update=sgd_update, equations=equations,
                     reference=SGD_REFERENCE, torch=torch, internals={"momentum_buffer": "momentum buffer b"},
                     fixed=fixed, switches=tuple(n for n in ("momentum", "weight_decay") if n not in fixed),
                     check=check)


SGD = _sgd_family("sgd", "SGD", (lr_param(1e-3), MOMENTUM, DAMPENING, NESTEROV, WEIGHT_DECAY), {},
                  "torch.optim.SGD", check=_nesterov_needs)
GD = _sgd_family(
    "gd", "Gradient descent", (lr_param(1e-3),),
    {"momentum": 0.0, "dampening": 0.0, "nesterov": False, "weight_decay": 0.0},
    "torch.optim.SGD(lr)", equations="θ ← θ − η∇f(θ)",
)
MOMENTUM_SGD = _sgd_family(
    "momentum", "Momentum", (lr_param(1e-3), replace(MOMENTUM, default=0.9)),
    {"dampening": 0.0, "nesterov": False, "weight_decay": 0.0},
    "torch.optim.SGD(lr, momentum=0.9)",
    equations="b ← μb + ∇f(θ)   (b = ∇f(θ) on the first step)\nθ ← θ − ηb\n"
              "the notes' v ← γv + η∇f, θ ← θ − v is the same walk with v = ηb",
)
NESTEROV_SGD = _sgd_family(
    "nesterov", "Nesterov momentum", (lr_param(1e-3), replace(MOMENTUM, default=0.9, low=1e-4)),
    {"dampening": 0.0, "nesterov": True, "weight_decay": 0.0},
    "torch.optim.SGD(lr, momentum=0.9, nesterov=True)",
    equations="b ← μb + ∇f(θ)\nθ ← θ − η(∇f(θ) + μb)\n(the look-ahead gradient, rewritten by a change of variables)",
)


# -- Adagrad, RMSprop, Adadelta ---------------------------------------------------------------------------------


def adagrad_init(params, hp):
    return {"step": 0, "sum": np.zeros_like(params) + hp["initial_accumulator_value"]}


def adagrad_update(grad, state, params, lr, hp, surface):
    step = state["step"] + 1
    grad = _l2(grad, params, hp)
    clr = lr / (1 + (step - 1) * hp["lr_decay"])
    state_sum = state["sum"] + grad * grad  # Σ g²
    if hp["rms"]:
        std = np.sqrt(state_sum / step) + hp["eps"]  # σ = √(mean g²), as in seed 002
    else:
        std = np.sqrt(state_sum) + hp["eps"]
    params = params - clr * (grad / std)
    return params, {"step": step, "sum": state_sum}


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
    init=adagrad_init, update=adagrad_update,
    equations="g ← ∇f(θ) + λθ\nΣ ← Σ + g²\nθ ← θ − η_t · g / (√Σ + ε)\nwith rms: θ ← θ − η_t · g / (√(Σ/t) + ε)",
    reference="torch.optim.Adagrad; Duchi, Hazan & Singer 2011",
    torch="torch.optim.Adagrad", internals={"sum": "Σ g² (accumulated squared gradients)"},
    switches=("weight_decay",),
)


def rmsprop_init(params, hp):
    zeros = np.zeros_like(params)
    return {"step": 0, "square_avg": zeros, "grad_avg": zeros, "momentum_buffer": zeros}


def rmsprop_update(grad, state, params, lr, hp, surface):
    alpha, eps = hp["alpha"], hp["eps"]
    grad = _l2(grad, params, hp)
    square_avg = alpha * state["square_avg"] + (1 - alpha) * (grad * grad)  # v ← αv + (1 − α)g²
    grad_avg = state["grad_avg"]
    if hp["centered"]:
        grad_avg = alpha * grad_avg + (1 - alpha) * grad  # ḡ ← αḡ + (1 − α)g
        avg = np.sqrt(square_avg - grad_avg * grad_avg) + eps
    else:
        avg = np.sqrt(square_avg) + eps
    buf = state["momentum_buffer"]
    if hp.on("momentum"):
        buf = hp["momentum"] * buf + grad / avg
        params = params - lr * buf
    else:
        params = params - lr * (grad / avg)
    return params, {"step": state["step"] + 1, "square_avg": square_avg, "grad_avg": grad_avg,
                    "momentum_buffer": buf}


RMSPROP = Optimizer(
    id="rmsprop", title="RMSprop",
    params=(
        lr_param(1e-2),
        Param("alpha", 0.99, 0.0, 0.9999, label="α", help="decay of the running mean of g²: v ← αv + (1 − α)g²"),
        eps_param(1e-8), WEIGHT_DECAY,
        Param("momentum", 0.0, 0.0, 0.9999, label="μ (momentum)", help="momentum on the scaled step: b ← μb + g/√v"),
        Param("centered", False, kind=BOOL, help="divide by the variance √(v − ḡ²) instead of √v"),
    ),
    init=rmsprop_init, update=rmsprop_update,
    equations="g ← ∇f(θ) + λθ\nv ← αv + (1 − α)g²\nθ ← θ − η · g / (√v + ε)\n"
              "centered: ḡ ← αḡ + (1 − α)g, divide by √(v − ḡ²) + ε\nmomentum: b ← μb + g/(√v + ε), θ ← θ − ηb",
    reference="torch.optim.RMSprop; Hinton, Coursera lecture 6e (2012)",
    torch="torch.optim.RMSprop",
    internals={"square_avg": "v (running mean of g²)", "grad_avg": "ḡ (running mean of g)",
               "momentum_buffer": "momentum buffer b"},
    switches=("weight_decay", "momentum"),
)


def adadelta_init(params, hp):
    zeros = np.zeros_like(params)
    return {"step": 0, "square_avg": zeros, "acc_delta": zeros}


def adadelta_update(grad, state, params, lr, hp, surface):
    rho, eps = hp["rho"], hp["eps"]
    grad = _l2(grad, params, hp)
    square_avg = rho * state["square_avg"] + (1 - rho) * (grad * grad)
    std = np.sqrt(square_avg + eps)
    delta = np.sqrt(state["acc_delta"] + eps) / std * grad  # Δ = √(u + ε)/√(v + ε) · g
    acc_delta = rho * state["acc_delta"] + (1 - rho) * (delta * delta)
    params = params - lr * delta
    return params, {"step": state["step"] + 1, "square_avg": square_avg, "acc_delta": acc_delta}


ADADELTA = Optimizer(
    id="adadelta", title="Adadelta",
    params=(
        lr_param(1.0),
        Param("rho", 0.9, 0.0, 0.9999, label="ρ", help="decay of both running means"),
        eps_param(1e-6), WEIGHT_DECAY,
    ),
    init=adadelta_init, update=adadelta_update,
    equations="v ← ρv + (1 − ρ)g²\nΔ ← √(u + ε) / √(v + ε) · g\nu ← ρu + (1 − ρ)Δ²\nθ ← θ − ηΔ",
    reference="torch.optim.Adadelta; Zeiler 2012", torch="torch.optim.Adadelta",
    internals={"square_avg": "v (running mean of g²)", "acc_delta": "u (running mean of Δ²)"},
    switches=("weight_decay",),
)


# -- Adam and its family ------------------------------------------------------------------------------------------


def moments_init(params, hp):
    zeros = np.zeros_like(params)
    return {"step": 0, "exp_avg": zeros, "exp_avg_sq": zeros}


def adam_init(params, hp):
    return {**moments_init(params, hp), "max_exp_avg_sq": np.zeros_like(params)}


def adam_update(grad, state, params, lr, hp, surface):
    beta1, beta2, eps = hp["beta1"], hp["beta2"], hp["eps"]
    step = state["step"] + 1
    if hp["decoupled"]:
        params = params * (1 - lr * hp["weight_decay"])  # AdamW: θ ← θ(1 − ηλ)
    else:
        grad = _l2(grad, params, hp)
    exp_avg = beta1 * state["exp_avg"] + (1 - beta1) * grad  # m ← β₁m + (1 − β₁)g
    exp_avg_sq = beta2 * state["exp_avg_sq"] + (1 - beta2) * (grad * grad)  # v ← β₂v + (1 − β₂)g²
    if hp["bias_correction"]:
        bias_correction1 = 1 - power(beta1, step)
        bias_correction2 = 1 - power(beta2, step)
    else:
        bias_correction1 = bias_correction2 = 1.0
    max_exp_avg_sq = state["max_exp_avg_sq"]
    if hp["amsgrad"]:
        max_exp_avg_sq = np.maximum(max_exp_avg_sq, exp_avg_sq)  # v̂ ← max(v̂, v)
        second = max_exp_avg_sq
    else:
        second = exp_avg_sq
    step_size = lr / bias_correction1
    denom = np.sqrt(second) / np.sqrt(bias_correction2) + eps  # √(v / (1 − β₂ᵗ)) + ε
    params = params - step_size * (exp_avg / denom)  # θ ← θ − η m/(1 − β₁ᵗ) / denom
    return params, {"step": step, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq, "max_exp_avg_sq": max_exp_avg_sq}


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
ADAM_INTERNALS = {"exp_avg": "m (first moment)", "exp_avg_sq": "v (second moment)",
                  "max_exp_avg_sq": "max v (AMSGrad)"}

ADAM = Optimizer(
    id="adam", title="Adam",
    params=(lr_param(1e-3), BETA1, BETA2, eps_param(1e-8), WEIGHT_DECAY, AMSGRAD, BIAS_CORRECTION),
    init=adam_init, update=adam_update, equations=ADAM_EQUATIONS,
    reference="torch.optim.Adam; Kingma & Ba 2015, Algorithm 1", torch="torch.optim.Adam",
    internals=ADAM_INTERNALS, fixed={"decoupled": False}, switches=("weight_decay",),
)
ADAMW = Optimizer(
    id="adamw", title="AdamW",
    params=(lr_param(1e-3), BETA1, BETA2, eps_param(1e-8), replace(WEIGHT_DECAY, default=1e-2, help=(
        "decoupled weight decay: θ ← θ(1 − ηλ) before the Adam step")), AMSGRAD),
    init=adam_init, update=adam_update,
    equations="θ ← θ(1 − ηλ)\n" + ADAM_EQUATIONS.replace("g ← ∇f(θ) + λθ", "g ← ∇f(θ)"),
    reference="torch.optim.AdamW; Loshchilov & Hutter 2019", torch="torch.optim.AdamW",
    internals=ADAM_INTERNALS, fixed={"decoupled": True, "bias_correction": True}, switches=("weight_decay",),
)


def _decay(params, grad, lr, hp):
    """torch's two weight-decay styles for NAdam and RAdam."""
    if not hp.on("weight_decay"):
        return params, grad
    if hp["decoupled_weight_decay"]:
        return params * (1 - lr * hp["weight_decay"]), grad
    return params, grad + hp["weight_decay"] * params


def nadam_init(params, hp):
    zeros = np.zeros_like(params)
    return {"step": 0, "exp_avg": zeros, "exp_avg_sq": zeros, "mu_product": np.ones_like(hp["beta1"])}


def nadam_update(grad, state, params, lr, hp, surface):
    beta1, beta2, eps, psi = hp["beta1"], hp["beta2"], hp["eps"], hp["momentum_decay"]
    step = state["step"] + 1
    bias_correction2 = 1 - power(beta2, step)
    params, grad = _decay(params, grad, lr, hp)
    mu = beta1 * (1.0 - 0.5 * power(0.96, step * psi))  # the momentum schedule μ_t
    mu_next = beta1 * (1.0 - 0.5 * power(0.96, (step + 1) * psi))
    mu_product = state["mu_product"] * mu  # Π μ_i
    exp_avg = beta1 * state["exp_avg"] + (1 - beta1) * grad
    exp_avg_sq = beta2 * state["exp_avg_sq"] + (1 - beta2) * (grad * grad)
    denom = np.sqrt(exp_avg_sq / bias_correction2) + eps
    mu_product_next = mu_product * mu_next
    params = params - lr * (1.0 - mu) / (1.0 - mu_product) * (grad / denom)
    params = params - lr * mu_next / (1.0 - mu_product_next) * (exp_avg / denom)
    return params, {"step": step, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq, "mu_product": mu_product}


NADAM = Optimizer(
    id="nadam", title="NAdam",
    params=(lr_param(2e-3), BETA1, BETA2, eps_param(1e-8), WEIGHT_DECAY,
            Param("momentum_decay", 4e-3, 0.0, 1.0, label="ψ", help="ψ in μ_t = β₁(1 − ½·0.96^(tψ))"),
            DECOUPLED),
    init=nadam_init, update=nadam_update,
    equations="μ_t = β₁(1 − ½·0.96^(tψ))\nm ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²\n"
              "θ ← θ − η(1 − μ_t)/(1 − Πμ) · g/(√v̂ + ε) − η μ_{t+1}/(1 − Πμ·μ_{t+1}) · m/(√v̂ + ε)",
    reference="torch.optim.NAdam; Dozat 2016", torch="torch.optim.NAdam",
    internals={"exp_avg": "m (first moment)", "exp_avg_sq": "v (second moment)"}, switches=("weight_decay",),
)


def radam_update(grad, state, params, lr, hp, surface):
    beta1, beta2, eps = hp["beta1"], hp["beta2"], hp["eps"]
    step = state["step"] + 1
    params, grad = _decay(params, grad, lr, hp)
    exp_avg = beta1 * state["exp_avg"] + (1 - beta1) * grad
    exp_avg_sq = beta2 * state["exp_avg_sq"] + (1 - beta2) * (grad * grad)
    bias_correction1 = 1 - power(beta1, step)
    bias_correction2 = 1 - power(beta2, step)
    bias_corrected_exp_avg = exp_avg / bias_correction1
    rho_inf = 2 / (1 - beta2) - 1  # length of the SMA approximating the EMA
    rho_t = rho_inf - 2 * step * power(beta2, step) / bias_correction2
    # Rectify the adaptive step once the variance of v is tractable (ρ_t > 5); before that, plain momentum.
    rect = np.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
    adaptive_lr = np.sqrt(bias_correction2) / (np.sqrt(exp_avg_sq) + eps)
    rectified = params - bias_corrected_exp_avg * lr * adaptive_lr * rect
    unrectified = params - bias_corrected_exp_avg * lr
    params = np.where(rho_t > 5.0, rectified, unrectified)
    return params, {"step": step, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}


RADAM = Optimizer(
    id="radam", title="RAdam",
    params=(lr_param(1e-3), BETA1, BETA2, eps_param(1e-8), WEIGHT_DECAY, DECOUPLED),
    init=moments_init, update=radam_update,
    equations="m, v as Adam;  ρ∞ = 2/(1 − β₂) − 1,  ρ_t = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ)\n"
              "ρ_t > 5:  θ ← θ − η m̂ · r_t √(1 − β₂ᵗ)/(√v + ε),  r_t = √((ρ_t−4)(ρ_t−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρ_t))\n"
              "else:     θ ← θ − η m̂",
    reference="torch.optim.RAdam; Liu et al. 2020", torch="torch.optim.RAdam",
    internals={"exp_avg": "m (first moment)", "exp_avg_sq": "v (second moment)"}, switches=("weight_decay",),
)


def adamax_init(params, hp):
    zeros = np.zeros_like(params)
    return {"step": 0, "exp_avg": zeros, "exp_inf": zeros}


def adamax_update(grad, state, params, lr, hp, surface):
    beta1, beta2, eps = hp["beta1"], hp["beta2"], hp["eps"]
    step = state["step"] + 1
    grad = _l2(grad, params, hp)
    exp_avg = beta1 * state["exp_avg"] + (1 - beta1) * grad
    exp_inf = np.maximum(beta2 * state["exp_inf"], np.abs(grad) + eps)  # u ← max(β₂u, |g| + ε)
    clr = lr / (1 - power(beta1, step))
    params = params - clr * (exp_avg / exp_inf)
    return params, {"step": step, "exp_avg": exp_avg, "exp_inf": exp_inf}


ADAMAX = Optimizer(
    id="adamax", title="Adamax",
    params=(lr_param(2e-3), BETA1, BETA2, eps_param(1e-8), WEIGHT_DECAY),
    init=adamax_init, update=adamax_update,
    equations="m ← β₁m + (1 − β₁)g\nu ← max(β₂u, |g| + ε)\nθ ← θ − η/(1 − β₁ᵗ) · m/u",
    reference="torch.optim.Adamax; Kingma & Ba 2015, section 7.1", torch="torch.optim.Adamax",
    internals={"exp_avg": "m (first moment)", "exp_inf": "u (infinity norm)"}, switches=("weight_decay",),
)


def _norm(rows):
    """Euclidean norm of each run's 2-vector, kept as a (runs, 1) column."""
    return np.sqrt(rows[:, :1] * rows[:, :1] + rows[:, 1:] * rows[:, 1:])


def lamb_update(grad, state, params, lr, hp, surface):
    beta1, beta2, eps = hp["beta1"], hp["beta2"], hp["eps"]
    step = state["step"] + 1
    exp_avg = beta1 * state["exp_avg"] + (1 - beta1) * grad
    exp_avg_sq = beta2 * state["exp_avg_sq"] + (1 - beta2) * (grad * grad)
    m_hat = exp_avg / (1 - power(beta1, step))
    v_hat = exp_avg_sq / (1 - power(beta2, step))
    update = m_hat / (np.sqrt(v_hat) + eps) + hp["weight_decay"] * params  # r + λθ
    weight_norm, update_norm = _norm(params), _norm(update)
    # Trust ratio ‖θ‖/‖r + λθ‖, with φ the identity; 1 where either norm is zero (so θ = 0 can still move).
    trust_ratio = np.where((weight_norm > 0) & (update_norm > 0), weight_norm / update_norm, 1.0)
    params = params - lr * trust_ratio * update
    return params, {"step": step, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}


LAMB = Optimizer(
    id="lamb", title="LAMB",
    params=(lr_param(1e-3), BETA1, BETA2, eps_param(1e-6), WEIGHT_DECAY),
    init=moments_init, update=lamb_update,
    equations="m, v, m̂, v̂ as Adam;  r = m̂/(√v̂ + ε) + λθ\nθ ← θ − η · ‖θ‖/‖r‖ · r      "
              "(the whole 2-D point is one layer; ratio 1 when a norm is 0)",
    reference=("You et al. 2020, 'Large Batch Optimization for Deep Learning: Training BERT in 76 minutes', "
               "Algorithm 2 (LAMB) with bias correction and φ(z) = z; not in torch.optim"),
    internals={"exp_avg": "m (first moment)", "exp_avg_sq": "v (second moment)"},
)


# -- second order -----------------------------------------------------------------------------------------------


def newton_init(params, hp):
    return {"step": 0}


def newton_update(grad, state, params, lr, hp, surface):
    hessian = surface.hessian(params)
    damping = np.reshape(hp["damping"], -1)  # one per run (a float for a group of one)
    hxx, hxy, hyy = hessian[:, 0, 0] + damping, hessian[:, 0, 1], hessian[:, 1, 1] + damping
    det = hxx * hyy - hxy * hxy
    gx, gy = grad[:, 0], grad[:, 1]
    # (H + λI)⁻¹g by Cramer's rule; a singular Hessian gives a non-finite step, reported as divergence.
    direction = np.stack(((hyy * gx - hxy * gy) / det, (hxx * gy - hxy * gx) / det), axis=-1)
    params = params - lr * direction
    return params, {"step": state["step"] + 1}


NEWTON = Optimizer(
    id="newton", title="Newton's method",
    params=(
        Param("lr", 1.0, 1e-8, 10.0, log=True, label="η (step)", help="step size; 1 is the pure Newton step"),
        Param("damping", 0.0, 0.0, 1000.0, label="λ (damping)",
              help="Levenberg damping: solve (H + λI)d = g; λ > 0 tames negative curvature"),
    ),
    init=newton_init, update=newton_update,
    equations="θ ← θ − η (∇²f(θ) + λI)⁻¹ ∇f(θ)\nIt heads for the nearest critical point: a saddle attracts it.",
    reference="Newton's method with Levenberg damping (Nocedal & Wright, Numerical Optimization, ch. 3)",
)


def lbfgs_init(params, hp):
    runs, memory = params.shape[0], hp["history_size"]
    return {
        "n_iter": np.zeros(runs, dtype=int), "d": np.zeros_like(params), "t": np.zeros((runs, 1)),
        "old_dirs": np.zeros((runs, memory, 2)), "old_stps": np.zeros((runs, memory, 2)),
        "ro": np.zeros((runs, memory)), "count": np.zeros(runs, dtype=int), "H_diag": np.ones((runs, 1)),
        "prev_flat_grad": np.zeros_like(params),
    }


def _dot(a, b):
    return a[..., 0] * b[..., 0] + a[..., 1] * b[..., 1]


def lbfgs_update(grad, state, params, lr, hp, surface):
    """One iteration of torch.optim.LBFGS(max_iter=1, line_search_fn=None), vectorized over runs.

    Memory is kept newest-last: row r's pairs are the last count[r] slots of old_dirs/old_stps.
    """
    memory = hp["history_size"]
    live = np.max(np.abs(grad), axis=1) > np.reshape(hp["tolerance_grad"], -1)  # torch returns early when converged
    n_iter = state["n_iter"] + live
    first = n_iter == 1
    old_dirs, old_stps, ro, count = state["old_dirs"], state["old_stps"], state["ro"], state["count"]
    H_diag = state["H_diag"]
    # Update the memory with y = g − g_prev, s = d·t, when the curvature condition ys > 1e-10 holds.
    y = grad - state["prev_flat_grad"]
    s = state["d"] * state["t"]
    ys = _dot(y, s)
    store = live & ~first & (ys > 1e-10)
    if store.any():
        shifted = lambda old, new: np.concatenate((old[:, 1:], new[:, None]), axis=1)  # noqa: E731
        old_dirs = np.where(store[:, None, None], shifted(old_dirs, y), old_dirs)
        old_stps = np.where(store[:, None, None], shifted(old_stps, s), old_stps)
        ro = np.where(store[:, None], shifted(ro, 1.0 / np.where(store, ys, 1.0)), ro)
        count = np.minimum(count + store, memory)
        H_diag = np.where(store[:, None], (ys / np.where(store, _dot(y, y), 1.0))[:, None], H_diag)
    # Two-loop recursion: d = −H·g with H the L-BFGS inverse-Hessian approximation.
    q = -grad
    used = np.where(first, 0, count)
    alphas = {}
    for i in range(memory - 1, memory - 1 - int(used.max(initial=0)), -1):
        valid = (i >= memory - used)[:, None]
        alphas[i] = np.where(valid, (_dot(old_stps[:, i], q) * ro[:, i])[:, None], 0.0)
        q = q - alphas[i] * old_dirs[:, i]
    r = q * H_diag
    for i in sorted(alphas):
        valid = (i >= memory - used)[:, None]
        be_i = (_dot(old_dirs[:, i], r) * ro[:, i])[:, None]
        r = r + np.where(valid, alphas[i] - be_i, 0.0) * old_stps[:, i]
    d = np.where(first[:, None], -grad, r)
    H_diag = np.where(first[:, None], 1.0, H_diag)
    count = np.where(first, 0, count)
    # Step length: the first iteration is scaled by min(1, 1/‖g‖₁); later ones use η.
    t = np.where(first[:, None], np.minimum(1.0, 1.0 / np.sum(np.abs(grad), axis=1, keepdims=True)) * lr, lr)
    descent = _dot(grad, d) <= -np.reshape(hp["tolerance_change"], -1)  # torch stops unless d is a descent direction
    move = (live & descent)[:, None]
    new_params = np.where(move, params + t * d, params)
    keep = live[:, None]
    return new_params, {
        "n_iter": n_iter, "d": np.where(keep, d, state["d"]), "t": np.where(keep, t, state["t"]),
        "old_dirs": old_dirs, "old_stps": old_stps, "ro": ro, "count": count,
        "H_diag": np.where(keep, H_diag, state["H_diag"]),
        "prev_flat_grad": np.where(keep, grad, state["prev_flat_grad"]),
    }


LBFGS = Optimizer(
    id="lbfgs", title="L-BFGS",
    params=(
        Param("lr", 1.0, 1e-8, 10.0, log=True, label="η (step)", help="fixed step length along the L-BFGS direction"),
        Param("history_size", 100, 1, 100, kind=INT, label="m (history)", help="number of (s, y) pairs remembered"),
        Param("tolerance_grad", 1e-7, 1e-15, 1.0, log=True, help="stop when max |g| ≤ this"),
        Param("tolerance_change", 1e-9, 1e-15, 1.0, log=True, help="do not step unless g·d ≤ −this"),
    ),
    init=lbfgs_init, update=lbfgs_update,
    cost=lambda hyper: hyper["history_size"],  # the two-loop recursion walks every stored pair
    equations="s = θ_t − θ_{t−1},  y = g_t − g_{t−1},  stored when y·s > 10⁻¹⁰\n"
              "d = −H_t g_t by the two-loop recursion, H₀ = (y·s)/(y·y) I\n"
              "θ ← θ + η d   (first step: η·min(1, 1/‖g‖₁))",
    reference=("torch.optim.LBFGS with max_iter=1 and no line search: one step here is one L-BFGS iteration "
               "and one gradient evaluation (torch's step() runs up to max_iter of them); Nocedal 1980"),
    torch="torch.optim.LBFGS(lr, max_iter=1, history_size)",
    internals={"d": "search direction d"},
)


CATALOG: tuple[Optimizer, ...] = (
    GD, MOMENTUM_SGD, NESTEROV_SGD, SGD, ADAGRAD, RMSPROP, ADADELTA, ADAM, ADAMW, NADAM, RADAM, ADAMAX, LAMB,
    NEWTON, LBFGS,
)
