"""The sweep in a real browser against the real server: what is drawn is the engine's table, a click on a point
or a cell loads that run at that value, and tuning says what it did."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.sweep import sweep
from experiments.url import parse, to_query
from tests.browser import current_query, open_app, traces, wait_for_result

pytestmark = pytest.mark.browser

LINE = ("surface=ellipse&kappa=10&start=-4,0.5&steps=300&opt=gd(lr=0.01)&opt=momentum(lr=0.01)"
        "&sweep=lr:0.001:1:48")
PHASE = ("surface=ellipse&kappa=100&start=-4,0.5&steps=1000&opt=momentum(lr=0.01)"
         "&sweep=lr:0.001:0.1:64&sweep=momentum:0:0.99:64&measure=steps_to_tolerance&tolerance=1e-6")

# The sweep plot as drawn: every trace with its decoded arrays, and the pixel position of a data point.
READ_SWEEP = """() => {
    const gd = document.querySelector('#sweep-plot .js-plotly-plot');
    const plain = (v) => (v === undefined || v === null) ? null : Array.from(v, (row) =>
        (row && row.length !== undefined && typeof row !== 'string') ? Array.from(row) : row);
    return {traces: gd._fullData.map((t) => ({meta: t.meta || null, type: t.type, x: plain(t.x), y: plain(t.y),
                                               z: plain(t.z)})),
            meta: gd.layout.meta, visible: gd.offsetParent !== null};
}"""
PIXEL = """([x, y]) => {
    const gd = document.querySelector('#sweep-plot .js-plotly-plot');
    const l = gd._fullLayout, box = gd.getBoundingClientRect();
    return [box.left + l.xaxis._offset + l.xaxis.c2p(l.xaxis.d2c(x)),
            box.top + l.yaxis._offset + l.yaxis.c2p(l.yaxis.d2c(y))];
}"""


def wait_for_sweep(page):
    page.wait_for_function("""() => { const gd = document.querySelector('#sweep-plot .js-plotly-plot');
        return gd && gd._fullData && gd._fullData.length > 0 && gd.offsetParent !== null; }""", timeout=60_000)
    return page.evaluate(READ_SWEEP)


def test_a_sweep_link_draws_the_engines_table_and_marks_divergence(live_server, page):
    open_app(page, live_server, LINE)
    drawn = wait_for_sweep(page)
    assert drawn["visible"] and drawn["meta"]["kind"] == "line"
    table = sweep(parse(LINE)[0])
    curves = [t for t in drawn["traces"] if t["meta"] and t["meta"]["role"] == "sweep-curve"]
    assert len(curves) == 2
    for trace, swept in zip(curves, table.runs, strict=True):
        finals = swept.measure("final_loss")
        ys = np.array([np.nan if v is None else v for v in trace["y"]], dtype=float)
        assert np.array_equal(np.isnan(ys), np.isnan(finals))  # a diverged lr is a gap …
        positive = np.isfinite(finals) & (finals > 0)
        assert np.allclose(ys[positive], finals[positive].astype(np.float32), rtol=1e-6)
    strips = [t for t in drawn["traces"] if t["meta"] and t["meta"]["role"] == "sweep-strip"]
    for trace in strips:  # … and a mark on the strip above, at exactly the lrs that diverged
        gone = table.runs[trace["meta"]["run"]].diverged_at >= 0
        assert np.allclose(trace["x"], table.values[0][gone].astype(np.float32), rtol=1e-6)
        assert set(trace["y"]) == {trace["meta"]["run"]} and trace["meta"]["row"] == "diverged"  # the run's row
    assert {t["meta"]["run"] for t in strips} == {0, 1}
    edges = sorted(round(t["meta"]["value"], 6) for t in drawn["traces"] if t["meta"] and t["meta"]["role"] == "edge")
    assert edges == [0.2, 0.38]
    assert page.locator("#panel-tabs").is_visible()
    page.click("#panel-tabs [data-tab=curves]")  # the curves are one tab away
    assert page.locator("#curves").is_visible() and not page.locator("#sweep-plot").is_visible()
    page.click("#panel-tabs [data-tab=sweep]")
    assert page.locator("#sweep-plot").is_visible()


def test_a_click_on_a_sweep_point_loads_that_run_at_that_value(live_server, page):
    open_app(page, live_server, LINE)
    wait_for_sweep(page)
    experiment, _ = parse(LINE)
    values = experiment.sweep[0].values()
    table = sweep(experiment)
    k = 20  # momentum converges there
    assert table.runs[1].diverged_at[k] < 0
    previous = current_query(page)
    x, y = page.evaluate(PIXEL, [float(values[k]), float(table.runs[1].final_loss[k])])
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    query = wait_for_result(page, previous)
    loaded = parse(query)[0]
    assert loaded.runs[1].lr == values[k] and loaded.runs[0].lr == 0.01
    assert to_query(loaded) == to_query(experiment.replace(runs=(experiment.runs[0], loaded.runs[1])))
    from experiments import run

    result = run(loaded.replace(sweep=()))
    path = traces(page, "contour", "path")[1]
    assert np.allclose(path["x"], result.runs[1].points[:, 0].astype(np.float32))
    # The ring that marks the run now sits on its curve at that lr.
    page.wait_for_function("""(v) => { const gd = document.querySelector('#sweep-plot .js-plotly-plot');
        const ring = gd._fullData.find((t) => t.meta && t.meta.role === 'sweep-current');
        return ring && Math.abs(ring.x[1] - v) < 1e-12; }""", arg=float(values[k]))


def test_a_phase_link_draws_the_engines_grid_and_a_click_on_a_cell_loads_it(live_server, page):
    open_app(page, live_server, PHASE)
    drawn = wait_for_sweep(page)
    assert drawn["meta"]["kind"] == "phase"
    experiment, _ = parse(PHASE)
    table = sweep(experiment)
    (heat,) = [t for t in drawn["traces"] if t["meta"] and t["meta"]["role"] == "phase"]
    z = np.array(heat["z"], dtype=float)
    steps = table.runs[0].measure("steps_to_tolerance").T
    ok = np.isfinite(steps)
    assert z.shape == (64, 64) and np.allclose(z[ok], np.log10(steps[ok]), atol=1e-5)
    gone = (table.runs[0].diverged_at >= 0).T
    assert len(set(z[gone].tolist())) == 1 and z[gone][0] < z[ok].min()
    names = [t["meta"]["role"] for t in drawn["traces"] if t["meta"]]
    assert "optimum" in names and "edge" in names
    # Click the best cell: the run takes exactly its lr and momentum.
    best = table.runs[0].best("steps_to_tolerance")
    lr, mu = table.values[0][best[0]], table.values[1][best[1]]
    previous = current_query(page)
    x, y = page.evaluate(PIXEL, [float(lr), float(mu)])
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    query = wait_for_result(page, previous)
    run = parse(query)[0].runs[0]
    assert run.lr == lr and run.hyper["momentum"] == mu


def test_tune_all_gives_each_run_its_best_lr_and_says_how(live_server, page):
    plain = "surface=rosenbrock&steps=300&opt=gd(lr=0.0001)&opt=adam(lr=0.0001)"
    open_app(page, live_server, plain)
    previous = current_query(page)
    page.click("#tune-all")
    query = wait_for_result(page, previous)
    tuned = parse(query)[0]
    assert tuned.sweep and tuned.sweep[0].name == "lr" and tuned.sweep[0].count == 64
    table = sweep(tuned)
    for index, swept in enumerate(table.runs):
        assert tuned.runs[index].lr == table.values[0][int(np.nanargmin(swept.measure("final_loss")))]
    notices = page.locator("#messages .notices li")
    assert notices.count() == 2
    first = notices.nth(0).inner_text()
    assert first.startswith("gd lr=0.0001: lr tuned over 64 values in [1e-05, 1] for 300 steps: best final loss")
    assert page.locator("#messages").inner_text().count("what the page did") == 0  # not a repair: no warning head
    drawn = wait_for_sweep(page)  # the sweep behind the choice is shown, each run ringed at its curve's minimum
    (ring,) = [t for t in drawn["traces"] if t["meta"] and t["meta"]["role"] == "sweep-current"]
    assert ring["x"] == [tuned.runs[0].lr, tuned.runs[1].lr]
    page.screenshot(path="screenshots/tuned-race-1366x768.png")
