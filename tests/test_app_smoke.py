"""The entry point: a WSGI server for gunicorn, local assets, and headers that keep long links out of Referers."""

from __future__ import annotations

import urllib.request


def test_app_module_exposes_a_wsgi_server():
    import app

    assert callable(app.server.wsgi_app)


def test_the_page_and_its_assets_come_from_the_app(live_server):
    with urllib.request.urlopen(live_server + "/") as response:
        html = response.read().decode()
        assert response.headers["Referrer-Policy"] == "same-origin"
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    for asset in ("/assets/player.js", "/assets/style.css", "/assets/icons/play.svg"):
        with urllib.request.urlopen(live_server + asset) as response:
            assert response.status == 200


def test_responses_are_gzipped_for_browsers_that_accept_it(live_server):
    # The callback graph: JSON of several kilobytes, like every result the page receives.
    request = urllib.request.Request(live_server + "/_dash-dependencies", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Encoding"] == "gzip"
