"""The page. The shell holds only the address; the page itself is rendered from the link, so its language,
presentation mode, hidden controls, lesson and experiment are all in place before anything runs.

Layout: a header with the surface and experiment settings, the runs on the left, the plots and the playback bar
in the middle, the results table below.
"""

from __future__ import annotations

import json

from dash import dcc, html

from declarations.messages import NOTICES
from experiments.lessons import LESSONS, course, lesson_link, next_lesson
from experiments.limits import MAX_RUNS
from experiments.url import View
from ui.controls import (
    data_tools,
    experiment_fields,
    formula_tools,
    run_card,
    surface_fields,
    surface_picker,
    sweep_panel,
)
from ui.figures import view_key
from ui.i18n import LANGUAGES, Text
from ui.locales.plotly import modebar_locale

GRAPH_CONFIG = {
    "displaylogo": False, "responsive": True, "scrollZoom": False,
    "toImageButtonOptions": {"format": "png", "filename": "descent-lab", "scale": 2},
    # No "share to the cloud": the app works offline and sends nothing elsewhere.
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "sendChartToCloud"],
}
SPEEDS = (0.25, 0.5, 1, 2, 4, 8)
# What ?hide= may hide, for embedding in a course page: name -> the ids of the elements it hides.
HIDEABLE = {
    "title": ("title",), "lessons": ("lessons",),
    "surface": ("surface-field", "surface-params", "formula-tools", "data-tools"),
    "steps": ("steps-field",), "seed": ("seed-field",), "start": ("start-field",), "share": ("share",),
    "language": ("language",), "runs": ("runs-panel",), "caption": ("lesson-caption",), "player": ("player",),
    "curves": ("curves-box",), "results": ("results",), "hint": ("hint",), "messages": ("messages",),
    "sweep": ("sweep-controls",),
}


def shell() -> html.Div:
    """What Dash serves first: the address, and a place for the page rendered from it."""
    return html.Div([dcc.Location(id="url", refresh=False), html.Div(id="page", className="page")])


