"""The compiled engine: an update rule and a surface, compiled together by numba into one stepping loop.

For each (rule, surface) pair, experiments/kernels.py's loop template is bound to the rule's update and the
surface's f, grad_f and hess_f, and compiled with every plain function they call. The equations are the same
Python functions the NumPy engine runs on arrays; only the elementwise helpers change form
(elementwise/scalar_forms.py). No fast-math: the bits equal the NumPy engine's.

Kernels are cached on disk (numba's cache, in `cache_folder()`), under a name that carries a digest of every
source they are built from, so an edited rule or surface compiles afresh and a second process compiles
nothing. If numba is missing or a kernel fails to compile, runs fall back to NumPy with one line in the log.

In a long-lived process (the web app) `start_background()` compiles the kernels it is given, and any kernel a
request wants but does not have yet, on a background thread; until a kernel is ready, small work runs on NumPy
and large work waits for the compiler (which is faster than NumPy would be).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
import types
from pathlib import Path

import numpy as np

from experiments.limits import DIVERGENCE_RADIUS

log = logging.getLogger(__name__)

CACHE_ENV = "DESCENT_LAB_CACHE"
OURS = ("optimizers", "surfaces", "experiments")  # plain functions from these are compiled along with a kernel
# Below this estimate of NumPy seconds a group runs on NumPy while its kernel compiles in the background; above
# it the group waits for the compiler. Compiling a kernel takes about a second, NumPy about 5 µs a step.
NUMPY_SECONDS_PER_STEP = 5e-6
NUMPY_RUNS_PER_STEP = 32  # an elementwise NumPy step of this many runs costs about twice one run's (measured)
WORTH_COMPILING = 0.5

_lock = threading.RLock()  # guards the bookkeeping below
_compiler = threading.Lock()  # held while a kernel compiles
_state: dict = {"numba": None, "problem": None, "background": None, "waiting": 0}
_kernels: dict[tuple, object] = {}  # (rule, surface functions) -> compiled dispatcher
_ready: set[tuple] = set()  # kernels compiled or loaded in this process
_failed: dict[tuple, str] = {}
_jitted: dict[object, object] = {}  # plain function -> its compiled form, shared between kernels


def cache_folder() -> Path:
    """Where compiled kernels are kept: $DESCENT_LAB_CACHE, else numba's own $NUMBA_CACHE_DIR, else the user's
    cache folder; a temporary folder if none of these can be written."""
    for candidate in (os.environ.get(CACHE_ENV), os.environ.get("NUMBA_CACHE_DIR"),
                      Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "descent-lab" / "numba"):
        if not candidate:
            continue
        try:
            Path(candidate).mkdir(parents=True, exist_ok=True)
            probe = Path(candidate) / f".write-{os.getpid()}"
            probe.write_text("")
            probe.unlink()
            return Path(candidate)
        except OSError:
            continue
    return Path(tempfile.mkdtemp(prefix="descent-lab-numba-"))


def _numba():
    """numba, imported on first use with the cache folder set; None (and one log line) if it cannot be."""
    with _lock:
        if _state["numba"] is None and _state["problem"] is None:
            os.environ.setdefault("NUMBA_CACHE_DIR", str(cache_folder()))
            os.environ.setdefault("NUMBA_DISABLE_INTEL_SVML", "1")  # Intel's vector math would change the bits
            try:
                import numba

                import elementwise.scalar_forms  # noqa: F401  (registers the scalar forms with numba)
                from experiments import kernels  # noqa: F401
                _state["numba"] = numba
            except Exception as error:  # ImportError, or a numba that does not work on this machine
                _state["problem"] = f"{type(error).__name__}: {error}"
                log.warning("numba is unavailable (%s); optimizers run on NumPy", _state["problem"])
        return _state["numba"]


def available() -> bool:
    return _numba() is not None


def unavailable() -> str:
    return _state["problem"] or ""


def disable(reason: str) -> None:
    """Run everything on NumPy from now on (tests use it to check the fallback)."""
    with _lock:
        _state["numba"], _state["problem"] = None, reason


# -- building kernels ------------------------------------------------------------------------------------------

def _surface_functions(surface) -> tuple:
    cls = type(surface)
    return (cls.f, cls.grad_f, cls.hess_f)


def _key(optimizer, surface) -> tuple:
    return (optimizer.update, *_surface_functions(surface))


def _compile_tree(function, sources: list[str]):
    """`function` compiled, with every plain function of ours it calls compiled too (a copy of it whose globals
    name the compiled forms). The sources of everything compiled go into `sources`."""
    sources.append(inspect.getsource(function))
    if function in _jitted:
        _collect_sources(function, sources, set())
        return _jitted[function]
    bound = dict(function.__globals__)
    for name in function.__code__.co_names:
        value = bound.get(name)
        if _is_ours(value):
            bound[name] = _compile_tree(value, sources)
    copy = types.FunctionType(function.__code__, bound, function.__name__, function.__defaults__)
    _jitted[function] = _numba().njit(error_model="numpy")(copy)
    return _jitted[function]


def _collect_sources(function, sources: list[str], seen: set) -> None:
    for name in function.__code__.co_names:
        value = function.__globals__.get(name)
        if _is_ours(value) and value not in seen:
            seen.add(value)
            sources.append(inspect.getsource(value))
            _collect_sources(value, sources, seen)


def _is_ours(value) -> bool:
    return isinstance(value, types.FunctionType) and value.__module__.split(".")[0] in OURS


def _build(optimizer, surface):
    from experiments import kernels

    numba = _numba()
    template = kernels.coupled_loop if optimizer.coupled else kernels.elementwise_loop
    sources = [inspect.getsource(kernels), inspect.getsource(sys.modules["elementwise.scalar_forms"])]
    f, grad_f, hess_f = _surface_functions(surface)
    bound = dict(template.__globals__)
    for name in template.__code__.co_names:  # the template's own helpers
        if _is_ours(bound.get(name)):
            bound[name] = _compile_tree(bound[name], sources)
    bound.update(rule=_compile_tree(optimizer.update, sources), f=_compile_tree(f, sources),
                 grad_f=_compile_tree(grad_f, sources), hess_f=_compile_tree(hess_f, sources),
                 HYPER=len(optimizer.arguments), STATE=len(optimizer.state), CURVATURE=optimizer.curvature)
    digest = hashlib.sha256("\0".join(sources).encode()).hexdigest()[:16]
    # The name is where numba files the cached machine code: one file per rule, surface and version of both.
    name = f"{template.__name__}__{optimizer.update.__name__}__{type(surface).__name__}__{digest}"
    copy = types.FunctionType(template.__code__, bound, name)
    copy.__qualname__ = name
    return numba.njit(cache=True, error_model="numpy", nogil=True)(copy)


def _prepare(optimizer, surface, *, compile_now: bool, urgent: bool = True):
    """The kernel for this pair if it is ready, or once compiled when `compile_now`; else None. An `urgent`
    compile (a request waits for it) goes before the background thread's next one."""
    key = _key(optimizer, surface)
    if key in _ready:
        return _kernels[key]
    if not compile_now or key in _failed or not available():
        return None
    if urgent:
        with _lock:
            _state["waiting"] += 1
    try:
        with _compiler:  # numba compiles one function at a time anyway
            if key in _ready:
                return _kernels[key]
            if key in _failed:
                return None
            try:
                began = time.perf_counter()
                kernel = _kernels.get(key) or _build(optimizer, surface)
                _kernels[key] = kernel
                _warm(kernel, optimizer, surface)
                _ready.add(key)
                log.info("kernel %s on %s ready in %.2f s", optimizer.update.__name__, type(surface).__name__,
                         time.perf_counter() - began)
                return kernel
            except Exception as error:
                _failed[key] = f"{type(error).__name__}: {error}"
                log.warning("compiling %s on %s failed (%s); it runs on NumPy", optimizer.update.__name__,
                            type(surface).__name__, _failed[key].splitlines()[0])
                return None
    finally:
        if urgent:
            with _lock:
                _state["waiting"] -= 1


