"""The Dash app: layout, figure builders, callbacks. The only package that imports dash.

Dash is imported when the app is created, not when the package is, so the dash-free figure builders (figures,
contours, standalone) also serve the command line.
"""

from __future__ import annotations

from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def create_app():
    from dash import Dash

    from ui.callbacks import register, render_page
    from ui.downloads import register_downloads
    from ui.layout import shell

    # serve_locally: every script and stylesheet comes from this server, so a classroom without internet works.
    # compress: results travel as base64 arrays inside JSON, which gzip shrinks by about a third.
    # The page is rendered from the link by a callback, so its components are not in the first layout; the
    # validation layout lists them so Dash still checks every callback against real ids.
    app = Dash(__name__, title="Descent Lab", serve_locally=True, assets_folder=str(ASSETS), update_title=None,
               compress=True, suppress_callback_exceptions=False)
    app.layout = shell()
    app.validation_layout = [shell(), render_page("")]
    register(app)
    register_downloads(app.server)

    @app.server.after_request
    def _headers(response):
        # Links carry the whole experiment; don't repeat them in every request's Referer header.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    return app


__all__ = ["create_app"]
