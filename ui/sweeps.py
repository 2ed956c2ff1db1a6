"""The sweep's figures, pure like ui/figures.py: a measure against one swept setting, one curve per run in the
run's style; or, over two settings, one run's phase diagram as a heatmap.

Undefined values are never drawn as numbers: a diverged point is a ✕ on a strip above the curves (or a grey cell),
a point that never came within the tolerance sits on the strip's other row (or is a black cell). On a convex
quadratic the stability edge of each run's rule is drawn (2/λmax for GD, 2(1+μ)/λmax for momentum), and on a
phase diagram over lr and momentum the optimum Goh derives. Every clickable point carries (run, grid index) as
customdata (plain lists: a click's event data leaves typed arrays out): a click loads that run at that value.
"""

from __future__ import annotations

import math

import numpy as np

from experiments.measures import MEASURES, RunMeasures
from experiments.model import Axis, Run, sweepable
from experiments.sweep import SweepResult
from optimizers import OPTIMIZERS
from surfaces import Surface
from ui.figures import FONT, _escape, log_ticks
from ui.formats import loss_text, typed
from ui.i18n import text
from ui.theme import run_style

# Special cells of a phase diagram, below the colour scale's own range.
DIVERGED_COLOR = "#cfcfcf"
NO_VALUE_COLOR = "#1a1a1a"
# Viridis, reversed: the best (lowest) values bright, the worst dark.
SCALE = ("#fde725", "#b5de2b", "#6ece58", "#35b779", "#1f9e89", "#26828e", "#31688e", "#3e4989", "#482878",
         "#440154")
STRIP_SHARE = 0.12  # of the plot's height, for the strip of undefined points


def _pairs(runs: np.ndarray, indices: np.ndarray) -> list:
    """(run, grid index) per point as plain lists: a click's event data carries plain customdata only."""
    return np.stack([runs, indices], axis=1).astype(int).tolist()


def setting_of(run: Run, name: str) -> float:
    return float(run.noise if name == "noise" else run.hyper[name])


def axis_title(axis: Axis, run: Run, t) -> str:
    param = sweepable(run)[axis.name]
    return t.declared(param.label or param.name)


def measure_title(table: SweepResult, t) -> str:
    measure = table.experiment.measure
    title = t.declared(MEASURES[measure].title)
    if measure == "steps_to_tolerance":
        title += f" (≤ {table.experiment.tolerance:g})"
    return title


def short_title(table: SweepResult, t) -> str:
    """The measure in a word or two, for a colour bar: "steps ≤ 1e-06", "final loss"."""
    if table.experiment.measure == "steps_to_tolerance":
        return f"{t('steps-short')} ≤ {table.experiment.tolerance:g}"
    return t.declared(MEASURES[table.experiment.measure].title)


def shown_value(measure: str, value: float | None) -> str:
    if value is None:
        return "—"
    return f"{int(value):,}" if measure == "steps_to_tolerance" else loss_text(value)


def measured_value(measures: RunMeasures, name: str) -> float | None:
    value = getattr(measures, name)
    return None if value is None else float(value)


def edges(table: SweepResult, surface: Surface, index: int, settings: dict[str, float] | None = None) -> float | None:
    """Run `index`'s stability edge in lr on this surface (None unless the surface is a convex quadratic and the
    rule has a closed form), with some settings overridden."""
    curvature = surface.curvature_range()
    spec = table.experiment.runs[index]
    opt = OPTIMIZERS[spec.optimizer]
    if curvature is None or opt.edge is None or curvature[0] <= 0:
        return None
    values = {**opt.values(spec.hyper), **(settings or {})}
    return float(opt.edge(values, *curvature))


def sweep_figure(table: SweepResult, surface: Surface, names: list[str], current: list[RunMeasures],
                 offset: float = 0.0, lang: str = "en", selected: int = 0, revision: str = "sweep") -> dict:
    """The figure for a sweep: `names` and `current` (each run's measures at its own settings) come from the
    page's runs; `offset` is subtracted from losses, as on the loss curve, so a log axis shows the gap to the
    lowest minimum."""
    if len(table.axes) == 1:
        return line_figure(table, surface, names, current, offset, lang, revision)
    return phase_figure(table, surface, names, current, offset, lang, min(max(selected, 0), len(table.runs) - 1),
                        revision)


def _values(table: SweepResult, index: int, offset: float) -> np.ndarray:
    measure = table.experiment.measure
    values = table.runs[index].measure(measure)
    return values - offset if measure in ("final_loss", "best_loss") else values


