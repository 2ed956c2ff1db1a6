"""The shareable link: parse never raises and always yields a valid Experiment; to_query is canonical and exact."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from declarations import BOOL, CHOICE, FLOAT, INT, TEXT, Param
from experiments.data import Data, encode_inline
from experiments.limits import (
    DATA_MAX_ROWS,
    MAX_LABEL_LENGTH,
    MAX_QUERY_LENGTH,
    MAX_RUNS,
    MAX_STEPS,
    MAX_SWEEP_AXES,
    MAX_SWEEP_COUNT,
    MAX_SWEEP_WORK,
    MAX_WARNINGS,
    MAX_WORK,
    START_LIMIT,
)
from experiments.measures import MEASURE, MEASURES, TOLERANCE
from experiments.model import (
    LABEL_FORBIDDEN,
    NOISE,
    SEED,
    STEPS,
    Axis,
    Experiment,
    Run,
    clean_label,
    finite_at,
    sweepable,
)
from experiments.url import View, fit_zoom, parse, parse_view, to_query, work_limits, work_per_step
from optimizers import OPTIMIZERS, SCHEDULES
from surfaces import SURFACES, get_surface
from surfaces.yours import Formula

ISSUE_LINK = ("?surface=rosenbrock&a=1&b=100&start=-1.5,2&steps=500&seed=0&opt=adam(lr=0.01,beta1=0.9)"
              "&opt=momentum(lr=0.001,momentum=0.9,schedule=cosine)&opt=sgd(lr=0.001,noise=0.5)&step=120&lang=zh")


# -- validity of whatever parse returns --------------------------------------------------------------------------


def in_range(param: Param, value: object) -> bool:
    if param.kind == BOOL:
        return isinstance(value, bool)
    if param.kind == CHOICE:
        return value in param.choices
    if param.kind == INT:
        return isinstance(value, int) and not isinstance(value, bool) and param.low <= value <= param.high
    if param.kind == TEXT:
        return param.coerce(value) == (value, None)
    return isinstance(value, float) and math.isfinite(value) and param.low <= value <= param.high


def assert_params(params: tuple[Param, ...], values: dict, owner: str) -> None:
    assert list(values) == [p.name for p in params], owner
    for p in params:
        assert in_range(p, values[p.name]), f"{owner}: {p.name}={values[p.name]!r}"


def assert_valid(experiment: Experiment) -> None:
    assert isinstance(experiment, Experiment)
    assert experiment.surface in SURFACES
    assert_params(SURFACES[experiment.surface].params, experiment.surface_params, experiment.surface)
    assert len(experiment.start) == 2
    assert all(isinstance(v, float) and math.isfinite(v) and abs(v) <= START_LIMIT for v in experiment.start)
    assert in_range(STEPS, experiment.steps) and 1 <= experiment.steps <= MAX_STEPS
    assert in_range(SEED, experiment.seed)
    assert 1 <= len(experiment.runs) <= MAX_RUNS
    for r in experiment.runs:
        opt = OPTIMIZERS[r.optimizer]
        assert_params(opt.params, r.hyper, r.optimizer)
        assert not (opt.check and opt.check(r.hyper)), r.hyper  # combinations torch would reject are repaired
        assert r.schedule in SCHEDULES
        assert_params(SCHEDULES[r.schedule].params, r.schedule_params, r.schedule)
        assert in_range(NOISE, r.noise)
        assert isinstance(r.label, str) and r.label == clean_label(r.label) and len(r.label) <= MAX_LABEL_LENGTH
    assert_valid_sweep(experiment)


def assert_valid_sweep(experiment: Experiment) -> None:
    """A sweep names a float setting every run has, within every run's range, with 2–256 values (one axis) or
    2–64 on each of two, and the whole grid within the sweep's work limit."""
    assert experiment.measure in MEASURES and in_range(TOLERANCE, experiment.tolerance)
    assert len(experiment.sweep) <= MAX_SWEEP_AXES
    assert len({a.name for a in experiment.sweep}) == len(experiment.sweep)
    for axis in experiment.sweep:
        params = [sweepable(r).get(axis.name) for r in experiment.runs]
        assert None not in params, axis
        assert all(p.low <= axis.low < axis.high <= p.high for p in params), axis
        assert isinstance(axis.count, int) and 2 <= axis.count <= MAX_SWEEP_COUNT[len(experiment.sweep) - 1]
        assert axis.log == params[0].log
        assert all(math.isfinite(v) for v in axis.values())
    points = math.prod(a.count for a in experiment.sweep) if experiment.sweep else 0
    assert points * experiment.steps * work_per_step(list(experiment.runs)) <= MAX_SWEEP_WORK


