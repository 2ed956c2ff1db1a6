"""Helpers for the browser tests: open the app, wait for a result, read what the page drew."""

from __future__ import annotations

import numpy as np

# The page's figures as plain data: plotly's decoded arrays, by trace.
READ_FIGURE = """(id) => {
    const gd = document.querySelector('#' + id + ' .js-plotly-plot');
    const plain = (v) => (v === undefined || v === null) ? null : Array.from(v);
    // A trace drawn against x0 and dx (an undecimated curve) has no x array: spell it out.
    const xs = (t) => t.x ? plain(t.x) : (t.y ? Array.from(t.y, (_, i) => t.x0 + i * t.dx) : null);
    return gd._fullData.map((t) => ({meta: t.meta || null, name: t.name, x: xs(t), y: plain(t.y),
                                      marker: t.marker ? {symbol: t.marker.symbol} : null}));
}"""
READ_LAYOUT = """(id) => {
    const gd = document.querySelector('#' + id + ' .js-plotly-plot');
    const l = gd._fullLayout;
    return {x: l.xaxis.range.slice(), y: l.yaxis.range.slice(), images: (gd.layout.images || []).map(i => i.source),
            uirevision: gd.layout.uirevision};
}"""


# What the page draws, for the lessons' on-screen checks: the contour's box and plot size, the start, each run's
# drawn path, and every curve row's visible range (values, also on a log axis), height and drawn curves.
READ_SCREEN = """() => {
    const contour = document.querySelector('#contour .js-plotly-plot');
    const curves = document.querySelector('#curves .js-plotly-plot');
    const plain = (v) => Array.from(v || []);
    const c = contour._fullLayout;
    const paths = contour._fullData.filter((t) => t.meta && t.meta.role === 'path')
        .sort((a, b) => a.meta.run - b.meta.run).map((t) => [plain(t.x), plain(t.y)]);
    const start = contour._fullData.find((t) => t.meta && t.meta.role === 'start');
    const rows = {};
    for (const t of curves._fullData) {
        if (!t.meta || t.meta.role !== 'curve') continue;
        const axis = curves._fullLayout['yaxis' + (t.yaxis.slice(1) || '')];
        const log = axis.type === 'log';
        const range = axis.range.map((v) => log ? Math.pow(10, v) : v);
        rows[t.meta.row] = rows[t.meta.row] || {range, log, height: axis._length, curves: []};
        const ys = plain(t.y);
        const xs = t.x ? plain(t.x) : ys.map((_, i) => t.x0 + i * t.dx);
        rows[t.meta.row].curves[t.meta.run] = [xs, ys];
    }
    const gd = document.querySelector('#sweep-plot .js-plotly-plot');
    let sweep = null;
    if (gd && gd._fullLayout && gd._fullData.length && gd.offsetParent !== null) {
        const l = gd._fullLayout, logX = l.xaxis.type === 'log', logY = l.yaxis.type === 'log';
        const value = (axis, v) => axis.type === 'log' ? Math.pow(10, v) : v;
        const role = (r) => gd._fullData.filter((t) => t.meta && t.meta.role === r);
        const byRun = (r) => { const out = []; for (const t of role(r)) out[t.meta.run] = t; return out; };
        const rings = role('sweep-current').concat(role('phase-marks'));
        const heat = role('phase')[0];
        const marks = role('phase-marks')[0];
        const optimum = role('optimum')[0];
        sweep = {
            kind: gd.layout.meta.kind, x: l.xaxis.range.map((v) => value(l.xaxis, v)),
            y: l.yaxis.range.map((v) => value(l.yaxis, v)), logX, logY,
            width: l.xaxis._length, height: l.yaxis._length,
            curves: byRun('sweep-curve').map((t) => [plain(t.x), plain(t.y).map((v) => v === null ? NaN : v)]),
            diverged: (() => { const out = []; for (const t of role('sweep-strip'))
                if (t.meta.row === 'diverged') out[t.meta.run] = plain(t.x); return out; })(),
            edges: role('edge').filter((t) => t.meta.value !== undefined).map((t) => t.meta.value),
            rings: role('sweep-current').length ? (() => { const ring = role('sweep-current')[0], out = [];
                ring.meta.runs.forEach((run, i) => { out[run] = [ring.x[i], ring.y[i]]; }); return out; })()
                : (marks ? [[marks.x[marks.x.length - 1], marks.y[marks.y.length - 1]]] : []),
            heat: heat ? [plain(heat.x), plain(heat.y), Array.from(heat.z, (row) => Array.from(row))] : null,
            best: marks && marks.x.length > 1 ? [marks.x[0], marks.y[0]] : null,
            optimum: optimum ? [optimum.x[0], optimum.y[0]] : null,
        };
    }
    // The overlay the player draws over the contour at the current step, back in data units.
    const overlay = [];
    const data = (px, py) => [c.xaxis.p2c(Number(px)), c.yaxis.p2c(Number(py))];
    contour.querySelectorAll('g.descent-vectors > *:not(.arrow-legend)').forEach((e) => {
        const kind = (e.getAttribute('class') || '').split(' ').pop();
        let points = [];
        if (e.tagName === 'polyline')
            points = e.getAttribute('points').trim().split(/\\s+/).map((p) => data(...p.split(',')));
        else if (e.tagName === 'line') points = [data(e.getAttribute('x1'), e.getAttribute('y1')),
                                                  data(e.getAttribute('x2'), e.getAttribute('y2'))];
        else if (e.tagName === 'circle') points = [data(e.getAttribute('cx'), e.getAttribute('cy'))];
        const value = e.dataset.radius !== undefined ? Number(e.dataset.radius)
            : e.dataset.lambda !== undefined ? Number(e.dataset.lambda) : null;
        if (kind && points.length) overlay.push({kind, run: Number(e.dataset.run), points, value});
    });
    // The step inspector's gradient check, as the raw numbers (JSON) its cells hold, when it is on screen.
    const table = document.querySelector('#inspector .inspect-gradcheck');
    let check = null;
    if (table && table.offsetParent !== null && table.getBoundingClientRect().width > 0
            && table.getBoundingClientRect().height > 0) {
        const raw = (node) => JSON.parse(node.dataset.value);
        const cell = (name, kind) => table.querySelector(`tr[data-check="${name}"] td.${kind}[data-value]`);
        check = {h: raw(table.querySelector('caption [data-value]')),
                 step: Number(table.closest('.inspect-body').dataset.step)};
        for (const name of ['analytic', 'central', 'forward']) check[name] = raw(cell(name, 'number'));
        for (const name of ['central', 'forward']) check[name + '_error'] = raw(cell(name, 'error'));
        // Seen: each row is what the screen shows at its centre (not scrolled or clipped away, nor covered).
        check.seen = Array.from(table.querySelectorAll('tr[data-check]')).every((row) => {
            const r = row.getBoundingClientRect();
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return r.bottom <= innerHeight && hit !== null && row.contains(hit);
        });
    }
    return {x: c.xaxis.range.slice(), y: c.yaxis.range.slice(), width: c.xaxis._length, height: c.yaxis._length,
            start: [start.x[0], start.y[0]], paths, rows, sweep, overlay, check};
}"""


