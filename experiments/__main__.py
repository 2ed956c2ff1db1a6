"""Command line: run a shared link and write its tidy table, its arrays or an interactive page.

    python -m experiments "<share link or query string>" [--csv out.csv] [--json out.json] [--html out.html]

The HTML page plays the runs on the landscape with plotly.js inlined, so it opens offline (slides, an LMS).

A link with problems prints them on stderr and exits with code 2 (the web page would repair and warn instead).
"""

from __future__ import annotations

import argparse
import sys

import orjson

from experiments.export import result_to_dict, summary_lines
from experiments.runner import run
from experiments.url import parse, parse_view


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m experiments", description=__doc__.split("\n\n")[0])
    parser.add_argument("link", help="a Descent Lab link or its query string, e.g. 'surface=saddle&opt=gd(lr=0.1)'")
    parser.add_argument("--csv", metavar="PATH", help="write the tidy table (run, optimizer, step, x, y, loss, …)")
    parser.add_argument("--json", metavar="PATH", help="write every run's arrays as JSON")
    parser.add_argument("--html", metavar="PATH",
                        help="write a self-contained interactive page (contour and curves with a play button) "
                             "that works offline")
    parser.add_argument("--title", metavar="TEXT",
                        help="the page's title (default: the lesson's title for a lesson link, else the surface's)")
    args = parser.parse_args(argv)

    experiment, warnings = parse(args.link)
    if warnings:
        print("error: the link has problems:", file=sys.stderr)
        for warning in warnings:
            print(f"  - {warning}", file=sys.stderr)
        return 2
    result = run(experiment)
    try:
        if args.csv:
            result.to_frame().to_csv(args.csv, index=False)
        if args.json:
            with open(args.json, "wb") as handle:
                handle.write(orjson.dumps(result_to_dict(result)))
        if args.html:
            from experiments.lessons import LESSONS
            from ui.standalone import resolve_lang, standalone_html  # plotly and the figures only when asked for

            view = parse_view(args.link)[0]
            lang = resolve_lang(view.lang)
            lesson = LESSONS.get(view.lesson)
            title = args.title or (lesson.title[lang] if lesson else None)
            page = standalone_html(result, title=title, lang=lang, caption=lesson.caption[lang] if lesson else "")
            with open(args.html, "w", encoding="utf-8") as handle:
                handle.write(page)
    except OSError as error:
        print(f"error: cannot write output: {error}", file=sys.stderr)
        return 2
    print("\n".join(summary_lines(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
