"""The compiled engine gives the NumPy engine's numbers bit for bit, falls back to NumPy when it cannot compile,
and compiles each kernel once per machine (a second process loads it from the disk cache).

The first run of this file compiles every (rule, surface) kernel: about a minute on the 2-core reference machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from experiments import compiled
from experiments.model import Experiment, Run
from experiments.runner import run
from optimizers import OPTIMIZERS
from surfaces import SURFACES
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(not compiled.available(), reason="numba is a dependency; it must import here")


def bits(array: np.ndarray) -> bytes:
    """The exact bytes of a float array: signed zeros and every last bit count."""
    return np.ascontiguousarray(array, dtype=np.float64).tobytes()


def assert_identical(a, b) -> None:
    assert a.diverged_at == b.diverged_at
    for name in ("points", "loss", "grad_norm", "lr"):
        assert bits(getattr(a, name)) == bits(getattr(b, name)), name
    assert a.internals.keys() == b.internals.keys()
    for name in a.internals:
        assert bits(a.internals[name]) == bits(b.internals[name]), name


def matrix_runs(optimizer_id: str) -> list[Run]:
    """Noise off and on, a schedule, weight decay where declared, and a rate large enough to blow up."""
    opt = OPTIMIZERS[optimizer_id]
    lr = opt.params[0].default
    runs = [Run(optimizer_id, lr=lr), Run(optimizer_id, lr=lr * 3, noise=0.3),
            Run(optimizer_id, lr=lr, schedule="warmup_cosine", warmup=10), Run(optimizer_id, lr=min(lr * 1e3, 10.0))]
    if "weight_decay" in {p.name for p in opt.params}:
        runs.append(Run(optimizer_id, lr=lr, weight_decay=0.05))
    return runs


@pytest.mark.parametrize("surface", [sid for sid, cls in SURFACES.items() if cls.compilable])
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_compiled_equals_numpy_bit_for_bit(optimizer, surface):
    experiment = Experiment(surface, matrix_runs(optimizer), steps=120, seed=11)
    fast, reference = run(experiment, engine="compiled"), run(experiment, engine="numpy")
    assert fast.engine == "compiled" and reference.engine == "numpy"
    for a, b in zip(fast.runs, reference.runs, strict=True):
        assert_identical(a, b)


def test_the_matrix_covers_divergence_noise_and_every_code_path():
    # A bit-for-bit match proves little if nothing interesting happened: the matrix must include runs that
    # diverge, noisy runs, and runs that stay finite to the end.
    diverged = finite = 0
    for optimizer in ("adam", "lbfgs", "newton", "sgd"):
        result = run(Experiment("rosenbrock", matrix_runs(optimizer), steps=120, seed=11), engine="compiled")
        diverged += sum(rr.diverged_at is not None for rr in result.runs)
        finite += sum(rr.diverged_at is None for rr in result.runs)
    assert diverged >= 3 and finite >= 8


@pytest.mark.parametrize("settings", [
    {"amsgrad": True}, {"bias_correction": False}, {"momentum": 0.9, "nesterov": True}, {"centered": True},
    {"momentum": 0.5, "dampening": 0.3}, {"rms": True, "lr_decay": 0.01}, {"decoupled_weight_decay": True},
    {"history_size": 3}, {"damping": 0.5},
])
def test_every_switch_takes_the_same_path_compiled(settings):
    optimizer = next(o for o in OPTIMIZERS.values() if set(settings) <= {p.name for p in o.params}
                     and o.id not in ("gd", "momentum", "nesterov"))
    extra = {"weight_decay": 0.01} if "decoupled_weight_decay" in settings else {}
    runs = [Run(optimizer.id, lr=optimizer.params[0].default, **settings, **extra)]
    experiment = Experiment("crescent", runs, steps=200, start=(0.4, 1.1))
    assert_identical(run(experiment, engine="compiled").runs[0], run(experiment, engine="numpy").runs[0])


def test_a_long_run_stays_identical():
    experiment = Experiment("crescent", [Run("adam", lr=0.01), Run("lbfgs", lr=0.5), Run("rmsprop", lr=0.003)],
                            steps=5_000, seed=2)
    for a, b in zip(run(experiment, engine="compiled").runs, run(experiment, engine="numpy").runs, strict=True):
        assert_identical(a, b)


def test_batched_and_unbatched_stay_identical_compiled():
    runs = [Run("adam", lr=lr, beta1=b1) for lr in (0.01, 0.03) for b1 in (0.8, 0.9)] + [Run("lamb", lr=0.01)]
    experiment = Experiment("rosenbrock", runs, steps=300)
    batched, alone = run(experiment, engine="compiled"), run(experiment, engine="compiled", batch=False)
    for a, b in zip(batched.runs, alone.runs, strict=True):
        assert_identical(a, b)


def test_auto_runs_small_work_on_numpy_and_large_work_compiled():
    small = Experiment("ellipse", [Run("gd", lr=0.01)], steps=50)
    large = Experiment("ellipse", [Run("gd", lr=0.01)], steps=100_000)
    assert compiled.numpy_seconds(small, _only_group(small)) < compiled.WORTH_COMPILING
    assert compiled.numpy_seconds(large, _only_group(large)) >= compiled.WORTH_COMPILING
    assert run(large).engine == "compiled"


def _only_group(experiment):
    from experiments.runner import make_groups

    (group,) = make_groups(experiment)
    return group


def _python(code: str, cache: str, **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DESCENT_LAB_CACHE": cache, **env}
    environment.pop("NUMBA_CACHE_DIR", None)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env=environment)


STATS = """
    import json
    from experiments import compiled
    from experiments.model import Experiment, Run
    from experiments.runner import run
    result = run(Experiment("himmelblau", [Run("radam", lr=0.02), Run("newton")], steps=300), engine="compiled")
    stats = {name: [sum(k.stats.cache_hits.values()), sum(k.stats.cache_misses.values())]
             for name, k in ((k.py_func.__name__, k) for k in compiled._kernels.values())}
    print(json.dumps({"stats": stats, "point": result.runs[0].points[-1].tolist()}))
