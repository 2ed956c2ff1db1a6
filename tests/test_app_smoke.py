"""The running app serves a page listing every surface and optimizer, with all assets served locally."""

from __future__ import annotations

import pytest

from optimizers import OPTIMIZERS
from surfaces import SURFACES

pytestmark = pytest.mark.browser


def test_page_lists_the_registries_without_console_errors(live_server, page):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(live_server)
    page.wait_for_selector("#optimizers li")
    surfaces = page.locator("#surfaces li code").all_inner_texts()
    optimizers = page.locator("#optimizers li code").all_inner_texts()
    assert surfaces == list(SURFACES)
    assert optimizers == list(OPTIMIZERS)
    assert page.console_errors == []
    # No CDN: every request the page makes goes to this server.
    assert requests and all(url.startswith(live_server) for url in requests)


def test_app_module_exposes_a_wsgi_server():
    import app

    assert callable(app.server.wsgi_app)
