"""The pure figure builders: typed arrays, decimation, level lines, the landscape image, figures and summaries."""

from __future__ import annotations

import base64
import json
import math
import zlib

import numpy as np
import pytest

from experiments import Experiment, Run, run
from surfaces import SURFACES
from ui.contours import (
    LEVEL_TOLERANCE,
    colour_bands,
    encircled,
    inside,
    is_closed,
    level_lines,
    png,
    polylines_with_gaps,
    true_parts,
)
from ui.figures import (
    DRAW_LIMIT,
    contour_figure,
    curve_rows,
    curves_figure,
    drawn_steps,
    summaries,
    typed,
)
from ui.landscape import landscape, landscape_traces
from ui.theme import COLORS, DASHES, SYMBOLS, run_style


def decode(spec: dict) -> np.ndarray:
    array = np.frombuffer(base64.b64decode(spec["bdata"]), dtype=np.dtype(spec["dtype"]).newbyteorder("<"))
    if "shape" in spec:
        array = array.reshape([int(n) for n in spec["shape"].split(",")])
    return array


def by_role(figure: dict, role: str) -> list[dict]:
    return [t for t in figure["data"] if t.get("meta", {}).get("role") == role]


# -- typed arrays and decimation --------------------------------------------------------------------------------

def test_typed_arrays_round_trip_as_float32_int32_and_2d():
    values = np.array([0.1, -2.5, 1e-30, 3e38])
    np.testing.assert_array_equal(decode(typed(values)), values.astype(np.float32))
    np.testing.assert_array_equal(decode(typed(np.arange(5), "i4")), np.arange(5))
    grid = np.arange(6.0).reshape(2, 3)
    spec = typed(grid)
    assert spec["shape"] == "2,3"
    np.testing.assert_array_equal(decode(spec), grid)


def test_values_beyond_float32_travel_as_float64_not_infinity():
    spec = typed(np.array([1.0, 1e48]))
    assert spec["dtype"] == "f8"
    assert decode(spec)[1] == 1e48


@pytest.mark.parametrize("count", [1, 2, 1999, DRAW_LIMIT, DRAW_LIMIT + 1, 4001, 100_001])
def test_drawn_steps_keep_both_ends_stay_sorted_and_within_the_limit(count):
    rng = np.random.default_rng(count)
    loss = rng.random(count)
    picked = drawn_steps(loss, loss)
    assert picked[0] == 0 and picked[-1] == count - 1
    assert np.all(np.diff(picked) > 0)
    assert len(picked) <= DRAW_LIMIT + 1
    if count <= DRAW_LIMIT:
        np.testing.assert_array_equal(picked, np.arange(count))


def test_decimation_keeps_every_spike():
    """Adagrad's sideways bursts are single-step spikes in the loss; thinning must not drop them."""
    loss = np.ones(50_001)
    spikes = [777, 12_345, 49_999]
    loss[spikes] = 1e6
    picked = drawn_steps(loss, np.zeros_like(loss))
    assert set(spikes) <= set(picked.tolist())


# -- level lines and the image -----------------------------------------------------------------------------------

def test_level_lines_trace_a_circle_as_one_closed_loop():
    x = y = np.linspace(-2, 2, 81)
    z = x[None, :] ** 2 + y[:, None] ** 2
    (loop,) = level_lines(x, y, z, 1.0)
    assert is_closed(loop)
    radius = np.hypot(loop[:, 0], loop[:, 1])
    assert np.max(np.abs(radius - 1)) < 2e-3  # linear interpolation on a 0.05 grid
    angles = np.sort(np.arctan2(loop[:, 1], loop[:, 0]))
    assert np.max(np.diff(angles)) < 0.1  # it goes all the way round


def test_level_lines_on_the_saddle_are_the_two_branches_of_a_hyperbola():
    x = y = np.linspace(-1, 1, 41)
    z = x[None, :] ** 2 - y[:, None] ** 2
    for level in (0.25, -0.25):
        lines = level_lines(x, y, z, level)
        assert len(lines) == 2
        for line in lines:
            assert not is_closed(line)
            assert np.max(np.abs(line[:, 0] ** 2 - line[:, 1] ** 2 - level)) < 2e-3


