"""A self-contained interactive HTML page of a result, for slides or a learning platform: no dash, no server.

    html = standalone_html(run(experiment), title="Adam on Rosenbrock", lang="zh-CN")

One plotly figure holds the contour (left) and the loss and gradient-norm curves (right, with the learning rate
when a run has a schedule), built by the same builders as the app (ui.figures). A play button and a slider
animate them with plotly's own frames: each frame redraws only the run paths and heads on the contour and the
heads and cursors on the curves (`traces=[…]`), never the landscape, so playback stays cheap and the PNG of the
level bands underneath is untouched.

plotly.js is inlined and MathJax left out, so the file works from file:// with no network at all. The page
starts showing the whole runs (good for a printout or a still slide); play starts again from step 0.

The modebar (plotly's zoom and download buttons) speaks the page's language, as in the app.
"""

from __future__ import annotations

import html
import json
from functools import lru_cache

import numpy as np

from experiments.runner import Result
from experiments.url import View, to_query, usable_zoom
from ui.figures import (
    FONT,
    contour_layout,
    curve_rows,
    curves_figure,
    drawn,
    drawn_steps,
    home_box,
    landscape_image,
    landscape_of,
    landscape_traces,
    loss_offset,
    row_values,
    run_traces,
    typed,
)
from ui.i18n import match_language, text
from ui.locales.plotly import modebar_locale
from ui.surface3d import surface_figure

FRAMES = 200  # most animation frames (and at least half as many); always step 0 and the last step
FRAME_POINTS = 400  # most points of a run's path inside one frame (the last frame draws them all)
PLAY_MS = 8000  # a whole run plays in about this long, as in the app at speed ×1 …
MIN_FRAME_MS = 40  # … unless its frames would come faster than this
CONTOUR_RIGHT = 0.46  # the contour takes the left half of the figure (it is square: wide windows leave room) …
CURVES_LEFT = 0.66  # … the curves the right third; the colour bar and the curves' tick labels sit between
MARGIN = {"l": 56, "r": 16, "t": 16, "b": 132}  # the bottom holds the axis titles, the buttons and the slider


def resolve_lang(lang: str) -> str:
    """The catalogue for a language tag (zh and zh-Hans read Simplified, zh-Hant, zh-TW and zh-HK Traditional);
    English for anything else."""
    return match_language(lang or "") or "en"


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def frame_steps(last: int, count: int = FRAMES) -> list[int]:
    """Steps 0 to `last`, both included, at the smallest round stride (1, 2, 4 or 5 times a power of ten, or 25
    times one) that keeps them to `count` + 1: between about half that and that many. The slider reads 0, 20,
    40 … rather than 0, 30, 60, 91 …"""
    stride = next(s for s in _round_strides() if last / s <= count)
    return [*range(0, last, stride), last]


