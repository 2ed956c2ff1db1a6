"""Learning-rate schedules: hand-computed values, the warm-up rule, and agreement with torch.optim.lr_scheduler.

The torch values come from tests/data/torch_schedules.json, written by tests/reference/make_torch_schedules.py
(run with a Python that has torch; these tests never import it). Every test iterates SCHEDULES, and a schedule
without hand-computed values or torch reference cases fails.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from declarations import defaults
from optimizers.schedules import SCHEDULES, WARMUP

TORCH_JSON = Path(__file__).resolve().parent / "data" / "torch_schedules.json"


def run(schedule_id: str, steps: int, lr: float, **overrides: object) -> np.ndarray:
    """lr_t for t = 0 … steps, with settings built from the declared defaults and then overridden."""
    schedule = SCHEDULES[schedule_id]
    settings = defaults(schedule.params)
    unknown = set(overrides) - set(settings)
    assert not unknown, f"{schedule_id} has no parameter {unknown}"  # a typo would otherwise be ignored
    settings.update(overrides)
    return schedule(steps, lr, settings)


# -- hand-computed values ------------------------------------------------------------------------------------
# schedule id -> cases of (lr, steps, overrides, {t: lr_t worked out by hand}).
# The warm-up ramp with w = 4 is lr·(1/4 + (3/4)·t/4): 0.25, 0.4375, 0.625, 0.8125 times lr for t = 0 … 3;
# from t = w the base schedule starts again at its own t = 0.
EXPECTED: dict[str, list[tuple[float, int, dict, dict[int, float]]]] = {
    "constant": [(0.05, 20, {}, {0: 0.05, 7: 0.05, 20: 0.05})],
    "inverse_sqrt": [(0.1, 20, {}, {0: 0.1, 3: 0.05, 8: 0.1 / 3, 15: 0.025})],  # lr/√(t + 1)
    "step": [
        (0.1, 30, {"step_size": 10, "gamma": 0.5}, {0: 0.1, 9: 0.1, 10: 0.05, 19: 0.05, 20: 0.025, 25: 0.025}),
    ],
    "exponential": [(0.1, 10, {"gamma": 0.9}, {0: 0.1, 1: 0.09, 2: 0.081, 3: 0.0729})],
    "cosine": [
        # lr(1 + cos(πt/T))/2; past T_max it rises again, as torch's does
        (0.1, 200, {"T_max": 100}, {0: 0.1, 50: 0.05, 100: 0.0, 150: 0.05, 200: 0.1}),
        (0.1, 100, {"T_max": 100, "eta_min": 0.02}, {0: 0.1, 50: 0.06, 100: 0.02}),
        (0.1, 40, {"T_max": 0}, {0: 0.1, 20: 0.05, 40: 0.0}),  # T_max = 0: the whole run is one half-period
    ],
    "cyclic": [  # up from 0.01 to 0.1 in 10 steps, down in 10
        (0.01, 40, {"max_lr": 0.1, "step_size_up": 10}, {0: 0.01, 5: 0.055, 10: 0.1, 15: 0.055, 20: 0.01, 30: 0.1}),
    ],
    "warmup_constant": [(0.1, 20, {"warmup": 4}, {0: 0.025, 1: 0.04375, 2: 0.0625, 3: 0.08125, 4: 0.1, 20: 0.1})],
    "warmup_inverse_sqrt": [(0.1, 20, {"warmup": 4}, {0: 0.025, 2: 0.0625, 4: 0.1, 7: 0.05})],
    "warmup_step": [
        (0.1, 40, {"warmup": 4, "step_size": 10, "gamma": 0.5}, {0: 0.025, 3: 0.08125, 4: 0.1, 13: 0.1, 14: 0.05,
                                                                 29: 0.025}),
    ],
    "warmup_exponential": [(0.1, 10, {"warmup": 4, "gamma": 0.9}, {0: 0.025, 4: 0.1, 5: 0.09, 6: 0.081})],
    "warmup_cosine": [
        (0.1, 104, {"warmup": 4, "T_max": 0}, {0: 0.025, 4: 0.1, 54: 0.05, 104: 0.0}),  # the 100 steps after warm-up
        (0.1, 200, {"warmup": 10, "T_max": 100}, {9: 0.1 * (0.1 + 0.9 * 0.9), 10: 0.1, 60: 0.05, 110: 0.0}),
    ],
    "warmup_cyclic": [
        (0.01, 40, {"warmup": 4, "max_lr": 0.1, "step_size_up": 10}, {0: 0.0025, 4: 0.01, 9: 0.055, 14: 0.1,
                                                                       24: 0.01}),
    ],
}


@pytest.mark.parametrize("schedule_id", SCHEDULES)
def test_hand_computed_values(schedule_id):
    assert schedule_id in EXPECTED, f"schedule {schedule_id!r} has no hand-computed values; add some to EXPECTED"
    for lr, steps, overrides, expected in EXPECTED[schedule_id]:
        values = run(schedule_id, steps, lr, **overrides)
        assert values.shape == (steps + 1,)
        for t, value in expected.items():
            assert values[t] == pytest.approx(value, rel=1e-12, abs=1e-15), (overrides, t)


def test_expectations_name_real_schedules():
    assert set(EXPECTED) <= set(SCHEDULES)


# -- properties of every schedule ----------------------------------------------------------------------------
@pytest.mark.parametrize("schedule_id", SCHEDULES)
def test_shape_and_start(schedule_id):
    for steps in (0, 1, 3, 300):
        values = run(schedule_id, steps, 0.2)
        assert values.shape == (steps + 1,) and values.dtype == np.float64
        assert np.all(np.isfinite(values)) and np.all(values >= 0.0)
        warmup = WARMUP.default if schedule_id.startswith("warmup_") else 1
        assert values[0] == pytest.approx(0.2 / warmup, rel=1e-15)  # every base schedule starts at lr


@pytest.mark.parametrize("schedule_id", [s for s in SCHEDULES if s.startswith("warmup_")])
def test_warmup_ramp_then_base_restarts(schedule_id):
    base = SCHEDULES[schedule_id.removeprefix("warmup_")]
    assert SCHEDULES[schedule_id].params == (WARMUP, *base.params)
    lr, steps = 0.3, 120
    for warmup in (1, 5, 37, 119, 200):  # including a warm-up as long as, and longer than, the run
        values = run(schedule_id, steps, lr, warmup=warmup)
        t = np.arange(min(warmup, steps + 1))
        np.testing.assert_allclose(values[t], lr * (1 / warmup + (1 - 1 / warmup) * t / warmup), rtol=1e-15)
        if warmup <= steps:
            # the base schedule over the steps left, from its own t = 0
            after = base(steps - warmup, lr, defaults(base.params))
            np.testing.assert_allclose(values[warmup:], after, rtol=1e-15)
            assert values[warmup] == pytest.approx(lr, rel=1e-15)


# -- agreement with torch ------------------------------------------------------------------------------------
TORCH = json.loads(TORCH_JSON.read_text(encoding="utf-8"))
TORCH_CASES = TORCH["cases"]


def test_torch_reference_covers_every_schedule():
    assert {case["schedule"] for case in TORCH_CASES} == set(SCHEDULES), (
        "regenerate tests/data/torch_schedules.json with tests/reference/make_torch_schedules.py"
    )
    for case in TORCH_CASES:
        assert set(case["settings"]) == {p.name for p in SCHEDULES[case["schedule"]].params}, case["schedule"]
        assert len(case["lr_t"]) == case["steps"] + 1


def _torch_case_id(case: dict) -> str:
    args = [f"lr={case['lr']}", f"steps={case['steps']}", *(f"{k}={v}" for k, v in case["settings"].items())]
    return f"{case['schedule']}[{','.join(args)}]"


@pytest.mark.parametrize("case", TORCH_CASES, ids=[_torch_case_id(c) for c in TORCH_CASES])
def test_matches_torch(case):
    ours = SCHEDULES[case["schedule"]](case["steps"], case["lr"], case["settings"])
    theirs = np.array(case["lr_t"])
    # Torch's recursive updates (StepLR, ExponentialLR, CosineAnnealingLR, LinearLR) agree with our closed forms
    # to ~5e-15 relative over 300 steps. The absolute term allows only for numpy's and the C library's cos
    # differing in the last bit where 1 + cos(πt/T) cancels near the bottom of a cosine.
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14 * np.max(np.abs(theirs)))
