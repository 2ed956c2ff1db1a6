"""Your own loss in real headless Chromium against `python app.py`: a formula typed and checked as it is typed, its
landscape, critical points and runs; data pasted as CSV, its scatter, and each run's model moving with playback;
on a desktop and on a phone."""

from __future__ import annotations

import urllib.parse

import numpy as np
import pytest

from experiments import run
from experiments.data import INLINE
from experiments.url import parse
from surfaces import SURFACES
from tests.browser import as_float32, choose, current_query, open_app, traces, wait_for_result

pytestmark = pytest.mark.browser

FORMULA = "surface=formula&steps=200&opt=gd(lr=0.05)&opt=adam(lr=0.05)"
FIELD = ".typed-f input"


def _live(page) -> str:
    page.wait_for_function("() => document.querySelector('#formula-live').textContent.length > 0")
    return page.inner_text("#formula-live")


def test_a_typed_formula_is_checked_as_it_is_typed_then_drawn_and_run(live_server, page):
    open_app(page, live_server, FORMULA)
    assert page.inner_text("#formula-check .readable") == "(x² − 1)² + 2y²"
    field = page.locator(FIELD)
    # Typing: the server says what is wrong, with a caret under the character, before anything is committed.
    field.fill("")
    field.type("2x + y^2", delay=30)  # a fast typist; at 0 ms a key, dcc.Input can lose the caret
    page.wait_for_function("() => document.querySelector('#formula-live').textContent.includes('2*x')")
    assert "^" in page.inner_text("#formula-live .where")
    assert page.evaluate("document.getElementById('formula-tools').classList.contains('refused')")
    field.fill("")
    field.type("x^2 - y^2 + x*y/4", delay=30)
    page.wait_for_function("() => document.querySelector('#formula-live').textContent.includes('saddles: 1')")
    assert "x² − y² + x·y/4" in _live(page)
    previous = current_query(page)
    field.press("Enter")
    query = wait_for_result(page, previous)
    experiment, warnings = parse(query)
    assert warnings == [] and experiment.surface_params["f"] == "x^2 - y^2 + x*y/4"
    assert "f=x%5E2%20-%20y%5E2%20%2B%20x*y%2F4" in page.evaluate("location.search")
    # The landscape's critical points are the surface's; the paths are the engine's.
    (critical,) = traces(page, "contour", "critical")
    assert critical["x"] == [0.0] and critical["y"] == [0.0]
    assert page.inner_text("#formula-check .readable") == "x² − y² + x·y/4"
    page.click("#to-end")
    result = run(experiment)
    paths = traces(page, "contour", "path")
    assert len(paths) == 2
    for path, rr in zip(paths, result.runs, strict=True):
        np.testing.assert_array_equal(as_float32(path["x"]), rr.points[:, 0].astype(np.float32))
        np.testing.assert_array_equal(as_float32(path["y"]), rr.points[:, 1].astype(np.float32))
    assert page.console_errors == []


def test_an_example_fills_in_a_built_in_formula_and_its_box(live_server, page):
    open_app(page, live_server, FORMULA)
    previous = current_query(page)
    choose(page, page.locator("#formula-example"), SURFACES["rosenbrock"].title)
    query = wait_for_result(page, previous)
    experiment, _ = parse(query)
    assert experiment.surface_params == {"f": SURFACES["rosenbrock"].expression, "box": "-2.0,2.0,-1.0,3.0"}
    assert page.input_value(FIELD) == SURFACES["rosenbrock"].expression
    (critical,) = traces(page, "contour", "critical")
    assert critical["x"] == pytest.approx([1.0], abs=1e-9) and critical["y"] == pytest.approx([1.0], abs=1e-9)
    assert page.inner_text("#formula-check .readable") == "(1 − x)² + 100(y − x²)²"


def test_a_hostile_formula_in_a_link_gets_a_message_and_the_default(live_server, page):
    open_app(page, live_server, "surface=formula&f=" + urllib.parse.quote("__import__('os').system('true')"))
    assert "is not allowed in a formula" in page.inner_text("#messages")
    assert page.input_value(FIELD) == SURFACES["formula"].params[0].default
    assert page.console_errors == []


CSV = "u,t\n" + "\n".join(f"{u:.3f},{0.5 * u - 1 + 0.1 * np.sin(7 * u):.3f}" for u in np.linspace(-2, 3, 40))


