"""The standalone HTML export: one file with plotly.js inlined that plays the runs offline, in real headless Chromium
with every request that is not file:// refused."""

from __future__ import annotations

import base64
import html
import json
import re
import subprocess
import sys

import numpy as np
import pytest
from plotly.offline import get_plotlyjs

from experiments import run
from experiments.url import parse, to_query
from tests.browser import as_float32
from tests.conftest import ROOT
from ui.figures import drawn
from ui.i18n import text
from ui.standalone import FRAME_POINTS, FRAMES, frame_steps, resolve_lang, standalone_figure, standalone_html

QUERY = "surface=rosenbrock&steps=300&opt=gd(lr=0.001)&opt=adam(lr=0.05)"
# GD with lr=1 on an ellipse of condition 10 overshoots further every step and leaves the box (|x| > 1e6).
DIVERGING = "surface=ellipse&kappa=10&steps=120&opt=gd(lr=1)&opt=adam(lr=0.1)"
SCREENSHOTS = ROOT / "screenshots"
MOVING = ("path", "heads", "curve-heads", "cursor")

# What plotly drew, for the traces a frame moves: decoded arrays from its full data, plus the slider position.
READ = """(moving) => {
    const gd = document.querySelector('.js-plotly-plot');
    const plain = (v) => (v === undefined || v === null) ? null : Array.from(v);
    return {
        traces: gd._fullData.filter((t) => t.meta && moving.includes(t.meta.role)).map((t) => (
            {meta: t.meta, x: plain(t.x), y: plain(t.y), name: t.name})),
        slider: gd._fullLayout.sliders[0].active,
        frames: gd._transitionData._frames.length,
        count: gd._fullData.length,
    };
}"""


def experiment_of(query: str):
    experiment, warnings = parse(query)
    assert warnings == []
    return experiment


@pytest.fixture(scope="module")
def result():
    return run(experiment_of(QUERY))


@pytest.fixture(scope="module")
def diverging():
    result = run(experiment_of(DIVERGING))
    assert result.runs[0].diverged_at is not None and result.runs[1].diverged_at is None
    return result


@pytest.fixture(scope="module")
def document(result):
    return standalone_html(result, title="Adam & GD <on> Rosenbrock")


@pytest.fixture(scope="module")
def exported(document, tmp_path_factory):
    path = tmp_path_factory.mktemp("standalone") / "rosenbrock.html"
    path.write_text(document, encoding="utf-8")
    return path


def figure_in(document: str) -> dict:
    """The figure the page hands to Plotly.newPlot, read as strict JSON: NaN or Infinity would fail here."""
    match = re.search(r'<script type="application/json" id="figure-data">(.*?)</script>', document, re.DOTALL)
    assert match, "the page's figure was not found"

    def refuse(constant):
        raise AssertionError(f"{constant} in the page's JSON")

    return json.loads(match.group(1), parse_constant=refuse)


def outside_plotly(document: str) -> str:
    bundle = get_plotlyjs()
    assert document.count(bundle) == 1
    return document.replace(bundle, "")


def by_role(traces: list[dict], role: str) -> list[dict]:
    return [t for t in traces if (t.get("meta") or {}).get("role") == role]


def decode(value) -> np.ndarray:
    """A plotly typed-array spec (or a plain list) as an array."""
    if not isinstance(value, dict):
        return np.asarray(value)
    return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]).newbyteorder("<"))


# -- the document, without a browser -------------------------------------------------------------------------------

def test_importing_the_export_does_not_import_dash():
    code = "import sys, ui.standalone, ui.figures; assert 'dash' not in sys.modules, 'dash was imported'"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_page_is_one_file_with_plotly_inlined_and_nothing_to_fetch(document, result):
    assert document.startswith("<!DOCTYPE html>")
    assert re.search(r"plotly\.js v4\.\d+\.\d+", get_plotlyjs()[:200])  # the bundle this figure is written for
    rest = outside_plotly(document)
    assert not re.search(r"\b(src|href)\s*=", rest, re.IGNORECASE)  # no script, stylesheet or font to load
    assert "http" not in rest and "@import" not in rest and "@font-face" not in rest
    assert "mathjax" not in rest.lower()
    query = to_query(result.experiment)
    assert html.escape(query) in rest  # the link, shown as text
    assert figure_in(document)["layout"]["meta"]["query"] == query