def _warm(kernel, optimizer, surface) -> None:
    """Compile (or load from the cache) by one tiny call, so a request never waits for it."""
    from experiments.model import Experiment, Run
    from experiments.runner import make_groups

    experiment = Experiment.trusted(surface.id, surface.settings, (0.5, 0.5), 1, 0,
                                    [Run.trusted(optimizer.id, {p.name: p.default for p in optimizer.params},
                                                 "constant", {}, 0.0, "")])
    group = make_groups(experiment)[0]
    _call(kernel, surface, experiment, group)


def ready(optimizer, surface) -> bool:
    return _key(optimizer, surface) in _ready


def prepare(optimizer, surface) -> bool:
    """Compile (or load from the cache) one kernel now; whether it is ready."""
    return _prepare(optimizer, surface, compile_now=True) is not None


# -- stepping a group ------------------------------------------------------------------------------------------

def step(surface, experiment, group, *, wait: bool, summarize=None):
    """Step one group with its compiled kernel (experiments.runner.Stepped), or None to have NumPy do it. With
    `summarize` (experiments.runner.Summarize) it keeps each run's summary instead of its path."""
    opt = group.optimizer
    if _key(opt, surface) not in _ready and not wait:
        if numpy_seconds(experiment, group) < WORTH_COMPILING:
            if _state["background"] is not None:
                schedule([(opt, surface)])
            return None
    kernel = _prepare(opt, surface, compile_now=True)
    if kernel is None:
        return None
    return _call(kernel, surface, experiment, group, summarize)


