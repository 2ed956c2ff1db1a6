"""Controls generated from the declarations: one Param becomes one control, with its help as the hover text."""

from __future__ import annotations

import math

from dash import dcc, html

from declarations import BOOL, CHOICE, FLOAT, INT, TEXT, Param
from experiments.inspect import stability_limit
from experiments.limits import DATA_MAX_ROWS, MAX_SWEEP_AXES
from experiments.measures import MEASURE, MEASURES, TOLERANCE
from experiments.model import BATCH, NOISE, SEED, STEPS, Experiment, Run, sweepable
from optimizers import OPTIMIZERS, SCHEDULES
from surfaces import SURFACES
from ui.figures import default_name
from ui.i18n import Text
from ui.theme import run_style


def control_value(param: Param, value: object) -> object:
    """A declared value as its control holds it (a checklist for booleans)."""
    if param.kind == BOOL:
        return ["on"] if value else []
    return float(value) if param.kind == FLOAT else value


def number_input(control_id, value, *, whole: bool = False, **props) -> dcc.Input:
    """A field for a number, committed on Enter or on leaving it. It is a text field: a browser's number field
    turns "abc", "2.5" for a count, or an out-of-range entry into nothing at all, while the server reads what was
    typed and says what it did instead. Phones still get a keypad for numbers."""
    if isinstance(value, float):
        value = repr(value)  # exact, and short for small numbers (a browser writes 1e-5 as 0.00001)
    return dcc.Input(id=control_id, type="text", inputMode="numeric" if whole else "decimal", value=value,
                     debounce=True, className="number", spellCheck=False, autoComplete="off", **props)


def field_id(run: int, name: str) -> dict:
    return {"type": "run-field", "run": run, "field": name}


def param_control(t: Text, param: Param, value: object, control_id: dict | str, *, compact: bool = False,
                  **props) -> html.Div:
    """A labelled control for one declared parameter. Numbers are typed (committed on Enter or leaving the
    field); the range and the help text show on hover."""
    label = t.declared(param.label or param.name)
    tip = t.declared(param.help)
    if param.kind in (FLOAT, INT):
        tip = f"{tip} ({param.format(param.low)} … {param.format(param.high)})".strip()
        control = number_input(control_id, control_value(param, value), whole=param.kind == INT)
    elif param.kind == BOOL:
        control = dcc.Checklist(id=control_id, options=[{"label": "", "value": "on"}],
                                value=control_value(param, value), className="switch")
    elif param.kind == CHOICE:
        control = dcc.Dropdown(id=control_id, options=[{"label": t.declared(c), "value": c} for c in param.choices],
                               value=value, clearable=False,
                               searchable=False, className="choice")
    elif param.kind == TEXT and param.choices:  # a dataset: the built-in ones, or the user's own (inline)
        control = dcc.Dropdown(id=control_id, options=data_options(t, param, str(value)), value=value,
                               clearable=False, searchable=False, className="choice data")
    elif param.kind == TEXT:  # a formula or a box, committed on Enter or on leaving the field
        control = dcc.Input(id=control_id, type="text", value=value, debounce=True, spellCheck=False,
                            autoComplete="off", maxLength=1000, className=f"text typed-{param.name}")
    else:  # pragma: no cover - every declared kind is handled above
        raise ValueError(param.kind)
    classes = "field compact" if compact else "field"
    if param.kind == TEXT:
        classes += f" text-field {param.name}-field"
    return html.Label([html.Span(label, className="name"), control], title=tip, className=classes, **props)


def data_options(t: Text, param: Param, value: str) -> list[dict]:
    """The built-in datasets, and the user's own when the link carries it (named by its row count)."""
    from experiments.data import INLINE, decode_inline

    options = [{"label": t.declared(c), "value": c} for c in param.choices]
    if value.startswith(INLINE):
        options.append({"label": t("data-yours", n=len(decode_inline(value).u)), "value": value})
    return options


def lr_marks(param: Param) -> dict:
    low, high = math.log10(param.low), math.log10(param.high)
    return {k: {"label": f"1e{k}"} for k in range(math.ceil(low), math.floor(high) + 1) if k % 4 == 0}


def lr_limit(t: Text, experiment: Experiment, index: int) -> tuple[dict, str]:
    """Run `index`'s slider marks with a tick at its stability limit, and the sentence that names it ("" where
    the rule has no closed form, or nothing curves up)."""
    spec = experiment.runs[index]
    param = OPTIMIZERS[spec.optimizer].params[0]
    marks = lr_marks(param)
    limit = stability_limit(experiment, index)
    if limit is None or not param.low <= limit.lr <= param.high:
        return marks, ""
    words = {"lr": f"{limit.lr:.4g}", "formula": limit.formula, "lam": f"{limit.lam_max:.4g}"}
    note = t("lr-limit-local" if limit.local else "lr-limit", **words) + (t("lr-limit-saddle") if limit.saddle else "")
    # The tick: a bar on the slider at log10 of the limit (dcc.Slider draws a mark at any value).
    marks[round(math.log10(limit.lr), 6)] = {"label": "▲", "style": {"color": "#c0392b", "fontWeight": "700"}}
    return marks, note