def test_the_title_is_escaped_and_has_a_fallback(document, result):
    assert "<title>Adam &amp; GD &lt;on&gt; Rosenbrock</title>" in document
    assert "<h1>Adam &amp; GD &lt;on&gt; Rosenbrock</h1>" in document
    assert "<on>" not in outside_plotly(document)
    plain = standalone_html(result, title=None)
    assert "<title>Descent Lab: Rosenbrock</title>" in plain
    hostile = standalone_html(result, title="</script><script>alert(1)</script>")
    assert "<script>alert(1)" not in hostile
    assert outside_plotly(hostile).count("<script") == 3  # the figure's data, plotly.js and the call, nothing else


def test_reader_facing_words_follow_the_language(result):
    for lang, play, step in (("zh-CN", "播放", "步数"), ("zh-TW", "播放", "步數")):
        document = standalone_html(result, lang=lang)
        assert f'<html lang="{lang}">' in document
        layout = figure_in(document)["layout"]
        assert play in layout["updatemenus"][0]["buttons"][0]["label"]
        assert layout["sliders"][0]["currentvalue"]["prefix"].startswith(step)
        labels = {label["name"]: label["text"] for label in layout["annotations"]}
        assert labels["grad_norm"] == text(lang)("gradient-norm")
        assert figure_in(document)["config"]["locale"] == lang  # the modebar speaks it too
    assert '<html lang="en">' in standalone_html(result, lang="fr")
    captioned = standalone_html(result, lang="zh-CN", caption="看 <b>这里</b>")
    assert '<p class="caption">看 &lt;b&gt;这里&lt;/b&gt;</p>' in captioned
    assert [resolve_lang(t) for t in ("zh", "zh_Hant_HK", "zh-SG", "ZH-tw", "", "de")] == [
        "zh-CN", "zh-TW", "zh-CN", "zh-TW", "en", "en"]