def numpy_seconds(experiment, group) -> float:
    """A rough estimate of how long NumPy takes for a group: a coupled group steps its runs one by one; an
    elementwise group steps them all at once, which costs about one run's time up to a few hundred runs."""
    opt = group.optimizer
    runs = group.size if opt.coupled else 1 + group.size / NUMPY_RUNS_PER_STEP
    cost = max(opt.cost(opt.values(experiment.runs[group.members[0]].hyper)), 1)
    return experiment.steps * runs * cost * NUMPY_SECONDS_PER_STEP


def _call(kernel, surface, experiment, group, summarize=None):
    from experiments.runner import Stepped, initial_state, recorded_entries

    opt = group.optimizer
    steps, runs = experiment.steps, group.size
    record = summarize is None
    values = [opt.values(experiment.runs[i].hyper) for i in group.members]
    hyper = np.array([[row[name] for name in opt.arguments] for row in values],
                     dtype=np.float64).reshape(runs, len(opt.arguments))  # booleans and counts become floats
    recorded = recorded_entries(opt)
    kept = (runs, steps + 1) if record else (1, 1)  # a sweep writes no path
    points = np.empty((*kept, 2))
    losses, norms = np.empty(kept), np.empty(kept)
    internals = np.empty((*kept, len(recorded), 2))
    diverged_at = np.full(runs, -1, dtype=np.int64)
    summary = np.full((runs, 3), np.nan)
    reached = np.full(runs, -1, dtype=np.int64)
    minima = np.zeros((0, 2)) if record else np.ascontiguousarray(summarize.minima, dtype=np.float64).reshape(-1, 2)
    tolerance = 0.0 if record else float(summarize.tolerance)
    arguments = [np.array(experiment.start, dtype=float), surface.constants(), hyper, group.lr, group.unit_noise,
                 group.noise_row, group.sigma, initial_state(group, experiment).reshape(runs, len(opt.state)),
                 recorded, float(DIVERGENCE_RADIUS), record, minima, tolerance, points, losses, norms, internals,
                 diverged_at, summary, reached]
    if opt.coupled:
        shape = opt.memory(values[0])
        arguments.append(np.zeros((runs, *shape)))
    kernel(*arguments)
    if not record:
        empty = np.empty((runs, 0))
        return Stepped(empty, empty, empty, {}, diverged_at, summary, reached)
    named = {name: internals[:, :, k, :] for k, name in enumerate(opt.internals)}  # (runs, steps + 1, 2) each
    return Stepped(points, losses, norms, named, diverged_at)


# -- compiling ahead, in the background ---------------------------------------------------------------------------

