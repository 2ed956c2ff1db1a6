"""Pure figure builders: a Result becomes plotly figure dicts. No dash here, so they are tested without a browser.

Arrays travel as plotly typed-array specs ({"dtype": "f4", "bdata": base64}), about a third of the bytes of JSON
numbers. Long runs are decimated for drawing; the CSV export keeps every step.

The contour figure holds only scatter traces, over a PNG of the filled level bands (see ui/contours.py), in this
order: the landscape (colour bar, level lines, critical points, and last the start point), then one path per
run, the heads (one marker per run at the playback step) and the divergence markers. The run callback's Patch
relies on that order; the browser player finds the traces it moves by their `meta` role.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from experiments.lessons import LESSONS
from experiments.measures import measures_of, minima_of
from experiments.runner import Result, RunResult
from experiments.url import to_query, usable_zoom
from optimizers import OPTIMIZERS, SCHEDULES
from surfaces import Surface
from ui.formats import typed
from ui.i18n import text
from ui.landscape import Landscape, landscape, landscape_image, landscape_traces, minimum_value, offset_text
from ui.theme import run_style

DRAW_LIMIT = 2000  # most points drawn per run; longer runs are decimated
# The page's own font stack; the browser player scales the size with the window.
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK SC', sans-serif", "size": 13}
_LESSON_QUERIES = frozenset(lesson.query for lesson in LESSONS.values())


def drawn_steps(loss: np.ndarray, grad_norm: np.ndarray, limit: int = DRAW_LIMIT) -> np.ndarray:
    """Which steps to draw: all of them up to `limit`, else evenly spaced steps plus, in every bucket, the step of
    largest loss and of largest gradient norm, so bursts (Adagrad's sideways jumps) survive decimation."""
    count = len(loss)
    if count <= limit:
        return np.arange(count)
    buckets = limit // 4
    size = -(-count // buckets)
    picks = [np.linspace(0, count - 1, limit // 2).round().astype(int)]
    for series in (loss, grad_norm):
        padded = np.full(buckets * size, -np.inf)
        padded[:count] = series
        picks.append(np.argmax(padded.reshape(buckets, size), axis=1) + np.arange(buckets) * size)
    picked = np.unique(np.concatenate(picks))
    return picked[picked < count]  # buckets made only of padding point past the end


def landscape_of(result: Result, box: tuple[float, float, float, float] | None = None) -> Landscape:
    experiment = result.experiment
    seed = experiment.seed if result.surface.seeded else 0
    return landscape(experiment.surface, tuple(sorted(experiment.surface_params.items())), box, seed)


def surface_of(result: Result) -> Surface:
    """The result's surface with its critical points already polished (the cached landscape's instance)."""
    return landscape_of(result).surface


# -- the runs ------------------------------------------------------------------------------------------------

def drawn(result: Result) -> list[np.ndarray]:
    return [drawn_steps(rr.loss, rr.grad_norm) for rr in result.runs]


def run_traces(result: Result, steps: list[np.ndarray], lang: str = "en") -> list[dict]:
    """Paths (one per run), then one heads trace, then one divergence-marker trace."""
    t = text(lang)
    names = run_names(result, lang)
    paths, heads_x, heads_y = [], [], []
    ends_x, ends_y, ends_text, ends_color = [], [], [], []
    for index, (rr, picked) in enumerate(zip(result.runs, steps, strict=True)):
        style = run_style(index)
        paths.append({
            "type": "scatter", "mode": "lines+markers", "name": _legend_name(rr, names[index], t),
            "x": typed(rr.points[picked, 0]), "y": typed(rr.points[picked, 1]),
            "line": {"color": style.color, "dash": style.dash, "width": 2.5},
            "marker": {"symbol": style.symbol, "size": 7, "color": style.color, "maxdisplayed": 14},
            "hovertemplate": f"{_escape(names[index])}<br>(%{{x:.4g}}, %{{y:.4g}})<extra></extra>",
            "meta": {"role": "path", "run": index},
        })
        heads_x.append(float(rr.points[0, 0]))
        heads_y.append(float(rr.points[0, 1]))
        if rr.diverged_at is not None:
            ends_x.append(float(rr.points[-1, 0]))
            ends_y.append(float(rr.points[-1, 1]))
            ends_text.append(t("diverged-at", step=rr.diverged_at))
            ends_color.append(style.color)
    styles = [run_style(i) for i in range(len(result.runs))]
    heads = {
        "type": "scatter", "mode": "markers", "showlegend": False, "name": "step", "x": heads_x, "y": heads_y,
        "marker": {"symbol": [s.symbol for s in styles], "color": [s.color for s in styles], "size": 16,
                   "line": {"color": "#ffffff", "width": 2}},
        "hoverinfo": "skip", "meta": {"role": "heads"},  # the player moves these without plotly knowing
    }
    diverged = {
        "type": "scatter", "mode": "markers+text", "showlegend": False, "name": "diverged",
        "x": ends_x, "y": ends_y, "text": ends_text, "textposition": "top center",
        "textfont": {"color": ends_color},
        "marker": {"symbol": "asterisk-open", "size": 22, "color": ends_color,
                   "line": {"width": 3, "color": ends_color}},
        "hovertemplate": "%{text}<extra></extra>", "meta": {"role": "diverged"},
    }
    return [*paths, heads, diverged]


def run_names(result: Result, lang: str) -> list[str]:
    """The runs' names in the legend and the table. A run without a label is named in the page's language (the
    optimizer and its rate, then its schedule and noise); a lesson's run labels read in the page's language too;
    anyone else's labels are shown as typed (the CSV and the label field keep them so too)."""
    return names_of(result.experiment, lang)


def names_of(experiment, lang: str) -> list[str]:
    """run_names for an experiment's runs."""
    t = text(lang)
    lesson = to_query(experiment) in _LESSON_QUERIES
    names = []
    for spec in experiment.runs:
        if spec.label:
            names.append(t.declared(spec.label) if lesson else spec.label)
        else:
            names.append(default_name(spec, t))
    return names


def default_name(run, t) -> str:
    """``adam lr=0.01 cosine σ=0.5`` in English (Run.name: torch's names, which carry over to PyTorch), and with
    the optimizer's and the schedule's translated titles in another language: ``Adam η=0.01 余弦退火 σ=0.5``."""
    if t.lang == "en":
        return run.name
    text_ = t("run-name", name=t.declared(OPTIMIZERS[run.optimizer].title), lr=f"{run.lr:g}")
    if run.schedule != "constant":
        text_ += " " + t.declared(SCHEDULES[run.schedule].title)
    if run.noise:
        text_ += f" σ={run.noise:g}"
    if run.batch:
        text_ += f" batch={run.batch}"
    return text_


def _legend_name(rr: RunResult, name: str, t) -> str:
    name = _escape(name)
    return f"{name} ({t('diverged-at', step=rr.diverged_at)})" if rr.diverged_at is not None else name


def _escape(text: str) -> str:
    """Plotly renders a small HTML subset in names and templates; labels are user text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("%", "%%")


def home_box(surface: Surface, start: tuple[float, float]) -> tuple[float, float, float, float]:
    """The box the contour opens on: the surface's own view, widened to take in a start outside it (with a
    tenth of the span to spare), so that the runs are never out of sight."""
    xmin, xmax, ymin, ymax = surface.view()
    x, y = start
    if xmin <= x <= xmax and ymin <= y <= ymax:
        return (xmin, xmax, ymin, ymax)
    width, height = xmax - xmin, ymax - ymin
    x0, x1 = min(xmin, x - 0.1 * width), max(xmax, x + 0.1 * width)
    y0, y1 = min(ymin, y - 0.1 * height), max(ymax, y + 0.1 * height)
    # Keep the surface box's shape, so equal axes do not squash the plot to a strip.
    scale = max((x1 - x0) / width, (y1 - y0) / height)
    grow_x, grow_y = (scale * width - (x1 - x0)) / 2, (scale * height - (y1 - y0)) / 2
    return (x0 - grow_x, x1 + grow_x, y0 - grow_y, y1 + grow_y)


def view_key(experiment) -> str:
    """What the contour's zoom belongs to: the surface and the box it opens on. Zoom and pan survive a re-run
    with the same key; a new surface, a surface parameter or a start that widens the box resets them."""
    surface = experiment.make_surface()
    box = home_box(surface, experiment.start)
    seed = f"|seed={experiment.seed}" if surface.seeded else ""  # data drawn from the seed: another seed, other data
    return surface_key(experiment.surface, experiment.surface_params) + seed + "|" + ",".join(map(repr, box))


def contour_layout(result: Result) -> dict:
    experiment = result.experiment
    xmin, xmax, ymin, ymax = home_box(result.surface, experiment.start)
    axes = result.surface.axes  # w and b for a model's parameters
    return {
        "uirevision": view_key(experiment),
        "margin": {"l": 40, "r": 8, "t": 4, "b": 30},
        "xaxis": {"range": [xmin, xmax], "title": {"text": axes[0], "standoff": 6}, "constrain": "domain",
                  "zeroline": False, "showgrid": False, "ticks": "outside", "automargin": True},
        "yaxis": {"range": [ymin, ymax], "title": {"text": axes[1], "standoff": 6}, "scaleanchor": "x", "scaleratio": 1,
                  "constrain": "domain", "zeroline": False, "showgrid": False, "ticks": "outside",
                  "automargin": True},
        # Above the plot, so it never meets the x-axis title, whatever the labels' length or language.
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "bgcolor": "rgba(255,255,255,0)"},
        "hovermode": "closest", "dragmode": "zoom", "plot_bgcolor": "#ffffff", "paper_bgcolor": "rgba(0,0,0,0)",
        "font": FONT,
    }


def surface_key(surface_id: str, surface_params: dict) -> str:
    return surface_id + "".join(f";{k}={v!r}" for k, v in sorted(surface_params.items()))


def landscape_box(result: Result, zoom=None) -> tuple[float, float, float, float]:
    """The box to draw the landscape over: the zoomed box when it belongs to this view, else the home box."""
    home = home_box(result.surface, result.experiment.start)
    if isinstance(zoom, dict) and zoom.get("view") == view_key(result.experiment):
        return usable_zoom(zoom.get("box"), home) or home
    return home


def contour_figure(result: Result, steps: list[np.ndarray] | None = None, lang: str = "en", zoom=None) -> dict:
    steps = drawn(result) if steps is None else steps
    land = landscape_of(result, landscape_box(result, zoom))
    traces = landscape_traces(land, result.experiment.start, lang) + run_traces(result, steps, lang)
    layout = {**contour_layout(result), "images": [landscape_image(land)], "meta": {"landscape": list(land.box)}}
    if land.undefined > 0:  # say what the hatching is
        layout["annotations"] = [undefined_note(lang)]
    return {"data": traces, "layout": layout}


def undefined_note(lang: str) -> dict:
    return {"text": text(lang)("undefined-region"), "xref": "paper", "yref": "paper", "x": 0, "y": 0,
            "xanchor": "left", "yanchor": "bottom", "showarrow": False, "bgcolor": "rgba(255,255,255,0.85)",
            "font": {"size": 11}, "name": "undefined"}


# -- the curves ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    key: str
    title: str
    log: bool


def loss_offset(result: Result) -> float:
    """The lowest minimum's loss, subtracted so a log axis shows how far each run is from it."""
    surface = surface_of(result)
    values = [minimum_value(surface, m) for m in surface.minima()]
    low = min(values) if values else 0.0
    scale = max((abs(float(rr.loss[0])) for rr in result.runs if np.isfinite(rr.loss[0])), default=1.0)
    # A minimum of −7e−88 (a Gaussian dip's tail) moves no loss the axis can show: no "loss − (−7e−88)".
    return 0.0 if abs(low) < 1e-15 * max(scale, 1e-300) else low



def curve_rows(result: Result, lang: str = "en") -> list[Row]:
    t = text(lang)
    offset = loss_offset(result)
    gaps_positive = all(bool(np.all(rr.loss - offset > 0)) for rr in result.runs)
    has_minima = bool(surface_of(result).minima())
    loss_title = t("loss") if offset == 0 else t("loss-above", low=offset_text(offset))
    rows = [Row("loss", loss_title, has_minima or gaps_positive), Row("grad_norm", "‖∇f‖", True)]
    if any(rr.run.schedule != "constant" for rr in result.runs):
        rows.append(Row("lr", t("learning-rate"), False))
    return rows


def curves_figure(result: Result, steps: list[np.ndarray] | None = None, lang: str = "en") -> dict:
    """Loss, gradient norm and (with schedules) learning rate against step, one row each, sharing the step axis;
    every row has a vertical cursor and a heads trace that the player moves."""
    steps = drawn(result) if steps is None else steps
    names = run_names(result, lang)
    rows = curve_rows(result, lang)
    offset = loss_offset(result)
    gap = 0.07
    height = (1 - gap * (len(rows) - 1)) / len(rows)
    layout: dict = {
        "uirevision": "curves", "margin": {"l": 64, "r": 12, "t": 8, "b": 36}, "showlegend": False,
        "hovermode": "x", "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "#ffffff",
        "font": FONT,
    }
    data: list[dict] = []
    bottom = len(rows)
    layout["annotations"] = []
    for number, row in enumerate(rows, start=1):
        suffix = "" if number == 1 else str(number)
        top = 1 - (number - 1) * (height + gap)
        layout[f"yaxis{suffix}"] = {"domain": [top - height, top], "type": "log" if row.log else "linear",
                                    "exponentformat": "power", "anchor": f"x{suffix}", "automargin": True,
                                    "gridcolor": "#eeeeee"}
        # A row's name sits inside it, top right, rather than as a rotated axis title: rotated titles of rows a
        # few centimetres high run into each other on a projector.
        layout["annotations"].append(row_label(row, top))
        layout[f"xaxis{suffix}"] = {"anchor": f"y{suffix}", "gridcolor": "#eeeeee", "zeroline": False,
                                    "automargin": True,
                                    **({"title": {"text": text(lang)("step")}} if number == bottom
                                       else {"showticklabels": False}),
                                    **({"matches": f"x{bottom}"} if number != bottom else {})}
        if row.log:
            layout[f"yaxis{suffix}"].update(log_ticks(_decades([row_values(rr, row.key, offset)
                                                                for rr in result.runs])))
        for index, (rr, picked) in enumerate(zip(result.runs, steps, strict=True)):
            style = run_style(index)
            values = row_values(rr, row.key, offset)
            data.append({
                "type": "scatter", "mode": "lines", "name": names[index], "xaxis": f"x{suffix}",
                "yaxis": f"y{suffix}",
                **_steps_axis(picked), "y": typed(values[picked]),
                "line": {"color": style.color, "dash": style.dash, "width": 2},
                "hovertemplate": f"{_escape(names[index])}: %{{y:.4g}}<extra></extra>",
                "meta": {"role": "curve", "row": row.key, "run": index},
            })
        styles = [run_style(i) for i in range(len(result.runs))]
        data.append({
            "type": "scatter", "mode": "markers", "xaxis": f"x{suffix}", "yaxis": f"y{suffix}", "showlegend": False,
            "x": [0] * len(result.runs), "y": [float(row_values(rr, row.key, offset)[0]) for rr in result.runs],
            "marker": {"symbol": [s.symbol for s in styles], "color": [s.color for s in styles], "size": 10,
                       "line": {"color": "#ffffff", "width": 1.5}},
            "hoverinfo": "skip", "meta": {"role": "curve-heads", "row": row.key},
        })
        # The cursor spans the row's data so it leaves autorange alone; the player stretches it to the full height.
        shown = np.concatenate([row_values(rr, row.key, offset) for rr in result.runs])
        shown = shown[shown > 0] if row.log else shown
        span = [float(shown.min()), float(shown.max())] if shown.size else [1.0, 1.0]
        data.append({
            "type": "scatter", "mode": "lines", "xaxis": f"x{suffix}", "yaxis": f"y{suffix}", "showlegend": False,
            "x": [0, 0], "y": span, "line": {"color": "#444444", "width": 1.5}, "hoverinfo": "skip",
            "meta": {"role": "cursor", "row": row.key},
        })
    return {"data": data, "layout": layout}


def with_row_ranges(curves: dict, ranges: dict[str, tuple[float, float]]) -> dict:
    """The curves figure with some rows' ranges fixed (a lesson's framing), in the data's units."""
    axes = {t["meta"]["row"]: "yaxis" + t["yaxis"][1:] for t in curves["data"] if t["meta"]["role"] == "curve"}
    layout = dict(curves["layout"])
    for row, (low, high) in ranges.items():
        if row in axes:
            axis = dict(layout[axes[row]])
            log = axis.get("type") == "log"
            axis["range"] = [math.log10(low), math.log10(high)] if log else [low, high]
            axis["autorange"] = False
            if log:
                axis.update(log_ticks(math.log10(high) - math.log10(low)))
            layout[axes[row]] = axis
    return {**curves, "layout": layout}


def _steps_axis(picked: np.ndarray) -> dict:
    """The step numbers of the drawn points: x0 and dx for an undecimated run, which costs no bytes."""
    if len(picked) == 0 or picked[-1] == len(picked) - 1:
        return {"x0": 0, "dx": 1}
    return {"x": typed(picked, "i4")}


def row_label(row: Row, top: float) -> dict:
    return {"text": row.title, "name": row.key, "xref": "paper", "yref": "paper", "x": 1, "y": top,
            "xanchor": "right", "yanchor": "top", "showarrow": False, "bgcolor": "rgba(255,255,255,0.8)",
            "borderpad": 2}


def _decades(series: list[np.ndarray]) -> float:
    positive = np.concatenate([values[values > 0] for values in series])
    if positive.size == 0:
        return 0.0
    return math.log10(float(positive.max())) - math.log10(float(positive.min()))


def log_ticks(decades: float) -> dict:
    """Tick labels for a log row spanning that many decades: at most about four whole decades, or only 2 and 5
    between them when the row spans less than two; plotly's own 1-to-9 labels crowd a row a few centimetres high."""
    if decades >= 2:
        return {"dtick": max(1, math.ceil(decades / 3))}
    return {"dtick": "D2"}


def row_values(rr: RunResult, key: str, offset: float) -> np.ndarray:
    """A run's values on one curve row: the loss above `offset`, the gradient norm or the learning rate."""
    if key == "loss":
        return rr.loss - offset
    return rr.grad_norm if key == "grad_norm" else rr.lr


# -- the results table -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Summary:
    index: int
    name: str
    final_loss: float | None  # None for a run that diverged
    distance: float | None  # from the last point to the nearest minimum; None when diverged or there is none
    reached_at: int | None  # first step within the experiment's tolerance of a minimum
    diverged_at: int | None
    steps_run: int


def summaries(result: Result, lang: str = "en") -> list[Summary]:
    """The results table's rows: the measures a sweep plots (experiments.measures), for each run as it ran."""
    names = run_names(result, lang)
    minima = minima_of(surface_of(result))
    rows = []
    for index, rr in enumerate(result.runs):
        measured = measures_of(rr, minima, result.experiment.tolerance)
        rows.append(Summary(index, names[index], measured.final_loss, measured.distance,
                            measured.steps_to_tolerance, rr.diverged_at, len(rr.points) - 1))
    return rows


# -- the data under a regression surface -----------------------------------------------------------------------

MODEL_POINTS = 81  # samples of u along a logistic model's curve


def data_figure(experiment, lang: str = "en") -> dict:
    """The data (u, t) as points, the best fit, and one model per run at its start: a line ŷ = w·u + b, or a
    logistic curve p = σ(w·u + b). The player moves each run's model to (w, b) at the playback step."""
    t = text(lang)
    surface = experiment.make_surface()
    u, target = surface.data.u, surface.data.t
    logistic = surface.settings["model"] == "logistic"
    low, high = float(u.min()), float(u.max())
    pad = 0.05 * (high - low)
    grid = np.linspace(low - pad, high + pad, MODEL_POINTS if logistic else 2)

    def model(w, b):
        z = w * grid + b
        return 0.5 * (1.0 + np.tanh(0.5 * z)) if logistic else z

    data = [{"type": "scatter", "mode": "markers", "x": typed(u), "y": typed(target), "name": t("data-points"),
             "marker": {"size": 6, "color": "rgba(40,40,40,0.55)", "line": {"width": 0}},
             "hovertemplate": "u %{x:.4g}, t %{y:.4g}<extra></extra>", "meta": {"role": "data"}}]
    best = surface.critical_points()
    if best:
        data.append({"type": "scatter", "mode": "lines", "x": typed(grid), "y": typed(model(best[0].x, best[0].y)),
                     "name": t("data-best"), "line": {"color": "#888888", "dash": "dot", "width": 2},
                     "hoverinfo": "skip", "meta": {"role": "best"}})
    names = names_of(experiment, lang)
    w0, b0 = experiment.start
    for index, name in enumerate(names):
        style = run_style(index)
        data.append({"type": "scatter", "mode": "lines", "x": typed(grid), "y": typed(model(w0, b0)), "name": name,
                     "line": {"color": style.color, "dash": style.dash, "width": 2.5}, "hoverinfo": "skip",
                     "meta": {"role": "model", "run": index, "model": surface.settings["model"]}})
    spread = float(target.max() - target.min()) or 1.0
    return {"data": data, "layout": {
        "uirevision": "data", "margin": {"l": 48, "r": 12, "t": 8, "b": 34}, "showlegend": False,
        "xaxis": {"title": {"text": "u", "standoff": 4}, "range": [grid[0], grid[-1]], "zeroline": False,
                  "gridcolor": "#eeeeee", "automargin": True},
        "yaxis": {"title": {"text": "t", "standoff": 4}, "zeroline": False, "gridcolor": "#eeeeee", "automargin": True,
                  "range": [float(target.min()) - 0.15 * spread, float(target.max()) + 0.15 * spread]},
        "annotations": [{"text": t("data-title"), "xref": "paper", "yref": "paper", "x": 0, "y": 1, "xanchor": "left",
                         "yanchor": "top", "showarrow": False, "bgcolor": "rgba(255,255,255,0.8)"}],
        "hovermode": "closest", "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "#ffffff", "font": FONT,
    }}