def test_frame_steps_are_round_evenly_spaced_and_include_both_ends():
    assert frame_steps(0) == [0]
    assert frame_steps(300) == list(range(0, 301, 2))
    for last in (1, 7, 150, 201, 999, 1000, 4321, 100_000):
        ticks = frame_steps(last)
        assert ticks[0] == 0 and ticks[-1] == last
        assert min(last + 1, FRAMES // 2) <= len(ticks) <= FRAMES + 1
        assert len(set(np.diff(ticks[:-1]))) <= 1


def test_frames_move_only_the_paths_and_heads_and_end_on_the_whole_runs(result):
    figure = standalone_figure(result)
    data, frames = figure["data"], figure["frames"]
    assert all(t["type"] == "scatter" for t in data)
    assert [f["name"] for f in frames] == [str(k) for k in frame_steps(300)]
    roles = [data[i]["meta"]["role"] for i in frames[0]["traces"]]
    assert sorted(roles) == sorted(["path", "path", "heads", "curve-heads", "curve-heads", "cursor", "cursor"])
    assert all(len(f["data"]) == len(f["traces"]) and f["traces"] == frames[0]["traces"] for f in frames)
    paths = [i for i, role in enumerate(roles) if role == "path"]
    heads = roles.index("heads")
    middle = frames[len(frames) // 2]
    k = int(middle["name"])
    for run_index, position in enumerate(paths):
        points = result.runs[run_index].points
        x = decode(middle["data"][position]["x"])
        assert x[-1] == np.float32(points[k, 0]) and len(x) == k + 1  # 300 steps: every step is drawn
        assert middle["data"][heads]["x"][run_index] == points[k, 0]
        np.testing.assert_array_equal(decode(frames[-1]["data"][position]["y"]), points[:, 1].astype(np.float32))
    json.dumps(figure, allow_nan=False)


def test_a_schedule_adds_the_learning_rate_row_on_the_shared_step_axis():
    result = run(experiment_of("surface=ellipse&steps=50&opt=adam(lr=0.1,schedule=cosine)&opt=gd(lr=0.05)"))
    layout = standalone_figure(result)["layout"]
    assert [label["name"] for label in layout["annotations"]] == ["loss", "grad_norm", "lr"]
    assert layout["annotations"][2]["text"] == "η (learning rate)"
    assert layout["annotations"][2]["y"] == layout["yaxis4"]["domain"][1]  # inside its own row, at the top
    assert layout["xaxis2"]["matches"] == layout["xaxis3"]["matches"] == "x4"
    assert layout["xaxis4"]["title"]["text"] == "step" and layout["xaxis4"]["domain"][0] > layout["xaxis"]["domain"][1]
    assert layout["yaxis"]["scaleanchor"] == "x"


def test_a_long_sweep_keeps_frames_and_bytes_bounded():
    runs = "&".join(f"opt=adam(lr={lr})" for lr in (0.001, 0.003, 0.01, 0.03, 0.1, 0.3))
    result = run(experiment_of(f"surface=rosenbrock&steps=20000&{runs}"))
    figure = standalone_figure(result)
    assert len(figure["frames"]) <= FRAMES + 1
    for frame in figure["frames"][:-1]:
        assert all(len(decode(d["x"])) <= FRAME_POINTS + 1 for d in frame["data"][:6])
    assert len(standalone_html(result)) < len(get_plotlyjs()) + 6_000_000


def test_a_diverged_run_exports_without_nan_or_infinity(diverging):
    document = standalone_html(diverging)
    figure = figure_in(document)  # strict: refuses NaN and Infinity
    gone = diverging.runs[0]
    (marker,) = by_role(figure["data"], "diverged")
    assert marker["text"] == [f"diverged at step {gone.diverged_at}"]
    assert marker["x"] == [float(gone.points[-1, 0])]
    assert all(np.isfinite(decode(p["x"])).all() for p in by_role(figure["data"], "path"))


# -- in the browser ------------------------------------------------------------------------------------------------

def open_offline(page, path) -> list[str]:
    """Open the page from file:// with the network cut; return every URL it asked for."""
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://")
               else route.abort())
    page.goto(path.as_uri())
    page.wait_for_function("""() => { const gd = document.querySelector('.js-plotly-plot');
        return gd && gd._transitionData && gd._transitionData._frames.length > 0
               && gd.querySelector('.scatterlayer .trace') && gd.querySelector('.updatemenu-button'); }""")
    return requested


def state(page) -> dict:
    return page.evaluate(READ, list(MOVING))


def shown_step(page, traces: list[dict] | None = None) -> int:
    """The step the cursors show, in `traces` (one snapshot of a playing figure) or read now."""
    (cursor, *_) = by_role(state(page)["traces"] if traces is None else traces, "cursor")
    return int(cursor["x"][0])


def wait_for_step(page, condition: str, timeout: float = 30_000) -> None:
    """Wait until the step the cursors show satisfies `condition` (a JS expression of `k`)."""
    page.wait_for_function(
        "() => { const gd = document.querySelector('.js-plotly-plot');"
        " const k = gd._fullData.find((t) => t.meta && t.meta.role === 'cursor').x[0]; return " + condition + "; }",
        timeout=timeout)


def play(page) -> None:
    page.locator(".updatemenu-button", has_text="Play").click()


def assert_at_step(traces: list[dict], result, k: int) -> None:
    """Every moving trace shows step k (or a run's last step, for a run that ended earlier)."""
    heads = by_role(traces, "heads")[0]
    for index, (rr, path) in enumerate(zip(result.runs, by_role(traces, "path"), strict=True)):
        at = min(k, len(rr.points) - 1)
        assert (heads["x"][index], heads["y"][index]) == pytest.approx(tuple(rr.points[at]), rel=1e-12)
        assert (path["x"][-1], path["y"][-1]) == (pytest.approx(as_float32([rr.points[at, 0]])[0]),
                                                  pytest.approx(as_float32([rr.points[at, 1]])[0]))
        assert len(path["x"]) <= at + 1
    for row in by_role(traces, "curve-heads"):
        assert row["x"] == [min(k, len(rr.points) - 1) for rr in result.runs]


def assert_whole_runs(traces: list[dict], result) -> None:
    for rr, path, picked in zip(result.runs, by_role(traces, "path"), drawn(result), strict=True):
        np.testing.assert_array_equal(as_float32(path["x"]), rr.points[picked, 0].astype(np.float32))
        np.testing.assert_array_equal(as_float32(path["y"]), rr.points[picked, 1].astype(np.float32))
    assert_at_step(traces, result, max(len(rr.points) for rr in result.runs) - 1)


@pytest.mark.browser
def test_the_page_renders_offline_with_the_engine_points(page, exported, result):
    requested = open_offline(page, exported)
    assert requested == [exported.as_uri()]  # not even an attempt to reach the network
    seen = state(page)
    figure = figure_in(exported.read_text(encoding="utf-8"))
    assert seen["count"] == len(figure["data"]) and seen["frames"] == len(figure["frames"]) == 151
    assert page.title() == "Adam & GD <on> Rosenbrock"
    assert page.locator("h1").inner_text() == "Adam & GD <on> Rosenbrock"
    assert to_query(result.experiment) in page.locator(".query").inner_text()
    # The page opens on the whole runs, heads at their ends, the slider at the last step.
    assert [t["name"] for t in by_role(seen["traces"], "path")] == ["gd lr=0.001", "adam lr=0.05"]
    assert_whole_runs(seen["traces"], result)
    assert seen["slider"] == 150
    assert page.locator(".legend .traces").count() == 2
    assert page.locator("image").count() == 1  # the level bands, as a PNG under the level lines


@pytest.mark.browser
def test_play_animates_both_panels_to_the_end(page, exported, result):
    open_offline(page, exported)
    play(page)
    wait_for_step(page, "k >= 40 && k <= 200")
    early = state(page)
    k = int(by_role(early["traces"], "cursor")[0]["x"][0])
    assert_at_step(early["traces"], result, k)
    wait_for_step(page, f"k > {k + 40}")
    later = by_role(state(page)["traces"], "path")
    assert all(len(b["x"]) > len(a["x"]) for a, b in zip(by_role(early["traces"], "path"), later, strict=True))
    wait_for_step(page, "k === 300")
    page.wait_for_timeout(300)
    final = state(page)
    assert_whole_runs(final["traces"], result)
    assert final["slider"] == 150
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "standalone.png"))