def page(t: Text, view: View, query: str, experiment, messages: list, view_suffix: str, plain_suffix: str
         ) -> html.Div:
    """The whole page for one link. `query` is the experiment's canonical query and `view_suffix` the canonical
    view keys after it (language, lesson, presentation, hidden controls), which the address keeps; `plain_suffix`
    is the same without the lesson, for once the experiment is no longer the lesson's."""
    lesson = LESSONS.get(view.lesson)
    hidden = {element for name in view.hide for element in HIDEABLE.get(name, ())}
    player = html.Div([
        _icon_button("to-start", t("to-start")),
        _icon_button("step-back", t("step-back")),
        _icon_button("play", t("play"), "play"),
        _icon_button("step-forward", t("step-forward")),
        _icon_button("to-end", t("to-end")),
        html.Label(dcc.Input(id="scrub", type="range", min=0, max=experiment.steps, step=1, value=0,
                             className="scrub"), title=t("scrub"), className="scrub-box"),
        html.Span(t("step-of", step=0, steps=0), id="step-readout", className="readout", **{"aria-live": "off"}),
        # Said by the player when the start or a path is out of the contour's view.
        html.Span([html.Span(className="what"), html.Button(t("fit-paths"), id="fit-paths", className="action")],
                  id="view-notice", className="view-notice", hidden=True, role="status",
                  **{"data-paths": t("paths-out"), "data-start": t("start-out")}),
        html.Label([t("speed") + " ", html.Select([html.Option(f"×{s:g}", value=str(s), selected=s == 1)
                                                   for s in SPEEDS], id="speed")], className="speed"),
        dcc.Loading(html.Div(id="status", className="status"), id="busy", type="dot", delay_show=150,
                    parent_className="busy"),
    ], className="player", id="player", hidden="player" in hidden,
       **{"data-play": t("play"), "data-pause": t("pause"), "data-step-of": t("step-of")})
    config = {**GRAPH_CONFIG, **modebar_locale(t.lang)}
    empty = {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}
    classes = "app" + (" present" if view.present else "") + (" with-lesson" if lesson else "") + \
        (" sweep-first" if experiment.sweep else "")
    return html.Div([
        dcc.Store(id="query", data=query),
        dcc.Store(id="view", data={"suffix": view_suffix, "plain": plain_suffix, "step": view.step,
                                   "zoom": list(view.zoom) if view.zoom else None, "query": query,
                                   "lang": t.lang, "lessonQuery": lesson.query if lesson else "",
                                   "lesson": lesson.slug if lesson else "", "svg": t("svg"), "plot": view.plot,
                                   "arrows": view.arrows}),
        dcc.Store(id="edited"), dcc.Store(id="sweep-shown"),
        # The step inspector's and the arrows' data, asked for by the player (assets/player.js) when shown.
        dcc.Store(id="inspect-ask"), dcc.Store(id="inspection"), dcc.Store(id="inspected"),
        dcc.Store(id="vectors-ask"), dcc.Store(id="vectors"), dcc.Store(id="vectors-in"), dcc.Store(id="plot3d-on"),
        dcc.Store(id="drawn"), dcc.Store(id="click-start"), dcc.Store(id="playback"), dcc.Store(id="player-ready"),
        dcc.Store(id="data-pasted"),
        # The contour's zoom, for the landscape under it: the player writes it after a zoom or pan.
        dcc.Store(id="zoom-box", data={"box": list(view.zoom), "view": view_key(experiment)} if view.zoom else None),
        html.Header([
            html.Div([
                html.H1(t("app-name"), id="title", hidden="title" in hidden),
                _lessons_menu(t, lesson, plain_suffix, "lessons" in hidden),
            ], className="brand"),
            # The experiment's settings: in the top bar on a wide screen, below the runs on a phone.
            html.Div([
                html.Div([html.Span(t("surface"), className="name"), surface_picker(t, experiment)],
                         className="field", id="surface-field", hidden="surface-field" in hidden),
                html.Div(surface_fields(t, experiment), id="surface-params", className="inline",
                         hidden="surface-params" in hidden),
                # Your own loss: the formula's reading and examples, and data pasted or uploaded.
                html.Div(formula_tools(t, experiment), id="formula-tools", className="formula-tools",
                         hidden=experiment.surface != "formula" or "surface-params" in hidden,
                         **{"data-ok": t("formula-ok"), "data-none": t("formula-no-points")}),
                html.Div(data_tools(t), id="data-tools", className="data-tools",
                         hidden=experiment.surface != "regression" or "surface-params" in hidden),
                html.Div(experiment_fields(t, experiment, hidden), className="inline"),
            ], className="settings"),
            html.Div([
                html.Button(t("copy-link"), id="copy-link", className="action",
                            **{"data-done": t("copied"), "data-failed": t("copy-failed")}),
                html.Button(t("download-csv"), id="download-csv", className="action", title=t("download-csv-help"),
                            **{"data-download": "csv", "data-failed": t("download-failed")}),
                html.Button(t("download-internals"), id="download-internals", className="action",
                            title=t("download-internals-help"),
                            **{"data-download": "internals.csv", "data-failed": t("download-failed")}),
                html.Button(t("download-sweep"), id="download-sweep", className="action",
                            title=t("download-sweep-help"), hidden=not experiment.sweep,
                            **{"data-download": "sweep.csv", "data-failed": t("download-failed")}),
                html.Button(t("download-html"), id="download-html", className="action",
                            title=t("download-html-help"),
                            **{"data-download": "html", "data-failed": t("download-failed")}),
                html.Button(t("present") if not view.present else t("leave-present"), id="toggle-present",
                            className="action", **{"data-present": "0" if view.present else "1"}),
            ], className="share", id="share", hidden="share" in hidden),
            html.Div([html.Button(name, className="language" + (" current" if code == t.lang else ""),
                                  **{"data-lang": code, "lang": code, "aria-pressed": str(code == t.lang).lower()})
                      for code, name in LANGUAGES.items()],
                     className="languages", id="language", hidden="language" in hidden,
                     **{"aria-label": t("language")}),
        ], className="topbar"),
        _caption(t, lesson, plain_suffix, "lesson-caption" in hidden),
        html.Aside([
            html.Div(messages_block(t, messages), id="messages", className="messages", role="status",
                     hidden="messages" in hidden),
            html.Div([run_card(t, i, r, experiment) for i, r in enumerate(experiment.runs)], id="runs"),
            html.Button(t("add-run"), id="add-run", className="add", disabled=len(experiment.runs) >= MAX_RUNS,
                        title=add_run_title(t, len(experiment.runs) >= MAX_RUNS)),
            html.Section([html.H3(t("sweep"), title=t("sweep-help")),
                          html.Div(sweep_panel(t, experiment), id="sweep-panel")],
                         className="sweep-controls", id="sweep-controls", hidden="sweep-controls" in hidden),
        ], className="runs-panel", id="runs-panel", hidden="runs-panel" in hidden),
        html.Main([
            html.Div([html.Div([
                dcc.Graph(id="contour", config=config, className="graph contour", figure=empty),
                html.Div([
                    # With a sweep, the curves and the sweep share this place; the tabs switch between them.
                    # The curves, the step inspector and (with a sweep) the sweep share this place.
                    html.Div([html.Button(t("tab-curves"), className="tab", **{"data-tab": "curves"}),
                              html.Button(t("tab-step"), className="tab", title=t("tab-step-help"),
                                          **{"data-tab": "step"}),
                              html.Button(t("plot-3d"), className="tab", title=t("plot-3d-help"),
                                          **{"data-tab": "3d"}),
                              html.Button(t("tab-sweep"), className="tab", id="tab-sweep", hidden=not experiment.sweep,
                                          **{"data-tab": "sweep"})],
                             id="panel-tabs", className="tabs", role="tablist"),
                    # A surface of data: the points and each run's model at the playback step, over the curves.
                    html.Div(dcc.Graph(id="data-plot", config=config, className="graph data-plot", figure=empty),
                             id="data-box", className="data-box", hidden=experiment.surface != "regression"),
                    dcc.Graph(id="curves", config=config, className="graph curves", figure=empty),
                    inspector_panel(t),
                    # The surface in 3-D (ui/surface3d.py), drawn once its tab has been opened.
                    dcc.Graph(id="surface3d", config=config, className="graph surface3d", figure=empty),
                    html.Div([
                        dcc.RadioItems(id="sweep-run", options=[], value=0, inline=True, className="sweep-runs"),
                        dcc.Graph(id="sweep-plot", config=config, className="graph sweep", figure=empty),
                    ], id="sweep-box", className="sweep-box", hidden=not experiment.sweep),
                ], id="curves-box", className="curves-box" + (" show-sweep" if experiment.sweep else ""),
                   hidden="curves-box" in hidden),
                # Shown over the plots by the player while a result takes long, in place of the stale one.
                html.Div(id="computing", className="computing", hidden=True, role="status",
                         **{"data-text": t("computing")}),
            ], className="plots"), player], className="stage"),
            html.Div(id="results", className="results", hidden="results" in hidden),
            html.P(t("hint", tolerance=f"{experiment.tolerance:g}"), className="hint", id="hint",
                   hidden="hint" in hidden),
        ], className="main"),
    ], className=classes, id="app", lang=t.lang)