def check_hostile(query: str) -> None:
    experiment, warnings = parse(query)
    assert isinstance(warnings, list) and all(isinstance(w, str) and w for w in warnings)
    assert len(warnings) <= MAX_WARNINGS + 1
    assert_valid(experiment)
    # Whatever we made of the link must be shareable: its canonical form reads back exactly and silently.
    assert parse(to_query(experiment)) == (experiment, [])

    view, view_warnings = parse_view(query)
    assert isinstance(view, View)
    assert view.step is None or (isinstance(view.step, int) and 0 <= view.step <= MAX_STEPS)
    assert isinstance(view_warnings, list) and len(view_warnings) <= MAX_WARNINGS + 1


# -- the issue's example -------------------------------------------------------------------------------------------


def test_issue_example_parses_silently_into_the_right_experiment():
    experiment, warnings = parse(ISSUE_LINK)
    assert warnings == []  # step and lang are view keys, not unknown ones
    expected = Experiment(
        "rosenbrock",
        [Run("adam", lr=0.01, beta1=0.9), Run("momentum", lr=0.001, momentum=0.9, schedule="cosine"),
         Run("sgd", lr=0.001, noise=0.5)],
        start=(-1.5, 2.0), steps=500, seed=0, surface_params={"a": 1.0, "b": 100.0},
    )
    assert experiment == expected
    assert [r.optimizer for r in experiment.runs] == ["adam", "momentum", "sgd"]  # legend order
    assert experiment.runs[0].hyper["lr"] == 0.01 and experiment.runs[0].hyper["beta2"] == 0.999
    assert experiment.runs[1].schedule == "cosine" and experiment.runs[1].schedule_params == {"T_max": 0,
                                                                                              "eta_min": 0.0}
    assert experiment.runs[2].noise == 0.5 and experiment.runs[2].hyper["momentum"] == 0.0
    assert experiment.start == (-1.5, 2.0) and experiment.surface_params == {"a": 1.0, "b": 100.0}


def test_issue_example_view_keys():
    view, warnings = parse_view(ISSUE_LINK)
    assert warnings == []
    assert view.step == 120 and view.lang == "zh"
    assert not view.present and view.hide == () and view.lesson == ""


def test_view_round_trips_through_to_query():
    experiment, _ = parse(ISSUE_LINK)
    query = to_query(experiment, View(step=120, lang="zh"))
    assert query.endswith("&step=120&lang=zh")
    assert parse(query) == (experiment, [])
    assert parse_view(query) == (View(step=120, lang="zh"), [])


def test_every_page_key_round_trips_in_canonical_order():
    experiment, _ = parse(ISSUE_LINK)
    view = View(step=7, zoom=(-1.0, 0.5, 0.25, 2.0), lang="zh-TW", present=True, hide=("results", "runs"),
                lesson="zigzag", plot="3d", arrows="taylor")
    query = to_query(experiment, view)
    assert query.endswith("&step=7&view=-1.0,0.5,0.25,2.0&lang=zh-TW&lesson=zigzag&present=1&plot=3d"
                          "&arrows=taylor&hide=results,runs")
    assert parse(query) == (experiment, []) and parse_view(query) == (view, [])


def test_plot_is_3d_or_the_contour_and_anything_else_says_so():
    assert parse_view("plot=3D")[0].plot == "3d"
    assert "plot=" not in to_query(parse("")[0], View(plot="2d"))
    view, warnings = parse_view("plot=<script>")
    assert view.plot == "" and len(warnings) == 1 and "3d" in str(warnings[0])


def test_arrows_are_what_the_contour_can_draw_and_anything_else_says_so():
    assert parse_view("arrows=ALL")[0].arrows == "all"
    assert parse_view("arrows=run") == (View(), [])  # the default, never written
    assert "arrows=" not in to_query(parse("")[0], View(arrows=""))
    view, warnings = parse_view("arrows=%3Cscript%3E")
    assert view.arrows == "" and len(warnings) == 1 and "taylor" in str(warnings[0])


@pytest.mark.parametrize("raw", ["nan,1,2,3", "1,0,0,1", "0,1,1,0", "0,1,2", "0,1,2,3,4", "-1e9,1,0,1", "a,b,c,d",
                                 "", "1" * 100 + ",2,3,4"])
def test_a_bad_zoom_is_dropped_with_a_warning(raw):
    view, warnings = parse_view(f"view={raw}")
    assert view.zoom is None and len(warnings) == 1 and "showing the whole surface" in warnings[0]


# -- round trip of valid experiments ------------------------------------------------------------------------------


def float_values(p: Param) -> st.SearchStrategy[float]:
    """Defaults, anything in range, both ends, and log-spread values down to 1e-300, so repr does real work."""
    low, high = float(p.low), float(p.high)
    tiny = max(low, 1e-300)
    spread = st.floats(math.log10(tiny), math.log10(high)).map(lambda u: 10.0**u).filter(lambda v: low <= v <= high)
    return st.one_of(st.just(float(p.default)), st.sampled_from([low, high]), spread,
                     st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False))


FORMULAS = st.sampled_from([cls.expression for cls in SURFACES.values() if cls.expression]
                           + [Formula.params[0].default, "x + y", "log(x) + y^2", "sqrt(x*y) - 1e-3/x", "2^x * 0.5"])
