"""The page: a header with the surface and experiment settings, the runs on the left, the plots and the playback
bar in the middle, the results table below."""

from __future__ import annotations

from dash import dcc, html

from experiments.url import parse
from ui.controls import experiment_fields, surface_picker
from ui.figures import REACHED_TOLERANCE

GRAPH_CONFIG = {
    "displaylogo": False, "responsive": True, "scrollZoom": False,
    "toImageButtonOptions": {"format": "png", "filename": "descent-lab", "scale": 2},
    # No "share to the cloud": the app works offline and sends nothing elsewhere.
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "sendChartToCloud"],
}
SPEEDS = (0.25, 0.5, 1, 2, 4, 8)


def page() -> html.Div:
    experiment, _ = parse("")
    player = html.Div([
        _icon_button("to-start", "back to step 0 (Home)"),
        _icon_button("step-back", "one step back (←)"),
        _icon_button("play", "play or pause (space)", "play"),
        _icon_button("step-forward", "one step forward (→)"),
        _icon_button("to-end", "to the last step (End)"),
        dcc.Input(id="scrub", type="range", min=0, max=experiment.steps, step=1, value=0, className="scrub"),
        html.Span("step 0 / 0", id="step-readout", className="readout", **{"aria-live": "off"}),
        html.Label(["speed ", html.Select([html.Option(f"×{s:g}", value=str(s), selected=s == 1) for s in SPEEDS],
                                           id="speed")], className="speed"),
        dcc.Loading(html.Div(id="status", className="status"), id="busy", type="dot", delay_show=150,
                    parent_className="busy"),
    ], className="player", id="player")
    return html.Div([
        dcc.Location(id="url", refresh=False),
        dcc.Store(id="query"), dcc.Store(id="drawn"), dcc.Store(id="click-start"), dcc.Store(id="playback"),
        dcc.Store(id="player-ready"),
        html.Header([
            html.H1("Descent Lab"),
            html.Div([html.Span("surface", className="name"), surface_picker(experiment)], className="field"),
            html.Div(id="surface-params", className="inline"),
            html.Div(experiment_fields(experiment), className="inline"),
        ], className="topbar"),
        html.Aside([
            html.Div(id="messages", className="messages", role="status"),
            html.Div(id="runs"),
            html.Button("+ add a run", id="add-run", className="add"),
        ], className="runs-panel", id="runs-panel"),
        html.Main([
            html.Div([html.Div([
                dcc.Graph(id="contour", config=GRAPH_CONFIG, className="graph contour",
                          figure={"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}),
                dcc.Graph(id="curves", config=GRAPH_CONFIG, className="graph curves",
                          figure={"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}),
            ], className="plots"), player], className="stage"),
            html.Div(id="results", className="results"),
            html.P(["Click the contour to set the start. Space plays and pauses; ← and → step. ",
                    f"“Reached” is the first step within {REACHED_TOLERANCE:g} of a minimum."], className="hint"),
        ], className="main"),
    ], className="app", id="app")


def _icon_button(name: str, title: str, extra: str = "", **props) -> html.Button:
    """A button drawn by an SVG icon from assets/icons (fonts on a classroom PC may lack the media glyphs)."""
    return html.Button(id=name, className=f"icon i-{name} {extra}".strip(), title=title,
                       **{"aria-label": title}, **props)