INSPECTOR_WORDS = (
    "inspect-run", "inspect-step", "inspect-playing", "inspect-loading", "inspect-last", "inspect-replay",
    "inspect-decimated", "inspect-theta", "inspect-f", "inspect-grad", "inspect-used", "inspect-batch", "inspect-lr",
    "inspect-equations", "inspect-state", "inspect-before", "inspect-after", "inspect-effective", "inspect-delta",
    "inspect-next", "inspect-curvature", "inspect-kappa", "inspect-saddle", "inspect-flat", "inspect-directions",
    "inspect-gradcheck", "inspect-gradcheck-rounding", "inspect-analytic", "inspect-central", "inspect-forward",
    "inspect-relerr",
    "arrows", "arrows-off", "arrows-run", "arrows-all", "arrows-taylor", "arrow-taylor", "arrow-gradient",
    "arrow-direction", "arrow-step",
    "arrow-longer", "arrow-scale",
)


def inspector_panel(t: Text) -> html.Div:
    """The step inspector's place. The player fills it from the inspection the server sends, in the page's
    language (its words travel as data attributes), and moves it with the step in the browser."""
    words = {key.removeprefix("inspect-"): t(key) for key in INSPECTOR_WORDS}
    return html.Div([
        html.Div([
            html.Div(className="inspect-runs", role="radiogroup", **{"aria-label": t("inspect-run")}),
            html.Div([html.Span(t("arrows"), className="name"),
                      *[html.Button(t(f"arrows-{mode}"), className="arrows-mode", **{"data-arrows": mode})
                        for mode in ("off", "run", "all", "taylor")]], className="arrows-modes", role="group"),
        ], className="inspect-head"),
        html.Div(className="inspect-body", **{"aria-live": "polite"}),
    ], id="inspector", className="inspector", **{"data-words": json.dumps(words, ensure_ascii=False)})


