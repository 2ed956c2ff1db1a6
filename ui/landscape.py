"""The landscape under the paths: filled level bands as an image, true level lines, critical points, the start.

A landscape is sampled for one box: the surface's own view box, or whatever box the contour is zoomed to, so that
level lines stay dense and true at any zoom (the browser asks for a new one after a zoom or pan). Surfaces that
ask for log levels get four per decade of the loss above its lowest minimum; a box too narrow for that (less
than two decades of loss in view) gets evenly spaced levels instead, as linear surfaces always do.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from surfaces import SURFACES, Surface
from ui.contours import LEVEL_TOLERANCE, colour_bands, encircled, is_closed, level_lines, png, true_parts
from ui.formats import loss_text, typed
from ui.i18n import text
from ui.theme import CRITICAL_SYMBOLS, LANDSCAPE_SCALE

GRID = 201  # samples per axis for the level lines, over the box on screen
IMAGE = 320  # pixels per side of the filled-band image
LOG_LEVELS_PER_DECADE = 4
LINEAR_LEVELS = 20
LANDSCAPE_TRACES = 5  # colour bar, minor and decade level lines, critical points, start: the figure's first traces



def offset_text(offset: float) -> str:
    """The minimum subtracted in a title: 0.5, or (−3) so that "loss − (−3)" reads right."""
    return f"{offset:.4g}" if offset >= 0 else f"({offset:.4g})".replace("-", "−")

@dataclass(frozen=True)
class Landscape:
    """A bound surface sampled over one box. Heights are log10(loss − low + offset) when the levels are log (a
    valley many decades below its rim), else the loss itself."""

    surface: Surface
    box: tuple[float, float, float, float]
    heights: np.ndarray  # of the level lines, in the units of the colour bar
    lines: list[list[np.ndarray]]  # per level, its true polylines
    image: str  # the filled bands as a PNG data URI, covering the box
    height_range: tuple[float, float]
    log: bool
    low: float  # the lowest loss (in the box or at a minimum), which a log height of log10(offset) stands for
    offset: float  # added before the log so the lowest point is finite
    undefined: float = 0.0  # the fraction of the box where f is undefined or not finite (hatched in the image)

    def loss(self, height: float) -> float:
        """The loss a height stands for."""
        return self.low + 10.0**height - self.offset if self.log else height

    @property
    def levels(self) -> np.ndarray:
        """The losses of the level lines."""
        return np.array([self.loss(float(h)) for h in self.heights])


@lru_cache(maxsize=128)
def landscape(surface_id: str, settings: tuple, box: tuple[float, float, float, float] | None = None,
              seed: int = 0) -> Landscape:
    """The sampled surface over `box` (default: its view box); cached per worker, since it costs tens of
    milliseconds (the level lines and their checks, and the polishing of critical points). `seed` matters only
    to a surface of data drawn from it (pass 0 otherwise, to share the cache)."""
    surface = SURFACES[surface_id](seed=seed, **dict(settings))
    surface.critical_points()
    box = tuple(float(v) for v in (box or surface.view()))
    xmin, xmax, ymin, ymax = box
    x, y = np.linspace(xmin, xmax, GRID), np.linspace(ymin, ymax, GRID)
    # The image samples pixel centres, so its pixels tile the box exactly.
    px = xmin + (np.arange(IMAGE) + 0.5) * (xmax - xmin) / IMAGE
    py = ymin + (np.arange(IMAGE) + 0.5) * (ymax - ymin) / IMAGE
    (grid, _), (fine, defined) = _sample(surface, x, y), _sample(surface, px, py)
    in_box = [float(grid.min()), float(fine.min())]
    high = max(float(grid.max()), float(fine.max()))
    low = min(in_box + [minimum_value(surface, m) for m in surface.minima()])
    log = surface.contour == "log"
    offset = 0.0
    if log:
        offset = max((high - low) * 1e-7, 1e-300)
        bottom, top = math.log10(min(in_box) - low + offset), math.log10(high - low + offset)
        log = top - bottom >= 2.0  # less than two decades in view: evenly spaced levels show more lines
    if log:
        heights = np.arange(math.ceil(bottom * LOG_LEVELS_PER_DECADE), math.floor(top * LOG_LEVELS_PER_DECADE) + 1)
        heights = heights / LOG_LEVELS_PER_DECADE
        fine = np.log10(fine - low + offset)
    else:
        low, offset = min(in_box), 0.0
        bottom, top = low, high
        heights = np.linspace(bottom, top, LINEAR_LEVELS + 2)[1:-1] if top > bottom else np.array([])
    land = Landscape(surface, box, heights, [], "", (bottom, top), log, low, offset)
    known = np.array([[c.x, c.y] for c in surface.critical_points()]).reshape(-1, 2)
    lines = [_true_lines(surface, x, y, grid, land.loss(float(h)), low, known) for h in heights]
    image = "data:image/png;base64," + base64.b64encode(png(hatched(colour_bands(fine, heights, LANDSCAPE_SCALE),
                                                                    defined))).decode()
    return Landscape(surface, box, heights, lines, image, (bottom, top), log, low, offset,
                     float(1.0 - defined.mean()))


UNDEFINED_COLOURS = ((236, 236, 236), (170, 170, 170))  # background and stripes of the hatching


def hatched(rgb: np.ndarray, defined: np.ndarray) -> np.ndarray:
    """The band image with the pixels where f is undefined hatched: grey with diagonal stripes, so no colour of
    the scale can be mistaken for it. `defined` is in the sample's order (rows bottom to top), the image's top
    to bottom."""
    undefined = ~defined[::-1]
    if not undefined.any():
        return rgb
    rows, columns = np.indices(undefined.shape)
    stripe = (rows + columns) % 8 < 2
    out = rgb.copy()
    out[undefined & ~stripe] = UNDEFINED_COLOURS[0]
    out[undefined & stripe] = UNDEFINED_COLOURS[1]
    return out


def _true_lines(surface: Surface, x, y, grid, level: float, floor: float, known: np.ndarray) -> list[np.ndarray]:
    tolerance = LEVEL_TOLERANCE * (level - floor)
    parts = true_parts(surface, level_lines(x, y, grid, level), level, tolerance)
    loops = [part for part in parts if is_closed(part)]
    keep = dict(zip(map(id, loops), encircled(surface, loops, known), strict=True)) if loops else {}
    return [part for part in parts if keep.get(id(part), True)]


def _sample(surface: Surface, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f on the grid, with the undefined or non-finite values replaced by the highest finite one (so level lines
    skirt the region), and where it is finite."""
    with np.errstate(all="ignore"):
        z = surface.value(np.stack(np.meshgrid(x, y), axis=-1))
    finite = np.isfinite(z)
    return np.where(finite, z, np.max(z[finite]) if finite.any() else 0.0), finite


