"""The web app in real headless Chromium against `python app.py`: what the page draws is what the engine computed."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from experiments import run
from experiments.url import parse
from optimizers import SCHEDULES
from surfaces import SURFACES
from tests.browser import (
    READ_LAYOUT,
    as_float32,
    choose,
    current_query,
    enter,
    open_app,
    run_field,
    traces,
    type_into,
    wait_for_result,
)
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

SIX = ("surface=rosenbrock&steps=600&opt=gd(lr=0.001)&opt=momentum(lr=0.001)&opt=nesterov(lr=0.001)"
       "&opt=adam(lr=0.05)&opt=rmsprop(lr=0.01)&opt=adagrad(lr=0.5)")


def _pause_at(page, step: int) -> None:
    page.evaluate("(s) => descentLab.seek(s)", step)


def test_page_loads_without_console_errors_or_remote_requests(live_server, page):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    open_app(page, live_server)
    assert page.locator(".run-card").count() == 3  # the default experiment
    assert page.console_errors == []
    assert requests and all(url.startswith(live_server) for url in requests)


def test_drawn_trajectories_and_curves_equal_the_engine_within_float32(live_server, page):
    open_app(page, live_server, SIX)
    page.click("#to-end")
    experiment, warnings = parse(current_query(page))
    assert warnings == []
    result = run(experiment)
    paths = traces(page, "contour", "path")
    losses = [t for t in traces(page, "curves", "curve") if t["meta"]["row"] == "loss"]
    norms = [t for t in traces(page, "curves", "curve") if t["meta"]["row"] == "grad_norm"]
    assert len(paths) == len(losses) == len(norms) == len(result.runs) == 6
    for path, loss, norm, rr in zip(paths, losses, norms, result.runs, strict=True):
        assert path["name"] == rr.run.name
        np.testing.assert_array_equal(as_float32(path["x"]), rr.points[:, 0].astype(np.float32))
        np.testing.assert_array_equal(as_float32(path["y"]), rr.points[:, 1].astype(np.float32))
        np.testing.assert_array_equal(np.asarray(loss["x"]), np.arange(len(rr.loss)))
        np.testing.assert_array_equal(as_float32(loss["y"]), rr.loss.astype(np.float32))  # rosenbrock's min is 0
        np.testing.assert_array_equal(as_float32(norm["y"]), rr.grad_norm.astype(np.float32))
    # At the last step every drawn path is whole: its SVG has one vertex per point.
    vertices = page.evaluate("""() => Array.from(document.querySelectorAll('#contour .scatterlayer .trace'))
        .filter(g => g.__data__[0].trace.meta && g.__data__[0].trace.meta.role === 'path')
        .map(g => (g.querySelector('path.js-line').getAttribute('d').match(/[ML]/g) || []).length)""")
    assert vertices == [len(rr.points) for rr in result.runs]


def test_long_runs_are_drawn_decimated_at_the_engines_own_points(live_server, page):
    open_app(page, live_server, "surface=ellipse&kappa=200.0&steps=20000&opt=adagrad(lr=0.5)&opt=gd(lr=0.009)")
    page.click("#to-end")
    result = run(parse(current_query(page))[0])
    paths = traces(page, "contour", "path")
    losses = [t for t in traces(page, "curves", "curve") if t["meta"]["row"] == "loss"]
    for path, loss, rr in zip(paths, losses, result.runs, strict=True):
        steps = np.asarray(loss["x"], dtype=int)
        assert 1000 < len(steps) <= 2001 and steps[0] == 0 and steps[-1] == len(rr.points) - 1
        np.testing.assert_array_equal(as_float32(path["x"]), rr.points[steps, 0].astype(np.float32))
        np.testing.assert_array_equal(as_float32(path["y"]), rr.points[steps, 1].astype(np.float32))
        np.testing.assert_array_equal(as_float32(loss["y"]), rr.loss[steps].astype(np.float32))
        assert int(np.argmax(rr.loss)) in set(steps.tolist())  # the worst burst is drawn


def test_switching_surfaces_redraws_the_landscape(live_server, page):
    open_app(page, live_server, "surface=rosenbrock&steps=50&opt=gd(lr=0.001)")
    seen_images = set()
    for surface_id in ("ellipse", "saddle", "crescent", "rosenbrock"):
        previous = current_query(page)
        choose(page, page.locator("#surface"), SURFACES[surface_id].title)
        query = wait_for_result(page, previous)
        assert f"surface={surface_id}&" in query
        experiment, _ = parse(query)
        surface = experiment.make_surface()
        assert experiment.start == surface.start()
        layout = page.evaluate(READ_LAYOUT, "contour")
        xmin, xmax, ymin, ymax = surface.view()
        assert layout["x"] == pytest.approx([xmin, xmax]) or layout["y"] == pytest.approx([ymin, ymax])
        assert layout["uirevision"].startswith(surface_id)
        seen_images.add(layout["images"][0])
        critical = traces(page, "contour", "critical")[0]
        expected = surface.critical_points()
        assert critical["x"] == pytest.approx([p.x for p in expected])
        assert critical["y"] == pytest.approx([p.y for p in expected])
        # The surface's own parameters are the ones on show.
        names = page.locator("#surface-params .field .name").all_inner_texts()
        assert names == [p.label or p.name for p in SURFACES[surface_id].params]
    assert len(seen_images) == 4
    assert page.console_errors == []


def test_adding_three_runs_each_with_its_own_optimizer_and_settings(live_server, page):
    open_app(page, live_server, "surface=ellipse&kappa=10.0&steps=100&opt=gd(lr=0.01)")
    for expected in (2, 3, 4):
        previous = current_query(page)
        page.click("#add-run")
        wait_for_result(page, previous)
        assert page.locator(".run-card").count() == expected
    cards = page.locator(".run-card")
    # Run 2 (momentum by default) becomes Adam with its own learning rate and β₁.
    previous = current_query(page)
    choose(page, cards.nth(1).locator(".optimizer"), "Adam")
    wait_for_result(page, previous)
    enter(page, run_field(page, 1, "lr"), "0.2")
    previous = enter(page, run_field(page, 1, "beta1"), "0.5")
    # Run 3 (nesterov) gets a cosine schedule; run 4 (sgd, next in the catalogue) gets noise.
    choose(page, cards.nth(2).locator(".schedule"), SCHEDULES["cosine"].title)
    wait_for_result(page, previous)
    query = enter(page, run_field(page, 3, "noise"), "0.3")

    experiment, warnings = parse(query)
    assert warnings == []
    runs = experiment.runs
    assert [r.optimizer for r in runs] == ["gd", "adam", "nesterov", "sgd"]
    assert runs[1].lr == 0.2 and runs[1].hyper["beta1"] == 0.5
    assert runs[2].schedule == "cosine"
    assert runs[3].noise == 0.3
    assert [t["name"] for t in traces(page, "contour", "path")] == [r.name for r in runs]
    # A schedule adds the learning-rate row to the curves.
    assert {t["meta"]["row"] for t in traces(page, "curves", "curve")} == {"loss", "grad_norm", "lr"}
    assert page.locator(".results-table tbody tr").count() == 4
    assert page.console_errors == []


def test_the_learning_rate_slider_is_logarithmic_and_matches_the_typed_field(live_server, page):
    open_app(page, live_server, "surface=ellipse&steps=40&opt=gd(lr=0.01)")
    track = page.locator(".run-card .lr-slider .dash-slider-track").first.bounding_box()
    previous = current_query(page)
    page.mouse.click(track["x"] + 0.75 * track["width"], track["y"] + track["height"] / 2)
    query = wait_for_result(page, previous)
    lr = parse(query)[0].runs[0].lr
    exponent = page.evaluate("descentLab.lastSlider")
    assert lr == float(f"{10 ** exponent:.3g}")
    low, high = math.log10(1e-8), math.log10(10.0)  # gd's declared lr range
    assert exponent == pytest.approx(low + 0.75 * (high - low), abs=0.35)
    assert float(run_field(page, 0, "lr").input_value()) == lr
    # Hovering a control shows its help: the declaration's text and range.
    title = page.locator(".run-card .lr-row").first.get_attribute("title")
    assert title.startswith("learning rate") and "1e-08" in title


def test_an_emptied_field_shows_its_kept_value_again(live_server, page):
    open_app(page, live_server, "surface=ellipse&steps=40&opt=gd(lr=0.01)")
    type_into(run_field(page, 0, "lr"), "")
    page.wait_for_function("""() => {
        const el = document.querySelector('.run-card .lr-row input');
        return el && el.value === '0.01';
    }""")
    assert "opt=gd(lr=0.01)" in current_query(page)


def test_arrow_keys_on_the_lr_slider_move_the_slider_not_the_playback(live_server, page):
    open_app(page, live_server, "surface=ellipse&steps=400&opt=gd(lr=0.01)")
    page.evaluate("descentLab.seek(100)")
    previous = current_query(page)
    thumb = page.locator(".run-card .lr-slider [role=slider]").first
    thumb.focus()
    thumb.press("ArrowRight")
    assert page.evaluate("descentLab.player.step") == 100
    query = wait_for_result(page, previous)
    assert parse(query)[0].runs[0].lr != 0.01


def test_a_malformed_click_message_changes_nothing(live_server, page):
    open_app(page, live_server, "surface=ellipse&steps=40&opt=gd(lr=0.01)")
    before = current_query(page)
    page.evaluate("dash_clientside.set_props('click-start', {data: {x: 'abc', y: null}})")
    page.wait_for_timeout(800)
    assert current_query(page) == before
    assert "could not" not in page.locator("#status").inner_text()


def test_duplicate_and_remove_a_run(live_server, page):
    open_app(page, live_server, "surface=ellipse&steps=50&opt=gd(lr=0.01)&opt=adam(lr=0.1,beta1=0.8)")
    previous = current_query(page)
    page.locator(".run-card").nth(1).locator(".i-duplicate").click()
    previous = wait_for_result(page, previous)
    assert previous.count("opt=adam(lr=0.1,beta1=0.8)") == 2
    page.locator(".run-card").nth(0).locator(".i-remove").click()
    query = wait_for_result(page, previous)
    assert [r.optimizer for r in parse(query)[0].runs] == ["adam", "adam"]


def test_a_click_on_the_contour_sets_the_start_under_the_cursor(live_server, page):
    open_app(page, live_server, "surface=ellipse&steps=40&opt=gd(lr=0.01)")
    box = page.locator("#contour .nsewdrag").first.bounding_box()
    ranges = page.evaluate(READ_LAYOUT, "contour")
    fx, fy = 0.3137, 0.7219  # deliberately off the landscape's sample grid
    previous = current_query(page)
    page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    query = wait_for_result(page, previous)
    (x0, x1), (y0, y1) = ranges["x"], ranges["y"]
    expected = (x0 + fx * (x1 - x0), y1 - fy * (y1 - y0))
    start = parse(query)[0].start
    pixel = (x1 - x0) / box["width"]  # one pixel in data units
    assert start == pytest.approx(expected, abs=2 * pixel)
    # A grid node would sit on multiples of the grid spacing; this point does not.
    assert float(page.locator("#start-x").input_value()) == start[0]
    assert float(page.locator("#start-y").input_value()) == start[1]
    drawn_start = traces(page, "contour", "start")[0]
    assert (drawn_start["x"][0], drawn_start["y"][0]) == start
    assert traces(page, "contour", "path")[0]["x"][0] == pytest.approx(start[0], rel=1e-6)


def test_typed_start_and_bad_values_get_a_message_not_a_crash(live_server, page):
    open_app(page, live_server, "surface=ellipse&steps=40&opt=gd(lr=0.01)")
    previous = current_query(page)
    page.fill("#start-x", "2.5")
    page.press("#start-x", "Enter")
    previous = wait_for_result(page, previous)
    assert parse(previous)[0].start[0] == 2.5
    page.fill("#steps", "5000000")
    page.press("#steps", "Enter")
    query = wait_for_result(page, previous)
    assert parse(query)[0].steps == 100_000
    assert "steps=5000000 is above 100000" in page.locator("#messages").inner_text()


def test_play_pause_step_scrub_and_keys_move_every_marker_in_step(live_server, page):
    open_app(page, live_server, "surface=rosenbrock&steps=400&opt=gd(lr=0.001)&opt=adam(lr=0.05)")
    assert page.evaluate("descentLab.player.playing")  # a fresh result plays by itself
    page.click("#play")
    assert not page.evaluate("descentLab.player.playing")
    page.click("#to-start")
    page.click("#step-forward")
    page.click("#step-forward")
    page.click("#step-back")
    assert page.evaluate("descentLab.player.step") == 1
    page.locator("#scrub").fill("250")
    assert page.evaluate("descentLab.player.step") == 250
    assert page.locator("#step-readout").inner_text() == "step 250 / 400"
    page.locator("body").press("ArrowRight")
    page.locator("body").press("ArrowRight")
    page.locator("body").press("ArrowLeft")
    assert page.evaluate("descentLab.player.step") == 251
    _assert_markers_at(page, 251)
    page.locator("body").press("End")
    assert page.evaluate("descentLab.player.step") == 400
    page.locator("body").press("Space")
    assert page.evaluate("descentLab.player.playing")  # from the end, play starts over
    page.wait_for_function("descentLab.player.step > 40")
    page.locator("body").press("Space")
    assert not page.evaluate("descentLab.player.playing")
    stopped = page.evaluate("descentLab.player.step")
    page.wait_for_timeout(300)
    assert page.evaluate("descentLab.player.step") == stopped
    _assert_markers_at(page, stopped)
    # Speed: ×8 covers eight times the steps of ×1 in the same time (400 steps take 8 s at ×1).
    rates = {}
    for speed in ("1", "8"):
        page.select_option("#speed", speed)
        page.click("#to-start")
        page.click("#play")
        page.wait_for_timeout(400)
        page.click("#play")
        rates[speed] = page.evaluate("descentLab.player.step")
    assert rates["1"] > 5 and rates["8"] > 4 * rates["1"]


def _assert_markers_at(page, step: int) -> None:
    """Every head on the contour and on each curve, and every cursor, shows `step`, in screen pixels."""
    report = page.evaluate("""(step) => {
        const out = {heads: [], curveHeads: [], cursors: [], expected: [], expectedCurve: [], cursorX: []};
        const gd = document.querySelector('#contour .js-plotly-plot');
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        for (const run of descentLab.player.runs) {
            const i = descentLab.position(run.steps, step);
            out.expected.push([xa.c2p(run.x[i]), ya.c2p(run.y[i])]);
        }
        const translate = (el) => el.getAttribute('transform').match(/translate\\(([-\\d.]+),([-\\d.]+)\\)/)
            .slice(1).map(Number);
        for (const g of gd.querySelectorAll('.scatterlayer .trace')) {
            if (g.__data__[0].trace.meta.role === 'heads')
                g.querySelectorAll('path.point').forEach((p) => out.heads.push(translate(p)));
        }
        const cv = document.querySelector('#curves .js-plotly-plot');
        for (const g of cv.querySelectorAll('.scatterlayer .trace')) {
            const trace = g.__data__[0].trace, plot = cv._fullLayout._plots[trace.xaxis + trace.yaxis];
            if (trace.meta.role === 'cursor') {
                out.cursors.push(Number(g.querySelector('path.js-line').getAttribute('d').match(/^M([-\\d.]+)/)[1]));
                out.cursorX.push(plot.xaxis.c2p(step));
            }
        }
        return out;
    }""", step)
    assert len(report["heads"]) == len(report["expected"]) > 0
    for shown, expected in zip(report["heads"], report["expected"], strict=True):
        assert shown == pytest.approx(expected, abs=0.06)
    assert report["cursors"] == pytest.approx(report["cursorX"], abs=0.06)


def test_divergence_ends_the_path_with_a_marker_and_the_step(live_server, page):
    query = "surface=ellipse&kappa=10.0&steps=300&opt=gd(lr=0.25)&opt=gd(lr=0.1)"  # 2/λmax = 0.2
    open_app(page, live_server, query)
    result = run(parse(current_query(page))[0])
    diverged_at = result.runs[0].diverged_at
    assert diverged_at is not None and result.runs[1].diverged_at is None
    marker = traces(page, "contour", "diverged")[0]
    assert marker["x"] == [pytest.approx(float(result.runs[0].points[-1, 0]))]
    assert f"diverged at step {diverged_at}" in page.locator("#contour").inner_text()
    assert traces(page, "contour", "path")[0]["name"].endswith(f"(diverged at step {diverged_at})")
    assert f"diverged at step {diverged_at}" in page.locator(".results-table").inner_text()
    assert "1 diverged" in page.locator("#status").inner_text()


def test_zoom_survives_a_rerun_and_resets_with_a_new_surface(live_server, page):
    open_app(page, live_server, "surface=rosenbrock&steps=100&opt=gd(lr=0.001)")
    page.evaluate("Plotly.relayout(document.querySelector('#contour .js-plotly-plot'), "
                  "{'xaxis.range': [-1.5, 0.5], 'yaxis.range': [0.5, 2.5]})")
    previous = enter(page, run_field(page, 0, "lr"), "0.0005")
    layout = page.evaluate(READ_LAYOUT, "contour")
    assert layout["x"] == pytest.approx([-1.5, 0.5]) and layout["y"] == pytest.approx([0.5, 2.5])
    choose(page, page.locator("#surface"), SURFACES["ellipse"].title)
    wait_for_result(page, previous)
    layout = page.evaluate(READ_LAYOUT, "contour")
    assert layout["x"] == pytest.approx([-5, 5]) and layout["y"] == pytest.approx([-5, 5])


def test_the_modebar_downloads_png_and_svg(live_server, page):
    open_app(page, live_server, "surface=ellipse&steps=30&opt=gd(lr=0.01)")
    page.hover("#contour .nsewdrag")
    with page.expect_download() as png:
        page.click('#contour [data-title="Download plot as a PNG"]')
    assert png.value.suggested_filename == "descent-lab.png"
    assert open(png.value.path(), "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as svg:
        page.click('#contour [data-title="Download plot as an SVG"]')
    assert svg.value.suggested_filename == "descent-lab.svg"
    text = open(svg.value.path(), encoding="utf-8").read()
    assert text.startswith("<svg") and "<image" in text  # the landscape comes along
    titles = page.locator("#contour .modebar-btn").evaluate_all("bs => bs.map(b => b.getAttribute('data-title'))")
    assert not any("share" in (t or "").lower() for t in titles)  # nothing uploads anywhere


def test_long_work_shows_computing_with_elapsed_time_instead_of_the_stale_result(live_server, page):
    open_app(page, live_server, "surface=ellipse&steps=100&opt=gd(lr=0.01)")
    previous = current_query(page)
    held = []  # the run callback's request, held back as a long job's answer would be

    page.route("**/_dash-update-component*", lambda route: held.append(route) if "..contour.figure." in
               (route.request.post_data or "") else route.continue_())
    type_into(run_field(page, 0, "lr"), "0.02")
    cover = page.locator("#computing")
    cover.wait_for(state="visible", timeout=10_000)
    assert re.fullmatch(r"computing… \d\.\d s", cover.inner_text())
    page.wait_for_timeout(1000)
    seconds = float(re.search(r"\d\.\d", cover.inner_text()).group())
    assert seconds >= 1.0  # it counts up while the page waits
    box, plots = cover.bounding_box(), page.locator(".plots").bounding_box()
    assert box == plots  # the stale plots are covered, not shown as if current
    assert page.evaluate("1 + 1") == 2  # the page still answers
    assert len(held) == 1
    held[0].continue_()
    query = wait_for_result(page, previous, timeout=30_000)
    assert "gd(lr=0.02)" in query
    cover.wait_for(state="hidden", timeout=5_000)


def test_a_quick_result_never_flashes_the_computing_cover(live_server, page):
    open_app(page, live_server, "surface=ellipse&steps=100&opt=gd(lr=0.01)")
    page.evaluate("""() => { window.coverSeen = false;
        new MutationObserver(() => { if (!document.getElementById('computing').hidden) window.coverSeen = true; })
            .observe(document.getElementById('computing'), {attributes: true}); }""")
    previous = current_query(page)
    type_into(run_field(page, 0, "lr"), "0.02")
    wait_for_result(page, previous)
    assert page.evaluate("window.coverSeen") is False


def test_a_damaged_link_opens_with_messages(live_server, page):
    open_app(page, live_server, "surface=nowhere&steps=banana&opt=adam(lr=1e999)&opt=warp(lr=1)")
    text = page.locator("#messages").inner_text()
    assert "unknown surface 'nowhere'" in text
    assert "unknown optimizer 'warp'" in text
    assert "steps='banana' is not a finite number" in text
    assert page.console_errors == []


@pytest.mark.parametrize("width,height", [(1366, 768), (1920, 1080)])
def test_main_view_fits_laptop_and_projector_screens(live_server, browser, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        open_app(page, live_server, SIX)
        _pause_at(page, 350)
        page.wait_for_timeout(300)
        folder = ROOT / "screenshots"
        folder.mkdir(exist_ok=True)
        page.screenshot(path=str(folder / f"main-{width}x{height}.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        for selector in (".topbar", "#contour", "#curves", "#player", "#runs-panel"):
            box = page.locator(selector).bounding_box()
            assert box["x"] >= 0 and box["y"] >= 0, selector
            assert box["x"] + box["width"] <= width + 0.5, selector
            assert box["y"] + box["height"] <= height + 0.5, selector
        # Every player control is on screen and not squeezed to nothing.
        for selector in ("#to-start", "#step-back", "#play", "#step-forward", "#to-end", "#scrub", "#speed"):
            box = page.locator(selector).bounding_box()
            assert box["width"] > 10 and box["y"] + box["height"] <= height, selector
        legend = page.locator("#contour .legend").bounding_box()
        assert legend["y"] + legend["height"] <= height
    finally:
        context.close()


def test_fonts_render_every_glyph_the_page_uses(live_server, page):
    """The run glyphs and the Chinese in the crescent's title need fonts; a missing one shows as a box."""
    open_app(page, live_server, "surface=crescent&steps=20&opt=gd(lr=0.01)&opt=adam(lr=0.01)")
    widths = page.evaluate("""() => {
        const probe = (text) => {
            const s = document.createElement('span');
            s.textContent = text;
            s.style.font = '16px system-ui, sans-serif';
            document.body.appendChild(s);
            const w = s.getBoundingClientRect().width;
            s.remove();
            return w;
        };
        return {moon: probe('心月形'), boxes: probe('\\u{10FFFF}\\u{10FFFE}\\u{10FFFD}')};
    }""")
    assert not math.isclose(widths["moon"], widths["boxes"], rel_tol=0.02)
    assert re.search("心月形", page.locator("#surface").inner_text())