def _floor(series: list[np.ndarray]) -> float:
    """What a log axis shows a zero as: the smallest positive value anywhere (a run that reached the minimum
    exactly sits at the bottom of the axis rather than vanishing from it)."""
    positive = np.concatenate([s[np.isfinite(s) & (s > 0)] for s in series]) if series else np.array([])
    return float(positive.min()) if positive.size else 1.0


def line_figure(table: SweepResult, surface: Surface, names: list[str], current: list[RunMeasures],
                offset: float, lang: str, revision: str) -> dict:
    t = text(lang)
    axis, grid = table.axes[0], table.values[0]
    measure = table.experiment.measure
    log = MEASURES[measure].log
    series = [_values(table, i, offset) for i in range(len(table.runs))]
    floor = _floor(series)
    no_value = t("never-within", tolerance=f"{table.experiment.tolerance:g}") \
        if measure == "steps_to_tolerance" else t("no-minimum")
    strip = []  # the strip's rows that something is on
    data: list[dict] = []
    for index in range(len(table.runs)):
        style = run_style(index)
        values = series[index]
        plotted = np.where(values > 0, values, floor) if log else values
        plotted = np.where(np.isfinite(values), plotted, np.nan)  # undefined: a gap in the curve, a mark above
        data.append({
            "type": "scatter", "mode": "lines+markers", "name": _escape(names[index]),
            "x": typed(grid), "y": typed(plotted),
            "customdata": _pairs(np.full(len(grid), index), np.arange(len(grid))),
            "text": [shown_value(measure, None if not math.isfinite(v) else float(v)) for v in values],
            "line": {"color": style.color, "dash": style.dash, "width": 2.5},
            "marker": {"symbol": style.symbol, "size": 6, "color": style.color},
            "hovertemplate": f"{_escape(names[index])}<br>{axis.name} = %{{x:.4g}}<br>"
                             f"{_escape(measure_title(table, t))}: %{{text}}<extra></extra>",
            "connectgaps": False, "meta": {"role": "sweep-curve", "run": index},
        })
    # Undefined points go on a strip above the curves, one thin row per run so that marks at one value do not
    # hide each other: ✕ where the run diverged, | where it never came within the tolerance.
    for index, swept in enumerate(table.runs):
        style = run_style(index)
        gone = swept.diverged_at >= 0
        missing = ~gone & ~np.isfinite(series[index])
        for mask, row in ((gone, "diverged"), (missing, "no-value")):
            if not mask.any():
                continue
            strip.append(row)
            where = np.flatnonzero(mask)
            hover = [t("diverged-at", step=int(swept.diverged_at[i])) for i in where] if row == "diverged" \
                else [no_value] * len(where)
            data.append({
                "type": "scatter", "mode": "markers", "showlegend": False, "xaxis": "x", "yaxis": "y2",
                "x": typed(grid[where]), "y": [index] * len(where),
                "customdata": _pairs(np.full(len(where), index), where), "text": hover,
                "marker": {"symbol": "x-thin-open" if row == "diverged" else "line-ns-open", "size": 9,
                           "color": style.color, "line": {"width": 2.5, "color": style.color}},
                "hovertemplate": f"{_escape(names[index])}<br>{axis.name} = %{{x:.4g}}<br>%{{text}}<extra></extra>",
                "meta": {"role": "sweep-strip", "run": index, "row": row},
            })

    # Each run at its own setting: the path on the contour is this point.
    xs, ys, colours, symbols, hovers, ringed = [], [], [], [], [], []
    for index, spec in enumerate(table.experiment.runs):
        value = measured_value(current[index], measure)
        if value is None:
            continue
        ringed.append(index)
        if measure in ("final_loss", "best_loss"):
            value -= offset
        xs.append(setting_of(spec, axis.name))
        ys.append(max(value, floor) if log else value)
        colours.append(run_style(index).color)
        symbols.append(run_style(index).symbol)
        hovers.append(f"{names[index]}: {shown_value(measure, value)}")
    data.append({
        "type": "scatter", "mode": "markers", "showlegend": False, "x": xs, "y": ys, "text": hovers,
        "marker": {"symbol": "circle-open", "size": 20, "color": colours, "line": {"width": 3, "color": colours}},
        "hovertemplate": "%{text}<extra>" + _escape(t("this-run")) + "</extra>",
        "meta": {"role": "sweep-current", "runs": ringed},
    })
    rows = list(dict.fromkeys(r for r in ("no-value", "diverged") if r in strip))
    top = 1.0 - (STRIP_SHARE + 0.02 if rows else 0.0)
    layout = {
        "uirevision": revision, "margin": {"l": 64, "r": 12, "t": 24, "b": 40}, "showlegend": False,
        "hovermode": "closest", "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "#ffffff", "font": FONT,
        "xaxis": {"type": "log" if axis.log else "linear", "title": {"text": axis_title(axis, table.runs[0].run, t),
                                                                      "standoff": 6},
                  "gridcolor": "#eeeeee", "zeroline": False, "automargin": True, "exponentformat": "power",
                  "range": _range(grid, axis.log), **({"dtick": 1} if axis.log else {})},
        "yaxis": {"type": "log" if log else "linear", "domain": [0, top], "gridcolor": "#eeeeee",
                  "exponentformat": "power", "automargin": True, "zeroline": False,
                  "title": {"text": _escape(measure_title(table, t)), "standoff": 4}},
        "meta": {"kind": "line", "axes": [axis.name], "measure": measure},
    }
    if log:
        finite = np.concatenate([s[np.isfinite(s) & (s > 0)] for s in series] + [np.array(ys, dtype=float)])
        if finite.size:
            layout["yaxis"].update(log_ticks(math.log10(finite.max()) - math.log10(finite.min())))
    if rows:
        label = " · ".join(("✕ " + t("diverged")) if r == "diverged" else ("| " + no_value) for r in rows)
        layout["yaxis2"] = {"domain": [1 - STRIP_SHARE, 1.0], "range": [len(table.runs) - 0.5, -0.5],
                            "showgrid": False, "showticklabels": False, "zeroline": False, "fixedrange": True,
                            "anchor": "x"}
        layout["annotations"] = [{"text": _escape(label), "xref": "paper", "yref": "paper", "x": 0, "y": 1.0,
                                  "xanchor": "left", "yanchor": "bottom", "showarrow": False, "name": "strip",
                                  "font": {"color": "#66665f"}}]
    if axis.name == "lr":
        _edge_marks(layout, data, table, surface, grid, t)
    return {"data": data, "layout": layout}