def minimum_value(surface: Surface, point) -> float:
    return float(surface.value(np.array([point.x, point.y])))


def landscape_image(land: Landscape) -> dict:
    xmin, xmax, ymin, ymax = land.box
    return {"source": land.image, "xref": "x", "yref": "y", "x": xmin, "y": ymax, "sizex": xmax - xmin,
            "sizey": ymax - ymin, "sizing": "stretch", "layer": "below", "xanchor": "left", "yanchor": "top"}


def landscape_traces(land: Landscape, start: tuple[float, float], lang: str = "en") -> list[dict]:
    """The colour bar, the level lines (whole decades darker, as their own trace), the critical points and the
    start: LANDSCAPE_TRACES scatter traces, so Plotly.animate leaves them alone and a zoom replaces the first
    three."""
    return [*level_traces(land, lang), critical_trace(land, lang), start_trace(start, lang)]


def level_traces(land: Landscape, lang: str = "en") -> list[dict]:
    """The colour bar, then the minor and the decade level lines; hovering a line shows its loss."""
    t = text(lang)
    bottom, top = land.height_range
    colorbar = {"thickness": 12, "len": 0.9, "outlinewidth": 0, "title": {"text": t("loss"), "side": "top"}}
    if land.log:
        # Ticks where the loss is a whole decade above the lowest point.
        decades = [k for k in range(math.floor(bottom), math.ceil(top) + 1)
                   if bottom <= math.log10(10.0**k + land.offset) <= top]
        # Above a lowest point that is not 0, label the gap (as the loss curve does), not the loss itself.
        colorbar.update(tickvals=[math.log10(10.0**k + land.offset) for k in decades],
                        ticktext=[loss_text(10.0**k) for k in decades])
        if land.low != 0:
            colorbar["title"]["text"] = t("loss-above", low=offset_text(land.low))
    scale = {"type": "scatter", "mode": "markers", "x": [None], "y": [None], "showlegend": False,
             "hoverinfo": "skip", "name": "loss",
             "marker": {"color": [bottom], "cmin": bottom, "cmax": top, "colorscale": LANDSCAPE_SCALE,
                        "showscale": True, "colorbar": colorbar, "size": 0},
             "meta": {"role": "colorbar"}}
    traces = [scale]
    for strong in (False, True):
        chosen = [(float(h), lines) for h, lines in zip(land.heights, land.lines, strict=True)
                  if (land.log and float(h).is_integer()) == strong]
        xs, ys, losses = [], [], []
        for height, lines in chosen:
            for line in lines:
                xs += [line[:, 0], [np.nan]]
                ys += [line[:, 1], [np.nan]]
                losses += [np.full(len(line) + 1, land.loss(height))]
        flat = (lambda parts: np.concatenate(parts)[:-1]) if xs else (lambda parts: np.array([]))
        traces.append({
            "type": "scatter", "mode": "lines", "x": typed(flat(xs)), "y": typed(flat(ys)), "showlegend": False,
            "customdata": typed(flat(losses), "f8"), "connectgaps": False,
            "line": {"color": "rgba(70,70,60,0.55)" if strong else "rgba(90,90,80,0.3)",
                     "width": 1.1 if strong else 0.8},
            "hovertemplate": f"{t('loss')} %{{customdata:.3g}}<extra></extra>", "name": "level",
            "meta": {"role": "level", "decades": strong},
        })
    return traces


def critical_trace(land: Landscape, lang: str = "en") -> dict:
    t = text(lang)
    points = land.surface.critical_points()
    return {
        "type": "scatter", "mode": "markers", "name": "critical points", "showlegend": False,
        "x": [p.x for p in points], "y": [p.y for p in points],
        "marker": {"symbol": [CRITICAL_SYMBOLS[p.kind] for p in points], "size": 15, "color": "#222222",
                   "line": {"color": "#ffffff", "width": 1.5}},
        "text": [f"{t(p.kind)} ({p.x:.4g}, {p.y:.4g})" for p in points], "hovertemplate": "%{text}<extra></extra>",
        "meta": {"role": "critical"},
    }


def start_trace(start: tuple[float, float], lang: str = "en") -> dict:
    return {"type": "scatter", "mode": "markers", "name": "start", "showlegend": False,
            "x": [start[0]], "y": [start[1]],
            "marker": {"symbol": "circle-open", "size": 16, "color": "#222222", "line": {"width": 2.5}},
            "hovertemplate": text(lang)("start") + " (%{x:.4g}, %{y:.4g})<extra></extra>", "meta": {"role": "start"}}
