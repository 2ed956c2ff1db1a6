"""Command line of the UI: everything `python -m experiments` writes, and the link's interactive page.

    python -m ui "<share link or query string>" [--html out.html] [--title TEXT] [--csv out.csv] [--json out.json]

The HTML page plays the runs on the landscape with plotly.js inlined, so it opens offline (slides, an LMS). The
link's lang= and lesson= choose its language, title and caption.
"""

from __future__ import annotations

import sys

from experiments.__main__ import execute, parser_for
from experiments.lessons import LESSONS
from experiments.url import parse_view
from ui.standalone import resolve_lang, standalone_html


def _write_html(args, result) -> None:
    if not args.html:
        return
    view = parse_view(args.link)[0]
    lang = resolve_lang(view.lang)
    lesson = LESSONS.get(view.lesson)
    title = args.title or (lesson.title[lang] if lesson else None)
    # A full link names the page's own address, which the file then links back to; a bare query does not.
    address = args.link.split("?", 1)[0] if "://" in args.link.split("?", 1)[0] else ""
    page = standalone_html(result, title=title, lang=lang, caption=lesson.caption[lang] if lesson else "",
                           view=view, address=address)
    with open(args.html, "w", encoding="utf-8") as handle:
        handle.write(page)


def main(argv: list[str] | None = None) -> int:
    parser = parser_for("python -m ui", __doc__.split("\n\n")[0])
    parser.add_argument("--html", metavar="PATH",
                        help="write a self-contained interactive page (contour and curves with a play button) "
                             "that works offline")
    parser.add_argument("--title", metavar="TEXT",
                        help="the page's title (default: the lesson's title for a lesson link, else the surface's)")
    return execute(parser.parse_args(argv), write_more=_write_html)


if __name__ == "__main__":
    sys.exit(main())