def _nearest(axis: Axis, grid: np.ndarray, value: float) -> int:
    """The grid index nearest a value (on the axis's own scale)."""
    scale = np.log10 if axis.log else (lambda v: v)
    return int(np.argmin(np.abs(scale(grid) - scale(max(value, grid.min()) if axis.log else value))))


def _range(grid: np.ndarray, log: bool) -> list[float]:
    low, high = float(grid.min()), float(grid.max())
    if log:
        low, high = math.log10(low), math.log10(high)
    pad = (high - low) * 0.03
    return [low - pad, high + pad]


def _edge_marks(layout: dict, data: list[dict], table: SweepResult, surface: Surface, grid: np.ndarray, t) -> None:
    """A vertical line at each rule's stability edge that falls inside the swept range, on an invisible 0–1 axis
    over the curves (a trace, unlike a shape, takes a log axis's own values)."""
    seen: dict[float, list[int]] = {}
    for index in range(len(table.runs)):
        edge = edges(table, surface, index)
        if edge is not None and grid.min() <= edge <= grid.max():
            seen.setdefault(round(edge, 12), []).append(index)
    if not seen:
        return
    layout["yaxis3"] = {"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True}
    for number, (edge, runs) in enumerate(sorted(seen.items())):
        formula = OPTIMIZERS[table.experiment.runs[runs[0]].optimizer].edge_text
        colour = run_style(runs[0]).color if len(runs) == 1 else "#444444"
        label = f"{formula} = {edge:.3g}"
        # Labels step down the plot one line per edge, so neighbouring edges never write over each other.
        height = 1 - 0.09 * number
        data.append({"type": "scatter", "mode": "lines+text", "xaxis": "x", "yaxis": "y3", "x": [edge, edge],
                     "y": [0, height], "text": ["", label], "textposition": "bottom left",
                     "textfont": {"color": colour}, "line": {"color": colour, "width": 2, "dash": "dot"},
                     "showlegend": False, "hovertemplate": f"{label}<extra>{_escape(t('edge'))}</extra>",
                     "meta": {"role": "edge", "value": edge, "runs": runs}})


def phase_figure(table: SweepResult, surface: Surface, names: list[str], current: list[RunMeasures],
                 offset: float, lang: str, selected: int, revision: str) -> dict:
    t = text(lang)
    (ax, ay), (gx, gy) = table.axes, table.values
    measure = table.experiment.measure
    log = MEASURES[measure].log
    swept = table.runs[selected]
    values = _values(table, selected, offset)  # (count_x, count_y)
    gone = swept.diverged_at >= 0
    missing = ~gone & ~np.isfinite(values)
    finite = values[np.isfinite(values)]
    floor = _floor([values])
    shown = np.log10(np.maximum(values, floor)) if log else values
    low, high = (float(shown[np.isfinite(shown)].min()), float(shown[np.isfinite(shown)].max())) if finite.size \
        else (0.0, 1.0)
    if high - low < 1e-9:
        high = low + 1.0
    band = (high - low) * 0.08
    specials = [(gone, "diverged", DIVERGED_COLOR), (missing, "no-value", NO_VALUE_COLOR)]
    used = [(mask, key, colour) for mask, key, colour in specials if mask.any()]
    z = np.array(shown, dtype=float)
    bottom = low - band * len(used)
    scale, ticks, tick_text = [], [], []
    for k, (mask, key, colour) in enumerate(used):
        start, end = bottom + k * band, bottom + (k + 1) * band
        z[mask] = (start + end) / 2
        scale += [[start, colour], [end, colour]]
        ticks.append((start + end) / 2)
        tick_text.append(t("diverged") if key == "diverged" else t("never-short"))
    for k, colour in enumerate(SCALE):
        scale.append([low + (high - low) * k / (len(SCALE) - 1), colour])
    span = high - bottom
    colorscale = [[min(max((v - bottom) / span, 0.0), 1.0), c] for v, c in scale]
    if log:
        for decade in range(math.ceil(low), math.floor(high) + 1):
            ticks.append(float(decade))
            tick_text.append(shown_value(measure, 10.0**decade) if measure == "steps_to_tolerance"
                             else loss_text(10.0**decade))
    else:
        for value in np.linspace(low, high, 5):
            ticks.append(float(value))
            tick_text.append(shown_value(measure, float(value)))
    hover = []
    for j in range(len(gy)):  # heatmap rows are y
        row = []
        for i in range(len(gx)):
            if gone[i, j]:
                row.append(t("diverged-at", step=int(swept.diverged_at[i, j])))
            elif missing[i, j]:
                row.append(t("never-within", tolerance=f"{table.experiment.tolerance:g}")
                           if measure == "steps_to_tolerance" else t("no-minimum"))
            else:
                row.append(shown_value(measure, float(values[i, j])))
        hover.append(row)
    index_x, index_y = np.meshgrid(np.arange(len(gx)), np.arange(len(gy)))
    data: list[dict] = [{
        "type": "heatmap", "x": typed(gx), "y": typed(gy), "z": typed(z.T), "zmin": bottom, "zmax": high,
        "colorscale": colorscale, "text": hover, "hoverongaps": False,
        "customdata": np.stack([np.full(index_x.shape, selected), index_x, index_y], axis=-1).tolist(),
        "colorbar": {"tickvals": ticks[len(used):], "ticktext": tick_text[len(used):], "thickness": 12, "len": 1.0,
                     "outlinewidth": 0, "title": {"text": _escape(short_title(table, t)), "side": "top"}},
        "hovertemplate": f"{ax.name} = %{{x:.4g}}<br>{ay.name} = %{{y:.4g}}<br>%{{text}}<extra></extra>",
        "meta": {"role": "phase", "run": selected},
    }]
    # The best cell and the run itself; a click on either loads a cell (the run's: the nearest one).
    marks_x, marks_y, marks_text, marks_symbol, marks_cells = [], [], [], [], []
    best = swept.best(measure)
    if best is not None:
        marks_x.append(float(gx[best[0]]))
        marks_y.append(float(gy[best[1]]))
        marks_text.append(t("best-cell", value=shown_value(measure, float(values[best]))))
        marks_symbol.append("square-open")
        marks_cells.append([selected, *best])
    spec = table.experiment.runs[selected]
    marks_x.append(setting_of(spec, ax.name))
    marks_y.append(setting_of(spec, ay.name))
    marks_cells.append([selected, _nearest(ax, gx, marks_x[-1]), _nearest(ay, gy, marks_y[-1])])
    here = measured_value(current[selected], measure)
    if here is not None and measure in ("final_loss", "best_loss"):
        here -= offset
    marks_text.append(f"{t('this-run')}: {shown_value(measure, here)}")
    marks_symbol.append("circle-open")
    data.append({"type": "scatter", "mode": "markers", "showlegend": False, "x": marks_x, "y": marks_y,
                 "text": marks_text, "hovertemplate": "%{text}<extra></extra>", "customdata": marks_cells,
                 "marker": {"symbol": marks_symbol, "size": [18] * len(marks_x), "color": "#ffffff",
                            "line": {"width": 3, "color": "#ffffff"}},
                 "meta": {"role": "phase-marks"}})
    data += _phase_theory(table, surface, selected, t)
    # The special cells name themselves in the legend (bands of the colour bar too thin to label on a projector).
    for _, key, colour in used:
        data.append({"type": "scatter", "mode": "markers", "x": [None], "y": [None], "hoverinfo": "skip",
                     "name": t("diverged") if key == "diverged" else t("never-short"),
                     "marker": {"symbol": "square", "size": 12, "color": colour, "line": {"width": 1, "color": "#888"}},
                     "meta": {"role": "phase-key", "key": key}})
    layout = {
        "uirevision": revision, "margin": {"l": 64, "r": 12, "t": 8, "b": 40}, "hovermode": "closest",
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "#ffffff", "font": FONT,
        # Above the plot, like the contour's: the theory's marks and the special cells.
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "bgcolor": "rgba(255,255,255,0)",
                   "entrywidthmode": "fraction", "entrywidth": 0.5},  # two columns, not one entry a row
        "xaxis": {"type": "log" if ax.log else "linear", "title": {"text": axis_title(ax, spec, t), "standoff": 6},
                  "automargin": True, "exponentformat": "power", "range": _range(gx, ax.log), "showgrid": False,
                  "zeroline": False, **({"dtick": 1} if ax.log else {})},
        "yaxis": {"type": "log" if ay.log else "linear", "title": {"text": axis_title(ay, spec, t), "standoff": 6},
                  "automargin": True, "exponentformat": "power", "range": _range(gy, ay.log), "showgrid": False,
                  "zeroline": False, **({"dtick": 1} if ay.log else {})},
        "meta": {"kind": "phase", "axes": [ax.name, ay.name], "measure": measure, "run": selected},
    }
    return {"data": data, "layout": layout}


