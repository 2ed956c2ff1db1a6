"""Regenerate tests/data/torch_reference.json: torch.optim trajectories on Descent Lab's analytic surfaces.

Run with a Python that has torch (it is not a project dependency; the tests only read the JSON):

    /tmp/torchenv/bin/python tests/reference/make_torch_reference.py

Everything is float64. The losses are written here in torch from the formulas in surfaces/catalog.py and
differentiated by autograd, so the reference checks the engine's hand-written gradients as well as its update
rules. Each case pairs our optimizer id and hyperparameters with the torch constructor and kwargs meant to be
equivalent; the test runs our engine with the first and compares to the trajectory produced by the second.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import torch

OUT = Path(__file__).resolve().parent.parent / "data" / "torch_reference.json"
STEPS = 60

# Surfaces as (id, params, start).
ROSEN = ("rosenbrock", {"a": 1.0, "b": 100.0}, (-1.5, 2.0))
ROSEN10 = ("rosenbrock", {"a": 1.0, "b": 10.0}, (-1.2, 1.0))
ELLIPSE = ("ellipse", {"kappa": 10.0, "angle": 30.0}, (-4.0, 2.0))


def loss(surface: str, params: dict, p: torch.Tensor) -> torch.Tensor:
    x, y = p[0], p[1]
    if surface == "rosenbrock":
        return (params["a"] - x) ** 2 + params["b"] * (y - x * x) ** 2
    if surface == "ellipse":
        # ½(u² + κv²) with (u, v) = (x, y) rotated by −angle.
        theta = math.radians(params["angle"])
        c, s = math.cos(theta), math.sin(theta)
        u, v = c * x + s * y, -s * x + c * y
        return 0.5 * (u * u + params["kappa"] * v * v)
    raise ValueError(surface)


def case(name, optimizer, hyper, torch_class, torch_kwargs, where, steps=STEPS, has_foreach=True):
    surface, surface_params, start = where
    if has_foreach:  # force the single-tensor code path, the one the engine transcribes
        torch_kwargs = {**torch_kwargs, "foreach": False}
    return {"name": name, "optimizer": optimizer, "hyper": hyper, "torch_class": torch_class,
            "torch_kwargs": torch_kwargs, "surface": surface, "surface_params": surface_params,
            "start": list(start), "steps": steps}


CASES = [
    # SGD and the aliases gd / momentum / nesterov.
    case("gd", "gd", {"lr": 0.15}, "SGD", {"lr": 0.15}, ELLIPSE),
    case("sgd plain", "sgd", {"lr": 5e-4}, "SGD", {"lr": 5e-4}, ROSEN),
    case("momentum alias", "momentum", {"lr": 0.02, "momentum": 0.8}, "SGD", {"lr": 0.02, "momentum": 0.8}, ELLIPSE),
    case("sgd momentum+dampening", "sgd", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3},
         "SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3}, ELLIPSE),
    case("nesterov alias", "nesterov", {"lr": 0.02, "momentum": 0.85},
         "SGD", {"lr": 0.02, "momentum": 0.85, "nesterov": True}, ELLIPSE),
    case("sgd nesterov", "sgd", {"lr": 2e-4, "momentum": 0.9, "nesterov": True},
         "SGD", {"lr": 2e-4, "momentum": 0.9, "nesterov": True}, ROSEN),
    case("sgd weight_decay", "sgd", {"lr": 5e-3, "momentum": 0.5, "weight_decay": 0.5},
         "SGD", {"lr": 5e-3, "momentum": 0.5, "weight_decay": 0.5}, ROSEN10),
    # Adagrad.
    case("adagrad plain", "adagrad", {"lr": 0.5}, "Adagrad", {"lr": 0.5}, ROSEN10),
    case("adagrad lr_decay+initial_accumulator_value", "adagrad",
         {"lr": 1.0, "lr_decay": 0.05, "initial_accumulator_value": 0.5},
         "Adagrad", {"lr": 1.0, "lr_decay": 0.05, "initial_accumulator_value": 0.5}, ELLIPSE),
    case("adagrad weight_decay", "adagrad", {"lr": 0.3, "weight_decay": 0.2, "eps": 1e-6},
         "Adagrad", {"lr": 0.3, "weight_decay": 0.2, "eps": 1e-6}, ROSEN),
    # The baseline for Adagrad(rms=True) under the inverse_sqrt schedule, which should come close to it.
    case("adagrad tiny eps", "adagrad", {"lr": 0.5, "eps": 1e-12}, "Adagrad", {"lr": 0.5, "eps": 1e-12}, ELLIPSE),
    # RMSprop.
    case("rmsprop plain", "rmsprop", {"lr": 0.01}, "RMSprop", {"lr": 0.01}, ROSEN),
    case("rmsprop centered", "rmsprop", {"lr": 0.01, "alpha": 0.9, "centered": True},
         "RMSprop", {"lr": 0.01, "alpha": 0.9, "centered": True}, ELLIPSE),
    case("rmsprop momentum", "rmsprop", {"lr": 0.005, "momentum": 0.7, "eps": 1e-6},
         "RMSprop", {"lr": 0.005, "momentum": 0.7, "eps": 1e-6}, ROSEN10),
    case("rmsprop centered+momentum", "rmsprop",
         {"lr": 0.003, "momentum": 0.9, "centered": True, "weight_decay": 0.1},
         "RMSprop", {"lr": 0.003, "momentum": 0.9, "centered": True, "weight_decay": 0.1}, ELLIPSE),
    # Adadelta.
    case("adadelta plain", "adadelta", {}, "Adadelta", {}, ELLIPSE),
    case("adadelta rho+eps+weight_decay", "adadelta", {"lr": 5.0, "rho": 0.95, "eps": 1e-4, "weight_decay": 0.1},
         "Adadelta", {"lr": 5.0, "rho": 0.95, "eps": 1e-4, "weight_decay": 0.1}, ROSEN10),
    # Adam and AdamW.
    case("adam plain", "adam", {"lr": 0.05}, "Adam", {"lr": 0.05}, ROSEN),
    case("adam amsgrad", "adam", {"lr": 0.1, "beta1": 0.8, "beta2": 0.95, "amsgrad": True},
         "Adam", {"lr": 0.1, "betas": [0.8, 0.95], "amsgrad": True}, ELLIPSE),
    case("adam weight_decay", "adam", {"lr": 0.05, "weight_decay": 0.3, "eps": 1e-6},
         "Adam", {"lr": 0.05, "weight_decay": 0.3, "eps": 1e-6}, ROSEN10),
    case("adamw", "adamw", {"lr": 0.05, "weight_decay": 0.1}, "AdamW", {"lr": 0.05, "weight_decay": 0.1}, ROSEN10),
    case("adamw amsgrad", "adamw", {"lr": 0.1, "beta1": 0.85, "beta2": 0.9, "eps": 1e-6, "amsgrad": True},
         "AdamW", {"lr": 0.1, "betas": [0.85, 0.9], "eps": 1e-6, "amsgrad": True}, ELLIPSE),
    # NAdam.
    case("nadam plain", "nadam", {"lr": 0.05}, "NAdam", {"lr": 0.05}, ROSEN),
    case("nadam decoupled_weight_decay", "nadam",
         {"lr": 0.05, "weight_decay": 0.2, "momentum_decay": 0.01, "decoupled_weight_decay": True},
         "NAdam", {"lr": 0.05, "weight_decay": 0.2, "momentum_decay": 0.01, "decoupled_weight_decay": True}, ELLIPSE),
    case("nadam weight_decay", "nadam", {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.1},
         "NAdam", {"lr": 0.05, "betas": [0.8, 0.99], "eps": 1e-6, "weight_decay": 0.1}, ROSEN10),
    # RAdam: 60 steps, so the rectified branch (ρ_t > 5, from step 6 with β₂ = 0.999) runs for most of them. Its
    # first steps are plain momentum SGD (θ ← θ − η m̂), so lr must suit SGD there: 0.05 on b = 100 blows up.
    case("radam plain", "radam", {"lr": 0.02}, "RAdam", {"lr": 0.02}, ROSEN10),
    case("radam decoupled_weight_decay", "radam",
         {"lr": 0.1, "beta2": 0.99, "weight_decay": 0.1, "decoupled_weight_decay": True},
         "RAdam", {"lr": 0.1, "betas": [0.9, 0.99], "weight_decay": 0.1, "decoupled_weight_decay": True}, ELLIPSE),
    case("radam weight_decay", "radam", {"lr": 0.05, "beta1": 0.85, "eps": 1e-6, "weight_decay": 0.2},
         "RAdam", {"lr": 0.05, "betas": [0.85, 0.999], "eps": 1e-6, "weight_decay": 0.2}, ROSEN10),
    # Adamax.
    case("adamax plain", "adamax", {"lr": 0.05}, "Adamax", {"lr": 0.05}, ROSEN),
    case("adamax betas+eps+weight_decay", "adamax",
         {"lr": 0.1, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.1},
         "Adamax", {"lr": 0.1, "betas": [0.8, 0.99], "eps": 1e-6, "weight_decay": 0.1}, ELLIPSE),
    # L-BFGS: one torch step() with max_iter=1 is one engine step. LBFGS has no foreach switch.
    case("lbfgs lr 1 history 100", "lbfgs", {"lr": 1.0}, "LBFGS", {"lr": 1.0, "max_iter": 1}, ROSEN10,
         has_foreach=False),
    case("lbfgs lr 0.5 history 100", "lbfgs", {"lr": 0.5}, "LBFGS", {"lr": 0.5, "max_iter": 1}, ROSEN,
         has_foreach=False),
    case("lbfgs lr 1 history 3", "lbfgs", {"lr": 1.0, "history_size": 3},
         "LBFGS", {"lr": 1.0, "max_iter": 1, "history_size": 3}, ROSEN10, has_foreach=False),
    case("lbfgs lr 0.5 history 3", "lbfgs", {"lr": 0.5, "history_size": 3},
         "LBFGS", {"lr": 0.5, "max_iter": 1, "history_size": 3}, ELLIPSE, has_foreach=False),
    # Tolerances large enough to trigger torch's early exits: converged (max|g| ≤ tolerance_grad) stops
    # stepping; tolerance_change skips the move when g·d > −tolerance_change but still advances the state.
    case("lbfgs tolerance_grad", "lbfgs", {"lr": 0.5, "tolerance_grad": 1e-3},
         "LBFGS", {"lr": 0.5, "max_iter": 1, "tolerance_grad": 1e-3}, ELLIPSE, has_foreach=False),
    case("lbfgs tolerance_change", "lbfgs", {"lr": 0.5, "history_size": 2, "tolerance_change": 1e-2},
         "LBFGS", {"lr": 0.5, "max_iter": 1, "history_size": 2, "tolerance_change": 1e-2}, ROSEN10, has_foreach=False),
]


def trajectory(spec: dict) -> list[list[float]]:
    p = torch.tensor(spec["start"], dtype=torch.float64, requires_grad=True)
    kwargs = dict(spec["torch_kwargs"])
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    opt = getattr(torch.optim, spec["torch_class"])([p], **kwargs)

    def closure():
        opt.zero_grad()
        value = loss(spec["surface"], spec["surface_params"], p)
        value.backward()
        return value

    points = [p.detach().tolist()]
    for _ in range(spec["steps"]):
        opt.step(closure)
        points.append(p.detach().tolist())
    assert all(math.isfinite(v) for point in points for v in point), spec["name"]
    return points


def main() -> None:
    # Step counters and NAdam's mu_product are created in the default dtype: make that float64 too.
    torch.set_default_dtype(torch.float64)
    names = [spec["name"] for spec in CASES]
    assert len(set(names)) == len(names), "case names must be unique"
    cases = [{**spec, "points": trajectory(spec)} for spec in CASES]
    document = {
        "torch_version": torch.__version__,
        "dtype": "float64",
        "generator": "tests/reference/make_torch_reference.py",
        "cases": cases,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(document, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT} (torch {torch.__version__})")


if __name__ == "__main__":
    main()
