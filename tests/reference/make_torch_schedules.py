"""Record torch's learning rates for every Descent Lab schedule, as the reference for tests/test_schedules.py.

Run with a Python that has torch (it is not a project dependency, and the tests never import it):

    /tmp/torchenv/bin/python tests/reference/make_torch_schedules.py

It writes tests/data/torch_schedules.json: for each case the schedule id, lr, steps, the schedule's complete
settings and `lr_t`, torch's get_last_lr() after construction (t = 0) and after each of `steps` scheduler steps.
This script is standalone (no project imports) so it runs in the torch environment; the test checks that every
schedule in SCHEDULES has cases here and that each case's settings name exactly that schedule's parameters.

Every scheduler is stepped the way a training loop steps it (optimizer.step(), then scheduler.step()), so the
reference is what torch users actually get, recursive update rules included. StepLR, ExponentialLR,
CosineAnnealingLR and LinearLR update recursively (lr_t from lr_{t-1}); that accumulates at most a few
rounding errors per step, far below the tests' 1e-12 relative tolerance over 300 steps, so the closed forms
(`_get_closed_form_lr`) are not needed. `--closed-form-cosine` records CosineAnnealingLR from its closed form
instead, for comparison.
"""

from __future__ import annotations

import argparse
import json
import math
import warnings
from pathlib import Path

import torch
from torch.optim import SGD
from torch.optim.lr_scheduler import (
    CosineAnnealingLR,
    CyclicLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    SequentialLR,
    StepLR,
)

OUT = Path(__file__).resolve().parent.parent / "data" / "torch_schedules.json"
STEPS = 300

# (lr, complete settings, steps) per base schedule; includes the edges of the declared ranges (gamma 0 and 1,
# T_max 0 = the whole run and 1, step_size 1, eta_min above lr).
BASE_CASES: dict[str, list[tuple[float, dict, int]]] = {
    "constant": [(0.1, {}, STEPS), (0.003, {}, 57)],
    "inverse_sqrt": [(0.1, {}, STEPS), (0.5, {}, STEPS)],
    "step": [
        (0.1, {"step_size": 30, "gamma": 0.1}, STEPS),
        (0.05, {"step_size": 7, "gamma": 0.5}, STEPS),
        (0.2, {"step_size": 1, "gamma": 0.97}, STEPS),
        (0.1, {"step_size": 100, "gamma": 0.0}, STEPS),
    ],
    "exponential": [
        (0.1, {"gamma": 0.99}, STEPS),
        (0.05, {"gamma": 0.9}, STEPS),
        (1.0, {"gamma": 0.5}, STEPS),
        (0.1, {"gamma": 1.0}, 40),
    ],
    "cosine": [
        (0.1, {"T_max": 100, "eta_min": 0.0}, STEPS),  # three half-periods: down, up, down
        (0.1, {"T_max": 0, "eta_min": 0.0}, STEPS),
        (0.1, {"T_max": 50, "eta_min": 0.01}, STEPS),
        (0.05, {"T_max": 1, "eta_min": 0.0}, 20),
        (0.01, {"T_max": 0, "eta_min": 0.2}, 173),  # eta_min above lr: the schedule rises
    ],
    "cyclic": [
        (0.01, {"max_lr": 0.1, "step_size_up": 10}, STEPS),
        (0.001, {"max_lr": 1.0, "step_size_up": 37}, STEPS),
        (0.1, {"max_lr": 0.2, "step_size_up": 1}, 30),
    ],
}
WARMUPS = (10, 50, 1, 25)


def whole_run(t_max: int, steps: int) -> int:
    """T_max = 0 means the whole run (of the base schedule, after any warm-up)."""
    return t_max if t_max > 0 else max(steps, 1)


def base_scheduler(opt, schedule_id: str, lr: float, s: dict, steps: int, closed_form_cosine: bool):
    if schedule_id == "constant":
        return LambdaLR(opt, lambda t: 1.0)
    if schedule_id == "inverse_sqrt":
        return LambdaLR(opt, lambda t: 1.0 / math.sqrt(t + 1))
    if schedule_id == "step":
        return StepLR(opt, step_size=s["step_size"], gamma=s["gamma"])
    if schedule_id == "exponential":
        return ExponentialLR(opt, gamma=s["gamma"])
    if schedule_id == "cosine":
        cls = ClosedFormCosine if closed_form_cosine else CosineAnnealingLR
        return cls(opt, T_max=whole_run(s["T_max"], steps), eta_min=s["eta_min"])
    if schedule_id == "cyclic":
        return CyclicLR(opt, base_lr=lr, max_lr=s["max_lr"], step_size_up=s["step_size_up"],
                        mode="triangular", cycle_momentum=False)
    raise KeyError(schedule_id)


class ClosedFormCosine(CosineAnnealingLR):
    def get_lr(self):
        return self._get_closed_form_lr()


def record(schedule_id: str, lr: float, s: dict, steps: int, closed_form_cosine: bool) -> list[float]:
    opt = SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    if schedule_id.startswith("warmup_"):
        warmup = s["warmup"]
        ramp = LinearLR(opt, start_factor=1.0 / warmup, total_iters=warmup)
        base = base_scheduler(opt, schedule_id.removeprefix("warmup_"), lr, s, steps - warmup, closed_form_cosine)
        scheduler = SequentialLR(opt, [ramp, base], milestones=[warmup])
    else:
        scheduler = base_scheduler(opt, schedule_id, lr, s, steps, closed_form_cosine)
    out = [scheduler.get_last_lr()[0]]
    for _ in range(steps):
        opt.step()  # no gradient, so a no-op; keeps torch's step-order check quiet
        scheduler.step()
        out.append(scheduler.get_last_lr()[0])
    return [float(v) for v in out]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--closed-form-cosine", action="store_true", help="use CosineAnnealingLR's closed form")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    warnings.simplefilter("error")  # any torch warning means the schedulers are driven wrongly
    cases = []
    for base_id, base_cases in BASE_CASES.items():
        for i, (lr, settings, steps) in enumerate(base_cases):
            warmed = {"warmup": WARMUPS[i % len(WARMUPS)], **settings}
            for schedule_id, s in ((base_id, settings), (f"warmup_{base_id}", warmed)):
                lr_t = record(schedule_id, lr, s, steps, args.closed_form_cosine)
                cases.append({"schedule": schedule_id, "lr": lr, "steps": steps, "settings": s, "lr_t": lr_t})
    cases.sort(key=lambda case: case["schedule"])
    header = {"torch": torch.__version__, "closed_form_cosine": args.closed_form_cosine, "cases": len(cases)}
    # One case per line keeps the file reviewable in diffs; floats are written by repr, so they read back exactly.
    lines = [json.dumps(case) for case in cases]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        "{\"meta\": " + json.dumps(header) + ",\n\"cases\": [\n" + ",\n".join(lines) + "\n]}\n", encoding="utf-8"
    )
    print(f"wrote {len(cases)} cases to {args.out}")


if __name__ == "__main__":
    main()
