"""Callbacks. One server callback turns any edit into the next canonical query; one runs the experiment and sends
the result once. Playback runs in the browser (assets/player.js) with no request per frame."""

from __future__ import annotations

import base64
import binascii
import logging
import time
from dataclasses import dataclass, replace
from functools import lru_cache

from dash import ALL, MATCH, Input, Output, Patch, State, ctx, html, no_update
from dash.exceptions import PreventUpdate
from flask import request

from declarations import to_number
from experiments.data import INLINE, DataError, encode_inline, read_csv
from experiments.lessons import LESSONS
from experiments.limits import DATA_MAX_ROWS, DATA_MAX_TEXT, MAX_RUNS
from experiments.runner import Result, run
from experiments.sweep import measured, sweep, with_values
from experiments.url import View, fit_zoom, parse, parse_view, to_query
from surfaces import SURFACES
from ui.controls import formula_tools, lr_limit, run_card, surface_fields, sweep_panel
from ui.figures import (
    Summary,
    contour_figure,
    curves_figure,
    data_figure,
    drawn,
    drawn_steps,
    landscape_box,
    landscape_of,
    loss_offset,
    names_of,
    summaries,
    surface_of,
    view_key,
    with_row_ranges,
)
from ui.formats import typed
from ui.i18n import LANGUAGES, Text, choose_language, text
from ui.inspector import inspection, vectors
from ui.landscape import LANDSCAPE_TRACES, landscape_image, level_traces
from ui.layout import HIDEABLE, add_run_title, messages_block, page
from ui.state import Controls, edit, structure
from ui.surface3d import surface_figure
from ui.sweeps import sweep_figure
from ui.theme import run_style

RESULT_CACHE_SIZE = 32  # rendered results kept per worker, keyed by the canonical query