def test_parts_of_a_line_that_stray_from_the_level_are_cut_out():
    surface = SURFACES["ellipse"](kappa=1.0)  # f = (x² + y²)/2
    good = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])  # on f = 0.5 at the vertices, 0.25 at the midpoints
    on_level = np.array([[np.cos(a), np.sin(a)] for a in np.linspace(0, np.pi, 50)])
    parts = true_parts(surface, [on_level, good], 0.5, 0.05)
    assert len(parts) == 1 and parts[0] is on_level  # the coarse one strays halfway along each segment
    wobbly = on_level.copy()
    wobbly[25] *= 1.5  # one vertex far off: the segments on either side of it go, the rest stays
    (first, second) = true_parts(surface, [wobbly], 0.5, 0.05)
    np.testing.assert_array_equal(first, on_level[:25])
    np.testing.assert_array_equal(second, on_level[26:])


def test_a_closed_loop_stays_only_around_a_critical_point():
    surface = SURFACES["rosenbrock"]()  # its only critical point is the minimum at (1, 1)
    around = np.array([[1 + 0.1 * np.cos(a), 1 + 0.1 * np.sin(a)] for a in np.linspace(0, 2 * np.pi, 40)])
    beside = around + np.array([0.5, -0.7])  # a loop with no critical point inside, like an artefact of the grid
    known = np.array([[1.0, 1.0]])
    assert encircled(surface, [around, beside], known) == [True, False]
    # Without the list, Newton's method from the loop's centroid finds the minimum inside the first loop only.
    assert encircled(surface, [around, beside], np.zeros((0, 2))) == [True, False]


def test_polylines_are_joined_with_gaps():
    xs, ys = polylines_with_gaps([np.array([[0, 0], [1, 1]]), np.array([[2, 2], [3, 3], [4, 4]])])
    assert np.isnan(xs[2]) and np.isnan(ys[2])
    assert len(xs) == 6


def test_png_is_a_valid_image_of_the_given_pixels():
    rgb = np.arange(4 * 5 * 3, dtype=np.uint8).reshape(4, 5, 3)
    data = png(rgb)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (5, 4)
    start = data.index(b"IDAT") + 4
    length = int.from_bytes(data[start - 8:start - 4], "big")
    raw = np.frombuffer(zlib.decompress(data[start:start + length]), dtype=np.uint8).reshape(4, 16)
    assert np.all(raw[:, 0] == 0)
    np.testing.assert_array_equal(raw[:, 1:].reshape(4, 5, 3), rgb)


def test_colour_bands_fill_lower_bands_lighter_and_put_the_top_row_first():
    levels = np.array([1.0, 2.0])
    z = np.array([[0.5, 1.5], [2.5, 2.5]])  # rows bottom to top, as sampled
    scale = [[0.0, "#ffffff"], [1.0, "#000000"]]
    image = colour_bands(z, levels, scale)
    assert image[1, 0].tolist() == [255, 255, 255]  # lowest band, bottom row, drawn last
    assert image[0, 0].tolist() == [0, 0, 0]
    assert 0 < image[1, 1, 0] < 255


# -- the landscape ------------------------------------------------------------------------------------------------

def test_rosenbrock_gets_log_levels_four_per_decade_with_decade_ticks():
    land = landscape("rosenbrock", (("a", 1.0), ("b", 100.0)))
    assert land.log
    np.testing.assert_allclose(np.diff(land.heights), 0.25)
    colorbar = landscape_traces(land, (0.0, 0.0))[0]["marker"]["colorbar"]
    assert colorbar["ticktext"] == ["1e-4", "1e-3", "0.01", "0.1", "1", "10", "100", "1e3"]
    for value, text in zip(colorbar["tickvals"], colorbar["ticktext"], strict=True):
        assert land.loss(value) == pytest.approx(float(text.replace("1e", "1e")), rel=1e-9)


def _surface_box(surface, centre, fraction):
    xmin, xmax, ymin, ymax = surface.view()
    half_x, half_y = (xmax - xmin) * fraction / 2, (ymax - ymin) * fraction / 2
    return (centre[0] - half_x, centre[0] + half_x, centre[1] - half_y, centre[1] + half_y)


