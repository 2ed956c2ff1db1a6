"""The surface in 3-D, with every run's path lying on it (a plotly `surface` and one `scatter3d` per run).

Heights are the contour's own: log10(loss − low + offset) where the contour uses log levels, so Rosenbrock's
walls do not flatten its valley, else the loss. A wall far above the paths is clipped, as the contour's colour
bar is. The player (assets/player.js) moves the heads with playback, in step with the 2-D plots.
"""

from __future__ import annotations

import numpy as np

from experiments.runner import Result
from ui.figures import FONT, drawn, home_box, landscape_of, run_names, view_key
from ui.formats import typed
from ui.i18n import text
from ui.theme import run_style

GRID_3D = 81  # samples per axis of the surface: smooth enough to read, small enough to turn at once


def heights(land, loss: np.ndarray) -> np.ndarray:
    """The contour's heights for these losses (non-finite ones stay NaN: nothing is drawn there)."""
    loss = np.asarray(loss, dtype=float)
    with np.errstate(all="ignore"):
        if land.log:
            return np.log10(np.maximum(loss - land.low + land.offset, land.offset))
        return loss


def surface_figure(result: Result, steps: list[np.ndarray] | None = None, lang: str = "en",
                   step: int | None = None) -> dict:
    """The 3-D figure, with the heads at `step` (at the start when None: the player moves them)."""
    t = text(lang)
    steps = drawn(result) if steps is None else steps
    box = home_box(result.surface, result.experiment.start)
    land = landscape_of(result, box)
    xs, ys = np.linspace(box[0], box[1], GRID_3D), np.linspace(box[2], box[3], GRID_3D)
    mesh = np.stack(np.meshgrid(xs, ys), axis=-1)
    with np.errstate(all="ignore"):
        z = heights(land, result.surface.value(mesh))
    z = np.where(np.isfinite(z), z, np.nan)
    # The paths set the top when they stay low: a wall ten decades up would squash everything else.
    path_heights = [heights(land, rr.loss[picked]) for rr, picked in zip(result.runs, steps, strict=True)]
    on_surface = z[np.isfinite(z)]
    on_paths = np.concatenate([h[np.isfinite(h)] for h in path_heights] or [np.zeros(0)])
    low = float(min(on_surface.min(initial=np.inf), on_paths.min(initial=np.inf)))
    high = float(on_surface.max(initial=-np.inf))
    low, high = (low, high) if np.isfinite(low) and np.isfinite(high) and high > low else (0.0, 1.0)
    highest_path = float(on_paths.max()) if on_paths.size else high
    top = min(high, max(highest_path + 0.5 * (highest_path - low), low + 0.25 * (high - low)))
    names = run_names(result, lang)
    data = [{
        "type": "surface", "x": typed(xs), "y": typed(ys), "z": typed(np.minimum(z, top)),
        "colorscale": "Greys", "reversescale": True, "showscale": False, "opacity": 0.92,
        "cmin": low, "cmax": top, "hovertemplate": "(%{x:.3g}, %{y:.3g})<extra></extra>",
        "contours": {"z": {"show": True, "color": "#888", "width": 1, "start": low, "end": top,
                           "size": (top - low) / 12}},
        "meta": {"role": "surface3d"},
    }]
    lift = 0.004 * (top - low)  # a hair above the surface, so the path is not hidden in it
    heads = {"x": [], "y": [], "z": []}
    for index, (rr, picked, h) in enumerate(zip(result.runs, steps, path_heights, strict=True)):
        style = run_style(index)
        shown = np.minimum(h, top) + lift
        data.append({
            "type": "scatter3d", "mode": "lines", "name": names[index],
            "x": typed(rr.points[picked, 0]), "y": typed(rr.points[picked, 1]), "z": typed(_finite(shown)),
            "line": {"color": style.color, "width": 5}, "hoverinfo": "name", "meta": {"role": "path3d", "run": index},
        })
        at = 0 if step is None else max(int(np.searchsorted(picked, step, side="right")) - 1, 0)
        heads["x"].append(float(rr.points[picked[at], 0]))
        heads["y"].append(float(rr.points[picked[at], 1]))
        heads["z"].append(float(_finite(shown)[at]))
    styles = [run_style(i) for i in range(len(result.runs))]
    data.append({"type": "scatter3d", "mode": "markers", "showlegend": False, "name": "step", **heads,
                 "marker": {"color": [s.color for s in styles], "size": 6, "line": {"color": "#fff", "width": 1}},
                 "hoverinfo": "skip", "meta": {"role": "heads3d"}})
    width, depth = box[1] - box[0], box[3] - box[2]
    title = t("loss-log") if land.log else t("loss")
    layout = {
        "uirevision": view_key(result.experiment),  # the camera stays where the user turned it
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "font": FONT, "showlegend": False,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "scene": {"xaxis": {"title": {"text": "x"}, "range": [box[0], box[1]]},
                  "yaxis": {"title": {"text": "y"}, "range": [box[2], box[3]]},
                  "zaxis": {"title": {"text": title}, "range": [low, top + 2 * lift]},
                  "aspectmode": "manual", "aspectratio": {"x": 1, "y": depth / width, "z": 0.5},
                  "camera": {"eye": {"x": 0.35, "y": -1.9, "z": 1.35}}},
        "meta": {"log": land.log, "top": top},
    }
    return {"data": data, "layout": layout}


def _finite(values: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(values), values, 0.0)


__all__ = ["heights", "surface_figure"]