def register(app) -> None:
    app.callback(Output("page", "children"), Input("url", "search"))(on_address)

    app.callback(
        Output("query", "data"), Output("runs", "children"), Output("surface-params", "children"),
        Output("surface", "value"), Output("steps", "value"), Output("seed", "value"),
        Output("start-x", "value"), Output("start-y", "value"), Output("messages", "children"),
        Output("add-run", "disabled"), Output("add-run", "title"), Output("sweep-panel", "children"),
        Output("formula-tools", "children"), Output("formula-tools", "hidden"), Output("data-tools", "hidden"),
        Output("data-box", "hidden"),
        Input("surface", "value"),
        Input({"type": "surface-param", "name": ALL}, "value"),
        Input("steps", "value"), Input("seed", "value"), Input("start-x", "value"), Input("start-y", "value"),
        Input("click-start", "data"),
        Input({"type": "run-field", "run": ALL, "field": ALL}, "value"),
        Input("add-run", "n_clicks"),
        Input({"type": "run-remove", "run": ALL}, "n_clicks"),
        Input({"type": "run-duplicate", "run": ALL}, "n_clicks"),
        Input({"type": "sweep-field", "axis": ALL, "field": ALL}, "value"),
        Input("measure", "value"), Input("tolerance", "value"),
        Input({"type": "run-tune", "run": ALL}, "n_clicks"), Input("tune-all", "n_clicks"),
        Input("sweep-plot", "clickData"), Input("formula-example", "value"), Input("data-pasted", "data"),
        State("query", "data"), State("view", "data"),
    )(on_edit)
    app.callback(Output("data-pasted", "data"), Output("data-note", "children"),
                 Input("data-use", "n_clicks"), Input("data-upload", "contents"), State("data-csv", "value"),
                 State("view", "data"), prevent_initial_call=True)(on_data_paste)
    app.callback(Output("data-plot", "figure"), Input("query", "data"), State("view", "data"))(on_data_plot)

    app.callback(
        Output("sweep-plot", "figure"), Output("sweep-box", "hidden"), Output("tab-sweep", "hidden"),
        Output("sweep-run", "options"), Output("sweep-run", "value"), Output("sweep-run", "style"),
        Output("download-sweep", "hidden"),
        Input("query", "data"), Input("sweep-run", "value"), State("view", "data"),
    )(on_sweep)

    app.callback(
        Output("contour", "figure"), Output("curves", "figure"), Output("results", "children"),
        Output("status", "children"), Output("drawn", "data"), Output("playback", "data"),
        Input("query", "data"), Input("zoom-box", "data"), State("drawn", "data"), State("view", "data"),
    )(on_query)

    app.callback(Output("inspection", "data"), Input("inspect-ask", "data"), State("view", "data"),
                 prevent_initial_call=True)(on_inspect)
    app.callback(Output("vectors", "data"), Input("vectors-ask", "data"), prevent_initial_call=True)(on_vectors)
    app.callback(Output("surface3d", "figure"), Input("query", "data"), Input("plot3d-on", "data"),
                 State("view", "data"), prevent_initial_call=True)(on_surface3d)
    app.callback(Output({"type": "lr-slider", "run": ALL}, "marks"),
                 Output({"type": "lr-limit", "run": ALL}, "children"),
                 Input("query", "data"), State("view", "data"))(on_limits)
    app.clientside_callback("function(data) { return window.descentLab.inspected(data); }",
                            Output("inspected", "data"), Input("inspection", "data"), prevent_initial_call=True)
    app.clientside_callback("function(data) { return window.descentLab.vectorsIn(data); }",
                            Output("vectors-in", "data"), Input("vectors", "data"), prevent_initial_call=True)

    # The learning rate's slider (log10) and its typed field stay in step, in the browser.
    app.clientside_callback(
        "function(s, v) { return window.descentLab.syncLr(s, v); }",
        Output({"type": "lr-slider", "run": MATCH}, "value"),
        Output({"type": "run-field", "run": MATCH, "field": "lr"}, "value"),
        Input({"type": "lr-slider", "run": MATCH}, "value"),
        Input({"type": "run-field", "run": MATCH, "field": "lr"}, "value"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        "function(playback, contour, curves, view) {"
        " return window.descentLab.load(playback, contour, curves, view); }",
        Output("player-ready", "data"),
        Input("playback", "data"), State("contour", "figure"), State("curves", "figure"), State("view", "data"),
        prevent_initial_call=True,
    )
    # An edit changes the address at once, before its result arrives, so Copy link never copies the old one.
    app.clientside_callback(
        "function(query, view) { return window.descentLab.edited(query, view); }",
        Output("edited", "data"), Input("query", "data"), State("view", "data"),
    )
    app.clientside_callback(
        "function(hidden) { return window.descentLab.sweepShown(hidden); }",
        Output("sweep-shown", "data"), Input("sweep-box", "hidden"),
    )
    # The modebar's extra SVG button holds a function, which only a clientside callback can put in a config.
    app.clientside_callback(
        "function(view, a, b, c) { return [a, b, c].map(function (config) {"
        " return window.descentLab.graphConfig(config, view); }); }",
        Output("contour", "config"), Output("curves", "config"), Output("sweep-plot", "config"),
        Input("view", "data"), State("contour", "config"), State("curves", "config"),
        State("sweep-plot", "config"),
    )


# -- the page ---------------------------------------------------------------------------------------------------

def on_address(search):
    """Render the page a link describes. Never fails: a damaged link gives the default page and its warnings."""
    try:
        return render_page(search or "")
    except Exception:
        logging.getLogger(__name__).exception("the page for %r could not be rendered", search)
        return render_page("")


def render_page(search: str):
    experiment, messages = parse(search)
    view, view_messages = parse_view(search)
    lang, unknown = choose_language(view.lang, accepted_languages())
    t = text(lang)
    messages = messages + view_messages
    if unknown:
        messages.append(t("unknown-lang", given=repr(view.lang), used=LANGUAGES[lang]))
    if view.lesson and view.lesson not in LESSONS:
        messages.append(t("unknown-lesson", given=repr(view.lesson)))
    unknown_hide = [name for name in view.hide if name not in HIDEABLE]
    if unknown_hide:
        messages.append(t("unknown-hide", given=", ".join(map(repr, unknown_hide)), names=", ".join(HIDEABLE)))
    zoom = view.zoom
    if zoom is not None:
        problem = fit_zoom(zoom, experiment.make_surface().view())
        if problem:
            messages.append(problem)
            zoom = None
    view = View(step=view.step if view.step is None else min(view.step, experiment.steps), zoom=zoom,
                lang=view.lang if view.lang and not unknown else "", present=view.present,
                hide=tuple(name for name in view.hide if name in HIDEABLE),
                lesson=view.lesson if view.lesson in LESSONS else "", plot=view.plot, arrows=view.arrows)
    query = to_query(experiment)
    suffix = to_query(experiment, View(lang=view.lang, present=view.present, hide=view.hide,
                                       lesson=view.lesson, arrows=view.arrows))[len(query):]
    plain = to_query(experiment, View(lang=view.lang, present=view.present, hide=view.hide,
                                      arrows=view.arrows))[len(query):]
    return page(t, view, query, experiment, messages, suffix, plain)


def accepted_languages() -> list[str]:
    try:
        return [tag for tag, _ in request.accept_languages]
    except RuntimeError:  # outside a request (tests call the renderer directly)
        return []


def _text_of(view_data) -> Text:
    lang = view_data.get("lang") if isinstance(view_data, dict) else None
    return text(lang if isinstance(lang, str) and lang in LANGUAGES else "en")


# -- edits -----------------------------------------------------------------------------------------------------

def on_edit(*args):
    try:
        return _on_edit(*args)
    except PreventUpdate:
        raise
    except Exception:  # only a hand-made request gets here; it must not become a 500
        logging.getLogger(__name__).exception("an edit could not be applied")
        raise PreventUpdate from None


def _on_edit(surface, surface_values, steps, seed, start_x, start_y, click, run_values, add_clicks,
             remove_clicks, duplicate_clicks, sweep_values, measure, tolerance, tune_clicks, tune_all, sweep_click,
             example, pasted, query, view_data):
    fired = ctx.triggered_prop_ids
    if not query:
        raise PreventUpdate
    if not fired:
        # The page was just rendered from its link with every control in place. Passing the query on (rather
        # than preventing the update) is what lets the result callback that depends on it run.
        return (query, *[no_update] * 15)
    t = _text_of(view_data)
    current, _ = parse(query)
    action = _action(fired, click, sweep_click, example, pasted)
    # ?hide=surface keeps the formula and data tools hidden through edits too.
    suffix = view_data.get("suffix", "") if isinstance(view_data, dict) else ""
    hide_surface = "surface" in parse_view(suffix if isinstance(suffix, str) else "")[0].hide
    controls = Controls(
        surface=surface,
        surface_values={item["id"]["name"]: _value(value) for item, value in zip(ctx.inputs_list[1], surface_values,
                                                                                    strict=True)},
        steps=_value(steps), seed=_value(seed), start=(_value(start_x), _value(start_y)),
        runs=_runs(ctx.inputs_list[7], run_values),
        sweep=_axes(ctx.inputs_list[11], sweep_values), measure=measure, tolerance=tolerance,
    )
    if action and action[0] == "pick":  # the sweep's own fields are as they were: keep the link's sweep exactly
        controls.sweep = None
    if action and action[0] == "example" and current.surface == "formula":  # a built-in surface's formula
        example_of = SURFACES[action[1]]
        controls.surface_values = {"f": example_of.expression, "box": ",".join(map(repr, example_of().view()))}
    if action and action[0] == "data" and current.surface == "regression":  # data pasted or uploaded
        controls.surface_values = {**controls.surface_values, "data": action[1]}
    experiment, messages = edit(current, controls, action, sweep_of=swept)
    # A field left empty keeps its value; rebuilding the controls shows that value again.
    blank = any(v is None for run in controls.runs for v in run.values()) or \
        any(v is None for v in controls.surface_values.values())
    if to_query(experiment) == query and not messages:
        if action or blank or _shown(controls) != _shown_of(experiment):
            return _outputs(t, experiment, messages, rebuild=blank, surface=blank, sweep=blank,
                            hide_surface=hide_surface)
        raise PreventUpdate
    rebuild = structure(experiment) != structure(current) or bool(messages) or blank
    # A tuned lr or a picked value changes run fields the cards show: draw them again.
    rebuild = rebuild or (bool(action) and action[0] in ("tune", "tune-all", "pick"))
    # A chosen example or pasted data changes fields the user did not type in: draw them again.
    refill = experiment.surface != current.surface or (bool(action) and action[0] in ("example", "data"))
    return _outputs(t, experiment, messages, rebuild=rebuild, surface=refill,
                    sweep=rebuild or experiment.sweep != current.sweep,
                    formula=(experiment.surface_params.get("f"), experiment.surface_params.get("box"))
                    != (current.surface_params.get("f"), current.surface_params.get("box")),
                    hide_surface=hide_surface)


def _action(fired: dict, click, sweep_click=None, example=None, pasted=None) -> tuple:
    for prop_id, component in fired.items():
        value = next((t["value"] for t in ctx.triggered if t["prop_id"] == prop_id), None)
        if prop_id == "formula-example.value" and isinstance(example, str) and example in SURFACES \
                and SURFACES[example].expression:
            return ("example", example)
        if prop_id == "data-pasted.data" and isinstance(pasted, dict) and isinstance(pasted.get("data"), str):
            return ("data", pasted["data"][:20_000])
        if prop_id == "add-run.n_clicks" and value:
            return ("add",)
        if prop_id == "tune-all.n_clicks" and value:
            return ("tune-all",)
        if isinstance(component, dict) and component.get("type") in ("run-remove", "run-duplicate", "run-tune") \
                and value:
            return (component["type"].removeprefix("run-"), int(component["run"]))
        if prop_id == "sweep-plot.clickData":
            picked = _sweep_point(sweep_click)
            if picked:
                return ("pick", *picked)
        if prop_id == "click-start.data" and isinstance(click, dict):
            x, y = to_number(click.get("x")), to_number(click.get("y"))
            if x is not None and y is not None:
                return ("start", x, y)
        if prop_id == "surface.value":
            return ("surface",)
    return ()


def _sweep_point(click) -> tuple[int, list[int]] | None:
    """(run, grid index) from a click on the sweep plot: its points carry them as customdata."""
    try:
        data = click["points"][0]["customdata"]
        if isinstance(data, dict):  # a typed array's row arrives as {"0": …, "1": …}
            data = [data[key] for key in sorted(data, key=int)]
        numbers = [int(v) for v in data if not isinstance(v, bool)]
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    if len(numbers) < 2 or any(n < 0 or n > 10_000 for n in numbers):
        return None
    return numbers[0], numbers[1:]


def _axes(items: list[dict], values: list) -> list[dict]:
    axes: dict[int, dict] = {}
    for item, value in zip(items, values, strict=True):
        axes.setdefault(int(item["id"]["axis"]), {})[item["id"]["field"]] = value
    return [axes[k] for k in sorted(axes)]


def _value(raw):
    """A control's value as the editor takes it: checklists become booleans (an empty field is already None)."""
    return bool(raw) if isinstance(raw, list) else raw


def _runs(items: list[dict], values: list) -> list[dict]:
    runs: dict[int, dict] = {}
    for item, value in zip(items, values, strict=True):
        runs.setdefault(int(item["id"]["run"]), {})[item["id"]["field"]] = _value(value)
    return [runs[i] for i in sorted(runs)]


def _shown(controls: Controls) -> tuple:
    return (controls.steps, controls.seed, *controls.start)


def _shown_of(experiment) -> tuple:
    return (experiment.steps, experiment.seed, *experiment.start)


def _outputs(t: Text, experiment, messages: list[str], *, rebuild: bool, surface: bool, sweep: bool,
             formula: bool = False, hide_surface: bool = False):
    runs = [run_card(t, i, r, experiment) for i, r in enumerate(experiment.runs)] if rebuild else no_update
    fields = surface_fields(t, experiment) if rebuild or surface else no_update
    full = len(experiment.runs) >= MAX_RUNS
    typed = experiment.surface == "formula"
    return (to_query(experiment), runs, fields, experiment.surface, experiment.steps, experiment.seed,
            experiment.start[0], experiment.start[1], messages_block(t, messages), full, add_run_title(t, full),
            sweep_panel(t, experiment) if sweep else no_update,
            formula_tools(t, experiment) if typed and (formula or surface) else no_update,
            not typed or hide_surface, experiment.surface != "regression" or hide_surface,
            experiment.surface != "regression")


# -- results ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rendered:
    """Everything the page needs from one result, small enough to keep: figures hold decimated float32."""

    view: str  # the view key: surface, parameters and the box the contour opens on
    contour: dict  # with the landscape of the home box
    curves: dict
    summaries: list[Summary]
    steps: int
    runs: int
    seconds: float
    result: Result  # kept while the figures are (lru_cache below); the zoomed landscapes are drawn from it


@lru_cache(maxsize=2)  # whole Results are big (12 runs × 100,000 steps is about 80 MB); the figures are kept
def computed(query: str) -> tuple[Result, float]:
    """The Result of a canonical query and the seconds it took."""
    experiment, _ = parse(query)
    began = time.perf_counter()
    result = run(experiment)
    return result, time.perf_counter() - began


@lru_cache(maxsize=RESULT_CACHE_SIZE)
def render(query: str, lang: str = "en") -> Rendered:
    result, seconds = computed(query)
    experiment = result.experiment
    picked = drawn(result)
    contour = contour_figure(result, picked, lang)
    # Only what the figures need is kept: the Result itself is released with `computed`'s cache.
    light = Result(experiment=experiment, surface=result.surface, runs=[])
    return Rendered(view=view_key(experiment), contour=contour, curves=curves_figure(result, picked, lang),
                    summaries=summaries(result, lang), steps=experiment.steps, runs=len(experiment.runs),
                    seconds=seconds, result=light)


def on_query(query, zoom, previous, view_data=None):
    if not query:
        raise PreventUpdate
    t = _text_of(view_data)
    try:
        rendered = render(query, t.lang)
        box = landscape_box(rendered.result, zoom)
    except Exception:  # a bug must not leave the page with a 500 and a stuck spinner
        logging.getLogger(__name__).exception("computing %s failed", query)
        return no_update, no_update, no_update, t("compute-failed"), no_update, no_update
    traces = rendered.contour["data"]
    old = previous if isinstance(previous, dict) else {}
    # The browser's own account of its figure: used only when it is plausible (a forged count must not
    # turn into a billion deletions).
    count = old.get("traces")
    plausible = isinstance(count, int) and LANDSCAPE_TRACES <= count <= LANDSCAPE_TRACES + MAX_RUNS + 2
    same_view = plausible and old.get("view") == rendered.view
    drawn_now = {"view": rendered.view, "box": list(box), "traces": len(traces), "query": query}
    if same_view and _fired() == {"zoom-box.data"} and old.get("query") == query:
        # A zoom or pan: only the landscape changes, and only if its box did. (A zoom that lands while an edit's
        # result is on its way takes the full path: Dash keeps only the newer request's answer.)
        if old.get("box") == list(box):
            raise PreventUpdate
        return (_landscape_patch(rendered, box, t.lang), no_update, no_update, no_update,
                {**drawn_now, "traces": count}, no_update)
    if same_view:
        # Same surface and view: leave the landscape where it is and replace only the start marker and the runs.
        contour = _landscape_patch(rendered, box, t.lang) if old.get("box") != list(box) else Patch()
        first = LANDSCAPE_TRACES
        contour["data"][first - 1] = traces[first - 1]
        new = len(traces)
        for index in range(first, min(count, new)):
            contour["data"][index] = traces[index]
        for index in range(count, new):
            contour["data"].append(traces[index])
        for index in reversed(range(new, count)):
            del contour["data"][index]
    elif box != tuple(rendered.contour["layout"]["meta"]["landscape"]):
        contour = _with_landscape(rendered, box, t.lang)
    else:
        contour = rendered.contour
    diverged = sum(s.diverged_at is not None for s in rendered.summaries)
    status = t("status", runs=rendered.runs, steps=f"{rendered.steps:,}", ms=f"{rendered.seconds * 1000:.0f}")
    if diverged:
        status += " · " + t("status-diverged", n=diverged)
    playback = {"query": query, "steps": rendered.steps, "runs": rendered.runs}
    table = results_table(t, rendered.summaries, rendered.result.experiment.tolerance)
    return contour, _framed(rendered.curves, query, view_data), table, status, drawn_now, playback


# -- why a step went where it did ----------------------------------------------------------------------------------

def _asked(ask) -> Result | None:
    """The Result of the query a request from the player names (None for anything malformed: the request comes
    from a page, but a forged one must not raise). Parsed again, so it is only ever a canonical experiment."""
    if not isinstance(ask, dict) or not isinstance(ask.get("query"), str) or len(ask["query"]) > 20_000:
        return None
    experiment, _ = parse(ask["query"])
    result, _ = computed(to_query(experiment))
    return result


def on_inspect(ask, view_data=None):
    """The inspector's window of steps around the one the paused player shows, for one run."""
    try:
        result = _asked(ask)
        run_index, step = (ask.get("run"), ask.get("step")) if result is not None else (None, None)
        if result is None or not isinstance(run_index, int) or not isinstance(step, int) \
                or not 0 <= run_index < len(result.runs):
            raise PreventUpdate
        data = inspection(result, run_index, max(0, step), _text_of(view_data).lang)
    except PreventUpdate:
        raise
    except Exception:
        logging.getLogger(__name__).exception("inspecting %r failed", ask)
        raise PreventUpdate from None
    return {**data, "query": ask["query"]}


def on_vectors(ask):
    """The arrows' and the curvature cross's vectors, for the runs the player draws them for."""
    try:
        result = _asked(ask)
        runs = ask.get("runs") if result is not None else None
        if result is None or not isinstance(runs, list):
            raise PreventUpdate
        wanted = sorted({r for r in runs if isinstance(r, int) and 0 <= r < len(result.runs)})
        data = vectors(result, wanted)
    except PreventUpdate:
        raise
    except Exception:
        logging.getLogger(__name__).exception("the vectors of %r failed", ask)
        raise PreventUpdate from None
    return {**data, "query": ask["query"], "asked": wanted}


LIVE_POINTS = 500  # most points per path while the start is dragged: the release draws the full figures


def live_paths(query: str, x, y) -> dict | None:
    """While the start marker is dragged: only the runs' paths from the new start, which the player writes into
    the plot it has (a whole new figure takes plotly a few hundred milliseconds to draw). The release sends the
    start as a click does, and the page gets its full figures. None for a start the experiment cannot take."""
    x, y = to_number(x), to_number(y)
    if not isinstance(query, str) or len(query) > 20_000 or x is None or y is None:
        return None
    experiment, _ = parse(query)
    try:
        # Read back through the parser, which clamps a start as it does in any link.
        moved, _ = parse(to_query(experiment.replace(start=(x, y))))
    except ValueError:  # where the loss overflows
        return None
    result, _ = computed(to_query(moved))
    runs = []
    for rr in result.runs:
        picked = drawn_steps(rr.loss, rr.grad_norm, LIVE_POINTS)
        runs.append({"x": typed(rr.points[picked, 0]), "y": typed(rr.points[picked, 1]),
                     "steps": typed(picked, "i4")})
    return {"query": to_query(moved), "from": query, "start": [x, y], "runs": runs}


def on_surface3d(query, shown, view_data=None):
    """The 3-D view of the experiment while its tab is shown (for each new query, and on opening the tab)."""
    if not query or not isinstance(shown, dict) or not shown.get("on"):
        raise PreventUpdate
    try:
        result, _ = computed(query)
        return surface_figure(result, drawn(result), _text_of(view_data).lang)
    except Exception:
        logging.getLogger(__name__).exception("the 3-D view of %s failed", query)
        raise PreventUpdate from None


def on_data_plot(query, view_data=None):
    """The data and each run's model, for a surface of data (the player moves the models with playback)."""
    if not query:
        raise PreventUpdate
    try:
        experiment, _ = parse(query)
        if experiment.make_surface().rows is None:
            raise PreventUpdate
        return data_figure(experiment, _text_of(view_data).lang)
    except PreventUpdate:
        raise
    except Exception:
        logging.getLogger(__name__).exception("the data plot of %s failed", query)
        raise PreventUpdate from None


def on_data_paste(clicks, upload, pasted, view_data=None):
    """CSV pasted (Use) or uploaded, as the link's inline data, or a note saying what is wrong with it."""
    t = _text_of(view_data)
    try:
        if ctx.triggered_id == "data-upload":
            text_ = _uploaded(upload)
        else:
            text_ = pasted if isinstance(pasted, str) else ""
        data = read_csv(text_)
        inline = encode_inline(data)
    except DataError as error:
        return no_update, t("data-refused", why=t.message(error.problem))
    if len(inline) - len(INLINE) > DATA_MAX_TEXT:  # incompressible numbers: more than a link can carry
        return no_update, t("data-too-large", rows=len(data.u))
    return {"data": inline}, t("data-used", rows=len(data.u), chars=f"{len(inline):,}")


def _uploaded(contents) -> str:
    """The text of an uploaded file (a data: URL), or "" for anything that is not one."""
    if not isinstance(contents, str) or "," not in contents or len(contents) > DATA_MAX_ROWS * 128:
        return ""
    try:
        return base64.b64decode(contents.split(",", 1)[1]).decode("utf-8", errors="replace")
    except (ValueError, binascii.Error):
        return ""


def on_limits(query, view_data=None):
    """Each run's stability limit in lr: a mark on its slider and a line under it (or nothing)."""
    outputs = ctx.outputs_list[0] if ctx.outputs_list else []
    if not query:
        raise PreventUpdate
    t = _text_of(view_data)
    experiment, _ = parse(query)
    marks, notes = [], []
    for item in outputs:
        index = int(item["id"]["run"])
        spec = experiment.runs[index] if index < len(experiment.runs) else None
        slider_marks, note = lr_limit(t, experiment, index) if spec else (no_update, no_update)
        marks.append(slider_marks)
        notes.append(note)
    return marks, notes


# -- the sweep -------------------------------------------------------------------------------------------------

def sweep_key(experiment) -> str:
    """What a sweep's table depends on: not the swept settings' own values in the runs (every grid point sets
    them), nor the measure (every measure is kept). A click that loads a point reuses the table."""
    runs = []
    for spec in experiment.runs:
        settings = {axis.name: axis.low for axis in experiment.sweep}
        runs.append(with_values(spec, settings))
    return to_query(experiment.replace(runs=tuple(runs), measure="final_loss"))


@lru_cache(maxsize=8)
def _sweep_table(key: str):
    experiment, _ = parse(key)
    began = time.perf_counter()
    table = sweep(experiment)
    return table, time.perf_counter() - began


def swept(experiment):
    """The sweep of an experiment, from this worker's cache when it was stepped before (the measure and the
    runs' own values of the swept settings may differ: the table holds them all)."""
    table, _ = _sweep_table(sweep_key(experiment))
    if table.experiment.measure != experiment.measure or table.experiment.runs != experiment.runs:
        table = replace(table, experiment=experiment,
                        runs=[replace(row, run=spec) for row, spec in zip(table.runs, experiment.runs, strict=True)])
    return table


@lru_cache(maxsize=64)
def _measured(query: str):
    experiment, _ = parse(query)
    return measured(experiment)


def on_sweep(query, selected, view_data=None):
    """The sweep's figure (or nothing to show), and the run picker of a phase diagram."""
    if not query:
        raise PreventUpdate
    t = _text_of(view_data)
    experiment, _ = parse(query)
    hidden = not experiment.sweep
    if hidden:
        empty = {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}
        return empty, True, True, [], 0, {"display": "none"}, True
    try:
        table = swept(experiment)
        # The trajectories are the run callback's (computed beside this one); the figure needs only names.
        light = Result(experiment=experiment, surface=experiment.make_surface(), runs=[])
        names = names_of(experiment, t.lang)
        current = _measured(query)
        chosen = selected if isinstance(selected, int) and 0 <= selected < len(experiment.runs) else 0
        figure = sweep_figure(table, surface_of(light), names, current, loss_offset(light), t.lang, chosen,
                              revision=sweep_key(experiment) + f"|{chosen}")
    except Exception:
        logging.getLogger(__name__).exception("the sweep of %s failed", query)
        return no_update, False, False, no_update, no_update, no_update, no_update
    phase = len(experiment.sweep) == 2
    options = [{"label": html.Span([html.Span(run_style(i).glyph, style={"color": run_style(i).color}), " ", name]),
                "value": i} for i, name in enumerate(names)]
    picker = {} if phase and len(names) > 1 else {"display": "none"}
    return figure, False, False, options, chosen, picker, False


def _framed(curves: dict, query: str, view_data) -> dict:
    """The curves with the lesson's own ranges, while the experiment is still the lesson's."""
    slug = view_data.get("lesson") if isinstance(view_data, dict) else None
    lesson = LESSONS.get(slug) if isinstance(slug, str) else None
    if lesson is None or lesson.query != query or not lesson.curves:
        return curves
    return with_row_ranges(curves, lesson.curves)


def _fired() -> set[str]:
    """Which inputs fired this callback (none when called outside a request, as the tests do)."""
    try:
        return set(ctx.triggered_prop_ids)
    except Exception:
        return set()


def _zoomed(rendered: Rendered, box, lang: str):
    land = landscape_of(rendered.result, box)
    return level_traces(land, lang), landscape_image(land)


def _landscape_patch(rendered: Rendered, box, lang: str) -> Patch:
    """The landscape of another box, as a patch of the contour's first traces and its image."""
    levels, image = _zoomed(rendered, box, lang)
    patch = Patch()
    for index, trace in enumerate(levels):
        patch["data"][index] = trace
    patch["layout"]["images"] = [image]
    patch["layout"]["meta"] = {"landscape": list(box)}
    return patch


def _with_landscape(rendered: Rendered, box, lang: str) -> dict:
    levels, image = _zoomed(rendered, box, lang)
    figure = rendered.contour
    return {"data": [*levels, *figure["data"][len(levels):]],
            "layout": {**figure["layout"], "images": [image], "meta": {"landscape": list(box)}}}


def results_table(t: Text, rows: list[Summary], tolerance: float) -> html.Table:
    head = html.Tr([html.Th(""), html.Th(t("col-run")), html.Th(t("col-final-loss")), html.Th(t("col-distance")),
                    html.Th(t("col-reached", tolerance=f"{tolerance:g}")), html.Th(t("col-end"))])
    body = []
    for row in rows:
        style = run_style(row.index)
        end = (t("diverged-at", step=row.diverged_at) if row.diverged_at is not None
               else t("steps-run", n=f"{row.steps_run:,}"))
        body.append(html.Tr([
            html.Td(style.glyph, style={"color": style.color}, className="glyph"),
            html.Td(row.name), html.Td("—" if row.final_loss is None else _number(row.final_loss)),
            html.Td("—" if row.distance is None else _number(row.distance)),
            html.Td("—" if row.reached_at is None else f"{row.reached_at:,}"),
            html.Td(end, className="diverged" if row.diverged_at is not None else None),
        ], id={"type": "result-row", "run": row.index}))
    return html.Table([html.Thead(head), html.Tbody(body)], className="results-table")


def _number(value: float) -> str:
    return f"{value:.4g}"


def payload_bytes(outputs) -> int:
    """Bytes of JSON a callback's outputs take (what the benchmark reports)."""
    from plotly.io.json import to_json_plotly

    return len(to_json_plotly([o for o in outputs if o is not no_update]).encode())


__all__ = ["Rendered", "payload_bytes", "register", "render", "results_table"]