def assert_true_landscape(land) -> int:
    """Every drawn level line is true to its level at its vertices and midpoints, and every closed one goes round
    a critical point. Returns how many levels are drawn in the box."""
    surface = land.surface
    critical = np.array([[c.x, c.y] for c in surface.critical_points()]).reshape(-1, 2)
    drawn = 0
    for level, lines in zip(land.levels, land.lines, strict=True):
        drawn += bool(lines)
        for line in lines:
            points = np.concatenate([line, 0.5 * (line[1:] + line[:-1])])
            off = np.abs(surface.value(points) - level) / (level - land.low)
            assert off.max() <= LEVEL_TOLERANCE, (level, off.max())
            if is_closed(line):
                assert inside(critical, line).any() or encircled(surface, [line], critical) == [True]
    return drawn


@pytest.mark.parametrize("surface_id", list(SURFACES))
def test_every_level_line_lies_on_its_level_and_loops_go_round_critical_points(surface_id):
    surface = SURFACES[surface_id]()
    land = landscape(surface_id, tuple(sorted(surface.settings.items())))
    assert assert_true_landscape(land) >= 10
    assert land.image.startswith("data:image/png;base64,")


def _zoom_cases():
    for surface_id, cls in SURFACES.items():
        for point in cls().critical_points():
            if point.kind in ("minimum", "saddle"):
                for fraction in (1e-1, 1e-3, 1e-6):
                    yield surface_id, (point.x, point.y), fraction
                break


@pytest.mark.parametrize(("surface_id", "centre", "fraction"), list(_zoom_cases()))
def test_zoomed_landscapes_stay_dense_and_true(surface_id, centre, fraction):
    """Down to a millionth of the surface's box, at its minima and saddles: a fresh grid over the zoomed box."""
    surface = SURFACES[surface_id]()
    land = landscape(surface_id, tuple(sorted(surface.settings.items())), _surface_box(surface, centre, fraction))
    assert assert_true_landscape(land) >= 5


def test_rosenbrock_zoomed_a_thousandfold_on_its_minimum_shows_true_lines_and_no_false_loops():
    """At 1/1000 of the box round (1, 1), the old coarse grid drew diamond loops beside the minimum that looked
    like two more minima, and f varied by more than 1.5x along 10 of its 15 lines."""
    surface = SURFACES["rosenbrock"]()
    land = landscape("rosenbrock", (("a", 1.0), ("b", 100.0)), _surface_box(surface, (1.0, 1.0), 1e-3))
    assert assert_true_landscape(land) >= 5
    loops = [line for lines in land.lines for line in lines if is_closed(line)]
    assert all(inside(np.array([[1.0, 1.0]]), loop)[0] for loop in loops)  # only round the true minimum
    inside_box = [line for lines in land.lines for line in lines
                  if np.all(np.abs(line - 1.0) <= 0.002 + 1e-12)]
    assert len(inside_box) >= 5


# -- figures --------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def mixed_result():
    experiment = Experiment("ellipse", [Run("gd", lr=0.25), Run("adam", lr=0.1, schedule="cosine"),
                                        Run("momentum", lr=0.01, label="slow")],
                            steps=200, surface_params={"kappa": 10.0})
    return run(experiment)


def test_contour_figure_order_roles_and_the_engine_points(mixed_result):
    figure = contour_figure(mixed_result)
    roles = [t["meta"]["role"] for t in figure["data"]]
    assert roles[:5] == ["colorbar", "level", "level", "critical", "start"]
    first_path = roles.index("path")
    assert roles[first_path - 1] == "start"
    assert roles[first_path:] == ["path"] * 3 + ["heads", "diverged"]
    assert all(t["type"] == "scatter" for t in figure["data"])  # so the landscape survives playback
    for trace, rr in zip(by_role(figure, "path"), mixed_result.runs, strict=True):
        np.testing.assert_array_equal(decode(trace["x"]), rr.points[:, 0].astype(np.float32))
        np.testing.assert_array_equal(decode(trace["y"]), rr.points[:, 1].astype(np.float32))
    layout = figure["layout"]
    assert layout["uirevision"] == "ellipse;angle=0.0;kappa=10.0|-5.0,5.0,-5.0,5.0"
    assert layout["yaxis"]["scaleanchor"] == "x" and layout["xaxis"]["range"] == [-5.0, 5.0]
    assert layout["images"][0]["source"].startswith("data:image/png;base64,")