BOXES = st.tuples(*[st.floats(-1000, 1000, allow_subnormal=False)] * 4).filter(
    lambda b: b[1] - b[0] >= 1e-6 and b[3] - b[2] >= 1e-6).map(lambda b: ",".join(map(repr, b)))
INLINE_DATA = st.integers(2, DATA_MAX_ROWS).flatmap(lambda n: st.tuples(
    st.lists(st.floats(-1e6, 1e6, width=32), min_size=n, max_size=n).filter(lambda u: len(set(u)) >= 2),
    st.lists(st.floats(-1e6, 1e6, width=32), min_size=n, max_size=n),
)).map(lambda pair: encode_inline(Data(np.array(pair[0]), np.array(pair[1]))))


def text_values(p: Param) -> st.SearchStrategy:
    """Typed text that reads back as itself: formulas, boxes, and datasets built in or inline."""
    return {"f": FORMULAS, "box": BOXES, "data": st.one_of(st.sampled_from(p.choices), INLINE_DATA)}[p.name]


def values_of(p: Param) -> st.SearchStrategy:
    if p.kind == TEXT:
        return text_values(p)
    if p.kind == BOOL:
        return st.booleans()
    if p.kind == CHOICE:
        return st.sampled_from(p.choices)
    if p.kind == INT:
        return st.one_of(st.just(p.default), st.integers(int(p.low), int(p.high)))
    assert p.kind == FLOAT
    return float_values(p)


def settings_of(params: tuple[Param, ...]) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({p.name: values_of(p) for p in params})


# Built once: rebuilding strategies inside every draw costs hypothesis more than the test itself.
OPTIMIZER_SETTINGS = {name: settings_of(opt.params) for name, opt in OPTIMIZERS.items()}
SCHEDULE_SETTINGS = {name: settings_of(schedule.params) for name, schedule in SCHEDULES.items()}
SURFACE_SETTINGS = {name: settings_of(cls.params) for name, cls in SURFACES.items()}
NOISES = st.one_of(st.just(0.0), float_values(NOISE))


def make_valid(optimizer: str, hyper: dict) -> dict:
    """Respect the optimizers' cross-parameter rules (torch rejects Nesterov without momentum or with dampening)."""
    if optimizer == "sgd" and hyper["nesterov"]:
        hyper = {**hyper, "dampening": 0.0, "momentum": hyper["momentum"] or 0.5}
    return hyper


# Printable, not forbidden, whitespace collapsed: exactly what Run(label=…) accepts. CJK and emoji are common in
# labels and take 9 and 12 characters once percent-encoded.
LABEL_CHARS = st.one_of(
    st.characters(exclude_categories=("C", "Z"), exclude_characters="".join(LABEL_FORBIDDEN)), st.just(" "),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0x1F600, max_codepoint=0x1F64F),
)
LABELS = st.one_of(
    st.just(""),
    st.text(LABEL_CHARS, max_size=MAX_LABEL_LENGTH).map(lambda s: " ".join(s.split())),
    st.text(LABEL_CHARS, min_size=MAX_LABEL_LENGTH, max_size=2 * MAX_LABEL_LENGTH).map(clean_label),  # full length
).filter(lambda s: clean_label(s) == s)


@st.composite
def runs(draw) -> Run:
    optimizer = draw(st.sampled_from(list(OPTIMIZERS)))
    hyper = make_valid(optimizer, draw(OPTIMIZER_SETTINGS[optimizer]))
    schedule = draw(st.sampled_from(list(SCHEDULES)))
    schedule_params = draw(SCHEDULE_SETTINGS[schedule])
    noise = draw(NOISES)
    return Run(optimizer, schedule=schedule, noise=noise, label=draw(LABELS), **hyper, **schedule_params)


COORDINATES = st.floats(-START_LIMIT, START_LIMIT, allow_nan=False, allow_subnormal=False)
RUN_LISTS = st.lists(runs(), min_size=1, max_size=MAX_RUNS) | st.lists(runs(), min_size=MAX_RUNS, max_size=MAX_RUNS)


