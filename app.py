"""Descent Lab entry point: builds the Dash app. `server = app.server` for gunicorn.

    python app.py [--host H] [--port P] [--debug]
"""

from __future__ import annotations

import argparse

from ui import create_app

app = create_app()
server = app.server


def compile_in_background() -> None:
    """Compile the kernels of the default page and of every lesson on a background thread of this process, so
    the first visitors get the compiled engine; until a kernel is ready its runs take the NumPy path. Called by
    `main` and, in each gunicorn worker, by gunicorn.conf.py."""
    from experiments import compiled
    from experiments.lessons import LESSONS
    from experiments.url import parse

    experiments = [parse("")[0], *(parse(lesson.query)[0] for lesson in LESSONS.values())]
    compiled.start_background(compiled.pairs_of(experiments))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the Descent Lab web app.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind; 0.0.0.0 serves a classroom LAN")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--debug", action="store_true", help="Dash dev tools and reloading (development only)")
    args = parser.parse_args(argv)
    compile_in_background()
    app.run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