def test_styles_differ_by_colour_marker_and_dash(mixed_result):
    paths = by_role(contour_figure(mixed_result), "path")
    assert len({(p["line"]["color"], p["marker"]["symbol"], p["line"]["dash"]) for p in paths}) == 3
    assert len({p["line"]["dash"] for p in paths}) == 3  # readable in grayscale
    assert len({run_style(i).symbol for i in range(12)}) == 12 == len(SYMBOLS)
    assert len(set(COLORS)) == len(COLORS) and len(set(DASHES)) == len(DASHES)


def test_twelve_runs_get_twelve_colours_and_stay_apart_in_grayscale():
    """Twelve runs repeated colours (the palette had seven)."""
    styles = [run_style(i) for i in range(12)]
    assert len({s.color for s in styles}) == 12
    assert len({(s.symbol, s.dash) for s in styles}) == 12  # what is left when the colours are gone


def test_unlabelled_runs_are_named_in_the_pages_language():
    result = run(Experiment("ellipse", [Run("gd", lr=0.001), Run("adam", lr=0.01, schedule="cosine", noise=0.5),
                                        Run("sgd", lr=0.1, label="mine")], steps=5))
    from ui.figures import run_names

    assert run_names(result, "en") == ["gd lr=0.001", "adam lr=0.01 cosine σ=0.5", "mine"]
    assert run_names(result, "zh-CN") == ["梯度下降 η=0.001", "Adam η=0.01 余弦退火 σ=0.5", "mine"]
    assert run_names(result, "zh-TW")[0] == "梯度下降 η=0.001"


def test_a_start_outside_the_surface_widens_the_box_in_its_own_shape():
    from ui.figures import home_box

    surface = SURFACES["rosenbrock"]()
    assert home_box(surface, (0.0, 0.0)) == surface.view()
    x0, x1, y0, y1 = home_box(surface, (1000.0, 2.0))
    assert x0 <= -2 and x1 >= 1000 and y0 <= -1 and y1 >= 3
    assert (x1 - x0) == pytest.approx(y1 - y0)  # the surface's box is square, and so is the wider one


def test_a_diverged_run_ends_with_a_marker_and_its_step(mixed_result):
    diverging = mixed_result.runs[0]
    assert diverging.diverged_at is not None  # lr 0.25 > 2/λmax = 0.2
    figure = contour_figure(mixed_result)
    (marker,) = by_role(figure, "diverged")
    assert marker["x"] == [float(diverging.points[-1, 0])]
    assert marker["text"] == [f"diverged at step {diverging.diverged_at}"]
    assert by_role(figure, "path")[0]["name"].endswith(f"(diverged at step {diverging.diverged_at})")


def test_figures_are_strict_json(mixed_result):
    for figure in (contour_figure(mixed_result), curves_figure(mixed_result)):
        json.dumps(figure, allow_nan=False)


def test_curves_have_log_loss_and_gradient_rows_and_a_rate_row_only_with_a_schedule(mixed_result):
    figure = curves_figure(mixed_result)
    rows = curve_rows(mixed_result)
    assert [r.key for r in rows] == ["loss", "grad_norm", "lr"]
    assert figure["layout"]["yaxis"]["type"] == "log" and figure["layout"]["yaxis2"]["type"] == "log"
    assert len(by_role(figure, "cursor")) == len(by_role(figure, "curve-heads")) == 3
    lr_traces = [t for t in by_role(figure, "curve") if t["meta"]["row"] == "lr"]
    np.testing.assert_allclose(decode(lr_traces[1]["y"]), mixed_result.runs[1].lr.astype(np.float32))
    plain = run(Experiment("ellipse", [Run("gd", lr=0.01)], steps=20))
    assert [r.key for r in curve_rows(plain)] == ["loss", "grad_norm"]


