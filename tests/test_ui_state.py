"""Edits to the page become the next experiment through the link parser; the run callback resends only runs."""

from __future__ import annotations

import gzip
import json

import pytest
from dash import Patch

from experiments import Experiment, Run
from experiments.limits import MAX_RUNS
from experiments.url import parse, to_query
from ui.callbacks import on_query, payload_bytes
from ui.landscape import LANDSCAPE_TRACES
from ui.state import Controls, controls_of, edit

BASE = Experiment("ellipse", [Run("gd", lr=0.01), Run("adam", lr=0.05, beta1=0.8)], steps=100,
                  surface_params={"kappa": 10.0})


def controls(**changes) -> Controls:
    shown = controls_of(BASE)
    for key, value in changes.items():
        setattr(shown, key, value)
    return shown


def test_unchanged_controls_give_the_same_experiment():
    experiment, messages = edit(BASE, controls())
    assert messages == [] and to_query(experiment) == to_query(BASE)


def test_a_typed_value_changes_only_that_setting():
    shown = controls()
    shown.runs[1]["beta2"] = 0.99
    experiment, messages = edit(BASE, shown)
    assert messages == []
    assert experiment.runs[1].hyper["beta2"] == 0.99 and experiment.runs[1].hyper["beta1"] == 0.8


def test_an_empty_field_keeps_the_current_value():
    shown = controls(steps=None)
    shown.runs[0]["lr"] = None
    experiment, _ = edit(BASE, shown)
    assert experiment.steps == 100 and experiment.runs[0].lr == 0.01


def test_out_of_range_values_are_clamped_with_a_message():
    shown = controls(steps=10**9)
    shown.runs[0]["lr"] = -3.0
    experiment, messages = edit(BASE, shown)
    assert experiment.steps == 100_000
    assert experiment.runs[0].lr == experiment.runs[0].hyper["lr"] > 0
    assert any("steps=1000000000 is above 100000" in m for m in messages)
    assert any(m.startswith("gd: lr=-3.0 is below") for m in messages)


def test_changing_the_optimizer_keeps_the_learning_rate_and_drops_foreign_settings():
    shown = controls()
    shown.runs[1]["optimizer"] = "rmsprop"
    experiment, messages = edit(BASE, shown)
    assert messages == []
    changed = experiment.runs[1]
    assert changed.optimizer == "rmsprop" and changed.lr == 0.05
    assert "beta1" not in changed.hyper and changed.hyper["alpha"] == 0.99  # torch's default


def test_changing_the_schedule_brings_its_own_defaults():
    shown = controls()
    shown.runs[0]["schedule"] = "step"
    experiment, _ = edit(BASE, shown)
    assert experiment.runs[0].schedule == "step"
    assert experiment.runs[0].schedule_params == {"step_size": 100, "gamma": 0.1}


def test_add_remove_and_duplicate():
    added, _ = edit(BASE, controls(), ("add",))
    assert [r.optimizer for r in added.runs] == ["gd", "adam", "momentum"]
    duplicated, _ = edit(BASE, controls(), ("duplicate", 1))
    assert duplicated.runs[1] == duplicated.runs[2] == BASE.runs[1]
    removed, _ = edit(BASE, controls(), ("remove", 0))
    assert removed.runs == (BASE.runs[1],)
    last = Experiment("ellipse", [Run("gd", lr=0.01)])
    kept, messages = edit(last, controls_of(last), ("remove", 0))
    assert kept.runs == last.runs and messages == ["an experiment needs at least one run"]


def test_runs_are_capped():
    full = Experiment("ellipse", [Run("gd", lr=0.01)] * MAX_RUNS)
    for action in (("add",), ("duplicate", 0)):
        experiment, messages = edit(full, controls_of(full), action)
        assert len(experiment.runs) == MAX_RUNS and messages == [f"an experiment has at most {MAX_RUNS} runs"]


def test_a_new_surface_brings_its_defaults_and_its_start():
    shown = controls(surface="crescent")
    experiment, messages = edit(BASE, shown, ("surface",))
    assert messages == []
    assert experiment.surface == "crescent"
    assert experiment.surface_params == {"wall": 5.0, "height": 1.0, "decay": 3.0}
    assert experiment.start == (0.5, 0.8)
    assert experiment.runs == BASE.runs


def test_a_click_sets_the_start_and_a_bad_one_is_refused_with_a_message():
    experiment, _ = edit(BASE, controls(), ("start", 1.25, -0.5))
    assert experiment.start == (1.25, -0.5)
    crescent = Experiment("crescent", [Run("gd", lr=0.01)])
    kept, messages = edit(crescent, controls_of(crescent), ("start", 0.0, 900.0))  # the loss overflows there
    assert kept.start == crescent.start and "overflows" in messages[0]


def test_labels_lose_characters_that_would_break_the_link():
    shown = controls()
    shown.runs[0]["label"] = "fast, (really)"
    experiment, messages = edit(BASE, shown)
    assert experiment.runs[0].label == "fast really"
    assert "fast really" in messages[0]


# -- the run callback ----------------------------------------------------------------------------------------------

def test_a_new_surface_sends_the_whole_figure_and_a_rerun_only_the_runs():
    query = to_query(BASE)
    contour, _curves, _table, status, drawn, playback = on_query(query, None, None)
    assert isinstance(contour, dict) and contour["layout"]["images"]
    assert playback == {"query": query, "steps": 100, "runs": 2}
    assert "2 runs × 100 steps" in status

    rerun = to_query(Experiment("ellipse", [Run("gd", lr=0.02)], steps=100, surface_params={"kappa": 10.0}))
    patched, *_, drawn_after, _ = on_query(rerun, None, drawn)
    assert isinstance(patched, Patch)
    operations = patched.to_plotly_json()["operations"]
    touched = {op["location"][1] for op in operations if op["location"][:1] == ["data"] and len(op["location"]) > 1}
    first_run = LANDSCAPE_TRACES
    assert min(touched) == first_run - 1  # the start marker, and nothing of the landscape
    assert any(op["operation"] == "Delete" for op in operations)  # two runs became one
    assert drawn_after["traces"] == first_run + 3
    # The patch is a small fraction of the whole figure.
    assert payload_bytes([patched]) < payload_bytes([contour]) / 3