def lr_control(t: Text, run_index: int, run: Run, experiment: Experiment | None = None) -> html.Div:
    """The learning rate: a log slider for sweeping, and a typed field for an exact value; under them, where the
    rule has one, the lr at which it stops being stable, with a tick on the slider."""
    param = OPTIMIZERS[run.optimizer].params[0]
    low, high = math.log10(param.low), math.log10(param.high)
    marks, note = lr_limit(t, experiment, run_index) if experiment is not None else (lr_marks(param), "")
    slider = dcc.Slider(id={"type": "lr-slider", "run": run_index}, min=low, max=high, step=0.01,
                        value=math.log10(run.lr), marks=marks, allow_direct_input=False, updatemode="drag",
                        className="lr-slider")
    field = number_input(field_id(run_index, "lr"), run.lr)
    tip = t.declared(param.help)
    tune = html.Button(t("tune"), id={"type": "run-tune", "run": run_index}, className="action tune",
                       title=t("tune-help"))
    return html.Div([html.Span("lr", className="name", title=tip), slider, field, tune,
                     html.Div(note, id={"type": "lr-limit", "run": run_index}, className="lr-limit")],
                    className="lr-row", title=f"{tip} ({param.format(param.low)} … {param.format(param.high)})")


def run_card(t: Text, index: int, run: Run, experiment: Experiment | None = None) -> html.Div:
    opt = OPTIMIZERS[run.optimizer]
    style = run_style(index)
    schedule = SCHEDULES[run.schedule]
    header = html.Div([
        html.Span(style.glyph, className="glyph", style={"color": style.color}, title=t("run-number", n=index + 1)),
        # On a phone a run is this one line until it is opened.
        html.Button(html.Span(f"{t.declared(opt.title)} · η = {run.lr:g}", className="run-summary"),
                    className="run-open", title=t("open-run"), **{"aria-label": t("open-run")}),
        dcc.Dropdown(id=field_id(index, "optimizer"), options=[{"label": t.declared(o.title), "value": o.id}
                                                                  for o in OPTIMIZERS.values()],
                     value=run.optimizer, clearable=False, className="optimizer"),
        html.Button(id={"type": "run-duplicate", "run": index}, className="icon i-duplicate",
                    title=t("duplicate-run"), **{"aria-label": t("duplicate-run")}),
        html.Button(id={"type": "run-remove", "run": index}, className="icon i-remove", title=t("remove-run"),
                    **{"aria-label": t("remove-run")}),
    ], className="run-header")
    hyper = [param_control(t, p, run.hyper[p.name], field_id(index, p.name), compact=True) for p in opt.params[1:]]
    schedule_fields = [param_control(t, p, run.schedule_params[p.name], field_id(index, p.name), compact=True)
                       for p in schedule.params]
    return html.Div([
        header,
        lr_control(t, index, run, experiment),
        html.Div(hyper, className="grid"),
        html.Div([
            html.Label([html.Span(t("schedule"), className="name"),
                        dcc.Dropdown(id=field_id(index, "schedule"), value=run.schedule,
                                     options=[{"label": t.declared(s.title), "value": s.id}
                                              for s in SCHEDULES.values()],
                                     clearable=False, className="choice schedule")],
                       className="field compact", title=t.declared(schedule.formula)),
            param_control(t, NOISE, run.noise, field_id(index, "noise"), compact=True),
            *([param_control(t, BATCH, run.batch, field_id(index, "batch"), compact=True)]
              if experiment is not None and experiment.make_surface().rows is not None else []),
            *schedule_fields,
            html.Label([html.Span(t("label"), className="name"),
                        dcc.Input(id=field_id(index, "label"), type="text", value=run.label, debounce=True,
                                  maxLength=40, placeholder=default_name(run, t), className="text")],
                       className="field compact", title=t("label-help")),
        ], className="grid"),
        html.Details([html.Summary(t("update-rule")), html.Pre(t.declared(opt.equations), className="equations"),
                      html.Div(opt.torch and f"PyTorch: {opt.torch}", className="reference"),
                      html.Div(opt.reference, className="reference")], className="rule"),
    ], className="run-card collapsed", style={"borderLeftColor": style.color}, id={"type": "run-card", "run": index})


def surface_fields(t: Text, experiment: Experiment) -> list:
    cls = SURFACES[experiment.surface]
    fields = [param_control(t, p, experiment.surface_params[p.name], {"type": "surface-param", "name": p.name},
                            compact=True) for p in cls.params]
    if experiment.surface == "formula":  # its reading and examples are the formula tools beside the fields
        return fields
    return [*fields, html.Div([html.Code(t.declared(cls.formula))], className="formula",
                              title=f"{t.declared(cls.formula)}\n\n{t.declared(cls.about)}")]


