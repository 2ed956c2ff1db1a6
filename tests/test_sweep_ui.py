"""The sweep on the page, without a browser: the panel's edits become the next link, a click loads a grid point,
tuning says what it did, and the figures draw exactly the engine's table."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from experiments import Experiment, Run, run
from experiments.measures import measures_of, minima_of
from experiments.sweep import measured, sweep
from experiments.url import parse, to_query
from optimizers import OPTIMIZERS
from ui.callbacks import on_sweep, payload_bytes, sweep_key, swept
from ui.figures import loss_offset
from ui.formats import typed
from ui.state import controls_of, edit
from ui.sweeps import sweep_figure

LINE = Experiment("ellipse", [Run("gd", lr=0.01), Run("momentum", lr=0.01)], start=(-4.0, 0.5), steps=300,
                  surface_params={"kappa": 10.0}, sweep=[("lr", 1e-3, 1.0, 32)])
PHASE_QUERY = ("surface=ellipse&kappa=100&start=-4,0.5&steps=1000&opt=momentum(lr=0.01)"
               "&sweep=lr:0.001:0.1:64&sweep=momentum:0:0.99:64&measure=steps_to_tolerance&tolerance=1e-6")


def decode(spec) -> np.ndarray:
    import base64

    if isinstance(spec, dict):
        array = np.frombuffer(base64.b64decode(spec["bdata"]), dtype=np.dtype(spec["dtype"]).newbyteorder("<"))
        return array.reshape([int(n) for n in spec["shape"].split(",")]) if "shape" in spec else array
    return np.asarray(spec, dtype=float)


def figure_of(experiment, selected=0):
    table = sweep(experiment)
    result = run(experiment.replace(sweep=()))
    names = [r.name for r in experiment.runs]
    return table, sweep_figure(table, result.surface, names, measured(experiment), loss_offset(result),
                               selected=selected)


def by_role(figure, role):
    return [t for t in figure["data"] if t.get("meta", {}).get("role") == role]


# -- the panel and the clicks ------------------------------------------------------------------------------------

def test_choosing_a_setting_sweeps_its_usual_range():
    shown = controls_of(LINE.replace(sweep=()))
    shown.sweep = [{"name": "lr", "low": None, "high": None, "count": None}]
    experiment, messages = edit(LINE.replace(sweep=()), shown)
    assert messages == []
    assert [(a.name, a.low, a.high, a.count, a.log) for a in experiment.sweep] == [("lr", 1e-5, 1.0, 64, True)]
    shown = controls_of(experiment)
    shown.sweep.append({"name": "noise", "low": None, "high": None, "count": None})
    experiment, messages = edit(experiment, shown)
    assert [(a.name, a.low, a.high, a.count) for a in experiment.sweep] == [("lr", 1e-5, 1.0, 64),
                                                                           ("noise", 0.0, 1.0, 32)]


def test_typed_ranges_are_kept_or_repaired_with_a_message():
    shown = controls_of(LINE)
    shown.sweep[0].update(low="0.01", high="abc", count="1000")
    experiment, messages = edit(LINE, shown)
    axis = experiment.sweep[0]
    assert (axis.low, axis.high, axis.count) == (0.01, 1.0, 256)
    assert any("not a finite number" in m for m in messages) and any("count=1000" in m for m in messages)
    shown = controls_of(LINE)
    shown.sweep[0]["name"] = ""
    experiment, _ = edit(LINE, shown)
    assert experiment.sweep == ()


def test_a_setting_not_every_run_has_is_refused_with_a_message():
    shown = controls_of(LINE)
    shown.sweep = [{"name": "momentum", "low": None, "high": None, "count": None}]
    experiment, messages = edit(LINE, shown)
    assert experiment.sweep == ()
    assert any("momentum' cannot be swept: gd has no such setting" in m for m in messages)


def test_the_measure_and_tolerance_travel_in_the_link():
    shown = controls_of(LINE)
    shown.measure, shown.tolerance = "steps_to_tolerance", "1e-6"
    experiment, _ = edit(LINE, shown)
    assert (experiment.measure, experiment.tolerance) == ("steps_to_tolerance", 1e-6)
    assert to_query(experiment).endswith("&sweep=lr:0.001:1.0:32&measure=steps_to_tolerance&tolerance=1e-06")


def test_a_click_on_a_point_sets_that_run_to_exactly_that_value():
    values = LINE.sweep[0].values()
    experiment, messages = edit(LINE, controls_of(LINE), ("pick", 1, [7]))
    assert messages == [] and experiment.runs[1].lr == values[7] and experiment.runs[0].lr == 0.01
    assert experiment.sweep == LINE.sweep
    phase, _ = parse(PHASE_QUERY)
    experiment, _ = edit(phase, controls_of(phase), ("pick", 0, [10, 50]))
    assert experiment.runs[0].lr == phase.sweep[0].values()[10]
    assert experiment.runs[0].hyper["momentum"] == phase.sweep[1].values()[50]
    for forged in ([99], [-1], ["a"], [1, 2], None, [True]):  # from the page: untrusted
        unchanged, _ = edit(LINE, controls_of(LINE), ("pick", 0, forged))
        assert unchanged == LINE


def test_tune_sets_the_best_lr_says_so_and_shows_the_sweep_behind_it():
    plain = LINE.replace(sweep=())
    experiment, messages = edit(plain, controls_of(plain), ("tune", 1))
    (note,) = messages
    assert note.key == "tuned"
    assert note.startswith("momentum lr=0.01: lr tuned over 64 values in [1e-05, 1] for 300 steps: best final loss")
    assert experiment.sweep and experiment.sweep[0].count == 64 and experiment.runs[0].lr == 0.01
    table = sweep(experiment)
    finals = table.runs[1].measure("final_loss")
    assert experiment.runs[1].lr == table.values[0][int(np.nanargmin(finals))]
    everything, notes = edit(plain, controls_of(plain), ("tune-all",))
    assert [n.key for n in notes] == ["tuned", "tuned"]
    assert everything.runs[1].lr == experiment.runs[1].lr


def test_a_tuned_message_reads_in_chinese_with_the_measure_translated():
    from ui.i18n import text

    plain = LINE.replace(sweep=(), measure="best_loss")
    _, (note,) = edit(plain, controls_of(plain), ("tune", 0))
    shown = text("zh-CN").message(note)
    assert "最低损失" in shown and "best loss" not in shown and "调优" in shown


# -- the figures ---------------------------------------------------------------------------------------------------

def test_the_line_figure_draws_the_table_and_marks_undefined_points_on_the_strip():
    table, figure = figure_of(LINE)
    curves = by_role(figure, "sweep-curve")
    assert len(curves) == 2
    for index, trace in enumerate(curves):
        finals = table.runs[index].measure("final_loss")
        drawn = decode(trace["y"])
        defined = np.isfinite(finals)
        assert np.array_equal(np.isfinite(drawn), defined)  # undefined values are gaps, never numbers
        assert np.allclose(drawn[defined & (finals > 0)], finals[defined & (finals > 0)].astype(np.float32))
        assert np.array_equal(decode(trace["x"]), table.values[0].astype(np.float32))
    strips = by_role(figure, "sweep-strip")
    assert {t["meta"]["row"] for t in strips} == {"diverged"}
    for trace in strips:
        gone = table.runs[trace["meta"]["run"]].diverged_at >= 0
        assert np.array_equal(decode(trace["x"]), table.values[0][gone].astype(np.float32))
        assert [index for _, index in trace["customdata"]] == np.flatnonzero(gone).tolist()
    # One strip row per run, so marks at one value do not hide each other; the strip says what its marks mean.
    assert [t["y"][0] for t in strips] == [t["meta"]["run"] for t in strips]
    assert figure["layout"]["annotations"][0]["text"] == "✕ diverged"


def test_the_line_figure_draws_each_rules_stability_edge_on_the_ellipse():
    _, figure = figure_of(LINE)
    edges = {round(t["meta"]["value"], 9): t["text"][1] for t in by_role(figure, "edge")}
    assert edges == {0.2: "2/λmax = 0.2", 0.38: "2(1+μ)/λmax = 0.38"}
    rosenbrock = Experiment("rosenbrock", [Run("gd", lr=0.001)], steps=50, sweep=[("lr", 1e-4, 1e-2, 8)])
    _, figure = figure_of(rosenbrock)
    assert by_role(figure, "edge") == []  # not a quadratic: no edge to draw


def test_each_run_is_marked_at_its_own_value_with_its_own_measure():
    _, figure = figure_of(LINE)
    (current,) = by_role(figure, "sweep-current")
    result = run(LINE.replace(sweep=()))
    minima = minima_of(result.surface)
    assert current["x"] == [0.01, 0.01]
    assert current["y"] == [measures_of(rr, minima, 1e-3).final_loss for rr in result.runs]


def test_the_phase_diagram_is_the_table_with_diverged_cells_apart_and_goh_s_optimum():
    experiment, _ = parse(PHASE_QUERY)
    table, figure = figure_of(experiment)
    (heat,) = by_role(figure, "phase")
    z = decode(heat["z"])  # rows are the second axis (momentum), columns the first (lr)
    steps = table.runs[0].measure("steps_to_tolerance").T
    gone = (table.runs[0].diverged_at >= 0).T
    never = ~gone & ~np.isfinite(steps)
    assert z.shape == (64, 64)
    ok = np.isfinite(steps)
    assert np.allclose(z[ok], np.log10(steps[ok]).astype(np.float32), atol=1e-6)
    low = float(np.log10(np.nanmin(steps)))
    assert (z[gone] < low).all() and (z[never] < low).all()  # below the colour scale, in their own bands
    assert len(set(z[gone].tolist())) == 1 and len(set(z[never].tolist())) == 1 and z[gone][0] != z[never][0]
    assert heat["text"][0][-1].startswith("diverged at step")
    (optimum,) = by_role(figure, "optimum")
    assert optimum["x"] == [pytest.approx((2 / 11) ** 2)] and optimum["y"] == [pytest.approx((9 / 11) ** 2)]
    (edge,) = by_role(figure, "edge")
    mu = decode(edge["y"]).astype(float)
    assert np.allclose(decode(edge["x"]), 2 * (1 + mu) / 100, rtol=1e-6)
    marks = by_role(figure, "phase-marks")[0]
    best = table.runs[0].best("steps_to_tolerance")
    assert marks["x"][0] == table.values[0][best[0]] and marks["y"][0] == table.values[1][best[1]]
    assert marks["x"][1] == 0.01 and marks["y"][1] == 0.9  # the run itself


def test_a_64_by_64_diagram_travels_in_under_100_kb_gzipped():
    query = to_query(parse(PHASE_QUERY)[0])
    outputs = on_sweep(query, 0, {"lang": "en"})
    raw = payload_bytes(outputs)
    from plotly.io.json import to_json_plotly

    zipped = len(gzip.compress(to_json_plotly(list(outputs)).encode()))
    assert raw < 250_000 and zipped < 100_000, (raw, zipped)


def test_the_sweep_callback_hides_everything_without_a_sweep_and_keeps_a_click_cheap():
    figure, hidden, tabs_hidden, *_ = on_sweep(to_query(LINE.replace(sweep=())), 0, {"lang": "en"})
    assert hidden and tabs_hidden and figure["data"] == []
    picked, _ = edit(LINE, controls_of(LINE), ("pick", 0, [20]))
    assert sweep_key(picked) == sweep_key(LINE)  # the table is reused: only the run's own path is new
    assert swept(picked).runs[0].run == picked.runs[0]


def test_no_nan_or_inf_reaches_the_json():
    experiment = Experiment("ellipse", [Run("gd", lr=0.01)], start=(-4.0, 0.5), steps=200,
                            sweep=[("lr", 0.01, 10.0, 16)])
    outputs = on_sweep(to_query(experiment), 0, {"lang": "en"})
    from plotly.io.json import to_json_plotly

    text = to_json_plotly(list(outputs))
    assert "NaN" not in text and "Infinity" not in text


def test_the_stability_edge_of_sgd_follows_its_settings():
    sgd = OPTIMIZERS["sgd"]
    values = sgd.values({p.name: p.default for p in sgd.params})
    assert sgd.edge({**values, "momentum": 0.0}, 1.0, 10.0) == pytest.approx(0.2)
    assert sgd.edge({**values, "momentum": 0.9}, 1.0, 10.0) == pytest.approx(0.38)
    assert sgd.edge({**values, "momentum": 0.9, "nesterov": True}, 1.0, 10.0) == pytest.approx(3.8 / 28)
    assert sgd.edge({**values, "momentum": 0.5, "dampening": 0.5}, 1.0, 10.0) == pytest.approx(0.6)
    assert sgd.edge({**values, "weight_decay": 10.0}, 1.0, 10.0) == pytest.approx(0.1)


def test_typed_keeps_integer_customdata_small():
    spec = typed(np.array([[0, 1], [0, 2]]), "i4")
    assert spec["dtype"] == "i4" and spec["shape"] == "2,2"