def add_run_title(t: Text, full: bool) -> str:
    return t("at-most-runs", limit=MAX_RUNS) if full else t("add-run-help")


def messages_block(t: Text, messages: list[str]):
    """What the page did about a damaged link or a clamped entry, under a translated heading; what it did when
    asked (tuning), apart from those."""
    notices = [m for m in messages if getattr(m, "key", "") in NOTICES]
    warnings = [m for m in messages if getattr(m, "key", "") not in NOTICES]
    if not messages:
        return None
    parts = []
    if notices:
        parts.append(html.Ul([html.Li(t.message(m)) for m in notices], className="notices"))
    if warnings:
        parts += [html.P(t("messages-head")), html.Ul([html.Li(t.message(m)) for m in warnings])]
    return html.Div(parts)


def _lessons_menu(t: Text, current, suffix: str, hidden: bool) -> html.Details:
    """Every lesson as a link that keeps the page's language, presentation mode and hidden parts, grouped by the
    note it belongs to (the course): a heading per note, then its lessons with their number, title and summary.
    The links stay in course order in the DOM, which is the order a clicker's page keys walk (player.js)."""
    numbers = {slug: number for number, slug in enumerate(LESSONS, start=1)}
    groups = []
    for note, lessons in course(LESSONS.values()):
        if not lessons:
            continue
        items = [html.Li(html.A([html.Span(f"{numbers[lesson.slug]}", className="number"),
                                 html.Span([html.Span(lesson.title[t.lang], className="title"),
                                            html.Span(lesson.summary[t.lang], className="summary")],
                                           className="lesson-text")],
                                href="?" + lesson_link(lesson) + suffix,
                                className="current" if lesson is current else None, title=lesson.caption[t.lang]))
                 for lesson in lessons]
        groups.append(html.Li([html.H3(t("course-note", n=note.number, title=note.title[t.lang]),
                                       className="note-heading"),
                               html.Ol(items, className="note-lessons", start=numbers[lessons[0].slug])],
                              className="note"))
    return html.Details([html.Summary(t("lessons")), html.Ol(groups, className="lesson-list")],
                        className="lessons", id="lessons", hidden=hidden)


def _caption(t: Text, lesson, suffix: str, hidden: bool):
    if lesson is None:
        return html.Div(id="lesson-caption", hidden=True)
    number = list(LESSONS).index(lesson.slug) + 1
    return html.Section([
        html.H2([html.Span(t("lesson-number", n=number), className="number"), lesson.title[t.lang],
                 html.A(t("back-to-lesson"), href="?" + lesson_link(lesson) + suffix, className="back")],
                title=t("caption-toggle"), tabIndex=0, **{"aria-expanded": "true"}),
        html.P(lesson.caption[t.lang]),
        html.P([t("lesson-source", seed=lesson.seed.split("_")[0]), " ", html.Q(lesson.quote, lang="zh"),
                *_next_link(t, lesson, suffix)], className="source"),
    ], id="lesson-caption", className="lesson-caption", hidden=hidden)


def _next_link(t: Text, lesson, suffix: str) -> list:
    """The way on to the course's next lesson, on the caption's source line (none after the last lesson)."""
    following = next_lesson(lesson.slug)
    if following is None:
        return []
    return [html.A(t("next-lesson", title=following.title[t.lang]), href="?" + lesson_link(following) + suffix,
                   className="next", rel="next")]


def _icon_button(name: str, title: str, extra: str = "", **props) -> html.Button:
    """A button drawn by an SVG icon from assets/icons (fonts on a classroom PC may lack the media glyphs)."""
    return html.Button(id=name, className=f"icon i-{name} {extra}".strip(), title=title,
                       **{"aria-label": title}, **props)