@pytest.mark.browser
def test_pause_stops_and_the_slider_seeks(page, exported, result):
    open_offline(page, exported)
    play(page)
    wait_for_step(page, "k >= 20 && k < 200")
    page.locator(".updatemenu-button", has_text="Pause").click()
    page.wait_for_timeout(200)
    paused = shown_step(page)
    page.wait_for_timeout(800)
    assert shown_step(page) == paused < 300
    assert_at_step(state(page)["traces"], result, paused)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "standalone-paused.png"))

    rail = page.locator(".slider-rail-touch-rect").bounding_box()
    page.mouse.click(rail["x"] + rail["width"] * 0.25, rail["y"] + rail["height"] / 2)
    wait_for_step(page, "k >= 50 && k <= 100")  # about a quarter of 300
    page.wait_for_timeout(300)
    seeked = state(page)
    k = int(by_role(seeked["traces"], "cursor")[0]["x"][0])
    assert seeked["slider"] == k // 2
    assert_at_step(seeked["traces"], result, k)


@pytest.mark.browser
def test_a_diverged_run_loads_and_plays_to_its_last_finite_point(page, diverging, tmp_path):
    path = tmp_path / "diverging.html"
    path.write_text(standalone_html(diverging, lang="zh-TW"), encoding="utf-8")
    assert open_offline(page, path) == [path.as_uri()]
    assert_whole_runs(state(page)["traces"], diverging)
    assert page.locator(".legend .traces", has_text="發散").count() == 1
    page.locator(".updatemenu-button", has_text="播放").click()
    gone = len(diverging.runs[0].points) - 1
    wait_for_step(page, f"k > {gone + 5}")
    snapshot = state(page)["traces"]  # one reading: the animation moves on between two
    assert_at_step(snapshot, diverging, shown_step(page, snapshot))  # the diverged run stays at its last point
    wait_for_step(page, "k === 120")
    page.wait_for_timeout(300)
    assert_whole_runs(state(page)["traces"], diverging)


def test_the_export_opens_at_the_pages_zoom_and_paused_step_and_links_back_to_it():
    """The HTML export ignored the zoom and the paused step, and its 'link' was not a link back."""
    from experiments.url import View

    result = run(experiment_of("surface=rosenbrock&steps=300&opt=adam(lr=0.05)&opt=gd(lr=0.001)"))
    view = View(step=123, zoom=(0.5, 1.5, 0.5, 1.5))
    figure = standalone_figure(result, zoom=view.zoom, step=view.step)
    layout = figure["layout"]
    assert layout["xaxis"]["range"] == [0.5, 1.5] and layout["yaxis"]["range"] == [0.5, 1.5]
    assert layout["images"][0]["x"] == 0.5 and layout["images"][0]["sizex"] == 1.0  # the zoomed box's landscape
    slider = layout["sliders"][0]
    assert slider["steps"][slider["active"]]["label"] == "123"
    (heads,) = by_role(figure["data"], "heads")
    np.testing.assert_array_equal(heads["x"], [rr.points[123, 0] for rr in result.runs])
    page = standalone_html(result, view=view, address="http://class.example:8050/")
    query = to_query(result.experiment, View(step=123, zoom=view.zoom))
    href = html.escape("http://class.example:8050/?" + query)
    assert f'<a href="{href}">' in page
    offline = standalone_html(result, view=view)  # no address known (the command line with a bare query)
    line = re.search(r'<p class="query">(.*?)</p>', offline).group(1)
    assert "<a" not in line and html.escape("?" + query) in line