def _model_line(page, run: int) -> list[list[float]]:
    """The pixels of run `run`'s model line in the data plot, as the player drew them."""
    return page.evaluate("""(run) => {
        const gd = document.querySelector('#data-plot .js-plotly-plot');
        for (const group of gd.querySelectorAll('.scatterlayer .trace')) {
            const trace = group.__data__[0].trace;
            if (trace.meta && trace.meta.role === 'model' && trace.meta.run === run) {
                const d = group.querySelector('path.js-line').getAttribute('d');
                return d.slice(1).split(/[ML]/).map((p) => p.split(',').map(Number));
            }
        }
        return null; }""", run)


def _expected_line(page, w: float, b: float) -> list[list[float]]:
    return page.evaluate("""([w, b]) => {
        const gd = document.querySelector('#data-plot .js-plotly-plot');
        const t = gd._fullData.find((t) => t.meta && t.meta.role === 'model');
        const plot = gd._fullLayout._plots.xy;
        return Array.from(t.x, (u) => [plot.xaxis.c2p(u), plot.yaxis.c2p(w * u + b)]); }""", [w, b])


def test_pasted_data_shows_as_a_scatter_and_the_model_line_moves_with_playback(live_server, page):
    open_app(page, live_server, "surface=regression&steps=300&opt=gd(lr=0.2)&opt=sgd(lr=0.2,batch=8)")
    page.click("#data-own summary")
    page.fill("#data-csv", CSV)
    previous = current_query(page)
    page.click("#data-use")
    query = wait_for_result(page, previous)
    assert "using your 40 rows" in page.inner_text("#data-note")
    experiment, warnings = parse(query)
    assert warnings == [] and experiment.surface_params["data"].startswith(INLINE)
    surface = experiment.make_surface()
    expected = np.loadtxt(CSV.splitlines()[1:], delimiter=",")
    np.testing.assert_array_equal(surface.data.u, expected[:, 0].astype(np.float32).astype(float))
    page.wait_for_function("() => document.querySelector('#data-plot .js-plotly-plot') && "
                           "document.querySelector('#data-plot .js-plotly-plot')._fullData.length > 2")
    (points,) = traces(page, "data-plot", "data")
    np.testing.assert_array_equal(as_float32(points["x"]), surface.data.u.astype(np.float32))
    assert "your data (40 rows)" in page.inner_text("#surface-params")
    result = run(experiment)
    for step in (0, 5, 60):
        page.evaluate("(s) => { descentLab.pause(); descentLab.seek(s); }", step)
        page.wait_for_timeout(100)
        for index, rr in enumerate(result.runs):
            w, b = (float(v) for v in rr.points[step].astype(np.float32))
            drawn = np.array(_model_line(page, index))
            np.testing.assert_allclose(drawn, np.array(_expected_line(page, w, b)), atol=0.11)
    # The line moved: at step 60 it is no longer where it started.
    assert not np.allclose(_model_line(page, 0), _expected_line(page, 0.0, 0.0), atol=1.0)
    assert page.console_errors == []


def test_bad_csv_gets_a_note_and_changes_nothing(live_server, page):
    open_app(page, live_server, "surface=regression&steps=50&opt=gd(lr=0.2)")
    before = current_query(page)
    page.click("#data-own summary")
    page.fill("#data-csv", "u,t\n1,2\nthree,4\n")
    page.click("#data-use")
    page.wait_for_function("() => document.querySelector('#data-note').textContent.length > 0")
    assert "line 3 is not two numbers" in page.inner_text("#data-note")
    assert current_query(page) == before


@pytest.mark.parametrize("viewport", [(1366, 768), (390, 844)])
def test_a_surface_of_data_fits_the_screen(live_server, browser, viewport):
    width, height = viewport
    phone = width < 600
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    try:
        open_app(page, live_server, "surface=regression&model=logistic&data=classes&steps=200&opt=gd(lr=1)")
        page.wait_for_function("() => { const gd = document.querySelector('#data-plot .js-plotly-plot');"
                               " return gd && gd._fullData && gd._fullData.length > 2; }")
        page.wait_for_timeout(300)  # the plots settle to the width of the screen
        box = page.evaluate("""() => { const r = document.querySelector('#data-plot').getBoundingClientRect();
            return {w: r.width, h: r.height, scroll: document.documentElement.scrollWidth}; }""")
        assert box["scroll"] <= width + 1
        assert box["w"] > 0.8 * min(width, 500) and box["h"] > 150
        (model,) = traces(page, "data-plot", "model")
        assert model["meta"]["model"] == "logistic" and all(0 <= v <= 1 for v in model["y"])
        layout = page.evaluate("() => document.querySelector('#contour .js-plotly-plot')._fullLayout.xaxis.title.text")
        assert layout == "w"
    finally:
        context.close()
