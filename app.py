"""Descent Lab entry point: builds the Dash app. `server = app.server` for gunicorn.

    python app.py [--host H] [--port P] [--debug]
"""

from __future__ import annotations

import argparse

from dash import Dash, html

from optimizers import OPTIMIZERS, SCHEDULES
from surfaces import SURFACES


def create_app() -> Dash:
    # serve_locally: every script and stylesheet comes from this server, so a classroom without internet works.
    app = Dash(__name__, title="Descent Lab", serve_locally=True)
    app.layout = html.Main(
        [
            html.H1("Descent Lab"),
            html.P("Watch gradient-based optimizers move across 2-D loss surfaces."),
            html.H2("Surfaces"),
            html.Ul([html.Li([html.Code(s.id), f" {s.title}: {s.formula}"], id=f"surface-{s.id}")
                     for s in SURFACES.values()], id="surfaces"),
            html.H2("Optimizers"),
            html.Ul([html.Li([html.Code(o.id), f" {o.title}"], id=f"optimizer-{o.id}") for o in OPTIMIZERS.values()],
                    id="optimizers"),
            html.H2("Schedules"),
            html.Ul([html.Li([html.Code(s.id), f" {s.formula}"]) for s in SCHEDULES.values()], id="schedules"),
        ]
    )
    return app


app = create_app()
server = app.server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the Descent Lab web app.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind; 0.0.0.0 serves a classroom LAN")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--debug", action="store_true", help="Dash dev tools and reloading (development only)")
    args = parser.parse_args(argv)
    app.run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