def test_loss_is_shown_above_the_lowest_minimum_when_that_is_not_zero():
    result = run(Experiment("double_well", [Run("gd", lr=0.01)], steps=50))
    row = curve_rows(result)[0]
    assert row.log and row.title.startswith("loss − ")
    (loss,) = [t for t in by_role(curves_figure(result), "curve") if t["meta"]["row"] == "loss"]
    assert np.all(decode(loss["y"]) > 0)


def test_the_classic_saddle_has_no_minimum_and_a_linear_loss_axis():
    result = run(Experiment("saddle", [Run("gd", lr=0.1)], steps=100, surface_params={"variant": "classic"}))
    assert result.runs[0].final_loss < 0  # it slid off down the y direction
    assert not curve_rows(result)[0].log
    (summary,) = summaries(result)
    assert summary.distance is None and summary.reached_at is None


def test_summaries_report_distance_first_arrival_and_divergence(mixed_result):
    rows = summaries(mixed_result)
    assert rows[0].diverged_at == mixed_result.runs[0].diverged_at
    tolerance = mixed_result.experiment.tolerance
    assert tolerance == 1e-3  # the default: "reached" is the first step within 1e-3 of a minimum
    for row, rr in zip(rows, mixed_result.runs, strict=True):
        near = np.flatnonzero(np.hypot(rr.points[:, 0], rr.points[:, 1]) <= tolerance)
        assert row.reached_at == (int(near[0]) if near.size else None)
        if rr.diverged_at is None:
            assert row.distance == pytest.approx(float(np.hypot(*rr.points[-1])))
            assert row.final_loss == rr.final_loss
        else:  # a diverged run has no final loss or distance: the table shows "—" and where it diverged
            assert row.distance is None and row.final_loss is None
    assert rows[2].name == "slow"
    (arrived,) = summaries(run(Experiment("ellipse", [Run("gd", lr=0.15)], steps=300)))
    assert arrived.reached_at is not None and 0 < arrived.reached_at < 300 and math.isfinite(arrived.final_loss)


def test_values_below_float32s_range_travel_as_float64_so_log_axes_keep_them():
    spec = typed(np.array([1.0, 1e-40, 0.0]))
    assert spec["dtype"] == "f8" and decode(spec)[1] == 1e-40
    assert typed(np.array([1.0, 1e-30, 0.0]))["dtype"] == "f4"


def test_the_crescent_uses_log_levels_and_labels_the_gap_above_its_minimum():
    land = landscape("crescent", (("decay", 3.0), ("height", 1.0), ("wall", 5.0)))
    (bottom,) = land.surface.minima()  # just below (0, −1): the tilt pulls it down the ring
    assert land.log and land.low == land.surface.value(np.array([bottom.x, bottom.y]))
    assert land.low == pytest.approx(math.exp(-6.0), rel=1e-3)  # about height·e^(decay·(−1 − 1))
    colorbar = landscape_traces(land, (0.5, 0.8))[0]["marker"]["colorbar"]
    assert colorbar["title"]["text"] == "loss − 0.002478"
    assert "1e-3" in colorbar["ticktext"] and len(set(colorbar["ticktext"])) == len(colorbar["ticktext"])


def test_a_lessons_run_labels_read_in_the_pages_language():
    from experiments.lessons import LESSONS
    from experiments.url import parse

    result = run(parse(LESSONS["adagrad-bursts"].query)[0])
    traces = contour_figure(result, lang="zh-TW")["data"]
    names = [t["name"] for t in traces if (t.get("meta") or {}).get("role") == "path"]
    assert names == ["Adagrad", "加衰減"]
    assert [s.name for s in summaries(result, "zh-CN")] == ["Adagrad", "加衰减"]
    assert [s.name for s in summaries(result)] == ["Adagrad", "with decay"]  # the label itself is unchanged


def test_a_users_own_labels_are_shown_as_typed():
    result = run(Experiment("ellipse", [Run("gd", lr=0.01, label="momentum"), Run("adam", lr=0.01, label="warm-up")],
                            steps=20))
    assert [s.name for s in summaries(result, "zh-CN")] == ["momentum", "warm-up"]