def start_background(pairs=()) -> None:
    """Have kernels ready before anyone asks, for a long-lived process (each web worker calls it once it is up).

    A helper process compiles these (optimizer, surface) pairs, then every other pair of the catalogues, into the
    disk cache at low priority, so that compiling never takes this process's CPU or its GIL; a background thread
    here loads each kernel from the cache as the helper reports it done (milliseconds), and compiles kernels that
    `schedule` asks for. On a machine that has compiled before, the helper only confirms the cache."""
    with _lock:
        if _state["background"] is not None:
            return
        work: queue.Queue = queue.Queue()
        _state["background"] = work
    threading.Thread(target=_background, args=(work,), name="kernel-loader", daemon=True).start()
    threading.Thread(target=_helper, args=(work, [*pairs, *_every_pair()]), name="kernel-helper",
                     daemon=True).start()


def schedule(pairs) -> None:
    """Compile these pairs on the background thread (kernels a request wanted but did not have)."""
    work = _state["background"]
    if work is None:
        return
    for optimizer, surface in pairs:
        work.put((optimizer, surface))


def _background(work: queue.Queue) -> None:
    if not available():
        return
    while True:
        optimizer, surface = work.get()
        while _state["waiting"]:  # a request is waiting for a compile of its own: let it go first
            time.sleep(0.005)
        if not ready(optimizer, surface):
            _prepare(optimizer, surface, compile_now=True, urgent=False)


def _every_pair() -> list[tuple]:
    from optimizers import OPTIMIZERS
    from surfaces import SURFACES

    return [(optimizer, cls()) for cls in SURFACES.values() if cls.compilable for optimizer in OPTIMIZERS.values()]


def _helper(work: queue.Queue, pairs: list[tuple]) -> None:
    """Run the helper process and pass on each kernel it has put in the cache; compile here if it cannot run."""
    unique, seen = [], set()
    for optimizer, surface in pairs:
        if _key(optimizer, surface) not in seen:
            seen.add(_key(optimizer, surface))
            unique.append((optimizer, surface))
    environment = {**os.environ, CACHE_ENV: str(_cache()), "NUMBA_CACHE_DIR": str(_cache())}
    orders = [[optimizer.id, surface.id, surface.settings] for optimizer, surface in unique]
    try:
        helper = subprocess.Popen([sys.executable, "-m", "experiments.compiled"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=environment, text=True,
                                  preexec_fn=lambda: os.nice(19))
        helper.stdin.write(json.dumps({"parent": os.getpid(), "pairs": orders}))
        helper.stdin.close()
        for line in helper.stdout:
            index = int(line.split()[1])
            if line.startswith("ready"):
                work.put(unique[index])
        helper.wait()
    except (OSError, ValueError, IndexError) as error:
        log.warning("the kernel helper could not run (%s); compiling in this process instead", error)
        schedule(unique)


def _cache() -> Path:
    if _numba() is not None:
        return Path(os.environ["NUMBA_CACHE_DIR"])
    return cache_folder()


def _compile_for_others() -> None:
    """The helper process: compile the pairs given on stdin into the disk cache, one line per kernel done. One
    helper per cache folder works at a time (gunicorn starts several workers); the next finds the cache full."""
    import fcntl

    from optimizers import OPTIMIZERS
    from surfaces import get_surface

    orders = json.load(sys.stdin)
    with open(cache_folder() / ".compiling", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for index, (optimizer_id, surface_id, settings) in enumerate(orders["pairs"]):
            if os.getppid() != orders["parent"]:
                return  # the web worker is gone
            done = prepare(OPTIMIZERS[optimizer_id], get_surface(surface_id, **settings))
            print(f"{'ready' if done else 'failed'} {index}", flush=True)


def pairs_of(experiments) -> list[tuple]:
    """The (optimizer, surface) pairs some experiments need, each once."""
    from optimizers import OPTIMIZERS

    seen, pairs = set(), []
    for experiment in experiments:
        surface = experiment.make_surface()
        if not surface.compilable:
            continue
        for spec in experiment.runs:
            optimizer = OPTIMIZERS[spec.optimizer]
            key = _key(optimizer, surface)
            if key not in seen:
                seen.add(key)
                pairs.append((optimizer, surface))
    return pairs


__all__ = ["available", "cache_folder", "disable", "numpy_seconds", "pairs_of", "prepare", "ready", "schedule",
           "start_background", "step", "unavailable"]


if __name__ == "__main__":
    from experiments import compiled

    compiled._compile_for_others()