"""


def test_a_second_process_compiles_nothing(tmp_path):
    first = _python(STATS, str(tmp_path))
    assert first.returncode == 0, first.stderr
    second = _python(STATS, str(tmp_path))
    assert second.returncode == 0, second.stderr
    before, after = json.loads(first.stdout), json.loads(second.stdout)
    assert len(before["stats"]) == 2 and all(misses == 1 for _, misses in before["stats"].values())
    assert after["stats"].keys() == before["stats"].keys()
    assert all(hits == 1 and misses == 0 for hits, misses in after["stats"].values()), after["stats"]
    assert after["point"] == before["point"]
    assert any(name.endswith(".nbc") for _, _, files in os.walk(tmp_path) for name in files)


FALLBACK = """
    import json, logging, sys
    sys.modules["numba"] = None  # as on a machine where numba is not installed
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    from experiments.model import Experiment, Run
    from experiments.runner import run
    experiment = Experiment("crescent", [Run("adam", lr=0.01), Run("lbfgs", lr=0.5)], steps=10_000)
    heavy = Experiment("crescent", [Run("gd", lr=0.001)], steps=100_000)
    results = [run(experiment), run(heavy)]
    try:
        run(experiment, engine="compiled")
        refused = ""
    except RuntimeError as error:
        refused = str(error)
    print(json.dumps({"engines": [r.engine for r in results], "refused": refused,
                      "points": [rr.points[-1].tolist() for r in results for rr in r.runs]}))
"""


def test_without_numba_the_same_numbers_come_from_numpy(tmp_path):
    done = _python(FALLBACK, str(tmp_path))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["engines"] == ["numpy", "numpy"]
    assert "compiled engine is unavailable" in report["refused"]
    # One line in the log says why, however many runs fall back.
    assert done.stderr.count("numba is unavailable") == 1, done.stderr
    experiment = Experiment("crescent", [Run("adam", lr=0.01), Run("lbfgs", lr=0.5)], steps=10_000)
    heavy = Experiment("crescent", [Run("gd", lr=0.001)], steps=100_000)
    expected = [rr.points[-1].tolist() for e in (experiment, heavy) for rr in run(e, engine="compiled").runs]
    assert report["points"] == expected


def test_a_kernel_that_fails_to_compile_falls_back_with_one_log_line(monkeypatch, caplog):
    experiment = Experiment("beale", [Run("adamax", lr=0.01)], steps=300)
    key = compiled._key(OPTIMIZERS["adamax"], experiment.make_surface())
    monkeypatch.setattr(compiled, "WORTH_COMPILING", 0.0)  # so that even this small run asks for its kernel
    monkeypatch.setattr(compiled, "_ready", set())
    monkeypatch.setattr(compiled, "_failed", {})
    monkeypatch.setitem(compiled._kernels, key, None)

    def broken(optimizer, surface):
        raise RuntimeError("the compiler gave up")

    monkeypatch.setattr(compiled, "_build", broken)
    caplog.set_level("WARNING", logger="experiments.compiled")
    first, second = run(experiment), run(experiment)
    assert first.engine == second.engine == "numpy"
    assert [r.getMessage() for r in caplog.records].count(
        "compiling adamax_update on Beale failed (RuntimeError: the compiler gave up); it runs on NumPy") == 1
    assert_identical(first.runs[0], run(experiment, engine="numpy").runs[0])


HELPER = """
    import json, time
    from experiments import compiled
    from optimizers import OPTIMIZERS
    from surfaces import get_surface
    pair = (OPTIMIZERS["adagrad"], get_surface("double_well"))
    compiled.start_background([pair])
    began = time.monotonic()
    while not compiled.ready(*pair) and time.monotonic() - began < 240:
        time.sleep(0.05)
    kernel = compiled._kernels[compiled._key(*pair)]
    print(json.dumps({"ready": compiled.ready(*pair), "hits": sum(kernel.stats.cache_hits.values()),
                      "misses": sum(kernel.stats.cache_misses.values())}))
"""


def test_the_background_helper_compiles_in_its_own_process_and_this_one_only_loads(tmp_path):
    done = _python(HELPER, str(tmp_path))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    # The web worker never compiled the kernel: the helper put it in the cache, and the worker loaded it.
    assert report == {"ready": True, "hits": 1, "misses": 0}