@st.composite
def experiments(draw) -> Experiment:
    surface = draw(st.sampled_from(list(SURFACES)))
    surface_params = SURFACES[surface].repair(draw(SURFACE_SETTINGS[surface]))[0]
    # A valid experiment starts where the loss is finite (the crescent's exp term overflows far above the ring).
    bound = get_surface(surface, **surface_params)
    start = draw(st.tuples(COORDINATES, COORDINATES).filter(lambda point: finite_at(bound, point)))
    runs = draw(RUN_LISTS)
    # A link may not ask for more work than MAX_WORK (L-BFGS's long histories make each step costly).
    most_steps = min(MAX_STEPS, work_limits(SURFACES[surface])[0] // work_per_step(runs))
    steps = draw(st.integers(1, most_steps))
    return Experiment(
        surface, runs, start=start, steps=steps, seed=draw(st.integers(0, 2**32 - 1)), surface_params=surface_params,
        sweep=draw(sweeps(runs, steps, work_limits(SURFACES[surface])[1])),
        measure=draw(st.sampled_from(MEASURE.choices)),
        tolerance=draw(st.one_of(st.just(TOLERANCE.default), float_values(TOLERANCE))),
    )


@st.composite
def sweeps(draw, runs: list[Run], steps: int, work: int = MAX_SWEEP_WORK) -> list[Axis]:
    """No sweep, or one or two axes over settings every run has, within the work limit."""
    common = [name for name in sweepable(runs[0]) if all(name in sweepable(r) for r in runs)]
    names = draw(st.lists(st.sampled_from(common), max_size=MAX_SWEEP_AXES, unique=True))
    most = MAX_SWEEP_COUNT[len(names) - 1] if names else 0
    budget = work // (steps * work_per_step(runs))
    axes = []
    for name in names:
        params = [sweepable(r)[name] for r in runs]
        floor, ceiling = max(p.low for p in params), min(p.high for p in params)
        ends = float_values(Param(name, floor, floor, ceiling, log=params[0].log))
        low, high = sorted(draw(st.tuples(ends, ends).filter(lambda pair: pair[0] != pair[1])))
        room = int(budget ** (1 / len(names)))
        if room < 2:
            return []
        axes.append(Axis(name, low, high, draw(st.integers(2, min(most, room))), params[0].log))
    return axes


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(experiments())
def test_to_query_round_trips_every_valid_experiment(experiment):
    query = to_query(experiment)
    parsed, warnings = parse(query)
    assert warnings == []
    assert parsed == experiment
    assert to_query(parsed) == query  # canonical: one experiment, one link


def test_the_longest_valid_experiment_round_trips():
    # Everything a link may hold at its limit: MAX_RUNS runs, long non-ASCII labels, every setting off default.
    label = "学" * MAX_LABEL_LENGTH
    run = Run("adam", lr=1.2345678901234567e-05, beta1=0.12345678901234567, beta2=0.2345678901234567,
              eps=1.2345678901234567e-07, weight_decay=1.2345678901234567, amsgrad=True, bias_correction=False,
              schedule="warmup_cyclic", warmup=12345, max_lr=1.2345678901234567e-05, step_size_up=12345,
              noise=12.345678901234567, label=label)
    experiment = Experiment("crescent", [run] * MAX_RUNS, start=(-123.45678901234567, 98.76543210987654),
                            steps=MAX_STEPS, seed=2**32 - 1,
                            surface_params={"wall": 1.2345678901234567, "height": 0.12345678901234567})
    assert parse(to_query(experiment)) == (experiment, [])


# -- hostile links -----------------------------------------------------------------------------------------------

BAD_NUMBERS = ["nan", "NaN", "-nan", "inf", "-inf", "+inf", "Infinity", "1e999", "-1e999", "1e-999", "-5", "-1",
               "0", "1e12", "1e308", "-1e308", "4294967296", "", " ", "abc", "0x10", "1_000", "1.5", "١٢", "++1",
               "1e", ".", "  7  ", "%00", "%ff", "9" * 50, "1" + "0" * 400, "None", "true", "-0", "0.5e-320"]


def numeric_places() -> list[str]:
    """Query templates with {} in every place a number can go."""
    places = ["start={},0", "start=0,{}", "start={}", "start={},{}", "steps={}", "seed={}", "step={}",
              "opt=sgd(lr=0.01,noise={})", "sweep=lr:{}:1:8", "sweep=lr:1e-4:{}:8", "sweep=lr:1e-4:1:{}",
              "sweep={}:0:1:8", "sweep=lr:{}", "sweep=noise:0:1:8&sweep=lr:1e-3:{}:{}", "measure={}", "tolerance={}",
              "opt=momentum(lr=0.01)&sweep=momentum:{}:{}:64&sweep=lr:1e-4:1:{}"]
    for surface in SURFACES.values():
        places += [f"surface={surface.id}&{p.name}={{}}" for p in surface.params]
    for opt in OPTIMIZERS.values():
        places += [f"opt={opt.id}({p.name}={{}})" for p in opt.params]
    for schedule in SCHEDULES.values():
        places += [f"opt=gd(lr=0.01,schedule={schedule.id},{p.name}={{}})" for p in schedule.params]
    return places


def hostile_queries() -> list[str]:
    queries = [place.replace("{}", bad) for place in numeric_places() for bad in BAD_NUMBERS]
    megabyte = 1_000_000
    queries += [
        # very long
        "a" * megabyte, "opt=" + "x" * megabyte, "opt=adam(" + "lr=0.1," * (megabyte // 7) + ")",
        "&" * megabyte, "=" * megabyte, "(" * megabyte, "surface=" + "é" * megabyte, "%" * megabyte,
        "opt=gd&" * megabyte,  # a million runs
        "&".join(f"opt=gd(lr=0.{k + 1})" for k in range(50)), "&".join(f"junk{k}=1" for k in range(500)),
        "opt=adam(label=" + "x" * 10_000 + ")",
        # parentheses and names
        "opt=adam(lr=0.1", "opt=adam)lr=0.1(", "opt=adam((lr=0.1))", "opt=adam(lr=(0.1))", "opt=adam(lr=0.1)(x=1)",
        "opt=()", "opt=(", "opt=)", "opt=(lr=1)", "opt=adam(" + "(" * 1000, "opt=" + "adam(" * 300 + ")" * 300,
        "opt=", "=", "&&&", "=&=", "surface=", "&=1", "opt=adam(=1)", "opt=adam(,,,)", "opt=adam(lr=)",
        "opt=adam(lr)", "opt=adam(lr==1)", "opt=1adam", "opt=ad am", "opt=adam extra", "opt=ADAM(LR=0.1)",
        "opt=adam(lr=1,lr=2)", "steps=5&steps=6", "surface=saddle&surface=beale", "opt=adam(schedule=a,schedule=b)",
        "opt=gd(momentum=0.9)", "opt=sgd(nesterov=true)", "opt=sgd(nesterov=true,momentum=0.9,dampening=0.5)",
        "opt=adam(schedule=cosine,warmup=5)", "opt=adam(noise=1,noise=2)", "opt=adam(label=a,label=b)",
        # text
        "surface=\u202erosenbrock", "opt=adam(label=\u202eevil\u202c)", "opt=adam(label=😀🚀👩‍👩‍👧)", "steps=١٠٠",
        "opt=ａｄａｍ(lr=1)", "surface=ROSENBROCK", "surface=rosenbro\u212a", "opt=adam(label=\u200b\u200b)",
        "opt=adam(label=\ud800)", "surface=\udcff", "opt=adam(label=a\u00a0b)", "opt=adam(label=\t\n\r)",
        "opt=adam(label=<script>alert(1)</script>)", "opt=adam(label=a<b>c\"d'e)", "lang=" + "😀" * 100,
        "\x00", "steps=5\x00", "opt=adam(lr=0.1)\n", "\r\n", "opt=adam(label=%00%01%7f)", "%00=%00",
        "%ff=%fe", "opt=adam(lr=%ff)", "opt=adam(label=%ff%fe)", "%", "%%", "%g0", "opt=adam%28lr%3D0.5%29",
        "opt=adam(label=%28%29%2C%3D)", "surface=%73addle", "opt=%E2%80%AEadam",
        # separators
        "surface=saddle;steps=5", "opt=adam(lr=0.1);opt=gd", "surface=saddle+steps=5", "opt=adam(lr=+0.1)",
        "opt=adam(label=a+b)", "opt=adam(lr=0.1)&&opt=gd&", "opt=adam(lr=0.1;beta1=0.5)", "steps=5&amp;seed=3",
        # whole links
        "https://descent.lab/?surface=saddle&steps=50#frag", "http://x/?#", "https://e.com/p?opt=adam(lr=0.1)#opt=gd",
        "?surface=beale#x", "#surface=beale", "descent-lab://open?surface=saddle&steps=7", "mailto:x?surface=saddle",
        "https://descent.lab/?" + ISSUE_LINK[1:] + "#" + ISSUE_LINK, "??surface=saddle", "https://", "http://?",
        "https://user:pw@host:99999/?steps=5", "   https://descent.lab/?steps=5   ", "https://descent.lab/#?steps=5",
        # limits
        "steps=-5", "steps=1e12", "seed=-1", "seed=1e30", "start=1e6,-1e6", "start=1,2,3", "start=,", "start=1",
        "opt=adam(lr=0)", "opt=adam(lr=-1)", "opt=lbfgs(history_size=0)", "opt=lbfgs(history_size=2.5)",
        "opt=adam(beta1=1)", "opt=adam(eps=0)", "opt=gd(lr=0.1,schedule=step,step_size=0)",
        # sweeps
        "sweep=lr:1e-4:1:64&sweep=lr:1e-3:1:8", "sweep=lr:1e-4:1:64&sweep=noise:0:1:64&sweep=momentum:0:1:4",
        "opt=gd(lr=0.1)&sweep=momentum:0:0.9:8", "opt=momentum(lr=0.1)&opt=adam(lr=0.1)&sweep=momentum:0:0.9:8",
        "sweep=lr:1:1:8", "sweep=lr:1:1e-9:8", "sweep=lr::1:8", "sweep=lr:1e-4:1:8:9", "sweep=:::", "sweep=",
        "sweep=lr", "sweep=lr:1e-4:1:1e9", "sweep=lr:1e-4:1:-3", "sweep=lr:1e-4:1:2.5", "sweep=LR:1e-4:1:8",
        "sweep=lr:1e-4:1:256&sweep=noise:0:1:256", "steps=100000&sweep=lr:1e-9:10:256&" + "&".join(
            f"opt=lbfgs(lr={k + 1})" for k in range(12)), "sweep=label:0:1:8", "sweep=schedule:0:1:8",
        "sweep=lr:1e-4:1:64" * 100, "&".join(["sweep=lr:1e-4:1:64"] * 1000), "measure=final_loss&measure=nan",
        "measure=" + "x" * 1000, "tolerance=0", "tolerance=-1", "opt=nesterov(lr=0.1)&sweep=momentum:0:0.9:8",
        "opt=sgd(lr=0.1,nesterov=true,momentum=0.9)&sweep=momentum:0:0.9:8", "sweep=eps:0:1:8",
        "opt=newton(lr=1)&sweep=damping:0:1e9:8", "opt=lbfgs(lr=1)&sweep=history_size:1:100:8",
    ]
    return queries


def test_hostile_queries_give_valid_experiments():
    queries = hostile_queries()
    assert len(queries) >= 1000
    failures = []
    for query in queries:
        try:
            check_hostile(query)
        except Exception as error:  # collect them all, so one run shows every offending link
            failures.append(f"{query[:120]!r}: {type(error).__name__}: {str(error)[:300]}")
    assert not failures, f"{len(failures)} of {len(queries)} failed:\n" + "\n".join(failures[:30])


QUERY_CHARS = st.sampled_from([*"=&(),.;+-%#?:/ eE019afx_", "opt", "lr", "surface", "steps", "start", "seed", "label",
                               "schedule", "noise", "nan", "%ff", "é"])
KEYS = st.sampled_from(["surface", "start", "steps", "seed", "opt", "step", "lang", "a", "b", "kappa", "A", "width",
                        "tilt", "variant", "wall", "sweep", "measure", "tolerance", ""]) | st.text(max_size=8)
RUN_KEYS = st.sampled_from(sorted({p.name for o in OPTIMIZERS.values() for p in o.params}
                                  | {p.name for s in SCHEDULES.values() for p in s.params}
                                  | {"schedule", "noise", "label"})) | st.text(max_size=6)
SWEEP_PARTS = st.sampled_from(["lr", "momentum", "beta1", "noise", "eps", "label", "", "1e-4", "1", "64", "0", "-1",
                               "nan", "1e999", "2.5", "300"])
VALUES = st.sampled_from(BAD_NUMBERS + list(SURFACES) + list(SCHEDULES) + list(MEASURES) + ["0.01", "-1.5,2", "true"]) \
    | st.text(max_size=12) | st.floats().map(repr) | st.lists(SWEEP_PARTS, max_size=5).map(":".join)


@st.composite
def junk_runs(draw) -> str:
    name = draw(st.sampled_from(list(OPTIMIZERS)) | st.text(max_size=6))
    items = draw(st.lists(st.tuples(RUN_KEYS, VALUES).map("=".join), max_size=6))
    return f"{name}({','.join(items)})" if draw(st.booleans()) else name + ",".join(items)


@st.composite
def junk_queries(draw) -> str:
    pairs = draw(st.lists(st.one_of(st.tuples(KEYS, VALUES).map("=".join), junk_runs().map("opt={}".format)),
                          max_size=20))
    query = "&".join(pairs)
    prefix = st.sampled_from(["", "?", "https://descent.lab/?"]) | st.text(max_size=12).map("http://{}/?".format)
    return draw(prefix) + query


@settings(max_examples=600, deadline=None)
@given(st.one_of(st.text(), st.lists(QUERY_CHARS, max_size=200).map("".join), junk_queries()))
def test_generated_junk_gives_valid_experiments(query):
    check_hostile(query)


@pytest.mark.parametrize("link", [
    "http://[::1/?surface=saddle&steps=5",  # unbalanced IPv6 bracket in the host
    "http://a]b/?steps=5",
    "http://ex\u2100ample.com/?surface=saddle",  # ℀ turns into 'a/c' under NFKC
])
def test_malformed_hosts_in_full_links_do_not_raise(link):
    check_hostile(link)


def test_a_label_cut_at_the_length_limit_has_no_trailing_space():
    # 39 letters, a space, then more: cutting at 40 characters must not leave "…a " behind.
    raw = "a" * (MAX_LABEL_LENGTH - 1) + " bcd"
    experiment, warnings = parse(f"opt=adam(lr=0.01,label={raw})")
    assert len(warnings) == 1 and "label" in warnings[0]
    label = experiment.runs[0].label
    assert label == label.strip() and label == "a" * (MAX_LABEL_LENGTH - 1)
    assert parse(to_query(experiment)) == (experiment, [])


def test_a_megabyte_query_is_read_quickly():
    query = "surface=saddle&" + "opt=adam(lr=0.01)&" * 60_000
    assert len(query) > 1_000_000
    began = time.perf_counter()
    experiment, warnings = parse(query)
    elapsed = time.perf_counter() - began
    assert experiment.surface == "saddle" and len(experiment.runs) == MAX_RUNS
    assert any(str(MAX_QUERY_LENGTH) in w for w in warnings)
    print(f"1 MB query parsed in {elapsed * 1000:.1f} ms")


# -- specific warnings --------------------------------------------------------------------------------------------


def only_warning(query: str) -> tuple[Experiment, str]:
    experiment, warnings = parse(query)
    assert len(warnings) == 1, warnings
    return experiment, warnings[0]


def test_unknown_key_is_ignored_with_a_warning():
    experiment, warning = only_warning("surface=saddle&colour=blue&opt=gd(lr=0.1)")
    assert "colour" in warning and "unknown" in warning
    assert experiment.surface == "saddle" and [r.optimizer for r in experiment.runs] == ["gd"]


def test_surface_parameter_of_another_surface_is_an_unknown_key():
    experiment, warning = only_warning("surface=ellipse&b=5&opt=gd(lr=0.1)")
    assert "'b'" in warning
    assert experiment.surface_params == {"kappa": 10.0, "angle": 0.0}


def test_unknown_surface_falls_back_to_rosenbrock():
    experiment, warning = only_warning("surface=moebius&opt=gd(lr=0.1)")
    assert "moebius" in warning and "rosenbrock" in warning
    assert experiment.surface == "rosenbrock"


def test_unknown_optimizer_skips_that_run_only():
    experiment, warning = only_warning("opt=adam(lr=0.1)&opt=magic(lr=1)&opt=gd(lr=0.2)")
    assert "magic" in warning
    assert [(r.optimizer, r.lr) for r in experiment.runs] == [("adam", 0.1), ("gd", 0.2)]


def test_no_usable_run_falls_back_to_the_default_runs():
    experiment, warnings = parse("opt=magic(lr=1)")
    assert len(warnings) == 2 and "magic" in warnings[0]
    assert 1 <= len(experiment.runs) <= MAX_RUNS
    assert parse("")[0].runs == experiment.runs


def test_unknown_schedule_becomes_constant():
    experiment, warning = only_warning("opt=adam(lr=0.1,schedule=sawtooth)")
    assert "sawtooth" in warning and "constant" in warning
    assert experiment.runs[0].schedule == "constant" and experiment.runs[0].lr == 0.1


def test_out_of_range_values_are_clamped_and_say_so():
    experiment, warning = only_warning("opt=adam(lr=50)")
    assert experiment.runs[0].lr == 10.0
    assert "lr" in warning and "10.0" in warning
    experiment, warning = only_warning("opt=adam(lr=0.1,beta1=-3)")
    assert experiment.runs[0].hyper["beta1"] == 0.0 and "beta1" in warning
    experiment, warning = only_warning("surface=ellipse&kappa=1e9&opt=gd")
    assert experiment.surface_params["kappa"] == 1000.0 and "kappa" in warning
    experiment, warning = only_warning("start=-5000,3&opt=gd")
    assert experiment.start == (-START_LIMIT, 3.0) and "start" in warning


def test_steps_above_the_limit_are_capped():
    experiment, warning = only_warning(f"steps={MAX_STEPS * 10}&opt=gd")
    assert experiment.steps == MAX_STEPS
    assert "steps" in warning and f"{MAX_STEPS}" in warning


def test_steps_that_are_not_numbers_fall_back_to_the_default():
    experiment, warning = only_warning("steps=abc&opt=gd")
    assert experiment.steps == STEPS.default and "steps" in warning and "abc" in warning


def test_more_than_max_runs_keeps_the_first_ones():
    count = MAX_RUNS + 3
    experiment, warning = only_warning("&".join(f"opt=gd(lr={k + 1}e-3)" for k in range(count)))
    assert [r.lr for r in experiment.runs] == [float(f"{k + 1}e-3") for k in range(MAX_RUNS)]
    assert str(count) in warning and str(MAX_RUNS) in warning


def test_label_with_forbidden_characters_is_cleaned():
    experiment, warning = only_warning("opt=adam(lr=0.1,label=<b>fast\"'</b>)")
    assert experiment.runs[0].label == "bfast/b"
    assert "label" in warning


def test_warnings_are_capped():
    _, warnings = parse("&".join(f"junk{k}=1" for k in range(100)))
    assert len(warnings) == MAX_WARNINGS + 1
    assert all("junk" in w for w in warnings[:MAX_WARNINGS]) and "junk" not in warnings[-1]


def test_nesterov_without_momentum_is_repaired():
    experiment, warning = only_warning("opt=sgd(lr=0.1,nesterov=true)")
    assert experiment.runs[0].hyper["nesterov"] is False and "esterov" in warning


# -- canonical form ------------------------------------------------------------------------------------------------


def test_canonical_query_exact_text():
    experiment = Experiment("rosenbrock", [Run("adam", lr=0.01)], start=(-1.5, 2))
    assert to_query(experiment) == "surface=rosenbrock&a=1.0&b=100.0&start=-1.5,2.0&steps=500&seed=0&opt=adam(lr=0.01)"


def test_issue_example_canonical_form():
    experiment, _ = parse(ISSUE_LINK)
    assert to_query(experiment) == (
        "surface=rosenbrock&a=1.0&b=100.0&start=-1.5,2.0&steps=500&seed=0&opt=adam(lr=0.01)"
        "&opt=momentum(lr=0.001,schedule=cosine)&opt=sgd(lr=0.001,noise=0.5)"
    )


def test_defaults_are_omitted_except_lr():
    for name, opt in OPTIMIZERS.items():
        query = to_query(Experiment("saddle", [Run(name)]))
        assert query.endswith(f"&opt={name}(lr={opt.params[0].format(opt.params[0].default)})"), query


def test_settings_are_written_in_declaration_order():
    run = Run("momentum", label="fast one", noise=0.5, warmup=20, schedule="warmup_cosine", eta_min=0.0001,
              momentum=0.8, lr=0.001)
    query = to_query(Experiment("saddle", [run]))
    assert query.endswith("&opt=momentum(lr=0.001,momentum=0.8,schedule=warmup_cosine,warmup=20,eta_min=0.0001,"
                          "noise=0.5,label=fast%20one)")
    run = Run("adam", amsgrad=True, eps=1e-6, beta2=0.99, lr=0.003)
    assert to_query(Experiment("saddle", [run])).endswith("&opt=adam(lr=0.003,beta2=0.99,eps=1e-06,amsgrad=true)")


def test_surface_parameters_in_declaration_order_and_floats_by_repr():
    experiment = Experiment("crescent", [Run("gd", lr=0.1)], start=(0.1, 1 / 3), steps=7, seed=9,
                            surface_params={"decay": 2, "wall": 1.1 + 2.2})
    assert to_query(experiment) == ("surface=crescent&wall=3.3000000000000003&height=1.0&decay=2.0"
                                    "&start=0.1,0.3333333333333333&steps=7&seed=9&opt=gd(lr=0.1)")


def test_punctuation_stays_readable_and_the_rest_is_encoded():
    run = Run("adam", lr=0.01, schedule="step", step_size=10, label="a+b; c/d ü?")
    query = to_query(Experiment("rosenbrock", [run, Run("gd", lr=0.1)], start=(-1.5, 2)))
    assert "opt=adam(lr=0.01,schedule=step,step_size=10,label=a%2Bb;%20c%2Fd%20%C3%BC%3F)" in query
    assert "%28" not in query and "%29" not in query and "%2C" not in query and "%3D" not in query
    assert parse(query)[0].runs[0].label == "a+b; c/d ü?"


def test_a_link_is_limited_in_work_not_only_in_steps():
    many = "&".join(f"opt={name}(lr=0.01)" for name in ("gd", "momentum", "nesterov", "adam", "rmsprop", "adagrad",
                                                        "adamw", "nadam", "radam", "adamax", "lamb", "adadelta"))
    experiment, warnings = parse(f"surface=ellipse&steps=100000&{many}")
    assert experiment.steps == 100_000 and warnings == []  # twelve different optimizers fit
    # L-BFGS with its full history for 100,000 steps fits, beside other runs.
    experiment, warnings = parse("surface=ellipse&steps=100000&opt=lbfgs(lr=1.0)&opt=adagrad(lr=0.1)")
    assert work_per_step(list(experiment.runs)) == 12  # L-BFGS's 100-pair history costs 11, plus one
    assert experiment.steps == 100_000 and warnings == []
    heavy = "&".join(f"opt=lbfgs(lr={lr})" for lr in (0.1, 0.2, 0.3))
    experiment, warnings = parse(f"surface=ellipse&steps=100000&{heavy}")
    assert work_per_step(list(experiment.runs)) == 33
    assert experiment.steps == MAX_WORK // 33
    assert warnings == [f"steps=100000 is too much work for these runs (a link may ask for {MAX_WORK:,} run-steps, "
                        f"and an L-BFGS step counts as 1 + history_size/10 of them); using steps={MAX_WORK // 33}"]
    # Every run counts, batched or not.
    sweep = "&".join(f"opt=lbfgs(lr={lr},history_size=10)" for lr in (0.1, 0.5, 1.0))
    assert work_per_step(list(parse(sweep)[0].runs)) == 6


def test_a_zoom_must_show_some_of_the_surface():
    box = (-2.0, 2.0, -1.0, 3.0)
    assert fit_zoom((-1.0, 0.5, 0.5, 2.0), box) is None
    assert fit_zoom((-1.9, -1.8, 0.9, 1.0), box) is None  # a deep zoom is fine
    for unusable in [(0.0, 1e-300, 0.0, 1.0), (0.0, 1e-12, 0.0, 1e-12), (5000.0, 6000.0, 5000.0, 6000.0),
                     (0.0, 1.0, 0.0, 1e-5)]:
        assert fit_zoom(unusable, box).key == "zoom-unusable", unusable
