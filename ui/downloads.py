"""Downloads served as plain HTTP from the page's own address: /download.csv?<link> (and
/download.internals.csv?<link> with each step's gradient, step and optimizer state), /download.html?<link> and,
for a link with a sweep, /download.sweep.csv?<link>.

A plain route rather than a callback: the CSV of the largest allowed link is over 100 MB, which streams here in
chunks instead of travelling base64-encoded inside a callback's JSON. Links are untrusted; the parser repairs
them, so every request gets a file (a damaged link gets the repaired experiment's). The result usually comes
from the worker's cache: the page asked for the same experiment a moment ago.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import quote

import orjson
from flask import Response, request

from experiments.lessons import LESSONS
from experiments.url import View, parse, parse_view, to_query
from ui.callbacks import accepted_languages, computed, live_paths, swept
from ui.checks import formula_check
from ui.i18n import choose_language
from ui.standalone import standalone_html

CSV_CHUNK_ROWS = 20_000
# Tables being written at once by this worker: each holds its Result while a slow client reads.
_DOWNLOADS = threading.BoundedSemaphore(2)


def register_downloads(server) -> None:
    server.add_url_rule("/download.csv", "download_csv", download_csv)
    server.add_url_rule("/download.internals.csv", "download_internals_csv",
                        lambda: download_csv(internals=True))
    server.add_url_rule("/download.html", "download_html", download_html)
    server.add_url_rule("/download.sweep.csv", "download_sweep_csv", download_sweep_csv)
    server.add_url_rule("/live.json", "live_json", live_json)
    server.add_url_rule("/formula.json", "formula_json", formula_json)


def _link() -> str:
    return request.query_string.decode("utf-8", errors="replace")


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store"}


def download_csv(internals: bool = False) -> Response:
    """Every step of every run: the tidy table of Result.to_frame(), streamed a piece at a time; with
    `internals` (/download.internals.csv) also each step's gradient, step and optimizer state."""
    if not _DOWNLOADS.acquire(blocking=False):
        return _busy()
    try:
        experiment, _ = parse(_link())
        result, _ = computed(to_query(experiment))
    except Exception:  # the parser and the runner never raise on input; a bug must not become a traceback page
        _DOWNLOADS.release()
        logging.getLogger(__name__).exception("the CSV of %r failed", _link())
        return Response("the table could not be built; the error was logged\n", 500, mimetype="text/plain")
    parts = (part.to_csv(index=False, header=number == 0)
             for number, part in enumerate(result.frames(CSV_CHUNK_ROWS, internals=internals)))
    name = f"descent-lab-{experiment.surface}{'-internals' if internals else ''}.csv"
    response = Response(parts, mimetype="text/csv", headers=_attachment(name))
    response.call_on_close(_DOWNLOADS.release)  # when the table is sent, or the client has gone
    return response


def download_sweep_csv() -> Response:
    """The sweep's table (SweepResult.to_frame): one row per run per grid point; a link without a sweep gets a
    plain-text answer saying so."""
    try:
        experiment, _ = parse(_link())
        if not experiment.sweep:
            return Response("this link has no sweep (add sweep=lr:1e-4:1:64, for example)\n", 404,
                            mimetype="text/plain")
        table = swept(experiment).to_frame().to_csv(index=False)
    except Exception:
        logging.getLogger(__name__).exception("the sweep CSV of %r failed", _link())
        return Response("the table could not be built; the error was logged\n", 500, mimetype="text/plain")
    return Response(table, mimetype="text/csv", headers=_attachment(f"descent-lab-{experiment.surface}-sweep.csv"))


def live_json() -> Response:
    """/live.json?x=…&y=…&query=<link>: the paths from a dragged start (ui.callbacks.live_paths), or 204 for a
    start the experiment cannot take. A plain route, so the page can ask again the moment an answer is drawn."""
    try:
        data = live_paths(request.args.get("query", ""), request.args.get("x"), request.args.get("y"))
    except Exception:
        logging.getLogger(__name__).exception("the live paths of %r failed", _link())
        data = None
    if data is None:
        return Response(status=204)
    return Response(orjson.dumps(data), mimetype="application/json", headers={"Cache-Control": "no-store"})


def formula_json() -> Response:
    """/formula.json?f=…&box=…&lang=…: what the formula field holds, checked as it is typed. Never raises."""
    try:
        data = formula_check(request.args.get("f", ""), request.args.get("box", ""), request.args.get("lang", "en"))
    except Exception:
        logging.getLogger(__name__).exception("checking the formula %r failed", request.args.get("f", "")[:300])
        data = {"ok": False, "text": "", "position": None}
    return Response(orjson.dumps(data), mimetype="application/json", headers={"Cache-Control": "no-store"})


def _busy() -> Response:
    return Response("other downloads are being prepared; try again in a moment\n", 503, mimetype="text/plain",
                    headers={"Retry-After": "5"})


def download_html() -> Response:
    """The standalone interactive page, in the link's language, with the lesson's title and caption when the
    experiment is still the lesson's."""
    try:
        link = _link()
        experiment, _ = parse(link)
        view, _ = parse_view(link)
        lang, _ = choose_language(view.lang, accepted_languages())
        lesson = LESSONS.get(view.lesson)
        if lesson is not None and lesson.query != to_query(experiment):
            lesson = None  # edited since: the caption would describe another experiment
        result, _ = computed(to_query(experiment))
        shown = View(step=view.step, zoom=view.zoom, lang=view.lang, lesson=view.lesson if lesson else "",
                     plot=view.plot)
        # The page's own address, so that the file links back to what it shows.
        page = standalone_html(result, title=lesson.title[lang] if lesson else None, lang=lang,
                               caption=lesson.caption[lang] if lesson else "", view=shown,
                               address=request.url_root.rstrip("/") + "/")
    except Exception:
        logging.getLogger(__name__).exception("the HTML of %r failed", _link())
        return Response("the page could not be built; the error was logged\n", 500, mimetype="text/plain")
    return Response(page, mimetype="text/html", headers=_attachment(f"descent-lab-{experiment.surface}.html"))


__all__ = ["register_downloads"]