def test_a_run_callback_with_six_runs_stays_within_its_byte_budget():
    six = "&".join(f"opt={name}(lr=0.001)" for name in ("gd", "momentum", "nesterov", "adam", "rmsprop", "adagrad"))
    before = to_query(parse(f"surface=rosenbrock&steps=1000&{six}")[0])
    after = before.replace("opt=gd(lr=0.001)", "opt=gd(lr=0.002)")
    first = on_query(before, None, None)
    rerun = on_query(after, None, first[4])
    assert isinstance(rerun[0], Patch)
    # The server gzips responses (flask-compress); what crosses the network is the compressed size.
    assert wire_bytes(rerun) < 150_000 < payload_bytes(first)
    json.dumps(first[0], allow_nan=False)


def wire_bytes(outputs) -> int:
    from plotly.io.json import to_json_plotly

    return len(gzip.compress(to_json_plotly(list(outputs)).encode(), compresslevel=6))


def test_a_failure_in_the_engine_becomes_a_message(monkeypatch):
    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr("ui.callbacks.render", broken)
    outputs = on_query("surface=ellipse", None, None)
    assert outputs[3].startswith("this experiment could not be computed")


@pytest.mark.parametrize("query", ["", None])
def test_no_query_no_work(query):
    from dash.exceptions import PreventUpdate

    with pytest.raises(PreventUpdate):
        on_query(query, None, None)


def test_hand_made_edits_are_ignored_not_a_crash():
    shown = controls(surface=["ellipse"])
    shown.runs[0]["optimizer"] = {"x": 1}
    shown.runs[1]["schedule"] = ["cosine"]
    experiment, _ = edit(BASE, shown)
    assert experiment.surface == "ellipse" and experiment.runs[0].optimizer == "gd"
    assert experiment.runs[1].schedule == "constant"


def test_a_forged_figure_account_gets_the_whole_figure():
    """The browser says how many traces its figure has; an implausible count is not trusted."""
    query = to_query(BASE)
    contour, *_ = on_query(query, None, {"view": "whatever", "traces": 3})
    first = on_query(query, None, None)
    forged = {**first[4], "traces": 10**9}
    contour, *_ = on_query(query, None, forged)
    assert isinstance(contour, dict) and contour["data"]  # a full figure, not a Patch of a billion deletions


def test_a_malformed_view_store_falls_back_to_english():
    query = to_query(BASE)
    outputs = on_query(query, None, None, {"lang": ["zh-CN"]})
    assert outputs[3].endswith("ms") and "runs" in outputs[3]


def test_a_zoomed_box_gets_its_own_landscape_and_a_forged_one_the_home_box():
    from ui.figures import view_key

    experiment = Experiment("rosenbrock", [Run("gd", lr=0.001)], steps=50)
    query = to_query(experiment)
    first = on_query(query, None, None)
    home = first[0]["layout"]["meta"]["landscape"]
    assert home == [-2.0, 2.0, -1.0, 3.0] and first[4]["box"] == home
    zoom = {"box": [0.998, 1.002, 0.998, 1.002], "view": view_key(experiment)}
    patched, *_, drawn_after, _ = on_query(query, zoom, first[4])
    operations = patched.to_plotly_json()["operations"]
    changed = {tuple(op["location"][:2]) for op in operations}
    assert {("data", 0), ("data", 1), ("data", 2), ("layout", "images")} <= changed  # the levels and the image
    assert drawn_after["box"] == zoom["box"]
    # A box for another surface's view, or one that cannot be shown, leaves the home landscape.
    for forged in ({"box": zoom["box"], "view": "saddle|..."}, {"box": [1, 0, 0, 1], "view": zoom["view"]},
                   {"box": ["nan", 1, 0, 1], "view": zoom["view"]}, {"box": [0, 1e-30, 0, 1e-30], "view": zoom["view"]},
                   "junk", {"box": None}):
        assert on_query(query, forged, None)[4]["box"] == home


def test_a_zoom_that_lands_while_an_edits_result_is_on_its_way_still_delivers_that_result(monkeypatch):
    """Dash keeps only the newest request's answer: a zoom sent just after an edit must not answer with the
    landscape alone, or the edit's result (the player's data) is lost and the page waits for ever."""
    from dash import no_update

    import ui.callbacks
    from ui.figures import view_key

    before = Experiment("rosenbrock", [Run("gd", lr=0.001)], steps=50)
    after = Experiment("rosenbrock", [Run("gd", lr=0.0005)], steps=50)
    drawn = on_query(to_query(before), None, None)[4]
    zoom = {"box": [-1.5, 0.5, 0.5, 2.5], "view": view_key(after)}
    monkeypatch.setattr(ui.callbacks, "_fired", lambda: {"zoom-box.data"})
    outputs = on_query(to_query(after), zoom, drawn)
    assert outputs[5] is not no_update and outputs[5]["query"] == to_query(after)
    # A zoom once that result is drawn: the landscape alone.
    outputs = on_query(to_query(after), {**zoom, "box": [-1.0, 0.0, 1.0, 2.0]}, outputs[4])
    assert isinstance(outputs[0], Patch) and outputs[5] is no_update
