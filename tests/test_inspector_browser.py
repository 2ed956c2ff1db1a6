"""The step inspector, the arrows and the curvature cross in a real browser against the real server: every
number the page shows is the engine's (run()'s own arrays) to at least four significant digits, ← and → move
through the steps without asking the server, and the arrows sit where θₖ and θₖ + scale·v are."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from experiments import Run, run
from experiments.inspect import gradient_check
from experiments.lessons import LESSONS
from experiments.url import parse
from tests.browser import open_app, read_screen

pytestmark = pytest.mark.browser

# One run of every family of rules, on a surface where each does something different at step 30.
FAMILIES = ("surface=rosenbrock&start=-1.5,2&steps=120"
            "&opt=momentum(lr=0.0005)&opt=nesterov(lr=0.0005)&opt=adagrad(lr=0.3)&opt=rmsprop(lr=0.01)"
            "&opt=adadelta(lr=1)&opt=adam(lr=0.05)&opt=nadam(lr=0.02)&opt=lamb(lr=0.02)&opt=newton(lr=0.5)"
            "&opt=lbfgs(lr=0.5)&opt=sgd(lr=0.0005,momentum=0.5,weight_decay=0.1)&opt=adamw(lr=0.05,noise=0.5)")
STEP = 30

READ_INSPECTOR = """() => {
    const body = document.querySelector('#inspector .inspect-body');
    const out = {step: body.dataset.step, run: body.dataset.run, values: {}, equations: [], notes: [],
                 visible: body.offsetParent !== null};
    body.querySelectorAll('[data-key]').forEach((cell) => { out.values[cell.dataset.key] = cell.textContent; });
    body.querySelectorAll('.inspect-equations li').forEach((li) => {
        out.equations.push([li.querySelector('.eq').textContent,
                            (li.querySelector('.result') || {textContent: ''}).textContent]); });
    body.querySelectorAll('.inspect-note').forEach((p) => out.notes.push(p.textContent));
    return out;
}"""

READ_ARROWS = """() => {
    const gd = document.querySelector('#contour .js-plotly-plot');
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    const arrows = Array.from(gd.querySelectorAll('g.descent-vectors line.arrow')).map((line) => ({
        kind: line.getAttribute('class').replace('arrow arrow-', ''), run: Number(line.dataset.run),
        scale: Number(line.dataset.scale), capped: line.dataset.capped === '1',
        from: [Number(line.getAttribute('x1')), Number(line.getAttribute('y1'))],
        to: [Number(line.getAttribute('x2')), Number(line.getAttribute('y2'))]}));
    const crosses = Array.from(gd.querySelectorAll('g.descent-vectors line.curvature')).map((line) => ({
        run: Number(line.dataset.run), lambda: Number(line.dataset.lambda)}));
    return {arrows, crosses, legend: Array.from(gd.querySelectorAll('g.arrow-legend text'), (t) => t.textContent),
            range: [xa.range.slice(), ya.range.slice()], length: [xa._length, ya._length]};
}"""
PIXEL = """([x, y]) => {
    const gd = document.querySelector('#contour .js-plotly-plot');
    return [gd._fullLayout.xaxis.c2p(x), gd._fullLayout.yaxis.c2p(y)];
}"""


def numbers(text: str) -> list[float]:
    """The numbers in a shown value: "(−1.385, 4.053e−5)" -> [-1.385, 4.053e-05]."""
    plain = text.replace("−", "-").replace("∞", "inf")
    return [float(v) for v in re.findall(r"-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?|-?inf", plain)]


def same(text: str, expected, label: str) -> None:
    """The text shows `expected` to at least four significant digits."""
    shown = numbers(text)
    wanted = np.atleast_1d(np.asarray(expected, dtype=float))
    assert len(shown) == wanted.size, (label, text, wanted)
    for value, truth in zip(shown, wanted, strict=True):
        assert math.isclose(value, truth, rel_tol=6e-4, abs_tol=1e-300), (label, text, wanted)


def shown_step(page, run: int, step: int):
    page.wait_for_function(
        "([run, step]) => { const b = document.querySelector('#inspector .inspect-body');"
        " return b && b.dataset.run === String(run) && b.dataset.step === String(step); }",
        arg=[run, step], timeout=30_000)
    return page.evaluate(READ_INSPECTOR)


def check_row(shown, result, index: int, k: int) -> None:
    rr = result.runs[index]
    values = shown["values"]
    name = rr.run.name
    same(values["theta"], rr.points[k], f"{name} θ")
    same(values["f"], rr.loss[k], f"{name} f")
    same(values["grad"], result.surface.gradient(rr.points[k:k + 1])[0], f"{name} ∇f")
    same(values["lr"], rr.lr[k], f"{name} η")
    same(values["next"], rr.points[k + 1], f"{name} θₖ₊₁")
    same(values["delta"], rr.points[k + 1] - rr.points[k], f"{name} Δθ")
    if rr.run.noise:
        same(values["used"], result.gradients_used(index)[k], f"{name} noisy g")
    for internal, recorded in rr.internals.items():
        if f"{internal}:after" in values:
            same(values[f"{internal}:before"], recorded[k], f"{name} {internal} before")
            same(values[f"{internal}:after"], recorded[k + 1], f"{name} {internal} after")
        else:  # left out only when the run never uses it
            assert not np.any(recorded[k]) and not np.any(recorded[k + 1]), (name, internal)
    hessian = result.surface.hessian(rr.points[k:k + 1])[0]
    same(values["hessian"], hessian.ravel(), f"{name} H")
    eigen = np.linalg.eigh(hessian)[0]
    same(values["lambda1"], eigen[0], f"{name} λ₁")
    same(values["lambda2"], eigen[1], f"{name} λ₂")
    if eigen[0] > 0:
        same(values["kappa"], eigen[1] / eigen[0], f"{name} κ")
    else:
        assert "kappa" not in values
    # The last equation is the update itself: its value is the engine's next point.
    last = shown["equations"][-1]
    assert last[0].startswith("θ ←"), (name, last)
    same(last[1].lstrip("= "), rr.points[k + 1], f"{name} the update's result")


@pytest.fixture(scope="module")
def families():
    experiment, messages = parse(FAMILIES)
    assert not messages and len(experiment.runs) == 12
    return run(experiment)


def test_a_paused_link_opens_the_inspector_on_the_first_run_with_the_engines_numbers(live_server, page, families):
    open_app(page, live_server, FAMILIES + f"&step={STEP}")
    shown = shown_step(page, 0, STEP)
    assert shown["visible"]
    check_row(shown, families, 0, STEP)
    assert page.locator("#panel-tabs [data-tab=step]").get_attribute("aria-selected") == "true"


def test_every_family_shows_the_engines_numbers_and_the_arrow_keys_move_it_without_a_request(
        live_server, page, families):
    open_app(page, live_server, FAMILIES + f"&step={STEP}")
    shown_step(page, 0, STEP)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.post_data or "")
            if "_dash-update-component" in request.url else None)
    for index in range(len(families.runs)):
        page.click(f"#inspector .inspect-pick[data-run='{index}']")
        check_row(shown_step(page, index, STEP), families, index, STEP)
        asked.clear()
        page.keyboard.press("ArrowRight")
        check_row(shown_step(page, index, STEP + 1), families, index, STEP + 1)
        page.keyboard.press("ArrowRight")
        shown_step(page, index, STEP + 2)
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("ArrowLeft")
        shown_step(page, index, STEP)
        assert not [body for body in asked if "inspect-ask" in body], families.runs[index].run.name


def test_a_decimated_run_shows_the_nearest_drawn_step_and_says_so(live_server, page):
    query = "surface=ellipse&kappa=10&start=-4,2&steps=6000&opt=adam(lr=0.001)"
    result = run(parse(query)[0])
    open_app(page, live_server, query + "&step=3001")
    page.wait_for_function("() => document.querySelector('#inspector .inspect-body').dataset.step", timeout=30_000)
    shown = page.evaluate(READ_INSPECTOR)
    k = int(shown["step"])
    drawn = page.evaluate("() => Array.from(descentLab.player.runs[0].steps)")
    assert k in drawn and k <= 3001 and k == max(s for s in drawn if s <= 3001)
    assert any("nearest" in note and f"{k:,}" in note for note in shown["notes"]), shown["notes"]
    check_row(shown, result, 0, k)


def test_the_arrows_start_at_the_head_and_end_at_theta_plus_scale_times_v_and_follow_playback(
        live_server, page, families):
    open_app(page, live_server, FAMILIES + f"&step={STEP}")
    shown_step(page, 0, STEP)
    for index, k in ((5, STEP), (5, STEP + 1), (0, STEP + 1)):
        page.click(f"#inspector .inspect-pick[data-run='{index}']")
        if page.evaluate("descentLab.player.step") != k:
            page.keyboard.press("ArrowRight")
        shown_step(page, index, k)
        page.wait_for_function("(run) => document.querySelectorAll("
                               "`g.descent-vectors line.arrow[data-run='${run}']`).length >= 2", arg=index)
        drawn = page.evaluate(READ_ARROWS)
        rr = families.runs[index]
        theta = rr.points[k]
        head = page.evaluate(PIXEL, theta.tolist())
        vectors = {"gradient": -families.surface.gradient(rr.points[k:k + 1])[0],
                   "step": rr.points[k + 1] - rr.points[k]}
        direction = families.runs[index].run.optimizer
        mine = [a for a in drawn["arrows"] if a["run"] == index]
        assert {a["kind"] for a in mine} >= {"gradient", "step"}, mine
        for arrow in mine:
            assert np.hypot(*np.subtract(arrow["from"], head)) < 2, (direction, arrow, head)
            if arrow["kind"] in vectors and not arrow["capped"]:
                tip = page.evaluate(PIXEL, (theta + arrow["scale"] * vectors[arrow["kind"]]).tolist())
                assert np.hypot(*np.subtract(arrow["to"], tip)) < 2, (direction, arrow, tip)
        # The cross's arms are the Hessian's eigenvalues there (from float32 entries: to 1e-5 of the larger).
        eigen = np.linalg.eigvalsh(families.surface.hessian(rr.points[k:k + 1])[0])
        lambdas = sorted(c["lambda"] for c in drawn["crosses"] if c["run"] == index)
        assert np.allclose(lambdas, eigen, rtol=1e-5, atol=1e-5 * np.abs(eigen).max()), (lambdas, eigen)
    # The legend names the scales the arrows use.
    assert any("×" in text for text in drawn["legend"])
    before = page.evaluate(READ_ARROWS)["arrows"][0]["from"]
    page.evaluate("() => descentLab.play()")
    page.wait_for_timeout(600)
    page.evaluate("() => descentLab.pause()")
    after = page.evaluate(READ_ARROWS)["arrows"][0]["from"]
    assert np.hypot(*np.subtract(after, before)) > 1, "the arrows follow playback"


def test_all_runs_arrows_and_off(live_server, page, families):
    open_app(page, live_server, FAMILIES + f"&step={STEP}")
    shown_step(page, 0, STEP)
    page.click("#inspector [data-arrows=all]")
    page.wait_for_function("() => new Set(Array.from(document.querySelectorAll('g.descent-vectors line.arrow'),"
                           " (l) => l.dataset.run)).size === 12", timeout=30_000)
    page.click("#inspector [data-arrows=off]")
    page.wait_for_function("() => document.querySelectorAll('g.descent-vectors line').length === 0")


def test_the_first_order_model_is_drawn_for_every_run_and_its_ring_is_where_gd_steps(live_server, page):
    """The *first-order model* button draws each run's ball of radius ‖Δθ‖ at θₖ and rings θₖ − ‖Δθ‖∇f/‖∇f‖,
    which for GD is θₖ₊₁; its level lines are at right angles to ∇f."""
    query = ("surface=ellipse&kappa=10.0&angle=30.0&start=-4.0,2.0&steps=50&seed=0&opt=gd(lr=0.01)"
             "&opt=momentum(lr=0.01)&step=5")
    open_app(page, live_server, query)
    page.click("#inspector [data-arrows=taylor]")
    page.wait_for_function("() => document.querySelectorAll('g.descent-vectors .taylor-radius').length === 2")
    screen = read_screen(page)
    result = run(parse(query)[0])
    gd, momentum = result.runs
    rings = {m["run"]: m["points"][0] for m in screen.overlay if m["kind"] == "taylor-minimizer"}
    balls = {m["run"]: m["points"] for m in screen.overlay if m["kind"] == "taylor-radius"}
    np.testing.assert_allclose(rings[0], gd.points[6], atol=0.01)  # pixels back to data: a hundredth
    radius = np.linalg.norm(momentum.points[6] - momentum.points[5])
    np.testing.assert_allclose(np.linalg.norm(balls[1] - momentum.points[5], axis=1), radius, rtol=0.02)
    g = result.surface.gradient(momentum.points[5])
    ring = momentum.points[5] - radius * g / np.linalg.norm(g)
    np.testing.assert_allclose(rings[1], ring, atol=0.01)
    assert np.linalg.norm(rings[1] - momentum.points[6]) > 0.05  # momentum's step is not the model's minimizer
    assert not page.query_selector("g.descent-vectors line.arrow-step")  # the ring is the step: no scaled arrow


def test_a_run_is_selected_by_its_card_its_legend_entry_or_its_path(live_server, page, families):
    open_app(page, live_server, FAMILIES + f"&step={STEP}")
    shown_step(page, 0, STEP)
    page.locator(".run-card").nth(3).locator(".lr-row .name").click()
    shown_step(page, 3, STEP)
    page.locator("#contour .legend .traces").nth(6).click()
    shown_step(page, 6, STEP)
    # A click on a drawn point of run 9's path (the head sits on it).
    point = page.evaluate("""() => {
        const gd = document.querySelector('#contour .js-plotly-plot'), box = gd.getBoundingClientRect();
        const p = descentLab.player.runs[9], at = descentLab.position(p.steps, descentLab.player.step);
        return [box.left + gd._fullLayout.xaxis._offset + gd._fullLayout.xaxis.c2p(p.x[at]),
                box.top + gd._fullLayout.yaxis._offset + gd._fullLayout.yaxis.c2p(p.y[at])]; }""")
    before = page.evaluate("descentLab.player.query")
    page.mouse.click(*point)
    shown_step(page, 9, STEP)
    page.wait_for_timeout(1200)
    assert page.evaluate("descentLab.player.query") == before, "a click on a path sets no start"


def test_the_lr_slider_marks_two_over_lambda_max_where_gd_starts_to_diverge(live_server, page):
    lesson = LESSONS["lr-limit"]
    open_app(page, live_server, lesson.query)
    experiment = parse(lesson.query)[0]
    limit = 2 / experiment.make_surface().curvature_range()[1]
    # The tick's place on the slider (a log10 scale from aria-valuemin to aria-valuemax), read back as an lr.
    marks = page.evaluate("""() => Array.from(document.querySelectorAll('.run-card'), (card) => {
        const thumb = card.querySelector('.lr-slider [role=slider]');
        const tick = Array.from(card.querySelectorAll('.lr-slider .dash-slider-mark'))
            .find((m) => m.textContent.trim() === '▲');
        const percent = tick ? parseFloat(/left: calc\\(([-0-9.]+)%/.exec(tick.getAttribute('style'))[1]) : null;
        const low = Number(thumb.getAttribute('aria-valuemin')), high = Number(thumb.getAttribute('aria-valuemax'));
        return {note: card.querySelector('.lr-limit').textContent,
                lr: percent === null ? null : Math.pow(10, low + percent / 100 * (high - low))}; })""")
    assert len(marks) == 3
    for mark in marks:
        assert f"{limit:.4g}" in mark["note"] and "2/λmax" in mark["note"], mark
        assert mark["lr"] is not None and math.isclose(mark["lr"], limit, rel_tol=1e-4), (mark, limit)
    # Where the tick is, GD's divergence starts: just below it the run converges, just above it diverges.
    below = run(experiment.replace(runs=(Run("gd", lr=limit * 0.99),)))
    above = run(experiment.replace(runs=(Run("gd", lr=limit * 1.01),), steps=5000))
    assert below.runs[0].diverged_at is None and below.runs[0].loss[-1] < below.runs[0].loss[0]
    assert above.runs[0].diverged_at is not None or above.runs[0].loss[-1] > above.runs[0].loss[0]


DRAG = ("surface=rosenbrock&start=-1.5,2&steps=1000&opt=gd(lr=0.001)&opt=momentum(lr=0.001)"
        "&opt=nesterov(lr=0.001)&opt=adam(lr=0.05)&opt=rmsprop(lr=0.01)&opt=adagrad(lr=0.5)")
START_PIXEL = """() => { const gd = document.querySelector('#contour .js-plotly-plot');
    const t = gd._fullData.find((t) => t.meta && t.meta.role === 'start');
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
    return [box.left + xa._offset + xa.c2p(t.x[0]), box.top + ya._offset + ya.c2p(t.y[0])]; }"""


def test_dragging_the_start_redraws_the_paths_while_it_moves_and_ends_on_the_engines_paths(live_server, page):
    open_app(page, live_server, DRAG)
    page.evaluate("descentLab.pause()")
    x0, y0 = page.evaluate(START_PIXEL)
    drawn_before = page.evaluate("descentLab.player.liveDrawn || 0")
    page.mouse.move(x0, y0)
    page.mouse.down()
    began = page.evaluate("performance.now()")
    for i in range(1, 41):
        page.mouse.move(x0 + 4 * i, y0 + 3 * i)
    page.mouse.up()
    seconds = (page.evaluate("performance.now()") - began) / 1000
    live = page.evaluate("({drawn: descentLab.player.liveDrawn || 0, sent: descentLab.live.sent})")
    redraws = live["drawn"] - drawn_before
    print(f"dragging: {redraws} redraws in {seconds:.2f} s ({redraws / seconds:.1f} a second)")
    # The paths followed the marker while it moved, and every answer asked for was drawn (but the release's, sent
    # as a click, and one that may land after the release): no stale backlog.
    assert redraws >= 5 and live["sent"] - redraws <= 2, live
    # The release sets the start where the marker was let go, and the page draws the engine's paths from there.
    final = page.evaluate("""([x, y]) => { const gd = document.querySelector('#contour .js-plotly-plot');
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
        return [xa.p2d(x - box.left - xa._offset), ya.p2d(y - box.top - ya._offset)]; }""", [x0 + 160, y0 + 120])
    page.wait_for_function("() => descentLab.player.query === descentLab.player.latest && !descentLab.player.liveRuns",
                           timeout=30_000)
    experiment = parse(page.evaluate("descentLab.player.query"))[0]
    assert np.allclose(experiment.start, final, atol=0.01), (experiment.start, final)
    result = run(experiment)
    paths = page.evaluate("""() => document.querySelector('#contour .js-plotly-plot')._fullData
        .filter((t) => t.meta && t.meta.role === 'path').map((t) => [Array.from(t.x), Array.from(t.y)])""")
    for rr, (xs, ys) in zip(result.runs, paths, strict=True):
        assert np.allclose(xs, rr.points[:len(xs), 0].astype(np.float32), rtol=1e-6)
        assert np.allclose(ys, rr.points[:len(ys), 1].astype(np.float32), rtol=1e-6)


def test_dragging_an_lr_slider_reruns_while_it_moves_with_one_request_at_a_time(live_server, page):
    open_app(page, live_server, DRAG)
    page.evaluate("descentLab.pause()")
    in_flight = {"now": 0, "most": 0, "edits": 0}

    def sent(request):
        if '"output":"..query.data.' in (request.post_data or ""):
            in_flight["now"] += 1
            in_flight["edits"] += 1
            in_flight["most"] = max(in_flight["most"], in_flight["now"])

    def done(request):
        if '"output":"..query.data.' in (request.post_data or ""):
            in_flight["now"] -= 1

    page.on("request", sent)
    page.on("requestfinished", done)
    thumb = page.locator(".run-card").nth(3).locator("[role=slider]")
    thumb.scroll_into_view_if_needed()
    box = thumb.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    for i in range(1, 31):
        page.mouse.move(box["x"] + box["width"] / 2 - 3 * i, box["y"] + box["height"] / 2)
        page.wait_for_timeout(30)
    page.mouse.up()
    page.wait_for_function("() => descentLab.player.query === descentLab.player.latest && !descentLab.live.waiting",
                           timeout=30_000)
    page.wait_for_timeout(500)
    shown = float(page.locator(".run-card").nth(3).locator(".lr-row input").input_value())
    experiment = parse(page.evaluate("descentLab.player.query"))[0]
    # Several re-runs while dragging, never two edits at once, and the last value is the one on screen.
    assert in_flight["edits"] >= 3 and in_flight["most"] == 1, in_flight
    assert math.isclose(experiment.runs[3].lr, shown, rel_tol=1e-9) and shown < 0.05, (experiment.runs[3].lr, shown)


THREE_D = "surface=rosenbrock&start=-1.5,2&steps=300&opt=adam(lr=0.05)&opt=momentum(lr=0.001)&opt=newton(lr=0.5)"
READ_3D = """() => { const gd = document.querySelector('#surface3d .js-plotly-plot');
    if (!gd || !gd._fullData || !gd._fullLayout.scene) return null;
    return {traces: gd._fullData.map((t) => ({type: t.type, meta: t.meta || null,
                                               x: t.x ? Array.from(t.x) : null, y: t.y ? Array.from(t.y) : null,
                                               z: t.z && t.type !== 'surface' ? Array.from(t.z) : null})),
            camera: gd._fullLayout.scene.camera, zlog: gd.layout.meta.log,
            visible: gd.offsetParent !== null}; }"""


def test_the_3d_view_lies_the_paths_on_the_surface_moves_the_heads_and_survives_a_fresh_page(live_server, page):
    from ui.figures import drawn, landscape_of
    from ui.surface3d import heights

    open_app(page, live_server, THREE_D + "&plot=3d")
    page.wait_for_function(f"() => ({READ_3D})() && ({READ_3D})().traces.length >= 5", timeout=60_000)
    scene = page.evaluate(READ_3D)
    assert scene["visible"] and "&plot=3d" in page.evaluate("location.search")
    kinds = [t["type"] for t in scene["traces"]]
    paths = [t for t in scene["traces"] if t["meta"] and t["meta"]["role"] == "path3d"]
    assert kinds.count("surface") == 1 and len(paths) == 3
    # The paths are the engine's, at the heights of the contour's log levels (Rosenbrock's are log).
    result = run(parse(THREE_D)[0])
    land = landscape_of(result)
    assert scene["zlog"] is True and land.log
    for rr, picked, path in zip(result.runs, drawn(result), paths, strict=True):
        assert np.allclose(path["x"], rr.points[picked, 0], rtol=1e-6)
        expected = np.minimum(heights(land, rr.loss[picked]), max(path["z"]))
        assert np.allclose(np.array(path["z"])[:10], expected[:10] + (path["z"][0] - expected[0]), atol=1e-4)
    # The heads move with playback, in step with the 2-D plot.
    def heads():
        return next(t for t in page.evaluate(READ_3D)["traces"] if t["meta"] and t["meta"]["role"] == "heads3d")

    page.evaluate("() => descentLab.seek(120)")
    page.wait_for_function("""() => { const gd = document.querySelector('#surface3d .js-plotly-plot');
        const h = gd._fullData.find((t) => t.meta && t.meta.role === 'heads3d');
        return Math.abs(h.x[0] - descentLab.player.runs[0].x[descentLab.position(descentLab.player.runs[0].steps,
            120)]) < 1e-6; }""", timeout=10_000)
    at = heads()
    assert np.isclose(at["x"][0], result.runs[0].points[120, 0], rtol=1e-6)
    assert np.isclose(at["y"][1], result.runs[1].points[120, 1], rtol=1e-6)
    # A camera turned by hand stays through a re-run.
    box = page.locator("#surface3d").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(box["x"] + box["width"] / 2 + 12 * i, box["y"] + box["height"] / 2 + 3 * i)
    page.mouse.up()
    page.wait_for_timeout(300)
    turned = page.evaluate(READ_3D)["camera"]["eye"]
    assert not np.allclose([turned["x"], turned["y"], turned["z"]], [0.35, -1.9, 1.35], atol=1e-3), turned
    before = page.evaluate("descentLab.player.query")
    page.evaluate("() => window.dash_clientside.set_props('click-start', {data: {x: -1.2, y: 1.8, at: Date.now()}})")
    page.wait_for_function("(q) => descentLab.player.query !== q", arg=before, timeout=30_000)
    page.wait_for_timeout(800)
    eye = page.evaluate(READ_3D)["camera"]["eye"]
    assert np.allclose([eye["x"], eye["y"], eye["z"]], [turned["x"], turned["y"], turned["z"]], atol=1e-6), eye
    # A fresh page from the address is in 3-D again.
    page.reload()
    page.wait_for_function(f"() => ({READ_3D})() && ({READ_3D})().traces.length >= 5", timeout=60_000)
    assert page.evaluate(READ_3D)["visible"]
    assert page.locator("#panel-tabs [data-tab='3d']").get_attribute("aria-selected") == "true"


def test_the_html_export_of_a_3d_page_carries_the_surface(live_server, page):
    open_app(page, live_server, THREE_D + "&plot=3d&step=40")
    html_text = page.evaluate("() => fetch('download.html' + location.search).then((r) => r.text())")
    assert 'id="surface3d"' in html_text and '"type":"surface"' in html_text
    assert "plot=3d" in html_text
    plain = page.evaluate("() => fetch('download.html?" + THREE_D + "').then((r) => r.text())")
    assert 'id="surface3d"' not in plain


# -- the gradient check ----------------------------------------------------------------------------------------------

GRADCHECK = "surface=rosenbrock&a=1.0&b=100.0&start=-1.5,2.0&steps=200&seed=0&opt=gd(lr=0.001,label=GD)"
READ_GRADCHECK_TEXT = """() => {
    const table = document.querySelector('#inspector .inspect-gradcheck');
    const out = {caption: table.querySelector('caption').textContent, rows: {}};
    table.querySelectorAll('tr[data-check]').forEach((tr) => {
        out.rows[tr.dataset.check] = Array.from(tr.children, (cell) => cell.textContent); });
    return out;
}"""


@pytest.mark.parametrize("present", [False, True], ids=["page", "present"])
def test_the_gradient_check_shows_the_engines_check_and_follows_the_step(live_server, page, present):
    """The table's raw numbers are gradient_check's at θ₄₀ of the same run, exactly; its text shows them; → moves it
    to θ₄₁. On the projector (1366×768) it is on screen without scrolling the inspector."""
    experiment, messages = parse(GRADCHECK)
    assert not messages
    result = run(experiment)
    open_app(page, live_server, GRADCHECK + "&step=40" + ("&present=1" if present else ""))
    shown_step(page, 0, 40)
    for k in (40, 41):
        if k == 41:
            page.keyboard.press("ArrowRight")
            shown_step(page, 0, 41)
        check = gradient_check(result.surface, result.runs[0].points[k])
        assert read_screen(page).gradient_check == {
            "h": 1e-6, "step": k, "analytic": tuple(check.analytic), "central": tuple(check.central),
            "forward": tuple(check.forward), "central_error": float(check.central_error),
            "forward_error": float(check.forward_error), "seen": True}
        assert check.central_error < 1e-8 and 1e-7 < check.forward_error < 1e-3  # a gradient that passes
        text = page.evaluate(READ_GRADCHECK_TEXT)
        assert "1e−6" in text["caption"]
        assert list(text["rows"]) == ["analytic", "central", "forward"]
        same(text["rows"]["analytic"][1], check.analytic, "analytic ∇f")
        for name in ("central", "forward"):
            _, values, error = text["rows"][name]
            same(values, getattr(check, name), name)
            assert re.fullmatch(r"\d(\.\d+)?e−\d+", error), (name, error)  # scientific: 3.320e−10
            same(error, getattr(check, name + "_error"), f"{name} relative error")
    if present:  # inside the inspector's visible box: no scrolling to see it
        inside = page.evaluate("""() => {
            const t = document.querySelector('.inspect-gradcheck').getBoundingClientRect();
            const i = document.querySelector('#inspector').getBoundingClientRect();
            return t.height > 0 && t.top >= i.top && t.bottom <= i.bottom; }""")
        assert inside
    # The curves in the inspector's place: the table is not on screen.
    page.click("#panel-tabs [data-tab=curves]")
    page.wait_for_function("() => document.querySelector('#inspector').offsetParent === null")
    assert read_screen(page).gradient_check is None


def test_at_a_critical_point_the_gradient_check_says_its_errors_measure_rounding(live_server, page):
    """GD ends on the double well's saddle with ∇f ≈ 4e−9: the check's relative errors (1e−2, 1) are f's rounding,
    and the page says so; on the way there it does not."""
    open_app(page, live_server, LESSONS["hessian"].query + "&step=499")
    page.wait_for_selector("#inspector .inspect-gradcheck")
    assert page.locator("#inspector .gradcheck-rounding").count() == 1
    page.evaluate("() => descentLab.seek(3)")
    page.wait_for_function("() => document.querySelector('#inspector .inspect-title')"
                           " && document.querySelector('#inspector .inspect-title').textContent.includes(' 3')")
    assert page.locator("#inspector .gradcheck-rounding").count() == 0