def _phase_theory(table: SweepResult, surface: Surface, selected: int, t) -> list[dict]:
    """On a convex quadratic: the rule's stability edge across the diagram, and Goh's optimum where the rule has
    one over these two settings."""
    (ax, ay), (gx, gy) = table.axes, table.values
    traces = []
    curvature = surface.curvature_range()
    spec = table.experiment.runs[selected]
    opt = OPTIMIZERS[spec.optimizer]
    if curvature is None or curvature[0] <= 0:
        return traces
    names = (ax.name, ay.name)
    if opt.edge is not None and "lr" in names:
        other = ay if ax.name == "lr" else ax
        fine = other.values() if other.count >= 64 else Axis(other.name, other.low, other.high, 64, other.log).values()
        edge = np.array([edges(table, surface, selected, {other.name: float(v)}) for v in fine])
        inside = (edge >= (gx if ax.name == "lr" else gy).min()) & (edge <= (gx if ax.name == "lr" else gy).max())
        if inside.any():
            xs, ys = (edge[inside], fine[inside]) if ax.name == "lr" else (fine[inside], edge[inside])
            traces.append({"type": "scatter", "mode": "lines", "x": typed(xs), "y": typed(ys),
                           "name": f"{t('edge')} {opt.edge_text}",
                           "line": {"color": "#D55E00", "width": 3, "dash": "dash"},  # seen on grey and on viridis
                           "hovertemplate": f"lr = {opt.edge_text} = %{{{'x' if ax.name == 'lr' else 'y'}:.4g}}"
                                            "<extra></extra>",
                           "meta": {"role": "edge"}})
    if opt.optimum is not None:
        best = opt.optimum(*curvature)
        if set(names) <= set(best):
            x, y = best[ax.name], best[ay.name]
            traces.append({"type": "scatter", "mode": "markers", "x": [x], "y": [y], "name": t("goh-optimum"),
                           "marker": {"symbol": "star", "size": 20, "color": "#ffffff",
                                      "line": {"width": 2, "color": "#000000"}},
                           "hovertemplate": f"{_escape(t('goh-optimum'))}<br>{ax.name} = %{{x:.4g}}<br>"
                                            f"{ay.name} = %{{y:.4g}}<extra></extra>",
                           "meta": {"role": "optimum", "values": {ax.name: x, ay.name: y}}})
    return traces


__all__ = ["sweep_figure"]