def formula_tools(t: Text, experiment: Experiment) -> list:
    """Under a typed formula: the formula as a reader reads it (or what is wrong with what is being typed, which
    the player asks /formula.json about as it is typed), and the built-in surfaces' formulas as examples."""
    from ui.checks import formula_check

    typed = experiment.surface == "formula"
    check = formula_check(experiment.surface_params["f"], experiment.surface_params["box"], t.lang) if typed \
        else {"text": "", "points": ""}
    examples = [{"label": t.declared(cls.title), "value": cls.id} for cls in SURFACES.values() if cls.expression]
    return [
        html.Div([html.Span("f(x, y) = ", className="lead"), html.Code(check["text"], className="readable"),
                  html.Span(check["points"], className="points")], id="formula-check", className="formula-check"),
        # What is being typed, checked as it is typed: written by the player, never by a callback.
        html.Div(id="formula-live", className="formula-live", role="status", **{"aria-live": "polite"}),
        dcc.Dropdown(id="formula-example", options=examples, value=None, clearable=False, searchable=False,
                     placeholder=t("formula-examples"), className="choice formula-example"),
    ]


def data_tools(t: Text) -> list:
    """Your own data: CSV pasted or uploaded, turned into the link's inline data by the server."""
    return [html.Details([
        html.Summary(t("data-own"), title=t("data-own-help", rows=DATA_MAX_ROWS)),
        dcc.Textarea(id="data-csv", placeholder="u,t\n0.1,1.2\n0.5,2.0\n…", className="data-csv", spellCheck=False),
        html.Div([
            dcc.Upload(html.Button(t("data-upload"), className="action"), id="data-upload", accept=".csv,.txt,text/csv",
                       max_size=DATA_MAX_ROWS * 64, className="data-upload"),
            html.Button(t("data-use"), id="data-use", className="action"),
        ], className="data-actions"),
        html.Div(id="data-note", className="data-note", role="status"),
    ], className="data-own", id="data-own")]


def experiment_fields(t: Text, experiment: Experiment, hidden: set[str] = frozenset()) -> list:
    """Steps, seed and start: fixed components whose values the edit callback keeps canonical."""
    return [
        param_control(t, STEPS, experiment.steps, "steps", compact=True, id="steps-field",
                      hidden="steps-field" in hidden),
        param_control(t, SEED, experiment.seed, "seed", compact=True, id="seed-field", hidden="seed-field" in hidden),
        html.Label([html.Span(t("start"), className="name"),
                    number_input("start-x", experiment.start[0], name="start-x"),
                    number_input("start-y", experiment.start[1], name="start-y")],
                   className="field compact start", title=t("start-help"), id="start-field",
                   hidden="start-field" in hidden),
    ]


def surface_picker(t: Text, experiment: Experiment) -> dcc.Dropdown:
    return dcc.Dropdown(id="surface", options=[{"label": t.declared(s.title), "value": s.id}
                                               for s in SURFACES.values()],
                        value=experiment.surface, clearable=False, searchable=False, className="surface-picker")


def sweep_choices(experiment: Experiment) -> list[str]:
    """The settings every run has, which a sweep may vary (lr first)."""
    first = sweepable(experiment.runs[0])
    return [name for name in first if all(name in sweepable(r) for r in experiment.runs)]


def sweep_panel(t: Text, experiment: Experiment) -> list:
    """The sweep's axes (a setting, its range and how many values), the measure, the tolerance of arrival, and
    "tune all". An axis set to "—" is off; a second axis makes the plot a phase diagram."""
    choices = sweep_choices(experiment)
    params = sweepable(experiment.runs[0])
    rows = []
    for number in range(MAX_SWEEP_AXES):
        axis = experiment.sweep[number] if number < len(experiment.sweep) else None
        options = [{"label": "—", "value": ""}] + [
            {"label": f"{t.declared(params[name].label or name)}", "value": name} for name in choices]
        def field(name, number=number):
            return {"type": "sweep-field", "axis": number, "field": name}

        rows.append(html.Div([
            html.Span(t("sweep-axis", n=number + 1), className="name"),
            dcc.Dropdown(id=field("name"), options=options, value=axis.name if axis else "", clearable=False,
                         searchable=False, className="choice sweep-name"),
            html.Label([html.Span(t("sweep-from"), className="name"),
                        number_input(field("low"), axis.low if axis else None, disabled=axis is None)]),
            html.Label([html.Span(t("sweep-to"), className="name"),
                        number_input(field("high"), axis.high if axis else None, disabled=axis is None)]),
            html.Label([html.Span(t("sweep-count"), className="name"),
                        number_input(field("count"), axis.count if axis else None, whole=True,
                                     disabled=axis is None)], title=t("sweep-count-help")),
        ], className="sweep-axis", hidden=number > 0 and not experiment.sweep))
    measure = html.Label([html.Span(t("measure"), className="name"),
                          dcc.Dropdown(id="measure", value=experiment.measure, clearable=False, searchable=False,
                                       options=[{"label": t.declared(m.title), "value": m.name}
                                                for m in MEASURES.values()], className="choice measure")],
                         className="field compact", title=t.declared(MEASURE.help))
    tolerance = param_control(t, TOLERANCE, experiment.tolerance, "tolerance", compact=True)
    return [*rows, measure, tolerance,
            html.Button(t("tune-all"), id="tune-all", className="action tune-all", title=t("tune-all-help"))]