def read_screen(page):
    """The page's drawing as the lessons' on-screen checks read it."""
    from experiments.lessons import Screen, ScreenRow

    data = page.evaluate(READ_SCREEN)
    rows = {key: ScreenRow(tuple(row["range"]), row["log"], row["height"],
                           [(np.asarray(x, dtype=float), np.asarray(y, dtype=float)) for x, y in row["curves"]])
            for key, row in data["rows"].items()}
    paths = [np.stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)], axis=-1) for x, y in data["paths"]]
    overlay = [{**mark, "points": np.asarray(mark["points"], dtype=float)} for mark in data["overlay"]]
    return Screen(tuple(data["x"]), tuple(data["y"]), data["width"], data["height"], tuple(data["start"]), paths,
                  rows, _sweep_screen(data["sweep"]), overlay=overlay,
                  gradient_check=_gradient_check_screen(data["check"]))


def _gradient_check_screen(data):
    """The inspector's gradient check as read_screen gives it: pairs as tuples (None where a value is missing)."""
    if data is None:
        return None
    out = {"h": float(data["h"]), "step": int(data["step"]), "seen": bool(data["seen"])}
    for name in ("analytic", "central", "forward"):
        out[name] = tuple(None if v is None else float(v) for v in data[name])
    for name in ("central_error", "forward_error"):
        out[name] = None if data[name] is None else float(data[name])
    return out


def _sweep_screen(data):
    from experiments.lessons import SweepScreen

    if data is None:
        return None
    floats = lambda values: np.asarray([np.nan if v is None else v for v in values], dtype=float)  # noqa: E731
    heat = tuple(np.asarray(part, dtype=float) for part in data["heat"]) if data["heat"] else None
    return SweepScreen(
        data["kind"], tuple(data["x"]), tuple(data["y"]), data["logX"], data["logY"], data["width"], data["height"],
        curves=[(floats(x), floats(y)) for x, y in data["curves"]],
        diverged=[floats(x or []) for x in data["diverged"]], edges=list(data["edges"]),
        rings=[tuple(r) if r else None for r in data["rings"]], heat=heat,
        best=tuple(data["best"]) if data["best"] else None,
        optimum=tuple(data["optimum"]) if data["optimum"] else None)


def open_app(page, server: str, query: str = "") -> None:
    page.goto(server + "/" + ("?" + query if query else ""))
    wait_for_result(page, previous=None)


def wait_for_result(page, previous: str | None, timeout: float = 30_000) -> str:
    """Wait until the player has loaded a result other than `previous` and drawn it; return its query."""
    page.wait_for_function(
        """(previous) => window.descentLab && descentLab.player.query && descentLab.player.query !== previous
               && descentLab.player.frames > 0 && document.querySelector('#contour .js-plotly-plot .scatterlayer')""",
        arg=previous, timeout=timeout)
    return page.evaluate("descentLab.player.query")


def current_query(page) -> str:
    return page.evaluate("descentLab.player.query")


def figure(page, graph_id: str) -> list[dict]:
    return page.evaluate(READ_FIGURE, graph_id)


def traces(page, graph_id: str, role: str) -> list[dict]:
    return [t for t in figure(page, graph_id) if t["meta"] and t["meta"].get("role") == role]


def run_field(page, run: int, name: str):
    """The input of one run's setting, found by its pattern-matching id."""
    return page.locator(f'input[id*=\'"field":"{name}"\'][id*=\'"run":{run},\']')


def type_into(field, text: str) -> None:
    """Type a value and commit it (the fields commit on Enter or on leaving them)."""
    field.fill(text)
    field.press("Enter")


def enter(page, field, text: str) -> str:
    """Type a value, commit it, and return the query of the result it leads to."""
    previous = current_query(page)
    type_into(field, text)
    return wait_for_result(page, previous)


def choose(page, dropdown, label: str) -> None:
    """Pick an option of a dash dropdown the way a user does: open it, click the option."""
    dropdown.click()
    page.get_by_role("option", name=label, exact=True).click()


def as_float32(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).astype(np.float32)