def _round_strides():
    power = 1
    while True:
        yield from (power, 2 * power, *([power * 5 // 2] if power >= 10 else []), 4 * power, 5 * power)
        power *= 10


def standalone_figure(result: Result, lang: str = "en", zoom=None, step: int | None = None) -> dict:
    """The figure of the page: data, layout, frames and config, all strict JSON (no NaN or infinity). It opens
    on `zoom` (x0, x1, y0, y1) and paused at `step` when given, as the page was; else on the whole surface at the
    end of the runs."""
    lang = resolve_lang(lang)
    t = text(lang)
    steps = drawn(result)
    runs = result.runs
    last = max(len(rr.points) for rr in runs) - 1
    ends = [len(rr.points) - 1 for rr in runs]

    # -- the contour: landscape, paths, heads and divergence markers, on x/y ---------------------------------------
    box = usable_zoom(zoom, home_box(result.surface, result.experiment.start)) if zoom is not None else None
    land = landscape_of(result, box)
    landscape = landscape_traces(land, result.experiment.start, lang=lang)
    colorbar = landscape[0]["marker"]["colorbar"]
    colorbar.update(x=CONTOUR_RIGHT + 0.01, xanchor="left", y=0.5, yanchor="middle", len=0.8)
    moving = run_traces(result, steps, lang=lang)
    paths, heads, diverged = moving[:-2], moving[-2], moving[-1]  # their words come from the app's catalogue
    for index, path in enumerate(paths):
        path["legendgroup"] = f"run{index}"
    heads["x"] = [float(rr.points[-1, 0]) for rr in runs]
    heads["y"] = [float(rr.points[-1, 1]) for rr in runs]
    data = [*landscape, *paths, heads, diverged]
    first_path = len(landscape)
    heads_index = first_path + len(paths)

    # -- the curves, moved one axis number up (x → x2, x2 → x3, …) ------------------------------------------------
    curves = curves_figure(result, steps, lang=lang)
    offset = loss_offset(result)
    rows = curve_rows(result, lang=lang)
    moved: dict[str, list[int]] = {"curve-heads": [], "cursor": []}
    for trace in curves["data"]:
        trace["xaxis"], trace["yaxis"] = _shift(trace["xaxis"]), _shift(trace["yaxis"])
        meta = trace["meta"]
        if meta["role"] == "curve":
            trace["legendgroup"] = f"run{meta['run']}"
            trace["showlegend"] = False
        else:
            moved[meta["role"]].append(len(data))
            if meta["role"] == "curve-heads":
                trace["x"] = ends
                trace["y"] = [_finite(row_values(rr, meta["row"], offset)[-1]) for rr in runs]
            else:
                trace["x"] = [last, last]
        data.append(trace)

    layout = contour_layout(result)
    layout.pop("uirevision", None)
    if box is not None:
        layout["xaxis"]["range"], layout["yaxis"]["range"] = list(box[:2]), list(box[2:])
    layout["xaxis"]["domain"] = [0, CONTOUR_RIGHT]
    layout["yaxis"]["domain"] = [0, 1]
    layout.update(
        images=[landscape_image(land)], margin=MARGIN, hovermode="closest", font=FONT, paper_bgcolor="#ffffff",
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom",
                "bgcolor": "rgba(255,255,255,0.8)", "groupclick": "togglegroup"},
        meta={"query": to_query(result.experiment)},
    )
    for key, axis in curves["layout"].items():
        if key.startswith(("xaxis", "yaxis")):
            axis = dict(axis)
            for name in ("anchor", "matches"):
                if name in axis:
                    axis[name] = _shift(axis[name])
            if key.startswith("xaxis"):
                axis["domain"] = [CURVES_LEFT, 1]
            layout[_shift_key(key)] = axis
    # The curves' own row names, except that a reader without the app's tour gets the gradient norm in words.
    layout["annotations"] = [{**label, "text": t("gradient-norm") if label["name"] == "grad_norm" else label["text"]}
                             for label in curves["layout"]["annotations"]]

    # -- the animation --------------------------------------------------------------------------------------------
    ticks = frame_steps(last)
    paused = None if step is None else min(max(int(step), 0), last)
    if paused is not None and paused not in ticks:
        ticks = sorted([*ticks, paused])  # the slider can stop exactly where the page was paused
    in_frames = [_frame_subset(rr, picked) for rr, picked in zip(runs, steps, strict=True)]
    values_by_row = {row.key: [row_values(rr, row.key, offset) for rr in runs] for row in rows}
    traces = [*range(first_path, heads_index + 1), *moved["curve-heads"], *moved["cursor"]]
    frames = []
    for k in ticks:
        at = [min(k, end) for end in ends]
        frame_data = []
        for rr, picked, subset, i in zip(runs, steps, in_frames, at, strict=True):
            if k == last:
                shown = rr.points[picked]
            else:
                before = subset[subset < i]
                shown = np.concatenate([rr.points[before], rr.points[i:i + 1]])
            frame_data.append({"x": typed(shown[:, 0]), "y": typed(shown[:, 1])})
        frame_data.append({"x": [float(rr.points[i, 0]) for rr, i in zip(runs, at, strict=True)],
                           "y": [float(rr.points[i, 1]) for rr, i in zip(runs, at, strict=True)]})
        for row in rows:
            frame_data.append({"x": at, "y": [_finite(v[i]) for v, i in zip(values_by_row[row.key], at, strict=True)]})
        frame_data += [{"x": [k, k]} for _ in rows]
        frames.append({"name": str(k), "data": frame_data, "traces": traces})

    if paused is not None:  # open on that frame: the paths drawn up to it, the heads and cursors at it
        for index, values in zip(traces, frames[ticks.index(paused)]["data"], strict=True):
            data[index] = {**data[index], **values}
    frame_ms = max(MIN_FRAME_MS, round(PLAY_MS / len(ticks)))
    still = {"mode": "immediate", "frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0}}
    layout["updatemenus"] = [{
        "type": "buttons", "direction": "left", "showactive": False, "x": 0, "xanchor": "left", "y": 0,
        "yanchor": "top", "pad": {"t": 62, "r": 10}, "bgcolor": "#f4f4f0", "bordercolor": "#bbbbb0",
        "font": {"size": 14},
        "buttons": [
            {"label": "▶ " + t("play-button"), "method": "animate",
             "args": [None, {"mode": "immediate", "fromcurrent": True, "frame": {"duration": frame_ms, "redraw": False},
                             "transition": {"duration": 0}}]},
            {"label": "❚❚ " + t("pause-button"), "method": "animate", "args": [[None], still]},
        ],
    }]
    layout["sliders"] = [{  # right of the buttons, which take about 170 px
        "active": len(ticks) - 1 if paused is None else ticks.index(paused), "x": 0, "xanchor": "left", "len": 1,
        "y": 0, "yanchor": "top",
        "pad": {"t": 50, "b": 0, "l": 190}, "currentvalue": {"prefix": t("step") + " ", "xanchor": "right",
                                                    "font": {"size": 13}},
        "transition": {"duration": 0}, "ticklen": 4, "minorticklen": 0,
        "steps": [{"label": str(k), "method": "animate",
                   "args": [[str(k)], still]} for k in ticks],
    }]
    config = {"displaylogo": False, "responsive": True, "scrollZoom": False,
              "modeBarButtonsToRemove": ["select2d", "lasso2d", "sendDataToCloud"], **modebar_locale(lang)}
    return {"data": data, "layout": layout, "frames": frames, "config": config}


def standalone_html(result: Result, title: str | None = None, lang: str = "en", caption: str = "", *,
                    view: View | None = None, address: str = "") -> str:
    """A complete HTML document: the animated figure with plotly.js inlined, a title, an optional caption (a
    lesson's) and a link back to the experiment. Opens offline from file://; nothing is fetched.

    `view` is the page's zoom and paused step, which the figure opens on; `address` the page's own address
    (scheme, host and path), which makes the link back a real one; without it the link is shown as text."""
    key = resolve_lang(lang)
    t = text(key)
    experiment = result.experiment
    if title is None or not title.strip():
        title = t("export-title", surface=t.declared(result.surface.title))
    view = view or View()
    zoom = usable_zoom(view.zoom, home_box(result.surface, experiment.start)) if view.zoom else None
    step = None if view.step is None else min(max(view.step, 0), max(len(rr.points) for rr in result.runs) - 1)
    query = to_query(experiment, View(step=step, zoom=zoom, lang=view.lang, lesson=view.lesson, plot=view.plot))
    figure = json.dumps(standalone_figure(result, key, zoom=zoom, step=step), allow_nan=False,
                        ensure_ascii=False, separators=(",", ":"))
    figure = _script_safe(figure)
    surface = ""
    if view.plot == "3d":  # the page showed the surface in 3-D: so does the file, below the animation
        shown_at = step if step is not None else max(len(rr.points) for rr in result.runs) - 1
        data = json.dumps(surface_figure(result, drawn(result), key, step=shown_at), allow_nan=False,
                          ensure_ascii=False, separators=(",", ":"))
        surface = _SURFACE.format(figure=_script_safe(data))
    shown = html.escape(title.strip())
    link = html.escape(address + "?" + query)
    back = f'<a href="{link}"><code>{link}</code></a>' if address else f"<code>{link}</code>"
    return _PAGE.format(lang=key, title=shown, link=html.escape(t("link")), back=back,
                        caption=f'<p class="caption">{html.escape(caption.strip())}</p>' if caption.strip() else "",
                        font=FONT["family"], plotly=_plotly_js(), figure=figure, surface=surface)


def _script_safe(data: str) -> str:
    # Inside <script>, "</script>" or "<!--" in a label must not end the block: no "<" reaches it raw.
    return data.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


_SURFACE = """<div id="surface3d" style="height: 480px; min-width: 760px;"></div>
<script type="application/json" id="surface3d-data">{figure}</script>
<script>Plotly.newPlot(document.getElementById("surface3d"),
  JSON.parse(document.getElementById("surface3d-data").textContent));</script>
"""


_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Descent Lab">
<title>{title}</title>
<style>
html, body {{ margin: 0; height: 100%; background: #ffffff; color: #222222; }}
body {{ display: flex; flex-direction: column; font-family: {font}; }}
header {{ padding: 10px 16px 0; }}
h1 {{ margin: 0; font-size: 1.35rem; font-weight: 600; }}
.caption {{ margin: 4px 0 0; max-width: 70rem; font-size: 0.95rem; }}
.query {{ margin: 2px 0 0; font-size: 0.75rem; color: #666666; overflow-wrap: anywhere; }}
.query code {{ font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'Noto Sans Mono', monospace; }}
#figure {{ flex: 1 1 auto; min-height: 520px; min-width: 760px; }}
</style>
</head>
<body>
<header>
<h1>{title}</h1>
{caption}
<p class="query">{link}: {back}</p>
</header>
<div id="figure"></div>
<script type="application/json" id="figure-data">{figure}</script>
<script>{plotly}</script>
<script>
(function () {{
  var figure = JSON.parse(document.getElementById("figure-data").textContent);
  var graph = document.getElementById("figure");
  // Pausing or seeking interrupts an animation, and plotly rejects that animation's promise with no reason,
  // which its buttons and slider leave unhandled. An interruption is no error: keep it off the console.
  var interruptedAt = -Infinity;
  window.addEventListener("unhandledrejection", function (event) {{
    if (event.reason === undefined && Date.now() - interruptedAt < 2000) event.preventDefault();
  }});
  Plotly.newPlot(graph, figure).then(function () {{
    graph.on("plotly_animationinterrupted", function () {{ interruptedAt = Date.now(); }});
  }});
}})();
</script>
{surface}
</body>
</html>
"""


def _shift(axis: str) -> str:
    """'x' → 'x2', 'y3' → 'y4': the curves' axes move up one to make room for the contour's."""
    return axis[0] + str(int(axis[1:] or 1) + 1)


def _shift_key(key: str) -> str:
    """'xaxis' → 'xaxis2', 'yaxis3' → 'yaxis4'."""
    return key[:5] + str(int(key[5:] or 1) + 1)


def _frame_subset(rr, picked: np.ndarray) -> np.ndarray:
    """The steps a run's path is drawn through inside frames: its drawn steps, thinned to FRAME_POINTS the same
    way long runs are thinned for drawing (spikes kept)."""
    if len(picked) <= FRAME_POINTS:
        return picked
    return picked[drawn_steps(rr.loss[picked], rr.grad_norm[picked], FRAME_POINTS)]


def _finite(value) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


__all__ = ["frame_steps", "resolve_lang", "standalone_figure", "standalone_html"]
